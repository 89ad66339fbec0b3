#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/docs.sh: the documentation builds without a warning. Every
# reStructuredText file under Documentation/ parses with docutils at
# warning level (a malformed table, a dangling reference, a bad title
# underline fail it: Sphinx, which the kernel's htmldocs use, reports the
# same), and every man page formats with groff -man -ww without a
# warning. A control first: a table with text in its column margin (the
# mistake podnet.rst once had) must be reported, so the check can fail.
# TAP.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
cd "$repo" || exit 1

mapfile -t rst < <(find Documentation -name '*.rst' | sort)
mapfile -t man < <(find Documentation/man -name '*.[1-8]' | sort)
echo "1..$((1 + ${#rst[@]} + ${#man[@]}))"
n=0
fail=0
point() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}

# rst_warnings FILE: docutils' warnings and errors about FILE
rst_warnings() {
	python3 - "$1" <<-'EOF' 2>&1
	import io, sys
	try:
	    import docutils.core
	except ImportError:
	    print("docutils is missing (Debian: python3-docutils)")
	    sys.exit(1)
	src = open(sys.argv[1]).read()
	err = io.StringIO()
	docutils.core.publish_doctree(src, source_path=sys.argv[1],
	    settings_overrides={"warning_stream": err, "report_level": 2,
	                        "halt_level": 5})
	sys.stdout.write(err.getvalue())
	EOF
}

ctl=$(mktemp --suffix=.rst)
trap 'rm -f "$ctl"' EXIT
printf '%s\n' '=====  =====' 'a      b' '=====  =====' 'x      y' \
	'toolong z' '=====  =====' > "$ctl"
out=$(rst_warnings "$ctl")
[[ $out == *"Malformed table"* ]]
point $? "control: a malformed table is reported (${out%%$'\n'*})"

for f in "${rst[@]}"; do
	out=$(rst_warnings "$f")
	[ -z "$out" ]
	point $? "$f: docutils, no warning"
	[ -z "$out" ] || sed -n '1,20s/^/# /p' <<< "$out"
done
for f in "${man[@]}"; do
	out=$(LC_ALL=C.UTF-8 groff -man -ww -z "$f" 2>&1)
	[ -z "$out" ]
	point $? "$f: groff -man -ww, no warning"
	[ -z "$out" ] || sed -n '1,20s/^/# /p' <<< "$out"
done
exit "$fail"
