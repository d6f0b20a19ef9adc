/*
 * sources_test.h — helpers for the reader tests (tests/unit/test_<reader>.c):
 * one collector per test, and the combined verdict in a compact form.
 */
#ifndef CCSIG_SOURCES_TEST_H
#define CCSIG_SOURCES_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ccsig/sources.h"

static ccsig_collect T;
static ccsig_arena TA;

static inline void t_begin(const char *agent, const char *url, bool image) {
    ccsig_arena_reset(&TA);
    ccsig_asset_ctx ctx = {ccsig_str_c(agent ? agent : ""), ccsig_str_c(url ? url : "test"),
                           ccsig_str_c(url ? url : ""), image};
    ccsig_collect_init(&T, &TA, &ctx);
}

static inline int t_setup(void **state) {
    (void)state;
    ccsig_arena_init(&TA, 0);
    return 0;
}

static inline int t_teardown(void **state) {
    (void)state;
    ccsig_arena_free(&TA);
    return 0;
}

static inline void t_header(const char *name, const char *value) {
    ccsig_sources_from_header(&T, ccsig_str_c(name), ccsig_str_c(value));
}

/* "allow", "deny", "deny[credit,payment]", "unknown" for one category of the
 * combined verdict (after ccsig_collect_finish). */
static inline const char *t_state(ccsig_category cat) {
    static char buf[5][128];
    ccsig_collect_finish(&T);
    ccsig_verdict v;
    ccsig_combine(T.sts, T.n, &v);
    const ccsig_verdict_entry *e = &v.cat[cat];
    char *b = buf[cat];
    snprintf(b, 128, "%s", ccsig_state_name(e->state));
    if (e->state == CCSIG_STATE_DENY && e->conditions) {
        strcat(b, "[");
        for (int i = 0; i < CCSIG_COND_COUNT; i++)
            if (e->conditions & (1u << i)) {
                if (b[strlen(b) - 1] != '[')
                    strcat(b, ",");
                strcat(b, ccsig_condition_name(1u << i));
            }
        strcat(b, "]");
    }
    return b;
}

#define AP CCSIG_CAT_AUTOMATED_PROCESSING
#define TRAIN CCSIG_CAT_TRAIN_AI
#define GENAI CCSIG_CAT_TRAIN_GENAI
#define AIUSE CCSIG_CAT_AI_USE
#define SEARCH CCSIG_CAT_SEARCH

/* Is there a note whose message contains s? */
static inline bool t_note(const char *s) {
    for (size_t i = 0; i < T.nnotes; i++) {
        char m[1024];
        snprintf(m, sizeof m, "%.*s", (int)T.notes[i].message.len, T.notes[i].message.p);
        if (strstr(m, s))
            return true;
    }
    return false;
}

static inline void t_dump_notes(void) {
    for (size_t i = 0; i < T.nnotes; i++)
        fprintf(stderr, "note: %.*s\n", (int)T.notes[i].message.len, T.notes[i].message.p);
}

/* The link of kind k with index i among those of that kind, or NULL. */
static inline const ccsig_link *t_link(ccsig_link_kind k, size_t i) {
    for (size_t j = 0; j < T.nlinks; j++)
        if (T.links[j].kind == k && !i--)
            return &T.links[j];
    return NULL;
}

static inline bool t_str_is(ccsig_str s, const char *lit) {
    return s.len == strlen(lit) && !memcmp(s.p, lit, s.len);
}

/* Read a whole file (tests only). */
static inline char *t_slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[n] = '\0';
        *len = (size_t)n;
    }
    return b;
}

#endif
