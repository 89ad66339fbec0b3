// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: the state of one run and the entry points of each object.
 */
#ifndef PODNETCTL_H
#define PODNETCTL_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/podnet.h>

#include "genl.h"
#include "nl.h"

struct pn_ctx {
	int stats;			/* -s */
	bool force;			/* -force: -batch goes on after errors */
	struct nl_sock *rtnl;		/* opened on first use */
	struct nl_sock *genl;		/* opened on first use */
	struct genl_family family;	/* id 0: not resolved yet */
};

/* A podnet device of the namespace. */
struct pn_dev {
	uint32_t ifindex;
	char name[IF_NAMESIZE];
};

/* ctx.c: sockets, the podnet family, message helpers. All print errors. */
struct nl_sock *pn_rtnl(struct pn_ctx *c);
int pn_genl(struct pn_ctx *c);
void pn_ctx_free(struct pn_ctx *c);
struct nlmsghdr *pn_msg(const struct pn_ctx *c, char *buf, uint8_t cmd,
			uint16_t flags, uint32_t ifindex);
void pn_parse_top(const struct nlmsghdr *nlh,
		  const struct nlattr *tb[PODNET_A_MAX + 1]);
const char *pn_top_ifname(const struct nlattr *const tb[PODNET_A_MAX + 1],
			  const struct pn_dev *dev, char *buf);
bool pn_top_other_dev(const struct nlattr *const tb[PODNET_A_MAX + 1],
		      const struct pn_dev *dev);
const char *pn_ifname(uint32_t ifindex, char *buf);
int pn_ifindex(const char *name, uint32_t *ifindex);

/* device.c: finding podnet devices; "show". */
int pn_dev_pick(struct pn_ctx *c, const char *name, struct pn_dev *dev);

/* What a print callback needs: data of pn_print_{dev,peer,route}(). */
struct pn_show {
	int stats;
	const struct pn_dev *dev;	/* the device asked for, or NULL */
};

int pn_show_per_dev(struct pn_ctx *c, int argc, char **argv,
		    const char *what, uint8_t cmd, nl_data_cb cb);

int pn_print_dev(const struct nlmsghdr *nlh, void *data);
int pn_print_peer(const struct nlmsghdr *nlh, void *data);
int pn_print_route(const struct nlmsghdr *nlh, void *data);

/* One function per object: argv starts after the object's name. */
int do_link(struct pn_ctx *c, int argc, char **argv);
int do_peer(struct pn_ctx *c, int argc, char **argv);
int do_route(struct pn_ctx *c, int argc, char **argv);
int do_show(struct pn_ctx *c, int argc, char **argv);

void link_usage(FILE *f);
void peer_usage(FILE *f);
void route_usage(FILE *f);
void show_usage(FILE *f);

#endif /* PODNETCTL_H */
