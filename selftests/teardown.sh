#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Teardown under traffic, with a clean kernel log:
#  - podnetctl link del pn0 on n1 in the middle of a ping flood through it;
#  - pn0 down and up mid-flood (traffic resumes), and a move to another
#    namespace (refused, or clean; a moved pn0 still works through its
#    original namespace's underlay, and goes when that namespace is deleted);
#  - deleting node n3's whole network namespace (pn0 inside) mid-flood;
#  - deleting n2's underlay device (pn0's dev) mid-flood;
#  - rmmod podnet with pn0 up on every node and floods running (the module's
#    exit deletes the devices), then insmod again: the module loads, prints
#    "podnet: loaded" and works.
# Every step must finish within a bound (a leaked reference shows as a hang
# in unregister_netdevice), and the kernel log after the test's start must
# hold no BUG, WARNING, Oops, KASAN, lockdep or refcount report.

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 24
podnet_require
topo_create_or_bail
pn_tmpdir
dmesg_mark teardown-start
MARK_START=$DMESG_MARK

N1=${PN_NODE_NS[1]}
N2=${PN_NODE_NS[2]}
P1A=${PN_POD_NS[1a]}

# bounded SECS CMD...: run CMD, but give up waiting after SECS (a task stuck
# in the kernel cannot be killed; it is left behind). 124 on timeout.
bounded()
{
	local secs=$1 pid t0=$SECONDS rc

	shift
	"$@" &
	pid=$!
	if ! wait_for "$secs" pid_gone "$pid"; then
		echo "still running after $secs s: $*"
		return 124
	fi
	wait "$pid"
	rc=$?
	echo "$*: exit $rc after $((SECONDS - t0)) s" >> "$PN_TMP/times"
	return "$rc"
}

# flood NS DST: ping -f in the background (at most 60 s), PID in BG_PID
flood()
{
	bg_run "$1" ping -f -q -w 60 "$2" > /dev/null 2>&1
}

# flood_done PID: stop the flood (SIGINT) once its step is over; it must
# end within 20 s (a task stuck in the kernel does not)
flood_done()
{
	kill -INT "$1" 2>/dev/null
	wait_for 20 pid_gone "$1" || return 1
	wait "$1" 2>/dev/null
	return 0
}

# check_dmesg DESC [MARK]: the kernel log since MARK (default: the last
# dmesg_mark) holds no report
check_dmesg()
{
	DMESG_MARK=${2:-$DMESG_MARK} dmesg_since_mark "$PN_TMP/dmesg"
	if dmesg_clean "$PN_TMP/dmesg" > "$PN_TMP/dmesg.bad" 2>&1; then
		ktap_ok "$1"
	else
		ktap_info "kernel log since the test started:"
		ktap_info_file "$PN_TMP/dmesg" 80
		ktap_fail "$1"
	fi
}

# A. delete pn0 of n1 in the middle of a flood through it
tx0=$(pn_peer_stat "$N1" "${PN_NODE_IP[2]}" tx_packets 2>&1)
flood "$P1A" "${PN_POD_IP4[2a]}"
fpid=$BG_PID
flood "${PN_POD_NS[1b]}" "${PN_POD_IP6[2b]}"
fpid6=$BG_PID
pn_sleep 2
tx1=$(pn_peer_stat "$N1" "${PN_NODE_IP[2]}" tx_packets 2>&1)
ktap_info "n1 peer ${PN_NODE_IP[2]} tx_packets after 2 s of flood: $tx0 -> $tx1"
is_num "$tx0" && is_num "$tx1" && [ "$tx1" -gt $((tx0 + 50)) ]
ktap_result "ping flood p1a -> p2a runs through pn0" $?
ktap_check "podnetctl link del pn0 on n1 mid-flood" \
	bounded 30 ip netns exec "$N1" "$PODNETCTL" link del pn0
! ip -n "$N1" link show pn0 > /dev/null 2>&1
ktap_result "pn0 is gone from n1" $?
flood_done "$fpid" && flood_done "$fpid6"
ktap_result "the floods end (no task stuck)" $?
ktap_check "n2's and n3's pods still talk (p2a -> p3a)" \
	ping_ok "${PN_POD_NS[2a]}" "${PN_POD_IP4[3a]}"
topo_podnet 1 > "$PN_TMP/re.log" 2>&1 && topo_macs >> "$PN_TMP/re.log" 2>&1 &&
	ping_ok "$P1A" "${PN_POD_IP4[2a]}" &&
	ping_ok "$P1A" "${PN_POD_IP6[3a]}"
rc=$?
[ $rc -eq 0 ] || ktap_info_file "$PN_TMP/re.log"
ktap_result "pn0 recreated on n1 works" $rc

# A2. down and up in the middle of floods both ways (n2 keeps sending to
# n1's closed port: ICMP errors come back to n2's tunnel socket)
flood "$P1A" "${PN_POD_IP4[2a]}"
fpid=$BG_PID
flood "${PN_POD_NS[2a]}" "${PN_POD_IP4[1a]}"
fpid2=$BG_PID
pn_sleep 1
ktap_check "ip link set pn0 down on n1 mid-flood" \
	bounded 30 ip -n "$N1" link set pn0 down
pn_sleep 1
flood_done "$fpid"
flood_done "$fpid2"
# the kernel drops IPv4 routes of a device that goes down: add them back
ip -n "$N1" link set pn0 up && ip -n "$N1" route replace 10.244.0.0/16 dev pn0 &&
	ip -n "$N1" -6 route replace fd00:244::/32 dev pn0 &&
	ping_ok "$P1A" "${PN_POD_IP4[2a]}" && ping_ok "${PN_POD_NS[2a]}" "${PN_POD_IP6[1a]}"
ktap_result "pn0 up again on n1: traffic resumes both ways" $?

# A3. moving pn0 to another namespace: refused, or a clean move
MV="pn-mv-$PN_SUFFIX"
ns_add "$MV"
out=$(bounded 30 ip -n "$N1" link set pn0 netns "$MV" 2>&1)
rc=$?
ktap_info "ip link set pn0 netns $MV: exit $rc: $out"
if [ $rc -eq 0 ]; then
	ip -n "$MV" link show pn0 > /dev/null 2>&1 &&
		! ip -n "$N1" link show pn0 > /dev/null 2>&1
else
	[ -n "$out" ] && ip -n "$N1" link show pn0 > /dev/null 2>&1
fi
ktap_result "moving pn0 to another namespace is refused, or clean" $?
# a moved device keeps its socket and underlay in n1 (like vxlan's
# link-netns): from the new namespace it still reaches n2's pods
if [ $rc -eq 0 ] && ip -n "$MV" link show pn0 > /dev/null 2>&1; then
	ip -n "$MV" link set pn0 up && ip -n "$MV" addr add 10.244.1.200/32 dev pn0 &&
		ip -n "$MV" route add 10.244.2.0/24 dev pn0 &&
		ping_ok "$MV" "${PN_POD_IP4[2a]}"
	ktap_result "moved pn0 works from its new namespace (through n1's underlay)" $?
	ktap_check "moved pn0 can be deleted" bounded 30 ip -n "$MV" link del pn0
else
	ktap_skip "moved pn0 works from its new namespace" "the move was refused"
	ktap_skip "moved pn0 can be deleted" "the move was refused"
fi
ip -n "$N1" link del pn0 2> /dev/null
if ! { topo_podnet 1 && topo_macs; } > "$PN_TMP/re.log" 2>&1; then
	ktap_info_file "$PN_TMP/re.log"
fi

# C. delete node n3's namespace (pn0 in it) mid-flood
flood "$P1A" "${PN_POD_IP4[3a]}"
fpid=$BG_PID
flood "${PN_POD_NS[3a]}" "${PN_POD_IP4[1a]}"
fpid3=$BG_PID
pn_sleep 1
ktap_check "ip netns del n3 (with pn0) mid-flood" bounded 30 ns_del "${PN_NODE_NS[3]}"
flood_done "$fpid"
flood_done "$fpid3"
ktap_check "p1a -> p2a still works" ping_ok "$P1A" "${PN_POD_IP4[2a]}"

# B. delete n2's underlay device (pn0's dev) mid-flood
flood "$P1A" "${PN_POD_IP4[2a]}"
fpid=$BG_PID
flood "${PN_POD_NS[2a]}" "${PN_POD_IP4[1a]}"
fpid2=$BG_PID
pn_sleep 1
ktap_check "ip link del eth0 on n2 (pn0's underlay) mid-flood" \
	bounded 30 ip -n "$N2" link del eth0
flood_done "$fpid"
flood_done "$fpid2"
ktap_check "pn0 of n2 can be deleted afterwards (or is gone)" \
	bounded 30 sh -c "! ip -n '$N2' link show pn0 >/dev/null 2>&1 || ip netns exec '$N2' '$PODNETCTL' link del pn0"


# A4. a device whose socket lives in a namespace that dies goes with it:
# move n1's pn0 out, delete n1's namespace
MV2="pn-mv2-$PN_SUFFIX"
ns_add "$MV2"
if ip -n "$N1" link set pn0 netns "$MV2" 2> /dev/null; then
	ip -n "$MV2" link set pn0 up
	ktap_check "ip netns del n1 (pn0's socket namespace)" bounded 30 ns_del "$N1"
	wait_for 60 sh -c "! ip -n '$MV2' link show pn0"
	ktap_result "pn0 (moved out of n1) is deleted with n1's namespace" $?
else
	ktap_skip "ip netns del n1 (pn0's socket namespace)" "the move was refused"
	ktap_skip "pn0 (moved out of n1) is deleted with n1's namespace" \
		"the move was refused"
fi
ktap_info_file "$PN_TMP/times"

# E. rmmod with devices up and traffic running, then load again. Built in
# (the debug kernel) there is no rmmod: every pn0 is deleted under the
# floods instead, which is what the module's exit does.
del_all_pn0()
{
	local n

	for n in 1 2 3; do
		pnctl "${PN_NODE_NS[$n]}" link del pn0 || return 1
	done
}
pn_cleanup
t_del=$SECONDS
pn_tmpdir
dmesg_mark teardown-rmmod
topo_create > "$PN_TMP/topo.log" 2>&1 || ktap_info_file "$PN_TMP/topo.log"
# one probe (a namespace made and deleted: seconds on the debug kernel)
builtin=0
! podnet_builtin || builtin=1
flood "$P1A" "${PN_POD_IP4[2a]}"
flood "${PN_POD_NS[2b]}" "${PN_POD_IP6[3b]}"
flood "${PN_POD_NS[3a]}" "${PN_POD_IP4[1b]}"
pn_sleep 1
if [ "$builtin" = 1 ]; then
	ktap_check "podnet built in: link del pn0 on 3 nodes with floods running" \
		bounded 60 del_all_pn0
else
	ktap_check "rmmod podnet with pn0 up on 3 nodes and floods running" \
		bounded 60 rmmod podnet
fi
ok=0
! lsmod | grep -q '^podnet ' || { ktap_info "podnet still in lsmod"; ok=1; }
for n in 1 2 3; do
	if ip -n "${PN_NODE_NS[$n]}" link show pn0 > /dev/null 2>&1; then
		ktap_info "pn0 still on n$n"
		ok=1
	fi
done
ktap_result "module gone, and every pn0 with it" $ok
for pid in "${PN_BGPIDS[@]}"; do
	flood_done "$pid"
done
ktap_info_file "$PN_TMP/times"
if [ "$builtin" = 1 ]; then
	ktap_check "podnet still there (built in)" podnet_load
	dmesg | grep -q 'podnet: loaded'
	ktap_result "the kernel log has 'podnet: loaded' (from boot)" $?
else
	ktap_check "insmod podnet again" podnet_load
	pn_sleep 0.5
	dmesg_since_mark "$PN_TMP/dmesg"
	grep -q 'podnet: loaded' "$PN_TMP/dmesg"
	ktap_result "the module says 'podnet: loaded'" $?
fi
ok=0
for n in 1 2 3; do
	topo_podnet "$n" >> "$PN_TMP/re.log" 2>&1 || ok=1
done
topo_macs >> "$PN_TMP/re.log" 2>&1 || ok=1
[ $ok -eq 0 ] || ktap_info_file "$PN_TMP/re.log"
[ $ok -eq 0 ] && ping_ok "$P1A" "${PN_POD_IP4[2a]}" && ping_ok "$P1A" "${PN_POD_IP6[3b]}"
ktap_result "pn0 on every node again after reload, pods reach each other" $?
# A leaked reference shows as "unregister_netdevice: waiting" 10 s after
# the deletion: both logs are judged at least 11 s after the cleanup
# before part E (which deleted every namespace left), so that part E's
# own run is the wait
t_wait=$((11 - (SECONDS - t_del)))
pn_sleep $((t_wait > 1 ? t_wait : 1))
check_dmesg "kernel log clean after the device deletions (since the test started)" \
	"$MARK_START"
check_dmesg "kernel log clean after rmmod and reload"

ktap_finish
