/*
 * cmd_lint.c — `ccsig lint [--format text|json|sarif] FILE...`: what a
 * steward should fix in a robots.txt that carries AI preferences, as
 * compiler-style diagnostics, JSON, or SARIF 2.1.0 for code-scanning tools.
 */
#include <errno.h>
#include <stdlib.h>

#include "ccsig/robots.h"
#include "cli.h"
#include "commands.h"
#include <jansson.h>

#include "ccsig/report.h"

const char cmd_lint_summary[] = "lint robots.txt files (Content-Usage, Content-Signal, License)";

static const cli_option options[] = {
    {"format", 0, 'f', CLI_VAL_WORDS, "F", "text json sarif", CLI_ONCE,
     "text (default: file:line:col: severity: message), json, or sarif\n"
     "(SARIF 2.1.0, for code-scanning tools)",
     0},
    {0},
};

const cli_spec cmd_lint_cli = {
    .name = "lint",
    .synopsis = "usage: ccsig lint [--format text|json|sarif] FILE...\n\n"
                "Check robots.txt files ('-' for standard input): invalid Content-Usage\n"
                "expressions, legacy or uppercase labels, CC signal exceptions that do nothing,\n"
                "rules with no effect or outside any group, unknown directives, Content-Signal\n"
                "and License oddities, content past the 500 KiB limit.\n\n",
    .options = options,
    .column = 15,
    .epilog = "\nExit status: 0 no errors (warnings allowed), 1 errors found, 2 bad usage or\n"
              "unreadable file.\n",
    .operand = CLI_VAL_FILE,
};

enum { FMT_TEXT, FMT_JSON, FMT_SARIF };

/* A file path as a URI reference (RFC 3986): unreserved and '/' kept. */
static json_t *uri_of(const char *path) {
    ccsig_buf b = CCSIG_BUF_INIT;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("-._~/", c))
            ccsig_buf_putc(&b, (char)c);
        else
            ccsig_buf_printf(&b, "%%%02X", c);
    }
    json_t *s = json_string(ccsig_buf_cstr(&b));
    ccsig_buf_free(&b);
    return s;
}

static const char *sarif_level(ccsig_diag_severity s) {
    return s == CCSIG_DIAG_ERROR ? "error" : s == CCSIG_DIAG_WARNING ? "warning" : "note";
}

int cmd_lint(int argc, char **argv) {
    int fmt = FMT_TEXT;
    int c;
    cli_parser cp;
    cli_parser_init(&cp, &cmd_lint_cli, argc, argv, 1);
    while ((c = cli_next(&cp)) > 0) {
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "text"))
                fmt = FMT_TEXT;
            else if (!strcmp(optarg, "json"))
                fmt = FMT_JSON;
            else if (!strcmp(optarg, "sarif"))
                fmt = FMT_SARIF;
            else
                return cli_usage_error("lint",
                                       "unknown --format '%s' (expected text, json or "
                                       "sarif)",
                                       optarg);
            break;
        }
    }
    if (c < 0)
        return cp.rc;
    if (optind >= argc)
        return cli_usage_error("lint", "no file given");
    if (cli_stdin_once("lint", argc - optind, argv + optind))
        return EXIT_USAGE;

    size_t nchecks;
    const ccsig_robots_check_info *checks = ccsig_robots_lint_checks(&nchecks);
    json_t *files = json_array(), *results = json_array();
    size_t errors = 0, warnings = 0, notes = 0;
    bool unreadable = false;
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        size_t len;
        char *text = cli_read_file(path, 0, &len);
        if (!text) {
            cli_error("lint", "cannot read '%s': %s", path, strerror(errno));
            unreadable = true;
            continue;
        }
        ccsig_robots_lint_result res;
        ccsig_error err;
        if (ccsig_robots_lint(text, len, &res, &err)) {
            cli_error("lint", "%s: %s", path, err.message);
            free(text);
            json_decref(files);
            json_decref(results);
            return EXIT_INTERNAL;
        }
        free(text);
        errors += res.errors;
        warnings += res.warnings;
        notes += res.notes;
        json_t *diags = json_array();
        for (size_t k = 0; k < res.n; k++) {
            const ccsig_diag *d = &res.v[k];
            switch (fmt) {
            case FMT_TEXT:
                printf("%s:%u:%u: %s: %s [%s]\n", path, d->line, d->column,
                       ccsig_diag_severity_name(d->severity), d->message, d->code);
                if (d->hint[0])
                    printf("  hint: %s\n", d->hint);
                break;
            case FMT_JSON:
                json_array_append_new(
                    diags, json_pack("{s:i, s:i, s:s, s:s, s:s, s:s*}", "line", (int)d->line,
                                     "column", (int)d->column, "severity",
                                     ccsig_diag_severity_name(d->severity), "id", d->code,
                                     "message", d->message, "hint", d->hint[0] ? d->hint : NULL));
                break;
            case FMT_SARIF: {
                int rule_index = 0;
                for (size_t x = 0; x < nchecks; x++)
                    if (!strcmp(checks[x].id, d->code))
                        rule_index = (int)x;
                char msg[600];
                if (d->hint[0])
                    snprintf(msg, sizeof msg, "%s (hint: %s)", d->message, d->hint);
                else
                    snprintf(msg, sizeof msg, "%s", d->message);
                json_t *loc = json_pack("[{s:{s:{s:o}, s:{s:i, s:i}}}]", "physicalLocation",
                                        "artifactLocation", "uri", uri_of(path), "region",
                                        "startLine", (int)d->line, "startColumn", (int)d->column);
                json_array_append_new(results, json_pack("{s:s, s:i, s:s, s:{s:s}, s:o}", "ruleId",
                                                         d->code, "ruleIndex", rule_index, "level",
                                                         sarif_level(d->severity), "message",
                                                         "text", msg, "locations", loc));
                break;
            }
            }
        }
        if (fmt == FMT_JSON)
            json_array_append_new(files, json_pack("{s:s, s:I, s:o}", "file", path, "size",
                                                   (json_int_t)len, "diagnostics", diags));
        else
            json_decref(diags);
        ccsig_robots_lint_free(&res);
    }
    if (fmt == FMT_TEXT) {
        if (errors + warnings + notes == 0 && !unreadable)
            printf("no problems found\n");
        else
            printf("%zu error%s, %zu warning%s, %zu note%s\n", errors, errors == 1 ? "" : "s",
                   warnings, warnings == 1 ? "" : "s", notes, notes == 1 ? "" : "s");
    } else if (fmt == FMT_JSON) {
        json_t *o = json_pack("{s:o, s:I, s:I, s:I}", "files", files, "errors", (json_int_t)errors,
                              "warnings", (json_int_t)warnings, "notes", (json_int_t)notes);
        files = NULL;
        json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
    } else {
        json_t *rules = json_array();
        for (size_t x = 0; x < nchecks; x++)
            json_array_append_new(rules, json_pack("{s:s, s:{s:s}, s:{s:s}}", "id", checks[x].id,
                                                   "shortDescription", "text",
                                                   checks[x].description, "defaultConfiguration",
                                                   "level", sarif_level(checks[x].severity)));
        json_t *o = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o}]}", "$schema",
                              "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0",
                              "runs", "tool", "driver", "name", "ccsig", "version", ccsig_version(),
                              "rules", rules, "results", results);
        results = NULL;
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
    }
    json_decref(files);
    json_decref(results);
    if (unreadable)
        return EXIT_USAGE;
    return errors ? EXIT_NOT_PERMITTED : EXIT_OK;
}
