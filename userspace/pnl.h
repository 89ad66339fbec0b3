// SPDX-License-Identifier: GPL-2.0
/*
 * libpodnet: the podnet generic netlink family and the podnet link type,
 * shared by podnetctl and podnetd (with nl.h, genl.h and utils.h). It
 * builds and parses messages; it prints only errors of its own requests
 * (through nl_request()), never output.
 */
#ifndef PODNET_PNL_H
#define PODNET_PNL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/podnet.h>

#include "genl.h"
#include "nl.h"
#include "utils.h"

#define PODNET_KIND	"podnet"

/* The netlink sockets of a program and the podnet family. */
struct pn_nl {
	struct nl_sock *rtnl;		/* opened on first use */
	struct nl_sock *genl;		/* opened on first use */
	struct genl_family family;	/* id 0: not resolved yet */
};

/* A podnet device of the namespace. */
struct pn_dev {
	uint32_t ifindex;
	char name[IF_NAMESIZE];
};

/* ctx.c: sockets, the podnet family, message helpers. All print errors. */
struct nl_sock *pn_rtnl(struct pn_nl *c);
int pn_genl(struct pn_nl *c);
void pn_nl_close(struct pn_nl *c);
/* A podnet request in @buf of @size bytes (see genl_msg()). */
struct nlmsghdr *pn_msg(const struct pn_nl *c, char *buf, size_t size,
			uint8_t cmd, uint16_t flags, uint32_t ifindex);
void pn_parse_top(const struct nlmsghdr *nlh,
		  const struct nlattr *tb[PODNET_A_MAX + 1]);
const char *pn_top_ifname(const struct nlattr *const tb[PODNET_A_MAX + 1],
			  const struct pn_dev *dev, char *buf);
bool pn_top_other_dev(const struct nlattr *const tb[PODNET_A_MAX + 1],
		      const struct pn_dev *dev);
const char *pn_ifname(uint32_t ifindex, char *buf);
int pn_ifindex(const char *name, uint32_t *ifindex);

/* A peer's settings: "peer add|change|del", sync files, podnetd. */
struct pn_peer {
	struct pn_addr addr;
	uint32_t port, encap;
	uint8_t mac[PN_ETH_ALEN];
	bool has_port, has_encap, has_mac;
};

/* The PODNET_A_PEER nest of @p, and its size in bytes. */
void pn_peer_put(struct nlmsghdr *nlh, const struct pn_peer *p);
size_t pn_peer_size(const struct pn_peer *p);

/* A route: PodCIDR prefix -> peer. */
struct pn_route {
	struct pn_prefix prefix;
	struct pn_addr via;
	bool has_via;
};

/* The PODNET_A_ROUTE nest of @r, and its size in bytes. */
void pn_route_put(struct nlmsghdr *nlh, const struct pn_route *r, bool replace);
size_t pn_route_size(const struct pn_route *r, bool replace);

/* A whole route and peer set. "line" first: podnetctl's duplicate check
 * reads it through a void pointer; 0 when the set is not from a file.
 */
struct pn_sync_route {
	unsigned int line;
	struct pn_route r;
};

struct pn_sync_peer {
	unsigned int line;
	struct pn_peer p;
};

struct pn_sync {
	struct pn_sync_route *routes;
	size_t nroutes, routes_size;
	struct pn_sync_peer *peers;
	size_t npeers, peers_size;
};

void pn_sync_free(struct pn_sync *s);
/* Room for one more route or peer: NULL when out of memory. */
struct pn_sync_route *pn_sync_add_route(struct pn_sync *s);
struct pn_sync_peer *pn_sync_add_peer(struct pn_sync *s);

/* The size in bytes of the PODNET_CMD_SYNC request of @s. */
size_t pn_sync_msg_size(const struct pn_sync *s);

/*
 * Build that request in @buf of @size = pn_sync_msg_size() bytes:
 * PODNET_A_IFINDEX, then a PODNET_A_ROUTE nest per route and a
 * PODNET_A_PEER nest per peer, in the order of @s.
 */
struct nlmsghdr *pn_sync_msg(const struct pn_nl *c, char *buf, size_t size,
			     uint32_t ifindex, const struct pn_sync *s);
/* Build and send it. Prints the error. Return: 0 or -1. */
int pn_sync_send(struct pn_nl *c, uint32_t ifindex, const struct pn_sync *s);

/* The options of a podnet link (RTM_NEWLINK); has_* say which are given. */
struct pn_link_opts {
	uint32_t vni, port, encap, ttl, tos, mtu, link, max_peers, max_routes;
	struct pn_addr local;
	uint8_t mac[PN_ETH_ALEN];
	bool has_vni, has_port, has_encap, has_ttl, has_tos, has_mtu,
	     has_link, has_local, has_mac, has_max_peers, has_max_routes;
};

/*
 * The RTM_NEWLINK request of a podnet device in @buf of @size bytes,
 * zeroed first: with @name (NLM_F_CREATE | NLM_F_EXCL), or changing
 * @ifindex (@name NULL).
 */
struct nlmsghdr *pn_link_req(char *buf, size_t size, const char *name,
			     uint32_t ifindex, const struct pn_link_opts *o);
/* An rtnetlink request of @type with an ifinfomsg for @ifindex. */
struct nlmsghdr *pn_link_msg_hdr(char *buf, size_t size, uint16_t type,
				 uint16_t flags, uint32_t ifindex);
/*
 * Is @ifindex a podnet device? Return: 1 yes, 0 no, -1 after printing
 * the error of the request.
 */
int pn_link_is_podnet(struct nl_sock *rtnl, uint32_t ifindex);

/* The attribute types of PODNET_A_DEV and of its PODNET_A_DEV_STATS. */
extern const enum mnl_attr_data_type pn_dev_types[PODNET_A_DEV_MAX + 1];
extern const enum mnl_attr_data_type pn_dev_stat_types[PODNET_STAT_MAX + 1];
/* "rx_bad_header", ...: the counters' names (NULL for PAD and UNSPEC). */
extern const char *const pn_dev_stat_names[PODNET_STAT_MAX + 1];

/* What PODNET_CMD_DEV_GET tells of a device. */
struct pn_dev_info {
	uint32_t vni, port, encap, mtu, link, peers, routes;
	struct pn_addr local;
	bool has_local, has_mac;
	uint8_t mac[PN_ETH_ALEN];
	bool has_stat[PODNET_STAT_MAX + 1];
	uint64_t stats[PODNET_STAT_MAX + 1];
};

/* Fill @info from a PODNET_CMD_DEV_GET reply. */
void pn_dev_info_parse(const struct nlmsghdr *nlh, struct pn_dev_info *info);
/* PODNET_CMD_DEV_GET of @ifindex. Prints the error. Return: 0 or -1. */
int pn_dev_info_get(struct pn_nl *c, uint32_t ifindex,
		    struct pn_dev_info *info);

#endif /* PODNET_PNL_H */
