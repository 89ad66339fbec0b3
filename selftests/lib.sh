# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# podnet selftests: the shared topology builder and helpers.
#
# Source it from a test script (set -u, not -e):
#
#	. "$(dirname "$(readlink -f "$0")")/lib.sh"
#
# The topology (Documentation: design.md "Test topology"):
#
#	ul:  bridge br0, one port ul-nN per node                (the underlay)
#	nN:  eth0 192.168.1.N/24 (veth into ul/br0)             (a node)
#	     (an IPv6 underlay: fd00:1::N/64 instead, or both: topo_node N 6|46)
#	     cni0 bridge 10.244.N.1/24 fd00:244:N::1/64          (flannel layout)
#	     pn0 (podnetctl link add pn0 dev eth0 local 192.168.1.N)
#	     ip route 10.244.0.0/16 dev pn0, fd00:244::/32 dev pn0
#	     podnetctl route 10.244.M.0/24 + fd00:244:M::/64 via 192.168.1.M
#	     podnetctl peer change 192.168.1.M mac <M's pn0 vtep mac>
#	     forwarding on (IPv4 and IPv6)
#	pNa, pNb: pods, eth0 (veth, node end vethNa/vethNb enslaved to cni0)
#	     10.244.N.10/.11 (/24), fd00:244:N::10/::11 (/64), default via .1/::1,
#	     MTU 1450 like flannel's CNI config (the node-side veths too)
#
# Pods sit on a local bridge cni0 (as flannel's bridge CNI plugin does), not
# on veth host routes: the node's own PodCIDR is on-link on cni0, every other
# 10.244/16 and fd00:244::/32 destination goes to pn0.
#
# Every namespace name carries the suffix "-$$" (PN_SUFFIX) and an exit trap
# deletes all of them; the root namespace is never configured.

# Variables here are used by the scripts that source this file.
# shellcheck disable=SC2034

PN_LIB_DIR=$(readlink -f "${BASH_SOURCE[0]}")
PN_LIB_DIR=${PN_LIB_DIR%/*}
PN_TOP=${PN_LIB_DIR%/*}
PODNETCTL=${PODNETCTL:-$PN_TOP/userspace/podnetctl}
read -r PN_KREL < /proc/sys/kernel/osrelease
PODNET_KO=${PODNET_KO:-$PN_TOP/build/$PN_KREL/podnet.ko}
PNUTIL=$PN_LIB_DIR/pnutil.py
if [ -x /usr/bin/python3 ]; then
	PYTHON=${PYTHON:-/usr/bin/python3}
else
	PYTHON=${PYTHON:-python3}
fi
# how the scripts run python: -S, no site module, which reads the .pth
# files of every installed package at each start (the scripts use the
# standard library only); 0.2 to 0.8 s less a call on the debug kernel
PN_PY=("$PYTHON" -S)
# JSON: gojq starts in about a tenth of jq 1.6's time (jq compiles its
# builtins at every start: 0.3 s in the emulated VM, 0.45 s on the debug
# kernel, and the selftests call it a few hundred times); jq is the fallback
if [ -z "${PN_JQ:-}" ]; then
	PN_JQ=jq
	! command -v gojq > /dev/null || PN_JQ=gojq
fi
PN_SUFFIX=${PN_SUFFIX:-$$}
PN_NODES=${PN_NODES:-3}
PN_PORT=8472
PN_VNI=1
PN_POD_MTU=${PN_POD_MTU:-1450}
PN_TMP=
PN_NETNS=()
PN_BGPIDS=()
PN_MODS=()
export LC_ALL=C

# ---------------------------------------------------------------- KTAP ----

KTAP_N=0
KTAP_PLAN=0
KTAP_PASS=0
KTAP_FAIL=0
KTAP_SKIP=0

ktap_plan()
{
	KTAP_PLAN=$1
	echo "TAP version 13"
	echo "1..$KTAP_PLAN"
}

# ktap_info TEXT...: each argument (and each line of it) as a "# " line
# (no pipeline: a fork costs some 30 ms on the debug kernel)
ktap_info()
{
	local a line

	[ $# -gt 0 ] || set -- ""
	for a in "$@"; do
		while IFS= read -r line; do
			echo "# $line"
		done <<< "$a"
	done
}

# ktap_info of a file's content, at most $2 lines (default 20)
ktap_info_file()
{
	local f=$1 max=${2:-20}

	[ -s "$f" ] || return 0
	head -n "$max" "$f" | sed 's/^/# /'
}

ktap_ok()
{
	KTAP_N=$((KTAP_N + 1))
	KTAP_PASS=$((KTAP_PASS + 1))
	echo "ok $KTAP_N $*"
}

ktap_fail()
{
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAIL=$((KTAP_FAIL + 1))
	echo "not ok $KTAP_N $*"
}

# ktap_skip DESC REASON
ktap_skip()
{
	KTAP_N=$((KTAP_N + 1))
	KTAP_SKIP=$((KTAP_SKIP + 1))
	echo "ok $KTAP_N $1 # SKIP $2"
}

# ktap_result DESC RC: ok when RC is 0
ktap_result()
{
	if [ "$2" -eq 0 ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1"
	fi
}

# ktap_check DESC CMD...: run CMD, ok when it succeeds; its output is shown
# as diagnostics when it fails.
ktap_check()
{
	local desc=$1 out rc

	shift
	out=$("$@" 2>&1)
	rc=$?
	[ $rc -eq 0 ] || ktap_info "$desc: '$*' exited $rc${out:+: $out}"
	ktap_result "$desc" $rc
}

# ktap_skip_rest REASON: the remaining planned points are skipped.
ktap_skip_rest()
{
	while [ "$KTAP_N" -lt "$KTAP_PLAN" ]; do
		ktap_skip "test point $((KTAP_N + 1))" "$1"
	done
}

# ktap_finish: close the plan (a missing point is a failure) and exit
# 0 all passed, 1 something failed, 4 everything skipped.
ktap_finish()
{
	while [ "$KTAP_N" -lt "$KTAP_PLAN" ]; do
		ktap_fail "test point $((KTAP_N + 1)) not reached"
	done
	echo "# Totals: pass:$KTAP_PASS fail:$KTAP_FAIL skip:$KTAP_SKIP"
	if [ "$KTAP_FAIL" -gt 0 ] || [ "$KTAP_N" -gt "$KTAP_PLAN" ]; then
		exit 1
	fi
	if [ "$KTAP_SKIP" -gt 0 ] && [ "$KTAP_PASS" -eq 0 ]; then
		exit 4
	fi
	exit 0
}

# ktap_skip_all REASON: nothing can run here; every point is skipped.
ktap_skip_all()
{
	ktap_info "SKIP: $1"
	ktap_skip_rest "$1"
	ktap_finish
}

# ------------------------------------------------------------- helpers ----

ns_exec()
{
	local ns=$1

	shift
	ip netns exec "$ns" "$@"
}

# ns_run NS CMD...: CMD in network namespace NS only, for commands that do
# not read /sys (ping, sysctl): cheaper than ns_exec, which also gives
# CMD a mount namespace with NS's /sys
ns_run()
{
	local ns=$1

	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# Names and addresses, for nodes 1 to 9 and their pods a and b: arrays,
# so that "${PN_NODE_IP[2]}" costs no subshell ("$(node_ip 2)" forks one:
# 5 ms in the emulated VM, 30 ms on the debug kernel).
#   PN_NODE_NS[N]    node N's namespace
#   PN_NODE_IP[N]    its IPv4 underlay address
#   PN_NODE_IP6[N]   its IPv6 underlay address (an IPv6 or dual-stack underlay)
#   PN_POD_NS[NP]    the namespace of pod P (a or b) of node N
#   PN_POD_IP4[NP]   its IPv4 address (a: .10, b: .11 of 10.244.N.0/24)
#   PN_POD_IP6[NP]   its IPv6 address (a: ::10, b: ::11 of fd00:244:N::/64)
declare -a PN_NODE_NS=() PN_NODE_IP=() PN_NODE_IP6=()
declare -A PN_POD_NS=() PN_POD_IP4=() PN_POD_IP6=()
for _n in 1 2 3 4 5 6 7 8 9; do
	PN_NODE_NS[_n]=pn-n$_n-$PN_SUFFIX
	PN_NODE_IP[_n]=192.168.1.$_n
	PN_NODE_IP6[_n]=fd00:1::$_n
	for _p in a:10 b:11; do
		PN_POD_NS[$_n${_p%:*}]=pn-p$_n${_p%:*}-$PN_SUFFIX
		PN_POD_IP4[$_n${_p%:*}]=10.244.$_n.${_p#*:}
		PN_POD_IP6[$_n${_p%:*}]=fd00:244:$_n::${_p#*:}
	done
done
unset _n _p
UL_NS="pn-ul-$PN_SUFFIX"

# The same as functions: node_ns N, pod_ns N P, node_ip N, node_ip6 N,
# pod_ip4 N P, pod_ip6 N P
node_ns() { echo "${PN_NODE_NS[$1]}"; }
pod_ns() { echo "${PN_POD_NS[$1$2]}"; }
node_ip() { echo "${PN_NODE_IP[$1]}"; }
node_ip6() { echo "${PN_NODE_IP6[$1]}"; }
pod_ip4() { echo "${PN_POD_IP4[$1$2]}"; }
pod_ip6() { echo "${PN_POD_IP6[$1$2]}"; }

# podnetctl in namespace NS: pnctl NS ARGS... (its own -netns: half the
# cost of "ip netns exec", which also makes a mount namespace and remounts
# /sys)
pnctl()
{
	local ns=$1

	shift
	"$PODNETCTL" -netns "$ns" "$@"
}

# bg_run NS CMD...: a background command in NS, killed at cleanup; PID in BG_PID
bg_run()
{
	local ns=$1

	shift
	ip netns exec "$ns" "$@" &
	BG_PID=$!
	PN_BGPIDS+=("$BG_PID")
}

bg_kill()
{
	local pid

	for pid in "$@"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	return 0
}

# pn_sleep SECONDS: sleep(1) without starting a process: a read that
# times out on a pipe nobody writes to. Every process the scripts start
# costs about 30 ms in the emulated VM and 100 ms on the debug kernel.
exec {PN_SLEEP_FD}<> <(:)
pn_sleep()
{
	read -r -t "$1" -u "$PN_SLEEP_FD" _ || :
}

# pid_gone PID: process PID has ended
pid_gone()
{
	! kill -0 "$1" 2>/dev/null
}

# wait_for TIMEOUT_S CMD...: poll CMD every 0.2 s until it succeeds
wait_for()
{
	local deadline=$((SECONDS + $1))

	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		pn_sleep 0.2
	done
	return 0
}

# monitors_listening ADDR NS:FILE...: each NS adds and deletes a probe
# peer ADDR on its pn0 until every FILE (what a podnetctl monitor in that
# NS prints, text or JSON) shows the "peer del" (10 tries of 2 s); false
# when one never does. A monitor listens once it reports a change made
# after it started: the lines up to then are the probe's.
monitors_listening()
{
	local addr=$1 re i a ns nss=()

	shift
	re="peer del.*${addr//./\\.}"
	for a in "$@"; do
		[[ " ${nss[*]} " == *" ${a%%:*} "* ]] || nss+=("${a%%:*}")
	done
	for ((i = 0; i < 10; i++)); do
		for ns in "${nss[@]}"; do
			pnctl "$ns" peer add "$addr" dev pn0 &&
				pnctl "$ns" peer del "$addr" dev pn0
		done
		wait_for 2 monitors_show "$re" "$@" && return 0
	done
	return 1
}

# monitors_show REGEX NS:FILE...: every FILE has a line matching REGEX
monitors_show()
{
	local re=$1 a

	shift
	for a in "$@"; do
		grep -qE -- "$re" "${a#*:}" || return 1
	done
}

# ping_ok NS DST: one reply within a few tries (the first packet may wait
# for ARP/ND on both ends)
ping_ok()
{
	local i

	for i in 1 2 3; do
		ns_run "$1" ping -n -q -c 1 -W 2 "$2" >/dev/null 2>&1 && return 0
	done
	return 1
}

# ping_fails NS DST: no reply at all to two echoes
ping_fails()
{
	! ns_run "$1" ping -n -q -c 2 -i 0.3 -W 1 "$2" >/dev/null 2>&1
}

# ------------------------------------------------------------- cleanup ----

pn_cleanup()
{
	local ns

	[ "${#PN_BGPIDS[@]}" -eq 0 ] || bg_kill "${PN_BGPIDS[@]}"
	PN_BGPIDS=()
	# one ip process for all (-force: on past one that is gone)
	[ "${#PN_NETNS[@]}" -eq 0 ] ||
		printf 'netns del %s\n' "${PN_NETNS[@]}" |
		ip -force -batch - 2>/dev/null
	PN_NETNS=()
	[ -z "$PN_TMP" ] || rm -rf "$PN_TMP"
	PN_TMP=
	module_unload_ours
}

pn_on_exit()
{
	local rc=$?

	pn_cleanup
	exit $rc
}

trap pn_on_exit EXIT
trap 'exit 130' INT TERM

# pn_tmpdir: a private scratch directory (removed at exit), in PN_TMP
pn_tmpdir()
{
	[ -z "$PN_TMP" ] || return 0
	PN_TMP=$(mktemp -d /tmp/podnet-selftest.XXXXXX) && chmod 755 "$PN_TMP"
}

# ns_new NAME...: fresh namespaces (one ip process), registered for
# cleanup; loopback still down, nothing set (ns_add does both)
ns_new()
{
	PN_NETNS+=("$@")
	printf 'netns add %s\n' "$@" | ip -batch -
}

# ns_nodad NS [KEY=VALUE...]: no IPv6 DAD in NS (addresses are usable at
# once), and the sysctls given
ns_nodad()
{
	local ns=$1

	shift
	ns_run "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 "$@"
}

# ns_add NAME [KEY=VALUE...]: a fresh namespace, loopback up, no IPv6 DAD,
# the sysctls given, registered for cleanup
ns_add()
{
	local ns=$1

	shift
	ns_new "$ns" || return 1
	ip -n "$ns" link set lo up
	ns_nodad "$ns" "$@"
}

# ns_del NAME: delete now (and forget it)
ns_del()
{
	local i

	ip netns del "$1" || return 1
	for i in "${!PN_NETNS[@]}"; do
		[ "${PN_NETNS[$i]}" != "$1" ] || unset 'PN_NETNS[i]'
	done
}

# ------------------------------------------------------------ topology ----

# topo_underlay: namespace ul with bridge br0
topo_underlay()
{
	ns_new "$UL_NS" && ns_nodad "$UL_NS" || return 1
	printf '%s\n' "link set lo up" "link add br0 type bridge" \
		"link set br0 up" | ip -n "$UL_NS" -batch -
}

# underlay_attach NS IFNAME ULPORT ADDR/LEN [LINE...]: a veth from NS into
# ul/br0, ADDR on it, up; the LINEs are more "ip -batch" lines for NS, run
# by the same ip process. Each ip process costs about 0.06 s in the
# emulated VM, 0.25 s on the debug kernel: a namespace gets one batch.
underlay_attach()
{
	local ns=$1 ifname=$2 ulport=$3 addr=$4

	shift 4
	printf '%s\n' "link add $ulport type veth peer name $ifname netns $ns" \
		"link set $ulport master br0 up" | ip -n "$UL_NS" -batch - || return 1
	printf '%s\n' "addr add $addr dev $ifname" "$@" "link set $ifname up" |
		ip -n "$ns" -batch -
}

# topo_node_bare N [4|6|46]: node namespace N with its underlay leg eth0
# only (forwarding on): node_ip N/24 (4, the default), node_ip6 N/64 (6) or
# both (46)
topo_node_bare()
{
	local n=$1 fam=${2:-4} node addr more=()

	case $fam in
	4) addr=${PN_NODE_IP[$n]}/24 ;;
	46) addr=${PN_NODE_IP[$n]}/24
	    more=("addr add ${PN_NODE_IP6[$n]}/64 dev eth0 nodad") ;;
	6) addr=${PN_NODE_IP6[$n]}/64 ;;
	*) echo "topo_node_bare: family '$fam'?" >&2; return 1 ;;
	esac
	node=${PN_NODE_NS[$n]}
	ns_new "$node" && ns_nodad "$node" net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 || return 1
	underlay_attach "$node" eth0 "ul-n$n" "$addr" "link set lo up" "${more[@]}"
}

# topo_node N [4|6|46]: node namespace, underlay leg (topo_node_bare), cni0
# and two pods (MTU PN_POD_MTU)
topo_node()
{
	local n=$1 node p

	node=${PN_NODE_NS[$n]}
	topo_node_bare "$n" "${2:-4}" || return 1

	ns_new "${PN_POD_NS[${n}a]}" "${PN_POD_NS[${n}b]}" || return 1
	for p in a b; do
		ns_nodad "${PN_POD_NS[${n}${p}]}" || return 1
	done
	{
		echo "link add cni0 type bridge"
		echo "addr add 10.244.$n.1/24 dev cni0"
		echo "addr add fd00:244:$n::1/64 dev cni0 nodad"
		echo "link set cni0 up"
		for p in a b; do
			echo "link add veth$n$p mtu $PN_POD_MTU type veth peer name eth0 mtu $PN_POD_MTU netns ${PN_POD_NS[${n}${p}]}"
			echo "link set veth$n$p master cni0 up"
		done
	} | ip -n "$node" -batch - || return 1
	for p in a b; do
		printf '%s\n' "link set lo up" \
			"addr add ${PN_POD_IP4[${n}${p}]}/24 dev eth0" \
			"addr add ${PN_POD_IP6[${n}${p}]}/64 dev eth0 nodad" \
			"link set eth0 up" "route add default via 10.244.$n.1" \
			"route add default via fd00:244:$n::1" |
			ip -n "${PN_POD_NS[${n}${p}]}" -batch - || return 1
	done
}

# topo_pn0 N [OPTION...]: pn0 on node N ("podnetctl link add pn0 dev eth0
# OPTION..."), up, with the cluster routes 10.244.0.0/16 and fd00:244::/32;
# no PodCIDR route yet (topo_routes). TOPO_PN0_LINES: more podnetctl batch
# lines run with the link add (same process)
topo_pn0()
{
	local n=$1 node

	shift
	node=${PN_NODE_NS[$n]}
	printf '%s\n' "link add pn0 dev eth0 $*" ${TOPO_PN0_LINES:+"$TOPO_PN0_LINES"} |
		pnctl "$node" -batch - || return 1
	printf '%s\n' "link set pn0 up" "route add 10.244.0.0/16 dev pn0" \
		"route add fd00:244::/32 dev pn0" | ip -n "$node" -batch -
}

# topo_podnet N: pn0 on node N, the cluster routes, a PodCIDR route per
# other node (one podnetctl and one ip process)
topo_podnet()
{
	local n=$1 m lines=()

	for ((m = 1; m <= PN_NODES; m++)); do
		[ "$m" -ne "$n" ] || continue
		lines+=("$(topo_route_lines "$m" add)")
	done
	TOPO_PN0_LINES=$(printf '%s\n' "${lines[@]}") \
		topo_pn0 "$n" local "${PN_NODE_IP[$n]}"
}

# topo_routes N M add|del [VIA]: node N's routes to node M's PodCIDRs, via
# M's underlay address VIA (default node_ip M)
topo_routes()
{
	topo_route_lines "$2" "$3" "${4:-}" | pnctl "${PN_NODE_NS[$1]}" -batch -
}

# topo_route_lines M add|del [VIA]: the podnetctl batch lines of the routes
# to node M's PodCIDRs via VIA (default node_ip M)
topo_route_lines()
{
	local via=${3:-${PN_NODE_IP[$1]}}

	printf '%s\n' "route $2 10.244.$1.0/24 via $via dev pn0" \
		"route $2 fd00:244:$1::/64 via $via dev pn0"
}

# topo_routes_mac N M VIA: node N's routes to node M's PodCIDRs via VIA,
# and M's vtep mac on that peer
topo_routes_mac()
{
	topo_routes "$1" "$2" add "$3" &&
	pnctl "${PN_NODE_NS[$1]}" peer change "$3" dev pn0 \
		mac "$(pn_vtep_mac "${PN_NODE_NS[$2]}")"
}

# topo_macs: tell every node's pn0 the vtep mac of each of its peers (what
# flannel's daemon does with its node annotations): the inner Ethernet
# destination a Linux vxlan receiver accepts. Nodes without pn0 are left out.
topo_macs()
{
	local n m js has=() macs=() lines

	for ((m = 1; m <= PN_NODES; m++)); do
		has[m]=0 macs[m]=
		js=$(pnctl "${PN_NODE_NS[$m]}" -j show dev pn0 2>/dev/null) || continue
		has[m]=1
		macs[m]=$(vtep_mac_json pn0 <<< "$js" 2>/dev/null) || macs[m]=
	done
	for ((n = 1; n <= PN_NODES; n++)); do
		[ "${has[n]}" = 1 ] || continue
		lines=
		for ((m = 1; m <= PN_NODES; m++)); do
			[ "$m" -eq "$n" ] || [ -z "${macs[m]}" ] ||
				lines+="peer change ${PN_NODE_IP[$m]} dev pn0 mac ${macs[m]}"$'\n'
		done
		[ -z "$lines" ] ||
			pnctl "${PN_NODE_NS[$n]}" -batch - <<< "$lines" || return 1
	done
}

# topo_create: the whole topology of design.md (PN_NODES nodes)
topo_create()
{
	local n

	topo_underlay || return 1
	for ((n = 1; n <= PN_NODES; n++)); do
		topo_node "$n" || return 1
	done
	for ((n = 1; n <= PN_NODES; n++)); do
		topo_podnet "$n" || return 1
	done
	topo_macs
}

# topo_create_or_bail: topo_create, or fail the remaining points and exit
topo_create_or_bail()
{
	local log rc

	pn_tmpdir
	log=$PN_TMP/topo.log
	topo_create > "$log" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		ktap_info "topology setup failed:"
		ktap_info_file "$log" 40
		ktap_fail "topology setup"
		ktap_finish
	fi
}

# ------------------------------------------------------------- module -----

# podnet_available: the kernel has the podnet link type now (module loaded
# or built in): a device can be created in a scratch namespace
podnet_available()
{
	local ns="pn-probe-$PN_SUFFIX" rc

	ip netns add "$ns" 2>/dev/null || return 1
	ip -n "$ns" link add pnprobe type podnet 2>/dev/null
	rc=$?
	ip netns del "$ns"
	return $rc
}

# podnet_builtin: podnet is part of the kernel (no module to unload)
podnet_builtin()
{
	! lsmod 2>/dev/null | grep -q '^podnet ' && podnet_available
}

# podnet_load: make sure the module is in (the VM only: the host cannot load
# modules); nothing to do when podnet is built into the kernel
podnet_load()
{
	if lsmod 2>/dev/null | grep -q '^podnet '; then
		return 0
	fi
	podnet_available && return 0
	[ -r /proc/modules ] || { echo "kernel without module support" >&2; return 1; }
	[ -f "$PODNET_KO" ] || { echo "$PODNET_KO not built" >&2; return 1; }
	modprobe udp_tunnel || return 1
	modprobe ip6_udp_tunnel || return 1
	modprobe tunnel4 || return 1
	insmod "$PODNET_KO"
}

# podnet_require: root, the module, podnetctl, or skip the whole script
podnet_require()
{
	local err

	[ "$(id -u)" -eq 0 ] || ktap_skip_all "needs root"
	ip netns add "pn-probe-$PN_SUFFIX" 2>/dev/null ||
		ktap_skip_all "cannot create network namespaces"
	ip netns del "pn-probe-$PN_SUFFIX"
	[ -x "$PODNETCTL" ] || ktap_skip_all "$PODNETCTL not built"
	err=$(podnet_load 2>&1) || ktap_skip_all "podnet module not loadable: $err"
}

# dmesg_mark: a line in the kernel log, to check only what follows
dmesg_mark()
{
	DMESG_MARK="podnet-selftest: $1 $PN_SUFFIX $RANDOM"
	echo "$DMESG_MARK" > /dev/kmsg 2>/dev/null
}

# dmesg_since_mark FILE: the kernel log after the last dmesg_mark
dmesg_since_mark()
{
	dmesg | awk -v m="${DMESG_MARK:-}" 'm != "" && index($0, m) { n = NR } { l[NR] = $0 }
		END { for (i = n + 1; i <= NR; i++) print l[i] }' > "$1"
}

# dmesg_clean FILE: no oops, BUG, WARNING, leak or lockdep report in FILE:
# the harness's scripts/check-dmesg.sh on the whole file, with the reports
# its own list leaves to the selftests (DMESG_BAD)
DMESG_BAD='kmemleak|RCU stall|rcu_sched detected|possible recursive|inconsistent lock|refcount_t|list_add corruption|list_del corruption|kernel panic|stack-protector|double free|use-after-free'
dmesg_clean()
{
	"$PN_TOP/scripts/check-dmesg.sh" --all --extra "$DMESG_BAD" "$1"
}

# ------------------------------------------------------------ counters ----

# is_num STR: STR is a decimal number
is_num()
{
	[[ $1 =~ ^[0-9]+$ ]]
}

# json_get KEY NAME...: read JSON on stdin and print a scalar: the first
# of the NAMEs (breadth first) in the first object (depth first) that holds
# a string or number equal to KEY, else anywhere in the document. Exit
# status non-zero, with a message, when there is none (or no JSON at all).
json_get()
{
	local key=$1 out

	shift
	# shellcheck disable=SC2016 # jq's own $variables
	out=$("$PN_JQ" -r --arg k "$key" '
		def scalar: type != "object" and type != "array" and . != null;
		def bfs($n): first([.] | recurse([.[] | objects, arrays | .[]]; length > 0)
			| .[] | objects | . as $o | $n[] | $o[.] | select(scalar));
		. as $doc | $ARGS.positional as $n
		| first(([.. | objects | select(any(.[]; (type == "string" or type == "number")
				and tostring == $k))][] | bfs($n)), ($doc | bfs($n)))
		// error("no \($n | join("/")) for \($k)")' --args "$@") || return 1
	if [ -z "$out" ]; then
		echo "json_get: no JSON on stdin" >&2
		return 1
	fi
	printf '%s\n' "$out"
}

# pn_stat NS NAME [DEV]: a device counter from podnetctl -j -s show
pn_stat()
{
	pnctl "$1" -j -s show dev "${3:-pn0}" | json_get "${3:-pn0}" "$2"
}

# pn_under_stat NS NAME [DEV]: a drop counter of the device's underlay
# namespace (drops before a device is known: rx_bad_header, rx_unknown_vni)
pn_under_stat()
{
	pnctl "$1" -j -s show dev "${3:-pn0}" |
		"$PN_JQ" -e -r ".[0].underlay_stats.$2 // error(\"no $2\")"
}

# pn_peer_stat NS PEER NAME [DEV]: a peer counter from podnetctl -j -s peer show
pn_peer_stat()
{
	pnctl "$1" -j -s peer show dev "${4:-pn0}" | json_get "$2" "$3"
}

# pn_attr NS NAME [DEV]: a device attribute (vni, port, mtu, ...) from -j show
pn_attr()
{
	pnctl "$1" -j show dev "${3:-pn0}" | json_get "${3:-pn0}" "$2"
}

# pn_vtep_mac NS [DEV]: the device's vtep mac
pn_vtep_mac()
{
	pnctl "$1" -j show dev "${2:-pn0}" | vtep_mac_json "${2:-pn0}"
}

# vtep_mac_json DEV: the vtep mac of DEV in "podnetctl -j show" on stdin
vtep_mac_json()
{
	json_get "$1" vtep_mac vtep-mac vtepmac mac address
}

# link_mtu NS DEV: the MTU from ip -j link show
link_mtu()
{
	ip -n "$1" -j link show dev "$2" | json_get "$2" mtu
}

# snmp NS PROTO FIELD: one counter of /proc/net/snmp (Icmp InEchos, ...) or
# /proc/net/snmp6 (PROTO "6", FIELD Icmp6InEchos)
snmp()
{
	if [ "$2" = 6 ]; then
		# shellcheck disable=SC2016
		ns_run "$1" awk -v f="$3" '$1 == f { print $2 }' /proc/net/snmp6
	else
		# shellcheck disable=SC2016
		ns_run "$1" awk -v p="$2:" -v f="$3" '
			$1 == p && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
			$1 == p && h { print $c[f]; exit }' /proc/net/snmp
	fi
}

# ------------------------------------------------------------- capture ----

# capture_start NS IFNAME FILE [FILTER...]: tcpdump into FILE (pcap) until
# capture_stop; waits until tcpdump listens. PID in CAPTURE_PID.
capture_start()
{
	local ns=$1 ifname=$2 file=$3

	shift 3
	rm -f "$file" "$file.err"
	ip netns exec "$ns" tcpdump -Z root -i "$ifname" -nn -U --immediate-mode -s 0 \
		-w "$file" "$@" 2> "$file.err" &
	CAPTURE_PID=$!
	PN_BGPIDS+=("$CAPTURE_PID")
	if ! wait_for 30 grep -q 'listening on' "$file.err"; then
		cat "$file.err" >&2
		return 1
	fi
}

capture_stop()
{
	pn_sleep 0.5
	kill -INT "$CAPTURE_PID" 2>/dev/null
	wait "$CAPTURE_PID" 2>/dev/null
	return 0
}

# pcap_decode FILE: pnutil pcap-vxlan lines (see pnutil.py)
pcap_decode()
{
	"${PN_PY[@]}" "$PNUTIL" pcap-vxlan "$1" "$PN_PORT"
}

# pcap_fields FILE [-d DECODE-AS | -Y FILTER | -o PREF]... FIELD...:
# tshark's reading of a pcap file, one line per packet (that FILTER lets
# through): the FIELDs separated by "|", every occurrence of a field
# (outer, then inner header) separated by ",". -d, -Y and -o are tshark's
# (e.g. -d udp.port==8472,vxlan_gpe -o udp.check_checksum:TRUE). tshark's
# stderr goes to FILE.tshark-err.
pcap_fields()
{
	local file=$1 args=() f

	shift
	while [[ ${1-} == -[dYo] ]]; do
		args+=("$1" "$2")
		shift 2
	done
	for f in "$@"; do
		args+=(-e "$f")
	done
	tshark -n -r "$file" "${args[@]}" -T fields -E separator='|' \
		-E aggregator=, -E occurrence=a 2> "$file.tshark-err"
	f=$?
	sed -i '/^Running as user "root"/d' "$file.tshark-err"
	return $f
}

# ------------------------------------------------------------- modules ----

# module_need NAME...: the kernel has module NAME (built in, loaded, or
# loaded now with modprobe; what this script loads is unloaded at exit)
module_need()
{
	local m

	for m in "$@"; do
		[ ! -d "/sys/module/$m" ] || continue
		modprobe "$m" || return 1
		PN_MODS+=("$m")
	done
}

module_unload_ours()
{
	local i

	for ((i = ${#PN_MODS[@]} - 1; i >= 0; i--)); do
		rmmod "${PN_MODS[$i]}" 2>/dev/null
	done
	PN_MODS=()
}

# ---------------------------------------------------- Linux's tunnels ----

# linux_gpe_node N: node N runs the kernel's own VXLAN-GPE device vxgpe
# instead of pn0 (Linux allows gpe only in external mode: the remote and
# the VNI come from each route, linux_gpe_routes), on port PN_PORT
linux_gpe_node()
{
	local node

	node=${PN_NODE_NS[$1]}
	ip -n "$node" link add vxgpe type vxlan gpe external \
		dstport "$PN_PORT" || return 1
	ip -n "$node" addr add "10.244.$1.0/32" dev vxgpe || return 1
	ip -n "$node" addr add "fd00:244:$1::/128" dev vxgpe nodad || return 1
	ip -n "$node" link set vxgpe up
}

# linux_gpe_routes N M VNI DST: node N's routes to node M's PodCIDRs
# (IPv4 and IPv6) through vxgpe, VNI VNI, to underlay address DST (IPv4:
# encap ip; IPv6: encap ip6 with UDP checksums, Linux's default for an
# IPv6 vxlan device)
linux_gpe_routes()
{
	local node enc=(ip id "$3" dst "$4")

	node=${PN_NODE_NS[$1]}
	[[ $4 != *:* ]] || enc=(ip6 id "$3" dst "$4" csum)
	ip -n "$node" route add "10.244.$2.0/24" encap "${enc[@]}" dev vxgpe &&
	ip -n "$node" -6 route add "fd00:244:$2::/64" encap "${enc[@]}" dev vxgpe
}

# linux_vxlan_node N MAC VNI LOCAL: node N runs flannel's layout instead of
# pn0: flannel.1 (type vxlan id VNI dstport PN_PORT nolearning local LOCAL
# dev eth0, address MAC); linux_vxlan_peer adds the entries per remote node
linux_vxlan_node()
{
	local node

	node=${PN_NODE_NS[$1]}
	ip -n "$node" link add flannel.1 address "$2" type vxlan id "$3" \
		dstport "$PN_PORT" nolearning local "$4" dev eth0 || return 1
	ip -n "$node" addr add "10.244.$1.0/32" dev flannel.1 || return 1
	ip -n "$node" addr add "fd00:244:$1::/128" dev flannel.1 nodad || return 1
	ip -n "$node" link set flannel.1 up
}

# linux_vxlan_peer N M MAC DST: on flannel node N, what flannel's daemon
# adds for node M (vtep mac MAC, underlay address DST): a route per PodCIDR
# via M's .0 address, a static neighbour and an FDB entry
linux_vxlan_peer()
{
	local node

	node=${PN_NODE_NS[$1]}
	ip -n "$node" neigh add "10.244.$2.0" lladdr "$3" dev flannel.1 \
		nud permanent || return 1
	ip -n "$node" neigh add "fd00:244:$2::" lladdr "$3" dev flannel.1 \
		nud permanent || return 1
	ip -n "$node" route add "10.244.$2.0/24" via "10.244.$2.0" \
		dev flannel.1 onlink || return 1
	ip -n "$node" -6 route add "fd00:244:$2::/64" via "fd00:244:$2::" \
		dev flannel.1 onlink || return 1
	bridge -n "$node" fdb append "$3" dev flannel.1 dst "$4"
}

# ------------------------------------------------------------- traffic ----

# tcp_transfer FROM_NS TO_NS TO_ADDR [KB]: KB (default 2048) KiB of random
# data over one TCP connection from FROM_NS to a listener on TO_ADDR in
# TO_NS; succeeds when the SHA-256 of what arrived is that of what was sent
# (both printed). Seven processes in all (each costs 0.03 s in the
# emulated VM, 0.1 s on the debug kernel): no wait for the listener (the
# sender retries its connect instead), one sha256sum for both files.
tcp_transfer()
{
	local from=$1 to=$2 addr=$3 kb=${4:-2048} f port rpid rc s r n listen connect

	pn_tmpdir || return 1
	port=$((20000 + RANDOM % 20000))
	f=$PN_TMP/xfer.$BASHPID.$port
	head -c $((kb * 1024)) /dev/urandom > "$f.sent"
	if [[ $addr == *:* ]]; then
		listen="TCP6-LISTEN:$port,bind=[$addr]" connect="TCP6:[$addr]:$port"
	else
		listen="TCP4-LISTEN:$port,bind=$addr" connect="TCP4:$addr:$port"
	fi
	# time limits for a broken path only: a debug kernel under emulation
	# moves a few hundred KB/s. 64 KiB reads and writes (socat's default:
	# 8 KiB): fewer system calls, and a PSH flag, which ends a GRO merge
	# (gro.sh), every 47 segments rather than every 6. The sender retries
	# a refused connect (the listener not up yet) every 0.2 s, for 20 s.
	ns_run "$to" timeout 300 socat -b 65536 -u "$listen,reuseaddr" "CREATE:$f.recv" &
	rpid=$!
	ns_run "$from" timeout 300 socat -b 65536 -u "OPEN:$f.sent" \
		"$connect,retry=100,interval=0.2"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		bg_kill "$rpid"
	else
		wait "$rpid" || rc=1
	fi
	{ read -r s _ && read -r r _; } < <(sha256sum "$f.sent" "$f.recv" 2>/dev/null)
	n=$((kb * 1024))
	[ "$s" = "$r" ] || n=$(stat -c %s "$f.recv" 2>/dev/null || echo 0)
	echo "sent $((kb * 1024)) bytes sha256 $s; received $n bytes sha256 ${r:-none} (sender rc $rc)"
	rm -f "$f.sent" "$f.recv"
	[ -n "$s" ] && [ "$s" = "$r" ]
}

# ping_check DESC FROM_NS DST: a ping point; the counters of the nodes in
# PN_DIAG_NODES (an array of namespaces) as diagnostics when it fails
PN_DIAG_NODES=()
ping_check()
{
	if ping_ok "$2" "$3"; then
		ktap_ok "$1"
	else
		ktap_info "$1: no reply from $3"
		pn_diag "${PN_DIAG_NODES[@]}"
		ktap_fail "$1"
	fi
}

# xfer_check DESC FROM_NS TO_NS TO_ADDR [KB]: a tcp_transfer point, with the
# same diagnostics
xfer_check()
{
	local out rc

	out=$(tcp_transfer "$2" "$3" "$4" "${5:-2048}" 2>&1)
	rc=$?
	ktap_info "$1: $out"
	if [ "$rc" -eq 0 ]; then
		ktap_ok "$1"
	else
		pn_diag "${PN_DIAG_NODES[@]}"
		ktap_fail "$1"
	fi
}

# ---------------------------------------------------------- diagnostics ----

# pn_peer_field NS ADDR FIELD [DEV]: FIELD of the peer ADDR in
# "podnetctl -j -s peer show" (counters included), nothing (exit 1) when
# that peer or that field is missing
pn_peer_field()
{
	local v

	# shellcheck disable=SC2016 # jq's own $variables
	v=$(pnctl "$1" -j -s peer show dev "${4:-pn0}" | "$PN_JQ" -r --arg a "$2" --arg f "$3" '
		first(.. | objects | select(.addr == $a or .address == $a)
		      | .. | objects | .[$f]
		      | select(. != null and type != "object" and type != "array"))
		// empty') || return 1
	[ -n "$v" ] || return 1
	echo "$v"
}

# pn_diag NS...: podnetctl -s show and -s peer show of each node, as
# diagnostics (the drop counters tell why packets were lost)
pn_diag()
{
	local ns

	for ns in "$@"; do
		ktap_info "$ns: podnetctl -j -s show:" \
			"$(pnctl "$ns" -j -s show 2>&1)" \
			"$ns: podnetctl -s peer show:" \
			"$(pnctl "$ns" -s peer show 2>&1)"
	done
}
