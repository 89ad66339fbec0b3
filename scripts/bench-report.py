#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py: the table, JSON and chart of "make bench".

    bench-report.py RAW.tsv OUT_PREFIX [--command CMD] [--date DATE]
                    [--rst FILE.rst --png-name NAME.png]

RAW.tsv holds the samples scripts/bench-guest.sh wrote (METRIC, VARIANT,
ROUND, VALUE, tab-separated). Each figure is the median of its rounds.
Writes OUT_PREFIX.txt (the table: figures, ratios podnet / flannel-vxlan
and podnet / no overlay, the targets of issue 5 with met or MISSED),
OUT_PREFIX.json (the same, for programs) and OUT_PREFIX.png (the chart,
by gnuplot). With --rst, also FILE.rst: the table in reStructuredText with
the command that made it and the chart (NAME.png, copied next to it).
Exit status 0 when the table could be made (missed targets included); 1
when a figure is missing or the chart failed.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap

VARIANTS = ["none", "flannel-vxlan", "linux-ipip", "podnet-vxlan",
            "podnet-gpe", "podnet-ipip", "podnet-direct"]
PODNET = [v for v in VARIANTS if v.startswith("podnet-")]
ENCAPSULATED = ["podnet-vxlan", "podnet-gpe", "podnet-ipip"]
# column: (metric, heading, unit, scale, format, higher is better)
COLUMNS = [
    ("tcp1_mbps", "TCP 1 stream", "Mbit/s", 1, "%.0f", True),
    ("tcp4_mbps", "TCP 4 streams", "Mbit/s", 1, "%.0f", True),
    ("rtt_p50_us", "RTT p50", "us", 1, "%.1f", False),
    ("rtt_p99_us", "RTT p99", "us", 1, "%.1f", False),
    ("udp64_pps", "UDP 64 B", "kpps", 1e-3, "%.1f", True),
]
# the guest's clock (bench.sh's BENCH_CLOCK)
CLOCKS = {
    "icount": "qemu -icount: a fixed step per emulated instruction (the "
              "figures count instructions; the host's load cannot move them)",
    "host": "the host's (the host's load moves the figures)",
}


def load(path):
    samples, meta = {}, {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                continue
            metric, variant, rnd, value = parts
            if metric == "meta":
                meta[variant] = value
                continue
            try:
                samples.setdefault((metric, variant), []).append(float(value))
            except ValueError:
                pass
    figures = {k: statistics.median(v) for k, v in samples.items()}
    return figures, samples, meta


def fmt(value, form="%.1f"):
    return "-" if value is None else form % value


def ratio(a, b):
    if a is None or b in (None, 0):
        return None
    return a / b


class Report:
    def __init__(self, figures, samples, meta):
        self.f = figures
        self.samples = samples
        self.meta = meta
        self.missing = []
        self.targets = []

    def get(self, metric, variant):
        v = self.f.get((metric, variant))
        if v is None:
            self.missing.append("%s %s" % (metric, variant))
        return v

    def scale_sizes(self):
        sizes = {int(v.split("-", 1)[1]) for (m, v) in self.f
                 if m == "scale_tcp1_mbps" and v.startswith("routes-")}
        return sorted(sizes)

    def target(self, name, value, op, limit, unit=""):
        if value is None:
            met = None
        elif op == ">=":
            met = value >= limit
        else:
            met = value <= limit
        self.targets.append({"target": name, "value": value, "op": op,
                             "limit": limit, "unit": unit, "met": met})

    def compute(self):
        g = self.get
        for m in ("tcp1_mbps", "tcp4_mbps"):
            n = m.split("_")[0].replace("tcp", "TCP ") + " stream(s)"
            self.target("podnet-vxlan / flannel-vxlan, %s" % n,
                        ratio(g(m, "podnet-vxlan"), g(m, "flannel-vxlan")),
                        ">=", 1.0, "x")
            self.target("podnet-gpe / flannel-vxlan, %s" % n,
                        ratio(g(m, "podnet-gpe"), g(m, "flannel-vxlan")),
                        ">=", 1.05, "x")
            for v in ENCAPSULATED:
                self.target("%s / no overlay, %s" % (v, n),
                            ratio(g(m, v), g(m, "none")), ">=", 0.85, "x")
        self.target("RTT p99 podnet-vxlan / flannel-vxlan",
                    ratio(g("rtt_p99_us", "podnet-vxlan"),
                          g("rtt_p99_us", "flannel-vxlan")), "<=", 1.0, "x")
        sizes = self.scale_sizes()
        if sizes:
            big = sizes[-1]
            self.target("TCP 1 stream, %d routes / 1 route" % big,
                        ratio(g("scale_tcp1_mbps", "routes-%d" % big),
                              g("scale_tcp1_mbps", "routes-%d" % sizes[0])),
                        ">=", 0.97, "x")
        est = self.native_lookup()
        if est is not None:
            self.target("lookup, %s mixed prefixes (in-kernel, native estimate)"
                        % "{:,}".format(int(g("lookup_prefixes", "kernel") or 0)),
                        est, "<=", 100, "ns")
        else:
            self.target("lookup, %s mixed prefixes (in-kernel, emulated CPU)"
                        % "{:,}".format(int(g("lookup_prefixes", "kernel") or 0)),
                        g("lookup_ns_per_lookup", "kernel"), "<=", 100, "ns")
        slab = g("mem_bytes_per_route", "podnet_route")
        index = g("mem_index_bytes_per_route", "podnet_route")
        self.target("kernel memory per route (route cache slabs + index)",
                    None if slab is None or index is None else slab + index,
                    "<=", 128, "bytes")
        self.target("install node routes: flannel's 3 tables / podnetctl -batch",
                    ratio(g("cp_install_ms", "flannel-vxlan"),
                          g("cp_install_ms", "podnet-batch")), ">=", 5.0, "x")
        # issue 20: podnetd
        self.target("podnetd start to full table: flanneld's way / podnetd",
                    ratio(g("pd_start_ms", "flannel-way"),
                          g("pd_start_ms", "podnetd")), ">=", 10.0, "x")
        self.target("podnetd: etcd put to kernel route, p99",
                    g("pd_event_p99_ms", "podnetd"), "<=", 50, "ms")
        self.target("podnetd: resident memory",
                    None if g("pd_rss_kb", "podnetd") is None
                    else g("pd_rss_kb", "podnetd") / 1024, "<=", 20, "MB")

    def native_lookup(self):
        """The in-kernel lookup time scaled by the emulator's slowdown of
        the same code in user space (None without those figures)."""
        k = self.f.get(("lookup_ns_per_lookup", "kernel"))
        emu = self.f.get(("lookup_ns_per_lookup", "emulated"))
        nat = self.f.get(("lookup_ns_per_lookup", "native"))
        if k is None or not emu or nat is None:
            return None
        return k * nat / emu

    def rounds(self):
        n = max((len(v) for (m, _), v in self.samples.items()
                 if m == "tcp1_mbps"), default=0)
        return n

    def text(self, title, command, date):
        g = self.f.get
        out = []
        w = out.append
        w(title)
        w("=" * len(title))
        w("")
        w("command: %s" % command)
        w("date:    %s" % date)
        w("kernel:  %s (qemu TCG, 2 vCPUs, 2 GiB; emulated: compare side by "
          "side only)" % self.meta.get("kernel", "?"))
        clock = self.meta.get("clock", "host")
        w("clock:   %s%s" % (CLOCKS.get(clock, "?"),
                             "; -icount %s" % self.meta["icount"]
                             if clock == "icount" and "icount" in self.meta
                             else ""))
        w("method:  %s s per test, median of %d round(s), variants "
          "interleaved; pods MTU 1450 in every variant"
          % (self.meta.get("seconds_per_test", "?"), self.rounds()))
        w("")
        w("Data path (pod p1a on node 1 -> pod p2a on node 2)")
        w("")
        head = "%-15s" % "variant"
        units = "%-15s" % ""
        for _, h, u, _, _, _ in COLUMNS:
            head += " %13s" % h
            units += " %13s" % u
        w(head)
        w(units)
        for v in VARIANTS:
            row = "%-15s" % v
            for m, _, _, sc, form, _ in COLUMNS:
                x = g((m, v))
                row += " %13s" % fmt(None if x is None else x * sc, form)
            w(row)
        w("")
        for base in ("flannel-vxlan", "none"):
            w("Ratios podnet / %s (> 1: podnet higher; for RTT lower is "
              "better)" % base)
            w("")
            w(head)
            for v in PODNET:
                row = "%-15s" % v
                for m, _, _, _, _, _ in COLUMNS:
                    row += " %13s" % fmt(ratio(g((m, v)), g((m, base))),
                                         "%.2f")
                w(row)
            w("")
        w("Spread of the rounds: max / min of each variant's samples "
          "(ratios below about that spread are noise)")
        w("")
        w(head)
        for v in VARIANTS:
            row = "%-15s" % v
            for m, _, _, _, _, _ in COLUMNS:
                xs = self.samples.get((m, v), [])
                row += " %13s" % (fmt(max(xs) / min(xs), "%.2f")
                                  if xs and min(xs) > 0 else "-")
            w(row)
        w("")
        sizes = self.scale_sizes()
        if sizes:
            w("Route scale: podnet-vxlan with N routes on both nodes")
            w("")
            w("%-10s %13s %13s %13s %13s %13s" % (
                "routes", "TCP 1 stream", "x 1 route", "RTT p50", "RTT p99",
                "TCP spread"))
            w("%-10s %13s %13s %13s %13s %13s" % ("", "Mbit/s", "", "us",
                                                  "us", "max / min"))
            base = g(("scale_tcp1_mbps", "routes-%d" % sizes[0]))
            for n in sizes:
                t = g(("scale_tcp1_mbps", "routes-%d" % n))
                xs = self.samples.get(("scale_tcp1_mbps", "routes-%d" % n), [])
                w("%-10s %13s %13s %13s %13s %13s" % (
                    "{:,}".format(n), fmt(t, "%.0f"),
                    fmt(ratio(t, base), "%.2f"),
                    fmt(g(("scale_rtt_p50_us", "routes-%d" % n))),
                    fmt(g(("scale_rtt_p99_us", "routes-%d" % n))),
                    fmt(max(xs) / min(xs), "%.2f")
                    if xs and min(xs) > 0 else "-"))
            w("")
        w("Table (kmod/bench.c, /sys/kernel/debug/podnet/bench_lookup)")
        w("")
        p = g(("lookup_prefixes", "kernel"))
        w("  prefixes (half IPv4, half IPv6)   %s" %
          ("-" if p is None else "{:,}".format(int(p))))
        w("  ns per lookup (4 / 6)             %s (%s / %s)" % (
            fmt(g(("lookup_ns_per_lookup", "kernel"))),
            fmt(g(("lookup_ns_per_lookup4", "kernel"))),
            fmt(g(("lookup_ns_per_lookup6", "kernel")))))
        emu = g(("lookup_ns_per_lookup", "emulated"))
        nat = g(("lookup_ns_per_lookup", "native"))
        w("  the same code in user space       %s ns emulated, %s ns on the "
          "host's CPU (emulation x %s)" % (fmt(emu), fmt(nat),
                                            fmt(ratio(emu, nat), "%.1f")))
        w("  in-kernel, native estimate        %s ns" % fmt(self.native_lookup()))
        w("  trie nodes visited per lookup     %s (the index's slot counted"
          " as one)" %
          fmt(g(("lookup_nodes_per_lookup", "native")) or
              g(("lookup_nodes_per_lookup", "emulated"))))
        w("  trie nodes per route, bytes       %s nodes x 72 B = %s B" % (
            fmt(g(("lookup_nodes_per_route", "emulated")), "%.3f"),
            fmt(g(("lookup_node_bytes_per_route", "emulated")))))
        w("  ns per insert                     %s" %
          fmt(g(("lookup_ns_per_insert", "kernel"))))
        w("  slab bytes per route (in-kernel)  %s, and %s of index" % (
          fmt(g(("lookup_slab_bytes_per_route", "kernel"))),
          fmt(g(("lookup_index_bytes_per_route", "kernel")))))
        w("  route cache bytes per route       %s (%s trie nodes per route,"
          " podnetctl sync of %s routes)" % (
              fmt(g(("mem_bytes_per_route", "podnet_route"))),
              fmt(g(("mem_nodes_per_route", "podnet_route")), "%.2f"),
              self.meta.get("mem_routes", "the")))
        w("  index bytes per route             %s (the same sync)" %
          fmt(g(("mem_index_bytes_per_route", "podnet_route"))))
        w("")
        w("Control plane (%s node routes)" % self.meta.get("cp_routes", "?"))
        w("")
        fl = g(("cp_install_ms", "flannel-vxlan"))
        pb = g(("cp_install_ms", "podnet-batch"))
        w("  flannel: ip -batch (route + neighbour) + bridge -batch (FDB)  %s ms"
          % fmt(fl))
        w("  podnet:  podnetctl -batch (route add ...)                     %s ms"
          " (%s x faster)" % (fmt(pb), fmt(ratio(fl, pb), "%.1f")))
        w("  podnet:  podnetctl -batch, every route via one peer           %s ms"
          % fmt(g(("cp_install_ms", "podnet-batch-1peer"))))
        sy = g(("cp_sync_ms", "podnet-empty"))
        w("  podnet:  podnetctl sync into an empty device                  %s ms"
          " (%s x faster than flannel)" % (fmt(sy), fmt(ratio(fl, sy), "%.1f")))
        w("  podnet:  podnetctl sync, the same routes installed            %s ms"
          % fmt(g(("cp_sync_ms", "podnet-same"))))
        w("  (starting podnetctl once: %s ms)"
          % fmt(g(("cp_startup_ms", "podnetctl"))))
        w("")
        w("podnetd (%s leases in one etcd member)" % self.meta.get("pd_leases", "?"))
        w("")
        fs = g(("pd_start_ms", "flannel-way"))
        ps = g(("pd_start_ms", "podnetd"))
        w("  flanneld's way: list + ip -batch + bridge -batch   %s ms" % fmt(fs))
        w("  podnetd: start until pn0 has every lease           %s ms"
          " (%s x faster)" % (fmt(ps), fmt(ratio(fs, ps), "%.1f")))
        w("  podnetd: etcd put to route, p50 / p99             %s / %s ms"
          " (the put's answer alone, p50: %s ms)"
          % (fmt(g(("pd_event_p50_ms", "podnetd"))),
             fmt(g(("pd_event_p99_ms", "podnetd"))),
             fmt(g(("pd_put_p50_ms", "etcd")))))
        w("  podnetd: resident memory                          %s kB"
          % fmt(g(("pd_rss_kb", "podnetd")), "%.0f"))
        w("")
        w("Targets of issue 5")
        w("")
        for t in self.targets:
            v = t["value"]
            verdict = {True: "met", False: "MISSED", None: "NO FIGURE"}[t["met"]]
            w("  %-62s %9s %s %-6s %s" % (
                t["target"], fmt(v, "%.2f" if t["unit"] == "x" else "%.1f"),
                t["op"], ("%g" % t["limit"]) + ("" if t["unit"] == "x" else " " + t["unit"]),
                verdict))
        w("")
        return "\n".join(out)

    def json(self, command, date):
        return {
            "command": command, "date": date, "meta": self.meta,
            "figures": {"%s/%s" % k: v for k, v in sorted(self.f.items())},
            "samples": {"%s/%s" % k: v for k, v in sorted(self.samples.items())},
            "targets": self.targets,
        }

    def chart(self, png, title):
        g = self.f.get
        tmp = tempfile.mkdtemp()
        try:
            with open(os.path.join(tmp, "v.dat"), "w") as f:
                for v in VARIANTS:
                    vals = [g((m, v)) for m, *_ in COLUMNS]
                    vals[4] = None if vals[4] is None else vals[4] / 1e3
                    f.write("%s %s\n" % (v, " ".join(
                        "NaN" if x is None else "%g" % x for x in vals)))
            with open(os.path.join(tmp, "s.dat"), "w") as f:
                for n in self.scale_sizes():
                    vals = [g((m, "routes-%d" % n)) for m in
                            ("scale_tcp1_mbps", "scale_rtt_p50_us",
                             "scale_rtt_p99_us")]
                    f.write("%s %s\n" % ("{:,}".format(n), " ".join(
                        "NaN" if x is None else "%g" % x for x in vals)))
            script = """
set terminal pngcairo size 1400,900 font ",10"
set output '%(png)s'
set multiplot layout 2,2 title '%(title)s'
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -30 left
set grid ytics
set key top right
set yrange [0:*]
set title 'TCP throughput (iperf3), Mbit/s'
plot '%(d)s/v.dat' using 2:xtic(1) title '1 stream', '' using 3 title '4 streams'
set title 'UDP request/response round trip (sockperf), us (log scale)'
set logscale y
set yrange [*:*]
plot '%(d)s/v.dat' using 4:xtic(1) title 'p50', '' using 5 title 'p99'
unset logscale y
set yrange [0:*]
set title 'UDP, 64-byte payloads, kpackets/s received'
plot '%(d)s/v.dat' using 6:xtic(1) title 'kpps'
set title 'podnet-vxlan with N routes: TCP 1 stream (Mbit/s), RTT (us), log scale'
set logscale y
set yrange [*:*]
set xtics norotate
plot '%(d)s/s.dat' using 2:xtic(1) title 'Mbit/s', '' using 3 title 'p50 us', '' using 4 title 'p99 us'
unset multiplot
""" % {"png": png, "title": title.replace("'", ""), "d": tmp}
            r = subprocess.run(["gnuplot"], input=script, text=True,
                               capture_output=True)
            if r.returncode != 0 or not os.path.exists(png):
                sys.stderr.write("bench-report: gnuplot failed: %s\n" % r.stderr)
                return False
            return True
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def rst(self, path, png_name, text, command, date):
        title = "podnet benchmark"
        lines = [
            ".. SPDX-License-Identifier: GPL-2.0",
            "",
            "=" * len(title), title, "=" * len(title), "",
            "The latest full run of ``make bench`` (scripts/bench.sh), "
            "written by it: do not edit. Made on %s by::" % date, "",
            "    %s" % command, "",
            "Every figure comes from one boot of a qemu VM under software "
            "emulation (TCG, no KVM) on a shared 2-core machine: absolute "
            "numbers are emulation numbers, only the ratios between "
            "variants measured side by side in the same boot mean "
            "something. The topology, the variants and the method are "
            "described at the top of ``scripts/bench-guest.sh``.", "",
            "The guest's clock is by default qemu's ``-icount``: each "
            "emulated instruction advances it by a fixed step, so the "
            "figures count instructions and the host's load cannot move "
            "them (the ``clock`` line below; the method and its limits are "
            "in ``podnet.rst``, after ``make bench``).", "",
            "How the figures are made:", "",
            "- Data path: pod p1a on node 1 to pod p2a on node 2 through an "
            "underlay bridge; the pods' MTU is 1450 in every variant, so "
            "every variant carries the same packets. TCP: iperf3, client "
            "on vCPU 0, server on vCPU 1. Round trip: sockperf ping-pong "
            "(UDP, 64 bytes), both ends on vCPU 0 (with the host's clock, "
            "a wakeup across vCPUs waits for the host to run the idle "
            "vCPU's thread). UDP: "
            "iperf3 ``-u -l 64 -b 0``, datagrams received per second. "
            "Each figure is the median of the rounds; the rounds of the "
            "variants are interleaved.",
            "- Route scale: the extra routes (mixed lengths in 10.0.0.0/8, "
            "up to 1,000 peers) are installed on both nodes with "
            "``podnetctl sync``.",
            "- Lookup: ``kmod/bench.c`` times lookups in a private table "
            "of random IPv4 and IPv6 prefixes of mixed lengths, in the "
            "kernel, under emulation. ``scripts/bench-table.c`` runs the "
            "same ``kmod/table.c`` as a user program, in the VM and on the "
            "host's real CPU: the ratio of the two scales the in-kernel "
            "figure to a native estimate. It also counts the trie's nodes "
            "(72 bytes each).",
            "- Memory: growth of the route cache's slabs "
            "(``/sys/kernel/slab/podnet_route``) and of the table's index "
            "(``/sys/kernel/debug/podnet/table_index_bytes``) while "
            "``podnetctl sync`` installs the routes, divided by the routes.",
            "- Control plane: the time of ``podnetctl -batch`` (one "
            "``route add`` a line, each creating its node's peer) against "
            "``ip -batch`` (route and neighbour) plus ``bridge -batch`` (FDB "
            "entry) for flannel's ``flannel.1``, on a dummy underlay; "
            "median of the rounds.", "",
            ".. image:: %s" % png_name,
            "   :alt: throughput, latency, packet rate and route scale "
            "of each variant", "",
            "::", "",
        ]
        wrapped = []
        for l in lines:
            if len(l) <= 76 or l.startswith((" ", "..")):
                wrapped.append(l)
            elif l.startswith("- "):
                wrapped.append(textwrap.fill(l, 76, subsequent_indent="  "))
            else:
                wrapped.append(textwrap.fill(l, 76))
        lines = wrapped
        lines += ["    " + l if l else "" for l in text.splitlines()]
        with open(path, "w") as f:
            f.write("\n".join(lines).rstrip() + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("out")
    ap.add_argument("--command", default="make bench")
    ap.add_argument("--date", default="")
    ap.add_argument("--rst")
    ap.add_argument("--png-name", default="podnet-bench.png")
    ap.add_argument("--notes", help="a file of notes appended to the table")
    a = ap.parse_args()

    figures, samples, meta = load(a.raw)
    r = Report(figures, samples, meta)
    r.compute()
    text = r.text("podnet benchmark", a.command, a.date)
    if a.notes and os.path.exists(a.notes):
        with open(a.notes) as f:
            text += "\n" + f.read()
    with open(a.out + ".txt", "w") as f:
        f.write(text)
    with open(a.out + ".json", "w") as f:
        json.dump(r.json(a.command, a.date), f, indent=1)
        f.write("\n")
    ok = r.chart(os.path.abspath(a.out + ".png"),
                 "podnet benchmark %s, kernel %s (qemu TCG)"
                 % (a.date, meta.get("kernel", "?")))
    if a.rst:
        if ok:
            shutil.copyfile(a.out + ".png",
                            os.path.join(os.path.dirname(a.rst), a.png_name))
        r.rst(a.rst, a.png_name, text, a.command, a.date)
    sys.stdout.write(text)
    missing = sorted(set(r.missing))
    if missing:
        sys.stderr.write("bench-report: no figure for: %s\n" % ", ".join(missing))
    return 0 if ok and not missing else 1


if __name__ == "__main__":
    sys.exit(main())
