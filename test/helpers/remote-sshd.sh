#!/usr/bin/env bash
# An sshd on the remote test engine's machine (remote-engine.sh must be up), and what a user's
# ~/.ssh/config would hold to reach it, given to ssh by a wrapper first on PATH (ssh reads the home
# of the passwd entry, not $HOME, and tests must not touch the machine's):
#   remote-sshd.sh up DIR tcp://IP:PORT   keys, config, known_hosts and DIR/bin/ssh; starts sshd and
#                                         prints the Host alias once a login works
#   remote-sshd.sh down DIR               stops that sshd
# The far side's docker CLI finds the engine through DOCKER_HOST, set for the test key only. Every
# ssh the wrapper runs is logged, one line each, to DIR/ssh-calls.
set -euo pipefail

NS=sandpit-remote-test
ALIAS=sandpit-remote-box

up() {
  local dir=$1 uri=$2 ip real
  ip=${uri#tcp://}
  ip=${ip%:*}
  mkdir -p "$dir/bin" /run/sshd
  for key in host client; do ssh-keygen -q -t ed25519 -N '' -f "$dir/$key"; done
  echo "environment=\"DOCKER_HOST=$uri\" $(cat "$dir/client.pub")" > "$dir/authorized_keys"
  chmod 600 "$dir/authorized_keys"
  echo "$ip $(cat "$dir/host.pub")" > "$dir/known_hosts"
  cat > "$dir/config" <<CONFIG
Host $ALIAS
  HostName $ip
  User root
  IdentityFile $dir/client
  IdentitiesOnly yes
  UserKnownHostsFile $dir/known_hosts
CONFIG
  real=$(command -v ssh)
  printf '#!/bin/sh\necho "$*" >> %s/ssh-calls\nexec %s -F %s/config "$@"\n' "$dir" "$real" "$dir" > "$dir/bin/ssh"
  chmod 755 "$dir/bin/ssh"
  nsenter --net="/var/run/netns/$NS" /usr/sbin/sshd -D -e -f /dev/null -h "$dir/host" -o "ListenAddress=$ip:22" \
    -o "AuthorizedKeysFile=$dir/authorized_keys" -o PermitUserEnvironment=yes -o StrictModes=no -o UsePAM=no \
    -o "PidFile=$dir/sshd.pid" >"$dir/sshd.log" 2>&1 </dev/null &
  echo $! > "$dir/sshd.started"
  for _ in $(seq 1 40); do
    if "$dir/bin/ssh" -o BatchMode=yes "$ALIAS" true 2>/dev/null; then
      echo "$ALIAS"
      return 0
    fi
    sleep 0.25
  done
  echo "remote-sshd: no login within 10 s" >&2
  cat "$dir/sshd.log" >&2
  down "$dir"
  return 1
}

down() {
  local dir=$1
  [ -f "$dir/sshd.started" ] && kill "$(cat "$dir/sshd.started")" 2>/dev/null || true
}

case "${1:-}" in
  up) up "$2" "$3" ;;
  down) down "$2" ;;
  *) echo "usage: $0 up DIR tcp://IP:PORT | down DIR" >&2; exit 2 ;;
esac
