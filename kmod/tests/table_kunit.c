// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of podnet's PodCIDR table (kmod/table.c): hand-picked cases,
 * then a randomized comparison against a naive longest-prefix match that
 * scans an array.
 */

#include <kunit/test.h>
#include <linux/inet.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "peer.h"
#include "table.h"

/* Linux 6.13 and later want the namespace as a string. */
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* Per test case: a table and the lock its writers hold. */
struct pt_ctx {
	struct podnet_table table;
	struct mutex lock;	/* the table's writer lock */
	unsigned long nodes;	/* podnet_table_route_nodes() at the start */
	unsigned long bytes;	/* podnet_table_index_bytes() at the start */
};

static int pt_init(struct kunit *test)
{
	struct pt_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	podnet_table_setup(&ctx->table);
	mutex_init(&ctx->lock);
	ctx->nodes = podnet_table_route_nodes();
	ctx->bytes = podnet_table_index_bytes();
	test->priv = ctx;
	return 0;
}

static void pt_exit(struct kunit *test)
{
	struct pt_ctx *ctx = test->priv;

	/* Also after a failed assertion: no node may outlive the case. */
	mutex_lock(&ctx->lock);
	podnet_table_free(&ctx->table, &ctx->lock);
	mutex_unlock(&ctx->lock);
	mutex_destroy(&ctx->lock);
	/* Its trie nodes and indexes are freed once the grace periods end. */
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, podnet_table_route_nodes(), ctx->nodes);
	KUNIT_EXPECT_EQ(test, podnet_table_index_bytes(), ctx->bytes);
}

static int pt_suite_init(struct kunit_suite *suite)
{
	return podnet_table_init();
}

static void pt_suite_exit(struct kunit_suite *suite)
{
	podnet_table_exit();
}

static struct podnet_table *pt_table(struct kunit *test)
{
	return &((struct pt_ctx *)test->priv)->table;
}

static struct podnet_peer *pt_peer(struct kunit *test)
{
	struct podnet_peer *peer;

	peer = kunit_kzalloc(test, sizeof(*peer), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, peer);
	INIT_LIST_HEAD(&peer->routes);
	return peer;
}

/* "10.244.1.0" or "fd00::1" to a podnet_addr. */
static struct podnet_addr pt_addr(struct kunit *test, const char *s)
{
	struct podnet_addr a;

	memset(&a, 0, sizeof(a));
	if (strchr(s, ':')) {
		a.family = AF_INET6;
		KUNIT_ASSERT_TRUE_MSG(test,
				      in6_pton(s, -1, a.ip6.s6_addr, -1, NULL),
				      "bad address %s", s);
	} else {
		a.family = AF_INET;
		KUNIT_ASSERT_TRUE_MSG(test,
				      in4_pton(s, -1, (u8 *)&a.ip4, -1, NULL),
				      "bad address %s", s);
	}
	return a;
}

static int pt_insert_flags(struct kunit *test, const char *prefix, u8 len,
			   struct podnet_peer *peer, u32 flags)
{
	struct podnet_addr a = pt_addr(test, prefix);
	struct pt_ctx *ctx = test->priv;
	int err;

	mutex_lock(&ctx->lock);
	err = podnet_table_insert(&ctx->table, &a, len, peer, flags,
				  &ctx->lock);
	mutex_unlock(&ctx->lock);
	return err;
}

static int pt_insert(struct kunit *test, const char *prefix, u8 len,
		     struct podnet_peer *peer)
{
	return pt_insert_flags(test, prefix, len, peer, 0);
}

static int pt_remove(struct kunit *test, const char *prefix, u8 len)
{
	struct podnet_addr a = pt_addr(test, prefix);
	struct pt_ctx *ctx = test->priv;
	int err;

	mutex_lock(&ctx->lock);
	err = podnet_table_remove(&ctx->table, &a, len, &ctx->lock);
	mutex_unlock(&ctx->lock);
	return err;
}

static void pt_remove_by_peer(struct kunit *test, struct podnet_peer *peer)
{
	struct pt_ctx *ctx = test->priv;

	mutex_lock(&ctx->lock);
	podnet_table_remove_by_peer(&ctx->table, peer, &ctx->lock);
	mutex_unlock(&ctx->lock);
}

/* lookup4() or lookup6(), by the address's family. */
static struct podnet_peer *pt_lookup(struct kunit *test, const char *addr)
{
	struct podnet_addr a = pt_addr(test, addr);
	struct podnet_peer *peer;

	rcu_read_lock();
	if (a.family == AF_INET)
		peer = podnet_table_lookup4(pt_table(test), a.ip4);
	else
		peer = podnet_table_lookup6(pt_table(test), &a.ip6);
	rcu_read_unlock();
	return peer;
}

/* podnet_table_match(): the peer, and the prefix as text in @buf. */
static struct podnet_peer *pt_match(struct kunit *test, const char *addr,
				    char *buf, size_t size)
{
	struct podnet_addr a = pt_addr(test, addr), prefix;
	struct podnet_peer *peer;
	u8 len = 255;

	rcu_read_lock_bh();
	peer = podnet_table_match(pt_table(test), &a, &prefix, &len);
	rcu_read_unlock_bh();
	if (!peer)
		snprintf(buf, size, "none");
	else if (prefix.family == AF_INET)
		snprintf(buf, size, "%pI4/%u", &prefix.ip4, len);
	else if (prefix.family == AF_INET6)
		snprintf(buf, size, "%pI6c/%u", &prefix.ip6, len);
	else
		snprintf(buf, size, "family %u", prefix.family);
	return peer;
}

static struct podnet_peer *pt_find(struct kunit *test, const char *prefix,
				   u8 len)
{
	struct podnet_addr a = pt_addr(test, prefix);
	struct podnet_peer *peer;

	rcu_read_lock();
	peer = podnet_table_find(pt_table(test), &a, len);
	rcu_read_unlock();
	return peer;
}

static void pt_expect_lookup(struct kunit *test, const char *addr,
			     struct podnet_peer *peer)
{
	KUNIT_EXPECT_PTR_EQ_MSG(test, pt_lookup(test, addr), peer,
				"lookup %s", addr);
}

static void pt_expect_match(struct kunit *test, const char *addr,
			    struct podnet_peer *peer, const char *want)
{
	char buf[64];

	KUNIT_EXPECT_PTR_EQ_MSG(test, pt_match(test, addr, buf, sizeof(buf)),
				peer, "match %s", addr);
	KUNIT_EXPECT_STREQ_MSG(test, buf, want, "match %s", addr);
}

/* @peer has @nr routes, by its count and by its list. */
static void pt_expect_routes(struct kunit *test, struct podnet_peer *peer,
			     unsigned int nr)
{
	KUNIT_EXPECT_EQ(test, peer->nr_routes, nr);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&peer->routes), nr);
}

static void pt_expect_empty(struct kunit *test)
{
	struct podnet_table *table = pt_table(test);

	KUNIT_EXPECT_EQ(test, table->count, 0);
	KUNIT_EXPECT_EQ(test, table->count6, 0);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(table->root4));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(table->root6));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(table->index4));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(table->index6));
}

/* Collects what podnet_table_walk_peer() passes; stops at @stop. */
struct pt_walk {
	struct podnet_addr prefix[129];
	u8 len[129];
	unsigned int nr;
	unsigned int stop;
};

static int pt_walk_fn(void *ctx, const struct podnet_addr *prefix, u8 len)
{
	struct pt_walk *w = ctx;

	if (w->nr == w->stop || w->nr == ARRAY_SIZE(w->len))
		return -EMSGSIZE;
	w->prefix[w->nr] = *prefix;
	w->len[w->nr++] = len;
	return 0;
}

/* Walk @peer's routes into a new struct pt_walk. */
static struct pt_walk *pt_walk(struct kunit *test, struct podnet_peer *peer)
{
	struct pt_ctx *ctx = test->priv;
	unsigned long skip = 0;
	struct pt_walk *w;
	int err;

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	w->stop = UINT_MAX;
	mutex_lock(&ctx->lock);
	err = podnet_table_walk_peer(peer, &skip, pt_walk_fn, w, &ctx->lock);
	mutex_unlock(&ctx->lock);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, skip, w->nr);
	return w;
}

/* Entry @i of @w as text. */
static const char *pt_walk_str(struct pt_walk *w, unsigned int i, char *buf,
			       size_t size)
{
	if (w->prefix[i].family == AF_INET)
		snprintf(buf, size, "%pI4/%u", &w->prefix[i].ip4, w->len[i]);
	else
		snprintf(buf, size, "%pI6c/%u", &w->prefix[i].ip6, w->len[i]);
	return buf;
}

static void podnet_table_test_overlap(struct kunit *test)
{
	struct podnet_peer *a = pt_peer(test), *b = pt_peer(test);
	struct podnet_peer *c = pt_peer(test);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.0.0", 16, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.0", 24, b), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.5", 32, c), 0);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 3);

	pt_expect_lookup(test, "10.244.1.5", c);
	pt_expect_lookup(test, "10.244.1.4", b);
	pt_expect_lookup(test, "10.244.1.6", b);
	pt_expect_lookup(test, "10.244.1.0", b);
	pt_expect_lookup(test, "10.244.1.255", b);
	pt_expect_lookup(test, "10.244.0.255", a);
	pt_expect_lookup(test, "10.244.2.1", a);
	pt_expect_lookup(test, "10.244.255.255", a);
	pt_expect_lookup(test, "10.243.255.255", NULL);
	pt_expect_lookup(test, "10.245.0.0", NULL);
	pt_expect_lookup(test, "0.0.0.0", NULL);
	pt_expect_match(test, "10.244.1.5", c, "10.244.1.5/32");
	pt_expect_match(test, "10.244.1.6", b, "10.244.1.0/24");
	pt_expect_match(test, "10.244.9.9", a, "10.244.0.0/16");
	pt_expect_match(test, "10.245.0.0", NULL, "none");
	KUNIT_EXPECT_PTR_EQ(test, pt_find(test, "10.244.1.0", 24), b);
	KUNIT_EXPECT_NULL(test, pt_find(test, "10.244.1.0", 25));
	KUNIT_EXPECT_NULL(test, pt_find(test, "10.244.0.0", 15));

	/* Removing the middle one uncovers the /16 below it. */
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.1.0", 24), 0);
	pt_expect_lookup(test, "10.244.1.6", a);
	pt_expect_lookup(test, "10.244.1.5", c);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.0.0", 16), 0);
	pt_expect_lookup(test, "10.244.1.6", NULL);
	pt_expect_lookup(test, "10.244.1.5", c);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.1.5", 32), 0);
	pt_expect_lookup(test, "10.244.1.5", NULL);
	pt_expect_routes(test, a, 0);
	pt_expect_routes(test, b, 0);
	pt_expect_routes(test, c, 0);
	pt_expect_empty(test);
}

/* Longest first, and siblings: the trie grows internal nodes. */
static void podnet_table_test_overlap_reverse(struct kunit *test)
{
	struct podnet_peer *a = pt_peer(test), *b = pt_peer(test);
	struct podnet_peer *c = pt_peer(test), *d = pt_peer(test);
	struct podnet_peer *e = pt_peer(test), *f = pt_peer(test);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.5", 32, c), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.0", 24, b), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.0.0", 16, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.2.0", 24, d), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.3.0", 24, e), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.0.0.0", 8, f), 0);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 6);

	pt_expect_match(test, "10.244.1.5", c, "10.244.1.5/32");
	pt_expect_match(test, "10.244.1.7", b, "10.244.1.0/24");
	pt_expect_match(test, "10.244.2.7", d, "10.244.2.0/24");
	pt_expect_match(test, "10.244.3.7", e, "10.244.3.0/24");
	pt_expect_match(test, "10.244.4.7", a, "10.244.0.0/16");
	pt_expect_match(test, "10.1.2.3", f, "10.0.0.0/8");
	pt_expect_match(test, "11.244.2.7", NULL, "none");

	/* 10.244.2.0/23 is an internal node, not a route. */
	KUNIT_EXPECT_NULL(test, pt_find(test, "10.244.2.0", 23));
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.2.0", 23), -ENOENT);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 6);
	/* It can become one. */
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.2.0", 23, f), 0);
	KUNIT_EXPECT_PTR_EQ(test, pt_find(test, "10.244.2.0", 23), f);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 7);
	pt_expect_match(test, "10.244.2.7", d, "10.244.2.0/24");
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.2.0", 24), 0);
	pt_expect_match(test, "10.244.2.7", f, "10.244.2.0/23");
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.3.0", 24), 0);
	pt_expect_match(test, "10.244.3.7", f, "10.244.2.0/23");
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.2.0", 23), 0);
	pt_expect_match(test, "10.244.3.7", a, "10.244.0.0/16");
	pt_expect_routes(test, f, 1);

	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.0.0.0", 8), 0);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.1.5", 32), 0);
	pt_expect_match(test, "10.244.1.5", b, "10.244.1.0/24");
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.0.0", 16), 0);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.1.0", 24), 0);
	pt_expect_empty(test);
}

static void podnet_table_test_default(struct kunit *test)
{
	struct podnet_peer *a = pt_peer(test), *b = pt_peer(test);
	struct podnet_peer *c = pt_peer(test);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "0.0.0.0", 0, a), 0);
	pt_expect_lookup(test, "0.0.0.0", a);
	pt_expect_lookup(test, "1.2.3.4", a);
	pt_expect_lookup(test, "255.255.255.255", a);
	pt_expect_lookup(test, "::", NULL);
	pt_expect_lookup(test, "::1", NULL);
	pt_expect_lookup(test, "::ffff:1.2.3.4", NULL);
	pt_expect_match(test, "1.2.3.4", a, "0.0.0.0/0");

	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.0.0.0", 8, b), 0);
	pt_expect_lookup(test, "10.1.1.1", b);
	pt_expect_lookup(test, "11.0.0.0", a);
	pt_expect_lookup(test, "9.255.255.255", a);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "::", 0, c), 0);
	pt_expect_lookup(test, "2001:db8::1", c);
	pt_expect_lookup(test, "::ffff:1.2.3.4", c);
	pt_expect_lookup(test, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", c);
	pt_expect_lookup(test, "1.2.3.4", a);
	pt_expect_match(test, "::1", c, "::/0");
	KUNIT_EXPECT_PTR_EQ(test, pt_find(test, "::", 0), c);
	KUNIT_EXPECT_PTR_EQ(test, pt_find(test, "0.0.0.0", 0), a);

	KUNIT_EXPECT_EQ(test, pt_remove(test, "0.0.0.0", 0), 0);
	pt_expect_lookup(test, "11.0.0.0", NULL);
	pt_expect_lookup(test, "10.1.1.1", b);
	pt_expect_lookup(test, "::1", c);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "0.0.0.0", 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "::", 0), 0);
	pt_expect_lookup(test, "::1", NULL);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.0.0.0", 8), 0);
	pt_expect_empty(test);
}

static void podnet_table_test_host(struct kunit *test)
{
	struct podnet_peer *a = pt_peer(test), *b = pt_peer(test);
	struct podnet_peer *c = pt_peer(test), *d = pt_peer(test);
	struct podnet_peer *e = pt_peer(test), *f = pt_peer(test);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.1", 32, a), 0);
	pt_expect_match(test, "10.244.1.1", a, "10.244.1.1/32");
	pt_expect_lookup(test, "10.244.1.0", NULL);
	pt_expect_lookup(test, "10.244.1.2", NULL);
	pt_expect_lookup(test, "10.244.1.3", NULL);
	pt_expect_lookup(test, "138.244.1.1", NULL);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "255.255.255.255", 32, d), 0);
	pt_expect_lookup(test, "255.255.255.255", d);
	pt_expect_lookup(test, "255.255.255.254", NULL);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00::1", 128, b), 0);
	pt_expect_match(test, "fd00::1", b, "fd00::1/128");
	pt_expect_lookup(test, "fd00::", NULL);
	pt_expect_lookup(test, "fd00::2", NULL);
	pt_expect_lookup(test, "fd00::3", NULL);
	pt_expect_lookup(test, "fd00:0:0:1::1", NULL);
	pt_expect_lookup(test, "10.244.1.1", a);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "::", 128, c), 0);
	pt_expect_lookup(test, "::", c);
	pt_expect_lookup(test, "::1", NULL);
	pt_expect_lookup(test, "8000::", NULL);

	/* Either side of the 64 bit word boundary. */
	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00:1::", 64, e), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00:1::8000:0:0:0", 65, f), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00:1::", 63, d), 0);
	pt_expect_match(test, "fd00:1::1", e, "fd00:1::/64");
	pt_expect_match(test, "fd00:1::8000:0:0:1", f, "fd00:1:0:0:8000::/65");
	pt_expect_match(test, "fd00:1:0:1::1", d, "fd00:1::/63");
	pt_expect_match(test, "fd00:1:0:2::1", NULL, "none");

	KUNIT_EXPECT_EQ(test, pt_remove(test, "fd00::1", 128), 0);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "fd00::1", 128), -ENOENT);
	pt_expect_lookup(test, "fd00::1", NULL);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 6);
}

/* IPv4 routes never answer IPv6 lookups, and the other way round. */
static void podnet_table_test_families(struct kunit *test)
{
	struct podnet_peer *a = pt_peer(test), *b = pt_peer(test);
	struct podnet_peer *c = pt_peer(test);
	char buf[64];

	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.0.0.0", 8, a), 0);
	pt_expect_lookup(test, "10.1.2.3", a);
	pt_expect_lookup(test, "::ffff:10.1.2.3", NULL);
	pt_expect_lookup(test, "::10.1.2.3", NULL);
	/* The same leading 32 bits as 10.1.2.3. */
	pt_expect_lookup(test, "a01:203::", NULL);
	pt_expect_lookup(test, "a01:203::1", NULL);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "::ffff:0.0.0.0", 96, b), 0);
	pt_expect_match(test, "::ffff:10.1.2.3", b, "::ffff:0.0.0.0/96");
	pt_expect_match(test, "10.1.2.3", a, "10.0.0.0/8");
	pt_expect_lookup(test, "11.1.2.3", NULL);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "a00::", 8, c), 0);
	pt_expect_match(test, "a01:203::", c, "a00::/8");
	pt_expect_match(test, "10.1.2.3", a, "10.0.0.0/8");

	/* Same bits, other family: distinct routes. */
	KUNIT_ASSERT_EQ(test, pt_insert(test, "::", 8, c), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "0.0.0.0", 8, a), 0);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 5);
	pt_expect_lookup(test, "0.1.2.3", a);
	pt_expect_lookup(test, "1.1.2.3", NULL);

	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.0.0.0", 8), 0);
	pt_expect_lookup(test, "10.1.2.3", NULL);
	pt_expect_lookup(test, "a01:203::", c);
	pt_expect_lookup(test, "::ffff:10.1.2.3", b);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "::ffff:0.0.0.0", 96), 0);
	pt_expect_lookup(test, "::ffff:10.1.2.3", c);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "a00::", 8), 0);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "::", 8), 0);
	KUNIT_EXPECT_PTR_EQ(test, pt_match(test, "0.1.2.3", buf, sizeof(buf)),
			    a);
	KUNIT_EXPECT_STREQ(test, buf, "0.0.0.0/8");
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(pt_table(test)->root6));
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 1);
}

static void podnet_table_test_replace(struct kunit *test)
{
	struct podnet_peer *a = pt_peer(test), *b = pt_peer(test);
	struct pt_walk *w;
	char buf[64];

	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.0", 24, a), 0);
	KUNIT_EXPECT_EQ(test, pt_insert(test, "10.244.1.0", 24, b), -EEXIST);
	pt_expect_lookup(test, "10.244.1.1", a);
	pt_expect_routes(test, a, 1);
	pt_expect_routes(test, b, 0);

	KUNIT_EXPECT_EQ(test, pt_insert_flags(test, "10.244.1.0", 24, b,
					      PODNET_TABLE_REPLACE), 0);
	pt_expect_lookup(test, "10.244.1.1", b);
	pt_expect_routes(test, a, 0);
	pt_expect_routes(test, b, 1);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 1);

	/* To the same peer: nothing changes. */
	KUNIT_EXPECT_EQ(test, pt_insert_flags(test, "10.244.1.0", 24, b,
					      PODNET_TABLE_REPLACE), 0);
	pt_expect_routes(test, b, 1);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 1);

	/* Of a missing prefix: an insert. */
	KUNIT_EXPECT_EQ(test, pt_insert_flags(test, "10.244.2.0", 24, a,
					      PODNET_TABLE_REPLACE), 0);
	pt_expect_routes(test, a, 1);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 2);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00:10:244:1::", 64, a), 0);
	KUNIT_EXPECT_EQ(test, pt_insert_flags(test, "fd00:10:244:1::", 64, b,
					      PODNET_TABLE_REPLACE), 0);
	pt_expect_lookup(test, "fd00:10:244:1::7", b);
	pt_expect_routes(test, a, 1);
	pt_expect_routes(test, b, 2);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 3);

	/* And back, the peer lists follow. */
	KUNIT_EXPECT_EQ(test, pt_insert_flags(test, "10.244.1.0", 24, a,
					      PODNET_TABLE_REPLACE), 0);
	pt_expect_routes(test, a, 2);
	pt_expect_routes(test, b, 1);

	pt_remove_by_peer(test, a);
	pt_expect_routes(test, a, 0);
	pt_expect_lookup(test, "10.244.1.1", NULL);
	pt_expect_lookup(test, "10.244.2.1", NULL);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 1);

	w = pt_walk(test, b);
	KUNIT_ASSERT_EQ(test, w->nr, 1);
	KUNIT_EXPECT_STREQ(test, pt_walk_str(w, 0, buf, sizeof(buf)),
			   "fd00:10:244:1::/64");
}

/* A walk stopped by its callback resumes where it stopped. */
static void podnet_table_test_walk(struct kunit *test)
{
	static const char * const want[] = {
		"10.244.1.0/24", "fd00::/8", "0.0.0.0/0", "::/0",
		"255.255.255.255/32",
	};
	struct podnet_peer *a = pt_peer(test), *b = pt_peer(test);
	struct pt_ctx *ctx = test->priv;
	unsigned long skip = 0;
	struct pt_walk *w;
	char buf[64];
	unsigned int i;
	int err;

	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.0", 24, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.0.0", 16, b), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00::", 8, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "0.0.0.0", 0, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "::", 0, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "255.255.255.255", 32, a), 0);

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	w->stop = 2;
	mutex_lock(&ctx->lock);
	err = podnet_table_walk_peer(a, &skip, pt_walk_fn, w, &ctx->lock);
	KUNIT_EXPECT_EQ(test, err, -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, skip, 2);
	w->stop = 4;
	err = podnet_table_walk_peer(a, &skip, pt_walk_fn, w, &ctx->lock);
	KUNIT_EXPECT_EQ(test, err, -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, skip, 4);
	w->stop = UINT_MAX;
	err = podnet_table_walk_peer(a, &skip, pt_walk_fn, w, &ctx->lock);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, skip, 5);
	mutex_unlock(&ctx->lock);

	KUNIT_ASSERT_EQ(test, w->nr, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		KUNIT_EXPECT_STREQ(test, pt_walk_str(w, i, buf, sizeof(buf)),
				   want[i]);

	w = pt_walk(test, b);
	KUNIT_ASSERT_EQ(test, w->nr, 1);
	KUNIT_EXPECT_STREQ(test, pt_walk_str(w, 0, buf, sizeof(buf)),
			   "10.244.0.0/16");
	pt_remove_by_peer(test, b);
	w = pt_walk(test, b);
	KUNIT_EXPECT_EQ(test, w->nr, 0);
}

static void podnet_table_test_remove(struct kunit *test)
{
	struct podnet_peer *a = pt_peer(test), *b = pt_peer(test);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.0", 24, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.0.0", 16, b), 0);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.1.0", 24), 0);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.1.0", 24), -ENOENT);
	/* Covered, but not that exact prefix. */
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.2.0", 24), -ENOENT);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.0.0", 17), -ENOENT);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.0.0", 15), -ENOENT);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.0.0.0", 8), -ENOENT);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "0.0.0.0", 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.1.1", 32), -ENOENT);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "fd00::", 64), -ENOENT);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 1);
	pt_expect_routes(test, a, 0);
	pt_expect_routes(test, b, 1);
	KUNIT_EXPECT_NULL(test, pt_find(test, "10.244.1.0", 24));
	KUNIT_EXPECT_PTR_EQ(test, pt_find(test, "10.244.0.0", 16), b);
	pt_expect_lookup(test, "10.244.1.1", b);

	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.0.0", 16), 0);
	pt_expect_lookup(test, "10.244.1.1", NULL);
	pt_expect_routes(test, b, 0);
	pt_expect_empty(test);
}

static void podnet_table_test_invalid(struct kunit *test)
{
	struct podnet_peer *a = pt_peer(test);
	struct podnet_addr any = { .family = AF_UNSPEC };
	struct pt_ctx *ctx = test->priv;
	int err;

	/* Host bits set. */
	KUNIT_EXPECT_EQ(test, pt_insert(test, "10.244.1.1", 24, a), -EINVAL);
	KUNIT_EXPECT_EQ(test, pt_insert(test, "128.0.0.0", 0, a), -EINVAL);
	KUNIT_EXPECT_EQ(test, pt_insert(test, "0.0.0.1", 31, a), -EINVAL);
	KUNIT_EXPECT_EQ(test, pt_insert(test, "fd00::1", 64, a), -EINVAL);
	KUNIT_EXPECT_EQ(test, pt_insert(test, "fd00::1", 127, a), -EINVAL);
	KUNIT_EXPECT_EQ(test, pt_insert(test, "fd00::8000:0:0:0", 64, a),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, pt_insert(test, "::1", 0, a), -EINVAL);
	/* Too long. */
	KUNIT_EXPECT_EQ(test, pt_insert(test, "10.244.1.0", 33, a), -EINVAL);
	KUNIT_EXPECT_EQ(test, pt_insert(test, "10.244.1.0", 255, a), -EINVAL);
	KUNIT_EXPECT_EQ(test, pt_insert(test, "fd00::", 129, a), -EINVAL);
	/* No peer, no family. */
	KUNIT_EXPECT_EQ(test, pt_insert(test, "10.244.1.0", 24, NULL),
			-EINVAL);
	mutex_lock(&ctx->lock);
	err = podnet_table_insert(&ctx->table, &any, 0, a, 0, &ctx->lock);
	mutex_unlock(&ctx->lock);
	KUNIT_EXPECT_EQ(test, err, -EAFNOSUPPORT);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.0", 24, a), 0);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.1.1", 24), -EINVAL);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.1.0", 33), -EINVAL);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "fd00::1", 64), -EINVAL);
	KUNIT_EXPECT_NULL(test, pt_find(test, "10.244.1.1", 24));
	KUNIT_EXPECT_NULL(test, pt_find(test, "10.244.1.0", 33));
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, podnet_table_match(&ctx->table, &any, NULL,
						   NULL));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 1);
	pt_expect_routes(test, a, 1);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.1.0", 24), 0);
	pt_expect_empty(test);
}

static void podnet_table_test_duplicate(struct kunit *test)
{
	struct podnet_peer *a = pt_peer(test), *b = pt_peer(test);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.0", 24, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00:10:244::", 48, a), 0);
	KUNIT_EXPECT_EQ(test, pt_insert(test, "10.244.1.0", 24, a), -EEXIST);
	KUNIT_EXPECT_EQ(test, pt_insert(test, "10.244.1.0", 24, b), -EEXIST);
	KUNIT_EXPECT_EQ(test, pt_insert(test, "fd00:10:244::", 48, b),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 2);
	pt_expect_routes(test, a, 2);
	pt_expect_routes(test, b, 0);
	pt_expect_lookup(test, "10.244.1.1", a);
	pt_expect_lookup(test, "fd00:10:244::1", a);
}

static void podnet_table_test_remove_by_peer(struct kunit *test)
{
	struct podnet_peer *a = pt_peer(test), *b = pt_peer(test);
	struct podnet_peer *c = pt_peer(test);

	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.0", 24, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00:a::", 64, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.3.0", 24, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.0.0", 16, b), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.128", 25, b), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00::", 16, b), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.192", 26, c), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.3.7", 32, c), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00:a::1", 128, c), 0);
	pt_expect_lookup(test, "10.244.1.130", b);
	pt_expect_lookup(test, "fd00:b::", b);

	pt_remove_by_peer(test, b);
	pt_expect_routes(test, b, 0);
	pt_expect_routes(test, a, 3);
	pt_expect_routes(test, c, 3);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 6);
	pt_expect_lookup(test, "10.244.1.130", a);
	pt_expect_lookup(test, "10.244.1.200", c);
	pt_expect_lookup(test, "10.244.1.1", a);
	pt_expect_lookup(test, "10.244.2.1", NULL);
	pt_expect_lookup(test, "10.244.3.7", c);
	pt_expect_lookup(test, "10.244.3.8", a);
	pt_expect_lookup(test, "fd00:a::1", c);
	pt_expect_lookup(test, "fd00:a::2", a);
	pt_expect_lookup(test, "fd00:b::", NULL);

	/* Again: nothing to do. */
	pt_remove_by_peer(test, b);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 6);

	pt_remove_by_peer(test, a);
	pt_expect_routes(test, a, 0);
	pt_expect_routes(test, c, 3);
	pt_expect_lookup(test, "10.244.1.130", NULL);
	pt_expect_lookup(test, "10.244.1.200", c);
	pt_expect_lookup(test, "fd00:a::2", NULL);
	pt_expect_lookup(test, "fd00:a::1", c);
	pt_expect_lookup(test, "10.244.3.7", c);
	KUNIT_EXPECT_EQ(test, pt_table(test)->count, 3);

	pt_remove_by_peer(test, c);
	pt_expect_routes(test, c, 0);
	pt_expect_empty(test);
}

static void podnet_table_test_free(struct kunit *test)
{
	struct podnet_peer *a = pt_peer(test), *b = pt_peer(test);
	struct pt_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.0", 24, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.2.0", 24, b), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.0.0", 16, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00::", 64, b), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00:0:0:1::", 64, a), 0);

	mutex_lock(&ctx->lock);
	podnet_table_free(&ctx->table, &ctx->lock);
	mutex_unlock(&ctx->lock);
	pt_expect_empty(test);
	pt_expect_routes(test, a, 0);
	pt_expect_routes(test, b, 0);
	pt_expect_lookup(test, "10.244.1.1", NULL);
	pt_expect_lookup(test, "fd00::1", NULL);

	/* Still usable. */
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.0", 24, b), 0);
	pt_expect_lookup(test, "10.244.1.1", b);
	pt_expect_routes(test, b, 1);
}

/*
 * A table built aside and published with podnet_table_swap(): lookups see
 * the new routes, the staged table holds the old ones, and both tries stay
 * whole (their roots now hang off the other table's slots) for later
 * removals and frees.
 */
static void podnet_table_test_swap(struct kunit *test)
{
	struct podnet_peer *a = pt_peer(test), *b = pt_peer(test);
	struct pt_ctx *ctx = test->priv;
	struct podnet_addr p;
	struct podnet_table staged;

	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.1.0", 24, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.244.2.0", 24, a), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00:0:0:1::", 64, a), 0);

	podnet_table_setup(&staged);
	mutex_lock(&ctx->lock);
	p = pt_addr(test, "10.244.2.0");
	KUNIT_EXPECT_EQ(test, podnet_table_insert(&staged, &p, 24, b, 0,
						  &ctx->lock), 0);
	p = pt_addr(test, "10.244.3.0");
	KUNIT_EXPECT_EQ(test, podnet_table_insert(&staged, &p, 24, b, 0,
						  &ctx->lock), 0);
	mutex_unlock(&ctx->lock);
	/* Built aside: the live table does not see it yet. */
	pt_expect_lookup(test, "10.244.2.1", a);
	pt_expect_lookup(test, "10.244.3.1", NULL);

	mutex_lock(&ctx->lock);
	podnet_table_swap(&ctx->table, &staged, &ctx->lock);
	mutex_unlock(&ctx->lock);
	pt_expect_lookup(test, "10.244.1.1", NULL);
	pt_expect_lookup(test, "10.244.2.1", b);
	pt_expect_lookup(test, "10.244.3.1", b);
	pt_expect_lookup(test, "fd00:0:0:1::1", NULL);
	KUNIT_EXPECT_EQ(test, ctx->table.count, 2U);
	KUNIT_EXPECT_EQ(test, staged.count, 3U);

	/* Remove the live root's routes: its slot link must be the live one. */
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.2.0", 24), 0);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.244.3.0", 24), 0);
	pt_expect_empty(test);
	KUNIT_EXPECT_NOT_NULL(test, rcu_access_pointer(staged.root4));

	mutex_lock(&ctx->lock);
	p = pt_addr(test, "10.244.1.0");
	KUNIT_EXPECT_EQ(test, podnet_table_remove(&staged, &p, 24, &ctx->lock),
			0);
	podnet_table_free(&staged, &ctx->lock);
	mutex_unlock(&ctx->lock);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(staged.root4));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(staged.root6));
	pt_expect_routes(test, a, 0);
	pt_expect_routes(test, b, 0);
}

/* Insert @n prefixes: @fmt formatted with 0 to @n - 1, each /@len. */
static void pt_insert_many(struct kunit *test, const char *fmt,
			   unsigned int n, u8 len, struct podnet_peer *peer)
{
	char buf[48];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), fmt, i >> 8, i & 255);
		KUNIT_ASSERT_EQ_MSG(test, pt_insert(test, buf, len, peer), 0,
				    "insert %s/%u", buf, len);
	}
}

/*
 * The index of a large family: built from PODNET_INDEX_MIN_ROUTES routes
 * on, rebuilt when the root changes (a route above it), right after every
 * change that its slots see (a shorter route above a slot, replaced,
 * removed), dropped when the routes are few again, and its memory back.
 */
static void podnet_table_test_index(struct kunit *test)
{
	struct podnet_peer *a = pt_peer(test), *b = pt_peer(test);
	struct podnet_peer *c = pt_peer(test), *d = pt_peer(test);
	struct podnet_peer *e = pt_peer(test);
	unsigned long bytes = podnet_table_index_bytes();
	struct podnet_table *table = pt_table(test);

	/* 10.0.0.0/24 to 10.7.255.0/24: the root is 10.0.0.0/13. */
	pt_insert_many(test, "10.%u.%u.0", 2048, 24, a);
	KUNIT_EXPECT_NOT_NULL(test, rcu_access_pointer(table->index4));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(table->index6));
	KUNIT_EXPECT_GT(test, podnet_table_index_bytes(), bytes);
	pt_expect_lookup(test, "10.1.2.3", a);
	pt_expect_lookup(test, "10.7.255.254", a);
	pt_expect_lookup(test, "10.8.0.1", NULL);
	pt_expect_lookup(test, "11.1.2.3", NULL);

	/* Outside the root, then above it: new roots. */
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.8.0.0", 16, b), 0);
	pt_expect_lookup(test, "10.8.0.1", b);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.0.0.0", 8, c), 0);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "0.0.0.0", 0, d), 0);
	/* So that 10.0.0.0/8 has two children, and stays as a node. */
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.200.0.0", 16, e), 0);
	/* Deeper than the slots. */
	KUNIT_ASSERT_EQ(test, pt_insert(test, "10.3.3.16", 28, b), 0);
	pt_expect_lookup(test, "10.1.2.3", a);
	pt_expect_lookup(test, "10.8.0.1", b);
	pt_expect_lookup(test, "10.100.0.1", c);
	pt_expect_lookup(test, "10.200.0.1", e);
	pt_expect_lookup(test, "11.0.0.1", d);
	pt_expect_lookup(test, "10.3.3.17", b);
	pt_expect_lookup(test, "10.3.3.1", a);

	/* A slot's own route goes: the one above answers. */
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.1.2.0", 24), 0);
	pt_expect_lookup(test, "10.1.2.3", c);
	pt_expect_match(test, "10.1.2.3", c, "10.0.0.0/8");
	pt_expect_match(test, "10.1.3.4", a, "10.1.3.0/24");
	/* The route above changes peer, then goes. */
	KUNIT_EXPECT_EQ(test, pt_insert_flags(test, "10.0.0.0", 8, b,
					      PODNET_TABLE_REPLACE), 0);
	pt_expect_lookup(test, "10.1.2.3", b);
	pt_expect_lookup(test, "10.100.0.1", b);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "10.0.0.0", 8), 0);
	pt_expect_lookup(test, "10.1.2.3", d);
	pt_expect_lookup(test, "10.100.0.1", d);
	KUNIT_EXPECT_EQ(test, pt_remove(test, "0.0.0.0", 0), 0);
	pt_expect_lookup(test, "10.1.2.3", NULL);
	pt_expect_lookup(test, "11.0.0.1", NULL);
	pt_expect_lookup(test, "10.1.3.4", a);
	pt_expect_lookup(test, "10.3.3.17", b);

	/* IPv6 side by side: /64s under fd00::/48, and a /56 next to them. */
	pt_insert_many(test, "fd00:0:0:%x%02x::", 1100, 64, a);
	KUNIT_ASSERT_EQ(test, pt_insert(test, "fd00:0:0:500::", 56, c), 0);
	KUNIT_EXPECT_NOT_NULL(test, rcu_access_pointer(table->index6));
	pt_expect_lookup(test, "fd00:0:0:401::1", a);
	pt_expect_lookup(test, "fd00:0:0:44b::1", a);
	pt_expect_lookup(test, "fd00:0:0:44c::1", NULL);
	pt_expect_lookup(test, "fd00:0:0:5ff::1", c);
	pt_expect_lookup(test, "fd00:0:1::1", NULL);
	pt_expect_lookup(test, "10.1.3.4", a);

	/* Few routes again: no index, and its memory is back. */
	pt_remove_by_peer(test, a);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(table->index4));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(table->index6));
	pt_expect_lookup(test, "10.8.0.1", b);
	pt_expect_lookup(test, "fd00:0:0:5ff::1", c);
	pt_remove_by_peer(test, b);
	pt_remove_by_peer(test, c);
	pt_remove_by_peer(test, e);
	pt_expect_empty(test);
	/* pt_exit() checks that the indexes' memory is back. */
}

/* @a with the bits past the first @len cleared. */
static struct podnet_addr pt_trim(const struct podnet_addr *a,
				  unsigned int len)
{
	struct podnet_addr p = *a;
	unsigned int i, n = a->family == AF_INET ? 4 : 16;
	u8 *raw = a->family == AF_INET ? (u8 *)&p.ip4 : p.ip6.s6_addr;

	for (i = 0; i < n; i++) {
		if (i * 8 >= len)
			raw[i] = 0;
		else if (i * 8 + 8 > len)
			raw[i] &= 0xff << (i * 8 + 8 - len);
	}
	return p;
}

/*
 * Every prefix of one address, /0 to /32 and /0 to /128: the deepest tries
 * there are. Read each route back with podnet_table_walk_peer().
 */
static void podnet_table_test_chain(struct kunit *test)
{
	struct podnet_addr base[2] = {
		pt_addr(test, "203.0.113.77"),
		pt_addr(test, "2001:db8:dead:beef:1:2:3:4"),
	};
	struct pt_ctx *ctx = test->priv;
	struct podnet_peer *peers[2], *peer;
	unsigned int i, len, fam, bits;
	struct podnet_addr p, q;
	DECLARE_BITMAP(seen, 129);
	struct pt_walk *w;
	u8 *raw, got;
	int err;

	for (fam = 0; fam < 2; fam++) {
		bits = fam ? 128 : 32;
		peers[fam] = pt_peer(test);
		/* In an order that is neither up nor down. */
		for (i = 0; i <= bits; i++) {
			len = (i * 7) % (bits + 1);
			p = pt_trim(&base[fam], len);
			mutex_lock(&ctx->lock);
			err = podnet_table_insert(&ctx->table, &p, len,
						  peers[fam], 0, &ctx->lock);
			mutex_unlock(&ctx->lock);
			KUNIT_EXPECT_EQ(test, err, 0);
		}
		pt_expect_routes(test, peers[fam], bits + 1);

		/* An address agreeing with the base on exactly @len bits. */
		for (len = 0; len <= bits; len++) {
			q = base[fam];
			raw = fam ? q.ip6.s6_addr : (u8 *)&q.ip4;
			if (len < bits)
				raw[len / 8] ^= 0x80 >> (len % 8);
			got = 255;
			rcu_read_lock();
			peer = podnet_table_match(&ctx->table, &q, &p, &got);
			rcu_read_unlock();
			KUNIT_EXPECT_PTR_EQ(test, peer, peers[fam]);
			KUNIT_EXPECT_EQ(test, got, len);
			q = pt_trim(&base[fam], len);
			KUNIT_EXPECT_TRUE(test, podnet_addr_equal(&p, &q));
		}

		/* The walk gives back each prefix once. */
		w = pt_walk(test, peers[fam]);
		KUNIT_EXPECT_EQ(test, w->nr, bits + 1);
		bitmap_zero(seen, 129);
		for (i = 0; i < w->nr; i++) {
			q = pt_trim(&base[fam], w->len[i]);
			KUNIT_EXPECT_TRUE(test,
					  podnet_addr_equal(&w->prefix[i], &q));
			KUNIT_EXPECT_FALSE(test,
					   __test_and_set_bit(w->len[i], seen));
			rcu_read_lock();
			peer = podnet_table_find(&ctx->table, &w->prefix[i],
						 w->len[i]);
			rcu_read_unlock();
			KUNIT_EXPECT_PTR_EQ(test, peer, peers[fam]);
		}

		/* Remove the odd lengths, then the even ones. */
		mutex_lock(&ctx->lock);
		for (i = 0; i < 2 * w->nr; i++) {
			unsigned int j = i % w->nr;
			bool odd_pass = i < w->nr;

			if (odd_pass != (w->len[j] & 1))
				continue;
			err = podnet_table_remove(&ctx->table, &w->prefix[j],
						  w->len[j], &ctx->lock);
			KUNIT_EXPECT_EQ(test, err, 0);
			if (i == w->nr - 1)
				KUNIT_EXPECT_EQ(test, ctx->table.count,
						bits / 2 + 1);
		}
		mutex_unlock(&ctx->lock);
		pt_expect_routes(test, peers[fam], 0);
	}
	pt_expect_empty(test);
}

/*
 * The randomized comparison. The reference keeps every prefix in an array,
 * sorted longest first and, within one length, by key. A lookup tries each
 * length from the longest down: the address masked to that length, looked
 * for among that length's entries by bisection; the first live entry found
 * is the answer. (Scanning the whole array instead made the million
 * lookups take 48 s of the debug kernel's boot; now 23 s, most of it the
 * table's own lookups.) Keys
 * are two host-order u64 words, IPv4 in the top 32 bits, built byte by
 * byte, independently of table.c. Its searches are not instrumented by
 * KASAN: they read only the test's own array; table.c stays checked.
 */
#define RT_SEED		0x706f646e65740001ULL
#define RT_PEERS	128
#define RT_PREFIXES	5000		/* per family */
#define RT_LOOKUPS	1000000
#define RT_SAMPLE	2000
#define RT_MAX_FAILS	10
#define RT_MIN_LEN	8U		/* so that some lookups miss */

struct rt_ref {
	u64 key[2];
	u64 mask[2];
	u16 peer;
	u8 len;
	bool dead;
	bool nested;	/* inside a shorter prefix */
};

struct rt_family {
	struct rt_ref *refs;
	unsigned int nr;
	/* refs[first[len]] to refs[first[len] + count[len] - 1]: length len */
	unsigned int first[128 + 1];
	unsigned int count[128 + 1];
	unsigned int bits;
	u32 family;
	u64 clusters[5][2];
	u8 cluster_len[5];
};

struct rt_ctx {
	struct kunit *test;
	struct pt_ctx *pt;
	struct rnd_state rnd;
	struct podnet_peer *peers[RT_PEERS];
	unsigned int expect[RT_PEERS];
	struct rt_family fam[2];
	unsigned int alive;
	unsigned long lookups;
	unsigned long hits;
	unsigned long nested_hits;
	unsigned long fails;
};

static u32 rt_rand(struct rt_ctx *c, u32 n)
{
	return prandom_u32_state(&c->rnd) % n;
}

static u64 rt_rand64(struct rt_ctx *c)
{
	return (u64)prandom_u32_state(&c->rnd) << 32 |
	       prandom_u32_state(&c->rnd);
}

static void rt_mask(u64 *mask, unsigned int len)
{
	unsigned int i;

	mask[0] = 0;
	mask[1] = 0;
	for (i = 0; i < len; i++)
		mask[i / 64] |= 1ULL << (63 - i % 64);
}

static void rt_addr_to_key(const struct podnet_addr *a, u64 *key)
{
	const u8 *raw = a->family == AF_INET ? (const u8 *)&a->ip4 :
					       a->ip6.s6_addr;
	unsigned int i, n = a->family == AF_INET ? 4 : 16;

	key[0] = 0;
	key[1] = 0;
	for (i = 0; i < n; i++)
		key[i / 8] |= (u64)raw[i] << (56 - 8 * (i % 8));
}

static void rt_key_to_addr(const struct rt_family *f, const u64 *key,
			   struct podnet_addr *a)
{
	u8 *raw;
	unsigned int i;

	memset(a, 0, sizeof(*a));
	a->family = f->family;
	raw = f->family == AF_INET ? (u8 *)&a->ip4 : a->ip6.s6_addr;
	for (i = 0; i < f->bits / 8; i++)
		raw[i] = key[i / 8] >> (56 - 8 * (i % 8));
}

/* @key restricted to the family's width and to its first @len bits. */
static void rt_trim(const struct rt_family *f, u64 *key, unsigned int len)
{
	u64 mask[2];

	rt_mask(mask, min(len, f->bits));
	key[0] &= mask[0];
	key[1] &= mask[1];
}

/* Random bits under @key/@len. */
static void rt_fill(struct rt_ctx *c, const struct rt_family *f, u64 *key,
		    unsigned int len)
{
	u64 mask[2];

	rt_mask(mask, len);
	key[0] = (key[0] & mask[0]) | (rt_rand64(c) & ~mask[0]);
	key[1] = (key[1] & mask[1]) | (rt_rand64(c) & ~mask[1]);
	rt_trim(f, key, f->bits);
}

static int __no_sanitize_address
rt_find_exact(const struct rt_family *f, const u64 *key, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < f->nr; i++)
		if (f->refs[i].len == len && f->refs[i].key[0] == key[0] &&
		    f->refs[i].key[1] == key[1])
			return i;
	return -1;
}

/* Order of two keys: <0, 0 or >0. */
static int rt_key_cmp(const u64 *a, const u64 *b)
{
	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	if (a[1] != b[1])
		return a[1] < b[1] ? -1 : 1;
	return 0;
}

/*
 * The entry of length @len and key @key (masked to @len) once the array
 * is sorted (rt_fill_family), dead or alive; NULL when there is none.
 */
static const struct rt_ref *__no_sanitize_address
rt_bisect(const struct rt_family *f, const u64 *key, unsigned int len)
{
	const struct rt_ref *r = &f->refs[f->first[len]];
	unsigned int lo = 0, hi = f->count[len], mid;
	u64 masked[2];
	int cmp;

	if (!hi)
		return NULL;
	masked[0] = key[0] & r->mask[0];
	masked[1] = key[1] & r->mask[1];
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = rt_key_cmp(masked, r[mid].key);
		if (!cmp)
			return &r[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const struct rt_ref *rt_naive(const struct rt_family *f,
				     const u64 *key)
{
	unsigned int len = f->bits + 1;
	const struct rt_ref *r;

	while (len--) {
		r = rt_bisect(f, key, len);
		if (r && !r->dead)
			return r;
	}
	return NULL;
}

/* A random prefix: near an inserted one, in a cluster, or anywhere. */
static void rt_random_prefix(struct rt_ctx *c, struct rt_family *f, u64 *key,
			     unsigned int *len)
{
	unsigned int r = rt_rand(c, 100), i;
	const struct rt_ref *base;

	if (r < 40 && f->nr) {
		base = &f->refs[rt_rand(c, f->nr)];
		key[0] = base->key[0];
		key[1] = base->key[1];
		if (rt_rand(c, 2) && base->len < f->bits) {
			/* Longer, inside it. */
			*len = base->len + 1 +
			       rt_rand(c, min(f->bits - base->len, 24U));
			rt_fill(c, f, key, base->len);
		} else {
			/* Shorter, holding it (no shorter than /RT_MIN_LEN). */
			*len = base->len - rt_rand(c, min(base->len, 16U) + 1);
			*len = max(*len, RT_MIN_LEN);
		}
	} else if (r < 85) {
		i = rt_rand(c, ARRAY_SIZE(f->cluster_len));
		key[0] = f->clusters[i][0];
		key[1] = f->clusters[i][1];
		*len = f->cluster_len[i] +
		       rt_rand(c, f->bits - f->cluster_len[i] + 1);
		rt_fill(c, f, key, f->cluster_len[i]);
	} else {
		*len = RT_MIN_LEN + rt_rand(c, f->bits - RT_MIN_LEN + 1);
		rt_fill(c, f, key, 0);
	}
	rt_trim(f, key, *len);
}

/* A random address: inside a prefix (maybe removed), in a cluster... */
static void rt_random_addr(struct rt_ctx *c, unsigned int fi, u64 *key)
{
	struct rt_family *f = &c->fam[fi], *o = &c->fam[!fi];
	unsigned int r = rt_rand(c, 100), i;
	const struct rt_ref *ref;

	if (r < 55 && f->nr) {
		ref = &f->refs[rt_rand(c, f->nr)];
		key[0] = ref->key[0];
		key[1] = ref->key[1];
		rt_fill(c, f, key, ref->len);
	} else if (r < 70) {
		i = rt_rand(c, ARRAY_SIZE(f->cluster_len));
		key[0] = f->clusters[i][0];
		key[1] = f->clusters[i][1];
		rt_fill(c, f, key, f->cluster_len[i]);
	} else if (r < 85 && o->nr) {
		/* From the other family's prefixes. */
		ref = &o->refs[rt_rand(c, o->nr)];
		key[0] = ref->key[0];
		key[1] = ref->key[1];
		rt_fill(c, o, key, ref->len);
		if (f->bits == 128) {
			/* IPv4-mapped. */
			key[1] = 0xffff00000000ULL | key[0] >> 32;
			key[0] = 0;
		} else if (rt_rand(c, 2)) {
			key[0] = key[1] << 32;
			key[1] = 0;
		}
		rt_trim(f, key, f->bits);
	} else {
		rt_fill(c, f, key, 0);
	}
}

static void rt_fail(struct rt_ctx *c, const struct rt_family *f,
		    const struct podnet_addr *a, const char *what,
		    const struct podnet_peer *want, const struct rt_ref *ref,
		    const struct podnet_peer *got, unsigned int got_len)
{
	if (++c->fails > RT_MAX_FAILS)
		return;
	if (f->bits == 32)
		KUNIT_FAIL(c->test, "%s %pI4: peer %p /%u, want %p /%d", what,
			   &a->ip4, got, got_len, want, ref ? ref->len : -1);
	else
		KUNIT_FAIL(c->test, "%s %pI6c: peer %p /%u, want %p /%d", what,
			   &a->ip6, got, got_len, want, ref ? ref->len : -1);
}

/* Compare @n random lookups and matches with the reference. */
static void rt_check(struct rt_ctx *c, unsigned int n)
{
	const struct podnet_table *table = &c->pt->table;
	struct podnet_peer *want, *got, *got_match;
	struct podnet_addr a, prefix, want_prefix;
	const struct rt_family *f;
	const struct rt_ref *ref;
	unsigned int i, fi;
	u64 key[2];
	u8 len;

	for (i = 0; i < n; i++) {
		if (!(i % 1024))
			cond_resched();
		fi = rt_rand(c, 2);
		f = &c->fam[fi];
		rt_random_addr(c, fi, key);
		rt_key_to_addr(f, key, &a);
		ref = rt_naive(f, key);
		want = ref ? c->peers[ref->peer] : NULL;
		if (ref) {
			c->hits++;
			c->nested_hits += ref->nested;
		}

		len = 255;
		rcu_read_lock();
		if (f->bits == 32)
			got = podnet_table_lookup4(table, a.ip4);
		else
			got = podnet_table_lookup6(table, &a.ip6);
		got_match = podnet_table_match(table, &a, &prefix, &len);
		rcu_read_unlock();
		c->lookups++;

		if (got != want)
			rt_fail(c, f, &a, "lookup", want, ref, got, 0);
		if (got_match != want) {
			rt_fail(c, f, &a, "match", want, ref, got_match, len);
		} else if (ref) {
			rt_key_to_addr(f, ref->key, &want_prefix);
			if (len != ref->len ||
			    !podnet_addr_equal(&prefix, &want_prefix))
				rt_fail(c, f, &a, "match prefix", want, ref,
					got_match, len);
		}
	}
}

/* Longest first, then by key (rt_naive bisects one length's entries). */
static int rt_cmp_len(const void *a, const void *b)
{
	const struct rt_ref *x = a, *y = b;

	if (x->len != y->len)
		return (int)y->len - (int)x->len;
	return rt_key_cmp(x->key, y->key);
}

static void rt_setup_family(struct rt_ctx *c, struct rt_family *f,
			    u32 family, const char * const *clusters,
			    const u8 *lens)
{
	struct kunit *test = c->test;
	struct podnet_addr a;
	unsigned int i;

	f->family = family;
	f->bits = family == AF_INET ? 32 : 128;
	f->refs = kunit_kcalloc(test, RT_PREFIXES, sizeof(*f->refs),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->refs);
	for (i = 0; i < ARRAY_SIZE(f->cluster_len); i++) {
		a = pt_addr(test, clusters[i]);
		KUNIT_ASSERT_EQ(test, a.family, family);
		rt_addr_to_key(&a, f->clusters[i]);
		f->cluster_len[i] = lens[i];
	}
}

/* Insert RT_PREFIXES distinct prefixes into @f, meeting duplicates too. */
static void rt_fill_family(struct rt_ctx *c, struct rt_family *f)
{
	struct podnet_table *table = &c->pt->table;
	struct mutex *lock = &c->pt->lock;
	unsigned int tries = 0, len, p, dups = 0, nested = 0, i, j;
	struct podnet_peer *found;
	struct podnet_addr a;
	struct rt_ref *ref;
	u64 key[2];
	int idx, err;

	mutex_lock(lock);
	while (f->nr < RT_PREFIXES && tries++ < 20 * RT_PREFIXES) {
		if (!(tries % 256))
			cond_resched();
		rt_random_prefix(c, f, key, &len);
		rt_key_to_addr(f, key, &a);
		idx = rt_find_exact(f, key, len);
		found = podnet_table_find(table, &a, len);
		if (found != (idx < 0 ? NULL : c->peers[f->refs[idx].peer]))
			rt_fail(c, f, &a, "find", NULL, NULL, found, len);
		p = rt_rand(c, RT_PEERS);

		if (idx < 0) {
			err = podnet_table_insert(table, &a, len, c->peers[p],
						  0, lock);
			KUNIT_EXPECT_EQ(c->test, err, 0);
			ref = &f->refs[f->nr++];
			ref->key[0] = key[0];
			ref->key[1] = key[1];
			rt_mask(ref->mask, len);
			ref->len = len;
			ref->peer = p;
			c->expect[p]++;
			c->alive++;
			continue;
		}

		dups++;
		ref = &f->refs[idx];
		if (rt_rand(c, 2)) {
			err = podnet_table_insert(table, &a, len, c->peers[p],
						  0, lock);
			KUNIT_EXPECT_EQ(c->test, err, -EEXIST);
		} else {
			err = podnet_table_insert(table, &a, len, c->peers[p],
						  PODNET_TABLE_REPLACE, lock);
			KUNIT_EXPECT_EQ(c->test, err, 0);
			c->expect[ref->peer]--;
			c->expect[p]++;
			ref->peer = p;
		}
	}
	mutex_unlock(lock);
	KUNIT_ASSERT_EQ(c->test, f->nr, RT_PREFIXES);
	sort(f->refs, f->nr, sizeof(*f->refs), rt_cmp_len, NULL);
	for (i = 0; i < f->nr; i++) {
		ref = &f->refs[i];
		if (!f->count[ref->len]++)
			f->first[ref->len] = i;
		for (j = i + 1; j < f->nr && !ref->nested; j++)
			ref->nested = f->refs[j].len < ref->len &&
				!((ref->key[0] ^ f->refs[j].key[0]) &
				  f->refs[j].mask[0]) &&
				!((ref->key[1] ^ f->refs[j].key[1]) &
				  f->refs[j].mask[1]);
		nested += ref->nested;
	}
	kunit_info(c->test,
		   "IPv%u: %u prefixes, %u inside another, %u duplicates met",
		   f->bits == 32 ? 4 : 6, f->nr, nested, dups);
}

static void rt_expect_peers(struct rt_ctx *c)
{
	unsigned int p, bad = 0;

	for (p = 0; p < RT_PEERS; p++) {
		if (c->peers[p]->nr_routes != c->expect[p] ||
		    list_count_nodes(&c->peers[p]->routes) != c->expect[p])
			bad++;
	}
	KUNIT_EXPECT_EQ(c->test, bad, 0);
	KUNIT_EXPECT_EQ(c->test, c->pt->table.count, c->alive);
}

static const char * const rt_clusters4[] = {
	"10.244.0.0", "10.0.0.0", "192.168.0.0", "100.64.0.0", "10.244.128.0",
};

static const u8 rt_cluster_lens4[] = { 16, 8, 16, 10, 20 };

static const char * const rt_clusters6[] = {
	"fd00:10:244::", "2001:db8::", "::ffff:0.0.0.0", "fe80::",
	"fd00:10:244:1::",
};

static const u8 rt_cluster_lens6[] = { 48, 32, 96, 10, 64 };

/* Checks each route of a peer about to go against the reference. */
struct rt_walk {
	struct rt_ctx *c;
	unsigned int peer;
	unsigned int nr;
	unsigned int bad;
};

static int rt_walk_fn(void *ctx, const struct podnet_addr *prefix, u8 len)
{
	struct rt_walk *w = ctx;
	struct rt_family *f = &w->c->fam[prefix->family == AF_INET6];
	const struct rt_ref *ref;
	u64 key[2];

	rt_addr_to_key(prefix, key);
	ref = len <= f->bits ? rt_bisect(f, key, len) : NULL;
	if (!ref || ref->dead || ref->peer != w->peer)
		w->bad++;
	w->nr++;
	return 0;
}

static void podnet_table_test_random(struct kunit *test)
{
	unsigned int i, p, removed = 0;
	unsigned long skip;
	struct podnet_addr a;
	struct rt_family *f;
	struct rt_walk walk;
	struct rt_ref *ref;
	struct rt_ctx *c;
	u16 *order;
	int err;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	order = kunit_kcalloc(test, RT_PEERS, sizeof(*order), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, order);
	c->test = test;
	c->pt = test->priv;
	kunit_info(test, "seed 0x%llx", RT_SEED);
	prandom_seed_state(&c->rnd, RT_SEED);
	for (p = 0; p < RT_PEERS; p++)
		c->peers[p] = pt_peer(test);
	rt_setup_family(c, &c->fam[0], AF_INET, rt_clusters4,
			rt_cluster_lens4);
	rt_setup_family(c, &c->fam[1], AF_INET6, rt_clusters6,
			rt_cluster_lens6);

	/* Fill, then compare a million lookups. */
	rt_fill_family(c, &c->fam[0]);
	rt_fill_family(c, &c->fam[1]);
	rt_expect_peers(c);
	/* Both families are large enough for an index. */
	KUNIT_EXPECT_NOT_NULL(test, rcu_access_pointer(c->pt->table.index4));
	KUNIT_EXPECT_NOT_NULL(test, rcu_access_pointer(c->pt->table.index6));
	rt_check(c, RT_LOOKUPS);
	kunit_info(test,
		   "%lu lookups compared: %lu matched, %lu of them a prefix inside another",
		   c->lookups, c->hits, c->nested_hits);
	KUNIT_ASSERT_EQ(test, c->fails, 0);

	/* Remove a fifth of the routes one by one. */
	while (removed < 2 * RT_PREFIXES / 5) {
		f = &c->fam[rt_rand(c, 2)];
		ref = &f->refs[rt_rand(c, f->nr)];
		if (ref->dead)
			continue;
		rt_key_to_addr(f, ref->key, &a);
		mutex_lock(&c->pt->lock);
		err = podnet_table_remove(&c->pt->table, &a, ref->len,
					  &c->pt->lock);
		KUNIT_EXPECT_EQ(test, err, 0);
		err = podnet_table_remove(&c->pt->table, &a, ref->len,
					  &c->pt->lock);
		KUNIT_EXPECT_EQ(test, err, -ENOENT);
		mutex_unlock(&c->pt->lock);
		ref->dead = true;
		c->expect[ref->peer]--;
		c->alive--;
		if (!(++removed % 250)) {
			rt_check(c, 1000);
			rt_expect_peers(c);
		}
	}
	KUNIT_ASSERT_EQ(test, c->fails, 0);

	/* Remove the peers in random order, checking after each. */
	for (p = 0; p < RT_PEERS; p++)
		order[p] = p;
	for (p = RT_PEERS - 1; p > 0; p--) {
		i = rt_rand(c, p + 1);
		swap(order[p], order[i]);
	}
	for (i = 0; i < RT_PEERS; i++) {
		struct podnet_peer *peer = c->peers[order[i]];

		/* The walk the dumps use gives back exactly its routes. */
		walk = (struct rt_walk){ .c = c, .peer = order[i] };
		skip = 0;
		mutex_lock(&c->pt->lock);
		err = podnet_table_walk_peer(peer, &skip, rt_walk_fn, &walk,
					     &c->pt->lock);
		KUNIT_EXPECT_EQ(test, err, 0);
		KUNIT_EXPECT_EQ(test, walk.nr, c->expect[order[i]]);
		KUNIT_EXPECT_EQ(test, walk.bad, 0);
		podnet_table_remove_by_peer(&c->pt->table, peer,
					    &c->pt->lock);
		mutex_unlock(&c->pt->lock);
		KUNIT_EXPECT_TRUE(test, list_empty(&peer->routes));
		KUNIT_EXPECT_EQ(test, peer->nr_routes, 0);

		for (f = c->fam; f < c->fam + 2; f++)
			for (ref = f->refs; ref < f->refs + f->nr; ref++)
				if (!ref->dead && ref->peer == order[i])
					ref->dead = true;
		c->alive -= c->expect[order[i]];
		c->expect[order[i]] = 0;
		rt_expect_peers(c);
		rt_check(c, RT_SAMPLE);
		if (c->fails)
			break;
	}
	kunit_info(test, "%lu lookups compared in all", c->lookups);
	KUNIT_EXPECT_EQ(test, c->fails, 0);
	pt_expect_empty(test);
	for (p = 0; p < RT_PEERS; p++)
		pt_expect_routes(test, c->peers[p], 0);
	/* pt_exit() checks that the memory is back. */
}

/*
 * Readers during writes. The stable routes: 10.X.Y.0/24 for 2048 (X, Y),
 * enough for an index, each to one of PT_RW_PEERS peers. Under them, the
 * writer adds and removes /25 and /26 routes to other peers, grows the
 * table past the index's rebuild points and back, and swaps in tables
 * built aside, while two threads look up addresses under
 * rcu_read_lock(). The answer for an address must be its /24's peer or
 * the peer of a /25 or /26 that holds it (present or not at that moment):
 * never none, never another (table_index.c's invariant: a reader sees the
 * answer before a change or after it).
 */
#define PT_RW_STABLE	2048
#define PT_RW_PEERS	8

struct pt_rw {
	struct podnet_peer *stable[PT_RW_PEERS];
	struct podnet_peer *p25[PT_RW_PEERS];
	struct podnet_peer *p26[PT_RW_PEERS];
	struct podnet_table *table;
	atomic_long_t lookups;
	atomic_long_t wrong;
	char first[96];		/* the first wrong answer */
	spinlock_t lock;	/* for first */
};

/* The address 10.X.Y.Z of route @i (0..PT_RW_STABLE-1), host part @z. */
static __be32 pt_rw_addr(unsigned int i, unsigned int z)
{
	return cpu_to_be32(0x0a000000U | i << 8 | z);
}

static bool pt_rw_ok(const struct pt_rw *rw, unsigned int i, unsigned int z,
		     const struct podnet_peer *got)
{
	return got == rw->stable[i % PT_RW_PEERS] ||
	       got == rw->p25[(2 * i + z / 128) % PT_RW_PEERS] ||
	       got == rw->p26[(4 * i + z / 64) % PT_RW_PEERS];
}

static int pt_rw_reader(void *data)
{
	struct pt_rw *rw = data;
	struct podnet_peer *got;
	unsigned int i, z;
	u32 r;

	while (!kthread_should_stop()) {
		r = get_random_u32();
		i = r % PT_RW_STABLE;
		z = (r >> 16) & 255;
		rcu_read_lock();
		got = podnet_table_lookup4(rw->table, pt_rw_addr(i, z));
		rcu_read_unlock();
		atomic_long_inc(&rw->lookups);
		if (unlikely(!pt_rw_ok(rw, i, z, got)) &&
		    atomic_long_inc_return(&rw->wrong) == 1) {
			spin_lock(&rw->lock);
			snprintf(rw->first, sizeof(rw->first),
				 "10.%u.%u.%u: %s", i >> 8, i & 255, z,
				 got ? "another peer" : "no peer");
			spin_unlock(&rw->lock);
		}
		cond_resched();
	}
	return 0;
}

/* Insert route @i of the stable set (/24), or a /25 or /26 under it. */
static int pt_rw_insert(struct pt_rw *rw, struct podnet_table *table,
			unsigned int i, u8 len, unsigned int part,
			struct mutex *lock)
{
	struct podnet_addr a = { .family = AF_INET };
	struct podnet_peer *peer;

	if (len == 24)
		peer = rw->stable[i % PT_RW_PEERS];
	else if (len == 25)
		peer = rw->p25[(2 * i + part) % PT_RW_PEERS];
	else
		peer = rw->p26[(4 * i + part) % PT_RW_PEERS];
	a.ip4 = pt_rw_addr(i, part << (32 - len));
	return podnet_table_insert(table, &a, len, peer, 0, lock);
}

static void podnet_table_test_readers(struct kunit *test)
{
	struct pt_ctx *ctx = test->priv;
	struct task_struct *readers[2];
	struct podnet_table staged;
	unsigned int i, round, n;
	struct pt_rw *rw;
	int err = 0, k;

	rw = kunit_kzalloc(test, sizeof(*rw), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rw);
	spin_lock_init(&rw->lock);
	for (k = 0; k < PT_RW_PEERS; k++) {
		rw->stable[k] = pt_peer(test);
		rw->p25[k] = pt_peer(test);
		rw->p26[k] = pt_peer(test);
	}
	rw->table = &ctx->table;
	mutex_lock(&ctx->lock);
	for (i = 0; i < PT_RW_STABLE && !err; i++)
		err = pt_rw_insert(rw, &ctx->table, i, 24, 0, &ctx->lock);
	mutex_unlock(&ctx->lock);
	KUNIT_ASSERT_EQ(test, err, 0);

	for (k = 0; k < ARRAY_SIZE(readers); k++) {
		readers[k] = kthread_run(pt_rw_reader, rw, "pt_reader%d", k);
		KUNIT_ASSERT_FALSE(test, IS_ERR(readers[k]));
	}

	for (round = 0; round < 12 && !err; round++) {
		/* up to 6144 more routes: the index grows, then shrinks */
		n = 1024 << (round % 3);
		mutex_lock(&ctx->lock);
		for (i = 0; i < n && !err; i++) {
			err = pt_rw_insert(rw, &ctx->table, i % PT_RW_STABLE,
					   i < PT_RW_STABLE ? 25 : 26,
					   (i / PT_RW_STABLE + round) % 2,
					   &ctx->lock);
			if (err == -EEXIST)
				err = 0;
		}
		mutex_unlock(&ctx->lock);
		for (k = 0; k < PT_RW_PEERS; k++) {
			pt_remove_by_peer(test, rw->p25[k]);
			pt_remove_by_peer(test, rw->p26[k]);
			cond_resched();
		}
		if (round % 4 != 3)
			continue;
		/* a table built aside, published at once (SYNC) */
		podnet_table_setup(&staged);
		mutex_lock(&ctx->lock);
		for (i = 0; i < PT_RW_STABLE && !err; i++)
			err = pt_rw_insert(rw, &staged, i, 24, 0, &ctx->lock);
		if (!err)
			podnet_table_swap(&ctx->table, &staged, &ctx->lock);
		podnet_table_free(&staged, &ctx->lock);
		mutex_unlock(&ctx->lock);
	}
	for (k = 0; k < ARRAY_SIZE(readers); k++)
		kthread_stop(readers[k]);

	KUNIT_EXPECT_EQ(test, err, 0);
	kunit_info(test, "%ld lookups during the writes, %ld wrong",
		   atomic_long_read(&rw->lookups),
		   atomic_long_read(&rw->wrong));
	KUNIT_EXPECT_GT(test, atomic_long_read(&rw->lookups), 0);
	KUNIT_EXPECT_EQ_MSG(test, atomic_long_read(&rw->wrong), 0,
			    "first wrong answer: %s", rw->first);
}

static struct kunit_case podnet_table_test_cases[] = {
	KUNIT_CASE(podnet_table_test_overlap),
	KUNIT_CASE(podnet_table_test_overlap_reverse),
	KUNIT_CASE(podnet_table_test_default),
	KUNIT_CASE(podnet_table_test_host),
	KUNIT_CASE(podnet_table_test_families),
	KUNIT_CASE(podnet_table_test_replace),
	KUNIT_CASE(podnet_table_test_walk),
	KUNIT_CASE(podnet_table_test_remove),
	KUNIT_CASE(podnet_table_test_invalid),
	KUNIT_CASE(podnet_table_test_duplicate),
	KUNIT_CASE(podnet_table_test_remove_by_peer),
	KUNIT_CASE(podnet_table_test_free),
	KUNIT_CASE(podnet_table_test_swap),
	KUNIT_CASE(podnet_table_test_chain),
	KUNIT_CASE(podnet_table_test_index),
	KUNIT_CASE_SLOW(podnet_table_test_random),
	KUNIT_CASE_SLOW(podnet_table_test_readers),
	{}
};

static struct kunit_suite podnet_table_test_suite = {
	.name = "podnet_table",
	.init = pt_init,
	.exit = pt_exit,
	.suite_init = pt_suite_init,
	.suite_exit = pt_suite_exit,
	.test_cases = podnet_table_test_cases,
};

kunit_test_suite(podnet_table_test_suite);

MODULE_DESCRIPTION("KUnit tests of podnet's PodCIDR table");
MODULE_LICENSE("GPL");
