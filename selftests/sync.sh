#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Atomic resync (podnetctl sync, PODNET_CMD_SYNC) under traffic, on node n1
# of a four-node topology. Two sync files alternate:
#   A: n2 and n3 (the nodes that stay), n4, and 50 routes via 10 other
#      (absent) nodes;
#   B: n2 and n3, 50 other routes via 10 other absent nodes, and a peer
#      line that names no route.
#  - after each sync, route show is exactly the file's routes and peer show
#    the peers it names; n4's pods are reachable after A, not after B;
#  - four continuous pings (-i 0.05) between n1's pods and those of n2 and
#    n3, both directions, IPv4 and IPv6, run across at least 100 syncs and
#    lose no packet (sent == received, exactly); n1 counts no tx_no_route
#    and no rx drop; the peers that stay keep their counters;
#  - podnetctl monitor sees one "sync" event per successful sync, with the
#    file's numbers of peers and routes, in order, and no route or peer
#    events for them;
#  - syncs that fail (a bad line, an invalid prefix, a duplicate, a missing
#    via, no file; and straight to the kernel: an invalid prefix or a
#    duplicate after 50 good routes) are refused with a message and change
#    nothing: same routes, same peers, no event;
#  - a new peer's settings are in place before the table that reaches it:
#    file C adds n4 with "port 4789" (its peer line after 3000 others); syncs
#    B, C, B, C... under a UDP flood to n4's pod send no packet to n4's
#    default port 8472 (a capture on n1's underlay port), while they do
#    send to 4789;
#  - on a device whose encap is ipip, a sync naming an IPv6 peer without an
#    encap of its own is refused with a message and changes nothing, and
#    is taken once a peer line gives that peer an encap.

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
PN_NODES=4
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

MIN_SYNCS=100
ktap_plan 42
podnet_require
topo_create_or_bail

N1=${PN_NODE_NS[1]}
P1A=${PN_POD_NS[1a]}
P1B=${PN_POD_NS[1b]}
pn_tmpdir
ktap_info "topology ready after $SECONDS s"
A=$PN_TMP/sync.A
B=$PN_TMP/sync.B

# ------------------------------------------------------------ helpers ----

# ms: milliseconds since the epoch
ms()
{
	echo $(($(date +%s%N) / 1000000))
}

# routes_now: n1's routes as "PREFIX via ADDR", sorted
routes_now()
{
	pnctl "$N1" route show dev pn0 | awk '$2 == "via" { print $1, $2, $3 }' | sort
}

# routes_of FILE: the route lines of a sync file, sorted
routes_of()
{
	sed 's/#.*//; s/[[:space:]]*$//' "$1" | grep -E '^[0-9a-f:.]+/[0-9]+ via ' |
		awk '{ print $1, $2, $3 }' | sort
}

# peers_now: n1's peer addresses, sorted, one a line
peers_now()
{
	pnctl "$N1" peer show dev pn0 | awk 'NF && $1 !~ /^(tx|rx|last)/ { print $1 }' |
		sort
}

# peers_of FILE: the peers a sync file names (routes' via and peer lines)
peers_of()
{
	sed 's/#.*//' "$1" | awk '$2 == "via" { print $3 } $1 == "peer" { print $2 }' |
		sort -u
}

# state: everything a sync may change, for before/after comparisons
state()
{
	pnctl "$N1" route show dev pn0 | sort
	pnctl "$N1" peer show dev pn0 | sort
}

# sync_counts FILE: "peers P routes R" the sync event of FILE must show
sync_counts()
{
	echo "peers $(peers_of "$1" | wc -l) routes $(routes_of "$1" | wc -l)"
}

# do_sync FILE: sync n1 to FILE; on success the event it must cause is
# appended to $PN_TMP/want_events
do_sync()
{
	local counts

	case $1 in
	"$A") counts=$COUNTS_A ;;
	"$B") counts=$COUNTS_B ;;
	*) counts=$(sync_counts "$1") ;;
	esac
	pnctl "$N1" sync dev pn0 "$1" || return 1
	echo "sync dev pn0 $counts" >> "$PN_TMP/want_events"
}

# ---------------------------------------------------------- the files ----

# staying NODE...: the lines of the nodes given, with their vtep macs
node_lines()
{
	local m

	for m in "$@"; do
		echo "10.244.$m.0/24 via ${PN_NODE_IP[$m]}"
		echo "fd00:244:$m::/64 via ${PN_NODE_IP[$m]}"
		echo "peer ${PN_NODE_IP[$m]} mac $(pn_vtep_mac "${PN_NODE_NS[$m]}")"
	done
}

{
	echo "# sync A: n2, n3, n4 and 50 routes via 192.168.1.100-109"
	node_lines 2 3 4
	for ((k = 0; k < 40; k++)); do
		echo "10.245.$k.0/24 via 192.168.1.$((100 + k % 10))"
	done
	for ((k = 0; k < 10; k++)); do
		printf 'fd00:245:%x::/64 via 192.168.1.%d\n' $((k + 1)) $((100 + k))
	done
} > "$A"
{
	echo "# sync B: n2, n3 and 50 routes via 192.168.1.150-159, peer .200"
	node_lines 2 3
	for ((k = 0; k < 45; k++)); do
		echo "10.246.$k.0/24 via 192.168.1.$((150 + k % 10))"
	done
	for ((k = 0; k < 5; k++)); do
		printf 'fd00:246:%x::/64 via 192.168.1.%d\n' $((k + 1)) $((150 + k))
	done
	echo "peer 192.168.1.200 port 4789   # a peer without routes"
} > "$B"
ROUTES_A=$(routes_of "$A")
ROUTES_B=$(routes_of "$B")
PEERS_A=$(peers_of "$A")
PEERS_B=$(peers_of "$B")
COUNTS_A=$(sync_counts "$A")
COUNTS_B=$(sync_counts "$B")
ktap_info "file A: $COUNTS_A; file B: $COUNTS_B"

# ------------------------------------------------------------ monitor ----

: > "$PN_TMP/want_events"
bg_run "$N1" "$PODNETCTL" monitor dev pn0 > "$PN_TMP/mon" 2> "$PN_TMP/mon.err"
MON=$BG_PID
monitors_listening 192.168.1.250 "$N1:$PN_TMP/mon"
ktap_result "podnetctl monitor on n1 is listening (sees a probe peer add/del)" $?
# everything after this line of the monitor is the syncs' doing
mon_start=$(wc -l < "$PN_TMP/mon")

# ---------------------------------------------------- A and B, checked ----

# check_synced DESC FILE ROUTES PEERS: sync to FILE, then exactly its
# routes and peers
check_synced()
{
	local desc=$1 file=$2 out rc r p

	out=$(do_sync "$file" 2>&1)
	rc=$?
	r=$(routes_now)
	p=$(peers_now)
	if [ $rc -eq 0 ] && [ "$r" = "$3" ]; then
		ktap_ok "$desc: route show has exactly the file's $(wc -l <<< "$3") routes"
	else
		ktap_info "sync: exit $rc: $out" "route show:" "$r"
		ktap_fail "$desc: route show has exactly the file's routes"
	fi
	if [ "$p" = "$4" ]; then
		ktap_ok "$desc: peer show has exactly the $(wc -l <<< "$4") peers it names"
	else
		ktap_info "wanted peers:" "$4" "peer show:" "$p"
		ktap_fail "$desc: peer show has exactly the peers it names"
	fi
}

check_synced "sync A" "$A" "$ROUTES_A" "$PEERS_A"
ping_ok "$P1A" "${PN_POD_IP4[4a]}" && ping_ok "$P1B" "${PN_POD_IP6[4b]}"
ktap_result "after sync A: n4's pods reachable from n1 (IPv4 and IPv6)" $?
mac=$(pnctl "$N1" -j peer show dev pn0 | json_get "${PN_NODE_IP[4]}" mac 2>&1)
[ "$mac" = "$(pn_vtep_mac "${PN_NODE_NS[4]}")" ]
ktap_result "after sync A: n4's peer has the mac of its peer line ($mac)" $?

check_synced "sync B" "$B" "$ROUTES_B" "$PEERS_B"
ping_fails "$P1A" "${PN_POD_IP4[4a]}" && ping_fails "$P1B" "${PN_POD_IP6[4b]}" &&
	ping_ok "$P1A" "${PN_POD_IP4[2a]}" && ping_ok "$P1B" "${PN_POD_IP6[3b]}"
ktap_result "after sync B: n4's pods unreachable, n2's and n3's reachable" $?
port=$(pnctl "$N1" -j peer show dev pn0 | json_get 192.168.1.200 port 2>&1)
[ "$port" = 4789 ]
ktap_result "after sync B: the route-less peer line made peer 192.168.1.200 port 4789 (port: $port)" $?

# loop_sync I CHECK: sync number I of the loop, to A when I is even, B
# when odd; with CHECK 1, route show must then be exactly the file's
# (problems are listed in $PN_TMP/loop.bad)
loop_sync()
{
	local file=$A want=$ROUTES_A out

	if [ $(($1 % 2)) -eq 1 ]; then
		file=$B
		want=$ROUTES_B
	fi
	if ! out=$(do_sync "$file" 2>&1); then
		echo "sync $1 ($(basename "$file")) failed: $out" >> "$PN_TMP/loop.bad"
		return 1
	fi
	[ "$2" -eq 0 ] || [ "$(routes_now)" = "$want" ] ||
		echo "after sync $1 ($(basename "$file")) route show differs from the file" >> "$PN_TMP/loop.bad"
	return 0
}

: > "$PN_TMP/loop.bad"
t0=$(ms)
for ((i = 0; i < 10; i++)); do
	loop_sync "$i" 1
done
[ ! -s "$PN_TMP/loop.bad" ]
rc=$?
ktap_result "10 syncs A/B without traffic ($(($(ms) - t0)) ms), route show right after each" $rc
ktap_info_file "$PN_TMP/loop.bad" 10

# --------------------------------------------- 100+ syncs under pings ----
#
# Rounds of four pings of ROUND_ECHOES echoes each at 0.05 s; while all
# four of a round run, batches of BATCH syncs (one podnetctl -batch each,
# alternately A,B,...,A and B,A,...,B), route show checked after each
# batch; a new round until MIN_SYNCS syncs are done. Every sync thus
# happens while all four pings run, and each ping ends by itself (no echo
# in flight at a kill): its counts are exact, given that the last reply
# comes within twice the longest round trip (see ping_counts).

ROUND_ECHOES=400
BATCH=9
PINGS=("p1a-p2a-v4 $P1A ${PN_POD_IP4[2a]}"
	"p1b-p3b-v6 $P1B ${PN_POD_IP6[3b]}"
	"p2b-p1a-v4 ${PN_POD_NS[2b]} ${PN_POD_IP4[1a]}"
	"p3a-p1b-v6 ${PN_POD_NS[3a]} ${PN_POD_IP6[1b]}")
ping_pids=()

# the two batches and the events each must cause
for ((i = 0; i < BATCH; i++)); do
	if [ $((i % 2)) -eq 0 ]; then
		echo "sync dev pn0 $A" >> "$PN_TMP/batch.A"
		echo "sync dev pn0 $B" >> "$PN_TMP/batch.B"
		echo "sync dev pn0 $COUNTS_A" >> "$PN_TMP/events.A"
		echo "sync dev pn0 $COUNTS_B" >> "$PN_TMP/events.B"
	else
		echo "sync dev pn0 $B" >> "$PN_TMP/batch.A"
		echo "sync dev pn0 $A" >> "$PN_TMP/batch.B"
		echo "sync dev pn0 $COUNTS_B" >> "$PN_TMP/events.A"
		echo "sync dev pn0 $COUNTS_A" >> "$PN_TMP/events.B"
	fi
done

# loop_batch J: batch number J (even: starting and ending with A, odd:
# with B), then route show must be the last file's; problems are listed
# in $PN_TMP/loop.bad
loop_batch()
{
	local x=A want=$ROUTES_A out

	if [ $(($1 % 2)) -eq 1 ]; then
		x=B
		want=$ROUTES_B
	fi
	if ! out=$(pnctl "$N1" -batch "$PN_TMP/batch.$x" 2>&1); then
		echo "batch $1 ($x...$x) failed: $out" >> "$PN_TMP/loop.bad"
		return 1
	fi
	cat "$PN_TMP/events.$x" >> "$PN_TMP/want_events"
	[ "$(routes_now)" = "$want" ] ||
		echo "after batch $1 ($x...$x) route show differs from file $x" >> "$PN_TMP/loop.bad"
	return 0
}

alive()
{
	local pid

	for pid in "${ping_pids[@]}"; do
		kill -0 "$pid" 2>/dev/null || return 1
	done
	return 0
}

nr0=$(pn_stat "$N1" tx_no_route 2>&1)
drops0=$(pnctl "$N1" -s show dev pn0 | grep -oE 'rx_[a-z_]+ [0-9]+' | grep -v rx_ecn)
tx2_0=$(pn_peer_stat "$N1" "${PN_NODE_IP[2]}" tx_packets 2>&1)
for p in "${PINGS[@]}"; do
	read -r name ns dst <<< "$p"
	ping_ok "$ns" "$dst" || ktap_info "warm-up ping $name failed"
	: > "$PN_TMP/ping.$name"
done

: > "$PN_TMP/loop.bad"
nsync=0
nbatch=0
nfail=0
round=0
t0=$(ms)
deadline=$((SECONDS + 300))
while [ "$nsync" -lt "$MIN_SYNCS" ] && [ "$SECONDS" -lt "$deadline" ]; do
	round=$((round + 1))
	ping_pids=()
	for p in "${PINGS[@]}"; do
		read -r name ns dst <<< "$p"
		bg_run "$ns" ping -n -q -i 0.05 -W 2 -c "$ROUND_ECHOES" "$dst" \
			>> "$PN_TMP/ping.$name" 2>&1
		ping_pids+=("$BG_PID")
	done
	pn_sleep 0.5
	while alive; do
		loop_batch "$nbatch" || nfail=$((nfail + 1))
		nbatch=$((nbatch + 1))
		nsync=$((nsync + BATCH))
	done
	for pid in "${ping_pids[@]}"; do
		wait "$pid"
	done
	ktap_info "round $round: $nsync syncs in $nbatch batches so far, $(($(ms) - t0)) ms"
done
PN_BGPIDS=()
lastfile=$A
[ $((nsync % 2)) -eq 1 ] || lastfile=$B

[ "$nfail" -eq 0 ] && [ "$nsync" -ge "$MIN_SYNCS" ]
ktap_result "$nsync syncs (>= $MIN_SYNCS) alternating A and B under four pings all succeed" $?
[ ! -s "$PN_TMP/loop.bad" ]
rc=$?
ktap_result "route show is exactly the file's after each sync checked ($((2 + (nsync - 2) / 5)) of them)" $rc
ktap_info_file "$PN_TMP/loop.bad" 10

# ping_counts FILE: "SENT RECEIVED MAX_RTT_MS", summed (the longest) over
# the rounds' summaries. After its last echo, ping waits for twice the
# longest round trip so far (at least the interval), not -W: the margin a
# stalled host has
ping_counts()
{
	awk '/packets transmitted/ { s += $1; r += $4; n++ }
		/^rtt / { split($4, t, "/"); if (t[3] > m) m = t[3] }
		END { if (n) print s, r, m + 0 }' "$1"
}
for p in "${PINGS[@]}"; do
	read -r name ns dst <<< "$p"
	read -r sent recv rtt <<< "$(ping_counts "$PN_TMP/ping.$name")"
	ktap_info "$name: ${sent:-?} sent, ${recv:-?} received in $round rounds, longest round trip ${rtt:-?} ms"
	is_num "${sent:-x}" && is_num "${recv:-x}" &&
		[ "$sent" -eq $((round * ROUND_ECHOES)) ] && [ "$recv" -eq "$sent" ]
	rc=$?
	[ $rc -eq 0 ] || ktap_info_file "$PN_TMP/ping.$name" 20
	ktap_result "ping $name -i 0.05 across the syncs: $((round * ROUND_ECHOES)) sent, all received" $rc
done
count=$((round * ROUND_ECHOES))

nr1=$(pn_stat "$N1" tx_no_route 2>&1)
ktap_info "n1 tx_no_route: $nr0 -> $nr1"
is_num "$nr0" && is_num "$nr1" && [ "$nr1" -eq "$nr0" ]
ktap_result "n1's pn0 dropped nothing for want of a route (tx_no_route unchanged)" $?
drops1=$(pnctl "$N1" -s show dev pn0 | grep -oE 'rx_[a-z_]+ [0-9]+' | grep -v rx_ecn)
ktap_info "n1 rx drops before: $(echo "$drops0" | tr '\n' ' ')"
[ -n "$drops0" ] && [ "$drops1" = "$drops0" ]
ktap_result "n1's pn0 rx drop counters unchanged (no unknown peer, no spoofed source)" $?
tx2_1=$(pn_peer_stat "$N1" "${PN_NODE_IP[2]}" tx_packets 2>&1)
ktap_info "peer ${PN_NODE_IP[2]} tx_packets: $tx2_0 -> $tx2_1"
is_num "$tx2_0" && is_num "$tx2_1" && [ "$tx2_1" -ge $((tx2_0 + 2 * count)) ]
rc=$?
ktap_result "peer ${PN_NODE_IP[2]} kept its counters over the syncs (tx_packets grew by >= $((2 * count)))" $rc

[ "$(routes_now)" = "$(routes_of "$lastfile")" ] &&
	[ "$(peers_now)" = "$(peers_of "$lastfile")" ]
rc=$?
ktap_result "at the end: routes and peers are exactly those of the last file ($(basename "$lastfile"))" $rc

# ------------------------------------------------------- failed syncs ----

[ "$lastfile" = "$A" ] || do_sync "$A" > /dev/null 2>&1

# sync_refused DESC FILE LINE: podnetctl sync FILE fails naming FILE:LINE,
# and nothing changed
sync_refused()
{
	local desc=$1 file=$2 line=$3 before out rc

	before=$(state)
	out=$(pnctl "$N1" sync dev pn0 "$file" 2>&1)
	rc=$?
	ktap_info "sync $(basename "$file"): exit $rc: $out"
	[ $rc -ne 0 ] && grep -qF "$(basename "$file"):$line:" <<< "$out"
	ktap_result "$desc: refused, naming line $line" $?
	if [ "$(state)" = "$before" ]; then
		ktap_ok "$desc: routes and peers unchanged"
	else
		ktap_info "before:" "$before" "after:" "$(state)"
		ktap_fail "$desc: routes and peers unchanged"
	fi
}

# bad_file NAME LINE: file B with LINE as its last line, in $PN_TMP/NAME;
# prints the line number of the bad line
bad_file()
{
	{ cat "$B"; echo "$2"; } > "$PN_TMP/$1"
	wc -l < "$PN_TMP/$1"
}

n=$(bad_file bad-keyword "route 10.244.9.0/24 via ${PN_NODE_IP[3]}")
sync_refused "sync with a bad line (keyword 'route')" "$PN_TMP/bad-keyword" "$n"
n=$(bad_file bad-hostbits "10.244.9.1/24 via ${PN_NODE_IP[3]}")
sync_refused "sync with an invalid prefix (host bits, last line)" "$PN_TMP/bad-hostbits" "$n"
n=$(bad_file bad-len "10.244.9.0/33 via ${PN_NODE_IP[3]}")
sync_refused "sync with an invalid prefix length (/33)" "$PN_TMP/bad-len" "$n"
n=$(bad_file bad-dup "10.244.2.0/24 via ${PN_NODE_IP[3]}")
sync_refused "sync with a prefix given twice" "$PN_TMP/bad-dup" "$n"
n=$(bad_file bad-novia "10.244.9.0/24")
sync_refused "sync with a route without via" "$PN_TMP/bad-novia" "$n"

before=$(state)
out=$(pnctl "$N1" sync dev pn0 "$PN_TMP/no-such-file" 2>&1)
rc=$?
ktap_info "sync of a missing file: exit $rc: $out"
[ $rc -ne 0 ] && [ "$(state)" = "$before" ]
ktap_result "sync of a missing file: refused, nothing changed" $?

# kernel_sync_refused DESC ROUTES...: raw PODNET_CMD_SYNC refused with an
# extack message, nothing changed
kernel_sync_refused()
{
	local desc=$1 before rc

	shift
	before=$(state)
	ip netns exec "$N1" "${PN_PY[@]}" "$PNUTIL" genl-sync pn0 "$@" 2> "$PN_TMP/err"
	rc=$?
	ktap_info "genl-sync of $# routes: exit $rc: $(cat "$PN_TMP/err")"
	[ $rc -eq 1 ] && [ -s "$PN_TMP/err" ] && ! grep -q 'no extack message' "$PN_TMP/err"
	ktap_result "kernel: sync with $desc: refused with a message" $?
	if [ "$(state)" = "$before" ]; then
		ktap_ok "kernel: sync with $desc: routes and peers unchanged"
	else
		ktap_info "before:" "$before" "after:" "$(state)"
		ktap_fail "kernel: sync with $desc: routes and peers unchanged"
	fi
}
mapfile -t good < <(routes_of "$B")
kernel_sync_refused "50 good routes, then one with host bits" \
	"${good[@]}" "10.244.9.1/24 via ${PN_NODE_IP[3]}"
kernel_sync_refused "50 good routes, then one repeated" \
	"${good[@]}" "10.246.7.0/24 via ${PN_NODE_IP[2]}"


# -------------------------------------- new peers' settings come first ----

# C: B, then 3000 peer lines (peers without routes, to make the sync do
# what it does to each peer line before it gets to n4's), then n4's routes
# and last its peer line with port 4789
{
	cat "$B"
	for ((k = 0; k < 3000; k++)); do
		echo "peer 10.$((200 + k / 256 / 256)).$((k / 256 % 256)).$((k % 256)) port 4790"
	done
	echo "10.244.4.0/24 via ${PN_NODE_IP[4]}"
	echo "fd00:244:4::/64 via ${PN_NODE_IP[4]}"
	echo "peer ${PN_NODE_IP[4]} port 4789 mac $(pn_vtep_mac "${PN_NODE_NS[4]}")"
} > "$PN_TMP/C"
do_sync "$B" > /dev/null 2>&1
capture_start "$UL_NS" ul-n1 "$PN_TMP/c.pcap" udp and dst host "${PN_NODE_IP[4]}" ||
	ktap_info "tcpdump on ul-n1 did not start"
# 32-byte UDP datagrams to p4a as fast as p1a sends them
bg_run "$P1A" socat -u -b 32 /dev/zero "UDP-SENDTO:${PN_POD_IP4[4a]}:9"
FLOOD=$BG_PID
: > "$PN_TMP/c.bad"
for ((i = 0; i < 12; i++)); do
	if [ $((i % 2)) -eq 0 ]; then f=$PN_TMP/C; else f=$B; fi
	do_sync "$f" > "$PN_TMP/c.out" 2>&1 || cat "$PN_TMP/c.out" >> "$PN_TMP/c.bad"
done
kill "$FLOOD" 2>/dev/null
wait "$FLOOD" 2>/dev/null
capture_stop
ktap_info_file "$PN_TMP/c.bad" 5
d8472=$(tcpdump -nn -r "$PN_TMP/c.pcap" udp dst port 8472 2>/dev/null | grep -c '^[0-9]')
d4789=$(tcpdump -nn -r "$PN_TMP/c.pcap" udp dst port 4789 2>/dev/null | grep -c '^[0-9]')
ktap_info "12 syncs B/C under a flood to p4a: $d4789 packets to n4 port 4789, $d8472 to port 8472"
[ ! -s "$PN_TMP/c.bad" ] && [ "$d4789" -gt 0 ] && [ "$d8472" -eq 0 ]
ktap_result "syncs adding n4 with port 4789 under a flood: every packet to n4 goes to 4789, none to 8472" $?

# ------------------------------------------ an ipip device, IPv6 peers ----

pnctl "$N1" link add pn9 vni 99 port 8473 encap ipip > /dev/null 2>&1
printf '%s\n' "10.99.1.0/24 via ${PN_NODE_IP[2]}" "10.99.2.0/24 via fd00:1::a" \
	> "$PN_TMP/ipip6"
out=$(pnctl "$N1" sync dev pn9 "$PN_TMP/ipip6" 2>&1)
rc=$?
ktap_info "ipip device: sync with an IPv6 via: exit $rc: $out"
n=$(pnctl "$N1" -j show dev pn9 | json_get pn9 routes 2>&1)
[ $rc -ne 0 ] && [[ $out == *"needs IPv4 peers"* ]] && [ "$n" = 0 ]
ktap_result "ipip device: a sync naming an IPv6 peer without an encap is refused, nothing changed ($n routes)" $?
echo "peer fd00:1::a encap gpe" >> "$PN_TMP/ipip6"
out=$(pnctl "$N1" sync dev pn9 "$PN_TMP/ipip6" 2>&1)
rc=$?
mode=$(pnctl "$N1" -j peer show dev pn9 | json_get fd00:1::a mode 2>&1)
[ $rc -eq 0 ] && [ "$mode" = gpe ]
ktap_result "ipip device: with a peer line giving it encap gpe, the sync is taken (mode $mode; $out)" $?
ip -n "$N1" link del pn9
do_sync "$A" > /dev/null 2>&1

# -------------------------------------------------------------- events ----

pn_sleep 1
kill -TERM "$MON" 2>/dev/null
wait "$MON"
mrc=$?
PN_BGPIDS=()
tail -n +"$((mon_start + 1))" "$PN_TMP/mon" > "$PN_TMP/mon.syncs"
awk '$1 == "sync" { print $1, $2, $3, $4, $5, $6, $7 }' "$PN_TMP/mon.syncs" > "$PN_TMP/got_events"
got=$(wc -l < "$PN_TMP/got_events")
want=$(wc -l < "$PN_TMP/want_events")
ktap_info "monitor: $got sync events, $want successful syncs; first lines:"
ktap_info_file "$PN_TMP/mon.syncs" 4
[ "$want" -ge "$MIN_SYNCS" ] && cmp -s "$PN_TMP/got_events" "$PN_TMP/want_events"
rc=$?
[ $rc -eq 0 ] || diff "$PN_TMP/want_events" "$PN_TMP/got_events" | head -n 10 |
	ktap_info "$(cat)"
ktap_result "monitor: one sync event per successful sync, in order, with the file's peer and route counts" $rc
others=$(grep -vc '^sync ' "$PN_TMP/mon.syncs")
[ "$others" -eq 0 ]
ktap_result "monitor: a sync is one event, no route or peer events ($others other lines)" $?
! grep -q 'lost' "$PN_TMP/mon.err" && [ "$mrc" -eq 0 ]
ktap_result "monitor: no lost events, exits 0 on SIGTERM (rc $mrc)" $?
ktap_info_file "$PN_TMP/mon.err" 5

ping_ok "$P1A" "${PN_POD_IP4[2a]}" && ping_ok "$P1B" "${PN_POD_IP6[3b]}" &&
	ping_ok "$P1A" "${PN_POD_IP4[4a]}"
ktap_result "after all that, p1a reaches n2, n3 and n4 (table of file A)" $?

ktap_finish
