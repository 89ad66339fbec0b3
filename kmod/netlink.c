// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the "podnet" generic netlink family. Device get, peer and route
 * new/set/del/get and dumps, and notifications on the "events" group.
 * Mutations need CAP_NET_ADMIN in the user namespace of the network
 * namespace; reads do not. Every refusal carries an extack message.
 */
#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <linux/jiffies.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/route.h>

#include <kunit/visibility.h>

#include "compat.h"
#include "encap.h"
#include "peer.h"
#include "podnet.h"

static const struct nla_policy podnet_peer_policy[PODNET_A_PEER_MAX + 1] = {
	[PODNET_A_PEER_ADDR] = { .type = NLA_BINARY,
				 .len = sizeof(struct in6_addr) },
	[PODNET_A_PEER_PORT] = { .type = NLA_U16 },
	[PODNET_A_PEER_ENCAP] = NLA_POLICY_MAX(NLA_U8, PODNET_ENCAP_MAX),
	[PODNET_A_PEER_MAC] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
};

static const struct nla_policy podnet_route_policy[PODNET_A_ROUTE_MAX + 1] = {
	[PODNET_A_ROUTE_PREFIX] = { .type = NLA_BINARY,
				    .len = sizeof(struct in6_addr) },
	[PODNET_A_ROUTE_PREFIX_LEN] = { .type = NLA_U8 },
	[PODNET_A_ROUTE_VIA] = { .type = NLA_BINARY,
				 .len = sizeof(struct in6_addr) },
	[PODNET_A_ROUTE_REPLACE] = { .type = NLA_FLAG },
};

static const struct nla_policy podnet_policy[PODNET_A_MAX + 1] = {
	[PODNET_A_IFINDEX] = { .type = NLA_U32 },
	[PODNET_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[PODNET_A_DEV] = { .type = NLA_NESTED },
	[PODNET_A_PEER] = NLA_POLICY_NESTED(podnet_peer_policy),
	[PODNET_A_ROUTE] = NLA_POLICY_NESTED(podnet_route_policy),
};

enum podnet_mcgrp {
	PODNET_MCGRP_EVENTS,
};

static const struct genl_multicast_group podnet_mcgrps[] = {
	[PODNET_MCGRP_EVENTS] = { .name = PODNET_GENL_MCGRP_EVENTS },
};

static struct genl_family podnet_family;

/* The podnet device a request names, with a reference held. */
static struct podnet_dev *podnet_nl_dev(struct net *net, struct nlattr **attrs,
					struct netlink_ext_ack *extack)
{
	struct net_device *dev;

	if (attrs[PODNET_A_IFINDEX]) {
		dev = dev_get_by_index(net,
				       nla_get_u32(attrs[PODNET_A_IFINDEX]));
	} else if (attrs[PODNET_A_IFNAME]) {
		dev = dev_get_by_name(net, nla_data(attrs[PODNET_A_IFNAME]));
	} else {
		NL_SET_ERR_MSG(extack, "No device given (ifindex or ifname)");
		return ERR_PTR(-EINVAL);
	}
	if (!dev) {
		NL_SET_ERR_MSG(extack, "Device not found");
		return ERR_PTR(-ENODEV);
	}
	if (!podnet_is_dev(dev)) {
		dev_put(dev);
		NL_SET_ERR_MSG(extack, "Not a podnet device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
}

/* Takes the device lock; fails when the device is being deleted. */
static int podnet_nl_lock(struct podnet_dev *pn, struct netlink_ext_ack *extack)
{
	mutex_lock(&pn->lock);
	if (likely(!pn->dead))
		return 0;
	mutex_unlock(&pn->lock);
	NL_SET_ERR_MSG(extack, "Device is being deleted");
	return -ENODEV;
}

/**
 * podnet_nl_addr - read an address attribute
 * @attr: 4 (IPv4) or 16 (IPv6) bytes, network byte order
 * @addr: filled, zeroed first
 * @extack: for the reason of a refusal
 *
 * Return: 0, or -EINVAL for any other length.
 */
VISIBLE_IF_KUNIT int podnet_nl_addr(const struct nlattr *attr,
				    struct podnet_addr *addr,
				    struct netlink_ext_ack *extack)
{
	if (podnet_addr_set(addr, nla_data(attr), nla_len(attr))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Address must be 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_nl_addr);

/**
 * podnet_nl_prefix_valid - check a prefix and its length (a route's)
 * @prefix: the address
 * @len: the prefix length
 * @extack: for the reason of a refusal
 *
 * Return: 0, or -EINVAL when @len is too long for the family or bits are
 * set beyond it.
 */
int podnet_nl_prefix_valid(const struct podnet_addr *prefix, u8 len,
			   struct netlink_ext_ack *extack)
{
	struct in6_addr host;

	if (len > podnet_addr_bits(prefix->family)) {
		NL_SET_ERR_MSG(extack, "Prefix length too long for the family");
		return -EINVAL;
	}
	if (prefix->family == AF_INET) {
		if (!(prefix->ip4 & ~inet_make_mask(len)))
			return 0;
	} else {
		ipv6_addr_prefix(&host, &prefix->ip6, len);
		if (ipv6_addr_equal(&host, &prefix->ip6))
			return 0;
	}
	NL_SET_ERR_MSG(extack, "Invalid prefix for given prefix length");
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_nl_prefix_valid);

/* Parses the nest @attr with @policy into @tb; @attr is required. */
static int podnet_nl_nest(struct nlattr **tb, int maxtype, struct nlattr *attr,
			  const struct nla_policy *policy,
			  struct genl_info *info)
{
	if (!attr) {
		NL_SET_ERR_MSG(info->extack,
			       "Missing the peer or route attributes");
		return -EINVAL;
	}
	return nla_parse_nested(tb, maxtype, attr, policy, info->extack);
}

/* Puts counters @first..@last of @v, except @pad, in a nest @type. */
static int podnet_nl_put_stats(struct sk_buff *skb, int type, const u64 *v,
			       int first, int last, int pad)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = first; i <= last; i++)
		if (i != pad && v[i] != U64_MAX &&
		    nla_put_u64_64bit(skb, i, v[i], pad))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int podnet_nl_put_dev(struct sk_buff *skb, struct podnet_dev *pn)
{
	const struct podnet_cfg *cfg = &pn->cfg;
	u64 drops[__PODNET_STAT_MAX] = {};
	struct nlattr *nest;
	u8 mac[ETH_ALEN];

	ASSERT_RTNL();
	lockdep_assert_held(&pn->lock);

	podnet_dev_stats(pn, drops);
	u64_to_ether_addr(cfg->mac, mac);
	if (nla_put_u32(skb, PODNET_A_IFINDEX, pn->dev->ifindex) ||
	    nla_put_string(skb, PODNET_A_IFNAME, pn->dev->name))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, PODNET_A_DEV);
	if (!nest ||
	    nla_put_u32(skb, PODNET_A_DEV_VNI, cfg->vni) ||
	    nla_put_u16(skb, PODNET_A_DEV_PORT, cfg->port) ||
	    (cfg->local.family &&
	     nla_put(skb, PODNET_A_DEV_LOCAL,
		     podnet_addr_len(cfg->local.family),
		     podnet_addr_raw(&cfg->local))) ||
	    nla_put_u32(skb, PODNET_A_DEV_LINK, cfg->link) ||
	    nla_put_u8(skb, PODNET_A_DEV_ENCAP, cfg->encap) ||
	    nla_put_u8(skb, PODNET_A_DEV_TTL, cfg->ttl) ||
	    nla_put_u8(skb, PODNET_A_DEV_TOS, cfg->tos) ||
	    nla_put_u32(skb, PODNET_A_DEV_MTU, READ_ONCE(pn->dev->mtu)) ||
	    nla_put(skb, PODNET_A_DEV_VTEP_MAC, ETH_ALEN, mac) ||
	    nla_put_u32(skb, PODNET_A_DEV_PEERS, pn->nr_peers) ||
	    nla_put_u32(skb, PODNET_A_DEV_ROUTES, pn->table.count) ||
	    podnet_nl_put_stats(skb, PODNET_A_DEV_STATS, drops,
				PODNET_STAT_UNSPEC + 1, PODNET_STAT_MAX,
				PODNET_STAT_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int podnet_nl_put_peer(struct sk_buff *skb, struct podnet_dev *pn,
			      struct podnet_peer *peer)
{
	u64 v[__PODNET_PEER_STAT_MAX] = {};
	struct podnet_peer_stats st;
	struct nlattr *nest;
	u8 mac[ETH_ALEN];

	podnet_peer_stats(peer, &st);
	v[PODNET_PEER_STAT_TX_PACKETS] = st.tx_packets;
	v[PODNET_PEER_STAT_TX_BYTES] = st.tx_bytes;
	v[PODNET_PEER_STAT_RX_PACKETS] = st.rx_packets;
	v[PODNET_PEER_STAT_RX_BYTES] = st.rx_bytes;
	v[PODNET_PEER_STAT_TX_DROPS] = st.tx_drops;
	v[PODNET_PEER_STAT_LAST_RX_MSECS] = st.last_rx ?
		jiffies_to_msecs(jiffies - st.last_rx) : U64_MAX;
	u64_to_ether_addr(peer->mac, mac);

	if (nla_put_u32(skb, PODNET_A_IFINDEX, pn->dev->ifindex))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, PODNET_A_PEER);
	if (!nest ||
	    nla_put(skb, PODNET_A_PEER_ADDR, podnet_addr_len(peer->addr.family),
		    podnet_addr_raw(&peer->addr)) ||
	    nla_put_u16(skb, PODNET_A_PEER_PORT, peer->port) ||
	    nla_put_u8(skb, PODNET_A_PEER_ENCAP, peer->encap) ||
	    nla_put_u8(skb, PODNET_A_PEER_MODE, podnet_peer_mode(pn, peer)) ||
	    nla_put(skb, PODNET_A_PEER_MAC, ETH_ALEN, mac) ||
	    nla_put_u32(skb, PODNET_A_PEER_ROUTES, peer->nr_routes) ||
	    podnet_nl_put_stats(skb, PODNET_A_PEER_STATS, v,
				PODNET_PEER_STAT_TX_PACKETS,
				PODNET_PEER_STAT_MAX, PODNET_PEER_STAT_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int podnet_nl_put_route(struct sk_buff *skb, struct podnet_dev *pn,
			       const struct podnet_addr *prefix, u8 len,
			       const struct podnet_peer *peer)
{
	struct nlattr *nest;

	if (nla_put_u32(skb, PODNET_A_IFINDEX, pn->dev->ifindex))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, PODNET_A_ROUTE);
	if (!nest ||
	    nla_put(skb, PODNET_A_ROUTE_PREFIX, podnet_addr_len(prefix->family),
		    podnet_addr_raw(prefix)) ||
	    nla_put_u8(skb, PODNET_A_ROUTE_PREFIX_LEN, len) ||
	    nla_put(skb, PODNET_A_ROUTE_VIA, podnet_addr_len(peer->addr.family),
		    podnet_addr_raw(&peer->addr)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* What a SYNC notification tells: the device's new peer and route counts. */
static int podnet_nl_put_sync(struct sk_buff *skb, struct podnet_dev *pn)
{
	struct nlattr *nest;

	if (nla_put_u32(skb, PODNET_A_IFINDEX, pn->dev->ifindex))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, PODNET_A_DEV);
	if (!nest ||
	    nla_put_u32(skb, PODNET_A_DEV_PEERS, pn->nr_peers) ||
	    nla_put_u32(skb, PODNET_A_DEV_ROUTES, pn->table.count))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* One object to put in a message: a device, a peer or a route. */
struct podnet_nl_obj {
	struct podnet_dev *pn;
	struct podnet_peer *peer;
	const struct podnet_addr *prefix;
	u8 len;
};

static int podnet_nl_put_obj(struct sk_buff *skb, u8 cmd,
			     const struct podnet_nl_obj *obj)
{
	switch (cmd) {
	case PODNET_CMD_DEV_GET:
		return podnet_nl_put_dev(skb, obj->pn);
	case PODNET_CMD_SYNC:
		return podnet_nl_put_sync(skb, obj->pn);
	case PODNET_CMD_PEER_NEW:
	case PODNET_CMD_PEER_SET:
	case PODNET_CMD_PEER_DEL:
	case PODNET_CMD_PEER_GET:
		return podnet_nl_put_peer(skb, obj->pn, obj->peer);
	default:
		return podnet_nl_put_route(skb, obj->pn, obj->prefix, obj->len,
					   obj->peer);
	}
}

/* Puts one message for @obj; -EMSGSIZE leaves @skb as it was. */
static int podnet_nl_msg(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			 u8 cmd, const struct podnet_nl_obj *obj,
			 struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &podnet_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (podnet_nl_put_obj(skb, cmd, obj)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Answers a do request with one object. */
static int podnet_nl_reply(struct genl_info *info, u8 cmd,
			   const struct podnet_nl_obj *obj)
{
	struct sk_buff *msg;
	int err;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = podnet_nl_msg(msg, info->snd_portid, info->snd_seq, 0, cmd, obj,
			    NULL);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Tells the "events" group of a change; lost only when memory is short. */
static void podnet_nl_notify(u8 cmd, const struct podnet_nl_obj *obj)
{
	struct net *net = dev_net(obj->pn->dev);
	struct sk_buff *msg;

	if (!genl_has_listeners(&podnet_family, net, PODNET_MCGRP_EVENTS))
		return;
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (podnet_nl_msg(msg, 0, 0, 0, cmd, obj, NULL)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&podnet_family, net, msg, 0,
				PODNET_MCGRP_EVENTS, GFP_KERNEL);
}

static int podnet_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct podnet_nl_obj obj = {};
	int err;

	obj.pn = podnet_nl_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(obj.pn))
		return PTR_ERR(obj.pn);
	rtnl_lock();
	err = podnet_nl_lock(obj.pn, info->extack);
	if (!err) {
		err = podnet_nl_reply(info, PODNET_CMD_DEV_GET, &obj);
		mutex_unlock(&obj.pn->lock);
	}
	rtnl_unlock();
	dev_put(obj.pn->dev);
	return err;
}

static int podnet_nl_dev_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct podnet_nl_obj obj = {};
	struct net_device *dev;
	long idx = 0;
	int err = 0;

	rtnl_lock();
	for_each_netdev(net, dev) {
		if (!podnet_is_dev(dev))
			continue;
		if (idx++ < cb->args[0])
			continue;
		obj.pn = netdev_priv(dev);
		mutex_lock(&obj.pn->lock);
		err = podnet_nl_msg(skb, NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI,
				    PODNET_CMD_DEV_GET, &obj, NULL);
		mutex_unlock(&obj.pn->lock);
		if (err) {
			idx--;
			break;
		}
	}
	rtnl_unlock();
	cb->args[0] = idx;
	if (err && !skb->len)
		return err;
	return skb->len;
}

/**
 * podnet_nl_peer_check - check the settable attributes of a peer
 * @tb: the parsed PODNET_A_PEER nest
 * @family: the peer's underlay family, AF_INET or AF_INET6
 * @extack: for the reason of a refusal
 *
 * Return: 0, or -EOPNOTSUPP for a format the family cannot carry, or
 * -EINVAL for a multicast or zero mac.
 */
VISIBLE_IF_KUNIT int podnet_nl_peer_check(struct nlattr **tb, u32 family,
					  struct netlink_ext_ack *extack)
{
	struct nlattr *a = tb[PODNET_A_PEER_ENCAP];

	if (a && !podnet_encap_valid(nla_get_u8(a), family)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "ipip needs an IPv4 peer address");
		return -EOPNOTSUPP;
	}
	a = tb[PODNET_A_PEER_MAC];
	if (a && !is_valid_ether_addr(nla_data(a))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "Peer mac must be a unicast, non-zero address");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_nl_peer_check);

/*
 * Whether a peer of @family whose own format is @encap (UNSPEC and AUTO:
 * the device's) can be reached with the device's format.
 */
static int podnet_nl_encap_check(struct podnet_dev *pn, u8 encap, u32 family,
				 struct netlink_ext_ack *extack)
{
	if (encap == PODNET_ENCAP_UNSPEC || encap == PODNET_ENCAP_AUTO)
		encap = pn->cfg.encap;
	if (podnet_encap_valid(encap, family))
		return 0;
	NL_SET_ERR_MSG(extack,
		       "The device's encap ipip needs IPv4 peers: give the IPv6 peer an encap of its own");
	return -EOPNOTSUPP;
}

/* The encap a PEER_NEW or PEER_SET nest asks for, UNSPEC if none. */
static u8 podnet_nl_peer_encap(struct nlattr **tb)
{
	return tb[PODNET_A_PEER_ENCAP] ? nla_get_u8(tb[PODNET_A_PEER_ENCAP]) :
					 PODNET_ENCAP_UNSPEC;
}

/* Sets the peer attributes of @tb, checked by podnet_nl_peer_check(). */
static void podnet_nl_peer_set(struct podnet_peer *peer, struct nlattr **tb)
{
	if (tb[PODNET_A_PEER_ENCAP])
		WRITE_ONCE(peer->encap, nla_get_u8(tb[PODNET_A_PEER_ENCAP]));
	if (tb[PODNET_A_PEER_PORT])
		WRITE_ONCE(peer->port, nla_get_u16(tb[PODNET_A_PEER_PORT]));
	if (tb[PODNET_A_PEER_MAC])
		WRITE_ONCE(peer->mac,
			   ether_addr_to_u64(nla_data(tb[PODNET_A_PEER_MAC])));
	peer->pn->genid++;
}

/* PEER_NEW, PEER_SET, PEER_DEL and PEER_GET (do). */
static int podnet_nl_peer_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PODNET_A_PEER_MAX + 1];
	u8 cmd = info->genlhdr->cmd;
	struct podnet_nl_obj obj = {};
	struct podnet_addr addr;
	int err;

	err = podnet_nl_nest(tb, PODNET_A_PEER_MAX, info->attrs[PODNET_A_PEER],
			     podnet_peer_policy, info);
	if (err)
		return err;
	if (!tb[PODNET_A_PEER_ADDR]) {
		NL_SET_ERR_MSG(info->extack, "Missing peer address");
		return -EINVAL;
	}
	err = podnet_nl_addr(tb[PODNET_A_PEER_ADDR], &addr, info->extack);
	if (err)
		return err;

	obj.pn = podnet_nl_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(obj.pn))
		return PTR_ERR(obj.pn);
	err = podnet_nl_lock(obj.pn, info->extack);
	if (err)
		goto out_put;

	obj.peer = podnet_peer_find(obj.pn, &addr);
	if (!obj.peer && cmd != PODNET_CMD_PEER_NEW) {
		NL_SET_ERR_MSG(info->extack, "Peer not found");
		err = -ENOENT;
		goto out_unlock;
	}

	switch (cmd) {
	case PODNET_CMD_PEER_NEW:
		if (obj.peer) {
			NL_SET_ERR_MSG(info->extack, "Peer exists");
			err = -EEXIST;
			break;
		}
		err = podnet_nl_peer_check(tb, addr.family, info->extack);
		if (!err)
			err = podnet_nl_encap_check(obj.pn,
						    podnet_nl_peer_encap(tb),
						    addr.family, info->extack);
		if (err)
			break;
		obj.peer = podnet_peer_create(obj.pn, &addr, info->extack);
		if (IS_ERR(obj.peer)) {
			err = PTR_ERR(obj.peer);
			break;
		}
		podnet_nl_peer_set(obj.peer, tb);
		break;
	case PODNET_CMD_PEER_SET:
		err = podnet_nl_peer_check(tb, addr.family, info->extack);
		if (!err && tb[PODNET_A_PEER_ENCAP])
			err = podnet_nl_encap_check(obj.pn,
						    podnet_nl_peer_encap(tb),
						    addr.family, info->extack);
		if (!err)
			podnet_nl_peer_set(obj.peer, tb);
		break;
	case PODNET_CMD_PEER_DEL:
		podnet_nl_notify(cmd, &obj);
		podnet_peer_remove(obj.pn, obj.peer);
		goto out_unlock;
	default:
		err = podnet_nl_reply(info, cmd, &obj);
		goto out_unlock;
	}
	if (!err)
		podnet_nl_notify(cmd, &obj);
out_unlock:
	mutex_unlock(&obj.pn->lock);
out_put:
	dev_put(obj.pn->dev);
	return err;
}

/* The device of a dump request, locked, with cb->seq set for consistency. */
static struct podnet_dev *podnet_nl_dump_dev(struct sk_buff *skb,
					     struct netlink_callback *cb)
{
	struct podnet_dev *pn;

	pn = podnet_nl_dev(sock_net(skb->sk), podnet_dump_attrs(cb),
			   cb->extack);
	if (IS_ERR(pn))
		return pn;
	if (podnet_nl_lock(pn, cb->extack)) {
		dev_put(pn->dev);
		return ERR_PTR(-ENODEV);
	}
	cb->seq = pn->genid;
	return pn;
}

static void podnet_nl_dump_done(struct podnet_dev *pn)
{
	mutex_unlock(&pn->lock);
	dev_put(pn->dev);
}

static int podnet_nl_peer_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct podnet_nl_obj obj = {};
	long idx = 0;
	int err = 0;

	obj.pn = podnet_nl_dump_dev(skb, cb);
	if (IS_ERR(obj.pn))
		return PTR_ERR(obj.pn);
	list_for_each_entry(obj.peer, &obj.pn->peer_list, list) {
		if (idx < cb->args[0]) {
			idx++;
			continue;
		}
		err = podnet_nl_msg(skb, NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI,
				    PODNET_CMD_PEER_GET, &obj, cb);
		if (err)
			break;
		idx++;
	}
	podnet_nl_dump_done(obj.pn);
	cb->args[0] = idx;
	if (err && !skb->len)
		return err;
	return skb->len;
}

/* A route to be: its prefix and the peer it names. */
struct podnet_nl_route {
	struct podnet_addr prefix;
	struct podnet_addr via;		/* family 0: not given */
	u8 len;
	bool replace;
};

/*
 * Reads the route nest @nest into @r: a checked prefix and length, and the
 * peer when given (@need_via: it must be, and be an underlay address).
 */
static int podnet_nl_route_parse(struct nlattr *nest, bool need_via,
				 struct podnet_nl_route *r,
				 struct genl_info *info)
{
	struct nlattr *tb[PODNET_A_ROUTE_MAX + 1];
	int err;

	memset(r, 0, sizeof(*r));
	err = podnet_nl_nest(tb, PODNET_A_ROUTE_MAX, nest, podnet_route_policy,
			     info);
	if (err)
		return err;
	if (!tb[PODNET_A_ROUTE_PREFIX] || !tb[PODNET_A_ROUTE_PREFIX_LEN]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "Missing route prefix or prefix length");
		return -EINVAL;
	}
	err = podnet_nl_addr(tb[PODNET_A_ROUTE_PREFIX], &r->prefix,
			     info->extack);
	if (err)
		return err;
	r->len = nla_get_u8(tb[PODNET_A_ROUTE_PREFIX_LEN]);
	err = podnet_nl_prefix_valid(&r->prefix, r->len, info->extack);
	if (err)
		return err;
	r->replace = nla_get_flag(tb[PODNET_A_ROUTE_REPLACE]);
	if (tb[PODNET_A_ROUTE_VIA]) {
		err = podnet_nl_addr(tb[PODNET_A_ROUTE_VIA], &r->via,
				     info->extack);
		if (err)
			return err;
	} else if (need_via) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "Missing the peer of the route (via)");
		return -EINVAL;
	}
	return 0;
}

/* ROUTE_NEW and ROUTE_DEL. */
static int podnet_nl_route_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	struct podnet_nl_obj obj = {};
	struct podnet_nl_route r;
	bool created = false;
	int err;

	err = podnet_nl_route_parse(info->attrs[PODNET_A_ROUTE],
				    cmd == PODNET_CMD_ROUTE_NEW, &r, info);
	if (err)
		return err;
	obj.prefix = &r.prefix;
	obj.len = r.len;

	obj.pn = podnet_nl_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(obj.pn))
		return PTR_ERR(obj.pn);
	err = podnet_nl_lock(obj.pn, info->extack);
	if (err)
		goto out_put;

	if (cmd == PODNET_CMD_ROUTE_DEL) {
		obj.peer = podnet_table_find(&obj.pn->table, &r.prefix, r.len);
		if (!obj.peer ||
		    (r.via.family &&
		     !podnet_addr_equal(&obj.peer->addr, &r.via))) {
			if (obj.peer)
				NL_SET_ERR_MSG(info->extack,
					       "Route goes via another peer");
			else
				NL_SET_ERR_MSG(info->extack, "Route not found");
			err = obj.peer ? -ESRCH : -ENOENT;
			goto out_unlock;
		}
		podnet_table_remove(&obj.pn->table, &r.prefix, r.len,
				    &obj.pn->lock);
		obj.pn->genid++;
		podnet_nl_notify(cmd, &obj);
		goto out_unlock;
	}

	obj.peer = podnet_peer_find(obj.pn, &r.via);
	if (!obj.peer) {
		err = podnet_nl_encap_check(obj.pn, PODNET_ENCAP_UNSPEC,
					    r.via.family, info->extack);
		if (err)
			goto out_unlock;
		obj.peer = podnet_peer_create(obj.pn, &r.via, info->extack);
		if (IS_ERR(obj.peer)) {
			err = PTR_ERR(obj.peer);
			goto out_unlock;
		}
		created = true;
		podnet_nl_notify(PODNET_CMD_PEER_NEW, &obj);
	}
	err = podnet_table_insert(&obj.pn->table, &r.prefix, r.len, obj.peer,
				  r.replace ? PODNET_TABLE_REPLACE : 0,
				  &obj.pn->lock);
	if (err) {
		if (err == -EEXIST)
			NL_SET_ERR_MSG(info->extack, "Route exists");
		else
			NL_SET_ERR_MSG(info->extack, "Cannot add the route");
		if (created) {
			podnet_nl_notify(PODNET_CMD_PEER_DEL, &obj);
			podnet_peer_remove(obj.pn, obj.peer);
		}
		goto out_unlock;
	}
	obj.pn->genid++;
	podnet_nl_notify(cmd, &obj);
out_unlock:
	mutex_unlock(&obj.pn->lock);
out_put:
	dev_put(obj.pn->dev);
	return err;
}

/* ROUTE_GET (do): the route that holds an address, or an exact prefix. */
static int podnet_nl_route_get_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct nlattr *tb[PODNET_A_ROUTE_MAX + 1];
	struct podnet_addr addr, prefix;
	struct podnet_nl_obj obj = {};
	int err;

	err = podnet_nl_nest(tb, PODNET_A_ROUTE_MAX,
			     info->attrs[PODNET_A_ROUTE],
			     podnet_route_policy, info);
	if (err)
		return err;
	if (!tb[PODNET_A_ROUTE_PREFIX]) {
		NL_SET_ERR_MSG(info->extack, "Missing address");
		return -EINVAL;
	}
	err = podnet_nl_addr(tb[PODNET_A_ROUTE_PREFIX], &addr, info->extack);
	if (err)
		return err;

	obj.pn = podnet_nl_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(obj.pn))
		return PTR_ERR(obj.pn);
	err = podnet_nl_lock(obj.pn, info->extack);
	if (err)
		goto out_put;

	if (tb[PODNET_A_ROUTE_PREFIX_LEN]) {
		prefix = addr;
		obj.len = nla_get_u8(tb[PODNET_A_ROUTE_PREFIX_LEN]);
		obj.peer = podnet_table_find(&obj.pn->table, &prefix, obj.len);
	} else {
		obj.peer = podnet_table_match(&obj.pn->table, &addr, &prefix,
					      &obj.len);
	}
	obj.prefix = &prefix;
	if (!obj.peer) {
		NL_SET_ERR_MSG(info->extack, "No route to that address");
		err = -ENOENT;
	} else {
		err = podnet_nl_reply(info, PODNET_CMD_ROUTE_GET, &obj);
	}
	mutex_unlock(&obj.pn->lock);
out_put:
	dev_put(obj.pn->dev);
	return err;
}

/* State of a route dump between two podnet_table_walk_peer() callbacks. */
struct podnet_nl_route_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct podnet_nl_obj obj;
};

static int podnet_nl_route_dump_one(void *ctx, const struct podnet_addr *prefix,
				    u8 len)
{
	struct podnet_nl_route_dump *d = ctx;

	d->obj.prefix = prefix;
	d->obj.len = len;
	return podnet_nl_msg(d->skb, NETLINK_CB(d->cb->skb).portid,
			     d->cb->nlh->nlmsg_seq, NLM_F_MULTI,
			     PODNET_CMD_ROUTE_GET, &d->obj, d->cb);
}

/*
 * Routes grouped by peer. The cursor: cb->args[0] peers done, cb->args[1]
 * routes done of the next peer.
 */
static int podnet_nl_route_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct podnet_nl_route_dump d = { .skb = skb, .cb = cb };
	unsigned long skip;
	long pidx = 0;
	int err = 0;

	d.obj.pn = podnet_nl_dump_dev(skb, cb);
	if (IS_ERR(d.obj.pn))
		return PTR_ERR(d.obj.pn);
	list_for_each_entry(d.obj.peer, &d.obj.pn->peer_list, list) {
		if (pidx < cb->args[0]) {
			pidx++;
			continue;
		}
		skip = cb->args[1];
		err = podnet_table_walk_peer(d.obj.peer, &skip,
					     podnet_nl_route_dump_one, &d,
					     &d.obj.pn->lock);
		if (err) {
			cb->args[1] = skip;
			break;
		}
		cb->args[1] = 0;
		pidx++;
	}
	podnet_nl_dump_done(d.obj.pn);
	cb->args[0] = pidx;
	if (err && !skb->len)
		return err;
	return skb->len;
}

/* Names @addr's peer in a SYNC: finds or creates it, and keeps it. */
static struct podnet_peer *podnet_nl_sync_peer(struct podnet_dev *pn,
					       const struct podnet_addr *addr,
					       struct netlink_ext_ack *extack)
{
	struct podnet_peer *peer = podnet_peer_find(pn, addr);

	if (!peer) {
		peer = podnet_peer_create(pn, addr, extack);
		if (!IS_ERR(peer))
			peer->sync = PODNET_PEER_SYNC_NEW;
	} else if (peer->sync == PODNET_PEER_SYNC_STALE) {
		peer->sync = PODNET_PEER_SYNC_KEEP;
	}
	return peer;
}

/* Reads a SYNC peer nest into @tb and @addr, checked. */
static int podnet_nl_sync_peer_parse(struct nlattr *nest, struct nlattr **tb,
				     struct podnet_addr *addr,
				     struct genl_info *info)
{
	int err;

	err = podnet_nl_nest(tb, PODNET_A_PEER_MAX, nest, podnet_peer_policy,
			     info);
	if (err)
		return err;
	if (!tb[PODNET_A_PEER_ADDR]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "Missing peer address");
		return -EINVAL;
	}
	err = podnet_nl_addr(tb[PODNET_A_PEER_ADDR], addr, info->extack);
	if (err)
		return err;
	return podnet_nl_peer_check(tb, addr->family, info->extack);
}

/*
 * Fills @staged with the routes of a SYNC request and finds or creates
 * every peer it names. Changes nothing a reader sees.
 */
static int podnet_nl_sync_build(struct podnet_dev *pn,
				struct podnet_table *staged,
				struct genl_info *info)
{
	struct nlattr *tb[PODNET_A_PEER_MAX + 1];
	struct podnet_peer *peer;
	struct podnet_nl_route r;
	struct podnet_addr addr;
	struct nlattr *a;
	int rem, err;
	u8 encap;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		switch (nla_type(a)) {
		case PODNET_A_ROUTE:
			err = podnet_nl_route_parse(a, true, &r, info);
			if (err)
				return err;
			peer = podnet_nl_sync_peer(pn, &r.via, info->extack);
			if (IS_ERR(peer))
				return PTR_ERR(peer);
			err = podnet_table_insert(staged, &r.prefix, r.len,
						  peer, 0, &pn->lock);
			if (err == -EEXIST)
				NL_SET_ERR_MSG_ATTR(info->extack, a,
						    "Prefix given twice");
			if (err)
				return err;
			break;
		case PODNET_A_PEER:
			err = podnet_nl_sync_peer_parse(a, tb, &addr, info);
			encap = podnet_nl_peer_encap(tb);
			if (!err)
				err = podnet_nl_encap_check(pn, encap,
							    addr.family,
							    info->extack);
			if (err)
				return err;
			peer = podnet_nl_sync_peer(pn, &addr, info->extack);
			if (IS_ERR(peer))
				return PTR_ERR(peer);
			break;
		}
	}
	return 0;
}

/* Sets the settings of the SYNC request's peer nests (checked before). */
static void podnet_nl_sync_peers_set(struct podnet_dev *pn,
				     struct genl_info *info)
{
	struct nlattr *tb[PODNET_A_PEER_MAX + 1];
	struct podnet_addr addr;
	struct nlattr *a;
	int rem;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) == PODNET_A_PEER &&
		    !podnet_nl_sync_peer_parse(a, tb, &addr, info))
			podnet_nl_peer_set(podnet_peer_find(pn, &addr), tb);
	}
}

/*
 * SYNC: replace the device's peers and routes. The new table is built
 * aside and published at once; on error, the peers it created go again
 * and nothing else changed.
 */
static int podnet_nl_sync_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct podnet_nl_obj obj = {};
	struct podnet_peer *peer, *tmp;
	struct podnet_table staged;
	u8 gone;
	int err;

	obj.pn = podnet_nl_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(obj.pn))
		return PTR_ERR(obj.pn);
	err = podnet_nl_lock(obj.pn, info->extack);
	if (err)
		goto out_put;

	list_for_each_entry(peer, &obj.pn->peer_list, list)
		peer->sync = PODNET_PEER_SYNC_STALE;
	podnet_table_setup(&staged);
	err = podnet_nl_sync_build(obj.pn, &staged, info);
	if (!err) {
		podnet_table_swap(&obj.pn->table, &staged, &obj.pn->lock);
		podnet_nl_sync_peers_set(obj.pn, info);
	}
	/* @staged now holds the old routes, or on error the new ones. */
	podnet_table_free(&staged, &obj.pn->lock);
	gone = err ? PODNET_PEER_SYNC_NEW : PODNET_PEER_SYNC_STALE;
	list_for_each_entry_safe(peer, tmp, &obj.pn->peer_list, list)
		if (peer->sync == gone)
			podnet_peer_remove(obj.pn, peer);
	obj.pn->genid++;
	if (!err)
		podnet_nl_notify(PODNET_CMD_SYNC, &obj);
	mutex_unlock(&obj.pn->lock);
out_put:
	dev_put(obj.pn->dev);
	return err;
}

static const struct genl_ops podnet_ops[] = {
	{
		.cmd = PODNET_CMD_DEV_GET,
		.doit = podnet_nl_dev_get_doit,
		.dumpit = podnet_nl_dev_get_dumpit,
	},
	{
		.cmd = PODNET_CMD_PEER_NEW,
		.doit = podnet_nl_peer_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_PEER_SET,
		.doit = podnet_nl_peer_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_PEER_DEL,
		.doit = podnet_nl_peer_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_PEER_GET,
		.doit = podnet_nl_peer_doit,
		.dumpit = podnet_nl_peer_dumpit,
	},
	{
		.cmd = PODNET_CMD_ROUTE_NEW,
		.doit = podnet_nl_route_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_ROUTE_DEL,
		.doit = podnet_nl_route_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_ROUTE_GET,
		.doit = podnet_nl_route_get_doit,
		.dumpit = podnet_nl_route_dumpit,
	},
	{
		.cmd = PODNET_CMD_SYNC,
		.doit = podnet_nl_sync_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family podnet_family __ro_after_init = {
	.name = PODNET_GENL_NAME,
	.version = PODNET_GENL_VERSION,
	.maxattr = PODNET_A_MAX,
	.policy = podnet_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = podnet_ops,
	.n_ops = ARRAY_SIZE(podnet_ops),
	.mcgrps = podnet_mcgrps,
	.n_mcgrps = ARRAY_SIZE(podnet_mcgrps),
};

/**
 * podnet_genl_init - register the generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int podnet_genl_init(void)
{
	return genl_register_family(&podnet_family);
}

/**
 * podnet_genl_exit - unregister the generic netlink family
 */
void podnet_genl_exit(void)
{
	genl_unregister_family(&podnet_family);
}
