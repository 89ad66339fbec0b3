#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh: the demo itself, inside the VM (scripts/demo.sh boots it).
# Builds the topology of the selftests (three nodes on one underlay bridge,
# two pods each, pn0 on every node), then shows it working.
set -u
# shellcheck source=selftests/lib.sh
. "$(dirname "$(readlink -f "$0")")/../selftests/lib.sh"

say() { printf '\n=== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

podnet_load || exit 1
pn_tmpdir
topo_create || { echo "demo: topology setup failed" >&2; exit 1; }
n1=$(node_ns 1)

say "node 1: the podnet device and its peers and routes"
run ip netns exec "$n1" "$PODNETCTL" show
run ip netns exec "$n1" "$PODNETCTL" peer show
run ip netns exec "$n1" "$PODNETCTL" route show
run ip netns exec "$n1" "$PODNETCTL" route get 10.244.3.11

say "pods ping pods on other nodes (IPv4 and IPv6 pods, IPv4 underlay)"
rc=0
for src in 1a 2b 3a; do
	n=${src%?}
	p=${src#?}
	for dst in 1 2 3; do
		[ "$dst" -ne "$n" ] || continue
		for ip in "$(pod_ip4 "$dst" b)" "$(pod_ip6 "$dst" a)"; do
			if ip netns exec "$(pod_ns "$n" "$p")" ping -c 1 -W 2 "$ip" > /dev/null; then
				echo "pod $src -> $ip: ok"
			else
				echo "pod $src -> $ip: FAILED"
				rc=1
			fi
		done
	done
done

say "a packet on the underlay, decoded"
capture_start "$UL_NS" ul-n1 "$PN_TMP/demo.pcap" -c 2 udp port "$PN_PORT" || rc=1
ip netns exec "$(pod_ns 1 a)" ping -c 1 -W 2 "$(pod_ip4 2 a)" > /dev/null || rc=1
capture_stop
if command -v tshark > /dev/null; then
	run tshark -r "$PN_TMP/demo.pcap" -d "udp.port==$PN_PORT,vxlan" -V -c 1 \
		2> /dev/null | grep -E '^(Internet Protocol|User Datagram|Virtual eXtensible|Ethernet II|Internet Control)|VXLAN Network Identifier|Src:|Dst:|Type:' || rc=1
else
	pcap_decode "$PN_TMP/demo.pcap" || rc=1
fi

say "node 1: counters after the pings"
run ip netns exec "$n1" "$PODNETCTL" -s peer show

if [ "$rc" -eq 0 ]; then
	say "demo: every ping answered"
else
	say "demo: something FAILED"
fi
exit "$rc"
