/*
 * attribution.c — credit records (ccsig/attribution.h): made from an
 * evaluation, written and read as JSON, turned into the attribution text
 * people paste, and checked against an answer.
 *
 * Judgements (docs/ccsig-cite.1): the work's link is its canonical address
 * when the asset names one, else where it was read; the licence is the
 * first licence link the readers found (in evaluation order: headers,
 * HTML, embedded metadata, RSL, dataset metadata); the collection is the
 * publisher fact, else nothing (the party's site key still says who
 * declared the preference).
 */
#include <stdio.h>
#include <stdlib.h>

#include "ccsig/alloc.h"
#include "ccsig/attribution.h"
#include "ccsig/report.h"
#include "ccsig/url.h"
#include "sources/json.h"

/* ---- helpers ---- */

/* A NUL-terminated copy of s in a, NULL when s is empty (or memory ran
 * out: a->failed says which). */
static const char *adup(ccsig_arena *a, ccsig_str s) {
    if (!s.p || !s.len)
        return NULL;
    return ccsig_arena_dup(a, s.p, s.len);
}

/* The same for a NUL-terminated string (NULL stays NULL). */
static const char *adupc(ccsig_arena *a, const char *s) {
    return s && *s ? ccsig_arena_dup(a, s, strlen(s)) : NULL;
}

/* ASCII lower case of one byte. */
static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Offset of the first ASCII case-insensitive occurrence of needle[0..m)
 * in hay[0..n), or n when there is none (m == 0: n). */
static size_t ifind(const char *hay, size_t n, const char *needle, size_t m) {
    if (!m || m > n)
        return n;
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && lower(hay[i + k]) == lower(needle[k]))
            k++;
        if (k == m)
            return i;
    }
    return n;
}

/* Offset of the first exact occurrence, or n. */
static size_t find(const char *hay, size_t n, const char *needle, size_t m) {
    if (!m || m > n)
        return n;
    for (size_t i = 0; i + m <= n; i++)
        if (hay[i] == needle[0] && !memcmp(hay + i, needle, m))
            return i;
    return n;
}

bool ccsig_credit_record_asks_credit(const ccsig_credit_record *r) {
    return (r->obligations & CCSIG_COND_CREDIT) || (r->signals & ~1u);
}

/* ---- Creative Commons licences ---- */

/* The licence elements of CC's six licences, as they appear in URLs. */
static bool cc_code(const char *code, size_t n) {
    static const char *const codes[] = {"by", "by-sa", "by-nd", "by-nc", "by-nc-sa", "by-nc-nd"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (strlen(codes[i]) == n && !memcmp(codes[i], code, n))
            return true;
    return false;
}

/* "1.0", "2.0", "2.5", "3.0", "4.0": a digit, a dot, a digit. */
static bool cc_version(const char *v, size_t n) {
    return n == 3 && v[0] >= '1' && v[0] <= '4' && v[1] == '.' && v[2] >= '0' && v[2] <= '9';
}

/* Write "CC BY-SA 4.0" and the deed of code/version. */
static void cc_put(const char *code, size_t cn, const char *ver, char *name, size_t name_cap,
                   char *deed, size_t deed_cap) {
    char up[16];
    for (size_t i = 0; i < cn && i + 1 < sizeof up; i++)
        up[i] = code[i] >= 'a' && code[i] <= 'z' ? (char)(code[i] - 32) : code[i];
    up[cn < sizeof up ? cn : sizeof up - 1] = '\0';
    snprintf(name, name_cap, "CC %s %.3s", up, ver);
    snprintf(deed, deed_cap, "https://creativecommons.org/licenses/%.*s/%.3s/", (int)cn, code, ver);
}

bool ccsig_cc_license(const char *s, char *name, size_t name_cap, char *deed, size_t deed_cap) {
    char l[256];
    size_t n = s ? strlen(s) : 0;
    if (!n || n >= sizeof l)
        return false;
    for (size_t i = 0; i < n; i++)
        l[i] = lower(s[i]);
    l[n] = '\0';
    static const char lic[] = "creativecommons.org/licenses/";
    static const char pd[] = "creativecommons.org/publicdomain/";
    size_t at = find(l, n, lic, sizeof lic - 1);
    if (at < n) {
        const char *code = l + at + sizeof lic - 1;
        const char *slash = strchr(code, '/');
        if (!slash || !cc_code(code, (size_t)(slash - code)))
            return false;
        const char *ver = slash + 1;
        size_t vn = strcspn(ver, "/?#");
        if (!cc_version(ver, vn))
            return false;
        cc_put(code, (size_t)(slash - code), ver, name, name_cap, deed, deed_cap);
        return true;
    }
    at = find(l, n, pd, sizeof pd - 1);
    if (at < n) {
        const char *tool = l + at + sizeof pd - 1;
        bool zero = !strncmp(tool, "zero/", 5), mark = !strncmp(tool, "mark/", 5);
        const char *ver = tool + 5;
        if ((!zero && !mark) || !cc_version(ver, strcspn(ver, "/?#")))
            return false;
        snprintf(name, name_cap, "%s %.3s", zero ? "CC0" : "Public Domain Mark", ver);
        snprintf(deed, deed_cap, "https://creativecommons.org/publicdomain/%s/%.3s/",
                 zero ? "zero" : "mark", ver);
        return true;
    }
    /* SPDX-style identifiers: cc-by-4.0, CC-BY-NC-SA-3.0, cc0-1.0 */
    if (!strncmp(l, "cc0-", 4) && cc_version(l + 4, n - 4)) {
        snprintf(name, name_cap, "CC0 %.3s", l + 4);
        snprintf(deed, deed_cap, "https://creativecommons.org/publicdomain/zero/%.3s/", l + 4);
        return true;
    }
    if (n > 7 && !strncmp(l, "cc-", 3) && l[n - 4] == '-' && cc_version(l + n - 3, 3) &&
        cc_code(l + 3, n - 7)) {
        cc_put(l + 3, n - 7, l + n - 3, name, name_cap, deed, deed_cap);
        return true;
    }
    return false;
}

/* ---- from an evaluation ---- */

/* "html line 4", "xmp photo.jpg", "dataset README.md line 3": where a
 * fact was found, for the record's "from". */
static const char *where(ccsig_arena *a, const ccsig_provenance *p) {
    char buf[600];
    int origin_len = (int)(p->origin.len < 400 ? p->origin.len : 400);
    if (p->line)
        snprintf(buf, sizeof buf, "%s %.*s line %u", ccsig_source_kind_name(p->kind), origin_len,
                 p->origin.p ? p->origin.p : "", p->line);
    else
        snprintf(buf, sizeof buf, "%s %.*s", ccsig_source_kind_name(p->kind), origin_len,
                 p->origin.p ? p->origin.p : "");
    size_t n = strlen(buf);
    while (n && buf[n - 1] == ' ')
        buf[--n] = '\0';
    return ccsig_arena_dup(a, buf, n);
}

/* A link made absolute against base when it is relative and resolve is
 * given; copied into a. Identifiers that are no URL (an SPDX licence id)
 * are kept as they are. */
static const char *absolute(ccsig_arena *a, ccsig_str ref, const char *base,
                            ccsig_url_resolver resolve) {
    const char *r = adup(a, ref);
    if (!r || !base || !resolve)
        return r;
    ccsig_url u;
    if (ccsig_url_split(ref, &u))
        return r; /* absolute already */
    if (r[0] != '/' && r[0] != '.' && !strchr(r, '/'))
        return r; /* not a path: an identifier */
    char *abs = resolve(base, r);
    if (!abs)
        return r;
    const char *out = adupc(a, abs);
    ccsig_free(abs);
    return out ? out : r;
}

ccsig_status ccsig_credit_record_from_eval(const ccsig_eval_result *ev, const char *url,
                                           const char *read_at, ccsig_url_resolver resolve,
                                           ccsig_arena *a, ccsig_credit_record *out) {
    if (!ev || !a || !out)
        return CCSIG_ERR_USAGE;
    memset(out, 0, sizeof *out);
    bool failed = a->failed;
    const ccsig_collect *c = &ev->c;
    const char *v[CCSIG_FACT_KIND_COUNT] = {0};
    for (int k = 0; k < CCSIG_FACT_KIND_COUNT; k++) {
        const ccsig_fact *f = ccsig_collect_fact_best(c, (ccsig_fact_kind)k);
        if (!f)
            continue;
        v[k] = k == CCSIG_FACT_SOURCE || k == CCSIG_FACT_PUBLISHER_URL
                   ? absolute(a, f->value, url, resolve)
                   : adup(a, f->value);
        out->from[k] = where(a, &f->src);
    }
    out->title = v[CCSIG_FACT_TITLE];
    out->author = v[CCSIG_FACT_CREATOR];
    out->rights = v[CCSIG_FACT_RIGHTS];
    out->link = v[CCSIG_FACT_SOURCE] ? v[CCSIG_FACT_SOURCE] : adupc(a, url);
    out->source = v[CCSIG_FACT_PUBLISHER];
    out->source_link = v[CCSIG_FACT_PUBLISHER_URL];
    for (size_t i = 0; i < c->nlinks; i++) {
        if (c->links[i].kind != CCSIG_LINK_LICENSE)
            continue;
        out->license = absolute(a, c->links[i].url, url, resolve);
        out->license_from = where(a, &c->links[i].src);
        break;
    }
    if (out->license) {
        char name[64], deed[128];
        if (ccsig_cc_license(out->license, name, sizeof name, deed, sizeof deed)) {
            out->license_name = adupc(a, name);
            out->license_deed = adupc(a, deed);
        } else {
            out->license_name = out->license;
            ccsig_url u;
            if (ccsig_url_split(ccsig_str_c(out->license), &u))
                out->license_deed = out->license;
        }
    }
    if (url) {
        ccsig_url u;
        char site[512];
        size_t sn;
        if (ccsig_url_split(ccsig_str_c(url), &u) && (sn = ccsig_url_site(&u, site, sizeof site)))
            out->party = ccsig_arena_dup(a, site, sn);
    }
    out->use = ev->decision.use;
    out->result = ev->decision.result;
    out->obligations = ev->decision.obligations;
    out->missing = ev->decision.missing;
    int src = ev->decision.source;
    if ((unsigned)out->use < CCSIG_CAT_COUNT) {
        out->signals = ev->verdict.cat[out->use].signals;
        if (src < 0)
            src = ev->verdict.cat[out->use].source;
    }
    if (src >= 0 && (size_t)src < c->n) {
        out->has_preference = true;
        out->preference = c->sts[src].src;
        out->preference.origin = ccsig_str_c(adup(a, out->preference.origin));
        out->preference.text = ccsig_str_c(adup(a, out->preference.text));
    }
    out->read_at = adupc(a, read_at);
    return a->failed && !failed ? CCSIG_ERR_NOMEM : CCSIG_OK;
}

/* ---- JSON ---- */

static void put_str(ccsig_buf *b, const char *s) {
    if (s)
        ccsig_buf_json_str(b, s, strlen(s));
    else
        ccsig_buf_puts(b, "null");
}

/* ["cc-cr", ...] */
static void put_signals(ccsig_buf *b, unsigned signals) {
    ccsig_buf_putc(b, '[');
    bool first = true;
    for (int k = 1; k < CCSIG_SIGNAL_COUNT; k++) {
        if (!(signals & (1u << k)))
            continue;
        if (!first)
            ccsig_buf_putc(b, ',');
        first = false;
        put_str(b, ccsig_signal_token((ccsig_signal)k));
    }
    ccsig_buf_putc(b, ']');
}

void ccsig_credit_record_write_json(ccsig_buf *b, const ccsig_credit_record *r) {
    ccsig_buf_puts(b, "{\"type\":\"" CCSIG_CREDIT_RECORD_TYPE "\",\"version\":");
    ccsig_buf_printf(b, "%d,\"title\":", CCSIG_CREDIT_RECORD_VERSION);
    put_str(b, r->title);
    ccsig_buf_puts(b, ",\"link\":");
    put_str(b, r->link);
    ccsig_buf_puts(b, ",\"source\":");
    put_str(b, r->source);
    ccsig_buf_puts(b, ",\"source_link\":");
    put_str(b, r->source_link);
    ccsig_buf_puts(b, ",\"author\":");
    put_str(b, r->author);
    ccsig_buf_puts(b, ",\"rights\":");
    put_str(b, r->rights);
    ccsig_buf_puts(b, ",\"license\":");
    if (r->license) {
        ccsig_buf_puts(b, "{\"id\":");
        put_str(b, r->license);
        ccsig_buf_puts(b, ",\"name\":");
        put_str(b, r->license_name);
        ccsig_buf_puts(b, ",\"deed\":");
        put_str(b, r->license_deed);
        ccsig_buf_putc(b, '}');
    } else {
        ccsig_buf_puts(b, "null");
    }
    ccsig_buf_puts(b, ",\"party\":");
    put_str(b, r->party);
    ccsig_buf_puts(b, ",\"use\":");
    put_str(b, (unsigned)r->use < CCSIG_CAT_COUNT ? ccsig_category_name(r->use) : NULL);
    ccsig_buf_puts(b, ",\"result\":");
    put_str(b, ccsig_result_name(r->result));
    ccsig_buf_puts(b, ",\"signals\":");
    put_signals(b, r->signals);
    ccsig_buf_puts(b, ",\"obligations\":");
    ccsig_report_write_conditions(b, r->obligations);
    ccsig_buf_puts(b, ",\"missing\":");
    ccsig_report_write_conditions(b, r->missing);
    ccsig_buf_puts(b, ",\"preference\":");
    if (r->has_preference)
        ccsig_report_write_source(b, &r->preference);
    else
        ccsig_buf_puts(b, "null");
    ccsig_buf_puts(b, ",\"read_at\":");
    put_str(b, r->read_at);
    ccsig_buf_puts(b, ",\"from\":{");
    bool first = true;
    for (int k = 0; k <= CCSIG_FACT_KIND_COUNT; k++) {
        const char *f = k < CCSIG_FACT_KIND_COUNT ? r->from[k] : r->license_from;
        if (!f)
            continue;
        if (!first)
            ccsig_buf_putc(b, ',');
        first = false;
        put_str(b,
                k < CCSIG_FACT_KIND_COUNT ? ccsig_fact_kind_name((ccsig_fact_kind)k) : "license");
        ccsig_buf_putc(b, ':');
        put_str(b, f);
    }
    ccsig_buf_puts(b, "}}");
}

/* Reading: the state of one document. */
typedef struct rd {
    ccsig_arena *a;
    const char *p; /* the document (error positions) */
    ccsig_error *err;
    ccsig_credit_record *v;
    size_t n, cap;
} rd;

/* Point err at the value v: its line and the column of its first byte. */
static void at_value(const rd *r, const src_json *v) {
    if (!r->err)
        return;
    r->err->line = v->line;
    size_t col = 1;
    for (size_t i = v->start; i > 0 && r->p[i - 1] != '\n'; i--)
        col++;
    r->err->column = (unsigned)col;
}

/* A string member (NULL when absent or null); *st set for another type. */
static const char *jstr(rd *r, const src_json *o, const char *key, ccsig_status *st) {
    const src_json *m = src_json_get(o, key);
    if (!m || m->type == SRC_JSON_NULL)
        return NULL;
    if (m->type != SRC_JSON_STRING) {
        if (*st == CCSIG_OK) {
            *st = ccsig_error_set(r->err, CCSIG_ERR_RANGE, m->start, "\"%s\" must be %s, not %s",
                                  key, "a string or null", src_json_type_name(m->type));
            at_value(r, m);
        }
        return NULL;
    }
    return adup(r->a, m->str);
}

/* The next record slot, or NULL (err set) past the limit or out of memory. */
static ccsig_credit_record *slot(rd *r) {
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        if (cap > CCSIG_CREDIT_RECORDS_MAX)
            cap = CCSIG_CREDIT_RECORDS_MAX;
        if (r->n == cap) {
            ccsig_error_set(r->err, CCSIG_ERR_LIMIT, 0, "more than %d records in one document",
                            CCSIG_CREDIT_RECORDS_MAX);
            return NULL;
        }
        ccsig_credit_record *nv = ccsig_arena_alloc(r->a, cap * sizeof *nv);
        if (!nv) {
            ccsig_error_set(r->err, CCSIG_ERR_NOMEM, 0, "out of memory");
            return NULL;
        }
        if (r->n)
            memcpy(nv, r->v, r->n * sizeof *nv);
        r->v = nv;
        r->cap = cap;
    }
    ccsig_credit_record *x = &r->v[r->n++];
    memset(x, 0, sizeof *x);
    x->use = CCSIG_CAT_NONE;
    return x;
}

/* Signal tokens of an array of strings. */
static unsigned jsignals(const src_json *arr) {
    unsigned s = 0;
    for (const src_json *it = arr && arr->type == SRC_JSON_ARRAY ? arr->child : NULL; it;
         it = it->next) {
        ccsig_signal sig;
        if (it->type == SRC_JSON_STRING && ccsig_signal_from_token(it->str.p, it->str.len, &sig))
            s |= 1u << sig;
    }
    return s;
}

/* Condition names of an array of strings. */
static unsigned jconditions(const src_json *arr) {
    unsigned m = 0;
    for (const src_json *it = arr && arr->type == SRC_JSON_ARRAY ? arr->child : NULL; it;
         it = it->next) {
        unsigned bits;
        size_t bad;
        if (it->type == SRC_JSON_STRING &&
            ccsig_conditions_parse(it->str.p, it->str.len, &bits, &bad))
            m |= bits;
    }
    return m;
}

/* A provenance object {"kind","line","text","origin"}. */
static bool jsource(rd *r, const src_json *o, ccsig_provenance *p) {
    if (!o || o->type != SRC_JSON_OBJECT)
        return false;
    ccsig_status st = CCSIG_OK;
    const src_json *k = src_json_get(o, "kind"), *line = src_json_get(o, "line");
    memset(p, 0, sizeof *p);
    for (int i = 0; k && k->type == SRC_JSON_STRING && i < CCSIG_SRC_COUNT; i++)
        if (ccsig_str_eq(k->str, ccsig_source_kind_name((ccsig_source_kind)i)))
            p->kind = (ccsig_source_kind)i;
    if (line && line->type == SRC_JSON_NUMBER)
        p->line = (unsigned)strtoul(line->str.p, NULL, 10);
    p->text = ccsig_str_c(jstr(r, o, "text", &st));
    p->origin = ccsig_str_c(jstr(r, o, "origin", &st));
    return true;
}

/* A site key of url into a. */
static const char *party_of(ccsig_arena *a, const char *url) {
    ccsig_url u;
    char site[512];
    size_t sn;
    if (!url || !ccsig_url_split(ccsig_str_c(url), &u) ||
        !(sn = ccsig_url_site(&u, site, sizeof site)))
        return NULL;
    return ccsig_arena_dup(a, site, sn);
}

/* The decision fields every shape shares: use, result, obligations. */
static void jdecision(const src_json *use, const src_json *result, const src_json *obl,
                      ccsig_credit_record *x) {
    if (use && use->type == SRC_JSON_STRING)
        ccsig_category_parse(use->str.p, use->str.len, &x->use);
    for (int k = 0; result && result->type == SRC_JSON_STRING && k <= 3; k++)
        if (ccsig_str_eq(result->str, ccsig_result_name((ccsig_result)k)))
            x->result = (ccsig_result)k;
    x->obligations = jconditions(obl);
}

/* The conditions not committed to: a decision's "missing". */
static void jmissing(const src_json *o, ccsig_credit_record *x) {
    x->missing = jconditions(src_json_get(o, "missing"));
}

/* The members of a credit record object o into x. */
static ccsig_status read_record(rd *r, const src_json *o, ccsig_credit_record *x) {
    ccsig_status st = CCSIG_OK;
    x->title = jstr(r, o, "title", &st);
    x->link = jstr(r, o, "link", &st);
    x->source = jstr(r, o, "source", &st);
    x->source_link = jstr(r, o, "source_link", &st);
    x->author = jstr(r, o, "author", &st);
    x->rights = jstr(r, o, "rights", &st);
    x->party = jstr(r, o, "party", &st);
    x->read_at = jstr(r, o, "read_at", &st);
    const src_json *lic = src_json_get(o, "license");
    if (lic && lic->type == SRC_JSON_OBJECT) {
        x->license = jstr(r, lic, "id", &st);
        x->license_name = jstr(r, lic, "name", &st);
        x->license_deed = jstr(r, lic, "deed", &st);
    }
    jdecision(src_json_get(o, "use"), src_json_get(o, "result"), src_json_get(o, "obligations"), x);
    x->signals = jsignals(src_json_get(o, "signals"));
    jmissing(o, x);
    x->has_preference = jsource(r, src_json_get(o, "preference"), &x->preference);
    const src_json *from = src_json_get(o, "from");
    for (int k = 0; from && from->type == SRC_JSON_OBJECT && k < CCSIG_FACT_KIND_COUNT; k++)
        x->from[k] = jstr(r, from, ccsig_fact_kind_name((ccsig_fact_kind)k), &st);
    if (from && from->type == SRC_JSON_OBJECT)
        x->license_from = jstr(r, from, "license", &st);
    return st;
}

/* Whether o holds "type": "ccsig-credit-record". */
static bool is_record(const src_json *o) {
    const src_json *type = o && o->type == SRC_JSON_OBJECT ? src_json_get(o, "type") : NULL;
    return type && type->type == SRC_JSON_STRING &&
           ccsig_str_eq(type->str, CCSIG_CREDIT_RECORD_TYPE);
}

/* One object of any of the shapes. */
static ccsig_status read_one(rd *r, const src_json *o) {
    if (o->type != SRC_JSON_OBJECT) {
        ccsig_status s = ccsig_error_set(r->err, CCSIG_ERR_UNSUPPORTED, o->start,
                                         "expected a credit record, an annotation line or a "
                                         "gateway search hit (a JSON object), found %s",
                                         src_json_type_name(o->type));
        at_value(r, o);
        return s;
    }
    const src_json *hits = src_json_get(o, "hits");
    ccsig_status st = CCSIG_OK;
    if (hits && hits->type == SRC_JSON_ARRAY) {
        /* a gateway answer: {"query","use","hits":[...],"withheld"} */
        const src_json *use = src_json_get(o, "use");
        for (const src_json *h = hits->child; h && st == CCSIG_OK; h = h->next) {
            size_t before = r->n;
            st = read_one(r, h);
            if (st == CCSIG_OK && r->n > before && use && use->type == SRC_JSON_STRING)
                ccsig_category_parse(use->str.p, use->str.len, &r->v[before].use);
        }
        return st;
    }
    ccsig_credit_record *x = slot(r);
    if (!x)
        return r->err ? r->err->code : CCSIG_ERR_NOMEM;
    if (is_record(o))
        return read_record(r, o, x);
    const src_json *credit = src_json_get(o, "credit"), *cats = src_json_get(o, "categories");
    if (is_record(credit)) {
        /* a gateway hit whose credit is a whole record (TASL) */
        st = read_record(r, credit, x);
        if (st == CCSIG_OK && !x->link)
            x->link = jstr(r, o, "url", &st);
        if (st == CCSIG_OK && !x->title)
            x->title = jstr(r, o, "title", &st);
        return st;
    }
    if (credit && credit->type == SRC_JSON_OBJECT) {
        /* a gateway hit */
        x->link = jstr(r, o, "url", &st);
        x->title = jstr(r, o, "title", &st);
        x->source = jstr(r, credit, "collection", &st);
        x->source_link = jstr(r, credit, "url", &st);
        x->party = party_of(r->a, x->source_link ? x->source_link : x->link);
        const char *sig = jstr(r, credit, "signal", &st);
        ccsig_signal s;
        if (sig && ccsig_signal_from_token(sig, strlen(sig), &s)) {
            x->signals = 1u << s;
            x->obligations = ccsig_signal_conditions(s);
        }
        return st;
    }
    if (cats && cats->type == SRC_JSON_OBJECT) {
        /* an annotation line (ccsig scan --annotate, check --json) */
        x->link = jstr(r, o, "url", &st);
        x->read_at = jstr(r, o, "date", &st);
        /* where its record is: a resolved revisit's original has the
         * content */
        const src_json *rv = src_json_get(o, "revisit"), *at = o;
        if (rv && rv->type == SRC_JSON_OBJECT) {
            const src_json *orig = src_json_get(rv, "original");
            at = orig && orig->type == SRC_JSON_OBJECT ? orig : NULL;
        }
        const src_json *off = at ? src_json_get(at, "offset") : NULL;
        if (off && off->type == SRC_JSON_NUMBER) {
            x->archive = jstr(r, at, "archive", &st);
            x->archive_offset = strtoull(off->str.p, NULL, 10);
        }
        x->party = party_of(r->a, x->link);
        const src_json *d = src_json_get(o, "decision");
        if (d && d->type == SRC_JSON_OBJECT)
            jdecision(src_json_get(d, "use"), src_json_get(d, "result"),
                      src_json_get(d, "obligations"), x);
        if (d && d->type == SRC_JSON_OBJECT)
            jmissing(d, x);
        if ((unsigned)x->use < CCSIG_CAT_COUNT) {
            const src_json *e = src_json_get(cats, ccsig_category_name(x->use));
            if (e && e->type == SRC_JSON_OBJECT) {
                x->signals = jsignals(src_json_get(e, "exceptions"));
                const src_json *si = src_json_get(e, "source"), *srcs = src_json_get(o, "sources");
                if (si && si->type == SRC_JSON_NUMBER && srcs && srcs->type == SRC_JSON_ARRAY) {
                    size_t want = (size_t)strtoul(si->str.p, NULL, 10), i = 0;
                    for (const src_json *it = srcs->child; it; it = it->next, i++)
                        if (i == want)
                            x->has_preference = jsource(r, it, &x->preference);
                }
            }
        }
        return st;
    }
    r->n--;
    st = ccsig_error_set(r->err, CCSIG_ERR_UNSUPPORTED, o->start,
                         "not a credit record (\"type\": \"" CCSIG_CREDIT_RECORD_TYPE
                         "\"), an annotation line (\"categories\") or a gateway search hit "
                         "(\"credit\")");
    at_value(r, o);
    return st;
}

ccsig_status ccsig_credit_records_read(ccsig_arena *a, const char *p, size_t len,
                                       ccsig_credit_record **out, size_t *n, ccsig_error *err) {
    *out = NULL;
    *n = 0;
    src_json *root;
    ccsig_status st = src_json_parse(a, p, len, &root, err);
    if (st)
        return st;
    rd r = {a, p, err, NULL, 0, 0};
    if (root->type == SRC_JSON_ARRAY) {
        for (const src_json *it = root->child; it && st == CCSIG_OK; it = it->next)
            st = read_one(&r, it);
    } else {
        st = read_one(&r, root);
    }
    if (st == CCSIG_OK && a->failed)
        st = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    *out = r.v;
    *n = r.n;
    return st;
}

/* ---- attribution text ---- */

const char *ccsig_cite_format_name(ccsig_cite_format f) {
    static const char *const names[CCSIG_CITE_FORMAT_COUNT] = {"text", "markdown", "html", "card",
                                                               "json"};
    return (unsigned)f < CCSIG_CITE_FORMAT_COUNT ? names[f] : "unknown";
}

bool ccsig_cite_format_parse(const char *name, ccsig_cite_format *out) {
    for (int f = 0; f < CCSIG_CITE_FORMAT_COUNT; f++)
        if (!strcmp(name, ccsig_cite_format_name((ccsig_cite_format)f))) {
            *out = (ccsig_cite_format)f;
            return true;
        }
    if (!strcmp(name, "md")) {
        *out = CCSIG_CITE_MARKDOWN;
        return true;
    }
    return false;
}

void ccsig_cite_marker(ccsig_buf *b, ccsig_cite_format f, size_t i) {
    if (f == CCSIG_CITE_MARKDOWN)
        ccsig_buf_printf(b, "[%zu](#ref-%zu)", i + 1, i + 1);
    else if (f == CCSIG_CITE_HTML)
        ccsig_buf_printf(b, "<sup><a href=\"#ref-%zu\">[%zu]</a></sup>", i + 1, i + 1);
    else
        ccsig_buf_printf(b, "[%zu]", i + 1);
}

/* Text escaped for the format: HTML escapes &<>"; Markdown escapes the
 * characters that would start markup inside a line ([]*_`\<). */
static void put_textn(ccsig_buf *b, ccsig_cite_format f, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char c = s[i] == '\t' ? ' ' : s[i];
        if (f == CCSIG_CITE_HTML) {
            if (c == '&')
                ccsig_buf_puts(b, "&amp;");
            else if (c == '<')
                ccsig_buf_puts(b, "&lt;");
            else if (c == '>')
                ccsig_buf_puts(b, "&gt;");
            else if (c == '"')
                ccsig_buf_puts(b, "&quot;");
            else
                ccsig_buf_putc(b, c);
        } else if (f != CCSIG_CITE_TEXT && strchr("[]*_`\\<", c)) {
            ccsig_buf_putc(b, '\\');
            ccsig_buf_putc(b, c);
        } else {
            ccsig_buf_putc(b, c == '\n' || c == '\r' ? ' ' : c);
        }
    }
}

static void put_text(ccsig_buf *b, ccsig_cite_format f, const char *s) {
    put_textn(b, f, s, strlen(s));
}

/* A link: "text (url)" in plain text, [text](<url>) in Markdown, <a> in HTML;
 * text NULL: the URL alone. */
static void put_link(ccsig_buf *b, ccsig_cite_format f, const char *text, const char *url) {
    if (f == CCSIG_CITE_HTML) {
        ccsig_buf_puts(b, "<a href=\"");
        put_text(b, f, url);
        ccsig_buf_puts(b, "\">");
        put_text(b, f, text ? text : url);
        ccsig_buf_puts(b, "</a>");
    } else if (f == CCSIG_CITE_TEXT) {
        if (text) {
            put_text(b, f, text);
            ccsig_buf_puts(b, " (");
        }
        ccsig_buf_puts(b, url);
        if (text)
            ccsig_buf_putc(b, ')');
    } else if (text) {
        ccsig_buf_putc(b, '[');
        put_text(b, f, text);
        ccsig_buf_puts(b, "](");
        ccsig_buf_puts(b, url);
        ccsig_buf_putc(b, ')');
    } else {
        ccsig_buf_putc(b, '<');
        ccsig_buf_puts(b, url);
        ccsig_buf_putc(b, '>');
    }
}

/* prefix and text linked to url (as text when url is NULL); nothing
 * when text is NULL. */
static void put_part(ccsig_buf *b, ccsig_cite_format f, const char *prefix, const char *text,
                     const char *url) {
    if (!text)
        return;
    ccsig_buf_puts(b, prefix);
    if (url)
        put_link(b, f, text, url);
    else
        put_text(b, f, text);
}

void ccsig_cite_attribution(ccsig_buf *b, ccsig_cite_format f, const ccsig_credit_record *r) {
    if (f == CCSIG_CITE_CARD || f == CCSIG_CITE_JSON)
        f = CCSIG_CITE_MARKDOWN;
    /* Title, linked to the work */
    const char *title = r->title ? r->title : NULL;
    if (title && r->link && f == CCSIG_CITE_TEXT) {
        ccsig_buf_putc(b, '"');
        put_text(b, f, title);
        ccsig_buf_puts(b, "\" (");
        ccsig_buf_puts(b, r->link);
        ccsig_buf_putc(b, ')');
    } else if (title && r->link) {
        ccsig_buf_putc(b, '"');
        put_link(b, f, title, r->link);
        ccsig_buf_putc(b, '"');
    } else if (title) {
        ccsig_buf_putc(b, '"');
        put_text(b, f, title);
        ccsig_buf_putc(b, '"');
    } else if (r->link) {
        put_link(b, f, NULL, r->link);
    } else {
        put_text(b, f, "(untitled, no address)");
    }
    put_part(b, f, " by ", r->author, NULL);
    put_part(b, f, ", from ", r->source, r->source_link);
    put_part(b, f, ", ", r->rights, NULL);
    put_part(b, f, ", licensed under ", r->license_name, r->license_deed);
    ccsig_buf_putc(b, '.');
}

/* "credit asked (CC signal cc-cr); preference read 2026-..." */
static void put_asks(ccsig_buf *b, ccsig_cite_format f, const ccsig_credit_record *r) {
    bool asks = ccsig_credit_record_asks_credit(r);
    if (!asks && !r->read_at)
        return;
    ccsig_buf_puts(b, f == CCSIG_CITE_HTML ? " <small>" : " (");
    if (asks) {
        ccsig_buf_puts(b, "credit asked");
        for (int k = 1; k < CCSIG_SIGNAL_COUNT; k++)
            if (r->signals & (1u << k))
                ccsig_buf_printf(b, ", CC signal %s", ccsig_signal_token((ccsig_signal)k));
        if (r->obligations & ~(unsigned)CCSIG_COND_CREDIT) {
            ccsig_buf_puts(b, "; also: ");
            ccsig_report_obligations_phrase(b, r->obligations & ~(unsigned)CCSIG_COND_CREDIT);
        }
    }
    if (r->read_at) {
        ccsig_buf_puts(b, asks ? "; preference read " : "preference read ");
        put_text(b, f, r->read_at);
    }
    ccsig_buf_puts(b, f == CCSIG_CITE_HTML ? "</small>" : ")");
}

/* The preferences of the inputs, for a card (vocab -08 §3.3). */
static void card_preferences(ccsig_buf *b, const ccsig_credit_record *r, size_t n) {
    ccsig_buf_puts(b, "\n### Preferences of the inputs\n\n"
                      "The usage preferences that applied to each source when it was read, "
                      "conveyed with what was made from them (draft-ietf-aipref-vocab-08 "
                      "§3.3).\n\n"
                      "| # | source | use | decision | CC signals | obligations | stated by | "
                      "read at |\n"
                      "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; i < n; i++) {
        ccsig_buf_printf(b, "| %zu | ", i + 1);
        if (r[i].link)
            put_link(b, CCSIG_CITE_MARKDOWN, NULL, r[i].link);
        ccsig_buf_puts(b, " | ");
        ccsig_buf_puts(b,
                       (unsigned)r[i].use < CCSIG_CAT_COUNT ? ccsig_category_name(r[i].use) : "-");
        ccsig_buf_printf(b, " | %s | ", ccsig_result_name(r[i].result));
        bool any = false;
        for (int k = 1; k < CCSIG_SIGNAL_COUNT; k++)
            if (r[i].signals & (1u << k)) {
                ccsig_buf_printf(b, "%s%s", any ? ", " : "", ccsig_signal_token((ccsig_signal)k));
                any = true;
            }
        ccsig_buf_puts(b, any ? " | " : "- | ");
        any = false;
        for (unsigned bit = 1; bit <= CCSIG_COND_ALL; bit <<= 1)
            if (r[i].obligations & bit) {
                ccsig_buf_printf(b, "%s%s", any ? ", " : "", ccsig_condition_name(bit));
                any = true;
            }
        ccsig_buf_puts(b, any ? " | " : "- | ");
        if (r[i].has_preference) {
            ccsig_buf_putc(b, '`');
            for (size_t k = 0; k < r[i].preference.text.len; k++) {
                char c = r[i].preference.text.p[k];
                ccsig_buf_puts(b, c == '|' ? "\\|" : c == '`' ? "'" : (char[]){c, 0});
            }
            ccsig_buf_printf(b, "` (%s", ccsig_source_kind_name(r[i].preference.kind));
            if (r[i].preference.line)
                ccsig_buf_printf(b, " line %u", r[i].preference.line);
            ccsig_buf_puts(b, ")");
        } else {
            ccsig_buf_puts(b, "not recorded");
        }
        ccsig_buf_puts(b, " | ");
        ccsig_buf_puts(b, r[i].read_at ? r[i].read_at : "-");
        ccsig_buf_puts(b, " |\n");
    }
}

void ccsig_cite_references(ccsig_buf *b, ccsig_cite_format f, const ccsig_credit_record *r,
                           size_t n) {
    if (f == CCSIG_CITE_JSON) {
        ccsig_buf_puts(b, "[");
        for (size_t i = 0; i < n; i++) {
            ccsig_buf_puts(b, i ? ",\n " : "");
            ccsig_credit_record_write_json(b, &r[i]);
        }
        ccsig_buf_puts(b, "]\n");
        return;
    }
    if (f == CCSIG_CITE_CARD)
        ccsig_buf_puts(b, "## Data sources and credit\n\n"
                          "This work was made with the sources below. Each is credited as "
                          "its licence and its usage preference ask (title, author, source, "
                          "licence).\n\n");
    else if (f == CCSIG_CITE_MARKDOWN)
        ccsig_buf_puts(b, "## References\n\n");
    else if (f == CCSIG_CITE_HTML)
        ccsig_buf_puts(b, "<h2>References</h2>\n<ol class=\"references\">\n");
    else
        ccsig_buf_puts(b, "References\n\n");
    for (size_t i = 0; i < n; i++) {
        if (f == CCSIG_CITE_HTML)
            ccsig_buf_printf(b, "<li id=\"ref-%zu\">", i + 1);
        else if (f == CCSIG_CITE_TEXT)
            ccsig_buf_printf(b, "[%zu] ", i + 1);
        else
            ccsig_buf_printf(b, "%zu. <a id=\"ref-%zu\"></a>", i + 1, i + 1);
        ccsig_cite_attribution(b, f, &r[i]);
        put_asks(b, f, &r[i]);
        ccsig_buf_puts(b, f == CCSIG_CITE_HTML ? "</li>\n" : "\n");
    }
    if (f == CCSIG_CITE_HTML)
        ccsig_buf_puts(b, "</ol>\n");
    if (f == CCSIG_CITE_CARD)
        card_preferences(b, r, n);
}

/* ---- verifying an answer ---- */

const char *ccsig_credit_missing_name(unsigned bit) {
    switch (bit) {
    case CCSIG_CREDIT_MISSING_CITATION:
        return "citation";
    case CCSIG_CREDIT_MISSING_LINK:
        return "link";
    case CCSIG_CREDIT_MISSING_AUTHOR:
        return "author";
    case CCSIG_CREDIT_MISSING_LICENSE:
        return "license";
    case CCSIG_CREDIT_INCOMPLETE_RECORD:
        return "record";
    default:
        return "unknown";
    }
}

/* Does a URL go on at ans[at]? ('.', ',' and ':' end a sentence or a
 * clause unless URL characters follow them.) */
static bool url_continues(const char *ans, size_t len, size_t at) {
    if (at >= len)
        return false;
    char c = ans[at];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        strchr("-_~/?#%&=+@", c))
        return true;
    return (c == '.' || c == ',' || c == ':') && at + 1 < len && url_continues(ans, len, at + 1) &&
           ans[at + 1] != '.' && ans[at + 1] != ',';
}

/* Is needle[0..m) in hay as a whole URL (not the start of a longer one)? */
static bool has_url(const char *hay, size_t n, const char *needle, size_t m) {
    size_t from = 0;
    while (from < n) {
        size_t at = find(hay + from, n - from, needle, m);
        if (at == n - from)
            return false;
        at += from;
        if (!url_continues(hay, n, at + m))
            return true;
        from = at + 1;
    }
    return false;
}

/* Does the answer hold url (exactly; without a trailing slash; with '&' as
 * "&amp;")? */
static bool has_link(const char *ans, size_t len, const char *url) {
    size_t m = strlen(url);
    if (has_url(ans, len, url, m))
        return true;
    if (m > 1 && url[m - 1] == '/' && has_url(ans, len, url, m - 1))
        return true;
    if (!strchr(url, '&'))
        return false;
    char amp[4096];
    size_t o = 0;
    for (size_t i = 0; i < m && o + 6 < sizeof amp; i++) {
        if (url[i] == '&') {
            memcpy(amp + o, "&amp;", 5);
            o += 5;
        } else {
            amp[o++] = url[i];
        }
    }
    return has_url(ans, len, amp, o);
}

static bool has_text(const char *ans, size_t len, const char *s) {
    return s && ifind(ans, len, s, strlen(s)) < len;
}

size_t ccsig_credit_verify(const char *answer, size_t len, const ccsig_credit_record *r, size_t n,
                           ccsig_credit_check *out) {
    size_t failing = 0;
    for (size_t i = 0; i < n; i++) {
        ccsig_credit_check *c = &out[i];
        memset(c, 0, sizeof *c);
        c->asks_credit = ccsig_credit_record_asks_credit(&r[i]);
        char marker[32];
        snprintf(marker, sizeof marker, "[%zu]", i + 1);
        bool link = r[i].link && has_link(answer, len, r[i].link);
        c->cited = link || has_text(answer, len, r[i].title) ||
                   find(answer, len, marker, strlen(marker)) < len;
        if (!c->cited)
            c->missing |= CCSIG_CREDIT_MISSING_CITATION;
        else if (!link)
            c->missing |= CCSIG_CREDIT_MISSING_LINK;
        if (c->cited && r[i].author && !has_text(answer, len, r[i].author))
            c->missing |= CCSIG_CREDIT_MISSING_AUTHOR;
        if (c->cited && r[i].license_name && !has_text(answer, len, r[i].license_name) &&
            !(r[i].license && has_link(answer, len, r[i].license)) &&
            !(r[i].license_deed && has_link(answer, len, r[i].license_deed)))
            c->missing |= CCSIG_CREDIT_MISSING_LICENSE;
        if (!r[i].title || !r[i].link)
            c->missing |= CCSIG_CREDIT_INCOMPLETE_RECORD;
        c->ok = !c->asks_credit || !(c->missing & ~(unsigned)CCSIG_CREDIT_INCOMPLETE_RECORD);
        failing += !c->ok;
    }
    return failing;
}

/* Append every string value under v, one per line. */
static void json_strings(ccsig_buf *b, const src_json *v) {
    if (v->type == SRC_JSON_STRING) {
        ccsig_buf_append(b, v->str.p, v->str.len);
        ccsig_buf_putc(b, '\n');
    }
    for (const src_json *c = v->child; c; c = c->next)
        json_strings(b, c);
}

ccsig_status ccsig_credit_answer_json_text(ccsig_arena *a, const char *p, size_t len,
                                           ccsig_str *out, ccsig_error *err) {
    *out = ccsig_str_make("", 0);
    src_json *root;
    ccsig_status st = src_json_parse(a, p, len, &root, err);
    if (st)
        return st;
    ccsig_buf b = CCSIG_BUF_INIT;
    json_strings(&b, root);
    if (ccsig_buf_failed(&b)) {
        ccsig_buf_free(&b);
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    char *d = ccsig_arena_dup(a, b.data ? b.data : "", b.len);
    size_t n = b.len;
    ccsig_buf_free(&b);
    if (!d)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    *out = ccsig_str_make(d, n);
    return CCSIG_OK;
}

/* ---- retrieval-augmented answers ---- */

#define RAG_MAX_TERMS 32

static bool word_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Common English function words, not searched for. */
static bool stop_word(const char *w, size_t n) {
    static const char *const stop[] = {
        "the",  "and",  "for",   "are",   "was",   "were",  "what",  "which", "how",   "who",
        "does", "did",  "with",  "from",  "that",  "this",  "have",  "has",   "into",  "about",
        "why",  "when", "where", "they",  "their", "there", "you",   "your",  "can",   "not",
        "but",  "all",  "any",   "its",   "our",   "many",  "much",  "more",  "most",  "some",
        "than", "then", "them",  "these", "those", "been",  "being", "will",  "would", "should"};
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++) {
        size_t m = strlen(stop[i]);
        if (m == n) {
            size_t k = 0;
            while (k < n && lower(w[k]) == stop[i][k])
                k++;
            if (k == n)
                return true;
        }
    }
    return false;
}

/* Distinct terms of a sentence-ranking query. */
typedef struct terms {
    ccsig_str v[RAG_MAX_TERMS];
    size_t n;
} terms;

static void split_terms(const char *q, size_t len, terms *t) {
    t->n = 0;
    for (size_t i = 0; i < len && t->n < RAG_MAX_TERMS;) {
        while (i < len && !word_byte((unsigned char)q[i]))
            i++;
        size_t s = i;
        while (i < len && word_byte((unsigned char)q[i]))
            i++;
        size_t n = i - s;
        if (n < 3 || stop_word(q + s, n))
            continue;
        bool dup = false;
        for (size_t k = 0; k < t->n && !dup; k++)
            dup = t->v[k].len == n && ifind(t->v[k].p, n, q + s, n) == 0;
        if (!dup)
            t->v[t->n++] = ccsig_str_make(q + s, n);
    }
}

/* Distinct terms that start a word of s. */
static unsigned score_of(const terms *t, ccsig_str s) {
    unsigned score = 0;
    for (size_t k = 0; k < t->n; k++) {
        size_t from = 0;
        while (from < s.len) {
            size_t at = ifind(s.p + from, s.len - from, t->v[k].p, t->v[k].len);
            if (at == s.len - from)
                break;
            at += from;
            if (at == 0 || !word_byte((unsigned char)s.p[at - 1])) {
                score++;
                break;
            }
            from = at + 1;
        }
    }
    return score;
}

/* The next sentence of text at *pos: trimmed, at most CCSIG_PASSAGE_MAX
 * bytes; false at the end. */
static bool next_sentence(ccsig_str text, size_t *pos, ccsig_str *out) {
    size_t i = *pos;
    while (i < text.len) {
        while (i < text.len &&
               (text.p[i] == ' ' || text.p[i] == '\n' || text.p[i] == '\t' || text.p[i] == '\r'))
            i++;
        size_t s = i;
        while (i < text.len) {
            char c = text.p[i];
            if ((c == '.' || c == '!' || c == '?') &&
                (i + 1 == text.len || text.p[i + 1] == ' ' || text.p[i + 1] == '\n')) {
                i++;
                break;
            }
            if (c == '\n' && i + 1 < text.len && text.p[i + 1] == '\n')
                break;
            i++;
        }
        size_t e = i;
        while (e > s && (text.p[e - 1] == ' ' || text.p[e - 1] == '\n' || text.p[e - 1] == '\r' ||
                         text.p[e - 1] == '\t'))
            e--;
        if (e > s) {
            if (e - s > CCSIG_PASSAGE_MAX) {
                e = s + CCSIG_PASSAGE_MAX;
                while (e > s + 1 && text.p[e - 1] != ' ')
                    e--;
                /* not in the middle of a UTF-8 sequence */
                while (e > s + 1 && ((unsigned char)text.p[e - 1] & 0xC0) == 0x80)
                    e--;
            }
            *out = ccsig_str_make(text.p + s, e - s);
            *pos = i;
            return true;
        }
    }
    *pos = i;
    return false;
}

/* Better first: score, then earlier. */
static bool better(const ccsig_passage *a, const ccsig_passage *b) {
    return a->score != b->score ? a->score > b->score : a->order < b->order;
}

size_t ccsig_passages_rank(const char *question, size_t qlen, const ccsig_str *texts, size_t n,
                           size_t per_source, ccsig_passage *out, size_t max) {
    terms t;
    split_terms(question, qlen, &t);
    size_t kept = 0, order = 0;
    for (size_t i = 0; i < n && max; i++) {
        size_t pos = 0;
        ccsig_str s;
        while (next_sentence(texts[i], &pos, &s)) {
            ccsig_passage p = {i, s, score_of(&t, s), order++};
            if (!p.score)
                continue;
            /* insertion into the sorted out[0..kept) */
            if (kept == max && !better(&p, &out[kept - 1]))
                continue;
            size_t at = kept < max ? kept++ : kept - 1;
            while (at > 0 && better(&p, &out[at - 1])) {
                out[at] = out[at - 1];
                at--;
            }
            out[at] = p;
        }
    }
    if (!per_source)
        return kept;
    /* at most per_source passages of one source: keep the best ones */
    size_t w = 0;
    for (size_t i = 0; i < kept; i++) {
        size_t same = 0;
        for (size_t k = 0; k < w; k++)
            same += out[k].source == out[i].source;
        if (same < per_source)
            out[w++] = out[i];
    }
    return w;
}

void ccsig_rag_write(ccsig_buf *b, ccsig_cite_format f, const char *question,
                     const ccsig_passage *p, size_t np, const ccsig_credit_record *r, size_t n) {
    if (f != CCSIG_CITE_TEXT && f != CCSIG_CITE_HTML)
        f = CCSIG_CITE_MARKDOWN;
    if (f == CCSIG_CITE_HTML) {
        ccsig_buf_puts(b, "<p><strong>Question:</strong> ");
        put_text(b, f, question);
        ccsig_buf_puts(b, "</p>\n");
    } else {
        ccsig_buf_puts(b, f == CCSIG_CITE_TEXT ? "Question: " : "**Question:** ");
        put_text(b, f, question);
        ccsig_buf_puts(b, "\n\n");
    }
    if (!np)
        ccsig_buf_puts(b, f == CCSIG_CITE_HTML
                              ? "<p>No permitted source answers the question.</p>\n"
                              : "No permitted source answers the question.\n\n");
    if (np && f == CCSIG_CITE_HTML)
        ccsig_buf_puts(b, "<ul class=\"answer\">\n");
    for (size_t i = 0; i < np; i++) {
        ccsig_buf_puts(b, f == CCSIG_CITE_HTML   ? "<li>\u201c"
                          : f == CCSIG_CITE_TEXT ? "- \u201c"
                                                 : "> \u201c");
        put_textn(b, f, p[i].text.p, p[i].text.len);
        ccsig_buf_puts(b, "\u201d ");
        ccsig_cite_marker(b, f, p[i].source);
        ccsig_buf_puts(b, f == CCSIG_CITE_HTML ? "</li>\n" : f == CCSIG_CITE_TEXT ? "\n" : "\n>\n");
    }
    if (np && f == CCSIG_CITE_HTML)
        ccsig_buf_puts(b, "</ul>\n");
    if (np)
        ccsig_buf_putc(b, '\n');
    if (n)
        ccsig_cite_references(b, f, r, n);
}

void ccsig_rag_withheld(ccsig_buf *b, ccsig_cite_format f, const ccsig_credit_record *r, size_t n) {
    if (!n)
        return;
    if (f != CCSIG_CITE_TEXT && f != CCSIG_CITE_HTML)
        f = CCSIG_CITE_MARKDOWN;
    ccsig_buf_puts(b, f == CCSIG_CITE_HTML   ? "<h2>Withheld</h2>\n<ul class=\"withheld\">\n"
                      : f == CCSIG_CITE_TEXT ? "\nWithheld\n\n"
                                             : "\n## Withheld\n\n");
    for (size_t i = 0; i < n; i++) {
        ccsig_buf_puts(b, f == CCSIG_CITE_HTML ? "<li>" : "- ");
        if (r[i].link)
            put_link(b, f, r[i].title, r[i].link);
        else
            put_text(b, f, r[i].title ? r[i].title : "(no address)");
        ccsig_buf_printf(b, ": %s for %s", ccsig_result_name(r[i].result),
                         (unsigned)r[i].use < CCSIG_CAT_COUNT ? ccsig_category_name(r[i].use)
                                                              : "the use");
        if (r[i].missing) {
            ccsig_buf_puts(b, " unless you commit to: ");
            bool first = true;
            for (unsigned bit = 1; bit <= CCSIG_COND_ALL; bit <<= 1)
                if (r[i].missing & bit) {
                    ccsig_buf_printf(b, "%s%s", first ? "" : ", ", ccsig_condition_name(bit));
                    first = false;
                }
        }
        if (r[i].has_preference) {
            ccsig_buf_puts(b, "; stated by ");
            put_text(b, f, ccsig_source_kind_name(r[i].preference.kind));
            if (r[i].preference.line)
                ccsig_buf_printf(b, " line %u", r[i].preference.line);
            ccsig_buf_puts(b, ": ");
            put_textn(b, f, r[i].preference.text.p, r[i].preference.text.len);
        }
        ccsig_buf_puts(b, f == CCSIG_CITE_HTML ? "</li>\n" : "\n");
    }
    if (f == CCSIG_CITE_HTML)
        ccsig_buf_puts(b, "</ul>\n");
}
