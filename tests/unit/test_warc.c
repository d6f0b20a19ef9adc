/*
 * test_warc.c — the WARC reader and writer: header grammar, every codec and
 * member layout, offsets and byte-exact raw members, reading in tiny pieces,
 * each kind of damage, the hold limit, sync and stop for chunked reading.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zdict.h>
#include <zstd.h>

#include "ccsig/buf.h"
#include "ccsig/warc.h"

/* ------------------------------------------------------------- helpers -- */

static ccsig_warc_reader *rd;

/* A record: version line, fields, block, CRLF CRLF. */
static void add_record(ccsig_buf *b, const char *type, const char *uri, const char *block,
                       size_t block_len) {
    ccsig_buf_printf(b,
                     "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%zu>\r\n"
                     "WARC-Target-URI: %s\r\nContent-Length: %zu\r\n\r\n",
                     type, b->len, uri, block_len);
    ccsig_buf_append(b, block, block_len);
    ccsig_buf_puts(b, "\r\n\r\n");
}

/* n records, each its own string, with blocks of varying size. */
static void records(ccsig_buf *out, size_t *starts, int n, size_t big) {
    for (int i = 0; i < n; i++) {
        char uri[64], *block;
        size_t len = i == 2 && big ? big : 40 + (size_t)i * 13;
        block = malloc(len + 1);
        for (size_t k = 0; k < len; k++)
            block[k] = (char)('a' + (k * 7 + (size_t)i) % 26);
        memcpy(block, "HTTP/1.1 200 OK\r\n\r\n", len >= 19 ? 19 : len);
        snprintf(uri, sizeof uri, "https://example.org/%d", i);
        if (starts)
            starts[i] = out->len;
        add_record(out, i % 2 ? "request" : "response", uri, block, len);
        free(block);
    }
}

typedef struct item {
    int kind; /* 0 record, 1 damage */
    ccsig_warc_type type;
    uint64_t offset, raw_length;
    size_t block_len;
    bool complete, lost;
    char uri[64];
} item;

typedef struct result {
    item v[256];
    int n, records, damages;
    uint64_t end, consumed, produced;
} result;

typedef struct pieces {
    const uint8_t *p;
    size_t n, pos, step;
} pieces;

static ssize_t piece_read(void *ctx, void *buf, size_t n) {
    pieces *s = ctx;
    size_t take = s->n - s->pos;
    if (take > s->step)
        take = s->step;
    if (take > n)
        take = n;
    memcpy(buf, s->p + s->pos, take);
    s->pos += take;
    return (ssize_t)take;
}

/* Read everything; step 0: from memory, else through a callback that gives
 * at most `step` bytes per call. Checks raw bytes against the input. */
static void read_all(const void *data, size_t n, size_t step, result *r) {
    memset(r, 0, sizeof *r);
    pieces s = {data, n, 0, step};
    if (step)
        ccsig_warc_reader_open(rd, piece_read, &s, 0, CCSIG_WARC_AUTO);
    else
        ccsig_warc_reader_open_memory(rd, data, n, 0, CCSIG_WARC_AUTO);
    ccsig_warc_record rec;
    ccsig_warc_damage d;
    int guard = 0;
    for (;;) {
        assert_true(++guard < 10000);
        ccsig_warc_next x = ccsig_warc_reader_next(rd, &rec, &d);
        if (x == CCSIG_WARC_END)
            break;
        assert_int_not_equal(x, CCSIG_WARC_FAILED);
        item *it = &r->v[r->n++];
        if (x == CCSIG_WARC_DAMAGE) {
            it->kind = 1;
            it->offset = d.offset;
            it->lost = d.record_lost;
            it->type = d.type;
            r->damages++;
            assert_true(strlen(d.what) > 0);
            continue;
        }
        r->records++;
        it->type = rec.h.type;
        it->offset = rec.offset;
        it->raw_length = rec.raw_length;
        it->block_len = rec.block_len;
        it->complete = rec.block_complete;
        snprintf(it->uri, sizeof it->uri, "%.*s", (int)rec.h.target_uri.len,
                 rec.h.target_uri.p ? rec.h.target_uri.p : "");
        if (rec.raw) {
            assert_true(rec.offset + rec.raw_length <= n);
            assert_memory_equal(rec.raw, (const uint8_t *)data + rec.offset,
                                (size_t)rec.raw_length);
        }
    }
    r->end = ccsig_warc_reader_position(rd);
    r->consumed = ccsig_warc_reader_consumed(rd);
    r->produced = ccsig_warc_reader_produced(rd);
}

static void same(const result *a, const result *b) {
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->end, b->end);
    assert_int_equal(a->consumed, b->consumed);
    assert_int_equal(a->produced, b->produced);
    for (int i = 0; i < a->n; i++) {
        assert_int_equal(a->v[i].kind, b->v[i].kind);
        assert_int_equal(a->v[i].offset, b->v[i].offset);
        assert_int_equal(a->v[i].raw_length, b->v[i].raw_length);
        assert_int_equal(a->v[i].block_len, b->v[i].block_len);
        assert_string_equal(a->v[i].uri, b->v[i].uri);
    }
}

/* The same result whether read from memory or in pieces of 1, 7 and 4096. */
static void read_checked(const void *data, size_t n, result *r) {
    read_all(data, n, 0, r);
    static const size_t steps[] = {1, 7, 4096};
    for (size_t i = 0; i < 3; i++) {
        result other;
        read_all(data, n, steps[i], &other);
        same(r, &other);
    }
}

static void gzip_members(ccsig_buf *out, const ccsig_buf *in, const size_t *cuts, int ncuts,
                         uint64_t *member_off) {
    ccsig_warc_writer *w = ccsig_warc_writer_new(CCSIG_WARC_GZIP, 1);
    ccsig_error err;
    size_t prev = 0;
    for (int i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : in->len;
        if (member_off)
            member_off[i] = out->len;
        assert_int_equal(ccsig_warc_writer_member(w, out, in->data + prev, end - prev, &err), 0);
        prev = end;
    }
    ccsig_warc_writer_free(w);
}

/* -------------------------------------------------------------- header -- */

static void test_header_parse(void **state) {
    (void)state;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_warc_header h;
    ccsig_error err;
    const char *s = "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: <http://x.org/a b>\r\n"
                    "WARC-Concurrent-To: <urn:1>\r\nWARC-Concurrent-To: <urn:2>\r\n"
                    "X-Folded: one\r\n  two\r\nno colon here\r\nContent-Length:  12 \r\n\r\n";
    size_t hl = ccsig_warc_header_end(s, strlen(s));
    assert_int_equal(hl, strlen(s));
    assert_int_equal(ccsig_warc_header_parse(&a, s, hl, &h, &err), CCSIG_OK);
    assert_int_equal(h.type, CCSIG_WARC_RESPONSE);
    assert_int_equal(h.content_length, 12);
    assert_true(ccsig_str_eq(h.target_uri, "http://x.org/a b"));
    size_t it = 0;
    ccsig_str v;
    assert_true(ccsig_warc_header_next(&h, "warc-concurrent-to", &it, &v));
    assert_true(ccsig_str_eq(v, "<urn:1>"));
    assert_true(ccsig_warc_header_next(&h, "WARC-Concurrent-To", &it, &v));
    assert_true(ccsig_str_eq(v, "<urn:2>"));
    assert_false(ccsig_warc_header_next(&h, "WARC-Concurrent-To", &it, &v));
    it = 0;
    assert_true(ccsig_warc_header_next(&h, "X-Folded", &it, &v));
    assert_true(ccsig_str_eq(v, "one two"));

    /* ClueWeb09: WARC/0.18, an unknown type */
    s = "WARC/0.18\nWARC-Type: odd\nContent-Length: 0\n\n";
    hl = ccsig_warc_header_end(s, strlen(s));
    assert_int_equal(hl, strlen(s));
    assert_int_equal(ccsig_warc_header_parse(&a, s, hl, &h, &err), CCSIG_OK);
    assert_int_equal(h.type, CCSIG_WARC_OTHER);
    assert_true(ccsig_str_eq(h.type_name, "odd"));

    /* Every type by its name, in any case; a name one letter short or long
     * is another type. */
    for (int t = 1; t < CCSIG_WARC_TYPE_COUNT; t++) {
        const char *name = ccsig_warc_type_name((ccsig_warc_type)t);
        char up[32], text[160];
        size_t n = strlen(name);
        for (size_t i = 0; i <= n; i++)
            up[i] = (char)(i % 2 ? toupper((unsigned char)name[i]) : name[i]);
        const char *forms[] = {name, up};
        for (size_t f = 0; f < 2; f++) {
            snprintf(text, sizeof text, "WARC/1.0\r\nWARC-Type: %s\r\nContent-Length: 0\r\n\r\n",
                     forms[f]);
            assert_int_equal(ccsig_warc_header_parse(&a, text, strlen(text), &h, &err), CCSIG_OK);
            assert_int_equal(h.type, t);
            assert_int_equal(h.type_name.len, n);
        }
        snprintf(text, sizeof text, "WARC/1.0\r\nWARC-Type: %.*s\r\nContent-Length: 0\r\n\r\n",
                 (int)n - 1, name);
        assert_int_equal(ccsig_warc_header_parse(&a, text, strlen(text), &h, &err), CCSIG_OK);
        assert_int_equal(h.type, CCSIG_WARC_OTHER);
        snprintf(text, sizeof text, "WARC/1.0\r\nWARC-Type: %ss\r\nContent-Length: 0\r\n\r\n",
                 name);
        assert_int_equal(ccsig_warc_header_parse(&a, text, strlen(text), &h, &err), CCSIG_OK);
        assert_int_equal(h.type, CCSIG_WARC_OTHER);
    }

    const char *bad[] = {
        "WARC/x.1\r\nContent-Length: 1\r\n\r\n",
        "HTTP/1.1 200\r\nContent-Length: 1\r\n\r\n",
        "WARC/1.0\r\nWARC-Type: response\r\n\r\n",
        "WARC/1.0\r\nContent-Length: 12x\r\n\r\n",
        "WARC/1.0\r\nContent-Length: 99999999999999999999\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ccsig_warc_header_parse(&a, bad[i], strlen(bad[i]), &h, &err),
                         CCSIG_ERR_SYNTAX);
    assert_int_equal(ccsig_warc_header_end("WARC/1.0\r\nA: b\r\n", 16), 0);
    assert_int_equal(ccsig_warc_header_end("WARC/1.0\nA: b\n\r", 15), 0);
    assert_int_equal(ccsig_warc_header_end("WARC/1.0\nA: b\n\r\n", 16), 16);
    ccsig_arena_free(&a);
}

static void test_names(void **state) {
    (void)state;
    assert_string_equal(ccsig_warc_type_name(CCSIG_WARC_REVISIT), "revisit");
    assert_string_equal(ccsig_warc_type_name((ccsig_warc_type)99), "other");
    assert_string_equal(ccsig_warc_codec_name(CCSIG_WARC_ZSTD), "zstd");
    assert_int_equal(ccsig_warc_sniff("\x1f\x8b", 2), CCSIG_WARC_GZIP);
    assert_int_equal(ccsig_warc_sniff("\x28\xb5\x2f\xfd", 4), CCSIG_WARC_ZSTD);
    assert_int_equal(ccsig_warc_sniff("\x5d\x2a\x4d\x18", 4), CCSIG_WARC_ZSTD);
    assert_int_equal(ccsig_warc_sniff("WARC", 4), CCSIG_WARC_PLAIN);
    assert_int_equal(ccsig_warc_codec_for("out.jsonl.gz"), CCSIG_WARC_GZIP);
    assert_int_equal(ccsig_warc_codec_for("kept.warc.zst"), CCSIG_WARC_ZSTD);
    assert_int_equal(ccsig_warc_codec_for("kept.warc"), CCSIG_WARC_PLAIN);
    assert_int_equal(ccsig_warc_codec_for("gz"), CCSIG_WARC_PLAIN);
    assert_int_equal(ccsig_warc_codec_for("-"), CCSIG_WARC_PLAIN);
    assert_int_equal(ccsig_warc_codec_for(NULL), CCSIG_WARC_PLAIN);
}

/* --------------------------------------------------------------- plain -- */

static void test_plain(void **state) {
    (void)state;
    ccsig_buf b = CCSIG_BUF_INIT;
    size_t starts[6];
    records(&b, starts, 6, 0);
    result r;
    read_checked(b.data, b.len, &r);
    assert_int_equal(r.records, 6);
    assert_int_equal(r.damages, 0);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(r.v[i].offset, starts[i]);
        assert_int_equal(r.v[i].raw_length, (i < 5 ? starts[i + 1] : b.len) - starts[i]);
        assert_true(r.v[i].complete);
    }
    assert_string_equal(r.v[3].uri, "https://example.org/3");
    assert_int_equal(r.end, b.len);
    ccsig_buf_free(&b);
}

static void test_empty_and_blank(void **state) {
    (void)state;
    result r;
    read_checked("", 0, &r);
    assert_int_equal(r.n, 0);
    read_checked("\r\n\r\n\n", 5, &r);
    assert_int_equal(r.n, 0);
}

/* ---------------------------------------------------------------- gzip -- */

/* Eight records in plain, one gzip member each in gz at off[]. */
static void eight_members(ccsig_buf *plain, ccsig_buf *gz, uint64_t off[8]) {
    size_t starts[8];
    records(plain, starts, 8, 0);
    gzip_members(gz, plain, starts + 1, 7, off);
}

static void test_gzip_per_record(void **state) {
    (void)state;
    ccsig_buf plain = CCSIG_BUF_INIT, gz = CCSIG_BUF_INIT;
    uint64_t off[8];
    eight_members(&plain, &gz, off);
    result r;
    read_checked(gz.data, gz.len, &r);
    assert_int_equal(r.records, 8);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(r.v[i].offset, off[i]);
        assert_int_equal(r.v[i].raw_length, (i < 7 ? off[i + 1] : gz.len) - off[i]);
    }
    ccsig_buf_free(&plain);
    ccsig_buf_free(&gz);
}

static void test_gzip_whole_and_misaligned(void **state) {
    (void)state;
    ccsig_buf plain = CCSIG_BUF_INIT, gz = CCSIG_BUF_INIT;
    records(&plain, NULL, 8, 0);
    gzip_members(&gz, &plain, NULL, 0, NULL);
    result r;
    read_checked(gz.data, gz.len, &r);
    assert_int_equal(r.records, 8);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(r.v[i].offset, 0);
        assert_int_equal(r.v[i].raw_length, 0);
    }
    /* members every 37 bytes: records start and end anywhere */
    ccsig_buf_clear(&gz);
    size_t cuts[200];
    int nc = 0;
    for (size_t c = 37; c < plain.len && nc < 200; c += 37)
        cuts[nc++] = c;
    uint64_t off[201];
    gzip_members(&gz, &plain, cuts, nc, off);
    read_checked(gz.data, gz.len, &r);
    assert_int_equal(r.records, 8);
    assert_int_equal(r.damages, 0);
    assert_int_equal(r.v[0].offset, 0);
    for (int i = 0; i < 8; i++) {
        bool member = false;
        for (int k = 0; k <= nc; k++)
            member |= off[k] == r.v[i].offset;
        assert_true(member);
    }
    ccsig_buf_free(&plain);
    ccsig_buf_free(&gz);
}

/* ---------------------------------------------------------------- zstd -- */

static void zstd_frames(ccsig_buf *out, const ccsig_buf *in, const size_t *starts, int n,
                        const void *dict, size_t dict_len, bool compressed_dict,
                        uint64_t *frame_off) {
    ZSTD_CCtx *c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    if (dict) {
        ccsig_buf frame = CCSIG_BUF_INIT;
        const void *payload = dict;
        size_t pn = dict_len;
        if (compressed_dict) {
            ccsig_buf_reserve(&frame, ZSTD_compressBound(dict_len));
            pn = ZSTD_compress(frame.data, ZSTD_compressBound(dict_len), dict, dict_len, 3);
            payload = frame.data;
        }
        uint8_t h[8] = {0x5d,
                        0x2a,
                        0x4d,
                        0x18,
                        (uint8_t)pn,
                        (uint8_t)(pn >> 8),
                        (uint8_t)(pn >> 16),
                        (uint8_t)(pn >> 24)};
        ccsig_buf_append(out, h, 8);
        ccsig_buf_append(out, payload, pn);
        ccsig_buf_free(&frame);
        ZSTD_CCtx_loadDictionary(c, dict, dict_len);
    }
    for (int i = 0; i < n; i++) {
        size_t end = i + 1 < n ? starts[i + 1] : in->len;
        if (i == 1) { /* an extension frame between records: ignored */
            static const uint8_t ext[12] = {0x52, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4};
            ccsig_buf_append(out, ext, sizeof ext);
        }
        frame_off[i] = out->len;
        size_t bound = ZSTD_compressBound(end - starts[i]);
        ccsig_buf_reserve(out, bound);
        size_t got =
            ZSTD_compress2(c, out->data + out->len, bound, in->data + starts[i], end - starts[i]);
        assert_false(ZSTD_isError(got));
        out->len += got;
    }
    ZSTD_freeCCtx(c);
}

static size_t train_dict(uint8_t *dict, size_t cap) {
    ccsig_buf samples = CCSIG_BUF_INIT;
    size_t sizes[300];
    for (int i = 0; i < 300; i++) {
        size_t before = samples.len;
        records(&samples, NULL, 1 + i % 3, 0);
        sizes[i] = samples.len - before;
    }
    size_t n = ZDICT_trainFromBuffer(dict, cap, samples.data, sizes, 300);
    ccsig_buf_free(&samples);
    assert_false(ZDICT_isError(n));
    return n;
}

static void test_zstd(void **state) {
    (void)state;
    ccsig_buf plain = CCSIG_BUF_INIT;
    size_t starts[8];
    records(&plain, starts, 8, 0);
    uint8_t dict[8192];
    size_t dn = train_dict(dict, sizeof dict);
    for (int mode = 0; mode < 3; mode++) {
        ccsig_buf z = CCSIG_BUF_INIT;
        uint64_t off[8];
        zstd_frames(&z, &plain, starts, 8, mode ? dict : NULL, mode ? dn : 0, mode == 2, off);
        result r;
        read_checked(z.data, z.len, &r);
        assert_int_equal(r.records, 8);
        assert_int_equal(r.damages, 0);
        for (int i = 0; i < 8; i++) {
            assert_int_equal(r.v[i].offset, off[i]);
            assert_int_equal(r.v[i].raw_length,
                             (i < 7 ? off[i + 1] : z.len) - off[i] - (i == 0 ? 12 : 0));
        }
        if (mode) {
            /* a part of the file: the dictionary must be given */
            const void *d;
            size_t fl, dl;
            assert_true(ccsig_warc_zstd_dictionary_frame(z.data, z.len, &fl, &d, &dl));
            ccsig_warc_reader_open_memory(rd, z.data + off[3], z.len - off[3], off[3],
                                          CCSIG_WARC_ZSTD);
            ccsig_error err;
            assert_int_equal(ccsig_warc_reader_set_dictionary(rd, d, dl, &err), CCSIG_OK);
            ccsig_warc_record rec;
            ccsig_warc_damage dmg;
            assert_int_equal(ccsig_warc_reader_next(rd, &rec, &dmg), CCSIG_WARC_RECORD);
            assert_int_equal(rec.offset, off[3]);
        }
        ccsig_buf_free(&z);
    }
    ccsig_error err;
    assert_int_not_equal(ccsig_warc_reader_set_dictionary(rd, "not a dictionary", 16, &err),
                         CCSIG_OK);
    ccsig_buf_free(&plain);
}

/* -------------------------------------------------------------- damage -- */

static void test_damage_plain(void **state) {
    (void)state;
    ccsig_buf b = CCSIG_BUF_INIT;
    size_t starts[4];
    records(&b, starts, 4, 0);
    /* garbage between records 1 and 2, running into record 2 without a line end */
    ccsig_buf g = CCSIG_BUF_INIT;
    ccsig_buf_append(&g, b.data, starts[2]);
    ccsig_buf_puts(&g, "garbage garbage");
    ccsig_buf_append(&g, b.data + starts[2], b.len - starts[2]);
    result r;
    read_checked(g.data, g.len, &r);
    assert_int_equal(r.records, 4);
    assert_int_equal(r.damages, 1);
    assert_int_equal(r.v[2].kind, 1);
    assert_int_equal(r.v[2].offset, starts[2]);
    assert_false(r.v[2].lost);

    /* Content-Length one byte short: the record is lost, the next one read */
    ccsig_buf c = CCSIG_BUF_INIT;
    ccsig_buf_puts(&c, "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 9\r\n\r\n0123456789"
                       "\r\n\r\n");
    size_t second = c.len;
    records(&c, NULL, 2, 0);
    read_checked(c.data, c.len, &r);
    assert_int_equal(r.records, 2);
    assert_int_equal(r.v[0].kind, 1);
    assert_true(r.v[0].lost);
    assert_int_equal(r.v[0].type, CCSIG_WARC_RESPONSE);
    assert_int_equal(r.v[1].offset, second);

    /* Content-Length too large: the block eats the next record, which is
     * found again from the block start */
    ccsig_buf_clear(&c);
    ccsig_buf_puts(&c, "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 60\r\n\r\n0123456789"
                       "\r\n\r\n");
    second = c.len;
    records(&c, NULL, 3, 0);
    read_checked(c.data, c.len, &r);
    assert_int_equal(r.v[0].kind, 1);
    assert_true(r.v[0].lost);
    assert_int_equal(r.v[1].offset, second);
    assert_int_equal(r.records, 3);

    /* cut at the end, in the block and in the header */
    read_checked(b.data, b.len - 30, &r);
    assert_int_equal(r.records, 3);
    assert_int_equal(r.damages, 1);
    assert_true(r.v[3].lost);
    read_checked(b.data, starts[3] + 20, &r);
    assert_int_equal(r.records, 3);
    assert_true(r.v[3].lost);

    /* nothing but garbage */
    read_checked("this is not a WARC file\n", 24, &r);
    assert_int_equal(r.records, 0);
    assert_int_equal(r.damages, 1);
    ccsig_buf_free(&b);
    ccsig_buf_free(&g);
    ccsig_buf_free(&c);
}

static void test_damage_gzip(void **state) {
    (void)state;
    ccsig_buf plain = CCSIG_BUF_INIT, gz = CCSIG_BUF_INIT;
    size_t starts[6];
    records(&plain, starts, 6, 0);
    uint64_t off[6];
    gzip_members(&gz, &plain, starts + 1, 5, off);
    result r;

    /* garbage between members */
    ccsig_buf g = CCSIG_BUF_INIT;
    ccsig_buf_append(&g, gz.data, off[3]);
    ccsig_buf_puts(&g, "\x1f junk \x1f\x8b\x08 more junk");
    size_t shift = g.len - off[3];
    ccsig_buf_append(&g, gz.data + off[3], gz.len - off[3]);
    read_checked(g.data, g.len, &r);
    assert_int_equal(r.records, 6);
    assert_int_equal(r.damages, 1);
    assert_int_equal(r.v[3].offset, off[3]);
    assert_false(r.v[3].lost);
    assert_int_equal(r.v[4].offset, off[3] + shift);

    /* trailing garbage */
    ccsig_buf_clear(&g);
    ccsig_buf_append(&g, gz.data, gz.len);
    ccsig_buf_puts(&g, "GARBAGE_DATA_THAT_SHOULDNT_BE_HERE");
    read_checked(g.data, g.len, &r);
    assert_int_equal(r.records, 6);
    assert_int_equal(r.damages, 1);
    assert_int_equal(r.v[6].offset, gz.len);

    /* a CRC mismatch: that record is lost, the others read */
    ccsig_buf_clear(&g);
    ccsig_buf_append(&g, gz.data, gz.len);
    g.data[off[3] - 6] ^= 0x40;
    read_checked(g.data, g.len, &r);
    assert_int_equal(r.records, 5);
    assert_int_equal(r.damages, 1);
    assert_true(r.v[2].lost);
    assert_int_equal(r.v[2].offset, off[2]);

    /* a member cut at the end of the input */
    read_checked(gz.data, gz.len - 10, &r);
    assert_int_equal(r.records, 5);
    assert_int_equal(r.damages, 1);

    /* deflate data broken in the middle of a member */
    ccsig_buf_clear(&g);
    ccsig_buf_append(&g, gz.data, gz.len);
    memset(g.data + off[1] + 12, 0xff, 8);
    read_checked(g.data, g.len, &r);
    assert_int_equal(r.damages, 1);
    assert_int_equal(r.records, 5);
    ccsig_buf_free(&plain);
    ccsig_buf_free(&gz);
    ccsig_buf_free(&g);
}

/* Many small members, as a crawl of small pages has them: the reader decodes
 * the members after the one it needs ahead of the records (up to 32 members
 * or about 64 KiB, reading on up to 64 KiB of input for them), which must
 * change nothing it gives out: records, offsets, raw members, positions and
 * byte counts as built here. Read from memory and in pieces of 1, 7, 4096
 * and 65549 bytes (each piece boundary a place where a member is cut in the
 * input), with a stop among members decoded ahead, and with damage in a
 * member that would be decoded ahead. Also: an empty member, a member holding
 * two records, a record split over two members, a record without its trailer
 * ending a member, members larger than the read-ahead and than the input it
 * reads on for one. */
static void test_read_ahead(void **state) {
    (void)state;
    enum { N = 150 };
    ccsig_buf plain = CCSIG_BUF_INIT, gz = CCSIG_BUF_INIT;
    ccsig_warc_writer *w = ccsig_warc_writer_new(CCSIG_WARC_GZIP, 1);
    ccsig_error err;
    uint64_t off[N + 1];       /* archive offset of record i (its member's start) */
    bool aligned[N + 1] = {0}; /* record i starts a member */
    uint64_t empty = 0;        /* where the empty member is */
    uint64_t seed = 1;
    int nrec = 0;
    for (int i = 0; i < N; i++) {
        ccsig_buf one = CCSIG_BUF_INIT;
        /* every 37th record is ~200 KB (~120 KB compressed: more than the
         * 64 KiB of input read on for a member decoded ahead) */
        size_t len = i % 37 == 5 ? 200000 + (size_t)i : 40 + (size_t)(i * 131 % 4000);
        char *block = malloc(len), uri[64];
        for (size_t k = 0; k < len; k++) { /* letters that compress little */
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            block[k] = (char)('a' + (seed >> 33) % 26);
        }
        snprintf(uri, sizeof uri, "https://example.org/%d", i);
        add_record(&one, i % 3 ? "response" : "request", uri, block, len);
        free(block);
        if (i == 40) /* no trailer: the record ends where its member does */
            one.len -= 4;
        if (i == 12) { /* an empty member before it */
            empty = gz.len;
            assert_int_equal(ccsig_warc_writer_member(w, &gz, "", 0, &err), 0);
        }
        off[nrec] = gz.len;
        aligned[nrec] = true;
        if (i == 60) { /* split inside its block */
            assert_int_equal(ccsig_warc_writer_member(w, &gz, one.data, one.len / 2, &err), 0);
            assert_int_equal(ccsig_warc_writer_member(w, &gz, one.data + one.len / 2,
                                                      one.len - one.len / 2, &err),
                             0);
        } else if (i == 80) { /* records 80 and 81 in one member */
            ccsig_buf two = CCSIG_BUF_INIT;
            ccsig_buf_append(&two, one.data, one.len);
            add_record(&two, "metadata", "https://example.org/81", "x", 1);
            assert_int_equal(ccsig_warc_writer_member(w, &gz, two.data, two.len, &err), 0);
            ccsig_buf_append(&plain, two.data, two.len);
            nrec++;
            off[nrec] = off[nrec - 1];
            aligned[nrec] = false;
            ccsig_buf_free(&two);
        } else {
            assert_int_equal(ccsig_warc_writer_member(w, &gz, one.data, one.len, &err), 0);
        }
        if (i != 80)
            ccsig_buf_append(&plain, one.data, one.len); /* what the members decode to */
        nrec++;
        ccsig_buf_free(&one);
    }
    ccsig_warc_writer_free(w);

    result r;
    read_checked(gz.data, gz.len, &r);
    assert_int_equal(r.records, nrec);
    assert_int_equal(r.damages, 0);
    for (int i = 0; i < nrec; i++) {
        assert_int_equal(r.v[i].offset, off[i]);
        assert_true(r.v[i].complete);
        /* raw members: a record alone in its members and ending with them */
        bool whole = aligned[i] && i != 40 && i != 81 && !(i + 1 < nrec && !aligned[i + 1]);
        assert_int_equal(r.v[i].raw_length != 0, whole);
        if (whole)
            assert_int_equal(r.v[i].raw_length, (i == 11        ? empty
                                                 : i + 1 < nrec ? off[i + 1]
                                                                : gz.len) -
                                                    off[i]);
    }
    assert_int_equal(r.end, gz.len);
    assert_int_equal(r.consumed, gz.len);
    assert_int_equal(r.produced, plain.len);
    result other;
    read_all(gz.data, gz.len, 65536 + 13, &other);
    same(&r, &other);

    /* a stop among members decoded ahead: the same records and position */
    for (int k = 0; k < 2; k++) {
        pieces s = {(const uint8_t *)gz.data, gz.len, 0, 5000};
        if (k)
            ccsig_warc_reader_open(rd, piece_read, &s, 0, CCSIG_WARC_GZIP);
        else
            ccsig_warc_reader_open_memory(rd, gz.data, gz.len, 0, CCSIG_WARC_GZIP);
        ccsig_warc_reader_set_stop(rd, off[77]);
        ccsig_warc_record rec;
        ccsig_warc_damage d;
        int n = 0;
        while (ccsig_warc_reader_next(rd, &rec, &d) == CCSIG_WARC_RECORD)
            assert_int_equal(rec.offset, off[n++]);
        assert_int_equal(n, 77);
        assert_int_equal(ccsig_warc_reader_position(rd), off[77]);
    }

    /* damage in members the reader would decode ahead: a CRC mismatch in
     * record 30's member and in the large record 42's (decoded ahead as far
     * as the input goes), deflate data broken in record 33's: all lost,
     * reported at their offsets, the records around them read */
    ccsig_buf g = CCSIG_BUF_INIT;
    ccsig_buf_append(&g, gz.data, gz.len);
    g.data[off[31] - 6] ^= 0x40;
    memset(g.data + off[33] + 14, 0xff, 8);
    g.data[off[43] - 6] ^= 0x40;
    read_checked(g.data, g.len, &r);
    assert_int_equal(r.records, nrec - 3);
    assert_int_equal(r.damages, 3);
    assert_int_equal(r.v[29].offset, off[29]);
    assert_int_equal(r.v[30].kind, 1);
    assert_int_equal(r.v[30].offset, off[30]);
    assert_true(r.v[30].lost);
    assert_int_equal(r.v[31].offset, off[31]);
    assert_int_equal(r.v[32].offset, off[32]);
    assert_int_equal(r.v[33].kind, 1);
    assert_int_equal(r.v[33].offset, off[33]);
    assert_int_equal(r.v[34].kind, 0);
    assert_int_equal(r.v[34].offset, off[34]);
    assert_int_equal(r.v[41].offset, off[41]);
    assert_int_equal(r.v[42].kind, 1);
    assert_int_equal(r.v[42].offset, off[42]);
    assert_true(r.v[42].lost);
    assert_int_equal(r.v[43].kind, 0);
    assert_int_equal(r.v[43].offset, off[43]);
    ccsig_buf_free(&g);
    ccsig_buf_free(&plain);
    ccsig_buf_free(&gz);
}

/* Random bytes, truncations and bit flips: every read ends, no crash. */
static void test_never_hangs(void **state) {
    (void)state;
    ccsig_buf plain = CCSIG_BUF_INIT, gz = CCSIG_BUF_INIT;
    size_t starts[6];
    records(&plain, starts, 6, 0);
    gzip_members(&gz, &plain, starts + 1, 5, NULL);
    uint64_t seed = 42;
    for (int round = 0; round < 300; round++) {
        const ccsig_buf *src = round % 2 ? &gz : &plain;
        ccsig_buf m = CCSIG_BUF_INIT;
        ccsig_buf_append(&m, src->data, src->len);
        for (int k = 0; k < 1 + round % 5; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            m.data[(seed >> 33) % m.len] ^= (char)(1u << ((seed >> 20) % 8));
        }
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t cut = (seed >> 33) % (m.len + 1);
        result r;
        read_all(m.data, cut, round % 3 ? 0 : 5, &r);
        ccsig_buf_free(&m);
    }
    ccsig_buf_free(&plain);
    ccsig_buf_free(&gz);
}

/* Megabytes without a 'W' after a record (a zero-filled tail, lowercase
 * text, a huge header line): the resync search advances through them, in
 * every codec and with a small hold, and finds the record that follows. */
static void test_no_w_run(void **state) {
    (void)state;
    ccsig_warc_options o = {65536};
    ccsig_warc_reader *small = ccsig_warc_reader_new(&o);
    const size_t run = 5000000;
    for (int fill = 0; fill < 3; fill++) {
        ccsig_buf plain = CCSIG_BUF_INIT;
        records(&plain, NULL, 2, 0);
        if (fill == 2)
            ccsig_buf_puts(&plain, "WARC/1.1\r\nWARC-Target-URI: http://x/");
        assert_true(ccsig_buf_reserve(&plain, run + 1));
        memset(plain.data + plain.len, fill == 0 ? 0 : 'a', run);
        plain.len += run;
        ccsig_buf_puts(&plain, "\r\n");
        size_t second = plain.len;
        records(&plain, NULL, 2, 0);
        for (int codec = 0; codec < 3; codec++) {
            ccsig_buf z = CCSIG_BUF_INIT;
            const ccsig_buf *in = &plain;
            if (codec) {
                ccsig_warc_writer *w =
                    ccsig_warc_writer_new(codec == 1 ? CCSIG_WARC_GZIP : CCSIG_WARC_ZSTD, 1);
                ccsig_error err;
                assert_int_equal(ccsig_warc_writer_member(w, &z, plain.data, plain.len, &err), 0);
                ccsig_warc_writer_free(w);
                in = &z;
            }
            for (int k = 0; k < 2; k++) {
                ccsig_warc_reader *r = k ? small : rd;
                ccsig_warc_reader_open_memory(r, in->data, in->len, 0, CCSIG_WARC_AUTO);
                ccsig_warc_record rec;
                ccsig_warc_damage d;
                int records_read = 0, damages = 0, guard = 0;
                ccsig_warc_next x;
                while ((x = ccsig_warc_reader_next(r, &rec, &d)) != CCSIG_WARC_END) {
                    assert_true(++guard < 100);
                    assert_int_not_equal(x, CCSIG_WARC_FAILED);
                    if (x == CCSIG_WARC_RECORD) {
                        if (records_read == 2 && codec == 0)
                            assert_int_equal(rec.offset, second);
                        records_read++;
                    } else {
                        damages++;
                    }
                }
                assert_int_equal(records_read, 4);
                assert_true(damages >= 1);
            }
            ccsig_buf_free(&z);
        }
        ccsig_buf_free(&plain);
    }
    ccsig_warc_reader_free(small);
}

/* Issue 18: a wrong Content-Length does not lose the records its block
 * swallows (any layout), a cut member does not lose the next one, garbage
 * before the first member keeps its codec, a Content-Length a few bytes too
 * large is reported, an unsupported codec is named. */
static void test_damage_recovery(void **state) {
    (void)state;
    ccsig_buf plain = CCSIG_BUF_INIT, gz = CCSIG_BUF_INIT, g = CCSIG_BUF_INIT;
    size_t starts[6];
    records(&plain, starts, 6, 0);
    result r;

    /* Content-Length absurd, then larger than the hold (streamed): records
     * after it are read, plain and one gzip member per record */
    static const char *const lengths[] = {"999999999999999", "5000000"};
    for (int k = 0; k < 2; k++) {
        ccsig_buf_clear(&g);
        ccsig_buf_append(&g, plain.data, starts[1]);
        ccsig_buf_printf(&g,
                         "WARC/1.1\r\nWARC-Type: response\r\nContent-Length: %s\r\n\r\nx\r\n\r\n",
                         lengths[k]);
        size_t cut = g.len;
        ccsig_buf_append(&g, plain.data + starts[1], plain.len - starts[1]);
        read_checked(g.data, g.len, &r);
        assert_int_equal(r.records, 6);
        assert_int_equal(r.damages, 1);
        assert_true(r.v[1].lost);
        size_t cuts[7] = {starts[1], cut};
        for (int i = 2; i < 6; i++)
            cuts[i] = starts[i] + (cut - starts[1]);
        ccsig_buf_clear(&gz);
        gzip_members(&gz, &g, cuts, 6, NULL);
        read_checked(gz.data, gz.len, &r);
        assert_int_equal(r.records, 6);
        assert_int_equal(r.damages, 1);
    }

    /* a member cut short: the next, intact one is read */
    uint64_t off[6];
    ccsig_buf_clear(&gz);
    gzip_members(&gz, &plain, starts + 1, 5, off);
    ccsig_buf_clear(&g);
    ccsig_buf_append(&g, gz.data, off[2] + (off[3] - off[2]) / 2);
    ccsig_buf_append(&g, gz.data + off[3], gz.len - off[3]);
    read_checked(g.data, g.len, &r);
    assert_int_equal(r.records, 5);
    assert_int_equal(r.damages, 1);
    assert_true(r.v[2].lost);

    /* reserved FLG bits (RFC 1952): that member is reported, the others read */
    ccsig_buf_clear(&g);
    ccsig_buf_append(&g, gz.data, gz.len);
    g.data[off[4] + 3] |= 0x40;
    read_checked(g.data, g.len, &r);
    assert_int_equal(r.records, 5);
    assert_int_equal(r.damages, 1);
    assert_int_equal(r.v[4].offset, off[4]);

    /* 8 stray bytes before the first member: still gzip, every record read */
    ccsig_buf_clear(&g);
    ccsig_buf_append(&g, "\0garbage", 8);
    ccsig_buf_append(&g, gz.data, gz.len);
    read_checked(g.data, g.len, &r);
    assert_int_equal(r.records, 6);
    assert_int_equal(r.damages, 1);
    assert_int_equal(r.v[0].offset, 0);
    uint64_t first = 99;
    assert_int_equal(ccsig_warc_detect(g.data, g.len, &first), CCSIG_WARC_GZIP);
    assert_int_equal(first, 8);

    /* Content-Length 2 bytes too large: reported, then the record is read */
    ccsig_buf_clear(&g);
    ccsig_buf_puts(&g, "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 18\r\n\r\n"
                       "HTTP/1.1 200\r\n\r\n\r\n\r\n");
    records(&g, NULL, 2, 0);
    read_checked(g.data, g.len, &r);
    assert_int_equal(r.damages, 1);
    assert_int_equal(r.records, 3);
    assert_int_equal(r.v[0].kind, 1);
    assert_false(r.v[0].lost);
    assert_int_equal(r.v[1].kind, 0);

    /* compressions ccsig does not read */
    static const char *const magic[] = {"\xfd"
                                        "7zXZ\0\0",
                                        "BZh91AY&", "\x04\x22\x4d\x18\x60\x70\x73\x01"};
    static const char *const names[] = {"xz", "bzip2", "LZ4"};
    for (int k = 0; k < 3; k++) {
        ccsig_buf_clear(&g);
        ccsig_buf_append(&g, magic[k], 8);
        ccsig_buf_append(&g, plain.data, plain.len);
        assert_string_equal(ccsig_warc_unsupported(g.data, g.len), names[k]);
        read_checked(g.data, g.len, &r);
        assert_int_equal(r.records, 0);
        assert_int_equal(r.damages, 1);
    }
    assert_null(ccsig_warc_unsupported(plain.data, plain.len));
    ccsig_buf_free(&plain);
    ccsig_buf_free(&gz);
    ccsig_buf_free(&g);
}

/* ARC v1 files (plain and one gzip member per record): the filedesc://
 * header record, then URL IP-address date content-type length lines; the
 * responses come out as WARC responses; a wrong length loses one record. */
static void test_arc(void **state) {
    (void)state;
    static const char *const body[] = {
        "1 0 test\nURL IP-address Archive-date Content-type Archive-length\n",
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>one</p>",
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>second page</p>",
        "HTTP/1.1 404 Not Found\r\n\r\n"};
    static const char *const url[] = {"filedesc://test.arc", "http://example.org/1",
                                      "https://example.org/2", "http://example.org/3"};
    for (int bad = 0; bad < 2; bad++) {
        ccsig_buf plain = CCSIG_BUF_INIT, gz = CCSIG_BUF_INIT;
        size_t cuts[4];
        for (int k = 0; k < 4; k++) {
            if (k)
                cuts[k - 1] = plain.len;
            size_t len = strlen(body[k]) + (bad && k == 2 ? 500 : 0);
            ccsig_buf_printf(&plain, "%s 192.0.2.1 2024010112000%d %s %zu\n%s\n", url[k], k,
                             k ? "text/html" : "text/plain", len, body[k]);
        }
        gzip_members(&gz, &plain, cuts, 3, NULL);
        const ccsig_buf *in[2] = {&plain, &gz};
        for (int f = 0; f < 2; f++) {
            result r;
            read_checked(in[f]->data, in[f]->len, &r);
            assert_int_equal(r.records, bad ? 3 : 4);
            assert_int_equal(r.damages, bad ? 1 : 0);
            assert_int_equal(r.v[0].type, CCSIG_WARC_WARCINFO);
            assert_int_equal(r.v[1].type, CCSIG_WARC_RESPONSE);
            assert_string_equal(r.v[1].uri, "http://example.org/1");
            assert_int_equal(r.v[1].block_len, strlen(body[1]));
            assert_string_equal(r.v[3].uri, "http://example.org/3");
            if (!bad)
                assert_int_equal(r.v[2].offset, f ? r.v[2].offset : cuts[1]);
        }
        ccsig_buf_free(&plain);
        ccsig_buf_free(&gz);
    }
}

/* ---------------------------------------------------------------- hold -- */

static void test_hold_limit(void **state) {
    (void)state;
    ccsig_warc_options o = {4096};
    ccsig_warc_reader *small = ccsig_warc_reader_new(&o);
    ccsig_buf plain = CCSIG_BUF_INIT, gz = CCSIG_BUF_INIT;
    size_t starts[5];
    records(&plain, starts, 5, 300000);
    gzip_members(&gz, &plain, starts + 1, 4, NULL);
    const ccsig_buf *inputs[2] = {&plain, &gz};
    for (int k = 0; k < 2; k++) {
        ccsig_warc_reader_open_memory(small, inputs[k]->data, inputs[k]->len, 0, CCSIG_WARC_AUTO);
        ccsig_warc_record rec;
        ccsig_warc_damage d;
        int n = 0;
        while (ccsig_warc_reader_next(small, &rec, &d) == CCSIG_WARC_RECORD) {
            if (n == 2) {
                assert_int_equal(rec.h.content_length, 300000);
                assert_int_equal(rec.block_len, 4096);
                assert_false(rec.block_complete);
                assert_memory_equal(rec.block, "HTTP/1.1 200 OK", 15);
                if (k == 0)
                    assert_int_equal(rec.raw_length, starts[3] - starts[2]);
            } else {
                assert_true(rec.block_complete);
            }
            n++;
        }
        assert_int_equal(n, 5);
    }
    ccsig_warc_reader_free(small);
    ccsig_buf_free(&plain);
    ccsig_buf_free(&gz);
}

/* ----------------------------------------------------------- sync, stop -- */

static void test_sync_and_stop(void **state) {
    (void)state;
    ccsig_buf plain = CCSIG_BUF_INIT, gz = CCSIG_BUF_INIT;
    size_t starts[20];
    records(&plain, starts, 20, 0);
    uint64_t off[20];
    gzip_members(&gz, &plain, starts + 1, 19, off);
    uint64_t found;
    /* gzip: from inside member 4, the next member is 5 */
    ccsig_warc_reader_open_memory(rd, gz.data + off[4] + 3, gz.len - off[4] - 3, off[4] + 3,
                                  CCSIG_WARC_GZIP);
    assert_true(ccsig_warc_reader_sync(rd, off[4] + 3, UINT64_MAX, &found));
    assert_int_equal(found, off[5]);
    ccsig_warc_reader_set_stop(rd, off[9]);
    ccsig_warc_record rec;
    ccsig_warc_damage d;
    int n = 0;
    while (ccsig_warc_reader_next(rd, &rec, &d) == CCSIG_WARC_RECORD)
        assert_int_equal(rec.offset, off[5 + n++]);
    assert_int_equal(n, 4);
    assert_int_equal(ccsig_warc_reader_position(rd), off[9]);
    /* no boundary before the limit */
    ccsig_warc_reader_open_memory(rd, gz.data + off[4] + 3, gz.len - off[4] - 3, off[4] + 3,
                                  CCSIG_WARC_GZIP);
    assert_false(ccsig_warc_reader_sync(rd, off[4] + 3, off[5], &found));

    /* plain: opened one byte before `from`, which is inside record 7 */
    size_t from = starts[7] + 5;
    ccsig_warc_reader_open_memory(rd, plain.data + from - 1, plain.len - from + 1, from - 1,
                                  CCSIG_WARC_PLAIN);
    assert_true(ccsig_warc_reader_sync(rd, from, UINT64_MAX, &found));
    assert_int_equal(found, starts[8]);
    assert_int_equal(ccsig_warc_reader_next(rd, &rec, &d), CCSIG_WARC_RECORD);
    assert_int_equal(rec.offset, starts[8]);
    /* exactly at a record start */
    ccsig_warc_reader_open_memory(rd, plain.data + starts[7] - 1, plain.len - starts[7] + 1,
                                  starts[7] - 1, CCSIG_WARC_PLAIN);
    assert_true(ccsig_warc_reader_sync(rd, starts[7], UINT64_MAX, &found));
    assert_int_equal(found, starts[7]);
    ccsig_buf_free(&plain);
    ccsig_buf_free(&gz);
}

/* -------------------------------------------------------------- writer -- */

static void test_writer(void **state) {
    (void)state;
    ccsig_buf plain = CCSIG_BUF_INIT;
    size_t starts[3];
    records(&plain, starts, 3, 0);
    const ccsig_warc_codec codecs[3] = {CCSIG_WARC_PLAIN, CCSIG_WARC_GZIP, CCSIG_WARC_ZSTD};
    for (int c = 0; c < 3; c++) {
        ccsig_warc_writer *w = ccsig_warc_writer_new(codecs[c], 0);
        assert_int_equal(ccsig_warc_writer_codec(w), codecs[c]);
        ccsig_buf out = CCSIG_BUF_INIT;
        ccsig_error err;
        for (int i = 0; i < 3; i++) {
            size_t end = i < 2 ? starts[i + 1] : plain.len;
            assert_int_equal(
                ccsig_warc_writer_member(w, &out, plain.data + starts[i], end - starts[i], &err),
                CCSIG_OK);
        }
        if (codecs[c] == CCSIG_WARC_ZSTD) {
            /* content size and checksum, as the zstd WARC convention asks */
            assert_int_not_equal(ZSTD_getFrameContentSize(out.data, out.len),
                                 ZSTD_CONTENTSIZE_UNKNOWN);
            assert_true(out.data[4] & 0x04);
        }
        result r;
        read_checked(out.data, out.len, &r);
        assert_int_equal(r.records, 3);
        ccsig_buf_free(&out);
        ccsig_warc_writer_free(w);
    }
    ccsig_buf_free(&plain);
}

/* ccsig_warc_read_at: the record an index or annotation line names, from a
 * file, per gzip member and with several records in one member. */
static void test_read_at(void **state) {
    (void)state;
    ccsig_buf plain = CCSIG_BUF_INIT, gz = CCSIG_BUF_INIT;
    uint64_t off[8];
    eight_members(&plain, &gz, off);
    char path[] = "/tmp/ccsig-test-read-at-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, gz.data, gz.len), (ssize_t)gz.len);
    close(fd);
    ccsig_warc_record rec;
    ccsig_error err;
    unsigned any = (1u << CCSIG_WARC_TYPE_COUNT) - 1;
    /* each member's record */
    for (int i = 0; i < 8; i++) {
        assert_int_equal(ccsig_warc_read_at(rd, path, off[i], any, ccsig_str_c(""), &rec, &err),
                         CCSIG_OK);
        char uri[64];
        snprintf(uri, sizeof uri, "https://example.org/%d", i);
        assert_true(ccsig_str_eq(rec.h.target_uri, uri));
        assert_int_equal(rec.offset, off[i]);
    }
    /* a type that is not there: no such record */
    assert_int_equal(ccsig_warc_read_at(rd, path, off[1], 1u << CCSIG_WARC_RESPONSE,
                                        ccsig_str_c(""), &rec, &err),
                     CCSIG_ERR_RANGE);
    assert_non_null(strstr(err.message, "no such record at offset"));
    /* an offset inside a member: nothing begins there */
    assert_int_equal(ccsig_warc_read_at(rd, path, off[3] + 5, any, ccsig_str_c(""), &rec, &err),
                     CCSIG_ERR_RANGE);
    /* one member for the whole file: every record begins at 0, the URI and
     * type pick one */
    ccsig_buf_clear(&gz);
    gzip_members(&gz, &plain, NULL, 0, NULL);
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, gz.data, gz.len), (ssize_t)gz.len);
    close(fd);
    assert_int_equal(ccsig_warc_read_at(rd, path, 0, 1u << CCSIG_WARC_REQUEST,
                                        ccsig_str_c("https://example.org/5"), &rec, &err),
                     CCSIG_OK);
    assert_true(ccsig_str_eq(rec.h.target_uri, "https://example.org/5"));
    assert_int_equal(rec.h.type, CCSIG_WARC_REQUEST);
    unlink(path);
    /* a file that is not there */
    assert_int_equal(ccsig_warc_read_at(rd, path, 0, any, ccsig_str_c(""), &rec, &err),
                     CCSIG_ERR_IO);
    assert_non_null(strstr(err.message, "cannot open"));
    ccsig_buf_free(&plain);
    ccsig_buf_free(&gz);
}

int main(void) {
    rd = ccsig_warc_reader_new(NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_parse),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_empty_and_blank),
        cmocka_unit_test(test_gzip_per_record),
        cmocka_unit_test(test_gzip_whole_and_misaligned),
        cmocka_unit_test(test_zstd),
        cmocka_unit_test(test_damage_plain),
        cmocka_unit_test(test_damage_gzip),
        cmocka_unit_test(test_read_ahead),
        cmocka_unit_test(test_never_hangs),
        cmocka_unit_test(test_no_w_run),
        cmocka_unit_test(test_damage_recovery),
        cmocka_unit_test(test_arc),
        cmocka_unit_test(test_hold_limit),
        cmocka_unit_test(test_sync_and_stop),
        cmocka_unit_test(test_writer),
        cmocka_unit_test(test_read_at),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ccsig_warc_reader_free(rd);
    return rc;
}
