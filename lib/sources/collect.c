/*
 * sources/collect.c — the collector every reader writes into, TDMRep's
 * precedence across its levels, and the small helpers the readers share
 * (robots-style patterns, URL paths, arena formatting).
 */
#include <stdio.h>

#include "internal.h"

const char *ccsig_link_kind_name(ccsig_link_kind k) {
    static const char *const names[CCSIG_LINK_KIND_COUNT] = {"rsl", "license", "tdm-policy"};
    return (unsigned)k < CCSIG_LINK_KIND_COUNT ? names[k] : "unknown";
}

const char *ccsig_fact_kind_name(ccsig_fact_kind k) {
    static const char *const names[CCSIG_FACT_KIND_COUNT] = {
        "title", "creator", "rights", "source", "publisher", "publisher-url"};
    return (unsigned)k < CCSIG_FACT_KIND_COUNT ? names[k] : "unknown";
}

const char *ccsig_tdm_level_name(ccsig_tdm_level l) {
    static const char *const names[CCSIG_TDM_LEVELS] = {"well-known", "header", "html", "embedded"};
    return (unsigned)l < CCSIG_TDM_LEVELS ? names[l] : "unknown";
}

/* ---- helpers ---- */

size_t src_ifind(const char *p, size_t len, const char *lit) {
    size_t n = strlen(lit);
    if (!n || n > len)
        return n ? len : 0;
    char first = src_lower(lit[0]);
    for (size_t i = 0; i + n <= len; i++) {
        if (src_lower(p[i]) != first)
            continue;
        size_t k = 1;
        while (k < n && src_lower(p[i + k]) == src_lower(lit[k]))
            k++;
        if (k == n)
            return i;
    }
    return len;
}

bool src_next_item(ccsig_str *rest, char sep, ccsig_str *item) {
    while (rest->len) {
        const char *e = memchr(rest->p, sep, rest->len);
        size_t n = e ? (size_t)(e - rest->p) : rest->len;
        *item = src_trim(ccsig_str_make(rest->p, n));
        rest->p += n + (e ? 1 : 0);
        rest->len -= n + (e ? 1 : 0);
        if (item->len)
            return true;
    }
    return false;
}

unsigned src_line_of(const char *p, size_t off) {
    unsigned line = 1;
    for (size_t i = 0; i < off; i++)
        line += p[i] == '\n';
    return line;
}

ccsig_str src_vprintf(ccsig_arena *a, const char *fmt, va_list ap) {
    char tmp[512];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return ccsig_str_make("", 0);
    if ((size_t)n < sizeof tmp) {
        char *d = ccsig_arena_dup(a, tmp, (size_t)n);
        return d ? ccsig_str_make(d, (size_t)n) : ccsig_str_make("", 0);
    }
    char *d = ccsig_arena_alloc(a, (size_t)n + 1);
    if (!d)
        return ccsig_str_make("", 0);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    return ccsig_str_make(d, (size_t)n);
}

ccsig_str src_printf(ccsig_arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ccsig_str s = src_vprintf(a, fmt, ap);
    va_end(ap);
    return s;
}

ccsig_str src_dup(ccsig_arena *a, ccsig_str s) {
    char *d = ccsig_arena_dup(a, s.p ? s.p : "", s.len);
    return d ? ccsig_str_make(d, s.len) : ccsig_str_make("", 0);
}

bool src_agent_is(const ccsig_collect *c, ccsig_str token) {
    return c->ctx.agent.len && src_ieq(token, c->ctx.agent);
}

/* ---- the collector ---- */

/* The collector's storage: one arena allocation per asset. */
typedef struct collect_storage {
    ccsig_statement sts[CCSIG_COLLECT_MAX_STATEMENTS];
    ccsig_note notes[CCSIG_COLLECT_MAX_NOTES];
    ccsig_link links[CCSIG_COLLECT_MAX_LINKS];
    ccsig_fact facts[CCSIG_COLLECT_MAX_FACTS];
    ccsig_tdm_value tdm[CCSIG_TDM_LEVELS];
} collect_storage;

ccsig_status ccsig_collect_init(ccsig_collect *c, ccsig_arena *a, const ccsig_asset_ctx *ctx) {
    memset(c, 0, sizeof *c);
    c->arena = a;
    if (ctx)
        c->ctx = *ctx;
    collect_storage *s = a ? ccsig_arena_alloc(a, sizeof *s) : NULL;
    if (!s)
        return a ? CCSIG_ERR_NOMEM : CCSIG_ERR_USAGE;
    c->sts = s->sts;
    c->cap = CCSIG_COLLECT_MAX_STATEMENTS;
    c->notes = s->notes;
    c->notes_cap = CCSIG_COLLECT_MAX_NOTES;
    c->links = s->links;
    c->links_cap = CCSIG_COLLECT_MAX_LINKS;
    c->facts = s->facts;
    c->facts_cap = CCSIG_COLLECT_MAX_FACTS;
    c->tdm = s->tdm;
    for (int l = 0; l < CCSIG_TDM_LEVELS; l++) {
        memset(&c->tdm[l], 0, sizeof c->tdm[l]);
        c->tdm[l].reservation = -1;
    }
    return CCSIG_OK;
}

ccsig_statement *ccsig_collect_add(ccsig_collect *c, ccsig_source_kind k) {
    if (c->n >= c->cap) {
        if (!c->dropped++ && c->cap) {
            ccsig_provenance p = src_prov(k, 0, c->ctx.origin, ccsig_str_make("", 0));
            ccsig_collect_note(
                c, &p, "more than %zu statements for one asset: the rest are ignored", c->cap);
        }
        return NULL;
    }
    ccsig_statement *st = &c->sts[c->n++];
    ccsig_statement_init(st, k);
    return st;
}

bool ccsig_collect_push(ccsig_collect *c, const ccsig_statement *st) {
    ccsig_statement *d = ccsig_collect_add(c, st->src.kind);
    if (!d)
        return false;
    *d = *st;
    return true;
}

void ccsig_collect_note(ccsig_collect *c, const ccsig_provenance *src, const char *fmt, ...) {
    if (c->nnotes >= c->notes_cap) {
        c->notes_dropped++;
        return;
    }
    ccsig_note *n = &c->notes[c->nnotes++];
    if (src)
        n->src = *src;
    else
        n->src = src_prov(CCSIG_SRC_EXPRESSION, 0, c->ctx.origin, ccsig_str_make("", 0));
    va_list ap;
    va_start(ap, fmt);
    n->message = src_vprintf(c->arena, fmt, ap);
    va_end(ap);
}

void ccsig_collect_link(ccsig_collect *c, ccsig_link_kind k, ccsig_str url, ccsig_str type,
                        const ccsig_provenance *src) {
    for (size_t i = 0; i < c->nlinks; i++)
        if (c->links[i].kind == k && ccsig_str_eq_str(c->links[i].url, url))
            return;
    if (c->nlinks >= c->links_cap) {
        c->links_dropped++;
        return;
    }
    ccsig_link *l = &c->links[c->nlinks++];
    l->kind = k;
    l->url = url;
    l->type = type;
    l->src = *src;
}

void ccsig_collect_fact(ccsig_collect *c, ccsig_fact_kind k, unsigned rank, ccsig_str value,
                        const ccsig_provenance *src) {
    value = src_trim(value);
    if (!value.len || (unsigned)k >= CCSIG_FACT_KIND_COUNT)
        return;
    for (size_t i = 0; i < c->nfacts; i++)
        if (c->facts[i].kind == k && ccsig_str_eq_str(c->facts[i].value, value))
            return;
    if (c->nfacts >= c->facts_cap) {
        c->facts_dropped++;
        return;
    }
    ccsig_fact *f = &c->facts[c->nfacts++];
    f->kind = k;
    f->rank = rank ? CCSIG_FACT_SPECIFIC : CCSIG_FACT_GENERIC;
    f->value = value;
    f->src = *src;
}

const ccsig_fact *ccsig_collect_fact_best(const ccsig_collect *c, ccsig_fact_kind k) {
    const ccsig_fact *best = NULL;
    for (size_t i = 0; i < c->nfacts; i++)
        if (c->facts[i].kind == k && (!best || c->facts[i].rank > best->rank))
            best = &c->facts[i];
    return best;
}

void ccsig_collect_tdm(ccsig_collect *c, ccsig_tdm_level level, int reservation, ccsig_str policy,
                       const ccsig_provenance *src) {
    if ((unsigned)level >= CCSIG_TDM_LEVELS || !c->tdm)
        return;
    ccsig_tdm_value *v = &c->tdm[level];
    if (reservation == 0 || reservation == 1) {
        if (v->conflict) {
            /* stays unset */
        } else if (v->reservation >= 0 && v->reservation != reservation) {
            v->conflict = true;
            v->reservation = -1;
            ccsig_collect_note(c, src,
                               "tdm-reservation is given as both 0 and 1 at the %s level: a "
                               "TDMRep protocol error, so that level states no reservation",
                               ccsig_tdm_level_name(level));
        } else if (v->reservation < 0) {
            v->reservation = (int8_t)reservation;
            v->src = *src;
        }
    }
    if (policy.len && !v->policy.len) {
        v->policy = policy;
        v->policy_src = *src;
    }
}

void ccsig_collect_finish(ccsig_collect *c) {
    if (c->finished || !c->tdm)
        return;
    c->finished = true;
    int res = -1, rl = -1, pl = -1;
    for (int l = CCSIG_TDM_LEVELS - 1; l >= 0; l--) {
        if (rl < 0 && c->tdm[l].reservation >= 0) {
            rl = l;
            res = c->tdm[l].reservation;
        }
        if (pl < 0 && c->tdm[l].policy.len)
            pl = l;
    }
    for (int l = 0; l < rl; l++)
        if (c->tdm[l].reservation >= 0 && c->tdm[l].reservation != res)
            ccsig_collect_note(c, &c->tdm[rl].src,
                               "tdm-reservation %d at the %s level supersedes %d at the %s level "
                               "(TDMRep precedence)",
                               res, ccsig_tdm_level_name((ccsig_tdm_level)rl),
                               c->tdm[l].reservation, ccsig_tdm_level_name((ccsig_tdm_level)l));
    if (res < 0) {
        if (pl >= 0)
            ccsig_collect_note(c, &c->tdm[pl].policy_src,
                               "tdm-policy without tdm-reservation: TDMRep ignores it");
        return;
    }
    bool policy = res == 1 && pl >= 0;
    if (res == 0 && pl >= 0)
        ccsig_collect_note(c, &c->tdm[pl].policy_src,
                           "tdm-policy is ignored because tdm-reservation is 0");
    ccsig_statement *st = ccsig_collect_add(c, c->tdm[rl].src.kind);
    if (!st)
        return;
    st->src = c->tdm[rl].src;
    unsigned cond = policy ? CCSIG_COND_POLICY : 0;
    ccsig_str label = CCSIG_STR_LIT("tdm-reservation");
    if (res) {
        ccsig_statement_set(st, CCSIG_CAT_TRAIN_AI, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, cond,
                            label);
        ccsig_statement_set(st, CCSIG_CAT_AI_USE, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, cond, label);
    } else {
        ccsig_statement_set(st, CCSIG_CAT_AUTOMATED_PROCESSING, CCSIG_STATE_ALLOW,
                            CCSIG_SIGNAL_NONE, 0, label);
    }
    if (policy)
        ccsig_collect_link(c, CCSIG_LINK_TDM_POLICY, c->tdm[pl].policy, ccsig_str_make("", 0),
                           &c->tdm[pl].policy_src);
}
