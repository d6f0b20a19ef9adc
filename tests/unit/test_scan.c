/*
 * test_scan.c — the per-record scanner: URL keys, the Content-Usage header
 * (repeated lines are one field), robots.txt input (none applies to a path
 * that may not be crawled), revisit statements and deep copies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ccsig/scan.h"

static void origin_is(const char *url, const char *want) {
    ccsig_url u;
    char buf[256];
    if (!want) {
        assert_false(ccsig_url_split(ccsig_str_c(url), &u));
        return;
    }
    assert_true(ccsig_url_split(ccsig_str_c(url), &u));
    assert_int_not_equal(ccsig_url_site(&u, buf, sizeof buf), 0);
    assert_string_equal(buf, want);
}

static void test_url(void **state) {
    (void)state;
    origin_is("https://Example.ORG/a?b#c", "https://example.org");
    origin_is("HTTP://example.org:80/", "http://example.org");
    origin_is("http://example.org:8080", "http://example.org:8080");
    origin_is("https://user:pw@example.org:443/x", "https://example.org");
    origin_is("http://test@example.com/", "http://example.com");
    origin_is("http://[2001:db8::1]:8000/p", "http://[2001:db8::1]:8000");
    origin_is(" https://example.org/ ", "https://example.org");
    origin_is("dns:example.org", NULL);
    origin_is("https:///path", NULL);
    origin_is("http://example.org:99999/", NULL);
    origin_is("http://[::1/", NULL);
    ccsig_url u;
    assert_true(ccsig_url_split(ccsig_str_c("https://example.org?q=1#frag"), &u));
    assert_true(ccsig_str_eq(u.path, "?q=1"));
    assert_true(ccsig_url_split(ccsig_str_c("https://example.org"), &u));
    assert_true(ccsig_str_eq(u.path, "/"));
    assert_int_equal(u.port, 443);
    char tiny[8];
    assert_int_equal(ccsig_url_site(&u, tiny, sizeof tiny), 0);
    assert_string_equal(ccsig_robots_status_name(CCSIG_ROBOTS_UNREACHABLE), "unreachable");
}

/* A response record around an HTTP header block. */
static void make(ccsig_warc_record *rec, ccsig_warc_type type, const char *uri, const char *block) {
    memset(rec, 0, sizeof *rec);
    rec->h.type = type;
    rec->h.target_uri = ccsig_str_c(uri);
    rec->block = block;
    rec->block_len = strlen(block);
    rec->h.content_length = rec->block_len;
    rec->block_complete = true;
}

static ccsig_scanner *scanner(ccsig_category use, unsigned commit) {
    ccsig_scan_config cfg = {{use, commit, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT},
                             CCSIG_STR_LIT("ExampleBot/2.0")};
    return ccsig_scanner_new(&cfg);
}

static void test_content_usage(void **state) {
    (void)state;
    ccsig_scanner *s = scanner(CCSIG_CAT_TRAIN_AI, CCSIG_COND_CREDIT);
    ccsig_warc_record rec;
    ccsig_scan_result r;
    make(&rec, CCSIG_WARC_RESPONSE, "https://example.org/a",
         "HTTP/1.1 200 OK\r\nContent-Usage: train-ai=n;exceptions=cc-cr\r\n\r\nbody");
    assert_int_equal(ccsig_scan_record(s, &rec, NULL, &r), CCSIG_OK);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.sts[0].src.kind, CCSIG_SRC_HEADER);
    assert_true(ccsig_str_eq(r.sts[0].src.origin, "Content-Usage"));
    assert_int_equal(r.decision.result, CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS);
    assert_int_equal(r.payload_len, 4);
    assert_memory_equal(r.payload, "body", 4);
    assert_int_equal(r.robots, CCSIG_ROBOTS_NONE);
    assert_int_equal(r.crawl, CCSIG_STATE_UNKNOWN);

    /* two lines are one field: the later train-ai wins */
    make(&rec, CCSIG_WARC_RESPONSE, "https://example.org/b",
         "HTTP/1.1 200 OK\ncontent-usage: train-ai=y\nX: 1\nCONTENT-USAGE: train-ai=n\n\n");
    assert_int_equal(ccsig_scan_record(s, &rec, NULL, &r), CCSIG_OK);
    assert_int_equal(r.n, 1);
    assert_true(ccsig_str_eq(r.sts[0].src.text, "train-ai=y, train-ai=n"));
    assert_int_equal(r.verdict.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    assert_int_equal(r.decision.result, CCSIG_RESULT_NOT_PERMITTED);

    /* an invalid line makes the whole field invalid */
    make(&rec, CCSIG_WARC_RESPONSE, "https://example.org/c",
         "HTTP/1.1 200 OK\r\nContent-Usage: train-ai=n\r\nContent-Usage: Search=y\r\n\r\n");
    assert_int_equal(ccsig_scan_record(s, &rec, NULL, &r), CCSIG_OK);
    assert_true(r.header_invalid);
    assert_int_equal(r.verdict.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_UNKNOWN);

    /* no HTTP: no statements; other record types are not looked into */
    make(&rec, CCSIG_WARC_RESPONSE, "https://example.org/d", "<html>Content-Usage: x</html>");
    assert_int_equal(ccsig_scan_record(s, &rec, NULL, &r), CCSIG_OK);
    assert_int_equal(r.status, -1);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.payload_len, rec.block_len);
    make(&rec, CCSIG_WARC_REQUEST, "https://example.org/e",
         "GET / HTTP/1.1\r\nContent-Usage: train-ai=n\r\n\r\n");
    assert_int_equal(ccsig_scan_record(s, &rec, NULL, &r), CCSIG_OK);
    assert_int_equal(r.n, 0);
    ccsig_scanner_free(s);
}

static void test_robots_input(void **state) {
    (void)state;
    ccsig_scanner *s = scanner(CCSIG_CAT_TRAIN_AI, 0);
    ccsig_statement st;
    ccsig_statement_init(&st, CCSIG_SRC_ROBOTS);
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    const char *expr = "train-ai=n";
    assert_int_equal(ccsig_pref_parse(&a, expr, strlen(expr), &st, NULL, NULL), CCSIG_OK);
    ccsig_provenance rule = {
        CCSIG_SRC_ROBOTS,          2, CCSIG_STR_LIT("https://example.org/robots.txt"),
        CCSIG_STR_LIT("Allow: /"), 0, {NULL, 0}};
    ccsig_scan_robots rb = {CCSIG_ROBOTS_FOUND, CCSIG_STATE_ALLOW, &rule, &st, 1};
    ccsig_warc_record rec;
    ccsig_scan_result r;
    make(&rec, CCSIG_WARC_RESPONSE, "https://example.org/a",
         "HTTP/1.1 200 OK\r\nContent-Usage: search=y\r\n\r\n");
    assert_int_equal(ccsig_scan_record(s, &rec, &rb, &r), CCSIG_OK);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.n_robots, 1);
    assert_int_equal(r.sts[0].src.kind, CCSIG_SRC_ROBOTS);
    assert_ptr_equal(r.crawl_rule, &rule);
    assert_int_equal(r.decision.result, CCSIG_RESULT_NOT_PERMITTED);
    /* a path that may not be crawled has no preferences from robots.txt */
    rb.crawl = CCSIG_STATE_DENY;
    assert_int_equal(ccsig_scan_record(s, &rec, &rb, &r), CCSIG_OK);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.n_robots, 0);
    assert_int_equal(r.crawl, CCSIG_STATE_DENY);
    /* ... and the agent's disallow decides: not permitted, with the rule */
    assert_int_equal(r.decision.result, CCSIG_RESULT_NOT_PERMITTED);
    assert_true(r.decision.crawl_disallowed);
    assert_int_equal(r.decision.crawl_rule.line, 2);
    ccsig_arena_free(&a);
    ccsig_scanner_free(s);
}

static void test_revisit_add_and_copy(void **state) {
    (void)state;
    ccsig_scanner *s = scanner(CCSIG_CAT_TRAIN_AI, CCSIG_COND_CREDIT);
    ccsig_warc_record rec;
    ccsig_scan_result orig, r;
    make(&rec, CCSIG_WARC_RESPONSE, "https://example.org/a",
         "HTTP/1.1 200 OK\r\nContent-Usage: train-ai=n;exceptions=cc-cr-ec\r\n\r\nx");
    assert_int_equal(ccsig_scan_record(s, &rec, NULL, &orig), CCSIG_OK);
    size_t size = ccsig_statements_copy_size(orig.sts, orig.n);
    char *blob = malloc(size);
    ccsig_statement copy[1];
    ccsig_statements_copy(copy, orig.sts, orig.n, blob);
    assert_true(ccsig_str_eq(copy[0].src.text, "train-ai=n;exceptions=cc-cr-ec"));
    assert_ptr_not_equal(copy[0].src.text.p, orig.sts[0].src.text.p);
    assert_true(ccsig_str_eq(copy[0].cat[CCSIG_CAT_TRAIN_AI].label, "train-ai"));

    ccsig_warc_record rv;
    make(&rv, CCSIG_WARC_REVISIT, "https://example.org/a",
         "HTTP/1.1 304 Not Modified\r\nContent-Usage: search=y\r\n\r\n");
    assert_int_equal(ccsig_scan_record(s, &rv, NULL, &r), CCSIG_OK);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.decision.result, CCSIG_RESULT_UNKNOWN);
    ccsig_scan_add(s, &r, copy, 1);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.decision.result, CCSIG_RESULT_NOT_PERMITTED);
    assert_int_equal(r.decision.missing, CCSIG_COND_ECOSYSTEM_CONTRIBUTION);
    for (int i = 0; i < CCSIG_SCAN_MAX_STATEMENTS; i++)
        ccsig_scan_add(s, &r, copy, 1);
    assert_int_equal(r.n, CCSIG_SCAN_MAX_STATEMENTS);
    assert_int_equal(r.dropped, 2);
    free(blob);
    ccsig_scanner_free(s);
}

/* Every reader of lib/sources/ takes part: X-Robots-Tag, TDMRep headers,
 * Content-Signal and the HTML head, each a statement with its provenance. */
static void test_readers(void **state) {
    (void)state;
    ccsig_scanner *s = scanner(CCSIG_CAT_TRAIN_AI, 0);
    ccsig_warc_record rec;
    ccsig_scan_result r;
    make(&rec, CCSIG_WARC_RESPONSE, "https://example.org/a",
         "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Robots-Tag: noai\r\n\r\n"
         "<html><head><meta name=\"robots\" content=\"noai\"></head><body>x</body></html>");
    assert_int_equal(ccsig_scan_record(s, &rec, NULL, &r), CCSIG_OK);
    bool header = false, html = false;
    for (size_t i = 0; i < r.n; i++) {
        header |= r.sts[i].src.kind == CCSIG_SRC_HEADER &&
                  ccsig_str_ieq(r.sts[i].src.origin, "X-Robots-Tag");
        html |= r.sts[i].src.kind == CCSIG_SRC_HTML;
    }
    assert_true(header);
    assert_true(html);
    assert_int_equal(r.verdict.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);

    /* TDMRep reservation in a header: resolved into one statement */
    make(&rec, CCSIG_WARC_RESPONSE, "https://example.org/b",
         "HTTP/1.1 200 OK\r\ntdm-reservation: 1\r\n\r\n");
    assert_int_equal(ccsig_scan_record(s, &rec, NULL, &r), CCSIG_OK);
    assert_int_equal(r.n, 1);
    assert_true(ccsig_str_ieq(r.sts[0].src.origin, "tdm-reservation"));
    assert_int_equal(r.verdict.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);

    /* Cloudflare Content-Signal */
    make(&rec, CCSIG_WARC_RESPONSE, "https://example.org/c",
         "HTTP/1.1 200 OK\r\nContent-Signal: search=yes, ai-train=no\r\n\r\n");
    assert_int_equal(ccsig_scan_record(s, &rec, NULL, &r), CCSIG_OK);
    assert_int_equal(r.verdict.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    assert_int_equal(r.verdict.cat[CCSIG_CAT_SEARCH].state, CCSIG_STATE_ALLOW);

    /* a meta tag for another agent does not apply; one for ours does */
    make(&rec, CCSIG_WARC_RESPONSE, "https://example.org/d",
         "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
         "<head><meta name=\"OtherBot\" content=\"noai\"></head>");
    assert_int_equal(ccsig_scan_record(s, &rec, NULL, &r), CCSIG_OK);
    assert_int_equal(r.verdict.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_UNKNOWN);
    make(&rec, CCSIG_WARC_RESPONSE, "https://example.org/e",
         "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
         "<head><meta name=\"ExampleBot\" content=\"noai\"></head>");
    assert_int_equal(ccsig_scan_record(s, &rec, NULL, &r), CCSIG_OK);
    assert_int_equal(r.verdict.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    ccsig_scanner_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url),          cmocka_unit_test(test_content_usage),
        cmocka_unit_test(test_robots_input), cmocka_unit_test(test_revisit_add_and_copy),
        cmocka_unit_test(test_readers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
