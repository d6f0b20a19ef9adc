/*
 * cmd_audit.c — `ccsig audit`: restriction classes, transitions and
 * adoption of AI preferences across snapshots of robots.txt captures
 * (docs/ccsig-audit.1). Options, files and printing only; the audit is
 * ccsig/audit.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "ccsig/audit.h"
#include "cli.h"
#include "commands.h"

const char cmd_audit_summary[] = "AI restrictions and preferences across a corpus and over time";

enum {
    O_SNAPSHOT = 1,
    O_ANNOTATIONS,
    O_AGENTS,
    O_DOMAINS,
    O_SHARD,
    O_MERGE,
    O_FORMAT,
    O_TABLE,
    O_READER,
    O_OUTPUT,
    O_JSON,
    O_HTML,
    O_ROWS,
    O_TITLE,
    O_TOP
};

static const cli_option options[] = {
    {"snapshot", 0, O_SNAPSHOT, CLI_VAL_TEXT, "LABEL=PATH", NULL, CLI_REPEAT,
     "robots.txt captures of one snapshot (a WARC archive or\n"
     "a directory of HOST.txt files and archives); repeat, also\n"
     "with one label for several paths; labels sort by date",
     0},
    {"annotations", 0, O_ANNOTATIONS, CLI_VAL_TEXT, "LABEL=FILE", NULL, CLI_REPEAT,
     "ccsig scan --annotate JSON lines of the snapshot:\n"
     "header Content-Usage, TDMRep and noai per domain",
     0},
    {"agents", 0, O_AGENTS, CLI_VAL_FILE, "FILE", NULL, 0,
     "agent list (ai-robots-txt robots.json); default: a short\n"
     "built-in list; the search engines are always added",
     0},
    {"domains", 0, O_DOMAINS, CLI_VAL_FILE, "FILE", NULL, 0,
     "domain list with weights (CSV: Domain and Total Tokens\n"
     "columns, or domain,weight lines); only these are counted",
     0},
    {"shard", 0, O_SHARD, CLI_VAL_TEXT, "I/N", NULL, 0,
     "count only the domains whose hash is I mod N", 0},
    {"merge", 0, O_MERGE, CLI_VAL_NONE, NULL, NULL, 0,
     "the inputs are audit JSON outputs (shards): add them up", 0},
    {"format", 0, O_FORMAT, CLI_VAL_WORDS, "F", "text json csv html", CLI_ONCE,
     "text (default), json, csv or html", 0},
    {"table", 0, O_TABLE, CLI_VAL_WORDS, "T", "agents categories transitions adoption named",
     CLI_ONCE, "csv: agents (default), categories, transitions, adoption,\nnamed", 0},
    {"reader", 0, O_READER, CLI_VAL_WORDS, "R", "exact naive both", CLI_ONCE,
     "exact, naive or both (default): what text and csv show", 0},
    {"output", 'o', O_OUTPUT, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE, "write there instead of stdout",
     0},
    {"json", 0, O_JSON, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE, "also write the JSON report there",
     0},
    {"html", 0, O_HTML, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE, "also write the HTML report there",
     0},
    {"rows", 0, O_ROWS, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "per domain, snapshot, agent and reader: class, previous\n"
     "class, changed, mechanisms (CSV)",
     0},
    {"title", 0, O_TITLE, CLI_VAL_TEXT, "TEXT", NULL, CLI_ONCE, "HTML report title", 0},
    {"top", 0, O_TOP, CLI_VAL_TEXT, "N", NULL, CLI_ONCE,
     "agents listed in the text report (default 15)", 0},
    {0},
};

const cli_spec cmd_audit_cli = {
    .name = "audit",
    .synopsis = "usage: ccsig audit [options] --snapshot LABEL=PATH...\n"
                "       ccsig audit --merge [options] AUDIT.json...\n\n"
                "For every domain, snapshot and agent: all / some / none disallowed (Consent in\n"
                "Crisis classes) read per RFC 9309 as Google does (exact) and with groups ended\n"
                "at Sitemap/Crawl-delay lines (naive); changes since the previous snapshot;\n"
                "Content-Usage, CC signals, Content-Signal and RSL License adoption.\n\n",
    .options = options,
    .column = 18,
    .epilog = "\nExit status: 0 done, 2 bad usage or an input that cannot be read, 3 internal.\n",
    .operand = CLI_VAL_FILE,
    .permute = true,
};

typedef struct snap_arg {
    char label[64];
    const char **paths;
    size_t n;
    const char **ann; /* --annotations files of this label */
    size_t nann;
} snap_arg;

static int by_label(const void *x, const void *y) {
    return strcmp(((const snap_arg *)x)->label, ((const snap_arg *)y)->label);
}

static void report(void *ctx, const char *path, uint64_t offset, const char *what) {
    (void)ctx;
    if (offset == UINT64_MAX)
        cli_error("audit", "%s: %s", path, what);
    else
        cli_error("audit", "%s: record at %llu: %s", path, (unsigned long long)offset, what);
}

static void row(void *ctx, const ccsig_audit_row *r) {
    FILE *f = ctx;
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_audit_row_csv(&b, r);
    fwrite(b.data, 1, b.len, f); /* a write error shows when --rows is closed */
    ccsig_buf_free(&b);
}

static int load(const char *what, const char *path, ccsig_audit *a,
                ccsig_status (*fn)(ccsig_audit *, const char *, size_t, ccsig_error *)) {
    size_t len;
    char *text = cli_read_file(path, 0, &len);
    if (!text) {
        cli_error("audit", "%s %s: cannot read: %s", what, path, strerror(errno));
        return EXIT_USAGE;
    }
    ccsig_error err = {0};
    ccsig_status st = fn(a, text, len, &err);
    free(text);
    if (st == CCSIG_ERR_NOMEM) {
        cli_error("audit", "out of memory");
        return EXIT_INTERNAL;
    }
    if (st) {
        if (err.line)
            cli_error("audit", "%s:%u:%u: %s", path, err.line, err.column, err.message);
        else
            cli_error("audit", "%s: %s", path, err.message);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static bool write_to(const char *path, ccsig_buf *b) {
    FILE *f = !path || !strcmp(path, "-") ? stdout : fopen(path, "w");
    bool ok = f && cli_put_buf(f, b);
    if (f && f != stdout && fclose(f) != 0)
        ok = false;
    if (!ok)
        cli_error("audit", "%s: cannot write: %s", path ? path : "-", strerror(errno));
    return ok;
}

int cmd_audit(int argc, char **argv) {
    snap_arg *snaps = NULL;
    size_t nsnaps = 0;
    const char *agents = NULL, *domains = NULL, *format = "text", *table = "agents";
    const char *output = NULL, *json_out = NULL, *html_out = NULL, *rows_out = NULL;
    const char *title = NULL;
    unsigned shard_i = 0, shard_n = 1, readers = 0, top = 15;
    bool merge = false;
    int c, rc = EXIT_OK;
    cli_parser cp;
    cli_parser_init(&cp, &cmd_audit_cli, argc, argv, 1);
    while ((c = cli_next(&cp)) > 0) {
        switch (c) {
        case O_SNAPSHOT:
        case O_ANNOTATIONS: {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1] || (size_t)(eq - optarg) >= 64) {
                rc = cli_usage_error("audit", "--%s %s: expected LABEL=PATH",
                                     c == O_SNAPSHOT ? "snapshot" : "annotations", optarg);
                goto out;
            }
            char label[64];
            snprintf(label, sizeof label, "%.*s", (int)(eq - optarg), optarg);
            size_t k = 0;
            while (k < nsnaps && strcmp(snaps[k].label, label))
                k++;
            if (k == nsnaps) {
                snap_arg *ns = realloc(snaps, (nsnaps + 1) * sizeof *ns);
                if (!ns) {
                    rc = EXIT_INTERNAL;
                    goto out;
                }
                snaps = ns;
                memset(&snaps[nsnaps], 0, sizeof *snaps);
                memcpy(snaps[nsnaps++].label, label, strlen(label) + 1);
            }
            const char ***list = c == O_SNAPSHOT ? &snaps[k].paths : &snaps[k].ann;
            size_t *count = c == O_SNAPSHOT ? &snaps[k].n : &snaps[k].nann;
            const char **np = realloc(*list, (*count + 1) * sizeof *np);
            if (!np) {
                rc = EXIT_INTERNAL;
                goto out;
            }
            *list = np;
            np[(*count)++] = eq + 1;
            break;
        }
        case O_AGENTS:
            agents = optarg;
            break;
        case O_DOMAINS:
            domains = optarg;
            break;
        case O_SHARD:
            if (sscanf(optarg, "%u/%u", &shard_i, &shard_n) != 2 || shard_n == 0 ||
                shard_i >= shard_n) {
                rc = cli_usage_error("audit", "--shard %s: expected I/N with 0 <= I < N", optarg);
                goto out;
            }
            break;
        case O_MERGE:
            merge = true;
            break;
        case O_FORMAT:
            if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "csv") &&
                strcmp(optarg, "html")) {
                rc = cli_usage_error("audit", "--format %s: expected text, json, csv or html",
                                     optarg);
                goto out;
            }
            format = optarg;
            break;
        case O_TABLE:
            table = optarg;
            break;
        case O_READER:
            if (!strcmp(optarg, "exact"))
                readers = 1u << CCSIG_AUDIT_EXACT;
            else if (!strcmp(optarg, "naive"))
                readers = 1u << CCSIG_AUDIT_NAIVE;
            else if (!strcmp(optarg, "both"))
                readers = 0;
            else {
                rc = cli_usage_error("audit", "--reader %s: expected exact, naive or both", optarg);
                goto out;
            }
            break;
        case O_OUTPUT:
            output = optarg;
            break;
        case O_JSON:
            json_out = optarg;
            break;
        case O_HTML:
            html_out = optarg;
            break;
        case O_ROWS:
            rows_out = optarg;
            break;
        case O_TITLE:
            title = optarg;
            break;
        case O_TOP: {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end || end == optarg || v > 10000) {
                rc = cli_usage_error("audit", "--top %s: expected a number up to 10000", optarg);
                goto out;
            }
            top = (unsigned)v;
            break;
        }
        }
    }
    if (c < 0) {
        rc = cp.rc;
        goto out;
    }
    if (merge && (nsnaps || agents || domains || rows_out)) {
        rc = cli_usage_error("audit", "--merge reads audit JSON outputs only (no --snapshot, "
                                      "--agents, --domains or --rows)");
        goto out;
    }
    if (merge && optind >= argc) {
        rc = cli_usage_error("audit", "--merge: no audit JSON given");
        goto out;
    }
    if (!merge && optind < argc) {
        rc = cli_usage_error("audit",
                             "unexpected argument '%s' (inputs are given with "
                             "--snapshot LABEL=PATH)",
                             argv[optind]);
        goto out;
    }
    for (size_t i = 0; i < nsnaps; i++)
        if (!snaps[i].n) {
            rc = cli_usage_error("audit", "--annotations %s=...: no --snapshot %s=PATH",
                                 snaps[i].label, snaps[i].label);
            goto out;
        }
    if (!merge && !nsnaps) {
        rc = cli_usage_error("audit", "no snapshot given (--snapshot LABEL=PATH)");
        goto out;
    }
    ccsig_audit *a = ccsig_audit_new(shard_i, shard_n);
    if (!a) {
        cli_error("audit", "out of memory");
        rc = EXIT_INTERNAL;
        goto out;
    }
    ccsig_audit_set_readers(a, readers);
    ccsig_error err = {0};
    FILE *rows = NULL;
    if (merge) {
        for (int i = optind; i < argc && rc == EXIT_OK; i++)
            rc = load("audit", argv[i], a, ccsig_audit_merge_json);
    } else {
        if (agents)
            rc = load("--agents", agents, a, ccsig_audit_agents_json);
        else if (ccsig_audit_add_default_agents(a, &err))
            rc = EXIT_INTERNAL;
        if (rc == EXIT_OK && domains)
            rc = load("--domains", domains, a, ccsig_audit_domains_csv);
        if (rc == EXIT_OK && rows_out) {
            rows = strcmp(rows_out, "-") ? fopen(rows_out, "w") : stdout;
            if (!rows) {
                cli_error("audit", "--rows %s: cannot write: %s", rows_out, strerror(errno));
                rc = EXIT_USAGE;
            } else {
                fputs(CCSIG_AUDIT_ROWS_CSV_HEADER, rows);
            }
        }
        qsort(snaps, nsnaps, sizeof *snaps, by_label);
        ccsig_audit_snapshot_options so = {report, NULL, rows ? row : NULL, rows, NULL, 0};
        for (size_t i = 0; i < nsnaps && rc == EXIT_OK; i++) {
            so.annotations = snaps[i].ann;
            so.nannotations = snaps[i].nann;
            ccsig_status st =
                ccsig_audit_add_snapshot(a, snaps[i].label, snaps[i].paths, snaps[i].n, &so, &err);
            if (st) {
                cli_error("audit", "snapshot %s: %s", snaps[i].label, err.message);
                rc = st == CCSIG_ERR_NOMEM ? EXIT_INTERNAL
                     : st == CCSIG_ERR_IO  ? EXIT_USAGE
                                           : EXIT_USAGE;
            }
        }
        if (rows && (rows == stdout ? fflush(rows) : fclose(rows)) != 0 && rc == EXIT_OK) {
            cli_error("audit", "--rows %s: cannot write: %s", rows_out, strerror(errno));
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK) {
        ccsig_buf b = CCSIG_BUF_INIT;
        if (json_out) {
            ccsig_audit_write_json(a, &b);
            if (!write_to(json_out, &b))
                rc = EXIT_USAGE;
            ccsig_buf_clear(&b);
        }
        if (rc == EXIT_OK && html_out) {
            ccsig_audit_write_html(a, title, &b);
            if (!write_to(html_out, &b))
                rc = EXIT_USAGE;
            ccsig_buf_clear(&b);
        }
        if (rc == EXIT_OK) {
            if (!strcmp(format, "json"))
                ccsig_audit_write_json(a, &b);
            else if (!strcmp(format, "html"))
                ccsig_audit_write_html(a, title, &b);
            else if (!strcmp(format, "text"))
                ccsig_audit_write_text(a, top, &b);
            else if (ccsig_audit_write_csv(a, table, &b, &err))
                rc = cli_usage_error("audit", "--table %s", err.message);
            if (rc == EXIT_OK && ccsig_buf_failed(&b)) {
                cli_error("audit", "out of memory");
                rc = EXIT_INTERNAL;
            }
            if (rc == EXIT_OK && !write_to(output, &b))
                rc = EXIT_USAGE;
        }
        ccsig_buf_free(&b);
    }
    ccsig_audit_free(a);
out:
    for (size_t i = 0; i < nsnaps; i++) {
        free(snaps[i].paths);
        free(snaps[i].ann);
    }
    free(snaps);
    return rc;
}
