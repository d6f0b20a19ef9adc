/*
 * sources/rsl.c — RSL 1.0 licence documents (Really Simple Licensing,
 * https://rslstandard.org/rsl; peer-signals.md §3), parsed with libxml2.
 *
 * Mapping (ccsig-check(1) documents the judgement calls):
 *   usage tokens  all -> automated-processing; ai-all -> train-ai and ai-use;
 *                 ai-train -> train-ai (train-genai through the hierarchy);
 *                 ai-input, ai-index -> ai-use; search -> search; the pre-1.0
 *                 token tdm -> automated-processing (with a note)
 *   prohibits     deny
 *   permits       allow when the licence asks nothing; otherwise a deny lifted
 *                 by conditions: payment attribution -> credit, contribution ->
 *                 ecosystem contribution, any other non-free payment ->
 *                 payment; `server` on the content -> licence (a token must be
 *                 obtained even when free); user or geo limits -> policy
 *   licences      several <license> elements are alternative offers: per
 *                 category the least restrictive stated answer is kept
 *   contents      the <content> whose url matches the asset with the longest
 *                 pattern applies
 *   encrypted     encrypted="true" on the content (xsd:boolean: true or 1) is
 *                 kept in the source's text: the asset is served encrypted
 *                 and its key comes from the licence server (OLP's key
 *                 endpoint); it changes no verdict
 * Payment is never an allow: it is an obligation the reuser must commit to.
 *
 * XML safety: no DTD loading, no network, no entity substitution (entities
 * stay references), libxml2's own amplification limits; errors go to the
 * parser context, never to stderr.
 */
#include <pthread.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "internal.h"

#define EMPTY ccsig_str_make("", 0)

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void) {
    xmlInitParser();
}

void src_xml_init(void) {
    pthread_once(&xml_once, xml_init);
}

/* Fill err from a libxml2 parse failure. */
static ccsig_status xml_error(xmlParserCtxtPtr ctxt, const char *what, ccsig_error *err) {
    const xmlError *e = xmlCtxtGetLastError(ctxt);
    ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "%s: %s", what,
                    e && e->message ? e->message : "parse error");
    if (err) {
        size_t n = strlen(err->message);
        while (n && (err->message[n - 1] == '\n' || err->message[n - 1] == ' '))
            err->message[--n] = '\0';
        err->line = e ? (unsigned)e->line : 0;
        err->column = e ? (unsigned)e->int2 : 0;
    }
    return CCSIG_ERR_SYNTAX;
}

xmlDocPtr src_xml_read(const char *p, size_t len, const char *what, ccsig_error *err) {
    if (len > INT32_MAX) {
        ccsig_error_set(err, CCSIG_ERR_LIMIT, 0, "XML document too large");
        return NULL;
    }
    src_xml_init();
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        return NULL;
    }
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, p, (int)len, "document.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_BIG_LINES);
    if (!doc)
        xml_error(ctxt, what, err);
    xmlFreeParserCtxt(ctxt);
    return doc;
}

ccsig_status src_xml_wellformed(const char *p, size_t len, ccsig_error *err) {
    ccsig_error e2;
    xmlDocPtr doc = src_xml_read(p, len, "not well-formed XML", err ? err : &e2);
    if (!doc)
        return err ? err->code : e2.code;
    xmlFreeDoc(doc);
    return CCSIG_OK;
}

static bool is_el(const xmlNode *n, const char *name) {
    return n->type == XML_ELEMENT_NODE && n->ns && !strcmp((const char *)n->ns->href, SRC_RSL_NS) &&
           !strcmp((const char *)n->name, name);
}

/* An attribute's value copied into the arena (empty when absent). */
static ccsig_str prop(ccsig_arena *a, const xmlNode *n, const char *name) {
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return EMPTY;
    ccsig_str s = src_dup(a, ccsig_str_c((const char *)v));
    xmlFree(v);
    return s;
}

ccsig_str src_xml_text(ccsig_arena *a, const struct _xmlNode *n) {
    xmlChar *v = xmlNodeGetContent(n);
    if (!v)
        return EMPTY;
    ccsig_str s = src_trim(src_dup(a, ccsig_str_c((const char *)v)));
    xmlFree(v);
    return s;
}

/* One licence's stated preferences, before the hierarchy. */
typedef struct lic {
    ccsig_statement st;
    unsigned conds; /* conditions of its permits */
} lic;

const src_rsl_usage src_rsl_usages[] = {
    {"all", {CCSIG_CAT_AUTOMATED_PROCESSING}, 1, false, false},
    {"ai-all", {CCSIG_CAT_TRAIN_AI, CCSIG_CAT_AI_USE}, 2, false, false},
    {"ai-train", {CCSIG_CAT_TRAIN_AI}, 1, false, true},
    {"ai-input", {CCSIG_CAT_AI_USE}, 1, false, true},
    {"ai-index", {CCSIG_CAT_AI_USE}, 1, false, false},
    {"search", {CCSIG_CAT_SEARCH}, 1, false, true},
    {"tdm", {CCSIG_CAT_AUTOMATED_PROCESSING}, 1, true, false},
};
const size_t src_rsl_nusages = sizeof src_rsl_usages / sizeof src_rsl_usages[0];

const src_rsl_payment src_rsl_payments[] = {
    {"attribution", CCSIG_COND_CREDIT},
    {"contribution", CCSIG_COND_ECOSYSTEM_CONTRIBUTION},
};
const size_t src_rsl_npayments = sizeof src_rsl_payments / sizeof src_rsl_payments[0];

/* The table entry of a usage token, or NULL for an unknown token. */
static const src_rsl_usage *usage_of(ccsig_str tok) {
    for (size_t i = 0; i < src_rsl_nusages; i++)
        if (ccsig_str_eq(tok, src_rsl_usages[i].token))
            return &src_rsl_usages[i];
    return NULL;
}

/* The conditions a payment type asks for (free or absent: none). */
static unsigned payment_conds(ccsig_str type) {
    if (!type.len || ccsig_str_eq(type, "free"))
        return 0;
    for (size_t i = 0; i < src_rsl_npayments; i++)
        if (ccsig_str_eq(type, src_rsl_payments[i].type))
            return src_rsl_payments[i].cond;
    return CCSIG_COND_PAYMENT;
}

static int rank(const ccsig_pref *p) {
    if (p->state == CCSIG_STATE_DENY)
        return p->conditions ? 2 : 3;
    return p->state == CCSIG_STATE_ALLOW ? 1 : 0;
}

typedef struct rsl_ctx {
    ccsig_collect *c;
    const ccsig_provenance *src;
    ccsig_buf sum; /* the summary text */
} rsl_ctx;

/* Read one <license> into l. */
static void read_license(rsl_ctx *x, const xmlNode *ln, bool server, lic *l) {
    ccsig_collect *c = x->c;
    ccsig_statement_init(&l->st, CCSIG_SRC_RSL);
    l->conds = server ? CCSIG_COND_LICENSE : 0;
    /* First pass: conditions (payment, user/geo limits). */
    for (const xmlNode *e = ln->children; e; e = e->next) {
        if (is_el(e, "payment")) {
            ccsig_str type = prop(c->arena, e, "type");
            unsigned pc = payment_conds(type);
            l->conds |= pc;
            ccsig_buf_printf(&x->sum, "; payment %.*s", (int)(type.len ? type.len : 4),
                             type.len ? type.p : "free");
            for (const xmlNode *k = e->children; k; k = k->next)
                if (is_el(k, "standard") || is_el(k, "custom")) {
                    ccsig_str u = src_xml_text(c->arena, k);
                    if (u.len)
                        ccsig_collect_link(c, CCSIG_LINK_LICENSE, u, EMPTY, x->src);
                } else if (is_el(k, "amount")) {
                    ccsig_str amt = src_xml_text(c->arena, k), cur = prop(c->arena, k, "currency");
                    ccsig_buf_printf(&x->sum, " %.*s %.*s", (int)amt.len, amt.p, (int)cur.len,
                                     cur.p);
                }
        } else if (is_el(e, "permits") || is_el(e, "prohibits")) {
            ccsig_str type = prop(c->arena, e, "type");
            if (ccsig_str_eq(type, "user") || ccsig_str_eq(type, "geo"))
                l->conds |= CCSIG_COND_POLICY;
        }
    }
    if (server)
        ccsig_buf_puts(&x->sum, "; licence server");
    /* Second pass: usages. */
    for (const xmlNode *e = ln->children; e; e = e->next) {
        bool permits = is_el(e, "permits");
        if (!permits && !is_el(e, "prohibits"))
            continue;
        ccsig_str type = prop(c->arena, e, "type");
        ccsig_str val = src_xml_text(c->arena, e);
        ccsig_buf_printf(&x->sum, "; %s %.*s=%.*s", permits ? "permits" : "prohibits",
                         (int)(type.len ? type.len : 5), type.len ? type.p : "usage", (int)val.len,
                         val.p);
        if (type.len && !ccsig_str_eq(type, "usage"))
            continue;
        ccsig_str tok, rest = val;
        while (src_next_item(&rest, ',', &tok)) {
            const src_rsl_usage *u = usage_of(tok);
            if (!u) {
                ccsig_collect_note(c, x->src, "RSL usage '%.*s' is not an RSL 1.0 usage: ignored",
                                   (int)tok.len, tok.p);
                continue;
            }
            if (u->legacy)
                ccsig_collect_note(c, x->src,
                                   "RSL usage 'tdm' is from a pre-1.0 draft; read as 'all'");
            for (int k = 0; k < u->ncats; k++) {
                if (permits)
                    ccsig_statement_set(&l->st, u->cats[k],
                                        l->conds ? CCSIG_STATE_DENY : CCSIG_STATE_ALLOW,
                                        CCSIG_SIGNAL_NONE, l->conds, tok);
                else
                    ccsig_statement_set(&l->st, u->cats[k], CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, 0,
                                        tok);
            }
        }
    }
}

/* Does a <content url> match the asset? Returns the pattern length, or -1.
 * An absolute url must name the asset's site (scheme, host and port, case
 * and default ports aside); its path is then matched like a server path. */
static long content_match(const ccsig_collect *c, ccsig_str url) {
    ccsig_url u, t;
    if (ccsig_url_split(url, &u) && ccsig_url_split(c->ctx.url, &t)) {
        char us[512], ts[512];
        size_t ul = ccsig_url_site(&u, us, sizeof us), tl = ccsig_url_site(&t, ts, sizeof ts);
        if (!ul || ul != tl || memcmp(us, ts, ul) != 0)
            return -1;
    }
    ccsig_str up = ccsig_url_path(url);
    return ccsig_robots_pattern_match(up, ccsig_url_path(c->ctx.url)) ? (long)up.len : -1;
}

static ccsig_status rsl_read(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                             ccsig_error *err) {
    if (len > CCSIG_RSL_MAX_SIZE)
        return ccsig_error_set(err, CCSIG_ERR_LIMIT, CCSIG_RSL_MAX_SIZE,
                               "RSL document larger than %u bytes", CCSIG_RSL_MAX_SIZE);
    ccsig_error e2;
    xmlDocPtr doc = src_xml_read(p, len, "not XML", err ? err : &e2);
    if (!doc)
        return err ? err->code : e2.code;
    ccsig_status status = CCSIG_OK;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || !is_el(root, "rsl")) {
        status = ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                 "the root element is not <rsl> in the namespace " SRC_RSL_NS);
        if (err)
            err->line = root ? (unsigned)xmlGetLineNo(root) : 1;
        goto done;
    }
    const xmlNode *best = NULL;
    long best_len = -1;
    ccsig_str best_url = EMPTY;
    for (const xmlNode *n = root->children; n; n = n->next) {
        if (!is_el(n, "content"))
            continue;
        ccsig_str url = prop(c->arena, n, "url");
        if (!url.len) {
            ccsig_provenance s = src_prov(CCSIG_SRC_RSL, (unsigned)xmlGetLineNo(n), origin, EMPTY);
            ccsig_collect_note(c, &s, "<content> without a url attribute: skipped");
            continue;
        }
        long m = content_match(c, url);
        if (m > best_len) {
            best = n;
            best_len = m;
            best_url = url;
        }
    }
    if (!best) {
        ccsig_provenance s = src_prov(CCSIG_SRC_RSL, 0, origin, EMPTY);
        ccsig_collect_note(c, &s, "no <content> of the RSL document matches %.*s",
                           (int)(c->ctx.url.len ? c->ctx.url.len : 1),
                           c->ctx.url.len ? c->ctx.url.p : "/");
        goto done;
    }
    ccsig_str server = prop(c->arena, best, "server");
    ccsig_provenance src = src_prov(CCSIG_SRC_RSL, (unsigned)xmlGetLineNo(best), origin, EMPTY);
    rsl_ctx x = {c, &src, CCSIG_BUF_INIT};
    ccsig_buf_printf(&x.sum, "content url=\"%.*s\"", (int)best_url.len, best_url.p);
    if (server.len)
        ccsig_buf_printf(&x.sum, " server=\"%.*s\"", (int)server.len, server.p);
    /* encrypted (xsd:boolean): the asset is served encrypted; its key comes
     * from the licence server's key endpoint (OLP). Kept in the summary. */
    ccsig_str enc = prop(c->arena, best, "encrypted");
    if (CCSIG_STR_IEQ(enc, "true") || CCSIG_STR_IEQ(enc, "1"))
        ccsig_buf_puts(&x.sum, " encrypted=\"true\"");
    else if (enc.len && !CCSIG_STR_IEQ(enc, "false") && !CCSIG_STR_IEQ(enc, "0"))
        ccsig_collect_note(c, &src, "<content encrypted=\"%.*s\"> is not a boolean: read as false",
                           (int)enc.len, enc.p);
    ccsig_pref out[CCSIG_CAT_COUNT];
    memset(out, 0, sizeof out);
    unsigned nlic = 0;
    for (const xmlNode *ln = best->children; ln; ln = ln->next) {
        if (!is_el(ln, "license"))
            continue;
        if (nlic++)
            ccsig_buf_puts(&x.sum, " | alternative licence");
        lic l;
        read_license(&x, ln, server.len > 0, &l);
        ccsig_pref r[CCSIG_CAT_COUNT];
        ccsig_statement_resolve(&l.st, r);
        for (int k = 0; k < CCSIG_CAT_COUNT; k++) {
            if (r[k].state == CCSIG_STATE_UNKNOWN)
                continue;
            if (out[k].state == CCSIG_STATE_UNKNOWN || rank(&r[k]) < rank(&out[k]))
                out[k] = r[k];
        }
    }
    if (ccsig_buf_failed(&x.sum)) {
        ccsig_buf_free(&x.sum);
        status = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        goto done;
    }
    src.text = src_dup(c->arena, ccsig_str_make(x.sum.data ? x.sum.data : "", x.sum.len));
    ccsig_buf_free(&x.sum);
    if (!nlic) {
        ccsig_collect_note(c, &src, "the matching <content> has no <license>");
        goto done;
    }
    ccsig_statement *st = ccsig_collect_add(c, CCSIG_SRC_RSL);
    if (!st)
        goto done;
    st->src = src;
    for (int k = 0; k < CCSIG_CAT_COUNT; k++)
        if (out[k].state != CCSIG_STATE_UNKNOWN)
            ccsig_statement_set(st, (ccsig_category)k, (ccsig_state)out[k].state, CCSIG_SIGNAL_NONE,
                                out[k].conditions, out[k].label);
done:
    xmlFreeDoc(doc);
    return status;
}

ccsig_status ccsig_rsl_read(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                            ccsig_error *err) {
    bool failed = c->arena->failed;
    return src_nomem(c, failed, rsl_read(c, p, len, origin, err), err);
}
