#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# podnetctl command line tests that need no podnet module: parsing, local
# validation, usage errors, exit codes, -batch, sync files, and the
# behaviour on a kernel without the "podnet" family. TAP output.
#
# usage: tests/test_parse.sh [PATH_TO_PODNETCTL]
#
# Tests marked "no module" expect the family to be absent and are skipped
# when it is present (in the VM, the selftests cover those commands).
# Tests marked "netns" run in a new network namespace (unshare -n) and are
# skipped when that is not possible.

PN=${1:-$(dirname "$0")/../podnetctl}
GEN=$(dirname "$0")/gen_sync.sh
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
N=0
FAILED=0

ok() {
	N=$((N + 1))
	echo "ok $N - $1"
}

not_ok() {
	N=$((N + 1))
	FAILED=$((FAILED + 1))
	echo "not ok $N - $1"
	shift
	for line in "$@"; do
		echo "#   $line"
	done
	sed 's/^/#   stdout: /' "$TMP/out"
	sed 's/^/#   stderr: /' "$TMP/err"
}

skip() {
	N=$((N + 1))
	echo "ok $N - $1 # SKIP $2"
}

# check DESC RC STDERR_TEXT CMD...: exit code RC and STDERR_TEXT (fixed
# string, "" for none expected) on stderr.
check() {
	desc=$1 want_rc=$2 want_err=$3
	shift 3
	"$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		not_ok "$desc" "exit code $rc, expected $want_rc"
	elif [ -n "$want_err" ] && ! grep -qF -- "$want_err" "$TMP/err"; then
		not_ok "$desc" "stderr lacks: $want_err"
	elif [ -z "$want_err" ] && [ "$want_rc" = 0 ] && [ -s "$TMP/err" ]; then
		not_ok "$desc" "unexpected stderr"
	else
		ok "$desc"
	fi
}

# check_out DESC TEXT: the stdout of the last check() holds TEXT.
check_out() {
	if grep -qF -- "$2" "$TMP/out"; then
		ok "$1"
	else
		not_ok "$1" "stdout lacks: $2"
	fi
}

# check_no_out DESC: the last check() printed nothing on stdout.
check_no_out() {
	if [ -s "$TMP/out" ]; then
		not_ok "$1" "stdout not empty"
	else
		ok "$1"
	fi
}

if [ ! -x "$PN" ]; then
	echo "1..0 # SKIP $PN not built"
	exit 1
fi

NOMOD="Error: podnet kernel module is not loaded."
if "$PN" show >/dev/null 2>&1; then
	HAVE_MODULE=1
elif "$PN" show 2>&1 | grep -qF "$NOMOD"; then
	HAVE_MODULE=0
else
	HAVE_MODULE=unknown
fi
NETNS=0
if unshare -n true 2>/dev/null; then
	NETNS=1
fi

# --- prefixes and addresses, refused before any netlink request ---
check "host bits set: the kernel's message" 1 \
	"Error: Invalid prefix for given prefix length." \
	"$PN" route add 10.244.1.1/24 via 1.2.3.4 dev lo
check "host bits set in IPv6" 1 \
	"Error: Invalid prefix for given prefix length." \
	"$PN" route add fd00:1::1/64 via 1.2.3.4 dev lo
check "host bits set in route del" 1 \
	"Error: Invalid prefix for given prefix length." \
	"$PN" route del 10.244.1.1/24
check "prefix length 33" 1 "prefix length" \
	"$PN" route add 10.244.1.0/33 via 1.2.3.4 dev lo
check "prefix length 129" 1 "prefix length" \
	"$PN" route add fd00::/129 via 1.2.3.4 dev lo
check "prefix length not a number" 1 "prefix length" \
	"$PN" route add 10.244.1.0/x via 1.2.3.4 dev lo
check "malformed prefix 1.2.3.400/24" 1 \
	'prefix is expected rather than "1.2.3.400/24"' \
	"$PN" route add 1.2.3.400/24 via 1.2.3.4 dev lo
check "malformed via" 1 'address is expected rather than "1.2.3"' \
	"$PN" route add 10.244.1.0/24 via 1.2.3 dev lo
check "route add without via" 1 'argument "via" is required' \
	"$PN" route add 10.244.1.0/24 dev lo
check "route add without prefix" 1 'argument "PREFIX" is required' \
	"$PN" route add
check "route get of a prefix" 1 'address is expected rather than' \
	"$PN" route get 10.244.1.0/24 dev lo
check "peer with a malformed address" 1 'address is expected rather than "node1"' \
	"$PN" peer add node1 dev lo
check "abbreviated object and command (r a)" 1 \
	"Error: Invalid prefix for given prefix length." \
	"$PN" r a 10.244.1.1/24 via 1.2.3.4 dev lo

# --- option values ---
check "vni 0" 1 '"vni" must be 1-16777215' "$PN" link add pn9 vni 0
check "vni 2^24" 1 '"vni" must be 1-16777215' "$PN" link add pn9 vni 16777216
check "port 0 for a device" 1 '"port" must be 1-65535' "$PN" link add pn9 port 0
check "peer port 70000" 1 '"port" must be 0-65535' "$PN" peer add 1.2.3.4 port 70000
check "negative number" 1 '"ttl" must be auto or 0-255' "$PN" link add pn9 ttl -1
check "ttl 256" 1 '"ttl" must be auto or 0-255' "$PN" link add pn9 ttl 256
check "tos word" 1 '"tos" must be inherit or 0-255' "$PN" link add pn9 tos high
check "unknown encap" 1 '"encap" must be vxlan, gpe, ipip, direct or auto' \
	"$PN" peer add 1.2.3.4 encap geneve
check "encap unspec is not a name" 1 '"encap" must be' \
	"$PN" link add pn9 encap unspec
check "bad mac" 1 '"mac" is not a MAC address' \
	"$PN" peer add 1.2.3.4 mac 02:00:00:00:00
check "mode is shown, not set: peer add" 1 'unknown argument "mode" for "peer add"' \
	"$PN" peer add 1.2.3.4 mode direct
check "mode is shown, not set: peer change" 1 'unknown argument "mode" for "peer change"' \
	"$PN" peer change fd00::2 encap auto mode direct
check "mode is not a link option" 1 'unknown argument "mode" for "link add"' \
	"$PN" link add pn9 mode direct
check "scoped IPv6 local refused" 1 'address is expected rather than "fe80::1%lo"' \
	"$PN" link add pn9 local fe80::1%lo
check "bad IPv6 peer" 1 'address is expected rather than "fd00::2::3"' \
	"$PN" peer add fd00::2::3
check "mtu too small" 1 '"mtu" must be 68-65535' "$PN" link add pn9 mtu 10
check "bad local" 1 'address is expected rather than "eth0"' \
	"$PN" link add pn9 local eth0
check "bad device name" 1 '"name" not a valid ifname' "$PN" link add a/b
check "device name too long" 1 '"name" not a valid ifname' \
	"$PN" link add 0123456789abcdef
check "bad dev name" 1 '"dev" not a valid ifname' \
	"$PN" route add 10.0.0.0/8 via 1.2.3.4 dev "a b"

# --- usage errors: exit 1, message on stderr ---
check "unknown object" 1 'Object "frob" is unknown, try "podnetctl help".' \
	"$PN" frob
check "unknown command" 1 'Command "frob" is unknown, try "podnetctl route help".' \
	"$PN" route frob
check "unknown keyword" 1 'unknown argument "nexthop" for "route add"' \
	"$PN" route add 10.0.0.0/8 nexthop 1.2.3.4
check "keywords are not abbreviated" 1 'unknown argument "vi" for "route add"' \
	"$PN" route add 10.0.0.0/8 vi 1.2.3.4
check "option not valid for peer del" 1 'unknown argument "port" for "peer del"' \
	"$PN" peer del 1.2.3.4 port 8472
check "extra argument to link del" 1 'unknown argument "now" for "link del"' \
	"$PN" link del pn0 now
check "missing value" 1 'Command line is not complete. Try option "help"' \
	"$PN" link add pn9 vni
check "duplicate keyword" 1 'Error: duplicate "vni": "6" is the second value.' \
	"$PN" link add pn9 vni 5 vni 6
check "unknown option" 1 'Option "-x" is unknown' "$PN" -x show
check "no command at all" 1 "Usage: podnetctl" "$PN"
check "-batch without a file" 1 "Command line is not complete" "$PN" -batch
check "-n with an unknown namespace" 1 'Cannot enter network namespace "pn-no-such-ns"' \
	"$PN" -n pn-no-such-ns show

# --- help: stdout, exit 0 ---
check "podnetctl help" 0 "" "$PN" help
check_out "help shows every object" "podnetctl route { add | replace }"
check_out "help shows sync" "podnetctl sync [dev NAME] { FILE | - }"
check_out "help shows monitor" "podnetctl [-j] [-p] [-s] monitor [dev NAME]"
for obj in link peer route show sync monitor; do
	check "podnetctl $obj help" 0 "" "$PN" "$obj" help
	check_out "$obj help prints its usage" "Usage: podnetctl"
done
check "-V" 0 "" "$PN" -V
check_out "-V prints the version" "podnetctl "

# --- devices ---
check "unknown device" 1 'Cannot find device "pn-nosuch"' \
	"$PN" route add 10.0.0.0/8 via 1.2.3.4 dev pn-nosuch
check "unknown device in show" 1 'Cannot find device "pn-nosuch"' \
	"$PN" -j show dev pn-nosuch
check_no_out "no JSON after an error before the request"
check "unknown device in link set" 1 'Cannot find device "pn-nosuch"' \
	"$PN" link set pn-nosuch mtu 1400
check "unknown underlay device" 1 'Cannot find device "pn-nosuch"' \
	"$PN" link add pn9 dev pn-nosuch

if [ "$NETNS" = 1 ]; then
	check "netns: link del of a non-podnet device is refused" 1 \
		'Error: "lo" is not a podnet device.' unshare -n "$PN" link del lo
	check "netns: link set of a non-podnet device is refused" 1 \
		'Error: "lo" is not a podnet device.' \
		unshare -n "$PN" link set lo mtu 1400
else
	skip "netns: link del of a non-podnet device is refused" "no unshare -n"
	skip "netns: link set of a non-podnet device is refused" "no unshare -n"
fi

# --- a kernel without the podnet family ---
if [ "$HAVE_MODULE" = 0 ]; then
	for cmd in "show" "-j show" "-s show dev lo" "peer show" "route show" \
		   "peer add 192.168.1.2" "peer del 192.168.1.2 dev lo" \
		   "route add 10.244.2.0/24 via 192.168.1.2" \
		   "route add fd00:2::/64 via 192.168.1.2 dev lo" \
		   "route get 10.244.2.1" "-j route show" "monitor" "-j monitor" \
		   "sync dev lo /dev/null" "-j sync /dev/null" \
		   "peer add fd00::2" "peer add fd00::2 dev lo port 4789 encap gpe" \
		   "peer add fd00::2 encap ipip" "peer change 192.168.1.2 encap auto" \
		   "peer del fd00::2" "route add 10.244.2.0/24 via fd00::2" \
		   "route add fd00:2::/64 via fd00::2 dev lo" \
		   "route replace 10.244.2.0/24 via fd00::3" \
		   "route del fd00:2::/64 via fd00::2" "route get fd00:2::1"; do
		# shellcheck disable=SC2086
		check "no module: $cmd" 1 "$NOMOD" "$PN" $cmd
		check_no_out "no module: $cmd prints nothing on stdout"
	done
	for e in vxlan gpe ipip direct auto; do
		check "no module: peer add with encap $e is sent" 1 "$NOMOD" \
			"$PN" peer add 192.168.1.2 encap "$e"
	done
	printf '%s\n' "10.244.3.0/24 via fd00::3" "fd00:10:244:3::/64 via fd00::3" \
		"peer fd00::3 encap gpe" "peer 192.168.1.4 encap direct" \
		"peer 192.168.1.5 encap auto" >"$TMP/sync6.txt"
	check "no module: sync of IPv6 peers and every encap is parsed, then refused" \
		1 "$NOMOD" "$PN" sync dev lo "$TMP/sync6.txt"
	"$GEN" 100000 >"$TMP/big.txt"
	start=$(date +%s%N)
	check "no module: sync of 100,000 valid routes is parsed, then refused" \
		1 "$NOMOD" "$PN" sync dev lo "$TMP/big.txt"
	end=$(date +%s%N)
	echo "# podnetctl sync of 100,000 valid routes up to the family lookup: $(( (end - start) / 1000000 )) ms"
	if [ "$NETNS" = 1 ]; then
		check "no module, netns: link add" 1 "Error: Unknown device type." \
			unshare -n "$PN" link add pn0 vni 5 port 4789 local 192.168.1.1 \
			encap gpe ttl auto tos inherit mac 02:00:00:00:00:01 mtu 1400
		check "no module, netns: link add with an IPv6 local" 1 \
			"Error: Unknown device type." \
			unshare -n "$PN" link add pn0 local fd00::1 dev lo
		for e in vxlan gpe ipip direct auto; do
			check "no module, netns: link add encap $e is sent" 1 \
				"Error: Unknown device type." \
				unshare -n "$PN" link add pn0 encap "$e"
		done
	else
		skip "no module, netns: link add" "no unshare -n"
		skip "no module, netns: link add with an IPv6 local" "no unshare -n"
		for e in vxlan gpe ipip direct auto; do
			skip "no module, netns: link add encap $e is sent" "no unshare -n"
		done
	fi
else
	skip "no module: the commands fail with \"$NOMOD\"" \
		"the podnet family is present ($HAVE_MODULE)"
fi

# --- sync files: refused with FILE:LINE before anything is sent ---
# sync_err DESC LINES MESSAGE: a file of LINES (printf format) is refused
# with MESSAGE (fixed string) and nothing on stdout.
sync_err() {
	printf '%b' "$2" >"$TMP/sync.txt"
	check "sync: $1" 1 "$3" "$PN" sync dev lo "$TMP/sync.txt"
}
sync_err "bad prefix at line 3" \
	'# comment\n10.244.1.0/24 via 1.2.3.4\n10.244.2.0/33 via 1.2.3.4\n' \
	"$TMP/sync.txt:3: invalid prefix length in \"10.244.2.0/33\": it must be 0-32."
sync_err "malformed prefix at line 2" \
	'10.244.1.0/24 via 1.2.3.4\n10.244.2/24 via 1.2.3.4\n' \
	"$TMP/sync.txt:2: an IPv4 or IPv6 prefix is expected rather than \"10.244.2/24\"."
sync_err "host bits" '\n\n\n10.244.1.1/24 via 1.2.3.4\n' \
	"$TMP/sync.txt:4: Invalid prefix for given prefix length."
sync_err "host bits in IPv6" 'fd00:1::1/64 via 1.2.3.4\n' \
	"$TMP/sync.txt:1: Invalid prefix for given prefix length."
sync_err "missing via" '10.244.1.0/24 via 1.2.3.4\n10.244.2.0/24\n' \
	"$TMP/sync.txt:2: argument \"via\" is required"
sync_err "via without address" '10.244.1.0/24 via\n' \
	"$TMP/sync.txt:1: the line is not complete"
sync_err "malformed via" '10.244.1.0/24 via node2\n' \
	"$TMP/sync.txt:1: an IPv4 or IPv6 address is expected rather than \"node2\"."
sync_err "unknown keyword at the start" 'route 10.244.1.0/24 via 1.2.3.4\n' \
	"$TMP/sync.txt:1: unknown keyword \"route\""
sync_err "unknown keyword after the route" \
	'10.244.1.0/24 via 1.2.3.4 metric 5\n' \
	"$TMP/sync.txt:1: unknown argument \"metric\" for \"sync\""
sync_err "duplicate via" '10.244.1.0/24 via 1.2.3.4 via 1.2.3.5\n' \
	"$TMP/sync.txt:1: duplicate \"via\""
sync_err "bad peer port" 'peer 1.2.3.4 port 70000\n' \
	"$TMP/sync.txt:1: argument \"70000\" is wrong: \"port\" must be 0-65535"
sync_err "bad peer encap" 'peer 1.2.3.4 encap geneve\n' \
	"$TMP/sync.txt:1: argument \"geneve\" is wrong: \"encap\" must be vxlan, gpe, ipip, direct or auto"
sync_err "bad peer mac" 'peer 1.2.3.4 mac 02:00\n' \
	"$TMP/sync.txt:1: argument \"02:00\" is wrong: \"mac\" is not a MAC address"
sync_err "peer without address" 'peer\n' \
	"$TMP/sync.txt:1: argument \"ADDR\" is required"
sync_err "no dev on a peer line" 'peer 1.2.3.4 dev pn0\n' \
	"$TMP/sync.txt:1: unknown argument \"dev\" for \"sync\""
sync_err "a prefix twice" \
	'10.244.1.0/24 via 1.2.3.4\n10.244.2.0/24 via 1.2.3.4\n10.244.1.0/24 via 1.2.3.5\n' \
	"$TMP/sync.txt:3: prefix 10.244.1.0/24 given twice, first at line 1"
sync_err "a peer twice" 'peer 1.2.3.4\npeer 1.2.3.5\npeer 1.2.3.4 port 1\n' \
	"$TMP/sync.txt:3: peer 1.2.3.4 given twice, first at line 1"
check_no_out "sync: nothing on stdout after a file error"
printf '10.244.1.0/24 via 1.2.3.4\n10.244.1.1/24 via 1.2.3.4\n' |
	"$PN" -j sync dev lo - >"$TMP/out" 2>"$TMP/err"
if [ $? = 1 ] && grep -qF "<stdin>:2: Invalid prefix" "$TMP/err" &&
   [ ! -s "$TMP/out" ]; then
	ok "sync -: stdin, named <stdin> in messages, nothing on stdout with -j"
else
	not_ok "sync -: stdin, named <stdin> in messages, nothing on stdout with -j"
fi
check "sync without FILE" 1 'argument "FILE" is required' "$PN" sync
check "sync of a missing file" 1 'Cannot open file "/nonexistent/x"' \
	"$PN" sync dev lo /nonexistent/x
check "sync with an unknown option" 1 'unknown argument "via" for "sync"' \
	"$PN" sync via lo "$TMP/sync.txt"
check "sync dev of an unknown device" 1 'Cannot find device "pn-nosuch"' \
	"$PN" sync dev pn-nosuch /dev/null
printf 'sync dev lo %s\npeer help\n' "$TMP/sync.txt" >"$TMP/batch_sync"
check "-batch: a sync line with a bad file" 1 \
	"Command failed $TMP/batch_sync:1" "$PN" -batch "$TMP/batch_sync"
if grep -qF "$TMP/sync.txt:3: peer 1.2.3.4 given twice" "$TMP/err"; then
	ok "-batch: the sync file's own FILE:LINE comes first"
else
	not_ok "-batch: the sync file's own FILE:LINE comes first"
fi
printf 'sync dev lo %s\nroute add 10.0.0.0/8\n' "$TMP/sync.txt" >"$TMP/batch_sync2"
check "-force -batch: after a sync file error, the next line's error is not the file's" \
	1 'Error: argument "via" is required' \
	"$PN" -force -batch "$TMP/batch_sync2"

# 100,000 routes: the error on the last line is found, with its number
"$GEN" 100000 >"$TMP/big.txt"
echo "10.244.1.1/24 via 1.2.3.4" >>"$TMP/big.txt"
start=$(date +%s%N)
check "sync of 100,000 routes: error at line 100002" 1 \
	"$TMP/big.txt:100002: Invalid prefix for given prefix length." \
	"$PN" sync dev lo "$TMP/big.txt"
end=$(date +%s%N)
echo "# podnetctl sync of a $(wc -c <"$TMP/big.txt")-byte file of 100,000 routes, refused at its last line: $(( (end - start) / 1000000 )) ms (process, read, parse, duplicate check)"

# --- monitor ---
check "monitor with an unknown option" 1 'unknown argument "group" for "monitor"' \
	"$PN" monitor group events
check "monitor dev of an unknown device" 1 'Cannot find device "pn-nosuch"' \
	"$PN" monitor dev pn-nosuch

# --- -batch ---
cat >"$TMP/batch" <<'EOF'
# a comment, then a blank line

route help   # a trailing comment
route add 10.244.1.1/24 via 1.2.3.4 dev lo
peer help
EOF
check "-batch stops at the first error" 1 "Command failed $TMP/batch:4" \
	"$PN" -batch "$TMP/batch"
check_out "-batch ran the lines before the error" "podnetctl route"
if grep -qF "podnetctl peer add" "$TMP/out"; then
	not_ok "-batch did not run the lines after the error"
else
	ok "-batch did not run the lines after the error"
fi
check "-force -batch goes on, exits 1" 1 "Command failed $TMP/batch:4" \
	"$PN" -force -batch "$TMP/batch"
check_out "-force ran the lines after the error" "podnetctl peer add"

printf 'route \\\n  help\nlink "help"\n' >"$TMP/batch2"
check "-batch: continuation lines and quotes" 0 "" "$PN" -batch "$TMP/batch2"
check_out "-batch: continued line ran" "podnetctl route"
check_out "-batch: quoted word ran" "podnetctl link add"

printf 'route add 10.0.0.0/8 via 1.2.3.4 dev "unterminated\n' >"$TMP/batch3"
check "-batch: unterminated quote" 1 "Unterminated quoted string" \
	"$PN" -batch "$TMP/batch3"

printf 'peer help\nfrob\n' | "$PN" -batch - >"$TMP/out" 2>"$TMP/err"
if [ $? = 1 ] && grep -qF "Command failed -:2" "$TMP/err" &&
   grep -qF "podnetctl peer add" "$TMP/out"; then
	ok "-batch - reads stdin"
else
	not_ok "-batch - reads stdin"
fi
check "-batch of a missing file" 1 'Cannot open file "/nonexistent/x"' \
	"$PN" -batch /nonexistent/x

echo "1..$N"
[ "$FAILED" = 0 ]
