/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnet: every difference between the supported kernels, in one place.
 *
 * Supported: Debian's 6.1 (stable backports included) and 6.12, and the
 * in-tree build of the tree it sits in. The PODNET_HAVE_* macros come from
 * feature probes of the kernel's headers in kmod/Makefile, not from version
 * numbers, which stable and distribution backports make unreliable.
 */
#ifndef _PODNET_COMPAT_H
#define _PODNET_COMPAT_H

#include <linux/netdevice.h>
#include <net/genetlink.h>

/* 6.12 turned NETIF_F_LLTX into a bit field (commit 00d066a4d4ed). */
static inline void podnet_set_lltx(struct net_device *dev)
{
#ifdef PODNET_HAVE_LLTX_BIT
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

/* 6.2 embedded a struct genl_info in struct genl_dumpit_info. */
static inline struct nlattr **podnet_dump_attrs(struct netlink_callback *cb)
{
#ifdef PODNET_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * 6.12 has drop reasons of the kernel's own tunnels (vxlan, ip_tunnel);
 * 6.1 has none that fit, and says "not specified".
 */
#ifdef PODNET_HAVE_TUNNEL_DROP_REASONS
#define PODNET_SKB_DROP_TUNNEL_HDR	SKB_DROP_REASON_VXLAN_INVALID_HDR
#define PODNET_SKB_DROP_TUNNEL_VNI	SKB_DROP_REASON_VXLAN_VNI_NOT_FOUND
#define PODNET_SKB_DROP_TUNNEL_ECN	SKB_DROP_REASON_IP_TUNNEL_ECN
#else
#define PODNET_SKB_DROP_TUNNEL_HDR	SKB_DROP_REASON_NOT_SPECIFIED
#define PODNET_SKB_DROP_TUNNEL_VNI	SKB_DROP_REASON_NOT_SPECIFIED
#define PODNET_SKB_DROP_TUNNEL_ECN	SKB_DROP_REASON_NOT_SPECIFIED
#endif

#endif /* _PODNET_COMPAT_H */
