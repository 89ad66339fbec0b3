// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl sync [dev NAME] FILE: replace all routes and peers of a device
 * at once (PODNET_CMD_SYNC), and the printer of its notification.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "args.h"
#include "lines.h"
#include "output.h"
#include "sync.h"

#define SYNC_MAX_WORDS	16	/* the longest line has 8 */

void sync_usage(FILE *f)
{
	fprintf(f,
		"Usage: podnetctl sync [dev NAME] { FILE | - }\n"
		"where  FILE := one entry a line, '#' starts a comment:\n"
		"               PREFIX via ADDR\n"
		"               peer ADDR [port P] [encap E] [mac MAC]\n");
}

/* One line of words, with pn_args_where() set to it. */
static int sync_line(struct pn_sync *s, int argc, char **argv,
		     unsigned int line)
{
	struct pn_sync_route *r;
	struct pn_sync_peer *p;

	if (argc == 0)
		return 0;
	if (!strcmp(argv[0], "peer")) {
		p = pn_sync_add_peer(s);
		if (!p)
			return pn_err("out of memory");
		if (pn_peer_parse(argc - 1, argv + 1, NULL, true, "sync",
				  &p->p))
			return -1;
		p->line = line;
		s->npeers++;
		return 0;
	}
	/* no '.' nor ':': not an address, a word */
	if (!strpbrk(argv[0], ".:"))
		return pn_err("unknown keyword \"%s\": a line is \"PREFIX via ADDR\" or \"peer ADDR ...\"",
			      argv[0]);
	r = pn_sync_add_route(s);
	if (!r)
		return pn_err("out of memory");
	if (pn_route_parse(argc, argv, NULL, "sync", &r->r))
		return -1;
	if (!r->r.has_via)
		return pn_missarg("via");
	r->line = line;
	s->nroutes++;
	return 0;
}

static int route_key_cmp(const void *a, const void *b)
{
	const struct pn_prefix *x = &((const struct pn_sync_route *)a)->r.prefix;
	const struct pn_prefix *y = &((const struct pn_sync_route *)b)->r.prefix;

	if (x->addr.len != y->addr.len)
		return x->addr.len < y->addr.len ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->addr.bytes, y->addr.bytes, x->addr.len);
}

static int peer_key_cmp(const void *a, const void *b)
{
	return pn_addr_cmp(&((const struct pn_sync_peer *)a)->p.addr,
			   &((const struct pn_sync_peer *)b)->p.addr);
}

static unsigned int line_of(const void *elem)
{
	return *(const unsigned int *)elem;
}

typedef int (*key_cmp_fn)(const void *, const void *);

/* Sort order of the duplicate check: the key, then the line. */
static int key_line_cmp(const void *a, const void *b, void *arg)
{
	const void *x = *(const void *const *)a, *y = *(const void *const *)b;
	int d = (*(const key_cmp_fn *)arg)(x, y);

	if (d)
		return d;
	return line_of(x) < line_of(y) ? -1 : line_of(x) > line_of(y);
}

/*
 * The element of the lowest line that repeats the key of an earlier one
 * (whose line is put in *@first), among @n elements of @size bytes in the
 * order of their lines. Return: it, NULL if there is none, or @base (never
 * a repeat) when out of memory.
 */
static const void *find_dup(const void *base, size_t n, size_t size,
			    key_cmp_fn key_cmp, unsigned int *first)
{
	const void *dup = NULL, **v;
	size_t i;

	if (n < 2)
		return NULL;
	v = calloc(n, sizeof(*v));
	if (!v)
		return base;
	for (i = 0; i < n; i++)
		v[i] = (const char *)base + i * size;
	qsort_r(v, n, sizeof(*v), key_line_cmp, &key_cmp);
	for (i = 1; i < n; i++) {
		if (key_cmp(v[i - 1], v[i]))
			continue;
		if (!dup || line_of(v[i]) < line_of(dup)) {
			dup = v[i];
			*first = line_of(v[i - 1]);
		}
		/* the rest of this key: later lines than v[i] */
		while (i + 1 < n && !key_cmp(v[i], v[i + 1]))
			i++;
	}
	free(v);
	return dup;
}

/* A prefix or a peer given twice is most likely a control plane bug. */
static int check_dups(const struct pn_sync *s, const char *name)
{
	unsigned int rfirst = 0, pfirst = 0;
	const struct pn_sync_route *r;
	const struct pn_sync_peer *p;
	char buf[PN_PREFIX_STRLEN], where[1024];

	r = find_dup(s->routes, s->nroutes, sizeof(*r), route_key_cmp, &rfirst);
	p = find_dup(s->peers, s->npeers, sizeof(*p), peer_key_cmp, &pfirst);
	/* the first element is never a repeat: it stands for "no memory" */
	if ((r && r == s->routes) || (p && p == s->peers))
		return pn_err("out of memory");
	if (r && p && p->line < r->line)
		r = NULL;
	if (!r && !p)
		return 0;
	snprintf(where, sizeof(where), "%s:%u", name, r ? r->line : p->line);
	pn_args_where(where);
	if (r)
		pn_err("prefix %s given twice, first at line %u",
		       pn_prefix_str(&r->r.prefix, buf, sizeof(buf)), rfirst);
	else
		pn_err("peer %s given twice, first at line %u",
		       pn_addr_str(&p->p.addr, buf, sizeof(buf)), pfirst);
	pn_args_where(NULL);
	return -1;
}

int pn_sync_read(FILE *f, const char *name, struct pn_sync *s)
{
	char *line = NULL, *argv[SYNC_MAX_WORDS], where[1024];
	unsigned int lineno = 0, first;
	size_t size = 0;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	for (;;) {
		int argc;

		first = lineno + 1;
		if (pn_read_line(f, &line, &size, &lineno) < 0)
			break;
		snprintf(where, sizeof(where), "%s:%u", name, first);
		pn_args_where(where);
		argc = pn_split_line(line, argv, SYNC_MAX_WORDS);
		ret = argc < 0 ? -1 : sync_line(s, argc, argv, first);
		pn_args_where(NULL);
		if (ret)
			break;
	}
	free(line);
	if (!ret && ferror(f)) {
		fprintf(stderr, "%s: read error\n", name);
		ret = -1;
	}
	if (!ret)
		ret = check_dups(s, name);
	if (ret)
		pn_sync_free(s);
	return ret;
}

static int sync_read_file(const char *name, struct pn_sync *s)
{
	FILE *f = pn_open_input(name);
	int err;

	if (!f)
		return -1;
	err = pn_sync_read(f, strcmp(name, "-") ? name : "<stdin>", s);
	pn_close_input(f);
	return err;
}

/* sync [dev NAME] FILE: prints nothing on success, like "ip". */
int do_sync(struct pn_ctx *c, int argc, char **argv)
{
	const char *name = NULL;
	struct pn_kw kw[] = {
		PN_KW("dev", PN_ARG_IFNAME, &name),
	};
	struct pn_sync s;
	struct pn_dev dev;
	int err;

	if (argc == 1 && !strcmp(argv[0], "help")) {
		sync_usage(stdout);
		return 0;
	}
	if (argc < 1)
		return pn_missarg("FILE");
	if (pn_parse_kw(argc - 1, argv, kw, 1, "sync") ||
	    sync_read_file(argv[argc - 1], &s))
		return -1;
	if (pn_dev_pick(c, name, &dev)) {
		pn_sync_free(&s);
		return -1;
	}
	err = pn_sync_send(&c->nl, dev.ifindex, &s);
	pn_sync_free(&s);
	return err;
}

/* "dev pn0 peers N routes N" (after the tag "sync" in monitor) */
int pn_print_sync(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[PODNET_A_MAX + 1];
	const struct nlattr *tb[PODNET_A_DEV_MAX + 1];
	const struct pn_show *show = data;
	char name[IF_NAMESIZE];

	pn_parse_top(nlh, top);
	if (pn_top_other_dev(top, show->dev))
		return MNL_CB_OK;
	nl_parse_nested(top[PODNET_A_DEV], pn_dev_types, PODNET_A_DEV_MAX,
			tb);
	out_obj_begin();
	out_str("dev", pn_top_ifname(top, show->dev, name));
	if (tb[PODNET_A_DEV_PEERS])
		out_uint("peers", mnl_attr_get_u32(tb[PODNET_A_DEV_PEERS]));
	if (tb[PODNET_A_DEV_ROUTES])
		out_uint("routes", mnl_attr_get_u32(tb[PODNET_A_DEV_ROUTES]));
	out_obj_end();
	return MNL_CB_OK;
}
