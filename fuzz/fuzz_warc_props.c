/*
 * fuzz_warc_props.c — properties of the WARC reader over whole damaged
 * archives, not only absence of crashes. The input drives the building of an
 * archive from N known-good records (plain, one gzip member or zstd frame
 * per record, or one gzip member for the whole file) with damage injected
 * into some of them: a cut record, an absurd, too large or too small
 * Content-Length, a missing Content-Length, garbage or a zero run between
 * records, a flipped byte or a cut in a record's member. It is read from
 * memory and through a read function giving a few bytes at a time (with a
 * seek function), with the default and a small hold. Asserted:
 *   - progress: every read ends within a bound of calls;
 *   - no damaged record given out: every record returned is byte-identical
 *     (header and held block) to one of the originals, and none twice; a
 *     record given out before the end of its member (one member for the
 *     whole file, or a cut member whose decoder ran on into the next ones)
 *     may differ or repeat an earlier one (corrupt deflate data can copy
 *     earlier text), and then a later damage report must name it
 *     (ccsig_warc_damage.unverified);
 *   - no intact record lost: every record the damage did not touch is read
 *     back (except after a flipped byte in a one-member file: the member's
 *     check vouches for none of its records).
 * Blocks hold no 'W' and end in 'x', so a record is never found inside a
 * block and a shortened block never ends on a CRLF; a Content-Length that is
 * too large never lands exactly on a later record's end (those are
 * indistinguishable from a record holding the ones after it).
 *
 * Also built into tests/fuzz_replay (ctest fuzz.warc_props), which replays
 * fuzz/seeds/fuzz_warc_props and a few thousand generated inputs.
 */
#define _GNU_SOURCE /* memmem */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/buf.h"
#include "ccsig/warc.h"

#define MAXREC 12

static char context[1024]; /* the archive being read, for the failure message */

static void check(bool ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "fuzz_warc_props: property violated: %s\n  %s\n", what, context);
        abort();
    }
}

typedef struct input {
    const uint8_t *p;
    size_t n, i;
} input;

static unsigned take(input *s, unsigned mod) {
    unsigned v = s->i < s->n ? s->p[s->i++] : 0;
    return mod ? v % mod : v;
}

static unsigned take16(input *s, unsigned mod) {
    unsigned v = take(s, 0) | take(s, 0) << 8;
    return mod ? v % mod : v;
}

enum {
    D_NONE,
    D_CUT,
    D_CL_HUGE,
    D_CL_MORE,
    D_CL_LESS,
    D_NO_CL,
    D_GARBAGE,
    D_ZEROS,
    D_FLIP,
    D_CUT_MEMBER,
    D_KINDS
};

typedef struct orec {
    ccsig_buf orig;  /* the good record */
    ccsig_buf bytes; /* as written (damaged or not) */
    size_t orig_header;
    int damage;
    bool seen;
    unsigned delta; /* D_CL_MORE, D_CL_LESS */
} orec;

static void make_record(ccsig_buf *b, size_t *hl, int k, input *s) {
    size_t len = 1 + take16(s, 3000) * (take(s, 4) == 0 ? 3 : 1);
    char *block = malloc(len);
    for (size_t i = 0; i < len; i++) {
        unsigned c = take(s, 0);
        bool after_eol = !i || block[i - 1] == '\n' || block[i - 1] == '\r';
        block[i] = after_eol     ? (char)('a' + c % 22)
                   : c % 17 == 0 ? '\n'
                   : c % 19 == 0 ? '\r'
                                 : (char)('a' + c % 22);
    }
    block[len - 1] = 'x';
    ccsig_buf_clear(b);
    ccsig_buf_printf(b,
                     "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:rec:%d>\r\n"
                     "WARC-Target-URI: http://example.org/%d\r\nContent-Length: %zu\r\n\r\n",
                     k, k, len);
    *hl = b->len;
    ccsig_buf_append(b, block, len);
    ccsig_buf_puts(b, "\r\n\r\n");
    free(block);
}

/* The record with its Content-Length value replaced. */
static void set_cl(ccsig_buf *out, const ccsig_buf *in, const char *value) {
    const char *p = strstr(in->data, "Content-Length: ");
    const char *e = strstr(p, "\r\n");
    ccsig_buf_clear(out);
    ccsig_buf_append(out, in->data, (size_t)(p - in->data) + 16);
    ccsig_buf_puts(out, value);
    ccsig_buf_append(out, e, in->len - (size_t)(e - in->data));
}

static void gz_member(ccsig_warc_writer *w, ccsig_buf *out, const void *p, size_t n) {
    ccsig_error err;
    check(ccsig_warc_writer_member(w, out, p, n, &err) == CCSIG_OK, "writer");
}

typedef struct src {
    const uint8_t *p;
    size_t n, pos, step;
} src;

static ssize_t src_read(void *ctx, void *buf, size_t n) {
    src *s = ctx;
    size_t t = s->n - s->pos;
    if (t > s->step)
        t = s->step;
    if (t > n)
        t = n;
    memcpy(buf, s->p + s->pos, t);
    s->pos += t;
    return (ssize_t)t;
}

static int src_seek(void *ctx, uint64_t off) {
    src *s = ctx;
    if (off > s->n)
        return -1;
    s->pos = (size_t)off;
    return 0;
}

static ccsig_warc_reader *readers[2];

static void read_and_check(orec *rs, int n, const uint8_t *a, size_t an, int layout,
                           bool whole_flip, int mode) {
    ccsig_warc_reader *r = readers[mode & 1];
    src s = {a, an, 0, 1 + (size_t)(mode >> 1) * 613};
    if (mode < 2)
        ccsig_warc_reader_open_memory(r, a, an, 0, CCSIG_WARC_AUTO);
    else {
        ccsig_warc_reader_open(r, src_read, &s, 0, CCSIG_WARC_AUTO);
        ccsig_warc_reader_set_seek(r, src_seek);
    }
    size_t cl = (size_t)snprintf(context, sizeof context,
                                 "layout %d, mode %d, %zu bytes, damage:", layout, mode, an);
    for (int k = 0; k < n && cl < sizeof context - 16; k++) {
        rs[k].seen = false;
        cl += (size_t)snprintf(context + cl, sizeof context - cl, " %d", rs[k].damage);
    }
    uint64_t suspect[MAXREC * 2];
    int nsuspect = 0;
    ccsig_warc_record rec;
    ccsig_warc_damage d;
    size_t guard = 0, bound = 8 * (size_t)n + an / 16 + 64;
    for (;;) {
        check(++guard < bound, "the reader makes progress and ends");
        ccsig_warc_next x = ccsig_warc_reader_next(r, &rec, &d);
        if (x == CCSIG_WARC_END)
            break;
        check(x != CCSIG_WARC_FAILED, "memory input never fails");
        if (getenv("FUZZ_PROPS_DEBUG"))
            fprintf(stderr, "%s [unv %u %llu-%llu] %s\n",
                    x == CCSIG_WARC_DAMAGE ? "damage" : "record", d.unverified,
                    (unsigned long long)d.unverified_from, (unsigned long long)d.unverified_to,
                    x == CCSIG_WARC_DAMAGE ? d.what
                    : rec.h.record_id.p    ? rec.h.record_id.p
                                           : "-");
        if (x == CCSIG_WARC_DAMAGE) {
            check(d.what[0] != '\0', "damage says what");
            check(d.offset <= an, "damage offset inside the archive");
            if (d.unverified) /* records read before are not vouched for */
                for (int i = 0; i < nsuspect; i++)
                    if (suspect[i] >= d.unverified_from && suspect[i] <= d.unverified_to)
                        suspect[i] = UINT64_MAX;
            continue;
        }
        check(rec.offset <= an, "record offset inside the archive");
        int k = -1;
        unsigned id;
        ccsig_str rid = rec.h.record_id;
        if (rid.len > 10 && sscanf(rid.p, "<urn:rec:%u>", &id) == 1 && id < (unsigned)n)
            k = (int)id;
        bool same = k >= 0 && rec.h.header_len == rs[k].orig_header &&
                    rec.h.content_length == rs[k].orig.len - rs[k].orig_header - 4 &&
                    memcmp(rec.block, rs[k].orig.data + rs[k].orig_header, rec.block_len) == 0 &&
                    memcmp(rs[k].orig.data, rec.h.version.p, rs[k].orig_header) == 0;
        if (same && !rs[k].seen) {
            rs[k].seen = true;
        } else {
            /* changed, or a second copy (corrupt deflate data can repeat
             * earlier text): only from a member whose check then fails */
            check(!same || layout != 0, "no record returned twice");
            size_t l = strlen(context);
            snprintf(context + l, sizeof context - l,
                     "; returned: record %d at offset %llu, header %zu, length %llu, held %zu", k,
                     (unsigned long long)rec.offset, rec.h.header_len,
                     (unsigned long long)rec.h.content_length, rec.block_len);
            check(layout != 0 && nsuspect < MAXREC * 2,
                  "every record returned is one of the originals, unchanged");
            suspect[nsuspect++] = rec.raw_length ? UINT64_MAX - 1 : rec.stream_offset;
        }
    }
    for (int i = 0; i < nsuspect; i++)
        check(suspect[i] == UINT64_MAX,
              "a changed record from a one-member file is reported as not vouched for");
    if (whole_flip)
        return;
    for (int k = 0; k < n; k++)
        if (rs[k].damage == D_NONE || rs[k].damage == D_GARBAGE || rs[k].damage == D_ZEROS)
            check(rs[k].seen, "every intact record is read back");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!readers[0]) {
        ccsig_warc_options small = {4096};
        readers[0] = ccsig_warc_reader_new(NULL);
        readers[1] = ccsig_warc_reader_new(&small);
    }
    input s = {data, size, 0};
    int layout = (int)take(&s, 4); /* plain, gzip per record, zstd per record, whole gzip */
    int n = 2 + (int)take(&s, MAXREC - 1);
    orec rs[MAXREC];
    memset(rs, 0, sizeof rs);
    bool whole_flip = false;
    for (int k = 0; k < n; k++) {
        make_record(&rs[k].orig, &rs[k].orig_header, k, &s);
        unsigned pick = take(&s, 0);
        int dmg = pick < 150 ? D_NONE : 1 + (int)(pick % (D_KINDS - 1));
        if ((dmg == D_FLIP || dmg == D_CUT_MEMBER) && layout == 0)
            dmg = D_NONE; /* a flipped byte in plain bytes cannot be seen */
        if (dmg == D_CUT_MEMBER && layout == 3)
            dmg = D_CUT;
        rs[k].damage = dmg;
        rs[k].delta = 5 + take16(&s, 20000);
        if (dmg == D_CL_LESS)
            rs[k].delta = 1 + take16(&s, 0) % (rs[k].orig.len - rs[k].orig_header - 4);
    }
    /* Build the plain stream, with too-large lengths never landing on a
     * later record's end (see the comment at the top). */
    ccsig_buf stream = CCSIG_BUF_INIT, tmp = CCSIG_BUF_INIT;
    size_t starts[MAXREC], ends[MAXREC], gap[MAXREC];
    for (int attempt = 0; attempt < 16; attempt++) {
        ccsig_buf_clear(&stream);
        for (int k = 0; k < n; k++) {
            orec *R = &rs[k];
            ccsig_buf_clear(&R->bytes);
            size_t block = R->orig.len - R->orig_header - 4;
            char v[32];
            switch (R->damage) {
            case D_CUT:
                ccsig_buf_append(&R->bytes, R->orig.data,
                                 1 + (R->delta * 7919u) % (R->orig.len - 1));
                break;
            case D_CL_HUGE:
                set_cl(&R->bytes, &R->orig, "999999999999999");
                break;
            case D_CL_MORE:
                snprintf(v, sizeof v, "%zu", block + R->delta);
                set_cl(&R->bytes, &R->orig, v);
                break;
            case D_CL_LESS:
                snprintf(v, sizeof v, "%zu", block - R->delta);
                set_cl(&R->bytes, &R->orig, v);
                break;
            case D_NO_CL: {
                set_cl(&R->bytes, &R->orig, "");
                char *c = strstr(R->bytes.data, "Content-Length: ");
                memcpy(c, "Content-Lxngth", 14);
                break;
            }
            case D_GARBAGE:
            case D_ZEROS: {
                size_t gl = 1 + R->delta * (R->damage == D_ZEROS ? 3u : 1u);
                for (size_t i = 0; i < gl; i++) {
                    char c = R->damage == D_ZEROS ? '\0'
                                                  : (char)(data[(i * 31) % (size ? size : 1)] | 0);
                    if (c == 'W' || c == 0x1f || c == 0x28)
                        c = 'w';
                    ccsig_buf_append(&stream, &c, 1);
                }
                ccsig_buf_append(&R->bytes, R->orig.data, R->orig.len);
                break;
            }
            default:
                ccsig_buf_append(&R->bytes, R->orig.data, R->orig.len);
            }
            starts[k] = stream.len;
            gap[k] = stream.len - (k ? ends[k - 1] : 0) + (k ? gap[k - 1] : 0);
            ccsig_buf_append(&stream, R->bytes.data, R->bytes.len);
            ends[k] = stream.len;
        }
        bool clash = false;
        for (int k = 0; k < n && !clash; k++) {
            /* where the stated block ends: a too large length, or a record
             * cut after its header */
            size_t land, blen = rs[k].orig.len - rs[k].orig_header - 4;
            if (rs[k].damage == D_CL_MORE) {
                const char *he = strstr(stream.data + starts[k], "\r\n\r\n");
                land = (size_t)(he + 4 - stream.data) + blen + rs[k].delta;
            } else if (rs[k].damage == D_CUT && rs[k].bytes.len > rs[k].orig_header) {
                land = starts[k] + rs[k].orig_header + blen;
            } else {
                continue;
            }
            /* in the plain stream, and in the decoded stream of the
             * per-record layouts (bytes between members are not decoded) */
            for (int j = k + 1; j < n; j++)
                for (int dec = 0; dec < 2; dec++) {
                    size_t l = dec ? land - gap[k] : land;
                    size_t e = dec ? ends[j] - gap[j] : ends[j];
                    size_t st = dec ? starts[j] - gap[j] : starts[j];
                    const char *he = memmem(rs[j].bytes.data, rs[j].bytes.len, "\r\n\r\n", 4);
                    size_t h = he ? st + (size_t)(he - rs[j].bytes.data) + 4 : st;
                    if ((l + 8 >= e && l <= e + 8) || (l + 8 >= st && l <= st + 8) ||
                        (l + 8 >= h && l <= h + 8))
                        clash = true;
                }
            if (land + 8 >= stream.len && land <= stream.len + 8)
                clash = true;
            if (getenv("FUZZ_PROPS_DEBUG"))
                fprintf(stderr, "record %d: stated end %zu, stream %zu%s\n", k, land, stream.len,
                        clash ? ", clash" : "");
            if (clash)
                rs[k].delta += 97;
        }
        if (!clash)
            break;
        if (attempt == 15)
            goto out; /* no length found: nothing to assert */
    }
    /* The archive. */
    ccsig_buf arc = CCSIG_BUF_INIT;
    if (layout == 0) {
        ccsig_buf_append(&arc, stream.data, stream.len);
    } else if (layout == 3) {
        ccsig_warc_writer *w = ccsig_warc_writer_new(CCSIG_WARC_GZIP, 1);
        gz_member(w, &arc, stream.data, stream.len);
        ccsig_warc_writer_free(w);
        for (int k = 0; k < n; k++)
            if (rs[k].damage == D_FLIP && arc.len > 30) {
                size_t at = 10 + (size_t)((double)starts[k] / (stream.len + 1) * (arc.len - 20));
                arc.data[at] ^= (char)(1u << (rs[k].delta % 8));
                whole_flip = true;
            }
    } else {
        ccsig_warc_writer *w =
            ccsig_warc_writer_new(layout == 1 ? CCSIG_WARC_GZIP : CCSIG_WARC_ZSTD, 1);
        size_t prev_end = 0;
        for (int k = 0; k < n; k++) {
            /* bytes between records (garbage, zeros) stay raw between members */
            ccsig_buf_append(&arc, stream.data + prev_end, starts[k] - prev_end);
            size_t m = arc.len;
            gz_member(w, &arc, rs[k].bytes.data, rs[k].bytes.len);
            size_t ml = arc.len - m;
            if (rs[k].damage == D_FLIP)
                arc.data[m + (rs[k].delta * 13u) % ml] ^= (char)(1u << (rs[k].delta % 8));
            if (rs[k].damage == D_CUT_MEMBER)
                arc.len = m + (rs[k].delta * 13u) % ml;
            prev_end = ends[k];
        }
        ccsig_warc_writer_free(w);
    }
    if (getenv("FUZZ_PROPS_DUMP")) {
        FILE *f = fopen(getenv("FUZZ_PROPS_DUMP"), "wb");
        fwrite(arc.data, 1, arc.len, f);
        fclose(f);
    }
    for (int mode = 0; mode < 4; mode++)
        read_and_check(rs, n, (const uint8_t *)arc.data, arc.len, layout, whole_flip, mode);
    ccsig_buf_free(&arc);
out:
    for (int k = 0; k < n; k++) {
        ccsig_buf_free(&rs[k].orig);
        ccsig_buf_free(&rs[k].bytes);
    }
    ccsig_buf_free(&stream);
    ccsig_buf_free(&tmp);
    return 0;
}
