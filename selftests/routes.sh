#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The route table of pn0 (on node n1): deleting a PodCIDR route makes it
# unreachable (the pod gets an ICMP unreachable, tx_no_route counts it),
# adding it back restores it, deleting a peer deletes its routes, route get
# answers the longest match (and traffic follows it), route replace moves a
# route (and traffic follows), the table survives churn under traffic and
# dumps whole when it spans many netlink messages, sync replaces the whole
# table at once (exactly the file's routes, peers kept with their counters,
# nothing changed on error, no packet sees a half-built table), and every
# bad input
# is refused with a message and leaves the table unchanged, whether it comes
# through podnetctl or straight from a raw generic netlink client.

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 93
podnet_require
topo_create_or_bail

N1=${PN_NODE_NS[1]}
P1A=${PN_POD_NS[1a]}
pn_tmpdir

# has_route NS PREFIX VIA: route show lists PREFIX via VIA
has_route()
{
	pnctl "$1" route show dev pn0 | grep -F -- "$2" | grep -qF -- "$3"
}

# no_route NS PREFIX: route show does not list PREFIX
no_route()
{
	local out

	out=$(pnctl "$1" route show dev pn0) || return 1
	! grep -qF -- "$2" <<< "$out"
}

# unreachable NS DST: ping gets no reply but an ICMP unreachable
unreachable()
{
	local out

	if out=$(ns_run "$1" ping -n -c 1 -W 2 "$2" 2>&1); then
		echo "$out"
		return 1
	fi
	grep -qi 'unreachable' <<< "$out" || { echo "$out"; return 1; }
}

# stat_grew OLD NEW: NEW > OLD, both numbers
stat_grew()
{
	is_num "$1" && is_num "$2" && [ "$2" -gt "$1" ]
}

# 1. baseline
ok=0
for m in 2 3; do
	has_route "$N1" "10.244.$m.0/24" "${PN_NODE_IP[$m]}" || ok=1
	has_route "$N1" "fd00:244:$m::/64" "${PN_NODE_IP[$m]}" || ok=1
done
[ $ok -eq 0 ] || pnctl "$N1" route show dev pn0 | ktap_info "$(cat)"
ktap_result "route show on n1 lists the 4 routes to n2 and n3" $ok

# 2. delete the route to n2's IPv4 PodCIDR
before=$(pn_stat "$N1" tx_no_route 2>&1)
ktap_check "route del 10.244.2.0/24" \
	pnctl "$N1" route del 10.244.2.0/24 dev pn0
ktap_check "ping 10.244.2.10 from p1a: ICMP unreachable" \
	unreachable "$P1A" "${PN_POD_IP4[2a]}"
after=$(pn_stat "$N1" tx_no_route 2>&1)
ktap_info "tx_no_route: $before -> $after"
stat_grew "$before" "$after"
ktap_result "tx_no_route counts the dropped IPv4 packet" $?

before=$after
ktap_check "route del fd00:244:2::/64" \
	pnctl "$N1" route del fd00:244:2::/64 dev pn0
ktap_check "ping fd00:244:2::10 from p1a: ICMPv6 unreachable" \
	unreachable "$P1A" "${PN_POD_IP6[2a]}"
after=$(pn_stat "$N1" tx_no_route 2>&1)
ktap_info "tx_no_route: $before -> $after"
stat_grew "$before" "$after"
ktap_result "tx_no_route counts the dropped IPv6 packet" $?

ktap_check "n3's pods still reachable from p1a (IPv4)" ping_ok "$P1A" "${PN_POD_IP4[3a]}"
ktap_check "n3's pods still reachable from p1a (IPv6)" ping_ok "$P1A" "${PN_POD_IP6[3a]}"

# 3. re-add
ktap_check "route add both n2 routes back" topo_routes 1 2 add
ktap_check "ping 10.244.2.10 from p1a works again" ping_ok "$P1A" "${PN_POD_IP4[2a]}"
ktap_check "ping fd00:244:2::10 from p1a works again" ping_ok "$P1A" "${PN_POD_IP6[2a]}"

# 4. peer delete takes its routes along
ktap_check "peer del ${PN_NODE_IP[3]}" pnctl "$N1" peer del "${PN_NODE_IP[3]}" dev pn0
no_route "$N1" 10.244.3.0/24 && no_route "$N1" fd00:244:3::/64
ktap_result "route show no longer lists n3's PodCIDRs" $?
out=$(pnctl "$N1" peer show dev pn0 2>&1)
! grep -qF "${PN_NODE_IP[3]}" <<< "$out"
rc=$?
ktap_result "peer show no longer lists ${PN_NODE_IP[3]}" $rc
ktap_check "n3's pod 10.244.3.10 unreachable from p1a" ping_fails "$P1A" "${PN_POD_IP4[3a]}"
ktap_check "n3's pod fd00:244:3::10 unreachable from p1a" ping_fails "$P1A" "${PN_POD_IP6[3a]}"
ktap_check "n2's pods unaffected" ping_ok "$P1A" "${PN_POD_IP4[2b]}"
ktap_check "route add of n3's PodCIDRs recreates the peer" topo_routes 1 3 add
topo_macs
ktap_check "n3's pods reachable again (IPv4)" ping_ok "$P1A" "${PN_POD_IP4[3a]}"
ktap_check "n3's pods reachable again (IPv6)" ping_ok "$P1A" "${PN_POD_IP6[3a]}"

# 5. route get answers the longest match
# get_is NS ADDR PREFIX VIA: route get ADDR answers PREFIX via VIA
get_is()
{
	local out

	out=$(pnctl "$1" route get "$2" dev pn0 2>&1) || { echo "$out"; return 1; }
	grep -F -- "$3" <<< "$out" | grep -qF -- "$4" || { echo "$out"; return 1; }
}

ktap_check "route add 10.244.2.128/25 via ${PN_NODE_IP[3]} (inside n2's /24)" \
	pnctl "$N1" route add 10.244.2.128/25 via "${PN_NODE_IP[3]}" dev pn0
ktap_check "route add fd00:244:2:8000::/65 via ${PN_NODE_IP[3]}" \
	pnctl "$N1" route add fd00:244:2:8000::/65 via "${PN_NODE_IP[3]}" dev pn0
ktap_check "route get 10.244.2.130 -> 10.244.2.128/25 via ${PN_NODE_IP[3]}" \
	get_is "$N1" 10.244.2.130 10.244.2.128/25 "${PN_NODE_IP[3]}"
ktap_check "route get 10.244.2.5 -> 10.244.2.0/24 via ${PN_NODE_IP[2]}" \
	get_is "$N1" 10.244.2.5 10.244.2.0/24 "${PN_NODE_IP[2]}"
ktap_check "route get fd00:244:2:8000::5 -> fd00:244:2:8000::/65 via ${PN_NODE_IP[3]}" \
	get_is "$N1" fd00:244:2:8000::5 fd00:244:2:8000::/65 "${PN_NODE_IP[3]}"
ktap_check "route get fd00:244:2::10 -> fd00:244:2::/64 via ${PN_NODE_IP[2]}" \
	get_is "$N1" fd00:244:2::10 fd00:244:2::/64 "${PN_NODE_IP[2]}"
out=$(pnctl "$N1" route get 10.99.0.1 dev pn0 2>&1)
rc=$?
ktap_info "route get 10.99.0.1: exit $rc: $out"
[ $rc -ne 0 ]
ktap_result "route get of an address no route holds fails" $?

# traffic follows the longest match: a packet to 10.244.2.130 goes to n3
before=$(pn_peer_stat "$N1" "${PN_NODE_IP[3]}" tx_packets 2>&1)
ns_run "$P1A" ping -n -q -c 3 -i 0.2 -W 1 10.244.2.130 > /dev/null 2>&1
after=$(pn_peer_stat "$N1" "${PN_NODE_IP[3]}" tx_packets 2>&1)
ktap_info "peer ${PN_NODE_IP[3]} tx_packets: $before -> $after"
is_num "$before" && is_num "$after" && [ "$after" -ge $((before + 3)) ]
rc=$?
ktap_result "packets to 10.244.2.130 go to ${PN_NODE_IP[3]} (longest match)" $rc
pnctl "$N1" route del 10.244.2.128/25 dev pn0
pnctl "$N1" route del fd00:244:2:8000::/65 dev pn0

# 6. route replace moves a route to another peer, and traffic follows: n3
# gets p1a's packets for 10.244.2.10 (and, routing them on to n2 with a
# source of n1's, has them dropped there as spoofed: no reply)
ktap_check "route replace 10.244.2.0/24 via ${PN_NODE_IP[3]}" \
	pnctl "$N1" route replace 10.244.2.0/24 via "${PN_NODE_IP[3]}" dev pn0
has_route "$N1" 10.244.2.0/24 "${PN_NODE_IP[3]}"
rc=$?
ktap_result "route show: 10.244.2.0/24 now via ${PN_NODE_IP[3]}" $rc
before=$(pn_peer_stat "$N1" "${PN_NODE_IP[3]}" tx_packets 2>&1)
ns_run "$P1A" ping -n -q -c 3 -i 0.2 -W 1 "${PN_POD_IP4[2a]}" > /dev/null 2>&1
after=$(pn_peer_stat "$N1" "${PN_NODE_IP[3]}" tx_packets 2>&1)
ktap_info "peer ${PN_NODE_IP[3]} tx_packets: $before -> $after"
is_num "$before" && is_num "$after" && [ "$after" -ge $((before + 3)) ]
rc=$?
ktap_result "after replace, packets to 10.244.2.10 go to ${PN_NODE_IP[3]}" $rc
pnctl "$N1" route replace 10.244.2.0/24 via "${PN_NODE_IP[2]}" dev pn0 &&
	has_route "$N1" 10.244.2.0/24 "${PN_NODE_IP[2]}" && ping_ok "$P1A" "${PN_POD_IP4[2a]}"
ktap_result "replace back: p1a reaches 10.244.2.10 again" $?

# 7. churn under traffic: a batch of 400 route del/add and 20 peer del +
# route add, while floods run both ways; the table ends as it began
# (compared sorted: the order of a dump follows peers and the trie)
routes0=$(pnctl "$N1" route show dev pn0 | sort)
ip2=${PN_NODE_IP[2]}
ip3=${PN_NODE_IP[3]}
for ((i = 0; i < 200; i++)); do
	echo "route del 10.244.2.0/24 dev pn0"
	echo "route add 10.244.2.0/24 via $ip2 dev pn0"
	if [ $((i % 10)) -eq 0 ]; then
		echo "peer del $ip3 dev pn0"
		echo "route add 10.244.3.0/24 via $ip3 dev pn0"
		echo "route add fd00:244:3::/64 via $ip3 dev pn0"
	fi
done > "$PN_TMP/churn"
bg_run "$P1A" ping -f -q -w 30 "${PN_POD_IP4[2a]}" > /dev/null 2>&1
f1=$BG_PID
bg_run "${PN_POD_NS[2a]}" ping -f -q -w 30 "${PN_POD_IP4[1a]}" > /dev/null 2>&1
f2=$BG_PID
bg_run "${PN_POD_NS[3b]}" ping -f -q -w 30 "${PN_POD_IP6[1b]}" > /dev/null 2>&1
f3=$BG_PID
pn_sleep 1
t0=$SECONDS
ip netns exec "$N1" timeout 120 "$PODNETCTL" -batch "$PN_TMP/churn" > "$PN_TMP/churn.out" 2>&1
rc=$?
ktap_info "batch of $(wc -l < "$PN_TMP/churn") commands: exit $rc in $((SECONDS - t0)) s"
ktap_info_file "$PN_TMP/churn.out" 10
ktap_result "route churn under traffic: every command succeeds" $rc
bg_kill "$f1" "$f2" "$f3"
topo_macs
[ "$(pnctl "$N1" route show dev pn0 | sort)" = "$routes0" ]
ktap_result "after the churn, route show is as before" $?
ping_ok "$P1A" "${PN_POD_IP4[2a]}" && ping_ok "$P1A" "${PN_POD_IP6[3a]}" &&
	ping_ok "${PN_POD_NS[3a]}" "${PN_POD_IP4[1b]}"
ktap_result "after the churn, pods reach each other" $?

# 8. a table bigger than one netlink message: 3000 /32 routes via n2 and
# 1000 IPv6 /128 via n3, dumped whole, counted in show and peer show
awk -v v2="${PN_NODE_IP[2]}" -v v3="${PN_NODE_IP[3]}" 'BEGIN {
	for (i = 0; i < 3000; i++)
		printf "route add 10.250.%d.%d/32 via %s dev pn0\n", int(i / 250), i % 250 + 1, v2
	for (i = 0; i < 1000; i++)
		printf "route add fd00:250::%x/128 via %s dev pn0\n", i, v3
}' > "$PN_TMP/big"
t0=$SECONDS
ip netns exec "$N1" timeout 300 "$PODNETCTL" -batch "$PN_TMP/big" > "$PN_TMP/big.out" 2>&1
rc=$?
ktap_info "4000 route adds: exit $rc in $((SECONDS - t0)) s"
ktap_info_file "$PN_TMP/big.out" 5
ktap_result "batch add of 4000 routes" $rc
n=$(pnctl "$N1" route show dev pn0 | grep -cE '^(10\.250\.|fd00:250::)')
nj=$(pnctl "$N1" -j route show dev pn0 | "$PN_JQ" length)
ktap_info "route show: $n of the new routes; -j route show: $nj routes in all"
[ "$n" = 4000 ] && [ "$nj" = 4004 ]
ktap_result "route show dumps all 4004 routes (text and JSON)" $?
r=$(pn_attr "$N1" routes 2>&1)
p2=$(pnctl "$N1" -j peer show dev pn0 | json_get "${PN_NODE_IP[2]}" routes 2>&1)
p3=$(pnctl "$N1" -j peer show dev pn0 | json_get "${PN_NODE_IP[3]}" routes 2>&1)
ktap_info "show: routes $r; peer ${PN_NODE_IP[2]}: routes $p2; peer ${PN_NODE_IP[3]}: routes $p3"
[ "$r" = 4004 ] && [ "$p2" = 3002 ] && [ "$p3" = 1002 ]
ktap_result "show and peer show count them (4004, 3002, 1002)" $?
get_is "$N1" 10.250.11.250 10.250.11.250/32 "${PN_NODE_IP[2]}" &&
	get_is "$N1" fd00:250::3e7 fd00:250::3e7/128 "${PN_NODE_IP[3]}"
ktap_result "route get finds routes deep in the table" $?
sed 's/^route add \([^ ]*\) via [^ ]* /route del \1 /' "$PN_TMP/big" > "$PN_TMP/big.del"
ip netns exec "$N1" timeout 300 "$PODNETCTL" -batch "$PN_TMP/big.del" > "$PN_TMP/big.out" 2>&1 &&
	[ "$(pnctl "$N1" route show dev pn0 | sort)" = "$routes0" ]
ktap_result "batch del of the 4000 routes leaves the table as it was" $?

# 9. sync: the whole table at once (podnetctl sync, PODNET_CMD_SYNC)
# routes_now: "PREFIX via ADDR" of route show, sorted
routes_now()
{
	pnctl "$N1" route show dev pn0 | awk '$2 == "via" { print $1, $2, $3 }' | sort
}
# routes_of FILE: the route lines of a sync file, sorted
routes_of()
{
	sed 's/#.*//; s/[[:space:]]*$//' "$1" | grep -E '^[0-9a-f:.]+/[0-9]+ via ' | sort
}
# peers_now: the peer addresses, sorted, on one line
peers_now()
{
	pnctl "$N1" -j peer show dev pn0 |
		"$PN_JQ" -r '[.[].addr] | sort | join(" ")'
}
# sync_table DESC FILE: sync, then route show has exactly FILE's routes
sync_table()
{
	local out rc

	out=$(pnctl "$N1" sync dev pn0 "$2" 2>&1)
	rc=$?
	[ $rc -eq 0 ] || ktap_info "sync $2: exit $rc: $out"
	if [ $rc -eq 0 ] && [ "$(routes_now)" = "$(routes_of "$2")" ]; then
		ktap_ok "$1"
	else
		ktap_info "wanted:" "$(routes_of "$2")" "route show:" "$(routes_now)"
		ktap_fail "$1"
	fi
}

full=$PN_TMP/sync.full
{
	echo "# the topology's table, with the peers' vtep macs"
	for m in 2 3; do
		echo "10.244.$m.0/24 via ${PN_NODE_IP[$m]}"
		echo "fd00:244:$m::/64 via ${PN_NODE_IP[$m]}"
		echo "peer ${PN_NODE_IP[$m]} mac $(pn_vtep_mac "${PN_NODE_NS[$m]}")"
	done
} > "$full"
{
	cat "$full"
	echo "10.244.9.0/24 via ${PN_NODE_IP[3]}   # one more"
	echo "peer 192.168.1.77"
} > "$PN_TMP/sync.more"
grep -v "${PN_NODE_IP[3]}" "$full" > "$PN_TMP/sync.n2"

tx0=$(pn_peer_stat "$N1" "${PN_NODE_IP[2]}" tx_packets 2>&1)
sync_table "sync: route show has exactly the file's routes (one added)" "$PN_TMP/sync.more"
p=$(peers_now 2>&1)
[ "$p" = "${PN_NODE_IP[2]} ${PN_NODE_IP[3]} 192.168.1.77" ]
ktap_result "sync: peers are those routes or peer lines name (got: $p)" $?
tx1=$(pn_peer_stat "$N1" "${PN_NODE_IP[2]}" tx_packets 2>&1)
ktap_info "peer ${PN_NODE_IP[2]} tx_packets: $tx0 -> $tx1"
is_num "$tx0" && is_num "$tx1" && [ "$tx0" -gt 0 ] && [ "$tx1" -ge "$tx0" ]
ktap_result "sync: a peer that stays keeps its counters" $?

sync_table "sync to n2's routes only: n3's are gone" "$PN_TMP/sync.n2"
p=$(peers_now 2>&1)
[ "$p" = "${PN_NODE_IP[2]}" ] && ping_fails "$P1A" "${PN_POD_IP4[3a]}" &&
	ping_ok "$P1A" "${PN_POD_IP4[2a]}"
rc=$?
ktap_result "sync to n2's routes only: only peer ${PN_NODE_IP[2]} left (got: $p), n3 unreachable, n2 reachable" $rc

# refused syncs change nothing
before=$(routes_now; peers_now)
{ cat "$full"; echo "10.244.9.1/24 via ${PN_NODE_IP[3]}"; } > "$PN_TMP/sync.bad"
line=$(wc -l < "$PN_TMP/sync.bad")
out=$(pnctl "$N1" sync dev pn0 "$PN_TMP/sync.bad" 2>&1)
rc=$?
ktap_info "sync of a file with host bits on line $line: exit $rc: $out"
[ $rc -ne 0 ] && grep -q "sync.bad:$line:" <<< "$out" &&
	[ "$(routes_now; peers_now)" = "$before" ]
ktap_result "sync of a bad file: refused naming the line, nothing changed" $?
# kernel_sync_refused DESC ROUTES...: raw PODNET_CMD_SYNC refused, no change
kernel_sync_refused()
{
	local desc=$1 rc

	shift
	ip netns exec "$N1" "${PN_PY[@]}" "$PNUTIL" genl-sync pn0 "$@" 2> "$PN_TMP/err"
	rc=$?
	ktap_info "genl-sync $*: exit $rc: $(cat "$PN_TMP/err")"
	[ $rc -eq 1 ] && ! grep -q 'no extack message' "$PN_TMP/err" &&
		[ "$(routes_now; peers_now)" = "$before" ]
	ktap_result "kernel: sync with $desc: refused with a message, nothing changed" $?
}
kernel_sync_refused "a route with host bits" \
	"10.244.3.0/24 via ${PN_NODE_IP[3]}" "10.244.9.1/24 via ${PN_NODE_IP[3]}"
kernel_sync_refused "the same prefix twice" \
	"10.244.3.0/24 via ${PN_NODE_IP[3]}" "10.244.3.0/24 via ${PN_NODE_IP[2]}"

sync_table "sync back to the full table" "$full"
ping_ok "$P1A" "${PN_POD_IP4[3a]}" && ping_ok "$P1A" "${PN_POD_IP6[3b]}"
ktap_result "after sync back, n3's pods are reachable" $?

# atomic: under floods to n2 and n3, 40 syncs that keep their routes; a
# lookup that saw a half-built table would count in tx_no_route
nr0=$(pn_stat "$N1" tx_no_route 2>&1)
bg_run "$P1A" ping -f -q -w 60 "${PN_POD_IP4[2a]}" > /dev/null 2>&1
f1=$BG_PID
bg_run "${PN_POD_NS[1b]}" ping -f -q -w 60 "${PN_POD_IP6[3a]}" > /dev/null 2>&1
f2=$BG_PID
pn_sleep 1
ok=0
t0=$SECONDS
for ((i = 0; i < 20; i++)); do
	pnctl "$N1" sync dev pn0 "$PN_TMP/sync.more" > /dev/null 2>&1 || ok=1
	pnctl "$N1" sync dev pn0 "$full" > /dev/null 2>&1 || ok=1
done
ktap_info "40 syncs in $((SECONDS - t0)) s"
ktap_result "40 syncs under traffic succeed" $ok
bg_kill "$f1" "$f2"
nr1=$(pn_stat "$N1" tx_no_route 2>&1)
ktap_info "tx_no_route: $nr0 -> $nr1"
is_num "$nr0" && is_num "$nr1" && [ "$nr1" -eq "$nr0" ]
ktap_result "no packet saw a half-built table (tx_no_route unchanged)" $?

: > "$PN_TMP/sync.empty"
sync_table "sync of an empty file removes every route" "$PN_TMP/sync.empty"
p=$(peers_now 2>&1)
[ -z "$p" ]
ktap_result "... and every peer (left: '$p')" $?
sync_table "sync of the full table restores them" "$full"

# 10. bad input: refused with a message, tables unchanged
# refused DESC PATTERN ARGS...: podnetctl ARGS on n1 fails with a message on
# stderr (matching the extended regex PATTERN, "" = anything) and leaves the
# route and peer tables as they were
refused()
{
	local desc=$1 pat=$2 rc err routes0 peers0 routes1 peers1

	shift 2
	routes0=$(pnctl "$N1" route show dev pn0 2>&1)
	peers0=$(pnctl "$N1" peer show dev pn0 2>&1)
	pnctl "$N1" "$@" > "$PN_TMP/out" 2> "$PN_TMP/err"
	rc=$?
	err=$(cat "$PN_TMP/err")
	ktap_info "podnetctl $*: exit $rc, stderr: ${err:-<empty>}"
	if [ $rc -ne 0 ] && [ -n "$err" ] &&
	   { [ -z "$pat" ] || grep -qiE -- "$pat" <<< "$err"; }; then
		ktap_ok "$desc: refused with a message"
	else
		ktap_fail "$desc: refused with a message${pat:+ matching /$pat/}"
	fi
	routes1=$(pnctl "$N1" route show dev pn0 2>&1)
	peers1=$(pnctl "$N1" peer show dev pn0 2>&1)
	if [ "$routes0" = "$routes1" ] && [ "$peers0" = "$peers1" ]; then
		ktap_ok "$desc: tables unchanged"
	else
		ktap_info "before:" "$routes0" "$peers0"
		ktap_info "after:" "$routes1" "$peers1"
		ktap_fail "$desc: tables unchanged"
	fi
}

NOENT='no such|not found|not exist|does not exist|doesn.t exist|unknown'
refused "route add with host bits set (IPv4)" "" \
	route add 10.244.5.1/24 via "${PN_NODE_IP[2]}" dev pn0
refused "route add with host bits set (IPv6)" "" \
	route add fd00:244:5::1/64 via "${PN_NODE_IP[2]}" dev pn0
refused "route add with prefix length 33" "" \
	route add 10.244.5.0/33 via "${PN_NODE_IP[2]}" dev pn0
refused "route add with prefix length 129" "" \
	route add fd00:244:5::/129 via "${PN_NODE_IP[2]}" dev pn0
refused "route add of a malformed prefix (10.244.300.0/24)" "" \
	route add 10.244.300.0/24 via "${PN_NODE_IP[2]}" dev pn0
refused "route add of a malformed prefix (bogus/24)" "" \
	route add bogus/24 via "${PN_NODE_IP[2]}" dev pn0
refused "route add via a malformed address" "" \
	route add 10.244.5.0/24 via 192.168.1.300 dev pn0
refused "route add on an unknown device" "" \
	route add 10.244.5.0/24 via "${PN_NODE_IP[2]}" dev nosuch0
refused "route add on a device that is not podnet" "" \
	route add 10.244.5.0/24 via "${PN_NODE_IP[2]}" dev eth0
refused "duplicate route add (same peer): EEXIST" "exist" \
	route add 10.244.2.0/24 via "${PN_NODE_IP[2]}" dev pn0
refused "duplicate route add (other peer): EEXIST" "exist" \
	route add 10.244.2.0/24 via "${PN_NODE_IP[3]}" dev pn0
refused "duplicate IPv6 route add: EEXIST" "exist" \
	route add fd00:244:3::/64 via "${PN_NODE_IP[3]}" dev pn0
refused "route del of a missing route: ENOENT" "$NOENT" \
	route del 10.244.77.0/24 dev pn0
refused "route del of a missing IPv6 route: ENOENT" "$NOENT" \
	route del fd00:244:77::/64 dev pn0
refused "peer del of a missing peer: ENOENT" "$NOENT" \
	peer del 192.168.1.77 dev pn0

# 11. the same mistakes sent straight to the kernel (podnetctl checks some
# of them before asking): refused with an extack message, tables unchanged
# kernel_refused DESC genl-route ARGS...
kernel_refused()
{
	local desc=$1 rc err t0 t1

	shift
	t0=$(pnctl "$N1" route show dev pn0; pnctl "$N1" peer show dev pn0)
	ip netns exec "$N1" "${PN_PY[@]}" "$PNUTIL" genl-route "$@" 2> "$PN_TMP/err"
	rc=$?
	err=$(cat "$PN_TMP/err")
	t1=$(pnctl "$N1" route show dev pn0; pnctl "$N1" peer show dev pn0)
	ktap_info "genl-route $*: exit $rc: ${err:-<nothing>}"
	[ "$t0" = "$t1" ] || ktap_info "tables changed:" "$t0" "---" "$t1"
	[ $rc -eq 1 ] && ! grep -q 'no extack message' <<< "$err" &&
		[ "$t0" = "$t1" ]
	ktap_result "kernel: $desc: refused with a message, tables unchanged" $?
}
ktap_check "kernel: the raw client adds and deletes a valid route (control)" \
	ip netns exec "$N1" sh -c "${PN_PY[*]} '$PNUTIL' genl-route add pn0 10.244.6.0 --len 24 --via ${PN_NODE_IP[2]} &&
		'$PODNETCTL' route show dev pn0 | grep -q 10.244.6.0/24 &&
		${PN_PY[*]} '$PNUTIL' genl-route del pn0 10.244.6.0 --len 24"
kernel_refused "host bits set" add pn0 10.244.5.1 --len 24 --via "${PN_NODE_IP[2]}"
kernel_refused "IPv4 prefix length 33" add pn0 10.244.5.0 --len 33 --via "${PN_NODE_IP[2]}"
kernel_refused "IPv6 prefix length 129" add pn0 fd00:244:5:: --len 129 --via "${PN_NODE_IP[2]}"
kernel_refused "5-byte prefix" add pn0 hex:0af4050000 --len 24 --via "${PN_NODE_IP[2]}"
kernel_refused "no via" add pn0 10.244.5.0 --len 24

ping_ok "$P1A" "${PN_POD_IP4[2a]}" && ping_ok "$P1A" "${PN_POD_IP6[3b]}"
ktap_result "after all that, p1a still reaches p2a and p3b" $?

ktap_finish
