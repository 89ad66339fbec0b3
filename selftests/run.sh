#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [TEST.sh...]: run the podnet selftests (default: all, in order) in
# the VM, kselftest runner style: one TAP stream over the scripts, each
# script's own output indented as "# ..." lines, a per-test timeout from
# ./settings (timeout=SECONDS; 0 = none; PODNET_TEST_TIMEOUT overrides it,
# e.g. for a slow debug kernel), and the kernel log judged after
# every script (a problem fails that script).
#
# At the end, "$RESULTS/summary" (RESULTS, else PODNET_RESULTS as vm.sh sets
# it, else /tmp) holds the counts over all the scripts' test points, one
# "key=value" a line:
#	passed=N failed=N skipped=N scripts=N scripts_failed=N seconds=N
# followed by one line per script:
#	script=NAME rc=N passed=N failed=N skipped=N seconds=N
# Each script's output is kept as "$RESULTS/NAME.tap".
# A script that dies, times out or misses points of its plan counts the
# missing points (at least one) as failed.
#
# With PODNET_CLAIM_DIR set (a directory on a share several VMs see, as
# scripts/check.sh gives its two debug kernel VMs), a script runs only in
# the VM whose "mkdir PODNET_CLAIM_DIR/NAME" succeeds first: the VMs share
# the list and each leaves out what another took. The plan then comes last.
#
# Exit status: 0 all passed, 1 something failed, 4 nothing failed but
# something was skipped.

set -u
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$DIR/lib.sh"

# Longest first (on the debug kernel), so that VMs sharing the list
# (PODNET_CLAIM_DIR) end at about the same time
TESTS=(podnetd_etcd.sh routes.sh teardown.sh podnetd_kube.sh pmtu.sh ipv6.sh sync.sh modes.sh formats.sh connectivity.sh device.sh rx_checks.sh counters.sh leak.sh link.sh perms.sh gro.sh wire.sh events.sh interop.sh)
[ $# -eq 0 ] || TESTS=("$@")
RESULTS=${RESULTS:-${PODNET_RESULTS:-/tmp}}
mkdir -p "$RESULTS"
TIMEOUT=$(sed -n 's/^timeout=\([0-9]*\)$/\1/p' "$DIR/settings" 2>/dev/null)
TIMEOUT=${PODNET_TEST_TIMEOUT:-${TIMEOUT:-300}}

total_pass=0
total_fail=0
total_skip=0
scripts_failed=0
t_start=$SECONDS
per_script=()

echo "TAP version 13"
claims=${PODNET_CLAIM_DIR:-}
[ -n "$claims" ] || echo "1..${#TESTS[@]}"
echo "# timeout set to $TIMEOUT"
echo "# kernel $(uname -r)"

# Load the module once (teardown.sh unloads and reloads it); scripts that
# cannot load it skip and say why.
if ! err=$(podnet_load 2>&1); then
	echo "# podnet_load: $err"
fi

num=0
for t in "${TESTS[@]}"; do
	name=$(basename "$t")
	if [ -n "$claims" ] && ! mkdir "$claims/$name" 2> /dev/null; then
		echo "# $name: taken by another VM"
		continue
	fi
	num=$((num + 1))
	log=$RESULTS/$name.tap
	echo "# selftests: podnet: $name"
	dmesg_mark "run.sh $name"
	t0=$SECONDS
	if [ "$TIMEOUT" -gt 0 ]; then
		timeout -k 10 "$TIMEOUT" "$DIR/$name" > "$log" 2>&1 < /dev/null
	else
		"$DIR/$name" > "$log" 2>&1 < /dev/null
	fi
	rc=$?
	secs=$((SECONDS - t0))
	# the script's output as "# " lines, then its counts: one process
	# (each costs some 0.1 s on the debug kernel)
	out=$(awk '{ print "# " $0 }
		/^ok [0-9]+/ { if (/# SKIP/) s++; else p++ }
		/^not ok [0-9]+/ { f++ }
		plan == "" && /^1\.\.[0-9]+/ { plan = substr($1, 4) + 0 }
		END { print "counts", p + 0, s + 0, f + 0, plan }' "$log")
	read -r _ pass skip fail plan <<< "${out##*$'\n'}"
	[[ $out != *$'\n'* ]] || printf '%s\n' "${out%$'\n'*}"
	seen=$((pass + fail + skip))
	if [ -n "$plan" ] && [ "$seen" -lt "$plan" ]; then
		echo "# $name: $((plan - seen)) of $plan test points missing"
		fail=$((fail + plan - seen))
	fi
	note=
	case $rc in
	0) ;;
	4) [ "$fail" -gt 0 ] || note=" # SKIP" ;;
	124|137) note=" # TIMEOUT $TIMEOUT seconds" ;;
	*) note=" # exit=$rc" ;;
	esac
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ] && [ "$fail" -eq 0 ]; then
		fail=1
	fi

	dmesg_since_mark "$RESULTS/$name.dmesg"
	if ! dmesg_clean "$RESULTS/$name.dmesg" > "$RESULTS/$name.dmesg-check" 2>&1; then
		echo "# $name: the kernel log reports a problem:"
		sed 's/^/#   /' "$RESULTS/$name.dmesg-check" | head -n 60
		fail=$((fail + 1))
		note=" # kernel log"
	fi

	if [ "$fail" -gt 0 ]; then
		echo "not ok $num selftests: podnet: $name$note"
		scripts_failed=$((scripts_failed + 1))
	else
		echo "ok $num selftests: podnet: $name$note"
	fi
	echo "# $name: $pass passed, $fail failed, $skip skipped, $secs s"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	per_script+=("script=$name rc=$rc passed=$pass failed=$fail skipped=$skip seconds=$secs")
done

secs=$((SECONDS - t_start))
{
	echo "passed=$total_pass"
	echo "failed=$total_fail"
	echo "skipped=$total_skip"
	echo "scripts=$num"
	echo "scripts_failed=$scripts_failed"
	echo "seconds=$secs"
	printf '%s\n' "${per_script[@]}"
} > "$RESULTS/summary"
[ -z "$claims" ] || echo "1..$num"
echo "# Totals: pass:$total_pass fail:$total_fail skip:$total_skip ($secs s)"

[ "$total_fail" -eq 0 ] || exit 1
[ "$total_skip" -eq 0 ] || exit 4
exit 0
