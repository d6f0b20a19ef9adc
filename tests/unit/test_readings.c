/* Unit tests: the two readings of the vocabulary (ccsig/vocab.h, pref.h).
 *
 * Each case is an expression from draft-ietf-aipref-vocab-08 (its examples,
 * as in ../shared/specs/aipref/draft-ietf-aipref-vocab-latest.md §4-5, and
 * the -08 changes listed in ../shared/specs/field-2026.md §1) or from the CC
 * signals README (../shared/specs/cc-signals/README.md), with the answer for
 * every category under the current reading (-08 strictly) and under the
 * default reading (-08, then legacy labels, marked), and which label and
 * draft answered. */
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

/* The expected answer for one category: "-" unknown, "y" allow, "n" plain
 * deny, "n+" deny with conditions; then the label and draft that answered
 * (NULL when unknown), whether it is legacy and inherited. */
typedef struct {
    const char *state;
    const char *label;
    const char *draft;
    bool legacy, inherited;
} want;

#define U                                                                                          \
    { "-", NULL, NULL, false, false }
#define D08 "draft-ietf-aipref-vocab-08"
#define D02 "draft-ietf-aipref-vocab-02"

/* One case: the expressions (statements about one asset), then the
 * answers for the five categories (automated-processing, train-ai,
 * train-genai, ai-use, search) under each reading. */
typedef struct {
    const char *exprs[3];
    want cur[CCSIG_CAT_COUNT];
    want def[CCSIG_CAT_COUNT];
} reading_case;

static const char *state_code(const ccsig_verdict_entry *e) {
    if (e->state == CCSIG_STATE_ALLOW)
        return "y";
    if (e->state == CCSIG_STATE_DENY)
        return e->conditions ? "n+" : "n";
    return "-";
}

static void check_verdict(const ccsig_verdict *v, const want *w, const char *expr,
                          const char *reading) {
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        const ccsig_verdict_entry *e = &v->cat[c];
        const char *cat = ccsig_category_name((ccsig_category)c);
        if (strcmp(state_code(e), w[c].state))
            fail_msg("'%s' %s reading, %s: state %s, want %s", expr, reading, cat, state_code(e),
                     w[c].state);
        if (!w[c].label)
            continue;
        const ccsig_label_info *li = ccsig_verdict_entry_vocab(e);
        if (!li || strcmp(li->label, w[c].label))
            fail_msg("'%s' %s reading, %s: label %s, want %s", expr, reading, cat,
                     li ? li->label : "(none)", w[c].label);
        if (strcmp(ccsig_verdict_entry_draft(e), w[c].draft))
            fail_msg("'%s' %s reading, %s: draft %s, want %s", expr, reading, cat,
                     ccsig_verdict_entry_draft(e), w[c].draft);
        if ((bool)e->legacy != w[c].legacy || ((int)e->via != c) != w[c].inherited)
            fail_msg("'%s' %s reading, %s: legacy %d inherited %d, want %d %d", expr, reading, cat,
                     e->legacy, (int)e->via != c, w[c].legacy, w[c].inherited);
    }
}

static void run_case(const reading_case *k) {
    ccsig_statement sts[3];
    size_t n = 0;
    for (; n < 3 && k->exprs[n]; n++) {
        ccsig_error err;
        ccsig_statement_init(&sts[n], CCSIG_SRC_EXPRESSION);
        ccsig_pref_parse(&A, k->exprs[n], strlen(k->exprs[n]), &sts[n], NULL, &err);
    }
    ccsig_verdict cur, def;
    ccsig_combine_read(sts, n, CCSIG_READING_CURRENT, &cur);
    ccsig_combine_read(sts, n, CCSIG_READING_DEFAULT, &def);
    assert_int_equal(cur.reading, CCSIG_READING_CURRENT);
    assert_int_equal(def.reading, CCSIG_READING_DEFAULT);
    check_verdict(&cur, k->cur, k->exprs[0], "current");
    check_verdict(&def, k->def, k->exprs[0], "default");
    /* each verdict knows the other reading's answer */
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        assert_int_equal(cur.cat[c].other, def.cat[c].state);
        assert_int_equal(def.cat[c].other, cur.cat[c].state);
        assert_int_equal(def.cat[c].other_conditions, cur.cat[c].conditions);
    }
}

/* -08 examples: current labels read the same under both readings. */
static void draft08_examples(void **state) {
    (void)state;
    static const reading_case cases[] = {
        /* §5.1: train-ai allowed, search denied; -08 train-ai is generative
         * training, so it answers train-genai too */
        {{"train-ai=y, search=n"},
         {U,
          {"y", "train-ai", D08, false, false},
          {"y", "train-ai", D08, false, false},
          U,
          {"n", "search", D08, false, false}},
         {U,
          {"y", "train-ai", D08, false, false},
          {"y", "train-ai", D08, false, false},
          U,
          {"n", "search", D08, false, false}}},
        /* a boolean and a string are not tokens: all unknown */
        {{"train-ai=y, train-ai, search=n, search=\"n\""}, {U, U, U, U, U}, {U, U, U, U, U}},
        /* only the last duplicate's parameters apply: allow, no parameters */
        {{"train-ai;allow=n, train-ai=y"},
         {U, {"y", "train-ai", D08, false, false}, {"y", "train-ai", D08, false, false}, U, U},
         {U, {"y", "train-ai", D08, false, false}, {"y", "train-ai", D08, false, false}, U, U}},
        /* the exception of an earlier duplicate is lost with it */
        {{"train-ai=n;exceptions=cc-cr, train-ai=n"},
         {U, {"n", "train-ai", D08, false, false}, {"n", "train-ai", D08, false, false}, U, U},
         {U, {"n", "train-ai", D08, false, false}, {"n", "train-ai", D08, false, false}, U, U}},
        /* ai-use is current again in -08 */
        {{"ai-use=n"},
         {U, U, U, {"n", "ai-use", D08, false, false}, U},
         {U, U, U, {"n", "ai-use", D08, false, false}, U}},
        /* unknown labels are ignored; no hierarchy: train-ai=n says nothing
         * about automated processing, ai-use or search */
        {{"train-ai=n, foo=n"},
         {U, {"n", "train-ai", D08, false, false}, {"n", "train-ai", D08, false, false}, U, U},
         {U, {"n", "train-ai", D08, false, false}, {"n", "train-ai", D08, false, false}, U, U}},
        /* uppercase: the parse fails, every category unknown */
        {{"Train-AI=n"}, {U, U, U, U, U}, {U, U, U, U, U}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i]);
}

/* The CC signals README examples and legacy labels. */
static void cc_readme_and_legacy(void **state) {
    (void)state;
    static const reading_case cases[] = {
        /* the header example: a current reader sees no preference at all;
         * the default reading denies generative training (train-ai and
         * train-genai) unless credit + ecosystem contribution, label
         * train-genai, draft -02, legacy */
        {{"train-genai=n;exceptions=cc-cr-ec"},
         {U, U, U, U, U},
         {U,
          {"n+", "train-genai", D02, true, false},
          {"n+", "train-genai", D02, true, false},
          U,
          U}},
        /* the robots.txt example: ai-use is a current label */
        {{"ai-use=n;exceptions=cc-cr"},
         {U, U, U, {"n+", "ai-use", D08, false, false}, U},
         {U, U, U, {"n+", "ai-use", D08, false, false}, U}},
        /* all=n (-02): the current reader sees nothing; the default reading
         * applies -02's containment, marked inherited and legacy */
        {{"all=n"},
         {U, U, U, U, U},
         {{"n", "all", D02, true, false},
          {"n", "all", D02, true, true},
          {"n", "all", D02, true, true},
          {"n", "all", D02, true, true},
          {"n", "all", D02, true, true}}},
        /* -08 first: train-ai=y answers training under both readings; the
         * legacy all=n answers only what -08 leaves open */
        {{"all=n, train-ai=y"},
         {U, {"y", "train-ai", D08, false, false}, {"y", "train-ai", D08, false, false}, U, U},
         {{"n", "all", D02, true, false},
          {"y", "train-ai", D08, false, false},
          {"y", "train-ai", D08, false, false},
          {"n", "all", D02, true, true},
          {"n", "all", D02, true, true}}},
        /* a current label beats a legacy one for the same category */
        {{"train-ai=y, train-genai=n"},
         {U, {"y", "train-ai", D08, false, false}, {"y", "train-ai", D08, false, false}, U, U},
         {U, {"y", "train-ai", D08, false, false}, {"y", "train-ai", D08, false, false}, U, U}},
        /* -04's ai-output contained search */
        {{"ai-output=n"},
         {U, U, U, U, U},
         {U,
          U,
          U,
          {"n", "ai-output", "draft-ietf-aipref-vocab-04", true, false},
          {"n", "ai-output", "draft-ietf-aipref-vocab-04", true, true}}},
        /* -01's ai (all AI training) contained genai */
        {{"ai=n"},
         {U, U, U, U, U},
         {U,
          {"n", "ai", "draft-ietf-aipref-vocab-01", true, false},
          {"n", "ai", "draft-ietf-aipref-vocab-01", true, true},
          U,
          U}},
        /* two statements: the legacy deny decides under the default
         * reading, the current allow under the current reading */
        {{"train-genai=n;exceptions=cc-cr-ec", "train-ai=y"},
         {U, {"y", "train-ai", D08, false, false}, {"y", "train-ai", D08, false, false}, U, U},
         {U,
          {"n+", "train-genai", D02, true, false},
          {"n+", "train-genai", D02, true, false},
          U,
          U}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i]);
}

/* The decision for CC's header example carries both readings' results. */
static void decisions(void **state) {
    (void)state;
    ccsig_statement st;
    ccsig_error err;
    const char *e = "train-genai=n;exceptions=cc-cr-ec";
    ccsig_statement_init(&st, CCSIG_SRC_HEADER);
    assert_int_equal(ccsig_pref_parse(&A, e, strlen(e), &st, NULL, &err), CCSIG_OK);
    ccsig_profile p = {CCSIG_CAT_TRAIN_AI, CCSIG_COND_CREDIT | CCSIG_COND_ECOSYSTEM_CONTRIBUTION,
                       CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT};
    ccsig_verdict v;
    ccsig_decision d;
    ccsig_combine_read(&st, 1, p.reading, &v);
    ccsig_decide(&v, &p, &d);
    assert_int_equal(d.result, CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS);
    assert_int_equal(d.obligations, CCSIG_COND_CREDIT | CCSIG_COND_ECOSYSTEM_CONTRIBUTION);
    assert_true(d.legacy);
    assert_int_equal(d.other, CCSIG_RESULT_UNKNOWN);
    assert_int_equal(d.reading, CCSIG_READING_DEFAULT);

    p.reading = CCSIG_READING_CURRENT;
    p.commitments = 0;
    ccsig_combine_read(&st, 1, p.reading, &v);
    ccsig_decide(&v, &p, &d);
    assert_int_equal(d.result, CCSIG_RESULT_UNKNOWN);
    assert_false(d.legacy);
    assert_int_equal(d.other, CCSIG_RESULT_NOT_PERMITTED);
}

/* Other mechanisms keep their own mapping under both readings: a
 * Content-Signal-like term for train-ai covers generative training. */
static void other_mechanisms(void **state) {
    (void)state;
    ccsig_statement st;
    ccsig_statement_init(&st, CCSIG_SRC_ROBOTS);
    ccsig_statement_set(&st, CCSIG_CAT_TRAIN_AI, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, 0,
                        CCSIG_STR_LIT("ai-train"));
    for (int r = 0; r < CCSIG_READING_COUNT; r++) {
        ccsig_pref out[CCSIG_CAT_COUNT];
        ccsig_statement_read(&st, (ccsig_reading)r, out);
        assert_int_equal(out[CCSIG_CAT_TRAIN_GENAI].state, CCSIG_STATE_DENY);
        assert_int_equal(out[CCSIG_CAT_TRAIN_GENAI].via, CCSIG_CAT_TRAIN_AI);
        assert_null(ccsig_pref_vocab(&out[CCSIG_CAT_TRAIN_GENAI]));
        assert_int_equal(out[CCSIG_CAT_SEARCH].state, CCSIG_STATE_UNKNOWN);
    }
}

/* The label table says, for every label, which drafts defined it, what it
 * meant and what it answers; the reading names parse. */
static void label_table(void **state) {
    (void)state;
    size_t n;
    const ccsig_label_info *t = ccsig_vocab_labels(&n);
    int current = 0;
    for (size_t i = 0; i < n; i++) {
        assert_non_null(strstr(t[i].defined_in, "draft-ietf-aipref-vocab-"));
        assert_non_null(strstr(t[i].draft, "draft-ietf-aipref-vocab-"));
        assert_true(strlen(t[i].meaning) > 10);
        assert_true(t[i].answers & (1u << t[i].category));
        if (t[i].current) {
            current++;
            assert_int_equal(t[i].covers, 0); /* no hierarchy since -07 */
            assert_string_equal(ccsig_label_draft(&t[i]), CCSIG_VOCAB_CURRENT_DRAFT);
        } else {
            assert_non_null(t[i].current_equivalent);
        }
    }
    assert_int_equal(current, 3);
    assert_null(ccsig_category_label(CCSIG_CAT_AUTOMATED_PROCESSING));
    assert_string_equal(ccsig_category_label(CCSIG_CAT_TRAIN_GENAI), "train-ai");
    assert_string_equal(ccsig_category_legacy_label(CCSIG_CAT_AUTOMATED_PROCESSING), "all");
    ccsig_reading r;
    assert_true(ccsig_reading_parse("current", 7, &r) && r == CCSIG_READING_CURRENT);
    assert_true(ccsig_reading_parse("default", 7, &r) && r == CCSIG_READING_DEFAULT);
    assert_false(ccsig_reading_parse("legacy", 6, &r));
    assert_string_equal(ccsig_reading_name(CCSIG_READING_CURRENT), "current");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(draft08_examples), cmocka_unit_test(cc_readme_and_legacy),
        cmocka_unit_test(decisions),        cmocka_unit_test(other_mechanisms),
        cmocka_unit_test(label_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
