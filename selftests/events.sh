#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Notifications (the "events" multicast group, podnetctl monitor): on node
# n1, a route to a new peer, a peer change, a route replace, a route and a
# peer delete and a sync each show as their event, in order, in text and
# in JSON; user nobody may listen (reads need no privilege); node n2's
# monitor sees none of n1's events (they stay in their namespace); monitor
# exits 0 on SIGTERM.

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 11
podnet_require
topo_create_or_bail

N1=${PN_NODE_NS[1]}
N2=${PN_NODE_NS[2]}
pn_tmpdir
NEW=192.168.1.50

# the monitors: text, JSON and nobody's on n1, text on n2
bg_run "$N1" "$PODNETCTL" monitor > "$PN_TMP/mon1" 2>&1
m1=$BG_PID
bg_run "$N1" "$PODNETCTL" -j monitor > "$PN_TMP/mon1j" 2>&1
m1j=$BG_PID
bg_run "$N1" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$PODNETCTL" monitor > "$PN_TMP/mon1n" 2>&1
m1n=$BG_PID
bg_run "$N2" "$PODNETCTL" monitor > "$PN_TMP/mon2" 2>&1
m2=$BG_PID

# every monitor listening (n1's three and n2's own); the lines up to then
# are left out of the checks
monitors_listening 192.168.1.250 "$N1:$PN_TMP/mon1" "$N1:$PN_TMP/mon1j" \
	"$N1:$PN_TMP/mon1n" "$N2:$PN_TMP/mon2" ||
	ktap_info "the monitors did not all report the probe peer"
declare -A start
for f in mon1 mon1j mon1n mon2; do
	start[$f]=$(wc -l < "$PN_TMP/$f")
done

{
	for m in 2 3; do
		echo "10.244.$m.0/24 via ${PN_NODE_IP[$m]}"
		echo "fd00:244:$m::/64 via ${PN_NODE_IP[$m]}"
	done
} > "$PN_TMP/full"
ok=0
pnctl "$N1" route add 10.244.9.0/24 via "$NEW" dev pn0 || ok=1
pnctl "$N1" peer change "$NEW" dev pn0 port 4789 || ok=1
pnctl "$N1" route replace 10.244.9.0/24 via "${PN_NODE_IP[3]}" dev pn0 || ok=1
pnctl "$N1" route del 10.244.9.0/24 dev pn0 || ok=1
pnctl "$N1" peer del "$NEW" dev pn0 || ok=1
pnctl "$N1" sync dev pn0 "$PN_TMP/full" || ok=1
[ $ok -eq 0 ] || ktap_info "some of the changes failed"
# n1's monitors have the last event (n2's would have n1's events by then)
wait_for 20 sh -c "grep -q sync '$PN_TMP/mon1' && grep -q sync '$PN_TMP/mon1j' &&
	grep -q sync '$PN_TMP/mon1n'" || ktap_info "no sync event within 20 s"

# stop SIGTERM'ed monitors; 0 when all exited 0
stop_rc=0
for pid in "$m1" "$m1j" "$m1n" "$m2"; do
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" || stop_rc=$?
done
PN_BGPIDS=()
for f in mon1 mon1j mon1n mon2; do
	tail -n "+$((start[$f] + 1))" "$PN_TMP/$f" > "$PN_TMP/$f.new" &&
		mv "$PN_TMP/$f.new" "$PN_TMP/$f"
done
ktap_info "n1's monitor:"
ktap_info_file "$PN_TMP/mon1" 20

# saw FILE REGEX: a line of FILE matches
saw()
{
	grep -qE -- "$2" "$1"
}
R='10\.244\.9\.0/24'
saw "$PN_TMP/mon1" "^peer add $NEW .*dev pn0" &&
	saw "$PN_TMP/mon1" "^route add $R via $NEW dev pn0"
ktap_result "route to a new peer: 'peer add $NEW' and 'route add 10.244.9.0/24 via $NEW'" $?
ktap_check "peer change event" saw "$PN_TMP/mon1" "^peer change $NEW .*port 4789"
ktap_check "route replace shows as route add via the new peer" \
	saw "$PN_TMP/mon1" "^route add $R via ${PN_NODE_IP[3]} dev pn0"
ktap_check "route del event" saw "$PN_TMP/mon1" "^route del $R "
ktap_check "peer del event" saw "$PN_TMP/mon1" "^peer del $NEW "
ktap_check "sync event with the new counts (peers 2 routes 4)" \
	saw "$PN_TMP/mon1" "^sync dev pn0 peers 2 routes 4"

got=$(awk '/^(peer|route) / { print $1, $2; next } /^sync / { print $1 }' "$PN_TMP/mon1" |
	tr '\n' ',')
want="peer add,route add,peer change,route add,route del,peer del,sync,"
ktap_info "event order: $got"
[ "$got" = "$want" ]
ktap_result "events came once each, in order" $?

"${PN_PY[@]}" - "$PN_TMP/mon1j" <<'EOF'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
names = [e["event"] for e in events]
assert names == ["peer add", "route add", "peer change", "route add",
                 "route del", "peer del", "sync"], names
assert events[1].get("dst") == "10.244.9.0/24", events[1]
EOF
ktap_result "-j monitor: one JSON object a line, the same events" $?
ktap_info_file "$PN_TMP/mon1j" 10

ktap_check "nobody's monitor saw the events too" \
	saw "$PN_TMP/mon1n" "^route add $R via $NEW"
! grep -qE "$R|$NEW|^sync" "$PN_TMP/mon2"
ktap_result "n2's monitor saw none of n1's events" $?
ktap_info_file "$PN_TMP/mon2" 5
[ "$stop_rc" -eq 0 ]
ktap_result "monitor exits 0 on SIGTERM" $?

ktap_finish
