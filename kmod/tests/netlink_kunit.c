// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the checks podnet's generic netlink family makes on the
 * attributes of a request (kmod/netlink.c): addresses, route prefixes and
 * the settable attributes of a peer, with the extack message of every
 * refusal. Attributes are built in buffers of exactly their size, so that
 * KASAN reports any read past their payload.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/in6.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/netlink.h>
#include <uapi/linux/podnet.h>

#include "peer.h"
#include "podnet.h"

/* Linux 6.13 and later want the namespace as a string. */
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* The refusals' messages (podnetctl prints them; the manual quotes some). */
#define PNL_MSG_ADDR	"Address must be 4 (IPv4) or 16 (IPv6) bytes"
#define PNL_MSG_PLEN	"Prefix length too long for the family"
#define PNL_MSG_HOST	"Invalid prefix for given prefix length"
#define PNL_MSG_IPIP	"ipip needs an IPv4 peer address"
#define PNL_MSG_MAC	"Peer mac must be a unicast, non-zero address"

#define PNL_POISON	0xa5

/* An attribute of @type with @len bytes of @data, in a buffer its size. */
static struct nlattr *pnl_attr(struct kunit *test, int type, const void *data,
			       int len)
{
	struct nlattr *nla;

	nla = kunit_kzalloc(test, nla_attr_size(len), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nla);
	nla->nla_len = nla_attr_size(len);
	nla->nla_type = type;
	if (len)
		memcpy(nla_data(nla), data, len);
	return nla;
}

/*
 * The extack after a call: no message when @msg is NULL, else @msg, and
 * when @attr is given, that attribute named as the bad one.
 */
static void pnl_expect_extack(struct kunit *test,
			      const struct netlink_ext_ack *extack,
			      const char *msg, const struct nlattr *attr,
			      const char *what)
{
	if (!msg) {
		KUNIT_EXPECT_NULL_MSG(test, extack->_msg, "%s: message", what);
		KUNIT_EXPECT_NULL_MSG(test, extack->bad_attr, "%s: attribute",
				      what);
		return;
	}
	KUNIT_EXPECT_NOT_NULL_MSG(test, extack->_msg, "%s: no message", what);
	if (extack->_msg)
		KUNIT_EXPECT_STREQ_MSG(test, extack->_msg, msg, "%s", what);
	if (attr)
		KUNIT_EXPECT_PTR_EQ_MSG(test, extack->bad_attr, attr,
					"%s: attribute", what);
}

static void podnet_netlink_test_addr(struct kunit *test)
{
	static const u8 bytes[20] = {
		10, 244, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		17, 18, 19, 20,
	};
	static const int lens[] = { 0, 1, 2, 3, 4, 5, 8, 15, 16, 17, 20 };
	struct netlink_ext_ack extack;
	struct podnet_addr addr;
	struct nlattr *nla;
	char what[32];
	unsigned int i;
	int len, err;

	/* No padding: the checks of the bytes below see the whole struct. */
	KUNIT_EXPECT_EQ(test, sizeof(addr),
			sizeof(addr.family) + sizeof(addr.ip6));
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		len = lens[i];
		snprintf(what, sizeof(what), "length %d", len);
		nla = pnl_attr(test, PODNET_A_PEER_ADDR, bytes, len);
		memset(&extack, 0, sizeof(extack));
		memset(&addr, PNL_POISON, sizeof(addr));
		err = podnet_nl_addr(nla, &addr, &extack);
		if (len == 4) {
			KUNIT_EXPECT_EQ_MSG(test, err, 0, "%s", what);
			KUNIT_EXPECT_EQ_MSG(test, addr.family, AF_INET, "%s",
					    what);
			KUNIT_EXPECT_MEMEQ_MSG(test, &addr.ip4, bytes, 4, "%s",
					       what);
			/* Zeroed beyond: compared and hashed in full. */
			KUNIT_EXPECT_NULL_MSG(test,
					      memchr_inv(addr.ip6.s6_addr + 4,
							 0, 12),
					      "%s: not zeroed", what);
			pnl_expect_extack(test, &extack, NULL, NULL, what);
		} else if (len == 16) {
			KUNIT_EXPECT_EQ_MSG(test, err, 0, "%s", what);
			KUNIT_EXPECT_EQ_MSG(test, addr.family, AF_INET6, "%s",
					    what);
			KUNIT_EXPECT_MEMEQ_MSG(test, &addr.ip6, bytes, 16,
					       "%s", what);
			pnl_expect_extack(test, &extack, NULL, NULL, what);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, err, -EINVAL, "%s", what);
			/* "filled, zeroed first": nothing left of the poison */
			KUNIT_EXPECT_NULL_MSG(test,
					      memchr_inv(&addr, 0,
							 sizeof(addr)),
					      "%s: not zeroed", what);
			pnl_expect_extack(test, &extack, PNL_MSG_ADDR, nla,
					  what);
			/* Without an extack (callers may pass none). */
			KUNIT_EXPECT_EQ_MSG(test,
					    podnet_nl_addr(nla, &addr, NULL),
					    -EINVAL, "%s, no extack", what);
		}
	}
}

/* podnet_nl_prefix_valid() of @prefix/@len: 0, or -EINVAL with @msg. */
static void pnl_expect_prefix(struct kunit *test,
			      const struct podnet_addr *prefix, u8 len,
			      const char *msg)
{
	struct netlink_ext_ack extack;
	char what[64];
	int err;

	if (prefix->family == AF_INET)
		snprintf(what, sizeof(what), "%pI4/%u", &prefix->ip4, len);
	else
		snprintf(what, sizeof(what), "%pI6c/%u", &prefix->ip6, len);
	memset(&extack, 0, sizeof(extack));
	err = podnet_nl_prefix_valid(prefix, len, &extack);
	KUNIT_EXPECT_EQ_MSG(test, err, msg ? -EINVAL : 0, "%s", what);
	pnl_expect_extack(test, &extack, msg, NULL, what);
	if (msg)
		KUNIT_EXPECT_EQ_MSG(test,
				    podnet_nl_prefix_valid(prefix, len, NULL),
				    -EINVAL, "%s, no extack", what);
}

/* @a with bit @n (0: the most significant of the address) set. */
static void pnl_set_bit(struct podnet_addr *a, unsigned int n)
{
	u8 *p = a->family == AF_INET ? (u8 *)&a->ip4 : a->ip6.s6_addr;

	p[n / 8] |= 0x80 >> (n % 8);
}

static struct podnet_addr pnl_addr(u32 family)
{
	struct podnet_addr a;

	memset(&a, 0, sizeof(a));
	a.family = family;
	return a;
}

static void podnet_netlink_test_prefix_edges(struct kunit *test)
{
	struct podnet_addr a;

	a = pnl_addr(AF_INET);
	pnl_expect_prefix(test, &a, 0, NULL);
	pnl_expect_prefix(test, &a, 32, NULL);
	pnl_expect_prefix(test, &a, 33, PNL_MSG_PLEN);
	pnl_expect_prefix(test, &a, 128, PNL_MSG_PLEN);
	pnl_expect_prefix(test, &a, 255, PNL_MSG_PLEN);
	a.ip4 = htonl(0x0af40100);		/* 10.244.1.0 */
	pnl_expect_prefix(test, &a, 24, NULL);
	pnl_expect_prefix(test, &a, 23, PNL_MSG_HOST);
	pnl_expect_prefix(test, &a, 16, PNL_MSG_HOST);
	pnl_expect_prefix(test, &a, 0, PNL_MSG_HOST);
	pnl_expect_prefix(test, &a, 33, PNL_MSG_PLEN);
	a.ip4 = htonl(0x0af40101);		/* 10.244.1.1 */
	pnl_expect_prefix(test, &a, 24, PNL_MSG_HOST);
	pnl_expect_prefix(test, &a, 32, NULL);
	a.ip4 = htonl(0xffffffff);
	pnl_expect_prefix(test, &a, 32, NULL);
	pnl_expect_prefix(test, &a, 31, PNL_MSG_HOST);
	pnl_expect_prefix(test, &a, 0, PNL_MSG_HOST);

	a = pnl_addr(AF_INET6);
	pnl_expect_prefix(test, &a, 0, NULL);
	pnl_expect_prefix(test, &a, 32, NULL);
	pnl_expect_prefix(test, &a, 128, NULL);
	pnl_expect_prefix(test, &a, 129, PNL_MSG_PLEN);
	pnl_expect_prefix(test, &a, 255, PNL_MSG_PLEN);
	a.ip6.s6_addr[0] = 0xfd;		/* fd00:244:1::/48 */
	a.ip6.s6_addr[2] = 0x02;
	a.ip6.s6_addr[3] = 0x44;
	a.ip6.s6_addr[5] = 0x01;
	pnl_expect_prefix(test, &a, 48, NULL);
	pnl_expect_prefix(test, &a, 64, NULL);
	pnl_expect_prefix(test, &a, 47, PNL_MSG_HOST);
	pnl_expect_prefix(test, &a, 8, PNL_MSG_HOST);
	pnl_expect_prefix(test, &a, 129, PNL_MSG_PLEN);
	a.ip6.s6_addr[15] = 0x01;		/* fd00:244:1::1 */
	pnl_expect_prefix(test, &a, 64, PNL_MSG_HOST);
	pnl_expect_prefix(test, &a, 127, PNL_MSG_HOST);
	pnl_expect_prefix(test, &a, 128, NULL);
	memset(a.ip6.s6_addr, 0xff, sizeof(a.ip6.s6_addr));
	pnl_expect_prefix(test, &a, 128, NULL);
	pnl_expect_prefix(test, &a, 127, PNL_MSG_HOST);
	pnl_expect_prefix(test, &a, 0, PNL_MSG_HOST);
}

/*
 * For every length @len of @family: the prefix of @len one bits is valid;
 * it is not with the bit just past @len set, nor with the last bit set.
 * Nor is any prefix longer than the family.
 */
static void pnl_prefix_lengths(struct kunit *test, u32 family)
{
	unsigned int bits = family == AF_INET ? 32 : 128;
	struct podnet_addr a, b;
	unsigned int len, n;

	for (len = 0; len <= bits; len++) {
		a = pnl_addr(family);
		for (n = 0; n < len; n++)
			pnl_set_bit(&a, n);
		pnl_expect_prefix(test, &a, len, NULL);
		if (len == bits)
			continue;
		b = a;
		pnl_set_bit(&b, len);
		pnl_expect_prefix(test, &b, len, PNL_MSG_HOST);
		/* And it becomes valid one bit longer. */
		pnl_expect_prefix(test, &b, len + 1, NULL);
		b = a;
		pnl_set_bit(&b, bits - 1);
		pnl_expect_prefix(test, &b, len, PNL_MSG_HOST);
		/* The zero prefix is valid at every length. */
		b = pnl_addr(family);
		pnl_expect_prefix(test, &b, len, NULL);
	}
	for (len = bits + 1; len <= U8_MAX; len++) {
		a = pnl_addr(family);
		pnl_expect_prefix(test, &a, len, PNL_MSG_PLEN);
	}
}

static void podnet_netlink_test_prefix_ipv4(struct kunit *test)
{
	pnl_prefix_lengths(test, AF_INET);
}

static void podnet_netlink_test_prefix_ipv6(struct kunit *test)
{
	pnl_prefix_lengths(test, AF_INET6);
}

/* podnet_nl_peer_check() of @tb: @want, with @msg naming @attr. */
static void pnl_expect_peer(struct kunit *test, struct nlattr **tb,
			    u32 family, int want, const char *msg,
			    const struct nlattr *attr, const char *what)
{
	struct netlink_ext_ack extack;

	memset(&extack, 0, sizeof(extack));
	KUNIT_EXPECT_EQ_MSG(test, podnet_nl_peer_check(tb, family, &extack),
			    want, "%s", what);
	pnl_expect_extack(test, &extack, msg, attr, what);
	KUNIT_EXPECT_EQ_MSG(test, podnet_nl_peer_check(tb, family, NULL),
			    want, "%s, no extack", what);
}

static void podnet_netlink_test_peer_encap(struct kunit *test)
{
	static const u32 families[] = { AF_INET, AF_INET6 };
	struct nlattr *tb[PODNET_A_PEER_MAX + 1];
	struct nlattr *attr;
	unsigned int f, e;
	char what[48];
	u8 *encap;
	bool bad;

	attr = pnl_attr(test, PODNET_A_PEER_ENCAP, "", 1);
	encap = nla_data(attr);
	memset(tb, 0, sizeof(tb));
	tb[PODNET_A_PEER_ENCAP] = attr;
	for (f = 0; f < ARRAY_SIZE(families); f++) {
		for (e = 0; e <= PODNET_ENCAP_MAX; e++) {
			snprintf(what, sizeof(what), "encap %u, family %u", e,
				 families[f]);
			*encap = e;
			bad = e == PODNET_ENCAP_IPIP && families[f] == AF_INET6;
			pnl_expect_peer(test, tb, families[f],
					bad ? -EOPNOTSUPP : 0,
					bad ? PNL_MSG_IPIP : NULL, attr, what);
		}
		/*
		 * Beyond the enum: the policy refuses it before, but the
		 * check must not let it through either.
		 */
		for (e = PODNET_ENCAP_MAX + 1; e <= U8_MAX; e++) {
			*encap = e;
			KUNIT_EXPECT_LT_MSG(test,
					    podnet_nl_peer_check(tb,
								 families[f],
								 NULL),
					    0, "encap %u, family %u", e,
					    families[f]);
		}
	}
}

static void podnet_netlink_test_peer_mac(struct kunit *test)
{
	static const struct {
		const char *name;
		u8 mac[ETH_ALEN];
		bool ok;
	} tests[] = {
		{ "zero", { 0, 0, 0, 0, 0, 0 }, false },
		{ "broadcast", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, false },
		{ "ipv4 multicast", { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },
		  false },
		{ "ipv6 multicast", { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },
		  false },
		{ "local multicast", { 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 },
		  false },
		{ "local unicast", { 0x02, 0x42, 0xc0, 0xa8, 0x01, 0x01 },
		  true },
		{ "global unicast", { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 },
		  true },
		{ "unicast, ones", { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff },
		  true },
		{ "unicast, low bit", { 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 },
		  true },
	};
	struct nlattr *tb[PODNET_A_PEER_MAX + 1];
	static const u32 families[] = { AF_INET, AF_INET6 };
	unsigned int i, f;
	struct nlattr *mac;
	u8 encap;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		for (i = 0; i < ARRAY_SIZE(tests); i++) {
			memset(tb, 0, sizeof(tb));
			mac = pnl_attr(test, PODNET_A_PEER_MAC, tests[i].mac,
				       ETH_ALEN);
			tb[PODNET_A_PEER_MAC] = mac;
			pnl_expect_peer(test, tb, families[f],
					tests[i].ok ? 0 : -EINVAL,
					tests[i].ok ? NULL : PNL_MSG_MAC, mac,
					tests[i].name);

			/* With a valid encap too. */
			encap = PODNET_ENCAP_VXLAN;
			tb[PODNET_A_PEER_ENCAP] =
				pnl_attr(test, PODNET_A_PEER_ENCAP, &encap, 1);
			pnl_expect_peer(test, tb, families[f],
					tests[i].ok ? 0 : -EINVAL,
					tests[i].ok ? NULL : PNL_MSG_MAC, mac,
					tests[i].name);
		}
	}
}

static void podnet_netlink_test_peer_other(struct kunit *test)
{
	static const u8 addr4[4] = { 192, 168, 1, 2 };
	static const u8 bad_mac[ETH_ALEN] = { 0x01, 0, 0, 0, 0, 1 };
	struct nlattr *tb[PODNET_A_PEER_MAX + 1];
	struct nlattr *encap_attr;
	__u16 port = 4789;
	u8 encap;

	/* Nothing to check. */
	memset(tb, 0, sizeof(tb));
	pnl_expect_peer(test, tb, AF_INET, 0, NULL, NULL, "empty, IPv4");
	pnl_expect_peer(test, tb, AF_INET6, 0, NULL, NULL, "empty, IPv6");

	/* The key and the port are not the check's business. */
	tb[PODNET_A_PEER_ADDR] = pnl_attr(test, PODNET_A_PEER_ADDR, addr4, 4);
	tb[PODNET_A_PEER_PORT] = pnl_attr(test, PODNET_A_PEER_PORT, &port,
					  sizeof(port));
	pnl_expect_peer(test, tb, AF_INET, 0, NULL, NULL, "addr and port");

	/* Both wrong: the encap is reported. */
	encap = PODNET_ENCAP_IPIP;
	encap_attr = pnl_attr(test, PODNET_A_PEER_ENCAP, &encap, 1);
	tb[PODNET_A_PEER_ENCAP] = encap_attr;
	tb[PODNET_A_PEER_MAC] = pnl_attr(test, PODNET_A_PEER_MAC, bad_mac,
					 ETH_ALEN);
	pnl_expect_peer(test, tb, AF_INET6, -EOPNOTSUPP, PNL_MSG_IPIP,
			encap_attr, "ipip over IPv6 and a multicast mac");
	/* ipip is fine over IPv4: then the mac is. */
	pnl_expect_peer(test, tb, AF_INET, -EINVAL, PNL_MSG_MAC,
			tb[PODNET_A_PEER_MAC],
			"ipip over IPv4 and a multicast mac");
}

/*
 * A peer's last_rx in milliseconds, in 64 bits: 60 days of silence are 60
 * days (jiffies_to_msecs() is 32 bits: it wraps after 49.7 days), and
 * the jiffies counter wrapping between the two is no matter.
 */
static void podnet_netlink_test_last_rx(struct kunit *test)
{
	unsigned long now = jiffies;

	KUNIT_EXPECT_EQ(test, podnet_jiffies_to_msecs(now, now - 5 * HZ), 5000);
	KUNIT_EXPECT_EQ(test,
			podnet_jiffies_to_msecs(now, now - 60UL * 86400 * HZ),
			60ULL * 86400 * 1000);
	/* what the 32-bit conversion made of it: 10 days, 22 hours */
	KUNIT_EXPECT_NE(test, (u64)jiffies_to_msecs(60UL * 86400 * HZ),
			60ULL * 86400 * 1000);
	KUNIT_EXPECT_EQ(test, podnet_jiffies_to_msecs(2 * HZ, -3UL * HZ),
			5000);
	KUNIT_EXPECT_EQ(test, podnet_jiffies_to_msecs(now, now), 0);
}

static struct kunit_case podnet_netlink_test_cases[] = {
	KUNIT_CASE(podnet_netlink_test_addr),
	KUNIT_CASE(podnet_netlink_test_prefix_edges),
	KUNIT_CASE(podnet_netlink_test_prefix_ipv4),
	KUNIT_CASE(podnet_netlink_test_prefix_ipv6),
	KUNIT_CASE(podnet_netlink_test_peer_encap),
	KUNIT_CASE(podnet_netlink_test_peer_mac),
	KUNIT_CASE(podnet_netlink_test_peer_other),
	KUNIT_CASE(podnet_netlink_test_last_rx),
	{}
};

static struct kunit_suite podnet_netlink_test_suite = {
	.name = "podnet_netlink",
	.test_cases = podnet_netlink_test_cases,
};

kunit_test_suite(podnet_netlink_test_suite);

MODULE_DESCRIPTION("KUnit tests of podnet's netlink attribute checks");
MODULE_LICENSE("GPL");
