/*
 * ccsig/common.h — types shared by every module of libccsig.
 *
 * The library never prints and never exits: every fallible call returns a
 * ccsig_status and, on failure, fills a ccsig_error the caller owns. Byte
 * slices (ccsig_str) point into memory owned by someone else (the input
 * buffer or an arena); their lifetime is documented by the function that
 * returns them.
 */
#ifndef CCSIG_COMMON_H
#define CCSIG_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ccsig/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. Values are stable: programs map them to exit codes. */
typedef enum ccsig_status {
    CCSIG_OK = 0,
    CCSIG_ERR_SYNTAX = 1, /* input does not follow its grammar */
    CCSIG_ERR_RANGE = 2,  /* a value is out of the range the spec allows */
    CCSIG_ERR_LIMIT = 3,  /* input exceeds a named size limit */
    CCSIG_ERR_NOMEM = 4,  /* allocation failed */
    CCSIG_ERR_IO = 5,     /* reading or writing failed */
    CCSIG_ERR_USAGE = 6,  /* the caller passed an invalid argument */
    CCSIG_ERR_UNSUPPORTED = 7,
    CCSIG_ERR_SIGNATURE = 8 /* a signature does not verify (ccsig/receipt.h) */
} ccsig_status;

/* "ok", "syntax", "range", "limit", "nomem", "io", "usage", "unsupported",
 * "signature";
 * "unknown" for a value not in the enum. Static strings; thread-safe. */
const char *ccsig_status_name(ccsig_status s);

/* How serious a diagnostic is. */
typedef enum ccsig_diag_severity {
    CCSIG_DIAG_NOTE = 0,
    CCSIG_DIAG_WARNING,
    CCSIG_DIAG_ERROR
} ccsig_diag_severity;

/* "note", "warning", "error". */
const char *ccsig_diag_severity_name(ccsig_diag_severity s);

/* One diagnostic about an input, the way a compiler reports one: the one
 * type every checker of the library fills (robots lint today). A list of
 * them is owned by the result that holds it (e.g. ccsig_robots_lint_result):
 * message and hint live until that result is freed.
 *
 * offset is a byte offset into the whole input (a BOM included); line and
 * column are 1-based, the column a byte column in the line (after a BOM on
 * line 1); line 0 when the input has no lines. */
typedef struct ccsig_diag {
    ccsig_diag_severity severity;
    ccsig_status status; /* the error class (CCSIG_ERR_SYNTAX, ...); CCSIG_OK for a
                            warning or note that is no error */
    const char *code;    /* stable identifier, e.g. "content-usage-syntax" (static) */
    size_t offset;
    unsigned line;
    unsigned column;
    const char *message; /* NUL-terminated, never NULL */
    const char *hint;    /* what to write instead; "" when none, never NULL */
} ccsig_diag;

/* Error record: what failed and where. offset is a byte offset into the
 * input; line and column are 1-based (0 when the input has no lines). */
typedef struct ccsig_error {
    ccsig_status code;
    size_t offset;
    unsigned line;
    unsigned column;
    char message[160];
} ccsig_error;

/* A byte slice. Not NUL-terminated. */
typedef struct ccsig_str {
    const char *p;
    size_t len;
} ccsig_str;

#define CCSIG_STR_LIT(s) ((ccsig_str){(s), sizeof(s) - 1})

static inline ccsig_str ccsig_str_make(const char *p, size_t len) {
    ccsig_str s = {p, len};
    return s;
}

static inline ccsig_str ccsig_str_c(const char *s) {
    ccsig_str r = {s, s ? strlen(s) : 0};
    return r;
}

static inline bool ccsig_str_eq(ccsig_str a, const char *lit) {
    size_t n = strlen(lit);
    return a.len == n && (n == 0 || memcmp(a.p, lit, n) == 0);
}

static inline bool ccsig_str_eq_str(ccsig_str a, ccsig_str b) {
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* ASCII case-insensitive comparison with the n bytes of lit. */
static inline bool ccsig_str_ieq_n(ccsig_str a, const char *lit, size_t n) {
    if (a.len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned x = (unsigned char)a.p[i], y = (unsigned char)lit[i];
        if (x - 'A' < 26u)
            x += 32;
        if (y - 'A' < 26u)
            y += 32;
        if (x != y)
            return false;
    }
    return true;
}

/* The same with a string literal (its length known at compile time). */
#define CCSIG_STR_IEQ(a, lit) ccsig_str_ieq_n((a), "" lit, sizeof(lit) - 1)

/* ASCII case-insensitive comparison with a NUL-terminated string. */
bool ccsig_str_ieq(ccsig_str a, const char *lit);

/* p[0..n) without leading SP/HTAB and trailing SP/HTAB/CR: the optional
 * white space around HTTP and WARC field values (RFC 9110 §5.6.3). */
static inline ccsig_str ccsig_str_trim_ows(const char *p, size_t n) {
    while (n && (p[0] == ' ' || p[0] == '\t')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    return ccsig_str_make(p, n);
}

/* Value of a hexadecimal digit of either case, or -1. */
static inline int ccsig_hex_value(unsigned char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (unsigned char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A decimal number of 1 to 19 ASCII digits, nothing else (no sign, no
 * space) into *out; false otherwise (*out untouched). The one reader of
 * the decimal lengths and offsets of WARC headers and record indexes. */
static inline bool ccsig_str_u64(ccsig_str s, uint64_t *out) {
    if (!s.len || s.len > 19)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s.p[i] - '0');
    }
    *out = v;
    return true;
}

/* Fill err (if not NULL) with code, offset and a printf-style message.
 * Returns code, so callers can write `return ccsig_error_set(...)`. */
ccsig_status ccsig_error_set(ccsig_error *err, ccsig_status code, size_t offset, const char *fmt,
                             ...) __attribute__((format(printf, 4, 5)));

/* Clear an error record. */
void ccsig_error_clear(ccsig_error *err);

/* Version of the library the program runs with: the string ("0.1.0") and
 * the number (CCSIG_VERSION_NUMBER of the library's build, 100 for 0.1.0).
 * Compare with the CCSIG_VERSION_* macros (ccsig/version.h) of the headers
 * the program was compiled with. Thread-safe. */
const char *ccsig_version(void);
unsigned ccsig_version_number(void);

#ifdef __cplusplus
}
#endif
#endif
