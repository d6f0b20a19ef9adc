/*
 * scan_internal.h — what the modules of lib/scan/ share and the public API
 * does not show: the jansson helpers of the summary and credit documents.
 */
#ifndef CCSIG_SCAN_INTERNAL_H
#define CCSIG_SCAN_INTERNAL_H

#include <jansson.h>

#include "ccsig/credit.h"
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

#endif
