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

# pd_start N [ARG...]: podnetd on node N (killed at cleanup), its files
# under $PN_TMP/nN; PD_PID[N]
pd_start()
{
	local n=$1 d=$PN_TMP/n$1 pki=$PN_TMP/pki

	shift
	mkdir -p "$d"
	bg_run "${PN_NODE_NS[$n]}" "$PODNETD" --etcd-endpoints="$PD_ENDPOINTS" \
		--etcd-cafile "$pki/ca.pem" --etcd-certfile "$pki/client.pem" \
		--etcd-keyfile "$pki/client.key" --etcd-username "$PD_USER" \
		--etcd-password "$PD_USER_PW" --iface eth0 \
		--public-ipv6 "${PN_NODE_IP6[$n]}" \
		--subnet-file "$d/subnet.env" --cni-conf-dir "$d/cni" \
		--cni-data-dir "$d/ipam" --healthz-port "$PD_HEALTH_PORT" \
		--etcd-timeout $((5000 * PD_SLOW)) \
		--log-level "${PD_LOG_LEVEL:-info}" "$@" >> "$d/podnetd.log" 2>&1
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

# pd_flannel_node N MAC MAC6: node N built as flanneld builds it: its
# lease (subnet 10.244.200.0/24 and fd00:244:0:c8::/64) in flanneld's JSON
# with a 24-hour etcd lease, flannel.1 and flannel-v6.1, a conflist for
# its pods as flannel's CNI plugin would delegate to bridge and host-local
pd_flannel_node()
{
	local n=$1 node=${PN_NODE_NS[$1]} id d=$PN_TMP/n$1

	mkdir -p "$d/cni" "$d/ipam"
	PD_FL_KEY="10.244.200.0-24&fd00:244:0:c8::-64"
	PD_FL_VALUE="{\"PublicIP\":\"${PN_NODE_IP[$n]}\",\"PublicIPv6\":\"${PN_NODE_IP6[$n]}\",\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"$2\"},\"BackendV6Data\":{\"VNI\":1,\"VtepMAC\":\"$3\"}}"
	id=$(ectl lease grant 86400 | awk '{ print $2 }') || return 1
	ectl put --lease="$id" "$PD_PREFIX/subnets/$PD_FL_KEY" "$PD_FL_VALUE" > /dev/null || return 1
	printf '%s\n' \
		"link add flannel.1 address $2 mtu 1450 type vxlan id 1 dstport 8472 nolearning local ${PN_NODE_IP[$n]} dev eth0" \
		"addr add 10.244.200.0/32 dev flannel.1" "link set flannel.1 up" \
		"link add flannel-v6.1 address $3 mtu 1430 type vxlan id 1 dstport 8472 nolearning local ${PN_NODE_IP6[$n]} dev eth0" \
		"addr add fd00:244:0:c8::/128 dev flannel-v6.1 nodad" "link set flannel-v6.1 up" |
		ip -n "$node" -batch - || return 1
	cat > "$d/cni/10-flannel.conflist" <<-EOF
	{ "cniVersion": "1.0.0", "name": "cbr0", "plugins": [
	  { "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false,
	    "hairpinMode": true, "mtu": 1430,
	    "ipam": { "type": "host-local", "dataDir": "$d/ipam",
	      "ranges": [[{ "subnet": "10.244.200.0/24" }], [{ "subnet": "fd00:244:0:c8::/64" }]],
	      "routes": [{ "dst": "0.0.0.0/0" }, { "dst": "::/0" }] } },
	  { "type": "portmap", "capabilities": { "portMappings": true } } ] }
	EOF
}

# pd_flannel_peers N: on flannel node N, what flanneld adds for every
# other vxlan lease in etcd: neighbour, FDB entry and onlink route per
# subnet (IPv4 on flannel.1, IPv6 on flannel-v6.1). Leases of other
# backend types are left out, as flanneld's vxlan backend does.
pd_flannel_peers()
{
	local n=$1 lines

	# shellcheck disable=SC2016
	lines=$(ectl get --prefix "$PD_PREFIX/subnets/" -w json | "$PN_JQ" -r --arg me "${PN_NODE_IP[$n]}" '
		.kvs[]? | (.key | @base64d | sub(".*/subnets/"; "")) as $k
		| (.value | @base64d | fromjson? // empty) as $v
		| select($v.BackendType == "vxlan" and $v.PublicIP != $me)
		| ($k | split("&")) as $s
		| ($s[0] | sub("-"; "/")) as $p4 | ($s[0] | split("-")[0]) as $a4
		| "neigh replace \($a4) lladdr \($v.BackendData.VtepMAC) dev flannel.1 nud permanent",
		  "fdb append \($v.BackendData.VtepMAC) dev flannel.1 dst \($v.PublicIP) self permanent",
		  "route replace \($p4) via \($a4) dev flannel.1 onlink",
		  (if ($s | length) > 1 and $v.PublicIPv6 != null then
			($s[1] | sub("-(?<l>[0-9]+)$"; "/\(.l)")) as $p6 | ($s[1] | sub("-[0-9]+$"; "")) as $a6
			| "neigh replace \($a6) lladdr \($v.BackendV6Data.VtepMAC) dev flannel-v6.1 nud permanent",
			  "fdb append \($v.BackendV6Data.VtepMAC) dev flannel-v6.1 dst \($v.PublicIPv6) self permanent",
			  "route replace \($p6) via \($a6) dev flannel-v6.1 onlink"
		   else empty end)') || return 1
	# "bridge fdb" and "ip" lines: one batch each
	grep '^fdb ' <<< "$lines" | bridge -n "${PN_NODE_NS[$n]}" -batch - &&
		grep -v '^fdb ' <<< "$lines" | ip -n "${PN_NODE_NS[$n]}" -batch -
}
