#!/usr/bin/env bash
# A second Docker engine that stands in for a remote one (CI's docker:dind, a build box): its own
# network namespace reached over a veth pair only, its own data and exec roots and cgroup parent,
# and its own mount namespace with a private /tmp, so it cannot see the test's temporary folders.
#   remote-engine.sh up     prints the engine's tcp:// address once it answers
#   remote-engine.sh tls    after `up`: the same engine (its images kept) restarted as docker:dind runs by
#                           default, TLS on 2376 with client certificates; prints its address and the client's
#                           certificate folder (for DOCKER_CERT_PATH), once it answers
#   remote-engine.sh down   removes everything `up` made, also what a killed run left behind
# Needs root, iproute2, util-linux (unshare, nsenter) and dockerd. Names and addresses are fixed
# so that a stale run is always found and cleared by the next one.
set -euo pipefail

NS=sandpit-remote-test
HOST_IF=sp-remote-h
ENGINE_IF=sp-remote-e
HOST_IP=10.250.77.1
ENGINE_IP=10.250.77.2
ROOT=/var/lib/sandpit-remote-test
EXEC_ROOT=/run/sandpit-remote-test
CGROUP=sandpit-remote-test
URI=tcp://$ENGINE_IP:2375
TLS_URI=tcp://$ENGINE_IP:2376
CERTS=$ROOT/certs

say() { printf 'remote-engine: %s\n' "$*" >&2; }

down() {
  # Stop the engine gracefully first (it stops its containers and its containerd), then make sure.
  if [ -f "$ROOT/dockerd.pid" ]; then
    local pid
    pid=$(cat "$ROOT/dockerd.pid")
    if kill -0 "$pid" 2>/dev/null; then
      docker -H "$URI" ps -aq 2>/dev/null | xargs -r docker -H "$URI" rm -f >/dev/null 2>&1 || true
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    fi
  fi
  # Whatever still runs in the namespace (a containerd, shims) or in the engine's cgroups (containers).
  if [ -e "/var/run/netns/$NS" ]; then
    ip netns pids "$NS" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
  fi
  for controller in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    local dir="$controller$CGROUP"
    [ -d "$dir" ] || continue
    find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
  done
  sleep 0.3
  for controller in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    [ -d "$controller$CGROUP" ] && find "$controller$CGROUP" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  ip netns del "$NS" 2>/dev/null || true
  ip link del "$HOST_IF" 2>/dev/null || true
  # The engine's mounts lived in its own mount namespace, gone with its processes; any left here are ours to lift.
  grep -o " $ROOT[^ ]*\| $EXEC_ROOT[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$ROOT" "$EXEC_ROOT"
}

up() {
  down
  trap 'say "setup failed; clearing"; tail -n 20 "$ROOT/dockerd.log" >&2 2>/dev/null || true; down' ERR
  ip netns add "$NS"
  ip link add "$HOST_IF" type veth peer name "$ENGINE_IF"
  ip link set "$ENGINE_IF" netns "$NS"
  ip addr add "$HOST_IP/30" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  ip -n "$NS" addr add "$ENGINE_IP/30" dev "$ENGINE_IF"
  ip -n "$NS" link set "$ENGINE_IF" up
  ip -n "$NS" link set lo up
  mkdir -p "$ROOT" "$EXEC_ROOT"
  echo '{}' > "$ROOT/daemon.json" # not the machine's /etc/docker/daemon.json
  engine --host "$URI"
  answers -H "$URI" || false
  trap - ERR
  echo "$URI"
}

# dockerd in the namespace, with a private /tmp, and the flags given (its listener, TLS).
engine() {
  # nsenter, not `ip netns exec`: that one remounts /sys, which hides the cgroup mounts dockerd needs.
  nsenter --net="/var/run/netns/$NS" setsid unshare --mount --propagation private sh -c "
    mount -t tmpfs tmpfs /tmp &&
    exec dockerd $* --data-root $ROOT/data --exec-root $EXEC_ROOT --pidfile $ROOT/dockerd.pid \
      --config-file $ROOT/daemon.json --cgroup-parent /$CGROUP --bip 10.251.77.1/24 --iptables=true" \
    >>"$ROOT/dockerd.log" 2>&1 </dev/null &
}

# Waits for the engine to answer the docker CLI given these flags; false after a minute.
answers() {
  for _ in $(seq 1 120); do
    timeout 3 docker "$@" version >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  false
}

stop_engine() {
  local pid
  pid=$(cat "$ROOT/dockerd.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  false
}

# docker:dind's certificates, as its entrypoint makes them: a CA, the server's for its address, the client's.
certificates() {
  mkdir -p "$CERTS/client"
  cd "$CERTS"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=sandpit-test-ca -keyout ca-key.pem -out ca.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj /CN=docker -keyout server-key.pem -out server.csr 2>/dev/null
  printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$ENGINE_IP" > server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile server.ext -out server-cert.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj /CN=client -keyout client/key.pem -out client.csr 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' > client.ext
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile client.ext -out client/cert.pem 2>/dev/null
  cp ca.pem client/ca.pem
  cd - >/dev/null
}

tls() {
  [ -f "$ROOT/dockerd.pid" ] || { say "no engine: run up first"; exit 2; }
  trap 'say "tls restart failed; clearing"; tail -n 20 "$ROOT/dockerd.log" >&2 2>/dev/null || true; down' ERR
  stop_engine
  [ -f "$CERTS/client/cert.pem" ] || certificates
  engine --host "$TLS_URI" --tlsverify --tlscacert "$CERTS/ca.pem" --tlscert "$CERTS/server-cert.pem" --tlskey "$CERTS/server-key.pem"
  answers --tlsverify --tlscacert "$CERTS/client/ca.pem" --tlscert "$CERTS/client/cert.pem" --tlskey "$CERTS/client/key.pem" -H "$TLS_URI" || false
  trap - ERR
  echo "$TLS_URI $CERTS/client"
}

case "${1:-}" in
  up) up ;;
  tls) tls ;;
  down) down ;;
  *) say "usage: $0 up|tls|down"; exit 2 ;;
esac
