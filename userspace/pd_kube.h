// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd and the Kubernetes API, as flannel's kube subnet manager: the
 * pure parts (unit tested): flannel's annotations, Node objects and the
 * lease a Node says, lists, watch events and Status answers, the
 * strategic-merge patch of a Node's status, kubeconfig files and the
 * pod's own configuration.
 */
#ifndef PODNETD_KUBE_H
#define PODNETD_KUBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pd.h"

struct json_object;

/* ---------------------------------------------------- annotations ---- */

enum pd_ann {
	PD_ANN_MANAGED,			/* kube-subnet-manager: "true" */
	PD_ANN_BACKEND_DATA,
	PD_ANN_BACKEND_V6_DATA,
	PD_ANN_BACKEND_TYPE,
	PD_ANN_PUBLIC_IP,
	PD_ANN_PUBLIC_IPV6,
	PD_ANN_NODE_PUBLIC_IP,		/* inputs: the node's address ... */
	PD_ANN_NODE_PUBLIC_IPV6,
	PD_ANN_PUBLIC_IP_OVERWRITE,	/* ... and what to publish instead */
	PD_ANN_PUBLIC_IPV6_OVERWRITE,
	PD_ANN_NR
};

#define PD_ANN_MAX	320

/* flannel's annotation names under a prefix. */
struct pd_kube_ann {
	char name[PD_ANN_NR][PD_ANN_MAX];
};

/*
 * The names under @prefix, as flanneld makes them: "example.com" is
 * "example.com/", a prefix with a slash that does not end in '/' or '-'
 * gets a '-'; it must be a DNS name, a '/', and an optional name part.
 * Return: 0, or -1 with @err.
 */
int pd_kube_ann_init(struct pd_kube_ann *a, const char *prefix, char *err,
		     size_t errsize);

/* ------------------------------------------------------------ Node ---- */

/* What podnetd reads of a Node object (strings point into its JSON). */
struct pd_kube_node {
	const char *name;
	const char *rv;			/* metadata.resourceVersion */
	int64_t created;		/* metadata.creationTimestamp, s */
	struct pn_prefix cidr4, cidr6;	/* spec.podCIDRs, either order */
	bool has4, has6;
	bool cidr_bad;			/* one that does not parse, or more
					 * than one of a family */
	const char *ann[PD_ANN_NR];	/* NULL: absent */
	bool net_ok;			/* NetworkUnavailable is False */
};

/* Node @o into @n (the strings live as long as @o). Return: 0, or -1
 * when it is no Node with a name.
 */
int pd_kube_node_parse(struct json_object *o, const struct pd_kube_ann *a,
		       struct pd_kube_node *n);

/*
 * The lease Node @n says, as flanneld reads it (nodeToLease): its
 * PodCIDRs, and its annotations once flanneld or podnetd wrote them.
 * Return: PD_SKIP_NONE, or PENDING (not annotated: kube-subnet-manager is
 * not "true"), PODCIDR (no PodCIDR of a family the network has, or a bad
 * one) or JSON (annotations that do not parse).
 */
enum pd_skip pd_kube_lease(const struct pd_kube_node *n,
			   const struct pd_netconf *nc, struct pd_lease *l);

/* ----------------------------------------------- answers, events ---- */

/* A Status (an error answer, or an ERROR event's object). */
struct pd_kube_status {
	int code;			/* 410: expired */
	char reason[64];		/* "Expired", "Gone", ... */
	char message[256];
};

/* Parse a Status object; @o NULL or not one: code 0. */
void pd_kube_status_of(struct json_object *o, struct pd_kube_status *st);
/* The same from an answer's body (not JSON: its first bytes). */
void pd_kube_status_parse(const char *body, size_t len,
			  struct pd_kube_status *st);

/* One page of a NodeList. */
struct pd_kube_list {
	struct json_object *root;
	struct json_object *items;	/* an array */
	size_t n;
	const char *rv;			/* metadata.resourceVersion */
	const char *cont;		/* metadata.continue, or NULL */
};

int pd_kube_list_parse(const char *json, size_t len, struct pd_kube_list *l);
void pd_kube_list_free(struct pd_kube_list *l);

enum pd_kube_ev {
	PD_EV_ADDED, PD_EV_MODIFIED, PD_EV_DELETED, PD_EV_BOOKMARK,
	PD_EV_ERROR
};

/* One line of a watch. */
struct pd_kube_event {
	enum pd_kube_ev type;
	struct json_object *root;
	struct json_object *object;
	const char *rv;			/* the object's resourceVersion */
	struct pd_kube_status st;	/* of an ERROR */
};

int pd_kube_event_parse(const char *line, size_t len,
			struct pd_kube_event *ev);
void pd_kube_event_free(struct pd_kube_event *ev);

/* ----------------------------------------------------------- patch ---- */

/* What this node publishes. */
struct pd_kube_pub {
	const char *backend_type;
	char backend_data[128];		/* its JSON, or "null" */
	char public_ip[PN_ADDR_STRLEN];
	bool has6;			/* the IPv6 ones too */
	char public_ip6[PN_ADDR_STRLEN];
	bool condition;			/* NetworkUnavailable False */
};

/*
 * The strategic-merge patch of Node @n's status that makes its
 * annotations @want's (public-ip: the -overwrite annotation's when it has
 * one, as flanneld does) and, with @want->condition, its NetworkUnavailable
 * condition False at @now (RFC 3339); only what differs. Return: the JSON
 * (to be freed), or NULL when nothing differs (*@err false) or on error.
 */
char *pd_kube_patch(const struct pd_kube_ann *a, const struct pd_kube_node *n,
		    const struct pd_kube_pub *want, const char *now, bool *err);

/* ------------------------------------------------------ kubeconfig ---- */

/* Where the API server is and how to show who we are. */
struct pd_kubeconf {
	char *server;			/* https://host:port */
	char *ca_file, *ca_pem;
	char *cert_file, *cert_pem;
	char *key_file, *key_pem;
	char *token, *token_file;
	bool insecure;
};

/*
 * A kubeconfig (YAML or JSON): the current context's cluster (server,
 * certificate-authority[-data], insecure-skip-tls-verify) and user
 * (token, tokenFile, client-certificate[-data], client-key[-data]);
 * relative paths are relative to @dir. exec and auth-provider users are
 * refused. Return: 0, or -1 with @err.
 */
int pd_kubeconf_parse(const char *text, size_t len, const char *dir,
		      struct pd_kubeconf *kc, char *err, size_t errsize);
/*
 * A pod's own: https://@host:@port (KUBERNETES_SERVICE_HOST and _PORT),
 * the service account's token file and CA in @sa_dir. Return: 0, or -1
 * with @err.
 */
int pd_kubeconf_pod(const char *host, const char *port, const char *sa_dir,
		    struct pd_kubeconf *kc, char *err, size_t errsize);
void pd_kubeconf_free(struct pd_kubeconf *kc);

/* "2026-12-07T10:00:00Z" into seconds; -1 when it is not that. */
int64_t pd_kube_time(const char *s);

#endif /* PODNETD_KUBE_H */
