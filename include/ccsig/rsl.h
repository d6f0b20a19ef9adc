/*
 * ccsig/rsl.h — writing RSL 1.0 licence documents (Really Simple Licensing,
 * https://rslstandard.org/rsl) and the licence tokens of its Crawler
 * Authorization Protocol (CAP) and Open Licensing Protocol (OLP).
 *
 * The reader is ccsig_rsl_read (ccsig/sources.h); the writer shares its
 * tables (usage tokens, payment types), so a written document reads back
 * with the same states:
 *
 *   verdict of a category        RSL
 *   allow                        <permits type="usage"> in a free <license>
 *   deny (plain)                 <prohibits type="usage">
 *   deny lifted by conditions    <permits> in a <license> of its own whose
 *                                <payment> elements name the conditions:
 *                                credit -> attribution, ecosystem
 *                                contribution -> contribution, any other
 *                                condition -> use (read back as payment)
 *   unknown                      not written
 *
 * Categories are written with the RSL 1.0 tokens ai-train (train-ai),
 * ai-input (ai-use) and search (search). Several <license> elements are
 * alternative offers: the reader keeps, per category, the least restrictive.
 * A content's `server` attribute says a licence must be obtained from that
 * licence server even when free; the reader adds the licence condition to
 * its permits.
 *
 * A content with `encrypted` set is written encrypted="true": its assets
 * are served encrypted and the decryption key is handed out by the licence
 * server's key endpoint to holders of a licence token (OLP). The asset
 * cipher, its framing and the key derivation are below (ccsig_rsl_seal).
 *
 * Licence tokens are JSON Web Tokens (RFC 7519) signed with Ed25519
 * (RFC 8037, alg EdDSA): header {"alg":"EdDSA","typ":"JWT","kid":<RFC 7638
 * thumbprint>}, claims iss, sub (the reuser), aud (the licence document's
 * URL), client_id (RFC 8693), iat, exp, and ccsig's use, commitments and
 * purpose.
 */
#ifndef CCSIG_RSL_H
#define CCSIG_RSL_H

#include <stddef.h>
#include <stdint.h>

#include "ccsig/arena.h"
#include "ccsig/buf.h"
#include "ccsig/common.h"
#include "ccsig/httpsig.h"
#include "ccsig/pref.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The media type of an RSL document. */
#define CCSIG_RSL_MEDIA_TYPE "application/rsl+xml"

/* One <content>: the assets one set of preferences covers. */
typedef struct ccsig_rsl_content {
    const char *url;              /* server path (RFC 9309 pattern) or absolute URL */
    const ccsig_verdict *verdict; /* the preferences of those assets */
    const char *server;           /* licence server URL, or NULL */
    const char *terms;            /* <terms>: URL of the terms in full, or NULL */
    bool encrypted;               /* written encrypted="true" (served encrypted) */
} ccsig_rsl_content;

/* Whether a licence is required for automated access to assets with this
 * verdict: no category of the current vocabulary (train-ai, ai-use, search)
 * is allowed outright and at least one is allowed on conditions. */
bool ccsig_rsl_licence_required(const ccsig_verdict *v);

/* Append the RSL document of n contents to out (UTF-8, with an XML
 * declaration). A content whose verdict states none of the three categories
 * is written without a <license>. CCSIG_ERR_USAGE when a content has no url
 * or no verdict, or n is 0; CCSIG_ERR_NOMEM when out failed. */
ccsig_status ccsig_rsl_write(const ccsig_rsl_content *c, size_t n, ccsig_buf *out,
                             ccsig_error *err);

/* ---- licence tokens (CAP, OLP) ---- */

/* Longest token ccsig_rsl_token_verify reads. */
#define CCSIG_RSL_TOKEN_MAX 4096

/* What a licence token grants. Strings belong to the caller (sign) or to
 * the arena (verify). */
typedef struct ccsig_rsl_grant {
    const char *issuer;      /* iss: the licence server */
    const char *licence;     /* aud: the URL of the licence document */
    int64_t reuser;          /* sub: the reuser's id at the licence server */
    const char *client;      /* client_id: the credential it was issued to */
    ccsig_category use;      /* the use licensed (CCSIG_CAT_NONE: none) */
    unsigned commitments;    /* conditions the reuser committed to (CCSIG_COND_*) */
    ccsig_purpose purpose;   /* an approved public-interest purpose, or NONE */
    int64_t issued, expires; /* iat, exp: Unix seconds */
} ccsig_rsl_grant;

/* Sign g with the Ed25519 secret key (libsodium's 64-byte form) and append
 * the compact JWT to out. CCSIG_ERR_USAGE when issuer or licence is NULL or
 * expires is not after issued; CCSIG_ERR_NOMEM. */
ccsig_status ccsig_rsl_token_sign(const ccsig_rsl_grant *g,
                                  const unsigned char secret[CCSIG_ED25519_SECRET_BYTES],
                                  ccsig_buf *out, ccsig_error *err);

/* Verify a token against the public key at time now (Unix seconds) and
 * fill g (strings in the arena). CCSIG_ERR_SYNTAX (not a JWT of this form,
 * a signature not in canonical base64url,
 * a claim missing or of the wrong type; err says which), CCSIG_ERR_LIMIT
 * past CCSIG_RSL_TOKEN_MAX, CCSIG_ERR_SIGNATURE (the signature does not
 * verify with this key), CCSIG_ERR_RANGE (expired, or issued in the
 * future by more than a minute), CCSIG_ERR_NOMEM. g is filled only on
 * CCSIG_OK. */
ccsig_status ccsig_rsl_token_verify(ccsig_arena *a, const char *tok, size_t len,
                                    const unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES],
                                    int64_t now, ccsig_rsl_grant *g, ccsig_error *err);

/* Append the JWK Set that publishes an Ed25519 public key ({"keys":[{"kty":
 * "OKP","crv":"Ed25519","x":...,"kid":<thumbprint>,"use":"sig","alg":
 * "EdDSA"}]}), readable by ccsig_jwks_parse. */
void ccsig_rsl_jwks_write(const unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES], ccsig_buf *out);

/* ---- encrypted assets (OLP key endpoint) ----
 *
 * RSL marks assets `encrypted="true"`; the RSL Collective's Encrypted
 * Content Assets use AES-256-GCM, and OLP's key endpoint hands the key to
 * a licence holder. ccsig's choices where the specifications are silent:
 *
 *   cipher    AES-256-GCM (libsodium's crypto_aead_aes256gcm) where the
 *             CPU has it (AES-NI and CLMUL); else XChaCha20-Poly1305-IETF,
 *             which libsodium has everywhere. Whichever was used is named
 *             with the asset and with its key.
 *   framing   nonce || ciphertext || tag: a 12-byte random nonce (24 for
 *             XChaCha20-Poly1305), the ciphertext as long as the asset,
 *             the 16-byte tag; no associated data. Python's
 *             cryptography: AESGCM(key).decrypt(b[:12], b[12:], None).
 *   keys      per asset, never stored: the collection's content master key
 *             is crypto_kdf_derive_from_key(32, 1, "ccsigrsl", secret) of
 *             a 32-byte steward secret; an asset's key is keyed BLAKE2b-256
 *             of its path (personalisation "ccsig-rsl-asset"), so a key
 *             opens one asset only and every gateway sharing the secret
 *             derives the same key.
 */

#define CCSIG_RSL_KEY_BYTES 32 /* a content key: AES-256 or XChaCha20 */
#define CCSIG_RSL_TAG_BYTES 16
#define CCSIG_RSL_NONCE_MAX 24

typedef enum ccsig_rsl_cipher {
    CCSIG_RSL_AES256GCM = 0,    /* "AES-256-GCM", JWA "A256GCM", 12-byte nonce */
    CCSIG_RSL_XCHACHA20POLY1305 /* "XChaCha20-Poly1305", JWA "XC20P", 24-byte nonce */
} ccsig_rsl_cipher;

/* The cipher this machine encrypts with: AES-256-GCM when libsodium has
 * it here, else XChaCha20-Poly1305. Call after sodium_init(). */
ccsig_rsl_cipher ccsig_rsl_cipher_default(void);

/* "AES-256-GCM" / "XChaCha20-Poly1305"; its JWA name (RFC 7518 §5.3
 * "A256GCM", draft-amringer-jose-chacha "XC20P"); its nonce length. */
const char *ccsig_rsl_cipher_name(ccsig_rsl_cipher c);
const char *ccsig_rsl_cipher_jwa(ccsig_rsl_cipher c);
size_t ccsig_rsl_nonce_bytes(ccsig_rsl_cipher c);

/* Parse a cipher name as ccsig_rsl_cipher_name writes it (ASCII case
 * ignored). False when unknown. */
bool ccsig_rsl_cipher_parse(const char *s, size_t n, ccsig_rsl_cipher *c);

/* The collection's content master key from a 32-byte steward secret. */
void ccsig_rsl_master_key(const unsigned char secret[32],
                          unsigned char master[CCSIG_RSL_KEY_BYTES]);

/* The key of the asset at path (the server path, "/..."; what the licence's
 * <content url> patterns match). CCSIG_ERR_USAGE when path is empty or does
 * not start with '/'. */
ccsig_status ccsig_rsl_asset_key(const unsigned char master[CCSIG_RSL_KEY_BYTES], const char *path,
                                 size_t len, unsigned char key[CCSIG_RSL_KEY_BYTES],
                                 ccsig_error *err);

/* Encrypt n bytes with key under a fresh random nonce and append nonce ||
 * ciphertext || tag to out. CCSIG_ERR_UNSUPPORTED when c is AES-256-GCM and
 * this machine lacks it; CCSIG_ERR_NOMEM. */
ccsig_status ccsig_rsl_seal(ccsig_rsl_cipher c, const unsigned char key[CCSIG_RSL_KEY_BYTES],
                            const void *plain, size_t n, ccsig_buf *out, ccsig_error *err);

/* Decrypt a sealed asset (nonce || ciphertext || tag) and append the
 * plaintext to out. CCSIG_ERR_SYNTAX when shorter than a nonce and a tag,
 * CCSIG_ERR_SIGNATURE when it does not authenticate with this key (changed,
 * cut, or another asset's), CCSIG_ERR_UNSUPPORTED, CCSIG_ERR_NOMEM. out is
 * unchanged on failure. */
ccsig_status ccsig_rsl_open(ccsig_rsl_cipher c, const unsigned char key[CCSIG_RSL_KEY_BYTES],
                            const void *sealed, size_t n, ccsig_buf *out, ccsig_error *err);

/* Append the key endpoint's answer for one asset (JSON):
 *   {"resource":<url>,"license":<licence URL>,"algorithm":"AES-256-GCM",
 *    "framing":"nonce||ciphertext||tag","nonce_bytes":12,"tag_bytes":16,
 *    "key":{"kty":"oct","alg":"A256GCM","k":<base64url>}}
 * The key is a JWK (RFC 7517, kty "oct"). */
void ccsig_rsl_key_write(ccsig_rsl_cipher c, const unsigned char key[CCSIG_RSL_KEY_BYTES],
                         const char *resource, const char *licence, ccsig_buf *out);

#ifdef __cplusplus
}
#endif
#endif
