/*
 * cmd_serve.c — `ccsig serve`: the steward gateway (server/). This file is
 * the command line: options, the policy (file or short form), and the
 * maintenance modes (--set-password, --export-ledger, --check, --print).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "gen.h"
#include "server.h"

const char cmd_serve_summary[] = "serve a collection: signals, keys, rate limits, usage ledger";

static int read_password(char *buf, size_t len) {
    struct termios old, quiet;
    int tty = isatty(STDIN_FILENO);
    if (tty) {
        fprintf(stderr, "Password: ");
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    char *r = fgets(buf, (int)len, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        fputc('\n', stderr);
    }
    if (!r)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

static int set_password(const char *db, const char *name) {
    if (!*name || strlen(name) > 64 ||
        strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
                     "RSTUVWXYZ0123456789._-@") != strlen(name))
        return cli_usage_error("serve",
                               "steward name '%s' must be 1-64 letters, digits, '.', '_', '-' "
                               "or '@'",
                               name);
    char pw[1100];
    if (read_password(pw, sizeof pw) != 0 || strlen(pw) < 10) {
        cli_error("serve", "expected a password of at least 10 characters on standard input");
        return EXIT_USAGE;
    }
    char hash[256], err[1024];
    if (steward_hash_password(pw, hash, sizeof hash) != 0) {
        cli_error("serve", "cannot hash the password (out of memory?)");
        return EXIT_INTERNAL;
    }
    memset(pw, 0, sizeof pw);
    store *st;
    if (store_open(db, 2, 0, &st, err, sizeof err) != 0) {
        cli_error("serve", "%s", err);
        return EXIT_USAGE;
    }
    int rc = store_steward_set(st, name, hash, now_wall_us() / 1000);
    store_close(st);
    if (rc != 0) {
        cli_error("serve", "cannot store the steward account");
        return EXIT_INTERNAL;
    }
    fprintf(stderr, "ccsig serve: steward '%s' can log in at /steward/login\n", name);
    return EXIT_OK;
}

static int on_export(void *arg, const ledger_rec *l) {
    ccsig_buf *b = arg;
    ccsig_buf_clear(b);
    /* ts_ms for programs, time (ISO 8601, UTC, milliseconds) for people
     * and spreadsheets */
    char iso[21];
    hu_time_iso(l->ts_ms - l->ts_ms % 1000, iso);
    ccsig_buf_printf(b, "%lld,%.19s.%03dZ,%lld,", (long long)l->ts_ms, iso, (int)(l->ts_ms % 1000),
                     (long long)l->reuser_id);
    hu_csv(b, l->key_id);
    ccsig_buf_putc(b, ',');
    hu_csv(b, l->method);
    ccsig_buf_putc(b, ',');
    hu_csv(b, l->path);
    ccsig_buf_printf(b, ",%d,%llu,", l->status, (unsigned long long)l->bytes);
    hu_csv(b, l->tier);
    ccsig_buf_putc(b, ',');
    hu_csv(b, l->request_id);
    ccsig_buf_putc(b, ',');
    hu_csv(b, l->instance);
    /* Web Bot Auth and pay per crawl: the verified agent, the charge. */
    ccsig_buf_putc(b, ',');
    hu_csv(b, l->agent);
    ccsig_buf_putc(b, ',');
    hu_csv(b, l->currency);
    ccsig_buf_putc(b, ',');
    if (l->charge_micros) {
        char amount[PRICE_TEXT_MAX];
        price_amount(l->charge_micros, amount);
        ccsig_buf_puts(b, amount);
    }
    ccsig_buf_puts(b, "\n");
    fwrite(b->data, 1, b->len, stdout);
    return 0;
}

static int export_ledger(const char *db) {
    store *st;
    char err[1024];
    if (store_open(db, 2, 0, &st, err, sizeof err) != 0) {
        cli_error("serve", "%s", err);
        return EXIT_USAGE;
    }
    /* Records still in the journal (ledger-sync: process) go in first. */
    char jp[4200];
    journal_path_for(db, jp, sizeof jp);
    if (jp[0] && journal_import_file(st, jp) != 0) {
        cli_error("serve", "cannot import the ledger journal %s", jp);
        store_close(st);
        return EXIT_INTERNAL;
    }
    printf("ts_ms,time,reuser_id,key_id,method,path,status,bytes,tier,request_id,instance,"
           "agent,currency,charge\n");
    ccsig_buf b = CCSIG_BUF_INIT;
    int rc = store_ledger_export(st, on_export, &b);
    ccsig_buf_free(&b);
    store_close(st);
    return rc == 0 ? EXIT_OK : EXIT_INTERNAL;
}

static int print_policy(const policy *p, const char *what) {
    ccsig_buf b = CCSIG_BUF_INIT;
    if (!strcmp(what, "robots"))
        gen_robots_txt(p, &b);
    else if (!strcmp(what, "tdmrep"))
        gen_tdmrep_json(p, &b);
    else if (!strcmp(what, "declaration"))
        gen_declaration_html(p, &b);
    else if (!strcmp(what, "headers")) {
        for (size_t i = p->nrules; i-- > 0;) {
            const policy_rule *r = &p->rules[i];
            ccsig_buf_printf(&b, "%s\n", r->path);
            for (int c = 0; c < CCSIG_CAT_COUNT; c++)
                if (r->cat_expr[c])
                    ccsig_buf_printf(&b, "  Content-Usage: %s\n", r->cat_expr[c]);
            if (r->reserve >= 0)
                ccsig_buf_printf(&b, "  tdm-reservation: %d\n", r->reserve);
            if (r->reserve == 1 && r->tdm_policy)
                ccsig_buf_printf(&b, "  tdm-policy: %s/declaration\n", p->public_url);
        }
    } else {
        ccsig_buf_free(&b);
        return cli_usage_error("serve",
                               "unknown --print '%s' (expected robots, tdmrep, headers or "
                               "declaration)",
                               what);
    }
    fwrite(b.data ? b.data : "", 1, b.len, stdout);
    ccsig_buf_free(&b);
    return EXIT_OK;
}

enum {
    O_COLLECTION = 256,
    O_POLICY,
    O_USE,
    O_SIGNAL,
    O_PARTY,
    O_PARTY_URL,
    O_NAME,
    O_DB,
    O_LISTEN,
    O_PUBLIC_URL,
    O_INSTANCE,
    O_SEARCH_INDEX,
    O_QUIET,
    O_ACCESS_LOG,
    O_SET_PASSWORD,
    O_EXPORT,
    O_CHECK,
    O_PRINT
};

static const cli_option options[] = {
    {"collection", 0, O_COLLECTION, CLI_VAL_DIR, "DIR", NULL, CLI_ONCE, "the files to serve", 0},
    {"policy", 0, O_POLICY, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "the policy (YAML; see the man page for its format)", 0},
    {"use", 0, O_USE, CLI_VAL_CATEGORY, "CATEGORY", NULL, 0,
     "short form: the use the preference is about (train-ai, ...)", 0},
    {"signal", 0, O_SIGNAL, CLI_VAL_SIGNAL, "SIGNAL", "allow", 0,
     "short form: cr, cr-dc, cr-ec, cr-op (deny unless its\n"
     "conditions are met), none (deny) or allow",
     0},
    {"party", 0, O_PARTY, CLI_VAL_TEXT, "NAME", NULL, 0, "short form: the declaring party", 0},
    {"party-url", 0, O_PARTY_URL, CLI_VAL_URL, "URL", NULL, 0,
     "short form: the declaring party's web address", 0},
    {"name", 0, O_NAME, CLI_VAL_TEXT, "NAME", NULL, 0, "the collection's name (credits, pages)", 0},
    {"db", 0, O_DB, CLI_VAL_TEXT, "DB", NULL, CLI_ONCE,
     "sqlite:PATH (default sqlite:ccsig-serve.db) or\n"
     "postgresql://user@host:port/dbname",
     0},
    {"listen", 0, O_LISTEN, CLI_VAL_TEXT, "HOST:PORT", NULL, 0,
     "address to listen on (default 127.0.0.1:8080; port 0 = any)", 0},
    {"public-url", 0, O_PUBLIC_URL, CLI_VAL_URL, "URL", NULL, 0,
     "the gateway's public address, for links and credits", 0},
    {"instance", 0, O_INSTANCE, CLI_VAL_TEXT, "NAME", NULL, 0,
     "this gateway's name in the ledger (default host:pid)", 0},
    {"search-index", 0, O_SEARCH_INDEX, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "the SQLite search index (default: the database path +\n"
     ".search)",
     0},
    {"quiet", 0, O_QUIET, CLI_VAL_NONE, NULL, NULL, 0, "no log lines on standard error", 0},
    {"access-log", 0, O_ACCESS_LOG, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "append an access log (combined format) to FILE", 0},
    {"set-password", 0, O_SET_PASSWORD, CLI_VAL_TEXT, "NAME", NULL, CLI_ONCE,
     "create or update a steward account, then exit", 0},
    {"export-ledger", 0, O_EXPORT, CLI_VAL_NONE, NULL, NULL, CLI_ONCE,
     "print every ledger record as CSV, then exit", 0},
    {"check", 0, O_CHECK, CLI_VAL_NONE, NULL, NULL, 0, "check the policy, then exit", 0},
    {"print", 0, O_PRINT, CLI_VAL_WORDS, "WHAT", "robots tdmrep headers declaration", CLI_ONCE,
     "print robots, tdmrep, headers or declaration, then exit", 0},
    {0},
};

const cli_spec cmd_serve_cli = {
    .name = "serve",
    .synopsis =
        "usage: ccsig serve --collection DIR (--policy FILE | --use CATEGORY --signal SIGNAL\n"
        "                   [--party NAME] [--party-url URL]) [--db DB] [--listen HOST:PORT]\n"
        "       ccsig serve --db DB --set-password NAME     (password on standard input)\n"
        "       ccsig serve --db DB --export-ledger         (CSV on standard output)\n"
        "       ccsig serve (--policy FILE | --use ... --signal ...) --check | --print WHAT\n"
        "\n"
        "Serve a collection with the Content-Usage header its policy declares, robots.txt,\n"
        "/.well-known/tdmrep.json and a declaration page generated from the same policy;\n"
        "search with credits; keys for bulk and public-interest reusers with rate limits,\n"
        "daily quotas and a durable usage ledger; steward pages at /steward/.\n\n",
    .options = options,
    .column = 23,
    .epilog = "\nOn start the gateway prints 'listening on http://HOST:PORT/' on standard output.\n"
              "Exit status: 0 stopped by SIGINT/SIGTERM or done, 2 bad usage, bad policy or\n"
              "unreadable input, 3 internal error.\n",
    .operand = CLI_VAL_NONE,
};

int cmd_serve(int argc, char **argv) {
    const char *collection = NULL, *policy_file = NULL, *signal = NULL, *party = NULL;
    const char *party_url = NULL, *name = NULL, *db = NULL, *listen_addr = NULL;
    const char *public_url = NULL, *instance = NULL, *search_index = NULL, *access_log = NULL;
    const char *set_pw = NULL, *print = NULL;
    bool quiet = false, export = false, check = false, have_use = false;
    ccsig_category use = CCSIG_CAT_TRAIN_AI;
    int c;
    cli_parser cp;
    cli_parser_init(&cp, &cmd_serve_cli, argc, argv, 1);
    while ((c = cli_next(&cp)) > 0) {
        switch (c) {
        case O_COLLECTION:
            collection = optarg;
            break;
        case O_POLICY:
            policy_file = optarg;
            break;
        case O_USE:
            if (!cli_parse_use("serve", optarg, &use))
                return EXIT_USAGE;
            have_use = true;
            break;
        case O_SIGNAL:
            signal = optarg;
            break;
        case O_PARTY:
            party = optarg;
            break;
        case O_PARTY_URL:
            party_url = optarg;
            break;
        case O_NAME:
            name = optarg;
            break;
        case O_DB:
            db = optarg;
            break;
        case O_LISTEN:
            listen_addr = optarg;
            break;
        case O_PUBLIC_URL:
            public_url = optarg;
            break;
        case O_INSTANCE:
            instance = optarg;
            break;
        case O_SEARCH_INDEX:
            search_index = optarg;
            break;
        case O_ACCESS_LOG:
            access_log = optarg;
            break;
        case O_QUIET:
            quiet = true;
            break;
        case O_SET_PASSWORD:
            set_pw = optarg;
            break;
        case O_EXPORT:
            export = true;
            break;
        case O_CHECK:
            check = true;
            break;
        case O_PRINT:
            print = optarg;
            break;
        }
    }
    if (c < 0)
        return cp.rc;
    bool policy_stdin = policy_file && !strcmp(policy_file, "-");
    if (policy_stdin && set_pw)
        return cli_usage_error("serve", "--policy - and --set-password both read standard input; "
                                        "it can be read once");
    if (optind < argc)
        return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    if (!db)
        db = "sqlite:ccsig-serve.db";
    if (set_pw)
        return set_password(db, set_pw);
    if (export)
        return export_ledger(db);

    if (policy_file && (have_use || signal || party || party_url))
        return cli_usage_error("serve", "give either --policy or --use/--signal/--party, not "
                                        "both");
    if (!policy_file && !(have_use && signal))
        return cli_usage_error("serve", "give a policy: --policy FILE, or --use CATEGORY and "
                                        "--signal SIGNAL");
    if (!collection && !check && !print)
        return cli_usage_error("serve", "give the collection to serve: --collection DIR");

    policy *p = calloc(1, sizeof *p);
    if (!p) {
        cli_error("serve", "out of memory");
        return EXIT_INTERNAL;
    }
    char err[1200];
    int rc;
    if (policy_stdin) {
        /* the policy is read once, so from memory; it is named '-' */
        size_t n = 0;
        char *data = cli_read_file("-", POLICY_MAX_BYTES, &n);
        if (!data) {
            int e = errno;
            free(p);
            if (e == EFBIG)
                cli_error("serve", "--policy -: standard input is larger than %u bytes",
                          (unsigned)POLICY_MAX_BYTES);
            else
                cli_error("serve", "--policy -: cannot read standard input: %s", strerror(e));
            return EXIT_USAGE;
        }
        rc = policy_load_buffer(p, "-", data, n, err, sizeof err);
        free(data);
    } else {
        rc = policy_file ? policy_load_file(p, policy_file, err, sizeof err)
                         : policy_from_short(p, use, signal, party, party_url, err, sizeof err);
    }
    if (rc == 0 && !policy_file)
        rc = policy_finish(p, err, sizeof err);
    if (rc != 0) {
        if (policy_file)
            fprintf(stderr, "%s\n", err);
        else
            cli_usage_error("serve", "%s", err);
        free(p);
        return EXIT_USAGE;
    }
    if (name) {
        free(p->collection_name);
        p->collection_name = strdup(name);
    }
    if (listen_addr) {
        free(p->listen);
        p->listen = strdup(listen_addr);
    }
    if (public_url && policy_set_public_url(p, public_url) != 0) {
        policy_free(p);
        free(p);
        return cli_usage_error("serve", "--public-url '%s' is not an http:// or https:// URL",
                               public_url);
    }
    serve_config cfg = {
        collection, db,        search_index, instance, public_url != NULL || p->public_url_set,
        quiet,      access_log};
    if (check || print) {
        int ret = EXIT_OK;
        if (print)
            ret = print_policy(p, print);
        else
            printf("%s: policy OK: %zu rule%s\n", p->source, p->nrules, p->nrules == 1 ? "" : "s");
        policy_free(p);
        free(p);
        return ret;
    }
    rc = server_run(p, &cfg);
    policy_free(p);
    free(p);
    return rc;
}
