#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/kmemleak-check.sh: scripts/kmemleak-check.sh's verdict on kmemleak
# reports made up object by object (TAP). Every unreferenced object fails,
# podnet's or the kernel's (a dst that podnet's transmit kept), before the
# command or during it; only one an excuse file names passes.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
check=$here/../kmemleak-check.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# obj JIFFIES FRAME...: one object of a report
obj() {
	local j=$1 f

	shift
	printf 'unreferenced object 0xffff888006ce6800 (size 176):\n'
	printf '  comm "softirq", pid 0, jiffies %s\n' "$j"
	printf '  hex dump (first 32 bytes):\n    00 20 55 06 80 88 ff ff\n'
	printf '  backtrace (crc 6e35ded8):\n'
	for f in "$@"; do
		printf '    %s\n' "$f"
	done
}
dst=(kmemleak_alloc+0x24/0x30 kmem_cache_alloc_noprof+0x219/0x2f0
     dst_alloc+0x7f/0x5a0 rt_dst_alloc+0x2f/0x390 ip_route_input_slow+0xcb5/0x2ec0)
: > "$tmp/none"
obj 5000 "${dst[@]}" > "$tmp/dst"
obj 5000 kmemleak_alloc+0x24/0x30 __kmalloc_noprof+0x1/0x2 \
	podnet_peer_create+0x30/0x200 > "$tmp/podnet"
obj 5000 kmemleak_alloc+0x24/0x30 __kmalloc_noprof+0x1/0x2 \
	'0xffffffffc0a01234 [podnet]' > "$tmp/module"
obj 10 "${dst[@]}" > "$tmp/early"
{ obj 5000 "${dst[@]}"; obj 5000 kmemleak_alloc+0x24/0x30 p9_client_rpc+0x1/0x2; } > "$tmp/two"
printf '# a comment\n\nroute input dst|^ip_route_input_slow$\n' > "$tmp/excuse-dst"
printf 'no regex here\n' > "$tmp/excuse-bad"
: > "$tmp/excuse-none"

# name|expected exit|report|excuses file
cases=(
	"an empty report|0|none|excuse-none"
	"a dst the kernel allocated, no podnet frame (the dst leak)|1|dst|excuse-none"
	"an object podnet allocated (podnet_* frame)|1|podnet|excuse-none"
	"an object of the podnet module ([podnet] frame)|1|module|excuse-none"
	"an object allocated before the command|1|early|excuse-none"
	"the dst, with an excuse that names it|0|dst|excuse-dst"
	"the dst excused, another object not|1|two|excuse-dst"
	"an excuse file with a line that is not a name and a regex|2|dst|excuse-bad"
)
echo "1..$((${#cases[@]} + 1))"
n=0
fail=0
for c in "${cases[@]}"; do
	IFS='|' read -r name want rep exc <<<"$c"
	n=$((n + 1))
	"$check" --since 1000 --excuses "$tmp/$exc" "$tmp/$rep" > "$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		echo "ok $n - $name: exit $rc"
	else
		echo "not ok $n - $name: exit $rc, want $want"
		sed 's/^/# /' "$tmp/out" | head -n 5
		fail=1
	fi
done
# the project's excuse file exists, and excuses nothing
n=$((n + 1))
if "$check" "$tmp/dst" > /dev/null 2>&1; then
	echo "not ok $n - scripts/kmemleak-excuses excuses the dst"
	fail=1
else
	echo "ok $n - scripts/kmemleak-excuses (the default) excuses nothing: the dst fails"
fi
exit "$fail"
