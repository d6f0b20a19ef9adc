/*
 * ccsig/scan_session.h — whole archives to annotations, kept records, a
 * summary and a credit manifest: the engine of `ccsig scan`, with no I/O of
 * its own beyond reading the archives it is given.
 *
 * A session is created with options (the reuser profile, threads, what to
 * hold, revisit resolution, the robots.txt store) and a sink, fed archives
 * (by path, by file descriptor, or by a read callback), then run once. It
 * reports only through the sink: the annotation bytes (exactly what
 * `ccsig scan --annotate FILE` writes: one JSON line per response and
 * revisit record, in input order, compressed as gzip members or zstd frames
 * when the options ask for a codec), the kept records (what `--keep FILE`
 * writes, byte for byte), damage reports, archives that cannot be read and
 * progress. It never prints, never exits and never opens an output; the
 * summary and the credit manifest are library objects the session fills.
 *
 * The engine: an archive larger than a chunk is cut into chunks; worker
 * threads each sync to the first record boundary in their chunk (a gzip
 * member or zstd frame whose content starts with "WARC/", a "WARC/" line on
 * plain input), read, decide (ccsig_scan_record) and format every record
 * that begins before the chunk's end; one stitcher (the thread that called
 * ccsig_scan_session_run, which also calls every sink function) accepts a
 * chunk only when it starts where the previous one stopped, else reads the
 * gap itself. Output is therefore byte for byte what one sequential reader
 * produces, whatever the thread count. Revisit records are resolved in
 * input order against the responses remembered (payload digest, then
 * WARC-Refers-To), and kept request/metadata records are paired with the
 * responses they belong to.
 *
 * Memory: at most 2 x threads + 2 jobs are in flight, each holding its
 * outputs (a job stops early at a record boundary past
 * CCSIG_SCAN_JOB_OUTPUT_MAX bytes of output), and each thread one WARC
 * reader. The revisit table holds revisit_table entries.
 *
 * Thread-safety: a session is used from one thread; several sessions may
 * run at once.
 */
#ifndef CCSIG_SCAN_SESSION_H
#define CCSIG_SCAN_SESSION_H

#include <sys/types.h>

#include "ccsig/credit.h"
#include "ccsig/index.h"
#include "ccsig/robots_store.h"
#include "ccsig/shard.h"
#include "ccsig/summary.h"
#include "ccsig/warc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Archive bytes per job: compressed chunks of 1 MiB hold ~125 Common Crawl
 * records (a boundary costs a 64-byte trial decode), plain ones 4 MiB. A
 * job's outputs (for small records, 1.5 kB of annotation per 3 kB page) then
 * stay within the caches, and the memory the jobs in flight touch stays a
 * few MiB: first touches of fresh memory cost more than the decoding of it. */
#define CCSIG_SCAN_CHUNK_COMPRESSED (1u << 20)
#define CCSIG_SCAN_CHUNK_PLAIN (4u << 20)
/* A job whose annotation, kept records and deferred work pass this stops at
 * the next record boundary (the rest of its chunk is read by the stitcher). */
#define CCSIG_SCAN_JOB_OUTPUT_MAX (12u << 20)
/* Revisit originals remembered (payload digest and record id -> record). */
#define CCSIG_SCAN_REVISIT_TABLE_DEFAULT 65536
/* Records per job of an indexed archive (ccsig_scan_session_add_indexed). */
#define CCSIG_SCAN_INDEX_JOB_SPANS 4096

typedef struct ccsig_scan_progress {
    uint64_t bytes_done;  /* archive bytes read so far (seekable archives) */
    uint64_t bytes_total; /* sum of the seekable archives' sizes */
    bool sizes_known;     /* every archive is seekable: bytes_total is the whole */
    uint64_t records;     /* records read */
    double seconds;       /* since the run started */
    bool final;           /* the last call, after everything was read */
} ccsig_scan_progress;

/* Where a session reports. Every function is called on the thread running
 * ccsig_scan_session_run, in input order; any may be NULL. */
typedef struct ccsig_scan_sink {
    void *ctx;
    /* Annotation bytes: whole lines (or whole compressed members/frames
     * when annotate_codec is not CCSIG_WARC_PLAIN). Return false when they
     * cannot be written: the run goes on and ends with CCSIG_ERR_IO.
     * NULL: no annotation is made (and the run is faster). */
    bool (*annotation)(void *ctx, const char *p, size_t n);
    /* Kept records, in keep_codec: the used response and revisit records
     * and the request and metadata records that belong to them. NULL: none
     * is kept. Return false as for annotation. */
    bool (*kept)(void *ctx, const char *p, size_t n);
    /* A damaged part of an archive (skipped, counted in the summary). name
     * is the archive's name as it was added. */
    void (*damage)(void *ctx, const char *name, uint64_t offset, const char *what);
    /* An archive that cannot be read at all or stopped being readable
     * ("cannot read: No such file or directory"). */
    void (*archive_error)(void *ctx, const char *name, const char *what);
    /* Progress, about every progress_interval seconds and once at the end. */
    void (*progress)(void *ctx, const ccsig_scan_progress *p);
} ccsig_scan_sink;

/* A ready-made ccsig_scan_sink.annotation (or .kept) function: writes the
 * bytes whole to the file descriptor *(const int *)ctx, continuing short
 * writes and retrying on EINTR; false (errno set) when a write fails. For
 * a program or binding that reads the annotation on another thread or in
 * another process through a pipe: the session's thread then never waits
 * on the reader's locks (a language runtime's, say), only on the pipe. */
bool ccsig_scan_sink_fd(void *ctx, const char *p, size_t n);

typedef struct ccsig_scan_session_options {
    ccsig_scan_profile profile;      /* who asks, for which use (use CCSIG_CAT_NONE: no decision;
                                        nothing is kept or credited then), and which HTTP
                                        status classes count as used (profile.status,
                                        ccsig/summary.h: 0 = 2xx only; a resolved revisit
                                        has its original's status). A record outside the
                                        set is still decided, counted and annotated, but
                                        not kept, credited or counted as used (the summary
                                        counts it in status_excluded). A resolved
                                        revisit whose original was used is not used
                                        again (summary revisits_of_used) */
    int threads;                     /* worker threads (<= 0: 1) */
    size_t hold;                     /* block bytes held per record (0: CCSIG_WARC_HOLD_DEFAULT) */
    size_t revisit_table;            /* originals remembered; 0: revisits are not resolved */
    size_t chunk;                    /* archive bytes per job (0: the defaults above) */
    bool keep_unknown;               /* records stating no preference count as usable */
    ccsig_warc_codec annotate_codec; /* PLAIN, GZIP or ZSTD */
    ccsig_warc_codec keep_codec;     /* PLAIN, GZIP or ZSTD */
    ccsig_robots_store *robots;      /* borrowed; NULL: no robots.txt known */
    double progress_interval;        /* seconds between progress calls (0: 0.25) */
    /* A shard of a list (ccsig/shard.h; borrowed, filled by the run): the
     * k-th archive added is line shard_list_index(k) of the list. The run
     * records each archive (read or why not, and its share of the
     * annotation and kept bytes), every revisit original, the revisits it
     * leaves open (with the place of their annotation lines) and the size
     * and digest of what went to each sink. Open revisits are annotated as
     * resolved here and kept as if they were used (with their request and
     * metadata records: the shard records those bytes, and
     * ccsig_merge_write_kept drops them when the merge does not keep the
     * revisit), but counted in neither the summary (kept counts included)
     * nor the credit map (ccsig_merge_finish counts them). NULL: not a shard. */
    struct ccsig_shard *shard;
} ccsig_scan_session_options;

/* Fill o with the defaults: agent "*", no use, 1 thread, revisit table
 * CCSIG_SCAN_REVISIT_TABLE_DEFAULT, keep_unknown true, plain outputs. */
void ccsig_scan_session_options_init(ccsig_scan_session_options *o);

typedef struct ccsig_scan_session ccsig_scan_session;

/* A new session. opt and sink are copied (the robots store and the sink's
 * ctx are borrowed and must outlive the run). CCSIG_ERR_USAGE for a codec
 * that is not one of the three, CCSIG_ERR_NOMEM. */
ccsig_status ccsig_scan_session_new(const ccsig_scan_session_options *opt,
                                    const ccsig_scan_sink *sink, ccsig_scan_session **out,
                                    ccsig_error *err);
void ccsig_scan_session_free(ccsig_scan_session *s);

/* Add an archive, in input order (before run). name is what annotations,
 * damage reports and the summary call it (copied).
 * _path opens path when its turn comes (an unreadable file is reported
 * through archive_error and counted as unreadable). _fd reads fd (borrowed,
 * not closed; a regular file is read in parallel chunks with pread, anything
 * else as a stream). _stream reads through read (a stream: one job, no
 * chunks; read returns bytes read, 0 at the end, -1 with errno on error).
 * CCSIG_ERR_USAGE after run, CCSIG_ERR_NOMEM. */
ccsig_status ccsig_scan_session_add_path(ccsig_scan_session *s, const char *path, const char *name,
                                         ccsig_error *err);
/* _indexed reads the archive at path through its index: spans[0..n) (copied)
 * are its records' places, in archive order (ccsig_index_spans). Each record
 * is read by its offset and only the part annotation needs is inflated
 * (ccsig_index_reader_read; the summary counts records whose needed part
 * passed the bound); records not in the index are not read; kept records
 * are copied by offset and length (keep_codec must then be the archive's,
 * or records whose block was not read whole cannot be kept). gzip (one
 * member per record) and uncompressed WARC files only; others are reported
 * through archive_error. */
/* _wat reads the WAT file at path (Common Crawl's metadata extracts,
 * ccsig/wat.h) instead of a WARC file: each record it describes is
 * annotated from its WARC header, HTTP header and <head> metas and links
 * as the WAT gives them, at the WARC offset the WAT names; records of other
 * types are counted. Nothing can be kept from a WAT alone (the records are
 * not in it): see _wat_warc. The summary counts the records read from WAT
 * data as "indexed". */
ccsig_status ccsig_scan_session_add_wat(ccsig_scan_session *s, const char *path, const char *name,
                                        ccsig_error *err);
/* _wat_warc reads the WAT file at path as _wat does, and the kept records
 * are copied from the WARC file it describes, warc_path (warc_name is what
 * reports call it; NULL: warc_path), at the places its index gives:
 * spans[0..n) (ccsig_index_spans for that WARC file; copied). The WARC is
 * opened with the WAT; when it cannot be read (or is neither gzip, a member
 * per record, nor uncompressed) the WAT is reported through archive_error
 * and counted unreadable. A used response or revisit is kept as the full
 * scan keeps it: its gzip members copied when keep_codec is the WARC's,
 * else read whole and encoded again; request and metadata records the WAT
 * describes are kept beside the responses they belong to (WARC-Concurrent-To),
 * as the full scan keeps them. A record that cannot be kept (the WAT names
 * another WARC file in Container.Filename, or the index has no record at its
 * offset) is reported as damage; its annotation is written. */
ccsig_status ccsig_scan_session_add_wat_warc(ccsig_scan_session *s, const char *path,
                                             const char *name, const char *warc_path,
                                             const char *warc_name, const ccsig_index_span *spans,
                                             size_t n, ccsig_error *err);
ccsig_status ccsig_scan_session_add_indexed(ccsig_scan_session *s, const char *path,
                                            const char *name, const ccsig_index_span *spans,
                                            size_t n, ccsig_error *err);
ccsig_status ccsig_scan_session_add_fd(ccsig_scan_session *s, int fd, const char *name,
                                       ccsig_error *err);
ccsig_status ccsig_scan_session_add_stream(ccsig_scan_session *s,
                                           ssize_t (*read)(void *ctx, void *buf, size_t n),
                                           void *ctx, const char *name, ccsig_error *err);

/* Scan every archive added (once). Returns CCSIG_OK when everything was
 * read and written; CCSIG_ERR_IO when an archive could not be read
 * (reported through archive_error) or a sink function returned false (the
 * run went on, so the summary is complete); CCSIG_ERR_NOMEM when memory
 * ran out (the outputs are then incomplete); CCSIG_ERR_USAGE when run
 * twice. Damaged records do not fail the run: the summary counts them
 * (errors_total). */
ccsig_status ccsig_scan_session_run(ccsig_scan_session *s, ccsig_error *err);

/* After run: what the session counted and whom it owes credit. The
 * objects belong to the session (valid until ccsig_scan_session_free);
 * merge them into your own with ccsig_summary_merge / ccsig_credit_merge. */
ccsig_summary *ccsig_scan_session_summary(ccsig_scan_session *s);
const ccsig_credit_map *ccsig_scan_session_credit(ccsig_scan_session *s);

/* Whether an archive could not be read, and whether a sink write failed. */
bool ccsig_scan_session_unreadable(const ccsig_scan_session *s);
bool ccsig_scan_session_write_failed(const ccsig_scan_session *s);

#ifdef __cplusplus
}
#endif
#endif
