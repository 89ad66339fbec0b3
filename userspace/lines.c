// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: reading command files, for -batch and sync.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "lines.h"

FILE *pn_open_input(const char *name)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;

	if (!f)
		fprintf(stderr, "Cannot open file \"%s\" for reading: %s\n",
			name, strerror(errno));
	return f;
}

void pn_close_input(FILE *f)
{
	if (f && f != stdin)
		fclose(f);
}

int pn_split_line(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;

	for (;;) {
		char *word;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if (argc == max - 1)
			return pn_err("Too many arguments on the line");
		if (*p == '"' || *p == '\'') {
			char quote = *p++;

			word = p;
			p = strchr(p, quote);
			if (!p)
				return pn_err("Unterminated quoted string");
		} else {
			word = p;
			p += strcspn(p, " \t\n\r");
		}
		argv[argc++] = word;
		if (*p == '\0')
			break;
		*p++ = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

ssize_t pn_read_line(FILE *f, char **line, size_t *size, unsigned int *lineno)
{
	ssize_t len = getline(line, size, f);

	if (len < 0)
		return -1;
	(*lineno)++;
	for (;;) {
		char *more = NULL;
		size_t msize = 0;
		ssize_t mlen;
		char *joined;

		while (len > 0 && ((*line)[len - 1] == '\n' ||
				   (*line)[len - 1] == '\r'))
			(*line)[--len] = '\0';
		if (len == 0 || (*line)[len - 1] != '\\')
			return len;
		(*line)[--len] = '\0';
		mlen = getline(&more, &msize, f);
		if (mlen < 0) {
			free(more);
			return len;
		}
		(*lineno)++;
		joined = realloc(*line, (size_t)len + (size_t)mlen + 1);
		if (!joined) {
			free(more);
			return len;
		}
		memcpy(joined + len, more, (size_t)mlen + 1);
		free(more);
		*line = joined;
		*size = (size_t)len + (size_t)mlen + 1;
		len += mlen;
	}
}
