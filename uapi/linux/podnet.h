/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * podnet: L3 UDP overlay device for Kubernetes pod networks.
 *
 * The ABI shared by the kernel module (rtnetlink link attributes and the
 * "podnet" generic netlink family) and userspace (podnetctl, link_podnet.so).
 */
#ifndef _UAPI_LINUX_PODNET_H
#define _UAPI_LINUX_PODNET_H

#include <linux/types.h>

#define PODNET_GENL_NAME		"podnet"
#define PODNET_GENL_VERSION		1
#define PODNET_GENL_MCGRP_EVENTS	"events"

#define PODNET_DEFAULT_VNI		1
#define PODNET_DEFAULT_PORT		8472
#define PODNET_VNI_MAX			0xffffff
#define PODNET_DEFAULT_MTU		1450

/* Wire format of a peer (and device default). */
enum podnet_encap {
	PODNET_ENCAP_UNSPEC,	/* peer: use the device's encap */
	PODNET_ENCAP_VXLAN,	/* IP/UDP/VXLAN/Ethernet/IP (RFC 7348) */
	PODNET_ENCAP_GPE,	/* IP/UDP/VXLAN-GPE/IP */
	PODNET_ENCAP_IPIP,	/* IP/IP or IP/IPv6 (proto 4 / 41) */
	PODNET_ENCAP_DIRECT,	/* no encap: peer is the next hop */
	PODNET_ENCAP_AUTO,	/* direct when on-link, else device encap */

	__PODNET_ENCAP_MAX,
	PODNET_ENCAP_MAX = __PODNET_ENCAP_MAX - 1
};

/*
 * rtnetlink: IFLA_INFO_DATA of "ip link add pn0 type podnet".
 * Integers are in host byte order; addresses are 4 or 16 raw bytes in
 * network byte order (the length gives the family).
 */
enum {
	IFLA_PODNET_UNSPEC,
	IFLA_PODNET_VNI,	/* u32, 1 .. 2^24-1 */
	IFLA_PODNET_PORT,	/* u16, UDP port, not 0 */
	IFLA_PODNET_LOCAL,	/* binary, 4 or 16 bytes: underlay source */
	IFLA_PODNET_LINK,	/* u32, underlay ifindex */
	IFLA_PODNET_TTL,	/* u8, 0 = route hop limit */
	IFLA_PODNET_TOS,	/* u8, 1 = inherit from inner */
	IFLA_PODNET_VTEP_MAC,	/* binary, 6 bytes */
	IFLA_PODNET_ENCAP,	/* u8, enum podnet_encap */
	IFLA_PODNET_MAX_PEERS,	/* u32, most peers the device takes, 0 = any */
	IFLA_PODNET_MAX_ROUTES,	/* u32, most routes the device takes, 0 = any */

	__IFLA_PODNET_MAX
};

#define IFLA_PODNET_MAX (__IFLA_PODNET_MAX - 1)

/*
 * Generic netlink commands.
 *
 * Every request names the device with PODNET_A_IFINDEX or PODNET_A_IFNAME,
 * dump requests included, except the DEV_GET dump, which lists every podnet
 * device of the namespace. Replies carry PODNET_A_IFINDEX and the object's
 * nest (PODNET_A_DEV replies also PODNET_A_IFNAME).
 *
 * Notifications on the "events" group use the command of the change
 * (PEER_NEW, PEER_SET, PEER_DEL, ROUTE_NEW, ROUTE_DEL) with the same
 * attributes as a reply; a route added to an unknown peer first sends the
 * PEER_NEW of that peer.
 *
 * In PEER_NEW and PEER_SET, PODNET_A_PEER_PORT 0 and PODNET_A_PEER_ENCAP
 * UNSPEC mean "the device's".
 *
 * SYNC is the control plane's full resync. Its request carries, at top
 * level and repeated, one PODNET_A_ROUTE nest (PREFIX, PREFIX_LEN, VIA)
 * per route and optionally one PODNET_A_PEER nest (ADDR, PORT, ENCAP, MAC)
 * per peer whose settings it sets. Afterwards the device has exactly those
 * routes and the peers they name (or that a PEER nest names): other peers
 * are deleted, peers that stay keep their counters. The new table is built
 * aside and published at once: a lookup sees all the old routes or all the
 * new ones. On any error nothing changes. The top-level nests are not
 * limited to 64 KiB: raise SO_SNDBUF for large sets. The notification is a
 * PODNET_CMD_SYNC with PODNET_A_IFINDEX and PODNET_A_DEV {PEERS, ROUTES}.
 */
enum podnet_cmd {
	PODNET_CMD_UNSPEC,
	PODNET_CMD_DEV_GET,	/* do, dump */
	PODNET_CMD_PEER_NEW,	/* do; an existing peer: EEXIST */
	PODNET_CMD_PEER_SET,	/* do; changes an existing peer */
	PODNET_CMD_PEER_DEL,	/* do; also deletes the peer's routes */
	PODNET_CMD_PEER_GET,	/* do, dump */
	PODNET_CMD_ROUTE_NEW,	/* do; existing: EEXIST, or moved if REPLACE */
	PODNET_CMD_ROUTE_DEL,	/* do */
	PODNET_CMD_ROUTE_GET,	/* do (longest match of an address), dump */
	PODNET_CMD_SYNC,	/* do: replace all peers and routes at once */

	__PODNET_CMD_MAX
};

#define PODNET_CMD_MAX (__PODNET_CMD_MAX - 1)

/* Top level attributes of every podnet message. */
enum podnet_attr {
	PODNET_A_UNSPEC,
	PODNET_A_IFINDEX,	/* u32 */
	PODNET_A_IFNAME,	/* string */
	PODNET_A_DEV,		/* nest, enum podnet_dev_attr */
	PODNET_A_PEER,		/* nest, enum podnet_peer_attr */
	PODNET_A_ROUTE,		/* nest, enum podnet_route_attr */

	__PODNET_A_MAX
};

#define PODNET_A_MAX (__PODNET_A_MAX - 1)

enum podnet_dev_attr {
	PODNET_A_DEV_UNSPEC,
	PODNET_A_DEV_VNI,		/* u32 */
	PODNET_A_DEV_PORT,		/* u16 */
	PODNET_A_DEV_LOCAL,		/* binary, 4 or 16 bytes */
	PODNET_A_DEV_LINK,		/* u32 ifindex */
	PODNET_A_DEV_ENCAP,		/* u8, enum podnet_encap */
	PODNET_A_DEV_TTL,		/* u8 */
	PODNET_A_DEV_TOS,		/* u8 */
	PODNET_A_DEV_MTU,		/* u32 */
	PODNET_A_DEV_VTEP_MAC,		/* binary, 6 bytes */
	PODNET_A_DEV_PEERS,		/* u32, number of peers */
	PODNET_A_DEV_ROUTES,		/* u32, number of routes */
	PODNET_A_DEV_STATS,		/* nest, enum podnet_stat (u64 each) */
	PODNET_A_DEV_PAD,
	PODNET_A_DEV_MAX_PEERS,		/* u32, 0 = no limit */
	PODNET_A_DEV_MAX_ROUTES,	/* u32, 0 = no limit */
	PODNET_A_DEV_UNDERLAY_STATS,	/* nest, enum podnet_stat (u64 each):
					 * drops on the UDP ports of the
					 * device's underlay namespace before
					 * a device was chosen (rx_bad_header,
					 * rx_unknown_vni); the same on every
					 * device of that namespace, and not
					 * in any device's own counters
					 */

	__PODNET_A_DEV_MAX
};

#define PODNET_A_DEV_MAX (__PODNET_A_DEV_MAX - 1)

/* Device counters: packets dropped, by reason. */
enum podnet_stat {
	PODNET_STAT_UNSPEC,
	PODNET_STAT_RX_BAD_HEADER,	/* short or malformed tunnel header */
	PODNET_STAT_RX_UNKNOWN_VNI,	/* no device with that VNI (per port) */
	PODNET_STAT_RX_UNKNOWN_PEER,	/* outer source is not a peer */
	PODNET_STAT_RX_SPOOFED,		/* inner source not routed to sender */
	PODNET_STAT_RX_BAD_INNER,	/* inner not IPv4/IPv6, or malformed */
	PODNET_STAT_RX_ECN,		/* ECN decapsulation error (RFC 6040) */
	PODNET_STAT_RX_DEV_DOWN,	/* device administratively down */
	PODNET_STAT_TX_NO_ROUTE,	/* no PodCIDR holds the destination */
	PODNET_STAT_TX_UNDERLAY,	/* no underlay route to the peer */
	PODNET_STAT_TX_BAD_INNER,	/* not an IPv4/IPv6 packet */
	PODNET_STAT_TX_NOMEM,		/* could not make headroom */
	PODNET_STAT_PAD,
	PODNET_STAT_TX_TOO_BIG,		/* larger than the underlay path
					 * allows, not to be fragmented: the
					 * sender was told the MTU
					 */

	__PODNET_STAT_MAX
};

#define PODNET_STAT_MAX (__PODNET_STAT_MAX - 1)

enum podnet_peer_attr {
	PODNET_A_PEER_UNSPEC,
	PODNET_A_PEER_ADDR,		/* binary, 4 or 16 bytes: the key */
	PODNET_A_PEER_PORT,		/* u16, 0 = device port */
	PODNET_A_PEER_ENCAP,		/* u8, enum podnet_encap */
	PODNET_A_PEER_MAC,		/* binary, 6 bytes: remote vtep mac */
	PODNET_A_PEER_ROUTES,		/* u32, number of routes */
	PODNET_A_PEER_STATS,		/* nest, enum podnet_peer_stat */
	PODNET_A_PEER_PAD,
	PODNET_A_PEER_MODE,		/* u8, enum podnet_encap: the format
					 * packets to the peer use now (AUTO
					 * resolved to DIRECT or the device's
					 * encap); replies only
					 */

	__PODNET_A_PEER_MAX
};

#define PODNET_A_PEER_MAX (__PODNET_A_PEER_MAX - 1)

enum podnet_peer_stat {
	PODNET_PEER_STAT_UNSPEC,
	PODNET_PEER_STAT_TX_PACKETS,	/* u64 */
	PODNET_PEER_STAT_TX_BYTES,	/* u64 */
	PODNET_PEER_STAT_RX_PACKETS,	/* u64 */
	PODNET_PEER_STAT_RX_BYTES,	/* u64 */
	PODNET_PEER_STAT_TX_DROPS,	/* u64 */
	PODNET_PEER_STAT_LAST_RX_MSECS,	/* u64, ms since last rx, or absent */
	PODNET_PEER_STAT_PAD,

	__PODNET_PEER_STAT_MAX
};

#define PODNET_PEER_STAT_MAX (__PODNET_PEER_STAT_MAX - 1)

enum podnet_route_attr {
	PODNET_A_ROUTE_UNSPEC,
	PODNET_A_ROUTE_PREFIX,		/* binary, 4 or 16 bytes */
	PODNET_A_ROUTE_PREFIX_LEN,	/* u8; absent in ROUTE_GET: match */
	PODNET_A_ROUTE_VIA,		/* binary, 4 or 16 bytes: the peer */
	PODNET_A_ROUTE_REPLACE,		/* flag, ROUTE_NEW: move if it exists */

	__PODNET_A_ROUTE_MAX
};

#define PODNET_A_ROUTE_MAX (__PODNET_A_ROUTE_MAX - 1)

#endif /* _UAPI_LINUX_PODNET_H */
