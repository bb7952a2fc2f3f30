# Stand-ins for the compose file's public service images, built without any image registry from
# Debian packages and Maven Central's Kafka jars, for CI and for hosts without a registry:
#   --target kafka     apache/kafka:4.4.0 (KAFKA_* variables become server.properties, KRaft storage
#                      formatted on first start, /opt/kafka/bin/kafka-broker-api-versions.sh)
#   --target redis     redis:7.4-bookworm (Debian's redis-server 7.0; `redis-server ...` as command)
#   --target nginx     nginx:1.27-alpine (Debian's nginx-light 1.22, wget for the health check)
#   --target trace-ui  jaegertracing/all-in-one: NOT Jaeger. An OTLP/HTTP sink on 4318 that answers
#                      200 and logs each export (so a test can see spans arrive), and a page on 16686.
# Context: a folder compose.sh assembles (this folder plus the Kafka jars in kafka-libs/).
ARG BASE=photon-ci/debian:bookworm
FROM ${BASE} AS packages
RUN apt-get update \
  && apt-get install -y --no-install-recommends openjdk-17-jre-headless redis-server nginx-light wget \
  && rm -rf /var/lib/apt/lists/*

FROM packages AS kafka
COPY kafka-libs /opt/kafka/libs
COPY kafka-entrypoint.sh kafka-broker-api-versions.sh /opt/kafka/bin/
ENTRYPOINT ["/opt/kafka/bin/kafka-entrypoint.sh"]

FROM packages AS redis
COPY redis-entrypoint.sh /usr/local/bin/
WORKDIR /data
ENTRYPOINT ["/usr/local/bin/redis-entrypoint.sh"]
CMD ["redis-server"]

FROM packages AS nginx
RUN ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
CMD ["nginx", "-g", "daemon off;"]

FROM nginx AS trace-ui
COPY trace-ui.nginx.conf /etc/nginx/nginx.conf
CMD ["nginx", "-g", "daemon off;"]
