/*
 * sf_suite.c — runs the whole official RFC 9651 test suite
 * (../shared/conformance/structured-field-tests/, every file, including
 * serialisation-tests/) against libccsig's sf module.
 *
 * For every case: must_fail cases must fail to parse (or, in
 * serialisation-tests, to serialise); every other case must parse to
 * `expected`, and both `expected` and our own parse result must serialise to
 * `canonical` (or `raw` when there is no canonical form). can_fail cases may
 * fail; they are counted and reported. Prints "N passed, N failed".
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sfjson.h"

static const char *suite_dir = CCSIG_SHARED_DIR "/conformance/structured-field-tests";

typedef struct counts {
    unsigned passed, failed, can_fail_failed;
} counts;

static counts total;

static bool expected_serialisation(json_t *tc, ccsig_buf *want) {
    json_t *canon = json_object_get(tc, "canonical");
    json_t *src = canon ? canon : json_object_get(tc, "raw");
    if (!src)
        return false;
    /* The canonical form is one field line (an empty array means the field
     * is omitted, i.e. serialises to nothing). */
    for (size_t i = 0; i < json_array_size(src); i++) {
        if (i)
            ccsig_buf_puts(want, ", ");
        ccsig_buf_puts(want, json_string_value(json_array_get(src, i)));
    }
    return true;
}

#define FAILF(...) (snprintf(msg, msgn, __VA_ARGS__), result = msg)

/* Returns NULL on success, or a description of the failure. */
static const char *run_case(json_t *tc, bool serialisation_only, char *msg, size_t msgn) {
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    const char *result = NULL;
    sfjson_kind kind;
    const char *type = json_string_value(json_object_get(tc, "header_type"));
    bool must_fail = json_is_true(json_object_get(tc, "must_fail"));
    json_t *expected = json_object_get(tc, "expected");
    ccsig_error err;
    ccsig_buf out = CCSIG_BUF_INIT, want = CCSIG_BUF_INIT;
    if (!type || !sfjson_kind_from_name(type, &kind)) {
        result = "unknown header_type";
        goto done;
    }
    if (serialisation_only) {
        ccsig_status st = sfjson_serialize(&a, kind, expected, &out, &err);
        if (must_fail) {
            if (!st)
                FAILF("serialised to '%s' but must fail", ccsig_buf_cstr(&out));
            goto done;
        }
        if (st) {
            FAILF("serialisation failed: %s", err.message);
            goto done;
        }
        expected_serialisation(tc, &want);
        if (strcmp(ccsig_buf_cstr(&out), ccsig_buf_cstr(&want)))
            FAILF("serialised '%s', want '%s'", ccsig_buf_cstr(&out), ccsig_buf_cstr(&want));
        goto done;
    }

    json_t *raw = json_object_get(tc, "raw");
    size_t nl = json_array_size(raw);
    ccsig_str lines[64];
    if (nl > 64)
        nl = 64;
    for (size_t i = 0; i < nl; i++)
        lines[i] = ccsig_str_make(json_string_value(json_array_get(raw, i)),
                                  json_string_length(json_array_get(raw, i)));
    ccsig_str joined;
    ccsig_sf_join_lines(&a, lines, nl, &joined);
    json_t *got = sfjson_parse(&a, kind, joined.p, joined.len, &err);
    if (must_fail) {
        if (got) {
            char *s = json_dumps(got, JSON_COMPACT);
            snprintf(msg, msgn, "parsed to %s but must fail", s);
            free(s);
            result = msg;
        }
        json_decref(got);
        goto done;
    }
    if (!got) {
        FAILF("parse failed at byte %zu: %s", err.offset, err.message);
        goto done;
    }
    if (!json_equal(got, expected)) {
        char *g = json_dumps(got, JSON_COMPACT), *e = json_dumps(expected, JSON_COMPACT);
        snprintf(msg, msgn, "parsed %s, want %s", g, e);
        free(g);
        free(e);
        json_decref(got);
        result = msg;
        goto done;
    }
    expected_serialisation(tc, &want);
    /* Serialise the expected structure and our own parse result. */
    json_t *which[2] = {expected, got};
    for (int k = 0; k < 2 && !result; k++) {
        ccsig_buf_clear(&out);
        if (sfjson_serialize(&a, kind, which[k], &out, &err))
            FAILF("serialisation failed: %s", err.message);
        else if (strcmp(ccsig_buf_cstr(&out), ccsig_buf_cstr(&want)))
            FAILF("serialised '%s', want '%s'", ccsig_buf_cstr(&out), ccsig_buf_cstr(&want));
    }
    json_decref(got);
done:
    ccsig_buf_free(&out);
    ccsig_buf_free(&want);
    ccsig_arena_free(&a);
    return result;
}

static unsigned run_file(const char *path, bool serialisation_only) {
    json_error_t jerr;
    json_t *cases = json_load_file(path, JSON_ALLOW_NUL, &jerr);
    if (!cases) {
        printf("%s:%d:%d: %s\n", path, jerr.line, jerr.column, jerr.text);
        return 1;
    }
    counts c = {0, 0, 0};
    for (size_t i = 0; i < json_array_size(cases); i++) {
        json_t *tc = json_array_get(cases, i);
        char msg[2048];
        const char *r = run_case(tc, serialisation_only, msg, sizeof msg);
        if (!r) {
            c.passed++;
        } else if (json_is_true(json_object_get(tc, "can_fail"))) {
            c.can_fail_failed++;
            printf("  can_fail (allowed): %s: %s\n", json_string_value(json_object_get(tc, "name")),
                   r);
        } else {
            c.failed++;
            printf("  FAIL %s: %s: %s\n", path, json_string_value(json_object_get(tc, "name")), r);
        }
    }
    json_decref(cases);
    printf("%s: %u passed, %u failed, %u can_fail failed\n", strrchr(path, '/') + 1, c.passed,
           c.failed, c.can_fail_failed);
    total.passed += c.passed;
    total.failed += c.failed;
    total.can_fail_failed += c.can_fail_failed;
    return c.failed;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_directory(void **state) {
    const char *sub = *state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s%s", suite_dir, sub);
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256) {
        size_t l = strlen(e->d_name);
        if (l > 5 && !strcmp(e->d_name + l - 5, ".json"))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    assert_true(n > 0);
    unsigned failed = 0;
    for (size_t i = 0; i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        failed += run_file(path, sub[0] != '\0');
        free(names[i]);
    }
    assert_int_equal(failed, 0);
}

int main(int argc, char **argv) {
    if (argc > 1)
        suite_dir = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_directory, ""),
        cmocka_unit_test_prestate(test_directory, "/serialisation-tests"),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    printf("RFC 9651 suite: %u passed, %u failed (%u can_fail cases failed, allowed)\n",
           total.passed, total.failed, total.can_fail_failed);
    return rc;
}
