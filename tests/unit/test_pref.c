/* Unit tests: processing content usage expressions (every example of
 * draft-ietf-aipref-vocab and the CC signals README), exceptions, the
 * hierarchy, combining and deciding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ccsig/pref.h"

static ccsig_arena A;

static int setup(void **state) {
    (void)state;
    ccsig_arena_init(&A, 0);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    ccsig_arena_free(&A);
    return 0;
}

static ccsig_status parse(const char *e, ccsig_statement *st, ccsig_warnings *w) {
    ccsig_error err;
    ccsig_statement_init(st, CCSIG_SRC_EXPRESSION);
    if (w)
        memset(w, 0, sizeof *w);
    return ccsig_pref_parse(&A, e, strlen(e), st, w, &err);
}

static bool has_warning(const ccsig_warnings *w, ccsig_warning_code c) {
    for (size_t i = 0; i < w->n; i++)
        if (w->v[i].code == c)
            return true;
    return false;
}

#define STATE(st, c) ((ccsig_state)(st).cat[c].state)

/* draft-ietf-aipref-vocab §6: "train-ai=y, search=n". */
static void vocab_basic_example(void **state) {
    (void)state;
    ccsig_statement st;
    assert_int_equal(parse("train-ai=y, search=n", &st, NULL), CCSIG_OK);
    assert_int_equal(STATE(st, CCSIG_CAT_TRAIN_AI), CCSIG_STATE_ALLOW);
    assert_int_equal(STATE(st, CCSIG_CAT_SEARCH), CCSIG_STATE_DENY);
    assert_int_equal(STATE(st, CCSIG_CAT_AI_USE), CCSIG_STATE_UNKNOWN);
    assert_true(st.valid);
}

/* §6.6.1: duplicates, non-token values: everything unknown. */
static void vocab_multiple_preferences_example(void **state) {
    (void)state;
    ccsig_statement st;
    ccsig_warnings w;
    assert_int_equal(parse("train-ai=y, train-ai, search=n, search=\"n\"", &st, &w), CCSIG_OK);
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        assert_int_equal(STATE(st, c), CCSIG_STATE_UNKNOWN);
    assert_true(has_warning(&w, CCSIG_W_DUPLICATE_KEY));
    assert_true(has_warning(&w, CCSIG_W_VALUE_NOT_YN));
}

/* §6.6.2: parameters of the earlier member do not survive; y applies. */
static void vocab_parameters_example(void **state) {
    (void)state;
    ccsig_statement st;
    assert_int_equal(parse("train-ai;allow=n, train-ai=y", &st, NULL), CCSIG_OK);
    assert_int_equal(STATE(st, CCSIG_CAT_TRAIN_AI), CCSIG_STATE_ALLOW);
    /* The draft's second example ends in ';', which RFC 9651 rejects (a
     * parameter key must follow): the parse fails, so unknown either way. */
    assert_int_equal(parse("train-ai;has;parameters=\"?\";", &st, NULL), CCSIG_ERR_SYNTAX);
    assert_int_equal(STATE(st, CCSIG_CAT_TRAIN_AI), CCSIG_STATE_UNKNOWN);
    assert_int_equal(parse("train-ai;has;parameters=\"?\"", &st, NULL), CCSIG_OK);
    assert_int_equal(STATE(st, CCSIG_CAT_TRAIN_AI), CCSIG_STATE_UNKNOWN);
}

/* A parse failure (uppercase key included) makes every category unknown. */
static void parse_failure_is_all_unknown(void **state) {
    (void)state;
    ccsig_statement st;
    ccsig_warnings w;
    assert_int_equal(parse("train-ai=n, Search=y", &st, &w), CCSIG_ERR_SYNTAX);
    assert_false(st.valid);
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        assert_int_equal(STATE(st, c), CCSIG_STATE_UNKNOWN);
    assert_true(has_warning(&w, CCSIG_W_UPPERCASE_LABEL));
    assert_int_equal(parse("train-ai=n,,", &st, &w), CCSIG_ERR_SYNTAX);
    assert_true(has_warning(&w, CCSIG_W_PARSE_ERROR));
    assert_int_equal(parse("train-ai=N", &st, &w), CCSIG_OK); /* a token, just not y/n */
    assert_int_equal(STATE(st, CCSIG_CAT_TRAIN_AI), CCSIG_STATE_UNKNOWN);
}

static void unknown_labels_ignored(void **state) {
    (void)state;
    ccsig_statement st;
    ccsig_warnings w;
    assert_int_equal(parse("foo=n, train-ai=n, x-private=y", &st, &w), CCSIG_OK);
    assert_int_equal(STATE(st, CCSIG_CAT_TRAIN_AI), CCSIG_STATE_DENY);
    assert_int_equal(w.n, 2);
    assert_int_equal(w.v[0].code, CCSIG_W_UNKNOWN_LABEL);
}

/* CC signals README examples. */
static void cc_exceptions(void **state) {
    (void)state;
    ccsig_statement st;
    ccsig_warnings w;
    assert_int_equal(parse("ai-use=n;exceptions=cc-cr", &st, &w), CCSIG_OK);
    assert_int_equal(STATE(st, CCSIG_CAT_AI_USE), CCSIG_STATE_DENY);
    assert_int_equal(st.cat[CCSIG_CAT_AI_USE].signal, CCSIG_SIGNAL_CR);
    assert_int_equal(st.cat[CCSIG_CAT_AI_USE].conditions, CCSIG_COND_CREDIT);
    /* ai-use is a current label again (draft-ietf-aipref-vocab-08) */
    assert_false(has_warning(&w, CCSIG_W_LEGACY_LABEL));

    assert_int_equal(parse("train-genai=n;exceptions=cc-cr-ec", &st, NULL), CCSIG_OK);
    assert_int_equal(st.cat[CCSIG_CAT_TRAIN_GENAI].conditions,
                     CCSIG_COND_CREDIT | CCSIG_COND_ECOSYSTEM_CONTRIBUTION);

    /* a String is not a token: no exception, and a warning */
    assert_int_equal(parse("train-ai=n;exceptions=\"cc-cr\"", &st, &w), CCSIG_OK);
    assert_int_equal(st.cat[CCSIG_CAT_TRAIN_AI].conditions, 0);
    assert_true(has_warning(&w, CCSIG_W_EXCEPTION_NOT_TOKEN));
    /* exceptions on allow mean nothing */
    assert_int_equal(parse("train-ai=y;exceptions=cc-cr", &st, &w), CCSIG_OK);
    assert_int_equal(STATE(st, CCSIG_CAT_TRAIN_AI), CCSIG_STATE_ALLOW);
    assert_true(has_warning(&w, CCSIG_W_EXCEPTION_ON_ALLOW));
    /* unknown token */
    assert_int_equal(parse("train-ai=n;exceptions=cc-nc", &st, &w), CCSIG_OK);
    assert_int_equal(st.cat[CCSIG_CAT_TRAIN_AI].conditions, 0);
    assert_true(has_warning(&w, CCSIG_W_UNKNOWN_EXCEPTION));
    /* the last duplicate's parameters win: the exception is lost */
    assert_int_equal(parse("train-ai=n;exceptions=cc-cr, train-ai=n", &st, &w), CCSIG_OK);
    assert_int_equal(st.cat[CCSIG_CAT_TRAIN_AI].conditions, 0);
    /* exceptions on a value that is not y/n */
    assert_int_equal(parse("train-ai=maybe;exceptions=cc-cr", &st, &w), CCSIG_OK);
    assert_true(has_warning(&w, CCSIG_W_EXCEPTION_ON_UNKNOWN));
}

static void same_category_two_labels(void **state) {
    (void)state;
    ccsig_statement st;
    ccsig_warnings w;
    /* two legacy labels for one category combine restrictively */
    assert_int_equal(parse("ai=y, genai=n;exceptions=cc-cr", &st, &w), CCSIG_OK);
    assert_int_equal(STATE(st, CCSIG_CAT_TRAIN_AI), CCSIG_STATE_DENY);
    assert_int_equal(st.cat[CCSIG_CAT_TRAIN_AI].conditions, CCSIG_COND_CREDIT);
    assert_true(has_warning(&w, CCSIG_W_SAME_CATEGORY));
    char msg[256];
    ccsig_warning_message(&w.v[w.n - 1], msg, sizeof msg);
    assert_non_null(strstr(msg, "'ai' and 'genai'"));
    /* a current label outranks a legacy one for the same category, in
     * either order, without a same-category warning (the legacy-label
     * warning says what a current reader sees) */
    assert_int_equal(parse("ai=n, train-ai=y", &st, &w), CCSIG_OK);
    assert_int_equal(STATE(st, CCSIG_CAT_TRAIN_AI), CCSIG_STATE_ALLOW);
    assert_false(has_warning(&w, CCSIG_W_SAME_CATEGORY));
    assert_true(has_warning(&w, CCSIG_W_LEGACY_LABEL));
    assert_int_equal(parse("train-ai=y, train-genai=n", &st, &w), CCSIG_OK);
    assert_int_equal(STATE(st, CCSIG_CAT_TRAIN_GENAI), CCSIG_STATE_ALLOW);
    assert_false(has_warning(&w, CCSIG_W_SAME_CATEGORY));
}

static void hierarchy_resolution(void **state) {
    (void)state;
    ccsig_statement st;
    parse("all=n, train-ai=y", &st, NULL);
    ccsig_pref r[CCSIG_CAT_COUNT];
    ccsig_statement_resolve(&st, r);
    assert_int_equal(r[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_ALLOW);
    assert_int_equal(r[CCSIG_CAT_TRAIN_GENAI].state, CCSIG_STATE_ALLOW);
    /* -08 train-ai is generative training: it answers train-genai itself */
    assert_int_equal(r[CCSIG_CAT_TRAIN_GENAI].via, CCSIG_CAT_TRAIN_GENAI);
    assert_int_equal(r[CCSIG_CAT_SEARCH].state, CCSIG_STATE_DENY);
    assert_int_equal(r[CCSIG_CAT_SEARCH].via, CCSIG_CAT_AUTOMATED_PROCESSING);
    assert_int_equal(r[CCSIG_CAT_AI_USE].via, CCSIG_CAT_AUTOMATED_PROCESSING);
}

static void combining(void **state) {
    (void)state;
    ccsig_statement st[3];
    ccsig_verdict v;
    /* any plain deny wins over a deny with exceptions and an allow */
    parse("train-ai=n;exceptions=cc-cr", &st[0], NULL);
    parse("train-ai=y", &st[1], NULL);
    parse("train-ai=n", &st[2], NULL);
    ccsig_combine(st, 3, &v);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_AI].conditions, 0);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_AI].source, 2);
    /* deny-with-exceptions: union of conditions, all signals listed */
    parse("train-ai=n;exceptions=cc-cr-ec", &st[0], NULL);
    parse("train-ai=n;exceptions=cc-cr-op", &st[1], NULL);
    parse("train-ai=y, search=y", &st[2], NULL);
    ccsig_combine(st, 3, &v);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_AI].conditions,
                     CCSIG_COND_CREDIT | CCSIG_COND_ECOSYSTEM_CONTRIBUTION | CCSIG_COND_OPEN);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_AI].signals,
                     (1u << CCSIG_SIGNAL_CR_EC) | (1u << CCSIG_SIGNAL_CR_OP));
    assert_int_equal(v.cat[CCSIG_CAT_SEARCH].state, CCSIG_STATE_ALLOW);
    assert_int_equal(v.cat[CCSIG_CAT_SEARCH].source, 2);
    assert_int_equal(v.cat[CCSIG_CAT_AI_USE].state, CCSIG_STATE_UNKNOWN);
    assert_int_equal(v.cat[CCSIG_CAT_AI_USE].source, -1);
    /* inheritance is resolved per statement before combining: all=n in one
     * statement denies train-ai even though another allows it */
    parse("all=n", &st[0], NULL);
    parse("train-ai=y", &st[1], NULL);
    ccsig_combine(st, 2, &v);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_AI].via, CCSIG_CAT_AUTOMATED_PROCESSING);
    ccsig_combine(st, 0, &v);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_UNKNOWN);
}

static ccsig_result decide(const char *expr, ccsig_category use, unsigned commit,
                           ccsig_purpose purpose, ccsig_decision *d) {
    ccsig_statement st;
    parse(expr, &st, NULL);
    ccsig_verdict v;
    ccsig_combine(&st, 1, &v);
    ccsig_profile p = {use, commit, purpose, CCSIG_READING_DEFAULT};
    ccsig_decide(&v, &p, d);
    return d->result;
}

static void deciding(void **state) {
    (void)state;
    ccsig_decision d;
    assert_int_equal(decide("train-ai=y", CCSIG_CAT_TRAIN_AI, 0, 0, &d), CCSIG_RESULT_PERMITTED);
    assert_int_equal(decide("train-ai=n", CCSIG_CAT_TRAIN_GENAI, CCSIG_COND_ALL, 0, &d),
                     CCSIG_RESULT_NOT_PERMITTED);
    assert_int_equal(decide("search=n", CCSIG_CAT_TRAIN_AI, 0, 0, &d), CCSIG_RESULT_UNKNOWN);
    assert_int_equal(
        decide("train-ai=n;exceptions=cc-cr", CCSIG_CAT_TRAIN_AI, CCSIG_COND_CREDIT, 0, &d),
        CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS);
    assert_int_equal(d.obligations, CCSIG_COND_CREDIT);
    assert_int_equal(
        decide("train-ai=n;exceptions=cc-cr-dc", CCSIG_CAT_TRAIN_AI, CCSIG_COND_CREDIT, 0, &d),
        CCSIG_RESULT_NOT_PERMITTED);
    assert_int_equal(d.missing, CCSIG_COND_DIRECT_CONTRIBUTION);
    /* commitments beyond the conditions do not become obligations */
    assert_int_equal(
        decide("train-ai=n;exceptions=cc-cr", CCSIG_CAT_TRAIN_AI, CCSIG_COND_ALL, 0, &d),
        CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS);
    assert_int_equal(d.obligations, CCSIG_COND_CREDIT);
    /* public-interest exclusions: only when claimed, and named */
    assert_int_equal(decide("train-ai=n", CCSIG_CAT_TRAIN_AI, 0, CCSIG_PURPOSE_ARCHIVING, &d),
                     CCSIG_RESULT_PERMITTED);
    assert_int_equal(d.exclusion, CCSIG_PURPOSE_ARCHIVING);
    assert_int_equal(decide("train-ai=y", CCSIG_CAT_TRAIN_AI, 0, CCSIG_PURPOSE_ARCHIVING, &d),
                     CCSIG_RESULT_PERMITTED);
    assert_int_equal(d.exclusion, CCSIG_PURPOSE_NONE);
    assert_int_equal(decide("", CCSIG_CAT_TRAIN_AI, 0, CCSIG_PURPOSE_RESEARCH, &d),
                     CCSIG_RESULT_UNKNOWN);
    assert_string_equal(ccsig_result_name(CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS),
                        "permitted-with-obligations");
}

static void statement_set_restrictive(void **state) {
    (void)state;
    ccsig_statement st;
    ccsig_statement_init(&st, CCSIG_SRC_HEADER);
    ccsig_statement_set(&st, CCSIG_CAT_SEARCH, CCSIG_STATE_ALLOW, 0, 0, CCSIG_STR_LIT("a"));
    ccsig_statement_set(&st, CCSIG_CAT_SEARCH, CCSIG_STATE_DENY, CCSIG_SIGNAL_CR, CCSIG_COND_CREDIT,
                        CCSIG_STR_LIT("b"));
    assert_int_equal(STATE(st, CCSIG_CAT_SEARCH), CCSIG_STATE_DENY);
    ccsig_statement_set(&st, CCSIG_CAT_SEARCH, CCSIG_STATE_DENY, 0, CCSIG_COND_PAYMENT,
                        CCSIG_STR_LIT("c"));
    assert_int_equal(st.cat[CCSIG_CAT_SEARCH].conditions, CCSIG_COND_CREDIT | CCSIG_COND_PAYMENT);
    ccsig_statement_set(&st, CCSIG_CAT_SEARCH, CCSIG_STATE_ALLOW, 0, 0, CCSIG_STR_LIT("d"));
    assert_int_equal(STATE(st, CCSIG_CAT_SEARCH), CCSIG_STATE_DENY);
    ccsig_statement_set(&st, CCSIG_CAT_SEARCH, CCSIG_STATE_DENY, 0, 0, CCSIG_STR_LIT("e"));
    assert_int_equal(st.cat[CCSIG_CAT_SEARCH].conditions, 0);
    assert_true(ccsig_str_eq(st.cat[CCSIG_CAT_SEARCH].label, "e"));
}

static void warning_messages(void **state) {
    (void)state;
    ccsig_statement st;
    ccsig_warnings w;
    parse("train-genai=n, ai-use=yes, x=1, train-ai=n;exceptions=cc-zz", &st, &w);
    char msg[512];
    bool legacy = false, yes = false, unk = false, exc = false;
    for (size_t i = 0; i < w.n; i++) {
        ccsig_warning_message(&w.v[i], msg, sizeof msg);
        legacy |= strstr(msg, "a current (draft-ietf-aipref-vocab-08) reader ignores it") &&
                  strstr(msg, "write 'train-ai' instead");
        yes |= strstr(msg, "the token 'yes'") != NULL;
        unk |= strstr(msg, "unknown label 'x'") != NULL;
        exc |= strstr(msg, "unknown exception token 'cc-zz'") != NULL;
        assert_true(strlen(ccsig_warning_id(w.v[i].code)) > 0);
    }
    assert_true(legacy && yes && unk && exc);
}

/* ccsig_pref_fix of e: the status, and when it is CCSIG_OK the result and
 * the number of legacy labels replaced. */
static void expect_fix(const char *e, ccsig_status want, const char *out, unsigned nfixed) {
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_error err;
    unsigned n = 99;
    ccsig_arena_reset(&A);
    ccsig_status st = ccsig_pref_fix(&A, e, strlen(e), &b, &n, &err);
    if (st != want)
        fail_msg("'%s': status %d, want %d (%s)", e, (int)st, (int)want, err.message);
    if (!st && (n != nfixed || strcmp(ccsig_buf_cstr(&b), out)))
        fail_msg("'%s': got '%s' (%u), want '%s' (%u)", e, ccsig_buf_cstr(&b), n, out, nfixed);
    if (st)
        assert_int_equal(b.len, 0);
    ccsig_buf_free(&b);
}

/* Legacy labels become the current labels they stood for, in place, with
 * their values and CC signal exceptions; every other byte is kept. */
static void fix_legacy_labels(void **state) {
    (void)state;
    expect_fix("all=n", CCSIG_OK, "train-ai=n, ai-use=n, search=n", 1);
    expect_fix("train-genai=n;exceptions=cc-cr-ec, search=y", CCSIG_OK,
               "train-ai=n;exceptions=cc-cr-ec, search=y", 1);
    expect_fix("all=n;exceptions=cc-cr, search=y", CCSIG_OK,
               "train-ai=n;exceptions=cc-cr, ai-use=n;exceptions=cc-cr, search=y", 1);
    /* two legacy labels for train-ai: the most restrictive, as the default
     * reading combines them, in the place of the first */
    expect_fix("ai=y, train-genai=n", CCSIG_OK, "train-ai=n", 2);
    expect_fix("ai-output=n, train-ai=y", CCSIG_OK, "ai-use=n, search=n, train-ai=y", 1);
    /* every current label already stated: the legacy one goes, with its
     * separator */
    expect_fix("train-ai=n, ai-use=n, search=y, bots=n", CCSIG_OK, "train-ai=n, ai-use=n, search=y",
               1);
    expect_fix("bots=n, train-ai=n, ai-use=n, search=y", CCSIG_OK, "train-ai=n, ai-use=n, search=y",
               1);
    expect_fix("search=y ,  all=n  ,train-ai=y", CCSIG_OK, "search=y ,  ai-use=n  ,train-ai=y", 1);
    expect_fix("tdm", CCSIG_OK, "train-ai, ai-use, search", 1);
    expect_fix("inference=n, foo=1", CCSIG_OK, "ai-use=n, foo=1", 1);
    /* nothing legacy: the bytes as they were */
    expect_fix(" train-ai=n,search=y ", CCSIG_OK, " train-ai=n,search=y ", 0);
    expect_fix("Train-AI=n", CCSIG_ERR_SYNTAX, NULL, 0);
    expect_fix("all=n, all=y", CCSIG_ERR_UNSUPPORTED, NULL, 0);
    /* idempotent, and the result reads the same for the current labels as
     * the legacy expression does under the default reading */
    const char *in = "genai=n;exceptions=cc-cr-dc, ai-output=y";
    ccsig_buf b = CCSIG_BUF_INIT, c = CCSIG_BUF_INIT;
    ccsig_error err;
    unsigned n;
    assert_int_equal(ccsig_pref_fix(&A, in, strlen(in), &b, &n, &err), CCSIG_OK);
    assert_int_equal(ccsig_pref_fix(&A, b.data, b.len, &c, &n, &err), CCSIG_OK);
    assert_int_equal(n, 0);
    assert_string_equal(ccsig_buf_cstr(&b), ccsig_buf_cstr(&c));
    ccsig_statement s1, s2;
    ccsig_warnings w = {0};
    assert_int_equal(parse(in, &s1, NULL), CCSIG_OK);
    assert_int_equal(parse(ccsig_buf_cstr(&b), &s2, &w), CCSIG_OK);
    assert_int_equal(w.n, 0);
    ccsig_pref r1[CCSIG_CAT_COUNT], r2[CCSIG_CAT_COUNT];
    ccsig_statement_read(&s1, CCSIG_READING_DEFAULT, r1);
    ccsig_statement_read(&s2, CCSIG_READING_CURRENT, r2);
    for (int k = CCSIG_CAT_TRAIN_AI; k < CCSIG_CAT_COUNT; k++) {
        assert_int_equal(r1[k].state, r2[k].state);
        assert_int_equal(r1[k].conditions, r2[k].conditions);
    }
    ccsig_buf_free(&b);
    ccsig_buf_free(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vocab_basic_example),
        cmocka_unit_test(vocab_multiple_preferences_example),
        cmocka_unit_test(vocab_parameters_example),
        cmocka_unit_test(parse_failure_is_all_unknown),
        cmocka_unit_test(unknown_labels_ignored),
        cmocka_unit_test(cc_exceptions),
        cmocka_unit_test(same_category_two_labels),
        cmocka_unit_test(hierarchy_resolution),
        cmocka_unit_test(combining),
        cmocka_unit_test(deciding),
        cmocka_unit_test(statement_set_restrictive),
        cmocka_unit_test(warning_messages),
        cmocka_unit_test(fix_legacy_labels),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
