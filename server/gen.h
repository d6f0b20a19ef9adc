/*
 * gen.h — everything the gateway publishes about its policy: the
 * Content-Usage expression and headers of each rule, robots.txt,
 * /.well-known/tdmrep.json and the human-readable declaration page.
 *
 * This is the gateway's one interface to the declare module (ccsig/declare.h):
 * each category a rule states is one declaration (use, state, signal, the
 * rule's path, the party, the copyright status, the declaration's URL), and
 * every published form comes from declare's generators for those
 * declarations: the expressions, the robots.txt Content-Usage lines, the
 * TDMRep values and the full human-readable declarations. The Content-Usage
 * header repeats one field line per declaration, which HTTP combines into
 * the rule's dictionary (RFC 9110 §5.3). So the header, robots.txt,
 * tdmrep.json, the declaration page and `ccsig declare` can never disagree.
 * The functions fill caller-owned buffers and fail only for allocation
 * (ccsig_buf_failed says so).
 */
#ifndef CCSIG_SERVE_GEN_H
#define CCSIG_SERVE_GEN_H

#include "ccsig/buf.h"
#include "ccsig/declare.h"
#include "policy.h"

/* The declaration of category c of rule r (which must state c). The
 * strings point into p and r; policy_url may be NULL. */
void gen_declaration(const policy *p, const policy_rule *r, ccsig_category c,
                     const char *policy_url, ccsig_declaration *d);

/* Fill r->cat_expr (declare's expression for each stated category) and
 * r->expression (them joined with ", ", categories in the stable order
 * automated-processing, train-ai, train-genai, ai-use, search). Returns -1
 * with err filled when declare refuses a declaration (its message). */
int gen_rule_expressions(const policy *p, policy_rule *r, char *err, size_t errlen);

/* The TDMRep values of a rule, from ccsig_declare_peer_values: TDM is
 * automated processing (shared/specs/peer-signals.md §2), so only that
 * category gives a value: 1 when it is denied, 0 when allowed, -1 (nothing
 * written) when the rule does not state it. A narrower category (train-ai,
 * ...) has no TDMRep equivalent and writes nothing rather than something
 * broader. *with_policy is set when declare writes tdm-policy (a
 * reservation lifted by a CC signal). */
int gen_tdm_reservation(const policy *p, const policy_rule *r, int *with_policy);

/* robots.txt: one "User-Agent: *" group with a Content-Usage rule per policy
 * rule, Disallow for the bulk and steward endpoints, Allow: /. */
void gen_robots_txt(const policy *p, ccsig_buf *out);

/* /.well-known/tdmrep.json: one object per rule, most specific first (the
 * TDMRep "first match" order), tdm-policy pointing at the declaration. */
void gen_tdmrep_json(const policy *p, ccsig_buf *out);

/* The declaration page's body (HTML, escaped): who declares, for which
 * paths, what each category allows, the terms of each CC signal used, the
 * public-interest exclusions, how to register, and, for each rule, the full
 * declarations as declare writes them. */
void gen_declaration_html(const policy *p, ccsig_buf *out);

/* "10 requests a second (bursts of 50), at most 5000 a day" (a minute or
 * an hour for slow rates). */
void gen_rate_phrase(ccsig_buf *out, const tier *t);

/* The declaration's URL (public_url + "/declaration"). */
void gen_declaration_url(const policy *p, ccsig_buf *out);

#endif
