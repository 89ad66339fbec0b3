#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run podnet's KUnit tests under UML with the kernel's kunit.py, in a copy
# of Debian's linux-source tree kept in the cache directory.
#
# Usage: scripts/kunit.sh [kunit.py run options, e.g. a filter 'podnet_table.*']
#
# Environment:
#   PODNET_CACHE             cache directory (default /var/cache/podnet)
#   PODNET_KERNEL_TARBALL    kernel source (default the newest
#                            /usr/src/linux-source-6.12*.tar.xz)
#   PODNET_KUNIT_STANDALONE  1: build only table.c and encap.c into podnet,
#                            and only their suites (podnet_table,
#                            podnet_encap): for when the rest of the module
#                            does not compile; the default is to do so only
#                            when a source file listed in kmod/Makefile is
#                            missing. PODNET_KUNIT_TABLE_ONLY is its old name.
#   PODNET_KUNIT_SRC         a scratch copy of kmod/ to build instead of the
#                            work tree's (e.g. a bug injected on purpose, to
#                            see a suite catch it); the next run without it
#                            puts the work tree's back
#   PODNET_KUNIT_KASAN       1: add KASAN (its own build directory)
#   PODNET_KUNIT_TIMEOUT     seconds the tests may run (default 900)
#
# The tree gets drivers/net/podnet (from kmod/) and
# include/uapi/linux/podnet.h (from uapi/), by scripts/intree.sh, which
# also unpacks the tarball into <cache>/src; the first build takes minutes,
# later ones reuse <cache>/kunit-build. One kernel build at a time: the
# script takes <cache>/kernel-build.lock. Exit code: kunit.py's.

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${PODNET_CACHE:-/var/cache/podnet}

die() {
	echo "kunit.sh: $*" >&2
	exit 1
}

# Copy $1 to $2 only when they differ (kbuild then sees no change).
sync_file() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2"
	fi
}

# Write stdin to $1 only when it differs.
write_file() {
	local tmp

	tmp=$(mktemp)
	cat >"$tmp"
	sync_file "$tmp" "$1"
	rm -f "$tmp"
}

# A build directory made from another source version is stale: remove it.
# (One without a stamp predates the stamp; the unpacking used to remove
# such directories on a version change, so it matches the tree.)
check_build_dir() {
	local build=$1 version=$2

	if [ -d "$build" ] && [ -f "$build/.podnet-source-version" ] &&
	   [ "$(cat "$build/.podnet-source-version")" != "$version" ]; then
		echo "kunit.sh: $build is from another kernel source: removing it"
		rm -rf "$build"
	fi
	mkdir -p "$build"
	echo "$version" >"$build/.podnet-source-version"
}

write_kunitconfig() {
	{
		cat <<'EOF'
CONFIG_KUNIT=y
CONFIG_NET=y
CONFIG_INET=y
CONFIG_IPV6=y
CONFIG_NETDEVICES=y
CONFIG_NET_CORE=y
CONFIG_PODNET=y
CONFIG_PODNET_KUNIT_TEST=y
CONFIG_DEBUG_KERNEL=y
CONFIG_PROVE_LOCKING=y
CONFIG_PROVE_RCU=y
CONFIG_DEBUG_LIST=y
EOF
		if [ "${PODNET_KUNIT_KASAN:-0}" = 1 ]; then
			echo CONFIG_KASAN=y
			echo CONFIG_KASAN_VMALLOC=y
		fi
	} | write_file "$1"
}

main() {
	local tree version syncargs build kunitconfig rc

	command -v python3 >/dev/null || die "python3 is missing"
	mkdir -p "$cache"
	exec 9>"$cache/kernel-build.lock"
	if ! flock -n 9; then
		echo "kunit.sh: waiting for another kernel build to finish"
		flock 9
	fi

	export PODNET_KERNEL_BUILD_LOCK_HELD=1
	tree=$("$repo/scripts/intree.sh" tree)
	version=$("$repo/scripts/intree.sh" version)
	syncargs=(--auto)
	if [ "${PODNET_KUNIT_STANDALONE:-0}" = 1 ] ||
	   [ "${PODNET_KUNIT_TABLE_ONLY:-0}" = 1 ]; then
		syncargs=(--standalone)
	fi
	[ -z "${PODNET_KUNIT_SRC:-}" ] ||
		syncargs+=(--from "$PODNET_KUNIT_SRC")
	"$repo/scripts/intree.sh" sync "${syncargs[@]}" "$tree"

	build=$cache/kunit-build
	kunitconfig=$cache/podnet.kunitconfig
	if [ "${PODNET_KUNIT_KASAN:-0}" = 1 ]; then
		build=$cache/kunit-build-kasan
		kunitconfig=$cache/podnet-kasan.kunitconfig
	fi
	check_build_dir "$build" "$version"
	write_kunitconfig "$kunitconfig"

	cd "$tree"
	# A failed build must not show the results of an earlier run.
	rm -f "$build/test.log"
	rc=0
	python3 tools/testing/kunit/kunit.py run \
		--build_dir="$build" --kunitconfig="$kunitconfig" --jobs=2 \
		--timeout="${PODNET_KUNIT_TIMEOUT:-900}" "$@" || rc=$?

	if [ -f "$build/test.log" ]; then
		echo "== KTAP, from $build/test.log"
		python3 tools/testing/kunit/kunit.py parse --raw_output=kunit \
			"$build/test.log" || true
	fi
	return "$rc"
}

main "$@"
