/*
 * buf.c — growable byte buffer and the small shared helpers of common.h.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "ccsig/alloc.h"
#include "ccsig/buf.h"
#include "ccsig/sf.h"

bool ccsig_buf_reserve(ccsig_buf *b, size_t n) {
    if (b->failed)
        return false;
    if (b->len + n + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) {
        if (cap > SIZE_MAX / 2) {
            b->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *d = ccsig_realloc(b->data, cap);
    if (!d) {
        b->failed = true;
        return false;
    }
    b->data = d;
    b->cap = cap;
    assert(b->len + n + 1 <= b->cap); /* room for n bytes and the NUL */
    return true;
}

void ccsig_buf_append(ccsig_buf *b, const void *p, size_t n) {
    if (!ccsig_buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void ccsig_buf_vprintf(ccsig_buf *b, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        b->failed = true;
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof small) {
        ccsig_buf_append(b, small, (size_t)n);
    } else if (ccsig_buf_reserve(b, (size_t)n)) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
        assert(b->len < b->cap && b->data[b->len] == '\0'); /* always NUL-terminated */
    }
    va_end(ap2);
}

void ccsig_buf_printf(ccsig_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ccsig_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *ccsig_buf_cstr(ccsig_buf *b) {
    return b->data ? b->data : "";
}

void ccsig_buf_free(ccsig_buf *b) {
    ccsig_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

bool ccsig_str_ieq(ccsig_str a, const char *lit) {
    return ccsig_str_ieq_n(a, lit, strlen(lit));
}

ccsig_status ccsig_error_set(ccsig_error *err, ccsig_status code, size_t offset, const char *fmt,
                             ...) {
    if (err) {
        err->code = code;
        err->offset = offset;
        err->line = 0;
        err->column = 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

void ccsig_error_clear(ccsig_error *err) {
    if (err) {
        err->code = CCSIG_OK;
        err->offset = 0;
        err->line = err->column = 0;
        err->message[0] = '\0';
    }
}

const char *ccsig_version(void) {
    return CCSIG_VERSION_STRING;
}

size_t ccsig_utf8_seq(const unsigned char *p, size_t n) {
    unsigned char c = p[0];
    size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
    if (!len || len > n || (c >= 0xe0 && c < 0xf0 && len != 3))
        return 0;
    return ccsig_utf8_valid((const char *)p, len) ? len : 0;
}

void ccsig_buf_json_str(ccsig_buf *b, const char *p, size_t n) {
    static const char hex[] = "0123456789abcdef";
    ccsig_buf_reserve(b, n + 2);
    ccsig_buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            continue;
        if (c >= 0x80) {
            size_t l = ccsig_utf8_seq((const unsigned char *)p + i, n - i);
            if (l) {
                i += l - 1;
                continue;
            }
            ccsig_buf_append(b, p + run, i - run);
            run = i + 1;
            ccsig_buf_puts(b, "\\ufffd"); /* not UTF-8: JSON must be */
            continue;
        }
        ccsig_buf_append(b, p + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            ccsig_buf_puts(b, "\\\"");
            break;
        case '\\':
            ccsig_buf_puts(b, "\\\\");
            break;
        case '\n':
            ccsig_buf_puts(b, "\\n");
            break;
        case '\r':
            ccsig_buf_puts(b, "\\r");
            break;
        case '\t':
            ccsig_buf_puts(b, "\\t");
            break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            ccsig_buf_append(b, e, 6);
        }
        }
    }
    ccsig_buf_append(b, p + run, n - run);
    ccsig_buf_putc(b, '"');
}
