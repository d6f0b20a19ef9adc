/*
 * ccsig/attribution.h — credit records: for one asset, what a reuser must
 * say when it uses it, and the checks built on them (`ccsig cite`,
 * `ccsig verify-credit`).
 *
 * A credit record holds CC's attribution practice, TASL (title, author,
 * source link, licence with a link to its deed) plus the copyright notice;
 * the collection or site it belongs to and the party that declared the
 * preference; the decision for the reuser's use with the CC signal and its
 * obligations (credit, contribution, openness); the deciding statement; and
 * when the preference was read. draft-ietf-aipref-attach ("When Preferences
 * Apply") makes the robots.txt current at the time of the fetch the one that
 * applies, so a record carries the time its asset was fetched (a scan: the
 * WARC-Date; a live check: the clock), never the time it was cited.
 *
 * (ccsig/credit.h is the other side of the same obligation: the credit
 * manifest of a whole scan, one entry per declaring party.)
 *
 * Records are made from every reader ccsig has, through the one evaluation
 * path (ccsig_evaluate): the attribution facts of the collector
 * (ccsig/sources.h: HTML <title> and <meta>, XMP dc:/cc:/ccsig: properties,
 * dataset metadata) and its licence links (HTML and Link rel=license, XMP
 * cc:license, dataset licences, RSL). They are also read back from JSON:
 * a record itself, an annotation line of `ccsig scan --annotate`, or a hit
 * of the gateway's search API (`ccsig serve`, /search?format=json).
 *
 * The JSON shape (docs/ccsig-cite.1 "CREDIT RECORDS"; field names are
 * stable). "title", "link" and "source" are the essential attribution
 * signals of Wikimedia's Attribution Framework, with its meanings (the
 * work's title, its address, the collection it comes from), so a consumer
 * of those signals reads a record as it is:
 *
 *   {"type":"ccsig-credit-record","version":1,
 *    "title":"...", "link":"https://...", "source":"Example Museum",
 *    "source_link":"https://museum.example.org/", "author":"...",
 *    "rights":"(c) ...",
 *    "license":{"id":"https://creativecommons.org/licenses/by/4.0/",
 *               "name":"CC BY 4.0",
 *               "deed":"https://creativecommons.org/licenses/by/4.0/"},
 *    "party":"https://museum.example.org",
 *    "use":"ai-use","result":"permitted-with-obligations",
 *    "signals":["cc-cr"],"obligations":["credit"],"missing":[],
 *    "preference":{"kind":"robots","line":3,"text":"...","origin":"..."},
 *    "read_at":"2026-12-05T03:00:00Z",
 *    "from":{"title":"html line 4",...}}
 *
 * Absent values are JSON null (license: null; signals and obligations []).
 *
 * Memory: every string of a record is NUL-terminated and lives in the
 * arena given to the function that made it. Nothing here prints. Every
 * function is reentrant (one arena per thread).
 */
#ifndef CCSIG_ATTRIBUTION_H
#define CCSIG_ATTRIBUTION_H

#include "ccsig/arena.h"
#include "ccsig/buf.h"
#include "ccsig/evaluate.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CCSIG_CREDIT_RECORD_TYPE "ccsig-credit-record"
#define CCSIG_CREDIT_RECORD_VERSION 1

/* Records one JSON document may hold (a gateway answer has at most 50 hits;
 * a list of records is written by `ccsig cite --format json`). */
#define CCSIG_CREDIT_RECORDS_MAX 10000

typedef struct ccsig_credit_record {
    /* TASL */
    const char *title;        /* NULL when unknown (for each string below) */
    const char *author;       /* creator, the name to credit */
    const char *link;         /* the work's address: its canonical URL, else where it was read */
    const char *license;      /* the licence as given: a URL or an identifier (SPDX) */
    const char *license_name; /* "CC BY 4.0" for a Creative Commons licence or tool, else
                                 the identifier as given */
    const char *license_deed; /* the deed's address (CC), else the licence URL when it is one */
    const char *rights;       /* the copyright notice */
    /* the collection and who declared the preference */
    const char *source;      /* the collection, site or publisher's name */
    const char *source_link; /* its address */
    const char *party;       /* the declaring party: the site key ("https://host") */
    /* the decision */
    ccsig_category use; /* CCSIG_CAT_NONE when no use was asked */
    ccsig_result result;
    unsigned signals;     /* 1 << ccsig_signal on the deciding statements for the use */
    unsigned obligations; /* CCSIG_COND_* the reuser must meet (credit, ...) */
    unsigned missing;     /* CCSIG_COND_* the reuser did not commit to (not-permitted) */
    bool has_preference;
    ccsig_provenance preference; /* the deciding statement */
    const char *read_at;         /* RFC 3339 time the preference was read, NULL unknown */
    const char *from[CCSIG_FACT_KIND_COUNT]; /* "html line 4": where each fact came from */
    const char *license_from;
    /* where the asset is archived: an annotation line's WARC file (as the
     * line names it; for a resolved revisit, its original's) and the
     * archive offset of the record; NULL and 0 otherwise. Not written in
     * JSON (a record's own shape). ccsig_credit_record_from_archive reads
     * the record there. */
    const char *archive;
    uint64_t archive_offset;
} ccsig_credit_record;

/* Does the record ask for credit (the credit condition among its
 * obligations, or a CC signal on it)? */
bool ccsig_credit_record_asks_credit(const ccsig_credit_record *r);

/* Resolves ref against base (RFC 3986) into memory the caller frees with
 * ccsig_free, NULL when either cannot be parsed: ccsig_url_resolve of the
 * fetch component (ccsig/fetch.h) fits. */
typedef char *(*ccsig_url_resolver)(const char *base, const char *ref);

/* Build the record of an evaluated asset. url: where it was read (may be
 * NULL: a local file with no address; link is then the canonical address
 * the asset names, if any). read_at: when (RFC 3339; may be NULL). resolve
 * (may be NULL: relative links are kept as written) makes the canonical
 * and licence links absolute against url. Strings are copied into a.
 * Returns CCSIG_OK or CCSIG_ERR_NOMEM. */
ccsig_status ccsig_credit_record_from_eval(const ccsig_eval_result *ev, const char *url,
                                           const char *read_at, ccsig_url_resolver resolve,
                                           ccsig_arena *a, ccsig_credit_record *out);

/* The licence named by s (a URL or an SPDX-style identifier such as
 * "CC-BY-4.0", "cc-by-sa-4.0", "CC0-1.0"): for a Creative Commons licence
 * or public-domain tool, its name ("CC BY-SA 4.0", "CC0 1.0") and deed
 * ("https://creativecommons.org/licenses/by-sa/4.0/") written into name and
 * deed (NUL-terminated); false (nothing written) for anything else. */
bool ccsig_cc_license(const char *s, char *name, size_t name_cap, char *deed, size_t deed_cap);

/* Append r as one JSON object (the shape above, no newline). */
void ccsig_credit_record_write_json(ccsig_buf *b, const ccsig_credit_record *r);

/* Read p[0..len), one JSON document, into records in a: a credit record,
 * an array of them, an annotation line of `ccsig scan` (link, decision,
 * signals, deciding statement, read_at = its WARC-Date, and the archive and
 * offset of its record; the TASL fields it does not carry are NULL until
 * ccsig_credit_record_from_archive reads them), a gateway search hit
 * ({"url","title","snippet","credit":{...}}; a credit object that is itself
 * a credit record, as `ccsig serve` writes them, is read as that record) or
 * a whole gateway answer ({"hits":[...]}); a bulk manifest line reads as a
 * hit.
 * *out is an array of *n records in a. Errors: CCSIG_ERR_SYNTAX (not JSON:
 * err has the line, column and offset), CCSIG_ERR_UNSUPPORTED (JSON of none
 * of these shapes; err says what was found), CCSIG_ERR_RANGE (a field of
 * the wrong type: err says which), CCSIG_ERR_LIMIT, CCSIG_ERR_NOMEM. */
ccsig_status ccsig_credit_records_read(ccsig_arena *a, const char *p, size_t len,
                                       ccsig_credit_record **out, size_t *n, ccsig_error *err);

/* Give a record read from an annotation line (r->archive set) its TASL:
 * read its WARC record again (ccsig_warc_read_at: the response, resource or
 * revisit of r->link at r->archive_offset) from the archive, which is
 * `archive` when given (not NULL; opened as it is), else r->archive: a
 * relative path is tried against dir first (the annotation file's
 * directory; may be NULL), then as it is (the working directory), since a
 * scan names its archives as its command line did. The record is read by the same
 * readers as a live page or a local file (ccsig_evaluate: HTTP header
 * fields, the HTML head's <title> and <meta>, XMP, a dataset card or
 * metadata file named so by its URL) and its title, author, rights,
 * licence, collection and canonical link (made absolute by resolve, which
 * may be NULL) replace r's; the decision, signals, deciding statement and
 * read_at stay the line's. Strings go into a. Returns CCSIG_OK; CCSIG_ERR_IO
 * (the archive cannot be opened or read) or CCSIG_ERR_RANGE (no such
 * record at the offset), with err saying which file and why and r
 * unchanged; CCSIG_ERR_USAGE when r has no archive; CCSIG_ERR_NOMEM.
 * Reentrant (one reader per call). */
ccsig_status ccsig_credit_record_from_archive(ccsig_credit_record *r, const char *archive,
                                              const char *dir, ccsig_url_resolver resolve,
                                              ccsig_arena *a, ccsig_error *err);

/* Build the record of a local file read offline, as `ccsig cite FILE`
 * does: p[0..len) are the bytes of the file at path (its name is the
 * provenance). A captured HTTP response (the bytes start with "HTTP/") is
 * evaluated as one (ccsig_evaluate_response); dataset metadata named so
 * (ccsig_dataset_format_for_name of the base name; a dataset card only with
 * its front matter) is read by the dataset reader; anything else is a body,
 * HTML when the name ends in .html or .htm. link: the address the file is
 * published under (may be NULL); agent (NULL: '*'), prof (NULL: no
 * decision) and robots (the robots.txt answer for link, may be NULL) as in
 * ccsig_eval_input; read_at as in ccsig_credit_record_from_eval. Strings go
 * into a. Returns CCSIG_OK; the dataset reader's error (CCSIG_ERR_SYNTAX,
 * err has the line and column) for metadata that cannot be read;
 * CCSIG_ERR_NOMEM; CCSIG_ERR_USAGE. */
ccsig_status ccsig_credit_record_from_local(const char *path, const char *p, size_t len,
                                            const char *link, const char *agent,
                                            const ccsig_profile *prof,
                                            const ccsig_eval_robots *robots, const char *read_at,
                                            ccsig_arena *a, ccsig_credit_record *out,
                                            ccsig_error *err);

/* ---- attribution text (`ccsig cite`) ---- */

typedef enum ccsig_cite_format {
    CCSIG_CITE_TEXT = 0, /* plain text */
    CCSIG_CITE_MARKDOWN,
    CCSIG_CITE_HTML,
    CCSIG_CITE_CARD, /* a "Data sources and credit" section for a model or dataset card
                        (Markdown) */
    CCSIG_CITE_JSON, /* the records, one JSON array */
    CCSIG_CITE_FORMAT_COUNT
} ccsig_cite_format;

/* "text", "markdown", "html", "card", "json". */
const char *ccsig_cite_format_name(ccsig_cite_format f);
bool ccsig_cite_format_parse(const char *name, ccsig_cite_format *out);

/* The inline marker of reference i (0-based) in format f: "[1]" in text,
 * "[1](#ref-1)" in Markdown, "<sup><a href="#ref-1">[1]</a></sup>" in
 * HTML; "[1]" for the others. */
void ccsig_cite_marker(ccsig_buf *b, ccsig_cite_format f, size_t i);

/* One TASL attribution line for r, without a marker or line end:
 * '"Title" by Author, from Source (link), licensed under CC BY 4.0 (deed).'
 * with the parts that are known; text and Markdown / HTML links as f says
 * (CARD and JSON: Markdown). */
void ccsig_cite_attribution(ccsig_buf *b, ccsig_cite_format f, const ccsig_credit_record *r);

/* The reference list of r[0..n) in format f: numbered entries, each its
 * attribution and what the preference asks ("credit asked: CC signal
 * cc-cr, read 2026-...") so that the obligation travels with the credit.
 * CARD writes the "Data sources and credit" section: the references, then
 * the preferences of the inputs (draft-ietf-aipref-vocab-08 §3.3 asks that
 * they be conveyed with a distributed model): per source, its decision for
 * the use, its signals, the deciding statement and when it was read.
 * JSON writes the records as one array. */
void ccsig_cite_references(ccsig_buf *b, ccsig_cite_format f, const ccsig_credit_record *r,
                           size_t n);

/* ---- retrieval-augmented answers (`ccsig rag`) ---- */

/* Longest passage kept (a sentence longer than this is cut at a space). */
#define CCSIG_PASSAGE_MAX 600

typedef struct ccsig_passage {
    size_t source;  /* index of the text it comes from */
    ccsig_str text; /* a sentence of that text (points into it) */
    unsigned score; /* distinct question terms it holds */
    size_t order;   /* its position among all sentences (ties) */
} ccsig_passage;

/* The extractive retriever: split texts[0..n) into sentences (ended by '.',
 * '!' or '?' and a space, or a blank line) and rank them by how many
 * distinct terms of the question each holds (terms: words of three or more
 * letters, ASCII case-insensitive, without common English function words;
 * a term matches a word that starts with it, so "pool" matches "pools").
 * Writes at most max passages with a score above zero into out, best first
 * (ties: earlier text, earlier sentence); a source gives at most per_source
 * of them (0: no limit). Returns how many. Allocates nothing. */
size_t ccsig_passages_rank(const char *question, size_t qlen, const ccsig_str *texts, size_t n,
                           size_t per_source, ccsig_passage *out, size_t max);

/* The extractive answer in format f (TEXT, MARKDOWN or HTML; others as
 * MARKDOWN): the question, then each passage as a quotation followed by the
 * marker of its source (passage.source indexes r), then the reference list
 * of r[0..n) (ccsig_cite_references). */
void ccsig_rag_write(ccsig_buf *b, ccsig_cite_format f, const char *question,
                     const ccsig_passage *p, size_t np, const ccsig_credit_record *r, size_t n);

/* The sources withheld from an answer, with the reason for each (its
 * decision, the deciding statement, the conditions the profile did not
 * commit to), in format f; nothing when n is 0. */
void ccsig_rag_withheld(ccsig_buf *b, ccsig_cite_format f, const ccsig_credit_record *r, size_t n);

/* ---- checking an answer (`ccsig verify-credit`) ---- */

/* What an answer lacks for one source. */
enum {
    CCSIG_CREDIT_MISSING_CITATION = 1u << 0, /* neither its link nor its title nor a marker */
    CCSIG_CREDIT_MISSING_LINK = 1u << 1,     /* cited without its link (or with another one) */
    CCSIG_CREDIT_MISSING_AUTHOR = 1u << 2,   /* the record names an author; the answer does not */
    CCSIG_CREDIT_MISSING_LICENSE = 1u << 3,  /* the record names a licence; the answer does not */
    CCSIG_CREDIT_INCOMPLETE_RECORD = 1u << 4 /* the record itself lacks a title or link: TASL
                                                cannot be complete (a warning, not a failure) */
};

/* "citation", "link", "author", "license", "record". */
const char *ccsig_credit_missing_name(unsigned bit);

typedef struct ccsig_credit_check {
    bool asks_credit; /* the source's preference asks for credit */
    bool cited;       /* the answer cites it (link, title or its marker) */
    unsigned missing; /* CCSIG_CREDIT_MISSING_* */
    bool ok;          /* every obligation is met (or none is asked) */
} ccsig_credit_check;

/* Check answer[0..len) (Markdown, HTML or plain text, any of them) against
 * the sources it used, r[0..n), numbered from 1 in that order; out[i] gets
 * the result for r[i]. A source is cited when the answer holds its link
 * (the exact URL, with or without a trailing slash; in HTML also with '&'
 * written "&amp;"), its title (ASCII case-insensitive) or its marker
 * "[i+1]". A source asking for credit must be cited and its link must be
 * in the answer; when its record names an author or a licence, the answer
 * must name them too (TASL; the licence by name, identifier or deed).
 * Returns how many sources that ask for credit are not ok. */
/* The text to check in an answer given as JSON (p[0..len) starts with '{'
 * or '['): the answers of OpenAI's Chat Completions and Responses APIs and
 * of common RAG frameworks keep the text and their citation annotations
 * (url_citation, file_citation: url, title) in string members, so every
 * string value of the document is taken, in document order, one per line.
 * *out lives in a. Returns CCSIG_ERR_SYNTAX (not JSON: err has the line
 * and column), CCSIG_ERR_LIMIT (nesting), CCSIG_ERR_NOMEM. */
ccsig_status ccsig_credit_answer_json_text(ccsig_arena *a, const char *p, size_t len,
                                           ccsig_str *out, ccsig_error *err);

size_t ccsig_credit_verify(const char *answer, size_t len, const ccsig_credit_record *r, size_t n,
                           ccsig_credit_check *out);

#ifdef __cplusplus
}
#endif
#endif
