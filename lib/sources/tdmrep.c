/*
 * sources/tdmrep.c — the TDMRep well-known file /.well-known/tdmrep.json
 * (W3C TDM Reservation Protocol, Final CG Report 2024-05-10, §"tdmrep.json";
 * peer-signals.md §2).
 *
 * The file is a JSON array of rules {"location", "tdm-reservation",
 * "tdm-policy"}; the first rule in array order whose location matches the
 * path decides ("the most specific match is the first in sequence"). Its
 * values go to the collector's well-known level, where headers, HTML and
 * embedded metadata may supersede them (ccsig_collect_finish).
 *
 * Protocol errors are notes, and an invalid rule is skipped rather than
 * ending the search (judgement): a rule without a location, a reservation
 * that is neither 0 nor 1 (the string "1" is accepted with a note, as the
 * reference says), a policy that is not a string.
 */
#include "internal.h"
#include "json.h"

#define EMPTY ccsig_str_make("", 0)

ccsig_str src_compact(ccsig_arena *a, ccsig_str s) {
    char *d = ccsig_arena_alloc(a, s.len + 1);
    if (!d)
        return s;
    size_t o = 0;
    bool in_str = false, space = false;
    for (size_t i = 0; i < s.len; i++) {
        char ch = s.p[i];
        if (in_str) {
            d[o++] = ch;
            if (ch == '\\' && i + 1 < s.len)
                d[o++] = s.p[++i];
            else if (ch == '"')
                in_str = false;
            continue;
        }
        if (src_is_space(ch)) {
            space = true;
            continue;
        }
        if (space && o && d[o - 1] != '{' && d[o - 1] != '[' && ch != '}' && ch != ']')
            d[o++] = ' ';
        space = false;
        d[o++] = ch;
        in_str = ch == '"';
    }
    d[o] = '\0';
    return ccsig_str_make(d, o);
}

static ccsig_status tdmrep_read(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                                ccsig_error *err) {
    if (len > CCSIG_TDMREP_MAX_SIZE)
        return ccsig_error_set(err, CCSIG_ERR_LIMIT, CCSIG_TDMREP_MAX_SIZE,
                               "tdmrep.json larger than %u bytes", CCSIG_TDMREP_MAX_SIZE);
    src_json *doc;
    ccsig_status st = src_json_parse(c->arena, p, len, &doc, err);
    if (st)
        return st;
    if (doc->type != SRC_JSON_ARRAY) {
        ccsig_error_set(err, CCSIG_ERR_SYNTAX, doc->start,
                        "tdmrep.json must be a JSON array of rules, not %s",
                        src_json_type_name(doc->type));
        if (err) {
            err->line = doc->line;
            err->column = 1;
        }
        return CCSIG_ERR_SYNTAX;
    }
    ccsig_str path = c->ctx.url.len ? ccsig_url_path(c->ctx.url) : CCSIG_STR_LIT("/");
    unsigned index = 0;
    for (const src_json *r = doc->child; r; r = r->next) {
        index++;
        ccsig_str raw = src_compact(c->arena, ccsig_str_make(p + r->start, r->end - r->start));
        ccsig_provenance src = src_prov(CCSIG_SRC_TDMREP, r->line, origin, raw);
        if (r->type != SRC_JSON_OBJECT) {
            ccsig_collect_note(c, &src, "rule %u is %s, not an object: skipped", index,
                               src_json_type_name(r->type));
            continue;
        }
        const src_json *loc = src_json_get(r, "location");
        if (!loc || loc->type != SRC_JSON_STRING) {
            ccsig_collect_note(c, &src, "rule %u has no location string: skipped", index);
            continue;
        }
        ccsig_str pattern = loc->str;
        if (pattern.len && pattern.p[0] != '/' && pattern.p[0] != '*')
            pattern = ccsig_url_path(pattern); /* an absolute URL: compare its path */
        if (!ccsig_robots_pattern_match(pattern, path))
            continue;
        const src_json *res = src_json_get(r, "tdm-reservation");
        int value = -1;
        if (!res) {
            ccsig_collect_note(c, &src, "rule %u has no tdm-reservation: skipped", index);
            continue;
        }
        if (res->type == SRC_JSON_NUMBER &&
            (ccsig_str_eq(res->str, "0") || ccsig_str_eq(res->str, "1"))) {
            value = res->str.p[0] - '0';
        } else if (res->type == SRC_JSON_STRING &&
                   (ccsig_str_eq(res->str, "0") || ccsig_str_eq(res->str, "1"))) {
            value = res->str.p[0] - '0';
            ccsig_collect_note(c, &src,
                               "tdm-reservation is the string \"%c\"; TDMRep wants the number "
                               "%c (read as %c)",
                               res->str.p[0], res->str.p[0], res->str.p[0]);
        } else {
            /* the value as jansson read it (a number's text is its value) */
            ccsig_str shown =
                res->type == SRC_JSON_NUMBER || res->type == SRC_JSON_STRING
                    ? res->str
                    : ccsig_str_c(res->type == SRC_JSON_TRUE    ? "true"
                                  : res->type == SRC_JSON_FALSE ? "false"
                                                                : src_json_type_name(res->type));
            ccsig_collect_note(c, &src,
                               "rule %u: tdm-reservation must be 0 or 1, not %s%.*s%s (a TDMRep "
                               "protocol error): skipped",
                               index, res->type == SRC_JSON_STRING ? "\"" : "", (int)shown.len,
                               shown.p, res->type == SRC_JSON_STRING ? "\"" : "");
            continue;
        }
        ccsig_str policy = EMPTY;
        const src_json *pol = src_json_get(r, "tdm-policy");
        if (pol && pol->type == SRC_JSON_STRING)
            policy = pol->str;
        else if (pol && pol->type != SRC_JSON_NULL)
            ccsig_collect_note(c, &src, "rule %u: tdm-policy is %s, not a URL string: ignored",
                               index, src_json_type_name(pol->type));
        ccsig_collect_tdm(c, CCSIG_TDM_WELL_KNOWN, value, policy, &src);
        return CCSIG_OK;
    }
    return CCSIG_OK;
}

ccsig_status ccsig_tdmrep_read(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                               ccsig_error *err) {
    bool failed = c->arena->failed;
    return src_nomem(c, failed, tdmrep_read(c, p, len, origin, err), err);
}
