#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every packet pn0 sends is counted, and every drop once, under one reason
# (Documentation/networking/podnet.rst, "Counters"), on two nodes:
#  1. Packets sent without encapsulation (encap direct) count on pn0's
#     tx_packets and tx_bytes, as the tunnel formats' do.
#  2. A peer with no underlay route (a device without "dev": a route
#     lookup bound to the underlay device would take any address as
#     on-link): each packet is one tx_underlay, one tx_error (a carrier
#     error) of the device and one tx_drop of the peer; tx_dropped does
#     not move.
#  3. A destination in no PodCIDR: one tx_no_route and one pn0 tx_dropped
#     a packet; tx_errors does not move.
#  4. Drops before a device is known (an unknown VNI, a header too short)
#     count once on the underlay namespace: pn0 and a second device on the
#     same port show them as "underlay", neither in its own counters; they
#     stay after every device of the namespace is gone and another made.
#  5. The kernel sees the reasons: the skb:kfree_skb tracepoint reports
#     IP_OUTNOROUTES for packets to no PodCIDR, at a location in podnet.

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 18
podnet_require
pn_tmpdir
PN_NODES=2
N1=${PN_NODE_NS[1]}
N2=${PN_NODE_NS[2]}
P1A=${PN_POD_NS[1a]}
IP1=${PN_NODE_IP[1]}
IP2=${PN_NODE_IP[2]}

if ! topo_create > "$PN_TMP/topo.log" 2>&1; then
	ktap_info_file "$PN_TMP/topo.log" 40
	ktap_fail "topology setup"
	ktap_finish
fi

# link_stat NS DEV DIR FIELD: a counter of "ip -s -j link show" (stats64)
link_stat()
{
	ip -n "$1" -s -j link show "$2" | "$PN_JQ" -r ".[0].stats64.$3.$4"
}

# delta_is DESC WANT BEFORE AFTER
delta_is()
{
	local d=x

	is_num "$3" && is_num "$4" && d=$(($4 - $3))
	[ "$d" = "$2" ]
	ktap_result "$1: $d (want $2)" $?
}

# ------------------------------------------------------------ 1. direct

t0=$(link_stat "$N1" pn0 tx packets)
b0=$(link_stat "$N1" pn0 tx bytes)
pnctl "$N1" peer change "$IP2" dev pn0 encap direct
ns_run "$P1A" ping -n -q -c 10 -i 0.1 -W 2 "${PN_POD_IP4[2a]}" > "$PN_TMP/direct" 2>&1
ktap_result "p1a reaches p2a with n1's peer n2 on encap direct" $?
t1=$(link_stat "$N1" pn0 tx packets)
b1=$(link_stat "$N1" pn0 tx bytes)
is_num "$t0" && is_num "$t1" && [ $((t1 - t0)) -ge 10 ] && [ $((b1 - b0)) -ge 840 ]
ktap_result "encap direct: pn0 counts what it sent (tx_packets +$((t1 - t0)), tx_bytes +$((b1 - b0)))" $?
pnctl "$N1" peer change "$IP2" dev pn0 encap vxlan

# --------------------------------------------- 2. no underlay route

printf '%s\n' "link add pn7 vni 7 port 4807" \
	"route add 10.77.0.0/24 via 192.0.2.77 dev pn7" | pnctl "$N1" -batch -
ip -n "$N1" link set pn7 up && ip -n "$N1" route add 10.77.0.0/24 dev pn7
u0=$(pn_stat "$N1" tx_underlay pn7)
e0=$(link_stat "$N1" pn7 tx errors)
c0=$(link_stat "$N1" pn7 tx carrier_errors)
d0=$(link_stat "$N1" pn7 tx dropped)
ns_run "$N1" ping -n -q -c 5 -i 0.1 -W 1 10.77.0.1 > /dev/null 2>&1
delta_is "no underlay route, 5 packets: tx_underlay" 5 "$u0" "$(pn_stat "$N1" tx_underlay pn7)"
delta_is "... tx_errors" 5 "$e0" "$(link_stat "$N1" pn7 tx errors)"
delta_is "... tx_carrier_errors" 5 "$c0" "$(link_stat "$N1" pn7 tx carrier_errors)"
delta_is "... tx_dropped" 0 "$d0" "$(link_stat "$N1" pn7 tx dropped)"
v=$(pn_peer_stat "$N1" 192.0.2.77 tx_drops pn7)
[ "$v" = 5 ]
ktap_result "... the peer's tx_drops: $v (want 5)" $?
ip -n "$N1" link del pn7

# ------------------------------------------------------ 3. no PodCIDR

n0=$(pn_stat "$N1" tx_no_route)
e0=$(link_stat "$N1" pn0 tx errors)
d0=$(link_stat "$N1" pn0 tx dropped)
ns_run "$P1A" ping -n -q -c 3 -i 0.1 -W 1 10.244.99.1 > /dev/null 2>&1
delta_is "no PodCIDR, 3 packets: tx_no_route" 3 "$n0" "$(pn_stat "$N1" tx_no_route)"
delta_is "... pn0 tx_dropped" 3 "$d0" "$(link_stat "$N1" pn0 tx dropped)"
delta_is "... pn0 tx_errors" 0 "$e0" "$(link_stat "$N1" pn0 tx errors)"

# ------------------------------------- 4. drops before a device is known

pnctl "$N1" link add pn1 vni 2 > /dev/null 2>&1
send() { ns_run "$N2" "${PN_PY[@]}" "$PNUTIL" send-vxlan --src "$IP2" --dst "$IP1" \
	--mac 02:00:00:00:00:01 --inner-src "${PN_POD_IP4[2a]}" \
	--inner-dst "${PN_POD_IP4[1a]}" --interval 0.02 "$@"; }
rd0=$(link_stat "$N1" pn0 rx dropped)
send --vni 77 --count 4 && send --truncate 4 --count 3
# under_is DESC DEV NAME WANT: DEV's underlay drop counter NAME
under_is()
{
	local v

	v=$(pnctl "$N1" -j -s show dev "$2" | "$PN_JQ" -r ".[0].underlay_stats.$3")
	[ "$v" = "$4" ]
	ktap_result "$1: $2 underlay $3 $v (want $4)" $?
}
# under_n NAME N: pn0's underlay drop counter NAME is N
under_n()
{
	[ "$(pnctl "$N1" -j -s show dev pn0 | "$PN_JQ" -r ".[0].underlay_stats.$1")" = "$2" ]
}
wait_for 10 under_n rx_bad_header 3
under_is "4 packets of an unknown VNI" pn0 rx_unknown_vni 4
under_is "3 packets too short for a VXLAN header" pn0 rx_bad_header 3
under_is "the same on the other device of the port" pn1 rx_unknown_vni 4
v=$(pnctl "$N1" -j -s show dev pn0 | "$PN_JQ" -r '.[0].stats | .rx_unknown_vni + .rx_bad_header')
[ "$v" = 0 ]
ktap_result "none of them in pn0's own counters ($v)" $?
delta_is "... nor in pn0's rx_dropped" 0 "$rd0" "$(link_stat "$N1" pn0 rx dropped)"
ip -n "$N1" link del pn0 && ip -n "$N1" link del pn1 && pnctl "$N1" link add pn2 vni 3
under_is "every device deleted, another made: the namespace's count stays" pn2 rx_unknown_vni 4

# ------------------------------------------------ 5. the kernel's view

# drops_traced [FILTER]: trace skb:kfree_skb (with the event filter
# FILTER, if any) while n2's pod sends 3 packets to no PodCIDR; the events
# with reason IP_OUTNOROUTES in $PN_TMP/trace
drops_traced()
{
	local ev=$tr/events/skb/kfree_skb

	echo > "$tr/trace"
	echo "${1:-0}" > "$ev/filter"
	echo 1 > "$ev/enable"
	# pn0 is gone on n1: n2's pn0 drops what goes to no PodCIDR
	ns_run "${PN_POD_NS[2a]}" ping -n -q -c 3 -i 0.1 -W 1 10.244.99.2 > /dev/null 2>&1
	echo 0 > "$ev/enable"
	echo 0 > "$ev/filter"
	grep 'reason: IP_OUTNOROUTES' "$tr/trace" > "$PN_TMP/trace"
}

tr=/sys/kernel/tracing
if [ -w "$tr/events/skb/kfree_skb/enable" ]; then
	drops_traced
	ktap_info_file "$PN_TMP/trace" 3
	n=$(wc -l < "$PN_TMP/trace")
	[ "$n" -ge 3 ]
	ktap_result "skb:kfree_skb: $n drops with reason IP_OUTNOROUTES (3 sent to no PodCIDR)" $?
	# the location: a symbol (6.12), or (6.1) a hashed pointer: then the
	# events filtered to the addresses of podnet's module
	loc=$(grep -oE 'location=[^ ]+' "$PN_TMP/trace" | head -n 1)
	loc=${loc#location=}
	base='' size=''
	read -r _ size _ _ _ base _ < <(grep '^podnet ' /proc/modules)
	if [[ $loc == *+0x* ]]; then
		[[ $loc == podnet_* ]]
		ktap_result "skb:kfree_skb: the location is in podnet ($loc)" $?
	elif [ -n "$base" ]; then
		drops_traced "location >= $base && location < $(printf '0x%x' $((base + size)))"
		n=$(wc -l < "$PN_TMP/trace")
		[ "$n" -ge 3 ]
		ktap_result "skb:kfree_skb: $n of them at a location in podnet's module ($base, $size bytes)" $?
	else
		ktap_fail "skb:kfree_skb: the location is in podnet ($loc, and no podnet in /proc/modules)"
	fi
else
	ktap_fail "skb:kfree_skb: drops with reason IP_OUTNOROUTES (no tracefs event: $tr)"
	ktap_fail "skb:kfree_skb: the location is in podnet"
fi

ktap_finish
