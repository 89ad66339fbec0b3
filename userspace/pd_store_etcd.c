// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd's etcd store: flannel's etcd subnet manager. At start it reads
 * <prefix>/config, lists <prefix>/subnets, holds the node's lease (the one
 * with its public IP, else the subnet of the subnet file, else a free one)
 * and publishes its VTEP in it; then one watch of <prefix>/subnets from the
 * listed revision: each change of a lease is a change of a peer and its
 * routes; a lost or compacted watch is a new list and one sync. Its own
 * lease is renewed before it expires, taken back when it goes.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <systemd/sd-daemon.h>

#include "pd_core.h"
#include "pd_etcd.h"

#define RENEW_RETRY_MS		60000	/* flanneld: each minute */
#define ACQUIRE_TRIES		10

struct etcd_store {
	struct pd_etcd etcd;
	char subnets[1024];		/* "<prefix>/subnets/" */
	char *subnets_end;		/* its range end */
	char *own_value;		/* what we publish */
	int64_t own_lease;		/* etcd lease id */
	int64_t own_mod;		/* mod_revision of our put */
	uint64_t renew_at;		/* monotonic ms */
	int64_t rev;			/* watch from rev + 1 */
	int64_t listed;			/* events up to here are in the list */
	bool resume;			/* watch from before the list (a lost
					 * watch), not from the list */
	bool need_reclaim;		/* our key is gone: put it again */
	bool stolen;			/* our key holds another node's lease */
	uint64_t reclaim_at;
	struct backoff reclaim_backoff;
	uint64_t compactions, renewals, renew_errors, reclaims;
};

#define ES(d)	((struct etcd_store *)(d)->store)

/* The key of a kv under the subnets prefix, or NULL. */
static const char *sub_key(const struct pd *d, const char *key)
{
	size_t n = strlen(ES(d)->subnets);

	return strncmp(key, ES(d)->subnets, n) ? NULL : key + n;
}


/* Judge the lease @value at @key and put it in the map. */
static struct entry *etcd_put(struct pd *d, const char *key,
			      const char *value, size_t vlen, int64_t create,
			      int64_t mod, int64_t lease)
{
	struct pd_lease l;
	enum pd_skip parsed = pd_lease_parse(key, value, vlen, &l);

	/* before we have a subnet, a lease with our address is "own_ip":
	 * acquire() takes it as ours
	 */
	return map_put(d, key, parsed, &l, create, mod, lease);
}

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

	return asprintf(&s, "%s%s", ES(d)->subnets, key) < 0 ? NULL : s;
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
	if (pd_etcd_grant(&ES(d)->etcd, PD_LEASE_TTL, &id)) {
		pd_warn("etcd: lease grant: %s", ES(d)->etcd.err);
		free(key);
		return -1;
	}
	if (pd_etcd_put_if(&ES(d)->etcd, key, ES(d)->own_value, id, mod_revision,
			   &done, &rev)) {
		pd_warn("etcd: put %s: %s", key, ES(d)->etcd.err);
		pd_etcd_revoke(&ES(d)->etcd, id);
		free(key);
		return -1;
	}
	if (!done) {
		pd_etcd_revoke(&ES(d)->etcd, id);
		free(key);
		return 0;
	}
	/* our put's revision: a later change of the key is someone else's */
	ES(d)->own_mod = rev;
	free(key);
	if (old && old != id && pd_etcd_revoke(&ES(d)->etcd, old))
		pd_debug("etcd: revoke of the old lease: %s", ES(d)->etcd.err);
	ES(d)->own_lease = id;
	ES(d)->renew_at = now_ms() +
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
	free(ES(d)->own_value);
	ES(d)->own_value = pd_lease_value(&l, &d->nc.backend);
	return ES(d)->own_value ? 0 : -1;
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

/*
 * Read every lease into the map (judged against self). Return: 0 or -1.
 */
static int list_leases(struct pd *d)
{
	struct pd_kvs kvs;
	int64_t rev;
	size_t i;

	pd_debug("listing %s", ES(d)->subnets);
	if (pd_etcd_range(&ES(d)->etcd, ES(d)->subnets, ES(d)->subnets_end, &kvs, &rev)) {
		d->store_up = false;
		pd_warn("etcd: list %s: %s", ES(d)->subnets, ES(d)->etcd.err);
		return -1;
	}
	d->store_up = true;
	d->lists++;
	pd_info("listed %zu keys at revision %lld", kvs.n, (long long)rev);
	map_list_begin(d);
	for (i = 0; i < kvs.n; i++) {
		const char *k = sub_key(d, kvs.v[i].key);

		if (k && !etcd_put(d, k, kvs.v[i].value, kvs.v[i].vlen,
				   kvs.v[i].create_revision,
				   kvs.v[i].mod_revision, kvs.v[i].lease)) {
			pd_err("out of memory");
			pd_kvs_free(&kvs);
			map_list_end(d);
			return -1;
		}
	}
	pd_kvs_free(&kvs);
	map_list_end(d);
	/* the answer's JSON and copies are freed: give the pages back */
	malloc_trim(0);
	ES(d)->rev = rev;
	ES(d)->listed = rev;
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

static void on_watch(void *arg, const struct pd_watch_msg *m);

static void start_watch(struct pd *d)
{
	char *end = ES(d)->subnets_end;

	/* flanneld watches "<prefix>/subnets" without the slash: same keys */
	if (pd_etcd_watch_start(&ES(d)->etcd, ES(d)->subnets, end, ES(d)->rev + 1, on_watch,
				d)) {
		pd_warn("etcd: watch: %s", ES(d)->etcd.err);
		d->need_list = true;
		d->list_at = now_ms() + backoff_next(&d->list_backoff);
		return;
	}
	d->watching = true;
	pd_debug("watching %s from revision %lld", ES(d)->subnets,
		 (long long)ES(d)->rev + 1);
}

static void own_key_event(struct pd *d, const struct pd_kv *kv,
			  struct entry *e)
{
	if (kv->deleted) {
		pd_warn("our lease %s is gone: taking the subnet back",
			d->own_key);
		ES(d)->need_reclaim = true;
		ES(d)->reclaim_at = 0;
		return;
	}
	if (kv->mod_revision == ES(d)->own_mod)
		return;		/* our own put */
	if (kv->vlen == strlen(ES(d)->own_value) &&
	    !memcmp(kv->value, ES(d)->own_value, kv->vlen)) {
		ES(d)->own_mod = kv->mod_revision;
		ES(d)->own_lease = kv->lease;
		return;
	}
	if (e && e->skip == PD_SKIP_OWN_SUBNET) {
		if (!ES(d)->stolen)
			pd_err("our subnet %s now holds another node's lease: not routed, not taken back",
			       d->own_key);
		ES(d)->stolen = true;
	}
}

static void apply_kv(struct pd *d, const struct pd_kv *kv)
{
	const char *key = sub_key(d, kv->key);
	struct pd_lease l;
	enum pd_skip parsed = PD_SKIP_NONE;
	struct entry *e;

	if (!key)
		return;
	if (!kv->deleted)
		parsed = pd_lease_parse(key, kv->value, kv->vlen, &l);
	e = pd_apply(d, key, kv->deleted, parsed, &l, kv->create_revision,
		     kv->mod_revision, kv->lease);
	if (!strcmp(key, d->own_key) && (kv->deleted || e))
		own_key_event(d, kv, e);
}

static void on_watch(void *arg, const struct pd_watch_msg *m)
{
	struct pd *d = arg;
	size_t i;

	if (m->error || m->canceled) {
		if (m->compact_revision > 0) {
			ES(d)->compactions++;
			pd_warn("etcd: revision %lld compacted (now %lld): listing again",
				(long long)ES(d)->rev + 1,
				(long long)m->compact_revision);
		} else {
			pd_warn("etcd: watch: %s", m->error ? m->error : "canceled");
		}
		d->need_list = true;
		ES(d)->resume = false;
		d->list_at = 0;
		return;
	}
	d->store_up = true;
	d->list_backoff.ms = 0;
	for (i = 0; i < m->events.n; i++)
		/* a resumed watch replays what the list already has */
		if (m->events.v[i].mod_revision > ES(d)->listed)
			apply_kv(d, &m->events.v[i]);
	if (m->revision > ES(d)->rev)
		ES(d)->rev = m->revision;
}

static int read_config(struct pd *d)
{
	char key[1100], err[256];
	struct backoff b = { 0 };
	struct pd_kvs kvs;
	int64_t rev;

	snprintf(key, sizeof(key), "%s/config", d->f.prefix);
	for (;;) {
		if (pd_etcd_range(&ES(d)->etcd, key, "", &kvs, &rev)) {
			pd_warn("etcd: get %s: %s", key, ES(d)->etcd.err);
		} else if (kvs.n == 0) {
			pd_warn("%s: no such key (the network's configuration)", key);
			pd_kvs_free(&kvs);
		} else if (pd_netconf_parse(kvs.v[0].value, kvs.v[0].vlen, &d->nc,
					    err, sizeof(err))) {
			pd_err("%s: %s", key, err);
			pd_kvs_free(&kvs);
		} else {
			pd_kvs_free(&kvs);
			d->store_up = true;
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
	char v4key[256], *key = NULL, *end = NULL, *amp;
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
	if (!end || pd_etcd_range(&ES(d)->etcd, key, end, &kvs, &rev)) {
		free(key);
		free(end);
		return false;	/* the watch will tell */
	}
	n = strlen(ES(d)->subnets);
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
	if (key && pd_etcd_delete_if(&ES(d)->etcd, key, own_mod, &done))
		pd_warn("etcd: delete %s: %s", key, ES(d)->etcd.err);
	free(key);
	pd_etcd_revoke(&ES(d)->etcd, ES(d)->own_lease);
	ES(d)->own_lease = 0;
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
	int64_t create = own ? own->create_revision : ES(d)->own_mod;
	size_t i;

	if (!etcd_put(d, d->own_key, ES(d)->own_value, strlen(ES(d)->own_value),
		      create, ES(d)->own_mod, ES(d)->own_lease))
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

			if (pd_start_device(d, mac))
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

	ES(d)->reclaims++;
	r = publish(d, -1, 0);
	if (r == 1) {
		pd_info("lease %s taken back", d->own_key);
		ES(d)->need_reclaim = false;
		ES(d)->reclaim_backoff.ms = 0;
		return;
	}
	if (r == 0)
		pd_err("lease %s was taken by another node meanwhile",
		       d->own_key);
	ES(d)->reclaim_at = now_ms() + backoff_next(&ES(d)->reclaim_backoff);
}

static void renew(struct pd *d)
{
	struct entry *e = map_find(d, d->own_key);
	int r;

	r = publish(d, e ? e->mod_revision : ES(d)->own_mod, ES(d)->own_lease);
	if (r == 1) {
		ES(d)->renewals++;
		pd_info("lease %s renewed", d->own_key);
		return;
	}
	ES(d)->renew_errors++;
	if (r == 0) {
		pd_warn("lease %s changed under us: listing again", d->own_key);
		d->need_list = true;
		d->list_at = 0;
	}
	ES(d)->renew_at = now_ms() + RENEW_RETRY_MS;
}

/*
 * List again and sync once. Then watch: after a lost watch, from where it
 * was (resume), the events up to the list skipped, so that etcd says so if
 * that revision was compacted meanwhile; else from the list.
 */
static void relist(struct pd *d)
{
	int64_t before = ES(d)->rev;

	pd_etcd_watch_stop(&ES(d)->etcd);
	d->watching = false;
	if (list_leases(d)) {
		d->list_at = now_ms() + backoff_next(&d->list_backoff);
		return;
	}
	d->need_list = false;
	if (!map_find(d, d->own_key))
		ES(d)->need_reclaim = true;
	sync_table(d);
	if (ES(d)->resume && before < ES(d)->rev)
		ES(d)->rev = before;
	ES(d)->resume = false;
	start_watch(d);
}

/* ------------------------------------------------------------ store ---- */

static int etcd_init(struct pd *d)
{
	static struct etcd_store es;

	d->store = &es;
	snprintf(es.subnets, sizeof(es.subnets), "%s/subnets/", d->f.prefix);
	es.subnets_end = pd_range_end(es.subnets);
	if (!es.subnets_end) {
		pd_err("out of memory");
		return -1;
	}
	pd_info("podnetd: etcd %s (%u endpoints), prefix %s", d->f.endpoints[0],
		d->f.nendpoints, d->f.prefix);
	return pd_etcd_init(&es.etcd, &d->f, &d->http);
}

static int etcd_acquire(struct pd *d)
{
	if (pd_node_setup(d, NULL, NULL))
		return -1;
	return acquire(d);
}

/* The watch's messages; a lost watch is a new list, then resumed. */
static void etcd_work(struct pd *d)
{
	if (!pd_etcd_watch_work(&ES(d)->etcd))
		return;
	pd_warn("etcd: watch lost: %s", ES(d)->etcd.watch_err);
	pd_etcd_watch_stop(&ES(d)->etcd);
	d->watching = false;
	d->reconnects++;
	d->store_up = false;
	d->need_list = true;
	ES(d)->resume = true;
	d->list_at = now_ms() + backoff_next(&d->list_backoff);
}

static uint64_t etcd_timers(struct pd *d, uint64_t now)
{
	struct etcd_store *es = ES(d);

	if (es->need_reclaim && es->reclaim_at <= now && d->store_up)
		reclaim(d);
	if (es->renew_at <= now)
		renew(d);
	return es->need_reclaim && es->reclaim_at < es->renew_at ?
	       es->reclaim_at : es->renew_at;
}

static void etcd_metrics(struct pd *d, FILE *f)
{
	struct etcd_store *es = ES(d);

	pd_metric(f, "podnetd_etcd_up", "gauge",
		  "1 when the last etcd request succeeded", NULL, d->store_up);
	pd_metric(f, "podnetd_compactions_total", "counter",
		  "Watches whose revision was compacted", NULL,
		  (double)es->compactions);
	pd_metric(f, "podnetd_lease_renewals_total", "counter",
		  "Renewals of the node's lease", NULL, (double)es->renewals);
	pd_metric(f, "podnetd_lease_renew_errors_total", "counter",
		  "Renewals that failed (retried)", NULL,
		  (double)es->renew_errors);
	pd_metric(f, "podnetd_lease_reclaims_total", "counter",
		  "Times the node's lease was put back after it went", NULL,
		  (double)es->reclaims);
	pd_metric_by(f, "podnetd_etcd_errors_total",
		     "etcd requests that failed on every endpoint, by operation",
		     "op", pd_etcd_op_names, es->etcd.errors, PD_OP_NR);
	pd_metric(f, "podnetd_etcd_failovers_total", "counter",
		  "Moves to another etcd endpoint", NULL,
		  (double)es->etcd.failovers);
}

static void etcd_fini(struct pd *d)
{
	struct etcd_store *es = ES(d);

	if (!es)
		return;
	pd_etcd_fini(&es->etcd);
	free(es->own_value);
	free(es->subnets_end);
}

const struct pd_store_ops pd_store_etcd = {
	.name = "etcd",
	.item = "lease",
	.init = etcd_init,
	.config = read_config,
	.acquire = etcd_acquire,
	.watch = start_watch,
	.work = etcd_work,
	.relist = relist,
	.timers = etcd_timers,
	.metrics = etcd_metrics,
	.fini = etcd_fini,
};
