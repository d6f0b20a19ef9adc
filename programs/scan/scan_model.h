/*
 * scan_model.h — what a scan counts (the summary) and whom it owes credit
 * (the credit manifest), shared by `ccsig scan` and `ccsig merge`.
 *
 * Both are commutative monoids: every field is a sum, a union, a minimum or
 * maximum, or the smallest K items of a sorted set (error list, example
 * URLs, sources). So the shards of a crawl merge into exactly what one run
 * over all its archives gives, whatever the order, and one run is itself
 * the merge of its jobs. The JSON written here is the only serialisation;
 * merge reads it back with scan_*_from_json.
 */
#ifndef CCSIG_SCAN_MODEL_H
#define CCSIG_SCAN_MODEL_H

#include <jansson.h>
#include <stdio.h>

#include "ccsig/buf.h"
#include "ccsig/pref.h"
#include "ccsig/scan.h"
#include "ccsig/warc.h"

/* Damage reports kept in a summary: the first SCAN_MAX_ERRORS by (archive,
 * offset, what); errors.total counts all. Bounded so a broken crawl cannot
 * grow the summary without end. */
#define SCAN_MAX_ERRORS 1000
/* Declaring parties held in a credit manifest. Only parties whose CC signal
 * a used record carried are held (~300 bytes each); past the limit their
 * records are counted under "omitted". */
#define SCAN_MAX_PARTIES 100000
/* Example URLs and distinct preference sources kept per party (the smallest
 * in byte order, so they do not depend on the order of the input). */
#define SCAN_EXAMPLES 3
#define SCAN_SOURCES 3

typedef struct scan_profile {
    char agent[256];
    ccsig_profile p;
} scan_profile;

json_t *scan_profile_json(const scan_profile *p);
bool scan_profile_from_json(json_t *j, scan_profile *p);
bool scan_profile_equal(const scan_profile *a, const scan_profile *b);

typedef struct scan_error {
    char *archive;
    uint64_t offset;
    char *what;
} scan_error;

enum { SCAN_CRAWL_ALLOWED = 0, SCAN_CRAWL_DISALLOWED, SCAN_CRAWL_UNKNOWN, SCAN_CRAWL_COUNT };
#define SCAN_ROBOTS_COUNT 4
#define SCAN_RESULT_COUNT 4
#define SCAN_STATUS_MAX 1000

typedef struct scan_summary {
    uint64_t archives, archives_unreadable;
    uint64_t bytes_archive, bytes_decompressed, bytes_payload;
    uint64_t records, types[CCSIG_WARC_TYPE_COUNT];
    uint64_t scanned, skipped;
    uint64_t revisits_resolved, revisits_unresolved;
    uint64_t robots[SCAN_ROBOTS_COUNT];
    uint64_t crawl[SCAN_CRAWL_COUNT];
    uint64_t cats[CCSIG_CAT_COUNT][3];
    uint64_t signals[CCSIG_SIGNAL_COUNT];
    uint64_t results[SCAN_RESULT_COUNT];
    uint64_t status[SCAN_STATUS_MAX];
    uint64_t status_none;
    uint64_t used_records, used_bytes;
    uint64_t kept_records, kept_bytes;
    uint64_t content_usage_invalid;
    uint64_t errors_total;
    scan_error *errors;
    size_t nerrors, caperrors;
} scan_summary;

void scan_summary_init(scan_summary *s);
void scan_summary_free(scan_summary *s);
/* Add a damage report (copies the strings). Keeps at most 2 x SCAN_MAX_ERRORS
 * before pruning to the smallest SCAN_MAX_ERRORS. */
void scan_summary_error(scan_summary *s, const char *archive, uint64_t offset, const char *what);
/* dst += src (src is left as it was). */
void scan_summary_merge(scan_summary *dst, const scan_summary *src);
/* The summary as JSON ("type": "ccsig-scan-summary"). decisions is null
 * when the profile asks no use. */
json_t *scan_summary_json(scan_summary *s, const scan_profile *prof);
/* The summary for people. */
void scan_summary_text(FILE *f, scan_summary *s, const scan_profile *prof);
/* Read a summary written by scan_summary_json. false and a message when it is
 * not one. */
bool scan_summary_from_json(json_t *j, scan_summary *s, scan_profile *prof, char *msg, size_t n);

/* ---- credit manifest ---- */

typedef struct credit_party {
    char *party;         /* "https://example.org" */
    unsigned signals;    /* 1 << ccsig_signal */
    unsigned conditions; /* CCSIG_COND_* the reuser must meet */
    unsigned kinds;      /* 1 << ccsig_source_kind of the deciding statements */
    uint64_t records, bytes;
    char first_date[40], last_date[40];
    char *examples[SCAN_EXAMPLES];
    size_t nexamples;
    char *sources[SCAN_SOURCES];
    size_t nsources;
} credit_party;

typedef struct credit_map {
    credit_party **slots;
    size_t cap, n;
    uint64_t omitted_parties, omitted_records, omitted_bytes;
} credit_map;

void credit_map_init(credit_map *m);
void credit_map_free(credit_map *m);
/* Count one used record with obligations for party. source: a one-line
 * description of the deciding statement ("robots.txt line 3: ..."). */
void credit_add(credit_map *m, const char *party, size_t party_len, unsigned signals,
                unsigned conditions, unsigned kinds, uint64_t bytes, ccsig_str date, ccsig_str url,
                const char *source);
void credit_merge(credit_map *dst, const credit_map *src);

typedef enum credit_format { CREDIT_JSON, CREDIT_CSV, CREDIT_MD } credit_format;
/* The format a file name asks for (.json, .csv, .md); false if none. */
bool credit_format_for(const char *path, credit_format *f);
/* "json", "csv" or "md". */
bool credit_format_parse(const char *name, credit_format *f);
/* Write the manifest. Returns false on a write error. */
bool credit_write(FILE *f, credit_format fmt, const credit_map *m, const scan_profile *prof);
bool credit_from_json(json_t *j, credit_map *m, scan_profile *prof, char *msg, size_t n);

/* The ready-to-cite credit sentence for one party. */
void credit_text(ccsig_buf *b, const credit_party *p, const scan_profile *prof);

#endif
