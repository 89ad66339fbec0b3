// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: an etcd v3 client over etcd's JSON gateway (/v3/...), with
 * libcurl: unary requests to one endpoint after the other until one
 * answers, and one watch as a chunked stream driven by the caller's event
 * loop (a curl multi handle).
 */
#ifndef PODNETD_ETCD_H
#define PODNETD_ETCD_H

#include <stdbool.h>
#include <stdint.h>

#include "pd.h"
#include "pd_http.h"

/* One key and its value (decoded, NUL-terminated) and revisions. */
struct pd_kv {
	char *key;
	char *value;
	size_t vlen;
	int64_t create_revision;
	int64_t mod_revision;
	int64_t lease;
	bool deleted;		/* a watch event of type DELETE */
};

struct pd_kvs {
	struct pd_kv *v;
	size_t n, size;
};

void pd_kvs_free(struct pd_kvs *kvs);

/* A message of the watch stream. */
struct pd_watch_msg {
	int64_t revision;		/* of its header */
	bool created;
	bool canceled;
	int64_t compact_revision;	/* > 0: the revision asked was compacted */
	const char *error;		/* an error in the stream, or NULL */
	struct pd_kvs events;
};

typedef void (*pd_watch_cb)(void *arg, const struct pd_watch_msg *m);

enum pd_etcd_op {
	PD_OP_RANGE, PD_OP_TXN, PD_OP_PUT, PD_OP_GRANT, PD_OP_REVOKE,
	PD_OP_AUTH, PD_OP_WATCH, PD_OP_NR
};

extern const char *const pd_etcd_op_names[PD_OP_NR];

struct pd_etcd {
	const struct pd_flags *f;
	struct pd_http *http;		/* the daemon's transport */
	struct pd_tls tls;
	unsigned int cur;		/* the endpoint in use */
	char token[1024];		/* auth token of endpoint cur, or "" */
	char err[512];			/* why the last request failed */
	uint64_t errors[PD_OP_NR];	/* failed requests, per operation */
	uint64_t failovers;		/* moves to another endpoint */

	struct pd_stream watch;		/* watch.easy NULL: no watch */
	pd_watch_cb watch_cb;
	void *watch_arg;
	char watch_err[512];
};

int pd_etcd_init(struct pd_etcd *e, const struct pd_flags *f,
		 struct pd_http *http);
void pd_etcd_fini(struct pd_etcd *e);

/*
 * The keys from @key to @range_end ("": @key only), and the store's
 * revision. Return: 0, or -1 with e->err.
 */
int pd_etcd_range(struct pd_etcd *e, const char *key, const char *range_end,
		  struct pd_kvs *out, int64_t *revision);
/*
 * Put @value at @key with lease @lease (0: none) if the key's version is
 * 0 (@mod_revision < 0: it does not exist) or its mod_revision is
 * @mod_revision. *@done: whether it was put; *@revision: the store's
 * revision after the transaction (that of the put). Return: 0 or -1.
 */
int pd_etcd_put_if(struct pd_etcd *e, const char *key, const char *value,
		   int64_t lease, int64_t mod_revision, bool *done,
		   int64_t *revision);
/* Delete @key if its mod_revision is @mod_revision. Return: 0 or -1. */
int pd_etcd_delete_if(struct pd_etcd *e, const char *key, int64_t mod_revision,
		      bool *done);
int pd_etcd_grant(struct pd_etcd *e, int64_t ttl, int64_t *id);
int pd_etcd_revoke(struct pd_etcd *e, int64_t id);

/*
 * Watch @key to @range_end from @revision: @cb gets each message of the
 * stream, from pd_etcd_watch_work(). Return: 0 or -1 (not started).
 */
int pd_etcd_watch_start(struct pd_etcd *e, const char *key,
			const char *range_end, int64_t revision,
			pd_watch_cb cb, void *arg);
void pd_etcd_watch_stop(struct pd_etcd *e);
/* Move the watch's transfer on (after curl_multi_poll()); true once it
 * has ended (e->watch_err says why), after which it must be stopped.
 */
bool pd_etcd_watch_work(struct pd_etcd *e);

/* Parse one line of the watch stream (exposed for the unit tests). */
int pd_watch_parse(const char *line, size_t len, struct pd_watch_msg *m);
void pd_watch_msg_free(struct pd_watch_msg *m);
/* Parse a range answer (exposed for the unit tests). */
int pd_range_parse(const char *json, size_t len, struct pd_kvs *out,
		   int64_t *revision);

#endif /* PODNETD_ETCD_H */
