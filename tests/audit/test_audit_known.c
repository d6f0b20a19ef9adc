/*
 * test_audit_known.c — ccsig audit on generated snapshot sets with known
 * answers: classes per agent and category under both readers (files on
 * which Google's groups and the naive ones differ), transitions, adoption,
 * weighted shares, absent listed domains, shard merge equal to one run,
 * the domain list and agent list readers and their errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ccsig/audit.h"

static const char domains_csv[] = "Index,Domain,Total Tokens,Note\n"
                                  "1,d1.org,100,\"plain\"\n"
                                  "2,D2.org,200,\"with, comma\"\n"
                                  "3,d3.org,300,\"a \"\"quote\"\"\"\n"
                                  "4,d4.org,400,\n"
                                  "5,www.d5.org,500,\n"
                                  "6,d6.org,600,\n";

typedef struct cap {
    const char *domain;
    int status;
    const char *body;
} cap;

/* Snapshot 2024-01. */
static const cap s0[] = {
    {"d1.org", 200, "User-agent: *\nDisallow: /\n"},
    {"d2.org", 200, "User-agent: GPTBot\nDisallow: /private\n"},
    /* Google: CCBot and GPTBot share the group; naive: CCBot's group ends
     * at Crawl-delay and has no rule. */
    {"d3.org", 200, "User-agent: CCBot\nCrawl-delay: 10\nUser-agent: GPTBot\nDisallow: /\n"},
    {"d4.org", 200,
     "License: https://d4.org/license.xml\nUser-agent: *\nDisallow: /\nAllow: /public\n"
     "Content-Usage: train-ai=n;exceptions=cc-cr\n"},
    {"d5.org", 503, NULL},                           /* unreachable: all; www.d5.org in the list */
    {"d7.org", 200, "User-agent: *\nDisallow: /\n"}, /* not listed: skipped */
    {"d1.org", 200, "User-agent: *\nDisallow:\n"},   /* a second capture: the first counts */
};

/* Snapshot 2024-06. */
static const cap s1[] = {
    {"d1.org", 200, "User-agent: *\nDisallow:\n"},
    {"d2.org", 200, "User-agent: GPTBot\nDisallow: /\n"},
    {"d3.org", 200, "User-agent: CCBot\nCrawl-delay: 10\nUser-agent: GPTBot\nDisallow: /\n"},
    {"d4.org", 404, NULL},
    /* Google: PerplexityBot joins the * group across the Sitemap line. */
    {"d6.org", 200,
     "User-agent: PerplexityBot\nSitemap: https://d6.org/s.xml\nUser-agent: *\n"
     "Content-Signal: ai-train=no\nDisallow: /x\n"},
};

static ccsig_audit *make(unsigned si, unsigned sn) {
    ccsig_audit *a = ccsig_audit_new(si, sn);
    assert_non_null(a);
    ccsig_error err;
    assert_int_equal(ccsig_audit_add_agent(a, "GPTBot", 6, CCSIG_AUDIT_AI_TRAINING, &err), 0);
    assert_int_equal(ccsig_audit_add_agent(a, "CCBot", 5, CCSIG_AUDIT_AI_TRAINING, &err), 0);
    assert_int_equal(ccsig_audit_add_agent(a, "PerplexityBot", 13, CCSIG_AUDIT_AI_SEARCH, &err), 0);
    assert_int_equal(ccsig_audit_add_agent(a, "Googlebot", 9, CCSIG_AUDIT_SEARCH, &err), 0);
    assert_int_equal(ccsig_audit_domains_csv(a, domains_csv, strlen(domains_csv), &err), 0);
    return a;
}

static void run(ccsig_audit *a, const char *label, const cap *c, size_t n) {
    ccsig_error err;
    assert_int_equal(ccsig_audit_begin(a, label, &err), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ccsig_audit_capture(a, c[i].domain, c[i].status, c[i].body,
                                             c[i].body ? strlen(c[i].body) : 0, NULL, &err),
                         0);
    assert_int_equal(ccsig_audit_end(a, NULL, &err), 0);
}

static ccsig_audit *full(unsigned si, unsigned sn) {
    ccsig_audit *a = make(si, sn);
    run(a, "2024-01", s0, sizeof s0 / sizeof *s0);
    run(a, "2024-06", s1, sizeof s1 / sizeof *s1);
    return a;
}

static void expect(const ccsig_audit *a, size_t s, int r, int i, uint64_t all, uint64_t some,
                   uint64_t none, uint64_t wall, uint64_t wsome, uint64_t wnone) {
    ccsig_audit_counts c = ccsig_audit_get(a, s, r, i);
    assert_int_equal(c.cls[CCSIG_AUDIT_ALL], all);
    assert_int_equal(c.cls[CCSIG_AUDIT_SOME], some);
    assert_int_equal(c.cls[CCSIG_AUDIT_NONE], none);
    assert_int_equal(c.wcls[CCSIG_AUDIT_ALL], wall);
    assert_int_equal(c.wcls[CCSIG_AUDIT_SOME], wsome);
    assert_int_equal(c.wcls[CCSIG_AUDIT_NONE], wnone);
}

enum { GPT = 0, CC = 1, PPLX = 2, GOOG = 3 };
#define CAT(c) (-1 - (int)(c))
#define EX CCSIG_AUDIT_EXACT
#define NV CCSIG_AUDIT_NAIVE

static void classes_first_snapshot(void **state) {
    (void)state;
    ccsig_audit *a = full(0, 1);
    assert_int_equal(ccsig_audit_snapshots(a), 2);
    ccsig_audit_counts c = ccsig_audit_get(a, 0, EX, GPT);
    assert_int_equal(c.domains, 5);
    assert_int_equal(c.weight, 1500);
    /* GPTBot: d1 all, d2 some, d3 all, d4 some (Allow reopens), d5 all (503) */
    expect(a, 0, EX, GPT, 3, 2, 0, 900, 600, 0);
    expect(a, 0, NV, GPT, 3, 2, 0, 900, 600, 0);
    /* CCBot: d3 all for Google, none for the naive reader */
    expect(a, 0, EX, CC, 3, 1, 1, 900, 400, 200);
    expect(a, 0, NV, CC, 2, 1, 2, 600, 400, 500);
    expect(a, 0, EX, PPLX, 2, 1, 2, 600, 400, 500);
    expect(a, 0, EX, GOOG, 2, 1, 2, 600, 400, 500);
    /* ai-training: the strongest of GPTBot and CCBot */
    expect(a, 0, EX, CAT(CCSIG_AUDIT_AI_TRAINING), 3, 2, 0, 900, 600, 0);
    expect(a, 0, NV, CAT(CCSIG_AUDIT_AI_TRAINING), 3, 2, 0, 900, 600, 0);
    expect(a, 0, EX, CAT(CCSIG_AUDIT_AI_SEARCH), 2, 1, 2, 600, 400, 500);
    /* adoption: d4 has Content-Usage (current label, cc-cr) and a License;
     * d2 and d3 name an AI agent */
    assert_int_equal(ccsig_audit_adoption(a, 0, 0), 1); /* content-usage */
    assert_int_equal(ccsig_audit_adoption(a, 0, 1), 1); /* cu-current */
    assert_int_equal(ccsig_audit_adoption(a, 0, 2), 0); /* cu-legacy */
    assert_int_equal(ccsig_audit_adoption(a, 0, 3), 1); /* cc-signal */
    assert_int_equal(ccsig_audit_adoption(a, 0, 4), 0); /* content-signal */
    assert_int_equal(ccsig_audit_adoption(a, 0, 5), 1); /* rsl-license */
    assert_int_equal(ccsig_audit_adoption(a, 0, 6), 2); /* names-ai-agent */
    assert_int_equal(ccsig_audit_adoption(a, 0, CCSIG_AUDIT_MECHANISMS + 0), 1); /* cc-cr */
    assert_int_equal(ccsig_audit_adoption(a, 0, CCSIG_AUDIT_MECHANISMS + 1), 0); /* cc-cr-dc */
    ccsig_audit_free(a);
}

static void classes_and_transitions(void **state) {
    (void)state;
    ccsig_audit *a = full(0, 1);
    ccsig_audit_counts c = ccsig_audit_get(a, 1, EX, GPT);
    assert_int_equal(c.domains, 5);
    assert_int_equal(c.weight, 1600);
    /* GPTBot: d1 none, d2 all, d3 all, d4 none (404), d6 some */
    expect(a, 1, EX, GPT, 2, 1, 2, 500, 600, 500);
    /* PerplexityBot at d6: the * group for Google (some), its own empty
     * group for the naive reader (none) */
    expect(a, 1, EX, PPLX, 0, 1, 4, 0, 600, 1000);
    expect(a, 1, NV, PPLX, 0, 0, 5, 0, 0, 1600);
    /* transitions of domains present in both snapshots (d1..d4) */
    assert_int_equal(ccsig_audit_moved(a, 1, EX, GPT, CCSIG_AUDIT_ALL, CCSIG_AUDIT_NONE), 1);
    assert_int_equal(ccsig_audit_moved(a, 1, EX, GPT, CCSIG_AUDIT_SOME, CCSIG_AUDIT_ALL), 1);
    assert_int_equal(ccsig_audit_moved(a, 1, EX, GPT, CCSIG_AUDIT_ALL, CCSIG_AUDIT_ALL), 1);
    assert_int_equal(ccsig_audit_moved(a, 1, EX, GPT, CCSIG_AUDIT_SOME, CCSIG_AUDIT_NONE), 1);
    assert_int_equal(ccsig_audit_moved(a, 1, EX, GPT, CCSIG_AUDIT_NONE, CCSIG_AUDIT_SOME), 0);
    assert_int_equal(ccsig_audit_moved(a, 1, EX, CC, CCSIG_AUDIT_ALL, CCSIG_AUDIT_ALL), 1);
    assert_int_equal(ccsig_audit_moved(a, 1, NV, CC, CCSIG_AUDIT_NONE, CCSIG_AUDIT_NONE), 2);
    assert_int_equal(ccsig_audit_moved(a, 0, EX, GPT, CCSIG_AUDIT_ALL, CCSIG_AUDIT_ALL), 0);
    assert_int_equal(ccsig_audit_adoption(a, 1, 4), 1); /* content-signal at d6 */
    assert_int_equal(ccsig_audit_adoption(a, 1, 0), 0);
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_audit_write_json(a, &b);
    /* d6 absent in the first snapshot, d5 in the second */
    assert_non_null(
        strstr(ccsig_buf_cstr(&b), "\"domains\": [5, 1500],\n      \"absent\": [1, 600]"));
    assert_non_null(
        strstr(ccsig_buf_cstr(&b), "\"domains\": [5, 1600],\n      \"absent\": [1, 500]"));
    assert_non_null(strstr(ccsig_buf_cstr(&b), "\"named\": {\"gptbot\": 2, \"ccbot\": 1}"));
    ccsig_buf_free(&b);
    ccsig_audit_free(a);
}

/* Shards merged give the one run's JSON, byte for byte. */
static void shards_merge(void **state) {
    (void)state;
    ccsig_audit *one = full(0, 1);
    ccsig_buf want = CCSIG_BUF_INIT, got = CCSIG_BUF_INIT, part = CCSIG_BUF_INIT;
    ccsig_audit_write_json(one, &want);
    ccsig_audit *m = ccsig_audit_new(0, 1);
    assert_non_null(m);
    ccsig_error err;
    for (unsigned i = 0; i < 3; i++) {
        ccsig_audit *s = full(i, 3);
        ccsig_buf_clear(&part);
        ccsig_audit_write_json(s, &part);
        assert_int_equal(ccsig_audit_merge_json(m, part.data, part.len, &err), 0);
        ccsig_audit_free(s);
    }
    ccsig_audit_write_json(m, &got);
    assert_string_equal(ccsig_buf_cstr(&got), ccsig_buf_cstr(&want));
    /* a document of other snapshots is refused */
    ccsig_audit *o = make(0, 1);
    run(o, "2025-01", s1, 1);
    ccsig_buf_clear(&part);
    ccsig_audit_write_json(o, &part);
    assert_int_equal(ccsig_audit_merge_json(m, part.data, part.len, &err), CCSIG_ERR_USAGE);
    assert_int_equal(ccsig_audit_merge_json(m, "{\"type\": 1}", 11, &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(ccsig_audit_merge_json(m, "[", 1, &err), CCSIG_ERR_SYNTAX);
    ccsig_audit_free(o);
    ccsig_audit_free(m);
    ccsig_audit_free(one);
    ccsig_buf_free(&want);
    ccsig_buf_free(&got);
    ccsig_buf_free(&part);
}

static void domain_list_errors(void **state) {
    (void)state;
    ccsig_error err;
    struct {
        const char *csv;
        unsigned line, col;
    } bad[] = {
        {"Domain,Total Tokens\na.org,12\n\"b.org,3\n", 3, 1},
        {"Domain,Total Tokens\na.org,twelve\n", 2, 7},
        {"Domain,Total Tokens\n,5\n", 2, 1},
        {"a.org,1\nb.org,-2\n", 2, 7},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ccsig_audit *a = ccsig_audit_new(0, 1);
        assert_int_equal(ccsig_audit_domains_csv(a, bad[i].csv, strlen(bad[i].csv), &err),
                         CCSIG_ERR_SYNTAX);
        assert_int_equal(err.line, bad[i].line);
        assert_int_equal(err.column, bad[i].col);
        ccsig_audit_free(a);
    }
    /* without a header: domain[,weight]; a repeated domain adds up */
    ccsig_audit *a = ccsig_audit_new(0, 1);
    const char *csv = "a.org,10\r\nb.org\r\na.org,5\r\n";
    assert_int_equal(ccsig_audit_domains_csv(a, csv, strlen(csv), &err), 0);
    assert_int_equal(ccsig_audit_add_agent(a, "X", 1, CCSIG_AUDIT_AI_OTHER, &err), 0);
    assert_int_equal(ccsig_audit_begin(a, "s", &err), 0);
    assert_int_equal(ccsig_audit_capture(a, "a.org", 200, "", 0, NULL, &err), 0);
    assert_int_equal(ccsig_audit_capture(a, "b.org", 200, "", 0, NULL, &err), 0);
    assert_int_equal(ccsig_audit_end(a, NULL, &err), 0);
    assert_int_equal(ccsig_audit_get(a, 0, EX, 0).weight, 16);
    assert_int_equal(ccsig_audit_begin(a, "r", &err), CCSIG_ERR_USAGE); /* out of order */
    ccsig_audit_free(a);
}

static void agent_list(void **state) {
    (void)state;
    const char *j = "{\"GPTBot\": {\"function\": \"AI Data Scrapers\"},\n"
                    " \"OAI-SearchBot\": {\"function\": \"AI Search Crawlers\"},\n"
                    " \"ChatGPT-User\": {\"function\": \"AI Assistants\"},\n"
                    " \"Odd Bot/1\": {\"function\": \"AI Agents\"},\n"
                    " \"Mystery\": {\"function\": \"Unclear at this time.\"}}";
    ccsig_audit *a = ccsig_audit_new(0, 1);
    ccsig_error err;
    assert_int_equal(ccsig_audit_agents_json(a, j, strlen(j), &err), 0);
    ccsig_audit_category c;
    assert_int_equal(ccsig_audit_agents(a), 4 + 5); /* "Odd Bot/1" is no token; + engines */
    assert_string_equal(ccsig_audit_agent(a, 0, &c), "GPTBot");
    assert_int_equal(c, CCSIG_AUDIT_AI_TRAINING);
    ccsig_audit_agent(a, 1, &c);
    assert_int_equal(c, CCSIG_AUDIT_AI_SEARCH);
    ccsig_audit_agent(a, 2, &c);
    assert_int_equal(c, CCSIG_AUDIT_AI_ASSISTANT);
    ccsig_audit_agent(a, 3, &c);
    assert_int_equal(c, CCSIG_AUDIT_AI_OTHER);
    assert_int_equal(ccsig_audit_agent_index(a, "googlebot"), 4);
    ccsig_audit_free(a);
    a = ccsig_audit_new(0, 1);
    assert_int_equal(ccsig_audit_agents_json(a, "{\"A\": 1}", 8, &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(err.line, 1);
    assert_int_equal(ccsig_audit_agents_json(a, "{\"A\": {}\n", 9, &err), CCSIG_ERR_SYNTAX);
    ccsig_audit_free(a);
}

/* Through the robots store: a directory of HOST.txt files. */
static void snapshot_directory(void **state) {
    (void)state;
    char dir[] = "/tmp/audit_known_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    const char *files[][2] = {{"a.org.txt", "User-agent: *\nDisallow: /\n"},
                              {"b.org.txt", "User-agent: GPTBot\nSitemap: /s\nUser-agent: CCBot\n"
                                            "Disallow: /\n"}};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(files[i][1], f);
        fclose(f);
    }
    ccsig_audit *a = ccsig_audit_new(0, 1);
    ccsig_error err;
    assert_int_equal(ccsig_audit_add_agent(a, "GPTBot", 6, CCSIG_AUDIT_AI_TRAINING, &err), 0);
    const char *paths[] = {dir};
    assert_int_equal(ccsig_audit_add_snapshot(a, "2026-01", paths, 1, NULL, &err), 0);
    /* two domains (http and https keys of one file count once); GPTBot: all
     * at a.org, and all at b.org for Google, none for the naive reader */
    expect(a, 0, EX, GPT, 2, 0, 0, 2, 0, 0);
    expect(a, 0, NV, GPT, 1, 0, 1, 1, 0, 1);
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
        unlink(path);
    }
    rmdir(dir);
    const char *missing[] = {"/nonexistent/audit"};
    assert_int_equal(ccsig_audit_add_snapshot(a, "2026-02", missing, 1, NULL, &err), CCSIG_ERR_IO);
    assert_int_equal(ccsig_audit_snapshots(a), 1); /* the failed snapshot is not kept */
    ccsig_audit_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(classes_first_snapshot),
        cmocka_unit_test(classes_and_transitions),
        cmocka_unit_test(shards_merge),
        cmocka_unit_test(domain_list_errors),
        cmocka_unit_test(agent_list),
        cmocka_unit_test(snapshot_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
