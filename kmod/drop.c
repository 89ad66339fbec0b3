// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: dropped packets, each counted once. A drop has one reason (enum
 * podnet_stat), counted per CPU on its device, or on the underlay namespace
 * when no device is known yet (a bad header, an unknown VNI). The device's
 * standard counters ("ip -s link": rx_dropped, tx_errors, ...) are derived
 * from those reasons when they are read, not counted a second time, and the
 * packet is freed with the kernel's closest drop reason (SKB_DROP_REASON_*)
 * so that the skb:kfree_skb tracepoint and drop monitors see why.
 */
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "compat.h"
#include "podnet.h"

/* The standard device counters a reason adds to. */
enum podnet_counter {
	PODNET_CNT_NONE,
	PODNET_CNT_RX_DROPPED,
	PODNET_CNT_RX_FRAME,	/* rx_errors and rx_frame_errors */
	PODNET_CNT_TX_DROPPED,
	PODNET_CNT_TX_ERRORS,
	PODNET_CNT_TX_CARRIER,	/* tx_errors and tx_carrier_errors */
};

/**
 * struct podnet_reason - what a podnet drop reason is to the kernel
 * @skb: the drop reason the packet is freed with
 * @counter: the standard device counters it adds to (enum podnet_counter)
 */
struct podnet_reason {
	enum skb_drop_reason skb;
	u8 counter;
};

static const struct podnet_reason podnet_reasons[__PODNET_STAT_MAX] = {
	[PODNET_STAT_RX_BAD_HEADER] = { PODNET_SKB_DROP_TUNNEL_HDR,
					PODNET_CNT_RX_FRAME },
	[PODNET_STAT_RX_UNKNOWN_VNI] = { PODNET_SKB_DROP_TUNNEL_VNI,
					 PODNET_CNT_RX_DROPPED },
	[PODNET_STAT_RX_UNKNOWN_PEER] = { SKB_DROP_REASON_NOT_SPECIFIED,
					  PODNET_CNT_RX_DROPPED },
	/* the inner source is routed to another node: a reverse path check */
	[PODNET_STAT_RX_SPOOFED] = { SKB_DROP_REASON_IP_RPFILTER,
				     PODNET_CNT_RX_DROPPED },
	[PODNET_STAT_RX_BAD_INNER] = { SKB_DROP_REASON_INVALID_PROTO,
				       PODNET_CNT_RX_FRAME },
	[PODNET_STAT_RX_ECN] = { PODNET_SKB_DROP_TUNNEL_ECN,
				 PODNET_CNT_RX_FRAME },
	[PODNET_STAT_RX_DEV_DOWN] = { SKB_DROP_REASON_DEV_READY,
				      PODNET_CNT_RX_DROPPED },
	[PODNET_STAT_TX_NO_ROUTE] = { SKB_DROP_REASON_IP_OUTNOROUTES,
				      PODNET_CNT_TX_DROPPED },
	[PODNET_STAT_TX_UNDERLAY] = { SKB_DROP_REASON_IP_OUTNOROUTES,
				      PODNET_CNT_TX_CARRIER },
	[PODNET_STAT_TX_BAD_INNER] = { SKB_DROP_REASON_UNHANDLED_PROTO,
				       PODNET_CNT_TX_DROPPED },
	[PODNET_STAT_TX_NOMEM] = { SKB_DROP_REASON_NOMEM,
				   PODNET_CNT_TX_DROPPED },
	[PODNET_STAT_TX_TOO_BIG] = { SKB_DROP_REASON_PKT_TOO_BIG,
				     PODNET_CNT_TX_ERRORS },
};

/**
 * podnet_drops_sum - add per-CPU drop counters to @sum
 * @drops: the counters
 * @sum: sums indexed by enum podnet_stat
 */
void podnet_drops_sum(struct podnet_pcpu_drops __percpu *drops, u64 *sum)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct podnet_pcpu_drops *d = per_cpu_ptr(drops, cpu);
		u64 n[__PODNET_STAT_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&d->syncp);
			for (i = 0; i < __PODNET_STAT_MAX; i++)
				n[i] = u64_stats_read(&d->n[i]);
		} while (u64_stats_fetch_retry(&d->syncp, start));
		for (i = 0; i < __PODNET_STAT_MAX; i++)
			sum[i] += n[i];
	}
}

/**
 * podnet_drop - drop a packet, counted once under its reason
 * @drops: the counters of its device, or of its underlay namespace
 * @skb: the packet, consumed
 * @reason: why
 *
 * Context: any; the packet path.
 */
void podnet_drop(struct podnet_pcpu_drops __percpu *drops,
		 struct sk_buff *skb, enum podnet_stat reason)
{
	podnet_drop_inc(drops, reason);
	kfree_skb_reason(skb, podnet_reasons[reason].skb);
}

/**
 * podnet_get_stats64 - ndo_get_stats64 of a podnet device
 * @dev: the device
 * @stats: filled with its counters
 *
 * The packets and bytes come from the per-CPU counters the packet path
 * adds to (podnet's and the UDP tunnel helpers'); the drop and error
 * counters from the device's drop reasons.
 */
void podnet_get_stats64(struct net_device *dev,
			struct rtnl_link_stats64 *stats)
{
	struct podnet_dev *pn = netdev_priv(dev);
	u64 n[__PODNET_STAT_MAX] = {};
	int i;

	dev_get_tstats64(dev, stats);
	podnet_drops_sum(pn->drops, n);
	for (i = 0; i < __PODNET_STAT_MAX; i++) {
		switch (podnet_reasons[i].counter) {
		case PODNET_CNT_RX_DROPPED:
			stats->rx_dropped += n[i];
			break;
		case PODNET_CNT_RX_FRAME:
			stats->rx_errors += n[i];
			stats->rx_frame_errors += n[i];
			break;
		case PODNET_CNT_TX_DROPPED:
			stats->tx_dropped += n[i];
			break;
		case PODNET_CNT_TX_CARRIER:
			stats->tx_carrier_errors += n[i];
			fallthrough;
		case PODNET_CNT_TX_ERRORS:
			stats->tx_errors += n[i];
			break;
		}
	}
}
