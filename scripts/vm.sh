#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh [-v] [--kernel KVER | --bzimage PATH] [--results DIR] [--timeout SEC]
#       [--kmemleak | --no-kmemleak] [--kunit all|fast|off] -- COMMAND [ARG...]
#
# Boot Debian's kernel /boot/vmlinuz-KVER (or a kernel of our own, such as
# scripts/debug-kernel.sh's) under qemu (TCG) on the host's own root
# filesystem (read-only 9p) with this work tree shared writable at the
# same path, run COMMAND from the work tree's top directory as root, and
# power off. Everything the module needs runs here: the host cannot load
# modules.
#
#   --kernel KVER   kernel to boot (default: the newest of scripts/kernels.sh)
#   --bzimage PATH  boot this bzImage instead: a kernel with everything the
#                   guest needs built in (virtio-pci, 9p, and podnet for the
#                   tests): the initramfs loads no module, and KVER is the
#                   kernel's release (from the bzImage's header), for which
#                   the host has no /lib/modules
#   --results DIR   where the run's files go (default: results/KVER in the
#                   work tree); created if missing, and shared with the guest
#   --timeout SEC   kill a guest still running after SEC s (default 1500)
#   --kmemleak      after the command, scan for leaks twice (5 s apart) and
#                   save the report as kmemleak.txt; the run fails when
#                   scripts/kmemleak-check.sh finds any unreferenced object
#                   in it, whoever allocated it, that scripts/kmemleak-excuses
#                   does not name (or kmemleak is not available). Default
#                   with --bzimage.
#   --no-kmemleak   no scan (the default with --kernel)
#   --kunit MODE    KUnit suites built into a --bzimage kernel run at boot:
#                   all (default), fast (not those marked slow:
#                   kunit.filter=speed>slow) or off (kunit.enable=0)
#   -v              stream the serial console to stdout while the guest runs
#
# Files in DIR: vm-cmd.sh (the command as the guest runs it),
# vm-exec-cache.list (the files the guest runs from tmpfs),
# vm-exec-cache.links (the symlinks it makes to them), output.log
# (its stdout+stderr), vm-status (its exit status), vm-times (guest uptime
# at the start and end of the command), dmesg.txt (the guest's kernel log),
# console.log (the serial console), dmesg-check.txt (check-dmesg.sh's
# verdict); kunit.tap and kunit-check.txt when the kernel log holds KTAP
# (KUnit suites built in run at boot); kmemleak.txt, kmemleak-status and
# kmemleak-check.txt with --kmemleak. Without -v, output.log is printed to
# stdout after the run.
#
# The command line of a --bzimage kernel adds pci=noacpi (with KASAN and
# lockdep under TCG, evaluating the ACPI _PRT of the three virtio devices
# took 20 s each, and the first boots hung) and
# rcupdate.rcu_cpu_stall_timeout=120 (an emulated debug kernel starved of
# host CPU reports false RCU stalls at the default 21 s).
#
# In the guest (2 vCPUs, 2 GiB, no NIC): cwd is the work tree, stdin is
# /dev/null, PATH is the host's; /tmp, /run, /var/tmp are tmpfs, the rest of
# / is the host's, read-only (the commands tests run most are copies on
# tmpfs bind-mounted over the originals: the exec cache below); debugfs,
# cgroup2, bpffs are mounted; modules autoload from the host's /lib/modules
# (not with --bzimage: none there). The serial console shows only
# warnings and worse while the command runs (dmesg.txt has everything). The
# command sees PODNET_RESULTS (DIR), PODNET_KVER, PODNET_REPO, PODNET_IN_VM=1
# and every PODNET_* variable of the caller; no other variable passes.
#
# Exit status: the command's; 1 when the guest reported none (boot failure,
# panic, timeout) or when the command succeeded but check-dmesg.sh found a
# kernel problem in the guest's log, a KUnit test failed at boot, or the
# kmemleak check failed; 2 on usage errors.
#
# A guest that dies or hangs before the command starts (a boot problem of
# the emulator, nothing of ours has run yet) is booted again, twice at most;
# the failed boots' consoles stay as console-failed-bootN.log.
#
# Environment: PODNET_CACHE (default /var/cache/podnet; the initramfs is
# cached in $PODNET_CACHE/initramfs/KVER.cpio.gz, or builtin.cpio.gz for
# --bzimage, rebuilt when this script, vm-init.sh or the kernel's modules
# change), PODNET_VM_TIMEOUT (default of
# --timeout), PODNET_VM_BOOT_TIMEOUT (seconds for the command to start,
# default 300), PODNET_VM_BOOT_RETRIES (default 2), PODNET_VM_APPEND (more
# kernel command line, e.g. panic_on_warn=1), PODNET_VM_TCG_THREAD (single,
# the default, or multi) and PODNET_VM_CPU (qemu64, the default, or max):
# see the qemu command line below; PODNET_VM_EXEC_CACHE=0 (no exec cache:
# see below); PODNET_VM_ASLR=1 (the guest's processes at random addresses,
# the kernel's default; see "norandmaps" below).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/.." && pwd -P)
PATH=$PATH:/usr/sbin:/sbin

usage() {
	echo "usage: vm.sh [-v] [--kernel KVER | --bzimage PATH] [--results DIR] [--timeout SEC] [--kmemleak | --no-kmemleak] [--kunit all|fast|off] -- COMMAND [ARG...]" >&2
	exit 2
}

kver=
bzimage=
kmemleak=
kunit_mode=all
results=
tmo=${PODNET_VM_TIMEOUT:-1500}
verbose=0
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kver=${2:?--kernel needs a version}; shift 2 ;;
	--bzimage) bzimage=${2:?--bzimage needs a path}; shift 2 ;;
	--kmemleak) kmemleak=1; shift ;;
	--no-kmemleak) kmemleak=0; shift ;;
	--kunit) kunit_mode=${2:?--kunit needs all, fast or off}; shift 2 ;;
	--results) results=${2:?--results needs a directory}; shift 2 ;;
	--timeout) tmo=${2:?--timeout needs seconds}; shift 2 ;;
	-v|--verbose) verbose=1; shift ;;
	-h|--help) sed -n '4,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	--) shift; break ;;
	*) echo "vm.sh: unexpected argument '$1' (the command goes after --)" >&2; usage ;;
	esac
done
[ $# -gt 0 ] || { echo "vm.sh: no command given" >&2; usage; }
[[ "$tmo" =~ ^[0-9]+$ ]] || { echo "vm.sh: bad --timeout '$tmo'" >&2; exit 2; }
case "$kunit_mode" in
all|fast|off) ;;
*) echo "vm.sh: bad --kunit '$kunit_mode' (all, fast or off)" >&2; exit 2 ;;
esac

# The release of a bzImage, from its setup header (the kernel_version
# field, x86 boot protocol 2.00+).
bzimage_release() {
	local off
	[ "$(dd if="$1" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ] || return 1
	off=$(od -An -tu2 -j 526 -N 2 "$1" | tr -d ' ')
	if ! [[ "$off" =~ ^[0-9]+$ ]] || [ "$off" -eq 0 ]; then
		return 1
	fi
	dd if="$1" bs=1 skip=$((off + 512)) count=256 2>/dev/null |
		tr '\0' '\n' | head -n 1 | cut -d' ' -f1
}

syms=
if [ -n "$bzimage" ]; then
	[ -z "$kver" ] || { echo "vm.sh: --kernel and --bzimage exclude each other" >&2; exit 2; }
	kernel=$(readlink -f "$bzimage") || kernel=
	if [ -z "$kernel" ] || [ ! -r "$kernel" ]; then
		echo "vm.sh: no readable $bzimage" >&2
		exit 2
	fi
	kver=$(bzimage_release "$kernel" || true)
	[[ "$kver" =~ ^[A-Za-z0-9._+-]+$ ]] ||
		{ echo "vm.sh: $bzimage: no kernel release in its header" >&2; exit 2; }
	# The functions of podnet built in: scripts/debug-kernel.sh lists them
	# in podnet.syms, next to its bzImage (the build directory's top).
	syms=$(dirname "$kernel")/podnet.syms
	[ -r "$syms" ] || syms=$(dirname "$kernel")/../../../podnet.syms
	[ -r "$syms" ] || syms=
	kmemleak=${kmemleak:-1}
else
	if [ -z "$kver" ]; then
		kver=$("$here/kernels.sh" | tail -n 1)
		[ -n "$kver" ] || { echo "vm.sh: no usable kernel installed (scripts/kernels.sh)" >&2; exit 2; }
	fi
	kernel=/boot/vmlinuz-$kver
	[ -r "$kernel" ] || { echo "vm.sh: no readable $kernel" >&2; exit 2; }
	[ -d "/lib/modules/$kver" ] || { echo "vm.sh: no /lib/modules/$kver" >&2; exit 2; }
	kmemleak=${kmemleak:-0}
fi

results=${results:-$repo/results/$kver}
mkdir -p "$results"
results=$(cd "$results" && pwd -P)
# Paths travel on the kernel command line and in qemu's option syntax.
for p in "$repo" "$results"; do
	[[ "$p" =~ ^/[A-Za-z0-9._/+@=-]*$ ]] ||
		{ echo "vm.sh: path '$p' has characters the VM plumbing cannot carry" >&2; exit 2; }
done
resshare=1
case "$results/" in "$repo"/*) resshare=0 ;; esac

# --- the initramfs: busybox + the modules that bring up virtio-9p ----------

cache=${PODNET_CACHE:-/var/cache/podnet}/initramfs
initrd=$cache/$kver.cpio.gz
[ -z "$bzimage" ] || initrd=$cache/builtin.cpio.gz
busybox=/bin/busybox

# The insmod lines of the modules that bring up virtio-9p; none for a
# kernel of our own (they are built in).
module_plan() {
	local m
	[ -z "$bzimage" ] || return 0
	for m in virtio_pci 9pnet_virtio 9p; do
		modprobe -S "$kver" --show-depends "$m"
	done
}

# Scratch space of this run, removed on exit.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A kernel of our own and its symbol list, copied: a rebuild (or the
# pruning of its build directory) must not change them under this run
# (a boot retry re-reads the kernel; the kmemleak check comes at the end).
if [ -n "$bzimage" ]; then
	cp "$kernel" "$tmp/bzImage"
	kernel=$tmp/bzImage
	if [ -n "$syms" ]; then
		cp "$syms" "$tmp/podnet.syms"
		syms=$tmp/podnet.syms
	fi
fi

build_initrd() {
	local op path name root=$tmp/initramfs
	mkdir -p "$root"/{bin,dev,proc,sys,newroot,lib/modules}
	cp "$busybox" "$root/bin/busybox"
	[ "$(id -u)" -ne 0 ] || mknod -m 600 "$root/dev/console" c 5 1
	: >"$root/modules.list"
	while read -r op path _; do
		[ "$op" = insmod ] || continue
		name=$(basename "$path")
		name=${name%.xz}; name=${name%.zst}; name=${name%.gz}
		grep -qxF "$name" "$root/modules.list" && continue
		case "$path" in
		*.xz) xz -dc "$path" ;;
		*.zst) zstd -dc "$path" ;;
		*.gz) gzip -dc "$path" ;;
		*) cat "$path" ;;
		esac >"$root/lib/modules/$name"
		echo "$name" >>"$root/modules.list"
	done < <(module_plan)
	install -m 0755 "$here/vm-init.sh" "$root/init"
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$initrd.$$"
	mv -f "$initrd.$$" "$initrd"
	rm -rf "$root"
}

if readelf -l "$busybox" 2>/dev/null | grep -q 'program interpreter'; then
	echo "vm.sh: $busybox is not static (install busybox-static)" >&2
	exit 2
fi
key=$({
	cat "$here/vm.sh" "$here/vm-init.sh"
	module_plan
	stat -L -c '%n %s %Y' "$busybox"
	[ -n "$bzimage" ] || stat -L -c '%n %s %Y' "/lib/modules/$kver/modules.dep"
} | sha256sum | cut -d' ' -f1)
# Under a lock: runs of other work trees (other scripts) may share the cache.
# The guest boots a private copy, so a rebuild cannot swap it under qemu.
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ ! -s "$initrd" ] || [ "$(cat "$initrd.key" 2>/dev/null)" != "$key" ]; then
	echo "vm.sh: building $initrd" >&2
	build_initrd
	echo "$key" >"$initrd.key"
fi
cp "$initrd" "$tmp/initrd.cpio.gz"
exec 9>&-

# --- the command, as the guest runs it ---------------------------------------

rm -f "$results"/{vm-cmd.sh,dmesg-check.txt,console-failed-boot*.log} \
	"$results"/{kunit.tap,kunit-check.txt,kmemleak.txt,kmemleak-status,kmemleak-check.txt}
{
	echo "# generated by scripts/vm.sh; run by bash in the guest"
	for name in $(compgen -e | grep '^PODNET_' || true); do
		case "$name" in PODNET_RESULTS|PODNET_KVER|PODNET_REPO|PODNET_IN_VM) continue ;; esac
		printf 'export %s=%q\n' "$name" "${!name}"
	done
	printf 'export PODNET_RESULTS=%q PODNET_KVER=%q PODNET_REPO=%q PODNET_IN_VM=1\n' \
		"$results" "$kver" "$repo"
	printf 'cd %q || exit 125\n' "$repo"
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$results/vm-cmd.sh"

# --- the exec cache: what the guest runs most, on tmpfs ------------------------

# Each exec from the 9p root costs a few 9p round trips (the binary, ld.so's
# cache, every library): measured on the debug kernel, ip took 244 ms a run
# without the exec cache and 167 ms with it, podnetctl 153 and 107 ms, and
# the selftests ran 15-22 % faster (the same scripts, two VMs side by
# side). So the guest copies the commands of this list, their libraries,
# ld.so and ld.so.cache to tmpfs and bind-mounts each copy over its
# original (vm-init.sh's exec_cache): same paths, same files, nothing for
# the command to know.
# Set-id files stay on 9p: a copy would lose the bit. A copy loses file
# capabilities too, which only users other than root need: ping's
# cap_net_raw; the tests run ping as root. PODNET_VM_EXEC_CACHE=0: none.
# (Names are resolved to files: sh is dash, awk mawk, lsmod and modprobe
# kmod; python3 by the path lib.sh runs, whatever PATH finds first.)
#
# The paths to these files pass symlinks on 9p, each a round trip that 9p
# does not cache: PATH finds /usr/sbin/ip (-> /bin/ip, and /bin ->
# usr/bin), ld.so is /lib64/ld-linux-x86-64.so.2 (two links), and every
# library is /lib/x86_64-linux-gnu/SONAME (/lib, then SONAME ->
# the file). exec_cache_links lists local symlinks to the real paths: the
# guest puts them in /run/pnvm/bin (first in PATH), /run/pnvm/lib
# (LD_LIBRARY_PATH) and, for ld.so, a tmpfs over the directory the
# interpreter's path ends in (/usr/lib64, which holds nothing else). The
# same four selftests on a 6.12 kernel took 171 s with them and 179 s
# without, side by side.
exec_cache_cmds="bash sh ip tc bridge nsenter sysctl grep sed awk cut sort
	head tail cat wc sleep timeout mktemp rm tr tee uniq cmp diff comm paste
	tac expr seq od xargs find stat chmod mkdir cp mv ls touch ln env id date
	dirname basename readlink realpath uname md5sum sha256sum flock pgrep
	pkill setpriv taskset ethtool ss dmesg kmod lsmod modprobe tcpdump gojq
	jq socat iperf3 sockperf ping /usr/bin/python3 $repo/userspace/podnetctl"

# exec_cache_links: "LINK TARGET" lines, TARGET a file's real path: LINK
# is /run/pnvm/bin/NAME for each command, /run/pnvm/lib/SONAME for each of
# its libraries, and the interpreter's own path for ld.so. The targets are
# the files the guest copies (vm-exec-cache.list, with ld.so's cache).
exec_cache_links()
{
	local c p name f

	for c in $exec_cache_cmds; do
		p=$(command -v "$c") || continue
		p=$(readlink -f "$p")
		if [ ! -f "$p" ] || [ -u "$p" ] || [ -g "$p" ]; then
			continue
		fi
		echo "/run/pnvm/bin/${c##*/} $p"
		# "SONAME => PATH (address)"; the interpreter: "PATH (address)";
		# a static binary: ldd fails, no library
		{ ldd "$p" 2>/dev/null || :; } |
			awk '$2 == "=>" && $3 ~ /^\// { print "/run/pnvm/lib/" $1, $3 }
			     $1 ~ /^\// && $2 ~ /^\(/ { print $1, $1 }' |
			while read -r name f; do
				echo "$name $(readlink -f "$f")"
			done
	done
}

rm -f "$results/vm-exec-cache.list" "$results/vm-exec-cache.links"
if [ "${PODNET_VM_EXEC_CACHE:-1}" = 1 ]; then
	exec_cache_links | sort -u >"$results/vm-exec-cache.links"
	{
		cut -d' ' -f2 "$results/vm-exec-cache.links"
		readlink -f /etc/ld.so.cache
	} | sort -u >"$results/vm-exec-cache.list"
fi

# --- boot ---------------------------------------------------------------------

# No panic_on_warn: check-dmesg.sh judges the log instead. log_buf_len: the
# whole log of a long test run must fit into dmesg.txt.
append="console=ttyS0 panic=-1 oops=panic log_buf_len=8M"
append+=" pnvm_repo=$repo pnvm_results=$results pnvm_resshare=$resshare"
append+=" pnvm_kmemleak=$kmemleak"
if [ -n "$bzimage" ]; then
	append+=" pci=noacpi rcupdate.rcu_cpu_stall_timeout=120"
	case "$kunit_mode" in
	fast) append+=" kunit.filter=speed>slow" ;;
	off) append+=" kunit.enable=0" ;;
	esac
fi
# norandmaps: every process maps its program, ld.so and libraries at the
# same addresses (PODNET_VM_ASLR=1: at random ones, the kernel's default).
# TCG finds the code it translated for an earlier process again only at
# the same virtual address: with randomized addresses each process has
# ld.so's and libc's code translated anew. On the debug kernel a
# /bin/true costs 57 ms instead of 88, "ip -V" 90 instead of 133, side by
# side in one VM; the selftests start several thousand processes.
[ "${PODNET_VM_ASLR:-0}" = 1 ] || append+=" norandmaps"
append+=${PODNET_VM_APPEND:+ $PODNET_VM_APPEND}

# Two vCPUs run by one host thread (PODNET_VM_TCG_THREAD=multi: one each).
# Multi-threaded TCG lets a vCPU run a stale translation of kernel text
# that another one just patched (static keys, alternatives): "Oops: int3"
# in core code, one run in a few dozen under load. The tests gain nothing
# from it; "make bench" asks for multi for its parallel streams.
# The CPU model: qemu64 (x86-64 baseline) ran the debug kernel's selftests
# 4 % faster than max, side by side (less to emulate: no AVX state to save
# at each context switch, among others); "make bench" asks for max.
# Neither one vCPU nor mitigations=off changed the CPU time a Debian
# kernel's VM took for the same selftests, side by side (127 against 123 s
# and 128 against 126 s).

# PODNET_VM_ICOUNT=OPTIONS (qemu's -icount, e.g. shift=0,sleep=off): the
# guest's clock counts emulated instructions, not the host's time, so that
# the host's load cannot move what the guest times (make bench). It needs
# single-threaded TCG.
tcg_thread=${PODNET_VM_TCG_THREAD:-single}
icount=()
if [ -n "${PODNET_VM_ICOUNT:-}" ]; then
	icount=(-icount "$PODNET_VM_ICOUNT")
	tcg_thread=single
fi
qemu=(qemu-system-x86_64
	-accel "tcg,thread=$tcg_thread" "${icount[@]}" -smp 2 -cpu "${PODNET_VM_CPU:-qemu64}" -m 2048
	-nographic -no-reboot -nic none
	-kernel "$kernel" -initrd "$tmp/initrd.cpio.gz" -append "$append"
	-fsdev "local,id=fsroot,path=/,readonly=on,multidevs=remap,security_model=none"
	-device "virtio-9p-pci,fsdev=fsroot,mount_tag=pnroot"
	-fsdev "local,id=fsrepo,path=$repo,multidevs=remap,security_model=none"
	-device "virtio-9p-pci,fsdev=fsrepo,mount_tag=pnrepo")
if [ "$resshare" = 1 ]; then
	qemu+=(-fsdev "local,id=fsres,path=$results,multidevs=remap,security_model=none"
		-device "virtio-9p-pci,fsdev=fsres,mount_tag=pnres")
fi

# The console as text: no CRs, no terminal control sequences (SeaBIOS's).
clean='s/\r$//; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g'
boot_tmo=${PODNET_VM_BOOT_TIMEOUT:-300}
retries=${PODNET_VM_BOOT_RETRIES:-2}
qpid=

# Ctrl-C must not leave qemu running (background jobs ignore SIGINT).
trap '[ -z "$qpid" ] || kill -TERM "$qpid" 2>/dev/null; exit 130' INT TERM HUP

# One boot: qemu's console goes to console.log (and stdout with -v). Sets
# qrc (timeout's or qemu's exit status) and why (when it had to be killed).
run_guest() {
	local raw=$tmp/console.raw begin=$SECONDS tailpid=
	rm -f "$results"/{vm-status,vm-times,output.log,dmesg.txt,console.log} \
		"$results"/{kmemleak.txt,kmemleak-status}
	qrc=0
	why=
	timeout -k 10 "$tmo" "${qemu[@]}" </dev/null >"$raw" 2>&1 &
	qpid=$!
	if [ "$verbose" = 1 ]; then
		tail -s 0.2 -n +1 -f --pid="$qpid" "$raw" | sed -u "$clean" &
		tailpid=$!
	fi
	while kill -0 "$qpid" 2>/dev/null; do
		if [ ! -e "$results/vm-times" ] && [ $((SECONDS - begin)) -ge "$boot_tmo" ]; then
			why="the command did not start within $boot_tmo s"
			kill -TERM "$qpid" 2>/dev/null || true
			break
		fi
		sleep 0.2
	done
	wait "$qpid" || qrc=$?
	qpid=
	[ -z "$tailpid" ] || wait "$tailpid" || true
	sed "$clean" "$raw" >"$results/console.log"
	rm -f "$raw"
	if [ -z "$why" ]; then
		case "$qrc" in
		124|137) why="timed out after $tmo s" ;;
		*) why="qemu exit status $qrc" ;;
		esac
	fi
}

# A guest that dies before the command starts (vm-times is written just
# before it) has run nothing of ours: that is the emulator's trouble (under
# load, multi-threaded TCG once oopsed on an int3 while the kernel patched
# its own text at boot), so boot again, up to $retries times.
attempt=1
while :; do
	t0=$(date +%s.%N)
	run_guest
	t1=$(date +%s.%N)
	[ ! -e "$results/vm-times" ] || break
	[ "$attempt" -le "$retries" ] || break
	mv -f "$results/console.log" "$results/console-failed-boot$attempt.log"
	echo "vm.sh: $kver: the guest died before the command started ($why); booting again." \
		"Its console: $results/console-failed-boot$attempt.log" >&2
	"$here/check-dmesg.sh" --all "$results/console-failed-boot$attempt.log" 2>&1 | head -n 12 >&2 || true
	attempt=$((attempt + 1))
done

# --- verdict ------------------------------------------------------------------

[ "$verbose" = 1 ] || [ ! -f "$results/output.log" ] || cat "$results/output.log"

rc=1
status=$(cat "$results/vm-status" 2>/dev/null || true)
if [[ "$status" =~ ^[0-9]+$ ]]; then
	rc=$status
else
	echo "vm.sh: $kver: the guest reported no exit status ($why); console.log ends with:" >&2
	tail -n 40 "$results/console.log" >&2 || true
fi

log=$results/dmesg.txt
[ -s "$log" ] || log=$results/console.log
if ! "$here/check-dmesg.sh" "$log" >"$results/dmesg-check.txt" 2>&1; then
	cat "$results/dmesg-check.txt" >&2
	[ "$rc" -ne 0 ] || rc=1
fi

# KUnit suites built into the kernel ran at boot: their KTAP (lines from
# "KTAP version 1" on, without the printk timestamps and other messages).
kunit=
if grep -q '\] KTAP version 1$' "$log" 2>/dev/null; then
	sed -n 's/^\[ *[0-9.]*\] //p' "$log" | tr -d '\r' |
		awk '!on && /^KTAP version 1$/ { on = 1 }
		     on && /^ *(KTAP version|1\.\.[0-9]|ok [0-9]|not ok [0-9]|#)/ { print }' \
		>"$results/kunit.tap"
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$results/kunit.tap" | head -n 1)
	top_ok=$(grep -c '^ok [0-9]' "$results/kunit.tap" || true)
	top_fail=$(grep -c '^not ok [0-9]' "$results/kunit.tap" || true)
	{
		grep -E '^ *# [A-Za-z0-9_]+: pass:[0-9]+ fail:[0-9]+' "$results/kunit.tap" || true
		grep -E '^ *not ok [0-9]' "$results/kunit.tap" || true
	} >"$results/kunit-check.txt"
	kunit=" kunit: $top_ok of ${plan:-?} suite(s) ok"
	if [ "$top_fail" -gt 0 ] || [ -z "$plan" ] || [ "$top_ok" -ne "$plan" ]; then
		echo "vm.sh: $kver: KUnit at boot: $top_ok of ${plan:-?} suite(s) passed:" >&2
		cat "$results/kunit-check.txt" >&2
		kunit=" KUNIT FAILED ($top_ok of ${plan:-?} suites ok)"
		[ "$rc" -ne 0 ] || rc=1
	fi
fi

# kmemleak: the guest scanned after the command; judge its report.
leaks=
if [ "$kmemleak" = 1 ]; then
	kstatus=$(cat "$results/kmemleak-status" 2>/dev/null || true)
	if [ "$kstatus" = ok ]; then
		kargs=()
		[ -z "$syms" ] || kargs+=(--syms "$syms")
		since=$(sed -n 's/^command_start_jiffies //p' "$results/vm-times" 2>/dev/null || true)
		[ -z "$since" ] || kargs+=(--since "$since")
		if "$here/kmemleak-check.sh" "${kargs[@]}" "$results/kmemleak.txt" \
		   >"$results/kmemleak-check.txt" 2>&1; then
			leaks=", $(head -n 1 "$results/kmemleak-check.txt")"
		else
			cat "$results/kmemleak-check.txt" >&2
			leaks=", KMEMLEAK FAILED"
			[ "$rc" -ne 0 ] || rc=1
		fi
	elif [ -e "$results/vm-status" ]; then
		echo "vm.sh: $kver: no kmemleak report (${kstatus:-the guest wrote no status})" >&2
		leaks=", no kmemleak report"
		[ "$rc" -ne 0 ] || rc=1
	fi
fi

# Boot to command, on the host's clock: the wall time less what the guest
# spent in the command (and the second or so it takes to power off).
wall=$(bc <<<"$t1 - $t0")
summary="exit status ${status:-none}, wall time $(printf '%.1f' "$wall") s"
gstart=$(sed -n 's/^boot_to_command //p' "$results/vm-times" 2>/dev/null || true)
gend=$(sed -n 's/^command_end //p' "$results/vm-times" 2>/dev/null || true)
# The kmemleak scans (after the command) are not boot time either.
kscan=$(awk '$1 == "kmemleak_seconds" { print $3 - $2 }' "$results/vm-times" 2>/dev/null || true)
if [ -n "$gstart" ] && [ -n "$gend" ]; then
	summary+=$(printf ', command %.1f s, boot to command %.1f s (guest uptime %s s)' \
		"$(bc <<<"$gend - $gstart")" "$(bc <<<"$wall - ($gend - $gstart) - ${kscan:-0}")" "$gstart")
	[ -z "$kscan" ] || summary+=$(printf ', kmemleak scans %.1f s' "$kscan")
fi
[ "$attempt" -eq 1 ] || summary+=", after $((attempt - 1)) failed boot(s)"
summary+=${kunit:+,$kunit}$leaks
echo "vm.sh: $kver: $summary; results in $results" >&2
exit "$rc"
