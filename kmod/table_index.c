// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the index of a large PodCIDR trie.
 *
 * A lookup visits about log2(routes) nodes, each a dependent cache miss
 * once the trie outgrows the CPU's caches. From %PODNET_INDEX_MIN_ROUTES
 * routes of a family on, the family gets an index: an array of 2^shift
 * slots, about one per route, on the bits of the address that follow the
 * root's prefix (the index's base). A lookup reads one slot and walks the
 * few nodes below it.
 *
 * The invariant. Let depth = base + shift, and A(s) the addresses under the
 * index's key/base whose bits base .. depth-1 equal s. For every slot s and
 * every address a in A(s):
 *
 *	lpm(trie, a) == walk(s.start, a, s.best)
 *
 * where s.best is the peer of the longest route above depth on the path of
 * A(s) (NULL if none), and s.start is the first node on that path at depth
 * or deeper whose prefix covers all of A(s) (NULL when the path ends or
 * leaves A(s) before). Writers (the table's lock held) restore it for the
 * slots under a change before the change's nodes can be freed: a route
 * added or moved is in its slots once the table holds it; a route being
 * removed leaves its slots (podnet_index_update()'s @skip) before it leaves
 * the trie. A slot's two pointers change one after the other, each with
 * rcu_assign_pointer(): a reader that reads them in between gets the
 * answer from before the change or the one from after it, never one that
 * neither table held. A whole index is replaced (built aside, then
 * published) when the root changes or the routes are four times more or
 * fewer than it was made for, and freed after a grace period.
 */

#include <linux/atomic.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "trie.h"

#define PODNET_INDEX_MIN_SHIFT	10
#define PODNET_INDEX_MAX_SHIFT	16

/* Bytes of every index alive (debugfs, benchmark, KUnit). */
static atomic_long_t podnet_index_bytes = ATOMIC_LONG_INIT(0);
/* Set bits @off to @off + @n - 1 of @key, zero until now, to @v. */
static void podnet_key_put_slice(u64 *key, unsigned int off, unsigned int n,
				 u64 v)
{
	unsigned int end = off + n;

	if (end <= 64) {
		key[0] |= v << (64 - end);
	} else if (off >= 64) {
		key[1] |= v << (128 - end);
	} else {
		key[0] |= v >> (end - 64);
		key[1] |= v << (128 - end);
	}
}

static size_t podnet_index_size(unsigned int shift)
{
	return sizeof(struct podnet_table_index) +
	       (sizeof(struct podnet_index_slot) << shift);
}

/*
 * Fill slots @first to @first + @n - 1 of @idx from the trie under @root.
 * @skip, when not NULL, counts as no route: a route about to be removed.
 * A slot's two pointers change one after the other: a reader that reads
 * them in between gets the answer from before the change or the one from
 * after it.
 */
static void podnet_index_fill(struct podnet_table_index *idx,
			      struct podnet_route *root, u32 first, u32 n,
			      const struct podnet_route *skip,
			      struct mutex *lock)
{
	unsigned int depth = idx->base + idx->shift;
	struct podnet_peer *best, *peer;
	struct podnet_route *node;
	u64 key[2];
	u32 i;

	for (i = first; i - first < n; i++) {
		key[0] = idx->key[0];
		key[1] = idx->key[1];
		podnet_key_put_slice(key, idx->base, idx->shift, i);
		best = NULL;
		node = root;
		while (node && node->cidr < depth) {
			if (!podnet_prefix_matches(node, key)) {
				node = NULL;
				break;
			}
			peer = podnet_deref_w(node->peer, lock);
			if (peer && node != skip)
				best = peer;
			node = podnet_deref_w(node->bit[podnet_choose(node,
								      key)],
					      lock);
		}
		if (node && podnet_common_bits(node, key) < depth)
			node = NULL;
		rcu_assign_pointer(idx->slot[i].best, best);
		rcu_assign_pointer(idx->slot[i].start, node);
	}
}

static void podnet_index_free_rcu(struct rcu_head *rcu)
{
	struct podnet_table_index *idx;

	idx = container_of(rcu, struct podnet_table_index, rcu);
	atomic_long_sub(podnet_index_size(idx->shift), &podnet_index_bytes);
	kvfree(idx);
}

/**
 * podnet_index_replace - publish an index, free the old one after readers
 * @slot: the table's index4 or index6
 * @idx: the new index, or NULL for none
 * @lock: the table's writer lock, held
 */
void podnet_index_replace(struct podnet_table_index __rcu **slot,
			  struct podnet_table_index *idx, struct mutex *lock)
{
	struct podnet_table_index *old = podnet_deref_w(*slot, lock);

	rcu_assign_pointer(*slot, idx);
	if (old)
		call_rcu(&old->rcu, podnet_index_free_rcu);
}

/*
 * An index of 2^@shift slots for the trie under @root, or NULL (no memory:
 * the lookups walk from the root, as for a small table).
 */
static struct podnet_table_index *
podnet_index_build(struct podnet_route *root, unsigned int shift,
		   const struct podnet_route *skip, struct mutex *lock)
{
	struct podnet_table_index *idx;

	idx = kvzalloc(podnet_index_size(shift),
		       GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!idx)
		return NULL;
	idx->key[0] = root->key[0];
	idx->key[1] = root->key[1];
	idx->base = root->cidr;
	idx->shift = shift;
	atomic_long_add(podnet_index_size(shift), &podnet_index_bytes);
	podnet_index_fill(idx, root, 0, 1U << shift, skip, lock);
	return idx;
}

/**
 * podnet_index_update - keep the index of a family true to its trie
 * @table: the table
 * @bits: the family's key length, 32 or 128
 * @key: the topmost node a change added, removed, or whose route changed
 * @cidr: its prefix length
 * @skip: a route about to be removed, which must not be an answer any more,
 *	  or NULL
 * @lock: the table's writer lock, held
 *
 * Restores the invariant (above) for the slots under @key/@cidr, or builds,
 * resizes or drops the index as the number of the family's routes asks.
 */
void podnet_index_update(struct podnet_table *table, u8 bits, const u64 *key,
			 u8 cidr, const struct podnet_route *skip,
			 struct mutex *lock)
{
	struct podnet_table_index __rcu **slot;
	struct podnet_table_index *idx, *fresh;
	struct podnet_route *root;
	unsigned int n, shift, depth, c;
	u32 first;

	slot = podnet_table_index(table, bits);
	idx = podnet_deref_w(*slot, lock);

	root = podnet_deref_w(*podnet_table_root(table, bits), lock);
	n = bits == 32 ? table->count - table->count6 : table->count6;
	/*
	 * About one slot per route, within the bits past the root's prefix
	 * (n is 0 only without a root, where the index goes anyway).
	 */
	shift = clamp_t(unsigned int, ilog2(n | 1), PODNET_INDEX_MIN_SHIFT,
			PODNET_INDEX_MAX_SHIFT);
	if (root)
		shift = min_t(unsigned int, shift, bits - root->cidr);
	if (!root || shift < PODNET_INDEX_MIN_SHIFT ||
	    n < (idx ? PODNET_INDEX_MIN_ROUTES / 2 : PODNET_INDEX_MIN_ROUTES)) {
		if (idx)
			podnet_index_replace(slot, NULL, lock);
		return;
	}
	if (!idx || idx->base != root->cidr || idx->key[0] != root->key[0] ||
	    idx->key[1] != root->key[1] || shift >= idx->shift + 2 ||
	    shift + 2 <= idx->shift) {
		fresh = podnet_index_build(root, shift, skip, lock);
		podnet_index_replace(slot, fresh, lock);
		return;
	}
	/* The slots under @key/@cidr: all of them from the root's depth up. */
	depth = idx->base + idx->shift;
	c = clamp_t(unsigned int, cidr, idx->base, depth);
	first = c == idx->base ? 0 :
		podnet_key_slice(key, idx->base, c - idx->base) << (depth - c);
	podnet_index_fill(idx, root, first, 1U << (depth - c), skip, lock);
}

/**
 * podnet_table_index_bytes - memory of the tables' indexes
 *
 * Return: the bytes that every table's index holds, all devices together.
 */
unsigned long podnet_table_index_bytes(void)
{
	return atomic_long_read(&podnet_index_bytes);
}
EXPORT_SYMBOL_IF_KUNIT(podnet_table_index_bytes);

