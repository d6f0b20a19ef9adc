/* libFuzzer target: content usage expression processing (parse, vocabulary,
 * exceptions, warnings), combining and deciding, and ccsig_pref_fix (its
 * result parses, has no legacy label and fixes to itself). */
#include <stdlib.h>
#include <string.h>

#include "ccsig/pref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_statement st[2];
    ccsig_warnings w = {0};
    ccsig_error err;
    size_t half = size / 2;
    ccsig_statement_init(&st[0], CCSIG_SRC_EXPRESSION);
    ccsig_statement_init(&st[1], CCSIG_SRC_HEADER);
    ccsig_pref_parse(&a, (const char *)data, size, &st[0], &w, &err);
    ccsig_pref_parse(&a, (const char *)data, half, &st[1], &w, &err);
    char msg[512];
    for (size_t i = 0; i < w.n; i++) {
        if (w.v[i].offset > size)
            abort();
        ccsig_warning_message(&w.v[i], msg, sizeof msg);
    }
    ccsig_verdict v;
    ccsig_reading reading = (ccsig_reading)(size % CCSIG_READING_COUNT);
    ccsig_combine_read(st, 2, reading, &v);
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        ccsig_profile p = {(ccsig_category)c, (unsigned)(size & CCSIG_COND_ALL),
                           (ccsig_purpose)(size % CCSIG_PURPOSE_COUNT), reading};
        ccsig_decision d;
        ccsig_decide(&v, &p, &d);
        if (d.result == CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS && (d.obligations & ~p.commitments))
            abort(); /* obligations must be what the reuser committed to */
    }
    /* fix: a fixed expression parses, warns of no legacy label, and fixing
     * it again changes nothing */
    ccsig_buf f1 = CCSIG_BUF_INIT, f2 = CCSIG_BUF_INIT;
    unsigned n1, n2;
    ccsig_arena_reset(&a);
    if (ccsig_pref_fix(&a, (const char *)data, size, &f1, &n1, &err) == CCSIG_OK) {
        if (!n1 && (f1.len != size || (size && memcmp(f1.data, data, size))))
            abort(); /* nothing to fix: the bytes as they were */
        ccsig_warnings w2 = {0};
        ccsig_statement s2;
        ccsig_statement_init(&s2, CCSIG_SRC_EXPRESSION);
        if (ccsig_pref_parse(&a, f1.data ? f1.data : "", f1.len, &s2, &w2, &err) != CCSIG_OK)
            abort();
        for (size_t i = 0; i < w2.n; i++)
            if (w2.v[i].code == CCSIG_W_LEGACY_LABEL)
                abort();
        if (ccsig_pref_fix(&a, f1.data ? f1.data : "", f1.len, &f2, &n2, &err) != CCSIG_OK || n2 ||
            f2.len != f1.len || (f1.len && memcmp(f1.data, f2.data, f1.len)))
            abort();
    }
    ccsig_buf_free(&f1);
    ccsig_buf_free(&f2);
    ccsig_arena_free(&a);
    return 0;
}
