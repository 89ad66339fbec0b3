#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pod to pod across nodes through pn0: every pod pings every pod of the other
# nodes (IPv4 and IPv6, so both directions of every pair), full-MTU packets
# cross, 20 MB TCP streams arrive intact (IPv4 and IPv6), and a capture on
# the underlay shows the traffic as UDP to 8472, VXLAN VNI 1, outer
# addresses = node addresses, inner addresses = pod addresses, inner
# Ethernet destination = the receiver's vtep mac, and no pod address in
# clear on the underlay.

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

PODS="a b"
ktap_plan $((PN_NODES * 2 * (PN_NODES - 1) * 2 * 2 + 2 + 2 + 6 + 1))
podnet_require
topo_create_or_bail

# 1. the ping matrix
for ((n = 1; n <= PN_NODES; n++)); do
	for p in $PODS; do
		for ((m = 1; m <= PN_NODES; m++)); do
			[ "$m" -ne "$n" ] || continue
			for q in $PODS; do
				src=${PN_POD_NS[${n}${p}]}
				for fam in 4 6; do
					dst=$(pod_ip$fam "$m" "$q")
					ping_ok "$src" "$dst"
					ktap_result "ping -$fam p$n$p -> p$m$q ($dst)" $?
				done
			done
		done
	done
done

# 2. full-MTU packets (pod MTU 1450 = pn0 MTU), DF set
ktap_check "ping -4 p1a -> p2a, 1450 byte packets, DF" \
	ip netns exec "${PN_POD_NS[1a]}" ping -n -q -c 2 -W 2 -M "do" -s 1422 \
	"${PN_POD_IP4[2a]}"
ktap_check "ping -6 p1a -> p2a, 1450 byte packets" \
	ip netns exec "${PN_POD_NS[1a]}" ping -n -q -c 2 -W 2 -M "do" -s 1402 \
	"${PN_POD_IP6[2a]}"

# 3. 20 MB over TCP, compared by sha256
t0=$SECONDS
xfer_check "20 MB TCP p1a -> p2b over IPv4 arrives intact" \
	"${PN_POD_NS[1a]}" "${PN_POD_NS[2b]}" "${PN_POD_IP4[2b]}" 20480
ktap_info "IPv4 transfer took $((SECONDS - t0)) s"
t0=$SECONDS
xfer_check "20 MB TCP p3b -> p1a over IPv6 arrives intact" \
	"${PN_POD_NS[3b]}" "${PN_POD_NS[1a]}" "${PN_POD_IP6[1a]}" 20480
ktap_info "IPv6 transfer took $((SECONDS - t0)) s"

# 4. what the underlay sees
pcap=$PN_TMP/ul-n1.pcap
if capture_start "$UL_NS" ul-n1 "$pcap"; then
	ping_ok "${PN_POD_NS[1a]}" "${PN_POD_IP4[2a]}"
	ping_ok "${PN_POD_NS[1a]}" "${PN_POD_IP6[2a]}"
	capture_stop
	pcap_decode "$pcap" > "$PN_TMP/decoded"
else
	ktap_info "tcpdump did not start"
	: > "$PN_TMP/decoded"
fi
grep -v '^plain fe80:' "$PN_TMP/decoded" > "$PN_TMP/decoded.short"
ktap_info "underlay capture on ul-n1 (first lines, link-local left out):"
ktap_info_file "$PN_TMP/decoded.short" 12

# seen KIND VNI OSRC ODST ISRC IDST: a decoded line with these fields
seen()
{
	grep -q "^$1 $2 $3 $4 $5 $6 " "$PN_TMP/decoded"
}
n1=${PN_NODE_IP[1]}
n2=${PN_NODE_IP[2]}
ktap_check "underlay: UDP $PN_PORT VNI $PN_VNI $n1 -> $n2 carries ${PN_POD_IP4[1a]} -> ${PN_POD_IP4[2a]}" \
	seen vxlan "$PN_VNI" "$n1" "$n2" "${PN_POD_IP4[1a]}" "${PN_POD_IP4[2a]}"
ktap_check "underlay: UDP $PN_PORT VNI $PN_VNI $n2 -> $n1 carries ${PN_POD_IP4[2a]} -> ${PN_POD_IP4[1a]}" \
	seen vxlan "$PN_VNI" "$n2" "$n1" "${PN_POD_IP4[2a]}" "${PN_POD_IP4[1a]}"
ktap_check "underlay: UDP $PN_PORT VNI $PN_VNI $n1 -> $n2 carries ${PN_POD_IP6[1a]} -> ${PN_POD_IP6[2a]}" \
	seen vxlan "$PN_VNI" "$n1" "$n2" "${PN_POD_IP6[1a]}" "${PN_POD_IP6[2a]}"
ktap_check "underlay: UDP $PN_PORT VNI $PN_VNI $n2 -> $n1 carries ${PN_POD_IP6[2a]} -> ${PN_POD_IP6[1a]}" \
	seen vxlan "$PN_VNI" "$n2" "$n1" "${PN_POD_IP6[2a]}" "${PN_POD_IP6[1a]}"

mac2=$(pn_vtep_mac "${PN_NODE_NS[2]}" 2>&1)
mac2=$(echo "$mac2" | tr 'A-F' 'a-f')
macs=$(awk -v s="$n1" -v d="$n2" '$1 == "vxlan" && $3 == s && $4 == d { print $8 }' \
	"$PN_TMP/decoded" | sort -u)
ktap_info "n2 vtep mac: $mac2; inner destination macs n1 -> n2: $(echo "$macs" | tr '\n' ' ')"
[ -n "$macs" ] && [ "$macs" = "$mac2" ]
ktap_result "underlay: inner Ethernet destination is the peer's vtep mac" $?

! grep -E '^plain (10\.244\.|fd00:244:)' "$PN_TMP/decoded"
ktap_result "underlay: no pod address in clear" $?

# 5. peer counters saw it
tx=$(pn_peer_stat "${PN_NODE_NS[1]}" "$n2" tx_packets 2>&1)
rx=$(pn_peer_stat "${PN_NODE_NS[1]}" "$n2" rx_packets 2>&1)
ktap_info "n1 peer $n2: tx_packets $tx rx_packets $rx"
is_num "$tx" && is_num "$rx" && [ "$tx" -gt 0 ] && [ "$rx" -gt 0 ]
ktap_result "n1's peer counters for $n2 count packets both ways" $?

ktap_finish
