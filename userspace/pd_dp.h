// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: the data plane: pn0 created or adopted from the Backend, its
 * addresses and cluster routes, and its table kept equal to the leases
 * (one PODNET_CMD_SYNC, or changes one lease at a time).
 */
#ifndef PODNETD_DP_H
#define PODNETD_DP_H

#include "pd.h"
#include "pnl.h"

struct pd_dp {
	struct pn_nl nl;
	const struct pd_flags *f;
	const struct pd_netconf *nc;
	uint32_t ifindex;		/* pn0 */
	uint32_t link;			/* the underlay device */
	uint8_t mac[PN_ETH_ALEN];	/* pn0's vtep mac, as it reports it */
	uint64_t nl_errors;		/* failed requests */
};

/*
 * Create pn0 (with @mac when not NULL: the mac of our previous lease) or
 * adopt the existing one, set to the Backend's settings, local @self's
 * public IP on underlay @link; up. Return: 0 or -1 (logged).
 */
int pd_dp_device(struct pd_dp *dp, const struct pd_self *self, uint32_t link,
		 const uint8_t *mac);
/* The subnet's first address on pn0 (others of ours removed) and the
 * cluster routes to it. Return: 0 or -1.
 */
int pd_dp_addresses(struct pd_dp *dp, const struct pd_self *self);

/* The peer (and its settings) and routes of other node's lease @l. */
struct pd_lease_dp {
	struct pn_peer peer, peer6;
	bool has_peer6;
	struct pn_route route, route6;
	bool has_route6;
};

void pd_dp_of_lease(const struct pd_dp *dp, const struct pd_self *self,
		    const struct pd_lease *l, struct pd_lease_dp *out);

/* Replace pn0's whole table by @n leases at once. Return: 0 or -1. */
int pd_dp_sync(struct pd_dp *dp, const struct pd_self *self,
	       const struct pd_lease *const *leases, size_t n);
/* Lease @l is new or changed (its peers and routes now). */
int pd_dp_lease_set(struct pd_dp *dp, const struct pd_self *self,
		    const struct pd_lease *l);
/* Routes of @l away; @del_peer / @del_peer6: its peers too (no other
 * lease uses them).
 */
int pd_dp_lease_del(struct pd_dp *dp, const struct pd_self *self,
		    const struct pd_lease *l, bool del_peer, bool del_peer6);
int pd_dp_peer_del(struct pd_dp *dp, const struct pn_addr *a);
/* The route of @prefix away (gone already: fine). */
int pd_dp_route_del(struct pd_dp *dp, const struct pn_prefix *prefix);

#endif /* PODNETD_DP_H */
