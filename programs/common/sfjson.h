/*
 * sfjson.h — the JSON mapping of RFC 9651 values used by the official
 * structured-field test suite (and by `ccsig sf`): items are [bare, params],
 * inner lists [[items], params], dictionaries and parameters arrays of
 * [key, value] pairs, and tokens, byte sequences (base32), dates and display
 * strings are {"__type": ..., "value": ...} objects.
 *
 * This lives with the programs, not in libccsig: the library has no JSON
 * dependency (ARCHITECTURE.md: programs own formats).
 */
#ifndef CCSIG_SFJSON_H
#define CCSIG_SFJSON_H

#include <jansson.h>

#include "ccsig/sf.h"

typedef enum { SFJSON_ITEM, SFJSON_LIST, SFJSON_DICT } sfjson_kind;

/* Parse "item", "list" or "dictionary"; returns false for anything else. */
bool sfjson_kind_from_name(const char *name, sfjson_kind *kind);

/* SF value -> new JSON reference (NULL on allocation failure). */
json_t *sfjson_from_item(const ccsig_sf_item *it);
json_t *sfjson_from_list(const ccsig_sf_list *l);
json_t *sfjson_from_dict(const ccsig_sf_dict *d);

/* JSON -> SF value, allocated in the arena. Returns false and a message in
 * why (size n) when the JSON does not follow the mapping or a value cannot
 * be represented (for example a decimal with too many integer digits). */
bool sfjson_to_item(ccsig_arena *a, json_t *j, ccsig_sf_item *out, char *why, size_t n);
bool sfjson_to_list(ccsig_arena *a, json_t *j, ccsig_sf_list *out, char *why, size_t n);
bool sfjson_to_dict(ccsig_arena *a, json_t *j, ccsig_sf_dict *out, char *why, size_t n);

/* Parse joined field lines of the given kind and convert to JSON (NULL and
 * err filled on a parse failure). */
json_t *sfjson_parse(ccsig_arena *a, sfjson_kind kind, const char *p, size_t len, ccsig_error *err);

/* Convert JSON of the given kind and serialise it into b. */
ccsig_status sfjson_serialize(ccsig_arena *a, sfjson_kind kind, json_t *j, ccsig_buf *b,
                              ccsig_error *err);

#endif
