/*
 * robots_store.h — the robots.txt files a scan knows, by site, with bounded
 * memory.
 *
 * `--robots` names WARC archives of robots.txt captures (as Common Crawl
 * stores them in the robotstxt/ folder of a crawl, request/response pairs)
 * or directories holding such archives and HOST.txt / HOST:PORT.txt files. Opening the store reads
 * only an index: site key (scheme://host:port) -> where its robots.txt is (archive and record
 * offset, or file), about 100 bytes per site. Compiled matchers are built on first use and kept in
 * an LRU bounded by count and bytes; an evicted site is compiled again from its archive when
 * needed. Lookups are thread-safe; each thread queries through its own robots_query.
 *
 * Which capture applies when a site has several: the one with the latest
 * WARC-Date (the last in input order on a tie). Status per RFC 9309 §2.3.1:
 * 2xx -> the file's rules; 3xx -> its Location is followed (up to five hops,
 * within the captures known); 4xx -> unavailable, everything may be crawled;
 * 5xx or no status -> unreachable, nothing may be crawled.
 */
#ifndef CCSIG_ROBOTS_STORE_H
#define CCSIG_ROBOTS_STORE_H

#include <stdio.h>

#include "ccsig/scan.h"
#include "scan_pipeline.h"

/* Compiled robots.txt files kept at once, and the bytes they may hold. */
#define ROBOTS_STORE_MAX_ENTRIES 4096
#define ROBOTS_STORE_MAX_BYTES (64u << 20)

typedef struct robots_store robots_store;
typedef struct robots_query robots_query;

typedef struct robots_store_stats {
    size_t sites;    /* sites in the index */
    size_t captures; /* robots.txt captures seen */
    size_t compiled; /* compilations (an evicted site compiles again) */
    size_t errors;   /* unreadable sources (reported as they happen) */
} robots_store_stats;

/* Index the given archives and directories. agent: the product token or
 * user-agent the scan asks for. Problems (unreadable path, damaged capture)
 * are printed on err as "ccsig scan: PATH: offset N: what" unless err is
 * NULL. max_entries bounds the compiled files kept (0: ROBOTS_STORE_MAX_ENTRIES).
 * Returns NULL (with a message on err) when a path cannot be read. */
robots_store *robots_store_open(char *const *paths, size_t n, const char *agent, size_t max_entries,
                                FILE *err);
void robots_store_free(robots_store *s);
robots_store_stats robots_store_get_stats(robots_store *s);

robots_query *robots_query_new(robots_store *s);
void robots_query_free(robots_query *q);

/* What the site's robots.txt says for url (u = its parts, origin = the site
 * key from ccsig_url_site). The answer's pointers stay valid until the next
 * call on q. With no robots.txt known, out->known is CCSIG_ROBOTS_NONE. */
void robots_query_url(robots_query *q, const ccsig_url *u, ccsig_str url, const char *origin,
                      ccsig_scan_robots *out);

/* The store as the pipeline's robots.txt source. */
void robots_store_source(robots_store *s, scan_robots_source *out);

#endif
