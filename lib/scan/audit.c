/*
 * audit.c — restriction classes, transitions and adoption across snapshots
 * of robots.txt captures (see ccsig/audit.h).
 *
 * Design. Snapshots come in date order. The robots store
 * (ccsig/robots_store.h) indexes a snapshot's captures and hands each site's
 * body over once (ccsig_robots_store_each); the file is compiled twice, once
 * per reader (ccsig_robots_compile_opts: Google's groups, naive groups), and
 * classified for every agent of the list. The class of an agent that the
 * file does not name is the class of the `*` groups, computed once per file.
 *
 * Per domain the audit keeps only the classes of the previous snapshot,
 * packed two bits each (agents and categories, both readers), so memory
 * grows with domains, not captures. Every figure is a count or a weight sum
 * per snapshot: shards add up (ccsig_audit_merge_json).
 *
 * The classifier reads the compiled groups (robots_internal.h) instead of
 * probing URLs: "all" needs to know that no Allow rule reopens any path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../robots_internal.h"
#include "../declare_internal.h"
#include "../sources/json.h"
#include "ccsig/alloc.h"
#include "ccsig/audit.h"
#include "ccsig/robots.h"
#include "ccsig/robots_store.h"
#include "ccsig/url.h"
#include "ccsig/vocab.h"

#define NCLS CCSIG_AUDIT_CLASSES
#define NCAT CCSIG_AUDIT_CATEGORIES
#define NREAD CCSIG_AUDIT_READERS
#define NSIG (CCSIG_SIGNAL_COUNT - 1)
#define NADOPT (CCSIG_AUDIT_MECHANISMS + NSIG)
#define TOKEN_MAX 64

typedef struct counts {
    uint64_t n[NCLS], w[NCLS];
} counts;

typedef struct trans {
    uint64_t n[NCLS][NCLS], w[NCLS][NCLS];
} trans;

typedef struct named {
    char tok[TOKEN_MAX]; /* lowercased; "" for an empty slot */
    uint64_t n;
} named;

typedef struct snap {
    char label[64];
    uint64_t present, wpresent, absent, wabsent;
    counts *agent[NREAD]; /* nagents each */
    counts cat[NREAD][NCAT];
    trans *tagent[NREAD];
    trans tcat[NREAD][NCAT];
    uint64_t adopt[NADOPT], wadopt[NADOPT];
    named *names;
    size_t names_cap, names_n;
} snap;

typedef struct agent {
    char tok[TOKEN_MAX];
    ccsig_audit_category cat;
} agent;

typedef struct dom_entry {
    char *name;
    uint64_t weight;
    uint32_t seen; /* snapshot index + 1 of the last capture counted */
    bool listed;
    uint16_t ann;      /* mechanisms from annotations ... */
    uint32_t ann_snap; /* ... of this snapshot (index + 1) */
} dom_entry;

struct ccsig_audit {
    unsigned shard_i, shard_n;
    agent *agents;
    size_t nagents;
    bool listed; /* a domain list was given */
    dom_entry *dom;
    size_t ndom, capdom;
    uint32_t *slots; /* domain index + 1 */
    size_t nslots;
    uint8_t *cls; /* ndom * stride: previous classes, 2 bits each */
    size_t stride;
    snap *snaps;
    size_t nsnaps;
    bool open;        /* between begin and end */
    unsigned readers; /* readers the writers show (bits); 0: both */
    /* per capture scratch */
    uint8_t cur[NREAD][CCSIG_AUDIT_MAX_AGENTS + NCAT];
};

static const char *const class_names[NCLS] = {"absent", "none", "some", "all"};
static const char *const cat_names[NCAT] = {"ai-training", "ai-search", "ai-assistant", "ai-other",
                                            "search"};
static const char *const mech_names[CCSIG_AUDIT_MECHANISMS] = {
    "content-usage",  "cu-current",  "cu-legacy",      "cc-signal",
    "content-signal", "rsl-license", "names-ai-agent", "header-content-usage",
    "tdmrep",         "noai"};
static const char *const reader_names[NREAD] = {"exact", "naive"};
static const char *const search_engines[] = {"Googlebot", "Bingbot", "DuckDuckBot", "YandexBot",
                                             "Baiduspider"};

const char *ccsig_audit_class_name(ccsig_audit_class c) {
    return (unsigned)c < NCLS ? class_names[c] : "?";
}

const char *ccsig_audit_category_name(ccsig_audit_category c) {
    return (unsigned)c < NCAT ? cat_names[c] : "?";
}

const char *ccsig_audit_mechanism_name(unsigned i) {
    return i < CCSIG_AUDIT_MECHANISMS ? mech_names[i] : NULL;
}

/* Name of adoption slot i: a mechanism or a CC signal token. */
static const char *adopt_name(unsigned i) {
    return i < CCSIG_AUDIT_MECHANISMS
               ? mech_names[i]
               : ccsig_signal_token((ccsig_signal)(i - CCSIG_AUDIT_MECHANISMS + 1));
}

static uint64_t hash_bytes(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        h ^= (uint64_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        h *= 1099511628211ull;
    }
    return h;
}

/* ------------------------------------------------------------ lifetime -- */

ccsig_audit *ccsig_audit_new(unsigned shard_i, unsigned shard_n) {
    ccsig_audit *a = ccsig_calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->shard_n = shard_n > 1 ? shard_n : 1;
    a->shard_i = shard_n > 1 ? shard_i % shard_n : 0;
    return a;
}

static void snap_free(snap *s) {
    for (int r = 0; r < NREAD; r++) {
        ccsig_free(s->agent[r]);
        ccsig_free(s->tagent[r]);
    }
    ccsig_free(s->names);
}

void ccsig_audit_free(ccsig_audit *a) {
    if (!a)
        return;
    for (size_t i = 0; i < a->ndom; i++)
        ccsig_free(a->dom[i].name);
    ccsig_free(a->dom);
    ccsig_free(a->slots);
    ccsig_free(a->cls);
    for (size_t i = 0; i < a->nsnaps; i++)
        snap_free(&a->snaps[i]);
    ccsig_free(a->snaps);
    ccsig_free(a->agents);
    ccsig_free(a);
}

/* -------------------------------------------------------------- agents -- */

static bool token_ok(const char *p, size_t n) {
    if (n == 0 || n >= TOKEN_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

int ccsig_audit_agent_index(const ccsig_audit *a, const char *token) {
    size_t n = strlen(token);
    for (size_t i = 0; i < a->nagents; i++)
        if (strlen(a->agents[i].tok) == n &&
            ccsig_str_ieq_n(ccsig_str_make(a->agents[i].tok, n), token, n))
            return (int)i;
    return -1;
}

ccsig_status ccsig_audit_add_agent(ccsig_audit *a, const char *token, size_t len,
                                   ccsig_audit_category cat, ccsig_error *err) {
    if (a->nsnaps || a->open)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "agents are added before any snapshot");
    if (!token_ok(token, len) || (unsigned)cat >= NCAT)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "'%.*s' is not a product token",
                               (int)(len > 80 ? 80 : len), token);
    char t[TOKEN_MAX];
    memcpy(t, token, len);
    t[len] = '\0';
    if (ccsig_audit_agent_index(a, t) >= 0)
        return CCSIG_OK;
    if (a->nagents == CCSIG_AUDIT_MAX_AGENTS)
        return ccsig_error_set(err, CCSIG_ERR_LIMIT, 0, "more than %d agents",
                               CCSIG_AUDIT_MAX_AGENTS);
    agent *na = ccsig_realloc(a->agents, (a->nagents + 1) * sizeof *na);
    if (!na)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    a->agents = na;
    memcpy(na[a->nagents].tok, t, len + 1);
    na[a->nagents++].cat = cat;
    return CCSIG_OK;
}

ccsig_status ccsig_audit_add_search_engines(ccsig_audit *a, ccsig_error *err) {
    for (size_t i = 0; i < sizeof search_engines / sizeof *search_engines; i++) {
        ccsig_status s = ccsig_audit_add_agent(a, search_engines[i], strlen(search_engines[i]),
                                               CCSIG_AUDIT_SEARCH, err);
        if (s)
            return s;
    }
    return CCSIG_OK;
}

ccsig_status ccsig_audit_add_default_agents(ccsig_audit *a, ccsig_error *err) {
    static const struct {
        const char *tok;
        ccsig_audit_category cat;
    } def[] = {{"GPTBot", CCSIG_AUDIT_AI_TRAINING},
               {"CCBot", CCSIG_AUDIT_AI_TRAINING},
               {"ClaudeBot", CCSIG_AUDIT_AI_TRAINING},
               {"anthropic-ai", CCSIG_AUDIT_AI_TRAINING},
               {"Google-Extended", CCSIG_AUDIT_AI_TRAINING},
               {"Applebot-Extended", CCSIG_AUDIT_AI_TRAINING},
               {"Bytespider", CCSIG_AUDIT_AI_TRAINING},
               {"meta-externalagent", CCSIG_AUDIT_AI_TRAINING},
               {"OAI-SearchBot", CCSIG_AUDIT_AI_SEARCH},
               {"PerplexityBot", CCSIG_AUDIT_AI_SEARCH},
               {"Claude-SearchBot", CCSIG_AUDIT_AI_SEARCH},
               {"ChatGPT-User", CCSIG_AUDIT_AI_ASSISTANT},
               {"Claude-User", CCSIG_AUDIT_AI_ASSISTANT},
               {"Perplexity-User", CCSIG_AUDIT_AI_ASSISTANT}};
    for (size_t i = 0; i < sizeof def / sizeof *def; i++) {
        ccsig_status s = ccsig_audit_add_agent(a, def[i].tok, strlen(def[i].tok), def[i].cat, err);
        if (s)
            return s;
    }
    return ccsig_audit_add_search_engines(a, err);
}

void ccsig_audit_set_readers(ccsig_audit *a, unsigned mask) {
    a->readers = mask & 3u;
}

static bool shows(const ccsig_audit *a, int r) {
    return !a->readers || (a->readers & (1u << r));
}

static bool has_word(ccsig_str s, const char *w) {
    size_t n = strlen(w);
    for (size_t i = 0; i + n <= s.len; i++)
        if (ccsig_str_ieq_n(ccsig_str_make(s.p + i, n), w, n))
            return true;
    return false;
}

/* The category of an ai-robots-txt "function" text. */
static ccsig_audit_category categorise(ccsig_str f) {
    if (has_word(f, "search"))
        return CCSIG_AUDIT_AI_SEARCH;
    if (has_word(f, "assistant") || has_word(f, "agent") || has_word(f, "user"))
        return CCSIG_AUDIT_AI_ASSISTANT;
    if (has_word(f, "train") || has_word(f, "scrap") || has_word(f, "data") ||
        has_word(f, "learning") || has_word(f, "llm"))
        return CCSIG_AUDIT_AI_TRAINING;
    return CCSIG_AUDIT_AI_OTHER;
}

ccsig_status ccsig_audit_agents_json(ccsig_audit *a, const char *p, size_t len, ccsig_error *err) {
    ccsig_arena ar;
    ccsig_arena_init(&ar, 0);
    src_json *root = NULL;
    ccsig_status s = src_json_parse(&ar, p, len, &root, err);
    if (s == CCSIG_OK && root->type != SRC_JSON_OBJECT) {
        s = ccsig_error_set(err, CCSIG_ERR_SYNTAX, root->start,
                            "expected an object of agent names, found %s",
                            src_json_type_name(root->type));
        err->line = root->line;
        err->column = 1;
    }
    for (const src_json *m = s ? NULL : root->child; m; m = m->next) {
        if (m->type != SRC_JSON_OBJECT) {
            s = ccsig_error_set(
                err, CCSIG_ERR_SYNTAX, m->start, "agent \"%.*s\": expected an object, found %s",
                (int)(m->key.len > 80 ? 80 : m->key.len), m->key.p, src_json_type_name(m->type));
            err->line = m->line;
            err->column = 1;
            break;
        }
        const src_json *f = src_json_get(m, "function");
        ccsig_str fn = f && f->type == SRC_JSON_STRING ? f->str : ccsig_str_make("", 0);
        /* Names that are no product token (spaces, slashes) cannot be named
         * in a User-agent line as one group: skipped. */
        ccsig_str tok = ccsig_robots_product_token(m->key.p, m->key.len);
        if (tok.len != m->key.len || !token_ok(tok.p, tok.len))
            continue;
        if ((s = ccsig_audit_add_agent(a, tok.p, tok.len, categorise(fn), err)))
            break;
    }
    ccsig_arena_free(&ar);
    return s ? s : ccsig_audit_add_search_engines(a, err);
}

/* ------------------------------------------------------------- domains -- */

static bool in_shard(const ccsig_audit *a, const char *name) {
    return a->shard_n <= 1 || hash_bytes(name, strlen(name)) % a->shard_n == a->shard_i;
}

static long find_domain(const ccsig_audit *a, const char *name) {
    if (!a->nslots)
        return -1;
    size_t i = (size_t)hash_bytes(name, strlen(name)) & (a->nslots - 1);
    while (a->slots[i]) {
        if (!strcmp(a->dom[a->slots[i] - 1].name, name))
            return (long)a->slots[i] - 1;
        i = (i + 1) & (a->nslots - 1);
    }
    return -1;
}

static void put_slot(ccsig_audit *a, size_t idx) {
    const char *name = a->dom[idx].name;
    size_t i = (size_t)hash_bytes(name, strlen(name)) & (a->nslots - 1);
    while (a->slots[i])
        i = (i + 1) & (a->nslots - 1);
    a->slots[i] = (uint32_t)idx + 1;
}

/* Add a domain (lowercase name); returns its index or -1 (no memory). */
static long add_domain(ccsig_audit *a, const char *name, size_t n, uint64_t weight, bool listed) {
    if ((a->ndom + 1) * 2 > a->nslots) {
        size_t ns = a->nslots ? a->nslots * 2 : 1024;
        uint32_t *sl = ccsig_calloc(ns, sizeof *sl);
        if (!sl)
            return -1;
        ccsig_free(a->slots);
        a->slots = sl;
        a->nslots = ns;
        for (size_t i = 0; i < a->ndom; i++)
            put_slot(a, i);
    }
    if (a->ndom == a->capdom) {
        size_t nc = a->capdom ? a->capdom * 2 : 1024;
        dom_entry *nd = ccsig_realloc(a->dom, nc * sizeof *nd);
        if (!nd)
            return -1;
        a->dom = nd;
        uint8_t *nc2 = a->stride ? ccsig_realloc(a->cls, nc * a->stride) : NULL;
        if (a->stride && !nc2)
            return -1;
        if (a->stride) {
            memset(nc2 + a->capdom * a->stride, 0, (nc - a->capdom) * a->stride);
            a->cls = nc2;
        }
        a->capdom = nc;
    }
    char *d = ccsig_malloc(n + 1);
    if (!d)
        return -1;
    for (size_t i = 0; i < n; i++)
        d[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    d[n] = '\0';
    a->dom[a->ndom] = (dom_entry){d, weight, 0, listed, 0, 0};
    put_slot(a, a->ndom);
    return (long)a->ndom++;
}

/* One CSV record of p[*pos..len) into fields (RFC 4180: quoted fields with
 * "" for a quote; CRLF or LF ends a record). Fields point into p or, when
 * quoted with "", into tmp. Returns the number of fields (at most max), 0 at
 * the end, -1 for an unterminated quote (*pos at the quote). */
typedef struct csv_field {
    const char *p;
    size_t n;
    size_t col;
} csv_field;

static int csv_record(const char *p, size_t len, size_t *pos, unsigned *line, csv_field *f, int max,
                      ccsig_buf *tmp) {
    size_t i = *pos;
    if (i >= len)
        return 0;
    int nf = 0;
    size_t line_start = i;
    ccsig_buf_clear(tmp);
    /* Quoted fields are copied into tmp; offsets first, pointers after. */
    size_t offs[16];
    bool inbuf[16];
    for (;;) {
        size_t col = i - line_start + 1;
        const char *start = p + i;
        size_t flen = 0;
        bool quoted = i < len && p[i] == '"';
        size_t off = tmp->len;
        if (quoted) {
            size_t q = i++;
            for (;;) {
                if (i >= len) {
                    *pos = q;
                    return -1;
                }
                if (p[i] == '"') {
                    if (i + 1 < len && p[i + 1] == '"') {
                        ccsig_buf_putc(tmp, '"');
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (p[i] == '\n')
                    (*line)++;
                ccsig_buf_putc(tmp, p[i++]);
            }
            flen = tmp->len - off;
            while (i < len && p[i] != ',' && p[i] != '\n' && p[i] != '\r')
                i++; /* bytes after the closing quote are ignored */
        } else {
            while (i < len && p[i] != ',' && p[i] != '\n' && p[i] != '\r')
                i++;
            flen = (size_t)(p + i - start);
        }
        if (nf < max && nf < 16) {
            f[nf] = (csv_field){quoted ? NULL : start, flen, col};
            offs[nf] = off;
            inbuf[nf] = quoted;
            nf++;
        }
        if (i < len && p[i] == ',') {
            i++;
            continue;
        }
        break;
    }
    if (i < len && p[i] == '\r')
        i++;
    if (i < len && p[i] == '\n')
        i++;
    (*line)++;
    *pos = i;
    for (int k = 0; k < nf; k++)
        if (inbuf[k])
            f[k].p = tmp->data ? tmp->data + offs[k] : "";
    return nf;
}

static bool parse_u64(ccsig_str s, uint64_t *out) {
    s = ccsig_str_trim_ows(s.p, s.len);
    if (!s.len)
        return false;
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.len && s.p[i] >= '0' && s.p[i] <= '9'; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(s.p[i] - '0');
    }
    /* "123.0" (a spreadsheet's float) reads as 123 */
    if (i < s.len && s.p[i] == '.') {
        for (i++; i < s.len && s.p[i] == '0'; i++)
            ;
    }
    if (i != s.len)
        return false;
    *out = v;
    return true;
}

static bool field_is(const csv_field *f, const char *name) {
    ccsig_str s = ccsig_str_trim_ows(f->p, f->n);
    return s.len == strlen(name) && ccsig_str_ieq_n(s, name, s.len);
}

ccsig_status ccsig_audit_domains_csv(ccsig_audit *a, const char *p, size_t len, ccsig_error *err) {
    if (a->nsnaps || a->open)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "domains are added before any snapshot");
    size_t pos = 0;
    unsigned line = 1;
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        pos = 3;
    csv_field f[16];
    ccsig_buf tmp = CCSIG_BUF_INIT;
    int dcol = 0, wcol = 1;
    bool first = true;
    ccsig_status st = CCSIG_OK;
    a->listed = true;
    for (;;) {
        unsigned rec_line = line;
        size_t rec_pos = pos;
        int nf = csv_record(p, len, &pos, &line, f, 16, &tmp);
        if (nf == 0)
            break;
        if (nf < 0) {
            st = ccsig_error_set(err, CCSIG_ERR_SYNTAX, pos, "a quoted field is not closed");
            err->line = rec_line;
            err->column = (unsigned)(pos - rec_pos + 1);
            break;
        }
        if (ccsig_buf_failed(&tmp)) {
            st = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
            break;
        }
        if (first) {
            first = false;
            int d = -1, w = -1;
            for (int k = 0; k < nf; k++) {
                if (field_is(&f[k], "domain"))
                    d = k;
                else if (w < 0 && (field_is(&f[k], "total tokens") || field_is(&f[k], "tokens") ||
                                   field_is(&f[k], "weight")))
                    w = k;
            }
            if (d >= 0) {
                dcol = d;
                wcol = w;
                continue;
            }
        }
        if (nf == 1 && ccsig_str_trim_ows(f[0].p, f[0].n).len == 0)
            continue; /* a blank line */
        if (dcol >= nf || ccsig_str_trim_ows(f[dcol].p, f[dcol].n).len == 0) {
            st = ccsig_error_set(err, CCSIG_ERR_SYNTAX, rec_pos, "expected a domain in column %d",
                                 dcol + 1);
            err->line = rec_line;
            err->column = dcol < nf ? (unsigned)f[dcol].col : 1;
            break;
        }
        uint64_t w = 1;
        if (wcol >= 0 && wcol < nf && ccsig_str_trim_ows(f[wcol].p, f[wcol].n).len &&
            !parse_u64(ccsig_str_make(f[wcol].p, f[wcol].n), &w)) {
            st = ccsig_error_set(err, CCSIG_ERR_SYNTAX, rec_pos,
                                 "expected a weight (a non-negative integer), found '%.*s'",
                                 (int)(f[wcol].n > 40 ? 40 : f[wcol].n), f[wcol].p);
            err->line = rec_line;
            err->column = (unsigned)f[wcol].col;
            break;
        }
        ccsig_str d = ccsig_str_trim_ows(f[dcol].p, f[dcol].n);
        char name[300];
        if (d.len >= sizeof name) {
            st = ccsig_error_set(err, CCSIG_ERR_SYNTAX, rec_pos, "domain longer than %zu bytes",
                                 sizeof name - 1);
            err->line = rec_line;
            err->column = (unsigned)f[dcol].col;
            break;
        }
        for (size_t i = 0; i < d.len; i++)
            name[i] = (char)(d.p[i] >= 'A' && d.p[i] <= 'Z' ? d.p[i] + 32 : d.p[i]);
        name[d.len] = '\0';
        long idx = find_domain(a, name);
        if (idx >= 0) {
            a->dom[idx].weight += w; /* a repeated domain adds up */
            continue;
        }
        if (!in_shard(a, name))
            continue;
        if (add_domain(a, name, d.len, w, true) < 0) {
            st = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
            break;
        }
    }
    ccsig_buf_free(&tmp);
    return st;
}

/* ----------------------------------------------------------- classify -- */

static ccsig_audit_class classify(const ccsig_robots *r, ccsig_robots_agent sel) {
    if (!sel.count)
        return CCSIG_AUDIT_NONE;
    const uint32_t *gl = r->glist + sel.first;
    bool dis = false, allow = false;
    for (uint32_t k = 0; k < sel.count; k++) {
        const robots_group *g = &r->groups[gl[k]];
        for (uint32_t j = 0; j < g->acc_n; j++) {
            const robots_rule *ru = &r->access[g->acc_first + j];
            if (ru->pat_len == 0)
                continue; /* an empty pattern decides nothing */
            if (ru->allow)
                allow = true;
            else
                dis = true;
        }
    }
    if (!dis)
        return CCSIG_AUDIT_NONE;
    const robots_rule *rule;
    if (!allow && !robots_decide(r, gl, sel.count, "/", 1, &rule))
        return CCSIG_AUDIT_ALL;
    return CCSIG_AUDIT_SOME;
}

/* Mechanisms of a compiled file, and its CC signal bits (1 << signal). */
static unsigned mechanisms(const ccsig_robots *r, unsigned *signals) {
    unsigned m = 0, sig = 0;
    bool cur = false, legacy = false;
    if (r->nusage)
        m |= CCSIG_AUDIT_M_CONTENT_USAGE;
    for (size_t i = 0; i < r->nusage; i++) {
        const ccsig_statement *st = &r->stmts[r->usage[i].stmt];
        for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
            const ccsig_pref *pf = &st->cat[c];
            if (pf->signal != CCSIG_SIGNAL_NONE && pf->signal < CCSIG_SIGNAL_COUNT)
                sig |= 1u << pf->signal;
            if (!pf->label.len)
                continue;
            const ccsig_label_info *li = ccsig_vocab_lookup(pf->label.p, pf->label.len);
            if (li && li->current)
                cur = true;
            else if (li)
                legacy = true;
        }
    }
    if (cur)
        m |= CCSIG_AUDIT_M_CU_CURRENT;
    else if (legacy)
        m |= CCSIG_AUDIT_M_CU_LEGACY;
    if (sig)
        m |= CCSIG_AUDIT_M_CC_SIGNAL;
    if (r->info.signal_rules)
        m |= CCSIG_AUDIT_M_CONTENT_SIGNAL;
    if (r->nlicenses)
        m |= CCSIG_AUDIT_M_RSL_LICENSE;
    *signals = sig;
    return m;
}

/* ---------------------------------------------------------- snapshots -- */

static unsigned slots_per_domain(const ccsig_audit *a) {
    return (unsigned)(a->nagents + NCAT) * NREAD;
}

static ccsig_audit_class get_prev(const ccsig_audit *a, size_t d, unsigned k) {
    return (ccsig_audit_class)((a->cls[d * a->stride + k / 4] >> (2 * (k % 4))) & 3);
}

static void set_prev(ccsig_audit *a, size_t d, unsigned k, ccsig_audit_class c) {
    uint8_t *b = &a->cls[d * a->stride + k / 4];
    *b = (uint8_t)((*b & ~(3u << (2 * (k % 4)))) | ((unsigned)c << (2 * (k % 4))));
}

static bool label_ok(const char *l) {
    size_t n = strlen(l);
    if (n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)l[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':'))
            return false;
    }
    return true;
}

static bool snap_alloc(snap *s, size_t nagents) {
    for (int r = 0; r < NREAD; r++) {
        s->agent[r] = ccsig_calloc(nagents ? nagents : 1, sizeof(counts));
        s->tagent[r] = ccsig_calloc(nagents ? nagents : 1, sizeof(trans));
        if (!s->agent[r] || !s->tagent[r])
            return false;
    }
    return true;
}

static ccsig_status new_snap(ccsig_audit *a, const char *label, ccsig_error *err) {
    snap *ns = ccsig_realloc(a->snaps, (a->nsnaps + 1) * sizeof *ns);
    if (!ns)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    a->snaps = ns;
    snap *s = &ns[a->nsnaps++];
    memset(s, 0, sizeof *s);
    snprintf(s->label, sizeof s->label, "%s", label);
    if (!snap_alloc(s, a->nagents))
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    return CCSIG_OK;
}

ccsig_status ccsig_audit_begin(ccsig_audit *a, const char *label, ccsig_error *err) {
    if (a->open)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "a snapshot is already open");
    if (!label_ok(label))
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                               "snapshot label '%s': expected 1 to 63 of [A-Za-z0-9._:-]", label);
    if (a->nsnaps && strcmp(a->snaps[a->nsnaps - 1].label, label) >= 0)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                               "snapshot '%s' does not come after '%s' (give them in date order)",
                               label, a->snaps[a->nsnaps - 1].label);
    if (!a->stride) {
        a->stride = (slots_per_domain(a) + 3) / 4;
        if (a->capdom) {
            a->cls = ccsig_calloc(a->capdom, a->stride);
            if (!a->cls)
                return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        }
    }
    ccsig_status st = new_snap(a, label, err);
    if (st)
        return st;
    a->open = true;
    return CCSIG_OK;
}

/* Count one token named in a file. */
static bool count_name(snap *s, const char *tok, size_t n) {
    if (n == 0 || n >= TOKEN_MAX)
        return true;
    if ((s->names_n + 1) * 2 > s->names_cap) {
        size_t nc = s->names_cap ? s->names_cap * 2 : 256;
        named *nv = ccsig_calloc(nc, sizeof *nv);
        if (!nv)
            return false;
        for (size_t i = 0; i < s->names_cap; i++) {
            if (!s->names[i].tok[0])
                continue;
            size_t j = (size_t)hash_bytes(s->names[i].tok, strlen(s->names[i].tok)) & (nc - 1);
            while (nv[j].tok[0])
                j = (j + 1) & (nc - 1);
            nv[j] = s->names[i];
        }
        ccsig_free(s->names);
        s->names = nv;
        s->names_cap = nc;
    }
    char low[TOKEN_MAX];
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(tok[i] >= 'A' && tok[i] <= 'Z' ? tok[i] + 32 : tok[i]);
    low[n] = '\0';
    size_t j = (size_t)hash_bytes(low, n) & (s->names_cap - 1);
    while (s->names[j].tok[0] && strcmp(s->names[j].tok, low))
        j = (j + 1) & (s->names_cap - 1);
    if (!s->names[j].tok[0]) {
        memcpy(s->names[j].tok, low, n + 1);
        s->names_n++;
    }
    s->names[j].n++;
    return true;
}

static void add_counts(counts *c, ccsig_audit_class k, uint64_t w) {
    c->n[k]++;
    c->w[k] += w;
}

static void add_trans(trans *t, ccsig_audit_class from, ccsig_audit_class to, uint64_t w) {
    t->n[from][to]++;
    t->w[from][to] += w;
}

/* The domain entry for a name (lowercased into name[]), added when there is
 * no list; -1 when it is not counted (unlisted, another shard), -2 when out
 * of memory. */
static long domain_for(ccsig_audit *a, const char *domain, char name[300]) {
    size_t n = strlen(domain);
    if (n == 0 || n >= 300)
        return -1;
    for (size_t i = 0; i <= n; i++)
        name[i] = (char)(domain[i] >= 'A' && domain[i] <= 'Z' ? domain[i] + 32 : domain[i]);
    long d = find_domain(a, name);
    if (d < 0 && a->listed) {
        /* www.example.org for example.org and the other way round */
        char alt[310];
        if (!strncmp(name, "www.", 4))
            snprintf(alt, sizeof alt, "%s", name + 4);
        else
            snprintf(alt, sizeof alt, "www.%s", name);
        return find_domain(a, alt);
    }
    if (d < 0) {
        if (!in_shard(a, name))
            return -1;
        if ((d = add_domain(a, name, n, 1, false)) < 0)
            return -2;
    }
    return d;
}

/* Mechanisms of one annotation source. */
static unsigned source_mechanisms(const src_json *src) {
    const src_json *k = src_json_get(src, "kind"), *o = src_json_get(src, "origin"),
                   *t = src_json_get(src, "text");
    if (!k || k->type != SRC_JSON_STRING)
        return 0;
    ccsig_str origin = o && o->type == SRC_JSON_STRING ? o->str : ccsig_str_make("", 0);
    ccsig_str text = t && t->type == SRC_JSON_STRING ? t->str : ccsig_str_make("", 0);
    unsigned m = 0;
    if (ccsig_str_eq(k->str, "tdmrep") || has_word(origin, "tdm-"))
        m |= CCSIG_AUDIT_M_TDMREP;
    if (ccsig_str_eq(k->str, "header") && CCSIG_STR_IEQ(origin, "Content-Usage"))
        m |= CCSIG_AUDIT_M_HEADER_CU;
    if ((ccsig_str_eq(k->str, "header") || ccsig_str_eq(k->str, "html")) &&
        (has_word(text, "noai") || has_word(text, "noimageai")))
        m |= CCSIG_AUDIT_M_NOAI;
    return m;
}

/* Read one annotations file into the domains' ann bits for snapshot si. */
static ccsig_status read_annotations(ccsig_audit *a, const char *path, uint32_t si,
                                     ccsig_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return ccsig_error_set(err, CCSIG_ERR_IO, 0, "%s: cannot read", path);
    ccsig_arena ar;
    ccsig_arena_init(&ar, 0);
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    unsigned lineno = 0;
    ccsig_status st = CCSIG_OK;
    while (st == CCSIG_OK && (got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        ccsig_str l = ccsig_str_trim_ows(line, (size_t)got);
        if (!l.len)
            continue;
        ccsig_arena_reset(&ar);
        src_json *j = NULL;
        ccsig_error e;
        const src_json *url = NULL, *srcs = NULL;
        if (src_json_parse(&ar, l.p, l.len, &j, &e) == CCSIG_OK && j->type == SRC_JSON_OBJECT) {
            url = src_json_get(j, "url");
            srcs = src_json_get(j, "sources");
        }
        ccsig_url u;
        char key[600];
        if (!url || url->type != SRC_JSON_STRING || !srcs || srcs->type != SRC_JSON_ARRAY) {
            st = ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                 "%s:%u: not a ccsig scan annotation (expected a JSON object "
                                 "with \"url\" and \"sources\")",
                                 path, lineno);
            err->line = lineno;
            err->column = 1;
            break;
        }
        if (!ccsig_url_split(url->str, &u) || !ccsig_url_site(&u, key, sizeof key))
            continue;
        unsigned m = 0;
        for (const src_json *s = srcs->child; s; s = s->next)
            if (s->type == SRC_JSON_OBJECT)
                m |= source_mechanisms(s);
        const char *host = strstr(key, "://");
        char name[300];
        long d = domain_for(a, host ? host + 3 : key, name);
        if (d == -2)
            st = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        if (d < 0)
            continue;
        if (a->dom[d].ann_snap != si) {
            a->dom[d].ann_snap = si;
            a->dom[d].ann = 0;
        }
        a->dom[d].ann |= (uint16_t)m;
    }
    free(line);
    fclose(f);
    ccsig_arena_free(&ar);
    return st;
}

ccsig_status ccsig_audit_capture(ccsig_audit *a, const char *domain, int status, const char *body,
                                 size_t len, const ccsig_audit_snapshot_options *opt,
                                 ccsig_error *err) {
    if (!a->open)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "no snapshot is open");
    char name[300];
    long d = domain_for(a, domain, name);
    if (d == -2)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    if (d < 0)
        return CCSIG_OK; /* not in the list, or in another shard */
    snap *s = &a->snaps[a->nsnaps - 1];
    uint32_t si = (uint32_t)a->nsnaps;
    dom_entry *dm = &a->dom[d];
    if (dm->seen == si)
        return CCSIG_OK; /* one capture per domain and snapshot (the first) */
    dm->seen = si;
    uint64_t w = dm->weight;
    unsigned mech = 0, sig = 0;
    ccsig_robots *m[NREAD] = {NULL, NULL};
    for (int r = 0; r < NREAD; r++) {
        ccsig_audit_class fixed = CCSIG_AUDIT_ABSENT;
        if (status >= 200 && status < 300) {
            ccsig_robots_compile_options o = {r == CCSIG_AUDIT_EXACT ? CCSIG_ROBOTS_GROUPS_GOOGLE
                                                                     : CCSIG_ROBOTS_GROUPS_NAIVE};
            ccsig_status cs =
                ccsig_robots_compile_opts(body ? body : "", body ? len : 0, NULL, &o, &m[r], err);
            if (cs) {
                ccsig_robots_free(m[0]);
                return cs;
            }
        } else if (status >= 400 && status < 500) {
            fixed = CCSIG_AUDIT_NONE;
        } else {
            fixed = CCSIG_AUDIT_ALL; /* 5xx, no status, a redirect that leads nowhere known */
        }
        ccsig_audit_class star = fixed;
        if (m[r])
            star = classify(m[r], ccsig_robots_select(m[r], "*", 1));
        ccsig_audit_class catc[NCAT] = {0};
        for (size_t i = 0; i < a->nagents; i++) {
            ccsig_audit_class c = star;
            if (m[r]) {
                ccsig_robots_agent sel =
                    ccsig_robots_select(m[r], a->agents[i].tok, strlen(a->agents[i].tok));
                if (sel.specific) {
                    c = classify(m[r], sel);
                    if (r == CCSIG_AUDIT_EXACT && a->agents[i].cat != CCSIG_AUDIT_SEARCH)
                        mech |= CCSIG_AUDIT_M_NAMES_AI;
                }
            }
            a->cur[r][i] = (uint8_t)c;
            if (c > catc[a->agents[i].cat])
                catc[a->agents[i].cat] = c;
        }
        for (int c = 0; c < NCAT; c++)
            a->cur[r][a->nagents + c] = (uint8_t)catc[c]; /* absent: no agent */
    }
    if (dm->ann_snap == si)
        mech |= dm->ann;
    if (m[CCSIG_AUDIT_EXACT]) {
        mech |= mechanisms(m[CCSIG_AUDIT_EXACT], &sig);
        const ccsig_robots *r = m[CCSIG_AUDIT_EXACT];
        for (size_t i = 0; i < r->nagents; i++)
            if (!count_name(s, r->agents[i].tok, r->agents[i].len)) {
                ccsig_robots_free(m[0]);
                ccsig_robots_free(m[1]);
                return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
            }
    }
    ccsig_robots_free(m[0]);
    ccsig_robots_free(m[1]);
    /* Counts, transitions, then the classes become the previous ones. */
    s->present++;
    s->wpresent += w;
    for (unsigned b = 0; b < CCSIG_AUDIT_MECHANISMS; b++)
        if (mech & (1u << b)) {
            s->adopt[b]++;
            s->wadopt[b] += w;
        }
    for (unsigned g = 1; g <= NSIG; g++)
        if (sig & (1u << g)) {
            s->adopt[CCSIG_AUDIT_MECHANISMS + g - 1]++;
            s->wadopt[CCSIG_AUDIT_MECHANISMS + g - 1] += w;
        }
    for (int r = 0; r < NREAD; r++) {
        for (size_t i = 0; i < a->nagents + NCAT; i++) {
            unsigned k = (unsigned)(r * (a->nagents + NCAT) + i);
            ccsig_audit_class c = (ccsig_audit_class)a->cur[r][i];
            ccsig_audit_class prev = get_prev(a, (size_t)d, k);
            bool is_agent = i < a->nagents;
            counts *ct = is_agent ? &s->agent[r][i] : &s->cat[r][i - a->nagents];
            trans *tr = is_agent ? &s->tagent[r][i] : &s->tcat[r][i - a->nagents];
            add_counts(ct, c, w);
            if (prev != CCSIG_AUDIT_ABSENT)
                add_trans(tr, prev, c, w);
            set_prev(a, (size_t)d, k, c);
            if (opt && opt->row) {
                ccsig_audit_row row = {dm->name,
                                       s->label,
                                       is_agent ? a->agents[i].tok : NULL,
                                       is_agent ? a->agents[i].cat
                                                : (ccsig_audit_category)(i - a->nagents),
                                       r,
                                       c,
                                       prev,
                                       mech,
                                       w};
                opt->row(opt->row_ctx, &row);
            }
        }
    }
    return CCSIG_OK;
}

ccsig_status ccsig_audit_end(ccsig_audit *a, const ccsig_audit_snapshot_options *opt,
                             ccsig_error *err) {
    (void)opt;
    if (!a->open)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "no snapshot is open");
    snap *s = &a->snaps[a->nsnaps - 1];
    uint32_t si = (uint32_t)a->nsnaps;
    unsigned k = slots_per_domain(a);
    for (size_t d = 0; d < a->ndom; d++) {
        if (a->dom[d].seen == si)
            continue;
        if (a->dom[d].listed) {
            s->absent++;
            s->wabsent += a->dom[d].weight;
        }
        for (unsigned j = 0; j < k; j++)
            set_prev(a, d, j, CCSIG_AUDIT_ABSENT);
    }
    a->open = false;
    return CCSIG_OK;
}

typedef struct each_ctx {
    ccsig_audit *a;
    const ccsig_audit_snapshot_options *opt;
    ccsig_error *err;
    ccsig_status st;
} each_ctx;

static bool each_site(void *ctx, const ccsig_robots_store_site *site) {
    each_ctx *c = ctx;
    const char *host = strstr(site->key, "://");
    host = host ? host + 3 : site->key;
    int status = site->known == CCSIG_ROBOTS_FOUND         ? 200
                 : site->known == CCSIG_ROBOTS_UNAVAILABLE ? 404
                 : site->known == CCSIG_ROBOTS_UNREACHABLE ? 500
                                                           : 0;
    if (status == 0)
        return true; /* a capture that cannot be read again: not counted */
    c->st = ccsig_audit_capture(c->a, host, status, site->body, site->len, c->opt, c->err);
    return c->st == CCSIG_OK;
}

ccsig_status ccsig_audit_add_snapshot(ccsig_audit *a, const char *label, const char *const *paths,
                                      size_t n, const ccsig_audit_snapshot_options *opt,
                                      ccsig_error *err) {
    ccsig_status st = ccsig_audit_begin(a, label, err);
    if (st)
        return st;
    for (size_t i = 0; opt && i < opt->nannotations; i++)
        if ((st = read_annotations(a, opt->annotations[i], (uint32_t)a->nsnaps, err))) {
            a->open = false;
            snap_free(&a->snaps[--a->nsnaps]);
            return st;
        }
    ccsig_robots_store_options so = {"*", 0, opt ? opt->report : NULL,
                                     opt ? opt->report_ctx : NULL};
    ccsig_robots_store *store = NULL;
    if ((st = ccsig_robots_store_open(paths, n, &so, &store, err))) {
        /* nothing was counted: the snapshot is dropped */
        a->open = false;
        snap_free(&a->snaps[--a->nsnaps]);
        return st;
    }
    each_ctx c = {a, opt, err, CCSIG_OK};
    st = ccsig_robots_store_each(store, each_site, &c, err);
    ccsig_robots_store_free(store);
    if (!st)
        st = c.st;
    if (st) {
        a->open = false;
        return st;
    }
    return ccsig_audit_end(a, opt, err);
}

/* ------------------------------------------------------------- getters -- */

size_t ccsig_audit_snapshots(const ccsig_audit *a) {
    return a->nsnaps;
}

size_t ccsig_audit_agents(const ccsig_audit *a) {
    return a->nagents;
}

const char *ccsig_audit_agent(const ccsig_audit *a, size_t i, ccsig_audit_category *cat) {
    if (i >= a->nagents)
        return NULL;
    if (cat)
        *cat = a->agents[i].cat;
    return a->agents[i].tok;
}

static const counts *counts_of(const ccsig_audit *a, size_t s, int r, int i) {
    if (s >= a->nsnaps || r < 0 || r >= NREAD)
        return NULL;
    if (i >= 0)
        return (size_t)i < a->nagents ? &a->snaps[s].agent[r][i] : NULL;
    return -1 - i < NCAT ? &a->snaps[s].cat[r][-1 - i] : NULL;
}

static const trans *trans_of(const ccsig_audit *a, size_t s, int r, int i) {
    if (s >= a->nsnaps || r < 0 || r >= NREAD)
        return NULL;
    if (i >= 0)
        return (size_t)i < a->nagents ? &a->snaps[s].tagent[r][i] : NULL;
    return -1 - i < NCAT ? &a->snaps[s].tcat[r][-1 - i] : NULL;
}

ccsig_audit_counts ccsig_audit_get(const ccsig_audit *a, size_t s, int r, int i) {
    ccsig_audit_counts out = {0};
    const counts *c = counts_of(a, s, r, i);
    if (!c)
        return out;
    out.domains = a->snaps[s].present;
    out.weight = a->snaps[s].wpresent;
    memcpy(out.cls, c->n, sizeof out.cls);
    memcpy(out.wcls, c->w, sizeof out.wcls);
    return out;
}

uint64_t ccsig_audit_moved(const ccsig_audit *a, size_t s, int r, int i, ccsig_audit_class from,
                           ccsig_audit_class to) {
    const trans *t = trans_of(a, s, r, i);
    return t && (unsigned)from < NCLS && (unsigned)to < NCLS ? t->n[from][to] : 0;
}

uint64_t ccsig_audit_adoption(const ccsig_audit *a, size_t s, unsigned m) {
    return s < a->nsnaps && m < NADOPT ? a->snaps[s].adopt[m] : 0;
}

/* ------------------------------------------------------------- writers -- */

static void json_counts(ccsig_buf *b, const counts *c) {
    ccsig_buf_printf(b, "[%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu]", (unsigned long long)c->n[0],
                     (unsigned long long)c->n[1], (unsigned long long)c->n[2],
                     (unsigned long long)c->n[3], (unsigned long long)c->w[0],
                     (unsigned long long)c->w[1], (unsigned long long)c->w[2],
                     (unsigned long long)c->w[3]);
}

static void json_trans(ccsig_buf *b, const trans *t) {
    ccsig_buf_putc(b, '[');
    for (int k = 0; k < 2 * NCLS * NCLS; k++) {
        int f = (k / NCLS) % NCLS, to = k % NCLS;
        uint64_t v = k < NCLS * NCLS ? t->n[f][to] : t->w[f][to];
        ccsig_buf_printf(b, "%s%llu", k ? "," : "", (unsigned long long)v);
    }
    ccsig_buf_putc(b, ']');
}

static int name_order(const void *x, const void *y) {
    const named *p = x, *q = y;
    if (p->n != q->n)
        return p->n > q->n ? -1 : 1;
    return strcmp(p->tok, q->tok);
}

/* The names of a snapshot, most named first (a new array; NULL when none). */
static named *sorted_names(const snap *s, size_t *n) {
    *n = 0;
    named *v = ccsig_malloc((s->names_n ? s->names_n : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < s->names_cap; i++)
        if (s->names[i].tok[0])
            v[(*n)++] = s->names[i];
    qsort(v, *n, sizeof *v, name_order);
    return v;
}

void ccsig_audit_write_json(const ccsig_audit *a, ccsig_buf *b) {
    ccsig_buf_printf(b,
                     "{\n  \"type\": \"ccsig-audit\",\n  \"version\": 1,\n  \"shard\": [%u, %u],\n",
                     a->shard_i, a->shard_n);
    ccsig_buf_puts(b, "  \"agents\": [");
    for (size_t i = 0; i < a->nagents; i++)
        ccsig_buf_printf(b, "%s\n    [\"%s\", \"%s\"]", i ? "," : "", a->agents[i].tok,
                         cat_names[a->agents[i].cat]);
    ccsig_buf_puts(b, "\n  ],\n  \"snapshots\": [");
    for (size_t si = 0; si < a->nsnaps; si++) {
        const snap *s = &a->snaps[si];
        ccsig_buf_printf(b,
                         "%s\n    {\n      \"label\": \"%s\",\n      \"domains\": [%llu, %llu],\n"
                         "      \"absent\": [%llu, %llu],\n",
                         si ? "," : "", s->label, (unsigned long long)s->present,
                         (unsigned long long)s->wpresent, (unsigned long long)s->absent,
                         (unsigned long long)s->wabsent);
        for (int r = 0; r < NREAD; r++) {
            ccsig_buf_printf(b, "      \"%s\": {\n        \"categories\": [", reader_names[r]);
            for (int c = 0; c < NCAT; c++) {
                ccsig_buf_puts(b, c ? ", " : "");
                json_counts(b, &s->cat[r][c]);
            }
            ccsig_buf_puts(b, "],\n        \"category_transitions\": [");
            for (int c = 0; c < NCAT; c++) {
                ccsig_buf_puts(b, c ? ",\n          " : "");
                json_trans(b, &s->tcat[r][c]);
            }
            ccsig_buf_puts(b, "],\n        \"agents\": [");
            for (size_t i = 0; i < a->nagents; i++) {
                ccsig_buf_puts(b, i ? ",\n          " : "");
                json_counts(b, &s->agent[r][i]);
            }
            ccsig_buf_puts(b, "],\n        \"agent_transitions\": [");
            for (size_t i = 0; i < a->nagents; i++) {
                ccsig_buf_puts(b, i ? ",\n          " : "");
                json_trans(b, &s->tagent[r][i]);
            }
            ccsig_buf_puts(b, "]\n      },\n");
        }
        ccsig_buf_puts(b, "      \"adoption\": {");
        for (unsigned m = 0; m < NADOPT; m++)
            ccsig_buf_printf(b, "%s\"%s\": [%llu, %llu]", m ? ", " : "", adopt_name(m),
                             (unsigned long long)s->adopt[m], (unsigned long long)s->wadopt[m]);
        ccsig_buf_puts(b, "},\n      \"named\": {");
        size_t nn;
        named *v = sorted_names(s, &nn);
        if (!v)
            b->failed = true;
        for (size_t i = 0; v && i < nn; i++)
            ccsig_buf_printf(b, "%s\"%s\": %llu", i ? ", " : "", v[i].tok,
                             (unsigned long long)v[i].n);
        ccsig_free(v);
        ccsig_buf_puts(b, "}\n    }");
    }
    ccsig_buf_puts(b, "\n  ]\n}\n");
}

/* ---------------------------------------------------------------- merge -- */

static ccsig_status bad_doc(ccsig_error *err, const src_json *at, const char *what) {
    ccsig_status s =
        ccsig_error_set(err, CCSIG_ERR_SYNTAX, at ? at->start : 0, "not an audit: %s", what);
    err->line = at ? at->line : 1;
    err->column = 1;
    return s;
}

/* Read n numbers of a JSON array into v (added). */
static bool add_u64s(const src_json *arr, uint64_t *v, size_t n) {
    if (!arr || arr->type != SRC_JSON_ARRAY || arr->n != n)
        return false;
    size_t i = 0;
    for (const src_json *x = arr->child; x; x = x->next, i++) {
        uint64_t u;
        if (x->type != SRC_JSON_NUMBER || !parse_u64(x->str, &u))
            return false;
        v[i] += u;
    }
    return true;
}

static bool merge_counts(const src_json *arr, counts *c) {
    uint64_t v[8] = {0};
    if (!add_u64s(arr, v, 8))
        return false;
    for (int k = 0; k < NCLS; k++) {
        c->n[k] += v[k];
        c->w[k] += v[NCLS + k];
    }
    return true;
}

static bool merge_trans(const src_json *arr, trans *t) {
    uint64_t v[2 * NCLS * NCLS] = {0};
    if (!add_u64s(arr, v, 2 * NCLS * NCLS))
        return false;
    for (int k = 0; k < NCLS * NCLS; k++) {
        t->n[k / NCLS][k % NCLS] += v[k];
        t->w[k / NCLS][k % NCLS] += v[NCLS * NCLS + k];
    }
    return true;
}

static bool merge_list(const src_json *arr, size_t n, void *base, size_t size, bool is_trans) {
    if (!arr || arr->type != SRC_JSON_ARRAY || arr->n != n)
        return false;
    size_t i = 0;
    for (const src_json *x = arr->child; x; x = x->next, i++) {
        void *p = (char *)base + i * size;
        if (!(is_trans ? merge_trans(x, p) : merge_counts(x, p)))
            return false;
    }
    return true;
}

ccsig_status ccsig_audit_merge_json(ccsig_audit *a, const char *p, size_t len, ccsig_error *err) {
    if (a->open)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "a snapshot is open");
    ccsig_arena ar;
    ccsig_arena_init(&ar, 0);
    src_json *root = NULL;
    ccsig_status st = src_json_parse(&ar, p, len, &root, err);
    if (st)
        goto out;
    const src_json *type = root->type == SRC_JSON_OBJECT ? src_json_get(root, "type") : NULL;
    if (!type || type->type != SRC_JSON_STRING || !ccsig_str_eq(type->str, "ccsig-audit")) {
        st = bad_doc(err, root, "expected \"type\": \"ccsig-audit\"");
        goto out;
    }
    const src_json *ags = src_json_get(root, "agents"), *sns = src_json_get(root, "snapshots");
    if (!ags || ags->type != SRC_JSON_ARRAY || !sns || sns->type != SRC_JSON_ARRAY) {
        st = bad_doc(err, root, "expected \"agents\" and \"snapshots\" arrays");
        goto out;
    }
    bool fresh = a->nsnaps == 0;
    if (fresh && a->nagents == 0) {
        for (const src_json *x = ags->child; x; x = x->next) {
            const src_json *t = x->type == SRC_JSON_ARRAY && x->n == 2 ? x->child : NULL;
            int cat = -1;
            for (int c = 0; t && t->next->type == SRC_JSON_STRING && c < NCAT; c++)
                if (ccsig_str_eq(t->next->str, cat_names[c]))
                    cat = c;
            if (!t || t->type != SRC_JSON_STRING || cat < 0) {
                st = bad_doc(err, x, "an agent is [token, category]");
                goto out;
            }
            if ((st = ccsig_audit_add_agent(a, t->str.p, t->str.len, (ccsig_audit_category)cat,
                                            err)))
                goto out;
        }
    }
    if (ags->n != a->nagents) {
        st =
            ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                            "the audits follow different agents (%zu and %zu)", ags->n, a->nagents);
        goto out;
    }
    size_t i = 0;
    for (const src_json *x = ags->child; x; x = x->next, i++) {
        const src_json *t = x->type == SRC_JSON_ARRAY && x->n == 2 ? x->child : NULL;
        if (!t || t->type != SRC_JSON_STRING || !ccsig_str_eq(t->str, a->agents[i].tok)) {
            st = ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                                 "the audits follow different agents (agent %zu is not %s)", i + 1,
                                 a->agents[i].tok);
            goto out;
        }
    }
    if (!fresh && sns->n != a->nsnaps) {
        st =
            ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                            "the audits have different snapshots (%zu and %zu)", sns->n, a->nsnaps);
        goto out;
    }
    size_t si = 0;
    for (const src_json *x = sns->child; x; x = x->next, si++) {
        const src_json *lab = x->type == SRC_JSON_OBJECT ? src_json_get(x, "label") : NULL;
        if (!lab || lab->type != SRC_JSON_STRING || lab->str.len > 63) {
            st = bad_doc(err, x, "a snapshot has a \"label\"");
            goto out;
        }
        char label[64];
        snprintf(label, sizeof label, "%.*s", (int)lab->str.len, lab->str.p);
        if (fresh) {
            if (!label_ok(label) || (si && strcmp(a->snaps[si - 1].label, label) >= 0)) {
                st = bad_doc(err, x, "snapshot labels in date order");
                goto out;
            }
            if ((st = new_snap(a, label, err)))
                goto out;
        } else if (strcmp(a->snaps[si].label, label)) {
            st = ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                                 "the audits have different snapshots ('%s' and '%s')",
                                 a->snaps[si].label, label);
            goto out;
        }
        snap *s = &a->snaps[si];
        uint64_t dv[2] = {0}, av[2] = {0};
        bool ok = add_u64s(src_json_get(x, "domains"), dv, 2) &&
                  add_u64s(src_json_get(x, "absent"), av, 2);
        s->present += dv[0];
        s->wpresent += dv[1];
        s->absent += av[0];
        s->wabsent += av[1];
        for (int r = 0; ok && r < NREAD; r++) {
            const src_json *rd = src_json_get(x, reader_names[r]);
            ok = rd && rd->type == SRC_JSON_OBJECT &&
                 merge_list(src_json_get(rd, "categories"), NCAT, s->cat[r], sizeof(counts),
                            false) &&
                 merge_list(src_json_get(rd, "category_transitions"), NCAT, s->tcat[r],
                            sizeof(trans), true) &&
                 merge_list(src_json_get(rd, "agents"), a->nagents, s->agent[r], sizeof(counts),
                            false) &&
                 merge_list(src_json_get(rd, "agent_transitions"), a->nagents, s->tagent[r],
                            sizeof(trans), true);
        }
        const src_json *ad = ok ? src_json_get(x, "adoption") : NULL;
        ok = ad && ad->type == SRC_JSON_OBJECT;
        for (unsigned m = 0; ok && m < NADOPT; m++) {
            uint64_t v[2] = {0};
            ok = add_u64s(src_json_get(ad, adopt_name(m)), v, 2);
            s->adopt[m] += v[0];
            s->wadopt[m] += v[1];
        }
        const src_json *nm = ok ? src_json_get(x, "named") : NULL;
        ok = nm && nm->type == SRC_JSON_OBJECT;
        for (const src_json *t = ok ? nm->child : NULL; ok && t; t = t->next) {
            uint64_t v;
            ok = t->type == SRC_JSON_NUMBER && parse_u64(t->str, &v) && t->key.len < TOKEN_MAX;
            for (uint64_t k = 0; ok && k < v; k++)
                if (!count_name(s, t->key.p, t->key.len)) {
                    st = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
                    goto out;
                }
        }
        if (!ok) {
            st = bad_doc(err, x, "a snapshot's counts do not have the expected shape");
            goto out;
        }
    }
out:
    ccsig_arena_free(&ar);
    return st;
}

/* ------------------------------------------------------------------ CSV -- */

static void csv_counts(ccsig_buf *b, const counts *c, uint64_t present, uint64_t wpresent) {
    ccsig_buf_printf(b, "%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu", (unsigned long long)present,
                     (unsigned long long)c->n[3], (unsigned long long)c->n[2],
                     (unsigned long long)c->n[1], (unsigned long long)wpresent,
                     (unsigned long long)c->w[3], (unsigned long long)c->w[2],
                     (unsigned long long)c->w[1]);
}

static bool cat_used(const ccsig_audit *a, int c) {
    for (size_t i = 0; i < a->nagents; i++)
        if ((int)a->agents[i].cat == c)
            return true;
    return false;
}

ccsig_status ccsig_audit_write_csv(const ccsig_audit *a, const char *table, ccsig_buf *b,
                                   ccsig_error *err) {
    const char *counts_head = "domains,all,some,none,weight,weight_all,weight_some,weight_none\n";
    if (!strcmp(table, "agents") || !strcmp(table, "categories")) {
        bool ag = table[0] == 'a';
        ccsig_buf_printf(b, "snapshot,reader,%s,%s", ag ? "agent,category" : "category",
                         counts_head);
        for (size_t si = 0; si < a->nsnaps; si++)
            for (int r = 0; r < NREAD; r++) {
                if (!shows(a, r))
                    continue;
                const snap *s = &a->snaps[si];
                size_t n = ag ? a->nagents : NCAT;
                for (size_t i = 0; i < n; i++) {
                    if (!ag && !cat_used(a, (int)i))
                        continue;
                    ccsig_buf_printf(b, "%s,%s,", s->label, reader_names[r]);
                    if (ag)
                        ccsig_buf_printf(b, "%s,%s,", a->agents[i].tok,
                                         cat_names[a->agents[i].cat]);
                    else
                        ccsig_buf_printf(b, "%s,", cat_names[i]);
                    csv_counts(b, ag ? &s->agent[r][i] : &s->cat[r][i], s->present, s->wpresent);
                    ccsig_buf_putc(b, '\n');
                }
            }
        return CCSIG_OK;
    }
    if (!strcmp(table, "transitions")) {
        ccsig_buf_puts(b, "snapshot,previous,reader,kind,name,from,to,domains,weight\n");
        for (size_t si = 1; si < a->nsnaps; si++)
            for (int r = 0; r < NREAD; r++)
                for (size_t i = 0; i < NCAT + a->nagents; i++) {
                    bool cat = i < NCAT;
                    if ((cat && !cat_used(a, (int)i)) || !shows(a, r))
                        continue;
                    const trans *t =
                        cat ? &a->snaps[si].tcat[r][i] : &a->snaps[si].tagent[r][i - NCAT];
                    for (int f = 1; f < NCLS; f++)
                        for (int to = 1; to < NCLS; to++)
                            ccsig_buf_printf(
                                b, "%s,%s,%s,%s,%s,%s,%s,%llu,%llu\n", a->snaps[si].label,
                                a->snaps[si - 1].label, reader_names[r], cat ? "category" : "agent",
                                cat ? cat_names[i] : a->agents[i - NCAT].tok, class_names[f],
                                class_names[to], (unsigned long long)t->n[f][to],
                                (unsigned long long)t->w[f][to]);
                }
        return CCSIG_OK;
    }
    if (!strcmp(table, "adoption")) {
        ccsig_buf_puts(b, "snapshot,mechanism,domains,weight,of_domains,of_weight\n");
        for (size_t si = 0; si < a->nsnaps; si++)
            for (unsigned m = 0; m < NADOPT; m++)
                ccsig_buf_printf(b, "%s,%s,%llu,%llu,%llu,%llu\n", a->snaps[si].label,
                                 adopt_name(m), (unsigned long long)a->snaps[si].adopt[m],
                                 (unsigned long long)a->snaps[si].wadopt[m],
                                 (unsigned long long)a->snaps[si].present,
                                 (unsigned long long)a->snaps[si].wpresent);
        return CCSIG_OK;
    }
    if (!strcmp(table, "named")) {
        ccsig_buf_puts(b, "snapshot,token,domains\n");
        for (size_t si = 0; si < a->nsnaps; si++) {
            size_t nn;
            named *v = sorted_names(&a->snaps[si], &nn);
            if (!v)
                return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
            for (size_t i = 0; i < nn; i++)
                ccsig_buf_printf(b, "%s,%s,%llu\n", a->snaps[si].label, v[i].tok,
                                 (unsigned long long)v[i].n);
            ccsig_free(v);
        }
        return CCSIG_OK;
    }
    return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                           "table '%s': expected agents, categories, transitions, adoption or "
                           "named",
                           table);
}

/* ----------------------------------------------------------------- text -- */

static double pct(uint64_t x, uint64_t of) {
    return of ? 100.0 * (double)x / (double)of : 0.0;
}

void ccsig_audit_write_text(const ccsig_audit *a, unsigned top, ccsig_buf *b) {
    for (size_t si = 0; si < a->nsnaps; si++) {
        const snap *s = &a->snaps[si];
        ccsig_buf_printf(b, "snapshot %s: %llu domains with a robots.txt capture", s->label,
                         (unsigned long long)s->present);
        if (s->absent)
            ccsig_buf_printf(b, ", %llu listed without one", (unsigned long long)s->absent);
        ccsig_buf_puts(b, "\n\n");
        ccsig_buf_puts(b, "  category       reader   all     some    none    all(w)  some(w)\n");
        for (int c = 0; c < NCAT; c++) {
            if (!cat_used(a, c))
                continue;
            for (int r = 0, first = 1; r < NREAD; r++) {
                if (!shows(a, r))
                    continue;
                const counts *k = &s->cat[r][c];
                ccsig_buf_printf(b, "  %-14s %-6s %5.1f%%  %5.1f%%  %5.1f%%  %5.1f%%  %5.1f%%\n",
                                 first ? cat_names[c] : "", reader_names[r],
                                 pct(k->n[3], s->present), pct(k->n[2], s->present),
                                 pct(k->n[1], s->present), pct(k->w[3], s->wpresent),
                                 pct(k->w[2], s->wpresent));
                first = 0;
            }
        }
        /* The agents restricted most (exact), with the naive figure. */
        ccsig_buf_puts(b, "\n  agent                    all     some    (naive all, some)\n");
        size_t *ord = ccsig_malloc((a->nagents ? a->nagents : 1) * sizeof *ord);
        if (!ord) {
            b->failed = true;
            return;
        }
        for (size_t i = 0; i < a->nagents; i++)
            ord[i] = i;
        for (size_t i = 1; i < a->nagents; i++) /* insertion sort: stable, small n */
            for (size_t j = i; j > 0; j--) {
                const counts *x = &s->agent[0][ord[j - 1]], *y = &s->agent[0][ord[j]];
                if (x->n[3] + x->n[2] >= y->n[3] + y->n[2])
                    break;
                size_t t = ord[j];
                ord[j] = ord[j - 1];
                ord[j - 1] = t;
            }
        for (size_t k = 0; k < a->nagents && k < top; k++) {
            size_t i = ord[k];
            const counts *e = &s->agent[0][i], *n = &s->agent[1][i];
            ccsig_buf_printf(b, "  %-22s %5.1f%%  %5.1f%%  (%5.1f%%, %5.1f%%)\n", a->agents[i].tok,
                             pct(e->n[3], s->present), pct(e->n[2], s->present),
                             pct(n->n[3], s->present), pct(n->n[2], s->present));
        }
        ccsig_free(ord);
        if (si > 0) {
            ccsig_buf_printf(b, "\n  moved since %s (exact, domains in both):\n",
                             a->snaps[si - 1].label);
            for (int c = 0; c < NCAT; c++) {
                if (!cat_used(a, c))
                    continue;
                const trans *t = &s->tcat[0][c];
                uint64_t up = 0, down = 0;
                for (int f = 1; f < NCLS; f++)
                    for (int to = 1; to < NCLS; to++)
                        if (to > f)
                            up += t->n[f][to];
                        else if (to < f)
                            down += t->n[f][to];
                ccsig_buf_printf(b, "  %-14s %llu more restricted, %llu less\n", cat_names[c],
                                 (unsigned long long)up, (unsigned long long)down);
            }
        }
        ccsig_buf_puts(b, "\n  mechanism        domains\n");
        for (unsigned m = 0; m < NADOPT; m++)
            ccsig_buf_printf(b, "  %-16s %llu (%.1f%%)\n", adopt_name(m),
                             (unsigned long long)s->adopt[m], pct(s->adopt[m], s->present));
        size_t nn;
        named *v = sorted_names(s, &nn);
        if (!v) {
            b->failed = true;
            return;
        }
        ccsig_buf_puts(b, "\n  named most often  domains\n");
        for (size_t i = 0; i < nn && i < top; i++)
            ccsig_buf_printf(b, "  %-18s %llu\n", v[i].tok, (unsigned long long)v[i].n);
        ccsig_free(v);
        ccsig_buf_puts(b, si + 1 < a->nsnaps ? "\n" : "");
    }
}

/* ----------------------------------------------------------------- HTML -- */

static const char *const class_colour[NCLS] = {"#bbbbbb", "#9ecae1", "#fdae6b", "#d94801"};
static const char *const cat_colour[NCAT] = {"#d94801", "#2171b5", "#6a51a3", "#737373", "#238b45"};

/* Trend lines: share of domains with class "all" or "some" (restricted at
 * all) per category over the snapshots; exact solid, naive dashed. */
static void svg_trends(const ccsig_audit *a, ccsig_buf *b, int cls_min) {
    const int W = 1040, H = 300, L = 60, R = 180, T = 20, B = 40;
    double ymax = 10;
    for (size_t si = 0; si < a->nsnaps; si++)
        for (int r = 0; r < NREAD; r++)
            for (int c = 0; c < NCAT; c++) {
                const counts *k = &a->snaps[si].cat[r][c];
                uint64_t x = k->n[3] + (cls_min == 2 ? k->n[2] : 0);
                double v = pct(x, a->snaps[si].present);
                if (v > ymax)
                    ymax = v;
            }
    ymax = ymax > 90 ? 100 : (double)((int)(ymax / 10) + 1) * 10;
    ccsig_buf_printf(b, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", W,
                     H, W, H);
    for (int g = 0; g <= 5; g++) {
        double y = T + (H - T - B) * (1 - g / 5.0);
        ccsig_buf_printf(b,
                         "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>"
                         "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%.0f%%"
                         "</text>\n",
                         L, y, W - R, y, L - 6, y + 4, ymax * g / 5.0);
    }
    size_t n = a->nsnaps;
    for (size_t si = 0; si < n; si++) {
        double x = n > 1 ? L + (W - L - R) * (double)si / (double)(n - 1) : L + (W - L - R) / 2.0;
        ccsig_buf_printf(b,
                         "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%s"
                         "</text>\n",
                         x, H - B + 16, a->snaps[si].label);
    }
    int ly = T + 10;
    for (int c = 0; c < NCAT; c++) {
        if (!cat_used(a, c))
            continue;
        for (int r = 0; r < NREAD; r++) {
            ccsig_buf_printf(b,
                             "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"",
                             cat_colour[c], r ? " stroke-dasharray=\"5,4\"" : "");
            for (size_t si = 0; si < n; si++) {
                const counts *k = &a->snaps[si].cat[r][c];
                double v = pct(k->n[3] + (cls_min == 2 ? k->n[2] : 0), a->snaps[si].present);
                double x =
                    n > 1 ? L + (W - L - R) * (double)si / (double)(n - 1) : L + (W - L - R) / 2.0;
                ccsig_buf_printf(b, "%s%.1f,%.1f", si ? " " : "", x,
                                 T + (H - T - B) * (1 - v / ymax));
            }
            ccsig_buf_puts(b, "\"/>\n");
            for (size_t si = 0; si < n; si++) {
                const counts *k = &a->snaps[si].cat[r][c];
                double v = pct(k->n[3] + (cls_min == 2 ? k->n[2] : 0), a->snaps[si].present);
                double x =
                    n > 1 ? L + (W - L - R) * (double)si / (double)(n - 1) : L + (W - L - R) / 2.0;
                ccsig_buf_printf(b,
                                 "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"><title>%s "
                                 "%s %s: %.1f%%</title></circle>\n",
                                 x, T + (H - T - B) * (1 - v / ymax), r ? 3 : 4,
                                 r ? "#ffffff" : cat_colour[c], cat_names[c], reader_names[r],
                                 a->snaps[si].label, v);
            }
        }
        ccsig_buf_printf(b,
                         "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                         "stroke-width=\"3\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>\n",
                         W - R + 12, ly, W - R + 36, ly, cat_colour[c], W - R + 42, ly + 4,
                         cat_names[c]);
        ly += 20;
    }
    ccsig_buf_printf(b,
                     "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" "
                     "stroke-dasharray=\"5,4\" stroke-width=\"2\"/><text x=\"%d\" y=\"%d\" "
                     "font-size=\"12\">naive reader</text>\n</svg>\n",
                     W - R + 12, ly + 6, W - R + 36, ly + 6, W - R + 42, ly + 10);
}

/* Stacked class bars for the last snapshot: per category, exact and naive. */
static void svg_classes(const ccsig_audit *a, ccsig_buf *b) {
    const snap *s = &a->snaps[a->nsnaps - 1];
    int rows = 0;
    for (int c = 0; c < NCAT; c++)
        rows += cat_used(a, c) ? 2 : 0;
    const int W = 1040, L = 200, BW = 760, RH = 22;
    int H = rows * RH + 50;
    ccsig_buf_printf(b, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", W,
                     H, W, H);
    int y = 10;
    for (int c = 0; c < NCAT; c++) {
        if (!cat_used(a, c))
            continue;
        for (int r = 0; r < NREAD; r++) {
            ccsig_buf_printf(b,
                             "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\">%s %s"
                             "</text>\n",
                             L - 8, y + 14, r ? "" : cat_names[c], reader_names[r]);
            double x = L;
            for (int k = 3; k >= 1; k--) {
                double wdt = BW * pct(s->cat[r][c].n[k], s->present) / 100.0;
                ccsig_buf_printf(b,
                                 "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                                 "fill=\"%s\"><title>%s: %llu domains</title></rect>\n",
                                 x, y, wdt, RH - 4, class_colour[k], class_names[k],
                                 (unsigned long long)s->cat[r][c].n[k]);
                if (wdt > 34)
                    ccsig_buf_printf(b,
                                     "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
                                     "text-anchor=\"middle\">%.0f%%</text>\n",
                                     x + wdt / 2, y + 13, pct(s->cat[r][c].n[k], s->present));
                x += wdt;
            }
            y += RH;
        }
    }
    int lx = L;
    for (int k = 3; k >= 1; k--) {
        ccsig_buf_printf(b,
                         "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                         "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s disallowed</text>\n",
                         lx, y + 12, class_colour[k], lx + 20, y + 24, class_names[k]);
        lx += 160;
    }
    ccsig_buf_puts(b, "</svg>\n");
}

/* Transitions between the last two snapshots, exact reader: per category a
 * 3x3 grid of circles (from class rows, to class columns) sized by count. */
static void svg_transitions(const ccsig_audit *a, ccsig_buf *b) {
    const snap *s = &a->snaps[a->nsnaps - 1];
    int used = 0;
    for (int c = 0; c < NCAT; c++)
        used += cat_used(a, c);
    const int CW = 200, W = used * CW + 80, H = 230;
    uint64_t mx = 1;
    for (int c = 0; c < NCAT; c++)
        for (int f = 1; f < NCLS; f++)
            for (int t = 1; t < NCLS; t++)
                if (s->tcat[0][c].n[f][t] > mx)
                    mx = s->tcat[0][c].n[f][t];
    ccsig_buf_printf(b, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", W,
                     H, W, H);
    int x0 = 80;
    for (int c = 0; c < NCAT; c++) {
        if (!cat_used(a, c))
            continue;
        ccsig_buf_printf(b,
                         "<text x=\"%d\" y=\"16\" font-size=\"12\" text-anchor=\"middle\" "
                         "font-weight=\"bold\">%s</text>\n",
                         x0 + 75, cat_names[c]);
        for (int t = 1; t < NCLS; t++)
            ccsig_buf_printf(b,
                             "<text x=\"%d\" y=\"36\" font-size=\"11\" text-anchor=\"middle\">"
                             "to %s</text>\n",
                             x0 + 25 + (t - 1) * 50, class_names[t]);
        for (int f = 1; f < NCLS; f++) {
            int cy = 50 + (f - 1) * 55 + 25;
            if (x0 == 80)
                ccsig_buf_printf(b,
                                 "<text x=\"70\" y=\"%d\" font-size=\"11\" "
                                 "text-anchor=\"end\">from %s</text>\n",
                                 cy + 4, class_names[f]);
            for (int t = 1; t < NCLS; t++) {
                uint64_t v = s->tcat[0][c].n[f][t];
                double rad = v ? 3 + 20.0 * ((double)v / (double)mx) : 0;
                const char *col = t > f ? "#d94801" : t < f ? "#2171b5" : "#bbbbbb";
                int cx = x0 + 25 + (t - 1) * 50;
                ccsig_buf_printf(b,
                                 "<circle cx=\"%d\" cy=\"%d\" r=\"%.1f\" fill=\"%s\" "
                                 "fill-opacity=\"0.8\"><title>%s to %s: %llu</title></circle>"
                                 "<text x=\"%d\" y=\"%d\" font-size=\"10\" "
                                 "text-anchor=\"middle\">%llu</text>\n",
                                 cx, cy, rad, col, class_names[f], class_names[t],
                                 (unsigned long long)v, cx, cy + 4, (unsigned long long)v);
            }
        }
        x0 += CW;
    }
    ccsig_buf_puts(b, "</svg>\n");
}

/* Horizontal bars: n values with labels, against of (the 100 % mark). */
static void svg_bars(ccsig_buf *b, const char *const *labels, const uint64_t *v, size_t n,
                     uint64_t of, const char *colour) {
    const int W = 1040, L = 200, BW = 700, RH = 22;
    int H = (int)n * RH + 10;
    uint64_t mx = 1;
    for (size_t i = 0; i < n; i++)
        if (v[i] > mx)
            mx = v[i];
    ccsig_buf_printf(b, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", W,
                     H, W, H);
    for (size_t i = 0; i < n; i++) {
        int y = 4 + (int)i * RH;
        double wdt = BW * (double)v[i] / (double)mx;
        ccsig_buf_printf(b,
                         "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\">%s</text>"
                         "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
                         "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%llu (%.1f%%)</text>\n",
                         L - 8, y + 13, labels[i], L, y, wdt, RH - 6, colour, L + wdt + 6, y + 13,
                         (unsigned long long)v[i], pct(v[i], of));
    }
    ccsig_buf_puts(b, "</svg>\n");
}

void ccsig_audit_write_html(const ccsig_audit *a, const char *title, ccsig_buf *b) {
    ccsig_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<title>");
    declare_put_xml_escaped(b, title ? title : "AI preferences and restrictions: audit");
    ccsig_buf_puts(b, "</title>\n<style>\n"
                      "body{font-family:sans-serif;max-width:1080px;margin:2em auto;color:#222}\n"
                      "h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px "
                      "solid #ddd}\n"
                      "table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;"
                      "border-bottom:1px solid #eee;text-align:right}\n"
                      "th:first-child,td:first-child{text-align:left}.note{color:#555;"
                      "font-size:13px}\n</style>\n</head>\n<body>\n<h1>");
    declare_put_xml_escaped(b, title ? title : "AI preferences and restrictions: audit");
    ccsig_buf_puts(b, "</h1>\n");
    if (!a->nsnaps) {
        ccsig_buf_puts(b, "<p>No snapshot.</p>\n</body>\n</html>\n");
        return;
    }
    const snap *last = &a->snaps[a->nsnaps - 1];
    ccsig_buf_printf(b,
                     "<p class=\"note\">%zu snapshot%s (%s to %s), %llu domains with a robots.txt "
                     "capture in the last; %zu agents in %d categories. Classes as Consent in "
                     "Crisis defines them (all / some / none disallowed), read per RFC 9309 as "
                     "Google reads it (<b>exact</b>) and with groups ended at Sitemap and "
                     "Crawl-delay lines (<b>naive</b>, dashed). A category's class is the "
                     "strongest any of its agents gets. Made by ccsig audit.</p>\n",
                     a->nsnaps, a->nsnaps == 1 ? "" : "s", a->snaps[0].label, last->label,
                     (unsigned long long)last->present, a->nagents, NCAT);
    ccsig_buf_puts(b, "<h2>Domains fully restricted (all disallowed), per agent category</h2>\n");
    svg_trends(a, b, 3);
    ccsig_buf_puts(b, "<h2>Domains restricted at all (all or some disallowed)</h2>\n");
    svg_trends(a, b, 2);
    ccsig_buf_printf(b, "<h2>Classes in %s: exact and naive reading</h2>\n", last->label);
    svg_classes(a, b);
    ccsig_buf_puts(b, "<table>\n<tr><th>category</th><th>all (exact)</th><th>all (naive)</th>"
                      "<th>difference</th><th>none (exact)</th><th>none (naive)</th>"
                      "<th>all, weighted</th></tr>\n");
    for (int c = 0; c < NCAT; c++) {
        if (!cat_used(a, c))
            continue;
        const counts *e = &last->cat[0][c], *n = &last->cat[1][c];
        double ea = pct(e->n[3], last->present), na = pct(n->n[3], last->present);
        ccsig_buf_printf(b,
                         "<tr><td>%s</td><td>%.1f%%</td><td>%.1f%%</td><td>%+.1f pp</td>"
                         "<td>%.1f%%</td><td>%.1f%%</td><td>%.1f%%</td></tr>\n",
                         cat_names[c], ea, na, na - ea, pct(e->n[1], last->present),
                         pct(n->n[1], last->present), pct(e->w[3], last->wpresent));
    }
    ccsig_buf_puts(b, "</table>\n");
    if (a->nsnaps > 1) {
        ccsig_buf_printf(b, "<h2>Domains that moved between classes, %s to %s (exact)</h2>\n",
                         a->snaps[a->nsnaps - 2].label, last->label);
        svg_transitions(a, b);
    }
    ccsig_buf_printf(b, "<h2>Adoption of each mechanism and CC signal in %s</h2>\n", last->label);
    const char *labels[NADOPT];
    uint64_t v[NADOPT];
    for (unsigned m = 0; m < NADOPT; m++) {
        labels[m] = adopt_name(m);
        v[m] = last->adopt[m];
    }
    svg_bars(b, labels, v, NADOPT, last->present, "#2171b5");
    size_t nn;
    named *nv = sorted_names(last, &nn);
    if (nv && nn) {
        size_t k = nn < 20 ? nn : 20;
        const char *nl[20];
        uint64_t nvv[20];
        for (size_t i = 0; i < k; i++) {
            nl[i] = nv[i].tok;
            nvv[i] = nv[i].n;
        }
        ccsig_buf_printf(b, "<h2>Agents named most often in %s</h2>\n", last->label);
        svg_bars(b, nl, nvv, k, last->present, "#6a51a3");
    }
    if (!nv)
        b->failed = true;
    ccsig_free(nv);
    ccsig_buf_puts(b, "</body>\n</html>\n");
}

void ccsig_audit_row_csv(ccsig_buf *b, const ccsig_audit_row *r) {
    const char *ag = r->agent ? r->agent : "";
    ccsig_buf_csv_field(b, r->domain, strlen(r->domain), false);
    ccsig_buf_putc(b, ',');
    ccsig_buf_csv_field(b, r->snapshot, strlen(r->snapshot), false);
    ccsig_buf_printf(b, ",%s,", r->reader ? "naive" : "exact");
    ccsig_buf_csv_field(b, ag, strlen(ag), false);
    ccsig_buf_printf(b, ",%s,%s,%s,%s,%llu,", ccsig_audit_category_name(r->category),
                     ccsig_audit_class_name(r->cls), ccsig_audit_class_name(r->prev),
                     r->prev != CCSIG_AUDIT_ABSENT && r->prev != r->cls ? "yes" : "no",
                     (unsigned long long)r->weight);
    bool first = true;
    for (unsigned i = 0; ccsig_audit_mechanism_name(i); i++)
        if (r->mechanisms & (1u << i)) {
            ccsig_buf_printf(b, "%s%s", first ? "" : " ", ccsig_audit_mechanism_name(i));
            first = false;
        }
    ccsig_buf_putc(b, '\n');
}
