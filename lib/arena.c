/*
 * arena.c — bump allocator. Blocks form a singly linked list, newest first.
 * Reset keeps only the largest block: after one input of a given size the
 * arena never calls malloc again for inputs up to that size.
 */
#include <assert.h>
#include <stdlib.h>

#include "ccsig/alloc.h"
#include "ccsig/arena.h"

struct ccsig_arena_block {
    ccsig_arena_block *next;
    size_t size; /* usable bytes after the header */
    /* data follows, 8-aligned */
};

#define BLOCK_HDR ((sizeof(ccsig_arena_block) + 7u) & ~(size_t)7u)

static char *block_data(ccsig_arena_block *b) {
    return (char *)b + BLOCK_HDR;
}

void ccsig_arena_init(ccsig_arena *a, size_t first_block) {
    a->head = NULL;
    a->cur = NULL;
    a->end = NULL;
    a->block_size = first_block ? first_block : 4096;
    a->total = 0;
    a->failed = false;
}

void *ccsig_arena_alloc_slow(ccsig_arena *a, size_t n) {
    size_t need = (n + 7u) & ~(size_t)7u;
    if (need < n) {
        a->failed = true;
        return NULL;
    }
    if (a->cur && (size_t)(a->end - a->cur) >= need) {
        void *p = a->cur;
        assert(((uintptr_t)p & 7u) == 0);
        a->cur += need;
        return p;
    }
    size_t size = a->block_size;
    while (size < need) {
        if (size > SIZE_MAX / 2) {
            a->failed = true;
            return NULL;
        }
        size *= 2;
    }
    ccsig_arena_block *b = ccsig_malloc(BLOCK_HDR + size);
    if (!b) {
        a->failed = true;
        return NULL;
    }
    b->size = size;
    b->next = a->head;
    a->head = b;
    a->cur = block_data(b) + need;
    a->end = block_data(b) + size;
    assert(((uintptr_t)block_data(b) & 7u) == 0 && a->cur <= a->end); /* 8-aligned, in the block */
    a->total += size;
    /* Grow geometrically so many small allocations need few blocks. */
    if (a->block_size < ((size_t)1 << 26))
        a->block_size *= 2;
    return block_data(b);
}

char *ccsig_arena_dup(ccsig_arena *a, const void *p, size_t n) {
    char *d = ccsig_arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, p, n);
    d[n] = '\0';
    return d;
}

void ccsig_arena_reset(ccsig_arena *a) {
    ccsig_arena_block *keep = NULL;
    for (ccsig_arena_block *b = a->head; b;) {
        ccsig_arena_block *next = b->next;
        if (!keep || b->size > keep->size) {
            if (keep)
                ccsig_free(keep);
            keep = b;
        } else {
            ccsig_free(b);
        }
        b = next;
    }
    a->head = keep;
    a->total = 0;
    a->failed = false;
    if (keep) {
        keep->next = NULL;
        a->cur = block_data(keep);
        a->end = block_data(keep) + keep->size;
        a->total = keep->size;
    } else {
        a->cur = a->end = NULL;
    }
}

void ccsig_arena_free(ccsig_arena *a) {
    for (ccsig_arena_block *b = a->head; b;) {
        ccsig_arena_block *next = b->next;
        ccsig_free(b);
        b = next;
    }
    a->head = NULL;
    a->cur = a->end = NULL;
    a->total = 0;
}
