/*
 * cli.h — what every ccsig subcommand shares: exit codes, option helpers,
 * error reporting in the compiler style (file:line:col: error: ...).
 */
#ifndef CCSIG_CLI_H
#define CCSIG_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <sys/types.h>

#include "ccsig/buf.h"
#include "ccsig/pref.h"
#include "ccsig/warc.h"

/* Exit codes: the one table every subcommand uses (ccsig(1) EXIT STATUS).
 * The subcommands that decide (explain, check, inspect, scan) follow one
 * rule: 0 when every decision they made is permitted, permitted with
 * obligations or unknown (or none was asked: no --use); 1 when any is
 * not-permitted; 2 bad usage or input that could not be read; 3 an
 * internal error (memory, threads, an output that could not be written);
 * 4 (live check only) a URL could not be fetched (DNS, connect, TLS,
 * timeout) or answered an error status (4xx/5xx). When several apply the
 * one ranked first by cli_exit_worst wins: 3, 2, 4, 1, 0. */
enum {
    EXIT_OK = 0,
    EXIT_NOT_PERMITTED = 1, /* a decision is not-permitted / lint found errors */
    EXIT_USAGE = 2,         /* bad usage or unreadable input */
    EXIT_INTERNAL = 3,      /* internal error, an output could not be written */
    EXIT_UNFETCHED = 4      /* live: a URL could not be fetched or answered an error */
};

/* The exit status lines of --help for the deciding subcommands (check adds
 * CLI_EXIT_HELP_FETCH). */
#define CLI_EXIT_HELP                                                                              \
    "\nExit status: 0 permitted or unknown (or no --use), 1 not permitted for --use,\n"            \
    "2 bad usage or unreadable input, 3 internal error"
#define CLI_EXIT_HELP_FETCH ",\n4 a URL could not be fetched or answered an error status"

/* The more serious of two exit codes, by the rank 3 > 2 > 4 > 1 > 0: an
 * internal error hides everything; bad usage or unreadable input hides a
 * fetch failure; a fetch failure (an answer that is incomplete) hides a
 * not-permitted answer. */
int cli_exit_worst(int a, int b);

/* At the end of a subcommand: flush standard output and, when it could not
 * be written (a full disk, a closed pipe, /dev/full), say so on standard
 * error and return the worse of rc and EXIT_INTERNAL; else rc. */
int cli_finish_stdout(const char *cmd, int rc);

/* The exit code of one decision: EXIT_NOT_PERMITTED for not-permitted,
 * EXIT_OK for every other result. */
int cli_exit_for_result(ccsig_result r);

/* The exit code of one URL checked live (ccsig_url_result.status,
 * ccsig/check.h): CCSIG_OK -> EXIT_OK, CCSIG_ERR_IO (the asset could not be
 * fetched or answered 4xx/5xx) -> EXIT_UNFETCHED, CCSIG_ERR_NOMEM ->
 * EXIT_INTERNAL, anything else (CCSIG_ERR_USAGE: not an absolute http(s)
 * URL) -> EXIT_USAGE. */
int cli_exit_for_url(ccsig_status st);

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
bool cli_parse_reading(const char *cmd, const char *arg, ccsig_reading *out);

/* Read a whole file ("-" = stdin) into a malloc'd buffer (NUL-terminated).
 * limit: fail past this many bytes (0 = none). Returns NULL and sets errno. */
char *cli_read_file(const char *path, size_t limit, size_t *len);

/* Write data[0..len) to path through a temporary file in the same
 * directory and a rename, so the file is never half-written; the new file
 * gets mode. False with errno set (the temporary file is removed). */
bool cli_write_atomic(const char *path, const char *data, size_t len, mode_t mode);

/* Read one line from f into b (without the line end); false at EOF. */
bool cli_getline(FILE *f, ccsig_buf *b);

/* Whether stdout/stderr is a terminal (colour and progress decisions). */
bool cli_isatty(FILE *f);

/* Write b's bytes to f and free b (the library's text writers fill a
 * ccsig_buf; the programs print it). False on a write error. */
bool cli_put_buf(FILE *f, ccsig_buf *b);

/* A ccsig_scan_sink-style writer to the FILE *ctx (false on error). */
bool cli_write_file(void *ctx, const char *p, size_t n);

/* Print the man-page pointer used by every --help. */
void cli_help_footer(FILE *f, const char *cmd);

/* ---- Option tables ------------------------------------------------------
 * Each subcommand describes its options once, in a cli_spec; the same table
 * drives getopt_long (cli_next), the option list of --help (cli_help) and
 * the shell completion scripts (cli_completion). Every subcommand also
 * accepts --help/-h and --version/-V. */

/* What an option's argument (or an operand) is, for completion. */
typedef enum cli_value {
    CLI_VAL_NONE,           /* the option takes no argument */
    CLI_VAL_TEXT,           /* free text: nothing to complete */
    CLI_VAL_FILE,           /* a file name ('-' = standard input or output) */
    CLI_VAL_DIR,            /* a directory */
    CLI_VAL_WORDS,          /* one of the space-separated words in .words */
    CLI_VAL_CATEGORY,       /* a use category (the library's names) */
    CLI_VAL_COMMIT,         /* commitments (the library's condition names, none) */
    CLI_VAL_PURPOSE,        /* a public-interest purpose (the library's names) */
    CLI_VAL_URL,            /* a URL: nothing to complete */
    CLI_VAL_SIGNAL,         /* a CC signal's short name (the library's), then .words */
    CLI_VAL_DECLARE_FORMAT, /* a ccsig declare format (the library's names), json */
    CLI_VAL_READING         /* a reading of the vocabulary (the library's names) */
} cli_value;

enum {
    CLI_ONCE = 1u << 0,   /* an output option: an error when given twice */
    CLI_NOHELP = 1u << 1, /* not in the --help list (the text around it says it) */
    CLI_HIDDEN = 1u << 2, /* for tests only: neither in --help nor completed */
    CLI_REPEAT = 1u << 3, /* repeatable: completion offers it again */
    CLI_NUM = 1u << 4     /* help is a printf format taking .num (unsigned long long) */
};

typedef struct cli_option {
    const char *name; /* long name without "--"; NULL = a heading line (help) */
    char short_name;  /* 0 = none */
    int id;           /* what cli_next returns for it; > 0 */
    cli_value value;  /* CLI_VAL_NONE = no argument */
    const char *metavar;
    const char *words; /* CLI_VAL_WORDS */
    unsigned flags;
    const char *help; /* lines separated by '\n' */
    unsigned long long num;
} cli_option;

/* The reuser-profile options that several subcommands share, with one
 * wording in every --help and completion. */
#define CLI_OPT_USE(id)                                                                            \
    {                                                                                              \
        "use", 0, (id), CLI_VAL_CATEGORY, "CATEGORY", NULL, 0,                                     \
            "decide for this use (train-ai, search, ai-use, ...)", 0                               \
    }
#define CLI_OPT_COMMIT(id)                                                                         \
    {                                                                                              \
        "commit", 0, (id), CLI_VAL_COMMIT, "LIST", NULL, 0,                                        \
            "what you commit to: credit, direct-contribution,\n"                                   \
            "ecosystem-contribution, open (comma-separated) or none",                              \
            0                                                                                      \
    }
#define CLI_OPT_PURPOSE(id)                                                                        \
    {                                                                                              \
        "purpose", 0, (id), CLI_VAL_PURPOSE, "P", NULL, 0,                                         \
            "claim a public-interest purpose: malicious-content-detection,\n"                      \
            "accessibility, archiving, research",                                                  \
            0                                                                                      \
    }
#define CLI_OPT_READING(id)                                                                        \
    {                                                                                              \
        "reading", 0, (id), CLI_VAL_READING, "R", NULL, 0,                                         \
            "how labels are read: current (draft-ietf-aipref-vocab-08\n"                           \
            "only) or default (-08, then legacy labels, marked)",                                  \
            0                                                                                      \
    }

typedef struct cli_spec {
    const char *name;          /* the subcommand */
    const char *synopsis;      /* usage and description, before the option list */
    const cli_option *options; /* ends with an all-zero entry */
    int column;                /* where option descriptions start in --help */
    const char *epilog;        /* after the option list (exit status) */
    cli_value operand;         /* what the operands are, for completion */
    const char *operand_words; /* CLI_VAL_WORDS operands (sf: parse serialize) */
    bool permute;              /* options may follow operands */
} cli_spec;

#define CLI_MAX_OPTIONS 40

typedef struct cli_parser {
    const cli_spec *spec;
    int argc;
    char **argv;
    int rc; /* when cli_next returns -1: the exit status */
    unsigned char seen[CLI_MAX_OPTIONS];
    struct option *longopts; /* CLI_MAX_OPTIONS + 3 entries */
    char shortopts[2 * CLI_MAX_OPTIONS + 8];
    struct option storage[CLI_MAX_OPTIONS + 3];
} cli_parser;

/* Start parsing argv[first..argc) of the subcommand spec->name. */
void cli_parser_init(cli_parser *p, const cli_spec *spec, int argc, char **argv, int first);

/* The next option: its id (> 0; its argument in optarg), 0 after the last
 * option (optind = the first operand), or -1 when the command must return
 * p->rc now: --help or --version printed (EXIT_OK), or a usage error printed
 * (EXIT_USAGE): an unknown option (with "did you mean"), a missing or
 * unexpected argument, or a CLI_ONCE option given twice. */
int cli_next(cli_parser *p);

/* Print the --help text of spec: synopsis, option list, epilog, footer. */
void cli_help(FILE *f, const cli_spec *spec);

/* Standard input as a file argument ('-'), the same in every subcommand:
 * cli_stdin_once fails (usage error, EXIT_USAGE) when '-' is among
 * args[0..n) more than once, since standard input can be read only once;
 * it returns EXIT_OK when the arguments are fine. */
int cli_stdin_once(const char *cmd, int n, char *const *args);

/* Standard input for an argument whose consumer must open a file by name or
 * re-read it (inspect's mapping and exempi, the robots.txt store, libcurl's
 * CA file): copies standard input, at most limit bytes, into a private
 * temporary file in $TMPDIR or /tmp (mode 0600; O_TMPFILE where the file
 * system has it, else mkstemp; unlinked at once either way, so nothing is
 * left behind even when the process is killed) and returns a name that
 * opens it, /proc/self/fd/N, valid until the process exits (the descriptor
 * stays open; threads and forked children share it). Without /proc the file
 * keeps its mkstemp name and is unlinked at exit. The name is the file's
 * only, never for messages: callers name the input '-'. Returns NULL after
 * printing "ccsig CMD: WHAT -: standard input ..." when standard input
 * cannot be read, is larger than limit, or the file cannot be written. Not
 * thread-safe (call it while parsing options). */
const char *cli_stdin_to_tmpfile(const char *cmd, const char *what, size_t limit);

/* Print "ccsig VERSION" on stdout (every --version). */
void cli_version(void);

/* The candidate closest to word by edit distance (insertions, deletions,
 * substitutions, transpositions), or NULL when none is close enough. */
const char *cli_suggest(const char *word, const char *const *cands, size_t n);

/* Print the completion script of the ccsig command for shell ("bash" or
 * "zsh") on f: the subcommands names[i] (summaries[i]) and specs[i].
 * False for an unknown shell. */
bool cli_completion(FILE *f, const char *shell, size_t n, const char *const *names,
                    const char *const *summaries, const cli_spec *const *specs);

#endif
