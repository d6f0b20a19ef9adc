/*
 * keycache.c — key id -> reuser_key (see keycache.h): a fixed table of
 * 4096 slots, open addressing over a short window, one read-write lock.
 * Keys are few (registered reusers); when the window is full the oldest
 * entry goes, which only costs one database read later.
 */
#include "keycache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define KC_SLOTS 4096
#define KC_WINDOW 16

typedef struct kc_entry {
    reuser_key k;
    int64_t stored_us;
    uint64_t gen; /* 0 = empty */
} kc_entry;

struct keycache {
    pthread_rwlock_t lock;
    int64_t ttl_us;
    uint64_t gen;
    kc_entry e[KC_SLOTS];
};

static size_t slot_of(const char *key_id) {
    uint64_t h = 1469598103934665603ull;
    for (const char *p = key_id; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ull;
    }
    return (size_t)(h % KC_SLOTS);
}

keycache *keycache_new(int64_t ttl_us) {
    keycache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    pthread_rwlock_init(&c->lock, NULL);
    c->ttl_us = ttl_us;
    c->gen = 1;
    return c;
}

void keycache_free(keycache *c) {
    if (!c)
        return;
    pthread_rwlock_destroy(&c->lock);
    free(c);
}

int keycache_get(keycache *c, const char *key_id, int64_t now_us, reuser_key *out) {
    size_t s = slot_of(key_id);
    int hit = 0;
    pthread_rwlock_rdlock(&c->lock);
    for (int i = 0; i < KC_WINDOW; i++) {
        const kc_entry *e = &c->e[(s + (size_t)i) % KC_SLOTS];
        if (e->gen == c->gen && strcmp(e->k.key_id, key_id) == 0) {
            if (c->ttl_us == 0 || now_us - e->stored_us < c->ttl_us) {
                *out = e->k;
                hit = 1;
            }
            break;
        }
    }
    pthread_rwlock_unlock(&c->lock);
    return hit;
}

void keycache_put(keycache *c, const reuser_key *k, int64_t now_us) {
    size_t s = slot_of(k->key_id);
    pthread_rwlock_wrlock(&c->lock);
    kc_entry *target = NULL, *oldest = NULL;
    for (int i = 0; i < KC_WINDOW; i++) {
        kc_entry *e = &c->e[(s + (size_t)i) % KC_SLOTS];
        if (e->gen == c->gen && strcmp(e->k.key_id, k->key_id) == 0) {
            target = e;
            break;
        }
        if (!target && e->gen != c->gen)
            target = e;
        if (!oldest || e->stored_us < oldest->stored_us)
            oldest = e;
    }
    if (!target)
        target = oldest;
    target->k = *k;
    target->stored_us = now_us;
    target->gen = c->gen;
    pthread_rwlock_unlock(&c->lock);
}

void keycache_clear(keycache *c) {
    pthread_rwlock_wrlock(&c->lock);
    c->gen++;
    pthread_rwlock_unlock(&c->lock);
}
