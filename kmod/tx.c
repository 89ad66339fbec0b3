// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: transmit. The inner destination selects a PodCIDR route, the
 * route a peer, and the packet leaves in the peer's wire format: VXLAN or
 * VXLAN-GPE over the kernel's UDP tunnel helpers (IPv4 or IPv6 underlay),
 * IP-in-IP, or unencapsulated to the peer as next hop. No lock is taken
 * per packet; the underlay route comes from the peer's dst_cache. A packet
 * that cannot go is counted once, under its reason (drop.c).
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in_route.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/dsfield.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/ipv6_stubs.h>
#include <net/neighbour.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "encap.h"
#include "peer.h"
#include "podnet.h"

/* The outer source address the underlay route chose. */
union podnet_saddr {
	__be32 ip4;
	struct in6_addr ip6;
};

static struct rtable *podnet_rt(struct dst_entry *dst)
{
	return container_of(dst, struct rtable, dst);
}

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

/* The tunnel format of @encap: AUTO and DIRECT fall back to the device's. */
static u8 podnet_tunnel_encap(const struct podnet_dev *pn, u8 encap)
{
	if (encap != PODNET_ENCAP_AUTO && encap != PODNET_ENCAP_DIRECT)
		return encap;
	encap = READ_ONCE(pn->cfg.encap);
	if (encap == PODNET_ENCAP_AUTO || encap == PODNET_ENCAP_DIRECT)
		return PODNET_ENCAP_VXLAN;
	return encap;
}

/* The format configured for @peer: its own, else the device's. */
static u8 podnet_peer_encap(const struct podnet_dev *pn,
			    const struct podnet_peer *peer)
{
	return READ_ONCE(peer->encap) ?: READ_ONCE(pn->cfg.encap);
}

/*
 * The underlay route to @peer, from its dst_cache when the flow allows it.
 * Sets *@saddr (the outer source). @skb may be NULL (control plane).
 */
static struct dst_entry *podnet_route(struct podnet_dev *pn,
				      struct podnet_peer *peer,
				      struct sk_buff *skb,
				      union podnet_saddr *saddr, u8 proto,
				      u8 tos, __be16 sport, __be16 dport)
{
	bool cache = skb && ip_tunnel_dst_cache_usable(skb, NULL);
	const struct podnet_addr *local = &pn->cfg.local;
	struct dst_entry *dst;

	if (peer->addr.family == AF_INET) {
		struct flowi4 fl4 = {};
		struct rtable *rt;

		if (cache) {
			rt = dst_cache_get_ip4(&peer->dst_cache, &saddr->ip4);
			if (rt)
				return &rt->dst;
		}
		fl4.flowi4_oif = READ_ONCE(pn->cfg.link);
		fl4.flowi4_mark = skb ? skb->mark : 0;
		fl4.flowi4_proto = proto;
		fl4.flowi4_tos = RT_TOS(tos);
		fl4.daddr = peer->addr.ip4;
		fl4.saddr = local->family == AF_INET ? local->ip4 : 0;
		fl4.fl4_sport = sport;
		fl4.fl4_dport = dport;
		rt = ip_route_output_key(pn->net, &fl4);
		if (IS_ERR(rt))
			return ERR_CAST(rt);
		dst = &rt->dst;
		saddr->ip4 = fl4.saddr;
		if (dst->dev == pn->dev)
			goto err_loop;
		if (cache)
			dst_cache_set_ip4(&peer->dst_cache, dst, fl4.saddr);
		return dst;
	}
#if IS_ENABLED(CONFIG_IPV6)
	{
		struct flowi6 fl6 = {};

		if (cache) {
			dst = dst_cache_get_ip6(&peer->dst_cache, &saddr->ip6);
			if (dst)
				return dst;
		}
		fl6.flowi6_oif = READ_ONCE(pn->cfg.link);
		fl6.flowi6_mark = skb ? skb->mark : 0;
		fl6.flowi6_proto = proto;
		fl6.flowlabel = ip6_make_flowinfo(tos, 0);
		fl6.daddr = peer->addr.ip6;
		if (local->family == AF_INET6)
			fl6.saddr = local->ip6;
		fl6.fl6_sport = sport;
		fl6.fl6_dport = dport;
		dst = ipv6_stub->ipv6_dst_lookup_flow(pn->net, NULL, &fl6,
						      NULL);
		if (IS_ERR(dst))
			return dst;
		saddr->ip6 = fl6.saddr;
		if (dst->dev == pn->dev)
			goto err_loop;
		if (cache)
			dst_cache_set_ip6(&peer->dst_cache, dst, &fl6.saddr);
		return dst;
	}
#else
	return ERR_PTR(-EAFNOSUPPORT);
#endif

err_loop:
	dst_release(dst);
	return ERR_PTR(-ELOOP);
}

/* Whether the underlay reaches @dst's destination without a gateway. */
static bool podnet_dst_onlink(const struct dst_entry *dst, u32 family)
{
	if (family == AF_INET) {
		const struct rtable *rt = container_of(dst, struct rtable, dst);

		return rt->rt_type == RTN_UNICAST && !rt->rt_gw_family;
	}
#if IS_ENABLED(CONFIG_IPV6)
	return !(container_of(dst, struct rt6_info, dst)->rt6i_flags &
		 RTF_GATEWAY);
#else
	return false;
#endif
}

/**
 * podnet_peer_mode - the format packets to a peer use now
 * @pn: the device
 * @peer: the peer
 *
 * Resolves the peer's encap (or the device's): AUTO becomes DIRECT when the
 * underlay route to the peer has no gateway, else the device's tunnel
 * format.
 *
 * Context: process context, under the device lock.
 * Return: enum podnet_encap, never UNSPEC or AUTO.
 */
u8 podnet_peer_mode(struct podnet_dev *pn, struct podnet_peer *peer)
{
	u8 encap = podnet_peer_encap(pn, peer);
	union podnet_saddr saddr;
	struct dst_entry *dst;
	bool onlink;

	if (encap != PODNET_ENCAP_AUTO)
		return encap;
	dst = podnet_route(pn, peer, NULL, &saddr, 0, 0, 0, 0);
	if (IS_ERR(dst))
		return podnet_tunnel_encap(pn, encap);
	onlink = podnet_dst_onlink(dst, peer->addr.family);
	dst_release(dst);
	return onlink ? PODNET_ENCAP_DIRECT : podnet_tunnel_encap(pn, encap);
}

/* Whether @skb, an IP packet at skb->data, fits @mtu (each segment of GSO). */
static bool podnet_tx_fits(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb_is_gso(skb))
		return skb_gso_validate_network_len(skb, mtu);
	return skb->len <= mtu;
}

/*
 * The path MTU ("MTU and path MTU" in podnet.rst). @skb gets @headroom
 * bytes of headers to go over the underlay route @dst. @outer_df: its
 * outer packet must not be fragmented on the way (IPv6, IP-in-IP copying
 * DF, no encapsulation); @local_frag: this node may fragment it (IPv6).
 *
 * A packet too large for the path teaches its inner route the MTU (a
 * sender on this node adapts at once) and, when nothing may fragment it
 * (an IPv4 packet with DF, an IPv6 packet, whose MTU can be reported),
 * goes back to its sender as "fragmentation needed" or "packet too big":
 * pods behind a forwarding node learn the MTU too, which forwarding itself
 * would not tell them.
 *
 * Return: true when @skb goes on.
 */
static bool podnet_tx_pmtu(struct sk_buff *skb, struct dst_entry *dst,
			   unsigned int headroom, bool outer_df,
			   bool local_frag)
{
	unsigned int mtu = dst_mtu(dst);

	mtu = mtu > headroom + IPV4_MIN_MTU ? mtu - headroom : IPV4_MIN_MTU;
	if (likely(podnet_tx_fits(skb, mtu)))
		return true;
	if (skb_valid_dst(skb))
		skb_dst_update_pmtu_no_confirm(skb, mtu);
	if (!outer_df)
		return true;
	if (skb->protocol == htons(ETH_P_IP)) {
		if (!(ip_hdr(skb)->frag_off & htons(IP_DF)) || skb->ignore_df)
			return local_frag;
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(mtu));
		return false;
	}
	if (mtu < IPV6_MIN_MTU)
		return local_frag;
	icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	return false;
}

/*
 * Checks the path MTU (podnet_tx_pmtu()) and makes room for @headroom
 * bytes of headers. Consumes @dst and @skb on error.
 */
static int podnet_tx_prepare(struct podnet_dev *pn, struct sk_buff *skb,
			     struct dst_entry *dst, unsigned int headroom,
			     bool outer_df, bool local_frag)
{
	enum podnet_stat reason = PODNET_STAT_TX_TOO_BIG;

	if (unlikely(!podnet_tx_pmtu(skb, dst, headroom, outer_df,
				     local_frag)))
		goto err_dst;
	reason = PODNET_STAT_TX_NOMEM;
	if (unlikely(skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) +
				  dst->header_len + headroom)))
		goto err_dst;
	return 0;

err_dst:
	dst_release(dst);
	podnet_drop(pn->drops, skb, reason);
	return -EMSGSIZE;
}

/* Drops @skb, which has no underlay route to its peer. */
static int podnet_tx_no_underlay(struct podnet_dev *pn, struct sk_buff *skb,
				 int err)
{
	podnet_drop(pn->drops, skb, PODNET_STAT_TX_UNDERLAY);
	return err;
}

/*
 * VXLAN (RFC 7348: inner Ethernet from the device's vtep mac to the
 * peer's) or VXLAN-GPE (the IP packet itself), over UDP on an IPv4 or IPv6
 * underlay. @dst, when not NULL, is the underlay route to the peer found
 * by the caller, with its source address in *@saddr. Consumes @skb and
 * @dst.
 */
static int podnet_xmit_udp(struct podnet_dev *pn, struct podnet_peer *peer,
			   struct sk_buff *skb, u8 encap,
			   struct dst_entry *dst, union podnet_saddr *saddr)
{
	struct podnet_sock *ps = rcu_dereference_bh(pn->sock);
	u32 family = peer->addr.family;
	bool xnet = !net_eq(pn->net, dev_net(pn->dev));
	struct vxlanhdr *vxh;
	__be16 sport, dport;
	unsigned int hlen;
	u8 tos, ttl;
	int err;

	if (unlikely(!ps)) {
		if (!IS_ERR_OR_NULL(dst))
			dst_release(dst);
		return podnet_tx_no_underlay(pn, skb, -ENETDOWN);
	}
	dport = htons(READ_ONCE(peer->port) ?: READ_ONCE(pn->cfg.port));
	sport = udp_flow_src_port(dev_net(pn->dev), skb, 0, 0, true);
	tos = podnet_tx_tos(pn, skb);
	hlen = podnet_encap_overhead(encap, family);

	if (!dst)
		dst = podnet_route(pn, peer, skb, saddr, IPPROTO_UDP,
				   READ_ONCE(pn->cfg.tos) == 1 ? 0 : tos,
				   sport, dport);
	if (IS_ERR(dst))
		return podnet_tx_no_underlay(pn, skb, PTR_ERR(dst));
	/* Over IPv4 the outer DF is clear, as in vxlan: routers fragment. */
	err = podnet_tx_prepare(pn, skb, dst, hlen, family != AF_INET,
				family != AF_INET);
	if (err)
		return err;

	if (encap == PODNET_ENCAP_VXLAN) {
		podnet_eth_build(skb_push(skb, ETH_HLEN),
				 podnet_peer_mac(peer, READ_ONCE(pn->cfg.vni)),
				 READ_ONCE(pn->cfg.mac), skb->protocol);
		skb_reset_mac_header(skb);
	}
	/* UDP checksums over IPv6 (RFC 6935 allows zero only by choice). */
	err = iptunnel_handle_offloads(skb, family == AF_INET ?
				       SKB_GSO_UDP_TUNNEL :
				       SKB_GSO_UDP_TUNNEL_CSUM);
	if (unlikely(err))
		goto err_nomem;
	vxh = __skb_push(skb, sizeof(*vxh));
	if (encap == PODNET_ENCAP_VXLAN) {
		podnet_vxlan_build(vxh, READ_ONCE(pn->cfg.vni));
		skb_set_inner_protocol(skb, htons(ETH_P_TEB));
	} else {
		podnet_gpe_build(vxh, READ_ONCE(pn->cfg.vni), skb->protocol);
		skb_set_inner_protocol(skb, skb->protocol);
	}

	if (family == AF_INET) {
		ttl = READ_ONCE(pn->cfg.ttl) ?: ip4_dst_hoplimit(dst);
		udp_tunnel_xmit_skb(podnet_rt(dst), ps->sock->sk, skb,
				    saddr->ip4, peer->addr.ip4, tos, ttl, 0,
				    sport, dport, xnet, true);
		return 0;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (likely(ps->sock6)) {
		ttl = READ_ONCE(pn->cfg.ttl) ?: ip6_dst_hoplimit(dst);
		/*
		 * What iptunnel_xmit() does for IPv4: the inner packet's
		 * dst reference, conntrack entry, extensions (and, across
		 * namespaces, mark) must not ride on the outer packet.
		 * Then the outer packet may be fragmented here: what must
		 * not be was sent back by podnet_tx_prepare().
		 */
		skb_scrub_packet(skb, xnet);
		skb->ignore_df = 1;
		udp_tunnel6_xmit_skb(dst, ps->sock6->sk, skb, pn->dev,
				     &saddr->ip6, &peer->addr.ip6, tos, ttl, 0,
				     sport, dport, false);
		return 0;
	}
#endif
	dst_release(dst);
	return podnet_tx_no_underlay(pn, skb, -EAFNOSUPPORT);

err_nomem:
	dst_release(dst);
	podnet_drop(pn->drops, skb, PODNET_STAT_TX_NOMEM);
	return err;
}

/*
 * IP-in-IP over an IPv4 underlay: protocol 4 for IPv4 pods, 41 for IPv6
 * pods, as Linux's ipip and sit devices (Calico's tunl0). @dst and
 * @saddr as in podnet_xmit_udp(). Consumes @skb and @dst.
 */
static int podnet_xmit_ipip(struct podnet_dev *pn, struct podnet_peer *peer,
			    struct sk_buff *skb, struct dst_entry *dst,
			    union podnet_saddr *saddr)
{
	bool v4 = skb->protocol == htons(ETH_P_IP);
	u8 proto = v4 ? IPPROTO_IPIP : IPPROTO_IPV6;
	__be16 df;
	u8 tos, ttl;
	int err;

	if (unlikely(peer->addr.family != AF_INET)) {
		if (dst)
			dst_release(dst);
		return podnet_tx_no_underlay(pn, skb, -EAFNOSUPPORT);
	}
	tos = podnet_tx_tos(pn, skb);
	if (!dst)
		dst = podnet_route(pn, peer, skb, saddr, proto,
				   READ_ONCE(pn->cfg.tos) == 1 ? 0 : tos, 0, 0);
	if (IS_ERR(dst))
		return podnet_tx_no_underlay(pn, skb, PTR_ERR(dst));
	/* The outer DF is the inner one's, as in Linux's ipip */
	df = v4 ? ip_hdr(skb)->frag_off & htons(IP_DF) : 0;
	err = podnet_tx_prepare(pn, skb, dst, sizeof(struct iphdr), df, false);
	if (err)
		return err;

	err = iptunnel_handle_offloads(skb, SKB_GSO_IPXIP4);
	if (unlikely(err)) {
		dst_release(dst);
		podnet_drop(pn->drops, skb, PODNET_STAT_TX_NOMEM);
		return err;
	}
	skb_set_inner_ipproto(skb, proto);
	ttl = READ_ONCE(pn->cfg.ttl) ?: ip4_dst_hoplimit(dst);
	iptunnel_xmit(NULL, podnet_rt(dst), skb, saddr->ip4, peer->addr.ip4,
		      proto, tos, ttl, df, !net_eq(pn->net, dev_net(pn->dev)));
	return 0;
}

/*
 * No encapsulation: the packet leaves the underlay device of @dst (the
 * route to the peer, which must be on-link) to the peer's link-layer
 * address, as flannel's host-gw does with a route. Consumes @skb and @dst.
 */
static int podnet_xmit_direct(struct podnet_dev *pn, struct podnet_peer *peer,
			      struct sk_buff *skb, struct dst_entry *dst)
{
	struct net_device *lower = dst->dev;
	unsigned int len;
	int err;

	err = podnet_tx_prepare(pn, skb, dst, 0, true, false);
	if (err)
		return err;
	skb_scrub_packet(skb, !net_eq(pn->net, dev_net(pn->dev)));
	skb->dev = lower;
	len = skb->len;
	err = neigh_xmit(peer->addr.family == AF_INET6 ? NEIGH_ND_TABLE :
							NEIGH_ARP_TABLE,
			 lower, podnet_addr_raw(&peer->addr), skb);
	dst_release(dst);
	/* On pn0's counters, as the tunnel helpers count the other formats */
	iptunnel_xmit_stats(pn->dev, net_xmit_eval(err) ? 0 : len);
	return 0;
}

/* DIRECT and AUTO: direct when on-link, AUTO falls back to a tunnel. */
static int podnet_xmit_onlink(struct podnet_dev *pn, struct podnet_peer *peer,
			      struct sk_buff *skb, u8 encap)
{
	union podnet_saddr saddr;
	struct dst_entry *dst;

	dst = podnet_route(pn, peer, skb, &saddr, 0, 0, 0, 0);
	if (IS_ERR(dst))
		return podnet_tx_no_underlay(pn, skb, PTR_ERR(dst));
	if (podnet_dst_onlink(dst, peer->addr.family))
		return podnet_xmit_direct(pn, peer, skb, dst);
	if (encap == PODNET_ENCAP_DIRECT) {	/* not on-link: no way there */
		dst_release(dst);
		return podnet_tx_no_underlay(pn, skb, -ENETUNREACH);
	}

	/* AUTO, routed: the tunnel, over the route just found */
	encap = podnet_tunnel_encap(pn, encap);
	if (encap == PODNET_ENCAP_IPIP)
		return podnet_xmit_ipip(pn, peer, skb, dst, &saddr);
	return podnet_xmit_udp(pn, peer, skb, encap, dst, &saddr);
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
	union podnet_saddr saddr;
	int err;
	u8 encap;

	peer = podnet_tx_route(pn, skb);
	if (IS_ERR(peer)) {
		podnet_drop(pn->drops, skb, PODNET_STAT_TX_BAD_INNER);
		return NETDEV_TX_OK;
	}
	if (unlikely(!peer)) {
		podnet_tx_unreachable(skb);
		podnet_drop(pn->drops, skb, PODNET_STAT_TX_NO_ROUTE);
		return NETDEV_TX_OK;
	}

	encap = podnet_peer_encap(pn, peer);
	switch (encap) {
	case PODNET_ENCAP_VXLAN:
	case PODNET_ENCAP_GPE:
		err = podnet_xmit_udp(pn, peer, skb, encap, NULL, &saddr);
		break;
	case PODNET_ENCAP_IPIP:
		err = podnet_xmit_ipip(pn, peer, skb, NULL, &saddr);
		break;
	default:
		err = podnet_xmit_onlink(pn, peer, skb, encap);
		break;
	}
	/* The device counted the drop under its reason; this is the peer's. */
	if (unlikely(err))
		podnet_tx_peer_drop(peer);
	else
		podnet_tx_stats(peer, len);
	return NETDEV_TX_OK;
}
