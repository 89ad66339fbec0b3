// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: pn0, its addresses, cluster routes and table, through
 * libpodnet (the podnet family, the podnet link type) and rtnetlink.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "pd_dp.h"

/* Send @nlh on @s; log what failed as @what. Return: 0 or -1. */
static int talk(struct pd_dp *dp, struct nl_sock *s, struct nlmsghdr *nlh,
		bool dump, nl_data_cb cb, void *data, const char *what)
{
	struct nl_err err;

	if (!s) {
		dp->nl_errors++;
		pd_err("%s: no netlink socket", what);
		return -1;
	}
	if (nl_talk(s, nlh, dump, cb, data, &err) == 0)
		return 0;
	dp->nl_errors++;
	pd_err("%s: %s", what, err.msg[0] ? err.msg :
	       err.error ? strerror(-err.error) : "dump interrupted");
	return -1;
}

static int talk_err(struct pd_dp *dp, struct nl_sock *s, struct nlmsghdr *nlh,
		    struct nl_err *err)
{
	int ret = nl_talk(s, nlh, false, NULL, NULL, err);

	if (ret && err->error != -EEXIST && err->error != -ENOENT)
		dp->nl_errors++;
	return ret;
}

static int link_up(struct pd_dp *dp)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	nlh = pn_link_msg_hdr(buf, sizeof(buf), RTM_NEWLINK, 0, dp->ifindex);
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return talk(dp, pn_rtnl(&dp->nl), nlh, false, NULL, NULL, "set pn0 up");
}


int pd_dp_device(struct pd_dp *dp, const struct pd_self *self, uint32_t link,
		 const uint8_t *mac)
{
	const struct pd_backend *b = &dp->nc->backend;
	struct pn_link_opts o = {
		.vni = b->vni, .has_vni = true,
		.port = b->port, .has_port = true,
		.encap = b->dev_encap, .has_encap = true,
		.local = self->public_ip, .has_local = true,
		.link = link, .has_link = link != 0,
		.mtu = b->mtu, .has_mtu = b->mtu != 0,
	};
	const char *name = dp->f->device;
	struct pn_dev_info info;
	char buf[NL_REQ_SIZE];
	int is_podnet;

	dp->link = link;
	if (!pn_rtnl(&dp->nl) || pn_genl(&dp->nl))
		return -1;
	dp->ifindex = if_nametoindex(name);
	if (dp->ifindex) {
		is_podnet = pn_link_is_podnet(dp->nl.rtnl, dp->ifindex);
		if (is_podnet <= 0) {
			pd_err("%s exists and is not a podnet device", name);
			return -1;
		}
		if (pn_dev_info_get(&dp->nl, dp->ifindex, &info))
			return -1;
		/* adopt: its mac, its table; settings the Backend changed */
		if (info.vni != o.vni || info.port != o.port ||
		    info.encap != o.encap || info.link != link ||
		    !info.has_local || pn_addr_cmp(&info.local, &o.local) ||
		    (b->mtu && info.mtu != b->mtu)) {
			pd_info("%s: adopted, its settings changed to the Backend's",
				name);
			if (talk(dp, dp->nl.rtnl,
				 pn_link_req(buf, sizeof(buf), NULL, dp->ifindex, &o),
				 false, NULL, NULL, "set pn0"))
				return -1;
		} else {
			pd_info("%s: adopted as it is", name);
		}
	} else {
		if (mac) {
			memcpy(o.mac, mac, PN_ETH_ALEN);
			o.has_mac = true;
		}
		if (talk(dp, dp->nl.rtnl, pn_link_req(buf, sizeof(buf), name, 0, &o),
			 false, NULL, NULL, "create pn0"))
			return -1;
		dp->ifindex = if_nametoindex(name);
		if (!dp->ifindex) {
			pd_err("%s: created but not found", name);
			return -1;
		}
		pd_info("%s: created", name);
	}
	if (pn_dev_info_get(&dp->nl, dp->ifindex, &info) || !info.has_mac) {
		pd_err("%s: no vtep mac", name);
		return -1;
	}
	memcpy(dp->mac, info.mac, PN_ETH_ALEN);
	return link_up(dp);
}

/* ---------------------------------------------- addresses, routes ---- */

struct addr_walk {
	uint32_t ifindex;
	struct pn_addr keep4, keep6;
	bool has_keep6;
	struct pn_prefix stale[32];
	unsigned int nstale;
};

static const enum mnl_attr_data_type ifa_types[IFA_MAX + 1] = {
	[IFA_ADDRESS]	= MNL_TYPE_BINARY,
	[IFA_LOCAL]	= MNL_TYPE_BINARY,
};

/* Addresses of pn0 other than the ones to keep (IPv6 link-local stays). */
static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1];
	struct addr_walk *w = data;
	struct pn_prefix p;

	if (nlh->nlmsg_type != RTM_NEWADDR || ifa->ifa_index != w->ifindex)
		return MNL_CB_OK;
	nl_parse_msg(nlh, sizeof(*ifa), ifa_types, IFA_MAX, tb);
	if (!nl_get_addr(tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS],
			 &p.addr))
		return MNL_CB_OK;
	p.len = ifa->ifa_prefixlen;
	if (p.addr.family == AF_INET6 && p.addr.bytes[0] == 0xfe &&
	    (p.addr.bytes[1] & 0xc0) == 0x80)
		return MNL_CB_OK;
	if (!pn_addr_cmp(&p.addr, &w->keep4) ||
	    (w->has_keep6 && !pn_addr_cmp(&p.addr, &w->keep6)))
		return MNL_CB_OK;
	if (w->nstale < sizeof(w->stale) / sizeof(w->stale[0]))
		w->stale[w->nstale++] = p;
	return MNL_CB_OK;
}

static struct nlmsghdr *addr_msg(char *buf, size_t size, uint16_t type,
				 uint16_t flags, uint32_t ifindex,
				 const struct pn_prefix *p)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = p ? (uint8_t)p->addr.family : AF_UNSPEC;
	ifa->ifa_index = ifindex;
	if (p) {
		ifa->ifa_prefixlen = p->len;
		ifa->ifa_flags = p->addr.family == AF_INET6 ? IFA_F_NODAD : 0;
		ifa->ifa_scope = RT_SCOPE_UNIVERSE;
		nl_put_addr(nlh, IFA_LOCAL, &p->addr);
		nl_put_addr(nlh, IFA_ADDRESS, &p->addr);
	}
	return nlh;
}

/* "ip route replace NET dev pn0" */
static int cluster_route(struct pd_dp *dp, const struct pn_prefix *net)
{
	char buf[NL_REQ_SIZE], what[96], pbuf[PN_PREFIX_STRLEN];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)net->addr.family;
	rtm->rtm_dst_len = net->len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	nl_put_addr(nlh, RTA_DST, &net->addr);
	mnl_attr_put_u32(nlh, RTA_OIF, dp->ifindex);
	snprintf(what, sizeof(what), "route %s dev pn0",
		 pn_prefix_str(net, pbuf, sizeof(pbuf)));
	return talk(dp, dp->nl.rtnl, nlh, false, NULL, NULL, what);
}

int pd_dp_addresses(struct pd_dp *dp, const struct pd_self *self)
{
	struct addr_walk w = { .ifindex = dp->ifindex };
	struct pn_prefix p4 = { .len = 32 }, p6 = { .len = 128 };
	char buf[NL_REQ_SIZE], what[96], pbuf[PN_PREFIX_STRLEN];
	unsigned int i;
	int err = 0;

	w.keep4 = self->subnet.addr;
	p4.addr = self->subnet.addr;
	w.has_keep6 = self->has_subnet6;
	if (self->has_subnet6) {
		w.keep6 = self->subnet6.addr;
		p6.addr = self->subnet6.addr;
	}
	if (talk(dp, dp->nl.rtnl, addr_msg(buf, sizeof(buf), RTM_GETADDR, 0,
					   dp->ifindex, NULL),
		 true, addr_cb, &w, "list pn0's addresses"))
		return -1;
	for (i = 0; i < w.nstale; i++) {
		snprintf(what, sizeof(what), "remove %s from pn0",
			 pn_prefix_str(&w.stale[i], pbuf, sizeof(pbuf)));
		pd_info("%s (not this node's subnet)", what);
		err |= talk(dp, dp->nl.rtnl,
			    addr_msg(buf, sizeof(buf), RTM_DELADDR, 0,
				     dp->ifindex, &w.stale[i]),
			    false, NULL, NULL, what);
	}
	err |= talk(dp, dp->nl.rtnl, addr_msg(buf, sizeof(buf), RTM_NEWADDR,
					      NLM_F_CREATE | NLM_F_REPLACE,
					      dp->ifindex, &p4),
		    false, NULL, NULL, "address of pn0");
	if (self->has_subnet6)
		err |= talk(dp, dp->nl.rtnl,
			    addr_msg(buf, sizeof(buf), RTM_NEWADDR,
				     NLM_F_CREATE | NLM_F_REPLACE, dp->ifindex,
				     &p6),
			    false, NULL, NULL, "IPv6 address of pn0");
	err |= cluster_route(dp, &dp->nc->network);
	if (dp->nc->enable_ipv6)
		err |= cluster_route(dp, &dp->nc->network6);
	return err ? -1 : 0;
}

/* ------------------------------------------------------------ table ---- */

void pd_dp_of_lease(const struct pd_dp *dp, const struct pd_self *self,
		    const struct pd_lease *l, struct pd_lease_dp *out)
{
	const struct pd_backend *b = &dp->nc->backend;

	memset(out, 0, sizeof(*out));
	out->peer.addr = l->public_ip;
	out->peer.has_mac = b->has_vtep && l->has_mac;
	memcpy(out->peer.mac, l->mac, PN_ETH_ALEN);
	out->peer.has_encap = b->peer_encap != 0;
	out->peer.encap = b->peer_encap;
	out->route.prefix = l->subnet;
	out->route.via = l->public_ip;
	out->route.has_via = true;
	if (!l->has_subnet6)
		return;
	out->has_route6 = true;
	out->route6.prefix = l->subnet6;
	out->route6.has_via = true;
	/* over the IPv6 underlay when both ends have one, as flannel-v6.1
	 * does; else IPv6 pods over the IPv4 underlay, to the same peer
	 */
	if (self->has_public_ip6 && l->has_public_ip6) {
		out->has_peer6 = true;
		out->peer6.addr = l->public_ip6;
		out->peer6.has_mac = b->has_vtep && l->has_mac6;
		memcpy(out->peer6.mac, l->mac6, PN_ETH_ALEN);
		out->peer6.has_encap = out->peer.has_encap;
		out->peer6.encap = out->peer.encap;
		out->route6.via = l->public_ip6;
	} else {
		out->route6.via = l->public_ip;
	}
}

static int peer_cmp(const void *a, const void *b)
{
	return pn_addr_cmp(&((const struct pn_sync_peer *)a)->p.addr,
			   &((const struct pn_sync_peer *)b)->p.addr);
}

static int add_route(struct pn_sync *s, const struct pn_route *r)
{
	struct pn_sync_route *sr = pn_sync_add_route(s);

	if (!sr)
		return -1;
	sr->line = 0;
	sr->r = *r;
	s->nroutes++;
	return 0;
}

static int add_peer(struct pn_sync *s, const struct pn_peer *p)
{
	struct pn_sync_peer *sp = pn_sync_add_peer(s);

	if (!sp)
		return -1;
	sp->line = 0;
	sp->p = *p;
	s->npeers++;
	return 0;
}

int pd_dp_sync(struct pd_dp *dp, const struct pd_self *self,
	       const struct pd_lease *const *leases, size_t n)
{
	struct pn_sync s = { 0 };
	size_t i, j;
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		struct pd_lease_dp d;

		pd_dp_of_lease(dp, self, leases[i], &d);
		err = add_route(&s, &d.route) || add_peer(&s, &d.peer) ||
		      (d.has_route6 && add_route(&s, &d.route6)) ||
		      (d.has_peer6 && add_peer(&s, &d.peer6));
	}
	if (err) {
		pd_err("sync: out of memory");
		pn_sync_free(&s);
		return -1;
	}
	/* a node with several leases is one peer: the first lease's */
	if (s.npeers > 1) {
		qsort(s.peers, s.npeers, sizeof(*s.peers), peer_cmp);
		for (i = 1, j = 0; i < s.npeers; i++)
			if (peer_cmp(&s.peers[j], &s.peers[i]))
				s.peers[++j] = s.peers[i];
		s.npeers = j + 1;
	}
	err = pn_sync_send(&dp->nl, dp->ifindex, &s);
	if (err)
		dp->nl_errors++;
	pn_sync_free(&s);
	return err;
}

/* A peer with its settings: new, or changed when it exists. */
static int peer_set(struct pd_dp *dp, const struct pn_peer *p)
{
	char buf[NL_REQ_SIZE], a[PN_ADDR_STRLEN];
	struct nlmsghdr *nlh;
	struct nl_err err;

	nlh = pn_msg(&dp->nl, buf, sizeof(buf), PODNET_CMD_PEER_NEW, 0,
		     dp->ifindex);
	pn_peer_put(nlh, p);
	if (talk_err(dp, dp->nl.genl, nlh, &err) == 0)
		return 0;
	if (err.error == -EEXIST) {
		nlh = pn_msg(&dp->nl, buf, sizeof(buf), PODNET_CMD_PEER_SET, 0,
			     dp->ifindex);
		pn_peer_put(nlh, p);
		if (talk_err(dp, dp->nl.genl, nlh, &err) == 0)
			return 0;
	}
	pd_err("peer %s: %s", pn_addr_str(&p->addr, a, sizeof(a)),
	       err.msg[0] ? err.msg : strerror(-err.error));
	return -1;
}

static int route_cmd(struct pd_dp *dp, uint8_t cmd, const struct pn_route *r)
{
	char buf[NL_REQ_SIZE], pbuf[PN_PREFIX_STRLEN];
	struct nlmsghdr *nlh;
	struct nl_err err;

	nlh = pn_msg(&dp->nl, buf, sizeof(buf), cmd, 0, dp->ifindex);
	pn_route_put(nlh, r, cmd == PODNET_CMD_ROUTE_NEW);
	if (talk_err(dp, dp->nl.genl, nlh, &err) == 0 ||
	    (cmd == PODNET_CMD_ROUTE_DEL && err.error == -ENOENT))
		return 0;
	pd_err("route %s %s: %s", cmd == PODNET_CMD_ROUTE_NEW ? "replace" : "del",
	       pn_prefix_str(&r->prefix, pbuf, sizeof(pbuf)),
	       err.msg[0] ? err.msg : strerror(-err.error));
	return -1;
}

int pd_dp_route_del(struct pd_dp *dp, const struct pn_prefix *prefix)
{
	struct pn_route r = { .prefix = *prefix };

	return route_cmd(dp, PODNET_CMD_ROUTE_DEL, &r);
}

int pd_dp_lease_set(struct pd_dp *dp, const struct pd_self *self,
		    const struct pd_lease *l)
{
	struct pd_lease_dp d;

	pd_dp_of_lease(dp, self, l, &d);
	if (peer_set(dp, &d.peer) ||
	    (d.has_peer6 && peer_set(dp, &d.peer6)) ||
	    route_cmd(dp, PODNET_CMD_ROUTE_NEW, &d.route) ||
	    (d.has_route6 && route_cmd(dp, PODNET_CMD_ROUTE_NEW, &d.route6)))
		return -1;
	return 0;
}

int pd_dp_peer_del(struct pd_dp *dp, const struct pn_addr *a)
{
	struct pn_peer p = { .addr = *a };
	char buf[NL_REQ_SIZE], s[PN_ADDR_STRLEN];
	struct nlmsghdr *nlh;
	struct nl_err err;

	nlh = pn_msg(&dp->nl, buf, sizeof(buf), PODNET_CMD_PEER_DEL, 0,
		     dp->ifindex);
	pn_peer_put(nlh, &p);
	if (talk_err(dp, dp->nl.genl, nlh, &err) == 0 || err.error == -ENOENT)
		return 0;
	pd_err("peer del %s: %s", pn_addr_str(a, s, sizeof(s)),
	       err.msg[0] ? err.msg : strerror(-err.error));
	return -1;
}

int pd_dp_lease_del(struct pd_dp *dp, const struct pd_self *self,
		    const struct pd_lease *l, bool del_peer, bool del_peer6)
{
	struct pd_lease_dp d;
	int err = 0;

	pd_dp_of_lease(dp, self, l, &d);
	/* deleting a peer deletes its routes */
	err |= del_peer ? pd_dp_peer_del(dp, &d.peer.addr) :
			  route_cmd(dp, PODNET_CMD_ROUTE_DEL, &d.route);
	if (d.has_route6 && !(del_peer && !d.has_peer6))
		err |= (d.has_peer6 && del_peer6) ?
		       pd_dp_peer_del(dp, &d.peer6.addr) :
		       route_cmd(dp, PODNET_CMD_ROUTE_DEL, &d.route6);
	return err ? -1 : 0;
}
