/*
 * cmd_sf.c — `ccsig sf parse|serialize --type item|list|dictionary`: the
 * RFC 9651 parser and serialiser on the command line, using the JSON mapping
 * of the official test suite.
 */
#include <stdlib.h>

#include "cli.h"
#include "commands.h"

const char cmd_sf_summary[] = "parse or serialise RFC 9651 structured field values";
#include "sfjson.h"

/* Decimals have at most 15 significant digits (12 + 3). */
#define JSON_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15))

static const cli_option options[] = {
    {"type", 't', 't', CLI_VAL_WORDS, "T", "item list dictionary", CLI_ONCE,
     "item, list or dictionary: the field's top-level type", 0},
    {0},
};

const cli_spec cmd_sf_cli = {
    .name = "sf",
    .synopsis = "usage: ccsig sf parse --type item|list|dictionary [FIELD-LINE...]\n"
                "       ccsig sf serialize --type item|list|dictionary < VALUE.json\n\n"
                "parse: parse the field lines (several lines = one field sent as several lines;\n"
                "none given = one field line per line of standard input) and print the value as\n"
                "JSON in the mapping of the official RFC 9651 test suite.\n"
                "serialize: read that JSON on standard input and print the canonical form.\n\n",
    .options = options,
    .column = 16,
    .epilog = "\nExit status: 0 ok, 1 the value does not parse or cannot be serialised,\n"
              "2 bad usage or unreadable JSON.\n",
    .operand = CLI_VAL_WORDS,
    .operand_words = "parse serialize",
};

static int do_parse(sfjson_kind kind, int nlines, char **lines) {
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_str *ls = NULL;
    size_t n = 0, cap = 0;
    ccsig_buf line = CCSIG_BUF_INIT;
    int rc = EXIT_OK;
    if (nlines > 0) {
        ls = calloc((size_t)nlines, sizeof *ls);
        for (int i = 0; ls && i < nlines; i++)
            ls[n++] = ccsig_str_c(lines[i]);
    } else {
        while (cli_getline(stdin, &line)) {
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                ls = realloc(ls, cap * sizeof *ls);
                if (!ls)
                    break;
            }
            ls[n].p = ccsig_arena_dup(&a, line.data ? line.data : "", line.len);
            ls[n++].len = line.len;
        }
    }
    if (!ls && (nlines > 0 || n > 0)) {
        cli_error("sf", "out of memory");
        return EXIT_INTERNAL;
    }
    ccsig_str joined;
    ccsig_error err;
    if (ccsig_sf_join_lines(&a, ls, n, &joined)) {
        rc = EXIT_INTERNAL;
        goto done;
    }
    json_t *j = sfjson_parse(&a, kind, joined.p, joined.len, &err);
    if (!j) {
        fprintf(stderr, "error: %s at byte %zu\n", err.message, err.offset);
        rc = EXIT_NOT_PERMITTED;
        goto done;
    }
    json_dumpf(j, stdout, JSON_FLAGS);
    fputc('\n', stdout);
    json_decref(j);
done:
    free(ls);
    ccsig_buf_free(&line);
    ccsig_arena_free(&a);
    return rc;
}

static int do_serialize(sfjson_kind kind) {
    json_error_t jerr;
    json_t *j = json_loadf(stdin, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!j) {
        fprintf(stderr, "<stdin>:%d:%d: error: %s\n", jerr.line, jerr.column, jerr.text);
        return EXIT_USAGE;
    }
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_buf out = CCSIG_BUF_INIT;
    ccsig_error err;
    int rc = EXIT_OK;
    if (sfjson_serialize(&a, kind, j, &out, &err)) {
        fprintf(stderr, "error: cannot serialise: %s\n", err.message);
        rc = EXIT_NOT_PERMITTED;
    } else {
        fwrite(ccsig_buf_cstr(&out), 1, out.len, stdout);
        fputc('\n', stdout);
    }
    json_decref(j);
    ccsig_buf_free(&out);
    ccsig_arena_free(&a);
    return rc;
}

int cmd_sf(int argc, char **argv) {
    if (argc < 2) {
        cli_help(stderr, &cmd_sf_cli);
        return EXIT_USAGE;
    }
    cli_parser cp;
    int c;
    if (argv[1][0] == '-') { /* --help, --version, or an option before the action */
        cli_parser_init(&cp, &cmd_sf_cli, argc, argv, 1);
        while ((c = cli_next(&cp)) > 0)
            ;
        if (c < 0)
            return cp.rc;
        return cli_usage_error("sf", "give the action first: ccsig sf parse|serialize --type T");
    }
    const char *verb = argv[1];
    if (strcmp(verb, "parse") && strcmp(verb, "serialize") && strcmp(verb, "serialise")) {
        static const char *const verbs[] = {"parse", "serialize"};
        const char *best = cli_suggest(verb, verbs, 2);
        if (best)
            return cli_usage_error("sf", "unknown action '%s'; did you mean '%s'?", verb, best);
        return cli_usage_error("sf", "unknown action '%s' (expected parse or serialize)", verb);
    }
    const char *type = NULL;
    cli_parser_init(&cp, &cmd_sf_cli, argc, argv, 2);
    while ((c = cli_next(&cp)) > 0)
        if (c == 't')
            type = optarg;
    if (c < 0)
        return cp.rc;
    sfjson_kind kind;
    if (!type)
        return cli_usage_error("sf", "--type item|list|dictionary is required");
    if (!sfjson_kind_from_name(type, &kind))
        return cli_usage_error("sf", "unknown --type '%s' (expected item, list or dictionary)",
                               type);
    if (!strcmp(verb, "parse"))
        return do_parse(kind, argc - optind, argv + optind);
    if (optind < argc)
        return cli_usage_error("sf", "serialize reads JSON on standard input, not arguments");
    return do_serialize(kind);
}
