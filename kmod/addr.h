/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnet: addresses of peers (underlay) and prefixes (pods), IPv4 or IPv6.
 */
#ifndef _PODNET_ADDR_H
#define _PODNET_ADDR_H

#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/types.h>

/**
 * struct podnet_addr - an IPv4 or IPv6 address
 * @family: AF_INET or AF_INET6
 * @ip4: the IPv4 address, network byte order
 * @ip6: the IPv6 address
 *
 * Always zero the whole struct before filling it: it is compared and
 * hashed with memcmp()/jhash() over its full size.
 */
struct podnet_addr {
	u32 family;
	union {
		__be32 ip4;
		struct in6_addr ip6;
	};
};

static inline unsigned int podnet_addr_len(u32 family)
{
	return family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(__be32);
}

static inline unsigned int podnet_addr_bits(u32 family)
{
	return podnet_addr_len(family) * 8;
}

static inline bool podnet_addr_equal(const struct podnet_addr *a,
				     const struct podnet_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/**
 * podnet_addr_set - fill @a from @len raw bytes in network byte order
 * @a: the address to fill
 * @data: 4 or 16 bytes
 * @len: 4 (IPv4) or 16 (IPv6)
 *
 * Return: 0, or -EINVAL for any other length.
 */
static inline int podnet_addr_set(struct podnet_addr *a, const void *data,
				  unsigned int len)
{
	memset(a, 0, sizeof(*a));
	if (len == sizeof(__be32)) {
		a->family = AF_INET;
		memcpy(&a->ip4, data, len);
	} else if (len == sizeof(struct in6_addr)) {
		a->family = AF_INET6;
		memcpy(&a->ip6, data, len);
	} else {
		return -EINVAL;
	}
	return 0;
}

static inline const void *podnet_addr_raw(const struct podnet_addr *a)
{
	return a->family == AF_INET6 ? (const void *)&a->ip6 :
				       (const void *)&a->ip4;
}

#endif /* _PODNET_ADDR_H */
