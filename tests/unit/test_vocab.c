/* Unit tests: the label table, hierarchy, CC signals and purposes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ccsig/vocab.h"

static void labels_map_to_categories(void **state) {
    (void)state;
    static const struct {
        const char *label;
        ccsig_category cat;
        bool current;
    } want[] = {
        {"train-ai", CCSIG_CAT_TRAIN_AI, true},
        {"search", CCSIG_CAT_SEARCH, true},
        {"all", CCSIG_CAT_AUTOMATED_PROCESSING, false},
        {"bots", CCSIG_CAT_AUTOMATED_PROCESSING, false},
        {"tdm", CCSIG_CAT_AUTOMATED_PROCESSING, false},
        {"ai", CCSIG_CAT_TRAIN_AI, false},
        {"genai", CCSIG_CAT_TRAIN_GENAI, false},
        {"train-genai", CCSIG_CAT_TRAIN_GENAI, false},
        {"ai-use", CCSIG_CAT_AI_USE, true}, /* -02, dropped in -03, current again in -08 */
        {"inference", CCSIG_CAT_AI_USE, false},
        {"ai-output", CCSIG_CAT_AI_USE, false},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const ccsig_label_info *li = ccsig_vocab_lookup(want[i].label, strlen(want[i].label));
        assert_non_null(li);
        assert_int_equal(li->category, want[i].cat);
        assert_int_equal(li->current, want[i].current);
        assert_true(strstr(li->defined_in, "draft-ietf-aipref-vocab") != NULL);
    }
    size_t n;
    ccsig_vocab_labels(&n);
    assert_int_equal(n, sizeof want / sizeof *want);
    /* Labels are case-sensitive; unknown labels are not in the table. */
    assert_null(ccsig_vocab_lookup("Train-AI", 8));
    assert_null(ccsig_vocab_lookup("ai-train", 8));
    assert_string_equal(ccsig_vocab_lookup("genai", 5)->current_equivalent, "train-ai");
}

static void hierarchy(void **state) {
    (void)state;
    assert_int_equal(ccsig_category_parent(CCSIG_CAT_TRAIN_GENAI), CCSIG_CAT_TRAIN_AI);
    assert_int_equal(ccsig_category_parent(CCSIG_CAT_TRAIN_AI), CCSIG_CAT_AUTOMATED_PROCESSING);
    assert_int_equal(ccsig_category_parent(CCSIG_CAT_AI_USE), CCSIG_CAT_AUTOMATED_PROCESSING);
    assert_int_equal(ccsig_category_parent(CCSIG_CAT_SEARCH), CCSIG_CAT_AUTOMATED_PROCESSING);
    assert_int_equal(ccsig_category_parent(CCSIG_CAT_AUTOMATED_PROCESSING), CCSIG_CAT_NONE);
    assert_true(ccsig_category_contains(CCSIG_CAT_AUTOMATED_PROCESSING, CCSIG_CAT_TRAIN_GENAI));
    assert_false(ccsig_category_contains(CCSIG_CAT_TRAIN_AI, CCSIG_CAT_SEARCH));
    ccsig_category c;
    assert_true(ccsig_category_parse("automated-processing", 20, &c));
    assert_int_equal(c, CCSIG_CAT_AUTOMATED_PROCESSING);
    assert_true(ccsig_category_parse("inference", 9, &c));
    assert_int_equal(c, CCSIG_CAT_AI_USE);
    assert_false(ccsig_category_parse("painting", 8, &c));
    assert_string_equal(ccsig_category_name(CCSIG_CAT_AI_USE), "ai-use");
}

static void signals_and_conditions(void **state) {
    (void)state;
    ccsig_signal s;
    assert_true(ccsig_signal_from_token("cc-cr", 5, &s));
    assert_int_equal(ccsig_signal_conditions(s), CCSIG_COND_CREDIT);
    assert_true(ccsig_signal_from_token("cc-cr-dc", 8, &s));
    assert_int_equal(ccsig_signal_conditions(s),
                     CCSIG_COND_CREDIT | CCSIG_COND_DIRECT_CONTRIBUTION);
    assert_true(ccsig_signal_from_token("cc-cr-ec", 8, &s));
    assert_int_equal(ccsig_signal_conditions(s),
                     CCSIG_COND_CREDIT | CCSIG_COND_ECOSYSTEM_CONTRIBUTION);
    assert_true(ccsig_signal_from_token("cc-cr-op", 8, &s));
    assert_int_equal(ccsig_signal_conditions(s), CCSIG_COND_CREDIT | CCSIG_COND_OPEN);
    assert_false(ccsig_signal_from_token("cc-by", 5, &s));
    assert_false(ccsig_signal_from_token("CC-CR", 5, &s));
    assert_true(ccsig_signal_from_short("cr-op", 5, &s));
    assert_int_equal(s, CCSIG_SIGNAL_CR_OP);
    assert_true(ccsig_signal_from_short("none", 4, &s));
    assert_int_equal(s, CCSIG_SIGNAL_NONE);
    assert_string_equal(ccsig_signal_title(CCSIG_SIGNAL_CR_EC), "Credit + Ecosystem Contribution");
    assert_true(strstr(ccsig_condition_terms(CCSIG_COND_CREDIT), "appropriate credit") != NULL);

    unsigned m;
    size_t bad;
    assert_true(ccsig_conditions_parse("credit, open", 12, &m, &bad));
    assert_int_equal(m, CCSIG_COND_CREDIT | CCSIG_COND_OPEN);
    assert_true(ccsig_conditions_parse("none", 4, &m, &bad));
    assert_int_equal(m, 0);
    assert_false(ccsig_conditions_parse("credit,money", 12, &m, &bad));
    assert_int_equal(bad, 7);
    assert_string_equal(ccsig_condition_name(CCSIG_COND_ECOSYSTEM_CONTRIBUTION),
                        "ecosystem-contribution");
}

static void purposes(void **state) {
    (void)state;
    static const char *const names[] = {"malicious-content-detection", "accessibility", "archiving",
                                        "research"};
    for (int i = 0; i < 4; i++) {
        ccsig_purpose p;
        assert_true(ccsig_purpose_parse(names[i], strlen(names[i]), &p));
        assert_int_equal(p, i + 1);
        assert_string_equal(ccsig_purpose_name(p), names[i]);
        assert_true(strlen(ccsig_purpose_description(p)) > 10);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(labels_map_to_categories),
        cmocka_unit_test(hierarchy),
        cmocka_unit_test(signals_and_conditions),
        cmocka_unit_test(purposes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
