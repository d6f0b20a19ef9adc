/* Unit tests: arena (bump allocation, reset keeps the largest block) and buf
 * (growable output buffer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_alignment_and_growth),
        cmocka_unit_test(arena_reset_reuses_memory),
        cmocka_unit_test(arena_dup),
        cmocka_unit_test(buf_appends),
        cmocka_unit_test(str_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
