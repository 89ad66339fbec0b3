#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "direct" and "auto" formats (flannel host-gw and DirectRouting):
#
#	ul:  br0: n1 eth0 192.168.1.1, n2 eth0 192.168.1.2,
#	     rt eth0 192.168.1.254                   (one underlay subnet)
#	rt:  a router, ul-n3 192.168.2.254 to n3     (a second subnet)
#	n3:  eth0 192.168.2.3, default via 192.168.2.254
#	n1, n2: 192.168.2.0/24 via 192.168.1.254; rp_filter off (a packet of a
#	     remote pod comes in on eth0, its way back is pn0)
#
# direct: n1 and n2 name each other "encap direct". A capture on n1's
# underlay port shows their pods' packets (ICMP and ICMPv6) in clear, from
# the sender's eth0 MAC to the receiver's, and no UDP at all; pings and
# TCP transfers work both ways (IPv4 and IPv6) and count as the peer's tx
# packets. A direct peer that is not on-link (n3) is not sent to: the ping
# fails, tx_underlay and the peer's tx_drops count it.
#
# auto: n1's peers n2 and n3 are "encap auto" (and so are n2's and n3's
# n1). peer show -j: n2 encap auto mode direct, n3 encap auto mode vxlan
# (the device's encap), n3's n1 mode vxlan. The capture shows n1 -> n2 in
# clear to n2's MAC, n1 -> n3 as VXLAN from 192.168.1.1 to 192.168.2.3 to
# the router's MAC (and back), and no pod packet of n3 in clear. Pings and
# TCP transfers work to both. The fallback follows the device's encap
# (link set encap gpe: n3 mode gpe, n2 still direct, traffic works), and
# the on-link test follows the underlay routes (a host route to n2 via the
# router: mode vxlan, traffic works; removed: direct again).

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 37
podnet_require
pn_tmpdir

N1=${PN_NODE_NS[1]}
N2=${PN_NODE_NS[2]}
N3=${PN_NODE_NS[3]}
RT="pn-rt-$PN_SUFFIX"
IP1=${PN_NODE_IP[1]}
IP2=${PN_NODE_IP[2]}
IP3=192.168.2.3
RT1=192.168.1.254
RT3=192.168.2.254
P1A=${PN_POD_NS[1a]}
P1B=${PN_POD_NS[1b]}
P2A=${PN_POD_NS[2a]}
P2B=${PN_POD_NS[2b]}
P3A=${PN_POD_NS[3a]}
P3B=${PN_POD_NS[3b]}

# ------------------------------------------------------------ helpers ----

# mac_of NS IFNAME
mac_of()
{
	ip netns exec "$1" cat "/sys/class/net/$2/address"
}



setup()
{
	local n node

	topo_underlay || return 1
	for n in 1 2 3; do
		topo_node "$n" || return 1
	done
	# the router: a leg on br0, and n3's underlay link moved onto it
	ns_add "$RT" || return 1
	ns_run "$RT" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.default.send_redirects=0 || return 1
	underlay_attach "$RT" eth0 ul-rt "$RT1/24" || return 1
	ip -n "$UL_NS" link set ul-n3 nomaster || return 1
	ip -n "$UL_NS" link set ul-n3 netns "$RT" || return 1
	ip -n "$RT" addr add "$RT3/24" dev ul-n3 || return 1
	ip -n "$RT" link set ul-n3 up || return 1
	ip -n "$N3" addr flush dev eth0 || return 1
	ip -n "$N3" addr add "$IP3/24" dev eth0 || return 1
	ip -n "$N3" route add default via "$RT3" || return 1
	for n in 1 2; do
		ip -n "${PN_NODE_NS[$n]}" route add 192.168.2.0/24 via "$RT1" || return 1
	done
	for n in 1 2 3; do
		node=${PN_NODE_NS[$n]}
		ns_run "$node" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 \
			net.ipv4.conf.eth0.rp_filter=0 || return 1
	done

	topo_pn0 1 local "$IP1" && topo_pn0 2 local "$IP2" && topo_pn0 3 local "$IP3" || return 1
	topo_routes_mac 1 2 "$IP2" && topo_routes_mac 1 3 "$IP3" &&
		topo_routes_mac 2 1 "$IP1" && topo_routes_mac 2 3 "$IP3" &&
		topo_routes_mac 3 1 "$IP1" && topo_routes_mac 3 2 "$IP2"
}

if ! setup > "$PN_TMP/topo.log" 2>&1; then
	ktap_info_file "$PN_TMP/topo.log" 40
	ktap_fail "topology setup (n1, n2 on one subnet, n3 behind a router)"
	ktap_finish
fi
MAC1=$(mac_of "$N1" eth0)
MAC2=$(mac_of "$N2" eth0)
MACRT=$(mac_of "$RT" eth0)
ktap_info "topology ready after $SECONDS s; eth0 MACs: n1 $MAC1, n2 $MAC2, router $MACRT"

# peer_is DESC NS ADDR ENCAP MODE: peer ADDR shows encap ENCAP and mode MODE
peer_is()
{
	local e m

	e=$(pn_peer_field "$2" "$3" encap 2>&1)
	m=$(pn_peer_field "$2" "$3" mode 2>&1)
	if [ "$e" = "$4" ] && [ "$m" = "$5" ]; then
		ktap_ok "$1: encap $e, mode $m"
	else
		ktap_info "peer show -j on $2:" "$(pnctl "$2" -j peer show dev pn0 2>&1)"
		ktap_fail "$1: encap '$e' (want $4), mode '$m' (want $5)"
	fi
}

# ethframes PCAP FILTER...: "SMAC DMAC ETHERTYPE SRC DST" of each frame
# (tcpdump -e; SRC and DST with the port for UDP and TCP). tcpdump prints
# the inner frame of a VXLAN packet as a line of its own: only a filter
# that leaves VXLAN out gives outer frames alone.
ethframes()
{
	local pcap=$1

	shift
	tcpdump -nn -e -t -r "$pcap" "$@" 2>/dev/null | awk '
		{ d = $3; sub(/,$/, "", d)
		  for (i = 4; i < NF && $i != "length"; i++);
		  x = $(i + 4); sub(/:$/, "", x)
		  print $1, d, $5, $(i + 2), x }'
}

# capture NAME CMD...: run CMD while capturing n1's underlay port (ARP
# left out); $PN_TMP/NAME.frames gets the frames (ethframes) but UDP to
# PN_PORT, $PN_TMP/NAME.udp the outer frames of those, $PN_TMP/NAME.vxlan
# the VXLAN lines of pnutil pcap-vxlan. Returns CMD's status.
capture()
{
	local name=$1 pcap=$PN_TMP/$1.pcap rc

	shift
	if ! capture_start "$UL_NS" ul-n1 "$pcap" not arp; then
		ktap_info "tcpdump did not start"
		: > "$PN_TMP/$name.frames"
		: > "$PN_TMP/$name.udp"
		: > "$PN_TMP/$name.vxlan"
		"$@"
		return
	fi
	"$@"
	rc=$?
	capture_stop
	ethframes "$pcap" not udp port "$PN_PORT" > "$PN_TMP/$name.frames"
	ethframes "$pcap" udp port "$PN_PORT" |
		awk -v p="[.]$PN_PORT\$" '$4 ~ p || $5 ~ p' > "$PN_TMP/$name.udp"
	pcap_decode "$pcap" | awk '$1 == "vxlan"' > "$PN_TMP/$name.vxlan"
	ktap_info "capture $name: $(wc -l < "$PN_TMP/$name.frames") frames and $(wc -l < "$PN_TMP/$name.udp") UDP $PN_PORT frames; first lines:"
	grep -v ' fe80:' "$PN_TMP/$name.frames" | head -n 6 | sed 's/^/# /'
	return "$rc"
}

# frame_seen NAME SMAC DMAC SRC DST: a frame SMAC -> DMAC carrying SRC -> DST
# in clear (IPv4 or IPv6)
frame_seen()
{
	awk -v s="$2" -v d="$3" -v a="$4" -v b="$5" '
		$1 == s && $2 == d && ($3 == "IPv4" || $3 == "IPv6") &&
		$4 == a && $5 == b { f = 1 } END { exit !f }' "$PN_TMP/$1.frames"
}

# pings SRC_NS DST...: three echoes to each DST; 0 when all answered
pings()
{
	local ns=$1 d rc=0

	shift
	for d in "$@"; do
		ns_run "$ns" ping -n -q -c 3 -i 0.2 -W 2 "$d" > /dev/null 2>&1 || rc=1
	done
	return "$rc"
}

# ------------------------------------------------------------- direct ----

pnctl "$N1" peer change "$IP2" dev pn0 encap direct
pnctl "$N2" peer change "$IP1" dev pn0 encap direct
peer_is "direct: n1's peer $IP2" "$N1" "$IP2" direct direct

# ARP and ND settle before the capture
ping_ok "$P1A" "${PN_POD_IP4[2a]}"; ping_ok "$P1A" "${PN_POD_IP6[2a]}"
ping_ok "$P2B" "${PN_POD_IP4[1b]}"; ping_ok "$P2B" "${PN_POD_IP6[1b]}"
tx0=$(pn_peer_stat "$N1" "$IP2" tx_packets 2>&1)

direct_pings()
{
	pings "$P1A" "${PN_POD_IP4[2a]}"; echo $? > "$PN_TMP/d1"
	pings "$P1A" "${PN_POD_IP6[2a]}"; echo $? > "$PN_TMP/d2"
	pings "$P2B" "${PN_POD_IP4[1b]}"; echo $? > "$PN_TMP/d3"
	pings "$P2B" "${PN_POD_IP6[1b]}"; echo $? > "$PN_TMP/d4"
}
capture direct direct_pings
ktap_result "direct: ping p1a -> p2a (IPv4)" "$(cat "$PN_TMP/d1")"
ktap_result "direct: ping p1a -> p2a (IPv6)" "$(cat "$PN_TMP/d2")"
ktap_result "direct: ping p2b -> p1b (IPv4)" "$(cat "$PN_TMP/d3")"
ktap_result "direct: ping p2b -> p1b (IPv6)" "$(cat "$PN_TMP/d4")"
ktap_check "direct: underlay shows p1a -> p2a (IPv4) in clear, $MAC1 -> n2's $MAC2" \
	frame_seen direct "$MAC1" "$MAC2" "${PN_POD_IP4[1a]}" "${PN_POD_IP4[2a]}"
ktap_check "direct: underlay shows p2a -> p1a replies (IPv4) in clear, $MAC2 -> n1's $MAC1" \
	frame_seen direct "$MAC2" "$MAC1" "${PN_POD_IP4[2a]}" "${PN_POD_IP4[1a]}"
ktap_check "direct: underlay shows p1a -> p2a (IPv6) in clear, to n2's MAC" \
	frame_seen direct "$MAC1" "$MAC2" "${PN_POD_IP6[1a]}" "${PN_POD_IP6[2a]}"
frame_seen direct "$MAC2" "$MAC1" "${PN_POD_IP4[2b]}" "${PN_POD_IP4[1b]}" &&
	frame_seen direct "$MAC2" "$MAC1" "${PN_POD_IP6[2b]}" "${PN_POD_IP6[1b]}"
ktap_result "direct: underlay shows p2b -> p1b (IPv4 and IPv6) in clear, to n1's MAC" $?
nudp=$(wc -l < "$PN_TMP/direct.udp")
nvx=$(wc -l < "$PN_TMP/direct.vxlan")
ktap_info "UDP $PN_PORT frames: $nudp, VXLAN packets: $nvx"
[ -s "$PN_TMP/direct.frames" ] && [ "$nudp" -eq 0 ] && [ "$nvx" -eq 0 ]
ktap_result "direct: no VXLAN (no UDP $PN_PORT) on n1's underlay port" $?
tx1=$(pn_peer_stat "$N1" "$IP2" tx_packets 2>&1)
ktap_info "n1's peer $IP2 tx_packets: $tx0 -> $tx1"
is_num "$tx0" && is_num "$tx1" && [ "$tx1" -ge $((tx0 + 12)) ]
ktap_result "direct: n1 counts the packets to $IP2 as the peer's tx_packets" $?

ktap_check "direct: 2 MiB TCP p1a -> p2b (IPv4) intact" \
	tcp_transfer "$P1A" "$P2B" "${PN_POD_IP4[2b]}"
ktap_check "direct: 2 MiB TCP p2a -> p1b (IPv6) intact" \
	tcp_transfer "$P2A" "$P1B" "${PN_POD_IP6[1b]}"

# a direct peer that is not on-link: not sent to, counted
pnctl "$N1" peer change "$IP3" dev pn0 encap direct
ul0=$(pn_stat "$N1" tx_underlay 2>&1)
pd0=$(pn_peer_stat "$N1" "$IP3" tx_drops 2>&1)
capture offlink ping_fails "$P1A" "${PN_POD_IP4[3a]}"
rc=$?
ul1=$(pn_stat "$N1" tx_underlay 2>&1)
pd1=$(pn_peer_stat "$N1" "$IP3" tx_drops 2>&1)
ktap_info "n1 tx_underlay $ul0 -> $ul1, peer $IP3 tx_drops $pd0 -> $pd1"
! grep -qF " ${PN_POD_IP4[3a]}" "$PN_TMP/offlink.frames" &&
	[ "$(wc -l < "$PN_TMP/offlink.vxlan")" -eq 0 ] && [ $rc -eq 0 ]
ktap_result "direct to an off-link peer ($IP3): nothing leaves, no reply" $?
is_num "$ul0" && is_num "$ul1" && [ "$ul1" -gt "$ul0" ] &&
	is_num "$pd0" && is_num "$pd1" && [ "$pd1" -gt "$pd0" ]
ktap_result "direct to an off-link peer: counted in tx_underlay and the peer's tx_drops" $?

# --------------------------------------------------------------- auto ----

pnctl "$N1" peer change "$IP2" dev pn0 encap auto
pnctl "$N1" peer change "$IP3" dev pn0 encap auto
pnctl "$N2" peer change "$IP1" dev pn0 encap auto
pnctl "$N3" peer change "$IP1" dev pn0 encap auto
peer_is "auto: n1's on-link peer $IP2" "$N1" "$IP2" auto direct
peer_is "auto: n1's routed peer $IP3" "$N1" "$IP3" auto vxlan
peer_is "auto: n3's routed peer $IP1" "$N3" "$IP1" auto vxlan

ping_ok "$P1A" "${PN_POD_IP4[3a]}"; ping_ok "$P1A" "${PN_POD_IP6[3a]}"
auto_pings()
{
	pings "$P1A" "${PN_POD_IP4[2a]}"; echo $? > "$PN_TMP/a1"
	pings "$P1A" "${PN_POD_IP6[2a]}"; echo $? > "$PN_TMP/a2"
	pings "$P1A" "${PN_POD_IP4[3a]}"; echo $? > "$PN_TMP/a3"
	pings "$P1A" "${PN_POD_IP6[3a]}"; echo $? > "$PN_TMP/a4"
}
capture auto auto_pings
ktap_result "auto: ping p1a -> p2a (IPv4, on-link peer)" "$(cat "$PN_TMP/a1")"
ktap_result "auto: ping p1a -> p2a (IPv6, on-link peer)" "$(cat "$PN_TMP/a2")"
ktap_result "auto: ping p1a -> p3a (IPv4, routed peer)" "$(cat "$PN_TMP/a3")"
ktap_result "auto: ping p1a -> p3a (IPv6, routed peer)" "$(cat "$PN_TMP/a4")"
frame_seen auto "$MAC1" "$MAC2" "${PN_POD_IP4[1a]}" "${PN_POD_IP4[2a]}" &&
	frame_seen auto "$MAC1" "$MAC2" "${PN_POD_IP6[1a]}" "${PN_POD_IP6[2a]}"
ktap_result "auto: p1a -> p2a in clear to n2's MAC (IPv4 and IPv6)" $?
ktap_info "VXLAN packets seen:"
ktap_info_file "$PN_TMP/auto.vxlan" 6
# vx_seen NAME OSRC ODST ISRC IDST
vx_seen()
{
	awk -v a="$2" -v b="$3" -v c="$4" -v d="$5" '
		$3 == a && $4 == b && $5 == c && $6 == d { f = 1 } END { exit !f }' \
		"$PN_TMP/$1.vxlan"
}
vx_seen auto "$IP1" "$IP3" "${PN_POD_IP4[1a]}" "${PN_POD_IP4[3a]}" &&
	vx_seen auto "$IP1" "$IP3" "${PN_POD_IP6[1a]}" "${PN_POD_IP6[3a]}"
ktap_result "auto: p1a -> p3a as VXLAN $IP1 -> $IP3 (IPv4 and IPv6 pods)" $?
awk -v d="$MACRT" -v m="$MAC1" '$1 == m && $4 ~ /^192\.168\.1\.1\./ &&
	$5 ~ /^192\.168\.2\.3\.8472$/ { n++; if ($2 != d) bad = 1 }
	END { exit !(n > 0 && !bad) }' "$PN_TMP/auto.udp"
ktap_result "auto: the VXLAN packets to $IP3 go to the router's MAC ($MACRT)" $?
vx_seen auto "$IP3" "$IP1" "${PN_POD_IP4[3a]}" "${PN_POD_IP4[1a]}"
ktap_result "auto: the replies come back as VXLAN $IP3 -> $IP1 (n3's auto falls back too)" $?
! grep -qE ' (10\.244\.3\.[0-9]+|fd00:244:3::[0-9a-f]+)( |$)' "$PN_TMP/auto.frames"
ktap_result "auto: no pod packet of n3 in clear on the underlay" $?

ktap_check "auto: 2 MiB TCP p1a -> p3b (IPv4, routed peer: VXLAN) intact" \
	tcp_transfer "$P1A" "$P3B" "${PN_POD_IP4[3b]}"
ktap_check "auto: 2 MiB TCP p3a -> p1b (IPv6, routed peer: VXLAN) intact" \
	tcp_transfer "$P3A" "$P1B" "${PN_POD_IP6[1b]}"
ktap_check "auto: 2 MiB TCP p1b -> p2a (IPv4, on-link peer: direct) intact" \
	tcp_transfer "$P1B" "$P2A" "${PN_POD_IP4[2a]}"

# the fallback is the device's encap
pnctl "$N1" link set pn0 encap gpe
peer_is "auto on a gpe device: routed peer $IP3" "$N1" "$IP3" auto gpe
peer_is "auto on a gpe device: on-link peer $IP2" "$N1" "$IP2" auto direct
ping_ok "$P1A" "${PN_POD_IP4[3a]}" && ping_ok "$P1A" "${PN_POD_IP4[2a]}"
ktap_result "auto on a gpe device: p1a reaches p3a (gpe) and p2a (direct)" $?
pnctl "$N1" link set pn0 encap vxlan

# the on-link test follows the underlay routes
ip -n "$N1" route add "$IP2/32" via "$RT1"
peer_is "auto, $IP2 routed via the router now" "$N1" "$IP2" auto vxlan
capture rerouted pings "$P1A" "${PN_POD_IP4[2a]}"
rc=$?
vx_seen rerouted "$IP1" "$IP2" "${PN_POD_IP4[1a]}" "${PN_POD_IP4[2a]}" && [ $rc -eq 0 ]
ktap_result "auto, $IP2 routed: p1a reaches p2a, as VXLAN $IP1 -> $IP2" $?
ip -n "$N1" route del "$IP2/32" via "$RT1"
peer_is "auto, host route to $IP2 removed" "$N1" "$IP2" auto direct
capture back pings "$P1A" "${PN_POD_IP4[2a]}"
rc=$?
frame_seen back "$MAC1" "$MAC2" "${PN_POD_IP4[1a]}" "${PN_POD_IP4[2a]}" && [ $rc -eq 0 ] &&
	[ "$(wc -l < "$PN_TMP/back.vxlan")" -eq 0 ]
ktap_result "auto, route removed: p1a -> p2a in clear to n2's MAC again, no VXLAN" $?

ktap_info "n1: $(pnctl "$N1" -s show dev pn0 2>&1 | tail -n 2 | tr '\n' ' ')"

ktap_finish
