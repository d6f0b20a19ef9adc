/* fuzz_http_body.c — the body decoders of httpmsg: the input is a whole
 * HTTP message; its body is decoded as ccsig_http_body_decode does for a
 * robots.txt capture (chunked, then gzip), and de-chunked alone. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/alloc.h"
#include "ccsig/httpmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data;
    ccsig_arena a;
    ccsig_arena_init(&a, 1024);
    ccsig_http_msg *m = malloc(sizeof *m);
    ccsig_error err;
    if (m && !ccsig_http_parse(&a, p, size, m, &err)) {
        char *out;
        size_t len;
        if (!ccsig_http_body_decode(m, p + m->header_len, size - m->header_len, 4096, &out, &len))
            ccsig_free(out);
    }
    char small[64];
    (void)ccsig_http_dechunk(p, size, small, sizeof small);
    free(m);
    ccsig_arena_free(&a);
    return 0;
}
