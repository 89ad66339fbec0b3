#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# flannel compatibility: nodes n1 and n2 run podnet, node n3 runs flannel's
# vxlan layout (flannel.1: type vxlan id 1 dstport 8472 nolearning, plus a
# route, a static neighbour and an FDB entry per remote node). Pods of n1
# and n2 reach n3's pods and back, IPv4 and IPv6, and a TCP stream crosses
# intact, once the podnet nodes know flannel.1's MAC (peer change ... mac).
# With a wrong peer MAC the Linux vxlan receiver drops the frames (the
# documented reason to set it).

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 8
podnet_require
pn_tmpdir

N3=${PN_NODE_NS[3]}
FLANNEL_MAC=02:00:00:f1:a0:03

# flannel_node: n3's flannel.1 and its per-node entries for n1 and n2
flannel_node()
{
	local m mac

	ip -n "$N3" link add flannel.1 address "$FLANNEL_MAC" type vxlan id 1 \
		dstport 8472 nolearning local "${PN_NODE_IP[3]}" dev eth0 || return 1
	ip -n "$N3" addr add 10.244.3.0/32 dev flannel.1 || return 1
	ip -n "$N3" addr add fd00:244:3::/128 dev flannel.1 nodad || return 1
	ip -n "$N3" link set flannel.1 up || return 1
	for m in 1 2; do
		mac=$(pn_vtep_mac "${PN_NODE_NS[$m]}") || return 1
		ip -n "$N3" neigh add "10.244.$m.0" lladdr "$mac" dev flannel.1 \
			nud permanent || return 1
		ip -n "$N3" neigh add "fd00:244:$m::" lladdr "$mac" dev flannel.1 \
			nud permanent || return 1
		ip -n "$N3" route add "10.244.$m.0/24" via "10.244.$m.0" \
			dev flannel.1 onlink || return 1
		ip -n "$N3" -6 route add "fd00:244:$m::/64" via "fd00:244:$m::" \
			dev flannel.1 onlink || return 1
		bridge -n "$N3" fdb append "$mac" dev flannel.1 dst "${PN_NODE_IP[$m]}" ||
			return 1
	done
}

setup()
{
	local n

	topo_underlay || return 1
	for n in 1 2 3; do
		topo_node "$n" || return 1
	done
	topo_podnet 1 && topo_podnet 2 && topo_macs || return 1
	flannel_node || return 1
	for n in 1 2; do
		pnctl "${PN_NODE_NS[$n]}" peer change "${PN_NODE_IP[3]}" dev pn0 \
			mac "$FLANNEL_MAC" || return 1
	done
}

if ! setup > "$PN_TMP/topo.log" 2>&1; then
	ktap_info_file "$PN_TMP/topo.log" 40
	ktap_fail "topology setup (podnet n1 n2, flannel n3)"
	ktap_finish
fi

ktap_check "podnet p1a -> flannel p3a (IPv4)" ping_ok "${PN_POD_NS[1a]}" "${PN_POD_IP4[3a]}"
ktap_check "flannel p3a -> podnet p1a (IPv4)" ping_ok "${PN_POD_NS[3a]}" "${PN_POD_IP4[1a]}"
ktap_check "podnet p2b -> flannel p3b (IPv6)" ping_ok "${PN_POD_NS[2b]}" "${PN_POD_IP6[3b]}"
ktap_check "flannel p3b -> podnet p1b (IPv6)" ping_ok "${PN_POD_NS[3b]}" "${PN_POD_IP6[1b]}"
ktap_check "podnet p1a <-> podnet p2a still (IPv4)" ping_ok "${PN_POD_NS[1a]}" "${PN_POD_IP4[2a]}"

# a TCP stream from the flannel node to a podnet node
xfer_check "5 MB TCP flannel p3a -> podnet p1a arrives intact" \
	"${PN_POD_NS[3a]}" "${PN_POD_NS[1a]}" "${PN_POD_IP4[1a]}" 5120

# with a wrong peer mac, flannel.1 drops what n1 sends
pnctl "${PN_NODE_NS[1]}" peer change "${PN_NODE_IP[3]}" dev pn0 mac 02:00:00:00:00:99
ktap_check "wrong peer mac on n1: flannel drops p1a's packets" \
	ping_fails "${PN_POD_NS[1a]}" "${PN_POD_IP4[3a]}"
pnctl "${PN_NODE_NS[1]}" peer change "${PN_NODE_IP[3]}" dev pn0 mac "$FLANNEL_MAC"
ktap_check "peer mac set back: p1a reaches p3a again" \
	ping_ok "${PN_POD_NS[1a]}" "${PN_POD_IP4[3a]}"

ktap_finish
