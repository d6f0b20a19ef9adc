/*
 * pref.c — content usage expressions, combining and decisions.
 *
 * Processing follows draft-ietf-aipref-vocab (latest) §6.6: parse an RFC 9651
 * Dictionary (failure, uppercase keys included, makes every category
 * unknown); for each known label take the value ignoring parameters; only the
 * Tokens y and n count. The CC signals extension then reads the `exceptions`
 * parameter of a deny: exactly one Token naming a CC signal.
 *
 * Restrictiveness order used everywhere: plain deny > deny with conditions >
 * allow > unknown. Two denies with conditions merge by the union of their
 * conditions (the reuser must meet all of them).
 */
#include <stdio.h>

#include "ccsig/pref.h"
#include "ccsig/sf.h"

const char *ccsig_state_name(ccsig_state s) {
    switch (s) {
    case CCSIG_STATE_ALLOW:
        return "allow";
    case CCSIG_STATE_DENY:
        return "deny";
    default:
        return "unknown";
    }
}

const char *ccsig_source_kind_name(ccsig_source_kind k) {
    static const char *const names[CCSIG_SRC_COUNT] = {
        "expression", "robots", "header", "html",    "tdmrep",
        "rsl",        "xmp",    "c2pa",   "dataset", "policy",
    };
    return (unsigned)k < CCSIG_SRC_COUNT ? names[k] : "unknown";
}

const char *ccsig_result_name(ccsig_result r) {
    switch (r) {
    case CCSIG_RESULT_PERMITTED:
        return "permitted";
    case CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS:
        return "permitted-with-obligations";
    case CCSIG_RESULT_NOT_PERMITTED:
        return "not-permitted";
    default:
        return "unknown";
    }
}

void ccsig_statement_init(ccsig_statement *st, ccsig_source_kind kind) {
    memset(st, 0, sizeof *st);
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        st->cat[c].via = (uint8_t)c;
    st->src.kind = kind;
    st->valid = true;
}

/* Rank for the restrictive order: higher is more restrictive. */
static int rank(ccsig_state s, unsigned conditions) {
    if (s == CCSIG_STATE_DENY)
        return conditions ? 2 : 3;
    return s == CCSIG_STATE_ALLOW ? 1 : 0;
}

/* The label table entry behind a vocab index (1 + index), NULL for 0 or
 * out of range. Static data: no allocation. */
static const ccsig_label_info *vocab_info(unsigned vocab) {
    size_t n;
    const ccsig_label_info *t = ccsig_vocab_labels(&n);
    return vocab && vocab <= n ? &t[vocab - 1] : NULL;
}

/* True when p was stated by a legacy aipref label. */
static bool pref_legacy(const ccsig_pref *p) {
    const ccsig_label_info *li = vocab_info(p->vocab);
    return li && !li->current;
}

const ccsig_label_info *ccsig_pref_vocab(const ccsig_pref *p) {
    return p ? vocab_info(p->vocab) : NULL;
}

/* Merge (s, sig, conditions, label, vocab) into category c of st: a current
 * aipref label outranks a legacy one (-08 first); otherwise the most
 * restrictive wins and two denies with conditions take their union. */
static void set_pref(ccsig_statement *st, ccsig_category c, ccsig_state s, ccsig_signal sig,
                     unsigned conditions, ccsig_str label, unsigned vocab) {
    if ((unsigned)c >= CCSIG_CAT_COUNT || s == CCSIG_STATE_UNKNOWN)
        return;
    if (s != CCSIG_STATE_DENY) {
        sig = CCSIG_SIGNAL_NONE;
        conditions = 0;
    }
    ccsig_pref *p = &st->cat[c];
    const ccsig_label_info *nli = vocab_info(vocab);
    bool new_legacy = nli && !nli->current;
    bool have_known = p->state != CCSIG_STATE_UNKNOWN;
    if (have_known && new_legacy && p->vocab && !pref_legacy(p))
        return; /* a current label already answers c */
    bool replace = have_known && !new_legacy && nli && pref_legacy(p);
    int have = replace ? 0 : rank((ccsig_state)p->state, p->conditions), want = rank(s, conditions);
    if (have == 2 && want == 2) {
        p->conditions = (uint8_t)(p->conditions | conditions);
        return;
    }
    if (want <= have)
        return;
    p->state = (uint8_t)s;
    p->signal = (uint8_t)sig;
    p->conditions = (uint8_t)conditions;
    p->via = (uint8_t)c;
    p->vocab = (uint8_t)vocab;
    p->label = label;
}

void ccsig_statement_set(ccsig_statement *st, ccsig_category c, ccsig_state s, ccsig_signal sig,
                         unsigned conditions, ccsig_str label) {
    set_pref(st, c, s, sig, conditions, label, 0);
}

void ccsig_statement_set_label(ccsig_statement *st, const ccsig_label_info *li, ccsig_state s,
                               ccsig_signal sig) {
    if (!li)
        return;
    size_t n;
    unsigned vocab = (unsigned)(li - ccsig_vocab_labels(&n)) + 1;
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        if (li->answers & (1u << c))
            set_pref(st, (ccsig_category)c, s, sig, ccsig_signal_conditions(sig),
                     ccsig_str_c(li->label), vocab);
}

void ccsig_statement_set_pref(ccsig_statement *st, ccsig_category c, const ccsig_pref *p) {
    set_pref(st, c, (ccsig_state)p->state, (ccsig_signal)p->signal, p->conditions, p->label,
             p->vocab);
}

/* Does pref k of a statement answer category c by containment under this
 * reading? Another mechanism's term: the hierarchy (its mapping), both
 * readings. A legacy label: its own draft's hierarchy, default reading
 * only. A current label: never (-08 has no hierarchy). */
static bool inherits(const ccsig_pref *k, ccsig_category kc, ccsig_category c,
                     ccsig_reading reading) {
    if (k->state == CCSIG_STATE_UNKNOWN)
        return false;
    const ccsig_label_info *li = vocab_info(k->vocab);
    if (!li)
        return ccsig_category_contains(kc, c);
    return !li->current && reading == CCSIG_READING_DEFAULT && (li->covers & (1u << c));
}

/* Whether st's own pref for c counts under the reading. */
static bool answers(const ccsig_pref *p, ccsig_reading reading) {
    if (p->state == CCSIG_STATE_UNKNOWN)
        return false;
    return reading == CCSIG_READING_DEFAULT || !pref_legacy(p);
}

void ccsig_statement_read(const ccsig_statement *st, ccsig_reading reading,
                          ccsig_pref out[CCSIG_CAT_COUNT]) {
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        ccsig_category cat = (ccsig_category)c;
        memset(&out[c], 0, sizeof out[c]);
        out[c].via = (uint8_t)c;
        if (answers(&st->cat[c], reading)) {
            out[c] = st->cat[c];
            out[c].via = (uint8_t)c;
            continue;
        }
        /* the nearest container first (the hierarchy's order), then any
         * legacy label whose draft put c under it (ai-output ⊃ search) */
        ccsig_category k = ccsig_category_parent(cat);
        while (k != CCSIG_CAT_NONE && !inherits(&st->cat[k], k, cat, reading))
            k = ccsig_category_parent(k);
        for (int j = 0; k == CCSIG_CAT_NONE && j < CCSIG_CAT_COUNT; j++)
            if (j != c && inherits(&st->cat[j], (ccsig_category)j, cat, reading))
                k = (ccsig_category)j;
        if (k != CCSIG_CAT_NONE) {
            out[c] = st->cat[k];
            out[c].via = (uint8_t)k;
        }
    }
}

void ccsig_statement_resolve(const ccsig_statement *st, ccsig_pref out[CCSIG_CAT_COUNT]) {
    ccsig_statement_read(st, CCSIG_READING_DEFAULT, out);
}

/* ---- warnings ---- */

static const char *const warning_ids[] = {
    "parse-error",         "uppercase-label",   "unknown-label",        "legacy-label",
    "value-not-y-or-n",    "duplicate-key",     "same-category",        "exception-on-allow",
    "exception-not-token", "unknown-exception", "exception-on-unknown",
};

const char *ccsig_warning_id(ccsig_warning_code c) {
    return (unsigned)c < sizeof warning_ids / sizeof warning_ids[0] ? warning_ids[c] : "warning";
}

void ccsig_warnings_init(ccsig_warnings *w, ccsig_arena *a) {
    memset(w, 0, sizeof *w);
    w->arena = a;
}

static void add_warning(ccsig_warnings *w, ccsig_warning_code code, size_t off, ccsig_str key,
                        ccsig_str value) {
    if (!w)
        return;
    if (w->n >= w->cap) {
        ccsig_warning *v = !w->cap && w->arena
                               ? ccsig_arena_alloc(w->arena, CCSIG_MAX_WARNINGS * sizeof *v)
                               : NULL;
        if (!v) {
            w->dropped++;
            return;
        }
        w->v = v;
        w->cap = CCSIG_MAX_WARNINGS;
    }
    ccsig_warning *x = &w->v[w->n++];
    x->code = code;
    x->offset = off;
    x->key = key;
    x->value = value;
    /* Type descriptions come from type_desc() and start with "a " or "an ". */
    x->value_is_type = value.len > 2 && (value.p[0] == 'a') &&
                       (value.p[1] == ' ' || (value.p[1] == 'n' && value.p[2] == ' '));
}

void ccsig_warning_message(const ccsig_warning *w, char *buf, size_t n) {
    int kl = (int)w->key.len, vl = (int)w->value.len;
    const char *k = w->key.p ? w->key.p : "", *v = w->value.p ? w->value.p : "";
    switch (w->code) {
    case CCSIG_W_PARSE_ERROR:
        snprintf(buf, n,
                 "the expression is not a valid RFC 9651 dictionary, so every category is "
                 "unknown");
        break;
    case CCSIG_W_UPPERCASE_LABEL: {
        char lower[64];
        int m = kl < 63 ? kl : 63;
        for (int i = 0; i < m; i++)
            lower[i] = (char)(k[i] >= 'A' && k[i] <= 'Z' ? k[i] + 32 : k[i]);
        lower[m] = '\0';
        snprintf(buf, n,
                 "label '%.*s' has uppercase letters: labels are case-sensitive, so the "
                 "expression does not parse and every category is unknown (write '%s')",
                 kl, k, lower);
        break;
    }
    case CCSIG_W_UNKNOWN_LABEL:
        snprintf(buf, n, "unknown label '%.*s' ignored", kl, k);
        break;
    case CCSIG_W_LEGACY_LABEL: {
        const ccsig_label_info *li = ccsig_vocab_lookup(k, w->key.len);
        snprintf(buf, n,
                 "legacy label '%.*s' (%s: %s): a current (%s) reader ignores it and sees no "
                 "preference from it; write %s%s%s",
                 kl, k, li ? li->defined_in : "an older draft", li ? li->meaning : "",
                 CCSIG_VOCAB_CURRENT_DRAFT,
                 li && li->current_equivalent ? "'" : "the current labels",
                 li && li->current_equivalent ? li->current_equivalent : "",
                 li && li->current_equivalent ? "' instead" : "");
        break;
    }
    case CCSIG_W_VALUE_NOT_YN:
        if (w->value_is_type)
            snprintf(buf, n,
                     "value of '%.*s' is %.*s, not the token y or n, so its preference is "
                     "unknown",
                     kl, k, vl, v);
        else
            snprintf(buf, n,
                     "value of '%.*s' is the token '%.*s', not y or n, so its preference is "
                     "unknown",
                     kl, k, vl, v);
        break;
    case CCSIG_W_DUPLICATE_KEY:
        snprintf(buf, n,
                 "label '%.*s' appears more than once; only the last one counts, with its own "
                 "parameters",
                 kl, k);
        break;
    case CCSIG_W_SAME_CATEGORY:
        snprintf(buf, n,
                 "labels '%.*s' and '%.*s' state the same category; they are combined and the "
                 "most restrictive wins",
                 vl, v, kl, k);
        break;
    case CCSIG_W_EXCEPTION_ON_ALLOW:
        snprintf(buf, n, "exceptions on '%.*s=y' mean nothing: an exception only lifts a deny", kl,
                 k);
        break;
    case CCSIG_W_EXCEPTION_NOT_TOKEN:
        snprintf(buf, n,
                 "exceptions on '%.*s' is %.*s, not a single token, so no exception applies", kl, k,
                 vl, v);
        break;
    case CCSIG_W_UNKNOWN_EXCEPTION:
        snprintf(buf, n,
                 "unknown exception token '%.*s' on '%.*s', so no exception applies (CC "
                 "signals are cc-cr, cc-cr-dc, cc-cr-ec, cc-cr-op)",
                 vl, v, kl, k);
        break;
    case CCSIG_W_EXCEPTION_ON_UNKNOWN:
        snprintf(buf, n, "exceptions on '%.*s' whose value is not y or n are ignored", kl, k);
        break;
    }
}

/* ---- processing ---- */

static ccsig_str type_desc(const ccsig_sf_member *m) {
    if (m->inner)
        return CCSIG_STR_LIT("an inner list");
    switch (m->bare.type) {
    case CCSIG_SF_INTEGER:
        return CCSIG_STR_LIT("an integer");
    case CCSIG_SF_DECIMAL:
        return CCSIG_STR_LIT("a decimal");
    case CCSIG_SF_STRING:
        return CCSIG_STR_LIT("a string");
    case CCSIG_SF_TOKEN:
        return CCSIG_STR_LIT("a token");
    case CCSIG_SF_BINARY:
        return CCSIG_STR_LIT("a byte sequence");
    case CCSIG_SF_BOOLEAN:
        return CCSIG_STR_LIT("a boolean");
    case CCSIG_SF_DATE:
        return CCSIG_STR_LIT("a date");
    case CCSIG_SF_DISPLAY_STRING:
        return CCSIG_STR_LIT("a display string");
    }
    return CCSIG_STR_LIT("a value");
}

static ccsig_str bare_desc(const ccsig_sf_bare *b) {
    ccsig_sf_member m;
    memset(&m, 0, sizeof m);
    m.bare = *b;
    return type_desc(&m);
}

static void on_dup(void *ctx, ccsig_str key, size_t offset) {
    add_warning(ctx, CCSIG_W_DUPLICATE_KEY, offset, key, (ccsig_str){NULL, 0});
}

static bool is_keyish(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '*';
}

ccsig_status ccsig_pref_parse(ccsig_arena *a, const char *p, size_t len, ccsig_statement *st,
                              ccsig_warnings *w, ccsig_error *err) {
    ccsig_provenance src = st->src;
    ccsig_statement_init(st, src.kind);
    st->src = src;
    if (w && !w->cap && !w->arena)
        w->arena = a;
    /* a warning that could not be stored fails the parse (below) */
    bool wfailed = w && w->arena && w->arena->failed;
    ccsig_sf_dict d;
    size_t wmark = w ? w->n : 0;
    ccsig_status rc = ccsig_sf_parse_dict_dups(a, p, len, &d, err, on_dup, w);
    if (rc) {
        st->valid = false;
        if (w) {
            w->n = wmark; /* duplicate warnings of a failed parse mean nothing */
            size_t off = err ? err->offset : 0;
            if (off < len && p[off] >= 'A' && p[off] <= 'Z') {
                size_t s = off, e = off;
                while (s > 0 && is_keyish(p[s - 1]))
                    s--;
                while (e < len && is_keyish(p[e]))
                    e++;
                add_warning(w, CCSIG_W_UPPERCASE_LABEL, s, ccsig_str_make(p + s, e - s),
                            (ccsig_str){NULL, 0});
            } else {
                add_warning(w, CCSIG_W_PARSE_ERROR, off, (ccsig_str){NULL, 0},
                            (ccsig_str){NULL, 0});
            }
        }
        return rc;
    }
    for (size_t i = 0; i < d.n; i++) {
        const ccsig_sf_member *m = &d.v[i];
        const ccsig_label_info *li = ccsig_vocab_lookup(m->key.p, m->key.len);
        if (!li) {
            add_warning(w, CCSIG_W_UNKNOWN_LABEL, m->offset, m->key, (ccsig_str){NULL, 0});
            continue;
        }
        if (!li->current)
            add_warning(w, CCSIG_W_LEGACY_LABEL, m->offset, m->key, (ccsig_str){NULL, 0});
        ccsig_state s = CCSIG_STATE_UNKNOWN;
        if (!m->inner && m->bare.type == CCSIG_SF_TOKEN && m->bare.v.str.len == 1) {
            if (m->bare.v.str.p[0] == 'y')
                s = CCSIG_STATE_ALLOW;
            else if (m->bare.v.str.p[0] == 'n')
                s = CCSIG_STATE_DENY;
        }
        if (s == CCSIG_STATE_UNKNOWN) {
            ccsig_str v =
                (!m->inner && m->bare.type == CCSIG_SF_TOKEN) ? m->bare.v.str : type_desc(m);
            add_warning(w, CCSIG_W_VALUE_NOT_YN, m->offset, m->key, v);
        }
        ccsig_signal sig = CCSIG_SIGNAL_NONE;
        const ccsig_sf_bare *ex = ccsig_sf_params_get(&m->params, "exceptions");
        if (ex) {
            if (s == CCSIG_STATE_ALLOW)
                add_warning(w, CCSIG_W_EXCEPTION_ON_ALLOW, m->offset, m->key, (ccsig_str){NULL, 0});
            else if (s == CCSIG_STATE_UNKNOWN)
                add_warning(w, CCSIG_W_EXCEPTION_ON_UNKNOWN, m->offset, m->key,
                            (ccsig_str){NULL, 0});
            else if (ex->type != CCSIG_SF_TOKEN)
                add_warning(w, CCSIG_W_EXCEPTION_NOT_TOKEN, m->offset, m->key, bare_desc(ex));
            else if (!ccsig_signal_from_token(ex->v.str.p, ex->v.str.len, &sig))
                add_warning(w, CCSIG_W_UNKNOWN_EXCEPTION, m->offset, m->key, ex->v.str);
        }
        if (s == CCSIG_STATE_UNKNOWN)
            continue;
        size_t nlab;
        unsigned vocab = (unsigned)(li - ccsig_vocab_labels(&nlab)) + 1;
        bool warned = false;
        for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
            if (!(li->answers & (1u << c)))
                continue;
            ccsig_pref *prev = &st->cat[c];
            /* a current and a legacy label for one category: the current
             * one answers, the legacy-label warning says so */
            bool mixed = prev->state != CCSIG_STATE_UNKNOWN && pref_legacy(prev) != !li->current;
            if (prev->state != CCSIG_STATE_UNKNOWN && !mixed && !warned &&
                !ccsig_str_eq(prev->label, li->label)) {
                add_warning(w, CCSIG_W_SAME_CATEGORY, m->offset, m->key, prev->label);
                warned = true;
            }
            set_pref(st, (ccsig_category)c, s, sig, ccsig_signal_conditions(sig), m->key, vocab);
        }
    }
    if (w && w->arena && w->arena->failed && !wfailed)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    return CCSIG_OK;
}

/* ---- combining and deciding ---- */

/* Combine n statements read under one reading into out (the restrictive
 * rule). Plain values, no allocation. */
static void combine(const ccsig_statement *sts, size_t n, ccsig_reading reading,
                    ccsig_verdict *out) {
    memset(out, 0, sizeof *out);
    int best[CCSIG_CAT_COUNT];
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        out->cat[c].via = (ccsig_category)c;
        out->cat[c].source = -1;
        best[c] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        ccsig_pref r[CCSIG_CAT_COUNT];
        ccsig_statement_read(&sts[i], reading, r);
        for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
            ccsig_verdict_entry *e = &out->cat[c];
            int rk = rank((ccsig_state)r[c].state, r[c].conditions);
            if (rk == 0)
                continue;
            if (rk == 2 && best[c] == 2) {
                e->conditions |= r[c].conditions;
                if (r[c].signal)
                    e->signals |= 1u << r[c].signal;
                continue;
            }
            if (rk <= best[c])
                continue;
            best[c] = rk;
            e->state = (ccsig_state)r[c].state;
            e->conditions = r[c].conditions;
            e->signals = r[c].signal ? 1u << r[c].signal : 0;
            e->via = (ccsig_category)r[c].via;
            e->source = (int)i;
            e->label = r[c].label;
            e->vocab = r[c].vocab;
            e->legacy = pref_legacy(&r[c]);
        }
    }
}

void ccsig_combine_read(const ccsig_statement *sts, size_t n, ccsig_reading reading,
                        ccsig_verdict *out) {
    combine(sts, n, reading, out);
    out->reading = reading;
    ccsig_verdict alt;
    combine(sts, n,
            reading == CCSIG_READING_CURRENT ? CCSIG_READING_DEFAULT : CCSIG_READING_CURRENT, &alt);
    for (int k = 0; k < CCSIG_CAT_COUNT; k++) {
        out->cat[k].other = (uint8_t)alt.cat[k].state;
        out->cat[k].other_conditions = (uint8_t)alt.cat[k].conditions;
    }
}

void ccsig_combine(const ccsig_statement *sts, size_t n, ccsig_verdict *out) {
    ccsig_combine_read(sts, n, CCSIG_READING_DEFAULT, out);
}

const ccsig_label_info *ccsig_verdict_entry_vocab(const ccsig_verdict_entry *e) {
    return e ? vocab_info(e->vocab) : NULL;
}

const char *ccsig_verdict_entry_draft(const ccsig_verdict_entry *e) {
    const ccsig_label_info *li = ccsig_verdict_entry_vocab(e);
    return li ? ccsig_label_draft(li) : NULL;
}

bool ccsig_verdict_entry_disagrees(const ccsig_verdict_entry *e) {
    return e->other != (uint8_t)e->state || e->other_conditions != (uint8_t)e->conditions;
}

/* The result for a combined state and its conditions, before exclusions. */
static ccsig_result result_of(ccsig_state s, unsigned conditions, unsigned commitments) {
    if (s == CCSIG_STATE_UNKNOWN)
        return CCSIG_RESULT_UNKNOWN;
    if (s == CCSIG_STATE_ALLOW)
        return CCSIG_RESULT_PERMITTED;
    if (conditions && (conditions & ~commitments) == 0)
        return CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS;
    return CCSIG_RESULT_NOT_PERMITTED;
}

void ccsig_decide(const ccsig_verdict *v, const ccsig_profile *p, ccsig_decision *d) {
    memset(d, 0, sizeof *d);
    d->use = p->use;
    d->source = -1;
    d->reading = (uint8_t)p->reading;
    if ((unsigned)p->use >= CCSIG_CAT_COUNT)
        return;
    const ccsig_verdict_entry *e = &v->cat[p->use];
    d->state = e->state;
    d->source = e->source;
    d->legacy = e->legacy;
    ccsig_result alt = result_of((ccsig_state)e->other, e->other_conditions, p->commitments);
    if (p->purpose != CCSIG_PURPOSE_NONE && e->other == CCSIG_STATE_DENY)
        alt = CCSIG_RESULT_PERMITTED;
    d->other = (uint8_t)alt;
    switch (e->state) {
    case CCSIG_STATE_UNKNOWN:
        d->result = CCSIG_RESULT_UNKNOWN;
        return;
    case CCSIG_STATE_ALLOW:
        d->result = CCSIG_RESULT_PERMITTED;
        return;
    case CCSIG_STATE_DENY:
        break;
    }
    if (e->conditions == 0) {
        d->result = CCSIG_RESULT_NOT_PERMITTED;
    } else if ((e->conditions & ~p->commitments) == 0) {
        d->result = CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS;
        d->obligations = e->conditions;
    } else {
        d->result = CCSIG_RESULT_NOT_PERMITTED;
        d->missing = e->conditions & ~p->commitments;
    }
    /* Public-interest exclusions apply "regardless of the preferences
     * expressed" (draft-zehta-aipref-exclusions), but only when claimed. */
    if (p->purpose != CCSIG_PURPOSE_NONE) {
        d->result = CCSIG_RESULT_PERMITTED;
        d->obligations = 0;
        d->missing = 0;
        d->exclusion = p->purpose;
    }
}

/* ---- rewriting legacy labels ---- */

/* ccsig_sf_dup_fn for ccsig_pref_fix: remember the first repeated key. */
static void fix_dup(void *ctx, ccsig_str key, size_t offset) {
    ccsig_warning *first = ctx;
    if (!first->key.p) {
        first->key = key;
        first->offset = offset;
    }
}

/* How strongly member m restricts, in set_pref's order (rank): a plain n 3,
 * an n with a CC signal exception 2, y 1, any other value 0. No allocation. */
static int member_rank(const ccsig_sf_member *m) {
    if (m->inner || m->bare.type != CCSIG_SF_TOKEN || m->bare.v.str.len != 1)
        return 0;
    if (m->bare.v.str.p[0] == 'y')
        return 1;
    if (m->bare.v.str.p[0] != 'n')
        return 0;
    const ccsig_sf_bare *ex = ccsig_sf_params_get(&m->params, "exceptions");
    ccsig_signal sig;
    return ex && ex->type == CCSIG_SF_TOKEN &&
                   ccsig_signal_from_token(ex->v.str.p, ex->v.str.len, &sig)
               ? 2
               : 3;
}

/* True when the comma-separated list equiv (ccsig_label_info
 * current_equivalent) names label. Precondition: equiv may be NULL. */
static bool equiv_names(const char *equiv, const char *label) {
    size_t n = strlen(label);
    for (const char *s = equiv; s && *s;) {
        while (*s == ',' || *s == ' ')
            s++;
        size_t k = strcspn(s, ", ");
        if (k == n && !memcmp(s, label, n))
            return true;
        s += k;
    }
    return false;
}

#define FIX_MAX_CURRENT 8

/* Rewrite expression p[0..len) for readers of the current vocabulary (see
 * ccsig/pref.h): parse it once with the library's RFC 9651 parser, replace
 * each legacy member's bytes [offset, end) by the current labels it stood
 * for, serialised with ccsig_sf_serialize_dict, and copy every other byte.
 * The parse and the replacement dictionaries live in a; the result is
 * appended to out. */
ccsig_status ccsig_pref_fix(ccsig_arena *a, const char *p, size_t len, ccsig_buf *out,
                            unsigned *nfixed, ccsig_error *err) {
    *nfixed = 0;
    ccsig_sf_dict d;
    ccsig_warning dup = {0};
    ccsig_status rc = ccsig_sf_parse_dict_dups(a, p, len, &d, err, fix_dup, &dup);
    if (rc)
        return rc;
    /* the current labels, and which of them the expression states itself */
    size_t nlab;
    const ccsig_label_info *tab = ccsig_vocab_labels(&nlab);
    const ccsig_label_info *cur[FIX_MAX_CURRENT];
    size_t ncur = 0;
    for (size_t i = 0; i < nlab && ncur < FIX_MAX_CURRENT; i++)
        if (tab[i].current)
            cur[ncur++] = &tab[i];
    bool present[FIX_MAX_CURRENT] = {false}, any_legacy = false;
    size_t chosen[FIX_MAX_CURRENT], first[FIX_MAX_CURRENT];
    for (size_t k = 0; k < ncur; k++)
        chosen[k] = first[k] = SIZE_MAX;
    for (size_t i = 0; i < d.n; i++) {
        const ccsig_label_info *li = ccsig_vocab_lookup(d.v[i].key.p, d.v[i].key.len);
        for (size_t k = 0; li && li->current && k < ncur; k++)
            present[k] |= li == cur[k];
        any_legacy |= li && !li->current;
    }
    if (any_legacy && dup.key.p) {
        const ccsig_label_info *li = ccsig_vocab_lookup(dup.key.p, dup.key.len);
        if (li && !li->current)
            return ccsig_error_set(err, CCSIG_ERR_UNSUPPORTED, dup.offset,
                                   "legacy label '%.*s' is given twice: state it once first",
                                   (int)(dup.key.len > 60 ? 60 : dup.key.len), dup.key.p);
    }
    if (!any_legacy) {
        ccsig_buf_put(out, p, len);
        return ccsig_buf_failed(out) ? ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory")
                                     : CCSIG_OK;
    }
    /* each current label a legacy one stood for: the most restrictive
     * legacy member gives its value (set_pref), the first one its place */
    for (size_t i = 0; i < d.n; i++) {
        const ccsig_label_info *li = ccsig_vocab_lookup(d.v[i].key.p, d.v[i].key.len);
        if (!li || li->current)
            continue;
        for (size_t k = 0; k < ncur; k++) {
            if (present[k] || !equiv_names(li->current_equivalent, cur[k]->label))
                continue;
            if (first[k] == SIZE_MAX)
                first[k] = i;
            if (chosen[k] == SIZE_MAX || member_rank(&d.v[i]) > member_rank(&d.v[chosen[k]]))
                chosen[k] = i;
        }
    }
    ccsig_sf_member *repl = ccsig_arena_alloc(a, FIX_MAX_CURRENT * sizeof *repl);
    if (!repl)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    /* prefix, then each emitted member after the separator that followed
     * the previous emitted one, then the suffix */
    size_t prev = SIZE_MAX;
    ccsig_buf_put(out, p, d.n ? d.v[0].offset : len);
    for (size_t i = 0; i < d.n; i++) {
        const ccsig_sf_member *m = &d.v[i];
        const ccsig_label_info *li = ccsig_vocab_lookup(m->key.p, m->key.len);
        ccsig_sf_dict r = {repl, 0};
        if (li && !li->current) {
            for (size_t k = 0; k < ncur; k++)
                if (first[k] == i) {
                    repl[r.n] = d.v[chosen[k]];
                    repl[r.n++].key = ccsig_str_c(cur[k]->label);
                }
            ++*nfixed;
            if (!r.n)
                continue; /* the expression states all of them itself */
        }
        if (prev != SIZE_MAX)
            ccsig_buf_put(out, p + d.v[prev].end, d.v[prev + 1].offset - d.v[prev].end);
        if (r.n) {
            rc = ccsig_sf_serialize_dict(out, &r, err);
            if (rc)
                return rc;
        } else {
            ccsig_buf_put(out, p + m->offset, m->end - m->offset);
        }
        prev = i;
    }
    if (d.n)
        ccsig_buf_put(out, p + d.v[d.n - 1].end, len - d.v[d.n - 1].end);
    return ccsig_buf_failed(out) ? ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory")
                                 : CCSIG_OK;
}
