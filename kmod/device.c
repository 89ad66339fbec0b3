// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the net_device and its rtnetlink link type ("ip link add pn0
 * type podnet"): setup, configuration (IFLA_PODNET_*), up and down, and
 * teardown with its namespace.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "encap.h"
#include "peer.h"
#include "podnet.h"

/* Largest MTU: the IP maximum minus the largest overhead. */
#define PODNET_MAX_MTU	(IP_MAX_MTU - PODNET_MAX_HEADROOM)

/**
 * podnet_is_dev - whether @dev is a podnet device
 * @dev: any net_device
 *
 * Return: true for a podnet device.
 */
bool podnet_is_dev(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &podnet_link_ops;
}

static int podnet_init(struct net_device *dev)
{
	struct podnet_dev *pn = netdev_priv(dev);
	int err;

	pn->drops = netdev_alloc_pcpu_stats(struct podnet_pcpu_drops);
	if (!pn->drops)
		return -ENOMEM;
	err = gro_cells_init(&pn->gro_cells, dev);
	if (err)
		goto err_free_drops;
	err = podnet_peers_setup(pn);
	if (err)
		goto err_gro_cells;
	podnet_table_setup(&pn->table);
	return 0;

err_gro_cells:
	gro_cells_destroy(&pn->gro_cells);
err_free_drops:
	free_percpu(pn->drops);
	return err;
}

/*
 * Runs after the device is closed and off its namespace's lists; the
 * receive path may still find it on its socket until a grace period ends,
 * and drops what it finds (the device is down).
 */
static void podnet_uninit(struct net_device *dev)
{
	struct podnet_dev *pn = netdev_priv(dev);

	podnet_sock_unlink(pn);
	mutex_lock(&pn->lock);
	pn->dead = true;
	podnet_peers_free(pn);
	mutex_unlock(&pn->lock);
	gro_cells_destroy(&pn->gro_cells);
}

static void podnet_destructor(struct net_device *dev)
{
	struct podnet_dev *pn = netdev_priv(dev);

	free_percpu(pn->drops);
	mutex_destroy(&pn->lock);
}

/* "pn0@eth0": the underlay device, in the namespace of get_link_net. */
static int podnet_get_iflink(const struct net_device *dev)
{
	const struct podnet_dev *pn = netdev_priv(dev);

	return READ_ONCE(pn->cfg.link);
}

static const struct net_device_ops podnet_netdev_ops = {
	.ndo_init = podnet_init,
	.ndo_uninit = podnet_uninit,
	.ndo_start_xmit = podnet_xmit,
	.ndo_get_stats64 = podnet_get_stats64,
	.ndo_get_iflink = podnet_get_iflink,
};

static void podnet_get_drvinfo(struct net_device *dev,
			       struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, PODNET_VERSION, sizeof(info->version));
}

static const struct ethtool_ops podnet_ethtool_ops = {
	.get_drvinfo = podnet_get_drvinfo,
	.get_link = ethtool_op_get_link,
};

/* DEVTYPE=podnet in the device's uevent, as wireguard and vxlan have. */
static const struct device_type podnet_type = {
	.name = "podnet",
};

static void podnet_setup(struct net_device *dev)
{
	struct podnet_dev *pn = netdev_priv(dev);

	dev->netdev_ops = &podnet_netdev_ops;
	dev->ethtool_ops = &podnet_ethtool_ops;
	/* packet sockets get the protocol from the IP version, as on ipip */
	dev->header_ops = &ip_tunnel_header_ops;
	SET_NETDEV_DEVTYPE(dev, &podnet_type);
	dev->type = ARPHRD_NONE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->mtu = PODNET_DEFAULT_MTU;
	dev->min_mtu = IPV4_MIN_MTU;
	dev->max_mtu = PODNET_MAX_MTU;
	dev->needed_headroom = PODNET_MAX_HEADROOM + LL_MAX_HEADER;
	dev->features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_FRAGLIST |
			NETIF_F_RXCSUM | NETIF_F_GSO_SOFTWARE | NETIF_F_HIGHDMA;
	dev->hw_features = dev->features;
	dev->hw_enc_features = dev->features;
	podnet_set_lltx(dev);
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->needs_free_netdev = true;
	dev->priv_destructor = podnet_destructor;
	netif_keep_dst(dev);

	pn->dev = dev;
	mutex_init(&pn->lock);
	INIT_HLIST_NODE(&pn->node);
	INIT_HLIST_NODE(&pn->sock_node);
}

static struct netlink_range_validation podnet_vni_range __ro_after_init = {
	.min = 1,
	.max = PODNET_VNI_MAX,
};

static const struct nla_policy podnet_link_policy[IFLA_PODNET_MAX + 1] = {
	[IFLA_PODNET_VNI] = NLA_POLICY_FULL_RANGE(NLA_U32, &podnet_vni_range),
	[IFLA_PODNET_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[IFLA_PODNET_LOCAL] = { .type = NLA_BINARY,
				.len = sizeof(struct in6_addr) },
	[IFLA_PODNET_LINK] = { .type = NLA_U32 },
	[IFLA_PODNET_TTL] = { .type = NLA_U8 },
	[IFLA_PODNET_TOS] = { .type = NLA_U8 },
	[IFLA_PODNET_VTEP_MAC] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[IFLA_PODNET_ENCAP] = NLA_POLICY_RANGE(NLA_U8, PODNET_ENCAP_VXLAN,
					       PODNET_ENCAP_MAX),
	[IFLA_PODNET_MAX_PEERS] = { .type = NLA_U32 },
	[IFLA_PODNET_MAX_ROUTES] = { .type = NLA_U32 },
};

static int podnet_validate(struct nlattr *tb[], struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	struct nlattr *a;

	if (!data)
		return 0;
	a = data[IFLA_PODNET_LOCAL];
	if (a && nla_len(a) != sizeof(__be32) &&
	    nla_len(a) != sizeof(struct in6_addr)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "Local address must be 4 or 16 bytes");
		return -EINVAL;
	}
	a = data[IFLA_PODNET_VTEP_MAC];
	if (a && !is_valid_ether_addr(nla_data(a))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "VTEP mac must be a unicast, non-zero address");
		return -EADDRNOTAVAIL;
	}
	return 0;
}

static bool podnet_local_any(const struct podnet_addr *a)
{
	if (a->family == AF_INET)
		return a->ip4 == htonl(INADDR_ANY);
	return ipv6_addr_any(&a->ip6);
}

/* Whether @a is an address of the namespace @net. */
static bool podnet_local_ok(struct net *net, const struct podnet_addr *a)
{
	if (a->family == AF_INET)
		return inet_addr_type(net, a->ip4) == RTN_LOCAL;
#if IS_ENABLED(CONFIG_IPV6)
	return ipv6_chk_addr(net, &a->ip6, NULL, 0);
#else
	return false;
#endif
}

/*
 * Reads IFLA_PODNET_* into @cfg (which holds the current or default
 * values) and checks them against the namespace @net.
 */
static int podnet_parse_cfg(struct net *net, struct nlattr *data[],
			    struct podnet_cfg *cfg,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *a;

	if (!data)
		return 0;
	if (data[IFLA_PODNET_VNI])
		cfg->vni = nla_get_u32(data[IFLA_PODNET_VNI]);
	if (data[IFLA_PODNET_PORT])
		cfg->port = nla_get_u16(data[IFLA_PODNET_PORT]);
	if (data[IFLA_PODNET_TTL])
		cfg->ttl = nla_get_u8(data[IFLA_PODNET_TTL]);
	if (data[IFLA_PODNET_TOS])
		cfg->tos = nla_get_u8(data[IFLA_PODNET_TOS]);
	if (data[IFLA_PODNET_ENCAP])
		cfg->encap = nla_get_u8(data[IFLA_PODNET_ENCAP]);
	if (data[IFLA_PODNET_VTEP_MAC])
		cfg->mac =
			ether_addr_to_u64(nla_data(data[IFLA_PODNET_VTEP_MAC]));
	if (data[IFLA_PODNET_MAX_PEERS])
		cfg->max_peers = nla_get_u32(data[IFLA_PODNET_MAX_PEERS]);
	if (data[IFLA_PODNET_MAX_ROUTES])
		cfg->max_routes = nla_get_u32(data[IFLA_PODNET_MAX_ROUTES]);

	a = data[IFLA_PODNET_LOCAL];
	if (a) {
		podnet_addr_set(&cfg->local, nla_data(a), nla_len(a));
		if (podnet_local_any(&cfg->local)) {
			memset(&cfg->local, 0, sizeof(cfg->local));
		} else if (!podnet_local_ok(net, &cfg->local)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "Local address is not an address of this namespace");
			return -EADDRNOTAVAIL;
		}
	}

	a = data[IFLA_PODNET_LINK];
	if (a) {
		cfg->link = nla_get_u32(a);
		if (cfg->link && !__dev_get_by_index(net, cfg->link)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "Underlay device not found");
			return -ENODEV;
		}
	}
	return 0;
}

/*
 * The automatic MTU of a configuration: the underlay device's MTU (1500
 * without one) minus the overhead of the device's format over the family
 * of its local address (IPv4 when none). AUTO counts as its fallback,
 * VXLAN.
 */
static unsigned int podnet_auto_mtu(struct net *net,
				    const struct podnet_cfg *cfg)
{
	struct net_device *lower = cfg->link ?
				   __dev_get_by_index(net, cfg->link) : NULL;
	unsigned int mtu = lower ? lower->mtu : ETH_DATA_LEN;
	u32 family = cfg->local.family ?: AF_INET;
	u8 encap = cfg->encap;

	if (encap == PODNET_ENCAP_AUTO)
		encap = PODNET_ENCAP_VXLAN;
	if (encap == PODNET_ENCAP_IPIP)		/* IPv4 underlay only */
		family = AF_INET;
	mtu -= min(mtu, podnet_encap_overhead(encap, family));
	return max_t(unsigned int, mtu, IPV4_MIN_MTU);
}

/* The largest MTU: the automatic one over an underlay device. */
static unsigned int podnet_max_mtu(struct net *net,
				   const struct podnet_cfg *cfg)
{
	return cfg->link ? podnet_auto_mtu(net, cfg) : PODNET_MAX_MTU;
}

/*
 * The vtep mac of @cfg when none was given: derived from the local address
 * and the VNI (podnet_vtep_mac()), so that it is the same after the device
 * is made again; random without a local address.
 */
static void podnet_default_mac(struct podnet_cfg *cfg)
{
	u8 mac[ETH_ALEN];

	if (cfg->local.family) {
		cfg->mac = podnet_vtep_mac(cfg->local.family,
					   podnet_addr_raw(&cfg->local),
					   cfg->vni);
		return;
	}
	eth_random_addr(mac);
	cfg->mac = ether_addr_to_u64(mac);
}

/* The MTU of a new device, or an error for one out of range. */
static int podnet_new_mtu(struct net *net, struct net_device *dev,
			  struct nlattr *tb[], const struct podnet_cfg *cfg,
			  struct netlink_ext_ack *extack)
{
	struct podnet_dev *pn = netdev_priv(dev);
	u32 mtu;

	pn->auto_mtu = podnet_auto_mtu(net, cfg);
	dev->max_mtu = podnet_max_mtu(net, cfg);
	dev->mtu = pn->auto_mtu;
	if (!tb[IFLA_MTU])
		return 0;
	mtu = nla_get_u32(tb[IFLA_MTU]);
	if (mtu < dev->min_mtu || mtu > dev->max_mtu) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MTU],
				    "MTU out of range for the underlay");
		return -EINVAL;
	}
	dev->mtu = mtu;
	return 0;
}

static int podnet_newlink(struct net *src_net, struct net_device *dev,
			  struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct podnet_net *pnet = net_generic(src_net, podnet_net_id);
	struct podnet_dev *pn = netdev_priv(dev);
	struct podnet_sock *ps;
	int err;

	pn->net = src_net;
	pn->cfg.vni = PODNET_DEFAULT_VNI;
	pn->cfg.port = PODNET_DEFAULT_PORT;
	pn->cfg.encap = PODNET_ENCAP_VXLAN;
	err = podnet_parse_cfg(src_net, data, &pn->cfg, extack);
	if (err)
		return err;
	pn->mac_given = data && data[IFLA_PODNET_VTEP_MAC];
	if (!pn->mac_given)
		podnet_default_mac(&pn->cfg);
	err = podnet_new_mtu(src_net, dev, tb, &pn->cfg, extack);
	if (err)
		return err;

	/* The port first: "ip link set up" has nothing left to refuse. */
	ps = podnet_sock_get(src_net, pn->cfg.port, extack);
	if (IS_ERR(ps))
		return PTR_ERR(ps);
	if (podnet_sock_vni_busy(ps, NULL, pn->cfg.vni)) {
		NL_SET_ERR_MSG(extack,
			       "VNI already used by another podnet device on this UDP port");
		err = -EADDRINUSE;
		goto err_put;
	}
	err = register_netdevice(dev);
	if (err)
		goto err_put;
	podnet_sock_link(pn, ps);
	hlist_add_head_rcu(&pn->node, &pnet->devs);
	return 0;

err_put:
	podnet_sock_put(ps);
	return err;
}

/* A device encap of ipip leaves no IPv6 peer without a format it can use. */
static int podnet_encap_check(struct podnet_dev *pn, u8 encap,
			      struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	struct podnet_peer *peer;

	if (encap != PODNET_ENCAP_IPIP)
		return 0;
	lockdep_assert_held(&pn->lock);
	list_for_each_entry(peer, &pn->peer_list, list) {
		u8 own = peer->encap;

		if (peer->addr.family == AF_INET6 &&
		    (own == PODNET_ENCAP_UNSPEC || own == PODNET_ENCAP_AUTO)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "encap ipip needs IPv4 peers: give the IPv6 peers an encap of their own first");
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/*
 * The new MTU of a device whose settings change: an automatic MTU follows
 * them, one set by hand stays unless it is now too large. Nothing changes
 * on error.
 */
static int podnet_change_mtu(struct podnet_dev *pn,
			     const struct podnet_cfg *cfg,
			     struct netlink_ext_ack *extack)
{
	struct net_device *dev = pn->dev;
	unsigned int auto_mtu = podnet_auto_mtu(pn->net, cfg);
	unsigned int old_max = dev->max_mtu;
	int err;

	dev->max_mtu = podnet_max_mtu(pn->net, cfg);
	if (dev->mtu == pn->auto_mtu || dev->mtu > dev->max_mtu) {
		err = dev_set_mtu(dev, auto_mtu);
		if (err) {
			dev->max_mtu = old_max;
			NL_SET_ERR_MSG(extack,
				       "Cannot give the device the MTU of its new settings");
			return err;
		}
	}
	pn->auto_mtu = auto_mtu;
	return 0;
}

static int podnet_changelink(struct net_device *dev, struct nlattr *tb[],
			     struct nlattr *data[],
			     struct netlink_ext_ack *extack)
{
	struct podnet_dev *pn = netdev_priv(dev);
	struct podnet_sock *old = rtnl_dereference(pn->sock), *ps = old;
	struct podnet_cfg cfg = pn->cfg;
	bool underlay, mac_given;
	int err;

	err = podnet_parse_cfg(pn->net, data, &cfg, extack);
	if (err)
		return err;
	underlay = cfg.port != pn->cfg.port || cfg.link != pn->cfg.link ||
		   !podnet_addr_equal(&cfg.local, &pn->cfg.local);
	if (underlay && netif_running(dev)) {
		NL_SET_ERR_MSG(extack,
			       "Set the device down to change its port, local address or underlay device");
		return -EBUSY;
	}
	mac_given = pn->mac_given || (data && data[IFLA_PODNET_VTEP_MAC]);
	if (!mac_given && (cfg.vni != pn->cfg.vni || underlay))
		podnet_default_mac(&cfg);

	/* A new port is taken first: every later step can be undone. */
	if (cfg.port != pn->cfg.port) {
		ps = podnet_sock_get(pn->net, cfg.port, extack);
		if (IS_ERR(ps))
			return PTR_ERR(ps);
	}
	if ((ps != old || cfg.vni != pn->cfg.vni) &&
	    podnet_sock_vni_busy(ps, pn, cfg.vni)) {
		NL_SET_ERR_MSG(extack,
			       "VNI already used by another podnet device on this UDP port");
		err = -EADDRINUSE;
		goto err_put;
	}

	/* Checked, and set, where peer and route changes cannot interleave */
	mutex_lock(&pn->lock);
	if (cfg.encap != pn->cfg.encap)
		err = podnet_encap_check(pn, cfg.encap,
					 data ? data[IFLA_PODNET_ENCAP] : NULL,
					 extack);
	if (!err)
		err = podnet_change_mtu(pn, &cfg, extack);
	if (err) {
		mutex_unlock(&pn->lock);
		goto err_put;
	}
	WRITE_ONCE(pn->cfg.vni, cfg.vni);
	WRITE_ONCE(pn->cfg.ttl, cfg.ttl);
	WRITE_ONCE(pn->cfg.tos, cfg.tos);
	WRITE_ONCE(pn->cfg.mac, cfg.mac);
	WRITE_ONCE(pn->cfg.encap, cfg.encap);
	pn->cfg.max_peers = cfg.max_peers;
	pn->cfg.max_routes = cfg.max_routes;
	pn->mac_given = mac_given;
	if (underlay) {
		pn->cfg.port = cfg.port;
		pn->cfg.link = cfg.link;
		pn->cfg.local = cfg.local;
		podnet_peers_reset_dst(pn);
	}
	mutex_unlock(&pn->lock);

	if (ps != old)
		podnet_sock_link(pn, ps);
	else
		podnet_sock_offload(ps);	/* the encap may have changed */
	return 0;

err_put:
	if (ps != old)
		podnet_sock_put(ps);
	return err;
}

static void podnet_dellink(struct net_device *dev, struct list_head *head)
{
	struct podnet_dev *pn = netdev_priv(dev);

	/* Twice when its namespace and its socket's namespace die together. */
	hlist_del_init_rcu(&pn->node);
	unregister_netdevice_queue(dev, head);
}

/**
 * podnet_dev_lower_gone - delete the devices over an underlay device that
 * goes away
 * @lower: the underlay device, being unregistered (or moved to another
 *	   namespace)
 *
 * As vxlan does: a device whose underlay is gone would keep a dead ifindex.
 *
 * Context: RTNL (the netdevice notifier).
 */
void podnet_dev_lower_gone(struct net_device *lower)
{
	struct podnet_net *pnet = net_generic(dev_net(lower), podnet_net_id);
	struct hlist_node *tmp;
	struct podnet_dev *pn;
	LIST_HEAD(kill);

	hlist_for_each_entry_safe(pn, tmp, &pnet->devs, node)
		if (pn->cfg.link == lower->ifindex)
			podnet_dellink(pn->dev, &kill);
	unregister_netdevice_many(&kill);
}

/**
 * podnet_dev_lower_mtu - follow the MTU of an underlay device
 * @lower: the underlay device, whose MTU changed
 *
 * The devices over it get a new largest MTU; an automatic MTU follows, one
 * set by hand stays unless it is now too large.
 *
 * Context: RTNL (the netdevice notifier).
 */
void podnet_dev_lower_mtu(struct net_device *lower)
{
	struct podnet_net *pnet = net_generic(dev_net(lower), podnet_net_id);
	struct podnet_dev *pn;

	hlist_for_each_entry(pn, &pnet->devs, node)
		if (pn->cfg.link == lower->ifindex &&
		    podnet_change_mtu(pn, &pn->cfg, NULL))
			netdev_warn(pn->dev, "cannot follow %s's MTU %u\n",
				    lower->name, lower->mtu);
}

static size_t podnet_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32)) +		/* VNI */
	       nla_total_size(sizeof(u16)) +		/* PORT */
	       nla_total_size(sizeof(struct in6_addr)) + /* LOCAL */
	       nla_total_size(sizeof(u32)) +		/* LINK */
	       nla_total_size(sizeof(u8)) * 3 +		/* TTL, TOS, ENCAP */
	       nla_total_size(ETH_ALEN);		/* VTEP_MAC */
}

static int podnet_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct podnet_dev *pn = netdev_priv(dev);
	const struct podnet_cfg *cfg = &pn->cfg;
	u8 mac[ETH_ALEN];

	u64_to_ether_addr(READ_ONCE(cfg->mac), mac);
	if (nla_put_u32(skb, IFLA_PODNET_VNI, READ_ONCE(cfg->vni)) ||
	    nla_put_u16(skb, IFLA_PODNET_PORT, cfg->port) ||
	    nla_put_u32(skb, IFLA_PODNET_LINK, cfg->link) ||
	    nla_put_u8(skb, IFLA_PODNET_TTL, READ_ONCE(cfg->ttl)) ||
	    nla_put_u8(skb, IFLA_PODNET_TOS, READ_ONCE(cfg->tos)) ||
	    nla_put_u8(skb, IFLA_PODNET_ENCAP, cfg->encap) ||
	    nla_put(skb, IFLA_PODNET_VTEP_MAC, ETH_ALEN, mac) ||
	    nla_put_u32(skb, IFLA_PODNET_MAX_PEERS, cfg->max_peers) ||
	    nla_put_u32(skb, IFLA_PODNET_MAX_ROUTES, cfg->max_routes))
		return -EMSGSIZE;
	if (cfg->local.family &&
	    nla_put(skb, IFLA_PODNET_LOCAL, podnet_addr_len(cfg->local.family),
		    podnet_addr_raw(&cfg->local)))
		return -EMSGSIZE;
	return 0;
}

static struct net *podnet_get_link_net(const struct net_device *dev)
{
	const struct podnet_dev *pn = netdev_priv(dev);

	return pn->net;
}

struct rtnl_link_ops podnet_link_ops __read_mostly = {
	.kind = "podnet",
	.maxtype = IFLA_PODNET_MAX,
	.policy = podnet_link_policy,
	.priv_size = sizeof(struct podnet_dev),
	.setup = podnet_setup,
	.validate = podnet_validate,
	.newlink = podnet_newlink,
	.changelink = podnet_changelink,
	.dellink = podnet_dellink,
	.get_size = podnet_get_size,
	.fill_info = podnet_fill_info,
	.get_link_net = podnet_get_link_net,
};

static int __net_init podnet_net_init(struct net *net)
{
	struct podnet_net *pnet = net_generic(net, podnet_net_id);

	INIT_HLIST_HEAD(&pnet->devs);
	INIT_LIST_HEAD(&pnet->socks);
	pnet->drops = netdev_alloc_pcpu_stats(struct podnet_pcpu_drops);
	return pnet->drops ? 0 : -ENOMEM;
}

/* Devices in other namespaces whose socket lives in a dying one go too. */
static void __net_exit podnet_net_exit_rtnl(struct list_head *net_list,
					    struct list_head *dev_kill_list)
{
	struct hlist_node *tmp;
	struct podnet_dev *pn;
	struct net *net;

	list_for_each_entry(net, net_list, exit_list) {
		struct podnet_net *pnet = net_generic(net, podnet_net_id);

		hlist_for_each_entry_safe(pn, tmp, &pnet->devs, node)
			podnet_dellink(pn->dev, dev_kill_list);
	}
}

/* After the devices: their sockets, closed, counted here until now. */
static void __net_exit podnet_net_exit(struct net *net)
{
	struct podnet_net *pnet = net_generic(net, podnet_net_id);

	WARN_ON_ONCE(!list_empty(&pnet->socks));
	free_percpu(pnet->drops);
}

unsigned int podnet_net_id __read_mostly;

static struct pernet_operations podnet_net_ops = {
	.init = podnet_net_init,
	.exit_batch_rtnl = podnet_net_exit_rtnl,
	.exit = podnet_net_exit,
	.id = &podnet_net_id,
	.size = sizeof(struct podnet_net),
};

/**
 * podnet_device_init - register the namespace state and the link type
 *
 * Return: 0 or a negative errno.
 */
int podnet_device_init(void)
{
	int err;

	err = register_pernet_subsys(&podnet_net_ops);
	if (err)
		return err;
	err = rtnl_link_register(&podnet_link_ops);
	if (err)
		goto err_pernet;
	return 0;

err_pernet:
	unregister_pernet_subsys(&podnet_net_ops);
	return err;
}

/**
 * podnet_device_exit - unregister the link type (deleting every device)
 * and the namespace state
 */
void podnet_device_exit(void)
{
	rtnl_link_unregister(&podnet_link_ops);
	unregister_pernet_subsys(&podnet_net_ops);
}
