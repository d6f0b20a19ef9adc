/* The library's hash function (FNV-1a 64) and hash map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ccsig/hashmap.h"

/* Test vectors of the FNV reference code (www.isthe.com/chongo/src/fnv,
 * test_fnv.c, FNV-1a 64). */
static void fnv1a64_vectors(void **state) {
    (void)state;
    static const struct {
        const char *s;
        uint64_t h;
    } v[] = {{"", 0xcbf29ce484222325ull},
             {"a", 0xaf63dc4c8601ec8cull},
             {"b", 0xaf63df4c8601f1a5ull},
             {"foobar", 0x85944171f73967e8ull},
             {"chongo was here!\n", 0x46810940eff5f915ull}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (ccsig_fnv1a64(v[i].s, strlen(v[i].s)) != v[i].h)
            fail_msg("FNV-1a 64 of '%s': got %016llx", v[i].s,
                     (unsigned long long)ccsig_fnv1a64(v[i].s, strlen(v[i].s)));
    assert_true(CCSIG_FNV1A64_OFFSET == 14695981039346656037ull);
    /* in parts = whole */
    assert_true(ccsig_fnv1a64_more(ccsig_fnv1a64("foo", 3), "bar", 3) == 0x85944171f73967e8ull);
}

static void put_get_remove(void **state) {
    (void)state;
    ccsig_hashmap m;
    ccsig_hashmap_init(&m, sizeof(int));
    assert_null(ccsig_hashmap_get(&m, "x", 1));
    assert_false(ccsig_hashmap_remove(&m, "x", 1));
    char key[32];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "k%d", i);
        bool created;
        int *v = ccsig_hashmap_put(&m, key, (size_t)n, &created);
        assert_non_null(v);
        assert_true(created);
        assert_int_equal(*v, 0);
        *v = i;
    }
    assert_int_equal(ccsig_hashmap_count(&m), 5000);
    bool created = true;
    int *v = ccsig_hashmap_put(&m, "k17", 3, &created);
    assert_false(created);
    assert_int_equal(*v, 17);
    /* keys with NUL bytes and the empty key are keys like any other */
    *(int *)ccsig_hashmap_put(&m, "a\0b", 3, NULL) = -1;
    *(int *)ccsig_hashmap_put(&m, "", 0, NULL) = -2;
    assert_int_equal(*(int *)ccsig_hashmap_get(&m, "a\0b", 3), -1);
    assert_null(ccsig_hashmap_get(&m, "a", 1));
    assert_int_equal(*(int *)ccsig_hashmap_get(&m, "", 0), -2);
    /* remove every third; the rest stay findable (backward-shift deletion) */
    for (int i = 0; i < 5000; i += 3) {
        int n = snprintf(key, sizeof key, "k%d", i);
        assert_true(ccsig_hashmap_remove(&m, key, (size_t)n));
    }
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "k%d", i);
        int *g = ccsig_hashmap_get(&m, key, (size_t)n);
        if (i % 3 == 0)
            assert_null(g);
        else if (!g || *g != i)
            fail_msg("k%d lost after removals", i);
    }
    assert_int_equal(ccsig_hashmap_count(&m), 5000 - 1667 + 2);
    /* iteration sees every entry once */
    size_t pos = 0, seen = 0;
    long sum = 0;
    ccsig_str k;
    void *val;
    while (ccsig_hashmap_next(&m, &pos, &k, &val)) {
        seen++;
        sum += *(int *)val;
        assert_int_equal(k.p[k.len], '\0');
    }
    assert_int_equal(seen, ccsig_hashmap_count(&m));
    long want = -3;
    for (int i = 0; i < 5000; i++)
        if (i % 3)
            want += i;
    assert_int_equal(sum, want);
    ccsig_hashmap_clear(&m);
    assert_int_equal(ccsig_hashmap_count(&m), 0);
    assert_null(ccsig_hashmap_get(&m, "k1", 2));
    ccsig_hashmap_free(&m);
}

static bool drop_odd(void *ctx, ccsig_str key, void *value) {
    (void)key;
    (*(int *)ctx)++;
    return *(int *)value % 2;
}

static void remove_if(void **state) {
    (void)state;
    ccsig_hashmap m;
    ccsig_hashmap_init(&m, sizeof(int));
    char key[32];
    for (int i = 0; i < 3000; i++) {
        int n = snprintf(key, sizeof key, "%d", i * 7919);
        *(int *)ccsig_hashmap_put(&m, key, (size_t)n, NULL) = i;
    }
    int calls = 0;
    assert_int_equal(ccsig_hashmap_remove_if(&m, drop_odd, &calls), 1500);
    assert_int_equal(calls, 3000);
    assert_int_equal(ccsig_hashmap_count(&m), 1500);
    for (int i = 0; i < 3000; i++) {
        int n = snprintf(key, sizeof key, "%d", i * 7919);
        int *g = ccsig_hashmap_get(&m, key, (size_t)n);
        if ((i % 2) != (g == NULL))
            fail_msg("entry %d: %s after remove_if", i, g ? "kept" : "lost");
    }
    ccsig_hashmap_free(&m);
}

/* A set: value size 0. */
static void set(void **state) {
    (void)state;
    ccsig_hashmap m;
    ccsig_hashmap_init(&m, 0);
    bool c;
    assert_non_null(ccsig_hashmap_put(&m, "x", 1, &c));
    assert_true(c);
    assert_non_null(ccsig_hashmap_put(&m, "x", 1, &c));
    assert_false(c);
    assert_non_null(ccsig_hashmap_get(&m, "x", 1));
    assert_true(ccsig_hashmap_remove(&m, "x", 1));
    assert_int_equal(ccsig_hashmap_count(&m), 0);
    ccsig_hashmap_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fnv1a64_vectors),
        cmocka_unit_test(put_get_remove),
        cmocka_unit_test(remove_if),
        cmocka_unit_test(set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
