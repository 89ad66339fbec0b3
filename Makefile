# SPDX-License-Identifier: GPL-2.0
#
# podnet: top-level targets. The kernel's build system reads Kbuild (not this
# file) for the module itself.
#
#   make            dependency check, module for every installed kernel, podnetctl
#   make module     the module only (build/<KVER>/podnet.ko; KVERS="V1 V2" to choose)
#   make userspace  podnetctl (userspace/)
#   make check      build, then run the selftests in a VM per kernel
#   make lint       the netdev CI's static checks, TAP (scripts/lint.sh)
#   make kunit      the KUnit suites with kunit.py on UML (scripts/kunit.sh)
#   make debug      the KASAN/lockdep/kmemleak kernel, podnet built in
#   make demo       the demo (scripts/demo.sh)
#   make bench      the benchmark in a VM (scripts/bench.sh; BENCH_SMOKE=1: a
#                   short run that only proves it works, TAP)
#   make clean      remove build products; distclean also removes results/
#
# SPARSE=1 runs sparse (C=2) on the module sources.

KVERS ?=
SHELL := /bin/bash

.PHONY: all deps module userspace check lint kunit debug demo bench clean distclean help

all: deps
	scripts/build.sh $(KVERS)

deps:
	scripts/deps.sh

module:
	scripts/build.sh --module-only $(KVERS)

userspace:
	$(MAKE) -C userspace

check: deps
	scripts/check.sh

lint: deps
	scripts/lint.sh

kunit: deps
	scripts/kunit.sh

debug: deps
	scripts/debug-kernel.sh

demo: deps
	scripts/demo.sh

bench: deps
	scripts/bench.sh

clean:
	rm -rf build
	if [ -f userspace/Makefile ]; then $(MAKE) -C userspace clean; fi

distclean: clean
	rm -rf results

help:
	@sed -n '3,18s/^# \{0,1\}//p' Makefile
