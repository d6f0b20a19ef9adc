/*
 * ccsig/arena.h — bump allocation for parsers and per-record work.
 *
 * A parser or a scan thread owns one arena, allocates everything a result
 * needs from it, and resets it between inputs: the steady state allocates
 * nothing. Memory is freed only by ccsig_arena_reset (which keeps the largest
 * block for reuse) or ccsig_arena_free. Not thread-safe: one arena per thread.
 */
#ifndef CCSIG_ARENA_H
#define CCSIG_ARENA_H

#include "ccsig/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ccsig_arena_block ccsig_arena_block;

typedef struct ccsig_arena {
    ccsig_arena_block *head; /* current block; older blocks follow ->next */
    char *cur;               /* next free byte in head */
    char *end;               /* end of head */
    size_t block_size;       /* size of the next block to allocate */
    size_t total;            /* bytes held in all blocks */
    bool failed;             /* an allocation returned NULL since the last init or reset:
                                whatever was built from this arena may be incomplete */
} ccsig_arena;

/* Initialise an empty arena. first_block is the size of the first block
 * (0 picks 4 KiB). Allocates nothing until the first ccsig_arena_alloc. */
void ccsig_arena_init(ccsig_arena *a, size_t first_block);

/* Allocate n bytes aligned to 8. Returns NULL only when malloc fails (or n
 * overflows), and then sets a->failed. The memory lives until the next reset
 * or free. */
void *ccsig_arena_alloc_slow(ccsig_arena *a, size_t n);

static inline void *ccsig_arena_alloc(ccsig_arena *a, size_t n) {
    size_t need = (n + 7u) & ~(size_t)7u;
    if ((size_t)(a->end - a->cur) >= need && a->cur) {
        void *p = a->cur;
        a->cur += need;
        return p;
    }
    return ccsig_arena_alloc_slow(a, n);
}

/* Copy n bytes into the arena; returns the copy (NUL-terminated for
 * convenience) or NULL when out of memory. */
char *ccsig_arena_dup(ccsig_arena *a, const void *p, size_t n);

/* Release everything allocated so far but keep the largest block, so the
 * next input of a similar size allocates nothing. Clears a->failed. */
void ccsig_arena_reset(ccsig_arena *a);

/* Free all memory held by the arena. */
void ccsig_arena_free(ccsig_arena *a);

#ifdef __cplusplus
}
#endif
#endif
