/*
 * ccsig/buf.h — a growable byte buffer (the output side of serialisers and
 * generators). The buffer owns its memory; ccsig_buf_free releases it.
 * Appends never fail silently: after an allocation failure the buffer is
 * marked failed, further appends are no-ops, and ccsig_buf_failed says so.
 */
#ifndef CCSIG_BUF_H
#define CCSIG_BUF_H

#include <stdarg.h>

#include "ccsig/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ccsig_buf {
    char *data; /* always NUL-terminated when len > 0 or after ccsig_buf_cstr */
    size_t len;
    size_t cap;
    bool failed;
} ccsig_buf;

#define CCSIG_BUF_INIT                                                                             \
    { NULL, 0, 0, false }

/* Make room for at least n more bytes. Returns false on allocation failure. */
bool ccsig_buf_reserve(ccsig_buf *b, size_t n);

void ccsig_buf_append(ccsig_buf *b, const void *p, size_t n);

static inline void ccsig_buf_putc(ccsig_buf *b, char c) {
    if (b->len + 2 <= b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    ccsig_buf_append(b, &c, 1);
}

static inline void ccsig_buf_puts(ccsig_buf *b, const char *s) {
    ccsig_buf_append(b, s, strlen(s));
}

static inline void ccsig_buf_put_str(ccsig_buf *b, ccsig_str s) {
    ccsig_buf_append(b, s.p, s.len);
}

void ccsig_buf_printf(ccsig_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ccsig_buf_vprintf(ccsig_buf *b, const char *fmt, va_list ap);

/* Forget the contents, keep the memory. */
static inline void ccsig_buf_clear(ccsig_buf *b) {
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

/* Contents as a NUL-terminated string ("" when empty). */
const char *ccsig_buf_cstr(ccsig_buf *b);

static inline bool ccsig_buf_failed(const ccsig_buf *b) {
    return b->failed;
}

void ccsig_buf_free(ccsig_buf *b);

#ifdef __cplusplus
}
#endif
#endif
