/*
 * fuzz_evaluate.c — libFuzzer target for per-record evaluation: the input is
 * a captured HTTP response (a WARC response record's block), evaluated by
 * ccsig_evaluate_response as ccsig scan and ccsig check --response do, with
 * a robots.txt answer of one statement and a reuser profile. The input is
 * copied to a buffer of exactly its length (reads past it are caught); the
 * result must be consistent: statement counts within bounds, every verdict
 * and decision source an index of a statement, the robots statement first.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/evaluate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static ccsig_arena a;
    static ccsig_http_msg msg;
    static ccsig_eval_result res;
    static ccsig_statement robots_st;
    static int init;
    if (!init) {
        ccsig_arena_init(&a, 0);
        ccsig_statement_init(&robots_st, CCSIG_SRC_ROBOTS);
        ccsig_statement_set(&robots_st, CCSIG_CAT_SEARCH, CCSIG_STATE_ALLOW, CCSIG_SIGNAL_NONE, 0,
                            CCSIG_STR_LIT("search"));
        robots_st.src.line = 3;
        robots_st.src.text = CCSIG_STR_LIT("Content-Usage: search=y");
        init = 1;
    }
    ccsig_arena_reset(&a);
    char *p = malloc(size ? size : 1);
    if (size)
        memcpy(p, data, size);
    ccsig_eval_robots rb = {CCSIG_ROBOTS_FOUND, CCSIG_STATE_ALLOW, NULL, &robots_st, 1};
    ccsig_profile prof = {CCSIG_CAT_TRAIN_AI, CCSIG_COND_CREDIT, CCSIG_PURPOSE_NONE,
                          CCSIG_READING_DEFAULT};
    ccsig_eval_input in;
    memset(&in, 0, sizeof in);
    in.url = CCSIG_STR_LIT("https://example.org/a/b.html");
    in.agent = CCSIG_STR_LIT("ExampleBot");
    in.profile = &prof;
    in.robots = &rb;
    ccsig_error err;
    if (ccsig_evaluate_response(p, size, &in, &a, &msg, &res, &err) == CCSIG_OK) {
        const ccsig_collect *c = &res.c;
        if (c->n > CCSIG_COLLECT_MAX_STATEMENTS || res.n_robots != 1 || c->sts[0].src.line != 3)
            abort();
        for (int k = 0; k < CCSIG_CAT_COUNT; k++)
            if (res.verdict.cat[k].source >= (int)c->n)
                abort();
        if (res.decision.source >= (int)c->n)
            abort();
        if (msg.kind != CCSIG_HTTP_NONE && msg.header_len > size)
            abort();
        volatile size_t sum = 0;
        for (size_t i = 0; i < c->n; i++)
            for (size_t k = 0; k < c->sts[i].src.text.len; k++)
                sum += (unsigned char)c->sts[i].src.text.p[k];
        for (size_t i = 0; i < c->nnotes; i++)
            for (size_t k = 0; k < c->notes[i].message.len; k++)
                sum += (unsigned char)c->notes[i].message.p[k];
        (void)sum;
    }
    free(p);
    return 0;
}
