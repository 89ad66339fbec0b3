// SPDX-License-Identifier: GPL-2.0
/*
 * libpodnet: the messages of the podnet family (peers, routes, the full
 * resync, device information) and of the podnet link type, built and
 * parsed for podnetctl and podnetd alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "pnl.h"

#define SYNC_MAX_MSG	(1U << 30)	/* nlmsg_len is 32 bits; ~30M routes */

/* PODNET_A_PEER { ADDR, [PORT], [ENCAP], [MAC] } */
void pn_peer_put(struct nlmsghdr *nlh, const struct pn_peer *p)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, PODNET_A_PEER);

	nl_put_addr(nlh, PODNET_A_PEER_ADDR, &p->addr);
	if (p->has_port)
		mnl_attr_put_u16(nlh, PODNET_A_PEER_PORT, (uint16_t)p->port);
	if (p->has_encap)
		mnl_attr_put_u8(nlh, PODNET_A_PEER_ENCAP, (uint8_t)p->encap);
	if (p->has_mac)
		mnl_attr_put(nlh, PODNET_A_PEER_MAC, PN_ETH_ALEN, p->mac);
	mnl_attr_nest_end(nlh, nest);
}

size_t pn_peer_size(const struct pn_peer *p)
{
	return nl_attr_size(0) + nl_attr_size(p->addr.len) +
	       (p->has_port ? nl_attr_size(sizeof(uint16_t)) : 0) +
	       (p->has_encap ? nl_attr_size(sizeof(uint8_t)) : 0) +
	       (p->has_mac ? nl_attr_size(PN_ETH_ALEN) : 0);
}

/* PODNET_A_ROUTE { PREFIX, PREFIX_LEN, [VIA], [REPLACE] } */
void pn_route_put(struct nlmsghdr *nlh, const struct pn_route *r, bool replace)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, PODNET_A_ROUTE);

	nl_put_addr(nlh, PODNET_A_ROUTE_PREFIX, &r->prefix.addr);
	mnl_attr_put_u8(nlh, PODNET_A_ROUTE_PREFIX_LEN, r->prefix.len);
	if (r->has_via)
		nl_put_addr(nlh, PODNET_A_ROUTE_VIA, &r->via);
	if (replace)
		mnl_attr_put(nlh, PODNET_A_ROUTE_REPLACE, 0, NULL);
	mnl_attr_nest_end(nlh, nest);
}

size_t pn_route_size(const struct pn_route *r, bool replace)
{
	return nl_attr_size(0) + nl_attr_size(r->prefix.addr.len) +
	       nl_attr_size(sizeof(uint8_t)) +
	       (r->has_via ? nl_attr_size(r->via.len) : 0) +
	       (replace ? nl_attr_size(0) : 0);
}

/* Make room for one more element of @size bytes in *@v. */
static void *grow(void **v, size_t *n, size_t *alloc, size_t size)
{
	if (*n == *alloc) {
		size_t more = *alloc ? *alloc * 2 : 256;
		void *p = reallocarray(*v, more, size);

		if (!p)
			return NULL;
		*v = p;
		*alloc = more;
	}
	return (char *)*v + *n * size;
}

/* The caller fills the element in and counts it (s->nroutes++). */
struct pn_sync_route *pn_sync_add_route(struct pn_sync *s)
{
	return grow((void **)&s->routes, &s->nroutes, &s->routes_size,
		    sizeof(*s->routes));
}

struct pn_sync_peer *pn_sync_add_peer(struct pn_sync *s)
{
	return grow((void **)&s->peers, &s->npeers, &s->peers_size,
		    sizeof(*s->peers));
}

void pn_sync_free(struct pn_sync *s)
{
	free(s->routes);
	free(s->peers);
	memset(s, 0, sizeof(*s));
}

size_t pn_sync_msg_size(const struct pn_sync *s)
{
	size_t size = MNL_NLMSG_HDRLEN + MNL_ALIGN(GENL_HDRLEN) +
		      nl_attr_size(sizeof(uint32_t));
	size_t i;

	for (i = 0; i < s->nroutes; i++)
		size += pn_route_size(&s->routes[i].r, false);
	for (i = 0; i < s->npeers; i++)
		size += pn_peer_size(&s->peers[i].p);
	return size;
}

struct nlmsghdr *pn_sync_msg(const struct pn_nl *c, char *buf, size_t size,
			     uint32_t ifindex, const struct pn_sync *s)
{
	struct nlmsghdr *nlh;
	size_t i;

	nlh = pn_msg(c, buf, size, PODNET_CMD_SYNC, 0, ifindex);
	for (i = 0; i < s->nroutes; i++)
		pn_route_put(nlh, &s->routes[i].r, false);
	for (i = 0; i < s->npeers; i++)
		pn_peer_put(nlh, &s->peers[i].p);
	if (nlh->nlmsg_len != size)
		abort();	/* pn_*_size() disagree with pn_*_put() */
	return nlh;
}


/* Build it and send it. */
int pn_sync_send(struct pn_nl *c, uint32_t ifindex, const struct pn_sync *s)
{
	size_t size = pn_sync_msg_size(s);
	char *buf;
	int err;

	buf = size <= SYNC_MAX_MSG ? malloc(size) : NULL;
	if (!buf) {
		fprintf(stderr, "Error: the request would be %zu bytes: %s.\n",
			size, size <= SYNC_MAX_MSG ? "out of memory" : "too large");
		return -1;
	}
	err = nl_request(c->genl, pn_sync_msg(c, buf, size, ifindex, s),
			 NULL, NULL);
	free(buf);
	return err;
}

struct nlmsghdr *pn_link_msg_hdr(char *buf, size_t size, uint16_t type,
				 uint16_t flags, uint32_t ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	return nlh;
}

static bool link_has_data(const struct pn_link_opts *o)
{
	return o->has_vni || o->has_port || o->has_local || o->has_link ||
	       o->has_ttl || o->has_tos || o->has_mac || o->has_encap ||
	       o->has_max_peers || o->has_max_routes;
}

/* IFLA_MTU and IFLA_LINKINFO { IFLA_INFO_KIND, IFLA_INFO_DATA { ... } } */
struct nlmsghdr *pn_link_req(char *buf, size_t size, const char *name,
			     uint32_t ifindex, const struct pn_link_opts *o)
{
	struct nlattr *info, *data;
	struct nlmsghdr *nlh;

	nlh = pn_link_msg_hdr(buf, size, RTM_NEWLINK,
			      name ? NLM_F_CREATE | NLM_F_EXCL : 0, ifindex);
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (o->has_mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, o->mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, PODNET_KIND);
	if (link_has_data(o)) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		if (o->has_vni)
			mnl_attr_put_u32(nlh, IFLA_PODNET_VNI, o->vni);
		if (o->has_port)
			mnl_attr_put_u16(nlh, IFLA_PODNET_PORT,
					 (uint16_t)o->port);
		if (o->has_local)
			nl_put_addr(nlh, IFLA_PODNET_LOCAL, &o->local);
		if (o->has_link)
			mnl_attr_put_u32(nlh, IFLA_PODNET_LINK, o->link);
		if (o->has_ttl)
			mnl_attr_put_u8(nlh, IFLA_PODNET_TTL, (uint8_t)o->ttl);
		if (o->has_tos)
			mnl_attr_put_u8(nlh, IFLA_PODNET_TOS, (uint8_t)o->tos);
		if (o->has_mac)
			mnl_attr_put(nlh, IFLA_PODNET_VTEP_MAC, PN_ETH_ALEN,
				     o->mac);
		if (o->has_encap)
			mnl_attr_put_u8(nlh, IFLA_PODNET_ENCAP,
					(uint8_t)o->encap);
		if (o->has_max_peers)
			mnl_attr_put_u32(nlh, IFLA_PODNET_MAX_PEERS,
					 o->max_peers);
		if (o->has_max_routes)
			mnl_attr_put_u32(nlh, IFLA_PODNET_MAX_ROUTES,
					 o->max_routes);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

static const enum mnl_attr_data_type ifla_types[IFLA_MAX + 1] = {
	[IFLA_LINKINFO]	= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type info_types[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = MNL_TYPE_NUL_STRING,
};

static int link_kind_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	bool *is_podnet = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	nl_parse_msg(nlh, sizeof(struct ifinfomsg), ifla_types, IFLA_MAX, tb);
	nl_parse_nested(tb[IFLA_LINKINFO], info_types, IFLA_INFO_MAX, info);
	*is_podnet = info[IFLA_INFO_KIND] &&
		     !strcmp(mnl_attr_get_str(info[IFLA_INFO_KIND]),
			     PODNET_KIND);
	return MNL_CB_OK;
}

int pn_link_is_podnet(struct nl_sock *rtnl, uint32_t ifindex)
{
	char buf[NL_REQ_SIZE];
	bool is_podnet = false;

	if (nl_request(rtnl, pn_link_msg_hdr(buf, sizeof(buf), RTM_GETLINK, 0,
					     ifindex),
		       link_kind_cb, &is_podnet))
		return -1;
	return is_podnet ? 1 : 0;
}

const enum mnl_attr_data_type pn_dev_types[PODNET_A_DEV_MAX + 1] = {
	[PODNET_A_DEV_VNI]	= MNL_TYPE_U32,
	[PODNET_A_DEV_PORT]	= MNL_TYPE_U16,
	[PODNET_A_DEV_LOCAL]	= MNL_TYPE_BINARY,
	[PODNET_A_DEV_LINK]	= MNL_TYPE_U32,
	[PODNET_A_DEV_ENCAP]	= MNL_TYPE_U8,
	[PODNET_A_DEV_TTL]	= MNL_TYPE_U8,
	[PODNET_A_DEV_TOS]	= MNL_TYPE_U8,
	[PODNET_A_DEV_MTU]	= MNL_TYPE_U32,
	[PODNET_A_DEV_VTEP_MAC]	= MNL_TYPE_BINARY,
	[PODNET_A_DEV_PEERS]	= MNL_TYPE_U32,
	[PODNET_A_DEV_ROUTES]	= MNL_TYPE_U32,
	[PODNET_A_DEV_STATS]	= MNL_TYPE_NESTED,
	[PODNET_A_DEV_MAX_PEERS]	= MNL_TYPE_U32,
	[PODNET_A_DEV_MAX_ROUTES]	= MNL_TYPE_U32,
	[PODNET_A_DEV_UNDERLAY_STATS]	= MNL_TYPE_NESTED,
};

const char *const pn_dev_stat_names[PODNET_STAT_MAX + 1] = {
	[PODNET_STAT_RX_BAD_HEADER]	= "rx_bad_header",
	[PODNET_STAT_RX_UNKNOWN_VNI]	= "rx_unknown_vni",
	[PODNET_STAT_RX_UNKNOWN_PEER]	= "rx_unknown_peer",
	[PODNET_STAT_RX_SPOOFED]	= "rx_spoofed",
	[PODNET_STAT_RX_BAD_INNER]	= "rx_bad_inner",
	[PODNET_STAT_RX_ECN]		= "rx_ecn",
	[PODNET_STAT_RX_DEV_DOWN]	= "rx_dev_down",
	[PODNET_STAT_TX_NO_ROUTE]	= "tx_no_route",
	[PODNET_STAT_TX_UNDERLAY]	= "tx_underlay",
	[PODNET_STAT_TX_BAD_INNER]	= "tx_bad_inner",
	[PODNET_STAT_TX_NOMEM]		= "tx_nomem",
	[PODNET_STAT_TX_TOO_BIG]	= "tx_too_big",
};

const enum mnl_attr_data_type pn_dev_stat_types[PODNET_STAT_MAX + 1] = {
	[PODNET_STAT_RX_BAD_HEADER]	= MNL_TYPE_U64,
	[PODNET_STAT_RX_UNKNOWN_VNI]	= MNL_TYPE_U64,
	[PODNET_STAT_RX_UNKNOWN_PEER]	= MNL_TYPE_U64,
	[PODNET_STAT_RX_SPOOFED]	= MNL_TYPE_U64,
	[PODNET_STAT_RX_BAD_INNER]	= MNL_TYPE_U64,
	[PODNET_STAT_RX_ECN]		= MNL_TYPE_U64,
	[PODNET_STAT_RX_DEV_DOWN]	= MNL_TYPE_U64,
	[PODNET_STAT_TX_NO_ROUTE]	= MNL_TYPE_U64,
	[PODNET_STAT_TX_UNDERLAY]	= MNL_TYPE_U64,
	[PODNET_STAT_TX_BAD_INNER]	= MNL_TYPE_U64,
	[PODNET_STAT_TX_NOMEM]		= MNL_TYPE_U64,
	[PODNET_STAT_TX_TOO_BIG]	= MNL_TYPE_U64,
};

static uint32_t u32_or_0(const struct nlattr *a)
{
	return a ? mnl_attr_get_u32(a) : 0;
}

void pn_dev_info_parse(const struct nlmsghdr *nlh, struct pn_dev_info *info)
{
	const struct nlattr *top[PODNET_A_MAX + 1];
	const struct nlattr *tb[PODNET_A_DEV_MAX + 1];
	const struct nlattr *st[PODNET_STAT_MAX + 1];
	unsigned int i;

	memset(info, 0, sizeof(*info));
	pn_parse_top(nlh, top);
	nl_parse_nested(top[PODNET_A_DEV], pn_dev_types, PODNET_A_DEV_MAX, tb);
	info->vni = u32_or_0(tb[PODNET_A_DEV_VNI]);
	info->port = tb[PODNET_A_DEV_PORT] ?
		     mnl_attr_get_u16(tb[PODNET_A_DEV_PORT]) : 0;
	info->encap = tb[PODNET_A_DEV_ENCAP] ?
		      mnl_attr_get_u8(tb[PODNET_A_DEV_ENCAP]) : 0;
	info->mtu = u32_or_0(tb[PODNET_A_DEV_MTU]);
	info->link = u32_or_0(tb[PODNET_A_DEV_LINK]);
	info->peers = u32_or_0(tb[PODNET_A_DEV_PEERS]);
	info->routes = u32_or_0(tb[PODNET_A_DEV_ROUTES]);
	info->has_local = nl_get_addr(tb[PODNET_A_DEV_LOCAL], &info->local);
	info->has_mac = nl_get_mac(tb[PODNET_A_DEV_VTEP_MAC], info->mac);
	nl_parse_nested(tb[PODNET_A_DEV_STATS], pn_dev_stat_types,
			PODNET_STAT_MAX, st);
	for (i = 1; i <= PODNET_STAT_MAX; i++) {
		if (!st[i] || !pn_dev_stat_names[i])
			continue;
		info->has_stat[i] = true;
		info->stats[i] = mnl_attr_get_u64(st[i]);
	}
}

static int dev_info_cb(const struct nlmsghdr *nlh, void *data)
{
	pn_dev_info_parse(nlh, data);
	return MNL_CB_OK;
}

int pn_dev_info_get(struct pn_nl *c, uint32_t ifindex,
		    struct pn_dev_info *info)
{
	char buf[NL_REQ_SIZE];

	memset(info, 0, sizeof(*info));
	if (pn_genl(c))
		return -1;
	return nl_request(c->genl, pn_msg(c, buf, sizeof(buf),
					  PODNET_CMD_DEV_GET, 0, ifindex),
			  dev_info_cb, info);
}
