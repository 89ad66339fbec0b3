// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: etcd v3 through its JSON gateway. Keys and values travel in
 * base64, 64-bit integers as JSON strings, zero values are left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "pd_etcd.h"

#define MAX_ANSWER	(256U << 20)	/* bytes of one unary answer */
#define MAX_LINE	(64U << 20)	/* bytes of one watch message */

const char *const pd_etcd_op_names[PD_OP_NR] = {
	[PD_OP_RANGE]	= "range",
	[PD_OP_TXN]	= "txn",
	[PD_OP_PUT]	= "put",
	[PD_OP_GRANT]	= "lease_grant",
	[PD_OP_REVOKE]	= "lease_revoke",
	[PD_OP_AUTH]	= "authenticate",
	[PD_OP_WATCH]	= "watch",
};

void pd_kvs_free(struct pd_kvs *kvs)
{
	size_t i;

	for (i = 0; i < kvs->n; i++) {
		free(kvs->v[i].key);
		free(kvs->v[i].value);
	}
	free(kvs->v);
	memset(kvs, 0, sizeof(*kvs));
}

/* ------------------------------------------------------------ JSON ---- */


/* An int64 the gateway sends as a string (or a number); absent: 0. */
static int64_t get_i64(struct json_object *o, const char *key)
{
	struct json_object *m = pd_json_member(o, key);

	if (!m)
		return 0;
	if (json_object_get_type(m) == json_type_string)
		return strtoll(json_object_get_string(m), NULL, 10);
	return json_object_get_int64(m);
}

/* A base64 member decoded; absent: "". NULL when it is not base64. */
static char *get_b64(struct json_object *o, const char *key, size_t *len)
{
	struct json_object *m = pd_json_member(o, key);

	*len = 0;
	if (!m)
		return strdup("");
	if (json_object_get_type(m) != json_type_string)
		return NULL;
	return pd_b64_decode(json_object_get_string(m), len);
}

static int kv_add(struct pd_kvs *kvs, struct json_object *kv, bool deleted)
{
	struct pd_kv *v;
	size_t klen;

	if (kvs->n == kvs->size) {
		size_t size = kvs->size ? kvs->size * 2 : 64;
		struct pd_kv *p = reallocarray(kvs->v, size, sizeof(*p));

		if (!p)
			return -1;
		kvs->v = p;
		kvs->size = size;
	}
	v = &kvs->v[kvs->n];
	memset(v, 0, sizeof(*v));
	v->key = get_b64(kv, "key", &klen);
	v->value = get_b64(kv, "value", &v->vlen);
	if (!v->key || !v->value || klen != strlen(v->key)) {
		free(v->key);
		free(v->value);
		return -1;
	}
	v->create_revision = get_i64(kv, "create_revision");
	v->mod_revision = get_i64(kv, "mod_revision");
	v->lease = get_i64(kv, "lease");
	v->deleted = deleted;
	kvs->n++;
	return 0;
}

/* A range answer's keys and revision. */
static int range_of(struct json_object *o, struct pd_kvs *out, int64_t *revision)
{
	struct json_object *kvs = pd_json_member(o, "kvs");
	size_t i, n;

	memset(out, 0, sizeof(*out));
	*revision = get_i64(pd_json_member(o, "header"), "revision");
	n = kvs && json_object_get_type(kvs) == json_type_array ?
	    json_object_array_length(kvs) : 0;
	for (i = 0; i < n; i++) {
		if (kv_add(out, json_object_array_get_idx(kvs, i), false)) {
			pd_kvs_free(out);
			return -1;
		}
	}
	return *revision > 0 ? 0 : -1;
}

int pd_range_parse(const char *json, size_t len, struct pd_kvs *out,
		   int64_t *revision)
{
	struct json_object *o = pd_json_object(json, len);
	int ret;

	memset(out, 0, sizeof(*out));
	if (!o)
		return -1;
	ret = range_of(o, out, revision);
	json_object_put(o);
	return ret;
}

void pd_watch_msg_free(struct pd_watch_msg *m)
{
	pd_kvs_free(&m->events);
	free((char *)m->error);
	memset(m, 0, sizeof(*m));
}

/* The message of an error object (3.4/3.5: "error" a string and
 * "message"; 3.6: "error" an object with "message" or "grpc_code").
 */
static char *error_text(struct json_object *err)
{
	struct json_object *msg;
	char buf[256];

	if (json_object_get_type(err) == json_type_string)
		return strdup(json_object_get_string(err));
	msg = pd_json_member(err, "message");
	if (msg && json_object_get_type(msg) == json_type_string)
		return strdup(json_object_get_string(msg));
	snprintf(buf, sizeof(buf), "%s", json_object_to_json_string(err));
	return strdup(buf);
}

int pd_watch_parse(const char *line, size_t len, struct pd_watch_msg *m)
{
	struct json_object *o = pd_json_object(line, len), *r, *evs, *err;
	size_t i, n;

	memset(m, 0, sizeof(*m));
	if (!o)
		return -1;
	err = pd_json_member(o, "error");
	if (err) {
		m->error = error_text(err);
		json_object_put(o);
		return m->error ? 0 : -1;
	}
	r = pd_json_member(o, "result");
	if (!r) {
		json_object_put(o);
		return -1;
	}
	m->revision = get_i64(pd_json_member(r, "header"), "revision");
	m->created = pd_json_member(r, "created") &&
		     json_object_get_boolean(pd_json_member(r, "created"));
	m->canceled = pd_json_member(r, "canceled") &&
		      json_object_get_boolean(pd_json_member(r, "canceled"));
	m->compact_revision = get_i64(r, "compact_revision");
	if (m->canceled && pd_json_member(r, "cancel_reason"))
		m->error = strdup(json_object_get_string(pd_json_member(r, "cancel_reason")));
	evs = pd_json_member(r, "events");
	n = evs && json_object_get_type(evs) == json_type_array ?
	    json_object_array_length(evs) : 0;
	for (i = 0; i < n; i++) {
		struct json_object *ev = json_object_array_get_idx(evs, i);
		struct json_object *type = pd_json_member(ev, "type");
		bool del = type && !strcmp(json_object_get_string(type), "DELETE");

		if (kv_add(&m->events, pd_json_member(ev, "kv"), del)) {
			pd_watch_msg_free(m);
			json_object_put(o);
			return -1;
		}
	}
	json_object_put(o);
	return 0;
}

/* --------------------------------------------------------- requests ---- */

int pd_etcd_init(struct pd_etcd *e, const struct pd_flags *f,
		 struct pd_http *http)
{
	memset(e, 0, sizeof(*e));
	e->f = f;
	e->http = http;
	e->tls.cafile = f->cafile;
	e->tls.certfile = f->certfile;
	e->tls.keyfile = f->keyfile;
	return 0;
}

void pd_etcd_fini(struct pd_etcd *e)
{
	pd_etcd_watch_stop(e);
}

/* URL of @path at endpoint @idx (without a trailing slash of its own). */
static void url_of(const struct pd_etcd *e, unsigned int idx,
		   const char *path, char *buf, size_t size)
{
	const char *ep = e->f->endpoints[idx];
	size_t n = strlen(ep);

	while (n > 0 && ep[n - 1] == '/')
		n--;
	snprintf(buf, size, "%.*s%s", (int)n, ep, path);
}

/*
 * With TLS 1.3 a member that refuses our client certificate says so after
 * the handshake: curl sees a connection reset at the first send or
 * receive, not the alert. Say what it most likely means.
 */
static const char *tls_hint(const struct pd_etcd *e, unsigned int idx,
			    CURLcode rc)
{
	if (strncmp(e->f->endpoints[idx], "https://", 8))
		return "";
	if (rc == CURLE_PEER_FAILED_VERIFICATION)
		return " (the member's certificate is not signed by --etcd-cafile's CA)";
	if (!e->f->certfile)
		return rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR ||
		       rc == CURLE_SSL_CONNECT_ERROR ?
		       " (the member closed the TLS connection: does it want a client certificate, --etcd-certfile?)" : "";
	if (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR ||
	    rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CERTPROBLEM)
		return " (the member closed the TLS connection: it does not take the client certificate --etcd-certfile, or its CA)";
	return "";
}

/*
 * One POST of @body to @path at endpoint @idx. Return: the HTTP status
 * (0: no answer, e->err says why), the answer in @ans.
 */
static long post(struct pd_etcd *e, unsigned int idx, const char *path,
		 const char *body, bool with_token, struct pd_buf *ans)
{
	char url[1024], auth[1100], err[CURL_ERROR_SIZE];
	struct curl_slist *hdrs = NULL;
	long status;
	CURLcode rc;

	url_of(e, idx, path, url, sizeof(url));
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	if (with_token && e->token[0]) {
		snprintf(auth, sizeof(auth), "Authorization: %s", e->token);
		hdrs = curl_slist_append(hdrs, auth);
	}
	status = pd_http_do(e->http, "POST", url, hdrs, body, &e->tls, ans,
			    err, sizeof(err), &rc);
	curl_slist_free_all(hdrs);
	if (!status)
		snprintf(e->err, sizeof(e->err), "%s: %s%s", e->f->endpoints[idx],
			 err, tls_hint(e, idx, rc));
	return status;
}

/* The error of a non-200 answer into e->err; its gRPC code, or -1. */
static int answer_error(struct pd_etcd *e, unsigned int idx, long status,
			const struct pd_buf *ans)
{
	struct json_object *o = ans->len ? pd_json_object(ans->p, ans->len) : NULL;
	struct json_object *msg = pd_json_member(o, "message"), *err = pd_json_member(o, "error");
	int code = (int)get_i64(o, "code");
	char *text = NULL;

	if (!msg && err)
		text = error_text(err);
	snprintf(e->err, sizeof(e->err), "%s: HTTP %ld: %s",
		 e->f->endpoints[idx], status,
		 msg ? json_object_get_string(msg) :
		 text ? text : ans->len ? ans->p : "(no message)");
	free(text);
	if (strstr(e->err, "CommonName of client"))
		snprintf(e->err + strlen(e->err), sizeof(e->err) - strlen(e->err),
			 " (with authentication on, etcd's gateway takes only client certificates without a Common Name)");
	if (!o)
		code = -1;
	json_object_put(o);
	return code;
}

/* POST /v3/auth/authenticate to endpoint @idx: its token in e->token. */
static int authenticate(struct pd_etcd *e, unsigned int idx)
{
	struct pd_buf ans = { .max = MAX_ANSWER };
	struct json_object *req = json_object_new_object(), *o;
	long status;
	int ret = -1;

	e->token[0] = '\0';
	json_object_object_add(req, "name",
			       json_object_new_string(e->f->username));
	json_object_object_add(req, "password",
			       json_object_new_string(e->f->password));
	status = post(e, idx, "/v3/auth/authenticate",
		      json_object_to_json_string(req), false, &ans);
	json_object_put(req);
	if (status == 200 && (o = pd_json_object(ans.p, ans.len))) {
		struct json_object *tok = pd_json_member(o, "token");

		if (tok && json_object_get_type(tok) == json_type_string &&
		    json_object_get_string_len(tok) < (int)sizeof(e->token)) {
			snprintf(e->token, sizeof(e->token), "%s",
				 json_object_get_string(tok));
			ret = 0;
		} else {
			snprintf(e->err, sizeof(e->err), "%s: no token in the answer",
				 e->f->endpoints[idx]);
		}
		json_object_put(o);
	} else if (status) {
		answer_error(e, idx, status, &ans);
	}
	if (ret)
		e->errors[PD_OP_AUTH]++;
	free(ans.p);
	return ret;
}

/* gRPC codes for which another endpoint may do better. */
static bool endpoint_trouble(long status, int code)
{
	/* UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, UNKNOWN (3.4's timeouts) */
	return status >= 500 || code == 14 || code == 4 || code == 10 ||
	       code == 2;
}

/*
 * POST @body to @path, at the endpoint in use, else at the others in
 * turn. Return: 0 and the answer's JSON in *@out, or -1 with e->err.
 */
static int request(struct pd_etcd *e, enum pd_etcd_op op, const char *path,
		   const char *body, struct json_object **out)
{
	struct pd_buf ans = { .max = MAX_ANSWER };
	unsigned int i, n = e->f->nendpoints;
	int ret = -1;

	*out = NULL;
	for (i = 0; i < n; i++) {
		unsigned int idx = (e->cur + i) % n;
		bool retried = false;
		long status;
		int code;

		if (i > 0 || idx != e->cur) {
			e->failovers++;
			e->token[0] = '\0';	/* simple tokens are per member */
		}
again:
		if (e->f->username && !e->token[0] && authenticate(e, idx))
			continue;
		status = post(e, idx, path, body, true, &ans);
		if (status == 0)
			continue;
		if (status == 200) {
			*out = pd_json_object(ans.p, ans.len);
			if (!*out)
				snprintf(e->err, sizeof(e->err),
					 "%s: the answer is not a JSON object%s",
					 e->f->endpoints[idx],
					 ans.overflow ? " (too large)" : "");
			e->cur = idx;
			ret = *out ? 0 : -1;
			break;
		}
		code = answer_error(e, idx, status, &ans);
		/* UNAUTHENTICATED, or an expired or unknown token */
		if (e->f->username && !retried &&
		    (code == 16 || strstr(e->err, "invalid auth token"))) {
			retried = true;
			e->token[0] = '\0';
			goto again;
		}
		if (endpoint_trouble(status, code))
			continue;
		e->cur = idx;
		break;
	}
	if (ret)
		e->errors[op]++;
	free(ans.p);
	return ret;
}

static char *b64_str(const char *s)
{
	return pd_b64_encode(s, strlen(s));
}

int pd_etcd_range(struct pd_etcd *e, const char *key, const char *range_end,
		  struct pd_kvs *out, int64_t *revision)
{
	struct json_object *req = json_object_new_object(), *ans;
	char *k = b64_str(key), *end = range_end[0] ? b64_str(range_end) : NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	json_object_object_add(req, "key", json_object_new_string(k));
	if (end)
		json_object_object_add(req, "range_end", json_object_new_string(end));
	free(k);
	free(end);
	ret = request(e, PD_OP_RANGE, "/v3/kv/range",
		      json_object_to_json_string(req), &ans);
	json_object_put(req);
	if (ret)
		return -1;
	ret = range_of(ans, out, revision);
	json_object_put(ans);
	if (ret) {
		snprintf(e->err, sizeof(e->err), "range: the answer does not parse");
		e->errors[PD_OP_RANGE]++;
	}
	return ret;
}

int pd_etcd_put_if(struct pd_etcd *e, const char *key, const char *value,
		   int64_t lease, int64_t mod_revision, bool *done,
		   int64_t *revision)
{
	struct json_object *req = json_object_new_object(), *ans;
	struct json_object *cmp = json_object_new_object();
	struct json_object *put = json_object_new_object();
	struct json_object *succ = json_object_new_object();
	struct json_object *cmps = json_object_new_array();
	struct json_object *succs = json_object_new_array();
	char *k = b64_str(key), *v = b64_str(value), num[32];
	int ret;

	json_object_object_add(cmp, "key", json_object_new_string(k));
	if (mod_revision < 0) {
		json_object_object_add(cmp, "target", json_object_new_string("VERSION"));
		json_object_object_add(cmp, "version", json_object_new_string("0"));
	} else {
		snprintf(num, sizeof(num), "%lld", (long long)mod_revision);
		json_object_object_add(cmp, "target", json_object_new_string("MOD"));
		json_object_object_add(cmp, "mod_revision", json_object_new_string(num));
	}
	json_object_object_add(cmp, "result", json_object_new_string("EQUAL"));
	json_object_array_add(cmps, cmp);
	json_object_object_add(put, "key", json_object_new_string(k));
	json_object_object_add(put, "value", json_object_new_string(v));
	if (lease) {
		snprintf(num, sizeof(num), "%lld", (long long)lease);
		json_object_object_add(put, "lease", json_object_new_string(num));
	}
	json_object_object_add(succ, "request_put", put);
	json_object_array_add(succs, succ);
	json_object_object_add(req, "compare", cmps);
	json_object_object_add(req, "success", succs);
	free(k);
	free(v);
	ret = request(e, PD_OP_TXN, "/v3/kv/txn", json_object_to_json_string(req),
		      &ans);
	json_object_put(req);
	if (ret)
		return -1;
	/* a false "succeeded" is a zero value: left out */
	*done = pd_json_member(ans, "succeeded") &&
		json_object_get_boolean(pd_json_member(ans, "succeeded"));
	*revision = get_i64(pd_json_member(ans, "header"), "revision");
	json_object_put(ans);
	return 0;
}

int pd_etcd_delete_if(struct pd_etcd *e, const char *key, int64_t mod_revision,
		      bool *done)
{
	char *k = b64_str(key), *body = NULL;
	struct json_object *ans;
	int ret = -1;

	if (k && asprintf(&body,
			  "{\"compare\":[{\"key\":\"%s\",\"target\":\"MOD\",\"result\":\"EQUAL\","
			  "\"mod_revision\":\"%lld\"}],\"success\":[{\"request_delete_range\":"
			  "{\"key\":\"%s\"}}]}", k, (long long)mod_revision, k) > 0 &&
	    request(e, PD_OP_TXN, "/v3/kv/txn", body, &ans) == 0) {
		*done = pd_json_member(ans, "succeeded") &&
			json_object_get_boolean(pd_json_member(ans, "succeeded"));
		json_object_put(ans);
		ret = 0;
	}
	free(k);
	free(body);
	return ret;
}

int pd_etcd_grant(struct pd_etcd *e, int64_t ttl, int64_t *id)
{
	char body[64];
	struct json_object *ans;

	snprintf(body, sizeof(body), "{\"TTL\":\"%lld\"}", (long long)ttl);
	if (request(e, PD_OP_GRANT, "/v3/lease/grant", body, &ans))
		return -1;
	*id = get_i64(ans, "ID");
	json_object_put(ans);
	if (*id)
		return 0;
	snprintf(e->err, sizeof(e->err), "lease grant: no ID in the answer");
	e->errors[PD_OP_GRANT]++;
	return -1;
}

int pd_etcd_revoke(struct pd_etcd *e, int64_t id)
{
	char body[64];
	struct json_object *ans;

	snprintf(body, sizeof(body), "{\"ID\":\"%lld\"}", (long long)id);
	if (request(e, PD_OP_REVOKE, "/v3/lease/revoke", body, &ans))
		return -1;
	json_object_put(ans);
	return 0;
}

/* ------------------------------------------------------------ watch ---- */

/* Each line of the stream is one message. */
static void watch_line(void *arg, const char *line, size_t len, long status)
{
	struct pd_etcd *e = arg;
	struct pd_watch_msg m;

	(void)status;	/* an error answer is a message with "error" too */
	if (pd_watch_parse(line, len, &m) == 0) {
		e->watch_cb(e->watch_arg, &m);
		pd_watch_msg_free(&m);
	} else {
		pd_warn("etcd watch: a message that does not parse: %.*s",
			(int)(len > 200 ? 200 : len), line);
	}
}

int pd_etcd_watch_start(struct pd_etcd *e, const char *key,
			const char *range_end, int64_t revision,
			pd_watch_cb cb, void *arg)
{
	char url[1024], auth[1100], *k, *end, rev[32];
	struct json_object *req, *create;
	struct curl_slist *hdrs;
	int ret;

	pd_etcd_watch_stop(e);
	if (e->f->username && !e->token[0] && authenticate(e, e->cur)) {
		e->errors[PD_OP_WATCH]++;
		return -1;
	}
	req = json_object_new_object();
	create = json_object_new_object();
	k = b64_str(key);
	end = b64_str(range_end);
	snprintf(rev, sizeof(rev), "%lld", (long long)revision);
	json_object_object_add(create, "key", json_object_new_string(k));
	json_object_object_add(create, "range_end", json_object_new_string(end));
	json_object_object_add(create, "start_revision", json_object_new_string(rev));
	json_object_object_add(create, "progress_notify", json_object_new_boolean(1));
	json_object_object_add(req, "create_request", create);
	free(k);
	free(end);

	hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	if (e->token[0]) {
		snprintf(auth, sizeof(auth), "Authorization: %s", e->token);
		hdrs = curl_slist_append(hdrs, auth);
	}
	url_of(e, e->cur, "/v3/watch", url, sizeof(url));
	e->watch_cb = cb;
	e->watch_arg = arg;
	e->watch_err[0] = '\0';
	ret = pd_stream_start(e->http, &e->watch, "POST", url, hdrs,
			      json_object_to_json_string(req), &e->tls,
			      MAX_LINE, watch_line, e);
	json_object_put(req);
	return ret;
}

void pd_etcd_watch_stop(struct pd_etcd *e)
{
	pd_stream_stop(e->http, &e->watch);
}

bool pd_etcd_watch_work(struct pd_etcd *e)
{
	if (!pd_stream_work(e->http, &e->watch))
		return false;
	if (!e->watch_err[0]) {
		if (e->watch.err[0])
			snprintf(e->watch_err, sizeof(e->watch_err), "%s: %s",
				 e->f->endpoints[e->cur], e->watch.err);
		else
			snprintf(e->watch_err, sizeof(e->watch_err),
				 "%s: the stream ended (HTTP %ld)",
				 e->f->endpoints[e->cur], e->watch.status);
	}
	e->errors[PD_OP_WATCH]++;
	return true;
}
