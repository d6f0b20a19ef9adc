/*
 * evaluate.c — one asset in, statements + verdict + decision out (see
 * ccsig/evaluate.h for the order of the readers and the HTML / image rule).
 */
#include <string.h>

#include "ccsig/evaluate.h"

const char *ccsig_asset_kind_name(ccsig_asset_kind k) {
    switch (k) {
    case CCSIG_ASSET_HTML:
        return "html";
    case CCSIG_ASSET_IMAGE:
        return "image";
    case CCSIG_ASSET_OTHER:
        break;
    }
    return "other";
}

/* ------------------------------------------------------- classification -- */

/* WHATWG whitespace bytes (MIME Sniffing §3). */
static bool ws_byte(unsigned char c) {
    return c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x20;
}

/* The HTML patterns of WHATWG MIME Sniffing §7.1 "rules for identifying an
 * unknown MIME type": each followed by a tag-terminating byte (20 or 3E). */
static bool sniff_html(const char *p, size_t len) {
    static const char *const pats[] = {"<!DOCTYPE HTML",
                                       "<HTML",
                                       "<HEAD",
                                       "<SCRIPT",
                                       "<IFRAME",
                                       "<H1",
                                       "<DIV",
                                       "<FONT",
                                       "<TABLE",
                                       "<A",
                                       "<STYLE",
                                       "<TITLE",
                                       "<B",
                                       "<BODY",
                                       "<BR",
                                       "<P",
                                       "<!--"};
    size_t i = 0;
    while (i < len && ws_byte((unsigned char)p[i]))
        i++;
    for (size_t k = 0; k < sizeof pats / sizeof pats[0]; k++) {
        size_t n = strlen(pats[k]);
        if (len - i < n + 1)
            continue;
        bool eq = true;
        for (size_t j = 0; j < n && eq; j++) {
            unsigned char c = (unsigned char)p[i + j];
            if (c >= 'a' && c <= 'z')
                c = (unsigned char)(c - 32);
            eq = c == (unsigned char)pats[k][j];
        }
        unsigned char t = (unsigned char)p[i + n];
        if (eq && (t == 0x20 || t == 0x3E))
            return true;
    }
    return false;
}

/* The essence of a MIME type (RFC 9110 §8.3.1: type "/" subtype, then
 * parameters), lower-cased into buf; false when it is not one. */
static bool mime_essence(ccsig_str v, char *buf, size_t cap) {
    size_t i = 0, o = 0;
    while (i < v.len && (v.p[i] == ' ' || v.p[i] == '\t'))
        i++;
    bool slash = false;
    size_t sub = 0;
    for (; i < v.len && v.p[i] != ';' && v.p[i] != ' ' && v.p[i] != '\t'; i++) {
        char c = v.p[i];
        if (c == '/') {
            if (slash || o == 0)
                return false;
            slash = true;
            sub = o + 1;
        }
        if (o + 1 >= cap)
            return false;
        buf[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    buf[o] = '\0';
    return slash && o > sub;
}

ccsig_asset_kind ccsig_asset_classify(ccsig_str content_type, bool has_type, const char *body,
                                      size_t len, ccsig_file_format *format) {
    if (!body)
        len = 0;
    size_t head = len < 1024 ? len : 1024;
    ccsig_file_format f = ccsig_file_format_sniff(body ? body : "", head);
    if (format)
        *format = f;
    /* a. binary signatures win */
    if (f != CCSIG_FMT_SVG && ccsig_file_format_is_image(f))
        return CCSIG_ASSET_IMAGE;
    switch (f) {
    case CCSIG_FMT_RIFF:
    case CCSIG_FMT_BMFF:
    case CCSIG_FMT_PDF:
    case CCSIG_FMT_JUMBF:
        return CCSIG_ASSET_OTHER;
    default:
        break;
    }
    /* b. a known Content-Type */
    char ess[128];
    bool known = has_type && mime_essence(content_type, ess, sizeof ess) &&
                 strcmp(ess, "unknown/unknown") && strcmp(ess, "application/unknown") &&
                 strcmp(ess, "*/*");
    if (known) {
        if (!strcmp(ess, "text/html") || !strcmp(ess, "application/xhtml+xml"))
            return CCSIG_ASSET_HTML;
        if (!strncmp(ess, "image/", 6))
            return CCSIG_ASSET_IMAGE;
        return CCSIG_ASSET_OTHER;
    }
    /* c. sniffed */
    if (sniff_html(body ? body : "", head))
        return CCSIG_ASSET_HTML;
    if (f == CCSIG_FMT_SVG)
        return CCSIG_ASSET_IMAGE;
    return CCSIG_ASSET_OTHER;
}

bool ccsig_evaluate_prefix_enough(ccsig_str content_type, bool has_type, const char *body,
                                  size_t len, uint64_t total) {
    if (len >= total)
        return true;
    if (len < 1024)
        return false; /* what ccsig_asset_classify looks at */
    ccsig_file_format f;
    ccsig_asset_kind k = ccsig_asset_classify(content_type, has_type, body, len, &f);
    if (k == CCSIG_ASSET_HTML) /* the branch ccsig_evaluate takes, in its order */
        return len >= CCSIG_HTML_HEAD_MAX || ccsig_html_head_end(body, len) < len;
    if (f == CCSIG_FMT_UNKNOWN || f == CCSIG_FMT_HTML)
        return true; /* no reader looks at this body */
    size_t need;
    return ccsig_embedded_prefix_enough(body, len, &need);
}

/* ------------------------------------------------------------ evaluate -- */

static void doc_note(ccsig_collect *c, ccsig_source_kind k, const ccsig_eval_doc *d,
                     const char *what, const char *failed, const ccsig_error *err) {
    ccsig_provenance p = {k, 0, d->origin, ccsig_str_make("", 0), 0, {NULL, 0}};
    if (err)
        ccsig_collect_note(c, &p, "%s not read: line %u: %s", what, err->line, err->message);
    else
        ccsig_collect_note(c, &p, "%s %s: %.*s", what, failed, (int)d->error.len, d->error.p);
}

ccsig_status ccsig_evaluate(const ccsig_eval_input *in, ccsig_arena *a, ccsig_eval_result *out) {
    if (!in || !a || !out)
        return CCSIG_ERR_USAGE;
    unsigned readers = in->readers ? in->readers : CCSIG_EVAL_READ_ALL;
    ccsig_collect *c = &out->c;
    out->n_robots = out->n_earlier = 0;
    out->header_invalid = false;
    out->status = in->status;

    /* what the asset is */
    ccsig_str ct = in->content_type;
    bool has_type = in->has_type;
    if (!has_type && in->response)
        for (size_t i = 0; i < in->nfields; i++)
            if (CCSIG_STR_IEQ(in->fields[i].name, "Content-Type")) {
                ct = in->fields[i].value;
                has_type = true;
                break;
            }
    out->kind = CCSIG_ASSET_OTHER;
    out->format = CCSIG_FMT_UNKNOWN;
    if (in->response || in->has_type || in->body_len)
        out->kind = ccsig_asset_classify(ct, has_type, in->body, in->body_len, &out->format);

    ccsig_str agent = in->agent;
    if (agent.len == 1 && agent.p[0] == '*')
        agent = ccsig_str_make("", 0);
    ccsig_asset_ctx ctx = {agent, in->origin.len ? in->origin : in->url, in->url,
                           out->kind == CCSIG_ASSET_IMAGE};
    if (ccsig_collect_init(c, a, &ctx))
        return CCSIG_ERR_NOMEM;
    for (size_t i = 0; i < in->nnotes; i++)
        ccsig_collect_note(c, &in->notes[i].src, "%.*s", (int)in->notes[i].message.len,
                           in->notes[i].message.p);
    for (size_t i = 0; i < in->nlinks; i++)
        ccsig_collect_link(c, in->links[i].kind, in->links[i].url, in->links[i].type,
                           &in->links[i].src);

    /* 1. robots.txt: paths that cannot be crawled have no associated usage
     * preferences (draft-ietf-aipref-attach §4) */
    if (in->robots && in->robots->crawl != CCSIG_STATE_DENY)
        for (size_t i = 0; i < in->robots->n; i++)
            if (ccsig_collect_push(c, &in->robots->sts[i]))
                out->n_robots++;

    /* 2-3. the response */
    if (in->response) {
        if (readers & CCSIG_EVAL_READ_HEADERS) {
            size_t from = c->n;
            ccsig_sources_from_headers(c, in->fields, in->nfields);
            for (size_t i = from; i < c->n; i++)
                if (c->sts[i].src.kind == CCSIG_SRC_HEADER && !c->sts[i].valid &&
                    CCSIG_STR_IEQ(c->sts[i].src.origin, "Content-Usage"))
                    out->header_invalid = true;
        }
        if (in->body_len && out->kind == CCSIG_ASSET_HTML) {
            if (readers & CCSIG_EVAL_READ_HTML)
                ccsig_html_meta_scan(
                    c, in->body,
                    in->body_len < CCSIG_HTML_HEAD_MAX ? in->body_len : CCSIG_HTML_HEAD_MAX, NULL);
        } else if (out->format != CCSIG_FMT_UNKNOWN && out->format != CCSIG_FMT_HTML) {
            unsigned what = ((readers & CCSIG_EVAL_READ_XMP) ? CCSIG_EMBED_XMP : 0) |
                            ((readers & CCSIG_EVAL_READ_C2PA) ? CCSIG_EMBED_C2PA : 0);
            if (what) {
                ccsig_embedded_read(c, in->body, in->body_len, c->ctx.origin, what);
                if (in->tail && in->tail_len)
                    ccsig_embedded_read(c, in->tail, in->tail_len, c->ctx.origin, what);
            }
        }
    }

    /* 4. site documents */
    if (in->tdmrep) {
        const ccsig_eval_doc *d = in->tdmrep;
        ccsig_error err;
        if (d->p) {
            if (ccsig_tdmrep_read(c, d->p, d->len, d->origin, &err) != CCSIG_OK)
                doc_note(c, CCSIG_SRC_TDMREP, d, "tdmrep.json", NULL, &err);
        } else if (d->error.len) {
            doc_note(c, CCSIG_SRC_TDMREP, d, "tdmrep.json", "not read", NULL);
        }
    }
    for (size_t i = 0; i < in->nrsl; i++) {
        const ccsig_eval_doc *d = &in->rsl[i];
        ccsig_error err;
        if (d->p) {
            if (ccsig_rsl_read(c, d->p, d->len, d->origin, &err) != CCSIG_OK)
                doc_note(c, CCSIG_SRC_RSL, d, "RSL document", NULL, &err);
        } else if (d->error.len) {
            doc_note(c, CCSIG_SRC_RSL, d, "RSL document", "not fetched", NULL);
        }
    }

    /* 5. the caller's readers */
    if (in->more)
        in->more(c, in->more_ctx);

    /* 6. TDMRep precedence, then 7. statements made elsewhere */
    ccsig_collect_finish(c);
    for (size_t i = 0; i < in->nearlier; i++)
        if (ccsig_collect_push(c, &in->earlier[i]))
            out->n_earlier++;

    ccsig_evaluate_decide(c->sts, c->n, in->profile, &out->verdict, &out->decision);
    if (in->robots)
        ccsig_decide_crawl(in->robots->crawl, in->robots->rule, &out->decision);
    /* a reader that ran out of arena memory dropped what it read: the
     * verdict would miss a statement, so it is no answer */
    return a->failed ? CCSIG_ERR_NOMEM : CCSIG_OK;
}

void ccsig_evaluate_decide(const ccsig_statement *sts, size_t n, const ccsig_profile *profile,
                           ccsig_verdict *verdict, ccsig_decision *decision) {
    ccsig_combine_read(sts, n, profile ? profile->reading : CCSIG_READING_DEFAULT, verdict);
    ccsig_profile none = {CCSIG_CAT_NONE, 0, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT};
    ccsig_decide(verdict, profile ? profile : &none, decision);
}

ccsig_status ccsig_evaluate_response(const char *block, size_t len, const ccsig_eval_input *in,
                                     ccsig_arena *a, ccsig_http_msg *msg, ccsig_eval_result *out,
                                     ccsig_error *err) {
    if (!in || !msg)
        return CCSIG_ERR_USAGE;
    ccsig_eval_input x = *in;
    msg->nfields = 0;
    msg->kind = CCSIG_HTTP_NONE;
    ccsig_status st = ccsig_http_parse(a, block ? block : "", block ? len : 0, msg, err);
    if (st)
        return st;
    x.response = msg->kind != CCSIG_HTTP_NONE; /* fields without a start line count */
    x.status = x.response ? msg->status : -1;
    /* ccsig_http_field has the layout of ccsig_http_field (sources.h) */
    x.fields = x.response ? (const ccsig_http_field *)msg->fields : NULL;
    x.nfields = x.response ? msg->nfields : 0;
    x.body = x.response ? block + msg->header_len : NULL;
    x.body_len = x.response ? len - msg->header_len : 0;
    st = ccsig_evaluate(&x, a, out);
    if (st == CCSIG_ERR_NOMEM)
        ccsig_error_set(err, st, 0, "out of memory: the arena cannot hold the collector");
    return st;
}

void ccsig_decide_crawl(ccsig_state crawl, const ccsig_provenance *rule, ccsig_decision *d) {
    if (!d || (unsigned)d->use >= CCSIG_CAT_COUNT || crawl != CCSIG_STATE_DENY)
        return;
    d->result = CCSIG_RESULT_NOT_PERMITTED;
    d->obligations = 0;
    d->missing = 0;
    d->exclusion = CCSIG_PURPOSE_NONE;
    d->crawl_disallowed = true;
    if (rule)
        d->crawl_rule = *rule;
    else
        d->crawl_rule = (ccsig_provenance){CCSIG_SRC_ROBOTS,      0, ccsig_str_make("", 0),
                                           ccsig_str_make("", 0), 0, {NULL, 0}};
}
