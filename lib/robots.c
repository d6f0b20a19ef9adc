/*
 * robots.c — robots.txt: lexing, compiling into an immutable matcher, and
 * allocation-free queries.
 *
 * Design. Compiling is one pass over the lines: each group (a run of
 * user-agent lines and the rules after it, RFC 9309 §2.1) gets contiguous
 * ranges in three rule arrays (access, Content-Usage, Content-Signal);
 * every product token named in the file maps to the list of its groups
 * (RFC 9309 §2.2.1: several groups for one agent are combined), and `*` to the
 * `*` groups. A query picks that list and scans its rules: each rule keeps the
 * literal bytes before its first wildcard and their first 8 bytes as a
 * masked word, so most rules are rejected with one compare; wildcards are
 * matched greedily segment by segment, in O(path x pattern) time and no
 * memory. Content-Usage expressions and Content-Signal lines are processed
 * into statements at compile time; a query copies the applying ones into the
 * caller's answer.
 *
 * Where RFC 9309 leaves room, behaviour follows google/robotstxt (robots.cc):
 * see robots.h for the list and the README for the deliberate differences.
 */
#include <stdlib.h>

#include "ccsig/robots.h"
#include "robots_internal.h"

/* ---- bytes ---- */

static inline bool is_ws(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

static inline unsigned char lower(unsigned char c) {
    return (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

static bool istarts(const char *p, size_t n, const char *lit, size_t *litlen) {
    size_t l = strlen(lit);
    if (n < l)
        return false;
    for (size_t i = 0; i < l; i++)
        if (lower((unsigned char)p[i]) != (unsigned char)lit[i])
            return false;
    *litlen = l;
    return true;
}

static bool ieq(const char *p, size_t n, const char *lit) {
    size_t l;
    return istarts(p, n, lit, &l) && l == n;
}

/* ---- lexer ---- */

void robots_lexer_init(robots_lexer *lx, const char *p, size_t len) {
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    lx->p = p;
    lx->len = len;
    lx->pos = 0;
    lx->nl = SIZE_MAX;
    lx->line = 0;
    lx->bom = false;
    /* Google skips any prefix of a UTF-8 BOM at the start. */
    while (lx->pos < 3 && lx->pos < len && (unsigned char)p[lx->pos] == bom[lx->pos])
        lx->pos++;
    lx->bom = lx->pos > 0;
}

static robots_key classify(const char *k, size_t n, unsigned *flags) {
    static const char *const typos_disallow[] = {"dissallow", "dissalow", "disalow", "diasllow",
                                                 "disallaw"};
    size_t l = 0;
    *flags = 0;
    /* Most keys are rejected or accepted by their first letter. */
    switch (n ? lower((unsigned char)k[0]) : 0) {
    case 'u':
    case 'a':
    case 'd':
    case 's':
        break;
    case 'c':
        goto content;
    case 'l':
        return ieq(k, n, "license") ? RK_LICENSE : RK_OTHER;
    default:
        return RK_OTHER;
    }
    if (istarts(k, n, "user-agent", &l) ||
        ((istarts(k, n, "useragent", &l) || istarts(k, n, "user agent", &l)) &&
         (*flags |= RKF_TYPO))) {
        if (l < n)
            *flags |= RKF_PREFIX;
        return RK_USER_AGENT;
    }
    if (istarts(k, n, "allow", &l)) {
        if (l < n)
            *flags |= RKF_PREFIX;
        return RK_ALLOW;
    }
    if (istarts(k, n, "disallow", &l)) {
        if (l < n)
            *flags |= RKF_PREFIX;
        return RK_DISALLOW;
    }
    for (size_t i = 0; i < sizeof typos_disallow / sizeof typos_disallow[0]; i++)
        if (istarts(k, n, typos_disallow[i], &l)) {
            *flags |= RKF_TYPO | (l < n ? RKF_PREFIX : 0);
            return RK_DISALLOW;
        }
    if (istarts(k, n, "sitemap", &l) || istarts(k, n, "site-map", &l)) {
        if (l < n)
            *flags |= RKF_PREFIX;
        return RK_SITEMAP;
    }
    return RK_OTHER;
content:
    if (ieq(k, n, "content-usage"))
        return RK_CONTENT_USAGE;
    if (ieq(k, n, "content-signal"))
        return RK_CONTENT_SIGNAL;
    if (ieq(k, n, "content-signals")) {
        *flags |= RKF_PLURAL;
        return RK_CONTENT_SIGNAL;
    }
    return RK_OTHER;
}

/* Key and value of the trimmed content [b, e), as Google's GetKeyAndValueFrom. */
static void split_kv(const char *p, robots_lexline *o) {
    size_t b = o->text, e = o->text + o->text_len;
    o->kv = false;
    o->kind = RK_NONE;
    o->flags = 0;
    o->no_colon = false;
    if (b == e)
        return;
    const char *colon = memchr(p + b, ':', e - b);
    size_t sep, vstart;
    if (colon) {
        sep = (size_t)(colon - p);
        vstart = sep + 1;
    } else {
        /* A missing colon is accepted when the line has exactly two words. */
        size_t i = b;
        while (i < e && p[i] != ' ' && p[i] != '\t')
            i++;
        if (i == e)
            return;
        sep = i;
        vstart = i;
        while (vstart < e && (p[vstart] == ' ' || p[vstart] == '\t'))
            vstart++;
        for (size_t j = vstart; j < e; j++)
            if (p[j] == ' ' || p[j] == '\t')
                return;
        o->no_colon = true;
    }
    size_t ke = sep;
    while (ke > b && is_ws((unsigned char)p[ke - 1]))
        ke--;
    if (ke == b)
        return;
    while (vstart < e && is_ws((unsigned char)p[vstart]))
        vstart++;
    o->kv = true;
    o->key = b;
    o->key_len = ke - b;
    o->val = vstart;
    o->val_len = e - vstart;
    o->kind = classify(p + b, ke - b, &o->flags);
}

bool robots_lexer_next(robots_lexer *lx, robots_lexline *o) {
    const char *p = lx->p;
    size_t n = lx->len, i = lx->pos;
    if (i >= n)
        return false;
    size_t start = i;
    /* The line ends at the first CR or LF: find the LF with memchr, then a CR
     * before it (usually none, or the one of a CRLF). */
    /* Cached: a CR-only file must not be rescanned to its end per line. */
    if (lx->nl == SIZE_MAX || lx->nl < i) {
        const char *nl = memchr(p + i, '\n', n - i);
        lx->nl = nl ? (size_t)(nl - p) : n;
    }
    size_t lim = lx->nl;
    const char *cr = memchr(p + i, '\r', lim - i);
    i = cr ? (size_t)(cr - p) : lim;
    size_t full_end = i;
    if (i < n) {
        if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
            i += 2;
        else
            i++;
    }
    lx->pos = i;
    o->line = ++lx->line;
    o->start = start;
    o->full_end = full_end;
    o->end = full_end - start > CCSIG_ROBOTS_MAX_LINE ? start + CCSIG_ROBOTS_MAX_LINE : full_end;
    const char *h = memchr(p + start, '#', o->end - start);
    o->comment = h ? (size_t)(h - p) : SIZE_MAX;
    size_t b = start, e = h ? (size_t)(h - p) : o->end;
    while (b < e && is_ws((unsigned char)p[b]))
        b++;
    while (e > b && is_ws((unsigned char)p[e - 1]))
        e--;
    o->text = b;
    o->text_len = e - b;
    split_kv(p, o);
    return true;
}

size_t robots_used_length(const char *p, size_t len) {
    if (len <= CCSIG_ROBOTS_MAX_SIZE)
        return len;
    size_t i = CCSIG_ROBOTS_MAX_SIZE;
    while (i > 0 && p[i - 1] != '\n' && p[i - 1] != '\r')
        i--;
    return i;
}

/* ---- percent-encoding (RFC 9309 §2.2.2, §2.2.3) ---- */

static const char hexdig[] = "0123456789ABCDEF";

static inline int hexval(unsigned char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static inline bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/* Bytes that a normalised path never holds literally. In a URL path `*` and
 * `$` are data, so they become %2A and %24 (RFC 9309 §2.2.3). */
static inline bool must_encode(unsigned char c, bool url) {
    return c <= 0x20 || c >= 0x7f || (url && (c == '*' || c == '$'));
}

/* Normalise s[0..n) into out (which holds cap bytes). Returns bytes written;
 * *trunc when input was left over. */
static size_t normalize(const char *s, size_t n, char *out, size_t cap, bool url, bool *trunc) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int hi, lo;
        if (c == '%' && i + 2 < n && (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
            (lo = hexval((unsigned char)s[i + 2])) >= 0) {
            unsigned char d = (unsigned char)(hi * 16 + lo);
            if (unreserved(d)) {
                if (o + 1 > cap)
                    goto full;
                out[o++] = (char)d;
            } else {
                if (o + 3 > cap)
                    goto full;
                out[o++] = '%';
                out[o++] = hexdig[hi];
                out[o++] = hexdig[lo];
            }
            i += 2;
        } else if (must_encode(c, url) || (c == '$' && !url && i + 1 < n)) {
            /* A '$' inside a pattern is a literal byte, compared as %24 like
             * the '$' of a URL path. */
            if (o + 3 > cap)
                goto full;
            out[o++] = '%';
            out[o++] = hexdig[c >> 4];
            out[o++] = hexdig[c & 15];
        } else {
            if (o + 1 > cap)
                goto full;
            out[o++] = (char)c;
        }
    }
    return o;
full:
    if (trunc)
        *trunc = true;
    return o;
}

size_t robots_normalize_pattern(const char *s, size_t n, char *out) {
    return normalize(s, n, out, 3 * n, false, NULL);
}

static bool needs_normalizing(const char *s, size_t n, bool url) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' || must_encode(c, url) || (c == '$' && !url && i + 1 < n))
            return true;
    }
    return false;
}

static size_t find_first_of3(const char *s, size_t n, size_t from) {
    for (size_t i = from; i < n; i++)
        if (s[i] == '/' || s[i] == '?' || s[i] == ';')
            return i;
    return SIZE_MAX;
}

ccsig_str ccsig_robots_url_path(const char *url, size_t len, char *buf, size_t cap,
                                bool *truncated) {
    if (truncated)
        *truncated = false;
    /* Path, params and query of the URL, as Google's GetPathParamsQuery. */
    size_t search = (len >= 2 && url[0] == '/' && url[1] == '/') ? 2 : 0;
    size_t early = find_first_of3(url, len, search);
    size_t proto = SIZE_MAX;
    for (size_t i = search; i + 2 < len; i++)
        if (url[i] == ':' && url[i + 1] == '/' && url[i + 2] == '/') {
            proto = i;
            break;
        }
    if (early < proto)
        proto = SIZE_MAX;
    proto = proto == SIZE_MAX ? search : proto + 3;
    size_t ps = find_first_of3(url, len, proto);
    if (ps == SIZE_MAX)
        return CCSIG_STR_LIT("/");
    const char *hash = memchr(url + search, '#', len - search);
    size_t pe = hash ? (size_t)(hash - url) : len;
    if (pe < ps)
        return CCSIG_STR_LIT("/");
    bool slash = url[ps] != '/';
    if (!slash && !needs_normalizing(url + ps, pe - ps, true))
        return ccsig_str_make(url + ps, pe - ps);
    size_t o = 0;
    if (slash && cap > 0)
        buf[o++] = '/';
    o += normalize(url + ps, pe - ps, buf + o, cap - o, true, truncated);
    return ccsig_str_make(buf, o);
}

/* ---- patterns ---- */

static void rule_set_pattern(robots_rule *r, const char *pat, size_t n) {
    r->pat = pat;
    r->pat_len = (uint32_t)n;
    size_t lit = n;
    const char *star = memchr(pat, '*', n);
    if (star)
        lit = (size_t)(star - pat);
    else if (n > 0 && pat[n - 1] == '$')
        lit = n - 1;
    r->lit_len = (uint32_t)lit;
    r->wild = lit < n;
    size_t h = lit < 8 ? lit : 8;
    unsigned char hb[8] = {0}, mb[8] = {0};
    memcpy(hb, pat, h);
    memset(mb, 0xff, h);
    memcpy(&r->head, hb, 8);
    memcpy(&r->mask, mb, 8);
}

/* First occurrence of needle (m > 0 bytes) in hay[0..n), or NULL. */
static const char *find(const char *hay, size_t n, const char *needle, size_t m) {
    const char *end = hay + n;
    while ((size_t)(end - hay) >= m) {
        const char *c = memchr(hay, needle[0], (size_t)(end - hay) - m + 1);
        if (!c)
            return NULL;
        if (memcmp(c + 1, needle + 1, m - 1) == 0)
            return c;
        hay = c + 1;
    }
    return NULL;
}

/* Match the rest of a pattern after its literal prefix: segments separated
 * by '*', an optional final '$' anchoring the end. Greedy leftmost placement
 * of each segment is optimal when only the last may be anchored. */
static bool wild_match(const char *p, size_t pn, const char *s, size_t sn) {
    bool anchored = pn > 0 && p[pn - 1] == '$';
    if (anchored)
        pn--;
    if (pn == 0)
        return !anchored || sn == 0;
    size_t i = 0, pos = 0;
    /* p starts with '*' here (lit_len stops at the first '*'). */
    for (;;) {
        while (i < pn && p[i] == '*')
            i++;
        if (i == pn)
            return true; /* trailing '*' swallows the rest, anchored or not */
        size_t j = i;
        while (j < pn && p[j] != '*')
            j++;
        size_t seg = j - i;
        if (j == pn && anchored)
            return sn - pos >= seg && memcmp(s + sn - seg, p + i, seg) == 0;
        if (sn - pos < seg)
            return false;
        const char *f = find(s + pos, sn - pos, p + i, seg);
        if (!f)
            return false;
        if (j == pn)
            return true;
        pos = (size_t)(f - s) + seg;
        i = j;
    }
}

static inline uint64_t path_head(const char *s, size_t n) {
    unsigned char b[8] = {0};
    memcpy(b, s, n < 8 ? n : 8);
    uint64_t h;
    memcpy(&h, b, 8);
    return h;
}

static inline bool match_fast(const robots_rule *r, const char *s, size_t n, uint64_t ph) {
    if (r->lit_len > n || (ph & r->mask) != r->head)
        return false;
    if (r->lit_len > 8 && memcmp(s + 8, r->pat + 8, r->lit_len - 8) != 0)
        return false;
    if (!r->wild)
        return true;
    return wild_match(r->pat + r->lit_len, r->pat_len - r->lit_len, s + r->lit_len, n - r->lit_len);
}

bool robots_rule_matches(const robots_rule *rule, const char *path, size_t n) {
    return match_fast(rule, path, n, path_head(path, n));
}

/* ---- Content-Usage / Content-Signal values ---- */

void robots_split_value(const char *v, size_t n, ccsig_str *path, ccsig_str *expr) {
    if (n > 0 && v[0] == '/') {
        size_t i = 0;
        while (i < n && v[i] != ' ' && v[i] != '\t')
            i++;
        *path = ccsig_str_make(v, i);
        while (i < n && (v[i] == ' ' || v[i] == '\t'))
            i++;
        *expr = ccsig_str_make(v + i, n - i);
    } else {
        *path = ccsig_str_make(v, 0);
        *expr = ccsig_str_make(v, n);
    }
}

void robots_parse_signal(const char *p, size_t n, ccsig_statement *st, ccsig_str *use,
                         robots_signal_bad_fn bad, void *ctx) {
    static const struct {
        const char *key;
        ccsig_category cat;
    } keys[] = {{"search", CCSIG_CAT_SEARCH},
                {"ai-input", CCSIG_CAT_AI_USE},
                {"ai-train", CCSIG_CAT_TRAIN_AI}};
    ccsig_state state[3] = {CCSIG_STATE_UNKNOWN, CCSIG_STATE_UNKNOWN, CCSIG_STATE_UNKNOWN};
    ccsig_str label[3] = {{NULL, 0}, {NULL, 0}, {NULL, 0}};
    if (use)
        *use = ccsig_str_make(p, 0);
    size_t i = 0;
    while (i < n) {
        size_t b = i;
        while (i < n && p[i] != ',')
            i++;
        size_t e = i;
        if (i < n)
            i++;
        while (b < e && (p[b] == ' ' || p[b] == '\t'))
            b++;
        while (e > b && (p[e - 1] == ' ' || p[e - 1] == '\t'))
            e--;
        if (b == e)
            continue;
        const char *eq = memchr(p + b, '=', e - b);
        if (!eq) {
            if (bad)
                bad(ctx, b, e - b, 0);
            continue;
        }
        size_t ke = (size_t)(eq - p), vb = ke + 1;
        while (ke > b && (p[ke - 1] == ' ' || p[ke - 1] == '\t'))
            ke--;
        while (vb < e && (p[vb] == ' ' || p[vb] == '\t'))
            vb++;
        const char *k = p + b, *v = p + vb;
        size_t kl = ke - b, vl = e - vb;
        if (ieq(k, kl, "use")) {
            if (use)
                *use = ccsig_str_make(v, vl);
            continue;
        }
        int idx = -1;
        for (int x = 0; x < 3; x++)
            if (ieq(k, kl, keys[x].key))
                idx = x;
        if (idx < 0) {
            if (bad)
                bad(ctx, b, kl, 1);
            continue;
        }
        bool upper = false;
        for (size_t x = 0; x < kl; x++)
            upper |= k[x] >= 'A' && k[x] <= 'Z';
        ccsig_state s = CCSIG_STATE_UNKNOWN;
        if (ieq(v, vl, "yes") || ieq(v, vl, "allow")) {
            s = CCSIG_STATE_ALLOW;
        } else if (ieq(v, vl, "no") || ieq(v, vl, "disallow")) {
            s = CCSIG_STATE_DENY;
        }
        if (bad) {
            if (ieq(v, vl, "allow") || ieq(v, vl, "disallow"))
                bad(ctx, vb, vl, 2);
            else if (s == CCSIG_STATE_UNKNOWN)
                bad(ctx, vb, vl, 3);
            for (size_t x = 0; x < vl; x++)
                upper |= v[x] >= 'A' && v[x] <= 'Z';
            if (upper)
                bad(ctx, b, e - b, 4);
        }
        /* A key given twice on one line: the last one counts. */
        state[idx] = s;
        label[idx] = ccsig_str_make(k, kl);
    }
    for (int x = 0; x < 3; x++)
        if (state[x] != CCSIG_STATE_UNKNOWN)
            ccsig_statement_set(st, keys[x].cat, state[x], CCSIG_SIGNAL_NONE, 0, label[x]);
}

/* ---- compiling ---- */

typedef struct vec {
    void *v;
    size_t n, cap, size;
} vec;

static void *vec_push(vec *a) {
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        void *nv = realloc(a->v, cap * a->size);
        if (!nv)
            return NULL;
        a->v = nv;
        a->cap = cap;
    }
    void *p = (char *)a->v + a->n * a->size;
    a->n++;
    memset(p, 0, a->size);
    return p;
}

typedef struct agent_pair {
    const char *tok;
    uint32_t len;
    uint32_t group;
} agent_pair;

static int tokcmp(const char *a, size_t al, const char *b, size_t bl) {
    size_t n = al < bl ? al : bl;
    for (size_t i = 0; i < n; i++) {
        int d = (int)lower((unsigned char)a[i]) - (int)lower((unsigned char)b[i]);
        if (d)
            return d;
    }
    return al < bl ? -1 : al > bl;
}

static int pair_cmp(const void *x, const void *y) {
    const agent_pair *a = x, *b = y;
    int d = tokcmp(a->tok, a->len, b->tok, b->len);
    if (d)
        return d;
    return a->group < b->group ? -1 : a->group > b->group;
}

ccsig_str ccsig_robots_product_token(const char *ua, size_t len) {
    if (len >= 1 && ua[0] == '*' && (len == 1 || is_ws((unsigned char)ua[1])))
        return ccsig_str_make(ua, 1);
    size_t i = 0;
    /* Google (and RFC 9309's identifier) stop at a digit, which reads
     * "AI2Bot" and "AI2Bot-Dolma" both as "AI"; ccsig keeps digits. */
    while (i < len && ((ua[i] >= 'a' && ua[i] <= 'z') || (ua[i] >= 'A' && ua[i] <= 'Z') ||
                       (ua[i] >= '0' && ua[i] <= '9') || ua[i] == '-' || ua[i] == '_'))
        i++;
    return ccsig_str_make(ua, i);
}

/* Make a rule's pattern: normalised into the arena when that changes it. */
static bool rule_pattern(ccsig_robots *r, robots_rule *rule, const char *s, size_t n) {
    if (n == 0 || (n == 1 && s[0] == '/')) {
        rule_set_pattern(rule, s, n);
        return true;
    }
    if (!needs_normalizing(s, n, false)) {
        rule_set_pattern(rule, s, n);
        return true;
    }
    char *out = ccsig_arena_alloc(&r->arena, 3 * n + 1);
    if (!out)
        return false;
    rule_set_pattern(rule, out, robots_normalize_pattern(s, n, out));
    return true;
}

static ccsig_statement *new_stmt(vec *stmts, ccsig_robots *r, const robots_lexline *l,
                                 uint32_t *idx) {
    ccsig_statement *st = vec_push(stmts);
    if (!st)
        return NULL;
    *idx = (uint32_t)(stmts->n - 1);
    ccsig_statement_init(st, CCSIG_SRC_ROBOTS);
    st->src.line = l->line;
    st->src.origin = r->origin;
    st->src.text = ccsig_str_make(r->text + l->text, l->text_len);
    return st;
}

ccsig_status ccsig_robots_compile(const char *p, size_t len, const char *origin, ccsig_robots **out,
                                  ccsig_error *err) {
    if (!out || (!p && len))
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "no input");
    *out = NULL;
    ccsig_robots *r = calloc(1, sizeof *r);
    if (!r)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    ccsig_arena_init(&r->arena, 0);
    size_t used = robots_used_length(p, len);
    r->info.size = len;
    r->info.used = used;
    r->info.truncated = used < len;
    r->text = malloc(used + 1);
    vec access = {NULL, 0, 0, sizeof(robots_rule)}, usage = access, signal = access,
        gsignal = access;
    vec groups = {NULL, 0, 0, sizeof(robots_group)}, pairs = {NULL, 0, 0, sizeof(agent_pair)};
    vec stmts = {NULL, 0, 0, sizeof(ccsig_statement)};
    vec lic = {NULL, 0, 0, sizeof(ccsig_robots_license)};
    ccsig_arena tmp;
    ccsig_arena_init(&tmp, 0);
    if (!r->text)
        goto nomem;
    if (used)
        memcpy(r->text, p, used);
    r->text[used] = '\0';
    r->len = used;
    if (origin) {
        size_t ol = strlen(origin);
        char *o = ccsig_arena_dup(&r->arena, origin, ol);
        if (!o)
            goto nomem;
        r->origin = ccsig_str_make(o, ol);
    }

    robots_lexer lx;
    robots_lexer_init(&lx, r->text, used);
    r->info.bom = lx.bom;
    robots_lexline l;
    const char *t = r->text;
    robots_group *g = NULL; /* current group */
    bool in_agents = false; /* the last directive line was a user-agent line */
    while (robots_lexer_next(&lx, &l)) {
        if (!l.kv)
            continue;
        if (l.kind == RK_USER_AGENT) {
            if (!in_agents) {
                g = vec_push(&groups);
                if (!g)
                    goto nomem;
                g->line = l.line;
                g->text = ccsig_str_make(t + l.text, l.text_len);
                g->acc_first = (uint32_t)access.n;
                g->cu_first = (uint32_t)usage.n;
                g->cs_first = (uint32_t)signal.n;
            }
            in_agents = true;
            ccsig_str tok = ccsig_robots_product_token(t + l.val, l.val_len);
            if (tok.len == 1 && tok.p[0] == '*') {
                g->global = true;
            } else if (tok.len > 0) {
                agent_pair *ap = vec_push(&pairs);
                if (!ap)
                    goto nomem;
                ap->tok = tok.p;
                ap->len = (uint32_t)tok.len;
                ap->group = (uint32_t)(groups.n - 1);
            }
            continue;
        }
        in_agents = false; /* any other record ends the run of user-agent lines */
        ccsig_str text = ccsig_str_make(t + l.text, l.text_len);
        switch (l.kind) {
        case RK_ALLOW:
        case RK_DISALLOW: {
            if (!g)
                break; /* rules before any group are ignored (RFC 9309 §2.1) */
            robots_rule *rule = vec_push(&access);
            if (!rule || !rule_pattern(r, rule, t + l.val, l.val_len))
                goto nomem;
            rule->allow = l.kind == RK_ALLOW;
            rule->line = l.line;
            rule->group = (uint32_t)(groups.n - 1);
            rule->text = text;
            g->acc_n++;
            /* Google: an allow of .../index.htm* also allows .../ exactly. */
            if (rule->allow) {
                const char *slash = NULL;
                for (size_t i = rule->pat_len; i > 0; i--)
                    if (rule->pat[i - 1] == '/') {
                        slash = rule->pat + i - 1;
                        break;
                    }
                if (slash && (size_t)(rule->pat + rule->pat_len - slash) >= 10 &&
                    memcmp(slash, "/index.htm", 10) == 0) {
                    size_t keep = (size_t)(slash - rule->pat) + 1;
                    char *np = ccsig_arena_alloc(&r->arena, keep + 1);
                    robots_rule copy = *rule;
                    robots_rule *extra = vec_push(&access);
                    if (!np || !extra)
                        goto nomem;
                    memcpy(np, copy.pat, keep);
                    np[keep] = '$';
                    *extra = copy;
                    rule_set_pattern(extra, np, keep + 1);
                    g->acc_n++;
                }
            }
            break;
        }
        case RK_CONTENT_USAGE: {
            if (!g)
                break; /* a group rule (attach draft): ignored outside groups */
            ccsig_str path, expr;
            robots_split_value(t + l.val, l.val_len, &path, &expr);
            robots_rule *rule = vec_push(&usage);
            if (!rule || !rule_pattern(r, rule, path.p, path.len))
                goto nomem;
            rule->line = l.line;
            rule->group = (uint32_t)(groups.n - 1);
            rule->text = text;
            ccsig_statement *st = new_stmt(&stmts, r, &l, &rule->stmt);
            if (!st)
                goto nomem;
            ccsig_arena_reset(&tmp);
            ccsig_error perr;
            if (ccsig_pref_parse(&tmp, expr.p, expr.len, st, NULL, &perr) == CCSIG_ERR_NOMEM)
                goto nomem;
            g->cu_n++;
            break;
        }
        case RK_CONTENT_SIGNAL: {
            ccsig_str path, expr;
            robots_split_value(t + l.val, l.val_len, &path, &expr);
            robots_rule *rule = vec_push(g ? &signal : &gsignal);
            if (!rule || !rule_pattern(r, rule, path.p, path.len))
                goto nomem;
            rule->line = l.line;
            rule->group = g ? (uint32_t)(groups.n - 1) : UINT32_MAX;
            rule->text = text;
            ccsig_statement *st = new_stmt(&stmts, r, &l, &rule->stmt);
            if (!st)
                goto nomem;
            robots_parse_signal(expr.p, expr.len, st, &rule->use, NULL, NULL);
            if (g)
                g->cs_n++;
            break;
        }
        case RK_LICENSE: {
            ccsig_robots_license *li = vec_push(&lic);
            if (!li)
                goto nomem;
            li->line = l.line;
            li->url = ccsig_str_make(t + l.val, l.val_len);
            break;
        }
        default:
            break;
        }
    }
    r->info.lines = lx.line;
    r->info.first_ignored_line = r->info.truncated ? lx.line + 1 : 0;

    /* Global Content-Signal lines go first in the signal array. */
    if (gsignal.n) {
        robots_rule *all = malloc((gsignal.n + signal.n) * sizeof *all);
        if (!all)
            goto nomem;
        memcpy(all, gsignal.v, gsignal.n * sizeof *all);
        if (signal.n)
            memcpy(all + gsignal.n, signal.v, signal.n * sizeof *all);
        robots_group *gs = groups.v;
        for (size_t i = 0; i < groups.n; i++)
            gs[i].cs_first += (uint32_t)gsignal.n;
        free(signal.v);
        signal.v = all;
        signal.n += gsignal.n;
        signal.cap = signal.n;
    }
    free(gsignal.v);
    gsignal.v = NULL;

    /* Agent table: each token with the sorted list of its groups. */
    if (pairs.n)
        qsort(pairs.v, pairs.n, sizeof(agent_pair), pair_cmp);
    agent_pair *pv = pairs.v;
    robots_group *gv = groups.v;
    size_t nglobal = 0;
    for (size_t i = 0; i < groups.n; i++)
        nglobal += gv[i].global;
    r->glist = malloc((pairs.n + nglobal + 1) * sizeof *r->glist);
    r->agents = malloc((pairs.n + 1) * sizeof *r->agents);
    if (!r->glist || !r->agents)
        goto nomem;
    size_t ng = 0, na = 0;
    for (size_t i = 0; i < pairs.n; i++) {
        bool same_tok = na > 0 && tokcmp(r->agents[na - 1].tok, r->agents[na - 1].len, pv[i].tok,
                                         pv[i].len) == 0;
        if (same_tok && r->glist[ng - 1] == pv[i].group)
            continue;
        if (!same_tok) {
            robots_agent_entry *e = &r->agents[na++];
            e->tok = pv[i].tok;
            e->len = pv[i].len;
            e->first = (uint32_t)ng;
            e->n = 0;
        }
        r->glist[ng++] = pv[i].group;
        r->agents[na - 1].n++;
    }
    r->global_first = (uint32_t)ng;
    for (size_t i = 0; i < groups.n; i++)
        if (gv[i].global)
            r->glist[ng++] = (uint32_t)i;
    r->global_n = (uint32_t)(ng - r->global_first);
    r->nglist = ng;
    r->nagents = na;
    free(pairs.v);
    pairs.v = NULL;

    r->access = access.v;
    r->naccess = access.n;
    r->usage = usage.v;
    r->nusage = usage.n;
    r->signal = signal.v;
    r->nsignal = signal.n;
    r->groups = groups.v;
    r->ngroups = groups.n;
    r->stmts = stmts.v;
    r->nstmts = stmts.n;
    r->licenses = lic.v;
    r->nlicenses = lic.n;
    /* Statement provenance and labels were taken while the vectors grew;
     * they point into r->text, which did not move. */
    r->info.groups = (unsigned)groups.n;
    r->info.access_rules = (unsigned)access.n;
    r->info.usage_rules = (unsigned)usage.n;
    r->info.signal_rules = (unsigned)signal.n;
    r->info.licenses = (unsigned)lic.n;
    {
        size_t gsn = 0;
        for (size_t i = 0; i < r->nsignal; i++)
            gsn += r->signal[i].group == UINT32_MAX;
        r->nsignal_global = gsn;
    }
    ccsig_arena_free(&tmp);
    *out = r;
    return CCSIG_OK;
nomem:
    free(access.v);
    free(usage.v);
    free(signal.v);
    free(gsignal.v);
    free(groups.v);
    free(pairs.v);
    free(stmts.v);
    free(lic.v);
    ccsig_arena_free(&tmp);
    r->access = NULL;
    r->usage = NULL;
    r->signal = NULL;
    r->groups = NULL;
    r->stmts = NULL;
    r->licenses = NULL;
    ccsig_robots_free(r);
    return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
}

void ccsig_robots_free(ccsig_robots *r) {
    if (!r)
        return;
    free(r->text);
    free(r->access);
    free(r->usage);
    free(r->signal);
    free(r->groups);
    free(r->glist);
    free(r->agents);
    free(r->stmts);
    free(r->licenses);
    ccsig_arena_free(&r->arena);
    free(r);
}

const ccsig_robots_info *ccsig_robots_get_info(const ccsig_robots *r) {
    return &r->info;
}

const ccsig_robots_license *ccsig_robots_licenses(const ccsig_robots *r, size_t *n) {
    *n = r->nlicenses;
    return r->licenses;
}

const char *ccsig_robots_reason_name(ccsig_robots_reason x) {
    switch (x) {
    case CCSIG_ROBOTS_BY_RULE:
        return "rule";
    case CCSIG_ROBOTS_NO_MATCH:
        return "no-match";
    case CCSIG_ROBOTS_NO_GROUP:
        return "no-group";
    case CCSIG_ROBOTS_ROBOTS_TXT:
        return "robots-txt";
    }
    return "unknown";
}

/* ---- queries ---- */

ccsig_robots_agent ccsig_robots_select(const ccsig_robots *r, const char *agent, size_t len) {
    ccsig_robots_agent a = {r->global_first, r->global_n, false};
    ccsig_str tok = ccsig_robots_product_token(agent ? agent : "", agent ? len : 0);
    if (tok.len == 0 || (tok.len == 1 && tok.p[0] == '*'))
        return a;
    size_t lo = 0, hi = r->nagents;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const robots_agent_entry *e = &r->agents[mid];
        int d = tokcmp(e->tok, e->len, tok.p, tok.len);
        if (d == 0) {
            a.first = e->first;
            a.count = e->n;
            a.specific = true;
            return a;
        }
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return a;
}

bool robots_decide(const ccsig_robots *r, const uint32_t *gl, size_t ngl, const char *path,
                   size_t n, const robots_rule **rule) {
    const robots_rule *best_a = NULL, *best_d = NULL;
    long pa = -1, pd = -1;
    uint64_t ph = path_head(path, n);
    for (size_t k = 0; k < ngl; k++) {
        const robots_group *g = &r->groups[gl[k]];
        if (g->acc_n == 0)
            continue; /* r->access may be NULL */
        const robots_rule *ru = r->access + g->acc_first, *end = ru + g->acc_n;
        for (; ru < end; ru++) {
            long pr = (long)ru->pat_len;
            if (ru->allow ? pr <= pa : pr <= pd)
                continue;
            if (!match_fast(ru, path, n, ph))
                continue;
            if (ru->allow) {
                pa = pr;
                best_a = ru;
            } else {
                pd = pr;
                best_d = ru;
            }
        }
    }
    bool disallowed = pd > 0 && pd > pa;
    if (rule)
        *rule = disallowed ? best_d : best_a ? best_a : best_d;
    return !disallowed;
}

static bool is_robots_txt(ccsig_str path) {
    static const char rt[] = "/robots.txt";
    size_t l = sizeof rt - 1;
    return path.len >= l && memcmp(path.p, rt, l) == 0 && (path.len == l || path.p[l] == '?');
}

static void add_statement(ccsig_robots_answer *out, const ccsig_statement *st,
                          ccsig_robots_directive d) {
    if (out->nst < CCSIG_ROBOTS_MAX_STATEMENTS) {
        out->st[out->nst] = *st;
        out->st_directive[out->nst] = d;
        out->nst++;
        return;
    }
    ccsig_statement *last = &out->st[out->nst - 1];
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        const ccsig_pref *pf = &st->cat[c];
        ccsig_statement_set(last, (ccsig_category)c, (ccsig_state)pf->state,
                            (ccsig_signal)pf->signal, pf->conditions, pf->label);
    }
    if (!st->valid)
        last->valid = false;
    out->folded++;
}

/* Longest-path preference rules of one kind among the agent's groups (and,
 * for Content-Signal, the lines outside groups). Adds them to out, or only
 * counts them when count_only. */
static unsigned match_prefs(const ccsig_robots *r, const uint32_t *gl, size_t ngl,
                            ccsig_robots_directive d, const char *path, size_t n,
                            ccsig_robots_answer *out, bool count_only) {
    const robots_rule *base = d == CCSIG_ROBOTS_CONTENT_USAGE ? r->usage : r->signal;
    size_t nglobal = d == CCSIG_ROBOTS_CONTENT_SIGNAL ? r->nsignal_global : 0;
    long best = -1;
    uint64_t ph = path_head(path, n);
    for (int pass = 0; pass < 2; pass++) {
        unsigned found = 0;
        for (size_t k = 0; k <= ngl; k++) {
            const robots_rule *ru, *end;
            if (k == 0) {
                ru = base;
                end = base + nglobal;
            } else {
                const robots_group *g = &r->groups[gl[k - 1]];
                if (d == CCSIG_ROBOTS_CONTENT_USAGE) {
                    ru = base + g->cu_first;
                    end = ru + g->cu_n;
                } else {
                    ru = base + g->cs_first;
                    end = ru + g->cs_n;
                }
            }
            for (; ru < end; ru++) {
                long pr = (long)ru->pat_len;
                if (pass == 0 ? pr <= best : pr != best)
                    continue;
                if (!match_fast(ru, path, n, ph))
                    continue;
                if (pass == 0) {
                    best = pr;
                    continue;
                }
                found++;
                if (count_only)
                    continue;
                add_statement(out, &r->stmts[ru->stmt], d);
                if (d == CCSIG_ROBOTS_CONTENT_SIGNAL && ru->use.len && !out->signal_use.len)
                    out->signal_use = ru->use;
            }
        }
        if (best < 0)
            return 0;
        if (pass == 1)
            return found;
    }
    return 0;
}

static void answer_reset(ccsig_robots_answer *out) {
    out->allowed = true;
    out->reason = CCSIG_ROBOTS_NO_MATCH;
    out->rule.line = 0;
    out->rule.text = ccsig_str_make("", 0);
    out->group = out->rule;
    out->specific = false;
    out->nst = 0;
    out->folded = 0;
    out->withheld = 0;
    out->signal_use = ccsig_str_make("", 0);
    out->licenses = NULL;
    out->nlicenses = 0;
    out->path_truncated = false;
}

ccsig_status ccsig_robots_query(const ccsig_robots *r, ccsig_robots_agent agent, const char *url,
                                size_t len, ccsig_robots_answer *out) {
    if (!r || !out || (!url && len))
        return CCSIG_ERR_USAGE;
    answer_reset(out);
    out->path = ccsig_robots_url_path(url ? url : "", len, out->pathbuf, sizeof out->pathbuf,
                                      &out->path_truncated);
    out->licenses = r->licenses;
    out->nlicenses = r->nlicenses;
    out->specific = agent.specific;
    const uint32_t *gl = r->glist + agent.first;
    size_t ngl = agent.first + agent.count <= r->nglist ? agent.count : 0;
    if (ngl) {
        const robots_group *g0 = &r->groups[gl[0]];
        out->group.line = g0->line;
        out->group.text = g0->text;
    }
    const robots_rule *rule = NULL;
    out->allowed = robots_decide(r, gl, ngl, out->path.p, out->path.len, &rule);
    if (rule) {
        out->reason = CCSIG_ROBOTS_BY_RULE;
        out->rule.line = rule->line;
        out->rule.text = rule->text;
        out->group.line = r->groups[rule->group].line;
        out->group.text = r->groups[rule->group].text;
    } else if (!ngl) {
        out->reason = CCSIG_ROBOTS_NO_GROUP;
    }
    if (is_robots_txt(out->path) && !out->allowed) {
        out->allowed = true;
        out->reason = CCSIG_ROBOTS_ROBOTS_TXT;
        out->rule.line = 0;
        out->rule.text = ccsig_str_make("", 0);
    } else if (is_robots_txt(out->path) && out->reason != CCSIG_ROBOTS_BY_RULE) {
        out->reason = CCSIG_ROBOTS_ROBOTS_TXT;
    }
    bool count_only = !out->allowed;
    unsigned k = 0;
    if (r->nusage)
        k += match_prefs(r, gl, ngl, CCSIG_ROBOTS_CONTENT_USAGE, out->path.p, out->path.len, out,
                         count_only);
    if (r->nsignal)
        k += match_prefs(r, gl, ngl, CCSIG_ROBOTS_CONTENT_SIGNAL, out->path.p, out->path.len, out,
                         count_only);
    if (count_only)
        out->withheld = k;
    return CCSIG_OK;
}

ccsig_status ccsig_robots_check(const ccsig_robots *r, const char *agent, size_t agent_len,
                                const char *url, size_t len, ccsig_robots_answer *out) {
    if (!r)
        return CCSIG_ERR_USAGE;
    return ccsig_robots_query(r, ccsig_robots_select(r, agent, agent_len), url, len, out);
}

bool ccsig_robots_allowed(const ccsig_robots *r, ccsig_robots_agent agent, const char *url,
                          size_t len, ccsig_robots_line *rule) {
    char buf[CCSIG_ROBOTS_PATH_MAX];
    bool trunc;
    ccsig_str path = ccsig_robots_url_path(url ? url : "", url ? len : 0, buf, sizeof buf, &trunc);
    const uint32_t *gl = r->glist + agent.first;
    size_t ngl = agent.first + agent.count <= r->nglist ? agent.count : 0;
    const robots_rule *ru = NULL;
    bool ok = robots_decide(r, gl, ngl, path.p, path.len, &ru);
    if (is_robots_txt(path) && !ok) {
        ok = true;
        ru = NULL;
    }
    if (rule) {
        rule->line = ru ? ru->line : 0;
        rule->text = ru ? ru->text : ccsig_str_make("", 0);
    }
    return ok;
}
