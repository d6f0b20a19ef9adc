/* libFuzzer target: RSL licence tokens (ccsig_rsl_token_verify: three
 * base64url parts, two JSON documents, an Ed25519 signature). The input is
 * read as a token, and also XORed onto a valid token of a fixed key, so
 * that the fuzzer reaches the claims behind a verifying signature; a token
 * that verifies must sign again to one that verifies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/rsl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Verify p[0..n) with pub; abort on an outcome the header does not allow. */
static void check(const char *p, size_t n, const unsigned char *pub, const unsigned char *sk) {
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_rsl_grant g;
    ccsig_error err;
    ccsig_status st = ccsig_rsl_token_verify(&a, p, n, pub, 1500, &g, &err);
    if (st == CCSIG_OK) {
        if (!g.issuer || !g.licence || !g.client || g.expires <= 1500)
            abort();
        ccsig_buf again = CCSIG_BUF_INIT;
        ccsig_rsl_grant g2;
        if (ccsig_rsl_token_sign(&g, sk, &again, &err) != CCSIG_OK ||
            ccsig_rsl_token_verify(&a, again.data, again.len, pub, 1500, &g2, &err) != CCSIG_OK ||
            g2.reuser != g.reuser || g2.use != g.use || g2.commitments != g.commitments ||
            strcmp(g2.licence, g.licence) != 0)
            abort();
        ccsig_buf_free(&again);
    } else if (st != CCSIG_ERR_SYNTAX && st != CCSIG_ERR_SIGNATURE && st != CCSIG_ERR_RANGE &&
               st != CCSIG_ERR_LIMIT) {
        abort();
    }
    ccsig_arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES], sk[CCSIG_ED25519_SECRET_BYTES];
    static ccsig_buf valid = CCSIG_BUF_INIT;
    if (!valid.len) {
        unsigned char seed[CCSIG_ED25519_SEED_BYTES];
        memset(seed, 7, sizeof seed);
        ccsig_ed25519_from_seed(seed, pub, sk);
        ccsig_rsl_grant g = {"https://e.example",
                             "https://e.example/license.xml",
                             42,
                             "0123456789ab",
                             CCSIG_CAT_AI_USE,
                             CCSIG_COND_CREDIT,
                             CCSIG_PURPOSE_NONE,
                             1000,
                             2000};
        ccsig_error err;
        if (ccsig_rsl_token_sign(&g, sk, &valid, &err) != CCSIG_OK)
            abort();
    }
    check((const char *)data, size, pub, sk);
    char *t = malloc(valid.len);
    if (!t)
        return 0;
    memcpy(t, valid.data, valid.len);
    for (size_t i = 0; i < size && i < valid.len; i++)
        t[i] ^= (char)data[i];
    check(t, valid.len, pub, sk);
    free(t);
    return 0;
}
