// SPDX-License-Identifier: GPL-2.0
/*
 * The TAP helpers of the unit tests (tests/test_unit.c, test_podnetd.c):
 * one "ok N - ..." or "not ok N - ..." line per check, counted for the
 * plan printed at the end ("1..N") and the exit status.
 */
#ifndef PODNET_TESTS_TAP_H
#define PODNET_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tests, failures;

static __attribute__((format(printf, 2, 3))) bool ok(bool cond,
						      const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failures++;
	printf("%sok %d - ", cond ? "" : "not ", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return cond;
}

/* @s as "# what: ..." lines */
static void diag_str(const char *what, const char *s)
{
	printf("# %s: ", what);
	for (; *s; s++) {
		putchar(*s);
		if (*s == '\n')
			printf("#   ");
	}
	putchar('\n');
}

/* A check that @got (NULL: failed) is @want, both shown when not. */
static bool is_str(const char *got, const char *want, const char *desc)
{
	if (ok(got && !strcmp(got, want), "%s", desc))
		return true;
	diag_str("got ", got ? got : "(null)");
	diag_str("want", want);
	return false;
}

#endif /* PODNET_TESTS_TAP_H */
