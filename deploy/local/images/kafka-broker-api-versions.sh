#!/bin/bash
# The health check the compose file runs (`kafka-broker-api-versions.sh --bootstrap-server H:P`),
# without Kafka's tools jar: one ApiVersions v0 request over bash's /dev/tcp, healthy when the
# broker answers it with correlation id 1 and error code 0 (it answers only once it serves).
server=localhost:9092
while [ $# -gt 0 ]; do
  case $1 in --bootstrap-server) server=$2; shift 2 ;; *) shift ;; esac
done
exec 3<>"/dev/tcp/${server%:*}/${server##*:}" || exit 1
# size 12 | api key 18 (ApiVersions) | version 0 | correlation id 1 | client id "hc"
printf '\x00\x00\x00\x0c\x00\x12\x00\x00\x00\x00\x00\x01\x00\x02hc' >&3
reply=$(timeout 5 head -c 10 <&3 | od -An -tx1 | tr -d ' \n')
[ "${reply:8:12}" = 000000010000 ]
