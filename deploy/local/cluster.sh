#!/usr/bin/env bash
# photon's cluster topology as local processes: Kafka, Redis, controllers and invokers.
#   deploy/local/cluster.sh up [--controllers N] [--invokers M] | down [--purge] | status | logs NAME
# `up` returns once every controller sees every invoker (GET /invokers); `down --purge` also
# removes the cluster's Redis keys, Kafka topics and consumer groups.
#
# Environment (all optional; what `up` resolved is kept in the run dir for down/status):
#   PHOTON_CLUSTER_NAME    names a second (third, …) cluster on the same host: its run dir, ids and
#                          prefixes below all derive from it, so clusters never share anything
#   PHOTON_PORT_BASE       controller i listens on 127.0.0.1:$((PHOTON_PORT_BASE + i)) (3233)
#   PHOTON_API_HOST_FOR_ACTIONS  the API functions call back (http://127.0.0.1:$PHOTON_PORT_BASE)
#   PHOTON_CONTROLLER_ID_PREFIX, PHOTON_INVOKER_ID_PREFIX
#                          ids are <prefix><i> (controller / invoker, or <name>-controller …)
#   PHOTON_REDIS_PREFIX    Redis key prefix (photon: or photon:<name>:)
#   PHOTON_TOPIC_PREFIX    Kafka topic prefix (empty or <name>.)
#   PHOTON_KAFKA_BROKERS   use these brokers instead of starting Kafka on 127.0.0.1:$KAFKA_PORT (9092)
#   PHOTON_REDIS_URL       use this Redis instead of 127.0.0.1:$REDIS_PORT (6379)
#   PHOTON_RUN_DIR         data, logs and pids (deploy/local/.run); this cluster's: cluster[-<name>]/
# Any other PHOTON_* variable passes through to every process (deploy/README.md has the table).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
run_dir=${PHOTON_RUN_DIR:-$here/.run}
name=${PHOTON_CLUSTER_NAME:-}
if [ -n "$name" ] && ! [[ $name =~ ^[a-z0-9][a-z0-9-]{0,23}$ ]]; then
  echo "cluster.sh: PHOTON_CLUSTER_NAME must be 1-24 of [a-z0-9-], got '$name'" >&2; exit 2
fi
dir="$run_dir/cluster${name:+-$name}"
# photon's own Node 24 (installed on first use), whatever node the caller's PATH has.
. "$here/node-env.sh"
node_cmd=(node --no-node-snapshot --import tsx)

log() { echo "cluster.sh: $*" >&2; }
alive() { [ -f "$dir/$1.pid" ] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

# The settings of this cluster: from the environment at `up`, from $dir/cluster.env afterwards.
resolve_settings() {
  if [ -f "$dir/cluster.env" ] && [ "${1:-}" != fresh ]; then . "$dir/cluster.env"; return; fi
  port_base=${PHOTON_PORT_BASE:-3233}
  controller_prefix=${PHOTON_CONTROLLER_ID_PREFIX:-${name:+$name-}controller}
  invoker_prefix=${PHOTON_INVOKER_ID_PREFIX:-${name:+$name-}invoker}
  redis_prefix=${PHOTON_REDIS_PREFIX:-photon:${name:+$name:}}
  topic_prefix=${PHOTON_TOPIC_PREFIX:-${name:+$name.}}
  own_kafka=$([ -z "${PHOTON_KAFKA_BROKERS:-}" ] && echo 1 || echo 0)
  own_redis=$([ -z "${PHOTON_REDIS_URL:-}" ] && echo 1 || echo 0)
  brokers=${PHOTON_KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}
  redis_url=${PHOTON_REDIS_URL:-redis://127.0.0.1:${REDIS_PORT:-6379}}
}

save_settings() {
  declare -p port_base controller_prefix invoker_prefix redis_prefix topic_prefix own_kafka own_redis brokers redis_url controllers invokers \
    | sed 's/^declare -- //' > "$dir/cluster.env"
}

start() { # name entry env...
  local proc=$1 entry=$2; shift 2
  if alive "$proc"; then log "$proc already running (pid $(cat "$dir/$proc.pid"))"; return 0; fi
  # exec all the way down, so the pid written is node's own (down's SIGTERM must reach node, not a
  # subshell), and every stream redirected, so a caller capturing `up`'s output is not held open.
  (cd "$root" && exec env "$@" nohup "${node_cmd[@]}" "$entry") >>"$dir/$proc.log" 2>&1 </dev/null &
  echo $! > "$dir/$proc.pid"
  log "started $proc (pid $(cat "$dir/$proc.pid"), log $dir/$proc.log)"
}

# Ready = the controller answers and sees `want` usable invokers (a process that exits is reported).
wait_ready() { # proc port want
  local deadline=$((SECONDS + 90)) usable=0
  until usable=$(curl -fsS "http://127.0.0.1:$2/invokers" 2>/dev/null | grep -o '"usable":true' | wc -l) && [ "$usable" -ge "$3" ]; do
    alive "$1" || { log "$1 exited during start:"; tail -5 "$dir/$1.log" >&2; return 1; }
    for f in "$dir"/*invoker*.pid; do
      [ -e "$f" ] || continue
      local inv; inv=$(basename "$f" .pid)
      alive "$inv" || { log "$inv exited during start:"; tail -5 "$dir/$inv.log" >&2; return 1; }
    done
    [ $SECONDS -lt $deadline ] || { log "$1 saw ${usable:-0} of $3 invokers within 90 s"; return 1; }
    sleep 0.3
  done
}

up() {
  controllers=1 invokers=2
  while [ $# -gt 0 ]; do
    case $1 in
      --controllers) controllers=$2; shift 2 ;;
      --invokers) invokers=$2; shift 2 ;;
      *) log "unknown option $1"; exit 2 ;;
    esac
  done
  mkdir -p "$dir"
  resolve_settings fresh
  save_settings
  if [ "$own_kafka" = 1 ]; then "$here/kafka.sh" up; fi
  if [ "$own_redis" = 1 ]; then "$here/redis.sh" up; fi
  local common=(PHOTON_KAFKA_BROKERS="$brokers" PHOTON_REDIS_URL="$redis_url" PHOTON_REDIS_PREFIX="$redis_prefix" PHOTON_TOPIC_PREFIX="$topic_prefix")
  for i in $(seq 0 $((invokers - 1))); do
    # Functions call the API back (__OW_API_HOST) at the first controller unless told otherwise.
    start "$invoker_prefix$i" deploy/invoker-main.ts PHOTON_INVOKER_ID="$invoker_prefix$i" \
      PHOTON_API_HOST_FOR_ACTIONS="${PHOTON_API_HOST_FOR_ACTIONS:-http://127.0.0.1:$port_base}" "${common[@]}"
  done
  for i in $(seq 0 $((controllers - 1))); do
    start "$controller_prefix$i" deploy/controller-main.ts PHOTON_CONTROLLER_ID="$controller_prefix$i" PHOTON_CONTROLLER_PORT=$((port_base + i)) \
      PHOTON_CONTROLLER_SHARE="$controllers" "${common[@]}"
  done
  for i in $(seq 0 $((controllers - 1))); do wait_ready "$controller_prefix$i" $((port_base + i)) "$invokers"; done
  log "up${name:+ ($name)}: $controllers controller(s) from 127.0.0.1:$port_base, $invokers invoker(s), each controller sees every invoker"
}

down() {
  local purge=0
  [ "${1:-}" = --purge ] && purge=1
  [ -d "$dir" ] || { log "nothing to stop"; return 0; }
  resolve_settings
  local pids=()
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    local proc; proc=$(basename "$f" .pid)
    if alive "$proc"; then kill -TERM "$(cat "$f")"; pids+=("$(cat "$f")"); fi
  done
  for _ in $(seq 1 60); do
    local left=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && left=1; done
    [ $left = 0 ] && break
    sleep 0.5
  done
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && { log "pid $p ignored SIGTERM for 30 s; killing"; kill -KILL "$p"; }; done
  rm -f "$dir"/*.pid
  log "stopped photon processes${name:+ of $name} (Kafka and Redis stay up: kafka.sh down / redis.sh down)"
  if [ $purge = 1 ]; then
    local ids=()
    for i in $(seq 0 $((${controllers:-1} - 1))); do ids+=("$controller_prefix$i"); done
    (cd "$root" && PHOTON_KAFKA_BROKERS="$brokers" PHOTON_REDIS_URL="$redis_url" PHOTON_REDIS_PREFIX="$redis_prefix" PHOTON_TOPIC_PREFIX="$topic_prefix" \
      PHOTON_PURGE_CONTROLLERS="$(IFS=,; echo "${ids[*]}")" "${node_cmd[@]}" deploy/purge-cluster.ts)
    rm -f "$dir/cluster.env"
  fi
}

status() {
  resolve_settings
  if [ "$own_kafka" = 1 ]; then "$here/kafka.sh" status || true; fi
  if [ "$own_redis" = 1 ]; then "$here/redis.sh" status || true; fi
  [ -d "$dir" ] || { echo "photon: no processes"; return 0; }
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    local proc; proc=$(basename "$f" .pid)
    if alive "$proc"; then echo "$proc: running (pid $(cat "$f"), log $dir/$proc.log)"; else echo "$proc: exited (log $dir/$proc.log)"; fi
  done
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) shift; down "$@" ;;
  status) status ;;
  logs) tail -n 100 -f "$dir/${2:?name}.log" ;;
  *) echo "usage: $0 up [--controllers N] [--invokers M] | down [--purge] | status | logs NAME" >&2; exit 2 ;;
esac
