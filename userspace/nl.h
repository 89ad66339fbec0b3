// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: netlink plumbing over libmnl. One request/answer loop for
 * "do" requests (answered by data and an ACK) and dumps (answered by many
 * multipart messages and NLMSG_DONE), with extended ACK messages.
 */
#ifndef PODNETCTL_NL_H
#define PODNETCTL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "utils.h"

#define NL_REQ_SIZE	8192	/* room for any fixed request (not sync) */
#define NL_RECV_SIZE	65536	/* >= the kernel's largest dump skb (32 KiB) */
#define NL_SNDBUF_SLACK	4096	/* asked for beyond a large request's size */

struct nl_sock;

/* Called for each data message of the answer; returns MNL_CB_OK, or
 * MNL_CB_ERROR after printing why (the rest of the answer is drained),
 * or MNL_CB_STOP to ignore the rest of the answer.
 */
typedef int (*nl_data_cb)(const struct nlmsghdr *nlh, void *data);

/* What went wrong with a request. */
struct nl_err {
	int error;		/* 0 or a negative errno */
	bool cb_failed;		/* the callback failed (and said why) */
	bool intr;		/* NLM_F_DUMP_INTR was seen */
	bool has_miss_type;
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE */
	char msg[512];		/* NLMSGERR_ATTR_MSG, or why the request
				 * could not be sent; "" if none */
};

/* State of the receive loop, exposed for unit tests of nl_process(). */
struct nl_answer {
	uint32_t portid;
	uint32_t seq;
	bool events;		/* notifications: any portid and seq */
	nl_data_cb cb;
	void *data;
	bool done;		/* ACK, error or NLMSG_DONE seen */
	bool stopped;		/* the callback asked to stop */
	struct nl_err err;
};

struct nl_sock *nl_open(int protocol);
void nl_close(struct nl_sock *s);
int nl_protocol(const struct nl_sock *s);

/*
 * Send @nlh as a dump (NLM_F_DUMP) or as a "do" request (NLM_F_ACK) and
 * process the answer. Prints nothing but warnings. @nlh may be of any
 * size: the send buffer is raised for a large one (SO_SNDBUFFORCE, else
 * SO_SNDBUF up to net.core.wmem_max); if it cannot take the message, the
 * error is -EMSGSIZE with the reason in @err->msg and nothing is sent.
 * Errors are answered without the request (NETLINK_CAP_ACK), so the
 * answer of a large request fits NL_RECV_SIZE.
 * Return: 0, or -1 with @err filled.
 */
int nl_talk(struct nl_sock *s, struct nlmsghdr *nlh, bool dump,
	    nl_data_cb cb, void *data, struct nl_err *err);
void nl_perror(const struct nl_sock *s, const struct nl_err *err);

/* nl_talk() that prints errors. Return: 0 or -1. */
int nl_request(struct nl_sock *s, struct nlmsghdr *nlh, nl_data_cb cb,
	       void *data);
/* nl_talk() of a dump that prints errors. Return: 0 or -1. */
int nl_dump(struct nl_sock *s, struct nlmsghdr *nlh, nl_data_cb cb,
	    void *data);

void nl_process(struct nl_answer *a, const void *buf, size_t len);

/* Multicast: join group @group. Return: 0 or -errno. */
int nl_join_group(struct nl_sock *s, uint32_t group);
int nl_fd(const struct nl_sock *s);
/*
 * Receive one buffer of notifications and pass each data message to @cb,
 * through nl_process(). Notifications caused by a request may carry its
 * portid and sequence number: none is filtered out. Blocks if none is
 * queued.
 * Return: 0, or -errno of the receive: -ENOBUFS when the socket overran
 * and notifications were lost (the next call goes on with the new ones).
 */
int nl_recv_events(struct nl_sock *s, nl_data_cb cb, void *data);

/* The size of an attribute with @len bytes of payload, padding included. */
static inline size_t nl_attr_size(size_t len)
{
	return MNL_ALIGN(MNL_ATTR_HDRLEN + len);
}

/*
 * Parse attributes into @tb[0..@max] (zeroed first). @types[t] is the
 * enum mnl_attr_data_type expected for type t (MNL_TYPE_UNSPEC: any).
 * Unknown types and attributes that fail validation are left out.
 */
void nl_parse_msg(const struct nlmsghdr *nlh, size_t offset,
		  const enum mnl_attr_data_type *types, unsigned int max,
		  const struct nlattr **tb);
void nl_parse_nested(const struct nlattr *nest,
		     const enum mnl_attr_data_type *types, unsigned int max,
		     const struct nlattr **tb);

void nl_put_addr(struct nlmsghdr *nlh, uint16_t type, const struct pn_addr *a);
bool nl_get_addr(const struct nlattr *attr, struct pn_addr *a);
bool nl_get_mac(const struct nlattr *attr, uint8_t mac[PN_ETH_ALEN]);

#endif /* PODNETCTL_NL_H */
