/*
 * ccsig/url.h — splitting URLs without allocating: the site that keys a
 * robots.txt and a credit entry (RFC 9309 §2.3: one robots.txt per scheme,
 * host and port), and the path a URL's preferences are matched on. Used by
 * scan (per record), the readers (TDMRep, RSL) and the robots store. Slices
 * point into the URL. Thread-safe, no state.
 */
#ifndef CCSIG_URL_H
#define CCSIG_URL_H

#include "ccsig/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The parts of an absolute URL that key a site. */
typedef struct ccsig_url {
    ccsig_str scheme; /* "http", "https" (as written) */
    ccsig_str host;   /* without userinfo and port; IPv6 keeps its brackets */
    unsigned port;    /* explicit or the scheme's default (80, 443), 0 unknown */
    ccsig_str path;   /* path and query as written, "/" when both are empty; starts with
                         '/', or with '?' for "https://h?q" (no path); no fragment */
} ccsig_url;

/* Split an absolute URL (scheme "://" authority ...). Returns false when it
 * has no scheme or host, its host holds a control byte, space or DEL, or its
 * port is not a number from 1 to 65535. */
bool ccsig_url_split(ccsig_str url, ccsig_url *out);

/* "scheme://host[:port]" (lowercase scheme and host, port only when not the
 * default) written into buf: the one site key of ccsig, for robots.txt (the
 * scan's capture store, the fetcher and its cache), credit and origins.
 * Returns the length, or 0 when it does not fit. */
size_t ccsig_url_site(const ccsig_url *u, char *buf, size_t n);

/* Whether the URL's scheme is http or https (any case): the schemes that
 * have a robots.txt and that the fetcher requests. */
bool ccsig_url_is_http(const ccsig_url *u);

/* The path (and query) of an absolute URL, a scheme-relative one ("//h/p")
 * or a bare path: "/p?q" for "https://h/p?q#f", "?q" for "https://h?q", "/"
 * when empty; the fragment is dropped. Points into url. */
ccsig_str ccsig_url_path(ccsig_str url);

#ifdef __cplusplus
}
#endif
#endif
