#!/bin/bash
# apache/kafka's convention: every KAFKA_X_Y variable is the broker property x.y (`__` stands for
# `_`, `___` for `-`); KAFKA_HEAP_OPTS and KAFKA_OPTS are JVM options. KRaft storage is formatted
# on the first start (a volume keeps it afterwards).
set -euo pipefail
props=/opt/kafka/config/server.properties
mkdir -p /opt/kafka/config
: >"$props"
for var in $(compgen -e); do
  case $var in
    KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS) continue ;;
    KAFKA_*) ;;
    *) continue ;;
  esac
  key=$(printf '%s' "${var#KAFKA_}" | tr 'A-Z' 'a-z' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')
  printf '%s=%s\n' "$key" "${!var}" >>"$props"
done
read -r -a heap <<<"${KAFKA_HEAP_OPTS:--Xmx1g -Xms1g}"
read -r -a extra <<<"${KAFKA_OPTS:-}"
java_opts=("${heap[@]}" "${extra[@]}" -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info)
log_dir=$(sed -n 's/^log.dirs=//p' "$props")
log_dir=${log_dir:-/tmp/kraft-combined-logs}
if [ ! -f "$log_dir/meta.properties" ]; then
  mkdir -p "$log_dir"
  # apache/kafka's default cluster id when CLUSTER_ID is unset (one JVM start fewer than random-uuid).
  java -cp '/opt/kafka/libs/*' "${java_opts[@]}" kafka.tools.StorageTool format -t "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" -c "$props"
fi
exec java -cp '/opt/kafka/libs/*' "${java_opts[@]}" kafka.Kafka "$props"
