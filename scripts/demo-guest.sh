#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh: the demo itself, inside the VM (scripts/demo.sh boots it).
# A cluster of podnet nodes as it runs for real: an etcd cluster of three
# members (TLS, users), podnetd on three nodes taking their subnets from
# it in flannel's schema, pods made by the CNI reference plugins from the
# conflist podnetd writes; then a fourth node joins and the others follow.
# Pods ping pods across nodes, and a packet from the underlay is decoded.
set -u
# shellcheck source=selftests/lib.sh
. "$(dirname "$(readlink -f "$0")")/../selftests/lib.sh"
# shellcheck source=selftests/pd_lib.sh
. "$PN_LIB_DIR/pd_lib.sh"

say() { printf '\n=== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

podnet_load || exit 1
pn_tmpdir
n1=${PN_NODE_NS[1]}

say "an etcd cluster of three members, TLS client certificates, users"
{
	pd_certs && topo_underlay &&
	for n in 1 2 3 4; do topo_node_bare "$n" 46 || exit 1; done &&
	pd_etcd_start 1 2 3 && pd_etcd_setup
} > "$PN_TMP/setup.log" 2>&1 || { cat "$PN_TMP/setup.log"; echo "demo: setup failed" >&2; exit 1; }
run ectl get "$PD_PREFIX/config" --print-value-only

say "podnetd on nodes 1, 2, 3 (flanneld's flags)"
for n in 1 2 3; do
	pd_start "$n"
done
for n in 1 2 3; do
	wait_for 90 pd_healthz "$n" || { tail "$PN_TMP/n$n/podnetd.log"; exit 1; }
done
echo "node 1's podnetd:"
sed 's/^/  /' "$PN_TMP/n1/podnetd.log"
say "the leases in etcd, in flanneld's JSON"
ectl get --prefix "$PD_PREFIX/subnets/" | paste - - | sed 's/^/  /'
say "node 1: what podnetd wrote for the pods, and pn0"
run cat "$PN_TMP/n1/subnet.env"
run ip netns exec "$n1" "$PODNETCTL" show
run ip netns exec "$n1" "$PODNETCTL" peer show
run ip netns exec "$n1" "$PODNETCTL" route show

say "pods made by the CNI reference plugins (bridge, host-local, portmap)"
for n in 1 2 3; do
	pd_pod "$n" "$PN_TMP/n$n/cni/10-podnet.conflist" || exit 1
	echo "  node $n: pod ${PD_POD_IP4[$n]} ${PD_POD_IP6[$n]}"
done

# pings FROM...: each pod pings every other, IPv4 and IPv6
rc=0
pings()
{
	local a b ip

	for a in "$@"; do
		for b in "$@"; do
			[ "$a" != "$b" ] || continue
			for ip in "${PD_POD_IP4[$b]}" "${PD_POD_IP6[$b]}"; do
				if ping_ok "${PN_POD_NS[${a}a]}" "$ip"; then
					echo "  pod on node $a -> $ip: ok"
				else
					echo "  pod on node $a -> $ip: FAILED"
					rc=1
				fi
			done
		done
	done
}
say "pods ping pods on other nodes"
pings 1 2 3

say "node 4 joins: podnetd takes a subnet, the others follow at once"
pd_start 4
wait_for 90 pd_healthz 4 || exit 1
pd_pod 4 "$PN_TMP/n4/cni/10-podnet.conflist" || exit 1
run ip netns exec "$n1" "$PODNETCTL" route show
pings 1 4

say "a packet on the underlay, decoded"
capture_start "$UL_NS" ul-n1 "$PN_TMP/demo.pcap" -c 2 udp port "$PN_PORT" || rc=1
ip netns exec "${PN_POD_NS[1a]}" ping -c 1 -W 2 "${PD_POD_IP4[2]}" > /dev/null || rc=1
capture_stop
if command -v tshark > /dev/null; then
	run tshark -r "$PN_TMP/demo.pcap" -d "udp.port==$PN_PORT,vxlan" -V -c 1 \
		2> /dev/null | grep -E '^(Internet Protocol|User Datagram|Virtual eXtensible|Ethernet II|Internet Control)|VXLAN Network Identifier|Src:|Dst:|Type:' || rc=1
else
	pcap_decode "$PN_TMP/demo.pcap" || rc=1
fi

say "node 1: podnetd's metrics"
ns_run "$n1" curl -s "http://127.0.0.1:$PD_HEALTH_PORT/metrics" |
	grep -E '^podnetd_(peers|routes|leases|syncs_total|lease_events_total|watch_reconnects_total)' |
	sed 's/^/  /'

if [ "$rc" -eq 0 ]; then
	say "demo: every ping answered"
else
	say "demo: something FAILED"
fi
exit "$rc"
