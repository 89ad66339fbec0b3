#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak-check.sh [--syms FILE] [--since JIFFIES] [--excuses FILE]
#                   KMEMLEAK.txt
#
# Judge a kmemleak report (the content of /sys/kernel/debug/kmemleak after
# "echo scan", as scripts/vm.sh --kmemleak saves it in kmemleak.txt).
#
# Every unreferenced object fails the check (exit 1), whoever allocated it:
# podnet's own objects, and those of the kernel that podnet's code kept
# alive or forgot to release (a dst, an skb: their allocation backtrace
# has no podnet frame; a filter that excused them hid a per-packet dst
# leak here once). The only objects that pass are those an excuse names:
# a line "NAME|REGEX" of --excuses FILE (default scripts/kmemleak-excuses,
# which lists none), REGEX an extended regex matched against the functions
# of the object's allocation backtrace. An excuse is for a leak of the
# kernel that occurs without podnet; its comment in that file must say so
# and give the run that showed it.
#
# The report says which objects podnet allocated (a frame of podnet: a
# symbol listed in --syms FILE, the debug kernel's podnet.syms; a frame of
# the module, "[podnet]"; a function named podnet_*), and with --since
# (the guest's jiffies when the command started) which were allocated
# before the command; both fail alike: podnet's init and the KUnit suites
# run at boot on the debug kernel.
#
# Prints a verdict and every object in full. Exit status: 0 clean (or only
# excused objects), 1 objects that fail, 2 usage errors.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
syms=
since=
excuses=$here/kmemleak-excuses
while [ $# -gt 0 ]; do
	case "$1" in
	--syms) syms=${2:?--syms needs a file}; shift 2 ;;
	--since) since=${2:?--since needs jiffies}; shift 2 ;;
	--excuses) excuses=${2:?--excuses needs a file}; shift 2 ;;
	-h|--help) sed -n '4,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) echo "kmemleak-check.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: kmemleak-check.sh [--syms FILE] [--since JIFFIES] [--excuses FILE] KMEMLEAK.txt" >&2; exit 2; }
report=$1
[ -r "$report" ] || { echo "kmemleak-check.sh: cannot read $report" >&2; exit 2; }
[ -z "$since" ] || [[ "$since" =~ ^-?[0-9]+$ ]] ||
	{ echo "kmemleak-check.sh: bad --since '$since'" >&2; exit 2; }
[ -z "$syms" ] || [ -r "$syms" ] ||
	{ echo "kmemleak-check.sh: cannot read $syms" >&2; exit 2; }
[ -r "$excuses" ] || { echo "kmemleak-check.sh: cannot read $excuses" >&2; exit 2; }

declare -A podsym=()
if [ -n "$syms" ]; then
	while read -r s; do
		[ -z "$s" ] || podsym[$s]=1
	done <"$syms"
fi

# The excuses: NAME|REGEX lines; comments and blank lines are not.
ex_names=()
ex_res=()
while IFS= read -r line; do
	case "$line" in ""|"#"*) continue ;; esac
	if [[ "$line" != *"|"* ]] || [ -z "${line%%|*}" ] || [ -z "${line#*|}" ]; then
		echo "kmemleak-check.sh: $excuses: not NAME|REGEX: $line" >&2
		exit 2
	fi
	ex_names+=("${line%%|*}")
	ex_res+=("${line#*|}")
done <"$excuses"

total=0
n_podnet=0
n_before=0
n_excused=0
failed=0
out_fail=
out_excused=

# One object's lines are in $block, its jiffies in $jif, its frames' function
# names in $funcs (one a line), whether a frame is the module's in $modframe.
flush() {
	local f i is_podnet=0 tag="" excused=""

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
	for i in "${!ex_names[@]}"; do
		grep -qE -- "${ex_res[$i]}" <<<"$funcs" || continue
		excused=${ex_names[$i]}
		break
	done
	if [ -n "$excused" ]; then
		n_excused=$((n_excused + 1))
		out_excused+="(excused: $excused)"$'\n'$block$'\n'
	else
		failed=1
		if [ "$is_podnet" = 1 ]; then
			n_podnet=$((n_podnet + 1))
			tag="allocated by podnet"
		fi
		if [ -n "$since" ] && [ -n "$jif" ] && [ $((jif - since)) -lt 0 ]; then
			n_before=$((n_before + 1))
			tag+="${tag:+, }before the command"
		fi
		out_fail+=${tag:+"($tag)"$'\n'}$block$'\n'
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

n_fail=$((total - n_excused))
summary="kmemleak: $total unreferenced object(s): $n_fail fail ($n_podnet allocated by podnet"
[ -z "$since" ] || summary+=", $n_before from before the command"
summary+="), $n_excused excused"
echo "$summary"
if [ "$n_fail" -gt 0 ]; then
	echo "kmemleak: FAIL: every unreferenced object fails, whoever allocated it; the objects:"
	printf '%s' "$out_fail" | head -n 400
fi
if [ -n "$out_excused" ]; then
	echo "kmemleak: excused (scripts/kmemleak-excuses):"
	printf '%s' "$out_excused" | head -n 100
fi
exit "$failed"
