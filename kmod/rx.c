// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: receive. Packets arrive on the UDP tunnel socket of their port;
 * one is taken only when its VXLAN header is valid, its VNI belongs to a
 * device, its outer source is a peer of that device, its inner packet is
 * IPv4 or IPv6 and its inner source lies in a PodCIDR routed to that same
 * peer. Everything else is dropped and counted by reason.
 */
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/udp_tunnel.h>
#include <net/vxlan.h>

#include "peer.h"
#include "podnet.h"

/* The peer that owns the inner source address of @skb, or NULL. */
static struct podnet_peer *podnet_rx_src_peer(struct podnet_dev *pn,
					      struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return podnet_table_lookup4(&pn->table, ip_hdr(skb)->saddr);
	return podnet_table_lookup6(&pn->table, &ipv6_hdr(skb)->saddr);
}

/* Checks the inner packet at skb->data; sets skb->protocol from @proto. */
static bool podnet_rx_inner_ok(struct sk_buff *skb, __be16 proto)
{
	skb->protocol = proto;
	skb_reset_network_header(skb);
	if (!pskb_inet_may_pull(skb))
		return false;
	if (proto == htons(ETH_P_IP))
		return ip_hdr(skb)->version == 4 && ip_hdr(skb)->ihl >= 5;
	if (proto == htons(ETH_P_IPV6))
		return ipv6_hdr(skb)->version == 6;
	return false;
}

static void podnet_rx_stats(struct podnet_peer *peer, unsigned int len)
{
	struct podnet_peer_pcpu *p = this_cpu_ptr(peer->pcpu);

	u64_stats_update_begin(&p->syncp);
	u64_stats_inc(&p->rx_packets);
	u64_stats_add(&p->rx_bytes, len);
	u64_stats_update_end(&p->syncp);
	WRITE_ONCE(p->last_rx, jiffies);
}

/**
 * podnet_udp_encap_recv - encap_rcv of the podnet UDP sockets
 * @sk: the socket
 * @skb: a UDP packet, skb->data at the UDP header
 *
 * Context: softirq, rcu_read_lock() held by the UDP receive path.
 * Return: 0, the packet is consumed (delivered or dropped).
 */
int podnet_udp_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	struct podnet_sock *ps = rcu_dereference_sk_user_data(sk);
	struct podnet_pcpu_drops __percpu *drops;
	enum podnet_stat reason;
	struct podnet_peer *peer;
	struct podnet_addr saddr;
	struct podnet_dev *pn;
	struct vxlanhdr *vxh;
	const struct iphdr *oiph;
	unsigned int len;
	__be16 proto;
	int nh, err;
	u32 vni;

	if (!ps)
		goto drop_uncounted;
	drops = ps->drops;

	reason = PODNET_STAT_RX_BAD_HEADER;
	if (!pskb_may_pull(skb, VXLAN_HLEN))
		goto drop;
	vxh = (struct vxlanhdr *)(udp_hdr(skb) + 1);
	if (vxh->vx_flags != VXLAN_HF_VNI ||
	    (vxh->vx_vni & ~VXLAN_VNI_MASK))
		goto drop;
	vni = be32_to_cpu(vxh->vx_vni) >> 8;

	reason = PODNET_STAT_RX_UNKNOWN_VNI;
	hlist_for_each_entry_rcu(pn, &ps->devs, sock_node)
		if (READ_ONCE(pn->cfg.vni) == vni)
			goto found;
	goto drop;

found:
	drops = pn->drops;
	memset(&saddr, 0, sizeof(saddr));
	saddr.family = AF_INET;
	saddr.ip4 = ip_hdr(skb)->saddr;

	reason = PODNET_STAT_RX_BAD_HEADER;
	if (__iptunnel_pull_header(skb, VXLAN_HLEN, htons(ETH_P_TEB), false,
				   !net_eq(pn->net, dev_net(pn->dev))))
		goto drop;

	reason = PODNET_STAT_RX_BAD_INNER;
	if (!pskb_may_pull(skb, ETH_HLEN))
		goto drop;
	proto = ((struct ethhdr *)skb->data)->h_proto;
	if (proto != htons(ETH_P_IP) && proto != htons(ETH_P_IPV6))
		goto drop;
	skb_pull_rcsum(skb, ETH_HLEN);

	/*
	 * The outer header stays where it is, but skb->head may move when
	 * the inner header is pulled: keep its offset.
	 */
	nh = skb_network_header(skb) - skb->head;
	if (!podnet_rx_inner_ok(skb, proto))
		goto drop;
	skb_reset_mac_header(skb);
	oiph = (const struct iphdr *)(skb->head + nh);

	peer = podnet_rx_src_peer(pn, skb);
	if (unlikely(!peer || !podnet_addr_equal(&peer->addr, &saddr))) {
		reason = podnet_peer_find(pn, &saddr) ?
			 PODNET_STAT_RX_SPOOFED : PODNET_STAT_RX_UNKNOWN_PEER;
		goto drop;
	}

	err = IP_ECN_decapsulate(oiph, skb);
	if (unlikely(err > 1)) {
		reason = PODNET_STAT_RX_ECN;
		goto drop;
	}

	if (unlikely(!(pn->dev->flags & IFF_UP))) {
		reason = PODNET_STAT_RX_DEV_DOWN;
		goto drop;
	}

	skb->dev = pn->dev;
	skb->pkt_type = PACKET_HOST;
	len = skb->len;
	dev_sw_netstats_rx_add(pn->dev, len);
	podnet_rx_stats(peer, len);
	gro_cells_receive(&pn->gro_cells, skb);
	return 0;

drop:
	podnet_drop_inc(drops, reason);
	if (drops != ps->drops)
		dev_core_stats_rx_dropped_inc(pn->dev);
drop_uncounted:
	kfree_skb(skb);
	return 0;
}
