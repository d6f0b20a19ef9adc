/* Unit tests: arena (bump allocation, reset keeps the largest block) and buf
 * (growable output buffer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "ccsig/arena.h"
#include "ccsig/buf.h"

static void arena_alignment_and_growth(void **state) {
    (void)state;
    ccsig_arena a;
    ccsig_arena_init(&a, 64);
    for (int i = 1; i < 200; i++) {
        char *p = ccsig_arena_alloc(&a, (size_t)i);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 8, 0);
        memset(p, 0xab, (size_t)i);
    }
    char *big = ccsig_arena_alloc(&a, 1 << 20); /* larger than any block so far */
    assert_non_null(big);
    memset(big, 1, 1 << 20);
    ccsig_arena_free(&a);
}

static void arena_reset_reuses_memory(void **state) {
    (void)state;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    for (int i = 0; i < 100; i++)
        assert_non_null(ccsig_arena_alloc(&a, 1000));
    ccsig_arena_reset(&a);
    size_t held = a.total;
    assert_true(held > 0);
    /* After a reset, the same demand fits in the kept block without growing
     * as long as it fits in the largest block. */
    char *first = ccsig_arena_alloc(&a, 1000);
    assert_non_null(first);
    assert_int_equal(a.total, held);
    ccsig_arena_free(&a);
    assert_int_equal(a.total, 0);
}

static void arena_dup(void **state) {
    (void)state;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    char *s = ccsig_arena_dup(&a, "abc\0def", 7);
    assert_memory_equal(s, "abc\0def", 7);
    assert_int_equal(s[7], '\0');
    ccsig_arena_free(&a);
}

static void buf_appends(void **state) {
    (void)state;
    ccsig_buf b = CCSIG_BUF_INIT;
    assert_string_equal(ccsig_buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        ccsig_buf_putc(&b, (char)('a' + i % 26));
    assert_int_equal(b.len, 1000);
    ccsig_buf_clear(&b);
    ccsig_buf_printf(&b, "%s=%d;", "x", 42);
    ccsig_buf_puts(&b, "tail");
    assert_string_equal(ccsig_buf_cstr(&b), "x=42;tail");
    /* printf longer than the internal small buffer */
    ccsig_buf_clear(&b);
    ccsig_buf_printf(&b, "%0600d", 7);
    assert_int_equal(b.len, 600);
    assert_false(ccsig_buf_failed(&b));
    ccsig_buf_free(&b);
}

/* The integer writers print what printf prints, at the edges too, and the
 * inline appends grow the buffer as ccsig_buf_append does. */
static void buf_integers(void **state) {
    (void)state;
    static const uint64_t u[] = {
        0, 1, 9, 10, 99, 100, 4294967295u, 4294967296u, UINT64_MAX / 10, UINT64_MAX};
    static const int64_t s[] = {0, -1, 1, -9, -10, 42, INT64_MAX, INT64_MIN, INT64_MIN + 1};
    ccsig_buf b = CCSIG_BUF_INIT, want = CCSIG_BUF_INIT;
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
        ccsig_buf_put_u64(&b, u[i]);
        ccsig_buf_putc(&b, ' ');
        ccsig_buf_printf(&want, "%" PRIu64 " ", u[i]);
    }
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        ccsig_buf_put_i64(&b, s[i]);
        ccsig_buf_puts(&b, ", ");
        ccsig_buf_printf(&want, "%" PRId64 ", ", s[i]);
    }
    assert_string_equal(ccsig_buf_cstr(&b), ccsig_buf_cstr(&want));
    assert_string_equal(ccsig_buf_cstr(&b) + b.len - 22, "-9223372036854775807, ");
    /* many small appends across growth */
    ccsig_buf_clear(&b);
    for (int i = 0; i < 5000; i++)
        ccsig_buf_put(&b, "0123456789", (size_t)(i % 11));
    assert_int_equal(b.len, 5000 / 11 * 55 + (0 + 1 + 2 + 3 + 4 + 5));
    assert_int_equal(b.data[b.len], '\0');
    ccsig_buf_free(&b);
    ccsig_buf_free(&want);
}

static void str_helpers(void **state) {
    (void)state;
    assert_true(ccsig_str_ieq(CCSIG_STR_LIT("Content-Usage"), "content-usage"));
    assert_false(ccsig_str_ieq(CCSIG_STR_LIT("Content-Usag"), "content-usage"));
    assert_true(ccsig_str_eq(ccsig_str_c("abc"), "abc"));
    ccsig_error e;
    assert_int_equal(ccsig_error_set(&e, CCSIG_ERR_SYNTAX, 5, "bad %s", "thing"), CCSIG_ERR_SYNTAX);
    assert_string_equal(e.message, "bad thing");
    assert_int_equal(e.offset, 5);
}

/* The one UTF-8 decoder (RFC 3629 §3-4 and the table of well-formed byte
 * sequences in Unicode §3.9): length and code point, or 0. */
static void utf8_decoder(void **state) {
    (void)state;
    static const struct {
        const char *s;
        size_t n, len;
        uint32_t cp;
    } v[] = {
        {"A", 1, 1, 0x41},
        {"\x7f", 1, 1, 0x7f},
        {"\xc2\x80", 2, 2, 0x80},
        {"\xc3\xa9", 2, 2, 0xe9},
        {"\xdf\xbf", 2, 2, 0x7ff},
        {"\xe0\xa0\x80", 3, 3, 0x800},
        {"\xe2\x82\xac", 3, 3, 0x20ac},
        {"\xed\x9f\xbf", 3, 3, 0xd7ff},
        {"\xee\x80\x80", 3, 3, 0xe000},
        {"\xef\xbf\xbd", 3, 3, 0xfffd},
        {"\xf0\x90\x80\x80", 4, 4, 0x10000},
        {"\xf0\x9f\x98\x80", 4, 4, 0x1f600},
        {"\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff},
        {"\xc0\x80", 2, 0, 0},         /* overlong NUL */
        {"\xc1\xbf", 2, 0, 0},         /* overlong */
        {"\xe0\x9f\xbf", 3, 0, 0},     /* overlong 3-byte */
        {"\xf0\x8f\xbf\xbf", 4, 0, 0}, /* overlong 4-byte */
        {"\xed\xa0\x80", 3, 0, 0},     /* surrogate U+D800 */
        {"\xed\xbf\xbf", 3, 0, 0},     /* surrogate U+DFFF */
        {"\xf4\x90\x80\x80", 4, 0, 0}, /* U+110000 */
        {"\xf5\x80\x80\x80", 4, 0, 0},
        {"\xff", 1, 0, 0},
        {"\x80", 1, 0, 0}, /* lone continuation */
        {"\xc3", 1, 0, 0}, /* cut short */
        {"\xe2\x82", 2, 0, 0},
        {"\xe2\x28\xa1", 3, 0, 0}, /* bad continuation */
        {"", 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint32_t cp = 0xdeadbeef;
        size_t l = ccsig_utf8_decode((const unsigned char *)v[i].s, v[i].n, &cp);
        if (l != v[i].len || (l && cp != v[i].cp))
            fail_msg("case %zu: length %zu cp %x, want %zu %x", i, l, cp, v[i].len, v[i].cp);
        assert_int_equal(ccsig_utf8_seq((const unsigned char *)v[i].s, v[i].n), v[i].len);
        if (v[i].n)
            assert_int_equal(ccsig_utf8_valid(v[i].s, v[i].n), v[i].len == v[i].n);
        char out[4];
        if (l) { /* and back */
            assert_int_equal(ccsig_utf8_encode(cp, out), l);
            assert_memory_equal(out, v[i].s, l);
        }
    }
    /* the decoder reads no further than n */
    assert_int_equal(ccsig_utf8_decode((const unsigned char *)"\xe2\x82\xac", 2, NULL), 0);
    assert_true(ccsig_utf8_valid("f\xc3\xbcr \xe2\x82\xac", 8));
    assert_false(ccsig_utf8_valid("ok\xff", 3));
    char out[4];
    assert_int_equal(ccsig_utf8_encode(0xd800, out), 0);
    assert_int_equal(ccsig_utf8_encode(0x110000, out), 0);
}

/* The one CSV field writer (RFC 4180). */
static void csv_field(void **state) {
    (void)state;
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_buf_csv_field(&b, "plain", 5, false);
    ccsig_buf_putc(&b, ',');
    ccsig_buf_csv_field(&b, "a,b", 3, false);
    ccsig_buf_putc(&b, ',');
    ccsig_buf_csv_field(&b, "say \"hi\"", 8, false);
    ccsig_buf_putc(&b, ',');
    ccsig_buf_csv_field(&b, "two\nlines", 9, false);
    ccsig_buf_putc(&b, ',');
    ccsig_buf_csv_field(&b, "plain", 5, true);
    ccsig_buf_putc(&b, ',');
    ccsig_buf_csv_field(&b, "", 0, false);
    assert_string_equal(ccsig_buf_cstr(&b),
                        "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"plain\",");
    ccsig_buf_free(&b);
}

/* The JSON string writer, byte by byte: the plain bytes as they are, '"',
 * '\\', \n \r \t short, other controls and DEL as \u00XX, UTF-8 kept and bytes that
 * are not UTF-8 as \ufffd. The reference below is that rule written plainly;
 * the writer skips plain bytes eight at a time, so every alignment and every
 * kind of byte at every position of a word is tried. */
static void json_ref(ccsig_buf *b, const unsigned char *p, size_t n) {
    ccsig_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c >= 0x80) {
            size_t l = ccsig_utf8_seq(p + i, n - i);
            if (l) {
                ccsig_buf_append(b, (const char *)p + i, l);
                i += l - 1;
            } else {
                ccsig_buf_puts(b, "\\ufffd");
            }
        } else if (c == '"' || c == '\\') {
            ccsig_buf_putc(b, '\\');
            ccsig_buf_putc(b, (char)c);
        } else if (c == '\n') {
            ccsig_buf_puts(b, "\\n");
        } else if (c == '\r') {
            ccsig_buf_puts(b, "\\r");
        } else if (c == '\t') {
            ccsig_buf_puts(b, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            char e[7];
            snprintf(e, sizeof e, "\\u%04x", c);
            ccsig_buf_puts(b, e);
        } else {
            ccsig_buf_putc(b, (char)c);
        }
    }
    ccsig_buf_putc(b, '"');
}

static void json_string_writer(void **state) {
    (void)state;
    ccsig_buf a = CCSIG_BUF_INIT, r = CCSIG_BUF_INIT;
    ccsig_buf_json_str(&a, "a\"b\\c\nd\x01\x7f\xc3\xa9\xff", 12);
    assert_string_equal(a.data, "\"a\\\"b\\\\c\\nd\\u0001\\u007f\xc3\xa9\\ufffd\"");
    static const unsigned char palette[] = {'a',  'Z',  ' ',  '~',  '/',  '"',  '\\', '\n', '\r',
                                            '\t', 0x00, 0x01, 0x1f, 0x7f, 0x20, 0xc3, 0xa9, 0xe2,
                                            0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0x80};
    unsigned seed = 7;
    unsigned char in[64];
    for (int k = 0; k < 20000; k++) {
        size_t n = (size_t)(k % 41);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            /* mostly plain runs, so the eight-byte path is taken */
            in[i] = (seed >> 16) % 4 ? (unsigned char)('a' + (seed >> 20) % 26)
                                     : palette[(seed >> 18) % sizeof palette];
        }
        for (size_t off = 0; off < 8 && off <= n; off += 7) {
            ccsig_buf_clear(&a);
            ccsig_buf_clear(&r);
            ccsig_buf_json_str(&a, (const char *)in + off, n - off);
            json_ref(&r, in + off, n - off);
            assert_int_equal(a.len, r.len);
            assert_memory_equal(a.data, r.data, r.len);
        }
    }
    ccsig_buf_free(&a);
    ccsig_buf_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_alignment_and_growth),
        cmocka_unit_test(arena_reset_reuses_memory),
        cmocka_unit_test(arena_dup),
        cmocka_unit_test(buf_appends),
        cmocka_unit_test(buf_integers),
        cmocka_unit_test(str_helpers),
        cmocka_unit_test(utf8_decoder),
        cmocka_unit_test(csv_field),
        cmocka_unit_test(json_string_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
