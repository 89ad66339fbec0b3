#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Permissions: reads need nothing, every change needs CAP_NET_ADMIN in the
# device's user namespace. On node n1, as user nobody: show, peer show and
# route show work; route add/del, peer del, link set/add and sync fail with
# "Operation not permitted" and change nothing. Root without CAP_NET_ADMIN
# is refused too (a capability check, not a uid check). An unprivileged
# user in a user namespace of its own (with a network namespace of its own)
# holds CAP_NET_ADMIN there and may create and configure its own device.

# Test helpers are called through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317

set -u
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_plan 13
podnet_require
topo_create_or_bail

N1=${PN_NODE_NS[1]}
pn_tmpdir
CTL=$PODNETCTL
AS_NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
if ! ip netns exec "$N1" "${AS_NOBODY[@]}" test -x "$CTL"; then
	# nobody may not reach the work tree: a copy in the scratch directory
	cp "$PODNETCTL" "$PN_TMP/podnetctl" && chmod 755 "$PN_TMP/podnetctl"
	CTL=$PN_TMP/podnetctl
	ktap_info "nobody cannot run $PODNETCTL in place, using a copy"
fi

# nobody ARGS...: podnetctl as nobody on n1
nobody()
{
	ip netns exec "$N1" "${AS_NOBODY[@]}" "$CTL" "$@"
}

# works DESC ARGS...: podnetctl ARGS as nobody succeeds with some output
works()
{
	local desc=$1 out rc

	shift
	out=$(nobody "$@" 2>&1)
	rc=$?
	ktap_info "nobody: podnetctl $*: exit $rc"
	[ $rc -eq 0 ] || ktap_info "$out"
	[ $rc -eq 0 ] && [ -n "$out" ]
	ktap_result "$desc" $?
}

# eperm DESC [as-nobody|as-capless-root] ARGS...: refused with "Operation
# not permitted", route and peer tables unchanged
eperm()
{
	local desc=$1 who=$2 out rc t0 t1

	shift 2
	t0=$(pnctl "$N1" route show dev pn0; pnctl "$N1" peer show dev pn0;
	     pnctl "$N1" show dev pn0)
	if [ "$who" = as-nobody ]; then
		out=$(nobody "$@" 2>&1)
	else
		out=$(ip netns exec "$N1" setpriv --inh-caps=-all \
			--bounding-set=-net_admin,-sys_admin "$PODNETCTL" "$@" 2>&1)
	fi
	rc=$?
	ktap_info "$who: podnetctl $*: exit $rc: $out"
	t1=$(pnctl "$N1" route show dev pn0; pnctl "$N1" peer show dev pn0;
	     pnctl "$N1" show dev pn0)
	[ "$t0" = "$t1" ] || ktap_info "state changed:" "$t0" "---" "$t1"
	[ $rc -ne 0 ] && grep -q 'Operation not permitted' <<< "$out" &&
		[ "$t0" = "$t1" ]
	ktap_result "$desc" $?
}

works "nobody: show" show dev pn0
works "nobody: -j -s show" -j -s show dev pn0
works "nobody: peer show" peer show dev pn0
out=$(nobody route show dev pn0 2>&1)
ktap_info "nobody: route show:" "$out"
grep -qF 10.244.2.0/24 <<< "$out" && grep -qF fd00:244:3::/64 <<< "$out"
ktap_result "nobody: route show lists the routes" $?

eperm "nobody: route add -> EPERM, nothing changed" as-nobody \
	route add 10.244.9.0/24 via "${PN_NODE_IP[2]}" dev pn0
eperm "nobody: route del -> EPERM, nothing changed" as-nobody \
	route del 10.244.2.0/24 dev pn0
eperm "nobody: route replace -> EPERM, nothing changed" as-nobody \
	route replace 10.244.2.0/24 via "${PN_NODE_IP[3]}" dev pn0
eperm "nobody: peer del -> EPERM, nothing changed" as-nobody \
	peer del "${PN_NODE_IP[2]}" dev pn0
eperm "nobody: link set vni 7 -> EPERM, nothing changed" as-nobody \
	link set pn0 vni 7
eperm "nobody: link add -> EPERM" as-nobody link add pn9
echo "10.244.9.0/24 via ${PN_NODE_IP[2]}" > "$PN_TMP/sync"
chmod 644 "$PN_TMP/sync"
if pnctl "$N1" help 2>&1 | grep -qw sync; then
	eperm "nobody: sync -> EPERM, nothing changed" as-nobody \
		sync dev pn0 "$PN_TMP/sync"
else
	ktap_skip "nobody: sync -> EPERM, nothing changed" \
		"podnetctl has no sync command"
fi
eperm "root without CAP_NET_ADMIN: route add -> EPERM" as-capless-root \
	route add 10.244.9.0/24 via "${PN_NODE_IP[2]}" dev pn0

# own user namespace: CAP_NET_ADMIN over its own network namespace
if ! "${AS_NOBODY[@]}" unshare --user --map-root-user --net true 2>/dev/null; then
	ktap_skip "nobody in its own user+net namespace configures its own pn0" \
		"unprivileged user namespaces are disabled"
else
	out=$("${AS_NOBODY[@]}" unshare --user --map-root-user --net sh -c "
		ip link add pn0 type podnet &&
		ip link set pn0 up &&
		'$CTL' route add 10.244.9.0/24 via 192.0.2.9 dev pn0 &&
		'$CTL' route show dev pn0" 2>&1)
	rc=$?
	ktap_info "userns: exit $rc:" "$out"
	[ $rc -eq 0 ] && grep -qF 10.244.9.0/24 <<< "$out"
	ktap_result "nobody in its own user+net namespace configures its own pn0" $?
fi

ktap_finish
