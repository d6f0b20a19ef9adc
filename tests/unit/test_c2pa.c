/*
 * test_c2pa.c — C2PA / CAWG training-and-data-mining assertions
 * (peer-signals.md §6) in manifest stores the test builds box by box, and
 * the containers they travel in: JPEG APP11 (with continuation segments),
 * PNG caBX, RIFF C2PA, BMFF uuid, the .c2pa sidecar.
 */
#include "fixtures.h"
#include "sources_test.h"

static const char *keys_c2pa[] = {"c2pa.ai_generative_training", "c2pa.ai_training",
                                  "c2pa.data_mining", "c2pa.ai_inference"};
static const char *keys_cawg[] = {"cawg.ai_generative_training", "cawg.ai_training",
                                  "cawg.data_mining", "cawg.ai_inference"};

static void read_store(const fx_buf *b) {
    ccsig_error err;
    assert_int_equal(
        ccsig_c2pa_read_store(&T, (const char *)b->p, b->len, CCSIG_STR_LIT("a.c2pa"), &err),
        CCSIG_OK);
}

static void c2pa_labels(void **state) {
    (void)state;
    const char *uses[] = {"notAllowed", "allowed", "allowed", "notAllowed"};
    fx_assertion a = {"c2pa.training-mining", keys_c2pa, uses, NULL, 4, true, false};
    fx_buf b = {0};
    fx_c2pa_store(&b, &a, 1);
    t_begin(NULL, NULL, true);
    read_store(&b);
    fx_free(&b);
    assert_string_equal(t_state(GENAI), "deny");
    assert_string_equal(t_state(TRAIN), "allow");
    assert_string_equal(t_state(AP), "allow");
    assert_string_equal(t_state(AIUSE), "deny");
    assert_string_equal(t_state(SEARCH), "allow"); /* data_mining = automated-processing */
    assert_int_equal(T.n, 1);
    assert_int_equal(T.sts[0].src.kind, CCSIG_SRC_C2PA);
    assert_true(t_str_is(T.sts[0].src.text,
                         "c2pa.training-mining (unverified): c2pa.ai_generative_training="
                         "notAllowed, c2pa.ai_training=allowed, c2pa.data_mining=allowed, "
                         "c2pa.ai_inference=notAllowed"));
}

static void cawg_v10_and_constraints(void **state) {
    (void)state;
    /* CAWG v1.0's CDDL: entries at the top level; constrained with and
     * without information */
    const char *uses[] = {"constrained", "constrained", "notAllowed", "maybe"};
    const char *infos[] = {"only with a licence from rights@e.example", NULL, NULL, NULL};
    fx_assertion a = {"cawg.training-mining", keys_cawg, uses, infos, 4, false, false};
    fx_buf b = {0};
    fx_c2pa_store(&b, &a, 1);
    t_begin(NULL, NULL, true);
    read_store(&b);
    fx_free(&b);
    /* the generative entry is explicit: its own constraint, not the broad one's */
    assert_string_equal(t_state(GENAI), "deny[policy]");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_string_equal(t_state(AP), "deny");
    assert_string_equal(t_state(AIUSE), "deny"); /* inherited from data_mining */
    assert_true(t_note("constrained: only with a licence"));
    assert_true(t_note("without constraint_info"));
    assert_true(t_note("'maybe'"));
    /* alone, a constrained entry with information is a deny lifted by policy */
    const char *k1[] = {"cawg.ai_generative_training"};
    const char *u1[] = {"constrained"};
    const char *i1[] = {"see https://e.example/terms"};
    fx_assertion one = {"cawg.training-mining__1", k1, u1, i1, 1, true, false};
    fx_c2pa_store(&b, &one, 1);
    t_begin(NULL, NULL, true);
    read_store(&b);
    fx_free(&b);
    assert_string_equal(t_state(GENAI), "deny[policy]");
}

static void active_manifest_and_json(void **state) {
    (void)state;
    const char *k[] = {"cawg.ai_training"};
    const char *deny[] = {"notAllowed"}, *allow[] = {"allowed"};
    fx_assertion m[2] = {{"cawg.training-mining", k, deny, NULL, 1, true, false},
                         {"cawg.training-mining", k, allow, NULL, 1, true, true}};
    fx_buf b = {0};
    fx_c2pa_store(&b, m, 2);
    t_begin(NULL, NULL, true);
    read_store(&b);
    fx_free(&b);
    /* only the last (active) manifest speaks, here as JSON */
    assert_int_equal(T.n, 1);
    assert_string_equal(t_state(TRAIN), "allow");
    /* an unrelated label is ignored; custom entry keys are noted */
    const char *ck[] = {"com.example.custom", "cawg.ai_inference"};
    const char *cu[] = {"notAllowed", "notAllowed"};
    fx_assertion other[2] = {{"c2pa.actions", ck, cu, NULL, 2, true, false},
                             {"c2pa.training-mining.v2", ck, cu, NULL, 2, true, false}};
    fx_c2pa_store(&b, &other[0], 1);
    t_begin(NULL, NULL, true);
    read_store(&b);
    fx_free(&b);
    assert_int_equal(T.n, 0);
    fx_c2pa_store(&b, &other[1], 1);
    t_begin(NULL, NULL, true);
    read_store(&b);
    fx_free(&b);
    assert_string_equal(t_state(AIUSE), "deny");
    assert_true(t_note("'com.example.custom'"));
}

/* The deciding statement's provenance text for the use (combine + decide). */
static const char *decided_by(ccsig_category use, ccsig_result *result) {
    ccsig_verdict v;
    ccsig_combine(T.sts, T.n, &v);
    ccsig_profile prof = {use, 0, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT};
    ccsig_decision d;
    ccsig_decide(&v, &prof, &d);
    *result = d.result;
    static char text[512];
    if (d.source < 0)
        return "";
    const ccsig_str t = T.sts[d.source].src.text;
    snprintf(text, sizeof text, "%.*s", (int)t.len, t.p);
    return text;
}

static void c2pa_and_cawg_strictest_wins(void **state) {
    (void)state;
    /* One manifest with both assertions, as a signer moving from C2PA 1.x's
     * c2pa.training-mining to CAWG v1.1 writes them (CAWG
     * training-and-data-mining v1.1: entries keyed cawg.ai_training,
     * cawg.ai_generative_training, cawg.ai_inference, cawg.data_mining, each
     * {"use": "allowed" | "notAllowed" | "constrained", "constraint_info"}). */
    const char *ck[] = {"c2pa.ai_training", "c2pa.ai_generative_training", "c2pa.ai_inference"};
    const char *cu[] = {"allowed", "notAllowed", "allowed"};
    const char *wk[] = {"cawg.ai_training", "cawg.ai_generative_training", "cawg.ai_inference",
                        "cawg.data_mining"};
    const char *wu[] = {"notAllowed", "constrained", "constrained", "allowed"};
    const char *wi[] = {NULL, "licence from rights@e.example", "see https://e.example/terms", NULL};
    fx_assertion both[2] = {{"c2pa.training-mining", ck, cu, NULL, 3, true, false},
                            {"cawg.training-mining", wk, wu, wi, 4, true, false}};
    fx_buf b = {0};
    fx_c2pa_store_one(&b, both, 2);
    t_begin(NULL, NULL, true);
    read_store(&b);
    fx_free(&b);
    assert_int_equal(T.n, 2); /* one statement per assertion, each naming its label */
    assert_true(t_str_is(T.sts[0].src.text,
                         "c2pa.training-mining (unverified): c2pa.ai_training=allowed, "
                         "c2pa.ai_generative_training=notAllowed, c2pa.ai_inference=allowed"));
    assert_true(t_str_is(T.sts[1].src.text,
                         "cawg.training-mining (unverified): cawg.ai_training=notAllowed, "
                         "cawg.ai_generative_training=constrained, "
                         "cawg.ai_inference=constrained, cawg.data_mining=allowed"));
    ccsig_result r;
    /* training: C2PA allows, CAWG says notAllowed: CAWG's deny decides */
    assert_string_equal(t_state(TRAIN), "deny");
    assert_true(!strncmp(decided_by(TRAIN, &r), "cawg.training-mining", 20));
    assert_int_equal(r, CCSIG_RESULT_NOT_PERMITTED);
    /* generative training: C2PA's plain notAllowed is stricter than CAWG's
     * constrained (a deny lifted by a policy): the older assertion decides */
    assert_string_equal(t_state(GENAI), "deny");
    assert_true(!strncmp(decided_by(GENAI, &r), "c2pa.training-mining", 20));
    assert_int_equal(r, CCSIG_RESULT_NOT_PERMITTED);
    /* inference: C2PA allows, CAWG constrains: the constraint stands */
    assert_string_equal(t_state(AIUSE), "deny[policy]");
    assert_true(!strncmp(decided_by(AIUSE, &r), "cawg.training-mining", 20));
    assert_true(t_note("cawg.ai_inference is constrained: see https://e.example/terms"));
    /* the same two assertions in the other order decide the same way */
    fx_assertion rev[2] = {both[1], both[0]};
    fx_c2pa_store_one(&b, rev, 2);
    t_begin(NULL, NULL, true);
    read_store(&b);
    fx_free(&b);
    assert_true(!strncmp(decided_by(TRAIN, &r), "cawg.training-mining", 20));
    assert_true(!strncmp(decided_by(GENAI, &r), "c2pa.training-mining", 20));
}

static void malformed(void **state) {
    (void)state;
    const char *uses[] = {"notAllowed", "allowed", "allowed", "notAllowed"};
    fx_assertion a = {"c2pa.training-mining", keys_c2pa, uses, NULL, 4, true, false};
    fx_buf b = {0};
    fx_c2pa_store(&b, &a, 1);
    ccsig_error err;
    /* every truncation reads or fails cleanly */
    for (size_t n = 0; n < b.len; n++) {
        t_begin(NULL, NULL, true);
        ccsig_c2pa_read_store(&T, (const char *)b.p, n, CCSIG_STR_LIT("x"), &err);
    }
    /* every single-byte corruption too */
    for (size_t i = 0; i < b.len; i++) {
        unsigned char save = b.p[i];
        b.p[i] ^= 0xA5;
        t_begin(NULL, NULL, true);
        ccsig_c2pa_read_store(&T, (const char *)b.p, b.len, CCSIG_STR_LIT("x"), &err);
        b.p[i] = save;
    }
    t_begin(NULL, NULL, true);
    assert_int_equal(ccsig_c2pa_read_store(&T, "\0\0\0\x08jumb", 8, CCSIG_STR_LIT("x"), &err),
                     CCSIG_ERR_SYNTAX);
    assert_int_equal(ccsig_c2pa_read_store(&T, "hello", 5, CCSIG_STR_LIT("x"), &err),
                     CCSIG_ERR_SYNTAX);
    /* a CBOR array that claims 2^32 items in a few bytes is refused, not allocated */
    static const unsigned char hostile[] = {0x9B, 0x00, 0x00, 0x00, 0x01,
                                            0x00, 0x00, 0x00, 0x00, 0x01};
    fx_free(&b);
    fx_c2pa_store_raw(&b, "cawg.training-mining", hostile, sizeof hostile);
    t_begin(NULL, NULL, true);
    read_store(&b);
    assert_int_equal(T.n, 0);
    assert_true(t_note("malformed or truncated"));
    fx_free(&b);
    /* deep nesting is refused too */
    unsigned char deep[200];
    memset(deep, 0x81, sizeof deep); /* arrays of one, 200 deep */
    deep[199] = 0x00;
    fx_c2pa_store_raw(&b, "cawg.training-mining", deep, sizeof deep);
    t_begin(NULL, NULL, true);
    read_store(&b);
    assert_true(t_note("malformed or truncated"));
    fx_free(&b);
    /* indefinite-length strings and maps are read */
    static const unsigned char indef[] = {0xBF, 0x67, 'e',  'n', 't', 'r', 'i',  'e',  's', 0xBF,
                                          0x7F, 0x64, 'c',  'a', 'w', 'g', 0x6D, '.',  'a', 'i',
                                          '_',  'i',  'n',  'f', 'e', 'r', 'e',  'n',  'c', 'e',
                                          0xFF, 0xA1, 0x63, 'u', 's', 'e', 0x6A, 'n',  'o', 't',
                                          'A',  'l',  'l',  'o', 'w', 'e', 'd',  0xFF, 0xFF};
    fx_c2pa_store_raw(&b, "cawg.training-mining", indef, sizeof indef);
    t_begin(NULL, NULL, true);
    read_store(&b);
    assert_int_equal(T.n, 1);
    fx_free(&b);
}

/* ---- containers ---- */

static void containers(void **state) {
    (void)state;
    const char *k[] = {"cawg.ai_generative_training"};
    const char *u[] = {"notAllowed"};
    fx_assertion a = {"cawg.training-mining", k, u, NULL, 1, true, false};
    fx_buf store = {0};
    fx_c2pa_store(&store, &a, 1);

    for (int kind = 0; kind < 6; kind++) {
        fx_buf f = {0};
        switch (kind) {
        case 0: /* JPEG, one segment */
            fx_jpeg(&f);
            fx_jpeg_add_c2pa(&f, &store, 65000);
            break;
        case 1: /* JPEG, continuation segments every 37 bytes */
            fx_jpeg(&f);
            fx_jpeg_add_c2pa(&f, &store, 37);
            break;
        case 2:
            fx_png(&f);
            fx_png_add_c2pa(&f, &store);
            break;
        case 3:
            fx_webp(&f);
            fx_webp_add_c2pa(&f, &store);
            break;
        case 4:
            fx_mp4(&f);
            fx_mp4_add_c2pa(&f, &store);
            break;
        case 5: /* the sidecar */
            fx_put(&f, store.p, store.len);
            break;
        }
        t_begin(NULL, "x", true);
        size_t blocks =
            ccsig_embedded_read(&T, (const char *)f.p, f.len, CCSIG_STR_LIT("x"), CCSIG_EMBED_ALL);
        if (blocks != 1 || strcmp(t_state(GENAI), "deny")) {
            t_dump_notes();
            fail_msg("container %d: %zu blocks, %s", kind, blocks, t_state(GENAI));
        }
        /* XMP only: nothing */
        t_begin(NULL, "x", true);
        assert_int_equal(
            ccsig_embedded_read(&T, (const char *)f.p, f.len, CCSIG_STR_LIT("x"), CCSIG_EMBED_XMP),
            0);
        /* prefixes never crash, and JPEG/PNG know how many bytes they need */
        for (size_t n = 0; n < f.len; n += (kind == 1 ? 1 : 7)) {
            t_begin(NULL, "x", true);
            ccsig_embedded_read(&T, (const char *)f.p, n, CCSIG_STR_LIT("x"), CCSIG_EMBED_ALL);
            size_t need;
            bool enough = ccsig_embedded_prefix_enough((const char *)f.p, n, &need);
            if ((kind <= 2) && !enough && n > 16)
                assert_true(need > n);
        }
        fx_free(&f);
    }
    /* a broken continuation (a missing segment) is noted, not read */
    fx_buf f = {0};
    fx_jpeg(&f);
    fx_jpeg_add_c2pa(&f, &store, 100);
    /* drop the second APP11 segment */
    size_t s2 = 2 + 2 + 2 + 8 + 100;
    size_t seg2 = 2 + (size_t)(f.p[s2 + 2] << 8 | f.p[s2 + 3]);
    memmove(f.p + s2, f.p + s2 + seg2, f.len - s2 - seg2);
    f.len -= seg2;
    t_begin(NULL, "x", true);
    ccsig_embedded_read(&T, (const char *)f.p, f.len, CCSIG_STR_LIT("x"), CCSIG_EMBED_ALL);
    assert_int_equal(T.n, 0);
    assert_true(t_note("out-of-order"));
    fx_free(&f);
    fx_free(&store);
}

static void sniffing(void **state) {
    (void)state;
    struct {
        const char *bytes;
        size_t n;
        ccsig_file_format f;
    } cases[] = {
        {"%PDF-1.7", 8, CCSIG_FMT_PDF},
        {"\xEF\xBB\xBF  <?xpacket begin", 23, CCSIG_FMT_XMP},
        {"<?xml version='1.0'?><svg xmlns", 31, CCSIG_FMT_SVG},
        {"\n<!DOCTYPE html><p>", 19, CCSIG_FMT_HTML},
        {"\0\0\0\x18"
         "ftypavif",
         12, CCSIG_FMT_HEIF},
        {"\0\0\0\x18"
         "ftypmp42",
         12, CCSIG_FMT_BMFF},
        {"RIFF\0\0\0\0WAVE", 12, CCSIG_FMT_RIFF},
        {"plain text", 10, CCSIG_FMT_UNKNOWN},
        {"", 0, CCSIG_FMT_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(ccsig_file_format_sniff(cases[i].bytes, cases[i].n), cases[i].f);
    assert_true(ccsig_file_format_is_image(CCSIG_FMT_HEIF));
    assert_false(ccsig_file_format_is_image(CCSIG_FMT_PDF));
    assert_string_equal(ccsig_file_format_name(CCSIG_FMT_JUMBF), "jumbf");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(c2pa_labels),
        cmocka_unit_test(cawg_v10_and_constraints),
        cmocka_unit_test(active_manifest_and_json),
        cmocka_unit_test(c2pa_and_cawg_strictest_wins),
        cmocka_unit_test(malformed),
        cmocka_unit_test(containers),
        cmocka_unit_test(sniffing),
    };
    return cmocka_run_group_tests(tests, t_setup, t_teardown);
}
