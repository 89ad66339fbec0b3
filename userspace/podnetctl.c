// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: configure podnet devices, peers and routes.
 * main(): global options, dispatch to the objects, -batch.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "lines.h"
#include "output.h"
#include "podnetctl.h"

#define PODNETCTL_VERSION	"0.1"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: podnetctl [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"       podnetctl [ -force ] -batch FILE\n"
		"where  OBJECT := { link | peer | route | show | sync | monitor }\n"
		"       OPTIONS := { -j[son] | -p[retty] | -s[tatistics] | -n[etns] NAME |\n"
		"                    -b[atch] FILE | -force | -V[ersion] | -h[elp] }\n\n");
	link_usage(f);
	peer_usage(f);
	route_usage(f);
	show_usage(f);
	sync_usage(f);
	monitor_usage(f);
}

static int do_help(struct pn_ctx *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct pn_ctx *c, int argc, char **argv);
} objects[] = {
	{ "link",	do_link },
	{ "peer",	do_peer },
	{ "route",	do_route },
	{ "show",	do_show },	/* before sync: "s" is show */
	{ "sync",	do_sync },
	{ "monitor",	do_monitor },
	{ "help",	do_help },
};

/* One command, without the program name. Return: 0 or -1. */
static int dispatch(struct pn_ctx *c, int argc, char **argv)
{
	size_t i;

	if (argc < 1) {
		usage(stderr);
		return -1;
	}
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		if (pn_matches(argv[0], objects[i].name))
			return objects[i].fn(c, argc - 1, argv + 1);
	fprintf(stderr, "Object \"%s\" is unknown, try \"podnetctl help\".\n",
		argv[0]);
	return -1;
}

static int do_batch(struct pn_ctx *c, const char *name)
{
	FILE *f = pn_open_input(name);
	unsigned int lineno = 0, cmdline;
	char *line = NULL, *argv[128];
	size_t size = 0;
	int ret = 0;

	if (!f)
		return -1;
	for (;;) {
		int argc;

		cmdline = lineno + 1;
		if (pn_read_line(f, &line, &size, &lineno) < 0)
			break;
		argc = pn_split_line(line, argv,
				     (int)(sizeof(argv) / sizeof(argv[0])));
		if (argc == 0)
			continue;
		if (argc < 0 || dispatch(c, argc, argv)) {
			fprintf(stderr, "Command failed %s:%u\n", name, cmdline);
			ret = -1;
			if (!c->force)
				break;
		}
	}
	free(line);
	pn_close_input(f);
	return ret;
}

static int netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/var/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "Cannot enter network namespace \"%s\": %s\n",
			name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct pn_ctx c = { 0 };
	const char *batch = NULL;
	bool json = false, pretty = false;
	int ret;

	while (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0') {
		const char *opt = argv[1];

		if (opt[1] == '-')	/* --json as -json, like iproute2 */
			opt++;
		if (pn_matches(opt, "-json")) {
			json = true;
		} else if (pn_matches(opt, "-pretty")) {
			pretty = true;
		} else if (pn_matches(opt, "-statistics") ||
			   pn_matches(opt, "-stats")) {
			c.stats++;
		} else if (pn_matches(opt, "-batch")) {
			if (argc < 3) {
				pn_incomplete();
				return 1;
			}
			batch = argv[2];
			argc--;
			argv++;
		} else if (pn_matches(opt, "-force")) {
			c.force = true;
		} else if (pn_matches(opt, "-netns")) {
			if (argc < 3) {
				pn_incomplete();
				return 1;
			}
			if (netns_enter(argv[2]))
				return 1;
			argc--;
			argv++;
		} else if (pn_matches(opt, "-Version")) {
			printf("podnetctl %s\n", PODNETCTL_VERSION);
			return 0;
		} else if (pn_matches(opt, "-help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr,
				"Option \"%s\" is unknown, try \"podnetctl -help\".\n",
				argv[1]);
			return 1;
		}
		argc--;
		argv++;
	}

	if (out_init(stdout, json, pretty)) {
		fprintf(stderr, "podnetctl: out of memory\n");
		return 1;
	}
	if (batch)
		ret = do_batch(&c, batch);
	else
		ret = dispatch(&c, argc - 1, argv + 1);
	out_fini();
	pn_nl_close(&c.nl);
	return ret ? 1 : 0;
}
