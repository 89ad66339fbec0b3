/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnet: the PodCIDR table's internals, shared by the trie (table.c) and
 * its index (table_index.c): the node, the index, the key helpers and the
 * walk that every lookup ends with. Nothing outside those two files and
 * their KUnit tests includes it.
 */
#ifndef _PODNET_TRIE_H
#define _PODNET_TRIE_H

#include <linux/bitops.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "table.h"

/**
 * struct podnet_route - a node of the PodCIDR trie
 * @peer: the peer this prefix routes to, or NULL for an internal node
 * @bit: the children; @bit[b] continues with bit @cidr of the key equal to b
 * @cidr: prefix length
 * @bits: 32 (IPv4 trie) or 128 (IPv6 trie)
 * @key: the prefix, host order, IPv4 in the top half of @key[0]; bits past
 *	 @cidr are zero
 * @parent_bit_packed: the address of the slot pointing to this node (a
 *	 parent's @bit[] or the table root), ORed with 0 or 1 (which child of
 *	 the parent) or 2 (the node is a root)
 * @peer_list: in @peer->routes, under the table lock (routes only)
 * @rcu: for freeing after a grace period; shares storage with @peer_list,
 *	 which is unlinked before the node is handed to call_rcu()
 *
 * The members used by lookups come first, in one cache line.
 */
struct podnet_route {
	struct podnet_peer __rcu *peer;
	struct podnet_route __rcu *bit[2];
	u8 cidr;
	u8 bits;
	u64 key[2];
	unsigned long parent_bit_packed;
	union {
		struct list_head peer_list;
		struct rcu_head rcu;
	};
};

static_assert(sizeof(struct podnet_route) <= 128);

/**
 * struct podnet_index_slot - where the lookups of a slot's addresses go
 * @start: the first node on their path that is at least as deep as the
 *	   index and lies in the slot, or NULL when the path ends, or leaves
 *	   the slot, before it
 * @best: the peer of the longest route on the path above that depth
 */
struct podnet_index_slot {
	struct podnet_route __rcu *start;
	struct podnet_peer __rcu *best;
};

/**
 * struct podnet_table_index - direct access to the middle of a large trie
 * @key: the root's prefix when the index was built
 * @base: the root's prefix length (the index's first bit)
 * @shift: the number of address bits that select a slot
 * @rcu: for freeing after a grace period
 * @slot: 2^@shift slots, for the addresses under @key/@base in order
 *
 * Rebuilt when the root changes, or when the routes of the family are four
 * times more or fewer than the slots were made for.
 */
struct podnet_table_index {
	u64 key[2];
	u8 base;
	u8 shift;
	struct rcu_head rcu;
	struct podnet_index_slot slot[];
};

/* Writers: the caller's lock is held. */
#define podnet_deref_w(p, lock) \
	rcu_dereference_protected(p, lockdep_is_held(lock))

/*
 * Readers: rcu_read_lock() or rcu_read_lock_bh(), or BH disabled (transmit
 * path, softirq receive path).
 */
#define podnet_deref_r(p) rcu_dereference_check(p, rcu_read_lock_bh_held())

/*
 * Unchecked: walks where no writer can interfere (the caller is the writer
 * or the trie is detached), and the lookups that either readers or writers
 * call (for lockdep, the lock they hold is unknown).
 */
#define podnet_deref_x(p) rcu_dereference_raw(p)

#define podnet_deref_rx(p, raw) \
	rcu_dereference_check(p, (raw) || rcu_read_lock_bh_held())
/* Number of leading bits two keys have in common (0..128). */
static __always_inline unsigned int podnet_key_common(const u64 *a,
						      const u64 *b)
{
	u64 x0 = a[0] ^ b[0];

	if (x0)
		return 64 - fls64(x0);
	return 128 - fls64(a[1] ^ b[1]);
}

static __always_inline unsigned int
podnet_common_bits(const struct podnet_route *node, const u64 *key)
{
	return podnet_key_common(node->key, key);
}

/*
 * Bits @off to @off + @n - 1 of @key, counting from the most significant
 * (1 <= @n <= 32, @off + @n <= 128).
 */
static __always_inline u32 podnet_key_slice(const u64 *key, unsigned int off,
					    unsigned int n)
{
	u64 v;

	if (off >= 64)
		v = key[1] << (off - 64);
	else if (off + n <= 64)
		v = key[0] << off;
	else
		v = key[0] << off | key[1] >> (64 - off);
	return v >> (64 - n);
}

static __always_inline bool
podnet_prefix_matches(const struct podnet_route *node, const u64 *key)
{
	return podnet_common_bits(node, key) >= node->cidr;
}

/*
 * The child of @node to follow for @key: bit number @node->cidr of @key,
 * counting from the most significant. Only for @node->cidr < 128.
 */
static __always_inline unsigned int
podnet_choose(const struct podnet_route *node, const u64 *key)
{
	return (key[node->cidr / 64] >> (63 - node->cidr % 64)) & 1;
}

static inline struct podnet_route __rcu **
podnet_table_root(struct podnet_table *table, u8 bits)
{
	return bits == 32 ? &table->root4 : &table->root6;
}

static inline struct podnet_table_index __rcu **
podnet_table_index(struct podnet_table *table, u8 bits)
{
	return bits == 32 ? &table->index4 : &table->index6;
}

/* The parent of a non-root @node (whose slot is a parent's bit[]). */
static inline struct podnet_route *
podnet_route_parent(const struct podnet_route *node)
{
	struct podnet_route __rcu **slot;

	slot = (struct podnet_route __rcu **)(node->parent_bit_packed & ~3UL);
	return container_of(slot - (node->parent_bit_packed & 1),
			    struct podnet_route, bit[0]);
}

/*
 * Longest-prefix match of @key from @node down, @best the answer so far:
 * return the peer, and the matching node in *@found when @found is not NULL
 * (set only when the answer is a node below @node). Each node's peer is
 * read once, so the peer and node returned belong together even while a
 * writer changes them. @raw: skip the lockdep check of the reader's RCU
 * read lock.
 */
static __always_inline struct podnet_peer *
podnet_route_walk(struct podnet_route *node, const u64 *key, u8 bits,
		  struct podnet_peer *best, struct podnet_route **found,
		  bool raw)
{
	struct podnet_peer *peer;

	while (node && podnet_prefix_matches(node, key)) {
		peer = podnet_deref_rx(node->peer, raw);
		if (peer) {
			best = peer;
			if (found)
				*found = node;
		}
		if (node->cidr == bits)
			break;
		node = podnet_deref_rx(node->bit[podnet_choose(node, key)],
				       raw);
	}
	return best;
}

/*
 * The slot of @idx that holds @key, or NULL when @key is outside the root's
 * prefix (every route of the family is under it: no match).
 */
static __always_inline const struct podnet_index_slot *
podnet_index_slot(const struct podnet_table_index *idx, const u64 *key)
{
	if (podnet_key_common(idx->key, key) < idx->base)
		return NULL;
	return &idx->slot[podnet_key_slice(key, idx->base, idx->shift)];
}

void podnet_index_update(struct podnet_table *table, u8 bits,
			 const u64 *key, u8 cidr,
			 const struct podnet_route *skip, struct mutex *lock);
void podnet_index_replace(struct podnet_table_index __rcu **slot,
			  struct podnet_table_index *idx, struct mutex *lock);

#endif /* _PODNET_TRIE_H */
