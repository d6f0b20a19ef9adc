/*
 * ccsig/keydir.h — the key directories of Web Bot Auth signature agents
 * (draft-meunier-http-message-signatures-directory, used by
 * draft-ietf-webbotauth-httpsig-protocol-01): where a server that checks
 * signed requests (ccsig/httpsig.h) finds the signer's public keys.
 *
 * A signature agent publishes a JWK Set at
 * /.well-known/http-message-signatures-directory of its origin, served as
 * application/http-message-signatures-directory+json and itself signed: the
 * response carries Signature-Input/Signature with tag
 * "http-message-signatures-directory" over ("@authority";req), by a key of
 * the directory. A key directory cache fetches directories with the
 * library's fetcher, checks that signature, keeps them for their
 * Cache-Control lifetime (at most 24 hours), and fetches again before that
 * when asked for a keyid it does not know (the agent rotated its keys),
 * at most once per min_refresh seconds per directory so that unknown keyids
 * cannot make it hammer the agent. A directory that could not be fetched is
 * not asked again for min_refresh seconds either (a negative cache).
 *
 * One fetch per directory at a time: callers that need a directory being
 * fetched wait for that fetch instead of starting their own. With
 * max_wait, fetches run on threads of their own and a caller waits at most
 * max_wait seconds for one (then it gets pending, and the fetch goes on for
 * the next caller): a slow or hostile directory cannot hold a server's
 * request threads for the fetcher's whole timeout.
 *
 * Everything here is in the optional library libccsig-fetch (pkg-config
 * ccsig-fetch). Thread-safe: one cache may serve every thread of a server.
 */
#ifndef CCSIG_KEYDIR_H
#define CCSIG_KEYDIR_H

#include <time.h>

#include "ccsig/fetch.h"
#include "ccsig/httpsig.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CCSIG_KEYDIR_PATH "/.well-known/http-message-signatures-directory"
#define CCSIG_KEYDIR_MEDIA_TYPE "application/http-message-signatures-directory+json"

typedef struct ccsig_keydir_opts {
    double min_refresh;  /* seconds between two fetches of one directory (default 60) */
    bool allow_unsigned; /* accept a directory whose response is not signed (default false) */
    size_t max_entries;  /* directories kept (default 1024; the oldest is dropped) */
    /* Seconds ccsig_keydir_find waits for a directory fetch; 0 (default):
     * fetches run on the caller's thread and it waits for the end. */
    double max_wait;
    /* With max_wait: background fetches running at once (default 8); a
     * lookup that needs one more gets pending at once. */
    unsigned max_fetches;
} ccsig_keydir_opts;

void ccsig_keydir_opts_default(ccsig_keydir_opts *o);

typedef struct ccsig_keydir ccsig_keydir;

/* A cache using fetcher f (borrowed: it must outlive the cache). Freeing
 * the cache waits for its background fetches to end (the fetcher's
 * timeouts bound that). */
ccsig_status ccsig_keydir_new(ccsig_fetcher *f, const ccsig_keydir_opts *o, ccsig_keydir **out,
                              ccsig_error *err);
void ccsig_keydir_free(ccsig_keydir *d);

/* The directory URL of a Signature-Agent value: the URL itself when it has
 * a path, else its origin followed by CCSIG_KEYDIR_PATH. Written into buf
 * (NUL-terminated); false when the agent is not an http(s) URL or buf is
 * too small. */
bool ccsig_keydir_url(const char *agent, char *buf, size_t n);

typedef struct ccsig_keydir_key {
    bool found; /* pub holds the key */
    unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES];
    bool fetched_now;        /* the directory was (re)fetched for this call */
    time_t fetched, expires; /* of the directory copy used */
    bool directory_signed;   /* its response signature verified */
    char directory[512];     /* the directory URL */
    char error[200];         /* why no key: "" when found */
    bool pending;            /* no answer yet (max_wait): the directory is being
                                fetched, or too many are; ask again shortly */
} ccsig_keydir_key;

/* The key named keyid (a JWK thumbprint) in the directory of agent (a
 * Signature-Agent URL), at time now. Fetches the directory when it is not
 * cached, expired, or does not hold keyid (min_refresh permitting). A
 * directory that cannot be fetched, is not a JWK Set, or whose response
 * signature does not verify gives found = false and the reason in error (a
 * copy fetched earlier is kept until it expires). With max_wait, a fetch
 * that takes longer gives found = false and pending = true. Returns
 * CCSIG_OK, or CCSIG_ERR_NOMEM. */
ccsig_status ccsig_keydir_find(ccsig_keydir *d, const char *agent, ccsig_str keyid, time_t now,
                               ccsig_keydir_key *out);

/* A key callback for ccsig_httpsig_verify_options.key with ctx = the cache:
 * looks the key up in the directory of the request's Signature-Agent (no
 * agent: no key). */
bool ccsig_keydir_verify_key(void *ctx, ccsig_str keyid, ccsig_str agent,
                             unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES]);

#ifdef __cplusplus
}
#endif
#endif
