// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: peers, the remote nodes of a device, keyed by underlay address.
 *
 * Writers hold the device lock; the packet path finds peers through the
 * PodCIDR table (and, to tell why a packet was refused, through the hash
 * below) under RCU. A removed peer is freed after a grace period.
 */
#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/netlink.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include <kunit/visibility.h>

#include "encap.h"
#include "peer.h"
#include "podnet.h"

/* netdev_alloc_pcpu_stats()'s initialisation, for an accounted allocation. */
static void podnet_peer_pcpu_init(struct podnet_peer_pcpu __percpu *pcpu)
{
	int cpu;

	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(pcpu, cpu)->syncp);
}

static const struct rhashtable_params podnet_peer_params = {
	.key_len = sizeof(struct podnet_addr),
	.key_offset = offsetof(struct podnet_peer, addr),
	.head_offset = offsetof(struct podnet_peer, node),
	.automatic_shrinking = true,
};

/**
 * podnet_peers_setup - prepare the peer set of a new device
 * @pn: the device
 *
 * Return: 0 or a negative errno.
 */
int podnet_peers_setup(struct podnet_dev *pn)
{
	INIT_LIST_HEAD(&pn->peer_list);
	pn->nr_peers = 0;
	return rhashtable_init(&pn->peers, &podnet_peer_params);
}

static void podnet_peer_free_rcu(struct rcu_head *head)
{
	struct podnet_peer *peer = container_of(head, struct podnet_peer, rcu);

	dst_cache_destroy(&peer->dst_cache);
	free_percpu(peer->pcpu);
	kfree(peer);
}

/**
 * podnet_peer_find - the peer with underlay address @addr
 * @pn: the device
 * @addr: the address, zero-padded (see struct podnet_addr)
 *
 * Context: rcu_read_lock() or the device lock.
 * Return: the peer or NULL.
 */
struct podnet_peer *podnet_peer_find(struct podnet_dev *pn,
				     const struct podnet_addr *addr)
{
	/* Takes the RCU read lock itself: the lock holder calls it too. */
	return rhashtable_lookup_fast(&pn->peers, addr, podnet_peer_params);
}

/**
 * podnet_peer_create - add a peer with the device defaults
 * @pn: the device
 * @addr: its underlay address
 * @extack: for the reason of a refusal
 *
 * Context: the device lock.
 * Return: the new peer, or an ERR_PTR (-EEXIST, -ENOMEM).
 */
struct podnet_peer *podnet_peer_create(struct podnet_dev *pn,
				       const struct podnet_addr *addr,
				       struct netlink_ext_ack *extack)
{
	struct podnet_peer *peer;
	int err;

	lockdep_assert_held(&pn->lock);

	/* Charged to the caller's memory cgroup: peers are its to make. */
	peer = kzalloc(sizeof(*peer), GFP_KERNEL_ACCOUNT);
	if (!peer)
		goto err_nomem;
	peer->pcpu = __alloc_percpu_gfp(sizeof(*peer->pcpu),
					__alignof__(*peer->pcpu),
					GFP_KERNEL_ACCOUNT);
	if (!peer->pcpu)
		goto err_free_peer;
	podnet_peer_pcpu_init(peer->pcpu);
	if (dst_cache_init(&peer->dst_cache, GFP_KERNEL_ACCOUNT))
		goto err_free_pcpu;

	peer->addr = *addr;
	peer->pn = pn;
	INIT_LIST_HEAD(&peer->routes);

	err = rhashtable_lookup_insert_fast(&pn->peers, &peer->node,
					    podnet_peer_params);
	if (err) {
		if (err == -EEXIST)
			NL_SET_ERR_MSG(extack, "Peer exists");
		else
			NL_SET_ERR_MSG(extack,
				       "Cannot add the peer to the hash");
		goto err_destroy_cache;
	}
	list_add_tail(&peer->list, &pn->peer_list);
	pn->nr_peers++;
	pn->genid++;
	return peer;

err_destroy_cache:
	dst_cache_destroy(&peer->dst_cache);
	free_percpu(peer->pcpu);
	kfree(peer);
	return ERR_PTR(err);
err_free_pcpu:
	free_percpu(peer->pcpu);
err_free_peer:
	kfree(peer);
err_nomem:
	NL_SET_ERR_MSG(extack, "Out of memory for a new peer");
	return ERR_PTR(-ENOMEM);
}

/**
 * podnet_peer_remove - remove a peer and all its routes
 * @pn: the device
 * @peer: the peer
 *
 * Takes time proportional to the peer's routes. The memory is freed after
 * a grace period, so the packet path may still be using it.
 *
 * Context: the device lock.
 */
void podnet_peer_remove(struct podnet_dev *pn, struct podnet_peer *peer)
{
	lockdep_assert_held(&pn->lock);

	podnet_table_remove_by_peer(&pn->table, peer, &pn->lock);
	rhashtable_remove_fast(&pn->peers, &peer->node, podnet_peer_params);
	list_del(&peer->list);
	pn->nr_peers--;
	pn->genid++;
	call_rcu(&peer->rcu, podnet_peer_free_rcu);
}

/**
 * podnet_peers_free - remove every peer and route of a device
 * @pn: the device
 *
 * Context: the device lock.
 */
void podnet_peers_free(struct podnet_dev *pn)
{
	struct podnet_peer *peer, *tmp;

	lockdep_assert_held(&pn->lock);

	podnet_table_free(&pn->table, &pn->lock);
	list_for_each_entry_safe(peer, tmp, &pn->peer_list, list)
		podnet_peer_remove(pn, peer);
	rhashtable_destroy(&pn->peers);
}

/**
 * podnet_peers_reset_dst - forget the cached underlay routes of all peers
 * @pn: the device, after a change of its underlay settings
 *
 * Context: the device lock.
 */
void podnet_peers_reset_dst(struct podnet_dev *pn)
{
	struct podnet_peer *peer;

	lockdep_assert_held(&pn->lock);

	list_for_each_entry(peer, &pn->peer_list, list)
		dst_cache_reset(&peer->dst_cache);
}

/**
 * podnet_peer_mac - the vtep mac packets to a peer are addressed to
 * @peer: the peer
 * @vni: its device's VNI
 *
 * Context: any; the packet path reads it locklessly.
 * Return: the mac it was given, else the one a podnet node at its address
 * derives (podnet_vtep_mac()).
 */
u64 podnet_peer_mac(const struct podnet_peer *peer, u32 vni)
{
	return READ_ONCE(peer->mac) ?:
	       podnet_vtep_mac(peer->addr.family, podnet_addr_raw(&peer->addr),
			       vni);
}

/**
 * podnet_jiffies_to_msecs - milliseconds from @then to @now, in 64 bits
 * @now: jiffies
 * @then: an earlier jiffies
 *
 * jiffies_to_msecs() returns 32 bits: a peer silent for 49.7 days would
 * look silent for 0.
 *
 * Return: the milliseconds.
 */
u64 podnet_jiffies_to_msecs(unsigned long now, unsigned long then)
{
	return jiffies64_to_msecs((u64)(now - then));
}
EXPORT_SYMBOL_IF_KUNIT(podnet_jiffies_to_msecs);

/**
 * podnet_peer_stats - sum a peer's per-CPU counters
 * @peer: the peer
 * @stats: the sums
 */
void podnet_peer_stats(struct podnet_peer *peer,
		       struct podnet_peer_stats *stats)
{
	int cpu;

	memset(stats, 0, sizeof(*stats));
	for_each_possible_cpu(cpu) {
		const struct podnet_peer_pcpu *p = per_cpu_ptr(peer->pcpu, cpu);
		u64 txp, txb, rxp, rxb, txd;
		unsigned long last;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&p->syncp);
			txp = u64_stats_read(&p->tx_packets);
			txb = u64_stats_read(&p->tx_bytes);
			rxp = u64_stats_read(&p->rx_packets);
			rxb = u64_stats_read(&p->rx_bytes);
			txd = u64_stats_read(&p->tx_drops);
		} while (u64_stats_fetch_retry(&p->syncp, start));
		last = READ_ONCE(p->last_rx);

		stats->tx_packets += txp;
		stats->tx_bytes += txb;
		stats->rx_packets += rxp;
		stats->rx_bytes += rxb;
		stats->tx_drops += txd;
		if (last &&
		    (!stats->last_rx || time_after(last, stats->last_rx)))
			stats->last_rx = last;
	}
}
