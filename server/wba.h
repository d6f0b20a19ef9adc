/*
 * wba.h — Web Bot Auth in the gateway (draft-ietf-webbotauth-httpsig-
 * protocol-01): requests signed with HTTP Message Signatures (RFC 9421,
 * Ed25519) by a signature agent, checked with the library (ccsig/httpsig.h)
 * against the keys of the agent's directory (ccsig/keydir.h: fetched with
 * the library's fetcher, its own response signature checked, kept for its
 * Cache-Control lifetime, fetched again when a keyid is unknown).
 *
 * What the gateway does with a signed request (one carrying
 * Signature-Input and no Authorization: a bearer key wins):
 *   - the signature tagged "web-bot-auth" must verify: it covers
 *     @authority (and signature-agent when the request names an agent),
 *     created/expires are within 60 s of skew and one day of validity, the
 *     keyid is the JWK thumbprint of a key of the agent's directory, and a
 *     nonce is accepted once (replays are refused until the signature
 *     expires; with PostgreSQL by every gateway of the database, which
 *     records nonces in table wba_nonces, store_nonce_put; with SQLite by
 *     the one gateway that owns the file, in memory); otherwise the request is refused with 401 and
 * the reason (X-Signature-Result names the library's result);
 *   - an agent a reuser registered (POST /register signature-agent=URL)
 *     stands for that reuser: its tier, rate, quota, ledger records and
 *     search visibility, with no bearer key;
 *   - an agent nobody registered is an identified automated client: the
 *     automated tier, its name (the Signature-Agent URL) in
 *     X-Signature-Agent and in the ledger (reuser 0, ledger_rec.agent).
 *
 * A verified signature without a nonce (which the protocol lets a crawler
 * present again until it expires) is remembered for at most a minute, so
 * presenting it again costs a hash instead of an Ed25519 verification
 * (wba.c).
 *
 * Key directories (their URLs come from a request header, so anyone can
 * name one) are fetched only from public addresses over https, checked on
 * the address connected to (ccsig_fetch_opts.public_only): a request
 * naming http://127.0.0.1/... or http://169.254.169.254/... is refused
 * (401, "unknown-key", the fetcher's reason) and the refusal is logged. The
 * steward allows networks (policy server.wba-allow-addresses) and http
 * (server.wba-allow-http) for agents on their own network (and the tests).
 * A directory is fetched once at a time, on a thread of its own: requests
 * for it wait at most server.wba-directory-wait-ms (default 1 s), then get
 * 503 with Retry-After: 1 (the key is not known yet, which is not a bad
 * signature; the same signed request succeeds once the directory is in;
 * a nonce is only recorded for a verified signature). A directory that
 * failed is not fetched again for a minute (its requests get 401 with the
 * failure meanwhile), and at most 8 are fetched at once.
 *
 * Thread-safe: one wba serves every thread of the gateway.
 */
#ifndef CCSIG_SERVE_WBA_H
#define CCSIG_SERVE_WBA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ccsig/fetch.h"
#include "ccsig/httpmsg.h"
#include "httputil.h"
#include "store.h"

typedef struct wba wba;

/* What the steward configures (policy.h: wba_*). */
typedef struct wba_opts {
    const ccsig_addr_net *allow; /* networks allowed besides public addresses */
    size_t nallow;
    bool allow_http;  /* directories over http too */
    unsigned wait_ms; /* a request's wait for a directory being fetched */
    bool log;         /* log refused directory fetches on standard error */
} wba_opts;

/* Make the verifier: a fetcher for key directories (no delay between
 * requests, 5 s timeouts, 64 KiB bodies, the address guard as o says), the
 * directory cache, the nonce and agent tables. NULL (err filled) on
 * failure. */
wba *wba_new(const wba_opts *o, char *err, size_t errlen);
void wba_free(wba *w);

/* The outcome of a signed request's check. */
typedef enum wba_outcome {
    WBA_REFUSED = 0, /* the signature did not verify: reason and result say why */
    WBA_AGENT,       /* verified; no reuser registered the agent */
    WBA_REUSER       /* verified; the agent is reuser_id's */
} wba_outcome;

/* Header fields a verified signature covers that pay per crawl asks about
 * (paycrawl.h: a price offer counts only when signed). */
enum { WBA_COVERS_EXACT_PRICE = 1, WBA_COVERS_MAX_PRICE = 2 };

typedef struct wba_result {
    wba_outcome outcome;
    unsigned covers;    /* WBA_COVERS_* of a verified signature */
    const char *result; /* ccsig_httpsig_result_name */
    char reason[300];   /* WBA_REFUSED: a sentence */
    char agent[256];    /* the Signature-Agent URL ("" when none) */
    char directory[512];
    int64_t reuser_id;              /* WBA_REUSER */
    char key_id[HU_KEY_ID_LEN + 1]; /* WBA_REUSER: the reuser's key id (keycache.h) */
    unsigned retry_after;           /* WBA_REFUSED for now: the key directory is being
                                       fetched; 503 and Retry-After (seconds) */
} wba_result;

/* A request as the check sees it: method, scheme ("http"/"https"),
 * authority (the Host field), target (path and query) and every header
 * field (the callback's array). */
typedef struct wba_request {
    const char *method, *scheme, *authority, *target;
    const ccsig_http_field *fields;
    size_t nfields;
} wba_request;

/* Check a signed request at now (seconds since the epoch): verification,
 * replay, and the agent's registration in st. Returns 0, or -1 when the
 * store could not be read (out->reason says so). */
int wba_check(wba *w, store *st, const wba_request *rq, int64_t now, wba_result *out);

/* The key directory URL of a Signature-Agent URL given at registration,
 * into dir (n bytes). False with a sentence in why (whyn bytes) when it is
 * not an http(s) URL. */
bool wba_directory(const char *agent, char *dir, size_t n, char *why, size_t whyn);

/* Registration: directory is now reuser_id's agent (store_agent_put);
 * forget what the agent table knew of it. 0, 1 taken, -1 error. */
int wba_register(wba *w, store *st, const char *directory, int64_t reuser_id, int64_t now_ms);

#endif
