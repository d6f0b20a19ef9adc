/*
 * ccsig/credit.h — whom a scan owes credit: the credit manifest, one entry
 * per declaring party whose CC signal a used record carried, and the reader
 * of the JSON documents a scan writes (summary and manifest), which
 * `ccsig merge` combines.
 *
 * Like the summary (ccsig/summary.h) the manifest is a commutative monoid:
 * sums, unions, min/max and the smallest K examples and sources, so shards
 * merge into exactly what one run gives.
 *
 * Memory: the map owns its parties (ccsig_credit_map_free releases them). An
 * allocation failure sets `failed` (the record is counted nowhere). Thread-
 * safety: one map per thread; no global state.
 */
#ifndef CCSIG_CREDIT_H
#define CCSIG_CREDIT_H

#include "ccsig/buf.h"
#include "ccsig/hashmap.h"
#include "ccsig/summary.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Declaring parties held in a manifest (~300 bytes each); past the limit
 * their records are counted under "omitted". */
#define CCSIG_CREDIT_MAX_PARTIES 100000
/* Example URLs and distinct preference sources kept per party (the smallest
 * in byte order, so they do not depend on the order of the input). */
#define CCSIG_CREDIT_EXAMPLES 3
#define CCSIG_CREDIT_SOURCES 3

struct ccsig_shard; /* ccsig/shard.h */

typedef struct ccsig_credit_party {
    char *party;         /* "https://example.org" */
    unsigned signals;    /* 1 << ccsig_signal */
    unsigned conditions; /* CCSIG_COND_* the reuser must meet */
    unsigned kinds;      /* 1 << ccsig_source_kind of the deciding statements */
    uint64_t records, bytes;
    char first_date[40], last_date[40];
    char *examples[CCSIG_CREDIT_EXAMPLES];
    size_t nexamples;
    char *sources[CCSIG_CREDIT_SOURCES];
    size_t nsources;
} ccsig_credit_party;

typedef struct ccsig_credit_map {
    ccsig_hashmap parties; /* party -> ccsig_credit_party * (owned) */
    uint64_t omitted_parties, omitted_records, omitted_bytes;
    bool failed; /* an allocation failed: some records are missing */
    /* the shard a `scan --shard` run was (borrowed; written as "shard" in
     * JSON, not merged; ccsig/shard.h) */
    const struct ccsig_shard *shard;
} ccsig_credit_map;

void ccsig_credit_map_init(ccsig_credit_map *m);
void ccsig_credit_map_free(ccsig_credit_map *m);
/* Count one used record with obligations for party (its site key).
 * source: a one-line description of the deciding statement ("robots.txt
 * line 3: ..."), copied. */
void ccsig_credit_add(ccsig_credit_map *m, const char *party, size_t party_len, unsigned signals,
                      unsigned conditions, unsigned kinds, uint64_t bytes, ccsig_str date,
                      ccsig_str url, const char *source);
/* dst += src. */
void ccsig_credit_merge(ccsig_credit_map *dst, const ccsig_credit_map *src);

typedef enum ccsig_credit_format {
    CCSIG_CREDIT_JSON,
    CCSIG_CREDIT_CSV,
    CCSIG_CREDIT_MD
} ccsig_credit_format;
/* The format a file name asks for (.json, .csv, .md); false if none. */
bool ccsig_credit_format_for(const char *path, ccsig_credit_format *f);
/* "json", "csv" or "md". */
bool ccsig_credit_format_parse(const char *name, ccsig_credit_format *f);
/* Append the manifest in fmt to b (parties sorted by site key). Returns
 * CCSIG_ERR_NOMEM when memory runs out (b may hold part of it). */
ccsig_status ccsig_credit_write(ccsig_buf *b, ccsig_credit_format fmt, const ccsig_credit_map *m,
                                const ccsig_scan_profile *prof);
/* The ready-to-cite credit sentence for one party. */
void ccsig_credit_text(ccsig_buf *b, const ccsig_credit_party *p, const ccsig_scan_profile *prof);

/* ---- reading scan outputs back (ccsig merge) ---- */

typedef enum ccsig_scan_output_type {
    CCSIG_SCAN_OUTPUT_NONE = 0,
    CCSIG_SCAN_OUTPUT_SUMMARY, /* "type": "ccsig-scan-summary" */
    CCSIG_SCAN_OUTPUT_CREDIT   /* "type": "ccsig-credit" */
} ccsig_scan_output_type;

/* Read one JSON document p[0..len) that a scan wrote (a summary from
 * ccsig_summary_write_json or a manifest from ccsig_credit_write in JSON)
 * and add it to sum or credit (the one its "type" names); *prof is the
 * profile it was made for, *type which document it was. Errors:
 * CCSIG_ERR_SYNTAX when p is not JSON (err: line, column, offset and
 * "not JSON: <what>"), CCSIG_ERR_UNSUPPORTED when it is neither document,
 * CCSIG_ERR_RANGE when a field is missing or invalid (err->message says
 * which; sum/credit may have taken part of the document), CCSIG_ERR_NOMEM.
 * Thread-safe for distinct outputs. A shard's "shard" record (revisits
 * left open, identity) is not read here: ccsig_merge_add (ccsig/shard.h)
 * reads it and checks the set of shards. */
ccsig_status ccsig_scan_output_read(const char *p, size_t len, ccsig_summary *sum,
                                    ccsig_credit_map *credit, ccsig_scan_profile *prof,
                                    ccsig_scan_output_type *type, ccsig_error *err);

#ifdef __cplusplus
}
#endif
#endif
