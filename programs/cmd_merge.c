/*
 * cmd_merge.c — `ccsig merge [--json] [--credit FILE] SHARD-OUTPUT...`:
 * combine the summaries and credit manifests of `ccsig scan --shard I/N`
 * runs into exactly what one run over all the archives gives
 * (docs/ccsig-merge.1).
 *
 * Every field of both documents merges by sum, union, min/max or "smallest
 * K" (programs/scan/scan_model.h), so the order of the inputs does not
 * matter. Inputs must share one profile (agent, use, commitments, purpose):
 * counts for different profiles do not add up.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "scan/scan_model.h"

const char cmd_merge_summary[] = "combine shard summaries and credit manifests of ccsig scan";

static void help(FILE *f) {
    fprintf(f, "usage: ccsig merge [--json] [--credit FILE [--credit-format F]] FILE...\n\n"
               "Combine what `ccsig scan --shard I/N` runs wrote: summaries (--summary --json\n"
               "output) and credit manifests (--credit FILE.json). The result is what one scan\n"
               "of all the archives gives. Each FILE is recognised by its \"type\".\n\n"
               "  --json          print the merged summary as JSON (default: text)\n"
               "  --credit FILE   write the merged credit manifest (.json, .csv or .md);\n"
               "                  without it, merged manifests go to stdout as JSON when no\n"
               "                  summary is given\n"
               "  --credit-format F  json, csv or md (default: from the file name; json for -)\n"
               "\nExit status: 0 merged, 2 bad usage or an input that is not a scan output.\n");
    cli_help_footer(f, "merge");
}

int cmd_merge(int argc, char **argv) {
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"credit", required_argument, NULL, 'c'},
        {"credit-format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false;
    const char *credit_out = NULL;
    credit_format fmt = CREDIT_JSON;
    bool fmt_given = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            json = true;
            break;
        case 'c':
            credit_out = optarg;
            break;
        case 'f':
            if (!credit_format_parse(optarg, &fmt))
                return cli_usage_error("merge", "--credit-format %s: expected json, csv or md",
                                       optarg);
            fmt_given = true;
            break;
        case 'h':
            help(stdout);
            return EXIT_OK;
        default:
            return cli_usage_error("merge", "unknown option");
        }
    }
    if (optind >= argc)
        return cli_usage_error("merge", "no input given");
    if (credit_out && !fmt_given && strcmp(credit_out, "-") != 0 &&
        !credit_format_for(credit_out, &fmt))
        return cli_usage_error("merge", "--credit %s: name a .json, .csv or .md file", credit_out);

    scan_summary total;
    credit_map credit;
    scan_summary_init(&total);
    credit_map_init(&credit);
    scan_profile prof, p;
    bool have_prof = false;
    int nsum = 0, ncredit = 0, rc = EXIT_OK;
    for (int i = optind; i < argc && rc == EXIT_OK; i++) {
        const char *path = argv[i];
        json_error_t jerr;
        json_t *j =
            !strcmp(path, "-") ? json_loadf(stdin, 0, &jerr) : json_load_file(path, 0, &jerr);
        if (!j) {
            if (jerr.line > 0)
                cli_error("merge", "%s:%d:%d: not JSON: %s", path, jerr.line, jerr.column,
                          jerr.text);
            else
                cli_error("merge", "%s: %s", path, jerr.text);
            rc = EXIT_USAGE;
            break;
        }
        const char *type = json_string_value(json_object_get(j, "type"));
        char msg[200];
        bool ok;
        if (type && !strcmp(type, "ccsig-scan-summary")) {
            scan_summary s;
            ok = scan_summary_from_json(j, &s, &p, msg, sizeof msg);
            if (ok)
                scan_summary_merge(&total, &s);
            scan_summary_free(&s);
            nsum++;
        } else if (type && !strcmp(type, "ccsig-credit")) {
            ok = credit_from_json(j, &credit, &p, msg, sizeof msg);
            ncredit++;
        } else {
            ok = false;
            snprintf(msg, sizeof msg,
                     "neither a scan summary nor a credit manifest (\"type\" is not "
                     "\"ccsig-scan-summary\" or \"ccsig-credit\")");
        }
        json_decref(j);
        if (!ok) {
            cli_error("merge", "%s: %s", path, msg);
            rc = EXIT_USAGE;
            break;
        }
        if (!have_prof) {
            prof = p;
            have_prof = true;
        } else if (!scan_profile_equal(&prof, &p)) {
            cli_error("merge",
                      "%s: scanned for another profile (agent, use, commit or purpose) than %s; "
                      "its counts do not add up with the others",
                      path, argv[optind]);
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK && ncredit && !credit_out && nsum)
        rc = cli_usage_error("merge", "credit manifests and summaries given: name the merged "
                                      "manifest with --credit FILE");
    if (rc == EXIT_OK && credit_out && !ncredit)
        rc = cli_usage_error("merge", "--credit given but no credit manifest among the inputs");
    if (rc == EXIT_OK && ncredit) {
        FILE *f = credit_out && strcmp(credit_out, "-") ? fopen(credit_out, "w") : stdout;
        if (!f || !credit_write(f, fmt, &credit, &prof) || (f != stdout && fclose(f) != 0)) {
            cli_error("merge", "--credit %s: cannot write: %s", credit_out ? credit_out : "-",
                      strerror(errno));
            rc = EXIT_INTERNAL;
        }
    }
    if (rc == EXIT_OK && nsum) {
        if (json) {
            json_t *j = scan_summary_json(&total, &prof);
            json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            fputc('\n', stdout);
            json_decref(j);
        } else {
            scan_summary_text(stdout, &total, &prof);
        }
    }
    scan_summary_free(&total);
    credit_map_free(&credit);
    return rc;
}
