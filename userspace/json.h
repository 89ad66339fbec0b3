// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: a tiny streaming JSON writer (compact or pretty).
 */
#ifndef PODNETCTL_JSON_H
#define PODNETCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json;

struct json *json_new(FILE *f, bool pretty);
void json_free(struct json *j);

/* @key is NULL for a member of an array or the top level value. */
void json_obj_start(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_start(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *value);
void json_uint(struct json *j, const char *key, uint64_t value);
/* A literal token written as is: a formatted number, null, true, false. */
void json_raw(struct json *j, const char *key, const char *token);

void json_escape(FILE *f, const char *s);

#endif /* PODNETCTL_JSON_H */
