/*
 * test_merge_input.c — what a merge input is (ccsig_merge_classify,
 * ccsig_merge_classify_file; ccsig/shard.h), on real outputs of ccsig:
 * summaries and credit manifests of scans (tests/golden/merge/inputs), an
 * audit of ccsig audit --shard (tests/golden/audit/inputs), and the
 * annotation and keep files of scans of tests/golden/merge/inputs/
 * audit-text.warc, a page whose link holds the text "type": "ccsig-audit".
 * Made in tests/golden/merge/inputs with
 *   ccsig scan --shard 0/1 --quiet --use train-ai --summary --json \
 *       --annotate at.jsonl --keep at.kept.warc audit-text.warc > at.summary.json
 *   ccsig scan --quiet --use train-ai --annotate at.jsonl.gz \
 *       --keep at.kept.warc.gz audit-text.warc
 * (and the same with .zst). Every file is classified both ways, from its
 * path and from its bytes in memory, and both must agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ccsig/buf.h"
#include "ccsig/shard.h"
#include "ccsig/warc.h"

#define MERGE_IN CCSIG_SOURCE_DIR "/tests/golden/merge/inputs/"
#define AUDIT_IN CCSIG_SOURCE_DIR "/tests/golden/audit/inputs/"

/* The whole file at path (malloc'd, NUL-terminated; *n its size); fails
 * the test when it cannot be read. */
static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *b = NULL;
    size_t cap = 0, len = 0, got;
    do {
        if (len + 1 >= cap) {
            cap = cap ? 2 * cap : 4096;
            b = realloc(b, cap);
            assert_non_null(b);
        }
        got = fread(b + len, 1, cap - len - 1, f);
        len += got;
    } while (got > 0);
    fclose(f);
    b[len] = '\0';
    *n = len;
    return b;
}

/* What p[0..n) is, from memory. */
static ccsig_merge_input classify_mem(const void *p, size_t n) {
    ccsig_merge_input kind = CCSIG_MERGE_INPUT_DOCUMENT;
    ccsig_error err;
    ccsig_error_clear(&err);
    assert_int_equal(ccsig_merge_classify(p, n, &kind, &err), CCSIG_OK);
    return kind;
}

/* What the file at path is: from its path and from its bytes, which agree. */
static ccsig_merge_input classify_path(const char *path) {
    ccsig_merge_input kind = CCSIG_MERGE_INPUT_DOCUMENT;
    ccsig_error err;
    ccsig_error_clear(&err);
    assert_int_equal(ccsig_merge_classify_file(path, &kind, &err), CCSIG_OK);
    size_t n;
    char *p = slurp(path, &n);
    assert_int_equal(classify_mem(p, n), kind);
    free(p);
    return kind;
}

/* p[0..n) written to a temporary file and classified from there (and from
 * memory: they agree). */
static ccsig_merge_input classify_bytes(const void *p, size_t n) {
    char path[] = "/tmp/test_merge_input.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, p, n), (ssize_t)n);
    close(fd);
    ccsig_merge_input kind = classify_path(path);
    unlink(path);
    assert_int_equal(classify_mem(p, n), kind);
    return kind;
}

static ccsig_merge_input classify_str(const char *s) {
    return classify_bytes(s, strlen(s));
}

/* p[0..n) compressed as one gzip member or zstd frame. */
static ccsig_buf compress(ccsig_warc_codec codec, const char *p, size_t n) {
    ccsig_warc_writer *w = ccsig_warc_writer_new(codec, 1);
    assert_non_null(w);
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_error err;
    assert_int_equal(ccsig_warc_writer_member(w, &b, p, n, &err), CCSIG_OK);
    ccsig_warc_writer_free(w);
    return b;
}

/* ---------------------------------------------------------------- tests -- */

/* Summaries and credit manifests scans wrote: documents for ccsig_merge_add. */
static void test_documents(void **state) {
    (void)state;
    assert_int_equal(classify_path(MERGE_IN "xs0.summary.json"), CCSIG_MERGE_INPUT_DOCUMENT);
    assert_int_equal(classify_path(MERGE_IN "xs2.credit.json"), CCSIG_MERGE_INPUT_DOCUMENT);
    assert_int_equal(classify_path(MERGE_IN "shard1.summary.json"), CCSIG_MERGE_INPUT_DOCUMENT);
    assert_int_equal(classify_path(MERGE_IN "at.summary.json"), CCSIG_MERGE_INPUT_DOCUMENT);
}

/* Audits ccsig audit --shard wrote, told by their "type" member alone. */
static void test_audits(void **state) {
    (void)state;
    assert_int_equal(classify_path(AUDIT_IN "shard0.json"), CCSIG_MERGE_INPUT_AUDIT);
    assert_int_equal(classify_path(AUDIT_IN "shard1.json"), CCSIG_MERGE_INPUT_AUDIT);
    /* a byte order mark and white space before it, as the JSON reader allows */
    size_t n;
    char *p = slurp(AUDIT_IN "shard0.json", &n);
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_buf_puts(&b, "\xef\xbb\xbf \r\n\t");
    ccsig_buf_append(&b, p, n);
    assert_int_equal(classify_bytes(b.data, b.len), CCSIG_MERGE_INPUT_AUDIT);
    /* compressed, it is no document the merge reads */
    ccsig_buf z = compress(CCSIG_WARC_GZIP, p, n);
    assert_int_equal(classify_bytes(z.data, z.len), CCSIG_MERGE_INPUT_OTHER);
    ccsig_buf_free(&z);
    /* cut off, it is not JSON: a document whose error ccsig_merge_add reports */
    assert_int_equal(classify_bytes(p, n / 2), CCSIG_MERGE_INPUT_DOCUMENT);
    ccsig_buf_free(&b);
    free(p);
    assert_int_equal(classify_str("{\"type\": \"ccsig-audit\"}"), CCSIG_MERGE_INPUT_AUDIT);
    assert_int_equal(classify_str("{\"version\": 1, \"type\":\"ccsig-audit\"}\n"),
                     CCSIG_MERGE_INPUT_AUDIT);
}

/* The text of an audit's type anywhere but in the top-level "type" member
 * decides nothing (the substring search the CLI used took every one). */
static void test_audit_text_elsewhere(void **state) {
    (void)state;
    /* a keep file whose page links to a URL holding the text */
    size_t n;
    char *p = slurp(MERGE_IN "at.kept.warc", &n);
    assert_int_equal(strlen(p), n);
    assert_non_null(strstr(p, "\"type\": \"ccsig-audit\""));
    free(p);
    assert_int_equal(classify_path(MERGE_IN "at.kept.warc"), CCSIG_MERGE_INPUT_KEEP);
    /* documents holding it in a URL value, a nested member, a string */
    assert_int_equal(
        classify_str("{\"type\": \"ccsig-scan-summary\",\n"
                     " \"url\": \"https://e.com/?q={\\\"type\\\": \\\"ccsig-audit\\\"}\"}"),
        CCSIG_MERGE_INPUT_DOCUMENT);
    assert_int_equal(
        classify_str("{\n  \"type\": \"ccsig-credit\",\n  \"x\": {\"type\": \"ccsig-audit\"}\n}\n"),
        CCSIG_MERGE_INPUT_DOCUMENT);
    assert_int_equal(classify_str("{\n  \"kind\": \"\\\"type\\\": \\\"ccsig-audit\\\"\"\n}\n"),
                     CCSIG_MERGE_INPUT_DOCUMENT);
    assert_int_equal(classify_str("{\n  \"type\": [\"ccsig-audit\"]\n}\n"),
                     CCSIG_MERGE_INPUT_DOCUMENT);
    /* an array holding an audit */
    assert_int_equal(classify_str("[{\"type\": \"ccsig-audit\"}]"), CCSIG_MERGE_INPUT_OTHER);
}

/* Annotation files scans wrote: plain, gzip, zstd. */
static void test_annotations(void **state) {
    (void)state;
    assert_int_equal(classify_path(MERGE_IN "at.jsonl"), CCSIG_MERGE_INPUT_ANNOTATION);
    assert_int_equal(classify_path(MERGE_IN "at.jsonl.gz"), CCSIG_MERGE_INPUT_ANNOTATION);
    assert_int_equal(classify_path(MERGE_IN "at.jsonl.zst"), CCSIG_MERGE_INPUT_ANNOTATION);
    /* the line alone, without its line end */
    size_t n;
    char *p = slurp(MERGE_IN "at.jsonl", &n);
    assert_true(n > 1 && p[n - 1] == '\n');
    assert_int_equal(classify_bytes(p, n - 1), CCSIG_MERGE_INPUT_ANNOTATION);
    /* a first line cut short is not one; being plain and starting with "{",
     * it is a document (whose error ccsig_merge_add reports) */
    assert_int_equal(classify_bytes(p, n / 2), CCSIG_MERGE_INPUT_DOCUMENT);
    /* several members or frames: the first line decides */
    for (int c = CCSIG_WARC_GZIP; c <= CCSIG_WARC_ZSTD; c++) {
        ccsig_buf z = compress((ccsig_warc_codec)c, p, 10);
        ccsig_buf rest = compress((ccsig_warc_codec)c, p + 10, n - 10);
        ccsig_buf_append(&z, rest.data, rest.len);
        assert_int_equal(classify_bytes(z.data, z.len), CCSIG_MERGE_INPUT_ANNOTATION);
        ccsig_buf_free(&z);
        ccsig_buf_free(&rest);
    }
    free(p);
    /* an object line without "archive" and "offset" is not one */
    assert_int_equal(classify_str("{\"archive\":\"a.warc\",\"bytes\":3}\n"),
                     CCSIG_MERGE_INPUT_DOCUMENT);
    assert_int_equal(classify_str("{\"archive\":\"a.warc\",\"offset\":0}\n{\"x\":1}\n"),
                     CCSIG_MERGE_INPUT_ANNOTATION);
}

/* Keep files scans wrote: plain, gzip, zstd. */
static void test_keep_files(void **state) {
    (void)state;
    assert_int_equal(classify_path(MERGE_IN "at.kept.warc"), CCSIG_MERGE_INPUT_KEEP);
    assert_int_equal(classify_path(MERGE_IN "at.kept.warc.gz"), CCSIG_MERGE_INPUT_KEEP);
    assert_int_equal(classify_path(MERGE_IN "at.kept.warc.zst"), CCSIG_MERGE_INPUT_KEEP);
    assert_int_equal(classify_path(CCSIG_SOURCE_DIR "/tests/data/scan/site.warc"),
                     CCSIG_MERGE_INPUT_KEEP);
}

/* No content: an empty annotation or keep file. */
static void test_empty(void **state) {
    (void)state;
    assert_int_equal(classify_bytes("", 0), CCSIG_MERGE_INPUT_EMPTY);
    assert_int_equal(classify_mem(NULL, 0), CCSIG_MERGE_INPUT_EMPTY);
    for (int c = CCSIG_WARC_GZIP; c <= CCSIG_WARC_ZSTD; c++) {
        ccsig_buf z = compress((ccsig_warc_codec)c, "", 0);
        assert_true(z.len > 0);
        assert_int_equal(classify_bytes(z.data, z.len), CCSIG_MERGE_INPUT_EMPTY);
        /* damaged in its first bytes: not known to be empty */
        assert_int_equal(classify_bytes(z.data, 3), CCSIG_MERGE_INPUT_OTHER);
        ccsig_buf_free(&z);
    }
}

/* Starting with "{" but no scan output: a document ccsig_merge_add
 * refuses with its reason; other content: other. */
static void test_not_outputs(void **state) {
    (void)state;
    assert_int_equal(classify_path(MERGE_IN "not-a-summary.json"), CCSIG_MERGE_INPUT_DOCUMENT);
    assert_int_equal(classify_str("{"), CCSIG_MERGE_INPUT_DOCUMENT);
    assert_int_equal(classify_str("{\nnot json\n"), CCSIG_MERGE_INPUT_DOCUMENT);
    assert_int_equal(classify_str("{\"type\": \"ccsig-audit\""), CCSIG_MERGE_INPUT_DOCUMENT);
    assert_int_equal(classify_str("merge\n../inputs/x.json\n"), CCSIG_MERGE_INPUT_OTHER);
    assert_int_equal(classify_str(" \n"), CCSIG_MERGE_INPUT_OTHER);
    assert_int_equal(classify_str("WARC"), CCSIG_MERGE_INPUT_OTHER);
    assert_int_equal(classify_bytes("\x00\x01\x02\xff", 4), CCSIG_MERGE_INPUT_OTHER);
    /* compressed content that is neither a record nor an annotation line */
    const char text[] = "{\n  \"type\": \"ccsig-scan-summary\"\n}\n";
    for (int c = CCSIG_WARC_GZIP; c <= CCSIG_WARC_ZSTD; c++) {
        ccsig_buf z = compress((ccsig_warc_codec)c, text, sizeof text - 1);
        assert_int_equal(classify_bytes(z.data, z.len), CCSIG_MERGE_INPUT_OTHER);
        ccsig_buf_free(&z);
    }
}

/* A file that cannot be read: CCSIG_ERR_IO naming it. */
static void test_unreadable(void **state) {
    (void)state;
    ccsig_merge_input kind = CCSIG_MERGE_INPUT_DOCUMENT;
    ccsig_error err;
    ccsig_error_clear(&err);
    assert_int_equal(ccsig_merge_classify_file(MERGE_IN "no-such-file", &kind, &err), CCSIG_ERR_IO);
    assert_int_equal(kind, CCSIG_MERGE_INPUT_OTHER);
    assert_non_null(strstr(err.message, "no-such-file: cannot read: No such file or directory"));
    ccsig_error_clear(&err);
    assert_int_equal(ccsig_merge_classify_file(MERGE_IN, &kind, &err), CCSIG_ERR_IO);
    assert_non_null(strstr(err.message, "cannot read: Is a directory"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_audits),
        cmocka_unit_test(test_audit_text_elsewhere),
        cmocka_unit_test(test_annotations),
        cmocka_unit_test(test_keep_files),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_not_outputs),
        cmocka_unit_test(test_unreadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
