#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: what "make check" runs, on the host.
#
#  1. scripts/deps.sh                  the packages
#  2. scripts/build.sh                 the module for every kernel, podnetctl
#  3. make -C userspace test           (when that target exists) its TAP counts
#  4. for each kernel of scripts/kernels.sh:
#     scripts/vm.sh --kernel K --results results/K -- selftests/run.sh
#     counts from results/K/summary (written by selftests/run.sh)
#
# It prints the time of every stage and ends with exactly one line
#	N passed, N failed[, N skipped]
# counting test points (", N skipped" only when there are skips). A stage
# that fails without test points of its own (deps, build, a VM run that
# exits non-zero with nothing counted to explain it) counts as 1 failed.
# Exit status 0 only when everything passed: no failure, no skip.
#
# Environment: CHECK_KERNELS="K1 K2" (default: scripts/kernels.sh),
# CHECK_VM_TIMEOUT (seconds per VM run, default 3600), CHECK_TESTS="a.sh b.sh"
# (default: all of selftests/run.sh's).

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

finish()
{
	echo
	echo "check: stage times"
	printf 'check:   %s\n' "${stages[@]}"
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

# 3. userspace unit tests, when there are any
if [ -f userspace/Makefile ] && make -C userspace -n test > /dev/null 2>&1; then
	t0=$SECONDS
	log=$(mktemp)
	make -s -C userspace test 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok [0-9]+' "$log")
	s=$(grep -cE '^ok [0-9]+.*# *SKIP' "$log")
	f=$(grep -cE '^not ok [0-9]+' "$log")
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "check: make -C userspace test exited $rc"
	fi
	rm -f "$log"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	stage "userspace test" $((SECONDS - t0)) "$p passed, $f failed, $s skipped"
fi

# 4. the selftests in a VM per kernel
if [ -n "${CHECK_KERNELS:-}" ]; then
	read -r -a kernels <<< "$CHECK_KERNELS"
else
	mapfile -t kernels < <(scripts/kernels.sh)
fi
if [ "${#kernels[@]}" -eq 0 ]; then
	echo "check: no kernel to test (scripts/kernels.sh lists none)"
	failed=$((failed + 1))
fi
tests=()
[ -z "${CHECK_TESTS:-}" ] || read -r -a tests <<< "$CHECK_TESTS"
for k in "${kernels[@]}"; do
	t0=$SECONDS
	res=$repo/results/$k
	mkdir -p "$res"
	rm -f "$res/summary"
	scripts/vm.sh --kernel "$k" --results "$res" \
		--timeout "${CHECK_VM_TIMEOUT:-3600}" -- selftests/run.sh "${tests[@]}"
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
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	stage "selftests $k" $((SECONDS - t0)) "$p passed, $f failed, $s skipped (vm.sh exit $rc)"
done

finish
