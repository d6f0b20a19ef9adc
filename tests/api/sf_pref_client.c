/*
 * sf_pref_client.c — a client of the installed libccsig that wants only
 * RFC 9651 and the preference model: it includes ccsig/sf.h and
 * ccsig/pref.h, links with `pkg-config --cflags --libs ccsig` (client.sh),
 * and must not need libcurl or libexempi.
 *
 * It parses the content usage expression `train-ai=n;exceptions=cc-cr` as a
 * Structured Field Dictionary and as a statement of preference, decides for
 * three reusers and checks every answer. Prints what it found; exits 0 when
 * every check holds, 1 otherwise.
 */
#include <stdio.h>
#include <string.h>

#include <ccsig/pref.h>
#include <ccsig/sf.h>

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "sf_pref_client: %s:%d: check failed: %s\n", __FILE__, __LINE__,       \
                    #cond);                                                                        \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static bool str_is(ccsig_str s, const char *lit) {
    return s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

int main(void) {
    static const char expr[] = "train-ai=n;exceptions=cc-cr";
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_error err;

    /* The headers the program was built with and the library it runs with. */
    printf("libccsig %s (%u), headers %s\n", ccsig_version(), ccsig_version_number(),
           CCSIG_VERSION_STRING);
    CHECK(ccsig_version_number() == CCSIG_VERSION_NUMBER);
    CHECK(strcmp(ccsig_version(), CCSIG_VERSION_STRING) == 0);
    CHECK(CCSIG_VERSION_NUMBER ==
          CCSIG_VERSION_MAJOR * 10000 + CCSIG_VERSION_MINOR * 100 + CCSIG_VERSION_PATCH);

    /* RFC 9651: one member, the token n, with the parameter exceptions=cc-cr. */
    ccsig_sf_dict d;
    CHECK(ccsig_sf_parse_dict(&a, expr, strlen(expr), &d, &err) == CCSIG_OK);
    CHECK(d.n == 1);
    const ccsig_sf_member *m = ccsig_sf_dict_get(&d, "train-ai");
    CHECK(m && !m->inner && m->bare.type == CCSIG_SF_TOKEN && str_is(m->bare.v.str, "n"));
    const ccsig_sf_bare *ex = m ? ccsig_sf_params_get(&m->params, "exceptions") : NULL;
    CHECK(ex && ex->type == CCSIG_SF_TOKEN && str_is(ex->v.str, "cc-cr"));
    ccsig_buf b = {0};
    CHECK(ccsig_sf_serialize_dict(&b, &d, &err) == CCSIG_OK);
    CHECK(b.len == strlen(expr) && memcmp(b.data, expr, b.len) == 0);
    printf("sf: %.*s\n", (int)b.len, b.data);
    ccsig_buf_free(&b);

    /* A bad field: the error names the status and the place. */
    CHECK(ccsig_sf_parse_dict(&a, "train-ai=?", 10, &d, &err) == CCSIG_ERR_SYNTAX);
    CHECK(strcmp(ccsig_status_name(err.code), "syntax") == 0);
    CHECK(err.offset == 10);
    printf("bad field: %s at byte %zu: %s\n", ccsig_status_name(err.code), err.offset, err.message);

    /* The preference: train-ai denied unless the reuser gives credit. */
    ccsig_statement st;
    ccsig_statement_init(&st, CCSIG_SRC_HEADER);
    ccsig_warnings w = {0};
    CHECK(ccsig_pref_parse(&a, expr, strlen(expr), &st, &w, &err) == CCSIG_OK);
    CHECK(st.valid && w.n == 0);
    ccsig_verdict v;
    ccsig_combine(&st, 1, &v);
    CHECK(v.cat[CCSIG_CAT_TRAIN_AI].state == CCSIG_STATE_DENY);
    CHECK(v.cat[CCSIG_CAT_TRAIN_AI].conditions == CCSIG_COND_CREDIT);

    static const struct {
        ccsig_profile p;
        ccsig_result want;
        unsigned obligations, missing;
    } cases[] = {
        {{CCSIG_CAT_TRAIN_AI, CCSIG_COND_CREDIT, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT},
         CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS,
         CCSIG_COND_CREDIT,
         0},
        {{CCSIG_CAT_TRAIN_AI, 0, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT},
         CCSIG_RESULT_NOT_PERMITTED,
         0,
         CCSIG_COND_CREDIT},
        {{CCSIG_CAT_SEARCH, 0, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT},
         CCSIG_RESULT_UNKNOWN,
         0,
         0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ccsig_decision dec;
        ccsig_decide(&v, &cases[i].p, &dec);
        printf("%s, commitments %u: %s (obligations %u, missing %u)\n",
               ccsig_category_name(cases[i].p.use), cases[i].p.commitments,
               ccsig_result_name(dec.result), dec.obligations, dec.missing);
        CHECK(dec.result == cases[i].want);
        CHECK(dec.obligations == cases[i].obligations);
        CHECK(dec.missing == cases[i].missing);
    }
    ccsig_arena_free(&a);
    if (failures)
        fprintf(stderr, "sf_pref_client: %d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
