#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages podnet needs to build, test and demo.
#
#   scripts/deps.sh          install what is missing (a fast no-op otherwise)
#   scripts/deps.sh --check  only report what is missing; exit 1 if anything is
#   scripts/deps.sh --list   print the package list
#
# Installing needs root; checking does not. apt-get update runs only when
# something has to be installed.
set -euo pipefail

PACKAGES=(
	build-essential
	# Debian 12's two kernel lines: 6.1 (default) and 6.12, images + headers
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-source-6.12
	# the VM harness
	qemu-system-x86 busybox-static kmod cpio xz-utils
	# kernel build and static checks
	sparse bc flex bison libelf-dev libssl-dev shellcheck yamllint ccache
	# scripts/lint.sh: checkpatch's spelling dictionary, the YNL spec's schema check
	# (and tests/docs.sh: the documentation parses without a warning)
	codespell python3-jsonschema python3-docutils
	# userspace: podnetctl; podnetd's JSON, HTTP, nftables, systemd and
	# kubeconfig (YAML)
	libmnl-dev pkg-config python3-yaml
	libjson-c-dev libcurl4-openssl-dev libnftables-dev libsystemd-dev libyaml-dev
	# podnetd's selftests and demo: etcd, the CNI reference plugins, the
	# test certificates, requests to /metrics, nftables' command
	etcd-server etcd-client containernetworking-plugins openssl curl nftables
	# tools used by the selftests and the demo (inside the VM, from the host root)
	iproute2 iputils-ping ethtool iperf3 tcpdump tshark
	# JSON and TCP in the selftests: python3 takes about a second to start
	# in the emulated VM, these much less (gojq 0.08 s, jq 1.6 0.3 s: the
	# selftests use gojq, jq when it is missing)
	jq gojq socat
	# make bench (scripts/bench.sh): latency, and the chart
	sockperf gnuplot-nox
)

mode=install
case "${1-}" in
"") ;;
--check) mode=check ;;
--list) printf '%s\n' "${PACKAGES[@]}"; exit 0 ;;
-h|--help) sed -n '4,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
*) echo "usage: $0 [--check|--list]" >&2; exit 2 ;;
esac

# Which of PACKAGES are not installed (one dpkg-query call: it is fast).
missing_of() {
	local installed
	installed=$(dpkg-query -W -f='${db:Status-Status} ${Package}\n' "$@" 2>/dev/null |
		sed -n 's/^installed //p' || true)
	local pkg
	for pkg in "$@"; do
		grep -qxF -- "$pkg" <<<"$installed" || printf '%s\n' "$pkg"
	done
}

mapfile -t missing < <(missing_of "${PACKAGES[@]}")
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps.sh: missing packages: ${missing[*]}" >&2
[ "$mode" = check ] && exit 1

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: run as root, or: apt-get install --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it beforehand.
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections

apt_opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=900)
apt-get -q -o DPkg::Lock::Timeout=900 update
apt-get "${apt_opts[@]}" install "${missing[@]}"

mapfile -t still < <(missing_of "${missing[@]}")
if [ ${#still[@]} -ne 0 ]; then
	echo "deps.sh: still missing after install: ${still[*]}" >&2
	exit 1
fi
