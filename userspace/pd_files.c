// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: what pods need from the node: flannel's subnet.env, the CNI
 * conflist of the reference plugins, and the masquerade rules (an nftables
 * table of its own, through libnftables). The texts are made by pure
 * functions (unit tested); the files are replaced atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "pd_files.h"

#define APPEND(buf, size, n, ...) \
	((n) += (size_t)snprintf((buf) + (n), (n) < (size) ? (size) - (n) : 0, \
				 __VA_ARGS__))

size_t pd_subnet_env(char *buf, size_t size, const struct pd_netconf *nc,
		     const struct pd_self *self, unsigned int mtu, bool ipmasq)
{
	char a[PN_PREFIX_STRLEN], h[PN_ADDR_STRLEN];
	struct pn_addr host;
	size_t n = 0;

	APPEND(buf, size, n, "FLANNEL_NETWORK=%s\n",
	       pn_prefix_str(&nc->network, a, sizeof(a)));
	pd_prefix_host(&self->subnet, 1, &host);
	APPEND(buf, size, n, "FLANNEL_SUBNET=%s/%u\n",
	       pn_addr_str(&host, h, sizeof(h)), self->subnet.len);
	if (nc->enable_ipv6 && self->has_subnet6) {
		APPEND(buf, size, n, "FLANNEL_IPV6_NETWORK=%s\n",
		       pn_prefix_str(&nc->network6, a, sizeof(a)));
		pd_prefix_host(&self->subnet6, 1, &host);
		APPEND(buf, size, n, "FLANNEL_IPV6_SUBNET=%s/%u\n",
		       pn_addr_str(&host, h, sizeof(h)), self->subnet6.len);
	}
	APPEND(buf, size, n, "FLANNEL_MTU=%u\n", mtu);
	APPEND(buf, size, n, "FLANNEL_IPMASQ=%s\n", ipmasq ? "true" : "false");
	return n;
}

/*
 * bridge (cni0, the gateway, no masquerade of its own: it would NAT
 * pod-to-pod traffic between nodes), host-local over the node's subnets
 * (one range set per family), portmap.
 */
size_t pd_conflist(char *buf, size_t size, const struct pd_self *self,
		   unsigned int mtu, const char *data_dir)
{
	char a[PN_PREFIX_STRLEN], b[PN_PREFIX_STRLEN];
	size_t n = 0;

	APPEND(buf, size, n,
	       "{\n"
	       "  \"cniVersion\": \"1.0.0\",\n"
	       "  \"name\": \"podnet\",\n"
	       "  \"plugins\": [\n"
	       "    {\n"
	       "      \"type\": \"bridge\",\n"
	       "      \"bridge\": \"cni0\",\n"
	       "      \"isGateway\": true,\n"
	       "      \"ipMasq\": false,\n"
	       "      \"hairpinMode\": true,\n"
	       "      \"mtu\": %u,\n"
	       "      \"ipam\": {\n"
	       "        \"type\": \"host-local\",\n", mtu);
	if (data_dir) {
		APPEND(buf, size, n, "        \"dataDir\": \"");
		for (; *data_dir; data_dir++)
			APPEND(buf, size, n, *data_dir == '"' || *data_dir == '\\' ?
			       "\\%c" : "%c", *data_dir);
		APPEND(buf, size, n, "\",\n");
	}
	APPEND(buf, size, n, "        \"ranges\": [[{ \"subnet\": \"%s\" }]",
	       pn_prefix_str(&self->subnet, a, sizeof(a)));
	if (self->has_subnet6)
		APPEND(buf, size, n, ", [{ \"subnet\": \"%s\" }]",
		       pn_prefix_str(&self->subnet6, b, sizeof(b)));
	APPEND(buf, size, n, "],\n        \"routes\": [{ \"dst\": \"0.0.0.0/0\" }%s]\n",
	       self->has_subnet6 ? ", { \"dst\": \"::/0\" }" : "");
	APPEND(buf, size, n,
	       "      }\n"
	       "    },\n"
	       "    {\n"
	       "      \"type\": \"portmap\",\n"
	       "      \"capabilities\": { \"portMappings\": true }\n"
	       "    }\n"
	       "  ]\n"
	       "}\n");
	return n;
}

/* One family's rules of flanneld's masquerade (ip or ip6). */
static void masq_family(char *buf, size_t size, size_t *n, const char *fam,
			const struct pn_prefix *net, const struct pn_prefix *sub,
			const char *mcast)
{
	char c[PN_PREFIX_STRLEN], s[PN_PREFIX_STRLEN];

	pn_prefix_str(net, c, sizeof(c));
	pn_prefix_str(sub, s, sizeof(s));
	/* pod to pod, either way: never */
	APPEND(buf, size, *n, "    %s saddr %s %s daddr %s return\n", fam, c,
	       fam, c);
	/* pod to outside (not multicast): masquerade, random ports */
	APPEND(buf, size, *n,
	       "    %s saddr %s %s daddr != %s masquerade fully-random\n",
	       fam, c, fam, mcast);
	/* outside to this node's pods: as it is */
	APPEND(buf, size, *n, "    %s saddr != %s %s daddr %s return\n", fam, c,
	       fam, s);
	/* outside to other nodes' pods (through this node): masquerade */
	APPEND(buf, size, *n,
	       "    %s saddr != %s %s daddr %s masquerade fully-random\n",
	       fam, c, fam, c);
}

size_t pd_masq_rules(char *buf, size_t size, const struct pd_netconf *nc,
		     const struct pd_self *self)
{
	char c[PN_PREFIX_STRLEN], c6[PN_PREFIX_STRLEN];
	bool v6 = nc->enable_ipv6 && self->has_subnet6;
	size_t n = 0;

	/* declared, then deleted and made again: one atomic replacement */
	APPEND(buf, size, n, "table inet " PD_NFT_TABLE "\n"
	       "delete table inet " PD_NFT_TABLE "\n"
	       "table inet " PD_NFT_TABLE " {\n"
	       "  chain postrouting {\n"
	       "    type nat hook postrouting priority srcnat; policy accept;\n"
	       "    meta mark & 0x4000 == 0x4000 return\n");
	masq_family(buf, size, &n, "ip", &nc->network, &self->subnet,
		    "224.0.0.0/4");
	if (v6)
		masq_family(buf, size, &n, "ip6", &nc->network6, &self->subnet6,
			    "ff00::/8");
	APPEND(buf, size, n, "  }\n"
	       "  chain forward {\n"
	       "    type filter hook forward priority filter; policy accept;\n"
	       "    ip saddr %s accept\n"
	       "    ip daddr %s accept\n",
	       pn_prefix_str(&nc->network, c, sizeof(c)), c);
	if (v6)
		APPEND(buf, size, n, "    ip6 saddr %s accept\n"
		       "    ip6 daddr %s accept\n",
		       pn_prefix_str(&nc->network6, c6, sizeof(c6)), c6);
	APPEND(buf, size, n, "  }\n}\n");
	return n;
}

int pd_masq_apply(const char *rules)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *msg;
	int ret;

	if (!nft) {
		pd_err("nftables: no context");
		return -1;
	}
	nft_ctx_buffer_error(nft);
	nft_ctx_buffer_output(nft);
	ret = nft_run_cmd_from_buffer(nft, rules);
	if (ret) {
		msg = nft_ctx_get_error_buffer(nft);
		pd_err("nftables: table inet %s: %s", PD_NFT_TABLE,
		       msg && *msg ? msg : "failed");
	}
	nft_ctx_free(nft);
	return ret ? -1 : 0;
}

int pd_write_file(const char *path, const char *text, size_t len)
{
	char tmp[4096], dir[4096], *slash;
	ssize_t w;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		/* one level, as flanneld does for /run/flannel */
		if (mkdir(dir, 0755) && errno != EEXIST) {
			pd_err("mkdir %s: %s", dir, strerror(errno));
			return -1;
		}
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		pd_err("%s: %s", tmp, strerror(errno));
		return -1;
	}
	w = write(fd, text, len);
	if (w != (ssize_t)len || fsync(fd) || close(fd)) {
		pd_err("%s: write failed: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		pd_err("rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
