/*
 * scan.c — the per-record step of ccsig scan (see ccsig/scan.h): each record
 * goes through ccsig_evaluate_response (evaluate.c), the one evaluation path.
 * The robots.txt part comes from the caller, which owns the (shared,
 * bounded) store of compiled robots.txt files.
 */
#include <string.h>

#include "ccsig/alloc.h"
#include "ccsig/robots.h"
#include "ccsig/scan.h"

struct ccsig_scanner {
    ccsig_scan_config cfg;
    ccsig_str agent; /* ccsig_robots_agent_token of cfg.agent; empty for '*' */
    ccsig_arena arena;
    ccsig_http_msg http;
    ccsig_eval_result ev;
    ccsig_statement sts[CCSIG_SCAN_MAX_STATEMENTS]; /* storage behind ccsig_scan_result.sts */
};

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
        s->agent = ccsig_robots_agent_token(s->cfg.agent.p, s->cfg.agent.len);
    ccsig_arena_init(&s->arena, 16384);
    return s;
}

void ccsig_scanner_free(ccsig_scanner *s) {
    if (!s)
        return;
    ccsig_arena_free(&s->arena);
    ccsig_free(s);
}

static void decide(ccsig_scanner *s, ccsig_scan_result *res) {
    ccsig_evaluate_decide(res->sts, res->n, &s->cfg.profile, &res->verdict, &res->decision);
    ccsig_decide_crawl(res->crawl, res->crawl_rule, &res->decision);
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
    res->sts = s->sts;
    res->cap = CCSIG_SCAN_MAX_STATEMENTS;
    res->n = res->n_robots = res->dropped = 0;
    res->header_invalid = false;
    res->robots = robots ? robots->known : CCSIG_ROBOTS_NONE;
    res->crawl = robots ? robots->crawl : CCSIG_STATE_UNKNOWN;
    res->crawl_rule = robots ? robots->rule : NULL;
    s->http.nfields = 0;
    s->http.kind = CCSIG_HTTP_NONE;
    ccsig_eval_input in;
    memset(&in, 0, sizeof in);
    in.url = res->url;
    in.agent = s->agent;
    in.profile = &s->cfg.profile;
    in.robots = robots;
    in.status = -1;
    ccsig_eval_result *ev = &s->ev;
    ccsig_error err;
    ccsig_status st;
    if (res->type == CCSIG_WARC_RESPONSE || res->type == CCSIG_WARC_REVISIT) {
        st =
            ccsig_evaluate_response(rec->block, rec->block_len, &in, &s->arena, &s->http, ev, &err);
        if (st)
            return st;
        if (s->http.kind != CCSIG_HTTP_NONE) {
            res->status = s->http.status;
            size_t hl = s->http.header_len;
            res->payload = rec->block + hl;
            res->payload_held = rec->block_len - hl;
            res->payload_len = rec->h.content_length - hl;
        }
    } else {
        st = ccsig_evaluate(&in, &s->arena, ev);
        if (st)
            return st;
    }
    /* the first CCSIG_SCAN_MAX_STATEMENTS, robots.txt ones first */
    for (size_t i = 0; i < ev->c.n; i++) {
        if (res->n >= res->cap) {
            res->dropped++;
            continue;
        }
        res->sts[res->n++] = ev->c.sts[i];
        if (i < ev->n_robots)
            res->n_robots++;
    }
    res->dropped += ev->c.dropped;
    res->header_invalid = ev->header_invalid;
    if (res->n == ev->c.n) {
        res->verdict = ev->verdict;
        res->decision = ev->decision;
    } else {
        decide(s, res); /* on the statements kept, as the annotation shows them */
    }
    return CCSIG_OK;
}

void ccsig_scan_add(ccsig_scanner *s, ccsig_scan_result *res, const ccsig_statement *sts,
                    size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (res->n >= res->cap) {
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
