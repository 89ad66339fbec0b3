# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-podnetd.sh: podnetd at scale, sourced by bench-guest.sh (its
# helpers: record, note, settle, dummy_underlay). In a namespace of its
# own: one etcd member on 127.0.0.1 holding PD_LEASES leases of other
# nodes (one node each) in flannel's schema, then
#
#   pd_start_ms    podnetd's start (exec) until pn0 has every lease: the
#                  sync event podnetctl monitor prints, with PD_LEASES
#                  routes;
#   pd_event_ms    an etcd put of a new lease until podnetctl monitor
#                  prints its route (p50 and p99 of PD_EVENTS puts, one at a
#                  time), from the put's request: etcd's own time is in it
#                  (pd_put_p50_ms, the put's answer alone);
#   pd_rss_kb      podnetd's resident memory after both;
#   pd_start_ms flannel-way: the reference, the same start done as
#                  flanneld does it: the same list from etcd, then per node
#                  a neighbour, an onlink route and an FDB entry on
#                  flannel.1 (ip -batch and bridge -batch: one process
#                  each, fewer than flanneld's requests would cost).
#
# One python3 process drives etcd's gateway and reads the monitor, so that
# no process start is timed.

PD_LEASES=${BENCH_PD_LEASES:-$([ "$smoke" = 1 ] && echo 500 || echo 5000)}
PD_EVENTS=${BENCH_PD_EVENTS:-$([ "$smoke" = 1 ] && echo 20 || echo 200)}
PODNETD=${PODNETD:-$PN_TOP/userspace/podnetd}

pd_measure()
{
	local ns="pn-pd-$PN_SUFFIX" d=$PN_TMP/pd out v epid

	if ! command -v etcd > /dev/null || [ ! -x "$PODNETD" ]; then
		tap_fail "podnetd scale: etcd or podnetd missing"
		return 1
	fi
	mkdir -p "$d"
	if ! ns_add "$ns" || ! dummy_underlay "$ns"; then
		tap_fail "podnetd scale: namespace"
		return 1
	fi
	ip netns exec "$ns" etcd --data-dir "$d/etcd" --name pd \
		--listen-client-urls http://127.0.0.1:2379 \
		--advertise-client-urls http://127.0.0.1:2379 \
		--listen-peer-urls http://127.0.0.1:2380 \
		--initial-advertise-peer-urls http://127.0.0.1:2380 \
		--initial-cluster pd=http://127.0.0.1:2380 \
		--max-txn-ops 1000 --max-request-bytes 8388608 \
		--logger zap --log-level warn > "$d/etcd.log" 2>&1 &
	epid=$!
	# flannel.1 for the reference; the driver deletes it before podnetd
	# starts (both want UDP port 8472)
	if ! ip -n "$ns" link add flannel.1 type vxlan id 1 dstport 8472 \
		nolearning local 192.168.99.1 dev dummy0 ||
	   ! ip -n "$ns" link set flannel.1 up; then
		tap_fail "podnetd scale: flannel.1"
		return 1
	fi
	settle
	out=$(ip netns exec "$ns" "${PN_PY[@]}" - "$PODNETD" "$PODNETCTL" "$d" \
		"$PD_LEASES" "$PD_EVENTS" 2> "$d/driver.err" <<-'EOF'
	import base64, http.client, json, os, signal, subprocess, sys, time
	podnetd, podnetctl, d, n, events = sys.argv[1:4] + [int(a) for a in sys.argv[4:6]]
	b64 = lambda s: base64.b64encode(s.encode()).decode()
	c = None
	for _ in range(600):
	    try:
	        c = http.client.HTTPConnection("127.0.0.1", 2379, timeout=60)
	        c.request("POST", "/v3/kv/range", json.dumps({"key": b64("x")}))
	        c.getresponse().read()
	        break
	    except OSError:
	        c = None
	        time.sleep(0.1)
	if not c:
	    sys.exit("etcd does not answer")
	def post(path, body):
	    c.request("POST", path, json.dumps(body))
	    r = c.getresponse()
	    data = r.read()
	    if r.status != 200:
	        sys.exit("%s: %d %s" % (path, r.status, data[:200]))
	    return json.loads(data)
	def lease(i):
	    # subnet i + 2 of 10.0.0.0/8 in /24s; node 172.16.x.y
	    s = i + 2
	    key = "/coreos.com/network/subnets/10.%d.%d.0-24" % (s >> 8, s & 255)
	    val = json.dumps({"PublicIP": "172.%d.%d.%d" % (16 + (i >> 16), (i >> 8) & 255, i & 255),
	                      "PublicIPv6": None, "BackendType": "vxlan",
	                      "BackendData": {"VNI": 1, "VtepMAC": "0e:00:00:%02x:%02x:%02x" % (
	                          (i >> 16) & 255, (i >> 8) & 255, i & 255)}}, separators=(",", ":"))
	    return key, val
	post("/v3/kv/put", {"key": b64("/coreos.com/network/config"),
	                    "value": b64('{"Network":"10.0.0.0/8","Backend":{"Type":"vxlan"}}')})
	for first in range(0, n, 1000):
	    ops = []
	    for i in range(first, min(n, first + 1000)):
	        k, v = lease(i)
	        ops.append({"request_put": {"key": b64(k), "value": b64(v)}})
	    post("/v3/kv/txn", {"success": ops})
	# flanneld's way: the list, then neighbour, route and FDB entry per node
	t0 = time.monotonic()
	kvs = post("/v3/kv/range", {"key": b64("/coreos.com/network/subnets/"),
	                            "range_end": b64("/coreos.com/network/subnets0")})["kvs"]
	ipl, fdb = [], []
	for kv in kvs:
	    k = base64.b64decode(kv["key"]).decode().rsplit("/", 1)[1]
	    v = json.loads(base64.b64decode(kv["value"]))
	    net, plen = k.split("-")
	    mac = v["BackendData"]["VtepMAC"]
	    ipl.append("neigh add %s lladdr %s dev flannel.1 nud permanent" % (net, mac))
	    ipl.append("route add %s/%s via %s dev flannel.1 onlink" % (net, plen, net))
	    fdb.append("fdb append %s dev flannel.1 dst %s" % (mac, v["PublicIP"]))
	subprocess.run(["ip", "-batch", "-"], input="\n".join(ipl) + "\n", text=True, check=True)
	subprocess.run(["bridge", "-batch", "-"], input="\n".join(fdb) + "\n", text=True, check=True)
	print("flannel_start_ms %.1f" % ((time.monotonic() - t0) * 1000), flush=True)
	subprocess.run(["ip", "link", "del", "flannel.1"], check=True)
	time.sleep(2)
	# podnetd's start, seen by podnetctl monitor
	mon = subprocess.Popen([podnetctl, "monitor"], stdout=subprocess.PIPE, text=True, bufsize=1)
	time.sleep(1)
	t0 = time.monotonic()
	pd = subprocess.Popen([podnetd, "--etcd-endpoints=http://127.0.0.1:2379", "--iface=dummy0",
	                       "--subnet-file=" + d + "/subnet.env", "--log-level=info"],
	                      stderr=open(d + "/podnetd.log", "w"))
	want = "routes %d" % n
	for line in mon.stdout:
	    if line.startswith("sync") and want in line:
	        break
	print("start_ms %.1f" % ((time.monotonic() - t0) * 1000), flush=True)
	lat, put = [], []
	for e in range(events):
	    k, v = lease(n + 100 + e)
	    pfx = k.rsplit("/", 1)[1].replace("-", "/")
	    t0 = time.monotonic()
	    post("/v3/kv/put", {"key": b64(k), "value": b64(v)})
	    put.append((time.monotonic() - t0) * 1000)
	    for line in mon.stdout:
	        if line.startswith("route add " + pfx + " "):
	            break
	    lat.append((time.monotonic() - t0) * 1000)
	pct = lambda v, p: sorted(v)[min(len(v) - 1, max(0, (len(v) * p + 99) // 100 - 1))]
	print("event_p50_ms %.1f" % pct(lat, 50))
	print("event_p99_ms %.1f" % pct(lat, 99))
	print("put_p50_ms %.1f" % pct(put, 50))
	with open("/proc/%d/status" % pd.pid) as f:
	    for line in f:
	        if line.startswith("VmRSS:"):
	            print("rss_kb %s" % line.split()[1])
	pd.send_signal(signal.SIGTERM)
	pd.wait()
	mon.send_signal(signal.SIGTERM)
	mon.wait()
	EOF
	)
	note "podnetd scale: $PD_LEASES leases, $PD_EVENTS events: $(tr '\n' ' ' <<< "$out")"
	[ -z "$(cat "$d/driver.err")" ] || note "driver: $(head -c 400 "$d/driver.err")"
	v=$(awk '$1 == "start_ms" { print $2 }' <<< "$out")
	record pd_start_ms podnetd 1 "$v" ms
	v=$(awk '$1 == "flannel_start_ms" { print $2 }' <<< "$out")
	record pd_start_ms flannel-way 1 "$v" ms
	v=$(awk '$1 == "event_p50_ms" { print $2 }' <<< "$out")
	record pd_event_p50_ms podnetd 1 "$v" ms
	v=$(awk '$1 == "event_p99_ms" { print $2 }' <<< "$out")
	record pd_event_p99_ms podnetd 1 "$v" ms
	v=$(awk '$1 == "put_p50_ms" { print $2 }' <<< "$out")
	record pd_put_p50_ms etcd 1 "$v" ms
	v=$(awk '$1 == "rss_kb" { print $2 }' <<< "$out")
	record pd_rss_kb podnetd 1 "$v" kB
	# its log: the time of each step of the start
	cp "$d/podnetd.log" "$OUT/podnetd-bench.log" 2> /dev/null
	kill "$epid" 2> /dev/null
	wait "$epid" 2> /dev/null
	ip netns del "$ns"
}
