/*
 * test_epub.c — TDMRep in EPUB (TDMRep Final CG Report 2024-05-10, "TDM
 * Metadata in EPUB files"; peer-signals.md §2): the package document's
 * metadata in EPUB 3 and EPUB 2 form, the container (ZIP, container.xml),
 * TDMRep precedence, and every error the container and the package document
 * can give. The EPUBs are made here by tests/fixtures (never downloaded).
 */
#include "fixtures.h"
#include "sources_test.h"

#define TDM_PREFIX "tdm: http://www.w3.org/ns/tdmrep#"
#define POLICY "https://provider.example/policies/policy.json"
#define RES1 "    <meta property=\"tdm:reservation\">1</meta>\n"
#define POL "    <meta property=\"tdm:policy\">" POLICY "</meta>\n"

static ccsig_error err;

static ccsig_status read_opf(const char *opf) {
    t_begin(NULL, "book.opf", false);
    return ccsig_opf_read(&T, opf, strlen(opf), CCSIG_STR_LIT("book.opf"), &err);
}

/* The provenance text points into the package document: the last one is
 * kept until the next. */
static char *last_opf;

static ccsig_status read_opf3(const char *prefix, const char *meta) {
    free(last_opf);
    last_opf = fx_opf3(prefix, meta);
    return read_opf(last_opf);
}

static ccsig_status read_epub_buf(const fx_buf *b) {
    t_begin(NULL, "book.epub", false);
    return ccsig_epub_read(&T, (const char *)b->p, b->len, CCSIG_STR_LIT("book.epub"), &err);
}

static void epub3_reservation_and_policy(void **state) {
    (void)state;
    assert_int_equal(read_opf3(TDM_PREFIX, RES1 POL), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[policy]");
    assert_string_equal(t_state(AIUSE), "deny[policy]");
    assert_string_equal(t_state(SEARCH), "unknown"); /* left to robots.txt */
    assert_int_equal(T.n, 1);
    assert_int_equal(T.sts[0].src.kind, CCSIG_SRC_TDMREP);
    assert_int_equal(T.sts[0].src.line, 8);
    assert_true(t_str_is(T.sts[0].src.origin, "book.opf"));
    assert_true(t_str_is(T.sts[0].src.text, "<meta property=\"tdm:reservation\">1</meta>"));
    const ccsig_link *l = t_link(CCSIG_LINK_TDM_POLICY, 0);
    assert_non_null(l);
    assert_true(t_str_is(l->url, POLICY));
    assert_int_equal(l->src.line, 9);
    assert_int_equal(T.nnotes, 0);
    /* not reserved */
    assert_int_equal(read_opf3(TDM_PREFIX, "    <meta property=\"tdm:reservation\"> 0 </meta>\n"),
                     CCSIG_OK);
    assert_string_equal(t_state(AP), "allow");
    assert_string_equal(t_state(TRAIN), "allow");
    /* the prefix may have any name, and several prefixes may be declared */
    assert_int_equal(read_opf3("schema: http://schema.org/ t: http://www.w3.org/ns/tdmrep#",
                               "    <meta property=\"t:reservation\">1</meta>\n"),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    /* the XMP namespace (slash form) is accepted too */
    assert_int_equal(read_opf3("tdm: http://www.w3.org/ns/tdmrep/",
                               "    <meta property=\"tdm:reservation\">1</meta>\n"),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
}

static void epub2_name_content(void **state) {
    (void)state;
    const char *opf = "<?xml version=\"1.0\"?>\n"
                      "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\" "
                      "unique-identifier=\"id\">\n"
                      "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                      "<dc:title>Old</dc:title>\n"
                      "<meta name=\"tdm:reservation\" content=\"1\"/>\n"
                      "<meta name=\"tdm:policy\" content=\"" POLICY "\"/>\n"
                      "<meta name=\"cover\" content=\"img\"/>\n"
                      "</metadata>\n"
                      "</package>\n";
    assert_int_equal(read_opf(opf), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[policy]");
    assert_int_equal(T.sts[0].src.line, 5);
    assert_true(t_str_is(T.sts[0].src.text, "<meta name=\"tdm:reservation\" content=\"1\"/>"));
    assert_true(t_str_is(t_link(CCSIG_LINK_TDM_POLICY, 0)->url, POLICY));
    /* OPF 2's dc-metadata / x-metadata wrappers */
    const char *wrapped = "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\">\n"
                          "<metadata><dc-metadata/><x-metadata>\n"
                          "<meta name=\"tdm:reservation\" content=\"0\"/>\n"
                          "</x-metadata></metadata></package>\n";
    assert_int_equal(read_opf(wrapped), CCSIG_OK);
    assert_string_equal(t_state(AP), "allow");
    assert_int_equal(T.sts[0].src.line, 3);
}

static void judgement_calls_are_notes(void **state) {
    (void)state;
    /* undeclared tdm prefix: read, with a note */
    assert_int_equal(read_opf3(NULL, RES1), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    assert_true(t_note("does not declare the prefix tdm"));
    /* tdm bound to another vocabulary: not TDMRep */
    assert_int_equal(read_opf3("tdm: https://example.org/other#", RES1), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "unknown");
    assert_int_equal(T.n, 0);
    /* the 2021 draft spelling */
    assert_int_equal(read_opf3(NULL, "    <meta property=\"tdm-reservation\">1</meta>\n"),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    assert_true(t_note("2021 draft"));
    /* a value other than 0 or 1 is a protocol error: unset */
    assert_int_equal(read_opf3(TDM_PREFIX, "    <meta property=\"tdm:reservation\">yes</meta>\n"),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "unknown");
    assert_true(t_note("must be 0 or 1, not \"yes\""));
    /* 0 and 1 both: that level is unset */
    assert_int_equal(
        read_opf3(TDM_PREFIX, RES1 "    <meta property=\"tdm:reservation\">0</meta>\n"), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "unknown");
    assert_true(t_note("both 0 and 1"));
    /* refines: about another element */
    assert_int_equal(
        read_opf3(TDM_PREFIX, "    <meta refines=\"#c1\" property=\"tdm:reservation\">1</meta>\n"),
        CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "unknown");
    assert_true(t_note("refines another element"));
    /* an unknown tdm property, an empty policy */
    assert_int_equal(read_opf3(TDM_PREFIX, "    <meta property=\"tdm:reserve\">1</meta>\n"
                                           "    <meta property=\"tdm:policy\"> </meta>\n"),
                     CCSIG_OK);
    assert_true(t_note("unknown TDMRep property 'reserve'"));
    assert_true(t_note("tdm:policy is empty"));
    assert_int_equal(T.n, 0);
    /* a <meta> outside <metadata> is not package metadata */
    assert_int_equal(read_opf("<package xmlns=\"http://www.idpf.org/2007/opf\">"
                              "<manifest><meta name=\"tdm:reservation\" content=\"1\"/></manifest>"
                              "</package>"),
                     CCSIG_OK);
    assert_int_equal(T.n, 0);
}

static void opf_errors(void **state) {
    (void)state;
    assert_int_equal(read_opf("<package xmlns=\"http://www.idpf.org/2007/opf\">\n<metadata>\n"),
                     CCSIG_ERR_SYNTAX);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "package document is not XML"));
    assert_int_equal(read_opf("<?xml version=\"1.0\"?>\n<package><metadata/></package>"),
                     CCSIG_ERR_SYNTAX);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "not <package> in the namespace"));
    assert_int_equal(read_opf(""), CCSIG_ERR_SYNTAX);
}

static void container_deflated_and_stored(void **state) {
    (void)state;
    char *opf = fx_opf3(TDM_PREFIX, RES1 POL);
    for (int deflate = 0; deflate < 2; deflate++) {
        fx_buf b = {0};
        fx_epub(&b, "OEBPS/content.opf", opf, deflate);
        assert_int_equal(ccsig_file_format_sniff((const char *)b.p, b.len), CCSIG_FMT_EPUB);
        assert_int_equal(read_epub_buf(&b), CCSIG_OK);
        assert_string_equal(t_state(TRAIN), "deny[policy]");
        assert_true(t_str_is(T.sts[0].src.origin, "book.epub!/OEBPS/content.opf"));
        assert_int_equal(T.sts[0].src.line, 8);
        assert_true(t_str_is(T.sts[0].src.text, "<meta property=\"tdm:reservation\">1</meta>"));
        assert_int_equal(T.nnotes, 0);
        fx_free(&b);
    }
    /* the package document at the top level */
    fx_buf b = {0};
    fx_epub(&b, "package.opf", opf, true);
    assert_int_equal(read_epub_buf(&b), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[policy]");
    assert_true(t_str_is(T.sts[0].src.origin, "book.epub!/package.opf"));
    fx_free(&b);
    assert_int_equal(ccsig_file_format_sniff(opf, strlen(opf)), CCSIG_FMT_OPF);
    assert_string_equal(ccsig_file_format_name(CCSIG_FMT_OPF), "opf");
    assert_string_equal(ccsig_file_format_name(CCSIG_FMT_EPUB), "epub");
    free(opf);
}

static void container_without_mimetype_first(void **state) {
    (void)state;
    const char *container = "<container xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">"
                            "<rootfiles><rootfile full-path=\"a.opf\" "
                            "media-type=\"application/oebps-package+xml\"/></rootfiles>"
                            "</container>";
    char *opf = fx_opf3(TDM_PREFIX, RES1);
    fx_zip_entry e[] = {{"META-INF/container.xml", container, strlen(container)},
                        {"a.opf", opf, strlen(opf)}};
    fx_buf b = {0};
    fx_zip(&b, e, 2, true);
    assert_int_equal(ccsig_file_format_sniff((const char *)b.p, b.len), CCSIG_FMT_UNKNOWN);
    assert_int_equal(read_epub_buf(&b), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    assert_true(t_note("does not start with a stored 'mimetype' entry"));
    fx_free(&b);
    free(opf);
}

/* A container whose bytes the test then damages. */
static void make(fx_buf *b, bool deflate) {
    char *opf = fx_opf3(TDM_PREFIX, RES1);
    fx_epub(b, "OEBPS/content.opf", opf, deflate);
    free(opf);
}

/* The offset of the local (sig "PK\3\4", header 30 bytes) or central
 * ("PK\1\2", 46 bytes) header of the entry named name. */
static size_t header_of(const fx_buf *b, const char *name, const char *sig, size_t hl) {
    size_t n = strlen(name);
    for (size_t i = hl; i + n <= b->len; i++)
        if (!memcmp(b->p + i, name, n) && !memcmp(b->p + i - hl, sig, 4))
            return i - hl;
    fail_msg("no header for '%s' in the container", name);
    return 0;
}

static void put16(fx_buf *b, size_t at, unsigned v) {
    b->p[at] = (unsigned char)v;
    b->p[at + 1] = (unsigned char)(v >> 8);
}

static void expect_error(const fx_buf *b, ccsig_status code, const char *msg, size_t offset) {
    assert_int_equal(read_epub_buf(b), code);
    if (!strstr(err.message, msg))
        fail_msg("'%s' does not say '%s'", err.message, msg);
    if (offset != SIZE_MAX && err.offset != offset)
        fail_msg("'%s' at byte %zu, want %zu", err.message, err.offset, offset);
}

static void container_errors(void **state) {
    (void)state;
    fx_buf b = {0};
    /* not a ZIP file at all */
    fx_buf t = {(unsigned char *)"not a zip file, just some text here", 35, 35};
    expect_error(&t, CCSIG_ERR_SYNTAX, "no end of central directory record", 35);
    fx_buf tiny = {(unsigned char *)"PK", 2, 2};
    expect_error(&tiny, CCSIG_ERR_SYNTAX, "too short", 0);

    /* cut short: the end record is gone */
    make(&b, true);
    fx_buf cut = {b.p, b.len - 10, b.cap};
    expect_error(&cut, CCSIG_ERR_SYNTAX, "no end of central directory record", SIZE_MAX);

    /* a central directory offset past the end record */
    size_t eocd = b.len - 22;
    unsigned char save[4];
    memcpy(save, b.p + eocd + 16, 4);
    b.p[eocd + 16] = 0xF0;
    b.p[eocd + 17] = 0xFF;
    b.p[eocd + 18] = 0x00;
    b.p[eocd + 19] = 0x00;
    expect_error(&b, CCSIG_ERR_SYNTAX, "central directory lies outside", eocd);
    memcpy(b.p + eocd + 16, save, 4);
    /* ZIP64 marker and split archives */
    put16(&b, eocd + 10, 0xFFFF);
    expect_error(&b, CCSIG_ERR_SYNTAX, "ZIP64", eocd);
    put16(&b, eocd + 10, 4);
    put16(&b, eocd + 4, 1);
    expect_error(&b, CCSIG_ERR_SYNTAX, "split or spanned", eocd);
    put16(&b, eocd + 4, 0);
    assert_int_equal(read_epub_buf(&b), CCSIG_OK); /* restored */

    /* the package document's entry: damaged data, CRC, method, encryption */
    const char *opf_name = "OEBPS/content.opf";
    size_t data = header_of(&b, opf_name, "PK\3\4", 30) + 30 + strlen(opf_name);
    size_t dcd = header_of(&b, opf_name, "PK\1\2", 46);
    unsigned char usz[4];
    memcpy(usz, b.p + dcd + 24, 4);
    memcpy(b.p + dcd + 24, "\0\0\xF0\0", 4); /* 15 MiB from a few hundred bytes */
    expect_error(&b, CCSIG_ERR_SYNTAX, "sizes are impossible for deflate data", dcd);
    memcpy(b.p + dcd + 24, usz, 4);
    b.p[data + 3] ^= 0x55;
    assert_int_equal(read_epub_buf(&b), CCSIG_ERR_SYNTAX);
    if (!strstr(err.message, "deflate data is damaged") &&
        !strstr(err.message, "CRC-32 does not match") &&
        !strstr(err.message, "another size than recorded"))
        fail_msg("unexpected: %s", err.message);
    b.p[data + 3] ^= 0x55;
    assert_int_equal(read_epub_buf(&b), CCSIG_OK);
    fx_free(&b);

    make(&b, false); /* stored: a flipped byte is caught by the CRC */
    data = header_of(&b, opf_name, "PK\3\4", 30) + 30 + strlen(opf_name);
    b.p[data + 60] ^= 0x01;
    expect_error(&b, CCSIG_ERR_SYNTAX, "CRC-32 does not match", data);
    b.p[data + 60] ^= 0x01;
    size_t cd = header_of(&b, opf_name, "PK\1\2", 46);
    put16(&b, cd + 10, 12); /* bzip2 */
    expect_error(&b, CCSIG_ERR_SYNTAX, "compression method 12 is not supported", cd);
    put16(&b, cd + 10, 0);
    put16(&b, cd + 8, 1); /* encrypted */
    expect_error(&b, CCSIG_ERR_SYNTAX, "encrypted", cd);
    put16(&b, cd + 8, 0);
    /* a local header offset that points at nothing */
    b.p[cd + 42] ^= 0x04;
    expect_error(&b, CCSIG_ERR_SYNTAX, "expected a local file header", cd);
    b.p[cd + 42] ^= 0x04;
    /* ... or past the end of the file: the error stays inside it (fuzz) */
    memcpy(save, b.p + cd + 42, 4);
    memcpy(b.p + cd + 42, "\0\xFF\xFF\xFF", 4);
    expect_error(&b, CCSIG_ERR_SYNTAX, "expected a local file header at byte 4294967040", cd);
    memcpy(b.p + cd + 42, save, 4);
    /* sizes that disagree with the data */
    b.p[cd + 24] ^= 0x01;
    expect_error(&b, CCSIG_ERR_SYNTAX, "stored entry's sizes differ", cd);
    b.p[cd + 24] ^= 0x01;
    /* a name that runs past the directory; a size past the limit */
    put16(&b, cd + 28, 0xF000);
    expect_error(&b, CCSIG_ERR_SYNTAX, "runs past the directory", cd);
    put16(&b, cd + 28, (unsigned)strlen(opf_name));
    unsigned char usize[4];
    memcpy(usize, b.p + cd + 24, 4);
    memcpy(b.p + cd + 24, "\0\0\0\2", 4); /* 32 MiB */
    expect_error(&b, CCSIG_ERR_LIMIT, "more than the 16777216 read", cd);
    memcpy(b.p + cd + 24, usize, 4);
    /* a central record cut by the directory's end */
    size_t eo = b.len - 22;
    unsigned cd_size = (unsigned)b.p[eo + 12] | (unsigned)b.p[eo + 13] << 8;
    put16(&b, eo + 12, cd_size - 100);
    expect_error(&b, CCSIG_ERR_SYNTAX, "expected a central directory file header", SIZE_MAX);
    put16(&b, eo + 12, cd_size);
    assert_int_equal(read_epub_buf(&b), CCSIG_OK);
    fx_free(&b);

    /* no container.xml; container.xml without a package rootfile; the
     * package document missing; container.xml not XML; the OPF not XML */
    static const char mt[] = "application/epub+zip";
    fx_zip_entry only[] = {{"mimetype", mt, sizeof mt - 1}};
    fx_zip(&b, only, 1, true);
    expect_error(&b, CCSIG_ERR_SYNTAX, "no META-INF/container.xml", 0);
    fx_free(&b);
    const char *noroot = "<container xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
                         "<rootfiles><rootfile full-path=\"a.pdf\" media-type=\"application/pdf\"/>"
                         "</rootfiles></container>";
    fx_zip_entry e2[] = {{"mimetype", mt, sizeof mt - 1},
                         {"META-INF/container.xml", noroot, strlen(noroot)}};
    fx_zip(&b, e2, 2, true);
    expect_error(&b, CCSIG_ERR_SYNTAX, "names no <rootfile> of media type", 0);
    assert_int_equal(err.line, 1);
    fx_free(&b);
    const char *gone = "<container xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">"
                       "<rootfiles><rootfile full-path=\"OEBPS/gone.opf\" "
                       "media-type=\"application/oebps-package+xml\"/></rootfiles></container>";
    fx_zip_entry e3[] = {{"mimetype", mt, sizeof mt - 1},
                         {"META-INF/container.xml", gone, strlen(gone)}};
    fx_zip(&b, e3, 2, true);
    expect_error(&b, CCSIG_ERR_SYNTAX, "OEBPS/gone.opf named by META-INF/container.xml is not", 0);
    fx_free(&b);
    const char *notxml = "<container";
    fx_zip_entry e4[] = {{"mimetype", mt, sizeof mt - 1},
                         {"META-INF/container.xml", notxml, strlen(notxml)}};
    fx_zip(&b, e4, 2, true);
    expect_error(&b, CCSIG_ERR_SYNTAX, "META-INF/container.xml is not XML", SIZE_MAX);
    fx_free(&b);
    fx_epub(&b, "OEBPS/content.opf", "<package xmlns=\"http://www.idpf.org/2007/opf\">\n<meta>\n",
            true);
    expect_error(&b, CCSIG_ERR_SYNTAX, "OEBPS/content.opf: package document is not XML", SIZE_MAX);
    assert_int_equal(err.line, 3);
    fx_free(&b);
}

static void epub_level_supersedes_well_known(void **state) {
    (void)state;
    char *opf = fx_opf3(TDM_PREFIX, RES1);
    t_begin(NULL, "https://e.example/books/a.epub", false);
    const char *wk = "[{\"location\": \"/\", \"tdm-reservation\": 0}]";
    assert_int_equal(ccsig_tdmrep_read(&T, wk, strlen(wk), CCSIG_STR_LIT("tdmrep.json"), &err),
                     CCSIG_OK);
    assert_int_equal(ccsig_opf_read(&T, opf, strlen(opf), CCSIG_STR_LIT("a.opf"), &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    assert_true(t_str_is(T.sts[0].src.origin, "a.opf"));
    assert_true(t_note("supersedes 0 at the well-known level"));
    free(opf);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(epub3_reservation_and_policy),
        cmocka_unit_test(epub2_name_content),
        cmocka_unit_test(judgement_calls_are_notes),
        cmocka_unit_test(opf_errors),
        cmocka_unit_test(container_deflated_and_stored),
        cmocka_unit_test(container_without_mimetype_first),
        cmocka_unit_test(container_errors),
        cmocka_unit_test(epub_level_supersedes_well_known),
    };
    int r = cmocka_run_group_tests(tests, t_setup, t_teardown);
    free(last_opf);
    return r;
}
