// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: text or JSON output through the same calls.
 */
#include <inttypes.h>

#include "json.h"
#include "output.h"

static struct {
	FILE *f;
	struct json *j;		/* NULL: text */
	bool line_start;	/* text: nothing printed on this line yet */
	bool line_open;		/* text: a line was started by this object */
	const char *tag_key;	/* out_tag() for the next object */
	const char *tag_value;
} out;

int out_init(FILE *f, bool json, bool pretty)
{
	out_fini();
	out.f = f;
	out.line_start = true;
	out.line_open = false;
	out.tag_key = out.tag_value = NULL;
	if (json) {
		out.j = json_new(f, pretty);
		if (!out.j)
			return -1;
	}
	return 0;
}

/* Flush and forget the stream: its owner may close it. */
void out_fini(void)
{
	json_free(out.j);
	out.j = NULL;
	if (out.f)
		fflush(out.f);
	out.f = NULL;
}

bool out_is_json(void)
{
	return out.j != NULL;
}

void out_list_begin(void)
{
	if (out.j)
		json_arr_start(out.j, NULL);
}

void out_list_end(void)
{
	if (out.j)
		json_arr_end(out.j);
	fflush(out.f);
}

void out_obj_begin(void)
{
	if (out.j)
		json_obj_start(out.j, NULL);
	out.line_start = true;
	out.line_open = false;
	if (out.tag_value) {
		out_head(out.tag_key, out.tag_value, "");
		out_tag(NULL, NULL);
	}
}

void out_tag(const char *key, const char *value)
{
	out.tag_key = key;
	out.tag_value = value;
}

void out_flush(void)
{
	fflush(out.f);
}

void out_obj_end(void)
{
	if (out.j) {
		json_obj_end(out.j);
		return;
	}
	if (out.line_open)
		fputc('\n', out.f);
	out.line_start = true;
	out.line_open = false;
}

static void text_sep(void)
{
	if (!out.line_start)
		fputc(' ', out.f);
	out.line_start = false;
	out.line_open = true;
}

void out_head(const char *key, const char *value, const char *suffix)
{
	if (out.j) {
		json_str(out.j, key, value);
		return;
	}
	text_sep();
	fprintf(out.f, "%s%s", value, suffix);
}

void out_str(const char *key, const char *value)
{
	if (out.j) {
		json_str(out.j, key, value);
		return;
	}
	text_sep();
	fprintf(out.f, "%s %s", key, value);
}

void out_uint(const char *key, uint64_t value)
{
	if (out.j) {
		json_uint(out.j, key, value);
		return;
	}
	text_sep();
	fprintf(out.f, "%s %" PRIu64, key, value);
}

void out_text_json(const char *key, const char *text, const char *json_token)
{
	if (out.j) {
		json_raw(out.j, key, json_token);
		return;
	}
	text_sep();
	fprintf(out.f, "%s %s", key, text);
}

void out_newline(void)
{
	if (out.j)
		return;
	fputs("\n    ", out.f);
	out.line_start = true;
	out.line_open = true;
}

void out_group_begin(const char *key)
{
	if (out.j)
		json_obj_start(out.j, key);
	else
		out_newline();
}

void out_group_end(void)
{
	if (out.j)
		json_obj_end(out.j);
}
