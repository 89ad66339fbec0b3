// SPDX-License-Identifier: GPL-2.0
/*
 * bench-table.c: kmod/table.c, unchanged, compiled as a user program, with
 * the workload of kmod/bench.c (the same mix of prefixes and addresses,
 * another random generator). scripts/bench.sh builds it and runs it on
 * the host's real CPU and inside the emulated VM: the ratio of the two
 * says how much slower the emulator runs this very code, and so what the
 * in-kernel figure of kmod/bench.c (measured under emulation) means on a
 * real CPU. It also counts the trie's nodes (allocations of the route
 * cache): the kernel memory per route without slab noise.
 *
 *	cc -O2 -I SHIMDIR -o bench-table scripts/bench-table.c
 *	bench-table N_PREFIXES N_LOOKUPS
 *
 * SHIMDIR holds empty files for the kernel headers table.c, table.h,
 * peer.h and addr.h include (bench.sh makes it); everything they need
 * is defined here, before table.c is included: RCU and locks become plain
 * accesses (one thread), the kmem_cache becomes calloc() with a count.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint32_t __be32;
typedef u64 u64_stats_t;

#define __rcu
#define __percpu
#define __force
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#define unlikely(x) __builtin_expect(!!(x), 0)
#define BIT(n) (1UL << (n))
#define GFP_KERNEL 0
#define GFP_KERNEL_ACCOUNT 0
#define WARN_ON(x) (!!(x))
#define EXPORT_SYMBOL_IF_KUNIT(s)
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp_t(t, v, lo, hi) min_t(t, max_t(t, v, lo), hi)
#define ilog2(n) (63 - __builtin_clzll(n))
#define __GFP_NOWARN 0
#define kvzalloc(size, gfp) calloc(1, size)
#define kvfree(p) free(p)

/* The counters (index bytes, trie nodes): one thread. */
typedef struct {
	long counter;
} atomic_long_t;
#define ATOMIC_LONG_INIT(v) { (v) }
#define atomic_long_add(v, a) ((a)->counter += (v))
#define atomic_long_sub(v, a) ((a)->counter -= (v))
#define atomic_long_inc(a) ((a)->counter++)
#define atomic_long_dec(a) ((a)->counter--)
#define atomic_long_read(a) ((a)->counter)
#define be32_to_cpu(x) ntohl(x)
#define cpu_to_be32(x) htonl(x)

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

/* RCU with one thread: plain accesses, callbacks at once. */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
#define rcu_dereference_protected(p, c) (p)
#define rcu_dereference_check(p, c) (p)
#define rcu_dereference_raw(p) (p)
#define rcu_read_lock_bh_held() 1
#define rcu_assign_pointer(p, v) ((p) = (v))
#define RCU_INIT_POINTER(p, v) ((p) = (v))
#define rcu_access_pointer(p) (p)
#define call_rcu(head, fn) (fn)(head)
#define rcu_barrier() do { } while (0)

struct mutex {
	int unused;
};
#define DEFINE_MUTEX(m) struct mutex m
#define mutex_lock(m) do { } while (0)
#define mutex_unlock(m) do { } while (0)
#define lockdep_is_held(l) 1
#define lockdep_assert_held(l) do { } while (0)

struct list_head {
	struct list_head *next, *prev;
};
#define INIT_LIST_HEAD(l) ((l)->next = (l)->prev = (l))
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
}

#define list_entry(p, type, member) container_of(p, type, member)
#define list_for_each_entry(pos, head, member) \
	for (pos = list_entry((head)->next, typeof(*pos), member); \
	     &pos->member != (head); \
	     pos = list_entry(pos->member.next, typeof(*pos), member))
#define list_for_each_entry_safe(pos, n, head, member) \
	for (pos = list_entry((head)->next, typeof(*pos), member), \
	     n = list_entry(pos->member.next, typeof(*pos), member); \
	     &pos->member != (head); \
	     pos = n, n = list_entry(n->member.next, typeof(*n), member))

/*
 * The route cache: objects packed back to back like a slab's (72 bytes,
 * no allocator header), in an arena of transparent huge pages (the
 * kernel reaches its slabs through the direct map's huge pages): the
 * same cache and TLB footprint as in the kernel. Freed objects are only
 * counted.
 */
struct kmem_cache {
	size_t size;
	long objects;
	char *arena;
	size_t used;
	size_t cap;
};
static struct kmem_cache *shim_cache_create(size_t size)
{
	struct kmem_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->size = size;
	c->cap = (size_t)1 << 30;
	c->arena = mmap(NULL, c->cap, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (c->arena == MAP_FAILED) {
		free(c);
		return NULL;
	}
	madvise(c->arena, c->cap, MADV_HUGEPAGE);
	return c;
}

#define KMEM_CACHE(s, f) shim_cache_create(sizeof(struct s))
static void *kmem_cache_zalloc(struct kmem_cache *c, int gfp)
{
	void *p;

	if (c->used + c->size > c->cap)
		return NULL;
	p = c->arena + c->used;
	c->used += c->size;
	c->objects++;
	return p;
}

static void kmem_cache_free(struct kmem_cache *c, void *p)
{
	c->objects--;
}

static void kmem_cache_destroy(struct kmem_cache *c)
{
	munmap(c->arena, c->cap);
	free(c);
}

/* What peer.h needs besides. */
struct rhash_head {
	struct rhash_head *next;
};
struct dst_cache {
	void *cache;
	unsigned long reset_ts;
};
struct u64_stats_sync {
	int unused;
};

#include "../kmod/table.c"
#include "../kmod/table_index.c"

/*
 * Nodes a lookup of @key visits (podnet_table_lookup_key()'s walk), the
 * index's slot counted as one.
 */
static unsigned int visits(struct podnet_route *node,
			   const struct podnet_table_index *idx,
			   const u64 *key, u8 bits)
{
	unsigned int n = 0;

	if (idx) {
		const struct podnet_index_slot *slot = podnet_index_slot(idx, key);

		if (!slot)
			return 0;
		node = slot->start;
		n = 1;
	}

	while (node && podnet_prefix_matches(node, key)) {
		n++;
		if (node->cidr == bits)
			break;
		node = node->bit[podnet_choose(node, key)];
	}
	return n + !!node;
}

/* The workload of kmod/bench.c. */
static u64 rnd_state = 0x706f646e62656e63ULL;

static u32 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (u32)(rnd_state >> 16);
}

static u32 mask4(u8 len)
{
	return len ? ~0U << (32 - len) : 0;
}

static void prefix4(u32 *key, u8 *len)
{
	u32 r = rnd();

	switch (r & 3) {
	case 0:
		*len = 16 + (r >> 2) % 8;
		break;
	case 1:
		*len = 25 + (r >> 2) % 8;
		break;
	default:
		*len = 24;
	}
	*key = (0x0a000000U | (rnd() & 0x00ffffffU)) & mask4(*len);
}

static void in6_prefix(struct in6_addr *a, u8 len)
{
	int i;

	for (i = 0; i < 16; i++) {
		int bits = (int)len - 8 * i;

		if (bits <= 0)
			a->s6_addr[i] = 0;
		else if (bits < 8)
			a->s6_addr[i] &= (u8)(0xff << (8 - bits));
	}
}

static void prefix6(struct in6_addr *p, u8 *len)
{
	u32 r = rnd();
	int i;

	switch (r & 3) {
	case 0:
		*len = 48 + (r >> 2) % 16;
		break;
	case 1:
		*len = 65 + (r >> 2) % 64;
		break;
	default:
		*len = 64;
	}
	for (i = 0; i < 4; i++)
		p->s6_addr32[i] = rnd();
	p->s6_addr[0] = 0xfd;
	in6_prefix(p, *len);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define NADDRS 65536U
#define NPEERS 256

int main(int argc, char **argv)
{
	unsigned int n, nl, want4, want6, n4 = 0, n6 = 0, i, j, k;
	static struct podnet_peer peers[NPEERS];
	struct in6_addr *pfx6, *addr6, host;
	struct podnet_table table;
	u8 *len4, *len6, len;
	u32 *pfx4, key, m;
	__be32 *addr4;
	double t0, ins, ns4, ns6;
	unsigned long hits = 0;
	struct mutex lock;
	struct podnet_addr a;
	long nodes;

	if (argc != 3 || sscanf(argv[1], "%u", &n) != 1 ||
	    sscanf(argv[2], "%u", &nl) != 1 || !n || nl < 2) {
		fprintf(stderr, "usage: bench-table N_PREFIXES N_LOOKUPS\n");
		return 2;
	}
	want4 = n / 2;
	want6 = n - want4;
	pfx4 = calloc(want4 + 1, sizeof(*pfx4));
	len4 = calloc(want4 + 1, 1);
	pfx6 = calloc(want6 + 1, sizeof(*pfx6));
	len6 = calloc(want6 + 1, 1);
	addr4 = calloc(NADDRS, sizeof(*addr4));
	addr6 = calloc(NADDRS, sizeof(*addr6));
	if (!pfx4 || !len4 || !pfx6 || !len6 || !addr4 || !addr6 ||
	    podnet_table_init())
		return 1;
	for (i = 0; i < NPEERS; i++)
		INIT_LIST_HEAD(&peers[i].routes);
	podnet_table_setup(&table);

	t0 = now_ns();
	while (n4 < want4 || n6 < want6) {
		struct podnet_peer *peer = &peers[(n4 + n6) % NPEERS];
		int err;

		memset(&a, 0, sizeof(a));
		if (n4 < want4) {
			prefix4(&key, &len);
			a.family = AF_INET;
			a.ip4 = htonl(key);
			err = podnet_table_insert(&table, &a, len, peer, 0, &lock);
			if (!err) {
				pfx4[n4] = key;
				len4[n4++] = len;
			}
		} else {
			a.family = AF_INET6;
			prefix6(&a.ip6, &len);
			err = podnet_table_insert(&table, &a, len, peer, 0, &lock);
			if (!err) {
				pfx6[n6] = a.ip6;
				len6[n6++] = len;
			}
		}
		if (err && err != -EEXIST)
			return 1;
	}
	ins = now_ns() - t0;
	nodes = podnet_route_cache->objects;

	for (i = 0; i < NADDRS; i++) {
		if (rnd() % 10 && n4) {
			j = rnd() % n4;
			m = mask4(len4[j]);
			addr4[i] = htonl(pfx4[j] | (rnd() & ~m));
		} else {
			addr4[i] = htonl(0x0a000000U | (rnd() & 0x00ffffffU));
		}
	}
	for (i = 0; i < NADDRS; i++) {
		for (j = 0; j < 4; j++)
			host.s6_addr32[j] = rnd();
		if (rnd() % 10 && n6) {
			struct in6_addr p;

			j = rnd() % n6;
			p = pfx6[j];
			/* the prefix's bits, then the random host bits */
			for (k = 0; k < 16; k++) {
				int bits = (int)len6[j] - 8 * (int)k;
				u8 pm = bits >= 8 ? 0xff : bits > 0 ?
					(u8)(0xff << (8 - bits)) : 0;

				host.s6_addr[k] = (p.s6_addr[k] & pm) |
						  (host.s6_addr[k] & ~pm);
			}
		} else {
			host.s6_addr[0] = 0xfd;
		}
		addr6[i] = host;
	}

	t0 = now_ns();
	for (i = 0, j = 0; i < nl / 2; i++) {
		hits += !!podnet_table_lookup4(&table, addr4[j]);
		if (++j == NADDRS)
			j = 0;
	}
	ns4 = now_ns() - t0;
	t0 = now_ns();
	for (i = 0, j = 0; i < nl - nl / 2; i++) {
		hits += !!podnet_table_lookup6(&table, &addr6[j]);
		if (++j == NADDRS)
			j = 0;
	}
	ns6 = now_ns() - t0;

	for (i = 0, k = 0; i < NADDRS; i++) {
		u64 key4[2] = { (u64)ntohl(addr4[i]) << 32, 0 }, key6[2];

		podnet_key_from_in6(&addr6[i], key6);
		k += visits(table.root4, table.index4, key4, 32) +
		     visits(table.root6, table.index6, key6, 128);
	}
	printf("nodes_per_lookup %.1f\n", (double)k / (2 * NADDRS));
	printf("prefixes %u\nprefixes4 %u\nprefixes6 %u\nlookups %u\nhits %lu\n",
	       n4 + n6, n4, n6, nl, hits);
	printf("ns_per_lookup %.1f\nns_per_lookup4 %.1f\nns_per_lookup6 %.1f\n",
	       (ns4 + ns6) / nl, ns4 / (nl / 2), ns6 / (nl - nl / 2));
	printf("ns_per_insert %.1f\n", ins / (n4 + n6));
	printf("node_size %zu\nnodes %ld\nnodes_per_route %.3f\n",
	       sizeof(struct podnet_route), nodes, (double)nodes / (n4 + n6));
	printf("node_bytes_per_route %.1f\n",
	       (double)nodes * sizeof(struct podnet_route) / (n4 + n6));
	printf("index_bytes %lu\nindex_bytes_per_route %.1f\n",
	       podnet_table_index_bytes(),
	       (double)podnet_table_index_bytes() / (n4 + n6));
	mutex_lock(&lock);
	podnet_table_free(&table, &lock);
	podnet_table_exit();
	return 0;
}
