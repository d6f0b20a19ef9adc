/*
 * ccsig/httpmsg.h — a lenient HTTP/1.x header block parser for messages as
 * web archives store them (WARC response, revisit and request records) and as
 * live servers send them.
 *
 * Archived messages break the grammar of RFC 9112 in many ways that real
 * readers survive (shared/specs/warc-notes.md §4): bare LF line ends (any
 * number of CR before the LF), obsolete line folding, duplicated fields,
 * a missing reason phrase, odd status codes ("0"), lowercase HTTP/2 field
 * names under an HTTP/1.1 status line, lines without a colon, empty names,
 * and blocks not terminated by an empty line. The parser accepts all of them,
 * records what it saw as anomaly bits, and never fails on content: the only
 * errors are a NULL argument and running out of arena memory.
 *
 * Memory: the parser allocates nothing except when it must unfold a folded
 * value, which it builds in the caller's arena. Names and values otherwise
 * point into the input, which must outlive the message.
 */
#ifndef CCSIG_HTTPMSG_H
#define CCSIG_HTTPMSG_H

#include "ccsig/arena.h"
#include "ccsig/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Header fields kept per message. Real responses carry 10-40 fields; a
 * capture with more (cookie floods) keeps the first 256 and counts the rest
 * in `dropped`, so a hostile block cannot make the parser allocate. */
#define CCSIG_HTTP_MAX_FIELDS 256

/* Longest header block looked at. Servers refuse request header blocks past
 * 8-64 KiB (nginx large_client_header_buffers 4x8k, Apache LimitRequestFieldSize
 * 8190 x LimitRequestFields 100); 256 KiB leaves room for response blocks
 * that no server bounds, while keeping a runaway "header" (a body without an
 * empty line before it) from being read as fields. */
#define CCSIG_HTTP_MAX_BLOCK (256u * 1024u)

/* Anomalies seen while parsing (bits of ccsig_http_msg.anomalies). */
enum {
    CCSIG_HTTP_A_BARE_LF = 1u << 0,     /* a line ended in LF without CR */
    CCSIG_HTTP_A_FOLDED = 1u << 1,      /* obsolete line folding (RFC 9112 §5.2) */
    CCSIG_HTTP_A_JUNK_LINE = 1u << 2,   /* a line without ':' (ignored) */
    CCSIG_HTTP_A_EMPTY_NAME = 1u << 3,  /* a line starting with ':' (ignored) */
    CCSIG_HTTP_A_NAME_SPACE = 1u << 4,  /* whitespace inside or after a name */
    CCSIG_HTTP_A_NO_REASON = 1u << 5,   /* status line without a reason phrase */
    CCSIG_HTTP_A_BAD_STATUS = 1u << 6,  /* status code missing or not 3 digits */
    CCSIG_HTTP_A_NO_END = 1u << 7,      /* no empty line ends the block */
    CCSIG_HTTP_A_NO_START = 1u << 8,    /* no HTTP start line (fields or content first) */
    CCSIG_HTTP_A_TOO_MANY = 1u << 9,    /* more than CCSIG_HTTP_MAX_FIELDS fields */
    CCSIG_HTTP_A_TOO_LONG = 1u << 10,   /* block longer than CCSIG_HTTP_MAX_BLOCK */
    CCSIG_HTTP_A_LEADING_WS = 1u << 11, /* a folded line before any field (ignored) */
};

typedef enum ccsig_http_kind {
    CCSIG_HTTP_NONE = 0, /* not an HTTP message: no start line and no fields */
    CCSIG_HTTP_RESPONSE, /* "HTTP/x.y 200 OK" */
    CCSIG_HTTP_REQUEST,  /* "GET /path HTTP/1.1" */
    CCSIG_HTTP_FIELDS    /* fields without a start line */
} ccsig_http_kind;

/* One "Name: value" field: the one field type of ccsig, for HTTP messages,
 * WARC headers, live responses and the header readers (sources.h). */
typedef struct ccsig_http_field {
    ccsig_str name;  /* as written (case preserved), never empty */
    ccsig_str value; /* leading and trailing whitespace removed; unfolded */
} ccsig_http_field;

/* A field block read into the caller's array (ccsig_http_fields_parse). */
typedef struct ccsig_http_fields {
    ccsig_http_field *v; /* the caller's array */
    size_t cap;          /* its length */
    size_t n;            /* fields read */
    size_t dropped;      /* field lines past cap (CCSIG_HTTP_A_TOO_MANY) */
    unsigned anomalies;  /* CCSIG_HTTP_A_* */
    size_t end;          /* bytes read: through the empty line that ends the block, or
                            through the last line read when there is none */
    bool ended;          /* an empty line ended the block */
} ccsig_http_fields;

/* The one "Name: value" field-block parser of ccsig (HTTP messages, WARC
 * headers, live responses): the lines of p[0..len), no start line, up to and
 * including the empty line that ends the block. Lines end at LF (CRs before
 * it dropped); a line starting with SP or HT continues the field before it
 * (joined with one space, built in the arena a); a line without ':' or with
 * an empty name is skipped; names keep their case, values lose surrounding
 * whitespace. At most CCSIG_HTTP_MAX_BLOCK bytes are looked at. Set fs->v
 * and fs->cap; the rest is filled. Returns CCSIG_OK, CCSIG_ERR_USAGE for NULL
 * arguments, or CCSIG_ERR_NOMEM when a folded value cannot be joined (a is
 * NULL or exhausted). Never reads past len; allocates only for folding.
 * Thread-safe. */
ccsig_status ccsig_http_fields_parse(ccsig_arena *a, const char *p, size_t len,
                                     ccsig_http_fields *fs, ccsig_error *err);

typedef struct ccsig_http_msg {
    ccsig_http_kind kind;
    int status;         /* response status code, -1 when absent or not a number */
    ccsig_str version;  /* "HTTP/1.1" (response or request) */
    ccsig_str reason;   /* reason phrase, possibly empty */
    ccsig_str method;   /* request method */
    ccsig_str target;   /* request target */
    size_t header_len;  /* bytes of the block including the ending empty line:
                           the content starts at p + header_len */
    unsigned anomalies; /* CCSIG_HTTP_A_* */
    size_t nfields;
    size_t dropped;           /* fields past cap */
    ccsig_http_field *fields; /* nfields used of cap, in the arena given to ccsig_http_parse */
    size_t cap;               /* CCSIG_HTTP_MAX_FIELDS once allocated; 0 (fields NULL) when the
                                 block has no fields to read */
} ccsig_http_msg;

/* Parse the header block at the start of p[0..len): the start line, then
 * the fields as ccsig_http_fields_parse reads them. Never reads past len.
 * When the block has no ending empty line, every complete line up to len (or
 * CCSIG_HTTP_MAX_BLOCK) is taken as fields, header_len is the end of the last
 * complete line and CCSIG_HTTP_A_NO_END is set. Content that is not HTTP at
 * all (a bare HTML page in a "response" record) gives kind CCSIG_HTTP_NONE
 * and header_len 0. Memory: *m is the caller's (a small value, reusable);
 * its fields array (CCSIG_HTTP_MAX_FIELDS entries, 8 KiB) and unfolded
 * values are allocated in the arena a, so m->fields is valid until a is
 * reset or freed; names and other values point into p. Returns CCSIG_OK,
 * CCSIG_ERR_USAGE for NULL arguments or CCSIG_ERR_NOMEM when the arena (NULL
 * or exhausted) cannot hold the fields or an unfolded value. */
ccsig_status ccsig_http_parse(ccsig_arena *a, const char *p, size_t len, ccsig_http_msg *m,
                              ccsig_error *err);

/* Index of the first field at or after `from` whose name equals `name`
 * (ASCII case-insensitive), or m->nfields when there is none. */
size_t ccsig_http_find(const ccsig_http_msg *m, const char *name, size_t from);

/* Number of field lines named `name`. */
size_t ccsig_http_count(const ccsig_http_msg *m, const char *name);

/* The combined field value of every line named `name`, joined with ", " in
 * order (RFC 9110 §5.3; RFC 9651 §4.2 requires this before parsing a
 * structured field). With one line the value points into the input; with
 * several it is built in the arena. Returns false when there is no such
 * field (out is then empty) or the arena is exhausted (err says so). */
bool ccsig_http_combined(const ccsig_http_msg *m, const char *name, ccsig_arena *a, ccsig_str *out,
                         ccsig_error *err);

/* A stable identifier for one anomaly bit ("bare-lf", "folded", ...). */
const char *ccsig_http_anomaly_name(unsigned bit);

/* ---- message bodies (appended; the field-block API is above) ---- */

/* Decode the chunked transfer coding (RFC 9112 §7.1) of p[0..len): the
 * chunk data, without sizes, extensions and trailers, is written to
 * out[0..cap) and its length returned. Lenient as crawlers' captures need:
 * it stops at the last chunk, at a malformed size line, at a chunk that
 * claims more bytes than the whole input, or at the end of the input (a
 * cut-off chunk gives what it holds), and writes at most cap bytes.
 * Never reads past len. Pure; thread-safe. */
size_t ccsig_http_dechunk(const char *p, size_t len, char *out, size_t cap);

/* Inflate the gzip members at the start of p[0..len) (RFC 1952; several
 * members are one stream, as gzip -d reads them) into a new buffer
 * (ccsig_malloc; release with ccsig_free) of *out_len bytes plus a NUL,
 * at most limit bytes. strict: a damaged or cut-off member is
 * CCSIG_ERR_SYNTAX and more than limit bytes CCSIG_ERR_LIMIT (err: offset
 * and what); not strict: what decodes before an error or the limit counts
 * (the reading crawlers' captures need). Bytes after the last member are
 * ignored. The one gzip decoder for whole buffers (ccsig_http_body_decode
 * uses it; a `.paths.gz` list in ccsig scan too). CCSIG_ERR_NOMEM.
 * Thread-safe. */
ccsig_status ccsig_gunzip(const char *p, size_t len, size_t limit, bool strict, char **out,
                          size_t *out_len, ccsig_error *err);

/* The payload of a message with header m whose body is p[0..len): de-chunked
 * when its Transfer-Encoding is chunked, then inflated when the bytes are
 * gzip (crawlers that store bytes as received keep the Content-Encoding;
 * what decodes before an error counts). limit bounds the de-chunked bytes
 * and the inflated ones.
 * *out is a new buffer (ccsig_malloc; release with ccsig_free) of *out_len
 * bytes plus a NUL. Returns CCSIG_ERR_NOMEM when memory runs out.
 * Thread-safe. */
ccsig_status ccsig_http_body_decode(const ccsig_http_msg *m, const char *p, size_t len,
                                    size_t limit, char **out, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
