/*
 * ratelimit.c — GCRA and the per-address table (see ratelimit.h).
 *
 * The table is 64 shards, each a mutex and one of the library's hash maps
 * with a fixed number of entries, so two threads rarely contend and a flood
 * of new addresses costs a bounded amount of memory and time.
 */
#include "ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ccsig/hashmap.h"

int64_t now_mono_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t now_wall_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t gcra_take(int64_t *tat, int64_t now, double rate, double burst) {
    if (!(rate > 0))
        return INT64_MAX / 4;
    double T = 1e6 / rate;
    if (T < 1)
        T = 1;
    int64_t t = *tat > now ? *tat : now;
    double next = (double)t + T;
    double limit = T * (burst < 1 ? 1 : burst);
    if (next - (double)now > limit) {
        int64_t wait = (int64_t)ceil(next - (double)now - limit);
        return wait < 1 ? 1 : wait;
    }
    *tat = (int64_t)next;
    return 0;
}

#define RL_SHARDS 64
#define RL_MIN 8
#define RL_ADDR 48

typedef struct rl_shard {
    pthread_mutex_t mu;
    ccsig_hashmap map; /* class (int) + address bytes -> int64_t TAT */
} rl_shard;

struct rl_table {
    unsigned slots;
    rl_shard shard[RL_SHARDS];
};

rl_table *rl_table_new(unsigned slots_per_shard) {
    rl_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->slots = slots_per_shard < RL_MIN ? RL_MIN : slots_per_shard;
    for (int i = 0; i < RL_SHARDS; i++) {
        pthread_mutex_init(&t->shard[i].mu, NULL);
        ccsig_hashmap_init(&t->shard[i].map, sizeof(int64_t));
    }
    return t;
}

void rl_table_free(rl_table *t) {
    if (!t)
        return;
    for (int i = 0; i < RL_SHARDS; i++) {
        ccsig_hashmap_free(&t->shard[i].map);
        pthread_mutex_destroy(&t->shard[i].mu);
    }
    free(t);
}

static bool drop_at_or_before(void *ctx, ccsig_str key, void *value) {
    (void)key;
    return *(int64_t *)value <= *(const int64_t *)ctx;
}

/* Make room in a full shard: clients at rest (TAT passed: the same as a new
 * one) go; when none is, the less limited half (TAT at or below the mean)
 * goes, so that a flood of new addresses costs one sweep per many
 * requests, not one per request. */
static void rl_evict(ccsig_hashmap *m, int64_t now) {
    if (ccsig_hashmap_remove_if(m, drop_at_or_before, &now))
        return;
    size_t pos = 0;
    void *v;
    double sum = 0;
    while (ccsig_hashmap_next(m, &pos, NULL, &v))
        sum += (double)(*(int64_t *)v - now);
    int64_t mean = now + (int64_t)(sum / (double)ccsig_hashmap_count(m));
    ccsig_hashmap_remove_if(m, drop_at_or_before, &mean);
}

int64_t rl_take(rl_table *t, int cls, const char *addr, int64_t now, double rate, double burst) {
    char key[sizeof(int) + RL_ADDR];
    size_t n = strnlen(addr, RL_ADDR - 1);
    memcpy(key, &cls, sizeof cls);
    memcpy(key + sizeof cls, addr, n);
    n += sizeof cls;
    /* the top bits pick the shard: the map's slots use the low ones */
    rl_shard *s = &t->shard[(ccsig_fnv1a64(key, n) >> 58) % RL_SHARDS];
    pthread_mutex_lock(&s->mu);
    if (!ccsig_hashmap_get(&s->map, key, n) && ccsig_hashmap_count(&s->map) >= t->slots)
        rl_evict(&s->map, now);
    bool created;
    int64_t *tat = ccsig_hashmap_put(&s->map, key, n, &created), tmp = now;
    if (!tat)
        tat = &tmp; /* out of memory: limited as a new client, not remembered */
    else if (created)
        *tat = now;
    int64_t wait = gcra_take(tat, now, rate, burst);
    pthread_mutex_unlock(&s->mu);
    return wait;
}
