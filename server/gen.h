/*
 * gen.h — everything the gateway publishes about its policy: the
 * Content-Usage expression and headers of each rule, robots.txt,
 * /.well-known/tdmrep.json and the human-readable declaration page.
 *
 * This is the gateway's one internal interface to the declare generators:
 * every published form is produced here from the same policy structure, so
 * they can never disagree. The functions fill caller-owned buffers and never
 * fail except for allocation (ccsig_buf_failed says so).
 */
#ifndef CCSIG_SERVE_GEN_H
#define CCSIG_SERVE_GEN_H

#include "ccsig/buf.h"
#include "policy.h"

/* The Content-Usage expression of one rule, categories in the stable order
 * (automated-processing, train-ai, train-genai, ai-use, search), e.g.
 * "train-ai=n;exceptions=cc-cr, search=y". */
void gen_expression(const rule_pref cat[CCSIG_CAT_COUNT], ccsig_buf *out);

/* The TDMRep values of a rule, as the declare module maps them: TDM is
 * automated processing (shared/specs/peer-signals.md §2), so only that
 * category gives a value: 1 when it is denied, 0 when allowed, -1 (nothing
 * written) when the rule does not state it. A narrower category (train-ai,
 * ...) has no TDMRep equivalent and writes nothing rather than something
 * broader. *with_policy is set when the reservation is lifted by a CC
 * signal, the only case where tdm-policy (the declaration) is written. */
int gen_tdm_reservation(const policy_rule *r, int *with_policy);

/* robots.txt: one "User-Agent: *" group with a Content-Usage rule per policy
 * rule, Disallow for the bulk and steward endpoints, Allow: /. */
void gen_robots_txt(const policy *p, ccsig_buf *out);

/* /.well-known/tdmrep.json: one object per rule, most specific first (the
 * TDMRep "first match" order), tdm-policy pointing at the declaration. */
void gen_tdmrep_json(const policy *p, ccsig_buf *out);

/* The declaration page's body (HTML, escaped): who declares, for which
 * paths, what each category allows, the terms of each CC signal used, the
 * public-interest exclusions and how to register. */
void gen_declaration_html(const policy *p, ccsig_buf *out);

/* "10 requests a second (bursts of 50), at most 5000 a day" (a minute or
 * an hour for slow rates). */
void gen_rate_phrase(ccsig_buf *out, const tier *t);

/* The declaration's URL (public_url + "/declaration"). */
void gen_declaration_url(const policy *p, ccsig_buf *out);

#endif
