/*
 * check_live.c — one URL checked live (ccsig/check.h): robots.txt, the
 * asset read politely with ranges, tdmrep.json and RSL documents, gathered
 * and handed to ccsig_evaluate. Shared caches (compiled robots.txt per
 * origin and version, small documents per URL) live in the checker under
 * one mutex; per-URL memory lives in the thread's ccsig_url_check.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/alloc.h"
#include "ccsig/check.h"
#include "ccsig/url.h"

typedef struct compiled {
    char origin[512];
    uint64_t generation;
    ccsig_robots *r;
} compiled;

typedef struct doc {
    char url[2048];
    long status;
    char *body; /* ccsig_malloc'd */
    size_t len;
    char error[256];
    bool done;
} doc;

struct ccsig_checker {
    ccsig_check_opts o;
    ccsig_fetcher *f;
    char token[128]; /* the agent's product token */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    compiled *robots; /* kept until the end: threads may hold them */
    size_t nrobots, caprobots;
    doc *docs; /* tdmrep.json per origin, RSL documents per URL */
    size_t ndocs, capdocs;
};

#define MAX_NOTES 4

struct ccsig_url_check {
    ccsig_arena arena;
    ccsig_url_result res;
    ccsig_eval_result ev;     /* res.ev */
    char error[640];          /* res.error */
    ccsig_robots_answer *ans; /* ccsig_robots_answer_new */
    ccsig_provenance rule;
    char crawl_text[400];
    ccsig_note notes[MAX_NOTES];
    size_t nnotes;
    ccsig_link links[CCSIG_COLLECT_MAX_LINKS];
    ccsig_response resp; /* the asset's first answer (headers) */
    bool have_resp;
    char *body; /* the asset's bytes read (ccsig_malloc'd, grown by later ranges) */
    size_t len, cap;
    char *tail; /* a PDF's last bytes */
    size_t tail_len;
};

/* A NUL-terminated copy of s in the arena (empty when the arena fails). */
static ccsig_str arena_str(ccsig_arena *a, const char *s) {
    size_t n = strlen(s);
    char *p = ccsig_arena_dup(a, s, n);
    return p ? ccsig_str_make(p, n) : ccsig_str_make("", 0);
}

/* ---- the checker ---- */

ccsig_status ccsig_checker_new(const ccsig_check_opts *o, ccsig_checker **out, ccsig_error *err) {
    *out = NULL;
    if (!o || !o->agent || !*o->agent) {
        ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "the agent is empty");
        return CCSIG_ERR_USAGE;
    }
    ccsig_checker *k = ccsig_calloc(1, sizeof *k);
    if (!k) {
        ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        return CCSIG_ERR_NOMEM;
    }
    k->o = *o;
    ccsig_str tok = ccsig_robots_agent_token(o->agent, strlen(o->agent));
    snprintf(k->token, sizeof k->token, "%.*s", (int)tok.len, tok.p);
    ccsig_fetch_opts fo = o->fetch;
    fo.agent = k->token;
    ccsig_status st = ccsig_fetcher_new(&fo, &k->f, err);
    if (st) {
        ccsig_free(k);
        return st;
    }
    pthread_mutex_init(&k->mu, NULL);
    pthread_cond_init(&k->cv, NULL);
    *out = k;
    return CCSIG_OK;
}

void ccsig_checker_free(ccsig_checker *k) {
    if (!k)
        return;
    for (size_t i = 0; i < k->nrobots; i++)
        ccsig_robots_free(k->robots[i].r);
    ccsig_free(k->robots);
    for (size_t i = 0; i < k->ndocs; i++)
        ccsig_free(k->docs[i].body);
    ccsig_free(k->docs);
    ccsig_fetcher_free(k->f);
    pthread_mutex_destroy(&k->mu);
    pthread_cond_destroy(&k->cv);
    ccsig_free(k);
}

/* The compiled robots.txt for a fetch result (compiled once per version). */
static const ccsig_robots *compiled_for(ccsig_checker *k, const ccsig_robots_fetch *rf) {
    pthread_mutex_lock(&k->mu);
    for (size_t i = 0; i < k->nrobots; i++)
        if (!strcmp(k->robots[i].origin, rf->origin) && k->robots[i].generation == rf->generation) {
            const ccsig_robots *m = k->robots[i].r;
            pthread_mutex_unlock(&k->mu);
            return m;
        }
    pthread_mutex_unlock(&k->mu);
    ccsig_robots *m = NULL;
    ccsig_error err;
    if (ccsig_robots_compile(rf->body, rf->len, rf->url, &m, &err))
        return NULL;
    pthread_mutex_lock(&k->mu);
    if (k->nrobots == k->caprobots) {
        size_t cap = k->caprobots ? k->caprobots * 2 : 16;
        compiled *n = ccsig_realloc(k->robots, cap * sizeof *n);
        if (!n) {
            pthread_mutex_unlock(&k->mu);
            ccsig_robots_free(m);
            return NULL;
        }
        k->robots = n;
        k->caprobots = cap;
    }
    compiled *c = &k->robots[k->nrobots++];
    snprintf(c->origin, sizeof c->origin, "%s", rf->origin);
    c->generation = rf->generation;
    c->r = m;
    pthread_mutex_unlock(&k->mu);
    return m;
}

/* A small document fetched once per checker (tdmrep.json, RSL). The body
 * stays in the checker's table; *out is a copy of the entry. */
static void fetch_doc(ccsig_checker *k, const char *url, size_t limit, doc *out) {
    pthread_mutex_lock(&k->mu);
    for (;;) {
        size_t i;
        for (i = 0; i < k->ndocs; i++)
            if (!strcmp(k->docs[i].url, url))
                break;
        if (i < k->ndocs) {
            if (k->docs[i].done) {
                *out = k->docs[i];
                pthread_mutex_unlock(&k->mu);
                return;
            }
            pthread_cond_wait(&k->cv, &k->mu);
            continue;
        }
        if (k->ndocs == k->capdocs) {
            size_t cap = k->capdocs ? k->capdocs * 2 : 16;
            doc *n = ccsig_realloc(k->docs, cap * sizeof *n);
            if (!n) {
                pthread_mutex_unlock(&k->mu);
                memset(out, 0, sizeof *out);
                snprintf(out->error, sizeof out->error, "out of memory");
                return;
            }
            k->docs = n;
            k->capdocs = cap;
        }
        memset(&k->docs[k->ndocs], 0, sizeof k->docs[k->ndocs]);
        snprintf(k->docs[k->ndocs].url, sizeof k->docs[k->ndocs].url, "%s", url);
        k->ndocs++;
        break;
    }
    pthread_mutex_unlock(&k->mu);
    doc d;
    memset(&d, 0, sizeof d);
    snprintf(d.url, sizeof d.url, "%s", url);
    ccsig_fetch_req req = {0, 0, false, limit, true, NULL, NULL};
    ccsig_response resp;
    ccsig_status st = ccsig_fetch_get(k->f, url, &req, &resp);
    d.status = resp.status;
    if (st) {
        snprintf(d.error, sizeof d.error, "%s", resp.error);
    } else if (resp.status >= 200 && resp.status < 300) {
        d.body = ccsig_malloc(resp.len + 1);
        if (d.body) {
            memcpy(d.body, resp.body, resp.len);
            d.body[resp.len] = '\0';
            d.len = resp.len;
        } else {
            snprintf(d.error, sizeof d.error, "out of memory");
        }
        if (resp.truncated)
            snprintf(d.error, sizeof d.error, "larger than %zu bytes", limit);
    } else {
        snprintf(d.error, sizeof d.error, "HTTP %ld", resp.status);
    }
    ccsig_response_free(&resp);
    d.done = true;
    pthread_mutex_lock(&k->mu);
    for (size_t i = 0; i < k->ndocs; i++)
        if (!strcmp(k->docs[i].url, url)) {
            k->docs[i] = d;
            break;
        }
    *out = d;
    pthread_cond_broadcast(&k->cv);
    pthread_mutex_unlock(&k->mu);
}

/* ---- per thread ---- */

ccsig_url_check *ccsig_url_check_new(void) {
    ccsig_url_check *w = ccsig_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->ans = ccsig_robots_answer_new();
    if (!w->ans) {
        ccsig_free(w);
        return NULL;
    }
    ccsig_arena_init(&w->arena, 0);
    return w;
}

static void drop_asset(ccsig_url_check *w) {
    if (w->have_resp)
        ccsig_response_free(&w->resp);
    w->have_resp = false;
    w->len = 0;
    w->tail_len = 0;
}

void ccsig_url_check_free(ccsig_url_check *w) {
    if (!w)
        return;
    drop_asset(w);
    ccsig_free(w->body);
    ccsig_free(w->tail);
    ccsig_robots_answer_free(w->ans);
    ccsig_arena_free(&w->arena);
    ccsig_free(w);
}

/* Append p[0..n) to the asset's bytes. */
static bool body_append(ccsig_url_check *w, const char *p, size_t n) {
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 65536;
        while (cap < w->len + n + 1)
            cap *= 2;
        char *nb = ccsig_realloc(w->body, cap);
        if (!nb)
            return false;
        w->body = nb;
        w->cap = cap;
    }
    memcpy(w->body + w->len, p, n);
    w->len += n;
    w->body[w->len] = '\0';
    return true;
}

static void add_note(ccsig_url_check *w, ccsig_source_kind kind, const char *origin,
                     const char *fmt, const char *arg) {
    if (w->nnotes == MAX_NOTES)
        return;
    ccsig_note *n = &w->notes[w->nnotes++];
    n->src = (ccsig_provenance){kind, 0,        arena_str(&w->arena, origin), ccsig_str_make("", 0),
                                0,    {NULL, 0}};
    char m[600];
    snprintf(m, sizeof m, fmt, arg);
    n->message = arena_str(&w->arena, m);
}

/* When to stop reading the asset. */
static bool asset_enough(const char *p, size_t len, const char *ct, void *ctx) {
    (void)ctx;
    if (ccsig_asset_classify(ccsig_str_c(ct), *ct != '\0', p, len, NULL) == CCSIG_ASSET_HTML)
        return ccsig_html_head_end(p, len) < len || len >= CCSIG_HTML_HEAD_MAX;
    ccsig_file_format f = ccsig_file_format_sniff(p, len);
    size_t need;
    switch (f) {
    case CCSIG_FMT_JPEG:
    case CCSIG_FMT_PNG:
    case CCSIG_FMT_WEBP:
    case CCSIG_FMT_RIFF:
        return ccsig_embedded_prefix_enough(p, len, &need);
    case CCSIG_FMT_PDF:
        return false; /* whatever the range or the limit gives */
    default:
        return len >= CCSIG_FETCH_PREFIX;
    }
}

/* More of the asset from byte `from` (a range request); false when the
 * server gives no 206. */
static bool read_more(ccsig_checker *k, ccsig_url_check *w, size_t from, size_t want) {
    ccsig_fetch_req req = {from, want, false, 0, false, NULL, NULL};
    ccsig_response more;
    bool ok = !ccsig_fetch_get(k->f, w->resp.url, &req, &more) && more.status == 206 &&
              body_append(w, more.body, more.len);
    ccsig_response_free(&more);
    return ok;
}

/* Step 2: the asset's head, and more when a metadata block needs it. */
static void read_asset(ccsig_checker *k, ccsig_url_check *w, const char *url) {
    ccsig_url_result *res = &w->res;
    ccsig_fetch_req req = {0, CCSIG_FETCH_PREFIX, false, 0, true, asset_enough, NULL};
    ccsig_status st = ccsig_fetch_get(k->f, url, &req, &w->resp);
    w->have_resp = true;
    if (st) {
        snprintf(w->error, sizeof w->error, "GET %s: %s", url, w->resp.error);
        res->status = CCSIG_ERR_IO;
        return;
    }
    res->asset_fetched = true;
    res->asset_url = w->resp.url;
    res->asset_status = w->resp.status;
    res->content_type = w->resp.content_type;
    res->asset_partial = w->resp.partial;
    if (w->resp.status >= 400) {
        snprintf(w->error, sizeof w->error, "GET %s: HTTP %ld", url, w->resp.status);
        res->status = CCSIG_ERR_IO;
        return;
    }
    if (!body_append(w, w->resp.body ? w->resp.body : "", w->resp.len)) {
        snprintf(w->error, sizeof w->error, "out of memory");
        res->status = CCSIG_ERR_NOMEM;
        return;
    }
    const char *ct = w->resp.content_type;
    ccsig_file_format fmt;
    bool ranged = w->resp.partial;
    size_t total = w->resp.total;
    if (ccsig_asset_classify(ccsig_str_c(ct), *ct != '\0', w->body, w->len, &fmt) ==
        CCSIG_ASSET_HTML) {
        /* a head longer than the first range: ask for the rest of the window */
        if (ranged && total > w->len && w->len < CCSIG_HTML_HEAD_MAX &&
            ccsig_html_head_end(w->body, w->len) == w->len)
            read_more(k, w, w->len, CCSIG_HTML_HEAD_MAX - w->len);
        res->asset_bytes = w->len;
        return;
    }
    /* more of an image when a metadata block runs past what was read */
    size_t need;
    for (int more = 0; more < 8 && ranged && total > w->len &&
                       !ccsig_embedded_prefix_enough(w->body, w->len, &need) && need > w->len &&
                       (fmt == CCSIG_FMT_JPEG || fmt == CCSIG_FMT_PNG);
         more++) {
        size_t want = need - w->len + CCSIG_FETCH_PREFIX / 4;
        if (w->len + want > k->o.fetch.max_bytes || !read_more(k, w, w->len, want))
            break;
    }
    size_t read_bytes = w->len;
    /* a PDF's metadata may be at its end: read the last bytes too */
    if (fmt == CCSIG_FMT_PDF && ranged && total > w->len) {
        ccsig_fetch_req treq = {0, CCSIG_FETCH_PREFIX, true, 0, false, NULL, NULL};
        ccsig_response tail;
        if (!ccsig_fetch_get(k->f, w->resp.url, &treq, &tail) && tail.status == 206) {
            char *t = ccsig_realloc(w->tail, tail.len + 1);
            if (t) {
                memcpy(t, tail.body, tail.len);
                t[tail.len] = '\0';
                w->tail = t;
                w->tail_len = tail.len;
                read_bytes += tail.len;
                if (total > read_bytes)
                    add_note(w, CCSIG_SRC_XMP, url, "%s",
                             "only the first and last 256 KiB of the PDF were read for its XMP");
            }
        }
        ccsig_response_free(&tail);
    }
    res->asset_bytes = read_bytes;
}

ccsig_status ccsig_fetch_evaluate_url(ccsig_checker *k, ccsig_url_check *w, const char *url,
                                      const ccsig_url_result **out) {
    ccsig_url_result *res = &w->res;
    *out = res;
    ccsig_arena_reset(&w->arena);
    drop_asset(w);
    w->nnotes = 0;
    memset(res, 0, sizeof *res);
    res->ev = &w->ev;
    w->error[0] = '\0';
    res->error = w->error;
    res->crawl = CCSIG_STATE_UNKNOWN;
    res->status = CCSIG_OK;
    ccsig_eval_robots rb = {CCSIG_ROBOTS_NONE, CCSIG_STATE_UNKNOWN, NULL, NULL, 0};
    size_t nlinks = 0;
    ccsig_eval_doc tdm, rsl[CCSIG_CHECK_MAX_RSL];
    size_t nrsl = 0;
    char tu[600];
    bool have_tdm = false;
    ccsig_eval_input in;
    memset(&in, 0, sizeof in);
    in.url = ccsig_str_c(url);
    in.agent = ccsig_str_c(k->token);
    in.profile = &k->o.profile;
    in.robots = &rb;
    in.status = -1;

    char origin[512];
    ccsig_url pu;
    if (!ccsig_url_split(ccsig_str_c(url), &pu) || !ccsig_url_is_http(&pu) ||
        !ccsig_url_site(&pu, origin, sizeof origin)) {
        snprintf(w->error, sizeof w->error, "not an absolute http(s) URL");
        res->status = CCSIG_ERR_USAGE;
        goto evaluate;
    }
    /* 1. robots.txt */
    ccsig_robots_fetch *rf = &res->robots;
    ccsig_fetch_robots(k->f, url, rf);
    res->robots_fetched = true;
    ccsig_robots_answer *ans = w->ans;
    ans->nst = 0;
    ans->nlicenses = 0;
    if (rf->state == CCSIG_ROBOTS_FOUND) {
        const ccsig_robots *m = compiled_for(k, rf);
        if (!m) {
            snprintf(w->error, sizeof w->error, "out of memory compiling %.400s", rf->url);
            res->status = CCSIG_ERR_NOMEM;
            goto evaluate;
        }
        ccsig_robots_check(m, k->o.agent, strlen(k->o.agent), url, strlen(url), ans);
        rb.known = CCSIG_ROBOTS_FOUND;
        rb.crawl = ans->allowed ? CCSIG_STATE_ALLOW : CCSIG_STATE_DENY;
        if (ans->rule.line) {
            w->rule = (ccsig_provenance){
                CCSIG_SRC_ROBOTS, ans->rule.line, ccsig_str_c(rf->url), ans->rule.text, 0,
                {NULL, 0}};
            rb.rule = &w->rule;
        }
        rb.sts = ans->st;
        rb.n = ans->nst;
        res->licenses = ans->licenses;
        res->nlicenses = ans->nlicenses;
        for (size_t i = 0; i < ans->nlicenses && nlinks < CCSIG_COLLECT_MAX_LINKS; i++)
            w->links[nlinks++] = (ccsig_link){CCSIG_LINK_RSL,
                                              ans->licenses[i].url,
                                              CCSIG_STR_LIT("application/rsl+xml"),
                                              {CCSIG_SRC_ROBOTS,
                                               ans->licenses[i].line,
                                               ccsig_str_c(rf->url),
                                               ans->licenses[i].url,
                                               0,
                                               {NULL, 0}}};
        if (rf->stale)
            add_note(w, CCSIG_SRC_ROBOTS, rf->url,
                     "robots.txt is unreachable now (%s): an expired cached copy is used "
                     "(RFC 9309 §2.4)",
                     rf->error);
        if (rf->truncated)
            add_note(w, CCSIG_SRC_ROBOTS, rf->url, "%s",
                     "robots.txt is larger than 500 KiB: only the first 500 KiB were read");
    } else if (rf->state == CCSIG_ROBOTS_UNAVAILABLE) {
        rb.known = CCSIG_ROBOTS_UNAVAILABLE;
        rb.crawl = CCSIG_STATE_ALLOW;
        add_note(w, CCSIG_SRC_ROBOTS, rf->url,
                 "robots.txt is unavailable (%s): no crawl restrictions (RFC 9309 §2.3.1.3)",
                 rf->error);
    } else {
        rb.known = CCSIG_ROBOTS_UNREACHABLE;
        rb.crawl = CCSIG_STATE_DENY;
        snprintf(w->crawl_text, sizeof w->crawl_text, "robots.txt unreachable: %s", rf->error);
        w->rule = (ccsig_provenance){CCSIG_SRC_ROBOTS,           0, ccsig_str_c(rf->url),
                                     ccsig_str_c(w->crawl_text), 0, {NULL, 0}};
        rb.rule = &w->rule;
        add_note(w, CCSIG_SRC_ROBOTS, rf->url,
                 "robots.txt is unreachable (%s): complete disallow (RFC 9309 §2.3.1.4)",
                 rf->error);
        /* the site did not answer (DNS, connect, TLS, timeout) or answered
         * 5xx: the URL cannot be fetched, which the caller must be able to
         * tell from an answer that was read */
        snprintf(w->error, sizeof w->error, "robots.txt unreachable: %s", rf->error);
        res->status = CCSIG_ERR_IO;
    }
    if (rb.crawl != CCSIG_STATE_ALLOW)
        goto evaluate;

    /* 2. the asset */
    read_asset(k, w, url);
    if (res->asset_fetched && res->status == CCSIG_OK) {
        in.response = true;
        in.status = (int)w->resp.status;
        in.fields = w->resp.headers;
        in.nfields = w->resp.nheaders;
        /* the fetcher's media type (the Content-Type of the final answer) */
        in.content_type = ccsig_str_c(w->resp.content_type);
        in.has_type = w->resp.content_type[0] != '\0';
        in.body = w->body;
        in.body_len = w->len;
        in.tail = w->tail_len ? w->tail : NULL;
        in.tail_len = w->tail_len;
        in.url = ccsig_str_c(w->resp.url); /* TDMRep and RSL match the final URL */
        in.origin = ccsig_str_c(url);
    }
    if (res->status == CCSIG_ERR_NOMEM)
        goto evaluate;

    /* 3. tdmrep.json */
    {
        snprintf(tu, sizeof tu, "%s/.well-known/tdmrep.json", origin);
        doc d;
        fetch_doc(k, tu, CCSIG_TDMREP_MAX_SIZE, &d);
        tdm.origin = arena_str(&w->arena, tu);
        tdm.p = d.body;
        tdm.len = d.len;
        tdm.error = ccsig_str_make("", 0);
        if (!d.body && d.status != 404 && d.status != 410 && (d.error[0] || d.status))
            tdm.error = arena_str(&w->arena, d.error);
        have_tdm = true;
    }

evaluate:
    in.notes = w->notes;
    in.nnotes = w->nnotes;
    in.links = w->links;
    in.nlinks = nlinks;
    in.tdmrep = have_tdm ? &tdm : NULL;
    if (ccsig_evaluate(&in, &w->arena, &w->ev))
        res->status = CCSIG_ERR_NOMEM;
    if (!have_tdm) /* the URL was not crawled: no site documents */
        goto done;

    /* 4. RSL documents named by robots.txt, a Link header or the HTML */
    {
        const ccsig_collect *c = &w->ev.c;
        const char *base = res->asset_url ? res->asset_url : url;
        for (size_t i = 0; i < c->nlinks && nrsl < CCSIG_CHECK_MAX_RSL; i++) {
            if (c->links[i].kind != CCSIG_LINK_RSL)
                continue;
            char rel[2048];
            snprintf(rel, sizeof rel, "%.*s", (int)c->links[i].url.len, c->links[i].url.p);
            char *abs = ccsig_url_resolve(base, rel);
            if (!abs)
                continue;
            bool dup = false; /* robots.txt and a Link header often name the same one */
            for (size_t j = 0; j < nrsl && !dup; j++)
                dup = ccsig_str_eq(rsl[j].origin, abs);
            if (!dup) {
                doc d;
                fetch_doc(k, abs, CCSIG_RSL_MAX_SIZE, &d);
                rsl[nrsl].origin = arena_str(&w->arena, abs);
                rsl[nrsl].p = d.body;
                rsl[nrsl].len = d.len;
                rsl[nrsl].error = d.body ? ccsig_str_make("", 0) : arena_str(&w->arena, d.error);
                nrsl++;
            }
            ccsig_free(abs); /* ccsig_url_resolve's malloc */
        }
    }
    if (nrsl) {
        in.rsl = rsl;
        in.nrsl = nrsl;
        if (ccsig_evaluate(&in, &w->arena, &w->ev))
            res->status = CCSIG_ERR_NOMEM;
    }
done:
    res->known = rb.known;
    res->crawl = rb.crawl;
    res->rule = rb.rule;
    return res->status;
}
