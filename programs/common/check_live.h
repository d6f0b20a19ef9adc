/*
 * check_live.h — `ccsig check URL...` without --robots: everything fetched
 * over HTTP(S) politely (ccsig/fetch.h), every reader applied, one record
 * per URL in the same shape as `ccsig check --robots` (docs/ccsig-check.1).
 * The per-URL work is the library's (ccsig_fetch_evaluate_url, ccsig/check.h);
 * this keeps the threads, the order and the printing.
 */
#ifndef CCSIG_CHECK_LIVE_H
#define CCSIG_CHECK_LIVE_H

#include "ccsig/buf.h"
#include "ccsig/fetch.h"
#include "ccsig/pref.h"
#include "ccsig/sources.h"

typedef struct check_live_opts {
    const char *agent; /* product token or user-agent string for robots.txt groups */
    ccsig_profile prof;
    bool json;
    ccsig_fetch_opts fetch; /* user agent, delay, timeouts, cache directory */
    int jobs;               /* URLs processed at once (different hosts run in parallel) */
} check_live_opts;

/* Check the URLs (argv[0..argc), or one per line of standard input when
 * argc is 0), printing one record per URL in input order as soon as it and
 * every earlier one are done. Returns the exit status (cli.h): the worst
 * over the URLs of 1 (a decision is not-permitted), 4 (the asset could not
 * be fetched or answered 4xx/5xx), 2 (not an absolute http(s) URL; bad
 * options), 3 (an internal failure); 0 otherwise. */
int check_live_run(const check_live_opts *o, int argc, char **argv);

/* What live mode fetched for one URL (all NULL/0 offline). */
typedef struct check_fetch_info {
    const ccsig_robots_fetch *robots; /* NULL offline */
    const char *asset_url;            /* final URL, NULL when not fetched */
    long asset_status;
    const char *content_type;
    size_t asset_bytes; /* bytes of the asset read */
    bool asset_partial; /* read with ranges */
} check_fetch_info;

/* The fields both modes append after ccsig_report_write_record_head and the
 * "licenses" array: "links", "notes" (the collector's; c may be NULL),
 * "robots" and "asset" (what was fetched; null offline), "error" (null, or
 * why the URL could not be evaluated fully). Writes the closing brace. */
void check_write_extras(ccsig_buf *b, const ccsig_collect *c, const check_fetch_info *fi,
                        const char *error);

#endif
