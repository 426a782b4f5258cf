#!/usr/bin/env bash
# Readies Podman's Docker-compatible API for the integration tests (issue 22): installs Debian's
# podman when missing, configures it for this lab, and serves its API on $PODMAN_SOCK. Idempotent:
# when the socket answers it only says so. Standalone, not called from lab.sh: installing podman
# costs minutes and most runs never use it. Run as root. `npm run test:podman` runs the suites
# against it (TIDEWATCH_LAB_ENGINE=podman, see test/lab/engine.ts and docs/podman.md).
#
#   scripts/lab-podman.sh          install, configure, start; waits until the API answers
#   scripts/lab-podman.sh stop     stops the API service this script started
set -euo pipefail

DOCKER=/usr/bin/docker
PODMAN_SOCK=/run/tidewatch-podman.sock
STATE=/var/lib/tidewatch-lab/podman
LOG=/var/log/tidewatch-lab-podman.log
PIDFILE=/run/tidewatch-podman.pid
# Podman reads this instead of /etc/containers/containers.conf, so the host's own podman (if any)
# keeps its settings.
CONF=$STATE/containers.conf
REGISTRIES=$STATE/registries.conf
WAIT_SECONDS=60

say() { printf 'lab-podman.sh: %s\n' "$*" >&2; }

answers() { "$DOCKER" -H "unix://$PODMAN_SOCK" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

running() { [[ -s $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

install() {
  # catatonit is the init `--init` runs under Podman (/usr/libexec/podman/catatonit); Debian's
  # podman only recommends it, and without it a create with Init fails.
  command -v podman >/dev/null 2>&1 && [[ -x /usr/libexec/podman/catatonit ]] && return 0
  say 'installing podman and catatonit'
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y podman catatonit
}

configure() {
  mkdir -p "$STATE"
  # This sandbox refuses the rlimits (nofile, nproc) Podman sets on every container by default:
  # without an empty list no container starts ("setrlimit ... operation not permitted").
  cat >"$CONF" <<'EOF'
[containers]
default_ulimits = []
EOF
  # The lab registry is plain HTTP on 127.0.0.1 with a port of its own per test file. Docker
  # trusts 127.0.0.0/8 without TLS by default; Podman needs it said. A location without a port
  # matches every port of that host (containers-registries.conf(5): the prefix ends at ':').
  cat >"$REGISTRIES" <<'EOF'
unqualified-search-registries = []

[[registry]]
location = "127.0.0.1"
insecure = true

[[registry]]
location = "localhost"
insecure = true
EOF
}

start() {
  [[ $(id -u) -eq 0 ]] || { say 'podman as the lab runs it needs root'; exit 1; }
  install
  configure
  if running && answers; then
    say "ready: podman $(podman --version | awk '{print $3}') at unix://$PODMAN_SOCK"
    return 0
  fi
  say "starting podman system service (log: $LOG)"
  rm -f "$PODMAN_SOCK"
  # Its own session: a Ctrl-C on the test run must not take the service down with it.
  CONTAINERS_CONF=$CONF CONTAINERS_REGISTRIES_CONF=$REGISTRIES \
    setsid podman system service --time=0 "unix://$PODMAN_SOCK" >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  local waited=0
  until answers; do
    if ((waited >= WAIT_SECONDS)); then
      say "podman did not answer within ${WAIT_SECONDS}s; last lines of $LOG:"
      tail -n 20 "$LOG" >&2 || true
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "ready: podman $(podman --version | awk '{print $3}') at unix://$PODMAN_SOCK"
}

stop() {
  if running; then kill "$(cat "$PIDFILE")"; fi
  rm -f "$PIDFILE" "$PODMAN_SOCK"
}

case ${1:-start} in
  start) start ;;
  stop) stop ;;
  *)
    say 'usage: lab-podman.sh [start | stop]'
    exit 2
    ;;
esac
