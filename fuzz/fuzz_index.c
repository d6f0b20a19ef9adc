/* libFuzzer target: index files (ccsig/index.h): CDXJ and CDX parsing, one
 * line at a time and whole. Checks what they promise: an error has a line
 * and a column inside the input, a parsed entry's slices lie inside the
 * line (or in the arena, for JSON strings), the spans of an index are in
 * offset order and one per offset; the parse fed in pieces
 * (ccsig_index_parser, split at a byte the input chooses, and one byte at
 * a time) gives the same index or the same error as the parse of the whole. */
#include <stdlib.h>
#include <string.h>

#include "ccsig/alloc.h"
#include "ccsig/index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data;
    ccsig_index *x = NULL;
    ccsig_error err;
    memset(&err, 0, sizeof err);
    ccsig_status st = ccsig_index_parse(p, size, &x, &err);
    if (st == CCSIG_OK) {
        ccsig_index_span *s;
        size_t n;
        if (ccsig_index_spans(x, "a/b.warc.gz", &s, &n) == CCSIG_OK) {
            for (size_t i = 1; i < n; i++)
                if (s[i - 1].offset >= s[i].offset)
                    abort();
            if (n > ccsig_index_count(x))
                abort();
            ccsig_free(s);
        }
    } else if (st == CCSIG_ERR_SYNTAX || st == CCSIG_ERR_LIMIT) {
        if (!err.line || !err.column || err.offset > size)
            abort();
    }
    /* fed in pieces: the same answer */
    size_t cut = size ? data[0] % size : 0;
    for (int way = 0; way < 2; way++) {
        ccsig_index_parser *ps = ccsig_index_parser_new();
        if (!ps)
            break;
        ccsig_error e2;
        memset(&e2, 0, sizeof e2);
        ccsig_status s2 = CCSIG_OK;
        if (way == 0) {
            s2 = ccsig_index_parser_feed(ps, p, cut, &e2);
            if (!s2)
                s2 = ccsig_index_parser_feed(ps, p + cut, size - cut, &e2);
        } else {
            for (size_t i = 0; i < size && !s2; i++)
                s2 = ccsig_index_parser_feed(ps, p + i, 1, &e2);
        }
        ccsig_index *y = NULL;
        if (!s2)
            s2 = ccsig_index_parser_finish(ps, &y, &e2);
        ccsig_index_parser_free(ps);
        if (s2 != st && s2 != CCSIG_ERR_NOMEM && st != CCSIG_ERR_NOMEM)
            abort();
        if (st == CCSIG_OK && s2 == CCSIG_OK &&
            (ccsig_index_count(y) != ccsig_index_count(x) ||
             ccsig_index_format_of(y) != ccsig_index_format_of(x)))
            abort();
        if ((st == CCSIG_ERR_SYNTAX || st == CCSIG_ERR_LIMIT) && s2 == st &&
            (e2.line != err.line || e2.column != err.column || e2.offset != err.offset ||
             strcmp(e2.message, err.message)))
            abort();
        ccsig_index_free(y);
    }
    ccsig_index_free(x);
    /* the first line alone, through the line parser */
    const char *nl = memchr(p, '\n', size);
    size_t len = nl ? (size_t)(nl - p) : size;
    ccsig_arena a;
    ccsig_arena_init(&a, 4096);
    ccsig_index_cols c;
    ccsig_index_cols_init(&c);
    ccsig_index_entry e;
    bool record;
    memset(&err, 0, sizeof err); /* not the whole parse's error, when this line has none */
    if (ccsig_index_parse_line(&a, p, len, &c, &e, &record, &err) == CCSIG_OK && record) {
        if (e.urlkey.len && (e.urlkey.p < p || e.urlkey.p + e.urlkey.len > p + len))
            abort();
        if (!e.length)
            abort();
    } else if (!record && err.code == CCSIG_ERR_SYNTAX && err.column > len + 1) {
        abort();
    }
    ccsig_arena_free(&a);
    return 0;
}
