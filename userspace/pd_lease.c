// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: flannel's subnet leases: the key (10.244.1.0-24, dual stack
 * 10.244.1.0-24&fd00:244:1::-64), the JSON value flanneld publishes, and
 * the judgement of another node's lease. Base64 for etcd's gateway. No I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <linux/podnet.h>

#include "pd.h"

const char *const pd_skip_names[PD_SKIP_NR] = {
	[PD_SKIP_NONE]		= "none",
	[PD_SKIP_KEY]		= "key",
	[PD_SKIP_JSON]		= "json",
	[PD_SKIP_OUTSIDE]	= "outside",
	[PD_SKIP_OWN_SUBNET]	= "own_subnet",
	[PD_SKIP_OWN_IP]	= "own_ip",
	[PD_SKIP_BACKEND]	= "backend",
	[PD_SKIP_CONFLICT]	= "conflict",
	[PD_SKIP_PENDING]	= "pending",
	[PD_SKIP_PODCIDR]	= "podcidr",
};

/* "ADDR-LEN" of @family (@end: where it stops) into @p. */
static bool subnet_part(const char *s, size_t n, int family,
			struct pn_prefix *p)
{
	char buf[PN_PREFIX_STRLEN];
	char *dash;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	dash = strrchr(buf, '-');
	if (!dash || dash[1] == '\0')
		return false;
	*dash = '/';
	return !pn_parse_prefix(buf, p) && p->addr.family == family;
}

bool pd_lease_key_parse(const char *key, struct pd_lease *l)
{
	const char *amp = strchr(key, '&');
	size_t n4 = amp ? (size_t)(amp - key) : strlen(key);

	l->has_subnet6 = false;
	if (!subnet_part(key, n4, AF_INET, &l->subnet))
		return false;
	if (!amp)
		return true;
	l->has_subnet6 = subnet_part(amp + 1, strlen(amp + 1), AF_INET6,
				     &l->subnet6);
	return l->has_subnet6;
}

const char *pd_lease_key(const struct pd_lease *l, char *buf, size_t size)
{
	char a[PN_ADDR_STRLEN], b[PN_ADDR_STRLEN];

	if (l->has_subnet6)
		snprintf(buf, size, "%s-%u&%s-%u",
			 pn_addr_str(&l->subnet.addr, a, sizeof(a)),
			 l->subnet.len,
			 pn_addr_str(&l->subnet6.addr, b, sizeof(b)),
			 l->subnet6.len);
	else
		snprintf(buf, size, "%s-%u",
			 pn_addr_str(&l->subnet.addr, a, sizeof(a)),
			 l->subnet.len);
	return buf;
}


/* BackendData or BackendV6Data: {"VNI":N,"VtepMAC":"..."[,"Encap":E]} */
static int backend_data(struct json_object *bd, struct pd_lease *l,
			uint8_t mac[PN_ETH_ALEN], bool *has_mac)
{
	struct json_object *vni, *vtep, *encap;

	*has_mac = false;
	if (!bd)
		return 0;
	if (json_object_get_type(bd) != json_type_object)
		return -1;
	vni = pd_json_member(bd, "VNI");
	vtep = pd_json_member(bd, "VtepMAC");
	encap = pd_json_member(bd, "Encap");
	if (vni) {
		int64_t v = json_object_get_int64(vni);

		if (json_object_get_type(vni) != json_type_int || v < 0 ||
		    v > PODNET_VNI_MAX)
			return -1;
		l->vni = (uint32_t)v;
	}
	if (vtep) {
		if (json_object_get_type(vtep) != json_type_string ||
		    pn_parse_mac(json_object_get_string(vtep), mac))
			return -1;
		*has_mac = true;
	}
	if (encap) {
		int e;

		if (json_object_get_type(encap) != json_type_string)
			return -1;
		e = pn_parse_encap(json_object_get_string(encap));
		if (e <= 0)
			return -1;
		l->encap = (uint32_t)e;
	}
	return 0;
}

/* One tokener for every lease: a list of 5,000 makes 5,000. NULL when
 * @json is not one whole JSON value; to be put.
 */
static struct json_object *parse_whole(const char *json, size_t len)
{
	static struct json_tokener *tok;
	struct json_object *o;

	if (!tok)
		tok = json_tokener_new();
	if (!tok)
		return NULL;
	json_tokener_reset(tok);
	o = json_tokener_parse_ex(tok, json, (int)len);
	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
		  json_tokener_get_parse_end(tok) != len)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int pd_backend_data_parse(const char *json, struct pd_lease *l, bool v6)
{
	struct json_object *o;
	int ret;

	/* host-gw and ipip publish "null" (flannel's kube annotations) */
	if (!strcmp(json, "null") || !json[0]) {
		if (v6)
			l->has_mac6 = false;
		else
			l->has_mac = false;
		return 0;
	}
	o = parse_whole(json, strlen(json));
	if (!o)
		return -1;
	ret = backend_data(o, l, v6 ? l->mac6 : l->mac,
			   v6 ? &l->has_mac6 : &l->has_mac);
	json_object_put(o);
	return ret;
}

static int addr_member(struct json_object *o, const char *key, int family,
		       struct pn_addr *a, bool *has)
{
	struct json_object *m = pd_json_member(o, key);

	*has = false;
	if (!m)
		return 0;
	if (json_object_get_type(m) != json_type_string ||
	    pn_parse_addr(json_object_get_string(m), a) || a->family != family)
		return -1;
	*has = true;
	return 0;
}

int pd_lease_value_parse(const char *json, size_t len, struct pd_lease *l)
{
	struct json_object *o, *bt;
	bool has4 = false;
	int ret = -1;

	l->backend_type[0] = '\0';
	l->vni = 0;
	l->encap = 0;
	l->has_mac = l->has_mac6 = l->has_public_ip6 = false;
	o = parse_whole(json, len);
	if (!o || json_object_get_type(o) != json_type_object)
		goto out;
	if (addr_member(o, "PublicIP", AF_INET, &l->public_ip, &has4) || !has4 ||
	    addr_member(o, "PublicIPv6", AF_INET6, &l->public_ip6,
			&l->has_public_ip6))
		goto out;
	bt = pd_json_member(o, "BackendType");
	if (bt) {
		if (json_object_get_type(bt) != json_type_string ||
		    json_object_get_string_len(bt) >= (int)sizeof(l->backend_type))
			goto out;
		snprintf(l->backend_type, sizeof(l->backend_type), "%s",
			 json_object_get_string(bt));
	}
	if (backend_data(pd_json_member(o, "BackendData"), l, l->mac, &l->has_mac) ||
	    backend_data(pd_json_member(o, "BackendV6Data"), l, l->mac6, &l->has_mac6))
		goto out;
	ret = 0;
out:
	json_object_put(o);
	return ret;
}

size_t pd_backend_data_json(char *buf, size_t size, const struct pd_backend *b,
			    const uint8_t mac[PN_ETH_ALEN])
{
	uint32_t encap = strcmp(b->type, "podnet") ? 0 : b->dev_encap;
	char m[PN_MAC_STRLEN], e[16];
	size_t n;

	if (!b->has_vtep)
		return (size_t)snprintf(buf, size, "null");
	n = (size_t)snprintf(buf, size, "{\"VNI\":%u,\"VtepMAC\":\"%s\"",
			     b->vni, pn_mac_str(mac, m, sizeof(m)));
	if (encap)
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
				      ",\"Encap\":\"%s\"",
				      pn_encap_str(encap, e, sizeof(e)));
	n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "}");
	return n;
}

/* ,"KEY":{"VNI":1,"VtepMAC":"..."} */
static void put_backend_data(char *buf, size_t size, size_t *n,
			     const char *key, const struct pd_backend *b,
			     const uint8_t mac[PN_ETH_ALEN])
{
	*n += (size_t)snprintf(buf + *n, size - *n, ",\"%s\":", key);
	*n += pd_backend_data_json(buf + *n, size - *n, b, mac);
}

/*
 * Field by field as flanneld's LeaseAttrs marshals: PublicIP, PublicIPv6
 * (null when none), BackendType, BackendData, BackendV6Data (the last two
 * only when the backend has them).
 */
char *pd_lease_value(const struct pd_lease *l, const struct pd_backend *b)
{
	char a[PN_ADDR_STRLEN], a6[PN_ADDR_STRLEN];
	size_t size = 512, n = 0;
	char *buf = malloc(size);

	if (!buf)
		return NULL;
	n += (size_t)snprintf(buf, size, "{\"PublicIP\":\"%s\",\"PublicIPv6\":",
			      pn_addr_str(&l->public_ip, a, sizeof(a)));
	if (l->has_public_ip6)
		n += (size_t)snprintf(buf + n, size - n, "\"%s\"",
				      pn_addr_str(&l->public_ip6, a6, sizeof(a6)));
	else
		n += (size_t)snprintf(buf + n, size - n, "null");
	n += (size_t)snprintf(buf + n, size - n, ",\"BackendType\":\"%s\"",
			      b->type);
	if (b->has_vtep) {
		put_backend_data(buf, size, &n, "BackendData", b, l->mac);
		if (l->has_public_ip6)
			put_backend_data(buf, size, &n, "BackendV6Data", b,
					 l->mac6);
	}
	snprintf(buf + n, size - n, "}");
	return buf;
}

static bool prefix_eq(const struct pn_prefix *a, const struct pn_prefix *b)
{
	return a->len == b->len && a->addr.len == b->addr.len &&
	       !memcmp(a->addr.bytes, b->addr.bytes, a->addr.len);
}

static bool addr_eq(const struct pn_addr *a, const struct pn_addr *b)
{
	return a->len == b->len && !memcmp(a->bytes, b->bytes, a->len);
}

static bool in_range(const struct pn_prefix *net, unsigned int len,
		     const struct pn_prefix *sub, bool any_len)
{
	uint64_t idx;

	/* anything within the network is a subnet flannel could hand out:
	 * SubnetMin and SubnetMax bound allocation only; Kubernetes' node
	 * CIDRs may be of any size
	 */
	if (any_len)
		return sub->addr.family == net->addr.family &&
		       sub->len >= net->len &&
		       pd_prefix_contains(net, &sub->addr);
	return pd_subnet_index(net, len, sub, &idx);
}

enum pd_skip pd_lease_check(const struct pd_lease *l,
			    const struct pd_netconf *nc,
			    const struct pd_self *self)
{
	const struct pd_backend *b = &nc->backend;
	bool ours, ours6;

	if (!in_range(&nc->network, nc->subnet_len, &l->subnet, nc->any_len) ||
	    (l->has_subnet6 &&
	     (!nc->enable_ipv6 ||
	      !in_range(&nc->network6, nc->subnet_len6, &l->subnet6,
			nc->any_len))))
		return PD_SKIP_OUTSIDE;
	ours = self && self->subnet.len && prefix_eq(&l->subnet, &self->subnet);
	ours6 = self && self->has_subnet6 && l->has_subnet6 &&
		prefix_eq(&l->subnet6, &self->subnet6);
	/* our IPv4 subnet from another node, or our IPv6 one on another key */
	if ((ours && !addr_eq(&l->public_ip, &self->public_ip)) ||
	    (ours6 && !ours))
		return PD_SKIP_OWN_SUBNET;
	if (!ours && self && addr_eq(&l->public_ip, &self->public_ip))
		return PD_SKIP_OWN_IP;
	if (strcmp(l->backend_type, b->type))
		return PD_SKIP_BACKEND;
	if (b->has_vtep && (!l->has_mac || l->vni != b->vni))
		return l->has_mac ? PD_SKIP_BACKEND : PD_SKIP_JSON;
	if (!strcmp(b->type, "podnet") && l->encap != b->dev_encap)
		return PD_SKIP_BACKEND;
	return PD_SKIP_NONE;
}

enum pd_skip pd_lease_parse(const char *key, const char *json, size_t len,
			    struct pd_lease *l)
{
	memset(l, 0, sizeof(*l));
	if (!pd_lease_key_parse(key, l))
		return PD_SKIP_KEY;
	if (pd_lease_value_parse(json, len, l))
		return PD_SKIP_JSON;
	return PD_SKIP_NONE;
}

enum pd_skip pd_lease_judge(const char *key, const char *json, size_t len,
			    const struct pd_netconf *nc,
			    const struct pd_self *self, struct pd_lease *l)
{
	enum pd_skip skip = pd_lease_parse(key, json, len, l);

	return skip != PD_SKIP_NONE ? skip : pd_lease_check(l, nc, self);
}

/* ------------------------------------------------------------ base64 -- */

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *pd_b64_encode(const void *data, size_t len)
{
	const uint8_t *p = data;
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = b64[(v >> 6) & 63];
		*o++ = b64[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)p[i] << 16 |
			     (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);

		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

char *pd_b64_decode(const char *s, size_t *outlen)
{
	size_t len = strlen(s), i, n = 0;
	char *out;

	if (len % 4)
		return NULL;
	out = malloc(len / 4 * 3 + 1);
	if (!out)
		return NULL;
	for (i = 0; i < len; i += 4) {
		int v[4], k, pad = 0;

		for (k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad || (v[k] = b64_val(s[i + k])) < 0) {
				free(out);
				return NULL;
			}
		}
		out[n++] = (char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[n++] = (char)((v[1] & 15) << 4 | v[2] >> 2);
		if (pad < 1)
			out[n++] = (char)((v[2] & 3) << 6 | v[3]);
	}
	out[n] = '\0';
	*outlen = n;
	return out;
}

char *pd_range_end(const char *key)
{
	size_t n = strlen(key);
	char *end = strdup(key);

	if (!end)
		return NULL;
	/* the last byte that can grow, the rest cut: "a\xff" -> "b" */
	while (n > 0 && (uint8_t)end[n - 1] == 0xff)
		end[--n] = '\0';
	if (n == 0) {
		free(end);
		return strdup("");	/* "\0": to the end of the keyspace */
	}
	end[n - 1] = (char)((uint8_t)end[n - 1] + 1);
	return end;
}
