/*
 * cmd_merge.c — `ccsig merge [--json] [--credit FILE] SHARD-OUTPUT...`:
 * combine the summaries and credit manifests of `ccsig scan --shard I/N`
 * runs into exactly what one run over all the archives gives
 * (docs/ccsig-merge.1).
 *
 * Every field of both documents merges by sum, union, min/max or "smallest
 * K" (ccsig/summary.h, ccsig/credit.h), so the order of the inputs does not
 * matter. Inputs must share one profile (agent, use, commitments, purpose):
 * counts for different profiles do not add up. Shard outputs carry their
 * identity; the library's merge (ccsig/shard.h) refuses a shard given twice,
 * names missing shards and resolves the revisits shards left open.
 */
#include <errno.h>
#include <stdlib.h>

#include "ccsig/credit.h"
#include "ccsig/shard.h"
#include "ccsig/summary.h"
#include "cli.h"
#include "commands.h"

const char cmd_merge_summary[] = "combine shard summaries and credit manifests of ccsig scan";

enum { O_JSON = 1, O_CREDIT, O_CREDIT_FORMAT, O_ALLOW_MISSING };

static const cli_option options[] = {
    {"json", 0, O_JSON, CLI_VAL_NONE, NULL, NULL, CLI_ONCE,
     "print the merged summary as JSON (default: text)", 0},
    {"credit", 0, O_CREDIT, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "write the merged credit manifest (.json, .csv or .md);\n"
     "without it, merged manifests go to stdout as JSON when no\n"
     "summary is given",
     0},
    {"credit-format", 0, O_CREDIT_FORMAT, CLI_VAL_WORDS, "F", "json csv md", CLI_ONCE,
     "json, csv or md (default: from the file name; json for -)", 0},
    {"allow-missing", 0, O_ALLOW_MISSING, CLI_VAL_NONE, NULL, NULL, CLI_ONCE,
     "merge even when shards of the list are missing (they are\n"
     "named on standard error and in the summary)",
     0},
    {0},
};

const cli_spec cmd_merge_cli = {
    .name = "merge",
    .synopsis = "usage: ccsig merge [--json] [--credit FILE [--credit-format F]] FILE...\n\n"
                "Combine what `ccsig scan --shard I/N` runs wrote: summaries (--summary --json\n"
                "output) and credit manifests (--credit FILE.json). The result is what one scan\n"
                "of all the archives gives. Each FILE is recognised by its \"type\". Audit\n"
                "JSON outputs (ccsig audit --shard) are merged as ccsig audit --merge does.\n\n",
    .options = options,
    .column = 18,
    .epilog = "\nExit status: 0 merged, 1 merged but archives could not be read or shards are\n"
              "missing (--allow-missing), 2 bad usage, an input that is not a scan output, a\n"
              "shard given twice or missing.\n",
    .operand = CLI_VAL_FILE,
    .permute = true,
};

/* Is path an audit JSON output (ccsig audit --format json)? Those merge
 * through `ccsig audit --merge`. */
static bool is_audit_json(const char *path) {
    if (!strcmp(path, "-"))
        return false; /* standard input is read once, by the merge that follows */
    size_t len;
    char *text = cli_read_file(path, 0, &len);
    bool yes = text && strstr(text, "\"type\": \"ccsig-audit\"") != NULL;
    free(text);
    return yes;
}

static int merge_audits(int n, char **files, bool json) {
    char **av = calloc((size_t)n + 5, sizeof *av);
    if (!av)
        return EXIT_INTERNAL;
    int k = 0;
    av[k++] = "audit";
    av[k++] = "--merge";
    if (json) {
        av[k++] = "--format";
        av[k++] = "json";
    }
    for (int i = 0; i < n; i++)
        av[k++] = files[i];
    int rc = cmd_audit(k, av);
    free(av);
    return rc;
}

int cmd_merge(int argc, char **argv) {
    bool json = false;
    const char *credit_out = NULL;
    ccsig_credit_format fmt = CCSIG_CREDIT_JSON;
    bool fmt_given = false, allow_missing = false;
    int c;
    cli_parser cp;
    cli_parser_init(&cp, &cmd_merge_cli, argc, argv, 1);
    while ((c = cli_next(&cp)) > 0) {
        switch (c) {
        case O_JSON:
            json = true;
            break;
        case O_CREDIT:
            credit_out = optarg;
            break;
        case O_ALLOW_MISSING:
            allow_missing = true;
            break;
        case O_CREDIT_FORMAT:
            if (!ccsig_credit_format_parse(optarg, &fmt))
                return cli_usage_error("merge", "--credit-format %s: expected json, csv or md",
                                       optarg);
            fmt_given = true;
            break;
        }
    }
    if (c < 0)
        return cp.rc;
    if (optind >= argc)
        return cli_usage_error("merge", "no input given");
    if (cli_stdin_once("merge", argc - optind, argv + optind))
        return EXIT_USAGE;
    if (!credit_out && is_audit_json(argv[optind]))
        return merge_audits(argc - optind, argv + optind, json);
    if (credit_out && !fmt_given && strcmp(credit_out, "-") != 0 &&
        !ccsig_credit_format_for(credit_out, &fmt))
        return cli_usage_error("merge", "--credit %s: name a .json, .csv or .md file", credit_out);

    ccsig_merge *m;
    ccsig_error err;
    if (ccsig_merge_new(&m, &err)) {
        cli_error("merge", "%s", err.message);
        return EXIT_INTERNAL;
    }
    int rc = EXIT_OK;
    for (int i = optind; i < argc && rc == EXIT_OK; i++) {
        const char *path = argv[i];
        size_t len;
        char *text = cli_read_file(path, 0, &len);
        if (!text) {
            cli_error("merge", "%s: unable to open %s: %s", path, path, strerror(errno));
            rc = EXIT_USAGE;
            break;
        }
        ccsig_scan_output_type type;
        ccsig_status st = ccsig_merge_add(m, path, text, len, &type, &err);
        free(text);
        if (st) {
            if (err.line)
                cli_error("merge", "%s:%u:%u: %s", path, err.line, err.column, err.message);
            else
                cli_error("merge", "%s: %s", path, err.message);
            rc = st == CCSIG_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK && ccsig_merge_finish(m, allow_missing, &err)) {
        cli_error("merge", "%s", err.message);
        rc = err.code == CCSIG_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
    }
    size_t nsum = ccsig_merge_count(m, CCSIG_SCAN_OUTPUT_SUMMARY);
    size_t ncredit = ccsig_merge_count(m, CCSIG_SCAN_OUTPUT_CREDIT);
    const ccsig_scan_profile *prof = ccsig_merge_profile(m);
    if (rc == EXIT_OK && ncredit && !credit_out && nsum)
        rc = cli_usage_error("merge", "credit manifests and summaries given: name the merged "
                                      "manifest with --credit FILE");
    if (rc == EXIT_OK && credit_out && !ncredit)
        rc = cli_usage_error("merge", "--credit given but no credit manifest among the inputs");
    bool incomplete = false; /* shards missing or archives unreadable: exit 1 */
    for (int t = CCSIG_SCAN_OUTPUT_SUMMARY; rc == EXIT_OK && t <= CCSIG_SCAN_OUTPUT_CREDIT; t++) {
        const uint64_t *idx;
        uint64_t count;
        size_t n = ccsig_merge_missing(m, (ccsig_scan_output_type)t, &idx, &count);
        for (size_t i = 0; i < n; i++)
            cli_error("merge",
                      "warning: shard %llu/%llu missing among the %s (--allow-missing): its "
                      "archives are not counted",
                      (unsigned long long)idx[i], (unsigned long long)count,
                      t == CCSIG_SCAN_OUTPUT_SUMMARY ? "summaries" : "credit manifests");
        incomplete |= n > 0;
    }
    ccsig_summary *total = ccsig_merge_summary(m);
    if (rc == EXIT_OK && nsum)
        for (size_t i = 0; i < total->nunreadable; i++) {
            cli_error("merge", "warning: archive %s could not be read: %s",
                      total->unreadable[i].archive, total->unreadable[i].what);
            incomplete = true;
        }
    if (rc == EXIT_OK && ncredit) {
        ccsig_buf b = CCSIG_BUF_INIT;
        ccsig_status st = ccsig_credit_write(&b, fmt, ccsig_merge_credit(m), prof);
        FILE *f = st                                      ? NULL
                  : credit_out && strcmp(credit_out, "-") ? fopen(credit_out, "w")
                                                          : stdout;
        if (st)
            errno = ENOMEM;
        if (!f || !cli_put_buf(f, &b) || (f != stdout && fclose(f) != 0)) {
            cli_error("merge", "--credit %s: cannot write: %s", credit_out ? credit_out : "-",
                      strerror(errno));
            rc = EXIT_INTERNAL;
        }
        ccsig_buf_free(&b);
    }
    if (rc == EXIT_OK && nsum) {
        ccsig_buf b = CCSIG_BUF_INIT;
        if (json)
            ccsig_summary_write_json(&b, total, prof);
        else
            ccsig_summary_write_text(&b, total, prof);
        cli_put_buf(stdout, &b);
    }
    if (rc == EXIT_OK && incomplete)
        rc = EXIT_NOT_PERMITTED;
    ccsig_merge_free(m);
    return rc;
}
