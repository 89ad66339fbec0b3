// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: this node's addresses: --iface (a name or an address), else
 * the interface of the default route; --public-ip and --public-ipv6, else
 * that interface's first addresses.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "pd_node.h"

/* The interface of the IPv4 default route, from /proc/net/route. */
static int default_iface(char *name, size_t size)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[256], ifname[IF_NAMESIZE];
	unsigned int dst, mask;
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %x %*x %*x %*d %*d %*d %x", ifname, &dst,
			   &mask) == 3 && dst == 0 && mask == 0) {
			snprintf(name, size, "%s", ifname);
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

static bool usable6(const struct pn_addr *a)
{
	/* not link-local (fe80::/10) */
	return !(a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80);
}

int pd_node_addrs(const struct pd_flags *f, bool want6, struct pd_node *n)
{
	struct ifaddrs *ifa, *i;
	struct pn_addr iface_addr, a;
	bool by_addr = false, have4 = false, have6 = false;

	memset(n, 0, sizeof(*n));
	if (f->iface && pn_parse_addr(f->iface, &iface_addr) == 0)
		by_addr = true;
	else if (f->iface)
		snprintf(n->ifname, sizeof(n->ifname), "%s", f->iface);
	if (f->public_ip &&
	    (pn_parse_addr(f->public_ip, &n->public_ip) ||
	     n->public_ip.family != AF_INET)) {
		pd_err("--public-ip \"%s\" is not an IPv4 address", f->public_ip);
		return -1;
	}
	if (f->public_ipv6 &&
	    (pn_parse_addr(f->public_ipv6, &n->public_ip6) ||
	     n->public_ip6.family != AF_INET6)) {
		pd_err("--public-ipv6 \"%s\" is not an IPv6 address",
		       f->public_ipv6);
		return -1;
	}
	if (getifaddrs(&ifa)) {
		pd_err("getifaddrs: %m");
		return -1;
	}
	/* the interface: by its address (--iface or --public-ip) */
	if (!n->ifname[0]) {
		const struct pn_addr *want = by_addr ? &iface_addr :
					     f->public_ip ? &n->public_ip : NULL;

		for (i = ifa; want && i; i = i->ifa_next) {
			if (!i->ifa_addr || (i->ifa_addr->sa_family != AF_INET &&
					     i->ifa_addr->sa_family != AF_INET6))
				continue;
			if (i->ifa_addr->sa_family == AF_INET)
				pn_addr_from_raw(&a, &((struct sockaddr_in *)
					(void *)i->ifa_addr)->sin_addr, 4);
			else
				pn_addr_from_raw(&a, &((struct sockaddr_in6 *)
					(void *)i->ifa_addr)->sin6_addr, 16);
			if (a.len == want->len && !memcmp(a.bytes, want->bytes, a.len)) {
				snprintf(n->ifname, sizeof(n->ifname), "%s",
					 i->ifa_name);
				break;
			}
		}
	}
	if (!n->ifname[0] && !by_addr)
		default_iface(n->ifname, sizeof(n->ifname));
	if (!n->ifname[0]) {
		freeifaddrs(ifa);
		pd_err("no underlay interface: give --iface");
		return -1;
	}
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, n->ifname))
			continue;
		if (i->ifa_addr->sa_family == AF_INET && !have4) {
			pn_addr_from_raw(&a, &((struct sockaddr_in *)
				(void *)i->ifa_addr)->sin_addr, 4);
			if (!f->public_ip)
				n->public_ip = a;
			have4 = true;
		} else if (i->ifa_addr->sa_family == AF_INET6 && !have6) {
			pn_addr_from_raw(&a, &((struct sockaddr_in6 *)
				(void *)i->ifa_addr)->sin6_addr, 16);
			if (usable6(&a)) {
				if (!f->public_ipv6)
					n->public_ip6 = a;
				have6 = true;
			}
		}
	}
	freeifaddrs(ifa);
	n->ifindex = if_nametoindex(n->ifname);
	if (!n->ifindex) {
		pd_err("no interface %s", n->ifname);
		return -1;
	}
	if (!f->public_ip && !have4) {
		pd_err("%s has no IPv4 address: give --public-ip", n->ifname);
		return -1;
	}
	n->has_public_ip6 = f->public_ipv6 || (want6 && have6);
	return 0;
}
