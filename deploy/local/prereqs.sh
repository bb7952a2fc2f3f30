#!/usr/bin/env bash
# Installs the Debian packages photon's tests and local cluster need, when missing: maven and a
# JRE pull and run Kafka, redis-server, nft and ip for network namespaces, g++/make/python3 for node-gyp
# (isolated-vm), docker-compose, docker.io and debootstrap to validate and run
# deploy/docker-compose.yml (deploy/local/compose.sh). Needs root (apt-get); prints what it does and does nothing when all are there.
set -euo pipefail
need=()
command -v mvn >/dev/null || need+=(maven)
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-cli >/dev/null || need+=(redis-tools)
command -v nft >/dev/null || need+=(nftables)
command -v ip >/dev/null || need+=(iproute2)
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
# python3: node-gyp's gyp (npm ci builds isolated-vm with photon's patch: deploy/isolated-vm/).
command -v python3 >/dev/null || need+=(python3)
command -v curl >/dev/null || need+=(curl)
# zip: the tests build zip actions from real npm packages as users do (test/harness/npm-zip.ts).
command -v zip >/dev/null || need+=(zip)
command -v docker-compose >/dev/null || need+=(docker-compose)
# docker.io runs the compose cluster in CI (deploy/local/compose.sh); debootstrap makes its base
# image without any registry.
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
[ ${#need[@]} -eq 0 ] && exit 0
echo "prereqs.sh: installing Debian packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq "${need[@]}" >&2
