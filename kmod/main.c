// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: L3 UDP overlay device for Kubernetes pod networks.
 *
 * One device and one PodCIDR table replace the vxlan device, route, ARP
 * entry and FDB entry per node that flannel keeps, on the same wire format.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>

#include "podnet.h"

static int __init podnet_mod_init(void)
{
	int err;

	err = podnet_table_init();
	if (err)
		return err;
	err = podnet_device_init();
	if (err)
		goto err_table;
	err = podnet_underlay_init();
	if (err)
		goto err_device;
	err = podnet_ipip_init();
	if (err)
		goto err_underlay;
	err = podnet_genl_init();
	if (err)
		goto err_ipip;
	podnet_bench_init();
	pr_info("podnet: loaded\n");
	return 0;

err_ipip:
	podnet_ipip_exit();
err_underlay:
	podnet_underlay_exit();
err_device:
	podnet_device_exit();
err_table:
	podnet_table_exit();
	return err;
}

static void __exit podnet_mod_exit(void)
{
	podnet_bench_exit();
	podnet_genl_exit();
	podnet_ipip_exit();
	podnet_underlay_exit();
	podnet_device_exit();
	rcu_barrier();
	podnet_table_exit();
	pr_info("podnet: unloaded\n");
}

module_init(podnet_mod_init);
module_exit(podnet_mod_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(PODNET_VERSION);
MODULE_DESCRIPTION("podnet: L3 UDP overlay device for Kubernetes pod networks");
MODULE_AUTHOR("The podnet authors");
MODULE_ALIAS_RTNL_LINK("podnet");
MODULE_ALIAS_GENL_FAMILY(PODNET_GENL_NAME);
