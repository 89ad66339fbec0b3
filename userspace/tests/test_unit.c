// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl unit tests, TAP output. No podnet module needed:
 *  - parsing of addresses, prefixes, MACs, numbers, encap names;
 *  - the JSON writer (escaping, nesting, pretty);
 *  - the answer loop (ACK, extended ACK, NLMSG_DONE errors, DUMP_INTR,
 *    stale messages) on buffers built here;
 *  - the text and JSON output of devices, peers and routes from podnet
 *    messages built here as the kernel would send them;
 *  - with root, in a new network namespace, the same code against the
 *    running kernel's rtnetlink and nlctrl: a dump of 3000 addresses over
 *    many multipart buffers, extended ACK messages, ENOENT of a family.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "genl.h"
#include "json.h"
#include "nl.h"
#include "output.h"
#include "podnetctl.h"
#include "utils.h"

static int tests, failures;

static bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failures++;
	printf("%sok %d - ", cond ? "" : "not ", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return cond;
}

static void diag_str(const char *what, const char *s)
{
	printf("# %s: ", what);
	for (; *s; s++) {
		putchar(*s);
		if (*s == '\n')
			printf("#   ");
	}
	putchar('\n');
}

static bool is_str(const char *got, const char *want, const char *desc)
{
	if (ok(!strcmp(got, want), "%s", desc))
		return true;
	diag_str("got ", got);
	diag_str("want", want);
	return false;
}

/* ---- parsing ---- */

static void test_prefix(const char *s, int want, unsigned int len)
{
	struct pn_prefix p;
	int err = pn_parse_prefix(s, &p);

	ok(err == want && (err || p.len == len),
	   "prefix \"%s\" -> %d/%u (got %d/%u)", s, want, len, err, p.len);
}

static void test_parsing(void)
{
	uint8_t mac[PN_ETH_ALEN];
	char buf[PN_PREFIX_STRLEN];
	struct pn_prefix p;
	struct pn_addr a;
	uint64_t v;

	ok(pn_parse_addr("192.168.1.1", &a) == 0 && a.family == AF_INET &&
	   a.len == 4, "IPv4 address");
	ok(pn_parse_addr("fd00::1", &a) == 0 && a.family == AF_INET6 &&
	   a.len == 16, "IPv6 address");
	ok(pn_parse_addr("1.2.3.400", &a) == -PN_EADDR, "1.2.3.400 refused");
	ok(pn_parse_addr("1.2.3", &a) == -PN_EADDR, "1.2.3 refused");
	ok(pn_parse_addr("", &a) == -PN_EADDR, "empty address refused");
	ok(pn_parse_addr("fe80::1%eth0", &a) == -PN_EADDR,
	   "scoped IPv6 refused");

	test_prefix("10.244.1.0/24", 0, 24);
	test_prefix("10.244.1.1", 0, 32);
	test_prefix("0.0.0.0/0", 0, 0);
	test_prefix("10.244.1.1/32", 0, 32);
	test_prefix("fd00:1::/64", 0, 64);
	test_prefix("fd00:1::", 0, 128);
	test_prefix("10.244.1.1/24", -PN_EHOSTBITS, 0);
	test_prefix("10.244.1.128/25", 0, 25);
	test_prefix("10.244.1.64/25", -PN_EHOSTBITS, 0);
	test_prefix("fd00:1::1/64", -PN_EHOSTBITS, 0);
	test_prefix("10.0.0.0/33", -PN_EPFXLEN, 0);
	test_prefix("fd00::/129", -PN_EPFXLEN, 0);
	test_prefix("10.0.0.0/", -PN_EPFXLEN, 0);
	test_prefix("10.0.0.0/-1", -PN_EPFXLEN, 0);
	test_prefix("10.0.0.0/2x", -PN_EPFXLEN, 0);
	test_prefix("10.0.0.0/0024", -PN_EPFXLEN, 0);
	test_prefix("10.0.0.0/24/1", -PN_EPFXLEN, 0);
	test_prefix("1.2.3.400/24", -PN_EADDR, 0);
	test_prefix("/24", -PN_EADDR, 0);

	pn_parse_prefix("fd00:1::/64", &p);
	is_str(pn_prefix_str(&p, buf, sizeof(buf)), "fd00:1::/64",
	       "prefix formatting");

	ok(pn_parse_mac("02:00:0a:Bc:d:ff", mac) == 0 && mac[3] == 0xbc &&
	   mac[4] == 0x0d, "MAC address");
	ok(pn_parse_mac("02:00:00:00:00", mac) < 0, "short MAC refused");
	ok(pn_parse_mac("02:00:00:00:00:00:01", mac) < 0, "long MAC refused");
	ok(pn_parse_mac("02:00:00:00:00:100", mac) < 0, "3 digits refused");
	ok(pn_parse_mac("02-00-00-00-00-01", mac) < 0, "'-' refused");

	ok(pn_parse_uint("8472", 1, 65535, &v) == 0 && v == 8472, "decimal");
	ok(pn_parse_uint("0x10", 0, 255, &v) == 0 && v == 16, "hexadecimal");
	ok(pn_parse_uint("65536", 1, 65535, &v) == -ERANGE, "too big");
	ok(pn_parse_uint("0", 1, 65535, &v) == -ERANGE, "too small");
	ok(pn_parse_uint("-1", 0, 65535, &v) == -EINVAL, "negative refused");
	ok(pn_parse_uint("12a", 0, 65535, &v) == -EINVAL, "garbage refused");
	ok(pn_parse_uint("", 0, 65535, &v) == -EINVAL, "empty refused");
	ok(pn_parse_uint("99999999999999999999999", 0, 65535, &v) == -ERANGE,
	   "overflow refused");

	ok(pn_parse_encap("vxlan") == 1 && pn_parse_encap("auto") == 5 &&
	   pn_parse_encap("unspec") < 0 && pn_parse_encap("VXLAN") < 0,
	   "encap names");
	ok(pn_matches("r", "route") && pn_matches("route", "route") &&
	   !pn_matches("", "route") && !pn_matches("routes", "route"),
	   "iproute2 abbreviations");
	ok(pn_ifname_ok("pn0") && !pn_ifname_ok("a/b") &&
	   !pn_ifname_ok("0123456789abcdef") && !pn_ifname_ok("") &&
	   !pn_ifname_ok("a b"), "interface names");
}

/* ---- JSON ---- */

static char *capture_buf;
static size_t capture_len;

static FILE *capture_start(void)
{
	FILE *f = open_memstream(&capture_buf, &capture_len);

	if (!f)
		abort();
	return f;
}

/* Returns the text written since capture_start(); free() it. */
static char *capture_end(FILE *f)
{
	fclose(f);
	return capture_buf;
}

static void test_json(void)
{
	struct json *j;
	FILE *f;
	char *s;

	f = capture_start();
	json_escape(f, "a\"b\\c\n\t\x01/\x7f\xc3\xa9\xff\xe2\x82");
	s = capture_end(f);
	is_str(s, "\"a\\\"b\\\\c\\n\\t\\u0001/\x7f\xc3\xa9\\ufffd\\ufffd\\ufffd\"",
	       "JSON string escaping (controls, quotes, invalid UTF-8)");
	free(s);

	f = capture_start();
	json_escape(f, "\xed\xa0\x80\xc0\xaf\xf0\x9f\x98\x80");
	s = capture_end(f);
	is_str(s, "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\xf0\x9f\x98\x80\"",
	       "JSON escaping of surrogates and overlong forms");
	free(s);

	f = capture_start();
	j = json_new(f, false);
	json_arr_start(j, NULL);
	json_arr_end(j);
	json_free(j);
	s = capture_end(f);
	is_str(s, "[]\n", "empty JSON array");
	free(s);

	f = capture_start();
	j = json_new(f, false);
	json_arr_start(j, NULL);
	json_obj_start(j, NULL);
	json_str(j, "k\"", "v");
	json_uint(j, "n", 18446744073709551615ULL);
	json_obj_start(j, "stats");
	json_raw(j, "x", "null");
	json_obj_end(j);
	json_obj_end(j);
	json_obj_start(j, NULL);
	json_obj_end(j);
	json_arr_end(j);
	json_free(j);
	s = capture_end(f);
	is_str(s, "[{\"k\\\"\":\"v\",\"n\":18446744073709551615,"
		  "\"stats\":{\"x\":null}},{}]\n", "compact JSON");
	free(s);

	f = capture_start();
	j = json_new(f, true);
	json_arr_start(j, NULL);
	json_obj_start(j, NULL);
	json_uint(j, "a", 1);
	json_arr_start(j, "b");
	json_arr_end(j);
	json_obj_end(j);
	json_arr_end(j);
	json_free(j);
	s = capture_end(f);
	is_str(s, "[\n    {\n        \"a\": 1,\n        \"b\": []\n    }\n]\n",
	       "pretty JSON");
	free(s);
}

/* ---- the answer loop ---- */

struct counter {
	int n;
	int fail_at;
};

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct counter *c = data;

	(void)nlh;
	return ++c->n == c->fail_at ? MNL_CB_ERROR : MNL_CB_OK;
}

static struct nlmsghdr *put_msg(char **p, uint16_t type, uint16_t flags,
				uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(*p);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 42;
	return nlh;
}

static void end_msg(char **p, struct nlmsghdr *nlh)
{
	*p += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* An NLMSG_ERROR, capped or with the request echoed, with extack TLVs. */
static void put_error(char **p, uint32_t seq, int error, bool capped,
		      const char *msg)
{
	struct nlmsghdr *nlh = put_msg(p, NLMSG_ERROR, 0, seq);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	e->msg.nlmsg_len = capped ? sizeof(e->msg) : sizeof(e->msg) + 8;
	e->msg.nlmsg_seq = seq;
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	else
		mnl_nlmsg_put_extra_header(nlh, 8);	/* echoed payload */
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	}
	end_msg(p, nlh);
}

static void test_answers(void)
{
	static char buf[16384];
	struct counter cnt = { 0 };
	struct nl_answer a;
	struct nlmsghdr *nlh;
	char *p;
	int i;

#define ANSWER() do {							\
		memset(&a, 0, sizeof(a));				\
		memset(&cnt, 0, sizeof(cnt));				\
		a.portid = 42; a.seq = 7;				\
		a.cb = count_cb; a.data = &cnt;				\
		p = buf;						\
	} while (0)

	ANSWER();
	nlh = put_msg(&p, 0x20, 0, 7);
	end_msg(&p, nlh);
	put_error(&p, 7, 0, true, NULL);
	nl_process(&a, buf, (size_t)(p - buf));
	ok(a.done && a.err.error == 0 && cnt.n == 1, "data then ACK");

	ANSWER();
	put_error(&p, 7, -EEXIST, true, "Peer exists");
	nl_process(&a, buf, (size_t)(p - buf));
	ok(a.done && a.err.error == -EEXIST &&
	   !strcmp(a.err.msg, "Peer exists"), "capped error with extack");

	ANSWER();
	put_error(&p, 7, -EINVAL, false, "Invalid prefix");
	nl_process(&a, buf, (size_t)(p - buf));
	ok(a.done && a.err.error == -EINVAL &&
	   !strcmp(a.err.msg, "Invalid prefix"),
	   "uncapped error: extack after the echoed request");

	ANSWER();
	put_error(&p, 7, -EPERM, true, NULL);
	nl_process(&a, buf, (size_t)(p - buf));
	ok(a.done && a.err.error == -EPERM && a.err.msg[0] == '\0',
	   "error without extack");

	ANSWER();
	put_error(&p, 6, -EPERM, true, "stale");
	for (i = 0; i < 3; i++) {
		nlh = put_msg(&p, 0x20, NLM_F_MULTI, 7);
		end_msg(&p, nlh);
	}
	nl_process(&a, buf, (size_t)(p - buf));
	ok(!a.done && cnt.n == 3 && a.err.error == 0,
	   "a stale answer is skipped; multipart data without DONE: not done");
	p = buf;
	nlh = put_msg(&p, 0x20, NLM_F_MULTI | NLM_F_DUMP_INTR, 7);
	end_msg(&p, nlh);
	nlh = put_msg(&p, NLMSG_DONE, NLM_F_MULTI, 7);
	mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	end_msg(&p, nlh);
	nl_process(&a, buf, (size_t)(p - buf));
	ok(a.done && cnt.n == 4 && a.err.intr && a.err.error == 0,
	   "second buffer: NLM_F_DUMP_INTR recorded, DONE ends the dump");

	ANSWER();
	nlh = put_msg(&p, NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, 7);
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = -ENODEV;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "No such podnet device");
	end_msg(&p, nlh);
	nl_process(&a, buf, (size_t)(p - buf));
	ok(a.done && a.err.error == -ENODEV &&
	   !strcmp(a.err.msg, "No such podnet device"),
	   "NLMSG_DONE carrying a dump error and extack");

	ANSWER();
	cnt.fail_at = 2;
	for (i = 0; i < 5; i++) {
		nlh = put_msg(&p, 0x20, NLM_F_MULTI, 7);
		end_msg(&p, nlh);
	}
	nlh = put_msg(&p, NLMSG_DONE, NLM_F_MULTI, 7);
	mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	end_msg(&p, nlh);
	nl_process(&a, buf, (size_t)(p - buf));
	ok(a.done && a.err.cb_failed && cnt.n == 2,
	   "a failing callback is not called again, the dump is drained");

	ANSWER();
	nlh = put_msg(&p, NLMSG_ERROR, 0, 7);	/* truncated nlmsgerr */
	end_msg(&p, nlh);
	nl_process(&a, buf, (size_t)(p - buf));
	ok(a.done && a.err.error == -EBADMSG, "short NLMSG_ERROR");
#undef ANSWER
}

/* ---- output of podnet messages ---- */

static char *print_one(nl_data_cb cb, const struct nlmsghdr *nlh,
		       bool json, int stats, const struct pn_dev *dev)
{
	struct pn_show show = { .stats = stats, .dev = dev };
	FILE *f = capture_start();

	out_init(f, json, false);
	out_list_begin();
	cb(nlh, &show);
	out_list_end();
	out_fini();
	return capture_end(f);
}

static struct nlmsghdr *dev_msg(char *buf, bool full)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t local[4] = { 192, 168, 1, 1 };
	struct nlmsghdr *nlh = genl_msg(buf, 0x20, 1, PODNET_CMD_DEV_GET, 0);
	struct nlattr *dev, *st;

	mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, 5);
	mnl_attr_put_strz(nlh, PODNET_A_IFNAME, "pn0");
	dev = mnl_attr_nest_start(nlh, PODNET_A_DEV);
	mnl_attr_put_u32(nlh, PODNET_A_DEV_VNI, 1);
	mnl_attr_put_u16(nlh, PODNET_A_DEV_PORT, 8472);
	if (full) {
		mnl_attr_put(nlh, PODNET_A_DEV_LOCAL, 4, local);
		mnl_attr_put_u32(nlh, PODNET_A_DEV_LINK, 1);	/* lo */
	}
	mnl_attr_put_u8(nlh, PODNET_A_DEV_ENCAP, PODNET_ENCAP_VXLAN);
	mnl_attr_put_u8(nlh, PODNET_A_DEV_TTL, full ? 64 : 0);
	mnl_attr_put_u8(nlh, PODNET_A_DEV_TOS, full ? 1 : 0x10);
	mnl_attr_put_u32(nlh, PODNET_A_DEV_MTU, 1450);
	mnl_attr_put(nlh, PODNET_A_DEV_VTEP_MAC, 6, mac);
	mnl_attr_put_u32(nlh, PODNET_A_DEV_PEERS, 2);
	mnl_attr_put_u32(nlh, PODNET_A_DEV_ROUTES, 3);
	st = mnl_attr_nest_start(nlh, PODNET_A_DEV_STATS);
	for (uint16_t i = 1; i <= PODNET_STAT_TX_NOMEM; i++)
		mnl_attr_put_u64(nlh, i, i * 10);
	mnl_attr_put_u64(nlh, 99, 1);		/* a newer kernel's counter */
	mnl_attr_nest_end(nlh, st);
	mnl_attr_nest_end(nlh, dev);
	return nlh;
}

static struct nlmsghdr *peer_msg(char *buf, bool full)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t addr[16] = { 0xfd, 0, [15] = 2 };
	struct nlmsghdr *nlh = genl_msg(buf, 0x20, 1, PODNET_CMD_PEER_GET, 0);
	struct nlattr *peer, *st;

	mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, 5);
	peer = mnl_attr_nest_start(nlh, PODNET_A_PEER);
	mnl_attr_put(nlh, PODNET_A_PEER_ADDR, full ? 4 : 16,
		     full ? (const void *)"\xc0\xa8\x01\x66" : addr);
	mnl_attr_put_u16(nlh, PODNET_A_PEER_PORT, full ? 8472 : 0);
	mnl_attr_put_u8(nlh, PODNET_A_PEER_ENCAP,
			full ? PODNET_ENCAP_VXLAN : PODNET_ENCAP_UNSPEC);
	if (full)
		mnl_attr_put(nlh, PODNET_A_PEER_MAC, 6, mac);
	mnl_attr_put_u32(nlh, PODNET_A_PEER_ROUTES, 2);
	st = mnl_attr_nest_start(nlh, PODNET_A_PEER_STATS);
	mnl_attr_put_u64(nlh, PODNET_PEER_STAT_TX_PACKETS, 1);
	mnl_attr_put_u64(nlh, PODNET_PEER_STAT_TX_BYTES, 2);
	mnl_attr_put_u64(nlh, PODNET_PEER_STAT_RX_PACKETS, 3);
	mnl_attr_put_u64(nlh, PODNET_PEER_STAT_RX_BYTES, 4);
	mnl_attr_put_u64(nlh, PODNET_PEER_STAT_TX_DROPS, 5);
	if (full)
		mnl_attr_put_u64(nlh, PODNET_PEER_STAT_LAST_RX_MSECS, 1234);
	mnl_attr_nest_end(nlh, st);
	mnl_attr_nest_end(nlh, peer);
	return nlh;
}

static struct nlmsghdr *route_msg(char *buf, uint32_t ifindex, bool v6)
{
	struct nlmsghdr *nlh = genl_msg(buf, 0x20, 1, PODNET_CMD_ROUTE_GET, 0);
	static const uint8_t p6[16] = { 0xfd, 0, 0, 0x2 };
	struct nlattr *r;

	mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, ifindex);
	r = mnl_attr_nest_start(nlh, PODNET_A_ROUTE);
	if (v6)
		mnl_attr_put(nlh, PODNET_A_ROUTE_PREFIX, 16, p6);
	else
		mnl_attr_put(nlh, PODNET_A_ROUTE_PREFIX, 4, "\x0a\xf4\x02\x00");
	mnl_attr_put_u8(nlh, PODNET_A_ROUTE_PREFIX_LEN, v6 ? 64 : 24);
	mnl_attr_put(nlh, PODNET_A_ROUTE_VIA, 4, "\xc0\xa8\x01\x66");
	mnl_attr_nest_end(nlh, r);
	return nlh;
}

static void test_output(void)
{
	static const struct pn_dev pn0 = { 5, "pn0" }, pn1 = { 6, "pn1" };
	char buf[NL_REQ_SIZE];
	char *s;

	s = print_one(pn_print_dev, dev_msg(buf, true), false, 0, NULL);
	is_str(s, "pn0: vni 1 port 8472 local 192.168.1.1 dev lo encap vxlan "
		  "ttl 64 tos inherit mtu 1450 mac 02:00:00:00:00:01\n"
		  "    peers 2 routes 3\n", "show: text");
	free(s);
	s = print_one(pn_print_dev, dev_msg(buf, false), false, 1, NULL);
	is_str(s, "pn0: vni 1 port 8472 encap vxlan ttl auto tos 0x10 mtu 1450 "
		  "mac 02:00:00:00:00:01\n"
		  "    peers 2 routes 3\n"
		  "    rx_bad_header 10 rx_unknown_vni 20 rx_unknown_peer 30 "
		  "rx_spoofed 40 rx_bad_inner 50 rx_ecn 60 rx_dev_down 70\n"
		  "    tx_no_route 80 tx_underlay 90 tx_bad_inner 100 "
		  "tx_nomem 110\n", "show -s: text, auto ttl, hex tos");
	free(s);
	s = print_one(pn_print_dev, dev_msg(buf, false), true, 1, NULL);
	is_str(s, "[{\"ifname\":\"pn0\",\"vni\":1,\"port\":8472,"
		  "\"encap\":\"vxlan\",\"ttl\":0,\"tos\":16,\"mtu\":1450,"
		  "\"mac\":\"02:00:00:00:00:01\",\"peers\":2,\"routes\":3,"
		  "\"stats\":{\"rx_bad_header\":10,\"rx_unknown_vni\":20,"
		  "\"rx_unknown_peer\":30,\"rx_spoofed\":40,"
		  "\"rx_bad_inner\":50,\"rx_ecn\":60,\"rx_dev_down\":70,"
		  "\"tx_no_route\":80,\"tx_underlay\":90,"
		  "\"tx_bad_inner\":100,\"tx_nomem\":110}}]\n",
	       "show -s -j: JSON");
	free(s);
	s = print_one(pn_print_dev, dev_msg(buf, true), true, 0, NULL);
	ok(strstr(s, "\"tos\":\"inherit\"") && !strstr(s, "stats"),
	   "show -j: tos inherit, no stats without -s");
	free(s);

	s = print_one(pn_print_peer, peer_msg(buf, true), false, 1, &pn0);
	is_str(s, "192.168.1.102 dev pn0 port 8472 encap vxlan "
		  "mac 02:00:00:00:00:02 routes 2\n"
		  "    tx_packets 1 tx_bytes 2 rx_packets 3 rx_bytes 4 "
		  "tx_drops 5 last_rx 1.234s ago\n", "peer show -s: text");
	free(s);
	s = print_one(pn_print_peer, peer_msg(buf, false), false, 1, &pn0);
	is_str(s, "fd00::2 dev pn0 routes 2\n"
		  "    tx_packets 1 tx_bytes 2 rx_packets 3 rx_bytes 4 "
		  "tx_drops 5 last_rx never\n",
	       "peer show -s: device defaults left out, never received");
	free(s);
	s = print_one(pn_print_peer, peer_msg(buf, true), true, 1, &pn0);
	is_str(s, "[{\"addr\":\"192.168.1.102\",\"dev\":\"pn0\",\"port\":8472,"
		  "\"encap\":\"vxlan\",\"mac\":\"02:00:00:00:00:02\","
		  "\"routes\":2,\"stats\":{\"tx_packets\":1,\"tx_bytes\":2,"
		  "\"rx_packets\":3,\"rx_bytes\":4,\"tx_drops\":5,"
		  "\"last_rx\":1.234}}]\n", "peer show -s -j: JSON");
	free(s);
	s = print_one(pn_print_peer, peer_msg(buf, false), true, 1, &pn0);
	ok(strstr(s, "\"last_rx\":null") != NULL, "JSON last_rx null: never");
	free(s);

	s = print_one(pn_print_route, route_msg(buf, 5, false), false, 0, &pn0);
	is_str(s, "10.244.2.0/24 via 192.168.1.102 dev pn0\n",
	       "route show: text");
	free(s);
	s = print_one(pn_print_route, route_msg(buf, 5, true), true, 0, &pn0);
	is_str(s, "[{\"dst\":\"fd00:2::/64\",\"via\":\"192.168.1.102\","
		  "\"dev\":\"pn0\"}]\n", "route show: JSON, IPv6 via IPv4");
	free(s);
	s = print_one(pn_print_route, route_msg(buf, 5, false), true, 0, &pn1);
	is_str(s, "[]\n", "a message for another device is filtered out");
	free(s);
}

/* ---- against the running kernel, in a new network namespace ---- */

#define NADDR	3000

static int count_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWADDR && ifa->ifa_family == AF_INET)
		(*(int *)data)++;
	return MNL_CB_OK;
}

static struct nlmsghdr *addr_msg(char *buf, uint16_t flags, uint32_t addr)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_index = 1;	/* lo */
	mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(addr));
	return nlh;
}

static int count_family_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(int *)data)++;
	return MNL_CB_OK;
}

static void test_kernel(void)
{
	char buf[NL_REQ_SIZE];
	struct genl_family fam;
	struct nlmsghdr *nlh;
	struct nl_sock *s, *g;
	struct nl_err err;
	struct rtmsg *rtm;
	int i, n = 0, bad = 0;

	if (unshare(CLONE_NEWNET)) {
		printf("ok %d - # SKIP kernel tests: unshare(CLONE_NEWNET): %s\n",
		       ++tests, strerror(errno));
		return;
	}
	s = nl_open(NETLINK_ROUTE);
	g = nl_open(NETLINK_GENERIC);
	if (!ok(s && g, "netlink sockets")) {
		nl_close(s);
		nl_close(g);
		return;
	}

	for (i = 0; i < NADDR; i++)
		if (nl_request(s, addr_msg(buf, NLM_F_CREATE | NLM_F_EXCL,
					   0x0a000000 + (uint32_t)i), NULL, NULL))
			bad++;
	ok(bad == 0, "%d requests acknowledged", NADDR);

	ok(nl_talk(s, addr_msg(buf, NLM_F_CREATE | NLM_F_EXCL, 0x0a000000),
		   false, NULL, NULL, &err) && err.error == -EEXIST,
	   "NLM_F_EXCL: EEXIST");

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifaddrmsg));
	i = nl_dump(s, nlh, count_addr_cb, &n);
	ok(i == 0 && n == NADDR,
	   "dump of %d addresses over many buffers (got %d)", NADDR, n);

	/* The kernel's extack for what podnetctl refuses before sending. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 24;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_DST, htonl(0x0af40101));
	mnl_attr_put_u32(nlh, RTA_OIF, 1);
	ok(nl_talk(s, nlh, false, NULL, NULL, &err) && err.error == -EINVAL &&
	   !strcmp(err.msg, "Invalid prefix for given prefix length"),
	   "extack message from the kernel (\"%s\")", err.msg);

	ok(genl_resolve(g, "nlctrl", "notify", &fam) == 0 &&
	   fam.id == GENL_ID_CTRL && fam.mcgrp_id != 0,
	   "nlctrl resolved, with its multicast group");
	ok(genl_resolve(g, "pn-no-such", NULL, &fam) == -ENOENT,
	   "unknown family: -ENOENT");
	n = 0;
	i = nl_dump(g, genl_msg(buf, GENL_ID_CTRL, 1, CTRL_CMD_GETFAMILY, 0),
		    count_family_cb, &n);
	ok(i == 0 && n > 1, "generic netlink dump (%d families)", n);
	nl_close(s);
	nl_close(g);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_parsing();
	test_json();
	test_answers();
	test_output();
	test_kernel();
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
