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

/*
 * Read a sync file: "PREFIX via ADDR" and "peer ADDR [port P] [encap E]
 * [mac MAC]" lines, blank lines and comments. A prefix or a peer given
 * twice is an error. @name names the file in the messages, which are
 * "NAME:LINE: message" on stderr.
 * Return: 0, or -1 with @s empty.
 */
int pn_sync_read(FILE *f, const char *name, struct pn_sync *s);

#endif /* PODNETCTL_SYNC_H */
