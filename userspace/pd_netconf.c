// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: flannel's network configuration (<prefix>/config), subnet
 * arithmetic and the choice of a free subnet. No I/O.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <linux/podnet.h>

#include "pd.h"

/* An address as a 128-bit number: hi and lo 64 bits (IPv4: lo only). */
struct u128 {
	uint64_t hi, lo;
};

static struct u128 addr_num(const struct pn_addr *a)
{
	struct u128 n = { 0, 0 };
	unsigned int i;

	for (i = 0; i < a->len; i++) {
		n.hi = (n.hi << 8) | (n.lo >> 56);
		n.lo = (n.lo << 8) | a->bytes[i];
	}
	return n;
}

static void num_addr(struct u128 n, int family, struct pn_addr *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->family = family;
	a->len = family == AF_INET ? 4 : 16;
	for (i = a->len - 1; i >= 0; i--) {
		a->bytes[i] = (uint8_t)n.lo;
		n.lo = (n.lo >> 8) | (n.hi << 56);
		n.hi >>= 8;
	}
}

/* n << s, s < 128 */
static struct u128 shl(struct u128 n, unsigned int s)
{
	if (s == 0)
		return n;
	if (s >= 128)
		return (struct u128){ 0, 0 };
	if (s >= 64)
		return (struct u128){ n.lo << (s - 64), 0 };
	return (struct u128){ (n.hi << s) | (n.lo >> (64 - s)), n.lo << s };
}

static struct u128 shr(struct u128 n, unsigned int s)
{
	if (s == 0)
		return n;
	if (s >= 128)
		return (struct u128){ 0, 0 };
	if (s >= 64)
		return (struct u128){ 0, n.hi >> (s - 64) };
	return (struct u128){ n.hi >> s, (n.lo >> s) | (n.hi << (64 - s)) };
}

static struct u128 add(struct u128 a, struct u128 b)
{
	struct u128 r = { a.hi + b.hi, a.lo + b.lo };

	if (r.lo < a.lo)
		r.hi++;
	return r;
}

/* @n (an address @bits wide) without its first @keep bits. */
static struct u128 host_bits(struct u128 n, unsigned int keep, unsigned int bits)
{
	return shr(shl(n, 128 - bits + keep), 128 - bits + keep);
}

void pd_subnet_nth(const struct pn_prefix *net, unsigned int len,
		   uint64_t idx, struct pn_prefix *out)
{
	unsigned int bits = pn_addr_bits(&net->addr);
	struct u128 n = add(addr_num(&net->addr),
			    shl((struct u128){ 0, idx }, bits - len));

	num_addr(n, net->addr.family, &out->addr);
	out->len = (uint8_t)len;
}

bool pd_prefix_contains(const struct pn_prefix *net, const struct pn_addr *a)
{
	unsigned int bits = pn_addr_bits(&net->addr);
	struct u128 x, y;

	if (a->family != net->addr.family)
		return false;
	x = shr(addr_num(a), bits - net->len);
	y = shr(addr_num(&net->addr), bits - net->len);
	return net->len == 0 || (x.hi == y.hi && x.lo == y.lo);
}

bool pd_subnet_index(const struct pn_prefix *net, unsigned int len,
		     const struct pn_prefix *sub, uint64_t *idx)
{
	unsigned int bits = pn_addr_bits(&net->addr);
	struct u128 off;

	if (sub->addr.family != net->addr.family || sub->len != len ||
	    len < net->len || len - net->len > 63 ||
	    !pd_prefix_contains(net, &sub->addr))
		return false;
	off = host_bits(addr_num(&sub->addr), net->len, bits);
	off = shr(off, bits - len);
	*idx = off.lo;
	return true;
}

void pd_prefix_host(const struct pn_prefix *p, unsigned int n,
		    struct pn_addr *out)
{
	num_addr(add(addr_num(&p->addr), (struct u128){ 0, n }),
		 p->addr.family, out);
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int pd_alloc_index(uint64_t min, uint64_t max, const uint64_t *used,
		   size_t n, uint64_t rnd, uint64_t *idx)
{
	uint64_t free_idx[100], *taken = NULL, i;
	size_t nfree = 0, j = 0;

	/* in order: the candidates and the taken indexes side by side */
	if (n) {
		taken = malloc(n * sizeof(*taken));
		if (!taken)
			return -1;
		memcpy(taken, used, n * sizeof(*taken));
		qsort(taken, n, sizeof(*taken), u64_cmp);
	}
	for (i = min; i <= max && nfree < 100; i++) {
		while (j < n && taken[j] < i)
			j++;
		if (j == n || taken[j] != i)
			free_idx[nfree++] = i;
		if (i == UINT64_MAX)
			break;
	}
	free(taken);
	if (!nfree)
		return -1;
	*idx = free_idx[rnd % nfree];
	return 0;
}

/* --------------------------------------------------------- config ---- */

int pd_fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -1;
}

struct json_object *pd_json_object(const char *s, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
		  json_object_get_type(o) != json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

struct json_object *pd_json_member(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    json_object_get_type(v) == json_type_null)
		return NULL;
	return v;
}


/* An unsigned integer member in [0, max] (absent: 0, *@seen false). */
static int get_uint(struct json_object *o, const char *key, uint64_t max,
		    uint64_t *v, char *err, size_t size)
{
	struct json_object *m = pd_json_member(o, key);
	int64_t n;

	*v = 0;
	if (!m)
		return 0;
	if (json_object_get_type(m) != json_type_int)
		return pd_fail(err, size, "%s must be a number", key);
	n = json_object_get_int64(m);
	if (n < 0 || (uint64_t)n > max)
		return pd_fail(err, size, "%s out of range: %lld", key,
			    (long long)n);
	*v = (uint64_t)n;
	return 0;
}

static int get_bool(struct json_object *o, const char *key, bool dflt,
		    bool *v, char *err, size_t size)
{
	struct json_object *m = pd_json_member(o, key);

	*v = dflt;
	if (!m)
		return 0;
	if (json_object_get_type(m) != json_type_boolean)
		return pd_fail(err, size, "%s must be true or false", key);
	*v = json_object_get_boolean(m);
	return 0;
}

/* A string member, NULL when absent; an error when of another type. */
static int get_str(struct json_object *o, const char *key, const char **v,
		   char *err, size_t size)
{
	struct json_object *m = pd_json_member(o, key);

	*v = NULL;
	if (!m)
		return 0;
	if (json_object_get_type(m) != json_type_string)
		return pd_fail(err, size, "%s must be a string", key);
	*v = json_object_get_string(m);
	return 0;
}

/* Is @a exactly the first address of its /@len subnet? */
static bool on_boundary(const struct pn_addr *a, unsigned int len)
{
	unsigned int i;

	for (i = len; i < pn_addr_bits(a); i++)
		if (a->bytes[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

/* SubnetMin or SubnetMax @s: in @net, on a /@len boundary; its index. */
static int parse_bound(const char *s, const char *key, const char *s_net,
		       const struct pn_prefix *net, unsigned int len,
		       uint64_t *idx, char *err, size_t size)
{
	struct pn_prefix sub = { .len = (uint8_t)len };

	if (pn_parse_addr(s, &sub.addr) || !pd_prefix_contains(net, &sub.addr))
		return pd_fail(err, size, "%s \"%s\" is not in %s", key, s, s_net);
	if (!on_boundary(&sub.addr, len) ||
	    !pd_subnet_index(net, len, &sub, idx))
		return pd_fail(err, size, "%s \"%s\" is not on a /%u boundary",
			    key, s, len);
	return 0;
}

/*
 * One address family's part: the network, the subnet length (default 24
 * for IPv4 and 64 for IPv6 when the network is large enough, else one bit
 * more than the network), SubnetMin (default: the second subnet) and
 * SubnetMax (default: the last), both on a subnet boundary.
 */
static int family_conf(struct json_object *o, bool v6, struct pn_prefix *net,
		       unsigned int *sublen, uint64_t *min, uint64_t *max,
		       char *err, size_t size)
{
	const char *k_net = v6 ? "IPv6Network" : "Network";
	const char *k_len = v6 ? "IPv6SubnetLen" : "SubnetLen";
	const char *k_min = v6 ? "IPv6SubnetMin" : "SubnetMin";
	const char *k_max = v6 ? "IPv6SubnetMax" : "SubnetMax";
	unsigned int bits = v6 ? 128 : 32, dflt = v6 ? 64 : 24;
	const char *s_net, *s_min, *s_max;
	uint64_t len, last;

	if (get_str(o, k_net, &s_net, err, size) ||
	    get_uint(o, k_len, bits, &len, err, size) ||
	    get_str(o, k_min, &s_min, err, size) ||
	    get_str(o, k_max, &s_max, err, size))
		return -1;
	if (!s_net)
		return pd_fail(err, size, "%s is missing", k_net);
	if (pn_parse_prefix(s_net, net) || !strchr(s_net, '/') ||
	    pn_addr_bits(&net->addr) != bits)
		return pd_fail(err, size, "%s \"%s\" is not an IPv%d network",
			    k_net, s_net, v6 ? 6 : 4);
	if (len) {
		if (len > bits - 2)
			return pd_fail(err, size, "%s must be less than /%u", k_len,
				    bits - 1);
		if (len < net->len + 1U)
			return pd_fail(err, size,
				    "%s /%llu: %s must hold at least two subnets",
				    k_len, (unsigned long long)len, k_net);
	} else if (net->len > bits - 4) {
		return pd_fail(err, size,
			    "%s is too small: the smallest useful network is /%u",
			    k_net, bits - 4);
	} else {
		len = net->len <= dflt - 2 ? dflt : net->len + 1U;
	}
	if (len - net->len > 63)
		return pd_fail(err, size, "%s /%llu: more than 2^63 subnets of %s",
			    k_len, (unsigned long long)len, k_net);
	*sublen = (unsigned int)len;
	last = (len - net->len == 63) ? (UINT64_MAX >> 1) :
	       (1ULL << (len - net->len)) - 1;
	*min = 1;
	*max = last;
	if (s_min && parse_bound(s_min, k_min, s_net, net, (unsigned int)len,
				 min, err, size))
		return -1;
	if (s_max && parse_bound(s_max, k_max, s_net, net, (unsigned int)len,
				 max, err, size))
		return -1;
	if (*min > *max)
		return pd_fail(err, size, "%s is after %s", k_min, k_max);
	return 0;
}

static int backend_conf(struct json_object *o, struct pd_backend *b,
			char *err, size_t size)
{
	struct json_object *be = pd_json_member(o, "Backend");
	const char *type, *encap;
	uint64_t vni, port, mtu;

	memset(b, 0, sizeof(*b));
	if (!be)
		return pd_fail(err, size,
			    "Backend is missing (flanneld's default, udp, is not supported)");
	if (json_object_get_type(be) != json_type_object)
		return pd_fail(err, size, "Backend must be an object");
	if (get_str(be, "Type", &type, err, size) ||
	    get_uint(be, "VNI", PODNET_VNI_MAX, &vni, err, size) ||
	    get_uint(be, "Port", 65535, &port, err, size) ||
	    get_uint(be, "MTU", 65535, &mtu, err, size) ||
	    get_bool(be, "DirectRouting", false, &b->direct_routing, err,
		     size) ||
	    get_str(be, "Encap", &encap, err, size))
		return -1;
	if (!type)
		type = "udp";
	snprintf(b->type, sizeof(b->type), "%s", type);
	b->vni = vni ? (uint32_t)vni : PODNET_DEFAULT_VNI;
	b->port = port ? (uint32_t)port : PODNET_DEFAULT_PORT;
	b->mtu = (uint32_t)mtu;
	if (mtu && mtu < 68)
		return pd_fail(err, size, "Backend MTU %llu is too small",
			    (unsigned long long)mtu);
	if (!strcmp(type, "vxlan")) {
		b->has_vtep = true;
		b->dev_encap = b->direct_routing ? PODNET_ENCAP_AUTO :
				PODNET_ENCAP_VXLAN;
	} else if (!strcmp(type, "host-gw")) {
		b->dev_encap = PODNET_ENCAP_DIRECT;
	} else if (!strcmp(type, "ipip")) {
		/* auto's fallback is the device's encap: ipip */
		b->dev_encap = PODNET_ENCAP_IPIP;
		if (b->direct_routing)
			b->peer_encap = PODNET_ENCAP_AUTO;
	} else if (!strcmp(type, "podnet")) {
		/* a podnet-only cluster: its leases say "podnet", never "vxlan" */
		int e = pn_parse_encap(encap ? encap : "gpe");

		if (e <= 0)
			return pd_fail(err, size, "Backend Encap \"%s\" must be %s",
				    encap, pn_encap_names());
		b->has_vtep = true;
		b->dev_encap = (uint32_t)e;
	} else {
		return pd_fail(err, size,
			    "Backend Type \"%s\" is not supported (vxlan, host-gw, ipip, podnet)",
			    type);
	}
	if (encap && strcmp(type, "podnet"))
		return pd_fail(err, size, "Backend Encap is for Type \"podnet\" only");
	return 0;
}

int pd_netconf_parse(const char *json, size_t len, struct pd_netconf *nc,
		     char *err, size_t errsize)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	int ret = -1;

	memset(nc, 0, sizeof(*nc));
	if (!tok)
		return pd_fail(err, errsize, "out of memory");
	o = json_tokener_parse_ex(tok, json, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		pd_fail(err, errsize, "not JSON: %s",
		     json_tokener_error_desc(json_tokener_get_error(tok)));
		goto out;
	}
	if (json_object_get_type(o) != json_type_object) {
		pd_fail(err, errsize, "not a JSON object");
		goto out;
	}
	if (get_bool(o, "EnableIPv4", true, &nc->enable_ipv4, err, errsize) ||
	    get_bool(o, "EnableIPv6", false, &nc->enable_ipv6, err, errsize))
		goto out;
	if (!nc->enable_ipv4) {
		/* flannel's IPv6-only mode keys leases by an IPv4 subnet too */
		pd_fail(err, errsize, "EnableIPv4 false (IPv6 only) is not supported");
		goto out;
	}
	if (family_conf(o, false, &nc->network, &nc->subnet_len, &nc->min,
			&nc->max, err, errsize))
		goto out;
	if (nc->enable_ipv6 &&
	    family_conf(o, true, &nc->network6, &nc->subnet_len6, &nc->min6,
			&nc->max6, err, errsize))
		goto out;
	ret = backend_conf(o, &nc->backend, err, errsize);
out:
	json_object_put(o);
	json_tokener_free(tok);
	return ret;
}
