/*
 * declare_robots.c — merge a declaration's robots.txt lines into an existing
 * robots.txt, then prove with the robots matcher that no other rule changed
 * meaning (ccsig/declare.h "merging into an existing robots.txt").
 *
 * The edit is insertions only, so line numbers of the old file map to the
 * new one by counting the lines inserted before them; the check compares the
 * deciding rules and the statements by mapped line. Which lines start groups
 * is read with a small scanner that follows the matcher's key rules
 * (case-insensitive prefixes, the user-agent typos); where it could disagree
 * with the matcher the check catches it and the merge is refused, never
 * written wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "ccsig/alloc.h"
#include "ccsig/robots.h"
#include "declare_internal.h"

/* ---- lines ---- */

typedef struct rline {
    size_t off, len; /* the line without its line end */
    size_t next;     /* offset of the next line */
    size_t eol_len;  /* bytes of its line end: CR, LF or CRLF (0 for none) */
    bool has_eol;    /* ends with a line end */
    bool ua;         /* a user-agent line */
    bool blank;      /* empty or only a comment */
    ccsig_str token; /* the user-agent product token ("*" for the global group) */
} rline;

typedef struct lines {
    rline *v;
    size_t n;
} lines;

static bool ieq_prefix(const char *p, size_t n, const char *lit) {
    size_t l = strlen(lit);
    if (n < l)
        return false;
    for (size_t i = 0; i < l; i++) {
        char c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[i])
            return false;
    }
    return true;
}

static bool is_ws(char c) {
    return c == ' ' || c == '\t';
}

static bool is_token_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/* Key and value of a line (comment cut, whitespace trimmed); false when the
 * line has no key. */
static bool key_value(const char *p, const rline *l, ccsig_str *key, ccsig_str *val) {
    size_t b = l->off, e = l->off + l->len;
    const char *hash = memchr(p + b, '#', e - b);
    if (hash)
        e = (size_t)(hash - p);
    while (b < e && is_ws(p[b]))
        b++;
    while (e > b && (is_ws(p[e - 1]) || p[e - 1] == '\r'))
        e--;
    if (b == e)
        return false;
    const char *colon = memchr(p + b, ':', e - b);
    size_t ke, vb;
    if (colon) {
        ke = (size_t)(colon - p);
        vb = ke + 1;
    } else {
        /* the matcher accepts "key value" without a colon */
        ke = b;
        while (ke < e && !is_ws(p[ke]))
            ke++;
        if (ke == e)
            return false;
        vb = ke;
    }
    size_t kb = b;
    while (ke > kb && is_ws(p[ke - 1]))
        ke--;
    while (vb < e && is_ws(p[vb]))
        vb++;
    *key = ccsig_str_make(p + kb, ke - kb);
    *val = ccsig_str_make(p + vb, e - vb);
    return true;
}

/* Split like the matcher: CR, LF and CRLF each end a line, and any prefix
 * of a UTF-8 BOM at the start is not part of the first line's key. */
static size_t bom_len(const char *p, size_t len) {
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    size_t n = 0;
    while (n < 3 && n < len && (unsigned char)p[n] == bom[n])
        n++;
    return n;
}

static bool split_lines(const char *p, size_t len, lines *out) {
    size_t cap = 64;
    out->v = ccsig_malloc(cap * sizeof *out->v);
    out->n = 0;
    if (!out->v)
        return false;
    size_t i = 0, bom = bom_len(p, len);
    while (i < len) {
        if (out->n == cap) {
            rline *nv = ccsig_realloc(out->v, (cap *= 2) * sizeof *nv);
            if (!nv)
                return false;
            out->v = nv;
        }
        rline *l = &out->v[out->n++];
        memset(l, 0, sizeof *l);
        size_t end = i;
        while (end < len && p[end] != '\n' && p[end] != '\r')
            end++;
        l->off = i;
        l->len = end - i;
        l->eol_len = end >= len                                                ? 0
                     : (p[end] == '\r' && end + 1 < len && p[end + 1] == '\n') ? 2
                                                                               : 1;
        l->has_eol = l->eol_len > 0;
        l->next = end + l->eol_len;
        rline scan = *l;
        if (out->n == 1 && bom) {
            scan.off += bom < scan.len ? bom : scan.len;
            scan.len -= bom < scan.len ? bom : scan.len;
        }
        ccsig_str k, v;
        if (!key_value(p, &scan, &k, &v)) {
            l->blank = true;
        } else if (ieq_prefix(k.p, k.len, "user-agent") || ieq_prefix(k.p, k.len, "useragent") ||
                   ieq_prefix(k.p, k.len, "user agent")) {
            l->ua = true;
            size_t t = 0;
            if (v.len && v.p[0] == '*')
                t = 1;
            else
                while (t < v.len && is_token_char(v.p[t]))
                    t++;
            l->token = ccsig_str_make(v.p, t);
        }
        i = l->next;
    }
    return true;
}

/* ---- the merge ---- */

/* A named group the rules for `*` do not reach: the agent that shows it
 * (its first user-agent line naming it) and the group's first line. */
typedef struct uncovered {
    size_t line;     /* 0-based line of the agent's first user-agent line */
    ccsig_str token; /* the agent */
    unsigned group;  /* 1-based first line of its group (the matcher's) */
    bool has_rules;  /* the declared rules already apply to it */
} uncovered;

typedef struct merger {
    const ccsig_declaration *d;
    const char *old;
    size_t len;
    lines L;
    const char *eol;
    ccsig_declare_merge *m;
    unsigned flags; /* CCSIG_DECLARE_MERGE_* */
    uncovered *unc; /* nunc named groups' agents, in file order */
    size_t nunc;
    /* With CCSIG_DECLARE_MERGE_ALL_GROUPS: the groups given the rules (old
     * first lines, 1-based) and the offsets of those insertions in
     * m->inserted (each holds Content-Usage lines only). */
    unsigned groups[CCSIG_DECLARE_MAX_INSERTIONS];
    size_t group_off[CCSIG_DECLARE_MAX_INSERTIONS];
    size_t ngroups;
    bool star_there; /* the rules for `*` were there already: only groups are added */
} merger;

/* True when line i holds only a comment (optional whitespace, then '#'). */
static bool is_comment_line(const merger *g, size_t i) {
    const rline *l = &g->L.v[i];
    size_t k = 0;
    while (k < l->len && (g->old[l->off + k] == ' ' || g->old[l->off + k] == '\t'))
        k++;
    return k < l->len && g->old[l->off + k] == '#';
}

/* The line end of line i, or of the nearest line before it that has one. */
static const char *eol_at(const merger *g, size_t i) {
    for (size_t k = i + 1; k-- > 0 && k < g->L.n;) {
        const rline *l = &g->L.v[k];
        if (l->has_eol)
            return l->eol_len == 2 ? "\r\n" : g->old[l->off + l->len] == '\r' ? "\r" : "\n";
    }
    return "\n";
}

static void refuse(ccsig_declare_merge *m, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void refuse(ccsig_declare_merge *m, unsigned line, const char *fmt, ...) {
    if (m->reason[0])
        return;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *r = ccsig_strdup(msg);
    if (r) /* else reason stays empty: the caller reports out of memory */
        m->reason = r;
    m->reason_line = line;
}

static void note(ccsig_declare_merge *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(ccsig_declare_merge *m, const char *fmt, ...) {
    if (m->nnotes == CCSIG_DECLARE_MERGE_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    char msg[200];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < m->nnotes; i++)
        if (!strcmp(m->notes[i], msg))
            return;
    if (!m->notes && !(m->notes = ccsig_calloc(CCSIG_DECLARE_MERGE_MAX_NOTES, sizeof *m->notes))) {
        m->notes_lost = true; /* the merge reports CCSIG_ERR_NOMEM */
        return;
    }
    char *n = ccsig_strdup(msg);
    if (n)
        m->notes[m->nnotes++] = n;
    else
        m->notes_lost = true;
}

static bool add_insertion(merger *g, unsigned before, const char *text, size_t n, unsigned nlines) {
    ccsig_declare_merge *m = g->m;
    if (m->nins == CCSIG_DECLARE_MAX_INSERTIONS) {
        refuse(m, 0, "the file has more than %u groups for every crawler (User-agent: *)",
               CCSIG_DECLARE_MAX_INSERTIONS - 1);
        return false;
    }
    if (!m->ins && !(m->ins = ccsig_malloc(CCSIG_DECLARE_MAX_INSERTIONS * sizeof *m->ins)))
        return false; /* reason empty: out of memory */
    ccsig_declare_insertion *in = &m->ins[m->nins++];
    in->before = before;
    in->lines = nlines;
    in->off = m->inserted.len;
    in->len = n;
    ccsig_buf_append(&m->inserted, text, n);
    return true;
}

/* The path and the preference of a Content-Usage rule's text
 * ("Content-Usage: /p/ train-ai=n"). */
static void rule_path_value(ccsig_str text, ccsig_str *path, ccsig_str *value) {
    const char *p = text.p, *e = text.p + text.len;
    const char *c = memchr(p, ':', text.len);
    if (!c) {
        /* "Content-Usage value" without a colon */
        while (p < e && !is_ws(*p))
            p++;
    } else {
        p = c + 1;
    }
    while (p < e && is_ws(*p))
        p++;
    const char *pe = p;
    if (p < e && *p == '/')
        while (pe < e && !is_ws(*pe))
            pe++;
    *path = ccsig_str_make(p, (size_t)(pe - p));
    while (pe < e && is_ws(*pe))
        pe++;
    *value = ccsig_str_make(pe, (size_t)(e - pe));
}

/* Old line index (0-based) -> new line number (1-based), with the insertions. */
static unsigned map_line(const ccsig_declare_merge *m, unsigned old1) {
    if (old1 == 0)
        return 0;
    unsigned add = 0;
    for (size_t i = 0; i < m->nins; i++)
        if (m->ins[i].before < old1) /* inserted before old line old1-1 (0-based) */
            add += m->ins[i].lines;
    return old1 + add;
}

/* Is new line n (1-based) in one of the insertions? */
static bool in_insertion(const ccsig_declare_merge *m, unsigned n1) {
    unsigned add = 0;
    for (size_t i = 0; i < m->nins; i++) {
        /* Insertion i starts at new line (before + 1 + add). */
        unsigned start = m->ins[i].before + 1 + add;
        if (n1 >= start && n1 < start + m->ins[i].lines)
            return true;
        add += m->ins[i].lines;
    }
    return false;
}

/* Is new line n (1-based) one of the inserted Content-Usage rules: in the
 * new group, or in a named group they were added to? */
static bool inserted_line(const merger *g, unsigned n1) {
    const ccsig_declare_merge *m = g->m;
    if (!m->group_rules && !g->ngroups)
        return in_insertion(m, n1);
    if (m->group_rules && n1 >= m->group_first && n1 < m->group_first + m->group_rules)
        return true;
    unsigned add = 0;
    for (size_t i = 0; i < m->nins; i++) {
        unsigned start = m->ins[i].before + 1 + add;
        add += m->ins[i].lines;
        if (n1 < start || n1 >= start + m->ins[i].lines)
            continue;
        for (size_t k = 0; k < g->ngroups; k++)
            if (g->group_off[k] == m->ins[i].off)
                return true;
    }
    return false;
}

/* Was the named group starting on old line `group` (1-based) given the
 * rules? */
static bool group_added(const merger *g, unsigned group) {
    for (size_t k = 0; k < g->ngroups; k++)
        if (g->groups[k] == group)
            return true;
    return false;
}

typedef struct strset {
    char **v;
    size_t n, cap;
} strset;

static bool strset_add(strset *s, const char *p, size_t n, size_t max) {
    if (s->n >= max)
        return true;
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == n && !memcmp(s->v[i], p, n))
            return true;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **nv = ccsig_realloc(s->v, cap * sizeof *nv);
        if (!nv)
            return false;
        s->v = nv;
        s->cap = cap;
    }
    char *c = ccsig_malloc(n + 1);
    if (!c)
        return false;
    memcpy(c, p, n);
    c[n] = '\0';
    s->v[s->n++] = c;
    return true;
}

static void strset_free(strset *s) {
    for (size_t i = 0; i < s->n; i++)
        ccsig_free(s->v[i]);
    ccsig_free(s->v);
}

/* URLs made from a path pattern: the pattern with '*' as nothing and as "x",
 * '$' dropped, and one level deeper. */
static bool add_pattern_urls(strset *u, ccsig_str pat) {
    char buf[2100];
    if (pat.len == 0 || pat.p[0] != '/' || pat.len > 2000)
        return true;
    for (int variant = 0; variant < 2; variant++) {
        size_t n = 0;
        for (size_t i = 0; i < pat.len; i++) {
            if (pat.p[i] == '*') {
                if (variant)
                    buf[n++] = 'x';
            } else if (!(pat.p[i] == '$' && i + 1 == pat.len)) {
                buf[n++] = pat.p[i];
            }
        }
        if (!strset_add(u, buf, n, CCSIG_DECLARE_MERGE_MAX_URLS))
            return false;
        buf[n] = 'x';
        if (!strset_add(u, buf, n + 1, CCSIG_DECLARE_MERGE_MAX_URLS))
            return false;
        memcpy(buf + n, "/x", 2);
        if (!strset_add(u, buf, n + 2, CCSIG_DECLARE_MERGE_MAX_URLS))
            return false;
        if (n > 1 && buf[n - 1] == '/' && !strset_add(u, buf, n - 1, CCSIG_DECLARE_MERGE_MAX_URLS))
            return false;
    }
    return true;
}

static bool under(const char *url, const ccsig_declaration *d) {
    if (d->npaths == 0)
        return true;
    for (size_t i = 0; i < d->npaths; i++)
        if (!strncmp(url, d->paths[i], strlen(d->paths[i])))
            return true;
    return false;
}

static bool same_entry(const ccsig_verdict_entry *a, const ccsig_verdict_entry *b) {
    return a->state == b->state && a->conditions == b->conditions;
}

static const char *entry_words(const ccsig_verdict_entry *e, char *buf, size_t n) {
    if (e->state == CCSIG_STATE_DENY && e->conditions)
        snprintf(buf, n, "deny with conditions");
    else
        snprintf(buf, n, "%s", ccsig_state_name(e->state));
    return buf;
}

/* Compare the two files for one agent at one URL. */
static bool check_one(merger *g, const ccsig_robots *r0, const ccsig_robots *r1, const char *agent,
                      const char *url, ccsig_robots_answer *a0, ccsig_robots_answer *a1,
                      const ccsig_statement *ours) {
    ccsig_declare_merge *m = g->m;
    size_t al = strlen(agent), ul = strlen(url);
    if (ccsig_robots_check(r0, agent, al, url, ul, a0) ||
        ccsig_robots_check(r1, agent, al, url, ul, a1))
        return false;
    /* The block's empty Disallow (priority 0) may be named as the deciding
     * rule where no rule with a path matched; the answer is the same. */
    bool our_rule = a1->rule.line && in_insertion(m, a1->rule.line);
    if (a0->allowed != a1->allowed || (!our_rule && map_line(m, a0->rule.line) != a1->rule.line)) {
        refuse(m, a0->rule.line,
               "for %s at %s the crawl answer would change (%s by line %u, then %s by line %u)",
               agent, url, a0->allowed ? "allowed" : "disallowed", a0->rule.line,
               a1->allowed ? "allowed" : "disallowed", a1->rule.line);
        return false;
    }
    /* Which statements are ours (inserted lines). */
    bool ours_applies = false;
    size_t k0 = 0;
    bool same_old = true;
    for (size_t i = 0; i < a1->nst; i++) {
        if (inserted_line(g, a1->st[i].src.line)) {
            ours_applies = true;
            continue;
        }
        if (k0 >= a0->nst || map_line(m, a0->st[k0].src.line) != a1->st[i].src.line)
            same_old = false;
        k0++;
    }
    if (k0 != a0->nst)
        same_old = false;
    /* Where the declaration should apply: the declared agent (for `*`, every
     * agent without a group of its own), a crawlable URL under its paths. */
    const char *da = declare_agent(g->d);
    bool mine = strcmp(da, "*") ? !strcasecmp(agent, da)
                                : !a1->specific || (a0->specific && group_added(g, a0->group.line));
    bool should = mine && a1->allowed && under(url, g->d);
    if (ours_applies && !should) {
        refuse(m, 0, "the new rules would apply to %s at %s, outside the declaration", agent, url);
        return false;
    }
    if (!ours_applies) {
        if (!same_old) {
            refuse(m, a0->nst ? a0->st[0].src.line : 0,
                   "for %s at %s other Content-Usage rules would apply than before", agent, url);
            return false;
        }
        /* A longer Content-Usage path still wins there, as it should (where
         * the rules were there already, they are what applies). */
        if (should && a0->nst && !(g->star_there && !a1->specific))
            note(m, "at %s the more specific rule on line %u still applies, not the declaration",
                 url, a0->st[0].src.line);
        return true;
    }
    /* Ours applies: categories it does not speak about keep their verdict;
     * where it speaks, an old verdict that differs is a conflict. */
    ccsig_verdict v0, v1, vo;
    ccsig_combine(a0->st, a0->nst, &v0);
    ccsig_combine(a1->st, a1->nst, &v1);
    ccsig_combine(ours, 1, &vo);
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        char w0[32], w1[32], wo[32];
        if (vo.cat[c].state == CCSIG_STATE_UNKNOWN) {
            if (!same_entry(&v0.cat[c], &v1.cat[c])) {
                int src = v0.cat[c].source;
                refuse(m, src >= 0 ? a0->st[src].src.line : 0,
                       "for %s at %s the %s verdict would change from %s to %s", agent, url,
                       ccsig_category_name((ccsig_category)c),
                       entry_words(&v0.cat[c], w0, sizeof w0),
                       entry_words(&v1.cat[c], w1, sizeof w1));
                return false;
            }
            continue;
        }
        if (v0.cat[c].state != CCSIG_STATE_UNKNOWN && !same_entry(&v0.cat[c], &vo.cat[c])) {
            int src = v0.cat[c].source;
            unsigned l = src >= 0 ? a0->st[src].src.line : 0;
            refuse(m, l,
                   "line %u already says %s for %s at %s (for %s); the declaration says %s: "
                   "change or remove that rule first",
                   l, entry_words(&v0.cat[c], w0, sizeof w0),
                   ccsig_category_name((ccsig_category)c), url, agent,
                   entry_words(&vo.cat[c], wo, sizeof wo));
            return false;
        }
        if (!same_entry(&v1.cat[c], &vo.cat[c])) {
            refuse(m, 0, "for %s at %s the %s verdict would be %s, not the declared %s", agent, url,
                   ccsig_category_name((ccsig_category)c), entry_words(&v1.cat[c], w1, sizeof w1),
                   entry_words(&vo.cat[c], wo, sizeof wo));
            return false;
        }
    }
    return true;
}

static unsigned lint_errors(const char *p, size_t n, char *first, size_t fn, ccsig_status *st) {
    ccsig_robots_lint_result lr;
    memset(&lr, 0, sizeof lr);
    ccsig_error err;
    *st = ccsig_robots_lint(p, n, &lr, &err);
    unsigned e = (unsigned)lr.errors;
    if (first && fn) {
        first[0] = '\0';
        for (size_t i = 0; i < lr.n; i++)
            if (lr.v[i].severity == CCSIG_DIAG_ERROR) {
                snprintf(first, fn, "line %u: %s", lr.v[i].line, lr.v[i].message);
                break;
            }
    }
    ccsig_robots_lint_free(&lr);
    return e;
}

static ccsig_status verify(merger *g, ccsig_error *err) {
    ccsig_declare_merge *m = g->m;
    const ccsig_declaration *d = g->d;
    ccsig_robots *r0 = NULL, *r1 = NULL;
    ccsig_robots_answer *a0 = ccsig_robots_answer_new(), *a1 = ccsig_robots_answer_new();
    strset agents = {0}, urls = {0};
    ccsig_status s = CCSIG_ERR_NOMEM;
    if (!a0 || !a1)
        goto out;
    if ((s = ccsig_robots_compile(g->old, g->len, "robots.txt", &r0, err)) ||
        (s = ccsig_robots_compile(m->text.data, m->text.len, "robots.txt", &r1, err)))
        goto out;
    s = CCSIG_ERR_NOMEM;
    /* Agents: the declared one, one no group names, every token in the file. */
    const char *probe = "CcsigProbeBot";
    if (!strset_add(&agents, declare_agent(d), strlen(declare_agent(d)),
                    CCSIG_DECLARE_MERGE_MAX_AGENTS) ||
        !strset_add(&agents, probe, strlen(probe), CCSIG_DECLARE_MERGE_MAX_AGENTS))
        goto out;
    for (size_t i = 0; i < g->L.n; i++)
        if (g->L.v[i].ua && g->L.v[i].token.len &&
            !(g->L.v[i].token.len == 1 && g->L.v[i].token.p[0] == '*') &&
            !strset_add(&agents, g->L.v[i].token.p, g->L.v[i].token.len,
                        CCSIG_DECLARE_MERGE_MAX_AGENTS))
            goto out;
    /* URLs: the root, the declared paths, every path in the file. */
    static const char *const fixed[] = {"/", "/x", "/index.html", "/robots.txt"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!strset_add(&urls, fixed[i], strlen(fixed[i]), CCSIG_DECLARE_MERGE_MAX_URLS))
            goto out;
    for (size_t i = 0; i < d->npaths; i++) {
        char b[CCSIG_DECLARE_MAX_PATH + 16];
        size_t n = strlen(d->paths[i]);
        if (!add_pattern_urls(&urls, ccsig_str_c(d->paths[i])))
            goto out;
        snprintf(b, sizeof b, "%ssub/item.jpg", d->paths[i]);
        if (!strset_add(&urls, b, strlen(b), CCSIG_DECLARE_MERGE_MAX_URLS))
            goto out;
        snprintf(b, sizeof b, "%.*sX", (int)(n > 1 ? n - 1 : n), d->paths[i]);
        if (!strset_add(&urls, b, strlen(b), CCSIG_DECLARE_MERGE_MAX_URLS))
            goto out;
    }
    for (size_t i = 0; i < g->L.n; i++) {
        ccsig_str k, v, path, val;
        if (!key_value(g->old, &g->L.v[i], &k, &v) || g->L.v[i].ua)
            continue;
        if (ieq_prefix(k.p, k.len, "content-usage") || ieq_prefix(k.p, k.len, "content-signal")) {
            rule_path_value(ccsig_str_make(k.p, (size_t)(v.p + v.len - k.p)), &path, &val);
            v = path;
        }
        if (!add_pattern_urls(&urls, v))
            goto out;
    }
    ccsig_statement ours;
    ccsig_declare_statement(d, &ours);
    m->agents = (unsigned)agents.n;
    m->urls = (unsigned)urls.n;
    for (size_t i = 0; i < agents.n; i++)
        for (size_t j = 0; j < urls.n; j++) {
            if (!check_one(g, r0, r1, agents.v[i], urls.v[j], a0, a1, &ours)) {
                s = m->reason[0] ? CCSIG_ERR_RANGE : CCSIG_ERR_NOMEM;
                goto out;
            }
            /* The declaration has no effect where crawling is disallowed. */
            if (!strcmp(agents.v[i], declare_agent(d)) && under(urls.v[j], d) && !a1->allowed &&
                d->npaths)
                for (size_t p = 0; p < d->npaths; p++)
                    if (!strcmp(urls.v[j], d->paths[p]))
                        note(m,
                             "%s is disallowed for %s by line %u: the Content-Usage rule has no "
                             "effect there",
                             d->paths[p], agents.v[i], a0->rule.line);
        }
    /* Lint: no new error. */
    char first[512 + 32]; /* "line N: " and a lint message (at most 511 bytes) */
    ccsig_status ls0, ls1;
    m->lint_old = lint_errors(g->old, g->len, NULL, 0, &ls0);
    m->lint_new = lint_errors(m->text.data, m->text.len, first, sizeof first, &ls1);
    if (ls0 || ls1)
        goto out;
    if (m->lint_new > m->lint_old) {
        refuse(m, 0, "lint would report a new error (%s)", first);
        s = CCSIG_ERR_RANGE;
        goto out;
    }
    s = CCSIG_OK;
out:
    ccsig_robots_free(r0);
    ccsig_robots_free(r1);
    ccsig_robots_answer_free(a0);
    ccsig_robots_answer_free(a1);
    strset_free(&agents);
    strset_free(&urls);
    return s;
}

/* Rules for `*` reach only crawlers without a group of their own: find the
 * agents the file gives a group (in file order, each once) that may crawl
 * the site's root, so that the preference would apply to them, with the
 * first line of each one's group. False when out of memory. */
static bool find_uncovered(merger *g, const ccsig_robots *r0, ccsig_robots_answer *a) {
    for (size_t i = 0; i < g->L.n; i++) {
        const rline *l = &g->L.v[i];
        if (!l->ua || !l->token.len || (l->token.len == 1 && l->token.p[0] == '*'))
            continue;
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++)
            dup = g->L.v[k].ua && g->L.v[k].token.len == l->token.len &&
                  !strncasecmp(g->L.v[k].token.p, l->token.p, l->token.len);
        ccsig_robots_agent ag = ccsig_robots_select(r0, l->token.p, l->token.len);
        if (dup || !ag.specific || !ccsig_robots_allowed(r0, ag, "/", 1, NULL))
            continue;
        if (ccsig_robots_query(r0, ag, "/", 1, a))
            return false;
        if (!g->unc) {
            g->unc = ccsig_calloc(g->L.n, sizeof *g->unc);
            if (!g->unc)
                return false;
        }
        g->unc[g->nunc++] = (uncovered){i, l->token, a->group.line, false};
    }
    return true;
}

/* "Googlebot (line 2), bingbot (line 11)" and " and N more" for the agents
 * of g->unc that still lack the rules (added false) or whose groups were
 * given them (added true): at most 3 named. Returns how many there are. */
static unsigned agent_list(const merger *g, bool added, char list[160], char more[32]) {
    size_t n = 0;
    unsigned count = 0, shown = 0;
    list[0] = more[0] = '\0';
    for (size_t k = 0; k < g->nunc; k++) {
        const uncovered *u = &g->unc[k];
        if (added ? !group_added(g, u->group) : u->has_rules)
            continue;
        count++;
        if (shown < 3 && n + u->token.len + 16 < 160) {
            int w = snprintf(list + n, 160 - n, "%s%.*s (line %zu)", shown ? ", " : "",
                             (int)u->token.len, u->token.p, u->line + 1);
            n += w > 0 ? (size_t)w : 0;
            shown++;
        }
    }
    if (count > shown)
        snprintf(more, 32, " and %u more", count - shown);
    return count;
}

/* The note naming the agents the rules do not reach, with how to reach
 * them (sets m->uncovered). */
static void note_uncovered(merger *g) {
    char list[160], more[32];
    unsigned count = agent_list(g, false, list, more);
    g->m->uncovered = count;
    if (count)
        note(g->m,
             "%s%s %s, which the rules for * do not reach: declare with --all-groups to add the "
             "rules to %s",
             list, more, count == 1 ? "has a group of its own" : "have groups of their own",
             count == 1 ? "its group" : "their groups");
}

/* The note naming the groups the rules were added to, by their agents. */
static void note_added(merger *g) {
    char list[160], more[32];
    if (agent_list(g, true, list, more))
        note(g->m, "the rules are added to the %s of %s%s (%u %s)",
             g->ngroups == 1 ? "group" : "groups", list, more, (unsigned)g->ngroups,
             g->ngroups == 1 ? "group" : "groups");
}

/* Is the line `rule` (exact text, key case-insensitive) in the file, in a
 * group whose run of user-agent lines (the nearest one above it) names
 * agent? How a rule is found where crawling is disallowed, so the matcher
 * withholds it. */
static bool rule_in_text(const merger *g, const char *agent, size_t alen, const char *rule) {
    size_t rl = strlen(rule);
    for (size_t i = 0; i < g->L.n; i++) {
        const rline *l = &g->L.v[i];
        size_t b = 0;
        while (b < l->len && is_ws(g->old[l->off + b]))
            b++;
        size_t n = l->len - b;
        while (n && is_ws(g->old[l->off + b + n - 1]))
            n--;
        if (n != rl || !ccsig_str_ieq(ccsig_str_make(g->old + l->off + b, n), rule))
            continue;
        size_t k = i;
        while (k > 0 && !g->L.v[k - 1].ua)
            k--;
        while (k > 0 && (g->L.v[k - 1].ua || g->L.v[k - 1].blank)) {
            const rline *u = &g->L.v[--k];
            if (u->ua && u->token.len == alen && !strncasecmp(u->token.p, agent, alen))
                return true;
        }
    }
    return false;
}

/* Do the declared Content-Usage rules (their exact text) apply to agent at
 * every declared path (or the root)? *out; false when out of memory. */
static bool rules_apply(merger *g, const ccsig_robots *r0, const char *agent, size_t alen,
                        ccsig_robots_answer *a, ccsig_buf *ours, bool *out) {
    const ccsig_declaration *d = g->d;
    *out = true;
    for (size_t i = 0; i < (d->npaths ? d->npaths : 1) && *out; i++) {
        const char *path = d->npaths ? d->paths[i] : "/";
        ccsig_buf_clear(ours);
        ccsig_buf_puts(ours, "Content-Usage: ");
        if (d->npaths)
            ccsig_buf_printf(ours, "%s ", path);
        declare_put_expression(d, ours);
        if (ccsig_buf_failed(ours) || ccsig_robots_check(r0, agent, alen, path, strlen(path), a))
            return false;
        bool found = false;
        for (size_t k = 0; k < a->nst; k++)
            if (a->st_directive[k] == CCSIG_ROBOTS_CONTENT_USAGE &&
                a->st[k].src.text.len == ours->len &&
                ccsig_str_ieq(a->st[k].src.text, ccsig_buf_cstr(ours)))
                found = true;
        if (!found && !a->allowed && a->withheld)
            found = rule_in_text(g, agent, alen, ccsig_buf_cstr(ours));
        *out = found;
    }
    return true;
}

/* Add the declared Content-Usage rules to the group starting on old line
 * `group` (1-based): right after the run of user-agent lines (comments
 * between) that starts it, so that the group keeps its agents for every
 * reader, however it ends a run. False on refusal or out of memory. */
static bool add_to_group(merger *g, unsigned group) {
    const ccsig_declaration *d = g->d;
    if (g->ngroups == CCSIG_DECLARE_MAX_INSERTIONS) {
        refuse(g->m, group, "the file has more than %u named groups", CCSIG_DECLARE_MAX_INSERTIONS);
        return false;
    }
    size_t last = group - 1;
    for (size_t k = last + 1; k < g->L.n; k++) {
        if (g->L.v[k].ua)
            last = k;
        else if (!is_comment_line(g, k))
            break;
    }
    const char *eol = eol_at(g, last);
    if (last + 1 == g->L.n && !g->L.v[last].has_eol)
        g->m->newline_added = true; /* the last line gains its line end first */
    ccsig_buf t = CCSIG_BUF_INIT;
    for (size_t i = 0; i < (d->npaths ? d->npaths : 1); i++) {
        ccsig_buf_puts(&t, "Content-Usage: ");
        if (d->npaths)
            ccsig_buf_printf(&t, "%s ", d->paths[i]);
        declare_put_expression(d, &t);
        ccsig_buf_puts(&t, eol);
    }
    size_t off = g->m->inserted.len;
    bool ok = !ccsig_buf_failed(&t) && add_insertion(g, (unsigned)(last + 1), t.data, t.len,
                                                     (unsigned)(d->npaths ? d->npaths : 1));
    ccsig_buf_free(&t);
    if (ok) {
        g->groups[g->ngroups] = group;
        g->group_off[g->ngroups++] = off;
    }
    return ok;
}

void ccsig_declare_merge_free(ccsig_declare_merge *m) {
    ccsig_buf_free(&m->text);
    ccsig_buf_free(&m->inserted);
    ccsig_free(m->ins);
    if (m->reason && m->reason[0])
        ccsig_free((char *)m->reason);
    for (size_t i = 0; i < m->nnotes; i++)
        ccsig_free((char *)m->notes[i]);
    ccsig_free(m->notes);
    memset(m, 0, sizeof *m);
    m->reason = "";
}

ccsig_status ccsig_declare_robots_merge(const ccsig_declaration *d, const char *p, size_t len,
                                        ccsig_declare_merge *m, ccsig_error *err) {
    return ccsig_declare_robots_merge_opts(d, p, len, 0, m, err);
}

ccsig_status ccsig_declare_robots_merge_opts(const ccsig_declaration *d, const char *p, size_t len,
                                             unsigned flags, ccsig_declare_merge *m,
                                             ccsig_error *err) {
    memset(m, 0, sizeof *m);
    m->reason = "";
    ccsig_status s = ccsig_declaration_validate(d, err);
    if (s)
        return s;
    bool star = !strcmp(declare_agent(d), "*");
    if ((flags & CCSIG_DECLARE_MERGE_ALL_GROUPS) && !star)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                               "adding the rules to every named group goes with the agent *, not "
                               "%s",
                               declare_agent(d));
    merger g = {.d = d, .old = p, .len = len, .eol = "\n", .m = m, .flags = flags};
    if (len > CCSIG_ROBOTS_MAX_SIZE) {
        refuse(m, 0,
               "the file is larger than %u bytes, the most crawlers read (RFC 9309 2.5): rules "
               "added at its end would be ignored",
               CCSIG_ROBOTS_MAX_SIZE);
        return ccsig_error_set(err, CCSIG_ERR_RANGE, 0, "%s", m->reason);
    }
    if (!split_lines(p, len, &g.L)) {
        ccsig_free(g.L.v);
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    /* Lines added at the end end like the last line that has an end (files mix
     * CRLF and LF); the end of the file gets one if it lacks it. */
    g.eol = eol_at(&g, g.L.n ? g.L.n - 1 : 0);
    s = CCSIG_ERR_NOMEM;
    ccsig_robots *r0 = NULL;
    ccsig_robots_answer *a = ccsig_robots_answer_new();
    ccsig_buf ours = CCSIG_BUF_INIT, t = CCSIG_BUF_INIT;
    if (!a || (s = ccsig_robots_compile(p, len, "robots.txt", &r0, err)))
        goto out;
    s = CCSIG_ERR_NOMEM;
    const char *agent = declare_agent(d);

    /* Already there? Each declared rule's exact text applies for the agent
     * (and, for `*`, which named groups have them already). */
    bool all_there, need_groups = false, main_group = false;
    unsigned cu_count = 0, cu_first = 0;
    if (!rules_apply(&g, r0, agent, strlen(agent), a, &ours, &all_there))
        goto out;
    if (star) {
        if (!find_uncovered(&g, r0, a))
            goto out;
        for (size_t k = 0; k < g.nunc; k++) {
            if (!rules_apply(&g, r0, g.unc[k].token.p, g.unc[k].token.len, a, &ours,
                             &g.unc[k].has_rules))
                goto out;
            need_groups |= !g.unc[k].has_rules;
        }
    }
    bool add_groups = need_groups && (flags & CCSIG_DECLARE_MERGE_ALL_GROUPS);
    if (all_there && !add_groups) {
        m->unchanged = true;
        ccsig_buf_append(&m->text, p, len);
        s = ccsig_buf_failed(&m->text) ? CCSIG_ERR_NOMEM : CCSIG_OK;
        if (s == CCSIG_OK && star)
            note_uncovered(&g);
        goto out;
    }
    g.star_there = all_there;
    if (all_there)
        goto groups; /* only the named groups lack the rules */

    /* The new group goes right before the first group of the file: a group
     * with rules ends at the next user-agent line, while a group appended at
     * the end could join a last group that has no rules yet. Lines before the
     * first group (sitemaps, global Content-Signal) stay before it. With no
     * group in the file, it goes at the end. */
    size_t fu = g.L.n;
    for (size_t i = 0; i < g.L.n && fu == g.L.n; i++)
        if (g.L.v[i].ua)
            fu = i;
    bool at_end = fu == g.L.n;
    /* A comment directly above that group (no blank line between) is about
     * it: the new group goes above the comment, so that every comment stays
     * with its own group however many times declare merges. */
    while (!at_end && fu > 0 && is_comment_line(&g, fu - 1))
        fu--;
    const char *eol = at_end ? g.eol : eol_at(&g, fu);
    ccsig_buf_clear(&t);
    bool need_eol = at_end && g.L.n && !g.L.v[g.L.n - 1].has_eol;
    unsigned nlines = 0;
    if (at_end && g.L.n && !(g.L.v[g.L.n - 1].blank && g.L.v[g.L.n - 1].len == 0)) {
        ccsig_buf_puts(&t, eol); /* a blank line after what is there */
        nlines++;
    }
    ccsig_buf_clear(&ours);
    declare_put_robots(d, &ours);
    /* Our lines up to the Content-Usage ones, with the file's line ends. */
    const char *q = ccsig_buf_cstr(&ours);
    while (*q) {
        const char *nl = strchr(q, '\n');
        size_t n = nl ? (size_t)(nl - q) : strlen(q);
        if (ieq_prefix(q, n, "content-usage:"))
            break;
        ccsig_buf_append(&t, q, n);
        ccsig_buf_puts(&t, eol);
        nlines++;
        q += n + (nl ? 1 : 0);
    }
    cu_first = nlines; /* index of the first Content-Usage line in t */
    for (size_t i = 0; i < (d->npaths ? d->npaths : 1); i++) {
        if (d->npaths) {
            const char *path = d->paths[i];
            size_t plen = strlen(path);
            if (ccsig_robots_check(r0, agent, strlen(agent), path, plen, a))
                goto out;
            for (size_t k = 0; k < a->nst; k++) {
                if (a->st_directive[k] != CCSIG_ROBOTS_CONTENT_USAGE)
                    continue;
                ccsig_str rp, rv;
                rule_path_value(a->st[k].src.text, &rp, &rv);
                if (rp.len >= plen)
                    continue; /* the same path (combines) or a longer one (still wins) */
                ccsig_buf_printf(&t, "# Repeats \"%.*s\" for %s (the longest path decides)%s",
                                 (int)a->st[k].src.text.len, a->st[k].src.text.p, path, eol);
                ccsig_buf_printf(&t, "Content-Usage: %s %.*s%s", path, (int)rv.len, rv.p, eol);
                nlines += 2;
                m->carried++;
            }
            ccsig_buf_printf(&t, "Content-Usage: %s ", path);
        } else {
            ccsig_buf_puts(&t, "Content-Usage: ");
        }
        declare_put_expression(d, &t);
        ccsig_buf_puts(&t, eol);
        nlines++;
    }
    if (ccsig_buf_failed(&t) || ccsig_buf_failed(&ours))
        goto out; /* s is CCSIG_ERR_NOMEM */
    cu_count = nlines - cu_first;
    if (!at_end) {
        ccsig_buf_puts(&t, eol); /* a blank line before the first group */
        nlines++;
    }
    if (!add_insertion(&g, (unsigned)fu, t.data, t.len, nlines))
        goto refused;
    m->newline_added = need_eol;
    main_group = true;

    /* A crawler without a group of its own joins every `*` group, so it
     * keeps the access rules it had. */
    if (strcmp(agent, "*") && !ccsig_robots_select(r0, agent, strlen(agent)).specific) {
        for (size_t i = 0; i < g.L.n; i++) {
            if (!g.L.v[i].ua || !(g.L.v[i].token.len == 1 && g.L.v[i].token.p[0] == '*'))
                continue;
            /* the first user-agent line of this run (blank lines and comments between) */
            size_t first = i;
            for (size_t j = i; j-- > 0;) {
                if (g.L.v[j].ua)
                    first = j;
                else if (!g.L.v[j].blank)
                    break;
            }
            bool done = false; /* one line per run */
            for (size_t k = 1; k < m->nins; k++)
                if (m->ins[k].before == first)
                    done = true;
            if (done)
                continue;
            ccsig_buf_clear(&t);
            ccsig_buf_printf(&t, "User-agent: %s%s", agent, eol_at(&g, first));
            if (ccsig_buf_failed(&t))
                goto out;
            if (!add_insertion(&g, (unsigned)first, t.data, t.len, 1))
                goto refused;
        }
    }
groups:
    /* The named groups the rules for `*` do not reach, each once. */
    for (size_t k = 0; add_groups && k < g.nunc; k++)
        if (!g.unc[k].has_rules && g.unc[k].group && !group_added(&g, g.unc[k].group) &&
            !add_to_group(&g, g.unc[k].group))
            goto refused;
    m->groups_added = (unsigned)g.ngroups;
    /* In file order; the group first where an insertion shares its place. */
    for (size_t i = 1; i < m->nins; i++)
        for (size_t j = i; j > 0 && m->ins[j - 1].before > m->ins[j].before; j--) {
            ccsig_declare_insertion tmp = m->ins[j];
            m->ins[j] = m->ins[j - 1];
            m->ins[j - 1] = tmp;
        }
    {
        unsigned before_lines = 0;
        for (size_t k = 0; main_group && k < m->nins; k++) {
            if (m->ins[k].off == 0) { /* the group is the first text added */
                m->group_first = (unsigned)m->ins[k].before + 1 + before_lines + cu_first;
                m->group_rules = cu_count;
                break;
            }
            before_lines += m->ins[k].lines;
        }
    }

    if (ccsig_buf_failed(&m->inserted))
        goto out; /* s is CCSIG_ERR_NOMEM */
    /* Assemble; a BOM stays the first bytes of the file. */
    size_t at = 0, bom = bom_len(p, len);
    for (size_t i = 0; i <= g.L.n; i++) {
        if (i == 0 && bom) {
            ccsig_buf_append(&m->text, p, bom);
            at = bom;
        }
        for (size_t k = 0; k < m->nins; k++)
            if (m->ins[k].before == i) {
                if (i == g.L.n && m->newline_added)
                    ccsig_buf_puts(&m->text, g.eol);
                ccsig_buf_append(&m->text, m->inserted.data + m->ins[k].off, m->ins[k].len);
            }
        if (i < g.L.n) {
            ccsig_buf_append(&m->text, p + at, g.L.v[i].next - at);
            at = g.L.v[i].next;
        }
    }
    if (ccsig_buf_failed(&m->text) || ccsig_buf_failed(&m->inserted))
        goto out;
    if (m->text.len > CCSIG_ROBOTS_MAX_SIZE) {
        refuse(m, 0,
               "the merged file would be larger than %u bytes, the most crawlers read (RFC 9309 "
               "2.5)",
               CCSIG_ROBOTS_MAX_SIZE);
        goto refused;
    }
    s = verify(&g, err);
    if (s == CCSIG_ERR_RANGE)
        goto refused;
    if (s == CCSIG_OK && star) {
        if (add_groups) {
            for (size_t k = 0; k < g.nunc; k++) /* reached now */
                g.unc[k].has_rules = true;
            note_added(&g);
        }
        note_uncovered(&g);
    }
    goto out;
refused:
    if (!m->reason[0]) { /* refusing needed memory it did not get */
        s = CCSIG_ERR_NOMEM;
        goto out;
    }
    s = ccsig_error_set(err, CCSIG_ERR_RANGE, 0, "%s", m->reason);
    if (err)
        err->line = m->reason_line;
out:
    if (s == CCSIG_OK && m->notes_lost)
        s = CCSIG_ERR_NOMEM;
    if (s == CCSIG_ERR_NOMEM && !m->reason[0])
        ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    ccsig_robots_free(r0);
    ccsig_robots_answer_free(a);
    ccsig_buf_free(&ours);
    ccsig_buf_free(&t);
    ccsig_free(g.L.v);
    ccsig_free(g.unc);
    return s;
}

/* ---- diff ---- */

typedef struct dline {
    char op; /* ' ', '+', '-' */
    const char *p;
    size_t n;
    bool no_eol; /* "\ No newline at end of file" after it */
} dline;

static void put_line(ccsig_buf *out, char op, const char *p, size_t n) {
    if (n && p[n - 1] == '\r')
        n--;
    ccsig_buf_putc(out, op);
    ccsig_buf_append(out, p, n);
    ccsig_buf_putc(out, '\n');
}

void ccsig_declare_merge_diff(const ccsig_declare_merge *m, const char *old, size_t len,
                              const char *old_name, const char *new_name, ccsig_buf *out) {
    lines L = {NULL, 0};
    if (m->unchanged)
        return;
    if (!split_lines(old, len, &L)) {
        ccsig_free(L.v);
        out->failed = true;
        return;
    }
    /* The edit script: old lines with insertions, as a flat list. */
    size_t cap = L.n * 2 + 64, n = 0;
    for (size_t k = 0; k < m->nins; k++)
        cap += m->ins[k].lines + 2;
    dline *v = ccsig_malloc(cap * sizeof *v);
    if (!v) {
        ccsig_free(L.v);
        out->failed = true;
        return;
    }
    for (size_t i = 0; i <= L.n; i++) {
        for (size_t k = 0; k < m->nins; k++) {
            if (m->ins[k].before != i)
                continue;
            if (i == L.n && m->newline_added && L.n) {
                /* the last line gains its line end */
                v[n - 1].op = '-';
                v[n - 1].no_eol = true;
                v[n++] = (dline){'+', old + L.v[L.n - 1].off, L.v[L.n - 1].len, false};
            }
            const char *q = m->inserted.data + m->ins[k].off, *e = q + m->ins[k].len;
            while (q < e) { /* whole lines, ended by CR, LF or CRLF */
                size_t ln = 0;
                while (q + ln < e && q[ln] != '\n' && q[ln] != '\r')
                    ln++;
                v[n++] = (dline){'+', q, ln, false};
                q += ln;
                q += q < e && *q == '\r' && q + 1 < e && q[1] == '\n' ? 2 : 1;
            }
        }
        if (i < L.n)
            v[n++] = (dline){' ', old + L.v[i].off, L.v[i].len, false};
    }
    ccsig_buf_printf(out, "--- %s\n+++ %s\n", old_name, new_name);
    /* Hunks: changed entries with 3 lines of context, merged when close. */
    size_t i = 0;
    while (i < n) {
        while (i < n && v[i].op == ' ')
            i++;
        if (i >= n)
            break;
        size_t start = i >= 3 ? i - 3 : 0, end = i;
        for (;;) {
            while (end < n && v[end].op != ' ')
                end++;
            size_t ctx = 0;
            while (end + ctx < n && v[end + ctx].op == ' ' && ctx < 7)
                ctx++;
            if (end + ctx < n && v[end + ctx].op != ' ' && ctx < 7) {
                end += ctx;
                continue;
            }
            end += ctx < 3 ? ctx : 3;
            break;
        }
        /* line numbers */
        size_t oa = 1, na = 1;
        for (size_t k = 0; k < start; k++) {
            if (v[k].op != '+')
                oa++;
            if (v[k].op != '-')
                na++;
        }
        size_t ob = 0, nb = 0;
        for (size_t k = start; k < end; k++) {
            if (v[k].op != '+')
                ob++;
            if (v[k].op != '-')
                nb++;
        }
        ccsig_buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ob ? oa : oa - 1, ob, nb ? na : na - 1,
                         nb);
        for (size_t k = start; k < end; k++) {
            put_line(out, v[k].op, v[k].p, v[k].n);
            if (v[k].no_eol)
                ccsig_buf_puts(out, "\\ No newline at end of file\n");
        }
        i = end;
    }
    ccsig_free(v);
    ccsig_free(L.v);
}
