/*
 * policy.c — reading a ccsig serve policy (YAML through libyaml) and the
 * short command-line form into one structure.
 *
 * Why libyaml: YAML lets a steward write comments beside each choice, and
 * libyaml (the reference C implementation, packaged everywhere, used by
 * PyYAML and Ruby's Psych) keeps the line and column of every node, so an
 * error found after parsing (a wrong category, a rate that is not a number)
 * still points at the exact place in the file. jansson reports positions only
 * for syntax errors.
 *
 * The walker is driven by the schema: it only descends into the keys it
 * knows, so an alias cannot make it loop, and every unknown key is an error
 * (a misspelt "quota" silently ignored would give away the collection).
 */
#include "policy.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "ccsig/alloc.h"
#include "ccsig/buf.h"
#include "ccsig/declare.h"
#include "gen.h"

static const char *const tier_names[TIER_COUNT] = {
    "browsers", "automated", "registrations", "logins", "pending", "bulk", "public-interest"};

const char *tier_name(tier_id t) {
    return (unsigned)t < TIER_COUNT ? tier_names[t] : "?";
}

const char *copyright_name(copyright_status c) {
    switch (c) {
    case COPYRIGHT_HOLDER:
        return "holder";
    case COPYRIGHT_NOT_HOLDER:
        return "not-holder";
    case COPYRIGHT_MIXED:
        return "mixed";
    default:
        return "unstated";
    }
}

static char *xstrdup(const char *s) {
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

void policy_defaults(policy *p) {
    memset(p, 0, sizeof *p);
    /* People load a page and its assets at once: a generous burst. */
    p->tiers[TIER_BROWSER] = (tier){.rate = 20.0, .burst = 120.0, .quota = 0};
    /* Unregistered automated clients: enough to read robots.txt and a page
     * now and then, not enough to mirror the collection. */
    p->tiers[TIER_AUTOMATED] = (tier){.rate = 1.0, .burst = 10.0, .quota = 0};
    /* Registrations and logins: a person needs a few; a script needs many. */
    p->tiers[TIER_REGISTRATIONS] = (tier){.rate = 20.0 / 3600.0, .burst = 20.0, .quota = 0};
    p->tiers[TIER_LOGINS] = (tier){.rate = 10.0 / 60.0, .burst = 10.0, .quota = 0};
    p->tiers[TIER_PENDING] = (tier){.rate = 1.0, .burst = 10.0, .quota = 1000};
    p->tiers[TIER_BULK] = (tier){.rate = 10.0, .burst = 50.0, .quota = 50000};
    p->tiers[TIER_PUBLIC] = (tier){.rate = 50.0, .burst = 200.0, .quota = 0};
    p->registration_open = 1;
    p->bulk_endpoints = 1;
    /* One HTTP thread per core (each runs its own event loop over its
     * connections; more only adds context switches), at least two so that
     * a slow disk read does not stall every connection. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    p->threads = cores < 2 ? 2 : cores > 64 ? 64 : (unsigned)cores;
    /* The ledger survives a crash of the gateway (kill -9) without an
     * fsync per request; full (power loss too) is the steward's choice. */
    p->ledger_sync_process = 1;
    p->timeout_s = 15;
    /* Slow clients: headers within 10 s (nginx's client_header_timeout is
     * 60 s; a real client sends them in one segment), and at most a quarter
     * of the connections reading headers at once. */
    p->header_timeout_s = 10;
    p->max_header_connections = 256;
    p->wba_wait_ms = 1000;
    p->max_connections = 1024;
    p->max_connections_per_ip = 64;
    p->max_header_bytes = 16 * 1024; /* nginx's large_client_header_buffers default is 8k x 4 */
    p->max_body_bytes = 16 * 1024;   /* forms only: registration, login, steward actions */
    p->session_hours = 8;
    p->search_enabled = 1;
    p->search_max_file_bytes = 4u << 20;
}

void policy_free(policy *p) {
    if (!p)
        return;
    free(p->source);
    free(p->collection_name);
    free(p->public_url);
    free(p->credit_template);
    free(p->license);
    free(p->party_name);
    free(p->party_url);
    for (size_t i = 0; i < p->nrules; i++) {
        free(p->rules[i].path);
        ccsig_free(p->rules[i].expression);
        for (int c = 0; c < CCSIG_CAT_COUNT; c++)
            ccsig_free(p->rules[i].cat_expr[c]);
    }
    free(p->rules);
    free(p->listen);
    for (size_t i = 0; i < p->ntrusted_proxies; i++)
        free(p->trusted_proxies[i]);
    memset(p, 0, sizeof *p);
}

/* An absolute http(s) URL with nothing that needs escaping in a header,
 * robots.txt comment or HTML attribute. */
/* An http(s) URL as the declare module accepts it (ccsig/declare.h): what
 * it refuses could not be published. */
static bool url_ok(const char *url) {
    ccsig_error e;
    return ccsig_declare_check_url(url, strlen(url), "the URL", &e) == CCSIG_OK;
}

int policy_set_public_url(policy *p, const char *url) {
    if (!url_ok(url))
        return -1;
    size_t n = strlen(url);
    char *d = xstrdup(url);
    if (!d)
        return -1;
    while (n > 0 && d[n - 1] == '/')
        d[--n] = '\0';
    free(p->public_url);
    p->public_url = d;
    return 0;
}

/* ---- rules ---- */

static policy_rule *rule_for_path(policy *p, const char *path, unsigned line) {
    for (size_t i = 0; i < p->nrules; i++)
        if (!strcmp(p->rules[i].path, path))
            return &p->rules[i];
    if (p->nrules >= POLICY_MAX_RULES)
        return NULL;
    policy_rule *nr = realloc(p->rules, (p->nrules + 1) * sizeof *nr);
    if (!nr)
        return NULL;
    p->rules = nr;
    policy_rule *r = &p->rules[p->nrules];
    memset(r, 0, sizeof *r);
    r->path = xstrdup(path);
    if (!r->path)
        return NULL;
    r->line = line;
    p->nrules++;
    return r;
}

/* "allow", "deny", "y", "n", or a CC signal ("cr", "cc-cr-ec", ...). */
static bool parse_pref_value(const char *s, size_t n, rule_pref *out) {
    ccsig_str v = ccsig_str_make(s, n);
    ccsig_signal sig;
    if (ccsig_str_eq(v, "allow") || ccsig_str_eq(v, "y")) {
        *out = (rule_pref){1, CCSIG_STATE_ALLOW, CCSIG_SIGNAL_NONE};
        return true;
    }
    if (ccsig_str_eq(v, "deny") || ccsig_str_eq(v, "n") || ccsig_str_eq(v, "none")) {
        *out = (rule_pref){1, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE};
        return true;
    }
    if (ccsig_signal_from_short(s, n, &sig) && sig != CCSIG_SIGNAL_NONE) {
        *out = (rule_pref){1, CCSIG_STATE_DENY, (uint8_t)sig};
        return true;
    }
    return false;
}

static int cmp_rules(const void *a, const void *b) {
    const policy_rule *x = a, *y = b;
    size_t lx = strlen(x->path), ly = strlen(y->path);
    if (lx != ly)
        return lx > ly ? -1 : 1;
    return strcmp(x->path, y->path);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int policy_finish(policy *p, char *err, size_t errlen) {
    if (!p->collection_name)
        p->collection_name = xstrdup(p->party_name ? p->party_name : "this collection");
    if (!p->credit_template)
        p->credit_template = xstrdup("{tasl}");
    if (!p->listen)
        p->listen = xstrdup("127.0.0.1:8080");
    if (!p->public_url) {
        char u[300];
        snprintf(u, sizeof u, "http://%s", p->listen ? p->listen : "127.0.0.1:8080");
        if (policy_set_public_url(p, u) != 0) {
            set_err(err, errlen, "%s: cannot derive a public URL from '%s'", p->source, p->listen);
            return -1;
        }
    }
    if (!p->collection_name || !p->credit_template || !p->listen || !p->public_url) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    qsort(p->rules, p->nrules, sizeof *p->rules, cmp_rules);
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    for (size_t i = 0; i < p->nrules; i++) {
        policy_rule *r = &p->rules[i];
        char gerr[400];
        if (gen_rule_expressions(p, r, gerr, sizeof gerr) != 0) {
            ccsig_arena_free(&a);
            if (r->line)
                set_err(err, errlen, "%s:%u: error: %s", p->source, r->line, gerr);
            else
                set_err(err, errlen, "%s", gerr);
            return -1;
        }
        ccsig_statement_init(&r->stmt, CCSIG_SRC_POLICY);
        r->stmt.src.line = r->line;
        r->stmt.src.origin = ccsig_str_c(p->source);
        r->stmt.src.text = ccsig_str_c(r->expression);
        ccsig_error e;
        ccsig_warnings w = {0};
        /* Our own expression must parse: anything else is a generator bug. */
        if (ccsig_pref_parse(&a, r->expression, strlen(r->expression), &r->stmt, &w, &e) !=
            CCSIG_OK) {
            ccsig_arena_free(&a);
            set_err(err, errlen, "internal error: generated expression '%s' does not parse: %s",
                    r->expression, e.message);
            return -1;
        }
        ccsig_arena_reset(&a);
        ccsig_combine(&r->stmt, 1, &r->verdict);
        r->reserve = gen_tdm_reservation(p, r, &r->tdm_policy);
    }
    ccsig_arena_free(&a);
    return 0;
}

const policy_rule *policy_match(const policy *p, const char *path, size_t len) {
    /* Rules are sorted longest first: the first prefix that matches is the
     * longest match (robots.txt and draft-ietf-aipref-attach §4.1). */
    for (size_t i = 0; i < p->nrules; i++) {
        size_t n = strlen(p->rules[i].path);
        if (n <= len && memcmp(p->rules[i].path, path, n) == 0)
            return &p->rules[i];
    }
    return NULL;
}

int policy_from_short(policy *p, ccsig_category use, const char *signal, const char *party_name,
                      const char *party_url, char *err, size_t errlen) {
    policy_defaults(p);
    p->source = xstrdup("the command line");
    rule_pref rp;
    if (!parse_pref_value(signal, strlen(signal), &rp)) {
        set_err(err, errlen,
                "unknown signal '%s' for --signal (expected cr, cr-dc, cr-ec, cr-op, none "
                "(deny), or allow)",
                signal);
        policy_free(p);
        return -1;
    }
    ccsig_error de;
    if (party_name && ccsig_declare_check_name(party_name, strlen(party_name), "--party", &de)) {
        set_err(err, errlen, "%s", de.message);
        policy_free(p);
        return -1;
    }
    if (party_name)
        p->party_name = xstrdup(party_name);
    if (party_url) {
        if (ccsig_declare_check_url(party_url, strlen(party_url), "--party-url", &de)) {
            set_err(err, errlen, "%s", de.message);
            policy_free(p);
            return -1;
        }
        p->party_url = xstrdup(party_url);
    }
    policy_rule *r = rule_for_path(p, "/", 0);
    if (!r || !p->source) {
        set_err(err, errlen, "out of memory");
        policy_free(p);
        return -1;
    }
    r->cat[use] = rp;
    return 0;
}

/* ---- YAML ---- */

typedef struct yctx {
    yaml_document_t doc;
    const char *name;
    char *err;
    size_t errlen;
    policy *p;
} yctx;

static int yfail(yctx *y, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int yfail(yctx *y, const yaml_node_t *n, const char *fmt, ...) {
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n)
        set_err(y->err, y->errlen, "%s:%zu:%zu: error: %s", y->name, n->start_mark.line + 1,
                n->start_mark.column + 1, msg);
    else
        set_err(y->err, y->errlen, "%s: error: %s", y->name, msg);
    return -1;
}

/* What a node is, for "expected X, found Y". */
static void describe(const yaml_node_t *n, char *out, size_t len) {
    switch (n->type) {
    case YAML_SCALAR_NODE: {
        size_t k = n->data.scalar.length;
        if (k == 0) {
            snprintf(out, len, "an empty value");
            return;
        }
        char shown[48];
        size_t j = 0;
        for (size_t i = 0; i < k && j + 4 < sizeof shown; i++) {
            unsigned char c = n->data.scalar.value[i];
            shown[j++] = (c >= ' ' && c < 0x7f) ? (char)c : '?';
        }
        shown[j] = '\0';
        snprintf(out, len, "'%s%s'", shown, j < k ? "..." : "");
        return;
    }
    case YAML_SEQUENCE_NODE:
        snprintf(out, len, "a list");
        return;
    case YAML_MAPPING_NODE:
        snprintf(out, len, "a mapping");
        return;
    default:
        snprintf(out, len, "nothing");
    }
}

static int expect(yctx *y, const yaml_node_t *n, yaml_node_type_t t, const char *what) {
    if (n->type == t)
        return 0;
    char d[64];
    describe(n, d, sizeof d);
    return yfail(y, n, "expected %s, found %s", what, d);
}

static bool scalar_is(const yaml_node_t *n, const char *s) {
    return n->type == YAML_SCALAR_NODE &&
           ccsig_str_eq(ccsig_str_make((const char *)n->data.scalar.value, n->data.scalar.length),
                        s);
}

/* A text value: a scalar without NUL bytes, at most max bytes. */
static int get_text(yctx *y, const yaml_node_t *n, const char *what, size_t max, char **out) {
    if (expect(y, n, YAML_SCALAR_NODE, what))
        return -1;
    size_t k = n->data.scalar.length;
    if (memchr(n->data.scalar.value, '\0', k))
        return yfail(y, n, "expected %s, found a value with a NUL byte", what);
    if (k > max)
        return yfail(y, n, "expected %s of at most %zu bytes, found %zu bytes", what, max, k);
    char *d = malloc(k + 1);
    if (!d)
        return yfail(y, n, "out of memory");
    memcpy(d, n->data.scalar.value, k);
    d[k] = '\0';
    free(*out);
    *out = d;
    return 0;
}

static int get_uint(yctx *y, const yaml_node_t *n, const char *what, unsigned long long lo,
                    unsigned long long hi, unsigned long long *out) {
    char d[64];
    if (n->type == YAML_SCALAR_NODE && n->data.scalar.length > 0 && n->data.scalar.length < 21) {
        char buf[24];
        memcpy(buf, n->data.scalar.value, n->data.scalar.length);
        buf[n->data.scalar.length] = '\0';
        bool digits = true;
        for (size_t i = 0; buf[i]; i++)
            digits &= isdigit((unsigned char)buf[i]) != 0;
        if (digits) {
            errno = 0;
            unsigned long long v = strtoull(buf, NULL, 10);
            if (errno == 0 && v >= lo && v <= hi) {
                *out = v;
                return 0;
            }
        }
    }
    describe(n, d, sizeof d);
    return yfail(y, n, "expected %s (a whole number from %llu to %llu), found %s", what, lo, hi, d);
}

static int get_bool(yctx *y, const yaml_node_t *n, const char *what, int *out) {
    static const char *const t[] = {"true", "yes", "on"}, *const f[] = {"false", "no", "off"};
    for (int i = 0; i < 3; i++) {
        if (scalar_is(n, t[i])) {
            *out = 1;
            return 0;
        }
        if (scalar_is(n, f[i])) {
            *out = 0;
            return 0;
        }
    }
    char d[64];
    describe(n, d, sizeof d);
    return yfail(y, n, "expected %s (true or false), found %s", what, d);
}

/* A rate: requests per second as a number, or "N/s", "N/min", "N/h",
 * "N/day". */
static int get_rate(yctx *y, const yaml_node_t *n, double *out) {
    char d[64];
    if (n->type == YAML_SCALAR_NODE && n->data.scalar.length > 0 && n->data.scalar.length < 32) {
        char buf[40];
        memcpy(buf, n->data.scalar.value, n->data.scalar.length);
        buf[n->data.scalar.length] = '\0';
        char *end;
        errno = 0;
        double v = strtod(buf, &end);
        double per = 1.0;
        bool ok = end != buf && errno == 0 && isfinite(v) && !isspace((unsigned char)buf[0]);
        if (ok && *end) {
            while (*end == ' ')
                end++;
            if (!strcmp(end, "/s") || !strcmp(end, "/second"))
                per = 1.0;
            else if (!strcmp(end, "/min") || !strcmp(end, "/minute"))
                per = 60.0;
            else if (!strcmp(end, "/h") || !strcmp(end, "/hour"))
                per = 3600.0;
            else if (!strcmp(end, "/day"))
                per = 86400.0;
            else
                ok = false;
        }
        /* Anything below one request a day is a typo; above a million a
         * second means "no limit" and is written as such. */
        if (ok && v / per >= 1.0 / 86400.0 && v / per <= 1e6) {
            *out = v / per;
            return 0;
        }
    }
    describe(n, d, sizeof d);
    return yfail(y, n,
                 "expected a rate (requests per second from 1/day to 1000000, as a number or "
                 "'N/s', 'N/min', 'N/h', 'N/day'), found %s",
                 d);
}

typedef int (*key_fn)(yctx *y, const yaml_node_t *key, const yaml_node_t *val, void *arg);

/* Walk a mapping: every key must be one of keys (NULL-terminated) and may
 * appear once; fn handles each pair with the index of its key. */
static int walk_mapping(yctx *y, const yaml_node_t *n, const char *what, const char *const *keys,
                        int (*fn)(yctx *, int, const yaml_node_t *, const yaml_node_t *, void *),
                        void *arg) {
    if (expect(y, n, YAML_MAPPING_NODE, what))
        return -1;
    unsigned long long seen = 0;
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(&y->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(&y->doc, pr->value);
        if (!k || !v)
            return yfail(y, n, "malformed mapping");
        if (k->type != YAML_SCALAR_NODE)
            return expect(y, k, YAML_SCALAR_NODE, "a key");
        int idx = -1;
        for (int i = 0; keys[i]; i++)
            if (scalar_is(k, keys[i]))
                idx = i;
        if (idx < 0) {
            char d[64], list[400];
            describe(k, d, sizeof d);
            size_t o = 0;
            list[0] = '\0';
            for (int i = 0; keys[i] && o < sizeof list - 40; i++)
                o += (size_t)snprintf(list + o, sizeof list - o, "%s%s",
                                      i ? (keys[i + 1] ? ", " : " or ") : "", keys[i]);
            return yfail(y, k, "unknown key %s in %s (expected %s)", d, what, list);
        }
        if (seen & (1ull << idx))
            return yfail(y, k, "key '%s' given twice in %s", keys[idx], what);
        seen |= 1ull << idx;
        if (fn(y, idx, k, v, arg))
            return -1;
    }
    return 0;
}

/* What the declare module accepts in a declaration (paths, names, URLs):
 * the library's check (ccsig/declare.h), its message as it is, pointing at
 * the offending byte when the value is a one-line plain or quoted scalar
 * (else at the value). */
static int declare_check(yctx *y, const yaml_node_t *v,
                         ccsig_status (*check)(const char *, size_t, const char *, ccsig_error *),
                         const char *what, const char *value) {
    ccsig_error e;
    size_t n = strlen(value);
    if (check(value, n, what, &e) == CCSIG_OK)
        return 0;
    /* libyaml counts columns in characters */
    size_t col = v->start_mark.column + 1, chars = 0, before = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)value[i] & 0xC0) != 0x80) {
            chars++;
            before += i < e.offset;
        }
    bool quoted = v->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                  v->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    bool literal = v->start_mark.line == v->end_mark.line &&
                   v->end_mark.column - v->start_mark.column == chars + (quoted ? 2 : 0);
    if (literal && e.offset <= n && (quoted || v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE))
        col += before + (quoted ? 1 : 0);
    set_err(y->err, y->errlen, "%s:%zu:%zu: error: %s", y->name, v->start_mark.line + 1, col,
            e.message);
    return -1;
}

/* collection: name, url, credit, license */
static int on_collection(yctx *y, int idx, const yaml_node_t *k, const yaml_node_t *v, void *arg) {
    policy *p = y->p;
    char *s = NULL;
    switch (idx) {
    case 0:
        if (get_text(y, v, "the collection's name", 200, &p->collection_name))
            return -1;
        return declare_check(y, v, ccsig_declare_check_name, "the collection's name",
                             p->collection_name);
    case 1:
        if (get_text(y, v, "the collection's public URL", POLICY_MAX_TEXT, &s))
            return -1;
        if (declare_check(y, v, ccsig_declare_check_url, "the collection's public URL", s) ||
            policy_set_public_url(p, s) != 0) {
            free(s);
            return -1;
        }
        free(s);
        p->public_url_set = 1;
        return 0;
    case 2:
        if (get_text(y, v, "a credit template", 500, &p->credit_template))
            return -1;
        if (!strstr(p->credit_template, "{collection}") && !strstr(p->credit_template, "{url}") &&
            !strstr(p->credit_template, "{tasl}"))
            return yfail(y, v,
                         "expected a credit template that names the collection ({collection}), "
                         "links to it ({url}) or gives the whole TASL credit ({tasl})");
        return 0;
    default:
        return get_text(y, v, "the collection's licence (a URL or an SPDX identifier)",
                        POLICY_MAX_TEXT, &p->license);
    }
}

static int on_party(yctx *y, int idx, const yaml_node_t *k, const yaml_node_t *v, void *arg) {
    policy *p = y->p;
    switch (idx) {
    case 0:
        if (get_text(y, v, "the declaring party's name", 200, &p->party_name))
            return -1;
        return declare_check(y, v, ccsig_declare_check_name, "the declaring party's name",
                             p->party_name);
    case 1: {
        if (get_text(y, v, "the declaring party's URL", POLICY_MAX_TEXT, &p->party_url))
            return -1;
        return declare_check(y, v, ccsig_declare_check_url, "the declaring party's URL",
                             p->party_url);
    }
    default:
        if (scalar_is(v, "holder"))
            p->copyright = COPYRIGHT_HOLDER;
        else if (scalar_is(v, "not-holder"))
            p->copyright = COPYRIGHT_NOT_HOLDER;
        else if (scalar_is(v, "mixed"))
            p->copyright = COPYRIGHT_MIXED;
        else {
            char d[64];
            describe(v, d, sizeof d);
            return yfail(y, v,
                         "expected the copyright status: holder, not-holder or mixed, "
                         "found %s",
                         d);
        }
        return 0;
    }
}

/* One entry of preferences: path plus category labels. Not walk_mapping:
 * the keys are open (any label the vocabulary knows). */
static int on_pref_entry(yctx *y, const yaml_node_t *n) {
    if (expect(y, n, YAML_MAPPING_NODE, "a preference rule (path: /..., <category>: <value>)"))
        return -1;
    const yaml_node_t *pathv = NULL;
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(&y->doc, pr->key);
        if (k && scalar_is(k, "path")) {
            if (pathv)
                return yfail(y, k, "key 'path' given twice in a preference rule");
            pathv = yaml_document_get_node(&y->doc, pr->value);
        }
    }
    char *path = NULL;
    if (pathv) {
        if (get_text(y, pathv, "a path", POLICY_MAX_PATH + 1, &path))
            return -1;
        /* The declare module's rule for paths, the only one: a path it
         * refuses could not be published in robots.txt, tdmrep.json and
         * the server configurations alike. */
        if (declare_check(y, pathv, ccsig_declare_check_path, "the path", path)) {
            free(path);
            return -1;
        }
    } else {
        path = xstrdup("/");
        if (!path)
            return yfail(y, n, "out of memory");
    }
    policy_rule *r = rule_for_path(y->p, path, (unsigned)n->start_mark.line + 1);
    free(path);
    if (!r)
        return yfail(y, n, "too many preference rules (at most %d paths)", POLICY_MAX_RULES);
    int stated = 0;
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(&y->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(&y->doc, pr->value);
        if (!k || !v)
            return yfail(y, n, "malformed mapping");
        if (scalar_is(k, "path"))
            continue;
        if (scalar_is(k, "encrypted")) {
            /* RSL's encrypted="true": served encrypted, keys from /key. */
            if (get_bool(y, v, "encrypted", &r->encrypted))
                return -1;
            continue;
        }
        if (expect(y, k, YAML_SCALAR_NODE, "a category"))
            return -1;
        ccsig_category c;
        if (!ccsig_category_parse((const char *)k->data.scalar.value, k->data.scalar.length, &c)) {
            char d[64];
            describe(k, d, sizeof d);
            return yfail(y, k,
                         "unknown key %s in a preference rule (expected path, encrypted or a "
                         "category: "
                         "automated-processing, train-ai, train-genai, ai-use or search)",
                         d);
        }
        rule_pref rp;
        if (v->type != YAML_SCALAR_NODE ||
            !parse_pref_value((const char *)v->data.scalar.value, v->data.scalar.length, &rp)) {
            char d[64];
            describe(v, d, sizeof d);
            return yfail(y, v,
                         "expected allow, deny, or a CC signal (cr, cr-dc, cr-ec, cr-op: deny "
                         "unless its conditions are met) for %s, found %s",
                         ccsig_category_name(c), d);
        }
        if (r->cat[c].set)
            return yfail(y, k, "%s is already stated for path %s (line %u)", ccsig_category_name(c),
                         r->path, r->line);
        r->cat[c] = rp;
        stated++;
    }
    if (!stated)
        return yfail(y, n,
                     "expected at least one category (e.g. train-ai: cr) in this preference rule");
    return 0;
}

static int on_preferences(yctx *y, const yaml_node_t *n) {
    if (expect(y, n, YAML_SEQUENCE_NODE, "a list of preference rules"))
        return -1;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *e = yaml_document_get_node(&y->doc, *it);
        if (!e)
            return yfail(y, n, "malformed list");
        if (on_pref_entry(y, e))
            return -1;
    }
    return 0;
}

static int on_tier(yctx *y, int idx, const yaml_node_t *k, const yaml_node_t *v, void *arg) {
    tier *t = arg;
    unsigned long long u = 0;
    switch (idx) {
    case 0:
        return get_rate(y, v, &t->rate);
    case 1:
        if (get_uint(y, v, "a burst", 1, 1000000, &u))
            return -1;
        t->burst = (double)u;
        return 0;
    default:
        if (scalar_is(k, "price")) {
            /* Pay per crawl (paycrawl.h). */
            if (v->type == YAML_SCALAR_NODE &&
                price_parse((const char *)v->data.scalar.value, v->data.scalar.length, &t->price))
                return 0;
            char d[64];
            describe(v, d, sizeof d);
            return yfail(y, v, "expected a price per request such as 'USD 0.01', found %s", d);
        }
        if (get_uint(y, v, "a daily quota (0 = none)", 0, 1000000000000ull, &u))
            return -1;
        t->quota = u;
        return 0;
    }
}

static int on_access(yctx *y, int idx, const yaml_node_t *k, const yaml_node_t *v, void *arg) {
    static const char *const tier_keys[] = {"rate", "burst", "quota", NULL};
    static const char *const tier_keys_noquota[] = {"rate", "burst", NULL};
    /* Pay per crawl: automated clients and bulk reusers may be charged;
     * people, registrations, logins and public-interest reusers never. */
    static const char *const tier_keys_priced[] = {"rate", "burst", "quota", "price", NULL};
    static const char *const tier_keys_priced_noquota[] = {"rate", "burst", "price", NULL};
    policy *p = y->p;
    char what[80];
    if (idx < TIER_COUNT) {
        snprintf(what, sizeof what, "access.%s", tier_names[idx]);
        /* Per-address classes count no daily quota: addresses are shared. */
        const char *const *keys = idx <= TIER_LAST_PER_ADDRESS ? tier_keys_noquota : tier_keys;
        if (idx == TIER_AUTOMATED)
            keys = tier_keys_priced_noquota;
        else if (idx == TIER_BULK)
            keys = tier_keys_priced;
        return walk_mapping(y, v, what, keys, on_tier, &p->tiers[idx]);
    }
    if (idx == TIER_COUNT) {
        if (scalar_is(v, "open"))
            p->registration_open = 1;
        else if (scalar_is(v, "closed"))
            p->registration_open = 0;
        else {
            char d[64];
            describe(v, d, sizeof d);
            return yfail(y, v, "expected open or closed, found %s", d);
        }
        return 0;
    }
    return get_bool(y, v, "bulk-endpoints", &p->bulk_endpoints);
}

/* Each item of the list v (what it must be: `what`) given to item with its
 * index, at most max of them (`many` names them in the error); *n counts
 * those taken. 0, or -1 with the error set. */
static int walk_list(yctx *y, const yaml_node_t *v, const char *what, const char *many, size_t max,
                     size_t *n, int (*item)(yctx *, const yaml_node_t *, size_t, void *),
                     void *arg) {
    if (expect(y, v, YAML_SEQUENCE_NODE, what))
        return -1;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *e = yaml_document_get_node(&y->doc, *it);
        if (!e)
            return yfail(y, v, "malformed list");
        if (*n >= max)
            return yfail(y, e, "too many %s (at most %zu)", many, max);
        if (item(y, e, *n, arg))
            return -1;
        (*n)++;
    }
    return 0;
}

/* server.trusted-proxies: an address (checked where it is used). */
static int on_proxy(yctx *y, const yaml_node_t *e, size_t i, void *arg) {
    char **proxies = arg;
    proxies[i] = NULL;
    return get_text(y, e, "an IP address", 64, &proxies[i]);
}

/* server.wba-allow-addresses: an address or network, by the fetcher's own
 * parser (ccsig/fetch.h). */
static int on_network(yctx *y, const yaml_node_t *e, size_t i, void *arg) {
    ccsig_addr_net *nets = arg;
    if (e->type == YAML_SCALAR_NODE &&
        ccsig_addr_net_parse((const char *)e->data.scalar.value, e->data.scalar.length, &nets[i]))
        return 0;
    char d[64];
    describe(e, d, sizeof d);
    return yfail(y, e, "expected an IPv4 or IPv6 address or network (ADDR/LEN), found %s", d);
}

static int on_server(yctx *y, int idx, const yaml_node_t *k, const yaml_node_t *v, void *arg) {
    policy *p = y->p;
    unsigned long long u = 0;
    switch (idx) {
    case 0:
        return get_text(y, v, "a listen address (host:port)", 300, &p->listen);
    case 1:
        if (get_uint(y, v, "a thread count", 1, 256, &u))
            return -1;
        p->threads = (unsigned)u;
        return 0;
    case 2:
        if (get_uint(y, v, "a timeout in seconds", 1, 3600, &u))
            return -1;
        p->timeout_s = (unsigned)u;
        return 0;
    case 3:
        if (get_uint(y, v, "a connection limit", 1, 100000, &u))
            return -1;
        p->max_connections = (unsigned)u;
        return 0;
    case 4:
        if (get_uint(y, v, "a per-address connection limit", 1, 100000, &u))
            return -1;
        p->max_connections_per_ip = (unsigned)u;
        return 0;
    case 5:
        if (get_uint(y, v, "a header size limit in bytes", 2048, 1 << 20, &u))
            return -1;
        p->max_header_bytes = (size_t)u;
        return 0;
    case 6:
        if (get_uint(y, v, "a body size limit in bytes", 1024, 1 << 20, &u))
            return -1;
        p->max_body_bytes = (size_t)u;
        return 0;
    case 9:
        if (get_uint(y, v, "a header timeout in seconds", 1, 3600, &u))
            return -1;
        p->header_timeout_s = (unsigned)u;
        return 0;
    case 10:
        if (get_uint(y, v, "a limit of connections reading headers", 1, 100000, &u))
            return -1;
        p->max_header_connections = (unsigned)u;
        return 0;
    case 11:
        return walk_list(y, v, "a list of IP addresses or networks (ADDR/LEN)", "networks",
                         POLICY_MAX_PROXIES, &p->nwba_allow, on_network, p->wba_allow);
    case 12:
        return get_bool(y, v, "wba-allow-http", &p->wba_allow_http);
    case 13:
        if (get_uint(y, v, "a wait in milliseconds", 1, 60000, &u))
            return -1;
        p->wba_wait_ms = (unsigned)u;
        return 0;
    case 8:
        if (scalar_is(v, "full"))
            p->ledger_sync_process = 0;
        else if (scalar_is(v, "process"))
            p->ledger_sync_process = 1;
        else {
            char d[64];
            describe(v, d, sizeof d);
            return yfail(y, v,
                         "expected full (every ledger commit reaches the disk before the "
                         "response) or process (it reaches the operating system: survives the "
                         "gateway's crash, not the machine's), found %s",
                         d);
        }
        return 0;
    default:
        return walk_list(y, v, "a list of proxy addresses", "trusted proxies", POLICY_MAX_PROXIES,
                         &p->ntrusted_proxies, on_proxy, p->trusted_proxies);
    }
}

static int on_steward(yctx *y, int idx, const yaml_node_t *k, const yaml_node_t *v, void *arg) {
    unsigned long long u = 0;
    if (get_uint(y, v, "session hours", 1, 24 * 30, &u))
        return -1;
    y->p->session_hours = (unsigned)u;
    return 0;
}

static int on_search(yctx *y, int idx, const yaml_node_t *k, const yaml_node_t *v, void *arg) {
    unsigned long long u = 0;
    if (idx == 0)
        return get_bool(y, v, "search.enabled", &y->p->search_enabled);
    if (get_uint(y, v, "a file size in bytes", 1024, 1ull << 30, &u))
        return -1;
    y->p->search_max_file_bytes = (size_t)u;
    return 0;
}

static int on_top(yctx *y, int idx, const yaml_node_t *k, const yaml_node_t *v, void *arg) {
    static const char *const collection_keys[] = {"name", "url", "credit", "license", NULL};
    static const char *const party_keys[] = {"name", "url", "copyright", NULL};
    static const char *const access_keys[] = {
        "browsers", "automated",       "registrations", "logins",         "pending",
        "bulk",     "public-interest", "registration",  "bulk-endpoints", NULL};
    static const char *const server_keys[] = {"listen",
                                              "threads",
                                              "timeout",
                                              "max-connections",
                                              "max-connections-per-ip",
                                              "max-header-bytes",
                                              "max-body-bytes",
                                              "trusted-proxies",
                                              "ledger-sync",
                                              "header-timeout",
                                              "max-header-connections",
                                              "wba-allow-addresses",
                                              "wba-allow-http",
                                              "wba-directory-wait-ms",
                                              NULL};
    static const char *const steward_keys[] = {"session-hours", NULL};
    static const char *const search_keys[] = {"enabled", "max-file-bytes", NULL};
    switch (idx) {
    case 0:
        return walk_mapping(y, v, "collection", collection_keys, on_collection, NULL);
    case 1:
        return walk_mapping(y, v, "party", party_keys, on_party, NULL);
    case 2:
        return on_preferences(y, v);
    case 3:
        return walk_mapping(y, v, "access", access_keys, on_access, NULL);
    case 4:
        return walk_mapping(y, v, "server", server_keys, on_server, NULL);
    case 5:
        return walk_mapping(y, v, "steward", steward_keys, on_steward, NULL);
    default:
        return walk_mapping(y, v, "search", search_keys, on_search, NULL);
    }
}

int policy_load_buffer(policy *p, const char *name, const char *data, size_t len, char *err,
                       size_t errlen) {
    static const char *const top_keys[] = {"collection", "party",   "preferences", "access",
                                           "server",     "steward", "search",      NULL};
    policy_defaults(p);
    p->source = xstrdup(name);
    if (!p->source) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    if (len > POLICY_MAX_BYTES) {
        set_err(err, errlen, "%s: error: policy file is larger than %u bytes", name,
                POLICY_MAX_BYTES);
        policy_free(p);
        return -1;
    }
    yaml_parser_t parser;
    yctx y;
    memset(&y, 0, sizeof y);
    y.name = name;
    y.err = err;
    y.errlen = errlen;
    y.p = p;
    if (!yaml_parser_initialize(&parser)) {
        set_err(err, errlen, "out of memory");
        policy_free(p);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    int rc = -1;
    if (!yaml_parser_load(&parser, &y.doc)) {
        const yaml_mark_t *m = parser.problem_mark.line || parser.problem_mark.column
                                   ? &parser.problem_mark
                                   : &parser.context_mark;
        set_err(err, errlen, "%s:%zu:%zu: error: %s%s%s%s", name, m->line + 1, m->column + 1,
                parser.problem ? parser.problem : "invalid YAML", parser.context ? " (" : "",
                parser.context ? parser.context : "", parser.context ? ")" : "");
        yaml_parser_delete(&parser);
        policy_free(p);
        return -1;
    }
    yaml_node_t *root = yaml_document_get_root_node(&y.doc);
    if (!root)
        yfail(&y, NULL, "the policy is empty (expected a mapping with preferences:)");
    else if (walk_mapping(&y, root, "the policy", top_keys, on_top, NULL) == 0) {
        /* A second document is a mistake: say so rather than ignore it. */
        yaml_document_t extra;
        if (!yaml_parser_load(&parser, &extra)) {
            set_err(err, errlen, "%s:%zu:%zu: error: %s", name, parser.problem_mark.line + 1,
                    parser.problem_mark.column + 1,
                    parser.problem ? parser.problem : "invalid YAML");
        } else {
            yaml_node_t *r2 = yaml_document_get_root_node(&extra);
            if (r2)
                set_err(err, errlen,
                        "%s:%zu:%zu: error: expected one YAML document, found a second one", name,
                        r2->start_mark.line + 1, r2->start_mark.column + 1);
            else if (p->nrules == 0)
                set_err(err, errlen,
                        "%s: error: expected at least one rule under preferences: (e.g. "
                        "'- path: /' with 'train-ai: cr')",
                        name);
            else
                rc = 0;
            yaml_document_delete(&extra);
        }
    }
    yaml_document_delete(&y.doc);
    yaml_parser_delete(&parser);
    if (rc == 0)
        rc = policy_finish(p, err, errlen);
    if (rc != 0)
        policy_free(p);
    return rc;
}

int policy_load_file(policy *p, const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, "%s: error: cannot read the policy: %s", path, strerror(errno));
        return -1;
    }
    char *data = malloc(POLICY_MAX_BYTES + 1);
    size_t n = data ? fread(data, 1, POLICY_MAX_BYTES + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!data || bad) {
        free(data);
        set_err(err, errlen, "%s: error: cannot read the policy", path);
        return -1;
    }
    int rc = policy_load_buffer(p, path, data, n, err, errlen);
    free(data);
    return rc;
}
