/*
 * report.h — how verdicts and decisions are shown, shared by explain, check,
 * inspect and scan so the JSON field names and the plain-words text are the
 * same everywhere (documented in docs/ccsig-explain.1).
 */
#ifndef CCSIG_REPORT_H
#define CCSIG_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "ccsig/buf.h"
#include "ccsig/pref.h"

/* "not allowed, unless you give credit (CC signal cc-cr)". */
void report_state_phrase(ccsig_buf *b, const ccsig_verdict_entry *e);
/* "give credit and contribute to the ecosystem". */
void report_obligations_phrase(ccsig_buf *b, unsigned conditions);

json_t *report_conditions_json(unsigned conditions);
json_t *report_signals_json(unsigned signals);
/* {"<category>": {"state","exceptions","conditions","via","source"}} for all
 * five categories. */
json_t *report_categories_json(const ccsig_verdict *v);
/* {"use","result","obligations","missing","exclusion"}, or JSON null when the
 * profile asks no use. */
json_t *report_decision_json(const ccsig_decision *d);

/* One line per category that is not unknown; indent prefixes each line.
 * sources (may be NULL) names the statement that decided each line. */
void report_categories_text(FILE *f, const ccsig_verdict *v, const char *indent,
                            const char *const *source_names);
/* "Decision for AI training: permitted with obligations: give credit". */
void report_decision_text(FILE *f, const ccsig_decision *d, const char *indent);

/* Direct JSON writers (no jansson tree): the one definition of the shapes
 * that check, scan and inspect print. report_*_json above are built from
 * these, so text and fast paths can never disagree. */
void report_write_categories(ccsig_buf *b, const ccsig_verdict *v);
void report_write_decision(ccsig_buf *b, const ccsig_decision *d); /* null when no use */
/* One source: {"kind","line","text","origin"} (line null when 0). */
void report_write_source(ccsig_buf *b, const ccsig_provenance *p);
/* The common head of a per-URL record, without the closing brace:
 * {"url","agent","crawl","crawl_rule","categories","decision","sources".
 * crawl is "allowed", "disallowed" or "unknown" (no robots.txt known);
 * crawl_rule may be NULL (JSON null). Callers append extra fields and '}'. */
void report_write_record_head(ccsig_buf *b, ccsig_str url, ccsig_str agent, const char *crawl,
                              const ccsig_provenance *crawl_rule, const ccsig_verdict *v,
                              const ccsig_decision *d, const ccsig_statement *sts, size_t n);

#endif
