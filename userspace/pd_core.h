// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd's core and its stores. The core (podnetd.c) is the one event
 * loop, the map of the cluster's nodes as the store says them (one entry
 * a lease or a Node), pn0's table derived from it, the files, /healthz and
 * /metrics, signals and pn0's own life. A store (pd_store_etcd.c: flannel's
 * etcd layout; pd_store_kube.c: Node objects, flannel's kube subnet
 * manager) reads the network's configuration, finds or takes this node's
 * subnets, publishes its VTEP, lists the nodes into the map and follows
 * them with a watch, through the core's functions below.
 */
#ifndef PODNETD_CORE_H
#define PODNETD_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pd.h"
#include "pd_dp.h"
#include "pd_http.h"
#include "pd_node.h"

#define BACKOFF_MIN_MS		500
#define BACKOFF_MAX_MS		30000

/* One node of the store (an etcd key, a Node object) and what it says. */
struct entry {
	char *key;			/* the lease key, or the Node's name */
	enum pd_skip parsed;		/* PD_SKIP_NONE: l is whole */
	enum pd_skip skip;		/* PD_SKIP_NONE: l is used */
	bool own;			/* this node's */
	struct pd_lease l;
	int64_t create_revision;	/* the older of two wins a subnet */
	int64_t mod_revision;
	int64_t lease_id;
};

struct backoff {
	unsigned int ms;
};

struct pd;

/* What a store does; the core calls it from its loop. */
struct pd_store_ops {
	const char *name;
	const char *item;		/* what an entry is: "lease", "node" */
	/* its client (after the flags). Return: 0 or -1. */
	int (*init)(struct pd *d);
	/* the network's configuration into d->nc, retried with backoff.
	 * Return: 0, or -1 (a signal stopped it, or it cannot be had).
	 */
	int (*config)(struct pd *d);
	/*
	 * The node's addresses and subnets, pn0 (pd_start_device()), the
	 * node published, the map listed and judged; retried with backoff.
	 * Return: 0 or -1 (stopped).
	 */
	int (*acquire)(struct pd *d);
	/* Start following the store from the list (d->watching). */
	void (*watch)(struct pd *d);
	/* After the loop's poll, while d->watching: the watch's messages. */
	void (*work)(struct pd *d);
	/* d->need_list is due: list again, one sync, watch again. */
	void (*relist)(struct pd *d);
	/* Run what is due at @now; return when the next thing is due. */
	uint64_t (*timers)(struct pd *d, uint64_t now);
	/* The store's own lines of /metrics. */
	void (*metrics)(struct pd *d, FILE *f);
	void (*fini)(struct pd *d);
};

extern const struct pd_store_ops pd_store_etcd, pd_store_kube;

struct pd {
	struct pd_flags f;
	struct pd_netconf nc;
	struct pd_node node;
	struct pd_http http;
	struct pd_dp dp;
	struct pd_self self;
	const struct pd_store_ops *ops;
	void *store;			/* the store's own state */

	char own_key[256];		/* this node's key in the map */

	struct entry *map;		/* sorted by key */
	size_t nmap, map_size;
	bool listing;			/* conflicts are settled after */

	bool watching;
	bool need_list;			/* list again and sync */
	bool need_sync;			/* an incremental change failed */
	bool need_node;			/* pn0's addresses and the files */
	bool ready;
	bool store_up;			/* the last request to the store worked */
	uint64_t list_at;		/* when to list again (monotonic ms) */
	uint64_t sync_at;		/* when to try a failed sync again */
	struct backoff list_backoff, sync_backoff;
	uint64_t last_sync;		/* monotonic ms; 0: none yet */

	int sigfd, httpfd;
	struct nl_sock *links;		/* rtnetlink link events: pn0 deleted */
	bool stop;			/* SIGTERM seen inside a request */

	/* counters for /metrics */
	uint64_t skips_total[PD_SKIP_NR];
	uint64_t events, reconnects, syncs, sync_errors, lists;
};

uint64_t now_ms(void);
unsigned int backoff_next(struct backoff *b);
/* Wait @ms for a signal; true when one asks to stop. */
bool pause_ms(struct pd *d, unsigned int ms);

/* ------------------------------------------------------------- map ---- */

struct entry *map_find(struct pd *d, const char *key);
void map_clear(struct pd *d);
/*
 * @key is now lease @l, as the store parsed it (@parsed: PD_SKIP_NONE, or
 * why it could not; its creation @create orders two claims of a subnet):
 * judged against this node and the other entries, skips counted.
 * Return: the entry, or NULL (no memory).
 */
struct entry *map_put(struct pd *d, const char *key, enum pd_skip parsed,
		      const struct pd_lease *l, int64_t create, int64_t mod,
		      int64_t lease);
void map_del(struct pd *d, struct entry *e);
/* Before and after a whole list put into the map: conflicts settled. */
void map_list_begin(struct pd *d);
void map_list_end(struct pd *d);
/* Every entry judged again, after this node's subnets or addresses
 * changed (pn0 is the caller's to sync).
 */
void map_rejudge(struct pd *d);
/* Another node's usable lease? */
bool used(const struct entry *e);
bool same_prefix(const struct pn_prefix *a, const struct pn_prefix *b);
bool same_addr(const struct pn_addr *a, const struct pn_addr *b);

/* --------------------------------------------------------- table ---- */

/* pn0's whole table from the map, at once. Return: 0 or -1. */
int sync_table(struct pd *d);
/* pn0 after entry @e changed from @old (NULL: it was not there or not
 * used; @e NULL: it is gone).
 */
void table_change(struct pd *d, const struct entry *old,
		  const struct entry *e);
/*
 * A watch's news for @key: @l as parsed (@gone: deleted): the map and pn0
 * follow, logged. Return: the entry (NULL when gone or no memory).
 */
struct entry *pd_apply(struct pd *d, const char *key, bool gone,
		       enum pd_skip parsed, const struct pd_lease *l,
		       int64_t create, int64_t mod, int64_t lease);

/* ---------------------------------------------------------- node ---- */

/* The node's underlay interface and public addresses (@public_ip,
 * @public_ip6: what the store says, instead of the flags', or NULL).
 */
int pd_node_setup(struct pd *d, const char *public_ip,
		  const char *public_ip6);
/* Create or adopt pn0 (@mac: the vtep mac the store last published). */
int pd_start_device(struct pd *d, const uint8_t *mac);
/* pn0's addresses and routes, subnet.env, conflist, masquerade: after
 * the node's subnets changed. Return: 0 or -1 (retried by the loop).
 */
int pd_node_files(struct pd *d);

/* One line of /metrics (with its HELP and TYPE when @help). */
void pd_metric(FILE *f, const char *name, const char *type, const char *help,
	       const char *labels, double v);
/* A counter of @n values labelled @label="@names[i]". */
void pd_metric_by(FILE *f, const char *name, const char *help,
		  const char *label, const char *const *names,
		  const uint64_t *v, size_t n);

#endif /* PODNETD_CORE_H */
