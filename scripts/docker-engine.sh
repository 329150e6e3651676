#!/usr/bin/env bash
# Makes sure a Docker engine answers. If one already does (Docker Desktop, Docker Engine,
# Podman, Colima...), it is left alone. Otherwise, on Debian/Ubuntu as root, installs
# Debian's docker.io (+ debootstrap for the offline images) and starts dockerd in the
# background, logging to $SANDPIT_DOCKERD_LOG.
set -euo pipefail

log=${SANDPIT_DOCKERD_LOG:-/var/log/sandpit-dockerd.log}
wait_s=${SANDPIT_DOCKERD_WAIT:-60}

say() { printf 'docker-engine: %s\n' "$*" >&2; }
engine_up() { timeout 5 docker info >/dev/null 2>&1; }

need_debootstrap() { ! command -v debootstrap >/dev/null 2>&1; }

if engine_up; then
  say "an engine already answers; leaving it alone"
  # The offline image path still needs debootstrap; install it only if we can.
  if need_debootstrap && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing debootstrap (for offline preset images)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ]; then
  say "DOCKER_HOST=$DOCKER_HOST is set but does not answer; not starting a local engine over it."
  say "Fix: start that engine, or unset DOCKER_HOST to use a local one."
  exit 1
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "no Docker engine answers, and this script can only install one as root on Debian/Ubuntu."
  say "Fix: install and start Docker (https://docs.docker.com/engine/install/), then run 'docker info'."
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1 || need_debootstrap; then
  say "installing docker.io and debootstrap from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
fi

say "starting dockerd (log: $log)"
mkdir -p "$(dirname "$log")"
# setsid: the engine must outlive this script and the shell that ran it.
setsid nohup dockerd >"$log" 2>&1 </dev/null &

for _ in $(seq 1 "$wait_s"); do
  if engine_up; then
    say "engine is up ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
    exit 0
  fi
  sleep 1
done

say "dockerd did not answer within ${wait_s}s. Last lines of $log:"
tail -n 20 "$log" >&2 || true
exit 1
