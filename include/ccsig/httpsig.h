/*
 * ccsig/httpsig.h — HTTP Message Signatures (RFC 9421) as Web Bot Auth uses
 * them (draft-ietf-webbotauth-httpsig-protocol-01): how a crawler proves who
 * it is, and how a server checks it.
 *
 * A signed request carries three fields:
 *   Signature-Agent: agent1="https://crawler.example"      (optional; RFC 9651
 *                    Dictionary, or the older bare String form)
 *   Signature-Input: sig1=("@authority" "signature-agent";key="agent1");
 *                    created=1735689600;expires=1735693200;keyid="<JWK thumbprint>";
 *                    nonce="<64 random bytes, base64>";tag="web-bot-auth"
 *   Signature:       sig1=:<Ed25519 signature, base64>:
 * The signature covers the signature base of RFC 9421 §2.5: one line per
 * covered component ("@authority": example.com) and the "@signature-params"
 * line. Keys are Ed25519 (RFC 8032) and are named by their JWK SHA-256
 * thumbprint (RFC 7638); an agent publishes them as a JWK Set at
 * /.well-known/http-message-signatures-directory.
 *
 * What is supported: Ed25519 only (alg absent or "ed25519"); the derived
 * components @method, @target-uri, @authority, @scheme, @request-target,
 * @path, @query and @status; header fields by name, with the `key`
 * (Dictionary member) and `req` (from the request, when verifying a
 * response) parameters. Other parameters (sf, bs, tr, name) and
 * @query-param are refused with CCSIG_HTTPSIG_UNSUPPORTED.
 *
 * Memory: parse results and the verdict's slices live in the arena passed in
 * or point into the caller's fields, which must outlive them. Structured
 * fields are read by the library's one RFC 9651 parser (ccsig/sf.h).
 * Thread-safe: no state outside the arguments.
 */
#ifndef CCSIG_HTTPSIG_H
#define CCSIG_HTTPSIG_H

#include "ccsig/arena.h"
#include "ccsig/buf.h"
#include "ccsig/common.h"
#include "ccsig/httpmsg.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CCSIG_ED25519_PUBLIC_BYTES 32
#define CCSIG_ED25519_SEED_BYTES 32
#define CCSIG_ED25519_SECRET_BYTES 64 /* seed followed by the public key */
#define CCSIG_ED25519_SIGNATURE_BYTES 64
/* A JWK SHA-256 thumbprint: 43 base64url characters and a NUL. */
#define CCSIG_JWK_THUMBPRINT_SIZE 44

/* The tag of Web Bot Auth request signatures, and the one of a signed key
 * directory response. */
#define CCSIG_HTTPSIG_TAG_WEB_BOT_AUTH "web-bot-auth"
#define CCSIG_HTTPSIG_TAG_DIRECTORY "http-message-signatures-directory"

/* One HTTP message as the signature sees it. A request sets method, scheme,
 * authority (host[:port], as the request targets it) and target (the
 * request-target: path and query, "/a/b?c=d"); a response sets status and,
 * to resolve components with the `req` parameter, request. fields are the
 * message's header fields (several lines of one name are joined as HTTP
 * does). */
typedef struct ccsig_httpsig_message {
    ccsig_str method;
    ccsig_str scheme;
    ccsig_str authority;
    ccsig_str target;
    int status; /* a response's status code; 0 for a request */
    const ccsig_http_field *fields;
    size_t nfields;
    const struct ccsig_httpsig_message *request; /* responses: the request, or NULL */
} ccsig_httpsig_message;

typedef enum ccsig_httpsig_result {
    CCSIG_HTTPSIG_VALID = 0,     /* verified */
    CCSIG_HTTPSIG_UNSIGNED,      /* no Signature-Input or no Signature field */
    CCSIG_HTTPSIG_MALFORMED,     /* a field or parameter is not what RFC 9421 requires */
    CCSIG_HTTPSIG_NO_TAG,        /* no signature carries the tag asked for */
    CCSIG_HTTPSIG_UNSUPPORTED,   /* an algorithm or component this library does not do */
    CCSIG_HTTPSIG_NOT_COVERED,   /* @authority (or @target-uri) or signature-agent uncovered */
    CCSIG_HTTPSIG_MISSING_FIELD, /* a covered component is absent from the message */
    CCSIG_HTTPSIG_NOT_YET_VALID, /* created is in the future */
    CCSIG_HTTPSIG_EXPIRED,       /* expires has passed */
    CCSIG_HTTPSIG_TOO_LONG,      /* expires - created exceeds the allowed validity */
    CCSIG_HTTPSIG_UNKNOWN_KEY,   /* no key with that keyid for that agent */
    CCSIG_HTTPSIG_BAD_SIGNATURE, /* the signature does not verify */
    CCSIG_HTTPSIG_REPLAYED,      /* valid, but its nonce was seen before */
    CCSIG_HTTPSIG_RESULT_COUNT
} ccsig_httpsig_result;

/* "valid", "unsigned", "malformed", "no-tag", "unsupported", "not-covered",
 * "missing-field", "not-yet-valid", "expired", "too-long", "unknown-key",
 * "bad-signature", "replayed". */
const char *ccsig_httpsig_result_name(ccsig_httpsig_result r);

/* The parameters of the signature that was checked. */
typedef struct ccsig_httpsig_params {
    bool has_created, has_expires;
    int64_t created, expires; /* seconds since the epoch */
    ccsig_str keyid, alg, nonce, tag;
} ccsig_httpsig_params;

typedef struct ccsig_httpsig_verify_options {
    int64_t now;          /* seconds since the epoch */
    int64_t skew;         /* clock skew allowed on created and expires (seconds) */
    int64_t max_validity; /* largest expires - created accepted; 0: any */
    /* NULL: CCSIG_HTTPSIG_TAG_WEB_BOT_AUTH. With a tag (Web Bot Auth, the
     * key directory) created, expires and keyid are required and a request
     * signature must cover its target; "": plain RFC 9421, the first
     * signature whatever its tag, only keyid required. */
    const char *tag;
    /* The signer's public key: keyid as the signature names it and the
     * Signature-Agent the request names (empty when none). Return false when
     * no such key is known. Required. */
    bool (*key)(void *ctx, ccsig_str keyid, ccsig_str agent,
                unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES]);
    /* Called once the signature verified, with its nonce (empty when none):
     * return false when the nonce was seen before (a replay). NULL: no
     * replay check. */
    bool (*nonce)(void *ctx, ccsig_str keyid, ccsig_str nonce, int64_t expires);
    void *ctx;
} ccsig_httpsig_verify_options;

/* Defaults: now = time(NULL), skew 60 s, max_validity 86400 s (one day),
 * the Web Bot Auth tag; key and nonce NULL. */
void ccsig_httpsig_verify_options_init(ccsig_httpsig_verify_options *o);

typedef struct ccsig_httpsig_verdict {
    ccsig_httpsig_result result;
    ccsig_str label; /* the signature checked ("sig1"), empty when none */
    ccsig_httpsig_params params;
    ccsig_str agent;   /* Signature-Agent's URL, empty when the request names none */
    bool agent_legacy; /* it was the older String form, not a Dictionary */
    char detail[200];  /* what went wrong, in a sentence ("" when valid) */
} ccsig_httpsig_verdict;

/* Check the message's signature tagged o->tag (the first such member of
 * Signature-Input): its structure, Web Bot Auth's coverage rules (the
 * signature covers @authority or @target-uri, and signature-agent when the
 * message has that field), created/expires against o->now with o->skew and
 * o->max_validity, the key (o->key), the Ed25519 signature over the
 * signature base, then the nonce (o->nonce). The outcome is in out: a bad
 * signature is not a failure of the call. Returns CCSIG_OK, CCSIG_ERR_USAGE
 * (no key callback) or CCSIG_ERR_NOMEM. */
ccsig_status ccsig_httpsig_verify(ccsig_arena *a, const ccsig_httpsig_message *m,
                                  const ccsig_httpsig_verify_options *o, ccsig_httpsig_verdict *out,
                                  ccsig_error *err);

/* The signature base (RFC 9421 §2.5) of message m for a Signature-Input
 * member given as its serialised inner list with parameters, e.g.
 * ("@authority");created=1;keyid="k". Appended to out. CCSIG_ERR_SYNTAX
 * (the inner list does not parse), CCSIG_ERR_UNSUPPORTED, CCSIG_ERR_RANGE (a
 * covered component is absent; err says which) or CCSIG_ERR_NOMEM. */
ccsig_status ccsig_httpsig_base(ccsig_arena *a, const ccsig_httpsig_message *m, const char *input,
                                size_t input_len, ccsig_buf *out, ccsig_error *err);

typedef struct ccsig_httpsig_sign_options {
    const char *label; /* NULL: "sig1" */
    /* The covered components as the members of an inner list, e.g.
     * "\"@authority\" \"signature-agent\";key=\"agent1\"". NULL: "@authority",
     * and signature-agent (keyed by the Dictionary member, when the message's
     * Signature-Agent is one) when the message has that field. */
    const char *components;
    int64_t created;
    int64_t expires;   /* 0: none */
    const char *keyid; /* NULL: the JWK thumbprint of the key */
    const char *nonce; /* NULL: none */
    const char *tag;   /* NULL: CCSIG_HTTPSIG_TAG_WEB_BOT_AUTH; "": none */
    bool alg;          /* write alg="ed25519" */
} ccsig_httpsig_sign_options;

/* Sign message m with the Ed25519 secret key (libsodium's 64-byte form:
 * seed then public key): appends the Signature-Input field value to input
 * and the Signature field value to signature ("sig1=(...);created=...",
 * "sig1=:...:"). CCSIG_ERR_USAGE, CCSIG_ERR_SYNTAX (components), the errors
 * of ccsig_httpsig_base, CCSIG_ERR_NOMEM. */
ccsig_status ccsig_httpsig_sign(ccsig_arena *a, const ccsig_httpsig_message *m,
                                const ccsig_httpsig_sign_options *o,
                                const unsigned char secret[CCSIG_ED25519_SECRET_BYTES],
                                ccsig_buf *input, ccsig_buf *signature, ccsig_error *err);

/* The Ed25519 key pair of a 32-byte seed (a JWK's "d"). */
void ccsig_ed25519_from_seed(const unsigned char seed[CCSIG_ED25519_SEED_BYTES],
                             unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES],
                             unsigned char secret[CCSIG_ED25519_SECRET_BYTES]);

/* ---- JSON Web Keys ---- */

/* The RFC 7638 thumbprint of an Ed25519 public key:
 * base64url(SHA-256({"crv":"Ed25519","kty":"OKP","x":"<base64url key>"})). */
void ccsig_jwk_ed25519_thumbprint(const unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES],
                                  char out[CCSIG_JWK_THUMBPRINT_SIZE]);

/* The RFC 7638 thumbprint of a JWK given as JSON (kty RSA, EC or OKP: the
 * required members in lexicographic order, hashed with SHA-256).
 * CCSIG_ERR_SYNTAX (not JSON, or a required member missing or not a
 * string; err says which), CCSIG_ERR_UNSUPPORTED (another kty). */
ccsig_status ccsig_jwk_thumbprint(const char *json, size_t len, char out[CCSIG_JWK_THUMBPRINT_SIZE],
                                  ccsig_error *err);

typedef struct ccsig_jwk_ed25519 {
    unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES];
    char thumbprint[CCSIG_JWK_THUMBPRINT_SIZE];
    ccsig_str kid; /* the key's "kid" member, empty when none */
} ccsig_jwk_ed25519;

/* The Ed25519 keys of a JWK Set ({"keys":[...]}, a key directory); keys of
 * other types are counted in skipped. Keys live in the arena.
 * CCSIG_ERR_SYNTAX with err->line/column when it is not a JWK Set, or an
 * Ed25519 key's "x" is not 32 bytes of base64url. */
typedef struct ccsig_jwks {
    ccsig_jwk_ed25519 *keys;
    size_t n;
    size_t skipped;
} ccsig_jwks;

ccsig_status ccsig_jwks_parse(ccsig_arena *a, const char *json, size_t len, ccsig_jwks *out,
                              ccsig_error *err);

/* The key of s with this thumbprint, or NULL. */
const ccsig_jwk_ed25519 *ccsig_jwks_find(const ccsig_jwks *s, ccsig_str thumbprint);

#ifdef __cplusplus
}
#endif
#endif
