/*
 * cli.h — what every ccsig subcommand shares: exit codes, option helpers,
 * error reporting in the compiler style (file:line:col: error: ...).
 */
#ifndef CCSIG_CLI_H
#define CCSIG_CLI_H

#include <stdio.h>

#include "ccsig/buf.h"
#include "ccsig/pref.h"

/* Exit codes (ARCHITECTURE.md "Outputs"). */
enum {
    EXIT_OK = 0,
    EXIT_NOT_PERMITTED = 1, /* not permitted / lint found errors / records skipped */
    EXIT_USAGE = 2,         /* bad usage or unreadable input */
    EXIT_INTERNAL = 3
};

/* Print "ccsig CMD: message" and a pointer to --help on stderr; returns
 * EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print "ccsig CMD: message" on stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Option values shared by check, explain, inspect, scan. Each returns false
 * after printing a usage error. */
bool cli_parse_use(const char *cmd, const char *arg, ccsig_category *out);
bool cli_parse_commit(const char *cmd, const char *arg, unsigned *out);
bool cli_parse_purpose(const char *cmd, const char *arg, ccsig_purpose *out);

/* Read a whole file ("-" = stdin) into a malloc'd buffer (NUL-terminated).
 * limit: fail past this many bytes (0 = none). Returns NULL and sets errno. */
char *cli_read_file(const char *path, size_t limit, size_t *len);

/* Read one line from f into b (without the line end); false at EOF. */
bool cli_getline(FILE *f, ccsig_buf *b);

/* Whether stdout/stderr is a terminal (colour and progress decisions). */
bool cli_isatty(FILE *f);

/* Write b's bytes to f and free b (the library's text writers fill a
 * ccsig_buf; the programs print it). False on a write error. */
bool cli_put_buf(FILE *f, ccsig_buf *b);

/* Print the man-page pointer used by every --help. */
void cli_help_footer(FILE *f, const char *cmd);

#endif
