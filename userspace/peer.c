// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl peer add|change|del|show: the remote nodes of a device.
 */
#include <inttypes.h>
#include <string.h>

#include "args.h"
#include "output.h"
#include "podnetctl.h"

void peer_usage(FILE *f)
{
	fprintf(f,
		"Usage: podnetctl peer add ADDR [dev NAME] [port P] [encap E] [mac MAC]\n"
		"       podnetctl peer change ADDR [dev NAME] [port P] [encap E] [mac MAC]\n"
		"       podnetctl peer del ADDR [dev NAME]\n"
		"       podnetctl [-j] [-p] [-s] peer show [dev NAME]\n"
		"where  ADDR := an IPv4 or IPv6 underlay address\n"
		"       P := 0-65535 (0: the device's port)\n"
		"       E := { vxlan | gpe | ipip | direct | auto }\n");
}

static const enum mnl_attr_data_type peer_types[PODNET_A_PEER_MAX + 1] = {
	[PODNET_A_PEER_ADDR]	= MNL_TYPE_BINARY,
	[PODNET_A_PEER_PORT]	= MNL_TYPE_U16,
	[PODNET_A_PEER_ENCAP]	= MNL_TYPE_U8,
	[PODNET_A_PEER_MAC]	= MNL_TYPE_BINARY,
	[PODNET_A_PEER_ROUTES]	= MNL_TYPE_U32,
	[PODNET_A_PEER_STATS]	= MNL_TYPE_NESTED,
	[PODNET_A_PEER_MODE]	= MNL_TYPE_U8,
};

static const enum mnl_attr_data_type stat_types[PODNET_PEER_STAT_MAX + 1] = {
	[PODNET_PEER_STAT_TX_PACKETS]		= MNL_TYPE_U64,
	[PODNET_PEER_STAT_TX_BYTES]		= MNL_TYPE_U64,
	[PODNET_PEER_STAT_RX_PACKETS]		= MNL_TYPE_U64,
	[PODNET_PEER_STAT_RX_BYTES]		= MNL_TYPE_U64,
	[PODNET_PEER_STAT_TX_DROPS]		= MNL_TYPE_U64,
	[PODNET_PEER_STAT_LAST_RX_MSECS]	= MNL_TYPE_U64,
};

static const char *const stat_names[PODNET_PEER_STAT_MAX + 1] = {
	[PODNET_PEER_STAT_TX_PACKETS]	= "tx_packets",
	[PODNET_PEER_STAT_TX_BYTES]	= "tx_bytes",
	[PODNET_PEER_STAT_RX_PACKETS]	= "rx_packets",
	[PODNET_PEER_STAT_RX_BYTES]	= "rx_bytes",
	[PODNET_PEER_STAT_TX_DROPS]	= "tx_drops",
};

/* "tx_packets N ... tx_drops N last_rx 1.234s ago|never" */
static void print_peer_stats(const struct nlattr *nest)
{
	const struct nlattr *tb[PODNET_PEER_STAT_MAX + 1];
	char text[48], num[40];
	unsigned int i;

	nl_parse_nested(nest, stat_types, PODNET_PEER_STAT_MAX, tb);
	out_group_begin("stats");
	for (i = 1; i <= PODNET_PEER_STAT_MAX; i++)
		if (stat_names[i] && tb[i])
			out_uint(stat_names[i], mnl_attr_get_u64(tb[i]));
	if (tb[PODNET_PEER_STAT_LAST_RX_MSECS]) {
		uint64_t ms = mnl_attr_get_u64(tb[PODNET_PEER_STAT_LAST_RX_MSECS]);

		snprintf(num, sizeof(num), "%" PRIu64 ".%03" PRIu64,
			 ms / 1000, ms % 1000);
		snprintf(text, sizeof(text), "%ss ago", num);
		out_text_json("last_rx", text, num);
	} else {
		out_text_json("last_rx", "never", "null");
	}
	out_group_end();
}

/*
 * "ADDR dev pn0 port P encap E mode M mac MAC routes N" [stats]. encap is
 * what was configured, mode the format packets to the peer use now (auto
 * and the device's resolved); a module older than PODNET_A_PEER_MODE
 * sends no mode, and nothing is printed for it.
 */
int pn_print_peer(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[PODNET_A_MAX + 1];
	const struct nlattr *tb[PODNET_A_PEER_MAX + 1];
	const struct pn_show *show = data;
	char name[IF_NAMESIZE], buf[PN_ADDR_STRLEN];
	uint8_t mac[PN_ETH_ALEN], mode;
	struct pn_addr addr;

	pn_parse_top(nlh, top);
	if (pn_top_other_dev(top, show->dev))
		return MNL_CB_OK;
	nl_parse_nested(top[PODNET_A_PEER], peer_types, PODNET_A_PEER_MAX, tb);
	if (!nl_get_addr(tb[PODNET_A_PEER_ADDR], &addr))
		return MNL_CB_OK;

	out_obj_begin();
	out_head("addr", pn_addr_str(&addr, buf, sizeof(buf)), "");
	out_str("dev", pn_top_ifname(top, show->dev, name));
	/* 0 and UNSPEC mean "the device's": left out */
	if (tb[PODNET_A_PEER_PORT] && mnl_attr_get_u16(tb[PODNET_A_PEER_PORT]))
		out_uint("port", mnl_attr_get_u16(tb[PODNET_A_PEER_PORT]));
	if (tb[PODNET_A_PEER_ENCAP] && mnl_attr_get_u8(tb[PODNET_A_PEER_ENCAP]))
		out_str("encap", pn_encap_str(mnl_attr_get_u8(tb[PODNET_A_PEER_ENCAP]),
					      buf, sizeof(buf)));
	/* resolved by the kernel: UNSPEC would tell nothing */
	mode = tb[PODNET_A_PEER_MODE] ?
	       mnl_attr_get_u8(tb[PODNET_A_PEER_MODE]) : 0;
	if (mode)
		out_str("mode", pn_encap_str(mode, buf, sizeof(buf)));
	if (nl_get_mac(tb[PODNET_A_PEER_MAC], mac) && !pn_mac_is_zero(mac))
		out_str("mac", pn_mac_str(mac, buf, sizeof(buf)));
	if (tb[PODNET_A_PEER_ROUTES])
		out_uint("routes", mnl_attr_get_u32(tb[PODNET_A_PEER_ROUTES]));
	if (show->stats && tb[PODNET_A_PEER_STATS])
		print_peer_stats(tb[PODNET_A_PEER_STATS]);
	out_obj_end();
	return MNL_CB_OK;
}

int pn_peer_parse(int argc, char **argv, const char **dev, bool opts,
		  const char *what, struct pn_peer *p)
{
	enum { K_DEV, K_PORT, K_ENCAP, K_MAC };
	struct pn_kw kw[] = {
		[K_DEV]		= PN_KW("dev", PN_ARG_IFNAME, dev),
		[K_PORT]	= PN_KW_UINT("port", &p->port, 0, 65535),
		[K_ENCAP]	= PN_KW("encap", PN_ARG_ENCAP, &p->encap),
		[K_MAC]		= PN_KW("mac", PN_ARG_MAC, p->mac),
	};
	struct pn_kw *first = dev ? &kw[K_DEV] : &kw[K_PORT];
	size_t n = (dev ? 1 : 0) + (opts ? 3 : 0);

	memset(p, 0, sizeof(*p));
	if (argc < 1)
		return pn_missarg("ADDR");
	if (pn_arg_addr(argv[0], &p->addr) ||
	    pn_parse_kw(argc - 1, argv + 1, first, n, what))
		return -1;
	p->has_port = kw[K_PORT].seen;
	p->has_encap = kw[K_ENCAP].seen;
	p->has_mac = kw[K_MAC].seen;
	return 0;
}

/* peer add|change|del ADDR [dev NAME] [port P] [encap E] [mac MAC] */
static int peer_modify(struct pn_ctx *c, uint8_t cmd, const char *what,
		       int argc, char **argv)
{
	const char *name = NULL;
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct pn_peer p;
	struct pn_dev dev;

	if (pn_peer_parse(argc, argv, &name, cmd != PODNET_CMD_PEER_DEL, what,
			  &p) ||
	    pn_dev_pick(c, name, &dev))
		return -1;

	nlh = pn_msg(&c->nl, buf, sizeof(buf), cmd, 0, dev.ifindex);
	pn_peer_put(nlh, &p);
	return nl_request(c->nl.genl, nlh, NULL, NULL);
}

int do_peer(struct pn_ctx *c, int argc, char **argv)
{
	const char *cmd = argc > 0 ? argv[0] : "show";

	if (pn_matches(cmd, "add"))
		return peer_modify(c, PODNET_CMD_PEER_NEW, "peer add",
				   argc - 1, argv + 1);
	if (pn_matches(cmd, "change"))
		return peer_modify(c, PODNET_CMD_PEER_SET, "peer change",
				   argc - 1, argv + 1);
	if (pn_matches(cmd, "delete"))
		return peer_modify(c, PODNET_CMD_PEER_DEL, "peer del",
				   argc - 1, argv + 1);
	if (pn_matches(cmd, "show") || pn_matches(cmd, "list") ||
	    pn_matches(cmd, "lst"))
		return pn_show_per_dev(c, argc > 0 ? argc - 1 : 0, argv + 1,
				       "peer show", PODNET_CMD_PEER_GET,
				       pn_print_peer);
	if (pn_matches(cmd, "help")) {
		peer_usage(stdout);
		return 0;
	}
	return pn_unknown_cmd(cmd, "peer");
}
