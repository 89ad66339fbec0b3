// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: parsing and formatting of addresses, prefixes, MAC addresses,
 * numbers and encap names. Pure functions: nothing here prints.
 */
#ifndef PODNETCTL_UTILS_H
#define PODNETCTL_UTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PN_ADDR_STRLEN	46	/* INET6_ADDRSTRLEN */
#define PN_PREFIX_STRLEN (PN_ADDR_STRLEN + 4)
#define PN_MAC_STRLEN	18
#define PN_ETH_ALEN	6

/* An IPv4 or IPv6 address, raw bytes in network byte order. */
struct pn_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t len;		/* 4 or 16 */
	uint8_t bytes[16];
};

struct pn_prefix {
	struct pn_addr addr;
	uint8_t len;		/* prefix length in bits */
};

/* Errors of pn_parse_addr() and pn_parse_prefix(), returned negated. */
enum {
	PN_EADDR = 1,		/* malformed address */
	PN_EPFXLEN,		/* prefix length malformed or too long */
	PN_EHOSTBITS,		/* bits set after the prefix length */
};

int pn_parse_addr(const char *s, struct pn_addr *a);
int pn_parse_prefix(const char *s, struct pn_prefix *p);
int pn_addr_from_raw(struct pn_addr *a, const void *raw, size_t len);
int pn_addr_cmp(const struct pn_addr *a, const struct pn_addr *b);
const char *pn_addr_str(const struct pn_addr *a, char *buf, size_t size);
const char *pn_prefix_str(const struct pn_prefix *p, char *buf, size_t size);
unsigned int pn_addr_bits(const struct pn_addr *a);

int pn_parse_mac(const char *s, uint8_t mac[PN_ETH_ALEN]);
const char *pn_mac_str(const uint8_t *mac, char *buf, size_t size);
bool pn_mac_is_zero(const uint8_t *mac);

int pn_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v);

int pn_parse_encap(const char *s);
const char *pn_encap_str(unsigned int encap, char *buf, size_t size);
const char *pn_encap_names(void);

bool pn_matches(const char *arg, const char *keyword);
bool pn_ifname_ok(const char *name);

#endif /* PODNETCTL_UTILS_H */
