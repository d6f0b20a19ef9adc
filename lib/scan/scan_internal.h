/*
 * scan_internal.h — what the modules of lib/scan/ share and the public API
 * does not show: the jansson helpers of the summary and credit documents.
 */
#ifndef CCSIG_SCAN_INTERNAL_H
#define CCSIG_SCAN_INTERNAL_H

#include <jansson.h>

#include "ccsig/credit.h"
#include "ccsig/evaluate.h"
#include "ccsig/robots.h"
#include "ccsig/shard.h"
#include "ccsig/summary.h"

/* {"agent","use","commit","purpose"} (a new reference; NULL when out of memory). */
json_t *scan_profile_json_new(const ccsig_scan_profile *p);
bool scan_profile_from_json(json_t *j, ccsig_scan_profile *p);
json_t *scan_u64_json(uint64_t v);
/* o[key] as a non-negative integer; false when missing or not one. */
bool scan_get_u64(json_t *o, const char *key, uint64_t *out);
/* "812 bytes", "3.3 kB", "1.2 MB", "4.00 GB". */
void scan_human_bytes(char *buf, size_t n, uint64_t b);
/* Read documents already parsed (the "type" is checked again); false and a
 * message in msg[0..n) when j is not one. */
bool scan_summary_from_json(json_t *j, ccsig_summary *s, ccsig_scan_profile *prof, char *msg,
                            size_t n);
bool scan_credit_from_json(json_t *j, ccsig_credit_map *m, ccsig_scan_profile *prof, char *msg,
                           size_t n);

/* The "categories" objects a scan worker wrote last, by what they are made
 * of: records of one site (or with no statement at all) mostly have the same
 * verdict, and copying its JSON costs a tenth of writing it again. One per
 * thread; zero-initialised; it allocates nothing. */
#define SCAN_CAT_MEMO_SLOTS 16
#define SCAN_CAT_MEMO_KEY 320   /* verdicts whose key is longer are written directly */
#define SCAN_CAT_MEMO_JSON 2048 /* longer objects are not remembered */
typedef struct scan_categories_slot {
    size_t key_len; /* 0: empty slot */
    size_t json_len;
    unsigned char key[SCAN_CAT_MEMO_KEY];
    char json[SCAN_CAT_MEMO_JSON];
} scan_categories_slot;
typedef struct scan_categories_memo {
    scan_categories_slot slot[SCAN_CAT_MEMO_SLOTS];
} scan_categories_memo;

/* ccsig_report_write_categories(b, v), byte for byte, through the memo m
 * (NULL: written directly). */
void scan_write_categories(ccsig_buf *b, const ccsig_verdict *v, scan_categories_memo *m);
/* ccsig_report_write_record_head with the categories through m. */
void scan_write_record_head(ccsig_buf *b, ccsig_str url, ccsig_str agent, const char *crawl,
                            const ccsig_provenance *crawl_rule, const ccsig_verdict *v,
                            const ccsig_decision *d, const ccsig_statement *sts, size_t n,
                            scan_categories_memo *m);

/* What the summary and the credit manifest count of one decided response
 * or revisit (borrowed views). */
typedef struct scan_counted {
    ccsig_str url, date;
    int status; /* -1: none */
    uint64_t payload_len;
    ccsig_robots_status robots;
    ccsig_state crawl;
    bool header_invalid;
    const ccsig_statement *sts;
    size_t n;
    const ccsig_verdict *verdict;
    const ccsig_decision *decision;
    int class_status;    /* the status whose class --status tests (a resolved
                            revisit's original's), -1: none */
    unsigned status_set; /* the --status set (CCSIG_STATUS_CLASS_*), 0: the default */
    bool of_used;        /* a resolved revisit whose original was already used */
} scan_counted;

/* Count c into S and credit (the one place a record is counted: the scan
 * session and the merge of shards both call it). Returns whether the
 * record is used; *nomem is set when the credit source line was lost. */
bool scan_count(ccsig_summary *S, ccsig_credit_map *credit, const ccsig_profile *p,
                bool keep_unknown, const scan_counted *c, bool *nomem);

/* ---- shards (shard.c) ---- */

/* A response remembered as a revisit original, in the shard's record of
 * what the merge needs: list index of its archive, offset, keys (NULL when
 * none or too long to remember), payload length, HTTP status (-1: none),
 * whether it was used, page statements. */
void scan_shard_add_original(ccsig_shard *sh, uint64_t ar, uint64_t offset, ccsig_str digest,
                             ccsig_str record_id, uint64_t payload_len, int status, bool used,
                             const ccsig_statement *sts, size_t n);
/* A revisit left for the merge: everything its count and its annotation
 * line need, with its own statements only (robots.txt's first), its
 * robots.txt rule (NULL: none) and the place of its line in the plain
 * annotation stream (UINT64_MAX: no annotation). Returns 1 + its index in
 * the record (0: memory ran out; the record is marked failed). */
size_t scan_shard_add_revisit(ccsig_shard *sh, uint64_t ar, uint64_t offset, ccsig_str digest,
                              ccsig_str refers_to, ccsig_str record_id,
                              const ccsig_provenance *rule, uint64_t line, const scan_counted *c);
/* A record written to the keep file for open revisit rev (its index) only:
 * the bytes [offset, offset + len) of the file, which the merge drops when
 * the revisit is not kept. */
void scan_shard_add_provisional(ccsig_shard *sh, size_t rev, uint64_t offset, uint64_t len);
/* The plain annotation bytes and keep-file bytes of the archive at list
 * index ar. */
void scan_shard_archive_outputs(ccsig_shard *sh, uint64_t ar, uint64_t annot_bytes,
                                uint64_t keep_bytes);
/* The annotation and keep files the shard wrote (when it wrote them):
 * their sizes and FNV-1a 64 digests. */
void scan_shard_outputs(ccsig_shard *sh, bool annotated, uint64_t annot_size, uint64_t annot_digest,
                        bool kept, uint64_t keep_size, uint64_t keep_digest);

/* An open revisit as the merge decides it and writes its annotation line
 * (borrowed views; *_json: archive names as JSON strings, quotes included). */
typedef struct scan_revisit {
    ccsig_str url, date, record_id, digest, refers_to;
    const char *archive_json;
    uint64_t offset, payload_len;
    int status; /* -1: none */
    ccsig_robots_status robots;
    ccsig_state crawl;
    const ccsig_provenance *rule; /* NULL: none */
    const ccsig_statement *sts;   /* its own (robots.txt's first) */
    size_t n;
    bool resolved; /* the original, when resolved: */
    ccsig_str orig_record_id;
    const char *orig_json;
    uint64_t orig_offset, orig_payload_len;
    int orig_status;
    const ccsig_statement *orig_sts;
    size_t orig_n;
} scan_revisit;
/* Decide r for p as one run decides a revisit (session.c, the one place):
 * sts (room for CCSIG_SCAN_MAX_STATEMENTS) gets its statements and its
 * original's; returns their count. */
size_t scan_revisit_decide(const scan_revisit *r, const ccsig_profile *p, ccsig_statement *sts,
                           ccsig_verdict *verdict, ccsig_decision *decision);
/* Append r's annotation line, decided so, to b with the scan's own line
 * writer; false when memory runs out. */
bool scan_revisit_line(ccsig_buf *b, ccsig_str agent, const scan_revisit *r,
                       const ccsig_statement *sts, size_t n, const ccsig_verdict *verdict,
                       const ccsig_decision *decision);
/* The "shard" object of a document (a new reference; NULL when out of memory). */
json_t *scan_shard_json_new(const ccsig_shard *sh);
/* Append the document doc (two-space indent, a final newline) to b, with
 * sh (when not NULL) as its last member "shard", written on one line
 * (compact: a shard's record holds an entry per response). NOMEM when
 * memory runs out (b may hold part of it). */
ccsig_status scan_doc_write(ccsig_buf *b, json_t *doc, const ccsig_shard *sh);
/* Read a parsed scan output (summary or credit manifest, by its "type")
 * and add it to sum or credit: ccsig_scan_output_read without the parsing;
 * the message of a failure goes to msg[0..n). */
ccsig_status scan_output_from_json(json_t *j, ccsig_summary *sum, ccsig_credit_map *credit,
                                   ccsig_scan_profile *prof, ccsig_scan_output_type *type,
                                   char *msg, size_t n);
/* Parse p[0..len) as JSON (NUL allowed in strings); NULL with err set
 * (CCSIG_ERR_SYNTAX, line, column) when it is not. */
json_t *scan_json_load(const char *p, size_t len, ccsig_error *err);
/* Longest revisit key remembered (bytes, without the NUL). */
#define SCAN_RV_KEY_MAX 95

#endif
