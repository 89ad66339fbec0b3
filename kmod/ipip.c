// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: IP-in-IP receive. A tunnel4 handler for IPv4 protocols 4 (IPv4
 * in IPv4) and 41 (IPv6 in IPv4). It runs ahead of the kernel's ipip, sit
 * and vti handlers and takes a packet only when it is podnet's: its outer
 * source is a peer of a podnet device that is up in the namespace, and its
 * inner source lies in a PodCIDR routed to that same peer. Anything else
 * goes on to them untouched, so that a node keeps Calico's tunl0, IPVS-TUN
 * or kube-router DSR traffic from a node that is also a peer, and ICMP
 * errors about such traffic, beside podnet.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/icmp.h>
#include <net/ip_tunnels.h>
#include <net/netns/generic.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "peer.h"
#include "podnet.h"

/* Ahead of vti (0), ipip (1), sit (1, 2) and xfrm4_tunnel (2 .. 4). */
#define PODNET_IPIP_PRIORITY	(-1)

/*
 * The inner address (@src: source, else destination) of the IPv4 or IPv6
 * packet of @proto at @off bytes into @skb, when that much is there.
 */
static bool podnet_ipip_inner(struct sk_buff *skb, unsigned int off,
			      __be16 proto, bool src, struct podnet_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (proto == htons(ETH_P_IP)) {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, off + sizeof(*iph)))
			return false;
		iph = (const struct iphdr *)(skb->data + off);
		a->family = AF_INET;
		a->ip4 = src ? iph->saddr : iph->daddr;
	} else {
		const struct ipv6hdr *ip6h;

		if (!pskb_may_pull(skb, off + sizeof(*ip6h)))
			return false;
		ip6h = (const struct ipv6hdr *)(skb->data + off);
		a->family = AF_INET6;
		a->ip6 = src ? ip6h->saddr : ip6h->daddr;
	}
	return true;
}

/*
 * The up device of @net that routes the pod address @inner to the peer
 * @outer, or NULL: the packet (or the packet an error is about) is not
 * podnet's. *@peerp: that peer.
 */
static struct podnet_dev *podnet_ipip_dev(struct net *net,
					  const struct podnet_addr *outer,
					  const struct podnet_addr *inner,
					  struct podnet_peer **peerp)
{
	struct podnet_net *pnet = net_generic(net, podnet_net_id);
	struct podnet_peer *peer;
	struct podnet_dev *pn;

	hlist_for_each_entry_rcu(pn, &pnet->devs, node) {
		if (!(READ_ONCE(pn->dev->flags) & IFF_UP))
			continue;
		if (inner->family == AF_INET)
			peer = podnet_table_lookup4(&pn->table, inner->ip4);
		else
			peer = podnet_table_lookup6(&pn->table, &inner->ip6);
		if (peer && podnet_addr_equal(&peer->addr, outer)) {
			*peerp = peer;
			return pn;
		}
	}
	return NULL;
}

static int podnet_ipip_rcv(struct sk_buff *skb, __be16 proto)
{
	struct podnet_addr saddr = {
		.family = AF_INET,
		.ip4 = ip_hdr(skb)->saddr,
	};
	struct podnet_addr inner;
	struct podnet_peer *peer;
	struct podnet_dev *pn;

	/* skb->data is at the inner header: the outer one is pulled. */
	if (!podnet_ipip_inner(skb, 0, proto, true, &inner))
		return -1;
	pn = podnet_ipip_dev(dev_net(skb->dev), &saddr, &inner, &peer);
	if (!pn)
		return -1;

	if (!xfrm4_policy_check(NULL, XFRM_POLICY_IN, skb) ||
	    iptunnel_pull_header(skb, 0, proto,
				 !net_eq(pn->net, dev_net(pn->dev)))) {
		podnet_drop(pn->drops, skb, PODNET_STAT_RX_BAD_HEADER);
		return 0;
	}
	return podnet_rx_deliver(pn, peer, &saddr, skb,
				 skb_network_header(skb));
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
 * An ICMP error about a packet podnet sent: its quoted outer header goes
 * to a peer and its quoted inner destination lies in a PodCIDR routed to
 * that peer. Learn the path MTU (the next inner packet too big gets its
 * ICMP from pn0, see podnet_tx_pmtu()) or the redirect. An error that
 * quotes too little of the inner header to tell is taken when the outer
 * destination is a peer: the path MTU it teaches is the same for tunl0.
 */
static int podnet_ipip_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	struct podnet_addr daddr = {
		.family = AF_INET,
		.ip4 = iph->daddr,
	};
	struct net *net = dev_net(skb->dev);
	struct podnet_net *pnet = net_generic(net, podnet_net_id);
	__be16 proto = iph->protocol == IPPROTO_IPIP ? htons(ETH_P_IP) :
						       htons(ETH_P_IPV6);
	struct podnet_addr inner;
	struct podnet_peer *peer;
	struct podnet_dev *pn;
	bool found = false;

	if (podnet_ipip_inner(skb, iph->ihl * 4, proto, false, &inner)) {
		found = podnet_ipip_dev(net, &daddr, &inner, &peer);
	} else {
		hlist_for_each_entry_rcu(pn, &pnet->devs, node)
			found = found || podnet_peer_find(pn, &daddr);
	}
	if (!found)
		return -ENOENT;
	iph = (const struct iphdr *)skb->data;	/* the pull may move it */
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
