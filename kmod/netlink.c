// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the "podnet" generic netlink family. Its policies, operations
 * and messages, the device commands and notifications on the "events"
 * group; the peer, route and sync commands are in netlink_peer.c,
 * netlink_route.c and netlink_sync.c. Mutations need CAP_NET_ADMIN in the
 * user namespace of the network namespace; reads do not. Every refusal
 * carries an extack message. The handlers read a device's configuration
 * under its lock (struct podnet_cfg), not under RTNL.
 */
#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>
#include <net/route.h>

#include <kunit/visibility.h>

#include "compat.h"
#include "encap.h"
#include "netlink.h"
#include "peer.h"
#include "podnet.h"

const struct nla_policy podnet_peer_policy[PODNET_A_PEER_MAX + 1] = {
	[PODNET_A_PEER_ADDR] = { .type = NLA_BINARY,
				 .len = sizeof(struct in6_addr) },
	[PODNET_A_PEER_PORT] = { .type = NLA_U16 },
	[PODNET_A_PEER_ENCAP] = NLA_POLICY_MAX(NLA_U8, PODNET_ENCAP_MAX),
	[PODNET_A_PEER_MAC] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
};

const struct nla_policy podnet_route_policy[PODNET_A_ROUTE_MAX + 1] = {
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

/**
 * podnet_nl_dev - the podnet device a request names, with a reference held
 * @net: the request's namespace
 * @attrs: its top level attributes (PODNET_A_IFINDEX or PODNET_A_IFNAME)
 * @extack: for the reason of a refusal
 *
 * Return: the device (drop it with podnet_nl_put_dev_ref()), or an ERR_PTR.
 */
struct podnet_dev *podnet_nl_dev(struct net *net, struct nlattr **attrs,
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

/**
 * podnet_nl_put_dev_ref - drop the reference podnet_nl_dev() took
 * @pn: the device
 */
void podnet_nl_put_dev_ref(struct podnet_dev *pn)
{
	dev_put(pn->dev);
}

/**
 * podnet_nl_lock - take the device lock of a request
 * @pn: the device
 * @extack: for the reason of a refusal
 *
 * Return: 0 with the lock held, or -ENODEV when the device is being
 * deleted.
 */
int podnet_nl_lock(struct podnet_dev *pn, struct netlink_ext_ack *extack)
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
int podnet_nl_addr(const struct nlattr *attr, struct podnet_addr *addr,
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

/**
 * podnet_nl_nest - parse a required nest
 * @tb: filled with its attributes
 * @maxtype: the highest attribute type of @policy
 * @attr: the nest, NULL when the request has none (refused)
 * @policy: its policy
 * @info: the request
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int podnet_nl_nest(struct nlattr **tb, int maxtype, struct nlattr *attr,
		   const struct nla_policy *policy, struct genl_info *info)
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
	struct podnet_net *pnet = net_generic(pn->net, podnet_net_id);
	const struct podnet_cfg *cfg = &pn->cfg;
	u64 under[__PODNET_STAT_MAX] = {};
	u64 drops[__PODNET_STAT_MAX] = {};
	struct nlattr *nest;
	u8 mac[ETH_ALEN];

	ASSERT_RTNL();
	lockdep_assert_held(&pn->lock);

	podnet_drops_sum(pn->drops, drops);
	podnet_drops_sum(pnet->drops, under);
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
	    nla_put_u32(skb, PODNET_A_DEV_MAX_PEERS, cfg->max_peers) ||
	    nla_put_u32(skb, PODNET_A_DEV_MAX_ROUTES, cfg->max_routes) ||
	    podnet_nl_put_stats(skb, PODNET_A_DEV_STATS, drops,
				PODNET_STAT_UNSPEC + 1, PODNET_STAT_MAX,
				PODNET_STAT_PAD) ||
	    podnet_nl_put_stats(skb, PODNET_A_DEV_UNDERLAY_STATS, under,
				PODNET_STAT_RX_BAD_HEADER,
				PODNET_STAT_RX_UNKNOWN_VNI, PODNET_STAT_PAD))
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
		podnet_jiffies_to_msecs(jiffies, st.last_rx) : U64_MAX;
	u64_to_ether_addr(podnet_peer_mac(peer, pn->cfg.vni), mac);

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

/**
 * podnet_nl_msg - put one message for an object
 * @skb: the message buffer
 * @portid: the destination
 * @seq: the sequence number
 * @flags: netlink flags (NLM_F_MULTI in dumps)
 * @cmd: the command, which says what @obj is
 * @obj: the object
 * @cb: the dump, for its consistency check, or NULL
 *
 * Return: 0, or -EMSGSIZE with @skb as it was.
 */
int podnet_nl_msg(struct sk_buff *skb, u32 portid, u32 seq, int flags,
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

/**
 * podnet_nl_reply - answer a do request with one object
 * @info: the request
 * @cmd: the command of the answer
 * @obj: the object
 *
 * Return: 0 or a negative errno.
 */
int podnet_nl_reply(struct genl_info *info, u8 cmd,
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

/**
 * podnet_nl_notify - tell the "events" group of a change
 * @cmd: the command of the change
 * @obj: what changed
 *
 * Lost only when memory is short.
 */
void podnet_nl_notify(u8 cmd, const struct podnet_nl_obj *obj)
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
	/* RTNL for the device's name, the lock for its settings */
	rtnl_lock();
	err = podnet_nl_lock(obj.pn, info->extack);
	if (!err) {
		err = podnet_nl_reply(info, PODNET_CMD_DEV_GET, &obj);
		mutex_unlock(&obj.pn->lock);
	}
	rtnl_unlock();
	podnet_nl_put_dev_ref(obj.pn);
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
 * podnet_nl_dump_dev - the device of a dump request
 * @skb: the dump's message buffer
 * @cb: the dump
 *
 * Return: the device, locked, with a reference and cb->seq set for the
 * consistency check (release it with podnet_nl_dump_done()), or an
 * ERR_PTR.
 */
struct podnet_dev *podnet_nl_dump_dev(struct sk_buff *skb,
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

/**
 * podnet_nl_dump_done - release the device of podnet_nl_dump_dev()
 * @pn: the device
 */
void podnet_nl_dump_done(struct podnet_dev *pn)
{
	mutex_unlock(&pn->lock);
	dev_put(pn->dev);
}

/**
 * podnet_nl_limit - whether a device may hold so many peers and routes
 * @pn: the device, locked
 * @peers: the peers it would have
 * @routes: the routes it would have
 * @extack: for the reason of a refusal
 *
 * Return: 0, or -ENOSPC past the device's max-peers or max-routes.
 */
int podnet_nl_limit(struct podnet_dev *pn, unsigned int peers,
		    unsigned int routes, struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&pn->lock);
	if (pn->cfg.max_peers && peers > pn->cfg.max_peers) {
		NL_SET_ERR_MSG(extack,
			       "The device has max-peers peers already");
		return -ENOSPC;
	}
	if (pn->cfg.max_routes && routes > pn->cfg.max_routes) {
		NL_SET_ERR_MSG(extack,
			       "The device has max-routes routes already");
		return -ENOSPC;
	}
	return 0;
}

static const struct genl_ops podnet_ops[] = {
	{
		.cmd = PODNET_CMD_DEV_GET,
		.doit = podnet_nl_dev_get_doit,
		.dumpit = podnet_nl_dev_get_dumpit,
	},
	{
		.cmd = PODNET_CMD_PEER_NEW,
		.doit = podnet_nl_peer_new_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_PEER_SET,
		.doit = podnet_nl_peer_set_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_PEER_DEL,
		.doit = podnet_nl_peer_del_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_PEER_GET,
		.doit = podnet_nl_peer_get_doit,
		.dumpit = podnet_nl_peer_dumpit,
	},
	{
		.cmd = PODNET_CMD_ROUTE_NEW,
		.doit = podnet_nl_route_new_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_ROUTE_DEL,
		.doit = podnet_nl_route_del_doit,
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
