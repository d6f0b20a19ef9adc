/*
 * ccsig/sources.h — readers for every peer signal mechanism
 * (../shared/specs/peer-signals.md), each turning what it finds into
 * statements with provenance (ARCHITECTURE.md "The model").
 *
 * Readers write into a collector: one per asset (a URL or a file), reset
 * between assets. The collector holds the statements found so far, notes
 * (lint-style remarks with provenance: a protocol error, a draft code, a
 * directive meant for another agent), links to follow (an RSL licence
 * document, a TDMRep policy, a licence), and the TDMRep values seen at each
 * level, because TDMRep has its own precedence that is resolved before
 * combining (ccsig_collect_finish adds the one TDMRep statement).
 *
 *   ccsig_collect c;                           // one per thread, reused
 *   ccsig_collect_init(&c, &arena, &ctx);      // per asset (arena reset by caller)
 *   ccsig_sources_from_headers(&c, fields, n);
 *   ccsig_html_meta_scan(&c, body, len, NULL);
 *   ccsig_collect_finish(&c);
 *   ccsig_combine(c.sts, c.n, &verdict);
 *
 * Memory: the collector is a small value (its size does not depend on the
 * limits below); its arrays (sts, notes, links, tdm) are storage that
 * ccsig_collect_init allocates in the arena it is given, so they live until
 * that arena is reset or freed, and the caller owns nothing to free. The
 * capacities are in the collector (cap, notes_cap, links_cap). Statement labels and provenance
 * point into the caller's input (header values, the HTML bytes) or into the arena given to
 * ccsig_collect_init (decoded attribute values, note messages, summaries of
 * XML or CBOR); both must outlive the use of the statements. Readers never
 * allocate outside that arena except where a section says so (libxml2,
 * exempi, libcbor and libyaml parse with their own allocators and everything
 * kept is copied into the arena).
 *
 * Thread safety: a collector and its arena belong to one thread. Every reader
 * is reentrant.
 */
#ifndef CCSIG_SOURCES_H
#define CCSIG_SOURCES_H

#include "ccsig/arena.h"
#include "ccsig/buf.h"
#include "ccsig/common.h"
#include "ccsig/httpmsg.h"
#include "ccsig/pref.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the collector ---- */

/* Statements one asset can collect. A page with more signals than this is
 * hostile or broken; the rest are counted in `dropped` and a note says so. */
#define CCSIG_COLLECT_MAX_STATEMENTS 64
#define CCSIG_COLLECT_MAX_NOTES 48
#define CCSIG_COLLECT_MAX_LINKS 16
#define CCSIG_COLLECT_MAX_FACTS 24

/* What the readers know about the asset. Strings are borrowed. */
typedef struct ccsig_asset_ctx {
    ccsig_str agent;  /* product token of the crawler asking ("ExampleBot"); empty:
                         only signals addressed to every agent apply */
    ccsig_str origin; /* where the asset came from (URL or file name): provenance of
                         HTML and embedded metadata */
    ccsig_str url;    /* the asset's URL, for TDMRep and RSL matching; may be empty */
    bool is_image;    /* the asset is an image: noimageai applies to it */
} ccsig_asset_ctx;

/* A remark a reader makes about what it read. */
typedef struct ccsig_note {
    ccsig_provenance src; /* where (kind, line, origin, text) */
    ccsig_str message;    /* a sentence, in the collector's arena */
} ccsig_note;

typedef enum ccsig_link_kind {
    CCSIG_LINK_RSL = 0,    /* an RSL licence document (application/rsl+xml) to read */
    CCSIG_LINK_LICENSE,    /* a licence the asset is offered under (rel=license, dataset) */
    CCSIG_LINK_TDM_POLICY, /* the TDMRep policy that applies */
    CCSIG_LINK_KIND_COUNT
} ccsig_link_kind;

/* "rsl", "license", "tdm-policy". */
const char *ccsig_link_kind_name(ccsig_link_kind k);

typedef struct ccsig_link {
    ccsig_link_kind kind;
    ccsig_str url;        /* as written (may be relative for HTML and Link headers) */
    ccsig_str type;       /* the media type given with it, may be empty */
    ccsig_provenance src; /* where it was found */
} ccsig_link;

/* What a reader learnt about the asset that attribution needs (CC's TASL:
 * title, author, source, licence; the licence itself is a link of kind
 * CCSIG_LINK_LICENSE). ccsig/attribution.h turns them into a credit record.
 * Which fields of which mechanism give which fact: docs/ccsig-cite.1
 * "CREDIT RECORDS". */
typedef enum ccsig_fact_kind {
    CCSIG_FACT_TITLE = 0,     /* the work's title */
    CCSIG_FACT_CREATOR,       /* its author or creator (the name to credit) */
    CCSIG_FACT_RIGHTS,        /* a copyright notice ("(c) 2024 ...") */
    CCSIG_FACT_SOURCE,        /* the work's canonical address (may be relative) */
    CCSIG_FACT_PUBLISHER,     /* the collection, site or declaring party */
    CCSIG_FACT_PUBLISHER_URL, /* its address */
    CCSIG_FACT_KIND_COUNT
} ccsig_fact_kind;

/* "title", "creator", "rights", "source", "publisher", "publisher-url". */
const char *ccsig_fact_kind_name(ccsig_fact_kind k);

/* Ranks: a field made for the fact (dc:creator, citation_title, og:title)
 * outranks a generic one (the HTML <title>, which often carries the site's
 * name too). */
enum { CCSIG_FACT_GENERIC = 0, CCSIG_FACT_SPECIFIC = 1 };

typedef struct ccsig_fact {
    ccsig_fact_kind kind;
    uint8_t rank;         /* CCSIG_FACT_GENERIC or CCSIG_FACT_SPECIFIC */
    ccsig_str value;      /* decoded, trimmed, never empty */
    ccsig_provenance src; /* where it was found */
} ccsig_fact;

/* TDMRep levels, lowest precedence first (TDMRep §"precedence"): the
 * well-known file, then a header, then HTML, then metadata embedded in the
 * asset (EPUB, PDF XMP). A higher level's value supersedes a lower one's; an
 * absent property never resets an earlier value. */
typedef enum ccsig_tdm_level {
    CCSIG_TDM_WELL_KNOWN = 0,
    CCSIG_TDM_HEADER,
    CCSIG_TDM_HTML,
    CCSIG_TDM_EMBEDDED,
    CCSIG_TDM_LEVELS
} ccsig_tdm_level;

/* "well-known", "header", "html", "embedded". */
const char *ccsig_tdm_level_name(ccsig_tdm_level l);

typedef struct ccsig_tdm_value {
    int8_t reservation;   /* 1, 0, or -1 when unset at this level */
    bool conflict;        /* two different reservations at this level: unset */
    ccsig_provenance src; /* where the reservation came from */
    ccsig_str policy;     /* the tdm-policy URL, empty when unset */
    ccsig_provenance policy_src;
} ccsig_tdm_value;

typedef struct ccsig_collect {
    ccsig_arena *arena;
    ccsig_asset_ctx ctx;
    ccsig_statement *sts; /* cap entries in the arena, n used */
    size_t n;
    size_t cap;        /* CCSIG_COLLECT_MAX_STATEMENTS; 0 when init failed */
    size_t dropped;    /* statements beyond cap */
    ccsig_note *notes; /* notes_cap entries in the arena, nnotes used */
    size_t nnotes;
    size_t notes_cap;
    size_t notes_dropped;
    ccsig_link *links; /* links_cap entries in the arena, nlinks used */
    size_t nlinks;
    size_t links_cap;
    size_t links_dropped;
    ccsig_tdm_value *tdm; /* CCSIG_TDM_LEVELS entries in the arena; NULL when init failed */
    bool finished;
    ccsig_fact *facts; /* facts_cap entries in the arena, nfacts used (last: the
                          members above keep their offsets) */
    size_t nfacts;
    size_t facts_cap;
    size_t facts_dropped;
} ccsig_collect;

/* Start collecting for one asset: clears *c and allocates its arrays (about
 * 15 KiB) in the arena, which also holds everything the readers make; the
 * arena is used, never reset: the caller resets it between assets, and the
 * collector's arrays are invalid from then on. ctx is copied (its strings
 * are borrowed). Returns CCSIG_ERR_NOMEM when the arena cannot hold the
 * arrays (CCSIG_ERR_USAGE when a is NULL); the collector is then usable but
 * full (every statement, note and link is counted as dropped).
 * Out of memory later: a reader keeps going without what the arena could not
 * hold and the arena's `failed` flag is set (ccsig/arena.h); the readers that
 * return a status return CCSIG_ERR_NOMEM when the arena failed during the
 * call, and after the others (headers, HTML head, embedded) the caller checks
 * c->arena->failed: the collected statements are then incomplete. */
ccsig_status ccsig_collect_init(ccsig_collect *c, ccsig_arena *a, const ccsig_asset_ctx *ctx);

/* A new statement of kind k (every category unknown), or NULL when the
 * collector is full (counted in c->dropped). */
ccsig_statement *ccsig_collect_add(ccsig_collect *c, ccsig_source_kind k);

/* Append a statement made elsewhere (a robots.txt answer, an expression);
 * false when full. */
bool ccsig_collect_push(ccsig_collect *c, const ccsig_statement *st);

/* Add a note; the message is formatted into the arena. */
void ccsig_collect_note(ccsig_collect *c, const ccsig_provenance *src, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record a link (kept when the same kind and URL are not already there). */
void ccsig_collect_link(ccsig_collect *c, ccsig_link_kind k, ccsig_str url, ccsig_str type,
                        const ccsig_provenance *src);

/* Record an attribution fact (value trimmed of white space; an empty value
 * or the same kind and value again is not recorded). value and src are
 * borrowed: they must live as long as the collector's arena. */
void ccsig_collect_fact(ccsig_collect *c, ccsig_fact_kind k, unsigned rank, ccsig_str value,
                        const ccsig_provenance *src);

/* The best fact of kind k: the first of the highest rank; NULL when none. */
const ccsig_fact *ccsig_collect_fact_best(const ccsig_collect *c, ccsig_fact_kind k);

/* Offer a TDMRep property found at a level: reservation 1 or 0 (-1: only a
 * policy), policy empty when absent. A second, different reservation at the
 * same level makes that level's reservation unset (a protocol error, like
 * merged header values `1, 0`), with a note. */
void ccsig_collect_tdm(ccsig_collect *c, ccsig_tdm_level level, int reservation, ccsig_str policy,
                       const ccsig_provenance *src);

/* Resolve TDMRep across levels into at most one statement and add it, with
 * the provenance of the deciding reservation; record the applicable policy as
 * a link. Mapping (peer-signals.md §2, ccsig's choices in ccsig-check(1)):
 * reservation 1 denies train-ai and ai-use (train-genai through the
 * hierarchy), lifted by the POLICY condition when a policy applies; search is
 * left to robots.txt, as the TDMRep group says, so automated-processing
 * (which contains search) is not denied. Reservation 0 allows
 * automated-processing (TDM is not reserved). Idempotent. */
void ccsig_collect_finish(ccsig_collect *c);

/* ---- HTTP response headers ---- */

/* Read every field a mechanism uses:
 *   Content-Usage                  aipref expression (several lines are joined
 *                                  first, as RFC 9651 requires)
 *   X-Robots-Tag, Robots-Tag       noai / noimageai: plain lists, the legacy
 *                                  agent prefix (`GPTBot: noai`) and the RFC 9651
 *                                  List of draft-illyes-repext (`*;noai, Bot;noai`)
 *   tdm-reservation, tdm-policy    TDMRep (level header)
 *   Content-Signal(s)              Cloudflare's search/ai-input/ai-train yes/no
 *   Link                           rel="license": RSL documents and licences
 * Other fields are ignored. Provenance: kind header, origin the field name as
 * written, text the value. Returns the number of fields read. */
size_t ccsig_sources_from_headers(ccsig_collect *c, const ccsig_http_field *h, size_t n);

/* One field; true when it is one of the above. Content-Usage lines given one
 * at a time are separate statements (they combine restrictively, which
 * differs from joining only when a key repeats across lines). */
bool ccsig_sources_from_header(ccsig_collect *c, ccsig_str name, ccsig_str value);

/* ---- HTML <head> ---- */

/* Bytes of a document the head scanner looks at: a <head> longer than this
 * is not a page anyone writes by hand (inline scripts and styles included). */
#define CCSIG_HTML_HEAD_MAX (512u * 1024u)

/* Scan the start of an HTML document (p[0..len), at most
 * CCSIG_HTML_HEAD_MAX bytes) with a WHATWG-style tokenizer (comments,
 * doctype, raw-text elements, quoted and unquoted attributes, character
 * references) until </head>, <body> or the end, and read:
 *   <meta name="robots" | name="<agent>" content="noai, noimageai">
 *   <meta name="tdm-reservation" content="1">, <meta name="tdm-policy">
 *   <link rel="license" href="..." [type="application/rsl+xml"]>
 *   <script type="application/rsl+xml">...</script> (an inline RSL document)
 * and the attribution facts (ccsig_collect_fact):
 *   title      <title> (generic); <meta name="citation_title" | "dc.title" |
 *              "dcterms.title">, <meta property="og:title">
 *   creator    <meta name="author" | "citation_author" | "dc.creator" |
 *              "dcterms.creator">, <meta property="article:author"> (names
 *              compared case-insensitively)
 *   rights     <meta name="copyright" | "dc.rights" | "dcterms.rights">
 *   source     <link rel="canonical">, <meta property="og:url">
 *   publisher  <meta property="og:site_name">, <meta name="dc.publisher" |
 *              "dcterms.publisher" | "citation_publisher">
 * Provenance: kind html, origin ctx.origin, line of the tag, text the tag as
 * written. *complete (may be NULL) is set when the head ended inside p, so a
 * fetcher knows it has read enough. Allocates only in the arena (decoded
 * attribute values). Returns the number of tags read. */
size_t ccsig_html_meta_scan(ccsig_collect *c, const char *p, size_t len, bool *complete);

/* The head's tags as the scanner sees them, for lint and tests. */
typedef enum ccsig_html_tag_kind {
    CCSIG_HTML_META = 0, /* <meta name content>: name, value = content */
    CCSIG_HTML_LINK,     /* <link rel href type>: name = rel, value = href */
    CCSIG_HTML_SCRIPT,   /* <script type>: type, value = the raw content */
    CCSIG_HTML_PROPERTY, /* <meta property content> (Open Graph, RDFa) without a name:
                            name = property, value = content */
    CCSIG_HTML_TITLE     /* <title>: value = its text, references decoded */
} ccsig_html_tag_kind;

typedef struct ccsig_html_tag_info {
    ccsig_html_tag_kind kind;
    ccsig_str name;  /* meta name / link rel (character references decoded) */
    ccsig_str value; /* meta content / link href / script content */
    ccsig_str type;  /* link or script type, may be empty */
    ccsig_str raw;   /* the tag as written */
    unsigned line;   /* 1-based line of the tag */
} ccsig_html_tag_info;

typedef void (*ccsig_html_tag_fn)(void *ctx, const ccsig_html_tag_info *t);

/* Call fn for every <meta> with a name, every <link> and every <script> of
 * the head, in order, with the same tokenizer and stopping rules as
 * ccsig_html_meta_scan; decoded values live in a. Returns the tags seen. */
size_t ccsig_html_head_tags(ccsig_arena *a, const char *p, size_t len, ccsig_html_tag_fn fn,
                            void *ctx, bool *complete);

/* Where the head ends in p[0..len) without reading anything: the offset just
 * past </head> or before <body>, or len when neither was seen. Same tokenizer. */
size_t ccsig_html_head_end(const char *p, size_t len);

/* ---- HTML character references ---- */

/* The one decoder of HTML character references, used by every reader of
 * HTML text in ccsig (the head scanner's attribute values and <title>, the
 * text extractor of ccsig/text.h): decimal and hexadecimal numeric
 * references (NUL, surrogates and values past U+10FFFF become U+FFFD; the
 * ';' may be missing) and the named ones of HTML 4.01 (the 252 Latin-1,
 * symbol, Greek and special entities) plus "&apos;", case-sensitive, with
 * their ';'. As WHATWG tokenizes, the legacy names (the Latin-1 ones and
 * amp, lt, gt, quot) also match without ';' (the longest one the text
 * starts with), except in an attribute value (attribute true) when '=' or
 * an alphanumeric follows. Anything else ("&", "&;", "&#;", "&bogus;",
 * a name HTML 4 does not have) is not a reference and is left as written.
 *
 * ccsig_html_ref_decode: p[0..len) starts with '&'; returns the bytes the
 * reference takes (0: not one, nothing written) and writes its UTF-8 to out
 * (*out_len bytes). Allocates nothing.
 *
 * ccsig_html_decode: s with every reference decoded, in a (NUL-terminated);
 * s itself when it holds no '&' or the arena fails. Never longer than s. */
size_t ccsig_html_ref_decode(const char *p, size_t len, bool attribute, char out[4],
                             size_t *out_len);
ccsig_str ccsig_html_decode(ccsig_arena *a, ccsig_str s, bool attribute);

/* ---- URLs (TDMRep location, RSL content url) ---- */

/* Patterns match as robots.txt rules do: ccsig_robots_pattern_match
 * (robots.h). */

/* URLs are split by ccsig_url_split / ccsig_url_path (url.h). */

/* ---- TDMRep /.well-known/tdmrep.json ---- */

/* Largest tdmrep.json read: the file is a short list of rules. */
#define CCSIG_TDMREP_MAX_SIZE (1024u * 1024u)

/* Read a tdmrep.json (p[0..len)) and offer, at the well-known level, the
 * first rule in array order whose location matches the path of ctx.url (no
 * match: nothing). origin names the file in provenance (line of the rule,
 * text the rule object). Protocol errors (a string "1", a value other than 0
 * and 1, a rule without location) are notes; a document that is not a JSON
 * array returns CCSIG_ERR_SYNTAX with err at the offending byte (jansson's
 * message, line and column). */
ccsig_status ccsig_tdmrep_read(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                               ccsig_error *err);

/* ---- TDMRep in EPUB (the package document's metadata) ---- */

/* Largest part of an EPUB read (META-INF/container.xml, the package
 * document), inflated: package documents are a few KiB, huge ones list
 * thousands of resources. */
#define CCSIG_EPUB_MAX_PART (16u * 1024u * 1024u)

/* Read the TDMRep properties of an EPUB package document (p[0..len), the
 * .opf file): in its <metadata>, EPUB 3 `<meta property="tdm:reservation">1
 * </meta>` and `<meta property="tdm:policy">URL</meta>` (the tdm prefix
 * declared on <package> as http://www.w3.org/ns/tdmrep#), or EPUB 2
 * `<meta name="tdm:reservation" content="1"/>` and tdm:policy. They cover the
 * whole package and are offered at the embedded level (the highest TDMRep
 * precedence), so ccsig_collect_finish makes the TDMRep statement. Notes:
 * an undeclared tdm prefix (read anyway), the 2021 draft's tdm-reservation
 * spelling (read), a reservation other than 0 or 1 (a protocol error: unset),
 * a refining <meta> (ignored). Provenance: kind tdmrep, origin as given, line
 * of the <meta>, text that line (pointing into p). Returns CCSIG_ERR_SYNTAX (not XML: err has
 * libxml2's line and column; not a <package> root in the OPF namespace),
 * CCSIG_ERR_LIMIT past CCSIG_EPUB_MAX_PART. Allocates in the collector's
 * arena (libxml2 uses its own allocator; what is kept is copied).
 * Reentrant. */
ccsig_status ccsig_opf_read(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                            ccsig_error *err);

/* Read an EPUB container (p[0..len), the .epub file's bytes: a ZIP file,
 * stored and deflated entries, no ZIP64, no encryption):
 * META-INF/container.xml, then the package document its first <rootfile>
 * of type application/oebps-package+xml names, read by ccsig_opf_read with
 * origin "ORIGIN!/PATH" (PATH the package document's path in the
 * container). A container that does not start with the stored mimetype
 * entry gets a note and is read anyway. Returns CCSIG_ERR_SYNTAX with err
 * at the offending byte (a malformed ZIP structure, a damaged entry, no
 * container.xml or package document), CCSIG_ERR_LIMIT for a part larger
 * than CCSIG_EPUB_MAX_PART. The inflated parts live in the collector's
 * arena (provenance points there); otherwise as ccsig_opf_read. */
ccsig_status ccsig_epub_read(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                             ccsig_error *err);

/* ---- RSL 1.0 licence documents ---- */

#define CCSIG_RSL_MAX_SIZE (4u * 1024u * 1024u)

/* Read an RSL document (p[0..len), namespace https://rslstandard.org/rsl):
 * of the <content> elements whose url matches ctx.url (absolute URL or a
 * server path with '*' and '$'; longest pattern wins), map the licences:
 * prohibits usage X -> deny X; permits usage X -> allow when the payment is
 * free and there is no licence server, otherwise deny lifted by the payment's
 * conditions (attribution -> credit, contribution -> ecosystem contribution,
 * other payment -> payment) plus LICENSE when `server` is set and POLICY
 * when user or geo limits apply. Several <license> elements are alternative
 * offers: per category the least restrictive one answers. One statement of
 * kind rsl (origin as given, line of the <content>, text a summary).
 * Returns CCSIG_ERR_SYNTAX (not XML, or not an <rsl> root in the RSL
 * namespace) with err filled; CCSIG_ERR_LIMIT past CCSIG_RSL_MAX_SIZE. */
ccsig_status ccsig_rsl_read(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                            ccsig_error *err);

/* ---- XMP (IPTC plus:DataMining, TDMRep, CC signals) ---- */

/* ccsig_xmp_read_file is in the optional library libccsig-xmp (pkg-config
 * ccsig-xmp), which needs exempi; every other reader here, packets and
 * embedded metadata included, is in libccsig. */

/* Largest XMP packet parsed (JPEG extended XMP tops out near 64 MiB; real
 * packets are a few KiB). */
#define CCSIG_XMP_MAX_PACKET (16u * 1024u * 1024u)

/* Read one serialized XMP packet (p[0..len)) with exempi: plus:DataMining
 * (full URI or bare code; 2023 draft codes mapped by analogy with a note),
 * plus:OtherConstraints (kept in the note of a SEECONSTRAINT), TDMRep
 * tdm:reservation / tdm:policy (both namespaces, offered at the embedded
 * level), and the CC signals properties of `ccsig declare --format xmp`
 * (content usage expression). origin names the packet in provenance.
 * Returns CCSIG_ERR_SYNTAX when exempi cannot parse the packet. */
ccsig_status ccsig_xmp_read_packet(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                                   ccsig_error *err);

/* Read the XMP embedded in a file through exempi's format handlers (JPEG,
 * PNG, TIFF, GIF, WebP, PSD, MP4/MOV, MP3, WAV, SVG, ... whatever the
 * installed exempi supports), falling back to packet scanning (PDF and
 * unknown formats). CCSIG_OK with nothing added when the file has no XMP;
 * CCSIG_ERR_IO when it cannot be opened. */
ccsig_status ccsig_xmp_read_file(ccsig_collect *c, const char *path, ccsig_str origin,
                                 ccsig_error *err);

/* Find the next XMP packet in p[from..len) by packet scanning (XMP part 3:
 * `<?xpacket begin` ... `<?xpacket end`, or a bare <x:xmpmeta> element).
 * Returns true and the packet's slice. */
bool ccsig_xmp_find_packet(const char *p, size_t len, size_t from, ccsig_str *packet);

/* ---- C2PA / CAWG training-and-data-mining assertions ---- */

/* Largest JUMBF manifest store read (manifests with thumbnails run to a few
 * MiB). */
#define CCSIG_C2PA_MAX_STORE (64u * 1024u * 1024u)

/* Read a JUMBF manifest store (p[0..len), a `jumb` superbox labelled c2pa,
 * as in a .c2pa sidecar): in the active manifest (the last one), the
 * assertions labelled c2pa.training-mining or cawg.training-mining (with or
 * without a version suffix `__N`), in CBOR (or JSON), entries under
 * `entries` or at the top level. c2pa/cawg data_mining -> automated-processing,
 * ai_training -> train-ai, ai_generative_training -> train-genai, ai_inference
 * -> ai-use; allowed -> allow, notAllowed -> deny, constrained -> deny, lifted
 * by POLICY when constraint_info (or constraints_info) says what the
 * constraint is. The signature is not checked: the statement's text says
 * "unverified". Returns CCSIG_ERR_SYNTAX when the boxes are malformed. */
ccsig_status ccsig_c2pa_read_store(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                                   ccsig_error *err);

/* ---- metadata embedded in file bytes ---- */

typedef enum ccsig_file_format {
    CCSIG_FMT_UNKNOWN = 0,
    CCSIG_FMT_JPEG,
    CCSIG_FMT_PNG,
    CCSIG_FMT_GIF,
    CCSIG_FMT_TIFF,
    CCSIG_FMT_WEBP,
    CCSIG_FMT_RIFF, /* other RIFF: WAV, AVI */
    CCSIG_FMT_HEIF, /* ISO BMFF images: HEIC, AVIF */
    CCSIG_FMT_BMFF, /* other ISO BMFF: MP4, MOV, JPEG XL container */
    CCSIG_FMT_PDF,
    CCSIG_FMT_SVG,
    CCSIG_FMT_HTML,
    CCSIG_FMT_JUMBF, /* a bare manifest store (.c2pa) */
    CCSIG_FMT_XMP,   /* a bare XMP packet (.xmp sidecar) */
    CCSIG_FMT_EPUB,  /* an EPUB container (ZIP starting with the epub mimetype) */
    CCSIG_FMT_OPF,   /* an EPUB package document (<package> in the OPF namespace) */
    CCSIG_FMT_COUNT
} ccsig_file_format;

/* "unknown", "jpeg", "png", ... */
const char *ccsig_file_format_name(ccsig_file_format f);
/* From the first bytes (magic numbers); UNKNOWN when none matches. */
ccsig_file_format ccsig_file_format_sniff(const char *p, size_t len);
bool ccsig_file_format_is_image(ccsig_file_format f);

/* What a prefix of a file needs: enough bytes to have seen every metadata
 * block that comes before the image data (JPEG up to SOS, PNG up to IDAT,
 * RIFF and BMFF box headers). *need receives how many bytes from the start
 * the embedded metadata is known to fit in (0 when unknown: the whole file
 * may be needed, as for PDF). Used by the live fetcher to ask for ranges. */
bool ccsig_embedded_prefix_enough(const char *p, size_t len, size_t *need);

/* What ccsig_embedded_read looks for. */
enum { CCSIG_EMBED_XMP = 1u << 0, CCSIG_EMBED_C2PA = 1u << 1, CCSIG_EMBED_ALL = 3u };

/* Read the metadata embedded in file bytes p[0..len) (a whole file or a
 * prefix): XMP packets (JPEG APP1 and extended XMP, PNG iTXt, RIFF `XMP `,
 * BMFF XMP uuid box; by packet scanning for PDF, TIFF, GIF, SVG and unknown
 * formats, where every packet found is read) and C2PA manifest stores (JPEG
 * APP11 JPEG XT segments, PNG caBX, BMFF uuid/c2pa boxes, RIFF C2PA chunk,
 * a bare JUMBF store). what: CCSIG_EMBED_* bits. origin names the file or
 * URL. Blocks that cannot be read are notes. Returns the number of blocks
 * (packets and stores) read. */
size_t ccsig_embedded_read(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                           unsigned what);

/* ---- dataset metadata ---- */

#define CCSIG_DATASET_MAX_SIZE (16u * 1024u * 1024u)

typedef enum ccsig_dataset_format {
    CCSIG_DATASET_CROISSANT = 0, /* Croissant JSON-LD (croissant.json, metadata.json) */
    CCSIG_DATASET_CARD,          /* Hugging Face dataset card: README.md YAML front matter */
    CCSIG_DATASET_DATAPACKAGE,   /* Frictionless datapackage.json */
    CCSIG_DATASET_FORMAT_COUNT
} ccsig_dataset_format;

/* "croissant", "dataset-card", "datapackage". */
const char *ccsig_dataset_format_name(ccsig_dataset_format f);

/* The property each format carries the content usage expression in (what
 * `ccsig declare --format croissant|dataset-card|datapackage` writes):
 * Croissant "ccsig:contentUsage" (with "ccsig" bound in @context to the CC
 * signals namespace), the card's `content_usage:` key, datapackage's
 * "contentUsage". Readers also accept the same name in the other two
 * spellings (contentUsage, content_usage, content-usage). */
#define CCSIG_DATASET_PROP_CROISSANT "ccsig:contentUsage"
#define CCSIG_DATASET_PROP_CARD "content_usage"
#define CCSIG_DATASET_PROP_DATAPACKAGE "contentUsage"

/* Read dataset metadata: the content usage expression(s) (a string or an
 * array of strings; each a statement of kind dataset, line of the value — for
 * a JSON array of them, the line where the array starts) and
 * the licences (links of kind license: Croissant/schema.org `license`, the
 * card's license / license_name / license_link, datapackage `licenses[]`).
 * Returns CCSIG_ERR_SYNTAX (not JSON / not YAML, or front matter missing for
 * a card) with err at the offending line. */
ccsig_status ccsig_dataset_read(ccsig_collect *c, ccsig_dataset_format f, const char *p, size_t len,
                                ccsig_str origin, ccsig_error *err);

/* What ccsig writes into dataset metadata (`ccsig declare --format
 * croissant|dataset-card|datapackage`). Strings are borrowed, NUL-terminated,
 * UTF-8; every one but expression may be NULL. */
typedef struct ccsig_dataset_decl {
    const char *expression;      /* the content usage expression (required) */
    const char *name;            /* the dataset or collection */
    const char *party_name;      /* who declares it (to credit) */
    const char *party_url;       /* its web address */
    const char *declaration_url; /* the human-readable declaration */
} ccsig_dataset_decl;

/* Append the metadata for d in format f to out: a minimal document that
 * ccsig_dataset_read reads back as the same statement (Croissant: a
 * schema.org Dataset with the ccsig prefix in @context and "ccsig:contentUsage";
 * dataset card: YAML front matter with content_usage; datapackage: a
 * descriptor with "contentUsage"), the party as creator / publisher /
 * contributor and the declaration as "ccsig:declaration" / declaration /
 * "homepage". Returns CCSIG_OK, or CCSIG_ERR_USAGE (no expression, a string
 * that is not UTF-8 or holds control characters). */
ccsig_status ccsig_dataset_write(ccsig_dataset_format f, const ccsig_dataset_decl *d,
                                 ccsig_buf *out, ccsig_error *err);

/* The format a file name suggests in a dataset directory: croissant.json,
 * *.croissant.json, metadata.json -> Croissant; README.md -> card;
 * datapackage.json -> datapackage. False for other names. */
bool ccsig_dataset_format_for_name(const char *name, ccsig_dataset_format *out);

#ifdef __cplusplus
}
#endif
#endif
