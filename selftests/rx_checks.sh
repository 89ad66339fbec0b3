#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The receive checks of pn0 on node n1, with hand-built VXLAN packets (a
# UDP socket in the sender's namespace, VXLAN header + inner Ethernet to
# n1's vtep mac + an ICMP echo request to pod p1a, checksums valid):
#  - a well-formed packet from peer n2 reaches the pod (the control: the
#    packets below differ from it in one thing only);
#  - from an underlay address that is not a peer (192.168.1.99): dropped,
#    rx_unknown_peer counts it;
#  - with a VNI no device has: dropped, rx_unknown_vni of the underlay
#    namespace ("underlay_stats": no device is known);
#  - from n2 with an inner source of n3's PodCIDR, or of no PodCIDR (IPv4
#    and IPv6): dropped, rx_spoofed;
#  - RFC 6040: outer CE reaches an ECT inner packet as CE; outer CE on a
#    not-ECT inner packet is dropped, rx_ecn;
#  - truncated VXLAN header: the underlay namespace's rx_bad_header; inner
#    ethertype ARP: rx_bad_inner.
# "Dropped" is checked on the pod: its Icmp(6)InEchos counter does not move.

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 19
podnet_require
topo_create_or_bail

N1=${PN_NODE_NS[1]}
N2=${PN_NODE_NS[2]}
P1A=${PN_POD_NS[1a]}
ROGUE="pn-rogue-$PN_SUFFIX"
COUNT=3

ns_add "$ROGUE" && underlay_attach "$ROGUE" eth0 ul-rogue 192.168.1.99/24
mac=$(pn_vtep_mac "$N1" 2>&1)
ktap_info "n1 vtep mac: $mac"
grep -qiE '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' <<< "$mac"
ktap_result "podnetctl -j show gives n1's vtep mac" $?
grep -qiE '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' <<< "$mac" || mac=ff:ff:ff:ff:ff:ff

# send NS OUTER_SRC INNER_SRC INNER_DST [send-vxlan options]: COUNT packets
# to n1
send()
{
	local ns=$1 src=$2 isrc=$3 idst=$4

	shift 4
	ip netns exec "$ns" "${PN_PY[@]}" "$PNUTIL" send-vxlan --src "$src" \
		--dst "${PN_NODE_IP[1]}" --port "$PN_PORT" --mac "$mac" \
		--inner-src "$isrc" --inner-dst "$idst" --count "$COUNT" "$@"
}

echos4() { snmp "$P1A" Icmp InEchos; }
echos6() { snmp "$P1A" 6 Icmp6InEchos; }

# grown BASE CMD...: the number CMD prints is at least BASE + COUNT
grown()
{
	local v

	v=$("${@:2}" 2>/dev/null)
	is_num "$v" && [ "$v" -ge $(($1 + COUNT)) ]
}

# settle BASE CMD...: wait (10 s at most) until grown: the packets just
# sent have been handled (a debug kernel on a busy host can leave them to
# ksoftirqd for a while). No wait when BASE is not a number (the point
# that reads it reports that)
settle()
{
	is_num "$1" || return 0
	wait_for 10 grown "$@"
}

# delta_is DESC EXPECTED OLD NEW: a test point, NEW - OLD == EXPECTED
delta_is()
{
	ktap_info "$1: $3 -> $4 (expected +$2)"
	is_num "$3" && is_num "$4" && [ "$4" -eq $(($3 + $2)) ]
	ktap_result "$1" $?
}

# dropped DESC COUNTER FAMILY NS OUTER_SRC INNER_SRC INNER_DST [options]:
# the counter grows by COUNT and the pod sees none of the packets
dropped()
{
	local desc=$1 counter=$2 fam=$3 c0 c1 e0 e1

	shift 3
	c0=$("${STAT:-pn_stat}" "$N1" "$counter" 2>&1)
	e0=$("echos$fam")
	send "$@"
	settle "$c0" "${STAT:-pn_stat}" "$N1" "$counter"
	c1=$("${STAT:-pn_stat}" "$N1" "$counter" 2>&1)
	e1=$("echos$fam")
	delta_is "$desc: $counter +$COUNT" "$COUNT" "$c0" "$c1"
	delta_is "$desc: the pod gets nothing" 0 "$e0" "$e1"
}

# 1. control: well-formed packets from peer n2 reach the pod
e0=$(echos4)
r0=$(pn_peer_stat "$N1" "${PN_NODE_IP[2]}" rx_packets 2>&1)
send "$N2" "${PN_NODE_IP[2]}" "${PN_POD_IP4[2a]}" "${PN_POD_IP4[1a]}"
settle "$e0" echos4
delta_is "control: crafted IPv4 echoes from n2 reach p1a" "$COUNT" "$e0" "$(echos4)"
r1=$(pn_peer_stat "$N1" "${PN_NODE_IP[2]}" rx_packets 2>&1)
delta_is "control: n1's peer ${PN_NODE_IP[2]} rx_packets" "$COUNT" "$r0" "$r1"
e0=$(echos6)
send "$N2" "${PN_NODE_IP[2]}" "${PN_POD_IP6[2a]}" "${PN_POD_IP6[1a]}"
settle "$e0" echos6
delta_is "control: crafted IPv6 echoes from n2 reach p1a" "$COUNT" "$e0" "$(echos6)"

# 2. not a peer
dropped "outer source 192.168.1.99 (not a peer)" rx_unknown_peer 4 \
	"$ROGUE" 192.168.1.99 "${PN_POD_IP4[2a]}" "${PN_POD_IP4[1a]}"

# 3. wrong VNI: no device is known, the underlay namespace counts it
STAT=pn_under_stat dropped "VNI 2 (pn0 has VNI 1)" rx_unknown_vni 4 \
	"$N2" "${PN_NODE_IP[2]}" "${PN_POD_IP4[2a]}" "${PN_POD_IP4[1a]}" --vni 2

# 4. spoofed inner sources
dropped "n2 sends inner source ${PN_POD_IP4[3a]} (n3's PodCIDR)" rx_spoofed 4 \
	"$N2" "${PN_NODE_IP[2]}" "${PN_POD_IP4[3a]}" "${PN_POD_IP4[1a]}"
dropped "n2 sends inner source ${PN_POD_IP6[3a]} (n3's PodCIDR)" rx_spoofed 6 \
	"$N2" "${PN_NODE_IP[2]}" "${PN_POD_IP6[3a]}" "${PN_POD_IP6[1a]}"
dropped "n2 sends inner source 8.8.8.8 (no PodCIDR)" rx_spoofed 4 \
	"$N2" "${PN_NODE_IP[2]}" 8.8.8.8 "${PN_POD_IP4[1a]}"

# 5. ECN (RFC 6040): an outer CE mark is carried to an ECN-capable inner
# packet; CE on a not-ECT inner packet is dropped (rx_ecn)
pn_tmpdir
if capture_start "$P1A" eth0 "$PN_TMP/pod.pcap" icmp; then
	e0=$(echos4)
	send "$N2" "${PN_NODE_IP[2]}" "${PN_POD_IP4[2a]}" "${PN_POD_IP4[1a]}" \
		--outer-tos 0x03 --inner-tos 0x02
	settle "$e0" echos4
	capture_stop
fi
tos=$(pcap_decode "$PN_TMP/pod.pcap" 2>&1 |
	awk -v s="${PN_POD_IP4[2a]}" -v d="${PN_POD_IP4[1a]}" '$1 == "plain" && $2 == s && $3 == d { print $6 }' |
	sort -u | tr '\n' ' ')
ktap_info "TOS of the echo requests p1a got: $tos"
[ "$tos" = "0x03 " ]
ktap_result "outer CE + inner ECT(0): delivered, marked CE" $?
dropped "outer CE + inner not-ECT" rx_ecn 4 \
	"$N2" "${PN_NODE_IP[2]}" "${PN_POD_IP4[2a]}" "${PN_POD_IP4[1a]}" --outer-tos 0x03

# 6. malformed (a header too short: no device known yet)
c0=$(pn_under_stat "$N1" rx_bad_header 2>&1)
send "$N2" "${PN_NODE_IP[2]}" "${PN_POD_IP4[2a]}" "${PN_POD_IP4[1a]}" --truncate 6
settle "$c0" pn_under_stat "$N1" rx_bad_header
delta_is "6-byte VXLAN header from n2: underlay rx_bad_header +$COUNT" "$COUNT" \
	"$c0" "$(pn_under_stat "$N1" rx_bad_header 2>&1)"
c0=$(pn_stat "$N1" rx_bad_inner 2>&1)
send "$N2" "${PN_NODE_IP[2]}" "${PN_POD_IP4[2a]}" "${PN_POD_IP4[1a]}" --ethertype 0x0806
settle "$c0" pn_stat "$N1" rx_bad_inner
delta_is "inner ethertype ARP from n2: rx_bad_inner +$COUNT" "$COUNT" \
	"$c0" "$(pn_stat "$N1" rx_bad_inner 2>&1)"

ktap_finish
