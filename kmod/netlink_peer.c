// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the peer commands of the generic netlink family: PEER_NEW,
 * PEER_SET, PEER_DEL and PEER_GET (do and dump), one function each, and
 * the checks of a peer's settings that SYNC shares.
 */
#include <linux/etherdevice.h>
#include <net/genetlink.h>

#include <kunit/visibility.h>

#include "encap.h"
#include "netlink.h"
#include "peer.h"
#include "podnet.h"

/**
 * podnet_nl_peer_check - check the settable attributes of a peer
 * @tb: the parsed PODNET_A_PEER nest
 * @family: the peer's underlay family, AF_INET or AF_INET6
 * @extack: for the reason of a refusal
 *
 * Return: 0, or -EOPNOTSUPP for a format the family cannot carry, or
 * -EINVAL for a multicast or zero mac.
 */
int podnet_nl_peer_check(struct nlattr **tb, u32 family,
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

/**
 * podnet_nl_encap_check - whether a peer's format can reach it
 * @pn: the device, locked
 * @encap: the peer's own format (UNSPEC and AUTO: the device's)
 * @family: the peer's underlay family
 * @extack: for the reason of a refusal
 *
 * Return: 0, or -EOPNOTSUPP for an IPv6 peer left with the device's ipip.
 */
int podnet_nl_encap_check(struct podnet_dev *pn, u8 encap, u32 family,
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

/**
 * podnet_nl_peer_encap - the format a peer nest asks for
 * @tb: the parsed PODNET_A_PEER nest
 *
 * Return: its PODNET_A_PEER_ENCAP, or UNSPEC when it has none.
 */
u8 podnet_nl_peer_encap(struct nlattr **tb)
{
	return tb[PODNET_A_PEER_ENCAP] ? nla_get_u8(tb[PODNET_A_PEER_ENCAP]) :
					 PODNET_ENCAP_UNSPEC;
}

/**
 * podnet_nl_peer_set - set a peer's settings
 * @peer: the peer, its device locked
 * @tb: the parsed PODNET_A_PEER nest, checked by podnet_nl_peer_check()
 */
void podnet_nl_peer_set(struct podnet_peer *peer, struct nlattr **tb)
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

/*
 * The start of every peer command: its nest in @tb, its address in @addr,
 * the device locked in @obj->pn (unlock it, then podnet_nl_put_dev_ref())
 * and the peer, if it exists, in @obj->peer.
 */
static int podnet_nl_peer_begin(struct genl_info *info, struct nlattr **tb,
				struct podnet_addr *addr,
				struct podnet_nl_obj *obj)
{
	int err;

	err = podnet_nl_nest(tb, PODNET_A_PEER_MAX, info->attrs[PODNET_A_PEER],
			     podnet_peer_policy, info);
	if (err)
		return err;
	if (!tb[PODNET_A_PEER_ADDR]) {
		NL_SET_ERR_MSG(info->extack, "Missing peer address");
		return -EINVAL;
	}
	err = podnet_nl_addr(tb[PODNET_A_PEER_ADDR], addr, info->extack);
	if (err)
		return err;

	obj->pn = podnet_nl_dev(genl_info_net(info), info->attrs,
				info->extack);
	if (IS_ERR(obj->pn))
		return PTR_ERR(obj->pn);
	err = podnet_nl_lock(obj->pn, info->extack);
	if (err) {
		podnet_nl_put_dev_ref(obj->pn);
		return err;
	}
	obj->peer = podnet_peer_find(obj->pn, addr);
	return 0;
}

static void podnet_nl_peer_end(struct podnet_nl_obj *obj)
{
	mutex_unlock(&obj->pn->lock);
	podnet_nl_put_dev_ref(obj->pn);
}

/* A peer command on an existing peer: -ENOENT when there is none. */
static int podnet_nl_peer_found(struct podnet_nl_obj *obj,
				struct genl_info *info)
{
	if (obj->peer)
		return 0;
	NL_SET_ERR_MSG(info->extack, "Peer not found");
	return -ENOENT;
}

/**
 * podnet_nl_peer_new_doit - PEER_NEW: add a peer
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or -EEXIST, -ENOSPC (max-peers), -EOPNOTSUPP, -EINVAL,
 * -ENOMEM, with an extack message.
 */
int podnet_nl_peer_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PODNET_A_PEER_MAX + 1];
	struct podnet_nl_obj obj = {};
	struct podnet_addr addr;
	int err;

	err = podnet_nl_peer_begin(info, tb, &addr, &obj);
	if (err)
		return err;
	if (obj.peer) {
		NL_SET_ERR_MSG(info->extack, "Peer exists");
		err = -EEXIST;
		goto out;
	}
	err = podnet_nl_peer_check(tb, addr.family, info->extack);
	if (!err)
		err = podnet_nl_encap_check(obj.pn, podnet_nl_peer_encap(tb),
					    addr.family, info->extack);
	if (!err)
		err = podnet_nl_limit(obj.pn, obj.pn->nr_peers + 1, 0,
				      info->extack);
	if (err)
		goto out;
	obj.peer = podnet_peer_create(obj.pn, &addr, info->extack);
	if (IS_ERR(obj.peer)) {
		err = PTR_ERR(obj.peer);
		goto out;
	}
	podnet_nl_peer_set(obj.peer, tb);
	podnet_nl_notify(PODNET_CMD_PEER_NEW, &obj);
out:
	podnet_nl_peer_end(&obj);
	return err;
}

/**
 * podnet_nl_peer_set_doit - PEER_SET: change a peer's settings
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or -ENOENT, -EOPNOTSUPP, -EINVAL, with an extack message.
 */
int podnet_nl_peer_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PODNET_A_PEER_MAX + 1];
	struct podnet_nl_obj obj = {};
	struct podnet_addr addr;
	int err;

	err = podnet_nl_peer_begin(info, tb, &addr, &obj);
	if (err)
		return err;
	err = podnet_nl_peer_found(&obj, info);
	if (!err)
		err = podnet_nl_peer_check(tb, addr.family, info->extack);
	if (!err && tb[PODNET_A_PEER_ENCAP])
		err = podnet_nl_encap_check(obj.pn, podnet_nl_peer_encap(tb),
					    addr.family, info->extack);
	if (!err) {
		podnet_nl_peer_set(obj.peer, tb);
		podnet_nl_notify(PODNET_CMD_PEER_SET, &obj);
	}
	podnet_nl_peer_end(&obj);
	return err;
}

/**
 * podnet_nl_peer_del_doit - PEER_DEL: delete a peer and its routes
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or -ENOENT with an extack message.
 */
int podnet_nl_peer_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PODNET_A_PEER_MAX + 1];
	struct podnet_nl_obj obj = {};
	struct podnet_addr addr;
	int err;

	err = podnet_nl_peer_begin(info, tb, &addr, &obj);
	if (err)
		return err;
	err = podnet_nl_peer_found(&obj, info);
	if (!err) {
		podnet_nl_notify(PODNET_CMD_PEER_DEL, &obj);
		podnet_peer_remove(obj.pn, obj.peer);
	}
	podnet_nl_peer_end(&obj);
	return err;
}

/**
 * podnet_nl_peer_get_doit - PEER_GET: one peer, with its counters
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or -ENOENT with an extack message.
 */
int podnet_nl_peer_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PODNET_A_PEER_MAX + 1];
	struct podnet_nl_obj obj = {};
	struct podnet_addr addr;
	int err;

	err = podnet_nl_peer_begin(info, tb, &addr, &obj);
	if (err)
		return err;
	err = podnet_nl_peer_found(&obj, info);
	if (!err)
		err = podnet_nl_reply(info, PODNET_CMD_PEER_GET, &obj);
	podnet_nl_peer_end(&obj);
	return err;
}

/**
 * podnet_nl_peer_dumpit - PEER_GET dump: every peer of a device
 * @skb: the message buffer
 * @cb: the dump; cb->args[0] the peers done
 *
 * Return: the bytes put, 0 at the end, or a negative errno.
 */
int podnet_nl_peer_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
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
