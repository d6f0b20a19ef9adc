/*
 * sources/json.h — a small strict JSON (RFC 8259) reader for the readers of
 * JSON documents (tdmrep.json, Croissant, datapackage.json, C2PA JSON
 * assertions). The library has no JSON dependency (HACKING.md), so this is
 * the one JSON parser inside it: a tree in the caller's arena, with the line
 * and byte range of every value for provenance.
 */
#ifndef CCSIG_SOURCES_JSON_H
#define CCSIG_SOURCES_JSON_H

#include "ccsig/arena.h"
#include "ccsig/common.h"

/* Nesting deeper than this is refused (real metadata nests a few levels). */
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
    unsigned line;     /* 1-based line where the value starts */
    size_t start, end; /* p[start..end) is the value as written */
    ccsig_str str;     /* decoded string, or the number as written */
    ccsig_str key;     /* member name when this value is in an object */
    src_json *child;   /* first item or member */
    src_json *next;    /* next sibling */
    size_t n;          /* number of items or members */
};

/* Parse p[0..len) (one value, whitespace around it). Returns CCSIG_OK and
 * *out, or CCSIG_ERR_SYNTAX with err->offset/line/column and what was
 * expected, CCSIG_ERR_LIMIT for nesting past SRC_JSON_MAX_DEPTH, or
 * CCSIG_ERR_NOMEM. Strings are copied (decoded) into the arena only when
 * they hold escapes; otherwise they point into p. */
ccsig_status src_json_parse(ccsig_arena *a, const char *p, size_t len, src_json **out,
                            ccsig_error *err);

/* The member named key of an object (the last one when repeated), or NULL. */
const src_json *src_json_get(const src_json *obj, const char *key);

/* A human name for a type: "a string", "an array", ... */
const char *src_json_type_name(src_json_type t);

#endif
