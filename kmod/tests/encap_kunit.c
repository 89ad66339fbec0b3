// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of podnet's wire formats (kmod/encap.c): the overheads, the
 * VXLAN and VXLAN-GPE headers byte by byte against hand-written ones,
 * every malformed header the receiver must refuse, the inner Ethernet
 * header and the inner IP header check. Headers that the helpers read are
 * copied into buffers of exactly their size, so that KASAN reports any
 * read past them; the builders write into poisoned buffers with a guard.
 */

#include <kunit/test.h>
#include <linux/if_ether.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#include <net/vxlan.h>
#include <uapi/linux/podnet.h>

#include "encap.h"

/* Linux 6.13 and later want the namespace as a string. */
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define PE_POISON	0xa5
#define PE_VXH_LEN	8
/* Room for the largest header written (Ethernet) and a guard after it. */
#define PE_BUF_LEN	32

/* IPv4 header + options, the longest inner header checked. */
#define PE_IP_MAX	60

static void podnet_encap_test_overhead(struct kunit *test)
{
	static const struct {
		u8 encap;
		unsigned int v4, v6;
	} tests[] = {
		{ PODNET_ENCAP_UNSPEC,	0,  0 },
		{ PODNET_ENCAP_VXLAN,	50, 70 },
		{ PODNET_ENCAP_GPE,	36, 56 },
		{ PODNET_ENCAP_IPIP,	20, 0 },
		{ PODNET_ENCAP_DIRECT,	0,  0 },
		{ PODNET_ENCAP_AUTO,	0,  0 },
	};
	unsigned int i, e;

	/* Every value of the enum is in the table. */
	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(tests), PODNET_ENCAP_MAX + 1);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    podnet_encap_overhead(tests[i].encap,
							  AF_INET),
				    tests[i].v4, "encap %u over IPv4",
				    tests[i].encap);
		KUNIT_EXPECT_EQ_MSG(test,
				    podnet_encap_overhead(tests[i].encap,
							  AF_INET6),
				    tests[i].v6, "encap %u over IPv6",
				    tests[i].encap);
	}
	for (e = PODNET_ENCAP_MAX + 1; e <= U8_MAX; e++) {
		KUNIT_EXPECT_EQ_MSG(test, podnet_encap_overhead(e, AF_INET), 0,
				    "encap %u over IPv4", e);
		KUNIT_EXPECT_EQ_MSG(test, podnet_encap_overhead(e, AF_INET6), 0,
				    "encap %u over IPv6", e);
	}

	/* The headroom constant is that of the largest format. */
	KUNIT_EXPECT_EQ(test, PODNET_MAX_HEADROOM,
			podnet_encap_overhead(PODNET_ENCAP_VXLAN, AF_INET6));
}

static void podnet_encap_test_valid(struct kunit *test)
{
	static const struct {
		u8 encap;
		bool v4, v6;
	} tests[] = {
		{ PODNET_ENCAP_UNSPEC,	true, true },
		{ PODNET_ENCAP_VXLAN,	true, true },
		{ PODNET_ENCAP_GPE,	true, true },
		{ PODNET_ENCAP_IPIP,	true, false },
		{ PODNET_ENCAP_DIRECT,	true, true },
		{ PODNET_ENCAP_AUTO,	true, true },
	};
	unsigned int i, e;

	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(tests), PODNET_ENCAP_MAX + 1);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    podnet_encap_valid(tests[i].encap, AF_INET),
				    tests[i].v4, "encap %u over IPv4",
				    tests[i].encap);
		KUNIT_EXPECT_EQ_MSG(test,
				    podnet_encap_valid(tests[i].encap,
						       AF_INET6),
				    tests[i].v6, "encap %u over IPv6",
				    tests[i].encap);
	}
	for (e = PODNET_ENCAP_MAX + 1; e <= U8_MAX; e++) {
		KUNIT_EXPECT_FALSE_MSG(test, podnet_encap_valid(e, AF_INET),
				       "encap %u over IPv4", e);
		KUNIT_EXPECT_FALSE_MSG(test, podnet_encap_valid(e, AF_INET6),
				       "encap %u over IPv6", e);
	}
}

/* A header written by a builder: @len bytes of @want, then the poison. */
static void pe_expect_written(struct kunit *test, const u8 *buf,
			      const u8 *want, unsigned int len,
			      const char *what)
{
	KUNIT_EXPECT_MEMEQ_MSG(test, buf, want, len, "%s", what);
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(buf + len, PE_POISON,
					       PE_BUF_LEN - len),
			      "%s: written past %u bytes", what, len);
}

/* VXLAN (@proto 0) or VXLAN-GPE headers, as they must be on the wire. */
struct pe_build_case {
	const char *name;
	u32 vni;
	__be16 proto;
	u8 want[PE_VXH_LEN];
};

static const struct pe_build_case pe_build_cases[] = {
	{ "vxlan vni 1", 1, 0,
	  { 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00 } },
	{ "vxlan vni 0", 0, 0,
	  { 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 } },
	{ "vxlan vni 0x123456", 0x123456, 0,
	  { 0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x56, 0x00 } },
	{ "vxlan vni 0xffffff", 0xffffff, 0,
	  { 0x08, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x00 } },
	{ "vxlan vni 0x1000001 (masked)", 0x1000001, 0,
	  { 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00 } },
	{ "vxlan vni 0xffffffff (masked)", 0xffffffff, 0,
	  { 0x08, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x00 } },
	{ "gpe ipv4 vni 1", 1, cpu_to_be16(ETH_P_IP),
	  { 0x0c, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00 } },
	{ "gpe ipv6 vni 1", 1, cpu_to_be16(ETH_P_IPV6),
	  { 0x0c, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0x00 } },
	{ "gpe ipv4 vni 0x123456", 0x123456, cpu_to_be16(ETH_P_IP),
	  { 0x0c, 0x00, 0x00, 0x01, 0x12, 0x34, 0x56, 0x00 } },
	{ "gpe ipv6 vni 0xffffff", 0xffffff, cpu_to_be16(ETH_P_IPV6),
	  { 0x0c, 0x00, 0x00, 0x02, 0xff, 0xff, 0xff, 0x00 } },
	{ "gpe ipv4 vni 0xff000000 (masked)", 0xff000000,
	  cpu_to_be16(ETH_P_IP),
	  { 0x0c, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00 } },
	{ "gpe ipv6 vni 0xabcdef01 (masked)", 0xabcdef01,
	  cpu_to_be16(ETH_P_IPV6),
	  { 0x0c, 0x00, 0x00, 0x02, 0xcd, 0xef, 0x01, 0x00 } },
};

static void podnet_encap_test_build(struct kunit *test)
{
	const struct pe_build_case *c;
	u8 buf[PE_BUF_LEN] __aligned(4);
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(pe_build_cases); i++) {
		c = &pe_build_cases[i];
		memset(buf, PE_POISON, sizeof(buf));
		if (!c->proto) {
			podnet_vxlan_build((struct vxlanhdr *)buf, c->vni);
		} else {
			err = podnet_gpe_build((struct vxlanhdr *)buf, c->vni,
					       c->proto);
			KUNIT_EXPECT_EQ_MSG(test, err, 0, "%s", c->name);
		}
		pe_expect_written(test, buf, c->want, PE_VXH_LEN, c->name);
	}
}

/* GPE carries IP only: anything else is refused, and nothing written. */
static void podnet_encap_test_gpe_build_refused(struct kunit *test)
{
	static const u16 protos[] = {
		0, ETH_P_TEB, ETH_P_ARP, ETH_P_8021Q, ETH_P_8021AD,
		ETH_P_MPLS_UC, ETH_P_NSH, 0x0008, 0xdd86, 0xffff,
	};
	u8 buf[PE_BUF_LEN] __aligned(4);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		memset(buf, PE_POISON, sizeof(buf));
		KUNIT_EXPECT_EQ_MSG(test,
				    podnet_gpe_build((struct vxlanhdr *)buf, 1,
						     cpu_to_be16(protos[i])),
				    -EPFNOSUPPORT, "proto %#06x", protos[i]);
		KUNIT_EXPECT_NULL_MSG(test,
				      memchr_inv(buf, PE_POISON, sizeof(buf)),
				      "proto %#06x: header written", protos[i]);
	}
}

/* The header from its two words, host order (bit 27 is the I flag). */
static void pe_vxh(struct vxlanhdr *vxh, u32 flags, u32 vni_word)
{
	vxh->vx_flags = cpu_to_be32(flags);
	vxh->vx_vni = cpu_to_be32(vni_word);
}

#define PE_F_I		BIT(27)
#define PE_F_P		BIT(26)
#define PE_F_OAM	BIT(24)
#define PE_VNI1		BIT(8)		/* VNI 1, as the word */

/*
 * podnet_vxlan_parse() of @hdr, copied to the exact 8 byte buffer @buf,
 * expected to return @want, and on success to set @vni and @proto.
 * Returns what it returned.
 */
static __printf(7, 8) int pe_expect_parse(struct kunit *test,
					   struct vxlanhdr *buf,
					   const struct vxlanhdr *hdr,
					   int want, u32 vni, u16 proto,
					   const char *fmt, ...)
{
	__be16 got_proto = cpu_to_be16(0xdead);
	u32 got_vni = 0xdeadbeef;
	char what[64];
	va_list args;
	int ret;

	va_start(args, fmt);
	vsnprintf(what, sizeof(what), fmt, args);
	va_end(args);
	memcpy(buf, hdr, sizeof(*buf));
	ret = podnet_vxlan_parse(buf, &got_vni, &got_proto);
	KUNIT_EXPECT_EQ_MSG(test, ret, want, "%s (%8ph)", what, hdr);
	if (ret >= 0 && ret == want) {
		KUNIT_EXPECT_EQ_MSG(test, got_vni, vni, "%s: vni", what);
		KUNIT_EXPECT_EQ_MSG(test, be16_to_cpu(got_proto), proto,
				    "%s: proto", what);
	}
	return ret;
}

static struct vxlanhdr *pe_vxh_buf(struct kunit *test)
{
	struct vxlanhdr *buf;

	buf = kunit_kmalloc(test, sizeof(*buf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	return buf;
}

/* Headers written by hand, as Linux's vxlan driver and flannel send them. */
static void podnet_encap_test_parse(struct kunit *test)
{
	static const struct {
		const char *name;
		u8 hdr[PE_VXH_LEN];
		int ret;
		u32 vni;
		u16 proto;
	} tests[] = {
		{ "vxlan vni 1",
		  { 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00 },
		  PODNET_ENCAP_VXLAN, 1, ETH_P_TEB },
		{ "vxlan vni 0",
		  { 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
		  PODNET_ENCAP_VXLAN, 0, ETH_P_TEB },
		{ "vxlan vni 0xabcdef",
		  { 0x08, 0x00, 0x00, 0x00, 0xab, 0xcd, 0xef, 0x00 },
		  PODNET_ENCAP_VXLAN, 0xabcdef, ETH_P_TEB },
		{ "gpe ipv4 vni 1",
		  { 0x0c, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00 },
		  PODNET_ENCAP_GPE, 1, ETH_P_IP },
		{ "gpe ipv6 vni 0x123456",
		  { 0x0c, 0x00, 0x00, 0x02, 0x12, 0x34, 0x56, 0x00 },
		  PODNET_ENCAP_GPE, 0x123456, ETH_P_IPV6 },
		{ "gpe ipv4 vni 0xffffff",
		  { 0x0c, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0x00 },
		  PODNET_ENCAP_GPE, 0xffffff, ETH_P_IP },
		{ "zeroes",
		  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
		  -EBADMSG },
		{ "ones",
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		  -EBADMSG },
		{ "vxlan without I",
		  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00 },
		  -EBADMSG },
		{ "gpe without I",
		  { 0x04, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00 },
		  -EBADMSG },
		{ "vxlan-gbp (G bit)",
		  { 0x88, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00 },
		  -EBADMSG },
		{ "vxlan with a group policy id",
		  { 0x08, 0x00, 0x12, 0x34, 0x00, 0x00, 0x01, 0x00 },
		  -EBADMSG },
		{ "vxlan, byte after the vni",
		  { 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01 },
		  -EBADMSG },
		{ "gpe, byte after the vni",
		  { 0x0c, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x80 },
		  -EBADMSG },
		{ "gpe ethernet",
		  { 0x0c, 0x00, 0x00, 0x03, 0x00, 0x00, 0x01, 0x00 },
		  -EPFNOSUPPORT },
	};
	struct vxlanhdr *buf = pe_vxh_buf(test), hdr;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		memcpy(&hdr, tests[i].hdr, sizeof(hdr));
		pe_expect_parse(test, buf, &hdr, tests[i].ret, tests[i].vni,
				tests[i].proto, "%s", tests[i].name);
	}
}

static void pe_roundtrip(struct kunit *test, struct vxlanhdr *buf, u32 vni)
{
	struct vxlanhdr hdr;

	podnet_vxlan_build(&hdr, vni);
	pe_expect_parse(test, buf, &hdr, PODNET_ENCAP_VXLAN,
			vni & VXLAN_VID_MASK, ETH_P_TEB, "vxlan vni %#x", vni);
	KUNIT_ASSERT_EQ(test, podnet_gpe_build(&hdr, vni, htons(ETH_P_IP)), 0);
	pe_expect_parse(test, buf, &hdr, PODNET_ENCAP_GPE,
			vni & VXLAN_VID_MASK, ETH_P_IP, "gpe ipv4 vni %#x",
			vni);
	KUNIT_ASSERT_EQ(test, podnet_gpe_build(&hdr, vni, htons(ETH_P_IPV6)),
			0);
	pe_expect_parse(test, buf, &hdr, PODNET_ENCAP_GPE,
			vni & VXLAN_VID_MASK, ETH_P_IPV6, "gpe ipv6 vni %#x",
			vni);
}

static void podnet_encap_test_roundtrip(struct kunit *test)
{
	static const u32 vnis[] = {
		0, 1, 2, 0xff, 0x100, 0x101, 0xffff, 0x10000, 0x123456,
		0x7fffff, 0x800000, 0xfffffe, 0xffffff,
		0x1000000, 0x1000001, 0x80000001, 0xffffffff,
	};
	struct vxlanhdr *buf = pe_vxh_buf(test);
	struct rnd_state rnd;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vnis); i++)
		pe_roundtrip(test, buf, vnis[i]);
	for (i = 0; i < 32; i++) {
		pe_roundtrip(test, buf, BIT(i));
		pe_roundtrip(test, buf, (u32)~BIT(i));
	}
	prandom_seed_state(&rnd, 8472);
	for (i = 0; i < 4096; i++)
		pe_roundtrip(test, buf, prandom_u32_state(&rnd));
}

/*
 * One bit added to the flags of a valid VXLAN header, then of a valid GPE
 * header (IPv4): the result must be the one of the format's definition.
 * The flags word on the wire, bit 31 first: R R Ver(2) I P R O (byte 0),
 * reserved (bytes 1 and 2), then reserved (VXLAN) or the GPE next protocol
 * (byte 3).
 */
static int pe_vxlan_flag_want(unsigned int bit)
{
	switch (bit) {
	case 27:		/* I: already there */
		return PODNET_ENCAP_VXLAN;
	case 26:		/* P: GPE with next protocol 0 */
		return -EPFNOSUPPORT;
	default:
		return -EBADMSG;
	}
}

static int pe_gpe_flag_want(unsigned int bit)
{
	switch (bit) {
	case 0:			/* next protocol 1 | 1: still IPv4 */
	case 26:		/* P: already there */
	case 27:		/* I: already there */
		return PODNET_ENCAP_GPE;
	case 1 ... 7:		/* next protocol 3, 5, 9, ...: not IP */
		return -EPFNOSUPPORT;
	default:		/* reserved, version, OAM */
		return -EBADMSG;
	}
}

static void podnet_encap_test_parse_flags(struct kunit *test)
{
	struct vxlanhdr *buf = pe_vxh_buf(test), hdr;
	unsigned int bit;
	u32 accepted;

	/* Exactly the bits that do not change the header are accepted. */
	accepted = 0;
	for (bit = 0; bit < 32; bit++) {
		pe_vxh(&hdr, PE_F_I | BIT(bit), PE_VNI1);
		if (pe_expect_parse(test, buf, &hdr, pe_vxlan_flag_want(bit),
				    1, ETH_P_TEB, "vxlan + flag bit %u",
				    bit) >= 0)
			accepted |= BIT(bit);
	}
	KUNIT_EXPECT_EQ(test, accepted, PE_F_I);

	accepted = 0;
	for (bit = 0; bit < 32; bit++) {
		pe_vxh(&hdr, PE_F_I | PE_F_P | PODNET_GPE_NP_IPV4 | BIT(bit),
		       PE_VNI1);
		if (pe_expect_parse(test, buf, &hdr, pe_gpe_flag_want(bit), 1,
				    ETH_P_IP, "gpe + flag bit %u", bit) >= 0)
			accepted |= BIT(bit);
	}
	KUNIT_EXPECT_EQ(test, accepted, PE_F_I | PE_F_P | BIT(0));

	/* Without the I bit, whatever else is set. */
	for (bit = 0; bit < 32; bit++) {
		if (bit == 27)
			continue;
		pe_vxh(&hdr, BIT(bit), PE_VNI1);
		pe_expect_parse(test, buf, &hdr, -EBADMSG, 0, 0,
				"flag bit %u alone", bit);
		pe_vxh(&hdr, PE_F_P | PODNET_GPE_NP_IPV4 | BIT(bit), PE_VNI1);
		pe_expect_parse(test, buf, &hdr, -EBADMSG, 0, 0,
				"gpe without I, flag bit %u", bit);
	}

	/* The byte after the VNI is reserved in both formats. */
	for (bit = 0; bit < 8; bit++) {
		pe_vxh(&hdr, PE_F_I, PE_VNI1 | BIT(bit));
		pe_expect_parse(test, buf, &hdr, -EBADMSG, 0, 0,
				"vxlan, reserved bit %u after the vni", bit);
		pe_vxh(&hdr, PE_F_I | PE_F_P | PODNET_GPE_NP_IPV6,
		       0xffffff00 | BIT(bit));
		pe_expect_parse(test, buf, &hdr, -EBADMSG, 0, 0,
				"gpe, reserved bit %u after the vni", bit);
	}
}

static void podnet_encap_test_parse_gpe(struct kunit *test)
{
	struct vxlanhdr *buf = pe_vxh_buf(test), hdr;
	unsigned int ver, np;
	int want;
	u16 proto;

	/* Versions 1 to 3, with either IP next protocol. */
	for (ver = 1; ver < 4; ver++) {
		pe_vxh(&hdr, PE_F_I | PE_F_P | (ver << 28) | PODNET_GPE_NP_IPV4,
		       PE_VNI1);
		pe_expect_parse(test, buf, &hdr, -EBADMSG, 0, 0,
				"gpe ipv4 version %u", ver);
		pe_vxh(&hdr, PE_F_I | PE_F_P | (ver << 28) | PODNET_GPE_NP_IPV6,
		       PE_VNI1);
		pe_expect_parse(test, buf, &hdr, -EBADMSG, 0, 0,
				"gpe ipv6 version %u", ver);
	}

	/* OAM packets are not for the data path. */
	pe_vxh(&hdr, PE_F_I | PE_F_P | PE_F_OAM | PODNET_GPE_NP_IPV4, PE_VNI1);
	pe_expect_parse(test, buf, &hdr, -EBADMSG, 0, 0, "gpe ipv4 oam");
	pe_vxh(&hdr, PE_F_I | PE_F_P | PE_F_OAM | PODNET_GPE_NP_IPV6, PE_VNI1);
	pe_expect_parse(test, buf, &hdr, -EBADMSG, 0, 0, "gpe ipv6 oam");
	/* A malformed header is malformed whatever it carries. */
	pe_vxh(&hdr, PE_F_I | PE_F_P | PE_F_OAM | 3, PE_VNI1);
	pe_expect_parse(test, buf, &hdr, -EBADMSG, 0, 0, "gpe ethernet oam");

	/*
	 * Every next protocol: 1 (IPv4) and 2 (IPv6) only; 0, 3 (Ethernet),
	 * 4 (NSH), 5 (MPLS), 0xff and all others are not supported.
	 */
	for (np = 0; np <= 0xff; np++) {
		switch (np) {
		case PODNET_GPE_NP_IPV4:
			want = PODNET_ENCAP_GPE;
			proto = ETH_P_IP;
			break;
		case PODNET_GPE_NP_IPV6:
			want = PODNET_ENCAP_GPE;
			proto = ETH_P_IPV6;
			break;
		default:
			want = -EPFNOSUPPORT;
			proto = 0;
			break;
		}
		pe_vxh(&hdr, PE_F_I | PE_F_P | np, 0xabcdef << 8);
		pe_expect_parse(test, buf, &hdr, want, 0xabcdef, proto,
				"gpe next protocol %u", np);
	}
}

static void podnet_encap_test_eth(struct kunit *test)
{
	static const u8 want[ETH_HLEN] = {
		0x02, 0x42, 0xc0, 0xa8, 0x01, 0x02,	/* destination */
		0x0e, 0x00, 0x00, 0x00, 0x00, 0x01,	/* source */
		0x08, 0x00,
	};
	static const u8 want6[ETH_HLEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x86, 0xdd,
	};
	static const struct {
		u16 proto;
		bool ok;
	} tests[] = {
		{ ETH_P_IP, true },
		{ ETH_P_IPV6, true },
		{ ETH_P_ARP, false },
		{ 0x0000, false },
		{ ETH_P_8021Q, false },
		{ ETH_P_8021AD, false },
		{ ETH_P_TEB, false },
		{ ETH_P_MPLS_UC, false },
		{ ETH_P_LLDP, false },
		{ 0x0008, false },	/* ETH_P_IP byte-swapped */
		{ 0xdd86, false },
		{ 0xffff, false },
	};
	struct ethhdr *eth;
	u8 buf[PE_BUF_LEN] __aligned(4);
	unsigned int i;

	memset(buf, PE_POISON, sizeof(buf));
	podnet_eth_build((struct ethhdr *)buf, 0x0242c0a80102ULL,
			 0x0e0000000001ULL, htons(ETH_P_IP));
	pe_expect_written(test, buf, want, ETH_HLEN, "eth ipv4");
	memset(buf, PE_POISON, sizeof(buf));
	podnet_eth_build((struct ethhdr *)buf, 0xffffffffffffULL, 0,
			 htons(ETH_P_IPV6));
	pe_expect_written(test, buf, want6, ETH_HLEN, "eth ipv6");

	eth = kunit_kmalloc(test, sizeof(*eth), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, eth);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		u16 want_proto = tests[i].ok ? tests[i].proto : 0;

		/* Built here, then with arbitrary (unchecked) addresses. */
		podnet_eth_build(eth, 0x0242c0a80102ULL, 0x0242c0a80101ULL,
				 htons(tests[i].proto));
		KUNIT_EXPECT_EQ_MSG(test, be16_to_cpu(podnet_eth_parse(eth)),
				    want_proto, "proto %#06x",
				    tests[i].proto);
		memset(eth, 0xff, sizeof(*eth));
		eth->h_proto = htons(tests[i].proto);
		KUNIT_EXPECT_EQ_MSG(test, be16_to_cpu(podnet_eth_parse(eth)),
				    want_proto, "proto %#06x, broadcast",
				    tests[i].proto);
		memset(eth, 0, sizeof(*eth));
		eth->h_proto = htons(tests[i].proto);
		KUNIT_EXPECT_EQ_MSG(test, be16_to_cpu(podnet_eth_parse(eth)),
				    want_proto, "proto %#06x, zero macs",
				    tests[i].proto);
	}
}

/*
 * podnet_inner_valid() of the first @len bytes of @hdr, copied to a buffer
 * of exactly @len bytes (KASAN: nothing past @len is read).
 */
static bool pe_inner(struct kunit *test, const u8 *hdr, unsigned int len,
		     u16 proto)
{
	bool ret;
	u8 *buf;

	if (!len)
		return podnet_inner_valid(hdr, 0, htons(proto));
	buf = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, hdr, len);
	ret = podnet_inner_valid(buf, len, htons(proto));
	kunit_kfree(test, buf);
	return ret;
}

/* An IPv4 header of @ihl words, version @ver, options zero. */
static void pe_ip4(u8 *hdr, unsigned int ver, unsigned int ihl)
{
	memset(hdr, 0, PE_IP_MAX);
	hdr[0] = ver << 4 | ihl;
	hdr[3] = ihl * 4;		/* total length */
	hdr[8] = 64;			/* ttl */
	hdr[9] = 17;			/* udp */
	hdr[12] = 10;			/* 10.244.1.2 -> 10.244.2.3 */
	hdr[13] = 244;
	hdr[14] = 1;
	hdr[15] = 2;
	hdr[16] = 10;
	hdr[17] = 244;
	hdr[18] = 2;
	hdr[19] = 3;
}

static void pe_ip6(u8 *hdr, unsigned int ver)
{
	memset(hdr, 0, PE_IP_MAX);
	hdr[0] = ver << 4;
	hdr[6] = 58;			/* icmpv6 */
	hdr[7] = 64;			/* hop limit */
	hdr[8] = 0xfd;			/* fd00::1 -> fd00::2 */
	hdr[23] = 1;
	hdr[24] = 0xfd;
	hdr[39] = 2;
}

static void podnet_encap_test_inner_ipv4(struct kunit *test)
{
	u8 *hdr = kunit_kzalloc(test, PE_IP_MAX, GFP_KERNEL);
	unsigned int len, ver, ihl;

	KUNIT_ASSERT_NOT_NULL(test, hdr);

	pe_ip4(hdr, 4, 5);
	for (len = 20; len <= PE_IP_MAX; len++)
		KUNIT_EXPECT_TRUE_MSG(test, pe_inner(test, hdr, len, ETH_P_IP),
				      "len %u", len);
	/* Every length short of the 20 bytes of the header. */
	for (len = 0; len < 20; len++)
		KUNIT_EXPECT_FALSE_MSG(test,
				       pe_inner(test, hdr, len, ETH_P_IP),
				       "short, len %u", len);

	for (ver = 0; ver < 16; ver++) {
		if (ver == 4)
			continue;
		pe_ip4(hdr, ver, 5);
		KUNIT_EXPECT_FALSE_MSG(test, pe_inner(test, hdr, 20, ETH_P_IP),
				       "version %u", ver);
		KUNIT_EXPECT_FALSE_MSG(test,
				       pe_inner(test, hdr, PE_IP_MAX, ETH_P_IP),
				       "version %u, len %u", ver, PE_IP_MAX);
	}

	for (ihl = 0; ihl < 5; ihl++) {
		pe_ip4(hdr, 4, ihl);
		KUNIT_EXPECT_FALSE_MSG(test, pe_inner(test, hdr, 20, ETH_P_IP),
				       "ihl %u", ihl);
		KUNIT_EXPECT_FALSE_MSG(test,
				       pe_inner(test, hdr, PE_IP_MAX, ETH_P_IP),
				       "ihl %u, len %u", ihl, PE_IP_MAX);
	}

	/* Options: within @len, or cut short. */
	for (ihl = 6; ihl < 16; ihl++) {
		pe_ip4(hdr, 4, ihl);
		for (len = 20; len <= PE_IP_MAX; len++)
			KUNIT_EXPECT_EQ_MSG(test,
					    pe_inner(test, hdr, len, ETH_P_IP),
					    len >= ihl * 4, "ihl %u, len %u",
					    ihl, len);
	}

	/* An IPv4 header is no IPv6 one, and other protocols are refused. */
	pe_ip4(hdr, 4, 5);
	KUNIT_EXPECT_FALSE(test, pe_inner(test, hdr, PE_IP_MAX, ETH_P_IPV6));
	KUNIT_EXPECT_FALSE(test, pe_inner(test, hdr, PE_IP_MAX, ETH_P_ARP));
	KUNIT_EXPECT_FALSE(test, pe_inner(test, hdr, PE_IP_MAX, ETH_P_TEB));
	KUNIT_EXPECT_FALSE(test, pe_inner(test, hdr, PE_IP_MAX, 0));
	KUNIT_EXPECT_FALSE(test, pe_inner(test, hdr, PE_IP_MAX, 0x0008));
}

static void podnet_encap_test_inner_ipv6(struct kunit *test)
{
	u8 *hdr = kunit_kzalloc(test, PE_IP_MAX, GFP_KERNEL);
	unsigned int len, ver;

	KUNIT_ASSERT_NOT_NULL(test, hdr);

	pe_ip6(hdr, 6);
	for (len = 40; len <= PE_IP_MAX; len++)
		KUNIT_EXPECT_TRUE_MSG(test,
				      pe_inner(test, hdr, len, ETH_P_IPV6),
				      "len %u", len);
	/* Every length short of the 40 bytes of the header. */
	for (len = 0; len < 40; len++)
		KUNIT_EXPECT_FALSE_MSG(test,
				       pe_inner(test, hdr, len, ETH_P_IPV6),
				       "short, len %u", len);

	for (ver = 0; ver < 16; ver++) {
		if (ver == 6)
			continue;
		pe_ip6(hdr, ver);
		KUNIT_EXPECT_FALSE_MSG(test,
				       pe_inner(test, hdr, 40, ETH_P_IPV6),
				       "version %u", ver);
	}

	/* An IPv6 header is no IPv4 one, and other protocols are refused. */
	pe_ip6(hdr, 6);
	KUNIT_EXPECT_FALSE(test, pe_inner(test, hdr, PE_IP_MAX, ETH_P_IP));
	KUNIT_EXPECT_FALSE(test, pe_inner(test, hdr, PE_IP_MAX, ETH_P_ARP));
	KUNIT_EXPECT_FALSE(test, pe_inner(test, hdr, PE_IP_MAX, ETH_P_TEB));
	KUNIT_EXPECT_FALSE(test, pe_inner(test, hdr, PE_IP_MAX, 0));
	KUNIT_EXPECT_FALSE(test, pe_inner(test, hdr, PE_IP_MAX, 0xdd86));
	/* Version 4 in the first nibble, announced as IPv6. */
	pe_ip4(hdr, 4, 10);
	KUNIT_EXPECT_FALSE(test, pe_inner(test, hdr, 40, ETH_P_IPV6));
}

/* The derived vtep mac (podnet.rst, "The vtep mac"). */
static void podnet_encap_test_vtep_mac(struct kunit *test)
{
	static const u8 v4[4] = { 192, 168, 1, 101 };
	static const u8 v6[16] = { 0xfd, 0, 0, 1, [15] = 1 };
	static const u8 v6b[16] = { 0xfd, 0, 0, 1, [11] = 2, [15] = 1 };
	static const u8 want4[ETH_ALEN] = { 2, 1, 192, 168, 1, 101 };
	static const u8 want4v[ETH_ALEN] = { 2, 0x56, 192, 168, 1, 101 };
	static const u8 want6[ETH_ALEN] = { 2, 1, 0xfd, 0, 0, 0 };
	static const u8 want6b[ETH_ALEN] = { 2, 1, 0xfd, 0, 0, 2 };
	u8 mac[ETH_ALEN];

	u64_to_ether_addr(podnet_vtep_mac(AF_INET, v4, 1), mac);
	KUNIT_EXPECT_MEMEQ(test, mac, want4, ETH_ALEN);
	KUNIT_EXPECT_TRUE(test, is_valid_ether_addr(mac));
	KUNIT_EXPECT_TRUE(test, is_local_ether_addr(mac));
	/* the VNI's low byte */
	u64_to_ether_addr(podnet_vtep_mac(AF_INET, v4, 0x123456), mac);
	KUNIT_EXPECT_MEMEQ(test, mac, want4v, ETH_ALEN);
	/* IPv6: fd000001 ^ 0 ^ 0 ^ 00000001, and ^ 00000002 */
	u64_to_ether_addr(podnet_vtep_mac(AF_INET6, v6, 1), mac);
	KUNIT_EXPECT_MEMEQ(test, mac, want6, ETH_ALEN);
	u64_to_ether_addr(podnet_vtep_mac(AF_INET6, v6b, 1), mac);
	KUNIT_EXPECT_MEMEQ(test, mac, want6b, ETH_ALEN);
	KUNIT_EXPECT_TRUE(test, is_valid_ether_addr(mac));
}

static struct kunit_case podnet_encap_test_cases[] = {
	KUNIT_CASE(podnet_encap_test_overhead),
	KUNIT_CASE(podnet_encap_test_valid),
	KUNIT_CASE(podnet_encap_test_build),
	KUNIT_CASE(podnet_encap_test_gpe_build_refused),
	KUNIT_CASE(podnet_encap_test_parse),
	KUNIT_CASE(podnet_encap_test_roundtrip),
	KUNIT_CASE(podnet_encap_test_parse_flags),
	KUNIT_CASE(podnet_encap_test_parse_gpe),
	KUNIT_CASE(podnet_encap_test_eth),
	KUNIT_CASE(podnet_encap_test_inner_ipv4),
	KUNIT_CASE(podnet_encap_test_inner_ipv6),
	KUNIT_CASE(podnet_encap_test_vtep_mac),
	{}
};

static struct kunit_suite podnet_encap_test_suite = {
	.name = "podnet_encap",
	.test_cases = podnet_encap_test_cases,
};

kunit_test_suite(podnet_encap_test_suite);

MODULE_DESCRIPTION("KUnit tests of podnet's wire formats");
MODULE_LICENSE("GPL");
