/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnet: the PodCIDR table, longest-prefix match from a pod address to the
 * peer (remote node) that owns it. IPv4 and IPv6 side by side.
 *
 * Readers (transmit, receive anti-spoofing) run under rcu_read_lock() and
 * take no lock. Writers are serialized by a mutex owned by the caller (the
 * device's configuration lock), passed in for lockdep.
 */
#ifndef _PODNET_TABLE_H
#define _PODNET_TABLE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "addr.h"

struct podnet_peer;
struct podnet_route;
struct podnet_table_index;

/**
 * struct podnet_table - a PodCIDR table
 * @root4: root of the IPv4 trie
 * @root6: root of the IPv6 trie
 * @index4: the IPv4 trie's index, from %PODNET_INDEX_MIN_ROUTES routes on
 * @index6: the IPv6 trie's index, likewise
 * @count: number of routes, both families
 * @count6: number of IPv6 routes
 */
struct podnet_table {
	struct podnet_route __rcu *root4;
	struct podnet_route __rcu *root6;
	struct podnet_table_index __rcu *index4;
	struct podnet_table_index __rcu *index6;
	unsigned int count;
	unsigned int count6;
};

/* A family's trie gets an index from this many routes on. */
#define PODNET_INDEX_MIN_ROUTES	1024

/* Flags of podnet_table_insert(). */
#define PODNET_TABLE_REPLACE	BIT(0)	/* move an existing prefix to @peer */

int podnet_table_init(void);
void podnet_table_exit(void);

void podnet_table_setup(struct podnet_table *table);
void podnet_table_free(struct podnet_table *table, struct mutex *lock);

int podnet_table_insert(struct podnet_table *table,
			const struct podnet_addr *prefix, u8 len,
			struct podnet_peer *peer,
			u32 flags, struct mutex *lock);
int podnet_table_remove(struct podnet_table *table,
			const struct podnet_addr *prefix,
			u8 len, struct mutex *lock);
void podnet_table_swap(struct podnet_table *table,
		       struct podnet_table *staged, struct mutex *lock);
void podnet_table_remove_by_peer(struct podnet_table *table,
				 struct podnet_peer *peer, struct mutex *lock);

struct podnet_peer *podnet_table_lookup4(const struct podnet_table *table,
					 __be32 addr);
struct podnet_peer *podnet_table_lookup6(const struct podnet_table *table,
					 const struct in6_addr *addr);
struct podnet_peer *podnet_table_match(const struct podnet_table *table,
				       const struct podnet_addr *addr,
				       struct podnet_addr *prefix, u8 *len);
struct podnet_peer *podnet_table_find(const struct podnet_table *table,
				      const struct podnet_addr *prefix, u8 len);

unsigned long podnet_table_index_bytes(void);
unsigned long podnet_table_route_nodes(void);

void podnet_route_prefix(const struct podnet_route *route,
			 struct podnet_addr *prefix, u8 *len);

/**
 * typedef podnet_route_fn - called by podnet_table_walk_peer() per route
 * @ctx: the caller's context
 * @prefix: the route's prefix
 * @len: its length
 *
 * Return: 0 to go on, anything else to stop the walk.
 */
typedef int (*podnet_route_fn)(void *ctx, const struct podnet_addr *prefix,
			       u8 len);

int podnet_table_walk_peer(struct podnet_peer *peer, unsigned long *skip,
			   podnet_route_fn fn, void *ctx, struct mutex *lock);

#endif /* _PODNET_TABLE_H */
