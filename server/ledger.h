/*
 * ledger.h — the usage ledger's group commit (ledger-sync: full, and
 * PostgreSQL; with SQLite, ledger-sync: process goes through journal.h).
 *
 * Every keyed request is recorded before its response is queued: the
 * request handler suspends the connection and submits the record; one
 * writer thread commits everything submitted since its last commit in one
 * transaction (one fsync for many requests) and then calls each record's
 * done callback, which resumes the connection. A 2xx response therefore
 * never leaves the gateway before its record is durable, and kill -9 at any
 * moment loses no request that a client saw succeed.
 */
#ifndef CCSIG_SERVE_LEDGER_H
#define CCSIG_SERVE_LEDGER_H

#include "store.h"

typedef struct ledger ledger;

/* Called on the writer thread once the record's batch is durable (ok = 1)
 * or failed (ok = 0). Must not block. */
typedef void (*ledger_done_fn)(void *arg, int ok);

/* linger: gather fuller batches (when each commit costs an fsync). */
ledger *ledger_start(store *s, int linger);
/* Queue a record (copied). done may be NULL. Returns -1 after stop. */
int ledger_submit(ledger *l, const ledger_rec *rec, ledger_done_fn done, void *arg);
/* Commit what is queued, call every callback, stop the thread. */
void ledger_stop(ledger *l);

/* Counters for the startup line and tests. */
typedef struct ledger_stats {
    uint64_t records, batches, failures;
    uint64_t commit_us; /* time spent committing, in all */
} ledger_stats;
void ledger_get_stats(ledger *l, ledger_stats *out);

#endif
