/*
 * test_httpmsg.c — the lenient HTTP/1.x header block parser: every quirk
 * warc-notes.md §4 lists, on buffers sized exactly (ASan sees any read past
 * the end).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ccsig/alloc.h"
#include "ccsig/httpmsg.h"

static ccsig_arena arena;
static ccsig_http_msg msg;

/* Parse a copy of s in a buffer of exactly its length. */
static const ccsig_http_msg *parse(const char *s) {
    size_t n = strlen(s);
    static char *buf;
    free(buf);
    buf = malloc(n ? n : 1);
    memcpy(buf, s, n);
    ccsig_arena_reset(&arena);
    ccsig_error err;
    assert_int_equal(ccsig_http_parse(&arena, buf, n, &msg, &err), CCSIG_OK);
    return &msg;
}

static void value_is(const ccsig_http_msg *m, const char *name, const char *want) {
    size_t i = ccsig_http_find(m, name, 0);
    assert_true(i < m->nfields);
    assert_int_equal(m->fields[i].value.len, strlen(want));
    assert_memory_equal(m->fields[i].value.p, want, strlen(want));
}

static void test_plain_response(void **state) {
    (void)state;
    const ccsig_http_msg *m = parse("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                    "Content-Usage: train-ai=n\r\n\r\n<html>");
    assert_int_equal(m->kind, CCSIG_HTTP_RESPONSE);
    assert_int_equal(m->status, 200);
    assert_true(ccsig_str_eq(m->version, "HTTP/1.1"));
    assert_true(ccsig_str_eq(m->reason, "OK"));
    assert_int_equal(m->nfields, 2);
    assert_int_equal(m->header_len, strlen("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                           "Content-Usage: train-ai=n\r\n\r\n"));
    assert_int_equal(m->anomalies, 0);
    value_is(m, "content-usage", "train-ai=n");
}

static void test_bare_lf_and_crs(void **state) {
    (void)state;
    const ccsig_http_msg *m = parse("HTTP/1.0 404 Not Found\nServer: x\r\r\nA:  b  \n\nbody");
    assert_int_equal(m->status, 404);
    assert_true(m->anomalies & CCSIG_HTTP_A_BARE_LF);
    value_is(m, "Server", "x");
    value_is(m, "a", "b");
    assert_int_equal(m->header_len, strlen("HTTP/1.0 404 Not Found\nServer: x\r\r\nA:  b  \n\n"));
}

static void test_folded(void **state) {
    (void)state;
    const ccsig_http_msg *m = parse("HTTP/1.1 200 OK\r\nX-Long: first\r\n  second\r\n\tthird\r\n"
                                    "Y: z\r\n\r\n");
    assert_true(m->anomalies & CCSIG_HTTP_A_FOLDED);
    value_is(m, "x-long", "first second third");
    value_is(m, "Y", "z");
}

static void test_duplicates_combined(void **state) {
    (void)state;
    const ccsig_http_msg *m = parse("HTTP/1.1 200 OK\r\nContent-Usage: train-ai=y\r\n"
                                    "Set-Cookie: a=1\r\ncontent-usage: search=n\r\n"
                                    "Set-Cookie: b=2\r\n\r\n");
    assert_int_equal(ccsig_http_count(m, "Content-Usage"), 2);
    assert_int_equal(ccsig_http_count(m, "set-cookie"), 2);
    ccsig_str v;
    ccsig_error err;
    assert_true(ccsig_http_combined(m, "Content-Usage", &arena, &v, &err));
    assert_true(ccsig_str_eq(v, "train-ai=y, search=n"));
    assert_false(ccsig_http_combined(m, "Link", &arena, &v, &err));
    assert_int_equal(v.len, 0);
    /* one line: the value itself, no copy */
    m = parse("HTTP/1.1 200 OK\r\nContent-Usage: train-ai=n\r\n\r\n");
    assert_true(ccsig_http_combined(m, "content-usage", &arena, &v, &err));
    assert_ptr_equal(v.p, m->fields[0].value.p);
}

static void test_missing_reason_and_odd_status(void **state) {
    (void)state;
    const ccsig_http_msg *m = parse("HTTP/1.1 200\r\nA: b\r\n\r\n");
    assert_int_equal(m->status, 200);
    assert_true(m->anomalies & CCSIG_HTTP_A_NO_REASON);
    assert_int_equal(m->reason.len, 0);
    m = parse("HTTP/1.1 0 \r\n\r\n");
    assert_int_equal(m->status, 0);
    assert_true(m->anomalies & CCSIG_HTTP_A_BAD_STATUS);
    m = parse("HTTP/2 301 Moved\r\nlocation: /x\r\n\r\n");
    assert_int_equal(m->status, 301);
    assert_true(ccsig_str_eq(m->version, "HTTP/2"));
    m = parse("HTTP/1.1 abc\r\n\r\n");
    assert_int_equal(m->kind, CCSIG_HTTP_RESPONSE);
    assert_int_equal(m->status, -1);
    m = parse("200 OK\r\nA: b\r\n\r\n");
    assert_int_equal(m->status, 200);
    assert_int_equal(m->version.len, 0);
}

static void test_h2_lowercase_names(void **state) {
    (void)state;
    /* Common Crawl: HTTP/1.1 status line, lowercase HTTP/2 field names */
    const ccsig_http_msg *m = parse("HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n"
                                    "x-crawler-content-encoding: gzip\r\n\r\n");
    value_is(m, "Content-Type", "text/html");
    value_is(m, "X-Crawler-Content-Encoding", "gzip");
}

static void test_junk_lines(void **state) {
    (void)state;
    const ccsig_http_msg *m = parse("HTTP/1.1 200 OK\r\nthis is junk\r\n: empty name\r\n"
                                    "Bad Name: v\r\nName : w\r\nGood: ok\r\n\r\n");
    assert_true(m->anomalies & CCSIG_HTTP_A_JUNK_LINE);
    assert_true(m->anomalies & CCSIG_HTTP_A_EMPTY_NAME);
    assert_true(m->anomalies & CCSIG_HTTP_A_NAME_SPACE);
    value_is(m, "Good", "ok");
    value_is(m, "Name", "w");
    assert_int_equal(m->nfields, 3);
}

/* A space or tab inside a field name is flagged wherever it stands in a
 * name of any length (the check reads eight bytes at a time), and a long
 * name without one is not. */
static void test_name_space_positions(void **state) {
    (void)state;
    const char *name = "X-Some-Rather-Long-Field-Name-Here"; /* 34 bytes */
    size_t nl = strlen(name);
    for (size_t len = 1; len <= nl; len++) {
        char text[128];
        /* the name, then white space before the colon (and a colon in the
         * value): the same name and value either way */
        static const struct {
            const char *after, *value;
            bool spaced;
        } forms[] = {{": v", "v", false}, {" \t: a:b ", "a:b", true}};
        for (size_t f = 0; f < 2; f++) {
            snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\n%.*s%s\r\n\r\n", (int)len, name,
                     forms[f].after);
            const ccsig_http_msg *m = parse(text);
            assert_int_equal(!!(m->anomalies & CCSIG_HTTP_A_NAME_SPACE), forms[f].spaced);
            assert_int_equal(m->nfields, 1);
            assert_int_equal(m->fields[0].name.len, len);
            assert_true(ccsig_str_eq(m->fields[0].value, forms[f].value));
        }
        /* no colon at all: a junk line, not a field */
        snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\n%.*s\r\n\r\n", (int)len, name);
        const ccsig_http_msg *ok = parse(text);
        assert_true(ok->anomalies & CCSIG_HTTP_A_JUNK_LINE);
        assert_int_equal(ok->nfields, 0);
        for (size_t at = 1; at < len; at++)
            for (int t = 0; t < 2; t++) {
                char nm[64];
                memcpy(nm, name, len);
                nm[at] = t ? '\t' : ' ';
                snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\n%.*s: v\r\n\r\n", (int)len, nm);
                const ccsig_http_msg *m = parse(text);
                assert_true(m->anomalies & CCSIG_HTTP_A_NAME_SPACE);
                assert_int_equal(m->nfields, 1);
            }
    }
    /* bytes that differ from SP and HTAB by one bit, or in the high bit */
    assert_false(parse("HTTP/1.1 200 OK\r\nAbcdefgh!#$%&'*+-.^_`|~0123: v\r\n\r\n")->anomalies &
                 CCSIG_HTTP_A_NAME_SPACE);
    assert_false(parse("HTTP/1.1 200 OK\r\nN\xa0me-\x89-\xe9t\xc3\xa9: v\r\n\r\n")->anomalies &
                 CCSIG_HTTP_A_NAME_SPACE);
}

static void test_not_http(void **state) {
    (void)state;
    const ccsig_http_msg *m = parse("<!doctype html>\n<html><body>no header</body></html>");
    assert_int_equal(m->kind, CCSIG_HTTP_NONE);
    assert_int_equal(m->header_len, 0);
    assert_int_equal(m->nfields, 0);
    m = parse("");
    assert_int_equal(m->kind, CCSIG_HTTP_NONE);
    m = parse("\r\n\r\nbody");
    assert_int_equal(m->kind, CCSIG_HTTP_NONE);
}

static void test_fields_without_start_line(void **state) {
    (void)state;
    const ccsig_http_msg *m = parse("Content-Type: text/plain\r\nContent-Usage: search=y\r\n\r\n");
    assert_int_equal(m->kind, CCSIG_HTTP_FIELDS);
    assert_true(m->anomalies & CCSIG_HTTP_A_NO_START);
    value_is(m, "Content-Usage", "search=y");
}

static void test_no_end(void **state) {
    (void)state;
    /* a revisit's block: headers only, no empty line, last line unterminated */
    const char *s = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2";
    const ccsig_http_msg *m = parse(s);
    assert_true(m->anomalies & CCSIG_HTTP_A_NO_END);
    assert_int_equal(m->header_len, strlen(s));
    value_is(m, "B", "2");
}

static void test_request(void **state) {
    (void)state;
    const ccsig_http_msg *m = parse("GET /robots.txt HTTP/1.1\r\nHost: example.org\r\n\r\n");
    assert_int_equal(m->kind, CCSIG_HTTP_REQUEST);
    assert_true(ccsig_str_eq(m->method, "GET"));
    assert_true(ccsig_str_eq(m->target, "/robots.txt"));
    assert_int_equal(m->status, -1);
}

static void test_too_many_fields(void **state) {
    (void)state;
    size_t n = CCSIG_HTTP_MAX_FIELDS + 50;
    char *s = malloc(20 + n * 10 + 4);
    size_t o = (size_t)sprintf(s, "HTTP/1.1 200 OK\r\n");
    for (size_t i = 0; i < n; i++)
        o += (size_t)sprintf(s + o, "X%03zu: v\r\n", i % 1000);
    strcpy(s + o, "\r\n");
    const ccsig_http_msg *m = parse(s);
    assert_int_equal(m->nfields, CCSIG_HTTP_MAX_FIELDS);
    assert_int_equal(m->dropped, 50);
    assert_true(m->anomalies & CCSIG_HTTP_A_TOO_MANY);
    free(s);
}

static void test_too_long(void **state) {
    (void)state;
    size_t n = CCSIG_HTTP_MAX_BLOCK + 1000;
    char *s = malloc(n + 1);
    memset(s, 'a', n);
    memcpy(s, "HTTP/1.1 200 OK\r\nX: ", 20);
    s[n] = '\0';
    const ccsig_http_msg *m = parse(s);
    assert_true(m->anomalies & CCSIG_HTTP_A_TOO_LONG);
    assert_true(m->anomalies & CCSIG_HTTP_A_NO_END);
    assert_int_equal(m->header_len, 17);
    free(s);
}

static void test_anomaly_names(void **state) {
    (void)state;
    for (unsigned b = 1; b <= CCSIG_HTTP_A_LEADING_WS; b <<= 1)
        assert_string_not_equal(ccsig_http_anomaly_name(b), "unknown");
    assert_string_equal(ccsig_http_anomaly_name(CCSIG_HTTP_A_BARE_LF), "bare-lf");
}

static void test_null_args(void **state) {
    (void)state;
    ccsig_error err;
    assert_int_equal(ccsig_http_parse(&arena, NULL, 3, &msg, &err), CCSIG_ERR_USAGE);
    assert_int_equal(ccsig_http_parse(&arena, "x", 1, NULL, &err), CCSIG_ERR_USAGE);
}

/* The one field-block parser, as WARC headers and live responses use it:
 * the same fields as the message parser gives after a start line. */
static void test_fields_parse(void **state) {
    (void)state;
    const char *block = "Name: v\r\nWARC-Type:  response \r\nFolded: a\r\n  b\r\n"
                        "Empty:\r\n\tcontinued\r\njunk line\r\n: no name\r\n"
                        "Spaced Name : x\r\n\r\nbody: not a field";
    size_t n = strlen(block);
    char *buf = malloc(n);
    memcpy(buf, block, n);
    ccsig_http_field fv[8];
    ccsig_http_fields fs = {fv, 8, 0, 0, 0, 0, false};
    ccsig_error err;
    ccsig_arena_reset(&arena);
    assert_int_equal(ccsig_http_fields_parse(&arena, buf, n, &fs, &err), CCSIG_OK);
    assert_true(fs.ended);
    assert_int_equal(fs.end, strstr(block, "body:") - block);
    assert_int_equal(fs.n, 5);
    static const char *want[][2] = {{"Name", "v"},
                                    {"WARC-Type", "response"},
                                    {"Folded", "a b"},
                                    {"Empty", "continued"},
                                    {"Spaced Name", "x"}};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(fv[i].name.len, strlen(want[i][0]));
        assert_memory_equal(fv[i].name.p, want[i][0], fv[i].name.len);
        assert_int_equal(fv[i].value.len, strlen(want[i][1]));
        assert_memory_equal(fv[i].value.p, want[i][1], fv[i].value.len);
    }
    assert_true(fs.anomalies & CCSIG_HTTP_A_FOLDED);
    assert_true(fs.anomalies & CCSIG_HTTP_A_JUNK_LINE);
    assert_true(fs.anomalies & CCSIG_HTTP_A_EMPTY_NAME);
    assert_true(fs.anomalies & CCSIG_HTTP_A_NAME_SPACE);
    /* the message parser reads the same block after a status line alike */
    char msgtext[512];
    snprintf(msgtext, sizeof msgtext, "HTTP/1.1 200 OK\r\n%s", block);
    const ccsig_http_msg *m = parse(msgtext);
    assert_int_equal(m->nfields, 5);
    for (size_t i = 0; i < 5; i++)
        value_is(m, want[i][0], want[i][1]);
    /* a full array: the rest counted, a fold after it ignored */
    ccsig_http_fields small = {fv, 2, 0, 0, 0, 0, false};
    assert_int_equal(ccsig_http_fields_parse(&arena, buf, n, &small, &err), CCSIG_OK);
    assert_int_equal(small.n, 2);
    assert_int_equal(small.dropped, 3);
    assert_true(small.anomalies & CCSIG_HTTP_A_TOO_MANY);
    /* no arena: a fold cannot be joined */
    ccsig_http_fields na = {fv, 8, 0, 0, 0, 0, false};
    assert_int_equal(ccsig_http_fields_parse(NULL, buf, n, &na, &err), CCSIG_ERR_NOMEM);
    /* no empty line: every complete line, and the last one */
    ccsig_http_fields ne = {fv, 8, 0, 0, 0, 0, false};
    assert_int_equal(ccsig_http_fields_parse(&arena, buf, 22, &ne, &err), CCSIG_OK);
    assert_false(ne.ended);
    assert_true(ne.anomalies & CCSIG_HTTP_A_NO_END);
    assert_int_equal(ne.n, 2); /* "Name: v" and "WARC-Type:  r", cut short */
    assert_memory_equal(fv[1].value.p, "r", 1);
    free(buf);
}

/* ccsig_gunzip: every member, strict and lenient, the limit. Two members
 * made by Python's gzip.compress(mtime=0). */
static const unsigned char gz_hello[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                                         0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0xe7, 0x02, 0x00,
                                         0x20, 0x30, 0x3a, 0x36, 0x06, 0x00, 0x00, 0x00};
static const unsigned char gz_world[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                                         0x03, 0x2b, 0xcf, 0x2f, 0xca, 0x49, 0xe1, 0x02, 0x00,
                                         0xa8, 0x61, 0x38, 0xdd, 0x06, 0x00, 0x00, 0x00};

static void test_gunzip(void **state) {
    (void)state;
    unsigned char two[sizeof gz_hello + sizeof gz_world];
    memcpy(two, gz_hello, sizeof gz_hello);
    memcpy(two + sizeof gz_hello, gz_world, sizeof gz_world);
    char *out;
    size_t n;
    ccsig_error err;
    assert_int_equal(ccsig_gunzip((const char *)two, sizeof two, 1 << 20, true, &out, &n, &err),
                     CCSIG_OK);
    assert_int_equal(n, 12);
    assert_memory_equal(out, "hello\nworld\n", 12);
    assert_int_equal(out[12], '\0');
    ccsig_free(out);
    /* cut off inside the second member: strict refuses, lenient keeps the first */
    assert_int_equal(ccsig_gunzip((const char *)two, sizeof two - 5, 1 << 20, true, &out, &n, &err),
                     CCSIG_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "cut off"));
    assert_int_equal(
        ccsig_gunzip((const char *)two, sizeof two - 5, 1 << 20, false, &out, &n, NULL), CCSIG_OK);
    assert_true(n >= 6);
    assert_memory_equal(out, "hello\n", 6);
    ccsig_free(out);
    /* a damaged CRC */
    unsigned char bad[sizeof gz_hello];
    memcpy(bad, gz_hello, sizeof bad);
    bad[sizeof bad - 8] ^= 1;
    assert_int_equal(ccsig_gunzip((const char *)bad, sizeof bad, 1 << 20, true, &out, &n, &err),
                     CCSIG_ERR_SYNTAX);
    /* the limit */
    assert_int_equal(ccsig_gunzip((const char *)two, sizeof two, 8, true, &out, &n, &err),
                     CCSIG_ERR_LIMIT);
    assert_int_equal(ccsig_gunzip((const char *)two, sizeof two, 8, false, &out, &n, NULL),
                     CCSIG_OK);
    assert_int_equal(n, 8);
    assert_memory_equal(out, "hello\nwo", 8);
    ccsig_free(out);
    /* not gzip: nothing */
    assert_int_equal(ccsig_gunzip("plain", 5, 100, true, &out, &n, &err), CCSIG_OK);
    assert_int_equal(n, 0);
    ccsig_free(out);
}

int main(void) {
    ccsig_arena_init(&arena, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_response),
        cmocka_unit_test(test_bare_lf_and_crs),
        cmocka_unit_test(test_folded),
        cmocka_unit_test(test_duplicates_combined),
        cmocka_unit_test(test_missing_reason_and_odd_status),
        cmocka_unit_test(test_h2_lowercase_names),
        cmocka_unit_test(test_junk_lines),
        cmocka_unit_test(test_name_space_positions),
        cmocka_unit_test(test_not_http),
        cmocka_unit_test(test_fields_without_start_line),
        cmocka_unit_test(test_no_end),
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_too_many_fields),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_anomaly_names),
        cmocka_unit_test(test_null_args),
        cmocka_unit_test(test_fields_parse),
        cmocka_unit_test(test_gunzip),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ccsig_arena_free(&arena);
    parse("");
    return rc;
}
