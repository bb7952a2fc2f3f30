#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft) for development and tests, from Maven Central's jars.
#   deploy/local/kafka.sh up|down|status|restart
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1), KAFKA_VERSION (from kafka-pom.xml),
#      PHOTON_RUN_DIR (deploy/local/.run): data, logs and pid live there.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pom="$here/kafka-pom.xml"
default_version=$(sed -n 's#.*<kafka.version>\(.*\)</kafka.version>.*#\1#p' "$pom")
version=${KAFKA_VERSION:-$default_version}
port=${KAFKA_PORT:-9092}
cport=${KAFKA_CONTROLLER_PORT:-$((port + 1))}
run_dir=${PHOTON_RUN_DIR:-$here/.run}
libs="$here/.cache/kafka-$version/libs"
state="$run_dir/kafka-$port"
pidfile="$state/kafka.pid"
log="$state/kafka.log"

log() { echo "kafka.sh: $*" >&2; }

fetch_jars() {
  [ -f "$libs/.complete" ] && return 0
  command -v mvn >/dev/null || { log "mvn is missing: apt-get install -y maven"; exit 1; }
  command -v java >/dev/null || { log "java is missing: apt-get install -y openjdk-17-jre-headless"; exit 1; }
  log "fetching Apache Kafka $version jars from Maven Central into $libs"
  rm -rf "$libs"
  mvn -q -B -f "$pom" -Dkafka.version="$version" dependency:copy-dependencies \
    -DoutputDirectory="$libs" -DincludeScope=runtime >&2
  touch "$libs/.complete"
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

write_config() {
  mkdir -p "$state/data"
  cat > "$state/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$state/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
PROPS
}

java_opts=(-Xms256m -Xmx768m -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info)

up() {
  if running; then log "already running on 127.0.0.1:$port (pid $(cat "$pidfile"))"; return 0; fi
  if answers; then log "port $port already answers (not ours); using it"; return 0; fi
  fetch_jars
  write_config
  # A fresh log per start: readiness is read from it.
  if [ -f "$log" ]; then mv "$log" "$log.1"; fi
  if [ ! -f "$state/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java -cp "$libs/*" "${java_opts[@]}" kafka.tools.StorageTool random-uuid)
    java -cp "$libs/*" "${java_opts[@]}" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$state/server.properties" >>"$log" 2>&1 \
      || { log "storage format failed, see $log"; tail -20 "$log" >&2; exit 1; }
  fi
  nohup java -cp "$libs/*" "${java_opts[@]}" kafka.Kafka "$state/server.properties" >>"$log" 2>&1 &
  echo $! > "$pidfile"
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  until answers && grep -q 'Kafka Server started' "$log"; do
    if ! running; then log "broker exited during start, see $log"; tail -30 "$log" >&2; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then log "broker did not answer within the deadline, see $log"; exit 1; fi
    sleep 0.5
  done
  log "Apache Kafka $version up on 127.0.0.1:$port (pid $(cat "$pidfile"), logs $log)"
}

down() {
  if ! running; then log "not running"; rm -f "$pidfile"; return 0; fi
  local pid; pid=$(cat "$pidfile")
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then log "broker ignored SIGTERM for 30 s; killing"; kill -KILL "$pid"; fi
  rm -f "$pidfile"
  [ "${KAFKA_KEEP_DATA:-0}" = 1 ] || rm -rf "$state/data"
  log "stopped"
}

status() {
  if running; then echo "kafka: running on 127.0.0.1:$port (pid $(cat "$pidfile"), Apache Kafka $version)";
  elif answers; then echo "kafka: something else answers on 127.0.0.1:$port";
  else echo "kafka: stopped"; return 3; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  restart) KAFKA_KEEP_DATA=1 down; up ;;
  status) status ;;
  fetch) fetch_jars ;;
  *) echo "usage: $0 up|down|restart|status|fetch" >&2; exit 2 ;;
esac
