/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnet: peers, the remote nodes a device sends to and accepts from.
 */
#ifndef _PODNET_PEER_H
#define _PODNET_PEER_H

#include <linux/if_ether.h>
#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/u64_stats_sync.h>
#include <net/dst_cache.h>

#include "addr.h"

struct podnet_dev;
struct netlink_ext_ack;

/**
 * struct podnet_peer_pcpu - per-CPU counters of one peer
 * @syncp: 64 bit counter consistency on 32 bit hosts
 * @tx_packets: packets sent to the peer
 * @tx_bytes: bytes sent (inner packets)
 * @rx_packets: packets accepted from the peer
 * @rx_bytes: bytes accepted (inner packets)
 * @tx_drops: packets to the peer that could not be sent
 * @last_rx: jiffies of the last packet this CPU accepted, 0 if none
 */
struct podnet_peer_pcpu {
	struct u64_stats_sync syncp;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t tx_drops;
	unsigned long last_rx;
};

/**
 * struct podnet_peer - a remote node
 * @addr: underlay address, the key
 * @port: UDP destination port, host order (0: the device's)
 * @encap: enum podnet_encap as configured (UNSPEC: the device's)
 * @mac: remote vtep mac, ether_addr_to_u64() form (inner Ethernet
 *	destination in vxlan format); 0: not given, podnet_peer_mac() derives
 *	it
 * @pn: the device
 * @node: in the device's peer hash (RCU)
 * @list: in the device's peer list (under its lock), in creation order
 * @routes: this peer's routes (struct podnet_route), under the lock
 * @nr_routes: length of @routes
 * @dst_cache: cached underlay route to @addr
 * @pcpu: per-CPU counters
 * @sync: enum podnet_peer_sync, during a SYNC request (under the lock)
 * @sync_encap: during a SYNC request, the peer's own format as the request
 *		leaves it (under the lock)
 * @rcu: for freeing after a grace period
 *
 * The packet path reads a peer under RCU. @addr and @pn never change;
 * @port, @encap and @mac are written with WRITE_ONCE() under the device
 * lock and read with READ_ONCE().
 */
struct podnet_peer {
	struct podnet_addr addr;
	u16 port;
	u8 encap;
	u64 mac;
	struct podnet_dev *pn;
	struct rhash_head node;
	struct list_head list;
	struct list_head routes;
	unsigned int nr_routes;
	struct dst_cache dst_cache;
	struct podnet_peer_pcpu __percpu *pcpu;
	u8 sync;
	u8 sync_encap;
	struct rcu_head rcu;
};

/* Where a peer stands in a SYNC request: to delete, to keep, or new. */
enum podnet_peer_sync {
	PODNET_PEER_SYNC_STALE,
	PODNET_PEER_SYNC_KEEP,
	PODNET_PEER_SYNC_NEW,
};

/**
 * struct podnet_peer_stats - a peer's counters, summed over the CPUs
 * @tx_packets: packets sent
 * @tx_bytes: bytes sent
 * @rx_packets: packets accepted
 * @rx_bytes: bytes accepted
 * @tx_drops: packets that could not be sent
 * @last_rx: jiffies of the last packet accepted, 0 if none
 */
struct podnet_peer_stats {
	u64 tx_packets;
	u64 tx_bytes;
	u64 rx_packets;
	u64 rx_bytes;
	u64 tx_drops;
	unsigned long last_rx;
};

u64 podnet_peer_mac(const struct podnet_peer *peer, u32 vni);
u64 podnet_jiffies_to_msecs(unsigned long now, unsigned long then);
int podnet_peers_setup(struct podnet_dev *pn);
void podnet_peers_free(struct podnet_dev *pn);
struct podnet_peer *podnet_peer_find(struct podnet_dev *pn,
				     const struct podnet_addr *addr);
struct podnet_peer *podnet_peer_create(struct podnet_dev *pn,
				       const struct podnet_addr *addr,
				       struct netlink_ext_ack *extack);
void podnet_peer_remove(struct podnet_dev *pn, struct podnet_peer *peer);
void podnet_peers_reset_dst(struct podnet_dev *pn);
void podnet_peer_stats(struct podnet_peer *peer,
		       struct podnet_peer_stats *stats);

#endif /* _PODNET_PEER_H */
