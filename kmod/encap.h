/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnet: the wire formats. Overheads, and the VXLAN, VXLAN-GPE and inner
 * Ethernet headers built on transmit and parsed on receive. These helpers
 * work on plain memory, not on socket buffers, so that KUnit can feed them
 * every malformed case.
 */
#ifndef _PODNET_ENCAP_H
#define _PODNET_ENCAP_H

#include <linux/if_ether.h>
#include <linux/types.h>
#include <uapi/linux/podnet.h>
#include <net/vxlan.h>

/* VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe) flag bits and next protocols. */
#define PODNET_GPE_F_VER	cpu_to_be32(BIT(29) | BIT(28))
#define PODNET_GPE_F_NP		cpu_to_be32(BIT(26))
#define PODNET_GPE_F_OAM	cpu_to_be32(BIT(24))
#define PODNET_GPE_NP_MASK	cpu_to_be32(0xff)
#define PODNET_GPE_NP_IPV4	0x01
#define PODNET_GPE_NP_IPV6	0x02

/* Headroom of the largest format: IPv6 + UDP + VXLAN + Ethernet. */
#define PODNET_MAX_HEADROOM	(40 + 8 + 8 + ETH_HLEN)

unsigned int podnet_encap_overhead(u8 encap, u32 family);
bool podnet_encap_valid(u8 encap, u32 family);
void podnet_vxlan_build(struct vxlanhdr *vxh, u32 vni);
int podnet_gpe_build(struct vxlanhdr *vxh, u32 vni, __be16 proto);
int podnet_vxlan_parse(const struct vxlanhdr *vxh, u32 *vni, __be16 *proto);
void podnet_eth_build(struct ethhdr *eth, u64 dst, u64 src, __be16 proto);
u64 podnet_vtep_mac(u32 family, const void *addr, u32 vni);
__be16 podnet_eth_parse(const struct ethhdr *eth);
bool podnet_inner_valid(const void *hdr, unsigned int len, __be16 proto);

#endif /* _PODNET_ENCAP_H */
