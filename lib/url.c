/*
 * url.c — the one allocation-free URL splitter of libccsig (see url.h):
 * what keys a site for robots.txt and credit, and the path a URL's
 * preferences are matched on. The fetcher keys hosts with it too, and
 * refuses a URL that libcurl would read as another site (fetch.c).
 */
#include <stdio.h>

#include "ccsig/url.h"

static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static unsigned default_port(ccsig_str scheme) {
    if (CCSIG_STR_IEQ(scheme, "http"))
        return 80;
    if (CCSIG_STR_IEQ(scheme, "https"))
        return 443;
    return 0;
}

bool ccsig_url_split(ccsig_str url, ccsig_url *out) {
    memset(out, 0, sizeof *out);
    const char *p = url.p, *end = url.p + url.len;
    if (!p)
        return false;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    const char *s = p;
    while (s < end &&
           ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
            (s > p && ((*s >= '0' && *s <= '9') || *s == '+' || *s == '-' || *s == '.'))))
        s++;
    if (s == p || end - s < 3 || memcmp(s, "://", 3) != 0)
        return false;
    out->scheme = ccsig_str_make(p, (size_t)(s - p));
    const char *a = s + 3, *ae = a;
    while (ae < end && *ae != '/' && *ae != '?' && *ae != '#')
        ae++;
    for (const char *q = ae; q > a; q--)
        if (q[-1] == '@') {
            a = q;
            break;
        }
    const char *hend = ae, *colon = NULL;
    if (a < ae && *a == '[') {
        const char *rb = memchr(a, ']', (size_t)(ae - a));
        if (!rb)
            return false;
        hend = rb + 1;
        if (hend < ae && *hend == ':')
            colon = hend;
        else if (hend != ae)
            return false;
    } else {
        colon = memchr(a, ':', (size_t)(ae - a));
        if (colon)
            hend = colon;
    }
    if (hend == a)
        return false;
    /* No control bytes, spaces or DEL in a host (RFC 3986 §3.2.2): a NUL
     * would cut the site key short and make two sites one. */
    for (const char *q = a; q < hend; q++)
        if ((unsigned char)*q <= 0x20 || (unsigned char)*q == 0x7f)
            return false;
    out->host = ccsig_str_make(a, (size_t)(hend - a));
    out->port = default_port(out->scheme);
    if (colon && colon + 1 < ae) {
        unsigned port = 0;
        for (const char *q = colon + 1; q < ae; q++) {
            if (*q < '0' || *q > '9' || port > 65535)
                return false;
            port = port * 10 + (unsigned)(*q - '0');
        }
        if (port == 0 || port > 65535)
            return false;
        out->port = port;
    }
    const char *pe = memchr(ae, '#', (size_t)(end - ae));
    if (!pe)
        pe = end;
    out->path = ae < pe ? ccsig_str_make(ae, (size_t)(pe - ae)) : CCSIG_STR_LIT("/");
    return true;
}

size_t ccsig_url_site(const ccsig_url *u, char *buf, size_t n) {
    size_t need = u->scheme.len + 3 + u->host.len + 7;
    if (!u->host.len || need >= n)
        return 0;
    size_t o = 0;
    for (size_t i = 0; i < u->scheme.len; i++)
        buf[o++] = lower(u->scheme.p[i]);
    memcpy(buf + o, "://", 3);
    o += 3;
    for (size_t i = 0; i < u->host.len; i++)
        buf[o++] = lower(u->host.p[i]);
    if (u->port && u->port != default_port(u->scheme))
        o += (size_t)snprintf(buf + o, n - o, ":%u", u->port);
    buf[o] = '\0';
    return o;
}

bool ccsig_url_is_http(const ccsig_url *u) {
    return CCSIG_STR_IEQ(u->scheme, "http") || CCSIG_STR_IEQ(u->scheme, "https");
}

ccsig_str ccsig_url_path(ccsig_str url) {
    ccsig_url u;
    if (ccsig_url_split(url, &u))
        return u.path;
    const char *p = url.p ? url.p : "", *e = p + url.len;
    const char *hash = memchr(p, '#', url.len);
    if (hash)
        e = hash;
    /* An absolute URL split refused (a bad port, no host): the path is still
     * what follows the authority, never the scheme and host. */
    const char *s = p;
    while (s < e && ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                     (s > p && ((*s >= '0' && *s <= '9') || *s == '+' || *s == '-' || *s == '.'))))
        s++;
    if (s > p && e - s >= 3 && !memcmp(s, "://", 3))
        p = s + 1;                                  /* now at "//authority" */
    if (e - p >= 2 && p[0] == '/' && p[1] == '/') { /* scheme-relative: skip the host */
        p += 2;
        while (p < e && *p != '/' && *p != '?')
            p++;
    }
    return p < e ? ccsig_str_make(p, (size_t)(e - p)) : CCSIG_STR_LIT("/");
}
