// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: the node agent. It holds its node's subnet lease in etcd, in
 * flannel's key layout and lease JSON, and keeps pn0's table equal to the
 * other nodes' leases.
 *
 * The pure parts (flags, the network configuration, leases, subnet
 * allocation, base64) have no I/O and are unit tested on the host
 * (tests/test_podnetd.c).
 */
#ifndef PODNETD_H
#define PODNETD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "utils.h"

#define PD_MAX_ENDPOINTS	16
#define PD_LEASE_TTL		86400	/* s: flanneld's 24 hours */

/* ---------------------------------------------------------- log.c ---- */

enum pd_log_level { PD_ERR, PD_WARN, PD_INFO, PD_DEBUG };

extern enum pd_log_level pd_log_level;
void pd_log(enum pd_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define pd_err(...)	pd_log(PD_ERR, __VA_ARGS__)
#define pd_warn(...)	pd_log(PD_WARN, __VA_ARGS__)
#define pd_info(...)	pd_log(PD_INFO, __VA_ARGS__)
#define pd_debug(...)	pd_log(PD_DEBUG, __VA_ARGS__)

/* -------------------------------------------------------- flags.c ---- */

struct pd_flags {
	const char *endpoints[PD_MAX_ENDPOINTS];
	unsigned int nendpoints;
	const char *prefix;		/* --etcd-prefix */
	const char *certfile, *keyfile, *cafile;
	const char *username, *password;
	const char *iface;		/* --iface: name or address */
	const char *public_ip, *public_ipv6;
	const char *subnet_file;
	unsigned int renew_margin;	/* minutes */
	bool ip_masq;
	const char *healthz_ip;
	unsigned int healthz_port;	/* 0: no health/metrics server */
	const char *device;		/* --device, default pn0 */
	const char *cni_conf_dir;	/* NULL: no conflist */
	const char *cni_conf_name;
	const char *cni_data_dir;	/* host-local's dataDir, or NULL */
	unsigned int etcd_timeout_ms;	/* per unary request */
	/* the Kubernetes API instead of etcd: flannel's kube subnet manager */
	bool kube_subnet_mgr;
	const char *kube_api_url;
	const char *kubeconfig_file;
	const char *kube_annotation_prefix;
	const char *net_config_path;	/* flannel's net-conf.json */
	bool set_node_network_unavailable;
	unsigned int kube_timeout_ms;	/* per unary request */
	enum pd_log_level log_level;
	bool help, version;
};

/*
 * Parse the command line: flanneld's flags where the meaning is the same,
 * "--flag=value", "--flag value" and flanneld's single-dash forms; booleans
 * alone or "=true|false". Prints the error. Return: 0 or -1.
 */
int pd_flags_parse(int argc, char **argv, struct pd_flags *f);
void pd_usage(FILE *out);

/* ------------------------------------------------------ netconf.c ---- */

struct json_object;

/* Member @key of JSON object @o; NULL when absent or null. */
struct json_object *pd_json_member(struct json_object *o, const char *key);
/* @len bytes of JSON that are an object; NULL otherwise. To be put. */
struct json_object *pd_json_object(const char *s, size_t len);
/* @fmt into @err; return -1. */
int pd_fail(char *err, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What pn0 and the leases are made of: from the Backend of the config. */
struct pd_backend {
	char type[16];		/* "vxlan", "host-gw", "ipip", "podnet" */
	uint32_t vni;		/* vxlan, podnet */
	uint32_t port;		/* UDP port (vxlan, podnet); 8472 */
	uint32_t mtu;		/* 0: automatic */
	bool direct_routing;
	uint32_t dev_encap;	/* pn0's encap (enum podnet_encap) */
	uint32_t peer_encap;	/* each peer's (0: the device's) */
	bool has_vtep;		/* leases carry BackendData with VtepMAC */
};

/* <prefix>/config, flannel's network configuration, with the defaults. */
struct pd_netconf {
	bool enable_ipv4, enable_ipv6;
	struct pn_prefix network, network6;
	unsigned int subnet_len, subnet_len6;
	uint64_t min, max;		/* subnet indexes in network */
	uint64_t min6, max6;		/* ... in network6 */
	struct pd_backend backend;
	/* nodes' subnets of any size inside the network (Kubernetes' node
	 * CIDRs), not only of the subnet length (flannel's etcd leases)
	 */
	bool any_len;
};

/*
 * Parse and validate the JSON of <prefix>/config. On error @err holds why.
 * Return: 0 or -1.
 */
int pd_netconf_parse(const char *json, size_t len, struct pd_netconf *nc,
		     char *err, size_t errsize);

/* Subnet @idx of @net cut in /@len; its index back (false: not one). */
void pd_subnet_nth(const struct pn_prefix *net, unsigned int len,
		   uint64_t idx, struct pn_prefix *out);
bool pd_subnet_index(const struct pn_prefix *net, unsigned int len,
		     const struct pn_prefix *sub, uint64_t *idx);
bool pd_prefix_contains(const struct pn_prefix *net, const struct pn_addr *a);
/* The @n-th address of prefix @p (n = 1: "10.244.1.1"). */
void pd_prefix_host(const struct pn_prefix *p, unsigned int n,
		    struct pn_addr *out);

/* ------------------------------------------------------- lease.c ---- */

/* Why a lease is not used: the reasons /metrics counts. */
enum pd_skip {
	PD_SKIP_NONE,
	PD_SKIP_KEY,		/* the key is not a subnet */
	PD_SKIP_JSON,		/* the value does not parse, or misses fields */
	PD_SKIP_OUTSIDE,	/* subnet outside the network, or wrong size */
	PD_SKIP_OWN_SUBNET,	/* our subnet with another node's address */
	PD_SKIP_OWN_IP,		/* our address on another subnet */
	PD_SKIP_BACKEND,	/* another backend type (or VNI) */
	PD_SKIP_CONFLICT,	/* a subnet an older lease already has */
	PD_SKIP_PENDING,	/* a Node not annotated by flanneld or podnetd yet */
	PD_SKIP_PODCIDR,	/* a Node without a usable PodCIDR of a family */
	PD_SKIP_NR
};

extern const char *const pd_skip_names[PD_SKIP_NR];

/* A lease: the key's subnets and the value's attributes. */
struct pd_lease {
	struct pn_prefix subnet;
	struct pn_prefix subnet6;
	bool has_subnet6;
	struct pn_addr public_ip;
	struct pn_addr public_ip6;
	bool has_public_ip6;
	char backend_type[16];
	uint32_t vni;
	bool has_mac, has_mac6;
	uint8_t mac[PN_ETH_ALEN], mac6[PN_ETH_ALEN];
	uint32_t encap;		/* "podnet" backend's Encap, or 0 */
};

/* "10.244.1.0-24" or "10.244.1.0-24&fd00:244:1::-64" (after subnets/). */
bool pd_lease_key_parse(const char *key, struct pd_lease *l);
/* The key of @l after <prefix>/subnets/, in @buf. */
const char *pd_lease_key(const struct pd_lease *l, char *buf, size_t size);
/* The value's JSON into @l. Return: 0 or -1. */
int pd_lease_value_parse(const char *json, size_t len, struct pd_lease *l);
/* flanneld's JSON of @l's attributes; to be freed. */
char *pd_lease_value(const struct pd_lease *l, const struct pd_backend *b);
/*
 * BackendData as flanneld marshals it for @b with vtep @mac:
 * {"VNI":1,"VtepMAC":"..."}, or "null" for a backend without one. Return:
 * its length (as snprintf).
 */
size_t pd_backend_data_json(char *buf, size_t size, const struct pd_backend *b,
			    const uint8_t mac[PN_ETH_ALEN]);
/* BackendData (@v6: BackendV6Data) JSON into @l: VNI, VtepMAC (or "null":
 * none), Encap. Return: 0 or -1.
 */
int pd_backend_data_parse(const char *json, struct pd_lease *l, bool v6);

/* What this node is, to judge other leases against. */
struct pd_self {
	struct pn_addr public_ip, public_ip6;
	bool has_public_ip6;
	struct pn_prefix subnet, subnet6;	/* len 0: no lease yet */
	bool has_subnet6;
};

/* The lease at @key with value @json into @l: PD_SKIP_NONE, or KEY or
 * JSON when it does not parse.
 */
enum pd_skip pd_lease_parse(const char *key, const char *json, size_t len,
			    struct pd_lease *l);
/*
 * Parse and judge the lease at @key (after subnets/) with value @json:
 * PD_SKIP_NONE and @l filled when it is another node's usable lease.
 * @self may be NULL (no own lease yet).
 */
enum pd_skip pd_lease_judge(const char *key, const char *json, size_t len,
			    const struct pd_netconf *nc,
			    const struct pd_self *self, struct pd_lease *l);
/*
 * The judgement of a parsed lease @l (another node's subnets and
 * attributes, from any store): PD_SKIP_NONE, OUTSIDE, OWN_SUBNET, OWN_IP,
 * BACKEND or JSON (a vxlan lease without a VtepMAC).
 */
enum pd_skip pd_lease_check(const struct pd_lease *l,
			    const struct pd_netconf *nc,
			    const struct pd_self *self);

/* ------------------------------------------------------ alloc.c ---- */

/*
 * A free subnet index of [min, max] that no one of @used (in any order,
 * @n of them) takes: one of the first 100 free at random (@rnd: a random
 * number), as flanneld does. n log n. Return: 0, or -1 when the range is
 * full (or no memory).
 */
int pd_alloc_index(uint64_t min, uint64_t max, const uint64_t *used,
		   size_t n, uint64_t rnd, uint64_t *idx);

/* ------------------------------------------------------ base64.c ---- */

/* Standard base64 of @len bytes, NUL-terminated; to be freed. */
char *pd_b64_encode(const void *data, size_t len);
/* Decode into a NUL-terminated buffer (*@outlen without the NUL). */
char *pd_b64_decode(const char *s, size_t *outlen);

/* The end of a prefix range: @key with its last byte plus one. */
char *pd_range_end(const char *key);

#endif /* PODNETD_H */
