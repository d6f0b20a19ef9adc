/*
 * test_robots_google.c — where ccsig's robots.txt reading follows Google's
 * parser (github google/robotstxt, robots.cc): which user agent names which
 * group (ExtractUserAgent cuts the file's side only), the misspelt keys it
 * accepts (KeyIsUserAgent, KeyIsDisallow, KeyIsSitemap) and how lint reports
 * each of them, and which bytes are percent-encoded before matching.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ccsig/robots.h"

static ccsig_robots *compile(const char *s) {
    ccsig_robots *r = NULL;
    ccsig_error err;
    assert_int_equal(ccsig_robots_compile(s, strlen(s), "robots.txt", &r, &err), CCSIG_OK);
    assert_non_null(r);
    return r;
}

/* The answer for agent and url, checked against the crawl-only query. */
static bool allowed_as(const char *robots, const char *agent, const char *url, bool *specific,
                       unsigned *group_line) {
    ccsig_robots *r = compile(robots);
    ccsig_robots_answer *a = ccsig_robots_answer_new();
    assert_non_null(a);
    assert_int_equal(ccsig_robots_check(r, agent, strlen(agent), url, strlen(url), a), CCSIG_OK);
    ccsig_robots_agent sel = ccsig_robots_select(r, agent, strlen(agent));
    assert_int_equal(ccsig_robots_allowed(r, sel, url, strlen(url), NULL), a->allowed);
    assert_int_equal(sel.specific, a->specific);
    if (specific)
        *specific = a->specific;
    if (group_line)
        *group_line = a->group.line;
    bool ok = a->allowed;
    ccsig_robots_answer_free(a);
    ccsig_robots_free(r);
    return ok;
}

static bool allowed(const char *robots, const char *agent, const char *url) {
    return allowed_as(robots, agent, url, NULL, NULL);
}

/* ---- user agents (robots.cc ExtractUserAgent, HandleUserAgent) ---- */

static const char non_ascii_groups[] = "User-agent: *\n"            /* 1 */
                                       "Disallow: /star/\n"         /* 2 */
                                       "\n"                         /* 3 */
                                       "User-agent: Jävla-Foobot\n" /* 4 */
                                       "Disallow: /\n";             /* 5 */

static void agent_non_ascii_caller_names_no_group(void **state) {
    (void)state;
    bool specific;
    unsigned line;
    /* "Jätte" is not "J": Google compares the caller's agent as written
     * with "J", the token it reads from "Jävla-Foobot". */
    assert_true(allowed_as(non_ascii_groups, "Jätte", "/x", &specific, &line));
    assert_false(specific);
    assert_int_equal(line, 1);
    assert_false(allowed(non_ascii_groups, "Jätte", "/star/x"));
    assert_true(allowed(non_ascii_groups, "Jätte/1.0 (+https://example.org)", "/x"));
    assert_true(allowed(non_ascii_groups, "Jävla-Foobot", "/x"));
    assert_true(allowed(non_ascii_groups, "jÄVLA", "/x"));
    /* The file's side is cut as Google cuts it, so the token "J" names the
     * group (as it does in Google's matcher). */
    assert_false(allowed_as(non_ascii_groups, "J", "/x", &specific, &line));
    assert_true(specific);
    assert_int_equal(line, 4);
    assert_false(allowed(non_ascii_groups, "j/2.1", "/x"));
    /* ASCII after the token still ends it: a user-agent string works. */
    assert_false(allowed("User-agent: Foobot\nDisallow: /\n", "Foobot/2.1 (+https://x)", "/x"));
    assert_false(allowed("User-agent: Foobot\nDisallow: /\n", "foobot", "/x"));
    /* Non-ASCII inside the caller's token after an ASCII prefix. */
    assert_true(allowed("User-agent: Foo-B\nDisallow: /\n", "Foo-Bär", "/x"));
    assert_false(allowed("User-agent: Foo-Bär\nDisallow: /\n", "Foo-B", "/x"));
    /* Neither Jätte nor Jävla: only the * group. */
    assert_true(allowed("User-agent: Jätte\nDisallow: /\n", "Jävla-Foobot", "/x"));
}

static void agent_token_functions(void **state) {
    (void)state;
    ccsig_str t = ccsig_robots_product_token("Jävla-Foobot", strlen("Jävla-Foobot"));
    assert_int_equal(t.len, 1);
    t = ccsig_robots_agent_token("Jätte", strlen("Jätte"));
    assert_int_equal(t.len, 0);
    t = ccsig_robots_agent_token("Foobot/1.0", 10);
    assert_int_equal(t.len, 6);
    t = ccsig_robots_agent_token("Foobot", 6);
    assert_int_equal(t.len, 6);
    t = ccsig_robots_agent_token("*", 1);
    assert_int_equal(t.len, 1);
    assert_int_equal(t.p[0], '*');
    t = ccsig_robots_agent_token("", 0);
    assert_int_equal(t.len, 0);
    /* Only the byte right after the token counts. */
    t = ccsig_robots_agent_token("Foobot (Jätte)", strlen("Foobot (Jätte)"));
    assert_int_equal(t.len, 6);
}

/* ---- misspelt keys (robots.cc KeyIsUserAgent, KeyIsDisallow, KeyIsSitemap) ---- */

/* Every misspelling Google's parser accepts (kAllowFrequentTypos), as
 * written in robots.cc, with the key it stands for. */
static const struct {
    const char *key, *canonical;
} google_typos[] = {
    {"dissallow", "Disallow"},    {"dissalow", "Disallow"}, {"disalow", "Disallow"},
    {"diasllow", "Disallow"},     {"disallaw", "Disallow"}, {"useragent", "User-agent"},
    {"user agent", "User-agent"}, {"site-map", "Sitemap"},  {"DISALOW", "Disallow"},
    {"UserAgent", "User-agent"},  {"Site-Map", "Sitemap"},
};

static const ccsig_diag *find_diag(const ccsig_robots_lint_result *res, const char *id,
                                   unsigned line) {
    for (size_t i = 0; i < res->n; i++)
        if (!strcmp(res->v[i].code, id) && res->v[i].line == line)
            return &res->v[i];
    return NULL;
}

static void typos_read_as_google_reads_them(void **state) {
    (void)state;
    char t[256];
    for (size_t i = 0; i < sizeof google_typos / sizeof google_typos[0]; i++) {
        const char *k = google_typos[i].key, *c = google_typos[i].canonical;
        if (!strcmp(c, "Disallow")) {
            snprintf(t, sizeof t, "User-agent: *\n%s: /a\n", k);
            assert_false(allowed(t, "bot", "/a/b"));
            assert_true(allowed(t, "bot", "/b"));
        } else if (!strcmp(c, "User-agent")) {
            snprintf(t, sizeof t, "User-agent: *\nDisallow: /\n\n%s: bot\nDisallow: /a\n", k);
            bool specific;
            assert_true(allowed_as(t, "bot", "/b", &specific, NULL));
            assert_true(specific);
            assert_false(allowed(t, "bot", "/a"));
        } else {
            /* A sitemap record is no rule: the group's rules after it apply. */
            snprintf(t, sizeof t, "User-agent: bot\n%s: https://example.org/s.xml\nDisallow: /a\n",
                     k);
            assert_false(allowed(t, "bot", "/a"));
            assert_true(allowed(t, "bot", "/s.xml"));
        }
    }
    /* Not accepted: Google has no typo for Allow, and only these ones. */
    assert_false(allowed("User-agent: *\nDisallow: /\nAlow: /a\n", "bot", "/a"));
    assert_true(allowed("User-agent: *\nDissallov: /\nDisalov: /\n", "bot", "/b"));
}

static void lint_warns_for_every_google_typo(void **state) {
    (void)state;
    char t[256], want[128];
    for (size_t i = 0; i < sizeof google_typos / sizeof google_typos[0]; i++) {
        const char *k = google_typos[i].key, *c = google_typos[i].canonical;
        snprintf(t, sizeof t, "User-agent: *\nDisallow: /private/\n%s: %s\n", k,
                 !strcmp(c, "Sitemap")      ? "https://example.org/sitemap.xml"
                 : !strcmp(c, "User-agent") ? "bot"
                                            : "/tmp/");
        ccsig_robots_lint_result res;
        ccsig_error err;
        assert_int_equal(ccsig_robots_lint(t, strlen(t), &res, &err), CCSIG_OK);
        const ccsig_diag *d = find_diag(&res, "key-typo", 3);
        if (!d)
            fail_msg("no key-typo warning for '%s'", k);
        assert_int_equal(d->column, 1);
        assert_int_equal(d->severity, CCSIG_DIAG_WARNING);
        snprintf(want, sizeof want, "'%s' is a misspelling of '%s'", k, c);
        if (!strstr(d->message, want))
            fail_msg("'%s' does not say %s", d->message, want);
        assert_null(find_diag(&res, "unknown-directive", 3));
        assert_null(find_diag(&res, "key-prefix", 3));
        ccsig_robots_lint_free(&res);
    }
    /* The right spellings get no warning. */
    const char *ok = "User-agent: *\nDisallow: /a/\nAllow: /a/b\n"
                     "Sitemap: https://example.org/sitemap.xml\n";
    ccsig_robots_lint_result res;
    ccsig_error err;
    assert_int_equal(ccsig_robots_lint(ok, strlen(ok), &res, &err), CCSIG_OK);
    assert_int_equal(res.n, 0);
    ccsig_robots_lint_free(&res);
    /* A misspelling Google does not accept is an unknown directive. */
    const char *bad = "User-agent: *\nAlow: /a\n";
    assert_int_equal(ccsig_robots_lint(bad, strlen(bad), &res, &err), CCSIG_OK);
    assert_non_null(find_diag(&res, "unknown-directive", 2));
    assert_null(find_diag(&res, "key-typo", 2));
    ccsig_robots_lint_free(&res);
}

/* ---- percent-encoding (RFC 9309 §2.2.2; robots.cc MaybeEscapePattern) ---- */

/* The bytes RFC 3986 leaves out of URIs, each as written and encoded. */
static const struct {
    char c;
    const char *enc;
} excluded[] = {{'"', "%22"}, {'<', "%3C"}, {'>', "%3E"}, {'\\', "%5C"}, {'^', "%5E"},
                {'`', "%60"}, {'{', "%7B"}, {'|', "%7C"}, {'}', "%7D"}};

static void url_path_encodes_excluded_bytes(void **state) {
    (void)state;
    char url[64], want[64], buf[64];
    bool trunc;
    for (size_t i = 0; i < sizeof excluded / sizeof excluded[0]; i++) {
        snprintf(url, sizeof url, "https://example.org/a%cb?q=%c", excluded[i].c, excluded[i].c);
        snprintf(want, sizeof want, "/a%sb?q=%s", excluded[i].enc, excluded[i].enc);
        ccsig_str p = ccsig_robots_url_path(url, strlen(url), buf, sizeof buf, &trunc);
        assert_false(trunc);
        assert_int_equal(p.len, strlen(want));
        assert_memory_equal(p.p, want, p.len);
    }
    /* Space and non-ASCII as before; '~' and the reserved bytes stay. */
    const char *u = "/x y\xC3\xA9~!$&'()*+,;=:@/?";
    ccsig_str p = ccsig_robots_url_path(u, strlen(u), buf, sizeof buf, &trunc);
    const char *w = "/x%20y%C3%A9~!%24&'()%2A+,;=:@/?";
    assert_int_equal(p.len, strlen(w));
    assert_memory_equal(p.p, w, p.len);
}

static void excluded_bytes_match_encoded_or_not(void **state) {
    (void)state;
    char t[128], path[64];
    for (size_t i = 0; i < sizeof excluded / sizeof excluded[0]; i++) {
        char c = excluded[i].c;
        const char *enc = excluded[i].enc;
        char lower[4] = {'%', enc[1], (char)(enc[2] | 0x20), 0};
        /* Pattern written literally: the literal and the encoded URL match. */
        snprintf(t, sizeof t, "User-agent: *\nDisallow: /a%cb\n", c);
        snprintf(path, sizeof path, "/a%cb/x", c);
        assert_false(allowed(t, "bot", path));
        snprintf(path, sizeof path, "/a%sb/x", enc);
        assert_false(allowed(t, "bot", path));
        snprintf(path, sizeof path, "/a%sb/x", lower);
        assert_false(allowed(t, "bot", path));
        assert_true(allowed(t, "bot", "/ab"));
        /* Pattern written encoded (a long one too: the 16-byte scan), and
         * behind a wildcard. */
        snprintf(t, sizeof t, "User-agent: *\nDisallow: /a%sb\nDisallow: /0123456789abcdef%c\n",
                 lower, c);
        snprintf(path, sizeof path, "/a%cb", c);
        assert_false(allowed(t, "bot", path));
        snprintf(path, sizeof path, "/0123456789abcdef%s", enc);
        assert_false(allowed(t, "bot", path));
        snprintf(path, sizeof path, "/0123456789abcdef%c", c);
        assert_false(allowed(t, "bot", path));
        snprintf(t, sizeof t, "User-agent: *\nDisallow: /*%c$\n", c);
        snprintf(path, sizeof path, "/dir/file%s", enc);
        assert_false(allowed(t, "bot", path));
        snprintf(path, sizeof path, "/dir/file%c?", c);
        assert_true(allowed(t, "bot", path));
        /* The pattern matcher the other mechanisms use agrees. */
        snprintf(t, sizeof t, "/a%cb", c);
        snprintf(path, sizeof path, "/a%sb/x", enc);
        assert_true(ccsig_robots_pattern_match(ccsig_str_make(t, strlen(t)),
                                               ccsig_str_make(path, strlen(path))));
        snprintf(path, sizeof path, "/a%cc", c);
        assert_false(ccsig_robots_pattern_match(ccsig_str_make(t, strlen(t)),
                                                ccsig_str_make(path, strlen(path))));
    }
    /* '~' is unreserved: %7E and '~' are one byte, in a long pattern too. */
    assert_false(allowed("User-agent: *\nDisallow: /~user/0123456789abcdef\n", "bot",
                         "/%7euser/0123456789abcdef"));
    /* Priority counts the encoded bytes alike: the longer allow wins. */
    assert_true(allowed("User-agent: *\nDisallow: /a\nAllow: /a{b}\n", "bot", "/a%7Bb%7D"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(agent_non_ascii_caller_names_no_group),
        cmocka_unit_test(agent_token_functions),
        cmocka_unit_test(typos_read_as_google_reads_them),
        cmocka_unit_test(lint_warns_for_every_google_typo),
        cmocka_unit_test(url_path_encodes_excluded_bytes),
        cmocka_unit_test(excluded_bytes_match_encoded_or_not),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
