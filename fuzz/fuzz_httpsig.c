/*
 * fuzz_httpsig.c — libFuzzer target for HTTP Message Signatures
 * (ccsig/httpsig.h): the input is read as a request's header block and
 * verified under the Web Bot Auth profile and plain RFC 9421 (the key lookup
 * answers with RFC 9421's test-key-ed25519 for any keyid), as an inner list
 * for the signature base, and as a JWK and a JWK Set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/httpsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool any_key(void *ctx, ccsig_str keyid, ccsig_str agent, unsigned char pub[32]) {
    (void)ctx;
    (void)agent;
    static const unsigned char k[32] = {0x26, 0xb4, 0x0b, 0x8f, 0x93, 0xff, 0xf3, 0xd8,
                                        0x97, 0x11, 0x2f, 0x7e, 0xbc, 0x58, 0x2b, 0x23,
                                        0x2d, 0xbd, 0x72, 0x51, 0x7d, 0x08, 0x2f, 0xe8,
                                        0x3c, 0xfb, 0x30, 0xdd, 0xce, 0x43, 0xd1, 0xbb};
    memcpy(pub, k, 32);
    return keyid.len > 0;
}

static bool nonce_ok(void *ctx, ccsig_str keyid, ccsig_str nonce, int64_t expires) {
    (void)ctx;
    (void)keyid;
    (void)expires;
    return nonce.len % 2 == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static ccsig_arena a;
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
    ccsig_http_field fv[32];
    ccsig_http_fields fs = {fv, 32, 0, 0, 0, 0, false};
    if (ccsig_http_fields_parse(&a, p, size, &fs, &err) == CCSIG_OK) {
        ccsig_httpsig_message m = {.method = CCSIG_STR_LIT("GET"),
                                   .scheme = CCSIG_STR_LIT("https"),
                                   .authority = CCSIG_STR_LIT("example.com:443"),
                                   .target = CCSIG_STR_LIT("/a?b"),
                                   .fields = fv,
                                   .nfields = fs.n};
        ccsig_httpsig_verify_options o;
        ccsig_httpsig_verify_options_init(&o);
        o.now = 1735689605;
        o.key = any_key;
        o.nonce = nonce_ok;
        const char *tags[] = {NULL, "", CCSIG_HTTPSIG_TAG_DIRECTORY};
        for (size_t i = 0; i < 3; i++) {
            o.tag = tags[i];
            ccsig_httpsig_verdict v;
            if (ccsig_httpsig_verify(&a, &m, &o, &v, &err) == CCSIG_OK &&
                (unsigned)v.result >= CCSIG_HTTPSIG_RESULT_COUNT)
                abort();
            if (strlen(v.detail) >= sizeof v.detail)
                abort();
        }
        /* the same fields as a response to that request */
        ccsig_httpsig_message r = {.status = 200, .fields = fv, .nfields = fs.n, .request = &m};
        o.tag = CCSIG_HTTPSIG_TAG_DIRECTORY;
        ccsig_httpsig_verdict v;
        (void)ccsig_httpsig_verify(&a, &r, &o, &v, &err);
    }
    ccsig_http_field none[1];
    ccsig_httpsig_message m0 = {.method = CCSIG_STR_LIT("GET"),
                                .scheme = CCSIG_STR_LIT("http"),
                                .authority = CCSIG_STR_LIT("h"),
                                .fields = none,
                                .nfields = 0};
    ccsig_buf b = CCSIG_BUF_INIT;
    (void)ccsig_httpsig_base(&a, &m0, p, size, &b, &err);
    ccsig_buf_free(&b);
    char t[CCSIG_JWK_THUMBPRINT_SIZE];
    if (ccsig_jwk_thumbprint(p, size, t, &err) == CCSIG_OK && strlen(t) != 43)
        abort();
    ccsig_jwks s;
    if (ccsig_jwks_parse(&a, p, size, &s, &err) == CCSIG_OK)
        for (size_t i = 0; i < s.n; i++)
            if (strlen(s.keys[i].thumbprint) != 43)
                abort();
    free(p);
    return 0;
}
