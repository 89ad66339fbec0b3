// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: one set of print calls for both outputs. In text mode an
 * object is a line of "key value" pairs after a head (the object's name);
 * in JSON mode it is an object of an array, with the same keys.
 */
#ifndef PODNETCTL_OUTPUT_H
#define PODNETCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

int out_init(FILE *f, bool json, bool pretty);
void out_fini(void);
bool out_is_json(void);

/* The list of objects a command prints: "[...]" in JSON. */
void out_list_begin(void);
void out_list_end(void);

void out_obj_begin(void);
void out_obj_end(void);

/*
 * Tag the next object with what happened to it ("route add"): in JSON its
 * first member "@key": @value, in text the head of its line. A tag serves
 * one object; out_tag(NULL, NULL) drops one that was not used.
 */
void out_tag(const char *key, const char *value);
void out_flush(void);

/* The head of a text line: @value then @suffix; "@key": @value in JSON. */
void out_head(const char *key, const char *value, const char *suffix);
/* " key value" */
void out_str(const char *key, const char *value);
void out_uint(const char *key, uint64_t value);
/* " key @text" in text, "@key": @json_token (a literal) in JSON. */
void out_text_json(const char *key, const char *text, const char *json_token);

/* A nested object ("stats"): an indented continuation line in text. */
void out_group_begin(const char *key);
void out_group_end(void);
/* Text only: continue on a new indented line. */
void out_newline(void);

#endif /* PODNETCTL_OUTPUT_H */
