/*
 * scan_pipeline.h — the parallel scan: archives cut into jobs, workers that
 * decompress, parse and decide, and one stitcher that writes every output in
 * input order.
 *
 * Parallelism inside one file: a seekable archive larger than a chunk is cut
 * into chunks; each worker syncs to the first record boundary in its chunk
 * (a gzip member or zstd frame whose content starts with "WARC/", a "WARC/"
 * line on plain input) and reads every record that begins before the chunk's
 * end. The stitcher accepts a chunk only when it starts exactly where the
 * previous one stopped; otherwise (a false boundary, a record spanning
 * chunks, one member for the whole file) it reads the gap itself from the
 * true position. Output is therefore byte for byte what one sequential
 * reader produces, whatever the thread count.
 *
 * Memory: at most 2 x threads + 2 jobs are in flight, each holding its
 * outputs (bounded: a job stops early at a record boundary past
 * SCAN_JOB_OUTPUT_MAX bytes of output), and each thread one WARC reader.
 */
#ifndef CCSIG_SCAN_PIPELINE_H
#define CCSIG_SCAN_PIPELINE_H

#include "ccsig/warc.h"
#include "scan_model.h"

/* Archive bytes per job: compressed chunks of 8 MiB hold ~1000 Common Crawl
 * records (enough to amortise the boundary search), plain ones 32 MiB. */
#define SCAN_CHUNK_COMPRESSED (8u << 20)
#define SCAN_CHUNK_PLAIN (32u << 20)
/* A job whose annotation, kept records and deferred work pass this stops at
 * the next record boundary (the rest of its chunk is read by the stitcher):
 * what a job holds is bounded whatever its records are like. 12 MiB leaves
 * room for an 8 MiB chunk kept whole plus its annotation. */
#define SCAN_JOB_OUTPUT_MAX (12u << 20)
/* Revisit originals remembered (payload digest and record id -> record). */
#define SCAN_REVISIT_TABLE_DEFAULT 65536

/* Where the pipeline learns what a site's robots.txt says: one query object
 * per thread, whose answer stays valid until its next query (robots_store.h
 * provides one). */
typedef struct scan_robots_source {
    void *ctx;
    void *(*query_new)(void *ctx);
    void (*query_free)(void *query);
    void (*query)(void *query, const ccsig_url *u, ccsig_str url, const char *origin,
                  ccsig_scan_robots *out);
} scan_robots_source;

typedef struct scan_options {
    scan_profile prof;
    int threads;
    const char *annotate; /* path, "-" or NULL */
    const char *keep;
    const char *credit;
    credit_format credit_fmt;
    bool keep_unknown; /* records with no preference count as usable */
    bool quiet;
    bool progress;
    size_t hold;                      /* block bytes held per record (0: default) */
    size_t revisit_table;             /* 0: no revisit resolution */
    size_t chunk;                     /* 0: defaults above */
    const scan_robots_source *robots; /* NULL: no robots.txt known */
} scan_options;

/* Scan the archives (paths; "-" is stdin). Fills sum and credit. Prints
 * damage reports (unless quiet) and progress. Returns the exit code: 0
 * clean, 1 records skipped, 2 an archive could not be read, 3 an output
 * could not be written. */
int scan_run(const scan_options *o, char *const *paths, size_t n, scan_summary *sum,
             credit_map *credit);

#endif
