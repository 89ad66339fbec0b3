// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd unit tests, TAP output. No etcd, no podnet module: the pure
 * parts of podnetd:
 *  - the command line (flanneld's flag forms, defaults, errors);
 *  - flannel's network configuration: defaults, bounds, backends, errors;
 *  - lease keys and values: parsing, flanneld's JSON byte for byte, and
 *    the judgement of another node's lease for each reason;
 *  - subnet arithmetic and the choice of a free subnet;
 *  - base64 and range ends; the gateway's range and watch answers,
 *    3.4's and 3.6's error forms;
 *  - subnet.env, the conflist and the masquerade rules.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <linux/podnet.h>

#include "pd.h"
#include "pd_etcd.h"
#include "pd_files.h"
#include "tests/tap.h"

/* ----------------------------------------------------------- flags ---- */

static int parse(struct pd_flags *f, ...)
{
	char *argv[32] = { "podnetd" };
	int argc = 1;
	va_list ap;

	va_start(ap, f);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return pd_flags_parse(argc, argv, f);
}

static void test_flags(void)
{
	struct pd_flags f;

	ok(parse(&f, NULL) == 0 && f.nendpoints == 1 &&
	   !strcmp(f.endpoints[0], "http://127.0.0.1:2379") &&
	   !strcmp(f.prefix, "/coreos.com/network") &&
	   !strcmp(f.subnet_file, "/run/flannel/subnet.env") &&
	   f.renew_margin == 60 && !f.ip_masq && f.healthz_port == 0 &&
	   !strcmp(f.healthz_ip, "0.0.0.0") && !strcmp(f.device, "pn0") &&
	   !f.cni_conf_dir, "flags: flanneld's defaults, device pn0");
	ok(parse(&f, "--etcd-endpoints=https://a:2379,https://b:2379,http://c:2379",
		 "--etcd-prefix", "/x/net", "-iface=eth1", "--ip-masq",
		 "--subnet-lease-renew-margin", "30", "--healthz-port=9100",
		 "--public-ip", "10.0.0.1", NULL) == 0 &&
	   f.nendpoints == 3 && !strcmp(f.endpoints[2], "http://c:2379") &&
	   !strcmp(f.prefix, "/x/net") && !strcmp(f.iface, "eth1") &&
	   f.ip_masq && f.renew_margin == 30 && f.healthz_port == 9100 &&
	   !strcmp(f.public_ip, "10.0.0.1"),
	   "flags: --flag=value, --flag value, -flag=value, a bool alone");
	ok(parse(&f, "--ip-masq=false", "--log-level=debug", NULL) == 0 &&
	   !f.ip_masq && f.log_level == PD_DEBUG, "flags: --ip-masq=false, --log-level");
	ok(parse(&f, "--no-such-flag", NULL) == -1, "flags: unknown flag refused");
	ok(parse(&f, "--etcd-prefix", NULL) == -1, "flags: missing value refused");
	ok(parse(&f, "--etcd-endpoints=127.0.0.1:2379", NULL) == -1,
	   "flags: an endpoint without http(s):// refused");
	ok(parse(&f, "--etcd-certfile=/c.pem", NULL) == -1,
	   "flags: a certificate without its key refused");
	ok(parse(&f, "--etcd-username=u", NULL) == -1,
	   "flags: a user without a password refused");
	ok(parse(&f, "--healthz-port=70000", NULL) == -1,
	   "flags: a port over 65535 refused");
	ok(parse(&f, "--device=a/b", NULL) == -1, "flags: a bad device name refused");
	ok(parse(&f, "--etcd-prefix=rel", NULL) == -1,
	   "flags: a prefix without a leading / refused");
	ok(parse(&f, "-h", NULL) == 0 && f.help, "flags: -h");
}

/* --------------------------------------------------------- netconf ---- */

static int conf(const char *json, struct pd_netconf *nc, char *err)
{
	return pd_netconf_parse(json, strlen(json), nc, err, 256);
}

static void test_netconf(void)
{
	struct pd_netconf nc;
	struct pn_prefix p;
	char err[256], buf[64];

	ok(conf("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}",
		&nc, err) == 0 && nc.subnet_len == 24 && nc.min == 1 &&
	   nc.max == 255 && nc.backend.vni == 1 && nc.backend.port == 8472 &&
	   nc.backend.dev_encap == PODNET_ENCAP_VXLAN && nc.backend.has_vtep &&
	   nc.enable_ipv4 && !nc.enable_ipv6,
	   "netconf: /16 vxlan: /24 subnets 1-255, VNI 1, port 8472");
	ok(conf("{\"Network\":\"10.1.0.0/24\",\"Backend\":{\"Type\":\"vxlan\"}}",
		&nc, err) == 0 && nc.subnet_len == 25 && nc.min == 1 && nc.max == 1,
	   "netconf: a /24 network: /25 subnets (one more bit)");
	ok(conf("{\"Network\":\"10.0.0.0/8\",\"SubnetLen\":20,\"SubnetMin\":\"10.10.0.0\","
		"\"SubnetMax\":\"10.99.0.0\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":7,"
		"\"Port\":4789,\"DirectRouting\":true}}", &nc, err) == 0 &&
	   nc.subnet_len == 20 && nc.min == 0xa0 && nc.max == 0x630 &&
	   nc.backend.vni == 7 && nc.backend.port == 4789 &&
	   nc.backend.dev_encap == PODNET_ENCAP_AUTO,
	   "netconf: flannel's documented example: SubnetMin/Max, VNI, Port, DirectRouting -> auto");
	ok(conf("{\"Network\":\"10.244.0.0/16\",\"EnableIPv6\":true,\"IPv6Network\":"
		"\"fd00:244::/48\",\"Backend\":{\"Type\":\"vxlan\"}}", &nc, err) == 0 &&
	   nc.enable_ipv6 && nc.subnet_len6 == 64 && nc.min6 == 1 &&
	   nc.max6 == 65535, "netconf: dual stack: /64 subnets of a /48");
	ok(conf("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}",
		&nc, err) == 0 && nc.backend.dev_encap == PODNET_ENCAP_DIRECT &&
	   !nc.backend.has_vtep, "netconf: host-gw -> direct, no vtep");
	ok(conf("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"ipip\","
		"\"DirectRouting\":true}}", &nc, err) == 0 &&
	   nc.backend.dev_encap == PODNET_ENCAP_IPIP &&
	   nc.backend.peer_encap == PODNET_ENCAP_AUTO,
	   "netconf: ipip with DirectRouting: device ipip, peers auto");
	ok(conf("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"podnet\"}}",
		&nc, err) == 0 && nc.backend.dev_encap == PODNET_ENCAP_GPE &&
	   !strcmp(nc.backend.type, "podnet"), "netconf: podnet backend: gpe by default");
	ok(conf("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"podnet\",\"Encap\":\"bogus\"}}",
		&nc, err) == -1 && strstr(err, "Encap"), "netconf: bad Encap refused");
	ok(conf("{\"Network\":\"10.244.0.0/16\"}", &nc, err) == -1 &&
	   strstr(err, "udp"), "netconf: no Backend (udp) refused: %s", err);
	ok(conf("{\"Backend\":{\"Type\":\"vxlan\"}}", &nc, err) == -1 &&
	   strstr(err, "Network"), "netconf: no Network refused: %s", err);
	ok(conf("{\"Network\":\"10.244.0.1/16\",\"Backend\":{\"Type\":\"vxlan\"}}",
		&nc, err) == -1, "netconf: host bits in Network refused");
	ok(conf("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":31,\"Backend\":{\"Type\":\"vxlan\"}}",
		&nc, err) == -1, "netconf: SubnetLen 31 refused");
	ok(conf("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":16,\"Backend\":{\"Type\":\"vxlan\"}}",
		&nc, err) == -1, "netconf: SubnetLen = the network's refused");
	ok(conf("{\"Network\":\"10.244.0.0/16\",\"SubnetMin\":\"10.244.1.7\",\"Backend\":{\"Type\":\"vxlan\"}}",
		&nc, err) == -1 && strstr(err, "boundary"),
	   "netconf: SubnetMin off a boundary refused: %s", err);
	ok(conf("{\"Network\":\"10.244.0.0/16\",\"SubnetMin\":\"10.245.0.0\",\"Backend\":{\"Type\":\"vxlan\"}}",
		&nc, err) == -1, "netconf: SubnetMin outside Network refused");
	ok(conf("{\"Network\":\"10.244.0.0/16\",\"SubnetMin\":\"10.244.9.0\","
		"\"SubnetMax\":\"10.244.3.0\",\"Backend\":{\"Type\":\"vxlan\"}}",
		&nc, err) == -1, "netconf: SubnetMin after SubnetMax refused");
	ok(conf("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"wireguard\"}}",
		&nc, err) == -1 && strstr(err, "wireguard"),
	   "netconf: an unsupported backend refused: %s", err);
	ok(conf("[1,2]", &nc, err) == -1 && conf("{\"Network\":", &nc, err) == -1 &&
	   conf("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}} x",
		&nc, err) == -1, "netconf: not an object, cut, trailing garbage refused");
	ok(conf("{\"Network\":\"10.244.0.0/16\",\"EnableIPv6\":true,\"Backend\":{\"Type\":\"vxlan\"}}",
		&nc, err) == -1 && strstr(err, "IPv6Network"),
	   "netconf: EnableIPv6 without IPv6Network refused");

	conf("{\"Network\":\"10.244.0.0/16\",\"EnableIPv6\":true,\"IPv6Network\":"
	     "\"fd00:244::/48\",\"Backend\":{\"Type\":\"vxlan\"}}", &nc, err);
	pd_subnet_nth(&nc.network, 24, 7, &p);
	is_str(pn_prefix_str(&p, buf, sizeof(buf)), "10.244.7.0/24",
	       "subnet: the 7th /24 of 10.244.0.0/16");
	pd_subnet_nth(&nc.network6, 64, 0x1234, &p);
	is_str(pn_prefix_str(&p, buf, sizeof(buf)), "fd00:244:0:1234::/64",
	       "subnet: the 0x1234th /64 of fd00:244::/48");
	{
		uint64_t idx = 0;
		struct pn_prefix q;

		pn_parse_prefix("fd00:244:0:ff::/64", &q);
		ok(pd_subnet_index(&nc.network6, 64, &q, &idx) && idx == 0xff,
		   "subnet: index of fd00:244:0:ff::/64 is 255");
		pn_parse_prefix("10.245.1.0/24", &q);
		ok(!pd_subnet_index(&nc.network, 24, &q, &idx),
		   "subnet: 10.245.1.0/24 is not in 10.244.0.0/16");
		pn_parse_prefix("10.244.1.0/25", &q);
		ok(!pd_subnet_index(&nc.network, 24, &q, &idx),
		   "subnet: a /25 is not a /24 subnet");
	}
}

/* ----------------------------------------------------------- alloc ---- */

static void test_alloc(void)
{
	uint64_t used[3] = { 1, 2, 4 }, idx = 0, full[5] = { 1, 2, 3, 4, 5 };
	bool seen[6] = { 0 };
	int i;

	ok(pd_alloc_index(1, 5, used, 3, 0, &idx) == 0 && idx == 3,
	   "alloc: the first free of 1-5 without 1, 2, 4 is 3");
	ok(pd_alloc_index(1, 5, used, 3, 1, &idx) == 0 && idx == 5,
	   "alloc: the second free is 5");
	ok(pd_alloc_index(1, 5, full, 5, 0, &idx) == -1, "alloc: a full range fails");
	for (i = 0; i < 100; i++)
		if (pd_alloc_index(1, 5, used, 3, (uint64_t)i, &idx) == 0 && idx <= 5)
			seen[idx] = true;
	ok(seen[3] && seen[5] && !seen[1] && !seen[2] && !seen[4],
	   "alloc: only free subnets are ever chosen");
	ok(pd_alloc_index(1, 1000000, NULL, 0, 12345, &idx) == 0 && idx >= 1 &&
	   idx <= 100, "alloc: one of the first 100 free (got %llu)",
	   (unsigned long long)idx);
}

/* ---------------------------------------------------------- leases ---- */

#define FL_VALUE "{\"PublicIP\":\"192.168.1.101\",\"PublicIPv6\":null," \
	"\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1," \
	"\"VtepMAC\":\"c6:d2:32:6f:8f:44\"}}"

static enum pd_skip judge(const char *key, const char *value,
			  const struct pd_netconf *nc, const struct pd_self *self,
			  struct pd_lease *l)
{
	return pd_lease_judge(key, value, strlen(value), nc, self, l);
}

static void test_leases(void)
{
	struct pd_netconf nc, nc6;
	struct pd_lease l;
	struct pd_self self;
	char err[256], buf[128], *v;

	conf("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}",
	     &nc, err);
	conf("{\"Network\":\"10.244.0.0/16\",\"EnableIPv6\":true,\"IPv6Network\":"
	     "\"fd00:244::/48\",\"Backend\":{\"Type\":\"vxlan\"}}", &nc6, err);

	ok(pd_lease_key_parse("10.244.1.0-24", &l) && !l.has_subnet6 &&
	   l.subnet.len == 24, "key: 10.244.1.0-24");
	ok(pd_lease_key_parse("10.244.1.0-24&fd00:244:0:1::-64", &l) &&
	   l.has_subnet6 && l.subnet6.len == 64, "key: dual stack");
	is_str(pd_lease_key(&l, buf, sizeof(buf)), "10.244.1.0-24&fd00:244:0:1::-64",
	       "key: written back as flannel writes it");
	ok(!pd_lease_key_parse("10.244.1.0", &l) &&
	   !pd_lease_key_parse("10.244.1.0-33", &l) &&
	   !pd_lease_key_parse("10.244.1.1-24", &l) &&
	   !pd_lease_key_parse("fd00::-64", &l) &&
	   !pd_lease_key_parse("10.244.1.0-24&", &l) &&
	   !pd_lease_key_parse("10.244.1.0-24&10.1.0.0-24", &l) &&
	   !pd_lease_key_parse("", &l), "key: malformed keys refused");

	ok(pd_lease_value_parse(FL_VALUE, strlen(FL_VALUE), &l) == 0 &&
	   !strcmp(l.backend_type, "vxlan") && l.vni == 1 && l.has_mac &&
	   l.mac[0] == 0xc6 && l.mac[5] == 0x44 && !l.has_public_ip6,
	   "value: flanneld's vxlan lease");
	v = "{\"PublicIP\":\"1.2.3.4\"}";
	ok(pd_lease_value_parse(v, strlen(v), &l) == 0 && !l.backend_type[0],
	   "value: PublicIP alone parses");
	v = "{\"BackendType\":\"vxlan\"}";
	ok(pd_lease_value_parse(v, strlen(v), &l) == -1, "value: no PublicIP refused");
	v = "{\"PublicIP\":\"1.2.3.4\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"zz\"}}";
	ok(pd_lease_value_parse(v, strlen(v), &l) == -1, "value: a bad VtepMAC refused");
	v = "{\"PublicIP\":\"1.2.3.4\",\"BackendData\":{\"VNI\":\"1\"}}";
	ok(pd_lease_value_parse(v, strlen(v), &l) == -1, "value: a VNI string refused");
	v = "{\"PublicIP\":\"fd00::1\"}";
	ok(pd_lease_value_parse(v, strlen(v), &l) == -1, "value: an IPv6 PublicIP refused");
	v = "{\"PublicIP\":\"1.2.3.4\",\"BackendData\":[1]}";
	ok(pd_lease_value_parse(v, strlen(v), &l) == -1, "value: BackendData not an object refused");

	/* what podnetd publishes, byte for byte as flanneld */
	memset(&l, 0, sizeof(l));
	pn_parse_addr("192.168.1.101", &l.public_ip);
	pn_parse_mac("c6:d2:32:6f:8f:44", l.mac);
	l.has_mac = true;
	v = pd_lease_value(&l, &nc.backend);
	is_str(v, FL_VALUE, "publish: flanneld's vxlan JSON");
	free(v);
	pn_parse_addr("fd00:1::101", &l.public_ip6);
	l.has_public_ip6 = true;
	pn_parse_mac("c6:d2:32:6f:8f:45", l.mac6);
	v = pd_lease_value(&l, &nc6.backend);
	is_str(v, "{\"PublicIP\":\"192.168.1.101\",\"PublicIPv6\":\"fd00:1::101\","
	       "\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":"
	       "\"c6:d2:32:6f:8f:44\"},\"BackendV6Data\":{\"VNI\":1,\"VtepMAC\":"
	       "\"c6:d2:32:6f:8f:45\"}}", "publish: dual stack with BackendV6Data");
	free(v);
	{
		struct pd_netconf hg;

		conf("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}",
		     &hg, err);
		l.has_public_ip6 = false;
		v = pd_lease_value(&l, &hg.backend);
		is_str(v, "{\"PublicIP\":\"192.168.1.101\",\"PublicIPv6\":null,"
		       "\"BackendType\":\"host-gw\"}", "publish: host-gw without BackendData");
		free(v);
		conf("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"podnet\"}}",
		     &hg, err);
		v = pd_lease_value(&l, &hg.backend);
		ok(v && strstr(v, "\"BackendType\":\"podnet\"") &&
		   strstr(v, "\"Encap\":\"gpe\"") && !strstr(v, "\"vxlan\""),
		   "publish: a gpe cluster's lease never says vxlan: %s", v);
		free(v);
	}

	/* judging other nodes' leases */
	memset(&self, 0, sizeof(self));
	pn_parse_addr("192.168.1.1", &self.public_ip);
	pn_parse_prefix("10.244.1.0/24", &self.subnet);
	ok(judge("10.244.2.0-24", FL_VALUE, &nc, &self, &l) == PD_SKIP_NONE,
	   "judge: another node's vxlan lease is used");
	ok(judge("bogus", FL_VALUE, &nc, &self, &l) == PD_SKIP_KEY, "judge: key");
	ok(judge("10.244.2.0-24", "{oops", &nc, &self, &l) == PD_SKIP_JSON &&
	   judge("10.244.2.0-24", "", &nc, &self, &l) == PD_SKIP_JSON, "judge: json");
	ok(judge("10.245.2.0-24", FL_VALUE, &nc, &self, &l) == PD_SKIP_OUTSIDE,
	   "judge: outside the network");
	ok(judge("10.244.1.128-25", FL_VALUE, &nc, &self, &l) == PD_SKIP_OUTSIDE,
	   "judge: a /25 (inside our /24) is outside the subnet size");
	ok(judge("10.244.1.0-24", FL_VALUE, &nc, &self, &l) == PD_SKIP_OWN_SUBNET,
	   "judge: our subnet with another node's address");
	ok(judge("10.244.3.0-24", "{\"PublicIP\":\"192.168.1.1\",\"BackendType\":"
		 "\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"02:00:00:00:00:01\"}}",
		 &nc, &self, &l) == PD_SKIP_OWN_IP, "judge: our address on another subnet");
	ok(judge("10.244.2.0-24", "{\"PublicIP\":\"192.168.1.2\",\"BackendType\":"
		 "\"host-gw\"}", &nc, &self, &l) == PD_SKIP_BACKEND,
	   "judge: another backend type");
	ok(judge("10.244.2.0-24", "{\"PublicIP\":\"192.168.1.2\",\"BackendType\":"
		 "\"vxlan\",\"BackendData\":{\"VNI\":2,\"VtepMAC\":\"02:00:00:00:00:01\"}}",
		 &nc, &self, &l) == PD_SKIP_BACKEND, "judge: another VNI");
	ok(judge("10.244.2.0-24", "{\"PublicIP\":\"192.168.1.2\",\"BackendType\":"
		 "\"vxlan\"}", &nc, &self, &l) == PD_SKIP_JSON,
	   "judge: a vxlan lease without VtepMAC");
	ok(judge("10.244.2.0-24&fd00:244:0:2::-64", FL_VALUE, &nc, &self, &l) ==
	   PD_SKIP_OUTSIDE, "judge: an IPv6 subnet in an IPv4-only network");
	self.has_subnet6 = true;
	pn_parse_prefix("fd00:244:0:1::/64", &self.subnet6);
	ok(judge("10.244.9.0-24&fd00:244:0:1::-64", FL_VALUE, &nc6, &self, &l) ==
	   PD_SKIP_OWN_SUBNET, "judge: our IPv6 subnet on another key");
	ok(judge("10.244.9.0-24&fd00:245:0:1::-64", FL_VALUE, &nc6, &self, &l) ==
	   PD_SKIP_OUTSIDE, "judge: an IPv6 subnet outside the IPv6 network");
	ok(judge("10.244.2.0-24", "{\"PublicIP\":\"192.168.1.1\",\"PublicIPv6\":null,"
		 "\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":"
		 "\"02:00:00:00:00:01\"}}", &nc, NULL, &l) == PD_SKIP_NONE,
	   "judge: without a lease of our own, nothing is ours");
}

/* ----------------------------------------------------------- etcd ---- */

static void test_etcd(void)
{
	struct pd_watch_msg m;
	struct pd_kvs kvs;
	size_t len = 0;
	int64_t rev = 0;
	char *s, *e;
	const char *line;

	s = pd_b64_encode("/coreos.com/network/subnets/", 28);
	is_str(s, "L2NvcmVvcy5jb20vbmV0d29yay9zdWJuZXRzLw==", "base64: encode");
	e = s ? pd_b64_decode(s, &len) : NULL;
	ok(e && len == 28 && !strcmp(e, "/coreos.com/network/subnets/"),
	   "base64: decode back");
	free(s);
	free(e);
	ok(!pd_b64_decode("abc", &len) && !pd_b64_decode("a=bc", &len) &&
	   !pd_b64_decode("ab!d", &len), "base64: malformed input refused");
	e = pd_b64_decode("", &len);
	ok(e && len == 0, "base64: empty");
	free(e);
	e = pd_range_end("/coreos.com/network/subnets/");
	is_str(e, "/coreos.com/network/subnets0", "range end: last byte plus one");
	free(e);

	line = "{\"header\":{\"revision\":\"42\"},\"kvs\":[{\"key\":\"L2Evc3VibmV0cy8xMC4yNDQuMS4wLTI0\","
	       "\"create_revision\":\"5\",\"mod_revision\":\"7\",\"version\":\"2\",\"value\":\"e30=\","
	       "\"lease\":\"694d7c8b1b2c3d4e\"}],\"count\":\"1\"}";
	ok(pd_range_parse(line, strlen(line), &kvs, &rev) == 0 && rev == 42 &&
	   kvs.n == 1 && !strcmp(kvs.v[0].key, "/a/subnets/10.244.1.0-24") &&
	   !strcmp(kvs.v[0].value, "{}") && kvs.v[0].create_revision == 5 &&
	   kvs.v[0].mod_revision == 7, "range: revisions as strings, base64 keys and values");
	pd_kvs_free(&kvs);
	line = "{\"header\":{\"revision\":\"3\"}}";
	ok(pd_range_parse(line, strlen(line), &kvs, &rev) == 0 && kvs.n == 0 &&
	   rev == 3, "range: no kvs (zero values are left out)");

	line = "{\"result\":{\"header\":{\"revision\":\"4\"},\"created\":true}}";
	ok(pd_watch_parse(line, strlen(line), &m) == 0 && m.created &&
	   m.revision == 4 && m.events.n == 0, "watch: created");
	pd_watch_msg_free(&m);
	line = "{\"result\":{\"header\":{\"revision\":\"9\"},\"events\":[{\"kv\":{\"key\":\"YQ==\","
	       "\"value\":\"Yg==\",\"mod_revision\":\"9\"}},{\"type\":\"DELETE\",\"kv\":{\"key\":\"Yw==\","
	       "\"mod_revision\":\"9\"}}]}}";
	ok(pd_watch_parse(line, strlen(line), &m) == 0 && m.events.n == 2 &&
	   !m.events.v[0].deleted && !strcmp(m.events.v[0].value, "b") &&
	   m.events.v[1].deleted && !strcmp(m.events.v[1].key, "c"),
	   "watch: a PUT (no type) and a DELETE");
	pd_watch_msg_free(&m);
	line = "{\"result\":{\"header\":{\"revision\":\"20\"},\"canceled\":true,\"compact_revision\":\"15\"}}";
	ok(pd_watch_parse(line, strlen(line), &m) == 0 && m.canceled &&
	   m.compact_revision == 15, "watch: canceled by a compaction");
	pd_watch_msg_free(&m);
	line = "{\"error\":{\"grpc_code\":14,\"http_code\":503,\"message\":\"etcdserver: no leader\"}}";
	ok(pd_watch_parse(line, strlen(line), &m) == 0 && m.error &&
	   !strcmp(m.error, "etcdserver: no leader"), "watch: an error, 3.4's form");
	pd_watch_msg_free(&m);
	line = "{\"error\":{\"code\":14,\"message\":\"no leader\",\"details\":[]}}";
	ok(pd_watch_parse(line, strlen(line), &m) == 0 && m.error &&
	   !strcmp(m.error, "no leader"), "watch: an error, 3.6's form");
	pd_watch_msg_free(&m);
	line = "{\"result\":{\"events\":[{\"kv\":{\"key\":\"!!!\"}}]}}";
	ok(pd_watch_parse(line, strlen(line), &m) == -1, "watch: a key that is not base64 refused");
	ok(pd_watch_parse("[]", 2, &m) == -1 && pd_watch_parse("{", 1, &m) == -1,
	   "watch: not an object refused");
}

/* ----------------------------------------------------------- files ---- */

static void test_files(void)
{
	struct pd_netconf nc;
	struct pd_self self;
	struct json_object *o;
	char buf[4096], err[256];
	size_t n;

	conf("{\"Network\":\"10.244.0.0/16\",\"EnableIPv6\":true,\"IPv6Network\":"
	     "\"fd00:244::/48\",\"Backend\":{\"Type\":\"vxlan\"}}", &nc, err);
	memset(&self, 0, sizeof(self));
	pn_parse_prefix("10.244.7.0/24", &self.subnet);
	pn_parse_prefix("fd00:244:0:7::/64", &self.subnet6);
	self.has_subnet6 = true;
	n = pd_subnet_env(buf, sizeof(buf), &nc, &self, 1450, true);
	is_str(buf, "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.7.1/24\n"
	       "FLANNEL_IPV6_NETWORK=fd00:244::/48\nFLANNEL_IPV6_SUBNET=fd00:244:0:7::1/64\n"
	       "FLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n", "subnet.env: flannel's variables");
	ok(n == strlen(buf), "subnet.env: length returned");

	n = pd_conflist(buf, sizeof(buf), &self, 1450, "/run/cni \"x\"");
	o = json_tokener_parse(buf);
	ok(o && n == strlen(buf), "conflist: valid JSON");
	if (o) {
		struct json_object *p = json_object_array_get_idx(pd_json_member(o, "plugins"), 0);
		struct json_object *ipam = pd_json_member(p, "ipam");
		struct json_object *r = pd_json_member(ipam, "ranges");

		ok(!strcmp(json_object_get_string(pd_json_member(p, "type")), "bridge") &&
		   !json_object_get_boolean(pd_json_member(p, "ipMasq")) &&
		   json_object_get_boolean(pd_json_member(p, "isGateway")) &&
		   json_object_get_int(pd_json_member(p, "mtu")) == 1450,
		   "conflist: bridge, gateway, no masquerade of its own, MTU");
		ok(json_object_array_length(r) == 2 &&
		   !strcmp(json_object_get_string(pd_json_member(
			   json_object_array_get_idx(json_object_array_get_idx(r, 1), 0),
			   "subnet")), "fd00:244:0:7::/64") &&
		   !strcmp(json_object_get_string(pd_json_member(ipam, "dataDir")),
			   "/run/cni \"x\""),
		   "conflist: host-local, a range set per family, dataDir escaped");
		ok(!strcmp(json_object_get_string(pd_json_member(
			   json_object_array_get_idx(pd_json_member(o, "plugins"), 1), "type")),
			   "portmap"), "conflist: portmap last");
		json_object_put(o);
	}

	pd_masq_rules(buf, sizeof(buf), &nc, &self);
	ok(strstr(buf, "meta mark & 0x4000 == 0x4000 return") &&
	   strstr(buf, "ip saddr 10.244.0.0/16 ip daddr 10.244.0.0/16 return") &&
	   strstr(buf, "ip saddr 10.244.0.0/16 ip daddr != 224.0.0.0/4 masquerade fully-random") &&
	   strstr(buf, "ip saddr != 10.244.0.0/16 ip daddr 10.244.7.0/24 return") &&
	   strstr(buf, "ip saddr != 10.244.0.0/16 ip daddr 10.244.0.0/16 masquerade fully-random") &&
	   strstr(buf, "ip6 saddr fd00:244::/48 ip6 daddr fd00:244::/48 return") &&
	   strstr(buf, "ip daddr 10.244.0.0/16 accept") &&
	   strstr(buf, "delete table inet podnetd"),
	   "masquerade: flanneld's rules in table inet podnetd, replaced at once");
}

int main(void)
{
	printf("TAP version 13\n");
	pd_log_level = PD_ERR;
	test_flags();
	test_netconf();
	test_alloc();
	test_leases();
	test_etcd();
	test_files();
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
