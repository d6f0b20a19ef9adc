/*
 * xmpns.c — read the ccsig, IPTC plus and TDMRep properties of an XMP packet.
 *
 * A namespace-aware expat parse (names arrive as "URI\x01local") with a small
 * state machine: inside an rdf:Description, an attribute in a known
 * namespace is a property; a child element in a known namespace opens a
 * property whose value is its rdf:resource attribute, its text, or the text
 * of the x-default (else first) rdf:li of an rdf:Alt/Bag/Seq inside it.
 * Everything else is skipped. DTDs and entity declarations stop the parse:
 * an XMP packet has neither, and refusing them closes the door on entity
 * expansion attacks.
 */
#include <expat.h>
#include <stdio.h>
#include <strings.h>

#include "ccsig/buf.h"
#include "ccsig/xmpns.h"

#define NSSEP '\x01'

typedef struct prop_def {
    const char *ns, *ns2, *local;
    size_t off; /* offset of the ccsig_str in ccsig_xmp_props */
} prop_def;

static const prop_def props[] = {
    {CCSIG_XMP_NS, NULL, CCSIG_XMP_CONTENT_USAGE, offsetof(ccsig_xmp_props, content_usage)},
    {CCSIG_XMP_NS, NULL, CCSIG_XMP_COLLECTION, offsetof(ccsig_xmp_props, collection)},
    {CCSIG_XMP_NS, NULL, CCSIG_XMP_PARTY, offsetof(ccsig_xmp_props, party)},
    {CCSIG_XMP_NS, NULL, CCSIG_XMP_PARTY_URL, offsetof(ccsig_xmp_props, party_url)},
    {CCSIG_XMP_NS, NULL, CCSIG_XMP_COPYRIGHT, offsetof(ccsig_xmp_props, copyright)},
    {CCSIG_XMP_NS, NULL, CCSIG_XMP_DECLARATION, offsetof(ccsig_xmp_props, declaration)},
    {CCSIG_XMP_PLUS_NS, NULL, "DataMining", offsetof(ccsig_xmp_props, data_mining)},
    {CCSIG_XMP_PLUS_NS, NULL, "OtherConstraints", offsetof(ccsig_xmp_props, other_constraints)},
    {CCSIG_XMP_TDM_NS, CCSIG_XMP_TDM_NS_HASH, "reservation",
     offsetof(ccsig_xmp_props, tdm_reservation)},
    {CCSIG_XMP_TDM_NS, CCSIG_XMP_TDM_NS_HASH, "policy", offsetof(ccsig_xmp_props, tdm_policy)},
    {CCSIG_XMP_DC_NS, NULL, "title", offsetof(ccsig_xmp_props, title)},
    {CCSIG_XMP_DC_NS, NULL, "creator", offsetof(ccsig_xmp_props, creator)},
    {CCSIG_XMP_DC_NS, NULL, "rights", offsetof(ccsig_xmp_props, rights)},
    {CCSIG_XMP_RIGHTS_NS, NULL, "WebStatement", offsetof(ccsig_xmp_props, web_statement)},
    {CCSIG_XMP_CC_NS, NULL, "license", offsetof(ccsig_xmp_props, cc_license)},
    {CCSIG_XMP_CC_NS, NULL, "attributionName", offsetof(ccsig_xmp_props, attribution_name)},
    {CCSIG_XMP_CC_NS, NULL, "attributionURL", offsetof(ccsig_xmp_props, attribution_url)},
};

#define NPROPS (sizeof props / sizeof props[0])

typedef struct reader {
    XML_Parser xp;
    ccsig_arena *a;
    ccsig_xmp_props *out;
    ccsig_status status;
    char message[120];
    int depth;           /* current element depth */
    int desc_depth;      /* depth of the open rdf:Description, 0 when none */
    int prop_depth;      /* depth of the open property element, 0 when none */
    const prop_def *cur; /* the open property */
    const char *cur_ns;  /* the namespace its name matched */
    bool in_li;          /* collecting an rdf:li */
    bool li_done;        /* the x-default li (or the first) was taken */
    bool li_default;     /* the collected li is x-default */
    ccsig_buf text;
} reader;

static bool name_is(const char *name, const char *ns, const char *local) {
    size_t nl = strlen(ns);
    return !strncmp(name, ns, nl) && name[nl] == NSSEP && !strcmp(name + nl + 1, local);
}

/* The property of an expanded name; *ns gets the namespace it matched. */
static const prop_def *find_prop(const char *name, const char **ns) {
    for (size_t i = 0; i < NPROPS; i++) {
        if (name_is(name, props[i].ns, props[i].local)) {
            *ns = props[i].ns;
            return &props[i];
        }
        if (props[i].ns2 && name_is(name, props[i].ns2, props[i].local)) {
            *ns = props[i].ns2;
            return &props[i];
        }
    }
    return NULL;
}

static ccsig_str *slot(reader *r, const prop_def *d) {
    return (ccsig_str *)((char *)r->out + d->off);
}

static void stop(reader *r, ccsig_status s, const char *msg) {
    if (r->status == CCSIG_OK) {
        r->status = s;
        snprintf(r->message, sizeof r->message, "%s", msg);
    }
    XML_StopParser(r->xp, XML_FALSE);
}

static void store(reader *r, const prop_def *d, const char *v, size_t n) {
    ccsig_str *s = slot(r, d);
    if (s->p)
        return; /* the first value counts */
    if (!strcmp(d->ns, CCSIG_XMP_TDM_NS) && !r->out->tdm_ns)
        r->out->tdm_ns = r->cur_ns;
    if (n > CCSIG_XMP_MAX_VALUE) {
        stop(r, CCSIG_ERR_LIMIT, "a property value is longer than CCSIG_XMP_MAX_VALUE");
        return;
    }
    char *c = ccsig_arena_dup(r->a, v, n);
    if (!c) {
        stop(r, CCSIG_ERR_NOMEM, "out of memory");
        return;
    }
    *s = ccsig_str_make(c, n);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs) {
    reader *r = ud;
    r->depth++;
    if (r->prop_depth) {
        /* Inside a property: only rdf:li text matters. */
        if (name_is(name, CCSIG_XMP_RDF_NS, "li") && !r->li_done) {
            r->in_li = true;
            r->li_default = false;
            ccsig_buf_clear(&r->text);
            for (int i = 0; attrs[i]; i += 2)
                if (name_is(attrs[i], "http://www.w3.org/XML/1998/namespace", "lang") &&
                    !strcmp(attrs[i + 1], "x-default"))
                    r->li_default = true;
        }
        return;
    }
    if (name_is(name, CCSIG_XMP_RDF_NS, "Description")) {
        r->desc_depth = r->depth;
        for (int i = 0; attrs[i]; i += 2) {
            const prop_def *d = find_prop(attrs[i], &r->cur_ns);
            if (d)
                store(r, d, attrs[i + 1], strlen(attrs[i + 1]));
        }
        return;
    }
    if (r->desc_depth && r->depth == r->desc_depth + 1) {
        const char *ns;
        const prop_def *d = find_prop(name, &ns);
        if (!d)
            return;
        r->cur_ns = ns;
        r->cur = d;
        r->prop_depth = r->depth;
        r->li_done = false;
        r->in_li = false;
        ccsig_buf_clear(&r->text);
        for (int i = 0; attrs[i]; i += 2)
            if (name_is(attrs[i], CCSIG_XMP_RDF_NS, "resource")) {
                store(r, d, attrs[i + 1], strlen(attrs[i + 1]));
                r->li_done = true;
            }
    }
}

static void XMLCALL on_end(void *ud, const XML_Char *name) {
    reader *r = ud;
    if (r->prop_depth && r->in_li && name_is(name, CCSIG_XMP_RDF_NS, "li")) {
        r->in_li = false;
        /* Keep the first li, replace it only by an x-default one. */
        ccsig_str *s = slot(r, r->cur);
        if (!s->p || r->li_default) {
            s->p = NULL;
            store(r, r->cur, r->text.data ? r->text.data : "", r->text.len);
        }
        if (r->li_default)
            r->li_done = true;
        ccsig_buf_clear(&r->text);
    } else if (r->prop_depth && r->depth == r->prop_depth) {
        /* Simple value: the element's own text (when no li or resource gave one). */
        ccsig_str *s = slot(r, r->cur);
        if (!s->p && !r->li_done)
            store(r, r->cur, r->text.data ? r->text.data : "", r->text.len);
        r->prop_depth = 0;
        r->cur = NULL;
        ccsig_buf_clear(&r->text);
    } else if (r->desc_depth && r->depth == r->desc_depth) {
        r->desc_depth = 0;
    }
    r->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len) {
    reader *r = ud;
    if (!r->prop_depth)
        return;
    /* Text directly in the property element, or in the li being collected. */
    if (r->in_li || r->depth == r->prop_depth) {
        if (r->text.len + (size_t)len > CCSIG_XMP_MAX_VALUE) {
            stop(r, CCSIG_ERR_LIMIT, "a property value is longer than CCSIG_XMP_MAX_VALUE");
            return;
        }
        ccsig_buf_append(&r->text, s, (size_t)len);
        if (ccsig_buf_failed(&r->text))
            stop(r, CCSIG_ERR_NOMEM, "out of memory");
    }
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal) {
    stop(ud, CCSIG_ERR_SYNTAX, "a DTD is not allowed in an XMP packet");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation) {
    stop(ud, CCSIG_ERR_SYNTAX, "an entity declaration is not allowed in an XMP packet");
}

ccsig_status ccsig_xmp_read(ccsig_arena *a, const char *p, size_t len, ccsig_xmp_props *out,
                            ccsig_error *err) {
    memset(out, 0, sizeof *out);
    ccsig_error_clear(err);
    if (len > (size_t)0x7fffffff)
        return ccsig_error_set(err, CCSIG_ERR_LIMIT, 0, "packet larger than 2 GiB");
    reader r;
    memset(&r, 0, sizeof r);
    r.a = a;
    r.out = out;
    r.xp = XML_ParserCreateNS("UTF-8", NSSEP);
    if (!r.xp)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    XML_SetUserData(r.xp, &r);
    XML_SetElementHandler(r.xp, on_start, on_end);
    XML_SetCharacterDataHandler(r.xp, on_text);
    XML_SetStartDoctypeDeclHandler(r.xp, on_doctype);
    XML_SetEntityDeclHandler(r.xp, on_entity);
    XML_SetParamEntityParsing(r.xp, XML_PARAM_ENTITY_PARSING_NEVER);
    enum XML_Status xs = XML_Parse(r.xp, p, (int)len, XML_TRUE);
    ccsig_status st = CCSIG_OK;
    if (r.status != CCSIG_OK || xs != XML_STATUS_OK) {
        st = r.status != CCSIG_OK ? r.status : CCSIG_ERR_SYNTAX;
        const char *msg =
            r.status != CCSIG_OK ? r.message : XML_ErrorString(XML_GetErrorCode(r.xp));
        XML_Size line = XML_GetCurrentLineNumber(r.xp);
        XML_Size col = XML_GetCurrentColumnNumber(r.xp);
        XML_Index off = XML_GetCurrentByteIndex(r.xp);
        ccsig_error_set(err, st, off < 0 ? 0 : (size_t)off, "XMP: %s", msg);
        if (err) {
            err->line = (unsigned)line;
            err->column = (unsigned)col + 1;
        }
        memset(out, 0, sizeof *out);
    }
    XML_ParserFree(r.xp);
    ccsig_buf_free(&r.text);
    return st;
}

ccsig_status ccsig_xmp_statement(const ccsig_xmp_props *x, ccsig_arena *a, ccsig_statement *st,
                                 ccsig_warnings *w, ccsig_error *err) {
    ccsig_statement_init(st, CCSIG_SRC_XMP);
    if (!x->content_usage.p)
        return ccsig_error_set(err, CCSIG_ERR_RANGE, 0, "no ccsig:contentUsage in the packet");
    st->src.text = x->content_usage;
    st->src.origin = CCSIG_STR_LIT(CCSIG_XMP_PREFIX ":" CCSIG_XMP_CONTENT_USAGE);
    return ccsig_pref_parse(a, x->content_usage.p, x->content_usage.len, st, w, err);
}

/* ---- plus:DataMining ---- */

#define U CCSIG_STATE_UNKNOWN
#define A CCSIG_STATE_ALLOW
#define D CCSIG_STATE_DENY
static const ccsig_xmp_dmi dmi_codes[] = {
    {"DMI-UNSPECIFIED", U, U, U, U, false, false},
    {"DMI-ALLOWED", A, U, U, U, false, false},
    {"DMI-PROHIBITED-AIMLTRAINING", U, D, U, U, false, false},
    {"DMI-PROHIBITED-GENAIMLTRAINING", U, U, D, U, false, false},
    {"DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING", D, U, U, A, false, false},
    {"DMI-PROHIBITED", D, U, U, U, false, false},
    {"DMI-PROHIBITED-SEECONSTRAINT", D, U, U, U, true, false},
    {"DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR", D, U, U, U, true, false},
    {"DMI-PROHIBITED-SEELINKEDRIGHTSEXPR", D, U, U, U, true, false},
    /* 2023 PLUS draft codes, by analogy */
    {"DMI-ALLOWED-noaitraining", A, D, U, U, false, true},
    {"DMI-ALLOWED-nogenaitraining", A, U, D, U, false, true},
    {"DMI-ALLOWED-searchengineindexing", D, U, U, A, false, true},
    {"DMI-ALLOWED-onlysearchengineindexing", D, U, U, A, false, true},
    {"DMI-NOT-ALLOWED", D, U, U, U, false, true},
    {"DMI-SEE-constraint", D, U, U, U, true, true},
    {"DMI-SEE-embeddedrightsexpr", D, U, U, U, true, true},
    {"DMI-SEE-linkedrightsexpr", D, U, U, U, true, true},
};
#undef U
#undef A
#undef D

static bool xml_ws(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

const ccsig_xmp_dmi *ccsig_xmp_dmi_find(ccsig_str value, ccsig_str *code, bool *foreign) {
    ccsig_str v = value;
    while (v.len && xml_ws(v.p[0])) {
        v.p++;
        v.len--;
    }
    while (v.len && xml_ws(v.p[v.len - 1]))
        v.len--;
    size_t i = v.len;
    while (i > 0 && v.p[i - 1] != '/')
        i--;
    ccsig_str c = ccsig_str_make(v.p + i, v.len - i);
    if (code)
        *code = c;
    if (foreign) {
        static const char vocab[] = "http://ns.useplus.org/ldf/vocab/",
                          vocab_s[] = "https://ns.useplus.org/ldf/vocab/";
        *foreign = i > 0 && !(i == sizeof vocab - 1 && !strncasecmp(v.p, vocab, i)) &&
                   !(i == sizeof vocab_s - 1 && !strncasecmp(v.p, vocab_s, i));
    }
    for (size_t k = 0; k < sizeof dmi_codes / sizeof dmi_codes[0]; k++)
        if (ccsig_str_ieq(c, dmi_codes[k].code))
            return &dmi_codes[k];
    return NULL;
}

static void dmi_set(ccsig_statement *st, ccsig_category c, ccsig_state s, bool policy,
                    ccsig_str label) {
    ccsig_statement_set(st, c, s, CCSIG_SIGNAL_NONE,
                        s == CCSIG_STATE_DENY && policy ? CCSIG_COND_POLICY : 0, label);
}

void ccsig_xmp_dmi_apply(const ccsig_xmp_dmi *d, ccsig_statement *st, ccsig_str label) {
    dmi_set(st, CCSIG_CAT_AUTOMATED_PROCESSING, d->ap, d->policy, label);
    dmi_set(st, CCSIG_CAT_TRAIN_AI, d->train, d->policy, label);
    dmi_set(st, CCSIG_CAT_TRAIN_GENAI, d->genai, d->policy, label);
    dmi_set(st, CCSIG_CAT_SEARCH, d->search, d->policy, label);
}

bool ccsig_xmp_peer_statement(const ccsig_xmp_props *x, ccsig_statement *st) {
    ccsig_statement_init(st, CCSIG_SRC_XMP);
    bool any = false;
    if (x->data_mining.p) {
        const ccsig_xmp_dmi *d = ccsig_xmp_dmi_find(x->data_mining, NULL, NULL);
        if (d && (d->ap || d->train || d->genai || d->search)) {
            ccsig_xmp_dmi_apply(d, st, CCSIG_STR_LIT("plus:DataMining"));
            any = true;
        }
    }
    if (x->tdm_reservation.p) {
        ccsig_str v = x->tdm_reservation;
        if (ccsig_str_eq(v, "1") || ccsig_str_eq(v, "0")) {
            if (v.p[0] == '1') {
                /* TDM rights reserved: every AI use, but not search, which the TDMRep
                 * group leaves to robots.txt (peer-signals.md §2). */
                ccsig_statement_set(st, CCSIG_CAT_TRAIN_AI, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, 0,
                                    CCSIG_STR_LIT("tdm:reservation"));
                ccsig_statement_set(st, CCSIG_CAT_AI_USE, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, 0,
                                    CCSIG_STR_LIT("tdm:reservation"));
            } else {
                ccsig_statement_set(st, CCSIG_CAT_AUTOMATED_PROCESSING, CCSIG_STATE_ALLOW,
                                    CCSIG_SIGNAL_NONE, 0, CCSIG_STR_LIT("tdm:reservation"));
            }
            any = true;
        }
    }
    return any;
}
