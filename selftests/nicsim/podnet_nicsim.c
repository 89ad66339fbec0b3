// SPDX-License-Identifier: GPL-2.0
/*
 * podnet_nicsim: a test fixture for podnet's selftests, not part of podnet.
 *
 * "ip link add nic0 type podnet_nicsim" makes a device that takes UDP
 * tunnel ports the way a NIC with VXLAN offload does (udp_tunnel_nic: one
 * table of VXLAN ports, one of VXLAN-GPE and Geneve ports, 16 entries
 * each; a port's IPv4 and IPv6 sockets share an entry) and logs every port
 * the stack gives it or takes back:
 *
 *	nic0: podnet_nicsim: add port 8472 vxlan ipv4
 *	nic0: podnet_nicsim: del port 8472 vxlan ipv4
 *
 * Debian's kernels have no netdevsim, whose udp_tunnel_nic support this
 * imitates; this one builds out of tree for every kernel the selftests run.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/rtnetlink.h>
#include <net/udp_tunnel.h>

static const char *nicsim_type(unsigned int type)
{
	switch (type) {
	case UDP_TUNNEL_TYPE_VXLAN:
		return "vxlan";
	case UDP_TUNNEL_TYPE_VXLAN_GPE:
		return "vxlan-gpe";
	case UDP_TUNNEL_TYPE_GENEVE:
		return "geneve";
	default:
		return "unknown";
	}
}

static void nicsim_log(struct net_device *dev, const char *what,
		       const struct udp_tunnel_info *ti)
{
	netdev_info(dev, "podnet_nicsim: %s port %u %s %s\n", what,
		    be16_to_cpu(ti->port), nicsim_type(ti->type),
		    ti->sa_family == AF_INET6 ? "ipv6" : "ipv4");
}

static int nicsim_set_port(struct net_device *dev, unsigned int table,
			   unsigned int entry, struct udp_tunnel_info *ti)
{
	nicsim_log(dev, "add", ti);
	return 0;
}

static int nicsim_unset_port(struct net_device *dev, unsigned int table,
			     unsigned int entry, struct udp_tunnel_info *ti)
{
	nicsim_log(dev, "del", ti);
	return 0;
}

static const struct udp_tunnel_nic_info nicsim_udp_tunnels = {
	.set_port = nicsim_set_port,
	.unset_port = nicsim_unset_port,
	.tables = {
		{
			.n_entries = 16,
			.tunnel_types = UDP_TUNNEL_TYPE_VXLAN,
		},
		{
			.n_entries = 16,
			.tunnel_types = UDP_TUNNEL_TYPE_VXLAN_GPE |
					UDP_TUNNEL_TYPE_GENEVE,
		},
	},
};

static netdev_tx_t nicsim_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops nicsim_netdev_ops = {
	.ndo_start_xmit = nicsim_xmit,
};

static void nicsim_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &nicsim_netdev_ops;
	dev->needs_free_netdev = true;
	dev->udp_tunnel_nic_info = &nicsim_udp_tunnels;
	dev->features |= NETIF_F_RX_UDP_TUNNEL_PORT;
	dev->hw_features |= NETIF_F_RX_UDP_TUNNEL_PORT;
	eth_hw_addr_random(dev);
}

static struct rtnl_link_ops nicsim_link_ops __read_mostly = {
	.kind = "podnet_nicsim",
	.setup = nicsim_setup,
};

static int __init nicsim_init(void)
{
	return rtnl_link_register(&nicsim_link_ops);
}

static void __exit nicsim_exit(void)
{
	rtnl_link_unregister(&nicsim_link_ops);
}

module_init(nicsim_init);
module_exit(nicsim_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("podnet selftests: a device with UDP tunnel port offload");
MODULE_ALIAS_RTNL_LINK("podnet_nicsim");
