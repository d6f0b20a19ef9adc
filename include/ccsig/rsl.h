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

#ifdef __cplusplus
}
#endif
#endif
