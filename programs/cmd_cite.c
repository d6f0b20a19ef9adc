/*
 * cmd_cite.c — `ccsig cite [--format F] [--use C] [--records FILE]...
 * [SOURCE...]`: the attribution to paste for the sources an answer, a
 * model or a dataset used. Sources are URLs (checked live), local files
 * (read offline: an HTML page, an image, dataset metadata, a captured
 * response) and JSON documents (--records: credit records, `ccsig scan`
 * annotation lines, gateway search hits). Each becomes a credit record
 * (ccsig/attribution.h); the library writes every format.
 */
#include <stdlib.h>

#include "ccsig/attribution.h"
#include "cli.h"
#include "commands.h"
#include "cite_sources.h"

const char cmd_cite_summary[] = "print the attribution (TASL) to give for the sources used";

static const cli_option options[] = {
    {"format", 'f', 'f', CLI_VAL_WORDS, "F", "text markdown html card json", CLI_ONCE,
     "text (default), markdown, html, card (a \"Data sources and\n"
     "credit\" section for a model or dataset card) or json",
     0},
    CITE_OPT_RECORDS('r'),
    CITE_OPT_ARCHIVE('W'),
    CITE_OPT_BASE('b'),
    CITE_OPT_ROBOTS('R'),
    {"read-at", 0, 't', CLI_VAL_TEXT, "TIME", NULL, CLI_ONCE,
     "for local files: when they were read (RFC 3339)", 0},
    CITE_OPT_AGENT('a'),
    CLI_OPT_USE('u'),
    CLI_OPT_COMMIT('c'),
    CLI_OPT_PURPOSE('p'),
    {0},
};

const cli_spec cmd_cite_cli = {
    .name = "cite",
    .synopsis = "usage: ccsig cite [--format F] [--use CATEGORY] [--records FILE]...\n"
                "                  [--archive FILE] [--base URL [--robots FILE]] [SOURCE...]\n\n"
                "Print the attribution to give for the sources used: numbered references in\n"
                "TASL form (title, author, source link, licence with its deed), each saying\n"
                "what credit its usage preference asks and when it was read. A SOURCE is a\n"
                "URL (fetched politely, robots.txt first) or a local file (an HTML page, an\n"
                "image, dataset metadata, a captured HTTP response). Cite reference N in the\n"
                "text with its marker: [N] (text), [N](#ref-N) (markdown),\n"
                "<sup><a href=\"#ref-N\">[N]</a></sup> (html).\n\n",
    .options = options,
    .column = 22,
    .epilog = "\nExit status: 0 every source may be used, 1 some source may not be used for\n"
              "the use (it is still listed, with a warning), 2 bad usage or unreadable input,\n"
              "3 internal error.\n",
    .operand = CLI_VAL_FILE,
    .permute = true,
};

int cmd_cite(int argc, char **argv) {
    cite_opts o;
    memset(&o, 0, sizeof o);
    o.cmd = "cite";
    o.agent = "*";
    o.prof.use = CCSIG_CAT_AI_USE;
    o.prof.purpose = CCSIG_PURPOSE_NONE;
    /* citing is giving credit: the profile commits to it unless --commit
     * says otherwise */
    o.prof.commitments = CCSIG_COND_CREDIT;
    ccsig_cite_format fmt = CCSIG_CITE_TEXT;
    const char *records[64];
    int nrecords = 0;
    int c;
    cli_parser cp;
    cli_parser_init(&cp, &cmd_cite_cli, argc, argv, 1);
    while ((c = cli_next(&cp)) > 0) {
        switch (c) {
        case 'f':
            if (!ccsig_cite_format_parse(optarg, &fmt))
                return cli_usage_error("cite",
                                       "unknown format '%s' (text, markdown, html, card, "
                                       "json)",
                                       optarg);
            break;
        case 'r':
            if (nrecords == 64)
                return cli_usage_error("cite", "more than 64 --records files");
            records[nrecords++] = optarg;
            break;
        case 'b':
            o.base = optarg;
            break;
        case 'W':
            o.archive = optarg;
            break;
        case 'R':
            o.robots = optarg;
            break;
        case 't':
            o.read_at = optarg;
            break;
        case 'a':
            o.agent = optarg;
            break;
        case 'u':
            if (!cli_parse_use("cite", optarg, &o.prof.use))
                return EXIT_USAGE;
            break;
        case 'c':
            if (!cli_parse_commit("cite", optarg, &o.prof.commitments))
                return EXIT_USAGE;
            break;
        case 'p':
            if (!cli_parse_purpose("cite", optarg, &o.prof.purpose))
                return EXIT_USAGE;
            break;
        }
    }
    if (c < 0)
        return cp.rc;
    if (optind >= argc && !nrecords)
        return cli_usage_error("cite", "no source given (a URL, a file or --records FILE)");
    if (o.robots && !o.base)
        return cli_usage_error("cite", "--robots needs --base (the address the files are under)");
    if (cli_stdin_once("cite", nrecords, (char *const *)records) != EXIT_OK)
        return EXIT_USAGE;

    cite_set set;
    cite_set_init(&set);
    int rc = EXIT_OK;
    for (int i = 0; i < nrecords && rc == EXIT_OK; i++)
        rc = cite_read_records(&o, &set, records[i]);
    if (rc == EXIT_OK)
        rc = cite_read_sources(&o, &set, argc - optind, argv + optind);
    if (rc != EXIT_OK) {
        cite_set_free(&set);
        return rc;
    }
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_cite_references(&b, fmt, set.v, set.n);
    if (ccsig_buf_failed(&b)) {
        cli_error("cite", "out of memory");
        cite_set_free(&set);
        return EXIT_INTERNAL;
    }
    bool ok = cli_put_buf(stdout, &b);
    int status = EXIT_OK;
    for (size_t i = 0; i < set.n; i++)
        if (set.v[i].result == CCSIG_RESULT_NOT_PERMITTED) {
            fprintf(stderr, "ccsig cite: warning: [%zu] %s may not be used for %s\n", i + 1,
                    set.v[i].link ? set.v[i].link : "(no address)",
                    ccsig_category_name(set.v[i].use));
            status = EXIT_NOT_PERMITTED;
        }
    cite_set_free(&set);
    if (!ok) {
        cli_error("cite", "cannot write the output");
        return EXIT_INTERNAL;
    }
    return status;
}
