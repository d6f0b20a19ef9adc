/*
 * ccsig/index.h — record indexes of WARC files (CDX, CDXJ), and reading a
 * record through one: the first part of a record, from its offset, without
 * the rest of the archive.
 *
 * Formats read (one record a line, any order; blank lines skipped):
 *   - CDXJ as Common Crawl publishes it (and pywb writes it):
 *       urlkey SP timestamp SP {json}
 *     the JSON object with "offset", "length" (decimal strings or numbers)
 *     and "filename"; "url", "mime", "status", "digest" are read when
 *     present, other members ignored;
 *   - the legacy space-separated CDX: an optional " CDX N b a m s k r M S V g"
 *     header naming the columns (S compressed length, V offset, g filename,
 *     a url, m mime, s status, k digest); without one the 11-column order
 *     of that header is assumed;
 * a file is CDXJ when its first record line's third field starts with '{'.
 *
 * Format written (ccsig_index_line): CDXJ in Common Crawl's style, one line
 * per record, every record of the archive (request, metadata and warcinfo
 * records too, with mime "warc/<type>", as pywb's indexer does with -a), in
 * archive order:
 *   org,example)/a 20240518015810 {"url": "https://example.org/a",
 *   "mime": "text/html", "status": "200", "digest": "...", "length": "8123",
 *   "offset": "0", "filename": "crawl.warc.gz"}
 * The urlkey is a SURT in Common Crawl's form (scheme dropped, host
 * lower-cased and reversed with commas, a leading "www." dropped, the port
 * kept unless default, ")" then the path and query as written); the digest
 * is the payload digest without its "sha1:" prefix; revisits have mime
 * "warc/revisit".
 *
 * Errors name the index line and column (1-based): "line 12, column 40:
 * \"offset\" is not a decimal number". Parsers never read past the given
 * length and never need NUL termination.
 */
#ifndef CCSIG_INDEX_H
#define CCSIG_INDEX_H

#include <sys/types.h>

#include "ccsig/arena.h"
#include "ccsig/buf.h"
#include "ccsig/common.h"
#include "ccsig/warc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest index line read (Common Crawl's are under 2 KiB). */
#define CCSIG_INDEX_MAX_LINE (64u * 1024u)

/* Payload bytes an indexed read inflates at most per record: the HTML head
 * reader's own limit (CCSIG_HTML_HEAD_MAX), so HTML pages are always read
 * as far as the full scan reads them. See ccsig_evaluate_prefix_enough for
 * what is read before the bound. */
#define CCSIG_INDEX_PREFIX_BOUND (512u * 1024u)

typedef enum ccsig_index_format {
    CCSIG_INDEX_UNKNOWN = 0, /* not yet seen a record line */
    CCSIG_INDEX_CDXJ,
    CCSIG_INDEX_CDX
} ccsig_index_format;

/* One index line. Slices point into the line or the arena. */
typedef struct ccsig_index_entry {
    uint64_t offset, length; /* archive bytes of the record's gzip member(s) */
    ccsig_str filename;
    ccsig_str url, mime, digest, timestamp, urlkey;
    int status; /* -1 when absent or "-" */
} ccsig_index_entry;

/* How to read the columns of a CDX file (set by its " CDX" header line). */
typedef struct ccsig_index_cols {
    ccsig_index_format format;
    signed char key, time, url, mime, status, digest, length, offset, file; /* -1: absent */
    int ncols;
} ccsig_index_cols;

/* Columns of the 11-column legacy CDX (" CDX N b a m s k r M S V g"). */
void ccsig_index_cols_init(ccsig_index_cols *c);

/* Parse one line p[0..len) (no line end). Returns CCSIG_OK with *record
 * true and *e filled, or *record false for a line that holds no record
 * (blank, or a " CDX" header, which sets *c); CCSIG_ERR_SYNTAX with
 * err->column (1-based) and a message; CCSIG_ERR_NOMEM. The first record
 * line sets c->format when it is UNKNOWN. Memory: strings decoded from
 * JSON live in a; others point into p. */
ccsig_status ccsig_index_parse_line(ccsig_arena *a, const char *p, size_t len, ccsig_index_cols *c,
                                    ccsig_index_entry *e, bool *record, ccsig_error *err);

/* A whole index file in memory. */
typedef struct ccsig_index ccsig_index;

/* Parse p[0..len) (an index file, already decompressed). Returns CCSIG_OK
 * and *out, or CCSIG_ERR_SYNTAX with err->line, err->column and a message
 * (no index is made), CCSIG_ERR_LIMIT for a line past CCSIG_INDEX_MAX_LINE,
 * CCSIG_ERR_NOMEM. p need not outlive the index (what is kept is copied). */
ccsig_status ccsig_index_parse(const char *p, size_t len, ccsig_index **out, ccsig_error *err);
void ccsig_index_free(ccsig_index *x);

/* The same parse fed in pieces (a file read a chunk at a time, no copy of
 * it in memory): new, feed p[0..len) as many times as there are pieces
 * (split anywhere, lines too), finish. feed and finish return what
 * ccsig_index_parse returns, with the same err (offsets, lines and columns
 * of the whole input); after an error, or after finish, every call fails.
 * finish gives *out (the caller frees it with ccsig_index_free). new
 * returns NULL when out of memory; free releases the parser at any time. */
typedef struct ccsig_index_parser ccsig_index_parser;
ccsig_index_parser *ccsig_index_parser_new(void);
ccsig_status ccsig_index_parser_feed(ccsig_index_parser *ps, const char *p, size_t len,
                                     ccsig_error *err);
ccsig_status ccsig_index_parser_finish(ccsig_index_parser *ps, ccsig_index **out, ccsig_error *err);
void ccsig_index_parser_free(ccsig_index_parser *ps);

size_t ccsig_index_count(const ccsig_index *x);
ccsig_index_format ccsig_index_format_of(const ccsig_index *x);

/* A record's place in its archive, and its type as the index tells it
 * (mime "warc/request", "warc/metadata", "warc/warcinfo", ... name the type;
 * "warc/revisit" a revisit; any other mime a response): -1 when the index
 * does not say (CDX without a mime column). */
typedef struct ccsig_index_span {
    uint64_t offset, length;
    int type; /* ccsig_warc_type, or -1 */
} ccsig_index_span;

/* The spans of the records of the archive at `path`, in archive order, one
 * per offset: the entries whose filename is path, or ends in "/" + the
 * last component of path, or is that last component; when the index names
 * exactly one file, every entry. *spans is allocated (ccsig_free); *n 0
 * when none. CCSIG_ERR_NOMEM. */
ccsig_status ccsig_index_spans(const ccsig_index *x, const char *path, ccsig_index_span **spans,
                               size_t *n);

/* The header line of the legacy CDX ccsig writes. */
#define CCSIG_INDEX_CDX_HEADER " CDX N b a m s k r M S V g\n"

/* Append the line of one record read by a ccsig_warc_reader (with
 * rec->raw_length set: the record occupies whole members) to out, filename
 * as given: CDXJ, or with format CCSIG_INDEX_CDX the 11 columns of
 * CCSIG_INDEX_CDX_HEADER (redirect and meta "-"; a space or a control
 * byte in a column percent-encoded, an empty column "-"). a is scratch for
 * the HTTP header (reset by the caller). */
void ccsig_index_line(ccsig_buf *out, ccsig_arena *a, const ccsig_warc_record *rec,
                      const char *filename, ccsig_index_format format);

/* What ccsig_index_write_archive saw. */
typedef struct ccsig_index_stats {
    uint64_t records;   /* lines written */
    uint64_t unindexed; /* records not on gzip member boundaries: no line */
    uint64_t damaged;   /* damage reports (the reader resynchronised) */
} ccsig_index_stats;

/* Read every record of the input opened on r (ccsig_warc_reader_open) and
 * write its line (ccsig_index_line; no CDX header) through fn, a few KiB at a time.
 * Returns CCSIG_OK, CCSIG_ERR_IO when the input fails (err says how) or fn
 * returns false, CCSIG_ERR_NOMEM. */
ccsig_status ccsig_index_write_archive(ccsig_warc_reader *r, const char *filename,
                                       ccsig_index_format format,
                                       bool (*fn)(void *ctx, const char *p, size_t n), void *ctx,
                                       ccsig_index_stats *st, ccsig_error *err);

/* ---- reading one record by its offset ---- */

typedef struct ccsig_index_reader ccsig_index_reader;

/* A reader holding the inflate state and buffers (one per thread). NULL
 * when out of memory. */
ccsig_index_reader *ccsig_index_reader_new(void);
void ccsig_index_reader_free(ccsig_index_reader *r);

/* Read input bytes at an archive offset: as pread (count, 0 at the end,
 * -1 with errno). */
typedef ssize_t (*ccsig_index_pread_fn)(void *ctx, void *buf, size_t n, uint64_t offset);

typedef enum ccsig_index_read {
    CCSIG_INDEX_RECORD = 0, /* *rec filled */
    CCSIG_INDEX_DAMAGE,     /* what says why; the next span can be read */
    CCSIG_INDEX_FAILED      /* the read function failed (what says how) */
} ccsig_index_read;

/* Read the record at span s of an archive in codec (GZIP: one member or
 * more holding exactly the record; PLAIN: the bytes), inflating only what
 * annotation needs: the WARC header, the HTTP header of a response or
 * revisit, and the payload until ccsig_evaluate_prefix_enough says enough,
 * or CCSIG_INDEX_PREFIX_BOUND payload bytes (*bound set), or the record's
 * end. rec->block holds the block read so far (block_complete when all of
 * it), rec->offset = s.offset, rec->raw_length = s.length, rec->raw NULL:
 * the record's members are copied from the archive by offset. The gzip
 * CRC-32 is checked only when the whole member was inflated. rec is valid
 * until the next call. what (240 bytes) says what was wrong. */
ccsig_index_read ccsig_index_reader_read(ccsig_index_reader *r, ccsig_index_pread_fn fn, void *ctx,
                                         ccsig_warc_codec codec, ccsig_index_span s,
                                         ccsig_warc_record *rec, bool *bound, char what[240]);

/* The same, reading the whole record (its block complete, CRC-32 checked):
 * for a record kept in another codec, which is encoded again. */
ccsig_index_read ccsig_index_reader_read_whole(ccsig_index_reader *r, ccsig_index_pread_fn fn,
                                               void *ctx, ccsig_warc_codec codec,
                                               ccsig_index_span s, ccsig_warc_record *rec,
                                               char what[240]);

#ifdef __cplusplus
}
#endif
#endif
