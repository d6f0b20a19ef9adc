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
    /* The guard for URLs that come from untrusted input (a request header
     * naming a URL to fetch: server-side request forgery). With
     * public_only, a connection is opened only to an address that
     * ccsig_addr_classify calls public, or one inside a network of
     * allow[0..nallow) (copied): the address checked is the one the socket
     * connects to, after resolution, for every hop of a redirect, so DNS
     * rebinding cannot get around it; proxies from the environment are not
     * used. A refused address fails the request (CCSIG_ERR_IO) with an
     * error naming the address and its class. With https_only, http://
     * URLs (first or redirected to) are refused the same way. */
    bool public_only;
    bool https_only;
    const struct ccsig_addr_net *allow;
    size_t nallow;
} ccsig_fetch_opts;

/* ---- addresses (the guard above) ---- */

/* What an IP address is, by the IANA special-purpose registries (RFC 6890
 * and its updates). Everything but CCSIG_ADDR_PUBLIC is refused by the
 * guard: loopback (127/8, ::1), private (10/8, 172.16/12, 192.168/16, and
 * the deprecated site-local fec0::/10), link-local (169.254/16, fe80::/10),
 * shared (CGNAT 100.64/10), unique-local (fc00::/7), multicast (224/4,
 * ff00::/8), unspecified (0/8, ::), reserved (240/4 and broadcast,
 * documentation and benchmarking ranges, 192.0.0/24, 6to4 relays,
 * 100::/64, 2001::/23, 2001:db8::/32, and IPv6 outside 2000::/3). An IPv6
 * address that embeds an IPv4 one (v4-mapped ::ffff:0:0/96, NAT64
 * 64:ff9b::/96, 6to4 2002::/16) is what its IPv4 address is. */
typedef enum ccsig_addr_class {
    CCSIG_ADDR_PUBLIC = 0,
    CCSIG_ADDR_LOOPBACK,
    CCSIG_ADDR_PRIVATE,
    CCSIG_ADDR_LINK_LOCAL,
    CCSIG_ADDR_SHARED,
    CCSIG_ADDR_UNIQUE_LOCAL,
    CCSIG_ADDR_MULTICAST,
    CCSIG_ADDR_UNSPECIFIED,
    CCSIG_ADDR_RESERVED
} ccsig_addr_class;

/* An IPv4 (family 4, a[0..3]) or IPv6 (family 6, a[0..15]) address, in
 * network order. */
typedef struct ccsig_addr {
    int family;
    unsigned char a[16];
} ccsig_addr;

/* A network: the first `prefix` bits of addr. */
typedef struct ccsig_addr_net {
    ccsig_addr addr;
    unsigned prefix;
} ccsig_addr_net;

/* Parse "ADDR" or "ADDR/LEN" (IPv4 dotted quad or IPv6 text, LEN at most 32
 * or 128; no LEN: the single address) from s[0..n). False when it is
 * neither; out is then undefined. */
bool ccsig_addr_net_parse(const char *s, size_t n, ccsig_addr_net *out);

/* True when a is inside net. An IPv4-mapped IPv6 address is inside the
 * IPv4 networks its IPv4 address is in. */
bool ccsig_addr_in_net(const ccsig_addr *a, const ccsig_addr_net *net);

/* The class of a (above). */
ccsig_addr_class ccsig_addr_classify(const ccsig_addr *a);

/* "public", "loopback", "private", "link-local", "shared (CGNAT)",
 * "unique-local", "multicast", "unspecified", "reserved". */
const char *ccsig_addr_class_name(ccsig_addr_class c);

/* Defaults: delay 1 s, Crawl-delay honoured up to 60 s, connect timeout
 * 10 s, request timeout 30 s, bodies up to 16 MiB, no disk cache, no
 * address guard. */
void ccsig_fetch_opts_default(ccsig_fetch_opts *o);

typedef struct ccsig_fetcher ccsig_fetcher;

/* Create a fetcher (curl is initialised once per process). Returns
 * CCSIG_ERR_USAGE for bad options (a negative delay, a cache directory that
 * cannot be created, an allowed network that is not IPv4 or IPv6) or CCSIG_ERR_NOMEM. */
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
