// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: GRO on the UDP tunnel sockets, as vxlan does. Packets of one
 * inner flow from one peer with the same VXLAN or VXLAN-GPE header are
 * merged before decapsulation: the receive path and the stack above see
 * one large packet instead of many.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <net/gro.h>

#include "encap.h"
#include "podnet.h"

/**
 * podnet_gro_receive - gro_receive of the podnet UDP sockets
 * @sk: the socket
 * @head: packets held for merging
 * @skb: the new packet, its GRO offset at the VXLAN header
 *
 * Context: softirq, RCU read side (the UDP GRO path).
 * Return: a packet to flush, or NULL.
 */
struct sk_buff *podnet_gro_receive(struct sock *sk, struct list_head *head,
				   struct sk_buff *skb)
{
	unsigned int off = skb_gro_offset(skb);
	const struct packet_offload *ptype;
	struct vxlanhdr *vh, *vh2;
	struct sk_buff *pp = NULL;
	struct sk_buff *p;
	int encap, flush = 1;
	__be16 proto;
	u32 vni;

	vh = skb_gro_header(skb, off + sizeof(*vh), off);
	if (unlikely(!vh))
		goto out;
	encap = podnet_vxlan_parse(vh, &vni, &proto);
	if (encap < 0)
		goto out;
	skb_gro_postpull_rcsum(skb, vh, sizeof(*vh));
	skb_gro_pull(skb, sizeof(*vh));

	list_for_each_entry(p, head, list) {
		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		vh2 = (struct vxlanhdr *)(p->data + off);
		if (vh->vx_flags != vh2->vx_flags ||
		    vh->vx_vni != vh2->vx_vni)
			NAPI_GRO_CB(p)->same_flow = 0;
	}

	if (encap == PODNET_ENCAP_VXLAN) {
		pp = call_gro_receive(eth_gro_receive, head, skb);
	} else {
		ptype = gro_find_receive_by_type(proto);
		if (!ptype)
			goto out;
		pp = call_gro_receive(ptype->callbacks.gro_receive, head, skb);
	}
	flush = 0;
out:
	skb_gro_flush_final(skb, pp, flush);
	return pp;
}

/**
 * podnet_gro_complete - gro_complete of the podnet UDP sockets
 * @sk: the socket
 * @skb: a merged packet
 * @nhoff: offset of the VXLAN header
 *
 * Return: 0, or a negative errno from the inner protocol.
 */
int podnet_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	struct vxlanhdr *vh = (struct vxlanhdr *)(skb->data + nhoff);
	const struct packet_offload *ptype;
	__be16 proto;
	u32 vni;

	switch (podnet_vxlan_parse(vh, &vni, &proto)) {
	case PODNET_ENCAP_VXLAN:
		/* Sets inner_mac_header: skb->encapsulation is set. */
		return eth_gro_complete(skb, nhoff + sizeof(*vh));
	case PODNET_ENCAP_GPE:
		ptype = gro_find_complete_by_type(proto);
		if (ptype)
			return ptype->callbacks.gro_complete(skb, nhoff +
							     sizeof(*vh));
		fallthrough;
	default:
		return -EPFNOSUPPORT;
	}
}
