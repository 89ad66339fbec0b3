// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl unit tests, TAP output. No podnet module needed:
 *  - parsing of addresses, prefixes, MACs, numbers, encap names;
 *  - the JSON writer (escaping, nesting, pretty);
 *  - the answer loop (ACK, extended ACK, NLMSG_DONE errors, DUMP_INTR,
 *    stale messages) on buffers built here;
 *  - the text and JSON output of devices, peers and routes from podnet
 *    messages built here as the kernel would send them;
 *  - sync files: parsing, errors with their line, the PODNET_CMD_SYNC
 *    request checked attribute by attribute, 100,000 routes (timed);
 *  - the requests of peer, route and link commands: IPv6 underlay
 *    addresses and every encap name reach the attributes;
 *  - monitor: the events printed from notifications built here;
 *  - with root, in a new network namespace, the same code against the
 *    running kernel's rtnetlink and nlctrl: a dump of 3000 addresses over
 *    many multipart buffers, extended ACK messages, ENOENT of a family, a
 *    request of megabytes (send buffer raised, capped error ACK), the
 *    send buffer error without CAP_NET_ADMIN, and notifications: joining
 *    a group, an overrun (ENOBUFS) and SIGTERM in the monitor loop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "genl.h"
#include "json.h"
#include "nl.h"
#include "output.h"
#include "podnetctl.h"
#include "sync.h"
#include "utils.h"
#include "tests/tap.h"

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

/* capture_buf and capture_len are up to date after each fflush(). */
static FILE *capture_start(void)
{
	FILE *f;

	capture_buf = NULL;	/* not a previous capture's, already freed */
	capture_len = 0;
	f = open_memstream(&capture_buf, &capture_len);

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
	a.events = true;
	for (i = 0; i < 3; i++) {
		nlh = put_msg(&p, 0x20, 0, (uint32_t)i * 50);
		nlh->nlmsg_pid = (uint32_t)i;
		end_msg(&p, nlh);
	}
	nl_process(&a, buf, (size_t)(p - buf));
	ok(!a.done && cnt.n == 3,
	   "notifications: any sequence number and portid is taken");

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
	struct nlmsghdr *nlh = genl_msg(buf, NL_REQ_SIZE, 0x20, 1, PODNET_CMD_DEV_GET, 0);
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
	mnl_attr_put_u32(nlh, PODNET_A_DEV_MAX_PEERS, full ? 100 : 0);
	mnl_attr_put_u32(nlh, PODNET_A_DEV_MAX_ROUTES, full ? 1000 : 0);
	st = mnl_attr_nest_start(nlh, PODNET_A_DEV_STATS);
	for (uint16_t i = 1; i <= PODNET_STAT_TX_NOMEM; i++)
		mnl_attr_put_u64(nlh, i, i * 10);
	mnl_attr_put_u64(nlh, PODNET_STAT_TX_TOO_BIG, 120);
	mnl_attr_put_u64(nlh, 99, 1);		/* a newer kernel's counter */
	mnl_attr_nest_end(nlh, st);
	st = mnl_attr_nest_start(nlh, PODNET_A_DEV_UNDERLAY_STATS);
	mnl_attr_put_u64(nlh, PODNET_STAT_RX_BAD_HEADER, 7);
	mnl_attr_put_u64(nlh, PODNET_STAT_RX_UNKNOWN_VNI, 8);
	mnl_attr_nest_end(nlh, st);
	mnl_attr_nest_end(nlh, dev);
	return nlh;
}

#define NO_MODE	(-1)	/* a module older than PODNET_A_PEER_MODE */

/*
 * A peer as the kernel sends it: @full, 192.168.1.102 with port, mac and
 * last_rx; else fd00::2 with the device's port. @mode: PODNET_A_PEER_MODE,
 * or NO_MODE for none.
 */
static struct nlmsghdr *peer_msg_as(char *buf, bool full, uint8_t encap,
				    int mode)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t addr[16] = { 0xfd, 0, [15] = 2 };
	struct nlmsghdr *nlh = genl_msg(buf, NL_REQ_SIZE, 0x20, 1, PODNET_CMD_PEER_GET, 0);
	struct nlattr *peer, *st;

	mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, 5);
	peer = mnl_attr_nest_start(nlh, PODNET_A_PEER);
	mnl_attr_put(nlh, PODNET_A_PEER_ADDR, full ? 4 : 16,
		     full ? (const void *)"\xc0\xa8\x01\x66" : addr);
	mnl_attr_put_u16(nlh, PODNET_A_PEER_PORT, full ? 8472 : 0);
	mnl_attr_put_u8(nlh, PODNET_A_PEER_ENCAP, encap);
	if (mode != NO_MODE)
		mnl_attr_put_u8(nlh, PODNET_A_PEER_MODE, (uint8_t)mode);
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

/* encap vxlan (@full) or the device's, no mode */
static struct nlmsghdr *peer_msg(char *buf, bool full)
{
	return peer_msg_as(buf, full,
			   full ? PODNET_ENCAP_VXLAN : PODNET_ENCAP_UNSPEC,
			   NO_MODE);
}

static struct nlmsghdr *route_msg(char *buf, uint32_t ifindex, bool v6)
{
	struct nlmsghdr *nlh = genl_msg(buf, NL_REQ_SIZE, 0x20, 1, PODNET_CMD_ROUTE_GET, 0);
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
		  "    peers 2 routes 3 max-peers 100 max-routes 1000\n",
	       "show: text, limits as the options that set them");
	free(s);
	s = print_one(pn_print_dev, dev_msg(buf, false), false, 1, NULL);
	is_str(s, "pn0: vni 1 port 8472 encap vxlan ttl auto tos 0x10 mtu 1450 "
		  "mac 02:00:00:00:00:01\n"
		  "    peers 2 routes 3\n"
		  "    rx_bad_header 10 rx_unknown_vni 20 rx_unknown_peer 30 "
		  "rx_spoofed 40 rx_bad_inner 50 rx_ecn 60 rx_dev_down 70\n"
		  "    tx_no_route 80 tx_underlay 90 tx_bad_inner 100 "
		  "tx_nomem 110 tx_too_big 120\n"
		  "    underlay: rx_bad_header 7 rx_unknown_vni 8\n",
	       "show -s: text, auto ttl, hex tos, no limits, underlay drops");
	free(s);
	s = print_one(pn_print_dev, dev_msg(buf, false), true, 1, NULL);
	is_str(s, "[{\"ifname\":\"pn0\",\"vni\":1,\"port\":8472,"
		  "\"encap\":\"vxlan\",\"ttl\":0,\"tos\":16,\"mtu\":1450,"
		  "\"mac\":\"02:00:00:00:00:01\",\"peers\":2,\"routes\":3,"
		  "\"max_peers\":0,\"max_routes\":0,"
		  "\"stats\":{\"rx_bad_header\":10,\"rx_unknown_vni\":20,"
		  "\"rx_unknown_peer\":30,\"rx_spoofed\":40,"
		  "\"rx_bad_inner\":50,\"rx_ecn\":60,\"rx_dev_down\":70,"
		  "\"tx_no_route\":80,\"tx_underlay\":90,"
		  "\"tx_bad_inner\":100,\"tx_nomem\":110,\"tx_too_big\":120},"
		  "\"underlay_stats\":{\"rx_bad_header\":7,"
		  "\"rx_unknown_vni\":8}}]\n",
	       "show -s -j: JSON, limits 0 when none");
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

	s = print_one(pn_print_peer,
		      peer_msg_as(buf, true, PODNET_ENCAP_AUTO,
				  PODNET_ENCAP_DIRECT), false, 0, &pn0);
	is_str(s, "192.168.1.102 dev pn0 port 8472 encap auto mode direct "
		  "mac 02:00:00:00:00:02 routes 2\n",
	       "peer show: mode after encap (auto resolved to direct)");
	free(s);
	s = print_one(pn_print_peer,
		      peer_msg_as(buf, true, PODNET_ENCAP_AUTO,
				  PODNET_ENCAP_DIRECT), true, 0, &pn0);
	is_str(s, "[{\"addr\":\"192.168.1.102\",\"dev\":\"pn0\",\"port\":8472,"
		  "\"encap\":\"auto\",\"mode\":\"direct\","
		  "\"mac\":\"02:00:00:00:00:02\",\"routes\":2}]\n",
	       "peer show -j: \"mode\" string after \"encap\"");
	free(s);
	s = print_one(pn_print_peer,
		      peer_msg_as(buf, false, PODNET_ENCAP_UNSPEC,
				  PODNET_ENCAP_GPE), false, 0, &pn0);
	is_str(s, "fd00::2 dev pn0 mode gpe routes 2\n",
	       "peer show: the device's encap left out, its mode shown (IPv6 peer)");
	free(s);
	s = print_one(pn_print_peer,
		      peer_msg_as(buf, false, PODNET_ENCAP_AUTO,
				  PODNET_ENCAP_VXLAN), true, 0, &pn0);
	is_str(s, "[{\"addr\":\"fd00::2\",\"dev\":\"pn0\",\"encap\":\"auto\","
		  "\"mode\":\"vxlan\",\"routes\":2}]\n",
	       "peer show -j: auto fell back to vxlan");
	free(s);
	s = print_one(pn_print_peer,
		      peer_msg_as(buf, false, PODNET_ENCAP_IPIP, 42), false, 0,
		      &pn0);
	is_str(s, "fd00::2 dev pn0 encap ipip mode 42 routes 2\n",
	       "peer show: a mode this podnetctl has no name for: its number");
	free(s);
	s = print_one(pn_print_peer,
		      peer_msg_as(buf, false, PODNET_ENCAP_GPE,
				  PODNET_ENCAP_UNSPEC), true, 0, &pn0);
	ok(!strstr(s, "mode") && strstr(s, "\"encap\":\"gpe\""),
	   "peer show -j: mode unspec left out");
	free(s);
	s = print_one(pn_print_peer, peer_msg(buf, true), true, 0, &pn0);
	ok(!strstr(s, "mode") && strstr(s, "\"encap\":\"vxlan\""),
	   "peer show -j: no mode attribute (older module): no \"mode\" key");
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

/* ---- sync files and the PODNET_CMD_SYNC request ---- */

/*
 * Parse @text as sync file "t.txt". Return: pn_sync_read()'s; *@err gets
 * what it printed on stderr (to free()).
 */
static int sync_parse(const char *text, struct pn_sync *sy, char **err)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *saved = stderr;
	int ret;

	if (!in)
		abort();
	stderr = capture_start();
	ret = pn_sync_read(in, "t.txt", sy);
	*err = capture_end(stderr);
	stderr = saved;
	fclose(in);
	return ret;
}

static void sync_error(const char *text, const char *want, const char *desc)
{
	struct pn_sync sy;
	char *err;

	if (ok(sync_parse(text, &sy, &err) == -1 && sy.nroutes == 0 &&
	       strstr(err, want), "sync file error: %s", desc))
		;
	else
		diag_str("stderr", err);
	free(err);
}

static void test_sync_parse(void)
{
	static const char text[] =
		"# the routes of the cluster\n"
		"\n"
		"10.244.2.0/24 via 192.168.1.102\n"
		"  10.244.3.0/24\tvia 192.168.1.103   # node 3\n"
		"fd00:10:244:2::/64 via 192.168.1.102\n"
		"10.244.9.9 via \\\n"
		"   192.168.1.109\n"
		"peer 192.168.1.103 port 4789 encap gpe mac 02:00:00:00:00:03\n"
		"peer 192.168.1.104\n";
	struct pn_sync sy;
	char buf[PN_PREFIX_STRLEN], *err;

	ok(sync_parse(text, &sy, &err) == 0 && err[0] == '\0' &&
	   sy.nroutes == 4 && sy.npeers == 2,
	   "sync file: 4 routes, 2 peers, comments and blank lines skipped");
	free(err);
	is_str(pn_prefix_str(&sy.routes[1].r.prefix, buf, sizeof(buf)),
	       "10.244.3.0/24", "sync file: second prefix");
	is_str(pn_addr_str(&sy.routes[1].r.via, buf, sizeof(buf)),
	       "192.168.1.103", "sync file: its via");
	ok(sy.routes[2].r.prefix.addr.len == 16 && sy.routes[2].r.via.len == 4 &&
	   sy.routes[2].line == 5, "sync file: IPv6 prefix via IPv4, line 5");
	ok(sy.routes[3].r.prefix.len == 32 && sy.routes[3].line == 6,
	   "sync file: a bare address is a /32; continued line counted from its start");
	ok(sy.peers[0].p.has_port && sy.peers[0].p.port == 4789 &&
	   sy.peers[0].p.has_encap && sy.peers[0].p.encap == PODNET_ENCAP_GPE &&
	   sy.peers[0].p.has_mac && sy.peers[0].p.mac[5] == 3 &&
	   sy.peers[0].line == 8, "sync file: peer settings");
	ok(!sy.peers[1].p.has_port && !sy.peers[1].p.has_encap &&
	   !sy.peers[1].p.has_mac, "sync file: a peer without settings");
	pn_sync_free(&sy);

	ok(sync_parse("10.244.3.0/24 via fd00::3\n"
		      "fd00:10:244:3::/64 via fd00::3\n"
		      "peer fd00::3 encap gpe\n"
		      "peer fd00::4 encap auto port 4789\n", &sy, &err) == 0 &&
	   sy.nroutes == 2 && sy.npeers == 2 &&
	   sy.routes[0].r.via.len == 16 && sy.routes[1].r.via.len == 16 &&
	   sy.peers[0].p.addr.len == 16 &&
	   sy.peers[0].p.encap == PODNET_ENCAP_GPE &&
	   sy.peers[1].p.encap == PODNET_ENCAP_AUTO,
	   "sync file: IPv6 underlay: routes via IPv6 peers, their settings");
	free(err);
	pn_sync_free(&sy);

	ok(sync_parse("# nothing\n\n", &sy, &err) == 0 && sy.nroutes == 0 &&
	   sy.npeers == 0, "sync file: an empty set is valid (removes all)");
	free(err);

	sync_error("10.244.2.0/24 via 1.2.3.4\n10.244.3.0/33 via 1.2.3.4\n",
		   "t.txt:2: invalid prefix length in \"10.244.3.0/33\"",
		   "bad prefix length at line 2");
	sync_error("\n\n10.244.3.1/24 via 1.2.3.4\n",
		   "t.txt:3: Invalid prefix for given prefix length.",
		   "host bits at line 3");
	sync_error("10.244.2.0/24\n", "t.txt:1: argument \"via\" is required",
		   "missing via");
	sync_error("10.244.2.0/24 via\n", "t.txt:1: the line is not complete",
		   "via without its address");
	sync_error("10.244.2.0/24 via 1.2.3.4 nexthop 1.2.3.5\n",
		   "t.txt:1: unknown argument \"nexthop\" for \"sync\"",
		   "unknown keyword after the route");
	sync_error("route 10.244.2.0/24 via 1.2.3.4\n",
		   "t.txt:1: unknown keyword \"route\"",
		   "unknown keyword at the start");
	sync_error("peer 1.2.3.4 dev pn0\n",
		   "t.txt:1: unknown argument \"dev\" for \"sync\"",
		   "no dev on a peer line");
	sync_error("peer 1.2.3.4 encap geneve\n",
		   "t.txt:1: argument \"geneve\" is wrong: \"encap\" must be",
		   "bad encap");
	sync_error("10.244.2.0/24 via node2\n",
		   "t.txt:1: an IPv4 or IPv6 address is expected rather than \"node2\"",
		   "bad via");
	sync_error("10.244.2.0/24 via 1.2.3.4\n10.244.3.0/24 via 1.2.3.4\n"
		   "10.244.2.0/24 via 1.2.3.5\n",
		   "t.txt:3: prefix 10.244.2.0/24 given twice, first at line 1",
		   "duplicate prefix");
	sync_error("peer fd00::3\npeer fd00:0:0::3 encap gpe\n",
		   "t.txt:2: peer fd00::3 given twice, first at line 1",
		   "an IPv6 peer twice, written differently");
	sync_error("peer 1.2.3.4\n10.244.2.0/24 via 1.2.3.4\npeer 1.2.3.4 port 1\n",
		   "t.txt:3: peer 1.2.3.4 given twice, first at line 1",
		   "duplicate peer");
	sync_error("10.244.2.0/24 via 1.2.3.4 dev \"pn0\n",
		   "t.txt:1: Unterminated quoted string", "unterminated quote");
	ok(sync_parse("10.244.2.0/25 via 1.2.3.4\n10.244.2.0/24 via 1.2.3.4\n",
		      &sy, &err) == 0 && sy.nroutes == 2,
	   "sync file: the same address with another length is another prefix");
	free(err);
	pn_sync_free(&sy);
}

/* One attribute of a message, depth first. */
struct flat {
	int depth;
	uint16_t type;		/* with NLA_F_NESTED */
	uint16_t len;		/* of the payload */
	const char *data;	/* NULL: not compared (a nest) */
};

static size_t flatten(const struct nlmsghdr *nlh, struct flat *v, size_t max)
{
	const struct nlattr *a, *b;
	size_t n = 0;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (n == max)
			return n;
		v[n++] = (struct flat){ 0, a->nla_type,
					mnl_attr_get_payload_len(a),
					mnl_attr_get_payload(a) };
		if (!(a->nla_type & NLA_F_NESTED))
			continue;
		mnl_attr_for_each_nested(b, a) {
			if (n == max)
				return n;
			v[n++] = (struct flat){ 1, b->nla_type,
						mnl_attr_get_payload_len(b),
						mnl_attr_get_payload(b) };
		}
	}
	return n;
}

#define W(d, t, s)	{ d, t, sizeof(s) - 1, s }
#define NEST(t, len)	{ 0, NLA_F_NESTED | (t), len, NULL }

static void test_sync_encode(void)
{
	static const char text[] =
		"10.244.2.0/24 via 192.168.1.102\n"
		"fd00:10:244:2::/64 via 192.168.1.102\n"
		"peer 192.168.1.102 port 4626 encap gpe mac 02:00:00:00:00:66\n"
		"peer 192.168.1.103\n";
	/*
	 * Decoded by hand. Host order integers are chosen the same in both
	 * byte orders: ifindex 0x07000007, port 4626 (0x1212).
	 */
	static const struct flat want[] = {
		W(0, PODNET_A_IFINDEX, "\x07\x00\x00\x07"),
		NEST(PODNET_A_ROUTE, 24),
		W(1, PODNET_A_ROUTE_PREFIX, "\x0a\xf4\x02\x00"),
		W(1, PODNET_A_ROUTE_PREFIX_LEN, "\x18"),
		W(1, PODNET_A_ROUTE_VIA, "\xc0\xa8\x01\x66"),
		NEST(PODNET_A_ROUTE, 36),
		W(1, PODNET_A_ROUTE_PREFIX, "\xfd\x00\x00\x10\x02\x44\x00\x02"
					    "\x00\x00\x00\x00\x00\x00\x00\x00"),
		W(1, PODNET_A_ROUTE_PREFIX_LEN, "\x40"),
		W(1, PODNET_A_ROUTE_VIA, "\xc0\xa8\x01\x66"),
		NEST(PODNET_A_PEER, 36),
		W(1, PODNET_A_PEER_ADDR, "\xc0\xa8\x01\x66"),
		W(1, PODNET_A_PEER_PORT, "\x12\x12"),
		W(1, PODNET_A_PEER_ENCAP, "\x02"),
		W(1, PODNET_A_PEER_MAC, "\x02\x00\x00\x00\x00\x66"),
		NEST(PODNET_A_PEER, 8),
		W(1, PODNET_A_PEER_ADDR, "\xc0\xa8\x01\x67"),
	};
	const size_t nwant = sizeof(want) / sizeof(want[0]);
	struct pn_nl c = { .family = { .id = 0x1d } };
	struct flat got[32];
	const struct genlmsghdr *g;
	struct nlmsghdr *nlh;
	struct pn_sync sy;
	size_t i, j, n, size, pad;
	char *buf, *err;

	if (!ok(sync_parse(text, &sy, &err) == 0, "sync encode: file parsed")) {
		free(err);
		return;
	}
	free(err);
	size = pn_sync_msg_size(&sy);
	/* 16 nlmsghdr + 4 genl + 8 ifindex + 28 + 40 route nests
	 * + 40 + 12 peer nests */
	ok(size == 148, "sync encode: computed size 148 (got %zu)", size);
	buf = malloc(size);
	if (!buf)
		abort();
	memset(buf, 0x5a, size);
	nlh = pn_sync_msg(&c, buf, size, 0x07000007, &sy);
	g = mnl_nlmsg_get_payload(nlh);
	ok(nlh->nlmsg_len == size && nlh->nlmsg_type == 0x1d &&
	   nlh->nlmsg_flags == NLM_F_REQUEST && g->cmd == PODNET_CMD_SYNC &&
	   g->version == PODNET_GENL_VERSION && g->reserved == 0,
	   "sync encode: header (len %u, type %#x, flags %#x, cmd %u)",
	   nlh->nlmsg_len, nlh->nlmsg_type, nlh->nlmsg_flags, g->cmd);
	n = flatten(nlh, got, sizeof(got) / sizeof(got[0]));
	for (i = 0, pad = 0; i < n; i++)
		for (j = got[i].len; got[i].data &&
		     j < (size_t)MNL_ALIGN(got[i].len); j++)
			pad += got[i].data[j] != 0;
	ok(pad == 0, "sync encode: padding zeroed (the buffer was 0x5a)");
	ok(n == nwant, "sync encode: %zu attributes (got %zu)", nwant, n);
	for (i = 0; i < nwant && i < n; i++)
		ok(got[i].depth == want[i].depth && got[i].type == want[i].type &&
		   got[i].len == want[i].len &&
		   (!want[i].data || !memcmp(got[i].data, want[i].data,
					     want[i].len)),
		   "sync encode: attribute %zu: depth %d type %#x len %u",
		   i, want[i].depth, want[i].type, want[i].len);
	free(buf);
	pn_sync_free(&sy);
}
#undef W
#undef NEST

/* ---- requests of peer, route and link commands: IPv6, every encap ---- */

static const char *const encaps[] = { "vxlan", "gpe", "ipip", "direct", "auto" };
#define NENCAPS (sizeof(encaps) / sizeof(encaps[0]))

/* The PODNET_A_PEER nest of "peer add|change" @argv, as flat attributes. */
static size_t peer_request(char **argv, int argc, const char **dev,
			   struct flat *got, size_t max, size_t *size)
{
	static char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct pn_peer p;

	*size = 0;
	if (pn_peer_parse(argc, argv, dev, true, "peer add", &p))
		return 0;
	nlh = genl_msg(buf, sizeof(buf), 0x20, 1, PODNET_CMD_PEER_NEW, 0);
	pn_peer_put(nlh, &p);
	*size = pn_peer_size(&p);
	return flatten(nlh, got, max);
}

/* The u8 of attribute @type in the nest of @got, or -1. */
static int flat_u8(const struct flat *got, size_t n, uint16_t type)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (got[i].depth == 1 && got[i].type == type && got[i].len == 1)
			return (uint8_t)got[i].data[0];
	return -1;
}

static const struct flat *flat_find(const struct flat *got, size_t n,
				    uint16_t type)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (got[i].depth == 1 && got[i].type == type)
			return &got[i];
	return NULL;
}

/* IFLA_INFO_DATA of a link request, parsed into @tb. */
static void link_data(const struct nlmsghdr *nlh,
		      const struct nlattr *tb[IFLA_PODNET_MAX + 1])
{
	static const enum mnl_attr_data_type any[IFLA_MAX + 1];
	const struct nlattr *ifla[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];

	nl_parse_msg(nlh, sizeof(struct ifinfomsg), any, IFLA_MAX, ifla);
	nl_parse_nested(ifla[IFLA_LINKINFO], any, IFLA_INFO_MAX, info);
	nl_parse_nested(info[IFLA_INFO_DATA], any, IFLA_PODNET_MAX, tb);
}

static void test_requests(void)
{
	static const uint8_t v6[16] = { 0xfd, [15] = 2 };
	static const uint8_t local6[16] = { 0xfd, [15] = 1 };
	const struct nlattr *tb[IFLA_PODNET_MAX + 1];
	const struct flat *a;
	struct flat got[16];
	char buf[NL_REQ_SIZE], lo[] = "lo";
	const char *dev = NULL;
	struct nlmsghdr *nlh;
	struct pn_route r;
	size_t n, size, i, j;
	FILE *saved;
	char *err;

	{
		char *argv[] = { "fd00::2", "dev", "pn0", "port", "0",
				 "encap", "gpe", "mac", "02:00:00:00:00:02" };

		n = peer_request(argv, 9, &dev, got, 16, &size);
		a = flat_find(got, n, PODNET_A_PEER_ADDR);
		ok(n == 5 && got[0].len + MNL_ATTR_HDRLEN == size &&
		   dev && !strcmp(dev, "pn0") &&
		   a && a->len == 16 && !memcmp(a->data, v6, 16) &&
		   flat_u8(got, n, PODNET_A_PEER_ENCAP) == PODNET_ENCAP_GPE,
		   "peer add fd00::2 ... encap gpe: 16-byte address, encap 2, size %zu",
		   size);
	}
	for (i = 0; i < 2; i++) {
		for (j = 0; j < NENCAPS; j++) {
			char *argv[] = { i ? "fd00::2" : "192.168.1.102",
					 "encap", (char *)encaps[j] };

			n = peer_request(argv, 3, NULL, got, 16, &size);
			a = flat_find(got, n, PODNET_A_PEER_ADDR);
			ok(a && a->len == (i ? 16 : 4) &&
			   flat_u8(got, n, PODNET_A_PEER_ENCAP) == (int)j + 1,
			   "peer %s encap %s: sent as %zu (the kernel judges it)",
			   argv[0], encaps[j], j + 1);
		}
	}
	{
		char *argv[] = { "192.168.1.102", "mode", "direct" };

		saved = stderr;
		stderr = capture_start();
		n = peer_request(argv, 3, NULL, got, 16, &size);
		err = capture_end(stderr);
		stderr = saved;
		ok(n == 0 && strstr(err, "unknown argument \"mode\" for \"peer add\""),
		   "peer add ... mode: refused, mode is only shown");
		free(err);
	}
	{
		char *argv[] = { "fd00:10:244:2::/64", "via", "fd00::2" };

		ok(pn_route_parse(3, argv, NULL, "route add", &r) == 0 &&
		   r.has_via && r.via.len == 16 && r.prefix.len == 64,
		   "route add IPv6 via IPv6: parsed");
		nlh = genl_msg(buf, sizeof(buf), 0x20, 1, PODNET_CMD_ROUTE_NEW, 0);
		pn_route_put(nlh, &r, false);
		n = flatten(nlh, got, 16);
		a = flat_find(got, n, PODNET_A_ROUTE_VIA);
		ok(a && a->len == 16 && !memcmp(a->data, v6, 16) &&
		   got[0].len + MNL_ATTR_HDRLEN == pn_route_size(&r, false),
		   "route add IPv6 via IPv6: 16-byte via");
	}
	{
		char *argv[] = { "10.244.2.0/24", "via", "fd00::2", "dev", "pn0" };

		ok(pn_route_parse(5, argv, &dev, "route add", &r) == 0 &&
		   r.via.len == 16 && r.prefix.addr.len == 4,
		   "route add IPv4 via IPv6: parsed (IPv4 pods over IPv6)");
	}
	{
		char *argv[] = { "pn0", "local", "fd00::1", "encap", "gpe",
				 "dev", lo, "vni", "1", "port", "8472" };

		nlh = pn_link_msg(buf, sizeof(buf), true, 11, argv);
		ok(nlh != NULL, "link add pn0 local fd00::1 encap gpe dev lo: built");
		if (nlh) {
			link_data(nlh, tb);
			ok(tb[IFLA_PODNET_LOCAL] &&
			   mnl_attr_get_payload_len(tb[IFLA_PODNET_LOCAL]) == 16 &&
			   !memcmp(mnl_attr_get_payload(tb[IFLA_PODNET_LOCAL]),
				   local6, 16) &&
			   tb[IFLA_PODNET_ENCAP] &&
			   mnl_attr_get_u8(tb[IFLA_PODNET_ENCAP]) == PODNET_ENCAP_GPE &&
			   tb[IFLA_PODNET_LINK] &&
			   mnl_attr_get_u32(tb[IFLA_PODNET_LINK]) == if_nametoindex("lo") &&
			   (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) ==
			   (NLM_F_CREATE | NLM_F_EXCL),
			   "link add: IFLA_PODNET_LOCAL of 16 bytes, encap gpe, link lo");
		}
	}
	for (j = 0; j < NENCAPS; j++) {
		char *argv[] = { "pn0", "encap", (char *)encaps[j] };

		nlh = pn_link_msg(buf, sizeof(buf), false, 3, argv);
		if (nlh)
			link_data(nlh, tb);
		ok(nlh && tb[IFLA_PODNET_ENCAP] && !tb[IFLA_PODNET_LOCAL] &&
		   mnl_attr_get_u8(tb[IFLA_PODNET_ENCAP]) == j + 1 &&
		   !(nlh->nlmsg_flags & NLM_F_CREATE),
		   "link set pn0 encap %s: IFLA_PODNET_ENCAP %zu", encaps[j], j + 1);
	}
}
#undef NENCAPS

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

#define NROUTES	100000

/* "a.b.c.0/24 via 192.168.x.y": NROUTES prefixes over 1000 peers */
static void route_line(FILE *f, unsigned int i)
{
	fprintf(f, "%u.%u.%u.0/24 via 192.168.%u.%u\n", 10 + (i >> 16),
		(i >> 8) & 255, i & 255, (i % 1000) / 250, i % 250 + 1);
}

/* "PREFIX via ADDR\n" of a PODNET_A_ROUTE nest */
static void route_nest_line(const struct nlattr *nest, char *line, size_t size)
{
	char pfx[PN_PREFIX_STRLEN], via[PN_ADDR_STRLEN];
	struct pn_prefix p = { .len = 0 };
	struct pn_addr v = { .len = 0 };
	const struct nlattr *b;

	mnl_attr_for_each_nested(b, nest) {
		switch (mnl_attr_get_type(b)) {
		case PODNET_A_ROUTE_PREFIX:
			nl_get_addr(b, &p.addr);
			break;
		case PODNET_A_ROUTE_PREFIX_LEN:
			p.len = mnl_attr_get_u8(b);
			break;
		case PODNET_A_ROUTE_VIA:
			nl_get_addr(b, &v);
			break;
		}
	}
	snprintf(line, size, "%s via %s\n", pn_prefix_str(&p, pfx, sizeof(pfx)),
		 pn_addr_str(&v, via, sizeof(via)));
}

static void test_sync_big(void)
{
	struct pn_nl c = { .family = { .id = 0x1d } };
	unsigned int i, nroute = 0, other = 0, max = 0;
	const struct nlattr *a, *last = NULL;
	double t_parse, t_encode;
	struct nlmsghdr *nlh;
	struct timespec t0;
	struct pn_sync sy;
	char *text, *want, *buf, line[128];
	size_t size, tlen, sum = 0;
	FILE *f;
	int ret;

	f = capture_start();
	for (i = 0; i < NROUTES; i++)
		route_line(f, i);
	text = capture_end(f);
	tlen = capture_len;
	f = fmemopen(text, tlen, "r");
	if (!f)
		abort();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = pn_sync_read(f, "big", &sy);
	t_parse = ms_since(&t0);
	fclose(f);
	if (!ok(ret == 0 && sy.nroutes == NROUTES && sy.npeers == 0,
		"sync of %d routes: parsed", NROUTES)) {
		free(text);
		return;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	size = pn_sync_msg_size(&sy);
	buf = malloc(size);
	if (!buf)
		abort();
	nlh = pn_sync_msg(&c, buf, size, 7, &sy);
	t_encode = ms_since(&t0);
	printf("# sync of %d routes: file %zu bytes, parse %.1f ms, "
	       "size+encode %.1f ms, request %u bytes (%.2f MiB)\n", NROUTES,
	       tlen, t_parse, t_encode, nlh->nlmsg_len,
	       nlh->nlmsg_len / 1048576.0);

	/* 16 + 4 + 8, then per route 4 + 8 + 8 + 8 */
	ok(nlh->nlmsg_len == size && size == 28 + (size_t)NROUTES * 28,
	   "sync of %d routes: %zu bytes, as computed", NROUTES, size);
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (a->nla_type == (NLA_F_NESTED | PODNET_A_ROUTE)) {
			nroute++;
			last = a;
		} else if (a->nla_type != PODNET_A_IFINDEX) {
			other++;
		}
		if (a->nla_len > max)
			max = a->nla_len;
		sum += MNL_ALIGN(a->nla_len);
	}
	ok(nroute == NROUTES && other == 0,
	   "sync of %d routes: %u ROUTE nests at top level, %u other",
	   NROUTES, nroute, other);
	/* nla_len is 16 bits: a nest of 64 KiB or more would wrap, and the
	 * lengths would not add up to the message */
	ok(sum == size - MNL_NLMSG_HDRLEN - GENL_HDRLEN && max < 65536,
	   "sync of %d routes: top level attributes < 64 KiB (largest %u), "
	   "their lengths add up to the message", NROUTES, max);
	ok((const char *)a == buf + size,
	   "sync of %d routes: the attributes end where the message does",
	   NROUTES);

	f = capture_start();
	route_line(f, NROUTES - 1);
	want = capture_end(f);
	line[0] = '\0';
	if (last)
		route_nest_line(last, line, sizeof(line));
	is_str(line, want, "sync of 100000 routes: the last nest decodes to the last line");
	free(want);
	free(buf);
	free(text);
	pn_sync_free(&sy);
}

/* ---- monitor: events from notifications ---- */

static struct nlmsghdr *set_cmd(struct nlmsghdr *nlh, uint8_t cmd)
{
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd = cmd;
	return nlh;
}

/* The PODNET_CMD_SYNC notification: ifindex and DEV { PEERS, ROUTES }. */
static struct nlmsghdr *sync_note(char *buf, uint32_t ifindex)
{
	struct nlmsghdr *nlh = genl_msg(buf, NL_REQ_SIZE, 0x20, 1, PODNET_CMD_SYNC, 0);
	struct nlattr *dev;

	mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, ifindex);
	dev = mnl_attr_nest_start(nlh, PODNET_A_DEV);
	mnl_attr_put_u32(nlh, PODNET_A_DEV_PEERS, 2);
	mnl_attr_put_u32(nlh, PODNET_A_DEV_ROUTES, 100000);
	mnl_attr_nest_end(nlh, dev);
	return nlh;
}

/* The monitor's output of @n notifications, without closing the stream:
 * what is there was flushed by pn_monitor_event() itself. */
static char *monitor_out(const struct nlmsghdr *const *notes, int n,
			 bool json, int stats, const struct pn_dev *dev)
{
	struct pn_monitor m = {
		.family = 0x20,
		.show = { .stats = stats, .dev = dev },
	};
	FILE *f = capture_start();
	char *s;
	int i;

	out_init(f, json, false);
	for (i = 0; i < n; i++)
		pn_monitor_event(notes[i], &m);
	s = strndup(capture_buf ? capture_buf : "", capture_len);
	out_fini();
	free(capture_end(f));
	if (!s)
		abort();
	return s;
}

static char *monitor_one(const struct nlmsghdr *nlh, bool json, int stats,
			 const struct pn_dev *dev)
{
	return monitor_out(&nlh, 1, json, stats, dev);
}

static void test_monitor(void)
{
	static const struct pn_dev pn0 = { 5, "pn0" }, pn1 = { 6, "pn1" };
	static char b1[NL_REQ_SIZE], b2[NL_REQ_SIZE], b3[NL_REQ_SIZE];
	const struct nlmsghdr *notes[3];
	char *s;

	s = monitor_one(set_cmd(route_msg(b1, 5, false), PODNET_CMD_ROUTE_NEW),
			false, 0, &pn0);
	is_str(s, "route add 10.244.2.0/24 via 192.168.1.102 dev pn0\n",
	       "monitor: route add, text (flushed at once)");
	free(s);
	s = monitor_one(set_cmd(route_msg(b1, 5, true), PODNET_CMD_ROUTE_DEL),
			false, 0, &pn0);
	is_str(s, "route del fd00:2::/64 via 192.168.1.102 dev pn0\n",
	       "monitor: route del, text");
	free(s);
	s = monitor_one(set_cmd(route_msg(b1, 5, false), PODNET_CMD_ROUTE_DEL),
			true, 0, &pn0);
	is_str(s, "{\"event\":\"route del\",\"dst\":\"10.244.2.0/24\","
		  "\"via\":\"192.168.1.102\",\"dev\":\"pn0\"}\n",
	       "monitor -j: route del");
	free(s);
	s = monitor_one(set_cmd(route_msg(b1, 1, false), PODNET_CMD_ROUTE_NEW),
			false, 0, NULL);
	is_str(s, "route add 10.244.2.0/24 via 192.168.1.102 dev lo\n",
	       "monitor without dev: the name of the ifindex");
	free(s);

	s = monitor_one(set_cmd(peer_msg(b1, true), PODNET_CMD_PEER_NEW),
			false, 0, &pn0);
	is_str(s, "peer add 192.168.1.102 dev pn0 port 8472 encap vxlan "
		  "mac 02:00:00:00:00:02 routes 2\n",
	       "monitor: peer add, text, no counters without -s");
	free(s);
	s = monitor_one(set_cmd(peer_msg(b1, false), PODNET_CMD_PEER_SET),
			false, 0, &pn0);
	is_str(s, "peer change fd00::2 dev pn0 routes 2\n",
	       "monitor: peer change, device defaults left out");
	free(s);
	s = monitor_one(set_cmd(peer_msg_as(b1, true, PODNET_ENCAP_AUTO,
					    PODNET_ENCAP_VXLAN),
				PODNET_CMD_PEER_SET), false, 0, &pn0);
	is_str(s, "peer change 192.168.1.102 dev pn0 port 8472 encap auto "
		  "mode vxlan mac 02:00:00:00:00:02 routes 2\n",
	       "monitor: peer change with its mode");
	free(s);
	s = monitor_one(set_cmd(peer_msg(b1, true), PODNET_CMD_PEER_DEL),
			false, 1, &pn0);
	is_str(s, "peer del 192.168.1.102 dev pn0 port 8472 encap vxlan "
		  "mac 02:00:00:00:00:02 routes 2\n"
		  "    tx_packets 1 tx_bytes 2 rx_packets 3 rx_bytes 4 "
		  "tx_drops 5 last_rx 1.234s ago\n",
	       "monitor -s: peer del with its counters");
	free(s);
	s = monitor_one(set_cmd(peer_msg(b1, true), PODNET_CMD_PEER_NEW),
			true, 0, &pn0);
	is_str(s, "{\"event\":\"peer add\",\"addr\":\"192.168.1.102\","
		  "\"dev\":\"pn0\",\"port\":8472,\"encap\":\"vxlan\","
		  "\"mac\":\"02:00:00:00:00:02\",\"routes\":2}\n",
	       "monitor -j: peer add");
	free(s);

	s = monitor_one(sync_note(b1, 5), false, 0, &pn0);
	is_str(s, "sync dev pn0 peers 2 routes 100000\n", "monitor: sync, text");
	free(s);
	s = monitor_one(sync_note(b1, 5), true, 0, &pn0);
	is_str(s, "{\"event\":\"sync\",\"dev\":\"pn0\",\"peers\":2,"
		  "\"routes\":100000}\n", "monitor -j: sync");
	free(s);

	notes[0] = set_cmd(route_msg(b1, 5, false), PODNET_CMD_ROUTE_NEW);
	notes[1] = set_cmd(peer_msg(b2, false), PODNET_CMD_PEER_DEL);
	notes[2] = sync_note(b3, 5);
	s = monitor_out(notes, 3, true, 0, &pn0);
	is_str(s, "{\"event\":\"route add\",\"dst\":\"10.244.2.0/24\","
		  "\"via\":\"192.168.1.102\",\"dev\":\"pn0\"}\n"
		  "{\"event\":\"peer del\",\"addr\":\"fd00::2\",\"dev\":\"pn0\","
		  "\"routes\":2}\n"
		  "{\"event\":\"sync\",\"dev\":\"pn0\",\"peers\":2,"
		  "\"routes\":100000}\n",
	       "monitor -j: one object per line");
	free(s);

	notes[0] = set_cmd(route_msg(b1, 5, false), PODNET_CMD_ROUTE_DEL);
	notes[1] = set_cmd(route_msg(b2, 6, false), PODNET_CMD_ROUTE_NEW);
	s = monitor_out(notes, 2, false, 0, &pn1);
	is_str(s, "route add 10.244.2.0/24 via 192.168.1.102 dev pn1\n",
	       "monitor dev pn1: another device's event is left out, "
	       "its tag does not leak");
	free(s);

	notes[0] = set_cmd(route_msg(b1, 5, false), PODNET_CMD_ROUTE_GET);
	notes[1] = set_cmd(route_msg(b2, 5, false), 99);
	notes[2] = route_msg(b3, 5, false);
	set_cmd((struct nlmsghdr *)notes[2], PODNET_CMD_ROUTE_NEW)->nlmsg_type =
		0x21;
	s = monitor_out(notes, 3, false, 0, NULL);
	is_str(s, "", "monitor: GET replies, unknown commands and other "
		      "families are not events");
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

/*
 * An RTM_NEWROUTE the kernel refuses with an extack message (host bits
 * set), padded with @nfill ignored attributes (RTA_UNSPEC) of 24 bytes:
 * as large as a sync of @nfill IPv4 routes.
 */
static struct nlmsghdr *bad_route_msg(char *buf, unsigned int nfill)
{
	static const char fill[24];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	unsigned int i;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 24;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	for (i = 0; i < nfill; i++)
		mnl_attr_put(nlh, RTA_UNSPEC, sizeof(fill), fill);
	mnl_attr_put_u32(nlh, RTA_DST, htonl(0x0af40101));
	mnl_attr_put_u32(nlh, RTA_OIF, 1);
	return nlh;
}

static int sndbuf_of(const struct nl_sock *s)
{
	socklen_t len = sizeof(int);
	int v = 0;

	getsockopt(nl_fd(s), SOL_SOCKET, SO_SNDBUF, &v, &len);
	return v;
}

static long sysctl_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* In a child without CAP_NET_ADMIN: the send buffer cannot be forced. */
static int sndbuf_child(unsigned int nfill)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	struct nl_sock *s;
	struct nl_err err;
	char *buf;
	int ret;

	if (syscall(SYS_capget, &h, d))
		return 3;
	d[0].effective &= ~(1U << CAP_NET_ADMIN);
	if (syscall(SYS_capset, &h, d))
		return 3;
	s = nl_open(NETLINK_ROUTE);
	buf = malloc(64 + (size_t)nfill * 28 + 64);
	if (!s || !buf)
		return 3;
	ret = nl_talk(s, bad_route_msg(buf, nfill), false, NULL, NULL, &err);
	printf("# without CAP_NET_ADMIN: Error: %s.\n", err.msg);
	free(buf);
	nl_close(s);
	return ret && err.error == -EMSGSIZE &&
	       strstr(err.msg, "socket send buffer takes at most") &&
	       strstr(err.msg, "CAP_NET_ADMIN") ? 0 : 1;
}

static void test_kernel_big(struct nl_sock *s)
{
	const unsigned int nfill = NROUTES;
	long wmem_max = sysctl_long("/proc/sys/net/core/wmem_max");
	struct nlmsghdr *nlh;
	struct nl_err err;
	int status = -1;
	char *buf;
	pid_t pid;

	buf = malloc(64 + (size_t)nfill * 28 + 64);
	if (!buf)
		abort();
	nlh = bad_route_msg(buf, nfill);
	ok(nl_talk(s, nlh, false, NULL, NULL, &err) && err.error == -EINVAL &&
	   !strcmp(err.msg, "Invalid prefix for given prefix length"),
	   "a request of %u bytes is sent; its error ACK (capped) is read "
	   "with the extack message", nlh->nlmsg_len);
	ok(sndbuf_of(s) >= (int)nlh->nlmsg_len,
	   "the send buffer was raised to %d bytes", sndbuf_of(s));
	ok(nl_talk(s, bad_route_msg(buf, 0), false, NULL, NULL, &err) &&
	   err.error == -EINVAL, "the socket goes on with small requests");
	free(buf);

	/* SO_SNDBUF stops at wmem_max, which the kernel doubles */
	if (wmem_max <= 0 || wmem_max > (64L << 20)) {
		printf("ok %d - # SKIP send buffer without CAP_NET_ADMIN: "
		       "wmem_max %ld\n", ++tests, wmem_max);
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int ret = sndbuf_child((unsigned int)(wmem_max * 2 / 28) + 1000);

		fflush(stdout);
		_exit(ret);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "without CAP_NET_ADMIN, a request over 2 * wmem_max (%ld) is "
	   "refused before sending, with the reason", wmem_max);
}

struct listen_state {
	int n;
	uint32_t marker;	/* an address: raise SIGTERM when it comes */
};

static int marker_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct listen_state *st = data;
	const struct nlattr *a;

	st->n++;
	if (nlh->nlmsg_type != RTM_NEWADDR)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa))
		if (mnl_attr_get_type(a) == IFA_LOCAL &&
		    mnl_attr_get_u32(a) == htonl(st->marker))
			raise(SIGTERM);
	return MNL_CB_OK;
}

/*
 * Notifications of rtnetlink's IPv4 address group: joining a group,
 * nl_recv_events(), then pn_listen_events() (the monitor's loop) in a
 * child after an overrun: it reports ENOBUFS, goes on, and returns 0 on
 * the SIGTERM its callback raises when the marker address comes.
 */
static void test_kernel_events(struct nl_sock *s)
{
	struct listen_state st = { .marker = 0x0a030001 };
	char buf[NL_REQ_SIZE], err_text[256] = "";
	int i, n = 0, bad = 0, status = -1, small = 1;
	struct nl_sock *ev = nl_open(NETLINK_ROUTE);
	struct nlmsghdr *nlh;
	sigset_t term, old;
	FILE *errf;
	pid_t pid;

	if (!ok(ev && nl_join_group(ev, RTNLGRP_IPV4_IFADDR) == 0,
		"join a multicast group")) {
		nl_close(ev);
		return;
	}
	nl_request(s, addr_msg(buf, NLM_F_CREATE | NLM_F_EXCL, 0x0a010001),
		   NULL, NULL);
	ok(nl_recv_events(ev, count_addr_cb, &n) == 0 && n == 1,
	   "a notification is received (it carries the request's seq)");

	/* overrun: a tiny receive buffer and 300 notifications */
	setsockopt(nl_fd(ev), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	for (i = 0; i < 300; i++)
		bad += nl_request(s, addr_msg(buf, NLM_F_CREATE | NLM_F_EXCL,
					      0x0a020000 + (uint32_t)i),
				  NULL, NULL) != 0;
	errf = tmpfile();
	if (!errf)
		abort();
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &old);	/* the child inherits it */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(errf), 2);
		_exit(pn_listen_events(ev, marker_cb, &st) ? 1 : 2);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* the marker comes and goes until the child has seen it */
	for (i = 0; pid > 0 && i < 500; i++) {
		nl_talk(s, addr_msg(buf, NLM_F_CREATE, st.marker), false, NULL,
			NULL, &(struct nl_err){ 0 });
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		nlh = addr_msg(buf, 0, st.marker);
		nlh->nlmsg_type = RTM_DELADDR;
		nl_talk(s, nlh, false, NULL, NULL, &(struct nl_err){ 0 });
		usleep(10000);
	}
	if (pid > 0 && i == 500) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	rewind(errf);
	if (!fgets(err_text, sizeof(err_text), errf))
		err_text[0] = '\0';
	fclose(errf);
	ok(bad == 0 && strstr(err_text, "monitor: lost events (ENOBUFS)"),
	   "overrun: \"monitor: lost events (ENOBUFS)\" on stderr");
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 2,
	   "the loop went on after ENOBUFS and returned 0 on SIGTERM "
	   "(status %#x)", status);
	nl_close(ev);
}

static void test_kernel(void)
{
	char buf[NL_REQ_SIZE];
	struct genl_family fam;
	struct nlmsghdr *nlh;
	struct nl_sock *s, *g;
	struct nl_err err;
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
	ok(nl_talk(s, bad_route_msg(buf, 0), false, NULL, NULL, &err) &&
	   err.error == -EINVAL &&
	   !strcmp(err.msg, "Invalid prefix for given prefix length"),
	   "extack message from the kernel (\"%s\")", err.msg);
	test_kernel_big(s);
	test_kernel_events(s);

	ok(genl_resolve(g, "nlctrl", "notify", &fam) == 0 &&
	   fam.id == GENL_ID_CTRL && fam.mcgrp_id != 0,
	   "nlctrl resolved, with its multicast group");
	ok(nl_join_group(g, fam.mcgrp_id) == 0,
	   "generic netlink: the resolved group (%u) is joined", fam.mcgrp_id);
	ok(nl_join_group(g, 0xfffff) == -EINVAL,
	   "generic netlink: joining a group that does not exist: EINVAL");
	ok(genl_resolve(g, "pn-no-such", NULL, &fam) == -ENOENT,
	   "unknown family: -ENOENT");
	n = 0;
	i = nl_dump(g, genl_msg(buf, sizeof(buf), GENL_ID_CTRL, 1,
			    CTRL_CMD_GETFAMILY, 0),
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
	test_sync_parse();
	test_sync_encode();
	test_requests();
	test_sync_big();
	test_monitor();
	test_kernel();
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
