/*
 * test_abi.c — the public result types keep their arrays behind pointers:
 * their size does not depend on the limits (each under 1 KiB, so a
 * limit can change without breaking libccsig.so.0 and no caller's stack
 * holds kilobytes), the capacities are readable at run time, the storage
 * comes from the arena or the object that owns it, and element access by
 * index works as before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ccsig/check.h"
#include "ccsig/evaluate.h"
#include "ccsig/httpmsg.h"
#include "ccsig/pref.h"
#include "ccsig/scan.h"
#include "ccsig/sources.h"
#include "ccsig/warc.h"

#define ABI_MAX 1024

static void test_sizes(void **state) {
    (void)state;
    /* The sizes before: 15256, 15520, 16352, 8296, 3096, 2352, 1808. */
    assert_true(sizeof(ccsig_collect) < ABI_MAX);
    assert_true(sizeof(ccsig_eval_result) < ABI_MAX);
    assert_true(sizeof(ccsig_url_result) < ABI_MAX);
    assert_true(sizeof(ccsig_http_msg) < ABI_MAX);
    assert_true(sizeof(ccsig_scan_result) < ABI_MAX);
    assert_true(sizeof(ccsig_warc_header) < ABI_MAX);
    assert_true(sizeof(ccsig_warc_record) < ABI_MAX);
    assert_true(sizeof(ccsig_warnings) < ABI_MAX);
}

/* The collector's arrays come from its arena; the capacities are the limits. */
static void test_collect(void **state) {
    (void)state;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_collect c;
    ccsig_asset_ctx ctx = {CCSIG_STR_LIT("ExampleBot"), CCSIG_STR_LIT("t"), CCSIG_STR_LIT(""),
                           false};
    assert_int_equal(a.total, 0);
    assert_int_equal(ccsig_collect_init(&c, &a, &ctx), CCSIG_OK);
    assert_true(a.total >= CCSIG_COLLECT_MAX_STATEMENTS * sizeof(ccsig_statement));
    assert_int_equal(c.cap, CCSIG_COLLECT_MAX_STATEMENTS);
    assert_int_equal(c.notes_cap, CCSIG_COLLECT_MAX_NOTES);
    assert_int_equal(c.links_cap, CCSIG_COLLECT_MAX_LINKS);
    assert_non_null(c.tdm);
    for (size_t i = 0; i < c.cap + 3; i++)
        ccsig_sources_from_header(&c, CCSIG_STR_LIT("Content-Usage"), CCSIG_STR_LIT("train-ai=n"));
    assert_int_equal(c.n, c.cap);
    assert_int_equal(c.dropped, 3);
    assert_int_equal(c.sts[c.cap - 1].cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    assert_int_equal(c.nnotes, 1); /* "more than 64 statements" */
    assert_non_null(strstr(c.notes[0].message.p, "more than 64 statements"));

    /* Without an arena there is no storage: a full collector, not a crash. */
    assert_int_equal(ccsig_collect_init(&c, NULL, &ctx), CCSIG_ERR_USAGE);
    assert_int_equal(c.cap, 0);
    assert_null(ccsig_collect_add(&c, CCSIG_SRC_HEADER));
    ccsig_collect_tdm(&c, CCSIG_TDM_HEADER, 1, CCSIG_STR_LIT(""), NULL);
    ccsig_collect_finish(&c);
    assert_int_equal(c.n, 0);
    assert_int_equal(c.dropped, 1);
    ccsig_arena_free(&a);
}

/* The fields array comes from the parse's arena; its capacity is the limit. */
static void test_http_msg(void **state) {
    (void)state;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_buf b = {0};
    ccsig_buf_append(&b, "HTTP/1.1 200 OK\r\n", 17);
    for (int i = 0; i < CCSIG_HTTP_MAX_FIELDS + 10; i++) {
        char line[32];
        int n = snprintf(line, sizeof line, "X-F%d: %d\r\n", i, i);
        ccsig_buf_append(&b, line, (size_t)n);
    }
    ccsig_buf_append(&b, "\r\n", 2);
    ccsig_http_msg m;
    ccsig_error err;
    assert_int_equal(ccsig_http_parse(&a, b.data, b.len, &m, &err), CCSIG_OK);
    assert_int_equal(m.cap, CCSIG_HTTP_MAX_FIELDS);
    assert_int_equal(m.nfields, m.cap);
    assert_int_equal(m.dropped, 10);
    assert_true(m.anomalies & CCSIG_HTTP_A_TOO_MANY);
    assert_true(ccsig_str_eq(m.fields[m.cap - 1].value, "255"));
    assert_true(a.total >= CCSIG_HTTP_MAX_FIELDS * sizeof(ccsig_http_field));

    /* Not HTTP at all: nothing to hold, nothing allocated. */
    ccsig_arena_reset(&a);
    assert_int_equal(ccsig_http_parse(&a, "<html>", 6, &m, &err), CCSIG_OK);
    assert_int_equal(m.kind, CCSIG_HTTP_NONE);
    assert_null(m.fields);
    assert_int_equal(m.cap, 0);
    /* No arena: a clear error, not a crash. */
    assert_int_equal(ccsig_http_parse(NULL, "A: b\r\n\r\n", 8, &m, &err), CCSIG_ERR_NOMEM);
    assert_int_equal(m.nfields, 0);
    ccsig_buf_free(&b);
    ccsig_arena_free(&a);
}

static void test_warc_header(void **state) {
    (void)state;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    const char *s = "WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 0\r\n"
                    "WARC-Concurrent-To: <urn:a>\r\nWARC-Concurrent-To: <urn:b>\r\n\r\n";
    ccsig_warc_header h;
    ccsig_error err;
    assert_int_equal(ccsig_warc_header_parse(&a, s, ccsig_warc_header_end(s, strlen(s)), &h, &err),
                     CCSIG_OK);
    assert_int_equal(h.cap, CCSIG_WARC_MAX_FIELDS);
    assert_int_equal(h.nfields, 4);
    assert_true(ccsig_str_eq(h.fields[3].value, "<urn:b>"));
    ccsig_arena_free(&a);
}

/* The warnings' array is allocated in the arena at the first warning. */
static void test_warnings(void **state) {
    (void)state;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_statement st;
    ccsig_statement_init(&st, CCSIG_SRC_EXPRESSION);
    ccsig_warnings w;
    ccsig_warnings_init(&w, &a);
    ccsig_error err;
    assert_int_equal(ccsig_pref_parse(&a, "train-ai=n", 10, &st, &w, &err), CCSIG_OK);
    assert_int_equal(w.n, 0);
    assert_int_equal(w.cap, 0);
    assert_null(w.v);
    /* 40 unknown labels: CCSIG_MAX_WARNINGS kept, the rest counted. */
    ccsig_buf b = {0};
    for (int i = 0; i < CCSIG_MAX_WARNINGS + 8; i++) {
        char k[16];
        int n = snprintf(k, sizeof k, "%sx%d=y", i ? ", " : "", i);
        ccsig_buf_append(&b, k, (size_t)n);
    }
    assert_int_equal(ccsig_pref_parse(&a, b.data, b.len, &st, &w, &err), CCSIG_OK);
    assert_int_equal(w.cap, CCSIG_MAX_WARNINGS);
    assert_int_equal(w.n, w.cap);
    assert_int_equal(w.dropped, 8);
    assert_int_equal(w.v[w.cap - 1].code, CCSIG_W_UNKNOWN_LABEL);
    assert_true(ccsig_str_eq(w.v[w.cap - 1].key, "x31"));

    /* = {0}: the parse's arena holds the array. */
    ccsig_warnings z = {0};
    assert_int_equal(ccsig_pref_parse(&a, "Train-ai=n", 10, &st, &z, &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(z.n, 1);
    assert_int_equal(z.cap, CCSIG_MAX_WARNINGS);
    assert_int_equal(z.v[0].code, CCSIG_W_UPPERCASE_LABEL);
    ccsig_buf_free(&b);
    ccsig_arena_free(&a);
}

/* The scan result's statements are the scanner's storage, reused. */
static void test_scan_result(void **state) {
    (void)state;
    ccsig_scan_config cfg = {{CCSIG_CAT_TRAIN_AI, 0, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT},
                             CCSIG_STR_LIT("Bot")};
    ccsig_scanner *s = ccsig_scanner_new(&cfg);
    assert_non_null(s);
    const char *block = "HTTP/1.1 200 OK\r\nContent-Usage: train-ai=n\r\n\r\nx";
    ccsig_warc_record rec;
    memset(&rec, 0, sizeof rec);
    rec.h.type = CCSIG_WARC_RESPONSE;
    rec.h.target_uri = CCSIG_STR_LIT("https://example.org/a");
    rec.block = block;
    rec.block_len = strlen(block);
    rec.h.content_length = rec.block_len;
    rec.block_complete = true;
    ccsig_scan_result r1, r2;
    assert_int_equal(ccsig_scan_record(s, &rec, NULL, &r1), CCSIG_OK);
    assert_int_equal(r1.cap, CCSIG_SCAN_MAX_STATEMENTS);
    assert_int_equal(r1.n, 1);
    assert_int_equal(r1.sts[0].cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    assert_int_equal(r1.http->cap, CCSIG_HTTP_MAX_FIELDS);
    assert_int_equal(r1.http->nfields, 1);
    assert_int_equal(ccsig_scan_record(s, &rec, NULL, &r2), CCSIG_OK);
    assert_ptr_equal(r1.sts, r2.sts);
    assert_int_equal(r2.decision.result, CCSIG_RESULT_NOT_PERMITTED);
    ccsig_scanner_free(s);
}

/* The evaluation's collector lives in the arena given to ccsig_evaluate. */
static void test_eval_result(void **state) {
    (void)state;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_http_msg m;
    ccsig_eval_result r;
    ccsig_eval_input in;
    memset(&in, 0, sizeof in);
    in.url = CCSIG_STR_LIT("https://example.org/");
    in.status = -1;
    const char *block = "HTTP/1.1 200 OK\r\nX-Robots-Tag: noai\r\n\r\n";
    ccsig_error err;
    assert_int_equal(ccsig_evaluate_response(block, strlen(block), &in, &a, &m, &r, &err),
                     CCSIG_OK);
    assert_int_equal(r.c.cap, CCSIG_COLLECT_MAX_STATEMENTS);
    assert_int_equal(r.c.n, 1);
    assert_int_equal(r.c.sts[0].src.kind, CCSIG_SRC_HEADER);
    assert_int_equal(r.verdict.cat[CCSIG_CAT_TRAIN_AI].state, CCSIG_STATE_DENY);
    ccsig_arena_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),       cmocka_unit_test(test_collect),
        cmocka_unit_test(test_http_msg),    cmocka_unit_test(test_warc_header),
        cmocka_unit_test(test_warnings),    cmocka_unit_test(test_scan_result),
        cmocka_unit_test(test_eval_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
