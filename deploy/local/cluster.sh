#!/usr/bin/env bash
# photon's cluster topology as local processes: Kafka, Redis, controllers and invokers.
#   deploy/local/cluster.sh up [--controllers N] [--invokers M] | down | status | logs NAME
# Controller i listens on 127.0.0.1:$((PHOTON_PORT_BASE + i)) (3233 first). Logs and pids live in
# $PHOTON_RUN_DIR/cluster/ (deploy/local/.run/cluster). Extra PHOTON_* variables pass through to
# every process (see deploy/README.md for the table).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
run_dir=${PHOTON_RUN_DIR:-$here/.run}
dir="$run_dir/cluster"
port_base=${PHOTON_PORT_BASE:-3233}
# photon's own Node 24 (installed on first use), whatever node the caller's PATH has.
. "$here/node-env.sh"
node_cmd=(node --no-node-snapshot --import tsx)

log() { echo "cluster.sh: $*" >&2; }
alive() { [ -f "$dir/$1.pid" ] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

start() { # name entry env...
  local name=$1 entry=$2; shift 2
  if alive "$name"; then log "$name already running (pid $(cat "$dir/$name.pid"))"; return 0; fi
  # exec all the way down, so the pid written is node's own (down's SIGTERM must reach node, not a
  # subshell), and every stream redirected, so a caller capturing `up`'s output is not held open.
  (cd "$root" && exec env "$@" nohup "${node_cmd[@]}" "$entry") >>"$dir/$name.log" 2>&1 </dev/null &
  echo $! > "$dir/$name.pid"
  log "started $name (pid $(cat "$dir/$name.pid"), log $dir/$name.log)"
}

wait_http() { # name port
  local deadline=$((SECONDS + 60))
  until curl -fsS "http://127.0.0.1:$2/ping" >/dev/null 2>&1; do
    alive "$1" || { log "$1 exited during start:"; tail -20 "$dir/$1.log" >&2; return 1; }
    [ $SECONDS -lt $deadline ] || { log "$1 did not answer on :$2 within 60 s"; return 1; }
    sleep 0.3
  done
}

up() {
  local controllers=1 invokers=2
  while [ $# -gt 0 ]; do
    case $1 in
      --controllers) controllers=$2; shift 2 ;;
      --invokers) invokers=$2; shift 2 ;;
      *) log "unknown option $1"; exit 2 ;;
    esac
  done
  mkdir -p "$dir"
  "$here/kafka.sh" up
  "$here/redis.sh" up
  local brokers="127.0.0.1:${KAFKA_PORT:-9092}" redis="redis://127.0.0.1:${REDIS_PORT:-6379}"
  for i in $(seq 0 $((invokers - 1))); do
    start "invoker$i" deploy/invoker-main.ts PHOTON_INVOKER_ID="invoker$i" PHOTON_KAFKA_BROKERS="$brokers" PHOTON_REDIS_URL="$redis"
  done
  for i in $(seq 0 $((controllers - 1))); do
    start "controller$i" deploy/controller-main.ts PHOTON_CONTROLLER_ID="controller$i" PHOTON_CONTROLLER_PORT=$((port_base + i)) \
      PHOTON_CONTROLLER_SHARE="$controllers" PHOTON_KAFKA_BROKERS="$brokers" PHOTON_REDIS_URL="$redis"
  done
  for i in $(seq 0 $((controllers - 1))); do wait_http "controller$i" $((port_base + i)); done
  log "up: $controllers controller(s) from 127.0.0.1:$port_base, $invokers invoker(s)"
}

down() {
  [ -d "$dir" ] || { log "nothing to stop"; return 0; }
  local pids=()
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    local name; name=$(basename "$f" .pid)
    if alive "$name"; then kill -TERM "$(cat "$f")"; pids+=("$(cat "$f")"); fi
  done
  for _ in $(seq 1 60); do
    local left=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && left=1; done
    [ $left = 0 ] && break
    sleep 0.5
  done
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && { log "pid $p ignored SIGTERM for 30 s; killing"; kill -KILL "$p"; }; done
  rm -f "$dir"/*.pid
  log "stopped photon processes (Kafka and Redis stay up: kafka.sh down / redis.sh down)"
}

status() {
  "$here/kafka.sh" status || true
  "$here/redis.sh" status || true
  [ -d "$dir" ] || { echo "photon: no processes"; return 0; }
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    local name; name=$(basename "$f" .pid)
    if alive "$name"; then echo "$name: running (pid $(cat "$f"), log $dir/$name.log)"; else echo "$name: exited (log $dir/$name.log)"; fi
  done
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  status) status ;;
  logs) tail -n 100 -f "$dir/${2:?name}.log" ;;
  *) echo "usage: $0 up [--controllers N] [--invokers M] | down | status | logs NAME" >&2; exit 2 ;;
esac
