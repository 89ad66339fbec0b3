#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# The guest side of scripts/vm.sh. It runs under busybox ash (the initramfs
# holds nothing but a static busybox), in two stages:
#
# stage 1: /init of the initramfs. Loads the virtio/9p modules listed in
#   /modules.list (in dependency order), mounts the host root read-only over
#   9p (tag pnroot) at /newroot, tmpfs on /tmp, /run and /var/tmp, the work
#   tree (tag pnrepo, writable) at the same path as on the host, and the
#   results directory (tag pnres) when it lies outside the work tree. Then it
#   copies busybox and this script to /run/pnvm (RAM) and switch_root's to
#   them: PID 1 must not be a binary on 9p (it once died of SIGBUS there),
#   and the real root must be the host's tree so that the kernel's modprobe
#   helper finds /lib/modules (chroot would not do that).
# stage 2: PID 1 on the host's root. Mounts debugfs & co, runs
#   $pnvm_results/vm-cmd.sh with bash as a child (its output goes to the
#   console and to output.log), then (with pnvm_kmemleak=1) has kmemleak
#   scan twice and saves its report to kmemleak.txt (kmemleak-status: ok,
#   or what went wrong), writes the kernel log to dmesg.txt and the exit
#   status to vm-status, and powers off.
#
# Settings arrive from the kernel command line as environment variables:
# pnvm_repo, pnvm_results, pnvm_resshare (1: results has a share of its own),
# pnvm_kmemleak (1: the kmemleak scan). A kernel with virtio-pci and 9p
# built in gets an empty /modules.list.
set -euo pipefail

P9OPTS=trans=virtio,version=9p2000.L,msize=262144
BB=/bin/busybox

log() {
	echo "pnvm: $*"
}

uptime_s() {
	local up
	read -r up _ </proc/uptime
	echo "$up"
}

# since T0: seconds (one decimal) from uptime T0 to now
since() {
	$BB awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }'
}

# Never returns: power the guest off (sysrq as the last resort).
off() {
	trap - EXIT
	$BB sync || true
	$BB poweroff -f || true
	echo o >/proc/sysrq-trigger || true
	while :; do $BB sleep 60; done
}

die() {
	log "FATAL: $*"
	off
}

# mount_share TAG PATH: a writable 9p share at PATH inside the new root.
mount_share() {
	[ -d "/newroot$2" ] || $BB mkdir -p "/newroot$2"
	$BB mount -t 9p -o "$P9OPTS,cache=none" "$1" "/newroot$2"
}

stage1() {
	$BB mount -t proc proc /proc
	$BB mount -t sysfs sysfs /sys
	$BB mount -t devtmpfs devtmpfs /dev
	exec </dev/console >/dev/console 2>&1
	log "stage 1 on $($BB uname -r) at uptime $(uptime_s)"

	local mod
	[ -s /modules.list ] || log "no module to load (built in)"
	while read -r mod; do
		$BB insmod "/lib/modules/$mod"
	done </modules.list

	# The host's root: read-only, so the guest may cache it freely.
	$BB mount -t 9p -o "ro,$P9OPTS,cache=loose" pnroot /newroot
	$BB mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /newroot/tmp
	$BB mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /newroot/var/tmp
	$BB mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /newroot/run
	mount_share pnrepo "${pnvm_repo:?}"
	if [ "${pnvm_resshare:-0}" = 1 ]; then
		mount_share pnres "${pnvm_results:?}"
	fi

	$BB mkdir -p /newroot/run/pnvm
	$BB cp /bin/busybox /init /newroot/run/pnvm/
	local fs
	for fs in dev proc sys; do
		$BB mount --move "/$fs" "/newroot/$fs"
	done
	trap - EXIT
	exec $BB switch_root /newroot /run/pnvm/busybox sh /run/pnvm/init --stage2
}

# kmemleak_report RESULTS: two scans (an object is reported once it was
# found unreferenced, unchanged since the scan before, and is older than
# 5 s; the second scan, 5 s after the first began or later, catches what
# the first was too young for), then the report.
kmemleak_report() {
	local k=/sys/kernel/debug/kmemleak t0 st=ok el
	t0=$(uptime_s)
	if [ ! -e "$k" ]; then
		st="no $k in this kernel (CONFIG_DEBUG_KMEMLEAK)"
	elif ! echo scan >"$k" 2>/dev/null; then
		st="kmemleak refused the scan (disabled after an error? see dmesg)"
	else
		# the second scan 5 s after the first began at the earliest;
		# the first takes longer than that on the debug kernel
		el=$(since "$t0")
		el=${el%.*}
		[ "$el" -ge 5 ] || $BB sleep $((5 - el))
		echo scan >"$k" 2>/dev/null || st="the second scan failed"
		$BB cat "$k" >"$1/kmemleak.txt" 2>/dev/null || st="cannot read $k"
	fi
	echo "$st" >"$1/kmemleak-status"
	echo "kmemleak_seconds $t0 $(uptime_s)" >>"$1/vm-times"
	log "kmemleak: $st, $($BB grep -c '^unreferenced object' "$1/kmemleak.txt" 2>/dev/null) object(s) reported"
}

# exec_cache LIST: copy the files LIST names (vm.sh's exec_cache_links: the
# commands the tests run most, their libraries, ld.so, ld.so.cache) to
# tmpfs and bind-mount each copy over its original on the 9p root, so that
# running them costs no 9p round trip. Any failure: the 9p originals stay.
exec_cache() {
	local dir=/run/pnvm/exec-cache t0 n
	[ -s "$1" ] || return 0
	t0=$(uptime_s)
	n=$($BB wc -l <"$1")
	$BB mkdir -p "$dir"
	# shellcheck disable=SC2046 # one path a line, none with a space
	if ! cp -p --parents -t "$dir" $($BB cat "$1"); then
		log "exec cache: copy failed, running from 9p"
		$BB rm -rf "$dir"
		return 0
	fi
	# shellcheck disable=SC2016 # awk's $1, not the shell's
	$BB awk -v d="$dir" '{ print d $1, $1, "none", "bind", 0, 0 }' "$1" \
		>/run/pnvm/exec-cache.fstab
	$BB mount -a -T /run/pnvm/exec-cache.fstab ||
		log "exec cache: some bind mounts failed (see above)"
	log "exec cache: $n files, $($BB du -sm "$dir" | $BB cut -f1) MB, $(since "$t0") s"
}

# exec_links LINKS: the local symlinks of LINKS (vm.sh's exec_cache_links:
# "LINK TARGET" lines) to the real paths of the exec cache's files, which
# spare the symlinks on 9p: commands by name from /run/pnvm/bin (first in
# PATH), libraries from /run/pnvm/lib (LD_LIBRARY_PATH), and ld.so from a
# tmpfs over the directory its path ends in when that holds nothing else.
exec_links() {
	local link target dir
	[ -s "$1" ] || return 0
	$BB mkdir -p /run/pnvm/bin /run/pnvm/lib
	while read -r link target; do
		case $link in
		/run/pnvm/*) $BB ln -sfn "$target" "$link" ;;
		*)
			dir=$($BB readlink -f "${link%/*}")
			if [ "$($BB ls -A "$dir")" = "${link##*/}" ] &&
			    $BB mount -t tmpfs -o mode=0755 tmpfs "$dir"; then
				$BB ln -s "$target" "$dir/${link##*/}"
			fi
			;;
		esac
	done <"$1"
	export PATH=/run/pnvm/bin:$PATH LD_LIBRARY_PATH=/run/pnvm/lib
	log "exec links: $($BB wc -l <"$1")"
}

stage2() {
	BB=/run/pnvm/busybox
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	export HOME=/root
	local res="${pnvm_results:?}"

	# Conveniences the tests may use; none of them is essential.
	$BB mkdir -p /dev/pts /dev/shm
	$BB mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts || true
	$BB mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm || true
	$BB ln -sf /proc/self/fd /dev/fd
	$BB ln -sf /proc/self/fd/0 /dev/stdin
	$BB ln -sf /proc/self/fd/1 /dev/stdout
	$BB ln -sf /proc/self/fd/2 /dev/stderr
	$BB mount -t debugfs debugfs /sys/kernel/debug || true
	$BB mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
	$BB mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null || true
	$BB mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
	$BB hostname podnet-vm
	$BB ip link set lo up
	# Keep the (slow, emulated) serial console to warnings and worse while
	# the command runs; dmesg.txt gets everything.
	$BB dmesg -n 5

	exec_cache "$res/vm-exec-cache.list"
	exec_links "$res/vm-exec-cache.links"

	cd "${pnvm_repo:?}"
	local start jif=
	start=$(uptime_s)
	log "command start at uptime $start"
	# The jiffies then: kmemleak reports when each object was allocated.
	# /proc/timer_list has them with NO_HZ, sched/debug (SCHED_DEBUG) as
	# a signed number.
	if [ "${pnvm_kmemleak:-0}" = 1 ]; then
		# No automatic scan (one every 10 minutes, some 10 s of the
		# emulated CPU each): kmemleak_report's two scans judge the run
		echo scan=off >/sys/kernel/debug/kmemleak 2>/dev/null || true
		# shellcheck disable=SC2016 # awk's $1, not the shell's
		jif=$($BB awk '$1 == "jiffies:" { print $2; exit }' /proc/timer_list 2>/dev/null) || jif=
		# shellcheck disable=SC2016
		[ -n "$jif" ] || jif=$($BB awk '$1 == "jiffies" && $2 == ":" { print $3; exit }' \
			/sys/kernel/debug/sched/debug 2>/dev/null) || jif=
	fi
	{
		echo "boot_to_command $start"
		[ -z "$jif" ] || echo "command_start_jiffies $jif"
	} >"$res/vm-times"
	{
		crc=0
		bash "$res/vm-cmd.sh" </dev/null || crc=$?
		echo "$crc" >/run/pnvm/rc
	} 2>&1 | $BB tee "$res/output.log" || true
	local rc=255 end
	[ -s /run/pnvm/rc ] && read -r rc </run/pnvm/rc
	end=$(uptime_s)
	echo "command_end $end" >>"$res/vm-times"
	$BB dmesg -n 7
	log "command exit status $rc at uptime $end"
	[ "${pnvm_kmemleak:-0}" != 1 ] || kmemleak_report "$res"

	$BB dmesg >"$res/dmesg.txt"
	echo "$rc" >"$res/vm-status"
	log "powering off"
	off
}

trap 'die "init script failed"' EXIT
if [ "${1-}" = --stage2 ]; then
	stage2
else
	stage1
fi
