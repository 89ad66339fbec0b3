// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: generic netlink family resolution and message headers.
 */
#include <errno.h>
#include <string.h>

#include <linux/genetlink.h>

#include "genl.h"

struct family_req {
	const char *mcgrp;
	struct genl_family *f;
	bool found;
};

static const enum mnl_attr_data_type ctrl_types[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID]		= MNL_TYPE_U16,
	[CTRL_ATTR_FAMILY_NAME]		= MNL_TYPE_NUL_STRING,
	[CTRL_ATTR_VERSION]		= MNL_TYPE_U32,
	[CTRL_ATTR_MCAST_GROUPS]	= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type grp_types[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
	[CTRL_ATTR_MCAST_GRP_NAME]	= MNL_TYPE_NUL_STRING,
	[CTRL_ATTR_MCAST_GRP_ID]	= MNL_TYPE_U32,
};

static void family_groups(const struct nlattr *groups, struct family_req *r)
{
	const struct nlattr *grp;

	mnl_attr_for_each_nested(grp, groups) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];

		nl_parse_nested(grp, grp_types, CTRL_ATTR_MCAST_GRP_MAX, tb);
		if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]),
			    r->mcgrp))
			r->f->mcgrp_id = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct family_req *r = data;

	nl_parse_msg(nlh, sizeof(struct genlmsghdr), ctrl_types, CTRL_ATTR_MAX,
		     tb);
	if (!tb[CTRL_ATTR_FAMILY_ID])
		return MNL_CB_OK;
	r->f->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		r->f->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	if (r->mcgrp && tb[CTRL_ATTR_MCAST_GROUPS])
		family_groups(tb[CTRL_ATTR_MCAST_GROUPS], r);
	r->found = true;
	return MNL_CB_OK;
}

int genl_resolve(struct nl_sock *s, const char *name, const char *mcgrp,
		 struct genl_family *f)
{
	char buf[NL_REQ_SIZE];
	struct family_req r = { .mcgrp = mcgrp, .f = f };
	struct nlmsghdr *nlh;
	struct nl_err err;

	memset(f, 0, sizeof(*f));
	nlh = genl_msg(buf, sizeof(buf), GENL_ID_CTRL, 1, CTRL_CMD_GETFAMILY,
		       0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (nl_talk(s, nlh, false, family_cb, &r, &err)) {
		if (err.error == -ENOENT)
			return -ENOENT;
		nl_perror(s, &err);
		return -1;
	}
	return r.found ? 0 : -ENOENT;
}

struct nlmsghdr *genl_msg(char *buf, size_t size, uint16_t family,
			  uint8_t version, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}
