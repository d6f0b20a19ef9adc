/*
 * test_robots.c — the robots.txt engine: every rule of RFC 9309 (section in
 * each test's name), every example of draft-ietf-aipref-attach, Content-Signal
 * (peer-signals §1), License (§3), limits, and lint.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ccsig/robots.h"

static ccsig_robots_answer *ans; /* made in main */

static ccsig_robots *compile_n(const char *s, size_t n) {
    ccsig_robots *r = NULL;
    ccsig_error err;
    assert_int_equal(ccsig_robots_compile(s, n, "robots.txt", &r, &err), CCSIG_OK);
    assert_non_null(r);
    return r;
}

static ccsig_robots *compile(const char *s) {
    return compile_n(s, strlen(s));
}

static const ccsig_robots_answer *ask(const ccsig_robots *r, const char *agent, const char *url) {
    assert_int_equal(ccsig_robots_check(r, agent, strlen(agent), url, strlen(url), ans), CCSIG_OK);
    /* The crawl-only query must agree. */
    ccsig_robots_agent a = ccsig_robots_select(r, agent, strlen(agent));
    assert_int_equal(ccsig_robots_allowed(r, a, url, strlen(url), NULL), ans->allowed);
    return ans;
}

static bool allowed(const char *robots, const char *agent, const char *url) {
    ccsig_robots *r = compile(robots);
    bool ok = ask(r, agent, url)->allowed;
    ccsig_robots_free(r);
    return ok;
}

/* ---- RFC 9309 ---- */

static const char rfc_5_1[] = "User-Agent: *\n"
                              "Disallow: *.gif$\n"
                              "Disallow: /example/\n"
                              "Allow: /publications/\n"
                              "\n"
                              "User-Agent: foobot\n"
                              "Disallow:/\n"
                              "Allow:/example/page.html\n"
                              "Allow:/example/allowed.gif\n"
                              "\n"
                              "User-Agent: barbot\n"
                              "User-Agent: bazbot\n"
                              "Disallow: /example/page.html\n"
                              "\n"
                              "User-Agent: quxbot\n"
                              "\n"
                              "EOF\n";

static void rfc_5_1_simple_example(void **state) {
    ccsig_robots *r = compile(rfc_5_1);
    /* Any other crawler: the * group. */
    assert_false(ask(r, "otherbot", "/example/page.html")->allowed);
    assert_int_equal(ans->rule.line, 3);
    assert_int_equal(ans->group.line, 1);
    assert_false(ans->specific);
    assert_true(ask(r, "otherbot", "/publications/x")->allowed);
    assert_false(ask(r, "otherbot", "/images/a.gif")->allowed);
    assert_true(ask(r, "otherbot", "/images/a.gif?size=1")->allowed);
    /* foobot */
    assert_true(ask(r, "foobot", "/example/page.html")->allowed);
    assert_true(ask(r, "foobot", "/example/allowed.gif")->allowed);
    assert_false(ask(r, "foobot", "/other")->allowed);
    assert_true(ans->specific);
    assert_int_equal(ans->group.line, 6);
    /* barbot and bazbot share a group. */
    assert_false(ask(r, "barbot", "/example/page.html")->allowed);
    assert_false(ask(r, "bazbot", "/example/page.html")->allowed);
    assert_int_equal(ans->group.line, 11);
    assert_true(ask(r, "bazbot", "/example/other.html")->allowed);
    assert_true(ask(r, "barbot", "/a.gif")->allowed); /* not the * group */
    /* quxbot: a group with no rules allows everything. */
    assert_true(ask(r, "quxbot", "/example/page.html")->allowed);
    assert_int_equal(ans->reason, CCSIG_ROBOTS_NO_MATCH);
    assert_int_equal(ans->group.line, 15);
    ccsig_robots_free(r);
}

static void rfc_5_2_longest_match(void **state) {
    const char *t = "User-Agent: foobot\n"
                    "Allow: /example/page/\n"
                    "Disallow: /example/page/disallowed.gif\n";
    assert_true(allowed(t, "foobot", "/example/page/"));
    assert_true(allowed(t, "foobot", "/example/page/ok.gif"));
    assert_false(allowed(t, "foobot", "/example/page/disallowed.gif"));
}

static void rfc_2_2_1_groups_combined(void **state) {
    const char *t = "user-agent: ExampleBot\n"
                    "disallow: /foo\n"
                    "disallow: /bar\n"
                    "\n"
                    "user-agent: ExampleBot\n"
                    "disallow: /baz\n";
    assert_false(allowed(t, "ExampleBot", "/foo"));
    assert_false(allowed(t, "ExampleBot", "/bar"));
    assert_false(allowed(t, "ExampleBot", "/baz"));
    assert_true(allowed(t, "ExampleBot", "/qux"));
}

static void rfc_2_2_1_product_token_case_insensitive(void **state) {
    const char *t = "User-Agent: ExampleBot\nDisallow: /\n";
    assert_false(allowed(t, "examplebot", "/x"));
    assert_false(allowed(t, "EXAMPLEBOT", "/x"));
    assert_false(allowed(t, "ExampleBot/1.1", "/x"));
    assert_true(allowed(t, "ExampleBotX2", "/x")); /* a different token */
    ccsig_str tok = ccsig_robots_product_token("ExampleBot/1.1 (+https://x)", 27);
    assert_int_equal(tok.len, 10);
    /* The file's value is read as its product token too (Google). */
    assert_false(allowed("User-agent: ExampleBot/2.0\nDisallow: /\n", "ExampleBot", "/x"));
}

static void rfc_2_2_1_star_fallback(void **state) {
    const char *t = "User-agent: *\nDisallow: /private\n\nUser-agent: Other\nDisallow: /\n";
    assert_false(allowed(t, "Unlisted", "/private/x"));
    assert_true(allowed(t, "Unlisted", "/public"));
    assert_false(allowed(t, "*", "/private"));
    /* Google: '*' followed by whitespace and more is still the global group. */
    assert_false(allowed("User-agent: * other\nDisallow: /\n", "bot", "/x"));
    /* A group for the agent means the * group is not used, even if empty. */
    assert_true(allowed("User-agent: *\nDisallow: /\n\nUser-agent: bot\n", "bot", "/x"));
}

static void rfc_2_2_1_no_group_no_rules(void **state) {
    ccsig_robots *r = compile("User-agent: a\nDisallow: /\n");
    assert_true(ask(r, "b", "/x")->allowed);
    assert_int_equal(ans->reason, CCSIG_ROBOTS_NO_GROUP);
    assert_int_equal(ans->group.line, 0);
    ccsig_robots_free(r);
    assert_true(allowed("", "b", "/x"));
    assert_true(allowed("# nothing\n\n", "*", "/x"));
}

static void rfc_2_1_rules_before_group_ignored(void **state) {
    assert_true(allowed("Disallow: /\nUser-agent: *\nAllow: /x\n", "bot", "/y"));
}

static void rfc_2_2_keys_case_insensitive_and_whitespace(void **state) {
    assert_false(allowed("USER-AGENT: *\nDISALLOW: /a\n", "bot", "/a"));
    assert_false(allowed("  user-agent  :  *  \n\tdisallow\t:\t/a\t\n", "bot", "/a"));
}

static void rfc_2_2_2_allow_wins_tie(void **state) {
    ccsig_robots *r = compile("User-agent: *\nDisallow: /page\nAllow: /page\n");
    assert_true(ask(r, "x", "/page")->allowed);
    assert_int_equal(ans->rule.line, 3);
    ccsig_robots_free(r);
    /* Equal length, different patterns: still allow. */
    assert_true(allowed("User-agent: *\nDisallow: /pag*\nAllow: /page\n", "x", "/page"));
}

static void rfc_2_2_2_no_match_allowed(void **state) {
    ccsig_robots *r = compile("User-agent: *\nDisallow: /a\n");
    assert_true(ask(r, "x", "/b")->allowed);
    assert_int_equal(ans->reason, CCSIG_ROBOTS_NO_MATCH);
    assert_int_equal(ans->rule.line, 0);
    ccsig_robots_free(r);
}

static void rfc_2_2_2_empty_disallow(void **state) {
    ccsig_robots *r = compile("User-agent: *\nDisallow:\n");
    assert_true(ask(r, "x", "/anything")->allowed);
    assert_int_equal(ans->rule.line, 2); /* the empty rule is shown, it allows */
    ccsig_robots_free(r);
    assert_true(allowed("User-agent: *\nDisallow:\nDisallow: \n", "x", "/"));
}

static void rfc_2_2_2_case_sensitive_paths(void **state) {
    assert_false(allowed("User-agent: *\nDisallow: /Private\n", "x", "/Private/a"));
    assert_true(allowed("User-agent: *\nDisallow: /Private\n", "x", "/private/a"));
}

static void rfc_2_2_2_robots_txt_always_allowed(void **state) {
    ccsig_robots *r = compile("User-agent: *\nDisallow: /\n");
    assert_true(ask(r, "x", "/robots.txt")->allowed);
    assert_int_equal(ans->reason, CCSIG_ROBOTS_ROBOTS_TXT);
    assert_true(ask(r, "x", "https://example.com/robots.txt")->allowed);
    assert_false(ask(r, "x", "/robots.txt.bak")->allowed);
    ccsig_robots_free(r);
}

static void rfc_2_2_2_percent_encoding(void **state) {
    /* The table of §2.2.2. */
    const char *t = "User-agent: *\n"
                    "Disallow: /foo/bar/\xE3\x83\x84\n"
                    "Disallow: /bar/%e3%83%84\n"
                    "Disallow: /baz/%62%61%7A\n";
    assert_false(allowed(t, "x", "/foo/bar/%E3%83%84"));
    assert_false(allowed(t, "x", "/foo/bar/\xE3\x83\x84"));
    assert_false(allowed(t, "x", "/bar/%E3%83%84"));
    assert_false(allowed(t, "x", "/baz/baz"));
    assert_false(allowed(t, "x", "/baz/%62az"));
    assert_true(allowed(t, "x", "/baz/bar"));
    /* Reserved characters stay encoded: %2F is not '/'. */
    assert_true(allowed("User-agent: *\nDisallow: /a/b\n", "x", "/a%2Fb"));
    char buf[64];
    bool trunc;
    ccsig_str p = ccsig_robots_url_path("/a%7e%2f\xC3\xA9 b", 12, buf, sizeof buf, &trunc);
    assert_int_equal(p.len, strlen("/a~%2F%C3%A9%20b"));
    assert_memory_equal(p.p, "/a~%2F%C3%A9%20b", p.len);
}

static void rfc_2_2_3_special_characters(void **state) {
    const char *t = "User-agent: *\n"
                    "Disallow: /this/*/exactly\n"
                    "Disallow: /that/path/exactly$\n"
                    "Disallow: /path/file-with-a-%2A.html\n"
                    "Disallow: /path/foo-%24\n"
                    "Disallow: /mid$dle\n"
                    "Disallow: /*.php$\n"
                    "Disallow: /x/*a*b*c\n";
    assert_false(allowed(t, "x", "/this/any/thing/exactly"));
    assert_false(allowed(t, "x", "/this//exactly"));
    assert_true(allowed(t, "x", "/this/exact"));
    assert_false(allowed(t, "x", "/that/path/exactly"));
    assert_true(allowed(t, "x", "/that/path/exactly/more"));
    assert_false(allowed(t, "x", "https://www.example.com/path/file-with-a-*.html"));
    assert_false(allowed(t, "x", "https://www.example.com/path/foo-$"));
    assert_false(allowed(t, "x", "/mid$dle/x")); /* '$' inside a pattern is literal */
    assert_false(allowed(t, "x", "/index.php"));
    assert_true(allowed(t, "x", "/index.php?x=1"));
    assert_false(allowed(t, "x", "/x/zzazzbzzc"));
    assert_true(allowed(t, "x", "/x/zzczzbzza"));
    assert_false(allowed("User-agent: *\nDisallow: /*$\n", "x", "/anything"));
    assert_false(allowed("User-agent: *\nDisallow: *\n", "x", "/"));
    assert_true(allowed("User-agent: *\nDisallow: /a$\n", "x", "/ab"));
}

static void rfc_2_2_comments(void **state) {
    const char *t = "# a comment\n"
                    "User-agent: * # everyone\n"
                    "Disallow: /a # not /a#b\n"
                    "   # indented comment\n"
                    "Disallow: /b#c\n";
    assert_false(allowed(t, "x", "/a"));
    assert_false(allowed(t, "x", "/b"));
    assert_true(allowed(t, "x", "/c"));
}

static void rfc_2_line_ends_cr_lf_crlf(void **state) {
    const char *ends[] = {"\n", "\r", "\r\n"};
    for (int i = 0; i < 3; i++) {
        char t[200];
        snprintf(t, sizeof t, "User-agent: *%sAllow: /a%s%sDisallow: /%s", ends[i], ends[i],
                 ends[i], ends[i]);
        ccsig_robots *r = compile(t);
        assert_false(ask(r, "x", "/b")->allowed);
        assert_int_equal(ans->rule.line, 4);
        assert_int_equal(ans->rule.text.len, strlen("Disallow: /"));
        ccsig_robots_free(r);
    }
    /* Mixed, and no final line end. */
    ccsig_robots *r = compile("User-agent: *\r\n\rDisallow: /x");
    assert_false(ask(r, "x", "/x")->allowed);
    assert_int_equal(ans->rule.line, 3);
    ccsig_robots_free(r);
}

static void rfc_2_bom_skipped(void **state) {
    assert_false(allowed("\xEF\xBB\xBFUser-agent: *\nDisallow: /\n", "x", "/a"));
    assert_false(allowed("\xEF\xBBUser-agent: *\nDisallow: /\n", "x", "/a"));
    ccsig_robots *r = compile("\xEF\xBB\xBFUser-agent: *\nDisallow: /\n");
    assert_true(ccsig_robots_get_info(r)->bom);
    ccsig_robots_free(r);
}

static void rfc_2_5_size_limit(void **state) {
    size_t n = CCSIG_ROBOTS_MAX_SIZE + 4096;
    char *t = malloc(n + 64);
    size_t o = (size_t)sprintf(t, "User-agent: *\nDisallow: /early\n");
    while (o < CCSIG_ROBOTS_MAX_SIZE - 10)
        o += (size_t)sprintf(t + o, "# padding padding padding padding padding padding\n");
    o += (size_t)sprintf(t + o, "Disallow: /late\n");
    ccsig_robots *r = compile_n(t, o);
    assert_false(ask(r, "x", "/early")->allowed);
    assert_true(ask(r, "x", "/late")->allowed);
    const ccsig_robots_info *info = ccsig_robots_get_info(r);
    assert_true(info->truncated);
    assert_true(info->used <= CCSIG_ROBOTS_MAX_SIZE);
    assert_true(info->first_ignored_line > 2);
    unsigned first_ignored = info->first_ignored_line;
    ccsig_robots_free(r);
    /* Lint says so. */
    ccsig_robots_lint_result res;
    ccsig_error err;
    assert_int_equal(ccsig_robots_lint(t, o, &res, &err), CCSIG_OK);
    bool found = false;
    for (size_t i = 0; i < res.n; i++)
        if (!strcmp(res.v[i].code, "size-limit")) {
            found = true;
            assert_int_equal(res.v[i].line, first_ignored);
            assert_int_equal(res.v[i].severity, CCSIG_DIAG_ERROR);
            assert_int_equal(res.v[i].status, CCSIG_ERR_LIMIT);
            /* The offset is the start of the first ignored line. */
            assert_true(res.v[i].offset > 0 && res.v[i].offset < o);
            assert_true(t[res.v[i].offset - 1] == '\n');
        }
    assert_true(found);
    ccsig_robots_lint_free(&res);
    free(t);
}

static void google_long_line_cut(void **state) {
    size_t n = CCSIG_ROBOTS_MAX_LINE + 100;
    char *t = malloc(n + 64);
    size_t o = (size_t)sprintf(t, "User-agent: *\nDisallow: /");
    while (o < n)
        t[o++] = 'a';
    o += (size_t)sprintf(t + o, "\nDisallow: /b\n");
    ccsig_robots *r = compile_n(t, o);
    assert_false(ask(r, "x", "/b")->allowed);
    ccsig_robots_free(r);
    free(t);
}

static void google_missing_colon_and_typos(void **state) {
    assert_false(allowed("User-agent *\nDisallow /a\n", "x", "/a"));
    assert_true(allowed("User-agent: *\nDisallow /a b\n", "x", "/a")); /* three words */
    assert_false(allowed("User-agent: *\nDisalow: /a\n", "x", "/a"));
    assert_false(allowed("useragent: *\ndissallow: /a\n", "x", "/a"));
    assert_false(allowed("User agent: *\nDisallow: /a\n", "x", "/a"));
}

static void google_group_ends_at_rule_only(void **state) {
    /* A user-agent line after another record (not a rule) stays in the group. */
    const char *t = "User-agent: a\nCrawl-delay: 5\nUser-agent: b\nDisallow: /\n";
    assert_false(allowed(t, "a", "/x"));
    assert_false(allowed(t, "b", "/x"));
    /* An empty Disallow ends it and disallows nothing. */
    t = "User-agent: a\nCrawl-delay: 5\nDisallow:\nUser-agent: b\nDisallow: /\n";
    assert_true(allowed(t, "a", "/x"));
    assert_false(allowed(t, "b", "/x"));
    /* ... but other records do not end the group for the rules after them. */
    assert_false(allowed("User-agent: a\nSitemap: /s.xml\nDisallow: /\n", "a", "/x"));
}

static double delay(const char *robots, const char *agent) {
    ccsig_robots *r = compile(robots);
    double d = ccsig_robots_crawl_delay(r, ccsig_robots_select(r, agent, strlen(agent)));
    ccsig_robots_free(r);
    return d;
}

/* Crawl-delay per group, chosen like the rules: the product token keeps its
 * digits, so AI2Bot gets its own group's delay with its disallow (the
 * fetcher's old lexer stopped tokens at digits and gave it the '*' delay). */
static void crawl_delay_per_group(void **state) {
    (void)state;
    const char *t = "User-agent: *\nCrawl-delay: 2\nDisallow: /private/\n\n"
                    "User-agent: AI2Bot\nCrawl-delay: 30\nDisallow: /\n\n"
                    "User-agent: GPTBot\nUser-agent: other\nCrawl-delay: 0.5\n"
                    "Crawl-delay: 9\nDisallow: /x\n";
    assert_false(allowed(t, "AI2Bot", "/page"));
    assert_true(delay(t, "AI2Bot") == 30);
    assert_true(delay(t, "ai2bot/1.0 (+https://allenai.org)") == 30);
    assert_true(delay(t, "AI") == 2);           /* not AI2Bot's group */
    assert_true(delay(t, "AI2Bot-Dolma") == 2); /* another token */
    assert_true(delay(t, "GPTBot") == 0.5);     /* the first line of the group */
    assert_true(delay(t, "other") == 0.5);
    assert_true(delay(t, "*") == 2);
    /* no delay: none written, only invalid values, a group of its own without one */
    assert_true(delay("User-agent: *\nDisallow: /\n", "x") == -1);
    assert_true(delay("User-agent: *\nCrawl-delay: fast\nCrawl-delay: -3\n", "x") == -1);
    assert_true(
        delay("User-agent: *\nCrawl-delay: 5\nDisallow:\nUser-agent: b\nDisallow: /\n", "b") == -1);
    /* Google's groups: b shares the group (and the delay) of `*` here */
    assert_true(delay("User-agent: *\nCrawl-delay: 5\nUser-agent: b\nDisallow: /\n", "b") == 5);
    /* a delay before any group belongs to none; text after the number is ignored */
    assert_true(delay("Crawl-delay: 4\nUser-agent: *\nDisallow: /\n", "x") == -1);
    assert_true(delay("User-agent: *\ncrawl-DELAY: 7 seconds # polite\n", "x") == 7);
    assert_true(delay("User-agent: *\nCrawl-delay: .25\n", "x") == 0.25);
    /* it is not a rule, and it does not end a run of user-agent lines */
    assert_false(allowed("User-agent: a\nCrawl-delay: 5\nUser-agent: b\nDisallow: /\n", "a", "/"));
}

/* RFC 9309 §2.3.1 status classes, one enum for the scan store and the fetcher. */
static void status_classes(void **state) {
    (void)state;
    static const struct {
        long http;
        ccsig_robots_status want;
    } cases[] = {{200, CCSIG_ROBOTS_FOUND},       {204, CCSIG_ROBOTS_FOUND},
                 {299, CCSIG_ROBOTS_FOUND},       {301, CCSIG_ROBOTS_UNAVAILABLE},
                 {308, CCSIG_ROBOTS_UNAVAILABLE}, {401, CCSIG_ROBOTS_UNAVAILABLE},
                 {404, CCSIG_ROBOTS_UNAVAILABLE}, {429, CCSIG_ROBOTS_UNAVAILABLE},
                 {500, CCSIG_ROBOTS_UNREACHABLE}, {503, CCSIG_ROBOTS_UNREACHABLE},
                 {0, CCSIG_ROBOTS_UNREACHABLE},   {100, CCSIG_ROBOTS_UNREACHABLE},
                 {600, CCSIG_ROBOTS_UNREACHABLE}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (ccsig_robots_status_of_http(cases[i].http) != cases[i].want)
            fail_msg("HTTP %ld: got %s", cases[i].http,
                     ccsig_robots_status_name(ccsig_robots_status_of_http(cases[i].http)));
    assert_string_equal(ccsig_robots_status_name(CCSIG_ROBOTS_NONE), "none");
    assert_string_equal(ccsig_robots_status_name(CCSIG_ROBOTS_FOUND), "found");
    assert_string_equal(ccsig_robots_status_name(CCSIG_ROBOTS_UNAVAILABLE), "unavailable");
    assert_string_equal(ccsig_robots_status_name(CCSIG_ROBOTS_UNREACHABLE), "unreachable");
}

/* allowed() with the groupings of ccsig_robots_compile_opts. */
static bool allowed_groups(unsigned groups, const char *robots, const char *agent,
                           const char *url) {
    ccsig_robots_compile_options o = {groups};
    ccsig_robots *r = NULL;
    ccsig_error err;
    assert_int_equal(ccsig_robots_compile_opts(robots, strlen(robots), NULL, &o, &r, &err),
                     CCSIG_OK);
    bool ok = ccsig_robots_allowed(r, ccsig_robots_select(r, agent, strlen(agent)), url,
                                   strlen(url), NULL);
    ccsig_robots_free(r);
    return ok;
}

static void google_groups_end_at_rules(void **state) {
    const unsigned G = CCSIG_ROBOTS_GROUPS_GOOGLE, N = CCSIG_ROBOTS_GROUPS_NAIVE;
    /* google/robotstxt ID_LineSyntax_Groups_OtherRules: a Sitemap or an
     * unknown line between user-agent lines leaves one group. */
    const char *t = "User-agent: BarBot\nSitemap: https://foo.bar/sitemap\nUser-agent: *\n"
                    "Disallow: /\n";
    assert_false(allowed_groups(G, t, "FooBot", "http://foo.bar/"));
    assert_false(allowed_groups(G, t, "BarBot", "http://foo.bar/"));
    assert_true(allowed_groups(N, t, "BarBot", "http://foo.bar/"));
    t = "User-agent: FooBot\nInvalid-Unknown-Line: unknown\nUser-agent: *\nDisallow: /\n";
    assert_false(allowed_groups(G, t, "FooBot", "http://foo.bar/"));
    assert_false(allowed_groups(G, t, "BarBot", "http://foo.bar/"));
    assert_false(allowed_groups(N, t, "FooBot", "http://foo.bar/")); /* naive: unknown stays */
    assert_false(allowed("User-agent: FooBot\nInvalid-Unknown-Line: unknown\nUser-agent: *\n"
                         "Disallow: /\n",
                         "FooBot", "/")); /* the default reading is Google's */
    assert_false(allowed_groups(CCSIG_ROBOTS_GROUPS_DEFAULT,
                                "User-agent: msnbot\nCrawl-delay: 5\nUser-agent: GPTBot\n"
                                "Disallow: /\n",
                                "msnbot", "/x"));
    /* Crawl-delay: one group for Google, two for the naive reading. */
    t = "User-agent: msnbot\nCrawl-delay: 5\nUser-agent: GPTBot\nDisallow: /\n";
    assert_false(allowed_groups(G, t, "msnbot", "/x"));
    assert_true(allowed_groups(N, t, "msnbot", "/x"));
    assert_false(allowed_groups(N, t, "GPTBot", "/x"));
    /* A rule ends the run in every reading. */
    t = "User-agent: a\nDisallow: /p\nUser-agent: b\nDisallow: /\n";
    assert_true(allowed_groups(G, t, "a", "/x"));
    assert_true(allowed_groups(N, t, "a", "/x"));
    /* Other records do not end the group for the rules after them. */
    assert_false(allowed_groups(G, "User-agent: a\nSitemap: /s.xml\nDisallow: /\n", "a", "/x"));
    assert_false(allowed_groups(N, "User-agent: a\nSitemap: /s.xml\nDisallow: /\n", "a", "/x"));
}

static void google_index_html(void **state) {
    const char *t = "User-agent: *\nDisallow: /dir/\nAllow: /dir/index.html\n";
    assert_true(allowed(t, "x", "/dir/"));
    assert_true(allowed(t, "x", "/dir/index.html"));
    assert_false(allowed(t, "x", "/dir/other"));
}

static void url_forms(void **state) {
    char buf[64];
    bool tr;
    struct {
        const char *url, *path;
    } cases[] = {
        {"https://example.com/a?b=1#frag", "/a?b=1"},
        {"http://example.com", "/"},
        {"http://example.com?q", "/?q"},
        {"//example.com/x", "/x"},
        {"/p;params?q", "/p;params?q"},
        {"example.com/x", "/x"},
        {"", "/"},
        {"https://example.com/#/a", "/"},
        {"/a*b$", "/a%2Ab%24"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ccsig_str p =
            ccsig_robots_url_path(cases[i].url, strlen(cases[i].url), buf, sizeof buf, &tr);
        assert_int_equal(p.len, strlen(cases[i].path));
        assert_memory_equal(p.p, cases[i].path, p.len);
        assert_false(tr);
    }
    ccsig_str p = ccsig_robots_url_path("/\xff\xff\xff\xff\xff", 6, buf, 8, &tr);
    assert_true(tr);
    assert_true(p.len <= 8);
}

/* ---- draft-ietf-aipref-attach ---- */

static const char attach_example[] = "User-Agent: *\n"
                                     "Allow: /\n"
                                     "Disallow: /never/\n"
                                     "Content-Usage: train-ai=n\n"
                                     "Content-Usage: /ai-ok/ train-ai=y\n"
                                     "\n"
                                     "User-Agent: ExampleBot\n"
                                     "Allow: /\n"
                                     "Content-Usage: train-ai=y\n";

static ccsig_state train_ai(const ccsig_robots_answer *a) {
    ccsig_verdict v;
    ccsig_combine(a->st, a->nst, &v);
    return v.cat[CCSIG_CAT_TRAIN_AI].state;
}

static void attach_example_table(void **state) {
    ccsig_robots *r = compile(attach_example);
    assert_true(ask(r, "OtherBot", "/test")->allowed);
    assert_int_equal(ans->nst, 1);
    assert_int_equal(ans->st[0].src.line, 4);
    assert_int_equal(ans->st[0].src.kind, CCSIG_SRC_ROBOTS);
    assert_int_equal(train_ai(ans), CCSIG_STATE_DENY);
    assert_false(ask(r, "OtherBot", "/never/test")->allowed);
    assert_int_equal(ans->nst, 0); /* N/A */
    assert_int_equal(ans->withheld, 1);
    assert_true(ask(r, "OtherBot", "/ai-ok/test")->allowed);
    assert_int_equal(ans->nst, 1);
    assert_int_equal(train_ai(ans), CCSIG_STATE_ALLOW);
    /* ExampleBot uses its own group: everything, train-ai=y. */
    assert_true(ask(r, "ExampleBot", "/never/test")->allowed);
    assert_int_equal(train_ai(ans), CCSIG_STATE_ALLOW);
    assert_int_equal(ans->st[0].src.line, 9);
    ccsig_robots_free(r);
}

static void attach_intro_example(void **state) {
    ccsig_robots *r = compile("User-Agent: *\nAllow: /\nContent-Usage: train-ai=n\n");
    assert_true(ask(r, "x", "/anything")->allowed);
    assert_int_equal(train_ai(ans), CCSIG_STATE_DENY);
    assert_memory_equal(ans->st[0].src.text.p, "Content-Usage: train-ai=n", 25);
    assert_memory_equal(ans->st[0].src.origin.p, "robots.txt", 10);
    ccsig_robots_free(r);
}

static void attach_identical_paths_combine(void **state) {
    ccsig_robots *r = compile("User-Agent: *\n"
                              "Content-Usage: /a/ train-ai=y\n"
                              "Content-Usage: /a/ train-ai=n, search=y\n"
                              "Content-Usage: /a train-ai=y\n");
    ask(r, "x", "/a/b");
    assert_int_equal(ans->nst, 2);
    assert_int_equal(train_ai(ans), CCSIG_STATE_DENY);
    ccsig_robots_free(r);
}

static void attach_longest_path_encoded_bytes(void **state) {
    /* %41 is 'A' (unreserved): the pattern counts one byte, not three. */
    ccsig_robots *r = compile("User-Agent: *\n"
                              "Content-Usage: /%41b train-ai=n\n"
                              "Content-Usage: /Ab* train-ai=y\n");
    ask(r, "x", "/Abc");
    assert_int_equal(ans->nst, 1);
    assert_int_equal(ans->st[0].src.line, 3);
    ccsig_robots_free(r);
}

static void attach_value_forms(void **state) {
    ccsig_robots *r = compile("user-agent: *\n"
                              "  content-usage  :  /tab/\ttrain-ai=n\n"
                              "CONTENT-USAGE: search=y # a comment\n"
                              "Content-Usage: *.pdf train-ai=n\n"
                              "Content-Usage: /nopref/\n");
    ask(r, "x", "/tab/x");
    assert_int_equal(ans->nst, 1);
    assert_int_equal(train_ai(ans), CCSIG_STATE_DENY);
    ask(r, "x", "/other");
    /* Two rules with no path apply: search=y and the invalid '*.pdf ...'. */
    assert_int_equal(ans->nst, 2);
    assert_true(ans->st[0].valid);
    assert_false(ans->st[1].valid);
    ask(r, "x", "/nopref/x");
    assert_int_equal(ans->nst, 1);
    assert_int_equal(train_ai(ans), CCSIG_STATE_UNKNOWN);
    ccsig_robots_free(r);
}

static void attach_cc_exceptions(void **state) {
    ccsig_robots *r = compile("User-Agent: *\n"
                              "Allow: /\n"
                              "Content-Usage: train-ai=n, search=y\n"
                              "Content-Usage: /open-data/ train-ai=n;exceptions=cc-cr-op\n");
    ask(r, "x", "/open-data/set.csv");
    assert_int_equal(ans->nst, 1);
    ccsig_verdict v;
    ccsig_combine(ans->st, ans->nst, &v);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_AI].conditions, CCSIG_COND_CREDIT | CCSIG_COND_OPEN);
    ccsig_profile p = {CCSIG_CAT_TRAIN_AI, CCSIG_COND_CREDIT | CCSIG_COND_OPEN, CCSIG_PURPOSE_NONE,
                       CCSIG_READING_DEFAULT};
    ccsig_decision d;
    ccsig_decide(&v, &p, &d);
    assert_int_equal(d.result, CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS);
    ccsig_robots_free(r);
}

static void attach_outside_group_ignored(void **state) {
    ccsig_robots *r = compile("Content-Usage: train-ai=n\nUser-agent: *\nAllow: /\n");
    ask(r, "x", "/a");
    assert_int_equal(ans->nst, 0);
    ccsig_robots_free(r);
}

static void attach_many_identical_fold(void **state) {
    char t[2048];
    size_t o = (size_t)sprintf(t, "User-agent: *\n");
    for (int i = 0; i < CCSIG_ROBOTS_MAX_STATEMENTS + 3; i++)
        o += (size_t)sprintf(t + o, "Content-Usage: /x %s\n", i == 10 ? "train-ai=n" : "search=y");
    ccsig_robots *r = compile(t);
    ask(r, "x", "/x");
    assert_int_equal(ans->nst, CCSIG_ROBOTS_MAX_STATEMENTS);
    assert_int_equal(ans->folded, 3);
    assert_int_equal(train_ai(ans), CCSIG_STATE_DENY);
    ccsig_robots_free(r);
}

/* ---- Content-Signal ---- */

static void signal_mapping(void **state) {
    ccsig_robots *r =
        compile("User-Agent: *\n"
                "Content-Signal: search=yes, ai-input=no, ai-train=no, use=reference\n"
                "Allow: /\n");
    ask(r, "x", "/page");
    assert_int_equal(ans->nst, 1);
    assert_int_equal(ans->st_directive[0], CCSIG_ROBOTS_CONTENT_SIGNAL);
    ccsig_verdict v;
    ccsig_combine(ans->st, ans->nst, &v);
    assert_int_equal(v.cat[CCSIG_CAT_SEARCH].state, CCSIG_STATE_ALLOW);
    assert_int_equal(v.cat[CCSIG_CAT_AI_USE].state, CCSIG_STATE_DENY);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_GENAI].state, CCSIG_STATE_DENY);
    assert_int_equal(ans->signal_use.len, 9);
    ccsig_robots_free(r);
}

static void signal_scoping(void **state) {
    /* Google's groups: a Content-Signal line does not end a run of
     * user-agent lines, so `*` and GPTBot are one group: both share its
     * Disallow and its Content-Signals line. */
    ccsig_robots *r = compile("Content-Signal: ai-train=no\n"
                              "User-Agent: *\n"
                              "Content-Signals: /blog/ ai-train=yes,search=disallow\n"
                              "User-Agent: GPTBot\n"
                              "Disallow: /\n");
    ask(r, "x", "/blog/post");
    assert_false(ans->allowed);
    assert_int_equal(ans->rule.line, 5);
    assert_int_equal(ans->withheld, 1);
    ccsig_robots_free(r);
    /* An empty Disallow ends the `*` group (and disallows nothing). */
    r = compile("Content-Signal: ai-train=no\n"
                "User-Agent: *\n"
                "Content-Signals: /blog/ ai-train=yes,search=disallow\n"
                "Disallow:\n"
                "User-Agent: GPTBot\n"
                "Disallow: /\n");
    /* The global line applies to every agent; the path one is longer. */
    ask(r, "x", "/blog/post");
    assert_int_equal(ans->nst, 1);
    ccsig_verdict v;
    ccsig_combine(ans->st, ans->nst, &v);
    assert_int_equal(v.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_ALLOW);
    assert_int_equal(v.cat[CCSIG_CAT_SEARCH].state, CCSIG_STATE_DENY);
    ask(r, "x", "/other");
    assert_int_equal(ans->nst, 1);
    assert_int_equal(ans->st[0].src.line, 1);
    /* GPTBot may not crawl: no preference. */
    ask(r, "GPTBot", "/blog/post");
    assert_false(ans->allowed);
    assert_int_equal(ans->nst, 0);
    ccsig_robots_free(r);
}

/* The provenance of a Content-Signal line inside a group names the group
 * (its first User-agent line and its agents, all of them even when a later
 * User-agent line joins the group after the Content-Signal line, as Google
 * groups); a line before any group is not scoped, nor is Content-Usage. */
static void signal_provenance_scope(void **state) {
    ccsig_robots *r = compile("Content-Signal: /a search=yes\n"
                              "User-agent: *\n"
                              "Disallow: /private/\n"
                              "Content-Signal: /a ai-train=yes\n"
                              "\n"
                              "User-agent: GPTBot\n"
                              "Content-Signal: /a ai-train=no\n"
                              "User-agent: ClaudeBot\n"
                              "Content-Usage: /a ai-use=n\n"
                              "Disallow: /private/\n");
    ask(r, "GPTBot", "/a");
    assert_int_equal(ans->nst, 3);
    int seen = 0;
    for (size_t i = 0; i < ans->nst; i++) {
        const ccsig_provenance *p = &ans->st[i].src;
        if (p->line == 7) {
            assert_int_equal(p->scope_line, 6);
            assert_true(ccsig_str_eq(p->scope, "GPTBot, ClaudeBot"));
            seen |= 1;
        } else if (p->line == 1) {
            assert_int_equal(p->scope_line, 0);
            assert_int_equal(p->scope.len, 0);
            seen |= 2;
        } else {
            assert_int_equal(p->line, 9); /* Content-Usage */
            assert_int_equal(p->scope_line, 0);
            seen |= 4;
        }
    }
    assert_int_equal(seen, 7);
    /* the `*` group's line applies to other agents, and says so */
    ask(r, "Bingbot", "/a");
    assert_int_equal(ans->nst, 2);
    const ccsig_provenance *g = ans->st[0].src.line == 4 ? &ans->st[0].src : &ans->st[1].src;
    assert_int_equal(g->line, 4);
    assert_int_equal(g->scope_line, 2);
    assert_true(ccsig_str_eq(g->scope, "*"));
    ccsig_robots_free(r);
}

static void use_issue(void *ctx, ccsig_content_signal_issue issue, size_t off, size_t len) {
    if (issue == CCSIG_SIGNAL_ISSUE_USE_VALUE)
        *(size_t *)ctx = off * 100 + len;
}

/* Content-Signal use= (Cloudflare's trial): three levels, anything else is
 * reported and states nothing. */
static void signal_use_levels(void **state) {
    (void)state;
    assert_int_equal(ccsig_content_signal_use_level(ccsig_str_c("immediate")),
                     CCSIG_SIGNAL_USE_IMMEDIATE);
    assert_int_equal(ccsig_content_signal_use_level(ccsig_str_c("Reference")),
                     CCSIG_SIGNAL_USE_REFERENCE);
    assert_int_equal(ccsig_content_signal_use_level(ccsig_str_c("full")), CCSIG_SIGNAL_USE_FULL);
    assert_int_equal(ccsig_content_signal_use_level(ccsig_str_c("forever")), CCSIG_SIGNAL_USE_NONE);
    assert_null(ccsig_content_signal_use_meaning(CCSIG_SIGNAL_USE_NONE));
    assert_non_null(
        strstr(ccsig_content_signal_use_meaning(CCSIG_SIGNAL_USE_IMMEDIATE), "not kept"));
    const char *v = "ai-train=no, use=forever";
    ccsig_statement st;
    ccsig_statement_init(&st, CCSIG_SRC_ROBOTS);
    ccsig_str use;
    size_t where = 0;
    ccsig_content_signal_parse(v, strlen(v), &st, &use, use_issue, &where);
    assert_int_equal(where, 17 * 100 + 7); /* 'forever' at offset 17 */
    assert_int_equal(use.len, 7);
    where = 0;
    v = "use=full, search=yes";
    ccsig_content_signal_parse(v, strlen(v), &st, &use, use_issue, &where);
    assert_int_equal(where, 0);
    assert_int_equal(ccsig_content_signal_use_level(use), CCSIG_SIGNAL_USE_FULL);
}

static void signal_with_content_usage(void **state) {
    ccsig_robots *r = compile("User-Agent: *\n"
                              "Content-Usage: train-ai=y\n"
                              "Content-Signal: ai-train=no, ai-train=yes, bogus=1, search\n");
    ask(r, "x", "/");
    assert_int_equal(ans->nst, 2);
    assert_int_equal(ans->st_directive[0], CCSIG_ROBOTS_CONTENT_USAGE);
    assert_int_equal(ans->st_directive[1], CCSIG_ROBOTS_CONTENT_SIGNAL);
    /* Last duplicate wins on the line: yes; combined with Content-Usage y. */
    assert_int_equal(train_ai(ans), CCSIG_STATE_ALLOW);
    ccsig_robots_free(r);
}

/* ---- License ---- */

static void license_recorded_global(void **state) {
    ccsig_robots *r = compile("License: https://example.org/license.xml\n"
                              "User-agent: bot\n"
                              "Disallow: /\n"
                              "License: https://example.org/second.xml\n");
    size_t n;
    const ccsig_robots_license *l = ccsig_robots_licenses(r, &n);
    assert_int_equal(n, 2);
    assert_int_equal(l[1].line, 4);
    assert_int_equal(l[0].url.len, strlen("https://example.org/license.xml"));
    ask(r, "other", "/a");
    assert_int_equal(ans->nlicenses, 2);
    /* The License line does not end bot's group for the rules (Google). */
    assert_false(ask(r, "bot", "/a")->allowed);
    ccsig_robots_free(r);
}

/* ---- the lexer at chunk boundaries ---- */

/* The lexer reads 64-byte chunks (and keeps 4 KiB of them at a time): put
 * rules of many lengths at every offset from a chunk start, with each line
 * end, comments holding ':' and '#', surrounding whitespace and NUL bytes,
 * and check that every rule is read with its line number and text. */
typedef struct expect_rule {
    unsigned line;
    char path[160];
    char text[200];
    bool allow;
} expect_rule;

static void lexer_chunk_boundaries(void **state) {
    enum { NRULES = 90 };
    const char *ends[] = {"\n", "\r\n", "\r"};
    static expect_rule want[NRULES];
    size_t cap = 64 * 1024;
    char *t = malloc(cap);
    for (int ei = 0; ei < 3; ei++) {
        const char *eol = ends[ei];
        for (int shift = 0; shift < 140; shift++) {
            size_t o = 0;
            unsigned line = 0;
            o += (size_t)sprintf(t + o, "User-agent: *%s", eol);
            line++;
            if (shift > 0) { /* a comment of shift bytes moves everything after it */
                t[o++] = '#';
                for (int k = 1; k < shift; k++)
                    t[o++] = (char)(k % 7 == 0 ? ':' : k % 11 == 0 ? '#' : 'c');
                o += (size_t)sprintf(t + o, "%s", eol);
                line++;
            }
            /* Comment lines are no records: both agents share one group. */
            o += (size_t)sprintf(t + o, "User-agent: ExampleBot%s", eol);
            line++;
            for (int k = 0; k < NRULES; k++) {
                expect_rule *w = &want[k];
                int m = (k * 7 + shift) % 100; /* 0..99 more bytes: lines of 13 to 130 */
                char path[sizeof w->path];
                int len = sprintf(path, "/p%d-", k);
                memset(path + len, 'x', (size_t)m);
                path[len + m] = '\0';
                memcpy(w->path, path, sizeof path);
                w->allow = k % 3 == 0;
                const char *key = w->allow ? "Allow" : "Disallow";
                switch (k % 5) {
                case 0:
                    sprintf(w->text, "%s: %s", key, path);
                    o += (size_t)sprintf(t + o, "%s%s", w->text, eol);
                    break;
                case 1: /* a comment with ':' and '#' after the rule */
                    sprintf(w->text, "%s:%s", key, path);
                    o += (size_t)sprintf(t + o, "%s # c:d#e%s", w->text, eol);
                    break;
                case 2: /* whitespace around the key and the line */
                    sprintf(w->text, "%s \t: %s", key, path);
                    o += (size_t)sprintf(t + o, " \t%s \t%s", w->text, eol);
                    break;
                case 3: /* no colon: two words */
                    sprintf(w->text, "%s %s", key, path);
                    o += (size_t)sprintf(t + o, "%s%s", w->text, eol);
                    break;
                default: /* a comment line with a NUL byte before the rule */
                    o += (size_t)sprintf(t + o, "# a");
                    t[o++] = '\0';
                    o += (size_t)sprintf(t + o, "b:c%s", eol);
                    line++;
                    sprintf(w->text, "%s: %s", key, path);
                    o += (size_t)sprintf(t + o, "%s%s", w->text, eol);
                    break;
                }
                w->line = ++line;
                assert_true(o + 512 < cap);
            }
            /* Past the 4 KiB the lexer holds at a time. */
            while (o < 9000) {
                o += (size_t)sprintf(t + o, "# filler line to move past a ring refill%s", eol);
                line++;
            }
            o += (size_t)sprintf(t + o, "Disallow: /last");
            line++;
            ccsig_robots *r = compile_n(t, o);
            assert_int_equal(ccsig_robots_get_info(r)->lines, line);
            for (int k = 0; k < NRULES; k++) {
                char url[200];
                snprintf(url, sizeof url, "%s/y", want[k].path);
                for (int a = 0; a < 2; a++) {
                    ask(r, a ? "ExampleBot" : "x", url);
                    assert_int_equal(ans->reason, CCSIG_ROBOTS_BY_RULE);
                    assert_int_equal(ans->allowed, want[k].allow);
                    assert_int_equal(ans->rule.line, want[k].line);
                    assert_int_equal(ans->rule.text.len, strlen(want[k].text));
                    assert_memory_equal(ans->rule.text.p, want[k].text, ans->rule.text.len);
                }
            }
            assert_false(ask(r, "x", "/last")->allowed);
            assert_int_equal(ans->rule.line, line);
            ccsig_robots_free(r);
        }
    }
    free(t);
}

/* ---- the answer's storage ---- */

/* An answer has room for the statements and the path only when made by
 * ccsig_robots_answer_new: a zeroed struct is refused, and says "not
 * allowed" rather than anything stale. */
static void answer_needs_new(void **state) {
    (void)state;
    ccsig_robots *r = compile("User-agent: *\nDisallow: /x\nContent-Usage: train-ai=n\n");
    ccsig_robots_answer bare;
    memset(&bare, 0, sizeof bare);
    bare.allowed = true;
    assert_int_equal(ccsig_robots_check(r, "*", 1, "/y", 2, &bare), CCSIG_ERR_USAGE);
    assert_false(bare.allowed);
    ccsig_robots_answer *a = ccsig_robots_answer_new();
    assert_non_null(a);
    assert_int_equal(ccsig_robots_check(r, "*", 1, "/y%7e", 5, a), CCSIG_OK);
    assert_true(a->allowed);
    assert_int_equal(a->nst, 1);
    assert_int_equal(a->st_directive[0], CCSIG_ROBOTS_CONTENT_USAGE);
    /* the normalised path is written into the answer's own buffer */
    assert_int_equal(a->path.len, 3);
    assert_memory_equal(a->path.p, "/y~", 3);
    ccsig_robots_answer_free(a);
    ccsig_robots_free(r);
}

/* ---- concurrency ---- */

typedef struct thread_arg {
    const ccsig_robots *r;
    int bad;
} thread_arg;

static void *worker(void *p) {
    thread_arg *a = p;
    ccsig_robots_answer *x = ccsig_robots_answer_new();
    ccsig_robots_agent ag = ccsig_robots_select(a->r, "*", 1);
    for (int i = 0; i < 2000; i++) {
        const char *url = (i & 1) ? "/never/x" : "/ai-ok/y";
        ccsig_robots_query(a->r, ag, url, strlen(url), x);
        if (x->allowed != !(i & 1) || (x->allowed && x->nst != 1))
            a->bad++;
    }
    ccsig_robots_answer_free(x);
    return NULL;
}

static void queries_from_many_threads(void **state) {
    ccsig_robots *r = compile(attach_example);
    pthread_t t[4];
    thread_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (thread_arg){r, 0};
        pthread_create(&t[i], NULL, worker, &args[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(args[i].bad, 0);
    }
    ccsig_robots_free(r);
}

/* ---- lint ---- */

static const ccsig_diag *find_diag(const ccsig_robots_lint_result *res, const char *id) {
    for (size_t i = 0; i < res->n; i++)
        if (!strcmp(res->v[i].code, id))
            return &res->v[i];
    return NULL;
}

static void lint_checks(void **state) {
    const char *t = "Disallow: /early\n"                                     /* 1 */
                    "Content-Signal: ai-train=no\n"                          /* 2 */
                    "User-agent: *\n"                                        /* 3 */
                    "Disallow: /never/\n"                                    /* 4 */
                    "Content-Usage: /never/x train-ai=n\n"                   /* 5 */
                    "Content-Usage: train-ai=n;exceptions=cc-by, search=?\n" /* 6 */
                    "Content-Usage: Train-AI=n\n"                            /* 7 */
                    "Content-Usage: /a/ inference=y;exceptions=cc-cr\n"      /* 8 */
                    "Content-Usage: /a/ ai-use=n\n"                          /* 9 */
                    "Crawl-delay: 10\n"                                      /* 10 */
                    "Frobnicate: yes\n"                                      /* 11 */
                    "Content-Signals: search=allow, search-ai=no\n"          /* 12 */
                    "License: license.xml\n"                                 /* 13 */
                    "Disalow: /x\n"                                          /* 14 */
                    "Allow: /never/\n";                                      /* 15 */
    ccsig_robots_lint_result res;
    ccsig_error err;
    assert_int_equal(ccsig_robots_lint(t, strlen(t), &res, &err), CCSIG_OK);
    for (size_t i = 0; i < res.n; i++)
        printf("%u:%u: %s: %s [%s]\n", res.v[i].line, res.v[i].column,
               ccsig_diag_severity_name(res.v[i].severity), res.v[i].message, res.v[i].code);
    const ccsig_diag *d;
    assert_non_null(d = find_diag(&res, "rule-outside-group"));
    assert_int_equal(d->line, 1);
    assert_non_null(d = find_diag(&res, "content-signal-outside-group"));
    assert_int_equal(d->line, 2);
    assert_non_null(d = find_diag(&res, "content-usage-syntax"));
    assert_int_equal(d->line, 6);
    assert_int_equal(d->column, strlen("Content-Usage: train-ai=n;exceptions=cc-by, search=?") + 1);
    assert_int_equal(d->severity, CCSIG_DIAG_ERROR);
    assert_int_equal(d->status, CCSIG_ERR_SYNTAX);
    /* offset: the same place as line and column, in the whole input. */
    assert_true(d->offset >= 8 && !memcmp(t + d->offset - 8, "search=?", 8));
    assert_string_equal(d->hint,
                        "write a dictionary of label=y or label=n, e.g. 'train-ai=n, search=y'");
    assert_non_null(d = find_diag(&res, "uppercase-label"));
    assert_int_equal(d->line, 7);
    assert_int_equal(d->column, 16);
    assert_non_null(d = find_diag(&res, "exception-on-allow"));
    assert_int_equal(d->line, 8);
    assert_non_null(d = find_diag(&res, "legacy-label"));
    assert_int_equal(d->line, 8);
    assert_non_null(d = find_diag(&res, "content-usage-conflict"));
    assert_int_equal(d->line, 9);
    assert_non_null(d = find_diag(&res, "nonstandard-directive"));
    assert_int_equal(d->line, 10);
    assert_non_null(d = find_diag(&res, "unknown-directive"));
    assert_int_equal(d->line, 11);
    assert_non_null(d = find_diag(&res, "content-signal-plural"));
    assert_non_null(d = find_diag(&res, "content-signal-value"));
    assert_int_equal(d->column, strlen("Content-Signals: search=") + 1);
    assert_non_null(d = find_diag(&res, "content-signal-key"));
    assert_non_null(d = find_diag(&res, "license-url"));
    assert_int_equal(d->line, 13);
    assert_non_null(d = find_diag(&res, "license-in-group"));
    assert_non_null(d = find_diag(&res, "key-typo"));
    assert_int_equal(d->line, 14);
    assert_int_equal(d->status, CCSIG_OK);
    assert_int_equal(d->severity, CCSIG_DIAG_WARNING);
    assert_true(!memcmp(t + d->offset, "Disalow: /x", 11));
    assert_non_null(d = find_diag(&res, "allow-disallow-tie"));
    assert_int_equal(d->line, 15);
    /* /never/ is allowed again by line 15 (allow wins the tie), so line 5
     * has an effect: no content-usage-disallowed. */
    assert_null(find_diag(&res, "content-usage-disallowed"));
    assert_true(res.errors >= 3);
    for (size_t i = 1; i < res.n; i++)
        assert_true(res.v[i - 1].line <= res.v[i].line);
    ccsig_robots_lint_free(&res);

    const char *u = "User-agent: *\nDisallow: /never/\nContent-Usage: /never/x train-ai=n\n"
                    "Unknown exception here\n"
                    "Content-Usage: train-ai=n;exceptions=cc-by\n";
    assert_int_equal(ccsig_robots_lint(u, strlen(u), &res, &err), CCSIG_OK);
    assert_non_null(d = find_diag(&res, "content-usage-disallowed"));
    assert_int_equal(d->line, 3);
    assert_non_null(d = find_diag(&res, "not-a-rule"));
    assert_non_null(d = find_diag(&res, "unknown-exception"));
    assert_int_equal(d->line, 5);
    assert_int_equal(res.errors, 0);
    ccsig_robots_lint_free(&res);

    size_t n;
    const ccsig_robots_check_info *ci = ccsig_robots_lint_checks(&n);
    assert_true(n > 20);
    for (size_t i = 0; i < n; i++)
        assert_non_null(ci[i].description);
}

static void lint_clean_file(void **state) {
    ccsig_robots_lint_result res;
    ccsig_error err;
    assert_int_equal(ccsig_robots_lint(attach_example, strlen(attach_example), &res, &err),
                     CCSIG_OK);
    assert_int_equal(res.n, 0);
    ccsig_robots_lint_free(&res);
}

int main(void) {
    ans = ccsig_robots_answer_new();
    if (!ans)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc_5_1_simple_example),
        cmocka_unit_test(answer_needs_new),
        cmocka_unit_test(rfc_5_2_longest_match),
        cmocka_unit_test(rfc_2_2_1_groups_combined),
        cmocka_unit_test(rfc_2_2_1_product_token_case_insensitive),
        cmocka_unit_test(rfc_2_2_1_star_fallback),
        cmocka_unit_test(rfc_2_2_1_no_group_no_rules),
        cmocka_unit_test(rfc_2_1_rules_before_group_ignored),
        cmocka_unit_test(rfc_2_2_keys_case_insensitive_and_whitespace),
        cmocka_unit_test(rfc_2_2_2_allow_wins_tie),
        cmocka_unit_test(rfc_2_2_2_no_match_allowed),
        cmocka_unit_test(rfc_2_2_2_empty_disallow),
        cmocka_unit_test(rfc_2_2_2_case_sensitive_paths),
        cmocka_unit_test(rfc_2_2_2_robots_txt_always_allowed),
        cmocka_unit_test(rfc_2_2_2_percent_encoding),
        cmocka_unit_test(rfc_2_2_3_special_characters),
        cmocka_unit_test(rfc_2_2_comments),
        cmocka_unit_test(rfc_2_line_ends_cr_lf_crlf),
        cmocka_unit_test(rfc_2_bom_skipped),
        cmocka_unit_test(rfc_2_5_size_limit),
        cmocka_unit_test(google_long_line_cut),
        cmocka_unit_test(lexer_chunk_boundaries),
        cmocka_unit_test(google_missing_colon_and_typos),
        cmocka_unit_test(google_group_ends_at_rule_only),
        cmocka_unit_test(crawl_delay_per_group),
        cmocka_unit_test(status_classes),
        cmocka_unit_test(google_groups_end_at_rules),
        cmocka_unit_test(google_index_html),
        cmocka_unit_test(url_forms),
        cmocka_unit_test(attach_example_table),
        cmocka_unit_test(attach_intro_example),
        cmocka_unit_test(attach_identical_paths_combine),
        cmocka_unit_test(attach_longest_path_encoded_bytes),
        cmocka_unit_test(attach_value_forms),
        cmocka_unit_test(attach_cc_exceptions),
        cmocka_unit_test(attach_outside_group_ignored),
        cmocka_unit_test(attach_many_identical_fold),
        cmocka_unit_test(signal_mapping),
        cmocka_unit_test(signal_scoping),
        cmocka_unit_test(signal_provenance_scope),
        cmocka_unit_test(signal_use_levels),
        cmocka_unit_test(signal_with_content_usage),
        cmocka_unit_test(license_recorded_global),
        cmocka_unit_test(queries_from_many_threads),
        cmocka_unit_test(lint_checks),
        cmocka_unit_test(lint_clean_file),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ccsig_robots_answer_free(ans);
    return failed;
}
