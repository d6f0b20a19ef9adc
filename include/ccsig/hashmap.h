/*
 * ccsig/hashmap.h — the library's one hash function (FNV-1a, 64 bits) and
 * one hash map (byte-string keys to fixed-size values).
 *
 * FNV-1a: http://www.isthe.com/chongo/tech/comp/fnv/ (and the IETF draft
 * draft-eastlake-fnv): offset basis 14695981039346656037, prime
 * 1099511628211; for each byte, xor it in, then multiply. Not a defence
 * against chosen keys: a map fed keys by a remote party must bound its size
 * (the gateway's tables do).
 *
 * The map: open addressing with linear probing, at most half full, deletion
 * by backward shift (no tombstones). It owns a copy of every key (the key
 * bytes and a NUL after them) and holds the values inline, value_size bytes
 * each, zeroed when created. Pointers to values and keys are valid until
 * the next put, remove or clear. Not thread-safe: a caller shares a map
 * between threads behind its own lock.
 */
#ifndef CCSIG_HASHMAP_H
#define CCSIG_HASHMAP_H

#include "ccsig/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CCSIG_FNV1A64_OFFSET 14695981039346656037ull
#define CCSIG_FNV1A64_PRIME 1099511628211ull

/* FNV-1a 64 of p[0..n), continuing from h (CCSIG_FNV1A64_OFFSET to start),
 * so that a key in several parts hashes as their concatenation. */
static inline uint64_t ccsig_fnv1a64_more(uint64_t h, const void *p, size_t n) {
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= CCSIG_FNV1A64_PRIME;
    }
    return h;
}

/* FNV-1a 64 of p[0..n). ccsig_fnv1a64("", 0) is the offset basis;
 * ccsig_fnv1a64("a", 1) is 0xaf63dc4c8601ec8c. */
static inline uint64_t ccsig_fnv1a64(const void *p, size_t n) {
    return ccsig_fnv1a64_more(CCSIG_FNV1A64_OFFSET, p, n);
}

typedef struct ccsig_hashmap_slot ccsig_hashmap_slot;

typedef struct ccsig_hashmap {
    ccsig_hashmap_slot *slots; /* internal */
    unsigned char *values;     /* internal: value_size bytes per slot */
    size_t cap;                /* slots (0 or a power of two) */
    size_t n;                  /* entries */
    size_t value_size;
} ccsig_hashmap;

/* An empty map whose values are value_size bytes (0 for a set). Allocates
 * nothing until the first put. */
void ccsig_hashmap_init(ccsig_hashmap *m, size_t value_size);

/* Free the keys and the table; the map is empty and reusable after it.
 * Values that own memory are the caller's to free first. */
void ccsig_hashmap_free(ccsig_hashmap *m);

/* The value of key[0..len), or NULL when absent. */
void *ccsig_hashmap_get(const ccsig_hashmap *m, const void *key, size_t len);

/* The value of key[0..len), created (zeroed, *created = true) when absent.
 * *created may be NULL. Returns NULL when out of memory (the map is
 * unchanged). */
void *ccsig_hashmap_put(ccsig_hashmap *m, const void *key, size_t len, bool *created);

/* Remove key[0..len): true when it was there. */
bool ccsig_hashmap_remove(ccsig_hashmap *m, const void *key, size_t len);

/* Remove every entry for which drop(ctx, key, value) is true; returns how
 * many went. The table keeps its size. */
size_t ccsig_hashmap_remove_if(ccsig_hashmap *m,
                               bool (*drop)(void *ctx, ccsig_str key, void *value), void *ctx);

/* Remove every entry (the table keeps its size). */
void ccsig_hashmap_clear(ccsig_hashmap *m);

static inline size_t ccsig_hashmap_count(const ccsig_hashmap *m) {
    return m->n;
}

/* Iterate: start with *pos = 0; each call gives the next entry's key and
 * value (either may be NULL) and returns false after the last. Order is the
 * table's, not insertion. The map must not change during an iteration. */
bool ccsig_hashmap_next(const ccsig_hashmap *m, size_t *pos, ccsig_str *key, void **value);

#ifdef __cplusplus
}
#endif
#endif
