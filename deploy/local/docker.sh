#!/usr/bin/env bash
# A Docker engine for the compose cluster that leaves the host's firewall alone.
#   deploy/local/docker.sh up|down|status|check
#
# `up` uses a dockerd that already answers (and `down` then leaves it running); otherwise it starts
# Debian's dockerd with its own config file, and `down` stops that one again. Why a config of our
# own: a stock dockerd sets the iptables FORWARD policy to DROP, adds DOCKER* chains and NAT rules
# and turns on net.ipv4.ip_forward. photon's own tests run network namespaces on the same host and
# expect FORWARD ACCEPT and only their own nft tables, so this dockerd runs with
#   iptables/ip6tables false  no chains, no NAT, no FORWARD policy change
#   ip-forward false          net.ipv4.ip_forward stays as it was
#   bridge none               no docker0; compose's own (user-defined) network is the only bridge
# What that costs: containers have no outbound NAT (images are built with --network host, see
# deploy/README.md), and published ports go through docker-proxy (userland-proxy, on by default)
# instead of DNAT. Container-to-container traffic on the compose network needs neither.
#
# `up` records the host's state first (iptables/ip6tables-save, nft table list, the two sysctls,
# the FORWARD policy) in $PHOTON_RUN_DIR/docker/, and `check` compares against it; `down` stops
# the engine it started and puts back any of those that changed.
# Env: PHOTON_RUN_DIR (deploy/local/.run), PHOTON_DOCKER_DATA_ROOT (/var/lib/docker: images stay
# cached there between runs).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
run_dir=${PHOTON_RUN_DIR:-$here/.run}
state="$run_dir/docker"
data_root=${PHOTON_DOCKER_DATA_ROOT:-/var/lib/docker}
pidfile="$state/dockerd.pid"
log_file="$state/dockerd.log"

log() { echo "docker.sh: $*" >&2; }

answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
ours() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

forward_policy() { iptables -S FORWARD 2>/dev/null | sed -n 's/^-P FORWARD //p'; }
nft_tables() { nft list tables 2>/dev/null | sort; }
docker_bridges() { { ip -o link show type bridge 2>/dev/null | grep -Eo ': (docker0|br-[0-9a-f]{12})[:@]' || true; } | tr -d ':@ ' | sort; }
sysctls() { sysctl -n net.ipv4.ip_forward 2>/dev/null; sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent; }

record_host() {
  mkdir -p "$state"
  iptables-save >"$state/iptables.before" 2>/dev/null || true
  ip6tables-save >"$state/ip6tables.before" 2>/dev/null || true
  forward_policy >"$state/forward.before"
  nft_tables >"$state/nft-tables.before"
  sysctls >"$state/sysctl.before"
  docker_bridges >"$state/bridges.before"
}

# What docker could have changed on the host, compared with what `up` recorded. Other tests add
# and remove their own nft tables meanwhile, so only tables docker would add count (its iptables
# tables: ip/ip6 filter and nat with DOCKER chains).
check() {
  local bad=0
  [ -f "$state/forward.before" ] || { log "nothing recorded (run up first)"; return 2; }
  if [ "$(forward_policy)" != "$(cat "$state/forward.before")" ]; then
    log "iptables FORWARD policy is $(forward_policy), was $(cat "$state/forward.before")"; bad=1
  fi
  if iptables-save 2>/dev/null | grep -q 'DOCKER' || ip6tables-save 2>/dev/null | grep -q 'DOCKER'; then
    log "iptables has DOCKER chains or rules"; bad=1
  fi
  if [ "$(sysctls)" != "$(cat "$state/sysctl.before")" ]; then
    log "sysctls net.ipv4.ip_forward / bridge-nf-call-iptables are $(sysctls | tr '\n' ' '), were $(tr '\n' ' ' <"$state/sysctl.before")"; bad=1
  fi
  local new_bridges; new_bridges=$(comm -13 "$state/bridges.before" <(docker_bridges))
  if [ -n "$new_bridges" ]; then log "docker bridges left: $(echo $new_bridges)"; bad=1; fi
  return $bad
}

# Puts back what check() finds changed: the FORWARD policy, docker's chains (the whole saved
# iptables state is restored only when it has DOCKER in it, which no photon test writes), sysctls.
restore_host() {
  [ -f "$state/forward.before" ] || return 0
  local was; was=$(cat "$state/forward.before")
  if [ -n "$was" ] && [ "$(forward_policy)" != "$was" ]; then log "restoring FORWARD policy $was"; iptables -P FORWARD "$was"; fi
  if iptables-save 2>/dev/null | grep -q DOCKER; then log "restoring iptables"; iptables-restore <"$state/iptables.before"; fi
  if ip6tables-save 2>/dev/null | grep -q DOCKER; then log "restoring ip6tables"; ip6tables-restore <"$state/ip6tables.before"; fi
  local fwd nf
  { read -r fwd; read -r nf; } <"$state/sysctl.before"
  [ "$(sysctl -n net.ipv4.ip_forward)" = "$fwd" ] || { log "restoring net.ipv4.ip_forward=$fwd"; sysctl -qw net.ipv4.ip_forward="$fwd"; }
  if [ "$nf" != absent ] && [ "$(sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null)" != "$nf" ]; then
    log "restoring net.bridge.bridge-nf-call-iptables=$nf"; sysctl -qw net.bridge.bridge-nf-call-iptables="$nf"
  fi
  # Networks that were not removed (compose down skipped) keep their bridge after dockerd stops.
  if ! ours; then
    local b
    for b in $(comm -13 "$state/bridges.before" <(docker_bridges)); do log "removing bridge $b"; ip link delete "$b" || true; done
  fi
}

up() {
  if ours; then log "dockerd already running (ours, pid $(cat "$pidfile"))"; return 0; fi
  if answers; then
    log "a Docker engine already answers: using it as it is (not ours to configure or stop)"
    # Nothing recorded: a later `down` must not "restore" this engine's host to an older record.
    mkdir -p "$state"; rm -f "$pidfile" "$state"/*.before; return 0
  fi
  command -v dockerd >/dev/null || { log "dockerd is missing: apt-get install docker.io"; exit 1; }
  record_host
  cat >"$state/daemon.json" <<JSON
{
  "iptables": false,
  "ip6tables": false,
  "ip-forward": false,
  "ip-masq": false,
  "bridge": "none",
  "userland-proxy": true,
  "data-root": "$data_root",
  "pidfile": "$state/dockerd.pid.self",
  "log-driver": "json-file",
  "log-opts": { "max-size": "10m", "max-file": "2" }
}
JSON
  log "starting dockerd (iptables, ip-forward and docker0 off; config $state/daemon.json, log $log_file)"
  nohup dockerd --config-file "$state/daemon.json" >>"$log_file" 2>&1 </dev/null &
  echo $! >"$pidfile"
  local deadline=$((SECONDS + 60))
  until answers; do
    ours || { log "dockerd exited during start:"; tail -20 "$log_file" >&2; restore_host; exit 1; }
    [ $SECONDS -lt $deadline ] || { log "dockerd did not answer within 60 s, see $log_file"; exit 1; }
    sleep 0.3
  done
  if ! check; then log "dockerd changed the host; putting it back"; restore_host; fi
  log "dockerd $(docker version --format '{{.Server.Version}}') up (pid $(cat "$pidfile"), data $data_root)"
}

down() {
  if ! ours; then
    rm -f "$pidfile"
    log "no dockerd of ours running"
    restore_host
    return 0
  fi
  local pid; pid=$(cat "$pidfile")
  kill -TERM "$pid"
  # dockerd stops its containers (10 s each at most) and its containerd before it exits.
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then log "dockerd ignored SIGTERM for 60 s; killing"; kill -KILL "$pid"; fi
  rm -f "$pidfile"
  restore_host
  if check; then log "stopped; the host is as it was"; else log "stopped; the host differs (above)"; return 1; fi
}

status() {
  if ours; then echo "docker: running (ours, pid $(cat "$pidfile"))";
  elif answers; then echo "docker: an engine answers (not ours)";
  else echo "docker: stopped"; return 3; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  check) check ;;
  *) echo "usage: $0 up|down|status|check" >&2; exit 2 ;;
esac
