#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# podnetd with etcd, in flannel's schema (pd_lib.sh has the topology):
# an etcd cluster of three members (TLS client certificates, user
# authentication), podnetd on nodes n1, n2, n3, and n4 built exactly as
# flanneld builds it, all from that etcd; pods made by the CNI reference
# plugins. It proves:
#  - podnetd publishes flanneld's lease JSON (the flannel node reads it as
#    a vxlan lease), writes subnet.env and the conflist; every pod reaches
#    every pod, IPv4 and IPv6, both ways;
#  - a node that joins appears, one that leaves (lease deleted, or
#    expired) disappears, on every podnetd node;
#  - bad leases are skipped and counted by reason, routes unchanged;
#  - its own lease deleted: the same subnet is taken back;
#  - one member killed: no ping lost, changes still followed; quorum
#    lost: pods keep talking, podnetd follows again once it is back;
#  - a compaction past the watch's revision: a new list and one sync, no
#    ping lost;
#  - SIGKILL and restart: same subnet, same vtep mac, no ping lost;
#  - a client certificate of another CA is refused, with a clear message;
#  - SIGTERM leaves pn0 and its table up.

# Test helpers are called through wait_for and ktap_check.
# shellcheck disable=SC2317

set -u
PN_NODES=5
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"
# shellcheck source=pd_lib.sh source-path=SCRIPTDIR
. "$PN_LIB_DIR/pd_lib.sh"

ktap_plan 30
podnet_require
for t in etcd etcdctl openssl curl "$PD_CNI_PATH/bridge" "$PD_CNI_PATH/host-local" \
	 "$PD_CNI_PATH/portmap" "$PODNETD"; do
	command -v "$t" > /dev/null ||
		ktap_skip_all "$t is missing (scripts/deps.sh, make -C userspace)"
done
pn_tmpdir
N1=${PN_NODE_NS[1]}
MAC4=0e:5c:4f:aa:bb:04
MAC46=0e:5c:4f:aa:bb:46

# --------------------------------------------------------- set up ----

setup()
{
	local n

	pd_certs || { echo "certificates"; return 1; }
	topo_underlay || return 1
	for n in 1 2 3 4 5; do
		topo_node_bare "$n" 46 || return 1
	done
	pd_etcd_start 1 2 3 && pd_etcd_setup
}
if ! setup > "$PN_TMP/setup.log" 2>&1; then
	ktap_info_file "$PN_TMP/setup.log" 30
	ktap_info_file "$PN_TMP/etcd/e1.log" 20
	ktap_fail "etcd: three members with TLS client certificates and users"
	ktap_finish
fi
ktap_ok "etcd: three members with TLS client certificates and users ($SECONDS s)"

# n3 masquerades its pods' traffic that leaves the cluster network
# n2 renews its 24-hour lease a minute after it took it (the margin is
# 23 h 59 min), then each minute: renewals happen during the test
pd_start 1
pd_start 2 --subnet-lease-renew-margin=1439
pd_start 3 --ip-masq
for n in 1 2 3; do
	if pd_wait 90 pd_healthz "$n"; then
		ktap_ok "n$n: podnetd ready (/healthz 200) after $SECONDS s"
	else
		podnetd_log "$n"
		ktap_fail "n$n: podnetd ready (/healthz 200)"
	fi
done

# ------------------------------------------------------ its leases ----

# lease_of N: the value of node N's lease in etcd
lease_of()
{
	ectl get --print-value-only "$PD_PREFIX/subnets/$(pd_key "$1")"
}

MACS=()
bad=
for n in 1 2 3; do
	MACS[n]=$(pn_vtep_mac "${PN_NODE_NS[$n]}")
	want="{\"PublicIP\":\"${PN_NODE_IP[$n]}\",\"PublicIPv6\":\"${PN_NODE_IP6[$n]}\",\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"${MACS[n]}\"},\"BackendV6Data\":{\"VNI\":1,\"VtepMAC\":\"${MACS[n]}\"}}"
	got=$(lease_of "$n" 2>&1)
	[ "$got" = "$want" ] || bad+="n$n: $(pd_key "$n" 2>&1): $got (want $want)"$'\n'
done
[ -z "$bad" ] || ktap_info "$bad"
value2=$(lease_of 2)
ktap_result "leases in flanneld's JSON, byte for byte, with pn0's vtep mac" "${bad:+1}${bad:-0}"

# env_ok N: subnet.env as flannel's CNI plugin reads it
env_ok()
{
	local f=$PN_TMP/n$1/subnet.env s4 s6

	s4=$(pd_subnet4 "$1") && s6=$(pd_subnet6 "$1") || return 1
	[ "$(sed -n 's/^FLANNEL_NETWORK=//p' "$f")" = "$PD_NET4" ] &&
	[ "$(sed -n 's/^FLANNEL_IPV6_NETWORK=//p' "$f")" = "$PD_NET6" ] &&
	[ "$(sed -n 's/^FLANNEL_MTU=//p' "$f")" = "$(link_mtu "${PN_NODE_NS[$1]}" pn0)" ] &&
	[ "$(sed -n 's/^FLANNEL_IPMASQ=//p' "$f")" = "$([ "$1" = 3 ] && echo true || echo false)" ] &&
	[ "$("$PN_JQ" -r '.plugins[0].ipam.ranges[0][0].subnet' "$PN_TMP/n$1/cni/10-podnet.conflist")" = "$s4" ] &&
	[ "$("$PN_JQ" -r '.plugins[0].ipam.ranges[1][0].subnet' "$PN_TMP/n$1/cni/10-podnet.conflist")" = "$s6" ]
}
rc=0
for n in 1 2 3; do
	env_ok "$n" || { rc=1; ktap_info "n$n subnet.env:" "$(cat "$PN_TMP/n$n/subnet.env" 2>&1)"; }
done
ktap_result "subnet.env (network, subnet, MTU of pn0) and the conflist's host-local ranges match each lease" $rc

# the flannel node, from the leases in etcd, then every pod through CNI
if pd_flannel_node 4 "$MAC4" "$MAC46" > "$PN_TMP/fl.log" 2>&1 &&
   pd_wait 60 pd_has_route 1 10.244.200.0/24 "${PN_NODE_IP[4]}" &&
   pd_flannel_peers 4 >> "$PN_TMP/fl.log" 2>&1; then
	ktap_ok "n4 built as flanneld builds it (flannel.1, flannel-v6.1, neighbour, FDB, onlink route per lease)"
else
	ktap_info_file "$PN_TMP/fl.log"
	ktap_fail "n4 built as flanneld builds it"
fi
pd_pods
rc=$?
[ $rc -eq 0 ] || ktap_info_file "$PN_TMP/pods.log"
ktap_result "pods made by the CNI reference plugins on n1-n4 (${PD_POD_IP4[1]} ${PD_POD_IP4[2]} ${PD_POD_IP4[3]} ${PD_POD_IP4[4]})" $rc

ktap_check "every pod reaches every pod over IPv4 (podnetd and flannel nodes, both ways)" pd_mesh 4
ktap_check "every pod reaches every pod over IPv6 (podnetd and flannel nodes, both ways)" pd_mesh 6

# masq_ok: n3's table inet podnetd masquerades; its pod reaches the
# underlay's host (which has no route to the pods) and n1's, without
# --ip-masq, does not
masq_ok()
{
	ip netns exec "${PN_NODE_NS[3]}" nft list table inet podnetd | grep -q 'masquerade' || {
		echo "n3: no masquerade in table inet podnetd"; return 1; }
	ping_ok "${PN_POD_NS[3a]}" 192.168.1.254 || { echo "p3 -> 192.168.1.254: no reply"; return 1; }
	ping_fails "${PN_POD_NS[1a]}" 192.168.1.254 || { echo "p1 -> 192.168.1.254: a reply without masquerade?"; return 1; }
}
ktap_check "--ip-masq (n3): pods reach the outside masqueraded, pod to pod never (the mesh above)" masq_ok

# table_ok N: pn0 of node N has exactly the other nodes' routes and macs
table_ok()
{
	local n=$1 m want="" got peers

	for m in 1 2 3; do
		[ "$m" = "$n" ] && continue
		want+="$(pd_subnet4 "$m") via ${PN_NODE_IP[$m]}"$'\n'
		want+="$(pd_subnet6 "$m") via ${PN_NODE_IP6[$m]}"$'\n'
	done
	want+="10.244.200.0/24 via ${PN_NODE_IP[4]}"$'\n'"fd00:244:0:c8::/64 via ${PN_NODE_IP6[4]}"
	want=$(sort <<< "$want")
	got=$(pnctl "${PN_NODE_NS[$n]}" route show dev pn0 | awk '{ print $1, $2, $3 }' | sort)
	[ "$got" = "$want" ] || { echo "n$n routes:"; echo "$got"; echo "want:"; echo "$want"; return 1; }
	peers=$(pnctl "${PN_NODE_NS[$n]}" -j peer show dev pn0)
	if [ "$(json_get "${PN_NODE_IP[4]}" mac <<< "$peers")" != "$MAC4" ] ||
	   [ "$(json_get "${PN_NODE_IP6[4]}" mac <<< "$peers")" != "$MAC46" ]; then
		echo "n$n peers: $peers"
		return 1
	fi
}
ktap_check "pn0 of n1, n2, n3: exactly the other nodes' routes, the flannel node's two vtep macs" \
	eval 'table_ok 1 && table_ok 2 && table_ok 3'

# ------------------------------------------------- join and leave ----

pd_start 5
if pd_wait 90 pd_healthz 5 && s5=$(pd_subnet4 5) && [ -n "$s5" ] &&
   pd_wait 30 routes_on "$s5"; then
	ktap_ok "a node that joins (n5, $s5) appears on n1, n2, n3"
else
	podnetd_log 5
	ktap_fail "a node that joins (n5) appears on n1, n2, n3"
fi
key5=$(pd_key 5)
kill -TERM "${PD_PID[5]}" && wait "${PD_PID[5]}"
ectl del "$PD_PREFIX/subnets/$key5" > /dev/null
if pd_wait 30 routes_off "$s5" &&
   ! pnctl "${PN_NODE_NS[1]}" peer show dev pn0 | grep -q "^${PN_NODE_IP[5]} "; then
	ktap_ok "a node that leaves (lease deleted) disappears from n1, n2, n3 (route and peer)"
else
	ktap_fail "a node that leaves (lease deleted) disappears from n1, n2, n3"
fi

# a lease of 3 s, as a node whose renewals stopped
id=$(ectl lease grant $((4 * PD_SLOW)) | awk '{ print $2 }')
ectl put --lease="$id" "$PD_PREFIX/subnets/10.244.210.0-24&fd00:244:0:d2::-64" \
	'{"PublicIP":"192.168.1.9","PublicIPv6":"fd00:1::9","BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0e:00:00:00:00:09"},"BackendV6Data":{"VNI":1,"VtepMAC":"0e:00:00:00:00:09"}}' > /dev/null
pd_wait 20 routes_on fd00:244:0:d2::/64
appeared=$?
pd_wait 30 routes_off 10.244.210.0/24 && routes_off fd00:244:0:d2::/64
ktap_result "a lease that expires appears, then disappears from n1, n2, n3 (appeared: rc $appeared)" $(($? | appeared))

# ----------------------------------------------------- bad leases ----

sub1=$(pd_subnet4 1)
routes_before=$(pnctl "$N1" route show dev pn0 | sort)
ectl put "$PD_PREFIX/subnets/not-a-subnet" '{"PublicIP":"192.168.1.50"}' > /dev/null
ectl put "$PD_PREFIX/subnets/10.244.250.0-24" 'this is not JSON' > /dev/null
ectl put "$PD_PREFIX/subnets/10.99.1.0-24" '{"PublicIP":"192.168.1.51","BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0e:00:00:00:00:51"}}' > /dev/null
ectl put "$PD_PREFIX/subnets/${sub1%.0/24}.128-25" '{"PublicIP":"192.168.1.52","BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0e:00:00:00:00:52"}}' > /dev/null
ectl put "$PD_PREFIX/subnets/10.244.251.0-24" '{"PublicIP":"192.168.1.53","BackendType":"host-gw"}' > /dev/null
ectl put "$PD_PREFIX/subnets/10.244.252.0-24&$(pd_subnet6 1 | sed 's|/|-|')" \
	'{"PublicIP":"192.168.1.54","PublicIPv6":"fd00:1::54","BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0e:00:00:00:00:54"},"BackendV6Data":{"VNI":1,"VtepMAC":"0e:00:00:00:00:54"}}' > /dev/null
ectl put "$PD_PREFIX/subnets/10.244.253.0-24" '{"PublicIP":"192.168.1.55","BackendType":"vxlan","BackendData":{"VNI":7,"VtepMAC":"0e:00:00:00:00:55"}}' > /dev/null

# skips_ok: n1 counts each bad lease under its reason
skips_ok()
{
	[ "$(pd_metric 1 podnetd_leases_skipped 'reason="key"')" = 1 ] &&
	[ "$(pd_metric 1 podnetd_leases_skipped 'reason="json"')" = 1 ] &&
	[ "$(pd_metric 1 podnetd_leases_skipped 'reason="outside"')" = 2 ] &&
	[ "$(pd_metric 1 podnetd_leases_skipped 'reason="backend"')" = 2 ] &&
	[ "$(pd_metric 1 podnetd_leases_skipped 'reason="own_subnet"')" = 1 ]
}
pd_wait 30 skips_ok
rc=$?
routes_after=$(pnctl "$N1" route show dev pn0 | sort)
[ "$routes_after" = "$routes_before" ] || { rc=1; ktap_info "n1's routes before:" "$routes_before" "after:" "$routes_after"; }
pd_healthz 1 || { rc=1; ktap_info "n1: /healthz is not 200"; }
ping_ok "${PN_POD_NS[2a]}" "${PD_POD_IP6[1]}" || { rc=1; ktap_info "p2 -> p1 over IPv6: no reply"; }
if [ $rc -eq 0 ]; then
	ktap_ok "bad leases skipped and counted by reason on n1 (key, json, outside x2, backend x2, own_subnet), its routes unchanged"
else
	ktap_info "$(ns_run "$N1" curl -s "http://127.0.0.1:$PD_HEALTH_PORT/metrics" | grep 'skipped{')"
	ktap_info "n2's routes: $(pnctl "${PN_NODE_NS[2]}" route show dev pn0)"
	podnetd_log 1
	ktap_fail "bad leases skipped and counted by reason on n1"
fi
for k in not-a-subnet 10.244.250.0-24 10.99.1.0-24 "${sub1%.0/24}.128-25" 10.244.251.0-24 \
	 "10.244.252.0-24&$(pd_subnet6 1 | sed 's|/|-|')" 10.244.253.0-24; do
	ectl del "$PD_PREFIX/subnets/$k" > /dev/null
done

# ---------------------------------------- its own lease taken away ----

key1=$(pd_key 1)
value1=$(lease_of 1)
ectl del "$PD_PREFIX/subnets/$key1" > /dev/null

# lease_back: n1's lease is there again, the same
lease_back()
{
	[ "$(ectl get --print-value-only "$PD_PREFIX/subnets/$key1")" = "$value1" ]
}
if [ -n "$value1" ] && pd_wait 30 lease_back &&
   [ "$(pd_key 1)" = "$key1" ] && pd_wait 20 ping_ok "${PN_POD_NS[3a]}" "${PD_POD_IP4[1]}"; then
	ktap_ok "its own lease deleted: n1 takes the same subnet back ($key1)"
else
	podnetd_log 1
	ktap_fail "its own lease deleted: n1 takes the same subnet back"
fi

# --------------------------------------------- losing etcd members ----

# follows LEASE_OCTET: a new lease 10.244.OCTET.0/24 reaches n1, n2, n3,
# and its deletion too (etcdctl retried: a new leader may take a while)
follows()
{
	local k="$PD_PREFIX/subnets/10.244.$1.0-24&fd00:244:0:$1::-64"

	pd_wait 60 ectl put "$k" "{\"PublicIP\":\"192.168.1.9\",\"PublicIPv6\":\"fd00:1::9\",\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"0e:00:00:00:00:09\"},\"BackendV6Data\":{\"VNI\":1,\"VtepMAC\":\"0e:00:00:00:00:09\"}}" &&
	pd_wait 60 routes_on "10.244.$1.0/24" &&
	pd_wait 60 ectl del "$k" &&
	pd_wait 60 routes_off "10.244.$1.0/24"
}

pinger m1 1 "${PD_POD_IP4[2]}"
p1=$PINGER
tables=$(for n in 1 2 3; do pnctl "${PN_NODE_NS[$n]}" route show dev pn0 | sort; done)
pd_etcd_kill 1
ENDPOINTS=https://${PD_ETCD_IP[2]}:2379 follows 230
rc=$?
same=$(for n in 1 2 3; do pnctl "${PN_NODE_NS[$n]}" route show dev pn0 | sort; done)
out=$(ping_lost m1 "$p1")
rc2=$?
ktap_info "member e1 killed: $out"
[ "$tables" = "$same" ] && [ $rc -eq 0 ] && [ $rc2 -eq 0 ]
ktap_result "one etcd member killed: tables unchanged, no ping lost, a new lease followed (rc $rc)" $?

pinger q1 2 "${PD_POD_IP6[3]}"
p1=$PINGER
pd_etcd_kill 2
pn_sleep 8
same=$(for n in 1 2 3; do pnctl "${PN_NODE_NS[$n]}" route show dev pn0 | sort; done)
rc=0
[ "$tables" = "$same" ] || { rc=1; ktap_info "tables before:" "$tables" "after:" "$same"; }
ping_ok "${PN_POD_NS[1a]}" "${PD_POD_IP6[4]}" || { rc=1; ktap_info "p1 -> p4 over IPv6: no reply"; }
for n in 1 2 3; do
	pd_healthz "$n" || { rc=1; ktap_info "n$n: /healthz does not answer 200"; }
done
ktap_result "quorum lost (two members killed): tables unchanged, pods keep talking, /healthz answers" $rc
pd_etcd_start 1 2
if pd_wait 90 ectl endpoint health && follows 231; then
	ktap_ok "quorum back: podnetd follows the store again (a new lease reaches n1, n2, n3)"
else
	podnetd_log 1
	ktap_fail "quorum back: podnetd follows the store again"
fi
out=$(ping_lost q1 "$p1")
ktap_result "no ping lost across the quorum loss ($out)" $?

# ---------------------------------------------------- compaction ----

# n1's watch is lost while n1 is stopped (SIGSTOP; every member
# restarted in turn, so that whichever n1's watch is on goes: which one
# that is cannot be told from outside, n1 keeps connections to others),
# and meanwhile a lease is put and the store compacted past n1's
# revision. n1 resumes its watch from where it was: etcd answers that
# the revision was compacted, and n1 lists again and syncs.
pinger c1 1 "${PD_POD_IP4[3]}"
p1=$PINGER
c0=$(pd_metric 1 podnetd_compactions_total)

# compacted: n1 counted one more compaction
compacted()
{
	[ "$(pd_metric 1 podnetd_compactions_total)" -gt "$c0" ]
}
s0=$(pd_metric 1 podnetd_syncs_total)
kill -STOP "${PD_PID[1]}"
for k in 1 2 3; do
	pd_etcd_kill "$k"
	pd_etcd_start "$k"
	pd_wait 60 ectl endpoint health > /dev/null
done
# two puts: the first's revision is past the compaction, the one n1's
# watch resumes from (etcd keeps the compaction's own revision)
for o in 232 233; do
	pd_wait 60 ectl put "$PD_PREFIX/subnets/10.244.$o.0-24" \
		"{\"PublicIP\":\"192.168.1.9\",\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"0e:00:00:00:00:09\"}}"
done
rev=$(ectl get "$PD_PREFIX/config" -w json | "$PN_JQ" -r .header.revision)
ectl compact "$rev" > /dev/null
kill -CONT "${PD_PID[1]}"
ktap_info "every member restarted while n1 was stopped; compacted at revision $rev"
if pd_wait 60 compacted &&
   pd_wait 30 pd_has_route 1 10.244.232.0/24 && pd_has_route 1 10.244.233.0/24 &&
   [ "$(pd_metric 1 podnetd_syncs_total)" -gt "$s0" ]; then
	ktap_ok "compaction past n1's watch: counted, listed again and synced (the lease put meanwhile is there)"
else
	podnetd_log 1
	ktap_fail "compaction past n1's watch: counted, listed again and synced"
fi
out=$(ping_lost c1 "$p1")
ktap_result "no ping lost across the compaction ($out)" $?
ectl del "$PD_PREFIX/subnets/10.244.232.0-24" > /dev/null
ectl del "$PD_PREFIX/subnets/10.244.233.0-24" > /dev/null

# ----------------------------------------------- SIGKILL, restart ----

pinger r1 3 "${PD_POD_IP4[1]}"
p1=$PINGER
mac1=$(pn_vtep_mac "$N1")
key1=$(pd_key 1)
kill -KILL "${PD_PID[1]}"
wait "${PD_PID[1]}" 2> /dev/null
pd_start 1
pd_wait 90 pd_healthz 1
rc=$?
[ $rc -eq 0 ] && [ "$(pd_key 1)" = "$key1" ] && [ "$(pn_vtep_mac "$N1")" = "$mac1" ] &&
	[[ $(lease_of 1) == *"\"VtepMAC\":\"$mac1\""* ]]
rc=$?
[ $rc -eq 0 ] || { ktap_info "now: key $(pd_key 1), mac $(pn_vtep_mac "$N1"), lease $(lease_of 1)"; podnetd_log 1; }
ktap_result "SIGKILL and restart: n1 keeps its subnet ($key1) and vtep mac ($mac1)" $rc
out=$(ping_lost r1 "$p1")
ktap_result "no ping lost across the restart ($out)" $?

# ------------------------------------------------ a wrong certificate ----

mkdir -p "$PN_TMP/n5"
: > "$PN_TMP/n5/podnetd.log"
bg_run "${PN_NODE_NS[5]}" "$PODNETD" --etcd-endpoints="$PD_ENDPOINTS" \
	--etcd-cafile "$PN_TMP/pki/ca.pem" --etcd-certfile "$PN_TMP/pki/rogue.pem" \
	--etcd-keyfile "$PN_TMP/pki/rogue.key" --etcd-username "$PD_USER" \
	--etcd-password "$PD_USER_PW" --iface eth0 --subnet-file "$PN_TMP/n5/rogue.env" \
	--device pn9 > "$PN_TMP/n5/podnetd.log" 2>&1
rogue=$BG_PID
if pd_wait 30 grep -qiE 'client certificate' "$PN_TMP/n5/podnetd.log" &&
   [ ! -e "$PN_TMP/n5/rogue.env" ] && ! ip -n "${PN_NODE_NS[5]}" link show pn9 > /dev/null 2>&1; then
	ktap_info "$(grep -iE -m 1 'client certificate' "$PN_TMP/n5/podnetd.log")"
	ktap_ok "a client certificate of another CA is refused, and podnetd says so"
else
	podnetd_log 5
	ktap_fail "a client certificate of another CA is refused, and podnetd says so"
fi
bg_kill "$rogue"

# ------------------------------------------------------- metrics ----

rc=0
for n in 2 3; do
	if ! { [ "$(pd_metric "$n" podnetd_peers)" = 6 ] &&
	       [ "$(pd_metric "$n" podnetd_routes)" = 6 ] &&
	       [ "$(pd_metric "$n" podnetd_leases 'state="used"')" = 3 ] &&
	       [ "$(pd_metric "$n" podnetd_up)" = 1 ] &&
	       pd_metric "$n" podnet_drops_total 'reason="rx_spoofed"' > /dev/null; }; then
		rc=1
		ktap_info "n$n's metrics: $(ns_run "${PN_NODE_NS[$n]}" curl -s "http://127.0.0.1:$PD_HEALTH_PORT/metrics" |
			grep -E '^podnetd_(peers|routes|leases|up)')"
	fi
done
ktap_result "/metrics: peers 6, routes 6, 3 leases used, up, podnet's drop counters (n2, n3)" $rc

# ------------------------------------------------------ renewals ----

# renewed: n2 renewed its lease at least once, none failed, and the key
# holds a new etcd lease of 24 hours with the same value
renewed()
{
	[ "$(pd_metric 2 podnetd_lease_renewals_total)" -ge 1 ] &&
	[ "$(pd_metric 2 podnetd_lease_renew_errors_total)" = 0 ]
}
key2=$(pd_key 2)
id2=$(ectl get "$PD_PREFIX/subnets/$key2" -w json | "$PN_JQ" -r '.kvs[0].lease')
if pd_wait 90 renewed && [ "$(lease_of 2)" = "$value2" ] &&
   ttl=$(ectl lease timetolive "$(printf '%x' "$id2")" | grep -o 'granted with TTL([0-9]*s)') &&
   [ "$ttl" = "granted with TTL(86400s)" ]; then
	ktap_ok "n2 renewed its lease (a new grant and a put, the same value; $ttl)"
else
	ktap_info "n2: renewals $(pd_metric 2 podnetd_lease_renewals_total), errors $(pd_metric 2 podnetd_lease_renew_errors_total), lease $id2 ${ttl:-}"
	podnetd_log 2
	ktap_fail "n2 renewed its lease (a new grant and a put, the same value)"
fi

# ------------------------------------------------ pn0 deleted by hand ----

# pn0_back: n2's pn0 is there again, with its vtep mac and 6 routes
pn0_back()
{
	[ "$(pn_vtep_mac "${PN_NODE_NS[2]}")" = "${MACS[2]}" ] &&
	[ "$(pnctl "${PN_NODE_NS[2]}" route show dev pn0 | wc -l)" = 6 ]
}
ip -n "${PN_NODE_NS[2]}" link del pn0
if pd_wait 30 pn0_back && ping_ok "${PN_POD_NS[2a]}" "${PD_POD_IP4[4]}" &&
   ping_ok "${PN_POD_NS[1a]}" "${PD_POD_IP6[2]}"; then
	ktap_ok "pn0 deleted by hand: n2's podnetd makes it again, same vtep mac, whole table, pods talk"
else
	podnetd_log 2
	ktap_fail "pn0 deleted by hand: n2's podnetd makes it again, same vtep mac, whole table"
fi

# ------------------------------------------------------- SIGTERM ----

kill -TERM "${PD_PID[2]}"
wait "${PD_PID[2]}"
rc=$?
routes=$(pnctl "${PN_NODE_NS[2]}" route show dev pn0 | wc -l)
[ $rc -eq 0 ] && [ "$routes" = 6 ] && ping_ok "${PN_POD_NS[2a]}" "${PD_POD_IP4[4]}" &&
	ping_ok "${PN_POD_NS[3a]}" "${PD_POD_IP6[2]}"
rc2=$?
[ $rc2 -eq 0 ] || ktap_info "exit $rc, n2's routes:" "$(pnctl "${PN_NODE_NS[2]}" route show dev pn0)"
ktap_result "SIGTERM: podnetd exits 0, pn0 keeps its 6 routes, n2's pods still talk" $rc2

for n in 1 2 3 5; do
	if grep -qE 'Segmentation|Aborted|AddressSanitizer|double free' "$PN_TMP/n$n/podnetd.log" 2> /dev/null; then
		podnetd_log "$n" 30
		ktap_fail "podnetd n$n's log: no crash"
		ktap_finish
	fi
done
ktap_finish
