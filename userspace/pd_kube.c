// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: the Kubernetes API's objects as flannel's kube subnet manager
 * uses them, and kubeconfig files. No I/O but reading what it is given.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <json-c/json.h>
#include <yaml.h>

#include "pd_kube.h"

static const char *const ann_suffix[PD_ANN_NR] = {
	[PD_ANN_MANAGED]		= "kube-subnet-manager",
	[PD_ANN_BACKEND_DATA]		= "backend-data",
	[PD_ANN_BACKEND_V6_DATA]	= "backend-v6-data",
	[PD_ANN_BACKEND_TYPE]		= "backend-type",
	[PD_ANN_PUBLIC_IP]		= "public-ip",
	[PD_ANN_PUBLIC_IPV6]		= "public-ipv6",
	[PD_ANN_NODE_PUBLIC_IP]		= "node-public-ip",
	[PD_ANN_NODE_PUBLIC_IPV6]	= "node-public-ipv6",
	[PD_ANN_PUBLIC_IP_OVERWRITE]	= "public-ip-overwrite",
	[PD_ANN_PUBLIC_IPV6_OVERWRITE]	= "public-ipv6-overwrite",
};

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '_';
}

/* "a.b" of [a-z0-9_-] labels, two at least; @n bytes of @s */
static bool domain_ok(const char *s, size_t n)
{
	size_t i, label = 0, dots = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (!label)
				return false;
			dots++;
			label = 0;
		} else if (name_char(s[i])) {
			label++;
		} else {
			return false;
		}
	}
	return label && dots && n <= 253;
}

int pd_kube_ann_init(struct pd_kube_ann *a, const char *prefix, char *err,
		     size_t errsize)
{
	char p[PD_ANN_MAX - 32];
	const char *slash = strchr(prefix, '/'), *name;
	size_t n, i;

	if (slash && strchr(slash + 1, '/'))
		return pd_fail(err, errsize, "--kube-annotation-prefix \"%s\": at most one '/'",
			    prefix);
	n = strlen(prefix);
	if (n + 2 > sizeof(p))
		return pd_fail(err, errsize, "--kube-annotation-prefix is too long");
	memcpy(p, prefix, n + 1);
	if (!slash)
		p[n++] = '/';
	else if (p[n - 1] != '/' && p[n - 1] != '-')
		p[n++] = '-';
	p[n] = '\0';
	slash = strchr(p, '/');
	/* fqdn "/" [name "-"], lower case, as flanneld's expression */
	if (!domain_ok(p, (size_t)(slash - p)))
		return pd_fail(err, errsize,
			    "--kube-annotation-prefix \"%s\" must be a DNS name, a '/' and an optional name",
			    prefix);
	for (name = slash + 1; *name; name++)
		if (!name_char(*name))
			return pd_fail(err, errsize,
				    "--kube-annotation-prefix \"%s\": '%c' after the '/'",
				    prefix, *name);
	if (strlen(slash + 1) + strlen("public-ipv6-overwrite") > 63)
		return pd_fail(err, errsize,
			    "--kube-annotation-prefix \"%s\": the names after the '/' would pass 63 characters",
			    prefix);
	for (i = 0; i < PD_ANN_NR; i++)
		snprintf(a->name[i], sizeof(a->name[i]), "%s%s", p,
			 ann_suffix[i]);
	return 0;
}

/* ------------------------------------------------------------ Node ---- */

static struct json_object *member(struct json_object *o, const char *key)
{
	return pd_json_member(o, key);
}

static const char *str_member(struct json_object *o, const char *key)
{
	struct json_object *m = member(o, key);

	return m && json_object_get_type(m) == json_type_string ?
	       json_object_get_string(m) : NULL;
}

int64_t pd_kube_time(const char *s)
{
	struct tm tm = { 0 };
	char *end;

	if (!s)
		return -1;
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	return (int64_t)timegm(&tm);
}

static void add_cidr(struct pd_kube_node *n, const char *s)
{
	struct pn_prefix p;

	if (!s || pn_parse_prefix(s, &p) || !strchr(s, '/')) {
		n->cidr_bad = true;
		return;
	}
	if (p.addr.family == AF_INET) {
		n->cidr_bad |= n->has4;
		n->cidr4 = p;
		n->has4 = true;
	} else {
		n->cidr_bad |= n->has6;
		n->cidr6 = p;
		n->has6 = true;
	}
}

int pd_kube_node_parse(struct json_object *o, const struct pd_kube_ann *a,
		       struct pd_kube_node *n)
{
	struct json_object *meta = member(o, "metadata"), *spec, *cidrs;
	struct json_object *anns, *conds;
	size_t i, len;

	memset(n, 0, sizeof(*n));
	if (!o || json_object_get_type(o) != json_type_object)
		return -1;
	n->name = str_member(meta, "name");
	if (!n->name || !n->name[0])
		return -1;
	n->rv = str_member(meta, "resourceVersion");
	n->created = pd_kube_time(str_member(meta, "creationTimestamp"));
	anns = member(meta, "annotations");
	for (i = 0; i < PD_ANN_NR; i++)
		n->ann[i] = str_member(anns, a->name[i]);
	spec = member(o, "spec");
	cidrs = member(spec, "podCIDRs");
	len = cidrs && json_object_get_type(cidrs) == json_type_array ?
	      json_object_array_length(cidrs) : 0;
	for (i = 0; i < len; i++) {
		struct json_object *c = json_object_array_get_idx(cidrs, i);

		add_cidr(n, json_object_get_type(c) == json_type_string ?
			 json_object_get_string(c) : NULL);
	}
	if (!len && str_member(spec, "podCIDR"))
		add_cidr(n, str_member(spec, "podCIDR"));
	if (len > 2)
		n->cidr_bad = true;
	conds = member(member(o, "status"), "conditions");
	len = conds && json_object_get_type(conds) == json_type_array ?
	      json_object_array_length(conds) : 0;
	for (i = 0; i < len; i++) {
		struct json_object *c = json_object_array_get_idx(conds, i);
		const char *type = str_member(c, "type");
		const char *status = str_member(c, "status");

		if (type && !strcmp(type, "NetworkUnavailable"))
			n->net_ok = status && !strcmp(status, "False");
	}
	return 0;
}

enum pd_skip pd_kube_lease(const struct pd_kube_node *n,
			   const struct pd_netconf *nc, struct pd_lease *l)
{
	const char *ip = n->ann[PD_ANN_PUBLIC_IP];
	const char *ip6 = n->ann[PD_ANN_PUBLIC_IPV6];
	const char *bt = n->ann[PD_ANN_BACKEND_TYPE];
	const char *bd = n->ann[PD_ANN_BACKEND_DATA];
	const char *bd6 = n->ann[PD_ANN_BACKEND_V6_DATA];

	memset(l, 0, sizeof(*l));
	if (!n->ann[PD_ANN_MANAGED] || strcmp(n->ann[PD_ANN_MANAGED], "true"))
		return PD_SKIP_PENDING;
	if (!n->has4 || n->cidr_bad || (nc->enable_ipv6 && !n->has6))
		return PD_SKIP_PODCIDR;
	l->subnet = n->cidr4;
	if (nc->enable_ipv6) {
		l->has_subnet6 = true;
		l->subnet6 = n->cidr6;
	}
	if (!ip || pn_parse_addr(ip, &l->public_ip) ||
	    l->public_ip.family != AF_INET)
		return PD_SKIP_JSON;
	if (nc->enable_ipv6 && ip6) {
		if (pn_parse_addr(ip6, &l->public_ip6) ||
		    l->public_ip6.family != AF_INET6)
			return PD_SKIP_JSON;
		l->has_public_ip6 = true;
	}
	if (!bt || strlen(bt) >= sizeof(l->backend_type))
		return PD_SKIP_JSON;
	snprintf(l->backend_type, sizeof(l->backend_type), "%s", bt);
	if ((bd && pd_backend_data_parse(bd, l, false)) ||
	    (l->has_public_ip6 && bd6 && pd_backend_data_parse(bd6, l, true)))
		return PD_SKIP_JSON;
	return PD_SKIP_NONE;
}

/* ----------------------------------------------- answers, events ---- */

void pd_kube_status_of(struct json_object *o, struct pd_kube_status *st)
{
	struct json_object *code = member(o, "code");
	const char *kind = str_member(o, "kind");

	memset(st, 0, sizeof(*st));
	if (!kind || strcmp(kind, "Status"))
		return;
	if (code && json_object_get_type(code) == json_type_int)
		st->code = json_object_get_int(code);
	snprintf(st->reason, sizeof(st->reason), "%s",
		 str_member(o, "reason") ? str_member(o, "reason") : "");
	snprintf(st->message, sizeof(st->message), "%s",
		 str_member(o, "message") ? str_member(o, "message") : "");
}

void pd_kube_status_parse(const char *body, size_t len,
			  struct pd_kube_status *st)
{
	struct json_object *o = body && len ? pd_json_object(body, len) : NULL;

	pd_kube_status_of(o, st);
	json_object_put(o);
	if (!st->code && body && len)
		snprintf(st->message, sizeof(st->message), "%.*s",
			 (int)(len > 200 ? 200 : len), body);
}

int pd_kube_list_parse(const char *json, size_t len, struct pd_kube_list *l)
{
	struct json_object *meta;
	const char *kind;

	memset(l, 0, sizeof(*l));
	l->root = pd_json_object(json, len);
	kind = str_member(l->root, "kind");
	meta = member(l->root, "metadata");
	l->items = member(l->root, "items");
	l->rv = str_member(meta, "resourceVersion");
	l->cont = str_member(meta, "continue");
	if (l->cont && !l->cont[0])
		l->cont = NULL;
	if (!kind || strcmp(kind, "NodeList") || !l->rv || !l->rv[0] ||
	    (l->items && json_object_get_type(l->items) != json_type_array)) {
		pd_kube_list_free(l);
		return -1;
	}
	/* an empty list may say "items": null */
	l->n = l->items ? json_object_array_length(l->items) : 0;
	return 0;
}

void pd_kube_list_free(struct pd_kube_list *l)
{
	json_object_put(l->root);
	memset(l, 0, sizeof(*l));
}

int pd_kube_event_parse(const char *line, size_t len,
			struct pd_kube_event *ev)
{
	static const char *const types[] = {
		[PD_EV_ADDED] = "ADDED", [PD_EV_MODIFIED] = "MODIFIED",
		[PD_EV_DELETED] = "DELETED", [PD_EV_BOOKMARK] = "BOOKMARK",
		[PD_EV_ERROR] = "ERROR",
	};
	const char *type;
	size_t i;

	memset(ev, 0, sizeof(*ev));
	ev->root = pd_json_object(line, len);
	type = str_member(ev->root, "type");
	ev->object = member(ev->root, "object");
	for (i = 0; type && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(type, types[i]))
			break;
	if (!type || i == sizeof(types) / sizeof(types[0]) || !ev->object ||
	    json_object_get_type(ev->object) != json_type_object) {
		pd_kube_event_free(ev);
		return -1;
	}
	ev->type = (enum pd_kube_ev)i;
	if (ev->type == PD_EV_ERROR) {
		pd_kube_status_of(ev->object, &ev->st);
		return 0;
	}
	ev->rv = str_member(member(ev->object, "metadata"), "resourceVersion");
	if (!ev->rv || !ev->rv[0]) {
		pd_kube_event_free(ev);
		return -1;
	}
	return 0;
}

void pd_kube_event_free(struct pd_kube_event *ev)
{
	json_object_put(ev->root);
	memset(ev, 0, sizeof(*ev));
}

/* ----------------------------------------------------------- patch ---- */

struct kv {
	const char *k, *v;
};

static int kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->k, ((const struct kv *)b)->k);
}

static const char *set(const char *v)
{
	return v && v[0] ? v : NULL;
}

char *pd_kube_patch(const struct pd_kube_ann *a, const struct pd_kube_node *n,
		    const struct pd_kube_pub *want, const char *now, bool *err)
{
	const char *ow = set(n->ann[PD_ANN_PUBLIC_IP_OVERWRITE]);
	const char *ow6 = set(n->ann[PD_ANN_PUBLIC_IPV6_OVERWRITE]);
	struct kv all[6] = {
		{ a->name[PD_ANN_MANAGED], "true" },
		{ a->name[PD_ANN_BACKEND_TYPE], want->backend_type },
		{ a->name[PD_ANN_BACKEND_DATA], want->backend_data },
		{ a->name[PD_ANN_PUBLIC_IP], ow ? ow : want->public_ip },
		{ a->name[PD_ANN_BACKEND_V6_DATA], want->backend_data },
		{ a->name[PD_ANN_PUBLIC_IPV6], ow6 ? ow6 : want->public_ip6 },
	};
	struct json_object *patch, *anns, *cond, *conds, *status, *meta;
	size_t i, nall = want->has6 ? 6 : 4, nann = 0;
	struct kv diff[6];
	char *out = NULL;

	*err = false;
	for (i = 0; i < nall; i++) {
		const char *cur = n->ann[i == 0 ? PD_ANN_MANAGED :
					 i == 1 ? PD_ANN_BACKEND_TYPE :
					 i == 2 ? PD_ANN_BACKEND_DATA :
					 i == 3 ? PD_ANN_PUBLIC_IP :
					 i == 4 ? PD_ANN_BACKEND_V6_DATA :
					 PD_ANN_PUBLIC_IPV6];

		if (!cur || strcmp(cur, all[i].v))
			diff[nann++] = all[i];
	}
	if (!nann && (!want->condition || n->net_ok))
		return NULL;
	/* sorted, as Go marshals a map */
	qsort(diff, nann, sizeof(diff[0]), kv_cmp);
	patch = json_object_new_object();
	if (!patch) {
		*err = true;
		return NULL;
	}
	if (nann) {
		meta = json_object_new_object();
		anns = json_object_new_object();
		json_object_object_add(patch, "metadata", meta);
		json_object_object_add(meta, "annotations", anns);
		for (i = 0; i < nann; i++)
			json_object_object_add(anns, diff[i].k,
					       json_object_new_string(diff[i].v));
	}
	if (want->condition && !n->net_ok) {
		/* a NodeCondition's fields in Go's order; merged by "type" */
		status = json_object_new_object();
		conds = json_object_new_array();
		cond = json_object_new_object();
		json_object_object_add(patch, "status", status);
		json_object_object_add(status, "conditions", conds);
		json_object_array_add(conds, cond);
		json_object_object_add(cond, "type",
				       json_object_new_string("NetworkUnavailable"));
		json_object_object_add(cond, "status", json_object_new_string("False"));
		json_object_object_add(cond, "lastHeartbeatTime",
				       json_object_new_string(now));
		json_object_object_add(cond, "lastTransitionTime",
				       json_object_new_string(now));
		json_object_object_add(cond, "reason",
				       json_object_new_string("PodnetIsUp"));
		json_object_object_add(cond, "message",
				       json_object_new_string("podnetd is running on this node"));
	}
	out = strdup(json_object_to_json_string_ext(patch, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(patch);
	*err = !out;
	return out;
}

/* ------------------------------------------------------ kubeconfig ---- */

static yaml_node_t *ymap_get(yaml_document_t *doc, yaml_node_t *map,
			     const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);

		if (k && k->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)k->data.scalar.value, key))
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static const char *yscalar(yaml_document_t *doc, yaml_node_t *map,
			   const char *key)
{
	yaml_node_t *v = ymap_get(doc, map, key);

	return v && v->type == YAML_SCALAR_NODE ?
	       (const char *)v->data.scalar.value : NULL;
}

/* The @what ("cluster", "user", "context") of the item named @name of
 * sequence @list ("clusters", ...).
 */
static yaml_node_t *ynamed(yaml_document_t *doc, yaml_node_t *root,
			   const char *list, const char *name,
			   const char *what)
{
	yaml_node_t *seq = ymap_get(doc, root, list);
	yaml_node_item_t *i;

	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return NULL;
	for (i = seq->data.sequence.items.start;
	     i < seq->data.sequence.items.top; i++) {
		yaml_node_t *item = yaml_document_get_node(doc, *i);
		const char *n = yscalar(doc, item, "name");

		if (n && !strcmp(n, name))
			return ymap_get(doc, item, what);
	}
	return NULL;
}

/* A path of the file, absolute */
static char *path_of(const char *dir, const char *p)
{
	char *s;

	if (p[0] == '/' || !dir)
		return strdup(p);
	return asprintf(&s, "%s/%s", dir, p) < 0 ? NULL : s;
}

/* @key (a file) or @key-data (base64 PEM) of @map */
static int file_or_data(yaml_document_t *doc, yaml_node_t *map,
			const char *key, const char *dir, char **file,
			char **pem, char *err, size_t errsize)
{
	char data_key[64];
	const char *f = yscalar(doc, map, key), *d;
	size_t len;

	snprintf(data_key, sizeof(data_key), "%s-data", key);
	d = yscalar(doc, map, data_key);
	if (d && d[0]) {
		*pem = pd_b64_decode(d, &len);
		if (!*pem)
			return pd_fail(err, errsize, "%s is not base64", data_key);
	} else if (f && f[0]) {
		*file = path_of(dir, f);
		if (!*file)
			return pd_fail(err, errsize, "out of memory");
	}
	return 0;
}

int pd_kubeconf_parse(const char *text, size_t len, const char *dir,
		      struct pd_kubeconf *kc, char *err, size_t errsize)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *ctx, *cluster, *user;
	const char *cur, *cname, *uname, *s;
	int ret = -1;

	memset(kc, 0, sizeof(*kc));
	if (!yaml_parser_initialize(&parser))
		return pd_fail(err, errsize, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		pd_fail(err, errsize, "not YAML: %s at line %zu",
		     parser.problem ? parser.problem : "?",
		     parser.problem_mark.line + 1);
		yaml_parser_delete(&parser);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		pd_fail(err, errsize, "not a kubeconfig (no mapping)");
		goto out;
	}
	cur = yscalar(&doc, root, "current-context");
	if (!cur || !cur[0]) {
		pd_fail(err, errsize, "no current-context");
		goto out;
	}
	ctx = ynamed(&doc, root, "contexts", cur, "context");
	if (!ctx) {
		pd_fail(err, errsize, "no context \"%s\"", cur);
		goto out;
	}
	cname = yscalar(&doc, ctx, "cluster");
	uname = yscalar(&doc, ctx, "user");
	cluster = cname ? ynamed(&doc, root, "clusters", cname, "cluster") : NULL;
	if (!cluster) {
		pd_fail(err, errsize, "context \"%s\": no cluster \"%s\"", cur,
		     cname ? cname : "");
		goto out;
	}
	s = yscalar(&doc, cluster, "server");
	if (!s || (strncmp(s, "https://", 8) && strncmp(s, "http://", 7))) {
		pd_fail(err, errsize, "cluster \"%s\": no https:// server", cname);
		goto out;
	}
	kc->server = strdup(s);
	s = yscalar(&doc, cluster, "insecure-skip-tls-verify");
	kc->insecure = s && !strcmp(s, "true");
	if (file_or_data(&doc, cluster, "certificate-authority", dir,
			 &kc->ca_file, &kc->ca_pem, err, errsize))
		goto out;
	/* a context without a user: anonymous */
	user = uname && uname[0] ? ynamed(&doc, root, "users", uname, "user") : NULL;
	if (uname && uname[0] && !user) {
		pd_fail(err, errsize, "context \"%s\": no user \"%s\"", cur, uname);
		goto out;
	}
	if (user && (ymap_get(&doc, user, "exec") ||
		     ymap_get(&doc, user, "auth-provider") ||
		     yscalar(&doc, user, "username"))) {
		pd_fail(err, errsize,
		     "user \"%s\": exec, auth-provider and basic authentication are not supported (a token, a token file or a client certificate are)",
		     uname);
		goto out;
	}
	if (user) {
		s = yscalar(&doc, user, "token");
		if (s && s[0])
			kc->token = strdup(s);
		s = yscalar(&doc, user, "tokenFile");
		if (s && s[0])
			kc->token_file = path_of(dir, s);
		if (file_or_data(&doc, user, "client-certificate", dir,
				 &kc->cert_file, &kc->cert_pem, err, errsize) ||
		    file_or_data(&doc, user, "client-key", dir, &kc->key_file,
				 &kc->key_pem, err, errsize))
			goto out;
		if (!(kc->cert_file || kc->cert_pem) !=
		    !(kc->key_file || kc->key_pem)) {
			pd_fail(err, errsize,
			     "user \"%s\": a client certificate goes with its key",
			     uname);
			goto out;
		}
	}
	ret = kc->server ? 0 : pd_fail(err, errsize, "out of memory");
out:
	if (ret)
		pd_kubeconf_free(kc);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ret;
}

int pd_kubeconf_pod(const char *host, const char *port, const char *sa_dir,
		    struct pd_kubeconf *kc, char *err, size_t errsize)
{
	bool v6 = host && strchr(host, ':');

	memset(kc, 0, sizeof(*kc));
	if (!host || !host[0] || !port || !port[0])
		return pd_fail(err, errsize,
			    "not in a pod (no KUBERNETES_SERVICE_HOST and _PORT): give --kubeconfig-file or --kube-api-url");
	if (asprintf(&kc->server, v6 ? "https://[%s]:%s" : "https://%s:%s",
		     host, port) < 0)
		kc->server = NULL;
	if (asprintf(&kc->token_file, "%s/token", sa_dir) < 0)
		kc->token_file = NULL;
	if (asprintf(&kc->ca_file, "%s/ca.crt", sa_dir) < 0)
		kc->ca_file = NULL;
	if (!kc->server || !kc->token_file || !kc->ca_file) {
		pd_kubeconf_free(kc);
		return pd_fail(err, errsize, "out of memory");
	}
	return 0;
}

void pd_kubeconf_free(struct pd_kubeconf *kc)
{
	free(kc->server);
	free(kc->ca_file);
	free(kc->ca_pem);
	free(kc->cert_file);
	free(kc->cert_pem);
	free(kc->key_file);
	free(kc->key_pem);
	free(kc->token);
	free(kc->token_file);
	memset(kc, 0, sizeof(*kc));
}
