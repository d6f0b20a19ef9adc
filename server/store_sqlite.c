/*
 * store_sqlite.c — the embedded backend: one SQLite file in WAL mode with
 * synchronous=FULL, so a committed ledger batch survives kill -9 and power
 * loss (the WAL is fsynced at every commit).
 *
 * Connections: a pool for requests and steward pages (each with its
 * prepared statements cached), and one connection of its own for the ledger
 * writer. Per-key rate and quota state lives in memory (one process owns the
 * file); the quota counts are rebuilt from today's ledger at start, so a
 * restart does not hand out a fresh quota.
 */
#include <pthread.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"
#include "store.h"
#include "sysio.h"

enum {
    Q_REUSER_BY_KEY,
    Q_REUSER_GET,
    Q_REUSER_INSERT,
    Q_REUSER_STATUS,
    Q_REUSERS_LIST,
    Q_USAGE_ALL,
    Q_USAGE_ONE,
    Q_EXPORT,
    Q_STEWARD_SET,
    Q_STEWARD_GET,
    Q_STEWARD_COUNT,
    Q_SESSION_PUT,
    Q_SESSION_GET,
    Q_SESSION_DEL,
    Q_SESSION_GC,
    Q_COUNT
};

#define REUSER_COLS                                                                                \
    "id, key_id, key_hash, kind, status, name, contact, use_category, commitments, purpose,"       \
    " claim, credit, contribution, created_ms, decided_ms, terms_hash"

static const char *const sql_text[Q_COUNT] = {
    "SELECT " REUSER_COLS " FROM reusers WHERE key_id = ?1",
    "SELECT " REUSER_COLS " FROM reusers WHERE id = ?1",
    "INSERT INTO reusers (key_id, key_hash, kind, status, name, contact, use_category,"
    " commitments, purpose, claim, credit, contribution, created_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    "UPDATE reusers SET status = ?2, decided_ms = ?3 WHERE id = ?1",
    "SELECT " REUSER_COLS " FROM reusers ORDER BY id DESC",
    "SELECT reuser_id, day, requests, ok, bytes FROM usage_daily WHERE day >= ?1 AND day <= ?2"
    " ORDER BY reuser_id, day",
    "SELECT reuser_id, day, requests, ok, bytes FROM usage_daily WHERE reuser_id = ?3"
    " AND day >= ?1 AND day <= ?2 ORDER BY reuser_id, day",
    "SELECT reuser_id, key_id, ts_ms, method, path, status, bytes, tier, request_id, instance,"
    " agent, currency, charge_micros FROM ledger ORDER BY id",
    "INSERT INTO stewards (name, password_hash, created_ms) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash",
    "SELECT id, password_hash FROM stewards WHERE name = ?1",
    "SELECT count(*) FROM stewards",
    "INSERT INTO sessions (id_hash, steward_id, csrf, created_ms, expires_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5)",
    "SELECT st.name, se.csrf FROM sessions se JOIN stewards st ON st.id = se.steward_id"
    " WHERE se.id_hash = ?1 AND se.expires_ms > ?2",
    "DELETE FROM sessions WHERE id_hash = ?1",
    "DELETE FROM sessions WHERE expires_ms <= ?1",
};

typedef struct sconn {
    sqlite3 *db;
    sqlite3_stmt *st[Q_COUNT];
} sconn;

typedef struct kstate {
    int64_t tat_us;
    int64_t day;
    uint64_t used;
} kstate;

typedef struct sq_store {
    store base;
    char *path;
    sconn *conns;
    unsigned nconns;
    unsigned *free_stack;
    unsigned nfree;
    pthread_mutex_t mu;
    pthread_cond_t cv;

    sqlite3 *ledger_db;
    sqlite3_stmt *ledger_ins;
    sqlite3_stmt *ledger_ins_many; /* LEDGER_ROWS_PER_INSERT rows */
    sqlite3_stmt *usage_upsert;
    usage_sum *sums;
    size_t sums_cap;
    pthread_mutex_t ledger_mu;

    pthread_mutex_t kmu;
    kstate *ks;
    size_t nks;
} sq_store;

static void log_err(sqlite3 *db, const char *what) {
    fprintf(stderr, "ccsig serve: sqlite: %s: %s\n", what, sqlite3_errmsg(db));
}

static int open_conn(const char *path, sqlite3 **out, char *err, size_t errlen) {
    sqlite3 *db = NULL;
    int rc =
        sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        SERVE_SQLITE_VFS);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open sqlite database %s: %s", path,
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db, 10000);
    char *msg = NULL;
    /* WAL: readers never block the ledger writer. synchronous=FULL: every
     * commit fsyncs the WAL, which is what "in the ledger after kill -9 or
     * power loss" needs. */
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
                     NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot set up sqlite database %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

static sconn *acquire(sq_store *s) {
    pthread_mutex_lock(&s->mu);
    while (s->nfree == 0)
        pthread_cond_wait(&s->cv, &s->mu);
    sconn *c = &s->conns[s->free_stack[--s->nfree]];
    pthread_mutex_unlock(&s->mu);
    return c;
}

static void release(sq_store *s, sconn *c) {
    pthread_mutex_lock(&s->mu);
    s->free_stack[s->nfree++] = (unsigned)(c - s->conns);
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* The cached statement q of connection c, reset and ready to bind. */
static sqlite3_stmt *stmt(sconn *c, int q) {
    if (!c->st[q]) {
        if (sqlite3_prepare_v3(c->db, sql_text[q], -1, SQLITE_PREPARE_PERSISTENT, &c->st[q],
                               NULL) != SQLITE_OK) {
            log_err(c->db, "prepare");
            return NULL;
        }
    } else {
        sqlite3_reset(c->st[q]);
        sqlite3_clear_bindings(c->st[q]);
    }
    return c->st[q];
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t outlen) {
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, outlen, "%s", t ? (const char *)t : "");
}

static void row_to_reuser(sqlite3_stmt *st, reuser *r) {
    char buf[64];
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, r->key_id, sizeof r->key_id);
    col_text(st, 2, r->key_hash, sizeof r->key_hash);
    col_text(st, 3, buf, sizeof buf);
    r->kind = reuser_kind_parse(buf) < 0 ? KIND_BULK : reuser_kind_parse(buf);
    col_text(st, 4, buf, sizeof buf);
    r->status = reuser_status_parse(buf) < 0 ? ST_REVOKED : reuser_status_parse(buf);
    col_text(st, 5, r->name, sizeof r->name);
    col_text(st, 6, r->contact, sizeof r->contact);
    col_text(st, 7, buf, sizeof buf);
    ccsig_category cat = CCSIG_CAT_AI_USE;
    ccsig_category_parse(buf, strlen(buf), &cat);
    r->use = (int)cat;
    r->commitments = (unsigned)sqlite3_column_int64(st, 8);
    col_text(st, 9, buf, sizeof buf);
    ccsig_purpose pu = CCSIG_PURPOSE_NONE;
    ccsig_purpose_parse(buf, strlen(buf), &pu);
    r->purpose = (int)pu;
    col_text(st, 10, r->claim, sizeof r->claim);
    col_text(st, 11, r->credit, sizeof r->credit);
    col_text(st, 12, r->contribution, sizeof r->contribution);
    r->created_ms = sqlite3_column_int64(st, 13);
    r->decided_ms = sqlite3_column_int64(st, 14);
    col_text(st, 15, r->terms_hash, sizeof r->terms_hash);
}

static int one_reuser(sq_store *s, int q, const char *key, int64_t id, reuser *r) {
    sconn *c = acquire(s);
    sqlite3_stmt *st = stmt(c, q);
    int rc = -1;
    if (st) {
        if (key)
            sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, 1, id);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            row_to_reuser(st, r);
            rc = 1;
        } else if (step == SQLITE_DONE) {
            rc = 0;
        } else {
            log_err(c->db, "reuser lookup");
        }
        sqlite3_reset(st);
    }
    release(s, c);
    return rc;
}

static int sq_reuser_by_key(store *b, const char *key_id, reuser *r) {
    return one_reuser((sq_store *)b, Q_REUSER_BY_KEY, key_id, 0, r);
}

static int sq_reuser_get(store *b, int64_t id, reuser *r) {
    return one_reuser((sq_store *)b, Q_REUSER_GET, NULL, id, r);
}

static int sq_reuser_insert(store *b, reuser *r) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    sqlite3_stmt *st = stmt(c, Q_REUSER_INSERT);
    int rc = -1;
    if (st) {
        sqlite3_bind_text(st, 1, r->key_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r->key_hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, reuser_kind_name(r->kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, reuser_status_name(r->status), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, r->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r->contact, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, ccsig_category_name((ccsig_category)r->use), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, r->commitments);
        sqlite3_bind_text(st, 9, ccsig_purpose_name((ccsig_purpose)r->purpose), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, r->claim, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 11, r->credit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 12, r->contribution, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 13, r->created_ms);
        if (sqlite3_step(st) == SQLITE_DONE) {
            r->id = sqlite3_last_insert_rowid(c->db);
            rc = 0;
        } else {
            log_err(c->db, "reuser insert");
        }
        sqlite3_reset(st);
    }
    release(s, c);
    return rc;
}

static int sq_reuser_set_status(store *b, int64_t id, reuser_status stt, int64_t now_ms) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    sqlite3_stmt *st = stmt(c, Q_REUSER_STATUS);
    int rc = -1;
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, reuser_status_name(stt), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, now_ms);
        if (sqlite3_step(st) == SQLITE_DONE)
            rc = sqlite3_changes(c->db) > 0 ? 1 : 0;
        else
            log_err(c->db, "reuser status");
        sqlite3_reset(st);
    }
    release(s, c);
    /* A new status is a new tier: the rate state of the old one (a pending
     * key's slow rate) must not hold back the new one. */
    pthread_mutex_lock(&s->kmu);
    if (rc == 1 && id > 0 && (size_t)id < s->nks)
        s->ks[id].tat_us = 0;
    pthread_mutex_unlock(&s->kmu);
    return rc;
}

static int sq_reusers_list(store *b, int (*cb)(void *, const reuser *), void *arg) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    sqlite3_stmt *st = stmt(c, Q_REUSERS_LIST);
    int rc = -1;
    if (st) {
        reuser *r = malloc(sizeof *r);
        int step;
        rc = 0;
        while (r && (step = sqlite3_step(st)) == SQLITE_ROW) {
            row_to_reuser(st, r);
            if (cb(arg, r))
                break;
        }
        if (!r)
            rc = -1;
        free(r);
        sqlite3_reset(st);
    }
    release(s, c);
    return rc;
}

static int sq_admit(store *b, const reuser_key *r, const tier *t, int64_t now_ms,
                    admit_result *out) {
    sq_store *s = (sq_store *)b;
    memset(out, 0, sizeof *out);
    if (r->status != ST_ACTIVE && r->status != ST_PENDING) {
        out->outcome = ADMIT_GONE;
        return 0;
    }
    pthread_mutex_lock(&s->kmu);
    if ((size_t)r->id >= s->nks) {
        size_t n = s->nks ? s->nks : 64;
        while (n <= (size_t)r->id)
            n *= 2;
        kstate *nk = realloc(s->ks, n * sizeof *nk);
        if (!nk) {
            pthread_mutex_unlock(&s->kmu);
            return -1;
        }
        memset(nk + s->nks, 0, (n - s->nks) * sizeof *nk);
        s->ks = nk;
        s->nks = n;
    }
    kstate *k = &s->ks[r->id];
    int64_t day = now_ms / 86400000;
    if (k->day != day) {
        k->day = day;
        k->used = 0;
    }
    if (t->quota && k->used >= t->quota) {
        out->outcome = ADMIT_QUOTA;
        out->retry_after_ms = (day + 1) * 86400000 - now_ms;
        out->quota_used = k->used;
    } else {
        int64_t wait = gcra_take(&k->tat_us, now_ms * 1000, t->rate, t->burst);
        if (wait) {
            out->outcome = ADMIT_RATE;
            out->retry_after_ms = (wait + 999) / 1000;
        } else {
            k->used++;
            out->outcome = ADMIT_OK;
        }
        out->quota_used = k->used;
    }
    pthread_mutex_unlock(&s->kmu);
    return 0;
}

/* Rows per INSERT statement: a statement's fixed cost (its start and end,
 * the AUTOINCREMENT counter read and written back) is paid once for this
 * many rows. 320 parameters, far below SQLite's limit. */
#define LEDGER_ROWS_PER_INSERT 32
#define LEDGER_COLS                                                                                \
    "(reuser_id, key_id, ts_ms, method, path, status, bytes, tier, request_id, instance, agent,"   \
    " currency, charge_micros)"
#define LEDGER_NCOLS 13

static void bind_rec(sqlite3_stmt *st, int base, const ledger_rec *l) {
    sqlite3_bind_int64(st, base + 1, l->reuser_id);
    sqlite3_bind_text(st, base + 2, l->key_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, base + 3, l->ts_ms);
    sqlite3_bind_text(st, base + 4, l->method, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 5, l->path, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, base + 6, l->status);
    sqlite3_bind_int64(st, base + 7, (sqlite3_int64)l->bytes);
    sqlite3_bind_text(st, base + 8, l->tier, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 9, l->request_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 10, l->instance, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 11, l->agent, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 12, l->currency, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, base + 13, l->charge_micros);
}

/* Rows and their usage sums, inside a transaction the caller opened. Rows
 * keep their order (ids ascend as the records came). */
static int ledger_rows(sq_store *s, const ledger_rec *recs, size_t n) {
    size_t done = 0;
    while (done < n) {
        bool many = n - done >= LEDGER_ROWS_PER_INSERT;
        sqlite3_stmt *st = many ? s->ledger_ins_many : s->ledger_ins;
        size_t k = many ? LEDGER_ROWS_PER_INSERT : 1;
        sqlite3_reset(st);
        for (size_t j = 0; j < k; j++)
            bind_rec(st, (int)(LEDGER_NCOLS * j), &recs[done + j]);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            log_err(s->ledger_db, "ledger insert");
            return -1;
        }
        done += k;
    }
    if (s->sums_cap < n) {
        usage_sum *ns = realloc(s->sums, n * sizeof *ns);
        if (!ns)
            return -1;
        s->sums = ns;
        s->sums_cap = n;
    }
    size_t m = n ? store_usage_sums(recs, n, s->sums, s->sums_cap) : 0;
    for (size_t i = 0; i < m; i++) {
        sqlite3_stmt *u = s->usage_upsert;
        sqlite3_reset(u);
        sqlite3_bind_int64(u, 1, s->sums[i].reuser_id);
        sqlite3_bind_int64(u, 2, s->sums[i].day);
        sqlite3_bind_int64(u, 3, (sqlite3_int64)s->sums[i].requests);
        sqlite3_bind_int64(u, 4, (sqlite3_int64)s->sums[i].ok);
        sqlite3_bind_int64(u, 5, (sqlite3_int64)s->sums[i].refused);
        sqlite3_bind_int64(u, 6, (sqlite3_int64)s->sums[i].bytes);
        int rc = sqlite3_step(u);
        sqlite3_reset(u);
        if (rc != SQLITE_DONE) {
            log_err(s->ledger_db, "usage upsert");
            return -1;
        }
    }
    return 0;
}

static int sq_ledger_append(store *b, const ledger_rec *recs, size_t n) {
    sq_store *s = (sq_store *)b;
    pthread_mutex_lock(&s->ledger_mu);
    int rc = -1;
    if (sqlite3_exec(s->ledger_db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        log_err(s->ledger_db, "ledger begin");
    else if (ledger_rows(s, recs, n) != 0)
        sqlite3_exec(s->ledger_db, "ROLLBACK", NULL, NULL, NULL);
    else if (sqlite3_exec(s->ledger_db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        log_err(s->ledger_db, "ledger commit");
        sqlite3_exec(s->ledger_db, "ROLLBACK", NULL, NULL, NULL);
    } else
        rc = 0;
    pthread_mutex_unlock(&s->ledger_mu);
    return rc;
}

/* The journal's offset, inside the ledger connection (caller locks). */
static int journal_offset_locked(sq_store *s, const char *name, int64_t *off) {
    sqlite3_stmt *st = NULL;
    *off = 0;
    if (sqlite3_prepare_v2(s->ledger_db, "SELECT byte_offset FROM ledger_journal WHERE name = ?1",
                           -1, &st, NULL) != SQLITE_OK) {
        log_err(s->ledger_db, "journal offset");
        return -1;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *off = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int journal_set_locked(sq_store *s, const char *name, int64_t off) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->ledger_db,
                           "INSERT INTO ledger_journal (name, byte_offset) VALUES (?1, ?2)"
                           " ON CONFLICT (name) DO UPDATE SET byte_offset = excluded.byte_offset",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, off);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int sq_journal_offset(store *b, const char *name, int64_t *off) {
    sq_store *s = (sq_store *)b;
    pthread_mutex_lock(&s->ledger_mu);
    int rc = journal_offset_locked(s, name, off);
    pthread_mutex_unlock(&s->ledger_mu);
    return rc;
}

static int sq_journal_import(store *b, const char *name, int64_t expect, const ledger_rec *recs,
                             size_t n, int64_t new_off) {
    sq_store *s = (sq_store *)b;
    pthread_mutex_lock(&s->ledger_mu);
    int rc = -1;
    int64_t cur;
    if (sqlite3_exec(s->ledger_db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        log_err(s->ledger_db, "journal begin");
        goto out;
    }
    if (journal_offset_locked(s, name, &cur) != 0)
        goto rollback;
    if (cur != expect) {
        rc = 1; /* someone else imported (another process's --export-ledger) */
        goto rollback;
    }
    if (ledger_rows(s, recs, n) != 0 || journal_set_locked(s, name, new_off) != 0)
        goto rollback;
    if (sqlite3_exec(s->ledger_db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        log_err(s->ledger_db, "journal commit");
        goto rollback;
    }
    rc = 0;
    goto out;
rollback:
    sqlite3_exec(s->ledger_db, "ROLLBACK", NULL, NULL, NULL);
out:
    pthread_mutex_unlock(&s->ledger_mu);
    return rc;
}

static int sq_journal_reset(store *b, const char *name, int64_t expect, int (*truncate)(void *),
                            void *arg) {
    sq_store *s = (sq_store *)b;
    pthread_mutex_lock(&s->ledger_mu);
    int rc = -1;
    int64_t cur;
    if (sqlite3_exec(s->ledger_db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    if (journal_offset_locked(s, name, &cur) != 0)
        goto rollback;
    /* The file is emptied before the offset is reset: a crash in between
     * leaves an offset past the end, which the next reader takes as 0. The
     * other order could import the same lines twice. */
    if (cur != expect || truncate(arg) != 0) {
        rc = 1;
        goto rollback;
    }
    if (journal_set_locked(s, name, 0) != 0 ||
        sqlite3_exec(s->ledger_db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        goto rollback;
    rc = 0;
    goto out;
rollback:
    sqlite3_exec(s->ledger_db, "ROLLBACK", NULL, NULL, NULL);
out:
    pthread_mutex_unlock(&s->ledger_mu);
    return rc;
}

static int sq_usage(store *b, int64_t reuser_id, int64_t from_day, int64_t to_day,
                    int (*cb)(void *, const usage_row *), void *arg) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    sqlite3_stmt *st = stmt(c, reuser_id ? Q_USAGE_ONE : Q_USAGE_ALL);
    int rc = -1;
    if (st) {
        sqlite3_bind_int64(st, 1, from_day);
        sqlite3_bind_int64(st, 2, to_day);
        if (reuser_id)
            sqlite3_bind_int64(st, 3, reuser_id);
        int step;
        rc = 0;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            usage_row u = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                           (uint64_t)sqlite3_column_int64(st, 2),
                           (uint64_t)sqlite3_column_int64(st, 3),
                           (uint64_t)sqlite3_column_int64(st, 4)};
            if (cb(arg, &u))
                break;
        }
        if (step != SQLITE_ROW && step != SQLITE_DONE) {
            log_err(c->db, "usage");
            rc = -1;
        }
        sqlite3_reset(st);
    }
    release(s, c);
    return rc;
}

static int sq_ledger_export(store *b, int (*cb)(void *, const ledger_rec *), void *arg) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    sqlite3_stmt *st = stmt(c, Q_EXPORT);
    int rc = -1;
    if (st) {
        ledger_rec *l = malloc(sizeof *l);
        int step = SQLITE_DONE;
        rc = l ? 0 : -1;
        while (l && (step = sqlite3_step(st)) == SQLITE_ROW) {
            memset(l, 0, sizeof *l);
            l->reuser_id = sqlite3_column_int64(st, 0);
            col_text(st, 1, l->key_id, sizeof l->key_id);
            l->ts_ms = sqlite3_column_int64(st, 2);
            col_text(st, 3, l->method, sizeof l->method);
            col_text(st, 4, l->path, sizeof l->path);
            l->status = sqlite3_column_int(st, 5);
            l->bytes = (uint64_t)sqlite3_column_int64(st, 6);
            col_text(st, 7, l->tier, sizeof l->tier);
            col_text(st, 8, l->request_id, sizeof l->request_id);
            col_text(st, 9, l->instance, sizeof l->instance);
            col_text(st, 10, l->agent, sizeof l->agent);
            col_text(st, 11, l->currency, sizeof l->currency);
            l->charge_micros = sqlite3_column_int64(st, 12);
            if (cb(arg, l))
                break;
        }
        if (step != SQLITE_ROW && step != SQLITE_DONE) {
            log_err(c->db, "ledger export");
            rc = -1;
        }
        free(l);
        sqlite3_reset(st);
    }
    release(s, c);
    return rc;
}

static int sq_steward_set(store *b, const char *name, const char *pwhash, int64_t now_ms) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    sqlite3_stmt *st = stmt(c, Q_STEWARD_SET);
    int rc = -1;
    if (st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, pwhash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, now_ms);
        if (sqlite3_step(st) == SQLITE_DONE)
            rc = 0;
        else
            log_err(c->db, "steward set");
        sqlite3_reset(st);
    }
    release(s, c);
    return rc;
}

static int sq_steward_get(store *b, const char *name, int64_t *id, char *hash, size_t hashlen) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    sqlite3_stmt *st = stmt(c, Q_STEWARD_GET);
    int rc = -1;
    if (st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            *id = sqlite3_column_int64(st, 0);
            col_text(st, 1, hash, hashlen);
            rc = 1;
        } else if (step == SQLITE_DONE) {
            rc = 0;
        } else {
            log_err(c->db, "steward get");
        }
        sqlite3_reset(st);
    }
    release(s, c);
    return rc;
}

static int sq_steward_count(store *b) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    sqlite3_stmt *st = stmt(c, Q_STEWARD_COUNT);
    int rc = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        rc = sqlite3_column_int(st, 0);
    if (st)
        sqlite3_reset(st);
    release(s, c);
    return rc;
}

static int sq_session_put(store *b, const char *sid_hash, int64_t steward_id, const char *csrf,
                          int64_t now_ms, int64_t expires_ms) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    int rc = -1;
    sqlite3_stmt *gc = stmt(c, Q_SESSION_GC);
    if (gc) {
        sqlite3_bind_int64(gc, 1, now_ms);
        sqlite3_step(gc);
        sqlite3_reset(gc);
    }
    sqlite3_stmt *st = stmt(c, Q_SESSION_PUT);
    if (st) {
        sqlite3_bind_text(st, 1, sid_hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, steward_id);
        sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, now_ms);
        sqlite3_bind_int64(st, 5, expires_ms);
        if (sqlite3_step(st) == SQLITE_DONE)
            rc = 0;
        else
            log_err(c->db, "session put");
        sqlite3_reset(st);
    }
    release(s, c);
    return rc;
}

static int sq_session_get(store *b, const char *sid_hash, int64_t now_ms, char *name,
                          size_t namelen, char *csrf, size_t csrflen) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    sqlite3_stmt *st = stmt(c, Q_SESSION_GET);
    int rc = -1;
    if (st) {
        sqlite3_bind_text(st, 1, sid_hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now_ms);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            col_text(st, 0, name, namelen);
            col_text(st, 1, csrf, csrflen);
            rc = 1;
        } else if (step == SQLITE_DONE) {
            rc = 0;
        } else {
            log_err(c->db, "session get");
        }
        sqlite3_reset(st);
    }
    release(s, c);
    return rc;
}

static int sq_session_delete(store *b, const char *sid_hash) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    sqlite3_stmt *st = stmt(c, Q_SESSION_DEL);
    int rc = -1;
    if (st) {
        sqlite3_bind_text(st, 1, sid_hash, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(st);
    }
    release(s, c);
    return rc;
}

static int sq_schema_version(store *b) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(c->db, "SELECT max(version) FROM schema_migrations", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    release(s, c);
    return v;
}

/* ---- terms and acceptances (rare: statements prepared per call) ---- */

/* Prepare sql on c's connection; NULL (logged) on failure. */
static sqlite3_stmt *prep(sconn *c, const char *sql) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
        log_err(c->db, "prepare");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* The version row of hash (1), or 0; documents appended when asked. */
static int terms_row(sconn *c, const char *hash, terms_rec *out, ccsig_buf *json, ccsig_buf *html) {
    sqlite3_stmt *st = prep(c, "SELECT version, hash, published_ms, json, html FROM terms"
                               " WHERE hash = ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    int step = sqlite3_step(st), rc = step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
    if (rc == 1) {
        out->version = sqlite3_column_int64(st, 0);
        col_text(st, 1, out->hash, sizeof out->hash);
        out->published_ms = sqlite3_column_int64(st, 2);
        if (json)
            ccsig_buf_append(json, sqlite3_column_text(st, 3), (size_t)sqlite3_column_bytes(st, 3));
        if (html)
            ccsig_buf_append(html, sqlite3_column_text(st, 4), (size_t)sqlite3_column_bytes(st, 4));
    } else if (rc < 0)
        log_err(c->db, "terms lookup");
    sqlite3_finalize(st);
    return rc;
}

static int sq_terms_put(store *b, const char *hash, const char *json, const char *html,
                        int64_t now_ms, terms_rec *out) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    int rc = -1;
    sqlite3_stmt *st = prep(c, "INSERT INTO terms (version, hash, published_ms, json, html)"
                               " SELECT (SELECT coalesce(max(version), 0) + 1 FROM terms), ?1, ?2,"
                               " ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM terms WHERE hash = ?1)"
                               " ON CONFLICT DO NOTHING");
    if (st) {
        sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now_ms);
        sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, html, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_DONE)
            rc = terms_row(c, hash, out, NULL, NULL) == 1 ? 0 : -1;
        else
            log_err(c->db, "terms insert");
        sqlite3_finalize(st);
    }
    release(s, c);
    return rc;
}

static int sq_terms_get(store *b, const char *hash, terms_rec *out, ccsig_buf *json,
                        ccsig_buf *html) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    int rc = terms_row(c, hash, out, json, html);
    release(s, c);
    return rc;
}

static int sq_terms_list(store *b, int (*cb)(void *, const terms_rec *), void *arg) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    int rc = -1;
    sqlite3_stmt *st = prep(c, "SELECT version, hash, published_ms FROM terms"
                               " ORDER BY version DESC");
    if (st) {
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            terms_rec t;
            t.version = sqlite3_column_int64(st, 0);
            col_text(st, 1, t.hash, sizeof t.hash);
            t.published_ms = sqlite3_column_int64(st, 2);
            if (cb(arg, &t))
                break;
        }
        rc = step == SQLITE_ROW || step == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(st);
    }
    release(s, c);
    return rc;
}

static int sq_accept(store *b, const acceptance *a) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    int rc = -1;
    if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        log_err(c->db, "accept");
        release(s, c);
        return -1;
    }
    sqlite3_stmt *ins = prep(c, "INSERT INTO acceptances (reuser_id, terms_hash, accepted_ms,"
                                " address, use_category, commitments) VALUES (?1, ?2, ?3, ?4, ?5,"
                                " ?6)");
    sqlite3_stmt *up =
        prep(c, "UPDATE reusers SET terms_hash = ?2, commitments = ?3 WHERE id = ?1");
    if (ins && up) {
        sqlite3_bind_int64(ins, 1, a->reuser_id);
        sqlite3_bind_text(ins, 2, a->terms_hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 3, a->accepted_ms);
        sqlite3_bind_text(ins, 4, a->address, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, ccsig_category_name((ccsig_category)a->use), -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 6, a->commitments);
        sqlite3_bind_int64(up, 1, a->reuser_id);
        sqlite3_bind_text(up, 2, a->terms_hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(up, 3, a->commitments);
        if (sqlite3_step(ins) == SQLITE_DONE && sqlite3_step(up) == SQLITE_DONE)
            rc = 0;
        else
            log_err(c->db, "accept");
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(up);
    sqlite3_exec(c->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    release(s, c);
    return rc;
}

static int sq_acceptances(store *b, int64_t reuser_id, int (*cb)(void *, const acceptance *),
                          void *arg) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    int rc = -1;
    sqlite3_stmt *st =
        prep(c, "SELECT a.reuser_id, a.terms_hash, coalesce(t.version, 0), a.accepted_ms,"
                " a.address, a.use_category, a.commitments FROM acceptances a LEFT JOIN terms t"
                " ON t.hash = a.terms_hash WHERE ?1 = 0 OR a.reuser_id = ?1 ORDER BY a.id DESC");
    if (st) {
        sqlite3_bind_int64(st, 1, reuser_id);
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            acceptance a;
            char u[64];
            memset(&a, 0, sizeof a);
            a.reuser_id = sqlite3_column_int64(st, 0);
            col_text(st, 1, a.terms_hash, sizeof a.terms_hash);
            a.version = sqlite3_column_int64(st, 2);
            a.accepted_ms = sqlite3_column_int64(st, 3);
            col_text(st, 4, a.address, sizeof a.address);
            col_text(st, 5, u, sizeof u);
            ccsig_category cat = CCSIG_CAT_AI_USE;
            ccsig_category_parse(u, strlen(u), &cat);
            a.use = (int)cat;
            a.commitments = (unsigned)sqlite3_column_int64(st, 6);
            if (cb(arg, &a))
                break;
        }
        rc = step == SQLITE_ROW || step == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(st);
    }
    release(s, c);
    return rc;
}

static int sq_signing_key(store *b, const char *fresh_hex, int64_t now_ms, char *out_hex) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    int rc = -1;
    sqlite3_stmt *ins = prep(c, "INSERT INTO signing_key (id, secret_key, created_ms)"
                                " VALUES (1, ?1, ?2) ON CONFLICT DO NOTHING");
    sqlite3_stmt *sel = prep(c, "SELECT secret_key FROM signing_key WHERE id = 1");
    if (ins && sel) {
        sqlite3_bind_text(ins, 1, fresh_hex, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 2, now_ms);
        if (sqlite3_step(ins) == SQLITE_DONE && sqlite3_step(sel) == SQLITE_ROW) {
            col_text(sel, 0, out_hex, STORE_SECRET_HEX + 1);
            rc = 0;
        } else
            log_err(c->db, "signing key");
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(sel);
    release(s, c);
    return rc;
}

/* ---- Web Bot Auth signature agents (rare: statements prepared per call) ---- */

/* Register directory for reuser_id: 0, 1 when it is taken, -1 error. */
static int sq_agent_put(store *b, const char *directory, int64_t reuser_id, int64_t now_ms) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    int rc = -1;
    sqlite3_stmt *st = prep(c, "INSERT INTO signature_agents (directory, reuser_id, created_ms)"
                               " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
    if (st) {
        sqlite3_bind_text(st, 1, directory, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, reuser_id);
        sqlite3_bind_int64(st, 3, now_ms);
        if (sqlite3_step(st) == SQLITE_DONE)
            rc = sqlite3_changes(c->db) == 1 ? 0 : 1;
        else
            log_err(c->db, "agent put");
    }
    sqlite3_finalize(st);
    release(s, c);
    return rc;
}

/* One row of sql (bound to text or id): its first column as text into out
 * or as an integer into *id. 1 found, 0 not, -1 error. */
static int sq_agent_query(store *b, const char *sql, const char *text, int64_t id, int64_t *out_id,
                          char *out, size_t n) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    int rc = -1;
    sqlite3_stmt *st = prep(c, sql);
    if (st) {
        if (text)
            sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, 1, id);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            rc = 1;
            if (out_id)
                *out_id = sqlite3_column_int64(st, 0);
            if (out)
                col_text(st, 0, out, n);
        } else if (step == SQLITE_DONE)
            rc = 0;
        else
            log_err(c->db, "agent lookup");
    }
    sqlite3_finalize(st);
    release(s, c);
    return rc;
}

static int sq_agent_get(store *b, const char *directory, int64_t *reuser_id) {
    return sq_agent_query(b, "SELECT reuser_id FROM signature_agents WHERE directory = ?1",
                          directory, 0, reuser_id, NULL, 0);
}

static int sq_agent_of(store *b, int64_t reuser_id, char *directory, size_t n) {
    return sq_agent_query(b,
                          "SELECT directory FROM signature_agents WHERE reuser_id = ?1"
                          " ORDER BY created_ms LIMIT 1",
                          NULL, reuser_id, NULL, directory, n);
}

/* Charged records summed (store_charges). */
static int sq_charges(store *b, int64_t reuser_id, int64_t from_ms, int64_t to_ms,
                      int (*cb)(void *, const charge_row *), void *arg) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    int rc = -1;
    sqlite3_stmt *st = prep(c, store_charges_sql);
    if (st) {
        sqlite3_bind_int64(st, 1, from_ms);
        sqlite3_bind_int64(st, 2, to_ms);
        sqlite3_bind_int64(st, 3, reuser_id);
        charge_row row;
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            memset(&row, 0, sizeof row);
            row.reuser_id = sqlite3_column_int64(st, 0);
            col_text(st, 1, row.agent, sizeof row.agent);
            col_text(st, 2, row.currency, sizeof row.currency);
            row.requests = (uint64_t)sqlite3_column_int64(st, 3);
            row.micros = sqlite3_column_int64(st, 4);
            if (cb(arg, &row))
                break;
        }
        rc = step == SQLITE_ROW || step == SQLITE_DONE ? 0 : -1;
        if (rc)
            log_err(c->db, "charges");
    }
    sqlite3_finalize(st);
    release(s, c);
    return rc;
}

static void sq_close(store *b) {
    sq_store *s = (sq_store *)b;
    for (unsigned i = 0; i < s->nconns; i++) {
        for (int q = 0; q < Q_COUNT; q++)
            sqlite3_finalize(s->conns[i].st[q]);
        sqlite3_close(s->conns[i].db);
    }
    sqlite3_finalize(s->ledger_ins);
    sqlite3_finalize(s->ledger_ins_many);
    sqlite3_finalize(s->usage_upsert);
    sqlite3_close(s->ledger_db);
    free(s->sums);
    free(s->conns);
    free(s->free_stack);
    free(s->ks);
    free(s->path);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->ledger_mu);
    pthread_mutex_destroy(&s->kmu);
    free(s);
}

/* ---- reports back (rare: statements prepared per call) ---- */

static int sq_report_add(store *b, credit_report *r) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    int rc = -1;
    sqlite3_stmt *st = prep(c, "INSERT INTO credit_reports (reuser_id, url, note, address,"
                               " reported_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (st) {
        sqlite3_bind_int64(st, 1, r->reuser_id);
        sqlite3_bind_text(st, 2, r->url, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->note, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r->address, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, r->reported_ms);
        if (sqlite3_step(st) == SQLITE_DONE) {
            r->id = sqlite3_last_insert_rowid(c->db);
            rc = 0;
        } else {
            log_err(c->db, "report");
        }
        sqlite3_finalize(st);
    }
    release(s, c);
    return rc;
}

static int sq_reports(store *b, int64_t reuser_id, int (*cb)(void *, const credit_report *),
                      void *arg) {
    sq_store *s = (sq_store *)b;
    sconn *c = acquire(s);
    int rc = -1;
    sqlite3_stmt *st = prep(c, "SELECT id, reuser_id, url, note, address, reported_ms FROM"
                               " credit_reports WHERE ?1 = 0 OR reuser_id = ?1 ORDER BY id DESC");
    if (st) {
        sqlite3_bind_int64(st, 1, reuser_id);
        int step;
        credit_report *r = malloc(sizeof *r);
        while (r && (step = sqlite3_step(st)) == SQLITE_ROW) {
            memset(r, 0, sizeof *r);
            r->id = sqlite3_column_int64(st, 0);
            r->reuser_id = sqlite3_column_int64(st, 1);
            col_text(st, 2, r->url, sizeof r->url);
            col_text(st, 3, r->note, sizeof r->note);
            col_text(st, 4, r->address, sizeof r->address);
            r->reported_ms = sqlite3_column_int64(st, 5);
            if (cb(arg, r))
                break;
        }
        rc = r && (step == SQLITE_ROW || step == SQLITE_DONE) ? 0 : -1;
        free(r);
        sqlite3_finalize(st);
    }
    release(s, c);
    return rc;
}

static const store_ops sq_ops = {sq_close,
                                 sq_reuser_insert,
                                 sq_reuser_by_key,
                                 sq_reuser_get,
                                 sq_reuser_set_status,
                                 sq_reusers_list,
                                 sq_admit,
                                 sq_ledger_append,
                                 sq_usage,
                                 sq_ledger_export,
                                 sq_steward_set,
                                 sq_steward_get,
                                 sq_steward_count,
                                 sq_session_put,
                                 sq_session_get,
                                 sq_session_delete,
                                 NULL,
                                 NULL,
                                 sq_schema_version,
                                 sq_journal_offset,
                                 sq_journal_import,
                                 sq_journal_reset,
                                 sq_terms_put,
                                 sq_terms_get,
                                 sq_terms_list,
                                 sq_accept,
                                 sq_acceptances,
                                 sq_signing_key,
                                 sq_report_add,
                                 sq_reports,
                                 sq_agent_put,
                                 sq_agent_get,
                                 sq_agent_of,
                                 sq_charges,
                                 NULL, /* nonces: the process's own table (wba.c) */
                                 NULL};

static int migrate(sqlite3 *db, char *err, size_t errlen) {
    char *msg = NULL;
    if (sqlite3_exec(db,
                     "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS schema_migrations (version "
                     "INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL);",
                     NULL, NULL, &msg) != SQLITE_OK)
        goto fail;
    sqlite3_stmt *st = NULL;
    int have = 0;
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        have = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    size_t n;
    const migration *m = store_migrations(&n);
    for (size_t i = 0; i < n; i++) {
        if (m[i].version <= have)
            continue;
        if (sqlite3_exec(db, m[i].sqlite_sql, NULL, NULL, &msg) != SQLITE_OK)
            goto fail;
        char rec[160];
        snprintf(rec, sizeof rec,
                 "INSERT INTO schema_migrations VALUES (%d, CAST(strftime('%%s','now') AS "
                 "INTEGER) * 1000)",
                 m[i].version);
        if (sqlite3_exec(db, rec, NULL, NULL, &msg) != SQLITE_OK)
            goto fail;
    }
    if (have > (int)m[n - 1].version) {
        snprintf(err, errlen,
                 "the database has schema version %d, newer than this ccsig knows (%d)", have,
                 m[n - 1].version);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
        goto fail;
    return 0;
fail:
    snprintf(err, errlen, "migrating the sqlite database: %s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

/* Today's admitted requests per key: the quota survives a restart. */
static int load_quota(sq_store *s) {
    int64_t now_ms = now_wall_us() / 1000, day = now_ms / 86400000;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->ledger_db,
                           "SELECT reuser_id, requests - refused FROM usage_daily WHERE day = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, day);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (id <= 0 || id > (1 << 26))
            continue;
        if ((size_t)id >= s->nks) {
            size_t n = s->nks ? s->nks : 64;
            while (n <= (size_t)id)
                n *= 2;
            kstate *nk = realloc(s->ks, n * sizeof *nk);
            if (!nk)
                break;
            memset(nk + s->nks, 0, (n - s->nks) * sizeof *nk);
            s->ks = nk;
            s->nks = n;
        }
        s->ks[id].day = day;
        s->ks[id].used = (uint64_t)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return 0;
}

int store_sqlite_open(const char *path, unsigned pool, unsigned flags, store **out, char *err,
                      size_t errlen) {
    /* The ledger's writes go through the fault-injectable table (sysio.h). */
    if (serve_io_hook_sqlite() != 0) {
        snprintf(err, errlen, "cannot route sqlite's writes through the gateway's table");
        return -1;
    }
    sq_store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->base.ops = &sq_ops;
    s->base.kind = "sqlite";
    snprintf(s->base.display, sizeof s->base.display, "sqlite:%s", path);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_mutex_init(&s->ledger_mu, NULL);
    pthread_mutex_init(&s->kmu, NULL);
    s->path = strdup(path);
    s->conns = calloc(pool, sizeof *s->conns);
    s->free_stack = calloc(pool, sizeof *s->free_stack);
    if (!s->path || !s->conns || !s->free_stack) {
        snprintf(err, errlen, "out of memory");
        sq_close(&s->base);
        return -1;
    }
    if (open_conn(path, &s->ledger_db, err, errlen) || migrate(s->ledger_db, err, errlen)) {
        sq_close(&s->base);
        return -1;
    }
    /* In WAL mode, NORMAL writes every commit to the WAL (the operating
     * system has it: a killed process loses nothing) and fsyncs only at
     * checkpoints. */
    if ((flags & STORE_LEDGER_SYNC_PROCESS) &&
        sqlite3_exec(s->ledger_db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "setting the ledger's synchronous mode: %s",
                 sqlite3_errmsg(s->ledger_db));
        sq_close(&s->base);
        return -1;
    }
    char many[LEDGER_ROWS_PER_INSERT * 32 + 200];
    size_t mn = (size_t)snprintf(many, sizeof many, "INSERT INTO ledger " LEDGER_COLS " VALUES ");
    for (int j = 0; j < LEDGER_ROWS_PER_INSERT; j++)
        mn += (size_t)snprintf(many + mn, sizeof many - mn, "%s(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                               j ? "," : "");
    if (sqlite3_prepare_v3(s->ledger_db,
                           "INSERT INTO ledger " LEDGER_COLS
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                           -1, SQLITE_PREPARE_PERSISTENT, &s->ledger_ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(s->ledger_db, many, (int)mn, SQLITE_PREPARE_PERSISTENT,
                           &s->ledger_ins_many, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(s->ledger_db, store_usage_upsert_sql, -1, SQLITE_PREPARE_PERSISTENT,
                           &s->usage_upsert, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "preparing the ledger insert: %s", sqlite3_errmsg(s->ledger_db));
        sq_close(&s->base);
        return -1;
    }
    for (unsigned i = 0; i < pool; i++) {
        if (open_conn(path, &s->conns[i].db, err, errlen)) {
            sq_close(&s->base);
            return -1;
        }
        s->nconns++;
        s->free_stack[s->nfree++] = i;
    }
    if (load_quota(s)) {
        snprintf(err, errlen, "reading today's usage: %s", sqlite3_errmsg(s->ledger_db));
        sq_close(&s->base);
        return -1;
    }
    *out = &s->base;
    return 0;
}
