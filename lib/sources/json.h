/*
 * sources/json.h — JSON for the readers of JSON documents (tdmrep.json,
 * Croissant, datapackage.json, C2PA JSON assertions). jansson parses
 * (strict RFC 8259); this adapter copies its result into a tree in the
 * caller's arena and frees jansson's objects before returning, so nothing
 * outlives the arena and no consumer handles json_t.
 *
 * Positions. jansson keeps none per value, so src_json_parse reads the
 * members of a top-level array or object one at a time (json_loadb with
 * JSON_DISABLE_EOF_CHECK reports how many bytes each took) and gives each
 * its own start, end and line:
 *   - the top-level value: its own line and p[start..end);
 *   - a member of a top-level array or object: its own line and
 *     p[start..end) (the value, not the member name);
 *   - any value nested deeper: the line and range of the top-level member
 *     that holds it (a tdmrep.json rule's "tdm-reservation" carries the
 *     rule's line and text).
 * The cost: a top-level array or object is parsed twice (whole, to check it
 * and report errors; then member by member), fine for metadata files.
 */
#ifndef CCSIG_SOURCES_JSON_H
#define CCSIG_SOURCES_JSON_H

#include "ccsig/arena.h"
#include "ccsig/common.h"

/* Internal to the library: hidden in the shared library (lib/CMakeLists.txt). */
#pragma GCC visibility push(hidden)

/* Nesting deeper than this is refused (real metadata nests a few levels);
 * jansson itself stops at JSON_PARSER_MAX_DEPTH (2048), also CCSIG_ERR_LIMIT. */
#define SRC_JSON_MAX_DEPTH 64

typedef enum src_json_type {
    SRC_JSON_NULL = 0,
    SRC_JSON_FALSE,
    SRC_JSON_TRUE,
    SRC_JSON_NUMBER,
    SRC_JSON_STRING,
    SRC_JSON_ARRAY,
    SRC_JSON_OBJECT
} src_json_type;

typedef struct src_json src_json;
struct src_json {
    src_json_type type;
    unsigned line;     /* 1-based line where the value starts (see above) */
    size_t start, end; /* p[start..end): the value as written (see above) */
    ccsig_str str;     /* a string, decoded (it may hold NULs), or a number's text */
    ccsig_str key;     /* member name when this value is in an object */
    src_json *child;   /* first item or member */
    src_json *next;    /* next sibling */
    size_t n;          /* number of items or members */
};

/* Parse p[0..len) (one value, whitespace around it, a UTF-8 BOM ignored).
 * Returns CCSIG_OK and *out, or CCSIG_ERR_SYNTAX with jansson's message and
 * its err->line/column (column in characters) and err->offset (the bytes it
 * had read), CCSIG_ERR_LIMIT for nesting past SRC_JSON_MAX_DEPTH, or
 * CCSIG_ERR_NOMEM. Every string lives in the arena.
 *
 * As jansson reads it: a number's str is its value, not its text — an
 * integer in decimal ("-0" reads "0"), a real in the shortest "%g" that reads
 * back the same, with ".0" added when it would look like an integer ("1.0",
 * "0.1", "1e+02"; printf's C locale, ccsig sets no other), so a real never
 * reads as an integer; an integer past 64 bits or a real past double range is a syntax error, as is
 * a lone UTF-16 surrogate (\ud800) or \u0000 in a member name (in a string
 * value it is kept). A repeated member name: the last one wins — inside
 * nested objects jansson keeps one member (the last value, in the place of
 * the first); the top-level object keeps every member as written, and
 * src_json_get returns the last. */
ccsig_status src_json_parse(ccsig_arena *a, const char *p, size_t len, src_json **out,
                            ccsig_error *err);

/* src_json_parse refusing a member name given twice in any object, at any
 * depth: CCSIG_ERR_SYNTAX with jansson's message ("duplicate object key
 * near '\"use\"'") and its line:column. For documents where a repeated
 * name is a mistake to report rather than a value to drop (a saved
 * declaration, ccsig_declare_read_json). */
ccsig_status src_json_parse_strict(ccsig_arena *a, const char *p, size_t len, src_json **out,
                                   ccsig_error *err);

/* The same read in one pass, for documents whose members need no position
 * of their own (an index line, a WAT record): every value has line 1 and
 * the range p[0..len). Half the cost of src_json_parse on an object. */
ccsig_status src_json_parse_whole(ccsig_arena *a, const char *p, size_t len, src_json **out,
                                  ccsig_error *err);

/* The fast path of src_json_parse_whole, jansson's reading of the simplest
 * documents done without jansson (whose per-character reading and
 * allocations cost ~25 000 instructions for a CDXJ index line): true and
 * *out when p[0..len) is a flat object -- members whose values are strings
 * of printable ASCII without escapes, or integers without sign, leading
 * zero, fraction or exponent, of at most 18 digits; no member name twice;
 * at most 32 members; JSON whitespace between tokens -- with the tree
 * jansson's reading gives (every value line 1, range p[0..len)). False for
 * anything else, valid or not (src_json_parse_whole then asks jansson,
 * which decides and reports errors), or when the arena is out of memory;
 * what it allocated before failing stays in the arena. fuzz/fuzz_json.c
 * checks that it agrees with jansson. */
bool src_json_parse_flat(ccsig_arena *a, const char *p, size_t len, src_json **out);

/* The member named key of an object (the last one when repeated), or NULL. */
const src_json *src_json_get(const src_json *obj, const char *key);

/* A human name for a type: "a string", "an array", ... */
const char *src_json_type_name(src_json_type t);

#pragma GCC visibility pop

#endif
