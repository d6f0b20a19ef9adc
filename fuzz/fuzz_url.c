/* libFuzzer target: URL splitting (ccsig/url.h) and the robots.txt path
 * normalisation (ccsig_robots_url_path). Checks what they promise: slices
 * inside the input (or the literal "/"), a port of at most 65535, a site key
 * that fits, is lower case and splits again to the same site, a path that
 * starts with '/' (or '?': a query and no path) and has no fragment, and a normalised path that is
 * stable (normalising it again changes nothing, unless it starts with "//") and pure printable
 * ASCII. */
#include <stdlib.h>
#include <string.h>

#include "ccsig/robots.h"
#include "ccsig/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(ccsig_str s, const char *p, size_t n) {
    if (s.len && (s.p < p || s.p + s.len > p + n))
        abort();
}

static bool hex(char c) {
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f');
}

/* A '%' not followed by two hex digits? */
static bool stray_percent(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] == '%' && !(i + 2 < n && hex(p[i + 1]) && hex(p[i + 2])))
            return true;
    return false;
}

/* Does p start with scheme "://" (RFC 3986 §3.1)? */
static bool has_scheme(const char *p, size_t n) {
    size_t i = 0;
    while (i < n &&
           ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
            (i && ((p[i] >= '0' && p[i] <= '9') || p[i] == '+' || p[i] == '-' || p[i] == '.'))))
        i++;
    return i && n - i >= 3 && !memcmp(p + i, "://", 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data;
    ccsig_str url = ccsig_str_make(p, size);
    ccsig_url u;
    if (ccsig_url_split(url, &u)) {
        inside(u.scheme, p, size);
        inside(u.host, p, size);
        if (!u.scheme.len || !u.host.len || u.port > 65535)
            abort();
        if (!u.path.len || (u.path.p[0] != '/' && u.path.p[0] != '?') ||
            memchr(u.path.p, '#', u.path.len))
            abort();
        if (!(u.path.len == 1 && u.path.p[0] == '/'))
            inside(u.path, p, size);
        char site[512];
        size_t n = ccsig_url_site(&u, site, sizeof site);
        if (n >= sizeof site || (n && strlen(site) != n))
            abort();
        if (n) {
            for (size_t i = 0; i < n; i++)
                if (site[i] >= 'A' && site[i] <= 'Z')
                    abort();
            ccsig_url v;
            char again[512];
            if (!ccsig_url_split(ccsig_str_make(site, n), &v) ||
                ccsig_url_site(&v, again, sizeof again) != n || memcmp(site, again, n) ||
                v.port != u.port)
                abort();
        }
    }
    /* A bare relative path comes back as it is; anything with a scheme or
     * a leading '/' gives a path starting with '/'. */
    ccsig_str path = ccsig_url_path(url);
    if (!path.len || memchr(path.p, '#', path.len))
        abort();
    bool absolute = (size && p[0] == '/') || has_scheme(p, size);
    if (absolute && path.p[0] != '/' && path.p[0] != '?')
        abort();

    static char buf[CCSIG_ROBOTS_PATH_MAX], buf2[CCSIG_ROBOTS_PATH_MAX];
    bool trunc = false;
    ccsig_str np = ccsig_robots_url_path(p, size, buf, sizeof buf, &trunc);
    if (!np.len || np.p[0] != '/' || np.len > sizeof buf)
        abort();
    if (np.p != buf && !(np.len == 1 && np.p[0] == '/')) /* or the literal "/" */
        inside(np, p, size);
    if (!trunc) {
        for (size_t i = 0; i < np.len; i++)
            if ((unsigned char)np.p[i] <= 0x20 || (unsigned char)np.p[i] >= 0x7f)
                abort();
        /* Stable, except a path starting with "//", which read again is a
         * scheme-relative URL (Google's GetPathParamsQuery does the same). */
        if (np.len >= 2 && np.p[1] == '/')
            return 0;
        /* A '%' that starts no escape stays a literal '%': followed by an
         * escape of an unreserved byte ("%%62e" -> "%be") it makes a new
         * escape, which a second pass would upper-case. Matching normalises
         * pattern and path once, alike, so this is only not idempotent. */
        if (stray_percent(p, size))
            return 0;
        bool t2 = false;
        ccsig_str again = ccsig_robots_url_path(np.p, np.len, buf2, sizeof buf2, &t2);
        if (t2 || again.len != np.len || memcmp(again.p, np.p, np.len))
            abort();
    }
    return 0;
}
