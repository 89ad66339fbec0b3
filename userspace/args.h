// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: command line words: "keyword value" options from a table, and
 * the iproute2 style messages for bad arguments. Every function that fails
 * has printed why.
 */
#ifndef PODNETCTL_ARGS_H
#define PODNETCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "utils.h"

enum pn_arg_type {
	PN_ARG_UINT,	/* uint32_t, in [min, max] */
	PN_ARG_ADDR,	/* struct pn_addr */
	PN_ARG_MAC,	/* uint8_t[6] */
	PN_ARG_ENCAP,	/* uint32_t, enum podnet_encap */
	PN_ARG_IFNAME,	/* const char *, a valid interface name */
	PN_ARG_TTL,	/* uint32_t, "auto" (0) or 0..255 */
	PN_ARG_TOS,	/* uint32_t, "inherit" (1) or 0..255 */
};

struct pn_kw {
	const char *name;
	enum pn_arg_type type;
	void *dst;
	uint32_t min, max;	/* PN_ARG_UINT */
	bool seen;
};

#define PN_KW(n, t, d)		{ .name = (n), .type = (t), .dst = (d) }
#define PN_KW_UINT(n, d, lo, hi) \
	{ .name = (n), .type = PN_ARG_UINT, .dst = (d), .min = (lo), .max = (hi) }

/*
 * Parse "keyword value" pairs of @argv against @kw. @cmd names the command
 * for messages ("peer add"). Keywords must be given in full.
 * Return: 0 or -1.
 */
int pn_parse_kw(int argc, char **argv, struct pn_kw *kw, size_t n,
		const char *cmd);

int pn_arg_addr(const char *arg, struct pn_addr *a);
int pn_arg_prefix(const char *arg, struct pn_prefix *p);

/*
 * Where the words being parsed come from: NULL for the command line, or
 * "FILE:LINE" for a line of a file (sync). It prefixes the messages below
 * instead of "Error:".
 */
void pn_args_where(const char *where);

/* "Error: MESSAGE" or "FILE:LINE: MESSAGE" on stderr. Return: -1. */
int pn_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The messages of iproute2's utils.c; all return -1. */
int pn_invarg(const char *msg, const char *arg);
int pn_missarg(const char *key);
int pn_incomplete(void);
int pn_unknown_cmd(const char *cmd, const char *obj);

#endif /* PODNETCTL_ARGS_H */
