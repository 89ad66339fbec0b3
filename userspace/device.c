// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: podnet devices: finding them (PODNET_CMD_DEV_GET dump) and
 * "podnetctl show".
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "output.h"
#include "podnetctl.h"

struct dev_list {
	struct pn_dev *v;
	size_t n, size;
};

static int dev_list_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PODNET_A_MAX + 1];
	struct dev_list *l = data;
	struct pn_dev *d;

	pn_parse_top(nlh, tb);
	if (!tb[PODNET_A_IFINDEX])
		return MNL_CB_OK;
	if (l->n == l->size) {
		size_t size = l->size ? l->size * 2 : 8;
		struct pn_dev *v = realloc(l->v, size * sizeof(*v));

		if (!v) {
			fprintf(stderr, "podnetctl: out of memory\n");
			return MNL_CB_ERROR;
		}
		l->v = v;
		l->size = size;
	}
	d = &l->v[l->n++];
	d->ifindex = mnl_attr_get_u32(tb[PODNET_A_IFINDEX]);
	pn_top_ifname(tb, NULL, d->name);
	return MNL_CB_OK;
}

/* All podnet devices of the namespace; *@devs is to be freed. */
static int dev_list(struct pn_ctx *c, struct pn_dev **devs, size_t *n)
{
	char buf[NL_REQ_SIZE];
	struct dev_list l = { 0 };

	*devs = NULL;
	*n = 0;
	if (pn_genl(&c->nl))
		return -1;
	if (nl_dump(c->nl.genl, pn_msg(&c->nl, buf, sizeof(buf), PODNET_CMD_DEV_GET,
				    0, 0), dev_list_cb, &l)) {
		free(l.v);
		return -1;
	}
	*devs = l.v;
	*n = l.n;
	return 0;
}

/*
 * The device a command is about: @name, or else the only podnet device of
 * the namespace. The podnet family is resolved on success.
 */
int pn_dev_pick(struct pn_ctx *c, const char *name, struct pn_dev *dev)
{
	struct pn_dev *devs;
	size_t n;

	memset(dev, 0, sizeof(*dev));
	if (name) {
		if (pn_ifindex(name, &dev->ifindex))
			return -1;
		snprintf(dev->name, sizeof(dev->name), "%s", name);
		return pn_genl(&c->nl);
	}
	if (dev_list(c, &devs, &n))
		return -1;
	if (n == 1)
		*dev = devs[0];
	free(devs);
	if (n == 0)
		fprintf(stderr, "Error: no podnet device.\n");
	else if (n > 1)
		fprintf(stderr,
			"Error: several podnet devices: give dev NAME.\n");
	return n == 1 ? 0 : -1;
}

/* The devices a "show" is about: @name, or else all podnet devices. */
static int dev_select(struct pn_ctx *c, const char *name, struct pn_dev **devs,
		      size_t *n)
{
	if (!name)
		return dev_list(c, devs, n);
	*n = 0;
	*devs = calloc(1, sizeof(**devs));
	if (!*devs) {
		fprintf(stderr, "podnetctl: out of memory\n");
		return -1;
	}
	if (pn_dev_pick(c, name, *devs)) {
		free(*devs);
		*devs = NULL;
		return -1;
	}
	*n = 1;
	return 0;
}

/*
 * "peer show" and "route show": parse [dev NAME], then dump @cmd of that
 * device, or of each podnet device, through @cb into one list.
 */
int pn_show_per_dev(struct pn_ctx *c, int argc, char **argv,
		    const char *what, uint8_t cmd, nl_data_cb cb)
{
	const char *name = NULL;
	struct pn_kw kw[] = {
		PN_KW("dev", PN_ARG_IFNAME, &name),
	};
	struct pn_show show = { .stats = c->stats };
	char buf[NL_REQ_SIZE];
	struct pn_dev *devs;
	size_t i, n;
	int err = 0;

	if (pn_parse_kw(argc, argv, kw, 1, what) ||
	    dev_select(c, name, &devs, &n))
		return -1;
	out_list_begin();
	for (i = 0; i < n && !err; i++) {
		show.dev = &devs[i];
		err = nl_dump(c->nl.genl, pn_msg(&c->nl, buf, sizeof(buf), cmd, 0,
					   devs[i].ifindex),
			      cb, &show);
	}
	out_list_end();
	free(devs);
	return err;
}

/*
 * The drop counters of @nest in a group @name: rx_* on one text line, tx_*
 * on the next, after "@label:" when there is a label.
 */
static void print_dev_stats(const char *name, const char *label,
			    const struct nlattr *nest)
{
	const struct nlattr *tb[PODNET_STAT_MAX + 1];
	bool tx = false;
	unsigned int i;

	nl_parse_nested(nest, pn_dev_stat_types, PODNET_STAT_MAX, tb);

	out_group_begin(name);
	if (label && !out_is_json())
		out_head(name, label, ":");
	for (i = 1; i <= PODNET_STAT_MAX; i++) {
		if (!pn_dev_stat_names[i] || !tb[i])
			continue;
		if (!tx && !strncmp(pn_dev_stat_names[i], "tx_", 3)) {
			tx = true;
			out_newline();
		}
		out_uint(pn_dev_stat_names[i], mnl_attr_get_u64(tb[i]));
	}
	out_group_end();
}

/*
 * A limit: in text as the option that sets it (@opt), and only when there
 * is one; in JSON always (@key), 0 for none.
 */
static void print_limit(const char *opt, const char *key,
			const struct nlattr *attr)
{
	uint32_t v = attr ? mnl_attr_get_u32(attr) : 0;

	if (out_is_json())
		out_uint(key, v);
	else if (v)
		out_uint(opt, v);
}

/* ttl 0 is "auto" (the route's hop limit), tos 1 "inherit", as in vxlan. */
static void print_ttl_tos(const struct nlattr *ttl, const struct nlattr *tos)
{
	char text[8], num[8];

	if (ttl && mnl_attr_get_u8(ttl) == 0)
		out_text_json("ttl", "auto", "0");
	else if (ttl)
		out_uint("ttl", mnl_attr_get_u8(ttl));
	if (tos && mnl_attr_get_u8(tos) == 1) {
		out_str("tos", "inherit");
	} else if (tos) {
		snprintf(text, sizeof(text), "%#x", mnl_attr_get_u8(tos));
		snprintf(num, sizeof(num), "%u", mnl_attr_get_u8(tos));
		out_text_json("tos", text, num);
	}
}

/* "pn0: vni 1 port 8472 ... mac M" / "    peers N routes N" [stats] */
int pn_print_dev(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[PODNET_A_MAX + 1];
	const struct nlattr *tb[PODNET_A_DEV_MAX + 1];
	const struct pn_show *show = data;
	char name[IF_NAMESIZE], link[IF_NAMESIZE], buf[PN_ADDR_STRLEN];
	uint8_t mac[PN_ETH_ALEN];
	struct pn_addr addr;

	pn_parse_top(nlh, top);
	if (pn_top_other_dev(top, show->dev))
		return MNL_CB_OK;
	nl_parse_nested(top[PODNET_A_DEV], pn_dev_types, PODNET_A_DEV_MAX, tb);

	out_obj_begin();
	out_head("ifname", pn_top_ifname(top, show->dev, name), ":");
	if (tb[PODNET_A_DEV_VNI])
		out_uint("vni", mnl_attr_get_u32(tb[PODNET_A_DEV_VNI]));
	if (tb[PODNET_A_DEV_PORT])
		out_uint("port", mnl_attr_get_u16(tb[PODNET_A_DEV_PORT]));
	if (nl_get_addr(tb[PODNET_A_DEV_LOCAL], &addr))
		out_str("local", pn_addr_str(&addr, buf, sizeof(buf)));
	if (tb[PODNET_A_DEV_LINK] && mnl_attr_get_u32(tb[PODNET_A_DEV_LINK]))
		out_str("dev", pn_ifname(mnl_attr_get_u32(tb[PODNET_A_DEV_LINK]),
					 link));
	if (tb[PODNET_A_DEV_ENCAP])
		out_str("encap", pn_encap_str(mnl_attr_get_u8(tb[PODNET_A_DEV_ENCAP]),
					      buf, sizeof(buf)));
	print_ttl_tos(tb[PODNET_A_DEV_TTL], tb[PODNET_A_DEV_TOS]);
	if (tb[PODNET_A_DEV_MTU])
		out_uint("mtu", mnl_attr_get_u32(tb[PODNET_A_DEV_MTU]));
	if (nl_get_mac(tb[PODNET_A_DEV_VTEP_MAC], mac))
		out_str("mac", pn_mac_str(mac, buf, sizeof(buf)));
	out_newline();
	out_uint("peers", tb[PODNET_A_DEV_PEERS] ?
		 mnl_attr_get_u32(tb[PODNET_A_DEV_PEERS]) : 0);
	out_uint("routes", tb[PODNET_A_DEV_ROUTES] ?
		 mnl_attr_get_u32(tb[PODNET_A_DEV_ROUTES]) : 0);
	print_limit("max-peers", "max_peers", tb[PODNET_A_DEV_MAX_PEERS]);
	print_limit("max-routes", "max_routes", tb[PODNET_A_DEV_MAX_ROUTES]);
	if (show->stats && tb[PODNET_A_DEV_STATS])
		print_dev_stats("stats", NULL, tb[PODNET_A_DEV_STATS]);
	if (show->stats && tb[PODNET_A_DEV_UNDERLAY_STATS])
		print_dev_stats("underlay_stats", "underlay",
				tb[PODNET_A_DEV_UNDERLAY_STATS]);
	out_obj_end();
	return MNL_CB_OK;
}

void show_usage(FILE *f)
{
	fprintf(f,
		"Usage: podnetctl [-j] [-p] [-s] show [dev NAME]\n");
}

/* podnetctl show [dev NAME]: one device, or all with a dump. */
int do_show(struct pn_ctx *c, int argc, char **argv)
{
	const char *name = NULL;
	struct pn_kw kw[] = {
		PN_KW("dev", PN_ARG_IFNAME, &name),
	};
	struct pn_show show = { .stats = c->stats };
	char buf[NL_REQ_SIZE];
	struct pn_dev dev;
	int err;

	if (argc > 0 && pn_matches(argv[0], "help")) {
		show_usage(stdout);
		return 0;
	}
	if (pn_parse_kw(argc, argv, kw, 1, "show"))
		return -1;
	if (name ? pn_dev_pick(c, name, &dev) : pn_genl(&c->nl))
		return -1;

	out_list_begin();
	if (name) {
		show.dev = &dev;
		err = nl_request(c->nl.genl, pn_msg(&c->nl, buf, sizeof(buf),
						 PODNET_CMD_DEV_GET, 0,
						 dev.ifindex),
				 pn_print_dev, &show);
	} else {
		err = nl_dump(c->nl.genl, pn_msg(&c->nl, buf, sizeof(buf),
					      PODNET_CMD_DEV_GET, 0, 0),
			      pn_print_dev, &show);
	}
	out_list_end();
	return err;
}
