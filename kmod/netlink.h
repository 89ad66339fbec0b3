/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnet: what the files of the generic netlink family share. netlink.c
 * holds the family, its messages and the device commands; netlink_peer.c,
 * netlink_route.c and netlink_sync.c one command each per function.
 */
#ifndef _PODNET_NETLINK_H
#define _PODNET_NETLINK_H

#include <net/genetlink.h>
#include <uapi/linux/podnet.h>

#include "addr.h"

struct podnet_dev;
struct podnet_peer;

/**
 * struct podnet_nl_obj - one object to put in a message
 * @pn: the device
 * @peer: the peer, for peer and route messages
 * @prefix: the route's prefix, for route messages
 * @len: its length
 */
struct podnet_nl_obj {
	struct podnet_dev *pn;
	struct podnet_peer *peer;
	const struct podnet_addr *prefix;
	u8 len;
};

/**
 * struct podnet_nl_route - a route of a request
 * @prefix: the prefix, checked
 * @via: the peer's address; family 0 when not given
 * @len: the prefix length
 * @replace: PODNET_A_ROUTE_REPLACE was given
 */
struct podnet_nl_route {
	struct podnet_addr prefix;
	struct podnet_addr via;
	u8 len;
	bool replace;
};

extern const struct nla_policy podnet_peer_policy[PODNET_A_PEER_MAX + 1];
extern const struct nla_policy podnet_route_policy[PODNET_A_ROUTE_MAX + 1];

/* netlink.c */
struct podnet_dev *podnet_nl_dev(struct net *net, struct nlattr **attrs,
				 struct netlink_ext_ack *extack);
int podnet_nl_lock(struct podnet_dev *pn, struct netlink_ext_ack *extack);
void podnet_nl_put_dev_ref(struct podnet_dev *pn);
int podnet_nl_nest(struct nlattr **tb, int maxtype, struct nlattr *attr,
		   const struct nla_policy *policy, struct genl_info *info);
int podnet_nl_msg(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		  u8 cmd, const struct podnet_nl_obj *obj,
		  struct netlink_callback *cb);
int podnet_nl_reply(struct genl_info *info, u8 cmd,
		    const struct podnet_nl_obj *obj);
void podnet_nl_notify(u8 cmd, const struct podnet_nl_obj *obj);
struct podnet_dev *podnet_nl_dump_dev(struct sk_buff *skb,
				      struct netlink_callback *cb);
void podnet_nl_dump_done(struct podnet_dev *pn);
int podnet_nl_limit(struct podnet_dev *pn, unsigned int peers,
		    unsigned int routes, struct netlink_ext_ack *extack);

/* netlink_peer.c */
u8 podnet_nl_peer_encap(struct nlattr **tb);
int podnet_nl_encap_check(struct podnet_dev *pn, u8 encap, u32 family,
			  struct netlink_ext_ack *extack);
void podnet_nl_peer_set(struct podnet_peer *peer, struct nlattr **tb);
int podnet_nl_peer_new_doit(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_peer_set_doit(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_peer_del_doit(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_peer_get_doit(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_peer_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* netlink_route.c */
int podnet_nl_route_parse(struct nlattr *nest, bool need_via,
			  struct podnet_nl_route *r, struct genl_info *info);
int podnet_nl_route_new_doit(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_route_del_doit(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_route_get_doit(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_route_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* netlink_sync.c */
int podnet_nl_sync_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _PODNET_NETLINK_H */
