// One Lua fragment for the version bump of every put-with-overwrite script (actions, triggers,
// rules): Lua's twin of bumpVersion() in action-store.ts, so the Redis and memory stores agree.
// Reads `v` (the stored version, or false when there is none) and sets the local `nv`:
// none → 0.0.1, a.b.c → a.b.(c+1), anything unparsable → 0.0.1.
export const VERSION_BUMP_LUA = `
local nv = '0.0.1'
if v then
  local a, b, c = string.match(v, '^(%d+)%.(%d+)%.(%d+)$')
  if a then nv = a .. '.' .. b .. '.' .. (tonumber(c) + 1) end
end
`;
