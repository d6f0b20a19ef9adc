/*
 * keycache.h — the gateway's cache of keys (key id -> reuser_key), so that
 * a keyed request does not read the database.
 *
 * Correctness does not rest on the cache: the key's secret is still
 * compared (in constant time) with the cached hash on every request, and
 * store_admit checks the key's status in the same step that counts the
 * request (in memory for SQLite, in the row for PostgreSQL). What the cache
 * can delay is only a change of tier made by another gateway sharing
 * PostgreSQL (an approval), by at most its lifetime. This gateway's own
 * changes (approve, reject, revoke) clear it at once.
 */
#ifndef CCSIG_SERVE_KEYCACHE_H
#define CCSIG_SERVE_KEYCACHE_H

#include "store.h"

typedef struct keycache keycache;

/* ttl_us: how long an entry is trusted (0: until invalidated). */
keycache *keycache_new(int64_t ttl_us);
void keycache_free(keycache *c);
/* 1 and *out filled when key_id is cached and fresh. */
int keycache_get(keycache *c, const char *key_id, int64_t now_us, reuser_key *out);
void keycache_put(keycache *c, const reuser_key *k, int64_t now_us);
/* Forget everything (a steward changed a reuser). */
void keycache_clear(keycache *c);

#endif
