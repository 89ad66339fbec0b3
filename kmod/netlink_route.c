// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the route commands of the generic netlink family: ROUTE_NEW,
 * ROUTE_DEL and ROUTE_GET (do: the route of an address or a prefix; dump:
 * every route, grouped by peer), one function each.
 */
#include <net/genetlink.h>

#include "netlink.h"
#include "peer.h"
#include "podnet.h"

/**
 * podnet_nl_route_parse - read a route nest
 * @nest: the PODNET_A_ROUTE nest
 * @need_via: the route must name its peer
 * @r: filled: a checked prefix and length, and the peer when given
 * @info: the request
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int podnet_nl_route_parse(struct nlattr *nest, bool need_via,
			  struct podnet_nl_route *r, struct genl_info *info)
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

/* The device of a route command, locked (unlock, then put its reference). */
static int podnet_nl_route_dev(struct genl_info *info,
			       struct podnet_nl_obj *obj)
{
	int err;

	obj->pn = podnet_nl_dev(genl_info_net(info), info->attrs,
				info->extack);
	if (IS_ERR(obj->pn))
		return PTR_ERR(obj->pn);
	err = podnet_nl_lock(obj->pn, info->extack);
	if (err)
		podnet_nl_put_dev_ref(obj->pn);
	return err;
}

static void podnet_nl_route_end(struct podnet_nl_obj *obj)
{
	mutex_unlock(&obj->pn->lock);
	podnet_nl_put_dev_ref(obj->pn);
}

/*
 * The peer a new route names: found, or created with the device's
 * defaults (and announced) when the device may have one more.
 */
static struct podnet_peer *podnet_nl_route_peer(struct podnet_dev *pn,
						const struct podnet_addr *via,
						bool *created,
						struct genl_info *info)
{
	struct podnet_nl_obj obj = { .pn = pn };
	int err;

	obj.peer = podnet_peer_find(pn, via);
	if (obj.peer)
		return obj.peer;
	err = podnet_nl_encap_check(pn, PODNET_ENCAP_UNSPEC, via->family,
				    info->extack);
	if (!err)
		err = podnet_nl_limit(pn, pn->nr_peers + 1, 0, info->extack);
	if (err)
		return ERR_PTR(err);
	obj.peer = podnet_peer_create(pn, via, info->extack);
	if (!IS_ERR(obj.peer)) {
		*created = true;
		podnet_nl_notify(PODNET_CMD_PEER_NEW, &obj);
	}
	return obj.peer;
}

/**
 * podnet_nl_route_new_doit - ROUTE_NEW: add a route (or move one, with
 * PODNET_A_ROUTE_REPLACE), creating its peer when it is unknown
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or -EEXIST, -ENOSPC (max-peers, max-routes), -EOPNOTSUPP,
 * -EINVAL, -ENOMEM, with an extack message.
 */
int podnet_nl_route_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct podnet_nl_obj obj = {};
	struct podnet_nl_route r;
	bool created = false;
	int err;

	err = podnet_nl_route_parse(info->attrs[PODNET_A_ROUTE], true, &r,
				    info);
	if (err)
		return err;
	obj.prefix = &r.prefix;
	obj.len = r.len;
	err = podnet_nl_route_dev(info, &obj);
	if (err)
		return err;

	if (!podnet_table_find(&obj.pn->table, &r.prefix, r.len)) {
		err = podnet_nl_limit(obj.pn, 0, obj.pn->table.count + 1,
				      info->extack);
		if (err)
			goto out;
	}
	obj.peer = podnet_nl_route_peer(obj.pn, &r.via, &created, info);
	if (IS_ERR(obj.peer)) {
		err = PTR_ERR(obj.peer);
		goto out;
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
		goto out;
	}
	obj.pn->genid++;
	podnet_nl_notify(PODNET_CMD_ROUTE_NEW, &obj);
out:
	podnet_nl_route_end(&obj);
	return err;
}

/**
 * podnet_nl_route_del_doit - ROUTE_DEL: delete a route (via a given peer,
 * when PODNET_A_ROUTE_VIA is there)
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or -ENOENT, -ESRCH (another peer's), -EINVAL, with an extack
 * message.
 */
int podnet_nl_route_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct podnet_nl_obj obj = {};
	struct podnet_nl_route r;
	int err;

	err = podnet_nl_route_parse(info->attrs[PODNET_A_ROUTE], false, &r,
				    info);
	if (err)
		return err;
	obj.prefix = &r.prefix;
	obj.len = r.len;
	err = podnet_nl_route_dev(info, &obj);
	if (err)
		return err;

	obj.peer = podnet_table_find(&obj.pn->table, &r.prefix, r.len);
	if (!obj.peer) {
		NL_SET_ERR_MSG(info->extack, "Route not found");
		err = -ENOENT;
	} else if (r.via.family &&
		   !podnet_addr_equal(&obj.peer->addr, &r.via)) {
		NL_SET_ERR_MSG(info->extack, "Route goes via another peer");
		err = -ESRCH;
	} else {
		podnet_table_remove(&obj.pn->table, &r.prefix, r.len,
				    &obj.pn->lock);
		obj.pn->genid++;
		podnet_nl_notify(PODNET_CMD_ROUTE_DEL, &obj);
	}
	podnet_nl_route_end(&obj);
	return err;
}

/**
 * podnet_nl_route_get_doit - ROUTE_GET: the route that holds an address,
 * or the route of an exact prefix (with PODNET_A_ROUTE_PREFIX_LEN)
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, or -ENOENT, -EINVAL, with an extack message.
 */
int podnet_nl_route_get_doit(struct sk_buff *skb, struct genl_info *info)
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
	err = podnet_nl_route_dev(info, &obj);
	if (err)
		return err;

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
	podnet_nl_route_end(&obj);
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

/**
 * podnet_nl_route_dumpit - ROUTE_GET dump: every route, grouped by peer
 * @skb: the message buffer
 * @cb: the dump; the cursor is cb->args[0] peers done and cb->args[1]
 *	routes done of the next peer
 *
 * Return: the bytes put, 0 at the end, or a negative errno.
 */
int podnet_nl_route_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
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
