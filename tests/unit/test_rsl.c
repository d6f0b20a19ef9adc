/*
 * test_rsl.c — RSL 1.0 licence documents (peer-signals.md §3): the mapping
 * of permits / prohibits / payment to states and obligations, content
 * selection, alternative licences, and errors.
 */
#include "sources_test.h"

static ccsig_status rsl(const char *url, const char *doc, ccsig_error *err) {
    t_begin(NULL, url, false);
    return ccsig_rsl_read(&T, doc, strlen(doc), CCSIG_STR_LIT("https://e.example/license.xml"),
                          err);
}

/* The reference's example document. */
static const char *example =
    "<rsl xmlns=\"https://rslstandard.org/rsl\">\n"
    "  <content url=\"/photos/*.jpg$\" server=\"https://licensing.example/api\">\n"
    "    <license>\n"
    "      <permits type=\"usage\">search,ai-input</permits>\n"
    "      <prohibits type=\"usage\">ai-train</prohibits>\n"
    "      <payment type=\"attribution\">\n"
    "        <standard>https://creativecommons.org/licenses/by/4.0/</standard>\n"
    "      </payment>\n"
    "    </license>\n"
    "  </content>\n"
    "</rsl>\n";

static void reference_example(void **state) {
    (void)state;
    ccsig_error err;
    assert_int_equal(rsl("https://e.example/photos/cat.jpg", example, &err), CCSIG_OK);
    /* payment and the licence server are obligations, never a plain allow */
    assert_string_equal(t_state(SEARCH), "deny[credit,license]");
    assert_string_equal(t_state(AIUSE), "deny[credit,license]");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_string_equal(t_state(GENAI), "deny");
    assert_string_equal(t_state(AP), "unknown");
    assert_int_equal(T.n, 1);
    assert_int_equal(T.sts[0].src.kind, CCSIG_SRC_RSL);
    assert_int_equal(T.sts[0].src.line, 2);
    assert_true(t_str_is(T.sts[0].src.text,
                         "content url=\"/photos/*.jpg$\" server=\"https://licensing.example/api\"; "
                         "payment attribution; licence server; permits usage=search,ai-input; "
                         "prohibits usage=ai-train"));
    assert_true(t_str_is(t_link(CCSIG_LINK_LICENSE, 0)->url,
                         "https://creativecommons.org/licenses/by/4.0/"));
    /* another path: no content matches */
    assert_int_equal(rsl("https://e.example/photos/cat.png", example, &err), CCSIG_OK);
    assert_int_equal(T.n, 0);
    assert_true(t_note("no <content>"));
}

static void free_permits_allow(void **state) {
    (void)state;
    ccsig_error err;
    assert_int_equal(rsl("https://e.example/a",
                         "<rsl xmlns='https://rslstandard.org/rsl'><content url='/'><license>"
                         "<permits type='usage'>all</permits><payment type='free'/>"
                         "</license></content></rsl>",
                         &err),
                     CCSIG_OK);
    assert_string_equal(t_state(AP), "allow");
    assert_string_equal(t_state(TRAIN), "allow");
    assert_string_equal(t_state(SEARCH), "allow");
    /* ai-all: training and AI use; contribution; default usage type */
    assert_int_equal(rsl("https://e.example/a",
                         "<rsl xmlns='https://rslstandard.org/rsl'><content url='/'><license>"
                         "<permits>ai-all</permits><payment type='contribution'/>"
                         "</license></content></rsl>",
                         &err),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[ecosystem-contribution]");
    assert_string_equal(t_state(AIUSE), "deny[ecosystem-contribution]");
    assert_string_equal(t_state(SEARCH), "unknown");
}

static void collective_royalty(void **state) {
    (void)state;
    ccsig_error err;
    /* the RSL Collective's paid AI training licence */
    assert_int_equal(rsl("https://e.example/post",
                         "<rsl xmlns=\"https://rslstandard.org/rsl\">\n"
                         "  <content url=\"/\" server=\"https://rslcollective.org/api\">\n"
                         "    <license>\n"
                         "      <permits type=\"usage\">ai-train</permits>\n"
                         "      <payment type=\"royalty\">\n"
                         "          <standard>https://rslcollective.org/license</standard>\n"
                         "      </payment>\n"
                         "    </license>\n"
                         "  </content>\n"
                         "</rsl>",
                         &err),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[payment,license]");
    assert_string_equal(t_state(SEARCH), "unknown");
}

static void alternatives_and_limits(void **state) {
    (void)state;
    ccsig_error err;
    /* two licences: free search, paid training; a user limit makes a policy */
    assert_int_equal(rsl("https://e.example/news/1",
                         "<rsl xmlns='https://rslstandard.org/rsl'>"
                         "<content url='/'><license><prohibits>all</prohibits></license></content>"
                         "<content url='/news/'>"
                         "<license><permits>search</permits></license>"
                         "<license><permits>ai-train,search</permits>"
                         "<payment type='purchase'><amount currency='USD'>10</amount></payment>"
                         "</license>"
                         "<license><permits type='usage'>ai-input</permits>"
                         "<permits type='user'>non-commercial</permits></license>"
                         "</content></rsl>",
                         &err),
                     CCSIG_OK);
    assert_string_equal(t_state(SEARCH), "allow");
    assert_string_equal(t_state(TRAIN), "deny[payment]");
    assert_string_equal(t_state(AIUSE), "deny[policy]");
    assert_int_equal(T.sts[0].src.line, 1);
    assert_non_null(strstr(T.sts[0].src.text.p, "payment purchase 10 USD"));
    /* absolute content urls must name the host */
    const char *abs = "<rsl xmlns='https://rslstandard.org/rsl'>"
                      "<content url='https://other.example/*'><license><prohibits>all</prohibits>"
                      "</license></content>"
                      "<content url='https://E.example/premium/*'><license><prohibits>ai-train"
                      "</prohibits></license></content></rsl>";
    assert_int_equal(rsl("https://e.example/premium/x", abs, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    assert_string_equal(t_state(SEARCH), "unknown");
    assert_int_equal(rsl("https://e.example/free/x", abs, &err), CCSIG_OK);
    assert_int_equal(T.n, 0);
}

static void legacy_and_unknown_tokens(void **state) {
    (void)state;
    ccsig_error err;
    assert_int_equal(rsl("https://e.example/",
                         "<rsl xmlns='https://rslstandard.org/rsl'><content url='/'><license>"
                         "<prohibits type='usage'>tdm, train-ai ,ai-index</prohibits>"
                         "<permits type='geo'>US</permits>"
                         "</license></content><content/></rsl>",
                         &err),
                     CCSIG_OK);
    assert_string_equal(t_state(AP), "deny");
    assert_true(t_note("pre-1.0"));
    assert_true(t_note("'train-ai' is not an RSL 1.0 usage"));
    assert_true(t_note("without a url"));
}

static void errors(void **state) {
    (void)state;
    ccsig_error err;
    assert_int_equal(rsl("/", "<rsl><content url='/'/></rsl>", &err), CCSIG_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "namespace"));
    assert_int_equal(rsl("/", "<rsl xmlns='https://rslstandard.org/rsl'><content>", &err),
                     CCSIG_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "not XML"));
    assert_int_equal(rsl("/", "", &err), CCSIG_ERR_SYNTAX);
    /* external entities are never loaded */
    assert_int_equal(rsl("/",
                         "<!DOCTYPE rsl [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                         "<rsl xmlns='https://rslstandard.org/rsl'><content url='/'><license>"
                         "<prohibits>&x;ai-train</prohibits></license></content></rsl>",
                         &err),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    assert_false(t_note("root:"));
    /* a content without licences */
    assert_int_equal(
        rsl("/", "<rsl xmlns='https://rslstandard.org/rsl'><content url='/'/></rsl>", &err),
        CCSIG_OK);
    assert_true(t_note("no <license>"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_example),         cmocka_unit_test(free_permits_allow),
        cmocka_unit_test(collective_royalty),        cmocka_unit_test(alternatives_and_limits),
        cmocka_unit_test(legacy_and_unknown_tokens), cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, t_setup, t_teardown);
}
