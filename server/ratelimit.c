/*
 * ratelimit.c — GCRA and the per-address table (see ratelimit.h).
 *
 * The table is 64 shards, each a mutex and an open-addressed array probed
 * over a short window, so two threads rarely contend and a flood of new
 * addresses costs a bounded amount of memory and time.
 */
#include "ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
#define RL_WINDOW 8
#define RL_ADDR 48

typedef struct rl_entry {
    uint64_t hash; /* 0 = empty */
    int64_t tat;
    int cls;
    char addr[RL_ADDR];
} rl_entry;

typedef struct rl_shard {
    pthread_mutex_t mu;
    rl_entry *e;
} rl_shard;

struct rl_table {
    unsigned slots;
    rl_shard shard[RL_SHARDS];
};

static uint64_t fnv1a(int cls, const char *s) {
    uint64_t h = 1469598103934665603ull ^ (uint64_t)(unsigned)cls;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

rl_table *rl_table_new(unsigned slots_per_shard) {
    rl_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->slots = slots_per_shard < RL_WINDOW ? RL_WINDOW : slots_per_shard;
    for (int i = 0; i < RL_SHARDS; i++) {
        pthread_mutex_init(&t->shard[i].mu, NULL);
        t->shard[i].e = calloc(t->slots, sizeof(rl_entry));
        if (!t->shard[i].e) {
            rl_table_free(t);
            return NULL;
        }
    }
    return t;
}

void rl_table_free(rl_table *t) {
    if (!t)
        return;
    for (int i = 0; i < RL_SHARDS; i++) {
        free(t->shard[i].e);
        pthread_mutex_destroy(&t->shard[i].mu);
    }
    free(t);
}

int64_t rl_take(rl_table *t, int cls, const char *addr, int64_t now, double rate, double burst) {
    char a[RL_ADDR];
    size_t n = strnlen(addr, RL_ADDR - 1);
    memcpy(a, addr, n);
    a[n] = '\0';
    uint64_t h = fnv1a(cls, a);
    rl_shard *s = &t->shard[h % RL_SHARDS];
    pthread_mutex_lock(&s->mu);
    size_t base = (size_t)((h / RL_SHARDS) % t->slots);
    rl_entry *hit = NULL, *free_slot = NULL, *weakest = NULL;
    for (unsigned k = 0; k < RL_WINDOW; k++) {
        rl_entry *e = &s->e[(base + k) % t->slots];
        if (e->hash == h && e->cls == cls && strcmp(e->addr, a) == 0) {
            hit = e;
            break;
        }
        if (!free_slot && (e->hash == 0 || e->tat <= now))
            free_slot = e;
        if (!weakest || e->tat < weakest->tat)
            weakest = e;
    }
    if (!hit) {
        hit = free_slot ? free_slot : weakest;
        hit->hash = h;
        hit->cls = cls;
        hit->tat = now;
        memcpy(hit->addr, a, n + 1);
    }
    int64_t wait = gcra_take(&hit->tat, now, rate, burst);
    pthread_mutex_unlock(&s->mu);
    return wait;
}
