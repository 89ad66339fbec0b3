// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl monitor: print the notifications of the podnet family's
 * "events" group, like "ip monitor", until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

#include <linux/genetlink.h>

#include "args.h"
#include "output.h"
#include "podnetctl.h"

void monitor_usage(FILE *f)
{
	fprintf(f,
		"Usage: podnetctl [-j] [-p] [-s] monitor [dev NAME]\n");
}

/* The notifications (see uapi/linux/podnet.h) and their printers. */
static const struct {
	uint8_t cmd;
	const char *event;
	nl_data_cb print;
} events[] = {
	{ PODNET_CMD_PEER_NEW,	"peer add",	pn_print_peer },
	{ PODNET_CMD_PEER_SET,	"peer change",	pn_print_peer },
	{ PODNET_CMD_PEER_DEL,	"peer del",	pn_print_peer },
	{ PODNET_CMD_ROUTE_NEW,	"route add",	pn_print_route },
	{ PODNET_CMD_ROUTE_DEL,	"route del",	pn_print_route },
	{ PODNET_CMD_SYNC,	"sync",		pn_print_sync },
};

/* Other families' messages and unknown commands are skipped. */
int pn_monitor_event(const struct nlmsghdr *nlh, void *data)
{
	const struct pn_monitor *m = data;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	size_t i;

	if (nlh->nlmsg_type != m->family ||
	    mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return MNL_CB_OK;
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (events[i].cmd != g->cmd)
			continue;
		out_tag("event", events[i].event);
		events[i].print(nlh, (void *)&m->show);
		out_tag(NULL, NULL);	/* not printed: another device's */
		out_flush();		/* a reader sees each event at once */
		break;
	}
	return MNL_CB_OK;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * SIGINT and SIGTERM are blocked but while in ppoll(), so that one
 * arriving between the test of @stop and the wait is not missed.
 */
int pn_listen_events(struct nl_sock *s, nl_data_cb cb, void *data)
{
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	sigset_t block, old_mask, wait_mask;
	int err = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old_mask);
	wait_mask = old_mask;
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	stop = 0;
	while (!stop) {
		struct pollfd pfd = { .fd = nl_fd(s), .events = POLLIN };

		if (ppoll(&pfd, 1, NULL, &wait_mask) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		err = nl_recv_events(s, cb, data);
		if (err == -ENOBUFS) {
			out_flush();
			fprintf(stderr, "monitor: lost events (ENOBUFS)\n");
			err = 0;
		} else if (err == -EINTR || err == -EAGAIN) {
			err = 0;
		} else if (err) {
			break;
		}
	}

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (err)
		fprintf(stderr, "monitor: %s\n", strerror(-err));
	return err ? -1 : 0;
}

/* monitor [dev NAME] */
int do_monitor(struct pn_ctx *c, int argc, char **argv)
{
	const char *name = NULL;
	struct pn_kw kw[] = {
		PN_KW("dev", PN_ARG_IFNAME, &name),
	};
	struct pn_monitor m = { .show = { .stats = c->stats } };
	struct nl_sock *s;
	struct pn_dev dev;
	int err;

	if (argc > 0 && pn_matches(argv[0], "help")) {
		monitor_usage(stdout);
		return 0;
	}
	if (pn_parse_kw(argc, argv, kw, 1, "monitor") ||
	    (name ? pn_dev_pick(c, name, &dev) : pn_genl(&c->nl)))
		return -1;
	if (name)
		m.show.dev = &dev;
	if (!c->nl.family.mcgrp_id)
		return pn_err("the podnet family has no \"%s\" group.",
			      PODNET_GENL_MCGRP_EVENTS);
	m.family = c->nl.family.id;

	/* its own socket: the answers of requests never mix with events */
	s = nl_open(NETLINK_GENERIC);
	if (!s)
		return -1;
	err = nl_join_group(s, c->nl.family.mcgrp_id);
	if (err)
		fprintf(stderr, "Cannot join the \"%s\" group: %s\n",
			PODNET_GENL_MCGRP_EVENTS, strerror(-err));
	else
		err = pn_listen_events(s, pn_monitor_event, &m);
	nl_close(s);
	return err ? -1 : 0;
}
