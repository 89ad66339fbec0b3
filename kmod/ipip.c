// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: IP-in-IP receive. A tunnel4 handler for IPv4 protocols 4 (IPv4
 * in IPv4) and 41 (IPv6 in IPv4). It runs ahead of the kernel's ipip, sit
 * and vti handlers and takes a packet only when its outer source is a peer
 * of a podnet device that is up in the namespace; anything else goes on to
 * them, so that a node can keep Calico's tunl0 beside podnet while its
 * cluster migrates.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <net/icmp.h>
#include <net/ip_tunnels.h>
#include <net/netns/generic.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "peer.h"
#include "podnet.h"

/* Ahead of vti (0), ipip (1), sit (1, 2) and xfrm4_tunnel (2 .. 4). */
#define PODNET_IPIP_PRIORITY	(-1)

/* The up device of @net that has the peer @addr, or NULL. */
static struct podnet_dev *podnet_ipip_dev(struct net *net,
					  const struct podnet_addr *addr)
{
	struct podnet_net *pnet = net_generic(net, podnet_net_id);
	struct podnet_dev *pn;

	hlist_for_each_entry_rcu(pn, &pnet->up_devs, up_node)
		if (podnet_peer_find(pn, addr))
			return pn;
	return NULL;
}

static int podnet_ipip_rcv(struct sk_buff *skb, __be16 proto)
{
	const struct iphdr *oiph = ip_hdr(skb);
	struct podnet_addr saddr = {
		.family = AF_INET,
		.ip4 = oiph->saddr,
	};
	struct podnet_dev *pn;

	pn = podnet_ipip_dev(dev_net(skb->dev), &saddr);
	if (!pn)
		return -1;

	if (!xfrm4_policy_check(NULL, XFRM_POLICY_IN, skb) ||
	    iptunnel_pull_header(skb, 0, proto,
				 !net_eq(pn->net, dev_net(pn->dev)))) {
		podnet_drop_inc(pn->drops, PODNET_STAT_RX_BAD_HEADER);
		dev_core_stats_rx_dropped_inc(pn->dev);
		kfree_skb(skb);
		return 0;
	}
	return podnet_rx_deliver(pn, &saddr, skb, skb_network_header(skb));
}

static int podnet_ipip4_rcv(struct sk_buff *skb)
{
	return podnet_ipip_rcv(skb, htons(ETH_P_IP));
}

static int podnet_ipip6_rcv(struct sk_buff *skb)
{
	return podnet_ipip_rcv(skb, htons(ETH_P_IPV6));
}

/*
 * An ICMP error about a packet podnet sent to a peer: learn the path MTU
 * (the next inner packet too big gets its ICMP from skb_tunnel_check_pmtu)
 * or the redirect.
 */
static int podnet_ipip_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	struct podnet_addr daddr = {
		.family = AF_INET,
		.ip4 = iph->daddr,
	};
	struct net *net = dev_net(skb->dev);

	if (!podnet_ipip_dev(net, &daddr))
		return -ENOENT;
	switch (icmp_hdr(skb)->type) {
	case ICMP_DEST_UNREACH:
		if (icmp_hdr(skb)->code == ICMP_FRAG_NEEDED)
			ipv4_update_pmtu(skb, net, info, 0, iph->protocol);
		break;
	case ICMP_REDIRECT:
		ipv4_redirect(skb, net, 0, iph->protocol);
		break;
	}
	return 0;
}

static struct xfrm_tunnel podnet_ipip4_handler __read_mostly = {
	.handler = podnet_ipip4_rcv,
	.err_handler = podnet_ipip_err,
	.priority = PODNET_IPIP_PRIORITY,
};

static struct xfrm_tunnel podnet_ipip6_handler __read_mostly = {
	.handler = podnet_ipip6_rcv,
	.err_handler = podnet_ipip_err,
	.priority = PODNET_IPIP_PRIORITY,
};

/**
 * podnet_ipip_init - register the IP-in-IP receive handlers
 *
 * Return: 0 or a negative errno.
 */
int podnet_ipip_init(void)
{
	int err;

	err = xfrm4_tunnel_register(&podnet_ipip4_handler, AF_INET);
	if (err)
		goto err_msg;
	err = xfrm4_tunnel_register(&podnet_ipip6_handler, AF_INET6);
	if (err)
		goto err_ipip4;
	return 0;

err_ipip4:
	xfrm4_tunnel_deregister(&podnet_ipip4_handler, AF_INET);
err_msg:
	pr_err("podnet: cannot register the IP-in-IP handlers: %d\n", err);
	return err;
}

/**
 * podnet_ipip_exit - unregister the IP-in-IP receive handlers
 */
void podnet_ipip_exit(void)
{
	xfrm4_tunnel_deregister(&podnet_ipip6_handler, AF_INET6);
	xfrm4_tunnel_deregister(&podnet_ipip4_handler, AF_INET);
}
