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

enum { K_VNI, K_PORT, K_LOCAL, K_DEV, K_ENCAP, K_TTL, K_TOS, K_MAC, K_MTU,
       K_MAX_PEERS, K_MAX_ROUTES, K_NR };

/* The keywords of "link add" and "link set", into @o and @underlay. */
static void link_kw(struct pn_kw kw[K_NR], struct pn_link_opts *o,
		    const char **underlay)
{
	const struct pn_kw init[K_NR] = {
		[K_VNI]		= PN_KW_UINT("vni", &o->vni, 1, PODNET_VNI_MAX),
		[K_PORT]	= PN_KW_UINT("port", &o->port, 1, 65535),
		[K_LOCAL]	= PN_KW("local", PN_ARG_ADDR, &o->local),
		[K_DEV]		= PN_KW("dev", PN_ARG_IFNAME, underlay),
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

/* Which options were given; the underlay's name becomes its ifindex. */
static int link_opts_seen(const struct pn_kw kw[K_NR], const char *underlay,
			  struct pn_link_opts *o)
{
	o->has_vni = kw[K_VNI].seen;
	o->has_port = kw[K_PORT].seen;
	o->has_local = kw[K_LOCAL].seen;
	o->has_encap = kw[K_ENCAP].seen;
	o->has_ttl = kw[K_TTL].seen;
	o->has_tos = kw[K_TOS].seen;
	o->has_mac = kw[K_MAC].seen;
	o->has_mtu = kw[K_MTU].seen;
	o->has_link = kw[K_DEV].seen;
	o->has_max_peers = kw[K_MAX_PEERS].seen;
	o->has_max_routes = kw[K_MAX_ROUTES].seen;
	return o->has_link ? pn_ifindex(underlay, &o->link) : 0;
}

/*
 * The ifindex of podnet device @name. "link set/del" check the kind
 * themselves: "podnetctl link del eth0" must not delete eth0.
 */
static int podnet_ifindex(struct nl_sock *s, const char *name,
			  uint32_t *ifindex)
{
	int is_podnet;

	if (pn_ifindex(name, ifindex))
		return -1;
	is_podnet = pn_link_is_podnet(s, *ifindex);
	if (is_podnet < 0)
		return -1;
	if (is_podnet)
		return 0;
	fprintf(stderr, "Error: \"%s\" is not a podnet device.\n", name);
	return -1;
}

struct nlmsghdr *pn_link_msg(char *buf, size_t size, bool add, int argc,
			     char **argv)
{
	const char *underlay = NULL;
	struct pn_kw kw[K_NR];
	struct pn_link_opts o;

	memset(&o, 0, sizeof(o));
	link_kw(kw, &o, &underlay);
	if (argc < 1) {
		pn_missarg("NAME");
		return NULL;
	}
	if (!pn_ifname_ok(argv[0])) {
		pn_invarg("\"name\" not a valid ifname", argv[0]);
		return NULL;
	}
	if (pn_parse_kw(argc - 1, argv + 1, kw, K_NR,
			add ? "link add" : "link set") ||
	    link_opts_seen(kw, underlay, &o))
		return NULL;
	return pn_link_req(buf, size, add ? argv[0] : NULL, 0, &o);
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
	s = pn_rtnl(&c->nl);
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
	s = pn_rtnl(&c->nl);
	if (!s || podnet_ifindex(s, argv[0], &ifindex))
		return -1;
	return nl_request(s, pn_link_msg_hdr(buf, sizeof(buf), RTM_DELLINK, 0,
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
