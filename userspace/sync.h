// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl sync: the file of a device's full route and peer set, and the
 * one PODNET_CMD_SYNC request that replaces the device's set with it.
 */
#ifndef PODNETCTL_SYNC_H
#define PODNETCTL_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "podnetctl.h"

/* "line" first: the duplicate check reads it through a void pointer. */
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

/*
 * Read a sync file: "PREFIX via ADDR" and "peer ADDR [port P] [encap E]
 * [mac MAC]" lines, blank lines and comments. A prefix or a peer given
 * twice is an error. @name names the file in the messages, which are
 * "NAME:LINE: message" on stderr.
 * Return: 0, or -1 with @s empty.
 */
int pn_sync_read(FILE *f, const char *name, struct pn_sync *s);
void pn_sync_free(struct pn_sync *s);

/* The size in bytes of the PODNET_CMD_SYNC request of @s. */
size_t pn_sync_msg_size(const struct pn_sync *s);

/*
 * Build that request in @buf of @size = pn_sync_msg_size() bytes:
 * PODNET_A_IFINDEX, then a PODNET_A_ROUTE nest per route and a
 * PODNET_A_PEER nest per peer line, in the order of the file.
 */
struct nlmsghdr *pn_sync_msg(const struct pn_ctx *c, char *buf, size_t size,
			     uint32_t ifindex, const struct pn_sync *s);

#endif /* PODNETCTL_SYNC_H */
