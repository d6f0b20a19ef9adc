/*
 * test_robots_corpus.c — every real robots.txt of ../shared/corpus/robots-real
 * compiled, queried for a set of URLs and agents, and linted, under the
 * sanitizers; plus the invariants every answer must keep.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ccsig/robots.h"
#include "sources_test.h"

#define CORPUS CCSIG_SHARED_DIR "/corpus/robots-real"

static const char *const urls[] = {
    "/",
    "/robots.txt",
    "/admin/",
    "/wp-admin/admin-ajax.php",
    "/search?q=test&page=2",
    "/images/photo.gif",
    "/images/photo.GIF?size=large",
    "/%E3%83%84/page",
    "/\xE3\x83\x84/page",
    "https://example.com/blog/2024/post.html?id=1#comments",
    "/api/v1/users/42",
    "/private/",
    "/static/js/app.js",
    "/a*b$c",
    "//cdn.example.com/x/y",
    "/docs/index.html",
    "/.well-known/security.txt",
};

static const char *const agents[] = {"*",         "Googlebot", "GPTBot",     "CCBot",
                                     "ClaudeBot", "bingbot",   "ExampleBot", "Mozilla/5.0"};

static int name_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void corpus_compile_query_lint(void **state) {
    DIR *d = opendir(CORPUS);
    assert_non_null(d);
    char *names[1024];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 1024) {
        size_t l = strlen(e->d_name);
        if (l > 4 && !strcmp(e->d_name + l - 4, ".txt"))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], name_cmp);
    assert_true(n >= 200);
    ccsig_robots_answer *ans = ccsig_robots_answer_new();
    size_t groups = 0, rules = 0, disallowed = 0, with_prefs = 0, diags = 0;
    for (size_t i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", CORPUS, names[i]);
        size_t len = 0;
        char *text = t_slurp(path, &len);
        assert_non_null(text);
        ccsig_robots *r = NULL;
        ccsig_error err;
        assert_int_equal(ccsig_robots_compile(text, len, names[i], &r, &err), CCSIG_OK);
        const ccsig_robots_info *info = ccsig_robots_get_info(r);
        groups += info->groups;
        rules += info->access_rules;
        for (size_t a = 0; a < sizeof agents / sizeof agents[0]; a++) {
            ccsig_robots_agent ag = ccsig_robots_select(r, agents[a], strlen(agents[a]));
            for (size_t u = 0; u < sizeof urls / sizeof urls[0]; u++) {
                const char *url = urls[u];
                assert_int_equal(ccsig_robots_query(r, ag, url, strlen(url), ans), CCSIG_OK);
                ccsig_robots_line line;
                assert_int_equal(ccsig_robots_allowed(r, ag, url, strlen(url), &line),
                                 ans->allowed);
                assert_int_equal(line.line, ans->rule.line);
                if (!ans->allowed) {
                    disallowed++;
                    assert_int_equal(ans->nst, 0);
                    assert_int_equal(ans->reason, CCSIG_ROBOTS_BY_RULE);
                    assert_true(ans->rule.line > 0 && ans->rule.line <= info->lines);
                }
                if (ans->nst)
                    with_prefs++;
                for (size_t s = 0; s < ans->nst; s++) {
                    assert_true(ans->st[s].src.line > 0 && ans->st[s].src.line <= info->lines);
                    assert_true(ans->st[s].src.text.len > 0);
                }
                if (u == 1)
                    assert_true(ans->allowed); /* /robots.txt */
                assert_true(ans->path.len > 0 && ans->path.p[0] == '/');
            }
        }
        ccsig_robots_free(r);
        ccsig_robots_lint_result res;
        assert_int_equal(ccsig_robots_lint(text, len, &res, &err), CCSIG_OK);
        for (size_t k = 0; k < res.n; k++) {
            assert_true(res.v[k].line >= 1);
            assert_true(res.v[k].column >= 1);
            assert_non_null(res.v[k].code);
        }
        diags += res.n;
        ccsig_robots_lint_free(&res);
        free(text);
        free(names[i]);
    }
    printf("corpus: %zu files, %zu groups, %zu rules, %zu disallowed answers, %zu with "
           "preferences, %zu diagnostics\n",
           n, groups, rules, disallowed, with_prefs, diags);
    assert_true(disallowed > 0);
    assert_true(with_prefs > 0);
    ccsig_robots_answer_free(ans);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(corpus_compile_query_lint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
