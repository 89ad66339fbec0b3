#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# GRO on receive (Documentation/networking/podnet.rst, "Offloads"): a TCP
# transfer from pod p1a to pod p2a, with n1's underlay leg segmenting in
# software (so that MTU-sized datagrams cross the wire) and n2's taking
# them through NAPI (veth: GRO on, and no TSO on the sending end). n2's
# eth0 counts the datagrams it received, n2's pn0 the packets it handed to
# the stack:
#  - with GRO off on n2's eth0, pn0 counts about one packet per datagram
#    (what makes the next points able to fail);
#  - with GRO on, the UDP tunnel socket's gro_receive merges the datagrams
#    of the flow: pn0 counts at most half as many packets, for VXLAN and
#    for VXLAN-GPE, and the data arrives intact.

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

PN_NODES=2
ktap_plan 5
podnet_require
topo_create_or_bail

N1=${PN_NODE_NS[1]}
N2=${PN_NODE_NS[2]}
P1A=${PN_POD_NS[1a]}
P2A=${PN_POD_NS[2a]}
IP2=${PN_NODE_IP[2]}

# counter NS DEV NAME: a statistics counter of DEV in NS
counter()
{
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

# n1's eth0 segments in software; the underlay's leg towards n2 sends
# without TSO, which veth requires before it takes a packet through the
# receiver's NAPI (and so GRO)
ip netns exec "$N1" ethtool -K eth0 tso off gso off tx-udp_tnl-segmentation off \
	tx-udp_tnl-csum-segmentation off > /dev/null 2>&1 ||
	ktap_info "ethtool -K on n1's eth0 failed: offloads left as they were"
ip netns exec "$UL_NS" ethtool -K ul-n2 tso off > /dev/null 2>&1 ||
	ktap_info "ethtool -K ul-n2 tso off failed"
# How much GRO merges depends on timing unless the test pins it down:
# - n2's eth0 keeps what GRO holds across NAPI polls (gro_flush_timeout:
#   until the jiffy is over, then a timer flushes), so that a burst split
#   over two polls still merges;
# - p1a's TCP sends bursts of at least 16 segments (tcp_min_tso_segs;
#   default 2). A burst is one GSO packet, whose segments share a
#   timestamp option, and a timestamp change ends a merge. TCP sizes its
#   bursts to about 1 ms of its pacing rate: when a busy host slows the
#   VM, that is 2 segments, and merges stay that short;
# - tcp_transfer writes 64 KiB at a time: a PSH flag ends a merge too.
# The debug kernel's VM, three busy loops on the host's two cores: with
# 8 KiB writes and the default bursts, 3074 datagrams gave 886 packets and
# 3077 gave 1805 (the point fails); with these settings, 3091 gave 254 and
# 3013 gave 235. On an idle host: 4.5 to 5 datagrams a packet against 13.
ip netns exec "$N2" sh -c 'echo 2000000 > /sys/class/net/eth0/gro_flush_timeout' ||
	ktap_info "setting gro_flush_timeout of n2's eth0 failed"
ip netns exec "$P1A" sysctl -qw net.ipv4.tcp_min_tso_segs=16 ||
	ktap_info "setting tcp_min_tso_segs in p1a failed"

# transfer DESC GRO BOUND: a 4 MiB transfer p1a -> p2a with GRO (on|off)
# on n2's eth0; passes when the data arrives intact and pn0 received at
# least 90% as many packets as eth0 datagrams (BOUND "off") or at most
# 1/BOUND as many
transfer()
{
	local desc=$1 gro=$2 bound=$3 e0 p0 e1 p1 out rc de dp

	if ! ip netns exec "$N2" ethtool -K eth0 gro "$gro" > /dev/null 2>&1; then
		ktap_fail "$desc: ethtool -K eth0 gro $gro on n2 failed"
		return
	fi
	e0=$(counter "$N2" eth0 rx_packets)
	p0=$(counter "$N2" pn0 rx_packets)
	out=$(tcp_transfer "$P1A" "$P2A" "${PN_POD_IP4[2a]}" 4096 2>&1)
	rc=$?
	e1=$(counter "$N2" eth0 rx_packets)
	p1=$(counter "$N2" pn0 rx_packets)
	de=$((e1 - e0))
	dp=$((p1 - p0))
	ktap_info "$desc: $out"
	ktap_info "$desc: n2 eth0 received $de datagrams, pn0 $dp packets"
	if [ "$rc" -ne 0 ] || [ "$de" -lt 2000 ]; then
		ktap_fail "$desc: transfer failed or too few datagrams ($de)"
		return
	fi
	case $bound in
	off) ktap_result "$desc: pn0 packets $dp >= 90% of datagrams $de" \
		"$((dp * 10 >= de * 9 ? 0 : 1))" ;;
	*) ktap_result "$desc: pn0 packets $dp <= datagrams $de / $bound" \
		"$((dp * bound <= de ? 0 : 1))" ;;
	esac
}

transfer "vxlan, GRO off: one packet per datagram" off off
transfer "vxlan, GRO on: datagrams merged" on 2

ktap_check "n1 sends GPE to n2" \
	pnctl "$N1" peer change "$IP2" dev pn0 encap gpe
transfer "gpe, GRO off: one packet per datagram" off off
transfer "gpe, GRO on: datagrams merged" on 2

ktap_finish
