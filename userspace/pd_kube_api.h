// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: a client of the Kubernetes API server over pd_http: where it
 * is and who we are (a kubeconfig, the pod's service account, or
 * --kube-api-url), bearer tokens read again from their file whenever it
 * changes (a service account's token is rotated on disk) and after a 401,
 * client certificates, unary requests and the watch stream.
 */
#ifndef PODNETD_KUBE_API_H
#define PODNETD_KUBE_API_H

#include <sys/stat.h>

#include "pd.h"
#include "pd_http.h"
#include "pd_kube.h"

#define PD_SA_DIR	"/var/run/secrets/kubernetes.io/serviceaccount"

enum pd_kube_op { PD_KOP_LIST, PD_KOP_WATCH, PD_KOP_PATCH, PD_KOP_NR };

extern const char *const pd_kube_op_names[PD_KOP_NR];

struct pd_kube_api {
	struct pd_http *http;
	struct pd_kubeconf kc;
	struct pd_tls tls;
	char *token;			/* the bearer token in use, or NULL */
	struct stat token_st;		/* of kc.token_file when read */
	bool token_read;
	char err[512];			/* why the last request failed */
	uint64_t errors[PD_KOP_NR];	/* failed requests, per operation */
	uint64_t token_reloads;
	struct pd_stream watch;		/* watch.easy NULL: no watch */
};

/*
 * From the flags: --kubeconfig-file, else the pod's service account (in
 * a pod), else no credentials; --kube-api-url overrides the server (and
 * uses the service account's token and CA when there is one). @sa_dir:
 * PD_SA_DIR. Return: 0, or -1 with k->err.
 */
int pd_kube_api_init(struct pd_kube_api *k, const struct pd_flags *f,
		     struct pd_http *http, const char *sa_dir);
void pd_kube_api_fini(struct pd_kube_api *k);

/*
 * @method @path (after the server's URL) with @body (NULL: none; a PATCH
 * body is a strategic-merge patch). Return: the HTTP status (0: none,
 * k->err says why) and the answer in @ans; a status other than 200
 * counted under @op, its Status message in k->err.
 */
long pd_kube_request(struct pd_kube_api *k, enum pd_kube_op op,
		     const char *method, const char *path, const char *body,
		     struct pd_buf *ans);

/* GET @path as a stream: @cb gets each line. Return: 0 or -1. */
int pd_kube_watch_start(struct pd_kube_api *k, const char *path,
			pd_line_cb cb, void *arg);
/* After the loop's poll: true once the stream has ended. */
bool pd_kube_watch_work(struct pd_kube_api *k);
void pd_kube_watch_stop(struct pd_kube_api *k);

#endif /* PODNETD_KUBE_API_H */
