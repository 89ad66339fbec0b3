#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# podnetd --kube-subnet-mgr, flannel's kube subnet manager (pd_lib.sh has
# the topology): a stand-in API server (selftests/kube/apiserver.py: TLS,
# bearer tokens and client certificates, the RBAC of podnetd's
# ClusterRole, Node objects shaped as a real API server's), podnetd on
# nodes n1 (in a pod: the service account), n2 (a kubeconfig with a client
# certificate by path) and n3 (a kubeconfig with everything embedded), n4
# built exactly as flanneld builds it from its annotations; pods made by
# the CNI reference plugins. It proves:
#  - podnetd publishes flanneld's annotations byte for byte by a
#    strategic-merge PATCH of nodes/status, NetworkUnavailable False; the
#    flannel node reads them; every pod reaches every pod, IPv4 and IPv6;
#    PodCIDRs in either order of families;
#  - a Node without annotations is skipped as pending; one that joins
#    appears once annotated, public-ip-overwrite is honoured both ways; a
#    PodCIDR change moves its routes (and the node's own address and
#    files); a Node deleted disappears: with no ping lost elsewhere;
#  - an expired watch, by an ERROR event and by HTTP 410: a new list and
#    one sync (what changed meanwhile is there), no ping lost;
#  - the API server stopped and started again (a change made while it was
#    down): pn0 untouched meanwhile, /healthz 200, podnetd follows again;
#  - a token rotated on disk is used before the old one is revoked;
#  - the stand-in refuses what a real API server refuses.

# Test helpers are called through wait_for and ktap_check.
# shellcheck disable=SC2317

set -u
PN_NODES=5
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$(readlink -f "$0")")/lib.sh"
# shellcheck source=pd_lib.sh source-path=SCRIPTDIR
. "$PN_LIB_DIR/pd_lib.sh"

ktap_plan 24
podnet_require
for t in openssl curl "$PYTHON" "$PD_CNI_PATH/bridge" "$PD_CNI_PATH/host-local" \
	 "$PD_CNI_PATH/portmap" "$PODNETD"; do
	command -v "$t" > /dev/null ||
		ktap_skip_all "$t is missing (scripts/deps.sh, make -C userspace)"
done
pn_tmpdir
N1=${PN_NODE_NS[1]}
MAC4=0e:5c:4f:aa:bb:04
MAC46=0e:5c:4f:aa:bb:46
S4=(x 10.244.1.0/24 10.244.2.0/24 10.244.3.0/24 10.244.200.0/24 10.244.5.0/24)
S6=(x fd00:244:0:1::/64 fd00:244:0:2::/64 fd00:244:0:3::/64 fd00:244:0:c8::/64 fd00:244:0:5::/64)

# --------------------------------------------------------- set up ----

fl_ann()
{
	printf '{"%s/backend-data":"{\\"VNI\\":1,\\"VtepMAC\\":\\"%s\\"}","%s/backend-type":"vxlan","%s/backend-v6-data":"{\\"VNI\\":1,\\"VtepMAC\\":\\"%s\\"}","%s/kube-subnet-manager":"true","%s/public-ip":"%s","%s/public-ipv6":"%s"}' \
		"$PD_ANN" "$MAC4" "$PD_ANN" "$PD_ANN" "$MAC46" "$PD_ANN" "$PD_ANN" \
		"${PN_NODE_IP[4]}" "$PD_ANN" "${PN_NODE_IP6[4]}"
}

setup()
{
	local n

	topo_underlay || return 1
	for n in 1 2 3 4 5; do
		topo_node_bare "$n" 46 || return 1
	done
	pd_kube_setup || return 1
	# n2's PodCIDRs IPv6 first (flannel-io/flannel#1629)
	pd_kube_node n1 "${S4[1]}" "${S6[1]}" &&
	pd_kube_node n2 "${S6[2]}" "${S4[2]}" &&
	pd_kube_node n3 "${S4[3]}" "${S6[3]}" &&
	pd_kube_node n4 "${S4[4]}" "${S6[4]}" -- "$(fl_ann)"
}
if ! setup > "$PN_TMP/setup.log" 2>&1; then
	ktap_info_file "$PN_TMP/setup.log" 30
	ktap_info_file "$PN_TMP/kube/apiserver.log" 20
	ktap_fail "the stand-in API server (TLS, tokens, client certificates) and Nodes n1-n4"
	ktap_finish
fi
ktap_ok "the stand-in API server (TLS, tokens, client certificates) and Nodes n1-n4 ($SECONDS s)"

pd_kube_start 1 pod
pd_kube_start 2 certfile
pd_kube_start 3 data --ip-masq
AUTH=(x "a pod's service account" "a kubeconfig, client certificate by path"
      "a kubeconfig, everything embedded")
for n in 1 2 3; do
	if pd_wait 60 pd_healthz "$n"; then
		ktap_ok "n$n (${AUTH[n]}): podnetd ready after $SECONDS s"
	else
		podnetd_log "$n"
		ktap_fail "n$n: podnetd ready (/healthz 200)"
	fi
done

# ----------------------------------------------- its annotations ----

# node_ok N: Node nN as flanneld would annotate it, its condition
node_ok()
{
	local n=$1 mac want got

	mac=$(pn_vtep_mac "${PN_NODE_NS[$n]}")
	want="{\"$PD_ANN/backend-data\":\"{\\\"VNI\\\":1,\\\"VtepMAC\\\":\\\"$mac\\\"}\",\"$PD_ANN/backend-type\":\"vxlan\",\"$PD_ANN/backend-v6-data\":\"{\\\"VNI\\\":1,\\\"VtepMAC\\\":\\\"$mac\\\"}\",\"$PD_ANN/kube-subnet-manager\":\"true\",\"$PD_ANN/public-ip\":\"${PN_NODE_IP[$n]}\",\"$PD_ANN/public-ipv6\":\"${PN_NODE_IP6[$n]}\"}"
	# shellcheck disable=SC2016
	got=$(kctl GET "/nodes/n$n" | "$PN_JQ" -c --arg p "$PD_ANN/" '
		.metadata.annotations | with_entries(select(.key | startswith($p)))')
	[ "$got" = "$want" ] || { echo "n$n: $got (want $want)"; return 1; }
	got=$(kctl GET "/nodes/n$n" | "$PN_JQ" -c '.status.conditions[] |
		select(.type == "NetworkUnavailable") | [.status, .reason]')
	[ "$got" = '["False","PodnetIsUp"]' ] || { echo "n$n NetworkUnavailable: $got"; return 1; }
}

# patched_ok: every PATCH was of nodes/status, a strategic-merge patch,
# by the node's own user, and the first one of n1 byte for byte
patched_ok()
{
	local stats first mac

	stats=$(kctl GET /stats)
	mac=$(pn_vtep_mac "$N1")
	# shellcheck disable=SC2016
	"$PN_JQ" -e --arg sa "$PD_SA_USER" --arg c "$PD_CERT_USER" '[.patches[] |
		select(.content_type != "application/strategic-merge-patch+json" or
		       ((.node == "n1") != (.user == $sa)) or
		       (.node != "n1" and .user != $c))] | length == 0' <<< "$stats" > /dev/null ||
		{ echo "patches: $("$PN_JQ" -c .patches <<< "$stats")"; return 1; }
	first=$("$PN_JQ" -r '[.patches[] | select(.node == "n1")][0].body |
		sub("Time\":\"[0-9TZ:-]+\""; "Time\":\"T\""; "g")' <<< "$stats")
	[ "$first" = "{\"metadata\":{\"annotations\":{\"$PD_ANN/backend-data\":\"{\\\"VNI\\\":1,\\\"VtepMAC\\\":\\\"$mac\\\"}\",\"$PD_ANN/backend-type\":\"vxlan\",\"$PD_ANN/backend-v6-data\":\"{\\\"VNI\\\":1,\\\"VtepMAC\\\":\\\"$mac\\\"}\",\"$PD_ANN/kube-subnet-manager\":\"true\",\"$PD_ANN/public-ip\":\"${PN_NODE_IP[1]}\",\"$PD_ANN/public-ipv6\":\"${PN_NODE_IP6[1]}\"}},\"status\":{\"conditions\":[{\"type\":\"NetworkUnavailable\",\"status\":\"False\",\"lastHeartbeatTime\":\"T\",\"lastTransitionTime\":\"T\",\"reason\":\"PodnetIsUp\",\"message\":\"podnetd is running on this node\"}]}}" ] ||
		{ echo "n1's first patch: $first"; return 1; }
}
ktap_check "Nodes n1-n3 annotated as flanneld annotates them, with pn0's vtep mac; NetworkUnavailable False" \
	eval 'node_ok 1 && node_ok 2 && node_ok 3'
ktap_check "one strategic-merge PATCH of nodes/status each, by the node's own user (n1's byte for byte)" patched_ok

# env_ok N: subnet.env and the conflist from the PodCIDRs
env_ok()
{
	local f=$PN_TMP/n$1/subnet.env

	if ! { [ "$(pd_subnet4 "$1")" = "${S4[$1]}" ] && [ "$(pd_subnet6 "$1")" = "${S6[$1]}" ] &&
	       [ "$(sed -n 's/^FLANNEL_NETWORK=//p' "$f")" = "$PD_NET4" ] &&
	       [ "$(sed -n 's/^FLANNEL_MTU=//p' "$f")" = "$(link_mtu "${PN_NODE_NS[$1]}" pn0)" ] &&
	       [ "$("$PN_JQ" -r '.plugins[0].ipam.ranges[1][0].subnet' "$PN_TMP/n$1/cni/10-podnet.conflist")" = "${S6[$1]}" ]; }; then
		echo "n$1:"
		cat "$f"
		return 1
	fi
}
ktap_check "subnet.env and the conflist of n1-n3 from their PodCIDRs (n2's IPv6 first)" \
	eval 'env_ok 1 && env_ok 2 && env_ok 3'

if pd_flannel_dev 4 "$MAC4" "$MAC46" "${S4[4]}" "${S6[4]}" > "$PN_TMP/fl.log" 2>&1 &&
   pd_wait 30 pd_has_route 1 "${S4[4]}" "${PN_NODE_IP[4]}" &&
   pd_kube_flannel_peers 4 >> "$PN_TMP/fl.log" 2>&1; then
	ktap_ok "n4 built as flanneld builds it from the Nodes' annotations"
else
	ktap_info_file "$PN_TMP/fl.log"
	ktap_fail "n4 built as flanneld builds it from the Nodes' annotations"
fi
pd_pods
rc=$?
[ $rc -eq 0 ] || ktap_info_file "$PN_TMP/pods.log"
ktap_result "pods made by the CNI reference plugins on n1-n4" $rc

ktap_check "every pod reaches every pod, IPv4 and IPv6 (podnetd and flannel nodes, both ways)" pd_mesh 4 6

# tables: the routes of n1, n2, n3's pn0, sorted
tables()
{
	local n

	for n in 1 2 3; do
		pnctl "${PN_NODE_NS[$n]}" route show dev pn0 | awk '{ print $1, $3 }' | sort
	done
}

# table_ok N: pn0 of node N routes exactly the other nodes' PodCIDRs
table_ok()
{
	local n=$1 m want="" got

	for m in 1 2 3 4; do
		[ "$m" = "$n" ] && continue
		want+="${S4[$m]} ${PN_NODE_IP[$m]}"$'\n'"${S6[$m]} ${PN_NODE_IP6[$m]}"$'\n'
	done
	want=$(sort <<< "${want%$'\n'}")
	got=$(pnctl "${PN_NODE_NS[$n]}" route show dev pn0 | awk '{ print $1, $3 }' | sort)
	[ "$got" = "$want" ] || { echo "n$n:"; echo "$got"; echo "want:"; echo "$want"; return 1; }
}
ktap_check "pn0 of n1, n2, n3: exactly the other nodes' PodCIDRs, via their public IPs" \
	eval 'table_ok 1 && table_ok 2 && table_ok 3'

# ------------------------------------------ join, change, leave ----

# metric_is N NAME LABELS VALUE
metric_is()
{
	[ "$(pd_metric "$1" "$2" "$3")" = "$4" ]
}

pinger j1 1 "${PD_POD_IP4[3]}"
pj=$PINGER
# n5 registers; its Node has a PodCIDR and a public-ip-overwrite, no
# flannel annotations yet: pending
pd_kube_node n5 "${S4[5]}" "${S6[5]}" -- "{\"$PD_ANN/public-ip-overwrite\":\"192.168.1.55\"}"
rc=0
pd_wait 20 metric_is 1 podnetd_leases_skipped 'reason="pending"' 1 || rc=1
routes_off "${S4[5]}" || rc=1
pd_kube_start 5 token
if [ $rc -eq 0 ] && pd_wait 60 pd_healthz 5 &&
   pd_wait 30 routes_on "${S4[5]}" 192.168.1.55 &&
   [ "$(pd_kube_ann n5 public-ip)" = 192.168.1.55 ] &&
   [ "$(pd_metric 1 podnetd_leases_skipped 'reason="pending"')" = 0 ]; then
	ktap_ok "n5 joins: pending while not annotated, then on n1-n3 via its public-ip-overwrite"
else
	podnetd_log 5
	ktap_fail "n5 joins: pending while not annotated, then on n1-n3 via its public-ip-overwrite"
fi
kctl PATCH /nodes/n5 "{\"metadata\":{\"annotations\":{\"$PD_ANN/public-ip-overwrite\":null}}}" > /dev/null
if pd_wait 30 routes_on "${S4[5]}" "${PN_NODE_IP[5]}" &&
   [ "$(pd_kube_ann n5 public-ip)" = "${PN_NODE_IP[5]}" ]; then
	ktap_ok "its public-ip-overwrite removed: n5 publishes its own address again, n1-n3 follow"
else
	ktap_info "n5 public-ip: $(pd_kube_ann n5 public-ip)"
	podnetd_log 5
	ktap_fail "its public-ip-overwrite removed: n5 publishes its own address again, n1-n3 follow"
fi

# subnet4_is N PREFIX: node N's subnet.env says PREFIX
subnet4_is()
{
	[ "$(pd_subnet4 "$1")" = "$2" ]
}

# the controller manager gives n5 other PodCIDRs
kctl PATCH /nodes/n5 '{"spec":{"podCIDR":"10.244.15.0/24","podCIDRs":["10.244.15.0/24","fd00:244:0:15::/64"]}}' > /dev/null
if pd_wait 30 routes_on 10.244.15.0/24 "${PN_NODE_IP[5]}" &&
   pd_wait 10 routes_on fd00:244:0:15::/64 && routes_off "${S4[5]}" &&
   routes_off "${S6[5]}" &&
   pd_wait 20 subnet4_is 5 10.244.15.0/24 &&
   ip -n "${PN_NODE_NS[5]}" addr show dev pn0 | grep -q 'inet 10.244.15.0/32' &&
   [ "$(pd_metric 5 podnetd_kube_podcidr_changes_total)" = 1 ]; then
	ktap_ok "a PodCIDR change: n1-n3 move n5's routes; n5's pn0 address and subnet.env follow"
else
	ktap_info "n1: $(pnctl "$N1" route show dev pn0 | tr '\n' ';')"
	podnetd_log 5
	ktap_fail "a PodCIDR change: n1-n3 move n5's routes; n5's pn0 address and subnet.env follow"
fi

kill -TERM "${PD_PID[5]}" && wait "${PD_PID[5]}"
kctl DELETE /nodes/n5 > /dev/null
if pd_wait 30 routes_off 10.244.15.0/24 &&
   ! pnctl "$N1" peer show dev pn0 | grep -q "^${PN_NODE_IP[5]} "; then
	ktap_ok "n5's Node deleted: its routes and peer leave n1-n3"
else
	ktap_fail "n5's Node deleted: its routes and peer leave n1-n3"
fi
out=$(ping_lost j1 "$pj")
ktap_result "no ping lost (p1 -> p3) across the join, changes and leave of n5 ($out)" $?

# ---------------------------------------------------- expiry ----

# counters N: lists, syncs, expirations of node N
counters()
{
	echo "$(pd_metric "$1" podnetd_lists_total) $(pd_metric "$1" podnetd_syncs_total) $(pd_metric "$1" podnetd_kube_expired_total)"
}

# relisted N BEFORE: node N listed and synced again, one expiry more
relisted()
{
	local b a

	read -r -a b <<< "$2"
	read -r -a a <<< "$(counters "$1")"
	[ "${a[0]}" -gt "${b[0]}" ] && [ "${a[1]}" -gt "${b[1]}" ] &&
		[ "${a[2]}" = $((b[2] + 1)) ]
}

# expire MODE BODY: end every watch, make the change BODY, compact the
# history; then n1-n3 must list again (410 as MODE) and sync
expire()
{
	local mode=$1 body=$2 n before=()

	for n in 1 2 3; do
		before[n]=$(counters "$n")
	done
	kctl POST "/expire?mode=$mode" "$body" > /dev/null || return 1
	for n in 1 2 3; do
		pd_wait 30 relisted "$n" "${before[n]}" || { echo "n$n: $(counters "$n") (before ${before[n]})"; return 1; }
	done
}

pinger e1 2 "${PD_POD_IP6[1]}"
pe=$PINGER
if expire event '{"add":{"name":"n6","podCIDRs":["10.244.230.0/24","fd00:244:0:230::/64"],"addresses":["192.168.1.9"],"annotations":'"$(fl_ann | sed 's/192\.168\.1\.4/192.168.1.9/; s/fd00:1::4/fd00:1::9/')"'}}' > "$PN_TMP/exp.log" 2>&1 &&
   pd_wait 10 routes_on 10.244.230.0/24 192.168.1.9; then
	ktap_ok "an expired watch (an ERROR event of 410): n1-n3 list again and sync; n6, added meanwhile, is routed"
else
	ktap_info_file "$PN_TMP/exp.log"
	podnetd_log 1
	ktap_fail "an expired watch (an ERROR event of 410): n1-n3 list again and sync"
fi
if expire http '{"delete":"n6"}' > "$PN_TMP/exp.log" 2>&1 &&
   pd_wait 10 routes_off 10.244.230.0/24; then
	ktap_ok "an expired watch (HTTP 410): n1-n3 list again and sync; n6, deleted meanwhile, is gone"
else
	ktap_info_file "$PN_TMP/exp.log"
	podnetd_log 1
	ktap_fail "an expired watch (HTTP 410): n1-n3 list again and sync"
fi
out=$(ping_lost e1 "$pe")
ktap_result "no ping lost (p2 -> p1, IPv6) across both expiries ($out)" $?

# ------------------------------------------ the API server restarted ----

pinger r1 3 "${PD_POD_IP4[2]}"
pr=$PINGER
tables_before=$(tables)
pd_kube_api_stop
# down: the watches fail, reconnects back off; nothing of pn0 changes
down_ok()
{
	local n

	for n in 1 2 3; do
		metric_is "$n" podnetd_kube_up "" 0 || return 1
	done
}
rc=0
pd_wait 30 down_ok || { rc=1; ktap_info "podnetd_kube_up stayed 1"; }
for n in 1 2 3; do
	pd_healthz "$n" || { rc=1; ktap_info "n$n: /healthz is not 200 while the API server is down"; }
done
[ "$(tables)" = "$tables_before" ] || { rc=1; ktap_info "tables changed while the API server was down"; }
# a change while it is down: n7 in its state, one resourceVersion on
k=$PN_TMP/kube/state.json
# shellcheck disable=SC2016
"$PN_JQ" -c --arg p "$PD_ANN/" '(.rv + 1) as $rv | .rv = $rv | .nodes.n7 = (.nodes.n4
	| .metadata.name = "n7" | .metadata.resourceVersion = ($rv | tostring)
	| .spec = {podCIDR: "10.244.231.0/24", podCIDRs: ["10.244.231.0/24", "fd00:244:0:231::/64"]}
	| .metadata.annotations[$p + "public-ip"] = "192.168.1.7"
	| .metadata.annotations[$p + "public-ipv6"] = "fd00:1::7")' "$k" > "$k.new" && mv "$k.new" "$k"
pd_kube_api_start > /dev/null
if [ $rc -eq 0 ] && pd_wait 60 routes_on 10.244.231.0/24 192.168.1.7 &&
   pd_wait 10 eval 'metric_is 1 podnetd_kube_up "" 1 && metric_is 2 podnetd_kube_up "" 1'; then
	ktap_ok "the API server stopped: pn0 untouched, /healthz 200, kube_up 0; started again: n7, added meanwhile, routed"
else
	podnetd_log 1
	ktap_fail "the API server stopped and started again"
fi
out=$(ping_lost r1 "$pr")
ktap_result "no ping lost (p3 -> p2) across the API server's restart ($out)" $?

# ------------------------------------------------ token rotation ----

# n1's service account token is rotated on disk (a new file renamed over
# the old, as the kubelet does), then the old one revoked and every
# watch ended: n1 must already use the new one
old=$(cat "$PN_TMP/n1/sa/token")
new=token-n1-rotated-$RANDOM$RANDOM
echo "$new" > "$PN_TMP/n1/sa/token.new" && mv "$PN_TMP/n1/sa/token.new" "$PN_TMP/n1/sa/token"
echo "$new $PD_SA_USER" >> "$PN_TMP/kube/tokens"
kctl POST /tokens > /dev/null
unauth=$(kctl GET /stats | "$PN_JQ" .unauthorized)
sed -i "/^$old /d" "$PN_TMP/kube/tokens"
kctl POST /tokens > /dev/null
kctl POST /drop > /dev/null
pd_kube_node n8 10.244.232.0/24 fd00:244:0:232::/64 -- "$(fl_ann | sed 's/192\.168\.1\.4/192.168.1.8/; s/fd00:1::4/fd00:1::8/')"
if pd_wait 30 pd_has_route 1 10.244.232.0/24 192.168.1.8 &&
   [ "$(pd_metric 1 podnetd_kube_token_reloads_total)" = 1 ] &&
   [ "$(kctl GET /stats | "$PN_JQ" .unauthorized)" = "$unauth" ]; then
	ktap_ok "n1's token rotated on disk: read again, used before the old one is revoked (no 401), n8 followed"
else
	ktap_info "token reloads $(pd_metric 1 podnetd_kube_token_reloads_total), 401s $unauth -> $(kctl GET /stats | "$PN_JQ" .unauthorized)"
	podnetd_log 1
	ktap_fail "n1's token rotated on disk: read again, used before the old one is revoked"
fi

# ------------------------------------------- the stand-in is strict ----

# refused METHOD PATH CODE [CURL ARGS...]: the API server answers CODE
refused()
{
	local m=$1 p=$2 want=$3 got

	shift 3
	got=$(ns_run "$UL_NS" curl -s -o /dev/null -w '%{http_code}' -m 5 \
		--cacert "$PN_TMP/pki/ca.pem" -X "$m" "$PD_API$p" "$@")
	[ "$got" = "$want" ] || { echo "$m $p $*: $got, not $want"; return 1; }
}

strict()
{
	local tok rv auth

	tok=$(pd_kube_token 2)
	auth="Authorization: Bearer $tok"
	rv=$(kctl GET /nodes/n2 | "$PN_JQ" -r .metadata.resourceVersion)
	refused GET /api/v1/nodes 401 &&
	refused GET /api/v1/nodes 401 -H "Authorization: Bearer not-a-token" &&
	refused PATCH /api/v1/nodes/n2/status 415 -H "$auth" -H 'Content-Type: application/json' -d '{}' &&
	refused PATCH /api/v1/nodes/n2/status 400 -H "$auth" -H 'Content-Type: application/strategic-merge-patch+json' -d '{"metadata":' &&
	refused PATCH /api/v1/nodes/n2/status 409 -H "$auth" -H 'Content-Type: application/strategic-merge-patch+json' \
		-d "{\"metadata\":{\"resourceVersion\":\"$((rv - 1))\",\"annotations\":{\"a/b\":\"c\"}}}" &&
	refused PATCH /api/v1/nodes/n2/status 422 -H "$auth" -H 'Content-Type: application/strategic-merge-patch+json' \
		-d '{"metadata":{"annotations":{"not a key":"c"}}}' &&
	refused PATCH /api/v1/nodes/n2 403 -H "$auth" -H 'Content-Type: application/strategic-merge-patch+json' -d '{}' &&
	refused GET "/api/v1/nodes?watch=true&resourceVersion=1" 200 -H "$auth" &&
	[ "$(ns_run "$UL_NS" curl -s -m 5 --cacert "$PN_TMP/pki/ca.pem" -H "$auth" \
		"$PD_API/api/v1/nodes?watch=true&resourceVersion=1" | "$PN_JQ" -r '"\(.type) \(.object.code)"')" = "ERROR 410" ]
}
ktap_check "the stand-in refuses as kube-apiserver does: no or bad token 401, wrong type 415, bad JSON 400, stale resourceVersion 409, bad key 422, nodes patch 403, old watch 410" strict

rc=0
for n in 1 2 3 5; do
	if grep -qE 'Segmentation|Aborted|AddressSanitizer|double free' "$PN_TMP/n$n/podnetd.log" 2> /dev/null; then
		podnetd_log "$n" 30
		rc=1
	fi
done
ktap_result "podnetd's logs: no crash" $rc
ktap_finish
