/*
 * store.c — backend dispatch, names and the schema migrations shared by the
 * SQLite and PostgreSQL backends.
 *
 * A migration is applied once, in order, inside a transaction, and recorded
 * in schema_migrations; the PostgreSQL backend holds an advisory lock while
 * migrating so that instances started together do not race.
 */
#include "store.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = {"bulk", "public-interest"};
static const char *const status_names[] = {"active", "pending", "revoked", "rejected"};

const char *reuser_kind_name(reuser_kind k) {
    return (unsigned)k < 2 ? kind_names[k] : "?";
}

const char *reuser_status_name(reuser_status s) {
    return (unsigned)s < 4 ? status_names[s] : "?";
}

int reuser_kind_parse(const char *s) {
    for (int i = 0; i < 2; i++)
        if (!strcmp(s, kind_names[i]))
            return i;
    return -1;
}

int reuser_status_parse(const char *s) {
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, status_names[i]))
            return i;
    return -1;
}

#define COMMON_V1(ID)                                                                              \
    "CREATE TABLE stewards (id " ID ", name TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,"    \
    " created_ms BIGINT NOT NULL);"                                                                \
    "CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, steward_id BIGINT NOT NULL"                  \
    " REFERENCES stewards(id), csrf TEXT NOT NULL, created_ms BIGINT NOT NULL,"                    \
    " expires_ms BIGINT NOT NULL);"                                                                \
    "CREATE TABLE reusers (id " ID ", key_id TEXT NOT NULL UNIQUE, key_hash TEXT NOT NULL,"        \
    " kind TEXT NOT NULL, status TEXT NOT NULL, name TEXT NOT NULL, contact TEXT NOT NULL,"        \
    " use_category TEXT NOT NULL, commitments INTEGER NOT NULL, purpose TEXT NOT NULL,"            \
    " claim TEXT NOT NULL, credit TEXT NOT NULL, contribution TEXT NOT NULL,"                      \
    " created_ms BIGINT NOT NULL, decided_ms BIGINT NOT NULL DEFAULT 0,"                           \
    " rl_tat_ms DOUBLE PRECISION NOT NULL DEFAULT 0, quota_day BIGINT NOT NULL DEFAULT 0,"         \
    " quota_used BIGINT NOT NULL DEFAULT 0);"                                                      \
    "CREATE TABLE ledger (id " ID ", reuser_id BIGINT NOT NULL, key_id TEXT NOT NULL,"             \
    " ts_ms BIGINT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, status INTEGER NOT NULL,"   \
    " bytes BIGINT NOT NULL, tier TEXT NOT NULL, request_id TEXT NOT NULL,"                        \
    " instance TEXT NOT NULL);"                                                                    \
    "CREATE INDEX ledger_reuser_ts ON ledger (reuser_id, ts_ms);"                                  \
    "CREATE INDEX ledger_ts ON ledger (ts_ms);"

/* Version 2: usage per reuser and UTC day, kept up to date by the ledger's
 * own transactions (one upsert per reuser and day of a batch), so that the
 * steward's chart, the CSV and the quota at start read a small table, and
 * the ledger itself needs no index: appending a record is appending to one
 * b-tree. Existing ledgers are summed into it. */
#define V2_SQL                                                                                     \
    "CREATE TABLE usage_daily (reuser_id BIGINT NOT NULL, day BIGINT NOT NULL,"                    \
    " requests BIGINT NOT NULL, ok BIGINT NOT NULL, refused BIGINT NOT NULL,"                      \
    " bytes BIGINT NOT NULL, PRIMARY KEY (reuser_id, day));"                                       \
    "INSERT INTO usage_daily SELECT reuser_id, ts_ms / 86400000, count(*),"                        \
    " sum(CASE WHEN status BETWEEN 200 AND 299 THEN 1 ELSE 0 END),"                                \
    " sum(CASE WHEN status IN (401, 429) THEN 1 ELSE 0 END), sum(bytes) FROM ledger"               \
    " GROUP BY reuser_id, ts_ms / 86400000;"                                                       \
    "DROP INDEX ledger_reuser_ts;"                                                                 \
    "DROP INDEX ledger_ts;"

/* Version 3: how far the ledger's journal (ledger-sync: process) has been
 * imported, moved in the same transaction as the records. */
#define V3_SQL "CREATE TABLE ledger_journal (name TEXT PRIMARY KEY, byte_offset BIGINT NOT NULL);"

/* Version 4: the collection's terms, versioned (one row per distinct
 * document, numbered in the order first published, kept for ever so that
 * every version's URL stays valid; numbered by the insert itself, as an
 * identity column would skip the numbers of inserts that found the hash
 * known), each reuser's acceptances (which
 * version, when, from which address, for which use, with which pledges)
 * and the version a reuser's key currently stands on; the gateway's Ed25519
 * key for usage receipts (one row, shared by every gateway of the store). */
#define V4_SQL(ID)                                                                                 \
    "CREATE TABLE terms (version BIGINT PRIMARY KEY, hash TEXT NOT NULL UNIQUE,"                   \
    " published_ms BIGINT NOT NULL, json TEXT NOT NULL, html TEXT NOT NULL);"                      \
    "CREATE TABLE acceptances (id " ID ", reuser_id BIGINT NOT NULL, terms_hash TEXT NOT NULL,"    \
    " accepted_ms BIGINT NOT NULL, address TEXT NOT NULL, use_category TEXT NOT NULL,"             \
    " commitments INTEGER NOT NULL);"                                                              \
    "CREATE INDEX acceptances_reuser ON acceptances (reuser_id, id);"                              \
    "ALTER TABLE reusers ADD COLUMN terms_hash TEXT NOT NULL DEFAULT '';"                          \
    "CREATE TABLE signing_key (id INTEGER PRIMARY KEY CHECK (id = 1),"                             \
    " secret_key TEXT NOT NULL, created_ms BIGINT NOT NULL);"

/* Version 5: reports back, where a reuser says its credit appears (the
 * URL of a model card, an answer page), one row per report, shown to the
 * steward (server/reports.c). A table of its own: nothing else changes. */
#define V5_SQL(ID)                                                                                 \
    "CREATE TABLE credit_reports (id " ID ", reuser_id BIGINT NOT NULL, url TEXT NOT NULL,"        \
    " note TEXT NOT NULL, address TEXT NOT NULL, reported_ms BIGINT NOT NULL);"                    \
    "CREATE INDEX credit_reports_reuser ON credit_reports (reuser_id, id);"

/* Version 6 (Web Bot Auth and pay per crawl, server/wba.c, paycrawl.c):
 * the signature agents reusers registered, by the URL of their key
 * directory (one reuser per agent); each ledger record's verified agent and
 * charge. */
#define V6_WBA_SQL                                                                                 \
    "CREATE TABLE signature_agents (directory TEXT PRIMARY KEY, reuser_id BIGINT NOT NULL,"        \
    " created_ms BIGINT NOT NULL);"                                                                \
    "CREATE INDEX signature_agents_reuser ON signature_agents (reuser_id);"                        \
    "ALTER TABLE ledger ADD COLUMN agent TEXT NOT NULL DEFAULT '';"                                \
    "ALTER TABLE ledger ADD COLUMN currency TEXT NOT NULL DEFAULT '';"                             \
    "ALTER TABLE ledger ADD COLUMN charge_micros BIGINT NOT NULL DEFAULT 0;"

/* Version 7: the Web Bot Auth nonces seen, shared by the gateways of one
 * PostgreSQL database so that a nonce replayed to another gateway is
 * refused too (store_nonce_put). nonce is the BLAKE2b-128 of keyid and
 * nonce in hex; a row is dead once its signature expired (expires_s) and is
 * pruned. SQLite gets the table but does not use it: one process owns an
 * SQLite file, and its in-memory table is that process's (wba.c). */
#define V7_NONCES_SQL                                                                              \
    "CREATE TABLE wba_nonces (nonce TEXT PRIMARY KEY, agent TEXT NOT NULL,"                        \
    " expires_s BIGINT NOT NULL);"                                                                 \
    "CREATE INDEX wba_nonces_expires ON wba_nonces (expires_s);"

static const migration migrations[] = {
    {1, COMMON_V1("INTEGER PRIMARY KEY AUTOINCREMENT"),
     COMMON_V1("BIGSERIAL PRIMARY KEY")
     /* PostgreSQL full-text search over the collection (the embedded setup
      * keeps its FTS5 index in a file of its own, rebuilt at start). */
     "CREATE TABLE search_docs (path TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL,"
     " tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A') ||"
     " setweight(to_tsvector('english', body), 'B')) STORED);"
     "CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);"},
    {2, V2_SQL, V2_SQL},
    {3, V3_SQL, V3_SQL},
    {4, V4_SQL("INTEGER PRIMARY KEY AUTOINCREMENT"), V4_SQL("BIGSERIAL PRIMARY KEY")},
    {5, V5_SQL("INTEGER PRIMARY KEY AUTOINCREMENT"), V5_SQL("BIGSERIAL PRIMARY KEY")},
    {6, V6_WBA_SQL, V6_WBA_SQL},
    {7, V7_NONCES_SQL, V7_NONCES_SQL},
};

/* The statement that adds a batch's sums to usage_daily (both dialects). */
const char store_usage_upsert_sql[] =
    "INSERT INTO usage_daily (reuser_id, day, requests, ok, refused, bytes)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (reuser_id, day) DO UPDATE SET"
    " requests = usage_daily.requests + excluded.requests, ok = usage_daily.ok + excluded.ok,"
    " refused = usage_daily.refused + excluded.refused,"
    " bytes = usage_daily.bytes + excluded.bytes";

size_t store_usage_sums(const ledger_rec *recs, size_t n, usage_sum *out, size_t cap) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t day = recs[i].ts_ms / 86400000;
        size_t k = 0;
        while (k < m && !(out[k].reuser_id == recs[i].reuser_id && out[k].day == day))
            k++;
        if (k == m) {
            if (m == cap)
                return (size_t)-1;
            out[m++] = (usage_sum){recs[i].reuser_id, day, 0, 0, 0, 0};
        }
        out[k].requests++;
        out[k].ok += recs[i].status >= 200 && recs[i].status <= 299;
        out[k].refused += recs[i].status == 401 || recs[i].status == 429;
        out[k].bytes += recs[i].bytes;
    }
    return m;
}

const migration *store_migrations(size_t *n) {
    *n = sizeof migrations / sizeof migrations[0];
    return migrations;
}

int store_open(const char *url, unsigned pool, unsigned flags, store **out, char *err,
               size_t errlen) {
    *out = NULL;
    if (pool < 2)
        pool = 2;
    if (!strncmp(url, "sqlite:", 7)) {
        if (!url[7]) {
            snprintf(err, errlen, "--db sqlite: needs a file path (sqlite:ledger.db)");
            return -1;
        }
        return store_sqlite_open(url + 7, pool, flags, out, err, errlen);
    }
    if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11))
        return store_pg_open(url, pool, flags, out, err, errlen);
    snprintf(err, errlen, "unknown --db '%s' (expected sqlite:PATH or postgresql://...)", url);
    return -1;
}

void store_close(store *s) {
    if (s)
        s->ops->close(s);
}

const char *store_kind(const store *s) {
    return s->kind;
}

const char *store_display(const store *s) {
    return s->display;
}

int store_schema_version(store *s) {
    return s->ops->schema_version(s);
}

int store_reuser_insert(store *s, reuser *r) {
    return s->ops->reuser_insert(s, r);
}

int store_reuser_by_key(store *s, const char *key_id, reuser *r) {
    return s->ops->reuser_by_key(s, key_id, r);
}

int store_reuser_get(store *s, int64_t id, reuser *r) {
    return s->ops->reuser_get(s, id, r);
}

int store_reuser_set_status(store *s, int64_t id, reuser_status st, int64_t now_ms) {
    return s->ops->reuser_set_status(s, id, st, now_ms);
}

int store_reusers_list(store *s, int (*cb)(void *, const reuser *), void *arg) {
    return s->ops->reusers_list(s, cb, arg);
}

void reuser_key_from(reuser_key *k, const reuser *u) {
    memset(k, 0, sizeof *k);
    k->id = u->id;
    memcpy(k->key_id, u->key_id, sizeof k->key_id);
    memcpy(k->key_hash, u->key_hash, sizeof k->key_hash);
    k->hash_ok = strlen(u->key_hash) == STORE_HASH_HEX;
    memcpy(k->terms_hash, u->terms_hash, sizeof k->terms_hash);
    for (size_t i = 0; k->hash_ok && i < sizeof k->hash; i++) {
        int hi = ccsig_hex_value((unsigned char)u->key_hash[2 * i]),
            lo = ccsig_hex_value((unsigned char)u->key_hash[2 * i + 1]);
        k->hash_ok = hi >= 0 && lo >= 0;
        k->hash[i] = (uint8_t)(hi * 16 + lo);
    }
    k->kind = u->kind;
    k->status = u->status;
    k->use = u->use;
    k->purpose = u->purpose;
    k->commitments = u->commitments;
}

int store_admit(store *s, const reuser_key *r, const tier *t, int64_t now_ms, admit_result *out) {
    return s->ops->admit(s, r, t, now_ms, out);
}

int store_ledger_append(store *s, const ledger_rec *recs, size_t n) {
    return n ? s->ops->ledger_append(s, recs, n) : 0;
}

int store_usage(store *s, int64_t reuser_id, int64_t from_day, int64_t to_day,
                int (*cb)(void *, const usage_row *), void *arg) {
    return s->ops->usage(s, reuser_id, from_day, to_day, cb, arg);
}

int store_ledger_export(store *s, int (*cb)(void *, const ledger_rec *), void *arg) {
    return s->ops->ledger_export(s, cb, arg);
}

int store_steward_set(store *s, const char *name, const char *pwhash, int64_t now_ms) {
    return s->ops->steward_set(s, name, pwhash, now_ms);
}

int store_steward_get(store *s, const char *name, int64_t *id, char *hash, size_t hashlen) {
    return s->ops->steward_get(s, name, id, hash, hashlen);
}

int store_steward_count(store *s) {
    return s->ops->steward_count(s);
}

int store_session_put(store *s, const char *sid_hash, int64_t steward_id, const char *csrf,
                      int64_t now_ms, int64_t expires_ms) {
    return s->ops->session_put(s, sid_hash, steward_id, csrf, now_ms, expires_ms);
}

int store_session_get(store *s, const char *sid_hash, int64_t now_ms, char *name, size_t namelen,
                      char *csrf, size_t csrflen) {
    return s->ops->session_get(s, sid_hash, now_ms, name, namelen, csrf, csrflen);
}

int store_session_delete(store *s, const char *sid_hash) {
    return s->ops->session_delete(s, sid_hash);
}

int store_terms_put(store *s, const char *hash, const char *json, const char *html, int64_t now_ms,
                    terms_rec *out) {
    return s->ops->terms_put(s, hash, json, html, now_ms, out);
}

int store_terms_get(store *s, const char *hash, terms_rec *out, ccsig_buf *json, ccsig_buf *html) {
    return s->ops->terms_get(s, hash, out, json, html);
}

int store_terms_list(store *s, int (*cb)(void *, const terms_rec *), void *arg) {
    return s->ops->terms_list(s, cb, arg);
}

int store_accept(store *s, const acceptance *a) {
    return s->ops->accept(s, a);
}

int store_report_add(store *s, credit_report *r) {
    return s->ops->report_add(s, r);
}

int store_reports(store *s, int64_t reuser_id, int (*cb)(void *, const credit_report *),
                  void *arg) {
    return s->ops->reports(s, reuser_id, cb, arg);
}

int store_acceptances(store *s, int64_t reuser_id, int (*cb)(void *, const acceptance *),
                      void *arg) {
    return s->ops->acceptances(s, reuser_id, cb, arg);
}

int store_signing_key(store *s, const char *fresh_hex, int64_t now_ms,
                      char out_hex[STORE_SECRET_HEX + 1]) {
    return s->ops->signing_key(s, fresh_hex, now_ms, out_hex);
}

int store_agent_put(store *s, const char *directory, int64_t reuser_id, int64_t now_ms) {
    return s->ops->agent_put(s, directory, reuser_id, now_ms);
}

int store_agent_get(store *s, const char *directory, int64_t *reuser_id) {
    return s->ops->agent_get(s, directory, reuser_id);
}

bool store_nonces_shared(store *s) {
    return s->ops->nonce_put != NULL;
}

int store_nonce_put(store *s, const char *nonce, const char *agent, int64_t expires_s,
                    int64_t now_s) {
    return s->ops->nonce_put ? s->ops->nonce_put(s, nonce, agent, expires_s, now_s) : -1;
}

int store_nonce_prune(store *s, int64_t now_s) {
    return s->ops->nonce_prune ? s->ops->nonce_prune(s, now_s) : 0;
}

int store_agent_of(store *s, int64_t reuser_id, char *directory, size_t n) {
    return s->ops->agent_of(s, reuser_id, directory, n);
}

const char store_charges_sql[] =
    "SELECT reuser_id, agent, currency, count(*), sum(charge_micros) FROM ledger"
    " WHERE charge_micros > 0 AND ts_ms >= CAST($1 AS BIGINT) AND ts_ms < CAST($2 AS BIGINT)"
    " AND (CAST($3 AS BIGINT) = 0 OR reuser_id = CAST($3 AS BIGINT))"
    " GROUP BY reuser_id, agent, currency ORDER BY reuser_id, agent, currency";

int store_charges(store *s, int64_t reuser_id, int64_t from_ms, int64_t to_ms,
                  int (*cb)(void *, const charge_row *), void *arg) {
    return s->ops->charges(s, reuser_id, from_ms, to_ms, cb, arg);
}

int store_journal_offset(store *s, const char *name, int64_t *off) {
    return s->ops->journal_offset ? s->ops->journal_offset(s, name, off) : -1;
}

int store_journal_import(store *s, const char *name, int64_t expect, const ledger_rec *recs,
                         size_t n, int64_t new_off) {
    return s->ops->journal_import ? s->ops->journal_import(s, name, expect, recs, n, new_off) : -1;
}

int store_journal_reset(store *s, const char *name, int64_t expect, int (*truncate)(void *),
                        void *arg) {
    return s->ops->journal_reset ? s->ops->journal_reset(s, name, expect, truncate, arg) : -1;
}

int store_search_replace(store *s, const search_doc *docs, size_t n) {
    return s->ops->search_replace ? s->ops->search_replace(s, docs, n) : -1;
}

int store_search_query(store *s, const char *q, size_t limit,
                       int (*cb)(void *, const char *, const char *, const char *, double),
                       void *arg) {
    return s->ops->search_query ? s->ops->search_query(s, q, limit, cb, arg) : -1;
}
