/*
 * declare_json.h — a declaration as one JSON object (`ccsig declare --format
 * json`) and back (`ccsig declare --from FILE`, the round-trip test). The
 * field names are stable and documented in docs/ccsig-declare.1:
 *
 *   {"declaration": {"use", "label", "preference", "signal", "conditions",
 *                    "paths", "agent", "collection", "party": {"name","url"},
 *                    "policy_url", "copyright"},
 *    "expression", "robots", "header", "nginx", "apache", "caddy",
 *    "lighttpd", "xmp", "iptc": {"data_mining"} | null,
 *    "tdmrep": {"reservation", "policy"} | null,
 *    "text", "markdown", "html"}
 *
 * "signal" is the exception token ("cc-cr", ...) or null; "preference" is
 * "allow" or "deny"; absent names are null; "copyright" is "holder",
 * "not-holder", "mixed" or "unstated".
 */
#ifndef CCSIG_DECLARE_JSON_H
#define CCSIG_DECLARE_JSON_H

#include <jansson.h>

#include "ccsig/declare.h"

/* The whole object (NULL with err filled when d is invalid or out of memory). */
json_t *declare_json(const ccsig_declaration *d, ccsig_error *err);

/* Read the "declaration" member of o (or o itself when it has no such member)
 * into d. Strings in d point into o, which must outlive d. Returns false with
 * a message in msg (naming the field and what was expected) when a field is
 * missing or of the wrong type, or the declaration does not validate. */
bool declare_json_read(const json_t *o, ccsig_declaration *d, char *msg, size_t n);

#endif
