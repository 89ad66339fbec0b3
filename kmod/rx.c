// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: receive. Packets arrive on the UDP tunnel socket of their port
 * (VXLAN, VXLAN-GPE) or from the IP-in-IP handler (ipip.c). One is taken
 * only when its tunnel header is valid, its VNI belongs to a device, its
 * outer source is a peer of that device, its inner packet is IPv4 or IPv6
 * and its inner source lies in a PodCIDR routed to that same peer.
 * Everything else is dropped and counted by reason.
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

#include "encap.h"
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

/*
 * Checks the inner packet at skb->data, announced as @proto by its
 * encapsulation; sets skb->protocol and the network header.
 */
static bool podnet_rx_inner_ok(struct sk_buff *skb, __be16 proto)
{
	skb->protocol = proto;
	skb_reset_network_header(skb);
	if (!pskb_inet_may_pull(skb))
		return false;
	if (proto == htons(ETH_P_IP) && ip_hdr(skb)->ihl > 5 &&
	    !pskb_may_pull(skb, ip_hdr(skb)->ihl * 4))
		return false;
	return podnet_inner_valid(skb->data, skb_headlen(skb), proto);
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

/* RFC 6040 decapsulation from the outer IPv4 or IPv6 header @outer. */
static int podnet_rx_ecn(const void *outer, struct sk_buff *skb)
{
	if (((const struct iphdr *)outer)->version == 4)
		return IP_ECN_decapsulate(outer, skb);
	return IP6_ECN_decapsulate(outer, skb);
}

/**
 * podnet_rx_deliver - the checks every decapsulated packet passes, then
 * delivery to the device
 * @pn: the device the packet's encapsulation selected
 * @peer: the peer that owns the inner source, when the caller looked it up
 *	  already (it is @saddr's), else NULL
 * @saddr: its outer source
 * @skb: the inner packet at skb->data, skb->protocol set to what the
 *	encapsulation announced
 * @outer: the outer IPv4 or IPv6 header (still in @skb's head)
 *
 * The inner packet must be sane IPv4 or IPv6, its source must lie in a
 * PodCIDR routed to the peer @saddr (one lookup when it does), its ECN
 * must decapsulate and the device must be up. Drops are counted on the
 * device by reason.
 *
 * Context: softirq, RCU read side.
 * Return: 0, @skb is consumed.
 */
int podnet_rx_deliver(struct podnet_dev *pn, struct podnet_peer *peer,
		      const struct podnet_addr *saddr, struct sk_buff *skb,
		      const void *outer)
{
	unsigned int nh = (const u8 *)outer - skb->head;
	enum podnet_stat reason;
	unsigned int len;

	/* skb->head may move when the inner header is pulled. */
	reason = PODNET_STAT_RX_BAD_INNER;
	if (!podnet_rx_inner_ok(skb, skb->protocol))
		goto drop;
	skb_reset_mac_header(skb);
	outer = skb->head + nh;

	if (!peer)
		peer = podnet_rx_src_peer(pn, skb);
	if (unlikely(!peer || !podnet_addr_equal(&peer->addr, saddr))) {
		reason = podnet_peer_find(pn, saddr) ?
			 PODNET_STAT_RX_SPOOFED : PODNET_STAT_RX_UNKNOWN_PEER;
		goto drop;
	}

	if (unlikely(podnet_rx_ecn(outer, skb) > 1)) {
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
	podnet_drop(pn->drops, skb, reason);
	return 0;
}

/*
 * The outer source (@src) or destination of a packet whose network header
 * is its outer IPv4 or IPv6 header.
 */
static void podnet_rx_outer_addr(struct sk_buff *skb, bool src,
				 struct podnet_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (ip_hdr(skb)->version == 4) {
		a->family = AF_INET;
		a->ip4 = src ? ip_hdr(skb)->saddr : ip_hdr(skb)->daddr;
	} else {
		a->family = AF_INET6;
		a->ip6 = src ? ipv6_hdr(skb)->saddr : ipv6_hdr(skb)->daddr;
	}
}

/**
 * podnet_udp_encap_recv - encap_rcv of the podnet UDP sockets
 * @sk: the socket
 * @skb: a UDP packet, skb->data at the UDP header
 *
 * Takes VXLAN and VXLAN-GPE over IPv4 and IPv6; the VNI selects the
 * device.
 *
 * Context: softirq, rcu_read_lock() held by the UDP receive path.
 * Return: 0, the packet is consumed (delivered or dropped).
 */
int podnet_udp_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	struct podnet_sock *ps = rcu_dereference_sk_user_data(sk);
	enum podnet_stat reason;
	struct podnet_addr saddr;
	struct podnet_dev *pn;
	__be16 proto, eproto;
	const void *outer;
	int encap;
	u32 vni;

	if (!ps)
		goto drop_uncounted;

	reason = PODNET_STAT_RX_BAD_HEADER;
	if (!pskb_may_pull(skb, VXLAN_HLEN))
		goto drop;
	encap = podnet_vxlan_parse((struct vxlanhdr *)(udp_hdr(skb) + 1),
				   &vni, &proto);
	if (encap == -EPFNOSUPPORT)
		reason = PODNET_STAT_RX_BAD_INNER;
	if (encap < 0)
		goto drop;

	reason = PODNET_STAT_RX_UNKNOWN_VNI;
	pn = podnet_sock_dev(ps, vni);
	if (!pn)
		goto drop;

	podnet_rx_outer_addr(skb, true, &saddr);
	if (__iptunnel_pull_header(skb, VXLAN_HLEN, proto, false,
				   !net_eq(pn->net, dev_net(pn->dev))))
		goto drop_dev_header;
	if (encap == PODNET_ENCAP_VXLAN) {
		if (!pskb_may_pull(skb, ETH_HLEN))
			goto drop_dev_inner;
		eproto = podnet_eth_parse((const struct ethhdr *)skb->data);
		if (!eproto)
			goto drop_dev_inner;
		skb_pull_rcsum(skb, ETH_HLEN);
		skb->protocol = eproto;
	}
	outer = skb_network_header(skb);
	return podnet_rx_deliver(pn, NULL, &saddr, skb, outer);

drop_dev_header:
	podnet_drop(pn->drops, skb, PODNET_STAT_RX_BAD_HEADER);
	return 0;
drop_dev_inner:
	podnet_drop(pn->drops, skb, PODNET_STAT_RX_BAD_INNER);
	return 0;
drop:
	podnet_drop(ps->drops, skb, reason);
	return 0;
drop_uncounted:
	kfree_skb(skb);
	return 0;
}

/**
 * podnet_udp_err_lookup - encap_err_lookup of the podnet UDP sockets
 * @sk: the socket
 * @skb: an ICMP or ICMPv6 error, its network header at the quoted outer
 *	 header of a packet this node sent, its transport header at the UDP
 *	 header after it
 *
 * Accepts the error when it quotes a valid VXLAN or VXLAN-GPE header whose
 * VNI is a device's on the port, sent to a peer of that device: the UDP
 * layer then learns the underlay path MTU from "fragmentation needed" or
 * "packet too big" (the next packet to the peer that is too large gets
 * them back from pn0, see podnet_tx_pmtu()) and follows redirects.
 *
 * Context: softirq, RCU read side (the ICMP receive path).
 * Return: 0 when the error is podnet's, else a negative errno.
 */
int podnet_udp_err_lookup(struct sock *sk, struct sk_buff *skb)
{
	struct podnet_sock *ps = rcu_dereference_sk_user_data(sk);
	struct podnet_addr daddr;
	struct podnet_dev *pn;
	__be16 proto;
	u32 vni;

	if (!ps)
		return -ENOENT;
	if (!pskb_may_pull(skb, skb_transport_offset(skb) + VXLAN_HLEN))
		return -EINVAL;
	if (podnet_vxlan_parse((struct vxlanhdr *)(udp_hdr(skb) + 1), &vni,
			       &proto) < 0)
		return -EINVAL;
	pn = podnet_sock_dev(ps, vni);
	if (!pn)
		return -ENOENT;
	podnet_rx_outer_addr(skb, false, &daddr);
	return podnet_peer_find(pn, &daddr) ? 0 : -ENOENT;
}
