#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What a podnet device owes the stack and its node (Documentation/
# networking/podnet.rst, "The device"), on two nodes with pn0 (topo):
#  1. pn0@eth0: "ip link" shows the underlay as pn0's link; ethtool -i
#     gives driver podnet and the module's version; DEVTYPE=podnet.
#  2. The vtep mac is derived from the local address and the VNI (02, the
#     VNI's low byte, then the IPv4 address, or the four 32-bit words of
#     the IPv6 address XORed): the same when the device is made again. A
#     peer made by "route add" is sent to the mac a podnet node at its
#     address derives: pods on two podnet nodes talk with no mac given.
#  3. A packet socket on pn0 (SOCK_RAW, protocol 0) sends IPv4 and IPv6:
#     the protocol comes from the IP version (ip_tunnel_header_ops).
#  4. The underlay device: a device over it follows its MTU while its MTU
#     is the automatic one, keeps one set by hand unless it grows too
#     large, and goes away with it.
#  5. max-peers and max-routes: what would exceed them is refused with a
#     message (route add, peer add, sync); show reports them; 0 lifts them.
#  6. "link set encap ipip" is refused while an IPv6 peer has no encap of
#     its own, and taken once it has one.
#  7. The memory of routes and peers is charged to the memory cgroup of
#     the process that adds them.
#  9. NICs that parse UDP tunnels are told podnet's ports (udp_tunnel_nic):
#     podnet_nicsim, a test device that logs what it is told (selftests/
#     nicsim), made in n1 gets every podnet port of n1 replayed as VXLAN;
#     a device added later with encap gpe announces its port as VXLAN-GPE,
#     and takes it back when deleted.
#  8. A change whose new MTU the stack refuses (pn6 is a team port: team
#     forbids its ports MTU changes) is refused whole: the encap that
#     would have changed the MTU stays as it was.

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 42
podnet_require
pn_tmpdir
PN_NODES=2
N1=${PN_NODE_NS[1]}
N2=${PN_NODE_NS[2]}
P2A=${PN_POD_NS[2a]}
IP1=${PN_NODE_IP[1]}
IP1_6=${PN_NODE_IP6[1]}

setup()
{
	topo_underlay && topo_node 1 46 && topo_node 2 46 || return 1
	topo_podnet 1 && topo_podnet 2
}
if ! setup > "$PN_TMP/topo.log" 2>&1; then
	ktap_info_file "$PN_TMP/topo.log" 40
	ktap_fail "topology setup"
	ktap_finish
fi

# attr_is DESC NAME EXPECTED DEV: podnetctl -j show in n1 reports NAME
attr_is()
{
	local v

	v=$(pn_attr "$N1" "$2" "$4" 2>&1)
	[ "$v" = "$3" ]
	ktap_result "$1 ($4 $2: $v)" $?
}

# refused_msg DESC REGEX CMD...: CMD fails, and its message matches REGEX
refused_msg()
{
	local desc=$1 re=$2 rc

	shift 2
	"$@" > /dev/null 2> "$PN_TMP/err"
	rc=$?
	ktap_info "$*: exit $rc: $(cat "$PN_TMP/err")"
	[ $rc -ne 0 ] && grep -qE "$re" "$PN_TMP/err"
	ktap_result "$desc" $?
}

# ------------------------------------------------ 1. what the stack sees

l=$(ip -n "$N1" -j link show pn0 | json_get pn0 link 2>&1)
[ "$l" = eth0 ]
ktap_result "ip link shows pn0@eth0 (link: $l)" $?
ns_run "$N1" ethtool -i pn0 > "$PN_TMP/ethtool" 2>&1
ktap_info_file "$PN_TMP/ethtool" 3
want=$(cat /sys/module/podnet/version 2>&1)
grep -qx 'driver: podnet' "$PN_TMP/ethtool" && [ -n "$want" ] &&
	grep -qx "version: $want" "$PN_TMP/ethtool"
ktap_result "ethtool -i pn0: driver podnet, version $want (the module's)" $?
ns_exec "$N1" grep -qx DEVTYPE=podnet /sys/class/net/pn0/uevent
ktap_result "pn0's uevent: DEVTYPE=podnet" $?

# ---------------------------------------------------- 2. the vtep mac

# mac_of ADDR VNI: the mac a podnet device derives (podnet.rst)
mac_of()
{
	local a=$1 vni=$2 w x=0 i

	if [[ $a != *:* ]]; then
		# shellcheck disable=SC2086 # the four octets
		printf '02:%02x:%02x:%02x:%02x:%02x\n' $((vni & 255)) ${a//./ }
		return
	fi
	read -r -a w < <(ns_run "$N1" "${PN_PY[@]}" -c "import socket,struct,sys
print(*struct.unpack('!4I', socket.inet_pton(socket.AF_INET6, sys.argv[1])))" "$a")
	for i in "${w[@]}"; do
		x=$((x ^ i))
	done
	printf '02:%02x:%02x:%02x:%02x:%02x\n' $((vni & 255)) $((x >> 24 & 255)) \
		$((x >> 16 & 255)) $((x >> 8 & 255)) $((x & 255))
}

m=$(pn_vtep_mac "$N1" 2>&1)
want=$(mac_of "$IP1" 1)
[ "$m" = "$want" ]
ktap_result "pn0 (local $IP1, vni 1): vtep mac $m, derived ($want)" $?
pnctl "$N1" link add pn1 vni 300 port 4800 local "$IP1_6" > /dev/null 2>&1
m1=$(pn_vtep_mac "$N1" pn1 2>&1)
ip -n "$N1" link del pn1
pnctl "$N1" link add pn1 vni 300 port 4800 local "$IP1_6" > /dev/null 2>&1
m2=$(pn_vtep_mac "$N1" pn1 2>&1)
ip -n "$N1" link del pn1
ktap_info "pn1 (local $IP1_6, vni 300): $m1, made again: $m2, derived: $(mac_of "$IP1_6" 300)"
[ "$m1" = "$(mac_of "$IP1_6" 300)" ] && [ "$m2" = "$m1" ]
ktap_result "an IPv6 local address: the derived mac, the same when the device is made again" $?
m=$(pnctl "$N1" -j peer show dev pn0 | json_get "${PN_NODE_IP[2]}" mac 2>&1)
[ "$m" = "$(pn_vtep_mac "$N2")" ]
ktap_result "n1's peer ${PN_NODE_IP[2]} (from route add, no mac given): mac $m, n2's pn0's" $?
ping_ok "${PN_POD_NS[1a]}" "${PN_POD_IP4[2a]}"
ktap_result "p1a reaches p2a with no mac configured anywhere" $?

# ----------------------------------------------- 3. a packet socket on pn0

# snmp_above NS PROTO FIELD N: that counter of snmp() is above N
snmp_above()
{
	local v

	v=$(snmp "$1" "$2" "$3")
	is_num "$v" && [ "$v" -gt "$4" ]
}
e4=$(snmp "$P2A" Icmp InEchos)
e6=$(snmp "$P2A" 6 Icmp6InEchos)
ns_run "$N1" "${PN_PY[@]}" "$PNUTIL" send-packet pn0 10.244.1.1 "${PN_POD_IP4[2a]}" &&
	wait_for 10 snmp_above "$P2A" Icmp InEchos "$e4"
ktap_result "packet socket on pn0, protocol 0: an IPv4 echo reaches p2a" $?
ns_run "$N1" "${PN_PY[@]}" "$PNUTIL" send-packet pn0 fd00:244:1::1 "${PN_POD_IP6[2a]}" &&
	wait_for 10 snmp_above "$P2A" 6 Icmp6InEchos "$e6"
ktap_result "packet socket on pn0, protocol 0: an IPv6 echo reaches p2a" $?
v=$(pn_stat "$N1" tx_bad_inner 2>&1)
[ "$v" = 0 ]
ktap_result "no packet of theirs counted as tx_bad_inner ($v)" $?

# ------------------------------------------------- 4. the underlay device

ip -n "$N1" link add dum0 mtu 1500 type dummy && ip -n "$N1" link set dum0 up
pnctl "$N1" link add pn2 vni 302 port 4802 dev dum0 > /dev/null 2>&1
mtu_now() { link_mtu "$N1" pn2 2>&1; }
m=$(mtu_now)
[ "$m" = 1450 ]
ktap_result "pn2 over dum0 (1500): mtu 1450 ($m)" $?
ip -n "$N1" link set dum0 mtu 9000
m=$(mtu_now)
[ "$m" = 8950 ]
ktap_result "dum0 mtu 9000: pn2's automatic mtu follows, 8950 ($m)" $?
ip -n "$N1" link set pn2 mtu 1300
ip -n "$N1" link set dum0 mtu 1500
m=$(mtu_now)
[ "$m" = 1300 ]
ktap_result "pn2 mtu 1300 (by hand), dum0 back to 1500: pn2 keeps 1300 ($m)" $?
ip -n "$N1" link set dum0 mtu 1200
m=$(mtu_now)
[ "$m" = 1150 ]
ktap_result "dum0 mtu 1200: pn2 shrinks to what it allows, 1150 ($m)" $?
ip -n "$N1" link set dum0 mtu 1500
m=$(mtu_now)
[ "$m" = 1450 ]
ktap_result "... and follows it again from there: dum0 1500, pn2 1450 ($m)" $?
ip -n "$N1" link del dum0
ip -n "$N1" link show pn2 > /dev/null 2>&1
ktap_result "dum0 deleted: pn2 goes with it" $((!$?))

# ------------------------------------------------------------- 5. limits

pnctl "$N1" link add pn3 vni 303 port 4803 max-peers 2 max-routes 3 > /dev/null 2>&1
attr_is "show reports max-peers" max_peers 2 pn3
attr_is "show reports max-routes" max_routes 3 pn3
ktap_check "two routes over two peers" pnctl "$N1" -batch - <<-EOF
	route add 10.1.1.0/24 via 192.0.2.1 dev pn3
	route add 10.1.2.0/24 via 192.0.2.2 dev pn3
EOF
refused_msg "a route to a third peer is refused: max-peers" 'max-peers' \
	pnctl "$N1" route add 10.1.3.0/24 via 192.0.2.3 dev pn3
refused_msg "peer add of a third peer is refused: max-peers" 'max-peers' \
	pnctl "$N1" peer add 192.0.2.3 dev pn3
ktap_check "a third route over a known peer" \
	pnctl "$N1" route add 10.1.3.0/24 via 192.0.2.2 dev pn3
refused_msg "a fourth route is refused: max-routes" 'max-routes' \
	pnctl "$N1" route add 10.1.4.0/24 via 192.0.2.2 dev pn3
printf '%s via 192.0.2.1\n' 10.2.1.0/24 10.2.2.0/24 10.2.3.0/24 10.2.4.0/24 > "$PN_TMP/sync4"
refused_msg "sync of four routes is refused: max-routes" 'max-routes' \
	pnctl "$N1" sync dev pn3 "$PN_TMP/sync4"
printf '10.3.%d.0/24 via 192.0.2.%d\n' 1 1 2 2 3 3 > "$PN_TMP/sync3p"
refused_msg "sync over three peers is refused: max-peers" 'max-peers' \
	pnctl "$N1" sync dev pn3 "$PN_TMP/sync3p"
attr_is "the refused syncs changed nothing" routes 3 pn3
printf '10.4.%d.0/24 via 192.0.2.%d\n' 1 1 2 2 3 2 > "$PN_TMP/sync3"
ktap_check "sync of three routes over two peers" pnctl "$N1" sync dev pn3 "$PN_TMP/sync3"
ktap_check "max-routes 0 lifts the limit: a fourth route" \
	sh -c "'$PODNETCTL' -netns '$N1' link set pn3 max-routes 0 &&
		'$PODNETCTL' -netns '$N1' route add 10.4.4.0/24 via 192.0.2.1 dev pn3"

# ------------------------------------------- 6. encap ipip and IPv6 peers

pnctl "$N1" link add pn4 vni 304 port 4804 > /dev/null 2>&1
pnctl "$N1" route add 10.5.0.0/24 via fd00:1::99 dev pn4 > /dev/null 2>&1
refused_msg "link set pn4 encap ipip refused: an IPv6 peer has no encap of its own" \
	'IPv4 peers' pnctl "$N1" link set pn4 encap ipip
attr_is "pn4 keeps encap vxlan" encap vxlan pn4
ktap_check "with an encap of its own, the IPv6 peer lets pn4 take encap ipip" \
	sh -c "'$PODNETCTL' -netns '$N1' peer change fd00:1::99 dev pn4 encap gpe &&
		'$PODNETCTL' -netns '$N1' link set pn4 encap ipip"
attr_is "pn4 encap ipip" encap ipip pn4

# ------------------------------------------------------ 7. memory cgroup

cg=/sys/fs/cgroup/podnet-selftest-$$
slab_of() { awk '$1 == "slab_unreclaimable" { print $2 }' "$cg/memory.stat"; }
pnctl "$N1" link add pn5 vni 305 port 4805 > /dev/null 2>&1
for ((i = 0; i < 4000; i++)); do
	echo "route add 10.$((64 + i / 256)).$((i % 256)).0/24 via 192.0.2.$((i % 50 + 1)) dev pn5"
done > "$PN_TMP/routes"
if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null &&
   echo +memory > /sys/fs/cgroup/cgroup.subtree_control && mkdir "$cg"; then
	b=$(slab_of)
	sh -c "echo \$\$ > '$cg/cgroup.procs' && exec '$PODNETCTL' -netns '$N1' -batch '$PN_TMP/routes'"
	rc=$?
	a=$(slab_of)
	ktap_info "podnetctl (4000 routes, 50 peers) in $cg: exit $rc; slab_unreclaimable $b -> $a bytes"
	[ $rc -eq 0 ] && is_num "$a" && is_num "$b" && [ $((a - b)) -ge $((4000 * 64)) ]
	ktap_result "4000 routes and 50 peers added from a memory cgroup are charged to it (>= 64 bytes a route)" $?
	rmdir "$cg" 2>/dev/null
else
	ktap_info "no memory controller: $(cat /sys/fs/cgroup/cgroup.controllers 2>&1)"
	ktap_fail "4000 routes and 50 peers added from a memory cgroup are charged to it"
fi
attr_is "pn5 holds the 4000 routes" routes 4000 pn5

# ------------------------------------------- 8. an MTU the stack refuses

# "type team" loads the team module where it is one
if ip -n "$N1" link add team0 type team > "$PN_TMP/team.log" 2>&1; then
	pnctl "$N1" link add pn6 vni 306 port 4806 > /dev/null 2>&1
	ip -n "$N1" link set pn6 master team0 > "$PN_TMP/team.log" 2>&1
	ktap_result "pn6 (mtu 1450) is a port of team0" $?
	ktap_info_file "$PN_TMP/team.log" 3
	refused_msg "link set pn6 encap gpe (mtu 1450 -> 1464, which team refuses) refused" \
		'MTU' pnctl "$N1" link set pn6 encap gpe
	attr_is "pn6 keeps encap vxlan" encap vxlan pn6
	m=$(link_mtu "$N1" pn6 2>&1)
	[ "$m" = 1450 ]
	ktap_result "pn6 keeps mtu 1450 ($m)" $?
else
	ktap_info_file "$PN_TMP/team.log" 3
	ktap_fail "pn6 (mtu 1450) is a port of team0 (no team module)"
	ktap_fail "link set pn6 encap gpe refused (no team module)"
	ktap_fail "pn6 keeps encap vxlan (no team module)"
	ktap_fail "pn6 keeps mtu 1450 (no team module)"
fi


# ----------------------------------------------------- 9. NIC port offload

# nic_said REGEX: a line of the kernel log after the mark matches REGEX
nic_said()
{
	dmesg | sed -n "/device.sh nicsim $$/,\$p" | grep -qE "$1"
}
ko=$PN_TOP/build/$PN_KREL/podnet_nicsim.ko
if [ -d /sys/module/podnet_nicsim ] || insmod "$ko" > "$PN_TMP/nicsim.log" 2>&1; then
	echo "device.sh nicsim $$" > /dev/kmsg
	ip -n "$N1" link add nic0 type podnet_nicsim
	wait_for 10 nic_said 'nic0: podnet_nicsim: add port 8472 vxlan'
	ktap_result "a NIC made in n1 is told pn0's port 8472 as VXLAN" $?
	ok=0
	for p in 4803 4804 4805 4806; do
		nic_said "nic0: podnet_nicsim: add port $p vxlan" || ok=1
	done
	ktap_result "... and the ports of n1's other podnet devices (4803 to 4806)" $ok
	pnctl "$N1" link add pn8 vni 308 port 4808 encap gpe > /dev/null 2>&1
	wait_for 10 nic_said 'nic0: podnet_nicsim: add port 4808 vxlan-gpe ipv4'
	ktap_result "a device on port 4808 with encap gpe: the NIC is told 4808 as VXLAN-GPE" $?
	ip -n "$N1" link del pn8
	wait_for 10 nic_said 'nic0: podnet_nicsim: del port 4808 vxlan-gpe ipv4'
	ktap_result "pn8 deleted: the NIC is told to forget 4808" $?
	dmesg | sed -n "/device.sh nicsim $$/,\$p" | grep podnet_nicsim > "$PN_TMP/nic.txt"
	ktap_info_file "$PN_TMP/nic.txt" 12
	ip -n "$N1" link del nic0
	rmmod podnet_nicsim 2> /dev/null
else
	ktap_info_file "$PN_TMP/nicsim.log" 3
	for d in "a NIC is told pn0's port (IPv4)" "... (IPv6)" "gpe port" "port taken back"; do
		ktap_fail "NIC port offload: $d (no podnet_nicsim: $ko)"
	done
fi

ktap_finish
