#!/usr/bin/env bash
# Installs everything berth and its tests need on a fresh Debian 12 / Ubuntu
# machine (as root), then builds it (native addon + executables, TypeScript).
# Idempotent: installs only missing Debian packages; re-running rebuilds.
# Quiet on success; on failure the failing step's output is shown.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: the toolchain for the native addon (node-gyp needs python3,
# make, g++), tar/gzip for images, and what the tests drive: tmux (the TUI),
# iproute2 (network namespaces), procps (ps/pgrep checks), skopeo and umoci
# (independent readers/writers of the archives berth save/load exchanges).
# apache2-utils: htpasswd (bcrypt) for the registry tests' auth-enabled docker-registry.
# openssh-server/-client: the ssh:// endpoint tests run their own sshd on a loopback port
# (test/helpers/sshd.ts); the package's own service is not needed by them.
# docker.io and podman: the other engines the workstation drives through their API (tests
# start each daemon on a socket of their own, see test/helpers/engines.ts).
# bzip2 and xz-utils: ADD unpacks bzip2 and xz tars through them (src/engine/build/archive.ts).
PKGS="build-essential python3 make g++ tar gzip ca-certificates tmux iproute2 procps skopeo umoci apache2-utils nftables openssh-server openssh-client docker.io podman bzip2 xz-utils"

log=$(mktemp /tmp/berth-setup.XXXXXX)
trap 'rm -f "$log"' EXIT

# Runs a step with its output kept aside; prints it (last 200 lines) if the step fails.
step() {
  local what=$1; shift
  if ! "$@" >"$log" 2>&1; then
    echo "setup: $what failed:" >&2
    tail -n 200 "$log" >&2
    exit 1
  fi
}

apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"
}

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
# The tests also `apt-get download` fixtures (busybox-static): they need package lists.
have_lists=$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -print -quit 2>/dev/null || true)
if [ -n "$missing" ] || [ -z "$have_lists" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: run as root to install Debian packages:$missing" >&2
    exit 1
  fi
  step "apt-get update" apt_get update
  if [ -n "$missing" ]; then
    # docker.io, podman and openssh-server ship services the tests never use (each test
    # starts its own daemon on its own socket or port): Debian's policy-rc.d keeps the
    # install from starting them (a dockerd would make a bridge and NAT rules on the host,
    # an sshd would listen on port 22). A policy already in place is left as it is.
    policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      policy=/usr/sbin/policy-rc.d
      printf '#!/bin/sh\n# berth setup: no service starts while its packages install\nexit 101\n' > "$policy"
      chmod 755 "$policy"
      trap 'rm -f "$log" "$policy"' EXIT
    fi
    step "apt-get install$missing" apt_get install -y --no-install-recommends $missing
    if [ -n "$policy" ]; then rm -f "$policy"; fi
  fi
fi

# node-gyp must build against the installed Node's headers: there is no network
# to download them from. (npm 11 warns that nodedir is an unknown user config,
# but still hands it to node-gyp.)
if [ -e /usr/include/node/node_api.h ]; then
  export npm_config_nodedir=/usr
fi
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

if [ -f package-lock.json ]; then
  step "npm ci" npm ci --no-audit --no-fund
else
  step "npm install" npm install --no-audit --no-fund
fi
step "npm run build" npm run build
