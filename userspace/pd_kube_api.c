// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: requests to the Kubernetes API server.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pd_kube_api.h"

#define MAX_ANSWER	(64U << 20)	/* bytes of one list page */
#define MAX_LINE	(16U << 20)	/* bytes of one watch event */
#define MAX_TOKEN	(64U << 10)

const char *const pd_kube_op_names[PD_KOP_NR] = {
	[PD_KOP_LIST]	= "list",
	[PD_KOP_WATCH]	= "watch",
	[PD_KOP_PATCH]	= "patch",
};

/* A whole small file, NUL-terminated, trailing white space cut. */
static char *read_small(const char *path, size_t max, int *errnum)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	*errnum = 0;
	if (!f) {
		*errnum = errno;
		return NULL;
	}
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		*errnum = ENOMEM;
		return NULL;
	}
	n = fread(buf, 1, max + 1, f);
	fclose(f);
	if (n > max) {
		free(buf);
		*errnum = EFBIG;
		return NULL;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
			 buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	buf[n] = '\0';
	return buf;
}

static int read_kubeconfig(struct pd_kube_api *k, const char *path)
{
	char *dir = strdup(path), *text;
	int errnum, ret;

	text = read_small(path, 4U << 20, &errnum);
	if (!text || !dir) {
		snprintf(k->err, sizeof(k->err), "%s: %s", path,
			 strerror(errnum ? errnum : ENOMEM));
		free(text);
		free(dir);
		return -1;
	}
	ret = pd_kubeconf_parse(text, strlen(text), dirname(dir), &k->kc,
				k->err, sizeof(k->err));
	if (ret) {
		char why[sizeof(k->err)];

		memcpy(why, k->err, sizeof(why));
		snprintf(k->err, sizeof(k->err), "%.200s: %.300s", path, why);
	}
	free(text);
	free(dir);
	return ret;
}

int pd_kube_api_init(struct pd_kube_api *k, const struct pd_flags *f,
		     struct pd_http *http, const char *sa_dir)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	char tok[512];

	memset(k, 0, sizeof(*k));
	k->http = http;
	if (f->kubeconfig_file) {
		if (read_kubeconfig(k, f->kubeconfig_file))
			return -1;
	} else if ((host && host[0]) || f->kube_api_url) {
		snprintf(tok, sizeof(tok), "%s/token", sa_dir);
		/* the pod's account; with --kube-api-url, if there is one */
		if ((!f->kube_api_url || access(tok, R_OK) == 0) &&
		    pd_kubeconf_pod(host && host[0] ? host : "-",
				    port && port[0] ? port : "-", sa_dir,
				    &k->kc, k->err, sizeof(k->err)))
			return -1;
	} else {
		snprintf(k->err, sizeof(k->err),
			 "not in a pod (no KUBERNETES_SERVICE_HOST): give --kubeconfig-file or --kube-api-url");
		return -1;
	}
	if (f->kube_api_url) {
		free(k->kc.server);
		k->kc.server = strdup(f->kube_api_url);
		if (!k->kc.server) {
			snprintf(k->err, sizeof(k->err), "out of memory");
			return -1;
		}
	}
	k->tls.cafile = k->kc.ca_file;
	k->tls.ca_pem = k->kc.ca_pem;
	k->tls.certfile = k->kc.cert_file;
	k->tls.cert_pem = k->kc.cert_pem;
	k->tls.keyfile = k->kc.key_file;
	k->tls.key_pem = k->kc.key_pem;
	k->tls.insecure = k->kc.insecure;
	if (k->kc.token)
		k->token = strdup(k->kc.token);
	return 0;
}

void pd_kube_api_fini(struct pd_kube_api *k)
{
	pd_kube_watch_stop(k);
	pd_kubeconf_free(&k->kc);
	free(k->token);
	k->token = NULL;
}

/*
 * The token file read again when it changed (a rotated service account
 * token is a new file, or a new target of its symbolic link), or when
 * @force (the server refused the one we have). Return: true when the
 * token changed.
 */
static bool token_refresh(struct pd_kube_api *k, bool force)
{
	struct stat st;
	char *t;
	int errnum;

	if (!k->kc.token_file)
		return false;
	if (stat(k->kc.token_file, &st)) {
		pd_warn("kube: token file %s: %m", k->kc.token_file);
		return false;
	}
	if (!force && k->token_read && st.st_ino == k->token_st.st_ino &&
	    st.st_dev == k->token_st.st_dev && st.st_size == k->token_st.st_size &&
	    st.st_mtim.tv_sec == k->token_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == k->token_st.st_mtim.tv_nsec)
		return false;
	t = read_small(k->kc.token_file, MAX_TOKEN, &errnum);
	if (!t) {
		pd_warn("kube: token file %s: %s", k->kc.token_file,
			strerror(errnum));
		return false;
	}
	k->token_st = st;
	if (k->token && !strcmp(k->token, t)) {
		k->token_read = true;
		free(t);
		return false;
	}
	if (k->token_read) {
		k->token_reloads++;
		pd_info("kube: the token of %s changed: using the new one",
			k->kc.token_file);
	}
	k->token_read = true;
	free(k->token);
	k->token = t;
	return true;
}

static struct curl_slist *headers(struct pd_kube_api *k, bool patch)
{
	struct curl_slist *h = NULL, *n;
	char *auth = NULL;
	bool ok = true;

	h = curl_slist_append(h, "Accept: application/json");
	n = h ? curl_slist_append(h, "User-Agent: podnetd/0.1") : NULL;
	ok = n != NULL;
	if (ok && patch) {
		n = curl_slist_append(h, "Content-Type: application/strategic-merge-patch+json");
		ok = n != NULL;
	}
	if (ok && k->token) {
		ok = asprintf(&auth, "Authorization: Bearer %s", k->token) > 0;
		n = ok ? curl_slist_append(h, auth) : NULL;
		ok = n != NULL;
		free(auth);
	}
	if (!ok) {
		curl_slist_free_all(h);
		return NULL;
	}
	return h;
}

static char *url_of(const struct pd_kube_api *k, const char *path)
{
	size_t n = strlen(k->kc.server);
	char *url;

	while (n > 0 && k->kc.server[n - 1] == '/')
		n--;
	return asprintf(&url, "%.*s%s", (int)n, k->kc.server, path) < 0 ?
	       NULL : url;
}

long pd_kube_request(struct pd_kube_api *k, enum pd_kube_op op,
		     const char *method, const char *path, const char *body,
		     struct pd_buf *ans)
{
	char *url = url_of(k, path), err[CURL_ERROR_SIZE];
	struct curl_slist *h;
	struct pd_kube_status st;
	bool retried = false;
	long status = 0;
	CURLcode rc;

	if (!url) {
		snprintf(k->err, sizeof(k->err), "out of memory");
		k->errors[op]++;
		return 0;
	}
	ans->max = MAX_ANSWER;
	token_refresh(k, false);
again:
	h = headers(k, !strcmp(method, "PATCH"));
	if (!h) {
		snprintf(k->err, sizeof(k->err), "out of memory");
		status = 0;
		goto out;
	}
	status = pd_http_do(k->http, method, url, h, body, &k->tls, ans, err,
			    sizeof(err), &rc);
	curl_slist_free_all(h);
	if (!status) {
		snprintf(k->err, sizeof(k->err), "%s: %s", k->kc.server, err);
		goto out;
	}
	/* a rotated token that the file already holds: once more */
	if (status == 401 && !retried && token_refresh(k, true)) {
		retried = true;
		goto again;
	}
	if (status != 200) {
		pd_kube_status_parse(ans->p, ans->len, &st);
		snprintf(k->err, sizeof(k->err), "%s %s: HTTP %ld: %s", method,
			 path, status, st.message[0] ? st.message : "(no message)");
	}
out:
	if (status != 200)
		k->errors[op]++;
	free(url);
	return status;
}

int pd_kube_watch_start(struct pd_kube_api *k, const char *path,
			pd_line_cb cb, void *arg)
{
	char *url = url_of(k, path);
	struct curl_slist *h;
	int ret;

	pd_kube_watch_stop(k);
	token_refresh(k, false);
	h = headers(k, false);
	if (!url || !h) {
		free(url);
		curl_slist_free_all(h);
		snprintf(k->err, sizeof(k->err), "out of memory");
		k->errors[PD_KOP_WATCH]++;
		return -1;
	}
	ret = pd_stream_start(k->http, &k->watch, "GET", url, h, NULL, &k->tls,
			      MAX_LINE, cb, arg);
	free(url);
	if (ret) {
		snprintf(k->err, sizeof(k->err), "the watch did not start");
		k->errors[PD_KOP_WATCH]++;
	}
	return ret;
}

bool pd_kube_watch_work(struct pd_kube_api *k)
{
	if (!pd_stream_work(k->http, &k->watch))
		return false;
	if (k->watch.result != CURLE_OK)
		snprintf(k->err, sizeof(k->err), "%s: %s", k->kc.server,
			 k->watch.err);
	else
		snprintf(k->err, sizeof(k->err), "%s: the watch ended (HTTP %ld)",
			 k->kc.server, k->watch.status);
	if (k->watch.result != CURLE_OK || k->watch.status != 200)
		k->errors[PD_KOP_WATCH]++;
	if (k->watch.status == 401)
		token_refresh(k, true);
	return true;
}

void pd_kube_watch_stop(struct pd_kube_api *k)
{
	if (k->http)
		pd_stream_stop(k->http, &k->watch);
}
