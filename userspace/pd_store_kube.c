// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd's Kubernetes store: flannel's kube subnet manager. The network's
 * configuration is flannel's net-conf.json; every node's subnets are its
 * Node's spec.podCIDRs (nothing is allocated); a node publishes its VTEP
 * in flannel's annotations on its Node, written by a strategic-merge PATCH
 * of the Node's status, which also sets its NetworkUnavailable condition
 * to False. The Nodes are listed (in pages), then watched from the list's
 * resourceVersion with bookmarks: each change of a Node is a change of a
 * peer and its routes; a 410 (an HTTP status, or an ERROR event) is a new
 * list and one sync; a watch that ends at its timeout is started again
 * from where it was, one that fails after a backoff; a change of this
 * node's own PodCIDR is followed (flanneld does not).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <json-c/json.h>
#include <systemd/sd-daemon.h>

#include "pd_core.h"
#include "pd_kube_api.h"

#define LIST_LIMIT		500	/* client-go's page */
#define LIST_RESTARTS		3	/* pages whose continue expired */
#define WATCH_TIMEOUT_S		300	/* a watch lasts 5 to 10 minutes */

struct kube_store {
	struct pd_kube_api api;
	struct pd_kube_ann ann;
	const char *node;		/* this node's name (NODE_NAME) */
	char rv[64];			/* watch from here */

	/* this node's Node as last seen */
	struct json_object *own;	/* NULL: not seen (or deleted) */
	bool own_changed;		/* its PodCIDRs differ from ours */
	struct pd_kube_pub want;	/* what we publish */
	bool need_publish;
	uint64_t publish_at;
	struct backoff publish_backoff;

	bool expired;			/* the watch said 410 */
	bool watch_error;		/* an ERROR event of another kind */
	uint64_t watch_started;
	bool rewatch;			/* start the watch at watch_at */
	uint64_t watch_at;
	struct backoff watch_backoff;

	uint64_t expirations, bookmarks, publishes, publish_errors;
	uint64_t cidr_changes;
};

#define KS(d)	((struct kube_store *)(d)->store)

static bool cidr_in(const struct pn_prefix *net, const struct pn_prefix *p)
{
	return p->addr.family == net->addr.family && p->len >= net->len &&
	       pd_prefix_contains(net, &p->addr);
}

static void own_parse(struct pd *d, struct pd_kube_node *n)
{
	pd_kube_node_parse(KS(d)->own, &KS(d)->ann, n);
}

/* Do our Node's PodCIDRs differ from the subnets we have? */
static bool cidrs_differ(struct pd *d, const struct pd_kube_node *n)
{
	return !same_prefix(&n->cidr4, &d->self.subnet) ||
	       (d->nc.enable_ipv6 && !same_prefix(&n->cidr6, &d->self.subnet6));
}

/* Usable PodCIDRs of our Node for the network? Logged when not. */
static bool cidrs_ok(struct pd *d, const struct pd_kube_node *n)
{
	char a[PN_PREFIX_STRLEN];

	if (!n->has4 || n->cidr_bad || (d->nc.enable_ipv6 && !n->has6)) {
		pd_warn("node %s has no PodCIDR%s yet (spec.podCIDRs): waiting",
			n->name, d->nc.enable_ipv6 ? "s of both families" : "");
		return false;
	}
	if (!cidr_in(&d->nc.network, &n->cidr4) ||
	    (d->nc.enable_ipv6 && !cidr_in(&d->nc.network6, &n->cidr6))) {
		pd_err("node %s: PodCIDR %s is outside the network's Network or IPv6Network",
		       n->name, pn_prefix_str(cidr_in(&d->nc.network, &n->cidr4) ?
					      &n->cidr6 : &n->cidr4, a, sizeof(a)));
		return false;
	}
	return true;
}

/* Our Node @o (a new reference is taken), as a list or a watch says it. */
static void own_seen(struct pd *d, struct json_object *o, bool deleted)
{
	struct kube_store *ks = KS(d);
	struct pd_kube_node n;

	json_object_put(ks->own);
	ks->own = NULL;
	if (deleted) {
		pd_warn("our Node %s was deleted: pn0 stays; published again when it is back",
			ks->node);
		ks->want.condition = d->f.set_node_network_unavailable;
		return;
	}
	ks->own = json_object_get(o);
	own_parse(d, &n);
	ks->own_changed = d->self.subnet.len && n.has4 && !n.cidr_bad &&
			  cidrs_differ(d, &n);
	if (d->ready) {
		ks->need_publish = true;
		if (!ks->publish_backoff.ms)
			ks->publish_at = 0;
	}
}

/* Node @o of a list or a watch into the map. */
static void node_put(struct pd *d, struct json_object *o, bool deleted)
{
	struct kube_store *ks = KS(d);
	struct pd_kube_node n;
	struct pd_lease l;
	enum pd_skip parsed;

	if (pd_kube_node_parse(o, &ks->ann, &n)) {
		pd_warn("kube: an object that is not a Node with a name");
		return;
	}
	if (!strcmp(n.name, ks->node))
		own_seen(d, o, deleted);
	parsed = deleted ? PD_SKIP_NONE : pd_kube_lease(&n, &d->nc, &l);
	if (d->listing) {
		if (!map_put(d, n.name, parsed, &l, n.created, 0, 0))
			pd_err("out of memory");
	} else {
		pd_apply(d, n.name, deleted, parsed, &l, n.created, 0, 0);
	}
}

/*
 * Every Node into the map, in pages of LIST_LIMIT; ks->rv the list's.
 * Return: 0 or -1 (logged).
 */
static int list_nodes(struct pd *d)
{
	struct kube_store *ks = KS(d);
	struct pd_buf ans = { 0 };
	struct pd_kube_list page;
	char *cont = NULL, *esc, path[4096];
	unsigned int restarts = 0;
	size_t i, total = 0;
	long status;
	int ret = -1;

	/* our Node is what this list says (it may be gone) */
	json_object_put(ks->own);
	ks->own = NULL;
	map_list_begin(d);
	for (;;) {
		esc = cont ? curl_easy_escape(NULL, cont, 0) : NULL;
		snprintf(path, sizeof(path), "/api/v1/nodes?limit=%u%s%s",
			 LIST_LIMIT, esc ? "&continue=" : "", esc ? esc : "");
		curl_free(esc);
		status = pd_kube_request(&ks->api, PD_KOP_LIST, "GET", path, NULL,
					 &ans);
		if (status == 410 && cont && restarts++ < LIST_RESTARTS) {
			/* the list's snapshot expired between two pages */
			ks->expirations++;
			pd_warn("kube: %s: listing from the start", ks->api.err);
			free(cont);
			cont = NULL;
			json_object_put(ks->own);
			ks->own = NULL;
			map_list_end(d);
			map_list_begin(d);
			total = 0;
			continue;
		}
		if (status != 200) {
			pd_warn("kube: list: %s", ks->api.err);
			break;
		}
		if (pd_kube_list_parse(ans.p, ans.len, &page)) {
			pd_warn("kube: list: the answer is not a NodeList");
			ks->api.errors[PD_KOP_LIST]++;
			break;
		}
		if (!cont)
			snprintf(ks->rv, sizeof(ks->rv), "%s", page.rv);
		for (i = 0; i < page.n; i++)
			node_put(d, json_object_array_get_idx(page.items, i),
				 false);
		total += page.n;
		free(cont);
		cont = page.cont ? strdup(page.cont) : NULL;
		pd_kube_list_free(&page);
		if (!cont) {
			ret = 0;
			break;
		}
	}
	map_list_end(d);
	free(cont);
	free(ans.p);
	d->store_up = ret == 0;
	if (ret)
		return -1;
	d->lists++;
	pd_info("listed %zu nodes at resourceVersion %s", total, ks->rv);
	return 0;
}

/* ------------------------------------------------------- publish ---- */

static void now_rfc3339(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Our Node's annotations and condition as we want them, by a PATCH of its
 * status when they are not. Return: 0 (done or nothing to do) or -1.
 */
static int publish(struct pd *d)
{
	struct kube_store *ks = KS(d);
	struct pd_buf ans = { 0 };
	struct pd_kube_node n;
	char path[512], now[32], *body;
	bool err;
	long status;

	if (!ks->own)
		return 0;	/* when it is back */
	own_parse(d, &n);
	now_rfc3339(now, sizeof(now));
	body = pd_kube_patch(&ks->ann, &n, &ks->want, now, &err);
	if (!body)
		return err ? -1 : 0;
	snprintf(path, sizeof(path), "/api/v1/nodes/%s/status", ks->node);
	pd_debug("kube: PATCH %s %s", path, body);
	status = pd_kube_request(&ks->api, PD_KOP_PATCH, "PATCH", path, body,
				 &ans);
	free(body);
	if (status != 200) {
		free(ans.p);
		pd_warn("kube: publishing on Node %s: %s", ks->node, ks->api.err);
		ks->publish_errors++;
		return -1;
	}
	ks->publishes++;
	pd_info("published on Node %s: backend %s, public IP %s, vtep mac %s",
		ks->node, ks->want.backend_type,
		n.ann[PD_ANN_PUBLIC_IP_OVERWRITE] && n.ann[PD_ANN_PUBLIC_IP_OVERWRITE][0] ?
		n.ann[PD_ANN_PUBLIC_IP_OVERWRITE] : ks->want.public_ip,
		pn_mac_str(d->dp.mac, (char[PN_MAC_STRLEN]){ 0 }, PN_MAC_STRLEN));
	if (ks->want.condition && !n.net_ok)
		ks->want.condition = false;	/* once, as flanneld */
	free(ans.p);
	return 0;
}

static void want_of(struct pd *d)
{
	struct kube_store *ks = KS(d);
	struct pd_kube_pub *w = &ks->want;

	w->backend_type = d->nc.backend.type;
	pd_backend_data_json(w->backend_data, sizeof(w->backend_data),
			     &d->nc.backend, d->dp.mac);
	pn_addr_str(&d->self.public_ip, w->public_ip, sizeof(w->public_ip));
	w->has6 = d->nc.enable_ipv6 && d->self.has_public_ip6;
	if (w->has6)
		pn_addr_str(&d->self.public_ip6, w->public_ip6,
			    sizeof(w->public_ip6));
}

/* Our subnets from our Node's PodCIDRs. */
static void self_of(struct pd *d, const struct pd_kube_node *n)
{
	d->self.subnet = n->cidr4;
	d->self.has_subnet6 = d->nc.enable_ipv6;
	if (d->nc.enable_ipv6)
		d->self.subnet6 = n->cidr6;
}

/* Our Node's PodCIDRs changed: pn0's addresses, the files, the table. */
static void own_cidrs_changed(struct pd *d)
{
	struct kube_store *ks = KS(d);
	char a[PN_PREFIX_STRLEN], b[PN_PREFIX_STRLEN];
	struct pd_kube_node n;

	ks->own_changed = false;
	own_parse(d, &n);
	if (!cidrs_ok(d, &n))
		return;		/* the old ones stay */
	ks->cidr_changes++;
	pd_warn("our PodCIDR changed from %s to %s: pn0's address, subnet.env, the conflist and the masquerade rules follow",
		pn_prefix_str(&d->self.subnet, a, sizeof(a)),
		pn_prefix_str(&n.cidr4, b, sizeof(b)));
	self_of(d, &n);
	map_rejudge(d);
	pd_node_files(d);
	sync_table(d);
}

/* ------------------------------------------------------------ watch ---- */

static void on_line(void *arg, const char *line, size_t len, long status)
{
	struct pd *d = arg;
	struct kube_store *ks = KS(d);
	struct pd_kube_event ev;
	struct pd_kube_status st;

	if (status != 200) {
		pd_kube_status_parse(line, len, &st);
		if (status == 410 || st.code == 410)
			ks->expired = true;
		pd_warn("kube: watch: HTTP %ld: %s", status, st.message);
		return;
	}
	if (pd_kube_event_parse(line, len, &ev)) {
		pd_warn("kube: watch: an event that does not parse: %.*s",
			(int)(len > 200 ? 200 : len), line);
		return;
	}
	switch (ev.type) {
	case PD_EV_ERROR:
		if (ev.st.code == 410)
			ks->expired = true;
		else
			ks->watch_error = true;
		pd_warn("kube: watch: ERROR %d %s: %s", ev.st.code,
			ev.st.reason, ev.st.message);
		break;
	case PD_EV_BOOKMARK:
		ks->bookmarks++;
		snprintf(ks->rv, sizeof(ks->rv), "%s", ev.rv);
		break;
	default:
		snprintf(ks->rv, sizeof(ks->rv), "%s", ev.rv);
		node_put(d, ev.object, ev.type == PD_EV_DELETED);
		if (ks->own_changed)
			own_cidrs_changed(d);
		break;
	}
	d->store_up = true;
	pd_kube_event_free(&ev);
}

static void start_watch(struct pd *d)
{
	struct kube_store *ks = KS(d);
	unsigned int r = 0;
	char path[256];

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (unsigned int)now_ms();
	/* as client-go's reflector: a timeout of 5 to 10 minutes */
	snprintf(path, sizeof(path),
		 "/api/v1/nodes?allowWatchBookmarks=true&resourceVersion=%s&timeoutSeconds=%u&watch=true",
		 ks->rv, WATCH_TIMEOUT_S + r % WATCH_TIMEOUT_S);
	ks->expired = false;
	ks->watch_error = false;
	ks->rewatch = false;
	if (pd_kube_watch_start(&ks->api, path, on_line, d)) {
		pd_warn("kube: watch: %s", ks->api.err);
		ks->rewatch = true;
		ks->watch_at = now_ms() + backoff_next(&ks->watch_backoff);
		return;
	}
	ks->watch_started = now_ms();
	d->watching = true;
	pd_debug("kube: watching nodes from resourceVersion %s", ks->rv);
}

static void kube_work(struct pd *d)
{
	struct kube_store *ks = KS(d);
	struct pd_stream *w = &ks->api.watch;
	bool clean;

	if (!pd_kube_watch_work(&ks->api))
		return;
	/* the server's end of a watch at its timeout, not at once */
	clean = w->result == CURLE_OK && w->status == 200 && !ks->watch_error &&
		now_ms() - ks->watch_started >= 1000;
	pd_kube_watch_stop(&ks->api);
	d->watching = false;
	if (ks->expired) {
		ks->expirations++;
		pd_warn("kube: the watch from resourceVersion %s expired (410): listing again",
			ks->rv);
		d->need_list = true;
		d->list_at = 0;
		return;
	}
	if (clean) {
		ks->watch_backoff.ms = 0;
		start_watch(d);
		return;
	}
	d->reconnects++;
	d->store_up = false;
	pd_warn("kube: watch lost: %s", ks->api.err);
	ks->rewatch = true;
	ks->watch_at = now_ms() + backoff_next(&ks->watch_backoff);
}

/* A new list, one sync, the watch from the list. */
static void kube_relist(struct pd *d)
{
	struct kube_store *ks = KS(d);

	pd_kube_watch_stop(&ks->api);
	d->watching = false;
	ks->rewatch = false;
	if (list_nodes(d)) {
		d->list_at = now_ms() + backoff_next(&d->list_backoff);
		return;
	}
	d->need_list = false;
	d->list_backoff.ms = 0;
	if (!ks->own) {
		pd_warn("our Node %s is not in the list: pn0 stays; published again when it is back",
			ks->node);
		ks->want.condition = d->f.set_node_network_unavailable;
	}
	if (ks->own_changed)
		own_cidrs_changed(d);
	sync_table(d);
	start_watch(d);
}

static uint64_t kube_timers(struct pd *d, uint64_t now)
{
	struct kube_store *ks = KS(d);
	uint64_t next = UINT64_MAX;

	if (ks->need_publish && ks->publish_at <= now) {
		if (publish(d)) {
			ks->publish_at = now_ms() +
					 backoff_next(&ks->publish_backoff);
		} else {
			ks->need_publish = false;
			ks->publish_backoff.ms = 0;
		}
	}
	if (ks->rewatch && ks->watch_at <= now && !d->need_list)
		start_watch(d);
	if (ks->need_publish && ks->publish_at < next)
		next = ks->publish_at;
	if (ks->rewatch && ks->watch_at < next)
		next = ks->watch_at;
	return next;
}

/* ------------------------------------------------------------ start ---- */

static int kube_init(struct pd *d)
{
	static struct kube_store ks;
	char err[256];

	d->store = &ks;
	ks.node = getenv("NODE_NAME");
	if (!ks.node || !ks.node[0]) {
		pd_err("NODE_NAME is not set: the name of this node's Node (a DaemonSet sets it from spec.nodeName)");
		return -1;
	}
	if (strlen(ks.node) >= sizeof(d->own_key) || strchr(ks.node, '/')) {
		pd_err("NODE_NAME \"%s\" is not a Node's name", ks.node);
		return -1;
	}
	if (pd_kube_ann_init(&ks.ann, d->f.kube_annotation_prefix, err,
			     sizeof(err))) {
		pd_err("%s", err);
		return -1;
	}
	if (pd_kube_api_init(&ks.api, &d->f, &d->http, PD_SA_DIR)) {
		pd_err("kube: %s", ks.api.err);
		return -1;
	}
	pd_info("podnetd: Kubernetes API %s, node %s, annotations %s",
		ks.api.kc.server, ks.node, ks.ann.name[PD_ANN_MANAGED]);
	return 0;
}

/* flannel's net-conf.json, as its ConfigMap mounts it. */
static int kube_config(struct pd *d)
{
	const char *path = d->f.net_config_path;
	struct backoff b = { 0 };
	char err[256];

	for (;;) {
		FILE *f = fopen(path, "re");
		char buf[65536];
		size_t n = 0;

		if (f) {
			n = fread(buf, 1, sizeof(buf), f);
			fclose(f);
		}
		if (!f) {
			pd_warn("%s: %m (the network's configuration)", path);
		} else if (n == sizeof(buf)) {
			pd_err("%s: larger than %zu bytes", path, sizeof(buf));
		} else if (pd_netconf_parse(buf, n, &d->nc, err, sizeof(err))) {
			pd_err("%s: %s", path, err);
		} else {
			/* Kubernetes' node CIDRs: any size in the network */
			d->nc.any_len = true;
			return 0;
		}
		sd_notifyf(0, "STATUS=waiting for %s", path);
		if (pause_ms(d, backoff_next(&b)))
			return -1;
	}
}

/*
 * List until our Node has its PodCIDRs; the node's addresses (the Node's
 * node-public-ip annotations first, as flanneld); pn0 (with the vtep mac
 * our Node publishes, should it be created: flannel.1's after a move from
 * flanneld); our annotations published.
 */
static int kube_acquire(struct pd *d)
{
	struct kube_store *ks = KS(d);
	struct backoff b = { 0 };
	bool dev_done = false;

	for (;;) {
		struct pd_kube_node n;
		struct pd_lease mine;

		if (list_nodes(d))
			goto retry;
		if (!ks->own) {
			pd_warn("no Node %s yet: waiting", ks->node);
			goto retry;
		}
		own_parse(d, &n);
		if (!cidrs_ok(d, &n))
			goto retry;
		self_of(d, &n);
		snprintf(d->own_key, sizeof(d->own_key), "%s", ks->node);
		if (!dev_done) {
			/* its last vtep mac, if it published one */
			memset(&mine, 0, sizeof(mine));
			if (n.ann[PD_ANN_BACKEND_DATA])
				pd_backend_data_parse(n.ann[PD_ANN_BACKEND_DATA],
						      &mine, false);
			if (pd_node_setup(d, n.ann[PD_ANN_NODE_PUBLIC_IP],
					  n.ann[PD_ANN_NODE_PUBLIC_IPV6]))
				return -1;
			if (pd_start_device(d, mine.has_mac ? mine.mac : NULL))
				goto retry;
			dev_done = true;
			want_of(d);
			ks->want.condition = d->f.set_node_network_unavailable;
		}
		map_rejudge(d);
		ks->own_changed = false;
		if (publish(d) == 0)
			break;
retry:
		sd_notify(0, "STATUS=waiting for the Node's PodCIDRs and the API server");
		if (pause_ms(d, backoff_next(&b)))
			return -1;
	}
	pd_info("node %s: subnet %s%s%s, vtep mac %s", ks->node,
		pn_prefix_str(&d->self.subnet, (char[PN_PREFIX_STRLEN]){ 0 },
			      PN_PREFIX_STRLEN),
		d->self.has_subnet6 ? " and " : "",
		d->self.has_subnet6 ?
		pn_prefix_str(&d->self.subnet6, (char[PN_PREFIX_STRLEN]){ 0 },
			      PN_PREFIX_STRLEN) : "",
		pn_mac_str(d->dp.mac, (char[PN_MAC_STRLEN]){ 0 }, PN_MAC_STRLEN));
	return 0;
}

static void kube_metrics(struct pd *d, FILE *f)
{
	struct kube_store *ks = KS(d);

	pd_metric(f, "podnetd_kube_up", "gauge",
		  "1 when the last request to the API server succeeded", NULL,
		  d->store_up);
	pd_metric_by(f, "podnetd_kube_errors_total",
		     "Requests to the API server that failed, by operation", "op",
		     pd_kube_op_names, ks->api.errors, PD_KOP_NR);
	pd_metric(f, "podnetd_kube_expired_total", "counter",
		  "Watches and lists the API server said expired (410)", NULL,
		  (double)ks->expirations);
	pd_metric(f, "podnetd_kube_bookmarks_total", "counter",
		  "Bookmarks of the watch", NULL, (double)ks->bookmarks);
	pd_metric(f, "podnetd_kube_publishes_total", "counter",
		  "PATCHes of the Node's status", NULL, (double)ks->publishes);
	pd_metric(f, "podnetd_kube_publish_errors_total", "counter",
		  "PATCHes of the Node's status that failed (retried)", NULL,
		  (double)ks->publish_errors);
	pd_metric(f, "podnetd_kube_token_reloads_total", "counter",
		  "Times the bearer token was read again from its file", NULL,
		  (double)ks->api.token_reloads);
	pd_metric(f, "podnetd_kube_podcidr_changes_total", "counter",
		  "Changes of the Node's PodCIDRs followed", NULL,
		  (double)ks->cidr_changes);
}

static void kube_fini(struct pd *d)
{
	struct kube_store *ks = KS(d);

	pd_kube_api_fini(&ks->api);
	json_object_put(ks->own);
	ks->own = NULL;
}

const struct pd_store_ops pd_store_kube = {
	.name = "kube",
	.item = "node",
	.init = kube_init,
	.config = kube_config,
	.acquire = kube_acquire,
	.watch = start_watch,
	.work = kube_work,
	.relist = kube_relist,
	.timers = kube_timers,
	.metrics = kube_metrics,
	.fini = kube_fini,
};
