#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak-check.sh [--syms FILE] [--since JIFFIES] [--strict]
#                   [--ignore REGEX] KMEMLEAK.txt
#
# Judge a kmemleak report (the content of /sys/kernel/debug/kmemleak after
# "echo scan", as scripts/vm.sh --kmemleak saves it in kmemleak.txt).
#
# An unreferenced object is podnet's when a frame of its allocation
# backtrace is a function of podnet: a symbol listed in --syms FILE (the
# debug kernel's podnet.syms: every symbol of podnet's objects, built in),
# a frame of the module ("[podnet]"), or a function named podnet_*.
# Those fail the check (exit 1), wherever and whenever they were allocated:
# built in, podnet's init and KUnit tests run at boot.
#
# Every other object is listed too, and counted as "during the command"
# when its allocation jiffies are not before --since (the guest's jiffies
# when the command started; unsigned, or signed as sched/debug prints
# them: the comparison is modulo 2^64). A leak of an object podnet did not
# allocate (an skb it forgot to free, allocated by the driver below it) has
# no podnet frame: --strict fails on every object allocated during the
# command too, except those with a frame matching --ignore REGEX (an
# extended regex, e.g. 'p9_|v9fs_' for the 9p file system the guest runs
# on). Without --strict they are only reported.
#
# Prints a verdict and the podnet objects (the others with --strict) in
# full. Exit status: 0 clean, 1 leaks that fail the check, 2 usage errors.
set -euo pipefail

syms=
since=
strict=0
ignore=
while [ $# -gt 0 ]; do
	case "$1" in
	--syms) syms=${2:?--syms needs a file}; shift 2 ;;
	--since) since=${2:?--since needs jiffies}; shift 2 ;;
	--strict) strict=1; shift ;;
	--ignore) ignore=${2:?--ignore needs a regex}; shift 2 ;;
	-h|--help) sed -n '4,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) echo "kmemleak-check.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: kmemleak-check.sh [--syms FILE] [--since JIFFIES] [--strict] [--ignore REGEX] KMEMLEAK.txt" >&2; exit 2; }
report=$1
[ -r "$report" ] || { echo "kmemleak-check.sh: cannot read $report" >&2; exit 2; }
[ -z "$since" ] || [[ "$since" =~ ^-?[0-9]+$ ]] ||
	{ echo "kmemleak-check.sh: bad --since '$since'" >&2; exit 2; }
[ -z "$syms" ] || [ -r "$syms" ] ||
	{ echo "kmemleak-check.sh: cannot read $syms" >&2; exit 2; }

declare -A podsym=()
if [ -n "$syms" ]; then
	while read -r s; do
		[ -z "$s" ] || podsym[$s]=1
	done <"$syms"
fi

total=0
n_podnet=0
n_during=0
n_ignored=0
n_other=0
failed=0
out_podnet=
out_other=

# One object's lines are in $block, its jiffies in $jif, its frames' function
# names in $funcs (one a line), whether a frame is the module's in $modframe.
flush() {
	local f is_podnet=0 during=0

	[ -n "$block" ] || return 0
	total=$((total + 1))
	[ "$modframe" = 0 ] || is_podnet=1
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		if [[ "$f" == podnet_* ]] || [ -n "${podsym[$f]:-}" ]; then
			is_podnet=1
			break
		fi
	done <<<"$funcs"
	if [ -n "$since" ] && [ -n "$jif" ] && [ $((jif - since)) -ge 0 ]; then
		during=1
	fi
	if [ "$is_podnet" = 1 ]; then
		n_podnet=$((n_podnet + 1))
		failed=1
		out_podnet+=$block$'\n'
	elif [ "$during" = 1 ] && [ -n "$ignore" ] &&
	     grep -qE -- "$ignore" <<<"$funcs"; then
		n_ignored=$((n_ignored + 1))
	elif [ "$during" = 1 ]; then
		n_during=$((n_during + 1))
		[ "$strict" = 0 ] || failed=1
		out_other+=$block$'\n'
	else
		n_other=$((n_other + 1))
		out_other+=$block$'\n'
	fi
	block=
	funcs=
	jif=
	modframe=0
}

block=
funcs=
jif=
modframe=0
inbt=0
while IFS= read -r line; do
	line=${line%$'\r'}
	case "$line" in
	"unreferenced object "*)
		flush
		block=$line
		inbt=0
		continue
		;;
	esac
	[ -n "$block" ] || continue
	block+=$'\n'$line
	case "$line" in
	*"comm \""*", jiffies "*)
		jif=${line##*jiffies }
		jif=${jif%%[!0-9]*}
		;;
	"  backtrace"*) inbt=1 ;;
	"    "*)
		if [ "$inbt" = 1 ]; then
			f=${line#"${line%%[! ]*}"}
			f=${f#\[<*>\] }
			[[ "$f" != *"[podnet]"* ]] || modframe=1
			f=${f%%+*}
			f=${f%% *}
			funcs+=$f$'\n'
		fi
		;;
	esac
done <"$report"
flush

summary="kmemleak: $total unreferenced object(s): $n_podnet allocated by podnet"
if [ -n "$since" ]; then
	summary+=", $n_during other(s) allocated while the command ran"
	[ -z "$ignore" ] || summary+=" (+$n_ignored ignored)"
	summary+=", $n_other other(s) from before it"
else
	summary+=", $((n_during + n_other)) other(s)"
fi
echo "$summary"
if [ "$n_podnet" -gt 0 ]; then
	echo "kmemleak: FAIL: podnet leaks memory; the objects:"
	printf '%s' "$out_podnet"
fi
if [ "$strict" = 1 ] && [ "$n_during" -gt 0 ]; then
	echo "kmemleak: FAIL (--strict): objects allocated while the command ran:"
fi
if [ -n "$out_other" ]; then
	[ "$strict" = 1 ] && [ "$n_during" -gt 0 ] ||
		echo "kmemleak: not podnet's (not judged):"
	printf '%s' "$out_other" | head -n 200
fi
exit "$failed"
