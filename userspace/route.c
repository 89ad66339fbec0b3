// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl route add|replace|del|get|show: PodCIDR prefix -> peer.
 */
#include <stdbool.h>
#include <string.h>

#include "args.h"
#include "output.h"
#include "podnetctl.h"

void route_usage(FILE *f)
{
	fprintf(f,
		"Usage: podnetctl route { add | replace } PREFIX via ADDR [dev NAME]\n"
		"       podnetctl route del PREFIX [via ADDR] [dev NAME]\n"
		"       podnetctl [-j] [-p] route get ADDR [dev NAME]\n"
		"       podnetctl [-j] [-p] route show [dev NAME]\n"
		"where  PREFIX := { IPv4 | IPv6 }[/LEN]  (no host bits after LEN)\n"
		"       ADDR := an IPv4 or IPv6 address (via: the peer's underlay address)\n");
}

static const enum mnl_attr_data_type route_types[PODNET_A_ROUTE_MAX + 1] = {
	[PODNET_A_ROUTE_PREFIX]		= MNL_TYPE_BINARY,
	[PODNET_A_ROUTE_PREFIX_LEN]	= MNL_TYPE_U8,
	[PODNET_A_ROUTE_VIA]		= MNL_TYPE_BINARY,
};

/* "10.244.2.0/24 via 192.168.1.102 dev pn0" */
int pn_print_route(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[PODNET_A_MAX + 1];
	const struct nlattr *tb[PODNET_A_ROUTE_MAX + 1];
	const struct pn_show *show = data;
	char name[IF_NAMESIZE], buf[PN_PREFIX_STRLEN];
	struct pn_prefix prefix;
	struct pn_addr via;

	pn_parse_top(nlh, top);
	if (pn_top_other_dev(top, show->dev))
		return MNL_CB_OK;
	nl_parse_nested(top[PODNET_A_ROUTE], route_types, PODNET_A_ROUTE_MAX,
			tb);
	if (!nl_get_addr(tb[PODNET_A_ROUTE_PREFIX], &prefix.addr))
		return MNL_CB_OK;
	prefix.len = tb[PODNET_A_ROUTE_PREFIX_LEN] ?
		     mnl_attr_get_u8(tb[PODNET_A_ROUTE_PREFIX_LEN]) :
		     (uint8_t)pn_addr_bits(&prefix.addr);

	out_obj_begin();
	out_head("dst", pn_prefix_str(&prefix, buf, sizeof(buf)), "");
	if (nl_get_addr(tb[PODNET_A_ROUTE_VIA], &via))
		out_str("via", pn_addr_str(&via, buf, sizeof(buf)));
	out_str("dev", pn_top_ifname(top, show->dev, name));
	out_obj_end();
	return MNL_CB_OK;
}

/* route get ADDR [dev NAME]: the longest match, answered by the kernel. */
static int route_get(struct pn_ctx *c, int argc, char **argv)
{
	const char *name = NULL;
	struct pn_kw kw[] = {
		PN_KW("dev", PN_ARG_IFNAME, &name),
	};
	struct pn_show show = { .stats = c->stats };
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct pn_addr addr;
	struct pn_dev dev;
	int err;

	if (argc < 1)
		return pn_missarg("ADDR");
	if (pn_arg_addr(argv[0], &addr) ||
	    pn_parse_kw(argc - 1, argv + 1, kw, 1, "route get") ||
	    pn_dev_pick(c, name, &dev))
		return -1;

	nlh = pn_msg(&c->nl, buf, sizeof(buf), PODNET_CMD_ROUTE_GET, 0,
		     dev.ifindex);
	nest = mnl_attr_nest_start(nlh, PODNET_A_ROUTE);
	nl_put_addr(nlh, PODNET_A_ROUTE_PREFIX, &addr);
	mnl_attr_nest_end(nlh, nest);

	show.dev = &dev;
	out_list_begin();
	err = nl_request(c->nl.genl, nlh, pn_print_route, &show);
	out_list_end();
	return err;
}

int pn_route_parse(int argc, char **argv, const char **dev, const char *what,
		   struct pn_route *r)
{
	struct pn_kw kw[] = {
		PN_KW("via", PN_ARG_ADDR, &r->via),
		PN_KW("dev", PN_ARG_IFNAME, dev),
	};

	memset(r, 0, sizeof(*r));
	if (argc < 1)
		return pn_missarg("PREFIX");
	if (pn_arg_prefix(argv[0], &r->prefix) ||
	    pn_parse_kw(argc - 1, argv + 1, kw, dev ? 2 : 1, what))
		return -1;
	r->has_via = kw[0].seen;
	return 0;
}

/* route add|replace|del PREFIX [via ADDR] [dev NAME] */
static int route_modify(struct pn_ctx *c, uint8_t cmd, bool replace,
			const char *what, int argc, char **argv)
{
	const char *name = NULL;
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct pn_route r;
	struct pn_dev dev;

	if (pn_route_parse(argc, argv, &name, what, &r))
		return -1;
	/* "via" may be of the other family: IPv6 pods over an IPv4 underlay */
	if (cmd == PODNET_CMD_ROUTE_NEW && !r.has_via)
		return pn_missarg("via");
	if (pn_dev_pick(c, name, &dev))
		return -1;

	nlh = pn_msg(&c->nl, buf, sizeof(buf), cmd, 0, dev.ifindex);
	pn_route_put(nlh, &r, replace);
	return nl_request(c->nl.genl, nlh, NULL, NULL);
}

int do_route(struct pn_ctx *c, int argc, char **argv)
{
	const char *cmd = argc > 0 ? argv[0] : "show";

	if (pn_matches(cmd, "add"))
		return route_modify(c, PODNET_CMD_ROUTE_NEW, false, "route add",
				    argc - 1, argv + 1);
	if (pn_matches(cmd, "replace"))
		return route_modify(c, PODNET_CMD_ROUTE_NEW, true,
				    "route replace", argc - 1, argv + 1);
	if (pn_matches(cmd, "delete"))
		return route_modify(c, PODNET_CMD_ROUTE_DEL, false, "route del",
				    argc - 1, argv + 1);
	if (pn_matches(cmd, "get"))
		return route_get(c, argc - 1, argv + 1);
	if (pn_matches(cmd, "show") || pn_matches(cmd, "list") ||
	    pn_matches(cmd, "lst"))
		return pn_show_per_dev(c, argc > 0 ? argc - 1 : 0, argv + 1,
				       "route show", PODNET_CMD_ROUTE_GET,
				       pn_print_route);
	if (pn_matches(cmd, "help")) {
		route_usage(stdout);
		return 0;
	}
	return pn_unknown_cmd(cmd, "route");
}
