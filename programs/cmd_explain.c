/*
 * cmd_explain.c — `ccsig explain [--json] [--use C] [--commit LIST]
 * [--purpose P] EXPR...`: what a content usage expression says, in words a
 * steward understands; several expressions are several statements about one
 * asset, combined by the aipref most-restrictive rule.
 */
#include <stdlib.h>

#include "cli.h"
#include "commands.h"

const char cmd_explain_summary[] = "explain a content usage expression in plain words";
#include <jansson.h>

#include "ccsig/report.h"

static const cli_option options[] = {
    {"json", 'j', 'j', CLI_VAL_NONE, NULL, NULL, CLI_ONCE, "print one JSON object", 0},
    CLI_OPT_USE('u'),
    CLI_OPT_COMMIT('c'),
    CLI_OPT_PURPOSE('p'),
    CLI_OPT_READING('G'),
    {0},
};

const cli_spec cmd_explain_cli = {
    .name = "explain",
    .synopsis = "usage: ccsig explain [--json] [--use CATEGORY] [--commit LIST] [--purpose P] "
                "[--reading R] EXPR...\n\n"
                "Explain content usage expressions (e.g. 'train-ai=n;exceptions=cc-cr'). Several\n"
                "expressions are statements about one asset and are combined.\n\n",
    .options = options,
    .column = 20,
    .epilog = CLI_EXIT_HELP ".\n",
    .operand = CLI_VAL_TEXT,
};

int cmd_explain(int argc, char **argv) {
    bool json = false;
    ccsig_profile prof = {CCSIG_CAT_NONE, 0, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT};
    int c;
    cli_parser cp;
    cli_parser_init(&cp, &cmd_explain_cli, argc, argv, 1);
    while ((c = cli_next(&cp)) > 0) {
        switch (c) {
        case 'j':
            json = true;
            break;
        case 'u':
            if (!cli_parse_use("explain", optarg, &prof.use))
                return EXIT_USAGE;
            break;
        case 'c':
            if (!cli_parse_commit("explain", optarg, &prof.commitments))
                return EXIT_USAGE;
            break;
        case 'p':
            if (!cli_parse_purpose("explain", optarg, &prof.purpose))
                return EXIT_USAGE;
            break;
        case 'G':
            if (!cli_parse_reading("explain", optarg, &prof.reading))
                return EXIT_USAGE;
            break;
        }
    }
    if (c < 0)
        return cp.rc;
    int n = argc - optind;
    if (n <= 0)
        return cli_usage_error("explain", "no expression given");

    ccsig_arena arena;
    ccsig_arena_init(&arena, 0);
    ccsig_statement *sts = calloc((size_t)n, sizeof *sts);
    ccsig_warnings *ws = calloc((size_t)n, sizeof *ws);
    ccsig_error *errs = calloc((size_t)n, sizeof *errs);
    char **names = calloc((size_t)n, sizeof *names);
    if (!sts || !ws || !errs || !names) {
        cli_error("explain", "out of memory");
        return EXIT_INTERNAL;
    }
    int first_invalid = -1;
    for (int i = 0; i < n; i++) {
        const char *e = argv[optind + i];
        ccsig_statement_init(&sts[i], CCSIG_SRC_EXPRESSION);
        sts[i].src.line = (unsigned)(i + 1);
        sts[i].src.text = ccsig_str_c(e);
        if (ccsig_pref_parse(&arena, e, strlen(e), &sts[i], &ws[i], &errs[i]) && first_invalid < 0)
            first_invalid = i;
        names[i] = malloc(32);
        if (names[i])
            snprintf(names[i], 32, "expression %d", i + 1);
    }
    ccsig_verdict v;
    ccsig_combine_read(sts, (size_t)n, prof.reading, &v);
    ccsig_decision d;
    ccsig_decide(&v, &prof, &d);

    char msg[512];
    if (json) {
        json_t *warnings = json_array();
        for (int i = 0; i < n; i++)
            for (size_t k = 0; k < ws[i].n; k++) {
                ccsig_warning_message(&ws[i].v[k], msg, sizeof msg);
                if (n > 1) {
                    char full[600];
                    snprintf(full, sizeof full, "expression %d: %s", i + 1, msg);
                    json_array_append_new(warnings, json_string(full));
                } else {
                    json_array_append_new(warnings, json_string(msg));
                }
            }
        json_t *error = json_null();
        if (first_invalid >= 0)
            error =
                json_pack("{s:s, s:I, s:i}", "message", errs[first_invalid].message, "offset",
                          (json_int_t)errs[first_invalid].offset, "expression", first_invalid + 1);
        json_t *o = json_pack("{s:b, s:o, s:o, s:o, s:o}", "valid", first_invalid < 0, "error",
                              error, "categories", ccsig_report_categories_json(&v), "warnings",
                              warnings, "decision", ccsig_report_decision_json(&d));
        json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
    } else {
        for (int i = 0; i < n; i++)
            if (!sts[i].valid)
                printf("Expression %d is not valid (%s at byte %zu), so every category is "
                       "unknown for it.\n",
                       i + 1, errs[i].message, errs[i].offset);
        bool any = false;
        for (int k = 0; k < CCSIG_CAT_COUNT; k++)
            any |=
                v.cat[k].state != CCSIG_STATE_UNKNOWN || ccsig_verdict_entry_disagrees(&v.cat[k]);
        if (any) {
            ccsig_buf t = CCSIG_BUF_INIT;
            ccsig_report_categories_text(&t, &v, "", n > 1 ? (const char *const *)names : NULL);
            cli_put_buf(stdout, &t);
        } else
            printf("No preference is stated for any category: every use is unknown.\n");
        for (int i = 0; i < n; i++)
            for (size_t k = 0; k < ws[i].n; k++) {
                if (ws[i].v[k].code == CCSIG_W_PARSE_ERROR)
                    continue;
                ccsig_warning_message(&ws[i].v[k], msg, sizeof msg);
                if (n > 1)
                    printf("warning: expression %d: %s\n", i + 1, msg);
                else
                    printf("warning: %s\n", msg);
            }
        {
            ccsig_buf t = CCSIG_BUF_INIT;
            ccsig_report_decision_text(&t, &d, "");
            cli_put_buf(stdout, &t);
        }
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(sts);
    free(ws);
    free(errs);
    ccsig_arena_free(&arena);
    return cli_finish_stdout("explain", cli_exit_for_result(d.result));
}
