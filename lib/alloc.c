/*
 * alloc.c — the allocator hook (ccsig/alloc.h).
 */
#include "ccsig/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *libc_malloc(void *ud, size_t n) {
    (void)ud;
    return malloc(n);
}

static void *libc_realloc(void *ud, void *p, size_t n) {
    (void)ud;
    return realloc(p, n);
}

static void libc_free(void *ud, void *p) {
    (void)ud;
    free(p);
}

static ccsig_allocator current = {libc_malloc, libc_realloc, libc_free, NULL};

void ccsig_set_allocator(const ccsig_allocator *a) {
    if (a && a->malloc_fn && a->realloc_fn && a->free_fn)
        current = *a;
    else
        current = (ccsig_allocator){libc_malloc, libc_realloc, libc_free, NULL};
}

void *ccsig_malloc(size_t n) {
    return current.malloc_fn(current.ud, n ? n : 1);
}

void *ccsig_calloc(size_t n, size_t size) {
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t t = n * size;
    /* The C library's calloc takes fresh pages zeroed by the kernel: a large
     * table (the scan's revisit table) costs no memset and no resident
     * memory until it is used. */
    if (current.malloc_fn == libc_malloc)
        return calloc(t ? t : 1, 1);
    void *p = current.malloc_fn(current.ud, t ? t : 1);
    if (p)
        memset(p, 0, t);
    return p;
}

void *ccsig_realloc(void *p, size_t n) {
    return current.realloc_fn(current.ud, p, n ? n : 1);
}

void ccsig_free(void *p) {
    if (p)
        current.free_fn(current.ud, p);
}

char *ccsig_strndup(const char *s, size_t n) {
    if (!s)
        return NULL;
    size_t l = strnlen(s, n);
    char *d = ccsig_malloc(l + 1);
    if (d) {
        memcpy(d, s, l);
        d[l] = '\0';
    }
    return d;
}

char *ccsig_strdup(const char *s) {
    return s ? ccsig_strndup(s, SIZE_MAX) : NULL;
}
