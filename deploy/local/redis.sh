#!/usr/bin/env bash
# Redis for development and tests: use the one answering on REDIS_PORT (6379) if any, otherwise
# start redis-server (installing it from Debian's packages when absent).
#   deploy/local/redis.sh up|down|status
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
port=${REDIS_PORT:-6379}
run_dir=${PHOTON_RUN_DIR:-$here/.run}
state="$run_dir/redis-$port"
pidfile="$state/redis.pid"

log() { echo "redis.sh: $*" >&2; }
answers() { command -v redis-cli >/dev/null && [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; }
ours() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

up() {
  if answers; then
    if ours; then log "already running on 127.0.0.1:$port (ours, pid $(cat "$pidfile"))"; else log "using the Redis already answering on 127.0.0.1:$port"; fi
    return 0
  fi
  if ! command -v redis-server >/dev/null; then
    log "redis-server is missing; installing Debian's redis-server"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
  fi
  mkdir -p "$state"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --dir "$state" --pidfile "$pidfile" --logfile "$state/redis.log"
  for _ in $(seq 1 50); do answers && break; sleep 0.1; done
  answers || { log "redis-server did not answer, see $state/redis.log"; exit 1; }
  log "Redis up on 127.0.0.1:$port (pid $(cat "$pidfile"))"
}

down() {
  if ours; then
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$pidfile")"
    rm -f "$pidfile"; log "stopped"
  else
    log "not started by this script; leaving it alone"
  fi
}

status() {
  if ours; then echo "redis: running on 127.0.0.1:$port (pid $(cat "$pidfile"), started here)";
  elif answers; then echo "redis: answering on 127.0.0.1:$port (not started here)";
  else echo "redis: stopped"; return 3; fi
}

case "${1:-}" in
  up) up ;; down) down ;; status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
