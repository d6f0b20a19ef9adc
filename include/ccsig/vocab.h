/*
 * ccsig/vocab.h — the AI-preferences vocabulary and the CC signals.
 *
 * Categories: the stable internal set of ARCHITECTURE.md. Labels: every label
 * any aipref vocabulary draft defined, with the drafts that defined it, what
 * it meant there, the categories it answers and the current equivalent when
 * one exists.
 *
 * Readings (ARCHITECTURE.md "Reading"): the current draft,
 * draft-ietf-aipref-vocab-08, has three labels: train-ai (training of
 * generative models: it answers both train-ai and train-genai), ai-use and
 * search; no hierarchy, unknown labels ignored. The *current* reading applies
 * exactly that. The *default* reading applies -08 first and, for a category
 * -08 leaves unanswered, the meaning a legacy label had in the draft that
 * defined it, including that draft's containment (all ⊃ everything, ai ⊃
 * genai, ai-output ⊃ search), marked legacy. automated-processing has no
 * current label: only legacy labels (all, bots, tdm) and other mechanisms
 * answer it.
 *
 * CC signals: the four exception tokens and the conditions each imposes.
 * Conditions are a bit set shared with other mechanisms that attach terms
 * to a use (RSL payment, licence servers, human-readable constraints).
 *
 * Everything here is static data: no allocation, thread-safe.
 */
#ifndef CCSIG_VOCAB_H
#define CCSIG_VOCAB_H

#include "ccsig/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ccsig_category {
    CCSIG_CAT_AUTOMATED_PROCESSING = 0,
    CCSIG_CAT_TRAIN_AI,
    CCSIG_CAT_TRAIN_GENAI,
    CCSIG_CAT_AI_USE,
    CCSIG_CAT_SEARCH,
    CCSIG_CAT_COUNT
} ccsig_category;

#define CCSIG_CAT_NONE ((ccsig_category)-1)

/* The draft whose labels are current. */
#define CCSIG_VOCAB_CURRENT_DRAFT "draft-ietf-aipref-vocab-08"

/* How labels are turned into answers (see above). The zero value is the
 * default reading. */
typedef enum ccsig_reading {
    CCSIG_READING_DEFAULT = 0, /* -08, then legacy labels' own meanings, marked */
    CCSIG_READING_CURRENT,     /* -08 strictly: legacy labels are unknown labels */
    CCSIG_READING_COUNT
} ccsig_reading;

/* "default", "current". */
const char *ccsig_reading_name(ccsig_reading r);
/* Parse "default" or "current"; false for anything else. */
bool ccsig_reading_parse(const char *p, size_t len, ccsig_reading *out);

/* "automated-processing", "train-ai", ... (the stable JSON names). */
const char *ccsig_category_name(ccsig_category c);
/* A short phrase a steward understands: "AI training", "Search", ... */
const char *ccsig_category_title(ccsig_category c);
/* A sentence describing the use. */
const char *ccsig_category_description(ccsig_category c);
/* The category that contains c in the older drafts' hierarchy (-01 to -06;
 * gone since -07), or CCSIG_CAT_NONE for the root. Only the default reading
 * uses it, for legacy labels, and for mechanisms other than aipref whose
 * terms ccsig maps onto it (a Content-Signal ai-train covers generative
 * training). */
ccsig_category ccsig_category_parent(ccsig_category c);
/* True when outer contains inner (or they are equal) in that hierarchy. */
bool ccsig_category_contains(ccsig_category outer, ccsig_category inner);
/* Parse a category by internal name or by any label (so "train-genai",
 * "genai" and "ai-output" all work). */
bool ccsig_category_parse(const char *p, size_t len, ccsig_category *out);

typedef struct ccsig_label_info {
    const char *label;              /* as written in an expression */
    ccsig_category category;        /* main internal category */
    const char *defined_in;         /* draft(s) that defined it */
    bool current;                   /* defined by CCSIG_VOCAB_CURRENT_DRAFT */
    const char *current_equivalent; /* current label(s) with its meaning, or NULL */
    const char *draft;   /* the draft whose meaning ccsig applies (-08 for current labels,
                            else the draft that defined it, the latest when several) */
    const char *meaning; /* what the label meant in that draft */
    unsigned answers;    /* categories it answers itself (bit 1 << ccsig_category) */
    unsigned covers;     /* legacy: categories its draft's hierarchy put under it */
} ccsig_label_info;

/* Look up a label (case-sensitive, as the vocabulary says). NULL if unknown. */
const ccsig_label_info *ccsig_vocab_lookup(const char *p, size_t len);
/* The whole table, for documentation and lint. */
const ccsig_label_info *ccsig_vocab_labels(size_t *n);
/* The draft whose meaning applies to li: CCSIG_VOCAB_CURRENT_DRAFT for a
 * current label, li->draft otherwise. */
const char *ccsig_label_draft(const ccsig_label_info *li);
/* The current label that answers category c ("train-ai" for train-ai and
 * train-genai, "ai-use", "search"), or NULL for automated-processing, which
 * no current label expresses (state the three current labels instead). */
const char *ccsig_category_label(ccsig_category c);
/* The label that last expressed c in some draft, current or not ("all" for
 * automated-processing, "train-genai" for train-genai): for callers that
 * were asked for legacy labels explicitly. */
const char *ccsig_category_legacy_label(ccsig_category c);

/* CC signals. */
typedef enum ccsig_signal {
    CCSIG_SIGNAL_NONE = 0,
    CCSIG_SIGNAL_CR,
    CCSIG_SIGNAL_CR_DC,
    CCSIG_SIGNAL_CR_EC,
    CCSIG_SIGNAL_CR_OP,
    CCSIG_SIGNAL_COUNT
} ccsig_signal;

/* Conditions (obligations) a reuser may have to meet. */
enum {
    CCSIG_COND_CREDIT = 1u << 0,
    CCSIG_COND_DIRECT_CONTRIBUTION = 1u << 1,
    CCSIG_COND_ECOSYSTEM_CONTRIBUTION = 1u << 2,
    CCSIG_COND_OPEN = 1u << 3,
    CCSIG_COND_PAYMENT = 1u << 4, /* RSL: pay under the licence's payment terms */
    CCSIG_COND_LICENSE = 1u << 5, /* RSL: obtain a licence token from its server */
    CCSIG_COND_POLICY = 1u << 6,  /* follow a human-readable policy or constraint */
    CCSIG_COND_ALL = (1u << 7) - 1
};
#define CCSIG_COND_COUNT 7

/* "cc-cr", "cc-cr-dc", ... ; NULL for NONE. */
const char *ccsig_signal_token(ccsig_signal s);
/* "cr", "cr-dc", ... (the --signal names); "none" for NONE. */
const char *ccsig_signal_short(ccsig_signal s);
/* "Credit", "Credit + Direct Contribution", ... */
const char *ccsig_signal_title(ccsig_signal s);
/* The full terms text of each condition of the signal (CC signals 0.1). */
unsigned ccsig_signal_conditions(ccsig_signal s);
bool ccsig_signal_from_token(const char *p, size_t len, ccsig_signal *out);
/* Accepts "cr", "cr-dc", ..., "none", and also the full tokens. */
bool ccsig_signal_from_short(const char *p, size_t len, ccsig_signal *out);

/* Name of one condition bit ("credit", "direct-contribution", ...). */
const char *ccsig_condition_name(unsigned bit);
/* What the condition asks of a reuser, in plain words (CC signals text). */
const char *ccsig_condition_terms(unsigned bit);
/* Parse a comma-separated list of condition names, or "none". Returns false
 * and the offending name's offset in *bad when a name is unknown. */
bool ccsig_conditions_parse(const char *p, size_t len, unsigned *mask, size_t *bad);

/* Public-interest purposes (draft-zehta-aipref-exclusions). */
typedef enum ccsig_purpose {
    CCSIG_PURPOSE_NONE = 0,
    CCSIG_PURPOSE_MALICIOUS_CONTENT_DETECTION,
    CCSIG_PURPOSE_ACCESSIBILITY,
    CCSIG_PURPOSE_ARCHIVING,
    CCSIG_PURPOSE_RESEARCH,
    CCSIG_PURPOSE_COUNT
} ccsig_purpose;

const char *ccsig_purpose_name(ccsig_purpose p);
/* Who may claim it and for what, as the proposal says. */
const char *ccsig_purpose_description(ccsig_purpose p);
bool ccsig_purpose_parse(const char *p, size_t len, ccsig_purpose *out);

#ifdef __cplusplus
}
#endif
#endif
