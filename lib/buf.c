/*
 * buf.c — growable byte buffer and the small shared helpers of common.h.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "ccsig/alloc.h"
#include "ccsig/buf.h"

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

void ccsig_buf_put_u64(ccsig_buf *b, uint64_t v) {
    char d[20]; /* 2^64 - 1 has 20 digits */
    size_t i = sizeof d;
    do {
        d[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    ccsig_buf_put(b, d + i, sizeof d - i);
}

void ccsig_buf_put_i64(ccsig_buf *b, int64_t v) {
    if (v < 0) {
        ccsig_buf_putc(b, '-');
        ccsig_buf_put_u64(b, 0 - (uint64_t)v); /* INT64_MIN too */
        return;
    }
    ccsig_buf_put_u64(b, (uint64_t)v);
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

/* Most calls compare tag and header names with a list of names: lit's
 * length is looked for no further than a's length + 1. */
bool ccsig_str_ieq(ccsig_str a, const char *lit) {
    /* First bytes that differ in more than the case bit differ: most
     * mismatches end here. */
    if (a.len && (((unsigned char)a.p[0] ^ (unsigned char)lit[0]) & ~0x20u))
        return false;
    return strnlen(lit, a.len + 1) == a.len && ccsig_str_ieq_n(a, lit, a.len);
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

unsigned ccsig_version_number(void) {
    return CCSIG_VERSION_NUMBER;
}

const char *ccsig_status_name(ccsig_status s) {
    switch (s) {
    case CCSIG_OK:
        return "ok";
    case CCSIG_ERR_SYNTAX:
        return "syntax";
    case CCSIG_ERR_RANGE:
        return "range";
    case CCSIG_ERR_LIMIT:
        return "limit";
    case CCSIG_ERR_NOMEM:
        return "nomem";
    case CCSIG_ERR_IO:
        return "io";
    case CCSIG_ERR_USAGE:
        return "usage";
    case CCSIG_ERR_UNSUPPORTED:
        return "unsupported";
    case CCSIG_ERR_SIGNATURE:
        return "signature";
    }
    return "unknown";
}

const char *ccsig_diag_severity_name(ccsig_diag_severity s) {
    switch (s) {
    case CCSIG_DIAG_ERROR:
        return "error";
    case CCSIG_DIAG_WARNING:
        return "warning";
    case CCSIG_DIAG_NOTE:
        return "note";
    }
    return "note";
}

/* ---- UTF-8: the library's one decoder ---- */

size_t ccsig_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp) {
    if (n == 0)
        return 0;
    unsigned char c = p[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        if (cp)
            *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        v = c & 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        v = c & 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return 0; /* a continuation byte, C0/C1 (overlong 2-byte), F5..FF */
    }
    if (len > n)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (p[k] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    if (cp)
        *cp = v;
    return len;
}

size_t ccsig_utf8_seq(const unsigned char *p, size_t n) {
    return ccsig_utf8_decode(p, n, NULL);
}

bool ccsig_utf8_valid(const char *p, size_t n) {
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t l = ccsig_utf8_decode(s + i, n - i, NULL);
        if (!l)
            return false;
        i += l;
    }
    return true;
}

size_t ccsig_utf8_encode(uint32_t cp, char out[4]) {
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

void ccsig_buf_json_str(ccsig_buf *b, const char *p, size_t n) {
    static const char hex[] = "0123456789abcdef";
    ccsig_buf_reserve(b, n + 2);
    ccsig_buf_putc(b, '"');
    size_t run = 0;
    /* Bit c set: ASCII byte c is written as is (0x20-0x7e but '"' and '\\'). */
    static const uint64_t plain[2] = {0xfffffffb00000000u, 0x7fffffffefffffffu};
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    for (size_t i = 0; i < n; i++) {
        /* Eight plain bytes at a time: none below 0x20 or from 0x7f, no '"'
         * or '\\' (x has a zero byte when (x - ones) & ~x & highs). */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            uint64_t q = w ^ (ones * '"'), s = w ^ (ones * '\\'), d = w ^ (ones * 0x7f);
            if (((w - ones * 0x20) | w | ((q - ones) & ~q) | ((s - ones) & ~s) |
                 ((d - ones) & ~d)) &
                highs)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char c = (unsigned char)p[i];
        if (c < 0x80 && (plain[c >> 6] >> (c & 63) & 1))
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

void ccsig_buf_csv_field(ccsig_buf *b, const char *p, size_t n, bool always) {
    bool quote = always;
    for (size_t i = 0; i < n && !quote; i++)
        quote = p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n';
    if (!quote) {
        ccsig_buf_append(b, p, n);
        return;
    }
    ccsig_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"')
            ccsig_buf_putc(b, '"');
        ccsig_buf_putc(b, p[i]);
    }
    ccsig_buf_putc(b, '"');
}

size_t ccsig_utf8_clean(const char *s, size_t n, char *out) {
    static const char repl[3] = {(char)0xEF, (char)0xBF, (char)0xBD};
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) {
            out[o++] = (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ? ' ' : (char)c;
            i++;
            continue;
        }
        /* The library's one UTF-8 check (RFC 3629: no overlongs,
         * surrogates or code points past U+10FFFF). */
        size_t k = ccsig_utf8_seq(p + i, n - i);
        if (!k) {
            memcpy(out + o, repl, 3);
            o += 3;
            i++;
            continue;
        }
        memcpy(out + o, p + i, k);
        o += k;
        i += k;
    }
    out[o] = '\0';
    return o;
}
