/*
 * ratelimit.h — the generic cell rate algorithm (GCRA) and a bounded,
 * sharded table of per-address limiter states.
 *
 * GCRA keeps one number per client, the theoretical arrival time (TAT): a
 * request at time t is allowed when max(TAT, t) + T - t <= T * burst, where
 * T = 1/rate, and then TAT becomes max(TAT, t) + T. It is a token bucket
 * without a refill loop, and its single state value makes the same check one
 * atomic UPDATE in PostgreSQL (store_pg.c), so every instance sharing the
 * database enforces one limit per key.
 */
#ifndef CCSIG_SERVE_RATELIMIT_H
#define CCSIG_SERVE_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

/* Check and, when allowed, consume one request. tat and now are in
 * microseconds. Returns 0 when allowed, otherwise how long to wait (µs,
 * >= 1) before the request would be. */
int64_t gcra_take(int64_t *tat, int64_t now, double rate, double burst);

/* Per-address limiter table. Addresses are opaque byte strings (up to 46
 * bytes: an IPv6 address in text). The table never grows past 64 shards of
 * slots_per_shard entries: when a shard is full, the entries whose TAT has
 * passed (clients at rest, the same as new ones) go, else the less limited
 * half. */
typedef struct rl_table rl_table;

rl_table *rl_table_new(unsigned slots_per_shard);
void rl_table_free(rl_table *t);

/* GCRA for (class, address). class separates the per-address limits of
 * different classes (browsers, automated, registrations, logins). */
int64_t rl_take(rl_table *t, int cls, const char *addr, int64_t now, double rate, double burst);

/* Monotonic and wall clocks in microseconds. */
int64_t now_mono_us(void);
int64_t now_wall_us(void);

#endif
