/*
 * ccsig/robots.h — robots.txt (RFC 9309) with the aipref Content-Usage rule,
 * Cloudflare Content-Signal lines and RSL License lines; parse once, match
 * many; lint.
 *
 * Compile a robots.txt once into an immutable matcher (ccsig_robots_compile),
 * then ask it, for any number of (agent, URL) pairs, whether the URL may be
 * crawled and which statements of preference apply. A query allocates
 * nothing and writes only into the answer the caller provides, so one const
 * matcher can be queried from many threads at once.
 *
 * Parsing follows RFC 9309 and, where the RFC leaves a choice open, Google's
 * open-source parser (github google/robotstxt): BOM prefix skipped, CR, LF
 * and CRLF line ends, '#' comments, keys matched case-insensitively by
 * prefix with Google's typo list (`disalow`, `useragent`, ...), a missing
 * colon accepted when the line has exactly two words, lines cut at 16663
 * bytes, a user-agent line after a rule starting a new group, user-agent
 * values read as their leading product-token run, `*` followed by anything
 * as the global group, the longest match deciding with allow winning a tie,
 * empty patterns matching with priority 0, an allow of `.../index.htm*`
 * also allowing `.../$`. Deliberate differences (README
 * "robots.txt"): percent-encoded unreserved characters are decoded in paths
 * and patterns as RFC 9309 §2.2.2 says, the bytes RFC 3986 excludes from
 * URIs (" < > \\ ^ ` { | }) are percent-encoded on both sides like space
 * and non-ASCII (Google encodes only non-ASCII, in patterns), `*` and `$`
 * in a URL path are compared as %2A and %24 (RFC 9309 §2.2.3), product
 * tokens keep digits ("AI2Bot" is not read as "AI"), /robots.txt is always
 * allowed, and content past 500 KiB is ignored. Groups are read as Google
 * reads them: only an Allow or Disallow line ends a run of user-agent lines,
 * so a Crawl-delay, Sitemap, Content-Usage, Content-Signal or unknown line
 * between two User-agent lines leaves one group (ccsig lint warns,
 * "group-joined").
 *
 * Preferences (draft-ietf-aipref-attach, ../shared/specs/peer-signals.md):
 * - `Content-Usage: [path ]expression` in a group. Of the rules of the
 *   agent's groups whose path matches, those with the longest path apply; when
 *   several have that length (identical paths) each is a statement and they
 *   combine by the vocabulary's restrictive rule.
 * - `Content-Signal: [path ]search=yes, ai-input=no, ai-train=no` (also the
 *   plural `Content-Signals`): mapped to search, ai-use and train-ai, chosen
 *   by the same longest-path rule, separately from Content-Usage. Lines
 *   before the first group apply to every agent.
 * - `License: URL` (RSL): global, recorded with its URL and line.
 * No preference applies to a path the agent may not crawl.
 *
 * Memory: the matcher owns a copy of the input; every slice an answer holds
 * (rule text, statement provenance and labels, licence URLs) points into the
 * matcher and lives until ccsig_robots_free.
 */
#ifndef CCSIG_ROBOTS_H
#define CCSIG_ROBOTS_H

#include "ccsig/arena.h"
#include "ccsig/common.h"
#include "ccsig/pref.h"

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 9309 §2.5: crawlers MUST parse at least the first 500 KiB; ccsig parses
 * exactly that much. Content past it is ignored (only whole lines that end
 * before the limit are read) and the matcher records where it stopped. */
#define CCSIG_ROBOTS_MAX_SIZE (500u * 1024u)

/* Google's parser keeps at most 2083 * 8 - 1 bytes of a line (eight times the
 * longest URL some browsers accept); the rest of a longer line is ignored. */
#define CCSIG_ROBOTS_MAX_LINE (2083u * 8u - 1u)

/* Longest normalised URL path a query matches against; a longer path is cut
 * there (answer->path_truncated says so). Paths this long are not seen in
 * practice: browsers and crawlers stop near 2 KiB. */
#define CCSIG_ROBOTS_PATH_MAX 8192u

/* Statements one answer can hold. More rules than this tying for the longest
 * path are folded restrictively into the last statement (answer->folded). */
#define CCSIG_ROBOTS_MAX_STATEMENTS 8

typedef struct ccsig_robots ccsig_robots;

/* What is known of a site's robots.txt: the status classes of RFC 9309
 * §2.3.1, for every reader of robots.txt (the scan's capture store, the live
 * fetcher). */
typedef enum ccsig_robots_status {
    CCSIG_ROBOTS_NONE = 0,    /* nothing known (not fetched, no capture) */
    CCSIG_ROBOTS_FOUND,       /* §2.3.1.1 successful access (2xx): the file applies */
    CCSIG_ROBOTS_UNAVAILABLE, /* §2.3.1.3 (4xx), or §2.3.1.2 redirects not followed to
                                 an answer: crawling allowed */
    CCSIG_ROBOTS_UNREACHABLE  /* §2.3.1.4 (5xx, no answer): complete disallow */
} ccsig_robots_status;

/* "none", "found", "unavailable", "unreachable" (static strings). */
const char *ccsig_robots_status_name(ccsig_robots_status s);

/* The class of the final HTTP status of a robots.txt request (after the
 * redirects the caller followed): 2xx FOUND; 3xx (a redirect not followed
 * further: too many hops, no usable Location) and 4xx UNAVAILABLE; anything
 * else, including 0 for no answer, UNREACHABLE. Thread-safe. */
ccsig_robots_status ccsig_robots_status_of_http(long status);

/* A line of the robots.txt: 1-based number (0 = none) and its text without
 * the line end, the comment and surrounding whitespace. */
typedef struct ccsig_robots_line {
    unsigned line;
    ccsig_str text;
} ccsig_robots_line;

/* An RSL `License:` line. */
typedef struct ccsig_robots_license {
    unsigned line;
    ccsig_str url; /* the value as written */
} ccsig_robots_license;

/* What the whole file holds, for reports and lint. */
typedef struct ccsig_robots_info {
    size_t size;                 /* bytes given to compile */
    size_t used;                 /* bytes read (<= CCSIG_ROBOTS_MAX_SIZE) */
    bool truncated;              /* content past CCSIG_ROBOTS_MAX_SIZE was ignored */
    unsigned first_ignored_line; /* first line not read when truncated */
    unsigned lines;              /* lines read */
    bool bom;                    /* a UTF-8 BOM (or a prefix of one) was skipped */
    unsigned groups;             /* RFC 9309 groups */
    unsigned access_rules;       /* allow and disallow rules in groups */
    unsigned usage_rules;        /* Content-Usage rules in groups */
    unsigned signal_rules;       /* Content-Signal lines (in groups or global) */
    unsigned licenses;           /* License lines */
} ccsig_robots_info;

/* Why a URL may or may not be crawled. */
typedef enum ccsig_robots_reason {
    CCSIG_ROBOTS_BY_RULE = 0, /* an allow or disallow rule matched (answer->rule) */
    CCSIG_ROBOTS_NO_MATCH,    /* the agent's groups have no matching rule: allowed */
    CCSIG_ROBOTS_NO_GROUP,    /* no group for the agent and no `*` group: allowed */
    CCSIG_ROBOTS_ROBOTS_TXT   /* /robots.txt itself, always allowed (RFC 9309 §2.2.2) */
} ccsig_robots_reason;

/* "rule", "no-match", "no-group", "robots-txt". */
const char *ccsig_robots_reason_name(ccsig_robots_reason r);

/* Which directive made a statement. */
typedef enum ccsig_robots_directive {
    CCSIG_ROBOTS_CONTENT_USAGE = 0,
    CCSIG_ROBOTS_CONTENT_SIGNAL
} ccsig_robots_directive;

/* The answer to one query. Made by ccsig_robots_answer_new with room for
 * the statements and the matched path, so that a query allocates nothing;
 * the caller owns it (a thread keeps one and reuses it) and a query
 * overwrites it. */
typedef struct ccsig_robots_answer {
    bool allowed;               /* may the URL be crawled */
    ccsig_robots_reason reason; /* why */
    ccsig_robots_line rule;     /* deciding allow/disallow rule (line 0 when none) */
    ccsig_robots_line group;    /* first line of that rule's group, or of the agent's
                                   first group; line 0 when the agent has none */
    bool specific;              /* the agent has its own group (not `*`) */
    /* Statements of preference that apply (none when !allowed), in file
     * order: Content-Usage first, then Content-Signal. Provenance: kind
     * robots, the rule's line and text, the matcher's origin. */
    const ccsig_statement *st;                  /* nst statements (in the answer) */
    const ccsig_robots_directive *st_directive; /* the directive of each */
    size_t nst;
    unsigned folded;      /* rules folded into st[nst-1] for lack of room */
    unsigned withheld;    /* statements that would apply if the URL could be crawled */
    ccsig_str signal_use; /* Content-Signal `use=` of an applying line, empty if none */
    /* RSL licences of the file (global, all agents). */
    const ccsig_robots_license *licenses;
    size_t nlicenses;
    /* The normalised path that was matched (points into the answer or the URL). */
    ccsig_str path;
    bool path_truncated;
    struct ccsig_robots_answer_store *store; /* internal: room for st and path */
} ccsig_robots_answer;

/* A new answer for ccsig_robots_query and ccsig_robots_check (about 10 KiB:
 * CCSIG_ROBOTS_MAX_STATEMENTS statements and a CCSIG_ROBOTS_PATH_MAX path
 * buffer). NULL when out of memory. Free with ccsig_robots_answer_free. */
ccsig_robots_answer *ccsig_robots_answer_new(void);
void ccsig_robots_answer_free(ccsig_robots_answer *a);

/* The groups that apply to one agent: resolve once, query many times. A plain
 * value; valid for the matcher it came from. */
typedef struct ccsig_robots_agent {
    uint32_t first; /* internal: first entry of the agent's group list */
    uint32_t count; /* internal: number of groups (0: none apply) */
    bool specific;  /* the file names this agent (not only `*`) */
} ccsig_robots_agent;

/* Compile robots.txt bytes p[0..len) into a matcher. origin (may be NULL)
 * names the file or URL in provenance. At most CCSIG_ROBOTS_MAX_SIZE bytes are
 * read; a longer input is not an error (ccsig_robots_get_info says it was
 * cut). Never fails on content: every byte sequence is a robots.txt.
 * Returns CCSIG_OK and *out, or CCSIG_ERR_NOMEM. Free with ccsig_robots_free. */
ccsig_status ccsig_robots_compile(const char *p, size_t len, const char *origin, ccsig_robots **out,
                                  ccsig_error *err);

/* Which records end a run of user-agent lines, so that the next
 * User-agent line starts a new group:
 * - CCSIG_ROBOTS_GROUPS_DEFAULT, CCSIG_ROBOTS_GROUPS_GOOGLE (the same, and
 *   what ccsig_robots_compile does): only Allow and Disallow, as Google's
 *   parser reads it (robots.cc sets its separator in
 *   HandleAllow/HandleDisallow; test ID_LineSyntax_Groups_OtherRules):
 *   Sitemap, Crawl-delay, Content-Usage, Content-Signal and unknown lines
 *   between user-agent lines leave one group, and the rules of that group
 *   (Content-Usage and Content-Signal lines included) apply to all its
 *   agents;
 * - CCSIG_ROBOTS_GROUPS_NAIVE: Allow, Disallow, Sitemap and Crawl-delay, as
 *   some audit code reads it (Consent in Crisis; ccsig audit --reader naive).
 * Only where the groups start differs; a group's rules run to the next
 * group in every mode. */
enum {
    CCSIG_ROBOTS_GROUPS_DEFAULT = 0,
    CCSIG_ROBOTS_GROUPS_GOOGLE = 1,
    CCSIG_ROBOTS_GROUPS_NAIVE = 2
};

typedef struct ccsig_robots_compile_options {
    unsigned groups; /* CCSIG_ROBOTS_GROUPS_* */
} ccsig_robots_compile_options;

/* ccsig_robots_compile with options (NULL: the defaults). */
ccsig_status ccsig_robots_compile_opts(const char *p, size_t len, const char *origin,
                                       const ccsig_robots_compile_options *opt, ccsig_robots **out,
                                       ccsig_error *err);

void ccsig_robots_free(ccsig_robots *r);

const ccsig_robots_info *ccsig_robots_get_info(const ccsig_robots *r);

/* The License lines, in file order. */
const ccsig_robots_license *ccsig_robots_licenses(const ccsig_robots *r, size_t *n);

/* The product token of an agent string: its leading run of [A-Za-z0-9_-]
 * ("ExampleBot/1.1" -> "ExampleBot"), or "*" for "*". Points into ua. This is
 * how a robots.txt `User-agent:` value is read (Google's ExtractUserAgent,
 * which also stops at a non-ASCII byte: "Jävla-Foobot" -> "J"). Pure
 * function; thread-safe. */
ccsig_str ccsig_robots_product_token(const char *ua, size_t len);

/* The token a crawler's own agent string is matched as (the caller's side):
 * ccsig_robots_product_token, except that a token cut short by a non-ASCII
 * byte ("Jätte", "Foo-Bär/1.0") gives the empty token. Such a name is no
 * product token, and Google compares the caller's agent as written, so it
 * names no group: its crawler gets the `*` groups, not those of
 * "User-agent: Jävla-Foobot" (read as "J"). Points into agent; pure function;
 * thread-safe. */
ccsig_str ccsig_robots_agent_token(const char *agent, size_t len);

/* The groups for an agent (a product token or a user-agent string, reduced
 * with ccsig_robots_agent_token; "*" or an empty token asks for the `*`
 * groups): the groups naming it (case-insensitively), else the `*` groups,
 * else none. */
ccsig_robots_agent ccsig_robots_select(const ccsig_robots *r, const char *agent, size_t len);

/* The Crawl-delay (seconds) for an agent: the first valid `Crawl-delay:`
 * line, in file order, of the groups ccsig_robots_select chose (so a bot
 * with its own group does not take the `*` group's delay, and "AI2Bot" is
 * its own product token). Not part of RFC 9309: it is never a rule and never
 * changes a query's answer. A value is digits with an optional fraction
 * ("10", "0.5"), text after the number ignored; lines with another value
 * are skipped. Returns -1 when none applies. Thread-safe on a const
 * matcher. */
double ccsig_robots_crawl_delay(const ccsig_robots *r, ccsig_robots_agent agent);

/* Answer for one URL or path: "https://host/p?q#f", "//host/p", "/p?q" (the
 * scheme, host and fragment are ignored; path and query are matched after
 * percent-normalisation). Allocates nothing. Returns CCSIG_OK, or
 * CCSIG_ERR_USAGE for a NULL argument or an answer not made by
 * ccsig_robots_answer_new (out->allowed is then false). Thread-safe on a
 * const matcher, one answer per thread. */
ccsig_status ccsig_robots_query(const ccsig_robots *r, ccsig_robots_agent agent, const char *url,
                                size_t len, ccsig_robots_answer *out);

/* ccsig_robots_select then ccsig_robots_query. */
ccsig_status ccsig_robots_check(const ccsig_robots *r, const char *agent, size_t agent_len,
                                const char *url, size_t len, ccsig_robots_answer *out);

/* Only "may it be crawled": no statements, no answer struct. rule (may be
 * NULL) receives the deciding rule. Allocates nothing. */
bool ccsig_robots_allowed(const ccsig_robots *r, ccsig_robots_agent agent, const char *url,
                          size_t len, ccsig_robots_line *rule);

/* The path a URL is matched as: path and query of url, '/' prepended when
 * missing, fragment dropped, percent-encoding normalised (RFC 9309 §2.2.2:
 * %xx of an unreserved character decoded, other %xx upper-cased, bytes
 * outside printable ASCII, the bytes RFC 3986 excludes from URIs
 * (" < > \\ ^ ` { | }) and `*`, `$` percent-encoded). Patterns are
 * normalised alike (but keep `*` and a final `$`), so `Disallow: /a<b`
 * matches "/a%3Cb" and "/a<b". Writes into
 * buf[0..cap) when it must change bytes, else points into url; *truncated
 * when the result did not fit. Returns the path. */
ccsig_str ccsig_robots_url_path(const char *url, size_t len, char *buf, size_t cap,
                                bool *truncated);

/* Longest pattern or path ccsig_robots_pattern_match compares; longer
 * inputs are cut (RFC 9309 parsers cut lines near 16 KiB). */
#define CCSIG_ROBOTS_PATTERN_MAX 4096

/* Does a robots.txt-style pattern match a path? The matching of Allow and
 * Disallow (RFC 9309 §2.2.2-2.2.3): '*' matches any run of bytes, a final
 * '$' anchors the end, otherwise the pattern is a prefix; case-sensitive;
 * both sides normalised alike (%xx of an unreserved character decoded,
 * other escapes upper-cased, other bytes that need it percent-encoded).
 * For the mechanisms that reuse robots matching on their own patterns
 * (TDMRep `location`, RSL `<content url>`). path is a path (and query), not
 * a URL. Allocates nothing. */
bool ccsig_robots_pattern_match(ccsig_str pattern, ccsig_str path);

/* ---- Content-Signal ---- */

/* Problems ccsig_content_signal_parse reports (besides reading on). */
typedef enum ccsig_content_signal_issue {
    CCSIG_SIGNAL_ISSUE_SYNTAX = 0,   /* a member that is not key=value: ignored */
    CCSIG_SIGNAL_ISSUE_KEY,          /* a key other than search, ai-input, ai-train, use:
                                        ignored */
    CCSIG_SIGNAL_ISSUE_LEGACY_VALUE, /* allow / disallow: read as yes / no */
    CCSIG_SIGNAL_ISSUE_VALUE,        /* any other value: no preference for the key */
    CCSIG_SIGNAL_ISSUE_CASE,         /* uppercase letters in a member (read anyway) */
    CCSIG_SIGNAL_ISSUE_USE_VALUE     /* a `use` value other than immediate, reference, full */
} ccsig_content_signal_issue;

/* The `use=` key of Content-Signal (Cloudflare's trial, changelog 2026-08-31;
 * ../shared/specs/field-2026.md §2): how much of the content an AI use may
 * take. Cloudflare publishes no definition beyond the three words; ccsig
 * reads them as levels, from the least to the most:
 * - immediate: only to answer the request at hand; not kept afterwards;
 * - reference: kept only to refer to the source (excerpts, citation, link);
 * - full: the whole content may be kept and used.
 * It qualifies the categories of its line (it states no category, so it
 * never changes a verdict); check shows it with its meaning. */
typedef enum ccsig_signal_use {
    CCSIG_SIGNAL_USE_NONE = 0, /* no `use=`, or a value that is none of the three */
    CCSIG_SIGNAL_USE_IMMEDIATE,
    CCSIG_SIGNAL_USE_REFERENCE,
    CCSIG_SIGNAL_USE_FULL
} ccsig_signal_use;

/* The level of a `use=` value (ignoring case); NONE for anything else. */
ccsig_signal_use ccsig_content_signal_use_level(ccsig_str value);

/* The meaning above as a phrase ("only to answer the request at hand; not
 * kept afterwards"), or NULL for NONE. Static string. */
const char *ccsig_content_signal_use_meaning(ccsig_signal_use u);

/* Called once per problem: off and len locate the member (SYNTAX, CASE), the
 * key (KEY) or the value (LEGACY_VALUE, VALUE) in the parsed bytes. */
typedef void (*ccsig_content_signal_issue_fn)(void *ctx, ccsig_content_signal_issue issue,
                                              size_t off, size_t len);

/* The one reader of a Cloudflare Content-Signal value, for the robots.txt
 * line and the HTTP response header alike (the value only: the robots.txt
 * form's leading path is split off by the caller).
 *
 * Grammar (Cloudflare's Content Signals Policy, contentsignals.org, and
 * ../shared/specs/peer-signals.md §1; Cloudflare publishes no ABNF):
 *   value  = member *( "," member ), optional spaces and tabs around members,
 *            keys and values; empty members skipped
 *   member = key "=" value
 *   key    = "search" | "ai-input" | "ai-train" | "use", matched ignoring
 *            case (search -> search, ai-input -> ai-use, ai-train -> train-ai)
 *   value  = "yes" (allow) | "no" (deny), ignoring case; for `use`, the
 *            level (immediate, reference, full; ccsig_signal_use) as
 *            written, another value reported (CCSIG_SIGNAL_ISSUE_USE_VALUE).
 * Choices where the policy is silent: the values `allow` and `disallow`,
 * seen in the wild, are read as yes and no and reported
 * (CCSIG_SIGNAL_ISSUE_LEGACY_VALUE), so a robots.txt line and a header with
 * the same text always mean the same; any other value states nothing for
 * its key; a key given twice counts as its last member; a missing key is
 * neither granted nor restricted. It is not an RFC 9651 dictionary (aipref's
 * y/n are not values here).
 *
 * Sets the categories in st (labels point into p: the key as written);
 * *use (may be NULL) receives the `use=` value or an empty slice; issue
 * (may be NULL) receives each problem. Never fails, allocates nothing,
 * reads only p[0..n). Thread-safe. */
void ccsig_content_signal_parse(const char *p, size_t n, ccsig_statement *st, ccsig_str *use,
                                ccsig_content_signal_issue_fn issue, void *ctx);

/* ---- lint ---- */

/* Lint reports ccsig_diag (ccsig/common.h): code is the check's id (one of
 * ccsig_robots_lint_checks), status CCSIG_ERR_LIMIT for size-limit,
 * CCSIG_ERR_SYNTAX for the other errors and CCSIG_OK for warnings and notes;
 * offset, line and column point at the problem in the input. */

/* Every check lint makes: id, default severity, one-line description. */
typedef struct ccsig_robots_check_info {
    const char *id;
    ccsig_diag_severity severity;
    const char *description;
} ccsig_robots_check_info;

const ccsig_robots_check_info *ccsig_robots_lint_checks(size_t *n);

typedef struct ccsig_robots_lint_result {
    ccsig_diag *v; /* sorted by line, then column */
    size_t n;
    size_t cap;
    size_t errors, warnings, notes;
    ccsig_arena *text; /* internal: owns the messages and hints */
} ccsig_robots_lint_result;

/* Lint robots.txt bytes p[0..len) (the whole input: lines past the 500 KiB
 * limit are reported). Fills *out, which owns the diagnostics and their
 * strings: free it with ccsig_robots_lint_free (also after an error).
 * Returns CCSIG_OK or CCSIG_ERR_NOMEM. Thread-safe (no shared state). */
ccsig_status ccsig_robots_lint(const char *p, size_t len, ccsig_robots_lint_result *out,
                               ccsig_error *err);

void ccsig_robots_lint_free(ccsig_robots_lint_result *res);

/* ---- fix ---- */

/* One Content-Usage rule ccsig_robots_fix rewrote or left alone. */
typedef struct ccsig_robots_fix_change {
    unsigned line, column; /* of the rule's expression */
    ccsig_str before;      /* the expression as written (points into the input) */
    ccsig_str after;       /* the rewritten expression (into the output buffer, valid
                              until it grows); empty when the rule was left alone */
    unsigned labels;       /* legacy labels replaced */
    ccsig_status status;   /* CCSIG_OK, or why the rule was left alone
                              (CCSIG_ERR_UNSUPPORTED: a legacy label given twice) */
    const char *message;   /* status != CCSIG_OK: what to do by hand */
} ccsig_robots_fix_change;

typedef void (*ccsig_robots_fix_fn)(void *ctx, const ccsig_robots_fix_change *c);

/* Rewrite robots.txt bytes p[0..len) so that readers of the current
 * vocabulary understand every Content-Usage rule: each rule's expression
 * goes through ccsig_pref_fix (legacy labels become the current labels they
 * stood for, CC signal exceptions kept) and every other byte of the file
 * (comments, other lines, line ends, the path, the order) is copied as is.
 * Rules whose expression does not parse are copied unchanged (lint reports
 * them). Idempotent; lint of the result reports no legacy-label. The result
 * is appended to out; *nfixed counts the rules rewritten; change (may be
 * NULL) is called for each rewritten rule and each rule left alone because
 * it cannot be fixed automatically, in file order. Returns CCSIG_OK or
 * CCSIG_ERR_NOMEM. Thread-safe. */
ccsig_status ccsig_robots_fix(const char *p, size_t len, ccsig_buf *out, unsigned *nfixed,
                              ccsig_robots_fix_fn change, void *ctx, ccsig_error *err);

#ifdef __cplusplus
}
#endif
#endif
