/*
 * ccsig/report.h — the annotation record schema: how verdicts and decisions
 * are shown, shared by explain, check, inspect, scan and the gateway so the
 * JSON field names and the plain-words text are the same everywhere
 * (documented in docs/ccsig-explain.1 and docs/ccsig-scan.1).
 *
 * Every writer appends to a ccsig_buf the caller owns (an allocation
 * failure marks the buffer failed, see ccsig/buf.h); none prints. All
 * functions are pure and thread-safe.
 */
#ifndef CCSIG_REPORT_H
#define CCSIG_REPORT_H

#include "ccsig/buf.h"
#include "ccsig/pref.h"

#ifdef __cplusplus
extern "C" {
#endif

/* jansson's json_t (the library links jansson); declared here so this
 * header does not need <jansson.h>. */
struct json_t;

/* "not allowed, unless you give credit (CC signal cc-cr)". */
void ccsig_report_state_phrase(ccsig_buf *b, const ccsig_verdict_entry *e);
/* "give credit and contribute to the ecosystem". */
void ccsig_report_obligations_phrase(ccsig_buf *b, unsigned conditions);

/* jansson trees of the same shapes as the writers below (new references
 * the caller owns and releases with json_decref; NULL when out of memory). */
struct json_t *ccsig_report_conditions_json(unsigned conditions);
struct json_t *ccsig_report_signals_json(unsigned signals);
/* {"<category>": {"state","exceptions","conditions","via","source","label",
 * "draft","legacy","current_reading"}} for all five categories: label is the
 * label (or other mechanism's term) that answered, draft the aipref draft
 * whose meaning applied (null for other mechanisms), legacy true when a
 * legacy label's meaning answered, and current_reading {"state",
 * "conditions"} what the current (-08) reader sees (under the current
 * reading the member is default_reading: what the default reading sees). */
struct json_t *ccsig_report_categories_json(const ccsig_verdict *v);
/* {"use","result","obligations","missing","exclusion","reading","legacy",
 * "current_reading"} (under the current reading the last is
 * "default_reading": the other reading's result), or JSON null when the
 * profile asks no use. */
struct json_t *ccsig_report_decision_json(const ccsig_decision *d);

/* One line per category that is not unknown (or on which the two readings
 * disagree), each starting with indent and ending with '\n': the state,
 * then which label answered under which draft (ccsig_report_answer_phrase).
 * source_names (may be NULL) names the statement that decided each line. */
void ccsig_report_categories_text(ccsig_buf *b, const ccsig_verdict *v, const char *indent,
                                  const char *const *source_names);
/* " (legacy label train-genai, read as in draft-ietf-aipref-vocab-02; a
 * current (-08) reader sees: no preference)": which label answered category c
 * of v, under which draft, and what the other reading sees when it differs. */
void ccsig_report_answer_phrase(ccsig_buf *b, const ccsig_verdict *v, ccsig_category c);
/* "Decision for AI training: permitted with obligations: give credit" and
 * '\n'; nothing when the decision asks no use. */
void ccsig_report_decision_text(ccsig_buf *b, const ccsig_decision *d, const char *indent);

/* Direct JSON writers (no jansson tree): the one definition of the shapes
 * that check, scan and inspect print. ccsig_report_*_json above are built
 * from these, so text and fast paths can never disagree. */
void ccsig_report_write_categories(ccsig_buf *b, const ccsig_verdict *v);
/* null when no use; a decision made because the agent may not crawl the URL
 * (crawl_disallowed) adds "reason":"crawl-disallowed" and "rule" (the
 * robots.txt line and text, or null). */
void ccsig_report_write_decision(ccsig_buf *b, const ccsig_decision *d);
/* ["credit","open"]: the names of the condition bits, in bit order. */
void ccsig_report_write_conditions(ccsig_buf *b, unsigned conditions);
/* One source: {"kind","line","text","origin"} (line null when 0), and
 * "scope":{"group_line","agents"} for a robots.txt Content-Signal line
 * scoped to its group (ccsig_provenance scope_line, scope). */
void ccsig_report_write_source(ccsig_buf *b, const ccsig_provenance *p);
/* The common head of a per-URL record, without the closing brace:
 * {"url","agent","crawl","crawl_rule","categories","decision","sources".
 * crawl is "allowed", "disallowed" or "unknown" (no robots.txt known);
 * crawl_rule may be NULL (JSON null). Callers append extra fields and '}'. */
void ccsig_report_write_record_head(ccsig_buf *b, ccsig_str url, ccsig_str agent, const char *crawl,
                                    const ccsig_provenance *crawl_rule, const ccsig_verdict *v,
                                    const ccsig_decision *d, const ccsig_statement *sts, size_t n);

#ifdef __cplusplus
}
#endif
#endif
