#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MTU and path MTU (Documentation/networking/podnet.rst, "MTU and path
# MTU"). Pods have MTU 1500 here (bigger than pn0's), so what limits them
# is what pn0 and the node tell them.
#
#	ul:  br0: n1 eth0 192.168.1.1, n2 eth0 192.168.1.2, rt eth0 .254
#	rt:  a router; its link to n3 (192.168.2.0/24) has MTU 1400
#	n3:  eth0 192.168.2.3 (MTU 1400), default via 192.168.2.254
#
# 1. The underlay is the limit: n1's and n2's eth0 get MTU 1400 before pn0
#    is created with "dev eth0": pn0's MTU is 1350 (vxlan). The automatic
#    MTU per format, at "link add ... encap E" and following "link set ...
#    encap E": gpe 1364, ipip 1380, direct 1400, auto 1350 (as vxlan);
#    over an IPv6 local address vxlan 1330 and gpe 1344; without dev 1450;
#    an MTU set by hand stays; one above the underlay's limit is refused.
#    A pod that sends 1500-byte packets with DF gets ICMP fragmentation
#    needed (mtu 1350) from its node (ping's error, a capture in the pod,
#    "ip route get" in the pod), IPv6 packet too big (mtu 1350); 1350-byte
#    DF packets cross; 2 MiB TCP transfers (IPv4, IPv6) arrive intact.
# 2. The limit is in the middle of the path: n1's eth0 is back at 1500
#    (pn0 1450), the router's link to n3 is 1400, and n1 knows it (a route
#    with "mtu 1400", then, in a second round, a path MTU learned from the
#    router's ICMP). pn0's own check (skb_tunnel_check_pmtu) lowers n1's
#    route to the remote pod to at most 1350. IPv6: after a first big
#    packet, the pod gets packet too big with an MTU of at most 1350. IPv4:
#    the outer DF is clear, as in Linux vxlan, and IPv4 forwarding ignores
#    learned path MTUs, so the pod's DF packets cross with their outer
#    packets fragmented (by n1 here, which knows the path MTU: a capture
#    on its underlay port shows the fragments), and no ICMP reaches the
#    pod. TCP completes either way.

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 60
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
IP1_6=fd00:1::1
P1A=${PN_POD_NS[1a]}
P1B=${PN_POD_NS[1b]}
P2B=${PN_POD_NS[2b]}
P3A=${PN_POD_NS[3a]}
P3B=${PN_POD_NS[3b]}

# ------------------------------------------------------------ helpers ----



# pods_mtu N MTU: both pods of node N and their veths get MTU
pods_mtu()
{
	local p

	for p in a b; do
		ip -n "${PN_NODE_NS[$1]}" link set "veth$1$p" mtu "$2" || return 1
		ip -n "${PN_POD_NS[${1}${p}]}" link set eth0 mtu "$2" || return 1
	done
}

setup()
{
	local n

	topo_underlay || return 1
	for n in 1 2 3; do
		topo_node "$n" || return 1
		pods_mtu "$n" 1500 || return 1
	done
	ns_add "$RT" || return 1
	ns_run "$RT" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 || return 1
	underlay_attach "$RT" eth0 ul-rt "$RT1/24" || return 1
	# n3's underlay link moves from br0 to the router, MTU 1400
	ip -n "$UL_NS" link set ul-n3 nomaster || return 1
	ip -n "$UL_NS" link set ul-n3 netns "$RT" || return 1
	ip -n "$RT" link set ul-n3 mtu 1400 up || return 1
	ip -n "$RT" addr add "$RT3/24" dev ul-n3 || return 1
	ip -n "$N3" link set eth0 mtu 1400 || return 1
	ip -n "$N3" addr flush dev eth0 || return 1
	ip -n "$N3" addr add "$IP3/24" dev eth0 || return 1
	ip -n "$N3" route add default via "$RT3" || return 1
	ip -n "$N2" route add 192.168.2.0/24 via "$RT1" || return 1
	# n1 and n2: underlay MTU 1400 before pn0 exists
	ip -n "$N1" link set eth0 mtu 1400 || return 1
	ip -n "$N2" link set eth0 mtu 1400 || return 1
	ip -n "$N1" addr add "$IP1_6/64" dev eth0 nodad || return 1

	topo_pn0 1 local "$IP1" && topo_pn0 2 local "$IP2" && topo_pn0 3 local "$IP3" || return 1
	topo_routes_mac 1 2 "$IP2" && topo_routes_mac 2 1 "$IP1" &&
		topo_routes_mac 3 1 "$IP1" && topo_routes_mac 3 2 "$IP2"
}

if ! setup > "$PN_TMP/topo.log" 2>&1; then
	ktap_info_file "$PN_TMP/topo.log" 40
	ktap_fail "topology setup"
	ktap_finish
fi
ktap_info "topology ready after $SECONDS s"

# mtu_is DESC NS DEV WANT: DEV's MTU is WANT
mtu_is()
{
	local got

	got=$(link_mtu "$2" "$3" 2>&1)
	[ "$got" = "$4" ]
	ktap_result "$1: MTU $4 (got $got)" $?
}

# route_mtu NS DST: the MTU "ip route get DST" shows in NS (empty: none)
route_mtu()
{
	ip -n "$1" route get "$2" 2>/dev/null | grep -oE 'mtu [0-9]+' | head -n 1 |
		cut -d' ' -f2
}

# in_range VALUE LOW HIGH
in_range()
{
	is_num "${1:-x}" && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

# big_ping NAME NS DST SIZE [-6]: ping -M do -s SIZE (5 echoes) from pod NS,
# with a capture of ICMP on the pod's eth0; ping's output in
# $PN_TMP/NAME.ping, the capture (tcpdump -v) in $PN_TMP/NAME.icmp
big_ping()
{
	local name=$1 ns=$2 dst=$3 size=$4

	shift 4
	capture_start "$ns" eth0 "$PN_TMP/$name.pcap" icmp or icmp6 ||
		ktap_info "tcpdump in $ns did not start"
	ns_run "$ns" ping "$@" -n -c 5 -i 0.1 -W 2 -M "do" -s "$size" "$dst" \
		> "$PN_TMP/$name.ping" 2>&1
	capture_stop
	tcpdump -nn -v -r "$PN_TMP/$name.pcap" 2>/dev/null > "$PN_TMP/$name.icmp"
	ktap_info "ping -M do -s $size $dst from $ns:"
	ktap_info_file "$PN_TMP/$name.ping" 8
}

# ul_frags_start FILE: capture IP fragments on n1's underlay port (beside
# capture_start's capture) until ul_frags_stop. --immediate-mode: without
# it libpcap hands packets over in blocks, up to 1 s late, and what is
# still in a block at SIGINT is lost
ul_frags_start()
{
	rm -f "$1" "$1.err"
	ip netns exec "$UL_NS" tcpdump -Z root -i ul-n1 -nn -U --immediate-mode -s 96 -w "$1" \
		'ip[6:2] & 0x3fff != 0' 2> "$1.err" &
	UL_FRAGS_PID=$!
	PN_BGPIDS+=("$UL_FRAGS_PID")
	wait_for 30 grep -q 'listening on' "$1.err" ||
		ktap_info "tcpdump on ul-n1 did not start: $(cat "$1.err")"
}

ul_frags_stop()
{
	pn_sleep 0.5
	kill -INT "$UL_FRAGS_PID" 2>/dev/null
	wait "$UL_FRAGS_PID" 2>/dev/null
	return 0
}

# icmp_mtu NAME: the MTUs in the captured frag-needed / packet-too-big
# messages (one a line)
icmp_mtu()
{
	grep -oE 'need to frag \(mtu [0-9]+|packet too big, mtu [0-9]+' "$PN_TMP/$1.icmp" |
		grep -oE '[0-9]+$'
}

# ping_mtu NAME: the MTUs in ping's "Frag needed" / "Packet too big" lines
ping_mtu()
{
	grep -E '^From .*(Frag needed|Packet too big)' "$PN_TMP/$1.ping" |
		grep -oE 'mtu ?= ?[0-9]+' | grep -oE '[0-9]+$'
}

# all_in NAME-FUNC NAME LOW HIGH: NAME-FUNC prints at least one MTU, all in
# LOW..HIGH
all_in()
{
	local v list

	list=$("$1" "$2")
	[ -n "$list" ] || return 1
	for v in $list; do
		in_range "$v" "$3" "$4" || return 1
	done
}

# ------------------------------------------- 1. the underlay is the limit

mtu_is "vxlan pn0 on n1, created over eth0 of MTU 1400" "$N1" pn0 1350
mtu_is "vxlan pn0 on n2, created over eth0 of MTU 1400" "$N2" pn0 1350

# the automatic MTU of each format, at creation
for e in "gpe 1364" "ipip 1380" "direct 1400" "auto 1350"; do
	read -r enc want <<< "$e"
	ip -n "$N1" link del pn1 2> /dev/null
	out=$(pnctl "$N1" link add pn1 vni 2 dev eth0 local "$IP1" encap "$enc" 2>&1) ||
		ktap_info "link add pn1 ... encap $enc: $out"
	mtu_is "link add pn1 dev eth0 encap $enc" "$N1" pn1 "$want"
done
# and following link set
ip -n "$N1" link del pn1 2> /dev/null
pnctl "$N1" link add pn1 vni 2 dev eth0 local "$IP1"
for e in "gpe 1364" "ipip 1380" "direct 1400" "auto 1350" "vxlan 1350"; do
	read -r enc want <<< "$e"
	out=$(pnctl "$N1" link set pn1 encap "$enc" 2>&1) ||
		ktap_info "link set pn1 encap $enc: $out"
	mtu_is "link set pn1 encap $enc: the MTU follows" "$N1" pn1 "$want"
done
ip -n "$N1" link del pn1
pnctl "$N1" link add pn1 vni 2 dev eth0 local "$IP1_6"
mtu_is "vxlan over an IPv6 local address (overhead 70)" "$N1" pn1 1330
pnctl "$N1" link set pn1 encap gpe
mtu_is "gpe over an IPv6 local address (overhead 56)" "$N1" pn1 1344
ip -n "$N1" link del pn1
pnctl "$N1" link add pn1 vni 2 local "$IP1"
mtu_is "vxlan without an underlay device: 1500 - 50" "$N1" pn1 1450
ip -n "$N1" link del pn1
pnctl "$N1" link add pn1 vni 2 dev eth0 local "$IP1"
pnctl "$N1" link set pn1 mtu 1300
pnctl "$N1" link set pn1 encap gpe
mtu_is "an MTU set by hand (1300) stays when the encap changes" "$N1" pn1 1300
pnctl "$N1" link set pn1 encap vxlan
out=$(pnctl "$N1" link set pn1 mtu 1351 2>&1)
rc=$?
m=$(link_mtu "$N1" pn1)
ktap_info "vxlan pn1 over eth0 of MTU 1400: link set pn1 mtu 1351: exit $rc: $out; MTU now $m"
[ $rc -ne 0 ] && [ "$m" = 1300 ]
ktap_result "an MTU above the underlay's limit (1351 > 1350 on vxlan) is refused" $?
ip -n "$N1" link del pn1

# IPv4: 1500-byte DF packets from p1a to p2a
big_ping a4 "$P1A" "${PN_POD_IP4[2a]}" 1472
all_in ping_mtu a4 1350 1350
rc=$?
ktap_result "IPv4, 1500 bytes DF: ping reports 'Frag needed' with mtu 1350 ($(ping_mtu a4 | sort -u | tr '\n' ' '))" $rc
all_in icmp_mtu a4 1350 1350
ktap_result "IPv4: a capture in p1a shows ICMP need to frag (mtu 1350)" $?
ktap_info_file "$PN_TMP/a4.icmp" 4
m=$(route_mtu "$P1A" "${PN_POD_IP4[2a]}")
[ "$m" = 1350 ]
rc=$?
ktap_result "IPv4: 'ip route get ${PN_POD_IP4[2a]}' in p1a shows the learned mtu 1350 (got: ${m:-none})" $rc

# IPv6: 1500-byte packets from p1a to p2a
big_ping a6 "$P1A" "${PN_POD_IP6[2a]}" 1452 -6
all_in ping_mtu a6 1350 1350
rc=$?
ktap_result "IPv6, 1500 bytes: ping reports 'Packet too big' with mtu 1350 ($(ping_mtu a6 | sort -u | tr '\n' ' '))" $rc
all_in icmp_mtu a6 1350 1350
ktap_result "IPv6: a capture in p1a shows ICMPv6 packet too big, mtu 1350" $?
ktap_info_file "$PN_TMP/a6.icmp" 4
m=$(route_mtu "$P1A" "${PN_POD_IP6[2a]}")
[ "$m" = 1350 ]
rc=$?
ktap_result "IPv6: 'ip -6 route get ${PN_POD_IP6[2a]}' in p1a shows the learned mtu 1350 (got: ${m:-none})" $rc

ktap_check "1350-byte DF packets p1a -> p2a cross (IPv4)" \
	ns_run "$P1A" ping -n -q -c 2 -W 3 -M "do" -s 1322 "${PN_POD_IP4[2a]}"
ktap_check "1350-byte packets p1a -> p2a cross (IPv6)" \
	ns_run "$P1A" ping -6 -n -q -c 2 -W 3 -M "do" -s 1302 "${PN_POD_IP6[2a]}"

ktap_check "2 MiB TCP p1b -> p2b over IPv4 (pod MTU 1500, pn0 1350) intact" \
	tcp_transfer "$P1B" "$P2B" "${PN_POD_IP4[2b]}"
m=$(route_mtu "$P1B" "${PN_POD_IP4[2b]}")
[ "$m" = 1350 ]
ktap_result "the IPv4 transfer made p1b learn mtu 1350 (got: ${m:-none})" $?
ktap_check "2 MiB TCP p2b -> p1b over IPv6 intact" \
	tcp_transfer "$P2B" "$P1B" "${PN_POD_IP6[1b]}"
m=$(route_mtu "$P2B" "${PN_POD_IP6[1b]}")
[ "$m" = 1350 ]
ktap_result "the IPv6 transfer made p2b learn mtu 1350 (got: ${m:-none})" $?

# -------------------------------------- 2. the limit is in the middle ----

# n1: underlay back at 1500, pn0 made anew (1450), routes to n2 and n3;
# n3's underlay is 1400 (the router's link)
mid_setup()
{
	ip -n "$N1" link del pn0 || return 1
	ip -n "$N1" link set eth0 mtu 1500 || return 1
	topo_pn0 1 local "$IP1" || return 1
	topo_routes_mac 1 2 "$IP2" && topo_routes_mac 1 3 "$IP3" || return 1
	ip -n "$N1" route add 192.168.2.0/24 via "$RT1" mtu 1400
}
mid_setup > "$PN_TMP/mid.log" 2>&1
rc=$?
ktap_info_file "$PN_TMP/mid.log" 10
[ $rc -eq 0 ] && [ "$(link_mtu "$N1" pn0)" = 1450 ] && [ "$(link_mtu "$N3" pn0)" = 1350 ]
ktap_result "n1: eth0 1500, pn0 1450; n3 (behind the 1400 link): pn0 1350" $?
ktap_info "n1: ip route get $IP3: $(ip -n "$N1" route get "$IP3" | tr '\n' ' ')"
ping_ok "$P1A" "${PN_POD_IP4[3a]}" && ping_ok "$P1A" "${PN_POD_IP6[3a]}"
ktap_result "p1a reaches p3a through the router (small packets)" $?

# mid_case TAG POD P: 1450-byte DF pings from POD to n3's pod P (IPv4 and
# IPv6), then the checks
mid_case()
{
	local tag=$1 pod=$2 p=$3 m

	# IPv4: the outer DF is clear (as in Linux vxlan and flannel) and IPv4
	# forwarding does not use learned path MTUs (ip_forward_use_pmtu 0):
	# the pod's packets cross, their outer packets fragmented by n1
	ul_frags_start "$PN_TMP/$tag-frags.pcap"
	# -w: ping waits for every reply (by default for twice the longest
	# round trip after the last echo, which a busy host can exceed)
	big_ping "$tag-4" "$pod" "${PN_POD_IP4[3${p}]}" 1422 -w 30
	ul_frags_stop
	grep -q ' 5 received' "$PN_TMP/$tag-4.ping"
	ktap_result "$tag: IPv4 1450 bytes DF: all 5 pings answered" $?
	m=$(tcpdump -nn -r "$PN_TMP/$tag-frags.pcap" src host "$IP1" and dst host "$IP3" \
		2>/dev/null | grep -c '^[0-9]')
	[ "$m" -ge 10 ]
	ktap_result "$tag: IPv4: their outer packets leave n1 fragmented ($m fragments $IP1 -> $IP3 on its underlay port)" $?
	[ -z "$(icmp_mtu "$tag-4")" ]
	rc=$?
	ktap_result "$tag: IPv4: no ICMP frag needed reaches the pod ($(icmp_mtu "$tag-4" | sort -u | tr '\n' ' '))" $rc
	m=$(route_mtu "${PN_NODE_NS[1]}" "${PN_POD_IP4[3${p}]}")
	in_range "$m" 1280 1350
	rc=$?
	ktap_result "$tag: n1's route to ${PN_POD_IP4[3${p}]} (pn0) got path MTU ${m:-none} from pn0" $rc
	big_ping "$tag-6" "$pod" "${PN_POD_IP6[3${p}]}" 1402 -6
	all_in ping_mtu "$tag-6" 1280 1350
	rc=$?
	ktap_result "$tag: IPv6 1450 bytes: packet too big reaches the pod, mtu <= 1350 ($(ping_mtu "$tag-6" | sort -u | tr '\n' ' '))" $rc
	m=$(route_mtu "$pod" "${PN_POD_IP6[3${p}]}")
	in_range "$m" 1280 1350
	rc=$?
	ktap_result "$tag: IPv6: the pod's route to ${PN_POD_IP6[3${p}]} shows mtu ${m:-none}" $rc
}

# 2a: n1's route to n3's subnet says mtu 1400
mid_case route-mtu "$P1A" a
ktap_check "route-mtu: 2 MiB TCP p1b -> p3b over IPv4 intact" \
	tcp_transfer "$P1B" "$P3B" "${PN_POD_IP4[3b]}"
ktap_check "route-mtu: 2 MiB TCP p1b -> p3a over IPv6 intact" \
	tcp_transfer "$P1B" "$P3A" "${PN_POD_IP6[3a]}"
m=$(route_mtu "${PN_NODE_NS[1]}" "${PN_POD_IP4[3b]}")
in_range "$m" 1280 1350
rc=$?
ktap_result "route-mtu: the IPv4 transfer made pn0 lower n1's path MTU to ${PN_POD_IP4[3b]} to <= 1350 (got: ${m:-none})" $rc

# 2b: no route MTU, caches flushed; n1 learns the path MTU from the
# router's ICMP (a DF ping of its own to n3)
for ns in "$N1" "$P1A" "$P1B"; do
	ip -n "$ns" route flush cache
	ip -n "$ns" -6 route flush cache
done
ip -n "$N1" route replace 192.168.2.0/24 via "$RT1"
m0=$(route_mtu "$N1" "$IP3")
ns_run "$N1" ping -n -c 2 -W 2 -M "do" -s 1472 "$IP3" > "$PN_TMP/probe" 2>&1
m1=$(route_mtu "$N1" "$IP3")
ktap_info "n1's route to $IP3: mtu '${m0:-none}' -> '${m1:-none}' after a DF ping:"
ktap_info_file "$PN_TMP/probe" 4
m=$(route_mtu "$P1A" "${PN_POD_IP4[3a]}")
[ -z "$m0" ] && [ "$m1" = 1400 ] && [ -z "$m" ]
ktap_result "learned: the router's ICMP gave n1 path MTU 1400 to $IP3 (pods' caches empty: '${m:-}')" $?
mid_case learned "$P1A" a
ktap_check "learned: 2 MiB TCP p1b -> p3b over IPv4 intact" \
	tcp_transfer "$P1B" "$P3B" "${PN_POD_IP4[3b]}"

ktap_info "n1: $(pnctl "$N1" -s show dev pn0 2>&1 | tail -n 2 | tr '\n' ' ')"

# ----------------------------- 3. the limit in the middle, IPv6 underlay

IP3_6=fd00:2::3
RT1_6=fd00:1::254
RT3_6=fd00:2::254

# pn0 anew on n1 and n3 over IPv6 local addresses; n1 reaches n3's IPv6
# address through the router, whose link to n3 is the 1400 one
v6_setup()
{
	printf '%s\n' "addr add $RT1_6/64 dev eth0 nodad" \
		"addr add $RT3_6/64 dev ul-n3 nodad" | ip -n "$RT" -batch - || return 1
	printf '%s\n' "addr add $IP3_6/64 dev eth0 nodad" \
		"route add default via $RT3_6" "link del pn0" |
		ip -n "$N3" -batch - || return 1
	printf '%s\n' "route add fd00:2::/64 via $RT1_6" "link del pn0" |
		ip -n "$N1" -batch - || return 1
	# what part 2 taught the pods
	for ns in "$P1A" "$P1B"; do
		ip -n "$ns" route flush cache
		ip -n "$ns" -6 route flush cache
	done
	topo_pn0 1 local "$IP1_6" && topo_pn0 3 local "$IP3_6" || return 1
	topo_routes_mac 1 3 "$IP3_6" && topo_routes_mac 3 1 "$IP1_6"
}
v6_setup > "$PN_TMP/v6.log" 2>&1
rc=$?
ktap_info_file "$PN_TMP/v6.log" 10
[ $rc -eq 0 ] && [ "$(link_mtu "$N1" pn0)" = 1430 ] && [ "$(link_mtu "$N3" pn0)" = 1330 ]
ktap_result "IPv6 underlay: n1 pn0 1430 (1500 - 70), n3 pn0 1330 (behind the 1400 link)" $?
ping_ok "$P1A" "${PN_POD_IP4[3a]}" && ping_ok "$P1A" "${PN_POD_IP6[3a]}"
ktap_result "IPv6 underlay: p1a reaches p3a through the router (small packets)" $?
m0=$(route_mtu "$N1" "$IP3_6")

# The first echo dies at the router, whose packet too big teaches n1 the
# path MTU; pn0 answers the next ones itself.
big_ping v6u-4 "$P1A" "${PN_POD_IP4[3a]}" 1402 -w 30
all_in ping_mtu v6u-4 1330 1330
rc=$?
ktap_result "IPv6 underlay: IPv4 1430 bytes DF: 'Frag needed' with mtu 1330 from pn0 ($(ping_mtu v6u-4 | sort -u | tr '\n' ' '))" $rc
m1=$(route_mtu "$N1" "$IP3_6")
ktap_info "n1's route to $IP3_6: mtu '${m0:-none}' before, '${m1:-none}' after"
[ -z "$m0" ] && [ "$m1" = 1400 ]
ktap_result "IPv6 underlay: n1 learned path MTU 1400 to $IP3_6 from the router's packet too big about its UDP packets" $?
big_ping v6u-6 "$P1A" "${PN_POD_IP6[3a]}" 1382 -6 -w 30
all_in ping_mtu v6u-6 1330 1330
rc=$?
ktap_result "IPv6 underlay: IPv6 1430 bytes: 'Packet too big' with mtu 1330 from pn0 ($(ping_mtu v6u-6 | sort -u | tr '\n' ' '))" $rc
ns_run "$P1A" ping -n -q -c 3 -i 0.2 -w 30 -M dont -s 1402 "${PN_POD_IP4[3a]}" \
	> "$PN_TMP/v6u-nodf" 2>&1
rc=$?
ktap_info_file "$PN_TMP/v6u-nodf" 3
ktap_result "IPv6 underlay: IPv4 1430 bytes without DF cross (n1 fragments the outer packets)" $rc
ktap_check "IPv6 underlay: 2 MiB TCP p1b -> p3b over IPv4 intact" \
	tcp_transfer "$P1B" "$P3B" "${PN_POD_IP4[3b]}"
ktap_check "IPv6 underlay: 2 MiB TCP p1b -> p3a over IPv6 intact" \
	tcp_transfer "$P1B" "$P3A" "${PN_POD_IP6[3a]}"
v=$(pn_stat "$N1" tx_too_big 2>&1)
is_num "$v" && [ "$v" -gt 0 ]
ktap_result "IPv6 underlay: n1 counts what it sent back as tx_too_big ($v)" $?

# ------------------------------- 4. IP-in-IP, the limit in the middle

ipip_setup()
{
	ip -n "$N1" link del pn0 && ip -n "$N3" link del pn0 || return 1
	for ns in "$N1" "$P1A" "$P1B"; do
		ip -n "$ns" route flush cache
		ip -n "$ns" -6 route flush cache
	done
	topo_pn0 1 local "$IP1" encap ipip && topo_pn0 3 local "$IP3" encap ipip ||
		return 1
	topo_routes 1 3 add "$IP3" && topo_routes 3 1 add "$IP1"
}
ipip_setup > "$PN_TMP/ipip.log" 2>&1
rc=$?
ktap_info_file "$PN_TMP/ipip.log" 10
[ $rc -eq 0 ] && [ "$(link_mtu "$N1" pn0)" = 1480 ] && [ "$(link_mtu "$N3" pn0)" = 1380 ] &&
	ping_ok "$P1A" "${PN_POD_IP4[3a]}"
ktap_result "ipip: n1 pn0 1480, n3 pn0 1380; p1a reaches p3a (small packets)" $?
big_ping ipip-4 "$P1A" "${PN_POD_IP4[3a]}" 1452 -w 30
all_in ping_mtu ipip-4 1380 1380
rc=$?
ktap_result "ipip: IPv4 1480 bytes DF: 'Frag needed' with mtu 1380 from pn0 ($(ping_mtu ipip-4 | sort -u | tr '\n' ' '))" $rc
ktap_check "ipip: 2 MiB TCP p1b -> p3b over IPv4 intact" \
	tcp_transfer "$P1B" "$P3B" "${PN_POD_IP4[3b]}"
ktap_check "ipip: 2 MiB TCP p1b -> p3a over IPv6 (outer DF clear) intact" \
	tcp_transfer "$P1B" "$P3A" "${PN_POD_IP6[3a]}"

ktap_finish
