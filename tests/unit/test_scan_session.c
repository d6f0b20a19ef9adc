/*
 * test_scan_session.c — the library side of `ccsig scan` that the end-to-end
 * tests do not reach: the scan session's contract (what it reports through
 * the sink, its errors), the body decoders of httpmsg the robots.txt store
 * uses, and the summary and credit documents read back for merge.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ccsig/alloc.h"
#include "ccsig/credit.h"
#include "ccsig/httpmsg.h"
#include "ccsig/report.h"
#include "ccsig/scan_session.h"
#include "ccsig/summary.h"
#include "../../lib/scan/scan_internal.h"

#define SITE_WARC CCSIG_SOURCE_DIR "/tests/data/scan/site.warc"

/* ---------------------------------------------------------------- bodies -- */

static void test_dechunk(void **state) {
    (void)state;
    const char in[] = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n";
    char out[64];
    size_t n = ccsig_http_dechunk(in, sizeof in - 1, out, sizeof out);
    assert_int_equal(n, 11);
    assert_memory_equal(out, "hello world", 11);
    /* cut off inside a chunk: what it holds */
    const char cut[] = "5\r\nab";
    n = ccsig_http_dechunk(cut, sizeof cut - 1, out, sizeof out);
    assert_int_equal(n, 2);
    assert_memory_equal(out, "ab", 2);
    /* a chunk claiming more than the whole input ends the decoding */
    const char big[] = "2\r\nok\r\nff\r\nabc";
    n = ccsig_http_dechunk(big, sizeof big - 1, out, sizeof out);
    assert_int_equal(n, 2);
    assert_memory_equal(out, "ok", 2);
    /* at most cap bytes */
    n = ccsig_http_dechunk(in, sizeof in - 1, out, 4);
    assert_int_equal(n, 4);
    assert_memory_equal(out, "hell", 4);
    /* not a size line */
    assert_int_equal(ccsig_http_dechunk("zz\r\nabc", 7, out, sizeof out), 0);
}

static void test_body_decode_chunked_gzip(void **state) {
    (void)state;
    ccsig_buf t = CCSIG_BUF_INIT;
    for (int i = 0; i < 20; i++)
        ccsig_buf_printf(&t, "User-agent: bot%d\nDisallow: /private/\n", i);
    ccsig_warc_writer *w = ccsig_warc_writer_new(CCSIG_WARC_GZIP, 1);
    assert_non_null(w);
    ccsig_buf z = CCSIG_BUF_INIT;
    ccsig_error err;
    assert_int_equal(ccsig_warc_writer_member(w, &z, t.data, t.len, &err), CCSIG_OK);
    assert_true(z.len < 300 && t.len > 600);
    ccsig_buf msg = CCSIG_BUF_INIT;
    ccsig_buf_printf(&msg, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%zx\r\n", z.len);
    ccsig_buf_append(&msg, z.data, z.len);
    ccsig_buf_puts(&msg, "\r\n0\r\n\r\n");
    ccsig_arena a;
    ccsig_arena_init(&a, 1024);
    ccsig_http_msg *m = malloc(sizeof *m);
    assert_non_null(m);
    assert_int_equal(ccsig_http_parse(&a, msg.data, msg.len, m, &err), CCSIG_OK);
    char *out;
    size_t len;
    assert_int_equal(ccsig_http_body_decode(m, msg.data + m->header_len, msg.len - m->header_len,
                                            4096, &out, &len),
                     CCSIG_OK);
    assert_int_equal(len, t.len);
    assert_string_equal(out, ccsig_buf_cstr(&t));
    ccsig_free(out);
    /* the limit holds for the inflated bytes too */
    assert_int_equal(ccsig_http_body_decode(m, msg.data + m->header_len, msg.len - m->header_len,
                                            300, &out, &len),
                     CCSIG_OK);
    assert_int_equal(len, 300);
    assert_memory_equal(out, t.data, 300);
    ccsig_free(out);
    /* a body with no coding is copied, up to the limit */
    const char plain[] = "HTTP/1.1 200 OK\r\n\r\nUser-agent: *\n";
    ccsig_arena_reset(&a);
    assert_int_equal(ccsig_http_parse(&a, plain, sizeof plain - 1, m, &err), CCSIG_OK);
    assert_int_equal(ccsig_http_body_decode(m, plain + m->header_len,
                                            sizeof plain - 1 - m->header_len, 4, &out, &len),
                     CCSIG_OK);
    assert_int_equal(len, 4);
    assert_string_equal(out, "User");
    ccsig_free(out);
    free(m);
    ccsig_arena_free(&a);
    ccsig_buf_free(&msg);
    ccsig_buf_free(&z);
    ccsig_buf_free(&t);
    ccsig_warc_writer_free(w);
}

/* --------------------------------------------------------------- session -- */

typedef struct seen {
    ccsig_buf annot;
    int damages, archive_errors, progress_final;
    uint64_t damage_offset;
    char archive_what[200], archive_name[200];
    bool fail_writes;
} seen;

static bool on_annotation(void *ctx, const char *p, size_t n) {
    seen *s = ctx;
    ccsig_buf_append(&s->annot, p, n);
    return !s->fail_writes;
}

static void on_damage(void *ctx, const char *name, uint64_t offset, const char *what) {
    seen *s = ctx;
    (void)name;
    (void)what;
    s->damages++;
    s->damage_offset = offset;
}

static void on_archive_error(void *ctx, const char *name, const char *what) {
    seen *s = ctx;
    s->archive_errors++;
    snprintf(s->archive_name, sizeof s->archive_name, "%s", name);
    snprintf(s->archive_what, sizeof s->archive_what, "%s", what);
}

static void on_progress(void *ctx, const ccsig_scan_progress *p) {
    seen *s = ctx;
    s->progress_final += p->final;
}

static ccsig_scan_session *session(seen *s, int threads) {
    memset(s, 0, sizeof *s);
    ccsig_scan_session_options o;
    ccsig_scan_session_options_init(&o);
    o.threads = threads;
    ccsig_scan_sink sink = {s, on_annotation, NULL, on_damage, on_archive_error, on_progress};
    ccsig_scan_session *ss;
    ccsig_error err;
    assert_int_equal(ccsig_scan_session_new(&o, &sink, &ss, &err), CCSIG_OK);
    return ss;
}

static void test_session_runs_once(void **state) {
    (void)state;
    seen s;
    ccsig_scan_session *ss = session(&s, 2);
    ccsig_error err;
    assert_int_equal(ccsig_scan_session_add_path(ss, SITE_WARC, "site.warc", &err), CCSIG_OK);
    assert_int_equal(ccsig_scan_session_run(ss, &err), CCSIG_OK);
    assert_int_equal(s.progress_final, 1);
    ccsig_summary *sum = ccsig_scan_session_summary(ss);
    assert_int_equal(sum->archives, 1);
    assert_int_equal(sum->scanned, 5);
    /* one line per response and revisit, named as added */
    size_t lines = 0;
    for (size_t i = 0; i < s.annot.len; i++)
        lines += s.annot.data[i] == '\n';
    assert_int_equal(lines, 5);
    assert_non_null(strstr(ccsig_buf_cstr(&s.annot), "\"archive\":\"site.warc\""));
    assert_int_equal(ccsig_scan_session_run(ss, &err), CCSIG_ERR_USAGE);
    assert_int_equal(ccsig_scan_session_add_path(ss, SITE_WARC, NULL, &err), CCSIG_ERR_USAGE);
    ccsig_scan_session_free(ss);
    ccsig_buf_free(&s.annot);
}

static void test_session_unreadable_archive(void **state) {
    (void)state;
    seen s;
    ccsig_scan_session *ss = session(&s, 1);
    ccsig_error err;
    assert_int_equal(ccsig_scan_session_add_path(ss, "/nonexistent/a.warc.gz", NULL, &err),
                     CCSIG_OK);
    assert_int_equal(ccsig_scan_session_add_path(ss, SITE_WARC, "site.warc", &err), CCSIG_OK);
    assert_int_equal(ccsig_scan_session_run(ss, &err), CCSIG_ERR_IO);
    assert_int_equal(s.archive_errors, 1);
    assert_string_equal(s.archive_name, "/nonexistent/a.warc.gz");
    assert_string_equal(s.archive_what, "cannot read: No such file or directory");
    assert_true(ccsig_scan_session_unreadable(ss));
    assert_false(ccsig_scan_session_write_failed(ss));
    /* the readable archive is still scanned */
    assert_int_equal(ccsig_scan_session_summary(ss)->archives, 1);
    assert_int_equal(ccsig_scan_session_summary(ss)->archives_unreadable, 1);
    assert_int_equal(ccsig_scan_session_summary(ss)->scanned, 5);
    ccsig_scan_session_free(ss);
    ccsig_buf_free(&s.annot);
}

static void test_session_write_failure(void **state) {
    (void)state;
    seen s;
    ccsig_scan_session *ss = session(&s, 1);
    s.fail_writes = true;
    ccsig_error err;
    assert_int_equal(ccsig_scan_session_add_path(ss, SITE_WARC, NULL, &err), CCSIG_OK);
    assert_int_equal(ccsig_scan_session_run(ss, &err), CCSIG_ERR_IO);
    assert_true(ccsig_scan_session_write_failed(ss));
    assert_int_equal(ccsig_scan_session_summary(ss)->scanned, 5); /* the run went on */
    ccsig_scan_session_free(ss);
    ccsig_buf_free(&s.annot);
}

/* ccsig_scan_sink_fd: the annotation written whole to a pipe is the one a
 * callback sink receives, byte for byte; a closed pipe is a write failure
 * (CCSIG_ERR_IO), not a crash (SIGPIPE ignored, as a binding's runtime
 * does). */
static void test_session_sink_fd(void **state) {
    (void)state;
    seen s;
    ccsig_scan_session *ss = session(&s, 2);
    ccsig_error err;
    assert_int_equal(ccsig_scan_session_add_path(ss, SITE_WARC, NULL, &err), CCSIG_OK);
    assert_int_equal(ccsig_scan_session_run(ss, &err), CCSIG_OK);
    ccsig_scan_session_free(ss);

    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    int fd = fileno(tmp);
    ccsig_scan_session_options o;
    ccsig_scan_session_options_init(&o);
    o.threads = 2;
    ccsig_scan_sink sink = {&fd, ccsig_scan_sink_fd, NULL, NULL, NULL, NULL};
    assert_int_equal(ccsig_scan_session_new(&o, &sink, &ss, &err), CCSIG_OK);
    assert_int_equal(ccsig_scan_session_add_path(ss, SITE_WARC, NULL, &err), CCSIG_OK);
    assert_int_equal(ccsig_scan_session_run(ss, &err), CCSIG_OK);
    ccsig_scan_session_free(ss);
    char got[65536];
    size_t n = (size_t)pread(fd, got, sizeof got, 0);
    assert_int_equal(n, s.annot.len);
    assert_memory_equal(got, s.annot.data, n);
    fclose(tmp);

    int p[2];
    assert_int_equal(pipe(p), 0);
    close(p[0]);
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    sink.ctx = &p[1];
    assert_int_equal(ccsig_scan_session_new(&o, &sink, &ss, &err), CCSIG_OK);
    assert_int_equal(ccsig_scan_session_add_path(ss, SITE_WARC, NULL, &err), CCSIG_OK);
    assert_int_equal(ccsig_scan_session_run(ss, &err), CCSIG_ERR_IO);
    assert_true(ccsig_scan_session_write_failed(ss));
    ccsig_scan_session_free(ss);
    signal(SIGPIPE, old);
    close(p[1]);
    ccsig_buf_free(&s.annot);
}

typedef struct mem_stream {
    const char *p;
    size_t len, pos;
} mem_stream;

static ssize_t mem_read(void *ctx, void *buf, size_t n) {
    mem_stream *m = ctx;
    size_t k = m->len - m->pos < n ? m->len - m->pos : n;
    memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    return (ssize_t)k;
}

static void test_session_stream_damage(void **state) {
    (void)state;
    /* a record whose block is cut off: one damage report at its offset,
     * after the whole record before it */
    const char warc[] = "WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
                        "Content-Length: 2\r\n\r\nok\r\n\r\n"
                        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:2>\r\n"
                        "WARC-Target-URI: https://example.org/\r\n"
                        "Content-Length: 9999\r\n\r\nHTTP/1.1 200 OK\r\n";
    seen s;
    ccsig_scan_session *ss = session(&s, 1);
    mem_stream m = {warc, sizeof warc - 1, 0};
    ccsig_error err;
    assert_int_equal(ccsig_scan_session_add_stream(ss, mem_read, &m, "mem", &err), CCSIG_OK);
    assert_int_equal(ccsig_scan_session_run(ss, &err), CCSIG_OK);
    assert_int_equal(s.damages, 1);
    const char *second = strstr(warc, "WARC/1.1\r\nWARC-Type: response");
    assert_int_equal(s.damage_offset, (uint64_t)(second - warc));
    ccsig_summary *sum = ccsig_scan_session_summary(ss);
    assert_int_equal(sum->errors_total, 1);
    assert_int_equal(sum->nerrors, 1);
    assert_string_equal(sum->errors[0].archive, "mem");
    ccsig_scan_session_free(ss);
    ccsig_buf_free(&s.annot);
}

/* Append one WARC record with this type, id, URI, extra header lines and
 * block to b. */
static void warc_record(ccsig_buf *b, const char *type, const char *id, const char *uri,
                        const char *extra, const char *block) {
    ccsig_buf_printf(b,
                     "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
                     "WARC-Target-URI: %s\r\nWARC-Date: 2025-03-01T10:00:00Z\r\n%s"
                     "Content-Type: application/http; msgtype=response\r\n"
                     "Content-Length: %zu\r\n\r\n%s\r\n\r\n",
                     type, id, uri, extra, strlen(block), block);
}

/* Scan the archive in b for train-ai with the status set; the summary. */
static void scan_status(const ccsig_buf *b, unsigned status, ccsig_summary *out) {
    seen s;
    memset(&s, 0, sizeof s);
    ccsig_scan_session_options o;
    ccsig_scan_session_options_init(&o);
    o.profile.p.use = CCSIG_CAT_TRAIN_AI;
    o.profile.status = status;
    ccsig_scan_sink sink = {&s, on_annotation, NULL, on_damage, on_archive_error, NULL};
    ccsig_scan_session *ss;
    ccsig_error err;
    assert_int_equal(ccsig_scan_session_new(&o, &sink, &ss, &err), CCSIG_OK);
    mem_stream m = {b->data, b->len, 0};
    assert_int_equal(ccsig_scan_session_add_stream(ss, mem_read, &m, "mem", &err), CCSIG_OK);
    assert_int_equal(ccsig_scan_session_run(ss, &err), CCSIG_OK);
    /* every record is annotated, used or not */
    size_t lines = 0;
    for (size_t i = 0; i < s.annot.len; i++)
        lines += s.annot.data[i] == '\n';
    assert_int_equal(lines, 4);
    ccsig_summary_init(out);
    ccsig_summary_merge(out, ccsig_scan_session_summary(ss));
    ccsig_scan_session_free(ss);
    ccsig_buf_free(&s.annot);
}

static void test_session_status_filter(void **state) {
    (void)state;
    /* a 200 page, a 304 revisit of it, a 404 page and a 301 redirect, all
     * saying train-ai=y: usable by their decision */
    const char *cu = "Content-Usage: train-ai=y\r\n";
    char block[512];
    ccsig_buf b = CCSIG_BUF_INIT;
    snprintf(block, sizeof block, "HTTP/1.1 200 OK\r\n%sContent-Type: text/plain\r\n\r\nhello", cu);
    warc_record(&b, "response", "a1", "https://e.example/a",
                "WARC-Payload-Digest: sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n", block);
    snprintf(block, sizeof block, "HTTP/1.1 304 Not Modified\r\n%s\r\n", cu);
    warc_record(&b, "revisit", "a2", "https://e.example/a",
                "WARC-Refers-To: <urn:uuid:a1>\r\n"
                "WARC-Payload-Digest: sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n"
                "WARC-Profile: http://netpreserve.org/warc/1.1/revisit/server-not-modified\r\n",
                block);
    snprintf(block, sizeof block, "HTTP/1.1 404 Not Found\r\n%s\r\ngone", cu);
    warc_record(&b, "response", "a3", "https://e.example/missing", "", block);
    snprintf(block, sizeof block, "HTTP/1.1 301 Moved\r\n%sLocation: /a\r\n\r\n", cu);
    warc_record(&b, "response", "a4", "https://e.example/old", "", block);

    ccsig_summary sum;
    /* default (0 = 2xx): the page; its revisit (the original's 200) is the
     * same capture, already used: counted once */
    scan_status(&b, 0, &sum);
    assert_int_equal(sum.revisits_resolved, 1);
    assert_int_equal(sum.results[CCSIG_RESULT_PERMITTED], 4);
    assert_int_equal(sum.used_records, 1);
    assert_int_equal(sum.used_bytes, 5); /* "hello", once */
    assert_int_equal(sum.revisits_of_used, 1);
    assert_int_equal(sum.status_excluded[3], 1); /* 3xx */
    assert_int_equal(sum.status_excluded[4], 1); /* 4xx */
    ccsig_summary_free(&sum);
    /* 2xx,3xx: the redirect too */
    unsigned set;
    ccsig_error err;
    assert_int_equal(ccsig_status_class_parse("2xx, 3XX", 8, &set, &err), CCSIG_OK);
    assert_int_equal(set, CCSIG_STATUS_CLASS_2XX | CCSIG_STATUS_CLASS_3XX);
    scan_status(&b, set, &sum);
    assert_int_equal(sum.used_records, 2);
    assert_int_equal(sum.status_excluded[3], 0);
    assert_int_equal(sum.status_excluded[4], 1);
    ccsig_summary_free(&sum);
    /* any: every usable record */
    assert_int_equal(ccsig_status_class_parse("any", 3, &set, &err), CCSIG_OK);
    scan_status(&b, set, &sum);
    assert_int_equal(sum.used_records, 3);
    assert_int_equal(sum.revisits_of_used, 1);
    ccsig_summary_free(&sum);
    /* 4xx only: the page is not used, so its revisit is not either (the
     * original's 200 is outside the set); the 404 is */
    assert_int_equal(ccsig_status_class_parse("4xx", 3, &set, &err), CCSIG_OK);
    scan_status(&b, set, &sum);
    assert_int_equal(sum.used_records, 1);
    assert_int_equal(sum.status_excluded[2], 2);
    assert_int_equal(sum.revisits_of_used, 0);
    ccsig_summary_free(&sum);
    ccsig_buf_free(&b);
    /* the grammar: names, errors, the text form */
    char t[64];
    assert_string_equal(ccsig_status_class_format(0, t, sizeof t), "2xx");
    assert_string_equal(ccsig_status_class_format(CCSIG_STATUS_CLASS_NONE | CCSIG_STATUS_CLASS_4XX |
                                                      CCSIG_STATUS_CLASS_2XX,
                                                  t, sizeof t),
                        "2xx,4xx,none");
    assert_string_equal(ccsig_status_class_format(CCSIG_STATUS_CLASS_ANY, t, sizeof t), "any");
    assert_int_equal(ccsig_status_class_parse("2xx,,3xx", 8, &set, &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(err.offset, 4);
    assert_int_equal(ccsig_status_class_parse("200", 3, &set, &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(ccsig_status_class_parse("", 0, &set, &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(ccsig_status_class_of(204), CCSIG_STATUS_CLASS_2XX);
    assert_int_equal(ccsig_status_class_of(-1), CCSIG_STATUS_CLASS_NONE);
    assert_int_equal(ccsig_status_class_of(600), CCSIG_STATUS_CLASS_NONE);
}

static void test_session_bad_codec(void **state) {
    (void)state;
    ccsig_scan_session_options o;
    ccsig_scan_session_options_init(&o);
    o.annotate_codec = CCSIG_WARC_AUTO;
    ccsig_scan_session *ss;
    ccsig_error err;
    assert_int_equal(ccsig_scan_session_new(&o, NULL, &ss, &err), CCSIG_ERR_USAGE);
    assert_null(ss);
}

/* ------------------------------------------------------ summary, credit -- */

static void test_outputs_read_back(void **state) {
    (void)state;
    ccsig_scan_profile prof;
    memset(&prof, 0, sizeof prof);
    snprintf(prof.agent, sizeof prof.agent, "ExampleBot");
    prof.p.use = CCSIG_CAT_TRAIN_AI;
    prof.p.commitments = CCSIG_COND_CREDIT;
    ccsig_summary s;
    ccsig_summary_init(&s);
    s.archives = 2;
    s.records = 7;
    s.status[200] = 5;
    ccsig_summary_add_error(&s, "a.warc.gz", 42, "cut off");
    ccsig_buf b = CCSIG_BUF_INIT;
    assert_int_equal(ccsig_summary_write_json(&b, &s, &prof), CCSIG_OK);
    ccsig_summary back;
    ccsig_summary_init(&back);
    ccsig_credit_map credit;
    ccsig_credit_map_init(&credit);
    ccsig_scan_profile p2;
    ccsig_scan_output_type type;
    ccsig_error err;
    assert_int_equal(ccsig_scan_output_read(b.data, b.len, &back, &credit, &p2, &type, &err),
                     CCSIG_OK);
    assert_int_equal(type, CCSIG_SCAN_OUTPUT_SUMMARY);
    assert_true(ccsig_scan_profile_equal(&prof, &p2));
    assert_int_equal(back.archives, 2);
    assert_int_equal(back.records, 7);
    assert_int_equal(back.status[200], 5);
    assert_int_equal(back.errors_total, 1);
    assert_string_equal(back.errors[0].what, "cut off");
    /* written again, the same bytes */
    ccsig_buf b2 = CCSIG_BUF_INIT;
    assert_int_equal(ccsig_summary_write_json(&b2, &back, &p2), CCSIG_OK);
    assert_int_equal(b.len, b2.len);
    assert_memory_equal(b.data, b2.data, b.len);

    /* a credit manifest, merged twice: the counts add up */
    ccsig_credit_add(&credit, "https://example.org", 19, 1u << CCSIG_SIGNAL_CR, CCSIG_COND_CREDIT,
                     1u << CCSIG_SRC_HEADER, 100, ccsig_str_c("2026-01-02T00:00:00Z"),
                     ccsig_str_c("https://example.org/a"), "header: Content-Usage");
    ccsig_buf_clear(&b);
    assert_int_equal(ccsig_credit_write(&b, CCSIG_CREDIT_JSON, &credit, &prof), CCSIG_OK);
    ccsig_credit_map twice;
    ccsig_credit_map_init(&twice);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(ccsig_scan_output_read(b.data, b.len, &back, &twice, &p2, &type, &err),
                         CCSIG_OK);
        assert_int_equal(type, CCSIG_SCAN_OUTPUT_CREDIT);
    }
    assert_int_equal(ccsig_hashmap_count(&twice.parties), 1);
    ccsig_credit_party **party = ccsig_hashmap_get(&twice.parties, "https://example.org", 19);
    assert_non_null(party);
    assert_string_equal((*party)->party, "https://example.org");
    assert_int_equal((*party)->records, 2);
    assert_int_equal((*party)->bytes, 200);

    /* not JSON: where and what */
    const char bad[] = "{\n  \"type\": }";
    assert_int_equal(ccsig_scan_output_read(bad, sizeof bad - 1, &back, &twice, &p2, &type, &err),
                     CCSIG_ERR_SYNTAX);
    assert_int_equal(err.line, 2);
    assert_true(err.column > 0);
    assert_non_null(strstr(err.message, "not JSON: "));
    /* JSON but neither document */
    const char other[] = "{\"type\": \"something-else\"}";
    assert_int_equal(
        ccsig_scan_output_read(other, sizeof other - 1, &back, &twice, &p2, &type, &err),
        CCSIG_ERR_UNSUPPORTED);
    assert_int_equal(type, CCSIG_SCAN_OUTPUT_NONE);

    ccsig_buf_free(&b);
    ccsig_buf_free(&b2);
    ccsig_summary_free(&s);
    ccsig_summary_free(&back);
    ccsig_credit_map_free(&credit);
    ccsig_credit_map_free(&twice);
}

/* The scan's memo of "categories" objects writes what
 * ccsig_report_write_categories writes, byte for byte: 6000 verdicts drawn
 * from a pool of 48 (so most are memo hits, and slots are replaced), with
 * labels that need escaping and one too long for the memo's key. */
static void test_categories_memo(void **state) {
    (void)state;
    static const char *labels[] = {
        "", "train-ai", "tdm-reservation", "a \"quoted\" label\\", "x-private-\x01", NULL};
    char longlabel[400];
    memset(longlabel, 'l', sizeof longlabel - 1);
    longlabel[sizeof longlabel - 1] = '\0';
    labels[5] = longlabel;
    enum { POOL = 48 };
    ccsig_verdict pool[POOL];
    unsigned seed = 12345;
#define NEXT() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
    for (int i = 0; i < POOL; i++) {
        memset(&pool[i], 0, sizeof pool[i]);
        pool[i].reading = NEXT() % 2 ? CCSIG_READING_CURRENT : CCSIG_READING_DEFAULT;
        for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
            ccsig_verdict_entry *e = &pool[i].cat[c];
            e->state = (ccsig_state)(NEXT() % 3);
            e->conditions = NEXT() % 16;
            e->signals = (NEXT() % 8) << 1;
            e->via = (ccsig_category)(NEXT() % CCSIG_CAT_COUNT);
            e->source = (int)(NEXT() % 4) - 1;
            e->vocab = (uint8_t)(NEXT() % 3);
            e->legacy = (uint8_t)(NEXT() % 2);
            e->other = (uint8_t)(NEXT() % 3);
            e->other_conditions = (uint8_t)(NEXT() % 4);
            const char *l = labels[NEXT() % 6];
            e->label = ccsig_str_make(l, strlen(l));
        }
    }
    scan_categories_memo memo;
    memset(&memo, 0, sizeof memo);
    ccsig_buf direct = CCSIG_BUF_INIT, via = CCSIG_BUF_INIT;
    for (int k = 0; k < 6000; k++) {
        const ccsig_verdict *v = &pool[NEXT() % POOL];
        ccsig_buf_clear(&direct);
        ccsig_buf_clear(&via);
        ccsig_buf_puts(&via, "prefix:"); /* the memo copies only what it wrote */
        ccsig_report_write_categories(&direct, v);
        scan_write_categories(&via, v, &memo);
        assert_int_equal(via.len, direct.len + 7);
        assert_memory_equal(via.data + 7, direct.data, direct.len);
    }
#undef NEXT
    int used = 0;
    for (int i = 0; i < SCAN_CAT_MEMO_SLOTS; i++)
        used += memo.slot[i].key_len > 0;
    assert_true(used >= SCAN_CAT_MEMO_SLOTS / 2);
    ccsig_buf_free(&direct);
    ccsig_buf_free(&via);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dechunk),
        cmocka_unit_test(test_body_decode_chunked_gzip),
        cmocka_unit_test(test_session_runs_once),
        cmocka_unit_test(test_session_unreadable_archive),
        cmocka_unit_test(test_session_write_failure),
        cmocka_unit_test(test_session_sink_fd),
        cmocka_unit_test(test_session_stream_damage),
        cmocka_unit_test(test_session_bad_codec),
        cmocka_unit_test(test_session_status_filter),
        cmocka_unit_test(test_outputs_read_back),
        cmocka_unit_test(test_categories_memo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
