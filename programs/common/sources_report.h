/*
 * sources_report.h — how the readers' findings are shown by inspect and
 * live check (and scan when it wants them): the links and notes of a
 * collector as JSON fields and as text, with the same provenance shape as
 * ccsig_report_write_source. Documented in docs/ccsig-inspect.1 and
 * docs/ccsig-check.1 ("JSON OUTPUT").
 */
#ifndef CCSIG_SOURCES_REPORT_H
#define CCSIG_SOURCES_REPORT_H

#include <stdio.h>

#include "ccsig/buf.h"
#include "ccsig/sources.h"

/* ,"links":[{"kind","url","type","source":{...}}],"notes":[{"message","source":{...}}]
 * (with the leading comma, to append after ccsig_report_write_record_head). */
void sources_write_links_notes(ccsig_buf *b, const ccsig_collect *c);

/* Text: one line per source ("  source 1: xmp, photo.jpg: plus:DataMining=..."),
 * then links and notes, each prefixed by indent. */
void sources_print_text(FILE *f, const ccsig_collect *c, const ccsig_statement *sts, size_t n,
                        const char *indent);

/* "source N" names for ccsig_report_categories_text (static storage, n <= 64). */
const char *const *sources_names(size_t n);

#endif
