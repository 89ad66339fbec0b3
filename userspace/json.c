// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: a tiny streaming JSON writer. Strings are escaped as RFC 8259
 * requires; bytes that are not valid UTF-8 become U+FFFD, so the output is
 * valid JSON whatever the kernel or the user gave us.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define JSON_MAX_DEPTH	16

struct json {
	FILE *f;
	bool pretty;
	unsigned int depth;
	bool nonempty[JSON_MAX_DEPTH];	/* the container at depth has items */
};

struct json *json_new(FILE *f, bool pretty)
{
	struct json *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->f = f;
	j->pretty = pretty;
	return j;
}

void json_free(struct json *j)
{
	free(j);
}

/* Length of the valid UTF-8 sequence at @s, or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void json_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		size_t n;

		switch (*s) {
		case '"':  fputs("\\\"", f); s++; continue;
		case '\\': fputs("\\\\", f); s++; continue;
		case '\b': fputs("\\b", f); s++; continue;
		case '\f': fputs("\\f", f); s++; continue;
		case '\n': fputs("\\n", f); s++; continue;
		case '\r': fputs("\\r", f); s++; continue;
		case '\t': fputs("\\t", f); s++; continue;
		default:
			break;
		}
		if (*s < 0x20) {
			fprintf(f, "\\u%04x", *s);
			s++;
			continue;
		}
		n = utf8_len(s);
		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		fwrite(s, 1, n, f);
		s += n;
	}
	fputc('"', f);
}

static void indent(struct json *j)
{
	unsigned int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("    ", j->f);
}

/* Separator, indentation and key before any value. */
static void value_start(struct json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->nonempty[j->depth])
			fputc(',', j->f);
		j->nonempty[j->depth] = true;
		if (j->pretty)
			indent(j);
	}
	if (key) {
		json_escape(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void open_container(struct json *j, const char *key, char c)
{
	value_start(j, key);
	fputc(c, j->f);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		abort();	/* a bug in the caller, never input driven */
	j->depth++;
	j->nonempty[j->depth] = false;
}

static void close_container(struct json *j, char c)
{
	if (j->depth == 0)
		abort();
	j->depth--;
	if (j->pretty && j->nonempty[j->depth + 1])
		indent(j);
	fputc(c, j->f);
	if (j->depth == 0)
		fputc('\n', j->f);
}

void json_obj_start(struct json *j, const char *key)
{
	open_container(j, key, '{');
}

void json_obj_end(struct json *j)
{
	close_container(j, '}');
}

void json_arr_start(struct json *j, const char *key)
{
	open_container(j, key, '[');
}

void json_arr_end(struct json *j)
{
	close_container(j, ']');
}

void json_str(struct json *j, const char *key, const char *value)
{
	value_start(j, key);
	json_escape(j->f, value);
}

void json_uint(struct json *j, const char *key, uint64_t value)
{
	value_start(j, key);
	fprintf(j->f, "%" PRIu64, value);
}

void json_raw(struct json *j, const char *key, const char *token)
{
	value_start(j, key);
	fputs(token, j->f);
}
