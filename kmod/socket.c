// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the UDP tunnel sockets. One socket per (namespace, port), shared
 * by every podnet device of that namespace that is up on that port, and
 * released with the last one. Devices on a socket are told apart by VNI.
 */
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/udp_tunnel.h>

#include "podnet.h"

static void podnet_sock_free_rcu(struct rcu_head *head)
{
	struct podnet_sock *ps = container_of(head, struct podnet_sock, rcu);

	free_percpu(ps->drops);
	kfree(ps);
}

/*
 * Closes a socket no device uses any more. Transmitters that found it
 * through a device are gone after synchronize_net(); receivers still inside
 * encap_rcv keep the struct until the RCU callback.
 */
static void podnet_sock_release(struct podnet_sock *ps)
{
	list_del(&ps->list);
	synchronize_net();
	if (ps->sock6)
		udp_tunnel_sock_release(ps->sock6);
	udp_tunnel_sock_release(ps->sock);
	call_rcu(&ps->rcu, podnet_sock_free_rcu);
}

/* A UDP tunnel socket of @family on @port delivering to @ps. */
static int podnet_sock_open(struct net *net, struct podnet_sock *ps,
			    u32 family, struct socket **sockp)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = ps,
		.encap_type = 1,
		.encap_rcv = podnet_udp_encap_recv,
		.gro_receive = podnet_gro_receive,
		.gro_complete = podnet_gro_complete,
	};
	struct udp_port_cfg cfg = {
		.family = family,
		.local_udp_port = htons(ps->port),
	};
	int err;

	if (family == AF_INET6) {
		/* Over IPv6, UDP checksums are on both ways, as in vxlan. */
		cfg.ipv6_v6only = 1;
		cfg.use_udp6_tx_checksums = 1;
		cfg.use_udp6_rx_checksums = 1;
	}
	err = udp_sock_create(net, &cfg, sockp);
	if (err)
		return err;
	udp_allow_gso((*sockp)->sk);
	setup_udp_tunnel_sock(net, *sockp, &tcfg);
	return 0;
}

/*
 * The IPv4 socket is required; the IPv6 one is opened when the namespace
 * has IPv6 (an IPv6 peer's packets are dropped without it).
 */
static struct podnet_sock *podnet_sock_create(struct net *net, u16 port,
					      struct netlink_ext_ack *extack)
{
	struct podnet_sock *ps;
	int err;

	ps = kzalloc(sizeof(*ps), GFP_KERNEL);
	if (!ps) {
		err = -ENOMEM;
		goto err_msg;
	}
	ps->drops = netdev_alloc_pcpu_stats(struct podnet_pcpu_drops);
	if (!ps->drops) {
		err = -ENOMEM;
		goto err_free_ps;
	}
	ps->port = port;
	INIT_HLIST_HEAD(&ps->devs);
	err = podnet_sock_open(net, ps, AF_INET, &ps->sock);
	if (err)
		goto err_free_drops;
	if (IS_ENABLED(CONFIG_IPV6) && ipv6_mod_enabled()) {
		err = podnet_sock_open(net, ps, AF_INET6, &ps->sock6);
		if (err && err != -EAFNOSUPPORT)
			goto err_release;
	}
	return ps;

err_release:
	udp_tunnel_sock_release(ps->sock);
err_free_drops:
	free_percpu(ps->drops);
err_free_ps:
	kfree(ps);
err_msg:
	NL_SET_ERR_MSG(extack, "Cannot open the UDP port");
	return ERR_PTR(err);
}

/**
 * podnet_sock_vni_busy - whether another device on @pn's socket uses @vni
 * @pn: a device that is up
 * @vni: the VNI it wants
 *
 * Context: RTNL.
 * Return: true when the VNI is taken on that port.
 */
bool podnet_sock_vni_busy(struct podnet_dev *pn, u32 vni)
{
	struct podnet_sock *ps = rtnl_dereference(pn->sock);
	struct podnet_dev *other;

	if (!ps)
		return false;
	hlist_for_each_entry(other, &ps->devs, sock_node)
		if (other != pn && other->cfg.vni == vni)
			return true;
	return false;
}

/**
 * podnet_sock_attach - put a device that goes up on the socket of its port
 * @pn: the device
 * @extack: for the reason of a refusal
 *
 * Opens the socket when this is the first device on the port.
 *
 * Context: RTNL.
 * Return: 0 or a negative errno (-EADDRINUSE: VNI taken on the port).
 */
int podnet_sock_attach(struct podnet_dev *pn, struct netlink_ext_ack *extack)
{
	struct podnet_net *pnet = net_generic(pn->net, podnet_net_id);
	struct podnet_dev *other;
	struct podnet_sock *ps;

	ASSERT_RTNL();
	list_for_each_entry(ps, &pnet->socks, list)
		if (ps->port == pn->cfg.port)
			goto found;

	ps = podnet_sock_create(pn->net, pn->cfg.port, extack);
	if (IS_ERR(ps))
		return PTR_ERR(ps);
	list_add(&ps->list, &pnet->socks);
found:
	hlist_for_each_entry(other, &ps->devs, sock_node) {
		if (other->cfg.vni == pn->cfg.vni) {
			NL_SET_ERR_MSG(extack,
				       "VNI already used by another device on this UDP port");
			return -EADDRINUSE;
		}
	}
	ps->refs++;
	hlist_add_head_rcu(&pn->sock_node, &ps->devs);
	rcu_assign_pointer(pn->sock, ps);
	return 0;
}

/**
 * podnet_sock_detach - take a device that goes down off its socket
 * @pn: the device
 *
 * Releases the socket with its last device. The receive path may still see
 * the device until a grace period has passed.
 *
 * Context: RTNL.
 */
void podnet_sock_detach(struct podnet_dev *pn)
{
	struct podnet_sock *ps = rtnl_dereference(pn->sock);

	if (!ps)
		return;
	RCU_INIT_POINTER(pn->sock, NULL);
	hlist_del_init_rcu(&pn->sock_node);
	if (!--ps->refs)
		podnet_sock_release(ps);
}

/**
 * podnet_sock_drops - add the drops counted on @pn's socket to @sum
 * @pn: the device
 * @sum: counters indexed by enum podnet_stat
 *
 * Context: RTNL.
 */
void podnet_sock_drops(struct podnet_dev *pn, u64 *sum)
{
	struct podnet_sock *ps = rtnl_dereference(pn->sock);

	if (ps)
		podnet_drops_sum(ps->drops, sum);
}
