// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the wire formats. What each format adds to a packet, and the
 * headers of the UDP formats: VXLAN (RFC 7348) with its inner Ethernet
 * header, and VXLAN-GPE, which carries the IP packet directly. Receivers
 * are as strict as the kernel's vxlan driver: a reserved bit that is set
 * makes the header malformed.
 */
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <kunit/visibility.h>
#include <uapi/linux/podnet.h>

#include "encap.h"

/**
 * podnet_encap_overhead - bytes a format puts in front of the inner packet
 * @encap: enum podnet_encap, resolved (not UNSPEC or AUTO)
 * @family: the underlay, AF_INET or AF_INET6
 *
 * Return: the overhead; 0 for direct and for a format the family cannot
 * carry.
 */
unsigned int podnet_encap_overhead(u8 encap, u32 family)
{
	unsigned int ip = family == AF_INET6 ? sizeof(struct ipv6hdr) :
					       sizeof(struct iphdr);

	switch (encap) {
	case PODNET_ENCAP_VXLAN:
		return ip + sizeof(struct udphdr) + sizeof(struct vxlanhdr) +
		       ETH_HLEN;
	case PODNET_ENCAP_GPE:
		return ip + sizeof(struct udphdr) + sizeof(struct vxlanhdr);
	case PODNET_ENCAP_IPIP:
		return family == AF_INET ? ip : 0;
	default:
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(podnet_encap_overhead);

/**
 * podnet_encap_valid - whether an underlay family can carry a format
 * @encap: enum podnet_encap (UNSPEC: the device's, always valid here)
 * @family: the underlay, AF_INET or AF_INET6
 *
 * IP-in-IP is IPv4 underlay only (protocols 4 and 41, as Calico's tunl0);
 * everything else works over both.
 *
 * Return: true when the peer may use it.
 */
bool podnet_encap_valid(u8 encap, u32 family)
{
	if (encap > PODNET_ENCAP_MAX)
		return false;
	return encap != PODNET_ENCAP_IPIP || family == AF_INET;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_encap_valid);

/**
 * podnet_vxlan_build - write a VXLAN header
 * @vxh: 8 bytes
 * @vni: 24 bit network identifier
 */
void podnet_vxlan_build(struct vxlanhdr *vxh, u32 vni)
{
	vxh->vx_flags = VXLAN_HF_VNI;
	vxh->vx_vni = cpu_to_be32((vni & VXLAN_VID_MASK) << 8);
}
EXPORT_SYMBOL_IF_KUNIT(podnet_vxlan_build);

/**
 * podnet_gpe_build - write a VXLAN-GPE header
 * @vxh: 8 bytes
 * @vni: 24 bit network identifier
 * @proto: the inner packet, ETH_P_IP or ETH_P_IPV6
 *
 * Return: 0, or -EPFNOSUPPORT for any other inner protocol (nothing written).
 */
int podnet_gpe_build(struct vxlanhdr *vxh, u32 vni, __be16 proto)
{
	u8 np;

	if (proto == htons(ETH_P_IP))
		np = PODNET_GPE_NP_IPV4;
	else if (proto == htons(ETH_P_IPV6))
		np = PODNET_GPE_NP_IPV6;
	else
		return -EPFNOSUPPORT;
	vxh->vx_flags = VXLAN_HF_VNI | PODNET_GPE_F_NP | cpu_to_be32(np);
	vxh->vx_vni = cpu_to_be32((vni & VXLAN_VID_MASK) << 8);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_gpe_build);

/**
 * podnet_vxlan_parse - read a VXLAN or VXLAN-GPE header
 * @vxh: the 8 bytes after the UDP header
 * @vni: set to the network identifier
 * @proto: set to what follows: ETH_P_TEB for VXLAN, ETH_P_IP or ETH_P_IPV6
 *	for VXLAN-GPE
 *
 * The P bit tells the formats apart. VXLAN needs exactly the I bit; GPE the
 * I and P bits, version 0, no OAM and an IP next protocol. Every other bit
 * of the flags, and the byte after the VNI, must be zero.
 *
 * Return: PODNET_ENCAP_VXLAN or PODNET_ENCAP_GPE; -EBADMSG for a malformed
 * header, -EPFNOSUPPORT for a GPE next protocol other than IPv4 and IPv6.
 */
int podnet_vxlan_parse(const struct vxlanhdr *vxh, u32 *vni, __be16 *proto)
{
	__be32 flags = vxh->vx_flags;
	int encap;

	if (!(flags & VXLAN_HF_VNI) || (vxh->vx_vni & ~VXLAN_VNI_MASK))
		return -EBADMSG;
	flags &= ~VXLAN_HF_VNI;

	if (flags & PODNET_GPE_F_NP) {
		if (flags & (PODNET_GPE_F_VER | PODNET_GPE_F_OAM))
			return -EBADMSG;
		if (flags & ~(PODNET_GPE_F_NP | PODNET_GPE_NP_MASK))
			return -EBADMSG;
		switch (be32_to_cpu(flags & PODNET_GPE_NP_MASK)) {
		case PODNET_GPE_NP_IPV4:
			*proto = htons(ETH_P_IP);
			break;
		case PODNET_GPE_NP_IPV6:
			*proto = htons(ETH_P_IPV6);
			break;
		default:
			return -EPFNOSUPPORT;
		}
		encap = PODNET_ENCAP_GPE;
	} else {
		if (flags)
			return -EBADMSG;
		*proto = htons(ETH_P_TEB);
		encap = PODNET_ENCAP_VXLAN;
	}
	*vni = be32_to_cpu(vxh->vx_vni) >> 8;
	return encap;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_vxlan_parse);

/**
 * podnet_eth_build - write the inner Ethernet header of the VXLAN format
 * @eth: 14 bytes
 * @dst: the peer's vtep mac, ether_addr_to_u64() form
 * @src: the device's vtep mac
 * @proto: the inner packet's ethertype
 */
void podnet_eth_build(struct ethhdr *eth, u64 dst, u64 src, __be16 proto)
{
	u64_to_ether_addr(dst, eth->h_dest);
	u64_to_ether_addr(src, eth->h_source);
	eth->h_proto = proto;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_eth_build);

/**
 * podnet_vtep_mac - the vtep mac a podnet node derives from its address
 * @family: AF_INET or AF_INET6
 * @addr: the node's underlay address (4 or 16 bytes, network order)
 * @vni: the device's VNI
 *
 * A device that is given no mac takes this one from its local address, so
 * that it keeps its mac when it is made again (after a reboot) and its
 * flannel peers' FDB and neighbour entries stay right; a peer that is given
 * no mac is sent to this one, the mac a podnet node at its address has.
 * Locally administered and unicast: 02, the VNI's low byte, then the IPv4
 * address, or for IPv6 the four 32 bit words of the address XORed.
 * Documented in podnet.rst ("The vtep mac"): keep the two in step.
 *
 * Return: the mac, ether_addr_to_u64() form.
 */
u64 podnet_vtep_mac(u32 family, const void *addr, u32 vni)
{
	const __be32 *w = addr;
	u32 low = be32_to_cpu(w[0]);

	if (family == AF_INET6)
		low ^= be32_to_cpu(w[1]) ^ be32_to_cpu(w[2]) ^
		       be32_to_cpu(w[3]);
	return 0x02ULL << 40 | (u64)(vni & 0xff) << 32 | low;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_vtep_mac);

/**
 * podnet_eth_parse - read the inner Ethernet header of the VXLAN format
 * @eth: 14 bytes
 *
 * The addresses are not checked: a podnet device has no link layer, and
 * flannel nodes send to whatever vtep mac they were told.
 *
 * Return: the ethertype when it is IPv4 or IPv6, else 0.
 */
__be16 podnet_eth_parse(const struct ethhdr *eth)
{
	__be16 proto = eth->h_proto;

	if (proto == htons(ETH_P_IP) || proto == htons(ETH_P_IPV6))
		return proto;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_eth_parse);

/**
 * podnet_inner_valid - whether a decapsulated packet starts with a sane
 * IP header of the protocol its encapsulation announced
 * @hdr: the inner network header
 * @len: bytes readable at @hdr
 * @proto: ETH_P_IP or ETH_P_IPV6
 *
 * Return: true for an IPv4 header (version 4, ihl >= 5, all of it within
 * @len) or an IPv6 header (version 6, 40 bytes within @len).
 */
bool podnet_inner_valid(const void *hdr, unsigned int len, __be16 proto)
{
	if (proto == htons(ETH_P_IP)) {
		const struct iphdr *iph = hdr;

		return len >= sizeof(*iph) && iph->version == 4 &&
		       iph->ihl >= 5 && iph->ihl * 4 <= len;
	}
	if (proto == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h = hdr;

		return len >= sizeof(*ip6h) && ip6h->version == 6;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_inner_valid);
