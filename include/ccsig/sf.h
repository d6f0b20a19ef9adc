/*
 * ccsig/sf.h — RFC 9651 Structured Field Values: parsing and serialisation.
 *
 * Every type of RFC 9651: Integer, Decimal, String, Token, Byte Sequence,
 * Boolean, Date, Display String; Parameters; Items; Inner Lists; Lists and
 * Dictionaries. Parsing follows the algorithms of RFC 9651 §4.2 exactly
 * (duplicate dictionary keys and parameter keys: the last value wins and keeps
 * the position of the first occurrence).
 *
 * Memory: a parse result lives in the arena passed in, and may also point into
 * the input buffer (tokens, keys and strings without escapes are not copied),
 * so the input must outlive the result. Nothing else is allocated.
 *
 * Errors: on failure the parse functions return CCSIG_ERR_SYNTAX (or
 * CCSIG_ERR_NOMEM) and set err->offset to the byte of the input at which the
 * parse failed and err->message to what was expected there.
 */
#ifndef CCSIG_SF_H
#define CCSIG_SF_H

#include "ccsig/arena.h"
#include "ccsig/buf.h"
#include "ccsig/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ccsig_sf_type {
    CCSIG_SF_INTEGER = 0,
    CCSIG_SF_DECIMAL,
    CCSIG_SF_STRING,
    CCSIG_SF_TOKEN,
    CCSIG_SF_BINARY,
    CCSIG_SF_BOOLEAN,
    CCSIG_SF_DATE,
    CCSIG_SF_DISPLAY_STRING
} ccsig_sf_type;

/* Largest magnitude of an Integer (15 digits) and of a Decimal's integer
 * part (12 digits), RFC 9651 §3.3.1 and §3.3.2. */
#define CCSIG_SF_INTEGER_MAX INT64_C(999999999999999)
#define CCSIG_SF_DECIMAL_INT_MAX INT64_C(999999999999)

/* A Bare Item.
 * - integer, date: the value.
 * - decimal: the value in thousandths (1.5 is 1500); exact, as RFC 9651
 *   allows at most three fractional digits.
 * - boolean: 0 or 1.
 * - string: the unescaped bytes; token: the token; binary: the decoded bytes;
 *   display string: the decoded UTF-8 bytes. */
typedef struct ccsig_sf_bare {
    ccsig_sf_type type;
    union {
        int64_t integer; /* INTEGER, DATE, DECIMAL (thousandths) */
        bool boolean;
        ccsig_str str; /* STRING, TOKEN, BINARY, DISPLAY_STRING */
    } v;
} ccsig_sf_bare;

typedef struct ccsig_sf_param {
    ccsig_str key;
    ccsig_sf_bare value;
} ccsig_sf_param;

typedef struct ccsig_sf_params {
    ccsig_sf_param *v;
    size_t n;
} ccsig_sf_params;

typedef struct ccsig_sf_item {
    ccsig_sf_bare bare;
    ccsig_sf_params params;
} ccsig_sf_item;

/* A List member or a Dictionary member: an Item or an Inner List. */
typedef struct ccsig_sf_member {
    ccsig_str key;        /* Dictionary members only */
    bool inner;           /* true: an Inner List (items/nitems) */
    ccsig_sf_bare bare;   /* the Item's value when !inner */
    ccsig_sf_item *items; /* Inner List members when inner */
    size_t nitems;
    ccsig_sf_params params; /* the Item's or the Inner List's parameters */
    size_t offset;          /* byte offset where the member (or key) starts */
    size_t end;             /* byte offset just past the member: its value and parameters, before
                             * any whitespace or ','. [offset, end) is the member's text, so a
                             * caller can replace one member and keep every other byte. For a
                             * repeated Dictionary key, offset and end stay those of the first
                             * occurrence (whose position the member keeps). */
} ccsig_sf_member;

/* A List or a Dictionary (members in order; keys unique for a Dictionary). */
typedef struct ccsig_sf_list {
    ccsig_sf_member *v;
    size_t n;
} ccsig_sf_list;

typedef ccsig_sf_list ccsig_sf_dict;

/* Parse one field value as an Item, a List or a Dictionary. */
ccsig_status ccsig_sf_parse_item(ccsig_arena *a, const char *p, size_t len, ccsig_sf_item *out,
                                 ccsig_error *err);
ccsig_status ccsig_sf_parse_list(ccsig_arena *a, const char *p, size_t len, ccsig_sf_list *out,
                                 ccsig_error *err);
ccsig_status ccsig_sf_parse_dict(ccsig_arena *a, const char *p, size_t len, ccsig_sf_dict *out,
                                 ccsig_error *err);

/* As ccsig_sf_parse_dict, and calls dup(ctx, key, offset) for every key that
 * repeats an earlier one (offset: where the repetition starts). The last
 * value still wins, as RFC 9651 requires; this only lets callers warn. */
typedef void (*ccsig_sf_dup_fn)(void *ctx, ccsig_str key, size_t offset);
ccsig_status ccsig_sf_parse_dict_dups(ccsig_arena *a, const char *p, size_t len, ccsig_sf_dict *out,
                                      ccsig_error *err, ccsig_sf_dup_fn dup, void *ctx);

/* Combine several field lines of one field as HTTP does (joined with ", ",
 * RFC 9651 §4.2) into memory from the arena. The joined bytes are returned in
 * *out; errors from a later parse then carry offsets into that buffer. */
ccsig_status ccsig_sf_join_lines(ccsig_arena *a, const ccsig_str *lines, size_t nlines,
                                 ccsig_str *out);

/* Look up a Dictionary member or a parameter by key; NULL when absent. */
const ccsig_sf_member *ccsig_sf_dict_get(const ccsig_sf_dict *d, const char *key);
const ccsig_sf_bare *ccsig_sf_params_get(const ccsig_sf_params *ps, const char *key);

/* Serialise to the canonical form of RFC 9651 §4.1, appending to b.
 * Fails with CCSIG_ERR_RANGE or CCSIG_ERR_SYNTAX when the value cannot be
 * serialised (integer out of range, invalid key, token or string byte,
 * display string that is not UTF-8); b may then hold a partial output. An
 * empty List or Dictionary serialises to nothing (the field is omitted). */
ccsig_status ccsig_sf_serialize_bare(ccsig_buf *b, const ccsig_sf_bare *v, ccsig_error *err);
ccsig_status ccsig_sf_serialize_item(ccsig_buf *b, const ccsig_sf_item *it, ccsig_error *err);
ccsig_status ccsig_sf_serialize_list(ccsig_buf *b, const ccsig_sf_list *l, ccsig_error *err);
ccsig_status ccsig_sf_serialize_dict(ccsig_buf *b, const ccsig_sf_dict *d, ccsig_error *err);

/* Character classes, exposed for other parsers (robots.txt, lint). */
bool ccsig_sf_is_valid_key(ccsig_str key);
bool ccsig_sf_is_valid_token(ccsig_str tok);

/* Base64 (RFC 4648 §4) helpers used by the byte-sequence type.
 * decode: strict alphabet, padding optional; returns false on a bad byte. */
size_t ccsig_base64_encoded_len(size_t n);
void ccsig_base64_encode(const unsigned char *in, size_t n, char *out);
bool ccsig_base64_decode(const char *in, size_t n, unsigned char *out, size_t *outlen);

/* base64url (RFC 4648 §5, the alphabet of JOSE and JWK): encode without
 * padding into out (ccsig_base64_encoded_len(n) + 1 bytes suffice),
 * NUL-terminated, returning the characters written; decode as
 * ccsig_base64_decode, padding optional. */
size_t ccsig_base64url_encode(const unsigned char *in, size_t n, char *out);
bool ccsig_base64url_decode(const char *in, size_t n, unsigned char *out, size_t *outlen);

/* UTF-8 validation (display strings): ccsig_utf8_valid in ccsig/buf.h. */

#ifdef __cplusplus
}
#endif
#endif
