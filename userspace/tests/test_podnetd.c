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
 *  - subnet.env, the conflist and the masquerade rules;
 *  - the Kubernetes store: flannel's annotation names, a Node as a real
 *    API server returns it (selftests/kube/node.json, the stand-in API
 *    server's fixture too) and the lease it says, each reason to skip
 *    one, lists, watch events and Status answers, the strategic-merge
 *    patch of the Node's status byte for byte, kubeconfig files and a
 *    pod's own configuration.
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
#include "pd_kube.h"
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
	ok(parse(&f, NULL) == 0 && !f.kube_subnet_mgr &&
	   !strcmp(f.kube_annotation_prefix, "flannel.alpha.coreos.com") &&
	   !strcmp(f.net_config_path, "/etc/kube-flannel/net-conf.json") &&
	   f.set_node_network_unavailable && !f.kube_api_url &&
	   !f.kubeconfig_file && f.kube_timeout_ms == 10000,
	   "flags: flanneld's kube defaults");
	ok(parse(&f, "--kube-subnet-mgr", "--kube-api-url=https://10.0.0.1:6443",
		 "--kubeconfig-file", "/etc/podnet/kubeconfig",
		 "--kube-annotation-prefix=example.com/net",
		 "--set-node-network-unavailable=false", NULL) == 0 &&
	   f.kube_subnet_mgr && !strcmp(f.kube_api_url, "https://10.0.0.1:6443") &&
	   !strcmp(f.kubeconfig_file, "/etc/podnet/kubeconfig") &&
	   !strcmp(f.kube_annotation_prefix, "example.com/net") &&
	   !f.set_node_network_unavailable, "flags: flanneld's kube flags");
	ok(parse(&f, "--kube-api-url=10.0.0.1:6443", NULL) == -1,
	   "flags: an API URL without http(s):// refused");
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

/* ------------------------------------------------------------ kube ---- */

#define FIXTURE "../selftests/kube/node.json"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t size = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		char *p;

		size = size ? size * 2 : 65536;
		p = realloc(buf, size + 1);
		if (!p) {
			free(buf);
			fclose(f);
			return NULL;
		}
		buf = p;
		r = fread(buf + n, 1, size - n, f);
		n += r;
	} while (n == size);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static struct json_object *json(const char *s)
{
	return json_tokener_parse(s);
}

static const char *const DUAL =
	"{\"Network\":\"10.244.0.0/16\",\"EnableIPv6\":true,\"IPv6Network\":"
	"\"fd00:244::/48\",\"Backend\":{\"Type\":\"vxlan\"}}";

static void test_kube_ann(void)
{
	struct pd_kube_ann a;
	char err[256];

	ok(pd_kube_ann_init(&a, "flannel.alpha.coreos.com", err, sizeof(err)) == 0 &&
	   !strcmp(a.name[PD_ANN_MANAGED], "flannel.alpha.coreos.com/kube-subnet-manager") &&
	   !strcmp(a.name[PD_ANN_BACKEND_V6_DATA], "flannel.alpha.coreos.com/backend-v6-data") &&
	   !strcmp(a.name[PD_ANN_PUBLIC_IP_OVERWRITE], "flannel.alpha.coreos.com/public-ip-overwrite"),
	   "annotations: flanneld's default prefix gets a '/'");
	ok(pd_kube_ann_init(&a, "example.com/net", err, sizeof(err)) == 0 &&
	   !strcmp(a.name[PD_ANN_PUBLIC_IP], "example.com/net-public-ip"),
	   "annotations: a name part gets a '-', as flanneld's");
	ok(pd_kube_ann_init(&a, "example.com/net-", err, sizeof(err)) == 0 &&
	   !strcmp(a.name[PD_ANN_BACKEND_TYPE], "example.com/net-backend-type"),
	   "annotations: a name part ending in '-' is kept");
	ok(pd_kube_ann_init(&a, "a/b/c", err, sizeof(err)) == -1 &&
	   pd_kube_ann_init(&a, "localhost", err, sizeof(err)) == -1 &&
	   pd_kube_ann_init(&a, "Example.com", err, sizeof(err)) == -1 &&
	   pd_kube_ann_init(&a, "example.com/Net", err, sizeof(err)) == -1 &&
	   pd_kube_ann_init(&a, "example..com", err, sizeof(err)) == -1,
	   "annotations: two slashes, no domain, upper case, an empty label refused");
}

static void test_kube_node(void)
{
	char *text = slurp(FIXTURE), err[256];
	struct json_object *o = text ? json(text) : NULL, *n2;
	struct pd_kube_ann a;
	struct pd_kube_node n;
	struct pd_netconf nc;
	struct pd_lease l;
	char m[PN_MAC_STRLEN], p[PN_PREFIX_STRLEN], q[PN_PREFIX_STRLEN];

	pd_kube_ann_init(&a, "flannel.alpha.coreos.com", err, sizeof(err));
	pd_netconf_parse(DUAL, strlen(DUAL), &nc, err, sizeof(err));
	nc.any_len = true;
	if (!ok(o != NULL, "node: the fixture %s is JSON", FIXTURE)) {
		free(text);
		return;
	}
	ok(pd_kube_node_parse(o, &a, &n) == 0 && !strcmp(n.name, "node1") &&
	   !strcmp(n.rv, "48213") && n.created == 1796030047 && n.has4 &&
	   n.has6 && !n.cidr_bad && n.net_ok &&
	   !strcmp(pn_prefix_str(&n.cidr4, p, sizeof(p)), "10.244.1.0/24") &&
	   !strcmp(pn_prefix_str(&n.cidr6, q, sizeof(q)), "fd00:244:0:1::/64") &&
	   !strcmp(n.ann[PD_ANN_BACKEND_TYPE], "vxlan") &&
	   !n.ann[PD_ANN_PUBLIC_IP_OVERWRITE],
	   "node: a real Node: name, resourceVersion, created, PodCIDRs, annotations, NetworkUnavailable False");
	ok(pd_kube_lease(&n, &nc, &l) == PD_SKIP_NONE &&
	   l.has_subnet6 && l.has_public_ip6 && l.has_mac && l.has_mac6 &&
	   l.vni == 1 && !strcmp(l.backend_type, "vxlan") &&
	   !strcmp(pn_mac_str(l.mac, m, sizeof(m)), "0e:5c:4f:aa:bb:01") &&
	   !strcmp(pn_mac_str(l.mac6, m, sizeof(m)), "0e:5c:4f:aa:bb:61") &&
	   pd_lease_check(&l, &nc, NULL) == PD_SKIP_NONE,
	   "node: its lease: both subnets, public IPs, both vtep macs; usable");
	json_object_put(o);

	/* IPv6 first in podCIDRs (flannel-io/flannel#1629) */
	n2 = json("{\"metadata\":{\"name\":\"b\",\"annotations\":{"
		  "\"flannel.alpha.coreos.com/kube-subnet-manager\":\"true\","
		  "\"flannel.alpha.coreos.com/backend-type\":\"vxlan\","
		  "\"flannel.alpha.coreos.com/backend-data\":\"{\\\"VNI\\\":1,\\\"VtepMAC\\\":\\\"0e:00:00:00:00:02\\\"}\","
		  "\"flannel.alpha.coreos.com/public-ip\":\"192.168.1.2\"}},"
		  "\"spec\":{\"podCIDR\":\"fd00:244:0:2::/64\","
		  "\"podCIDRs\":[\"fd00:244:0:2::/64\",\"10.244.2.0/24\"]}}");
	ok(pd_kube_node_parse(n2, &a, &n) == 0 && n.has4 && n.has6 &&
	   pd_kube_lease(&n, &nc, &l) == PD_SKIP_NONE && !l.has_public_ip6 &&
	   !strcmp(pn_prefix_str(&l.subnet, p, sizeof(p)), "10.244.2.0/24") &&
	   !strcmp(pn_prefix_str(&l.subnet6, q, sizeof(q)), "fd00:244:0:2::/64"),
	   "node: IPv6 first in podCIDRs; no public-ipv6: IPv6 pods over IPv4");
	json_object_put(n2);

	n2 = json("{\"metadata\":{\"name\":\"c\"},\"spec\":{\"podCIDR\":\"10.244.3.0/24\"}}");
	ok(pd_kube_node_parse(n2, &a, &n) == 0 &&
	   pd_kube_lease(&n, &nc, &l) == PD_SKIP_PENDING,
	   "node: not annotated yet: pending");
	json_object_put(n2);

	n2 = json("{\"metadata\":{\"name\":\"d\",\"annotations\":{"
		  "\"flannel.alpha.coreos.com/kube-subnet-manager\":\"true\"}},"
		  "\"spec\":{\"podCIDRs\":[\"10.244.4.0/24\"]}}");
	ok(pd_kube_node_parse(n2, &a, &n) == 0 &&
	   pd_kube_lease(&n, &nc, &l) == PD_SKIP_PODCIDR,
	   "node: dual stack without an IPv6 PodCIDR: podcidr");
	json_object_put(n2);

	n2 = json("{\"metadata\":{\"name\":\"e\",\"annotations\":{"
		  "\"flannel.alpha.coreos.com/kube-subnet-manager\":\"true\"}},"
		  "\"spec\":{\"podCIDRs\":[\"10.244.5.0/24\",\"10.244.6.0/24\"]}}");
	ok(pd_kube_node_parse(n2, &a, &n) == 0 && n.cidr_bad &&
	   pd_kube_lease(&n, &nc, &l) == PD_SKIP_PODCIDR,
	   "node: two IPv4 PodCIDRs: podcidr");
	json_object_put(n2);

	n2 = json("{\"metadata\":{\"name\":\"f\",\"annotations\":{"
		  "\"flannel.alpha.coreos.com/kube-subnet-manager\":\"true\","
		  "\"flannel.alpha.coreos.com/backend-type\":\"vxlan\","
		  "\"flannel.alpha.coreos.com/public-ip\":\"not an address\"}},"
		  "\"spec\":{\"podCIDRs\":[\"10.244.7.0/24\",\"fd00:244:0:7::/64\"]}}");
	ok(pd_kube_node_parse(n2, &a, &n) == 0 &&
	   pd_kube_lease(&n, &nc, &l) == PD_SKIP_JSON,
	   "node: a public-ip that is not an address: json");
	json_object_put(n2);

	n2 = json("{\"metadata\":{\"name\":\"g\",\"annotations\":{"
		  "\"flannel.alpha.coreos.com/kube-subnet-manager\":\"true\","
		  "\"flannel.alpha.coreos.com/backend-type\":\"host-gw\","
		  "\"flannel.alpha.coreos.com/backend-data\":\"null\","
		  "\"flannel.alpha.coreos.com/public-ip\":\"192.168.1.8\"}},"
		  "\"spec\":{\"podCIDRs\":[\"10.244.8.0/25\",\"fd00:244:0:8::/64\"]}}");
	ok(pd_kube_node_parse(n2, &a, &n) == 0 &&
	   pd_kube_lease(&n, &nc, &l) == PD_SKIP_NONE && !l.has_mac &&
	   pd_lease_check(&l, &nc, NULL) == PD_SKIP_BACKEND,
	   "node: host-gw's \"null\" backend-data parses; another backend: backend");
	nc.any_len = false;
	ok(pd_lease_check(&l, &nc, NULL) == PD_SKIP_OUTSIDE,
	   "node: a /25 PodCIDR is a subnet with Kubernetes' any_len, outside of etcd's /24 leases");
	nc.any_len = true;
	json_object_put(n2);
	ok(pd_kube_node_parse(json("[]"), &a, &n) == -1,
	   "node: not an object refused");
	n2 = json("{\"metadata\":{}}");
	ok(pd_kube_node_parse(n2, &a, &n) == -1, "node: no name refused");
	json_object_put(n2);
	free(text);
}

static void test_kube_answers(void)
{
	struct pd_kube_status st;
	struct pd_kube_event ev;
	struct pd_kube_list l;
	const char *s;

	s = "{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"812\","
	    "\"continue\":\"eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6ODEyLCJzdGFydCI6Im4yXHUwMDAwIn0\"},"
	    "\"items\":[{\"metadata\":{\"name\":\"n1\"}},{\"metadata\":{\"name\":\"n2\"}}]}";
	ok(pd_kube_list_parse(s, strlen(s), &l) == 0 && l.n == 2 &&
	   !strcmp(l.rv, "812") && l.cont && l.cont[0] == 'e',
	   "list: a page: items, resourceVersion, continue");
	pd_kube_list_free(&l);
	s = "{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"9\"},\"items\":[]}";
	ok(pd_kube_list_parse(s, strlen(s), &l) == 0 && l.n == 0 && !l.cont,
	   "list: the last page, empty");
	pd_kube_list_free(&l);
	s = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"9\"},\"items\":[]}";
	ok(pd_kube_list_parse(s, strlen(s), &l) == -1, "list: not a NodeList refused");
	s = "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Node\",\"apiVersion\":\"v1\","
	    "\"metadata\":{\"name\":\"n1\",\"resourceVersion\":\"813\"}}}";
	ok(pd_kube_event_parse(s, strlen(s), &ev) == 0 &&
	   ev.type == PD_EV_MODIFIED && !strcmp(ev.rv, "813"),
	   "watch: MODIFIED, its resourceVersion");
	pd_kube_event_free(&ev);
	s = "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Node\",\"apiVersion\":\"v1\","
	    "\"metadata\":{\"resourceVersion\":\"900\",\"creationTimestamp\":null},"
	    "\"spec\":{},\"status\":{\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":0}},"
	    "\"nodeInfo\":{\"machineID\":\"\",\"systemUUID\":\"\",\"bootID\":\"\","
	    "\"kernelVersion\":\"\",\"osImage\":\"\",\"containerRuntimeVersion\":\"\","
	    "\"kubeletVersion\":\"\",\"kubeProxyVersion\":\"\",\"operatingSystem\":\"\","
	    "\"architecture\":\"\"}}}}";
	ok(pd_kube_event_parse(s, strlen(s), &ev) == 0 &&
	   ev.type == PD_EV_BOOKMARK && !strcmp(ev.rv, "900"),
	   "watch: a BOOKMARK (an empty Node with a resourceVersion)");
	pd_kube_event_free(&ev);
	s = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
	    "\"status\":\"Failure\",\"message\":\"too old resource version: 12 (800)\","
	    "\"reason\":\"Expired\",\"code\":410}}";
	ok(pd_kube_event_parse(s, strlen(s), &ev) == 0 && ev.type == PD_EV_ERROR &&
	   ev.st.code == 410 && !strcmp(ev.st.reason, "Expired") &&
	   strstr(ev.st.message, "too old"),
	   "watch: an ERROR event with a Status of 410 Expired");
	pd_kube_event_free(&ev);
	s = "{\"type\":\"RENAMED\",\"object\":{}}";
	ok(pd_kube_event_parse(s, strlen(s), &ev) == -1 &&
	   pd_kube_event_parse("{\"type\":\"ADDED\",\"object\":{\"metadata\":{}}}", 41, &ev) == -1 &&
	   pd_kube_event_parse("not json", 8, &ev) == -1,
	   "watch: an unknown type, no resourceVersion, not JSON refused");
	s = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	    "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}\n";
	pd_kube_status_parse(s, strlen(s), &st);
	ok(st.code == 401 && !strcmp(st.message, "Unauthorized"),
	   "status: a 401's Status");
	pd_kube_status_parse("<html>bad gateway</html>", 24, &st);
	ok(st.code == 0 && strstr(st.message, "bad gateway"),
	   "status: not JSON: its text");
}

static void test_kube_patch(void)
{
	struct pd_kube_ann a;
	struct pd_kube_node n;
	struct pd_kube_pub w = {
		.backend_type = "vxlan",
		.backend_data = "{\"VNI\":1,\"VtepMAC\":\"0e:5c:4f:aa:bb:01\"}",
		.public_ip = "192.168.1.101", .has6 = true,
		.public_ip6 = "fd00:1::101", .condition = true,
	};
	struct pd_backend b = { .type = "vxlan", .vni = 1, .has_vtep = true };
	struct json_object *o;
	uint8_t mac[6] = { 0x0e, 0x5c, 0x4f, 0xaa, 0xbb, 0x01 };
	char err[64], buf[128], *p;
	bool e;

	pd_kube_ann_init(&a, "flannel.alpha.coreos.com", err, sizeof(err));
	pd_backend_data_json(buf, sizeof(buf), &b, mac);
	is_str(buf, w.backend_data, "patch: backend-data as flanneld marshals it");
	b.has_vtep = false;
	pd_backend_data_json(buf, sizeof(buf), &b, mac);
	is_str(buf, "null", "patch: host-gw's backend-data is null");
	o = json("{\"metadata\":{\"name\":\"node1\"},\"spec\":{\"podCIDRs\":[\"10.244.1.0/24\"]}}");
	pd_kube_node_parse(o, &a, &n);
	p = pd_kube_patch(&a, &n, &w, "2026-12-07T10:00:00Z", &e);
	is_str(p, "{\"metadata\":{\"annotations\":{"
	       "\"flannel.alpha.coreos.com/backend-data\":\"{\\\"VNI\\\":1,\\\"VtepMAC\\\":\\\"0e:5c:4f:aa:bb:01\\\"}\","
	       "\"flannel.alpha.coreos.com/backend-type\":\"vxlan\","
	       "\"flannel.alpha.coreos.com/backend-v6-data\":\"{\\\"VNI\\\":1,\\\"VtepMAC\\\":\\\"0e:5c:4f:aa:bb:01\\\"}\","
	       "\"flannel.alpha.coreos.com/kube-subnet-manager\":\"true\","
	       "\"flannel.alpha.coreos.com/public-ip\":\"192.168.1.101\","
	       "\"flannel.alpha.coreos.com/public-ipv6\":\"fd00:1::101\"}},"
	       "\"status\":{\"conditions\":[{\"type\":\"NetworkUnavailable\",\"status\":\"False\","
	       "\"lastHeartbeatTime\":\"2026-12-07T10:00:00Z\",\"lastTransitionTime\":\"2026-12-07T10:00:00Z\","
	       "\"reason\":\"PodnetIsUp\",\"message\":\"podnetd is running on this node\"}]}}",
	       "patch: a new node: every annotation (sorted) and NetworkUnavailable False");
	free(p);
	json_object_put(o);

	/* the fixture's flanneld annotations, with another mac and an overwrite */
	o = json("{\"metadata\":{\"name\":\"node1\",\"annotations\":{"
		 "\"flannel.alpha.coreos.com/backend-data\":\"{\\\"VNI\\\":1,\\\"VtepMAC\\\":\\\"0e:5c:4f:aa:bb:01\\\"}\","
		 "\"flannel.alpha.coreos.com/backend-type\":\"vxlan\","
		 "\"flannel.alpha.coreos.com/backend-v6-data\":\"{\\\"VNI\\\":1,\\\"VtepMAC\\\":\\\"0e:5c:4f:aa:bb:61\\\"}\","
		 "\"flannel.alpha.coreos.com/kube-subnet-manager\":\"true\","
		 "\"flannel.alpha.coreos.com/public-ip\":\"192.168.1.101\","
		 "\"flannel.alpha.coreos.com/public-ip-overwrite\":\"203.0.113.7\","
		 "\"flannel.alpha.coreos.com/public-ipv6\":\"fd00:1::101\"}},"
		 "\"status\":{\"conditions\":[{\"type\":\"NetworkUnavailable\",\"status\":\"False\"}]}}");
	pd_kube_node_parse(o, &a, &n);
	p = pd_kube_patch(&a, &n, &w, "2026-12-07T10:00:00Z", &e);
	is_str(p, "{\"metadata\":{\"annotations\":{"
	       "\"flannel.alpha.coreos.com/backend-v6-data\":\"{\\\"VNI\\\":1,\\\"VtepMAC\\\":\\\"0e:5c:4f:aa:bb:01\\\"}\","
	       "\"flannel.alpha.coreos.com/public-ip\":\"203.0.113.7\"}}}",
	       "patch: only what differs; public-ip-overwrite honoured; the condition already False");
	free(p);
	json_object_put(o);
	o = json("{\"metadata\":{\"name\":\"node1\",\"annotations\":{"
		 "\"flannel.alpha.coreos.com/backend-data\":\"{\\\"VNI\\\":1,\\\"VtepMAC\\\":\\\"0e:5c:4f:aa:bb:01\\\"}\","
		 "\"flannel.alpha.coreos.com/backend-type\":\"vxlan\","
		 "\"flannel.alpha.coreos.com/kube-subnet-manager\":\"true\","
		 "\"flannel.alpha.coreos.com/public-ip\":\"203.0.113.7\","
		 "\"flannel.alpha.coreos.com/public-ip-overwrite\":\"203.0.113.7\"}}}");
	pd_kube_node_parse(o, &a, &n);
	w.has6 = false;
	w.condition = false;
	p = pd_kube_patch(&a, &n, &w, "2026-12-07T10:00:00Z", &e);
	if (!ok(p == NULL && !e, "patch: nothing differs (IPv4 only, the overwrite published): none"))
		diag_str("got", p ? p : "(error)");
	free(p);
	json_object_put(o);
}

static void test_kubeconfig(void)
{
	struct pd_kubeconf kc;
	char err[256];
	const char *s;

	s = "apiVersion: v1\n"
	    "kind: Config\n"
	    "clusters:\n"
	    "- cluster:\n"
	    "    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==\n"
	    "    server: https://192.168.1.254:6443\n"
	    "  name: kubernetes\n"
	    "- cluster:\n"
	    "    server: https://other:6443\n"
	    "  name: other\n"
	    "contexts:\n"
	    "- context:\n"
	    "    cluster: kubernetes\n"
	    "    user: podnetd\n"
	    "  name: podnetd@kubernetes\n"
	    "current-context: podnetd@kubernetes\n"
	    "users:\n"
	    "- name: podnetd\n"
	    "  user:\n"
	    "    client-certificate-data: Y2VydA==\n"
	    "    client-key-data: a2V5\n";
	ok(pd_kubeconf_parse(s, strlen(s), "/etc/podnet", &kc, err, sizeof(err)) == 0 &&
	   !strcmp(kc.server, "https://192.168.1.254:6443") &&
	   !strcmp(kc.ca_pem, "-----BEGIN CERTIFICATE-----\n") &&
	   !strcmp(kc.cert_pem, "cert") && !strcmp(kc.key_pem, "key") &&
	   !kc.ca_file && !kc.token && !kc.insecure,
	   "kubeconfig: kubeadm's layout, the current context's cluster and user, *-data decoded");
	pd_kubeconf_free(&kc);
	s = "{\"apiVersion\":\"v1\",\"kind\":\"Config\",\"current-context\":\"c\","
	    "\"contexts\":[{\"name\":\"c\",\"context\":{\"cluster\":\"k\",\"user\":\"u\"}}],"
	    "\"clusters\":[{\"name\":\"k\",\"cluster\":{\"server\":\"https://k:6443\","
	    "\"certificate-authority\":\"pki/ca.crt\",\"insecure-skip-tls-verify\":true}}],"
	    "\"users\":[{\"name\":\"u\",\"user\":{\"tokenFile\":\"token\","
	    "\"client-certificate\":\"/abs/c.pem\",\"client-key\":\"k.pem\"}}]}";
	ok(pd_kubeconf_parse(s, strlen(s), "/etc/podnet", &kc, err, sizeof(err)) == 0 &&
	   !strcmp(kc.ca_file, "/etc/podnet/pki/ca.crt") &&
	   !strcmp(kc.token_file, "/etc/podnet/token") &&
	   !strcmp(kc.cert_file, "/abs/c.pem") &&
	   !strcmp(kc.key_file, "/etc/podnet/k.pem") && kc.insecure,
	   "kubeconfig: JSON; files relative to the kubeconfig's directory; tokenFile; insecure");
	pd_kubeconf_free(&kc);
	s = "current-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\n"
	    "clusters:\n- name: k\n  cluster: {server: 'https://k'}\n"
	    "users:\n- name: u\n  user: {token: abc.def}\n";
	ok(pd_kubeconf_parse(s, strlen(s), NULL, &kc, err, sizeof(err)) == 0 &&
	   !strcmp(kc.token, "abc.def") && !kc.token_file,
	   "kubeconfig: a token");
	pd_kubeconf_free(&kc);
	s = "current-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\n"
	    "clusters:\n- name: k\n  cluster: {server: 'https://k'}\n"
	    "users:\n- name: u\n  user:\n    exec: {command: aws}\n";
	ok(pd_kubeconf_parse(s, strlen(s), NULL, &kc, err, sizeof(err)) == -1 &&
	   strstr(err, "exec"), "kubeconfig: an exec user refused, saying why");
	s = "current-context: x\ncontexts: []\n";
	ok(pd_kubeconf_parse(s, strlen(s), NULL, &kc, err, sizeof(err)) == -1 &&
	   strstr(err, "no context"), "kubeconfig: an unknown current context refused");
	s = "current-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\n"
	    "clusters:\n- name: k\n  cluster: {server: 'https://k'}\n"
	    "users:\n- name: u\n  user: {client-certificate: c.pem}\n";
	ok(pd_kubeconf_parse(s, strlen(s), NULL, &kc, err, sizeof(err)) == -1,
	   "kubeconfig: a client certificate without its key refused");
	ok(pd_kubeconf_parse("key: [unclosed", 14, NULL, &kc, err, sizeof(err)) == -1 &&
	   strstr(err, "YAML"), "kubeconfig: not YAML refused");
	ok(pd_kubeconf_pod("10.96.0.1", "443", "/sa", &kc, err, sizeof(err)) == 0 &&
	   !strcmp(kc.server, "https://10.96.0.1:443") &&
	   !strcmp(kc.token_file, "/sa/token") && !strcmp(kc.ca_file, "/sa/ca.crt"),
	   "pod: the service's address, the account's token and CA");
	pd_kubeconf_free(&kc);
	ok(pd_kubeconf_pod("fd00::1", "6443", "/sa", &kc, err, sizeof(err)) == 0 &&
	   !strcmp(kc.server, "https://[fd00::1]:6443"),
	   "pod: an IPv6 service address in brackets");
	pd_kubeconf_free(&kc);
	ok(pd_kubeconf_pod(NULL, "443", "/sa", &kc, err, sizeof(err)) == -1,
	   "pod: not in a pod refused");
	ok(pd_kube_time("2026-11-30T09:14:07Z") == 1796030047 &&
	   pd_kube_time("2026-11-30 09:14:07") == -1, "time: RFC 3339 in UTC");
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
	test_kube_ann();
	test_kube_node();
	test_kube_answers();
	test_kube_patch();
	test_kubeconfig();
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
