# Lab network building blocks, shared by bin/lab-demo and the end-to-end tests. Run as root inside the
# kernel lab. A node's root namespace gets a client namespace on 10.0.0.0/24 (node 10.0.0.1) and "pods"
# as namespaces with /32 addresses.
# shellcheck shell=bash

LAB_NODE_IP=10.0.0.1
LAB_CLIENT_IP=10.0.0.2

# The client namespace, routed to the node (ClusterIPs, NodePorts and load-balancer IPs all via the node).
make_client() {
  ip link set lo up
  ip netns add client
  ip link add v-client type veth peer name eth0 netns client
  ip addr add "$LAB_NODE_IP/24" dev v-client
  ip link set v-client up
  ip -n client link set lo up
  ip -n client addr add "$LAB_CLIENT_IP/24" dev eth0
  ip -n client link set eth0 up
  ip -n client route add default via "$LAB_NODE_IP"
}

# A "pod": a namespace with a /32 address and a routed veth, much as Calico wires pods: the pod's
# default route is the link itself, and the host side answers its ARP requests with proxy ARP.
make_pod() {
  local name="$1" ip="$2"
  ip netns add "$name"
  ip link add "v-$name" type veth peer name eth0 netns "$name"
  ip -n "$name" link set lo up
  ip -n "$name" addr add "$ip/32" dev eth0
  ip -n "$name" link set eth0 up
  ip -n "$name" route add default dev eth0
  ip link set "v-$name" up
  echo 1 > "/proc/sys/net/ipv4/conf/v-$name/proxy_arp"
  # Answer at once: proxy ARP replies are otherwise delayed by up to 0.8 s.
  echo 0 > "/proc/sys/net/ipv4/neigh/v-$name/proxy_delay"
  ip route add "$ip/32" dev "v-$name"
}

# Servers that answer with a fixed word (the pod's name), so every request shows who served it. Each
# returns once its server listens: process start-up is slow in the kernel lab.
# The answer is a file, so a request costs a fork, not a shell: process start-up is slow in the lab.
serve_tcp() { ip netns exec "$1" socat "TCP-LISTEN:$2,fork,reuseaddr" "OPEN:$(reply_file "$3"),rdonly" >/dev/null 2>&1 & wait_listening "$1" "$2" t; }
# UDP: one child per client address and port (UDP-LISTEN), answering every datagram with the name.
serve_udp() { ip netns exec "$1" socat "UDP-LISTEN:$2,fork,reuseaddr" "SYSTEM:echo $3" >/dev/null 2>&1 & wait_listening "$1" "$2" u; }

reply_file() {
  local dir="${LAB_NET_DIR:-/run/lab-net}" f
  mkdir -p "$dir"
  f="$dir/reply-$(echo "$1" | tr -c 'a-zA-Z0-9_.-' _)"
  [[ -f "$f" ]] || echo "$1" > "$f"
  echo "$f"
}
# A server that says the pod's name, then echoes every line it gets: a connection can stay open.
serve_tcp_echo() { ip netns exec "$1" socat "TCP-LISTEN:$2,fork,reuseaddr" "SYSTEM:echo $3; exec cat" >/dev/null 2>&1 & wait_listening "$1" "$2" t; }

wait_listening() { # NAMESPACE PORT t|u
  local i
  for i in $(seq 1 100); do
    ip netns exec "$1" ss -Hln"$3" "sport = :$2" | grep -q . && return 0
    sleep 0.2
  done
  echo "no server listening on port $2 in $1" >&2
  return 1
}

tcp_request() { ip netns exec client socat -t10 -T10 - "TCP:$1,connect-timeout=5" </dev/null 2>/dev/null | tr -d '\r' || true; }
udp_request() { echo ping | ip netns exec client socat -t5 -T5 - "UDP:$1${2:+,sourceport=$2}" 2>/dev/null | tr -d '\r' || true; }
