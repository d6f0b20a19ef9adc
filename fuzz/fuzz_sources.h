/*
 * fuzz_sources.h — shared by the reader fuzz targets: a collector reused
 * across inputs, and the invariants every reader keeps (slices inside the
 * input or the arena, statements combine and decide).
 */
#ifndef CCSIG_FUZZ_SOURCES_H
#define CCSIG_FUZZ_SOURCES_H

#include <stdlib.h>

#include "ccsig/sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ccsig_collect fz_c;
static ccsig_arena fz_a;
static int fz_ready;

static inline ccsig_collect *fz_begin(bool image) {
    if (!fz_ready) {
        ccsig_arena_init(&fz_a, 0);
        fz_ready = 1;
    }
    ccsig_arena_reset(&fz_a);
    ccsig_asset_ctx ctx = {CCSIG_STR_LIT("ExampleBot"), CCSIG_STR_LIT("fuzz"),
                           CCSIG_STR_LIT("https://example.org/photos/a.jpg"), image};
    ccsig_collect_init(&fz_c, &fz_a, &ctx);
    return &fz_c;
}

static inline void fz_touch(ccsig_str s) {
    volatile unsigned char x = 0;
    for (size_t i = 0; i < s.len; i++)
        x ^= (unsigned char)s.p[i]; /* ASan checks every byte is readable */
    (void)x;
}

static inline void fz_end(void) {
    ccsig_collect *c = &fz_c;
    ccsig_collect_finish(c);
    if (c->n > CCSIG_COLLECT_MAX_STATEMENTS || c->nnotes > CCSIG_COLLECT_MAX_NOTES ||
        c->nlinks > CCSIG_COLLECT_MAX_LINKS)
        abort();
    for (size_t i = 0; i < c->n; i++) {
        fz_touch(c->sts[i].src.text);
        fz_touch(c->sts[i].src.origin);
        for (int k = 0; k < CCSIG_CAT_COUNT; k++)
            fz_touch(c->sts[i].cat[k].label);
    }
    for (size_t i = 0; i < c->nnotes; i++)
        fz_touch(c->notes[i].message);
    for (size_t i = 0; i < c->nlinks; i++)
        fz_touch(c->links[i].url);
    ccsig_verdict v;
    ccsig_combine(c->sts, c->n, &v);
    ccsig_profile p = {CCSIG_CAT_TRAIN_AI, 0, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT};
    ccsig_decision d;
    ccsig_decide(&v, &p, &d);
}

#endif
