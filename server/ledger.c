/*
 * ledger.c — group commit of ledger records (see ledger.h).
 */
#include "ledger.h"
#include "ratelimit.h"

#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct item {
    ledger_rec rec;
    ledger_done_fn done;
    void *arg;
} item;

typedef struct queue {
    item *v;
    size_t n, cap;
} queue;

/* Group commit: when every commit costs an fsync (1-3 ms here, whatever its
 * size), the writer, after the first record of a batch arrives, waits for
 * more until none has come for LINGER_IDLE_US, or LINGER_MAX_US have
 * passed, or the batch is BATCH_FULL: fewer, fuller commits. A lone request
 * waits LINGER_IDLE_US more at most. Without the fsync (ledger-sync:
 * process) a commit is cheap and the writer does not wait. */
#define LINGER_IDLE_US 50
#define LINGER_MAX_US 1000
#define BATCH_FULL 1024

struct ledger {
    store *s;
    int linger;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    queue pending;
    int stopping;
    int idle;    /* the writer waits for a first record: submissions wake it */
    int failing; /* the last commit failed (writer thread only) */
    ledger_stats stats;
};

static void *writer(void *arg) {
    ledger *l = arg;
    queue batch = {NULL, 0, 0};
    ledger_rec *recs = NULL;
    size_t recs_cap = 0;
    pthread_mutex_lock(&l->mu);
    for (;;) {
        l->idle = 1;
        while (l->pending.n == 0 && !l->stopping)
            pthread_cond_wait(&l->cv, &l->mu);
        l->idle = 0;
        if (l->pending.n == 0 && l->stopping)
            break;
        int64_t first = now_mono_us();
        size_t seen = l->pending.n;
        while (l->linger && !l->stopping && l->pending.n < BATCH_FULL) {
            int64_t now = now_mono_us();
            if (now - first >= LINGER_MAX_US)
                break;
            int64_t wait = LINGER_IDLE_US;
            if (first + LINGER_MAX_US - now < wait)
                wait = first + LINGER_MAX_US - now;
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_nsec += (long)(wait * 1000);
            ts.tv_sec += ts.tv_nsec / 1000000000L;
            ts.tv_nsec %= 1000000000L;
            pthread_cond_timedwait(&l->cv, &l->mu, &ts);
            if (l->pending.n == seen)
                break; /* nothing new for LINGER_IDLE_US */
            seen = l->pending.n;
        }
        /* Take everything queued: the batch grows with the load, so one
         * fsync serves more requests the busier the gateway is. */
        queue t = l->pending;
        l->pending = batch;
        l->pending.n = 0;
        batch = t;
        pthread_mutex_unlock(&l->mu);

        if (recs_cap < batch.n) {
            free(recs);
            recs_cap = batch.n * 2;
            recs = malloc(recs_cap * sizeof *recs);
            if (!recs)
                recs_cap = 0;
        }
        int ok = 0;
        int64_t t0 = now_mono_us();
        if (recs) {
            for (size_t i = 0; i < batch.n; i++)
                recs[i] = batch.v[i].rec;
            ok = store_ledger_append(l->s, recs, batch.n) == 0;
        }
        int64_t spent = now_mono_us() - t0;
        /* The steward sees a failing ledger in the log (once per streak);
         * the requests whose records were lost get a 503. */
        if (!ok && !l->failing)
            fprintf(stderr,
                    "ccsig serve: ledger: a commit of %zu record%s failed; their requests are "
                    "answered 503 until the ledger can be written\n",
                    batch.n, batch.n == 1 ? "" : "s");
        else if (ok && l->failing)
            fprintf(stderr, "ccsig serve: ledger: commits work again\n");
        l->failing = !ok;
        for (size_t i = 0; i < batch.n; i++)
            if (batch.v[i].done)
                batch.v[i].done(batch.v[i].arg, ok);

        pthread_mutex_lock(&l->mu);
        l->stats.batches++;
        l->stats.commit_us += (uint64_t)spent;
        if (ok)
            l->stats.records += batch.n;
        else
            l->stats.failures += batch.n;
        batch.n = 0;
    }
    pthread_mutex_unlock(&l->mu);
    free(batch.v);
    free(recs);
    return NULL;
}

ledger *ledger_start(store *s, int linger) {
    ledger *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->s = s;
    l->linger = linger;
    pthread_mutex_init(&l->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&l->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&l->thread, NULL, writer, l) != 0) {
        pthread_mutex_destroy(&l->mu);
        pthread_cond_destroy(&l->cv);
        free(l);
        return NULL;
    }
    return l;
}

int ledger_submit(ledger *l, const ledger_rec *rec, ledger_done_fn done, void *arg) {
    pthread_mutex_lock(&l->mu);
    if (l->stopping) {
        pthread_mutex_unlock(&l->mu);
        return -1;
    }
    if (l->pending.n == l->pending.cap) {
        size_t cap = l->pending.cap ? l->pending.cap * 2 : 256;
        item *v = realloc(l->pending.v, cap * sizeof *v);
        if (!v) {
            pthread_mutex_unlock(&l->mu);
            return -1;
        }
        l->pending.v = v;
        l->pending.cap = cap;
    }
    item *it = &l->pending.v[l->pending.n++];
    it->rec = *rec;
    it->done = done;
    it->arg = arg;
    /* Only the first record of a batch wakes the writer: while it lingers
     * it looks at the queue every LINGER_IDLE_US by itself (a wake-up per
     * record would cost a context switch per request). */
    if (l->idle)
        pthread_cond_signal(&l->cv);
    pthread_mutex_unlock(&l->mu);
    return 0;
}

void ledger_stop(ledger *l) {
    if (!l)
        return;
    pthread_mutex_lock(&l->mu);
    l->stopping = 1;
    pthread_cond_signal(&l->cv);
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->thread, NULL);
    free(l->pending.v);
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->cv);
    free(l);
}

void ledger_get_stats(ledger *l, ledger_stats *out) {
    pthread_mutex_lock(&l->mu);
    *out = l->stats;
    pthread_mutex_unlock(&l->mu);
}
