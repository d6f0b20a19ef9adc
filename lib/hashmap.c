/*
 * hashmap.c — the one hash map of libccsig (see ccsig/hashmap.h).
 */
#include "ccsig/hashmap.h"

#include <assert.h>
#include <string.h>

#include "ccsig/alloc.h"

struct ccsig_hashmap_slot {
    uint64_t hash;
    char *key; /* NULL: empty */
    size_t len;
};

#define MIN_CAP 16u

void ccsig_hashmap_init(ccsig_hashmap *m, size_t value_size) {
    memset(m, 0, sizeof *m);
    m->value_size = value_size;
}

void ccsig_hashmap_clear(ccsig_hashmap *m) {
    for (size_t i = 0; i < m->cap; i++) {
        ccsig_free(m->slots[i].key);
        m->slots[i].key = NULL;
    }
    m->n = 0;
}

void ccsig_hashmap_free(ccsig_hashmap *m) {
    ccsig_hashmap_clear(m);
    ccsig_free(m->slots);
    ccsig_free(m->values);
    size_t vs = m->value_size;
    memset(m, 0, sizeof *m);
    m->value_size = vs;
}

static inline void *value_at(const ccsig_hashmap *m, size_t i) {
    return m->values ? m->values + i * m->value_size : (void *)&m->slots[i];
}

/* The slot holding the key, or the empty slot where it would go. */
static size_t find(const ccsig_hashmap *m, uint64_t h, const void *key, size_t len) {
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        const ccsig_hashmap_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && s->len == len && !memcmp(s->key, key, len)))
            return i;
    }
}

static bool grow(ccsig_hashmap *m) {
    size_t nc = m->cap ? m->cap * 2 : MIN_CAP;
    if (nc > SIZE_MAX / sizeof(ccsig_hashmap_slot) ||
        (m->value_size && nc > SIZE_MAX / m->value_size))
        return false;
    ccsig_hashmap_slot *ns = ccsig_calloc(nc, sizeof *ns);
    unsigned char *nv = m->value_size ? ccsig_malloc(nc * m->value_size) : NULL;
    if (!ns || (m->value_size && !nv)) {
        ccsig_free(ns);
        ccsig_free(nv);
        return false;
    }
    ccsig_hashmap old = *m;
    m->slots = ns;
    m->values = nv;
    m->cap = nc;
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.slots[i].key)
            continue;
        size_t j = find(m, old.slots[i].hash, old.slots[i].key, old.slots[i].len);
        m->slots[j] = old.slots[i];
        if (m->value_size)
            memcpy(value_at(m, j), value_at(&old, i), m->value_size);
    }
    ccsig_free(old.slots);
    ccsig_free(old.values);
    return true;
}

void *ccsig_hashmap_get(const ccsig_hashmap *m, const void *key, size_t len) {
    if (!m->n)
        return NULL;
    size_t i = find(m, ccsig_fnv1a64(key, len), key, len);
    return m->slots[i].key ? value_at(m, i) : NULL;
}

void *ccsig_hashmap_put(ccsig_hashmap *m, const void *key, size_t len, bool *created) {
    uint64_t h = ccsig_fnv1a64(key, len);
    if (created)
        *created = false;
    if (m->n) {
        size_t i = find(m, h, key, len);
        if (m->slots[i].key)
            return value_at(m, i);
    }
    if ((m->n + 1) * 2 > m->cap && !grow(m))
        return NULL;
    if (len == SIZE_MAX)
        return NULL;
    char *k = ccsig_malloc(len + 1);
    if (!k)
        return NULL;
    if (len)
        memcpy(k, key, len);
    k[len] = '\0';
    size_t i = find(m, h, key, len);
    m->slots[i] = (ccsig_hashmap_slot){h, k, len};
    m->n++;
    void *v = value_at(m, i);
    if (m->value_size)
        memset(v, 0, m->value_size);
    if (created)
        *created = true;
    return v;
}

/* Empty slot i and move later entries of its probe run back (Knuth's
 * algorithm R), so lookups never need tombstones. */
static void remove_at(ccsig_hashmap *m, size_t i) {
    size_t mask = m->cap - 1;
    ccsig_free(m->slots[i].key);
    m->slots[i].key = NULL;
    m->n--;
    for (size_t j = (i + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
        size_t home = (size_t)m->slots[j].hash & mask;
        /* j's entry may move to the hole at i when its home is not in (i, j]. */
        bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (stays)
            continue;
        m->slots[i] = m->slots[j];
        if (m->value_size)
            memcpy(value_at(m, i), value_at(m, j), m->value_size);
        m->slots[j].key = NULL;
        i = j;
    }
}

bool ccsig_hashmap_remove(ccsig_hashmap *m, const void *key, size_t len) {
    if (!m->n)
        return false;
    size_t i = find(m, ccsig_fnv1a64(key, len), key, len);
    if (!m->slots[i].key)
        return false;
    remove_at(m, i);
    return true;
}

size_t ccsig_hashmap_remove_if(ccsig_hashmap *m,
                               bool (*drop)(void *ctx, ccsig_str key, void *value), void *ctx) {
    size_t removed = 0;
    /* Walk from just after an empty slot: no probe run crosses it, so
     * remove_at only moves entries from slots not yet visited into the
     * slot being looked at, which is then looked at again. */
    size_t start = 0;
    while (start < m->cap && m->slots[start].key)
        start++;
    for (size_t k = 0; k < m->cap; k++) {
        size_t i = (start + 1 + k) & (m->cap - 1);
        while (m->slots[i].key &&
               drop(ctx, ccsig_str_make(m->slots[i].key, m->slots[i].len), value_at(m, i))) {
            remove_at(m, i); /* a later entry may have moved into i: look again */
            removed++;
        }
    }
    return removed;
}

bool ccsig_hashmap_next(const ccsig_hashmap *m, size_t *pos, ccsig_str *key, void **value) {
    while (*pos < m->cap) {
        size_t i = (*pos)++;
        if (!m->slots[i].key)
            continue;
        if (key)
            *key = ccsig_str_make(m->slots[i].key, m->slots[i].len);
        if (value)
            *value = value_at(m, i);
        return true;
    }
    return false;
}
