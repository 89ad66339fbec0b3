// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the PodCIDR table, longest-prefix match from a pod address to the
 * peer (remote node) that owns it.
 *
 * Adapted from WireGuard's allowedips (drivers/net/wireguard/allowedips.c,
 * Copyright (C) 2015-2019 Jason A. Donenfeld <Jason@zx2c4.com>, GPL-2.0):
 * a binary trie with path compression per address family, RCU readers,
 * writers serialized by the caller's mutex, a per-peer list of nodes so that
 * removing a peer costs O(its routes), and a dedicated kmem_cache.
 *
 * Differences from allowedips: keys are kept as two host-order u64 words
 * (an IPv4 address in the top 32 bits of the first one), so a bit is chosen
 * by a shift rather than by a byte index; single prefixes can be removed;
 * walks over a whole trie use the parent links instead of a stack; the
 * lookup reads each node's peer once.
 *
 * Every node is either a route (@peer set, linked in @peer->routes) or an
 * internal node (@peer NULL) with exactly two children, created where two
 * prefixes diverge. Along any path from the root, prefix lengths strictly
 * increase, so a trie is at most 33 or 129 nodes deep.
 *
 * A large trie gets an index (table_index.c, where its invariant is
 * stated): every change below goes through podnet_index_update().
 */

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "peer.h"
#include "trie.h"

/* Trie nodes allocated and not yet freed, every table (KUnit). */
static atomic_long_t podnet_route_nodes = ATOMIC_LONG_INIT(0);

static struct kmem_cache *podnet_route_cache;
static unsigned int podnet_route_cache_users;
static DEFINE_MUTEX(podnet_route_cache_lock);

static void podnet_key_from_in6(const struct in6_addr *addr, u64 *key)
{
	key[0] = (u64)be32_to_cpu(addr->s6_addr32[0]) << 32 |
		 be32_to_cpu(addr->s6_addr32[1]);
	key[1] = (u64)be32_to_cpu(addr->s6_addr32[2]) << 32 |
		 be32_to_cpu(addr->s6_addr32[3]);
}

/* Fill @key from @addr; return the trie's bit length, or 0 (bad family). */
static u8 podnet_key_from_addr(const struct podnet_addr *addr, u64 *key)
{
	switch (addr->family) {
	case AF_INET:
		key[0] = (u64)be32_to_cpu(addr->ip4) << 32;
		key[1] = 0;
		return 32;
	case AF_INET6:
		podnet_key_from_in6(&addr->ip6, key);
		return 128;
	}
	return 0;
}

/* Clear the bits of @key past the first @cidr. */
static void podnet_key_mask(u64 *key, u8 cidr)
{
	if (cidr < 64) {
		key[0] &= cidr ? ~0ULL << (64 - cidr) : 0;
		key[1] = 0;
	} else if (cidr < 128) {
		key[1] &= cidr > 64 ? ~0ULL << (128 - cidr) : 0;
	}
}

/*
 * Pre-order successor of @node in the subtree under @top, or NULL. It only
 * follows child and parent links, so it needs no stack; it never looks at
 * the parent link of @top.
 */
static struct podnet_route *podnet_route_next(struct podnet_route *node,
					      struct podnet_route *top)
{
	struct podnet_route *next;

	next = podnet_deref_x(node->bit[0]);
	if (next)
		return next;
	next = podnet_deref_x(node->bit[1]);
	if (next)
		return next;
	while (node != top) {
		bool left = !(node->parent_bit_packed & 1);

		node = podnet_route_parent(node);
		if (left) {
			next = podnet_deref_x(node->bit[1]);
			if (next)
				return next;
		}
	}
	return NULL;
}

/* Every trie node comes from here and goes back through podnet_route_free(). */
static struct podnet_route *podnet_route_alloc(void)
{
	struct podnet_route *node;

	node = kmem_cache_zalloc(podnet_route_cache, GFP_KERNEL_ACCOUNT);
	if (node)
		atomic_long_inc(&podnet_route_nodes);
	return node;
}

static void podnet_route_free(struct podnet_route *node)
{
	kmem_cache_free(podnet_route_cache, node);
	atomic_long_dec(&podnet_route_nodes);
}

static void podnet_route_free_rcu(struct rcu_head *rcu)
{
	podnet_route_free(container_of(rcu, struct podnet_route, rcu));
}

/*
 * Free a whole detached trie after a grace period, leaves first, by the
 * parent links: no recursion and no stack.
 */
static void podnet_route_free_tree_rcu(struct rcu_head *rcu)
{
	struct podnet_route *top = container_of(rcu, struct podnet_route, rcu);
	struct podnet_route *node = top, *child, *parent;

	for (;;) {
		child = podnet_deref_x(node->bit[0]);
		if (!child)
			child = podnet_deref_x(node->bit[1]);
		if (child) {
			node = child;
			continue;
		}
		if (node == top)
			break;
		parent = podnet_route_parent(node);
		RCU_INIT_POINTER(parent->bit[node->parent_bit_packed & 1],
				 NULL);
		podnet_route_free(node);
		node = parent;
	}
	podnet_route_free(top);
}

static void podnet_route_connect(struct podnet_route __rcu **slot,
				 unsigned int bit, struct podnet_route *node)
{
	node->parent_bit_packed = (unsigned long)slot | bit;
	rcu_assign_pointer(*slot, node);
}

/* Make @node the child of @parent on the side its key selects. */
static void podnet_route_connect_child(struct podnet_route *parent,
				       struct podnet_route *node)
{
	unsigned int bit = podnet_choose(parent, node->key);

	podnet_route_connect(&parent->bit[bit], bit, node);
}

static void podnet_route_assign(struct podnet_route *node, const u64 *key,
				u8 cidr, u8 bits)
{
	node->key[0] = key[0];
	node->key[1] = key[1];
	podnet_key_mask(node->key, cidr);
	node->cidr = cidr;
	node->bits = bits;
}

/*
 * Find where @key/@cidr goes: the deepest node whose prefix contains it
 * (*@rnode, NULL if none). Return true when that node is @key/@cidr itself,
 * route or internal node.
 */
static bool podnet_route_place(struct podnet_route __rcu **trie,
			       const u64 *key, u8 cidr,
			       struct podnet_route **rnode, struct mutex *lock)
{
	struct podnet_route *node = podnet_deref_w(*trie, lock);
	struct podnet_route *parent = NULL;
	bool exact = false;

	while (node && node->cidr <= cidr && podnet_prefix_matches(node, key)) {
		parent = node;
		if (parent->cidr == cidr) {
			exact = true;
			break;
		}
		node = podnet_deref_w(parent->bit[podnet_choose(parent, key)],
				      lock);
	}
	*rnode = parent;
	return exact;
}

/*
 * The lookup of the packet path: through the family's index when it has
 * one (a slot, then the nodes below it), else from the root.
 */
static __always_inline struct podnet_peer *
podnet_table_lookup_key(struct podnet_route __rcu *const *trie,
			struct podnet_table_index __rcu *const *index,
			const u64 *key, u8 bits)
{
	const struct podnet_table_index *idx = podnet_deref_r(*index);
	const struct podnet_index_slot *slot;

	if (!idx)
		return podnet_route_walk(podnet_deref_r(*trie), key, bits,
					 NULL, NULL, false);
	slot = podnet_index_slot(idx, key);
	if (!slot)
		return NULL;
	return podnet_route_walk(podnet_deref_r(slot->start), key, bits,
				 podnet_deref_r(slot->best), NULL, false);
}

/**
 * podnet_table_route_nodes - trie nodes not yet freed
 *
 * Counts the nodes of every table, all devices together, including those
 * removed and waiting for a grace period (rcu_barrier() waits for them).
 *
 * Return: the number of trie nodes allocated and not yet freed.
 */
unsigned long podnet_table_route_nodes(void)
{
	return atomic_long_read(&podnet_route_nodes);
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_route_nodes);

static void podnet_route_link_peer(struct podnet_table *table,
				   struct podnet_route *node,
				   struct podnet_peer *peer)
{
	list_add_tail(&node->peer_list, &peer->routes);
	peer->nr_routes++;
	table->count++;
	table->count6 += node->bits == 128;
}

static void podnet_route_unlink_peer(struct podnet_table *table,
				     struct podnet_route *node,
				     struct podnet_peer *peer)
{
	list_del(&node->peer_list);
	peer->nr_routes--;
	table->count--;
	table->count6 -= node->bits == 128;
}

static int podnet_route_add(struct podnet_table *table, u8 bits,
			    const u64 *key, u8 cidr, struct podnet_peer *peer,
			    u32 flags, struct mutex *lock)
{
	struct podnet_route __rcu **trie = podnet_table_root(table, bits);
	struct podnet_route *node, *down, *newnode, *mid;
	struct podnet_peer *old;
	unsigned int bit;
	u8 common;

	if (podnet_route_place(trie, key, cidr, &node, lock)) {
		old = podnet_deref_w(node->peer, lock);
		if (old) {
			if (!(flags & PODNET_TABLE_REPLACE))
				return -EEXIST;
			if (old == peer)
				return 0;
			podnet_route_unlink_peer(table, node, old);
		}
		/* An internal node becomes a route, or a route moves. */
		rcu_assign_pointer(node->peer, peer);
		podnet_route_link_peer(table, node, peer);
		podnet_index_update(table, bits, node->key, node->cidr, NULL,
				    lock);
		return 0;
	}

	newnode = podnet_route_alloc();
	if (unlikely(!newnode))
		return -ENOMEM;
	RCU_INIT_POINTER(newnode->peer, peer);
	podnet_route_assign(newnode, key, cidr, bits);

	if (!node) {
		down = podnet_deref_w(*trie, lock);
		if (!down) {
			podnet_route_connect(trie, 2, newnode);
			mid = newnode;
			goto linked;
		}
	} else {
		bit = podnet_choose(node, key);
		down = podnet_deref_w(node->bit[bit], lock);
		if (!down) {
			podnet_route_connect(&node->bit[bit], bit, newnode);
			mid = newnode;
			goto linked;
		}
	}

	/*
	 * @down is in the way: it is longer than the new prefix, or diverges
	 * from it. Either the new node goes above it, or an internal node
	 * at the point of divergence gets both as children.
	 */
	common = min_t(unsigned int, cidr, podnet_common_bits(down, key));
	if (common == cidr) {
		podnet_route_connect_child(newnode, down);
		mid = newnode;
	} else {
		mid = podnet_route_alloc();
		if (unlikely(!mid)) {
			podnet_route_free(newnode);
			return -ENOMEM;
		}
		INIT_LIST_HEAD(&mid->peer_list);
		podnet_route_assign(mid, key, common, bits);
		podnet_route_connect_child(mid, down);
		podnet_route_connect_child(mid, newnode);
	}
	if (!node)
		podnet_route_connect(trie, 2, mid);
	else
		podnet_route_connect_child(node, mid);

linked:
	podnet_route_link_peer(table, newnode, peer);
	/* @mid: the topmost node added. */
	podnet_index_update(table, bits, mid->key, mid->cidr, NULL, lock);
	return 0;
}

/*
 * Splice @node, which has at most one child, out of its trie. The caller
 * frees it once no index slot points to it any more.
 */
static void podnet_route_splice(struct podnet_route *node,
				struct podnet_route *child)
{
	struct podnet_route __rcu **slot;

	slot = (struct podnet_route __rcu **)(node->parent_bit_packed & ~3UL);
	if (child)
		child->parent_bit_packed = node->parent_bit_packed;
	/* @child, if any, is already visible to readers. */
	RCU_INIT_POINTER(*slot, child);
}

/* Remove the route @node; free it, and its parent if that becomes useless. */
static void podnet_route_del(struct podnet_table *table,
			     struct podnet_route *node, struct mutex *lock)
{
	struct podnet_peer *peer = podnet_deref_w(node->peer, lock);
	struct podnet_route *child, *parent, *top;
	unsigned long packed;

	/*
	 * The index stops answering with this route first: a reader gets
	 * it or the route above it, never nothing.
	 */
	podnet_index_update(table, node->bits, node->key, node->cidr, node,
			    lock);
	podnet_route_unlink_peer(table, node, peer);
	RCU_INIT_POINTER(node->peer, NULL);

	/* With two children, it stays as an internal node. */
	if (rcu_access_pointer(node->bit[0]) &&
	    rcu_access_pointer(node->bit[1]))
		return;

	child = podnet_deref_w(node->bit[0], lock);
	if (!child)
		child = podnet_deref_w(node->bit[1], lock);
	packed = node->parent_bit_packed;
	parent = (packed & 2) ? NULL : podnet_route_parent(node);
	podnet_route_splice(node, child);
	top = node;

	/*
	 * A leaf is gone: an internal parent is left with a single child,
	 * and goes too.
	 */
	if (!child && parent && !rcu_access_pointer(parent->peer)) {
		podnet_route_splice(parent,
				    podnet_deref_w(parent->bit[!(packed & 1)],
						   lock));
		top = parent;
	}
	podnet_index_update(table, node->bits, top->key, top->cidr, NULL,
			    lock);
	call_rcu(&node->rcu, podnet_route_free_rcu);
	if (top != node)
		call_rcu(&top->rcu, podnet_route_free_rcu);
}

/*
 * Check a prefix: its family, length and host bits. Fill @key; return the
 * trie's bit length or a negative error.
 */
static int podnet_prefix_key(const struct podnet_addr *prefix, u8 len,
			     u64 *key)
{
	u64 masked[2];
	u8 bits;

	bits = podnet_key_from_addr(prefix, key);
	if (!bits)
		return -EAFNOSUPPORT;
	if (len > bits)
		return -EINVAL;
	masked[0] = key[0];
	masked[1] = key[1];
	podnet_key_mask(masked, len);
	if (masked[0] != key[0] || masked[1] != key[1])
		return -EINVAL;
	return bits;
}

/**
 * podnet_table_init - create the route node cache
 *
 * Context: module init, and the KUnit tests. Calls nest: the cache exists
 * from the first call to the matching last podnet_table_exit().
 * Return: 0, or -ENOMEM.
 */
int podnet_table_init(void)
{
	int err = 0;

	mutex_lock(&podnet_route_cache_lock);
	if (!podnet_route_cache_users) {
		/* Charged to the memory cgroup of whoever adds the route */
		podnet_route_cache = KMEM_CACHE(podnet_route, SLAB_ACCOUNT);
		if (!podnet_route_cache)
			err = -ENOMEM;
	}
	if (!err)
		podnet_route_cache_users++;
	mutex_unlock(&podnet_route_cache_lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_init);

/**
 * podnet_table_exit - destroy the route node cache
 *
 * Called from module exit, after every table has been freed. Waits for the
 * pending RCU callbacks that free nodes.
 */
void podnet_table_exit(void)
{
	mutex_lock(&podnet_route_cache_lock);
	if (!WARN_ON(!podnet_route_cache_users) &&
	    !--podnet_route_cache_users) {
		rcu_barrier();
		kmem_cache_destroy(podnet_route_cache);
		podnet_route_cache = NULL;
	}
	mutex_unlock(&podnet_route_cache_lock);
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_exit);

/**
 * podnet_table_setup - initialize an empty table
 * @table: the table
 */
void podnet_table_setup(struct podnet_table *table)
{
	RCU_INIT_POINTER(table->root4, NULL);
	RCU_INIT_POINTER(table->root6, NULL);
	RCU_INIT_POINTER(table->index4, NULL);
	RCU_INIT_POINTER(table->index6, NULL);
	table->count = 0;
	table->count6 = 0;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_setup);

static void podnet_table_free_root(struct podnet_route __rcu **slot,
				   struct mutex *lock)
{
	struct podnet_route *top = podnet_deref_w(*slot, lock), *node;
	struct podnet_peer *peer;

	if (!top)
		return;
	RCU_INIT_POINTER(*slot, NULL);
	for (node = top; node; node = podnet_route_next(node, top)) {
		peer = podnet_deref_w(node->peer, lock);
		if (peer) {
			list_del(&node->peer_list);
			peer->nr_routes--;
		}
	}
	call_rcu(&top->rcu, podnet_route_free_tree_rcu);
}

/**
 * podnet_table_free - remove every route
 * @table: the table
 * @lock: the lock serializing the table's writers, held
 *
 * Empties every peer's route list. Readers may still walk the old tries;
 * the nodes are freed after a grace period. The table is empty and usable
 * afterwards.
 */
void podnet_table_free(struct podnet_table *table, struct mutex *lock)
{
	podnet_index_replace(&table->index4, NULL, lock);
	podnet_index_replace(&table->index6, NULL, lock);
	podnet_table_free_root(&table->root4, lock);
	podnet_table_free_root(&table->root6, lock);
	table->count = 0;
	table->count6 = 0;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_free);

/* Moves the trie in *@from to *@to, fixing the root's link to its slot. */
static void podnet_table_move_root(struct podnet_route __rcu **to,
				   struct podnet_route *root)
{
	if (root)
		root->parent_bit_packed = (unsigned long)to | 2;
	rcu_assign_pointer(*to, root);
}

/**
 * podnet_table_swap - publish a table built aside
 * @table: the live table
 * @staged: a table filled while @table stayed live; gets @table's routes
 * @lock: the lock serializing the table's writers, held
 *
 * Each lookup reads one family's index, or its root when there is no
 * index, and goes on with what it read: every reader sees either all the
 * old routes of that family or all the new ones, never a mix. Afterwards
 * @staged holds the old routes: free them with podnet_table_free().
 */
void podnet_table_swap(struct podnet_table *table,
		       struct podnet_table *staged, struct mutex *lock)
{
	struct podnet_route *old4 = podnet_deref_w(table->root4, lock);
	struct podnet_route *old6 = podnet_deref_w(table->root6, lock);
	struct podnet_table_index *idx4 = podnet_deref_w(table->index4, lock);
	struct podnet_table_index *idx6 = podnet_deref_w(table->index6, lock);
	unsigned int count = table->count, count6 = table->count6;

	podnet_table_move_root(&table->root4,
			       podnet_deref_w(staged->root4, lock));
	podnet_table_move_root(&table->root6,
			       podnet_deref_w(staged->root6, lock));
	podnet_table_move_root(&staged->root4, old4);
	podnet_table_move_root(&staged->root6, old6);
	rcu_assign_pointer(table->index4, podnet_deref_w(staged->index4, lock));
	rcu_assign_pointer(table->index6, podnet_deref_w(staged->index6, lock));
	RCU_INIT_POINTER(staged->index4, idx4);
	RCU_INIT_POINTER(staged->index6, idx6);
	table->count = staged->count;
	table->count6 = staged->count6;
	staged->count = count;
	staged->count6 = count6;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_swap);

/**
 * podnet_table_insert - add a route
 * @table: the table
 * @prefix: the prefix, IPv4 or IPv6, with no bits set past @len
 * @len: the prefix length, at most 32 or 128
 * @peer: the peer the prefix routes to
 * @flags: %PODNET_TABLE_REPLACE to move an existing prefix to @peer
 * @lock: the lock serializing the table's writers, held
 *
 * Context: process context, may sleep (GFP_KERNEL allocations).
 * Return: 0; -EINVAL for a bad length, host bits set or no @peer;
 * -EAFNOSUPPORT for a family other than AF_INET and AF_INET6; -EEXIST when
 * @prefix/@len is there already and @flags has no %PODNET_TABLE_REPLACE;
 * -ENOMEM, the table unchanged.
 */
int podnet_table_insert(struct podnet_table *table,
			const struct podnet_addr *prefix, u8 len,
			struct podnet_peer *peer, u32 flags,
			struct mutex *lock)
{
	u64 key[2];
	int bits;

	if (unlikely(!peer))
		return -EINVAL;
	bits = podnet_prefix_key(prefix, len, key);
	if (bits < 0)
		return bits;
	return podnet_route_add(table, bits, key, len, peer, flags, lock);
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_insert);

/**
 * podnet_table_remove - remove a route
 * @table: the table
 * @prefix: the prefix, with no bits set past @len
 * @len: the prefix length
 * @lock: the lock serializing the table's writers, held
 *
 * The node is freed after a grace period.
 *
 * Return: 0; -ENOENT when there is no route for exactly @prefix/@len;
 * -EINVAL or -EAFNOSUPPORT as podnet_table_insert().
 */
int podnet_table_remove(struct podnet_table *table,
			const struct podnet_addr *prefix, u8 len,
			struct mutex *lock)
{
	struct podnet_route *node;
	u64 key[2];
	int bits;

	bits = podnet_prefix_key(prefix, len, key);
	if (bits < 0)
		return bits;
	if (!podnet_route_place(podnet_table_root(table, bits), key, len,
				&node, lock) ||
	    !rcu_access_pointer(node->peer))
		return -ENOENT;
	podnet_route_del(table, node, lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_remove);

/**
 * podnet_table_remove_by_peer - remove every route of a peer
 * @table: the table
 * @peer: the peer
 * @lock: the lock serializing the table's writers, held
 *
 * Takes time in proportion to @peer's routes, not to the table.
 */
void podnet_table_remove_by_peer(struct podnet_table *table,
				 struct podnet_peer *peer, struct mutex *lock)
{
	struct podnet_route *node, *tmp;

	list_for_each_entry_safe(node, tmp, &peer->routes, peer_list)
		podnet_route_del(table, node, lock);
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_remove_by_peer);

/**
 * podnet_table_lookup4 - longest-prefix match of an IPv4 address
 * @table: the table
 * @addr: the address
 *
 * Context: rcu_read_lock(), rcu_read_lock_bh() or BH disabled.
 * Return: the peer of the longest IPv4 prefix holding @addr, or NULL.
 */
struct podnet_peer *podnet_table_lookup4(const struct podnet_table *table,
					 __be32 addr)
{
	u64 key[2] = { (u64)be32_to_cpu(addr) << 32, 0 };

	return podnet_table_lookup_key(&table->root4, &table->index4, key, 32);
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_lookup4);

/**
 * podnet_table_lookup6 - longest-prefix match of an IPv6 address
 * @table: the table
 * @addr: the address
 *
 * IPv4-mapped addresses are IPv6 addresses: they match IPv6 prefixes only.
 *
 * Context: rcu_read_lock(), rcu_read_lock_bh() or BH disabled.
 * Return: the peer of the longest IPv6 prefix holding @addr, or NULL.
 */
struct podnet_peer *podnet_table_lookup6(const struct podnet_table *table,
					 const struct in6_addr *addr)
{
	u64 key[2];

	podnet_key_from_in6(addr, key);
	return podnet_table_lookup_key(&table->root6, &table->index6, key, 128);
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_lookup6);

/**
 * podnet_table_match - longest-prefix match, with the matching prefix
 * @table: the table
 * @addr: the address, IPv4 or IPv6
 * @prefix: the matching prefix, when a peer is returned (may be NULL)
 * @len: its length, when a peer is returned (may be NULL)
 *
 * Context: rcu_read_lock() (any flavour), or the table's lock held.
 * Return: the peer of the longest prefix holding @addr, or NULL (also for
 * a family other than AF_INET and AF_INET6).
 */
struct podnet_peer *podnet_table_match(const struct podnet_table *table,
				       const struct podnet_addr *addr,
				       struct podnet_addr *prefix, u8 *len)
{
	struct podnet_route *node;
	struct podnet_peer *peer;
	u64 key[2];
	u8 bits;

	bits = podnet_key_from_addr(addr, key);
	if (!bits)
		return NULL;
	/*
	 * Readers and writers (route get, under the lock) call this. It
	 * walks from the root: the index has no node for routes above it.
	 */
	peer = podnet_route_walk(bits == 32 ? podnet_deref_x(table->root4) :
					      podnet_deref_x(table->root6),
				 key, bits, NULL, &node, true);
	if (!peer)
		return NULL;
	if (prefix)
		podnet_route_prefix(node, prefix, len);
	else if (len)
		*len = node->cidr;
	return peer;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_match);

/**
 * podnet_table_find - exact match of a prefix
 * @table: the table
 * @prefix: the prefix
 * @len: its length
 *
 * Context: rcu_read_lock() (any flavour), or the table's lock held.
 * Return: the peer of the route for exactly @prefix/@len, or NULL (also for
 * an invalid prefix).
 */
struct podnet_peer *podnet_table_find(const struct podnet_table *table,
				      const struct podnet_addr *prefix, u8 len)
{
	struct podnet_route *node;
	u64 key[2];
	int bits;

	bits = podnet_prefix_key(prefix, len, key);
	if (bits < 0)
		return NULL;
	/* Writers call this too: rcu_dereference_raw(), as documented. */
	node = podnet_deref_x(*(bits == 32 ? &table->root4 : &table->root6));
	while (node && node->cidr <= len && podnet_prefix_matches(node, key)) {
		if (node->cidr == len)
			return podnet_deref_x(node->peer);
		node = podnet_deref_x(node->bit[podnet_choose(node, key)]);
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_find);

/**
 * podnet_route_prefix - read a route's prefix
 * @route: the route, e.g. from a peer's routes list
 * @prefix: filled with the prefix (zeroed first)
 * @len: filled with the prefix length (may be NULL)
 *
 * Context: the table's lock held, or rcu_read_lock().
 */
void podnet_route_prefix(const struct podnet_route *route,
			 struct podnet_addr *prefix, u8 *len)
{
	memset(prefix, 0, sizeof(*prefix));
	if (route->bits == 32) {
		prefix->family = AF_INET;
		prefix->ip4 = cpu_to_be32(route->key[0] >> 32);
	} else {
		prefix->family = AF_INET6;
		prefix->ip6.s6_addr32[0] = cpu_to_be32(route->key[0] >> 32);
		prefix->ip6.s6_addr32[1] = cpu_to_be32(route->key[0]);
		prefix->ip6.s6_addr32[2] = cpu_to_be32(route->key[1] >> 32);
		prefix->ip6.s6_addr32[3] = cpu_to_be32(route->key[1]);
	}
	if (len)
		*len = route->cidr;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_route_prefix);

/**
 * podnet_table_walk_peer - call a function for each route of a peer
 * @peer: the peer
 * @skip: in: how many of @peer's routes to pass over first; out: how many
 *	  were done (passed over, or @fn returned 0), so that a walk stopped
 *	  by @fn resumes, with the same @skip, at the route it stopped at
 * @fn: called with each route's prefix, in the order the routes were added
 *	to @peer
 * @ctx: passed to @fn
 * @lock: the lock serializing the table's writers, held
 *
 * For dumps, which resume in a later call when a message is full.
 *
 * Return: 0 when every route was done, or the non-zero value @fn returned.
 */
int podnet_table_walk_peer(struct podnet_peer *peer, unsigned long *skip,
			   podnet_route_fn fn, void *ctx, struct mutex *lock)
{
	struct podnet_route *route;
	struct podnet_addr prefix;
	unsigned long done = 0;
	int err = 0;
	u8 len;

	lockdep_assert_held(lock);
	list_for_each_entry(route, &peer->routes, peer_list) {
		if (done < *skip) {
			done++;
			continue;
		}
		podnet_route_prefix(route, &prefix, &len);
		err = fn(ctx, &prefix, len);
		if (err)
			break;
		done++;
	}
	*skip = done;
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_walk_peer);
