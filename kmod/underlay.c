// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: what happens to the underlay devices. A device's underlay ("dev
 * eth0") that goes away takes the podnet devices over it along, as vxlan
 * does, rather than leave them with a dead ifindex; one whose MTU changes
 * moves their largest MTU, and their MTU when it is the automatic one.
 * NICs that parse UDP tunnels ask to be told podnet's ports again.
 */
#include <linux/netdevice.h>
#include <net/udp_tunnel.h>

#include "podnet.h"

static int podnet_underlay_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	switch (event) {
	case NETDEV_UNREGISTER:
		podnet_dev_lower_gone(dev);
		break;
	case NETDEV_CHANGEMTU:
		podnet_dev_lower_mtu(dev);
		break;
	case NETDEV_UDP_TUNNEL_PUSH_INFO:
	case NETDEV_UDP_TUNNEL_DROP_INFO:
		podnet_sock_nic(dev, event == NETDEV_UDP_TUNNEL_PUSH_INFO);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block podnet_underlay_notifier __read_mostly = {
	.notifier_call = podnet_underlay_event,
};

/**
 * podnet_underlay_init - follow the namespaces' network devices
 *
 * Return: 0 or a negative errno.
 */
int podnet_underlay_init(void)
{
	return register_netdevice_notifier(&podnet_underlay_notifier);
}

/**
 * podnet_underlay_exit - stop following them
 */
void podnet_underlay_exit(void)
{
	unregister_netdevice_notifier(&podnet_underlay_notifier);
}
