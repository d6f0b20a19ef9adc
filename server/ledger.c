/*
 * ledger.c — group commit of ledger records (see ledger.h).
 */
#include "ledger.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct item {
    ledger_rec rec;
    ledger_done_fn done;
    void *arg;
} item;

typedef struct queue {
    item *v;
    size_t n, cap;
} queue;

struct ledger {
    store *s;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    queue pending;
    int stopping;
    ledger_stats stats;
};

static void *writer(void *arg) {
    ledger *l = arg;
    queue batch = {NULL, 0, 0};
    ledger_rec *recs = NULL;
    size_t recs_cap = 0;
    pthread_mutex_lock(&l->mu);
    for (;;) {
        while (l->pending.n == 0 && !l->stopping)
            pthread_cond_wait(&l->cv, &l->mu);
        if (l->pending.n == 0 && l->stopping)
            break;
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
        if (recs) {
            for (size_t i = 0; i < batch.n; i++)
                recs[i] = batch.v[i].rec;
            ok = store_ledger_append(l->s, recs, batch.n) == 0;
        }
        for (size_t i = 0; i < batch.n; i++)
            if (batch.v[i].done)
                batch.v[i].done(batch.v[i].arg, ok);

        pthread_mutex_lock(&l->mu);
        l->stats.batches++;
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

ledger *ledger_start(store *s) {
    ledger *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->s = s;
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
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
