/*
 * ccsig_robots_store.c — robots.txt files by site for a scan (see
 * ccsig/robots_store.h): an immutable index built at open, an LRU of compiled
 * matchers (libccsig robots.h) filled on demand, and per-thread queries.
 *
 * The index maps a site key (ccsig_url_site: "https://host[:port]") to the
 * capture that applies: its archive and record offset (read again when the
 * site is compiled), the HTTP status and, for a redirect, its Location. A
 * capture whose record cannot be addressed on its own (an archive compressed
 * as one gzip member) keeps its body in the index instead.
 *
 * Threads: the index is read-only after open. The LRU is guarded by one
 * mutex; compiling happens outside it (two threads may compile one site at
 * once; the second result is dropped). A compiled entry in use by a query is
 * pinned by a reference count and never freed under it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccsig/httpmsg.h"
#include "ccsig/robots.h"
#include "ccsig/warc.h"
#include "ccsig/alloc.h"
#include "ccsig/hashmap.h"
#include "ccsig/robots_store.h"

#define NONE UINT64_MAX
#define MAX_REDIRECTS 5 /* RFC 9309 §2.3.1.2: follow at least five */
/* Bodies of captures that cannot be read again by offset, kept in the
 * index. Past this, such captures are read again from their archive's start. */
#define INLINE_BODIES_MAX (16u << 20)

typedef struct cache_entry cache_entry;

/* A site's capture; the index maps its key ("https://host[:port]") to it. */
typedef struct site {
    char *url;       /* the robots.txt URL or file path (provenance origin) */
    uint64_t offset; /* record offset in the archive; NONE for a file */
    char date[32];
    int src;        /* index into sources */
    int status;     /* HTTP status of the capture; -1 none (a file: 200) */
    char *location; /* 3xx: where it points */
    char *body;     /* inline body (see INLINE_BODIES_MAX); NULL: none */
    size_t body_len;
    cache_entry *cached;
} site;

struct cache_entry {
    site *s;
    ccsig_robots *m; /* NULL for unavailable / unreachable */
    ccsig_robots_status known;
    ccsig_robots_agent sel;
    char *origin; /* provenance origin: the robots.txt that applied */
    size_t bytes;
    int refs;
    cache_entry *prev, *next;
};

typedef struct source {
    char *path;
    bool dir;
} source;

struct ccsig_robots_store {
    source *src;
    size_t nsrc;
    ccsig_hashmap index; /* site key -> uint32_t index into sites */
    site *sites;         /* n of cap; shrunk to n at the end of open */
    size_t cap, n;
    char agent[256];
    pthread_mutex_t mu;
    cache_entry *head, *tail; /* most recently used first */
    size_t entries, bytes, max_entries;
    size_t inline_bytes;
    ccsig_robots_store_stats stats;
    ccsig_robots_store_report_fn report;
    void *report_ctx;
};

struct ccsig_robots_store_query {
    ccsig_robots_store *s;
    cache_entry *cur;
    char cur_key[600];
    ccsig_robots_answer *ans;
    ccsig_provenance rule;
};

/* ---------------------------------------------------------------- index -- */

static site *find_site(const ccsig_robots_store *s, const char *key) {
    const uint32_t *i = ccsig_hashmap_get(&s->index, key, strlen(key));
    return i ? &s->sites[*i] : NULL;
}

static void site_free(site *t) {
    ccsig_free(t->url);
    ccsig_free(t->location);
    ccsig_free(t->body);
}

/* Put a capture for site key in the index unless an at least as recent one
 * is there; the index takes t's strings (freed here when it is dropped). */
static bool add_site(ccsig_robots_store *s, const char *key, site *t) {
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 256;
        site *ns = nc <= UINT32_MAX ? ccsig_realloc(s->sites, nc * sizeof *ns) : NULL;
        if (!ns) {
            site_free(t);
            return false;
        }
        s->sites = ns;
        s->cap = nc;
    }
    bool created;
    uint32_t *i = ccsig_hashmap_put(&s->index, key, strlen(key), &created);
    if (!i) {
        site_free(t);
        return false;
    }
    if (created) {
        *i = (uint32_t)s->n++;
    } else {
        site *old = &s->sites[*i];
        if (strcmp(t->date, old->date) < 0) {
            if (t->body)
                s->inline_bytes -= t->body_len;
            site_free(t);
            return true;
        }
        if (old->body)
            s->inline_bytes -= old->body_len;
        site_free(old);
    }
    s->sites[*i] = *t;
    return true;
}

static void problem(ccsig_robots_store *s, const char *path, uint64_t off, const char *what) {
    if (s->report)
        s->report(s->report_ctx, path, off, what);
}

static void cannot_read(ccsig_robots_store *s, const char *path, int e) {
    char what[200];
    snprintf(what, sizeof what, "cannot read: %s", strerror(e));
    problem(s, path, CCSIG_ROBOTS_STORE_NO_OFFSET, what);
}

static void report(ccsig_robots_store *s, const char *path, uint64_t off, const char *what) {
    s->stats.errors++;
    problem(s, path, off, what);
}

static bool is_robots_path(const ccsig_url *u) {
    ccsig_str p = u->path;
    const char *q = memchr(p.p, '?', p.len);
    size_t n = q ? (size_t)(q - p.p) : p.len;
    return n == 11 && memcmp(p.p, "/robots.txt", 11) == 0;
}

static char *dupn(const char *p, size_t n) {
    char *d = ccsig_malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, p, n);
        d[n] = '\0';
    }
    return d;
}

static bool index_archive(ccsig_robots_store *s, int src, ccsig_warc_reader *rd, ccsig_arena *a,
                          ccsig_http_msg *http) {
    const char *path = s->src[src].path;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        cannot_read(s, path, errno);
        return false;
    }
    ccsig_warc_fd f = {fd, 0};
    ccsig_warc_reader_open(rd, ccsig_warc_fd_read, &f, 0, CCSIG_WARC_AUTO);
    ccsig_warc_record rec;
    ccsig_warc_damage d;
    bool ok = true;
    for (;;) {
        ccsig_warc_next r = ccsig_warc_reader_next(rd, &rec, &d);
        if (r == CCSIG_WARC_END)
            break;
        if (r == CCSIG_WARC_FAILED) {
            problem(s, path, CCSIG_ROBOTS_STORE_NO_OFFSET, d.what);
            ok = false;
            break;
        }
        if (r == CCSIG_WARC_DAMAGE) {
            report(s, path, d.offset, d.what);
            continue;
        }
        if (rec.h.type != CCSIG_WARC_RESPONSE)
            continue;
        ccsig_url u;
        char key[600];
        if (!ccsig_url_split(rec.h.target_uri, &u) || !is_robots_path(&u) ||
            !ccsig_url_site(&u, key, sizeof key))
            continue;
        s->stats.captures++;
        ccsig_arena_reset(a);
        ccsig_error e;
        if (ccsig_http_parse(a, rec.block, rec.block_len, http, &e))
            continue;
        site rt = {0}, *t = &rt;
        t->url = dupn(rec.h.target_uri.p, rec.h.target_uri.len);
        t->src = src;
        t->offset = rec.offset;
        snprintf(t->date, sizeof t->date, "%.*s", (int)rec.h.date.len,
                 rec.h.date.p ? rec.h.date.p : "");
        t->status = http->kind == CCSIG_HTTP_NONE ? 200 : http->status;
        size_t li = ccsig_http_find(http, "Location", 0);
        if (t->status >= 300 && t->status < 400 && li < http->nfields)
            t->location = dupn(http->fields[li].value.p, http->fields[li].value.len);
        /* A capture that is not the sole content of its members cannot be
         * read alone by offset: keep its body here while room allows. */
        bool addressable = ccsig_warc_reader_codec(rd) == CCSIG_WARC_PLAIN || rec.raw_length;
        if (!addressable && t->status >= 200 && t->status < 300 && rec.block_complete) {
            size_t hl = http->kind == CCSIG_HTTP_NONE ? 0 : http->header_len;
            size_t n = rec.block_len - hl;
            if (s->inline_bytes + n <= INLINE_BODIES_MAX) {
                t->body = dupn(rec.block + hl, n); /* NULL: read it again */
                if (t->body) {
                    t->body_len = n;
                    s->inline_bytes += n;
                }
            }
        }
        if (!t->url || !add_site(s, key, t)) {
            close(fd);
            return false;
        }
    }
    close(fd);
    return ok;
}

static bool has_suffix(const char *name, const char *suffix) {
    size_t n = strlen(name), k = strlen(suffix);
    return n > k && strcmp(name + n - k, suffix) == 0;
}

static int name_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory: HOST.txt and HOST:PORT.txt files, and WARC archives of
 * captures (.warc, .warc.gz, .warc.zst), read in name order. */
static bool index_dir(ccsig_robots_store *s, int src, ccsig_warc_reader *rd, ccsig_arena *a,
                      ccsig_http_msg *http) {
    char *path = ccsig_strdup(s->src[src].path);
    DIR *d = path ? opendir(path) : NULL;
    if (!d) {
        cannot_read(s, path ? path : s->src[src].path, errno);
        ccsig_free(path);
        return false;
    }
    char **warcs = NULL;
    size_t nwarcs = 0, capwarcs = 0;
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        if (has_suffix(e->d_name, ".warc") || has_suffix(e->d_name, ".warc.gz") ||
            has_suffix(e->d_name, ".warc.zst")) {
            if (nwarcs == capwarcs) {
                capwarcs = capwarcs ? capwarcs * 2 : 16;
                char **nw = ccsig_realloc(warcs, capwarcs * sizeof *nw);
                if (!nw) {
                    ok = false;
                    break;
                }
                warcs = nw;
            }
            size_t pl = strlen(path) + 1 + n + 1;
            warcs[nwarcs] = ccsig_malloc(pl);
            if (!warcs[nwarcs]) {
                ok = false;
                break;
            }
            snprintf(warcs[nwarcs++], pl, "%s/%s", path, e->d_name);
            continue;
        }
        if (!has_suffix(e->d_name, ".txt"))
            continue;
        s->stats.captures++;
        /* HOST.txt or HOST:PORT.txt: for http and https alike */
        for (int k = 0; k < 2 && ok; k++) {
            const char *scheme = k ? "https" : "http";
            char url[600], key[600], file[4200];
            snprintf(url, sizeof url, "%s://%.*s/robots.txt", scheme, (int)(n - 4), e->d_name);
            ccsig_url u;
            if (!ccsig_url_split(ccsig_str_c(url), &u) || !ccsig_url_site(&u, key, sizeof key))
                continue;
            site rt = {0}, *t = &rt;
            snprintf(file, sizeof file, "%s/%s", path, e->d_name);
            t->url = ccsig_strdup(file);
            t->src = src;
            t->offset = NONE;
            t->status = 200;
            if (!t->url || !add_site(s, key, t))
                ok = false;
        }
    }
    closedir(d);
    if (nwarcs > 1)
        qsort(warcs, nwarcs, sizeof *warcs, name_cmp);
    for (size_t i = 0; i < nwarcs; i++) {
        if (ok) {
            source *ns = ccsig_realloc(s->src, (s->nsrc + 1) * sizeof *ns);
            if (!ns) {
                ok = false;
            } else {
                s->src = ns;
                s->src[s->nsrc].path = warcs[i];
                s->src[s->nsrc].dir = false;
                warcs[i] = NULL;
                int k = (int)s->nsrc++;
                ok = index_archive(s, k, rd, a, http);
            }
        }
        ccsig_free(warcs[i]);
    }
    ccsig_free(warcs);
    ccsig_free(path);
    return ok;
}

ccsig_status ccsig_robots_store_open(const char *const *paths, size_t n,
                                     const ccsig_robots_store_options *opt,
                                     ccsig_robots_store **out, ccsig_error *err) {
    *out = NULL;
    ccsig_robots_store *s = ccsig_calloc(1, sizeof *s);
    if (!s)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    s->max_entries = opt->max_entries ? opt->max_entries : CCSIG_ROBOTS_STORE_MAX_ENTRIES;
    s->report = opt->report;
    s->report_ctx = opt->report_ctx;
    snprintf(s->agent, sizeof s->agent, "%s", opt->agent ? opt->agent : "*");
    pthread_mutex_init(&s->mu, NULL);
    ccsig_hashmap_init(&s->index, sizeof(uint32_t));
    ccsig_warc_reader *rd = ccsig_warc_reader_new(NULL);
    ccsig_http_msg *http = ccsig_malloc(sizeof *http);
    ccsig_arena a;
    ccsig_arena_init(&a, 4096);
    bool ok = rd && http;
    ccsig_status st = ok ? CCSIG_OK : CCSIG_ERR_NOMEM;
    for (size_t i = 0; ok && i < n; i++) {
        struct stat sb;
        source *ns = ccsig_realloc(s->src, (s->nsrc + 1) * sizeof *ns);
        if (!ns) {
            ok = false;
            st = CCSIG_ERR_NOMEM;
            break;
        }
        s->src = ns;
        int k = (int)s->nsrc++;
        s->src[k].path = ccsig_strdup(paths[i]);
        s->src[k].dir = false;
        if (!s->src[k].path) {
            ok = false;
            st = CCSIG_ERR_NOMEM;
            break;
        }
        if (stat(paths[i], &sb) != 0) {
            cannot_read(s, paths[i], errno);
            ok = false;
            st = CCSIG_ERR_IO;
            ccsig_error_set(err, st, 0, "%s: cannot read", paths[i]);
            break;
        }
        s->src[k].dir = S_ISDIR(sb.st_mode);
        ok = s->src[k].dir ? index_dir(s, k, rd, &a, http) : index_archive(s, k, rd, &a, http);
        if (!ok) {
            st = CCSIG_ERR_IO;
            ccsig_error_set(err, st, 0, "%s: cannot be indexed", paths[i]);
        }
    }
    ccsig_warc_reader_free(rd);
    ccsig_free(http);
    ccsig_arena_free(&a);
    if (!ok) {
        if (st == CCSIG_ERR_NOMEM)
            ccsig_error_set(err, st, 0, "out of memory");
        ccsig_robots_store_free(s);
        return st;
    }
    if (s->n && s->n < s->cap) { /* the index is read-only from here: trim it */
        site *ns = ccsig_realloc(s->sites, s->n * sizeof *ns);
        if (ns) {
            s->sites = ns;
            s->cap = s->n;
        }
    }
    s->stats.sites = s->n;
    *out = s;
    return CCSIG_OK;
}

void ccsig_robots_store_free(ccsig_robots_store *s) {
    if (!s)
        return;
    for (cache_entry *c = s->head, *nx; c; c = nx) {
        nx = c->next;
        ccsig_robots_free(c->m);
        ccsig_free(c->origin);
        ccsig_free(c);
    }
    for (size_t i = 0; i < s->n; i++)
        site_free(&s->sites[i]);
    ccsig_free(s->sites);
    ccsig_hashmap_free(&s->index);
    for (size_t i = 0; i < s->nsrc; i++)
        ccsig_free(s->src[i].path);
    ccsig_free(s->src);
    pthread_mutex_destroy(&s->mu);
    ccsig_free(s);
}

ccsig_robots_store_stats ccsig_robots_store_get_stats(ccsig_robots_store *s) {
    pthread_mutex_lock(&s->mu);
    ccsig_robots_store_stats st = s->stats;
    pthread_mutex_unlock(&s->mu);
    return st;
}

/* ------------------------------------------------------------ compiling -- */

/* Read the capture's body again from its source. */
static char *read_body(ccsig_robots_store *s, const site *t, size_t *len) {
    if (t->body) {
        *len = t->body_len;
        return dupn(t->body, t->body_len);
    }
    const char *path = t->offset == NONE ? t->url : s->src[t->src].path;
    char *out = NULL;
    if (t->offset == NONE) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return NULL;
        size_t cap = CCSIG_ROBOTS_MAX_SIZE + 1, n = 0;
        out = ccsig_malloc(cap);
        ssize_t got;
        while (out && n < cap && (got = read(fd, out + n, cap - n)) > 0)
            n += (size_t)got;
        *len = n;
        close(fd);
    } else {
        ccsig_warc_reader *rd = ccsig_warc_reader_new(NULL);
        ccsig_http_msg *m = ccsig_malloc(sizeof *m);
        ccsig_arena a;
        ccsig_arena_init(&a, 1024);
        ccsig_warc_record rec;
        ccsig_error e;
        if (rd && m &&
            !ccsig_warc_read_at(rd, path, t->offset, 1u << CCSIG_WARC_RESPONSE, ccsig_str_c(t->url),
                                &rec, &e) &&
            !ccsig_http_parse(&a, rec.block, rec.block_len, m, &e)) {
            size_t hl = m->kind == CCSIG_HTTP_NONE ? 0 : m->header_len;
            if (ccsig_http_body_decode(m, rec.block + hl, rec.block_len - hl,
                                       CCSIG_ROBOTS_MAX_SIZE + 1, &out, len))
                out = NULL;
        }
        ccsig_warc_reader_free(rd);
        ccsig_free(m);
        ccsig_arena_free(&a);
    }
    return out;
}

/* The capture that applies to site t after following redirects. */
static const site *follow(const ccsig_robots_store *s, const site *t, ccsig_robots_status *known) {
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
        if (t->status >= 200 && t->status < 300) {
            *known = CCSIG_ROBOTS_FOUND;
            return t;
        }
        if (t->status >= 300 && t->status < 400) {
            if (!t->location || hop == MAX_REDIRECTS)
                break;
            /* An absolute Location; a path on the same site ('/...') leads
             * back to this capture, which is a dead end like any loop. */
            char key[600];
            ccsig_url u;
            if (t->location[0] == '/' || !ccsig_url_split(ccsig_str_c(t->location), &u) ||
                !ccsig_url_site(&u, key, sizeof key))
                break;
            const site *next = find_site(s, key);
            if (!next || next == t)
                break;
            t = next;
            continue;
        }
        if (t->status >= 400 && t->status < 500) {
            *known = CCSIG_ROBOTS_UNAVAILABLE;
            return t;
        }
        *known = CCSIG_ROBOTS_UNREACHABLE;
        return t;
    }
    /* A redirect that leads nowhere known: RFC 9309 lets a crawler take the
     * robots.txt as unavailable. */
    *known = CCSIG_ROBOTS_UNAVAILABLE;
    return t;
}

static cache_entry *compile_site(ccsig_robots_store *s, site *t) {
    cache_entry *c = ccsig_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->s = t;
    const site *f = follow(s, t, &c->known);
    c->origin = ccsig_strdup(f->url);
    c->bytes = sizeof *c + 64;
    if (c->known == CCSIG_ROBOTS_FOUND) {
        size_t len = 0;
        char *body = read_body(s, f, &len);
        ccsig_error e;
        if (!body || ccsig_robots_compile(body, len, f->url, &c->m, &e)) {
            /* unreadable now (removed or damaged): nothing known */
            c->known = CCSIG_ROBOTS_NONE;
            c->m = NULL;
        } else {
            c->sel = ccsig_robots_select(c->m, s->agent, strlen(s->agent));
            c->bytes += 2 * len + 4096;
        }
        ccsig_free(body);
    }
    return c;
}

static void unlink_entry(ccsig_robots_store *s, cache_entry *c) {
    if (c->prev)
        c->prev->next = c->next;
    else
        s->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        s->tail = c->prev;
    c->prev = c->next = NULL;
}

static void push_front(ccsig_robots_store *s, cache_entry *c) {
    c->next = s->head;
    c->prev = NULL;
    if (s->head)
        s->head->prev = c;
    s->head = c;
    if (!s->tail)
        s->tail = c;
}

static void evict(ccsig_robots_store *s) {
    cache_entry *c = s->tail;
    while (c && (s->entries > s->max_entries || s->bytes > CCSIG_ROBOTS_STORE_MAX_BYTES)) {
        cache_entry *prev = c->prev;
        if (c->refs == 0) {
            unlink_entry(s, c);
            c->s->cached = NULL;
            s->entries--;
            s->bytes -= c->bytes;
            ccsig_robots_free(c->m);
            ccsig_free(c->origin);
            ccsig_free(c);
        }
        c = prev;
    }
}

static cache_entry *acquire(ccsig_robots_store *s, site *t) {
    pthread_mutex_lock(&s->mu);
    cache_entry *c = t->cached;
    if (c) {
        c->refs++;
        unlink_entry(s, c);
        push_front(s, c);
        pthread_mutex_unlock(&s->mu);
        return c;
    }
    pthread_mutex_unlock(&s->mu);
    cache_entry *fresh = compile_site(s, t);
    if (!fresh)
        return NULL;
    pthread_mutex_lock(&s->mu);
    s->stats.compiled++;
    if (t->cached) { /* another thread was quicker */
        c = t->cached;
        c->refs++;
        pthread_mutex_unlock(&s->mu);
        ccsig_robots_free(fresh->m);
        ccsig_free(fresh->origin);
        ccsig_free(fresh);
        return c;
    }
    c = fresh;
    c->refs = 1;
    t->cached = c;
    push_front(s, c);
    s->entries++;
    s->bytes += c->bytes;
    evict(s);
    pthread_mutex_unlock(&s->mu);
    return c;
}

static void release(ccsig_robots_store *s, cache_entry *c) {
    pthread_mutex_lock(&s->mu);
    c->refs--;
    evict(s);
    pthread_mutex_unlock(&s->mu);
}

/* -------------------------------------------------------------- queries -- */

ccsig_robots_store_query *ccsig_robots_store_query_new(ccsig_robots_store *s) {
    ccsig_robots_store_query *q = ccsig_calloc(1, sizeof *q);
    if (q && !(q->ans = ccsig_robots_answer_new())) {
        ccsig_free(q);
        return NULL;
    }
    if (q)
        q->s = s;
    return q;
}

void ccsig_robots_store_query_free(ccsig_robots_store_query *q) {
    if (!q)
        return;
    if (q->cur)
        release(q->s, q->cur);
    ccsig_robots_answer_free(q->ans);
    ccsig_free(q);
}

void ccsig_robots_store_lookup(ccsig_robots_store_query *q, const ccsig_url *u, ccsig_str url,
                               const char *origin, ccsig_scan_robots *out) {
    (void)u;
    *out = (ccsig_scan_robots){CCSIG_ROBOTS_NONE, CCSIG_STATE_UNKNOWN, NULL, NULL, 0};
    if (!q->cur || strcmp(q->cur_key, origin) != 0) {
        if (q->cur) {
            release(q->s, q->cur);
            q->cur = NULL;
        }
        q->cur_key[0] = '\0';
        site *t = find_site(q->s, origin);
        if (!t)
            return;
        q->cur = acquire(q->s, t);
        if (!q->cur)
            return;
        snprintf(q->cur_key, sizeof q->cur_key, "%s", origin);
    }
    cache_entry *c = q->cur;
    out->known = c->known;
    switch (c->known) {
    case CCSIG_ROBOTS_NONE:
        return;
    case CCSIG_ROBOTS_UNAVAILABLE:
        out->crawl = CCSIG_STATE_ALLOW;
        return;
    case CCSIG_ROBOTS_UNREACHABLE:
        out->crawl = CCSIG_STATE_DENY;
        return;
    case CCSIG_ROBOTS_FOUND:
        break;
    }
    if (ccsig_robots_query(c->m, c->sel, url.p, url.len, q->ans)) {
        out->known = CCSIG_ROBOTS_NONE;
        return;
    }
    out->crawl = q->ans->allowed ? CCSIG_STATE_ALLOW : CCSIG_STATE_DENY;
    if (q->ans->rule.line) {
        q->rule = (ccsig_provenance){
            CCSIG_SRC_ROBOTS, q->ans->rule.line, ccsig_str_c(c->origin), q->ans->rule.text, 0,
            {NULL, 0}};
        out->rule = &q->rule;
    }
    out->sts = q->ans->st;
    out->n = q->ans->nst;
}

/* ------------------------------------------------------------ iteration -- */

typedef struct site_ref {
    const site *s;
    const char *key; /* the index's copy (NUL-terminated) */
} site_ref;

static int site_order(const void *a, const void *b) {
    const site_ref *x = a, *y = b;
    if (x->s->src != y->s->src)
        return x->s->src < y->s->src ? -1 : 1;
    if (x->s->offset != y->s->offset)
        return x->s->offset < y->s->offset ? -1 : 1;
    return strcmp(x->key, y->key);
}

ccsig_status ccsig_robots_store_each(ccsig_robots_store *s, ccsig_robots_store_site_fn fn,
                                     void *ctx, ccsig_error *err) {
    site_ref *v = ccsig_malloc((s->n ? s->n : 1) * sizeof *v);
    if (!v)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    size_t n = 0, pos = 0;
    ccsig_str key;
    void *val;
    while (n < s->n && ccsig_hashmap_next(&s->index, &pos, &key, &val)) {
        uint32_t i = *(uint32_t *)val;
        v[n].s = &s->sites[i];
        v[n].key = key.p;
        n++;
    }
    qsort(v, n, sizeof *v, site_order);
    for (size_t i = 0; i < n; i++) {
        const site *t = v[i].s;
        ccsig_robots_store_site out = {v[i].key,          t->url, t->date, t->status,
                                       CCSIG_ROBOTS_NONE, NULL,   0};
        const site *f = follow(s, t, &out.known);
        out.origin = f->url;
        out.date = f->date;
        out.status = f->status;
        char *body = NULL;
        if (out.known == CCSIG_ROBOTS_FOUND) {
            body = read_body(s, f, &out.len);
            if (!body) {
                out.known = CCSIG_ROBOTS_NONE;
                out.len = 0;
            }
            out.body = body;
        }
        bool go = fn(ctx, &out);
        ccsig_free(body);
        if (!go)
            break;
    }
    ccsig_free(v);
    return CCSIG_OK;
}
