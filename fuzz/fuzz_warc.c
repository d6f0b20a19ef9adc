/*
 * fuzz_warc.c — libFuzzer target for the WARC reader: the input is an
 * archive (plain, gzip or zstd, sniffed). It is read from memory, then
 * through a read function handing out a few bytes at a time (the first byte
 * picks how many), then from a boundary found by sync in its second half,
 * with a small hold limit so records overflow it. Every read must end, and
 * every record must lie inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/warc.h"

typedef struct src {
    const uint8_t *p;
    size_t n, pos, step;
} src;

static ssize_t rd_fn(void *ctx, void *buf, size_t n) {
    src *s = ctx;
    size_t take = s->n - s->pos;
    if (take > s->step)
        take = s->step;
    if (take > n)
        take = n;
    memcpy(buf, s->p + s->pos, take);
    s->pos += take;
    return (ssize_t)take;
}

static void drain(ccsig_warc_reader *r, size_t n) {
    ccsig_warc_record rec;
    ccsig_warc_damage d;
    /* each call consumes input or ends: n + a few calls at most */
    for (size_t guard = 0; guard < 4 * n + 64; guard++) {
        ccsig_warc_next x = ccsig_warc_reader_next(r, &rec, &d);
        if (x == CCSIG_WARC_END || x == CCSIG_WARC_FAILED)
            return;
        if (x == CCSIG_WARC_RECORD) {
            if (rec.block_len > rec.h.content_length)
                abort();
            volatile uint8_t sink = 0;
            for (size_t i = 0; i < rec.block_len; i += 997)
                sink ^= (uint8_t)rec.block[i];
            if (rec.block_len)
                sink ^= (uint8_t)rec.block[rec.block_len - 1];
            (void)sink;
        }
    }
    abort(); /* a read that does not end */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static ccsig_warc_reader *r, *small;
    if (!r) {
        ccsig_warc_options o = {4096};
        r = ccsig_warc_reader_new(NULL);
        small = ccsig_warc_reader_new(&o);
    }
    ccsig_warc_reader_open_memory(r, data, size, 0, CCSIG_WARC_AUTO);
    drain(r, size);
    src s = {data, size, 0, size ? 1 + data[0] % 13 : 1};
    ccsig_warc_reader_open(small, rd_fn, &s, 0, CCSIG_WARC_AUTO);
    drain(small, size);
    if (size > 2) {
        size_t from = size / 2;
        ccsig_warc_codec c = ccsig_warc_sniff(data, size);
        ccsig_warc_reader_open_memory(r, data + from - 1, size - from + 1, from - 1, c);
        uint64_t found;
        if (ccsig_warc_reader_sync(r, from, UINT64_MAX, &found)) {
            if (found < from || found >= size)
                abort();
            ccsig_warc_reader_set_stop(r, from + (size - from) / 2);
            drain(r, size);
        }
    }
    return 0;
}
