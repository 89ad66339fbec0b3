// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: netlink sockets, requests, dumps and extended ACKs.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/socket.h>

#include <linux/netlink.h>

#include "nl.h"

struct nl_sock {
	struct mnl_socket *mnl;
	int protocol;
	uint32_t portid;
	uint32_t seq;
	int sndbuf;		/* SO_SNDBUF as last read */
	char *buf;		/* NL_RECV_SIZE */
};

struct nl_sock *nl_open(int protocol)
{
	struct nl_sock *s = calloc(1, sizeof(*s));
	int one = 1;

	if (!s)
		return NULL;
	s->buf = malloc(NL_RECV_SIZE);
	if (!s->buf)
		goto err;
	s->mnl = mnl_socket_open(protocol);
	if (!s->mnl)
		goto err;
	/* Old kernels lack these: then errors come without a message. */
	mnl_socket_setsockopt(s->mnl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->mnl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;
	s->protocol = protocol;
	s->portid = mnl_socket_get_portid(s->mnl);
	s->sndbuf = 0;		/* read when a large request needs it */
	s->seq = (uint32_t)time(NULL);
	return s;
err:
	fprintf(stderr, "Cannot open netlink socket: %s\n", strerror(errno));
	nl_close(s);
	return NULL;
}

void nl_close(struct nl_sock *s)
{
	if (!s)
		return;
	if (s->mnl)
		mnl_socket_close(s->mnl);
	free(s->buf);
	free(s);
}

int nl_protocol(const struct nl_sock *s)
{
	return s->protocol;
}

struct tlv_parse {
	const struct nlattr **tb;
	const enum mnl_attr_data_type *types;
	unsigned int max;
};

static int tlv_cb(const struct nlattr *attr, void *data)
{
	const struct tlv_parse *p = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > p->max)
		return MNL_CB_OK;
	if (p->types[type] != MNL_TYPE_UNSPEC &&
	    mnl_attr_validate(attr, p->types[type]) < 0)
		return MNL_CB_OK;
	p->tb[type] = attr;
	return MNL_CB_OK;
}

void nl_parse_msg(const struct nlmsghdr *nlh, size_t offset,
		  const enum mnl_attr_data_type *types, unsigned int max,
		  const struct nlattr **tb)
{
	struct tlv_parse p = { tb, types, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_nlmsg_get_payload_len(nlh) >= MNL_ALIGN(offset))
		mnl_attr_parse(nlh, (unsigned int)offset, tlv_cb, &p);
}

void nl_parse_nested(const struct nlattr *nest,
		     const enum mnl_attr_data_type *types, unsigned int max,
		     const struct nlattr **tb)
{
	struct tlv_parse p = { tb, types, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (nest)
		mnl_attr_parse_nested(nest, tlv_cb, &p);
}

static const enum mnl_attr_data_type ext_ack_types[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG]		= MNL_TYPE_NUL_STRING,
	[NLMSGERR_ATTR_OFFS]		= MNL_TYPE_U32,
	[NLMSGERR_ATTR_MISS_TYPE]	= MNL_TYPE_U32,
	[NLMSGERR_ATTR_MISS_NEST]	= MNL_TYPE_U32,
};

/* The extended ACK TLVs at @offset in the payload of @nlh. */
static void parse_ext_ack(const struct nlmsghdr *nlh, size_t offset,
			  struct nl_err *err)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	err->msg[0] = '\0';
	err->has_miss_type = false;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	nl_parse_msg(nlh, offset, ext_ack_types, NLMSGERR_ATTR_MAX, tb);
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(err->msg, sizeof(err->msg), "%s",
			 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE]) {
		err->has_miss_type = true;
		err->miss_type = mnl_attr_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	}
}

static void print_warning(const char *msg)
{
	size_t n = strlen(msg);

	fprintf(stderr, "Warning: %s%s\n", msg,
		n && msg[n - 1] == '.' ? "" : ".");
}

/* NLMSG_ERROR: an ACK (error 0) or the error of the request. */
static void process_error(struct nl_answer *a, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*e);

	a->done = true;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		a->err.error = -EBADMSG;
		return;
	}
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset = sizeof(e->error) + NLMSG_ALIGN(e->msg.nlmsg_len);
	parse_ext_ack(nlh, offset, &a->err);
	if (e->error == 0) {
		if (a->err.msg[0])
			print_warning(a->err.msg);
		a->err.msg[0] = '\0';
		return;
	}
	a->err.error = e->error < 0 ? e->error : -e->error;
}

/* NLMSG_DONE: the end of a dump, carrying the dump's error if any. */
static void process_done(struct nl_answer *a, const struct nlmsghdr *nlh)
{
	int error = 0;

	a->done = true;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (error < 0) {
		parse_ext_ack(nlh, sizeof(int), &a->err);
		a->err.error = error;
	}
}

/*
 * Process one buffer of the answer. Messages of other requests (stale
 * sequence numbers) are skipped, except when reading notifications
 * (@a->events). A dump's flag NLM_F_DUMP_INTR is recorded and the dump
 * read to its end, as iproute2 does.
 */
void nl_process(struct nl_answer *a, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (!a->events && (!mnl_nlmsg_portid_ok(nlh, a->portid) ||
				   nlh->nlmsg_seq != a->seq))
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			a->err.intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
		case NLMSG_OVERRUN:
			continue;
		case NLMSG_ERROR:
			process_error(a, nlh);
			return;
		case NLMSG_DONE:
			process_done(a, nlh);
			return;
		default:
			break;
		}
		if (a->stopped || a->err.cb_failed || !a->cb)
			continue;
		switch (a->cb(nlh, a->data)) {
		case MNL_CB_ERROR:
			a->err.cb_failed = true;
			break;
		case MNL_CB_STOP:
			a->stopped = true;
			break;
		default:
			break;
		}
	}
}

/*
 * netlink_sendmsg() refuses a message longer than the send buffer less 32
 * bytes (EMSGSIZE). Make room for @len bytes: SO_SNDBUFFORCE goes past
 * net.core.wmem_max but needs CAP_NET_ADMIN; SO_SNDBUF stops there. The
 * kernel doubles both values. Return: 0, or -1 with @err filled.
 */
static int fit_sndbuf(struct nl_sock *s, size_t len, struct nl_err *err)
{
	int fd = mnl_socket_get_fd(s->mnl);
	socklen_t optlen = sizeof(s->sndbuf);
	int want;

	if (len + NL_SNDBUF_SLACK <= (size_t)s->sndbuf)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &s->sndbuf, &optlen) < 0)
		s->sndbuf = 0;
	if (len + NL_SNDBUF_SLACK <= (size_t)s->sndbuf)
		return 0;
	if (len > INT_MAX / 2 - NL_SNDBUF_SLACK) {
		err->error = -EMSGSIZE;
		snprintf(err->msg, sizeof(err->msg),
			 "the request is %zu bytes, more than a netlink socket takes",
			 len);
		return -1;
	}
	want = (int)len + NL_SNDBUF_SLACK;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
	optlen = sizeof(s->sndbuf);
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &s->sndbuf, &optlen) < 0)
		s->sndbuf = 0;
	if (len + 32 <= (size_t)s->sndbuf)
		return 0;
	err->error = -EMSGSIZE;
	snprintf(err->msg, sizeof(err->msg),
		 "the request is %zu bytes but the socket send buffer takes at most %d: "
		 "raising it needs CAP_NET_ADMIN (SO_SNDBUFFORCE) or a larger net.core.wmem_max",
		 len, s->sndbuf > 32 ? s->sndbuf - 32 : 0);
	return -1;
}

int nl_talk(struct nl_sock *s, struct nlmsghdr *nlh, bool dump,
	    nl_data_cb cb, void *data, struct nl_err *err)
{
	struct nl_answer a = {
		.portid = s->portid,
		.cb = cb,
		.data = data,
	};

	nlh->nlmsg_seq = a.seq = ++s->seq;
	/* not a test of nlmsg_flags: NLM_F_DUMP's bits are also EXCL|REPLACE */
	nlh->nlmsg_flags |= dump ? NLM_F_DUMP : NLM_F_ACK;

	if (fit_sndbuf(s, nlh->nlmsg_len, &a.err))
		goto out;
	if (mnl_socket_sendto(s->mnl, nlh, nlh->nlmsg_len) < 0) {
		a.err.error = -errno;
		goto out;
	}
	while (!a.done) {
		ssize_t n = mnl_socket_recvfrom(s->mnl, s->buf, NL_RECV_SIZE);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			a.err.error = -errno;
			break;
		}
		nl_process(&a, s->buf, (size_t)n);
	}
out:
	*err = a.err;
	return err->error || err->cb_failed || err->intr ? -1 : 0;
}

int nl_join_group(struct nl_sock *s, uint32_t group)
{
	if (mnl_socket_setsockopt(s->mnl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return -errno;
	return 0;
}

int nl_fd(const struct nl_sock *s)
{
	return mnl_socket_get_fd(s->mnl);
}

int nl_recv_events(struct nl_sock *s, nl_data_cb cb, void *data)
{
	struct nl_answer a = {
		.events = true,
		.cb = cb,
		.data = data,
	};
	ssize_t n = mnl_socket_recvfrom(s->mnl, s->buf, NL_RECV_SIZE);

	if (n < 0)
		return -errno;
	nl_process(&a, s->buf, (size_t)n);
	return 0;
}

void nl_perror(const struct nl_sock *s, const struct nl_err *err)
{
	size_t n = strlen(err->msg);

	if (err->cb_failed)
		return;		/* the callback said why */
	if (err->error == 0) {
		if (err->intr)
			fprintf(stderr,
				"Dump was interrupted and may be inconsistent.\n");
		return;
	}
	if (n) {
		fprintf(stderr, "Error: %s%s\n", err->msg,
			err->msg[n - 1] == '.' ? "" : ".");
		return;
	}
	fprintf(stderr, "%s: %s", s->protocol == NETLINK_ROUTE ?
		"RTNETLINK answers" : "podnetctl", strerror(-err->error));
	if (err->has_miss_type)
		fprintf(stderr, " (missing attribute %u)", err->miss_type);
	fputc('\n', stderr);
}

static int talk_or_print(struct nl_sock *s, struct nlmsghdr *nlh, bool dump,
			 nl_data_cb cb, void *data)
{
	struct nl_err err;

	if (nl_talk(s, nlh, dump, cb, data, &err)) {
		nl_perror(s, &err);
		return -1;
	}
	return 0;
}

int nl_request(struct nl_sock *s, struct nlmsghdr *nlh, nl_data_cb cb,
	       void *data)
{
	return talk_or_print(s, nlh, false, cb, data);
}

int nl_dump(struct nl_sock *s, struct nlmsghdr *nlh, nl_data_cb cb,
	    void *data)
{
	return talk_or_print(s, nlh, true, cb, data);
}

void nl_put_addr(struct nlmsghdr *nlh, uint16_t type, const struct pn_addr *a)
{
	mnl_attr_put(nlh, type, a->len, a->bytes);
}

bool nl_get_addr(const struct nlattr *attr, struct pn_addr *a)
{
	return attr && !pn_addr_from_raw(a, mnl_attr_get_payload(attr),
					 mnl_attr_get_payload_len(attr));
}

bool nl_get_mac(const struct nlattr *attr, uint8_t mac[PN_ETH_ALEN])
{
	if (!attr || mnl_attr_get_payload_len(attr) != PN_ETH_ALEN)
		return false;
	memcpy(mac, mnl_attr_get_payload(attr), PN_ETH_ALEN);
	return true;
}
