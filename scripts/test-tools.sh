#!/usr/bin/env bash
# Tools that only some integration suites need: Podman (its Docker-compatible API, with catatonit for
# ubuntu's init), an sshd (ssh:// engines) and openssl (a TLS engine's certificates, as docker:dind makes
# them). Without them those suites or tests skip and say so, so a developer's `npm test` works without; CI
# installs them so every engine path is proven there.
set -euo pipefail
say() { printf 'test-tools: %s\n' "$*" >&2; }

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v catatonit >/dev/null 2>&1 || [ -x /usr/libexec/podman/catatonit ] || missing+=(catatonit)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "not root on Debian/Ubuntu: not installing ${missing[*]}; the Podman and ssh suites will skip"
  exit 0
fi
say "installing ${missing[*]} from Debian's packages (Podman and ssh engine tests)"
apt-get update -qq
# The services these packages ship are not wanted running: the tests start their own, on their own sockets.
DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq "${missing[@]}" >/dev/null
