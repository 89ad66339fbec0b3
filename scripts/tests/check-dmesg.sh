#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/check-dmesg.sh: scripts/check-dmesg.sh's verdict on kernel logs
# made up line by line (TAP): each kind of report after "podnet: loaded"
# fails the log, a clean or benign log passes, a report before the marker
# is not ours; --extra REGEX adds problems of the caller's.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name|expected exit status|--extra's REGEX (none when empty)|log lines
# after the marker (\n between lines)
cases=(
	"clean log|0||podnet: podnet0 created"
	"out-of-tree taint|0||podnet: loading out-of-tree module taints kernel."
	"KASAN|1||BUG: KASAN: slab-use-after-free in podnet_peer_remove+0x1a/0x40"
	"WARNING|1||WARNING: CPU: 1 PID: 42 at kmod/device.c:100 podnet_xmit+0x10/0x20"
	"lockdep|1||WARNING: possible circular locking dependency detected"
	"RCU|1||WARNING: suspicious RCU usage"
	"oops|1||Oops: general protection fault, probably for non-canonical address"
	"kmemleak|1||unreferenced object 0xffff888003c2a000 (size 64):"
	"leaked netdev reference|1||unregister_netdevice: waiting for pn0 to become free. Usage count = 2"
	"report before the marker|0||"
	"--extra: a pattern of its own|1|list_add corruption|list_add corruption. prev->next should be next"
	"the same line without --extra|0||list_add corruption. prev->next should be next"
)
echo "1..${#cases[@]}"
n=0
fail=0
for c in "${cases[@]}"; do
	n=$((n + 1))
	name=${c%%|*}
	rest=${c#*|}
	want=${rest%%|*}
	rest=${rest#*|}
	extra=${rest%%|*}
	log=$tmp/dmesg.$n
	{
		echo "[    0.5] early boot"
		[ "$name" != "report before the marker" ] ||
			echo "[    0.9] WARNING: CPU: 0 PID: 1 at init/main.c:1 boot_thing"
		echo "[    1.0] podnet: loaded"
		printf '[    2.0] %b\n' "${rest#*|}"
	} >"$log"
	"$here/../check-dmesg.sh" ${extra:+--extra "$extra"} "$log" >"$tmp/out" 2>&1
	got=$?
	if [ "$got" -eq "$want" ]; then
		echo "ok $n - $name: exit $got"
	else
		echo "not ok $n - $name: exit $got, expected $want"
		sed 's/^/# /' "$tmp/out"
		fail=1
	fi
done
exit $fail
