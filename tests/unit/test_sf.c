/* Unit tests for sf beyond the official suite (which tests/conformance runs
 * whole): error offsets and messages, zero-copy results, multi-line fields,
 * the duplicate-key hook, the large-dictionary index, serialisation errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "ccsig/sf.h"

static ccsig_arena A;

static int setup(void **state) {
    (void)state;
    ccsig_arena_init(&A, 0);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    ccsig_arena_free(&A);
    return 0;
}

static void expect_fail_at(const char *in, int kind, size_t offset, const char *msg_part) {
    ccsig_error err;
    ccsig_status st;
    if (kind == 0) {
        ccsig_sf_item it;
        st = ccsig_sf_parse_item(&A, in, strlen(in), &it, &err);
    } else if (kind == 1) {
        ccsig_sf_list l;
        st = ccsig_sf_parse_list(&A, in, strlen(in), &l, &err);
    } else {
        ccsig_sf_dict d;
        st = ccsig_sf_parse_dict(&A, in, strlen(in), &d, &err);
    }
    assert_int_equal(st, CCSIG_ERR_SYNTAX);
    if (err.offset != offset || !strstr(err.message, msg_part))
        fail_msg("'%s': got offset %zu '%s', want %zu '%s'", in, err.offset, err.message, offset,
                 msg_part);
}

static void error_offsets(void **state) {
    (void)state;
    expect_fail_at("Train-AI=n", 2, 0, "expected a key");
    expect_fail_at("train-ai=n, Search=y", 2, 12, "expected a key");
    expect_fail_at("train-ai=n,", 2, 11, "expected a member after ','");
    expect_fail_at("a=1 b=2", 2, 4, "expected ','");
    expect_fail_at("\"abc", 0, 4, "end the string");
    expect_fail_at("\"a\\x\"", 0, 3, "backslash");
    expect_fail_at("1234567890123456", 0, 15, "more than 15 digits");
    expect_fail_at("1.2345", 0, 5, "more than 3 fractional");
    expect_fail_at("?2", 0, 1, "'0' or '1'");
    expect_fail_at("@1.5", 0, 1, "integer number of seconds");
    expect_fail_at("%\"%C3%BC\"", 0, 3, "lowercase hex");
    expect_fail_at("(a b", 1, 4, "')'");
    expect_fail_at("a;Q=1", 1, 2, "expected a key");
    expect_fail_at(":AB*:", 0, 3, "base64");
    /* Bad padding: the error points at the padding, not at byte 1. */
    expect_fail_at(":YWJjZA=:", 0, 7, "'=' padding only to complete a group");
    expect_fail_at(":YWJj=:", 0, 5, "'=' padding only to complete a group");
    expect_fail_at(":YQ===:", 0, 5, "at most two '='");
    expect_fail_at(":YWJjZA====:", 0, 9, "at most two '='");
    expect_fail_at(":YQ==YQ==:", 0, 3, "'=' padding may only end");
    expect_fail_at("a=:YWJj=ZGVm:, b=1", 2, 7, "'=' padding may only end");
    expect_fail_at(":YWJjZ:", 0, 6, "second base64 character");
    /* What is accepted: padding, or none (RFC 9651 §4.2.7). */
    ccsig_sf_item it;
    ccsig_error err;
    assert_int_equal(ccsig_sf_parse_item(&A, ":YWJjZA==:", 10, &it, &err), CCSIG_OK);
    assert_int_equal(ccsig_sf_parse_item(&A, ":YWJjZA:", 8, &it, &err), CCSIG_OK);
    assert_int_equal(it.bare.v.str.len, 4);
    expect_fail_at("x ?1", 0, 2, "end of field value");
}

static void zero_copy(void **state) {
    (void)state;
    const char *in = "train-ai=n;exceptions=cc-cr, s=\"plain\", e=\"esc\\\"aped\"";
    ccsig_sf_dict d;
    ccsig_error err;
    assert_int_equal(ccsig_sf_parse_dict(&A, in, strlen(in), &d, &err), CCSIG_OK);
    assert_int_equal(d.n, 3);
    /* keys, tokens and strings without escapes point into the input */
    assert_ptr_equal(d.v[0].key.p, in);
    assert_ptr_equal(d.v[0].bare.v.str.p, in + 9);
    const ccsig_sf_bare *ex = ccsig_sf_params_get(&d.v[0].params, "exceptions");
    assert_non_null(ex);
    assert_int_equal(ex->type, CCSIG_SF_TOKEN);
    assert_true(ex->v.str.p >= in && ex->v.str.p < in + strlen(in));
    assert_true(d.v[1].bare.v.str.p >= in && d.v[1].bare.v.str.p < in + strlen(in));
    /* an escaped string is copied and unescaped */
    assert_int_equal(d.v[2].bare.v.str.len, 8);
    assert_memory_equal(d.v[2].bare.v.str.p, "esc\"aped", 8);
    assert_null(ccsig_sf_dict_get(&d, "absent"));
    assert_non_null(ccsig_sf_dict_get(&d, "s"));
}

static void multi_line(void **state) {
    (void)state;
    ccsig_str lines[] = {CCSIG_STR_LIT("train-ai=n"), CCSIG_STR_LIT("search=y")};
    ccsig_str joined;
    assert_int_equal(ccsig_sf_join_lines(&A, lines, 2, &joined), CCSIG_OK);
    assert_int_equal(joined.len, strlen("train-ai=n, search=y"));
    assert_memory_equal(joined.p, "train-ai=n, search=y", joined.len);
    ccsig_sf_dict d;
    ccsig_error err;
    assert_int_equal(ccsig_sf_parse_dict(&A, joined.p, joined.len, &d, &err), CCSIG_OK);
    assert_int_equal(d.n, 2);
    /* An item sent as two lines is two items: a parse failure. */
    ccsig_str two[] = {CCSIG_STR_LIT("1"), CCSIG_STR_LIT("2")};
    assert_int_equal(ccsig_sf_join_lines(&A, two, 2, &joined), CCSIG_OK);
    ccsig_sf_item it;
    assert_int_equal(ccsig_sf_parse_item(&A, joined.p, joined.len, &it, &err), CCSIG_ERR_SYNTAX);
}

static int ndup;
static void count_dup(void *ctx, ccsig_str key, size_t off) {
    (void)ctx;
    (void)key;
    (void)off;
    ndup++;
}

static void duplicates_keep_first_position(void **state) {
    (void)state;
    const char *in = "a=1, b=2, a=3;x";
    ccsig_sf_dict d;
    ccsig_error err;
    ndup = 0;
    assert_int_equal(ccsig_sf_parse_dict_dups(&A, in, strlen(in), &d, &err, count_dup, NULL),
                     CCSIG_OK);
    assert_int_equal(ndup, 1);
    assert_int_equal(d.n, 2);
    assert_true(ccsig_str_eq(d.v[0].key, "a"));
    assert_int_equal(d.v[0].bare.v.integer, 3);
    assert_int_equal(d.v[0].params.n, 1);
    assert_int_equal(d.v[0].offset, 0);
    /* the first occurrence's span, with its position */
    assert_int_equal(d.v[0].end, 3);
    assert_int_equal(d.v[1].end, 8);
}

/* [offset, end) is each member's own text: value and parameters, without
 * the whitespace or ',' around it, for Dictionaries and Lists alike. */
static void member_end_offsets(void **state) {
    (void)state;
    const char *in = "  a=1 ,b;p=\"x y\",  c=(1 2);q , d=?0;e";
    const char *want[] = {"a=1", "b;p=\"x y\"", "c=(1 2);q", "d=?0;e"};
    ccsig_sf_dict d;
    ccsig_error err;
    assert_int_equal(ccsig_sf_parse_dict(&A, in, strlen(in), &d, &err), CCSIG_OK);
    assert_int_equal(d.n, 4);
    for (size_t i = 0; i < d.n; i++) {
        assert_true(d.v[i].end > d.v[i].offset);
        assert_int_equal(d.v[i].end - d.v[i].offset, strlen(want[i]));
        assert_memory_equal(in + d.v[i].offset, want[i], strlen(want[i]));
    }
    const char *lin = "x;a=1, (1 2)";
    ccsig_sf_list l;
    assert_int_equal(ccsig_sf_parse_list(&A, lin, strlen(lin), &l, &err), CCSIG_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[0].offset, 0);
    assert_int_equal(l.v[0].end, 5);
    assert_int_equal(l.v[1].offset, 7);
    assert_int_equal(l.v[1].end, 12);
}

static void large_dictionary_index(void **state) {
    (void)state;
    /* 500 distinct keys then every key again: exercises the hash index. */
    ccsig_buf b = CCSIG_BUF_INIT;
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 500; i++)
            ccsig_buf_printf(&b, "%sk%d=%d", b.len ? ", " : "", i, round * 1000 + i);
    ccsig_sf_dict d;
    ccsig_error err;
    ndup = 0;
    assert_int_equal(ccsig_sf_parse_dict_dups(&A, b.data, b.len, &d, &err, count_dup, NULL),
                     CCSIG_OK);
    assert_int_equal(d.n, 500);
    assert_int_equal(ndup, 500);
    for (int i = 0; i < 500; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        assert_true(ccsig_str_eq(d.v[i].key, key));
        assert_int_equal(d.v[i].bare.v.integer, 1000 + i);
    }
    ccsig_buf_free(&b);
}

static void long_parameter_lists(void **state) {
    (void)state;
    /* More parameters than the local buffer, with duplicates on both sides
     * of the spill point: the last value wins, first position kept. */
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_buf_puts(&b, "tok");
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 40; i++)
            ccsig_buf_printf(&b, ";p%d=%d", i, round * 100 + i);
    ccsig_sf_item it;
    ccsig_error err;
    assert_int_equal(ccsig_sf_parse_item(&A, b.data, b.len, &it, &err), CCSIG_OK);
    assert_int_equal(it.params.n, 40);
    for (int i = 0; i < 40; i++)
        assert_int_equal(it.params.v[i].value.v.integer, 100 + i);
    ccsig_buf_free(&b);
}

static void presize_bounds(void **state) {
    (void)state;
    /* Far more members than the up-front estimate cap, then commas inside
     * strings that make the estimate too high: both must parse exactly. */
    ccsig_buf b = CCSIG_BUF_INIT;
    for (int i = 0; i < 6000; i++)
        ccsig_buf_printf(&b, "%sk%d=\"a,b,c\"", i ? ", " : "", i);
    ccsig_sf_dict d;
    ccsig_error err;
    assert_int_equal(ccsig_sf_parse_dict(&A, b.data, b.len, &d, &err), CCSIG_OK);
    assert_int_equal(d.n, 6000);
    assert_true(ccsig_str_eq(d.v[5999].key, "k5999"));
    assert_true(ccsig_str_eq(d.v[5999].bare.v.str, "a,b,c"));
    ccsig_buf_clear(&b);
    for (int i = 0; i < 300; i++)
        ccsig_buf_printf(&b, "%s(\"x,y\" %d);q", i ? ", " : "", i);
    ccsig_sf_list l;
    assert_int_equal(ccsig_sf_parse_list(&A, b.data, b.len, &l, &err), CCSIG_OK);
    assert_int_equal(l.n, 300);
    assert_int_equal(l.v[299].nitems, 2);
    assert_int_equal(l.v[299].items[1].bare.v.integer, 299);
    ccsig_buf_free(&b);
}

static void serialise_errors(void **state) {
    (void)state;
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_error err;
    ccsig_sf_bare v = {.type = CCSIG_SF_TOKEN};
    v.v.str = CCSIG_STR_LIT("1abc");
    assert_int_equal(ccsig_sf_serialize_bare(&b, &v, &err), CCSIG_ERR_SYNTAX);
    v.type = CCSIG_SF_STRING;
    v.v.str = CCSIG_STR_LIT("tab\there");
    assert_int_equal(ccsig_sf_serialize_bare(&b, &v, &err), CCSIG_ERR_SYNTAX);
    v.type = CCSIG_SF_INTEGER;
    v.v.integer = CCSIG_SF_INTEGER_MAX + 1;
    assert_int_equal(ccsig_sf_serialize_bare(&b, &v, &err), CCSIG_ERR_RANGE);
    v.type = CCSIG_SF_DISPLAY_STRING;
    v.v.str = CCSIG_STR_LIT("\xff");
    assert_int_equal(ccsig_sf_serialize_bare(&b, &v, &err), CCSIG_ERR_SYNTAX);
    ccsig_buf_clear(&b);
    v.type = CCSIG_SF_DECIMAL;
    v.v.integer = -1500;
    assert_int_equal(ccsig_sf_serialize_bare(&b, &v, &err), CCSIG_OK);
    assert_string_equal(ccsig_buf_cstr(&b), "-1.5");
    ccsig_buf_free(&b);
}

static void helpers(void **state) {
    (void)state;
    assert_true(ccsig_sf_is_valid_key(CCSIG_STR_LIT("train-ai")));
    assert_true(ccsig_sf_is_valid_key(CCSIG_STR_LIT("*x_.-9")));
    assert_false(ccsig_sf_is_valid_key(CCSIG_STR_LIT("Train")));
    assert_false(ccsig_sf_is_valid_key(CCSIG_STR_LIT("")));
    assert_true(ccsig_sf_is_valid_token(CCSIG_STR_LIT("cc-cr")));
    assert_true(ccsig_sf_is_valid_token(CCSIG_STR_LIT("a/b:c")));
    assert_false(ccsig_sf_is_valid_token(CCSIG_STR_LIT("-x")));
    assert_true(ccsig_utf8_valid("f\xc3\xbc", 3));
    assert_false(ccsig_utf8_valid("\xc0\x80", 2));         /* overlong */
    assert_false(ccsig_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(ccsig_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    unsigned char out[8];
    size_t n;
    assert_true(ccsig_base64_decode("aGk=", 4, out, &n));
    assert_int_equal(n, 2);
    assert_memory_equal(out, "hi", 2);
    assert_true(ccsig_base64_decode("aGk", 3, out, &n)); /* padding optional */
    assert_false(ccsig_base64_decode("a===", 4, out, &n));
    char enc[8];
    ccsig_base64_encode((const unsigned char *)"hi", 2, enc);
    assert_memory_equal(enc, "aGk=", 4);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(error_offsets),
        cmocka_unit_test(zero_copy),
        cmocka_unit_test(multi_line),
        cmocka_unit_test(duplicates_keep_first_position),
        cmocka_unit_test(large_dictionary_index),
        cmocka_unit_test(long_parameter_lists),
        cmocka_unit_test(presize_bounds),
        cmocka_unit_test(serialise_errors),
        cmocka_unit_test(helpers),
        cmocka_unit_test(member_end_offsets),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
