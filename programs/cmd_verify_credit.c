/*
 * cmd_verify_credit.c — `ccsig verify-credit [--json] ANSWER [--records
 * FILE]... [SOURCE...]`: does an answer (Markdown, HTML, text, or JSON with
 * citation annotations) credit every source it used that asks for credit,
 * with a link, and with the author and licence its record names? The
 * sources are read as `ccsig cite` reads them (cite_sources.h); the check
 * is the library's (ccsig_credit_verify).
 */
#include <errno.h>
#include <stdlib.h>

#include "ccsig/attribution.h"
#include "cite_sources.h"
#include "cli.h"
#include "commands.h"

const char cmd_verify_credit_summary[] =
    "check that an answer credits every source that asks for credit";

static const cli_option options[] = {
    CITE_OPT_RECORDS('r'),
    CITE_OPT_ARCHIVE('W'),
    {"json", 'j', 'j', CLI_VAL_NONE, NULL, NULL, CLI_ONCE, "print one JSON object", 0},
    CITE_OPT_BASE('b'),
    CITE_OPT_ROBOTS('R'),
    CITE_OPT_AGENT('a'),
    CLI_OPT_USE('u'),
    {0},
};

const cli_spec cmd_verify_credit_cli = {
    .name = "verify-credit",
    .synopsis = "usage: ccsig verify-credit [--json] [--use CATEGORY] ANSWER\n"
                "                           [--records FILE]... [--archive FILE]\n"
                "                           [--base URL [--robots FILE]]\n"
                "                           [SOURCE...]\n\n"
                "Check that ANSWER (Markdown, HTML or text; or JSON whose strings hold the text\n"
                "and its citation annotations; '-' = standard input) credits every source it\n"
                "used that asks for credit: cited, with the source's link, and with the author\n"
                "and licence its record names (TASL). The sources are given as for ccsig cite,\n"
                "numbered from 1 in that order (records first); marker [N] cites source N.\n\n",
    .options = options,
    .column = 22,
    .epilog = "\nExit status: 0 every obligation met, 1 some source that asks for credit is not\n"
              "credited fully, 2 bad usage or unreadable input, 3 internal error.\n",
    .operand = CLI_VAL_FILE,
    .permute = true,
};

/* "link, author" */
static void missing_list(ccsig_buf *b, unsigned missing, bool json) {
    bool first = true;
    for (unsigned bit = CCSIG_CREDIT_MISSING_CITATION; bit <= CCSIG_CREDIT_INCOMPLETE_RECORD;
         bit <<= 1) {
        if (!(missing & bit))
            continue;
        const char *n = ccsig_credit_missing_name(bit);
        if (json)
            ccsig_buf_printf(b, "%s\"%s\"", first ? "" : ",", n);
        else
            ccsig_buf_printf(b, "%s%s", first ? "" : ", ", n);
        first = false;
    }
}

static void report_text(ccsig_buf *b, const cite_set *s, const ccsig_credit_check *ck) {
    for (size_t i = 0; i < s->n; i++) {
        const ccsig_credit_record *r = &s->v[i];
        const char *link = r->link ? r->link : "(no address)";
        unsigned miss = ck[i].missing & ~(unsigned)CCSIG_CREDIT_INCOMPLETE_RECORD;
        if (!ck[i].asks_credit)
            ccsig_buf_printf(b, "[%zu] no credit asked  %s%s\n", i + 1, link,
                             ck[i].cited ? " (cited)" : "");
        else if (ck[i].ok)
            ccsig_buf_printf(b, "[%zu] credited         %s\n", i + 1, link);
        else {
            ccsig_buf_printf(b, "[%zu] NOT credited     %s: missing ", i + 1, link);
            missing_list(b, miss, false);
            ccsig_buf_putc(b, '\n');
            ccsig_buf_puts(b, "    give: ");
            ccsig_cite_attribution(b, CCSIG_CITE_TEXT, r);
            ccsig_buf_putc(b, '\n');
        }
        if (ck[i].missing & CCSIG_CREDIT_INCOMPLETE_RECORD)
            ccsig_buf_printf(b, "    note: the record has no %s: TASL cannot be complete\n",
                             !r->title && !r->link ? "title and no link"
                             : !r->title           ? "title"
                                                   : "link");
    }
}

static void report_json(ccsig_buf *b, const char *answer, const cite_set *s,
                        const ccsig_credit_check *ck, size_t failing) {
    ccsig_buf_puts(b, "{\"answer\":");
    ccsig_buf_json_str(b, answer, strlen(answer));
    ccsig_buf_printf(b, ",\"ok\":%s,\"failing\":%zu,\"sources\":[", failing ? "false" : "true",
                     failing);
    for (size_t i = 0; i < s->n; i++) {
        ccsig_buf_printf(b, "%s{\"index\":%zu,\"link\":", i ? "," : "", i + 1);
        if (s->v[i].link)
            ccsig_buf_json_str(b, s->v[i].link, strlen(s->v[i].link));
        else
            ccsig_buf_puts(b, "null");
        ccsig_buf_printf(b, ",\"asks_credit\":%s,\"cited\":%s,\"ok\":%s,\"missing\":[",
                         ck[i].asks_credit ? "true" : "false", ck[i].cited ? "true" : "false",
                         ck[i].ok ? "true" : "false");
        missing_list(b, ck[i].missing, true);
        ccsig_buf_puts(b, "]}");
    }
    ccsig_buf_puts(b, "]}\n");
}

int cmd_verify_credit(int argc, char **argv) {
    cite_opts o;
    memset(&o, 0, sizeof o);
    o.cmd = "verify-credit";
    o.agent = "*";
    o.prof.use = CCSIG_CAT_AI_USE;
    o.prof.commitments = CCSIG_COND_CREDIT;
    o.prof.purpose = CCSIG_PURPOSE_NONE;
    const char *records[64];
    int nrecords = 0;
    bool json = false;
    int c;
    cli_parser cp;
    cli_parser_init(&cp, &cmd_verify_credit_cli, argc, argv, 1);
    while ((c = cli_next(&cp)) > 0) {
        switch (c) {
        case 'r':
            if (nrecords == 64)
                return cli_usage_error("verify-credit", "more than 64 --records files");
            records[nrecords++] = optarg;
            break;
        case 'j':
            json = true;
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
        case 'a':
            o.agent = optarg;
            break;
        case 'u':
            if (!cli_parse_use("verify-credit", optarg, &o.prof.use))
                return EXIT_USAGE;
            break;
        }
    }
    if (c < 0)
        return cp.rc;
    if (optind >= argc)
        return cli_usage_error("verify-credit", "no answer given");
    const char *answer_path = argv[optind++];
    if (optind >= argc && !nrecords)
        return cli_usage_error("verify-credit",
                               "no source given (--records FILE, a URL or a file)");
    if (o.robots && !o.base)
        return cli_usage_error("verify-credit", "--robots needs --base");
    const char *all[66];
    int nall = 0;
    all[nall++] = answer_path;
    for (int i = 0; i < nrecords; i++)
        all[nall++] = records[i];
    if (cli_stdin_once("verify-credit", nall, (char *const *)all) != EXIT_OK)
        return EXIT_USAGE;

    cite_set set;
    cite_set_init(&set);
    int rc = EXIT_OK;
    for (int i = 0; i < nrecords && rc == EXIT_OK; i++)
        rc = cite_read_records(&o, &set, records[i]);
    if (rc == EXIT_OK)
        rc = cite_read_sources(&o, &set, argc - optind, argv + optind);
    size_t len = 0;
    char *answer = rc == EXIT_OK ? cli_read_file(answer_path, 0, &len) : NULL;
    if (rc == EXIT_OK && !answer) {
        fprintf(stderr, "%s: error: cannot read: %s\n", answer_path, strerror(errno));
        rc = EXIT_USAGE;
    }
    if (rc != EXIT_OK) {
        free(answer);
        cite_set_free(&set);
        return rc;
    }
    ccsig_str text = ccsig_str_make(answer, len);
    size_t lead = 0;
    while (lead < len && (answer[lead] == ' ' || answer[lead] == '\n' || answer[lead] == '\r' ||
                          answer[lead] == '\t'))
        lead++;
    if (lead < len && (answer[lead] == '{' || answer[lead] == '[')) {
        ccsig_error err;
        ccsig_error_clear(&err);
        if (ccsig_credit_answer_json_text(&set.arena, answer, len, &text, &err)) {
            fprintf(stderr, "%s:%u:%u: error: %s\n", answer_path, err.line ? err.line : 1,
                    err.column ? err.column : 1, err.message);
            free(answer);
            cite_set_free(&set);
            return EXIT_USAGE;
        }
    }
    ccsig_credit_check *ck = calloc(set.n ? set.n : 1, sizeof *ck);
    if (!ck) {
        cli_error("verify-credit", "out of memory");
        free(answer);
        cite_set_free(&set);
        return EXIT_INTERNAL;
    }
    size_t failing = ccsig_credit_verify(text.p, text.len, set.v, set.n, ck);
    ccsig_buf b = CCSIG_BUF_INIT;
    if (json)
        report_json(&b, answer_path, &set, ck, failing);
    else {
        report_text(&b, &set, ck);
        size_t asking = 0;
        for (size_t i = 0; i < set.n; i++)
            asking += ck[i].asks_credit;
        if (failing)
            ccsig_buf_printf(&b, "%zu of %zu source%s that ask for credit %s not credited fully.\n",
                             failing, asking, asking == 1 ? "" : "s", failing == 1 ? "is" : "are");
        else
            ccsig_buf_puts(&b, "Every source that asks for credit is credited.\n");
    }
    bool ok = !ccsig_buf_failed(&b) && cli_put_buf(stdout, &b);
    free(ck);
    free(answer);
    cite_set_free(&set);
    if (!ok) {
        cli_error("verify-credit", "cannot write the output");
        return EXIT_INTERNAL;
    }
    return failing ? EXIT_NOT_PERMITTED : EXIT_OK;
}
