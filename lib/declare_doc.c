/*
 * declare_doc.c — the human-readable declaration, as text, Markdown or HTML.
 *
 * The CC signals proposal (../shared/specs/cc-signals/README.md) calls the
 * human-readable explanation of an applied signal a "declaration": the
 * signal's terms, the category of use, how the copyright status of the
 * declaring party changes the effect, and the content usage expression. The
 * document is built once as a list of blocks (headings, paragraphs made of
 * spans, list items, quotations, code) and rendered three ways, so the three
 * formats can never say different things. Condition terms come verbatim from
 * vocab (the CC signals 0.1 texts, CC BY 4.0, attributed at the end; a unit
 * test compares them with the signal files).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "ccsig/alloc.h"
#include "ccsig/arena.h"
#include "ccsig/xmpns.h"
#include "declare_internal.h"

#define CC_SIGNALS_URL "https://github.com/creativecommons/cc-signals"
#define CC_BY_URL "https://creativecommons.org/licenses/by/4.0/"
#define AIPREF_VOCAB_URL "https://datatracker.ietf.org/doc/draft-ietf-aipref-vocab/"
#define TEXT_WIDTH 72

typedef enum { SP_TEXT, SP_CODE, SP_LINK, SP_STRONG } span_kind;
typedef enum { BK_TITLE, BK_HEADING, BK_PARA, BK_ITEM, BK_QUOTE, BK_CODE } block_kind;

#define MAX_SPANS 24
#define MAX_BLOCKS 64

typedef struct span {
    span_kind kind;
    const char *s;   /* the text (link text for SP_LINK) */
    const char *url; /* SP_LINK only */
} span;

typedef struct block {
    block_kind kind;
    span sp[MAX_SPANS];
    int n;
} block;

typedef struct doc {
    block b[MAX_BLOCKS];
    int n;
    ccsig_arena *a;
    bool oom; /* an allocation failed: the output buffer is marked failed */
} doc;

static block *blk(doc *d, block_kind k) {
    /* The document below has a fixed shape well under MAX_BLOCKS (the
     * library never aborts: past it, the last block is reused). */
    assert(d->n < MAX_BLOCKS);
    block *b = &d->b[d->n < MAX_BLOCKS ? d->n++ : MAX_BLOCKS - 1];
    b->kind = k;
    b->n = 0;
    return b;
}

static void add(block *b, span_kind k, const char *s, const char *url) {
    assert(b->n < MAX_SPANS); /* fixed shape, as for blocks */
    if (b->n >= MAX_SPANS)
        return;
    b->sp[b->n++] = (span){k, s, url};
}

static void txt(block *b, const char *s) {
    add(b, SP_TEXT, s, NULL);
}

static void code(block *b, const char *s) {
    add(b, SP_CODE, s, NULL);
}

static void strong(block *b, const char *s) {
    add(b, SP_STRONG, s, NULL);
}

static void link(block *b, const char *s, const char *url) {
    add(b, SP_LINK, s, url);
}

static const char *fmt(doc *d, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(doc *d, const char *f, ...) {
    va_list ap;
    va_start(ap, f);
    ccsig_buf t = CCSIG_BUF_INIT;
    ccsig_buf_vprintf(&t, f, ap);
    va_end(ap);
    const char *r = ccsig_buf_failed(&t) ? NULL : ccsig_arena_dup(d->a, ccsig_buf_cstr(&t), t.len);
    ccsig_buf_free(&t);
    if (!r)
        d->oom = true;
    return r ? r : "";
}

/* Subcategories a category contains, in words. */
static const char *contained(const ccsig_declaration *dc) {
    switch (dc->use) {
    case CCSIG_CAT_AUTOMATED_PROCESSING:
        return "The current vocabulary (draft-ietf-aipref-vocab-08) has no label for it, so "
               "the declaration states each of its labels: train-ai, ai-use and search.";
    case CCSIG_CAT_TRAIN_GENAI:
        return "The current vocabulary (draft-ietf-aipref-vocab-08) writes it train-ai, which "
               "means training generative AI models.";
    default:
        return NULL;
    }
}

static void put_paths(doc *d, block *b, const ccsig_declaration *dc) {
    for (size_t i = 0; i < dc->npaths; i++) {
        if (i)
            txt(b, i + 1 == dc->npaths ? " and " : ", ");
        code(b, dc->paths[i]);
    }
    (void)d;
}

/* The party by name only (after its first mention with the link). */
static void party_name(block *b, const ccsig_declaration *dc) {
    if (dc->party_name)
        txt(b, dc->party_name);
    else if (dc->party_url)
        link(b, dc->party_url, dc->party_url);
    else
        txt(b, "The declaring party");
}

static void party_ref(block *b, const ccsig_declaration *dc) {
    if (dc->party_name && dc->party_url)
        link(b, dc->party_name, dc->party_url);
    else if (dc->party_name)
        txt(b, dc->party_name);
    else if (dc->party_url)
        link(b, dc->party_url, dc->party_url);
    else
        txt(b, "The declaring party");
}

/* The at-a-glance items of one entry (dc's first): its use and its
 * preference. */
static void glance_entry(doc *d, const ccsig_declaration *dc) {
    const char *label = ccsig_declare_label(dc);
    bool sig = dc->state == CCSIG_STATE_DENY && dc->signal != CCSIG_SIGNAL_NONE;
    block *b = blk(d, BK_ITEM);
    strong(b, "Use:");
    txt(b, fmt(d, " %s (", ccsig_category_title(dc->use)));
    code(b, label);
    txt(b, ")");
    b = blk(d, BK_ITEM);
    strong(b, "Preference:");
    if (sig) {
        txt(b, " not allowed, unless the reuser meets the terms of the CC signal ");
        txt(b, fmt(d, "%s (", ccsig_signal_title(dc->signal)));
        code(b, ccsig_signal_token(dc->signal));
        txt(b, ")");
    } else {
        txt(b, dc->state == CCSIG_STATE_DENY ? " not allowed" : " allowed");
    }
}

/* "The use" of one entry (dc's first): what the category means, and
 * whether current readers know its label. others: say that other uses are
 * not covered (a declaration of several entries says it once, after them). */
static void use_section(doc *d, const ccsig_declaration *dc, bool others) {
    ccsig_category use = dc->use;
    const char *title = ccsig_category_title(use);
    const char *label = ccsig_declare_label(dc);
    block *b = blk(d, BK_HEADING);
    txt(b, fmt(d, "The use: %s", title));
    b = blk(d, BK_PARA);
    txt(b, fmt(d, "%s means %s.", title, ccsig_category_description(use)));
    if (contained(dc))
        txt(b, fmt(d, " %s", contained(dc)));
    if (others && use != CCSIG_CAT_AUTOMATED_PROCESSING)
        txt(b, " Other uses are not covered by this declaration.");
    const ccsig_label_info *li = ccsig_vocab_lookup(label, strlen(label));
    if (li && !li->current) {
        b = blk(d, BK_PARA);
        txt(b, "The label ");
        code(b, label);
        txt(b, fmt(d,
                   " was defined in %s. The current draft of the vocabulary (%s) defines "
                   "only train-ai, ai-use and search, so a crawler that follows only the "
                   "current draft ignores this preference.",
                   li->defined_in, CCSIG_VOCAB_CURRENT_DRAFT));
    }
}

/* The preference of one entry (dc's first) and, with a CC signal, its
 * terms verbatim. */
static void preference_section(doc *d, const ccsig_declaration *dc) {
    const char *title = ccsig_category_title(dc->use);
    bool deny = dc->state == CCSIG_STATE_DENY;
    bool sig = deny && dc->signal != CCSIG_SIGNAL_NONE;
    unsigned cond = sig ? ccsig_signal_conditions(dc->signal) : 0;
    block *b = blk(d, BK_PARA);
    if (sig) {
        txt(b, fmt(d,
                   "%s is not allowed, unless the reuser meets every condition of the CC "
                   "signal ",
                   title));
        strong(b, ccsig_signal_title(dc->signal));
        txt(b, " (");
        code(b, ccsig_signal_token(dc->signal));
        txt(b, "), version 0.1. Its terms, as Creative Commons wrote them:");
        for (unsigned bit = 1; bit && bit <= cond; bit <<= 1) {
            if (!(cond & bit))
                continue;
            static const char *const names[] = {"Credit", "Direct Contribution",
                                                "Ecosystem Contribution", "Open"};
            int k = bit == CCSIG_COND_CREDIT                   ? 0
                    : bit == CCSIG_COND_DIRECT_CONTRIBUTION    ? 1
                    : bit == CCSIG_COND_ECOSYSTEM_CONTRIBUTION ? 2
                                                               : 3;
            b = blk(d, BK_QUOTE);
            strong(b, fmt(d, "%s.", names[k]));
            txt(b, fmt(d, " %s", ccsig_condition_terms(bit)));
        }
        b = blk(d, BK_PARA);
        txt(b, "A reuser who does not meet all of them should treat the use as not allowed. A "
               "crawler that does not know CC signals reads a plain no.");
    } else if (deny) {
        txt(b, fmt(d,
                   "%s is not allowed. This is a plain opt-out: no CC signal applies, so no "
                   "conditions lift it.",
                   title));
    } else {
        txt(b, fmt(d, "%s is allowed, without conditions.", title));
    }
}

static void build(doc *d, const ccsig_declaration *dc) {
    size_t nuse = declare_count(dc);
    ccsig_declaration v[CCSIG_DECLARE_MAX_USES]; /* each entry alone */
    unsigned cond = 0, nsig = 0;
    bool credit_training = false, credit_other = false, credit_search = false;
    for (size_t k = 0; k < nuse; k++) {
        declare_view(dc, k, &v[k]);
        if (v[k].state != CCSIG_STATE_DENY || v[k].signal == CCSIG_SIGNAL_NONE)
            continue;
        unsigned c = ccsig_signal_conditions(v[k].signal);
        cond |= c;
        nsig++;
        if (c & CCSIG_COND_CREDIT) {
            ccsig_category u = v[k].use;
            credit_training |= u != CCSIG_CAT_AI_USE && u != CCSIG_CAT_SEARCH;
            credit_other |= u != CCSIG_CAT_SEARCH;
            credit_search |= u == CCSIG_CAT_SEARCH;
        }
    }
    bool sig = nsig > 0;
    ccsig_buf t = CCSIG_BUF_INIT;
    declare_put_expression(dc, &t);
    const char *expr = fmt(d, "%s", ccsig_buf_cstr(&t));
    ccsig_buf_clear(&t);
    declare_put_robots(dc, &t);
    if (t.len && t.data[t.len - 1] == '\n')
        t.data[--t.len] = '\0';
    const char *robots = fmt(d, "%s", ccsig_buf_cstr(&t));
    if (ccsig_buf_failed(&t))
        d->oom = true;
    ccsig_buf_free(&t);

    block *b = blk(d, BK_TITLE);
    txt(b, dc->collection ? fmt(d, "AI usage declaration: %s", dc->collection)
                          : "AI usage declaration");

    b = blk(d, BK_PARA);
    party_ref(b, dc);
    txt(b, " states how machines may use ");
    if (dc->collection)
        txt(b, fmt(d, "\u201c%s\u201d, ", dc->collection));
    if (dc->npaths) {
        txt(b, "the content under ");
        put_paths(d, b, dc);
        txt(b, " on its website (each path and everything below it).");
    } else {
        txt(b, dc->collection ? "everything on its website." : "the content of its website.");
    }
    txt(b, " It uses the IETF AI Preferences vocabulary");
    txt(b, nsig > 1 ? " and CC signals, a proposal by Creative Commons for reciprocity between "
                      "those who steward content and those who reuse it for AI."
           : sig ? " and a CC signal, a proposal by Creative Commons for reciprocity between those "
                   "who steward content and those who reuse it for AI."
                 : ".");

    /* At a glance. */
    for (size_t k = 0; k < nuse; k++)
        glance_entry(d, &v[k]);
    b = blk(d, BK_ITEM);
    strong(b, "Applies to:");
    if (dc->npaths) {
        txt(b, " ");
        put_paths(d, b, dc);
    } else {
        txt(b, " the whole website");
    }
    b = blk(d, BK_ITEM);
    strong(b, "Declaring party:");
    txt(b, " ");
    if (dc->party_name || dc->party_url)
        party_ref(b, dc);
    else
        txt(b, "not named");
    b = blk(d, BK_ITEM);
    strong(b, "Copyright:");
    switch (dc->copyright) {
    case CCSIG_COPYRIGHT_HOLDER:
        txt(b, " the declaring party holds it (or acts for those who do)");
        break;
    case CCSIG_COPYRIGHT_NOT_HOLDER:
        txt(b, " the declaring party does not hold it");
        break;
    case CCSIG_COPYRIGHT_MIXED:
        txt(b, " mixed: the declaring party holds it for some of the content");
        break;
    default:
        txt(b, " not stated");
    }

    /* The use and the preference: one section for one entry, a section per
     * entry (use and preference together) for several. */
    if (nuse == 1) {
        use_section(d, &v[0], true);
        b = blk(d, BK_HEADING);
        txt(b, "The preference");
        preference_section(d, &v[0]);
    } else {
        for (size_t k = 0; k < nuse; k++) {
            use_section(d, &v[k], false);
            preference_section(d, &v[k]);
        }
        b = blk(d, BK_PARA);
        txt(b, "Other uses are not covered by this declaration.");
    }

    /* Copyright. */
    b = blk(d, BK_HEADING);
    txt(b, "Copyright status");
    b = blk(d, BK_PARA);
    const char *what = nsig > 1 ? "the signals" : sig ? "the signal" : "this declaration";
    switch (dc->copyright) {
    case CCSIG_COPYRIGHT_HOLDER:
        party_name(b, dc);
        txt(b, fmt(d,
                   " holds the copyright in the content, or is authorised to act for those who "
                   "do. Where copyright applies to a use, %s may have legal effect, depending "
                   "on the jurisdiction. Where the law allows the use without permission, it "
                   "states a preference that reusers are asked to honour.",
                   what));
        break;
    case CCSIG_COPYRIGHT_NOT_HOLDER:
        party_name(b, dc);
        txt(b, fmt(d,
                   " does not hold the copyright in the content: it stewards content whose "
                   "rights belong to others, or to no one. %s states the steward's preference; "
                   "it grants no copyright permission and cannot restrict what the law "
                   "otherwise allows. Reusers remain responsible for the rights of those who "
                   "hold them.",
                   nsig > 1 ? "The signals"
                   : sig    ? "The signal"
                            : "This declaration"));
        break;
    case CCSIG_COPYRIGHT_MIXED:
        txt(b, "The collection mixes content whose copyright ");
        party_name(b, dc);
        txt(b, fmt(d,
                   " holds, or may act for, with content whose rights belong to others. For "
                   "the first, %s may have legal effect where copyright applies, depending on "
                   "the jurisdiction; for the rest it states the steward's preference only, and "
                   "reusers remain responsible for the rights of those who hold them. The "
                   "declaring party is responsible for agreeing the choice with the authors "
                   "of the content.",
                   what));
        break;
    default:
        party_name(b, dc);
        txt(b, fmt(d,
                   " has not stated whether it holds the copyright in the content. The effect "
                   "of %s depends on it: where the declaring party holds the copyright and "
                   "copyright applies to a use, it may have legal effect, depending on the "
                   "jurisdiction; otherwise it states a preference that reusers are asked to "
                   "honour.",
                   what));
    }
    if (sig) {
        b = blk(d, BK_PARA);
        txt(b, "In the words of the CC signals proposal: \u201cWhere copyright exists and is "
               "applicable, CC signals are intended to leverage the power of copyright without "
               "increasing its power. This is not about creating new property rights; it is "
               "more like defining manners for machines.\u201d");
    }

    /* Credit and contribution. */
    if (cond & CCSIG_COND_CREDIT) {
        b = blk(d, BK_HEADING);
        txt(b, "How to give credit");
        b = blk(d, BK_PARA);
        if (dc->party_name || dc->party_url) {
            txt(b, "Credit ");
            party_name(b, dc);
            if (dc->party_name && dc->party_url) {
                txt(b, " (");
                link(b, dc->party_url, dc->party_url);
                txt(b, ")");
            }
            txt(b, dc->collection ? fmt(d, " as the source, naming the collection \u201c%s\u201d.",
                                        dc->collection)
                                  : " as the source.");
        } else {
            txt(b, "Credit the collection as the source, by name and with a link to where you "
                   "obtained it.");
        }
        /* What the CC signals README expects of credit, for the declared uses. */
        if (credit_training)
            txt(b, " At a minimum, cite the collection in the documentation of the training "
                   "dataset.");
        if (credit_other)
            txt(b, " Where a system retrieves content to answer queries (such as "
                   "retrieval-augmented generation), or can otherwise connect an output with "
                   "particular content, the output should cite the collection as a source, "
                   "with a link.");
        if (credit_search)
            txt(b, " Results that use the content should name the collection and link to it.");
        txt(b, " Give credit appropriate to the method, means and context of your use, as the "
               "terms say. For example:");
        b = blk(d, BK_CODE);
        const char *who = dc->party_name ? dc->party_name : NULL;
        const char *src = dc->collection && who ? fmt(d, "%s, %s", dc->collection, who)
                          : dc->collection      ? dc->collection
                          : who                 ? who
                                                : "<name of the collection>";
        const char *url = dc->party_url ? dc->party_url : "<link to where you obtained it>";
        ccsig_buf e = CCSIG_BUF_INIT;
        ccsig_buf_printf(&e, "Source: %s, %s.", src, url);
        for (size_t k = 0; k < nuse; k++) {
            if (v[k].state != CCSIG_STATE_DENY || v[k].signal == CCSIG_SIGNAL_NONE ||
                !(ccsig_signal_conditions(v[k].signal) & CCSIG_COND_CREDIT))
                continue;
            ccsig_buf_printf(&e, " CC signal %s (%s)", ccsig_signal_title(v[k].signal),
                             ccsig_signal_token(v[k].signal));
            if (nuse > 1)
                ccsig_buf_printf(&e, " for %s", ccsig_category_name(v[k].use));
            ccsig_buf_putc(&e, '.');
        }
        if (ccsig_buf_failed(&e))
            d->oom = true;
        txt(b, fmt(d, "%s", ccsig_buf_cstr(&e)));
        ccsig_buf_free(&e);
    }
    if (cond & CCSIG_COND_DIRECT_CONTRIBUTION) {
        b = blk(d, BK_HEADING);
        txt(b, "How to contribute");
        b = blk(d, BK_PARA);
        if (dc->party_url) {
            txt(b, "To agree on monetary or in-kind support, contact ");
            party_name(b, dc);
            if (dc->party_name) {
                txt(b, " at ");
                link(b, dc->party_url, dc->party_url);
            }
            txt(b, ".");
        } else {
            txt(b, "To agree on monetary or in-kind support, contact the declaring party.");
        }
        txt(b, " The support goes to the declaring party for the development and maintenance "
               "of the content. It is not a price: it rests on a good-faith valuation of your "
               "use and of your financial means.");
    }
    if (cond & CCSIG_COND_ECOSYSTEM_CONTRIBUTION) {
        b = blk(d, BK_HEADING);
        txt(b, cond & CCSIG_COND_DIRECT_CONTRIBUTION ? "How to contribute to the ecosystem"
                                                     : "How to contribute");
        b = blk(d, BK_PARA);
        txt(b, "The support goes back to the ecosystem you benefit from, the commons as a "
               "whole, not necessarily to the declaring party. It rests on a good-faith "
               "valuation of your use and of your financial means.");
    }
    if (cond & CCSIG_COND_OPEN) {
        b = blk(d, BK_HEADING);
        txt(b, "Open AI systems");
        b = blk(d, BK_PARA);
        txt(b, "The AI system built with the content must be open, for example by satisfying "
               "the Model Openness Framework (MOF) Class II or Class I, or the Open Source AI "
               "Definition (OSAID). Say which one in the credit.");
    }

    /* The machine-readable lines. */
    b = blk(d, BK_HEADING);
    txt(b, "Machine-readable lines");
    b = blk(d, BK_PARA);
    txt(b, "The content usage expression:");
    b = blk(d, BK_CODE);
    txt(b, expr);
    b = blk(d, BK_PARA);
    txt(b, "In robots.txt at the root of the website:");
    b = blk(d, BK_CODE);
    txt(b, robots);
    if (dc->agent && strcmp(dc->agent, "*")) {
        b = blk(d, BK_PARA);
        txt(b, "These rules address only crawlers that identify as ");
        code(b, dc->agent);
        txt(b, "; the header and the embedded metadata apply to every reader.");
    }
    b = blk(d, BK_PARA);
    txt(b, dc->npaths ? "As an HTTP response header on every file under the declared paths:"
                      : "As an HTTP response header on every file of the website:");
    b = blk(d, BK_CODE);
    txt(b, fmt(d, "Content-Usage: %s", expr));
    ccsig_declare_peers peers;
    ccsig_declare_peer_values(dc, &peers);
    b = blk(d, BK_PARA);
    txt(b, "Embedded in files as XMP metadata: ");
    code(b, fmt(d, "%s:%s", CCSIG_XMP_PREFIX, CCSIG_XMP_CONTENT_USAGE));
    txt(b, fmt(d, " (namespace %s)", CCSIG_XMP_NS));
    if (peers.iptc_code) {
        txt(b, ", and for tools that know only IPTC, ");
        code(b, fmt(d, "plus:DataMining %s", peers.iptc_code));
    }
    if (peers.tdm_reservation >= 0) {
        txt(b, ", and for TDMRep, ");
        code(b, fmt(d, "tdm:reservation %d", peers.tdm_reservation));
    }
    txt(b, ".");
    if (dc->policy_url) {
        b = blk(d, BK_PARA);
        txt(b, "This declaration is published at ");
        link(b, dc->policy_url, dc->policy_url);
        txt(b, ".");
    }

    /* About. */
    b = blk(d, BK_HEADING);
    txt(b, "About this declaration");
    b = blk(d, BK_PARA);
    txt(b, "The vocabulary is the IETF ");
    link(b, "AI Preferences vocabulary", AIPREF_VOCAB_URL);
    txt(b, " (a draft).");
    if (sig) {
        txt(b, " The terms and the quotation above are from the ");
        link(b, "CC signals proposal", CC_SIGNALS_URL);
        txt(b, ", version 0.1, by Creative Commons, licensed under ");
        link(b, "CC BY 4.0", CC_BY_URL);
        txt(b, ". CC signals are a draft and may change; Creative Commons does not endorse "
               "this declaration.");
    }
    txt(b, " Written with ccsig declare.");
}

/* ---- rendering ---- */

/* Plain text: the visible string of a span. */
static const char *span_text(doc *d, const span *s) {
    if (s->kind == SP_LINK && strcmp(s->s, s->url))
        return fmt(d, "%s <%s>", s->s, s->url);
    return s->s;
}

/* Word-wrap one paragraph to TEXT_WIDTH with first/next indents. Code spans
 * and links never break inside. */
static void wrap(ccsig_buf *out, doc *d, const block *b, const char *first, const char *next) {
    ccsig_buf para = CCSIG_BUF_INIT;
    /* Spaces inside code spans become \x01 while wrapping: they never break. */
    for (int i = 0; i < b->n; i++) {
        const char *s = span_text(d, &b->sp[i]);
        bool keep = b->sp[i].kind == SP_CODE; /* URLs have no spaces */
        for (const char *p = s; *p; p++)
            ccsig_buf_putc(&para, keep && *p == ' ' ? '\x01' : *p);
    }
    if (ccsig_buf_failed(&para))
        out->failed = true;
    const char *p = ccsig_buf_cstr(&para);
    const char *indent = first;
    size_t col = 0;
    bool line_start = true;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *w = p;
        size_t bytes = 0, width = 0;
        while (w[bytes] && w[bytes] != ' ') {
            if (((unsigned char)w[bytes] & 0xC0) != 0x80)
                width++;
            bytes++;
        }
        if (!line_start && col + 1 + width > TEXT_WIDTH) {
            ccsig_buf_putc(out, '\n');
            indent = next;
            line_start = true;
        }
        if (line_start) {
            ccsig_buf_puts(out, indent);
            col = strlen(indent);
            line_start = false;
        } else {
            ccsig_buf_putc(out, ' ');
            col++;
        }
        for (size_t i = 0; i < bytes; i++)
            ccsig_buf_putc(out, w[i] == '\x01' ? ' ' : w[i]);
        col += width;
        p = w + bytes;
    }
    ccsig_buf_putc(out, '\n');
    ccsig_buf_free(&para);
}

static void underline(ccsig_buf *out, const char *s, char c) {
    size_t width = 0;
    for (const char *p = s; *p; p++)
        if (((unsigned char)*p & 0xC0) != 0x80)
            width++;
    for (size_t i = 0; i < width; i++)
        ccsig_buf_putc(out, c);
    ccsig_buf_putc(out, '\n');
}

static void render_text(doc *d, ccsig_buf *out) {
    for (int i = 0; i < d->n; i++) {
        const block *b = &d->b[i];
        bool prev_item = i > 0 && d->b[i - 1].kind == BK_ITEM;
        if (i > 0 && !(b->kind == BK_ITEM && prev_item))
            ccsig_buf_putc(out, '\n');
        switch (b->kind) {
        case BK_TITLE:
        case BK_HEADING:
            ccsig_buf_puts(out, b->sp[0].s);
            ccsig_buf_putc(out, '\n');
            underline(out, b->sp[0].s, b->kind == BK_TITLE ? '=' : '-');
            break;
        case BK_PARA:
            wrap(out, d, b, "", "");
            break;
        case BK_ITEM:
            wrap(out, d, b, "  - ", "    ");
            break;
        case BK_QUOTE:
            wrap(out, d, b, "    ", "    ");
            break;
        case BK_CODE:
            for (const char *p = b->sp[0].s; *p;) {
                const char *nl = strchr(p, '\n');
                size_t n = nl ? (size_t)(nl - p) : strlen(p);
                ccsig_buf_puts(out, "    ");
                ccsig_buf_append(out, p, n);
                ccsig_buf_putc(out, '\n');
                p += n + (nl ? 1 : 0);
            }
            break;
        }
    }
}

static void md_escaped(ccsig_buf *out, const char *s) {
    for (; *s; s++) {
        if (strchr("\\`*_[]<>#|&!~", *s))
            ccsig_buf_putc(out, '\\');
        ccsig_buf_putc(out, *s);
    }
}

static void md_code_span(ccsig_buf *out, const char *s) {
    /* Our code spans never contain a backtick (paths, tokens, expressions). */
    ccsig_buf_putc(out, '`');
    ccsig_buf_puts(out, s);
    ccsig_buf_putc(out, '`');
}

static void md_spans(ccsig_buf *out, const block *b) {
    for (int i = 0; i < b->n; i++) {
        const span *s = &b->sp[i];
        switch (s->kind) {
        case SP_TEXT:
            md_escaped(out, s->s);
            break;
        case SP_CODE:
            md_code_span(out, s->s);
            break;
        case SP_STRONG:
            ccsig_buf_puts(out, "**");
            md_escaped(out, s->s);
            ccsig_buf_puts(out, "**");
            break;
        case SP_LINK:
            ccsig_buf_putc(out, '[');
            md_escaped(out, s->s);
            ccsig_buf_puts(out, "](<");
            ccsig_buf_puts(out, s->url); /* validated: no '<', '>' or spaces */
            ccsig_buf_puts(out, ">)");
            break;
        }
    }
}

static void render_markdown(doc *d, ccsig_buf *out) {
    for (int i = 0; i < d->n; i++) {
        const block *b = &d->b[i];
        bool prev_item = i > 0 && d->b[i - 1].kind == BK_ITEM;
        if (i > 0 && !(b->kind == BK_ITEM && prev_item))
            ccsig_buf_putc(out, '\n');
        switch (b->kind) {
        case BK_TITLE:
            ccsig_buf_puts(out, "# ");
            md_spans(out, b);
            break;
        case BK_HEADING:
            ccsig_buf_puts(out, "## ");
            md_spans(out, b);
            break;
        case BK_PARA:
            md_spans(out, b);
            break;
        case BK_ITEM:
            ccsig_buf_puts(out, "- ");
            md_spans(out, b);
            break;
        case BK_QUOTE:
            ccsig_buf_puts(out, "> ");
            md_spans(out, b);
            break;
        case BK_CODE: {
            /* A fence longer than any run of backticks inside (names may have them). */
            size_t run = 0, longest = 0;
            for (const char *p = b->sp[0].s; *p; p++) {
                run = *p == '`' ? run + 1 : 0;
                if (run > longest)
                    longest = run;
            }
            size_t fl = longest < 3 ? 3 : longest + 1;
            for (size_t k = 0; k < fl; k++)
                ccsig_buf_putc(out, '`');
            ccsig_buf_printf(out, "\n%s\n", b->sp[0].s);
            for (size_t k = 0; k < fl; k++)
                ccsig_buf_putc(out, '`');
            break;
        }
        }
        ccsig_buf_putc(out, '\n');
    }
}

static void html_spans(ccsig_buf *out, const block *b) {
    for (int i = 0; i < b->n; i++) {
        const span *s = &b->sp[i];
        switch (s->kind) {
        case SP_TEXT:
            declare_put_xml_escaped(out, s->s);
            break;
        case SP_CODE:
            ccsig_buf_puts(out, "<code>");
            declare_put_xml_escaped(out, s->s);
            ccsig_buf_puts(out, "</code>");
            break;
        case SP_STRONG:
            ccsig_buf_puts(out, "<strong>");
            declare_put_xml_escaped(out, s->s);
            ccsig_buf_puts(out, "</strong>");
            break;
        case SP_LINK:
            ccsig_buf_puts(out, "<a href=\"");
            declare_put_xml_escaped(out, s->url);
            ccsig_buf_puts(out, "\">");
            declare_put_xml_escaped(out, s->s);
            ccsig_buf_puts(out, "</a>");
            break;
        }
    }
}

static void render_html(doc *d, ccsig_buf *out) {
    ccsig_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                        "<title>");
    html_spans(out, &d->b[0]);
    ccsig_buf_puts(out, "</title>\n<style>body{max-width:44em;margin:2em auto;padding:0 1em;"
                        "font-family:sans-serif;line-height:1.5}pre{background:#f4f4f4;"
                        "padding:.6em;overflow-x:auto}blockquote{border-left:4px solid #ccc;"
                        "margin-left:0;padding-left:1em}</style>\n</head>\n<body>\n");
    for (int i = 0; i < d->n; i++) {
        const block *b = &d->b[i];
        bool prev_item = i > 0 && d->b[i - 1].kind == BK_ITEM;
        bool next_item = i + 1 < d->n && d->b[i + 1].kind == BK_ITEM;
        switch (b->kind) {
        case BK_TITLE:
            ccsig_buf_puts(out, "<h1>");
            html_spans(out, b);
            ccsig_buf_puts(out, "</h1>\n");
            break;
        case BK_HEADING:
            ccsig_buf_puts(out, "<h2>");
            html_spans(out, b);
            ccsig_buf_puts(out, "</h2>\n");
            break;
        case BK_PARA:
            ccsig_buf_puts(out, "<p>");
            html_spans(out, b);
            ccsig_buf_puts(out, "</p>\n");
            break;
        case BK_ITEM:
            if (!prev_item)
                ccsig_buf_puts(out, "<ul>\n");
            ccsig_buf_puts(out, "<li>");
            html_spans(out, b);
            ccsig_buf_puts(out, "</li>\n");
            if (!next_item)
                ccsig_buf_puts(out, "</ul>\n");
            break;
        case BK_QUOTE:
            ccsig_buf_puts(out, "<blockquote><p>");
            html_spans(out, b);
            ccsig_buf_puts(out, "</p></blockquote>\n");
            break;
        case BK_CODE:
            ccsig_buf_puts(out, "<pre><code>");
            declare_put_xml_escaped(out, b->sp[0].s);
            ccsig_buf_puts(out, "</code></pre>\n");
            break;
        }
    }
    ccsig_buf_puts(out, "</body>\n</html>\n");
}

void declare_put_doc(const ccsig_declaration *dc, ccsig_declare_format f, ccsig_buf *out) {
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    doc *d = ccsig_calloc(1, sizeof *d);
    if (!d) {
        out->failed = true;
        ccsig_arena_free(&a);
        return;
    }
    d->a = &a;
    build(d, dc);
    if (f == CCSIG_DECLARE_MARKDOWN)
        render_markdown(d, out);
    else if (f == CCSIG_DECLARE_HTML)
        render_html(d, out);
    else
        render_text(d, out);
    if (d->oom)
        out->failed = true;
    ccsig_free(d);
    ccsig_arena_free(&a);
}
