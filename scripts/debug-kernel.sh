#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh [-v] [-j N] [--no-m-check] [--podnet-src DIR --variant NAME]
#
# Build podnet's debug kernel: x86_64, from Debian's linux-source-6.12
# (unpacked in the cache by scripts/intree.sh), configured from allnoconfig
# plus scripts/debug-kernel.config (merge_config.sh, then olddefconfig):
# KASAN, lockdep, PROVE_RCU, kmemleak, DEBUG_NET, KUnit, and podnet built in
# (CONFIG_PODNET=y, CONFIG_PODNET_KUNIT_TEST=y: the KUnit suite runs at boot
# and its KTAP goes to the kernel log). Boot it with
#	scripts/vm.sh --bzimage "$(scripts/debug-kernel.sh)" -- COMMAND
#
# The build directory is <cache>/debug-kernel/KEY, KEY = the kernel source's
# version and a hash of the fragment's settings: it is reused (an
# incremental build: seconds to a minute when only podnet changed) until
# either changes (a full build: 20 minutes on 2 busy cores, 1.5 minutes
# when ccache, if installed, has the objects). The last line on stdout is the path of the bzImage,
# KEY/bzImage: a copy of KEY/arch/x86/boot/bzImage replaced atomically
# after each successful build (kbuild rewrites its own in place, under a
# guest that might be booting it); <cache>/debug-kernel/current is a
# symlink to it. KEY/podnet.syms, next to it, lists the functions of
# podnet's objects (scripts/vm.sh gives them to the kmemleak check). Build
# output goes to KEY/build.log. The selftests' NIC fixture
# (selftests/nicsim) is built against it into build/KRELEASE/ of the work
# tree.
#
# After the build, the same configuration with CONFIG_PODNET=m and
# CONFIG_PODNET_KUNIT_TEST=m builds podnet.ko and podnet_kunit.ko in tree
# (<cache>/debug-kernel/KEY.modcheck: modules_prepare once, then the two
# modules as single targets); their undefined symbols must all be exported
# by the debug kernel (its Module.symvers), and modpost checks the
# EXPORTED_FOR_KUNIT_TESTING namespace between them. --no-m-check skips it.
#
#   -v                 stream make's output to stderr
#   -j N               make jobs (default: the number of CPUs)
#   --no-m-check       skip the CONFIG_PODNET=m build
#   --podnet-src DIR   build a scratch copy of kmod/ instead of the work
#                      tree's (a bug injected on purpose); needs --variant
#   --variant NAME     build in <cache>/debug-kernel/KEY-NAME, and leave
#                      "current" alone
#
# Only one kernel build runs at a time: it takes <cache>/kernel-build.lock
# (as scripts/kunit.sh does). Environment: PODNET_CACHE (default
# /var/cache/podnet), PODNET_KERNEL_TARBALL (see intree.sh), CCACHE_DIR
# (default <cache>/ccache).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cache=${PODNET_CACHE:-/var/cache/podnet}
fragment=$here/debug-kernel.config
# Bump when the way the configuration is made changes (a full rebuild).
recipe=1

die() {
	echo "debug-kernel.sh: $*" >&2
	exit 1
}

say() {
	echo "debug-kernel.sh: $*" >&2
}

usage() {
	echo "usage: debug-kernel.sh [-v] [-j N] [--no-m-check] [--podnet-src DIR --variant NAME]" >&2
	exit 2
}

verbose=0
jobs=$(nproc)
mcheck=1
podnet_src=
variant=
while [ $# -gt 0 ]; do
	case "$1" in
	-v) verbose=1; shift ;;
	-j) jobs=${2:?-j needs a number}; shift 2 ;;
	-j[0-9]*) jobs=${1#-j}; shift ;;
	--no-m-check) mcheck=0; shift ;;
	--podnet-src) podnet_src=${2:?--podnet-src needs a directory}; shift 2 ;;
	--variant) variant=${2:?--variant needs a name}; shift 2 ;;
	-h|--help) sed -n '4,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	*) usage ;;
	esac
done
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || usage
[ -z "$variant" ] || [[ "$variant" =~ ^[a-z0-9_]+$ ]] ||
	die "--variant: lower-case letters, digits and _ only"
[ -z "$podnet_src" ] || [ -n "$variant" ] ||
	die "--podnet-src needs --variant (a scratch build must not replace the current kernel)"
[ -z "$podnet_src" ] || [ -f "$podnet_src/Makefile" ] ||
	die "--podnet-src $podnet_src: no Makefile there"
[ -r "$fragment" ] || die "no $fragment"

# make in the kernel tree, for build directory $1, output to $2 (appended).
kmake() {
	local dir=$1 log=$2

	shift 2
	if [ "$verbose" = 1 ]; then
		make -C "$tree" O="$dir" ARCH=x86_64 "${ccache[@]}" "$@" 2>&1 |
			tee -a "$log" >&2
	else
		make -C "$tree" O="$dir" ARCH=x86_64 "${ccache[@]}" "$@" >>"$log" 2>&1
	fi
}

# kmake, and on failure the end of the log and exit.
kmake_or_die() {
	local log=$2

	if ! kmake "$@"; then
		[ "$verbose" = 1 ] || tail -n 60 "$log" >&2
		die "make ${*:3} failed (log: $log)"
	fi
}

# The fragment's values that the .config in $1 does not have.
config_mismatches() {
	local line sym

	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF -- "$line" "$1" || echo "$line"
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			! grep -q "^$sym=" "$1" || echo "$line"
			;;
		esac
	done <"$fragment"
}

# allnoconfig + fragment, then olddefconfig, in build directory $1.
configure() {
	local dir=$1 log=$2 bad line

	kmake_or_die "$dir" "$log" allnoconfig
	say "merging $(basename "$fragment") onto allnoconfig"
	(cd "$tree" && scripts/kconfig/merge_config.sh -m -O "$dir" \
		"$dir/.config" "$fragment") >>"$log" 2>&1 ||
		die "merge_config.sh failed (log: $log)"
	kmake_or_die "$dir" "$log" olddefconfig
	bad=$(config_mismatches "$dir/.config")
	if [ -n "$bad" ]; then
		while IFS= read -r line; do
			echo "  $line" >&2
		done <<<"$bad"
		die "$dir/.config lacks these values of $fragment (a dependency missing?)"
	fi
}

# The CONFIG_PODNET=m proof: podnet.ko and podnet_kunit.ko in tree.
m_check() {
	local dir=$1 mlog undef sym missing=0 t0=$SECONDS

	mlog=$dir/build.log
	mkdir -p "$dir"
	: >"$mlog"
	cp "$build/.config" "$dir/.config.new"
	"$tree/scripts/config" --file "$dir/.config.new" \
		--module PODNET --module PODNET_KUNIT_TEST
	# Keep the old .config (and its timestamps) when nothing changed.
	if cmp -s "$dir/.config.new" "$dir/.config.base" 2>/dev/null; then
		rm -f "$dir/.config.new"
	else
		mv -f "$dir/.config.new" "$dir/.config"
		cp "$dir/.config" "$dir/.config.base"
	fi
	kmake_or_die "$dir" "$mlog" olddefconfig
	if ! grep -qx 'CONFIG_PODNET=m' "$dir/.config" ||
	   ! grep -qx 'CONFIG_PODNET_KUNIT_TEST=m' "$dir/.config"; then
		die "CONFIG_PODNET=m is refused by Kconfig (see $dir/.config)"
	fi
	# No vmlinux here: modpost cannot resolve the kernel's symbols, so it
	# only warns (KBUILD_MODPOST_WARN); they are checked against the debug
	# kernel's exports (its Module.symvers, less podnet's own) below.
	kmake_or_die "$dir" "$mlog" -j"$jobs" KBUILD_MODPOST_WARN=1 \
		drivers/net/podnet/podnet.ko drivers/net/podnet/tests/podnet_kunit.ko
	for sym in drivers/net/podnet/podnet.ko drivers/net/podnet/tests/podnet_kunit.ko; do
		[ -s "$dir/$sym" ] || die "CONFIG_PODNET=m: no $dir/$sym"
	done
	# What the two modules need from the kernel (modpost reports ten at
	# most): their undefined symbols, less what podnet.ko exports.
	undef=$(nm -u "$dir/drivers/net/podnet/podnet.ko" \
			"$dir/drivers/net/podnet/tests/podnet_kunit.ko" |
		awk 'NF == 2 && $1 == "U" { print $2 }' | sort -u |
		awk -F'\t' 'NR == FNR { if ($3 == "drivers/net/podnet/podnet") own[$2] = 1; next }
			!own[$1]' "$dir/modules-only.symvers" -)
	[ -n "$undef" ] || die "CONFIG_PODNET=m: no undefined symbols in the modules?"
	for sym in $undef; do
		if grep -qxF -- "$sym" "$build/podnet.syms" ||
		   ! awk -v s="$sym" -F'\t' '$2 == s && $3 == "vmlinux" { found = 1 }
				END { exit !found }' "$build/Module.symvers"; then
			say "CONFIG_PODNET=m: $sym is not exported by the kernel"
			missing=1
		fi
	done
	[ "$missing" = 0 ] || die "CONFIG_PODNET=m: unresolved symbols (log: $mlog)"
	say "CONFIG_PODNET=m: podnet.ko and podnet_kunit.ko built in tree," \
		"$(echo "$undef" | wc -w) kernel symbols, all exported ($((SECONDS - t0)) s)"
}

# nicsim BUILD: the selftests' NIC fixture (selftests/nicsim, not part of
# podnet) built out of tree against the kernel in BUILD, into the work
# tree's build/KRELEASE/podnet_nicsim.ko, where device.sh finds it
nicsim() {
	local b=$1 src=$1.nicsim out rel

	rel=$(cat "$b/include/config/kernel.release")
	out=$here/../build/$rel
	rm -rf "$src"
	mkdir -p "$src" "$out"
	cp "$here/../selftests/nicsim/Kbuild" "$here/../selftests/nicsim/podnet_nicsim.c" "$src/"
	kmake_or_die "$b" "$b/build.log" M="$src" modules
	cp "$src/podnet_nicsim.ko" "$out/.nicsim.new"
	mv -f "$out/.nicsim.new" "$out/podnet_nicsim.ko"
	say "selftests fixture: ${out#"$here/../"}/podnet_nicsim.ko"
}

main() {
	local version key build log hash t0 kind syncargs prev objs

	mkdir -p "$cache"
	exec 9>"$cache/kernel-build.lock"
	if ! flock -n 9; then
		say "waiting for another kernel build to finish"
		flock 9
	fi
	export PODNET_KERNEL_BUILD_LOCK_HELD=1

	tree=$("$here/intree.sh" tree)
	version=$("$here/intree.sh" version)
	syncargs=()
	[ -z "$podnet_src" ] || syncargs=(--from "$podnet_src")
	"$here/intree.sh" sync "${syncargs[@]}" "$tree"

	ccache=()
	if command -v ccache >/dev/null; then
		export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
		if [ ! -d "$CCACHE_DIR" ]; then
			mkdir -p "$CCACHE_DIR"
			ccache -M 5G >/dev/null
		fi
		ccache=(CC="ccache gcc")
	fi

	# The fragment's settings, not its comments, make the key.
	hash=$({
		echo "recipe $recipe"
		grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set$)' "$fragment" |
			LC_ALL=C sort
	} | sha256sum | cut -c1-12)
	key=$(echo "$version" | tr -c 'A-Za-z0-9.+\n-' '_')-$hash
	mkdir -p "$cache/debug-kernel"
	# Build directories of another kernel source or fragment are of no
	# more use (about 550 MB each), once untouched for two hours (a VM run
	# may have started from one; vm.sh copies what it needs, older ones
	# did not).
	while IFS= read -r prev; do
		case "$(basename "$prev")" in
		"$key"|"$key"-*|"$key".*) ;;
		*) say "removing $prev (another kernel source or fragment)"; rm -rf "$prev" ;;
		esac
	done < <(find "$cache/debug-kernel" -mindepth 1 -maxdepth 1 -type d -mmin +120)
	key+=${variant:+-$variant}
	build=$cache/debug-kernel/$key
	log=$build/build.log

	t0=$SECONDS
	if [ ! -f "$build/.podnet-configured" ]; then
		kind="full build (new configuration)"
		rm -rf "$build"
		mkdir -p "$build"
		: >"$log"
		say "configuring $build"
		configure "$build" "$log"
		touch "$build/.podnet-configured"
	else
		kind="incremental build"
		: >"$log"
		# podnet's Kconfig may have changed.
		kmake_or_die "$build" "$log" olddefconfig
		[ -z "$(config_mismatches "$build/.config")" ] ||
			die "$build/.config lost values of the fragment: remove $build"
	fi
	say "building $key ($kind, -j$jobs${ccache:+, ccache}; log: $log)"
	kmake_or_die "$build" "$log" -j"$jobs" all
	say "built in $((SECONDS - t0)) s ($kind)"

	[ -s "$build/arch/x86/boot/bzImage" ] || die "no $build/arch/x86/boot/bzImage"
	# The functions of podnet's objects, for the kmemleak check: those
	# whose name is the kernel's only symbol of that name (not jhash or
	# net_generic, static inlines other objects have too, nor KASAN's
	# constructors).
	objs=$(find "$build/drivers/net/podnet" -name '*.o' ! -name '*.mod.o' | sort)
	[ -n "$objs" ] || die "no podnet objects in $build/drivers/net/podnet"
	# shellcheck disable=SC2086 # a list of paths without blanks
	nm --defined-only $objs 2>/dev/null |
		awk 'NF == 3 && $2 ~ /^[tTwW]$/ { print $3 }' | sort -u |
		awk 'NR == FNR { n[$3]++; next } n[$1] == 1' "$build/System.map" - \
		>"$build/podnet.syms.new"
	mv -f "$build/podnet.syms.new" "$build/podnet.syms"
	cat "$build/include/config/kernel.release" >"$build/podnet.release"

	[ "$mcheck" = 0 ] || m_check "$build.modcheck"
	nicsim "$build"

	cp "$build/arch/x86/boot/bzImage" "$build/.bzImage.new"
	mv -f "$build/.bzImage.new" "$build/bzImage"
	if [ -z "$variant" ]; then
		ln -sfn "$key/bzImage" "$cache/debug-kernel/.current.new"
		mv -fT "$cache/debug-kernel/.current.new" "$cache/debug-kernel/current"
	fi
	say "kernel $(cat "$build/podnet.release"), total $((SECONDS - t0)) s"
	echo "$build/bzImage"
}

main "$@"
