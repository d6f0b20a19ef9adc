/* libFuzzer target: encrypted RSL assets (ccsig_rsl_open: nonce ||
 * ciphertext || tag, AES-256-GCM and XChaCha20-Poly1305). The input is
 * opened as an asset under a fixed key, and also XORed onto a valid sealed
 * asset: only the unchanged asset may open, and then to its plaintext; the
 * output buffer is untouched by a refusal. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/rsl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char plain[] = "Survey of the harbour, 1852";

/* Open p[0..n) with key; abort on an outcome the header does not allow.
 * Returns whether it opened. */
static bool check(ccsig_rsl_cipher c, const unsigned char *key, const void *p, size_t n) {
    ccsig_buf out = CCSIG_BUF_INIT;
    ccsig_buf_puts(&out, "x");
    ccsig_error err;
    ccsig_status st = ccsig_rsl_open(c, key, p, n, &out, &err);
    bool ok = st == CCSIG_OK;
    if (ok ? out.len != 1 + n - ccsig_rsl_nonce_bytes(c) - CCSIG_RSL_TAG_BYTES
           : (out.len != 1 ||
              (st != CCSIG_ERR_SYNTAX && st != CCSIG_ERR_SIGNATURE && st != CCSIG_ERR_UNSUPPORTED)))
        abort();
    if (ok && (out.len != sizeof plain || memcmp(out.data + 1, plain, sizeof plain - 1) != 0))
        abort(); /* only the fixed asset can authenticate under this key */
    ccsig_buf_free(&out);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static unsigned char key[CCSIG_RSL_KEY_BYTES];
    static ccsig_buf valid[2] = {CCSIG_BUF_INIT, CCSIG_BUF_INIT};
    static bool have[2];
    if (!valid[1].len) {
        memset(key, 9, sizeof key);
        ccsig_error err;
        for (int k = 0; k < 2; k++)
            have[k] = ccsig_rsl_seal((ccsig_rsl_cipher)k, key, plain, sizeof plain - 1, &valid[k],
                                     &err) == CCSIG_OK;
        if (!have[1])
            abort(); /* XChaCha20-Poly1305 is everywhere */
    }
    for (int k = 0; k < 2; k++) {
        ccsig_rsl_cipher c = (ccsig_rsl_cipher)k;
        check(c, key, data, size);
        if (!have[k])
            continue;
        unsigned char *t = malloc(valid[k].len);
        if (!t)
            return 0;
        memcpy(t, valid[k].data, valid[k].len);
        bool changed = false;
        for (size_t i = 0; i < size && i < valid[k].len; i++) {
            t[i] ^= data[i];
            changed |= data[i] != 0;
        }
        if (check(c, key, t, valid[k].len) == changed)
            abort(); /* a changed asset opened, or the unchanged one did not */
        free(t);
    }
    return 0;
}
