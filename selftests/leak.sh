#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the inner packet carries stays behind when it is encapsulated
# (Documentation/networking/podnet.rst, "What crosses into the underlay"),
# over both underlay families:
#  1. Pod traffic forwarded by two nodes over an IPv6 underlay (pings and
#     TCP both ways, IPv4 and IPv6 pods), then every namespace deleted:
#     the kernel's count of IPv4 routing entries (the dsts of the nodes'
#     forwarding routes, /proc/net/stat/rt_cache) comes back to where it
#     was. An encapsulation that kept the inner packet's dst reference
#     would leave one behind for ever (on the debug kernel, kmemleak then
#     reports it too: vm.sh judges every object after the selftests).
#  2. pn0 moved into a namespace of its own (the outer packets leave from
#     the one it was made in): a marked packet (ping -m 16384, the mark
#     kube-proxy gives what it masquerades) leaves without its mark, as
#     the kernel's tunnels do across namespaces: a tc fw filter on the
#     underlay port counts no marked packet, IPv4 and IPv6 underlay alike,
#     while the pings are answered.

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 10
podnet_require
pn_tmpdir
PN_NODES=2
N1=${PN_NODE_NS[1]}

# dst_count: the IPv4 routing entries alive, every namespace
dst_count()
{
	local e

	{ read -r _ && read -r e _; } < /proc/net/stat/rt_cache
	echo $((16#$e))
}

# dst_back N: dst_count is at most N
dst_back()
{
	[ "$(dst_count)" -le "$1" ]
}

# dst_steady: wait (30 s at most) until the count stops moving for 2 s:
# the namespaces of the scripts before are gone
dst_steady()
{
	local a b i

	for ((i = 0; i < 15; i++)); do
		a=$(dst_count)
		pn_sleep 2
		b=$(dst_count)
		[ "$a" != "$b" ] || break
	done
	echo "$b"
}

# ------------------------------------------ 1. the dst of forwarded traffic

d0=$(dst_steady)
setup6()
{
	topo_underlay && topo_node 1 6 && topo_node 2 6 || return 1
	topo_pn0 1 local "${PN_NODE_IP6[1]}" && topo_pn0 2 local "${PN_NODE_IP6[2]}" ||
		return 1
	topo_routes 1 2 add "${PN_NODE_IP6[2]}" && topo_routes 2 1 add "${PN_NODE_IP6[1]}"
}
if ! setup6 > "$PN_TMP/topo.log" 2>&1; then
	ktap_info_file "$PN_TMP/topo.log" 40
	ktap_fail "topology setup (IPv6 underlay)"
	ktap_finish
fi
ktap_ok "two nodes over an IPv6 underlay"
ping_ok "${PN_POD_NS[1a]}" "${PN_POD_IP4[2a]}" && ping_ok "${PN_POD_NS[2a]}" "${PN_POD_IP6[1a]}"
ktap_result "pods reach each other over the IPv6 underlay (IPv4 and IPv6 pods)" $?
ns_run "${PN_POD_NS[1b]}" ping -n -q -c 200 -i 0.01 -w 30 "${PN_POD_IP4[2b]}" > /dev/null 2>&1
ktap_result "200 forwarded IPv4 echoes p1b -> p2b answered" $?
ktap_check "2 MiB TCP p2a -> p1b over IPv4 intact" \
	tcp_transfer "${PN_POD_NS[2a]}" "${PN_POD_NS[1b]}" "${PN_POD_IP4[1b]}"
d1=$(dst_count)
pn_cleanup
pn_tmpdir
wait_for 60 dst_back "$d0"
rc=$?
ktap_info "IPv4 routing entries: $d0 before, $d1 with traffic, $(dst_count) once every namespace is gone"
ktap_result "every namespace deleted: no routing entry (dst) left behind" $rc

# ------------------------------------ 2. the mark, pn0 in a namespace of its own

X="pn-pods-$PN_SUFFIX"

# setup_x FAM: nodes n1 and n2 over the FAM underlay (4 or 6), n1's pn0 in
# namespace X (10.244.1.200 and fd00:244:1::200 on it), n2 routing n1's
# PodCIDRs to n1; a tc fw filter counts marked packets on n1's eth0
setup_x()
{
	local fam=$1 l1 l2

	if [ "$fam" = 6 ]; then
		l1=${PN_NODE_IP6[1]} l2=${PN_NODE_IP6[2]}
	else
		l1=${PN_NODE_IP[1]} l2=${PN_NODE_IP[2]}
	fi
	topo_underlay && topo_node_bare 1 "$fam" && topo_node 2 "$fam" || return 1
	ns_add "$X" || return 1
	pnctl "$N1" link add pn0 dev eth0 local "$l1" || return 1
	pnctl "$N1" route add 10.244.2.0/24 via "$l2" dev pn0 || return 1
	pnctl "$N1" route add fd00:244:2::/64 via "$l2" dev pn0 || return 1
	ip -n "$N1" link set pn0 netns "$X" || return 1
	printf '%s\n' "addr add 10.244.1.200/32 dev pn0" \
		"addr add fd00:244:1::200/128 dev pn0 nodad" "link set pn0 up" \
		"route add 10.244.0.0/16 dev pn0 src 10.244.1.200" \
		"route add fd00:244::/32 dev pn0 src fd00:244:1::200" | ip -n "$X" -batch - ||
		return 1
	topo_pn0 2 local "$l2" || return 1
	topo_routes 2 1 add "$l1" || return 1
	printf '%s\n' "qdisc add dev eth0 clsact" \
		"filter add dev eth0 egress protocol all prio 1 handle 0x4000 fw action pass" |
		tc -n "$N1" -batch -
}

# marked_out: the packets n1's eth0 sent with mark 0x4000 (the filter's
# action's "Sent N bytes M pkt"; tc's JSON of an fw filter is not JSON)
marked_out()
{
	tc -n "$N1" -s filter show dev eth0 egress |
		awk '$1 == "Sent" && $5 == "pkt" { n += $4 } END { print n + 0 }'
}

# mark_case FAM: marked pings from X to p2a (IPv4 and IPv6 pods) over the
# FAM underlay
mark_case()
{
	local fam=$1 m0 m1

	if ! setup_x "$fam" > "$PN_TMP/x$fam.log" 2>&1; then
		ktap_info_file "$PN_TMP/x$fam.log" 20
		ktap_fail "IPv$fam underlay: pn0 in a namespace of its own, marked pings answered"
		ktap_fail "IPv$fam underlay: no outer packet carries the mark"
		return
	fi
	m0=$(marked_out)
	ns_run "$X" ping -n -q -c 5 -i 0.1 -w 20 -m 16384 "${PN_POD_IP4[2a]}" > "$PN_TMP/m4" 2>&1 &&
		ns_run "$X" ping -6 -n -q -c 5 -i 0.1 -w 20 -m 16384 "${PN_POD_IP6[2a]}" \
			> "$PN_TMP/m6" 2>&1
	ktap_result "IPv$fam underlay: pn0 in a namespace of its own, marked pings to p2a answered" $?
	ktap_info_file "$PN_TMP/m4" 2
	m1=$(marked_out)
	ktap_info "tc fw 0x4000 on n1's eth0 (egress): $m0 -> $m1 packets"
	is_num "$m0" && is_num "$m1" && [ "$m1" -eq "$m0" ]
	ktap_result "IPv$fam underlay: no outer packet carries the mark" $?
}

# the filter itself sees marks: n1 pings n2 with a mark of its own
control_case()
{
	local m0 m1

	m0=$(marked_out)
	ns_run "$N1" ping -n -q -c 3 -i 0.1 -W 2 -m 16384 "${PN_NODE_IP[2]}" > /dev/null 2>&1
	m1=$(marked_out)
	is_num "$m0" && is_num "$m1" && [ "$m1" -ge $((m0 + 3)) ]
	ktap_result "control: the tc fw filter counts n1's own marked pings ($m0 -> $m1)" $?
}

mark_case 4
control_case
pn_cleanup
pn_tmpdir
mark_case 6

ktap_finish
