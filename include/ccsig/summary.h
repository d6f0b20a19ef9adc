/*
 * ccsig/summary.h — what a scan counts: the scan summary, and the reuser
 * profile a scan decides for.
 *
 * The summary is a commutative monoid: every field is a sum, a minimum or
 * maximum, or the smallest K items of a sorted set (the damage list). So the
 * shards of a crawl merge into exactly what one run over all its archives
 * gives, whatever the order, and one run is itself the merge of its jobs.
 * The JSON written here is the only serialisation; `ccsig merge` reads it
 * back with ccsig_scan_output_read (ccsig/credit.h).
 *
 * Memory: a summary owns its damage list (ccsig_summary_free releases it).
 * An allocation failure while adding to it sets `failed` (the report is
 * dropped; the counts stay right). Thread-safety: one summary per thread;
 * the functions keep no global state.
 */
#ifndef CCSIG_SUMMARY_H
#define CCSIG_SUMMARY_H

#include "ccsig/buf.h"
#include "ccsig/pref.h"
#include "ccsig/warc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Damage reports kept in a summary: the first CCSIG_SUMMARY_MAX_ERRORS by
 * (archive, offset, what); errors_total counts all. Bounded so a broken
 * crawl cannot grow the summary without end. */
#define CCSIG_SUMMARY_MAX_ERRORS 1000

/* HTTP status classes of the records a scan counts as used (--status).
 * A record is used (counted in the summary's "used", kept by --keep,
 * credited in the credit manifest) only when its decision makes it usable
 * AND its status class is in the profile's set; every record is still
 * decided, counted and annotated. A resolved revisit has its original's
 * status (what it stands for); an unresolved one its own (often 304).
 * Index i of ccsig_summary.status_excluded is the class of bit 1 << i. */
#define CCSIG_STATUS_CLASS_NONE (1u << 0) /* no HTTP status (not an HTTP response) */
#define CCSIG_STATUS_CLASS_1XX (1u << 1)
#define CCSIG_STATUS_CLASS_2XX (1u << 2)
#define CCSIG_STATUS_CLASS_3XX (1u << 3)
#define CCSIG_STATUS_CLASS_4XX (1u << 4)
#define CCSIG_STATUS_CLASS_5XX (1u << 5)
#define CCSIG_STATUS_CLASS_ANY 0x3fu
#define CCSIG_STATUS_CLASS_COUNT 6
/* Successful captures only: the default (a status set of 0 means this). */
#define CCSIG_STATUS_CLASS_DEFAULT CCSIG_STATUS_CLASS_2XX

/* Who a scan decides for: the robots.txt agent and the reuser profile. */
typedef struct ccsig_scan_profile {
    char agent[256]; /* NUL-terminated; "*" asks as any crawler */
    ccsig_profile p;
    unsigned status; /* CCSIG_STATUS_CLASS_* counted as used; 0: the default (2xx) */
} ccsig_scan_profile;

/* Parse a --status value: a comma-separated list of 1xx, 2xx, 3xx, 4xx,
 * 5xx and none (no HTTP status), or any (every record). Case-insensitive,
 * spaces around items ignored. Returns CCSIG_ERR_SYNTAX with err naming
 * the item (offset = its byte offset) for anything else or an empty list. */
ccsig_status ccsig_status_class_parse(const char *p, size_t len, unsigned *mask, ccsig_error *err);

/* The set as text ("2xx", "2xx,3xx", "any"; 0 reads as the default) into
 * buf (at least 32 bytes). Returns buf. */
const char *ccsig_status_class_format(unsigned mask, char *buf, size_t n);

/* The class bit of an HTTP status (-1 or out of 100..599: NONE). */
unsigned ccsig_status_class_of(int status);

/* Same agent, use, commitments, purpose and status set (counts for
 * different profiles do not add up). */
bool ccsig_scan_profile_equal(const ccsig_scan_profile *a, const ccsig_scan_profile *b);

typedef struct ccsig_summary_error {
    char *archive;
    uint64_t offset;
    char *what;
} ccsig_summary_error;

/* Indexes of ccsig_summary.crawl. */
enum {
    CCSIG_SUMMARY_CRAWL_ALLOWED = 0,
    CCSIG_SUMMARY_CRAWL_DISALLOWED,
    CCSIG_SUMMARY_CRAWL_UNKNOWN,
    CCSIG_SUMMARY_CRAWL_COUNT
};
#define CCSIG_SUMMARY_ROBOTS_COUNT 4  /* indexed by ccsig_robots_status */
#define CCSIG_SUMMARY_RESULT_COUNT 4  /* indexed by ccsig_result */
#define CCSIG_SUMMARY_STATUS_MAX 1000 /* HTTP status codes counted one by one */

struct ccsig_shard; /* ccsig/shard.h */

typedef struct ccsig_summary {
    uint64_t archives, archives_unreadable;
    uint64_t bytes_archive, bytes_decompressed, bytes_payload;
    uint64_t records, types[CCSIG_WARC_TYPE_COUNT];
    uint64_t scanned, skipped;
    uint64_t revisits_resolved, revisits_unresolved;
    uint64_t robots[CCSIG_SUMMARY_ROBOTS_COUNT];
    uint64_t crawl[CCSIG_SUMMARY_CRAWL_COUNT];
    uint64_t cats[CCSIG_CAT_COUNT][3];
    uint64_t signals[CCSIG_SIGNAL_COUNT];
    uint64_t results[CCSIG_SUMMARY_RESULT_COUNT];
    uint64_t status[CCSIG_SUMMARY_STATUS_MAX];
    uint64_t status_none;
    uint64_t used_records, used_bytes;
    /* records usable by their decision but not used for their status
     * class (index: the class bit, CCSIG_STATUS_CLASS_*) */
    uint64_t status_excluded[CCSIG_STATUS_CLASS_COUNT];
    /* resolved revisits not counted as used because their original was:
     * one capture counts once */
    uint64_t revisits_of_used;
    uint64_t kept_records, kept_bytes;
    uint64_t content_usage_invalid;
    /* read through an index (scan --index / --wat): records read, and those
     * whose needed part passed the indexed read's bound (ccsig/index.h) */
    uint64_t indexed_records, bound_reached;
    uint64_t errors_total;
    ccsig_summary_error *errors;
    size_t nerrors, caperrors;
    bool failed; /* an allocation failed: some damage reports were dropped */
    /* the unreadable archives by name (offset 0, what: why), the first
     * CCSIG_SUMMARY_MAX_ERRORS in byte order of (name, what) */
    ccsig_summary_error *unreadable;
    size_t nunreadable, capunreadable;
    /* Not merged: what one document says about where its counts come from.
     * shard: the shard a `scan --shard` run was (borrowed; written as
     * "shard"). shards_missing: a merge of shards allowed to miss some
     * (owned; written as "shards" with shards_count and shards_list). */
    const struct ccsig_shard *shard;
    uint64_t shards_count;
    char shards_list[32];
    uint64_t *shards_missing;
    size_t nshards_missing;
} ccsig_summary;

void ccsig_summary_init(ccsig_summary *s);
void ccsig_summary_free(ccsig_summary *s);
/* Add a damage report (copies the strings). Keeps at most
 * 2 x CCSIG_SUMMARY_MAX_ERRORS before pruning to the smallest
 * CCSIG_SUMMARY_MAX_ERRORS. */
void ccsig_summary_add_error(ccsig_summary *s, const char *archive, uint64_t offset,
                             const char *what);
/* An archive that could not be read (copies the strings; counted in
 * archives_unreadable by the caller). */
void ccsig_summary_add_unreadable(ccsig_summary *s, const char *archive, const char *what);
/* dst += src (src is left as it was). */
void ccsig_summary_merge(ccsig_summary *dst, const ccsig_summary *src);
/* Append the summary as JSON ("type": "ccsig-scan-summary", two-space
 * indent, a final newline) to b. decisions is null when the profile asks no
 * use. Prunes the damage list to its first CCSIG_SUMMARY_MAX_ERRORS. Returns
 * CCSIG_ERR_NOMEM (b may hold part of it) when memory runs out. */
ccsig_status ccsig_summary_write_json(ccsig_buf *b, ccsig_summary *s,
                                      const ccsig_scan_profile *prof);
/* Append the summary for people (what `ccsig scan --summary` prints). */
void ccsig_summary_write_text(ccsig_buf *b, ccsig_summary *s, const ccsig_scan_profile *prof);

#ifdef __cplusplus
}
#endif
#endif
