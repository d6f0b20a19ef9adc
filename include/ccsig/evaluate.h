/*
 * ccsig/evaluate.h — the one path from what is known about one asset to its
 * statements, verdict and decision (ARCHITECTURE.md "evaluate").
 *
 * `ccsig scan` (per record), `ccsig check` (offline, --response and live),
 * `ccsig inspect` and the gateway all call ccsig_evaluate, so the same
 * response gives the same answer everywhere. What is known about the asset
 * goes in (its URL, the agent asking, the reuser profile, the robots.txt
 * answer, the response status and header fields, a prefix of the body, site
 * documents such as tdmrep.json and RSL, statements made elsewhere about the
 * same content) and out come, in this order:
 *
 *   1. the robots.txt statements for the path (none when the path may not
 *      be crawled: draft-ietf-aipref-attach §4);
 *   2. the response header fields (every reader of ccsig_sources_from_headers);
 *   3. for HTML, the <head> (ccsig_html_meta_scan, at most
 *      CCSIG_HTML_HEAD_MAX bytes); for other bodies with a recognised
 *      format (ccsig_file_format_sniff), the embedded metadata
 *      (ccsig_embedded_read: XMP, C2PA), in the body and in `tail`;
 *   4. /.well-known/tdmrep.json of the site, then the RSL documents given;
 *   5. the caller's hook (`more`), for readers only it can run (sidecar
 *      files beside a local file);
 *   6. TDMRep resolved across its levels (ccsig_collect_finish);
 *   7. the earlier statements (a revisit's original record);
 * then combined (ccsig_combine) and decided (ccsig_decide), and when the
 * agent may not crawl the URL, not permitted (ccsig_decide_crawl).
 *
 * What the asset is — the one rule for "is this HTML / an image"
 * (ccsig_asset_classify), after the WHATWG MIME Sniffing standard
 * (§7.1 "MIME type sniffing algorithm", §6 pattern matching), simplified:
 *
 *   a. The body's first bytes are matched against binary signatures
 *      (ccsig_file_format_sniff: JPEG FF D8 FF, PNG 89 50 4E 47 0D 0A 1A 0A,
 *      GIF87a/GIF89a, TIFF II*\0 / MM\0*, RIFF....WEBP, ISO BMFF ftyp with
 *      an image brand (AVIF, HEIC), PDF, other RIFF and BMFF, JUMBF). A body
 *      that starts with an image signature is an image whatever the
 *      Content-Type says (a PNG served as text/html or
 *      application/octet-stream is still a PNG, and noimageai applies to
 *      it); any other binary signature makes it neither HTML nor an image.
 *      Unlike WHATWG, which trusts a supplied text/html, ccsig lets the bytes
 *      win: a signal reader must not scan a PNG for <meta> tags, nor let a
 *      mislabelled image escape noimageai.
 *   b. Otherwise the Content-Type's essence (type/subtype, lower case,
 *      parameters dropped) decides when it is a known type: text/html and
 *      application/xhtml+xml are HTML; any image/ type is an image (SVG, or a
 *      format ccsig does not recognise); anything else (text/plain,
 *      text/xml, application/json, application/octet-stream, ...) is
 *      neither: WHATWG does not sniff HTML out of a supplied type.
 *   c. When there is no Content-Type, or it is unknown/unknown,
 *      application/unknown, * / * or not a valid MIME type, the body is
 *      sniffed as WHATWG's "rules for identifying an unknown MIME type" do
 *      for HTML: after leading whitespace (09 0A 0C 0D 20), one of
 *      <!DOCTYPE HTML, <HTML, <HEAD, <SCRIPT, <IFRAME, <H1, <DIV, <FONT,
 *      <TABLE, <A, <STYLE, <TITLE, <B, <BODY, <BR, <P or <!-- (ASCII case
 *      insensitive) followed by a space or '>'; an SVG document
 *      (ccsig_file_format_sniff) is an image.
 *
 * Memory: everything the result points to lives in the caller's input (the
 * header values, the body, the documents, the robots answer, the earlier
 * statements) or in the arena passed to ccsig_evaluate (decoded values,
 * notes). The arena is used, never reset: reset it between assets. The
 * result is a plain value (the collector's fixed arrays): a caller that
 * reuses one result and one arena allocates nothing per asset in the steady
 * state (the XML and CBOR parsers behind the XMP, C2PA and RSL readers
 * allocate with their own allocators while they run).
 *
 * Thread safety: reentrant; one result and one arena per thread.
 */
#ifndef CCSIG_EVALUATE_H
#define CCSIG_EVALUATE_H

#include "ccsig/arena.h"
#include "ccsig/common.h"
#include "ccsig/httpmsg.h"
#include "ccsig/pref.h"
#include "ccsig/robots.h"
#include "ccsig/sources.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What is known about the robots.txt that applies to the asset's URL. */

/* The robots.txt answer for the asset's URL (ccsig_robots_query's, or a
 * store's). Borrowed: rule and sts must outlive the result. */
typedef struct ccsig_eval_robots {
    ccsig_robots_status known;    /* RFC 9309 status class (ccsig/robots.h) */
    ccsig_state crawl;            /* ALLOW / DENY; UNKNOWN when known == NONE */
    const ccsig_provenance *rule; /* the deciding Allow/Disallow line, or NULL */
    const ccsig_statement *sts;   /* Content-Usage (etc.) statements for the path */
    size_t n;
} ccsig_eval_robots;

/* What the asset is, for the readers (see the rule above). */
typedef enum ccsig_asset_kind {
    CCSIG_ASSET_OTHER = 0,
    CCSIG_ASSET_HTML,
    CCSIG_ASSET_IMAGE
} ccsig_asset_kind;

/* "other", "html", "image". */
const char *ccsig_asset_kind_name(ccsig_asset_kind k);

/* Classify an asset by the rule above. content_type is the Content-Type
 * field value as received (parameters allowed); has_type false when there is
 * none. body[0..len) is a prefix of the body (may be empty). *format (may be
 * NULL) receives ccsig_file_format_sniff of the body. Reads at most 1 KiB. */
ccsig_asset_kind ccsig_asset_classify(ccsig_str content_type, bool has_type, const char *body,
                                      size_t len, ccsig_file_format *format);

/* Whether body[0..len), the first len of total body bytes, is all that
 * ccsig_evaluate reads of this body (step 3), so that evaluating the prefix
 * gives the statements the whole body gives: at least the 1 KiB the
 * classification looks at, then for HTML the head (ccsig_html_head_end
 * inside the prefix, or CCSIG_HTML_HEAD_MAX bytes); for JPEG, PNG, WebP and
 * RIFF the metadata before the image data (ccsig_embedded_prefix_enough);
 * for other recognised formats (PDF, GIF, TIFF, ...) the whole body; for
 * bodies that are none of these, nothing more. content_type and has_type
 * as for ccsig_asset_classify. */
bool ccsig_evaluate_prefix_enough(ccsig_str content_type, bool has_type, const char *body,
                                  size_t len, uint64_t total);

/* A site document (tdmrep.json, an RSL licence document): its bytes, or why
 * there are none. */
typedef struct ccsig_eval_doc {
    ccsig_str origin; /* its URL or file name (provenance) */
    const char *p;    /* the document, NULL when it could not be had */
    size_t len;
    ccsig_str error; /* when p is NULL: why (a note is added); empty: absent,
                        nothing to say (a 404 tdmrep.json) */
} ccsig_eval_doc;

/* Readers ccsig_evaluate runs (in.readers; 0 means CCSIG_EVAL_READ_ALL). */
enum {
    CCSIG_EVAL_READ_HEADERS = 1u << 0,  /* the response header fields */
    CCSIG_EVAL_READ_HTML = 1u << 1,     /* an HTML body's <head> */
    CCSIG_EVAL_READ_XMP = 1u << 2,      /* XMP embedded in a non-HTML body */
    CCSIG_EVAL_READ_C2PA = 1u << 3,     /* C2PA manifests embedded in a non-HTML body */
    CCSIG_EVAL_READ_ALL = (1u << 4) - 1 /* every one (scan, check) */
};

typedef struct ccsig_eval_input {
    ccsig_str url;                /* the asset's URL (TDMRep and RSL matching); may be empty */
    ccsig_str origin;             /* provenance name of the body (HTML, embedded); empty: url */
    ccsig_str agent;              /* product token of the agent asking (ccsig_robots_product_token);
                                     empty or "*": only signals addressed to every agent */
    const ccsig_profile *profile; /* NULL: no decision (use NONE) */
    const ccsig_eval_robots *robots; /* NULL: nothing known */
    bool response; /* a response was received: the page readers run (headers, body) */
    int status;    /* its HTTP status, -1 when none */
    const ccsig_http_field *fields; /* its header fields, in order */
    size_t nfields;
    bool has_type;          /* a Content-Type is given below instead of in fields */
    ccsig_str content_type; /* (for a local file: the type its name suggests) */
    const char *body;       /* a prefix of the body (content as sent; may be NULL) */
    size_t body_len;
    const char *tail; /* the last bytes of the body when read apart (a PDF's), or NULL */
    size_t tail_len;
    const ccsig_eval_doc *tdmrep; /* /.well-known/tdmrep.json of the site, or NULL */
    const ccsig_eval_doc *rsl;    /* RSL documents that apply (robots, Link, HTML) */
    size_t nrsl;
    const ccsig_note *notes; /* remarks the caller made (fetch problems), kept first */
    size_t nnotes;
    const ccsig_link *links; /* links the caller found (robots.txt RSL License lines), first */
    size_t nlinks;
    const ccsig_statement *earlier; /* statements about the same content made elsewhere */
    size_t nearlier;
    unsigned readers; /* CCSIG_EVAL_READ_* bits; 0: all */
    /* Called after the built-in readers, before TDMRep is resolved, for
     * readers only the caller can run; may be NULL. */
    void (*more)(ccsig_collect *c, void *ctx);
    void *more_ctx;
} ccsig_eval_input;

typedef struct ccsig_eval_result {
    ccsig_collect c;     /* statements (in the order above), notes and links */
    size_t n_robots;     /* how many of c.sts came from robots.txt (the first ones) */
    size_t n_earlier;    /* how many came from in.earlier (the last ones) */
    bool header_invalid; /* a Content-Usage header that is not a valid Dictionary */
    ccsig_asset_kind kind;
    ccsig_file_format format; /* of the body */
    int status;               /* in.status, or the parsed response's */
    ccsig_verdict verdict;
    ccsig_decision decision;
} ccsig_eval_result;

/* The last step of every evaluation: combine sts[0..n) (the aipref
 * most-restrictive rule with CC signal exceptions, ccsig_combine) and decide
 * for profile (NULL: no use asked). ccsig_evaluate ends with it, and so does
 * a caller that learns of statements made elsewhere only later (the scan
 * session resolving a revisit once its original is known, ccsig_scan_add):
 * it appends them after the asset's own, as step 7 does, and decides again
 * here, so that every path reaches its verdict by one rule. Thread-safe. */
void ccsig_evaluate_decide(const ccsig_statement *sts, size_t n, const ccsig_profile *profile,
                           ccsig_verdict *verdict, ccsig_decision *decision);

/* The crawl answer in a decision. A user-agent's Disallow is how the
 * ecosystem says "not for this use" today (GPTBot, Google-Extended, CCBot,
 * the policy tokens of draft-kelley): when a use is asked (d->use is a
 * category) and the agent may not crawl the URL (crawl is
 * CCSIG_STATE_DENY), the decision is not-permitted, whatever the
 * preferences or a public-interest exclusion say, with crawl_disallowed set
 * and crawl_rule the deciding robots.txt line (rule may be NULL: no line, as
 * for an unreachable robots.txt). Otherwise d is unchanged. ccsig_evaluate
 * applies it after deciding; a caller that decides again
 * (ccsig_evaluate_decide) applies it again. rule's text is borrowed. */
void ccsig_decide_crawl(ccsig_state crawl, const ccsig_provenance *rule, ccsig_decision *d);

/* Evaluate one asset. out may be reused across calls (nothing in it needs
 * freeing): out->c's arrays and everything the statements and notes point
 * to that is not the caller's input live in the arena a, so out is valid
 * until a is reset or freed. Returns CCSIG_OK; CCSIG_ERR_USAGE when in, a or
 * out is NULL; CCSIG_ERR_NOMEM when the arena cannot hold the collector or
 * failed while the readers ran (a->failed: a reader may have dropped a
 * statement, so the verdict is not an answer). A source that cannot be read
 * is a note, never a failure. */
ccsig_status ccsig_evaluate(const ccsig_eval_input *in, ccsig_arena *a, ccsig_eval_result *out);

/* Evaluate a captured HTTP response: block[0..len) is the status line, the
 * header fields and the body, exactly a WARC response record's block (a
 * revisit's block is a response without a body). It is parsed into *msg
 * (ccsig_http_parse; caller's storage, reused) and evaluated with
 * in->fields, in->body and in->status taken from it (in's other members as
 * given). A block that is not an HTTP message at all (CCSIG_HTTP_NONE) is
 * evaluated as no response (only robots.txt, documents and earlier
 * statements); fields without a start line are read as a response's.
 * Returns CCSIG_ERR_NOMEM when the arena fails, with err filled. */
ccsig_status ccsig_evaluate_response(const char *block, size_t len, const ccsig_eval_input *in,
                                     ccsig_arena *a, ccsig_http_msg *msg, ccsig_eval_result *out,
                                     ccsig_error *err);

#ifdef __cplusplus
}
#endif
#endif
