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

#include "pnl.h"

/* The state of one run: the sockets, and the global options. */
struct pn_ctx {
	struct pn_nl nl;
	int stats;			/* -s */
	bool force;			/* -force: -batch goes on after errors */
};

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
/* "dev pn0 peers N routes N" of a PODNET_CMD_SYNC notification */
int pn_print_sync(const struct nlmsghdr *nlh, void *data);

/*
 * peer.c: "ADDR [dev NAME] [port P] [encap E] [mac MAC]". @dev NULL: no
 * "dev" keyword; @opts false: no port, encap or mac (peer del). Prints
 * errors (see pn_args_where()). Return: 0 or -1.
 */
int pn_peer_parse(int argc, char **argv, const char **dev, bool opts,
		  const char *what, struct pn_peer *p);
/* route.c: "PREFIX [via ADDR] [dev NAME]", @dev as for pn_peer_parse(). */
int pn_route_parse(int argc, char **argv, const char **dev, const char *what,
		   struct pn_route *r);
/*
 * link.c: the RTM_NEWLINK request of "link add|set NAME [OPTIONS]" (@argv
 * starts at NAME) in @buf of @size bytes, zeroed first. The ifindex of the
 * ifinfomsg is 0: "link set" fills it in. Prints errors. Return: the
 * message, or NULL.
 */
struct nlmsghdr *pn_link_msg(char *buf, size_t size, bool add, int argc,
			     char **argv);

/* One function per object: argv starts after the object's name. */
int do_link(struct pn_ctx *c, int argc, char **argv);
int do_peer(struct pn_ctx *c, int argc, char **argv);
int do_route(struct pn_ctx *c, int argc, char **argv);
int do_show(struct pn_ctx *c, int argc, char **argv);
int do_sync(struct pn_ctx *c, int argc, char **argv);
int do_monitor(struct pn_ctx *c, int argc, char **argv);

void link_usage(FILE *f);
void peer_usage(FILE *f);
void route_usage(FILE *f);
void show_usage(FILE *f);
void sync_usage(FILE *f);
void monitor_usage(FILE *f);

/* monitor.c: what pn_monitor_event() needs. */
struct pn_monitor {
	uint16_t family;		/* the podnet family's id */
	struct pn_show show;		/* .dev: only this device's events */
};

/* Print one notification as an event ("route add ..."); @data: pn_monitor */
int pn_monitor_event(const struct nlmsghdr *nlh, void *data);
/*
 * Pass the notifications of @s (groups joined) to @cb until SIGINT or
 * SIGTERM; lost ones (ENOBUFS) are reported on stderr and the loop goes
 * on. Return: 0 after a signal, -1 after printing a receive error.
 */
int pn_listen_events(struct nl_sock *s, nl_data_cb cb, void *data);

#endif /* PODNETCTL_H */
