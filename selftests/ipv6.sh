#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An IPv6 underlay: vxlan and gpe over IPv6 (UDP checksums on), IPv4 and
# IPv6 pods over it, both directions (ping, and TCP transfers whose SHA-256
# is compared at both ends), and a dual-stack node with IPv4 and IPv6 peers
# at once. All devices VNI 7, pods MTU 1430 (1500 less VXLAN over IPv6).
#
#	n1  dual-stack underlay (192.168.1.1, fd00:1::1), podnet, pn0 with no
#	    local address; peers n2, n4, n5, n6 by their IPv6 address (n4 and
#	    n6 "encap gpe"), n3 by its IPv4 address
#	n2  IPv6 underlay, podnet, pn0 local fd00:1::2 (vxlan)
#	n3  IPv4 underlay, podnet, pn0 local 192.168.1.3 (vxlan)
#	n4  IPv6 underlay, podnet, pn0 local fd00:1::4 encap gpe (its peer n1
#	    takes the device's format)
#	n5  IPv6 underlay, Linux vxlan (flannel's layout, local fd00:1::5)
#	n6  IPv6 underlay, Linux VXLAN-GPE (external, routes "encap ip6 id 7
#	    dst fd00:1::1 csum")
#
# The Linux receivers (n5, n6) drop IPv6 UDP with a zero checksum (vxlan's
# default, udp6zerocsumrx off). n1's eth0 has transmit checksum offload
# off, so that what it sends carries its final checksums on the wire (a
# veth passes a partial one otherwise, and its receiver never checks it):
# a capture on the underlay, decoded by tshark, shows outer IPv6/UDP with a
# non-zero checksum that tshark finds correct, and the VXLAN VNI, or the
# VXLAN-GPE VNI and next protocol, around the pod addresses.
# "podnetctl -j peer show" on n1 lists the IPv6 peers with their mode, and
# on n4 the peer without an encap of its own shows the device's, gpe.

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
PN_POD_MTU=1430
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 36
podnet_require
pn_tmpdir

VNI=7
N1=${PN_NODE_NS[1]}
N2=${PN_NODE_NS[2]}
N3=${PN_NODE_NS[3]}
N4=${PN_NODE_NS[4]}
FLANNEL_MAC=02:00:00:f1:a0:05
A1=${PN_NODE_IP6[1]}

setup()
{
	local mac1 mac

	topo_underlay || return 1
	topo_node 1 46 || return 1
	topo_node 2 6 || return 1
	topo_node 3 4 || return 1
	topo_node 4 6 || return 1
	topo_node 5 6 || return 1
	topo_node 6 6 || return 1
	# transmit checksums computed before n1's packets leave (see above)
	ip netns exec "$N1" ethtool -K eth0 tx off > /dev/null || return 1

	topo_pn0 1 vni "$VNI" || return 1
	pnctl "$N1" peer add "${PN_NODE_IP6[4]}" dev pn0 encap gpe || return 1
	pnctl "$N1" peer add "${PN_NODE_IP6[6]}" dev pn0 encap gpe || return 1
	topo_routes 1 2 add "${PN_NODE_IP6[2]}" || return 1
	topo_routes 1 3 add "${PN_NODE_IP[3]}" || return 1
	topo_routes 1 4 add "${PN_NODE_IP6[4]}" || return 1
	topo_routes 1 5 add "${PN_NODE_IP6[5]}" || return 1
	topo_routes 1 6 add "${PN_NODE_IP6[6]}" || return 1

	topo_pn0 2 local "${PN_NODE_IP6[2]}" vni "$VNI" || return 1
	topo_routes 2 1 add "$A1" || return 1
	topo_pn0 3 local "${PN_NODE_IP[3]}" vni "$VNI" || return 1
	topo_routes 3 1 add "${PN_NODE_IP[1]}" || return 1
	topo_pn0 4 local "${PN_NODE_IP6[4]}" vni "$VNI" encap gpe || return 1
	topo_routes 4 1 add "$A1" || return 1

	# vtep macs of the vxlan peers
	mac1=$(pn_vtep_mac "$N1") || return 1
	mac=$(pn_vtep_mac "$N2") || return 1
	pnctl "$N1" peer change "${PN_NODE_IP6[2]}" dev pn0 mac "$mac" || return 1
	pnctl "$N2" peer change "$A1" dev pn0 mac "$mac1" || return 1
	mac=$(pn_vtep_mac "$N3") || return 1
	pnctl "$N1" peer change "${PN_NODE_IP[3]}" dev pn0 mac "$mac" || return 1
	pnctl "$N3" peer change "${PN_NODE_IP[1]}" dev pn0 mac "$mac1" || return 1

	linux_vxlan_node 5 "$FLANNEL_MAC" "$VNI" "${PN_NODE_IP6[5]}" || return 1
	linux_vxlan_peer 5 1 "$mac1" "$A1" || return 1
	pnctl "$N1" peer change "${PN_NODE_IP6[5]}" dev pn0 mac "$FLANNEL_MAC" || return 1

	linux_gpe_node 6 || return 1
	linux_gpe_routes 6 1 "$VNI" "$A1"
}

if ! setup > "$PN_TMP/topo.log" 2>&1; then
	ktap_info_file "$PN_TMP/topo.log" 40
	ktap_fail "topology setup (IPv6 underlay: podnet n1-n4, Linux vxlan n5, gpe n6)"
	ktap_finish
fi
PN_DIAG_NODES=("$N1" "$N2" "$N3" "$N4")

# pings_both WHAT N: p1a <-> pNa over IPv4, p1b <-> pNb over IPv6
pings_both()
{
	local what=$1 n=$2

	ping_check "$what: p1a -> p${n}a (IPv4 pods)" "${PN_POD_NS[1a]}" "${PN_POD_IP4[${n}a]}"
	ping_check "$what: p${n}a -> p1a (IPv4 pods)" "${PN_POD_NS[${n}a]}" "${PN_POD_IP4[1a]}"
	ping_check "$what: p1b -> p${n}b (IPv6 pods)" "${PN_POD_NS[1b]}" "${PN_POD_IP6[${n}b]}"
	ping_check "$what: p${n}b -> p1b (IPv6 pods)" "${PN_POD_NS[${n}b]}" "${PN_POD_IP6[1b]}"
}

pings_both "vxlan/IPv6 podnet n1 <-> n2" 2
ping_check "dual stack: IPv4 peer n3 beside the IPv6 ones: p1a -> p3a (IPv4 pods)" \
	"${PN_POD_NS[1a]}" "${PN_POD_IP4[3a]}"
ping_check "dual stack: IPv4 peer n3 beside the IPv6 ones: p3b -> p1b (IPv6 pods)" \
	"${PN_POD_NS[3b]}" "${PN_POD_IP6[1b]}"
pings_both "gpe/IPv6 podnet n1 <-> n4" 4
pings_both "vxlan/IPv6 podnet n1 <-> Linux vxlan n5" 5
pings_both "gpe/IPv6 podnet n1 <-> Linux gpe n6" 6

# xfer_pair WHAT N 1|2: two TCP transfers between n1 and node N: 1: p1a ->
# pNa (IPv4 pods) and pNb -> p1b (IPv6 pods); 2: p1b -> pNb (IPv6) and
# pNa -> p1a (IPv4). Each format gets both variants (both directions,
# both pod families) over its two peers.
xfer_pair()
{
	local what=$1 n=$2

	if [ "$3" -eq 1 ]; then
		xfer_check "$what: TCP p1a -> p${n}a (IPv4 pods), intact" \
			"${PN_POD_NS[1a]}" "${PN_POD_NS[${n}a]}" "${PN_POD_IP4[${n}a]}"
		xfer_check "$what: TCP p${n}b -> p1b (IPv6 pods), intact" \
			"${PN_POD_NS[${n}b]}" "${PN_POD_NS[1b]}" "${PN_POD_IP6[1b]}"
	else
		xfer_check "$what: TCP p1b -> p${n}b (IPv6 pods), intact" \
			"${PN_POD_NS[1b]}" "${PN_POD_NS[${n}b]}" "${PN_POD_IP6[${n}b]}"
		xfer_check "$what: TCP p${n}a -> p1a (IPv4 pods), intact" \
			"${PN_POD_NS[${n}a]}" "${PN_POD_NS[1a]}" "${PN_POD_IP4[1a]}"
	fi
}

xfer_pair "vxlan/IPv6 podnet n1 <-> n2" 2 1
xfer_pair "vxlan/IPv6 podnet n1 <-> Linux vxlan n5" 5 2
xfer_pair "gpe/IPv6 podnet n1 <-> n4" 4 2
xfer_pair "gpe/IPv6 podnet n1 <-> Linux gpe n6" 6 1

# ------------------------------------------------------------- capture ----

if capture_start "$UL_NS" ul-n1 "$PN_TMP/ul6.pcap" udp port "$PN_PORT"; then
	for n in 2 4; do
		ip netns exec "${PN_POD_NS[1a]}" ping -n -q -c 2 -i 0.2 -W 2 \
			"${PN_POD_IP4[${n}a]}" > /dev/null 2>&1
		ip netns exec "${PN_POD_NS[1b]}" ping -n -q -c 2 -i 0.2 -W 2 \
			"${PN_POD_IP6[${n}b]}" > /dev/null 2>&1
	done
	capture_stop
fi
CK=(-o udp.check_checksum:TRUE)
# fields: 1 ipv6.src 2 ipv6.dst 3 udp.dstport 4 udp.checksum
# 5 udp.checksum.status (1 good) 6 vni 7 ip.src 8 ip.dst [9 next proto]
pcap_fields "$PN_TMP/ul6.pcap" "${CK[@]}" -d "udp.port==$PN_PORT,vxlan" \
	-Y "ipv6.src==$A1 && ipv6.dst==${PN_NODE_IP6[2]}" \
	ipv6.src ipv6.dst udp.dstport udp.checksum udp.checksum.status \
	vxlan.vni ip.src ip.dst > "$PN_TMP/vxlan6.txt"
pcap_fields "$PN_TMP/ul6.pcap" "${CK[@]}" -d "udp.port==$PN_PORT,vxlan_gpe" \
	-Y "ipv6.src==$A1 && ipv6.dst==${PN_NODE_IP6[4]}" \
	ipv6.src ipv6.dst udp.dstport udp.checksum udp.checksum.status \
	vxlan.vni ip.src ip.dst vxlan.next_proto > "$PN_TMP/gpe6.txt"
ktap_info "n1 -> n2 on ul-n1 (ipv6.src|ipv6.dst|dport|csum|csum status|vni|ip.src|ip.dst):"
ktap_info_file "$PN_TMP/vxlan6.txt" 8
ktap_info "n1 -> n4 on ul-n1 (... |next proto):"
ktap_info_file "$PN_TMP/gpe6.txt" 8
ktap_info_file "$PN_TMP/ul6.pcap.tshark-err" 5

# seen FILE OUTER_SRC OUTER_DST IP_SRC IP_DST [NP]: a line of FILE with
# these outer IPv6 addresses (occurrence lists for an IPv6 inner packet),
# inner IPv4 addresses (empty for IPv6 inner), dport PN_PORT, VNI VNI, a
# non-zero UDP checksum, and next protocol NP when given
seen()
{
	awk -F'|' -v s="$2" -v d="$3" -v is="$4" -v id="$5" -v np="${6-}" \
		-v port="$PN_PORT" -v vni="$VNI" '
		$1 == s && $2 == d && $3 == port && $4 != "" && $4 != "0x0000" &&
		$6 == vni && $7 == is && $8 == id && (np == "" || $9 == np) { ok = 1 }
		END { exit !ok }' "$1"
}
seen "$PN_TMP/vxlan6.txt" "$A1" "${PN_NODE_IP6[2]}" "${PN_POD_IP4[1a]}" "${PN_POD_IP4[2a]}"
rc=$?
ktap_result "vxlan over IPv6: $A1 -> ${PN_NODE_IP6[2]} UDP $PN_PORT, VNI $VNI, checksum non-zero, around ${PN_POD_IP4[1a]} -> ${PN_POD_IP4[2a]}" $rc
seen "$PN_TMP/vxlan6.txt" "$A1,${PN_POD_IP6[1b]}" "${PN_NODE_IP6[2]},${PN_POD_IP6[2b]}" "" ""
rc=$?
ktap_result "vxlan over IPv6: checksum non-zero, around ${PN_POD_IP6[1b]} -> ${PN_POD_IP6[2b]}" $rc
seen "$PN_TMP/gpe6.txt" "$A1" "${PN_NODE_IP6[4]}" "${PN_POD_IP4[1a]}" "${PN_POD_IP4[4a]}" 1
rc=$?
ktap_result "gpe over IPv6: $A1 -> ${PN_NODE_IP6[4]} UDP $PN_PORT, VNI $VNI, next protocol 1, checksum non-zero, around ${PN_POD_IP4[1a]} -> ${PN_POD_IP4[4a]}" $rc
seen "$PN_TMP/gpe6.txt" "$A1,${PN_POD_IP6[1b]}" "${PN_NODE_IP6[4]},${PN_POD_IP6[4b]}" "" "" 2
rc=$?
ktap_result "gpe over IPv6: next protocol 2, checksum non-zero, around ${PN_POD_IP6[1b]} -> ${PN_POD_IP6[4b]}" $rc
# the UDP checksum (field 4) and tshark's verdict on it (field 5: 1 good,
# 0 bad, 2 not checked) of every packet n1 sent to n2 and n4: at least the
# 8 echo requests
cat "$PN_TMP/vxlan6.txt" "$PN_TMP/gpe6.txt" | cut -d'|' -f4,5 > "$PN_TMP/csum6.txt"
ktap_info "n1's outer UDP checksums (count, value|verdict):" \
	"$(sort "$PN_TMP/csum6.txt" | uniq -c | head -n 10)"
awk -F'|' '{ n++; if ($1 == "" || $1 == "0x0000" || $2 != 1) bad++ }
	END { exit !(n >= 8 && !bad) }' "$PN_TMP/csum6.txt"
ktap_result "every UDP packet n1 sent over IPv6 has a non-zero, correct checksum" $?

# ----------------------------------------------------------- peer show ----

pnctl "$N1" -j -s peer show dev pn0 > "$PN_TMP/peers1.json" 2>&1
ktap_info "n1: podnetctl -j -s peer show:"
ktap_info_file "$PN_TMP/peers1.json" 30

# peer_is NS ADDR FIELD VALUE [FIELD VALUE]...: the peer's FIELDs in
# -j -s peer show have these VALUEs ("": the field is absent)
peer_is()
{
	local ns=$1 addr=$2 v

	shift 2
	while [ $# -ge 2 ]; do
		v=$(pn_peer_field "$ns" "$addr" "$1" 2>/dev/null)
		[ "$v" = "$2" ] || { echo "$addr: $1 is '$v', not '$2'"; return 1; }
		shift 2
	done
}

ktap_check "n1 -j peer show: IPv6 peer ${PN_NODE_IP6[2]}, mode vxlan" \
	peer_is "$N1" "${PN_NODE_IP6[2]}" mode vxlan
ktap_check "n1 -j peer show: IPv6 peer ${PN_NODE_IP6[4]}, encap gpe, mode gpe" \
	peer_is "$N1" "${PN_NODE_IP6[4]}" encap gpe mode gpe
ktap_check "n1 -j peer show: IPv4 peer ${PN_NODE_IP[3]} beside them, mode vxlan" \
	peer_is "$N1" "${PN_NODE_IP[3]}" mode vxlan
ktap_check "n4 (device encap gpe) -j peer show: $A1 has no encap of its own, mode gpe" \
	peer_is "$N4" "$A1" encap "" mode gpe
tx=$(pn_peer_field "$N1" "${PN_NODE_IP6[2]}" tx_packets)
rx=$(pn_peer_field "$N1" "${PN_NODE_IP6[2]}" rx_packets)
ktap_info "n1 peer ${PN_NODE_IP6[2]}: tx_packets $tx rx_packets $rx"
is_num "$tx" && is_num "$rx" && [ "$tx" -gt 0 ] && [ "$rx" -gt 0 ]
ktap_result "n1 -j -s peer show: IPv6 peer's tx and rx packet counters count" $?

ktap_finish
