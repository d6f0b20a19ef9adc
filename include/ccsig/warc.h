/*
 * ccsig/warc.h — WARC records (ISO 28500, WARC 1.0/1.1) over plain bytes,
 * gzip (ISA-L igzip) and zstd (libzstd), read as a stream and written back
 * byte-exact.
 *
 * Reading is two layers in one context object, created once and reused for
 * every input (zstd's DCtx model):
 *   - the codec layer turns archive bytes into a continuous stream and knows
 *     where each gzip member or zstd frame starts and ends, in archive and in
 *     stream offsets;
 *   - the framing layer cuts the stream into records (version line, fields,
 *     empty line, Content-Length bytes of block, CRLF CRLF).
 * Because the framing does not depend on member boundaries, every layout
 * decodes: one member per record (the WARC Annex D convention and what Common
 * Crawl writes), one member for the whole file, members that cut records in
 * the middle, zstd with or without the dictionary frame (raw or compressed
 * dictionary) and with extension frames. Where a record begins and ends on
 * member boundaries its archive offset and length address exactly its
 * members, so a kept record is copied without recompression.
 *
 * Damage never stops a read and never hangs it: a truncated or corrupt
 * member, garbage between records or members, a wrong Content-Length, a
 * record cut at the end of the input and trailing garbage are each returned
 * as one CCSIG_WARC_DAMAGE (archive offset and what was wrong) after the
 * reader has resynchronised on the next record (the next "WARC/" line, or
 * the next member or frame whose content starts with one). Every call
 * consumes input or returns, so a read always ends. A record whose block
 * swallowed what followed it is searched again from just after its start
 * (ccsig_warc_reader_set_seek); records given out before the member they end
 * in failed its check are named by the report (ccsig_warc_damage.unverified).
 *
 * ARC files (v1/v2, plain or one gzip member per record) are read too: an
 * input whose first record is filedesc:// is read as ARC, its http(s)
 * captures returned as responses (target_uri, date, content_type and
 * content_length from the header line; no other fields), the file header as
 * warcinfo, other captures as resources.
 *
 * Memory: a reader holds a decompressed window of CCSIG_WARC_MAX_HEADER plus
 * the hold limit (default CCSIG_WARC_HOLD_DEFAULT) plus 128 KiB, a copy of
 * the same size used only by records larger than the window, an input window
 * (CCSIG_WARC_INPUT_DEFAULT, growing to CCSIG_WARC_INPUT_MAX to keep one
 * large member whole) and the codec states (for zstd two windows of at most
 * 8 MiB): at most 3 x hold + 38 MiB, whatever the input; buffers are touched
 * only as far as records need. Records longer than the hold limit are
 * streamed: the record keeps the first `hold` bytes of its block and says so.
 *
 * Speed: on gzip input the reader decodes, past the member a record needs,
 * the whole members that follow it (at most 32, or about 64 KiB decoded;
 * reading on up to 64 KiB of input for them), inside its window, and frames
 * their records after:
 * on small records (a few KB a member) the decoder and the record parser no
 * longer evict each other from the CPU's caches at every record. What it
 * gives out (records, offsets, raw members, damage, positions, the counts of
 * bytes consumed and produced) is exactly what decoding one member at a time
 * gives; a member that fails is left to that decoding.
 *
 * A reader is not thread-safe; use one per thread.
 */
#ifndef CCSIG_WARC_H
#define CCSIG_WARC_H

#include <sys/types.h>

#include "ccsig/arena.h"
#include "ccsig/buf.h"
#include "ccsig/common.h"
#include "ccsig/httpmsg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest WARC header block (version line to empty line). Common Crawl's
 * are under 1 KiB; the bound is for target URIs, which browsers cap at 2 MB
 * but crawlers at 2-8 KiB. A longer "header" is damage. */
#define CCSIG_WARC_MAX_HEADER (256u * 1024u)
/* Named fields kept per header (Common Crawl writes about 15, some repeated). */
#define CCSIG_WARC_MAX_FIELDS 64
/* Block bytes held per record by default: Common Crawl truncates payloads at
 * 1 MiB (and marks WARC-Truncated), so 4 MiB holds whole every record of a
 * Common Crawl archive with room for other crawlers' larger pages. */
#define CCSIG_WARC_HOLD_DEFAULT (4u << 20)
/* Input window: read size, and the most it grows to keep a member whole. */
#define CCSIG_WARC_INPUT_DEFAULT (1u << 20)
#define CCSIG_WARC_INPUT_MAX (16u << 20)
/* The zstd WARC convention limits dictionaries and windows to 8 MiB. */
#define CCSIG_WARC_ZSTD_MAX_DICT (8u << 20)
#define CCSIG_WARC_ZSTD_WINDOW_LOG 23

typedef enum ccsig_warc_codec {
    CCSIG_WARC_AUTO = -1, /* sniff from the first bytes */
    CCSIG_WARC_PLAIN = 0,
    CCSIG_WARC_GZIP,
    CCSIG_WARC_ZSTD
} ccsig_warc_codec;

/* "plain", "gzip", "zstd". */
const char *ccsig_warc_codec_name(ccsig_warc_codec c);
/* The codec an output file's name asks for: a name ending ".gz" gzip
 * members, ".zst" zstd frames, anything else (and NULL) plain. What scan
 * --annotate/--keep and merge --annotate write. */
ccsig_warc_codec ccsig_warc_codec_for(const char *path);
/* The codec the first bytes announce: gzip magic 1f 8b, a zstd frame or the
 * zstd dictionary frame (28 b5 2f fd / 5d 2a 4d 18), otherwise plain. */
ccsig_warc_codec ccsig_warc_sniff(const void *p, size_t n);

/* The codec of a file whose first bytes are p[0..n) (read 64 KiB or more):
 * as ccsig_warc_sniff when the bytes start with a member, a frame or "WARC/";
 * otherwise (garbage before the first record) the codec of the first gzip
 * member or zstd frame whose content starts with "WARC/", or of the first
 * "WARC/" at a line start, whichever comes first, with *first set to its
 * offset. Plain when none is found. Allocates decoder states for the trial
 * decodes (falls back to plain when out of memory). */
ccsig_warc_codec ccsig_warc_detect(const void *p, size_t n, uint64_t *first);

/* Whether p[0..n), a file's first bytes, start an ARC file: its filedesc://
 * header record, plain or in the first gzip member or zstd frame. The reader
 * recognises ARC itself when it reads from a file's start; a caller that
 * reads a file in parts (sync) must read an ARC file whole instead, since
 * sync finds WARC records only. */
bool ccsig_warc_is_arc(const void *p, size_t n);

/* "xz", "bzip2" or "LZ4" when p[0..n) starts with that format's magic
 * number (compressions ccsig does not read), else NULL. */
const char *ccsig_warc_unsupported(const void *p, size_t n);

typedef enum ccsig_warc_type {
    CCSIG_WARC_OTHER = 0, /* an unknown type: skipped, never rejected (spec §6) */
    CCSIG_WARC_WARCINFO,
    CCSIG_WARC_RESPONSE,
    CCSIG_WARC_RESOURCE,
    CCSIG_WARC_REQUEST,
    CCSIG_WARC_METADATA,
    CCSIG_WARC_REVISIT,
    CCSIG_WARC_CONVERSION,
    CCSIG_WARC_CONTINUATION,
    CCSIG_WARC_TYPE_COUNT
} ccsig_warc_type;

/* "warcinfo", "response", ...; "other" for CCSIG_WARC_OTHER. */
const char *ccsig_warc_type_name(ccsig_warc_type t);

/* A parsed WARC header. Slices point into the parsed bytes (or the arena for
 * folded values). The named shortcuts are empty when the field is absent;
 * every field, repeated ones included (WARC-Concurrent-To, WARC-Protocol),
 * is also in fields[] in order. */
typedef struct ccsig_warc_header {
    ccsig_str version; /* "WARC/1.0"; lenient: "WARC/" digits "." digits */
    ccsig_warc_type type;
    ccsig_str type_name;
    ccsig_str target_uri; /* angle brackets of WARC 1.0 style removed */
    ccsig_str date;
    ccsig_str record_id;
    ccsig_str payload_digest;
    ccsig_str block_digest;
    ccsig_str refers_to;
    ccsig_str refers_to_target_uri;
    ccsig_str refers_to_date;
    ccsig_str content_type;
    ccsig_str truncated;
    ccsig_str profile;
    uint64_t content_length;
    size_t header_len; /* bytes from the version line through the empty line */
    size_t nfields;
    size_t dropped;           /* fields past cap */
    ccsig_http_field *fields; /* nfields used of cap (httpmsg.h's one field type), in the
                                 arena given to ccsig_warc_header_parse */
    size_t cap;               /* CCSIG_WARC_MAX_FIELDS */
} ccsig_warc_header;

/* Length of the header block at p (through its empty line, CRLF or bare LF),
 * or 0 when no empty line occurs within len bytes. */
size_t ccsig_warc_header_end(const char *p, size_t len);

/* Parse a WARC header block p[0..len) (len = ccsig_warc_header_end). Returns
 * CCSIG_ERR_SYNTAX (err says what, with the byte offset) when there is no
 * version line or Content-Length is missing or not a decimal number, and
 * CCSIG_ERR_NOMEM when the arena fails. Memory: *h is the caller's (a small
 * value); the arena a receives the fields array (CCSIG_WARC_MAX_FIELDS
 * entries) and unfolded values (rare), so h->fields is valid until a is
 * reset or freed; the header points into p otherwise. A record from
 * ccsig_warc_reader_next has its header's fields in the reader's arena:
 * valid until the next call on the reader. */
ccsig_status ccsig_warc_header_parse(ccsig_arena *a, const char *p, size_t len,
                                     ccsig_warc_header *h, ccsig_error *err);

/* The next value of field `name` (case-insensitive) after index *iter (start
 * with *iter = 0); returns false when there is none. For repeated fields. */
bool ccsig_warc_header_next(const ccsig_warc_header *h, const char *name, size_t *iter,
                            ccsig_str *value);

/* ---- reading ---- */

/* Read up to n bytes into buf. Returns the count, 0 at the end of the input
 * or -1 on error (with errno set). */
typedef ssize_t (*ccsig_warc_read_fn)(void *ctx, void *buf, size_t n);

typedef struct ccsig_warc_reader ccsig_warc_reader;

typedef struct ccsig_warc_options {
    size_t hold; /* block bytes held per record; 0 = CCSIG_WARC_HOLD_DEFAULT */
} ccsig_warc_options;

/* Create a reader (NULL options = defaults). Returns NULL when out of memory. */
ccsig_warc_reader *ccsig_warc_reader_new(const ccsig_warc_options *opt);
void ccsig_warc_reader_free(ccsig_warc_reader *r);

/* Start reading a new input through fn. `offset` is the archive offset of the
 * first byte fn returns (non-zero when reading a part of a file); offsets in
 * records and damage reports are archive offsets. codec CCSIG_WARC_AUTO sniffs
 * the first bytes. A zstd dictionary frame at archive offset 0 is loaded. */
void ccsig_warc_reader_open(ccsig_warc_reader *r, ccsig_warc_read_fn fn, void *ctx, uint64_t offset,
                            ccsig_warc_codec codec);
/* The same over a memory buffer (not copied; it must outlive the reading). */
void ccsig_warc_reader_open_memory(ccsig_warc_reader *r, const void *p, size_t n, uint64_t offset,
                                   ccsig_warc_codec codec);

/* Reposition fn's input so that its next read returns the byte at archive
 * offset `offset`; 0 on success. */
typedef int (*ccsig_warc_seek_fn)(void *ctx, uint64_t offset);

/* Let the reader go back in the input (after ccsig_warc_reader_open; a new
 * open forgets it). Used only on damage: a record whose Content-Length runs
 * past the data it has (a block too long, cut by the end of the input or not
 * followed by a record) is searched again from just after its start, so the intact
 * records its block swallowed are found again. Without it (a pipe), only the
 * bytes still in the reader's windows can be searched again. Memory input
 * needs none. */
void ccsig_warc_reader_set_seek(ccsig_warc_reader *r, ccsig_warc_seek_fn fn);

/* Use a zstd dictionary for the frames of the current input: the content of a
 * dictionary frame, raw (magic 37 a4 30 ec) or itself a zstd frame. Needed
 * when reading a part of a file that does not start at offset 0 (the reader
 * loads the dictionary itself when it sees the frame at offset 0). */
ccsig_status ccsig_warc_reader_set_dictionary(ccsig_warc_reader *r, const void *p, size_t n,
                                              ccsig_error *err);

/* If p[0..n) starts with a zstd dictionary frame, set *frame_len to its
 * length and *dict, *dict_len to its content and return true. */
bool ccsig_warc_zstd_dictionary_frame(const void *p, size_t n, size_t *frame_len, const void **dict,
                                      size_t *dict_len);

/* Stop before the first record that begins on a fresh member or frame (plain
 * input: any record) at an archive offset >= stop. Records that begin before
 * stop are read whole even when they extend past it. */
void ccsig_warc_reader_set_stop(ccsig_warc_reader *r, uint64_t stop);

/* Skip to the first record boundary at an archive offset in [from, limit) from
 * which a reader opened fresh would read the same records: a gzip member or
 * zstd frame whose content starts with "WARC/", or on plain input a "WARC/"
 * line after a line end whose header parses. The input must have been opened
 * at an offset <= from (plain input: one byte before, so the line end is
 * seen). Returns true with *found set, false when there is none (the reader
 * is then at the end). Used to start reading in the middle of a file. */
bool ccsig_warc_reader_sync(ccsig_warc_reader *r, uint64_t from, uint64_t limit, uint64_t *found);

typedef enum ccsig_warc_next {
    CCSIG_WARC_RECORD = 0, /* a record was read */
    CCSIG_WARC_END,        /* end of input, or the stop offset reached */
    CCSIG_WARC_DAMAGE,     /* damage reported and skipped; call again */
    CCSIG_WARC_FAILED      /* the read function failed; the reader is done */
} ccsig_warc_next;

typedef struct ccsig_warc_record {
    ccsig_warc_header h;
    const char *block;      /* the held block bytes */
    size_t block_len;       /* held bytes: min(content_length, hold) */
    bool block_complete;    /* block_len == content_length */
    uint64_t offset;        /* archive offset: start of the member or frame the record
                               begins in (plain input: the byte offset) */
    uint64_t raw_length;    /* archive bytes from offset holding exactly this record
                               (its members, its trailer included); 0 when the record
                               does not begin and end on member boundaries */
    const void *raw;        /* those raw_length bytes while still in the input
                               window, NULL otherwise (read them again by offset) */
    uint64_t stream_offset; /* offset in the decompressed stream */
} ccsig_warc_record;

typedef struct ccsig_warc_damage {
    uint64_t offset;        /* archive offset the damage concerns (the member a
                               record begins in, as ccsig_warc_record.offset) */
    uint64_t stream_offset; /* the same place in the decompressed stream */
    bool record_lost;       /* a record whose header was read was skipped */
    ccsig_warc_type type;   /* its type when record_lost */
    char what[240];         /* what was wrong and what the reader did */
    /* A gzip member or zstd frame (at `offset`) failed its check (CRC-32,
     * checksum, decoding, cut off) after this many records ending in it had
     * been returned (one member holding several records, a block running
     * into the next members): their bytes are not vouched for. They are the
     * records returned with raw_length 0 whose stream_offset lies in
     * [unverified_from, unverified_to]. A caller that must not use damaged
     * records reads the input again and skips them. */
    uint32_t unverified;
    uint64_t unverified_from, unverified_to;
} ccsig_warc_damage;

/* Read the next record. RECORD: rec is filled and valid until the next call
 * on this reader. DAMAGE: dmg says where and what; the reader has moved to the
 * next record boundary. END: no more records; ccsig_warc_reader_position says
 * where the next record would start. FAILED: dmg->what has the I/O error. */
ccsig_warc_next ccsig_warc_reader_next(ccsig_warc_reader *r, ccsig_warc_record *rec,
                                       ccsig_warc_damage *dmg);

/* After END: the archive offset of the first record not read (the stop
 * boundary), or the end of the input. */
uint64_t ccsig_warc_reader_position(const ccsig_warc_reader *r);
/* Archive bytes consumed so far (progress). */
uint64_t ccsig_warc_reader_consumed(const ccsig_warc_reader *r);
/* Decompressed bytes produced so far. */
uint64_t ccsig_warc_reader_produced(const ccsig_warc_reader *r);
/* The codec of the current input (after the first call to next or sync). */
ccsig_warc_codec ccsig_warc_reader_codec(const ccsig_warc_reader *r);

/* A file read by position, for ccsig_warc_reader_open: ccsig_warc_fd_read
 * reads from fd at pos with pread (retrying on EINTR) and advances pos, so
 * a reader opened at archive offset o starts with pos = o. */
typedef struct ccsig_warc_fd {
    int fd;
    uint64_t pos;
} ccsig_warc_fd;
ssize_t ccsig_warc_fd_read(void *ctx, void *buf, size_t n);

/* Read one record again where an index or an annotation line says it is:
 * open the file at path, read from archive offset `offset` (a zstd archive's
 * dictionary frame is loaded from the file's start) and return in rec the
 * first record that begins at offset (ccsig_warc_record.offset), whose type
 * is in types (1u << ccsig_warc_type bits) and whose target URI is uri (an
 * empty uri: any). Several records may begin at one offset (one gzip member
 * holding them), so the type and URI pick one. The file is closed before
 * returning; rec is valid until r is opened again or freed (r must be
 * opened again before reading more). Returns CCSIG_OK; CCSIG_ERR_IO when the
 * file cannot be opened or read (err: the system's reason); CCSIG_ERR_RANGE
 * when no such record begins at offset (err says so). */
ccsig_status ccsig_warc_read_at(ccsig_warc_reader *r, const char *path, uint64_t offset,
                                unsigned types, ccsig_str uri, ccsig_warc_record *rec,
                                ccsig_error *err);

/* ---- writing ---- */

typedef struct ccsig_warc_writer ccsig_warc_writer;

/* A writer compressing each record (or any byte run) as its own gzip member
 * (ISA-L, level 0-3) or zstd frame (with content size and checksum, as the
 * zstd WARC convention requires), or copying it for plain output. */
ccsig_warc_writer *ccsig_warc_writer_new(ccsig_warc_codec codec, int level);
void ccsig_warc_writer_free(ccsig_warc_writer *w);
ccsig_warc_codec ccsig_warc_writer_codec(const ccsig_warc_writer *w);
/* Append p[0..n) to out as one member/frame. Returns CCSIG_ERR_NOMEM or
 * CCSIG_ERR_IO (compressor failure) with err filled. */
ccsig_status ccsig_warc_writer_member(ccsig_warc_writer *w, ccsig_buf *out, const void *p, size_t n,
                                      ccsig_error *err);

#ifdef __cplusplus
}
#endif
#endif
