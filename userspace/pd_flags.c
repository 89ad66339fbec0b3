// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: the command line (flanneld's flags where the meaning is the
 * same) and the log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pd.h"

enum pd_log_level pd_log_level = PD_INFO;

void pd_log(enum pd_log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "E", "W", "I", "D" };
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > pd_log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	/* glog's layout, as flanneld's: "I1207 21:57:13.123456 podnetd] ..." */
	fprintf(stderr, "%s%02d%02d %02d:%02d:%02d.%06ld podnetd] ",
		names[level], tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		tm.tm_sec, ts.tv_nsec / 1000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

enum flag_type { F_STR, F_LIST, F_UINT, F_BOOL, F_LEVEL };

struct flag {
	const char *name;
	enum flag_type type;
	size_t off;		/* in struct pd_flags */
	unsigned int max;	/* F_UINT */
	const char *help;
};

#define OFF(m)	offsetof(struct pd_flags, m)

static const struct flag flags[] = {
	{ "etcd-endpoints", F_LIST, OFF(endpoints), 0,
	  "etcd client URLs, comma separated (http://127.0.0.1:2379)" },
	{ "etcd-prefix", F_STR, OFF(prefix), 0,
	  "the network's key prefix (/coreos.com/network)" },
	{ "etcd-certfile", F_STR, OFF(certfile), 0,
	  "TLS client certificate (PEM)" },
	{ "etcd-keyfile", F_STR, OFF(keyfile), 0, "its private key (PEM)" },
	{ "etcd-cafile", F_STR, OFF(cafile), 0,
	  "CA that signs the servers' certificates (PEM)" },
	{ "etcd-username", F_STR, OFF(username), 0, "etcd user" },
	{ "etcd-password", F_STR, OFF(password), 0, "its password" },
	{ "etcd-timeout", F_UINT, OFF(etcd_timeout_ms), 600000,
	  "ms a request to one endpoint may take (5000)" },
	{ "kube-subnet-mgr", F_BOOL, OFF(kube_subnet_mgr), 0,
	  "follow the cluster from the Kubernetes API (Node objects), not etcd" },
	{ "kube-api-url", F_STR, OFF(kube_api_url), 0,
	  "the API server's URL (default: the kubeconfig's, or the pod's)" },
	{ "kubeconfig-file", F_STR, OFF(kubeconfig_file), 0,
	  "kubeconfig file (default: the pod's service account)" },
	{ "kube-annotation-prefix", F_STR, OFF(kube_annotation_prefix), 0,
	  "the Node annotations' prefix (flannel.alpha.coreos.com)" },
	{ "net-config-path", F_STR, OFF(net_config_path), 0,
	  "the network's configuration with --kube-subnet-mgr (/etc/kube-flannel/net-conf.json)" },
	{ "set-node-network-unavailable", F_BOOL,
	  OFF(set_node_network_unavailable), 0,
	  "set the Node's NetworkUnavailable condition to False (true)" },
	{ "kube-timeout", F_UINT, OFF(kube_timeout_ms), 600000,
	  "ms a request to the API server may take (10000)" },
	{ "iface", F_STR, OFF(iface), 0,
	  "underlay interface (name or address; default: the default route's)" },
	{ "public-ip", F_STR, OFF(public_ip), 0,
	  "address other nodes reach this one at (default: --iface's)" },
	{ "public-ipv6", F_STR, OFF(public_ipv6), 0,
	  "IPv6 address other nodes reach this one at" },
	{ "subnet-file", F_STR, OFF(subnet_file), 0,
	  "the env file for flannel's CNI plugin (/run/flannel/subnet.env)" },
	{ "subnet-lease-renew-margin", F_UINT, OFF(renew_margin), 1439,
	  "minutes before expiry to renew the lease (60)" },
	{ "ip-masq", F_BOOL, OFF(ip_masq), 0,
	  "masquerade pod traffic that leaves the cluster network" },
	{ "healthz-ip", F_STR, OFF(healthz_ip), 0,
	  "address of /healthz and /metrics (0.0.0.0)" },
	{ "healthz-port", F_UINT, OFF(healthz_port), 65535,
	  "their port; 0: none (0)" },
	{ "device", F_STR, OFF(device), 0, "the podnet device (pn0)" },
	{ "cni-conf-dir", F_STR, OFF(cni_conf_dir), 0,
	  "write a conflist for the reference plugins there" },
	{ "cni-conf-name", F_STR, OFF(cni_conf_name), 0,
	  "its file name (10-podnet.conflist)" },
	{ "cni-data-dir", F_STR, OFF(cni_data_dir), 0,
	  "host-local's dataDir in it (the plugin's default)" },
	{ "log-level", F_LEVEL, OFF(log_level), 0,
	  "error, warning, info or debug (info)" },
	{ "help", F_BOOL, OFF(help), 0, "this text" },
	{ "version", F_BOOL, OFF(version), 0, "the version" },
};

#define NFLAGS	(sizeof(flags) / sizeof(flags[0]))

void pd_usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: podnetd [--flag=value | --flag value]...\n");
	for (i = 0; i < NFLAGS; i++)
		fprintf(out, "  --%-27s %s\n", flags[i].name, flags[i].help);
}

static int set_list(struct pd_flags *f, const char *v)
{
	char *copy = strdup(v), *save = NULL, *tok;

	if (!copy)
		return -1;
	f->nendpoints = 0;
	/* the strings stay: flags live as long as the process */
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (f->nendpoints == PD_MAX_ENDPOINTS) {
			fprintf(stderr, "podnetd: more than %d etcd endpoints\n",
				PD_MAX_ENDPOINTS);
			return -1;
		}
		if (strncmp(tok, "http://", 7) && strncmp(tok, "https://", 8)) {
			fprintf(stderr,
				"podnetd: --etcd-endpoints: \"%s\" is not an http:// or https:// URL\n",
				tok);
			return -1;
		}
		f->endpoints[f->nendpoints++] = tok;
	}
	if (!f->nendpoints) {
		fprintf(stderr, "podnetd: --etcd-endpoints is empty\n");
		return -1;
	}
	return 0;
}

static int set_value(struct pd_flags *f, const struct flag *fl, const char *v)
{
	static const char *const levels[] = { "error", "warning", "info",
					      "debug" };
	void *dst = (char *)f + fl->off;
	uint64_t n;
	size_t i;

	switch (fl->type) {
	case F_STR:
		*(const char **)dst = v;
		return 0;
	case F_LIST:
		return set_list(f, v);
	case F_UINT:
		if (pn_parse_uint(v, 0, fl->max, &n)) {
			fprintf(stderr, "podnetd: --%s: \"%s\" is not a number of 0-%u\n",
				fl->name, v, fl->max);
			return -1;
		}
		*(unsigned int *)dst = (unsigned int)n;
		return 0;
	case F_BOOL:
		if (!strcmp(v, "true") || !strcmp(v, "1")) {
			*(bool *)dst = true;
			return 0;
		}
		if (!strcmp(v, "false") || !strcmp(v, "0")) {
			*(bool *)dst = false;
			return 0;
		}
		fprintf(stderr, "podnetd: --%s: \"%s\" is not true or false\n",
			fl->name, v);
		return -1;
	case F_LEVEL:
		for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
			if (!strcmp(v, levels[i]) ||
			    (!strcmp(v, "warn") && i == PD_WARN)) {
				*(enum pd_log_level *)dst = (enum pd_log_level)i;
				return 0;
			}
		}
		fprintf(stderr, "podnetd: --%s: \"%s\" is not error, warning, info or debug\n",
			fl->name, v);
		return -1;
	}
	return -1;
}

static void defaults(struct pd_flags *f)
{
	memset(f, 0, sizeof(*f));
	f->endpoints[0] = "http://127.0.0.1:2379";
	f->nendpoints = 1;
	f->prefix = "/coreos.com/network";
	f->subnet_file = "/run/flannel/subnet.env";
	f->renew_margin = 60;
	f->healthz_ip = "0.0.0.0";
	f->device = "pn0";
	f->cni_conf_name = "10-podnet.conflist";
	f->etcd_timeout_ms = 5000;
	f->kube_annotation_prefix = "flannel.alpha.coreos.com";
	f->net_config_path = "/etc/kube-flannel/net-conf.json";
	f->set_node_network_unavailable = true;
	f->kube_timeout_ms = 10000;
	f->log_level = PD_INFO;
}

int pd_flags_parse(int argc, char **argv, struct pd_flags *f)
{
	int i;

	defaults(f);
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *name, *eq, *v;
		const struct flag *fl = NULL;
		size_t n, k;

		if (arg[0] != '-' || arg[1] == '\0') {
			fprintf(stderr, "podnetd: unexpected argument \"%s\"\n", arg);
			return -1;
		}
		name = arg + 1 + (arg[1] == '-');	/* -flag and --flag */
		eq = strchr(name, '=');
		n = eq ? (size_t)(eq - name) : strlen(name);
		for (k = 0; k < NFLAGS; k++)
			if (strlen(flags[k].name) == n &&
			    !strncmp(flags[k].name, name, n))
				fl = &flags[k];
		if (!fl && n == 1 && (name[0] == 'h' || name[0] == 'v'))
			fl = &flags[name[0] == 'h' ? NFLAGS - 2 : NFLAGS - 1];
		if (!fl) {
			fprintf(stderr, "podnetd: unknown flag \"%s\" (try --help)\n",
				arg);
			return -1;
		}
		if (eq) {
			v = eq + 1;
		} else if (fl->type == F_BOOL) {
			v = "true";	/* Go's flag package: a bool takes no word */
		} else if (i + 1 < argc) {
			v = argv[++i];
		} else {
			fprintf(stderr, "podnetd: --%s needs a value\n", fl->name);
			return -1;
		}
		if (set_value(f, fl, v))
			return -1;
	}
	if (f->prefix[0] != '/') {
		fprintf(stderr, "podnetd: --etcd-prefix must start with '/'\n");
		return -1;
	}
	if (!!f->certfile != !!f->keyfile) {
		fprintf(stderr, "podnetd: --etcd-certfile and --etcd-keyfile go together\n");
		return -1;
	}
	if (!!f->username != !!f->password) {
		fprintf(stderr, "podnetd: --etcd-username and --etcd-password go together\n");
		return -1;
	}
	if (!pn_ifname_ok(f->device)) {
		fprintf(stderr, "podnetd: --device \"%s\" is not a valid interface name\n",
			f->device);
		return -1;
	}
	if (f->etcd_timeout_ms < 100 || f->kube_timeout_ms < 100) {
		fprintf(stderr, "podnetd: --etcd-timeout and --kube-timeout must be at least 100 ms\n");
		return -1;
	}
	if (f->kube_api_url && strncmp(f->kube_api_url, "http://", 7) &&
	    strncmp(f->kube_api_url, "https://", 8)) {
		fprintf(stderr, "podnetd: --kube-api-url \"%s\" is not an http:// or https:// URL\n",
			f->kube_api_url);
		return -1;
	}
	return 0;
}
