/*
 * ccsig/vocab.h — the AI-preferences vocabulary and the CC signals.
 *
 * Categories: the stable internal set of ARCHITECTURE.md. Labels: every label
 * any aipref vocabulary draft defined, mapped to a category, with the draft
 * that defined it and the current equivalent when one exists. The
 * containment hierarchy of the older drafts: automated-processing contains
 * train-ai (which contains train-genai), ai-use and search.
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

/* "automated-processing", "train-ai", ... (the stable JSON names). */
const char *ccsig_category_name(ccsig_category c);
/* A short phrase a steward understands: "AI training", "Search", ... */
const char *ccsig_category_title(ccsig_category c);
/* A sentence describing the use. */
const char *ccsig_category_description(ccsig_category c);
/* The category that contains c, or CCSIG_CAT_NONE for the root. */
ccsig_category ccsig_category_parent(ccsig_category c);
/* True when outer contains inner (or they are equal). */
bool ccsig_category_contains(ccsig_category outer, ccsig_category inner);
/* Parse a category by internal name or by any label (so "train-genai",
 * "genai" and "ai-output" all work). */
bool ccsig_category_parse(const char *p, size_t len, ccsig_category *out);

typedef struct ccsig_label_info {
    const char *label;              /* as written in an expression */
    ccsig_category category;        /* internal category */
    const char *defined_in;         /* draft(s) that defined it */
    bool current;                   /* defined by draft-ietf-aipref-vocab-latest */
    const char *current_equivalent; /* nearest current label, or NULL */
} ccsig_label_info;

/* Look up a label (case-sensitive, as the vocabulary says). NULL if unknown. */
const ccsig_label_info *ccsig_vocab_lookup(const char *p, size_t len);
/* The whole table, for documentation and lint. */
const ccsig_label_info *ccsig_vocab_labels(size_t *n);
/* The current label for a category ("train-ai", "search") or, for a
 * category the current draft lacks, the latest label that expressed it. */
const char *ccsig_category_label(ccsig_category c);

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
