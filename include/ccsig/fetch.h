/*
 * ccsig/fetch.h — live HTTP(S) for `ccsig check URL`, with libcurl, as a
 * polite crawler:
 *
 * - robots.txt per RFC 9309 §2.3-2.4: /robots.txt of the URL's origin,
 *   redirects followed up to five hops (each hop a request of its own, so
 *   politeness applies to it), 2xx read (at most 500 KiB), 4xx (and more than
 *   five redirects) "unavailable" = no restrictions, 5xx and network failure
 *   "unreachable" = complete disallow; cached per origin for the
 *   Cache-Control max-age, at most 24 hours (24 hours when the answer says
 *   nothing), on disk too when a cache directory is given; an unreachable
 *   robots.txt makes a stale cached copy usable again, as §2.4 allows.
 * - politeness: one request at a time per host, a pause between requests to
 *   a host of at least the configured delay (default 1 s) or the host's
 *   Crawl-delay for the agent (capped), timeouts on connecting and on the
 *   whole request, and bodies read only as far as they are needed (ranges
 *   when the server supports them, or an early stop).
 *
 * A fetcher is shared by threads: every function here is thread-safe, and
 * requests for different hosts run in parallel. The library never prints:
 * failures are in the results (an HTTP status, or curl's message). *
 * Everything declared here is in the optional library libccsig-fetch
 * (pkg-config ccsig-fetch), not in libccsig: a program that does not fetch
 * does not link libcurl.
 */
#ifndef CCSIG_FETCH_H
#define CCSIG_FETCH_H

#include <time.h>

#include "ccsig/common.h"
#include "ccsig/httpmsg.h"
#include "ccsig/robots.h"
#include "ccsig/sources.h"

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 9309 §2.3.1.2: follow at least five consecutive redirects; ccsig
 * follows exactly five (robots.txt and everything else). */
#define CCSIG_FETCH_MAX_REDIRECTS 5
/* RFC 9309 §2.5: parse at least the first 500 KiB; read no more. */
#define CCSIG_FETCH_ROBOTS_MAX (500u * 1024u)
/* RFC 9309 §2.4: do not use a cached robots.txt for more than 24 hours. */
#define CCSIG_FETCH_ROBOTS_MAX_AGE (24 * 3600)
/* How long an unreachable robots.txt (5xx, network) is remembered within
 * one process before it is asked again; never written to the disk cache. */
#define CCSIG_FETCH_UNREACHABLE_TTL 300
/* The first bytes of an asset asked for (HTML heads and the metadata
 * blocks at the start of image files fit; more is asked when not). */
#define CCSIG_FETCH_PREFIX (256u * 1024u)

typedef struct ccsig_fetch_opts {
    const char *user_agent; /* User-Agent sent; NULL: "ccsig/VERSION" */
    const char *agent;      /* product token whose Crawl-delay applies; NULL: '*' */
    double delay;           /* seconds between two requests to one host (>= 0) */
    double max_crawl_delay; /* longest robots.txt Crawl-delay honoured (seconds) */
    long connect_timeout_ms;
    long timeout_ms;       /* a whole request, redirects not included */
    size_t max_bytes;      /* largest body read for any request */
    const char *cache_dir; /* robots.txt cache between runs, or NULL */
    const char *ca_file;   /* extra CA bundle (tests), or NULL */
} ccsig_fetch_opts;

/* Defaults: delay 1 s, Crawl-delay honoured up to 60 s, connect timeout
 * 10 s, request timeout 30 s, bodies up to 16 MiB, no disk cache. */
void ccsig_fetch_opts_default(ccsig_fetch_opts *o);

typedef struct ccsig_fetcher ccsig_fetcher;

/* Create a fetcher (curl is initialised once per process). Returns
 * CCSIG_ERR_USAGE for bad options (a negative delay, a cache directory that
 * cannot be created) or CCSIG_ERR_NOMEM. */
ccsig_status ccsig_fetcher_new(const ccsig_fetch_opts *o, ccsig_fetcher **out, ccsig_error *err);
void ccsig_fetcher_free(ccsig_fetcher *f);

/* ---- one request ---- */

typedef struct ccsig_fetch_req {
    size_t from;  /* first byte asked for (a Range request when from or want) */
    size_t want;  /* bytes asked for; 0: to the end */
    bool suffix;  /* ask for the last `want` bytes instead */
    size_t limit; /* stop reading past this many bytes (0: the fetcher's max_bytes) */
    bool follow;  /* follow redirects (at most CCSIG_FETCH_MAX_REDIRECTS) */
    /* Called as the body arrives; returning true stops the transfer there
     * (the response is then complete for the caller's purpose). */
    bool (*enough)(const char *body, size_t len, const char *content_type, void *ctx);
    void *ctx;
} ccsig_fetch_req;

typedef struct ccsig_response {
    long status; /* HTTP status of the final answer; 0 when there is none */
    char *url;   /* the final URL (after redirects) */
    char *body;  /* NUL-terminated; may be cut (truncated, stopped). A caller
                    that takes it over sets this to NULL and frees it with ccsig_free */
    size_t len;
    size_t total;              /* size of the whole representation when known, else 0 */
    bool partial;              /* a 206 answer to a range request */
    bool truncated;            /* the body was cut at the limit */
    bool stopped;              /* req.enough stopped the transfer */
    unsigned redirects;        /* redirects followed */
    char content_type[128];    /* media type without parameters, lower case; may be empty */
    ccsig_http_field *headers; /* of the final answer, in order (slices into hbuf or
                                  hmem), read by ccsig_http_parse */
    size_t nheaders;
    char *hbuf;
    ccsig_arena hmem;  /* internal: unfolded header values */
    const char *error; /* "" on success, else what went wrong (curl's message, a
                          redirect loop, ...); owned by the response */
} ccsig_response;

void ccsig_response_free(ccsig_response *r);

/* GET a URL politely (waiting for the host's turn). Returns CCSIG_OK when a
 * response was received (any status: look at out->status), CCSIG_ERR_IO
 * when none was (out->error says why), CCSIG_ERR_USAGE for a URL that is
 * not http(s). out is always initialised; free it with ccsig_response_free. */
ccsig_status ccsig_fetch_get(ccsig_fetcher *f, const char *url, const ccsig_fetch_req *req,
                             ccsig_response *out);

/* ---- robots.txt ---- */

typedef struct ccsig_robots_fetch {
    ccsig_robots_status state; /* FOUND, UNAVAILABLE or UNREACHABLE (robots.h) */
    long http_status;          /* of the last answer, 0 when none */
    const char *origin;        /* scheme://host[:port] */
    const char *url;           /* the robots.txt URL that answered (after redirects) */
    const char *body;          /* OK: the file (at most CCSIG_FETCH_ROBOTS_MAX bytes) */
    size_t len;
    bool truncated;  /* the file was longer than CCSIG_FETCH_ROBOTS_MAX */
    bool from_cache; /* served from the memory or disk cache */
    bool stale;      /* an expired copy, used because the file is unreachable */
    time_t fetched, expires;
    double crawl_delay; /* the agent's Crawl-delay, -1 when none */
    unsigned redirects;
    const char *error;   /* why it is unavailable or unreachable; "" when OK */
    uint64_t generation; /* changes whenever the entry is refreshed */
} ccsig_robots_fetch;

/* The robots.txt of the URL's origin, from the cache or fetched now. The
 * result is a value the caller owns, but its strings (origin, url, error)
 * and body live in the fetcher until it is freed (an entry refreshed later
 * gets new ones; old ones are kept); they are never NULL. Returns CCSIG_ERR_USAGE for a URL that is
 * not http(s). */
ccsig_status ccsig_fetch_robots(ccsig_fetcher *f, const char *url, ccsig_robots_fetch *out);

/* ---- helpers ---- */

/* Resolve ref against base (RFC 3986), into a malloc'd string; NULL when
 * either cannot be parsed. */
char *ccsig_url_resolve(const char *base, const char *ref);

#ifdef __cplusplus
}
#endif
#endif
