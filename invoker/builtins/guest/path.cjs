// node:path — path-browserify (Node's path.posix, ported); cwd is the action's root.
const path = require('path-browserify');
path.win32 = null;
module.exports = path;
