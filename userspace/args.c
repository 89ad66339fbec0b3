// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: parsing of "keyword value" options and argument errors.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "args.h"

static const char *where;

void pn_args_where(const char *w)
{
	where = w;
}

int pn_err(const char *fmt, ...)
{
	va_list ap;

	if (where)
		fprintf(stderr, "%s: ", where);
	else
		fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int pn_invarg(const char *msg, const char *arg)
{
	return pn_err("argument \"%s\" is wrong: %s", arg, msg);
}

int pn_missarg(const char *key)
{
	return pn_err("argument \"%s\" is required", key);
}

int pn_incomplete(void)
{
	if (where)
		return pn_err("the line is not complete");
	fprintf(stderr, "Command line is not complete. Try option \"help\"\n");
	return -1;
}

int pn_unknown_cmd(const char *cmd, const char *obj)
{
	fprintf(stderr, "Command \"%s\" is unknown, try \"podnetctl %s help\".\n",
		cmd, obj);
	return -1;
}

int pn_arg_addr(const char *arg, struct pn_addr *a)
{
	if (pn_parse_addr(arg, a) == 0)
		return 0;
	return pn_err("an IPv4 or IPv6 address is expected rather than \"%s\".",
		      arg);
}

int pn_arg_prefix(const char *arg, struct pn_prefix *p)
{
	switch (pn_parse_prefix(arg, p)) {
	case 0:
		return 0;
	case -PN_EPFXLEN:
		return pn_err("invalid prefix length in \"%s\": it must be 0-%u.",
			      arg, pn_addr_bits(&p->addr));
	case -PN_EHOSTBITS:
		/* the kernel's message for the same mistake in "ip route" */
		return pn_err("Invalid prefix for given prefix length.");
	default:
		return pn_err("an IPv4 or IPv6 prefix is expected rather than \"%s\".",
			      arg);
	}
}

/* A number in [min, max], or @word (if not NULL) meaning @word_value. */
static int parse_uint_kw(const struct pn_kw *k, const char *arg,
			 const char *word, uint32_t word_value,
			 uint32_t min, uint32_t max)
{
	char msg[128];
	uint64_t v;

	if (word && !strcmp(arg, word)) {
		*(uint32_t *)k->dst = word_value;
		return 0;
	}
	if (pn_parse_uint(arg, min, max, &v) == 0) {
		*(uint32_t *)k->dst = (uint32_t)v;
		return 0;
	}
	if (word)
		snprintf(msg, sizeof(msg), "\"%s\" must be %s or %u-%u",
			 k->name, word, min, max);
	else
		snprintf(msg, sizeof(msg), "\"%s\" must be %u-%u",
			 k->name, min, max);
	return pn_invarg(msg, arg);
}

static int parse_value(const struct pn_kw *k, const char *arg)
{
	char msg[128];
	int encap;

	switch (k->type) {
	case PN_ARG_UINT:
		return parse_uint_kw(k, arg, NULL, 0, k->min, k->max);
	case PN_ARG_TTL:	/* IFLA_PODNET_TTL: 0 = route hop limit */
		return parse_uint_kw(k, arg, "auto", 0, 0, 255);
	case PN_ARG_TOS:	/* IFLA_PODNET_TOS: 1 = inherit */
		return parse_uint_kw(k, arg, "inherit", 1, 0, 255);
	case PN_ARG_ADDR:
		return pn_arg_addr(arg, k->dst);
	case PN_ARG_MAC:
		if (pn_parse_mac(arg, k->dst) == 0)
			return 0;
		snprintf(msg, sizeof(msg),
			 "\"%s\" is not a MAC address (xx:xx:xx:xx:xx:xx)",
			 k->name);
		return pn_invarg(msg, arg);
	case PN_ARG_ENCAP:
		encap = pn_parse_encap(arg);
		if (encap > 0) {
			*(uint32_t *)k->dst = (uint32_t)encap;
			return 0;
		}
		snprintf(msg, sizeof(msg), "\"%s\" must be %s", k->name,
			 pn_encap_names());
		return pn_invarg(msg, arg);
	case PN_ARG_IFNAME:
		if (pn_ifname_ok(arg)) {
			*(const char **)k->dst = arg;
			return 0;
		}
		snprintf(msg, sizeof(msg), "\"%s\" not a valid ifname",
			 k->name);
		return pn_invarg(msg, arg);
	}
	return -1;
}

int pn_parse_kw(int argc, char **argv, struct pn_kw *kw, size_t n,
		const char *cmd)
{
	int i;

	for (i = 0; i < argc; i += 2) {
		struct pn_kw *k = NULL;
		size_t j;

		for (j = 0; j < n; j++)
			if (!strcmp(argv[i], kw[j].name))
				k = &kw[j];
		if (!k)
			return pn_err("unknown argument \"%s\" for \"%s\", try \"podnetctl %.*s help\".",
				      argv[i], cmd, (int)strcspn(cmd, " "), cmd);
		if (i + 1 >= argc)
			return pn_incomplete();
		if (k->seen)
			return pn_err("duplicate \"%s\": \"%s\" is the second value.",
				      k->name, argv[i + 1]);
		if (parse_value(k, argv[i + 1]))
			return -1;
		k->seen = true;
	}
	return 0;
}
