# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# podnetd in the selftests (and the demo): an etcd cluster of three
# members, each in a namespace of its own on the underlay, with TLS client
# certificates and user authentication; podnetd on nodes; pods made by the
# CNI reference plugins as a container runtime makes them; a node built
# exactly as flanneld builds it. Source it after lib.sh.
#
#	ul:  br0 192.168.1.254/24, fd00:1::fe/64 (etcdctl runs here)
#	eK:  eth0 192.168.1.20K/24, etcd member eK (K = 1..3)
#	nN:  a node of lib.sh (topo_node_bare N 46), podnetd or flannel's
#	     layout; its files under $PN_TMP/nN/
#
# The network: 10.244.0.0/16 and fd00:244::/48, backend vxlan (VNI 1,
# port 8472), subnets of /24 and /64 chosen by podnetd.

# shellcheck disable=SC2034

PODNETD=${PODNETD:-$PN_TOP/userspace/podnetd}
PD_CNI_PATH=${PD_CNI_PATH:-/usr/lib/cni}
PD_PREFIX=/coreos.com/network
PD_NET4=10.244.0.0/16
PD_NET6=fd00:244::/48
PD_CONFIG='{"Network":"10.244.0.0/16","EnableIPv6":true,"IPv6Network":"fd00:244::/48","Backend":{"Type":"vxlan"}}'
PD_ETCD_IP=(x 192.168.1.201 192.168.1.202 192.168.1.203)
PD_ENDPOINTS=https://${PD_ETCD_IP[1]}:2379,https://${PD_ETCD_IP[2]}:2379,https://${PD_ETCD_IP[3]}:2379
PD_ROOT_PW=rootpw
PD_USER=podnetd
PD_USER_PW=podnetd-secret
PD_HEALTH_PORT=9180
declare -a PD_ETCD_PID=() PD_PID=()
# the debug kernel (KASAN, lockdep) runs etcd and podnetd about four
# times slower: its waits, podnetd's and etcdctl's request timeouts are
# four times longer (a 5 s request timed out there under load: lease
# grants failed, watches were listed again and again)
PD_SLOW=1
[[ $PN_KREL != *-podnet-debug* ]] || PD_SLOW=4
declare -A PD_POD_IP4=() PD_POD_IP6=()

# pd_wait SECONDS CMD...: wait_for, SECONDS times PD_SLOW
pd_wait()
{
	local s=$(($1 * PD_SLOW))

	shift
	wait_for "$s" "$@"
}

# pd_certs: a CA, the members' certificate (server and client use, as
# the gateway calls its own member with it), client certificates for
# podnetd and for etcdctl (CN root: etcd's user for it), and a client
# certificate of another CA, in $PN_TMP/pki. podnetd's has no Common
# Name: with authentication on, etcd's gateway refuses a client
# certificate that has one ("CommonName of client sending a request
# against gateway will be ignored"); podnetd's user comes from its
# password instead.
pd_certs()
{
	local d=$PN_TMP/pki

	mkdir -p "$d" || return 1
	pd_cert_ca "$d/ca" podnet-test-ca &&
	pd_cert_ca "$d/rogue-ca" rogue-ca &&
	pd_cert "$d/ca" "$d/member" /CN=etcd-member \
		"subjectAltName=IP:${PD_ETCD_IP[1]},IP:${PD_ETCD_IP[2]},IP:${PD_ETCD_IP[3]},IP:127.0.0.1
extendedKeyUsage=serverAuth,clientAuth" &&
	pd_cert "$d/ca" "$d/client" /O=podnet "extendedKeyUsage=clientAuth" &&
	pd_cert "$d/ca" "$d/root" /CN=root "extendedKeyUsage=clientAuth" &&
	pd_cert "$d/rogue-ca" "$d/rogue" /O=podnet "extendedKeyUsage=clientAuth"
}

# pd_cert_ca BASE CN: BASE.pem and BASE.key
pd_cert_ca()
{
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$1.key" -out "$1.pem" -days 2 -subj "/CN=$2" \
		2> /dev/null
}

# pd_cert CA BASE SUBJECT EXTENSIONS: BASE.pem and BASE.key signed by CA
pd_cert()
{
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$2.key" -subj "$3" 2> /dev/null |
		openssl x509 -req -CA "$1.pem" -CAkey "$1.key" -CAcreateserial \
			-out "$2.pem" -days 2 -extfile <(printf '%s\n' "$4") \
			2> /dev/null
}

# pd_etcd_start K...: etcd members K (namespace, underlay leg, process);
# pd_etcd_up waits for them
pd_etcd_start()
{
	local k ns cluster="" pki=$PN_TMP/pki

	for k in 1 2 3; do
		cluster+=${cluster:+,}e$k=http://${PD_ETCD_IP[$k]}:2380
	done
	for k in "$@"; do
		ns=pn-e$k-$PN_SUFFIX
		if [ ! -e "/run/netns/$ns" ]; then
			ns_new "$ns" && ns_nodad "$ns" || return 1
		fi
		if ! ip -n "$ns" link show eth0 > /dev/null 2>&1; then
			underlay_attach "$ns" eth0 "ul-e$k" "${PD_ETCD_IP[$k]}/24" \
				"link set lo up" || return 1
		fi
		mkdir -p "$PN_TMP/etcd"
		# an emulated CPU: elections take longer than on hardware
		bg_run "$ns" etcd --name "e$k" --data-dir "$PN_TMP/etcd/e$k" \
			--listen-peer-urls "http://${PD_ETCD_IP[$k]}:2380" \
			--initial-advertise-peer-urls "http://${PD_ETCD_IP[$k]}:2380" \
			--listen-client-urls "https://${PD_ETCD_IP[$k]}:2379" \
			--advertise-client-urls "https://${PD_ETCD_IP[$k]}:2379" \
			--initial-cluster "$cluster" --initial-cluster-token pn-test \
			--initial-cluster-state new \
			--heartbeat-interval 250 --election-timeout 2500 \
			--cert-file "$pki/member.pem" --key-file "$pki/member.key" \
			--trusted-ca-file "$pki/ca.pem" --client-cert-auth \
			--logger zap --log-level warn \
			> "$PN_TMP/etcd/e$k.log" 2>&1
		PD_ETCD_PID[k]=$BG_PID
	done
}

# pd_etcd_kill K: SIGKILL member K
pd_etcd_kill()
{
	kill -KILL "${PD_ETCD_PID[$1]}" 2> /dev/null
	wait "${PD_ETCD_PID[$1]}" 2> /dev/null
	PD_ETCD_PID[$1]=
}

# ectl ARGS...: etcdctl as root over TLS, from the underlay namespace
# (ENDPOINTS: the endpoints to use, default all three)
ectl()
{
	local pki=$PN_TMP/pki

	ns_run "$UL_NS" etcdctl --endpoints "${ENDPOINTS:-$PD_ENDPOINTS}" \
		--cacert "$pki/ca.pem" --cert "$pki/root.pem" --key "$pki/root.key" \
		--dial-timeout $((5 * PD_SLOW))s \
		--command-timeout $((10 * PD_SLOW))s "$@"
}

# pd_etcd_setup: the underlay namespace's addresses, the members healthy,
# the network's config, users root and podnetd (read-write on the
# prefix), authentication on
pd_etcd_setup()
{
	ip -n "$UL_NS" addr add 192.168.1.254/24 dev br0 2> /dev/null
	pd_wait 60 ectl endpoint health || return 1
	ectl put "$PD_PREFIX/config" "$PD_CONFIG" > /dev/null &&
	ectl user add "root:$PD_ROOT_PW" > /dev/null &&
	ectl role add podnet > /dev/null &&
	ectl role grant-permission podnet --prefix=true readwrite "$PD_PREFIX/" > /dev/null &&
	ectl user add "$PD_USER:$PD_USER_PW" > /dev/null &&
	ectl user grant-role "$PD_USER" podnet > /dev/null &&
	ectl auth enable > /dev/null
}

# pd_node_args N: what podnetd on node N is given whatever its store
# (underlay, files under $PN_TMP/nN, health port, log level), in PD_ARGS
pd_node_args()
{
	local d=$PN_TMP/n$1

	mkdir -p "$d"
	PD_ARGS=(--iface eth0 --public-ipv6 "${PN_NODE_IP6[$1]}"
		 --subnet-file "$d/subnet.env" --cni-conf-dir "$d/cni"
		 --cni-data-dir "$d/ipam" --healthz-port "$PD_HEALTH_PORT"
		 --log-level "${PD_LOG_LEVEL:-info}")
}

# pd_start N [ARG...]: podnetd on node N (killed at cleanup), its files
# under $PN_TMP/nN; PD_PID[N]
pd_start()
{
	local n=$1 pki=$PN_TMP/pki

	shift
	pd_node_args "$n"
	bg_run "${PN_NODE_NS[$n]}" "$PODNETD" --etcd-endpoints="$PD_ENDPOINTS" \
		--etcd-cafile "$pki/ca.pem" --etcd-certfile "$pki/client.pem" \
		--etcd-keyfile "$pki/client.key" --etcd-username "$PD_USER" \
		--etcd-password "$PD_USER_PW" --etcd-timeout $((5000 * PD_SLOW)) \
		"${PD_ARGS[@]}" "$@" >> "$PN_TMP/n$n/podnetd.log" 2>&1
	PD_PID[n]=$BG_PID
}

# pd_healthz N: node N's podnetd answers /healthz with 200
pd_healthz()
{
	ns_run "${PN_NODE_NS[$1]}" curl -sf -m 3 "http://127.0.0.1:$PD_HEALTH_PORT/healthz" > /dev/null
}

# pd_metric N NAME [LABELS]: a value of node N's /metrics ("NAME{LABELS}")
pd_metric()
{
	local m=$2

	[ -z "${3:-}" ] || m+="{$3}"
	ns_run "${PN_NODE_NS[$1]}" curl -sf -m 3 "http://127.0.0.1:$PD_HEALTH_PORT/metrics" |
		awk -v m="$m" '$1 == m { print $2; f = 1 } END { exit !f }'
}

# pd_key N: node N's lease key (after subnets/), from its subnet.env
pd_key()
{
	local s4 s6

	s4=$(sed -n 's/^FLANNEL_SUBNET=\(.*\)\.1\/24$/\1.0-24/p' "$PN_TMP/n$1/subnet.env")
	s6=$(sed -n 's/^FLANNEL_IPV6_SUBNET=\(.*\)::1\/64$/\1::-64/p' "$PN_TMP/n$1/subnet.env")
	[ -n "$s4" ] && [ -n "$s6" ] && echo "$s4&$s6"
}

# pd_subnet4 N / pd_subnet6 N: node N's subnets (from its subnet.env)
pd_subnet4()
{
	sed -n 's/^FLANNEL_SUBNET=\(.*\)\.1\/24$/\1.0\/24/p' "$PN_TMP/n$1/subnet.env"
}

pd_subnet6()
{
	sed -n 's/^FLANNEL_IPV6_SUBNET=\(.*\)::1\/64$/\1::\/64/p' "$PN_TMP/n$1/subnet.env"
}

# podnetd_log N [LINES]: the end of node N's log, as diagnostics
podnetd_log()
{
	ktap_info "n$1's podnetd log:"
	ktap_info "$(tail -n "${2:-15}" "$PN_TMP/n$1/podnetd.log" 2>&1)"
}

# pinger NAME FROM TO: a ping every 0.1 s from pod FROM to TO until
# killed, its summary in $PN_TMP/NAME.ping, its pid in PINGER; returns
# once the first reply is in
pinger()
{
	bg_run "${PN_POD_NS[${2}a]}" ping -n -i 0.1 "$3" > "$PN_TMP/$1.ping" 2>&1
	PINGER=$BG_PID
	pd_wait 20 grep -q 'bytes from' "$PN_TMP/$1.ping"
}

# ping_lost NAME PID: stop it; nothing lost (prints its summary)
ping_lost()
{
	kill -INT "$2" 2> /dev/null
	wait "$2" 2> /dev/null
	grep -m 1 'packets transmitted' "$PN_TMP/$1.ping"
	grep -q ' 0% packet loss' "$PN_TMP/$1.ping"
}

# routes_on PREFIX [VIA]: n1, n2 and n3 route PREFIX (via VIA);
# routes_off PREFIX: none does
routes_on()
{
	pd_has_route 1 "$@" && pd_has_route 2 "$@" && pd_has_route 3 "$@"
}

routes_off()
{
	pd_no_route 1 "$1" && pd_no_route 2 "$1" && pd_no_route 3 "$1"
}

# pd_has_route N PREFIX [VIA]: pn0 of node N routes PREFIX (via VIA)
pd_has_route()
{
	pnctl "${PN_NODE_NS[$1]}" route show dev pn0 |
		awk -v p="$2" -v v="${3:-}" '$1 == p && (v == "" || $3 == v) { f = 1 } END { exit !f }'
}

pd_no_route()
{
	! pd_has_route "$@"
}

# cni_add NODE_NS POD_NS CONFLIST: ADD of each plugin of CONFLIST in turn,
# as a runtime calls them (in the node's namespace, the previous result
# as prevResult); prints the last result
cni_add()
{
	local node=$1 pod=$2 list=$3 n i conf prev="" out

	n=$("$PN_JQ" '.plugins | length' "$list") || return 1
	for ((i = 0; i < n; i++)); do
		# shellcheck disable=SC2016
		conf=$("$PN_JQ" -c --argjson i "$i" --arg prev "$prev" '
			.plugins[$i] + { cniVersion, name }
			+ (if $prev == "" then {} else { prevResult: ($prev | fromjson) } end)' "$list") ||
			return 1
		out=$(printf '%s' "$conf" | ip netns exec "$node" env CNI_COMMAND=ADD \
			CNI_CONTAINERID="$pod" CNI_NETNS="/run/netns/$pod" \
			CNI_IFNAME=eth0 CNI_PATH="$PD_CNI_PATH" \
			"$PD_CNI_PATH/$("$PN_JQ" -r .type <<< "$conf")") || {
			echo "cni_add: plugin $i of $list: $out" >&2
			return 1
		}
		prev=$out
	done
	printf '%s\n' "$prev"
}

# pd_pod N CONFLIST: pod pN (namespace pn-pNa) on node N made through the
# CNI plugins of CONFLIST; its addresses in PD_POD_IP4[N], PD_POD_IP6[N]
pd_pod()
{
	local n=$1 pod=${PN_POD_NS[${1}a]} res

	ns_new "$pod" && ns_nodad "$pod" || return 1
	res=$(cni_add "${PN_NODE_NS[$n]}" "$pod" "$2") || return 1
	PD_POD_IP4[$n]=$("$PN_JQ" -r '[.ips[].address | select(contains(".")) | sub("/.*"; "")][0]' <<< "$res")
	PD_POD_IP6[$n]=$("$PN_JQ" -r '[.ips[].address | select(contains(":")) | sub("/.*"; "")][0]' <<< "$res")
	[[ ${PD_POD_IP4[$n]} == 10.244.* ]] && [[ ${PD_POD_IP6[$n]} == fd00:244:* ]]
}

# pd_pods: pods on n1-n3 through podnetd's conflist, on n4 through
# flannel's (errors in $PN_TMP/pods.log)
pd_pods()
{
	local n rc=0

	for n in 1 2 3; do
		pd_pod "$n" "$PN_TMP/n$n/cni/10-podnet.conflist" 2>> "$PN_TMP/pods.log" || rc=1
	done
	pd_pod 4 "$PN_TMP/n4/cni/10-flannel.conflist" 2>> "$PN_TMP/pods.log" || rc=1
	return $rc
}

# pd_mesh FAMILY...: every pod of n1-n4 pings every other pod (4: IPv4,
# 6: IPv6)
pd_mesh()
{
	local a b f ip fails=""

	for f in "$@"; do
		for a in 1 2 3 4; do
			for b in 1 2 3 4; do
				[ "$a" != "$b" ] || continue
				if [ "$f" = 4 ]; then ip=${PD_POD_IP4[$b]}; else ip=${PD_POD_IP6[$b]}; fi
				ping_ok "${PN_POD_NS[${a}a]}" "$ip" || fails+=" p$a->p$b($ip)"
			done
		done
	done
	[ -z "$fails" ] || { echo "no reply:$fails"; return 1; }
}

# pd_flannel_dev N MAC MAC6 [SUB4 SUB6]: node N's devices as flanneld
# builds them (flannel.1 and flannel-v6.1 with the first address of each
# subnet, default 10.244.200.0/24 and fd00:244:0:c8::/64), and a conflist
# for its pods as flannel's CNI plugin would delegate to bridge and
# host-local
pd_flannel_dev()
{
	local n=$1 node=${PN_NODE_NS[$1]} d=$PN_TMP/n$1
	local s4=${4:-10.244.200.0/24} s6=${5:-fd00:244:0:c8::/64}

	mkdir -p "$d/cni" "$d/ipam"
	printf '%s\n' \
		"link add flannel.1 address $2 mtu 1450 type vxlan id 1 dstport 8472 nolearning local ${PN_NODE_IP[$n]} dev eth0" \
		"addr add ${s4%/*}/32 dev flannel.1" "link set flannel.1 up" \
		"link add flannel-v6.1 address $3 mtu 1430 type vxlan id 1 dstport 8472 nolearning local ${PN_NODE_IP6[$n]} dev eth0" \
		"addr add ${s6%/*}/128 dev flannel-v6.1 nodad" "link set flannel-v6.1 up" |
		ip -n "$node" -batch - || return 1
	cat > "$d/cni/10-flannel.conflist" <<-EOF
	{ "cniVersion": "1.0.0", "name": "cbr0", "plugins": [
	  { "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false,
	    "hairpinMode": true, "mtu": 1430,
	    "ipam": { "type": "host-local", "dataDir": "$d/ipam",
	      "ranges": [[{ "subnet": "$s4" }], [{ "subnet": "$s6" }]],
	      "routes": [{ "dst": "0.0.0.0/0" }, { "dst": "::/0" }] } },
	  { "type": "portmap", "capabilities": { "portMappings": true } } ] }
	EOF
}

# pd_flannel_node N MAC MAC6: node N built as flanneld builds it: its
# lease (subnet 10.244.200.0/24 and fd00:244:0:c8::/64) in flanneld's JSON
# with a 24-hour etcd lease, its devices and conflist (pd_flannel_dev)
pd_flannel_node()
{
	local n=$1 id

	PD_FL_KEY="10.244.200.0-24&fd00:244:0:c8::-64"
	PD_FL_VALUE="{\"PublicIP\":\"${PN_NODE_IP[$n]}\",\"PublicIPv6\":\"${PN_NODE_IP6[$n]}\",\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"$2\"},\"BackendV6Data\":{\"VNI\":1,\"VtepMAC\":\"$3\"}}"
	id=$(ectl lease grant 86400 | awk '{ print $2 }') || return 1
	ectl put --lease="$id" "$PD_PREFIX/subnets/$PD_FL_KEY" "$PD_FL_VALUE" > /dev/null || return 1
	pd_flannel_dev "$@"
}

# pd_flannel_program N: on flannel node N, what flanneld adds for each
# other node read from stdin, one JSON object a node ({"type", "ip",
# "ip6", "mac", "mac6", "sub4", "sub6"}; ip6, mac6, sub6 may be null):
# neighbour, FDB entry and onlink route per subnet (IPv4 on flannel.1,
# IPv6 on flannel-v6.1). Nodes of other backend types, and N itself, are
# left out, as flanneld's vxlan backend does.
pd_flannel_program()
{
	local n=$1 lines

	# shellcheck disable=SC2016
	lines=$("$PN_JQ" -r --arg me "${PN_NODE_IP[$n]}" '
		select(.type == "vxlan" and .ip != $me)
		| (.sub4 | split("/")[0]) as $a4
		| "neigh replace \($a4) lladdr \(.mac) dev flannel.1 nud permanent",
		  "fdb append \(.mac) dev flannel.1 dst \(.ip) self permanent",
		  "route replace \(.sub4) via \($a4) dev flannel.1 onlink",
		  (if .sub6 != null and .ip6 != null then
			(.sub6 | split("/")[0]) as $a6
			| "neigh replace \($a6) lladdr \(.mac6) dev flannel-v6.1 nud permanent",
			  "fdb append \(.mac6) dev flannel-v6.1 dst \(.ip6) self permanent",
			  "route replace \(.sub6) via \($a6) dev flannel-v6.1 onlink"
		   else empty end)') || return 1
	# "bridge fdb" and "ip" lines: one batch each
	grep '^fdb ' <<< "$lines" | bridge -n "${PN_NODE_NS[$n]}" -batch - &&
		grep -v '^fdb ' <<< "$lines" | ip -n "${PN_NODE_NS[$n]}" -batch -
}

# pd_flannel_peers N: pd_flannel_program for every lease in etcd
pd_flannel_peers()
{
	# shellcheck disable=SC2016
	ectl get --prefix "$PD_PREFIX/subnets/" -w json | "$PN_JQ" -c '
		.kvs[]? | (.key | @base64d | sub(".*/subnets/"; "") | split("&")) as $s
		| (.value | @base64d | fromjson? // empty) as $v
		| { type: $v.BackendType, ip: $v.PublicIP, ip6: $v.PublicIPv6,
		    mac: $v.BackendData.VtepMAC, mac6: $v.BackendV6Data.VtepMAC,
		    sub4: ($s[0] | sub("-"; "/")),
		    sub6: (if ($s | length) > 1 then $s[1] | sub("-(?<l>[0-9]+)$"; "/\(.l)") else null end) }' |
		pd_flannel_program "$1"
}

# ------------------------------------------------ the Kubernetes API ----
#
# podnetd --kube-subnet-mgr against the stand-in API server
# (selftests/kube/apiserver.py) in the underlay namespace, at
# https://192.168.1.254:6443 (its control port 127.0.0.1:6444 there), its
# Node objects made from a real Node's JSON (selftests/kube/node.json).

PD_KUBE_DIR=$PN_LIB_DIR/kube
PD_API=https://192.168.1.254:6443
PD_API_CTL=http://127.0.0.1:6444
PD_SA=/run/secrets/kubernetes.io/serviceaccount
PD_SA_USER=system:serviceaccount:kube-flannel:podnetd
PD_CERT_USER=podnetd-cert
PD_ANN=flannel.alpha.coreos.com
PD_API_PID=

# pd_kube_certs: a CA, the API server's certificate, a client certificate
# (CN podnetd-cert: its user) in $PN_TMP/pki
pd_kube_certs()
{
	local d=$PN_TMP/pki

	mkdir -p "$d" || return 1
	pd_cert_ca "$d/ca" podnet-test-ca &&
	pd_cert "$d/ca" "$d/apiserver" /CN=kube-apiserver \
		"subjectAltName=IP:192.168.1.254
extendedKeyUsage=serverAuth" &&
	pd_cert "$d/ca" "$d/kclient" "/O=podnet/CN=$PD_CERT_USER" "extendedKeyUsage=clientAuth"
}

# kctl METHOD PATH [JSON]: the stand-in's control port
kctl()
{
	ns_run "$UL_NS" curl -sf -m 10 -X "$1" "$PD_API_CTL$2" ${3:+-d "$3"}
}

# pd_kube_api_start: the stand-in API server (tokens in $PN_TMP/kube/
# tokens, state in $PN_TMP/kube/state.json, log kube/apiserver.log);
# PD_API_PID
pd_kube_api_start()
{
	local k=$PN_TMP/kube pki=$PN_TMP/pki

	mkdir -p "$k"
	bg_run "$UL_NS" "${PN_PY[@]}" "$PD_KUBE_DIR/apiserver.py" \
		--listen 192.168.1.254:6443 --control 127.0.0.1:6444 \
		--cert "$pki/apiserver.pem" --key "$pki/apiserver.key" \
		--ca "$pki/ca.pem" --tokens "$k/tokens" --state "$k/state.json" \
		--template "$PD_KUBE_DIR/node.json" \
		--allow "$PD_SA_USER,$PD_CERT_USER" \
		--bookmark-interval "${PD_BOOKMARK:-2}" >> "$k/apiserver.log" 2>&1
	PD_API_PID=$BG_PID
	pd_wait 30 kctl GET /rv
}

pd_kube_api_stop()
{
	bg_kill "$PD_API_PID"
	PD_API_PID=
}

# pd_kube_setup: certificates, the underlay's API server address, a token
# per node (tokens), the network's configuration (net-conf.json), the API
# server
pd_kube_setup()
{
	local n k=$PN_TMP/kube

	mkdir -p "$k" && pd_kube_certs || return 1
	ip -n "$UL_NS" addr add 192.168.1.254/24 dev br0 2> /dev/null
	: > "$k/tokens"
	for n in 1 2 3 4 5 6 7 8 9; do
		echo "token-n$n-$RANDOM$RANDOM $PD_SA_USER" >> "$k/tokens"
	done
	printf '%s\n' "$PD_CONFIG" > "$k/net-conf.json"
	mkdir -p "$PD_SA"
	pd_kube_api_start
}

# pd_kube_token N: node N's bearer token
pd_kube_token()
{
	awk -v n="n$1" 'index($1, "token-" n "-") == 1 { print $1; exit }' "$PN_TMP/kube/tokens"
}

# pd_kube_node NAME CIDR... [-- ANNOTATIONS_JSON]: a Node from the
# template, with these PodCIDRs (and annotations), as a kubelet registers
# it and the controller manager gives it its PodCIDRs
pd_kube_node()
{
	local name=$1 cidrs="" ann="{}" a n

	shift
	while [ $# -gt 0 ]; do
		[ "$1" != -- ] || { ann=$2; break; }
		cidrs+=${cidrs:+,}\"$1\"
		shift
	done
	n=${name#n}
	a="\"${PN_NODE_IP[$n]:-192.168.1.9}\",\"${PN_NODE_IP6[$n]:-fd00:1::9}\""
	kctl POST /nodes "{\"name\":\"$name\",\"podCIDRs\":[$cidrs],\"addresses\":[$a],\"annotations\":$ann}" > /dev/null
}

# pd_kube_start N AUTH [ARG...]: podnetd --kube-subnet-mgr on node N
# (NODE_NAME nN), AUTH one of:
#	pod	in a pod: KUBERNETES_SERVICE_HOST and _PORT, the service
#		account's token and CA ($PN_TMP/nN/sa bind-mounted on
#		/var/run/secrets/kubernetes.io/serviceaccount for it alone)
#	certfile a kubeconfig with a client certificate and a CA by path
#		(relative to the kubeconfig)
#	data	a kubeconfig with the client certificate, its key and the CA
#		embedded (*-data), as kubeadm writes them
#	token	a kubeconfig with the node's token and the CA's path
pd_kube_start()
{
	local n=$1 auth=$2 d=$PN_TMP/n$1 pki=$PN_TMP/pki kc how=()

	shift 2
	mkdir -p "$d/sa"
	kc=$d/kubeconfig
	case $auth in
	pod)
		[ -s "$d/sa/token" ] || pd_kube_token "$n" > "$d/sa/token"
		cp "$pki/ca.pem" "$d/sa/ca.crt"
		echo kube-flannel > "$d/sa/namespace"
		how=(env KUBERNETES_SERVICE_HOST=192.168.1.254 KUBERNETES_SERVICE_PORT=6443)
		;;
	certfile)
		mkdir -p "$d/pki" && cp "$pki/ca.pem" "$pki/kclient.pem" "$pki/kclient.key" "$d/pki/"
		pd_kubeconfig "$kc" "certificate-authority: pki/ca.pem" \
			"client-certificate: pki/kclient.pem
    client-key: pki/kclient.key"
		how=(env --unset=KUBERNETES_SERVICE_HOST)
		set -- --kubeconfig-file "$kc" "$@"
		;;
	data)
		pd_kubeconfig "$kc" "certificate-authority-data: $(base64 -w0 < "$pki/ca.pem")" \
			"client-certificate-data: $(base64 -w0 < "$pki/kclient.pem")
    client-key-data: $(base64 -w0 < "$pki/kclient.key")"
		how=(env --unset=KUBERNETES_SERVICE_HOST)
		set -- --kubeconfig-file "$kc" "$@"
		;;
	token)
		pd_kubeconfig "$kc" "certificate-authority: $pki/ca.pem" \
			"token: $(pd_kube_token "$n")"
		how=(env --unset=KUBERNETES_SERVICE_HOST)
		set -- --kubeconfig-file "$kc" "$@"
		;;
	esac
	pd_node_args "$n"
	# shellcheck disable=SC2016
	bg_run "${PN_NODE_NS[$n]}" sh -c 'sa=$1; shift; mount --bind "$sa" '"$PD_SA"' && exec "$@"' \
		sh "$d/sa" "${how[@]}" NODE_NAME="n$n" "$PODNETD" --kube-subnet-mgr \
		--net-config-path "$PN_TMP/kube/net-conf.json" "${PD_ARGS[@]}" \
		"$@" >> "$d/podnetd.log" 2>&1
	PD_PID[n]=$BG_PID
}

# pd_kubeconfig FILE CLUSTER_LINE USER_LINES: a kubeconfig of one context
pd_kubeconfig()
{
	cat > "$1" <<-EOF
	apiVersion: v1
	kind: Config
	clusters:
	- cluster:
	    server: $PD_API
	    $2
	  name: test
	contexts:
	- context:
	    cluster: test
	    user: podnetd
	  name: podnetd@test
	current-context: podnetd@test
	users:
	- name: podnetd
	  user:
	    $3
	EOF
}

# pd_kube_ann NODE KEY: an annotation of a Node (KEY after the prefix)
pd_kube_ann()
{
	# shellcheck disable=SC2016
	kctl GET "/nodes/$1" | "$PN_JQ" -er --arg k "$PD_ANN/$2" '.metadata.annotations[$k]'
}

# pd_kube_flannel_peers N: pd_flannel_program for every Node the API has
pd_kube_flannel_peers()
{
	# shellcheck disable=SC2016
	kctl GET /nodes | "$PN_JQ" -c --arg p "$PD_ANN/" '
		.items[] | .metadata.annotations as $a | .spec.podCIDRs as $c
		| { type: $a[$p + "backend-type"], ip: $a[$p + "public-ip"],
		    ip6: $a[$p + "public-ipv6"],
		    mac: ($a[$p + "backend-data"] // "{}" | fromjson | .VtepMAC),
		    mac6: ($a[$p + "backend-v6-data"] // "{}" | fromjson | .VtepMAC),
		    sub4: ([$c[] | select(contains("."))][0]),
		    sub6: ([$c[] | select(contains(":"))][0]) }' |
		pd_flannel_program "$1"
}
