#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The VXLAN-GPE and IPIP formats against the kernel's own drivers, IPv4 and
# IPv6 pods, both directions (ping, and TCP transfers whose SHA-256 is
# compared at both ends), on an IPv4 underlay:
#
#	n1  podnet, pn0 vni 42 (device encap vxlan), peers: n2 and n3 with
#	    "encap gpe", n4 with "encap ipip"
#	n2  podnet, pn0 vni 42 encap gpe (its peers take the device's format)
#	n3  Linux VXLAN-GPE: vxgpe (type vxlan gpe external dstport 8472) and
#	    routes "encap ip id 42 dst NODE" to n1's and n2's PodCIDRs
#	n4  Calico style IPIP: tunl0 (the ipip module's fallback device) with
#	    routes "via NODE dev tunl0 onlink" for IPv4 pods; IPv6 pods over
#	    IPv4 (protocol 41) through a sit device (Calico has no IPv6 IPIP)
#	n5  no pods: a non-peer that sends IPIP to n1's own tunl0
#
# The ipip and sit modules are loaded, so every namespace (n1 included)
# has tunl0 and sit0: n1's pn0 must still get its peers' packets (podnet's
# tunnel4 handler runs before the kernel's ipip and sit). With n1's tunl0
# up, n4's packets still go to pn0 (its peer counter) and not to tunl0,
# while n5's (not a peer) still reach tunl0, and so does IPIP from n4 (a
# peer) whose inner source is not in n4's PodCIDR (IPVS-TUN, kube-router
# DSR): podnet takes only what its peer's PodCIDRs send.
#
# Captures on the underlay, decoded by tshark: n1 -> n3 packets are
# VXLAN-GPE (I and P flags) with VNI 42 and next protocol 1 / 2 around the
# pod addresses; n1 -> n4 packets are IPv4 protocol 4 / 41 around them.
# Finally "encap ipip" for an IPv6 peer is refused with the kernel's
# message (peer add and peer change).

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 34
podnet_require
pn_tmpdir

VNI=42
N1=${PN_NODE_NS[1]}
N2=${PN_NODE_NS[2]}
N4=${PN_NODE_NS[4]}
N5=${PN_NODE_NS[5]}
IPIP_EXT_MSG="ipip needs an IPv4 peer address"

# The kernel's ipip (tunl0, for IPv4 pods) and sit (IPv6 pods over IPv4);
# loaded before the namespaces are made, so that every one has them.
HAVE_IPIP=0
HAVE_SIT=0
if module_need ipip > "$PN_TMP/modprobe.log" 2>&1; then
	HAVE_IPIP=1
fi
if module_need sit >> "$PN_TMP/modprobe.log" 2>&1; then
	HAVE_SIT=1
fi
ktap_info_file "$PN_TMP/modprobe.log"

# calico_node: n4's IPIP side, as Calico sets it up (tunl0 with a /32 of
# the node's block, a route per remote block via the node, onlink), plus
# a point-to-point sit to n1 for the IPv6 pods
calico_node()
{
	ip -n "$N4" link set tunl0 up || return 1
	ip -n "$N4" addr add 10.244.4.0/32 dev tunl0 || return 1
	ip -n "$N4" route add 10.244.1.0/24 via "${PN_NODE_IP[1]}" dev tunl0 \
		onlink || return 1
	[ "$HAVE_SIT" -eq 1 ] || return 0
	ip -n "$N4" link add sit1 type sit local "${PN_NODE_IP[4]}" \
		remote "${PN_NODE_IP[1]}" || return 1
	ip -n "$N4" link set sit1 up || return 1
	ip -n "$N4" -6 route add fd00:244:1::/64 dev sit1
}

setup()
{
	local n

	topo_underlay || return 1
	for n in 1 2 3 4; do
		topo_node "$n" || return 1
	done
	topo_node_bare 5 || return 1

	topo_pn0 1 local "${PN_NODE_IP[1]}" vni "$VNI" || return 1
	pnctl "$N1" peer add "${PN_NODE_IP[2]}" dev pn0 encap gpe || return 1
	pnctl "$N1" peer add "${PN_NODE_IP[3]}" dev pn0 encap gpe || return 1
	pnctl "$N1" peer add "${PN_NODE_IP[4]}" dev pn0 encap ipip || return 1
	for n in 2 3 4; do
		topo_routes 1 "$n" add || return 1
	done

	topo_pn0 2 local "${PN_NODE_IP[2]}" vni "$VNI" encap gpe || return 1
	topo_routes 2 1 add || return 1
	topo_routes 2 3 add || return 1

	linux_gpe_node 3 || return 1
	linux_gpe_routes 3 1 "$VNI" "${PN_NODE_IP[1]}" || return 1
	linux_gpe_routes 3 2 "$VNI" "${PN_NODE_IP[2]}" || return 1

	if [ "$HAVE_IPIP" -eq 1 ]; then
		calico_node || return 1
	fi
}

if ! setup > "$PN_TMP/topo.log" 2>&1; then
	ktap_info_file "$PN_TMP/topo.log" 40
	ktap_fail "topology setup (podnet n1 n2, Linux gpe n3, Calico ipip n4)"
	ktap_finish
fi
PN_DIAG_NODES=("$N1" "$N2")

P1A=${PN_POD_NS[1a]}
P1B=${PN_POD_NS[1b]}

# ------------------------------------------------------------ VXLAN-GPE ---

ping_check "gpe: podnet p1a -> Linux p3a (IPv4)" "$P1A" "${PN_POD_IP4[3a]}"
ping_check "gpe: Linux p3a -> podnet p1a (IPv4)" "${PN_POD_NS[3a]}" "${PN_POD_IP4[1a]}"
ping_check "gpe: podnet p1b -> Linux p3b (IPv6)" "$P1B" "${PN_POD_IP6[3b]}"
ping_check "gpe: Linux p3b -> podnet p1b (IPv6)" "${PN_POD_NS[3b]}" "${PN_POD_IP6[1b]}"
ping_check "gpe (device encap): podnet p2a -> Linux p3a (IPv4)" \
	"${PN_POD_NS[2a]}" "${PN_POD_IP4[3a]}"
ping_check "gpe (device encap): Linux p3b -> podnet p2b (IPv6)" \
	"${PN_POD_NS[3b]}" "${PN_POD_IP6[2b]}"
ping_check "gpe: podnet p1a (peer encap) -> podnet p2a (device encap) (IPv4)" \
	"$P1A" "${PN_POD_IP4[2a]}"
ping_check "gpe: podnet p2b (device encap) -> podnet p1b (peer encap) (IPv6)" \
	"${PN_POD_NS[2b]}" "${PN_POD_IP6[1b]}"

xfer_check "gpe: TCP podnet p1a -> Linux p3a (IPv4), intact" \
	"$P1A" "${PN_POD_NS[3a]}" "${PN_POD_IP4[3a]}"
xfer_check "gpe: TCP Linux p3a -> podnet p1a (IPv4), intact" \
	"${PN_POD_NS[3a]}" "$P1A" "${PN_POD_IP4[1a]}"
xfer_check "gpe: TCP podnet p1b -> Linux p3b (IPv6), intact" \
	"$P1B" "${PN_POD_NS[3b]}" "${PN_POD_IP6[3b]}"
xfer_check "gpe: TCP Linux p3b -> podnet p1b (IPv6), intact" \
	"${PN_POD_NS[3b]}" "$P1B" "${PN_POD_IP6[1b]}"

# n1 -> n3 on the wire, decoded as VXLAN-GPE
if capture_start "$UL_NS" ul-n1 "$PN_TMP/gpe.pcap" udp port "$PN_PORT"; then
	ns_run "$P1A" ping -n -q -c 2 -i 0.2 -W 2 "${PN_POD_IP4[3a]}" > /dev/null 2>&1
	ns_run "$P1B" ping -n -q -c 2 -i 0.2 -W 2 "${PN_POD_IP6[3b]}" > /dev/null 2>&1
	capture_stop
fi
# fields: 1 ip.src 2 ip.dst 3 ipv6.src 4 ipv6.dst 5 vni 6 next proto 7 flags
pcap_fields "$PN_TMP/gpe.pcap" -d "udp.port==$PN_PORT,vxlan_gpe" \
	ip.src ip.dst ipv6.src ipv6.dst vxlan.vni vxlan.next_proto vxlan.flags \
	> "$PN_TMP/gpe.txt"
ktap_info "gpe capture on ul-n1 (ip.src|ip.dst|ipv6.src|ipv6.dst|vni|np|flags):"
ktap_info_file "$PN_TMP/gpe.txt" 12
ktap_info_file "$PN_TMP/gpe.pcap.tshark-err" 5
S=${PN_NODE_IP[1]}
D=${PN_NODE_IP[3]}
# every n1 -> n3 packet (at least the 4 echo requests): flags I and P
# (0x08 | 0x04, version 0, no O bit), VNI 42, next protocol 1 or 2
awk -F'|' -v s="$S" -v d="$D" -v vni="$VNI" '
	{ split($1, src, ","); split($2, dst, ",") }
	src[1] == s && dst[1] == d {
		n++
		if ($5 != vni || ($6 != 1 && $6 != 2) || $7 != "0x0c")
			bad++
	}
	END { exit !(n >= 4 && !bad) }' "$PN_TMP/gpe.txt"
ktap_result "gpe capture: every n1 -> n3 packet is VXLAN-GPE (I+P) with VNI $VNI" $?
grep -qxF "$S,${PN_POD_IP4[1a]}|$D,${PN_POD_IP4[3a]}|||$VNI|1|0x0c" "$PN_TMP/gpe.txt"
rc=$?
ktap_result "gpe capture: next protocol 1 carries ${PN_POD_IP4[1a]} -> ${PN_POD_IP4[3a]}" $rc
grep -qxF "$S|$D|${PN_POD_IP6[1b]}|${PN_POD_IP6[3b]}|$VNI|2|0x0c" "$PN_TMP/gpe.txt"
rc=$?
ktap_result "gpe capture: next protocol 2 carries ${PN_POD_IP6[1b]} -> ${PN_POD_IP6[3b]}" $rc

# ----------------------------------------------------------------- IPIP ---

# ipip_skip DESC...: points that need the kernel's ipip module
ipip_skip()
{
	local d

	for d in "$@"; do
		ktap_skip "$d" "no ipip module in this kernel"
	done
}

sit_check() # KIND DESC ARGS...: a ping/xfer point that needs sit
{
	local kind=$1 desc=$2

	shift 2
	if [ "$HAVE_SIT" -eq 1 ]; then
		"$kind" "$desc" "$@"
	else
		ktap_skip "$desc" "no sit module (IPv6 in IPv4) in this kernel"
	fi
}

if [ "$HAVE_IPIP" -eq 1 ]; then
	ping_check "ipip: podnet p1a -> Calico p4a (IPv4, protocol 4)" \
		"$P1A" "${PN_POD_IP4[4a]}"
	ping_check "ipip: Calico p4a -> podnet p1a (IPv4, protocol 4)" \
		"${PN_POD_NS[4a]}" "${PN_POD_IP4[1a]}"
	sit_check ping_check "ipip: podnet p1b -> sit p4b (IPv6, protocol 41)" \
		"$P1B" "${PN_POD_IP6[4b]}"
	sit_check ping_check "ipip: sit p4b -> podnet p1b (IPv6, protocol 41)" \
		"${PN_POD_NS[4b]}" "${PN_POD_IP6[1b]}"
	xfer_check "ipip: TCP podnet p1a -> Calico p4a (IPv4), intact" \
		"$P1A" "${PN_POD_NS[4a]}" "${PN_POD_IP4[4a]}"
	xfer_check "ipip: TCP Calico p4a -> podnet p1a (IPv4), intact" \
		"${PN_POD_NS[4a]}" "$P1A" "${PN_POD_IP4[1a]}"
	sit_check xfer_check "ipip: TCP podnet p1b -> sit p4b (IPv6), intact" \
		"$P1B" "${PN_POD_NS[4b]}" "${PN_POD_IP6[4b]}"
	sit_check xfer_check "ipip: TCP sit p4b -> podnet p1b (IPv6), intact" \
		"${PN_POD_NS[4b]}" "$P1B" "${PN_POD_IP6[1b]}"

	if capture_start "$UL_NS" ul-n1 "$PN_TMP/ipip.pcap" \
		ip proto 4 or ip proto 41; then
		ns_run "$P1A" ping -n -q -c 2 -i 0.2 -W 2 "${PN_POD_IP4[4a]}" > /dev/null 2>&1
		ns_run "$P1B" ping -n -q -c 2 -i 0.2 -W 2 "${PN_POD_IP6[4b]}" > /dev/null 2>&1
		capture_stop
	fi
	pcap_fields "$PN_TMP/ipip.pcap" ip.src ip.dst ip.proto ipv6.src ipv6.dst \
		ipv6.nxt > "$PN_TMP/ipip.txt"
	ktap_info "ipip capture on ul-n1 (ip.src|ip.dst|ip.proto|ipv6.src|ipv6.dst|ipv6.nxt):"
	ktap_info_file "$PN_TMP/ipip.txt" 12
	ktap_info_file "$PN_TMP/ipip.pcap.tshark-err" 5
	D=${PN_NODE_IP[4]}
	grep -qxF "$S,${PN_POD_IP4[1a]}|$D,${PN_POD_IP4[4a]}|4,1|||" "$PN_TMP/ipip.txt"
	rc=$?
	ktap_result "ipip capture: protocol 4 $S -> $D carries ${PN_POD_IP4[1a]} -> ${PN_POD_IP4[4a]}" $rc
	if [ "$HAVE_SIT" -eq 1 ]; then
		grep -qxF "$S|$D|41|${PN_POD_IP6[1b]}|${PN_POD_IP6[4b]}|58" "$PN_TMP/ipip.txt"
		rc=$?
		ktap_result "ipip capture: protocol 41 $S -> $D carries ${PN_POD_IP6[1b]} -> ${PN_POD_IP6[4b]}" $rc
	else
		ktap_skip "ipip capture: protocol 41" "no sit module to answer"
	fi
else
	ipip_skip "ipip: podnet p1a -> Calico p4a (IPv4)" \
		"ipip: Calico p4a -> podnet p1a (IPv4)" \
		"ipip: podnet p1b -> sit p4b (IPv6)" \
		"ipip: sit p4b -> podnet p1b (IPv6)" \
		"ipip: TCP podnet p1a -> Calico p4a (IPv4)" \
		"ipip: TCP Calico p4a -> podnet p1a (IPv4)" \
		"ipip: TCP podnet p1b -> sit p4b (IPv6)" \
		"ipip: TCP sit p4b -> podnet p1b (IPv6)" \
		"ipip capture: protocol 4" "ipip capture: protocol 41"
fi

# ---------------------------------------------------- beside Linux's ipip --

# link_rx_packets NS DEV: the device's received packets (ip -s -j link)
link_rx_packets()
{
	ip -n "$1" -s -j link show dev "$2" |
		"$PN_JQ" '.[0].stats64.rx.packets'
}

if [ "$HAVE_IPIP" -eq 1 ]; then
	# n1's own tunl0 up, and n5 (not a peer of pn0) talking to it
	ip -n "$N1" link set tunl0 up
	ip -n "$N1" addr add 10.250.1.1/32 dev tunl0
	ip -n "$N1" route add 10.250.5.1/32 via "${PN_NODE_IP[5]}" dev tunl0 onlink
	ip -n "$N5" link set tunl0 up
	ip -n "$N5" addr add 10.250.5.1/32 dev tunl0
	ip -n "$N5" route add 10.250.1.1/32 via "${PN_NODE_IP[1]}" dev tunl0 onlink

	pn0_before=$(pn_peer_field "$N1" "${PN_NODE_IP[4]}" rx_packets)
	tunl_before=$(link_rx_packets "$N1" tunl0)
	ip netns exec "${PN_POD_NS[4a]}" ping -n -q -c 5 -i 0.2 -W 2 "${PN_POD_IP4[1a]}" \
		> "$PN_TMP/ping45.txt" 2>&1
	prc=$?
	pn0_after=$(pn_peer_field "$N1" "${PN_NODE_IP[4]}" rx_packets)
	tunl_after=$(link_rx_packets "$N1" tunl0)
	ktap_info "with n1's tunl0 up: p4a -> p1a ping rc $prc;" \
		"pn0 peer ${PN_NODE_IP[4]} rx_packets $pn0_before -> $pn0_after;" \
		"n1 tunl0 rx packets $tunl_before -> $tunl_after"
	is_num "$pn0_before" && is_num "$pn0_after" && is_num "$tunl_before" &&
		is_num "$tunl_after" && [ "$prc" -eq 0 ] &&
		[ $((pn0_after - pn0_before)) -ge 5 ] && [ "$tunl_after" -eq "$tunl_before" ]
	ktap_result "n1's tunl0 up: a peer's IPIP still goes to pn0 (peer rx +5), not to tunl0" $?

	ktap_check "n1's tunl0 up: a non-peer's IPIP (n5) still reaches tunl0" \
		ping_ok "$N5" 10.250.1.1

	# IPVS-TUN style: n4, a peer, tunnels a packet from an address that
	# is not in its PodCIDR to one on n1's tunl0
	ip -n "$N4" addr add 10.250.4.1/32 dev tunl0
	ip -n "$N4" route add 10.250.1.1/32 via "${PN_NODE_IP[1]}" dev tunl0 onlink
	ip -n "$N1" route add 10.250.4.1/32 via "${PN_NODE_IP[4]}" dev tunl0 onlink
	spoof0=$(pn_stat "$N1" rx_spoofed)
	ns_run "$N4" ping -n -q -c 3 -i 0.2 -w 10 -I 10.250.4.1 10.250.1.1 \
		> "$PN_TMP/ipvs.txt" 2>&1
	ktap_result "IPIP from a peer (n4) with an inner source outside its PodCIDR reaches n1's tunl0" $?
	ktap_info_file "$PN_TMP/ipvs.txt" 3
	spoof1=$(pn_stat "$N1" rx_spoofed)
	[ "$spoof0" = "$spoof1" ]
	ktap_result "... and pn0 took none of it (rx_spoofed $spoof0 -> $spoof1)" $?
else
	ipip_skip "beside tunl0: a peer's IPIP goes to pn0" \
		"beside tunl0: a non-peer's IPIP reaches tunl0" \
		"beside tunl0: a peer's IPIP from outside its PodCIDR reaches tunl0" \
		"beside tunl0: pn0 took none of it"
fi

# --------------------------------------------------- ipip on IPv6 peers ---

out=$(pnctl "$N1" peer add fd00:1::9 dev pn0 encap ipip 2>&1)
rc=$?
ktap_info "peer add fd00:1::9 encap ipip: exit $rc: $out"
[ "$rc" -ne 0 ] && [[ $out == *"$IPIP_EXT_MSG"* ]] &&
	! pn_peer_field "$N1" fd00:1::9 addr > /dev/null 2>&1
ktap_result "peer add IPv6 encap ipip refused: \"$IPIP_EXT_MSG\", no peer made" $?

pnctl "$N1" peer add fd00:1::9 dev pn0 > /dev/null 2>&1
out=$(pnctl "$N1" peer change fd00:1::9 dev pn0 encap ipip 2>&1)
rc=$?
mode=$(pn_peer_field "$N1" fd00:1::9 mode 2>&1)
ktap_info "peer change fd00:1::9 encap ipip: exit $rc: $out; mode after: $mode"
[ "$rc" -ne 0 ] && [[ $out == *"$IPIP_EXT_MSG"* ]] && [ "$mode" = vxlan ]
ktap_result "peer change IPv6 to encap ipip refused: \"$IPIP_EXT_MSG\", mode stays vxlan" $?

# A device whose own encap is ipip: an IPv6 peer needs an encap of its own
DEV_MSG="The device's encap ipip needs IPv4 peers"
pnctl "$N1" link add pn9 vni 99 port 8473 encap ipip > /dev/null 2>&1
out=$(pnctl "$N1" peer add fd00:1::a dev pn9 2>&1)
rc=$?
ktap_info "ipip device: peer add fd00:1::a: exit $rc: $out"
[ "$rc" -ne 0 ] && [[ $out == *"$DEV_MSG"* ]] &&
	! pn_peer_field "$N1" fd00:1::a addr pn9 > /dev/null 2>&1
ktap_result "ipip device: IPv6 peer without an encap refused: \"$DEV_MSG\"" $?
out=$(pnctl "$N1" route add 10.99.0.0/24 via fd00:1::a dev pn9 2>&1)
rc=$?
ktap_info "ipip device: route add via fd00:1::a: exit $rc: $out"
[ "$rc" -ne 0 ] && [[ $out == *"$DEV_MSG"* ]]
ktap_result "ipip device: route via a new IPv6 peer refused" $?
pnctl "$N1" peer add fd00:1::a dev pn9 encap vxlan > /dev/null 2>&1
mode=$(pn_peer_field "$N1" fd00:1::a mode pn9 2>&1)
[ "$mode" = vxlan ]
ktap_result "ipip device: IPv6 peer with encap vxlan accepted (mode $mode)" $?
ip -n "$N1" link del pn9

ktap_finish
