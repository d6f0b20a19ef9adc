/* libFuzzer target: the body decoders of the scan's robots.txt store
 * (Transfer-Encoding: chunked, then gzip when the bytes start with the gzip
 * magic). They are static in programs/scan/robots_store.c today and are
 * moving into lib/httpmsg.c; until then this target compiles that file in
 * and calls the decoder through decode() below, the one place to change
 * when the public function exists. The first input byte chooses chunked or
 * not; the rest is the body. Checks: the result is at most
 * CCSIG_ROBOTS_MAX_SIZE + 1 bytes, and an identity body comes back as it
 * was (cut at that size) unless it is gzip. */
#include "../programs/scan/robots_store.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *decode(const ccsig_http_msg *m, const char *p, size_t n, size_t *len) {
    return payload_of(m, p, n, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!size)
        return 0;
    static ccsig_arena a;
    static ccsig_http_msg m;
    static int init;
    if (!init) {
        ccsig_arena_init(&a, 0);
        init = 1;
    }
    ccsig_arena_reset(&a);
    bool chunked = data[0] & 1;
    static const char te[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    static const char id[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n";
    char head[sizeof te];
    size_t hl = chunked ? sizeof te - 1 : sizeof id - 1;
    memcpy(head, chunked ? te : id, hl + 1);
    ccsig_error err;
    if (ccsig_http_parse(&a, head, hl, &m, &err) != CCSIG_OK)
        abort();
    const char *body = (const char *)data + 1;
    size_t n = size - 1;
    size_t len = 0;
    char *out = decode(&m, body, n, &len);
    if (!out)
        return 0;
    if (len > CCSIG_ROBOTS_MAX_SIZE + 1)
        abort();
    volatile char sink = 0;
    for (size_t i = 0; i < len; i++)
        sink ^= out[i];
    (void)sink;
    bool gz = n >= 2 && (unsigned char)body[0] == 0x1f && (unsigned char)body[1] == 0x8b;
    if (!chunked && !gz) {
        size_t want = n < CCSIG_ROBOTS_MAX_SIZE + 1 ? n : CCSIG_ROBOTS_MAX_SIZE + 1;
        if (len != want || memcmp(out, body, len))
            abort();
    }
    free(out);
    return 0;
}
