#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-dmesg.sh [--marker TEXT] [--all] DMESGFILE
#
# Fail (exit 1, printing the offending lines) when the kernel log reports a
# problem after the module was loaded. The module prints "podnet: loaded" at
# init; only what follows the first such line is judged (early boot noise is
# not ours). Without the marker in the log, or with --all, the whole log is
# judged. Exit 0 when clean, 2 on usage errors.
set -euo pipefail

marker='podnet: loaded'
all=0
while [ $# -gt 0 ]; do
	case "$1" in
	--marker) marker=${2:?--marker needs an argument}; shift 2 ;;
	--all) all=1; shift ;;
	-h|--help) sed -n '4,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) echo "check-dmesg.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: check-dmesg.sh [--marker TEXT] [--all] DMESGFILE" >&2; exit 2; }
log=$1
[ -r "$log" ] || { echo "check-dmesg.sh: cannot read $log" >&2; exit 2; }

# What a kernel problem report starts with (KASAN, UBSAN, lockdep, RCU,
# kmemleak, WARN_ON, BUG_ON, oops, GPF, panic) and the stack dump they carry;
# and a leaked netdev reference (a device whose deletion never ends).
bad='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|possible circular locking|lockdep|suspicious RCU usage|unreferenced object|Call Trace|kernel BUG|Kernel panic|unregister_netdevice: waiting for'
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

found=$(tr -d '\r' <"$log" | awk -v start="$start" 'NR >= start { printf "%d: %s\n", NR, $0 }' |
	grep -E -- "$bad" | grep -v -E -- "$benign" || true)
if [ -n "$found" ]; then
	echo "check-dmesg.sh: $log: kernel problems reported (judged from line $start):"
	printf '%s\n' "$found"
	exit 1
fi
exit 0
