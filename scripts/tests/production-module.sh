#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/production-module.sh: what scripts/build.sh builds for each kernel
# (build/KVER/podnet.ko, the module make check loads and operators install)
# has no benchmark in it (kmod/bench.c: debugfs files, a table of its own),
# while the development variant (PODNET_BENCH=y, build/KVER/bench/, make
# bench's), built here, has it: the control that shows the check sees the
# benchmark when it is there. TAP.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)

mapfile -t kvers < <("$repo/scripts/kernels.sh")
echo "1..$((${#kvers[@]} * 2))"
n=0
fail=0
point() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}
# syms KO PATTERN: the module's symbols matching PATTERN (awk), one a line
syms() {
	nm "$1" 2>/dev/null | awk -v p="$2" '$3 ~ p { print $3 }'
}
for k in "${kvers[@]}"; do
	ko=$repo/build/$k/podnet.ko
	b=$(syms "$ko" '^podnet_bench_')
	[ -n "$(syms "$ko" '^podnet_xmit$')" ] && [ -z "$b" ]
	point $? "$k: build/$k/podnet.ko has podnet_xmit and no podnet_bench_* (${b//$'\n'/ })"
	PODNET_BENCH=y "$repo/scripts/build.sh" --module-only "$k" > /dev/null 2>&1
	[ -n "$(syms "$repo/build/$k/bench/podnet.ko" '^podnet_bench_')" ]
	point $? "$k: the PODNET_BENCH=y variant (build/$k/bench/) has podnet_bench_*"
done
exit "$fail"
