// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: command files (-batch, sync): lines joined by a trailing
 * backslash, split into words like iproute2's makeargs().
 */
#ifndef PODNETCTL_LINES_H
#define PODNETCTL_LINES_H

#include <stdio.h>
#include <sys/types.h>

/*
 * Open @name for reading, "-" being stdin. Prints why it failed.
 * Return: the stream, or NULL.
 */
FILE *pn_open_input(const char *name);
/* Close a stream of pn_open_input() (not stdin). */
void pn_close_input(FILE *f);

/*
 * Read one line of @f into *@line (getline() style), joined with the next
 * while it ends with a backslash; the end of line is removed. *@lineno
 * counts the lines read. Return: its length, or -1 at the end of the file.
 */
ssize_t pn_read_line(FILE *f, char **line, size_t *size, unsigned int *lineno);

/*
 * Split @line into at most @max - 1 words: blanks separate, quotes group,
 * '#' at the start of a word ends the line. The words point into @line;
 * argv[argc] is NULL. Return: the number of words, or -1 after printing
 * why (through pn_err()).
 */
int pn_split_line(char *line, char **argv, int max);

#endif /* PODNETCTL_LINES_H */
