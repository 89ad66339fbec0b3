#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-dmesg.sh [--marker TEXT] [--all] [--extra REGEX] DMESGFILE
#
# Fail (exit 1, printing the offending lines) when the kernel log reports a
# problem after the module was loaded. The module prints "podnet: loaded" at
# init; only what follows the first such line is judged (early boot noise is
# not ours). Without the marker in the log, or with --all, the whole log is
# judged. --extra: lines matching REGEX (an extended regular expression)
# are problems too. Exit 0 when clean, 2 on usage errors.
set -euo pipefail

marker='podnet: loaded'
all=0
extra=
while [ $# -gt 0 ]; do
	case "$1" in
	--marker) marker=${2:?--marker needs an argument}; shift 2 ;;
	--all) all=1; shift ;;
	--extra) extra=${2:?--extra needs an argument}; shift 2 ;;
	-h|--help) sed -n '4,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) echo "check-dmesg.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: check-dmesg.sh [--marker TEXT] [--all] [--extra REGEX] DMESGFILE" >&2; exit 2; }
log=$1
[ -r "$log" ] || { echo "check-dmesg.sh: cannot read $log" >&2; exit 2; }

# What a kernel problem report starts with (KASAN, UBSAN, lockdep, RCU,
# kmemleak, WARN_ON, BUG_ON, oops, GPF, panic) and the stack dump they carry;
# and a leaked netdev reference (a device whose deletion never ends).
bad='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|possible circular locking|lockdep|suspicious RCU usage|unreferenced object|Call Trace|kernel BUG|Kernel panic|unregister_netdevice: waiting for'
bad+=${extra:+|$extra}
# An unsigned out-of-tree module taints the kernel when it loads: expected.
benign='loading out-of-tree module taints kernel|module verification failed'

start=1
if [ "$all" -eq 0 ]; then
	first=$(grep -n -F -m1 -- "$marker" "$log" | cut -d: -f1 || true)
	if [ -n "$first" ]; then
		start=$first
	else
		echo "check-dmesg.sh: no '$marker' line in $log: checking the whole log" >&2
	fi
fi

# one process (the selftests judge the log after each script)
# shellcheck disable=SC2016 # awk's $0
found=$(awk -v start="$start" -v bad="$bad" -v benign="$benign" '
	{ gsub(/\r/, "") }
	NR >= start && $0 ~ bad && $0 !~ benign { printf "%d: %s\n", NR, $0 }' "$log")
if [ -n "$found" ]; then
	echo "check-dmesg.sh: $log: kernel problems reported (judged from line $start):"
	printf '%s\n' "$found"
	exit 1
fi
exit 0
