/* libFuzzer target: the header readers. Input: "Name: value" lines. */
#include "ccsig/robots.h"
#include "fuzz_sources.h"

/* Touch every byte a Content-Signal issue points at (ASan checks bounds). */
static void signal_issue(void *ctx, ccsig_content_signal_issue issue, size_t off, size_t len) {
    const uint8_t *p = ctx;
    volatile uint8_t sink = (uint8_t)issue;
    for (size_t i = 0; i < len; i++)
        sink ^= p[off + i];
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_collect *c = fz_begin(size & 1);
    ccsig_http_field h[64];
    size_t n = 0;
    const char *p = (const char *)data, *e = p + size;
    while (p < e && n < 64) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *le = nl ? nl : e;
        const char *colon = memchr(p, ':', (size_t)(le - p));
        if (colon) {
            h[n].name = ccsig_str_make(p, (size_t)(colon - p));
            h[n].value = ccsig_str_make(colon + 1, (size_t)(le - colon - 1));
            n++;
        }
        p = nl ? nl + 1 : e;
    }
    ccsig_sources_from_headers(c, h, n);
    ccsig_str use;
    ccsig_content_signal_parse((const char *)data, size, &c->sts[0], &use, signal_issue,
                               (void *)data);
    fz_end();
    return 0;
}
