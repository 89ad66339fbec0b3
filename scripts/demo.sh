#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: what "make demo" runs. Builds the module, podnetctl and
# podnetd, boots the newest installed Debian kernel in qemu and runs
# scripts/demo-guest.sh there: an etcd cluster, podnetd on three nodes,
# pods made by the CNI plugins pinging across nodes, a fourth node joining,
# podnetctl show, the leases, and a packet from the underlay, decoded.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$repo"

kver=${DEMO_KERNEL:-$(scripts/kernels.sh | tail -n 1)}
if [ -z "$kver" ]; then
	echo "demo: no Debian kernel with headers installed (run scripts/deps.sh)" >&2
	exit 1
fi
scripts/build.sh "$kver"
echo "demo: booting $kver in qemu (software emulation: about two minutes)"
exec scripts/vm.sh --kernel "$kver" --results "results/demo-$kver" -v -- \
	scripts/demo-guest.sh
