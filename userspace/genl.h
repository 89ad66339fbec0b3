// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: generic netlink families (CTRL_CMD_GETFAMILY) and messages.
 */
#ifndef PODNETCTL_GENL_H
#define PODNETCTL_GENL_H

#include <stddef.h>
#include <stdint.h>

#include "nl.h"

struct genl_family {
	uint16_t id;
	uint32_t version;
	uint32_t mcgrp_id;	/* of the group asked for, 0 if none */
};

/*
 * Resolve family @name and the id of its multicast group @mcgrp (may be
 * NULL). Return: 0, -ENOENT when there is no such family (nothing printed),
 * or -1 after printing the error.
 */
int genl_resolve(struct nl_sock *s, const char *name, const char *mcgrp,
		 struct genl_family *f);

/*
 * Start a request to @family in @buf of @size bytes, zeroed first: libmnl
 * before 1.0.5 does not clear the padding of attributes.
 */
struct nlmsghdr *genl_msg(char *buf, size_t size, uint16_t family,
			  uint8_t version, uint8_t cmd, uint16_t flags);

#endif /* PODNETCTL_GENL_H */
