/*
 * vocab.c — label table, readings, hierarchy, CC signals and public-interest
 * purposes.
 *
 * The label history (../shared/specs/peer-signals.md §9 and
 * ../shared/specs/field-2026.md §1): -01 tdm ⊃ ai ⊃ genai, search,
 * inference; -02 all ⊃ {train-ai ⊃ train-genai, ai-use, search}; -03 bots ⊃
 * {train-ai ⊃ train-genai, search}; -04 bots ⊃ {train-ai, ai-output ⊃
 * search}; -05 to -07 train-ai and search, flat; -08 train-ai, ai-use,
 * search, flat. The meaning of train-ai drifted from all AI training (-02)
 * to training generative models (-06 on); ccsig reads it as -08 does, so it
 * answers both train-ai and train-genai. Legacy labels answer what they
 * meant in their draft, and their draft's hierarchy (covers) applies only in
 * the default reading.
 */
#include "ccsig/vocab.h"

static const char *const cat_names[CCSIG_CAT_COUNT] = {
    "automated-processing", "train-ai", "train-genai", "ai-use", "search",
};

static const char *const cat_titles[CCSIG_CAT_COUNT] = {
    "Automated processing", "AI training", "Generative AI training", "AI use", "Search",
};

static const char *const cat_desc[CCSIG_CAT_COUNT] = {
    "any automated processing of the content, such as text and data mining (no current label: "
    "older drafts' all, bots and tdm)",
    "using the content to train AI models; the current label train-ai means training "
    "generative models, so it answers this and generative AI training alike",
    "using the content to train AI models that generate text, images or other content",
    "using the content as input to a generative AI model when the content is not directly "
    "provided by the user (retrieval-augmented generation, grounding)",
    "using the content in a search application that links users back to where it came from; "
    "it overrides the other categories for uses inside search",
};

static const ccsig_category cat_parent[CCSIG_CAT_COUNT] = {
    CCSIG_CAT_NONE,
    CCSIG_CAT_AUTOMATED_PROCESSING,
    CCSIG_CAT_TRAIN_AI,
    CCSIG_CAT_AUTOMATED_PROCESSING,
    CCSIG_CAT_AUTOMATED_PROCESSING,
};

#define BIT(c) (1u << (c))
#define TRAIN (BIT(CCSIG_CAT_TRAIN_AI) | BIT(CCSIG_CAT_TRAIN_GENAI))
#define BELOW_ALL (TRAIN | BIT(CCSIG_CAT_AI_USE) | BIT(CCSIG_CAT_SEARCH))

static const ccsig_label_info labels[] = {
    {"train-ai", CCSIG_CAT_TRAIN_AI, "draft-ietf-aipref-vocab-02 to -08", true, NULL,
     CCSIG_VOCAB_CURRENT_DRAFT,
     "training generative AI models (-02/-03: all AI training; -04/-05: foundation models)", TRAIN,
     0},
    {"ai-use", CCSIG_CAT_AI_USE, "draft-ietf-aipref-vocab-02 and -08", true, NULL,
     CCSIG_VOCAB_CURRENT_DRAFT,
     "input to a generative AI model, when not directly provided by the user",
     BIT(CCSIG_CAT_AI_USE), 0},
    {"search", CCSIG_CAT_SEARCH, "draft-ietf-aipref-vocab-01 to -08", true, NULL,
     CCSIG_VOCAB_CURRENT_DRAFT,
     "use in a search application; overrides the other categories for uses inside search",
     BIT(CCSIG_CAT_SEARCH), 0},
    {"all", CCSIG_CAT_AUTOMATED_PROCESSING, "draft-ietf-aipref-vocab-02", false,
     "train-ai, ai-use, search", "draft-ietf-aipref-vocab-02",
     "all automated processing, containing train-ai, train-genai, ai-use and search",
     BIT(CCSIG_CAT_AUTOMATED_PROCESSING), BELOW_ALL},
    {"bots", CCSIG_CAT_AUTOMATED_PROCESSING, "draft-ietf-aipref-vocab-03 and -04", false,
     "train-ai, ai-use, search", "draft-ietf-aipref-vocab-04",
     "automated processing, containing train-ai and ai-output (which contained search)",
     BIT(CCSIG_CAT_AUTOMATED_PROCESSING), BELOW_ALL},
    {"tdm", CCSIG_CAT_AUTOMATED_PROCESSING, "draft-ietf-aipref-vocab-01", false,
     "train-ai, ai-use, search", "draft-ietf-aipref-vocab-01",
     "text and data mining, encompassing every other use", BIT(CCSIG_CAT_AUTOMATED_PROCESSING),
     BELOW_ALL},
    {"ai", CCSIG_CAT_TRAIN_AI, "draft-ietf-aipref-vocab-01", false, "train-ai",
     "draft-ietf-aipref-vocab-01", "all AI training, containing genai", BIT(CCSIG_CAT_TRAIN_AI),
     BIT(CCSIG_CAT_TRAIN_GENAI)},
    {"genai", CCSIG_CAT_TRAIN_GENAI, "draft-ietf-aipref-vocab-01", false, "train-ai",
     "draft-ietf-aipref-vocab-01", "training generative AI models", TRAIN, 0},
    {"train-genai", CCSIG_CAT_TRAIN_GENAI, "draft-ietf-aipref-vocab-02 and -03", false, "train-ai",
     "draft-ietf-aipref-vocab-02", "training generative AI models", TRAIN, 0},
    {"inference", CCSIG_CAT_AI_USE, "draft-ietf-aipref-vocab-01", false, "ai-use",
     "draft-ietf-aipref-vocab-01", "use of a trained AI model (inference)", BIT(CCSIG_CAT_AI_USE),
     0},
    {"ai-output", CCSIG_CAT_AI_USE, "draft-ietf-aipref-vocab-04", false, "ai-use, search",
     "draft-ietf-aipref-vocab-04", "use in the output of an AI system, containing search",
     BIT(CCSIG_CAT_AI_USE), BIT(CCSIG_CAT_SEARCH)},
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

const char *ccsig_label_draft(const ccsig_label_info *li) {
    return !li ? "" : li->current ? CCSIG_VOCAB_CURRENT_DRAFT : li->draft;
}

const char *ccsig_category_label(ccsig_category c) {
    static const char *const lab[CCSIG_CAT_COUNT] = {NULL, "train-ai", "train-ai", "ai-use",
                                                     "search"};
    return (unsigned)c < CCSIG_CAT_COUNT ? lab[c] : NULL;
}

const char *ccsig_category_legacy_label(ccsig_category c) {
    static const char *const lab[CCSIG_CAT_COUNT] = {"all", "train-ai", "train-genai", "ai-use",
                                                     "search"};
    return (unsigned)c < CCSIG_CAT_COUNT ? lab[c] : "";
}

const char *ccsig_reading_name(ccsig_reading r) {
    return r == CCSIG_READING_CURRENT ? "current" : "default";
}

bool ccsig_reading_parse(const char *p, size_t len, ccsig_reading *out) {
    ccsig_str s = ccsig_str_make(p, len);
    if (ccsig_str_eq(s, "default"))
        *out = CCSIG_READING_DEFAULT;
    else if (ccsig_str_eq(s, "current"))
        *out = CCSIG_READING_CURRENT;
    else
        return false;
    return true;
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
