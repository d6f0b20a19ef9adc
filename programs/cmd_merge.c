/*
 * cmd_merge.c — `ccsig merge [--json] [--credit FILE] [--annotate FILE]
 * [--keep FILE] SHARD-OUTPUT...`: combine the summaries, credit manifests,
 * annotations and keep files of `ccsig scan --shard I/N` runs into exactly
 * what one run over all the archives gives (docs/ccsig-merge.1).
 *
 * Every field of both documents merges by sum, union, min/max or "smallest
 * K" (ccsig/summary.h, ccsig/credit.h), so the order of the inputs does not
 * matter. Inputs must share one profile (agent, use, commitments, purpose):
 * counts for different profiles do not add up. Shard outputs carry their
 * identity; the library's merge (ccsig/shard.h) refuses a shard given twice,
 * names missing shards and resolves the revisits shards left open.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ccsig/credit.h"
#include "ccsig/shard.h"
#include "ccsig/summary.h"
#include "cli.h"
#include "commands.h"

const char cmd_merge_summary[] = "combine shard summaries and credit manifests of ccsig scan";

enum { O_JSON = 1, O_CREDIT, O_CREDIT_FORMAT, O_ALLOW_MISSING, O_ANNOTATE, O_KEEP };

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
    {"annotate", 0, O_ANNOTATE, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "write the annotation of one run from the shards'\n"
     "annotation files among the inputs (.gz, .zst: compressed)",
     0},
    {"keep", 0, O_KEEP, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "write the keep file of one run from the shards' keep\n"
     "files among the inputs",
     0},
    {0},
};

const cli_spec cmd_merge_cli = {
    .name = "merge",
    .synopsis = "usage: ccsig merge [--json] [--credit FILE [--credit-format F]]\n"
                "                   [--annotate FILE] [--keep FILE] FILE...\n\n"
                "Combine what `ccsig scan --shard I/N` runs wrote: summaries (--summary --json\n"
                "output), credit manifests (--credit FILE.json) and, with --annotate and --keep,\n"
                "their annotation and keep files. The result is what one scan of all the\n"
                "archives gives. A summary or manifest is recognised by its \"type\", an\n"
                "annotation or keep file by its size and digest in its shard's record. Audit\n"
                "JSON outputs (ccsig audit --shard) are merged as ccsig audit --merge does.\n\n",
    .options = options,
    .column = 18,
    .epilog = "\nExit status: 0 merged, 1 merged but archives could not be read or shards are\n"
              "missing (--allow-missing), 2 bad usage, an input that is not a scan output, a\n"
              "shard given twice or missing, a shard's annotation or keep file missing or not\n"
              "matching its record, 3 an output could not be written.\n",
    .operand = CLI_VAL_FILE,
    .permute = true,
};

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

/* Write the merged annotation (k 0) or keep file (k 1) to path: an
 * exit code; a partial output is removed. */
static int write_output(ccsig_merge *m, int k, const char *path) {
    const char *opt = k ? "--keep" : "--annotate";
    bool std = !strcmp(path, "-");
    FILE *f = std ? stdout : fopen(path, "wb");
    if (!f) {
        cli_error("merge", "%s %s: cannot write: %s", opt, path, strerror(errno));
        return EXIT_INTERNAL;
    }
    ccsig_error err;
    ccsig_status st =
        k ? ccsig_merge_write_kept(m, cli_write_file, f, &err)
          : ccsig_merge_write_annotation(m, ccsig_warc_codec_for(path), cli_write_file, f, &err);
    if (!st && (std ? fflush(f) : fclose(f)) != 0)
        st = ccsig_error_set(&err, CCSIG_ERR_IO, 0, "cannot write: %s", strerror(errno));
    else if (st && !std)
        fclose(f);
    if (!st)
        return EXIT_OK;
    if (!std)
        unlink(path);
    cli_error("merge", "%s %s: %s", opt, path, err.message);
    return st == CCSIG_ERR_USAGE || st == CCSIG_ERR_SYNTAX || st == CCSIG_ERR_IO ? EXIT_USAGE
                                                                                 : EXIT_INTERNAL;
}

int cmd_merge(int argc, char **argv) {
    bool json = false;
    const char *credit_out = NULL, *annotate_out = NULL, *keep_out = NULL;
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
        case O_ANNOTATE:
            annotate_out = optarg;
            break;
        case O_KEEP:
            keep_out = optarg;
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
    int nfiles = 0; /* shard annotation and keep files, moved to the front of argv */
    char **files = argv + optind;
    for (int i = optind; i < argc && rc == EXIT_OK; i++) {
        const char *path = argv[i];
        /* what each input is, by its content (ccsig/shard.h); standard
         * input is read once, as a document */
        ccsig_merge_input kind = CCSIG_MERGE_INPUT_DOCUMENT;
        if (strcmp(path, "-") != 0 && ccsig_merge_classify_file(path, &kind, &err)) {
            cli_error("merge", "%s", err.message);
            rc = err.code == CCSIG_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
            break;
        }
        if (kind == CCSIG_MERGE_INPUT_AUDIT && i == optind && !credit_out) {
            ccsig_merge_free(m); /* audits merge as ccsig audit --merge does */
            return merge_audits(argc - optind, argv + optind, json);
        }
        if (kind == CCSIG_MERGE_INPUT_EMPTY || kind == CCSIG_MERGE_INPUT_KEEP ||
            kind == CCSIG_MERGE_INPUT_ANNOTATION) {
            files[nfiles++] = argv[i]; /* recognised after the documents, by size and digest */
            continue;
        }
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
    for (int i = 0; i < nfiles && rc == EXIT_OK; i++) {
        ccsig_merge_output what;
        uint64_t shard;
        ccsig_status st = ccsig_merge_add_output(m, files[i], &what, &shard, &err);
        if (!st && ((what == CCSIG_MERGE_ANNOTATION && !annotate_out) ||
                    (what == CCSIG_MERGE_KEEP && !keep_out))) {
            cli_error("merge", "%s: the %s file of shard %llu: give %s FILE to merge it", files[i],
                      what == CCSIG_MERGE_KEEP ? "keep" : "annotation", (unsigned long long)shard,
                      what == CCSIG_MERGE_KEEP ? "--keep" : "--annotate");
            rc = EXIT_USAGE;
        } else if (st) {
            cli_error("merge", "%s", err.message);
            rc = st == CCSIG_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
        }
    }
    size_t nsum = ccsig_merge_count(m, CCSIG_SCAN_OUTPUT_SUMMARY);
    size_t ncredit = ccsig_merge_count(m, CCSIG_SCAN_OUTPUT_CREDIT);
    const ccsig_scan_profile *prof = ccsig_merge_profile(m);
    if (rc == EXIT_OK && ncredit && !credit_out && nsum)
        rc = cli_usage_error("merge", "credit manifests and summaries given: name the merged "
                                      "manifest with --credit FILE");
    if (rc == EXIT_OK && credit_out && !ncredit)
        rc = cli_usage_error("merge", "--credit given but no credit manifest among the inputs");
    bool annotate_std = annotate_out && !strcmp(annotate_out, "-");
    bool keep_std = keep_out && !strcmp(keep_out, "-");
    bool doc_std = nsum || (ncredit && (!credit_out || !strcmp(credit_out, "-")));
    if (rc == EXIT_OK && (annotate_std || keep_std) && ((annotate_std && keep_std) || doc_std))
        rc = cli_usage_error("merge", "%s -: standard output carries the merged %s: name a file",
                             annotate_std ? "--annotate" : "--keep",
                             annotate_std && keep_std ? "keep file"
                             : nsum                   ? "summary"
                                                      : "manifest");
    if (rc == EXIT_OK && annotate_out)
        rc = write_output(m, 0, annotate_out);
    if (rc == EXIT_OK && keep_out)
        rc = write_output(m, 1, keep_out);
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
