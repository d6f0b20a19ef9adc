/*
 * ccsig/alloc.h — the library's allocator hook.
 *
 * Every allocation libccsig makes itself goes through ccsig_malloc,
 * ccsig_calloc, ccsig_realloc, ccsig_free and ccsig_strdup/ccsig_strndup, so
 * that an embedding program can route them to its own allocator and a test
 * can fail the Nth allocation (tests/unit/test_alloc_fail.c runs every parser
 * and a small scan failing each allocation in turn: the result must be an
 * error status, never a crash or a leak).
 *
 * Third-party libraries the library calls (zlib/ISA-L, zstd, jansson,
 * libxml2, expat) allocate through their own allocators; ccsig does not
 * redirect them.
 */
#ifndef CCSIG_ALLOC_H
#define CCSIG_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An allocator: malloc/realloc/free with a user pointer. realloc(NULL, n)
 * must behave as malloc(n); free(NULL) must do nothing. */
typedef struct ccsig_allocator {
    void *(*malloc_fn)(void *ud, size_t n);
    void *(*realloc_fn)(void *ud, void *p, size_t n);
    void (*free_fn)(void *ud, void *p);
    void *ud;
} ccsig_allocator;

/* Route the library's allocations to a (NULL restores the C library's
 * malloc/realloc/free). Not thread-safe: call it before any other ccsig
 * function and before any thread uses the library, and do not switch while
 * memory allocated through the previous allocator is still live. */
void ccsig_set_allocator(const ccsig_allocator *a);

/* The library's allocation functions, with the C library's semantics
 * (ccsig_calloc checks n * size for overflow; ccsig_strdup(NULL) and
 * ccsig_strndup(NULL, n) return NULL). Thread-safe when the installed
 * allocator is. */
void *ccsig_malloc(size_t n);
void *ccsig_calloc(size_t n, size_t size);
void *ccsig_realloc(void *p, size_t n);
void ccsig_free(void *p);
char *ccsig_strdup(const char *s);
char *ccsig_strndup(const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif
