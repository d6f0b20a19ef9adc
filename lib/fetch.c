/*
 * fetch.c — polite HTTP(S) with libcurl: robots.txt per RFC 9309 with its
 * cache, one request at a time per host with a delay between them, ranges
 * and early stops so that only the bytes needed are read (ccsig/fetch.h).
 *
 * Threads: the fetcher's tables (hosts, robots cache) are guarded by one
 * mutex; a request holds its host's slot (busy flag) while it runs, so
 * requests to one host are serialised and those to different hosts are not.
 * Redirects are followed here, hop by hop, so each hop waits for its own
 * host's turn. curl_global_init runs once per process (pthread_once).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ccsig/alloc.h"
#include "ccsig/fetch.h"
#include "fetch_internal.h"
#include "ccsig/robots.h"
#include "ccsig/url.h"

#define HOST_MAX 256

typedef struct host_slot {
    char name[HOST_MAX];
    bool busy;
    double next;        /* monotonic time before which no request starts */
    double crawl_delay; /* from robots.txt, -1 when none */
} host_slot;

/* What the fetcher keeps about one origin's robots.txt (ccsig_robots_fetch
 * with its strings inline); callers get a ccsig_robots_fetch whose strings
 * point into `strs`. */
typedef struct robots_rec {
    ccsig_robots_status state;
    long http_status;
    char origin[512];
    char url[2048];
    const char *body;
    size_t len;
    bool truncated, from_cache, stale;
    time_t fetched, expires;
    double crawl_delay;
    unsigned redirects;
    char error[256];
    uint64_t generation;
} robots_rec;

typedef struct robots_entry {
    robots_rec r; /* body points into `body` */
    char *body;
    char *strs; /* "origin\0url\0error\0" of r for callers; old ones are retired */
    bool valid, busy;
} robots_entry;

struct ccsig_fetcher {
    ccsig_fetch_opts o;
    char ua[256], agent[128], cache_dir[1024], ca_file[1024];
    pthread_mutex_t mu;
    pthread_cond_t cv;
    host_slot *hosts;
    size_t nhosts, caphosts;
    robots_entry *robots;
    size_t nrobots, caprobots;
    char **retired; /* old robots bodies and result strings, freed with the fetcher */
    size_t nretired, capretired;
    uint64_t generation;
    ccsig_addr_net *allow; /* o.allow copied (o.allow points here) */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void) {
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static double mono_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ccsig_fetch_opts_default(ccsig_fetch_opts *o) {
    memset(o, 0, sizeof *o);
    o->delay = 1.0;
    o->max_crawl_delay = 60.0;
    o->connect_timeout_ms = 10000;
    o->timeout_ms = 30000;
    o->max_bytes = 16u * 1024u * 1024u;
}

ccsig_status ccsig_fetcher_new(const ccsig_fetch_opts *o, ccsig_fetcher **out, ccsig_error *err) {
    *out = NULL;
    if (o->delay < 0 || o->max_crawl_delay < 0 || isnan(o->delay))
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "delays must be zero or more seconds");
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK)
        return ccsig_error_set(err, CCSIG_ERR_UNSUPPORTED, 0, "libcurl failed to initialise: %s",
                               curl_easy_strerror(curl_init_rc));
    if (o->cache_dir && *o->cache_dir) {
        if (mkdir(o->cache_dir, 0755) && errno != EEXIST)
            return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "cannot create cache directory %s: %s",
                                   o->cache_dir, strerror(errno));
        struct stat st;
        if (stat(o->cache_dir, &st) || !S_ISDIR(st.st_mode))
            return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "%s is not a directory", o->cache_dir);
    }
    for (size_t i = 0; i < o->nallow; i++)
        if ((o->allow[i].addr.family != 4 && o->allow[i].addr.family != 6) ||
            o->allow[i].prefix > (o->allow[i].addr.family == 4 ? 32u : 128u))
            return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                                   "allowed network %zu is not an IPv4 or IPv6 network", i + 1);
    ccsig_fetcher *f = ccsig_calloc(1, sizeof *f);
    if (!f)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    f->o = *o;
    f->o.allow = NULL;
    f->o.nallow = 0;
    if (o->nallow) {
        f->allow = ccsig_malloc(o->nallow * sizeof *f->allow);
        if (!f->allow) {
            ccsig_free(f);
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        }
        memcpy(f->allow, o->allow, o->nallow * sizeof *f->allow);
        f->o.allow = f->allow;
        f->o.nallow = o->nallow;
    }
    snprintf(f->ua, sizeof f->ua, "%s",
             o->user_agent && *o->user_agent ? o->user_agent : "ccsig/" CCSIG_VERSION_STRING);
    snprintf(f->agent, sizeof f->agent, "%s", o->agent && *o->agent ? o->agent : "*");
    snprintf(f->cache_dir, sizeof f->cache_dir, "%s", o->cache_dir ? o->cache_dir : "");
    snprintf(f->ca_file, sizeof f->ca_file, "%s", o->ca_file ? o->ca_file : "");
    if (!f->o.max_bytes)
        f->o.max_bytes = 16u * 1024u * 1024u;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    *out = f;
    return CCSIG_OK;
}

void ccsig_fetcher_free(ccsig_fetcher *f) {
    if (!f)
        return;
    for (size_t i = 0; i < f->nrobots; i++) {
        ccsig_free(f->robots[i].body);
        ccsig_free(f->robots[i].strs);
    }
    for (size_t i = 0; i < f->nretired; i++)
        ccsig_free(f->retired[i]);
    ccsig_free(f->retired);
    ccsig_free(f->robots);
    ccsig_free(f->hosts);
    ccsig_free(f->allow);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    ccsig_free(f);
}

/* ---- URLs ---- */

/* The keys of an http(s) URL: its site ("scheme://host[:port]", the robots.txt
 * and cache key) and its host (the politeness key), both from the library's
 * one URL splitter (url.h). libcurl parses the URL again to request it, so
 * the URL is refused when libcurl reads another scheme, host or port: the
 * robots.txt that was checked is then always the one of the host that is
 * requested. */
static bool url_keys(const char *url, char *site, size_t sc, char *host, size_t hc) {
    ccsig_url u;
    if (!ccsig_url_split(ccsig_str_c(url), &u) || !ccsig_url_is_http(&u) ||
        !ccsig_url_site(&u, site, sc) || u.host.len >= hc)
        return false;
    for (size_t i = 0; i < u.host.len; i++) {
        char c = u.host.p[i];
        host[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    host[u.host.len] = '\0';
    CURLU *cu = curl_url();
    if (!cu)
        return false;
    bool same = false;
    char *s = NULL, *h = NULL, *p = NULL;
    if (curl_url_set(cu, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(cu, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
        curl_url_get(cu, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
        curl_url_get(cu, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        same = ccsig_str_ieq(u.scheme, s) && ccsig_str_ieq(ccsig_str_c(host), h) &&
               strtol(p, NULL, 10) == (long)u.port;
    }
    curl_free(s);
    curl_free(h);
    curl_free(p);
    curl_url_cleanup(cu);
    return same;
}

char *ccsig_url_resolve(const char *base, const char *ref) {
    CURLU *u = curl_url();
    if (!u)
        return NULL;
    char *out = NULL;
    if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK) {
        char *s = NULL;
        if (curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) {
            out = ccsig_strdup(s);
            curl_free(s);
        }
    }
    curl_url_cleanup(u);
    return out;
}

/* ---- addresses (the guard) ---- */

bool ccsig_addr_net_parse(const char *s, size_t n, ccsig_addr_net *out) {
    char buf[64];
    const char *slash = memchr(s, '/', n);
    size_t alen = slash ? (size_t)(slash - s) : n;
    if (!alen || alen >= sizeof buf)
        return false;
    memcpy(buf, s, alen);
    buf[alen] = '\0';
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, buf, out->addr.a) == 1)
        out->addr.family = 4;
    else if (inet_pton(AF_INET6, buf, out->addr.a) == 1)
        out->addr.family = 6;
    else
        return false;
    unsigned max = out->addr.family == 4 ? 32 : 128;
    out->prefix = max;
    if (slash) {
        size_t i = alen + 1;
        if (i >= n || n - i > 3)
            return false;
        unsigned v = 0;
        for (; i < n; i++) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            v = v * 10 + (unsigned)(s[i] - '0');
        }
        if (v > max)
            return false;
        out->prefix = v;
    }
    return true;
}

/* The IPv4 address an IPv6 one embeds (v4-mapped, NAT64 64:ff9b::/96, 6to4
 * 2002::/16) into v4; false when it embeds none. */
static bool embedded_v4(const unsigned char *a, unsigned char v4[4]) {
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    if (!memcmp(a, mapped, 12) || !memcmp(a, nat64, 12)) {
        memcpy(v4, a + 12, 4);
        return true;
    }
    if (a[0] == 0x20 && a[1] == 0x02) {
        memcpy(v4, a + 2, 4);
        return true;
    }
    return false;
}

/* True when the first bits bits of a and b agree. */
static bool prefix_eq(const unsigned char *a, const unsigned char *b, unsigned bits) {
    size_t whole = bits / 8;
    if (memcmp(a, b, whole))
        return false;
    unsigned rest = bits % 8;
    if (!rest)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

bool ccsig_addr_in_net(const ccsig_addr *a, const ccsig_addr_net *net) {
    if (a->family == net->addr.family)
        return prefix_eq(a->a, net->addr.a, net->prefix);
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (a->family == 6 && net->addr.family == 4 && !memcmp(a->a, mapped, 12))
        return prefix_eq(a->a + 12, net->addr.a, net->prefix);
    return false;
}

static ccsig_addr_class classify_v4(const unsigned char *a) {
    unsigned char b = a[1];
    switch (a[0]) {
    case 0:
        return CCSIG_ADDR_UNSPECIFIED; /* "this network", 0/8 */
    case 10:
        return CCSIG_ADDR_PRIVATE;
    case 100:
        return (b & 0xc0) == 64 ? CCSIG_ADDR_SHARED : CCSIG_ADDR_PUBLIC;
    case 127:
        return CCSIG_ADDR_LOOPBACK;
    case 169:
        return b == 254 ? CCSIG_ADDR_LINK_LOCAL : CCSIG_ADDR_PUBLIC;
    case 172:
        return (b & 0xf0) == 16 ? CCSIG_ADDR_PRIVATE : CCSIG_ADDR_PUBLIC;
    case 192:
        if (b == 168)
            return CCSIG_ADDR_PRIVATE;
        /* 192.0.0/24 protocol assignments, 192.0.2/24 documentation,
         * 192.88.99/24 6to4 relays */
        if ((b == 0 && (a[2] == 0 || a[2] == 2)) || (b == 88 && a[2] == 99))
            return CCSIG_ADDR_RESERVED;
        return CCSIG_ADDR_PUBLIC;
    case 198:
        /* 198.18/15 benchmarking, 198.51.100/24 documentation */
        return (b & 0xfe) == 18 || (b == 51 && a[2] == 100) ? CCSIG_ADDR_RESERVED
                                                            : CCSIG_ADDR_PUBLIC;
    case 203:
        return b == 0 && a[2] == 113 ? CCSIG_ADDR_RESERVED : CCSIG_ADDR_PUBLIC;
    default:
        if (a[0] >= 224 && a[0] < 240)
            return CCSIG_ADDR_MULTICAST;
        if (a[0] >= 240)
            return CCSIG_ADDR_RESERVED; /* 240/4 and 255.255.255.255 */
        return CCSIG_ADDR_PUBLIC;
    }
}

ccsig_addr_class ccsig_addr_classify(const ccsig_addr *addr) {
    const unsigned char *a = addr->a;
    if (addr->family == 4)
        return classify_v4(a);
    unsigned char v4[4];
    if (embedded_v4(a, v4))
        return classify_v4(v4);
    static const unsigned char zero[16] = {0};
    if (!memcmp(a, zero, 16))
        return CCSIG_ADDR_UNSPECIFIED;
    if (!memcmp(a, zero, 15) && a[15] == 1)
        return CCSIG_ADDR_LOOPBACK;
    if (a[0] == 0xff)
        return CCSIG_ADDR_MULTICAST;
    if ((a[0] & 0xfe) == 0xfc)
        return CCSIG_ADDR_UNIQUE_LOCAL;
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
        return CCSIG_ADDR_LINK_LOCAL;
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
        return CCSIG_ADDR_PRIVATE; /* site-local, deprecated (RFC 3879) */
    if ((a[0] & 0xe0) != 0x20)
        return CCSIG_ADDR_RESERVED; /* outside global unicast 2000::/3 (100::/64 among them) */
    /* 2001::/23 protocol assignments (Teredo among them), 2001:db8::/32 */
    if (a[0] == 0x20 && a[1] == 0x01 && (a[2] < 0x02 || (a[2] == 0x0d && a[3] == 0xb8)))
        return CCSIG_ADDR_RESERVED;
    return CCSIG_ADDR_PUBLIC;
}

const char *ccsig_addr_class_name(ccsig_addr_class c) {
    static const char *const names[] = {"public",     "loopback",       "private",
                                        "link-local", "shared (CGNAT)", "unique-local",
                                        "multicast",  "unspecified",    "reserved"};
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

/* ---- hosts ---- */

static host_slot *host_find(ccsig_fetcher *f, const char *name) {
    for (size_t i = 0; i < f->nhosts; i++)
        if (!strcmp(f->hosts[i].name, name))
            return &f->hosts[i];
    if (f->nhosts == f->caphosts) {
        size_t cap = f->caphosts ? f->caphosts * 2 : 16;
        host_slot *n = ccsig_realloc(f->hosts, cap * sizeof *n);
        if (!n)
            return NULL;
        f->hosts = n;
        f->caphosts = cap;
    }
    host_slot *h = &f->hosts[f->nhosts++];
    memset(h, 0, sizeof *h);
    snprintf(h->name, sizeof h->name, "%s", name);
    h->crawl_delay = -1;
    return h;
}

static double host_delay(const ccsig_fetcher *f, const host_slot *h) {
    double d = f->o.delay;
    if (h->crawl_delay > d)
        d = h->crawl_delay < f->o.max_crawl_delay ? h->crawl_delay : f->o.max_crawl_delay;
    return d;
}

/* Wait for the host's turn and take its slot. Indexes, not pointers: the
 * table may move while we wait. */
static size_t host_acquire(ccsig_fetcher *f, const char *name) {
    pthread_mutex_lock(&f->mu);
    size_t idx;
    for (;;) {
        host_slot *h = host_find(f, name);
        if (!h) {
            pthread_mutex_unlock(&f->mu);
            return (size_t)-1;
        }
        idx = (size_t)(h - f->hosts);
        double now = mono_now();
        if (!h->busy && now >= h->next)
            break;
        if (h->busy) {
            pthread_cond_wait(&f->cv, &f->mu);
        } else {
            double wait = h->next - now;
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            double until = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + wait;
            ts.tv_sec = (time_t)until;
            ts.tv_nsec = (long)((until - (double)ts.tv_sec) * 1e9);
            pthread_cond_timedwait(&f->cv, &f->mu, &ts);
        }
    }
    f->hosts[idx].busy = true;
    pthread_mutex_unlock(&f->mu);
    return idx;
}

static void host_release(ccsig_fetcher *f, size_t idx) {
    if (idx == (size_t)-1)
        return;
    pthread_mutex_lock(&f->mu);
    host_slot *h = &f->hosts[idx];
    h->busy = false;
    h->next = mono_now() + host_delay(f, h);
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

/* ---- one request ---- */

typedef struct xfer {
    ccsig_fetcher *f;
    const ccsig_fetch_req *req;
    size_t limit;
    char *body;
    size_t len, cap;
    bool truncated, stopped, oom;
    char *hb;
    size_t hlen, hcap;
    char ctype[128];
    char refused[160]; /* the guard refused this address ("" when not) */
} xfer;

/* CURLOPT_OPENSOCKETFUNCTION with the guard (ccsig_fetch_opts.public_only):
 * the address curl is about to connect to, resolved, is checked here, so
 * what is checked is what is connected to. A refused one gets no socket
 * (curl tries the next address, if any, and fails). */
static curl_socket_t open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *sa) {
    xfer *x = ud;
    (void)purpose;
    ccsig_addr a;
    memset(&a, 0, sizeof a);
    if (sa->family == AF_INET && sa->addrlen >= sizeof(struct sockaddr_in)) {
        a.family = 4;
        memcpy(a.a, &((const struct sockaddr_in *)(const void *)&sa->addr)->sin_addr, 4);
    } else if (sa->family == AF_INET6 && sa->addrlen >= sizeof(struct sockaddr_in6)) {
        a.family = 6;
        memcpy(a.a, &((const struct sockaddr_in6 *)(const void *)&sa->addr)->sin6_addr, 16);
    } else {
        snprintf(x->refused, sizeof x->refused, "an address of family %d", sa->family);
        return CURL_SOCKET_BAD;
    }
    ccsig_addr_class c = ccsig_addr_classify(&a);
    bool ok = c == CCSIG_ADDR_PUBLIC;
    for (size_t i = 0; !ok && i < x->f->o.nallow; i++)
        ok = ccsig_addr_in_net(&a, &x->f->o.allow[i]);
    if (!ok) {
        char text[INET6_ADDRSTRLEN];
        inet_ntop(a.family == 4 ? AF_INET : AF_INET6, a.a, text, sizeof text);
        snprintf(x->refused, sizeof x->refused, "%s is a %s address", text,
                 ccsig_addr_class_name(c));
        return CURL_SOCKET_BAD;
    }
    return socket(sa->family, sa->socktype, sa->protocol);
}

static bool grow(char **p, size_t *cap, size_t need) {
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 4096;
    while (c < need)
        c *= 2;
    char *n = ccsig_realloc(*p, c);
    if (!n)
        return false;
    *p = n;
    *cap = c;
    return true;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud) {
    xfer *x = ud;
    size_t n = size * nmemb;
    if (n >= 5 && !memcmp(ptr, "HTTP/", 5))
        x->hlen = 0; /* a new answer (after a 1xx): forget the interim fields */
    if (x->hlen + n > 256 * 1024)
        return n; /* a runaway header block: keep what we have */
    if (!grow(&x->hb, &x->hcap, x->hlen + n + 1)) {
        x->oom = true;
        return 0;
    }
    memcpy(x->hb + x->hlen, ptr, n);
    x->hlen += n;
    x->hb[x->hlen] = '\0';
    return n;
}

static void content_type(xfer *x, CURL *c) {
    char *ct = NULL;
    x->ctype[0] = '\0';
    if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct) {
        size_t i = 0;
        while (ct[i] && ct[i] != ';' && ct[i] != ' ' && i + 1 < sizeof x->ctype) {
            char ch = ct[i];
            x->ctype[i++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        }
        x->ctype[i] = '\0';
    }
}

typedef struct write_ctx {
    xfer *x;
    CURL *c;
} write_ctx;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud) {
    write_ctx *w = ud;
    xfer *x = w->x;
    size_t n = size * nmemb, take = n;
    if (x->len + take > x->limit) {
        take = x->limit - x->len;
        x->truncated = true;
    }
    if (take) {
        if (!grow(&x->body, &x->cap, x->len + take + 1)) {
            x->oom = true;
            return 0;
        }
        memcpy(x->body + x->len, ptr, take);
        x->len += take;
        x->body[x->len] = '\0';
    }
    if (x->truncated)
        return 0;
    if (x->req && x->req->enough) {
        if (!x->ctype[0])
            content_type(x, w->c);
        if (x->req->enough(x->body, x->len, x->ctype, x->req->ctx)) {
            x->stopped = true;
            return 0;
        }
    }
    return n;
}

/* The fields of the final answer's header block, read by the one HTTP
 * parser (httpmsg.h). Values are slices of hb, or of r->hmem when folded. */
static void split_headers(ccsig_response *r, const char *hb, size_t hlen) {
    ccsig_http_msg *m = ccsig_malloc(sizeof *m);
    ccsig_error err;
    ccsig_arena_init(&r->hmem, 0);
    if (m && ccsig_http_parse(&r->hmem, hb, hlen, m, &err) == CCSIG_OK && m->nfields) {
        r->headers = ccsig_malloc(m->nfields * sizeof *r->headers);
        if (r->headers) {
            memcpy(r->headers, m->fields, m->nfields * sizeof *r->headers);
            r->nheaders = m->nfields;
        }
    }
    ccsig_free(m);
}

static const ccsig_str *find_header(const ccsig_response *r, const char *name) {
    for (size_t i = 0; i < r->nheaders; i++)
        if (ccsig_str_ieq(r->headers[i].name, name))
            return &r->headers[i].value;
    return NULL;
}

static const char no_error[] = "";

static void response_init(ccsig_response *r) {
    memset(r, 0, sizeof *r);
    r->error = no_error;
}

/* Set r->error (the first error set wins; out of memory keeps "" and the
 * status says what failed). */
static void set_error(ccsig_response *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_error(ccsig_response *r, const char *fmt, ...) {
    if (r->error != no_error)
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *e = ccsig_strdup(msg);
    if (e)
        r->error = e;
}

void ccsig_response_free(ccsig_response *r) {
    ccsig_free(r->url);
    ccsig_free(r->body);
    ccsig_free(r->headers);
    ccsig_free(r->hbuf);
    ccsig_arena_free(&r->hmem);
    if (r->error && r->error != no_error)
        ccsig_free((char *)r->error);
    response_init(r);
}

/* One request without following redirects. *location receives the
 * redirect target (malloc'd) of a 3xx. */
static ccsig_status request(ccsig_fetcher *f, const char *url, const ccsig_fetch_req *req,
                            ccsig_response *r, char **location) {
    *location = NULL;
    char site[600], host[HOST_MAX];
    if (!url_keys(url, site, sizeof site, host, sizeof host)) {
        set_error(r, "not an http(s) URL, or one libcurl reads differently: %.200s", url);
        return CCSIG_ERR_USAGE;
    }
    if (f->o.https_only && strncasecmp(site, "https:", 6)) {
        set_error(r, "refused: %.200s is not an https URL", url);
        return CCSIG_ERR_IO;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        set_error(r, "out of memory");
        return CCSIG_ERR_NOMEM;
    }
    xfer x;
    memset(&x, 0, sizeof x);
    x.f = f;
    x.req = req;
    x.limit = req && req->limit ? req->limit : f->o.max_bytes;
    write_ctx w = {&x, c};
    char range[64] = "";
    if (req && req->suffix && req->want)
        snprintf(range, sizeof range, "-%zu", req->want);
    else if (req && req->want)
        snprintf(range, sizeof range, "%zu-%zu", req->from, req->from + req->want - 1);
    else if (req && req->from)
        snprintf(range, sizeof range, "%zu-", req->from);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_USERAGENT, f->ua);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, f->o.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, f->o.timeout_ms);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &w);
    if (range[0])
        curl_easy_setopt(c, CURLOPT_RANGE, range);
    if (f->ca_file[0])
        curl_easy_setopt(c, CURLOPT_CAINFO, f->ca_file);
    if (f->o.public_only) {
        curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
        curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &x);
        curl_easy_setopt(c, CURLOPT_PROXY, ""); /* a proxy would connect for us, unchecked */
    }
    size_t slot = host_acquire(f, host);
    CURLcode rc = curl_easy_perform(c);
    host_release(f, slot);
    ccsig_status st = CCSIG_OK;
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    r->status = status;
    content_type(&x, c);
    memcpy(r->content_type, x.ctype, sizeof r->content_type);
    bool ok = rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && (x.truncated || x.stopped));
    if (x.oom) {
        set_error(r, "out of memory");
        st = CCSIG_ERR_NOMEM;
    } else if (!ok) {
        if (x.refused[0])
            set_error(r, "refused: %s, and only public addresses may be fetched", x.refused);
        else if (rc == CURLE_OPERATION_TIMEDOUT)
            set_error(r,
                      "timed out (limits: %ld ms to connect, %ld ms "
                      "per request)",
                      f->o.connect_timeout_ms, f->o.timeout_ms);
        else
            set_error(r, "%s", curl_easy_strerror(rc));
        st = CCSIG_ERR_IO; /* even after a status line: the answer is incomplete */
    }
    char *loc = NULL;
    if (status >= 300 && status < 400 &&
        curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
        *location = ccsig_strdup(loc);
    r->body = x.body ? x.body : ccsig_calloc(1, 1);
    r->len = x.len;
    r->truncated = x.truncated;
    r->stopped = x.stopped;
    r->partial = status == 206;
    r->hbuf = x.hb;
    if (x.hb)
        split_headers(r, x.hb, x.hlen);
    /* the whole size: Content-Range "bytes a-b/total", else Content-Length */
    const ccsig_str *cr = find_header(r, "content-range");
    if (cr) {
        const char *slash = memchr(cr->p, '/', cr->len);
        if (slash && slash + 1 < cr->p + cr->len && slash[1] != '*')
            r->total = (size_t)strtoull(slash + 1, NULL, 10);
    } else if (status == 200) {
        curl_off_t cl = -1;
        if (curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK && cl >= 0)
            r->total = (size_t)cl;
    }
    curl_easy_cleanup(c);
    return st;
}

ccsig_status ccsig_fetch_get(ccsig_fetcher *f, const char *url, const ccsig_fetch_req *req,
                             ccsig_response *out) {
    response_init(out);
    char *cur = ccsig_strdup(url);
    if (!cur)
        return CCSIG_ERR_NOMEM;
    bool follow = !req || req->follow;
    for (unsigned hop = 0;; hop++) {
        char *loc = NULL;
        ccsig_response r;
        response_init(&r);
        ccsig_status st = request(f, cur, req, &r, &loc);
        r.redirects = hop;
        if (st || !follow || !loc) {
            ccsig_free(loc);
            r.url = cur;
            *out = r;
            return st;
        }
        if (hop + 1 > CCSIG_FETCH_MAX_REDIRECTS) {
            set_error(&r, "more than %d redirects (last to %.150s)", CCSIG_FETCH_MAX_REDIRECTS,
                      loc);
            ccsig_free(loc);
            r.url = cur;
            *out = r;
            return CCSIG_ERR_IO;
        }
        ccsig_response_free(&r);
        ccsig_free(cur);
        cur = loc;
    }
}

/* ---- robots.txt ---- */

/* Cache lifetime from Cache-Control: max-age (capped at 24 h), none for
 * no-store / no-cache, 24 h when nothing is said. Shared with the key
 * directory cache (keydir.c, fetch_internal.h). */
long fetch_cache_lifetime(const ccsig_response *r) {
    long life = CCSIG_FETCH_ROBOTS_MAX_AGE;
    for (size_t i = 0; i < r->nheaders; i++) {
        if (!CCSIG_STR_IEQ(r->headers[i].name, "cache-control"))
            continue;
        ccsig_str v = r->headers[i].value;
        for (size_t k = 0; k < v.len; k++) {
            const char *p = v.p + k;
            size_t left = v.len - k;
            if (left >= 8 && !strncasecmp(p, "no-store", 8))
                return 0;
            if (left >= 8 && !strncasecmp(p, "no-cache", 8))
                return 0;
            if (left > 8 && !strncasecmp(p, "max-age=", 8) &&
                (k == 0 || p[-1] == ' ' || p[-1] == ',' || p[-1] == '\t')) {
                long a = strtol(p + 8, NULL, 10);
                if (a < 0)
                    a = 0;
                life = a < CCSIG_FETCH_ROBOTS_MAX_AGE ? a : CCSIG_FETCH_ROBOTS_MAX_AGE;
            }
        }
    }
    return life;
}

/* The agent's Crawl-delay in a robots.txt, read by the one robots.txt
 * compiler (its groups, its product tokens); -1 when none or out of memory
 * (no delay is the answer a caller gets without the file, too). */
static double robots_crawl_delay(const char *p, size_t len, const char *agent) {
    ccsig_robots *r;
    ccsig_error err;
    if (ccsig_robots_compile(p, len, NULL, &r, &err) != CCSIG_OK)
        return -1;
    double d = ccsig_robots_crawl_delay(r, ccsig_robots_select(r, agent, strlen(agent)));
    ccsig_robots_free(r);
    return d;
}

/* ---- the disk cache ---- */

static void cache_path(const ccsig_fetcher *f, const char *origin, char *out, size_t cap) {
    size_t o = (size_t)snprintf(out, cap, "%s/", f->cache_dir);
    for (const char *p = origin; *p && o + 4 < cap; p++) {
        char ch = *p;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '.' || ch == '-')
            out[o++] = ch;
        else
            o += (size_t)snprintf(out + o, cap - o, "%%%02X", (unsigned char)ch);
    }
    snprintf(out + o, cap - o, ".robots");
}

static void cache_write(ccsig_fetcher *f, const robots_entry *e) {
    if (!f->cache_dir[0])
        return;
    char path[2048], tmp[2100];
    cache_path(f, e->r.origin, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
    FILE *fp = fopen(tmp, "wb");
    if (!fp)
        return;
    fprintf(fp,
            "ccsig robots.txt cache 1\norigin: %s\nurl: %s\nstate: %s\nhttp: %ld\n"
            "fetched: %lld\nexpires: %lld\ntruncated: %d\nlength: %zu\n\n",
            e->r.origin, e->r.url, ccsig_robots_status_name(e->r.state), e->r.http_status,
            (long long)e->r.fetched, (long long)e->r.expires, e->r.truncated ? 1 : 0, e->r.len);
    if (e->r.len)
        fwrite(e->body, 1, e->r.len, fp);
    if (fclose(fp) == 0)
        rename(tmp, path);
    else
        unlink(tmp);
}

/* Load the disk copy into e (valid or expired); false when absent or bad. */
static bool cache_read(ccsig_fetcher *f, robots_entry *e) {
    if (!f->cache_dir[0])
        return false;
    char path[2048];
    cache_path(f, e->r.origin, path, sizeof path);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    char line[2200], state[32] = "";
    char origin[512] = "", url[2048] = "";
    long http = 0;
    long long fetched = 0, expires = 0;
    int trunc = 0;
    size_t len = 0;
    bool ok = fgets(line, sizeof line, fp) && !strcmp(line, "ccsig robots.txt cache 1\n");
    while (ok && fgets(line, sizeof line, fp) && strcmp(line, "\n")) {
        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, "origin: ", 8))
            snprintf(origin, sizeof origin, "%.511s", line + 8);
        else if (!strncmp(line, "url: ", 5))
            snprintf(url, sizeof url, "%.2047s", line + 5);
        else if (!strncmp(line, "state: ", 7))
            snprintf(state, sizeof state, "%.31s", line + 7);
        else if (!strncmp(line, "http: ", 6))
            http = strtol(line + 6, NULL, 10);
        else if (!strncmp(line, "fetched: ", 9))
            fetched = strtoll(line + 9, NULL, 10);
        else if (!strncmp(line, "expires: ", 9))
            expires = strtoll(line + 9, NULL, 10);
        else if (!strncmp(line, "truncated: ", 11))
            trunc = atoi(line + 11);
        else if (!strncmp(line, "length: ", 8))
            len = (size_t)strtoull(line + 8, NULL, 10);
    }
    ok = ok && !strcmp(origin, e->r.origin) && len <= CCSIG_FETCH_ROBOTS_MAX &&
         (!strcmp(state, "found") || !strcmp(state, "fetched") || !strcmp(state, "unavailable"));
    char *body = ok ? ccsig_malloc(len + 1) : NULL;
    if (body && fread(body, 1, len, fp) != len)
        ok = false;
    fclose(fp);
    if (!ok || !body) {
        ccsig_free(body);
        return false;
    }
    body[len] = '\0';
    ccsig_free(e->body);
    e->body = body;
    /* "fetched": what caches written before the one status enum say */
    e->r.state = strcmp(state, "unavailable") ? CCSIG_ROBOTS_FOUND : CCSIG_ROBOTS_UNAVAILABLE;
    e->r.http_status = http;
    snprintf(e->r.url, sizeof e->r.url, "%s", url);
    e->r.body = body;
    e->r.len = len;
    e->r.truncated = trunc != 0;
    e->r.fetched = (time_t)fetched;
    e->r.expires = (time_t)expires;
    e->r.from_cache = true;
    e->r.error[0] = '\0';
    return true;
}

/* ---- fetching it ---- */

static robots_entry *robots_find(ccsig_fetcher *f, const char *origin) {
    for (size_t i = 0; i < f->nrobots; i++)
        if (!strcmp(f->robots[i].r.origin, origin))
            return &f->robots[i];
    if (f->nrobots == f->caprobots) {
        size_t cap = f->caprobots ? f->caprobots * 2 : 16;
        robots_entry *n = ccsig_realloc(f->robots, cap * sizeof *n);
        if (!n)
            return NULL;
        f->robots = n;
        f->caprobots = cap;
    }
    robots_entry *e = &f->robots[f->nrobots++];
    memset(e, 0, sizeof *e);
    snprintf(e->r.origin, sizeof e->r.origin, "%s", origin);
    e->r.crawl_delay = -1;
    return e;
}

static void retire(ccsig_fetcher *f, char *body) {
    if (!body)
        return;
    if (f->nretired == f->capretired) {
        size_t cap = f->capretired ? f->capretired * 2 : 8;
        char **n = ccsig_realloc(f->retired, cap * sizeof *n);
        if (!n)
            return; /* out of memory: leak it rather than free what a caller may hold */
        f->retired = n;
        f->capretired = cap;
    }
    f->retired[f->nretired++] = body;
}

/* Fetch now into a fresh result (no locks held). */
static void robots_fetch_now(ccsig_fetcher *f, const char *origin, robots_rec *r, char **body) {
    char url[600];
    snprintf(url, sizeof url, "%s/robots.txt", origin);
    ccsig_fetch_req req = {0, 0, false, CCSIG_FETCH_ROBOTS_MAX, true, NULL, NULL};
    ccsig_response resp;
    ccsig_status st = ccsig_fetch_get(f, url, &req, &resp);
    time_t now = time(NULL);
    r->fetched = now;
    r->http_status = resp.status;
    r->redirects = resp.redirects;
    snprintf(r->url, sizeof r->url, "%s", resp.url ? resp.url : url);
    *body = NULL;
    /* A transfer error with a 3xx status is the redirect limit (§2.3.1.2);
     * any other transfer error is no answer. */
    r->state = st == CCSIG_OK || (resp.status >= 300 && resp.status < 400)
                   ? ccsig_robots_status_of_http(resp.status)
                   : CCSIG_ROBOTS_UNREACHABLE;
    if (r->state == CCSIG_ROBOTS_FOUND) {
        *body = resp.body;
        resp.body = NULL;
        r->len = resp.len;
        r->truncated = resp.truncated;
        r->expires = now + fetch_cache_lifetime(&resp);
        r->error[0] = '\0';
    } else if (r->state == CCSIG_ROBOTS_UNAVAILABLE) {
        r->expires = now + fetch_cache_lifetime(&resp);
        if (st == CCSIG_OK)
            snprintf(r->error, sizeof r->error, "HTTP %ld", resp.status);
        else
            snprintf(r->error, sizeof r->error, "%s", resp.error);
    } else {
        r->expires = now + CCSIG_FETCH_UNREACHABLE_TTL;
        if (st == CCSIG_OK)
            snprintf(r->error, sizeof r->error, "HTTP %ld", resp.status);
        else
            snprintf(r->error, sizeof r->error, "%s", resp.error[0] ? resp.error : "no answer");
    }
    ccsig_response_free(&resp);
}

/* The caller's view of e->r: its strings in e->strs (owned by the fetcher). */
static void export_rec(const robots_entry *e, ccsig_robots_fetch *out) {
    const robots_rec *r = &e->r;
    out->state = r->state;
    out->http_status = r->http_status;
    out->body = r->body;
    out->len = r->len;
    out->truncated = r->truncated;
    out->from_cache = r->from_cache;
    out->stale = r->stale;
    out->fetched = r->fetched;
    out->expires = r->expires;
    out->crawl_delay = r->crawl_delay;
    out->redirects = r->redirects;
    out->generation = r->generation;
    if (e->strs) {
        out->origin = e->strs;
        out->url = out->origin + strlen(out->origin) + 1;
        out->error = out->url + strlen(out->url) + 1;
    } else {
        out->origin = out->url = out->error = "";
    }
}

/* New caller strings for a refreshed entry (under f->mu); the old ones are
 * retired, since callers may still hold them. */
static void entry_strings(ccsig_fetcher *f, robots_entry *e) {
    size_t o = strlen(e->r.origin), u = strlen(e->r.url), x = strlen(e->r.error);
    char *s = ccsig_malloc(o + u + x + 3);
    if (s) {
        memcpy(s, e->r.origin, o + 1);
        memcpy(s + o + 1, e->r.url, u + 1);
        memcpy(s + o + u + 2, e->r.error, x + 1);
    }
    retire(f, e->strs);
    e->strs = s; /* NULL when out of memory: the strings read "" */
}

ccsig_status ccsig_fetch_robots(ccsig_fetcher *f, const char *url, ccsig_robots_fetch *out) {
    memset(out, 0, sizeof *out);
    out->origin = out->url = out->error = "";
    char origin[512], host[HOST_MAX];
    if (!url_keys(url, origin, sizeof origin, host, sizeof host)) {
        out->error = "not an http(s) URL";
        out->state = CCSIG_ROBOTS_UNREACHABLE;
        return CCSIG_ERR_USAGE;
    }
    pthread_mutex_lock(&f->mu);
    robots_entry *e = robots_find(f, origin);
    if (!e) {
        pthread_mutex_unlock(&f->mu);
        return CCSIG_ERR_NOMEM;
    }
    size_t idx = (size_t)(e - f->robots);
    while (f->robots[idx].busy)
        pthread_cond_wait(&f->cv, &f->mu);
    e = &f->robots[idx];
    time_t now = time(NULL);
    if (e->valid && now < e->r.expires) {
        export_rec(e, out);
        out->from_cache = true;
        pthread_mutex_unlock(&f->mu);
        return CCSIG_OK;
    }
    e->busy = true;
    robots_entry copy = *e; /* work on a copy: the table may move */
    pthread_mutex_unlock(&f->mu);

    bool from_disk = false;
    if (!copy.valid) {
        copy.body = NULL; /* cache_read allocates its own */
        if (cache_read(f, &copy)) {
            copy.valid = true;
            from_disk = now < copy.r.expires;
        }
    }
    if (!from_disk) {
        robots_rec r;
        memset(&r, 0, sizeof r);
        snprintf(r.origin, sizeof r.origin, "%s", origin);
        char *body;
        robots_fetch_now(f, origin, &r, &body);
        if (r.state == CCSIG_ROBOTS_UNREACHABLE && copy.valid &&
            copy.r.state != CCSIG_ROBOTS_UNREACHABLE) {
            /* §2.4: an unreachable robots.txt lets the cached copy serve */
            copy.r.stale = true;
            copy.r.expires = r.expires;
            snprintf(copy.r.error, sizeof copy.r.error, "%s", r.error);
        } else {
            if (copy.body && copy.body != e->body)
                ccsig_free(copy.body); /* a disk copy we do not use */
            copy.body = body;
            copy.r = r;
            copy.r.body = body ? body : "";
            copy.r.from_cache = false;
            copy.valid = true;
        }
    }
    copy.r.body = copy.body ? copy.body : "";
    copy.r.crawl_delay = copy.r.state == CCSIG_ROBOTS_FOUND
                             ? robots_crawl_delay(copy.r.body, copy.r.len, f->agent)
                             : -1;
    if (!from_disk && !copy.r.stale && copy.r.state != CCSIG_ROBOTS_UNREACHABLE)
        cache_write(f, &copy);

    pthread_mutex_lock(&f->mu);
    e = &f->robots[idx];
    if (e->body && e->body != copy.body)
        retire(f, e->body);
    copy.r.generation = ++f->generation;
    copy.busy = false;
    *e = copy;
    entry_strings(f, e);
    /* the host's Crawl-delay */
    host_slot *h = host_find(f, host);
    if (h && copy.r.crawl_delay > h->crawl_delay)
        h->crawl_delay = copy.r.crawl_delay;
    export_rec(e, out);
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    return CCSIG_OK;
}
