/*
 * ccsig/check.h — one URL checked live (the fetch component, libcurl):
 * what `ccsig check URL` does for each URL, as a library call.
 *
 * For a URL, in this order:
 *   1. the robots.txt of its origin (ccsig_fetch_robots: RFC 9309 fetching
 *      and caching), compiled once per origin and version, asked about the
 *      URL: may it be crawled, which Content-Usage / Content-Signal rules
 *      apply, which RSL License lines the file has;
 *   2. the asset, only when it may be crawled: its response headers, then
 *      the start of its body, read only as far as needed (ranges when the
 *      server supports them, else an early stop): an HTML head, or the
 *      metadata blocks at the start of an image (more ranges when a block
 *      runs past what was read), or for a PDF its first and last
 *      CCSIG_FETCH_PREFIX bytes;
 *   3. /.well-known/tdmrep.json of its origin (once per checker);
 *   4. the RSL documents named by robots.txt, a Link header or the HTML
 *      (each fetched once per checker, at most CCSIG_CHECK_MAX_RSL per URL);
 * then everything is evaluated by ccsig_evaluate (ccsig/evaluate.h): the
 * same readers, HTML / image rule and combining as `ccsig scan` and
 * `ccsig check --response`.
 *
 * A checker is shared by threads (every call is thread-safe; requests to
 * different hosts run in parallel, the fetcher serialises each host). Each
 * thread has its own ccsig_url_check, which holds the per-URL memory (an
 * arena, the asset's bytes) and the result; it is reused from URL to URL
 * and nothing is printed.
 */
#ifndef CCSIG_CHECK_H
#define CCSIG_CHECK_H

#include "ccsig/evaluate.h"
#include "ccsig/fetch.h"
#include "ccsig/robots.h"

#ifdef __cplusplus
extern "C" {
#endif

/* RSL documents read per URL (a page naming more is unusual). */
#define CCSIG_CHECK_MAX_RSL 4

typedef struct ccsig_check_opts {
    const char *agent;      /* product token or user-agent string for robots.txt groups
                               and agent-scoped signals (required) */
    ccsig_profile profile;  /* use CCSIG_CAT_NONE: no decision */
    ccsig_fetch_opts fetch; /* user agent, delay, timeouts, cache directory, ... */
} ccsig_check_opts;

typedef struct ccsig_checker ccsig_checker;

/* Create a checker (and its fetcher; fetch.agent is set to the agent's
 * product token). Strings in o are borrowed for the checker's lifetime.
 * Returns CCSIG_ERR_USAGE (bad fetch options, an empty agent) or
 * CCSIG_ERR_NOMEM, with err filled. */
ccsig_status ccsig_checker_new(const ccsig_check_opts *o, ccsig_checker **out, ccsig_error *err);
/* Free the checker; every ccsig_url_check result made with it becomes
 * invalid. */
void ccsig_checker_free(ccsig_checker *k);

/* What was found for one URL. Memory: the result, the evaluation it points
 * to (ev), the error text and every string and statement in them live in the
 * ccsig_url_check that made it (and its arena) and in the checker: valid
 * until the next ccsig_fetch_evaluate_url with that ccsig_url_check or until
 * it is freed. The caller owns nothing and never allocates one. */
typedef struct ccsig_url_result {
    const ccsig_eval_result *ev;  /* statements, notes, links, verdict, decision */
    ccsig_robots_status known;    /* NONE when the robots.txt was not asked (bad URL) */
    ccsig_state crawl;            /* ALLOW, DENY; UNKNOWN when known is NONE */
    const ccsig_provenance *rule; /* the deciding line, or why crawling is refused; may be NULL */
    bool robots_fetched;
    ccsig_robots_fetch robots;            /* what ccsig_fetch_robots said (robots_fetched) */
    const ccsig_robots_license *licenses; /* the robots.txt's RSL License lines */
    size_t nlicenses;
    bool asset_fetched;
    const char *asset_url; /* the final URL (after redirects) */
    long asset_status;
    const char *content_type; /* media type without parameters, may be empty */
    size_t asset_bytes;       /* bytes of the asset read */
    bool asset_partial;       /* read with ranges */
    ccsig_status status;      /* CCSIG_OK: evaluated fully; CCSIG_ERR_USAGE: not an absolute
                                 http(s) URL; CCSIG_ERR_IO: the asset could not be fetched or
                                 answered 4xx/5xx, or its robots.txt is unreachable (no answer
                                 or 5xx, so crawling is disallowed and the asset was not
                                 asked; the rest was still evaluated); CCSIG_ERR_NOMEM */
    const char *error;        /* why, when status is not CCSIG_OK; "" otherwise */
} ccsig_url_result;

typedef struct ccsig_url_check ccsig_url_check;

/* Per-thread state for ccsig_fetch_evaluate_url; NULL when out of memory. */
ccsig_url_check *ccsig_url_check_new(void);
void ccsig_url_check_free(ccsig_url_check *w);

/* Check one URL (see above). *out points into w: valid until the next call
 * with w. Returns (*out)->status. */
ccsig_status ccsig_fetch_evaluate_url(ccsig_checker *k, ccsig_url_check *w, const char *url,
                                      const ccsig_url_result **out);

#ifdef __cplusplus
}
#endif
#endif
