// SPDX-License-Identifier: GPL-2.0
/*
 * podnetd: subnet.env, the CNI conflist, the masquerade rules, files
 * replaced atomically.
 */
#ifndef PODNETD_FILES_H
#define PODNETD_FILES_H

#include "pd.h"

#define PD_NFT_TABLE	"podnetd"

/* The texts in @buf of @size bytes; return their length (as snprintf). */
size_t pd_subnet_env(char *buf, size_t size, const struct pd_netconf *nc,
		     const struct pd_self *self, unsigned int mtu, bool ipmasq);
size_t pd_conflist(char *buf, size_t size, const struct pd_self *self,
		   unsigned int mtu, const char *data_dir);
size_t pd_masq_rules(char *buf, size_t size, const struct pd_netconf *nc,
		     const struct pd_self *self);

/* Replace table inet podnetd by @rules at once. Return: 0 or -1. */
int pd_masq_apply(const char *rules);
/* @path replaced by @text at once (a temporary file renamed). */
int pd_write_file(const char *path, const char *text, size_t len);

#endif /* PODNETD_FILES_H */
