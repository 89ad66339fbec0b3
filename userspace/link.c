// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl link add|set|del: podnet devices through rtnetlink
 * (RTM_NEWLINK / RTM_DELLINK with IFLA_LINKINFO kind "podnet").
 */
#include <string.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "args.h"
#include "podnetctl.h"

#define PODNET_KIND	"podnet"

void link_usage(FILE *f)
{
	fprintf(f,
		"Usage: podnetctl link add NAME [ OPTIONS ]\n"
		"       podnetctl link set NAME [ OPTIONS ]\n"
		"       podnetctl link del NAME\n"
		"       podnetctl [-j] [-p] [-s] link show [dev NAME]\n"
		"OPTIONS := [ vni VNI ] [ port PORT ] [ local ADDR ] [ dev UNDERLAY ] [ encap E ]\n"
		"           [ ttl { auto | 0-255 } ] [ tos { inherit | 0-255 } ] [ mac MAC ] [ mtu MTU ]\n"
		"           [ max-peers N ] [ max-routes N ]\n"
		"where  VNI := 1-16777215   PORT := 1-65535   MTU := 68-65535\n"
		"       N := 0-4294967295, 0: no limit\n"
		"       ADDR := an IPv4 or IPv6 underlay address\n"
		"       E := { vxlan | gpe | ipip | direct | auto }\n");
}

/* The device options of "link add" and "link set". */
struct link_opts {
	uint32_t vni, port, encap, ttl, tos, mtu, max_peers, max_routes;
	struct pn_addr local;
	const char *underlay;
	uint8_t mac[PN_ETH_ALEN];
};

enum { K_VNI, K_PORT, K_LOCAL, K_DEV, K_ENCAP, K_TTL, K_TOS, K_MAC, K_MTU,
       K_MAX_PEERS, K_MAX_ROUTES, K_NR };

static void link_kw(struct pn_kw kw[K_NR], struct link_opts *o)
{
	const struct pn_kw init[K_NR] = {
		[K_VNI]		= PN_KW_UINT("vni", &o->vni, 1, PODNET_VNI_MAX),
		[K_PORT]	= PN_KW_UINT("port", &o->port, 1, 65535),
		[K_LOCAL]	= PN_KW("local", PN_ARG_ADDR, &o->local),
		[K_DEV]		= PN_KW("dev", PN_ARG_IFNAME, &o->underlay),
		[K_ENCAP]	= PN_KW("encap", PN_ARG_ENCAP, &o->encap),
		[K_TTL]		= PN_KW("ttl", PN_ARG_TTL, &o->ttl),
		[K_TOS]		= PN_KW("tos", PN_ARG_TOS, &o->tos),
		[K_MAC]		= PN_KW("mac", PN_ARG_MAC, o->mac),
		[K_MTU]		= PN_KW_UINT("mtu", &o->mtu, 68, 65535),
		[K_MAX_PEERS]	= PN_KW_UINT("max-peers", &o->max_peers, 0,
					     UINT32_MAX),
		[K_MAX_ROUTES]	= PN_KW_UINT("max-routes", &o->max_routes, 0,
					     UINT32_MAX),
	};

	memcpy(kw, init, sizeof(init));
}

static bool any_data(const struct pn_kw kw[K_NR])
{
	int i;

	for (i = 0; i < K_NR; i++)
		if (i != K_MTU && kw[i].seen)
			return true;
	return false;
}

/* IFLA_MTU and IFLA_LINKINFO { IFLA_INFO_KIND, IFLA_INFO_DATA { ... } } */
static int put_link_opts(struct nlmsghdr *nlh, const struct pn_kw kw[K_NR],
			 const struct link_opts *o)
{
	struct nlattr *info, *data;
	uint32_t link;

	if (kw[K_DEV].seen && pn_ifindex(o->underlay, &link))
		return -1;
	if (kw[K_MTU].seen)
		mnl_attr_put_u32(nlh, IFLA_MTU, o->mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, PODNET_KIND);
	if (any_data(kw)) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		if (kw[K_VNI].seen)
			mnl_attr_put_u32(nlh, IFLA_PODNET_VNI, o->vni);
		if (kw[K_PORT].seen)
			mnl_attr_put_u16(nlh, IFLA_PODNET_PORT,
					 (uint16_t)o->port);
		if (kw[K_LOCAL].seen)
			nl_put_addr(nlh, IFLA_PODNET_LOCAL, &o->local);
		if (kw[K_DEV].seen)
			mnl_attr_put_u32(nlh, IFLA_PODNET_LINK, link);
		if (kw[K_TTL].seen)
			mnl_attr_put_u8(nlh, IFLA_PODNET_TTL, (uint8_t)o->ttl);
		if (kw[K_TOS].seen)
			mnl_attr_put_u8(nlh, IFLA_PODNET_TOS, (uint8_t)o->tos);
		if (kw[K_MAC].seen)
			mnl_attr_put(nlh, IFLA_PODNET_VTEP_MAC, PN_ETH_ALEN,
				     o->mac);
		if (kw[K_ENCAP].seen)
			mnl_attr_put_u8(nlh, IFLA_PODNET_ENCAP,
					(uint8_t)o->encap);
		if (kw[K_MAX_PEERS].seen)
			mnl_attr_put_u32(nlh, IFLA_PODNET_MAX_PEERS,
					 o->max_peers);
		if (kw[K_MAX_ROUTES].seen)
			mnl_attr_put_u32(nlh, IFLA_PODNET_MAX_ROUTES,
					 o->max_routes);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, info);
	return 0;
}

/* A request in @buf of @size bytes, zeroed first (as genl_msg()). */
static struct nlmsghdr *link_msg(char *buf, size_t size, uint16_t type,
				 uint16_t flags, uint32_t ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	return nlh;
}

static const enum mnl_attr_data_type ifla_types[IFLA_MAX + 1] = {
	[IFLA_LINKINFO]	= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type info_types[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = MNL_TYPE_NUL_STRING,
};

static int link_kind_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	bool *is_podnet = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	nl_parse_msg(nlh, sizeof(struct ifinfomsg), ifla_types, IFLA_MAX, tb);
	nl_parse_nested(tb[IFLA_LINKINFO], info_types, IFLA_INFO_MAX, info);
	*is_podnet = info[IFLA_INFO_KIND] &&
		     !strcmp(mnl_attr_get_str(info[IFLA_INFO_KIND]),
			     PODNET_KIND);
	return MNL_CB_OK;
}

/*
 * The ifindex of podnet device @name. "link set/del" check the kind
 * themselves: "podnetctl link del eth0" must not delete eth0.
 */
static int podnet_ifindex(struct nl_sock *s, const char *name,
			  uint32_t *ifindex)
{
	char buf[NL_REQ_SIZE];
	bool is_podnet = false;

	if (pn_ifindex(name, ifindex) ||
	    nl_request(s, link_msg(buf, sizeof(buf), RTM_GETLINK, 0, *ifindex),
		       link_kind_cb, &is_podnet))
		return -1;
	if (is_podnet)
		return 0;
	fprintf(stderr, "Error: \"%s\" is not a podnet device.\n", name);
	return -1;
}

struct nlmsghdr *pn_link_msg(char *buf, size_t size, bool add, int argc,
			     char **argv)
{
	struct pn_kw kw[K_NR];
	struct link_opts o;
	struct nlmsghdr *nlh;

	memset(&o, 0, sizeof(o));
	link_kw(kw, &o);
	if (argc < 1) {
		pn_missarg("NAME");
		return NULL;
	}
	if (!pn_ifname_ok(argv[0])) {
		pn_invarg("\"name\" not a valid ifname", argv[0]);
		return NULL;
	}
	if (pn_parse_kw(argc - 1, argv + 1, kw, K_NR,
			add ? "link add" : "link set"))
		return NULL;

	nlh = link_msg(buf, size, RTM_NEWLINK,
		       add ? NLM_F_CREATE | NLM_F_EXCL : 0, 0);
	if (add)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, argv[0]);
	if (put_link_opts(nlh, kw, &o))
		return NULL;
	return nlh;
}

/* link add NAME [OPTIONS] / link set NAME [OPTIONS] */
static int link_modify(struct pn_ctx *c, bool add, int argc, char **argv)
{
	char buf[NL_REQ_SIZE];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	struct nl_sock *s;
	uint32_t ifindex;

	nlh = pn_link_msg(buf, sizeof(buf), add, argc, argv);
	if (!nlh)
		return -1;
	s = pn_rtnl(c);
	if (!s)
		return -1;
	if (!add) {
		if (podnet_ifindex(s, argv[0], &ifindex))
			return -1;
		ifi = mnl_nlmsg_get_payload(nlh);
		ifi->ifi_index = (int)ifindex;
	}
	return nl_request(s, nlh, NULL, NULL);
}

static int link_del(struct pn_ctx *c, int argc, char **argv)
{
	struct nl_sock *s;
	char buf[NL_REQ_SIZE];
	uint32_t ifindex;

	if (argc < 1)
		return pn_missarg("NAME");
	if (pn_parse_kw(argc - 1, argv + 1, NULL, 0, "link del"))
		return -1;
	s = pn_rtnl(c);
	if (!s || podnet_ifindex(s, argv[0], &ifindex))
		return -1;
	return nl_request(s, link_msg(buf, sizeof(buf), RTM_DELLINK, 0,
				      ifindex), NULL, NULL);
}

int do_link(struct pn_ctx *c, int argc, char **argv)
{
	const char *cmd = argc > 0 ? argv[0] : "show";

	if (pn_matches(cmd, "add"))
		return link_modify(c, true, argc - 1, argv + 1);
	if (pn_matches(cmd, "set") || pn_matches(cmd, "change"))
		return link_modify(c, false, argc - 1, argv + 1);
	if (pn_matches(cmd, "delete"))
		return link_del(c, argc - 1, argv + 1);
	if (pn_matches(cmd, "show") || pn_matches(cmd, "list") ||
	    pn_matches(cmd, "lst"))
		return do_show(c, argc > 0 ? argc - 1 : 0, argv + 1);
	if (pn_matches(cmd, "help")) {
		link_usage(stdout);
		return 0;
	}
	return pn_unknown_cmd(cmd, "link");
}
