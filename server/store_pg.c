/*
 * store_pg.c — the scale-out backend: PostgreSQL through libpq, shared by
 * any number of gateways.
 *
 * The per-key rate limit and daily quota are one UPDATE ... RETURNING on the
 * reuser's row (GCRA state and today's count are columns), evaluated with
 * the database's clock: the row lock makes concurrent requests from several
 * instances take turns, so the limit holds across all of them. Ledger
 * batches are one multi-row INSERT, durable when it returns (synchronous
 * commit, the PostgreSQL default).
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/buf.h"
#include "store.h"

typedef struct pg_store {
    store base;
    int ledger_async; /* synchronous_commit=off for ledger transactions */
    char *conninfo;
    PGconn **conns;
    unsigned nconns;
    unsigned *free_stack;
    unsigned nfree;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} pg_store;

static PGconn *acquire(pg_store *s) {
    pthread_mutex_lock(&s->mu);
    while (s->nfree == 0)
        pthread_cond_wait(&s->cv, &s->mu);
    PGconn *c = s->conns[s->free_stack[--s->nfree]];
    unsigned idx = 0;
    for (unsigned i = 0; i < s->nconns; i++)
        if (s->conns[i] == c)
            idx = i;
    pthread_mutex_unlock(&s->mu);
    if (PQstatus(c) != CONNECTION_OK) {
        PQreset(c);
        s->conns[idx] = c;
    }
    return c;
}

static void release(pg_store *s, PGconn *c) {
    pthread_mutex_lock(&s->mu);
    for (unsigned i = 0; i < s->nconns; i++)
        if (s->conns[i] == c)
            s->free_stack[s->nfree++] = i;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* Run a statement with text parameters; NULL (and a logged error) unless it
 * returned rows or completed. */
static PGresult *run(PGconn *c, const char *what, const char *sql, int n,
                     const char *const *params) {
    PGresult *res = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        fprintf(stderr, "ccsig serve: postgresql: %s: %s", what, PQerrorMessage(c));
        PQclear(res);
        return NULL;
    }
    return res;
}

static void cp(char *out, size_t outlen, const char *v) {
    snprintf(out, outlen, "%s", v ? v : "");
}

#define REUSER_COLS                                                                                \
    "id, key_id, key_hash, kind, status, name, contact, use_category, commitments, purpose,"       \
    " claim, credit, contribution, created_ms, decided_ms, terms_hash"

static void row_to_reuser(PGresult *res, int row, reuser *r) {
    memset(r, 0, sizeof *r);
    r->id = strtoll(PQgetvalue(res, row, 0), NULL, 10);
    cp(r->key_id, sizeof r->key_id, PQgetvalue(res, row, 1));
    cp(r->key_hash, sizeof r->key_hash, PQgetvalue(res, row, 2));
    int k = reuser_kind_parse(PQgetvalue(res, row, 3));
    r->kind = k < 0 ? KIND_BULK : k;
    int st = reuser_status_parse(PQgetvalue(res, row, 4));
    r->status = st < 0 ? ST_REVOKED : st;
    cp(r->name, sizeof r->name, PQgetvalue(res, row, 5));
    cp(r->contact, sizeof r->contact, PQgetvalue(res, row, 6));
    const char *u = PQgetvalue(res, row, 7);
    ccsig_category cat = CCSIG_CAT_AI_USE;
    ccsig_category_parse(u, strlen(u), &cat);
    r->use = (int)cat;
    r->commitments = (unsigned)strtoul(PQgetvalue(res, row, 8), NULL, 10);
    const char *pu = PQgetvalue(res, row, 9);
    ccsig_purpose p = CCSIG_PURPOSE_NONE;
    ccsig_purpose_parse(pu, strlen(pu), &p);
    r->purpose = (int)p;
    cp(r->claim, sizeof r->claim, PQgetvalue(res, row, 10));
    cp(r->credit, sizeof r->credit, PQgetvalue(res, row, 11));
    cp(r->contribution, sizeof r->contribution, PQgetvalue(res, row, 12));
    r->created_ms = strtoll(PQgetvalue(res, row, 13), NULL, 10);
    r->decided_ms = strtoll(PQgetvalue(res, row, 14), NULL, 10);
    cp(r->terms_hash, sizeof r->terms_hash, PQgetvalue(res, row, 15));
}

static int one_reuser(pg_store *s, const char *sql, const char *arg, reuser *r) {
    PGconn *c = acquire(s);
    const char *params[1] = {arg};
    PGresult *res = run(c, "reuser lookup", sql, 1, params);
    int rc = -1;
    if (res) {
        rc = PQntuples(res) > 0;
        if (rc)
            row_to_reuser(res, 0, r);
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int pg_reuser_by_key(store *b, const char *key_id, reuser *r) {
    return one_reuser((pg_store *)b, "SELECT " REUSER_COLS " FROM reusers WHERE key_id = $1",
                      key_id, r);
}

static int pg_reuser_get(store *b, int64_t id, reuser *r) {
    char v[24];
    snprintf(v, sizeof v, "%lld", (long long)id);
    return one_reuser((pg_store *)b, "SELECT " REUSER_COLS " FROM reusers WHERE id = $1", v, r);
}

/* Run an INSERT ... RETURNING id; *id gets the new row's. 0, or -1 on a
 * database error (logged). */
static int insert_id(pg_store *s, const char *what, const char *sql, int n,
                     const char *const *params, int64_t *id) {
    PGconn *c = acquire(s);
    PGresult *res = run(c, what, sql, n, params);
    int rc = -1;
    if (res) {
        if (PQntuples(res) == 1) {
            *id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
            rc = 0;
        }
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int pg_reuser_insert(store *b, reuser *r) {
    pg_store *s = (pg_store *)b;
    char com[16], created[24];
    snprintf(com, sizeof com, "%u", r->commitments);
    snprintf(created, sizeof created, "%lld", (long long)r->created_ms);
    const char *params[13] = {r->key_id,
                              r->key_hash,
                              reuser_kind_name(r->kind),
                              reuser_status_name(r->status),
                              r->name,
                              r->contact,
                              ccsig_category_name((ccsig_category)r->use),
                              com,
                              ccsig_purpose_name((ccsig_purpose)r->purpose),
                              r->claim,
                              r->credit,
                              r->contribution,
                              created};
    return insert_id(s, "reuser insert",
                     "INSERT INTO reusers (key_id, key_hash, kind, status, name, contact,"
                     " use_category, commitments, purpose, claim, credit, contribution,"
                     " created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
                     " $13) RETURNING id",
                     13, params, &r->id);
}

static int pg_reuser_set_status(store *b, int64_t id, reuser_status st, int64_t now_ms) {
    pg_store *s = (pg_store *)b;
    char v[24], t[24];
    snprintf(v, sizeof v, "%lld", (long long)id);
    snprintf(t, sizeof t, "%lld", (long long)now_ms);
    const char *params[3] = {v, reuser_status_name(st), t};
    PGconn *c = acquire(s);
    PGresult *res = run(
        c, "reuser status",
        "UPDATE reusers SET status = $2, decided_ms = $3, rl_tat_ms = 0 WHERE id = $1", 3, params);
    int rc = -1;
    if (res) {
        rc = atoi(PQcmdTuples(res)) > 0 ? 1 : 0;
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int pg_reusers_list(store *b, int (*cb)(void *, const reuser *), void *arg) {
    pg_store *s = (pg_store *)b;
    PGconn *c = acquire(s);
    PGresult *res =
        run(c, "reusers list", "SELECT " REUSER_COLS " FROM reusers ORDER BY id DESC", 0, NULL);
    int rc = -1;
    if (res) {
        reuser *r = malloc(sizeof *r);
        rc = r ? 0 : -1;
        for (int i = 0; r && i < PQntuples(res); i++) {
            row_to_reuser(res, i, r);
            if (cb(arg, r))
                break;
        }
        free(r);
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int pg_admit(store *b, const reuser_key *r, const tier *t, int64_t now_ms,
                    admit_result *out) {
    pg_store *s = (pg_store *)b;
    memset(out, 0, sizeof *out);
    double T = 1000.0 / (t->rate > 0 ? t->rate : 1e-9);
    double limit = T * (t->burst < 1 ? 1 : t->burst);
    char id[24], ts[40], lim[40], quota[24];
    snprintf(id, sizeof id, "%lld", (long long)r->id);
    snprintf(ts, sizeof ts, "%.6f", T);
    snprintf(lim, sizeof lim, "%.6f", limit);
    snprintf(quota, sizeof quota, "%llu", (unsigned long long)t->quota);
    const char *params[4] = {id, ts, lim, quota};
    PGconn *c = acquire(s);
    /* GCRA and the daily count in one statement, on the database's clock. */
    PGresult *res =
        run(c, "admit",
            "WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)"
            " UPDATE reusers r SET"
            "  rl_tat_ms = GREATEST(r.rl_tat_ms, clock.ms::float8) + $2::float8,"
            "  quota_used = CASE WHEN r.quota_day = clock.ms / 86400000 THEN r.quota_used + 1"
            "               ELSE 1 END,"
            "  quota_day = clock.ms / 86400000"
            " FROM clock"
            " WHERE r.id = $1::bigint AND r.status IN ('active', 'pending')"
            "  AND GREATEST(r.rl_tat_ms, clock.ms::float8) + $2::float8 - clock.ms <= $3::float8"
            "  AND ($4::bigint = 0 OR r.quota_day <> clock.ms / 86400000"
            "       OR r.quota_used < $4::bigint)"
            " RETURNING r.quota_used",
            4, params);
    int rc = -1;
    if (res) {
        if (PQntuples(res) == 1) {
            out->outcome = ADMIT_OK;
            out->quota_used = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
            rc = 0;
        }
        PQclear(res);
    }
    if (rc != 0 && res) {
        /* Refused: find out why, on the same clock. */
        res = run(c, "admit reason",
                  "SELECT status, rl_tat_ms, quota_day, quota_used,"
                  " (extract(epoch FROM clock_timestamp()) * 1000)::bigint FROM reusers"
                  " WHERE id = $1::bigint",
                  1, params);
        if (res) {
            if (PQntuples(res) == 1) {
                const char *st = PQgetvalue(res, 0, 0);
                double tat = strtod(PQgetvalue(res, 0, 1), NULL);
                long long qday = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
                unsigned long long used = strtoull(PQgetvalue(res, 0, 3), NULL, 10);
                long long now = strtoll(PQgetvalue(res, 0, 4), NULL, 10);
                long long day = now / 86400000;
                out->quota_used = qday == day ? used : 0;
                if (strcmp(st, "active") != 0 && strcmp(st, "pending") != 0) {
                    out->outcome = ADMIT_GONE;
                } else if (t->quota && qday == day && used >= t->quota) {
                    out->outcome = ADMIT_QUOTA;
                    out->retry_after_ms = (day + 1) * 86400000 - now;
                } else {
                    double start = tat > (double)now ? tat : (double)now;
                    double wait = start + T - (double)now - limit;
                    out->outcome = ADMIT_RATE;
                    out->retry_after_ms = wait < 1 ? 1 : (int64_t)(wait + 0.999);
                }
                rc = 0;
            }
            PQclear(res);
        }
    }
    release(s, c);
    (void)now_ms;
    return rc;
}

static int pg_ledger_append(store *b, const ledger_rec *recs, size_t n) {
    pg_store *s = (pg_store *)b;
    enum { COLS = 13, CHUNK = 500 };
    PGconn *c = acquire(s);
    int rc = 0;
    char(*nums)[24] = malloc(sizeof(char[24]) * 5 * CHUNK);
    const char **params = malloc(sizeof(char *) * COLS * CHUNK);
    ccsig_buf sql = CCSIG_BUF_INIT;
    if (!nums || !params)
        rc = -1;
    PGresult *res = rc ? NULL : run(c, "ledger begin", "BEGIN", 0, NULL);
    if (!res)
        rc = -1;
    PQclear(res);
    /* The commit is in PostgreSQL's memory when it returns: it survives the
     * gateway's crash (PostgreSQL writes it), not PostgreSQL's. */
    if (rc == 0 && s->ledger_async) {
        res = run(c, "ledger sync", "SET LOCAL synchronous_commit = off", 0, NULL);
        if (!res)
            rc = -1;
        PQclear(res);
    }
    for (size_t off = 0; rc == 0 && off < n; off += CHUNK) {
        size_t k = n - off < CHUNK ? n - off : CHUNK;
        ccsig_buf_clear(&sql);
        ccsig_buf_puts(&sql, "INSERT INTO ledger (reuser_id, key_id, ts_ms, method, path, status,"
                             " bytes, tier, request_id, instance, agent, currency,"
                             " charge_micros) VALUES ");
        for (size_t i = 0; i < k; i++) {
            const ledger_rec *l = &recs[off + i];
            snprintf(nums[5 * i], 24, "%lld", (long long)l->reuser_id);
            snprintf(nums[5 * i + 1], 24, "%lld", (long long)l->ts_ms);
            snprintf(nums[5 * i + 2], 24, "%d", l->status);
            snprintf(nums[5 * i + 3], 24, "%llu", (unsigned long long)l->bytes);
            snprintf(nums[5 * i + 4], 24, "%lld", (long long)l->charge_micros);
            const char *row[COLS] = {nums[5 * i],    l->key_id,       nums[5 * i + 1], l->method,
                                     l->path,        nums[5 * i + 2], nums[5 * i + 3], l->tier,
                                     l->request_id,  l->instance,     l->agent,        l->currency,
                                     nums[5 * i + 4]};
            memcpy(params + COLS * i, row, sizeof row);
            size_t p0 = COLS * i + 1;
            ccsig_buf_printf(&sql,
                             "%s($%zu::bigint,$%zu,$%zu::bigint,$%zu,$%zu,$%zu::int,$%zu::bigint,"
                             "$%zu,$%zu,$%zu,$%zu,$%zu,$%zu::bigint)",
                             i ? "," : "", p0, p0 + 1, p0 + 2, p0 + 3, p0 + 4, p0 + 5, p0 + 6,
                             p0 + 7, p0 + 8, p0 + 9, p0 + 10, p0 + 11, p0 + 12);
        }
        res = ccsig_buf_failed(&sql) ? NULL
                                     : run(c, "ledger insert", sql.data, (int)(COLS * k), params);
        if (!res)
            rc = -1;
        PQclear(res);
    }
    res = run(c, rc == 0 ? "ledger commit" : "ledger rollback", rc == 0 ? "COMMIT" : "ROLLBACK", 0,
              NULL);
    if (!res)
        rc = -1;
    PQclear(res);
    ccsig_buf_free(&sql);
    free(nums);
    free(params);
    release(s, c);
    return rc;
}

static int pg_usage(store *b, int64_t reuser_id, int64_t from_day, int64_t to_day,
                    int (*cb)(void *, const usage_row *), void *arg) {
    pg_store *s = (pg_store *)b;
    char from[24], to[24], id[24];
    snprintf(from, sizeof from, "%lld", (long long)from_day);
    snprintf(to, sizeof to, "%lld", (long long)to_day);
    snprintf(id, sizeof id, "%lld", (long long)reuser_id);
    const char *params[3] = {from, to, id};
    PGconn *c = acquire(s);
    PGresult *res = run(c, "usage",
                        "SELECT reuser_id, ts_ms / 86400000 AS day, count(*),"
                        " sum(CASE WHEN status BETWEEN 200 AND 299 THEN 1 ELSE 0 END), sum(bytes)"
                        " FROM ledger WHERE ts_ms >= $1::bigint * 86400000"
                        " AND ts_ms < ($2::bigint + 1) * 86400000"
                        " AND ($3::bigint = 0 OR reuser_id = $3::bigint)"
                        " GROUP BY reuser_id, day ORDER BY reuser_id, day",
                        3, params);
    int rc = -1;
    if (res) {
        rc = 0;
        for (int i = 0; i < PQntuples(res); i++) {
            usage_row u = {strtoll(PQgetvalue(res, i, 0), NULL, 10),
                           strtoll(PQgetvalue(res, i, 1), NULL, 10),
                           strtoull(PQgetvalue(res, i, 2), NULL, 10),
                           strtoull(PQgetvalue(res, i, 3), NULL, 10),
                           strtoull(PQgetvalue(res, i, 4), NULL, 10)};
            if (cb(arg, &u))
                break;
        }
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int pg_ledger_export(store *b, int (*cb)(void *, const ledger_rec *), void *arg) {
    pg_store *s = (pg_store *)b;
    PGconn *c = acquire(s);
    PGresult *res = run(c, "ledger export",
                        "SELECT reuser_id, key_id, ts_ms, method, path, status, bytes, tier,"
                        " request_id, instance, agent, currency, charge_micros FROM ledger"
                        " ORDER BY id",
                        0, NULL);
    int rc = -1;
    if (res) {
        ledger_rec *l = malloc(sizeof *l);
        rc = l ? 0 : -1;
        for (int i = 0; l && i < PQntuples(res); i++) {
            memset(l, 0, sizeof *l);
            l->reuser_id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
            cp(l->key_id, sizeof l->key_id, PQgetvalue(res, i, 1));
            l->ts_ms = strtoll(PQgetvalue(res, i, 2), NULL, 10);
            cp(l->method, sizeof l->method, PQgetvalue(res, i, 3));
            cp(l->path, sizeof l->path, PQgetvalue(res, i, 4));
            l->status = atoi(PQgetvalue(res, i, 5));
            l->bytes = strtoull(PQgetvalue(res, i, 6), NULL, 10);
            cp(l->tier, sizeof l->tier, PQgetvalue(res, i, 7));
            cp(l->request_id, sizeof l->request_id, PQgetvalue(res, i, 8));
            cp(l->instance, sizeof l->instance, PQgetvalue(res, i, 9));
            cp(l->agent, sizeof l->agent, PQgetvalue(res, i, 10));
            cp(l->currency, sizeof l->currency, PQgetvalue(res, i, 11));
            l->charge_micros = strtoll(PQgetvalue(res, i, 12), NULL, 10);
            if (cb(arg, l))
                break;
        }
        free(l);
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int simple(pg_store *s, const char *what, const char *sql, int n,
                  const char *const *params) {
    PGconn *c = acquire(s);
    PGresult *res = run(c, what, sql, n, params);
    int rc = res ? 0 : -1;
    PQclear(res);
    release(s, c);
    return rc;
}

static int pg_steward_set(store *b, const char *name, const char *pwhash, int64_t now_ms) {
    char t[24];
    snprintf(t, sizeof t, "%lld", (long long)now_ms);
    const char *params[3] = {name, pwhash, t};
    return simple((pg_store *)b, "steward set",
                  "INSERT INTO stewards (name, password_hash, created_ms) VALUES ($1, $2, "
                  "$3::bigint) ON CONFLICT (name) DO UPDATE SET password_hash = "
                  "excluded.password_hash",
                  3, params);
}

static int pg_steward_get(store *b, const char *name, int64_t *id, char *hash, size_t hashlen) {
    pg_store *s = (pg_store *)b;
    const char *params[1] = {name};
    PGconn *c = acquire(s);
    PGresult *res =
        run(c, "steward get", "SELECT id, password_hash FROM stewards WHERE name = $1", 1, params);
    int rc = -1;
    if (res) {
        rc = PQntuples(res) > 0;
        if (rc) {
            *id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
            cp(hash, hashlen, PQgetvalue(res, 0, 1));
        }
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int pg_steward_count(store *b) {
    pg_store *s = (pg_store *)b;
    PGconn *c = acquire(s);
    PGresult *res = run(c, "steward count", "SELECT count(*) FROM stewards", 0, NULL);
    int rc = -1;
    if (res) {
        rc = atoi(PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int pg_session_put(store *b, const char *sid_hash, int64_t steward_id, const char *csrf,
                          int64_t now_ms, int64_t expires_ms) {
    char sid[24], now[24], exp[24];
    snprintf(sid, sizeof sid, "%lld", (long long)steward_id);
    snprintf(now, sizeof now, "%lld", (long long)now_ms);
    snprintf(exp, sizeof exp, "%lld", (long long)expires_ms);
    const char *gc[1] = {now};
    simple((pg_store *)b, "session gc", "DELETE FROM sessions WHERE expires_ms <= $1::bigint", 1,
           gc);
    const char *params[5] = {sid_hash, sid, csrf, now, exp};
    return simple((pg_store *)b, "session put",
                  "INSERT INTO sessions (id_hash, steward_id, csrf, created_ms, expires_ms)"
                  " VALUES ($1, $2::bigint, $3, $4::bigint, $5::bigint)",
                  5, params);
}

static int pg_session_get(store *b, const char *sid_hash, int64_t now_ms, char *name,
                          size_t namelen, char *csrf, size_t csrflen) {
    pg_store *s = (pg_store *)b;
    char now[24];
    snprintf(now, sizeof now, "%lld", (long long)now_ms);
    const char *params[2] = {sid_hash, now};
    PGconn *c = acquire(s);
    PGresult *res = run(c, "session get",
                        "SELECT st.name, se.csrf FROM sessions se JOIN stewards st ON st.id ="
                        " se.steward_id WHERE se.id_hash = $1 AND se.expires_ms > $2::bigint",
                        2, params);
    int rc = -1;
    if (res) {
        rc = PQntuples(res) > 0;
        if (rc) {
            cp(name, namelen, PQgetvalue(res, 0, 0));
            cp(csrf, csrflen, PQgetvalue(res, 0, 1));
        }
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int pg_session_delete(store *b, const char *sid_hash) {
    const char *params[1] = {sid_hash};
    return simple((pg_store *)b, "session delete", "DELETE FROM sessions WHERE id_hash = $1", 1,
                  params);
}

static int pg_search_replace(store *b, const search_doc *docs, size_t n) {
    pg_store *s = (pg_store *)b;
    PGconn *c = acquire(s);
    int rc = 0;
    PGresult *res = run(c, "search begin", "BEGIN", 0, NULL);
    if (!res)
        rc = -1;
    PQclear(res);
    /* Instances started together each rebuild the same index: one at a
     * time, each replacing the whole table. */
    if (rc == 0) {
        res = run(c, "search lock", "SELECT pg_advisory_xact_lock(6363736967)", 0, NULL);
        rc = res ? 0 : -1;
        PQclear(res);
    }
    if (rc == 0) {
        res = run(c, "search clear", "DELETE FROM search_docs", 0, NULL);
        rc = res ? 0 : -1;
        PQclear(res);
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *params[3] = {docs[i].path, docs[i].title, docs[i].body};
        res = run(c, "search insert",
                  "INSERT INTO search_docs (path, title, body) VALUES ($1, $2, $3)", 3, params);
        rc = res ? 0 : -1;
        PQclear(res);
    }
    res = run(c, "search commit", rc == 0 ? "COMMIT" : "ROLLBACK", 0, NULL);
    if (!res)
        rc = -1;
    PQclear(res);
    release(s, c);
    return rc;
}

static int pg_search_query(store *b, const char *q, size_t limit,
                           int (*cb)(void *, const char *, const char *, const char *, double),
                           void *arg) {
    pg_store *s = (pg_store *)b;
    char lim[24];
    snprintf(lim, sizeof lim, "%zu", limit);
    const char *params[2] = {q, lim};
    PGconn *c = acquire(s);
    /* websearch_to_tsquery accepts any text a person types: no syntax
     * errors, no operators to inject. */
    PGresult *res = run(c, "search",
                        "SELECT d.path, d.title, ts_headline('english', d.body, q,"
                        " 'StartSel=\x01, StopSel=\x02, MaxWords=30, MinWords=12,"
                        " MaxFragments=2, FragmentDelimiter=\" … \"'),"
                        " ts_rank(d.tsv, q) AS rank"
                        " FROM search_docs d, websearch_to_tsquery('english', $1) q"
                        " WHERE d.tsv @@ q ORDER BY rank DESC, d.path LIMIT $2::int",
                        2, params);
    int rc = -1;
    if (res) {
        rc = 0;
        for (int i = 0; i < PQntuples(res); i++)
            if (cb(arg, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
                   strtod(PQgetvalue(res, i, 3), NULL)))
                break;
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int pg_schema_version(store *b) {
    pg_store *s = (pg_store *)b;
    PGconn *c = acquire(s);
    PGresult *res = run(c, "schema version", "SELECT max(version) FROM schema_migrations", 0, NULL);
    int v = -1;
    if (res) {
        v = atoi(PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    release(s, c);
    return v;
}

/* ---- terms and acceptances ---- */

static void row_to_terms(PGresult *res, int row, terms_rec *t) {
    t->version = strtoll(PQgetvalue(res, row, 0), NULL, 10);
    cp(t->hash, sizeof t->hash, PQgetvalue(res, row, 1));
    t->published_ms = strtoll(PQgetvalue(res, row, 2), NULL, 10);
}

static int pg_terms_get(store *b, const char *hash, terms_rec *out, ccsig_buf *json,
                        ccsig_buf *html) {
    pg_store *s = (pg_store *)b;
    PGconn *c = acquire(s);
    const char *params[1] = {hash};
    PGresult *res =
        run(c, "terms lookup",
            "SELECT version, hash, published_ms, json, html FROM terms WHERE hash = $1", 1, params);
    int rc = -1;
    if (res) {
        rc = PQntuples(res) > 0;
        if (rc) {
            row_to_terms(res, 0, out);
            if (json)
                ccsig_buf_append(json, PQgetvalue(res, 0, 3), (size_t)PQgetlength(res, 0, 3));
            if (html)
                ccsig_buf_append(html, PQgetvalue(res, 0, 4), (size_t)PQgetlength(res, 0, 4));
        }
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int pg_terms_put(store *b, const char *hash, const char *json, const char *html,
                        int64_t now_ms, terms_rec *out) {
    char now[24];
    snprintf(now, sizeof now, "%lld", (long long)now_ms);
    const char *params[4] = {hash, now, json, html};
    if (simple((pg_store *)b, "terms insert",
               "INSERT INTO terms (version, hash, published_ms, json, html)"
               " SELECT (SELECT coalesce(max(version), 0) + 1 FROM terms), $1::text,"
               " $2::bigint, $3::text, $4::text"
               " WHERE NOT EXISTS (SELECT 1 FROM terms WHERE hash = $1::text)"
               " ON CONFLICT DO NOTHING",
               4, params) != 0)
        return -1;
    return pg_terms_get(b, hash, out, NULL, NULL) == 1 ? 0 : -1;
}

static int pg_terms_list(store *b, int (*cb)(void *, const terms_rec *), void *arg) {
    pg_store *s = (pg_store *)b;
    PGconn *c = acquire(s);
    PGresult *res =
        run(c, "terms list", "SELECT version, hash, published_ms FROM terms ORDER BY version DESC",
            0, NULL);
    int rc = -1;
    if (res) {
        rc = 0;
        for (int i = 0; i < PQntuples(res); i++) {
            terms_rec t;
            row_to_terms(res, i, &t);
            if (cb(arg, &t))
                break;
        }
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int pg_accept(store *b, const acceptance *a) {
    char id[24], ms[24], com[16];
    snprintf(id, sizeof id, "%lld", (long long)a->reuser_id);
    snprintf(ms, sizeof ms, "%lld", (long long)a->accepted_ms);
    snprintf(com, sizeof com, "%u", a->commitments);
    const char *params[6] = {
        id, a->terms_hash, ms, a->address, ccsig_category_name((ccsig_category)a->use), com};
    /* One statement, so one transaction: the acceptance and the reuser's
     * current terms change together. */
    return simple((pg_store *)b, "accept",
                  "WITH a AS (INSERT INTO acceptances (reuser_id, terms_hash, accepted_ms, address,"
                  " use_category, commitments) VALUES ($1, $2, $3, $4, $5, $6) RETURNING reuser_id)"
                  " UPDATE reusers SET terms_hash = $2, commitments = $6 WHERE id = (SELECT"
                  " reuser_id FROM a)",
                  6, params);
}

static int pg_acceptances(store *b, int64_t reuser_id, int (*cb)(void *, const acceptance *),
                          void *arg) {
    pg_store *s = (pg_store *)b;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)reuser_id);
    const char *params[1] = {id};
    PGconn *c = acquire(s);
    PGresult *res = run(c, "acceptances",
                        "SELECT a.reuser_id, a.terms_hash, coalesce(t.version, 0), a.accepted_ms,"
                        " a.address, a.use_category, a.commitments FROM acceptances a LEFT JOIN"
                        " terms t ON t.hash = a.terms_hash WHERE $1::bigint = 0 OR a.reuser_id ="
                        " $1::bigint ORDER BY a.id DESC",
                        1, params);
    int rc = -1;
    if (res) {
        rc = 0;
        for (int i = 0; i < PQntuples(res); i++) {
            acceptance a;
            memset(&a, 0, sizeof a);
            a.reuser_id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
            cp(a.terms_hash, sizeof a.terms_hash, PQgetvalue(res, i, 1));
            a.version = strtoll(PQgetvalue(res, i, 2), NULL, 10);
            a.accepted_ms = strtoll(PQgetvalue(res, i, 3), NULL, 10);
            cp(a.address, sizeof a.address, PQgetvalue(res, i, 4));
            const char *u = PQgetvalue(res, i, 5);
            ccsig_category cat = CCSIG_CAT_AI_USE;
            ccsig_category_parse(u, strlen(u), &cat);
            a.use = (int)cat;
            a.commitments = (unsigned)strtoul(PQgetvalue(res, i, 6), NULL, 10);
            if (cb(arg, &a))
                break;
        }
        PQclear(res);
    }
    release(s, c);
    return rc;
}

/* ---- reports back ---- */

static int pg_report_add(store *b, credit_report *r) {
    pg_store *s = (pg_store *)b;
    char id[24], ms[24];
    snprintf(id, sizeof id, "%lld", (long long)r->reuser_id);
    snprintf(ms, sizeof ms, "%lld", (long long)r->reported_ms);
    const char *params[5] = {id, r->url, r->note, r->address, ms};
    return insert_id(s, "report",
                     "INSERT INTO credit_reports (reuser_id, url, note, address, reported_ms)"
                     " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                     5, params, &r->id);
}

static int pg_reports(store *b, int64_t reuser_id, int (*cb)(void *, const credit_report *),
                      void *arg) {
    pg_store *s = (pg_store *)b;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)reuser_id);
    const char *params[1] = {id};
    PGconn *c = acquire(s);
    PGresult *res = run(c, "reports",
                        "SELECT id, reuser_id, url, note, address, reported_ms FROM credit_reports"
                        " WHERE $1::bigint = 0 OR reuser_id = $1::bigint ORDER BY id DESC",
                        1, params);
    int rc = -1;
    credit_report *r = malloc(sizeof *r);
    if (res && r) {
        rc = 0;
        for (int i = 0; i < PQntuples(res); i++) {
            memset(r, 0, sizeof *r);
            r->id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
            r->reuser_id = strtoll(PQgetvalue(res, i, 1), NULL, 10);
            cp(r->url, sizeof r->url, PQgetvalue(res, i, 2));
            cp(r->note, sizeof r->note, PQgetvalue(res, i, 3));
            cp(r->address, sizeof r->address, PQgetvalue(res, i, 4));
            r->reported_ms = strtoll(PQgetvalue(res, i, 5), NULL, 10);
            if (cb(arg, r))
                break;
        }
    }
    if (res)
        PQclear(res);
    free(r);
    release(s, c);
    return rc;
}

static int pg_signing_key(store *b, const char *fresh_hex, int64_t now_ms, char *out_hex) {
    pg_store *s = (pg_store *)b;
    char now[24];
    snprintf(now, sizeof now, "%lld", (long long)now_ms);
    const char *params[2] = {fresh_hex, now};
    if (simple(s, "signing key",
               "INSERT INTO signing_key (id, secret_key, created_ms) VALUES (1, $1, $2)"
               " ON CONFLICT DO NOTHING",
               2, params) != 0)
        return -1;
    PGconn *c = acquire(s);
    PGresult *res =
        run(c, "signing key", "SELECT secret_key FROM signing_key WHERE id = 1", 0, NULL);
    int rc = -1;
    if (res) {
        if (PQntuples(res) == 1) {
            cp(out_hex, STORE_SECRET_HEX + 1, PQgetvalue(res, 0, 0));
            rc = 0;
        }
        PQclear(res);
    }
    release(s, c);
    return rc;
}

/* ---- Web Bot Auth signature agents ---- */

/* Register directory for reuser_id: 0, 1 when it is taken, -1 error. */
static int pg_agent_put(store *b, const char *directory, int64_t reuser_id, int64_t now_ms) {
    pg_store *s = (pg_store *)b;
    char id[24], now[24];
    snprintf(id, sizeof id, "%lld", (long long)reuser_id);
    snprintf(now, sizeof now, "%lld", (long long)now_ms);
    const char *params[3] = {directory, id, now};
    PGconn *c = acquire(s);
    PGresult *res = run(c, "agent put",
                        "INSERT INTO signature_agents (directory, reuser_id, created_ms)"
                        " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                        3, params);
    int rc = -1;
    if (res) {
        rc = strcmp(PQcmdTuples(res), "1") == 0 ? 0 : 1;
        PQclear(res);
    }
    release(s, c);
    return rc;
}

/* The first column of sql's first row (one parameter) copied into out. 1
 * found, 0 not, -1 error. */
static int pg_agent_query(store *b, const char *sql, const char *param, char *out, size_t n) {
    pg_store *s = (pg_store *)b;
    const char *params[1] = {param};
    PGconn *c = acquire(s);
    PGresult *res = run(c, "agent lookup", sql, 1, params);
    int rc = -1;
    if (res) {
        rc = PQntuples(res) > 0;
        if (rc)
            cp(out, n, PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int pg_agent_get(store *b, const char *directory, int64_t *reuser_id) {
    char v[24];
    int rc = pg_agent_query(b, "SELECT reuser_id FROM signature_agents WHERE directory = $1",
                            directory, v, sizeof v);
    if (rc == 1)
        *reuser_id = strtoll(v, NULL, 10);
    return rc;
}

static int pg_agent_of(store *b, int64_t reuser_id, char *directory, size_t n) {
    char v[24];
    snprintf(v, sizeof v, "%lld", (long long)reuser_id);
    return pg_agent_query(b,
                          "SELECT directory FROM signature_agents WHERE reuser_id = $1"
                          " ORDER BY created_ms LIMIT 1",
                          v, directory, n);
}

/* store_nonce_put: one statement, so that two gateways recording the same
 * nonce at once cannot both see it fresh (the primary key decides); an
 * expired row is taken over. */
static int pg_nonce_put(store *b, const char *nonce, const char *agent, int64_t expires_s,
                        int64_t now_s) {
    pg_store *s = (pg_store *)b;
    char ex[24], now[24];
    snprintf(ex, sizeof ex, "%lld", (long long)expires_s);
    snprintf(now, sizeof now, "%lld", (long long)now_s);
    const char *params[4] = {nonce, agent, ex, now};
    PGconn *c = acquire(s);
    PGresult *res = run(c, "nonce",
                        "INSERT INTO wba_nonces (nonce, agent, expires_s) VALUES ($1, $2, $3)"
                        " ON CONFLICT (nonce) DO UPDATE SET agent = excluded.agent,"
                        " expires_s = excluded.expires_s WHERE wba_nonces.expires_s < $4"
                        " RETURNING 1",
                        4, params);
    int rc = -1;
    if (res) {
        rc = PQntuples(res) > 0;
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static int pg_nonce_prune(store *b, int64_t now_s) {
    pg_store *s = (pg_store *)b;
    char now[24];
    snprintf(now, sizeof now, "%lld", (long long)now_s);
    const char *params[1] = {now};
    PGconn *c = acquire(s);
    PGresult *res = run(c, "nonce prune", "DELETE FROM wba_nonces WHERE expires_s < $1", 1, params);
    int rc = res ? 0 : -1;
    if (res)
        PQclear(res);
    release(s, c);
    return rc;
}

/* Charged records summed (store_charges). */
static int pg_charges(store *b, int64_t reuser_id, int64_t from_ms, int64_t to_ms,
                      int (*cb)(void *, const charge_row *), void *arg) {
    pg_store *s = (pg_store *)b;
    char from[24], to[24], id[24];
    snprintf(from, sizeof from, "%lld", (long long)from_ms);
    snprintf(to, sizeof to, "%lld", (long long)to_ms);
    snprintf(id, sizeof id, "%lld", (long long)reuser_id);
    const char *params[3] = {from, to, id};
    PGconn *c = acquire(s);
    PGresult *res = run(c, "charges", store_charges_sql, 3, params);
    int rc = -1;
    if (res) {
        rc = 0;
        charge_row row;
        for (int i = 0; i < PQntuples(res); i++) {
            memset(&row, 0, sizeof row);
            row.reuser_id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
            cp(row.agent, sizeof row.agent, PQgetvalue(res, i, 1));
            cp(row.currency, sizeof row.currency, PQgetvalue(res, i, 2));
            row.requests = strtoull(PQgetvalue(res, i, 3), NULL, 10);
            row.micros = strtoll(PQgetvalue(res, i, 4), NULL, 10);
            if (cb(arg, &row))
                break;
        }
        PQclear(res);
    }
    release(s, c);
    return rc;
}

static void pg_close(store *b) {
    pg_store *s = (pg_store *)b;
    for (unsigned i = 0; i < s->nconns; i++)
        PQfinish(s->conns[i]);
    free(s->conns);
    free(s->free_stack);
    free(s->conninfo);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

static const store_ops pg_ops = {pg_close,
                                 pg_reuser_insert,
                                 pg_reuser_by_key,
                                 pg_reuser_get,
                                 pg_reuser_set_status,
                                 pg_reusers_list,
                                 pg_admit,
                                 pg_ledger_append,
                                 pg_usage,
                                 pg_ledger_export,
                                 pg_steward_set,
                                 pg_steward_get,
                                 pg_steward_count,
                                 pg_session_put,
                                 pg_session_get,
                                 pg_session_delete,
                                 pg_search_replace,
                                 pg_search_query,
                                 pg_schema_version,
                                 NULL,
                                 NULL,
                                 NULL,
                                 pg_terms_put,
                                 pg_terms_get,
                                 pg_terms_list,
                                 pg_accept,
                                 pg_acceptances,
                                 pg_signing_key,
                                 pg_report_add,
                                 pg_reports,
                                 pg_agent_put,
                                 pg_agent_get,
                                 pg_agent_of,
                                 pg_charges,
                                 pg_nonce_put,
                                 pg_nonce_prune};

static int pg_migrate(PGconn *c, char *err, size_t errlen) {
    PGresult *res = PQexec(c, "SELECT pg_advisory_lock(6363736966)");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "postgresql: %s", PQerrorMessage(c));
        PQclear(res);
        return -1;
    }
    PQclear(res);
    int rc = -1;
    res = PQexec(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                    " applied_ms BIGINT NOT NULL)");
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        goto out;
    PQclear(res);
    res = PQexec(c, "SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        goto out;
    int have = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    res = NULL;
    size_t n;
    const migration *m = store_migrations(&n);
    if (have > m[n - 1].version) {
        snprintf(err, errlen,
                 "the database has schema version %d, newer than this ccsig knows (%d)", have,
                 m[n - 1].version);
        goto unlock;
    }
    for (size_t i = 0; i < n; i++) {
        if (m[i].version <= have)
            continue;
        char rec[200];
        snprintf(rec, sizeof rec,
                 "INSERT INTO schema_migrations VALUES (%d, (extract(epoch FROM now()) * "
                 "1000)::bigint)",
                 m[i].version);
        ccsig_buf sql = CCSIG_BUF_INIT;
        ccsig_buf_printf(&sql, "BEGIN; %s %s; COMMIT;", m[i].pg_sql, rec);
        res = PQexec(c, ccsig_buf_cstr(&sql));
        ccsig_buf_free(&sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            PQclear(res);
            res = PQexec(c, "ROLLBACK");
            goto out;
        }
        PQclear(res);
        res = NULL;
    }
    rc = 0;
    goto unlock;
out:
    snprintf(err, errlen, "migrating the postgresql database: %s", PQerrorMessage(c));
unlock:
    PQclear(res);
    res = PQexec(c, "SELECT pg_advisory_unlock(6363736966)");
    PQclear(res);
    return rc;
}

/* The URL for messages: user@host/db without the password. */
static void display_url(const char *url, char *out, size_t outlen) {
    const char *scheme_end = strstr(url, "://");
    const char *at = scheme_end ? strchr(scheme_end + 3, '@') : NULL;
    const char *colon = scheme_end ? strchr(scheme_end + 3, ':') : NULL;
    if (at && colon && colon < at)
        snprintf(out, outlen, "%.*s:***%s", (int)(colon - url), url, at);
    else
        snprintf(out, outlen, "%s", url);
}

int store_pg_open(const char *conninfo, unsigned pool, unsigned flags, store **out, char *err,
                  size_t errlen) {
    pg_store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->base.ops = &pg_ops;
    s->base.kind = "postgresql";
    s->ledger_async = (flags & STORE_LEDGER_SYNC_PROCESS) != 0;
    display_url(conninfo, s->base.display, sizeof s->base.display);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->conninfo = strdup(conninfo);
    s->conns = calloc(pool, sizeof *s->conns);
    s->free_stack = calloc(pool, sizeof *s->free_stack);
    if (!s->conninfo || !s->conns || !s->free_stack) {
        snprintf(err, errlen, "out of memory");
        pg_close(&s->base);
        return -1;
    }
    for (unsigned i = 0; i < pool; i++) {
        PGconn *c = PQconnectdb(conninfo);
        s->conns[s->nconns++] = c;
        if (PQstatus(c) != CONNECTION_OK) {
            snprintf(err, errlen, "cannot connect to %s: %s", s->base.display, PQerrorMessage(c));
            size_t n = strlen(err);
            while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
                err[--n] = '\0';
            pg_close(&s->base);
            return -1;
        }
        s->free_stack[s->nfree++] = i;
        if (i == 0 && pg_migrate(c, err, errlen)) {
            pg_close(&s->base);
            return -1;
        }
    }
    *out = &s->base;
    return 0;
}
