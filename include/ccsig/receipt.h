/*
 * ccsig/receipt.h — usage receipts: a statement a ccsig gateway signs for a
 * reuser (what it fetched, under which terms and pledges, over which
 * period), which anyone holding the gateway's public key verifies offline.
 * A reuser puts it in a model card; a steward checks it.
 *
 * Canonical form (version 1). A receipt is UTF-8 text, LF line ends, no
 * other control character:
 *
 *   ccsig-receipt/1
 *   issuer: <the gateway's public URL>
 *   collection: <the collection's name>
 *   reuser: <reuser number> <key id> <name>
 *   use: <the category the key was registered for>
 *   from: <ISO 8601 UTC instant, the period's start>
 *   to: <ISO 8601 UTC instant, the period's end (exclusive)>
 *   issued: <ISO 8601 UTC instant>
 *   terms: <version> <sha256 hex> accepted <instant> pledges <list|none>   (0 or more)
 *   requests: <n> ok <n> bytes <n>
 *   charged: <currency> <amount> requests <n>                            (0 or more)
 *   fetched: <requests> <bytes> <path>                                   (0 or more)
 *   key: ed25519 <base64 of the 32-byte public key>
 *   signature: <base64 of the 64-byte Ed25519 signature>
 *
 * Fields come in exactly this order, each "name: value" with a non-empty
 * value; "charged" lines (what pay per crawl charged in the period, one
 * per currency, amounts as "0.01") are sorted by currency; "fetched" lines
 * are sorted by path (paths percent-encoded as in a
 * URL, so without spaces). The signature (Ed25519, RFC 8032, as libsodium's
 * crypto_sign_detached makes it) covers every byte before the "signature:"
 * line, the "key:" line included, so a receipt names the key that signed
 * it; verification checks that this key is the one the verifier trusts.
 *
 * A public key is published as one line:
 *   ccsig-receipt-key/1 ed25519 <base64 of the 32-byte key>
 *
 * Memory: nothing here allocates but through the ccsig_buf the caller
 * passes; the slices of ccsig_receipt_info point into the verified text.
 * Every function is thread-safe.
 */
#ifndef CCSIG_RECEIPT_H
#define CCSIG_RECEIPT_H

#include <stddef.h>

#include "ccsig/buf.h"
#include "ccsig/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A receipt is small text; anything larger is refused unread. */
#define CCSIG_RECEIPT_MAX_BYTES (16u << 20)
#define CCSIG_RECEIPT_KEY_BYTES 32    /* Ed25519 public key */
#define CCSIG_RECEIPT_SECRET_BYTES 64 /* Ed25519 secret key (libsodium's form) */

/* Start a statement: "ccsig-receipt/1\n". */
void ccsig_receipt_begin(ccsig_buf *b);

/* Append one field "name: value\n"; control characters in value (a line
 * break) become spaces, so a value cannot forge a line. */
void ccsig_receipt_field(ccsig_buf *b, const char *name, const char *value);

/* Finish a statement: append the key line for secret's public key, sign
 * everything in b with secret and append the signature line. Returns
 * CCSIG_OK, CCSIG_ERR_NOMEM, or CCSIG_ERR_USAGE when b is not a statement
 * begun with ccsig_receipt_begin. */
ccsig_status ccsig_receipt_sign(ccsig_buf *b,
                                const unsigned char secret[CCSIG_RECEIPT_SECRET_BYTES],
                                ccsig_error *err);

/* What a verified receipt says (slices into the receipt's text). */
typedef struct ccsig_receipt_info {
    ccsig_str issuer, collection, reuser, use, from, to, issued, requests;
    size_t terms;   /* "terms" lines */
    size_t fetched; /* "fetched" lines */
} ccsig_receipt_info;

/* Verify a receipt (p, len) against the trusted public key. CCSIG_OK when
 * it follows the canonical form, names key and its signature verifies;
 * otherwise CCSIG_ERR_SYNTAX (the form; err has line and column),
 * CCSIG_ERR_LIMIT (over CCSIG_RECEIPT_MAX_BYTES) or CCSIG_ERR_SIGNATURE
 * (signed by another key, or the bytes were changed). info may be NULL. */
ccsig_status ccsig_receipt_verify(const char *p, size_t len,
                                  const unsigned char key[CCSIG_RECEIPT_KEY_BYTES],
                                  ccsig_receipt_info *info, ccsig_error *err);

/* Read a published key line "ccsig-receipt-key/1 ed25519 <base64>" (a line
 * end after it allowed). CCSIG_OK or CCSIG_ERR_SYNTAX. */
ccsig_status ccsig_receipt_key_parse(const char *p, size_t len,
                                     unsigned char key[CCSIG_RECEIPT_KEY_BYTES], ccsig_error *err);

/* Append the published key line (with its "\n"). */
void ccsig_receipt_key_write(const unsigned char key[CCSIG_RECEIPT_KEY_BYTES], ccsig_buf *out);

#ifdef __cplusplus
}
#endif

#endif
