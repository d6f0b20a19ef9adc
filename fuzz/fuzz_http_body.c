/*
 * fuzz_http_body.c — libFuzzer target for the body decoders of httpmsg
 * (chunked transfer coding, gzip): the input is a whole HTTP message whose
 * body is decoded as the robots.txt store decodes a capture, and the input
 * is also de-chunked alone. Outputs must respect their bounds and the
 * decoded payload be NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/alloc.h"
#include "ccsig/httpmsg.h"

#define LIMIT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static ccsig_arena a;
    static ccsig_http_msg m;
    static int init;
    if (!init) {
        ccsig_arena_init(&a, 0);
        init = 1;
    }
    const char *p = (const char *)data;
    ccsig_arena_reset(&a);
    ccsig_error err;
    if (!ccsig_http_parse(&a, p, size, &m, &err)) {
        char *out;
        size_t len;
        if (m.header_len > size)
            abort();
        if (!ccsig_http_body_decode(&m, p + m.header_len, size - m.header_len, LIMIT, &out, &len)) {
            if (len > LIMIT || out[len] != '\0')
                abort();
            ccsig_free(out);
        }
    }
    char small[64];
    if (ccsig_http_dechunk(p, size, small, sizeof small) > sizeof small)
        abort();
    return 0;
}
