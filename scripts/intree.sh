#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# intree.sh: podnet inside a kernel source tree (Debian's linux-source-6.12,
# unpacked in the cache). Shared by scripts/kunit.sh and
# scripts/debug-kernel.sh.
#
#   intree.sh tree      unpack the newest linux-source-6.12 tarball into
#                       <cache>/src/linux-source-6.12 unless that version is
#                       there already; print the tree's path
#   intree.sh version   the same, then print the source's version (that of
#                       the Debian package owning the tarball, else the
#                       tarball's size and mtime); also in <tree>.version
#   intree.sh sync [--standalone|--auto] [--from DIR] TREE
#                       put the work tree's podnet into TREE: kmod/ (or
#                       DIR, a copy of it with the same layout) ->
#                       drivers/net/podnet/, uapi/linux/podnet.h ->
#                       include/uapi/linux/podnet.h, and the source/obj-
#                       lines into drivers/net/{Kconfig,Makefile}.
#                       --standalone (old name --table-only): Makefiles
#                       that build only the files that compile alone,
#                       table.c and encap.c, and their KUnit suites
#                       (podnet_table, podnet_encap; podnet_netlink needs
#                       the whole module); --auto: so only when a source
#                       file listed in kmod/Makefile is missing.
#                       --from DIR: a scratch copy of kmod/ (to build a
#                       modified podnet; the next sync without --from puts
#                       the work tree's back).
#
# Idempotent and incremental: a file is copied only when its content
# differs (so kbuild rebuilds exactly what changed), and files kmod/ no
# longer has are removed from drivers/net/podnet/. The tree is built with
# O=<build dir> only, never in place, so several configurations share it.
#
# Locking: the tree is shared by every kernel build of the cache. intree.sh
# takes <cache>/kernel-build.lock itself, unless its caller holds it and
# says so with PODNET_KERNEL_BUILD_LOCK_HELD=1 (kunit.sh, debug-kernel.sh).
#
# Environment: PODNET_CACHE (default /var/cache/podnet),
# PODNET_KERNEL_TARBALL (default the newest
# /usr/src/linux-source-6.12*.tar.xz).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${PODNET_CACHE:-/var/cache/podnet}

die() {
	echo "intree.sh: $*" >&2
	exit 1
}

usage() {
	echo "usage: intree.sh tree | version | sync [--standalone|--auto] [--from DIR] TREE" >&2
	exit 2
}

lock() {
	[ "${PODNET_KERNEL_BUILD_LOCK_HELD:-0}" != 1 ] || return 0
	mkdir -p "$cache"
	exec 8>"$cache/kernel-build.lock"
	if ! flock -n 8; then
		echo "intree.sh: waiting for another kernel build to finish" >&2
		flock 8
	fi
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

# Unpack the tarball into $cache/src unless the same version is there;
# sets tree.
unpack_tree() {
	local tarball name version stamp tmp

	tarball=$(find_tarball)
	name=$(basename "$tarball" .tar.xz)
	tree=$cache/src/$name
	stamp=$tree.version
	version=$(tarball_version "$tarball")
	if [ -d "$tree" ] && [ -f "$stamp" ] &&
	   [ "$(cat "$stamp")" = "$version" ]; then
		return
	fi
	echo "intree.sh: unpacking $tarball ($version) into $cache/src" >&2
	mkdir -p "$cache/src"
	tmp=$(mktemp -d "$cache/src/.unpack.XXXXXX")
	tar -C "$tmp" -xJf "$tarball"
	[ -d "$tmp/$name" ] || die "$tarball does not hold $name/"
	rm -rf "$tree" "$stamp"
	mv "$tmp/$name" "$tree"
	rmdir "$tmp"
	echo "$version" >"$stamp"
}

# Copy $1 to $2 only when they differ, so that kbuild sees fresh mtimes
# for changed files and no change otherwise.
sync_file() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2.intree-tmp"
		mv -f "$2.intree-tmp" "$2"
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
src := $from
include $from/Makefile
podnet-objects:
	@echo \$(podnet-y)
EOF
}

# Whether every object of the module has its source file.
module_complete() {
	local objs obj

	[ -f "$from/Makefile" ] || return 1
	objs=$(podnet_objects 2>/dev/null) || return 1
	[ -n "$objs" ] || return 1
	for obj in $objs; do
		[ -f "$from/${obj%.o}.c" ] || return 1
	done
}

# $from (kmod/) -> $1/drivers/net/podnet/, sources and kbuild files only.
sync_module() {
	local tree=$1 mode=$2 dst=$1/drivers/net/podnet list f

	[ -f "$tree/drivers/net/Kconfig" ] || die "$tree: not a kernel tree"
	mkdir -p "$dst"
	list=$(mktemp)
	# shellcheck disable=SC2064 # expand now: list is local
	trap "rm -f '$list'" EXIT
	(cd "$from" && find . -type f \( -name '*.[ch]' -o \
		-name Makefile -o -name Kbuild -o -name Kconfig \) \
		! -name '*.mod.c' -print) | LC_ALL=C sort >"$list"
	while read -r f; do
		sync_file "$from/$f" "$dst/$f"
	done <"$list"
	# Drop what kmod/ no longer has.
	(cd "$dst" && find . -type f -print) | LC_ALL=C sort |
		LC_ALL=C comm -23 - "$list" | while read -r f; do
			rm -f "$dst/$f"
		done

	if [ "$mode" = standalone ] || { [ "$mode" = auto ] && ! module_complete; }; then
		echo "intree.sh: building table.c and encap.c only into podnet" \
			"(KUnit suites podnet_table and podnet_encap;" \
			"podnet_netlink needs the whole module)" >&2
		write_file "$dst/Makefile" <<'EOF'
# SPDX-License-Identifier: GPL-2.0
# Written by scripts/intree.sh: the files that build alone (KUnit tests).
ccflags-y += -I$(src)/..
obj-$(CONFIG_PODNET) += podnet.o
podnet-y := table.o encap.o
obj-$(CONFIG_PODNET_KUNIT_TEST) += tests/
EOF
		write_file "$dst/tests/Makefile" <<'EOF'
# SPDX-License-Identifier: GPL-2.0
# Written by scripts/intree.sh: the suites of table.c and encap.c.
ccflags-y += -I$(src)/.. -I$(src)/../..
obj-$(CONFIG_PODNET_KUNIT_TEST) += podnet_kunit.o
podnet_kunit-y := table_kunit.o encap_kunit.o
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
	rm -f "$list"
	trap - EXIT
}

main() {
	local cmd=${1:-} mode=full
	from=$repo/kmod

	[ $# -gt 0 ] || usage
	shift
	case "$cmd" in
	tree|version)
		[ $# -eq 0 ] || usage
		lock
		unpack_tree
		if [ "$cmd" = tree ]; then
			echo "$tree"
		else
			cat "$tree.version"
		fi
		;;
	sync)
		while [ $# -gt 1 ]; do
			case "$1" in
			--standalone|--table-only) mode=standalone; shift ;;
			--auto) mode=auto; shift ;;
			--from) from=$(cd "${2:?--from needs a directory}" && pwd -P); shift 2 ;;
			*) break ;;
			esac
		done
		[ $# -eq 1 ] || usage
		lock
		sync_module "$1" "$mode"
		;;
	-h|--help)
		sed -n '4,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"
		;;
	*) usage ;;
	esac
}

main "$@"
