/*
 * ccsig/buf.h — a growable byte buffer (the output side of serialisers and
 * generators). The buffer owns its memory; ccsig_buf_free releases it. A
 * caller that keeps data instead frees it with ccsig_free (ccsig/alloc.h).
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

/* ccsig_buf_append, with the common case (room in the buffer) inline:
 * serialisers on hot paths (scan annotations) append many short pieces, and
 * with a literal the length and the copy fold into a few instructions. */
static inline void ccsig_buf_put(ccsig_buf *b, const void *p, size_t n) {
    if (b->len + n + 1 <= b->cap && !b->failed) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return;
    }
    ccsig_buf_append(b, p, n);
}

static inline void ccsig_buf_puts(ccsig_buf *b, const char *s) {
    ccsig_buf_put(b, s, strlen(s));
}

static inline void ccsig_buf_put_str(ccsig_buf *b, ccsig_str s) {
    ccsig_buf_put(b, s.p, s.len);
}

/* Append v in decimal: what printf's "%" PRIu64 writes, without parsing a
 * format (the integer writer of the library's JSON serialisers). */
void ccsig_buf_put_u64(ccsig_buf *b, uint64_t v);

/* Append v in decimal, '-' before a negative value ("%" PRId64). */
void ccsig_buf_put_i64(ccsig_buf *b, int64_t v);

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

/* Append p[0..n) as a JSON string, quotes included (RFC 8259 §7): '"', '\\'
 * and control bytes escaped, valid UTF-8 copied as it is, each byte of an
 * invalid sequence written as U+FFFD (JSON text must be UTF-8). The one JSON
 * string writer of ccsig: every fast JSON path (scan annotations, the
 * gateway's pages) goes through it. */
void ccsig_buf_json_str(ccsig_buf *b, const char *p, size_t n);

/* Append p[0..n) as one CSV field (RFC 4180): in double quotes, inner
 * quotes doubled, when always is true or the text holds a comma, a quote,
 * CR or LF; as it is otherwise. The one CSV field writer of ccsig (credit
 * manifests, audit rows). */
void ccsig_buf_csv_field(ccsig_buf *b, const char *p, size_t n, bool always);

/* ---- UTF-8 (RFC 3629): the library's one decoder and encoder ----
 * Valid means: shortest form, no surrogates (U+D800..DFFF), nothing above
 * U+10FFFF. All are thread-safe and allocate nothing. */

/* Decode the sequence starting at p (reading at most n bytes): its length
 * (1 for ASCII, up to 4) and, when cp is not NULL, its code point; 0 when
 * n is 0 or the bytes at p do not start a valid sequence. */
size_t ccsig_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* ccsig_utf8_decode without the code point. */
size_t ccsig_utf8_seq(const unsigned char *p, size_t n);

/* Whether p[0..n) is all valid UTF-8. */
bool ccsig_utf8_valid(const char *p, size_t n);

/* Write code point cp as UTF-8 into out: the byte count (1..4), or 0 for a
 * surrogate or a value above U+10FFFF (nothing written). */
size_t ccsig_utf8_encode(uint32_t cp, char out[4]);

/* Copy s[0..n) into out (capacity >= 3 * n + 1), NUL-terminated, with each
 * byte that does not start a valid sequence replaced by U+FFFD and each
 * control character but tab and newline (and DEL) by a space: text safe to
 * show and index. Returns the output length. */
size_t ccsig_utf8_clean(const char *s, size_t n, char *out);

#ifdef __cplusplus
}
#endif
#endif
