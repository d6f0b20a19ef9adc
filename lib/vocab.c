/*
 * vocab.c — label table, hierarchy, CC signals and public-interest purposes.
 *
 * The label history (../shared/specs/peer-signals.md §9): -01 tdm ⊃ ai ⊃
 * genai, search, inference; -02 all ⊃ {train-ai ⊃ train-genai, ai-use,
 * search}; -03 bots; -04 ai-output ⊃ search; -05 onward train-ai and search
 * only. The meaning of train-ai drifted from all AI training to training
 * generative models; we keep the -02 containment (train-ai ⊃ train-genai) as
 * ARCHITECTURE.md says and name the current label for legacy ones.
 */
#include "ccsig/vocab.h"

static const char *const cat_names[CCSIG_CAT_COUNT] = {
    "automated-processing", "train-ai", "train-genai", "ai-use", "search",
};

static const char *const cat_titles[CCSIG_CAT_COUNT] = {
    "Automated processing", "AI training", "Generative AI training", "AI use", "Search",
};

static const char *const cat_desc[CCSIG_CAT_COUNT] = {
    "any automated processing of the content, such as text and data mining; it contains "
    "every other category",
    "using the content to train or fine-tune AI models",
    "using the content to train AI models that generate text, images or other content",
    "using the content as input to a trained AI model at the time it answers (inference, "
    "retrieval-augmented generation, grounding)",
    "using the content in a search application that links users back to where it came from",
};

static const ccsig_category cat_parent[CCSIG_CAT_COUNT] = {
    CCSIG_CAT_NONE,
    CCSIG_CAT_AUTOMATED_PROCESSING,
    CCSIG_CAT_TRAIN_AI,
    CCSIG_CAT_AUTOMATED_PROCESSING,
    CCSIG_CAT_AUTOMATED_PROCESSING,
};

static const ccsig_label_info labels[] = {
    {"train-ai", CCSIG_CAT_TRAIN_AI, "draft-ietf-aipref-vocab-02 to -latest", true, NULL},
    {"search", CCSIG_CAT_SEARCH, "draft-ietf-aipref-vocab-01 to -latest", true, NULL},
    {"all", CCSIG_CAT_AUTOMATED_PROCESSING, "draft-ietf-aipref-vocab-02", false, NULL},
    {"bots", CCSIG_CAT_AUTOMATED_PROCESSING, "draft-ietf-aipref-vocab-03 and -04", false, NULL},
    {"tdm", CCSIG_CAT_AUTOMATED_PROCESSING, "draft-ietf-aipref-vocab-01", false, NULL},
    {"ai", CCSIG_CAT_TRAIN_AI, "draft-ietf-aipref-vocab-01", false, "train-ai"},
    {"genai", CCSIG_CAT_TRAIN_GENAI, "draft-ietf-aipref-vocab-01", false, "train-ai"},
    {"train-genai", CCSIG_CAT_TRAIN_GENAI, "draft-ietf-aipref-vocab-02 and -03", false, "train-ai"},
    {"ai-use", CCSIG_CAT_AI_USE, "draft-ietf-aipref-vocab-02", false, NULL},
    {"inference", CCSIG_CAT_AI_USE, "draft-ietf-aipref-vocab-01", false, NULL},
    {"ai-output", CCSIG_CAT_AI_USE, "draft-ietf-aipref-vocab-04", false, NULL},
};

#define NLABELS (sizeof labels / sizeof labels[0])

const char *ccsig_category_name(ccsig_category c) {
    return (unsigned)c < CCSIG_CAT_COUNT ? cat_names[c] : "none";
}

const char *ccsig_category_title(ccsig_category c) {
    return (unsigned)c < CCSIG_CAT_COUNT ? cat_titles[c] : "None";
}

const char *ccsig_category_description(ccsig_category c) {
    return (unsigned)c < CCSIG_CAT_COUNT ? cat_desc[c] : "";
}

ccsig_category ccsig_category_parent(ccsig_category c) {
    return (unsigned)c < CCSIG_CAT_COUNT ? cat_parent[c] : CCSIG_CAT_NONE;
}

bool ccsig_category_contains(ccsig_category outer, ccsig_category inner) {
    for (ccsig_category c = inner; c != CCSIG_CAT_NONE; c = ccsig_category_parent(c))
        if (c == outer)
            return true;
    return false;
}

bool ccsig_category_parse(const char *p, size_t len, ccsig_category *out) {
    ccsig_str s = ccsig_str_make(p, len);
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        if (ccsig_str_eq(s, cat_names[c])) {
            *out = (ccsig_category)c;
            return true;
        }
    const ccsig_label_info *li = ccsig_vocab_lookup(p, len);
    if (li) {
        *out = li->category;
        return true;
    }
    return false;
}

const ccsig_label_info *ccsig_vocab_lookup(const char *p, size_t len) {
    ccsig_str s = ccsig_str_make(p, len);
    for (size_t i = 0; i < NLABELS; i++)
        if (ccsig_str_eq(s, labels[i].label))
            return &labels[i];
    return NULL;
}

const ccsig_label_info *ccsig_vocab_labels(size_t *n) {
    *n = NLABELS;
    return labels;
}

const char *ccsig_category_label(ccsig_category c) {
    static const char *const lab[CCSIG_CAT_COUNT] = {"all", "train-ai", "train-genai", "ai-use",
                                                     "search"};
    return (unsigned)c < CCSIG_CAT_COUNT ? lab[c] : "";
}

/* ---- CC signals ---- */

static const struct {
    const char *token, *shortname, *title;
    unsigned cond;
} signals[CCSIG_SIGNAL_COUNT] = {
    {NULL, "none", "No signal", 0},
    {"cc-cr", "cr", "Credit", CCSIG_COND_CREDIT},
    {"cc-cr-dc", "cr-dc", "Credit + Direct Contribution",
     CCSIG_COND_CREDIT | CCSIG_COND_DIRECT_CONTRIBUTION},
    {"cc-cr-ec", "cr-ec", "Credit + Ecosystem Contribution",
     CCSIG_COND_CREDIT | CCSIG_COND_ECOSYSTEM_CONTRIBUTION},
    {"cc-cr-op", "cr-op", "Credit + Open", CCSIG_COND_CREDIT | CCSIG_COND_OPEN},
};

const char *ccsig_signal_token(ccsig_signal s) {
    return (unsigned)s < CCSIG_SIGNAL_COUNT ? signals[s].token : NULL;
}

const char *ccsig_signal_short(ccsig_signal s) {
    return (unsigned)s < CCSIG_SIGNAL_COUNT ? signals[s].shortname : "none";
}

const char *ccsig_signal_title(ccsig_signal s) {
    return (unsigned)s < CCSIG_SIGNAL_COUNT ? signals[s].title : "";
}

unsigned ccsig_signal_conditions(ccsig_signal s) {
    return (unsigned)s < CCSIG_SIGNAL_COUNT ? signals[s].cond : 0;
}

bool ccsig_signal_from_token(const char *p, size_t len, ccsig_signal *out) {
    ccsig_str t = ccsig_str_make(p, len);
    for (int i = 1; i < CCSIG_SIGNAL_COUNT; i++)
        if (ccsig_str_eq(t, signals[i].token)) {
            *out = (ccsig_signal)i;
            return true;
        }
    return false;
}

bool ccsig_signal_from_short(const char *p, size_t len, ccsig_signal *out) {
    ccsig_str t = ccsig_str_make(p, len);
    for (int i = 0; i < CCSIG_SIGNAL_COUNT; i++)
        if (ccsig_str_eq(t, signals[i].shortname)) {
            *out = (ccsig_signal)i;
            return true;
        }
    return ccsig_signal_from_token(p, len, out);
}

static const struct {
    const char *name, *terms;
} conditions[CCSIG_COND_COUNT] = {
    {"credit", "You must give appropriate credit based on the method, means, and context of "
               "your use."},
    {"direct-contribution",
     "You must provide monetary or in-kind support to the Declaring Party for their "
     "development and maintenance of the assets, based on a good faith valuation taking into "
     "account your use of the assets and your financial means."},
    {"ecosystem-contribution",
     "You must provide monetary or in-kind support back to the ecosystem from which you are "
     "benefiting, based on a good faith valuation taking into account your use of the assets "
     "and your financial means."},
    {"open", "The AI system used must be open. For example, AI systems must satisfy the Model "
             "Openness Framework (MOF) Class II, MOF Class I, or the Open Source AI Definition "
             "(OSAID)."},
    {"payment", "You must pay under the payment terms of the licence that the publisher "
                "offers."},
    {"license", "You must obtain a licence from the publisher's licence server before use."},
    {"policy", "You must follow the publisher's stated policy or constraint for this use."},
};

static int bit_index(unsigned bit) {
    for (int i = 0; i < CCSIG_COND_COUNT; i++)
        if (bit == (1u << i))
            return i;
    return -1;
}

const char *ccsig_condition_name(unsigned bit) {
    int i = bit_index(bit);
    return i < 0 ? "" : conditions[i].name;
}

const char *ccsig_condition_terms(unsigned bit) {
    int i = bit_index(bit);
    return i < 0 ? "" : conditions[i].terms;
}

bool ccsig_conditions_parse(const char *p, size_t len, unsigned *mask, size_t *bad) {
    unsigned m = 0;
    size_t i = 0;
    if (ccsig_str_eq(ccsig_str_make(p, len), "none")) {
        *mask = 0;
        return true;
    }
    while (i <= len) {
        size_t j = i;
        while (j < len && p[j] != ',')
            j++;
        size_t a = i, b = j;
        while (a < b && p[a] == ' ')
            a++;
        while (b > a && p[b - 1] == ' ')
            b--;
        ccsig_str name = ccsig_str_make(p + a, b - a);
        bool found = false;
        for (int k = 0; k < CCSIG_COND_COUNT; k++)
            if (ccsig_str_eq(name, conditions[k].name)) {
                m |= 1u << k;
                found = true;
            }
        if (!found && name.len) {
            if (bad)
                *bad = a;
            return false;
        }
        i = j + 1;
    }
    *mask = m;
    return true;
}

/* ---- public-interest purposes ---- */

static const struct {
    const char *name, *desc;
} purposes[CCSIG_PURPOSE_COUNT] = {
    {"none", ""},
    {"malicious-content-detection",
     "anyone may use the assets to detect malicious or harmful content"},
    {"accessibility", "end users may use the assets for internationalisation, localisation and "
                      "accessibility tools"},
    {"archiving", "organisations that preserve the expressed preferences may use the assets for "
                  "public archiving"},
    {"research", "cultural heritage institutions and not-for-profit research or educational "
                 "organisations may use the assets for analysis and research"},
};

const char *ccsig_purpose_name(ccsig_purpose p) {
    return (unsigned)p < CCSIG_PURPOSE_COUNT ? purposes[p].name : "none";
}

const char *ccsig_purpose_description(ccsig_purpose p) {
    return (unsigned)p < CCSIG_PURPOSE_COUNT ? purposes[p].desc : "";
}

bool ccsig_purpose_parse(const char *p, size_t len, ccsig_purpose *out) {
    ccsig_str s = ccsig_str_make(p, len);
    for (int i = 0; i < CCSIG_PURPOSE_COUNT; i++)
        if (ccsig_str_eq(s, purposes[i].name)) {
            *out = (ccsig_purpose)i;
            return true;
        }
    return false;
}
