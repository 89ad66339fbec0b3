#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The outer headers pn0 writes (Documentation/networking/podnet.rst, "Outer
# header"), read from captures on the underlay, n1 -> n2:
#  - TTL from the underlay route (64) by default, DF clear, UDP checksum 0;
#  - the UDP source port comes from the inner flow: one port per flow, and
#    different flows spread over different ports;
#  - ECN copied from the inner packet (IPv4 and IPv6), the DS field not
#    copied by default (tos 0);
#  - after "podnetctl link set pn0 ttl 9 tos inherit": TTL 9 and the inner
#    DS field copied (IPv4 and IPv6);
#  - the underlay's MTU cut to 1400: pn0's automatic MTU follows (1350) and
#    pod packets of that size cross.

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 13
podnet_require
topo_create_or_bail

N1=${PN_NODE_NS[1]}
P1A=${PN_POD_NS[1a]}
P1B=${PN_POD_NS[1b]}
S=${PN_NODE_IP[1]}
D=${PN_NODE_IP[2]}

# capture NAME CMD...: run CMD while capturing ul-n1; the n1 -> n2 VXLAN
# lines (pnutil pcap-vxlan) land in $PN_TMP/NAME
capture()
{
	local name=$1

	shift
	capture_start "$UL_NS" ul-n1 "$PN_TMP/$name.pcap" udp port "$PN_PORT" ||
		return 1
	"$@"
	capture_stop
	pcap_decode "$PN_TMP/$name.pcap" |
		awk -v s="$S" -v d="$D" '$1 == "vxlan" && $3 == s && $4 == d' > "$PN_TMP/$name"
	ktap_info "capture $name (first lines):"
	ktap_info_file "$PN_TMP/$name" 6
}

# pings4: one ping process per flow, four flows
pings4()
{
	local p q

	for p in a b; do
		for q in a b; do
			ip netns exec "${PN_POD_NS[1${p}]}" ping -n -q -c 3 -i 0.2 -W 2 \
				"${PN_POD_IP4[2${q}]}" > /dev/null 2>&1
		done
	done
}

pn_tmpdir
# make sure every neighbour is resolved before the captures
ping_ok "$P1A" "${PN_POD_IP4[2a]}"; ping_ok "$P1B" "${PN_POD_IP4[2b]}"

# 1. defaults, and the source ports of four flows
capture flows pings4
# field: 9 ttl, 10 tos, 11 df, 12 sport, 13 csum, 14 inner tos
all_are() # FILE FIELD VALUE: every line (and at least one) has it
{
	[ -s "$1" ] && awk -v f="$2" -v v="$3" '$f != v { bad = 1 } END { exit bad }' "$1"
}
ktap_check "outer TTL 64 (the underlay route's) by default" all_are "$PN_TMP/flows" 9 64
ktap_check "outer DF clear" all_are "$PN_TMP/flows" 11 0
ktap_check "outer UDP checksum 0" all_are "$PN_TMP/flows" 13 0x0000
ports=$(awk '{ print $5, $6, $12 }' "$PN_TMP/flows" | sort -u)
ktap_info "flow -> source port:" "$ports"
nflows=$(awk '{ print $1, $2 }' <<< "$ports" | sort -u | wc -l)
nlines=$(wc -l <<< "$ports")
[ -s "$PN_TMP/flows" ] && [ "$nflows" -eq 4 ] && [ "$nlines" -eq 4 ]
ktap_result "one UDP source port per flow (4 flows)" $?
nports=$(awk '{ print $3 }' <<< "$ports" | sort -u | wc -l)
[ "$nports" -ge 2 ]
ktap_result "flows spread over source ports ($nports distinct for 4 flows)" $?

# 2. ECN and DS field with the default tos 0
capture tos0 sh -c "
	ip netns exec '$P1A' ping -n -q -c 2 -i 0.2 -W 2 -Q 0x02 '${PN_POD_IP4[2a]}'
	ip netns exec '$P1B' ping -n -q -c 2 -i 0.2 -W 2 -Q 0x28 '${PN_POD_IP4[2b]}'
	ip netns exec '$P1A' ping -n -q -c 2 -i 0.2 -W 2 -Q 0x02 '${PN_POD_IP6[2a]}'
	" > /dev/null 2>&1
# tos_of FILE INNER_SRC INNER_DST: the outer TOS values of that flow
tos_of()
{
	awk -v s="$2" -v d="$3" '$5 == s && $6 == d { print $10 }' "$1" | sort -u | tr '\n' ' '
}
t=$(tos_of "$PN_TMP/tos0" "${PN_POD_IP4[1a]}" "${PN_POD_IP4[2a]}")
[ "$t" = "0x02 " ]
ktap_result "inner ECT(0) -> outer ECN ECT(0) (IPv4; outer tos: $t)" $?
t=$(tos_of "$PN_TMP/tos0" "${PN_POD_IP4[1b]}" "${PN_POD_IP4[2b]}")
[ "$t" = "0x00 " ]
ktap_result "inner DSCP AF11 not copied with tos 0 (outer tos: $t)" $?
t=$(tos_of "$PN_TMP/tos0" "${PN_POD_IP6[1a]}" "${PN_POD_IP6[2a]}")
[ "$t" = "0x02 " ]
ktap_result "inner ECT(0) -> outer ECN ECT(0) (IPv6 inner; outer tos: $t)" $?

# 3. ttl 9, tos inherit
pnctl "$N1" link set pn0 ttl 9 tos inherit
capture inherit sh -c "
	ip netns exec '$P1B' ping -n -q -c 2 -i 0.2 -W 2 -Q 0x28 '${PN_POD_IP4[2b]}'
	ip netns exec '$P1A' ping -n -q -c 2 -i 0.2 -W 2 -Q 0x28 '${PN_POD_IP6[2a]}'
	" > /dev/null 2>&1
ktap_check "link set ttl 9: outer TTL 9" all_are "$PN_TMP/inherit" 9 9
t=$(tos_of "$PN_TMP/inherit" "${PN_POD_IP4[1b]}" "${PN_POD_IP4[2b]}")
[ "$t" = "0x28 " ]
ktap_result "tos inherit: inner DSCP AF11 copied (IPv4; outer tos: $t)" $?
t=$(tos_of "$PN_TMP/inherit" "${PN_POD_IP6[1a]}" "${PN_POD_IP6[2a]}")
[ "$t" = "0x28 " ]
ktap_result "tos inherit: inner traffic class copied (IPv6 inner; outer tos: $t)" $?

# 4. The underlay MTU of n1 and n2 cut to 1400: pn0's automatic MTU
# follows it (1350), and pod packets of that size cross
ip -n "$N1" link set eth0 mtu 1400
ip -n "${PN_NODE_NS[2]}" link set eth0 mtu 1400
m=$(link_mtu "$N1" pn0 2>&1)
[ "$m" = 1350 ]
ktap_result "n1's eth0 at 1400: pn0's automatic MTU follows, 1350 ($m)" $?
ktap_check "1350-byte DF pod packets cross the 1400-byte underlay" \
	ns_run "$P1A" ping -n -q -c 2 -W 3 -M "do" -s 1322 "${PN_POD_IP4[2a]}"

ktap_finish
