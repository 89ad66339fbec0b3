#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: what "make demo" runs. Builds the module and podnetctl, boots the
# newest installed Debian kernel in qemu and runs scripts/demo-guest.sh
# there: a three-node overlay, pods pinging across nodes, podnetctl show and
# a packet from the underlay, decoded.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$repo"

kver=${DEMO_KERNEL:-$(scripts/kernels.sh | tail -n 1)}
if [ -z "$kver" ]; then
	echo "demo: no Debian kernel with headers installed (run scripts/deps.sh)" >&2
	exit 1
fi
scripts/build.sh "$kver"
echo "demo: booting $kver in qemu (software emulation: about a minute)"
exec scripts/vm.sh --kernel "$kver" --results "results/demo-$kver" -v -- \
	scripts/demo-guest.sh
