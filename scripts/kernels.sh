#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the installed kernels that can build and boot the module: those with
# both /boot/vmlinuz-VER and a header tree /lib/modules/VER/build. One version
# a line, sorted by version. Nothing is hard-coded: Debian's ABI names change
# with every security update.
set -euo pipefail

for dir in /lib/modules/*/; do
	[ -d "$dir" ] || continue
	kver=$(basename "$dir")
	[ -f "/boot/vmlinuz-$kver" ] || continue
	[ -f "$dir/build/Makefile" ] || continue
	printf '%s\n' "$kver"
done | sort -V
