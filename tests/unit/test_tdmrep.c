/*
 * test_tdmrep.c — /.well-known/tdmrep.json (TDMRep Final CG Report
 * 2024-05-10, peer-signals.md §2): first matching rule in array order, the
 * protocol errors, and the JSON reader underneath.
 */
#include "sources_test.h"

static const char *site = "[\n"
                          "  {\n"
                          "    \"location\": \"/images/*\",\n"
                          "    \"tdm-reservation\": 1,\n"
                          "    \"tdm-policy\": \"https://provider.example/policies/policy.json\"\n"
                          "  },\n"
                          "  {\"location\": \"/*.pdf$\", \"tdm-reservation\": 1},\n"
                          "  {\"location\": \"/\", \"tdm-reservation\": 0}\n"
                          "]\n";

static ccsig_status read_for(const char *url, const char *doc, ccsig_error *err) {
    t_begin(NULL, url, false);
    return ccsig_tdmrep_read(&T, doc, strlen(doc), CCSIG_STR_LIT("tdmrep.json"), err);
}

static void first_match_wins(void **state) {
    (void)state;
    ccsig_error err;
    assert_int_equal(read_for("https://e.example/images/a.png", site, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[policy]");
    assert_string_equal(t_state(SEARCH), "unknown");
    assert_int_equal(T.sts[0].src.kind, CCSIG_SRC_TDMREP);
    assert_int_equal(T.sts[0].src.line, 2);
    assert_true(t_str_is(T.sts[0].src.origin, "tdmrep.json"));
    assert_true(t_str_is(T.sts[0].src.text,
                         "{\"location\": \"/images/*\", \"tdm-reservation\": 1, \"tdm-policy\": "
                         "\"https://provider.example/policies/policy.json\"}"));
    assert_true(t_str_is(t_link(CCSIG_LINK_TDM_POLICY, 0)->url,
                         "https://provider.example/policies/policy.json"));

    assert_int_equal(read_for("https://e.example/docs/x.pdf", site, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    assert_int_equal(T.sts[0].src.line, 7);
    assert_int_equal(read_for("https://e.example/docs/x.pdf?dl=1", site, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "allow"); /* $ anchors: falls to "/" */
    assert_int_equal(read_for("https://e.example/", site, &err), CCSIG_OK);
    assert_string_equal(t_state(AP), "allow");
    /* case-sensitive, percent-decoded */
    assert_int_equal(read_for("https://e.example/IMAGES/a.png", site, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "allow");
    assert_int_equal(read_for("https://e.example/%69mages/a.png", site, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[policy]");
}

static void smallest_file(void **state) {
    (void)state;
    ccsig_error err;
    assert_int_equal(
        read_for("https://e.example/x", "[{\"location\": \"/\", \"tdm-reservation\": 0}]", &err),
        CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "allow");
    /* no match: unset, and not 0 */
    assert_int_equal(
        read_for("https://e.example/x", "[{\"location\": \"/y\", \"tdm-reservation\": 1}]", &err),
        CCSIG_OK);
    assert_int_equal(T.n, 0);
    ccsig_collect_finish(&T);
    assert_int_equal(T.n, 0);
    assert_int_equal(read_for("https://e.example/x", "[]", &err), CCSIG_OK);
    assert_int_equal(T.n, 0);
}

static void protocol_errors(void **state) {
    (void)state;
    ccsig_error err;
    /* "1" as a string: accepted with a note */
    assert_int_equal(read_for("https://e.example/x",
                              "[{\"location\": \"/\", \"tdm-reservation\": \"1\"}]", &err),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    assert_true(t_note("the string \"1\""));
    /* invalid rules are skipped, the search goes on */
    assert_int_equal(read_for("https://e.example/x",
                              "[{\"tdm-reservation\": 1}, 7, {\"location\": \"/\", "
                              "\"tdm-reservation\": 2}, {\"location\": \"/\"},"
                              "{\"location\": \"/\", \"tdm-reservation\": 1, \"tdm-policy\": 5}]",
                              &err),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    assert_true(t_note("no location"));
    assert_true(t_note("not an object"));
    assert_true(t_note("not 2"));
    assert_true(t_note("no tdm-reservation"));
    assert_true(t_note("not a URL string"));
    /* only the integers 0 and 1: a real, another string, a literal are errors
     * (their text as jansson read them); -0 is the integer 0 */
    assert_int_equal(read_for("https://e.example/x",
                              "[{\"location\": \"/\", \"tdm-reservation\": 1.0},"
                              "{\"location\": \"/\", \"tdm-reservation\": \"2\"},"
                              "{\"location\": \"/\", \"tdm-reservation\": true},"
                              "{\"location\": \"/\", \"tdm-reservation\": [1]},"
                              "{\"location\": \"/\", \"tdm-reservation\": -0}]",
                              &err),
                     CCSIG_OK);
    assert_true(t_note("rule 1: tdm-reservation must be 0 or 1, not 1.0 "));
    assert_true(t_note("rule 2: tdm-reservation must be 0 or 1, not \"2\" "));
    assert_true(t_note("rule 3: tdm-reservation must be 0 or 1, not true "));
    assert_true(t_note("rule 4: tdm-reservation must be 0 or 1, not an array "));
    assert_string_equal(t_state(TRAIN), "allow");
    assert_int_equal(T.sts[0].src.line, 1);
    /* a repeated member: the last one wins */
    assert_int_equal(read_for("https://e.example/x",
                              "[{\"location\": \"/nope\", \"tdm-reservation\": 0, "
                              "\"location\": \"/\", \"tdm-reservation\": 1}]",
                              &err),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    /* an absolute URL as location: its path is compared */
    assert_int_equal(read_for("https://e.example/a/b",
                              "[{\"location\": \"https://e.example/a/\", \"tdm-reservation\": 1}]",
                              &err),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
}

static void not_a_document(void **state) {
    (void)state;
    ccsig_error err;
    assert_int_equal(read_for("https://e.example/", "{\"location\": \"/\"}", &err),
                     CCSIG_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "array"));
    assert_int_equal(read_for("https://e.example/", "[{\"location\": \"/\",}]", &err),
                     CCSIG_ERR_SYNTAX);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 19);
    assert_int_equal(read_for("https://e.example/", "[1,\n 2,\n \"a\x01\"]", &err),
                     CCSIG_ERR_SYNTAX);
    assert_int_equal(err.line, 3);
    assert_int_equal(read_for("https://e.example/", "[1] x", &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(read_for("https://e.example/", "", &err), CCSIG_ERR_SYNTAX);
    /* jansson's message and position: columns count characters, the BOM is one */
    assert_int_equal(read_for("https://e.example/", "[\n\"\xc3\xa9\xc3\xa9\", x]", &err),
                     CCSIG_ERR_SYNTAX);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 7);
    assert_non_null(strstr(err.message, "invalid token"));
    assert_int_equal(read_for("https://e.example/", "\xEF\xBB\xBF[1,]", &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 5);
    /* what jansson refuses: an integer past 64 bits, a lone surrogate */
    assert_int_equal(read_for("https://e.example/", "[99999999999999999999]", &err),
                     CCSIG_ERR_SYNTAX);
    assert_int_equal(read_for("https://e.example/", "[\"\\ud800\"]", &err), CCSIG_ERR_SYNTAX);
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    assert_int_equal(
        (t_begin(NULL, "/", false), ccsig_tdmrep_read(&T, deep, 200, CCSIG_STR_LIT("t"), &err)),
        CCSIG_ERR_LIMIT);
    /* past jansson's own limit (2048): also CCSIG_ERR_LIMIT */
    char deeper[6000];
    memset(deeper, '[', 3000);
    memset(deeper + 3000, ']', 3000);
    assert_int_equal((t_begin(NULL, "/", false),
                      ccsig_tdmrep_read(&T, deeper, sizeof deeper, CCSIG_STR_LIT("t"), &err)),
                     CCSIG_ERR_LIMIT);
}

static void json_strings(void **state) {
    (void)state;
    ccsig_error err;
    /* escapes in the location and the policy */
    assert_int_equal(read_for("https://e.example/caf\xc3\xa9/x",
                              "[{\"location\": \"/caf\\u00e9/\", \"tdm-reservation\": 1,"
                              "\"tdm-policy\": \"https:\\/\\/e.example\\/p \\ud83d\\ude00\"}]",
                              &err),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[policy]");
    assert_true(
        t_str_is(t_link(CCSIG_LINK_TDM_POLICY, 0)->url, "https://e.example/p \xf0\x9f\x98\x80"));
    assert_int_equal(read_for("/", "[\"\\x\"]", &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(read_for("/", "[\"\\u12\"]", &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(read_for("/", "[\"\xff\"]", &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(read_for("/", "[01]", &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(read_for("/", "[1.]", &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(read_for("/", "[-1.5e+3, true, false, null, {}]", &err), CCSIG_OK);
    assert_int_equal(read_for("/", "\xEF\xBB\xBF[]", &err), CCSIG_OK);
    /* \u0000 is kept inside a string */
    assert_int_equal(read_for("https://e.example/x",
                              "[{\"location\": \"/\", \"tdm-reservation\": 1,"
                              "\"tdm-policy\": \"https://e.example/a\\u0000b\"}]",
                              &err),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[policy]");
    const ccsig_str u = t_link(CCSIG_LINK_TDM_POLICY, 0)->url;
    assert_int_equal(u.len, 21);
    assert_memory_equal(u.p, "https://e.example/a\0b", 21);
    /* a rule's provenance: its line and text, after a BOM and a CRLF */
    assert_int_equal(
        read_for("https://e.example/x",
                 "\xEF\xBB\xBF[\r\n\t{\"location\": \"/\",\r\n \"tdm-reservation\": 0}\r\n]", &err),
        CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "allow");
    assert_int_equal(T.sts[0].src.line, 2);
    assert_true(t_str_is(T.sts[0].src.text, "{\"location\": \"/\", \"tdm-reservation\": 0}"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_match_wins), cmocka_unit_test(smallest_file),
        cmocka_unit_test(protocol_errors),  cmocka_unit_test(not_a_document),
        cmocka_unit_test(json_strings),
    };
    return cmocka_run_group_tests(tests, t_setup, t_teardown);
}
