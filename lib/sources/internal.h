/*
 * sources/internal.h — helpers shared by the readers in lib/sources/.
 */
#ifndef CCSIG_SOURCES_INTERNAL_H
#define CCSIG_SOURCES_INTERNAL_H

#include <stdarg.h>

#include "ccsig/buf.h"
#include "ccsig/robots.h"
#include "ccsig/sources.h"
#include "ccsig/url.h"

/* Internal to the library: hidden in the shared library (lib/CMakeLists.txt),
 * except the helpers marked SRC_SHARED, which the optional XMP component
 * (libccsig-xmp: xmp.c, embedded.c) calls across the shared-library boundary.
 * Those are exported under a ccsig_src_ name; they are not part of the API
 * (no header declares them and their ABI may change in any release). */
#define SRC_SHARED __attribute__((visibility("default")))
#define src_ifind ccsig_src_ifind
#define src_xml_wellformed ccsig_src_xml_wellformed
#define src_box_next ccsig_src_box_next
#define src_be32 ccsig_src_be32
#define src_le32 ccsig_src_le32
#define src_container_ok ccsig_src_container_ok
#define src_printf ccsig_src_printf
#define src_dup ccsig_src_dup
#define src_usage_statement ccsig_src_usage_statement
#pragma GCC visibility push(hidden)
/* A reader's status, made CCSIG_ERR_NOMEM when the collector's arena failed
 * during the call (failed: c->arena->failed before it). The readers'
 * helpers keep going when the arena fails (a string becomes empty), so the
 * public entry points report the failure here. A reader's own
 * CCSIG_ERR_NOMEM (a buffer) marks the arena failed too, so that a reader
 * called by another (inline RSL in HTML, XMP in a file) makes the outer one
 * fail as well, even though the outer one only notes the inner failure. */
static inline ccsig_status src_nomem(ccsig_collect *c, bool failed, ccsig_status st,
                                     ccsig_error *err) {
    if (st == CCSIG_ERR_NOMEM)
        c->arena->failed = true;
    else if (st == CCSIG_OK && !failed && c->arena->failed)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    return st;
}

/* ASCII helpers. */
static inline char src_lower(char ch) {
    return ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
}

static inline bool src_is_ows(char ch) {
    return ch == ' ' || ch == '\t';
}

static inline bool src_is_space(char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

/* Trim SP/HTAB (and CR/LF/FF for HTML) from both ends. */
static inline ccsig_str src_trim(ccsig_str s) {
    while (s.len && src_is_space(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && src_is_space(s.p[s.len - 1]))
        s.len--;
    return s;
}

/* Case-insensitive comparison of two slices. */
static inline bool src_ieq(ccsig_str a, ccsig_str b) {
    if (a.len != b.len)
        return false;
    for (size_t i = 0; i < a.len; i++)
        if (src_lower(a.p[i]) != src_lower(b.p[i]))
            return false;
    return true;
}

/* Does s start with the literal (case-insensitively)? */
static inline bool src_istarts(ccsig_str s, const char *lit) {
    size_t n = strlen(lit);
    if (s.len < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (src_lower(s.p[i]) != src_lower(lit[i]))
            return false;
    return true;
}

/* Find the literal in p[0..len) case-insensitively; len when absent. */
SRC_SHARED size_t src_ifind(const char *p, size_t len, const char *lit);

/* Split a comma-separated list: *item is the next trimmed member, *rest the
 * remainder. Returns false when s is used up. Empty members are skipped. */
bool src_next_item(ccsig_str *rest, char sep, ccsig_str *item);

/* Does a whitespace-separated list of relation types hold `rel`
 * (case-insensitively)? */
static inline bool src_rel_has(ccsig_str rels, const char *rel) {
    size_t i = 0;
    while (i < rels.len) {
        while (i < rels.len && src_is_space(rels.p[i]))
            i++;
        size_t s = i;
        while (i < rels.len && !src_is_space(rels.p[i]))
            i++;
        if (i > s && ccsig_str_ieq(ccsig_str_make(rels.p + s, i - s), rel))
            return true;
    }
    return false;
}

/* Provenance value. */
static inline ccsig_provenance src_prov(ccsig_source_kind k, unsigned line, ccsig_str origin,
                                        ccsig_str text) {
    ccsig_provenance p = {k, line, origin, text, 0, {NULL, 0}};
    return p;
}

/* Split a URL into "scheme://authority" (empty for a path) and the path
 * with its query (empty when none; the fragment is dropped). */

/* libxml2 set up once (rsl.c), and a well-formedness check with its error
 * (line, column, libxml2's message) in err. */
void src_xml_init(void);
SRC_SHARED ccsig_status src_xml_wellformed(const char *p, size_t len, ccsig_error *err);

/* An ISO BMFF-style box (also JUMBF): size, type, payload. */
typedef struct box {
    char type[4];
    size_t start, payload, end; /* box start, payload start, end (exclusive) */
} box;

/* The box at p[off..len) (32-bit size, 64-bit largesize when 1, to the end
 * when 0); false when it does not fit. */
SRC_SHARED bool src_box_next(const unsigned char *p, size_t len, size_t off, box *b);
SRC_SHARED uint32_t src_be32(const unsigned char *p);
SRC_SHARED uint32_t src_le32(const unsigned char *p);

/* libxml2's parse of p[0..len) with the readers' safe options (no network,
 * no DTD loading, no entity substitution, no messages on stderr); NULL with
 * err filled (line, column, libxml2's message after `what`) when it is not
 * well-formed. Free with xmlFreeDoc (rsl.c). */
struct _xmlDoc *src_xml_read(const char *p, size_t len, const char *what, ccsig_error *err);

/* The text content of an XML element, trimmed, copied into the arena
 * (empty when it has none; rsl.c). */
struct _xmlNode;
ccsig_str src_xml_text(ccsig_arena *a, const struct _xmlNode *n);

/* A ZIP archive in memory (zip.c): the central directory located. */
typedef struct src_zip {
    const char *p;
    size_t len;
    size_t cd, cd_end; /* the central directory */
    unsigned entries;
} src_zip;

typedef struct src_zip_entry {
    ccsig_str name; /* points into the archive */
    unsigned flags, method;
    uint32_t crc, csize, usize, local;
    size_t header; /* offset of its central directory record */
} src_zip_entry;

/* Locate the central directory of p[0..len). CCSIG_ERR_SYNTAX (err at the
 * offending byte) when it is not a ZIP file this reader handles. */
ccsig_status src_zip_open(const char *p, size_t len, src_zip *z, ccsig_error *err);
/* The first entry named exactly name; *found false when there is none.
 * CCSIG_ERR_SYNTAX when the central directory is malformed. */
ccsig_status src_zip_find(const src_zip *z, const char *name, src_zip_entry *out, bool *found,
                          ccsig_error *err);
/* An entry's data (stored or deflated, CRC-32 checked), NUL-terminated, in
 * the arena; CCSIG_ERR_LIMIT when it inflates to more than max bytes. */
ccsig_status src_zip_read(const src_zip *z, const src_zip_entry *e, ccsig_arena *a, size_t max,
                          ccsig_str *out, ccsig_error *err);

/* Is a container's structure whole: every segment, chunk or box inside the
 * bytes (JPEG to SOS, PNG to IEND, RIFF chunks, top-level BMFF boxes)? True
 * for formats it does not walk (embedded.c). */
SRC_SHARED bool src_container_ok(const char *p, size_t len, ccsig_file_format f);

/* 1-based line of offset off in p. */
unsigned src_line_of(const char *p, size_t off);

/* Format into the arena; returns an empty slice when out of memory. */
SRC_SHARED ccsig_str src_printf(ccsig_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
ccsig_str src_vprintf(ccsig_arena *a, const char *fmt, va_list ap);

/* JSON or XML text with its line breaks and indentation collapsed to single
 * spaces (outside strings), for provenance text (tdmrep.c). */
ccsig_str src_compact(ccsig_arena *a, ccsig_str s);

/* Copy a slice into the arena (empty on failure). */
SRC_SHARED ccsig_str src_dup(ccsig_arena *a, ccsig_str s);

/* Is this agent token addressed to the collector's agent? ("*" is not: the
 * callers treat it as "every agent".) */
bool src_agent_is(const ccsig_collect *c, ccsig_str token);

/* Record a rel=license link: an RSL document when type is
 * application/rsl+xml, a licence otherwise (headers.c). */
void src_license_link(ccsig_collect *c, const ccsig_provenance *src, ccsig_str url, ccsig_str type);

/* A content usage expression as a new statement of kind k, its warnings as
 * notes (headers.c; used by the HTML, XMP and dataset readers). */
SRC_SHARED void src_usage_statement(ccsig_collect *c, ccsig_source_kind k, unsigned line,
                                    ccsig_str origin, ccsig_str text, ccsig_str expr);

/* RSL 1.0 tables, shared by the reader (sources/rsl.c) and the writer
 * (rsl_write.c) so that a written document reads back as written. */
#define SRC_RSL_NS "https://rslstandard.org/rsl"

/* A `type="usage"` token and the categories it names. write: the token the
 * writer states for cats[0] (one per current-vocabulary category). */
typedef struct src_rsl_usage {
    const char *token;
    ccsig_category cats[2];
    int ncats;
    bool legacy; /* a pre-1.0 draft's token */
    bool write;
} src_rsl_usage;

extern const src_rsl_usage src_rsl_usages[];
extern const size_t src_rsl_nusages;

/* A `<payment type>` that stands for one condition (attribution: credit;
 * contribution: ecosystem contribution). Any other non-free type is read as
 * payment. */
typedef struct src_rsl_payment {
    const char *type;
    unsigned cond;
} src_rsl_payment;

extern const src_rsl_payment src_rsl_payments[];
extern const size_t src_rsl_npayments;

#pragma GCC visibility pop

#endif
