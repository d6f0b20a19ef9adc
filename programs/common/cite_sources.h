/*
 * cite_sources.h — the sources `ccsig cite` and `ccsig verify-credit` take,
 * turned into credit records (ccsig/attribution.h): JSON documents
 * (records, scan annotation lines, gateway hits; JSON Lines too), URLs
 * (checked live with the library's fetch component) and local files
 * (evaluated offline by ccsig_evaluate). The records and every string in
 * them live in the set's arena.
 */
#ifndef CCSIG_CITE_SOURCES_H
#define CCSIG_CITE_SOURCES_H

#include "ccsig/attribution.h"
#include "cli.h"

/* The options cite, verify-credit and rag share, with one wording. */
#define CITE_OPT_AGENT(id)                                                                         \
    {                                                                                              \
        "agent", 0, (id), CLI_VAL_TEXT, "UA", NULL, CLI_ONCE,                                      \
            "product token or user-agent string (default '*')", 0                                  \
    }
#define CITE_OPT_RECORDS(id)                                                                       \
    {                                                                                              \
        "records", 'r', (id), CLI_VAL_FILE, "FILE", NULL, CLI_REPEAT,                              \
            "credit records, `ccsig scan` annotation lines or gateway\n"                           \
            "search hits (JSON or JSON Lines; '-' = standard input)",                              \
            0                                                                                      \
    }
#define CITE_OPT_ARCHIVE(id)                                                                       \
    {                                                                                              \
        "archive", 0, (id), CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,                                  \
            "the WARC file annotation lines were scanned from (default:\n"                         \
            "the one each line names)",                                                            \
            0                                                                                      \
    }
#define CITE_OPT_BASE(id)                                                                          \
    {                                                                                              \
        "base", 0, (id), CLI_VAL_URL, "URL", NULL, CLI_ONCE,                                       \
            "the address local files are published under (FILE is\n"                               \
            "cited as URL/FILE)",                                                                  \
            0                                                                                      \
    }
#define CITE_OPT_ROBOTS(id)                                                                        \
    {                                                                                              \
        "robots", 0, (id), CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,                                   \
            "for local files: the site's robots.txt (needs --base)", 0                             \
    }

typedef struct cite_opts {
    const char *cmd;     /* "cite", "verify-credit": the name in messages */
    const char *agent;   /* product token or user-agent string */
    ccsig_profile prof;  /* the reuser's profile (use: ai-use by default) */
    const char *base;    /* the address local files are published under, or NULL */
    const char *robots;  /* a robots.txt for local files (needs base), or NULL */
    const char *read_at; /* when local files were read, or NULL */
    bool keep_bodies;    /* keep each local file's bytes in the set (ccsig rag) */
    const char *archive; /* the WARC file annotation lines are read again from, or NULL:
                            the one each line names */
} cite_opts;

typedef struct cite_set {
    ccsig_arena arena; /* the records' strings */
    ccsig_credit_record *v;
    char **bodies; /* per record: the file's bytes (keep_bodies), else NULL; owned */
    size_t *body_lens;
    size_t n, cap;
} cite_set;

void cite_set_init(cite_set *s);
void cite_set_free(cite_set *s);
/* Append a copy of r (its strings stay where they are). False when out of
 * memory. */
bool cite_set_add(cite_set *s, const ccsig_credit_record *r);

/* Read path ('-' = standard input): one JSON document, or JSON Lines.
 * Prints "PATH:LINE:COL: error: ..." and returns EXIT_USAGE when it cannot
 * be read; EXIT_OK otherwise. */
int cite_read_records(const cite_opts *o, cite_set *s, const char *path);

/* URLs (http:// or https://: fetched) and local files (offline), in order.
 * Returns EXIT_OK, EXIT_USAGE (a file cannot be read, a URL cannot be
 * fetched: printed) or EXIT_INTERNAL. */
int cite_read_sources(const cite_opts *o, cite_set *s, int n, char **args);

#endif
