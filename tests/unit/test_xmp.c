/*
 * test_xmp.c — XMP (peer-signals.md §2, §5), read by ccsig's one XMP reader,
 * exempi only taking packets out of files: every IPTC
 * plus:DataMining code as a full URI and as a bare code, the 2023 draft
 * codes, TDMRep in both namespaces, the CC signals properties of ccsig
 * declare, and files of every format the fixtures make (exempi writes the
 * XMP into each), read both through exempi's file handlers and from bytes.
 */
#include <unistd.h>

#include "ccsig/xmpns.h"
#include "fixtures.h"
#include "sources_test.h"

#define VOCAB "http://ns.useplus.org/ldf/vocab/"

static void packet(const char *pk) {
    ccsig_error err;
    assert_int_equal(ccsig_xmp_read_packet(&T, pk, strlen(pk), CCSIG_STR_LIT("test.xmp"), &err),
                     CCSIG_OK);
}

static void dmi(const char *value) {
    char *pk = fx_xmp_packet(value, NULL, NULL, NULL, NULL, NULL);
    t_begin(NULL, "test.jpg", true);
    packet(pk);
    free(pk);
}

static void data_mining_codes(void **state) {
    (void)state;
    struct {
        const char *code, *ap, *train, *genai, *search;
    } cases[] = {
        {"DMI-UNSPECIFIED", "unknown", "unknown", "unknown", "unknown"},
        {"DMI-ALLOWED", "allow", "allow", "allow", "allow"},
        {"DMI-PROHIBITED-AIMLTRAINING", "unknown", "deny", "deny", "unknown"},
        {"DMI-PROHIBITED-GENAIMLTRAINING", "unknown", "unknown", "deny", "unknown"},
        {"DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING", "deny", "deny", "deny", "allow"},
        {"DMI-PROHIBITED", "deny", "deny", "deny", "deny"},
        {"DMI-PROHIBITED-SEECONSTRAINT", "deny[policy]", "deny[policy]", "deny[policy]",
         "deny[policy]"},
        {"DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR", "deny[policy]", "deny[policy]", "deny[policy]",
         "deny[policy]"},
        {"DMI-PROHIBITED-SEELINKEDRIGHTSEXPR", "deny[policy]", "deny[policy]", "deny[policy]",
         "deny[policy]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int form = 0; form < 2; form++) {
            char v[200];
            snprintf(v, sizeof v, "%s%s", form ? "" : VOCAB, cases[i].code);
            dmi(v);
            if (strcmp(t_state(AP), cases[i].ap) || strcmp(t_state(TRAIN), cases[i].train) ||
                strcmp(t_state(GENAI), cases[i].genai) || strcmp(t_state(SEARCH), cases[i].search))
                fail_msg("%s: ap %s train %s genai %s search %s", v, t_state(AP), t_state(TRAIN),
                         t_state(GENAI), t_state(SEARCH));
            assert_int_equal(T.nnotes, cases[i].ap[0] == 'd' && cases[i].ap[4] == '[' ? 1 : 0);
        }
    }
    dmi(VOCAB "dmi-prohibited-aimltraining"); /* case */
    assert_string_equal(t_state(TRAIN), "deny");
    assert_int_equal(T.sts[0].src.kind, CCSIG_SRC_XMP);
    assert_true(
        t_str_is(T.sts[0].src.text, "plus:DataMining=" VOCAB "dmi-prohibited-aimltraining"));
    dmi("https://example.org/vocab/DMI-PROHIBITED");
    assert_string_equal(t_state(AP), "deny");
    assert_true(t_note("not in the PLUS vocabulary"));
    dmi("DMI-SOMETHING-ELSE");
    assert_int_equal(T.n, 0);
    assert_true(t_note("not an IPTC code"));
}

static void draft_codes(void **state) {
    (void)state;
    dmi(VOCAB "DMI-ALLOWED-noaitraining");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_string_equal(t_state(SEARCH), "allow");
    assert_true(t_note("2023 PLUS draft"));
    dmi("DMI-SEE-constraint");
    assert_string_equal(t_state(AP), "deny[policy]");
    assert_true(t_note("2023 PLUS draft"));
}

static void other_constraints(void **state) {
    (void)state;
    char *pk = fx_xmp_packet(VOCAB "DMI-PROHIBITED-SEECONSTRAINT", NULL, NULL, NULL, NULL,
                             "Mining only for accessibility research; write to rights@e.example");
    t_begin(NULL, NULL, true);
    packet(pk);
    free(pk);
    assert_string_equal(t_state(TRAIN), "deny[policy]");
    assert_true(t_note("Mining only for accessibility research"));
}

static void tdmrep_xmp(void **state) {
    (void)state;
    for (int hash = 0; hash < 2; hash++) {
        char *pk = fx_xmp_packet(NULL, "1", "https://e.example/tdm-policy.json",
                                 hash ? "http://www.w3.org/ns/tdmrep#" : NULL, NULL, NULL);
        t_begin(NULL, NULL, false);
        /* embedded metadata supersedes every other TDMRep source */
        t_header("tdm-reservation", "0");
        packet(pk);
        free(pk);
        assert_string_equal(t_state(TRAIN), "deny[policy]");
        assert_int_equal(T.sts[T.n - 1].src.kind, CCSIG_SRC_XMP);
        assert_true(
            t_str_is(t_link(CCSIG_LINK_TDM_POLICY, 0)->url, "https://e.example/tdm-policy.json"));
    }
    char *pk = fx_xmp_packet(NULL, "yes", NULL, NULL, NULL, NULL);
    t_begin(NULL, NULL, false);
    packet(pk);
    free(pk);
    assert_string_equal(t_state(TRAIN), "unknown");
    assert_true(t_note("protocol error"));
}

static void ccsig_properties(void **state) {
    (void)state;
    /* what ccsig declare --format xmp writes: the expression, and its lossy
     * rendering for other tools, which is not a second statement */
    char *pk = fx_xmp_packet(VOCAB "DMI-PROHIBITED-AIMLTRAINING", "1", NULL, NULL,
                             "train-ai=n;exceptions=cc-cr", NULL);
    t_begin(NULL, NULL, true);
    packet(pk);
    free(pk);
    assert_string_equal(t_state(TRAIN), "deny[credit]");
    assert_string_equal(t_state(AIUSE), "unknown");
    assert_int_equal(T.n, 1);
    assert_true(t_str_is(T.sts[0].src.text, "ccsig:contentUsage=train-ai=n;exceptions=cc-cr"));
    assert_true(t_note("rendering of ccsig:contentUsage"));
}

static void bad_packets(void **state) {
    (void)state;
    ccsig_error err;
    t_begin(NULL, NULL, false);
    const char *bad = "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF>";
    assert_int_equal(ccsig_xmp_read_packet(&T, bad, strlen(bad), CCSIG_STR_LIT("x"), &err),
                     CCSIG_ERR_SYNTAX);
    ccsig_str pk;
    const char *junk = "abc <?xpacket begin= no end <x:xmpmeta a> </x:xmpmeta> tail";
    assert_true(ccsig_xmp_find_packet(junk, strlen(junk), 0, &pk));
    assert_true(t_str_is(pk, "<x:xmpmeta a> </x:xmpmeta>"));
    assert_false(ccsig_xmp_find_packet(junk, strlen(junk), (size_t)(pk.p - junk) + 1, &pk));
    assert_false(ccsig_xmp_find_packet("<?xpacket begin=", 16, 0, &pk));
}

/* ---- files ---- */

typedef void (*maker)(fx_buf *);

static void pdf_none(fx_buf *b) {
    fx_pdf(b, NULL);
}

static void file_formats(void **state) {
    (void)state;
    struct {
        const char *ext;
        maker make;
        ccsig_file_format fmt;
    } formats[] = {
        {"jpg", fx_jpeg, CCSIG_FMT_JPEG},  {"png", fx_png, CCSIG_FMT_PNG},
        {"tif", fx_tiff, CCSIG_FMT_TIFF},  {"gif", fx_gif, CCSIG_FMT_GIF},
        {"webp", fx_webp, CCSIG_FMT_WEBP},
    };
    char *pk = fx_xmp_packet(VOCAB "DMI-PROHIBITED-GENAIMLTRAINING", NULL, NULL, NULL, NULL, NULL);
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "/tmp/ccsig-test-xmp-%d.%s", (int)getpid(), formats[i].ext);
        fx_buf b = {0};
        formats[i].make(&b);
        assert_int_equal(ccsig_file_format_sniff((const char *)b.p, b.len), formats[i].fmt);
        bool webp = formats[i].fmt == CCSIG_FMT_WEBP;
        assert_true(fx_write(path, &b));
        /* before: nothing */
        ccsig_error err;
        t_begin(NULL, path, true);
        assert_int_equal(ccsig_xmp_read_file(&T, path, ccsig_str_c(path), &err), CCSIG_OK);
        assert_int_equal(T.n, 0);
        if (webp) {
            fx_webp_add_xmp(&b, pk);
            assert_true(fx_write(path, &b));
        } else if (!fx_xmp_put(path, pk)) {
            fail_msg("exempi could not write XMP into the %s fixture", formats[i].ext);
        }
        fx_free(&b);
        /* exempi's file handler */
        t_begin(NULL, path, true);
        assert_int_equal(ccsig_xmp_read_file(&T, path, ccsig_str_c(path), &err), CCSIG_OK);
        if (strcmp(t_state(GENAI), "deny"))
            fail_msg("%s: exempi file handler: %s", formats[i].ext, t_state(GENAI));
        /* the byte walker (what live check uses) */
        size_t len = 0;
        char *bytes = t_slurp(path, &len);
        t_begin(NULL, path, true);
        assert_true(ccsig_embedded_read(&T, bytes, len, ccsig_str_c(path), CCSIG_EMBED_ALL) >= 1);
        if (strcmp(t_state(GENAI), "deny"))
            fail_msg("%s: bytes: %s", formats[i].ext, t_state(GENAI));
        size_t need;
        if (formats[i].fmt == CCSIG_FMT_JPEG || formats[i].fmt == CCSIG_FMT_PNG)
            assert_true(ccsig_embedded_prefix_enough(bytes, len, &need));
        free(bytes);
        unlink(path);
    }
    free(pk);

    /* PDF: exempi has no PDF handler, so both paths scan for the packet */
    char *tdm = fx_xmp_packet(NULL, "1", NULL, NULL, NULL, NULL);
    fx_buf b = {0};
    fx_pdf(&b, tdm);
    free(tdm);
    char path[256];
    snprintf(path, sizeof path, "/tmp/ccsig-test-xmp-%d.pdf", (int)getpid());
    assert_true(fx_write(path, &b));
    ccsig_error err;
    t_begin(NULL, path, false);
    assert_int_equal(ccsig_xmp_read_file(&T, path, ccsig_str_c(path), &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    t_begin(NULL, path, false);
    assert_int_equal(
        ccsig_embedded_read(&T, (const char *)b.p, b.len, ccsig_str_c(path), CCSIG_EMBED_ALL), 1);
    assert_string_equal(t_state(TRAIN), "deny");
    assert_int_equal(T.sts[0].src.kind, CCSIG_SRC_XMP);
    fx_free(&b);
    unlink(path);
    pdf_none(&b);
    t_begin(NULL, path, false);
    assert_int_equal(
        ccsig_embedded_read(&T, (const char *)b.p, b.len, ccsig_str_c(path), CCSIG_EMBED_ALL), 0);
    fx_free(&b);
    t_begin(NULL, NULL, false);
    assert_int_equal(ccsig_xmp_read_file(&T, "/nonexistent/ccsig.jpg", CCSIG_STR_LIT("x"), &err),
                     CCSIG_ERR_IO);
}

/* One plus:DataMining table: the collector's reading (ccsig_xmp_read_packet)
 * and the packet-only statement declare checks with (ccsig_xmp_peer_statement)
 * agree on every code, standard and draft, in any case, URI or bare. */
static void one_dmi_table(void **state) {
    (void)state;
    static const char *codes[] = {"DMI-UNSPECIFIED",
                                  "DMI-ALLOWED",
                                  "DMI-PROHIBITED-AIMLTRAINING",
                                  "DMI-PROHIBITED-GENAIMLTRAINING",
                                  "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING",
                                  "DMI-PROHIBITED",
                                  "DMI-PROHIBITED-SEECONSTRAINT",
                                  "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR",
                                  "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR",
                                  "dmi-prohibited-aimltraining",
                                  "DMI-ALLOWED-noaitraining",
                                  "DMI-ALLOWED-nogenaitraining",
                                  "DMI-ALLOWED-searchengineindexing",
                                  "DMI-ALLOWED-onlysearchengineindexing",
                                  "DMI-NOT-ALLOWED",
                                  "DMI-SEE-constraint",
                                  "DMI-SEE-EMBEDDEDRIGHTSEXPR",
                                  "DMI-SEE-linkedrightsexpr",
                                  "DMI-NO-SUCH-CODE"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        for (int form = 0; form < 2; form++) {
            char v[200];
            snprintf(v, sizeof v, "%s%s", form ? " " : VOCAB, codes[i]);
            char *pk = fx_xmp_packet(v, NULL, NULL, NULL, NULL, NULL);
            t_begin(NULL, "test.jpg", true);
            packet(pk);
            ccsig_collect_finish(&T);
            ccsig_arena a;
            ccsig_arena_init(&a, 0);
            ccsig_xmp_props x;
            ccsig_error err;
            assert_int_equal(ccsig_xmp_read(&a, pk, strlen(pk), &x, &err), CCSIG_OK);
            ccsig_statement peer;
            bool any = ccsig_xmp_peer_statement(&x, &peer);
            const ccsig_xmp_dmi *d = ccsig_xmp_dmi_find(ccsig_str_c(v), NULL, NULL);
            assert_true((d != NULL) == (i + 1 < sizeof codes / sizeof codes[0]));
            assert_int_equal(any, T.n == 1);
            for (int c = 0; c < CCSIG_CAT_COUNT && any; c++)
                if (peer.cat[c].state != T.sts[0].cat[c].state ||
                    peer.cat[c].conditions != T.sts[0].cat[c].conditions)
                    fail_msg("%s: category %d: packet %d/%u, collector %d/%u", v, c,
                             peer.cat[c].state, peer.cat[c].conditions, T.sts[0].cat[c].state,
                             T.sts[0].cat[c].conditions);
            ccsig_arena_free(&a);
            free(pk);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(data_mining_codes), cmocka_unit_test(draft_codes),
        cmocka_unit_test(other_constraints), cmocka_unit_test(tdmrep_xmp),
        cmocka_unit_test(ccsig_properties),  cmocka_unit_test(bad_packets),
        cmocka_unit_test(file_formats),      cmocka_unit_test(one_dmi_table),
    };
    return cmocka_run_group_tests(tests, t_setup, t_teardown);
}
