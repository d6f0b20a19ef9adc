/*
 * test_headers.c — the HTTP header readers and the collector (TDMRep
 * precedence), from the examples of each mechanism's spec
 * (../shared/specs/peer-signals.md) and from real responses.
 */
#include <strings.h>

#include "ccsig/fetch.h"
#include "ccsig/robots.h"
#include "ccsig/url.h"
#include "sources_test.h"

/* ---- noai / noimageai ---- */

static void xrobots_noai(void **state) {
    (void)state;
    t_begin("ExampleBot", "https://example.org/page", false);
    t_header("X-Robots-Tag", "noai");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_string_equal(t_state(GENAI), "deny");
    assert_string_equal(t_state(SEARCH), "unknown");
    assert_string_equal(t_state(AP), "unknown");
    assert_int_equal(T.n, 1);
    assert_true(t_str_is(T.sts[0].src.origin, "X-Robots-Tag"));
    assert_true(t_str_is(T.sts[0].src.text, "noai"));
    assert_int_equal(T.sts[0].src.kind, CCSIG_SRC_HEADER);
}

static void xrobots_case_and_list(void **state) {
    (void)state;
    t_begin(NULL, NULL, false);
    t_header("x-robots-tag", "noindex, NoAI ,nofollow");
    assert_string_equal(t_state(TRAIN), "deny");
    t_begin(NULL, NULL, false);
    t_header("X-Robots-Tag", "noindex, nofollow, nosnippet");
    assert_int_equal(T.n, 0);
    assert_string_equal(t_state(SEARCH), "unknown");
}

static void noimageai_scope(void **state) {
    (void)state;
    /* DeviantArt: noimageai on the page applies to its images, not the page. */
    t_begin(NULL, "https://example.org/art", false);
    t_header("X-Robots-Tag", "noimageai");
    assert_string_equal(t_state(TRAIN), "unknown");
    assert_true(t_note("noimageai applies to images"));
    /* ... and on the image response itself it applies. */
    t_begin(NULL, "https://example.org/art.jpg", true);
    t_header("X-Robots-Tag", "noimageai");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_true(t_str_is(T.sts[0].cat[TRAIN].label, "noimageai"));
}

static void legacy_agent_prefix(void **state) {
    (void)state;
    t_begin("GPTBot", NULL, false);
    t_header("X-Robots-Tag", "GPTBot: noai");
    assert_string_equal(t_state(TRAIN), "deny");
    t_begin("gptbot", NULL, false); /* agent tokens compare case-insensitively */
    t_header("X-Robots-Tag", "GPTBot: noai");
    assert_string_equal(t_state(TRAIN), "deny");
    t_begin("OtherBot", NULL, false);
    t_header("X-Robots-Tag", "GPTBot: noai, noimageai");
    assert_string_equal(t_state(TRAIN), "unknown");
    assert_true(t_note("addressed to 'GPTBot'"));
    t_begin(NULL, NULL, false);
    t_header("X-Robots-Tag", "GPTBot: noai");
    assert_string_equal(t_state(TRAIN), "unknown");
}

static void unavailable_after_is_not_an_agent(void **state) {
    (void)state;
    t_begin("ExampleBot", NULL, false);
    t_header("X-Robots-Tag", "unavailable_after: 25 Jun 2010 15:00:00 PST");
    assert_int_equal(T.n, 0);
    assert_int_equal(T.nnotes, 0);
    t_begin("ExampleBot", NULL, false);
    t_header("X-Robots-Tag", "max-snippet: 20, noai");
    assert_string_equal(t_state(TRAIN), "deny");
}

static void repext_list_form(void **state) {
    (void)state;
    /* draft-illyes-repext-03 example form */
    t_begin("ExampleBot", NULL, false);
    t_header("Robots-Tag", "*;noai, ExampleBot;noindex");
    assert_string_equal(t_state(TRAIN), "deny");
    t_begin("OtherBot", NULL, false);
    t_header("Robots-Tag", "ExampleBot;noai");
    assert_string_equal(t_state(TRAIN), "unknown");
    assert_true(t_note("addressed to 'ExampleBot'"));
    t_begin("ExampleBot", NULL, false);
    t_header("Robots-Tag", "ExampleBot;noai;noindex, *;nofollow");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_int_equal(T.n, 1);
    /* the union of '*' and the agent's own rules gives one statement */
    t_begin("ExampleBot", "https://example.org/i.png", true);
    t_header("X-Robots-Tag", "*;noimageai, ExampleBot;noai");
    assert_int_equal(T.n, 1);
    assert_string_equal(t_state(TRAIN), "deny");
}

/* ---- TDMRep headers and precedence ---- */

static void tdm_header_values(void **state) {
    (void)state;
    t_begin(NULL, "https://example.org/a", false);
    t_header("tdm-reservation", "1");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_string_equal(t_state(AIUSE), "deny");
    assert_string_equal(t_state(GENAI), "deny");
    assert_string_equal(t_state(SEARCH), "unknown"); /* left to robots.txt */
    assert_string_equal(t_state(AP), "unknown");
    assert_true(t_str_is(T.sts[0].src.origin, "tdm-reservation"));

    t_begin(NULL, "https://example.org/a", false);
    t_header("TDM-Reservation", " 1 ");
    t_header("TDM-Policy", "https://example.org/policy.json");
    assert_string_equal(t_state(TRAIN), "deny[policy]");
    const ccsig_link *l = t_link(CCSIG_LINK_TDM_POLICY, 0);
    assert_non_null(l);
    assert_true(t_str_is(l->url, "https://example.org/policy.json"));

    t_begin(NULL, "https://example.org/a", false);
    t_header("tdm-reservation", "0");
    t_header("tdm-policy", "https://example.org/policy.json");
    assert_string_equal(t_state(TRAIN), "allow");
    assert_string_equal(t_state(SEARCH), "allow");
    assert_true(t_note("ignored because tdm-reservation is 0"));
    assert_null(t_link(CCSIG_LINK_TDM_POLICY, 0));
}

static void tdm_header_errors(void **state) {
    (void)state;
    t_begin(NULL, NULL, false);
    t_header("tdm-reservation", "1, 0"); /* merged by a proxy */
    assert_string_equal(t_state(TRAIN), "unknown");
    assert_true(t_note("protocol error"));
    t_begin(NULL, NULL, false);
    t_header("tdm-reservation", "yes");
    assert_int_equal(T.n, 0);
    t_begin(NULL, NULL, false);
    t_header("tdm-reservation", "1");
    t_header("tdm-reservation", "0"); /* two lines = one merged field */
    assert_string_equal(t_state(TRAIN), "unknown");
    assert_true(t_note("both 0 and 1"));
    t_begin(NULL, NULL, false);
    t_header("tdm-policy", "https://example.org/p");
    assert_int_equal(T.n, 0);
    ccsig_collect_finish(&T);
    assert_true(t_note("without tdm-reservation"));
}

static void tdm_precedence(void **state) {
    (void)state;
    ccsig_provenance wk = {CCSIG_SRC_TDMREP,    2, CCSIG_STR_LIT("tdmrep.json"),
                           CCSIG_STR_LIT("{}"), 0, {NULL, 0}};
    ccsig_provenance html = {CCSIG_SRC_HTML,          5, CCSIG_STR_LIT("page.html"),
                             CCSIG_STR_LIT("<meta>"), 0, {NULL, 0}};
    ccsig_provenance emb = {CCSIG_SRC_XMP,        0, CCSIG_STR_LIT("doc.pdf"),
                            CCSIG_STR_LIT("tdm"), 0, {NULL, 0}};
    ccsig_str none = CCSIG_STR_LIT("");

    /* a header supersedes the well-known file */
    t_begin(NULL, NULL, false);
    ccsig_collect_tdm(&T, CCSIG_TDM_WELL_KNOWN, 1, none, &wk);
    t_header("tdm-reservation", "0");
    assert_string_equal(t_state(TRAIN), "allow");
    assert_int_equal(T.n, 1);
    assert_int_equal(T.sts[0].src.kind, CCSIG_SRC_HEADER);
    assert_true(t_note("supersedes"));

    /* absence never resets: the file's value stands */
    t_begin(NULL, NULL, false);
    ccsig_collect_tdm(&T, CCSIG_TDM_WELL_KNOWN, 1, CCSIG_STR_LIT("https://e/p"), &wk);
    t_header("tdm-policy", "https://e/header-policy");
    assert_string_equal(t_state(TRAIN), "deny[policy]");
    assert_int_equal(T.sts[0].src.kind, CCSIG_SRC_TDMREP);
    assert_true(t_str_is(t_link(CCSIG_LINK_TDM_POLICY, 0)->url, "https://e/header-policy"));

    /* HTML over header, embedded over HTML */
    t_begin(NULL, NULL, false);
    t_header("tdm-reservation", "1");
    ccsig_collect_tdm(&T, CCSIG_TDM_HTML, 0, none, &html);
    assert_string_equal(t_state(TRAIN), "allow");
    t_begin(NULL, NULL, false);
    ccsig_collect_tdm(&T, CCSIG_TDM_HTML, 0, none, &html);
    ccsig_collect_tdm(&T, CCSIG_TDM_EMBEDDED, 1, none, &emb);
    assert_string_equal(t_state(TRAIN), "deny");
    assert_int_equal(T.sts[0].src.kind, CCSIG_SRC_XMP);
    /* finishing twice adds nothing */
    ccsig_collect_finish(&T);
    assert_int_equal(T.n, 1);
}

/* ---- Content-Signal ---- */

static void content_signal_header(void **state) {
    (void)state;
    t_begin(NULL, NULL, false);
    t_header("Content-Signal", "search=yes, ai-input=no, ai-train=no, use=reference");
    assert_string_equal(t_state(SEARCH), "allow");
    assert_string_equal(t_state(AIUSE), "deny");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_string_equal(t_state(GENAI), "deny");
    assert_string_equal(t_state(AP), "unknown");
    assert_int_equal(T.nnotes, 0);

    t_begin(NULL, NULL, false);
    t_header("Content-Signals", "ai-train=no,ai-train=yes, search-ai=no, search=allow");
    assert_string_equal(t_state(TRAIN), "allow"); /* duplicate: last wins */
    /* allow/disallow: read as yes/no, as the robots.txt line reads them */
    assert_string_equal(t_state(SEARCH), "allow");
    assert_true(t_note("singular"));
    assert_true(t_note("'search-ai'"));
    assert_true(t_note("'allow' is not yes or no; read as 'yes'"));

    t_begin(NULL, NULL, false);
    t_header("Content-Signal", "AI-Train=Disallow, ai-input=maybe, search, ai-input=no");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_string_equal(t_state(AIUSE), "deny");
    assert_string_equal(t_state(SEARCH), "unknown");
    assert_true(t_note("'Disallow' is not yes or no; read as 'no'"));
    assert_true(t_note("uppercase"));
    assert_true(t_note("'maybe' is not yes or no"));
    assert_true(t_note("'search' is not key=value"));

    /* a later member with a value that states nothing replaces an earlier one */
    t_begin(NULL, NULL, false);
    t_header("Content-Signal", "ai-train=no, ai-train=perhaps");
    assert_string_equal(t_state(TRAIN), "unknown");
}

/* The header and the robots.txt line are read by one parser: the same text
 * gives the same states both ways. */
static void content_signal_same_in_robots(void **state) {
    (void)state;
    static const char *values[] = {
        "search=yes, ai-input=no, ai-train=no", "ai-train=disallow,search=allow",
        "AI-TRAIN=NO, ai-input=perhaps", "ai-train=no,ai-train=yes", "use=reference, search=no"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char txt[256];
        snprintf(txt, sizeof txt, "User-agent: *\nContent-Signal: %s\n", values[i]);
        ccsig_robots *r;
        ccsig_error err;
        assert_int_equal(ccsig_robots_compile(txt, strlen(txt), "r", &r, &err), CCSIG_OK);
        ccsig_robots_answer *ans = ccsig_robots_answer_new();
        assert_non_null(ans);
        assert_int_equal(ccsig_robots_check(r, "x", 1, "/", 1, ans), CCSIG_OK);
        const ccsig_robots_answer *a = ans;
        assert_int_equal(a->nst, 1);
        t_begin(NULL, NULL, false);
        t_header("Content-Signal", values[i]);
        ccsig_statement *h = &T.sts[0];
        for (int cat = 0; cat < CCSIG_CAT_COUNT; cat++)
            if (a->st[0].cat[cat].state != h->cat[cat].state)
                fail_msg("'%s': category %d robots %d header %d", values[i], cat,
                         a->st[0].cat[cat].state, h->cat[cat].state);
        ccsig_robots_answer_free(ans);
        ccsig_robots_free(r);
    }
}

/* ---- Link ---- */

static void link_rsl(void **state) {
    (void)state;
    t_begin(NULL, NULL, false);
    t_header("Link", "<https://example.org/license.xml>; rel=\"license\"; "
                     "type=\"application/rsl+xml\"");
    const ccsig_link *l = t_link(CCSIG_LINK_RSL, 0);
    assert_non_null(l);
    assert_true(t_str_is(l->url, "https://example.org/license.xml"));
    assert_true(t_str_is(l->src.origin, "Link"));
    assert_int_equal(T.n, 0);

    t_begin(NULL, NULL, false);
    t_header("link", "</style.css>; rel=preload; as=style, "
                     "<https://creativecommons.org/licenses/by/4.0/>; rel=\"license\", "
                     "<https://e/a,b.xml>;type=\"application/rsl+xml; charset=utf-8\";rel=\"x "
                     "license\"; title=\"a \\\"q\\\", b\"");
    assert_true(t_str_is(t_link(CCSIG_LINK_LICENSE, 0)->url,
                         "https://creativecommons.org/licenses/by/4.0/"));
    assert_true(t_str_is(t_link(CCSIG_LINK_RSL, 0)->url, "https://e/a,b.xml"));
    assert_null(t_link(CCSIG_LINK_RSL, 1));
    assert_null(t_link(CCSIG_LINK_LICENSE, 1));

    t_begin(NULL, NULL, false);
    t_header("Link", "https://no-brackets; rel=license");
    assert_int_equal(T.nlinks, 0);
    assert_true(t_note("does not start with '<'"));
}

/* ---- Content-Usage ---- */

static void content_usage_header(void **state) {
    (void)state;
    t_begin(NULL, NULL, false);
    t_header("Content-Usage", "train-genai=n;exceptions=cc-cr-ec");
    assert_string_equal(t_state(GENAI), "deny[credit,ecosystem-contribution]");
    /* train-genai (-02) meant what -08's train-ai means: it answers both,
     * as a legacy label (a current reader sees nothing: test_readings.c) */
    assert_string_equal(t_state(TRAIN), "deny[credit,ecosystem-contribution]");

    /* several lines join into one dictionary: the last duplicate wins */
    t_begin(NULL, NULL, false);
    ccsig_http_field h[] = {
        {CCSIG_STR_LIT("Content-Usage"), CCSIG_STR_LIT("train-ai=n")},
        {CCSIG_STR_LIT("X-Other"), CCSIG_STR_LIT("1")},
        {CCSIG_STR_LIT("content-usage"), CCSIG_STR_LIT("search=y, train-ai=y")},
    };
    assert_int_equal(ccsig_sources_from_headers(&T, h, 3), 2);
    assert_string_equal(t_state(TRAIN), "allow");
    assert_string_equal(t_state(SEARCH), "allow");
    assert_int_equal(T.n, 1);
    assert_true(t_note("more than once"));

    t_begin(NULL, NULL, false);
    t_header("Content-Usage", "Train-AI=n");
    assert_int_equal(T.n, 1);
    assert_false(T.sts[0].valid);
    assert_string_equal(t_state(TRAIN), "unknown");
}

static void every_header_at_once(void **state) {
    (void)state;
    t_begin("ccsig", "https://example.org/photo.jpg", true);
    ccsig_http_field h[] = {
        {CCSIG_STR_LIT("Content-Type"), CCSIG_STR_LIT("image/jpeg")},
        {CCSIG_STR_LIT("Content-Usage"), CCSIG_STR_LIT("search=y")},
        {CCSIG_STR_LIT("X-Robots-Tag"), CCSIG_STR_LIT("noimageai")},
        {CCSIG_STR_LIT("tdm-reservation"), CCSIG_STR_LIT("1")},
        {CCSIG_STR_LIT("Content-Signal"), CCSIG_STR_LIT("ai-input=yes")},
        {CCSIG_STR_LIT("Link"), CCSIG_STR_LIT("</license.xml>; rel=license; "
                                              "type=application/rsl+xml")},
    };
    assert_int_equal(ccsig_sources_from_headers(&T, h, 6), 5);
    assert_string_equal(t_state(SEARCH), "allow");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_string_equal(t_state(AIUSE), "deny"); /* tdm 1 beats ai-input=yes */
    assert_int_equal(T.n, 4);
    assert_non_null(t_link(CCSIG_LINK_RSL, 0));
}

static void collector_limits(void **state) {
    (void)state;
    t_begin(NULL, NULL, false);
    for (int i = 0; i < CCSIG_COLLECT_MAX_STATEMENTS + 5; i++)
        t_header("X-Robots-Tag", "noai");
    assert_int_equal(T.n, CCSIG_COLLECT_MAX_STATEMENTS);
    assert_int_equal(T.dropped, 5);
    assert_true(t_note("more than"));
    for (int i = 0; i < CCSIG_COLLECT_MAX_NOTES + 3; i++)
        t_header("tdm-reservation", "x");
    assert_int_equal(T.nnotes, CCSIG_COLLECT_MAX_NOTES);
    assert_true(T.notes_dropped > 0);
}

static void patterns(void **state) {
    (void)state;
    struct {
        const char *pat, *path;
        bool match;
    } cases[] = {
        {"/", "/anything", true},
        {"/photos/", "/photos/a.jpg", true},
        {"/photos/*.jpg$", "/photos/a.jpg", true},
        {"/photos/*.jpg$", "/photos/a.jpg?x=1", false},
        {"/photos/*.jpg", "/photos/a.jpg?x=1", true},
        {"*.pdf$", "/docs/x.pdf", true},
        {"/a*b*c", "/aXbYc/d", true},
        {"/a*b*c$", "/aXbYcZ", false},
        {"/%7Euser/", "/~user/x", true},
        {"/~user/", "/%7euser/x", true},
        {"/a%2fb", "/a%2Fb", true},
        {"/a%2fb", "/a/b", false},
        {"/Photos/", "/photos/", false},
        {"", "/x", true},
        {"$", "", true},
        {"/x$", "/x", true},
        {"/a$b", "/a$b", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (ccsig_robots_pattern_match(ccsig_str_c(cases[i].pat), ccsig_str_c(cases[i].path)) !=
            cases[i].match)
            fail_msg("pattern '%s' vs '%s': expected %d", cases[i].pat, cases[i].path,
                     cases[i].match);
    assert_true(
        t_str_is(ccsig_url_path(ccsig_str_c("https://h.example:8080/p/q?x#frag")), "/p/q?x"));
    assert_true(t_str_is(ccsig_url_path(ccsig_str_c("https://h.example")), "/"));
    assert_true(t_str_is(ccsig_url_path(ccsig_str_c("/local/path")), "/local/path"));
    assert_true(t_str_is(ccsig_url_path(ccsig_str_c("//h/p")), "/p"));
}

/* The real robots.txt files of ../shared/corpus/robots-real: their
 * Content-Signal lines through the header form's parser, and the
 * Crawl-delay the fetcher takes from them, without errors. */
static void robots_corpus(void **state) {
    (void)state;
    char path[4096];
    size_t files = 0, signals = 0, delays = 0;
    for (int i = 1; i < 1000; i++) {
        snprintf(path, sizeof path, CCSIG_SHARED_DIR "/corpus/robots-real/%04d.txt", i);
        size_t len;
        char *text = t_slurp(path, &len);
        if (!text)
            continue;
        files++;
        ccsig_robots *r;
        ccsig_error err;
        assert_int_equal(ccsig_robots_compile(text, len, path, &r, &err), CCSIG_OK);
        delays += ccsig_robots_crawl_delay(r, ccsig_robots_select(r, "ccsig", 5)) >= 0;
        delays += ccsig_robots_crawl_delay(r, ccsig_robots_select(r, "GPTBot", 6)) >= 0;
        ccsig_robots_free(r);
        for (char *line = text; line && *line;) {
            char *nl = strchr(line, '\n');
            size_t n = nl ? (size_t)(nl - line) : strlen(line);
            ccsig_str l = ccsig_str_make(line, n);
            if (n > 15 && !strncasecmp(line, "content-signal:", 15)) {
                t_begin(NULL, NULL, false);
                ccsig_statement *st = ccsig_collect_add(&T, CCSIG_SRC_HEADER);
                ccsig_content_signal_parse(l.p + 15, l.len - 15, st, NULL, NULL, NULL);
                signals++;
            }
            line = nl ? nl + 1 : NULL;
        }
        free(text);
    }
    print_message("%zu robots.txt files, %zu Content-Signal lines, %zu Crawl-delays\n", files,
                  signals, delays);
    assert_true(files >= 100);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xrobots_noai),
        cmocka_unit_test(xrobots_case_and_list),
        cmocka_unit_test(noimageai_scope),
        cmocka_unit_test(legacy_agent_prefix),
        cmocka_unit_test(unavailable_after_is_not_an_agent),
        cmocka_unit_test(repext_list_form),
        cmocka_unit_test(tdm_header_values),
        cmocka_unit_test(tdm_header_errors),
        cmocka_unit_test(tdm_precedence),
        cmocka_unit_test(content_signal_header),
        cmocka_unit_test(content_signal_same_in_robots),
        cmocka_unit_test(link_rsl),
        cmocka_unit_test(content_usage_header),
        cmocka_unit_test(every_header_at_once),
        cmocka_unit_test(collector_limits),
        cmocka_unit_test(patterns),
        cmocka_unit_test(robots_corpus),
    };
    return cmocka_run_group_tests(tests, t_setup, t_teardown);
}
