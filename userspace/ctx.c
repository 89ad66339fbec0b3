// SPDX-License-Identifier: GPL-2.0
/*
 * libpodnet: the sockets of a program, the podnet family and the attributes
 * every podnet message shares (PODNET_A_IFINDEX, PODNET_A_IFNAME).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "pnl.h"

struct nl_sock *pn_rtnl(struct pn_nl *c)
{
	if (!c->rtnl)
		c->rtnl = nl_open(NETLINK_ROUTE);
	return c->rtnl;
}

/*
 * Open the generic netlink socket and resolve the family. A failure is not
 * remembered: in -batch, "link add" may load the module for later lines.
 */
int pn_genl(struct pn_nl *c)
{
	int err;

	if (c->family.id)
		return 0;
	if (!c->genl) {
		c->genl = nl_open(NETLINK_GENERIC);
		if (!c->genl)
			return -1;
	}
	err = genl_resolve(c->genl, PODNET_GENL_NAME, PODNET_GENL_MCGRP_EVENTS,
			   &c->family);
	if (err == -ENOENT)
		fprintf(stderr, "Error: podnet kernel module is not loaded.\n");
	return err ? -1 : 0;
}

void pn_nl_close(struct pn_nl *c)
{
	nl_close(c->rtnl);
	nl_close(c->genl);
	c->rtnl = c->genl = NULL;
	c->family.id = 0;
}

struct nlmsghdr *pn_msg(const struct pn_nl *c, char *buf, size_t size,
			uint8_t cmd, uint16_t flags, uint32_t ifindex)
{
	struct nlmsghdr *nlh = genl_msg(buf, size, c->family.id,
					PODNET_GENL_VERSION, cmd, flags);

	if (ifindex)
		mnl_attr_put_u32(nlh, PODNET_A_IFINDEX, ifindex);
	return nlh;
}

static const enum mnl_attr_data_type top_types[PODNET_A_MAX + 1] = {
	[PODNET_A_IFINDEX]	= MNL_TYPE_U32,
	[PODNET_A_IFNAME]	= MNL_TYPE_NUL_STRING,
	[PODNET_A_DEV]		= MNL_TYPE_NESTED,
	[PODNET_A_PEER]		= MNL_TYPE_NESTED,
	[PODNET_A_ROUTE]	= MNL_TYPE_NESTED,
};

void pn_parse_top(const struct nlmsghdr *nlh,
		  const struct nlattr *tb[PODNET_A_MAX + 1])
{
	nl_parse_msg(nlh, GENL_HDRLEN, top_types, PODNET_A_MAX, tb);
}

/* The name of the device a message is about. @buf: IF_NAMESIZE bytes. */
const char *pn_top_ifname(const struct nlattr *const tb[PODNET_A_MAX + 1],
			  const struct pn_dev *dev, char *buf)
{
	if (tb[PODNET_A_IFNAME]) {
		snprintf(buf, IF_NAMESIZE, "%s",
			 mnl_attr_get_str(tb[PODNET_A_IFNAME]));
		return buf;
	}
	if (dev && !pn_top_other_dev(tb, dev))
		return dev->name;
	if (tb[PODNET_A_IFINDEX])
		return pn_ifname(mnl_attr_get_u32(tb[PODNET_A_IFINDEX]), buf);
	return "?";
}

/* Is the message about another device than the one asked for? */
bool pn_top_other_dev(const struct nlattr *const tb[PODNET_A_MAX + 1],
		      const struct pn_dev *dev)
{
	return dev && tb[PODNET_A_IFINDEX] &&
	       mnl_attr_get_u32(tb[PODNET_A_IFINDEX]) != dev->ifindex;
}

/* The name of @ifindex, or "ifN" like iproute2. @buf: IF_NAMESIZE bytes. */
const char *pn_ifname(uint32_t ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

int pn_ifindex(const char *name, uint32_t *ifindex)
{
	*ifindex = if_nametoindex(name);
	if (*ifindex)
		return 0;
	fprintf(stderr, "Cannot find device \"%s\"\n", name);
	return -1;
}
