/*
 * fuzz_httpmsg.c — libFuzzer target for the lenient HTTP header block
 * parser and its field-block parser (ccsig_http_fields_parse), on a buffer of exactly the input's
 * length: every slice it returns must lie inside the input or the arena, header_len within the
 * input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/httpmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static ccsig_arena a;
    static ccsig_http_msg m;
    static int init;
    if (!init) {
        ccsig_arena_init(&a, 0);
        init = 1;
    }
    ccsig_arena_reset(&a);
    char *p = malloc(size ? size : 1);
    if (size)
        memcpy(p, data, size);
    ccsig_error err;
    if (ccsig_http_parse(&a, p, size, &m, &err) == CCSIG_OK) {
        if (m.header_len > size || m.nfields > CCSIG_HTTP_MAX_FIELDS)
            abort();
        volatile size_t sum = 0;
        for (size_t i = 0; i < m.nfields; i++) {
            if (!m.fields[i].name.len)
                abort();
            for (size_t k = 0; k < m.fields[i].name.len; k++)
                sum += (unsigned char)m.fields[i].name.p[k];
            for (size_t k = 0; k < m.fields[i].value.len; k++)
                sum += (unsigned char)m.fields[i].value.p[k];
        }
        ccsig_str v;
        ccsig_http_combined(&m, "Content-Usage", &a, &v, &err);
        for (size_t k = 0; k < v.len; k++)
            sum += (unsigned char)v.p[k];
        (void)ccsig_http_count(&m, "set-cookie");
        (void)sum;
    }
    /* the bare field-block parser (WARC headers, live responses) */
    ccsig_http_field fv[16];
    ccsig_http_fields fs = {fv, 16, 0, 0, 0, 0, false};
    if (ccsig_http_fields_parse(&a, p, size, &fs, &err) == CCSIG_OK) {
        if (fs.end > size || fs.n > 16 || (fs.ended && fs.end == 0))
            abort();
        volatile size_t sum = 0;
        for (size_t i = 0; i < fs.n; i++) {
            if (!fv[i].name.len)
                abort();
            for (size_t k = 0; k < fv[i].name.len; k++)
                sum += (unsigned char)fv[i].name.p[k];
            for (size_t k = 0; k < fv[i].value.len; k++)
                sum += (unsigned char)fv[i].value.p[k];
        }
        (void)sum;
    }
    free(p);
    return 0;
}
