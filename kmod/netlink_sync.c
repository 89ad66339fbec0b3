// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: SYNC, the control plane's full resync. The request gives every
 * route of the device (and settings for some peers); the device ends with
 * exactly those routes and the peers they name. It is all checked before
 * anything a packet sees changes: the new table is built aside, the peers
 * it needs are made (unreachable until the table names them), their
 * settings are set, and only then is the table published, at once. On any
 * error nothing changes.
 */
#include <net/genetlink.h>

#include "netlink.h"
#include "peer.h"
#include "podnet.h"

/*
 * Names @addr's peer in a SYNC: finds or creates it, keeps it, and notes
 * its own format as it stands (a peer nest may change that).
 */
static struct podnet_peer *podnet_nl_sync_peer(struct podnet_dev *pn,
					       const struct podnet_addr *addr,
					       struct netlink_ext_ack *extack)
{
	struct podnet_peer *peer = podnet_peer_find(pn, addr);

	if (!peer) {
		peer = podnet_peer_create(pn, addr, extack);
		if (IS_ERR(peer))
			return peer;
		peer->sync = PODNET_PEER_SYNC_NEW;
		peer->sync_encap = PODNET_ENCAP_UNSPEC;
	} else if (peer->sync == PODNET_PEER_SYNC_STALE) {
		peer->sync = PODNET_PEER_SYNC_KEEP;
		peer->sync_encap = peer->encap;
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
			if (err)
				return err;
			peer = podnet_nl_sync_peer(pn, &addr, info->extack);
			if (IS_ERR(peer))
				return PTR_ERR(peer);
			if (tb[PODNET_A_PEER_ENCAP])
				peer->sync_encap = podnet_nl_peer_encap(tb);
			break;
		}
	}
	return 0;
}

/*
 * What ROUTE_NEW and PEER_NEW would check, on the device as it will be:
 * every peer has a format its family can carry, and the device's limits
 * hold.
 */
static int podnet_nl_sync_check(struct podnet_dev *pn,
				const struct podnet_table *staged,
				struct netlink_ext_ack *extack)
{
	struct podnet_peer *peer;
	unsigned int peers = 0;
	int err;

	list_for_each_entry(peer, &pn->peer_list, list) {
		if (peer->sync == PODNET_PEER_SYNC_STALE)
			continue;
		peers++;
		err = podnet_nl_encap_check(pn, peer->sync_encap,
					    peer->addr.family, extack);
		if (err)
			return err;
	}
	return podnet_nl_limit(pn, peers, staged->count, extack);
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

/**
 * podnet_nl_sync_doit - SYNC: replace a device's peers and routes at once
 * @skb: the request
 * @info: its attributes: repeated PODNET_A_ROUTE and PODNET_A_PEER nests
 *
 * Return: 0, or a negative errno with an extack message; nothing changed
 * then.
 */
int podnet_nl_sync_doit(struct sk_buff *skb, struct genl_info *info)
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
	if (!err)
		err = podnet_nl_sync_check(obj.pn, &staged, info->extack);
	if (!err) {
		/* the peers' settings, then the table that reaches them */
		podnet_nl_sync_peers_set(obj.pn, info);
		podnet_table_swap(&obj.pn->table, &staged, &obj.pn->lock);
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
	podnet_nl_put_dev_ref(obj.pn);
	return err;
}
