// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: this node's underlay interface and public addresses.
 */
#ifndef PODNETD_NODE_H
#define PODNETD_NODE_H

#include <net/if.h>

#include "pd.h"

struct pd_node {
	char ifname[IF_NAMESIZE];
	uint32_t ifindex;
	struct pn_addr public_ip, public_ip6;
	bool has_public_ip6;
};

/* From the flags and the interfaces (@want6: an IPv6 network is in the
 * config). Return: 0 or -1 (logged).
 */
int pd_node_addrs(const struct pd_flags *f, bool want6, struct pd_node *n);

#endif /* PODNETD_NODE_H */
