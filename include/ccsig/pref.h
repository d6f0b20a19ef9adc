/*
 * ccsig/pref.h — statements of preference, combining, reuser profiles and
 * decisions, each with provenance (ARCHITECTURE.md "The model").
 *
 * A statement is what one source says about one asset: for each category a
 * state (allow, deny, unknown) and, for a deny, the conditions that lift it
 * (a CC signal's, or a peer mechanism's such as RSL payment). Content usage
 * expressions are processed exactly as draft-ietf-aipref-vocab says, plus the
 * CC signals `exceptions` parameter.
 *
 * Readings (ccsig/vocab.h): a statement keeps what each label said and
 * which label said it (ccsig_pref.vocab); the reading is applied when it is
 * resolved. Under the current reading (draft-ietf-aipref-vocab-08) only
 * train-ai, ai-use and search answer, each for itself, with no inheritance.
 * Under the default reading a category -08 leaves unanswered takes the
 * answer of a legacy label, in the meaning of its draft: the label itself
 * (train-genai=n answers train-ai and train-genai) or, failing that, the
 * legacy label whose draft's hierarchy contained the category (all=n
 * answers search), recorded as `via` and marked legacy. Within one
 * statement a current label outranks a legacy label for the same category.
 * Mechanisms other than aipref (Content-Signal, TDMRep, RSL, XMP, C2PA...)
 * state categories through their own mapping; an unstated category takes
 * the answer of its nearest containing one from them under both readings.
 * Several statements combine per category: any plain deny wins; otherwise a
 * deny with exceptions requires the union of their conditions; otherwise any
 * allow allows; otherwise unknown.
 *
 * Memory: statements and verdicts are plain values; label and provenance
 * slices point into the caller's buffers (the expression text, the robots.txt
 * file), which must outlive them. Nothing here allocates except
 * ccsig_pref_parse, which uses the arena for the temporary parse and for the
 * warnings' array (ccsig_warnings).
 */
#ifndef CCSIG_PREF_H
#define CCSIG_PREF_H

#include "ccsig/arena.h"
#include "ccsig/buf.h"
#include "ccsig/common.h"
#include "ccsig/vocab.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ccsig_state {
    CCSIG_STATE_UNKNOWN = 0,
    CCSIG_STATE_ALLOW,
    CCSIG_STATE_DENY
} ccsig_state;

/* "allow", "deny", "unknown". */
const char *ccsig_state_name(ccsig_state s);

/* Where a statement came from. */
typedef enum ccsig_source_kind {
    CCSIG_SRC_EXPRESSION = 0, /* given directly (ccsig explain) */
    CCSIG_SRC_ROBOTS,         /* robots.txt Content-Usage / Content-Signal / License */
    CCSIG_SRC_HEADER,         /* an HTTP response header */
    CCSIG_SRC_HTML,           /* HTML <meta>/<link> */
    CCSIG_SRC_TDMREP,         /* /.well-known/tdmrep.json */
    CCSIG_SRC_RSL,            /* an RSL licence document */
    CCSIG_SRC_XMP,            /* embedded or sidecar XMP */
    CCSIG_SRC_C2PA,           /* C2PA/CAWG assertion */
    CCSIG_SRC_DATASET,        /* Croissant, dataset card, datapackage */
    CCSIG_SRC_POLICY,         /* a ccsig policy file */
    CCSIG_SRC_COUNT
} ccsig_source_kind;

/* "expression", "robots", "header", "html", "tdmrep", "rsl", "xmp", "c2pa",
 * "dataset", "policy". */
const char *ccsig_source_kind_name(ccsig_source_kind k);

typedef struct ccsig_provenance {
    ccsig_source_kind kind;
    unsigned line;    /* 1-based line in origin, 0 when not applicable */
    ccsig_str origin; /* file name, URL or header name */
    ccsig_str text;   /* the raw line or value that made the statement */
    /* A robots.txt Content-Signal line inside a group applies only to that
     * group's agents: scope_line is the group's first User-agent line and
     * scope its product tokens, ", "-separated ("*" for the global group;
     * memory of the compiled robots.txt). scope_line 0 (and scope empty):
     * not scoped to a group (a Content-Signal line before any group applies
     * to every agent; other statements). */
    unsigned scope_line;
    ccsig_str scope;
} ccsig_provenance;

/* One category's preference inside a statement. */
typedef struct ccsig_pref {
    uint8_t state;      /* ccsig_state */
    uint8_t signal;     /* ccsig_signal lifting a deny, NONE otherwise */
    uint8_t conditions; /* CCSIG_COND_* bits lifting a deny; 0 = plain */
    uint8_t via;        /* category that answered (own category when explicit) */
    uint8_t vocab;      /* 1 + index in ccsig_vocab_labels() of the aipref label that
                           stated it; 0: another mechanism's term (or not stated) */
    ccsig_str label;    /* label as written, empty when not stated */
} ccsig_pref;

/* The aipref label behind p (ccsig_vocab_labels), NULL when p comes from
 * another mechanism or is not stated. */
const ccsig_label_info *ccsig_pref_vocab(const ccsig_pref *p);

typedef struct ccsig_statement {
    ccsig_pref cat[CCSIG_CAT_COUNT]; /* as stated, before inheritance */
    ccsig_provenance src;
    bool valid; /* false: the expression failed to parse */
} ccsig_statement;

/* Clear a statement: every category unknown, valid, provenance of kind k. */
void ccsig_statement_init(ccsig_statement *st, ccsig_source_kind kind);

/* Set one category's preference from a mechanism other than the aipref
 * vocabulary (used by every other reader; vocab 0). A second setting of the
 * same category in one statement combines restrictively. */
void ccsig_statement_set(ccsig_statement *st, ccsig_category c, ccsig_state s, ccsig_signal sig,
                         unsigned conditions, ccsig_str label);

/* State label li (an entry of ccsig_vocab_labels) as an expression would:
 * every category it answers, with its vocab index and its static name as
 * the label. Nothing when li is NULL or s is unknown. */
void ccsig_statement_set_label(ccsig_statement *st, const ccsig_label_info *li, ccsig_state s,
                               ccsig_signal sig);

/* Merge a whole preference p (another statement's, vocab included) into
 * category c of st: a current aipref label outranks a legacy one; otherwise
 * as ccsig_statement_set. */
void ccsig_statement_set_pref(ccsig_statement *st, ccsig_category c, const ccsig_pref *p);

/* Resolve a statement under a reading: out[c] is what answers c (vocab and
 * label say which label, via which category when inherited). */
void ccsig_statement_read(const ccsig_statement *st, ccsig_reading reading,
                          ccsig_pref out[CCSIG_CAT_COUNT]);

/* ccsig_statement_read under the default reading. */
void ccsig_statement_resolve(const ccsig_statement *st, ccsig_pref out[CCSIG_CAT_COUNT]);

/* ---- processing a content usage expression ---- */

typedef enum ccsig_warning_code {
    CCSIG_W_PARSE_ERROR = 0,     /* not a valid Dictionary: every category unknown */
    CCSIG_W_UPPERCASE_LABEL,     /* ... because a key has an uppercase letter */
    CCSIG_W_UNKNOWN_LABEL,       /* a key the vocabulary does not define: ignored */
    CCSIG_W_LEGACY_LABEL,        /* a label from an older draft: what a current reader sees */
    CCSIG_W_VALUE_NOT_YN,        /* value is not the token y or n: unknown */
    CCSIG_W_DUPLICATE_KEY,       /* a key given twice: the last one counts */
    CCSIG_W_SAME_CATEGORY,       /* two labels for one category: combined */
    CCSIG_W_EXCEPTION_ON_ALLOW,  /* exceptions on y: means nothing */
    CCSIG_W_EXCEPTION_NOT_TOKEN, /* exceptions value is not a token: no exception */
    CCSIG_W_UNKNOWN_EXCEPTION,   /* exceptions token is not a CC signal: no exception */
    CCSIG_W_EXCEPTION_ON_UNKNOWN /* exceptions on a value that is not y/n */
} ccsig_warning_code;

typedef struct ccsig_warning {
    ccsig_warning_code code;
    size_t offset;      /* byte offset in the expression */
    ccsig_str key;      /* the label concerned (may be empty) */
    ccsig_str value;    /* the value, token or other detail (may be empty) */
    bool value_is_type; /* value describes a type ("a string"), not literal text */
} ccsig_warning;

#define CCSIG_MAX_WARNINGS 32

/* The warnings of one or more expressions. Memory: a small value the caller
 * owns; the array v is allocated in an arena when the first warning is added
 * (CCSIG_MAX_WARNINGS entries, so no warning means no allocation): the arena
 * given to ccsig_warnings_init, or else the one of the first ccsig_pref_parse
 * call. v lives until that arena is reset or freed: initialise the warnings
 * again (ccsig_warnings_init or = {0}) after resetting it. */
typedef struct ccsig_warnings {
    ccsig_warning *v; /* n used of cap */
    size_t n;
    size_t cap;         /* CCSIG_MAX_WARNINGS once allocated, 0 before */
    size_t dropped;     /* warnings beyond cap (or not stored: the arena failed) */
    ccsig_arena *arena; /* where v is allocated; NULL: the parse's arena */
} ccsig_warnings;

/* Empty warnings whose array will be allocated in a (may be NULL: the arena
 * of the first ccsig_pref_parse). Equivalent to = {0} with arena set. */
void ccsig_warnings_init(ccsig_warnings *w, ccsig_arena *a);

/* A stable identifier for a warning code, e.g. "legacy-label". */
const char *ccsig_warning_id(ccsig_warning_code c);
/* A sentence for people, written into buf (always NUL-terminated). */
void ccsig_warning_message(const ccsig_warning *w, char *buf, size_t n);

/* Process a content usage expression (draft-ietf-aipref-vocab §6-7 plus CC
 * signals exceptions) into st->cat and st->valid; st->src is left alone.
 * Returns CCSIG_OK, or CCSIG_ERR_SYNTAX with err filled when the expression
 * is not a valid Dictionary (st then says unknown for every category, which
 * is the spec's outcome, not a failure of the call). w may be NULL; warnings
 * are appended to it (initialise it first: ccsig_warnings_init or = {0}). The arena
 * holds the parse only for the duration of the call's result use; labels in
 * st point into p. */
ccsig_status ccsig_pref_parse(ccsig_arena *a, const char *p, size_t len, ccsig_statement *st,
                              ccsig_warnings *w, ccsig_error *err);

/* Rewrite a content usage expression (an HTTP Content-Usage field value, or
 * the expression of a robots.txt Content-Usage rule) so that readers of the
 * current vocabulary (CCSIG_VOCAB_CURRENT_DRAFT) see what its legacy labels
 * said: each legacy label is replaced, in its place, by the current labels of
 * its ccsig_label_info current_equivalent ("all=n" becomes "train-ai=n,
 * ai-use=n, search=n", "train-genai=y" becomes "train-ai=y"), each with the
 * legacy member's value and parameters (CC signal exceptions are kept). A
 * current label the expression states itself is not added again (it already
 * outranks the legacy one); when several legacy labels stand for one current
 * label, the most restrictive value is written, as the default reading
 * combines them. Every other byte (other members, separators, whitespace) is
 * copied. Replaced members are serialised by ccsig_sf_serialize_dict.
 * Automated processing has no current label, so "all=n" no longer answers it.
 * The result is appended to out; *nfixed is the number of legacy members
 * replaced (0: out got p unchanged). Idempotent: the result has no legacy
 * label. Errors: CCSIG_ERR_SYNTAX (err->offset, err->message) when p is not
 * an RFC 9651 Dictionary, CCSIG_ERR_UNSUPPORTED when a legacy label is given
 * twice (which occurrence to keep is the steward's call); nothing is appended
 * then. Memory: the parse lives in a (reset it afterwards); out grows by the
 * buffer's allocator; CCSIG_ERR_NOMEM when either fails. */
ccsig_status ccsig_pref_fix(ccsig_arena *a, const char *p, size_t len, ccsig_buf *out,
                            unsigned *nfixed, ccsig_error *err);

/* ---- combining ---- */

typedef struct ccsig_verdict_entry {
    ccsig_state state;
    unsigned conditions;      /* deny lifted when all of these are met; 0 = plain */
    unsigned signals;         /* bit (1 << ccsig_signal) for each CC signal involved */
    ccsig_category via;       /* category that answered in the deciding statement */
    int source;               /* index of the deciding statement, -1 when none */
    uint8_t vocab;            /* the deciding aipref label (ccsig_pref.vocab), 0: none */
    uint8_t legacy;           /* answered by a legacy label's meaning (default reading) */
    uint8_t other;            /* ccsig_state the other reading gives (the current reading's
                                 under the default one, the default's under the current) */
    uint8_t other_conditions; /* and its conditions: the readings disagree when these
                                 two differ from state and conditions */
    ccsig_str label;          /* label (or other mechanism's term) as written */
} ccsig_verdict_entry;

typedef struct ccsig_verdict {
    ccsig_verdict_entry cat[CCSIG_CAT_COUNT];
    ccsig_reading reading; /* the reading cat[] was read under */
} ccsig_verdict;

/* The label behind an entry (NULL when none or not an aipref label). */
const ccsig_label_info *ccsig_verdict_entry_vocab(const ccsig_verdict_entry *e);
/* The draft whose meaning decided e: the label's (ccsig_label_draft), or
 * NULL when e was not decided by an aipref label. */
const char *ccsig_verdict_entry_draft(const ccsig_verdict_entry *e);
/* True when the other reading gives e a different answer. */
bool ccsig_verdict_entry_disagrees(const ccsig_verdict_entry *e);

/* Combine n statements, each read under reading (ccsig_statement_read);
 * every entry also records what the other reading says. */
void ccsig_combine_read(const ccsig_statement *sts, size_t n, ccsig_reading reading,
                        ccsig_verdict *out);
/* ccsig_combine_read under the default reading. */
void ccsig_combine(const ccsig_statement *sts, size_t n, ccsig_verdict *out);

/* ---- deciding for a reuser ---- */

typedef struct ccsig_profile {
    ccsig_category use;    /* CCSIG_CAT_NONE: no decision asked */
    unsigned commitments;  /* CCSIG_COND_* the reuser commits to */
    ccsig_purpose purpose; /* public-interest purpose claimed, or NONE */
    ccsig_reading reading; /* how labels are read (0: the default reading) */
} ccsig_profile;

typedef enum ccsig_result {
    CCSIG_RESULT_UNKNOWN = 0,
    CCSIG_RESULT_PERMITTED,
    CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS,
    CCSIG_RESULT_NOT_PERMITTED
} ccsig_result;

/* "unknown", "permitted", "permitted-with-obligations", "not-permitted". */
const char *ccsig_result_name(ccsig_result r);

typedef struct ccsig_decision {
    ccsig_category use;
    ccsig_result result;
    unsigned obligations;    /* what the reuser must do (permitted-with-obligations) */
    unsigned missing;        /* conditions the reuser did not commit to (not-permitted) */
    ccsig_purpose exclusion; /* the public-interest exclusion that decided, or NONE */
    ccsig_state state;       /* the combined state for the use */
    int source;              /* deciding statement, -1 when none */
    /* Not permitted because the agent may not crawl the URL (robots.txt
     * disallows it: ccsig_decide_crawl in ccsig/evaluate.h); crawl_rule is the
     * deciding Disallow line (line 0 when there is none, as for an
     * unreachable robots.txt, RFC 9309 §2.3.1.4). Borrowed text. */
    bool crawl_disallowed;
    ccsig_provenance crawl_rule;
    uint8_t reading; /* ccsig_reading the verdict was read under */
    uint8_t legacy;  /* decided by a legacy label's meaning */
    uint8_t other;   /* ccsig_result under the other reading */
    uint8_t reserved;
} ccsig_decision;

/* Decide for p from v (combined under p->reading); d->other is the
 * result the other reading gives (from v's other states). */
void ccsig_decide(const ccsig_verdict *v, const ccsig_profile *p, ccsig_decision *d);

#ifdef __cplusplus
}
#endif
#endif
