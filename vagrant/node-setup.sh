#!/usr/bin/env bash
# One node of the multi-node lab, the same on a Vagrant VM and in the kernel lab (bin/lab-multinode,
# where each node is a network namespace and this script runs inside it).
#
#   node-setup.sh provision NODE        VM: packages, kernel modules, build, systemd units, check
#   node-setup.sh network NODE          the node's "pods" (network namespaces with a TCP server each)
#                                       and the route to the other node's pod CIDR
#   node-setup.sh run apiserver|proxier NODE     run in the foreground (systemd's ExecStart)
#   node-setup.sh start apiserver|proxier NODE   run in the background (pid and log in the state folder)
#   node-setup.sh stop NODE             stop what `start` started and the pods' servers
#   node-setup.sh wait-api [SECONDS]    wait until the API on node-1 serves the lab's objects
#   node-setup.sh check NODE [SECONDS]  wait until `ipvsadm -Ln` equals vagrant/expected/NODE.ipvsadm
#
# NODE is node-1 (10.0.0.11, pods 10.244.1.0/24, also runs the API) or node-2 (10.0.0.12, pods
# 10.244.2.0/24). The node address itself comes from outside: Vagrant's private network, or the
# kernel lab's bridge. Run as root.
set -euo pipefail
PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SELF="$PROJECT_DIR/vagrant/node-setup.sh"
# shellcheck source=bin/lib/lab-net.sh source-path=SCRIPTDIR/..
source "$PROJECT_DIR/bin/lib/lab-net.sh"

NODE_CIDR=10.0.0.0/24
API_NODE="node-1"
API_PORT=18080
# Small heaps: in the kernel lab two proxiers and the API share one small machine.
export IPVS_PROXIER_HEAP="${IPVS_PROXIER_HEAP:-192m}"
export LAB_APISERVER_HEAP="${LAB_APISERVER_HEAP:-192m}"

die() { echo "node-setup: $*" >&2; exit 1; }
ok() { printf '  ok   %s\n' "$*"; }
bad() { printf '  FAIL %s\n' "$*"; }

node_ip() {
  case "$1" in
    node-1) echo 10.0.0.11 ;;
    node-2) echo 10.0.0.12 ;;
    *) die "unknown node '$1' (node-1 or node-2)" ;;
  esac
}
node_number() { node_ip "$1" >/dev/null; echo "${1#node-}"; }
other_node() { if [[ "$1" == node-1 ]]; then echo node-2; else echo node-1; fi; }
pod_cidr() { echo "10.244.$(node_number "$1").0/24"; }
# NAME:ADDRESS of the node's pods (as in vagrant/manifests-multinode).
pods_of() {
  local n
  n=$(node_number "$1")
  echo "echo-$n:10.244.$n.11 edge-$n:10.244.$n.21 cache-$n:10.244.$n.31"
}
state_dir() { echo "${NODE_SETUP_STATE:-/run/ipvs-lab}/$1"; }
api_url() { echo "http://$(node_ip "$API_NODE"):$API_PORT"; }

# ---------------------------------------------------------------------------------------------
# Pods and routes.
remove_pod() {
  local name="$1" pids
  [[ -e "/run/netns/$name" ]] || return 0
  pids=$(ip netns pids "$name" 2>/dev/null | tr '\n' ' ')
  # shellcheck disable=SC2086 # a list of pids
  [[ -z "${pids// /}" ]] || kill $pids 2>/dev/null || true
  ip netns del "$name"
  ip link del "v-$name" 2>/dev/null || true
}

network() {
  local node="$1" ip other p name addr
  ip=$(node_ip "$node")
  other=$(other_node "$node")
  [[ "$(ip -o -4 addr show)" == *" inet $ip/"* ]] \
    || die "$node: address $ip is not on any link (Vagrant's private network or the lab's bridge puts it there)"
  ip link set lo up
  echo 1 > /proc/sys/net/ipv4/ip_forward
  for p in $(pods_of "$node"); do
    name=${p%%:*} addr=${p##*:}
    remove_pod "$name"
    make_pod "$name" "$addr"
    serve_tcp "$name" 8080 "$name"
  done
  # Pods of the other node: through the other node, on the shared segment.
  ip route replace "$(pod_cidr "$other")" via "$(node_ip "$other")"
  echo "$node: pods $(pods_of "$node"); $(pod_cidr "$other") via $(node_ip "$other")"
}

# ---------------------------------------------------------------------------------------------
# The API server (node-1) and the proxier.
write_kubeconfig() { # FILE URL
  mkdir -p "$(dirname "$1")"
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster:
    server: $2
contexts:
- name: lab
  context:
    cluster: lab
    user: lab
    namespace: default
current-context: lab
users:
- name: lab
  user: {}
EOF
}

run() {
  local what="$1" node="$2" state
  state=$(state_dir "$node")
  mkdir -p "$state"
  case "$what" in
    apiserver)
      [[ "$node" == "$API_NODE" ]] || die "the API server runs on $API_NODE, not $node"
      # One folder with both manifest sets: the example Services and the multi-node ones.
      rm -rf "$state/manifests"
      mkdir -p "$state/manifests"
      for f in "$PROJECT_DIR"/vagrant/manifests/*.yaml; do ln -s "$f" "$state/manifests/10-$(basename "$f")"; done
      for f in "$PROJECT_DIR"/vagrant/manifests-multinode/*.yaml; do ln -s "$f" "$state/manifests/20-$(basename "$f")"; done
      exec "$PROJECT_DIR/bin/lab-apiserver" --address "$(node_ip "$node")" --port "$API_PORT" \
        --kubeconfig-out "$state/apiserver.kubeconfig" --manifests "$state/manifests"
      ;;
    proxier)
      write_kubeconfig "$state/kubeconfig" "$(api_url)"
      # NodePorts on the lab segment's address only: a VM's NAT interface would otherwise add its own.
      exec "$PROJECT_DIR/bin/ipvs-proxier" --kubeconfig "$state/kubeconfig" --hostname-override "$node" \
        --nodeport-addresses "$NODE_CIDR" --admin-socket "$state/admin.sock" \
        --metrics-bind-address 127.0.0.1:10249 --healthz-bind-address "$(node_ip "$node"):10256"
      ;;
    *) die "run what? apiserver or proxier, not '$what'" ;;
  esac
}

start() {
  local what="$1" node="$2" state
  state=$(state_dir "$node")
  mkdir -p "$state"
  nohup "$SELF" run "$what" "$node" > "$state/$what.log" 2>&1 < /dev/null &
  echo $! > "$state/$what.pid"
  echo "$node: $what started (pid $!, log $state/$what.log)"
}

# A process that has exited but is not yet reaped (a zombie whose parent is init) counts as stopped.
alive() { [[ -r "/proc/$1/stat" && "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]]; }

stop() {
  local node="$1" state what pid p
  state=$(state_dir "$node")
  for what in proxier apiserver; do
    [[ -f "$state/$what.pid" ]] || continue
    pid=$(cat "$state/$what.pid")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.2; done
      ! alive "$pid" || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$state/$what.pid"
  done
  for p in $(pods_of "$node"); do remove_pod "${p%%:*}"; done
}

wait_api() {
  local deadline=$((SECONDS + ${1:-300}))
  # The last object of the multi-node manifest: once it is there, everything is loaded.
  until curl -sf -o /dev/null "$(api_url)/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/node-cache-1"; do
    (( SECONDS < deadline )) || die "the API at $(api_url) did not serve the lab's objects within ${1:-300}s"
    sleep 1
  done
  echo "API at $(api_url) serves the lab's objects"
}

# Compares the node's IPVS table with the expected one, byte for byte; waits up to SECONDS for the
# proxier to get there. Prints a diff when it does not.
check() {
  local node="$1" wait="${2:-0}" expected actual deadline
  expected="$PROJECT_DIR/vagrant/expected/$node.ipvsadm"
  [[ -f "$expected" ]] || die "no expected table $expected"
  actual=$(mktemp)
  deadline=$((SECONDS + wait))
  until ipvsadm -Ln > "$actual" 2>&1 && cmp -s "$expected" "$actual"; do
    if (( SECONDS >= deadline )); then
      bad "$node: ipvsadm -Ln differs from vagrant/expected/$node.ipvsadm:"
      diff -u "$expected" "$actual" | sed 's/^/    /' || true
      rm -f "$actual"
      return 1
    fi
    sleep 1
  done
  rm -f "$actual"
  ok "$node: ipvsadm -Ln equals vagrant/expected/$node.ipvsadm"
}

# ---------------------------------------------------------------------------------------------
# A Vagrant VM (Debian 12): everything, as systemd units that survive a reboot.

# restarting_unit FILE DESCRIPTION AFTER COMMAND: a long-running service, restarted when it fails.
restarting_unit() {
  cat > "$1" <<UNIT
[Unit]
Description=$2
After=$3
Wants=network-online.target

[Service]
ExecStart=$4
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
}

provision() {
  local node="$1" unit_dir=/etc/systemd/system
  node_ip "$node" >/dev/null
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless maven ipvsadm socat iproute2 kmod curl procps >/dev/null
  printf '%s\n' ip_vs ip_vs_rr ip_vs_sh dummy > /etc/modules-load.d/ipvs-lab.conf
  modprobe -a ip_vs ip_vs_rr ip_vs_sh dummy
  echo "building ipvs-proxier in $PROJECT_DIR..."
  (cd "$PROJECT_DIR" && mvn -B -q -pl proxier-core -am test-compile)

  cat > "$unit_dir/ipvs-lab-pods.service" <<EOF
[Unit]
Description=ipvs-proxier lab: the pods of $node (network namespaces with TCP servers)
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$SELF network $node
ExecStop=$SELF stop $node

[Install]
WantedBy=multi-user.target
EOF
  restarting_unit "$unit_dir/ipvs-proxier.service" "ipvs-proxier on $node" \
    "network-online.target ipvs-lab-pods.service" "$SELF run proxier $node"
  if [[ "$node" == "$API_NODE" ]]; then
    restarting_unit "$unit_dir/ipvs-lab-apiserver.service" \
      "ipvs-proxier lab: embedded Kubernetes API (vagrant/manifests and vagrant/manifests-multinode)" \
      "network-online.target" "$SELF run apiserver $node"
  fi
  systemctl daemon-reload
  systemctl enable ipvs-lab-pods.service ipvs-proxier.service
  systemctl restart ipvs-lab-pods.service
  if [[ "$node" == "$API_NODE" ]]; then
    systemctl enable ipvs-lab-apiserver.service
    systemctl restart ipvs-lab-apiserver.service
  fi
  wait_api 300
  systemctl restart ipvs-proxier.service
  check "$node" 300
  ipvsadm -Ln
}

case "${1:-}" in
  provision) provision "${2:?node}" ;;
  network) network "${2:?node}" ;;
  run) run "${2:?apiserver or proxier}" "${3:?node}" ;;
  start) start "${2:?apiserver or proxier}" "${3:?node}" ;;
  stop) stop "${2:?node}" ;;
  wait-api) wait_api "${2:-300}" ;;
  check) check "${2:?node}" "${3:-0}" ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
