// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: transmit. The inner destination selects a PodCIDR route, the
 * route a peer, and the packet leaves in the peer's wire format over the
 * kernel's UDP tunnel helpers. No lock is taken per packet.
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/dsfield.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/vxlan.h>

#include "peer.h"
#include "podnet.h"

static void podnet_tx_stats(struct podnet_peer *peer, unsigned int len)
{
	struct podnet_peer_pcpu *p = this_cpu_ptr(peer->pcpu);

	u64_stats_update_begin(&p->syncp);
	u64_stats_inc(&p->tx_packets);
	u64_stats_add(&p->tx_bytes, len);
	u64_stats_update_end(&p->syncp);
}

static void podnet_tx_peer_drop(struct podnet_peer *peer)
{
	struct podnet_peer_pcpu *p = this_cpu_ptr(peer->pcpu);

	u64_stats_update_begin(&p->syncp);
	u64_stats_inc(&p->tx_drops);
	u64_stats_update_end(&p->syncp);
}

/* Tells the sender that no node holds the destination. */
static void podnet_tx_unreachable(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_NOROUTE, 0);
}

/* The outer TOS: fixed, or the inner DS field; ECN per RFC 6040. */
static u8 podnet_tx_tos(const struct podnet_dev *pn, struct sk_buff *skb)
{
	u8 tos = READ_ONCE(pn->cfg.tos);

	if (tos == 1)
		tos = ip_tunnel_get_dsfield(ip_hdr(skb), skb);
	return ip_tunnel_ecn_encap(tos, ip_hdr(skb), skb);
}

/*
 * VXLAN (RFC 7348): outer IPv4/UDP, 8 byte VXLAN header, inner Ethernet
 * from the device's vtep mac to the peer's. Consumes @skb.
 */
static int podnet_xmit_vxlan(struct podnet_dev *pn, struct podnet_peer *peer,
			     struct sk_buff *skb)
{
	struct podnet_sock *ps = rcu_dereference_bh(pn->sock);
	struct net_device *dev = pn->dev;
	struct ip_tunnel_key key = {};
	__be16 sport, dport;
	struct vxlanhdr *vxh;
	struct ethhdr *eth;
	struct rtable *rt;
	__be32 saddr;
	u8 tos, ttl;
	int err;

	if (unlikely(!ps))
		return -ENETDOWN;

	key.u.ipv4.dst = peer->addr.ip4;
	key.u.ipv4.src = READ_ONCE(pn->cfg.local.ip4);
	saddr = key.u.ipv4.src;
	dport = htons(READ_ONCE(peer->port) ?: pn->cfg.port);
	sport = udp_flow_src_port(dev_net(dev), skb, 0, 0, true);
	tos = podnet_tx_tos(pn, skb);

	rt = udp_tunnel_dst_lookup(skb, dev, pn->net, READ_ONCE(pn->cfg.link),
				   &saddr, &key, sport, dport,
				   READ_ONCE(pn->cfg.tos) == 1 ? 0 : tos,
				   &peer->dst_cache);
	if (IS_ERR(rt)) {
		podnet_drop_inc(pn->drops, PODNET_STAT_TX_UNDERLAY);
		DEV_STATS_INC(dev, tx_carrier_errors);
		return PTR_ERR(rt);
	}

	err = skb_tunnel_check_pmtu(skb, &rt->dst, PODNET_VXLAN_HEADROOM,
				    false);
	if (unlikely(err < 0))
		goto err_rt;

	ttl = READ_ONCE(pn->cfg.ttl) ?: ip4_dst_hoplimit(&rt->dst);

	err = skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			   rt->dst.header_len + PODNET_VXLAN_HEADROOM);
	if (unlikely(err)) {
		podnet_drop_inc(pn->drops, PODNET_STAT_TX_NOMEM);
		goto err_rt;
	}

	eth = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	u64_to_ether_addr(READ_ONCE(peer->mac), eth->h_dest);
	u64_to_ether_addr(READ_ONCE(pn->cfg.mac), eth->h_source);
	eth->h_proto = skb->protocol;

	err = iptunnel_handle_offloads(skb, SKB_GSO_UDP_TUNNEL);
	if (unlikely(err))
		goto err_rt;

	vxh = __skb_push(skb, sizeof(*vxh));
	vxh->vx_flags = VXLAN_HF_VNI;
	vxh->vx_vni = cpu_to_be32(READ_ONCE(pn->cfg.vni) << 8);
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));

	udp_tunnel_xmit_skb(rt, ps->sock->sk, skb, saddr, peer->addr.ip4, tos,
			    ttl, 0, sport, dport,
			    !net_eq(pn->net, dev_net(dev)), true);
	return 0;

err_rt:
	ip_rt_put(rt);
	return err;
}

static struct podnet_peer *podnet_tx_route(struct podnet_dev *pn,
					   struct sk_buff *skb)
{
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		if (!pskb_network_may_pull(skb, sizeof(struct iphdr)))
			return ERR_PTR(-EINVAL);
		return podnet_table_lookup4(&pn->table, ip_hdr(skb)->daddr);
	case htons(ETH_P_IPV6):
		if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
			return ERR_PTR(-EINVAL);
		return podnet_table_lookup6(&pn->table, &ipv6_hdr(skb)->daddr);
	default:
		return ERR_PTR(-EINVAL);
	}
}

/**
 * podnet_xmit - ndo_start_xmit of a podnet device
 * @skb: an IPv4 or IPv6 packet, skb->data at the network header
 * @dev: the device
 *
 * Context: BH disabled, rcu_read_lock_bh() held by the stack; lockless.
 * Return: NETDEV_TX_OK, always: the packet is consumed.
 */
netdev_tx_t podnet_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct podnet_dev *pn = netdev_priv(dev);
	struct podnet_peer *peer;
	unsigned int len = skb->len;

	peer = podnet_tx_route(pn, skb);
	if (IS_ERR(peer)) {
		podnet_drop_inc(pn->drops, PODNET_STAT_TX_BAD_INNER);
		goto err_drop;
	}
	if (unlikely(!peer)) {
		podnet_drop_inc(pn->drops, PODNET_STAT_TX_NO_ROUTE);
		podnet_tx_unreachable(skb);
		goto err_drop;
	}

	if (unlikely(podnet_xmit_vxlan(pn, peer, skb))) {
		podnet_tx_peer_drop(peer);
		goto err_drop;
	}
	podnet_tx_stats(peer, len);
	return NETDEV_TX_OK;

err_drop:
	DEV_STATS_INC(dev, tx_errors);
	dev_core_stats_tx_dropped_inc(dev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}
