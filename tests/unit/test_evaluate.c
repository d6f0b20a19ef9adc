/*
 * test_evaluate.c — the one evaluation path (ccsig/evaluate.h): the HTML /
 * image rule (body signatures, Content-Type, WHATWG HTML sniffing), the
 * order of the statements (robots.txt, headers, body, TDMRep, earlier), the
 * robots.txt statements withheld from a path that may not be crawled, site
 * documents and their failures as notes, and a reused result and arena.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ccsig/evaluate.h"

#define PNG "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
#define JPEG "\xff\xd8\xff\xe0\0\x10JFIF"

static ccsig_asset_kind kind_of(const char *ct, const char *body, size_t len) {
    return ccsig_asset_classify(ccsig_str_c(ct ? ct : ""), ct != NULL, body, len, NULL);
}

static void test_classify(void **state) {
    (void)state;
    /* a. image signatures win over any Content-Type */
    assert_int_equal(kind_of("text/html", PNG, sizeof PNG - 1), CCSIG_ASSET_IMAGE);
    assert_int_equal(kind_of("application/octet-stream", JPEG, sizeof JPEG - 1), CCSIG_ASSET_IMAGE);
    assert_int_equal(kind_of(NULL, "GIF89a\1\0\1\0", 10), CCSIG_ASSET_IMAGE);
    assert_int_equal(kind_of("text/plain", "RIFF\0\0\0\0WEBPVP8 ", 16), CCSIG_ASSET_IMAGE);
    assert_int_equal(kind_of(NULL,
                             "\0\0\0\x1c"
                             "ftypavif\0\0\0\0",
                             16),
                     CCSIG_ASSET_IMAGE);
    assert_int_equal(kind_of("image/png", "%PDF-1.7\n", 9), CCSIG_ASSET_OTHER);
    assert_int_equal(kind_of("text/html", "%PDF-1.7\n", 9), CCSIG_ASSET_OTHER);
    /* b. a known Content-Type decides */
    assert_int_equal(kind_of("text/html; charset=utf-8", "hello", 5), CCSIG_ASSET_HTML);
    assert_int_equal(kind_of(" TEXT/HTML ;q=1", "", 0), CCSIG_ASSET_HTML);
    assert_int_equal(kind_of("application/xhtml+xml", "<?xml?>", 7), CCSIG_ASSET_HTML);
    assert_int_equal(kind_of("image/svg+xml", "<svg/>", 6), CCSIG_ASSET_IMAGE);
    assert_int_equal(kind_of("image/png", "", 0), CCSIG_ASSET_IMAGE);
    assert_int_equal(kind_of("text/plain", "<html><head>", 12), CCSIG_ASSET_OTHER);
    assert_int_equal(kind_of("application/json", "<html>", 6), CCSIG_ASSET_OTHER);
    assert_int_equal(kind_of("text/htmlx", "<html>", 6), CCSIG_ASSET_OTHER);
    /* c. no type, or an unknown one: WHATWG's HTML patterns */
    assert_int_equal(kind_of(NULL, " \n<!doctype html>", 17), CCSIG_ASSET_HTML);
    assert_int_equal(kind_of("unknown/unknown", "<HtMl lang=en>", 14), CCSIG_ASSET_HTML);
    assert_int_equal(kind_of("*/*", "<p>x", 4), CCSIG_ASSET_HTML);
    assert_int_equal(kind_of("application/unknown", "<!-- c -->", 10), CCSIG_ASSET_HTML);
    assert_int_equal(kind_of("nonsense", "<body>", 6), CCSIG_ASSET_HTML);
    assert_int_equal(kind_of(NULL, "<html", 5), CCSIG_ASSET_OTHER); /* no terminating byte */
    assert_int_equal(kind_of(NULL, "<htmlx>", 7), CCSIG_ASSET_OTHER);
    assert_int_equal(kind_of(NULL, "<meta name=robots>", 18), CCSIG_ASSET_OTHER);
    assert_int_equal(kind_of(NULL, "<?xml version=\"1.0\"?><svg>", 27), CCSIG_ASSET_IMAGE);
    assert_int_equal(kind_of(NULL, "plain text", 10), CCSIG_ASSET_OTHER);
    assert_int_equal(kind_of(NULL, NULL, 0), CCSIG_ASSET_OTHER);
    ccsig_file_format f;
    ccsig_asset_classify(ccsig_str_c(""), false, PNG, sizeof PNG - 1, &f);
    assert_int_equal(f, CCSIG_FMT_PNG);
    assert_string_equal(ccsig_asset_kind_name(CCSIG_ASSET_IMAGE), "image");
}

static const char page[] = "HTTP/1.1 200 OK\r\n"
                           "Content-Type: text/html\r\n"
                           "Content-Usage: search=y\r\n"
                           "tdm-reservation: 0\r\n"
                           "\r\n"
                           "<html><head><meta name=robots content=noai>"
                           "<meta name=tdm-reservation content=1></head>";

static void robots_statement(ccsig_statement *st) {
    ccsig_statement_init(st, CCSIG_SRC_ROBOTS);
    ccsig_statement_set(st, CCSIG_CAT_AI_USE, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, 0,
                        CCSIG_STR_LIT("ai-use"));
    st->src.line = 7;
}

static void test_order(void **state) {
    (void)state;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    static ccsig_http_msg msg;
    static ccsig_eval_result r;
    ccsig_statement rs, earlier;
    robots_statement(&rs);
    ccsig_statement_init(&earlier, CCSIG_SRC_HEADER);
    ccsig_statement_set(&earlier, CCSIG_CAT_AUTOMATED_PROCESSING, CCSIG_STATE_ALLOW,
                        CCSIG_SIGNAL_NONE, 0, CCSIG_STR_LIT("all"));
    ccsig_eval_robots rb = {CCSIG_ROBOTS_FOUND, CCSIG_STATE_ALLOW, NULL, &rs, 1};
    ccsig_profile prof = {CCSIG_CAT_TRAIN_AI, 0, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT};
    ccsig_eval_input in;
    memset(&in, 0, sizeof in);
    in.url = CCSIG_STR_LIT("https://example.org/p");
    in.profile = &prof;
    in.robots = &rb;
    in.earlier = &earlier;
    in.nearlier = 1;
    ccsig_error err;
    assert_int_equal(ccsig_evaluate_response(page, sizeof page - 1, &in, &a, &msg, &r, &err),
                     CCSIG_OK);
    assert_int_equal(r.kind, CCSIG_ASSET_HTML);
    assert_int_equal(r.status, 200);
    /* robots, header, html meta, TDMRep (html level wins over header), earlier */
    assert_int_equal(r.c.n, 5);
    assert_int_equal(r.n_robots, 1);
    assert_int_equal(r.n_earlier, 1);
    assert_int_equal(r.c.sts[0].src.kind, CCSIG_SRC_ROBOTS);
    assert_int_equal(r.c.sts[1].src.kind, CCSIG_SRC_HEADER);
    assert_int_equal(r.c.sts[2].src.kind, CCSIG_SRC_HTML);
    assert_int_equal(r.c.sts[3].src.kind, CCSIG_SRC_HTML); /* the TDMRep statement */
    assert_true(ccsig_str_eq(r.c.sts[3].cat[CCSIG_CAT_TRAIN_AI].label, "tdm-reservation"));
    assert_int_equal(r.c.sts[4].cat[CCSIG_CAT_AUTOMATED_PROCESSING].state, CCSIG_STATE_ALLOW);
    assert_int_equal(r.verdict.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    assert_int_equal(r.verdict.cat[CCSIG_CAT_SEARCH].state, CCSIG_STATE_ALLOW);
    assert_int_equal(r.decision.result, CCSIG_RESULT_NOT_PERMITTED);

    /* a path that may not be crawled: no robots.txt statements */
    rb.crawl = CCSIG_STATE_DENY;
    in.earlier = NULL;
    in.nearlier = 0;
    ccsig_arena_reset(&a);
    assert_int_equal(ccsig_evaluate_response(page, sizeof page - 1, &in, &a, &msg, &r, &err),
                     CCSIG_OK);
    assert_int_equal(r.n_robots, 0);
    assert_int_equal(r.c.sts[0].src.kind, CCSIG_SRC_HEADER);

    /* not HTTP at all: only robots.txt and documents */
    rb.crawl = CCSIG_STATE_ALLOW;
    ccsig_arena_reset(&a);
    assert_int_equal(ccsig_evaluate_response("<html><head><meta name=robots content=noai>", 43, &in,
                                             &a, &msg, &r, &err),
                     CCSIG_OK);
    assert_int_equal(r.c.n, 1);
    assert_int_equal(r.status, -1);
    ccsig_arena_free(&a);
}

static void test_noimageai_wrong_type(void **state) {
    (void)state;
    static const char img[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                              "X-Robots-Tag: noimageai\r\n\r\n" PNG;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    static ccsig_http_msg msg;
    static ccsig_eval_result r;
    ccsig_eval_input in;
    memset(&in, 0, sizeof in);
    ccsig_error err;
    assert_int_equal(ccsig_evaluate_response(img, sizeof img - 1, &in, &a, &msg, &r, &err),
                     CCSIG_OK);
    assert_int_equal(r.kind, CCSIG_ASSET_IMAGE);
    assert_int_equal(r.format, CCSIG_FMT_PNG);
    assert_int_equal(r.verdict.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    assert_int_equal(r.decision.result, CCSIG_RESULT_UNKNOWN); /* no profile: no use */
    /* the same header on a page is a note, not a statement */
    static const char html[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                               "X-Robots-Tag: noimageai\r\n\r\n<html>";
    ccsig_arena_reset(&a);
    assert_int_equal(ccsig_evaluate_response(html, sizeof html - 1, &in, &a, &msg, &r, &err),
                     CCSIG_OK);
    assert_int_equal(r.kind, CCSIG_ASSET_HTML);
    assert_int_equal(r.verdict.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_UNKNOWN);
    assert_true(r.c.nnotes >= 1);
    ccsig_arena_free(&a);
}

static void test_documents(void **state) {
    (void)state;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    static ccsig_eval_result r;
    static const char tdm[] = "[{\"location\":\"/p\",\"tdm-reservation\":1}]";
    ccsig_eval_doc t = {CCSIG_STR_LIT("https://example.org/.well-known/tdmrep.json"), tdm,
                        sizeof tdm - 1, CCSIG_STR_LIT("")};
    ccsig_eval_doc rsl = {CCSIG_STR_LIT("https://example.org/license.xml"), NULL, 0,
                          CCSIG_STR_LIT("HTTP 500")};
    ccsig_eval_input in;
    memset(&in, 0, sizeof in);
    in.url = CCSIG_STR_LIT("https://example.org/p");
    in.tdmrep = &t;
    in.rsl = &rsl;
    in.nrsl = 1;
    in.status = -1;
    assert_int_equal(ccsig_evaluate(&in, &a, &r), CCSIG_OK);
    assert_int_equal(r.c.n, 1);
    assert_int_equal(r.c.sts[0].src.kind, CCSIG_SRC_TDMREP);
    assert_int_equal(r.verdict.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    assert_int_equal(r.c.nnotes, 1);
    assert_non_null(strstr(r.c.notes[0].message.p, "RSL document not fetched: HTTP 500"));
    /* a document that is not JSON: a note with its line */
    t.p = "{";
    t.len = 1;
    in.nrsl = 0;
    ccsig_arena_reset(&a);
    assert_int_equal(ccsig_evaluate(&in, &a, &r), CCSIG_OK);
    assert_int_equal(r.c.n, 0);
    assert_int_equal(r.c.nnotes, 1);
    assert_non_null(strstr(r.c.notes[0].message.p, "tdmrep.json not read: line 1"));
    assert_int_equal(ccsig_evaluate(NULL, &a, &r), CCSIG_ERR_USAGE);
    ccsig_arena_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_noimageai_wrong_type),
        cmocka_unit_test(test_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
