// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: HTTP with libcurl, for etcd's gateway and the Kubernetes API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_http.h"

bool pd_buf_add(struct pd_buf *b, const char *data, size_t n)
{
	if (b->len + n + 1 > b->size) {
		size_t size = b->size ? b->size : 4096;
		char *p;

		while (size < b->len + n + 1)
			size *= 2;
		if (size > b->max + 1) {
			b->overflow = true;
			return false;
		}
		p = realloc(b->p, size);
		if (!p)
			return false;
		b->p = p;
		b->size = size;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return true;
}

static size_t buf_write(char *data, size_t size, size_t nmemb, void *arg)
{
	return pd_buf_add(arg, data, size * nmemb) ? size * nmemb : 0;
}

int pd_http_init(struct pd_http *h, unsigned int timeout_ms)
{
	memset(h, 0, sizeof(*h));
	h->timeout_ms = timeout_ms;
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return -1;
	h->easy = curl_easy_init();
	h->multi = curl_multi_init();
	return h->easy && h->multi ? 0 : -1;
}

void pd_http_fini(struct pd_http *h)
{
	if (h->multi)
		curl_multi_cleanup(h->multi);
	if (h->easy)
		curl_easy_cleanup(h->easy);
	h->multi = NULL;
	h->easy = NULL;
	curl_global_cleanup();
}

static void blob(CURL *c, CURLoption opt, const char *pem)
{
	struct curl_blob b = {
		.data = (void *)pem, .len = strlen(pem), .flags = CURL_BLOB_COPY,
	};

	curl_easy_setopt(c, opt, &b);
}

/* What every request has: TLS, no signals, keepalive, connect timeout. */
static void common_opts(const struct pd_http *h, CURL *c,
			const struct pd_tls *tls)
{
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)h->timeout_ms);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPIDLE, 5L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPINTVL, 5L);
	if (!tls)
		return;
	if (tls->cafile)
		curl_easy_setopt(c, CURLOPT_CAINFO, tls->cafile);
	if (tls->ca_pem)
		blob(c, CURLOPT_CAINFO_BLOB, tls->ca_pem);
	if (tls->certfile)
		curl_easy_setopt(c, CURLOPT_SSLCERT, tls->certfile);
	if (tls->cert_pem)
		blob(c, CURLOPT_SSLCERT_BLOB, tls->cert_pem);
	if (tls->keyfile)
		curl_easy_setopt(c, CURLOPT_SSLKEY, tls->keyfile);
	if (tls->key_pem)
		blob(c, CURLOPT_SSLKEY_BLOB, tls->key_pem);
	if (tls->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

static int xferinfo(void *arg, curl_off_t dltotal, curl_off_t dlnow,
		    curl_off_t ultotal, curl_off_t ulnow)
{
	struct pd_http *h = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return h->idle && h->idle(h->idle_arg) ? 1 : 0;
}

static void method_opts(CURL *c, const char *method, const char *body)
{
	if (!strcmp(method, "GET"))
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	else if (strcmp(method, "POST"))
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
}

long pd_http_do(struct pd_http *h, const char *method, const char *url,
		const struct curl_slist *hdrs, const char *body,
		const struct pd_tls *tls, struct pd_buf *ans, char *err,
		size_t errsize, CURLcode *rc)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;

	ans->len = 0;
	ans->overflow = false;
	curl_easy_reset(h->easy);
	common_opts(h, h->easy, tls);
	curl_easy_setopt(h->easy, CURLOPT_URL, url);
	curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, hdrs);
	method_opts(h->easy, method, body);
	curl_easy_setopt(h->easy, CURLOPT_TIMEOUT_MS, (long)h->timeout_ms);
	curl_easy_setopt(h->easy, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(h->easy, CURLOPT_WRITEDATA, ans);
	curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h->easy, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h->easy, CURLOPT_XFERINFOFUNCTION, xferinfo);
	curl_easy_setopt(h->easy, CURLOPT_XFERINFODATA, h);
	*rc = curl_easy_perform(h->easy);
	if (*rc != CURLE_OK) {
		snprintf(err, errsize, "%s", errbuf[0] ? errbuf :
			 ans->overflow ? "the answer is too large" :
			 curl_easy_strerror(*rc));
		return 0;
	}
	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

/* ---------------------------------------------------------- streams ---- */

/* Each whole line goes to the callback. */
static size_t stream_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct pd_stream *s = arg;
	size_t n = size * nmemb, start = 0, i;

	if (!s->status)
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->status);
	if (!pd_buf_add(&s->line, data, n)) {
		snprintf(s->err, sizeof(s->err), "a message over %zu bytes",
			 s->line.max);
		return 0;	/* ends the transfer */
	}
	for (i = 0; i < s->line.len; i++) {
		if (s->line.p[i] != '\n')
			continue;
		if (i > start)
			s->cb(s->arg, s->line.p + start, i - start, s->status);
		start = i + 1;
	}
	memmove(s->line.p, s->line.p + start, s->line.len - start + 1);
	s->line.len -= start;
	return n;
}

int pd_stream_start(struct pd_http *h, struct pd_stream *s,
		    const char *method, const char *url,
		    struct curl_slist *hdrs, const char *body,
		    const struct pd_tls *tls, size_t max_line, pd_line_cb cb,
		    void *arg)
{
	pd_stream_stop(h, s);
	s->hdrs = hdrs;
	s->easy = curl_easy_init();
	s->body = body ? strdup(body) : NULL;
	if (!s->easy || (body && !s->body)) {
		pd_stream_stop(h, s);
		return -1;
	}
	s->line.max = max_line;
	s->cb = cb;
	s->arg = arg;
	common_opts(h, s->easy, tls);
	curl_easy_setopt(s->easy, CURLOPT_URL, url);
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->hdrs);
	method_opts(s->easy, method, s->body);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, stream_write);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
	if (curl_multi_add_handle(h->multi, s->easy) != CURLM_OK) {
		pd_stream_stop(h, s);
		return -1;
	}
	return 0;
}

void pd_stream_stop(struct pd_http *h, struct pd_stream *s)
{
	if (s->easy) {
		curl_multi_remove_handle(h->multi, s->easy);
		curl_easy_cleanup(s->easy);
	}
	curl_slist_free_all(s->hdrs);
	free(s->body);
	free(s->line.p);
	memset(s, 0, sizeof(*s));
}

bool pd_stream_work(struct pd_http *h, struct pd_stream *s)
{
	int running, left;
	CURLMsg *msg;

	if (!s->easy)
		return false;
	curl_multi_perform(h->multi, &running);
	/* one stream at a time on the multi handle: its messages are ours */
	while ((msg = curl_multi_info_read(h->multi, &left))) {
		if (msg->msg != CURLMSG_DONE || msg->easy_handle != s->easy)
			continue;
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->status);
		s->result = msg->data.result;
		if (!s->err[0] && s->result != CURLE_OK)
			snprintf(s->err, sizeof(s->err), "%s",
				 curl_easy_strerror(s->result));
		s->ended = true;
	}
	/* a last line without its '\n' (an error answer's body) */
	if (s->ended && s->line.len) {
		s->cb(s->arg, s->line.p, s->line.len, s->status);
		s->line.len = 0;
	}
	return s->ended;
}
