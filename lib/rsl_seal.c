/*
 * rsl_seal.c — the encrypted assets of RSL 1.0 (`encrypted="true"`) and the
 * answer of the Open Licensing Protocol's key endpoint (see ccsig/rsl.h for
 * the cipher, the framing and the key derivation). Cryptography is
 * libsodium's; base64url is sf.c's, the JSON string writer buf.c's.
 */
#include <sodium.h>
#include <string.h>

#include "ccsig/rsl.h"
#include "ccsig/sf.h"

/* One table of the ciphers: names and nonce lengths. */
static const struct {
    const char *name, *jwa;
    size_t nonce;
} ciphers[] = {
    [CCSIG_RSL_AES256GCM] = {"AES-256-GCM", "A256GCM", crypto_aead_aes256gcm_NPUBBYTES},
    [CCSIG_RSL_XCHACHA20POLY1305] = {"XChaCha20-Poly1305", "XC20P",
                                     crypto_aead_xchacha20poly1305_ietf_NPUBBYTES},
};

_Static_assert(crypto_aead_aes256gcm_KEYBYTES == CCSIG_RSL_KEY_BYTES, "AES-256 key size");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == CCSIG_RSL_KEY_BYTES,
               "XChaCha20 key size");
_Static_assert(crypto_aead_aes256gcm_ABYTES == CCSIG_RSL_TAG_BYTES, "GCM tag size");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == CCSIG_RSL_TAG_BYTES,
               "Poly1305 tag size");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES <= CCSIG_RSL_NONCE_MAX, "nonce size");
_Static_assert(crypto_kdf_KEYBYTES == 32 && crypto_kdf_CONTEXTBYTES == 8, "crypto_kdf sizes");

/* Whether AES-256-GCM can be used here (libsodium needs AES-NI and CLMUL).
 * Precondition: none (initialises libsodium, idempotent and thread-safe). */
static bool aes_available(void) {
    return sodium_init() >= 0 && crypto_aead_aes256gcm_is_available();
}

/* See ccsig/rsl.h. */
ccsig_rsl_cipher ccsig_rsl_cipher_default(void) {
    return aes_available() ? CCSIG_RSL_AES256GCM : CCSIG_RSL_XCHACHA20POLY1305;
}

/* See ccsig/rsl.h. An unknown value names the first cipher's table entry. */
const char *ccsig_rsl_cipher_name(ccsig_rsl_cipher c) {
    return ciphers[c == CCSIG_RSL_XCHACHA20POLY1305].name;
}

/* See ccsig/rsl.h. */
const char *ccsig_rsl_cipher_jwa(ccsig_rsl_cipher c) {
    return ciphers[c == CCSIG_RSL_XCHACHA20POLY1305].jwa;
}

/* See ccsig/rsl.h. */
size_t ccsig_rsl_nonce_bytes(ccsig_rsl_cipher c) {
    return ciphers[c == CCSIG_RSL_XCHACHA20POLY1305].nonce;
}

/* See ccsig/rsl.h. */
bool ccsig_rsl_cipher_parse(const char *s, size_t n, ccsig_rsl_cipher *c) {
    for (size_t i = 0; i < sizeof ciphers / sizeof ciphers[0]; i++)
        if (ccsig_str_ieq(ccsig_str_make(s, n), ciphers[i].name)) {
            *c = (ccsig_rsl_cipher)i;
            return true;
        }
    return false;
}

/* See ccsig/rsl.h. */
void ccsig_rsl_master_key(const unsigned char secret[32],
                          unsigned char master[CCSIG_RSL_KEY_BYTES]) {
    if (sodium_init() < 0) {
        sodium_memzero(master, CCSIG_RSL_KEY_BYTES);
        return;
    }
    crypto_kdf_derive_from_key(master, CCSIG_RSL_KEY_BYTES, 1, "ccsigrsl", secret);
}

/* See ccsig/rsl.h. */
ccsig_status ccsig_rsl_asset_key(const unsigned char master[CCSIG_RSL_KEY_BYTES], const char *path,
                                 size_t len, unsigned char key[CCSIG_RSL_KEY_BYTES],
                                 ccsig_error *err) {
    if (!path || !len || path[0] != '/')
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "an asset key needs a server path");
    /* personal is 16 bytes: the 15 characters and their NUL */
    static const unsigned char personal[crypto_generichash_blake2b_PERSONALBYTES] =
        "ccsig-rsl-asset";
    if (sodium_init() < 0 || crypto_generichash_blake2b_salt_personal(
                                 key, CCSIG_RSL_KEY_BYTES, (const unsigned char *)path, len, master,
                                 CCSIG_RSL_KEY_BYTES, NULL, personal) != 0)
        return ccsig_error_set(err, CCSIG_ERR_UNSUPPORTED, 0, "libsodium could not start");
    return CCSIG_OK;
}

/* Refuse AES-256-GCM where libsodium lacks it; else CCSIG_OK with the
 * lengths of c's nonce (*nb) and of its framing (*total: nonce and tag). */
static ccsig_status cipher_usable(ccsig_rsl_cipher c, ccsig_error *err, size_t *nb, size_t *total) {
    *nb = ccsig_rsl_nonce_bytes(c);
    *total = *nb + CCSIG_RSL_TAG_BYTES;
    if (sodium_init() < 0)
        return ccsig_error_set(err, CCSIG_ERR_UNSUPPORTED, 0, "libsodium could not start");
    if (c == CCSIG_RSL_AES256GCM && !crypto_aead_aes256gcm_is_available())
        return ccsig_error_set(err, CCSIG_ERR_UNSUPPORTED, 0,
                               "AES-256-GCM is not available on this CPU (libsodium needs "
                               "AES-NI and CLMUL)");
    return CCSIG_OK;
}

/* One AEAD operation of cipher c without associated data: encrypt (seal)
 * or decrypt n bytes of in into out (n + tag bytes, or n - tag bytes),
 * setting *outlen. Returns libsodium's result (-1: does not authenticate).
 * Precondition: cipher_usable(c). */
static int aead(bool seal, ccsig_rsl_cipher c, unsigned char *out, unsigned long long *outlen,
                const unsigned char *in, size_t n, const unsigned char *nonce,
                const unsigned char *key) {
    if (c == CCSIG_RSL_AES256GCM)
        return seal ? crypto_aead_aes256gcm_encrypt(out, outlen, in, n, NULL, 0, NULL, nonce, key)
                    : crypto_aead_aes256gcm_decrypt(out, outlen, NULL, in, n, NULL, 0, nonce, key);
    return seal ? crypto_aead_xchacha20poly1305_ietf_encrypt(out, outlen, in, n, NULL, 0, NULL,
                                                             nonce, key)
                : crypto_aead_xchacha20poly1305_ietf_decrypt(out, outlen, NULL, in, n, NULL, 0,
                                                             nonce, key);
}

/* See ccsig/rsl.h. */
ccsig_status ccsig_rsl_seal(ccsig_rsl_cipher c, const unsigned char key[CCSIG_RSL_KEY_BYTES],
                            const void *plain, size_t n, ccsig_buf *out, ccsig_error *err) {
    size_t nb, total;
    ccsig_status st = cipher_usable(c, err, &nb, &total);
    if (st != CCSIG_OK || n > SIZE_MAX - total - 1 || !ccsig_buf_reserve(out, total + n + 1))
        return st != CCSIG_OK ? st : ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    unsigned char *nonce = (unsigned char *)out->data + out->len;
    randombytes_buf(nonce, nb);
    unsigned long long clen = 0;
    aead(true, c, nonce + nb, &clen, plain, n, nonce, key);
    out->len += nb + (size_t)clen;
    out->data[out->len] = '\0';
    return CCSIG_OK;
}

/* See ccsig/rsl.h. */
ccsig_status ccsig_rsl_open(ccsig_rsl_cipher c, const unsigned char key[CCSIG_RSL_KEY_BYTES],
                            const void *sealed, size_t n, ccsig_buf *out, ccsig_error *err) {
    size_t nb, total;
    ccsig_status st = cipher_usable(c, err, &nb, &total);
    if (st != CCSIG_OK)
        return st;
    if (n < total)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "an encrypted asset of %zu bytes is shorter than its nonce and "
                               "tag (%zu bytes)",
                               n, total);
    if (!ccsig_buf_reserve(out, n - total + 1))
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    const unsigned char *s = sealed;
    unsigned char *pt = (unsigned char *)out->data + out->len;
    unsigned long long got = 0;
    if (aead(false, c, pt, &got, s + nb, n - nb, s, key) != 0) {
        sodium_memzero(pt, n - total);
        out->data[out->len] = '\0';
        return ccsig_error_set(err, CCSIG_ERR_SIGNATURE, 0,
                               "the encrypted asset does not authenticate with this key (%s)",
                               ccsig_rsl_cipher_name(c));
    }
    out->len += (size_t)got;
    out->data[out->len] = '\0';
    return CCSIG_OK;
}

/* See ccsig/rsl.h. */
void ccsig_rsl_key_write(ccsig_rsl_cipher c, const unsigned char key[CCSIG_RSL_KEY_BYTES],
                         const char *resource, const char *licence, ccsig_buf *out) {
    char k[CCSIG_RSL_KEY_BYTES * 2];
    size_t kl = ccsig_base64url_encode(key, CCSIG_RSL_KEY_BYTES, k);
    ccsig_buf_puts(out, "{\"resource\":");
    ccsig_buf_json_str(out, resource, strlen(resource));
    ccsig_buf_puts(out, ",\"license\":");
    ccsig_buf_json_str(out, licence, strlen(licence));
    ccsig_buf_printf(out,
                     ",\"algorithm\":\"%s\",\"framing\":\"nonce||ciphertext||tag\","
                     "\"nonce_bytes\":%zu,\"tag_bytes\":%d,\"key\":{\"kty\":\"oct\",\"alg\":\"%s\","
                     "\"k\":\"%.*s\"}}\n",
                     ccsig_rsl_cipher_name(c), ccsig_rsl_nonce_bytes(c), CCSIG_RSL_TAG_BYTES,
                     ccsig_rsl_cipher_jwa(c), (int)kl, k);
    sodium_memzero(k, sizeof k);
}
