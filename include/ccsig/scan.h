/*
 * ccsig/scan.h — what one archived HTTP response says about its own use:
 * the per-record step of `ccsig scan`.
 *
 * A scanner is a context object created once per thread. For each WARC
 * response or revisit record it evaluates the record's block with
 * ccsig_evaluate_response (ccsig/evaluate.h: the same readers, the same
 * HTML / image rule and the same combining as `ccsig check --response` and
 * `ccsig inspect`), with the statements and crawl rule the caller found in
 * the site's robots.txt, and decides for the reuser profile. Everything per record lives in the
 * scanner's arena, reset at the next record: the steady state allocates nothing.
 *
 * Repeated Content-Usage field lines are one field: RFC 9651 §4.2 requires a
 * structured field's lines to be joined with ", " (RFC 9110 §5.3) before
 * parsing, so two lines "train-ai=n" and "search=y" say what
 * "train-ai=n, search=y" says, a key given twice takes its last value, and an
 * invalid line makes the whole field invalid (every category unknown), as
 * for any Dictionary. The statement's provenance text is the joined value.
 */
#ifndef CCSIG_SCAN_H
#define CCSIG_SCAN_H

#include "ccsig/arena.h"
#include "ccsig/common.h"
#include "ccsig/evaluate.h"
#include "ccsig/httpmsg.h"
#include "ccsig/pref.h"
#include "ccsig/robots.h"
#include "ccsig/url.h"
#include "ccsig/warc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Statements kept per record: a robots.txt group can carry several
 * Content-Usage rules for one path, plus one per page mechanism. */
#define CCSIG_SCAN_MAX_STATEMENTS 16

/* What the caller's robots.txt store says for the record's URL: the one
 * type of ccsig/evaluate.h. */
typedef ccsig_eval_robots ccsig_scan_robots;

typedef struct ccsig_scan_config {
    ccsig_profile profile; /* use CCSIG_CAT_NONE: no decision */
    ccsig_str agent;       /* the crawler asking ("ExampleBot/2.0"; "*" or empty: any);
                              readers keep only signals addressed to it or to all.
                              Borrowed: must outlive the scanner */
} ccsig_scan_config;

typedef struct ccsig_scanner ccsig_scanner;

typedef struct ccsig_scan_result {
    ccsig_warc_type type;
    ccsig_str url; /* WARC-Target-URI */
    ccsig_url parts;
    bool url_ok;                /* parts is valid */
    const ccsig_http_msg *http; /* the parsed header block (owned by the scanner) */
    int status;                 /* HTTP status, -1 when none */
    const char *payload;        /* held payload bytes (after the HTTP header block) */
    size_t payload_held;
    uint64_t payload_len; /* payload bytes of the record (block minus HTTP header) */
    ccsig_statement *sts; /* n of cap, owned by the scanner (see ccsig_scan_record) */
    size_t n;             /* statements: robots ones first, then the page's */
    size_t cap;           /* CCSIG_SCAN_MAX_STATEMENTS */
    size_t n_robots;      /* how many came from robots.txt */
    size_t dropped;       /* statements past cap */
    bool header_invalid;  /* a Content-Usage header that is not a valid Dictionary */
    ccsig_robots_status robots;
    ccsig_state crawl;
    const ccsig_provenance *crawl_rule;
    ccsig_verdict verdict;
    ccsig_decision decision;
} ccsig_scan_result;

/* Create a scanner (one per thread). NULL when out of memory. */
ccsig_scanner *ccsig_scanner_new(const ccsig_scan_config *cfg);
void ccsig_scanner_free(ccsig_scanner *s);

/* Scan one record (response or revisit; other types give a result with no
 * statements). robots may be NULL (nothing known). *res is the caller's (a
 * small value); it points into the record, the robots answer and storage the
 * scanner owns (res->sts, res->http and the scanner's arena, allocated once
 * by ccsig_scanner_new and reused), so it is valid until the next call of
 * ccsig_scan_record on this scanner or ccsig_scanner_free: two results of one
 * scanner share that storage. Allocates nothing from the heap once the
 * scanner's arena has grown to the largest record. Returns CCSIG_ERR_NOMEM
 * when the arena fails (then res is incomplete and holds no decision). */
ccsig_status ccsig_scan_record(ccsig_scanner *s, const ccsig_warc_record *rec,
                               const ccsig_scan_robots *robots, ccsig_scan_result *res);

/* Add statements about the same content from elsewhere (a revisit's
 * original record) and decide again. Statements past the limit are counted
 * in res->dropped. */
void ccsig_scan_add(ccsig_scanner *s, ccsig_scan_result *res, const ccsig_statement *sts, size_t n);

/* Bytes ccsig_statements_copy needs for n statements. */
size_t ccsig_statements_copy_size(const ccsig_statement *sts, size_t n);
/* Deep-copy n statements into dst, their label and provenance text into buf
 * (of ccsig_statements_copy_size bytes), so they outlive their source. */
void ccsig_statements_copy(ccsig_statement *dst, const ccsig_statement *sts, size_t n, char *buf);

#ifdef __cplusplus
}
#endif
#endif
