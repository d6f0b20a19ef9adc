/*
 * scan.c — the per-record step of ccsig scan (see ccsig/scan.h).
 *
 * gather_page() is where a page's own statements are collected: one call per
 * mechanism, each appending statements with provenance to the result. The
 * robots.txt part comes from the caller, which owns the (shared, bounded)
 * store of compiled robots.txt files.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ccsig/alloc.h"
#include "ccsig/robots.h"
#include "ccsig/scan.h"
#include "ccsig/url.h"
#include "ccsig/sources.h"

struct ccsig_scanner {
    ccsig_scan_config cfg;
    ccsig_str agent; /* product token of cfg.agent; empty for '*' */
    ccsig_arena arena;
    ccsig_http_msg http;
    ccsig_collect collect;
};

const char *ccsig_robots_known_name(ccsig_robots_known k) {
    switch (k) {
    case CCSIG_ROBOTS_FOUND:
        return "found";
    case CCSIG_ROBOTS_UNAVAILABLE:
        return "unavailable";
    case CCSIG_ROBOTS_UNREACHABLE:
        return "unreachable";
    case CCSIG_ROBOTS_NONE:
        break;
    }
    return "none";
}

/* -------------------------------------------------------------- scanner -- */

ccsig_scanner *ccsig_scanner_new(const ccsig_scan_config *cfg) {
    ccsig_scanner *s = ccsig_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (cfg)
        s->cfg = *cfg;
    else
        s->cfg.profile.use = CCSIG_CAT_NONE;
    if (s->cfg.agent.len && !(s->cfg.agent.len == 1 && s->cfg.agent.p[0] == '*'))
        s->agent = ccsig_robots_product_token(s->cfg.agent.p, s->cfg.agent.len);
    ccsig_arena_init(&s->arena, 16384);
    return s;
}

void ccsig_scanner_free(ccsig_scanner *s) {
    if (!s)
        return;
    ccsig_arena_free(&s->arena);
    ccsig_free(s);
}

/* Does the payload look like HTML: the Content-Type says so, or there is
 * none and the payload starts with markup. */
static bool is_html(const ccsig_http_msg *m, const char *p, size_t n) {
    size_t ct = ccsig_http_find(m, "Content-Type", 0);
    if (ct < m->nfields) {
        ccsig_str v = m->fields[ct].value;
        for (size_t i = 0; i + 4 <= v.len; i++)
            if ((v.p[i] | 32) == 'h' && (v.p[i + 1] | 32) == 't' && (v.p[i + 2] | 32) == 'm' &&
                (v.p[i + 3] | 32) == 'l')
                return true;
        return false;
    }
    while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
        p++;
        n--;
    }
    return n && *p == '<';
}

static bool is_image(const ccsig_http_msg *m) {
    size_t ct = ccsig_http_find(m, "Content-Type", 0);
    if (ct == m->nfields)
        return false;
    ccsig_str v = m->fields[ct].value;
    return v.len >= 6 && (v.p[0] | 32) == 'i' && (v.p[1] | 32) == 'm' && (v.p[2] | 32) == 'a' &&
           (v.p[3] | 32) == 'g' && (v.p[4] | 32) == 'e' && v.p[5] == '/';
}

/* The page's own statements, through the readers of lib/sources/ (one call
 * per mechanism): the response headers (Content-Usage, its lines joined as
 * RFC 9651 §4.2 requires; X-Robots-Tag noai/noimageai; TDMRep
 * tdm-reservation/tdm-policy; Content-Signal; Link rel=license) and, for
 * HTML, the <head> (<meta name=robots|agent content=noai>, TDMRep meta,
 * <link rel=license>). TDMRep's own precedence is resolved by
 * ccsig_collect_finish before the statements join the combining. */
static ccsig_status gather_page(ccsig_scanner *s, ccsig_scan_result *res) {
    ccsig_collect *c = &s->collect;
    ccsig_asset_ctx ctx = {s->agent, res->url, res->url, is_image(res->http)};
    ccsig_collect_init(c, &s->arena, &ctx);
    /* ccsig_header_field has the layout of ccsig_http_field (sources.h) */
    ccsig_sources_from_headers(c, (const ccsig_header_field *)res->http->fields,
                               res->http->nfields);
    if (res->payload_held && is_html(res->http, res->payload, res->payload_held))
        ccsig_html_meta_scan(c, res->payload,
                             res->payload_held < CCSIG_HTML_HEAD_MAX ? res->payload_held
                                                                     : CCSIG_HTML_HEAD_MAX,
                             NULL);
    ccsig_collect_finish(c);
    for (size_t i = 0; i < c->n; i++) {
        const ccsig_statement *st = &c->sts[i];
        if (st->src.kind == CCSIG_SRC_HEADER && !st->valid &&
            ccsig_str_ieq(st->src.origin, "Content-Usage"))
            res->header_invalid = true;
        if (res->n == CCSIG_SCAN_MAX_STATEMENTS) {
            res->dropped++;
            continue;
        }
        res->sts[res->n++] = *st;
    }
    res->dropped += c->dropped;
    return CCSIG_OK;
}

static void decide(ccsig_scanner *s, ccsig_scan_result *res) {
    ccsig_combine(res->sts, res->n, &res->verdict);
    ccsig_decide(&res->verdict, &s->cfg.profile, &res->decision);
}

ccsig_status ccsig_scan_record(ccsig_scanner *s, const ccsig_warc_record *rec,
                               const ccsig_scan_robots *robots, ccsig_scan_result *res) {
    ccsig_arena_reset(&s->arena);
    res->type = rec->h.type;
    res->url = rec->h.target_uri;
    res->url_ok = ccsig_url_split(res->url, &res->parts);
    res->http = &s->http;
    res->status = -1;
    res->payload = rec->block;
    res->payload_held = rec->block_len;
    res->payload_len = rec->h.content_length;
    res->n = res->n_robots = res->dropped = 0;
    res->header_invalid = false;
    res->robots = CCSIG_ROBOTS_NONE;
    res->crawl = CCSIG_STATE_UNKNOWN;
    res->crawl_rule = NULL;
    ccsig_error err;
    s->http.nfields = 0;
    s->http.kind = CCSIG_HTTP_NONE;
    bool http = res->type == CCSIG_WARC_RESPONSE || res->type == CCSIG_WARC_REVISIT;
    if (http) {
        ccsig_status st = ccsig_http_parse(&s->arena, rec->block, rec->block_len, &s->http, &err);
        if (st)
            return st;
        if (s->http.kind != CCSIG_HTTP_NONE) {
            res->status = s->http.status;
            size_t hl = s->http.header_len;
            res->payload = rec->block + hl;
            res->payload_held = rec->block_len - hl;
            res->payload_len = rec->h.content_length - hl;
        }
    }
    if (robots) {
        res->robots = robots->known;
        res->crawl = robots->crawl;
        res->crawl_rule = robots->rule;
        /* Paths that cannot be crawled have no associated usage preferences
         * (draft-ietf-aipref-attach §4). */
        if (robots->crawl != CCSIG_STATE_DENY)
            for (size_t i = 0; i < robots->n; i++) {
                if (res->n == CCSIG_SCAN_MAX_STATEMENTS) {
                    res->dropped++;
                    continue;
                }
                res->sts[res->n++] = robots->sts[i];
            }
        res->n_robots = res->n;
    }
    if (http && s->http.kind != CCSIG_HTTP_NONE) {
        ccsig_status st = gather_page(s, res);
        if (st)
            return st;
    }
    /* The readers drop what the arena could not hold: then the result is
     * incomplete and the record is not judged. */
    if (s->arena.failed)
        return CCSIG_ERR_NOMEM;
    decide(s, res);
    return CCSIG_OK;
}

void ccsig_scan_add(ccsig_scanner *s, ccsig_scan_result *res, const ccsig_statement *sts,
                    size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (res->n == CCSIG_SCAN_MAX_STATEMENTS) {
            res->dropped++;
            continue;
        }
        res->sts[res->n++] = sts[i];
    }
    decide(s, res);
}

/* --------------------------------------------------- copying statements -- */

static size_t str_size(ccsig_str s) {
    return s.len ? s.len + 1 : 0;
}

size_t ccsig_statements_copy_size(const ccsig_statement *sts, size_t n) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += str_size(sts[i].src.origin) + str_size(sts[i].src.text);
        for (int c = 0; c < CCSIG_CAT_COUNT; c++)
            total += str_size(sts[i].cat[c].label);
    }
    return total;
}

static ccsig_str copy_str(ccsig_str s, char **buf) {
    if (!s.len)
        return ccsig_str_make(NULL, 0);
    char *p = *buf;
    memcpy(p, s.p, s.len);
    p[s.len] = '\0';
    *buf += s.len + 1;
    return ccsig_str_make(p, s.len);
}

void ccsig_statements_copy(ccsig_statement *dst, const ccsig_statement *sts, size_t n, char *buf) {
    for (size_t i = 0; i < n; i++) {
        dst[i] = sts[i];
        dst[i].src.origin = copy_str(sts[i].src.origin, &buf);
        dst[i].src.text = copy_str(sts[i].src.text, &buf);
        for (int c = 0; c < CCSIG_CAT_COUNT; c++)
            dst[i].cat[c].label = copy_str(sts[i].cat[c].label, &buf);
    }
}
