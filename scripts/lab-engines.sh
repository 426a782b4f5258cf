#!/usr/bin/env bash
# Extra Docker engines beside the lab's own, for tests that need several hosts (a fleet): each
# dockerd has its own data root, exec root, socket and pidfile, no iptables rules, and a bridge of
# its own that nothing uses (its containers run with --network none), so several run side by side
# on this machine without touching the main engine or each other. Not `--bridge none`: a dockerd
# started with it deletes docker0, the main engine's bridge, and every container the main engine
# starts after that fails ("could not find bridge docker0"). Their addresses come from 10.213/16,
# away from the 172.17-31 networks the main engine and the tests' own networks use. Run as root.
#
#   scripts/lab-engines.sh start NAME...  these engines answer (running ones are kept); prints
#                                         one DOCKER_HOST per line, in order
#   scripts/lab-engines.sh stop [NAME...] stops these engines (all when none is named) and
#                                         removes their state
#   scripts/lab-engines.sh status         the DOCKER_HOST of each running extra engine
#
# LAB_ENGINE_REGISTRY_MIRROR=http://host:port starts the engines with that Docker Hub mirror.
#
# Names are short words ([a-z0-9-], up to 11): test files that run at once use names of their own.
set -euo pipefail

DOCKER=/usr/bin/docker
STATE=/var/lib/tidewatch-lab/engines
# Short: containerd's shim sockets live under the exec root, and a unix socket path has ~100 bytes.
RUN=/run/twl
WAIT_SECONDS=60

say() { printf 'lab-engines.sh: %s\n' "$*" >&2; }

host_of() { printf 'unix://%s/%s/docker.sock' "$RUN" "$1"; }
# An interface name has at most 15 bytes: "twl-" and a name of up to 11.
bridge_of() { printf 'twl-%s' "$1"; }
pid_of() { cat "$RUN/$1/docker.pid" 2>/dev/null || true; }
running() {
  local pid
  pid=$(pid_of "$1")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}
answers() { DOCKER_HOST=$(host_of "$1") "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# The main engine's storage driver: what works on this machine works for the extra engines too.
storage_driver() { "$DOCKER" info --format '{{.Driver}}' 2>/dev/null || echo overlay2; }

start_one() {
  local n=$1 driver=$2
  if running "$n" && answers "$n"; then return 0; fi
  mkdir -p "$STATE/$n" "$RUN/$n"
  local bridge
  bridge=$(bridge_of "$n")
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    ip link add "$bridge" type bridge
    ip link set "$bridge" up
  fi
  # Its own session: a Ctrl-C on the test run must not take it down half-way.
  setsid dockerd \
    --data-root "$STATE/$n/data" \
    --exec-root "$RUN/$n/exec" \
    --pidfile "$RUN/$n/docker.pid" \
    -H "$(host_of "$n")" \
    --storage-driver "$driver" \
    --bridge "$bridge" --iptables=false --ip-masq=false \
    --default-address-pool base=10.213.0.0/16,size=24 \
    ${LAB_ENGINE_REGISTRY_MIRROR:+--registry-mirror "$LAB_ENGINE_REGISTRY_MIRROR"} \
    >>"$STATE/$n/dockerd.log" 2>&1 </dev/null &
}

wait_for() {
  local n=$1 waited=0
  until answers "$n"; do
    if ((waited >= WAIT_SECONDS)); then
      say "engine $n did not answer within ${WAIT_SECONDS}s; last lines of $STATE/$n/dockerd.log:"
      tail -n 20 "$STATE/$n/dockerd.log" >&2 || true
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

check_names() {
  local name
  (($# > 0)) || { say 'name at least one engine'; exit 2; }
  for name in "$@"; do
    [[ $name =~ ^[a-z0-9][a-z0-9-]{0,10}$ ]] || { say "not an engine name: $name"; exit 2; }
  done
}

start() {
  check_names "$@"
  [[ $(id -u) -eq 0 ]] || { say 'extra engines need root (dockerd)'; exit 1; }
  command -v dockerd >/dev/null 2>&1 || { say 'dockerd is missing: run scripts/lab.sh first'; exit 1; }
  local driver name
  driver=$(storage_driver)
  for name in "$@"; do start_one "$name" "$driver"; done
  for name in "$@"; do
    wait_for "$name"
    host_of "$name"
    echo
  done
}

stop() {
  local n pid waited
  local -a names=("$@")
  if ((${#names[@]} == 0)); then
    for dir in "$RUN"/*/; do [[ -d $dir ]] && names+=("$(basename "$dir")"); done
  else
    check_names "${names[@]}"
  fi
  for n in "${names[@]}"; do
    pid=$(pid_of "$n")
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
      # Its containers first, so their shims go with the engine.
      DOCKER_HOST=$(host_of "$n") "$DOCKER" rm -f $(DOCKER_HOST=$(host_of "$n") "$DOCKER" ps -aq) >/dev/null 2>&1 || true
      kill "$pid"
      waited=0
      while kill -0 "$pid" 2>/dev/null && ((waited < WAIT_SECONDS * 5)); do
        sleep 0.2
        waited=$((waited + 1))
      done
      kill -9 "$pid" 2>/dev/null || true
    fi
    # Mounts the engine left (overlay, shm) would keep its state from being removed.
    { grep -o " $RUN/$n[^ ]*\| $STATE/$n[^ ]*" /proc/mounts || true; } | sort -r | while read -r mount; do
      umount -l "$mount" 2>/dev/null || true
    done
    rm -rf "${RUN:?}/$n" "${STATE:?}/$n"
    ip link delete "$(bridge_of "$n")" type bridge 2>/dev/null || true
  done
}

status() {
  local dir n
  for dir in "$RUN"/*/; do
    [[ -d $dir ]] || continue
    n=$(basename "$dir")
    if running "$n" && answers "$n"; then host_of "$n"; echo; fi
  done
}

command=${1:-}
shift || true
case $command in
  start) start "$@" ;;
  stop) stop "$@" ;;
  status) status ;;
  *)
    say 'usage: lab-engines.sh start NAME... | stop [NAME...] | status'
    exit 2
    ;;
esac
