#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The device itself, on a node namespace with an underlay but no pn0 yet:
#  - "ip link add pn0 type podnet" (no options, no underlay) gets vni 1,
#    port 8472, encap vxlan, mtu 1450 and a vtep mac (podnetctl -j show and
#    ip -d -j link show agree);
#  - podnetctl link set changes vni and port, and show reports them; out of
#    range values are refused and change nothing;
#  - "podnetctl link add pn1 dev eth0" takes its MTU from the underlay
#    (eth0 MTU 2000 -> 1950); every option of link add reads back;
#  - link add with an invalid value is refused with a message, exit status
#    non-zero, and no device appears: vni 16777216, vni 0, port 0, a local
#    address the namespace does not have, an unknown underlay device, an
#    unknown encap; and the same (and a few more: address lengths, a
#    multicast vtep mac) sent to the kernel by a raw rtnetlink client,
#    since podnetctl refuses them before the kernel sees them;
#  - a (vni, port) belongs to one device, up or down: the port is taken and
#    the vni claimed at "link add", so "ip link set up" has nothing left to
#    refuse. A second device with the vni of another on the same port is
#    refused with a message naming the VNI, and so is a vni or port change
#    onto a busy one (nothing changes); a port another socket holds (a
#    vxlan device such as flannel.1) is refused at link add with a message
#    naming the port in use, not with a bare EADDRINUSE at "ip link set up".

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 48
podnet_require
pn_tmpdir
N1=${PN_NODE_NS[1]}
if ! { topo_underlay && topo_node 1; } > "$PN_TMP/topo.log" 2>&1; then
	ktap_info_file "$PN_TMP/topo.log"
	ktap_fail "topology setup"
	ktap_finish
fi

# attr_is DESC NAME EXPECTED [DEV]: podnetctl -j show reports NAME EXPECTED
attr_is()
{
	local v

	v=$(pn_attr "$N1" "$2" "${4:-pn0}" 2>&1)
	ktap_info "${4:-pn0} $2: $v"
	[ "$v" = "$3" ]
	ktap_result "$1" $?
}

# 1. defaults
ktap_check "ip link add pn0 type podnet" ip -n "$N1" link add pn0 type podnet
attr_is "default vni 1" vni 1
attr_is "default port 8472" port 8472
attr_is "default encap vxlan" encap vxlan
attr_is "default mtu 1450 (podnetctl show)" mtu 1450
mtu=$(link_mtu "$N1" pn0 2>&1)
ktap_info "ip link: pn0 mtu $mtu"
[ "$mtu" = 1450 ]
ktap_result "default mtu 1450 (ip link)" $?
kind=$(ip -n "$N1" -d -j link show pn0 | json_get pn0 info_kind 2>&1)
[ "$kind" = podnet ]
ktap_result "ip -d link: kind podnet (got: $kind)" $?
mac=$(pn_vtep_mac "$N1" 2>&1)
# a unicast mac: the lowest bit of the first octet clear
grep -qiE '^[0-9a-f][02468ace](:[0-9a-f]{2}){5}$' <<< "$mac" &&
	[ "$mac" != 00:00:00:00:00:00 ]
ktap_result "a unicast vtep mac (got: $mac)" $?

# 2. link set
ktap_check "podnetctl link set pn0 vni 42 port 4789" \
	pnctl "$N1" link set pn0 vni 42 port 4789
attr_is "show reports vni 42" vni 42
attr_is "show reports port 4789" port 4789

# set_refused DESC ARGS...: link set pn0 ARGS fails with a message, and
# vni/port are unchanged
set_refused()
{
	local desc=$1 rc before after

	shift
	before=$(pnctl "$N1" -j show dev pn0)
	pnctl "$N1" link set pn0 "$@" > /dev/null 2> "$PN_TMP/err"
	rc=$?
	ktap_info "link set pn0 $*: exit $rc: $(cat "$PN_TMP/err")"
	after=$(pnctl "$N1" -j show dev pn0)
	[ "$before" = "$after" ] || ktap_info "changed: $before -> $after"
	[ $rc -ne 0 ] && [ -s "$PN_TMP/err" ] && [ "$before" = "$after" ]
	ktap_result "$desc" $?
}
set_refused "link set vni 16777216 refused, nothing changed" vni 16777216
set_refused "link set port 0 refused, nothing changed" port 0
ktap_check "ip link del pn0" ip -n "$N1" link del pn0

# 3. with an underlay device: MTU from it, and every option
ip -n "$N1" link set eth0 mtu 2000
ktap_check "podnetctl link add pn1 dev eth0 (eth0 mtu 2000)" \
	pnctl "$N1" link add pn1 dev eth0
mtu=$(link_mtu "$N1" pn1 2>&1)
ktap_info "pn1 mtu $mtu"
[ "$mtu" = 1950 ]
ktap_result "pn1 mtu = underlay mtu - 50 = 1950" $?
out=$(ip -n "$N1" link set pn1 mtu 1951 2>&1)
rc=$?
ktap_info "ip link set pn1 mtu 1951: exit $rc: $out; mtu now $(link_mtu "$N1" pn1 2>&1)"
[ $rc -ne 0 ] && [ "$(link_mtu "$N1" pn1 2>&1)" = 1950 ]
ktap_result "pn1 mtu above underlay mtu - 50 refused" $?
ip -n "$N1" link set pn1 mtu 1400 && [ "$(link_mtu "$N1" pn1 2>&1)" = 1400 ]
ktap_result "pn1 mtu 1400 (lower) accepted" $?
ip -n "$N1" link del pn1 2>/dev/null

pnctl "$N1" link add pn2 dev eth0 local "${PN_NODE_IP[1]}" vni 5 port 4790 \
	ttl 9 mtu 1300 > "$PN_TMP/out" 2>&1
rc=$?
ktap_info_file "$PN_TMP/out"
ok=$rc
for kv in vni=5 port=4790 local="${PN_NODE_IP[1]}" dev=eth0 ttl=9 mtu=1300; do
	v=$(pn_attr "$N1" "${kv%%=*}" pn2 2>&1)
	[ "$v" = "${kv#*=}" ] || { ktap_info "pn2 ${kv%%=*}: $v, expected ${kv#*=}"; ok=1; }
done
[ "$(link_mtu "$N1" pn2 2>&1)" = 1300 ] || { ktap_info "ip link: pn2 mtu not 1300"; ok=1; }
ktap_result "link add pn2 dev eth0 local vni 5 port 4790 ttl 9 mtu 1300: all read back" $ok

# 4. invalid link add: refused, no device
# add_refused DESC NAME ARGS...
add_refused()
{
	local desc=$1 name=$2 rc

	shift 2
	pnctl "$N1" link add "$name" "$@" > /dev/null 2> "$PN_TMP/err"
	rc=$?
	ktap_info "link add $name $*: exit $rc: $(cat "$PN_TMP/err")"
	if ip -n "$N1" link show "$name" > /dev/null 2>&1; then
		ktap_info "$name was created"
		ip -n "$N1" link del "$name"
		rc=0
	fi
	[ $rc -ne 0 ] && [ -s "$PN_TMP/err" ]
	ktap_result "$desc" $?
}
add_refused "link add vni 16777216 refused" pn3 vni 16777216
add_refused "link add vni 0 refused" pn3 vni 0
add_refused "link add port 0 refused" pn3 port 0
add_refused "link add local 10.9.9.9 (not in the namespace) refused" pn3 \
	dev eth0 local 10.9.9.9
add_refused "link add dev nosuch0 refused" pn3 dev nosuch0
add_refused "link add encap bogus refused" pn3 encap bogus

# 5. the same values sent straight to the kernel (rtnetlink, no podnetctl
# checks in between): refused with an extack message, no device
# raw_refused DESC add|set NAME ATTR=VAL...
raw_refused()
{
	local desc=$1 op=$2 name=$3 rc before after

	shift 3
	before=$(pnctl "$N1" -j show 2>&1)
	ip netns exec "$N1" "${PN_PY[@]}" "$PNUTIL" rtnl-link "$op" "$name" "$@" \
		2> "$PN_TMP/err"
	rc=$?
	ktap_info "rtnl-link $op $name $*: exit $rc: $(cat "$PN_TMP/err")"
	if [ "$op" = add ] && ip -n "$N1" link show "$name" > /dev/null 2>&1; then
		ktap_info "$name was created"
		ip -n "$N1" link del "$name"
		rc=0
	fi
	after=$(pnctl "$N1" -j show 2>&1)
	[ "$before" = "$after" ] || ktap_info "changed: $before -> $after"
	[ $rc -eq 1 ] && ! grep -q 'no extack message' "$PN_TMP/err" &&
		[ "$before" = "$after" ]
	ktap_result "kernel: $desc" $?
}
ktap_check "kernel: raw RTM_NEWLINK pn4 vni=7 port=4791 works (control)" \
	sh -c "ip netns exec '$N1' ${PN_PY[*]} '$PNUTIL' rtnl-link add pn4 vni=7 port=4791 &&
		ip netns exec '$N1' '$PODNETCTL' -j show dev pn4 | grep -q '\"vni\":7' &&
		ip -n '$N1' link del pn4"
raw_refused "vni 16777216 refused" add pn4 vni=16777216
raw_refused "vni 0 refused" add pn4 vni=0
raw_refused "port 0 refused" add pn4 port=0
raw_refused "local 10.9.9.9 (not in the namespace) refused" add pn4 local=10.9.9.9
raw_refused "3-byte local address refused" add pn4 local=hex:0a0000
raw_refused "multicast vtep mac refused" add pn4 mac=01:00:5e:00:00:01
raw_refused "encap 9 (no such encap) refused" add pn4 encap=9
raw_refused "link set vni 16777216 refused, nothing changed" set pn2 vni=16777216

# 6. a (vni, port) belongs to one device, up or down, from link add on

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
ip -n "$N1" link set pn2 down
refused_msg "link add pn3 vni 5 port 4790 next to pn2 (down, the same) refused: VNI in use" \
	'VNI already used' pnctl "$N1" link add pn3 vni 5 port 4790
ip -n "$N1" link show pn3 > /dev/null 2>&1
ktap_result "... and no pn3 was made" $((!$?))
ktap_check "link add pn3 vni 6 port 4790 (another vni, the same port)" \
	pnctl "$N1" link add pn3 vni 6 port 4790
refused_msg "link set pn3 vni 5 (pn2's) refused: VNI in use" 'VNI already used' \
	pnctl "$N1" link set pn3 vni 5
attr_is "pn3 keeps vni 6" vni 6 pn3
ktap_check "link add pn5 vni 5 port 4791" pnctl "$N1" link add pn5 vni 5 port 4791
refused_msg "link set pn5 port 4790 (where vni 5 is pn2's) refused: VNI in use" \
	'VNI already used' pnctl "$N1" link set pn5 port 4790
attr_is "pn5 keeps port 4791" port 4791 pn5
ktap_check "pn2 and pn3 (vni 5 and 6, port 4790) both go up" \
	sh -c "ip -n '$N1' link set pn2 up && ip -n '$N1' link set pn3 up"
# flannel.1's port: a vxlan device holds UDP 4792
ktap_check "a vxlan device (flannel.1's kind) takes UDP port 4792" \
	sh -c "ip -n '$N1' link add vx0 type vxlan id 1 dstport 4792 dev eth0 nolearning &&
		ip -n '$N1' link set vx0 up"
refused_msg "link add pn6 port 4792 (held by the vxlan device) refused: port in use" \
	'UDP port in use' pnctl "$N1" link add pn6 port 4792
ip -n "$N1" link show pn6 > /dev/null 2>&1
ktap_result "... and no pn6 was made" $((!$?))
refused_msg "link set pn5 port 4792 refused: port in use" 'UDP port in use' \
	pnctl "$N1" link set pn5 port 4792
attr_is "pn5 keeps port 4791" port 4791 pn5

ktap_finish
