/*
 * test_declare_robots.c — the robots.txt side of ccsig declare.
 *
 * 1. Round trip: over every combination of declare_combos.h, the generated
 *    robots.txt lines, compiled by the robots matcher, give exactly the
 *    declared statement for the addressed crawler at URLs inside the declared
 *    paths, nothing outside them or for another crawler, and lint finds no
 *    error.
 * 2. --into on every file of ../shared/corpus/robots-real/, for several
 *    declarations: the merge succeeds (or is refused with a reason when the
 *    file already says something else), and an independent check here, not
 *    the library's own, finds every other rule's crawl answer unchanged for
 *    every agent the file names plus one it does not, at URLs made from every
 *    path in the file; the declaration applies where it should; lint reports
 *    no new error; the diff adds lines only.
 * 3. --into edge cases: CRLF, no final line end, an agent without a group,
 *    a conflict, shadowed rules carried, already declared, over 500 KiB.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <ctype.h>

#include <cmocka.h>

#include "ccsig/declare.h"
#include "ccsig/robots.h"
#include "declare_combos.h"

static char *gen(const ccsig_declaration *d, ccsig_declare_format f) {
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_error err;
    assert_int_equal(ccsig_declare_write(d, f, &b, &err), CCSIG_OK);
    char *s = strdup(ccsig_buf_cstr(&b));
    ccsig_buf_free(&b);
    return s;
}

static void same_statement(const ccsig_statement *got, const ccsig_statement *want,
                           const char *ctx) {
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        if (got->cat[c].state != want->cat[c].state || got->cat[c].signal != want->cat[c].signal ||
            got->cat[c].conditions != want->cat[c].conditions)
            fail_msg("%s: robots: category %s: got %s/%d/%u, want %s/%d/%u", ctx,
                     ccsig_category_name((ccsig_category)c),
                     ccsig_state_name((ccsig_state)got->cat[c].state), got->cat[c].signal,
                     got->cat[c].conditions, ccsig_state_name((ccsig_state)want->cat[c].state),
                     want->cat[c].signal, want->cat[c].conditions);
}

/* ---- 1. round trip ---- */

static void robots_one(const ccsig_declaration *d, const ccsig_statement *want, const char *ctx,
                       void *arg) {
    ccsig_robots_answer *ans = arg;
    char *txt = gen(d, CCSIG_DECLARE_ROBOTS);
    ccsig_robots *r = NULL;
    ccsig_error err;
    assert_int_equal(ccsig_robots_compile(txt, strlen(txt), "robots.txt", &r, &err), CCSIG_OK);
    const char *agent = d->agent ? d->agent : "SomeBot";
    const char *other = d->agent ? "OtherBot" : NULL;
    char url[2048];
    size_t n = d->npaths ? d->npaths : 1;
    for (size_t i = 0; i < n; i++) {
        const char *p = d->npaths ? d->paths[i] : "/";
        for (int k = 0; k < 2; k++) {
            snprintf(url, sizeof url, "https://example.org%s%s", p, k ? "sub/item.jpg" : "");
            assert_int_equal(ccsig_robots_check(r, agent, strlen(agent), url, strlen(url), ans),
                             CCSIG_OK);
            assert_true(ans->allowed);
            if (ans->nst != 1)
                fail_msg("%s: robots: %zu statements for %s", ctx, ans->nst, url);
            same_statement(&ans->st[0], want, ctx);
            if (other) {
                assert_int_equal(ccsig_robots_check(r, other, strlen(other), url, strlen(url), ans),
                                 CCSIG_OK);
                if (ans->nst != 0)
                    fail_msg("%s: robots: a statement for another crawler at %s", ctx, url);
            }
        }
    }
    if (d->npaths) {
        const char *outside[] = {"https://example.org/elsewhere/item.jpg", NULL};
        snprintf(url, sizeof url, "https://example.org%.*sX", (int)(strlen(d->paths[0]) - 1),
                 d->paths[0]);
        outside[1] = url;
        for (int k = 0; k < 2; k++) {
            assert_int_equal(
                ccsig_robots_check(r, agent, strlen(agent), outside[k], strlen(outside[k]), ans),
                CCSIG_OK);
            if (ans->nst != 0)
                fail_msg("%s: robots: a statement at %s, outside the declared paths", ctx,
                         outside[k]);
        }
    }
    ccsig_robots_lint_result lr;
    memset(&lr, 0, sizeof lr);
    assert_int_equal(ccsig_robots_lint(txt, strlen(txt), &lr, &err), CCSIG_OK);
    if (lr.errors)
        fail_msg("%s: lint: %s", ctx, lr.v[0].message);
    ccsig_robots_lint_free(&lr);
    ccsig_robots_free(r);
    free(txt);
}

static void roundtrip_robots(void **state) {
    ccsig_robots_answer *ans = ccsig_robots_answer_new();
    assert_non_null(ans);
    unsigned refused;
    assert_int_equal(declare_each_combo(robots_one, ans, &refused), DECLARE_COMBOS);
    assert_int_equal(refused, DECLARE_REFUSED);
    ccsig_robots_answer_free(ans);
    (void)state;
}

/* ---- 2. --into on the corpus, checked independently ---- */

typedef struct probe {
    char **agents;
    size_t nagents;
    char **urls;
    size_t nurls;
} probe;

static void add_str(char ***v, size_t *n, const char *p, size_t len) {
    for (size_t i = 0; i < *n; i++)
        if (strlen((*v)[i]) == len && !strncasecmp((*v)[i], p, len))
            return;
    *v = realloc(*v, (*n + 1) * sizeof **v);
    assert_non_null(*v);
    (*v)[*n] = strndup(p, len);
    (*n)++;
}

static void add_url_variants(probe *pr, const char *p, size_t len) {
    if (!len || p[0] != '/' || len > 1000 || pr->nurls > 600)
        return;
    char b[1100];
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (p[i] == '*')
            b[n++] = 'x';
        else if (!(p[i] == '$' && i + 1 == len))
            b[n++] = p[i];
    add_str(&pr->urls, &pr->nurls, b, n);
    b[n] = 'x';
    add_str(&pr->urls, &pr->nurls, b, n + 1);
    memcpy(b + n, "/a", 2);
    add_str(&pr->urls, &pr->nurls, b, n + 2);
}

/* Agents named on user-agent lines and every path on rule lines, read the
 * simple way (lines starting with the keys). */
static void probe_file(probe *pr, const char *p, size_t len, const ccsig_declaration *d) {
    add_str(&pr->agents, &pr->nagents, "UnnamedProbeBot", 15);
    if (d->agent)
        add_str(&pr->agents, &pr->nagents, d->agent, strlen(d->agent));
    static const char *const fixed[] = {
        "/", "/index.html", "/robots.txt", "/collection/", "/collection/a.jpg", "/collectionX"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        add_str(&pr->urls, &pr->nurls, fixed[i], strlen(fixed[i]));
    for (const char *l = p; l < p + len;) {
        const char *e = memchr(l, '\n', (size_t)(p + len - l));
        if (!e)
            e = p + len;
        const char *c = memchr(l, ':', (size_t)(e - l));
        if (c) {
            const char *v = c + 1;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            const char *ve = v;
            while (ve < e && *ve != ' ' && *ve != '\t' && *ve != '#' && *ve != '\r')
                ve++;
            const char *k = l;
            while (k < c && (*k == ' ' || *k == '\t'))
                k++;
            if (!strncasecmp(k, "user-agent", 10)) {
                size_t t = 0;
                while (v + t < ve && (isalnum((unsigned char)v[t]) || v[t] == '-' || v[t] == '_'))
                    t++;
                if (t && pr->nagents < 40)
                    add_str(&pr->agents, &pr->nagents, v, t);
            } else {
                add_url_variants(pr, v, (size_t)(ve - v));
            }
        }
        l = e + 1;
    }
}

static void probe_free(probe *pr) {
    for (size_t i = 0; i < pr->nagents; i++)
        free(pr->agents[i]);
    for (size_t i = 0; i < pr->nurls; i++)
        free(pr->urls[i]);
    free(pr->agents);
    free(pr->urls);
}

/* Length of the line at p (up to CR or LF), and the start of the next. */
static size_t next_line(const char *p, const char *e) {
    size_t n = 0;
    while (p + n < e && p[n] != '\n' && p[n] != '\r')
        n++;
    return n;
}

static const char *skip_eol(const char *p, const char *e) {
    if (p < e && *p == '\r') {
        p++;
        if (p < e && *p == '\n')
            p++;
    } else if (p < e && *p == '\n') {
        p++;
    }
    return p;
}

static bool under(const char *url, const ccsig_declaration *d) {
    if (!d->npaths)
        return true;
    for (size_t i = 0; i < d->npaths; i++)
        if (!strncmp(url, d->paths[i], strlen(d->paths[i])))
            return true;
    return false;
}

typedef struct corpus_stats {
    unsigned files, merged, unchanged, refused, conflicts, queries;
} corpus_stats;

static bool genuine_conflict(const char *p, size_t len, const ccsig_declaration *d) {
    ccsig_robots *r = NULL;
    ccsig_error err;
    assert_int_equal(ccsig_robots_compile(p, len, "robots.txt", &r, &err), CCSIG_OK);
    ccsig_robots_answer *a = ccsig_robots_answer_new();
    assert_non_null(a);
    ccsig_statement ours;
    ccsig_declare_statement(d, &ours);
    ccsig_verdict vo, v0;
    ccsig_combine(&ours, 1, &vo);
    const char *agent = d->agent ? d->agent : "UnnamedProbeBot";
    probe pr = {0};
    probe_file(&pr, p, len, d);
    bool found = false;
    for (size_t j = 0; j < pr.nurls && !found; j++) {
        const char *url = pr.urls[j];
        if (!under(url, d))
            continue;
        assert_int_equal(ccsig_robots_check(r, agent, strlen(agent), url, strlen(url), a),
                         CCSIG_OK);
        ccsig_combine(a->st, a->nst, &v0);
        for (int c = 0; c < CCSIG_CAT_COUNT; c++)
            if (vo.cat[c].state != CCSIG_STATE_UNKNOWN && v0.cat[c].state != CCSIG_STATE_UNKNOWN &&
                (v0.cat[c].state != vo.cat[c].state ||
                 v0.cat[c].conditions != vo.cat[c].conditions))
                found = true;
    }
    probe_free(&pr);
    ccsig_robots_answer_free(a);
    ccsig_robots_free(r);
    return found;
}

static void check_merge(const char *name, const char *p, size_t len, const ccsig_declaration *d,
                        corpus_stats *cs) {
    ccsig_declare_merge *m = malloc(sizeof *m);
    assert_non_null(m);
    ccsig_error err;
    ccsig_status s = ccsig_declare_robots_merge(d, p, len, m, &err);
    if (s == CCSIG_ERR_RANGE) {
        /* A refusal must say why, and be a real conflict: checked here, the
         * old file already states something else for a category the
         * declaration speaks about, for the declared crawler under its paths. */
        assert_true(m->reason[0] != '\0');
        cs->refused++;
        if (!genuine_conflict(p, len, d))
            fail_msg("%s: refused without a conflict: %s", name, m->reason);
        cs->conflicts++;
        ccsig_declare_merge_free(m);
        free(m);
        return;
    }
    if (s)
        fail_msg("%s: merge: %s", name, err.message);
    if (m->unchanged) {
        assert_int_equal(m->text.len, len);
        cs->unchanged++;
        ccsig_declare_merge_free(m);
        free(m);
        return;
    }
    cs->merged++;
    const char *q = m->text.data;
    size_t qn = m->text.len;
    assert_true(qn <= CCSIG_ROBOTS_MAX_SIZE);

    /* Only insertions: the old lines appear in order in the new file (lines
     * end at CR, LF or CRLF, as the matcher reads them). */
    {
        const char *a = p, *ae = p + len, *b = q, *be = q + qn;
        /* A BOM stays the first bytes of the file, before any added line. */
        if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
            assert_true(qn >= 3 && !memcmp(q, "\xEF\xBB\xBF", 3));
            a += 3;
            b += 3;
        }
        while (a < ae) {
            size_t an = next_line(a, ae);
            bool found = false;
            while (b < be && !found) {
                size_t bn = next_line(b, be);
                found = bn == an && !memcmp(a, b, an);
                b = skip_eol(b + bn, be);
            }
            if (!found)
                fail_msg("%s: an old line is missing or moved: %.*s", name, (int)an, a);
            a = skip_eol(a + an, ae);
        }
    }

    ccsig_robots *r0 = NULL, *r1 = NULL;
    assert_int_equal(ccsig_robots_compile(p, len, name, &r0, &err), CCSIG_OK);
    assert_int_equal(ccsig_robots_compile(q, qn, name, &r1, &err), CCSIG_OK);
    /* Our statements come from the group's Content-Usage lines. */
    unsigned first_ours = m->group_first, end_ours = m->group_first + m->group_rules;
    assert_true(m->group_rules >= (d->npaths ? d->npaths : 1));
    ccsig_statement ours;
    ccsig_declare_statement(d, &ours);
    ccsig_verdict vo;
    ccsig_combine(&ours, 1, &vo);
    probe pr = {0};
    probe_file(&pr, p, len, d);
    ccsig_robots_answer *a0 = ccsig_robots_answer_new(), *a1 = ccsig_robots_answer_new();
    assert_non_null(a0);
    assert_non_null(a1);
    const char *da = d->agent ? d->agent : "*";
    for (size_t i = 0; i < pr.nagents; i++)
        for (size_t j = 0; j < pr.nurls; j++) {
            const char *ag = pr.agents[i], *u = pr.urls[j];
            assert_int_equal(ccsig_robots_check(r0, ag, strlen(ag), u, strlen(u), a0), CCSIG_OK);
            assert_int_equal(ccsig_robots_check(r1, ag, strlen(ag), u, strlen(u), a1), CCSIG_OK);
            cs->queries++;
            /* Every crawl answer, and the rule text deciding it, unchanged;
             * the block's own empty Disallow (the line before its first
             * Content-Usage rule) may be named where no rule with a path
             * decided before. */
            bool empty0 = a0->rule.text.len == 0 || a0->rule.text.p[a0->rule.text.len - 1] == ':';
            bool ours_decides = a1->rule.line == first_ours - 1 && empty0 &&
                                a1->rule.text.len == 9 && !memcmp(a1->rule.text.p, "Disallow:", 9);
            if (a0->allowed != a1->allowed ||
                (!ours_decides && (a0->rule.text.len != a1->rule.text.len ||
                                   (a0->rule.text.len &&
                                    memcmp(a0->rule.text.p, a1->rule.text.p, a0->rule.text.len)))))
                fail_msg("%s: %s at %s: crawl %s by '%.*s', now %s by '%.*s'", name, ag, u,
                         a0->allowed ? "allowed" : "disallowed", (int)a0->rule.text.len,
                         a0->rule.text.p, a1->allowed ? "allowed" : "disallowed",
                         (int)a1->rule.text.len, a1->rule.text.p);
            bool applies = false;
            size_t others = 0;
            for (size_t k = 0; k < a1->nst; k++) {
                if (a1->st[k].src.line >= first_ours && a1->st[k].src.line < end_ours)
                    applies = true;
                else
                    others++;
            }
            bool mine = strcmp(da, "*") ? !strcasecmp(ag, da) : !a1->specific;
            bool should = mine && a1->allowed && under(u, d);
            if (applies && !should)
                fail_msg("%s: %s at %s: the declaration applies where it should not", name, ag, u);
            ccsig_verdict v0, v1;
            ccsig_combine(a0->st, a0->nst, &v0);
            ccsig_combine(a1->st, a1->nst, &v1);
            if (!applies) {
                /* Other rules apply exactly as before (same texts). */
                if (others != a0->nst)
                    fail_msg("%s: %s at %s: %zu statements, before %zu", name, ag, u, others,
                             a0->nst);
                for (size_t k = 0; k < a0->nst; k++)
                    if (a0->st[k].src.text.len != a1->st[k].src.text.len ||
                        memcmp(a0->st[k].src.text.p, a1->st[k].src.text.p, a0->st[k].src.text.len))
                        fail_msg("%s: %s at %s: another rule applies", name, ag, u);
                continue;
            }
            for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
                const ccsig_verdict_entry *want =
                    vo.cat[c].state == CCSIG_STATE_UNKNOWN ? &v0.cat[c] : &vo.cat[c];
                if (v1.cat[c].state != want->state || v1.cat[c].conditions != want->conditions)
                    fail_msg("%s: %s at %s: %s is %s, expected %s", name, ag, u,
                             ccsig_category_name((ccsig_category)c),
                             ccsig_state_name(v1.cat[c].state), ccsig_state_name(want->state));
            }
        }
    /* Lint: no error the old file did not have (by check id). */
    ccsig_robots_lint_result l0, l1;
    memset(&l0, 0, sizeof l0);
    memset(&l1, 0, sizeof l1);
    assert_int_equal(ccsig_robots_lint(p, len, &l0, &err), CCSIG_OK);
    assert_int_equal(ccsig_robots_lint(q, qn, &l1, &err), CCSIG_OK);
    if (l1.errors > l0.errors)
        fail_msg("%s: lint errors %zu, before %zu", name, l1.errors, l0.errors);
    for (size_t k = 0; k < l1.n; k++) {
        if (l1.v[k].severity != CCSIG_DIAG_ERROR)
            continue;
        bool had = false;
        for (size_t j = 0; j < l0.n && !had; j++)
            had = l0.v[j].severity == CCSIG_DIAG_ERROR && !strcmp(l0.v[j].code, l1.v[k].code);
        if (!had)
            fail_msg("%s: new lint error %s: %s", name, l1.v[k].code, l1.v[k].message);
    }
    ccsig_robots_lint_free(&l0);
    ccsig_robots_lint_free(&l1);
    /* The diff shows exactly the added lines. */
    ccsig_buf diff = CCSIG_BUF_INIT;
    ccsig_declare_merge_diff(m, p, len, "a", "b", &diff);
    unsigned plus = 0, minus = 0;
    for (const char *x = ccsig_buf_cstr(&diff); *x;) {
        if (*x == '+' && strncmp(x, "+++ ", 4))
            plus++;
        if (*x == '-' && strncmp(x, "--- ", 4))
            minus++;
        const char *nl = strchr(x, '\n');
        x = nl ? nl + 1 : x + strlen(x);
    }
    unsigned added = 0;
    for (size_t k = 0; k < m->nins; k++)
        added += m->ins[k].lines;
    assert_int_equal(plus, added + (m->newline_added ? 1u : 0u));
    assert_int_equal(minus, m->newline_added ? 1u : 0u);
    ccsig_buf_free(&diff);
    ccsig_robots_answer_free(a0);
    ccsig_robots_answer_free(a1);
    probe_free(&pr);
    ccsig_robots_free(r0);
    ccsig_robots_free(r1);
    ccsig_declare_merge_free(m);
    free(m);
}

/* Occurrences of the line `line` (without its end) in p[0..len). */
static unsigned count_lines(const char *p, size_t len, const char *line) {
    unsigned n = 0;
    size_t l = strlen(line);
    for (size_t i = 0; i + l <= len; i++)
        if ((i == 0 || p[i - 1] == '\n' || p[i - 1] == '\r') && !memcmp(p + i, line, l) &&
            (i + l == len || p[i + l] == '\n' || p[i + l] == '\r'))
            n++;
    return n;
}

typedef struct groups_stats {
    unsigned merged, groups, unchanged, refused, agents;
} groups_stats;

/* --all-groups on one file, checked here: every agent the file names that
 * may crawl the root (and one it does not name) gets the declared rule
 * there, each group got it once, and merging again (with or without
 * --all-groups) changes nothing and leaves no agent out. */
static void check_all_groups(const char *name, const char *p, size_t len,
                             const ccsig_declaration *d, groups_stats *gs) {
    ccsig_declare_merge *m = malloc(sizeof *m);
    assert_non_null(m);
    ccsig_error err;
    ccsig_status s =
        ccsig_declare_robots_merge_opts(d, p, len, CCSIG_DECLARE_MERGE_ALL_GROUPS, m, &err);
    if (s == CCSIG_ERR_RANGE) { /* the file says something else: with a reason */
        assert_true(m->reason[0] != '\0');
        gs->refused++;
        ccsig_declare_merge_free(m);
        free(m);
        return;
    }
    if (s)
        fail_msg("%s: merge: %s", name, err.message);
    assert_int_equal(m->uncovered, 0);
    if (m->unchanged) {
        gs->unchanged++;
        ccsig_declare_merge_free(m);
        free(m);
        return;
    }
    gs->merged++;
    gs->groups += m->groups_added;
    char *expr = gen(d, CCSIG_DECLARE_EXPRESSION);
    char rule[256];
    snprintf(rule, sizeof rule, "Content-Usage: %s", expr);
    const char *q = m->text.data;
    size_t qn = m->text.len;
    if (count_lines(q, qn, rule) - count_lines(p, len, rule) !=
        m->groups_added + (m->group_rules ? 1u : 0u))
        fail_msg("%s: %u groups given the rules, but the line was added %u times", name,
                 m->groups_added, count_lines(q, qn, rule) - count_lines(p, len, rule));
    ccsig_robots *r1 = NULL;
    assert_int_equal(ccsig_robots_compile(q, qn, "robots.txt", &r1, &err), CCSIG_OK);
    ccsig_robots_answer *a = ccsig_robots_answer_new();
    assert_non_null(a);
    /* Agents: each User-agent value's product token, and one not named. */
    for (size_t i = 0; i <= len;) {
        size_t e = i;
        while (e < len && p[e] != '\n' && p[e] != '\r')
            e++;
        const char *tok = "CcsigUnnamedBot";
        size_t tl = strlen(tok);
        if (i < len) {
            const char *l = p + i;
            while (l < p + e && (*l == ' ' || *l == '\t'))
                l++;
            if (!(p + e - l > 11 && !strncasecmp(l, "user-agent:", 11))) {
                i = e + 1;
                continue;
            }
            ccsig_str t = ccsig_robots_product_token(
                l + 11 + strspn(l + 11, " \t"), (size_t)(p + e - l) - 11 - strspn(l + 11, " \t"));
            if (!t.len || (t.len == 1 && t.p[0] == '*')) {
                i = e + 1;
                continue;
            }
            tok = t.p;
            tl = t.len;
        }
        assert_int_equal(ccsig_robots_check(r1, tok, tl, "/", 1, a), CCSIG_OK);
        if (a->allowed) {
            bool found = false;
            for (size_t k = 0; k < a->nst; k++)
                found |= a->st_directive[k] == CCSIG_ROBOTS_CONTENT_USAGE &&
                         a->st[k].src.text.len == strlen(rule) &&
                         !memcmp(a->st[k].src.text.p, rule, strlen(rule));
            if (!found)
                fail_msg("%s: %.*s may crawl / but the declared rule does not apply to it", name,
                         (int)tl, tok);
            gs->agents++;
        }
        if (i >= len)
            break;
        i = e + 1;
    }
    ccsig_robots_answer_free(a);
    ccsig_robots_free(r1);
    /* Merging again: nothing to add, no agent left out. */
    char *again = malloc(qn + 1);
    assert_non_null(again);
    memcpy(again, q, qn);
    ccsig_declare_merge_free(m);
    for (int flags = 0; flags < 2; flags++) {
        assert_int_equal(ccsig_declare_robots_merge_opts(d, again, qn, (unsigned)flags, m, &err),
                         CCSIG_OK);
        if (!m->unchanged || m->uncovered)
            fail_msg("%s: merging again%s is not a no-op", name, flags ? " (all groups)" : "");
        ccsig_declare_merge_free(m);
    }
    free(again);
    free(expr);
    free(m);
}

static void into_corpus(void **state) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpus/robots-real", CCSIG_SHARED_DIR);
    DIR *dh = opendir(dir);
    assert_non_null(dh);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0;
    while ((de = readdir(dh))) {
        size_t l = strlen(de->d_name);
        if (l > 4 && !strcmp(de->d_name + l - 4, ".txt")) {
            names = realloc(names, (n + 1) * sizeof *names);
            names[n++] = strdup(de->d_name);
        }
    }
    closedir(dh);
    /* Every file SOURCES.tsv lists (one row per file). */
    char src[1100];
    snprintf(src, sizeof src, "%s/SOURCES.tsv", dir);
    FILE *sf = fopen(src, "rb");
    assert_non_null(sf);
    size_t rows = 0;
    for (int ch; (ch = fgetc(sf)) != EOF;)
        rows += ch == '\n';
    fclose(sf);
    assert_true(n > 200);
    assert_int_equal(n, rows);
    /* Three declarations: the whole site for every crawler, a path with a
     * signal, and one crawler that may have no group of its own. */
    ccsig_declaration ds[3];
    for (int i = 0; i < 3; i++)
        ccsig_declaration_init(&ds[i]);
    ds[0].use = CCSIG_CAT_TRAIN_AI;
    ds[0].signal = CCSIG_SIGNAL_CR;
    ds[1].use = CCSIG_CAT_AI_USE;
    ds[1].signal = CCSIG_SIGNAL_CR_EC;
    ds[1].paths[0] = "/collection/";
    ds[1].npaths = 1;
    ds[2].use = CCSIG_CAT_TRAIN_GENAI;
    ds[2].signal = CCSIG_SIGNAL_NONE;
    ds[2].agent = "ExampleBot";
    ds[2].paths[0] = "/collection/";
    ds[2].npaths = 1;
    /* And a declaration of two categories with --all-groups. */
    ccsig_declaration dm;
    ccsig_declaration_init(&dm);
    dm.use = CCSIG_CAT_TRAIN_AI;
    dm.signal = CCSIG_SIGNAL_CR_EC;
    dm.more[0] = (ccsig_declare_use){CCSIG_CAT_SEARCH, CCSIG_STATE_ALLOW, CCSIG_SIGNAL_NONE};
    dm.nmore = 1;
    groups_stats gs = {0};
    corpus_stats cs = {0};
    for (size_t i = 0; i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        long sz = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *p = malloc((size_t)sz + 1);
        assert_true(fread(p, 1, (size_t)sz, f) == (size_t)sz);
        fclose(f);
        cs.files++;
        for (int k = 0; k < 3; k++)
            check_merge(names[i], p, (size_t)sz, &ds[k], &cs);
        check_all_groups(names[i], p, (size_t)sz, &dm, &gs);
        free(p);
        free(names[i]);
    }
    free(names);
    print_message("--into over %u corpus files x 3 declarations: %u merged and checked, %u "
                  "already there, %u refused (each a real conflict with the file's own rules); "
                  "%u independent queries\n",
                  cs.files, cs.merged, cs.unchanged, cs.refused, cs.queries);
    print_message("--into --all-groups (train-ai cr-ec, search allow) over %u files: %u merged, "
                  "%u named groups given the rules, %u agents checked, %u already there, %u "
                  "refused\n",
                  cs.files, gs.merged, gs.groups, gs.agents, gs.unchanged, gs.refused);
    assert_int_equal(gs.merged + gs.unchanged + gs.refused, cs.files);
    assert_true(gs.groups > cs.files / 4); /* many real files have named groups */
    assert_int_equal(cs.merged + cs.unchanged + cs.refused, 3 * cs.files);
    assert_int_equal(cs.refused, cs.conflicts);
    /* Most real files say nothing about these categories yet. */
    assert_true(cs.merged > 2 * cs.files);
    (void)state;
}

/* ---- 3. edge cases ---- */

static ccsig_status merge_str(const ccsig_declaration *d, const char *in, ccsig_declare_merge *m) {
    ccsig_error err;
    return ccsig_declare_robots_merge(d, in, strlen(in), m, &err);
}

static void into_edges(void **state) {
    ccsig_declare_merge *m = malloc(sizeof *m);
    assert_non_null(m);
    ccsig_declaration d;
    ccsig_declaration_init(&d);
    d.use = CCSIG_CAT_TRAIN_AI;
    d.signal = CCSIG_SIGNAL_CR;

    /* The group goes before the first group, with the file's line ends. */
    assert_int_equal(
        merge_str(&d, "# hello\r\nSitemap: /s.xml\r\nUser-agent: *\r\nDisallow: /p/", m), CCSIG_OK);
    assert_false(m->newline_added);
    assert_string_equal(
        ccsig_buf_cstr(&m->text),
        "# hello\r\nSitemap: /s.xml\r\n"
        "# AI usage preferences (IETF aipref Content-Usage), CC signal Credit "
        "(cc-cr)\r\nUser-Agent: *\r\nDisallow:\r\nContent-Usage: train-ai=n;exceptions=cc-cr\r\n"
        "\r\nUser-agent: *\r\nDisallow: /p/");
    assert_int_equal(m->group_first, 6);
    assert_int_equal(m->group_rules, 1);
    ccsig_declare_merge_free(m);

    /* No group: at the end; a missing final line end is added. */
    assert_int_equal(merge_str(&d, "Sitemap: /s.xml", m), CCSIG_OK);
    assert_true(m->newline_added);
    assert_string_equal(
        ccsig_buf_cstr(&m->text),
        "Sitemap: /s.xml\n\n"
        "# AI usage preferences (IETF aipref Content-Usage), CC signal Credit "
        "(cc-cr)\nUser-Agent: *\nDisallow:\nContent-Usage: train-ai=n;exceptions=cc-cr\n");
    ccsig_declare_merge_free(m);

    /* Old Mac line ends (CR) are line ends too; a BOM stays first. */
    assert_int_equal(merge_str(&d, "\xEF\xBB\xBFUser-agent: *\rDisallow: /p/\r", m), CCSIG_OK);
    assert_string_equal(
        ccsig_buf_cstr(&m->text),
        "\xEF\xBB\xBF# AI usage preferences (IETF aipref Content-Usage), CC signal "
        "Credit (cc-cr)\rUser-Agent: *\rDisallow:\rContent-Usage: train-ai=n;exceptions=cc-cr\r"
        "\rUser-agent: *\rDisallow: /p/\r");
    ccsig_declare_merge_free(m);

    /* A last group without rules is not joined (the group goes first). */
    d.agent = "ExampleBot";
    assert_int_equal(merge_str(&d, "User-agent: *\n", m), CCSIG_OK);
    ccsig_declare_merge_free(m);
    d.agent = NULL;

    /* The block's empty Disallow ends its run of user-agent lines: the
     * file's first group (msnbot, joined with GPTBot as Google reads it) does
     * not join the block, so `*` is still allowed everywhere. */
    {
        const char *f = "User-agent: msnbot\nCrawl-delay: 5\nUser-agent: GPTBot\nDisallow: /\n";
        assert_int_equal(merge_str(&d, f, m), CCSIG_OK);
        ccsig_robots *r = NULL;
        ccsig_error e;
        assert_int_equal(ccsig_robots_compile(m->text.data, m->text.len, NULL, &r, &e), CCSIG_OK);
        assert_true(ccsig_robots_allowed(r, ccsig_robots_select(r, "OtherBot", 8), "/x", 2, NULL));
        assert_false(ccsig_robots_allowed(r, ccsig_robots_select(r, "msnbot", 6), "/x", 2, NULL));
        ccsig_robots_free(r);
        ccsig_declare_merge_free(m);
    }

    /* Already declared: nothing to do. */
    assert_int_equal(
        merge_str(&d, "User-agent: *\nContent-Usage: train-ai=n;exceptions=cc-cr\n", m), CCSIG_OK);
    assert_true(m->unchanged);
    ccsig_declare_merge_free(m);

    /* A conflicting rule: refused, with its line. */
    assert_int_equal(merge_str(&d, "User-agent: *\nAllow: /\nContent-Usage: train-ai=y\n", m),
                     CCSIG_ERR_RANGE);
    assert_int_equal(m->reason_line, 3);
    assert_non_null(strstr(m->reason, "train-ai"));
    ccsig_declare_merge_free(m);

    /* A plain deny already there is a conflict too (the signal would not lift it). */
    assert_int_equal(merge_str(&d, "User-agent: *\nContent-Usage: train-ai=n\n", m),
                     CCSIG_ERR_RANGE);
    ccsig_declare_merge_free(m);

    /* A shorter rule the declared path would hide is repeated on it. */
    d.paths[0] = "/collection/";
    d.npaths = 1;
    assert_int_equal(merge_str(&d, "User-agent: *\nContent-Usage: search=y\n", m), CCSIG_OK);
    assert_int_equal(m->carried, 1);
    assert_non_null(strstr(ccsig_buf_cstr(&m->text), "Content-Usage: /collection/ search=y\n"));
    ccsig_declare_merge_free(m);

    /* An agent without a group joins the `*` groups, keeping their access rules. */
    d.agent = "ExampleBot";
    assert_int_equal(merge_str(&d, "User-agent: *\nDisallow: /private/\n", m), CCSIG_OK);
    assert_non_null(strstr(ccsig_buf_cstr(&m->text), "\nUser-agent: ExampleBot\nUser-agent: *\n"));
    ccsig_declare_merge_free(m);
    /* ... and one with its own group is left alone. */
    assert_int_equal(merge_str(&d, "User-agent: examplebot\nDisallow: /x/\n", m), CCSIG_OK);
    assert_int_equal(m->nins, 1);
    ccsig_declare_merge_free(m);

    /* A disallowed declared path: merged, with a note. */
    d.agent = NULL;
    d.paths[0] = "/private/";
    assert_int_equal(merge_str(&d, "User-agent: *\nDisallow: /private/\n", m), CCSIG_OK);
    assert_true(m->nnotes >= 1);
    assert_non_null(strstr(m->notes[0], "disallowed"));
    ccsig_declare_merge_free(m);

    /* --all-groups: once per group as Google reads groups (Crawl-delay does
     * not end msnbot's run: Foo shares its group), right after the run of
     * user-agent lines that starts it; a disallowed agent is left alone;
     * a last line without a line end gets one. */
    d.npaths = 0;
    {
        const char *f = "User-agent: *\nDisallow: /p/\n\nUser-agent: msnbot\nCrawl-delay: 5\n"
                        "User-agent: Foo\nDisallow: /x\n\nUser-agent: GPTBot\nDisallow: /\n\n"
                        "User-agent: Bar";
        ccsig_error e;
        assert_int_equal(ccsig_declare_robots_merge_opts(&d, f, strlen(f), 0, m, &e), CCSIG_OK);
        assert_int_equal(m->uncovered, 3);
        assert_int_equal(m->groups_added, 0);
        assert_non_null(strstr(m->notes[m->nnotes - 1], "msnbot (line 4), Foo (line 6), Bar"));
        ccsig_declare_merge_free(m);
        assert_int_equal(ccsig_declare_robots_merge_opts(&d, f, strlen(f),
                                                         CCSIG_DECLARE_MERGE_ALL_GROUPS, m, &e),
                         CCSIG_OK);
        assert_int_equal(m->groups_added, 2);
        assert_int_equal(m->uncovered, 0);
        assert_true(m->newline_added);
        assert_string_equal(
            ccsig_buf_cstr(&m->text),
            "# AI usage preferences (IETF aipref Content-Usage), CC signal Credit (cc-cr)\n"
            "User-Agent: *\nDisallow:\nContent-Usage: train-ai=n;exceptions=cc-cr\n\n"
            "User-agent: *\nDisallow: /p/\n\nUser-agent: msnbot\n"
            "Content-Usage: train-ai=n;exceptions=cc-cr\nCrawl-delay: 5\n"
            "User-agent: Foo\nDisallow: /x\n\nUser-agent: GPTBot\nDisallow: /\n\n"
            "User-agent: Bar\nContent-Usage: train-ai=n;exceptions=cc-cr\n");
        ccsig_declare_merge_free(m);
        /* one crawler's declaration has no groups to add to */
        d.agent = "ExampleBot";
        assert_int_equal(ccsig_declare_robots_merge_opts(&d, f, strlen(f),
                                                         CCSIG_DECLARE_MERGE_ALL_GROUPS, m, &e),
                         CCSIG_ERR_USAGE);
        ccsig_declare_merge_free(m);
        d.agent = NULL;
    }
    d.paths[0] = "/private/";
    d.npaths = 1;

    /* Over 500 KiB: refused (crawlers would not read the added lines). */
    size_t big = CCSIG_ROBOTS_MAX_SIZE + 10;
    char *b = malloc(big + 1);
    assert_non_null(b);
    memset(b, '#', big);
    b[big] = '\0';
    ccsig_error err;
    assert_int_equal(ccsig_declare_robots_merge(&d, b, big, m, &err), CCSIG_ERR_RANGE);
    ccsig_declare_merge_free(m);
    free(b);
    free(m);
    (void)state;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip_robots),
        cmocka_unit_test(into_edges),
        cmocka_unit_test(into_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
