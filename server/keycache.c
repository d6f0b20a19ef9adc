/*
 * keycache.c — key id -> reuser_key (see keycache.h): the library's hash map
 * behind one read-write lock. Keys are few (registered reusers) and only
 * keys the store knows are put, but the table is still bounded: when it is
 * full, stale entries go, else the oldest, which only costs one database
 * read later.
 */
#include "keycache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/hashmap.h"

#define KC_MAX 4096

typedef struct kc_entry {
    reuser_key k;
    int64_t stored_us;
} kc_entry;

struct keycache {
    pthread_rwlock_t lock;
    int64_t ttl_us;
    ccsig_hashmap map; /* key_id -> kc_entry */
};

keycache *keycache_new(int64_t ttl_us) {
    keycache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    pthread_rwlock_init(&c->lock, NULL);
    c->ttl_us = ttl_us;
    ccsig_hashmap_init(&c->map, sizeof(kc_entry));
    return c;
}

void keycache_free(keycache *c) {
    if (!c)
        return;
    ccsig_hashmap_free(&c->map);
    pthread_rwlock_destroy(&c->lock);
    free(c);
}

static bool fresh(const keycache *c, const kc_entry *e, int64_t now_us) {
    return c->ttl_us == 0 || now_us - e->stored_us < c->ttl_us;
}

int keycache_get(keycache *c, const char *key_id, int64_t now_us, reuser_key *out) {
    int hit = 0;
    pthread_rwlock_rdlock(&c->lock);
    const kc_entry *e = ccsig_hashmap_get(&c->map, key_id, strlen(key_id));
    if (e && fresh(c, e, now_us)) {
        *out = e->k;
        hit = 1;
    }
    pthread_rwlock_unlock(&c->lock);
    return hit;
}

typedef struct kc_sweep {
    const keycache *c;
    int64_t now_us;
} kc_sweep;

static bool drop_stale(void *ctx, ccsig_str key, void *value) {
    (void)key;
    const kc_sweep *s = ctx;
    return !fresh(s->c, value, s->now_us);
}

/* Make room for one entry in a full table. */
static void evict(keycache *c, int64_t now_us) {
    kc_sweep s = {c, now_us};
    if (c->ttl_us && ccsig_hashmap_remove_if(&c->map, drop_stale, &s))
        return;
    size_t pos = 0;
    ccsig_str key, oldest = {NULL, 0};
    void *v;
    int64_t when = INT64_MAX;
    while (ccsig_hashmap_next(&c->map, &pos, &key, &v))
        if (((kc_entry *)v)->stored_us < when) {
            when = ((kc_entry *)v)->stored_us;
            oldest = key;
        }
    if (oldest.p) {
        char id[sizeof((reuser_key *)0)->key_id]; /* keys are key_ids */
        size_t n = oldest.len < sizeof id ? oldest.len : sizeof id - 1;
        memcpy(id, oldest.p, n); /* the key lives in the map: copy it before removing */
        ccsig_hashmap_remove(&c->map, id, n);
    }
}

void keycache_put(keycache *c, const reuser_key *k, int64_t now_us) {
    size_t len = strlen(k->key_id);
    pthread_rwlock_wrlock(&c->lock);
    if (!ccsig_hashmap_get(&c->map, k->key_id, len) && ccsig_hashmap_count(&c->map) >= KC_MAX)
        evict(c, now_us);
    kc_entry *e = ccsig_hashmap_put(&c->map, k->key_id, len, NULL);
    if (e) { /* out of memory: not cached, which only costs a database read */
        e->k = *k;
        e->stored_us = now_us;
    }
    pthread_rwlock_unlock(&c->lock);
}

void keycache_clear(keycache *c) {
    pthread_rwlock_wrlock(&c->lock);
    ccsig_hashmap_clear(&c->map);
    pthread_rwlock_unlock(&c->lock);
}
