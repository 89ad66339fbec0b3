// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: the node agent. One event loop (curl_multi_poll() over the
 * store's watch, the signals, pn0's link events and the health server)
 * does everything, with the store of the cluster (etcd in flannel's
 * schema, pd_store_etcd.c; the Kubernetes API as flannel's kube subnet
 * manager, pd_store_kube.c):
 *
 *  - start: the network's configuration, this node's subnets, pn0
 *    created or adopted, the node's VTEP published, subnet.env, the CNI
 *    conflist and the masquerade rules written, pn0's table loaded with
 *    one sync, systemd told;
 *  - then one watch: each change of a node is a change of a peer and its
 *    routes; a lost or expired watch is a new list and one sync;
 *  - the store unreachable: pn0 stays as it is, requests are retried with
 *    backoff.
 *
 * The nodes of the store are kept once, in the map below (each lease key
 * or Node name and what it says); pn0's table is derived from it.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <systemd/sd-daemon.h>
#include <linux/rtnetlink.h>

#include "pd_core.h"
#include "pd_files.h"

#define PODNETD_VERSION		"0.1"

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

unsigned int backoff_next(struct backoff *b)
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

struct entry *map_find(struct pd *d, const char *key)
{
	struct entry k = { .key = (char *)key };

	return d->nmap ? bsearch(&k, d->map, d->nmap, sizeof(*d->map),
				 entry_cmp) : NULL;
}

void map_clear(struct pd *d)
{
	size_t i;

	for (i = 0; i < d->nmap; i++)
		free(d->map[i].key);
	d->nmap = 0;
}

bool same_prefix(const struct pn_prefix *a, const struct pn_prefix *b)
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

struct entry *map_put(struct pd *d, const char *key, enum pd_skip parsed,
		      const struct pd_lease *l, int64_t create, int64_t mod,
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
	e->parsed = parsed;
	e->l = *l;
	e->skip = parsed != PD_SKIP_NONE ? parsed :
		  pd_lease_check(l, &d->nc, &d->self);
	e->own = d->own_key[0] && !strcmp(e->key, d->own_key);
	if (e->skip == PD_SKIP_NONE && !e->own)
		conflicts(d, e);
	if (e->skip != PD_SKIP_NONE) {
		d->skips_total[e->skip]++;
		/* each time it is read: the log would repeat at each list */
		pd_debug("%s %s skipped: %s", d->ops->item, e->key,
			 pd_skip_names[e->skip]);
	}
	return e;
}

void map_del(struct pd *d, struct entry *e)
{
	size_t i = (size_t)(e - d->map);

	free(e->key);
	memmove(&d->map[i], &d->map[i + 1], (d->nmap - i - 1) * sizeof(*e));
	d->nmap--;
}

bool used(const struct entry *e)
{
	return e->skip == PD_SKIP_NONE && !e->own;
}

bool same_addr(const struct pn_addr *a, const struct pn_addr *b)
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

/* ----------------------------------------------------------- table ---- */

int sync_table(struct pd *d)
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
	pd_info("pn0 synced: %zu %s", n, strcmp(d->ops->item, "lease") ?
		"other nodes" : "leases of other nodes");
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
void table_change(struct pd *d, const struct entry *old,
		  const struct entry *e)
{
	bool keep = e && used(e);
	int err = 0;

	/* a lease in the way of another went: that one may be used now */
	if (old && used(old) && any_conflict(d)) {
		d->need_list = true;
		d->list_at = 0;
	}
	/* the new peer and routes first: traffic never sees neither */
	if (keep)
		err |= pd_dp_lease_set(&d->dp, &d->self, &e->l);
	if (old && used(old)) {
		bool del4 = !peer_used(d, old, &old->l.public_ip) &&
			    !(keep && same_addr(&e->l.public_ip, &old->l.public_ip));
		bool del6 = old->l.has_public_ip6 &&
			    !peer_used(d, old, &old->l.public_ip6) &&
			    !(keep && e->l.has_public_ip6 &&
			      same_addr(&e->l.public_ip6, &old->l.public_ip6));

		if (!keep) {
			err |= pd_dp_lease_del(&d->dp, &d->self, &old->l, del4, del6);
		} else {
			/* a Node's PodCIDR changed: its old routes go */
			if (!same_prefix(&old->l.subnet, &e->l.subnet))
				err |= pd_dp_route_del(&d->dp, &old->l.subnet);
			if (old->l.has_subnet6 &&
			    !(e->l.has_subnet6 &&
			      same_prefix(&old->l.subnet6, &e->l.subnet6)))
				err |= pd_dp_route_del(&d->dp, &old->l.subnet6);
			if (del4)
				err |= pd_dp_peer_del(&d->dp, &old->l.public_ip);
			if (del6)
				err |= pd_dp_peer_del(&d->dp, &old->l.public_ip6);
		}
	}
	if (err)
		d->need_sync = true;
}

/* ------------------------------------------------------------ lease ---- */

/* ------------------------------------------------------------- list ---- */

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
			pd_debug("%s %s skipped: conflict", d->ops->item, v[i]->key);
			v[i] = v[i - 1];
		}
	}
	free(v);
}

/* ------------------------------------------------------------ watch ---- */

void map_list_begin(struct pd *d)
{
	map_clear(d);
	d->listing = true;
}

void map_list_end(struct pd *d)
{
	d->listing = false;
	settle(d);
}

void map_rejudge(struct pd *d)
{
	size_t i;

	for (i = 0; i < d->nmap; i++) {
		struct entry *e = &d->map[i];

		e->own = d->own_key[0] && !strcmp(e->key, d->own_key);
		if (e->parsed != PD_SKIP_NONE)
			continue;
		e->skip = pd_lease_check(&e->l, &d->nc, &d->self);
		if (e->skip != PD_SKIP_NONE)
			d->skips_total[e->skip]++;
	}
	settle(d);
}

struct entry *pd_apply(struct pd *d, const char *key, bool gone,
		       enum pd_skip parsed, const struct pd_lease *l,
		       int64_t create, int64_t mod, int64_t lease)
{
	struct entry *e = map_find(d, key), old;
	bool was = e != NULL;

	d->events++;
	if (was)
		old = *e;
	if (gone) {
		if (e) {
			bool own = e->own;

			map_del(d, e);
			if (!own)
				table_change(d, &old, NULL);
		}
		pd_info("%s %s deleted", d->ops->item, key);
		return NULL;
	}
	if (was)
		old.key = NULL;	/* freed by nothing: map_put keeps the key */
	e = map_put(d, key, parsed, l, create, mod, lease);
	if (!e) {
		pd_err("out of memory: listing again");
		d->need_list = true;
		d->list_at = 0;
		return NULL;
	}
	if (e->own)
		return e;
	if (e->skip != PD_SKIP_NONE)
		pd_warn("%s %s skipped: %s", d->ops->item, key,
			pd_skip_names[e->skip]);
	else
		pd_info("%s %s: node at %s", d->ops->item, key,
			inet_ntop(AF_INET, e->l.public_ip.bytes,
				  (char[INET_ADDRSTRLEN]){ 0 }, INET_ADDRSTRLEN));
	table_change(d, was ? &old : NULL, e);
	return e;
}

/* ----------------------------------------------------------- health ---- */

void pd_metric(FILE *f, const char *name, const char *type, const char *help,
	       const char *labels, double v)
{
	if (help)
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	fprintf(f, "%s%s %.17g\n", name, labels ? labels : "", v);
}

void pd_metric_by(FILE *f, const char *name, const char *help,
		  const char *label, const char *const *names,
		  const uint64_t *v, size_t n)
{
	char labels[96];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(labels, sizeof(labels), "{%s=\"%s\"}", label, names[i]);
		pd_metric(f, name, "counter", i == 0 ? help : NULL, labels,
			  (double)v[i]);
	}
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
	pd_metric(f, "podnetd_up", "gauge",
		  "1 once the node's subnets are held and published and pn0 loaded",
		  NULL, d->ready);
	pd_metric(f, "podnetd_peers", "gauge", "Peers of the podnet device", NULL,
	       have ? info.peers : 0);
	pd_metric(f, "podnetd_routes", "gauge", "Routes of the podnet device", NULL,
	       have ? info.routes : 0);
	pd_metric(f, "podnetd_leases", "gauge", "Leases of the store, by state",
	       "{state=\"used\"}", (double)nused);
	pd_metric(f, "podnetd_leases", "gauge", NULL, "{state=\"own\"}",
	       d->own_key[0] && map_find(d, d->own_key) ? 1 : 0);
	for (i = 1; i < PD_SKIP_NR; i++) {
		snprintf(labels, sizeof(labels), "{reason=\"%s\"}", pd_skip_names[i]);
		pd_metric(f, "podnetd_leases_skipped", "gauge",
		       i == 1 ? "Leases of the store not used, by reason" : NULL,
		       labels, (double)skipped[i]);
	}
	pd_metric_by(f, "podnetd_lease_skips_total",
		     "Times a lease was read and skipped, by reason", "reason",
		     pd_skip_names + 1, d->skips_total + 1, PD_SKIP_NR - 1);
	pd_metric(f, "podnetd_lease_events_total", "counter",
	       "Lease changes received from the watch", NULL, (double)d->events);
	pd_metric(f, "podnetd_watch_reconnects_total", "counter",
	       "Watches lost and started again", NULL, (double)d->reconnects);
	pd_metric(f, "podnetd_lists_total", "counter", "Full lists of the leases",
	       NULL, (double)d->lists);
	pd_metric(f, "podnetd_syncs_total", "counter", "Atomic syncs of the table",
	       NULL, (double)d->syncs);
	pd_metric(f, "podnetd_sync_errors_total", "counter", "Syncs that failed",
	       NULL, (double)d->sync_errors);
	pd_metric(f, "podnetd_last_sync_age_seconds", "gauge",
	       "Seconds since the last successful sync", NULL,
	       d->last_sync ? (double)(now - d->last_sync) / 1000 : -1);
	pd_metric(f, "podnetd_netlink_errors_total", "counter",
	       "Netlink requests that failed", NULL, (double)d->dp.nl_errors);
	d->ops->metrics(d, f);
	for (i = 1; have && i <= PODNET_STAT_MAX; i++) {
		if (!info.has_stat[i])
			continue;
		snprintf(labels, sizeof(labels), "{reason=\"%s\"}",
			 pn_dev_stat_names[i]);
		pd_metric(f, "podnet_drops_total", "counter",
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
 * While a request to the store waits: answer /healthz and /metrics, and give
 * up the request on SIGTERM (remembered for the loop).
 */
static bool store_idle(void *arg)
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
bool pause_ms(struct pd *d, unsigned int ms)
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

/* ------------------------------------------------------------- node ---- */

int pd_node_setup(struct pd *d, const char *public_ip, const char *public_ip6)
{
	struct pd_flags f = d->f;

	if (public_ip)
		f.public_ip = public_ip;
	if (public_ip6)
		f.public_ipv6 = public_ip6;
	if (pd_node_addrs(&f, d->nc.enable_ipv6, &d->node))
		return -1;
	d->self.public_ip = d->node.public_ip;
	d->self.public_ip6 = d->node.public_ip6;
	d->self.has_public_ip6 = d->node.has_public_ip6;
	pd_info("network %s, backend %s, node %s on %s",
		pn_prefix_str(&d->nc.network, (char[PN_PREFIX_STRLEN]){ 0 },
			      PN_PREFIX_STRLEN),
		d->nc.backend.type,
		pn_addr_str(&d->node.public_ip, (char[PN_ADDR_STRLEN]){ 0 },
			    PN_ADDR_STRLEN), d->node.ifname);
	return 0;
}

int pd_start_device(struct pd *d, const uint8_t *mac)
{
	return pd_dp_device(&d->dp, &d->self, d->node.ifindex, mac);
}

int pd_node_files(struct pd *d)
{
	if (pd_dp_addresses(&d->dp, &d->self) || write_files(d)) {
		d->need_node = true;
		d->need_sync = true;
		d->sync_at = now_ms() + backoff_next(&d->sync_backoff);
		return -1;
	}
	d->need_node = false;
	return 0;
}

/*
 * A sync that failed, again (with backoff). When pn0 itself is gone
 * (deleted by hand), it is made again first, with the vtep mac the node
 * publishes, its addresses and cluster routes; so are pn0's addresses and
 * the files whose change failed.
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
	if ((d->need_node && pd_node_files(d)) || sync_table(d))
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
		uint64_t now = now_ms(), next = now + 10000, t;
		struct signalfd_siginfo si;
		int nfd;

		if (d->stop)	/* seen while a request waited */
			return 0;
		if (d->need_list && d->list_at < next)
			next = d->list_at;
		if (d->need_sync && d->sync_at < next)
			next = d->sync_at;
		t = d->ops->timers(d, now);
		if (t < next)
			next = t;
		now = now_ms();
		curl_multi_poll(d->http.multi, extra, d->httpfd >= 0 ? 3 : 2,
				next > now ? (int)(next - now) : 0, &nfd);
		links_read(d);
		while (read(d->sigfd, &si, sizeof(si)) == sizeof(si))
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
				d->stop = true;
		if (d->stop)
			return 0;
		if (d->httpfd >= 0)
			http_accept(d);
		if (d->watching)
			d->ops->work(d);
		now = now_ms();
		if (d->need_list && d->list_at <= now)
			d->ops->relist(d);
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
	d.ops = d.f.kube_subnet_mgr ? &pd_store_kube : &pd_store_etcd;
	d.sigfd = sigfd_open();
	d.dp.f = &d.f;
	d.dp.nc = &d.nc;
	if (d.sigfd < 0 || pd_http_init(&d.http, d.f.kube_subnet_mgr ?
					      d.f.kube_timeout_ms :
					      d.f.etcd_timeout_ms)) {
		pd_err("out of resources at start");
		goto out;
	}
	if (d.ops->init(&d))
		goto out;	/* said why */
	if (http_listen(&d))
		goto out;
	d.http.idle = store_idle;
	d.http.idle_arg = &d;
	if (d.ops->config(&d))
		goto stopped;
	if (d.ops->acquire(&d))
		goto stopped;
	if (pd_node_files(&d)) {
		pd_err("setting up the node failed");
		goto out;
	}
	if (sync_table(&d))
		pd_warn("the first sync failed: retried");
	links_open(&d);
	d.ready = true;
	sd_notifyf(0, "READY=1\nSTATUS=%s %s, %zu %ss", d.ops->item, d.own_key,
		   d.nmap, d.ops->item);
	d.ops->watch(&d);
	loop(&d);
stopped:
	pd_info("stopping: pn0 and its table stay as they are");
	ret = 0;
out:
	sd_notify(0, "STOPPING=1");
	if (d.store)
		d.ops->fini(&d);
	pd_http_fini(&d.http);
	pn_nl_close(&d.dp.nl);
	nl_close(d.links);
	map_clear(&d);
	free(d.map);
	return ret;
}
