/* libFuzzer target: content usage expression processing (parse, vocabulary,
 * exceptions, warnings), combining and deciding. */
#include <stdlib.h>

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
    ccsig_arena_free(&a);
    return 0;
}
