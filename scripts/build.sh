#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh [--module-only] [KVER...]
#
# Build the module against each kernel's header tree (default: every kernel
# scripts/kernels.sh lists), then the userspace tools (make -C userspace).
#
# An out-of-tree build writes its objects next to the sources, so each kernel
# gets its own copy of the work tree: build/KVER/src (tracked and untracked,
# not ignored files: git ls-files -co --exclude-standard). The modules end up
# in build/KVER/ (build/KVER/podnet.ko; the selftests' NIC fixture
# selftests/nicsim, not part of podnet, in build/KVER/podnet_nicsim.ko),
# the make output in build/KVER/build.log.
#
# W=1 always; SPARSE=1 adds C=2 (sparse on every file). Any compiler or sparse
# warning in our files, and any modpost warning, fails the build.
#
# PODNET_BENCH=y builds the development variant with the table benchmark
# (kmod/bench.c, debugfs) instead, into build/KVER/bench/ (what make bench
# loads); the production module never has it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/.." && pwd -P)

userspace=1
case "${1-}" in
--module-only) userspace=0; shift ;;
-h|--help) sed -n '4,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
-*) echo "usage: build.sh [--module-only] [KVER...]" >&2; exit 2 ;;
esac

kvers=("$@")
if [ ${#kvers[@]} -eq 0 ]; then
	mapfile -t kvers < <("$here/kernels.sh")
	[ ${#kvers[@]} -gt 0 ] || { echo "build.sh: no kernel with headers installed (scripts/deps.sh)" >&2; exit 1; }
fi

[ -f "$repo/Kbuild" ] || { echo "build.sh: no $repo/Kbuild" >&2; exit 1; }

# The files of the work tree, NUL-separated, relative to it: what git would
# commit (tracked + untracked, minus ignored), or everything but build
# products when this is not a git checkout.
list_sources() {
	local f
	if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$repo" ls-files -z -co --exclude-standard
	else
		(cd "$repo" && find . \( -name .git -o -path ./build -o -path ./results \) -prune -o \
			-type f ! -name '*.o' ! -name '*.ko' ! -name '*.mod*' ! -name '.*.cmd' -print0)
	fi | while IFS= read -r -d '' f; do
		case "${f#./}" in build/*|results/*) continue ;; esac
		[ -e "$repo/$f" ] && printf '%s\0' "${f#./}"
	done
}

# Warnings that concern us in a make log: diagnostics about a file of our
# copy SRC (absolute, or relative and present there), and modpost's.
our_warnings() {
	local log=$1 src=$2 line file
	{ grep -E ': (warning|error):|^WARNING: ' "$log" || true; } | while IFS= read -r line; do
		case "$line" in
		"WARNING: modpost: "*) printf '%s\n' "$line"; continue ;;
		WARNING:*) continue ;;
		esac
		file=${line%%:*}
		case "$file" in
		"$src"/*) ;;
		/*) continue ;;
		*) [ -f "$src/$file" ] || continue ;;
		esac
		printf '%s\n' "$line"
	done
}

make_args=(W=1)
[ "${SPARSE:-0}" != 1 ] || make_args+=(C=2)
variant=
if [ "${PODNET_BENCH:-}" = y ]; then
	make_args+=(PODNET_BENCH=y)
	variant=/bench
fi

# build_one KVER: the module for one kernel, into build/KVER/.
build_one() {
	local kver=$1 kdir=/lib/modules/$1/build out=$repo/build/$1$variant src warnings m mods=()
	src=$out/src
	[ -f "$kdir/Makefile" ] || { echo "build.sh: $kver: no header tree $kdir" >&2; return 1; }
	mkdir -p "$out"
	rm -rf "$src"
	rm -f "$out"/*.ko "$out/build.log"
	mkdir -p "$src"
	list_sources | (cd "$repo" && cpio -0pdm --quiet "$src")

	echo "build.sh: $kver: make -C $kdir M=$src ${make_args[*]} modules" >&2
	if ! make -C "$kdir" M="$src" "${make_args[@]}" -j"$(nproc)" modules >"$out/build.log" 2>&1; then
		cat "$out/build.log" >&2
		echo "build.sh: $kver: build failed (log: $out/build.log)" >&2
		return 1
	fi
	# The selftests' NIC fixture (selftests/nicsim), not part of podnet
	if [ -z "$variant" ] &&
	   ! make -C "$kdir" M="$src/selftests/nicsim" "${make_args[@]}" modules \
		>>"$out/build.log" 2>&1; then
		cat "$out/build.log" >&2
		echo "build.sh: $kver: selftests/nicsim failed (log: $out/build.log)" >&2
		return 1
	fi
	warnings=$(our_warnings "$out/build.log" "$src")
	if [ -n "$warnings" ]; then
		cat "$out/build.log" >&2
		printf 'build.sh: %s: warnings in our code:\n%s\n' "$kver" "$warnings" >&2
		return 1
	fi

	# modules.order names every module built: kmod/podnet.o, or on 6.1
	# $src/kmod/podnet.ko.
	while read -r m; do
		m=${m%.o}
		m=${m%.ko}
		mods+=("$src/${m#"$src"/}")
	done <"$src/modules.order"
	[ ${#mods[@]} -gt 0 ] || { echo "build.sh: $kver: no module built" >&2; return 1; }
	[ -n "$variant" ] || mods+=("$src/selftests/nicsim/podnet_nicsim")
	for m in "${mods[@]}"; do
		# Atomically: a VM may be loading the previous one.
		cp "$m.ko" "$out/.new.ko"
		mv -f "$out/.new.ko" "$out/$(basename "$m").ko"
		echo "build.sh: $kver: ${out#"$repo"/}/$(basename "$m").ko" >&2
	done
}

# Every kernel, even after a failure: all the verdicts at once.
failed=()
for kver in "${kvers[@]}"; do
	mkdir -p "$repo/build/$kver"
	# One build per kernel at a time: the work tree may be shared.
	exec 8>"$repo/build/$kver/.lock"
	flock 8
	build_one "$kver" || failed+=("$kver")
	exec 8>&-
done

if [ "$userspace" = 1 ]; then
	if [ -f "$repo/userspace/Makefile" ]; then
		make -C "$repo/userspace" || failed+=(userspace)
	else
		echo "build.sh: no userspace/Makefile yet, userspace skipped" >&2
	fi
fi

if [ ${#failed[@]} -gt 0 ]; then
	echo "build.sh: FAILED: ${failed[*]}" >&2
	exit 1
fi
