/*
 * robots_lint.c — diagnostics for a robots.txt that carries preferences.
 *
 * Lint reads the file the way the matcher does (the same lexer, the same
 * compiled groups) and reports what a steward would want to fix: lines the
 * parsers read differently or not at all, Content-Usage expressions that do
 * not parse or say less than intended, rules with no effect, Content-Signal
 * and License oddities (../shared/specs/peer-signals.md §1, §3). Each
 * diagnostic has a stable id (ccsig_robots_lint_checks lists them all, for
 * SARIF rule tables), a message and, where one exists, a hint.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ccsig/alloc.h"
#include "ccsig/robots.h"
#include "ccsig/sf.h"
#include "robots_internal.h"

static const ccsig_robots_check_info checks[] = {
    {"size-limit", CCSIG_DIAG_ERROR,
     "content past 500 KiB is ignored (RFC 9309 §2.5 parsing limit)"},
    {"line-too-long", CCSIG_DIAG_WARNING, "bytes past 16663 on one line are ignored"},
    {"bom", CCSIG_DIAG_NOTE, "the file starts with a UTF-8 byte order mark"},
    {"not-a-rule", CCSIG_DIAG_WARNING, "a line that is not 'key: value' is ignored"},
    {"missing-colon", CCSIG_DIAG_WARNING, "key and value separated by whitespace, not ':'"},
    {"key-typo", CCSIG_DIAG_WARNING, "a misspelt key that Google's parser accepts"},
    {"key-prefix", CCSIG_DIAG_WARNING, "a key read as a directive because it starts with it"},
    {"unknown-directive", CCSIG_DIAG_WARNING, "a key no parser understands; ignored"},
    {"nonstandard-directive", CCSIG_DIAG_NOTE, "a directive outside RFC 9309 (Crawl-delay, ...)"},
    {"rule-outside-group", CCSIG_DIAG_WARNING,
     "an Allow, Disallow or Content-Usage rule before any User-agent line: ignored"},
    {"empty-agent", CCSIG_DIAG_WARNING, "a User-agent line without a product token"},
    {"agent-token", CCSIG_DIAG_NOTE, "a User-agent value with more than a product token"},
    {"empty-group", CCSIG_DIAG_NOTE, "a group with no rules: everything is allowed"},
    {"group-joined", CCSIG_DIAG_WARNING,
     "User-agent lines separated only by Crawl-delay, Sitemap or other non-rule lines: one "
     "group, the agents share its rules (Google's reading)"},
    {"pattern-start", CCSIG_DIAG_WARNING, "a path pattern that does not start with '/' or '*'"},
    {"allow-disallow-tie", CCSIG_DIAG_WARNING,
     "Allow and Disallow with the same path in one group: Allow wins"},
    {"content-usage-syntax", CCSIG_DIAG_ERROR,
     "a Content-Usage expression that is not an RFC 9651 dictionary"},
    {"uppercase-label", CCSIG_DIAG_ERROR,
     "an uppercase label: the expression does not parse, every category is unknown"},
    {"content-usage-empty", CCSIG_DIAG_WARNING, "a Content-Usage rule with no expression"},
    {"unknown-label", CCSIG_DIAG_WARNING, "a label the vocabulary does not define"},
    {"legacy-label", CCSIG_DIAG_WARNING, "a label from an older vocabulary draft"},
    {"value-not-y-or-n", CCSIG_DIAG_WARNING, "a value that is not the token y or n"},
    {"duplicate-key", CCSIG_DIAG_WARNING, "a label given twice: only the last one counts"},
    {"same-category", CCSIG_DIAG_NOTE, "two labels for one category, combined"},
    {"exception-on-allow", CCSIG_DIAG_WARNING, "exceptions on y mean nothing"},
    {"exception-not-token", CCSIG_DIAG_WARNING, "an exceptions value that is not one token"},
    {"unknown-exception", CCSIG_DIAG_WARNING, "an exceptions token that is not a CC signal"},
    {"exception-on-unknown", CCSIG_DIAG_WARNING, "exceptions on a value that is not y or n"},
    {"content-usage-disallowed", CCSIG_DIAG_WARNING,
     "a Content-Usage rule for a path the group disallows: it has no effect"},
    {"content-usage-conflict", CCSIG_DIAG_WARNING,
     "Content-Usage rules with the same path and different expressions"},
    {"content-signal-plural", CCSIG_DIAG_WARNING, "'Content-Signals' instead of 'Content-Signal'"},
    {"content-signal-value", CCSIG_DIAG_WARNING, "a Content-Signal value that is not yes or no"},
    {"content-signal-key", CCSIG_DIAG_WARNING,
     "a Content-Signal key other than search, "
     "ai-input, ai-train, use"},
    {"content-signal-syntax", CCSIG_DIAG_WARNING, "a Content-Signal item that is not key=value"},
    {"content-signal-path", CCSIG_DIAG_NOTE, "a path on a Content-Signal line (not standard)"},
    {"content-signal-outside-group", CCSIG_DIAG_WARNING,
     "a Content-Signal line before any User-agent line"},
    {"license-url", CCSIG_DIAG_ERROR, "a License line whose value is not an absolute URL"},
    {"license-in-group", CCSIG_DIAG_NOTE, "a License line inside a group (it is global)"},
};

#define NCHECKS (sizeof checks / sizeof checks[0])

const ccsig_robots_check_info *ccsig_robots_lint_checks(size_t *n) {
    *n = NCHECKS;
    return checks;
}

typedef struct lint_ctx {
    ccsig_robots_lint_result *res;
    bool nomem;
    const char *p;
    const robots_lexline *l; /* line of the callbacks */
    size_t base;             /* offset of the value the callbacks report into */
} lint_ctx;

static const ccsig_robots_check_info *check_info(const char *id) {
    for (size_t i = 0; i < NCHECKS; i++)
        if (!strcmp(checks[i].id, id))
            return &checks[i];
    return NULL;
}

static void diag(lint_ctx *c, unsigned line, unsigned col, const char *id, const char *hint,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void diag(lint_ctx *c, unsigned line, unsigned col, const char *id, const char *hint,
                 const char *fmt, ...) {
    ccsig_robots_lint_result *r = c->res;
    if (!r->text) {
        r->text = ccsig_malloc(sizeof *r->text);
        if (!r->text) {
            c->nomem = true;
            return;
        }
        ccsig_arena_init(r->text, 0);
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        ccsig_diag *nv = ccsig_realloc(r->v, cap * sizeof *nv);
        if (!nv) {
            c->nomem = true;
            return;
        }
        r->v = nv;
        r->cap = cap;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int mn = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t ml = mn < 0 ? 0 : (size_t)mn < sizeof msg ? (size_t)mn : sizeof msg - 1;
    size_t hl = hint ? strlen(hint) : 0;
    char *m = ccsig_arena_alloc(r->text, ml + 1 + hl + 1);
    if (!m) {
        c->nomem = true;
        return;
    }
    memcpy(m, msg, ml);
    m[ml] = '\0';
    char *h = m + ml + 1;
    if (hl)
        memcpy(h, hint, hl);
    h[hl] = '\0';
    const ccsig_robots_check_info *ci = check_info(id);
    ccsig_diag *d = &r->v[r->n++];
    d->line = line;
    d->column = col ? col : 1;
    d->offset = 0; /* set once every diagnostic is in (set_offsets) */
    d->code = ci ? ci->id : "lint";
    d->severity = ci ? ci->severity : CCSIG_DIAG_WARNING;
    d->status = d->severity != CCSIG_DIAG_ERROR  ? CCSIG_OK
                : !strcmp(d->code, "size-limit") ? CCSIG_ERR_LIMIT
                                                 : CCSIG_ERR_SYNTAX;
    d->message = m;
    d->hint = h;
    if (d->severity == CCSIG_DIAG_ERROR)
        r->errors++;
    else if (d->severity == CCSIG_DIAG_WARNING)
        r->warnings++;
    else
        r->notes++;
}

static unsigned col_of(const robots_lexline *l, size_t off) {
    return (unsigned)(off - l->start + 1);
}

/* A short, printable quote of a slice for messages. */
static int qlen(size_t n) {
    return n > 60 ? 60 : (int)n;
}

static bool is_nonstandard(const char *k, size_t n) {
    static const char *const names[] = {
        "crawl-delay", "host",     "clean-param", "request-rate", "visit-time",
        "noindex",     "nofollow", "noarchive",   "ai-policy",    "tdm-reservation"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t l = strlen(names[i]);
        if (l == n) {
            size_t j = 0;
            while (j < n && (k[j] | 0x20) == names[i][j])
                j++;
            if (j == n)
                return true;
        }
    }
    return false;
}

static bool has_non_ascii(const char *k, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)k[i] >= 0x80)
            return true;
    return false;
}

static const char *canonical_key(robots_key k) {
    switch (k) {
    case RK_USER_AGENT:
        return "User-agent";
    case RK_ALLOW:
        return "Allow";
    case RK_DISALLOW:
        return "Disallow";
    case RK_SITEMAP:
        return "Sitemap";
    case RK_CONTENT_USAGE:
        return "Content-Usage";
    case RK_CONTENT_SIGNAL:
        return "Content-Signal";
    case RK_LICENSE:
        return "License";
    default:
        return "";
    }
}

/* ---- Content-Usage expressions ---- */

static void lint_expression(lint_ctx *c, ccsig_arena *a, const robots_lexline *l, ccsig_str expr) {
    const char *p = c->p;
    ccsig_statement st;
    ccsig_statement_init(&st, CCSIG_SRC_ROBOTS);
    ccsig_warnings w = {0}; /* its array goes in a, after the reset below */
    ccsig_error err;
    ccsig_error_clear(&err);
    size_t base = (size_t)(expr.p - p);
    ccsig_arena_reset(a);
    if (expr.len == 0) {
        diag(c, l->line, col_of(l, base), "content-usage-empty",
             "write an expression such as "
             "'train-ai=n'",
             "Content-Usage rule has no expression, so it states no preference");
        return;
    }
    ccsig_status rc = ccsig_pref_parse(a, expr.p, expr.len, &st, &w, &err);
    if (rc == CCSIG_ERR_NOMEM) {
        c->nomem = true;
        return;
    }
    char msg[512], hint[240];
    for (size_t i = 0; i < w.n; i++) {
        const ccsig_warning *x = &w.v[i];
        unsigned col = col_of(l, base + x->offset);
        hint[0] = '\0';
        switch (x->code) {
        case CCSIG_W_PARSE_ERROR: {
            unsigned ecol = col_of(l, base + err.offset);
            if (expr.p[0] == '*' || expr.p[0] == '$')
                snprintf(hint, sizeof hint,
                         "a path must start with '/': without one the whole value is read as "
                         "the expression");
            else
                snprintf(hint, sizeof hint,
                         "write a dictionary of label=y or label=n, e.g. 'train-ai=n, search=y'");
            diag(c, l->line, ecol, "content-usage-syntax", hint,
                 "invalid Content-Usage expression: %s at column %u, so every category is "
                 "unknown for this rule",
                 err.message, ecol);
            continue;
        }
        case CCSIG_W_UPPERCASE_LABEL: {
            char low[64];
            int m = qlen(x->key.len) < 63 ? qlen(x->key.len) : 63;
            for (int k = 0; k < m; k++)
                low[k] = (char)(x->key.p[k] >= 'A' && x->key.p[k] <= 'Z' ? x->key.p[k] + 32
                                                                         : x->key.p[k]);
            low[m] = '\0';
            snprintf(hint, sizeof hint, "labels are lowercase: write '%s'", low);
        } break;
        case CCSIG_W_LEGACY_LABEL: {
            const ccsig_label_info *li = ccsig_vocab_lookup(x->key.p, x->key.len);
            if (li && li->current_equivalent)
                snprintf(hint, sizeof hint, "write '%s' instead of '%.*s'", li->current_equivalent,
                         qlen(x->key.len), x->key.p);
            else
                snprintf(hint, sizeof hint,
                         "readers of the current vocabulary ignore it; also state 'train-ai' or "
                         "'search' if they are what you mean");
            break;
        }
        case CCSIG_W_UNKNOWN_LABEL:
            snprintf(hint, sizeof hint, "the current labels are train-ai and search");
            break;
        case CCSIG_W_VALUE_NOT_YN:
            snprintf(hint, sizeof hint, "write %.*s=y or %.*s=n", qlen(x->key.len), x->key.p,
                     qlen(x->key.len), x->key.p);
            break;
        case CCSIG_W_EXCEPTION_ON_ALLOW:
            snprintf(hint, sizeof hint,
                     "remove the exceptions parameter, or use n to deny unless its conditions "
                     "are met");
            break;
        case CCSIG_W_UNKNOWN_EXCEPTION:
        case CCSIG_W_EXCEPTION_NOT_TOKEN:
            snprintf(hint, sizeof hint,
                     "use one CC signal token: cc-cr, cc-cr-dc, cc-cr-ec or cc-cr-op");
            break;
        case CCSIG_W_DUPLICATE_KEY:
            snprintf(hint, sizeof hint, "state each label once");
            break;
        default:
            break;
        }
        ccsig_warning_message(x, msg, sizeof msg);
        diag(c, l->line, col, ccsig_warning_id(x->code), hint, "%s", msg);
    }
}

/* ---- Content-Signal values ---- */

static void signal_bad(void *ctx, ccsig_content_signal_issue kind, size_t off, size_t len) {
    lint_ctx *c = ctx;
    const char *s = c->p + c->base + off;
    unsigned col = col_of(c->l, c->base + off);
    switch (kind) {
    case CCSIG_SIGNAL_ISSUE_SYNTAX:
        diag(c, c->l->line, col, "content-signal-syntax", "write key=value, e.g. 'ai-train=no'",
             "Content-Signal item '%.*s' is not key=value; ignored", qlen(len), s);
        break;
    case CCSIG_SIGNAL_ISSUE_KEY:
        diag(c, c->l->line, col, "content-signal-key",
             "the keys are search, ai-input and ai-train (and use)",
             "unknown Content-Signal key '%.*s'; ignored", qlen(len), s);
        break;
    case CCSIG_SIGNAL_ISSUE_LEGACY_VALUE: {
        bool allow = (s[0] | 0x20) == 'a';
        diag(c, c->l->line, col, "content-signal-value",
             allow ? "write 'yes' instead of 'allow'" : "write 'no' instead of 'disallow'",
             "Content-Signal value '%.*s' is not yes or no; ccsig reads it as '%s', other "
             "readers may ignore it",
             qlen(len), s, allow ? "yes" : "no");
        break;
    }
    case CCSIG_SIGNAL_ISSUE_VALUE:
        diag(c, c->l->line, col, "content-signal-value", "write yes or no",
             "Content-Signal value '%.*s' is not yes or no; ignored", qlen(len), s);
        break;
    case CCSIG_SIGNAL_ISSUE_USE_VALUE:
        diag(c, c->l->line, col, "content-signal-value", "write immediate, reference or full",
             "Content-Signal use value '%.*s' is not immediate, reference or full; ignored",
             qlen(len), s);
        break;
    case CCSIG_SIGNAL_ISSUE_CASE:
        diag(c, c->l->line, col, "content-signal-value", "write keys and values in lowercase",
             "Content-Signal item '%.*s' has uppercase letters (Cloudflare writes lowercase)",
             qlen(len), s);
        break;
    }
}

/* ---- whole-file checks on the compiled groups ---- */

/* Compatible prefixes: one literal prefix starts the other. */
static bool compatible(const robots_rule *a, const char *path, size_t n) {
    size_t m = a->lit_len < n ? a->lit_len : n;
    return memcmp(a->pat, path, m) == 0;
}

static bool disallowed_for(const ccsig_robots *r, const uint32_t *gl, size_t ngl, const char *path,
                           size_t n, const robots_rule **why) {
    const robots_rule *d = NULL;
    if (robots_decide(r, gl, ngl, path, n, &d) || !d)
        return false;
    /* An Allow with a longer pattern below this path could reopen part of it. */
    for (size_t k = 0; k < ngl; k++) {
        const robots_group *g = &r->groups[gl[k]];
        for (uint32_t i = 0; i < g->acc_n; i++) {
            const robots_rule *a = &r->access[g->acc_first + i];
            if (a->allow && a->pat_len > d->pat_len && compatible(a, path, n))
                return false;
        }
    }
    *why = d;
    return true;
}

static int agent_cmp(const void *x, const void *y) {
    const robots_agent_entry *a = *(const robots_agent_entry *const *)x,
                             *b = *(const robots_agent_entry *const *)y;
    return robots_tokcmp(a->tok, a->len, b->tok, b->len);
}

static void lint_groups(lint_ctx *c, const ccsig_robots *r) {
    /* The agents in token order (the matcher keeps them in file order): the
     * rule a diagnostic names must not depend on the table's layout. */
    const robots_agent_entry **agents = ccsig_malloc((r->nagents + 1) * sizeof *agents);
    if (!agents) {
        c->nomem = true;
        return;
    }
    for (size_t i = 0; i < r->nagents; i++)
        agents[i] = &r->agents[i];
    qsort(agents, r->nagents, sizeof *agents, agent_cmp);
    for (size_t gi = 0; gi < r->ngroups; gi++) {
        const robots_group *g = &r->groups[gi];
        if (g->acc_n == 0 && g->cu_n == 0 && g->cs_n == 0)
            diag(c, g->line, 1, "empty-group",
                 "add 'Disallow: /' if these agents should not crawl anything",
                 "group of line %u has no rules: its agents may crawl everything", g->line);
        /* Allow and Disallow with one pattern. */
        for (uint32_t i = 0; i < g->acc_n; i++) {
            const robots_rule *a = &r->access[g->acc_first + i];
            for (uint32_t j = 0; j < i; j++) {
                const robots_rule *b = &r->access[g->acc_first + j];
                if (a->allow != b->allow && a->pat_len == b->pat_len && a->line != b->line &&
                    memcmp(a->pat, b->pat, a->pat_len) == 0) {
                    diag(c, a->line, 1, "allow-disallow-tie", "remove one of the two rules",
                         "%s and line %u (%s) have the same path "
                         "'%.*s': the Allow wins (RFC 9309 §2.2.2)",
                         a->allow ? "Allow" : "Disallow", b->line, b->allow ? "Allow" : "Disallow",
                         qlen(a->pat_len), a->pat);
                    break;
                }
            }
        }
        /* Content-Usage rules. */
        for (uint32_t i = 0; i < g->cu_n; i++) {
            const robots_rule *u = &r->usage[g->cu_first + i];
            for (uint32_t j = 0; j < i; j++) {
                const robots_rule *v = &r->usage[g->cu_first + j];
                if (u->pat_len != v->pat_len || memcmp(u->pat, v->pat, u->pat_len) != 0)
                    continue;
                const ccsig_statement *su = &r->stmts[u->stmt], *sv = &r->stmts[v->stmt];
                int cat = -1;
                for (int k = 0; k < CCSIG_CAT_COUNT && cat < 0 && su->valid && sv->valid; k++) {
                    const ccsig_pref *a = &su->cat[k], *b = &sv->cat[k];
                    if (a->state && b->state &&
                        (a->state != b->state || a->conditions != b->conditions))
                        cat = k;
                }
                if (cat < 0)
                    continue;
                char what[120];
                if (u->pat_len)
                    snprintf(what, sizeof what, "the same path '%.*s' as line %u", qlen(u->pat_len),
                             u->pat, v->line);
                else
                    snprintf(what, sizeof what, "no path, like line %u,", v->line);
                diag(c, u->line, 1, "content-usage-conflict",
                     "state one preference per category and path",
                     "Content-Usage rule has %s and a different preference for %s: both apply "
                     "and combine, the most restrictive wins",
                     what, ccsig_category_name((ccsig_category)cat));
                break;
            }
            /* Under a disallowed path for every agent of the group? */
            char path[512];
            size_t n = u->lit_len < sizeof path - 1 ? u->lit_len : sizeof path - 1;
            memcpy(path, u->pat, n);
            if (n == 0)
                path[n++] = '/';
            const robots_rule *why = NULL;
            bool all = true;
            int tried = 0;
            uint32_t one = (uint32_t)gi;
            for (size_t ai = 0; ai < r->nagents && all; ai++) {
                const robots_agent_entry *e = agents[ai];
                bool has = false;
                for (uint32_t k = 0; k < e->n; k++)
                    has |= r->glist[e->first + k] == one;
                if (!has)
                    continue;
                tried++;
                all = disallowed_for(r, r->glist + e->first, e->n, path, n, &why);
            }
            if (all && g->global) {
                tried++;
                all = disallowed_for(r, r->glist + r->global_first, r->global_n, path, n, &why);
            }
            if (all && tried && why)
                diag(c, u->line, 1, "content-usage-disallowed",
                     "remove the rule, or allow crawling the path if the preference should apply",
                     "Content-Usage rule has no effect: the group disallows crawling '%.*s' "
                     "(line %u: %.*s), and no preference applies to a path that may not be "
                     "crawled",
                     (int)n, path, why->line, qlen(why->text.len), why->text.p);
        }
    }
    ccsig_free(agents);
}

/* ---- groups joined across non-rule lines (check "group-joined") ----
 *
 * Google ends a run of user-agent lines only at an Allow or Disallow line, so
 * "User-agent: msnbot / Crawl-delay: 5 / User-agent: GPTBot / Disallow: /" is
 * one group and msnbot may not crawl anything. The state follows the lines of
 * the current group: its agents, in segments split at the non-rule lines that
 * a steward meant as group ends. */

#define JOIN_NAMES 4 /* agents named in a message */
#define JOIN_FIXES 5 /* fix lines named in a message */

typedef struct join_state {
    bool open;           /* in a run of user-agent lines (no rule yet) */
    bool pending;        /* a non-rule line since the last User-agent line */
    unsigned segs;       /* segments of the run */
    unsigned last_other; /* line of the last non-rule line */
    unsigned first_sep;  /* line of the first separating line */
    ccsig_str keys[3];   /* the distinct keys of the separating lines */
    unsigned nkeys;
    unsigned nearly; /* agents before the last segment */
    struct {
        ccsig_str tok;
        unsigned line;
    } early[JOIN_NAMES], last; /* first agents; first agent of the last segment */
    unsigned fixes[JOIN_FIXES], nfixes;
    unsigned last_seg_agents;
} join_state;

/* A User-agent line (product token tok) in the lint loop. */
static void join_agent(join_state *j, const robots_lexline *l, ccsig_str tok) {
    if (!j->open) {
        memset(j, 0, sizeof *j);
        j->open = true;
        j->segs = 1;
    } else if (j->pending) {
        /* A new segment: the agents so far join the earlier ones. */
        if (j->segs == 1)
            j->first_sep = j->last_other;
        if (j->nfixes < JOIN_FIXES)
            j->fixes[j->nfixes] = j->last_other;
        j->nfixes++;
        j->segs++;
        j->nearly += j->last_seg_agents;
        j->last_seg_agents = 0;
    }
    j->pending = false;
    if (j->last_seg_agents == 0) {
        j->last.tok = tok;
        j->last.line = l->line;
    }
    unsigned idx = j->nearly + j->last_seg_agents;
    if (idx < JOIN_NAMES) {
        j->early[idx].tok = tok;
        j->early[idx].line = l->line;
    }
    j->last_seg_agents++;
}

/* A line that is neither a User-agent line nor a rule (Crawl-delay,
 * Sitemap, Content-Usage, Content-Signal, unknown keys), with its key. */
static void join_other(join_state *j, const robots_lexline *l, ccsig_str key) {
    if (!j->open)
        return;
    /* the kinds of line the steward took for group ends */
    bool seen = false;
    for (unsigned i = 0; i < j->nkeys; i++)
        seen |= j->keys[i].len == key.len && ccsig_str_ieq_n(j->keys[i], key.p, key.len);
    if (!seen && j->nkeys < 3)
        j->keys[j->nkeys++] = key;
    j->pending = true;
    j->last_other = l->line;
}

/* The run of user-agent lines ends at rule line l (rule_text): warn when it
 * had several segments, naming the agents of the earlier ones, the rule they
 * now share and where a rule would end their groups. */
static void join_close(lint_ctx *c, join_state *j, const robots_lexline *l, ccsig_str rule_text) {
    if (!j->open)
        return;
    j->open = false;
    if (j->segs < 2)
        return;
    char names[400], fix[160];
    size_t n = 0;
    unsigned shown = j->nearly < JOIN_NAMES ? j->nearly : JOIN_NAMES;
    for (unsigned i = 0; i < shown && n < sizeof names; i++) {
        int w = snprintf(names + n, sizeof names - n, "%s%.*s (line %u)",
                         i == 0 ? "" : (i + 1 == shown && shown == j->nearly ? " and " : ", "),
                         qlen(j->early[i].tok.len), j->early[i].tok.p, j->early[i].line);
        n += w > 0 ? (size_t)w : 0;
    }
    if (j->nearly > shown && n < sizeof names)
        snprintf(names + n, sizeof names - n, " and %u more agent%s", j->nearly - shown,
                 j->nearly - shown == 1 ? "" : "s");
    size_t f = 0;
    unsigned nf = j->nfixes < JOIN_FIXES ? j->nfixes : JOIN_FIXES;
    for (unsigned i = 0; i < nf && f < sizeof fix; i++) {
        int w =
            snprintf(fix + f, sizeof fix - f, "%s%u",
                     i == 0 ? "" : (i + 1 == nf && nf == j->nfixes ? " and " : ", "), j->fixes[i]);
        f += w > 0 ? (size_t)w : 0;
    }
    if (j->nfixes > nf && f < sizeof fix)
        snprintf(fix + f, sizeof fix - f, " and %u more", j->nfixes - nf);
    char kinds[200];
    size_t kn = 0;
    kinds[0] = '\0';
    for (unsigned i = 0; i < j->nkeys && kn < sizeof kinds; i++) {
        int w = snprintf(kinds + kn, sizeof kinds - kn, "%s%.*s",
                         i == 0 ? "" : (i + 1 == j->nkeys ? " and " : ", "), qlen(j->keys[i].len),
                         j->keys[i].p);
        kn += w > 0 ? (size_t)w : 0;
    }
    char hint[400];
    snprintf(hint, sizeof hint,
             "end each group with a rule: add an empty 'Disallow:' line (it disallows nothing) "
             "after line%s %s, so that the next User-agent line starts a group of its own",
             j->nfixes > 1 ? "s" : "", fix);
    diag(c, j->first_sep, 1, "group-joined", hint,
         "%s share%s %.*s's '%.*s' (line %u) because %s do%s not end a group: a run of "
         "User-agent lines ends only at an Allow or Disallow line, as Google's parser reads it",
         names, j->nearly == 1 ? "s" : "", qlen(j->last.tok.len), j->last.tok.p,
         qlen(rule_text.len), rule_text.p, l->line, kinds, j->nkeys == 1 ? "es" : "");
}

typedef struct sort_item {
    unsigned line, column;
    size_t seq;
} sort_item;

static int sort_cmp(const void *x, const void *y) {
    const sort_item *a = x, *b = y;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->column != b->column)
        return a->column < b->column ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The byte offset of every diagnostic (sorted by line): the start of its
 * line as the lexer reads it, plus the column. p is the padded copy. */
static void set_offsets(const char *p, size_t len, ccsig_robots_lint_result *out) {
    robots_lexer lx;
    robots_lexer_init(&lx, p, len);
    robots_lexline l;
    size_t i = 0;
    while (i < out->n && robots_lexer_next(&lx, &l)) {
        for (; i < out->n && out->v[i].line <= l.line; i++) {
            size_t off = l.start + out->v[i].column - 1;
            out->v[i].offset = out->v[i].line == l.line && off <= len ? off : l.start;
        }
    }
}

/* A copy of input[0..len) followed by ROBOTS_PAD zero bytes, as the lexer
 * reads it, in *copy (ccsig_malloc: the caller frees it with ccsig_free).
 * CCSIG_ERR_USAGE for a NULL input with a length, CCSIG_ERR_NOMEM. */
static ccsig_status padded_copy(const char *input, size_t len, char **copy, ccsig_error *err) {
    *copy = NULL;
    if (!input && len)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "no input");
    if (len > SIZE_MAX - ROBOTS_PAD || !(*copy = ccsig_malloc(len + ROBOTS_PAD)))
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    if (len)
        memcpy(*copy, input, len);
    memset(*copy + len, 0, ROBOTS_PAD);
    return CCSIG_OK;
}

ccsig_status ccsig_robots_lint(const char *input, size_t len, ccsig_robots_lint_result *out,
                               ccsig_error *err) {
    memset(out, 0, sizeof *out);
    /* The lexer reads a padded input (ROBOTS_PAD): lint a padded copy. */
    char *copy;
    ccsig_status crc = padded_copy(input, len, &copy, err);
    if (crc)
        return crc;
    const char *p = copy;
    lint_ctx c = {out, false, p, NULL, 0};
    size_t used = robots_used_length(p, len);
    ccsig_robots *r = NULL;
    ccsig_status rc = ccsig_robots_compile(p, len, NULL, &r, err);
    if (rc) {
        ccsig_free(copy);
        return rc;
    }
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    robots_lexer lx;
    robots_lexer_init(&lx, p, len);
    if (lx.bom)
        diag(&c, 1, 1, "bom", "save the file as UTF-8 without a byte order mark",
             "the file starts with a UTF-8 byte order mark; Google skips it, but some parsers "
             "read the first line's key with it and miss the directive");
    robots_lexline l;
    bool seen_group = false;
    join_state js;
    memset(&js, 0, sizeof js);
    while (robots_lexer_next(&lx, &l) && !c.nomem) {
        c.l = &l;
        if (l.start >= used && used < len) {
            unsigned rest = 1;
            robots_lexline m;
            while (robots_lexer_next(&lx, &m))
                rest++;
            diag(&c, l.line, 1, "size-limit",
                 "move the preferences to the top, or shorten the file below 512000 bytes",
                 "the file is %zu bytes: everything from here on (%u line%s) is past the "
                 "500 KiB that crawlers must read and is ignored",
                 len, rest, rest == 1 ? "" : "s");
            break;
        }
        if (l.full_end > l.end)
            diag(&c, l.line, CCSIG_ROBOTS_MAX_LINE + 1, "line-too-long",
                 "split or shorten the line", "line is %zu bytes; bytes past %u are ignored",
                 l.full_end - l.start, CCSIG_ROBOTS_MAX_LINE);
        if (l.text_len == 0)
            continue;
        const char *k = p + l.key, *v = p + l.val;
        if (!l.kv) {
            diag(&c, l.line, col_of(&l, l.text), "not-a-rule", "write 'Key: value'",
                 "line is not a 'key: value' rule and is ignored");
            continue;
        }
        if (l.no_colon)
            diag(&c, l.line, col_of(&l, l.key + l.key_len), "missing-colon",
                 "put a ':' after the key",
                 "no ':' after '%.*s'; Google reads the line anyway, other parsers ignore it",
                 qlen(l.key_len), k);
        if (l.flags & RKF_TYPO)
            diag(&c, l.line, col_of(&l, l.key), "key-typo", NULL,
                 "'%.*s' is a misspelling of '%s'; Google reads it as such, other parsers ignore "
                 "the line",
                 qlen(l.key_len), k, canonical_key(l.kind));
        else if (l.flags & RKF_PREFIX)
            diag(&c, l.line, col_of(&l, l.key), "key-prefix", NULL,
                 "key '%.*s' is read as '%s' because it starts with it; other parsers ignore the "
                 "line",
                 qlen(l.key_len), k, canonical_key(l.kind));
        if (l.kind == RK_ALLOW || l.kind == RK_DISALLOW)
            join_close(&c, &js, &l, ccsig_str_make(p + l.text, l.text_len));
        else if (l.kind != RK_USER_AGENT)
            join_other(&js, &l, ccsig_str_make(k, l.key_len));
        if (l.kind == RK_USER_AGENT) {
            seen_group = true;
            ccsig_str tok = ccsig_robots_product_token(v, l.val_len);
            join_agent(&js, &l, tok);
            if (tok.len == 0)
                diag(&c, l.line, col_of(&l, l.val), "empty-agent",
                     "name a product token such as 'ExampleBot', or '*' for every crawler",
                     "User-agent line names no product token, so it matches no crawler");
            else if (tok.len < l.val_len && !(tok.len == 1 && tok.p[0] == '*'))
                diag(&c, l.line, col_of(&l, l.val + tok.len), "agent-token",
                     "write the product token only",
                     "User-agent '%.*s' is matched as its product token '%.*s'", qlen(l.val_len), v,
                     qlen(tok.len), tok.p);
            continue;
        }
        switch (l.kind) {
        case RK_ALLOW:
        case RK_DISALLOW:
            if (!seen_group)
                diag(&c, l.line, col_of(&l, l.key), "rule-outside-group",
                     "put a 'User-agent: *' line before it",
                     "%s rule before any User-agent line is ignored", canonical_key(l.kind));
            else if (l.val_len && v[0] != '/' && v[0] != '*')
                diag(&c, l.line, col_of(&l, l.val), "pattern-start", "start the path with '/'",
                     "path '%.*s' does not start with '/' or '*', so it matches no URL",
                     qlen(l.val_len), v);
            break;
        case RK_CONTENT_USAGE: {
            if (!seen_group) {
                diag(&c, l.line, col_of(&l, l.key), "rule-outside-group",
                     "put a 'User-agent: *' line before it",
                     "Content-Usage rule before any User-agent line is ignored (it is a group "
                     "rule)");
                break;
            }
            ccsig_str path, expr;
            robots_split_value(v, l.val_len, &path, &expr);
            lint_expression(&c, &a, &l, expr);
            break;
        }
        case RK_CONTENT_SIGNAL: {
            if (l.flags & RKF_PLURAL)
                diag(&c, l.line, col_of(&l, l.key), "content-signal-plural",
                     "write 'Content-Signal:'",
                     "'%.*s' is not the directive's name; ccsig reads it as Content-Signal, "
                     "other readers ignore it",
                     qlen(l.key_len), k);
            if (!seen_group)
                diag(&c, l.line, col_of(&l, l.key), "content-signal-outside-group",
                     "put it under 'User-agent: *'",
                     "Content-Signal line before any User-agent line belongs to no group; "
                     "ccsig applies it to every crawler, others may ignore it");
            ccsig_str path, expr;
            robots_split_value(v, l.val_len, &path, &expr);
            if (path.len)
                diag(&c, l.line, col_of(&l, l.val), "content-signal-path", NULL,
                     "Content-Signal with a path is not in Cloudflare's format; ccsig applies "
                     "it to '%.*s' by the longest-match rule, other readers may not",
                     qlen(path.len), path.p);
            ccsig_statement st;
            ccsig_statement_init(&st, CCSIG_SRC_ROBOTS);
            c.base = (size_t)(expr.p - p);
            ccsig_content_signal_parse(expr.p, expr.len, &st, NULL, signal_bad, &c);
            break;
        }
        case RK_LICENSE: {
            size_t i = 0;
            while (i < l.val_len && ((v[i] | 0x20) >= 'a' && (v[i] | 0x20) <= 'z'))
                i++;
            bool abs =
                i > 0 && i + 2 < l.val_len && v[i] == ':' && v[i + 1] == '/' && v[i + 2] == '/';
            if (!abs)
                diag(&c, l.line, col_of(&l, l.val), "license-url",
                     "write the absolute URL of the RSL licence, e.g. "
                     "https://example.org/license.xml",
                     "License value '%.*s' is not an absolute URL", qlen(l.val_len), v);
            if (seen_group)
                diag(&c, l.line, col_of(&l, l.key), "license-in-group", NULL,
                     "License lines are global (RSL 1.0): this one applies to every crawler, "
                     "not only to the group above it");
            break;
        }
        case RK_SITEMAP:
            break;
        default:
            if (CCSIG_STR_IEQ(ccsig_str_make(k, l.key_len), "crawl-delay"))
                diag(&c, l.line, col_of(&l, l.key), "nonstandard-directive", NULL,
                     "'%.*s' is not part of RFC 9309; Google ignores it, ccsig's fetcher "
                     "(ccsig check URL) waits that many seconds between requests",
                     qlen(l.key_len), k);
            else if (is_nonstandard(k, l.key_len))
                diag(&c, l.line, col_of(&l, l.key), "nonstandard-directive", NULL,
                     "'%.*s' is not part of RFC 9309; Google and ccsig ignore it", qlen(l.key_len),
                     k);
            else if (has_non_ascii(k, l.key_len))
                diag(&c, l.line, col_of(&l, l.key), "unknown-directive",
                     "delete the invisible or non-ASCII characters before or inside the key",
                     "unknown directive '%.*s' is ignored: the key has non-ASCII bytes (an "
                     "invisible character?)",
                     qlen(l.key_len), k);
            else
                diag(&c, l.line, col_of(&l, l.key), "unknown-directive",
                     "check the spelling: known keys are User-agent, Allow, Disallow, Sitemap, "
                     "Content-Usage, Content-Signal, License",
                     "unknown directive '%.*s' is ignored", qlen(l.key_len), k);
            break;
        }
    }
    if (!c.nomem)
        lint_groups(&c, r);
    ccsig_robots_free(r);
    ccsig_arena_free(&a);
    if (c.nomem) {
        ccsig_free(copy);
        ccsig_robots_lint_free(out);
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    /* Stable sort by position (insertion order breaks ties). */
    if (out->n > 1) {
        sort_item *idx = ccsig_malloc(out->n * sizeof *idx);
        ccsig_diag *sorted = ccsig_malloc(out->n * sizeof *sorted);
        if (!idx || !sorted) {
            ccsig_free(idx);
            ccsig_free(sorted);
            ccsig_free(copy);
            ccsig_robots_lint_free(out);
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        }
        for (size_t i = 0; i < out->n; i++) {
            idx[i].line = out->v[i].line;
            idx[i].column = out->v[i].column;
            idx[i].seq = i;
        }
        qsort(idx, out->n, sizeof *idx, sort_cmp);
        for (size_t i = 0; i < out->n; i++)
            sorted[i] = out->v[idx[i].seq];
        ccsig_free(idx);
        ccsig_free(out->v);
        out->v = sorted;
        out->cap = out->n;
    }
    set_offsets(copy, len, out);
    ccsig_free(copy);
    return CCSIG_OK;
}

void ccsig_robots_lint_free(ccsig_robots_lint_result *res) {
    ccsig_free(res->v);
    if (res->text) {
        ccsig_arena_free(res->text);
        ccsig_free(res->text);
    }
    memset(res, 0, sizeof *res);
}

/* Rewrite every Content-Usage expression of p[0..len) with ccsig_pref_fix
 * (see ccsig/robots.h). The lexer reads a padded copy (ROBOTS_PAD); the
 * output is spliced from the original bytes. Memory: the copy and an arena
 * for the parses, freed before returning; out grows. */
ccsig_status ccsig_robots_fix(const char *input, size_t len, ccsig_buf *out, unsigned *nfixed,
                              ccsig_robots_fix_fn change, void *ctx, ccsig_error *err) {
    *nfixed = 0;
    char *copy;
    ccsig_status crc = padded_copy(input, len, &copy, err);
    if (crc)
        return crc;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    robots_lexer lx;
    robots_lexer_init(&lx, copy, len);
    robots_lexline l;
    size_t done = 0; /* bytes of input copied to out */
    ccsig_status rc = CCSIG_OK;
    while (!rc && robots_lexer_next(&lx, &l)) {
        if (!l.kv || l.kind != RK_CONTENT_USAGE || l.end < l.full_end)
            continue;
        ccsig_str path, expr;
        robots_split_value(copy + l.val, l.val_len, &path, &expr);
        if (!expr.len)
            continue;
        size_t at = (size_t)(expr.p - copy);
        ccsig_robots_fix_change ch = {
            l.line, col_of(&l, at), ccsig_str_make(input + at, expr.len), {NULL, 0}, 0, CCSIG_OK,
            NULL};
        ccsig_arena_reset(&a);
        ccsig_buf_put(out, input + done, at - done);
        size_t mark = out->len;
        ccsig_error e;
        ccsig_error_clear(&e);
        ccsig_status st = ccsig_pref_fix(&a, input + at, expr.len, out, &ch.labels, &e);
        done = at;
        if (st == CCSIG_ERR_NOMEM) {
            rc = ccsig_error_set(err, st, at, "out of memory");
        } else if (st == CCSIG_ERR_UNSUPPORTED) {
            ch.status = st;
            ch.column = col_of(&l, at + e.offset);
            ch.message = e.message;
            if (change)
                change(ctx, &ch);
        } else if (st == CCSIG_OK && ch.labels) {
            done = at + expr.len;
            ++*nfixed;
            ch.after = ccsig_str_make(out->data + mark, out->len - mark);
            if (change)
                change(ctx, &ch);
        } else if (st == CCSIG_OK) {
            done = at + expr.len;
        }
    }
    if (!rc)
        ccsig_buf_put(out, input + done, len - done);
    if (!rc && ccsig_buf_failed(out))
        rc = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    ccsig_arena_free(&a);
    ccsig_free(copy);
    return rc;
}
