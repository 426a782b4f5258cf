#!/usr/bin/env bash
# Readies this machine for the integration tests (test/lab): the Docker engine, the distribution
# registry binary, a static busybox for test images, docker-compose and git, and chromium for the
# dashboard's tests. Runs before every `npm test`, so it does nothing but check when all is in
# place. As root it installs and starts what is missing; as another user it says what is missing
# and how to fix it, and fails. `lab.sh engines start NAME... | stop [NAME...] | status` manages
# extra engines beside the main one, for tests with several hosts (scripts/lab-engines.sh).
set -euo pipefail

# Debian's 20.10 CLI matches the 20.10 engine; /usr/local/bin/docker (28.x) refuses some flags.
DOCKER=/usr/bin/docker
DOCKERD_LOG=/var/log/tidewatch-lab-dockerd.log
DOCKERD_PIDFILE=/var/run/docker.pid
WAIT_SECONDS=60

say() { printf 'lab.sh: %s\n' "$*" >&2; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# A dynamically linked busybox cannot start inside an image that has no libc.
has_static_busybox() {
  local candidate
  for candidate in /usr/bin/busybox /bin/busybox; do
    if [[ -x $candidate ]] && ! grep -aqE 'ld-linux|ld-musl' < <(head -c 4096 "$candidate"); then
      return 0
    fi
  done
  return 1
}

# The registry's htpasswd backend needs bcrypt: Perl's crypt() (libxcrypt) or htpasswd -B.
has_bcrypt() {
  command -v htpasswd >/dev/null 2>&1 && return 0
  # shellcheck disable=SC2016 # $ENV{...} is Perl, not shell
  [[ $(TW_SALT='$2b$04$abcdefghijklmnopqrstuu' perl -e 'print crypt("x", $ENV{TW_SALT})' 2>/dev/null) == '$2b$'* ]]
}

missing_packages() {
  local -a packages=()
  { [[ -x $DOCKER ]] && command -v dockerd >/dev/null 2>&1; } || packages+=(docker.io)
  command -v docker-registry >/dev/null 2>&1 || packages+=(docker-registry)
  has_static_busybox || packages+=(busybox-static)
  has_bcrypt || packages+=(apache2-utils)
  # Compose v1 is the compose CLI Debian ships; git for the gitops sources.
  command -v docker-compose >/dev/null 2>&1 || packages+=(docker-compose)
  command -v git >/dev/null 2>&1 || packages+=(git)
  # The extra engines' bridges (scripts/lab-engines.sh).
  command -v ip >/dev/null 2>&1 || packages+=(iproute2)
  # The dashboard's browser tests drive Debian's chromium through playwright-core.
  [[ -x /usr/bin/chromium ]] || packages+=(chromium fonts-dejavu-core)
  # ssh:// engines: test/integration/ssh-engine.test.ts runs its own sshd on loopback, never the
  # system's (Debian's policy-rc.d in containers keeps the package from starting one).
  [[ -x /usr/sbin/sshd ]] || packages+=(openssh-server)
  # The proxies a start-first switch drives (test/integration/proxy-switch.test.ts runs its own
  # instances on loopback, never the system's).
  command -v nginx >/dev/null 2>&1 || packages+=(nginx-light)
  command -v caddy >/dev/null 2>&1 || packages+=(caddy)
  command -v haproxy >/dev/null 2>&1 || packages+=(haproxy)
  echo "${packages[*]}"
}

install_packages() {
  local -a packages=("$@")
  local package
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the package lists only when apt does not know a package yet.
  for package in "${packages[@]}"; do
    if ! apt-cache show "$package" >/dev/null 2>&1; then
      apt-get update
      break
    fi
  done
  apt-get install -y --no-install-recommends "${packages[@]}"
}

engine_version() {
  "$DOCKER" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null
}

dockerd_running() {
  [[ -s $DOCKERD_PIDFILE ]] && kill -0 "$(cat "$DOCKERD_PIDFILE")" 2>/dev/null
}

start_engine() {
  if [[ -n ${DOCKER_HOST:-} && $DOCKER_HOST != unix:///var/run/docker.sock ]]; then
    say "the engine at DOCKER_HOST=$DOCKER_HOST does not answer; start it there (lab.sh only starts a local dockerd)"
    exit 1
  fi
  if ! is_root; then
    say 'the Docker engine is not reachable at /var/run/docker.sock. As root, run one of:'
    say "  systemctl start docker    or    setsid dockerd >>$DOCKERD_LOG 2>&1 &"
    say 'and make sure this user may use the socket (group docker).'
    exit 1
  fi
  if dockerd_running; then
    say 'dockerd is starting; waiting for it'
  elif command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
    say 'starting docker.service'
    systemctl start docker
  else
    say "starting dockerd in the background (log: $DOCKERD_LOG)"
    # Its own session: a Ctrl-C on `npm test` must not take the engine down with it.
    setsid dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  fi
  local waited=0
  until engine_version >/dev/null; do
    if ((waited >= WAIT_SECONDS)); then
      say "the engine did not answer within ${WAIT_SECONDS}s; last lines of $DOCKERD_LOG:"
      tail -n 30 "$DOCKERD_LOG" >&2 || true
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# Caddy opens a new SO_REUSEPORT listener for every configuration change and closes the old one;
# the kernel resets the connections still queued on the old one unless it migrates them
# (Linux 5.14+). The proxy tests and the Caddy downtime bench need it, as users of the Caddy driver
# do (docs/proxy-switch.md).
migrate_queued_connections() {
  local knob=/proc/sys/net/ipv4/tcp_migrate_req
  [[ -e $knob ]] || { say "no $knob (Linux before 5.14): Caddy switches may reset a few connections"; return 0; }
  [[ $(cat "$knob") == 1 ]] && return 0
  if is_root; then echo 1 >"$knob"; else say "as root: sysctl -w net.ipv4.tcp_migrate_req=1"; fi
}

main() {
  if [[ ${1:-} == engines ]]; then
    shift
    exec bash "$(dirname "${BASH_SOURCE[0]}")/lab-engines.sh" "$@"
  fi
  local missing
  missing=$(missing_packages)
  if [[ -n $missing ]]; then
    if ! is_root; then
      say "missing: $missing"
      say "install them as root: apt-get update && apt-get install -y $missing"
      exit 1
    fi
    say "installing: $missing"
    # shellcheck disable=SC2086 # one word per package
    install_packages $missing
    missing=$(missing_packages)
    if [[ -n $missing ]]; then
      say "still missing after apt-get install: $missing"
      exit 1
    fi
  fi

  local version
  if ! version=$(engine_version); then
    start_engine
    version=$(engine_version)
  fi
  migrate_queued_connections
  say "ready: engine $version, $(command -v docker-registry), static busybox, chromium, sshd, nginx, caddy, haproxy"
}

main "$@"
