// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the UDP tunnel sockets. One socket per (namespace, port), shared
 * by every podnet device of that namespace on that port, from the creation
 * of the first to the deletion of the last: the port is taken when a
 * device is created (or moved to it), so that a port another socket holds
 * (flannel.1's, say) is refused with a message then, not at "ip link set
 * up". Devices on a socket are told apart by VNI, which is unique on it.
 * The port is announced to the namespace's NICs that parse UDP tunnels
 * (udp_tunnel_nic), as vxlan does for its own.
 */
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/udp_tunnel.h>

#include "podnet.h"

static void podnet_sock_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct podnet_sock, rcu));
}

/* The UDP tunnel type NICs are told the port carries: -1 for none. */
static int podnet_sock_nic_type(const struct podnet_sock *ps)
{
	struct podnet_dev *pn;
	bool gpe = false;

	hlist_for_each_entry(pn, &ps->devs, sock_node) {
		if (pn->cfg.encap != PODNET_ENCAP_GPE)
			return UDP_TUNNEL_TYPE_VXLAN;
		gpe = true;
	}
	return gpe ? UDP_TUNNEL_TYPE_VXLAN_GPE : -1;
}

static void podnet_sock_notify(struct podnet_sock *ps, int type, bool add)
{
	if (add) {
		udp_tunnel_notify_add_rx_port(ps->sock, type);
		if (ps->sock6)
			udp_tunnel_notify_add_rx_port(ps->sock6, type);
	} else {
		udp_tunnel_notify_del_rx_port(ps->sock, type);
		if (ps->sock6)
			udp_tunnel_notify_del_rx_port(ps->sock6, type);
	}
}

/**
 * podnet_sock_offload - tell the NICs what the port of @ps carries
 * @ps: the socket, after a change of its devices or of their encap
 *
 * VXLAN, unless every device on the port defaults to VXLAN-GPE; nothing
 * once the socket has no device.
 *
 * Context: RTNL.
 */
void podnet_sock_offload(struct podnet_sock *ps)
{
	int type = podnet_sock_nic_type(ps);

	ASSERT_RTNL();
	if (type == ps->nic_type)
		return;
	if (ps->nic_type >= 0)
		podnet_sock_notify(ps, ps->nic_type, false);
	if (type >= 0)
		podnet_sock_notify(ps, type, true);
	ps->nic_type = type;
}

/**
 * podnet_sock_nic - replay podnet's ports to a NIC, or take them back
 * @dev: a NIC that asks (NETDEV_UDP_TUNNEL_PUSH_INFO / _DROP_INFO)
 * @push: true to add the ports, false to remove them
 *
 * Context: RTNL.
 */
void podnet_sock_nic(struct net_device *dev, bool push)
{
	struct podnet_net *pnet = net_generic(dev_net(dev), podnet_net_id);
	struct podnet_sock *ps;

	ASSERT_RTNL();
	list_for_each_entry(ps, &pnet->socks, list) {
		if (ps->nic_type < 0)
			continue;
		if (push) {
			udp_tunnel_push_rx_port(dev, ps->sock, ps->nic_type);
			if (ps->sock6)
				udp_tunnel_push_rx_port(dev, ps->sock6,
							ps->nic_type);
		} else {
			udp_tunnel_drop_rx_port(dev, ps->sock, ps->nic_type);
			if (ps->sock6)
				udp_tunnel_drop_rx_port(dev, ps->sock6,
							ps->nic_type);
		}
	}
}

/* A UDP tunnel socket of @family on @port delivering to @ps. */
static int podnet_sock_open(struct net *net, struct podnet_sock *ps,
			    u32 family, struct socket **sockp)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = ps,
		.encap_type = 1,
		.encap_rcv = podnet_udp_encap_recv,
		.encap_err_lookup = podnet_udp_err_lookup,
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
	struct podnet_net *pnet = net_generic(net, podnet_net_id);
	struct podnet_sock *ps;
	int err;

	ps = kzalloc(sizeof(*ps), GFP_KERNEL_ACCOUNT);
	if (!ps) {
		NL_SET_ERR_MSG(extack, "Out of memory for the UDP socket");
		return ERR_PTR(-ENOMEM);
	}
	ps->port = port;
	ps->nic_type = -1;
	ps->drops = pnet->drops;
	INIT_HLIST_HEAD(&ps->devs);
	err = podnet_sock_open(net, ps, AF_INET, &ps->sock);
	if (err)
		goto err_free_ps;
	if (IS_ENABLED(CONFIG_IPV6) && ipv6_mod_enabled()) {
		err = podnet_sock_open(net, ps, AF_INET6, &ps->sock6);
		if (err && err != -EAFNOSUPPORT)
			goto err_release;
	}
	list_add(&ps->list, &pnet->socks);
	return ps;

err_release:
	udp_tunnel_sock_release(ps->sock);
err_free_ps:
	kfree(ps);
	if (err == -EADDRINUSE)
		NL_SET_ERR_MSG(extack,
			       "UDP port in use by another socket (a vxlan device such as flannel.1, or a program)");
	else
		NL_SET_ERR_MSG(extack, "Cannot open the UDP port");
	return ERR_PTR(err);
}

/**
 * podnet_sock_get - the socket of a port, opened if needed, with a reference
 * @net: the underlay namespace
 * @port: the UDP port, host order
 * @extack: for the reason of a refusal
 *
 * The reference keeps the port; give it to podnet_sock_link(), or back with
 * podnet_sock_put().
 *
 * Context: RTNL.
 * Return: the socket, or an ERR_PTR (-EADDRINUSE: the port is taken).
 */
struct podnet_sock *podnet_sock_get(struct net *net, u16 port,
				    struct netlink_ext_ack *extack)
{
	struct podnet_net *pnet = net_generic(net, podnet_net_id);
	struct podnet_sock *ps;

	ASSERT_RTNL();
	list_for_each_entry(ps, &pnet->socks, list)
		if (ps->port == port)
			goto found;
	ps = podnet_sock_create(net, port, extack);
	if (IS_ERR(ps))
		return ps;
found:
	ps->refs++;
	return ps;
}

/**
 * podnet_sock_put - drop a reference; the last closes the socket
 * @ps: the socket
 *
 * Transmitters and receivers that found the socket are gone after
 * synchronize_net(); a receiver inside encap_rcv keeps the struct until
 * the RCU callback.
 *
 * Context: RTNL.
 */
void podnet_sock_put(struct podnet_sock *ps)
{
	ASSERT_RTNL();
	if (--ps->refs) {
		podnet_sock_offload(ps);
		return;
	}
	list_del(&ps->list);
	podnet_sock_offload(ps);
	synchronize_net();
	if (ps->sock6)
		udp_tunnel_sock_release(ps->sock6);
	udp_tunnel_sock_release(ps->sock);
	call_rcu(&ps->rcu, podnet_sock_free_rcu);
}

/**
 * podnet_sock_vni_busy - whether another device on a socket has a VNI
 * @ps: the socket
 * @pn: the device that wants @vni (NULL: one being created)
 * @vni: the VNI
 *
 * Context: RTNL.
 * Return: true when another device of the port has @vni.
 */
bool podnet_sock_vni_busy(struct podnet_sock *ps, struct podnet_dev *pn,
			  u32 vni)
{
	struct podnet_dev *other;

	hlist_for_each_entry(other, &ps->devs, sock_node)
		if (other != pn && other->cfg.vni == vni)
			return true;
	return false;
}

/**
 * podnet_sock_link - put a device on a socket
 * @pn: the device, on no socket or on another one
 * @ps: the socket, with the reference podnet_sock_get() gave, which
 *	passes to @pn
 *
 * A device that moves waits for a grace period between the two lists, so
 * that a receiver walking the old list never follows it into the new one.
 *
 * Context: RTNL, the device down or not yet registered.
 */
void podnet_sock_link(struct podnet_dev *pn, struct podnet_sock *ps)
{
	struct podnet_sock *old = rtnl_dereference(pn->sock);

	if (old) {
		RCU_INIT_POINTER(pn->sock, NULL);
		hlist_del_init_rcu(&pn->sock_node);
		synchronize_net();
		podnet_sock_put(old);
	}
	hlist_add_head_rcu(&pn->sock_node, &ps->devs);
	rcu_assign_pointer(pn->sock, ps);
	podnet_sock_offload(ps);
}

/**
 * podnet_sock_unlink - take a device that goes away off its socket
 * @pn: the device
 *
 * Releases the socket with its last device. The receive path may still see
 * the device until a grace period has passed.
 *
 * Context: RTNL.
 */
void podnet_sock_unlink(struct podnet_dev *pn)
{
	struct podnet_sock *ps = rtnl_dereference(pn->sock);

	if (!ps)
		return;
	RCU_INIT_POINTER(pn->sock, NULL);
	hlist_del_init_rcu(&pn->sock_node);
	podnet_sock_put(ps);
}

/**
 * podnet_sock_dev - the device of a socket that has a VNI
 * @ps: the socket
 * @vni: the VNI of a received packet
 *
 * Context: RCU read side (the packet path).
 * Return: the device, or NULL.
 */
struct podnet_dev *podnet_sock_dev(struct podnet_sock *ps, u32 vni)
{
	struct podnet_dev *pn;

	hlist_for_each_entry_rcu(pn, &ps->devs, sock_node)
		if (READ_ONCE(pn->cfg.vni) == vni)
			return pn;
	return NULL;
}
