#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh [--skip GROUP]... [GROUP...]
#
# The static checks of the netdev CI (NIPA), on this tree. Prints TAP: the
# plan "1..N", then one "ok"/"not ok" line per check (per file for
# checkpatch, shellcheck and yamllint, per kernel for sparse), diagnostics
# as "# " lines. Exit status 0 only when every check passed.
#
# Groups (default: all of them; --skip leaves one out):
#   - checkpatch: checkpatch.pl --strict --no-tree -f with NIPA's ignore list
#     and --max-line-length=80 on kmod/*.[ch], kmod/tests/*.c,
#     selftests/nicsim/*.c (a test fixture module) and
#     uapi/linux/podnet.h: no error, warning or check. One exception: the
#     82-column SPDX line of the dual-licensed uapi header. Then codespell
#     with checkpatch's dictionary (what --codespell would report, faster),
#     when codespell is installed.
#   - sparse: SPARSE=1 scripts/build.sh --module-only KVER (W=1 C=2) for each
#     kernel of scripts/kernels.sh: no warning in our files.
#   - kernel-doc: scripts/kernel-doc -none, and -Wall -none, on the same
#     files: no warning; every non-static function of kmod/ has kernel-doc.
#   - shellcheck: every shell script, with -x -e SC2317 -e SC2329.
#   - yamllint: yamllint -s with .yamllint on every YAML file.
#   - analyze: make -C userspace analyze (gcc -fanalyzer -Wall -Wextra
#     -Werror), in a scratch copy: that target cleans its tree.
#   - ynl: Documentation/netlink/specs/podnet.yaml validates against
#     Documentation/netlink/genetlink.yaml, and the uapi header that
#     ynl-gen-c.py generates from it has every enum value and constant of
#     uapi/linux/podnet.h, by name and value (the rtnetlink IFLA_PODNET_*
#     are not part of the family), and nothing more; the genl_ops table of
#     kmod/netlink.c has the spec's commands, do/dump and permission flags.
#
# The kernel's tools come from Debian's linux-source-6.12, unpacked in the
# cache by scripts/intree.sh. Environment: PODNET_KSRC (a kernel source
# tree to use instead), PODNET_CACHE (default /var/cache/podnet),
# LINT_JOBS (checks run at once, default: the number of CPUs).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/.." && pwd -P)
cd "$repo"

all_groups=(checkpatch sparse kernel-doc shellcheck yamllint analyze ynl)
groups=()
skip=()
while [ $# -gt 0 ]; do
	case "$1" in
	--skip) [ $# -ge 2 ] || { echo "lint.sh: --skip needs a group" >&2; exit 2; }
		skip+=("$2"); shift 2; continue ;;
	-h|--help) sed -n '4,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	-*) echo "usage: lint.sh [--skip GROUP]... [GROUP...]" >&2; exit 2 ;;
	esac
	groups+=("$1")
	shift
done
[ ${#groups[@]} -gt 0 ] || groups=("${all_groups[@]}")
for g in "${groups[@]}" "${skip[@]}"; do
	case " ${all_groups[*]} " in
	*" $g "*) ;;
	*) echo "lint.sh: unknown group $g (${all_groups[*]})" >&2; exit 2 ;;
	esac
done
wanted() {
	case " ${groups[*]} " in *" $1 "*) ;; *) return 1 ;; esac
	case " ${skip[*]} " in *" $1 "*) return 1 ;; esac
	return 0
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/podnet-lint.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s%N)

# --- tools -----------------------------------------------------------------

# The kernel tree with checkpatch.pl, kernel-doc and tools/net/ynl.
ksrc=${PODNET_KSRC:-}
if [ -z "$ksrc" ]; then
	ksrc=${PODNET_CACHE:-/var/cache/podnet}/src/linux-source-6.12
	# intree.sh unpacks it, under the lock kernel builds share: only
	# when it is not there yet.
	[ -f "$ksrc/scripts/checkpatch.pl" ] || ksrc=$("$here/intree.sh" tree)
fi

# A python3 with yaml and jsonschema (Debian's: python3-yaml,
# python3-jsonschema), the one ynl's tools need.
python=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import yaml, jsonschema' 2>/dev/null; then
		python=$p
		break
	fi
done

# The dictionary checkpatch --codespell reads (codespell's own).
codespell_dict=
if command -v codespell >/dev/null && [ -n "$python" ]; then
	codespell_dict=$("$python" -c 'import codespell_lib, os
print(os.path.join(os.path.dirname(codespell_lib.__file__), "data", "dictionary.txt"))' 2>/dev/null) || true
	[ -f "$codespell_dict" ] || codespell_dict=
fi

# --- files -----------------------------------------------------------------

# What git would commit (tracked and untracked, not ignored), or everything
# but build products outside a git checkout; one path a line.
tree_files() {
	if git rev-parse --git-dir >/dev/null 2>&1; then
		git ls-files -co --exclude-standard
	else
		find . \( -name .git -o -path ./build -o -path ./results \) -prune -o \
			-type f -print | sed 's|^\./||'
	fi | while IFS= read -r f; do
		case "$f" in build/*|results/*) continue ;; esac
		[ -f "$f" ] && printf '%s\n' "$f"
	done | LC_ALL=C sort
}
mapfile -t files < <(tree_files)

c_files=()
shell_files=()
yaml_files=()
for f in "${files[@]}"; do
	case "$f" in
	kmod/*.[ch]|uapi/linux/podnet.h)
		# kmod/ and kmod/tests/ (a case pattern's * matches "/" too)
		case "$f" in kmod/*/*/*|kmod/*/*.h) ;; *) c_files+=("$f") ;; esac ;;
	selftests/nicsim/*.c) c_files+=("$f") ;;	# a test fixture module
	esac
	case "$f" in
	*.sh) shell_files+=("$f") ;;
	*.yaml|*.yml|.yamllint|*/.yamllint) yaml_files+=("$f") ;;
	*)	# no extension: a shell script if its #! says so (.ci/run)
		case "${f##*/}" in *.*) continue ;; esac
		if head -n 1 "$f" 2>/dev/null | grep -qE '^#!.*[/ ](ba|da|k)?sh( |$)'; then
			shell_files+=("$f")
		fi ;;
	esac
done

# --- the checks ------------------------------------------------------------
#
# Each check is a function run with its output in a file; its exit status
# is the verdict. They run LINT_JOBS at a time, the TAP lines come out in
# order.

names=()
cmds=()
add() { # NAME FUNCTION [ARG...]
	names+=("$1")
	shift
	local q
	printf -v q '%q ' "$@"
	cmds+=("$q")
}

need_ksrc() {
	[ -f "$ksrc/$1" ] && return 0
	echo "no $ksrc/$1 (scripts/deps.sh installs linux-source-6.12)"
	return 1
}

need_python() {
	[ -n "$python" ] && return 0
	echo "no python3 with yaml and jsonschema (scripts/deps.sh: python3-yaml python3-jsonschema)"
	return 1
}

need_tool() {
	command -v "$1" >/dev/null && return 0
	echo "no $1 (scripts/deps.sh)"
	return 1
}

check_checkpatch() { # FILE
	local out findings spdx
	need_ksrc scripts/checkpatch.pl || return 1
	local ignore=COMMIT_LOG_LONG_LINE,MACRO_ARG_REUSE,ALLOC_SIZEOF_STRUCT
	ignore+=,NO_AUTHOR_SIGN_OFF,GIT_COMMIT_ID,CAMELCASE,FILE_PATH_CHANGES
	ignore+=,BAD_REPORTED_BY_LINK
	out=$("$ksrc/scripts/checkpatch.pl" --strict --no-tree --emacs --show-types \
		--max-line-length=80 "--ignore=$ignore" -f "$1" 2>&1) || true
	if ! grep -q '^total: ' <<<"$out"; then
		printf '%s\n' "$out"
		echo "checkpatch.pl did not finish"
		return 1
	fi
	# "FILE:LINE: TYPE:NAME: message", then "#LINE: FILE: ..." and the
	# line itself ("+..."): the findings with their lines. The SPDX tag of
	# a dual-licensed uapi header is 82 columns and may not be wrapped;
	# every other finding counts.
	spdx=$(sed -n '1{/SPDX-License-Identifier:/p}' "$1" | grep -c . || true)
	findings=$(awk -v f="$1" -v spdx="$spdx" '
		index($0, f ":") == 1 && / (ERROR|WARNING|CHECK):/ {
			skip = ($0 ~ /^[^ ]+:1: CHECK:LONG_LINE_COMMENT:/ && spdx)
			if (!skip) print
			want = !skip
			next
		}
		want && /^\+/ { print "    " substr($0, 2); want = 0 }
	' <<<"$out")
	[ -z "$findings" ] && return 0
	printf '%s\n' "$findings"
	return 1
}

# codespell with the dictionary checkpatch --codespell uses, on the files
# checkpatch sees: the same findings, in a second instead of a minute
# (checkpatch matches every line against all 37000 words at once).
check_codespell() {
	codespell -D "$codespell_dict" "${c_files[@]}" 2>&1
}

check_sparse() { # KVER
	local out rc=0
	out=$(SPARSE=1 "$here/build.sh" --module-only "$1" 2>&1) || rc=$?
	[ "$rc" -eq 0 ] && return 0
	# build.sh prints the whole make log on failure: keep what matters.
	grep -E ': (warning|error):|^WARNING: |^build\.sh: ' <<<"$out" || printf '%s\n' "$out"
	return 1
}

check_kernel_doc() { # FLAGS...
	local out
	need_ksrc scripts/kernel-doc || return 1
	# kernel-doc exits 0 whatever it finds: count its warnings.
	out=$("$ksrc/scripts/kernel-doc" "$@" -none "${c_files[@]}" 2>&1) || {
		printf '%s\n' "$out"
		return 1
	}
	[ -z "$out" ] && return 0
	printf '%s\n' "$out"
	return 1
}

# Every function defined without "static" in a kmod/ .c file needs a
# kernel-doc comment right above it that names it (kernel-doc checks the
# rest: parameters, Return:).
check_kernel_doc_all() {
	local srcs=() f
	need_python || return 1
	for f in "${c_files[@]}"; do
		case "$f" in kmod/*.c) srcs+=("$f") ;; esac
	done
	"$python" - "${srcs[@]}" <<-'EOF'
	import re
	import sys

	# A definition: return type and name at column 0, "{" alone on the
	# line after the parameter list.
	DEF = re.compile(r'^(?!static\b)([A-Za-z_][\w \t*]*?[\s*])([A-Za-z_]\w*)'
	                 r'\s*\(([^;{}]*?)\)\s*\n\{', re.M)
	bad = 0
	for path in sys.argv[1:]:
	    with open(path) as f:
	        text = f.read()
	    for m in DEF.finditer(text):
	        head, name = m.group(1).strip(), m.group(2)
	        if head.split()[0] in ('return', 'else', 'typedef', 'extern'):
	            continue
	        line = text.count('\n', 0, m.start(2)) + 1
	        before = text[:m.start()].rstrip()
	        start = before.rfind('/*')
	        doc = before[start:] if before.endswith('*/') else ''
	        if not doc.startswith('/**'):
	            print(f'{path}:{line}: {name}() is not static and has no kernel-doc')
	            bad += 1
	        elif not re.match(r'/\*\*\s*\n\s*\*\s*' + re.escape(name) + r'(\(\))?\s+-', doc):
	            print(f'{path}:{line}: the kernel-doc above {name}() does not name it')
	            bad += 1
	sys.exit(1 if bad else 0)
	EOF
}

check_shellcheck() { # FILE
	need_tool shellcheck || return 1
	if [ ! -e "$1" ]; then
		echo "$1 is gone (renamed while lint.sh ran?)"
		return 1
	fi
	shellcheck -x -e SC2317 -e SC2329 "$1" 2>&1
}

check_yamllint() { # FILE
	need_tool yamllint || return 1
	yamllint -s -f parsable -c .yamllint "$1" 2>&1
}

check_analyze() {
	local copy=$tmp/analyze
	need_tool gcc || return 1
	mkdir -p "$copy" && cp -a userspace uapi "$copy/" || return 1
	make -s -C "$copy/userspace" analyze 2>&1
}

# The spec loads (lib.SpecFamily validates it with jsonschema) against the
# vendored schema, the way cli.py --spec ... --schema ... loads it.
check_ynl_schema() {
	need_ksrc tools/net/ynl/lib/nlspec.py || return 1
	need_python || return 1
	"$python" - "$ksrc/tools/net/ynl" Documentation/netlink/specs/podnet.yaml \
		Documentation/netlink/genetlink.yaml <<-'EOF'
	import sys

	sys.path.insert(0, sys.argv[1])
	from lib import SpecFamily

	try:
	    SpecFamily(sys.argv[2], sys.argv[3])
	except Exception as e:
	    # A jsonschema.ValidationError: where, and what (not the schema).
	    where = '/'.join(str(p) for p in getattr(e, 'absolute_path', []))
	    print(f'{sys.argv[2]}: {where}: {getattr(e, "message", e)}')
	    sys.exit(1)
	EOF
}

# ynl-gen-c.py --mode uapi, compared with our hand-written header: every
# enum value and #define of each must be in the other, same name, same
# value (and same enum type when both are enum values), but for the
# rtnetlink IFLA_PODNET_*; the generator's PODNET_FAMILY_NAME/VERSION and
# PODNET_MCGRP_<G> are our PODNET_GENL_NAME/VERSION/MCGRP_<G>.
check_ynl_uapi() {
	local gen=$tmp/podnet-gen.h
	need_ksrc tools/net/ynl/ynl-gen-c.py || return 1
	need_python || return 1
	# The generator walks up from the spec to a MAINTAINERS file (this
	# tree has one) and loops forever without: absolute path, timeout.
	if [ ! -f MAINTAINERS ]; then
		echo "no MAINTAINERS file at the top of the tree (ynl-gen-c.py needs one)"
		return 1
	fi
	if ! timeout 60 "$python" "$ksrc/tools/net/ynl/ynl-gen-c.py" --mode uapi --header \
		--spec "$repo/Documentation/netlink/specs/podnet.yaml" -o "$gen" \
		>"$tmp/ynl-gen.log" 2>&1; then
		# The exception at the end of its traceback.
		grep -E '^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception)\b' "$tmp/ynl-gen.log" ||
			tail -n 3 "$tmp/ynl-gen.log"
		echo "ynl-gen-c.py --mode uapi failed"
		return 1
	fi
	"$python" - "$gen" uapi/linux/podnet.h <<-'EOF'
	import ast
	import re
	import sys

	def ceval(expr, env):
	    expr = re.sub(r'\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b', r'\1', expr)
	    if not re.fullmatch(r'[\w\s()+\-*<>|&~]*', expr):
	        raise ValueError(f'cannot evaluate {expr!r}')
	    return eval(expr, {'__builtins__': {}}, env)

	def symbols(path):
	    """name -> (enum tag or '#define', value) of a uapi header"""
	    with open(path) as f:
	        text = f.read()
	    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
	    text = re.sub(r'//[^\n]*', '', text)
	    syms, env = {}, {}
	    for m in re.finditer(r'\benum\s+(\w*)\s*\{(.*?)\}\s*;', text, re.S):
	        tag, val = 'enum ' + (m.group(1) or '(anonymous)'), -1
	        for item in m.group(2).split(','):
	            item = item.strip()
	            if not item:
	                continue
	            name, _, expr = (s.strip() for s in item.partition('='))
	            val = ceval(expr, env) if expr else val + 1
	            env[name] = val
	            syms[name] = (tag, val)
	    for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]*(.*?)\s*$',
	                         text, re.M):
	        name, body = m.groups()
	        if not body:
	            continue        # include guard
	        val = ast.literal_eval(body) if body.startswith('"') else ceval(body, env)
	        env[name] = val
	        syms[name] = ('#define', val)
	    return syms

	gen_path, our_path = sys.argv[1:]
	gen, ours = symbols(gen_path), symbols(our_path)
	alias = {'PODNET_FAMILY_NAME': 'PODNET_GENL_NAME',
	         'PODNET_FAMILY_VERSION': 'PODNET_GENL_VERSION'}
	for name in gen:
	    if name.startswith('PODNET_MCGRP_'):
	        alias[name] = 'PODNET_GENL_' + name[len('PODNET_'):]
	bad = []
	for name, (kind, val) in gen.items():
	    our = alias.get(name, name)
	    if our not in ours:
	        bad.append(f'{our} = {val!r} ({kind}) is in the spec, not in {our_path}')
	        continue
	    okind, oval = ours[our]
	    if oval != val:
	        bad.append(f'{our}: {oval!r} in {our_path}, {val!r} in the spec')
	    elif kind.startswith('enum') and okind.startswith('enum') and kind != okind:
	        bad.append(f'{our}: in {okind} in {our_path}, in {kind} in the spec')
	back = {v: k for k, v in alias.items()}
	for name, (kind, val) in ours.items():
	    if name.startswith(('IFLA_PODNET_', '__IFLA_PODNET_')):
	        continue        # rtnetlink, not the genl family
	    if back.get(name, name) not in gen:
	        bad.append(f'{name} = {val!r} ({kind}) is in {our_path}, not in the spec')
	for line in bad:
	    print(line)
	print(f'{len(gen)} names from the spec, {len(ours)} in {our_path}, '
	      f'{len(bad)} differences')
	sys.exit(1 if bad else 0)
	EOF
}

# The genl_ops table of kmod/netlink.c against the spec's operations: the
# same commands, each with a doit exactly when the spec has "do", a dumpit
# exactly when it has "dump", and the same permission flags.
check_ynl_ops() {
	need_python || return 1
	"$python" - Documentation/netlink/specs/podnet.yaml kmod/netlink.c <<-'EOF'
	import re
	import sys

	import yaml

	spec_path, c_path = sys.argv[1:]
	with open(spec_path) as f:
	    spec = yaml.safe_load(f)
	want = {}
	for op in spec['operations']['list']:
	    if 'do' in op or 'dump' in op:
	        want[op['name']] = ('do' in op, 'dump' in op,
	                            sorted(op.get('flags', [])))
	with open(c_path) as f:
	    text = re.sub(r'/\*.*?\*/', ' ', f.read(), flags=re.S)
	m = re.search(r'struct\s+genl_(?:small_)?ops\s+\w+\[\]\s*=\s*\{(.*?)\n\};', text, re.S)
	if not m:
	    print(f'{c_path}: no genl_ops table found')
	    sys.exit(1)
	have = {}
	for entry in re.findall(r'\{(.*?)\}', m.group(1), re.S):
	    fields = dict(re.findall(r'\.(\w+)\s*=\s*([^,]+?)\s*,?\s*$', entry, re.M))
	    cmd = fields.get('cmd', '?')
	    name = cmd.removeprefix('PODNET_CMD_').lower().replace('_', '-')
	    flags = sorted(f.strip().removeprefix('GENL_').lower().replace('_', '-')
	                   for f in fields.get('flags', '').split('|') if f.strip())
	    have[name] = ('doit' in fields, 'dumpit' in fields, flags)
	bad = 0
	for name in sorted(set(want) | set(have)):
	    if name not in have:
	        print(f'{name}: in the spec, not in {c_path}')
	    elif name not in want:
	        print(f'{name}: in {c_path}, not in the spec')
	    elif want[name] != have[name]:
	        show = lambda t: f'do={t[0]} dump={t[1]} flags={t[2]}'
	        print(f'{name}: spec {show(want[name])}, {c_path} {show(have[name])}')
	    else:
	        continue
	    bad += 1
	print(f'{len(want)} operations in the spec, {len(have)} in {c_path}, {bad} differences')
	sys.exit(1 if bad else 0)
	EOF
}

notes=()
if wanted checkpatch; then
	for f in "${c_files[@]}"; do
		add "checkpatch $f" check_checkpatch "$f"
	done
	if [ -n "$codespell_dict" ]; then
		add "codespell (checkpatch's dictionary) on kmod/ and uapi/" check_codespell
	else
		notes+=("codespell is not installed: no spelling check (scripts/deps.sh)")
	fi
fi
if wanted sparse; then
	mapfile -t kvers < <("$here/kernels.sh")
	[ ${#kvers[@]} -gt 0 ] || add "sparse: a kernel with headers (scripts/deps.sh)" false
	for k in "${kvers[@]}"; do
		add "sparse (W=1 C=2) $k" check_sparse "$k"
	done
fi
if wanted kernel-doc; then
	add "kernel-doc -none" check_kernel_doc
	add "kernel-doc -Wall -none" check_kernel_doc -Wall
	add "kernel-doc on every non-static function of kmod/" check_kernel_doc_all
fi
if wanted shellcheck; then
	for f in "${shell_files[@]}"; do
		add "shellcheck $f" check_shellcheck "$f"
	done
fi
if wanted yamllint; then
	for f in "${yaml_files[@]}"; do
		add "yamllint $f" check_yamllint "$f"
	done
fi
if wanted analyze; then
	add "userspace: make analyze (gcc -fanalyzer)" check_analyze
fi
if wanted ynl; then
	add "ynl: podnet.yaml validates against genetlink.yaml" check_ynl_schema
	add "ynl: uapi/linux/podnet.h agrees with podnet.yaml" check_ynl_uapi
	add "ynl: the genl_ops of kmod/netlink.c agree with podnet.yaml" check_ynl_ops
fi

n=${#names[@]}
jobs=${LINT_JOBS:-$(nproc)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1

# The longest first: the sparse builds, then the rest in order.
order=()
for ((i = 0; i < n; i++)); do
	case "${names[i]}" in sparse*) order+=("$i") ;; esac
done
for ((i = 0; i < n; i++)); do
	case "${names[i]}" in sparse*) ;; *) order+=("$i") ;; esac
done

run_one() { # INDEX
	local rc=0 t0
	t0=$(date +%s%N)
	eval "${cmds[$1]}" >"$tmp/$1.out" 2>&1 </dev/null || rc=$?
	echo "$(( ($(date +%s%N) - t0) / 1000000 ))" >"$tmp/$1.ms"
	echo "$rc" >"$tmp/$1.rc"
}

# print_result INDEX: its TAP line, and up to 60 lines of diagnostics.
failed=0
print_result() {
	local i=$1 rc out lines
	rc=$(cat "$tmp/$i.rc")
	if [ "$rc" -eq 0 ]; then
		echo "ok $((i + 1)) - ${names[i]}"
	else
		echo "not ok $((i + 1)) - ${names[i]}"
		failed=$((failed + 1))
	fi
	out=$tmp/$i.out
	if [ "$rc" -ne 0 ] && [ -s "$out" ]; then
		lines=$(wc -l <"$out")
		sed -n '1,60s/^/# /p' "$out"
		[ "$lines" -le 60 ] || echo "# ... $((lines - 60)) more lines"
	fi
	if [ "$(cat "$tmp/$i.ms")" -ge 5000 ]; then
		echo "# ${names[i]}: $(cat "$tmp/$i.ms") ms"
	fi
}

echo "1..$n"
for note in "${notes[@]}"; do
	echo "# lint: $note"
done
next=0
printed=0
running=0
while [ "$printed" -lt "$n" ]; do
	while [ "$running" -lt "$jobs" ] && [ "$next" -lt "$n" ]; do
		run_one "${order[next]}" &
		next=$((next + 1))
		running=$((running + 1))
	done
	if [ "$running" -gt 0 ]; then
		wait -n || true
		running=$((running - 1))
	elif [ ! -f "$tmp/$printed.rc" ]; then
		# Every check has ended: one that wrote no verdict died.
		echo "the check ended without a verdict" >>"$tmp/$printed.out"
		echo 0 >"$tmp/$printed.ms"
		echo 1 >"$tmp/$printed.rc"
	fi
	while [ "$printed" -lt "$n" ] && [ -f "$tmp/$printed.rc" ]; do
		print_result "$printed"
		printed=$((printed + 1))
	done
done
wait

ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "# lint: $((n - failed)) passed, $failed failed, $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"
[ "$failed" -eq 0 ]
