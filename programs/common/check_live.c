/*
 * check_live.c — live `ccsig check URL...`: for each URL, in this order,
 *   1. robots.txt of its origin (ccsig_fetch_robots: RFC 9309 fetching and
 *      caching), compiled once per origin and version, asked about the URL:
 *      may it be crawled, which Content-Usage / Content-Signal rules apply,
 *      which RSL License lines the file has;
 *   2. the asset, only when it may be crawled: its response headers, then
 *      the start of its body, read only as far as needed (ranges when the
 *      server supports them, else an early stop): an HTML head, or the
 *      metadata blocks at the start of an image (more ranges when a block
 *      runs past what was read), or for a PDF its first and last
 *      CCSIG_FETCH_PREFIX bytes;
 *   3. /.well-known/tdmrep.json of its origin (once per origin);
 *   4. the RSL documents named by robots.txt, a Link header or the HTML
 *      (each once), matched against the asset's URL;
 * then every statement combined, decided and printed with its provenance.
 *
 * Work: `jobs` threads take URLs in input order; the fetcher serialises
 * requests per host, so threads only overlap across hosts. Records are
 * printed in input order, each as soon as it and every earlier one are done.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "ccsig/alloc.h"
#include "ccsig/robots.h"
#include "check_live.h"
#include "cli.h"
#include "report.h"
#include "sources_report.h"

/* RSL documents read per URL (a page naming more is unusual). */
#define MAX_RSL_PER_URL 4

/* ---- shared helpers for both modes ---- */

void check_headers_collect(ccsig_collect *c, const char *const *hs, size_t n) {
    ccsig_header_field f[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 64; i++) {
        const char *h = hs[i], *colon = strchr(h, ':');
        if (!colon)
            continue;
        size_t nl = (size_t)(colon - h);
        while (nl && (h[nl - 1] == ' ' || h[nl - 1] == '\t'))
            nl--;
        const char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t vl = strlen(v);
        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
            vl--;
        f[k].name = ccsig_str_make(h, nl);
        f[k].value = ccsig_str_make(v, vl);
        k++;
    }
    ccsig_sources_from_headers(c, f, k);
}

void check_write_extras(ccsig_buf *b, const ccsig_collect *c, const check_fetch_info *fi,
                        const char *error) {
    if (c) {
        sources_write_links_notes(b, c);
    } else {
        ccsig_buf_puts(b, ",\"links\":[],\"notes\":[]");
    }
    ccsig_buf_puts(b, ",\"robots\":");
    if (fi && fi->robots) {
        const ccsig_robots_fetch *r = fi->robots;
        ccsig_buf_puts(b, "{\"url\":");
        ccsig_buf_json_str(b, r->url, strlen(r->url));
        ccsig_buf_printf(b,
                         ",\"state\":\"%s\",\"status\":", ccsig_fetch_robots_state_name(r->state));
        if (r->http_status)
            ccsig_buf_printf(b, "%ld", r->http_status);
        else
            ccsig_buf_puts(b, "null");
        ccsig_buf_printf(b, ",\"cached\":%s,\"stale\":%s,\"truncated\":%s,\"error\":",
                         r->from_cache ? "true" : "false", r->stale ? "true" : "false",
                         r->truncated ? "true" : "false");
        if (r->error[0])
            ccsig_buf_json_str(b, r->error, strlen(r->error));
        else
            ccsig_buf_puts(b, "null");
        ccsig_buf_putc(b, '}');
    } else {
        ccsig_buf_puts(b, "null");
    }
    ccsig_buf_puts(b, ",\"asset\":");
    if (fi && fi->asset_url) {
        ccsig_buf_puts(b, "{\"url\":");
        ccsig_buf_json_str(b, fi->asset_url, strlen(fi->asset_url));
        ccsig_buf_puts(b, ",\"status\":");
        if (fi->asset_status)
            ccsig_buf_printf(b, "%ld", fi->asset_status);
        else
            ccsig_buf_puts(b, "null");
        ccsig_buf_puts(b, ",\"content_type\":");
        if (fi->content_type && *fi->content_type)
            ccsig_buf_json_str(b, fi->content_type, strlen(fi->content_type));
        else
            ccsig_buf_puts(b, "null");
        ccsig_buf_printf(b, ",\"bytes_read\":%zu,\"ranges\":%s}", fi->asset_bytes,
                         fi->asset_partial ? "true" : "false");
    } else {
        ccsig_buf_puts(b, "null");
    }
    ccsig_buf_puts(b, ",\"error\":");
    if (error)
        ccsig_buf_json_str(b, error, strlen(error));
    else
        ccsig_buf_puts(b, "null");
    ccsig_buf_puts(b, "}\n");
}

/* ---- shared state of a run ---- */

typedef struct compiled {
    char origin[512];
    uint64_t generation;
    ccsig_robots *r;
} compiled;

typedef struct doc {
    char url[2048];
    long status;
    char *body;
    size_t len;
    char error[256];
    bool done;
} doc;

typedef struct result {
    size_t seq;
    char *text; /* the record, ready to print */
    size_t len;
    struct result *next;
} result;

typedef struct run {
    const check_live_opts *o;
    ccsig_fetcher *f;
    char token[128]; /* the agent's product token (robots groups, HTML meta) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    /* input */
    int argc;
    char **argv;
    size_t next_in;
    bool eof;
    ccsig_buf line;
    /* output, in order */
    size_t next_out;
    result *ready;
    /* caches */
    compiled *robots;
    size_t nrobots, caprobots;
    doc *docs; /* tdmrep.json per origin, RSL documents per URL */
    size_t ndocs, capdocs;
    int status;
} run;

/* The next URL (malloc'd) and its sequence number; false at the end. */
static bool next_url(run *r, char **url, size_t *seq) {
    pthread_mutex_lock(&r->mu);
    bool ok = false;
    if (r->argc) {
        if ((int)r->next_in < r->argc) {
            *url = strdup(r->argv[r->next_in]);
            ok = true;
        }
    } else {
        while (!r->eof) {
            if (!cli_getline(stdin, &r->line)) {
                r->eof = true;
                break;
            }
            size_t b = 0, e = r->line.len;
            while (b < e && (r->line.data[b] == ' ' || r->line.data[b] == '\t'))
                b++;
            while (e > b && (r->line.data[e - 1] == ' ' || r->line.data[e - 1] == '\t'))
                e--;
            if (b == e)
                continue;
            *url = strndup(r->line.data + b, e - b);
            ok = true;
            break;
        }
    }
    if (ok)
        *seq = r->next_in++;
    pthread_mutex_unlock(&r->mu);
    return ok && *url;
}

/* Hand a finished record over; print every record that is next in order. */
static void finish(run *r, size_t seq, ccsig_buf *b, int status) {
    result *res = malloc(sizeof *res);
    char *text = malloc(b->len + 1);
    pthread_mutex_lock(&r->mu);
    if (status > r->status)
        r->status = status;
    if (!res || !text) {
        free(res);
        free(text);
        r->status = EXIT_INTERNAL;
        r->next_out = seq + 1; /* do not block the others */
    } else {
        memcpy(text, b->data ? b->data : "", b->len);
        text[b->len] = '\0';
        res->seq = seq;
        res->text = text;
        res->len = b->len;
        result **p = &r->ready;
        while (*p && (*p)->seq < seq)
            p = &(*p)->next;
        res->next = *p;
        *p = res;
    }
    while (r->ready && r->ready->seq == r->next_out) {
        result *x = r->ready;
        r->ready = x->next;
        fwrite(x->text, 1, x->len, stdout);
        fflush(stdout);
        free(x->text);
        free(x);
        r->next_out++;
    }
    pthread_mutex_unlock(&r->mu);
}

/* The compiled robots.txt for a fetch result (compiled once per version). */
static const ccsig_robots *compiled_for(run *r, const ccsig_robots_fetch *rf) {
    pthread_mutex_lock(&r->mu);
    for (size_t i = 0; i < r->nrobots; i++)
        if (!strcmp(r->robots[i].origin, rf->origin) && r->robots[i].generation == rf->generation) {
            const ccsig_robots *m = r->robots[i].r;
            pthread_mutex_unlock(&r->mu);
            return m;
        }
    pthread_mutex_unlock(&r->mu);
    ccsig_robots *m = NULL;
    ccsig_error err;
    if (ccsig_robots_compile(rf->body, rf->len, rf->url, &m, &err))
        return NULL;
    pthread_mutex_lock(&r->mu);
    if (r->nrobots == r->caprobots) {
        size_t cap = r->caprobots ? r->caprobots * 2 : 16;
        compiled *n = realloc(r->robots, cap * sizeof *n);
        if (!n) {
            pthread_mutex_unlock(&r->mu);
            ccsig_robots_free(m);
            return NULL;
        }
        r->robots = n;
        r->caprobots = cap;
    }
    compiled *c = &r->robots[r->nrobots++];
    snprintf(c->origin, sizeof c->origin, "%s", rf->origin);
    c->generation = rf->generation;
    c->r = m; /* kept until the end of the run: other threads may hold it */
    pthread_mutex_unlock(&r->mu);
    return m;
}

/* A small document fetched once per run (tdmrep.json, RSL). The body stays
 * in the run's table; *out is a copy of the entry with that body. */
static void fetch_doc(run *r, const char *url, size_t limit, doc *out) {
    pthread_mutex_lock(&r->mu);
    for (;;) {
        size_t i;
        for (i = 0; i < r->ndocs; i++)
            if (!strcmp(r->docs[i].url, url))
                break;
        if (i < r->ndocs) {
            if (r->docs[i].done) {
                *out = r->docs[i];
                pthread_mutex_unlock(&r->mu);
                return;
            }
            pthread_cond_wait(&r->cv, &r->mu);
            continue;
        }
        if (r->ndocs == r->capdocs) {
            size_t cap = r->capdocs ? r->capdocs * 2 : 16;
            doc *n = realloc(r->docs, cap * sizeof *n);
            if (!n) {
                pthread_mutex_unlock(&r->mu);
                memset(out, 0, sizeof *out);
                snprintf(out->error, sizeof out->error, "out of memory");
                return;
            }
            r->docs = n;
            r->capdocs = cap;
        }
        memset(&r->docs[r->ndocs], 0, sizeof r->docs[r->ndocs]);
        snprintf(r->docs[r->ndocs].url, sizeof r->docs[r->ndocs].url, "%s", url);
        r->ndocs++;
        break;
    }
    pthread_mutex_unlock(&r->mu);
    doc d;
    memset(&d, 0, sizeof d);
    snprintf(d.url, sizeof d.url, "%s", url);
    ccsig_fetch_req req = {0, 0, false, limit, true, NULL, NULL};
    ccsig_response resp;
    ccsig_status st = ccsig_fetch_get(r->f, url, &req, &resp);
    d.status = resp.status;
    if (st)
        snprintf(d.error, sizeof d.error, "%s", resp.error);
    else if (resp.status >= 200 && resp.status < 300) {
        d.body = resp.body;
        d.len = resp.len;
        resp.body = NULL;
        if (resp.truncated)
            snprintf(d.error, sizeof d.error, "larger than %zu bytes", limit);
    } else
        snprintf(d.error, sizeof d.error, "HTTP %ld", resp.status);
    ccsig_response_free(&resp);
    d.done = true;
    pthread_mutex_lock(&r->mu);
    for (size_t i = 0; i < r->ndocs; i++)
        if (!strcmp(r->docs[i].url, url)) {
            r->docs[i] = d;
            break;
        }
    *out = d;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

/* ---- one URL ---- */

typedef struct worker {
    run *r;
    ccsig_collect c;
    ccsig_arena arena;
    ccsig_robots_answer *ans;
    ccsig_buf out;
} worker;

static bool is_html(const char *ct, const char *p, size_t len) {
    if (!strcmp(ct, "text/html") || !strcmp(ct, "application/xhtml+xml"))
        return true;
    return !*ct && ccsig_file_format_sniff(p, len) == CCSIG_FMT_HTML;
}

/* When to stop reading the asset. */
static bool asset_enough(const char *p, size_t len, const char *ct, void *ctx) {
    (void)ctx;
    if (is_html(ct, p, len))
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

typedef struct asset {
    ccsig_response resp;
    char *extra;      /* bytes appended from later ranges (owned) */
    size_t extra_len; /* total bytes read */
    bool ranged;
} asset;

/* Read the asset's head (and more when a metadata block needs it). */
static ccsig_status read_asset(worker *w, const char *url, asset *a) {
    memset(a, 0, sizeof *a);
    ccsig_fetch_req req = {0, CCSIG_FETCH_PREFIX, false, 0, true, asset_enough, NULL};
    ccsig_status st = ccsig_fetch_get(w->r->f, url, &req, &a->resp);
    if (st)
        return st;
    a->ranged = a->resp.partial;
    a->extra_len = a->resp.len;
    return CCSIG_OK;
}

static void add_note(worker *w, ccsig_source_kind k, const char *origin, const char *fmt,
                     const char *arg) {
    ccsig_provenance p = {k, 0, ccsig_str_c(ccsig_arena_dup(&w->arena, origin, strlen(origin))),
                          ccsig_str_make("", 0)};
    ccsig_collect_note(&w->c, &p, fmt, arg);
}

static void check_url(worker *w, const char *url, size_t seq) {
    run *r = w->r;
    const check_live_opts *o = r->o;
    ccsig_arena_reset(&w->arena);
    ccsig_buf *b = &w->out;
    ccsig_buf_clear(b);
    char errbuf[600] = "";
    const char *error = NULL;
    int status = EXIT_OK;
    ccsig_robots_fetch rf;
    check_fetch_info fi;
    memset(&fi, 0, sizeof fi);
    ccsig_str uurl = ccsig_str_c(url);
    ccsig_asset_ctx ctx = {ccsig_str_c(r->token), uurl, uurl, false};
    ccsig_collect_init(&w->c, &w->arena, &ctx);
    const char *crawl = "unknown";
    ccsig_provenance rule_src, *rule = NULL;
    ccsig_robots_answer *ans = w->ans;
    ans->nst = 0;
    ans->nlicenses = 0;
    asset a;
    memset(&a, 0, sizeof a);
    char crawl_text[400];

    char origin[512];
    if (!ccsig_url_origin(url, origin, sizeof origin)) {
        snprintf(errbuf, sizeof errbuf, "not an absolute http(s) URL");
        error = errbuf;
        status = EXIT_USAGE;
        goto out;
    }
    /* 1. robots.txt */
    ccsig_fetch_robots(r->f, url, &rf);
    fi.robots = &rf;
    bool allowed = false;
    if (rf.state == CCSIG_FETCH_ROBOTS_OK) {
        const ccsig_robots *m = compiled_for(r, &rf);
        if (!m) {
            snprintf(errbuf, sizeof errbuf, "out of memory compiling %.400s", rf.url);
            error = errbuf;
            status = EXIT_INTERNAL;
            goto out;
        }
        ccsig_robots_check(m, o->agent, strlen(o->agent), url, strlen(url), ans);
        allowed = ans->allowed;
        crawl = allowed ? "allowed" : "disallowed";
        if (ans->rule.line) {
            rule_src = (ccsig_provenance){CCSIG_SRC_ROBOTS, ans->rule.line, ccsig_str_c(rf.url),
                                          ans->rule.text};
            rule = &rule_src;
        }
        for (size_t i = 0; i < ans->nst; i++)
            ccsig_collect_push(&w->c, &ans->st[i]);
        for (size_t i = 0; i < ans->nlicenses; i++) {
            ccsig_provenance p = {CCSIG_SRC_ROBOTS, ans->licenses[i].line, ccsig_str_c(rf.url),
                                  ans->licenses[i].url};
            ccsig_collect_link(&w->c, CCSIG_LINK_RSL, ans->licenses[i].url,
                               CCSIG_STR_LIT("application/rsl+xml"), &p);
        }
        if (rf.stale)
            add_note(w, CCSIG_SRC_ROBOTS, rf.url,
                     "robots.txt is unreachable now (%s): an expired cached copy is used "
                     "(RFC 9309 §2.4)",
                     rf.error);
        if (rf.truncated)
            add_note(w, CCSIG_SRC_ROBOTS, rf.url, "%s",
                     "robots.txt is larger than 500 KiB: only the first 500 KiB were read");
    } else if (rf.state == CCSIG_FETCH_ROBOTS_UNAVAILABLE) {
        allowed = true;
        crawl = "allowed";
        add_note(w, CCSIG_SRC_ROBOTS, rf.url,
                 "robots.txt is unavailable (%s): no crawl restrictions (RFC 9309 §2.3.1.3)",
                 rf.error);
    } else {
        crawl = "disallowed";
        snprintf(crawl_text, sizeof crawl_text, "robots.txt unreachable: %s", rf.error);
        rule_src =
            (ccsig_provenance){CCSIG_SRC_ROBOTS, 0, ccsig_str_c(rf.url), ccsig_str_c(crawl_text)};
        rule = &rule_src;
        add_note(w, CCSIG_SRC_ROBOTS, rf.url,
                 "robots.txt is unreachable (%s): complete disallow (RFC 9309 §2.3.1.4)", rf.error);
    }
    if (!allowed)
        goto out;

    /* 2. the asset */
    if (read_asset(w, url, &a) != CCSIG_OK) {
        snprintf(errbuf, sizeof errbuf, "GET %s: %s", url, a.resp.error);
        error = errbuf;
        status = EXIT_USAGE;
        goto tdm;
    }
    fi.asset_url = a.resp.url;
    fi.asset_status = a.resp.status;
    fi.content_type = a.resp.content_type;
    fi.asset_partial = a.ranged;
    if (a.resp.status >= 400) {
        snprintf(errbuf, sizeof errbuf, "GET %s: HTTP %ld", url, a.resp.status);
        error = errbuf;
        status = EXIT_USAGE;
        goto tdm;
    }
    {
        const char *ct = a.resp.content_type;
        ccsig_file_format fmt = ccsig_file_format_sniff(a.resp.body, a.resp.len);
        w->c.ctx.is_image = !strncmp(ct, "image/", 6) || ccsig_file_format_is_image(fmt);
        w->c.ctx.url = ccsig_str_c(ccsig_arena_dup(&w->arena, a.resp.url, strlen(a.resp.url)));
        ccsig_sources_from_headers(&w->c, a.resp.headers, a.resp.nheaders);
        if (is_html(ct, a.resp.body, a.resp.len)) {
            /* a head longer than the first range: ask for the rest of the window */
            if (a.ranged && a.resp.total > a.resp.len && a.resp.len < CCSIG_HTML_HEAD_MAX &&
                ccsig_html_head_end(a.resp.body, a.resp.len) == a.resp.len) {
                ccsig_fetch_req req = {
                    a.resp.len, CCSIG_HTML_HEAD_MAX - a.resp.len, false, 0, false, asset_enough,
                    NULL};
                ccsig_response more;
                if (!ccsig_fetch_get(r->f, a.resp.url, &req, &more) && more.status == 206) {
                    char *nb = realloc(a.resp.body, a.resp.len + more.len + 1);
                    if (nb) {
                        memcpy(nb + a.resp.len, more.body, more.len);
                        a.resp.len += more.len;
                        nb[a.resp.len] = '\0';
                        a.resp.body = nb;
                    }
                }
                ccsig_response_free(&more);
            }
            bool complete;
            ccsig_html_meta_scan(&w->c, a.resp.body, a.resp.len, &complete);
            a.extra_len = a.resp.len;
        } else {
            /* more of an image when a metadata block runs past what was read */
            char *buf = a.resp.body;
            size_t len = a.resp.len, need;
            for (int more = 0; more < 8 && a.ranged && a.resp.total > len &&
                               !ccsig_embedded_prefix_enough(buf, len, &need) && need > len &&
                               (fmt == CCSIG_FMT_JPEG || fmt == CCSIG_FMT_PNG);
                 more++) {
                size_t want = need - len + CCSIG_FETCH_PREFIX / 4;
                if (len + want > o->fetch.max_bytes)
                    break;
                ccsig_fetch_req req = {len, want, false, 0, false, NULL, NULL};
                ccsig_response more_resp;
                if (ccsig_fetch_get(r->f, a.resp.url, &req, &more_resp) ||
                    more_resp.status != 206) {
                    ccsig_response_free(&more_resp);
                    break;
                }
                char *nb = realloc(buf, len + more_resp.len + 1);
                if (!nb) {
                    ccsig_response_free(&more_resp);
                    break;
                }
                memcpy(nb + len, more_resp.body, more_resp.len);
                len += more_resp.len;
                nb[len] = '\0';
                buf = nb;
                ccsig_response_free(&more_resp);
            }
            a.resp.body = buf;
            a.resp.len = len;
            ccsig_embedded_read(&w->c, buf, len, w->c.ctx.origin, CCSIG_EMBED_ALL);
            size_t read_bytes = len;
            /* a PDF's metadata may be at its end: read the last bytes too */
            if (fmt == CCSIG_FMT_PDF && a.ranged && a.resp.total > len) {
                ccsig_fetch_req req = {0, CCSIG_FETCH_PREFIX, true, 0, false, NULL, NULL};
                ccsig_response tail;
                if (!ccsig_fetch_get(r->f, a.resp.url, &req, &tail) && tail.status == 206) {
                    ccsig_str t = ccsig_str_c(ccsig_arena_dup(&w->arena, tail.body, tail.len));
                    t.len = tail.len;
                    ccsig_embedded_read(&w->c, t.p, t.len, w->c.ctx.origin, CCSIG_EMBED_ALL);
                    read_bytes += tail.len;
                    if (a.resp.total > read_bytes)
                        add_note(w, CCSIG_SRC_XMP, url, "%s",
                                 "only the first and last 256 KiB of the PDF were read for its "
                                 "XMP");
                }
                ccsig_response_free(&tail);
            }
            a.extra_len = read_bytes;
        }
        fi.asset_bytes = a.extra_len ? a.extra_len : a.resp.len;
    }

tdm:
    /* 3. tdmrep.json */
    {
        char tu[600];
        snprintf(tu, sizeof tu, "%s/.well-known/tdmrep.json", origin);
        doc d;
        fetch_doc(r, tu, CCSIG_TDMREP_MAX_SIZE, &d);
        if (d.body) {
            ccsig_error err;
            ccsig_str torigin = ccsig_str_c(ccsig_arena_dup(&w->arena, tu, strlen(tu)));
            if (ccsig_tdmrep_read(&w->c, d.body, d.len, torigin, &err) != CCSIG_OK) {
                char m[400];
                snprintf(m, sizeof m, "line %u: %s", err.line, err.message);
                add_note(w, CCSIG_SRC_TDMREP, tu, "tdmrep.json not read: %s", m);
            }
        } else if (d.status != 404 && d.status != 410 && (d.error[0] || d.status)) {
            add_note(w, CCSIG_SRC_TDMREP, tu, "tdmrep.json not read: %s", d.error);
        }
    }
    /* 4. RSL documents */
    {
        size_t nrsl = 0;
        char *seen[MAX_RSL_PER_URL];
        size_t nlinks = w->c.nlinks; /* RSL reading may add licence links */
        for (size_t i = 0; i < nlinks && nrsl < MAX_RSL_PER_URL; i++) {
            if (w->c.links[i].kind != CCSIG_LINK_RSL)
                continue;
            char rel[2048];
            snprintf(rel, sizeof rel, "%.*s", (int)w->c.links[i].url.len, w->c.links[i].url.p);
            char *abs = ccsig_url_resolve(a.resp.url ? a.resp.url : url, rel);
            if (!abs)
                continue;
            bool dup = false; /* robots.txt and a Link header often name the same one */
            for (size_t k = 0; k < nrsl && !dup; k++)
                dup = !strcmp(seen[k], abs);
            if (dup) {
                ccsig_free(abs);
                continue;
            }
            seen[nrsl++] = abs;
            doc d;
            fetch_doc(r, abs, CCSIG_RSL_MAX_SIZE, &d);
            if (d.body) {
                ccsig_error err;
                ccsig_str rorigin = ccsig_str_c(ccsig_arena_dup(&w->arena, abs, strlen(abs)));
                if (ccsig_rsl_read(&w->c, d.body, d.len, rorigin, &err) != CCSIG_OK) {
                    char m[400];
                    snprintf(m, sizeof m, "line %u: %s", err.line, err.message);
                    add_note(w, CCSIG_SRC_RSL, abs, "RSL document not read: %s", m);
                }
            } else {
                add_note(w, CCSIG_SRC_RSL, abs, "RSL document not fetched: %s", d.error);
            }
        }
        for (size_t k = 0; k < nrsl; k++)
            ccsig_free(seen[k]);
    }

out : {
    ccsig_collect_finish(&w->c);
    ccsig_verdict v;
    ccsig_combine(w->c.sts, w->c.n, &v);
    ccsig_decision d;
    ccsig_decide(&v, &o->prof, &d);
    if (o->json) {
        report_write_record_head(b, uurl, ccsig_str_c(o->agent), crawl, rule, &v, &d, w->c.sts,
                                 w->c.n);
        ccsig_buf_puts(b, ",\"licenses\":[");
        for (size_t i = 0; i < ans->nlicenses; i++) {
            ccsig_buf_printf(b, "%s{\"line\":%u,\"url\":", i ? "," : "", ans->licenses[i].line);
            ccsig_buf_json_str(b, ans->licenses[i].url.p, ans->licenses[i].url.len);
            ccsig_buf_putc(b, '}');
        }
        ccsig_buf_putc(b, ']');
        check_write_extras(b, &w->c, &fi, error);
    } else {
        char *text = NULL;
        size_t tlen = 0;
        FILE *mem = open_memstream(&text, &tlen);
        if (mem) {
            fprintf(mem, "%s\n  crawl: %s", url, crawl);
            if (rule && rule->line)
                fprintf(mem, " by line %u \"%.*s\"", rule->line, (int)rule->text.len, rule->text.p);
            else if (rule)
                fprintf(mem, ": %.*s", (int)rule->text.len, rule->text.p);
            if (fi.robots)
                fprintf(mem, " (%s%s%s)", fi.robots->url, fi.robots->from_cache ? ", cached" : "",
                        fi.robots->stale ? ", stale" : "");
            fputc('\n', mem);
            bool any = false;
            for (int k = 0; k < CCSIG_CAT_COUNT; k++)
                any |= v.cat[k].state != CCSIG_STATE_UNKNOWN;
            if (any)
                report_categories_text(mem, &v, "  ", sources_names(w->c.n));
            else
                fprintf(mem, "  no preference stated: every use is unknown\n");
            report_decision_text(mem, &d, "  ");
            sources_print_text(mem, &w->c, w->c.sts, w->c.n, "  ");
            if (error)
                fprintf(mem, "  error: %s\n", error);
            fclose(mem);
            ccsig_buf_append(b, text, tlen);
            free(text);
        }
    }
    ccsig_response_free(&a.resp);
    finish(r, seq, b, status);
}
}

static void *work(void *arg) {
    worker *w = arg;
    char *url;
    size_t seq;
    while (next_url(w->r, &url, &seq)) {
        check_url(w, url, seq);
        free(url);
    }
    return NULL;
}

int check_live_run(const check_live_opts *o, int argc, char **argv) {
    run r;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.argc = argc;
    r.argv = argv;
    ccsig_str tok = ccsig_robots_product_token(o->agent, strlen(o->agent));
    snprintf(r.token, sizeof r.token, "%.*s", (int)tok.len, tok.p);
    ccsig_fetch_opts fo = o->fetch;
    fo.agent = r.token;
    ccsig_error err;
    if (ccsig_fetcher_new(&fo, &r.f, &err)) {
        cli_error("check", "%s", err.message);
        return err.code == CCSIG_ERR_USAGE ? EXIT_USAGE : EXIT_INTERNAL;
    }
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    int jobs = o->jobs > 0 ? o->jobs : 1;
    if (jobs > 64)
        jobs = 64;
    worker *ws = calloc((size_t)jobs, sizeof *ws);
    pthread_t *th = calloc((size_t)jobs, sizeof *th);
    int started = 0;
    for (int i = 0; ws && th && i < jobs; i++) {
        ws[i].r = &r;
        ccsig_arena_init(&ws[i].arena, 0);
        ws[i].ans = malloc(sizeof *ws[i].ans);
        if (!ws[i].ans || pthread_create(&th[i], NULL, work, &ws[i])) {
            free(ws[i].ans);
            ccsig_arena_free(&ws[i].arena);
            break;
        }
        started++;
    }
    if (!started) {
        cli_error("check", "cannot start worker threads");
        r.status = EXIT_INTERNAL;
    }
    for (int i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        free(ws[i].ans);
        ccsig_buf_free(&ws[i].out);
        ccsig_arena_free(&ws[i].arena);
    }
    free(ws);
    free(th);
    for (size_t i = 0; i < r.nrobots; i++)
        ccsig_robots_free(r.robots[i].r);
    free(r.robots);
    for (size_t i = 0; i < r.ndocs; i++)
        ccsig_free(r.docs[i].body);
    free(r.docs);
    ccsig_buf_free(&r.line);
    ccsig_fetcher_free(r.f);
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.cv);
    return r.status;
}
