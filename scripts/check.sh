#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: what "make check" runs, on the host.
#
#  1. scripts/deps.sh                  the packages
#  2. scripts/build.sh                 the module for every kernel, podnetctl
#  3. scripts/lint.sh                  static analysis (TAP; CHECK_LINT=0: no)
#  4. make -C userspace test           (when that target exists) its TAP;
#     scripts/tests/*.sh                the host scripts' own tests (TAP)
#  5. for each kernel of scripts/kernels.sh:
#     scripts/vm.sh --kernel K --results results/K -- selftests/run.sh
#     counts from results/K/summary (written by selftests/run.sh)
#  6. the debug kernel of scripts/debug-kernel.sh (KASAN, lockdep, kmemleak,
#     podnet and its KUnit suite built in; CHECK_DEBUG=0: no): built, then
#     scripts/vm.sh --bzimage ... --results results/debug -- selftests/run.sh;
#     the selftests and each KUnit case (results/debug/kunit.tap) counted.
#     It runs in the background beside stages 3 to 5 (its log:
#     results/debug-stage.log); CHECK_PARALLEL=0 runs it after them.
#     When the other stages end first, a second VM of the debug kernel
#     (results/debug-2) takes the selftests the first has not begun.
#  7. scripts/bench.sh --smoke: "make bench" briefly (TAP; CHECK_BENCH=0: no)
#
# It prints the time of every stage, then the CPU time they all used, and
# ends with exactly one line
#	N passed, N failed[, N skipped]
# counting test points (", N skipped" only when there are skips). A stage
# that fails without test points of its own (deps, build, a VM run that
# exits non-zero with nothing counted to explain it: a kernel log problem,
# a kmemleak report, a boot failure or timeout) counts as 1 failed.
# Exit status 0 only when everything passed: no failure, no skip.
#
# Environment: CHECK_KERNELS="K1 K2" (default: scripts/kernels.sh),
# CHECK_DEBUG=0, CHECK_LINT=0, CHECK_PARALLEL=0, CHECK_BENCH=0, CHECK_TESTS="a.sh b.sh" (default: all of
# selftests/run.sh's), CHECK_VM_TIMEOUT (seconds per VM run: default 3600,
# 7200 for the debug kernel, which runs the selftests about 10 times slower;
# its per-test timeout is PODNET_TEST_TIMEOUT, default 2400 there).

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/.." && pwd -P)
cd "$repo" || exit 1

passed=0
failed=0
skipped=0
stages=()

# stage NAME SECONDS RESULT: remember one line of the timing table
stage()
{
	local line

	line=$(printf '%-34s %5d s  %s' "$1" "$2" "$3")
	stages+=("$line")
	echo "check: $line"
}

# cpu_use: the CPU time the stages used (every process check.sh waited
# for, VMs included) against the wall time: the same work takes more CPU
# time on a host that is busy with something else
cpu_use()
{
	local f

	# times, in this shell (not a subshell): the shell's own user and
	# system time, then its children's, as 1m2.345s
	f=$(mktemp)
	times > "$f"
	awk -v w="$SECONDS" -v n="$(nproc)" 'function sec(t) {
		split(t, a, "m"); return int(a[1] * 60 + a[2]) }
		NR == 2 { u = sec($1); s = sec($2)
		printf "check: CPU time %d s (user %d s, system %d s) in %d s: " \
			"%.2f of %d cores busy\n", u + s, u, s, w,
			w ? (u + s) / w : 0, n }' "$f"
	rm -f "$f"
}

finish()
{
	echo
	echo "check: stage times"
	printf 'check:   %s\n' "${stages[@]}"
	cpu_use
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]
	exit $?
}

# 1. dependencies
t0=$SECONDS
if scripts/deps.sh; then
	stage deps $((SECONDS - t0)) ok
else
	failed=$((failed + 1))
	stage deps $((SECONDS - t0)) "FAILED"
	finish
fi

# 2. build (every kernel + userspace)
t0=$SECONDS
if scripts/build.sh; then
	stage build $((SECONDS - t0)) ok
else
	failed=$((failed + 1))
	stage build $((SECONDS - t0)) "FAILED"
	finish
fi

# tap_count NAME SECONDS RC LOG: add the test points of a TAP log (nested
# ones too) to the totals; a failing exit with no failed point counts as one
tap_count()
{
	local p s f

	p=$(grep -cE '^ *ok [0-9]+' "$4")
	s=$(grep -cE '^ *ok [0-9]+.*# *SKIP' "$4")
	f=$(grep -cE '^ *not ok [0-9]+' "$4")
	p=$((p - s))
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "check: $1 exited $3"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	stage "$1" "$2" "$p passed, $f failed, $s skipped"
}

# counts_add FILE: add the stage lines "NAME|SECONDS|P|F|S|TEXT" a
# background stage wrote to the totals and the timing table
counts_add()
{
	local name sec p f s text

	while IFS='|' read -r name sec p f s text; do
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
		stage "$name" "$sec" "$text"
	done < "$1"
}

# vm_run RUN COUNTS: the selftests in one VM (RUN: a Debian kernel version
# or debug:BZIMAGE, whose KUnit results are counted too); appends its stage
# lines to COUNTS
vm_run()
{
	local run=$1 counts=$2 t0=$SECONDS k boot vm_timeout res rc p f s
	local explained envs=()

	case $run in
	debug:*|debug2:*)
		k=debug
		boot=(--bzimage "${run#*:}")
		# the second VM: its KUnit suites already ran in the first
		[ "${run%%:*}" = debug ] || { k=debug-2; boot+=(--kunit off); }
		[ -z "$dbg_claims" ] || envs=("PODNET_CLAIM_DIR=$dbg_claims")
		# KASAN and lockdep under emulation: several times slower
		export PODNET_TEST_TIMEOUT=${PODNET_TEST_TIMEOUT:-2400}
		vm_timeout=${CHECK_VM_TIMEOUT:-7200}
		;;
	*)
		k=$run
		boot=(--kernel "$k")
		vm_timeout=${CHECK_VM_TIMEOUT:-3600}
		;;
	esac
	res=$repo/results/$k
	mkdir -p "$res"
	rm -f "$res/summary"
	env "${envs[@]}" scripts/vm.sh "${boot[@]}" --results "$res" \
		--timeout "$vm_timeout" -- selftests/run.sh "${tests[@]}"
	rc=$?
	p=0 f=0 s=0
	if [ -f "$res/summary" ]; then
		p=$(sed -n 's/^passed=//p' "$res/summary")
		f=$(sed -n 's/^failed=//p' "$res/summary")
		s=$(sed -n 's/^skipped=//p' "$res/summary")
		explained=0
		[ "$f" -gt 0 ] && explained=1
		[ "$rc" -eq 4 ] && [ "$s" -gt 0 ] && explained=1
		if [ "$rc" -ne 0 ] && [ "$explained" -eq 0 ]; then
			echo "check: $k: vm.sh exited $rc (kernel log or VM problem, see $res)"
			f=$((f + 1))
		fi
	else
		echo "check: $k: no $res/summary: the VM run did not complete (vm.sh exit $rc)"
		f=1
	fi
	echo "selftests $k|$((SECONDS - t0))|$p|$f|$s|$p passed, $f failed, $s skipped (vm.sh exit $rc)" >> "$counts"
	[ "$k" = debug ] || return 0
	# the debug kernel ran podnet's KUnit suites at boot: count each case
	if [ -s "$res/kunit.tap" ]; then
		p=$(grep -cE '^ +ok [0-9]+' "$res/kunit.tap")
		s=$(grep -cE '^ +ok [0-9]+.*# *SKIP' "$res/kunit.tap")
		f=$(grep -cE '^ +not ok [0-9]+' "$res/kunit.tap")
		p=$((p - s))
	else
		echo "check: debug: no KUnit results in $res/kunit.tap"
		p=0 s=0 f=1
	fi
	echo "kunit (debug kernel)|0|$p|$f|$s|$p passed, $f failed, $s skipped" >> "$counts"
}

# debug_stage COUNTS: build the debug kernel (KASAN, lockdep, kmemleak,
# podnet and its KUnit suites built in) of scripts/debug-kernel.sh (about
# 20 minutes the first time, about a minute when only podnet changed) and
# run the selftests on it; the bzImage's path goes to $dbg_bz
debug_stage()
{
	local t0=$SECONDS bz

	if bz=$(scripts/debug-kernel.sh | tail -n 1) && [ -f "$bz" ]; then
		echo "debug kernel build|$((SECONDS - t0))|0|0|0|ok" >> "$1"
		echo "$bz" > "$dbg_bz"
		vm_run "debug:$bz" "$1"
	else
		echo "debug kernel build|$((SECONDS - t0))|0|1|0|FAILED" >> "$1"
	fi
}

if [ -n "${CHECK_KERNELS:-}" ]; then
	read -r -a kernels <<< "$CHECK_KERNELS"
else
	mapfile -t kernels < <(scripts/kernels.sh)
fi
tests=()
[ -z "${CHECK_TESTS:-}" ] || read -r -a tests <<< "$CHECK_TESTS"
mkdir -p results

# 6. the debug kernel stage runs beside stages 3 to 5 (CHECK_PARALLEL=0:
# after them): a VM's test scripts keep about one core busy, and this
# machine has two. When stages 3 to 5 and 7 are over before it, a second
# debug kernel VM takes the selftests the first has not started yet
# (selftests/run.sh's PODNET_CLAIM_DIR): the two split the list.
dbg_pid=
dbg_counts=$repo/results/debug-stage.counts
dbg_log=$repo/results/debug-stage.log
dbg_bz=$repo/results/debug-bzimage
dbg_claims=
rm -f "$dbg_counts" "$dbg_bz"
rm -rf "$repo/results/debug-claims"
if [ "${CHECK_DEBUG:-1}" = 1 ] && [ "${CHECK_PARALLEL:-1}" = 1 ]; then
	dbg_claims=$repo/results/debug-claims
	mkdir -p "$dbg_claims"
	echo "check: debug kernel stage started in the background, log in $dbg_log"
	debug_stage "$dbg_counts" > "$dbg_log" 2>&1 &
	dbg_pid=$!
fi

# 3. static analysis: checkpatch, sparse, kernel-doc, shellcheck, yamllint,
# gcc -fanalyzer, the netlink spec
if [ "${CHECK_LINT:-1}" = 1 ]; then
	t0=$SECONDS
	log=$(mktemp)
	scripts/lint.sh 2>&1 | tee "$log"
	tap_count lint $((SECONDS - t0)) "${PIPESTATUS[0]}" "$log"
	rm -f "$log"
fi

# 4. userspace unit tests, when there are any
if [ -f userspace/Makefile ] && make -C userspace -n test > /dev/null 2>&1; then
	t0=$SECONDS
	log=$(mktemp)
	make -s -C userspace test 2>&1 | tee "$log"
	tap_count "userspace test" $((SECONDS - t0)) "${PIPESTATUS[0]}" "$log"
	rm -f "$log"
fi
for t in scripts/tests/*.sh; do
	t0=$SECONDS
	log=$(mktemp)
	"$t" 2>&1 | tee "$log"
	tap_count "${t#scripts/}" $((SECONDS - t0)) "${PIPESTATUS[0]}" "$log"
	rm -f "$log"
done

# 5. the selftests in a VM per kernel, one after the other, beside the
# debug kernel's VM. All at once was no faster: 19 min 45 s and 19 min
# 57 s, where one after the other took 18 min 9 s to 23 min 36 s over
# seven runs, as fast as the host was.
if [ "${#kernels[@]}" -eq 0 ]; then
	echo "check: no kernel to test (scripts/kernels.sh lists none)"
	failed=$((failed + 1))
fi
for k in "${kernels[@]}"; do
	counts=$(mktemp)
	vm_run "$k" "$counts"
	counts_add "$counts"
	rm -f "$counts"
done

# 7. a short smoke run of "make bench" (every measurement briefly, in one
# VM; TAP: a measurement without a number fails). CHECK_BENCH=0: no
if [ "${CHECK_BENCH:-1}" = 1 ]; then
	t0=$SECONDS
	log=$(mktemp)
	scripts/bench.sh --smoke --no-build 2>&1 | tee "$log"
	tap_count "bench smoke" $((SECONDS - t0)) "${PIPESTATUS[0]}" "$log"
	rm -f "$log"
fi

if [ -n "$dbg_pid" ]; then
	t0=$SECONDS
	# the build may still run (a fresh machine): the second VM waits for it
	while kill -0 "$dbg_pid" 2> /dev/null && [ ! -s "$dbg_bz" ]; do
		sleep 5
	done
	if kill -0 "$dbg_pid" 2> /dev/null; then
		echo "check: a second debug kernel VM takes the selftests not started yet"
		counts=$(mktemp)
		vm_run "debug2:$(cat "$dbg_bz")" "$counts"
		counts_add "$counts"
		rm -f "$counts"
	fi
	wait "$dbg_pid"
	echo "check: the debug kernel stage (waited $((SECONDS - t0)) s for it;" \
		"its passing test lines are in results/debug-stage.log):"
	# the build's and vm.sh's lines, each script's totals, what failed;
	# not every "ok"
	awk '/^[# ]*not ok / || /^# [a-z0-9_]+\.sh: [0-9]/ || /^# Totals/ ||
	     !/^(#|ok |TAP version)/ { print "check: debug: " $0 }' "$dbg_log"
elif [ "${CHECK_DEBUG:-1}" = 1 ]; then
	debug_stage "$dbg_counts"
fi
[ ! -f "$dbg_counts" ] || counts_add "$dbg_counts"

finish
