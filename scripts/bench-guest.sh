#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-guest.sh: the measurements of "make bench", inside the VM
# (scripts/bench.sh boots it; everything runs in one boot, side by side).
#
# Topology (selftests/lib.sh): an underlay bridge, two nodes n1 and n2
# (eth0 192.168.1.N/24), each with cni0 10.244.N.1/24 and a pod pNa
# (10.244.N.10, MTU 1450, the same in every variant). The client is pod
# p1a, the server pod p2a; iperf3 and sockperf run pinned (client CPU 0,
# server CPU 1). The variants, each set up on both nodes and torn down
# after its measurements:
#
#	none            plain routing: 10.244.M.0/24 via 192.168.1.M dev eth0
#	flannel-vxlan   flannel.1 (type vxlan id 1 dstport 8472 nolearning
#	                local ... dev eth0) + route, neighbour, FDB per node
#	linux-ipip      tunl0 (Calico's way): route via the node, onlink
#	podnet-vxlan, podnet-gpe, podnet-ipip, podnet-direct
#	                pn0 with that encap, one route per node
#
# Per variant: TCP throughput (iperf3, 1 and 4 streams), UDP request/
# response latency (sockperf ping-pong, 64 bytes, full round trip: median
# and p99), small UDP packets per second (iperf3 -u -l 64 -b 0, received).
# The variants are measured BENCH_ROUNDS times, interleaved (round 1 of
# every variant, then round 2, ...): bench.sh takes the median of rounds.
# Then: podnet-vxlan throughput and latency with N routes (both nodes,
# installed with podnetctl sync; the extra routes of mixed lengths in
# 10.0.0.0/8 spread over up to 1,000 peers); the in-kernel lookup
# benchmark (/sys/kernel/debug/podnet/bench_lookup, kmod/bench.c); the
# route cache's slab bytes per route with BENCH_MEM_ROUTES routes; the
# control plane: BENCH_CP_ROUTES node routes through "podnetctl -batch"
# against flannel's route + neighbour + FDB entry per node through
# "ip -batch" and "bridge -batch", and podnetctl sync of that many routes.
#
# Output: TAP on stdout (one point per measurement; a measurement without
# a number is "not ok"), the samples in $PODNET_RESULTS/bench-raw.tsv:
#	METRIC<TAB>VARIANT<TAB>ROUND<TAB>VALUE
#
# Environment (bench.sh sets them; defaults are the full run's):
#	BENCH_SMOKE=1        short everything (1 s per measurement, few routes)
#	BENCH_TIME           seconds per measurement (10, or 5 with
#	                     BENCH_CLOCK=icount; smoke 1)
#	BENCH_ROUNDS         rounds of the variants (3; smoke 1)
#	BENCH_VARIANTS       which variants (all of the above)
#	BENCH_SCALE          route counts (1 1000 10000 100000; smoke 1 100 1000)
#	BENCH_SCALE_ROUNDS   rounds of the route scale (3; smoke 1): the median
#	                     is taken, one round can be off by 1.6x on a busy host
#	BENCH_LOOKUP         "PREFIXES LOOKUPS" (100000 4000000; smoke 10000 100000)
#	BENCH_MEM_ROUTES     routes for the memory figure (100000; smoke 1000)
#	BENCH_CP_ROUTES      node routes for the control plane (10000; smoke 1000)
#	BENCH_CP_ROUNDS      rounds of the control plane measures (3; smoke 1)
#	BENCH_PERF="NAME..." also record perf profiles (perf-NAME.txt): of a
#	                     variant's 1-stream TCP test (NAME: the variant),
#	                     of the route scale's with N routes (routes-N),
#	                     of the control plane's podnetctl -batch (cp)
#	BENCH_PARTS          what to measure (variants scale lookup mem cp pd:
#	                     all of them)
#	BENCH_PD_LEASES      leases in etcd for podnetd's start (5000; smoke 500)
#	BENCH_PD_EVENTS      lease puts timed to their route (200; smoke 20)

set -u
# shellcheck source=selftests/lib.sh
. "$(dirname "$(readlink -f "$0")")/../selftests/lib.sh"

PN_NODES=2
smoke=${BENCH_SMOKE:-0}
if [ "$smoke" = 1 ]; then
	T=${BENCH_TIME:-1}
	ROUNDS=${BENCH_ROUNDS:-1}
	SCALE=${BENCH_SCALE:-1 100 1000}
	SCALE_ROUNDS=${BENCH_SCALE_ROUNDS:-1}
	LOOKUP=${BENCH_LOOKUP:-10000 100000}
	MEM_ROUTES=${BENCH_MEM_ROUTES:-1000}
	CP_ROUTES=${BENCH_CP_ROUTES:-1000}
	CP_ROUNDS=${BENCH_CP_ROUNDS:-1}
else
	# 5 s with the instruction clock: its rounds agree within 2 % at 1 s
	T=${BENCH_TIME:-$([ "${BENCH_CLOCK:-host}" = icount ] && echo 5 || echo 10)}
	ROUNDS=${BENCH_ROUNDS:-3}
	SCALE=${BENCH_SCALE:-1 1000 10000 100000}
	SCALE_ROUNDS=${BENCH_SCALE_ROUNDS:-3}
	LOOKUP=${BENCH_LOOKUP:-100000 4000000}
	MEM_ROUTES=${BENCH_MEM_ROUTES:-100000}
	CP_ROUTES=${BENCH_CP_ROUTES:-10000}
	CP_ROUNDS=${BENCH_CP_ROUNDS:-3}
fi
VARIANTS=${BENCH_VARIANTS:-none flannel-vxlan linux-ipip podnet-vxlan podnet-gpe podnet-ipip podnet-direct}
OUT=${PODNET_RESULTS:-/tmp}
RAW=$OUT/bench-raw.tsv
N1=$(node_ns 1)
N2=$(node_ns 2)
P1=$(pod_ns 1 a)
P2=$(pod_ns 2 a)
SERVER=$(pod_ip4 2 a)
# shellcheck source=scripts/bench-podnetd.sh
. "$PN_TOP/scripts/bench-podnetd.sh"
MAC1=02:00:00:f1:a0:01
MAC2=02:00:00:f1:a0:02
SOCKPERF_PORT=11111
# Both ends of the ping-pong on one vCPU: under emulation a wakeup across
# vCPUs waits for the host to schedule the idle vCPU's thread (ms on a
# busy host), which would swamp the stack's own time.
LAT_CPU=0
IPERF_PORT=5201
TAP_N=0
TAP_FAIL=0

tap_ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
tap_fail() { TAP_N=$((TAP_N + 1)); TAP_FAIL=$((TAP_FAIL + 1)); echo "not ok $TAP_N - $*"; }
note() { echo "# $*"; }

# record METRIC VARIANT ROUND VALUE UNIT: a sample, and its TAP point (not
# ok when VALUE is not a number)
record()
{
	if [[ $4 =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
		printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$RAW"
		tap_ok "$1 $2 round $3: $4 $5"
	else
		tap_fail "$1 $2 round $3: no number (${4:-nothing})"
	fi
}

# now_ns: a monotonic-enough clock in nanoseconds
now_ns() { date +%s%N; }

# ms_since T0: milliseconds since now_ns T0, one decimal
ms_since()
{
	local t1

	t1=$(now_ns)
	awk -v a="$1" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'
}

# cpu_ticks IDLE TOTAL: set the variables IDLE and TOTAL to the guest's
# CPU time (all CPUs, in USER_HZ ticks) spent idle and in all, read from
# /proc/stat by the shell itself (no process started)
cpu_ticks()
{
	local _c u n s id io irq sirq st

	read -r _c u n s id io irq sirq st _ < /proc/stat
	printf -v "$1" '%d' $((id + io))
	printf -v "$2" '%d' $((u + n + s + id + io + irq + sirq + st))
}

# settle: before a measurement, wait (at most 20 s) until the CPUs were at
# least 95 % idle for half a second. What the step before left running
# (RCU callbacks freeing thousands of peers, a namespace's cleanup, the
# per-CPU allocator's balancing) would otherwise be timed with the next
# test: under BENCH_CLOCK=icount the vCPUs take turns on one clock, so
# every instruction of the background work is time of the test.
settle()
{
	local i i0 t0 i1 t1

	for ((i = 0; i < 40; i++)); do
		cpu_ticks i0 t0
		pn_sleep 0.5
		cpu_ticks i1 t1
		[ $(((i1 - i0) * 100)) -lt $(((t1 - t0) * 95)) ] || return 0
	done
	note "settle: the CPUs were still busy after 20 s"
}

# timer_start: settle, then T0 (of the caller) = now_ns
timer_start()
{
	settle
	t0=$(now_ns)
}

# ------------------------------------------------------------ topology ----

setup()
{
	# tunl0 in every namespace: the ipip module before the namespaces
	modprobe ipip || return 1
	modprobe vxlan || return 1
	topo_underlay || return 1
	topo_node 1 || return 1
	topo_node 2 || return 1
	for ns in "$N1" "$N2"; do
		# direct and ipip: the remote pod's source arrives on eth0/tunl0
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 \
			net.ipv4.conf.eth0.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0 ||
			return 1
	done
	# the servers, for the whole run
	bg_run "$P2" taskset -c 1 iperf3 -s -p "$IPERF_PORT" > "$PN_TMP/iperf3-server.log" 2>&1
	bg_run "$P2" taskset -c "$LAT_CPU" sockperf sr -i "$SERVER" -p "$SOCKPERF_PORT" \
		> "$PN_TMP/sockperf-server.log" 2>&1
	wait_for 20 sh -c "ip netns exec '$P2' ss -Hltn 'sport = :$IPERF_PORT' | grep -q LISTEN"
}

# The variants: VARIANT_up and VARIANT_down, for both nodes.

none_up()
{
	ip -n "$N1" route add 10.244.2.0/24 via "$(node_ip 2)" dev eth0 &&
	ip -n "$N2" route add 10.244.1.0/24 via "$(node_ip 1)" dev eth0
}

none_down()
{
	ip -n "$N1" route del 10.244.2.0/24 2>/dev/null
	ip -n "$N2" route del 10.244.1.0/24 2>/dev/null
	return 0
}

# flannel_node N M MAC_N MAC_M: node N's flannel.1 and its entries for M,
# as flannel's vxlan backend makes them (selftests/interop.sh)
flannel_node()
{
	local ns

	ns=$(node_ns "$1")
	ip -n "$ns" link add flannel.1 address "$3" type vxlan id 1 \
		dstport 8472 nolearning local "$(node_ip "$1")" dev eth0 || return 1
	ip -n "$ns" addr add "10.244.$1.0/32" dev flannel.1 || return 1
	ip -n "$ns" link set flannel.1 up || return 1
	ip -n "$ns" neigh add "10.244.$2.0" lladdr "$4" dev flannel.1 \
		nud permanent || return 1
	ip -n "$ns" route add "10.244.$2.0/24" via "10.244.$2.0" \
		dev flannel.1 onlink || return 1
	bridge -n "$ns" fdb append "$4" dev flannel.1 dst "$(node_ip "$2")"
}

flannel-vxlan_up()
{
	flannel_node 1 2 "$MAC1" "$MAC2" && flannel_node 2 1 "$MAC2" "$MAC1"
}

flannel-vxlan_down()
{
	ip -n "$N1" link del flannel.1 2>/dev/null
	ip -n "$N2" link del flannel.1 2>/dev/null
	return 0
}

# Calico's IPIP: the ipip module's tunl0, a route per node, onlink
linux-ipip_up()
{
	local n m ns

	for n in 1 2; do
		m=$((3 - n))
		ns=$(node_ns "$n")
		ip -n "$ns" link set tunl0 up || return 1
		ip -n "$ns" addr add "10.244.$n.0/32" dev tunl0 || return 1
		ip -n "$ns" route add "10.244.$m.0/24" via "$(node_ip "$m")" \
			dev tunl0 onlink || return 1
	done
}

linux-ipip_down()
{
	local n ns

	for n in 1 2; do
		ns=$(node_ns "$n")
		ip -n "$ns" route del "10.244.$((3 - n)).0/24" 2>/dev/null
		ip -n "$ns" addr del "10.244.$n.0/32" dev tunl0 2>/dev/null
		ip -n "$ns" link set tunl0 down 2>/dev/null
	done
	return 0
}

# pn_mac N: the vtep mac of node N's pn0
pn_mac() { echo "02:00:00:9e:00:0$1"; }

# podnet_up ENCAP: pn0 on both nodes, the cluster route, a route per node
podnet_up()
{
	local n m ns

	for n in 1 2; do
		ns=$(node_ns "$n")
		pnctl "$ns" link add pn0 dev eth0 local "$(node_ip "$n")" \
			encap "$1" mac "$(pn_mac "$n")" || return 1
		ip -n "$ns" link set pn0 up || return 1
		ip -n "$ns" route add 10.244.0.0/16 dev pn0 || return 1
	done
	for n in 1 2; do
		m=$((3 - n))
		pnctl "$(node_ns "$n")" route add "10.244.$m.0/24" \
			via "$(node_ip "$m")" dev pn0 || return 1
		pnctl "$(node_ns "$n")" peer change "$(node_ip "$m")" dev pn0 \
			mac "$(pn_mac "$m")" || return 1
	done
}

podnet_down()
{
	ip -n "$N1" link del pn0 2>/dev/null
	ip -n "$N2" link del pn0 2>/dev/null
	return 0
}

podnet-vxlan_up() { podnet_up vxlan; }
podnet-gpe_up() { podnet_up gpe; }
podnet-ipip_up() { podnet_up ipip; }
podnet-direct_up() { podnet_up direct; }
podnet-vxlan_down() { podnet_down; }
podnet-gpe_down() { podnet_down; }
podnet-ipip_down() { podnet_down; }
podnet-direct_down() { podnet_down; }

# ------------------------------------------------------------ measures ----

# iperf3 FILE ARGS...: the client in p1a, JSON into FILE
iperf3_client()
{
	local file=$1

	shift
	ip netns exec "$P1" timeout $((T + 60)) iperf3 -c "$SERVER" \
		-p "$IPERF_PORT" -A 0,1 -t "$T" -J "$@" > "$file" 2> "$file.err"
}

# iperf_sum FILE SUM FIELD: a field of the "end" object SUM (sum_sent,
# sum_received) of iperf3's JSON (pretty-printed: a key a line), without
# starting Python (seconds under emulation)
iperf_sum()
{
	awk -v sum="\"$2\":" -v field="\"$3\":" '
		$1 == sum { on = 1; next }
		on && $1 == field { v = $2; sub(/,$/, "", v); print v; exit }
		on && /^[ \t]*}/ { exit }' "$1"
}

# tput VARIANT ROUND STREAMS [METRIC]: TCP throughput in Mbit/s
tput()
{
	local f=$PN_TMP/tput.json omit=() v

	settle
	[ "$T" -lt 5 ] || omit=(-O 1)
	iperf3_client "$f" -P "$3" "${omit[@]}"
	v=$(iperf_sum "$f" sum_received bits_per_second)
	[ -n "$v" ] && v=$(awk -v b="$v" 'BEGIN { printf "%.1f", b / 1e6 }')
	[ -n "$v" ] || note "iperf3: $(head -c 300 "$f.err") $(grep -m1 '"error"' "$f")"
	record "${4:-tcp${3}_mbps}" "$1" "$2" "$v" Mbit/s
}

# pps VARIANT ROUND: UDP datagrams of 64 bytes received per second
pps()
{
	local f=$PN_TMP/pps.json v

	settle
	iperf3_client "$f" -u -b 0 -l 64
	v=$(awk -v b="$(iperf_sum "$f" sum_received bytes)" \
		-v s="$(iperf_sum "$f" sum_received seconds)" \
		'BEGIN { if (b != "" && s > 0) printf "%d", b / 64 / s }')
	if [ -n "$v" ]; then
		note "udp64 $1: sent $(iperf_sum "$f" sum_sent packets) packets," \
			"lost $(iperf_sum "$f" sum_received lost_percent) %"
	else
		note "iperf3 -u: $(head -c 300 "$f.err") $(grep -m1 '"error"' "$f")"
	fi
	record udp64_pps "$1" "$2" "$v" packets/s
}

# latency VARIANT ROUND [PREFIX]: sockperf ping-pong round trip, median
# and p99, in microseconds
latency()
{
	local f=$PN_TMP/sockperf.txt p50 p99

	local t=$T try

	settle
	# Once more, twice as long, when a stall of the emulator left no
	# observation after sockperf's warmup (seen with 1 s on a busy host).
	for try in 1 2; do
		ip netns exec "$P1" timeout $((t + 60)) taskset -c "$LAT_CPU" \
			sockperf pp -i "$SERVER" -p "$SOCKPERF_PORT" -t "$t" -m 64 \
			--full-rtt > "$f" 2>&1
		grep -q 'percentile 50\.000' "$f" && break
		note "sockperf try $try: $(grep -m1 -i 'no valid\|error' "$f")"
		t=$((2 * T))
	done
	p50=$(sed -n 's/.*percentile 50\.000 = *\([0-9.]*\).*/\1/p' "$f")
	p99=$(sed -n 's/.*percentile 99\.000 = *\([0-9.]*\).*/\1/p' "$f")
	[ -n "$p50" ] || note "sockperf: $(tail -n 3 "$f" | tr '\n' ' ')"
	record "${3:-}rtt_p50_us" "$1" "$2" "$p50" us
	record "${3:-}rtt_p99_us" "$1" "$2" "$p99" us
}

# want_perf NAME: BENCH_PERF names NAME (a variant, routes-N, or "cp")
want_perf() { [[ " ${BENCH_PERF:-} " == *" $1 "* ]]; }

# perf_report NAME: perf.data to $OUT/perf-NAME.txt (by symbol, and the
# callers of the top ones)
perf_report()
{
	local f=$OUT/perf-$1.txt

	{
		tail -n 5 "$PN_TMP/perf.log"
		perf report -i "$PN_TMP/perf.data" --no-children --sort symbol \
			--stdio -g none --percent-limit 0.3 2>&1 | grep -v '^$'
		# who runs with interrupts off (their time lands on the unlock)
		perf report -i "$PN_TMP/perf.data" --no-children --sort symbol \
			--stdio -G --percent-limit 3 2>&1 | grep -v '^$' | head -n 200
		# inclusive time of the functions of the commands that ran
		for comm in podnetctl iperf3; do
			echo "=== $comm, inclusive"
			perf report -i "$PN_TMP/perf.data" --children --comm "$comm" \
				--sort symbol --stdio -g none --percent-limit 1 2>&1 |
				grep -v '^$' | grep -v '^#' | head -n 80
		done
		perf report -i "$PN_TMP/perf.data" --no-children --sort dso \
			--stdio -g none 2>&1 | grep -v '^$' | head -n 30
	} > "$f" 2>&1
	note "perf profile of $1: $f"
}

# perf_profile VARIANT: a system-wide profile (cpu-clock: no PMU under
# emulation) of one more 1-stream TCP test (not counted)
perf_profile()
{
	if ! command -v perf > /dev/null; then
		note "perf: not installed"
		return 0
	fi
	perf record -e cpu-clock -a -g -o "$PN_TMP/perf.data" -- \
		ip netns exec "$P1" iperf3 -c "$SERVER" -p "$IPERF_PORT" -A 0,1 \
		-t "$T" > "$PN_TMP/perf.log" 2>&1
	perf_report "$1"
}

# variant_measure VARIANT ROUND
variant_measure()
{
	local v=$1 r=$2

	if ! "${v}_up" > "$PN_TMP/up.log" 2>&1; then
		note "$v: setup failed: $(tr '\n' ' ' < "$PN_TMP/up.log")"
		"${v}_down"
		tap_fail "$v round $r: setup"
		return 1
	fi
	if ! ping_ok "$P1" "$SERVER"; then
		note "$v: p1a cannot ping $SERVER"
		"${v}_down"
		tap_fail "$v round $r: connectivity"
		return 1
	fi
	tput "$v" "$r" 1
	tput "$v" "$r" 4
	latency "$v" "$r"
	pps "$v" "$r"
	! want_perf "$v" || [ "$r" != 1 ] || perf_profile "$v"
	"${v}_down"
}

# --------------------------------------------------------- route scale ----

# gen_routes N FILE [VIA_NET]: a sync file of N-1 routes of mixed lengths
# in 10.0.0.0/8 (none in 10.244.0.0/16), spread over min(N-1, 1000) peers
# 172.16.x.y (or, with VIA_NET "nodes", one peer per route: node routes,
# 10.X.Y.0/24 via 172.16.x.y, as many nodes as routes)
gen_routes()
{
	"${PN_PY[@]}" - "$1" "$2" "${3:-mixed}" <<-'EOF'
	import random, sys
	n, path, kind = int(sys.argv[1]), sys.argv[2], sys.argv[3]
	rnd = random.Random(4242)
	out, seen = [], set()
	def peer(i):
	    return "172.16.%d.%d" % ((i >> 8) & 255, i & 255)
	if kind == "nodes":
	    for i in range(n):
	        k = i + 256
	        out.append("10.%d.%d.0/24 via %s" % (k >> 8, k & 255, peer(i + 1)))
	else:
	    npeers = max(1, min(n, 1000))
	    while len(out) < n:
	        ln = rnd.choice((24, 24, 24, 24, 22, 23, 25, 26, 27, 28, 20, 16))
	        a = (10 << 24) | rnd.getrandbits(24)
	        a &= (0xffffffff << (32 - ln)) & 0xffffffff
	        # nothing that holds or lies in 10.244.0.0/16
	        lo, hi = a, a | ((1 << (32 - ln)) - 1)
	        if not (hi < 0x0af40000 or lo > 0x0af4ffff):
	            continue
	        if (a, ln) in seen:
	            continue
	        seen.add((a, ln))
	        out.append("%d.%d.%d.%d/%d via %s" % (a >> 24, (a >> 16) & 255,
	                   (a >> 8) & 255, a & 255, ln, peer(len(out) % npeers + 1)))
	with open(path, "w") as f:
	    f.write("\n".join(out) + "\n" if out else "")
	EOF
}

# batch_of SYNC_FILE BATCH_FILE: the same routes as podnetctl -batch lines
batch_of()
{
	sed 's/^\(.*\) via \(.*\)$/route add \1 via \2 dev pn0/' "$1" > "$2"
}

# route_count NS: routes of pn0 in NS
route_count()
{
	pnctl "$1" -j show dev pn0 | "${PN_PY[@]}" -c 'import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
print(d.get("routes", "?"))'
}

scale_measure()
{
	local n r f

	for ((r = 1; r <= SCALE_ROUNDS; r++)); do
		if ! podnet-vxlan_up > "$PN_TMP/up.log" 2>&1; then
			note "scale: setup failed: $(tr '\n' ' ' < "$PN_TMP/up.log")"
			tap_fail "route scale round $r: setup"
			podnet_down
			return 1
		fi
		for n in $SCALE; do
			f=$PN_TMP/scale-$n.txt
			[ -e "$f.fill" ] || gen_routes $((n - 1)) "$f.fill"
			{ echo "10.244.2.0/24 via $(node_ip 2)"; cat "$f.fill"; } > "$f"
			{ echo "10.244.1.0/24 via $(node_ip 1)"; cat "$f.fill"; } > "$f.n2"
			if ! pnctl "$N1" sync dev pn0 "$f" > "$PN_TMP/sync.log" 2>&1 ||
			   ! pnctl "$N2" sync dev pn0 "$f.n2" >> "$PN_TMP/sync.log" 2>&1; then
				note "scale $n: sync failed: $(head -c 300 "$PN_TMP/sync.log")"
				tap_fail "route scale $n round $r: sync"
				continue
			fi
			note "scale: n1 has $(route_count "$N1") routes"
			if ! ping_ok "$P1" "$SERVER"; then
				tap_fail "route scale $n round $r: connectivity"
				continue
			fi
			tput "routes-$n" "$r" 1 scale_tcp1_mbps
			latency "routes-$n" "$r" scale_
			if [ "$r" = 1 ] && want_perf "routes-$n"; then
				perf_profile "routes-$n"
			fi
		done
		podnet_down
	done
}

# --------------------------------------------------------------- lookup ----

lookup_measure()
{
	local f=/sys/kernel/debug/podnet/bench_lookup out out2 v

	if [ ! -e "$f" ]; then
		note "no $f (a module without CONFIG_DEBUG_FS, or debugfs not mounted)"
		tap_fail "lookup: no $f"
		return 1
	fi
	if ! echo "$LOOKUP" > "$f"; then
		tap_fail "lookup: the write of \"$LOOKUP\" failed"
		return 1
	fi
	out=$(cat "$f")
	note "bench_lookup $LOOKUP: $(tr '\n' ' ' <<< "$out")"
	# the same code as a user program (scripts/bench-table.c), here
	# under emulation; bench.sh runs it on the real CPU too
	if [ -x "${BENCH_TABLE_BIN:-}" ]; then
		# shellcheck disable=SC2086 # two numbers
		out2=$("$BENCH_TABLE_BIN" $LOOKUP)
		note "bench-table $LOOKUP (user space, emulated): $(tr '\n' ' ' <<< "$out2")"
		for v in ns_per_lookup nodes_per_lookup nodes_per_route node_bytes_per_route \
			 index_bytes_per_route; do
			record "lookup_$v" emulated 1 "$(awk -v k="$v" '$1 == k { print $2 }' <<< "$out2")" ""
		done
	fi
	for v in ns_per_lookup ns_per_lookup4 ns_per_lookup6 ns_per_insert \
		 slab_bytes_per_route index_bytes_per_route prefixes; do
		record "lookup_$v" kernel 1 "$(awk -v k="$v" '$1 == k { print $2 }' <<< "$out")" ""
	done
}

# ------------------------------------------------------------- memory -----

# dummy_underlay NS: dummy0 192.168.99.1/24, up: an underlay for a pn0 or
# flannel.1 that sends nothing
dummy_underlay()
{
	ip -n "$1" link add dummy0 type dummy || return 1
	ip -n "$1" link set dummy0 up || return 1
	ip -n "$1" addr add 192.168.99.1/24 dev dummy0
}

# cp_pn0 NS: pn0 on dummy0, up
cp_pn0()
{
	pnctl "$1" link add pn0 dev dummy0 local 192.168.99.1 || return 1
	ip -n "$1" link set pn0 up
}

# cp_renew NS: a new pn0 (the old one's memory freed meanwhile)
cp_renew()
{
	ip -n "$1" link del pn0
	sleep 1
	cp_pn0 "$1" || { tap_fail "control plane: pn0"; return 1; }
}

# slab_bytes CACHE: bytes in the slabs of a cache (/sys/kernel/slab)
slab_bytes()
{
	local d=/sys/kernel/slab/$1 slabs order

	[ -r "$d/slabs" ] || return 1
	slabs=$(cut -d' ' -f1 "$d/slabs")
	order=$(cat "$d/order")
	echo $((slabs * (4096 << order)))
}

slab_objects() { cut -d' ' -f1 "/sys/kernel/slab/$1/objects" 2>/dev/null; }

mem_measure()
{
	local ns="pn-mem-$PN_SUFFIX" f=$PN_TMP/mem.txt b0 b1 o0 o1 i0 i1 n
	local idx=/sys/kernel/debug/podnet/table_index_bytes

	ns_add "$ns" || { tap_fail "memory: namespace"; return 1; }
	if ! dummy_underlay "$ns" ||
	   ! pnctl "$ns" link add pn0 dev dummy0 local 192.168.99.1; then
		tap_fail "memory: pn0"
		return 1
	fi
	gen_routes "$MEM_ROUTES" "$f"
	if ! b0=$(slab_bytes podnet_route); then
		note "no /sys/kernel/slab/podnet_route"
		tap_fail "memory: no podnet_route cache in /sys/kernel/slab"
		ip netns del "$ns"
		return 1
	fi
	o0=$(slab_objects podnet_route)
	if ! i0=$(cat "$idx"); then
		tap_fail "memory: cannot read $idx"
		ip netns del "$ns"
		return 1
	fi
	pnctl "$ns" sync dev pn0 "$f" || { tap_fail "memory: sync"; ip netns del "$ns"; return 1; }
	b1=$(slab_bytes podnet_route)
	o1=$(slab_objects podnet_route)
	i1=$(cat "$idx")
	n=$(route_count "$ns")
	note "table index: $i0 -> $i1 bytes"
	note "podnet_route cache: $b0 -> $b1 bytes, $o0 -> $o1 objects," \
		"object_size $(cat /sys/kernel/slab/podnet_route/object_size)," \
		"slab_size $(cat /sys/kernel/slab/podnet_route/slab_size), $n routes" \
		"(aliases: $(readlink /sys/kernel/slab/podnet_route || echo none))"
	record mem_bytes_per_route podnet_route 1 \
		"$(awk -v a="$b0" -v b="$b1" -v n="$n" 'BEGIN { if (n > 0) printf "%.1f", (b - a) / n }')" bytes
	record mem_index_bytes_per_route podnet_route 1 \
		"$(awk -v a="$i0" -v b="$i1" -v n="$n" 'BEGIN { if (n > 0) printf "%.1f", (b - a) / n }')" bytes
	record mem_nodes_per_route podnet_route 1 \
		"$(awk -v a="$o0" -v b="$o1" -v n="$n" 'BEGIN { if (n > 0 && b != "") printf "%.3f", (b - a) / n }')" nodes
	ip netns del "$ns"
}

# ------------------------------------------------------ control plane -----

cp_measure()
{
	local ns="pn-cp-$PN_SUFFIX" f=$PN_TMP/cp.txt t0 ms n i r

	ns_add "$ns" || { tap_fail "control plane: namespace"; return 1; }
	dummy_underlay "$ns" || { tap_fail "control plane: dummy0"; return 1; }
	gen_routes "$CP_ROUTES" "$f" nodes
	batch_of "$f" "$f.batch"
	# flannel: per node a neighbour, a route and an FDB entry
	"${PN_PY[@]}" - "$f" "$f.ip" "$f.fdb" <<-'EOF'
	import sys
	src, ipf, fdbf = sys.argv[1:]
	with open(src) as s, open(ipf, "w") as ip, open(fdbf, "w") as fdb:
	    for i, line in enumerate(s):
	        pfx, _, via = line.split()
	        net = pfx.split("/")[0]
	        mac = "0e:00:00:%02x:%02x:%02x" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)
	        ip.write("neigh add %s lladdr %s dev flannel.1 nud permanent\n" % (net, mac))
	        ip.write("route add %s via %s dev flannel.1 onlink\n" % (pfx, net))
	        fdb.write("fdb append %s dev flannel.1 dst %s\n" % (mac, via))
	EOF

	# The lines with every route via one peer: no peer made per line.
	sed 's/ via [^ ]* / via 172.16.0.1 /' "$f.batch" > "$f.batch1"
	for ((r = 1; r <= CP_ROUNDS; r++)); do
		# podnet first: nothing of flannel's teardown (3 x N objects freed
		# after grace periods) runs beside it. Each on a new pn0.
		cp_pn0 "$ns" || { tap_fail "control plane: pn0"; return 1; }
		timer_start
		if pnctl "$ns" -batch "$f.batch1"; then ms=$(ms_since "$t0"); else ms=failed; fi
		record cp_install_ms podnet-batch-1peer "$r" "$ms" ms
		cp_renew "$ns" || return 1

		timer_start
		if pnctl "$ns" -batch "$f.batch"; then
			ms=$(ms_since "$t0")
			n=$(route_count "$ns")
			[ "$n" = "$CP_ROUTES" ] || ms="missing: $n routes"
		else
			ms="failed"
		fi
		record cp_install_ms podnet-batch "$r" "$ms" ms

		# a full resync of the same routes, then into an empty device
		timer_start
		if pnctl "$ns" sync dev pn0 "$f"; then ms=$(ms_since "$t0"); else ms=failed; fi
		record cp_sync_ms podnet-same "$r" "$ms" ms
		cp_renew "$ns" || return 1
		timer_start
		if pnctl "$ns" sync dev pn0 "$f"; then
			ms=$(ms_since "$t0")
			n=$(route_count "$ns")
			[ "$n" = "$CP_ROUTES" ] || ms="missing: $n routes"
		else
			ms=failed
		fi
		record cp_sync_ms podnet-empty "$r" "$ms" ms
		ip -n "$ns" link del pn0
		sleep 1

		if ! ip -n "$ns" link add flannel.1 type vxlan id 1 dstport 8472 \
			nolearning local 192.168.99.1 dev dummy0 ||
		   ! ip -n "$ns" link set flannel.1 up ||
		   ! ip -n "$ns" addr add 10.244.99.0/32 dev flannel.1; then
			tap_fail "control plane: flannel.1"
			return 1
		fi
		timer_start
		if ip -n "$ns" -batch "$f.ip" && bridge -n "$ns" -batch "$f.fdb"; then
			ms=$(ms_since "$t0")
			n=$(ip -n "$ns" route show dev flannel.1 | grep -c via)
			i=$(bridge -n "$ns" fdb show dev flannel.1 | grep -c ' dst ')
			note "flannel: $n routes, $i FDB entries"
			[ "$n" -eq "$CP_ROUTES" ] && [ "$i" -ge "$CP_ROUTES" ] || ms="missing: $n routes, $i fdb"
		else
			ms="failed"
		fi
		record cp_install_ms flannel-vxlan "$r" "$ms" ms
		ip -n "$ns" link del flannel.1
		sleep 1
	done

	if want_perf cp && command -v perf > /dev/null; then
		sleep 1
		cp_pn0 "$ns"
		perf record -e cpu-clock -a -g -o "$PN_TMP/perf.data" -- \
			ip netns exec "$ns" "$PODNETCTL" -batch "$f.batch" > "$PN_TMP/perf.log" 2>&1
		perf_report cp-batch
		# where podnetctl sleeps (off CPU), by kernel stack
		cp_renew "$ns" || return 1
		perf record -e sched:sched_switch -g -o "$PN_TMP/perf.data" -- \
			ip netns exec "$ns" "$PODNETCTL" -batch "$f.batch" > "$PN_TMP/perf.log" 2>&1
		perf script -i "$PN_TMP/perf.data" 2> /dev/null | awk '
			/sched:sched_switch/ { on = ($0 ~ /prev_comm=podnetctl/ && $0 ~ /prev_state=[DS]/); n = 0; key = ""; next }
			on && NF >= 2 && n < 8 { f = $2; sub(/\+0x.*/, "", f); if (f !~ /^(__schedule|schedule|schedule_preempt_disabled|schedule_timeout)$/) { key = key " < " f; n++ } next }
			on && NF == 0 { if (key != "") c[key]++; on = 0 }
			END { for (k in c) print c[k], k }' | sort -rn | head -n 15 \
			> "$OUT/perf-cp-batch-sleeps.txt"
		note "podnetctl -batch sleeps: $(head -n 3 "$OUT/perf-cp-batch-sleeps.txt" | tr '\n' ';')"
	fi
	# the cost of starting podnetctl and ip at all (under emulation)
	t0=$(now_ns)
	pnctl "$ns" -j show > /dev/null
	record cp_startup_ms podnetctl 1 "$(ms_since "$t0")" ms
	ip netns del "$ns"
}

# ----------------------------------------------------------------- main ----

echo "TAP version 13"
note "bench-guest: kernel $(uname -r), T=$T s, rounds $ROUNDS, smoke $smoke," \
	"$(nproc) CPUs, clock ${BENCH_CLOCK:-host}, variants: $VARIANTS"
: > "$RAW"
start=$SECONDS
pn_tmpdir
if ! podnet_load; then
	tap_fail "podnet module loaded"
	echo "1..$TAP_N"
	exit 1
fi
if ! setup > "$PN_TMP/setup.log" 2>&1; then
	note "setup: $(tr '\n' ' ' < "$PN_TMP/setup.log")"
	tap_fail "topology setup"
	echo "1..$TAP_N"
	exit 1
fi
{
	printf 'meta\tkernel\t0\t%s\n' "$(uname -r)"
	printf 'meta\tseconds_per_test\t0\t%s\n' "$T"
	printf 'meta\tclock\t0\t%s\n' "${BENCH_CLOCK:-host}"
	printf 'meta\ticount\t0\t%s\n' "${PODNET_VM_ICOUNT:--}"
	printf 'meta\tmem_routes\t0\t%s\n' "$MEM_ROUTES"
	printf 'meta\tcp_routes\t0\t%s\n' "$CP_ROUTES"
	printf 'meta\tpd_leases\t0\t%s\n' "$PD_LEASES"
} >> "$RAW"

# part NAME: BENCH_PARTS (default: all) has NAME
part() { [[ " ${BENCH_PARTS:-variants scale lookup mem cp pd} " == *" $1 "* ]]; }
if part variants; then
	for ((round = 1; round <= ROUNDS; round++)); do
		for v in $VARIANTS; do
			variant_measure "$v" "$round"
		done
	done
	note "variants done after $((SECONDS - start)) s"
fi
if part scale; then
	scale_measure
	note "route scale done after $((SECONDS - start)) s"
fi
! part lookup || lookup_measure
! part mem || mem_measure
! part cp || cp_measure
! part pd || pd_measure
note "bench-guest: done in $((SECONDS - start)) s"
echo "1..$TAP_N"
[ "$TAP_FAIL" -eq 0 ]
