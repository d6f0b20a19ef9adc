/*
 * keydir.c — a cache of Web Bot Auth key directories (ccsig/keydir.h):
 * fetched with the library's fetcher, their response signatures checked by
 * httpsig.c, kept for their Cache-Control lifetime.
 */
#include "ccsig/keydir.h"

#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>

#include "ccsig/alloc.h"
#include "ccsig/url.h"
#include "fetch_internal.h"

/* printf into a message buffer (truncated to fit; a function of its own so
 * that messages built from URLs are cut, not warned about). */
static void errorf(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void errorf(char *dst, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, n, fmt, ap);
    va_end(ap);
}

/* One directory: its keys (in its own arena) and when it was read. */
typedef struct entry {
    char url[512];
    ccsig_arena arena; /* the body and the parsed keys */
    ccsig_jwks jwks;
    bool have; /* jwks holds a directory that was accepted */
    bool signed_ok;
    time_t fetched, expires;
    double last_attempt; /* seconds since the epoch, 0 never */
    char error[400];     /* why the last attempt failed, "" when it did not */
    uint64_t used;       /* for dropping the least recently used */
} entry;

struct ccsig_keydir {
    ccsig_fetcher *f;
    ccsig_keydir_opts o;
    pthread_mutex_t mu;
    entry **v;
    size_t n;
    uint64_t clock;
};

void ccsig_keydir_opts_default(ccsig_keydir_opts *o) {
    memset(o, 0, sizeof *o);
    o->min_refresh = 60;
    o->max_entries = 1024;
}

ccsig_status ccsig_keydir_new(ccsig_fetcher *f, const ccsig_keydir_opts *o, ccsig_keydir **out,
                              ccsig_error *err) {
    *out = NULL;
    if (!f)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "no fetcher given");
    ccsig_keydir *d = ccsig_calloc(1, sizeof *d);
    if (!d)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    d->f = f;
    if (o)
        d->o = *o;
    else
        ccsig_keydir_opts_default(&d->o);
    if (d->o.max_entries == 0)
        d->o.max_entries = 1024;
    if (!(d->o.min_refresh >= 0))
        d->o.min_refresh = 0;
    d->v = ccsig_calloc(d->o.max_entries, sizeof *d->v);
    if (!d->v) {
        ccsig_free(d);
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    pthread_mutex_init(&d->mu, NULL);
    *out = d;
    return CCSIG_OK;
}

static void entry_free(entry *e) {
    if (e) {
        ccsig_arena_free(&e->arena);
        ccsig_free(e);
    }
}

void ccsig_keydir_free(ccsig_keydir *d) {
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        entry_free(d->v[i]);
    ccsig_free(d->v);
    pthread_mutex_destroy(&d->mu);
    ccsig_free(d);
}

bool ccsig_keydir_url(const char *agent, char *buf, size_t n) {
    ccsig_url u;
    if (!agent || !ccsig_url_split(ccsig_str_make(agent, strlen(agent)), &u) ||
        !ccsig_url_is_http(&u))
        return false;
    int w;
    if (u.path.len > 1 || (u.path.len == 1 && u.path.p[0] != '/'))
        w = snprintf(buf, n, "%s", agent);
    else {
        char site[300];
        if (!ccsig_url_site(&u, site, sizeof site))
            return false;
        w = snprintf(buf, n, "%s%s", site, CCSIG_KEYDIR_PATH);
    }
    return w > 0 && (size_t)w < n;
}

/* Key lookup inside the directory being checked (its own keys sign it). */
static bool own_key(void *ctx, ccsig_str keyid, ccsig_str agent,
                    unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES]) {
    (void)agent;
    const ccsig_jwk_ed25519 *k = ccsig_jwks_find(ctx, keyid);
    if (k)
        memcpy(pub, k->pub, CCSIG_ED25519_PUBLIC_BYTES);
    return k != NULL;
}

/* Fetch and check one directory into a fresh entry (returned even on
 * failure, with error set and have false; NULL: out of memory). */
static entry *fetch_directory(ccsig_keydir *d, const char *url, time_t now) {
    entry *e = ccsig_calloc(1, sizeof *e);
    if (!e)
        return NULL;
    snprintf(e->url, sizeof e->url, "%s", url);
    ccsig_arena_init(&e->arena, 0);
    e->last_attempt = (double)now;
    e->fetched = now;
    ccsig_fetch_req req = {.follow = true};
    ccsig_response r;
    if (ccsig_fetch_get(d->f, url, &req, &r) != CCSIG_OK) {
        errorf(e->error, sizeof e->error, "cannot fetch the key directory %.160s: %.160s", url,
               r.error);
        ccsig_response_free(&r);
        return e;
    }
    if (r.status != 200) {
        errorf(e->error, sizeof e->error, "the key directory %.160s answered %ld", url, r.status);
        ccsig_response_free(&r);
        return e;
    }
    char *body = ccsig_arena_alloc(&e->arena, r.len + 1);
    if (!body) {
        ccsig_response_free(&r);
        entry_free(e);
        return NULL;
    }
    memcpy(body, r.body, r.len);
    body[r.len] = '\0';
    ccsig_error err;
    ccsig_status st = ccsig_jwks_parse(&e->arena, body, r.len, &e->jwks, &err);
    if (st == CCSIG_ERR_NOMEM) {
        ccsig_response_free(&r);
        entry_free(e);
        return NULL;
    }
    if (st) {
        errorf(e->error, sizeof e->error,
               "the key directory %.160s is not a JWK Set: line %u: %.160s", url, err.line,
               err.message);
        ccsig_response_free(&r);
        return e;
    }
    /* The response's own signature, over ("@authority";req). */
    ccsig_url u;
    const char *final = r.url ? r.url : url;
    char authority[300];
    if (!ccsig_url_split(ccsig_str_make(final, strlen(final)), &u) ||
        snprintf(authority, sizeof authority, "%.*s:%u", (int)u.host.len, u.host.p, u.port) >=
            (int)sizeof authority) {
        errorf(e->error, sizeof e->error, "the key directory URL %.160s cannot be read", final);
        ccsig_response_free(&r);
        return e;
    }
    ccsig_httpsig_message rq = {.method = CCSIG_STR_LIT("GET"),
                                .scheme = u.scheme,
                                .authority = ccsig_str_make(authority, strlen(authority)),
                                .target = u.path};
    ccsig_httpsig_message rs = {
        .status = (int)r.status, .fields = r.headers, .nfields = r.nheaders, .request = &rq};
    ccsig_httpsig_verify_options o;
    ccsig_httpsig_verify_options_init(&o);
    o.now = (int64_t)now;
    o.tag = CCSIG_HTTPSIG_TAG_DIRECTORY;
    o.key = own_key;
    o.ctx = &e->jwks;
    ccsig_httpsig_verdict v;
    st = ccsig_httpsig_verify(&e->arena, &rs, &o, &v, &err);
    if (st == CCSIG_ERR_NOMEM) {
        ccsig_response_free(&r);
        entry_free(e);
        return NULL;
    }
    if (!st && v.result == CCSIG_HTTPSIG_VALID)
        e->signed_ok = true;
    else if (!(d->o.allow_unsigned && !st && v.result == CCSIG_HTTPSIG_UNSIGNED)) {
        errorf(e->error, sizeof e->error,
               "the key directory %.160s is not signed by its keys (%s%s%.200s)", url,
               st ? err.message : ccsig_httpsig_result_name(v.result),
               st || !v.detail[0] ? "" : ": ", st ? "" : v.detail);
        ccsig_response_free(&r);
        return e;
    }
    e->have = true;
    e->expires = now + fetch_cache_lifetime(&r);
    ccsig_response_free(&r);
    return e;
}

/* The index of url in the cache, or -1. Called with the lock held. */
static long find_entry(const ccsig_keydir *d, const char *url) {
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->v[i]->url, url))
            return (long)i;
    return -1;
}

static void fill(const ccsig_keydir *d, const entry *e, ccsig_str keyid, ccsig_keydir_key *out) {
    (void)d;
    const ccsig_jwk_ed25519 *k = e->have ? ccsig_jwks_find(&e->jwks, keyid) : NULL;
    out->fetched = e->fetched;
    out->expires = e->expires;
    out->directory_signed = e->signed_ok;
    if (k) {
        out->found = true;
        memcpy(out->pub, k->pub, sizeof out->pub);
        out->error[0] = '\0';
    } else if (e->error[0])
        errorf(out->error, sizeof out->error, "%s", e->error);
    else
        errorf(out->error, sizeof out->error, "the key directory %.160s has no key %.*s", e->url,
               (int)(keyid.len > 64 ? 64 : keyid.len), keyid.p);
}

ccsig_status ccsig_keydir_find(ccsig_keydir *d, const char *agent, ccsig_str keyid, time_t now,
                               ccsig_keydir_key *out) {
    memset(out, 0, sizeof *out);
    if (!ccsig_keydir_url(agent, out->directory, sizeof out->directory)) {
        errorf(out->error, sizeof out->error,
               "the signature agent \"%.100s\" is not an http(s) URL", agent ? agent : "");
        return CCSIG_OK;
    }
    pthread_mutex_lock(&d->mu);
    long i = find_entry(d, out->directory);
    bool refetch = true;
    if (i >= 0) {
        entry *e = d->v[i];
        e->used = ++d->clock;
        bool fresh = e->have && now < e->expires;
        bool knows = e->have && ccsig_jwks_find(&e->jwks, keyid);
        bool may = (double)now - e->last_attempt >= d->o.min_refresh;
        refetch = may && (!fresh || !knows);
        if (!refetch) {
            fill(d, e, keyid, out);
            pthread_mutex_unlock(&d->mu);
            return CCSIG_OK;
        }
        e->last_attempt = (double)now; /* other threads wait min_refresh, not for us */
    }
    pthread_mutex_unlock(&d->mu);

    entry *n = fetch_directory(d, out->directory, now);
    if (!n)
        return CCSIG_ERR_NOMEM;
    out->fetched_now = true;
    pthread_mutex_lock(&d->mu);
    i = find_entry(d, out->directory);
    entry *keep = n;
    if (i >= 0) {
        entry *old = d->v[i];
        if (!n->have && old->have && now < old->expires) {
            /* keep the earlier copy until it expires; remember the failure */
            errorf(old->error, sizeof old->error, "%s", n->error);
            old->last_attempt = n->last_attempt;
            entry_free(n);
            keep = old;
        } else {
            entry_free(old);
            d->v[i] = n;
        }
    } else {
        if (d->n == d->o.max_entries) {
            size_t lru = 0;
            for (size_t k = 1; k < d->n; k++)
                if (d->v[k]->used < d->v[lru]->used)
                    lru = k;
            entry_free(d->v[lru]);
            d->v[lru] = d->v[--d->n];
        }
        d->v[d->n++] = n;
    }
    keep->used = ++d->clock;
    fill(d, keep, keyid, out);
    if (keep->have && keep->error[0] && out->found)
        out->error[0] = '\0';
    pthread_mutex_unlock(&d->mu);
    return CCSIG_OK;
}

bool ccsig_keydir_verify_key(void *ctx, ccsig_str keyid, ccsig_str agent,
                             unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES]) {
    if (!ctx || !agent.len || agent.len >= 1024)
        return false;
    char a[1024];
    memcpy(a, agent.p, agent.len);
    a[agent.len] = '\0';
    ccsig_keydir_key k;
    if (ccsig_keydir_find(ctx, a, keyid, time(NULL), &k) != CCSIG_OK || !k.found)
        return false;
    memcpy(pub, k.pub, CCSIG_ED25519_PUBLIC_BYTES);
    return true;
}
