/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnet: L3 UDP overlay device for Kubernetes pod networks.
 *
 * Objects shared between the files of the module: the device, the per
 * (namespace, port) socket, per-namespace state and per-CPU counters.
 */
#ifndef _PODNET_H
#define _PODNET_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rhashtable-types.h>
#include <linux/u64_stats_sync.h>
#include <net/gro_cells.h>
#include <uapi/linux/podnet.h>

#include "addr.h"
#include "table.h"

struct podnet_peer;

/* The module's version: ethtool -i, modinfo, podnetctl -V. */
#define PODNET_VERSION	"1.0"

/**
 * struct podnet_pcpu_drops - per-CPU drop counters, by enum podnet_stat
 * @syncp: 64 bit counter consistency on 32 bit hosts
 * @n: the counters
 */
struct podnet_pcpu_drops {
	struct u64_stats_sync syncp;
	u64_stats_t n[__PODNET_STAT_MAX];
};

/**
 * struct podnet_cfg - device configuration (IFLA_PODNET_*)
 * @vni: VXLAN network identifier
 * @port: UDP port, host order
 * @local: underlay source address (family 0: chosen by the route)
 * @link: underlay ifindex, 0 for none
 * @ttl: outer TTL, 0: the route's hop limit
 * @tos: outer TOS, 1: inherit from the inner packet
 * @encap: enum podnet_encap, the default of the peers
 * @mac: vtep mac, ether_addr_to_u64() form
 * @max_peers: most peers the device takes, 0 for no limit
 * @max_routes: most routes the device takes, 0 for no limit
 *
 * Written under RTNL and the device lock. Read under either, or on the
 * packet path with READ_ONCE() for the fields that may change while the
 * device is up (@vni, @ttl, @tos, @encap, @mac); @port, @local and @link
 * change only while it is down.
 */
struct podnet_cfg {
	u32 vni;
	u16 port;
	struct podnet_addr local;
	int link;
	u8 ttl;
	u8 tos;
	u8 encap;
	u64 mac;
	u32 max_peers;
	u32 max_routes;
};

/**
 * struct podnet_sock - a UDP tunnel socket
 * @list: in the podnet_net of its namespace (RTNL)
 * @sock: the kernel socket, IPv4
 * @sock6: the IPv6 socket (IPv6 only), NULL when IPv6 is off
 * @port: UDP port, host order
 * @nic_type: the UDP_TUNNEL_TYPE_* the port was announced to NICs as, or
 *	      -1 (RTNL)
 * @refs: devices using it (RTNL)
 * @devs: those devices, up or down (RCU readers, RTNL writers)
 * @drops: the namespace's drops before a device is known (bad header,
 *	   unknown VNI): struct podnet_net's, which outlives the socket
 * @rcu: for freeing after a grace period
 */
struct podnet_sock {
	struct list_head list;
	struct socket *sock;
	struct socket *sock6;
	u16 port;
	int nic_type;
	unsigned int refs;
	struct hlist_head devs;
	struct podnet_pcpu_drops __percpu *drops;
	struct rcu_head rcu;
};

/**
 * struct podnet_dev - private data of a podnet net_device
 * @dev: the device
 * @net: the namespace of the underlay socket (where the device was created)
 * @node: in the podnet_net of @net (RCU readers: IP-in-IP receive; RTNL
 *	  writers)
 * @sock_node: in @sock's device list (RCU readers, RTNL writers)
 * @sock: the UDP socket of the device's port, from creation to deletion
 *	  (RCU readers, RTNL writers)
 * @cfg: configuration (see struct podnet_cfg for who reads it how)
 * @auto_mtu: the MTU the device's settings and underlay give it; its MTU
 *	      follows them while it is equal to this (RTNL)
 * @mac_given: the vtep mac was given, not derived (RTNL)
 * @lock: serializes changes of peers, routes and @cfg
 * @dead: set under @lock when the device is going away
 * @genid: bumped under @lock on every peer or route change (dumps)
 * @table: the PodCIDR table
 * @peers: peers by underlay address (RCU readers, @lock writers)
 * @peer_list: peers in creation order, under @lock
 * @nr_peers: length of @peer_list
 * @gro_cells: receive-side NAPI for decapsulated packets
 * @drops: per-CPU drop counters
 */
struct podnet_dev {
	struct net_device *dev;
	struct net *net;
	struct hlist_node node;
	struct hlist_node sock_node;
	struct podnet_sock __rcu *sock;
	struct podnet_cfg cfg;
	unsigned int auto_mtu;
	bool mac_given;
	struct mutex lock;	/* see above */
	bool dead;
	u32 genid;
	struct podnet_table table;
	struct rhashtable peers;
	struct list_head peer_list;
	unsigned int nr_peers;
	struct gro_cells gro_cells;
	struct podnet_pcpu_drops __percpu *drops;
};

/**
 * struct podnet_net - per-namespace state
 * @devs: devices whose socket lives in this namespace (RTNL writers, RCU
 *	  readers)
 * @socks: open sockets (struct podnet_sock), under RTNL
 * @drops: drops on those sockets before a device is known, kept for as
 *	   long as the namespace
 */
struct podnet_net {
	struct hlist_head devs;
	struct list_head socks;
	struct podnet_pcpu_drops __percpu *drops;
};

extern unsigned int podnet_net_id;
extern struct rtnl_link_ops podnet_link_ops;

static inline void podnet_drop_inc(struct podnet_pcpu_drops __percpu *drops,
				   enum podnet_stat reason)
{
	struct podnet_pcpu_drops *d = this_cpu_ptr(drops);

	u64_stats_update_begin(&d->syncp);
	u64_stats_inc(&d->n[reason]);
	u64_stats_update_end(&d->syncp);
}

/* drop.c */
void podnet_drops_sum(struct podnet_pcpu_drops __percpu *drops, u64 *sum);
void podnet_drop(struct podnet_pcpu_drops __percpu *drops,
		 struct sk_buff *skb, enum podnet_stat reason);
void podnet_get_stats64(struct net_device *dev,
			struct rtnl_link_stats64 *stats);

/* device.c */
int podnet_device_init(void);
void podnet_device_exit(void);
bool podnet_is_dev(const struct net_device *dev);
void podnet_dev_lower_gone(struct net_device *lower);
void podnet_dev_lower_mtu(struct net_device *lower);

/* socket.c */
struct podnet_sock *podnet_sock_get(struct net *net, u16 port,
				    struct netlink_ext_ack *extack);
void podnet_sock_put(struct podnet_sock *ps);
bool podnet_sock_vni_busy(struct podnet_sock *ps, struct podnet_dev *pn,
			  u32 vni);
void podnet_sock_link(struct podnet_dev *pn, struct podnet_sock *ps);
void podnet_sock_unlink(struct podnet_dev *pn);
void podnet_sock_offload(struct podnet_sock *ps);
void podnet_sock_nic(struct net_device *dev, bool push);
struct podnet_dev *podnet_sock_dev(struct podnet_sock *ps, u32 vni);

/* underlay.c */
int podnet_underlay_init(void);
void podnet_underlay_exit(void);

/* tx.c */
netdev_tx_t podnet_xmit(struct sk_buff *skb, struct net_device *dev);
u8 podnet_peer_mode(struct podnet_dev *pn, struct podnet_peer *peer);

/* rx.c */
int podnet_udp_encap_recv(struct sock *sk, struct sk_buff *skb);
int podnet_udp_err_lookup(struct sock *sk, struct sk_buff *skb);
int podnet_rx_deliver(struct podnet_dev *pn, struct podnet_peer *peer,
		      const struct podnet_addr *saddr, struct sk_buff *skb,
		      const void *outer);

/* gro.c */
struct sk_buff *podnet_gro_receive(struct sock *sk, struct list_head *head,
				   struct sk_buff *skb);
int podnet_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff);

/* ipip.c */
int podnet_ipip_init(void);
void podnet_ipip_exit(void);

/* netlink.c */
int podnet_nl_prefix_valid(const struct podnet_addr *prefix, u8 len,
			   struct netlink_ext_ack *extack);
int podnet_nl_addr(const struct nlattr *attr, struct podnet_addr *addr,
		   struct netlink_ext_ack *extack);
int podnet_nl_peer_check(struct nlattr **tb, u32 family,
			 struct netlink_ext_ack *extack);
int podnet_genl_init(void);
void podnet_genl_exit(void);

/* bench.c: the table benchmark in debugfs, in development builds only */
#ifdef PODNET_BENCH
void podnet_bench_init(void);
void podnet_bench_exit(void);
#else
static inline void podnet_bench_init(void) {}
static inline void podnet_bench_exit(void) {}
#endif

#endif /* _PODNET_H */
