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

void ccsig_statement_set(ccsig_statement *st, ccsig_category c, ccsig_state s, ccsig_signal sig,
                         unsigned conditions, ccsig_str label) {
    if ((unsigned)c >= CCSIG_CAT_COUNT || s == CCSIG_STATE_UNKNOWN)
        return;
    if (s != CCSIG_STATE_DENY) {
        sig = CCSIG_SIGNAL_NONE;
        conditions = 0;
    }
    ccsig_pref *p = &st->cat[c];
    int have = rank((ccsig_state)p->state, p->conditions), want = rank(s, conditions);
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
    p->label = label;
}

void ccsig_statement_resolve(const ccsig_statement *st, ccsig_pref out[CCSIG_CAT_COUNT]) {
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        ccsig_category k = (ccsig_category)c;
        while (k != CCSIG_CAT_NONE && st->cat[k].state == CCSIG_STATE_UNKNOWN)
            k = ccsig_category_parent(k);
        if (k == CCSIG_CAT_NONE) {
            memset(&out[c], 0, sizeof out[c]);
            out[c].via = (uint8_t)c;
        } else {
            out[c] = st->cat[k];
            out[c].via = (uint8_t)k;
        }
    }
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
        if (li && li->current_equivalent)
            snprintf(buf, n, "legacy label '%.*s' (%s); the current label is '%s'", kl, k,
                     li->defined_in, li->current_equivalent);
        else
            snprintf(buf, n,
                     "legacy label '%.*s' (%s); the current vocabulary has no equivalent "
                     "(it defines only 'train-ai' and 'search')",
                     kl, k, li ? li->defined_in : "an older draft");
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
        ccsig_pref *prev = &st->cat[li->category];
        if (prev->state != CCSIG_STATE_UNKNOWN)
            add_warning(w, CCSIG_W_SAME_CATEGORY, m->offset, m->key, prev->label);
        ccsig_statement_set(st, li->category, s, sig, ccsig_signal_conditions(sig), m->key);
    }
    if (w && w->arena && w->arena->failed && !wfailed)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    return CCSIG_OK;
}

/* ---- combining and deciding ---- */

void ccsig_combine(const ccsig_statement *sts, size_t n, ccsig_verdict *out) {
    memset(out, 0, sizeof *out);
    int best[CCSIG_CAT_COUNT];
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        out->cat[c].via = (ccsig_category)c;
        out->cat[c].source = -1;
        best[c] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        ccsig_pref r[CCSIG_CAT_COUNT];
        ccsig_statement_resolve(&sts[i], r);
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
        }
    }
}

void ccsig_decide(const ccsig_verdict *v, const ccsig_profile *p, ccsig_decision *d) {
    memset(d, 0, sizeof *d);
    d->use = p->use;
    d->source = -1;
    if ((unsigned)p->use >= CCSIG_CAT_COUNT)
        return;
    const ccsig_verdict_entry *e = &v->cat[p->use];
    d->state = e->state;
    d->source = e->source;
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
