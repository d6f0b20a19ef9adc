/*
 * store.h — the gateway's durable state: reusers and their keys, the usage
 * ledger, stewards and their sessions, and (PostgreSQL only) the search
 * index. Two backends with the same schema and migrations (store.c):
 *
 *   sqlite:PATH          embedded, WAL mode with synchronous=FULL; per-key
 *                        rate and quota state kept in memory (one process)
 *   postgresql://...     scale-out: several gateways share one database and
 *                        one rate limit and quota per key (an atomic UPDATE)
 *
 * Every function is thread-safe (connections come from a pool). Functions
 * return 0 on success (or 1/0 for found/not found where said) and -1 on a
 * database error, which they log once to stderr with the statement's name.
 */
#ifndef CCSIG_SERVE_STORE_H
#define CCSIG_SERVE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ccsig/buf.h"
#include "httputil.h"
#include "policy.h"

#define STORE_NAME_MAX 200
#define STORE_TEXT_MAX 1000
#define STORE_HASH_HEX 64 /* BLAKE2b-256 of a key's secret, hex */

typedef enum reuser_kind { KIND_BULK = 0, KIND_PUBLIC = 1 } reuser_kind;
typedef enum reuser_status {
    ST_ACTIVE = 0, /* key works at its class's rate */
    ST_PENDING,    /* public-interest claim awaiting the steward */
    ST_REVOKED,    /* key revoked by the steward */
    ST_REJECTED    /* claim rejected: key does not work */
} reuser_status;

const char *reuser_kind_name(reuser_kind k);     /* "bulk", "public-interest" */
const char *reuser_status_name(reuser_status s); /* "active", "pending", ... */
int reuser_kind_parse(const char *s);            /* -1 when unknown */
int reuser_status_parse(const char *s);

typedef struct reuser {
    int64_t id;
    char key_id[HU_KEY_ID_LEN + 1];
    char key_hash[STORE_HASH_HEX + 1];
    int kind;             /* reuser_kind */
    int status;           /* reuser_status */
    int use;              /* ccsig_category the reuser registered for */
    unsigned commitments; /* CCSIG_COND_* accepted */
    int purpose;          /* ccsig_purpose claimed (public-interest) */
    char name[STORE_NAME_MAX + 1];
    char contact[STORE_NAME_MAX + 1];
    char claim[STORE_TEXT_MAX + 1];        /* who they are, why the purpose applies */
    char credit[STORE_TEXT_MAX + 1];       /* the credit they will give */
    char contribution[STORE_TEXT_MAX + 1]; /* the contribution they pledge */
    int64_t created_ms;
    int64_t decided_ms;                  /* approval, rejection or revocation */
    char terms_hash[STORE_HASH_HEX + 1]; /* the terms version last accepted ("" none) */
} reuser;

/* What a request needs of its reuser: kept per key in the gateway's cache
 * (keycache.h) so that a keyed request costs no database read. */
typedef struct reuser_key {
    int64_t id;
    char key_id[HU_KEY_ID_LEN + 1];
    char key_hash[STORE_HASH_HEX + 1];
    uint8_t hash[STORE_HASH_HEX / 2]; /* key_hash decoded once (hash_ok), not per request */
    bool hash_ok;
    int kind, status, use, purpose;
    unsigned commitments;
    char terms_hash[STORE_HASH_HEX + 1]; /* the terms version the key stands on */
} reuser_key;

void reuser_key_from(reuser_key *k, const reuser *u);

typedef enum admit_outcome {
    ADMIT_OK = 0,
    ADMIT_RATE,  /* over the rate: retry_after_ms */
    ADMIT_QUOTA, /* daily quota used: retry at the next UTC midnight */
    ADMIT_GONE   /* revoked or rejected meanwhile */
} admit_outcome;

typedef struct admit_result {
    admit_outcome outcome;
    int64_t retry_after_ms;
    uint64_t quota_used; /* requests counted today, this one included when OK */
} admit_result;

#define LEDGER_PATH_MAX 512
typedef struct ledger_rec {
    int64_t reuser_id;
    char key_id[HU_KEY_ID_LEN + 1];
    int64_t ts_ms;
    char method[8];
    char path[LEDGER_PATH_MAX + 1];
    int status;
    uint64_t bytes;
    char tier[16];
    char request_id[65];
    char instance[48];
    /* Web Bot Auth and pay per crawl (wba.h, paycrawl.h): the verified
     * Signature-Agent ("" when none; reuser_id is 0 for an agent no reuser
     * registered) and what the request was charged (0: nothing). */
    char agent[256];
    char currency[4];
    int64_t charge_micros; /* millionths of the currency's unit */
} ledger_rec;

typedef struct usage_row {
    int64_t reuser_id;
    int64_t day; /* days since 1970-01-01 UTC */
    uint64_t requests;
    uint64_t ok; /* 2xx */
    uint64_t bytes;
} usage_row;

typedef struct store store;

/* Open flags. */
enum {
    /* Ledger commits reach the operating system, not the disk: they survive
     * a crash of the gateway (kill -9) but not of the machine. sqlite:
     * synchronous=NORMAL for the ledger; postgresql: synchronous_commit=off
     * for the ledger's transactions. Default: every commit is on disk. */
    STORE_LEDGER_SYNC_PROCESS = 1
};

/* Open (creating and migrating as needed). url is "sqlite:PATH" or
 * "postgresql://..." / "postgres://...". pool is the number of pooled
 * connections. */
int store_open(const char *url, unsigned pool, unsigned flags, store **out, char *err,
               size_t errlen);
void store_close(store *s);
/* "sqlite" or "postgresql". */
const char *store_kind(const store *s);
/* For messages: the URL without any password. */
const char *store_display(const store *s);
/* Applied schema version. */
int store_schema_version(store *s);

int store_reuser_insert(store *s, reuser *r); /* sets r->id */
int store_reuser_by_key(store *s, const char *key_id, reuser *r);
int store_reuser_get(store *s, int64_t id, reuser *r);
/* Returns 1 when the reuser existed. */
int store_reuser_set_status(store *s, int64_t id, reuser_status st, int64_t now_ms);
int store_reusers_list(store *s, int (*cb)(void *, const reuser *), void *arg);

/* Admit one request of a reuser under its tier (rate, burst, daily quota).
 * sqlite: in memory; postgresql: one atomic UPDATE (database clock). */
int store_admit(store *s, const reuser_key *r, const tier *t, int64_t now_ms, admit_result *out);

/* Append records in one transaction; returns only once it is durable. */
int store_ledger_append(store *s, const ledger_rec *recs, size_t n);
/* Requests per reuser and UTC day in [from_day, to_day]; reuser_id 0 = all. */
int store_usage(store *s, int64_t reuser_id, int64_t from_day, int64_t to_day,
                int (*cb)(void *, const usage_row *), void *arg);
/* Every ledger record in id order. */
int store_ledger_export(store *s, int (*cb)(void *, const ledger_rec *), void *arg);

int store_steward_set(store *s, const char *name, const char *pwhash, int64_t now_ms);
/* 1 found, 0 not. hash must hold 128 bytes (crypto_pwhash_STRBYTES). */
int store_steward_get(store *s, const char *name, int64_t *id, char *hash, size_t hashlen);
int store_steward_count(store *s);

int store_session_put(store *s, const char *sid_hash, int64_t steward_id, const char *csrf,
                      int64_t now_ms, int64_t expires_ms);
/* 1 when a live session exists: fills steward name (64) and csrf (65). */
int store_session_get(store *s, const char *sid_hash, int64_t now_ms, char *name, size_t namelen,
                      char *csrf, size_t csrflen);
int store_session_delete(store *s, const char *sid_hash);

/* ---- the collection's terms (terms.h) and their acceptance ---- */

/* One version of the terms: a distinct document, numbered in the order it
 * was first published. */
typedef struct terms_rec {
    int64_t version;
    char hash[STORE_HASH_HEX + 1]; /* SHA-256 of the JSON document, hex */
    int64_t published_ms;
} terms_rec;

/* A reuser's acceptance of one version of the terms. */
typedef struct acceptance {
    int64_t reuser_id;
    char terms_hash[STORE_HASH_HEX + 1];
    int64_t version; /* filled by store_acceptances */
    int64_t accepted_ms;
    char address[64]; /* the client address that accepted */
    int use;          /* ccsig_category */
    unsigned commitments;
} acceptance;

/* Record the terms document (json, and html for people) under its hash
 * unless it is known; fills *out with its version (new or existing). */
int store_terms_put(store *s, const char *hash, const char *json, const char *html, int64_t now_ms,
                    terms_rec *out);
/* 1 and the version (and, when not NULL, its documents appended to json,
 * html) when hash is known; 0 when not. */
int store_terms_get(store *s, const char *hash, terms_rec *out, ccsig_buf *json, ccsig_buf *html);
/* Every version, newest first. */
int store_terms_list(store *s, int (*cb)(void *, const terms_rec *), void *arg);
/* In one transaction: append the acceptance and make its version and
 * pledges the reuser's current ones (reusers.terms_hash, commitments). */
int store_accept(store *s, const acceptance *a);
/* A reuser's acceptances (reuser_id 0: everyone's), newest first. */
int store_acceptances(store *s, int64_t reuser_id, int (*cb)(void *, const acceptance *),
                      void *arg);

/* ---- reports back: where a reuser's credit appears (reports.c) ---- */

#define STORE_REPORT_URL_MAX 2000
#define STORE_REPORT_NOTE_MAX 500

typedef struct credit_report {
    int64_t id; /* set by store_report_add */
    int64_t reuser_id;
    char url[STORE_REPORT_URL_MAX + 1];   /* where the credit appears */
    char note[STORE_REPORT_NOTE_MAX + 1]; /* what it is ("model card"), may be "" */
    char address[64];                     /* the client address that reported */
    int64_t reported_ms;
} credit_report;

/* Record a report (sets r->id). 0, or -1 on a database error. */
int store_report_add(store *s, credit_report *r);
/* A reuser's reports (reuser_id 0: everyone's), newest first. */
int store_reports(store *s, int64_t reuser_id, int (*cb)(void *, const credit_report *), void *arg);

/* The gateway's receipt signing key (an Ed25519 secret key, hex): the
 * stored one, or fresh_hex stored now when there is none yet (several
 * gateways starting together agree on one). */
#define STORE_SECRET_HEX 128
int store_signing_key(store *s, const char *fresh_hex, int64_t now_ms,
                      char out_hex[STORE_SECRET_HEX + 1]);

/* ---- Web Bot Auth signature agents (wba.h) ---- */

/* Register the key directory URL of a reuser's signature agent. 0 done, 1
 * when the directory is already registered (to this or another reuser),
 * -1 error. */
int store_agent_put(store *s, const char *directory, int64_t reuser_id, int64_t now_ms);
/* 1 and *reuser_id when directory is registered, 0 when not. */
int store_agent_get(store *s, const char *directory, int64_t *reuser_id);
/* 1 and the directory of a reuser's agent (n bytes), 0 when it has none. */
int store_agent_of(store *s, int64_t reuser_id, char *directory, size_t n);

/* Web Bot Auth nonces shared by every gateway of the store (PostgreSQL:
 * table wba_nonces, migration 7). store_nonces_shared: the store keeps
 * them (SQLite does not: its one process keeps its own, wba.c). */
bool store_nonces_shared(store *s);
/* Record nonce (hex of its hash) used by agent until expires_s: 1 when it
 * was not live (never seen, or its earlier use expired before now_s), 0
 * when it is a replay, -1 on error or when the store keeps no nonces. */
int store_nonce_put(store *s, const char *nonce, const char *agent, int64_t expires_s,
                    int64_t now_s);
/* Drop the nonces expired before now_s: 0, -1 on error. */
int store_nonce_prune(store *s, int64_t now_s);

/* ---- pay per crawl (paycrawl.h) ---- */

/* The charges of one reuser (or, reuser 0, of one unregistered agent) in
 * one currency over a period. */
typedef struct charge_row {
    int64_t reuser_id;
    char agent[256];
    char currency[4];
    uint64_t requests;
    int64_t micros;
} charge_row;

/* Charged ledger records with from_ms <= ts_ms < to_ms (reuser_id 0:
 * everyone's), summed per reuser, agent and currency, in that order. */
int store_charges(store *s, int64_t reuser_id, int64_t from_ms, int64_t to_ms,
                  int (*cb)(void *, const charge_row *), void *arg);

/* ---- the ledger's journal (journal.h; SQLite only) ---- */

/* The byte offset of the journal name imported so far (0 when none). */
int store_journal_offset(store *s, const char *name, int64_t *off);
/* In one transaction: check that the journal's offset is still expect
 * (another importer did not get there first: else 1), append recs and set
 * the offset to new_off. 0 done, 1 conflict, -1 error. */
int store_journal_import(store *s, const char *name, int64_t expect, const ledger_rec *recs,
                         size_t n, int64_t new_off);
/* Under the database's write lock: when the offset is still expect, call
 * truncate(arg) (which empties the file, or declines with nonzero) and set
 * the offset to 0. 0 done, 1 declined or conflict, -1 error. */
int store_journal_reset(store *s, const char *name, int64_t expect, int (*truncate)(void *),
                        void *arg);

/* ---- PostgreSQL full-text search (store_search_* fail on sqlite) ---- */

typedef struct search_doc {
    const char *path; /* "/dir/file.txt" */
    const char *title;
    const char *body;
} search_doc;

int store_search_replace(store *s, const search_doc *docs, size_t n);
/* cb gets path, title, snippet (matches between \x01 and \x02), rank. */
int store_search_query(store *s, const char *q, size_t limit,
                       int (*cb)(void *, const char *, const char *, const char *, double),
                       void *arg);

/* The query of store_charges in both dialects ($1 from_ms, $2 to_ms, $3
 * reuser_id or 0). */
extern const char store_charges_sql[];

/* Internal: the backends. */
typedef struct store_ops {
    void (*close)(store *);
    int (*reuser_insert)(store *, reuser *);
    int (*reuser_by_key)(store *, const char *, reuser *);
    int (*reuser_get)(store *, int64_t, reuser *);
    int (*reuser_set_status)(store *, int64_t, reuser_status, int64_t);
    int (*reusers_list)(store *, int (*)(void *, const reuser *), void *);
    int (*admit)(store *, const reuser_key *, const tier *, int64_t, admit_result *);
    int (*ledger_append)(store *, const ledger_rec *, size_t);
    int (*usage)(store *, int64_t, int64_t, int64_t, int (*)(void *, const usage_row *), void *);
    int (*ledger_export)(store *, int (*)(void *, const ledger_rec *), void *);
    int (*steward_set)(store *, const char *, const char *, int64_t);
    int (*steward_get)(store *, const char *, int64_t *, char *, size_t);
    int (*steward_count)(store *);
    int (*session_put)(store *, const char *, int64_t, const char *, int64_t, int64_t);
    int (*session_get)(store *, const char *, int64_t, char *, size_t, char *, size_t);
    int (*session_delete)(store *, const char *);
    int (*search_replace)(store *, const search_doc *, size_t);
    int (*search_query)(store *, const char *, size_t,
                        int (*)(void *, const char *, const char *, const char *, double), void *);
    int (*schema_version)(store *);
    int (*journal_offset)(store *, const char *, int64_t *);
    int (*journal_import)(store *, const char *, int64_t, const ledger_rec *, size_t, int64_t);
    int (*journal_reset)(store *, const char *, int64_t, int (*)(void *), void *);
    int (*terms_put)(store *, const char *, const char *, const char *, int64_t, terms_rec *);
    int (*terms_get)(store *, const char *, terms_rec *, ccsig_buf *, ccsig_buf *);
    int (*terms_list)(store *, int (*)(void *, const terms_rec *), void *);
    int (*accept)(store *, const acceptance *);
    int (*acceptances)(store *, int64_t, int (*)(void *, const acceptance *), void *);
    int (*signing_key)(store *, const char *, int64_t, char *);
    int (*report_add)(store *, credit_report *);
    int (*reports)(store *, int64_t, int (*)(void *, const credit_report *), void *);
    /* Web Bot Auth */
    int (*agent_put)(store *, const char *, int64_t, int64_t);
    int (*agent_get)(store *, const char *, int64_t *);
    int (*agent_of)(store *, int64_t, char *, size_t);
    int (*charges)(store *, int64_t, int64_t, int64_t, int (*)(void *, const charge_row *), void *);
    int (*nonce_put)(store *, const char *, const char *, int64_t, int64_t); /* NULL: not kept */
    int (*nonce_prune)(store *, int64_t);
} store_ops;

struct store {
    const store_ops *ops;
    const char *kind;
    char display[256];
};

/* Migrations shared by both backends: the same tables and columns; the
 * only differences are the identity column and PostgreSQL's search table. */
typedef struct migration {
    int version;
    const char *sqlite_sql;
    const char *pg_sql;
} migration;
const migration *store_migrations(size_t *n);

/* A batch's usage per reuser and day (for usage_daily). */
typedef struct usage_sum {
    int64_t reuser_id, day;
    uint64_t requests, ok, refused, bytes;
} usage_sum;
/* Sum recs into out (at most cap); returns how many, or (size_t)-1 when
 * cap is too small. */
size_t store_usage_sums(const ledger_rec *recs, size_t n, usage_sum *out, size_t cap);
/* INSERT ... ON CONFLICT DO UPDATE adding one usage_sum ($1..$6). */
extern const char store_usage_upsert_sql[];

int store_sqlite_open(const char *path, unsigned pool, unsigned flags, store **out, char *err,
                      size_t errlen);
int store_pg_open(const char *conninfo, unsigned pool, unsigned flags, store **out, char *err,
                  size_t errlen);

#endif
