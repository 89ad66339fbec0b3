// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the net_device and its rtnetlink link type ("ip link add pn0
 * type podnet"): setup, configuration (IFLA_PODNET_*), up and down, and
 * teardown with its namespace.
 */
#include <linux/etherdevice.h>
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
 * podnet_drops_sum - add per-CPU drop counters to @sum
 * @drops: the counters
 * @sum: sums indexed by enum podnet_stat
 */
void podnet_drops_sum(struct podnet_pcpu_drops __percpu *drops, u64 *sum)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct podnet_pcpu_drops *d = per_cpu_ptr(drops, cpu);
		u64 n[__PODNET_STAT_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&d->syncp);
			for (i = 0; i < __PODNET_STAT_MAX; i++)
				n[i] = u64_stats_read(&d->n[i]);
		} while (u64_stats_fetch_retry(&d->syncp, start));
		for (i = 0; i < __PODNET_STAT_MAX; i++)
			sum[i] += n[i];
	}
}

/**
 * podnet_dev_stats - the drop counters of a device, by reason
 * @pn: the device
 * @sum: zeroed array of __PODNET_STAT_MAX counters to add to
 *
 * Drops that happen before a device is known (bad header, unknown VNI)
 * are counted on the socket and shown on every device of its port.
 *
 * Context: RTNL.
 */
void podnet_dev_stats(struct podnet_dev *pn, u64 *sum)
{
	podnet_drops_sum(pn->drops, sum);
	podnet_sock_drops(pn, sum);
}

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

/* Runs after the device is closed and the packet path has let go of it. */
static void podnet_uninit(struct net_device *dev)
{
	struct podnet_dev *pn = netdev_priv(dev);

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

static int podnet_open(struct net_device *dev)
{
	struct podnet_dev *pn = netdev_priv(dev);
	struct podnet_net *pnet = net_generic(pn->net, podnet_net_id);
	int err;

	err = podnet_sock_attach(pn, NULL);
	if (err)
		return err;
	hlist_add_head_rcu(&pn->up_node, &pnet->up_devs);
	return 0;
}

static int podnet_stop(struct net_device *dev)
{
	struct podnet_dev *pn = netdev_priv(dev);

	hlist_del_init_rcu(&pn->up_node);
	podnet_sock_detach(pn);
	return 0;
}

static const struct net_device_ops podnet_netdev_ops = {
	.ndo_init = podnet_init,
	.ndo_uninit = podnet_uninit,
	.ndo_open = podnet_open,
	.ndo_stop = podnet_stop,
	.ndo_start_xmit = podnet_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
};

static void podnet_setup(struct net_device *dev)
{
	struct podnet_dev *pn = netdev_priv(dev);

	dev->netdev_ops = &podnet_netdev_ops;
	dev->header_ops = NULL;
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
	INIT_HLIST_NODE(&pn->sock_node);
	INIT_HLIST_NODE(&pn->up_node);
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

static int podnet_newlink(struct net *src_net, struct net_device *dev,
			  struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct podnet_net *pnet = net_generic(src_net, podnet_net_id);
	struct podnet_dev *pn = netdev_priv(dev);
	u8 mac[ETH_ALEN];
	int err;

	pn->net = src_net;
	pn->cfg.vni = PODNET_DEFAULT_VNI;
	pn->cfg.port = PODNET_DEFAULT_PORT;
	pn->cfg.encap = PODNET_ENCAP_VXLAN;
	eth_random_addr(mac);
	pn->cfg.mac = ether_addr_to_u64(mac);
	err = podnet_parse_cfg(src_net, data, &pn->cfg, extack);
	if (err)
		return err;

	dev->max_mtu = podnet_max_mtu(src_net, &pn->cfg);
	dev->mtu = podnet_auto_mtu(src_net, &pn->cfg);
	if (tb[IFLA_MTU]) {
		u32 mtu = nla_get_u32(tb[IFLA_MTU]);

		if (mtu < dev->min_mtu || mtu > dev->max_mtu) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MTU],
					    "MTU out of range for the underlay");
			return -EINVAL;
		}
		dev->mtu = mtu;
	}

	err = register_netdevice(dev);
	if (err)
		return err;
	list_add(&pn->list, &pnet->devs);
	return 0;
}

static int podnet_changelink(struct net_device *dev, struct nlattr *tb[],
			     struct nlattr *data[],
			     struct netlink_ext_ack *extack)
{
	struct podnet_dev *pn = netdev_priv(dev);
	struct podnet_cfg cfg = pn->cfg;
	bool underlay;
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
	if (cfg.vni != pn->cfg.vni && podnet_sock_vni_busy(pn, cfg.vni)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_PODNET_VNI],
				    "VNI already used by another device on this UDP port");
		return -EADDRINUSE;
	}

	/* An automatic MTU follows; a larger one than allowed shrinks. */
	dev->max_mtu = podnet_max_mtu(pn->net, &cfg);
	if (dev->mtu == podnet_auto_mtu(pn->net, &pn->cfg) ||
	    dev->mtu > dev->max_mtu)
		dev_set_mtu(dev, podnet_auto_mtu(pn->net, &cfg));

	WRITE_ONCE(pn->cfg.vni, cfg.vni);
	WRITE_ONCE(pn->cfg.ttl, cfg.ttl);
	WRITE_ONCE(pn->cfg.tos, cfg.tos);
	WRITE_ONCE(pn->cfg.mac, cfg.mac);
	WRITE_ONCE(pn->cfg.encap, cfg.encap);
	if (underlay) {
		pn->cfg.port = cfg.port;
		pn->cfg.link = cfg.link;
		pn->cfg.local = cfg.local;
		mutex_lock(&pn->lock);
		podnet_peers_reset_dst(pn);
		mutex_unlock(&pn->lock);
	}
	return 0;
}

static void podnet_dellink(struct net_device *dev, struct list_head *head)
{
	struct podnet_dev *pn = netdev_priv(dev);

	/* Twice when its namespace and its socket's namespace die together. */
	list_del_init(&pn->list);
	unregister_netdevice_queue(dev, head);
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
	    nla_put(skb, IFLA_PODNET_VTEP_MAC, ETH_ALEN, mac))
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

	INIT_LIST_HEAD(&pnet->devs);
	INIT_LIST_HEAD(&pnet->socks);
	INIT_HLIST_HEAD(&pnet->up_devs);
	return 0;
}

/* Devices in other namespaces whose socket lives in a dying one go too. */
static void __net_exit podnet_net_exit_rtnl(struct list_head *net_list,
					    struct list_head *dev_kill_list)
{
	struct podnet_dev *pn, *tmp;
	struct net *net;

	list_for_each_entry(net, net_list, exit_list) {
		struct podnet_net *pnet = net_generic(net, podnet_net_id);

		list_for_each_entry_safe(pn, tmp, &pnet->devs, list)
			podnet_dellink(pn->dev, dev_kill_list);
	}
}

static void __net_exit podnet_net_exit(struct net *net)
{
	struct podnet_net *pnet = net_generic(net, podnet_net_id);

	WARN_ON_ONCE(!list_empty(&pnet->socks));
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
