/*
 * wba.c — Web Bot Auth in the gateway (wba.h): the library checks the
 * signature (ccsig_httpsig_verify) with keys from the agent's directory
 * (ccsig_keydir_find); this file holds the gateway's state around it: the
 * nonces seen (replays), and which reuser registered which agent.
 */
#include "wba.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>

#include "ccsig/arena.h"
#include "ccsig/fetch.h"
#include "ccsig/hashmap.h"
#include "ccsig/httpsig.h"
#include "ccsig/keydir.h"
#include "ccsig/sf.h"
#include "ratelimit.h"

/* Nonces are kept, as a 16-byte hash of keyid and nonce, until their
 * signature expires. Past NONCE_SWEEP of them the expired ones are dropped,
 * at most once a second (a sweep walks the table); past NONCE_MAX (about
 * 50 MB) a signature with a nonce is refused ("retry later") rather than
 * remembered without bound. */
#define NONCE_SWEEP 65536
#define NONCE_MAX (1 << 20)
#define NONCE_HASH 16
/* An agent nobody registered is looked up again after this long (a
 * registration on another gateway sharing PostgreSQL shows after it). */
#define AGENT_UNKNOWN_US 1000000
#define AGENT_MAX 4096

/* Verified signatures without a nonce, by the hash of what they are (the
 * authority, Signature-Input, Signature and Signature-Agent): such a
 * signature may be presented again until it expires (the protocol has no
 * replay check without a nonce), and verifying it again would give the
 * same answer while its key is in the directory. An entry lives until the
 * signature expires, at most VERIFIED_TTL seconds (a key removed from the
 * directory stops working within that). Only signatures covering
 * @authority and signature-agent alone are kept: any other covered
 * component (a path, a price header) would have to be part of the hash. */
#define VERIFIED_MAX 4096
#define VERIFIED_TTL 60

typedef struct verified_entry {
    int64_t until; /* seconds since the epoch */
    char agent[256];
} verified_entry;

typedef struct agent_entry {
    int64_t reuser_id; /* 0: not registered */
    char key_id[HU_KEY_ID_LEN + 1];
    int64_t checked_us;
} agent_entry;

struct wba {
    bool log;
    ccsig_fetcher *f;
    ccsig_keydir *kd;
    pthread_mutex_t mu;     /* nonces and agents */
    ccsig_hashmap nonces;   /* BLAKE2b-128 of keyid '\n' nonce -> int64_t expires */
    int64_t nonce_swept;    /* when the nonces were last swept (seconds) */
    int64_t nonce_pruned;   /* when the store's were last pruned (seconds) */
    ccsig_hashmap agents;   /* directory URL -> agent_entry */
    ccsig_hashmap verified; /* BLAKE2b-256 of the signature's fields -> verified_entry */
};

/* Make the verifier (wba.h). */
wba *wba_new(const wba_opts *o, char *err, size_t errlen) {
    wba *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->log = o->log;
    ccsig_fetch_opts fo;
    ccsig_fetch_opts_default(&fo);
    fo.delay = 0; /* a directory is fetched once per lifetime, not crawled */
    fo.connect_timeout_ms = 5000;
    fo.timeout_ms = 5000;
    fo.max_bytes = 64 * 1024;
    fo.public_only = true; /* the URL comes from a request header (wba.h) */
    fo.https_only = !o->allow_http;
    fo.allow = o->allow;
    fo.nallow = o->nallow;
    ccsig_error e;
    ccsig_keydir_opts ko;
    ccsig_keydir_opts_default(&ko);
    ko.max_wait = (o->wait_ms ? o->wait_ms : 1000) / 1000.0;
    if (ccsig_fetcher_new(&fo, &w->f, &e) != CCSIG_OK ||
        ccsig_keydir_new(w->f, &ko, &w->kd, &e) != CCSIG_OK) {
        snprintf(err, errlen, "Web Bot Auth: %s", e.message);
        wba_free(w);
        return NULL;
    }
    pthread_mutex_init(&w->mu, NULL);
    ccsig_hashmap_init(&w->nonces, sizeof(int64_t));
    ccsig_hashmap_init(&w->agents, sizeof(agent_entry));
    ccsig_hashmap_init(&w->verified, sizeof(verified_entry));
    return w;
}

/* Free the verifier (NULL: nothing). */
void wba_free(wba *w) {
    if (!w)
        return;
    if (w->kd) {
        pthread_mutex_destroy(&w->mu);
        ccsig_hashmap_free(&w->nonces);
        ccsig_hashmap_free(&w->agents);
        ccsig_hashmap_free(&w->verified);
    }
    ccsig_keydir_free(w->kd);
    ccsig_fetcher_free(w->f);
    free(w);
}

/* What the library's callbacks see. */
typedef struct check_ctx {
    wba *w;
    store *st;
    int64_t now;
    char agent[1024]; /* the Signature-Agent the key was looked up for */
    bool nonce_store_error;
    char key_error[200]; /* why the key was not found */
    bool key_pending;    /* the directory is being fetched */
    bool nonce_full;
} check_ctx;

/* ccsig_httpsig_verify_options.key: the keyid in the directory of the
 * request's Signature-Agent (ccsig_keydir_find), keeping the reason of a
 * miss for the refusal. */
static bool key_cb(void *ctx, ccsig_str keyid, ccsig_str agent,
                   unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES]) {
    check_ctx *c = ctx;
    if (!agent.len) {
        snprintf(c->key_error, sizeof c->key_error,
                 "the request names no Signature-Agent whose key directory holds the key");
        return false;
    }
    char a[1024];
    if (agent.len >= sizeof a) {
        snprintf(c->key_error, sizeof c->key_error, "the Signature-Agent is too long");
        return false;
    }
    memcpy(a, agent.p, agent.len);
    a[agent.len] = '\0';
    snprintf(c->agent, sizeof c->agent, "%s", a);
    ccsig_keydir_key k;
    if (ccsig_keydir_find(c->w->kd, a, keyid, (time_t)c->now, &k) != CCSIG_OK || !k.found) {
        snprintf(c->key_error, sizeof c->key_error, "%s",
                 k.error[0] ? k.error : "the key directory could not be read");
        c->key_pending = k.pending;
        if (c->w->log && k.fetched_now && !k.pending)
            fprintf(stderr, "ccsig serve: Web Bot Auth: agent %s: %s\n", a, c->key_error);
        return false;
    }
    memcpy(pub, k.pub, CCSIG_ED25519_PUBLIC_BYTES);
    return true;
}

static bool nonce_expired(void *ctx, ccsig_str key, void *value) {
    (void)key;
    return *(const int64_t *)value < *(const int64_t *)ctx;
}

/* The nonce in a store shared by several gateways (PostgreSQL): every
 * gateway's replays are refused. Expired rows are pruned once a minute
 * (by each gateway: a DELETE of what expired is idempotent). */
static bool nonce_shared(check_ctx *c, const unsigned char k[NONCE_HASH], int64_t expires) {
    wba *w = c->w;
    char hex[2 * NONCE_HASH + 1];
    sodium_bin2hex(hex, sizeof hex, k, NONCE_HASH);
    pthread_mutex_lock(&w->mu);
    bool prune = c->now - w->nonce_pruned >= 60;
    if (prune)
        w->nonce_pruned = c->now;
    pthread_mutex_unlock(&w->mu);
    if (prune && store_nonce_prune(c->st, c->now) != 0) {
        c->nonce_store_error = true;
        return false;
    }
    int rc = store_nonce_put(c->st, hex, c->agent, expires, c->now);
    if (rc < 0)
        c->nonce_store_error = true;
    return rc == 1;
}

/* ccsig_httpsig_verify_options.nonce: false when keyid's nonce was seen
 * and its signature has not expired: in the store when it keeps nonces for
 * several gateways (store_nonces_shared), else in this process's table. A
 * signature without a nonce is not tracked (the draft makes the nonce
 * optional). */
static bool nonce_cb(void *ctx, ccsig_str keyid, ccsig_str nonce, int64_t expires) {
    check_ctx *c = ctx;
    if (!nonce.len)
        return true;
    unsigned char k[NONCE_HASH];
    const size_t kn = sizeof k;
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, sizeof k);
    crypto_generichash_update(&h, (const unsigned char *)keyid.p, keyid.len);
    crypto_generichash_update(&h, (const unsigned char *)"\n", 1);
    crypto_generichash_update(&h, (const unsigned char *)nonce.p, nonce.len);
    crypto_generichash_final(&h, k, sizeof k);
    if (c->st && store_nonces_shared(c->st))
        return nonce_shared(c, k, expires);
    wba *w = c->w;
    bool fresh = false;
    pthread_mutex_lock(&w->mu);
    if (ccsig_hashmap_count(&w->nonces) >= NONCE_SWEEP && c->now > w->nonce_swept) {
        ccsig_hashmap_remove_if(&w->nonces, nonce_expired, &c->now);
        w->nonce_swept = c->now;
    }
    int64_t *seen = ccsig_hashmap_get(&w->nonces, k, kn);
    if (seen && *seen >= c->now)
        fresh = false;
    else if (!seen && ccsig_hashmap_count(&w->nonces) >= NONCE_MAX)
        c->nonce_full = true;
    else {
        int64_t *v = ccsig_hashmap_put(&w->nonces, k, kn, NULL);
        if (v) {
            *v = expires;
            fresh = true;
        } else
            c->nonce_full = true;
    }
    pthread_mutex_unlock(&w->mu);
    return fresh;
}

/* Which reuser registered directory: the table, else the store. 1 and
 * *id and its key id, 0 nobody, -1 store error. */
static int agent_lookup(wba *w, store *st, const char *directory, int64_t *id,
                        char key_id[HU_KEY_ID_LEN + 1]) {
    size_t n = strlen(directory);
    int64_t mono = now_mono_us();
    pthread_mutex_lock(&w->mu);
    agent_entry *e = ccsig_hashmap_get(&w->agents, directory, n);
    bool known = e && (e->reuser_id || mono - e->checked_us < AGENT_UNKNOWN_US);
    if (known) {
        *id = e->reuser_id;
        memcpy(key_id, e->key_id, HU_KEY_ID_LEN + 1);
    }
    pthread_mutex_unlock(&w->mu);
    if (known)
        return *id != 0;
    *id = 0;
    int rc = store_agent_get(st, directory, id);
    if (rc == 1) {
        reuser *u = malloc(sizeof *u);
        rc = u ? store_reuser_get(st, *id, u) : -1;
        if (rc == 1)
            memcpy(key_id, u->key_id, HU_KEY_ID_LEN + 1);
        free(u);
    }
    if (rc < 0)
        return -1;
    pthread_mutex_lock(&w->mu);
    if (ccsig_hashmap_count(&w->agents) >= AGENT_MAX)
        ccsig_hashmap_clear(&w->agents);
    e = ccsig_hashmap_put(&w->agents, directory, n, NULL);
    if (e) {
        e->reuser_id = rc == 1 ? *id : 0;
        memcpy(e->key_id, rc == 1 ? key_id : "", rc == 1 ? HU_KEY_ID_LEN + 1 : 1);
        e->checked_us = mono;
    }
    pthread_mutex_unlock(&w->mu);
    return rc;
}

/* The hash a signature is cached under (above): false when the request has
 * a signature field twice (then it is not cached). */
static bool verified_key(const wba_request *rq, unsigned char key[32]) {
    static const char *const names[] = {"signature-input", "signature", "signature-agent"};
    const ccsig_http_field *f[3] = {NULL, NULL, NULL};
    for (size_t i = 0; i < rq->nfields; i++)
        for (int k = 0; k < 3; k++)
            if (ccsig_str_ieq(rq->fields[i].name, names[k])) {
                if (f[k])
                    return false;
                f[k] = &rq->fields[i];
            }
    crypto_generichash_state h;
    crypto_generichash_init(&h, (const unsigned char *)"ccsig-wba-v1", 12, 32);
    crypto_generichash_update(&h, (const unsigned char *)rq->authority, strlen(rq->authority) + 1);
    for (int k = 0; k < 3; k++) {
        /* Length-prefixed: no two requests hash the same input. */
        uint64_t n = f[k] ? f[k]->value.len : UINT64_MAX;
        crypto_generichash_update(&h, (const unsigned char *)&n, sizeof n);
        if (f[k])
            crypto_generichash_update(&h, (const unsigned char *)f[k]->value.p, f[k]->value.len);
    }
    crypto_generichash_final(&h, key, 32);
    return true;
}

/* Which of the fields pay per crawl asks about the verified signature
 * (label) covers: its member of Signature-Input, read with the library's
 * RFC 9651 parser. *only_target: it covers @authority and signature-agent
 * and nothing else (it may be cached). */
static unsigned covered_fields(ccsig_arena *a, const wba_request *rq, ccsig_str label,
                               bool *only_target) {
    unsigned covers = 0;
    *only_target = false;
    for (size_t i = 0; i < rq->nfields; i++) {
        if (!CCSIG_STR_IEQ(rq->fields[i].name, "signature-input"))
            continue;
        ccsig_sf_dict d;
        ccsig_error e;
        if (ccsig_sf_parse_dict(a, rq->fields[i].value.p, rq->fields[i].value.len, &d, &e))
            continue;
        for (size_t m = 0; m < d.n; m++) {
            if (!d.v[m].inner || !ccsig_str_eq_str(d.v[m].key, label))
                continue;
            *only_target = true;
            for (size_t k = 0; k < d.v[m].nitems; k++) {
                const ccsig_sf_bare *b = &d.v[m].items[k].bare;
                if (b->type != CCSIG_SF_STRING)
                    continue;
                if (!ccsig_str_eq(b->v.str, "@authority") &&
                    !ccsig_str_eq(b->v.str, "signature-agent"))
                    *only_target = false;
                if (ccsig_str_eq(b->v.str, "crawler-exact-price"))
                    covers |= WBA_COVERS_EXACT_PRICE;
                else if (ccsig_str_eq(b->v.str, "crawler-max-price"))
                    covers |= WBA_COVERS_MAX_PRICE;
            }
            return covers;
        }
    }
    return covers;
}

static int identify(wba *w, store *st, wba_result *out);

/* Check a signed request (wba.h). */
int wba_check(wba *w, store *st, const wba_request *rq, int64_t now, wba_result *out) {
    memset(out, 0, sizeof *out);
    out->outcome = WBA_REFUSED;
    ccsig_httpsig_message m = {
        .method = ccsig_str_make(rq->method, strlen(rq->method)),
        .scheme = ccsig_str_make(rq->scheme, strlen(rq->scheme)),
        .authority = ccsig_str_make(rq->authority, strlen(rq->authority)),
        .target = ccsig_str_make(rq->target, strlen(rq->target)),
        .fields = rq->fields,
        .nfields = rq->nfields,
    };
    /* A signature without a nonce verified before (above). */
    unsigned char vkey[32];
    bool cacheable = verified_key(rq, vkey);
    if (cacheable) {
        pthread_mutex_lock(&w->mu);
        verified_entry *e = ccsig_hashmap_get(&w->verified, vkey, sizeof vkey);
        bool hit = e && e->until >= now;
        if (hit)
            memcpy(out->agent, e->agent, sizeof out->agent);
        pthread_mutex_unlock(&w->mu);
        if (hit) {
            out->result = ccsig_httpsig_result_name(CCSIG_HTTPSIG_VALID);
            return identify(w, st, out);
        }
    }
    check_ctx c = {.w = w, .st = st, .now = now};
    ccsig_httpsig_verify_options o;
    ccsig_httpsig_verify_options_init(&o);
    o.now = now;
    o.key = key_cb;
    o.nonce = nonce_cb;
    o.ctx = &c;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_httpsig_verdict v;
    ccsig_error err;
    if (ccsig_httpsig_verify(&a, &m, &o, &v, &err) != CCSIG_OK) {
        out->result = "error";
        snprintf(out->reason, sizeof out->reason, "The signature could not be checked: %s.",
                 err.message);
        ccsig_arena_free(&a);
        return 0;
    }
    out->result = ccsig_httpsig_result_name(v.result);
    snprintf(out->agent, sizeof out->agent, "%.*s", (int)v.agent.len, v.agent.p);
    if (v.result == CCSIG_HTTPSIG_REPLAYED && c.nonce_store_error) {
        snprintf(out->reason, sizeof out->reason, "The nonces seen are unavailable.");
        ccsig_arena_free(&a);
        return -1;
    }
    if (v.result == CCSIG_HTTPSIG_REPLAYED && c.nonce_full)
        snprintf(out->reason, sizeof out->reason,
                 "Too many signatures with a nonce are live at once; retry later.");
    else if (v.result == CCSIG_HTTPSIG_UNKNOWN_KEY && c.key_pending) {
        out->retry_after = 1;
        snprintf(out->reason, sizeof out->reason,
                 "The signature's key is not known yet: %s; retry in a second.", c.key_error);
    } else if (v.result == CCSIG_HTTPSIG_UNKNOWN_KEY && c.key_error[0])
        snprintf(out->reason, sizeof out->reason, "The signature's key is unknown: %s.",
                 c.key_error);
    else if (v.result != CCSIG_HTTPSIG_VALID)
        snprintf(out->reason, sizeof out->reason, "The Web Bot Auth signature is %s: %s.",
                 out->result, v.detail[0] ? v.detail : out->result);
    bool only_target = false;
    if (v.result == CCSIG_HTTPSIG_VALID)
        out->covers = covered_fields(&a, rq, v.label, &only_target);
    if (v.result == CCSIG_HTTPSIG_VALID && cacheable && only_target && !v.params.nonce.len &&
        v.params.has_expires) {
        pthread_mutex_lock(&w->mu);
        if (ccsig_hashmap_count(&w->verified) >= VERIFIED_MAX)
            ccsig_hashmap_clear(&w->verified);
        verified_entry *e = ccsig_hashmap_put(&w->verified, vkey, sizeof vkey, NULL);
        if (e) {
            e->until =
                v.params.expires < now + VERIFIED_TTL ? v.params.expires : now + VERIFIED_TTL;
            memcpy(e->agent, out->agent, sizeof e->agent);
        }
        pthread_mutex_unlock(&w->mu);
    }
    ccsig_arena_free(&a);
    if (v.result != CCSIG_HTTPSIG_VALID)
        return 0;
    return identify(w, st, out);
}

/* A verified signature's agent: its directory, and the reuser that
 * registered it (WBA_REUSER) or nobody (WBA_AGENT). 0, or -1 when the
 * store could not be read. */
static int identify(wba *w, store *st, wba_result *out) {
    int rc = 0;
    if (!ccsig_keydir_url(out->agent, out->directory, sizeof out->directory)) {
        /* The key was found in this directory: cannot happen. */
        out->result = "unknown-key";
        snprintf(out->reason, sizeof out->reason, "The Signature-Agent is not an http(s) URL.");
        return 0;
    }
    int64_t id = 0;
    int found = agent_lookup(w, st, out->directory, &id, out->key_id);
    if (found < 0) {
        snprintf(out->reason, sizeof out->reason, "The registrations are unavailable.");
        rc = -1;
    } else if (found == 1) {
        out->outcome = WBA_REUSER;
        out->reuser_id = id;
    } else
        out->outcome = WBA_AGENT;
    return rc;
}

/* The directory URL of a registered agent (wba.h). */
bool wba_directory(const char *agent, char *dir, size_t n, char *why, size_t whyn) {
    size_t len = agent ? strlen(agent) : 0;
    bool ok = len > 0 && len < 256;
    for (size_t i = 0; ok && i < len; i++)
        ok = (unsigned char)agent[i] > 0x20 && (unsigned char)agent[i] < 0x7f;
    if (ok && ccsig_keydir_url(agent, dir, n))
        return true;
    snprintf(why, whyn,
             "signature-agent must be the http(s) URL of your signature agent or of its key "
             "directory (%s), at most 255 characters.",
             CCSIG_KEYDIR_PATH);
    return false;
}

/* Register an agent (wba.h). */
int wba_register(wba *w, store *st, const char *directory, int64_t reuser_id, int64_t now_ms) {
    int rc = store_agent_put(st, directory, reuser_id, now_ms);
    pthread_mutex_lock(&w->mu);
    ccsig_hashmap_remove(&w->agents, directory, strlen(directory));
    pthread_mutex_unlock(&w->mu);
    return rc;
}
