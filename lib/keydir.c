/*
 * keydir.c — a cache of Web Bot Auth key directories (ccsig/keydir.h):
 * fetched with the library's fetcher, their response signatures checked by
 * httpsig.c, kept for their Cache-Control lifetime.
 */
#include "ccsig/keydir.h"

#include <errno.h>
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
    bool fetching;       /* a fetch of it is running (it is not dropped then) */
    unsigned waiters;    /* callers waiting for that fetch (nor then) */
} entry;

struct ccsig_keydir {
    ccsig_fetcher *f;
    ccsig_keydir_opts o;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a fetch ended (CLOCK_MONOTONIC for timed waits) */
    entry **v;
    size_t n;
    uint64_t clock;
    unsigned running; /* background fetches (max_wait) */
};

void ccsig_keydir_opts_default(ccsig_keydir_opts *o) {
    memset(o, 0, sizeof *o);
    o->min_refresh = 60;
    o->max_entries = 1024;
    o->max_fetches = 8;
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
    if (!(d->o.max_wait >= 0))
        d->o.max_wait = 0;
    if (d->o.max_fetches == 0)
        d->o.max_fetches = 8;
    d->v = ccsig_calloc(d->o.max_entries, sizeof *d->v);
    if (!d->v) {
        ccsig_free(d);
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    pthread_mutex_init(&d->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->cv, &ca);
    pthread_condattr_destroy(&ca);
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
    pthread_mutex_lock(&d->mu);
    while (d->running)
        pthread_cond_wait(&d->cv, &d->mu);
    pthread_mutex_unlock(&d->mu);
    for (size_t i = 0; i < d->n; i++)
        entry_free(d->v[i]);
    ccsig_free(d->v);
    pthread_mutex_destroy(&d->mu);
    pthread_cond_destroy(&d->cv);
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

/* A fresh entry's result n goes into e, the table's entry for its URL
 * (under the lock; e keeps its address, waiters hold it). A failure keeps
 * an earlier copy until it expires, with the failure remembered. n is
 * consumed. */
static void merge(entry *e, entry *n, time_t now) {
    e->last_attempt = n->last_attempt;
    if (!n->have && e->have && now < e->expires) {
        errorf(e->error, sizeof e->error, "%s", n->error);
        entry_free(n);
        return;
    }
    ccsig_arena_free(&e->arena);
    e->arena = n->arena; /* the blocks move with it: jwks still points into them */
    e->jwks = n->jwks;
    e->have = n->have;
    e->signed_ok = n->signed_ok;
    e->fetched = n->fetched;
    e->expires = n->expires;
    memcpy(e->error, n->error, sizeof e->error);
    ccsig_free(n);
}

/* The end of a fetch of e: its result n (NULL: out of memory) merged, the
 * waiters woken. Under the lock. */
static void fetch_done(ccsig_keydir *d, entry *e, entry *n, time_t now) {
    if (n)
        merge(e, n, now);
    else
        errorf(e->error, sizeof e->error, "out of memory reading the key directory %.160s", e->url);
    e->fetching = false;
    pthread_cond_broadcast(&d->cv);
}

/* A background fetch (max_wait): what it needs, owned by its thread. */
typedef struct job {
    ccsig_keydir *d;
    entry *e; /* not dropped while fetching */
    time_t now;
    char url[512];
} job;

static void *fetch_job(void *arg) {
    job *j = arg;
    entry *n = fetch_directory(j->d, j->url, j->now);
    pthread_mutex_lock(&j->d->mu);
    fetch_done(j->d, j->e, n, j->now);
    j->d->running--;
    pthread_cond_broadcast(&j->d->cv); /* ccsig_keydir_free may be waiting */
    pthread_mutex_unlock(&j->d->mu);
    ccsig_free(j);
    return NULL;
}

/* Wait (lock held) until e's fetch ends, at most until deadline when
 * max_wait is set. True when it ended. */
static bool wait_fetch(ccsig_keydir *d, entry *e, const struct timespec *deadline) {
    e->waiters++;
    while (e->fetching) {
        if (d->o.max_wait <= 0)
            pthread_cond_wait(&d->cv, &d->mu);
        else if (pthread_cond_timedwait(&d->cv, &d->mu, deadline) == ETIMEDOUT)
            break;
    }
    e->waiters--;
    return !e->fetching;
}

/* Put a new entry for url in the table (lock held), dropping the least
 * recently used one that nobody fetches or waits for when it is full.
 * NULL when out of memory or nothing can be dropped. */
static entry *insert(ccsig_keydir *d, const char *url) {
    if (d->n == d->o.max_entries) {
        long lru = -1;
        for (size_t k = 0; k < d->n; k++)
            if (!d->v[k]->fetching && !d->v[k]->waiters &&
                (lru < 0 || d->v[k]->used < d->v[lru]->used))
                lru = (long)k;
        if (lru < 0)
            return NULL;
        entry_free(d->v[lru]);
        d->v[lru] = d->v[--d->n];
    }
    entry *e = ccsig_calloc(1, sizeof *e);
    if (!e)
        return NULL;
    snprintf(e->url, sizeof e->url, "%s", url);
    ccsig_arena_init(&e->arena, 0);
    d->v[d->n++] = e;
    return e;
}

/* out says that there is no answer yet. */
static void pending(ccsig_keydir_key *out, const char *why) {
    out->pending = true;
    errorf(out->error, sizeof out->error, "%s", why);
}

ccsig_status ccsig_keydir_find(ccsig_keydir *d, const char *agent, ccsig_str keyid, time_t now,
                               ccsig_keydir_key *out) {
    memset(out, 0, sizeof *out);
    if (!ccsig_keydir_url(agent, out->directory, sizeof out->directory)) {
        errorf(out->error, sizeof out->error,
               "the signature agent \"%.100s\" is not an http(s) URL", agent ? agent : "");
        return CCSIG_OK;
    }
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    if (d->o.max_wait > 0) {
        double w = d->o.max_wait > 3600 ? 3600 : d->o.max_wait;
        time_t whole = (time_t)w;
        long ns = deadline.tv_nsec + (long)((w - (double)whole) * 1e9);
        deadline.tv_sec += whole + ns / 1000000000L;
        deadline.tv_nsec = ns % 1000000000L;
    }
    pthread_mutex_lock(&d->mu);
    long i = find_entry(d, out->directory);
    entry *e = i >= 0 ? d->v[i] : insert(d, out->directory);
    if (!e) {
        bool full = d->n == d->o.max_entries;
        pthread_mutex_unlock(&d->mu);
        if (full) {
            pending(out, "too many key directories are being fetched at once");
            return CCSIG_OK;
        }
        return CCSIG_ERR_NOMEM;
    }
    e->used = ++d->clock;
    /* one fetch at a time per directory: wait for the running one */
    if (e->fetching && !wait_fetch(d, e, &deadline)) {
        pthread_mutex_unlock(&d->mu);
        pending(out, "the key directory is being fetched");
        return CCSIG_OK;
    }
    bool fresh = e->have && now < e->expires;
    bool knows = e->have && ccsig_jwks_find(&e->jwks, keyid);
    bool may = e->last_attempt == 0 || (double)now - e->last_attempt >= d->o.min_refresh;
    if (!may || (fresh && knows)) {
        /* (a directory that failed within min_refresh: its error, at once) */
        fill(d, e, keyid, out);
        pthread_mutex_unlock(&d->mu);
        return CCSIG_OK;
    }
    if (d->o.max_wait > 0) {
        job *j = d->running < d->o.max_fetches ? ccsig_malloc(sizeof *j) : NULL;
        pthread_t t;
        pthread_attr_t at;
        bool started = false;
        if (j) {
            *j = (job){.d = d, .e = e, .now = now};
            snprintf(j->url, sizeof j->url, "%s", e->url);
            e->fetching = true;
            pthread_attr_init(&at);
            pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
            started = pthread_create(&t, &at, fetch_job, j) == 0;
            pthread_attr_destroy(&at);
        }
        if (!started) {
            e->fetching = false;
            ccsig_free(j);
            pthread_mutex_unlock(&d->mu);
            pending(out, "too many key directories are being fetched at once");
            return CCSIG_OK;
        }
        d->running++;
        out->fetched_now = true;
        if (!wait_fetch(d, e, &deadline)) {
            pthread_mutex_unlock(&d->mu);
            pending(out, "the key directory is being fetched");
            return CCSIG_OK;
        }
        fill(d, e, keyid, out);
        pthread_mutex_unlock(&d->mu);
        return CCSIG_OK;
    }
    e->fetching = true;
    pthread_mutex_unlock(&d->mu);
    entry *n = fetch_directory(d, out->directory, now);
    out->fetched_now = true;
    pthread_mutex_lock(&d->mu);
    fetch_done(d, e, n, now);
    fill(d, e, keyid, out);
    pthread_mutex_unlock(&d->mu);
    return n ? CCSIG_OK : CCSIG_ERR_NOMEM;
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
