#!/usr/bin/env bash
# The compose cluster (deploy/docker-compose.yml) for real on this host, without any image registry.
#   deploy/local/compose.sh images | up [--invokers N] | down [--keep-engine] | status | logs [SERVICE]
#
# images  builds what the compose file needs, each only when missing (docker's own storage is the
#         cache, so a second run, even from a clean clone, builds nothing but changed photon layers):
#           photon-ci/debian:bookworm   debootstrap --variant=minbase, then `docker import`
#           photon-ci/node:<v>-bookworm[-slim]  + photon's project-local Node (node-env.sh)
#           photon-ci/{kafka,redis,nginx,trace-ui}:<tag>  Debian packages + Maven's Kafka jars
#           photon:local                 deploy/Dockerfile on those, via `docker-compose build`
# up      starts the engine (docker.sh up: no iptables, no docker0), the images, then
#         `docker-compose up -d --scale invoker=N` (2), and returns once the API port answers and
#         the controllers see N usable invokers.
# down    `docker-compose down -v` (containers, network, volumes), then docker.sh down (stops the
#         engine if it started it, puts back whatever of the host firewall/sysctls changed);
#         `down --keep-engine` leaves the engine running (a test then checks nothing is left).
#
# Env: PHOTON_API_PORT (3233; `127.0.0.1:13233` publishes on loopback only), PHOTON_TRACE_UI_PORT
# (16686), PHOTON_COMPOSE_PROJECT (photon), PHOTON_COMPOSE_PUBLIC_IMAGES=1 (use the compose
# file's public images instead of building stand-ins: needs a registry), PHOTON_RUN_DIR.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
run_dir=${PHOTON_RUN_DIR:-$here/.run}
project=${PHOTON_COMPOSE_PROJECT:-photon}
compose_file="$root/deploy/docker-compose.yml"
export PHOTON_API_PORT=${PHOTON_API_PORT:-3233} PHOTON_TRACE_UI_PORT=${PHOTON_TRACE_UI_PORT:-16686}
# docker-compose 1.29 builds through the Docker API (the classic builder): Debian's docker CLI
# has no buildx, so BuildKit is not used, and the context's .dockerignore is the repository's.
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0

log() { echo "compose.sh: $*" >&2; }
has_image() { docker image inspect "$1" >/dev/null 2>&1; }
dc() { docker-compose -p "$project" -f "$compose_file" "$@"; }

base=photon-ci/debian:bookworm
node_version=$(sed -n 's/.*PHOTON_NODE_VERSION:-\([0-9.]*\)}.*/\1/p' "$here/node-env.sh")
kafka_version=$(sed -n 's#.*<kafka.version>\(.*\)</kafka.version>.*#\1#p' "$here/kafka-pom.xml")
# The stand-ins' tag changes when what they are built from changes (their files, Kafka's version).
node_tag=$node_version-$(sha256sum <"$here/images/node.Dockerfile" | cut -c1-12)
services_tag=$kafka_version-$(cat "$here/images/services.Dockerfile" "$here/images/"*.sh "$here/images/"*.conf | sha256sum | cut -c1-12)

timed() { # label command...
  local start=$SECONDS
  "${@:2}"
  log "$1 took $((SECONDS - start)) s"
}

build_base() {
  has_image "$base" && return 0
  command -v debootstrap >/dev/null || { log "installing debootstrap"; apt-get install -y -qq debootstrap >&2; }
  local rootfs="$run_dir/compose-rootfs"
  rm -rf "$rootfs"; mkdir -p "$rootfs"
  log "debootstrap --variant=minbase bookworm (once; the image stays in docker's storage)"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$run_dir/debootstrap.log" 2>&1 \
    || { log "debootstrap failed, see $run_dir/debootstrap.log"; tail -5 "$run_dir/debootstrap.log" >&2; return 1; }
  # As Debian's own images: the release's updates and security suites, no daemons started by
  # package scripts during a build (policy-rc.d), no downloaded .debs kept.
  cat >"$rootfs/etc/apt/sources.list" <<'LIST'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
LIST
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"; chmod +x "$rootfs/usr/sbin/policy-rc.d"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/dev/*
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV DEBIAN_FRONTEND=noninteractive' --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$rootfs"
}

# docker build on the base image, host network (no NAT here), the classic builder's deprecation
# notice dropped, the log shown only when it fails.
quiet_build() {
  local out
  out=$(docker build --network host --build-arg BASE="$base" "$@" 2>&1) \
    || { log "docker build $* failed:"; grep -v DEPRECATED <<<"$out" | tail -30 >&2; return 1; }
}

build_node() {
  local build="photon-ci/node:$node_tag-bookworm" slim="photon-ci/node:$node_tag-bookworm-slim"
  has_image "$build" && has_image "$slim" && return 0
  . "$here/node-env.sh"
  local ctx="$run_dir/compose-node-context"
  rm -rf "$ctx"; mkdir -p "$ctx"
  cp -a "$here/.node" "$ctx/node"
  cp "$here/images/node.Dockerfile" "$ctx/"
  cp "${PHOTON_BUILD_CA_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$ctx/host-ca.crt" 2>/dev/null || : >"$ctx/host-ca.crt"
  quiet_build -f "$ctx/node.Dockerfile" --build-arg TOOLCHAIN="g++ make python3" -t "$build" "$ctx"
  quiet_build -f "$ctx/node.Dockerfile" -t "$slim" "$ctx"
  rm -rf "$ctx"
}

build_services() {
  local target missing=0
  for target in kafka redis nginx trace-ui; do has_image "photon-ci/$target:$services_tag" || missing=1; done
  [ $missing = 1 ] || return 0
  "$here/kafka.sh" fetch >/dev/null
  local ctx="$run_dir/compose-services-context"
  rm -rf "$ctx"; mkdir -p "$ctx"
  cp "$here/images/"* "$ctx/"
  cp -r "$here/.cache/kafka-$kafka_version/libs" "$ctx/kafka-libs"; rm -f "$ctx/kafka-libs/.complete"
  for target in kafka redis nginx trace-ui; do
    quiet_build -f "$ctx/services.Dockerfile" --target "$target" -t "photon-ci/$target:$services_tag" "$ctx"
  done
  rm -rf "$ctx"
}

# The variables that point the compose file at the images built here.
use_local_images() {
  [ "${PHOTON_COMPOSE_PUBLIC_IMAGES:-0}" = 1 ] && return 0
  export PHOTON_BUILD_IMAGE="photon-ci/node:$node_tag-bookworm" PHOTON_RUNTIME_IMAGE="photon-ci/node:$node_tag-bookworm-slim" \
    PHOTON_KAFKA_IMAGE="photon-ci/kafka:$services_tag" PHOTON_REDIS_IMAGE="photon-ci/redis:$services_tag" \
    PHOTON_NGINX_IMAGE="photon-ci/nginx:$services_tag" PHOTON_JAEGER_IMAGE="photon-ci/trace-ui:$services_tag"
}

images() {
  mkdir -p "$run_dir"
  if [ "${PHOTON_COMPOSE_PUBLIC_IMAGES:-0}" != 1 ]; then
    timed "base image" build_base
    timed "node images" build_node
    timed "service images" build_services
  fi
  use_local_images
  # photon's own image through the compose file's build section, as users build it; the classic
  # builder reuses every layer whose inputs did not change (npm ci: package-lock.json).
  timed "photon image" dc build --quiet invoker
  # The build stage is not tagged by compose; tagging it (every layer cached: seconds) keeps its
  # npm ci layer alive, so dropping the dangling images older runs left (an engine of ours only)
  # never throws that cache away.
  docker build --network host -q -f "$root/deploy/Dockerfile" --target build \
    --build-arg PHOTON_BUILD_IMAGE="${PHOTON_BUILD_IMAGE:-node:24-bookworm}" -t photon-ci/photon-build:local "$root" >/dev/null 2>&1 || true
  if "$here/docker.sh" status 2>/dev/null | grep -q ours; then docker image prune -f >/dev/null; fi
}

usable_invokers() {
  curl -fsS "http://$(api_address)/invokers" 2>/dev/null | grep -o '"usable":true' | wc -l
}
api_address() { case $PHOTON_API_PORT in *:*) echo "$PHOTON_API_PORT" ;; *) echo "127.0.0.1:$PHOTON_API_PORT" ;; esac; }

up() {
  local invokers=2
  while [ $# -gt 0 ]; do
    case $1 in --invokers) invokers=$2; shift 2 ;; *) log "unknown option $1"; exit 2 ;; esac
  done
  "$here/docker.sh" up
  images
  local start=$SECONDS
  dc up -d --no-build --scale invoker="$invokers" >&2
  local deadline=$((SECONDS + 180)) usable=0
  until usable=$(usable_invokers) && [ "$usable" -ge "$invokers" ]; do
    if [ $SECONDS -ge $deadline ]; then
      log "the controllers saw ${usable:-0} of $invokers invokers within 180 s"; dc ps >&2; dc logs --tail 20 >&2; exit 1
    fi
    sleep 1
  done
  log "cluster up in $((SECONDS - start)) s: API http://$(api_address), $invokers invokers usable"
}

down() {
  if docker version >/dev/null 2>&1; then
    use_local_images
    dc down -v --remove-orphans --timeout 30 >&2 || true
  fi
  [ "${1:-}" = --keep-engine ] || "$here/docker.sh" down
}

case "${1:-}" in
  images) "$here/docker.sh" up; images ;;
  up) shift; up "$@" ;;
  down) down "${2:-}" ;;
  status) "$here/docker.sh" status && use_local_images && dc ps ;;
  logs) shift; use_local_images; dc logs "$@" ;;
  *) echo "usage: $0 images|up [--invokers N]|down|status|logs [SERVICE]" >&2; exit 2 ;;
esac
