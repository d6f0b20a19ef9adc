/*
 * ccsig/shard.h — shards with identity: what one `ccsig scan --shard I/N`
 * run was (which part of which path list, which archives it read or could
 * not read, what it leaves for the merge to resolve), and the merge of such
 * runs' summaries and credit manifests into exactly what one run over the
 * whole list gives.
 *
 * A shard writes its identity into every summary and credit manifest
 * (ccsig_summary.shard, ccsig_credit_map.shard): the shard index and count,
 * a digest of the whole path list, the archives it was given (with their
 * place in the list) and, for revisit records whose original may lie in
 * another shard, what the merge needs to decide them: the open revisit
 * (its own statements, status, URL, ...) and every original (response)
 * the shard saw (its payload digest, record id, payload length and page
 * statements). Such a revisit is counted by no shard; the merge resolves it
 * against the originals of all shards, in the order of the path list, as
 * one run does, and counts it once. A revisit resolved against an original
 * in its own archive is settled in the shard.
 *
 * The merge (ccsig_merge_*) refuses a shard given twice, another path list
 * or shard count, another profile, and, unless told to allow it, a missing
 * shard; it names the missing shards and every unreadable archive.
 *
 * Memory: a shard owns its lists (ccsig_shard_free); a merge owns its
 * documents (ccsig_merge_free). Allocation failures set `failed` or return
 * CCSIG_ERR_NOMEM. Thread-safety: one object per thread, no global state.
 */
#ifndef CCSIG_SHARD_H
#define CCSIG_SHARD_H

#include "ccsig/credit.h"
#include "ccsig/summary.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One archive a shard was given: its place in the whole list and, when it
 * could not be read (or stopped being readable), why. */
typedef struct ccsig_shard_archive {
    uint64_t index; /* 0-based line of the path list */
    char *name;
    char *what;           /* NULL: read */
    uint64_t annot_bytes; /* its annotation lines in the shard's annotation (uncompressed) */
    uint64_t keep_bytes;  /* its kept records in the shard's keep file (as written) */
} ccsig_shard_archive;

/* An output file the shard's scan wrote (--annotate, --keep): its size and
 * FNV-1a 64 digest as written (compressed when it is), by which the merge
 * recognises it. */
typedef struct ccsig_shard_output {
    bool written;
    uint64_t bytes, digest;
} ccsig_shard_output;

typedef struct ccsig_shard_data ccsig_shard_data; /* revisit data (opaque) */

typedef struct ccsig_shard {
    uint64_t index, count; /* I/N */
    char list[32];         /* "fnv1a64:" and 16 hex digits: the whole path list */
    uint64_t list_len;     /* archives in the whole list */
    bool keep_unknown;     /* the scan's --unknown (records with no preference used) */
    ccsig_shard_archive *archives;
    size_t narchives, caparchives;
    ccsig_shard_output annotation, keep;
    ccsig_shard_data *data;
    bool failed; /* an allocation failed: the shard's record is incomplete */
} ccsig_shard;

/* A shard i/n of the list paths[0..npaths) (the whole list, every shard's
 * archives, in order: its digest names the list). Fails (false) only when
 * i >= n or memory runs out. */
bool ccsig_shard_init(ccsig_shard *sh, uint64_t i, uint64_t n, const char *const *paths,
                      size_t npaths);
void ccsig_shard_free(ccsig_shard *sh);
/* The list index of the k-th archive of the shard: i + k * n. */
uint64_t ccsig_shard_list_index(const ccsig_shard *sh, uint64_t k);
/* Record the k-th archive of the shard (in order; what NULL: read). */
void ccsig_shard_add_archive(ccsig_shard *sh, uint64_t k, const char *name, const char *what);

/* ---- merging shard outputs ---- */

typedef struct ccsig_merge ccsig_merge;

ccsig_status ccsig_merge_new(ccsig_merge **out, ccsig_error *err);
void ccsig_merge_free(ccsig_merge *m);

/* Add one document a scan wrote (summary or credit manifest, JSON), named
 * name in messages; *type says which. Errors: those of
 * ccsig_scan_output_read; CCSIG_ERR_USAGE (err->message says which) when
 * its profile differs from the first document's, when it is a shard of
 * another list or count, when the same shard's document of the same type
 * was given already (the message names that input), or when sharded and
 * unsharded documents are mixed. */
ccsig_status ccsig_merge_add(ccsig_merge *m, const char *name, const char *p, size_t len,
                             ccsig_scan_output_type *type, ccsig_error *err);

/* After the last document: resolve the revisits left open by the shards
 * and check that every shard is there. CCSIG_ERR_RANGE when a shard is
 * missing and allow_missing is false (err->message names them: "shards
 * 2/4, 3/4 of list fnv1a64:... missing"); with allow_missing the merge
 * goes on and the summary names them. CCSIG_ERR_NOMEM. */
ccsig_status ccsig_merge_finish(ccsig_merge *m, bool allow_missing, ccsig_error *err);

/* The merged documents (valid until ccsig_merge_free), how many of each
 * were given, and the shared profile (NULL before the first document). */
ccsig_summary *ccsig_merge_summary(ccsig_merge *m);
const ccsig_credit_map *ccsig_merge_credit(const ccsig_merge *m);
const ccsig_scan_profile *ccsig_merge_profile(const ccsig_merge *m);
size_t ccsig_merge_count(const ccsig_merge *m, ccsig_scan_output_type type);
/* Shards missing among the documents of type (after finish): their
 * indexes, ascending, in *idx (owned by the merge), and the shard count of
 * the list in *count; returns how many (0 when none). */
size_t ccsig_merge_missing(const ccsig_merge *m, ccsig_scan_output_type type, const uint64_t **idx,
                           uint64_t *count);

/* ---- the shards' annotation and keep files ----
 *
 * A shard records where each archive's annotation lines and kept records
 * are in its files, where the line of each revisit it left open is, and
 * which kept records it wrote for such a revisit only (provisionally: its
 * request and metadata records and itself, as if it were kept). After
 * ccsig_merge_finish, the merge writes the annotation and the keep file of
 * one run over the whole list: each archive's part in list order, an open
 * revisit's line written again with its merged decision (by the scan's own
 * line writer) and the provisional records of a revisit the merge does not
 * keep left out. The shard records come from the summaries when given,
 * else from the credit manifests. Files are streamed (one buffer per
 * shard), never held whole. */

typedef enum ccsig_merge_output { CCSIG_MERGE_ANNOTATION = 1, CCSIG_MERGE_KEEP } ccsig_merge_output;

/* Add a file a shard's scan wrote (after ccsig_merge_finish): it is
 * recognised by its size and digest among the shards' records of their
 * annotation and keep files, and *what and *shard say whose it is.
 * CCSIG_ERR_IO when it cannot be read (err: why); CCSIG_ERR_USAGE when it
 * is no shard's file (err names its size and digest) or the same file was
 * given already. */
ccsig_status ccsig_merge_add_output(ccsig_merge *m, const char *path, ccsig_merge_output *what,
                                    uint64_t *shard, ccsig_error *err);

/* Write one run's annotation (what ccsig_scan_session gives a sink, plain
 * or as gzip members / zstd frames of up to 1 MiB of lines: codec) through
 * write(ctx, p, n), which returns false when it cannot. CCSIG_ERR_USAGE
 * when a shard wrote no annotation or its file was not given (err names the
 * shard and the file it wrote); CCSIG_ERR_SYNTAX when a file does not hold
 * what its record says (damaged, cut off: err names it); CCSIG_ERR_IO when
 * a file cannot be read or write fails; CCSIG_ERR_NOMEM. */
ccsig_status ccsig_merge_write_annotation(ccsig_merge *m, ccsig_warc_codec codec,
                                          bool (*write)(void *ctx, const char *p, size_t n),
                                          void *ctx, ccsig_error *err);
/* Write one run's keep file (its records as the shards wrote them: the
 * codec of the shards' keep files) through write, as above. */
ccsig_status ccsig_merge_write_kept(ccsig_merge *m,
                                    bool (*write)(void *ctx, const char *p, size_t n), void *ctx,
                                    ccsig_error *err);

/* ---- what a merge input is ----
 *
 * The inputs of a merge are told apart by their content, never by their
 * names. A file is first decoded when it is compressed (gzip members or
 * zstd frames, as ccsig_warc_sniff tells; the reader the merge's writers
 * use); then, in this order:
 *
 *   EMPTY       no content: zero bytes (or compressed data that decodes to
 *               none). A shard whose archives gave no line or kept record
 *               writes such an annotation or keep file.
 *   KEEP        content starting "WARC/": a keep file (ccsig scan --keep).
 *   ANNOTATION  a first line (up to its line end, at most
 *               CCSIG_MERGE_LINE_MAX bytes) that the library's JSON reader
 *               reads as an object with "archive" and "offset" members: the
 *               annotation lines ccsig scan --annotate writes.
 *   AUDIT       not compressed, and the whole input is one JSON object
 *               whose "type" member is the string "ccsig-audit" (what
 *               ccsig_audit_write_json writes; ccsig_audit_merge_json reads
 *               it). Only that member decides: the same text inside another
 *               value (a URL, a record's payload) does not.
 *   DOCUMENT    not compressed, starting with "{" (after JSON white space
 *               and a UTF-8 byte order mark): a JSON document for
 *               ccsig_merge_add, which reads its "type" (summary or credit
 *               manifest) and reports what is wrong with it (not JSON, with
 *               its line and column; another type) when it is neither.
 *   OTHER       none of these (another text, binary data, a compressed file
 *               of other content or damaged in its first bytes).
 *
 * EMPTY, KEEP and ANNOTATION are candidates for ccsig_merge_add_output,
 * which decides whose file it is (or that it is no shard's) by its size
 * and digest; DOCUMENT and OTHER go to ccsig_merge_add. */
typedef enum ccsig_merge_input {
    CCSIG_MERGE_INPUT_OTHER = 0,
    CCSIG_MERGE_INPUT_EMPTY,
    CCSIG_MERGE_INPUT_KEEP,
    CCSIG_MERGE_INPUT_ANNOTATION,
    CCSIG_MERGE_INPUT_AUDIT,
    CCSIG_MERGE_INPUT_DOCUMENT
} ccsig_merge_input;

/* The longest first line read to tell an annotation: a longer one (no line
 * end in its first CCSIG_MERGE_LINE_MAX bytes) is not one. */
#define CCSIG_MERGE_LINE_MAX (1u << 20)

/* What p[0..n), a whole input held in memory, is (above). Reads p only;
 * decodes into buffers of its own, freed before it returns. CCSIG_OK and
 * *kind, or CCSIG_ERR_NOMEM (*kind OTHER). Thread-safe. */
ccsig_status ccsig_merge_classify(const void *p, size_t n, ccsig_merge_input *kind,
                                  ccsig_error *err);

/* The same for the file at path, reading only what it needs: the first
 * decoded line (at most CCSIG_MERGE_LINE_MAX bytes) and, for a plain file
 * starting with "{", the whole file (to read its "type"). CCSIG_ERR_IO
 * (err: "PATH: cannot read: why") when it cannot be opened or read,
 * CCSIG_ERR_NOMEM;
 * damage in compressed data is no error (what was decoded before it
 * decides). Thread-safe. */
ccsig_status ccsig_merge_classify_file(const char *path, ccsig_merge_input *kind, ccsig_error *err);

#ifdef __cplusplus
}
#endif
#endif
