// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: an in-kernel benchmark of the PodCIDR table (kmod/table.c),
 * triggered through debugfs (built only with CONFIG_DEBUG_FS):
 *
 *	echo "100000 2000000" > /sys/kernel/debug/podnet/bench_lookup
 *	cat /sys/kernel/debug/podnet/bench_lookup
 *
 * A write "N_PREFIXES N_LOOKUPS" fills a private table (not a device's)
 * with N_PREFIXES distinct random prefixes, half IPv4 and half IPv6, of
 * mixed lengths (nested ones included), routed to 256 dummy peers; then
 * times N_LOOKUPS longest-prefix matches (half of each family) of addresses
 * that mostly fall in an installed prefix, and frees the table. The write
 * returns when the run is over; a read gives the last run's figures, one
 * "name value" a line:
 *
 *	prefixes, prefixes4, prefixes6   routes installed
 *	lookups, hits                    lookups done, and how many matched
 *	ns_per_lookup                    mean time of a lookup, both families
 *	ns_per_lookup4, ns_per_lookup6   the same, per family
 *	ns_per_insert                    mean time of an insert
 *	slab_bytes                       growth of the kernel's unreclaimable
 *	                                 slab memory while the routes went in
 *	slab_bytes_per_route             slab_bytes / prefixes
 *	index_bytes                      memory of the table's two indexes
 *	index_bytes_per_route            index_bytes / prefixes
 *
 * Also /sys/kernel/debug/podnet/table_index_bytes: the memory of every
 * table's index (podnet_table_index_bytes()), which the slab counter does
 * not see (large allocations come from the page allocator or vmalloc).
 *
 * The slab figure is read from the global counter after the per-CPU
 * deltas have been folded in (the vmstat worker does that every second):
 * it includes the trie's internal nodes and the slab's own overhead, and
 * whatever else the idle kernel allocated meanwhile.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <net/ipv6.h>

#include "peer.h"
#include "podnet.h"
#include "table.h"

#define PODNET_BENCH_SEED		0x706f646e62656e63ULL
#define PODNET_BENCH_PEERS		256
#define PODNET_BENCH_MAX_PREFIXES	1000000U
#define PODNET_BENCH_MAX_LOOKUPS	200000000U
/* Distinct addresses looked up, per family; the lookups cycle over them. */
#define PODNET_BENCH_ADDRS		65536U
#define PODNET_BENCH_CHUNK		4096U
/* Time for the vmstat worker to fold the per-CPU slab counters. */
#define PODNET_BENCH_SETTLE_MS		2100

/**
 * struct podnet_bench - the state of one run
 * @table: the private table
 * @lock: its writer lock
 * @rnd: the pseudo-random generator (fixed seed: every run is the same)
 * @peers: the dummy peers the routes point to
 * @pfx4: the IPv4 prefixes installed (host order), @n4 of them
 * @len4: their lengths
 * @pfx6: the IPv6 prefixes installed, @n6 of them
 * @len6: their lengths
 * @n4: IPv4 prefixes installed
 * @n6: IPv6 prefixes installed
 * @addr4: the IPv4 addresses looked up
 * @addr6: the IPv6 addresses looked up
 */
struct podnet_bench {
	struct podnet_table table;
	struct mutex lock;	/* the table's writer lock */
	struct rnd_state rnd;
	struct podnet_peer *peers;
	u32 *pfx4;
	u8 *len4;
	struct in6_addr *pfx6;
	u8 *len6;
	unsigned int n4;
	unsigned int n6;
	__be32 *addr4;
	struct in6_addr *addr6;
};

/* One run at a time; guards the result too. */
static DEFINE_MUTEX(podnet_bench_mutex);
static char podnet_bench_result[512];
static struct dentry *podnet_bench_dir;

static u32 podnet_bench_rnd(struct podnet_bench *b)
{
	return prandom_u32_state(&b->rnd);
}

static u32 podnet_bench_mask4(u8 len)
{
	return len ? ~0U << (32 - len) : 0;
}

/*
 * A random IPv4 prefix in 10.0.0.0/8: half of them /24 (a PodCIDR), a
 * quarter /16 to /23 (holding some of the others), a quarter /25 to /32.
 */
static void podnet_bench_prefix4(struct podnet_bench *b, u32 *key, u8 *len)
{
	u32 r = podnet_bench_rnd(b);

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
	*key = (0x0a000000U | (podnet_bench_rnd(b) & 0x00ffffffU)) &
	       podnet_bench_mask4(*len);
}

/* A random IPv6 prefix in fd00::/8: /64, /48 to /63, or /65 to /128. */
static void podnet_bench_prefix6(struct podnet_bench *b, struct in6_addr *pfx,
				 u8 *len)
{
	u32 r = podnet_bench_rnd(b);
	struct in6_addr a;
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
		a.s6_addr32[i] = (__force __be32)podnet_bench_rnd(b);
	a.s6_addr[0] = 0xfd;
	ipv6_addr_prefix(pfx, &a, *len);
}

static int podnet_bench_insert(struct podnet_bench *b, unsigned int n)
{
	unsigned int want4 = n / 2, want6 = n - n / 2, tries = 0;
	struct podnet_addr a;
	struct podnet_peer *peer;
	int err = 0;
	u8 len;

	mutex_lock(&b->lock);
	while (b->n4 < want4 || b->n6 < want6) {
		if (++tries > 8 * n) {
			err = -ENOSPC;	/* too many duplicates: cannot happen */
			break;
		}
		memset(&a, 0, sizeof(a));
		peer = &b->peers[(b->n4 + b->n6) % PODNET_BENCH_PEERS];
		if (b->n4 < want4) {
			u32 key;

			podnet_bench_prefix4(b, &key, &len);
			a.family = AF_INET;
			a.ip4 = cpu_to_be32(key);
			err = podnet_table_insert(&b->table, &a, len, peer, 0,
						  &b->lock);
			if (!err) {
				b->pfx4[b->n4] = key;
				b->len4[b->n4++] = len;
			}
		} else {
			a.family = AF_INET6;
			podnet_bench_prefix6(b, &a.ip6, &len);
			err = podnet_table_insert(&b->table, &a, len, peer, 0,
						  &b->lock);
			if (!err) {
				b->pfx6[b->n6] = a.ip6;
				b->len6[b->n6++] = len;
			}
		}
		if (err == -EEXIST)
			continue;
		if (err)
			break;
		if (!((b->n4 + b->n6) % 1024)) {
			if (fatal_signal_pending(current)) {
				err = -EINTR;
				break;
			}
			cond_resched();
		}
	}
	mutex_unlock(&b->lock);
	return err;
}

/*
 * The addresses to look up: nine in ten inside an installed prefix (host
 * bits random), the others anywhere in the cluster's range (some miss).
 */
static void podnet_bench_addrs(struct podnet_bench *b)
{
	struct in6_addr host;
	unsigned int i, j;
	u32 m;

	for (i = 0; i < PODNET_BENCH_ADDRS; i++) {
		if (podnet_bench_rnd(b) % 10 || !b->n4) {
			j = b->n4 ? podnet_bench_rnd(b) % b->n4 : 0;
			m = b->n4 ? podnet_bench_mask4(b->len4[j]) : 0;
			b->addr4[i] = cpu_to_be32((b->n4 ? b->pfx4[j] : 0) |
						  (podnet_bench_rnd(b) & ~m));
		} else {
			b->addr4[i] = cpu_to_be32(0x0a000000U |
						  (podnet_bench_rnd(b) &
						   0x00ffffffU));
		}
	}
	for (i = 0; i < PODNET_BENCH_ADDRS; i++) {
		for (j = 0; j < 4; j++)
			host.s6_addr32[j] = (__force __be32)podnet_bench_rnd(b);
		if (podnet_bench_rnd(b) % 10 && b->n6) {
			j = podnet_bench_rnd(b) % b->n6;
			/* The prefix's bits, then the random host bits. */
			ipv6_addr_prefix_copy(&host, &b->pfx6[j], b->len6[j]);
		} else {
			host.s6_addr[0] = 0xfd;
		}
		b->addr6[i] = host;
	}
}

/* Time @n lookups of one family; return the nanoseconds, count the hits. */
static s64 podnet_bench_lookups(struct podnet_bench *b, bool v6,
				unsigned int n, u64 *hits, int *err)
{
	unsigned int done = 0, i, k, chunk;
	s64 ns = 0;
	ktime_t t0;

	while (done < n) {
		chunk = min(n - done, PODNET_BENCH_CHUNK);
		i = done % PODNET_BENCH_ADDRS;
		rcu_read_lock();
		t0 = ktime_get();
		for (k = 0; k < chunk; k++) {
			if (v6)
				*hits += !!podnet_table_lookup6(&b->table,
								&b->addr6[i]);
			else
				*hits += !!podnet_table_lookup4(&b->table,
								b->addr4[i]);
			if (++i == PODNET_BENCH_ADDRS)
				i = 0;
		}
		ns += ktime_to_ns(ktime_sub(ktime_get(), t0));
		rcu_read_unlock();
		done += chunk;
		if (fatal_signal_pending(current)) {
			*err = -EINTR;
			break;
		}
		cond_resched();
	}
	return ns;
}

/* Append "NAME VALUE" to the result: @tenths in units of 1/10, as "N.N". */
static size_t podnet_bench_put(size_t len, const char *name, u64 tenths)
{
	u32 frac;
	u64 whole = div_u64_rem(tenths, 10, &frac);

	return len + scnprintf(podnet_bench_result + len,
			       sizeof(podnet_bench_result) - len,
			       "%s %llu.%u\n", name, whole, frac);
}

static void podnet_bench_free(struct podnet_bench *b)
{
	mutex_lock(&b->lock);
	podnet_table_free(&b->table, &b->lock);
	mutex_unlock(&b->lock);
	/* The nodes go after a grace period; the peers are not needed. */
	rcu_barrier();
	mutex_destroy(&b->lock);
	kvfree(b->addr6);
	kvfree(b->addr4);
	kvfree(b->len6);
	kvfree(b->pfx6);
	kvfree(b->len4);
	kvfree(b->pfx4);
	kfree(b->peers);
	kfree(b);
}

static int podnet_bench_run(unsigned int nprefixes, unsigned int nlookups)
{
	unsigned int i, half = nprefixes / 2 + 1, l4, l6;
	u64 hits = 0, slab0, slab1, slab, index;
	s64 ns4, ns6 = 0, ins;
	struct podnet_bench *b;
	size_t len;
	ktime_t t0;
	int err = 0;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	podnet_table_setup(&b->table);
	mutex_init(&b->lock);
	prandom_seed_state(&b->rnd, PODNET_BENCH_SEED);
	b->peers = kcalloc(PODNET_BENCH_PEERS, sizeof(*b->peers), GFP_KERNEL);
	b->pfx4 = kvcalloc(half, sizeof(*b->pfx4), GFP_KERNEL);
	b->len4 = kvcalloc(half, sizeof(*b->len4), GFP_KERNEL);
	b->pfx6 = kvcalloc(half, sizeof(*b->pfx6), GFP_KERNEL);
	b->len6 = kvcalloc(half, sizeof(*b->len6), GFP_KERNEL);
	b->addr4 = kvcalloc(PODNET_BENCH_ADDRS, sizeof(*b->addr4), GFP_KERNEL);
	b->addr6 = kvcalloc(PODNET_BENCH_ADDRS, sizeof(*b->addr6), GFP_KERNEL);
	if (!b->peers || !b->pfx4 || !b->len4 || !b->pfx6 || !b->len6 ||
	    !b->addr4 || !b->addr6) {
		err = -ENOMEM;
		goto err_free;
	}
	for (i = 0; i < PODNET_BENCH_PEERS; i++)
		INIT_LIST_HEAD(&b->peers[i].routes);

	msleep(PODNET_BENCH_SETTLE_MS);
	slab0 = global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);
	index = podnet_table_index_bytes();
	t0 = ktime_get();
	err = podnet_bench_insert(b, nprefixes);
	ins = ktime_to_ns(ktime_sub(ktime_get(), t0));
	/* Other tables may have changed theirs meanwhile: noise, as slab's. */
	index = max_t(s64, (s64)podnet_table_index_bytes() - (s64)index, 0);
	if (err)
		goto err_free;
	msleep(PODNET_BENCH_SETTLE_MS);
	slab1 = global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);
	slab = slab1 > slab0 ? (slab1 - slab0) << PAGE_SHIFT : 0;

	podnet_bench_addrs(b);
	l4 = nlookups / 2;
	l6 = nlookups - l4;
	ns4 = podnet_bench_lookups(b, false, l4, &hits, &err);
	if (!err)
		ns6 = podnet_bench_lookups(b, true, l6, &hits, &err);
	if (err)
		goto err_free;

	len = scnprintf(podnet_bench_result, sizeof(podnet_bench_result),
			"prefixes %u\nprefixes4 %u\nprefixes6 %u\nlookups %u\nhits %llu\n",
			b->n4 + b->n6, b->n4, b->n6, nlookups, hits);
	len = podnet_bench_put(len, "ns_per_lookup",
			       div_u64((ns4 + ns6) * 10, nlookups));
	len = podnet_bench_put(len, "ns_per_lookup4", div_u64(ns4 * 10, l4));
	len = podnet_bench_put(len, "ns_per_lookup6", div_u64(ns6 * 10, l6));
	len = podnet_bench_put(len, "ns_per_insert",
			       div_u64(ins * 10, nprefixes));
	len += scnprintf(podnet_bench_result + len,
			 sizeof(podnet_bench_result) - len, "slab_bytes %llu\n",
			 slab);
	len = podnet_bench_put(len, "slab_bytes_per_route",
			       div_u64(slab * 10, nprefixes));
	len += scnprintf(podnet_bench_result + len,
			 sizeof(podnet_bench_result) - len,
			 "index_bytes %llu\n", index);
	podnet_bench_put(len, "index_bytes_per_route",
			 div_u64(index * 10, nprefixes));

err_free:
	podnet_bench_free(b);
	return err;
}

static ssize_t podnet_bench_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	unsigned int nprefixes, nlookups;
	char buf[64];
	int err;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%u %u", &nprefixes, &nlookups) != 2 ||
	    !nprefixes || nprefixes > PODNET_BENCH_MAX_PREFIXES ||
	    nlookups < 2 || nlookups > PODNET_BENCH_MAX_LOOKUPS)
		return -EINVAL;

	if (mutex_lock_interruptible(&podnet_bench_mutex))
		return -EINTR;
	podnet_bench_result[0] = '\0';
	err = podnet_bench_run(nprefixes, nlookups);
	mutex_unlock(&podnet_bench_mutex);
	return err ? err : count;
}

static ssize_t podnet_bench_read(struct file *file, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	ssize_t ret;

	if (mutex_lock_interruptible(&podnet_bench_mutex))
		return -EINTR;
	ret = simple_read_from_buffer(ubuf, count, ppos, podnet_bench_result,
				      strlen(podnet_bench_result));
	mutex_unlock(&podnet_bench_mutex);
	return ret;
}

static const struct file_operations podnet_bench_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = podnet_bench_read,
	.write = podnet_bench_write,
	.llseek = default_llseek,
};

static int podnet_index_bytes_get(void *data, u64 *val)
{
	*val = podnet_table_index_bytes();
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(podnet_index_bytes_fops, podnet_index_bytes_get,
			 NULL, "%llu\n");

/**
 * podnet_bench_init - create /sys/kernel/debug/podnet/bench_lookup
 *
 * Context: module init. A debugfs failure is not an error of the module
 * (the benchmark is then missing), as debugfs wants.
 */
void podnet_bench_init(void)
{
	podnet_bench_dir = debugfs_create_dir("podnet", NULL);
	debugfs_create_file("bench_lookup", 0600, podnet_bench_dir, NULL,
			    &podnet_bench_fops);
	debugfs_create_file_unsafe("table_index_bytes", 0400, podnet_bench_dir,
				   NULL, &podnet_index_bytes_fops);
}

/**
 * podnet_bench_exit - remove the debugfs files
 *
 * Waits for a run in progress (debugfs removal waits for its writers).
 */
void podnet_bench_exit(void)
{
	debugfs_remove_recursive(podnet_bench_dir);
	podnet_bench_dir = NULL;
}
