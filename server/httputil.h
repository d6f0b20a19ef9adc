/*
 * httputil.h — the gateway's own parsing of hostile network input, kept
 * apart from libmicrohttpd (which parses HTTP itself) so that each function
 * is pure, unit-tested and fuzzed (fuzz/fuzz_serve_request.c).
 *
 * Every function takes (pointer, length) or a NUL-terminated string as
 * stated, bounds every loop by its input and never allocates except where
 * said (form parsing copies into one buffer the form owns).
 */
#ifndef CCSIG_SERVE_HTTPUTIL_H
#define CCSIG_SERVE_HTTPUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ccsig/buf.h"

/* ---- output escaping ---- */

/* Append s escaped for HTML text and double-quoted attribute values; each
 * byte of invalid UTF-8 is written as U+FFFD. */
void hu_html(ccsig_buf *b, const char *s);
void hu_html_n(ccsig_buf *b, const char *s, size_t n);
/* Append a path percent-encoded for a URL ('/' and unreserved kept). */
void hu_url_path(ccsig_buf *b, const char *s, size_t n);
/* Append s percent-encoded for a query value. */
void hu_url_query(ccsig_buf *b, const char *s);
/* Append a CSV field (RFC 4180 quoting; a leading = + - @ is prefixed with
 * an apostrophe so a spreadsheet does not run it as a formula). */
void hu_csv(ccsig_buf *b, const char *s);

/* Decode %HH escapes in place (libmicrohttpd's unescape callback for paths
 * and query values), except %00, which stays literal so that no NUL byte
 * can cut a path short ("/a.txt%00.html" must not become "/a.txt"). Bad
 * escapes stay literal. Returns the new length. */
size_t hu_unescape(char *s);

/* ---- paths and routes ---- */

#define HU_MAX_PATH 1024

/* Check a decoded request path and turn it into a path relative to the
 * collection ("" for the root). Refuses (returns -1) NUL and control
 * characters, backslashes, "." and ".." segments, any segment starting
 * with '.' (dot files: .git, .htaccess, the gateway's own files) and any
 * segment that is not valid UTF-8 (ccsig_utf8_valid). Empty
 * segments are dropped. *dir is set when the path ends in '/'. */
int hu_safe_path(const char *path, size_t len, char *out, size_t outlen, bool *dir);

typedef enum route_id {
    R_FILE = 0,      /* a collection file or directory */
    R_HOME,          /* GET / without an index.html */
    R_ROBOTS,        /* /robots.txt */
    R_TDMREP,        /* /.well-known/tdmrep.json */
    R_DECLARATION,   /* /declaration */
    R_SEARCH,        /* /search */
    R_REGISTER,      /* /register (GET form, POST) */
    R_STYLE,         /* /_ccsig/style.css */
    R_BULK_TAR,      /* /bulk/collection.tar */
    R_BULK_MANIFEST, /* /bulk/manifest.jsonl */
    R_BULK_OTHER,    /* anything else under /bulk/ (404) */
    R_TERMS,         /* /terms, /terms.json, /terms/<hash>[.json] */
    R_TERMS_ACCEPT,  /* /terms/accept (POST, with a key) */
    R_RECEIPT,       /* /receipt (with a key) */
    R_RECEIPT_KEY,   /* /.well-known/ccsig-receipt-key */
    R_REPORTS,       /* /credit/reports (GET: a key's reports; POST: a new one) */
    R_LICENSE,       /* /license.xml (RSL) */
    R_TOKEN,         /* /token (RSL OLP, POST) */
    R_INTROSPECT,    /* /introspect (RFC 7662, POST) */
    R_JWKS,          /* /.well-known/jwks.json (the token signing key) */
    R_KEY,           /* /key (RSL OLP key endpoint: GET ?resource=, POST) */
    R_ST_HOME,       /* /steward or /steward/ */
    R_ST_LOGIN,      /* /steward/login */
    R_ST_LOGOUT,     /* /steward/logout */
    R_ST_REUSER,     /* /steward/reusers/<id> */
    R_ST_ACTION,     /* /steward/reusers/<id>/(approve|reject|revoke) */
    R_ST_CSV,        /* /steward/usage.csv */
    R_ST_CHARGES,    /* /steward/charges.csv, /steward/charges.json (paycrawl.h) */
    R_ST_OTHER,      /* anything else under /steward (404 after login) */
    R_COUNT
} route_id;

typedef enum st_action { ACT_NONE = 0, ACT_APPROVE, ACT_REJECT, ACT_REVOKE } st_action;

typedef struct route {
    route_id id;
    int64_t reuser; /* R_ST_REUSER, R_ST_ACTION */
    st_action action;
} route;

/* Route a decoded path (method is checked by the caller). */
route hu_route(const char *path, size_t len);
/* True when the route is one of the steward's pages. */
static inline bool hu_route_steward(route_id r) {
    return r >= R_ST_HOME && r <= R_ST_OTHER;
}

/* ---- forms (application/x-www-form-urlencoded) ---- */

#define HU_FORM_MAX_FIELDS 48

typedef struct hu_form {
    char *mem; /* decoded names and values, NUL-terminated, owned */
    const char *name[HU_FORM_MAX_FIELDS];
    const char *value[HU_FORM_MAX_FIELDS];
    size_t n;
} hu_form;

/* Whether a Content-Type is application/x-www-form-urlencoded (what the
 * gateway's forms send), parameters allowed. */
bool hu_form_ctype(const char *ctype);

/* Parse a form body. Returns 0, or -1 when it is malformed (bad escape,
 * NUL byte, too many fields) or out of memory. Free with hu_form_free. */
int hu_form_parse(hu_form *f, const char *body, size_t len);
/* First value of name, or NULL. */
const char *hu_form_get(const hu_form *f, const char *name);
/* Whether name is present with a non-empty value. */
bool hu_form_has(const hu_form *f, const char *name);
void hu_form_free(hu_form *f);

/* ---- headers ---- */

typedef enum hu_range_result {
    HU_RANGE_NONE = 0,     /* no usable Range: send the whole representation */
    HU_RANGE_OK,           /* one satisfiable range: *start, *len */
    HU_RANGE_UNSATISFIABLE /* 416 */
} hu_range_result;

/* One "bytes=" range (RFC 9110 §14.1.2) against a representation of size
 * bytes. Several ranges, other units and syntax errors give NONE (a server
 * may ignore Range). */
hu_range_result hu_range(const char *h, uint64_t size, uint64_t *start, uint64_t *len);

/* If-None-Match against etag (weak comparison, "*" matches). */
bool hu_etag_match(const char *h, const char *etag);

/* Parse an HTTP-date (IMF-fixdate, RFC 850, asctime). -1 when invalid. */
int64_t hu_http_date_parse(const char *s);
/* Format t as IMF-fixdate into out (30 bytes). */
void hu_http_date(int64_t t, char out[30]);

/* "<scheme> <token68>" (scheme case-insensitive, one word after it): the
 * token span. */
bool hu_auth_token(const char *h, const char *scheme, const char **tok, size_t *len);
/* "Bearer <token>" (scheme case-insensitive): the token span. */
bool hu_bearer(const char *h, const char **tok, size_t *len);

/* Keys are "ccsig_" + 12 hex digits (the key id, shown to stewards) + "_" +
 * 43 base64url characters (32 random bytes). */
#define HU_KEY_ID_LEN 12
#define HU_KEY_SECRET_LEN 43
#define HU_KEY_LEN (6 + HU_KEY_ID_LEN + 1 + HU_KEY_SECRET_LEN)
bool hu_key_split(const char *tok, size_t len, char id[HU_KEY_ID_LEN + 1], const char **secret);

/* Value of cookie name in a Cookie header, copied into out. */
bool hu_cookie(const char *h, const char *name, char *out, size_t outlen);

typedef enum client_kind { CLIENT_BROWSER = 0, CLIENT_AUTOMATED } client_kind;

/* How an unkeyed client is classed (documented in ccsig-serve(1)): a
 * browser sends a User-Agent starting "Mozilla/" that names no known
 * automation, and an Accept-Language header; everything else is automated.
 * A heuristic, not security: both classes are rate limited per address. */
client_kind hu_classify(const char *user_agent, const char *accept_language);

/* Whether the client asked for JSON (format=json, or an Accept that names
 * application/json before text/html). */
bool hu_wants_json(const char *accept, const char *format);

/* Turn a user's search text into a safe FTS5 query: at most 16 terms of
 * letters and digits, each a quoted string, all required. False when no
 * term remains. */
bool hu_fts_query(const char *q, size_t len, ccsig_buf *out);

/* Rightmost address of an X-Forwarded-For header (the one our trusted proxy
 * added), copied into out. */
bool hu_forwarded_for(const char *h, char *out, size_t outlen);

/* A client-supplied request id (X-Request-Id): 1-64 characters of
 * [A-Za-z0-9._-]. */
bool hu_request_id_ok(const char *s);

/* A calendar day "YYYY-MM-DD" (years 1970-9999) as days since
 * 1970-01-01; -1 when invalid. */
int64_t hu_day_parse(const char *s);
/* Format a day number as "YYYY-MM-DD" into out (11 bytes). */
void hu_day_format(int64_t day, char out[11]);
/* An instant (ms since 1970, UTC) as ISO 8601: "2026-12-05T03:04:05Z". */
void hu_time_iso(int64_t ms, char out[21]);

/* Hex encoding of n bytes into out (2n+1). */
void hu_hex(const uint8_t *p, size_t n, char *out);

#endif
