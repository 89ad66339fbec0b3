#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh [--smoke] [--kernel KVER] [--no-doc] [--no-build]
#
# What "make bench" runs: builds the module and podnetctl, boots one qemu
# VM (scripts/vm.sh) and runs scripts/bench-guest.sh there: every overlay
# variant (no overlay, flannel's Linux vxlan, Linux ipip, podnet vxlan, gpe,
# ipip, direct) on one topology, side by side, then route scale, the
# in-kernel lookup benchmark, memory per route and the control plane.
# scripts/bench-report.py makes of the samples:
#
#	results/bench/DATE.txt    the table: figures, ratios, targets
#	results/bench/DATE.json   the same with every sample
#	results/bench/DATE.png    the chart (gnuplot)
#
# and a full run copies the table and chart to
# Documentation/networking/podnet-bench.rst and podnet-bench.png, with the
# command that made them. The guest's files (console, dmesg, raw samples)
# stay in results/bench/DATE-vm/.
#
#   --smoke        every measurement very briefly (1 s each, 1 round, 1,000
#                  routes at most), to prove the machinery: about 3 minutes
#                  of VM time. Prints TAP (one point per measurement, then
#                  the report's points); writes results/bench/smoke-DATE.*,
#                  leaves Documentation/ alone. Also BENCH_SMOKE=1.
#   --kernel KVER  the kernel to boot (default: Debian's 6.12, else the
#                  newest of scripts/kernels.sh)
#   --no-doc       do not update Documentation/ (a full run)
#   --no-build     use the module and podnetctl already built
#
# Environment: BENCH_* variables go to the guest (see bench-guest.sh:
# BENCH_TIME, BENCH_ROUNDS, BENCH_VARIANTS, BENCH_SCALE, BENCH_LOOKUP,
# BENCH_MEM_ROUTES, BENCH_CP_ROUTES, BENCH_PERF), BENCH_CLOCK and
# BENCH_ICOUNT (below); BENCH_VM_TIMEOUT (seconds, default 5400; smoke
# 900). Exit status 0 when every
# measurement produced a number and the report was written (a missed
# target is not a failure: the table says MISSED).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/.." && pwd -P)
cd "$repo"

smoke=${BENCH_SMOKE:-0}
kver=
doc=1
build=1
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) smoke=1; shift ;;
	--kernel) kver=${2:?--kernel needs a version}; shift 2 ;;
	--no-doc) doc=0; shift ;;
	--no-build) build=0; shift ;;
	-h|--help) sed -n '4,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	*) echo "usage: bench.sh [--smoke] [--kernel KVER] [--no-doc] [--no-build]" >&2; exit 2 ;;
	esac
done
[ "$smoke" != 1 ] || doc=0

if [ -z "$kver" ]; then
	kver=$("$here/kernels.sh" | grep -E '^6\.12\.' | tail -n 1 || true)
	[ -n "$kver" ] || kver=$("$here/kernels.sh" | tail -n 1)
fi
[ -n "$kver" ] || { echo "bench: no Debian kernel with headers installed (scripts/deps.sh)" >&2; exit 1; }

python=/usr/bin/python3
[ -x "$python" ] || python=python3
for tool in iperf3 sockperf gnuplot; do
	command -v "$tool" > /dev/null ||
		{ echo "bench: no $tool (scripts/deps.sh installs it)" >&2; exit 1; }
done

if [ "$build" = 1 ]; then
	"$here/build.sh" "$kver" >&2
fi
# The module with the table benchmark (kmod/bench.c): a development
# variant of its own, built here always (seconds); the production module
# has no benchmark in it.
PODNET_BENCH=y "$here/build.sh" --module-only "$kver" >&2 ||
	{ echo "bench: cannot build the benchmark variant of the module" >&2; exit 1; }

date=$(date -u +%Y-%m-%d-%H%M%S)
name=$date
[ "$smoke" != 1 ] || name=smoke-$date
out=$repo/results/bench
vmres=$out/$name-vm
mkdir -p "$vmres"
command="make bench"
[ "$smoke" != 1 ] || command="make bench BENCH_SMOKE=1"

# The BENCH_* settings travel on the guest's command line (vm.sh passes
# only PODNET_* variables).
genv=(env "BENCH_SMOKE=$smoke" "PODNET_KO=$repo/build/$kver/bench/podnet.ko")
for v in $(compgen -e | grep '^BENCH_' || true); do
	case "$v" in BENCH_SMOKE|BENCH_VM_TIMEOUT) continue ;; esac
	genv+=("$v=${!v}")
	command+=" $v=${!v}"
done
if [ "$smoke" = 1 ]; then
	tmo=${BENCH_VM_TIMEOUT:-900}
	lookup=${BENCH_LOOKUP:-10000 100000}
else
	tmo=${BENCH_VM_TIMEOUT:-5400}
	lookup=${BENCH_LOOKUP:-100000 4000000}
fi

# kmod/table.c as a user program (scripts/bench-table.c), run here on the
# real CPU and in the VM under emulation: what the emulator does to the
# in-kernel lookup figure. Best of five runs here (a busy host: beside a
# make check, the best of three was 191 ns where a quiet host gave 57).
table_bin=$vmres/bench-table
build_table_bench() {
	local shim h
	shim=$(mktemp -d)
	for h in linux/bitops.h linux/lockdep.h linux/minmax.h linux/module.h \
		 linux/slab.h kunit/visibility.h linux/list.h linux/rhashtable-types.h \
		 linux/atomic.h linux/mm.h \
		 linux/u64_stats_sync.h net/dst_cache.h linux/mutex.h linux/rcupdate.h \
		 linux/string.h; do
		mkdir -p "$shim/$(dirname "$h")"
		: > "$shim/$h"
	done
	cc -O2 -Wall -Wno-unused-variable -Wno-unused-parameter -I "$shim" \
		-o "$table_bin" "$here/bench-table.c"
	local rc=$?
	rm -rf "$shim"
	return $rc
}
native=$vmres/bench-table-native.txt
: > "$native"
table_rc=0
build_table_bench || table_rc=$?
if [ "$table_rc" -eq 0 ]; then
	genv+=("BENCH_TABLE_BIN=$table_bin" "BENCH_LOOKUP=$lookup")
	# shellcheck disable=SC2086 # two numbers
	for _ in 1 2 3 4 5; do "$table_bin" $lookup; done > "$native.all" 2>&1 || true
	awk '$1 ~ /^(ns_per_lookup|ns_per_lookup4|ns_per_lookup6|nodes_per_lookup)$/ {
		if (!($1 in best) || $2 < best[$1]) best[$1] = $2 }
	     END { for (k in best) print k, best[k] }' "$native.all" > "$native"
else
	echo "bench: cannot build scripts/bench-table.c: no native lookup figure" >&2
	genv+=("BENCH_LOOKUP=$lookup")
fi

# The guest's clock (BENCH_CLOCK). icount, the default: qemu's -icount
# (BENCH_ICOUNT, default shift=2,sleep=on) advances the guest's clock by
# 2^shift ns per emulated instruction, so what the guest times is a count
# of instructions that the host's load cannot move; why sleep=on, and the
# clock's limits, are in Documentation/networking/podnet.rst. host: the
# guest's clock is the host's (the full run then gives each vCPU a host
# thread of its own).
clock=${BENCH_CLOCK:-icount}
case $clock in
icount)
	# the smoke run: 62.5 million instructions a virtual second, so that
	# its 1-second tests cost a quarter of the host time
	icount=shift=2,sleep=on
	[ "$smoke" != 1 ] || icount=shift=4,sleep=on
	export PODNET_VM_ICOUNT=${BENCH_ICOUNT:-$icount}
	;;
host)
	# both vCPUs running at once (the client and the server of a test
	# in parallel); vm.sh's default is one thread for both, which never
	# hits multi-threaded TCG's rare stale-text oops: the smoke run,
	# which only proves the machinery, keeps it
	[ "$smoke" = 1 ] || export PODNET_VM_TCG_THREAD=${PODNET_VM_TCG_THREAD:-multi}
	;;
*)
	echo "bench: BENCH_CLOCK is icount or host, not '$clock'" >&2
	exit 2
	;;
esac
genv+=("BENCH_CLOCK=$clock")
# every CPU feature qemu can emulate (the figures of podnet-bench.rst were
# measured so), not vm.sh's default baseline model
export PODNET_VM_CPU=${PODNET_VM_CPU:-max}

echo "bench: $kver, results in ${out#"$repo"/}/$name.*; booting the VM" \
	"(software emulation: $([ "$smoke" = 1 ] && echo 'about 3 minutes' || echo 'about 30 minutes'))" >&2
t0=$SECONDS
rc=0
"$here/vm.sh" --kernel "$kver" --results "$vmres" --timeout "$tmo" -- \
	"${genv[@]}" scripts/bench-guest.sh > "$vmres/tap.log" 2> "$vmres/vm-stderr.log" || rc=$?
vm_seconds=$((SECONDS - t0))
cat "$vmres/vm-stderr.log" >&2

# The guest's TAP without its plan (from output.log when vm.sh printed
# nothing); the report's points follow, numbered on.
[ -s "$vmres/tap.log" ] || cp "$vmres/output.log" "$vmres/tap.log" 2> /dev/null || true
grep -v '^1\.\.[0-9]*$' "$vmres/tap.log" || true
n=$({ grep -oE '^(not )?ok [0-9]+' "$vmres/tap.log" || true; } | awk '{ print $NF }' | sort -n | tail -n 1)
n=${n:-0}
fails=$(grep -cE '^not ok [0-9]+' "$vmres/tap.log" || true)
point() { # RC DESC
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
	fi
}

point "$rc" "bench VM run (scripts/vm.sh exit status $rc, ${vm_seconds} s)"
# without it, the lookup figures of the emulated user-space table are missing
point "$table_rc" "scripts/bench-table.c (kmod/table.c in user space) built"
raw=$vmres/bench-raw.tsv
if [ -s "$raw" ] && [ -s "$native" ]; then
	awk '{ printf "lookup_%s\tnative\t1\t%s\n", $1, $2 }' "$native" >> "$raw"
fi
report=(--command "$command" --date "$date")
[ "$doc" = 0 ] || report+=(--rst "$repo/Documentation/networking/podnet-bench.rst" \
	--png-name podnet-bench.png)
rrc=0
if [ -s "$raw" ]; then
	"$python" "$here/bench-report.py" "$raw" "$out/$name" "${report[@]}" \
		> "$vmres/report.log" 2>&1 || rrc=$?
else
	echo "no samples: $raw" > "$vmres/report.log"
	rrc=1
fi
[ "$rrc" -eq 0 ] || sed 's/^/# /' "$vmres/report.log"
point "$rrc" "report: table, JSON and chart (${out#"$repo"/}/$name.{txt,json,png})"
[ -s "$out/$name.png" ]
point $? "chart ${out#"$repo"/}/$name.png"
echo "1..$n"

if [ "$smoke" != 1 ] && [ -s "$out/$name.txt" ]; then
	echo
	cat "$out/$name.txt"
	[ "$doc" = 0 ] || echo "bench: Documentation/networking/podnet-bench.rst updated" >&2
fi
echo "bench: ${fails} failed of $n, VM ${vm_seconds} s; ${out#"$repo"/}/$name.txt" >&2
[ "$fails" -eq 0 ]
