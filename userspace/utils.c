// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: parsing and formatting helpers (no output, no netlink).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/podnet.h>

#include "utils.h"

int pn_parse_addr(const char *s, struct pn_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->bytes) == 1) {
		a->family = AF_INET;
		a->len = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->bytes) == 1) {
		a->family = AF_INET6;
		a->len = 16;
		return 0;
	}
	return -PN_EADDR;
}

unsigned int pn_addr_bits(const struct pn_addr *a)
{
	return a->len * 8U;
}

/*
 * "ADDR" (a host prefix) or "ADDR/LEN". The length is decimal, at most the
 * address width; no bit may be set after it (like the kernel's
 * "Invalid prefix for given prefix length").
 */
int pn_parse_prefix(const char *s, struct pn_prefix *p)
{
	char abuf[PN_ADDR_STRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int bits, len, i;

	memset(p, 0, sizeof(*p));
	if (alen == 0 || alen >= sizeof(abuf))
		return -PN_EADDR;
	memcpy(abuf, s, alen);
	abuf[alen] = '\0';
	if (pn_parse_addr(abuf, &p->addr))
		return -PN_EADDR;
	bits = pn_addr_bits(&p->addr);

	if (!slash) {
		p->len = (uint8_t)bits;
		return 0;
	}
	slash++;
	if (*slash == '\0' || strlen(slash) > 3)
		return -PN_EPFXLEN;
	len = 0;
	for (i = 0; slash[i]; i++) {
		if (!isdigit((unsigned char)slash[i]))
			return -PN_EPFXLEN;
		len = len * 10 + (unsigned int)(slash[i] - '0');
	}
	if (len > bits)
		return -PN_EPFXLEN;
	p->len = (uint8_t)len;

	for (i = len; i < bits; i++)
		if (p->addr.bytes[i / 8] & (0x80 >> (i % 8)))
			return -PN_EHOSTBITS;
	return 0;
}

int pn_addr_from_raw(struct pn_addr *a, const void *raw, size_t len)
{
	memset(a, 0, sizeof(*a));
	if (len == 4)
		a->family = AF_INET;
	else if (len == 16)
		a->family = AF_INET6;
	else
		return -EINVAL;
	a->len = (uint8_t)len;
	memcpy(a->bytes, raw, len);
	return 0;
}

/* An order of addresses: IPv4 before IPv6, then by their bytes. */
int pn_addr_cmp(const struct pn_addr *a, const struct pn_addr *b)
{
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->bytes, b->bytes, a->len);
}

const char *pn_addr_str(const struct pn_addr *a, char *buf, size_t size)
{
	if (!inet_ntop(a->family, a->bytes, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

const char *pn_prefix_str(const struct pn_prefix *p, char *buf, size_t size)
{
	char abuf[PN_ADDR_STRLEN];

	snprintf(buf, size, "%s/%u", pn_addr_str(&p->addr, abuf, sizeof(abuf)),
		 p->len);
	return buf;
}

/* Six groups of one or two hex digits separated by ':'. */
int pn_parse_mac(const char *s, uint8_t mac[PN_ETH_ALEN])
{
	int i;

	for (i = 0; i < PN_ETH_ALEN; i++) {
		unsigned int v = 0, n = 0;

		while (isxdigit((unsigned char)*s) && n < 2) {
			char c = (char)tolower((unsigned char)*s++);

			v = v * 16 + (unsigned int)(isdigit((unsigned char)c) ?
						    c - '0' : c - 'a' + 10);
			n++;
		}
		if (n == 0)
			return -EINVAL;
		mac[i] = (uint8_t)v;
		if (i < PN_ETH_ALEN - 1 && *s++ != ':')
			return -EINVAL;
	}
	return *s ? -EINVAL : 0;
}

const char *pn_mac_str(const uint8_t *mac, char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

bool pn_mac_is_zero(const uint8_t *mac)
{
	static const uint8_t zero[PN_ETH_ALEN];

	return !memcmp(mac, zero, sizeof(zero));
}

/*
 * Decimal, or hexadecimal with 0x; no sign, no trailing garbage.
 * Return: 0, -EINVAL (not a number) or -ERANGE (outside [min, max]).
 */
int pn_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	unsigned long long n;
	int base = 10;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		if (!isxdigit((unsigned char)s[2]))
			return -EINVAL;
	}
	errno = 0;
	n = strtoull(s, &end, base);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || n < min || n > max)
		return -ERANGE;
	*v = n;
	return 0;
}

static const char *const encap_names[] = {
	[PODNET_ENCAP_VXLAN]	= "vxlan",
	[PODNET_ENCAP_GPE]	= "gpe",
	[PODNET_ENCAP_IPIP]	= "ipip",
	[PODNET_ENCAP_DIRECT]	= "direct",
	[PODNET_ENCAP_AUTO]	= "auto",
};

/* Return: the enum podnet_encap of a name (never UNSPEC), or -1. */
int pn_parse_encap(const char *s)
{
	unsigned int i;

	for (i = 0; i < sizeof(encap_names) / sizeof(encap_names[0]); i++)
		if (encap_names[i] && !strcmp(s, encap_names[i]))
			return (int)i;
	return -1;
}

/* The name of @encap, or its number if it has none. */
const char *pn_encap_str(unsigned int encap, char *buf, size_t size)
{
	if (encap < sizeof(encap_names) / sizeof(encap_names[0]) &&
	    encap_names[encap])
		return encap_names[encap];
	snprintf(buf, size, "%u", encap);
	return buf;
}

const char *pn_encap_names(void)
{
	return "vxlan, gpe, ipip, direct or auto";
}

/* iproute2's matches(): @arg is a non-empty prefix of @keyword. */
bool pn_matches(const char *arg, const char *keyword)
{
	size_t n = strlen(arg);

	return n > 0 && !strncmp(arg, keyword, n);
}

/* iproute2's check_ifname(). */
bool pn_ifname_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= IF_NAMESIZE)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (; *name; name++)
		if (*name == '/' || *name == ':' ||
		    isspace((unsigned char)*name))
			return false;
	return true;
}
