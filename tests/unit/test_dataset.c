/*
 * test_dataset.c — CC signals and licences in dataset metadata: Croissant
 * JSON-LD, Hugging Face dataset cards (YAML front matter), Frictionless
 * datapackage.json.
 */
#include "ccsig/buf.h"
#include "ccsig/declare.h"
#include "sources_test.h"

static ccsig_status ds(ccsig_dataset_format f, const char *doc, ccsig_error *err) {
    t_begin(NULL, NULL, false);
    return ccsig_dataset_read(&T, f, doc, strlen(doc), CCSIG_STR_LIT("meta"), err);
}

static void croissant(void **state) {
    (void)state;
    ccsig_error err;
    const char *doc =
        "{\n"
        "  \"@context\": {\"@vocab\": \"https://schema.org/\", \"sc\": \"https://schema.org/\",\n"
        "    \"cr\": \"http://mlcommons.org/croissant/\",\n"
        "    \"rai\": \"http://mlcommons.org/croissant/RAI/\",\n"
        "    \"ccsig\": \"https://ccsig.org/ns/ccsignals/1.0/\"},\n"
        "  \"@type\": \"sc:Dataset\",\n"
        "  \"conformsTo\": \"http://mlcommons.org/croissant/1.0\",\n"
        "  \"name\": \"example\",\n"
        "  \"license\": \"https://creativecommons.org/licenses/by/4.0/\",\n"
        "  \"rai:dataUseCases\": \"benchmarking\",\n"
        "  \"ccsig:contentUsage\": \"train-ai=n;exceptions=cc-cr-op\"\n"
        "}\n";
    assert_int_equal(ds(CCSIG_DATASET_CROISSANT, doc, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[credit,open]");
    assert_int_equal(T.sts[0].src.kind, CCSIG_SRC_DATASET);
    assert_int_equal(T.sts[0].src.line, 11);
    assert_true(t_str_is(T.sts[0].src.text, "ccsig:contentUsage: train-ai=n;exceptions=cc-cr-op"));
    assert_true(t_str_is(t_link(CCSIG_LINK_LICENSE, 0)->url,
                         "https://creativecommons.org/licenses/by/4.0/"));
    assert_int_equal(t_link(CCSIG_LINK_LICENSE, 0)->src.line, 9);
    assert_true(t_note("free text"));
    /* any prefix bound to the namespace; the full IRI; arrays; licence objects */
    doc =
        "{\"@context\": [\"https://schema.org\", {\"x\": \"https://ccsig.org/ns/ccsignals/1.0/\"}],"
        "\"x:contentUsage\": [\"search=y\", {\"@value\": \"train-ai=n\"}],"
        "\"https://ccsig.org/ns/ccsignals/1.0/contentUsage\": \"ai-use=n\","
        "\"y:contentUsage\": \"search=n\","
        "\"license\": [{\"@id\": \"https://l.example/1\", \"name\": \"One\"}, {\"name\": "
        "\"Two\"}]}";
    assert_int_equal(ds(CCSIG_DATASET_CROISSANT, doc, &err), CCSIG_OK);
    assert_string_equal(t_state(SEARCH), "allow"); /* y: is not bound to the namespace */
    assert_string_equal(t_state(TRAIN), "deny");
    assert_string_equal(t_state(AIUSE), "deny");
    assert_int_equal(T.n, 3);
    assert_true(t_str_is(t_link(CCSIG_LINK_LICENSE, 0)->url, "https://l.example/1"));
    assert_true(t_str_is(t_link(CCSIG_LINK_LICENSE, 1)->url, "Two"));
    /* not JSON, not an object, a non-string value */
    assert_int_equal(ds(CCSIG_DATASET_CROISSANT, "{\"a\": }", &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(ds(CCSIG_DATASET_CROISSANT, "[]", &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(ds(CCSIG_DATASET_CROISSANT, "{\"contentUsage\": 5}", &err), CCSIG_OK);
    assert_true(t_note("not an expression string"));
    assert_int_equal(ds(CCSIG_DATASET_CROISSANT, "{\n\"a\": 1,\n\"b\" 2}", &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 5);
    /* lines: a top-level member's value has its own; the items of an array
     * carry the line where the array starts (json.h) */
    doc = "\xEF\xBB\xBF{\n"
          "  \"name\": \"x\",\n"
          "  \"contentUsage\":\n"
          "    [\"search=y\",\n"
          "     \"train-ai=n\"],\n"
          "  \"license\": {\"@id\": \"https://l.example/1\"}\n"
          "}\n";
    assert_int_equal(ds(CCSIG_DATASET_CROISSANT, doc, &err), CCSIG_OK);
    assert_int_equal(T.n, 2);
    assert_int_equal(T.sts[0].src.line, 4);
    assert_int_equal(T.sts[1].src.line, 4);
    assert_int_equal(t_link(CCSIG_LINK_LICENSE, 0)->src.line, 6);
}

static void dataset_card(void **state) {
    (void)state;
    ccsig_error err;
    const char *card = "---\n"
                       "license: cc-by-4.0\n"
                       "language:\n"
                       "- en\n"
                       "content_usage: train-ai=n;exceptions=cc-cr\n"
                       "pretty_name: Example\n"
                       "---\n"
                       "# Example dataset\n\ncontent_usage: search=n (not front matter)\n";
    assert_int_equal(ds(CCSIG_DATASET_CARD, card, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[credit]");
    assert_string_equal(t_state(SEARCH), "unknown");
    assert_int_equal(T.sts[0].src.line, 5);
    assert_true(t_str_is(T.sts[0].src.text, "content_usage: train-ai=n;exceptions=cc-cr"));
    assert_true(t_str_is(t_link(CCSIG_LINK_LICENSE, 0)->url, "cc-by-4.0"));
    assert_int_equal(t_link(CCSIG_LINK_LICENSE, 0)->src.line, 2);
    /* a list, licence name and link, CRLF lines, a quoted value */
    card = "---\r\nlicense: other\r\nlicense_name: Example Licence\r\n"
           "license_link: https://e.example/LICENSE\r\ncontent_usage:\r\n  - \"search=y\"\r\n"
           "  - 'train-genai=n'\r\n...\r\nbody";
    assert_int_equal(ds(CCSIG_DATASET_CARD, card, &err), CCSIG_OK);
    assert_string_equal(t_state(SEARCH), "allow");
    assert_string_equal(t_state(GENAI), "deny");
    assert_int_equal(T.nlinks, 3);
    assert_int_equal(T.sts[1].src.line, 7);
    /* no front matter, bad YAML, not a mapping */
    assert_int_equal(ds(CCSIG_DATASET_CARD, "# Title\n", &err), CCSIG_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "front matter"));
    assert_int_equal(ds(CCSIG_DATASET_CARD, "---\nlicense: [a\n---\n", &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(err.line, 3);
    assert_int_equal(ds(CCSIG_DATASET_CARD, "---\n- a\n---\n", &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(ds(CCSIG_DATASET_CARD, "---\nx: &a [*a]\n---\n", &err), CCSIG_OK);
    assert_int_equal(ds(CCSIG_DATASET_CARD, "---\n---\n", &err), CCSIG_OK);
}

static void datapackage(void **state) {
    (void)state;
    ccsig_error err;
    const char *doc =
        "{\n  \"name\": \"example\",\n  \"licenses\": [\n"
        "    {\"name\": \"CC-BY-4.0\", \"path\": "
        "\"https://creativecommons.org/licenses/by/4.0/\", \"title\": \"CC BY 4.0\"}\n"
        "  ],\n"
        "  \"contentUsage\": \"train-ai=n;exceptions=cc-cr-ec, search=y\",\n"
        "  \"resources\": [{\"path\": \"data.csv\"}]\n}\n";
    assert_int_equal(ds(CCSIG_DATASET_DATAPACKAGE, doc, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[credit,ecosystem-contribution]");
    assert_string_equal(t_state(SEARCH), "allow");
    assert_int_equal(T.sts[0].src.line, 6);
    const ccsig_link *l = t_link(CCSIG_LINK_LICENSE, 0);
    assert_true(t_str_is(l->url, "https://creativecommons.org/licenses/by/4.0/"));
    assert_true(t_str_is(l->src.text, "licenses: https://creativecommons.org/licenses/by/4.0/ "
                                      "(CC-BY-4.0)"));
    assert_int_equal(
        ds(CCSIG_DATASET_DATAPACKAGE, "{\"licenses\": [{\"name\": \"ODC-BY-1.0\"}]}", &err),
        CCSIG_OK);
    assert_true(t_str_is(t_link(CCSIG_LINK_LICENSE, 0)->url, "ODC-BY-1.0"));
}

static void names(void **state) {
    (void)state;
    ccsig_dataset_format f;
    assert_true(ccsig_dataset_format_for_name("d/croissant.json", &f));
    assert_int_equal(f, CCSIG_DATASET_CROISSANT);
    assert_true(ccsig_dataset_format_for_name("mnist.croissant.json", &f));
    assert_true(ccsig_dataset_format_for_name("README.md", &f));
    assert_int_equal(f, CCSIG_DATASET_CARD);
    assert_true(ccsig_dataset_format_for_name("/x/datapackage.json", &f));
    assert_int_equal(f, CCSIG_DATASET_DATAPACKAGE);
    assert_false(ccsig_dataset_format_for_name("data.csv", &f));
    assert_string_equal(ccsig_dataset_format_name(CCSIG_DATASET_CARD), "dataset-card");
}

/* Write each format and read it back: the same statement as the expression
 * alone (the round trip of ccsig declare --format croissant|dataset-card|
 * datapackage). */
static void round_trip(void **state) {
    (void)state;
    const char *exprs[] = {"train-ai=n;exceptions=cc-cr", "train-genai=n;exceptions=cc-cr-ec",
                           "search=y", "ai-use=n", "train-ai=n;exceptions=cc-cr-op, search=y"};
    const char *names[] = {NULL, "Tiny \"quoted\" \\ set", "Caf\xc3\xa9 collection"};
    for (size_t e = 0; e < sizeof exprs / sizeof exprs[0]; e++)
        for (size_t n = 0; n < 3; n++)
            for (int f = 0; f < CCSIG_DATASET_FORMAT_COUNT; f++) {
                ccsig_dataset_decl d = {exprs[e], names[n], n ? "Museum \"X\"" : NULL,
                                        n ? "https://museum.example/" : NULL,
                                        n == 2 ? "https://museum.example/ai" : NULL};
                ccsig_buf b = CCSIG_BUF_INIT;
                ccsig_error err;
                assert_int_equal(ccsig_dataset_write((ccsig_dataset_format)f, &d, &b, &err),
                                 CCSIG_OK);
                /* what it says */
                t_begin(NULL, NULL, false);
                if (ccsig_dataset_read(&T, (ccsig_dataset_format)f, b.data, b.len,
                                       CCSIG_STR_LIT("x"), &err) != CCSIG_OK)
                    fail_msg("%s: %s\n%s", ccsig_dataset_format_name((ccsig_dataset_format)f),
                             err.message, b.data);
                assert_int_equal(T.n, 1);
                ccsig_verdict got, want;
                ccsig_combine(T.sts, T.n, &got);
                ccsig_statement ref;
                ccsig_statement_init(&ref, CCSIG_SRC_EXPRESSION);
                ccsig_arena a;
                ccsig_arena_init(&a, 0);
                ccsig_pref_parse(&a, exprs[e], strlen(exprs[e]), &ref, NULL, &err);
                ccsig_combine(&ref, 1, &want);
                for (int k = 0; k < CCSIG_CAT_COUNT; k++) {
                    assert_int_equal(got.cat[k].state, want.cat[k].state);
                    assert_int_equal(got.cat[k].conditions, want.cat[k].conditions);
                    assert_int_equal(got.cat[k].signals, want.cat[k].signals);
                }
                ccsig_arena_free(&a);
                ccsig_buf_free(&b);
            }
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_error err;
    ccsig_dataset_decl bad = {NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(ccsig_dataset_write(CCSIG_DATASET_CARD, &bad, &b, &err), CCSIG_ERR_USAGE);
    ccsig_dataset_decl ctl = {"train-ai=n", "a\nb", NULL, NULL, NULL};
    assert_int_equal(ccsig_dataset_write(CCSIG_DATASET_CARD, &ctl, &b, &err), CCSIG_ERR_USAGE);
    ccsig_buf_free(&b);
}

/* ccsig declare --format croissant|dataset-card|datapackage, read back by
 * the readers: the statement the declaration makes, for every category,
 * allow and deny with each signal. */
static void declare_round_trip(void **state) {
    (void)state;
    const ccsig_declare_format fmts[] = {CCSIG_DECLARE_CROISSANT, CCSIG_DECLARE_DATASET_CARD,
                                         CCSIG_DECLARE_DATAPACKAGE};
    const ccsig_dataset_format dfs[] = {CCSIG_DATASET_CROISSANT, CCSIG_DATASET_CARD,
                                        CCSIG_DATASET_DATAPACKAGE};
    for (int cat = 0; cat < CCSIG_CAT_COUNT; cat++)
        for (int sig = -1; sig < CCSIG_SIGNAL_COUNT; sig++)
            for (int k = 0; k < 3; k++) {
                ccsig_declaration d;
                ccsig_declaration_init(&d);
                d.use = (ccsig_category)cat;
                d.state = sig < 0 ? CCSIG_STATE_ALLOW : CCSIG_STATE_DENY;
                d.signal = sig < 0 ? CCSIG_SIGNAL_NONE : (ccsig_signal)sig;
                d.collection = "Photographs \"1900-1950\"";
                d.party_name = "Example Museum";
                d.party_url = "https://museum.example/";
                d.policy_url = "https://museum.example/ai";
                ccsig_buf b = CCSIG_BUF_INIT;
                ccsig_error err;
                assert_int_equal(ccsig_declare_write(&d, fmts[k], &b, &err), CCSIG_OK);
                assert_string_equal(ccsig_declare_format_name(fmts[k]),
                                    ccsig_dataset_format_name(dfs[k]));
                t_begin(NULL, NULL, false);
                assert_int_equal(
                    ccsig_dataset_read(&T, dfs[k], b.data, b.len, CCSIG_STR_LIT("x"), &err),
                    CCSIG_OK);
                assert_int_equal(T.n, 1);
                ccsig_statement want;
                ccsig_declare_statement(&d, &want);
                ccsig_verdict vg, vw;
                ccsig_combine(T.sts, 1, &vg);
                ccsig_combine(&want, 1, &vw);
                for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
                    assert_int_equal(vg.cat[c].state, vw.cat[c].state);
                    assert_int_equal(vg.cat[c].conditions, vw.cat[c].conditions);
                    assert_int_equal(vg.cat[c].signals, vw.cat[c].signals);
                }
                ccsig_buf_free(&b);
            }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(croissant),   cmocka_unit_test(dataset_card),
        cmocka_unit_test(datapackage), cmocka_unit_test(names),
        cmocka_unit_test(round_trip),  cmocka_unit_test(declare_round_trip),
    };
    return cmocka_run_group_tests(tests, t_setup, t_teardown);
}
