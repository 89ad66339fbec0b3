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
#   PODNET_KUNIT_TABLE_ONLY  1: build only table.c into podnet; the default
#                            is to do so only when a source file listed in
#                            kmod/Makefile is missing
#   PODNET_KUNIT_KASAN       1: add KASAN (its own build directory)
#   PODNET_KUNIT_TIMEOUT     seconds the tests may run (default 900)
#
# The tree gets drivers/net/podnet (from kmod/) and
# include/uapi/linux/podnet.h (from uapi/); the first build takes minutes,
# later ones reuse <cache>/kunit-build. One kernel build at a time: the
# script takes <cache>/kernel-build.lock. Exit code: kunit.py's.

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${PODNET_CACHE:-/var/cache/podnet}

die() {
	echo "kunit.sh: $*" >&2
	exit 1
}

find_tarball() {
	local t

	t=${PODNET_KERNEL_TARBALL:-}
	if [ -z "$t" ]; then
		t=$(find /usr/src -maxdepth 1 -name 'linux-source-6.12*.tar.xz' |
		    sort -V | tail -n 1)
	fi
	if [ -z "$t" ] || [ ! -f "$t" ]; then
		die "no kernel source tarball (apt-get install linux-source-6.12)"
	fi
	echo "$t"
}

# The version of the package that owns the tarball, else its size and mtime.
tarball_version() {
	local pkg

	pkg=$(dpkg-query -S "$1" 2>/dev/null | head -n 1 | cut -d: -f1) || true
	if [ -n "$pkg" ]; then
		dpkg-query -W -f='${Version}' "$pkg"
	else
		stat -c 'size-%s-mtime-%Y' "$1"
	fi
}

# Unpack the tarball into $cache/src unless the same version is there.
unpack_tree() {
	local tarball=$1 name version stamp tmp

	name=$(basename "$tarball" .tar.xz)
	tree=$cache/src/$name
	stamp=$cache/src/$name.version
	version=$(tarball_version "$tarball")
	if [ -d "$tree" ] && [ -f "$stamp" ] &&
	   [ "$(cat "$stamp")" = "$version" ]; then
		return
	fi
	echo "kunit.sh: unpacking $tarball ($version) into $cache/src"
	mkdir -p "$cache/src"
	tmp=$(mktemp -d "$cache/src/.unpack.XXXXXX")
	tar -C "$tmp" -xJf "$tarball"
	[ -d "$tmp/$name" ] || die "$tarball does not hold $name/"
	rm -rf "$tree" "$stamp" "$cache"/kunit-build*
	mv "$tmp/$name" "$tree"
	rmdir "$tmp"
	echo "$version" >"$stamp"
}

# Copy $1 to $2 only when they differ, so that kbuild sees fresh mtimes
# for changed files and no change otherwise.
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

# The objects of podnet-y in kmod/Makefile.
podnet_objects() {
	make -s --no-print-directory -f - podnet-objects <<EOF
src := $repo/kmod
include $repo/kmod/Makefile
podnet-objects:
	@echo \$(podnet-y)
EOF
}

# Whether every object of the module has its source file.
module_complete() {
	local objs obj

	[ -f "$repo/kmod/Makefile" ] || return 1
	objs=$(podnet_objects 2>/dev/null) || return 1
	[ -n "$objs" ] || return 1
	for obj in $objs; do
		[ -f "$repo/kmod/${obj%.o}.c" ] || return 1
	done
}

# kmod/ -> drivers/net/podnet/, sources and kbuild files only.
sync_module() {
	local dst=$tree/drivers/net/podnet f

	mkdir -p "$dst"
	(cd "$repo/kmod" && find . -type f \( -name '*.[ch]' -o \
		-name Makefile -o -name Kbuild -o -name Kconfig \) \
		! -name '*.mod.c' -print) | sort >"$cache/kunit-files"
	while read -r f; do
		sync_file "$repo/kmod/$f" "$dst/$f"
	done <"$cache/kunit-files"
	# Drop what kmod/ no longer has.
	(cd "$dst" && find . -type f -print) | sort |
		comm -23 - "$cache/kunit-files" | while read -r f; do
			rm -f "$dst/$f"
		done

	if [ "${PODNET_KUNIT_TABLE_ONLY:-0}" = 1 ] || ! module_complete; then
		echo "kunit.sh: building table.c only into podnet"
		write_file "$dst/Makefile" <<'EOF'
# SPDX-License-Identifier: GPL-2.0
# Written by scripts/kunit.sh: table.c only, the module is incomplete.
ccflags-y += -I$(src)/..
obj-$(CONFIG_PODNET) += podnet.o
podnet-y := table.o
obj-$(CONFIG_PODNET_KUNIT_TEST) += tests/
EOF
	fi

	sync_file "$repo/uapi/linux/podnet.h" \
		"$tree/include/uapi/linux/podnet.h"

	if ! grep -qxF 'source "drivers/net/podnet/Kconfig"' \
	     "$tree/drivers/net/Kconfig"; then
		grep -qx 'endif # NET_CORE' "$tree/drivers/net/Kconfig" ||
			die "drivers/net/Kconfig: no 'endif # NET_CORE'"
		sed -i '/^endif # NET_CORE$/i source "drivers/net/podnet/Kconfig"\n' \
			"$tree/drivers/net/Kconfig"
	fi
	# shellcheck disable=SC2016 # a make variable, not a shell one
	if ! grep -qxF 'obj-$(CONFIG_PODNET) += podnet/' \
	     "$tree/drivers/net/Makefile"; then
		# shellcheck disable=SC2016
		echo 'obj-$(CONFIG_PODNET) += podnet/' >>"$tree/drivers/net/Makefile"
	fi
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
	local tarball tree build kunitconfig rc

	command -v python3 >/dev/null || die "python3 is missing"
	mkdir -p "$cache"
	exec 9>"$cache/kernel-build.lock"
	if ! flock -n 9; then
		echo "kunit.sh: waiting for another kernel build to finish"
		flock 9
	fi

	tarball=$(find_tarball)
	unpack_tree "$tarball"
	sync_module

	build=$cache/kunit-build
	kunitconfig=$cache/podnet.kunitconfig
	if [ "${PODNET_KUNIT_KASAN:-0}" = 1 ]; then
		build=$cache/kunit-build-kasan
		kunitconfig=$cache/podnet-kasan.kunitconfig
	fi
	write_kunitconfig "$kunitconfig"

	cd "$tree"
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
