/*
 * cmd_check.c — `ccsig check --robots FILE [--agent UA] [--use C]
 * [--commit LIST] [--purpose P] [--header 'Name: value']... [--json]
 * [URL...]`: may this URL be crawled, which preferences apply and why, and
 * (with --use) the decision for a reuser.
 *
 * The robots.txt is compiled once; URLs come from the arguments or, when
 * there are none, one per line from standard input, streamed (one answer
 * buffer, nothing kept per URL). Where the robots.txt for a URL comes from is
 * one function (robots_for): the --robots file. Without --robots, live mode
 * fetches everything over HTTP(S) (common/check_live.c). What is known about
 * each URL (the robots.txt answer, the --header values as the response's
 * fields, or the --response block) is evaluated by ccsig_evaluate
 * (ccsig/evaluate.h), the path ccsig scan, inspect and live check share.
 */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "ccsig/evaluate.h"
#include "ccsig/robots.h"
#include "ccsig/sf.h"
#include "check_live.h"
#include "sources_report.h"
#include "cli.h"
#include "commands.h"
#include "ccsig/report.h"

const char cmd_check_summary[] = "check URLs, live or against a robots.txt: crawl and preferences";

static const cli_option options[] = {
    {"robots", 0, 'r', CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "the robots.txt to read ('-' for standard input only when\n"
     "URLs are given as arguments)",
     0},
    {"agent", 0, 'a', CLI_VAL_TEXT, "UA", NULL, 0,
     "crawler product token or user-agent string (default '*';\n"
     "'ccsig' when fetching)",
     0},
    CLI_OPT_USE('u'),
    CLI_OPT_COMMIT('c'),
    CLI_OPT_PURPOSE('p'),
    CLI_OPT_READING('G'),
    {"header", 0, 'H', CLI_VAL_TEXT, "H", NULL, CLI_REPEAT,
     "with --robots: a response header of the asset, e.g.\n"
     "'X-Robots-Tag: noai' (repeatable; every header ccsig reads)",
     0},
    {"response", 0, 'R', CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "a captured HTTP response (status line, header fields, body:\n"
     "a WARC response record's block; '-' for standard input),\n"
     "evaluated exactly as ccsig scan evaluates that record",
     0},
    {"json", 'j', 'j', CLI_VAL_NONE, NULL, NULL, CLI_ONCE, "one JSON object per URL per line", 0},
    {NULL, 0, 0, CLI_VAL_NONE, NULL, NULL, 0, "live options:", 0},
    {"user-agent", 0, 'U', CLI_VAL_TEXT, "S", NULL, 0,
     "the User-Agent sent (default 'ccsig/VERSION', or the --agent)", 0},
    {"delay", 0, 'D', CLI_VAL_TEXT, "SECONDS", NULL, 0,
     "pause between requests to one host (default 1; a robots.txt\n"
     "Crawl-delay for the agent raises it, up to 60)",
     0},
    {"timeout", 0, 'T', CLI_VAL_TEXT, "SECONDS", NULL, 0,
     "per request (default 30; connecting: 10)", 0},
    {"cache", 0, 'C', CLI_VAL_DIR, "DIR", NULL, 0,
     "keep robots.txt files between runs (honouring Cache-Control,\n"
     "at most 24 hours)",
     0},
    {"jobs", 0, 'J', CLI_VAL_TEXT, "N", NULL, 0,
     "URLs worked on at once (default 4; one request at a time per\n"
     "host whatever N is)",
     0},
    {"cacert", 0, 'K', CLI_VAL_FILE, "FILE", NULL, 0,
     "also trust the CA certificates in FILE (PEM) for HTTPS", 0},
    {0},
};

const cli_spec cmd_check_cli = {
    .name = "check",
    .synopsis = "usage: ccsig check [--agent UA] [--use CATEGORY] [--commit LIST] [--purpose P]\n"
                "                   [--reading R] [--json] [live options] URL...\n"
                "       ccsig check --robots FILE [--header 'Name: value']... [options] [URL...]\n"
                "       ccsig check --response FILE [--robots FILE] [options] [URL]\n\n"
                "For each URL (or each line of standard input when no URL is given): may it be\n"
                "crawled, which AI usage preferences apply, and why. Without --robots, everything\n"
                "is fetched politely over HTTP(S): robots.txt (RFC 9309), the URL's headers, HTML\n"
                "head and embedded metadata, /.well-known/tdmrep.json and RSL licences. With\n"
                "--robots, the given robots.txt and --header values are read instead.\n\n",
    .options = options,
    .column = 20,
    .epilog = CLI_EXIT_HELP CLI_EXIT_HELP_FETCH "\n(the others are still checked).\n",
    .operand = CLI_VAL_URL,
};

#define MAX_HEADERS 64
/* --cacert - larger than this is refused (CA bundles are a few hundred kB). */
#define CACERT_STDIN_MAX (16u << 20)

typedef struct check_ctx {
    const ccsig_robots *robots; /* the --robots file, or NULL (--response without it) */
    const char *robots_name;
    const char *agent;
    ccsig_str token; /* product token of agent ("" for '*') */
    ccsig_robots_agent sel;
    ccsig_profile prof;
    bool json;
    ccsig_http_field fields[MAX_HEADERS]; /* --header values, read per URL */
    size_t nfields;
    const char *response; /* --response: the captured response (a WARC block) */
    size_t response_len;
    const char *response_name;
    ccsig_http_msg *msg;
    ccsig_eval_result *ev;
    ccsig_arena *arena;
    ccsig_robots_answer *ans;
    ccsig_buf out;
    ccsig_buf names[CCSIG_COLLECT_MAX_STATEMENTS];
    int rc; /* the worst exit code of the decisions so far (cli.h) */
} check_ctx;

/* The robots.txt that applies to a URL. With --robots it is that one file for
 * every URL; a fetcher would look the URL's origin up here. */
static const ccsig_robots *robots_for(check_ctx *cx, const char *url, size_t len) {
    (void)url;
    (void)len;
    return cx->robots;
}

static void quote_line(ccsig_buf *b, ccsig_str s) {
    ccsig_buf_putc(b, '"');
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c < 0x20 || c == 0x7f)
            ccsig_buf_printf(b, "\\x%02x", c);
        else
            ccsig_buf_putc(b, (char)c);
    }
    ccsig_buf_putc(b, '"');
}

/* How the text output names a statement: `line 4 "Content-Usage: ..."` for
 * robots.txt (a Content-Signal line inside a group adds `, scoped to the
 * group of line N: AGENTS`), `header [Name ]"value"`, else
 * `<kind> [line N ]"text"`. */
static void statement_name(ccsig_buf *b, const ccsig_statement *st) {
    ccsig_buf_clear(b);
    switch (st->src.kind) {
    case CCSIG_SRC_ROBOTS:
        ccsig_buf_printf(b, "line %u ", st->src.line);
        break;
    case CCSIG_SRC_HEADER:
        ccsig_buf_puts(b, "header ");
        if (!ccsig_str_ieq(st->src.origin, "content-usage"))
            ccsig_buf_printf(b, "%.*s ", (int)st->src.origin.len, st->src.origin.p);
        break;
    default:
        ccsig_buf_printf(b, "%s ", ccsig_source_kind_name(st->src.kind));
        if (st->src.line)
            ccsig_buf_printf(b, "line %u ", st->src.line);
        break;
    }
    quote_line(b, st->src.text);
    if (st->src.scope_line)
        ccsig_buf_printf(b, ", scoped to the group of line %u: %.*s", st->src.scope_line,
                         (int)st->src.scope.len, st->src.scope.p ? st->src.scope.p : "");
}

static void text_record(check_ctx *cx, const char *url, size_t len) {
    const ccsig_robots_answer *a = cx->robots ? cx->ans : NULL;
    const ccsig_eval_result *ev = cx->ev;
    const ccsig_verdict *v = &ev->verdict;
    size_t n = ev->c.n;
    ccsig_buf *b = &cx->out;
    ccsig_buf_clear(b);
    ccsig_buf_append(b, url, len);
    ccsig_buf_puts(b, "\n  crawl: ");
    if (!a) {
        ccsig_buf_puts(b, "unknown: no robots.txt given");
    } else {
        ccsig_buf_puts(b, a->allowed ? "allowed" : "disallowed");
        switch (a->reason) {
        case CCSIG_ROBOTS_BY_RULE:
            ccsig_buf_printf(b, " by line %u ", a->rule.line);
            quote_line(b, a->rule.text);
            ccsig_buf_printf(b, " (group of line %u ", a->group.line);
            quote_line(b, a->group.text);
            ccsig_buf_putc(b, ')');
            break;
        case CCSIG_ROBOTS_NO_MATCH:
            ccsig_buf_printf(b, ": no rule matches (group of line %u ", a->group.line);
            quote_line(b, a->group.text);
            ccsig_buf_putc(b, ')');
            break;
        case CCSIG_ROBOTS_NO_GROUP:
            ccsig_buf_puts(b, ": no group names this agent and there is no '*' group");
            break;
        case CCSIG_ROBOTS_ROBOTS_TXT:
            ccsig_buf_puts(b, ": /robots.txt itself is always allowed");
            break;
        }
        if (a->path_truncated)
            ccsig_buf_printf(b, " [path cut at %u bytes]", CCSIG_ROBOTS_PATH_MAX);
    }
    ccsig_buf_putc(b, '\n');
    if (cx->response)
        ccsig_buf_printf(b, "  response: %s, status %d, %s\n", cx->response_name, ev->status,
                         ccsig_asset_kind_name(ev->kind));
    fwrite(b->data, 1, b->len, stdout);

    for (size_t i = 0; i < n; i++)
        statement_name(&cx->names[i], &ev->c.sts[i]);
    for (size_t i = 0; i < n; i++)
        if (!ev->c.sts[i].valid)
            printf("  %s: not a valid expression, so every category is unknown for it\n",
                   ccsig_buf_cstr(&cx->names[i]));
    bool any = false;
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        any |= v->cat[c].state != CCSIG_STATE_UNKNOWN;
    if (any) {
        const char *names[CCSIG_COLLECT_MAX_STATEMENTS];
        for (size_t i = 0; i < n; i++)
            names[i] = ccsig_buf_cstr(&cx->names[i]);
        {
            ccsig_buf t_ = CCSIG_BUF_INIT;
            ccsig_report_categories_text(&t_, v, "  ", names);
            cli_put_buf(stdout, &t_);
        }
    } else if (a && !a->allowed && a->withheld) {
        printf("  no preference applies: the path may not be crawled (%u robots.txt rule%s "
               "would apply otherwise)\n",
               a->withheld, a->withheld == 1 ? "" : "s");
    } else {
        printf("  no preference stated: every use is unknown\n");
    }
    if (a && a->folded)
        printf("  (%u more rules with the same path were combined into the last one)\n", a->folded);
    if (a && a->signal_use.len) {
        const char *m =
            ccsig_content_signal_use_meaning(ccsig_content_signal_use_level(a->signal_use));
        printf("  Content-Signal use=%.*s: %s\n", (int)a->signal_use.len, a->signal_use.p,
               m ? m : "not immediate, reference or full; ignored");
    }
    for (size_t i = 0; a && i < a->nlicenses; i++)
        printf("  RSL licence: %.*s (line %u; not fetched)\n", (int)a->licenses[i].url.len,
               a->licenses[i].url.p, a->licenses[i].line);
    {
        ccsig_buf t_ = CCSIG_BUF_INIT;
        ccsig_report_decision_text(&t_, &ev->decision, "  ");
        cli_put_buf(stdout, &t_);
    }
    /* what the readers found besides statements */
    sources_print_text(stdout, &ev->c, NULL, 0, "  ");
}

static void json_record(check_ctx *cx, const char *url, size_t len) {
    const ccsig_robots_answer *a = cx->robots ? cx->ans : NULL;
    const ccsig_eval_result *ev = cx->ev;
    ccsig_buf *b = &cx->out;
    ccsig_buf_clear(b);
    ccsig_provenance rule = {CCSIG_SRC_ROBOTS,
                             a ? a->rule.line : 0,
                             {NULL, 0},
                             a ? a->rule.text : ccsig_str_make("", 0),
                             0,
                             {NULL, 0}};
    ccsig_report_write_record_head(b, ccsig_str_make(url, len), ccsig_str_c(cx->agent),
                                   !a           ? "unknown"
                                   : a->allowed ? "allowed"
                                                : "disallowed",
                                   a && a->rule.line ? &rule : NULL, &ev->verdict, &ev->decision,
                                   ev->c.sts, ev->c.n);
    ccsig_buf_puts(b, ",\"licenses\":[");
    for (size_t i = 0; a && i < a->nlicenses; i++) {
        ccsig_buf_printf(b, "%s{\"line\":%u,\"url\":", i ? "," : "", a->licenses[i].line);
        ccsig_buf_json_str(b, a->licenses[i].url.p, a->licenses[i].url.len);
        ccsig_buf_putc(b, '}');
    }
    ccsig_buf_putc(b, ']');
    check_fetch_info fi;
    memset(&fi, 0, sizeof fi);
    char ctype[128] = "";
    if (cx->response) {
        /* what was read: the captured response */
        fi.asset_url = cx->response_name;
        fi.asset_status = ev->status > 0 ? ev->status : 0;
        size_t k = ccsig_http_find(cx->msg, "Content-Type", 0);
        if (k < cx->msg->nfields)
            snprintf(ctype, sizeof ctype, "%.*s", (int)cx->msg->fields[k].value.len,
                     cx->msg->fields[k].value.p);
        fi.content_type = ctype;
        fi.asset_bytes = cx->response_len;
    }
    check_write_extras(b, &ev->c, cx->response ? &fi : NULL, NULL);
    fwrite(b->data, 1, b->len, stdout);
}

/* One URL: its robots.txt answer, then ccsig_evaluate (ccsig/evaluate.h) on
 * the --header fields or the --response block. */
static void check_one(check_ctx *cx, const char *url, size_t len) {
    ccsig_arena_reset(cx->arena);
    ccsig_eval_robots rb = {CCSIG_ROBOTS_NONE, CCSIG_STATE_UNKNOWN, NULL, NULL, 0};
    ccsig_provenance rule;
    const ccsig_robots *r = robots_for(cx, url, len);
    if (r) {
        ccsig_robots_query(r, cx->sel, url, len, cx->ans);
        const ccsig_robots_answer *a = cx->ans;
        rb.known = CCSIG_ROBOTS_FOUND;
        rb.crawl = a->allowed ? CCSIG_STATE_ALLOW : CCSIG_STATE_DENY;
        if (a->rule.line) {
            rule = (ccsig_provenance){
                CCSIG_SRC_ROBOTS, a->rule.line, ccsig_str_c(cx->robots_name), a->rule.text, 0,
                {NULL, 0}};
            rb.rule = &rule;
        }
        rb.sts = a->st;
        rb.n = a->nst;
    }
    ccsig_eval_input in;
    memset(&in, 0, sizeof in);
    in.url = ccsig_str_make(url, len);
    in.agent = cx->token;
    in.profile = &cx->prof;
    in.robots = &rb;
    in.status = -1;
    ccsig_error err;
    if (cx->response) {
        if (ccsig_evaluate_response(cx->response, cx->response_len, &in, cx->arena, cx->msg, cx->ev,
                                    &err)) {
            cli_error("check", "out of memory");
            exit(EXIT_INTERNAL);
        }
    } else {
        in.response = cx->nfields > 0; /* --header: a response with these fields */
        in.fields = cx->fields;
        in.nfields = cx->nfields;
        ccsig_evaluate(&in, cx->arena, cx->ev);
    }
    cx->rc = cli_exit_worst(cx->rc, cli_exit_for_result(cx->ev->decision.result));
    if (cx->json)
        json_record(cx, url, len);
    else
        text_record(cx, url, len);
}

/* "Name: value" into a field (name and value trimmed). */
static ccsig_http_field header_field(const char *h) {
    const char *colon = strchr(h, ':');
    size_t nl = (size_t)(colon - h);
    while (nl && (h[nl - 1] == ' ' || h[nl - 1] == '\t'))
        nl--;
    const char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t vl = strlen(v);
    while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
        vl--;
    return (ccsig_http_field){ccsig_str_make(h, nl), ccsig_str_make(v, vl)};
}

int cmd_check(int argc, char **argv) {
    check_live_opts live;
    memset(&live, 0, sizeof live);
    ccsig_fetch_opts_default(&live.fetch);
    live.jobs = 4;
    bool agent_given = false, live_opt = false;
    check_ctx cx;
    memset(&cx, 0, sizeof cx);
    cx.agent = "*";
    cx.prof.use = CCSIG_CAT_NONE;
    const char *robots_path = NULL, *response_path = NULL;
    size_t nheaders = 0;
    int c;
    cli_parser cp;
    cli_parser_init(&cp, &cmd_check_cli, argc, argv, 1);
    while ((c = cli_next(&cp)) > 0) {
        switch (c) {
        case 'r':
            robots_path = optarg;
            break;
        case 'a':
            cx.agent = optarg;
            agent_given = true;
            break;
        case 'U':
            live.fetch.user_agent = optarg;
            live_opt = true;
            break;
        case 'D':
        case 'T': {
            char *end;
            double v = strtod(optarg, &end);
            if (end == optarg || *end || !(v >= 0) || v > 86400)
                return cli_usage_error("check", "--%s '%s' is not a number of seconds",
                                       c == 'D' ? "delay" : "timeout", optarg);
            if (c == 'D')
                live.fetch.delay = v;
            else if (v > 0)
                live.fetch.timeout_ms = (long)(v * 1000);
            else
                return cli_usage_error("check", "--timeout must be more than 0 seconds");
            if (c == 'T' && live.fetch.connect_timeout_ms > live.fetch.timeout_ms)
                live.fetch.connect_timeout_ms = live.fetch.timeout_ms;
            live_opt = true;
            break;
        }
        case 'C':
            live.fetch.cache_dir = optarg;
            live_opt = true;
            break;
        case 'K':
            /* '-': copied to a file once the URLs are known (below) */
            if (strcmp(optarg, "-") && access(optarg, R_OK) != 0)
                return cli_usage_error("check", "--cacert '%s': %s", optarg, strerror(errno));
            live.fetch.ca_file = optarg;
            live_opt = true;
            break;
        case 'J': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > 64)
                return cli_usage_error("check", "--jobs '%s' is not a number from 1 to 64", optarg);
            live.jobs = (int)v;
            live_opt = true;
            break;
        }
        case 'u':
            if (!cli_parse_use("check", optarg, &cx.prof.use))
                return EXIT_USAGE;
            break;
        case 'c':
            if (!cli_parse_commit("check", optarg, &cx.prof.commitments))
                return EXIT_USAGE;
            break;
        case 'p':
            if (!cli_parse_purpose("check", optarg, &cx.prof.purpose))
                return EXIT_USAGE;
            break;
        case 'G':
            if (!cli_parse_reading("check", optarg, &cx.prof.reading))
                return EXIT_USAGE;
            break;
        case 'H':
            if (nheaders == MAX_HEADERS)
                return cli_usage_error("check", "more than %d --header options", MAX_HEADERS);
            if (!strchr(optarg, ':'))
                return cli_usage_error("check", "--header '%s' is not 'Name: value'", optarg);
            cx.fields[nheaders++] = header_field(optarg);
            break;
        case 'R':
            response_path = optarg;
            break;
        case 'j':
            cx.json = true;
            break;
        }
    }
    if (c < 0)
        return cp.rc;
    if (robots_path && response_path && !strcmp(robots_path, "-") && !strcmp(response_path, "-"))
        return cli_usage_error("check", "'-' (standard input) given to both --robots and "
                                        "--response; it can be read once");
    if (!robots_path && !response_path) {
        /* live mode */
        if (nheaders)
            return cli_usage_error("check", "--header needs --robots: without it the response "
                                            "headers are fetched");
        live.agent = agent_given ? cx.agent : "ccsig";
        if (!*live.agent)
            return cli_usage_error("check", "--agent is empty");
        char ua[256];
        if (!live.fetch.user_agent && agent_given) {
            snprintf(ua, sizeof ua, "%s (ccsig/%s)", live.agent, ccsig_version());
            live.fetch.user_agent = ua;
        }
        live.prof = cx.prof;
        live.json = cx.json;
        if (live.fetch.ca_file && !strcmp(live.fetch.ca_file, "-")) {
            /* the TLS library reads the CA certificates by name */
            if (optind >= argc)
                return cli_usage_error("check", "--cacert - reads standard input, so give the "
                                                "URLs as arguments");
            live.fetch.ca_file = cli_stdin_to_tmpfile("check", "--cacert", CACERT_STDIN_MAX);
            if (!live.fetch.ca_file)
                return EXIT_USAGE;
        }
        return cli_finish_stdout("check", check_live_run(&live, argc - optind, argv + optind));
    }
    if (live_opt)
        return cli_usage_error("check",
                               "--user-agent, --delay, --timeout, --cache, --cacert and --jobs are "
                               "for fetching, not for --robots or --response");
    if (robots_path && !strcmp(robots_path, "-") && optind >= argc)
        return cli_usage_error("check", "--robots - reads standard input, so give the URLs as "
                                        "arguments");
    if (response_path && nheaders)
        return cli_usage_error("check", "--header and --response both give the response headers: "
                                        "use one");
    if (response_path && robots_path && !strcmp(response_path, "-") && !strcmp(robots_path, "-"))
        return cli_usage_error("check", "--robots and --response cannot both read standard input");
    if (response_path && argc - optind > 1)
        return cli_usage_error("check", "--response reads one response: give at most one URL");
    if (response_path && robots_path && optind >= argc)
        return cli_usage_error("check", "--response with --robots needs the response's URL");
    if (!*cx.agent)
        return cli_usage_error("check", "--agent is empty");
    cx.token = ccsig_robots_agent_token(cx.agent, strlen(cx.agent));
    if (ccsig_str_eq(cx.token, "*"))
        cx.token = ccsig_str_make("", 0);
    cx.nfields = nheaders;

    int rc = EXIT_OK;
    ccsig_arena arena;
    ccsig_arena_init(&arena, 0);
    cx.arena = &arena;
    cx.ev = malloc(sizeof *cx.ev);
    cx.msg = malloc(sizeof *cx.msg);
    cx.ans = ccsig_robots_answer_new();
    char *text = NULL, *resp = NULL;
    ccsig_robots *robots = NULL;
    if (!cx.ev || !cx.msg || !cx.ans) {
        cli_error("check", "out of memory");
        rc = EXIT_INTERNAL;
        goto done;
    }
    if (response_path) {
        size_t rlen;
        resp = cli_read_file(response_path, 0, &rlen);
        if (!resp) {
            cli_error("check", "cannot read the response '%s': %s", response_path, strerror(errno));
            rc = EXIT_USAGE;
            goto done;
        }
        cx.response = resp;
        cx.response_len = rlen;
        cx.response_name = response_path;
    }
    if (robots_path) {
        size_t len;
        text = cli_read_file(robots_path, 0, &len);
        if (!text) {
            cli_error("check", "cannot read robots.txt '%s': %s", robots_path, strerror(errno));
            rc = EXIT_USAGE;
            goto done;
        }
        ccsig_error err;
        if (ccsig_robots_compile(text, len, robots_path, &robots, &err)) {
            cli_error("check", "%s", err.message);
            rc = EXIT_INTERNAL;
            goto done;
        }
        const ccsig_robots_info *info = ccsig_robots_get_info(robots);
        if (info->truncated)
            fprintf(stderr,
                    "ccsig check: %s: the file is %zu bytes; content past 500 KiB (from line %u) "
                    "is ignored\n",
                    robots_path, info->size, info->first_ignored_line);
        cx.robots = robots;
        cx.robots_name = robots_path;
        cx.sel = ccsig_robots_select(robots, cx.agent, strlen(cx.agent));
    }

    if (response_path) {
        /* without a URL the response is named by its file */
        const char *url = optind < argc ? argv[optind] : response_path;
        check_one(&cx, url, strlen(url));
    } else if (optind < argc) {
        for (int i = optind; i < argc; i++)
            check_one(&cx, argv[i], strlen(argv[i]));
    } else {
        ccsig_buf line = CCSIG_BUF_INIT;
        while (cli_getline(stdin, &line)) {
            size_t b = 0, e = line.len;
            while (b < e && (line.data[b] == ' ' || line.data[b] == '\t'))
                b++;
            while (e > b && (line.data[e - 1] == ' ' || line.data[e - 1] == '\t'))
                e--;
            if (b == e)
                continue;
            check_one(&cx, line.data + b, e - b);
        }
        ccsig_buf_free(&line);
    }
    rc = cli_finish_stdout("check", cli_exit_worst(rc, cx.rc));
done:
    ccsig_buf_free(&cx.out);
    for (size_t i = 0; i < CCSIG_COLLECT_MAX_STATEMENTS; i++)
        ccsig_buf_free(&cx.names[i]);
    ccsig_robots_answer_free(cx.ans);
    free(cx.ev);
    free(cx.msg);
    free(text);
    free(resp);
    ccsig_robots_free(robots);
    ccsig_arena_free(&arena);
    return rc;
}
