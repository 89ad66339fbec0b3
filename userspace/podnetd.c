// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: the node agent. One event loop (curl_multi_poll() over the
 * etcd watch, the signals and the health server) does everything:
 *
 *  - start: read <prefix>/config, list <prefix>/subnets, create or adopt
 *    pn0, hold the node's lease (the one with its public IP, else the
 *    subnet of the subnet file, else a free one), publish its VTEP, write
 *    subnet.env and the CNI conflist, the masquerade rules, load pn0's
 *    table with one sync, tell systemd;
 *  - then one watch of <prefix>/subnets from the listed revision: each
 *    change of a lease is a change of a peer and its routes; a lost or
 *    compacted watch is a new list and one sync;
 *  - its own lease renewed before it expires, taken back when it goes;
 *  - etcd unreachable: pn0 stays as it is, requests are retried with
 *    backoff over the endpoints.
 *
 * The leases of the store are kept once, in the map below (each key under
 * <prefix>/subnets/ and what it says); pn0's table is derived from it.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <systemd/sd-daemon.h>
#include <linux/rtnetlink.h>

#include "pd_dp.h"
#include "pd_etcd.h"
#include "pd_files.h"
#include "pd_node.h"

#define PODNETD_VERSION		"0.1"
#define BACKOFF_MIN_MS		500
#define BACKOFF_MAX_MS		30000
#define RENEW_RETRY_MS		60000	/* flanneld: each minute */
#define ACQUIRE_TRIES		10

/* One key under <prefix>/subnets/ and what it says. */
struct entry {
	char *key;			/* after "subnets/" */
	enum pd_skip skip;		/* PD_SKIP_NONE: l is used */
	bool own;			/* this node's lease */
	struct pd_lease l;
	int64_t create_revision;	/* the older of two leases wins */
	int64_t mod_revision;
	int64_t lease_id;
};

struct backoff {
	unsigned int ms;
};

struct pd {
	struct pd_flags f;
	struct pd_netconf nc;
	struct pd_node node;
	struct pd_etcd etcd;
	struct pd_dp dp;
	struct pd_self self;

	char subnets[1024];		/* "<prefix>/subnets/" */
	char *subnets_end;		/* its range end */
	char own_key[256];		/* after "subnets/" */
	char *own_value;		/* what we publish */
	int64_t own_lease;		/* etcd lease id */
	int64_t own_mod;		/* mod_revision of our put */
	uint64_t renew_at;		/* monotonic ms */

	struct entry *map;		/* sorted by key */
	size_t nmap, map_size;

	int64_t rev;			/* watch from rev + 1 */
	int64_t listed;			/* events up to here are in the list */
	bool resume;			/* watch from before the list (a lost
					 * watch), not from the list */
	bool watching;
	bool need_list;			/* list again and sync */
	bool need_sync;			/* an incremental change failed */
	bool need_reclaim;		/* our key is gone: put it again */
	bool stolen;			/* our key holds another node's lease */
	bool ready;
	bool listing;			/* conflicts are settled after */
	uint64_t list_at;		/* when to list again (monotonic ms) */
	uint64_t reclaim_at;
	uint64_t sync_at;		/* when to try a failed sync again */
	struct backoff list_backoff, reclaim_backoff, sync_backoff;
	uint64_t last_sync;		/* monotonic ms; 0: none yet */
	bool etcd_up;

	int sigfd, httpfd;
	struct nl_sock *links;		/* rtnetlink link events: pn0 deleted */
	bool stop;			/* SIGTERM seen inside a request */

	/* counters for /metrics */
	uint64_t skips_total[PD_SKIP_NR];
	uint64_t events, reconnects, compactions, syncs, sync_errors;
	uint64_t renewals, renew_errors, reclaims, lists;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static unsigned int backoff_next(struct backoff *b)
{
	b->ms = b->ms ? b->ms * 2 : BACKOFF_MIN_MS;
	if (b->ms > BACKOFF_MAX_MS)
		b->ms = BACKOFF_MAX_MS;
	return b->ms;
}

/* -------------------------------------------------------------- map ---- */

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key,
		      ((const struct entry *)b)->key);
}

static struct entry *map_find(struct pd *d, const char *key)
{
	struct entry k = { .key = (char *)key };

	return d->nmap ? bsearch(&k, d->map, d->nmap, sizeof(*d->map),
				 entry_cmp) : NULL;
}

static void map_clear(struct pd *d)
{
	size_t i;

	for (i = 0; i < d->nmap; i++)
		free(d->map[i].key);
	d->nmap = 0;
}

static bool same_prefix(const struct pn_prefix *a, const struct pn_prefix *b)
{
	return a->len == b->len && a->addr.len == b->addr.len &&
	       !memcmp(a->addr.bytes, b->addr.bytes, a->addr.len);
}

/* Do two leases name a subnet in common? */
static bool overlap(const struct pd_lease *a, const struct pd_lease *b)
{
	return same_prefix(&a->subnet, &b->subnet) ||
	       (a->has_subnet6 && b->has_subnet6 &&
		same_prefix(&a->subnet6, &b->subnet6));
}

/* Of two leases with a subnet in common, the one created first wins. */
static bool older(const struct entry *a, const struct entry *b)
{
	return a->create_revision != b->create_revision ?
	       a->create_revision < b->create_revision :
	       strcmp(a->key, b->key) < 0;
}

/*
 * A usable lease @e against the others: a subnet that an older lease has
 * makes it a conflict; when @e is the older one, the other lease is used
 * now and the table must be listed again. Not while listing: settle()
 * does it for all at once.
 */
static void conflicts(struct pd *d, struct entry *e)
{
	size_t i;

	for (i = 0; i < d->nmap && !d->listing; i++) {
		struct entry *o = &d->map[i];

		if (o == e || o->skip != PD_SKIP_NONE || o->own ||
		    !overlap(&o->l, &e->l))
			continue;
		if (older(o, e)) {
			e->skip = PD_SKIP_CONFLICT;
			return;
		}
		d->need_list = true;
		d->list_at = 0;
	}
}

/* Judge @value at @key into @e (a new entry or one being replaced). */
static void judge(struct pd *d, struct entry *e, const char *value,
		  size_t vlen)
{
	/* before we have a subnet, a lease with our address is "own_ip":
	 * acquire() takes it as ours
	 */
	e->skip = pd_lease_judge(e->key, value, vlen, &d->nc, &d->self, &e->l);
	e->own = d->own_key[0] && !strcmp(e->key, d->own_key);
	if (e->skip == PD_SKIP_NONE && !e->own)
		conflicts(d, e);
	if (e->skip != PD_SKIP_NONE) {
		d->skips_total[e->skip]++;
		/* each time it is read: the log would repeat at each list */
		pd_debug("lease %s skipped: %s", e->key, pd_skip_names[e->skip]);
	}
}

static struct entry *map_put(struct pd *d, const char *key, const char *value,
			     size_t vlen, int64_t create, int64_t mod,
			     int64_t lease)
{
	struct entry *e = map_find(d, key);
	size_t i;

	if (!e) {
		char *k = strdup(key);

		if (!k)
			return NULL;
		if (d->nmap == d->map_size) {
			size_t size = d->map_size ? d->map_size * 2 : 256;
			struct entry *m = reallocarray(d->map, size, sizeof(*m));

			if (!m) {
				free(k);
				return NULL;
			}
			d->map = m;
			d->map_size = size;
		}
		for (i = d->nmap; i > 0 && strcmp(d->map[i - 1].key, key) > 0; i--)
			;
		memmove(&d->map[i + 1], &d->map[i], (d->nmap - i) * sizeof(*e));
		e = &d->map[i];
		memset(e, 0, sizeof(*e));
		e->key = k;
		d->nmap++;
	}
	e->create_revision = create;
	e->mod_revision = mod;
	e->lease_id = lease;
	judge(d, e, value, vlen);
	return e;
}

static void map_del(struct pd *d, struct entry *e)
{
	size_t i = (size_t)(e - d->map);

	free(e->key);
	memmove(&d->map[i], &d->map[i + 1], (d->nmap - i - 1) * sizeof(*e));
	d->nmap--;
}

static bool used(const struct entry *e)
{
	return e->skip == PD_SKIP_NONE && !e->own;
}

static bool same_addr(const struct pn_addr *a, const struct pn_addr *b)
{
	return a->len == b->len && !memcmp(a->bytes, b->bytes, a->len);
}

/* Does a used lease other than @skip have @a as its peer? */
static bool peer_used(const struct pd *d, const struct entry *skip,
		      const struct pn_addr *a)
{
	size_t i;

	for (i = 0; i < d->nmap; i++) {
		const struct entry *e = &d->map[i];

		if (e == skip || !used(e))
			continue;
		if (same_addr(&e->l.public_ip, a) ||
		    (e->l.has_public_ip6 && same_addr(&e->l.public_ip6, a)))
			return true;
	}
	return false;
}

/* The key of a kv under the subnets prefix, or NULL. */
static const char *sub_key(const struct pd *d, const char *key)
{
	size_t n = strlen(d->subnets);

	return strncmp(key, d->subnets, n) ? NULL : key + n;
}

/* ----------------------------------------------------------- table ---- */

static int sync_table(struct pd *d)
{
	const struct pd_lease **v = calloc(d->nmap + 1, sizeof(*v));
	size_t i, n = 0;
	int err;

	if (!v) {
		pd_err("sync: out of memory");
		return -1;
	}
	for (i = 0; i < d->nmap; i++)
		if (used(&d->map[i]))
			v[n++] = &d->map[i].l;
	err = pd_dp_sync(&d->dp, &d->self, v, n);
	free(v);
	d->syncs++;
	if (err) {
		d->sync_errors++;
		d->need_sync = true;
		return -1;
	}
	d->need_sync = false;
	d->last_sync = now_ms();
	pd_info("pn0 synced: %zu leases of other nodes", n);
	malloc_trim(0);
	return 0;
}

static bool any_conflict(const struct pd *d)
{
	size_t i;

	for (i = 0; i < d->nmap; i++)
		if (d->map[i].skip == PD_SKIP_CONFLICT)
			return true;
	return false;
}

/* pn0 after lease @e changed from @old (NULL: it was not used). */
static void table_change(struct pd *d, const struct entry *old,
			 const struct entry *e)
{
	int err = 0;

	/* a lease in the way of another went: that one may be used now */
	if (old && used(old) && any_conflict(d)) {
		d->need_list = true;
		d->list_at = 0;
	}

	if (old && used(old)) {
		bool keep = e && used(e);
		bool del4 = !peer_used(d, old, &old->l.public_ip) &&
			    !(keep && same_addr(&e->l.public_ip, &old->l.public_ip));
		bool del6 = old->l.has_public_ip6 &&
			    !peer_used(d, old, &old->l.public_ip6) &&
			    !(keep && e->l.has_public_ip6 &&
			      same_addr(&e->l.public_ip6, &old->l.public_ip6));

		if (!keep)
			err |= pd_dp_lease_del(&d->dp, &d->self, &old->l, del4, del6);
		else {
			if (del4)
				err |= pd_dp_peer_del(&d->dp, &old->l.public_ip);
			if (del6)
				err |= pd_dp_peer_del(&d->dp, &old->l.public_ip6);
		}
	}
	if (e && used(e))
		err |= pd_dp_lease_set(&d->dp, &d->self, &e->l);
	if (err)
		d->need_sync = true;
}

/* ------------------------------------------------------------ lease ---- */

static void self_from(struct pd *d, const struct pd_lease *l)
{
	d->self.subnet = l->subnet;
	d->self.has_subnet6 = l->has_subnet6;
	d->self.subnet6 = l->subnet6;
	pd_lease_key(l, d->own_key, sizeof(d->own_key));
}

static char *full_key(const struct pd *d, const char *key)
{
	char *s;

	return asprintf(&s, "%s%s", d->subnets, key) < 0 ? NULL : s;
}

/*
 * Put our value at our key with a new 24-hour etcd lease, if the key is
 * still at @mod_revision (-1: absent). The old etcd lease @old is revoked
 * afterwards. Return: 1 put, 0 the key changed meanwhile, -1 error.
 */
static int publish(struct pd *d, int64_t mod_revision, int64_t old)
{
	int64_t id, rev = 0;
	char *key = full_key(d, d->own_key);
	bool done = false;

	if (!key)
		return -1;
	if (pd_etcd_grant(&d->etcd, PD_LEASE_TTL, &id)) {
		pd_warn("etcd: lease grant: %s", d->etcd.err);
		free(key);
		return -1;
	}
	if (pd_etcd_put_if(&d->etcd, key, d->own_value, id, mod_revision,
			   &done, &rev)) {
		pd_warn("etcd: put %s: %s", key, d->etcd.err);
		pd_etcd_revoke(&d->etcd, id);
		free(key);
		return -1;
	}
	if (!done) {
		pd_etcd_revoke(&d->etcd, id);
		free(key);
		return 0;
	}
	/* our put's revision: a later change of the key is someone else's */
	d->own_mod = rev;
	free(key);
	if (old && old != id && pd_etcd_revoke(&d->etcd, old))
		pd_debug("etcd: revoke of the old lease: %s", d->etcd.err);
	d->own_lease = id;
	d->renew_at = now_ms() +
		      ((uint64_t)PD_LEASE_TTL - d->f.renew_margin * 60ULL) * 1000;
	return 1;
}

static int make_value(struct pd *d)
{
	struct pd_lease l = {
		.public_ip = d->node.public_ip,
		.public_ip6 = d->node.public_ip6,
		.has_public_ip6 = d->node.has_public_ip6 && d->nc.enable_ipv6,
		.has_mac = true, .has_mac6 = true,
	};

	memcpy(l.mac, d->dp.mac, PN_ETH_ALEN);
	memcpy(l.mac6, d->dp.mac, PN_ETH_ALEN);
	free(d->own_value);
	d->own_value = pd_lease_value(&l, &d->nc.backend);
	return d->own_value ? 0 : -1;
}

/* "10.244.1.1/24" of subnet.env: its subnet, 10.244.1.0/24. */
static int parse_env_subnet(char *v, struct pn_prefix *p)
{
	char *slash = strchr(v, '/');
	unsigned int i, len;

	if (!slash)
		return -1;
	*slash = '\0';
	if (pn_parse_addr(v, &p->addr) || sscanf(slash + 1, "%u", &len) != 1 ||
	    len > pn_addr_bits(&p->addr))
		return -1;
	p->len = (uint8_t)len;
	for (i = len; i < pn_addr_bits(&p->addr); i++)
		p->addr.bytes[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	return 0;
}

/* The subnet of the subnet file, if there is one (flanneld's second
 * choice). Return: true and @l's subnets.
 */
static bool subnet_file_lease(const struct pd *d, struct pd_lease *l)
{
	FILE *f = fopen(d->f.subnet_file, "r");
	char line[256];
	bool found = false;

	memset(l, 0, sizeof(*l));
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		struct pn_prefix *p = NULL;
		char *v, *nl;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(line, "FLANNEL_SUBNET=", 15)) {
			p = &l->subnet;
			found = true;
		} else if (!strncmp(line, "FLANNEL_IPV6_SUBNET=", 20)) {
			p = &l->subnet6;
			l->has_subnet6 = true;
		} else {
			continue;
		}
		v = strchr(line, '=') + 1;
		if (parse_env_subnet(v, p)) {
			found = false;
			break;
		}
	}
	fclose(f);
	return found;
}

static bool subnet_free(const struct pd *d, const struct pn_prefix *p,
			bool v6)
{
	size_t i;

	for (i = 0; i < d->nmap; i++) {
		const struct entry *e = &d->map[i];
		struct pd_lease k;

		if (!pd_lease_key_parse(e->key, &k))
			continue;
		if (!v6 && k.subnet.len == p->len &&
		    !memcmp(k.subnet.addr.bytes, p->addr.bytes, 4))
			return false;
		if (v6 && k.has_subnet6 && k.subnet6.len == p->len &&
		    !memcmp(k.subnet6.addr.bytes, p->addr.bytes, 16))
			return false;
	}
	return true;
}

/* A free subnet of one family, one of the first 100 at random. */
static int alloc_subnet(const struct pd *d, bool v6, struct pn_prefix *out)
{
	const struct pn_prefix *net = v6 ? &d->nc.network6 : &d->nc.network;
	unsigned int len = v6 ? d->nc.subnet_len6 : d->nc.subnet_len;
	uint64_t *used_idx = calloc(d->nmap + 1, sizeof(*used_idx)), idx, rnd = 0;
	size_t i, n = 0;
	int ret;

	if (!used_idx)
		return -1;
	for (i = 0; i < d->nmap; i++) {
		struct pd_lease k;

		if (!pd_lease_key_parse(d->map[i].key, &k))
			continue;
		if (!v6 && pd_subnet_index(net, len, &k.subnet, &idx))
			used_idx[n++] = idx;
		if (v6 && k.has_subnet6 &&
		    pd_subnet_index(net, len, &k.subnet6, &idx))
			used_idx[n++] = idx;
	}
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = now_ms();
	ret = pd_alloc_index(v6 ? d->nc.min6 : d->nc.min,
			     v6 ? d->nc.max6 : d->nc.max, used_idx, n, rnd, &idx);
	free(used_idx);
	if (ret)
		return -1;
	pd_subnet_nth(net, len, idx, out);
	return 0;
}

/* ------------------------------------------------------------- list ---- */

/*
 * The IPv6 subnet of the same index as @l's IPv4 one, if it is in range
 * and free: two nodes that race for one IPv4 subnet then race for one key,
 * and etcd's transaction lets one of them have it.
 */
static bool same_index6(const struct pd *d, struct pd_lease *l)
{
	uint64_t idx;

	if (!pd_subnet_index(&d->nc.network, d->nc.subnet_len, &l->subnet, &idx) ||
	    idx < d->nc.min6 || idx > d->nc.max6)
		return false;
	pd_subnet_nth(&d->nc.network6, d->nc.subnet_len6, idx, &l->subnet6);
	return subnet_free(d, &l->subnet6, true);
}

static int by_subnet4(const void *a, const void *b)
{
	const struct entry *x = *(struct entry *const *)a;
	const struct entry *y = *(struct entry *const *)b;
	int c = memcmp(x->l.subnet.addr.bytes, y->l.subnet.addr.bytes, 4);

	if (!c && x->l.subnet.len != y->l.subnet.len)
		c = x->l.subnet.len < y->l.subnet.len ? -1 : 1;
	return c ? c : older(x, y) ? -1 : 1;
}

static int by_subnet6(const void *a, const void *b)
{
	const struct entry *x = *(struct entry *const *)a;
	const struct entry *y = *(struct entry *const *)b;
	int c = (int)x->l.has_subnet6 - (int)y->l.has_subnet6;

	if (!c)
		c = memcmp(x->l.subnet6.addr.bytes, y->l.subnet6.addr.bytes, 16);
	if (!c && x->l.subnet6.len != y->l.subnet6.len)
		c = x->l.subnet6.len < y->l.subnet6.len ? -1 : 1;
	return c ? c : older(x, y) ? -1 : 1;
}

/*
 * After a list: of the usable leases that name the same subnet, the
 * oldest stays, the others are conflicts (sorted: n log n for 5,000).
 */
static void settle(struct pd *d)
{
	struct entry **v = calloc(d->nmap + 1, sizeof(*v));
	size_t i, n = 0, pass;

	if (!v)
		return;
	for (pass = 0; pass < 2; pass++) {
		n = 0;
		for (i = 0; i < d->nmap; i++)
			if (d->map[i].skip == PD_SKIP_NONE &&
			    (pass == 0 || d->map[i].l.has_subnet6))
				v[n++] = &d->map[i];
		qsort(v, n, sizeof(*v), pass ? by_subnet6 : by_subnet4);
		for (i = 1; i < n; i++) {
			struct pd_lease *a = &v[i - 1]->l, *b = &v[i]->l;
			bool same = pass ? same_prefix(&a->subnet6, &b->subnet6) :
				    same_prefix(&a->subnet, &b->subnet);

			/* the winner v[i - 1] may be a loser of pass 0 */
			if (!same || v[i]->own)
				continue;
			v[i]->skip = PD_SKIP_CONFLICT;
			d->skips_total[PD_SKIP_CONFLICT]++;
			pd_debug("lease %s skipped: conflict", v[i]->key);
			v[i] = v[i - 1];
		}
	}
	free(v);
}

/*
 * Read every lease into the map (judged against self). Return: 0 or -1.
 */
static int list_leases(struct pd *d)
{
	struct pd_kvs kvs;
	int64_t rev;
	size_t i;

	pd_debug("listing %s", d->subnets);
	if (pd_etcd_range(&d->etcd, d->subnets, d->subnets_end, &kvs, &rev)) {
		d->etcd_up = false;
		pd_warn("etcd: list %s: %s", d->subnets, d->etcd.err);
		return -1;
	}
	d->etcd_up = true;
	d->lists++;
	pd_info("listed %zu keys at revision %lld", kvs.n, (long long)rev);
	map_clear(d);
	d->listing = true;
	for (i = 0; i < kvs.n; i++) {
		const char *k = sub_key(d, kvs.v[i].key);

		if (k && !map_put(d, k, kvs.v[i].value, kvs.v[i].vlen,
				  kvs.v[i].create_revision,
				  kvs.v[i].mod_revision, kvs.v[i].lease)) {
			pd_err("out of memory");
			pd_kvs_free(&kvs);
			d->listing = false;
			return -1;
		}
	}
	pd_kvs_free(&kvs);
	d->listing = false;
	settle(d);
	/* the answer's JSON and copies are freed: give the pages back */
	malloc_trim(0);
	d->rev = rev;
	return 0;
}

/* The lease to use at start: ours (by public IP), the subnet file's, a
 * free one. Sets self's subnets and the key. Return: the entry of an
 * existing lease of ours (NULL: a new one), in *@mine.
 */
static int choose_subnet(struct pd *d, struct entry **mine)
{
	struct pd_lease l;
	size_t i;

	*mine = NULL;
	for (i = 0; i < d->nmap; i++) {
		struct entry *e = &d->map[i];

		/* judged before we had a subnet: ours is "own_ip" */
		if (e->skip != PD_SKIP_OWN_IP)
			continue;
		if (d->nc.enable_ipv6 && !e->l.has_subnet6)
			continue;	/* an IPv4-only lease of a v4 config */
		*mine = e;
		self_from(d, &e->l);
		pd_info("reusing lease %s (it has our public IP)", e->key);
		return 0;
	}
	if (subnet_file_lease(d, &l) &&
	    pd_subnet_index(&d->nc.network, d->nc.subnet_len, &l.subnet,
			    &(uint64_t){ 0 }) &&
	    subnet_free(d, &l.subnet, false) &&
	    (!d->nc.enable_ipv6 ||
	     (l.has_subnet6 &&
	      pd_subnet_index(&d->nc.network6, d->nc.subnet_len6, &l.subnet6,
			      &(uint64_t){ 0 }) &&
	      subnet_free(d, &l.subnet6, true)))) {
		l.has_subnet6 = d->nc.enable_ipv6;
		self_from(d, &l);
		pd_info("taking subnet %s of %s", d->own_key, d->f.subnet_file);
		return 0;
	}
	memset(&l, 0, sizeof(l));
	if (alloc_subnet(d, false, &l.subnet) ||
	    (d->nc.enable_ipv6 && !same_index6(d, &l) &&
	     alloc_subnet(d, true, &l.subnet6))) {
		pd_err("no free subnet left in the network");
		return -1;
	}
	l.has_subnet6 = d->nc.enable_ipv6;
	self_from(d, &l);
	pd_info("allocated subnet %s", d->own_key);
	return 0;
}

/* ------------------------------------------------------------ watch ---- */

static void on_watch(void *arg, const struct pd_watch_msg *m);

static void start_watch(struct pd *d)
{
	char *end = d->subnets_end;

	/* flanneld watches "<prefix>/subnets" without the slash: same keys */
	if (pd_etcd_watch_start(&d->etcd, d->subnets, end, d->rev + 1, on_watch,
				d)) {
		pd_warn("etcd: watch: %s", d->etcd.err);
		d->need_list = true;
		d->list_at = now_ms() + backoff_next(&d->list_backoff);
		return;
	}
	d->watching = true;
	pd_debug("watching %s from revision %lld", d->subnets,
		 (long long)d->rev + 1);
}

static void own_key_event(struct pd *d, const struct pd_kv *kv,
			  struct entry *e)
{
	if (kv->deleted) {
		pd_warn("our lease %s is gone: taking the subnet back",
			d->own_key);
		d->need_reclaim = true;
		d->reclaim_at = 0;
		return;
	}
	if (kv->mod_revision == d->own_mod)
		return;		/* our own put */
	if (kv->vlen == strlen(d->own_value) &&
	    !memcmp(kv->value, d->own_value, kv->vlen)) {
		d->own_mod = kv->mod_revision;
		d->own_lease = kv->lease;
		return;
	}
	if (e && e->skip == PD_SKIP_OWN_SUBNET) {
		if (!d->stolen)
			pd_err("our subnet %s now holds another node's lease: not routed, not taken back",
			       d->own_key);
		d->stolen = true;
	}
}

static void apply_kv(struct pd *d, const struct pd_kv *kv)
{
	const char *key = sub_key(d, kv->key);
	struct entry *e, old;
	bool was;

	if (!key)
		return;
	d->events++;
	e = map_find(d, key);
	was = e != NULL;
	if (was)
		old = *e;
	if (kv->deleted) {
		if (e) {
			bool own = e->own;

			map_del(d, e);
			if (!own)
				table_change(d, &old, NULL);
		}
		if (!strcmp(key, d->own_key))
			own_key_event(d, kv, NULL);
		pd_info("lease %s deleted", key);
		return;
	}
	if (was)
		old.key = NULL;	/* freed by nothing: map_put keeps the key */
	e = map_put(d, key, kv->value, kv->vlen, kv->create_revision,
		    kv->mod_revision, kv->lease);
	if (!e) {
		pd_err("out of memory: listing again");
		d->need_list = true;
		return;
	}
	if (e->own) {
		own_key_event(d, kv, e);
		return;
	}
	if (e->skip != PD_SKIP_NONE)
		pd_warn("lease %s skipped: %s", key, pd_skip_names[e->skip]);
	else
		pd_info("lease %s: node %s", key,
			inet_ntop(AF_INET, e->l.public_ip.bytes,
				  (char[INET_ADDRSTRLEN]){ 0 }, INET_ADDRSTRLEN));
	table_change(d, was ? &old : NULL, e);
}

static void on_watch(void *arg, const struct pd_watch_msg *m)
{
	struct pd *d = arg;
	size_t i;

	if (m->error || m->canceled) {
		if (m->compact_revision > 0) {
			d->compactions++;
			pd_warn("etcd: revision %lld compacted (now %lld): listing again",
				(long long)d->rev + 1,
				(long long)m->compact_revision);
		} else {
			pd_warn("etcd: watch: %s", m->error ? m->error : "canceled");
		}
		d->need_list = true;
		d->resume = false;
		d->list_at = 0;
		return;
	}
	d->etcd_up = true;
	d->list_backoff.ms = 0;
	for (i = 0; i < m->events.n; i++)
		/* a resumed watch replays what the list already has */
		if (m->events.v[i].mod_revision > d->listed)
			apply_kv(d, &m->events.v[i]);
	if (m->revision > d->rev)
		d->rev = m->revision;
}

/* ----------------------------------------------------------- health ---- */

static void metric(FILE *f, const char *name, const char *type,
		   const char *help, const char *labels, double v)
{
	if (help)
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	fprintf(f, "%s%s %.17g\n", name, labels ? labels : "", v);
}

static char *metrics_text(struct pd *d, size_t *len)
{
	struct pn_dev_info info;
	char *text = NULL, labels[64];
	size_t i, nused = 0, skipped[PD_SKIP_NR] = { 0 };
	bool have = pn_dev_info_get(&d->dp.nl, d->dp.ifindex, &info) == 0;
	FILE *f = open_memstream(&text, len);
	uint64_t now = now_ms();

	if (!f)
		return NULL;
	for (i = 0; i < d->nmap; i++) {
		if (used(&d->map[i]))
			nused++;
		else if (d->map[i].skip != PD_SKIP_NONE)
			skipped[d->map[i].skip]++;
	}
	metric(f, "podnetd_up", "gauge", "1 once the node's lease is held and pn0 loaded",
	       NULL, d->ready);
	metric(f, "podnetd_etcd_up", "gauge", "1 when the last etcd request succeeded",
	       NULL, d->etcd_up);
	metric(f, "podnetd_peers", "gauge", "Peers of the podnet device", NULL,
	       have ? info.peers : 0);
	metric(f, "podnetd_routes", "gauge", "Routes of the podnet device", NULL,
	       have ? info.routes : 0);
	metric(f, "podnetd_leases", "gauge", "Leases of the store, by state",
	       "{state=\"used\"}", (double)nused);
	metric(f, "podnetd_leases", "gauge", NULL, "{state=\"own\"}",
	       d->own_key[0] && map_find(d, d->own_key) ? 1 : 0);
	for (i = 1; i < PD_SKIP_NR; i++) {
		snprintf(labels, sizeof(labels), "{reason=\"%s\"}", pd_skip_names[i]);
		metric(f, "podnetd_leases_skipped", "gauge",
		       i == 1 ? "Leases of the store not used, by reason" : NULL,
		       labels, (double)skipped[i]);
	}
	for (i = 1; i < PD_SKIP_NR; i++) {
		snprintf(labels, sizeof(labels), "{reason=\"%s\"}", pd_skip_names[i]);
		metric(f, "podnetd_lease_skips_total", "counter",
		       i == 1 ? "Times a lease was read and skipped, by reason" : NULL,
		       labels, (double)d->skips_total[i]);
	}
	metric(f, "podnetd_lease_events_total", "counter",
	       "Lease changes received from the watch", NULL, (double)d->events);
	metric(f, "podnetd_watch_reconnects_total", "counter",
	       "Watches lost and started again", NULL, (double)d->reconnects);
	metric(f, "podnetd_compactions_total", "counter",
	       "Watches whose revision was compacted", NULL, (double)d->compactions);
	metric(f, "podnetd_lists_total", "counter", "Full lists of the leases",
	       NULL, (double)d->lists);
	metric(f, "podnetd_syncs_total", "counter", "Atomic syncs of the table",
	       NULL, (double)d->syncs);
	metric(f, "podnetd_sync_errors_total", "counter", "Syncs that failed",
	       NULL, (double)d->sync_errors);
	metric(f, "podnetd_last_sync_age_seconds", "gauge",
	       "Seconds since the last successful sync", NULL,
	       d->last_sync ? (double)(now - d->last_sync) / 1000 : -1);
	metric(f, "podnetd_lease_renewals_total", "counter",
	       "Renewals of the node's lease", NULL, (double)d->renewals);
	metric(f, "podnetd_lease_renew_errors_total", "counter",
	       "Renewals that failed (retried)", NULL, (double)d->renew_errors);
	metric(f, "podnetd_lease_reclaims_total", "counter",
	       "Times the node's lease was put back after it went", NULL,
	       (double)d->reclaims);
	metric(f, "podnetd_netlink_errors_total", "counter",
	       "Netlink requests that failed", NULL, (double)d->dp.nl_errors);
	for (i = 0; i < PD_OP_NR; i++) {
		snprintf(labels, sizeof(labels), "{op=\"%s\"}", pd_etcd_op_names[i]);
		metric(f, "podnetd_etcd_errors_total", "counter",
		       i == 0 ? "etcd requests that failed on every endpoint, by operation" : NULL,
		       labels, (double)d->etcd.errors[i]);
	}
	metric(f, "podnetd_etcd_failovers_total", "counter",
	       "Moves to another etcd endpoint", NULL, (double)d->etcd.failovers);
	for (i = 1; have && i <= PODNET_STAT_MAX; i++) {
		if (!info.has_stat[i])
			continue;
		snprintf(labels, sizeof(labels), "{reason=\"%s\"}",
			 pn_dev_stat_names[i]);
		metric(f, "podnet_drops_total", "counter",
		       i == 1 ? "Packets the podnet device dropped, by reason" : NULL,
		       labels, (double)info.stats[i]);
	}
	if (fclose(f))
		return NULL;
	return text;
}

static void http_reply(int fd, int code, const char *type, const char *body,
		       size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.0 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
			 code, code == 200 ? "OK" : code == 404 ? "Not Found" :
			 "Service Unavailable", type, len);

	if (write(fd, head, (size_t)n) == n && len)
		(void)!write(fd, body, len);
}

/* One request of a connection (a client given 1 s to send it). */
static void http_serve(struct pd *d, int fd)
{
	struct timeval tv = { .tv_sec = 1 };
	char req[2048], path[256] = "";
	size_t n = 0;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (n < sizeof(req) - 1) {
		ssize_t r = read(fd, req + n, sizeof(req) - 1 - n);

		if (r <= 0)
			break;
		n += (size_t)r;
		req[n] = '\0';
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	req[n] = '\0';
	if (sscanf(req, "GET %255s", path) != 1) {
		http_reply(fd, 404, "text/plain", "", 0);
		return;
	}
	if (!strcmp(path, "/healthz")) {
		const char *why = d->ready ? "ok\n" :
				  "starting: no lease or table yet\n";

		http_reply(fd, d->ready ? 200 : 503, "text/plain", why, strlen(why));
	} else if (!strcmp(path, "/metrics")) {
		size_t len = 0;
		char *text = metrics_text(d, &len);

		if (text)
			http_reply(fd, 200, "text/plain; version=0.0.4", text, len);
		else
			http_reply(fd, 503, "text/plain", "", 0);
		free(text);
	} else {
		http_reply(fd, 404, "text/plain", "not found\n", 10);
	}
}

static void http_accept(struct pd *d)
{
	int i;

	for (i = 0; i < 16; i++) {
		int fd = accept4(d->httpfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0)
			return;
		http_serve(d, fd);
		close(fd);
	}
}

/*
 * While a request to etcd waits: answer /healthz and /metrics, and give
 * up the request on SIGTERM (remembered for the loop).
 */
static bool etcd_idle(void *arg)
{
	struct pd *d = arg;
	struct signalfd_siginfo si;

	if (d->httpfd >= 0)
		http_accept(d);
	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si))
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			d->stop = true;
	return d->stop;
}

static int http_listen(struct pd *d)
{
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct pn_addr a;
	int one = 1, fd;

	d->httpfd = -1;
	if (!d->f.healthz_port)
		return 0;
	if (pn_parse_addr(d->f.healthz_ip, &a)) {
		pd_err("--healthz-ip \"%s\" is not an address", d->f.healthz_ip);
		return -1;
	}
	fd = socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a.family == AF_INET) {
		memcpy(&sa.sin_addr, a.bytes, 4);
		sa.sin_port = htons((uint16_t)d->f.healthz_port);
		one = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	} else {
		memcpy(&sa6.sin6_addr, a.bytes, 16);
		sa6.sin6_port = htons((uint16_t)d->f.healthz_port);
		one = bind(fd, (struct sockaddr *)&sa6, sizeof(sa6));
	}
	if (one || listen(fd, 16)) {
		pd_err("healthz %s:%u: %m", d->f.healthz_ip, d->f.healthz_port);
		close(fd);
		return -1;
	}
	d->httpfd = fd;
	return 0;
}

/* ------------------------------------------------------------ files ---- */

static unsigned int pod_mtu(struct pd *d)
{
	struct pn_dev_info info;

	return pn_dev_info_get(&d->dp.nl, d->dp.ifindex, &info) == 0 ?
	       info.mtu : PODNET_DEFAULT_MTU;
}

static int write_files(struct pd *d)
{
	char buf[8192], path[4096];
	unsigned int mtu = pod_mtu(d);
	size_t n;
	int err = 0;

	n = pd_subnet_env(buf, sizeof(buf), &d->nc, &d->self, mtu, d->f.ip_masq);
	err |= n >= sizeof(buf) || pd_write_file(d->f.subnet_file, buf, n);
	if (d->f.cni_conf_dir) {
		n = pd_conflist(buf, sizeof(buf), &d->self, mtu, d->f.cni_data_dir);
		snprintf(path, sizeof(path), "%s/%s", d->f.cni_conf_dir,
			 d->f.cni_conf_name);
		err |= n >= sizeof(buf) || pd_write_file(path, buf, n);
	}
	if (d->f.ip_masq) {
		n = pd_masq_rules(buf, sizeof(buf), &d->nc, &d->self);
		err |= n >= sizeof(buf) || pd_masq_apply(buf);
	}
	return err ? -1 : 0;
}

/* ------------------------------------------------------------ start ---- */

/* Wait @ms for a signal; true when one asks to stop. */
static bool pause_ms(struct pd *d, unsigned int ms)
{
	struct pollfd p = { .fd = d->sigfd, .events = POLLIN };
	struct signalfd_siginfo si;

	if (d->stop)
		return true;
	if (poll(&p, 1, (int)ms) > 0 &&
	    read(d->sigfd, &si, sizeof(si)) == sizeof(si))
		d->stop = si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT;
	return d->stop;
}

static int read_config(struct pd *d)
{
	char key[1100], err[256];
	struct backoff b = { 0 };
	struct pd_kvs kvs;
	int64_t rev;

	snprintf(key, sizeof(key), "%s/config", d->f.prefix);
	for (;;) {
		if (pd_etcd_range(&d->etcd, key, "", &kvs, &rev)) {
			pd_warn("etcd: get %s: %s", key, d->etcd.err);
		} else if (kvs.n == 0) {
			pd_warn("%s: no such key (the network's configuration)", key);
			pd_kvs_free(&kvs);
		} else if (pd_netconf_parse(kvs.v[0].value, kvs.v[0].vlen, &d->nc,
					    err, sizeof(err))) {
			pd_err("%s: %s", key, err);
			pd_kvs_free(&kvs);
		} else {
			pd_kvs_free(&kvs);
			d->etcd_up = true;
			return 0;
		}
		sd_notifyf(0, "STATUS=waiting for %s", key);
		if (pause_ms(d, backoff_next(&b)))
			return -1;
	}
}

/*
 * Did an older lease take our IPv4 subnet before ours was put (two nodes
 * choosing at once, with different IPv6 subnets, so different keys)? The
 * keys that start with our IPv4 subnet's tell. Then ours is deleted and
 * its etcd lease revoked. Return: true when ours was given up.
 */
static bool lost_race(struct pd *d)
{
	char v4key[128], *key = NULL, *end = NULL, *amp;
	int64_t rev, own_create = 0, own_mod = 0;
	struct pd_kvs kvs;
	bool done = false, lost = false;
	size_t i, n;

	snprintf(v4key, sizeof(v4key), "%s", d->own_key);
	amp = strchr(v4key, '&');
	if (amp)
		*amp = '\0';
	key = full_key(d, v4key);
	end = key ? pd_range_end(key) : NULL;
	/* "10.244.1.0-24" also begins "10.244.1.0-240": none is a subnet */
	if (!end || pd_etcd_range(&d->etcd, key, end, &kvs, &rev)) {
		free(key);
		free(end);
		return false;	/* the watch will tell */
	}
	n = strlen(d->subnets);
	for (i = 0; i < kvs.n; i++) {
		if (!strcmp(kvs.v[i].key + n, d->own_key)) {
			own_create = kvs.v[i].create_revision;
			own_mod = kvs.v[i].mod_revision;
		}
	}
	for (i = 0; i < kvs.n && own_create; i++) {
		const char *k = kvs.v[i].key + n;

		if (!strcmp(k, d->own_key) || (k[strlen(v4key)] != '\0' &&
						k[strlen(v4key)] != '&') ||
		    kvs.v[i].create_revision > own_create)
			continue;
		pd_warn("lease %s: %s was there first: giving ours up",
			d->own_key, k);
		lost = true;
		break;
	}
	pd_kvs_free(&kvs);
	free(end);
	free(key);
	if (!lost)
		return false;
	key = full_key(d, d->own_key);
	if (key && pd_etcd_delete_if(&d->etcd, key, own_mod, &done))
		pd_warn("etcd: delete %s: %s", key, d->etcd.err);
	free(key);
	pd_etcd_revoke(&d->etcd, d->own_lease);
	d->own_lease = 0;
	return true;
}

/*
 * The map after our lease was put, without listing again: our entry is
 * our value; a lease judged usable before we had a subnet that claims it
 * now is skipped. (Leases with our address were "own_ip" already.)
 */
static int adopt_self(struct pd *d)
{
	struct entry *own = map_find(d, d->own_key);
	int64_t create = own ? own->create_revision : d->own_mod;
	size_t i;

	if (!map_put(d, d->own_key, d->own_value, strlen(d->own_value), create,
		     d->own_mod, d->own_lease))
		return -1;
	for (i = 0; i < d->nmap; i++) {
		struct entry *e = &d->map[i];

		if (e->own || e->skip != PD_SKIP_NONE ||
		    !(same_prefix(&e->l.subnet, &d->self.subnet) ||
		      (e->l.has_subnet6 && d->self.has_subnet6 &&
		       same_prefix(&e->l.subnet6, &d->self.subnet6))))
			continue;
		e->skip = PD_SKIP_OWN_SUBNET;
		d->skips_total[PD_SKIP_OWN_SUBNET]++;
	}
	return 0;
}

/*
 * List, choose the subnet, create or adopt pn0, publish the lease (up to
 * ACQUIRE_TRIES races), load the table. Retried with backoff until it
 * works or a signal stops it. Return: 0 or -1 (stop).
 */
static int acquire(struct pd *d)
{
	struct backoff b = { 0 };
	bool dev_done = false;
	int tries = 0;

	for (;;) {
		struct entry *mine = NULL;
		int64_t mod = -1, old = 0;
		int r;

		memset(&d->self.subnet, 0, sizeof(d->self.subnet));
		d->own_key[0] = '\0';
		if (list_leases(d) || choose_subnet(d, &mine))
			goto retry;
		if (mine) {
			mod = mine->mod_revision;
			old = mine->lease_id;
		}
		if (!dev_done) {
			/* the mac of our last lease, should pn0 be created */
			const uint8_t *mac = mine && mine->l.has_mac ?
					     mine->l.mac : NULL;

			if (pd_dp_device(&d->dp, &d->self, d->node.ifindex, mac))
				goto retry;
			dev_done = true;
		}
		if (make_value(d))
			return -1;
		r = publish(d, mod, old);
		if (r == 1 && !lost_race(d))
			break;
		if (r == 1)
			r = 0;	/* ours is given up: choose again */
		if (r == 0 && ++tries < ACQUIRE_TRIES) {
			pd_info("lease %s changed meanwhile: again", d->own_key);
			continue;
		}
retry:
		sd_notify(0, "STATUS=acquiring a lease");
		if (pause_ms(d, backoff_next(&b)))
			return -1;
	}
	pd_info("lease %s held, vtep mac %s", d->own_key,
		pn_mac_str(d->dp.mac, (char[PN_MAC_STRLEN]){ 0 }, PN_MAC_STRLEN));
	return adopt_self(d);
}

/* Take our subnet back after our key went (not a new one). */
static void reclaim(struct pd *d)
{
	int r;

	d->reclaims++;
	r = publish(d, -1, 0);
	if (r == 1) {
		pd_info("lease %s taken back", d->own_key);
		d->need_reclaim = false;
		d->reclaim_backoff.ms = 0;
		return;
	}
	if (r == 0)
		pd_err("lease %s was taken by another node meanwhile",
		       d->own_key);
	d->reclaim_at = now_ms() + backoff_next(&d->reclaim_backoff);
}

static void renew(struct pd *d)
{
	struct entry *e = map_find(d, d->own_key);
	int r;

	r = publish(d, e ? e->mod_revision : d->own_mod, d->own_lease);
	if (r == 1) {
		d->renewals++;
		pd_info("lease %s renewed", d->own_key);
		return;
	}
	d->renew_errors++;
	if (r == 0) {
		pd_warn("lease %s changed under us: listing again", d->own_key);
		d->need_list = true;
		d->list_at = 0;
	}
	d->renew_at = now_ms() + RENEW_RETRY_MS;
}

/*
 * List again and sync once. Then watch: after a lost watch, from where it
 * was (d->resume), the events up to the list skipped, so that etcd says so
 * if that revision was compacted meanwhile; else from the list.
 */
static void relist(struct pd *d)
{
	int64_t before = d->rev;

	pd_etcd_watch_stop(&d->etcd);
	d->watching = false;
	if (list_leases(d)) {
		d->list_at = now_ms() + backoff_next(&d->list_backoff);
		return;
	}
	d->need_list = false;
	d->listed = d->rev;
	if (!map_find(d, d->own_key))
		d->need_reclaim = true;
	sync_table(d);
	if (d->resume && before < d->rev)
		d->rev = before;
	d->resume = false;
	start_watch(d);
}

/*
 * A sync that failed, again (with backoff). When pn0 itself is gone
 * (deleted by hand), it is made again first, with the vtep mac our lease
 * publishes, its addresses and cluster routes.
 */
static void resync(struct pd *d)
{
	if (!if_nametoindex(d->f.device)) {
		pd_warn("%s is gone: creating it again (vtep mac %s)", d->f.device,
			pn_mac_str(d->dp.mac, (char[PN_MAC_STRLEN]){ 0 },
				   PN_MAC_STRLEN));
		if (pd_dp_device(&d->dp, &d->self, d->node.ifindex, d->dp.mac) ||
		    pd_dp_addresses(&d->dp, &d->self)) {
			d->sync_at = now_ms() + backoff_next(&d->sync_backoff);
			return;
		}
	}
	if (sync_table(d))
		d->sync_at = now_ms() + backoff_next(&d->sync_backoff);
	else
		d->sync_backoff.ms = 0;
}

static int link_event(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct pd *d = data;

	if (nlh->nlmsg_type == RTM_DELLINK &&
	    mnl_nlmsg_get_payload_len(nlh) >= sizeof(*ifi) &&
	    (uint32_t)ifi->ifi_index == d->dp.ifindex) {
		pd_warn("%s was deleted", d->f.device);
		d->need_sync = true;
		d->sync_at = 0;
	}
	return MNL_CB_OK;
}

/* Link events, to see pn0 go. Without them pn0 comes back at the next
 * failed change.
 */
static void links_open(struct pd *d)
{
	d->links = nl_open(NETLINK_ROUTE);
	if (d->links && nl_join_group(d->links, RTNLGRP_LINK)) {
		nl_close(d->links);
		d->links = NULL;
	}
	if (d->links)
		fcntl(nl_fd(d->links), F_SETFL, O_NONBLOCK);
	else
		pd_warn("no rtnetlink link events: pn0 deleted by hand is seen late");
}

static void links_read(struct pd *d)
{
	int i, err;

	/* bounded: what is queued now, at most 64 buffers */
	for (i = 0; d->links && i < 64; i++) {
		err = nl_recv_events(d->links, link_event, d);
		if (err == -EAGAIN || err == -EWOULDBLOCK)
			return;
		if (err == -ENOBUFS) {	/* lost some: look for ourselves */
			d->need_sync = true;
			d->sync_at = 0;
		} else if (err) {
			return;
		}
	}
}

static int sigfd_open(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int loop(struct pd *d)
{
	for (;;) {
		struct curl_waitfd extra[3] = {
			{ .fd = d->sigfd, .events = CURL_WAIT_POLLIN },
			{ .fd = d->links ? nl_fd(d->links) : -1,
			  .events = CURL_WAIT_POLLIN },
			{ .fd = d->httpfd, .events = CURL_WAIT_POLLIN },
		};
		uint64_t now = now_ms(), next = now + 10000;
		struct signalfd_siginfo si;
		int nfd;

		if (d->stop)	/* seen while a request waited */
			return 0;
		if (d->need_list && d->list_at < next)
			next = d->list_at;
		if (d->need_reclaim && d->reclaim_at < next)
			next = d->reclaim_at;
		if (d->renew_at < next)
			next = d->renew_at;
		if (d->need_sync && d->sync_at < next)
			next = d->sync_at;
		curl_multi_poll(d->etcd.multi, extra, d->httpfd >= 0 ? 3 : 2,
				next > now ? (int)(next - now) : 0, &nfd);
		links_read(d);
		while (read(d->sigfd, &si, sizeof(si)) == sizeof(si))
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
				d->stop = true;
		if (d->stop)
			return 0;
		if (d->httpfd >= 0)
			http_accept(d);
		if (d->watching && pd_etcd_watch_work(&d->etcd)) {
			pd_warn("etcd: watch lost: %s", d->etcd.watch_err);
			pd_etcd_watch_stop(&d->etcd);
			d->watching = false;
			d->reconnects++;
			d->etcd_up = false;
			d->need_list = true;
			d->resume = true;
			d->list_at = now_ms() + backoff_next(&d->list_backoff);
		}
		now = now_ms();
		if (d->need_list && d->list_at <= now)
			relist(d);
		if (d->need_reclaim && d->reclaim_at <= now && d->etcd_up)
			reclaim(d);
		if (d->renew_at <= now)
			renew(d);
		if (d->need_sync && !d->need_list && d->sync_at <= now)
			resync(d);
	}
}

int main(int argc, char **argv)
{
	static struct pd d;
	int ret = 1;

	if (pd_flags_parse(argc, argv, &d.f)) {
		pd_usage(stderr);
		return 2;
	}
	if (d.f.help) {
		pd_usage(stdout);
		return 0;
	}
	if (d.f.version) {
		printf("podnetd %s\n", PODNETD_VERSION);
		return 0;
	}
	pd_log_level = d.f.log_level;
	snprintf(d.subnets, sizeof(d.subnets), "%s/subnets/", d.f.prefix);
	d.subnets_end = pd_range_end(d.subnets);
	d.sigfd = sigfd_open();
	d.dp.f = &d.f;
	d.dp.nc = &d.nc;
	if (!d.subnets_end || d.sigfd < 0 || pd_etcd_init(&d.etcd, &d.f)) {
		pd_err("out of resources at start");
		return 1;
	}
	if (http_listen(&d))
		goto out;
	d.etcd.idle = etcd_idle;
	d.etcd.idle_arg = &d;
	pd_info("podnetd %s: etcd %s (%u endpoints), prefix %s", PODNETD_VERSION,
		d.f.endpoints[0], d.f.nendpoints, d.f.prefix);
	if (read_config(&d))
		goto stopped;
	if (pd_node_addrs(&d.f, d.nc.enable_ipv6, &d.node))
		goto out;
	d.self.public_ip = d.node.public_ip;
	d.self.public_ip6 = d.node.public_ip6;
	d.self.has_public_ip6 = d.node.has_public_ip6;
	pd_info("network %s, backend %s, node %s on %s",
		pn_prefix_str(&d.nc.network, (char[PN_PREFIX_STRLEN]){ 0 },
			      PN_PREFIX_STRLEN),
		d.nc.backend.type,
		pn_addr_str(&d.node.public_ip, (char[PN_ADDR_STRLEN]){ 0 },
			    PN_ADDR_STRLEN), d.node.ifname);
	if (acquire(&d))
		goto stopped;
	if (pd_dp_addresses(&d.dp, &d.self) || write_files(&d)) {
		pd_err("setting up the node failed");
		goto out;
	}
	if (sync_table(&d))
		pd_warn("the first sync failed: retried");
	links_open(&d);
	d.ready = true;
	d.listed = d.rev;
	sd_notifyf(0, "READY=1\nSTATUS=lease %s, %zu leases", d.own_key, d.nmap);
	start_watch(&d);
	loop(&d);
stopped:
	pd_info("stopping: pn0 and its table stay as they are");
	ret = 0;
out:
	sd_notify(0, "STOPPING=1");
	pd_etcd_fini(&d.etcd);
	pn_nl_close(&d.dp.nl);
	nl_close(d.links);
	map_clear(&d);
	free(d.map);
	free(d.own_value);
	free(d.subnets_end);
	return ret;
}
