// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: the HTTP transport both stores use (etcd's JSON gateway and
 * the Kubernetes API), with libcurl: unary requests on one kept-alive
 * handle, and streams of one JSON message a line (etcd's watch, the
 * Kubernetes watch) driven by the daemon's one event loop (a curl multi
 * handle it polls).
 */
#ifndef PODNETD_HTTP_H
#define PODNETD_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

/* A growing buffer, NUL-terminated, of at most @max bytes. */
struct pd_buf {
	char *p;
	size_t len, size, max;
	bool overflow;
};

bool pd_buf_add(struct pd_buf *b, const char *data, size_t n);

/*
 * TLS: files, or PEM text (a kubeconfig's *-data fields, decoded); either
 * may be NULL. @insecure: do not verify the server (a kubeconfig's
 * insecure-skip-tls-verify).
 */
struct pd_tls {
	const char *cafile, *certfile, *keyfile;
	const char *ca_pem, *cert_pem, *key_pem;
	bool insecure;
};

struct pd_http {
	CURL *easy;			/* unary requests, kept alive */
	CURLM *multi;			/* the streams; the loop polls it */
	unsigned int timeout_ms;	/* connect, and a unary request */
	/*
	 * Called while a unary request waits (about once a second, and at
	 * least every 100 ms of transfer): the caller's loop serves what
	 * cannot wait (/healthz); true aborts the request (a stop signal).
	 */
	bool (*idle)(void *arg);
	void *idle_arg;
};

int pd_http_init(struct pd_http *h, unsigned int timeout_ms);
void pd_http_fini(struct pd_http *h);

/*
 * One request: @method ("GET", "POST", "PATCH"), @body (NULL: none).
 * Return: the HTTP status and the answer in @ans; 0 when there was none,
 * @err saying why and *@rc the transfer's code.
 */
long pd_http_do(struct pd_http *h, const char *method, const char *url,
		const struct curl_slist *hdrs, const char *body,
		const struct pd_tls *tls, struct pd_buf *ans, char *err,
		size_t errsize, CURLcode *rc);

/* Called with each whole line of a stream (without its '\n'), and the
 * HTTP status of the answer it is part of.
 */
typedef void (*pd_line_cb)(void *arg, const char *line, size_t len,
			   long status);

struct pd_stream {
	CURL *easy;			/* NULL: not running */
	struct curl_slist *hdrs;
	char *body;
	struct pd_buf line;		/* received, not yet a whole line */
	pd_line_cb cb;
	void *arg;
	long status;			/* of the answer, once known */
	bool ended;			/* the transfer is over */
	CURLcode result;		/* how it ended */
	char err[256];			/* why it ended, when not cleanly */
};

/*
 * Start a stream on the loop's multi handle. @hdrs is taken (freed by
 * pd_stream_stop()). Return: 0, or -1 (not started, @hdrs freed).
 */
int pd_stream_start(struct pd_http *h, struct pd_stream *s,
		    const char *method, const char *url,
		    struct curl_slist *hdrs, const char *body,
		    const struct pd_tls *tls, size_t max_line, pd_line_cb cb,
		    void *arg);
/* Move it on (after curl_multi_poll()); true once it has ended, after
 * which it must be stopped.
 */
bool pd_stream_work(struct pd_http *h, struct pd_stream *s);
void pd_stream_stop(struct pd_http *h, struct pd_stream *s);

#endif /* PODNETD_HTTP_H */
