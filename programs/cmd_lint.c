/*
 * cmd_lint.c — `ccsig lint [--format text|json|sarif] FILE...`: what a
 * steward should fix in a robots.txt that carries AI preferences, as
 * compiler-style diagnostics, JSON, or SARIF 2.1.0 for code-scanning tools;
 * `ccsig lint --fix [--in-place] FILE...` rewrites legacy Content-Usage
 * labels for current readers (ccsig_robots_fix).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "ccsig/robots.h"
#include "cli.h"
#include "commands.h"
#include <jansson.h>

#include "ccsig/report.h"

const char cmd_lint_summary[] = "lint robots.txt files (Content-Usage, Content-Signal, License)";

enum { OPT_FIX = 1000, OPT_IN_PLACE };

static const cli_option options[] = {
    {"format", 0, 'f', CLI_VAL_WORDS, "F", "text json sarif", CLI_ONCE,
     "text (default: file:line:col: severity: message), json, or sarif\n"
     "(SARIF 2.1.0, for code-scanning tools)",
     0},
    {"fix", 0, OPT_FIX, CLI_VAL_NONE, NULL, NULL, CLI_ONCE,
     "write FILE to standard output with each legacy\n"
     "Content-Usage label replaced by the current labels\n"
     "it stood for (all=n: train-ai=n, ai-use=n, search=n;\n"
     "train-genai: train-ai), CC signal exceptions and\n"
     "every other byte kept; what changed goes to\n"
     "standard error (no diagnostics)",
     0},
    {"in-place", 0, OPT_IN_PLACE, CLI_VAL_NONE, NULL, NULL, CLI_ONCE,
     "with --fix: rewrite each FILE instead (a temporary\n"
     "file and a rename, mode kept; a file with nothing\n"
     "to fix is not touched)",
     0},
    {0},
};

const cli_spec cmd_lint_cli = {
    .name = "lint",
    .synopsis = "usage: ccsig lint [--format text|json|sarif] FILE...\n"
                "       ccsig lint --fix FILE > FIXED\n"
                "       ccsig lint --fix --in-place FILE...\n\n"
                "Check robots.txt files ('-' for standard input): invalid Content-Usage\n"
                "expressions, legacy or uppercase labels, CC signal exceptions that do nothing,\n"
                "rules with no effect or outside any group, unknown directives, Content-Signal\n"
                "and License oddities, content past the 500 KiB limit.\n\n",
    .options = options,
    .column = 15,
    .epilog = "\nExit status: 0 no errors (warnings allowed), 1 errors found, 2 bad usage or\n"
              "unreadable file. With --fix: 0 every legacy label fixed, 1 a rule left as\n"
              "it was (a legacy label given twice), 2 bad usage or unreadable file,\n"
              "3 the output could not be written.\n",
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

/* ccsig_robots_fix_fn: what --fix changed or left alone, on stderr. ctx is
 * the file name; *left counts rules left alone. */
typedef struct fix_ctx {
    const char *path;
    unsigned left;
} fix_ctx;

static void fix_report(void *ctx, const ccsig_robots_fix_change *c) {
    fix_ctx *f = ctx;
    if (c->status) {
        f->left++;
        fprintf(stderr, "%s:%u:%u: not fixed: %s\n", f->path, c->line, c->column, c->message);
        return;
    }
    fprintf(stderr, "%s:%u:%u: fixed: '%.*s' is now '%.*s'\n", f->path, c->line, c->column,
            (int)c->before.len, c->before.p, (int)c->after.len, c->after.p);
}

/* lint --fix: each file through ccsig_robots_fix, to stdout (one file) or
 * back into the file (in_place). Returns the exit code. */
static int lint_fix(char **files, int nfiles, bool in_place) {
    int rc = EXIT_OK;
    for (int i = 0; i < nfiles; i++) {
        const char *path = files[i];
        size_t len;
        char *text = cli_read_file(path, 0, &len);
        if (!text) {
            cli_error("lint", "cannot read '%s': %s", path, strerror(errno));
            rc = cli_exit_worst(rc, EXIT_USAGE);
            continue;
        }
        ccsig_buf out = CCSIG_BUF_INIT;
        fix_ctx f = {path, 0};
        unsigned nfixed;
        ccsig_error err;
        if (ccsig_robots_fix(text, len, &out, &nfixed, fix_report, &f, &err)) {
            cli_error("lint", "%s: %s", path, err.message);
            free(text);
            ccsig_buf_free(&out);
            return EXIT_INTERNAL;
        }
        if (f.left)
            rc = cli_exit_worst(rc, EXIT_NOT_PERMITTED);
        if (!in_place) {
            fwrite(out.data, 1, out.len, stdout);
        } else if (nfixed) {
            struct stat st;
            char *real = realpath(path, NULL);
            if (!real || stat(real, &st) != 0 ||
                !cli_write_atomic(real, out.data, out.len, st.st_mode & 07777)) {
                cli_error("lint", "cannot write '%s': %s; it is unchanged", path, strerror(errno));
                rc = cli_exit_worst(rc, EXIT_INTERNAL);
            }
            free(real);
        }
        fprintf(stderr, "ccsig lint: %s: %u rule%s fixed%s%s\n", path, nfixed,
                nfixed == 1 ? "" : "s", f.left ? ", some left as they were" : "",
                in_place && nfixed ? " (written in place)" : "");
        free(text);
        ccsig_buf_free(&out);
    }
    return cli_finish_stdout("lint", rc);
}

int cmd_lint(int argc, char **argv) {
    int fmt = FMT_TEXT;
    bool fix = false, in_place = false, fmt_given = false;
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
            fmt_given = true;
            break;
        case OPT_FIX:
            fix = true;
            break;
        case OPT_IN_PLACE:
            in_place = true;
            break;
        }
    }
    if (c < 0)
        return cp.rc;
    if (optind >= argc)
        return cli_usage_error("lint", "no file given");
    if (cli_stdin_once("lint", argc - optind, argv + optind))
        return EXIT_USAGE;
    if (in_place && !fix)
        return cli_usage_error("lint", "--in-place rewrites what --fix writes: give --fix too");
    if (fix && fmt_given)
        return cli_usage_error("lint", "--fix writes the fixed file, not diagnostics: drop "
                                       "--format");
    if (fix && !in_place && argc - optind > 1)
        return cli_usage_error("lint", "--fix writes one file to standard output: give one FILE, "
                                       "or --in-place to rewrite several");
    if (in_place)
        for (int i = optind; i < argc; i++)
            if (!strcmp(argv[i], "-"))
                return cli_usage_error("lint", "--in-place cannot rewrite standard input");
    if (fix)
        return lint_fix(argv + optind, argc - optind, in_place);

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
