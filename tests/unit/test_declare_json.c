/*
 * test_declare_json.c — the JSON form of a declaration (ccsig/declare.h:
 * ccsig_declare_write_json, ccsig_declare_read_json).
 *
 *   - round trip: declarations of one, two and three categories, with
 *     names that need escaping, are written, read back field by field
 *     into an arena, and written again to the same bytes;
 *   - the layout: the "declaration" member of a two-category declaration
 *     and of a one-category one, byte for byte;
 *   - what is read: a bare declaration object, null and absent fields;
 *   - every error: not JSON (line:column), a name twice, nesting, not an
 *     object, a field of the wrong type, an unknown category, a "uses"
 *     entry without a choice, and the rest, with the exact messages.
 * (test_declare.c sends every combination of declare_combos.h through the
 * same functions and compares the text with jansson's writing of it.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ccsig/declare.h"

/* d written as JSON (NUL-terminated; the caller frees it). */
static char *write_json(const ccsig_declaration *d) {
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_error err;
    if (ccsig_declare_write_json(d, &b, &err))
        fail_msg("write: %s", err.message);
    char *s = strdup(ccsig_buf_cstr(&b));
    ccsig_buf_free(&b);
    return s;
}

static void same_string(const char *got, const char *want) {
    if (want)
        assert_string_equal(got, want);
    else
        assert_null(got);
}

/* Append an entry to d, which must take it. */
static void add_use(ccsig_declaration *d, ccsig_category use, ccsig_state state,
                    ccsig_signal signal) {
    ccsig_error err;
    if (ccsig_declare_add_use(d, use, state, signal, &err))
        fail_msg("add_use: %s", err.message);
}

/* d written, read back, compared, and written again to the same text. */
static void roundtrip_one(const ccsig_declaration *d) {
    char *text = write_json(d);
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_declaration r;
    ccsig_error err;
    if (ccsig_declare_read_json(&a, text, strlen(text), &r, &err))
        fail_msg("read: %s", err.message);
    ccsig_declare_use du[CCSIG_DECLARE_MAX_USES], ru[CCSIG_DECLARE_MAX_USES];
    size_t n = ccsig_declare_uses(d, du);
    assert_int_equal(ccsig_declare_uses(&r, ru), n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ru[i].use, du[i].use);
        assert_int_equal(ru[i].state, du[i].state);
        assert_int_equal(ru[i].signal, du[i].signal);
    }
    assert_int_equal(r.npaths, d->npaths);
    for (size_t i = 0; i < d->npaths; i++)
        assert_string_equal(r.paths[i], d->paths[i]);
    assert_string_equal(r.agent, d->agent ? d->agent : "*");
    same_string(r.collection, d->collection);
    same_string(r.party_name, d->party_name);
    same_string(r.party_url, d->party_url);
    same_string(r.policy_url, d->policy_url);
    assert_int_equal(r.copyright, d->copyright);
    /* the strings are the arena's, not the text's */
    if (r.party_name)
        assert_true(r.party_name < text || r.party_name >= text + strlen(text));
    char *again = write_json(&r);
    free(text); /* r must not need it */
    char *third = write_json(&r);
    assert_string_equal(again, third);
    ccsig_arena_free(&a);
    free(again);
    free(third);
}

static void roundtrip(void **state) {
    (void)state;
    /* one category, a signal, everything named, with escapes */
    ccsig_declaration d;
    ccsig_declaration_init(&d);
    d.use = CCSIG_CAT_TRAIN_AI;
    d.signal = CCSIG_SIGNAL_CR_EC;
    d.paths[0] = "/archive/";
    d.paths[1] = "/b.c/d+(e)/";
    d.npaths = 2;
    d.agent = "ExampleBot";
    d.collection = "Biblioth\xc3\xa8que \"Ouverte\" \\ 1850\xe2\x80\x93"
                   "1950 </script>";
    d.party_name = "Example Library & \"Friends\"";
    d.party_url = "https://library.example.org/?a=1&b='2'";
    d.policy_url = "https://library.example.org/ai-policy";
    d.copyright = CCSIG_COPYRIGHT_MIXED;
    roundtrip_one(&d);
    /* two categories: a deny with a signal, an allow */
    ccsig_declaration_init(&d);
    add_use(&d, CCSIG_CAT_TRAIN_AI, CCSIG_STATE_DENY, CCSIG_SIGNAL_CR);
    add_use(&d, CCSIG_CAT_SEARCH, CCSIG_STATE_ALLOW, CCSIG_SIGNAL_NONE);
    d.copyright = CCSIG_COPYRIGHT_HOLDER;
    roundtrip_one(&d);
    /* three categories, nothing named */
    ccsig_declaration_init(&d);
    add_use(&d, CCSIG_CAT_TRAIN_GENAI, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE);
    add_use(&d, CCSIG_CAT_AI_USE, CCSIG_STATE_DENY, CCSIG_SIGNAL_CR_OP);
    add_use(&d, CCSIG_CAT_SEARCH, CCSIG_STATE_ALLOW, CCSIG_SIGNAL_NONE);
    d.paths[0] = "/models/";
    d.npaths = 1;
    roundtrip_one(&d);
    /* automated-processing alone (written as three labels), an allow */
    ccsig_declaration_init(&d);
    d.use = CCSIG_CAT_AUTOMATED_PROCESSING;
    d.state = CCSIG_STATE_ALLOW;
    roundtrip_one(&d);
}

/* The text from its start up to (not including) the "expression" member. */
static void declaration_part_is(const char *text, const char *want) {
    const char *end = strstr(text, "  \"expression\": ");
    assert_non_null(end);
    size_t n = (size_t)(end - text);
    if (n != strlen(want) || memcmp(text, want, n))
        fail_msg("got:\n%.*s\nwant:\n%s", (int)n, text, want);
}

static void layout(void **state) {
    (void)state;
    ccsig_declaration d;
    ccsig_declaration_init(&d);
    add_use(&d, CCSIG_CAT_TRAIN_AI, CCSIG_STATE_DENY, CCSIG_SIGNAL_CR_EC);
    add_use(&d, CCSIG_CAT_SEARCH, CCSIG_STATE_ALLOW, CCSIG_SIGNAL_NONE);
    d.party_name = "A \"B\" C";
    char *text = write_json(&d);
    declaration_part_is(text, "{\n"
                              "  \"declaration\": {\n"
                              "    \"uses\": [\n"
                              "      {\n"
                              "        \"use\": \"train-ai\",\n"
                              "        \"label\": \"train-ai\",\n"
                              "        \"preference\": \"deny\",\n"
                              "        \"signal\": \"cc-cr-ec\",\n"
                              "        \"conditions\": [\n"
                              "          \"credit\",\n"
                              "          \"ecosystem-contribution\"\n"
                              "        ]\n"
                              "      },\n"
                              "      {\n"
                              "        \"use\": \"search\",\n"
                              "        \"label\": \"search\",\n"
                              "        \"preference\": \"allow\",\n"
                              "        \"signal\": null,\n"
                              "        \"conditions\": []\n"
                              "      }\n"
                              "    ],\n"
                              "    \"paths\": [],\n"
                              "    \"agent\": \"*\",\n"
                              "    \"collection\": null,\n"
                              "    \"party\": {\n"
                              "      \"name\": \"A \\\"B\\\" C\",\n"
                              "      \"url\": null\n"
                              "    },\n"
                              "    \"policy_url\": null,\n"
                              "    \"copyright\": \"unstated\"\n"
                              "  },\n");
    assert_non_null(strstr(text, "\n  \"expression\": \"train-ai=n;exceptions=cc-cr-ec, "
                                 "search=y\",\n"));
    assert_non_null(strstr(text, "\n  \"header\": \"Content-Usage: train-ai=n;exceptions=cc-cr-ec, "
                                 "search=y\",\n"));
    assert_non_null(strstr(text, "\n  \"iptc\": {\n    \"data_mining\": "
                                 "\"http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING\"\n"
                                 "  },\n  \"tdmrep\": null,\n"));
    /* the last member, the closing brace and a line end */
    size_t n = strlen(text);
    assert_true(n > 4);
    assert_string_equal(text + n - 4, "\"\n}\n");
    free(text);

    /* one category: its members directly in "declaration"; TDMRep values */
    ccsig_declaration_init(&d);
    d.use = CCSIG_CAT_AUTOMATED_PROCESSING;
    d.signal = CCSIG_SIGNAL_CR;
    d.paths[0] = "/a/";
    d.npaths = 1;
    d.policy_url = "https://example.org/policy";
    text = write_json(&d);
    declaration_part_is(text, "{\n"
                              "  \"declaration\": {\n"
                              "    \"use\": \"automated-processing\",\n"
                              "    \"label\": \"train-ai, ai-use, search\",\n"
                              "    \"preference\": \"deny\",\n"
                              "    \"signal\": \"cc-cr\",\n"
                              "    \"conditions\": [\n"
                              "      \"credit\"\n"
                              "    ],\n"
                              "    \"paths\": [\n"
                              "      \"/a/\"\n"
                              "    ],\n"
                              "    \"agent\": \"*\",\n"
                              "    \"collection\": null,\n"
                              "    \"party\": {\n"
                              "      \"name\": null,\n"
                              "      \"url\": null\n"
                              "    },\n"
                              "    \"policy_url\": \"https://example.org/policy\",\n"
                              "    \"copyright\": \"unstated\"\n"
                              "  },\n");
    assert_non_null(strstr(text, "\n  \"tdmrep\": {\n    \"reservation\": 1,\n    \"policy\": "
                                 "\"https://example.org/policy\"\n  },\n"));
    free(text);
}

/* Read text; returns the status, d and err filled. */
static ccsig_status read_text(ccsig_arena *a, const char *text, ccsig_declaration *d,
                              ccsig_error *err) {
    return ccsig_declare_read_json(a, text, strlen(text), d, err);
}

static void reads(void **state) {
    (void)state;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_declaration d;
    ccsig_error err;
    /* a bare declaration object; absent fields unset */
    assert_int_equal(read_text(&a, "{\"use\": \"search\", \"preference\": \"allow\"}", &d, &err),
                     CCSIG_OK);
    assert_int_equal(d.use, CCSIG_CAT_SEARCH);
    assert_int_equal(d.state, CCSIG_STATE_ALLOW);
    assert_int_equal(d.signal, CCSIG_SIGNAL_NONE);
    assert_int_equal(d.nmore, 0);
    assert_int_equal(d.npaths, 0);
    assert_null(d.agent);
    assert_null(d.party_name);
    assert_int_equal(d.copyright, CCSIG_COPYRIGHT_UNSTATED);
    /* nulls, a BOM, whitespace, the artifacts ignored (even if wrong) */
    assert_int_equal(read_text(&a,
                               "\xEF\xBB\xBF\n {\"declaration\": {\"uses\": [{\"use\": "
                               "\"train-genai\", \"preference\": \"deny\", \"signal\": "
                               "\"cc-cr-dc\"}], \"paths\": null, \"party\": null, \"agent\": "
                               "null, \"copyright\": \"not-holder\"}, \"expression\": 5}\n",
                               &d, &err),
                     CCSIG_OK);
    assert_int_equal(d.use, CCSIG_CAT_TRAIN_GENAI);
    assert_int_equal(d.state, CCSIG_STATE_DENY);
    assert_int_equal(d.signal, CCSIG_SIGNAL_CR_DC);
    assert_int_equal(d.copyright, CCSIG_COPYRIGHT_NOT_HOLDER);
    assert_null(d.agent);
    /* escapes decoded */
    assert_int_equal(read_text(&a,
                               "{\"use\": \"train-ai\", \"preference\": \"deny\", \"party\": "
                               "{\"name\": \"Caf\\u00e9 \\\"X\\\"\", \"url\": null}}",
                               &d, &err),
                     CCSIG_OK);
    assert_string_equal(d.party_name, "Caf\xc3\xa9 \"X\"");
    ccsig_arena_free(&a);
}

/* text must fail with status st and exactly message msg; for syntax errors
 * also at line:column. d is left initialised. */
static void refused(const char *text, ccsig_status st, const char *msg, unsigned line,
                    unsigned column) {
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_declaration d;
    ccsig_error err;
    ccsig_status got = read_text(&a, text, &d, &err);
    if (got != st || strcmp(err.message, msg) || err.line != line || err.column != column)
        fail_msg("%s\n  got %s: %u:%u: %s\n  want %s: %u:%u: %s", text, ccsig_status_name(got),
                 err.line, err.column, err.message, ccsig_status_name(st), line, column, msg);
    assert_int_equal(err.code, st);
    /* nothing half-read is left in d */
    assert_true(d.use == CCSIG_CAT_NONE && !d.nmore && !d.npaths && !d.agent && !d.party_name);
    ccsig_arena_free(&a);
}

#define USE_MSG                                                                                    \
    "\"use\" must be a category (automated-processing, train-ai, train-genai, ai-use or search)"

static void errors(void **state) {
    (void)state;
    /* not JSON: jansson's message at line:column */
    refused("{\"declaration\": {\"use\":\n", CCSIG_ERR_SYNTAX, "unexpected token near end of file",
            2, 1);
    refused("{\n  \"declaration\": {\"use\": train-ai}\n}", CCSIG_ERR_SYNTAX,
            "invalid token near 'train'", 2, 30);
    refused("", CCSIG_ERR_SYNTAX, "unexpected token near end of file", 1, 1);
    /* a name twice, at any depth */
    refused("{\"declaration\": {\"use\": \"search\", \"preference\": \"allow\", \"use\": "
            "\"train-ai\"}}",
            CCSIG_ERR_SYNTAX, "duplicate object key near '\"use\"'", 1, 62);
    /* nesting past the reader's limit (64) */
    char deep[201];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    deep[200] = '\0';
    refused(deep, CCSIG_ERR_LIMIT, "JSON nested deeper than 64 levels", 1, 1);
    /* JSON, not a declaration */
    refused("[1, 2]", CCSIG_ERR_RANGE, "expected a JSON object", 0, 0);
    refused("{\"declaration\": \"train-ai=n\"}", CCSIG_ERR_RANGE,
            "\"declaration\" must be an object", 0, 0);
    /* a field of the wrong type */
    refused("{\"declaration\": {\"use\": \"train-ai\", \"preference\": \"deny\", \"agent\": 5}}",
            CCSIG_ERR_RANGE, "declaration: \"agent\" must be a string or null", 0, 0);
    refused("{\"use\": [\"train-ai\"], \"preference\": \"deny\"}", CCSIG_ERR_RANGE,
            "declaration: \"use\" must be a string or null", 0, 0);
    refused("{\"use\": \"train-ai\", \"preference\": \"deny\", \"party\": \"Example\"}",
            CCSIG_ERR_RANGE, "declaration: \"party\" must be an object {\"name\", \"url\"} or null",
            0, 0);
    refused("{\"use\": \"train-ai\", \"preference\": \"deny\", \"party\": {\"url\": true}}",
            CCSIG_ERR_RANGE, "declaration.party: \"url\" must be a string or null", 0, 0);
    refused("{\"use\": \"train-ai\", \"preference\": \"deny\", \"paths\": \"/a/\"}",
            CCSIG_ERR_RANGE, "declaration: \"paths\" must be an array of at most 32 strings", 0, 0);
    refused("{\"use\": \"train-ai\", \"preference\": \"deny\", \"paths\": [\"/a/\", 7]}",
            CCSIG_ERR_RANGE, "declaration: \"paths\"[1] must be a string", 0, 0);
    refused("{\"use\": \"train-ai\", \"preference\": \"deny\", \"collection\": \"a\\u0000b\"}",
            CCSIG_ERR_RANGE, "declaration: \"collection\" must not contain \\u0000", 0, 0);
    /* an unknown category, signal, copyright status */
    refused("{\"use\": \"train-everything\", \"preference\": \"deny\"}", CCSIG_ERR_RANGE,
            "declaration: " USE_MSG, 0, 0);
    refused("{\"preference\": \"deny\"}", CCSIG_ERR_RANGE, "declaration: " USE_MSG, 0, 0);
    refused("{\"use\": \"search\", \"preference\": \"deny\", \"signal\": \"cc-by\"}",
            CCSIG_ERR_RANGE,
            "declaration: \"signal\" must be cc-cr, cc-cr-dc, cc-cr-ec, cc-cr-op or null", 0, 0);
    refused("{\"use\": \"search\", \"preference\": \"deny\", \"copyright\": \"mine\"}",
            CCSIG_ERR_RANGE,
            "declaration: \"copyright\" must be holder, not-holder, mixed or unstated", 0, 0);
    /* "uses": entries without a choice, not objects, too many, twice */
    refused("{\"declaration\": {\"uses\": [{\"use\": \"train-ai\", \"preference\": \"deny\"}, "
            "{\"use\": \"search\"}]}}",
            CCSIG_ERR_RANGE, "declaration.uses[1]: \"preference\" must be \"allow\" or \"deny\"", 0,
            0);
    refused("{\"uses\": [{\"use\": \"search\", \"preference\": \"maybe\"}]}", CCSIG_ERR_RANGE,
            "declaration.uses[0]: \"preference\" must be \"allow\" or \"deny\"", 0, 0);
    refused("{\"uses\": [\"search\"]}", CCSIG_ERR_RANGE, "declaration.uses[0]: must be an object",
            0, 0);
    refused("{\"uses\": []}", CCSIG_ERR_RANGE,
            "declaration: \"uses\" must be an array of 1 to 5 objects", 0, 0);
    refused("{\"uses\": [{\"use\": \"search\", \"preference\": \"allow\"}, {\"use\": \"search\", "
            "\"preference\": \"deny\"}]}",
            CCSIG_ERR_RANGE, "declaration.uses[1]: use 2: search is already declared", 0, 0);
    /* read, but not valid: validate's message */
    refused("{\"use\": \"search\", \"preference\": \"allow\", \"signal\": \"cc-cr\"}",
            CCSIG_ERR_RANGE,
            "declaration: signal: a CC signal lifts a deny; on an allow it means nothing (drop "
            "the signal, or deny with it)",
            0, 0);
    refused("{\"use\": \"search\", \"preference\": \"deny\", \"paths\": [\"archive/\"]}",
            CCSIG_ERR_RANGE,
            "declaration: path 1: a path prefix starts with '/' (e.g. /collection/)", 0, 0);
}

static void write_refuses(void **state) {
    (void)state;
    ccsig_declaration d;
    ccsig_declaration_init(&d); /* no category */
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_buf_puts(&b, "kept");
    ccsig_error err;
    assert_int_equal(ccsig_declare_write_json(&d, &b, &err), CCSIG_ERR_USAGE);
    assert_string_equal(ccsig_buf_cstr(&b), "kept");
    d.use = CCSIG_CAT_SEARCH;
    d.state = CCSIG_STATE_ALLOW;
    d.signal = CCSIG_SIGNAL_CR; /* a signal on an allow */
    assert_int_equal(ccsig_declare_write_json(&d, &b, &err), CCSIG_ERR_USAGE);
    assert_string_equal(ccsig_buf_cstr(&b), "kept");
    /* appended after what the buffer holds */
    d.signal = CCSIG_SIGNAL_NONE;
    assert_int_equal(ccsig_declare_write_json(&d, &b, &err), CCSIG_OK);
    const char *head = "kept{\n  \"declaration\": {\n";
    assert_true(!strncmp(ccsig_buf_cstr(&b), head, strlen(head)));
    ccsig_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip), cmocka_unit_test(layout),        cmocka_unit_test(reads),
        cmocka_unit_test(errors),    cmocka_unit_test(write_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
