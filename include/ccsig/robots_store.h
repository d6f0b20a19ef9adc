/*
 * ccsig/robots_store.h — the robots.txt files a scan knows, by site, with
 * bounded memory.
 *
 * The store reads WARC archives of robots.txt captures (as Common Crawl
 * keeps them in the robotstxt/ folder of a crawl, request/response pairs)
 * and directories holding such archives and HOST.txt / HOST:PORT.txt files.
 * Opening it reads only an index: site key (scheme://host:port) -> where its
 * robots.txt is (archive and record offset, or file), about 300 bytes per
 * site: 56 to 112 bytes of hash table (ccsig/hashmap.h, at most half full),
 * an 88-byte record, and the key and the robots.txt URL, each copied (280
 * bytes measured for 100,000 sites with 30-byte keys and 40-byte URLs).
 * Compiled matchers are built on first use and kept in an LRU bounded
 * by count and bytes; an evicted site is compiled again from its archive
 * when needed.
 *
 * Which capture applies when a site has several: the one with the latest
 * WARC-Date (the last in input order on a tie). Status per RFC 9309
 * §2.3.1: 2xx -> the file's rules; 3xx -> its Location is followed (up to
 * five hops, within the captures known); 4xx -> unavailable, everything may
 * be crawled; 5xx or no status -> unreachable, nothing may be crawled. A
 * capture's body is de-chunked and inflated with ccsig_http_body_decode.
 *
 * Thread-safety: after open, the store may be queried from any number of
 * threads, each through its own ccsig_robots_store_query.
 */
#ifndef CCSIG_ROBOTS_STORE_H
#define CCSIG_ROBOTS_STORE_H

#include "ccsig/common.h"
#include "ccsig/scan.h"
#include "ccsig/url.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Compiled robots.txt files kept at once, and the bytes they may hold. */
#define CCSIG_ROBOTS_STORE_MAX_ENTRIES 4096
#define CCSIG_ROBOTS_STORE_MAX_BYTES (64u << 20)
/* The offset a problem report gives when it concerns a whole path. */
#define CCSIG_ROBOTS_STORE_NO_OFFSET UINT64_MAX

typedef struct ccsig_robots_store ccsig_robots_store;
typedef struct ccsig_robots_store_query ccsig_robots_store_query;

typedef struct ccsig_robots_store_stats {
    size_t sites;    /* sites in the index */
    size_t captures; /* robots.txt captures seen */
    size_t compiled; /* compilations (an evicted site compiles again) */
    size_t errors;   /* damaged captures skipped (each reported as it happens) */
} ccsig_robots_store_stats;

/* A problem found while indexing: path (an archive or directory given, or
 * an archive found in one), the record offset or
 * CCSIG_ROBOTS_STORE_NO_OFFSET, and what ("cannot read: No such file or
 * directory", a WARC damage report). Called on the opening thread. */
typedef void (*ccsig_robots_store_report_fn)(void *ctx, const char *path, uint64_t offset,
                                             const char *what);

typedef struct ccsig_robots_store_options {
    const char *agent;  /* the product token or user-agent to select groups for */
    size_t max_entries; /* compiled files kept (0: CCSIG_ROBOTS_STORE_MAX_ENTRIES) */
    ccsig_robots_store_report_fn report; /* may be NULL */
    void *report_ctx;
} ccsig_robots_store_options;

/* Index the given archives and directories (paths[0..n)). Damaged captures
 * are reported and skipped (stats.errors counts them). A path that cannot
 * be read is reported and fails the open: CCSIG_ERR_IO (err says which);
 * CCSIG_ERR_NOMEM when memory runs out. *out is NULL on failure; release a
 * store with ccsig_robots_store_free after every query is freed. */
ccsig_status ccsig_robots_store_open(const char *const *paths, size_t n,
                                     const ccsig_robots_store_options *opt,
                                     ccsig_robots_store **out, ccsig_error *err);
void ccsig_robots_store_free(ccsig_robots_store *s);
ccsig_robots_store_stats ccsig_robots_store_get_stats(ccsig_robots_store *s);

/* One site of the store as ccsig_robots_store_each gives it: its key, the
 * capture that applies after redirects (origin, WARC-Date, status), what a
 * crawler makes of it (known) and, when CCSIG_ROBOTS_FOUND, its body
 * (de-chunked and inflated; at most CCSIG_ROBOTS_MAX_SIZE + 1 bytes). A
 * found capture whose body cannot be read again gives known NONE. The
 * pointers live until the callback returns. */
typedef struct ccsig_robots_store_site {
    const char *key;    /* "https://host[:port]" */
    const char *origin; /* the robots.txt URL or file that applied */
    const char *date;   /* its WARC-Date ("" for a file) */
    int status;         /* its HTTP status (a file: 200) */
    ccsig_robots_status known;
    const char *body;
    size_t len;
} ccsig_robots_store_site;

/* Called for each site; return false to stop. */
typedef bool (*ccsig_robots_store_site_fn)(void *ctx, const ccsig_robots_store_site *site);

/* Every site of the store, each once, in archive order (captures are read
 * again in the order they lie in their archives). Returns CCSIG_OK (also
 * when fn stopped) or CCSIG_ERR_NOMEM. Not to be called while queries run
 * on other threads. */
ccsig_status ccsig_robots_store_each(ccsig_robots_store *s, ccsig_robots_store_site_fn fn,
                                     void *ctx, ccsig_error *err);

/* A query handle: one per thread. NULL when out of memory. */
ccsig_robots_store_query *ccsig_robots_store_query_new(ccsig_robots_store *s);
void ccsig_robots_store_query_free(ccsig_robots_store_query *q);

/* What the site's robots.txt says for url (u = its parts, origin = the site
 * key from ccsig_url_site). The answer's pointers stay valid until the next
 * call on q. With no robots.txt known (or when compiling it runs out of
 * memory), out->known is CCSIG_ROBOTS_NONE. */
void ccsig_robots_store_lookup(ccsig_robots_store_query *q, const ccsig_url *u, ccsig_str url,
                               const char *origin, ccsig_scan_robots *out);

#ifdef __cplusplus
}
#endif
#endif
