/*
 * cmd_receipt.c — `ccsig receipt verify --key KEYFILE [RECEIPT]`: check a
 * usage receipt signed by a ccsig gateway, offline, against the gateway's
 * published key (ccsig/receipt.h does the work). "receipt" is the
 * subcommand and "verify" its action, as with `ccsig sf parse`: a command
 * name is a C identifier here (cmd_<name>.c), and it leaves room for more
 * actions on receipts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/receipt.h"
#include "cli.h"
#include "commands.h"

const char cmd_receipt_summary[] = "verify a usage receipt signed by a ccsig gateway";

enum { OPT_KEY = 1, OPT_JSON };

static const cli_option options[] = {
    {"key", 'k', OPT_KEY, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "the gateway's public key, as published at\n/.well-known/ccsig-receipt-key", 0},
    {"json", 0, OPT_JSON, CLI_VAL_NONE, NULL, NULL, CLI_ONCE, "print the result as JSON", 0},
    {0},
};

const cli_spec cmd_receipt_cli = {
    .name = "receipt",
    .synopsis = "usage: ccsig receipt verify --key FILE [RECEIPT]\n\n"
                "Verify a usage receipt (RECEIPT, or standard input) that a ccsig gateway\n"
                "signed: its form, that it names the given key and that its Ed25519 signature\n"
                "holds. Nothing is fetched: give the key you trust.\n\n",
    .options = options,
    .column = 16,
    .epilog = "\nExit status: 0 the receipt verifies, 1 it does not (changed, signed by\n"
              "another key, or not a receipt), 2 bad usage or an unreadable or invalid key\n"
              "file.\n",
    .operand = CLI_VAL_WORDS,
    .operand_words = "verify",
};

/* "value" of a slice as a JSON member. */
static void json_slice(ccsig_buf *b, const char *name, ccsig_str v) {
    ccsig_buf_printf(b, ",\"%s\":", name);
    ccsig_buf_json_str(b, v.p ? v.p : "", v.len);
}

int cmd_receipt(int argc, char **argv) {
    if (argc < 2) {
        cli_help(stderr, &cmd_receipt_cli);
        return EXIT_USAGE;
    }
    cli_parser cp;
    int c;
    if (argv[1][0] == '-') { /* --help, --version, or an option before the action */
        cli_parser_init(&cp, &cmd_receipt_cli, argc, argv, 1);
        while ((c = cli_next(&cp)) > 0)
            ;
        if (c < 0)
            return cp.rc;
        return cli_usage_error("receipt", "give the action first: ccsig receipt verify --key FILE");
    }
    if (strcmp(argv[1], "verify") != 0)
        return cli_usage_error("receipt", "unknown action '%s' (expected verify)", argv[1]);
    const char *keyfile = NULL;
    bool json = false;
    cli_parser_init(&cp, &cmd_receipt_cli, argc, argv, 2);
    while ((c = cli_next(&cp)) > 0) {
        if (c == OPT_KEY)
            keyfile = optarg;
        else if (c == OPT_JSON)
            json = true;
    }
    if (c < 0)
        return cp.rc;
    if (!keyfile)
        return cli_usage_error("receipt", "--key FILE (the gateway's public key) is required");
    if (argc - optind > 1)
        return cli_usage_error("receipt", "one receipt at a time");
    const char *path = optind < argc ? argv[optind] : "-";
    const char *shown = strcmp(path, "-") ? path : "<stdin>";
    size_t klen, rlen;
    char *ktext = cli_read_file(keyfile, 4096, &klen);
    if (!ktext) {
        cli_error("receipt", "%s: %s", keyfile, strerror(errno));
        return EXIT_USAGE;
    }
    unsigned char key[CCSIG_RECEIPT_KEY_BYTES];
    ccsig_error err;
    ccsig_error_clear(&err);
    if (ccsig_receipt_key_parse(ktext, klen, key, &err) != CCSIG_OK) {
        fprintf(stderr, "%s:%u:%u: error: %s\n", keyfile, err.line, err.column, err.message);
        free(ktext);
        return EXIT_USAGE;
    }
    free(ktext);
    char *text = cli_read_file(path, CCSIG_RECEIPT_MAX_BYTES, &rlen);
    if (!text) {
        cli_error("receipt", "%s: %s", shown, strerror(errno));
        return EXIT_USAGE;
    }
    ccsig_receipt_info info;
    ccsig_status st = ccsig_receipt_verify(text, rlen, key, &info, &err);
    int rc = st == CCSIG_OK ? EXIT_OK : EXIT_NOT_PERMITTED;
    ccsig_buf out = CCSIG_BUF_INIT;
    if (json) {
        ccsig_buf_printf(&out, "{\"valid\":%s", st == CCSIG_OK ? "true" : "false");
        if (st == CCSIG_OK) {
            json_slice(&out, "issuer", info.issuer);
            json_slice(&out, "collection", info.collection);
            json_slice(&out, "reuser", info.reuser);
            json_slice(&out, "use", info.use);
            json_slice(&out, "from", info.from);
            json_slice(&out, "to", info.to);
            json_slice(&out, "issued", info.issued);
            json_slice(&out, "requests", info.requests);
            ccsig_buf_printf(&out, ",\"terms\":%zu,\"fetched\":%zu", info.terms, info.fetched);
        } else {
            ccsig_buf_printf(&out,
                             ",\"error\":{\"status\":\"%s\",\"line\":%u,\"column\":%u,"
                             "\"message\":",
                             ccsig_status_name(st), err.line, err.column);
            ccsig_buf_json_str(&out, err.message, strlen(err.message));
            ccsig_buf_putc(&out, '}');
        }
        ccsig_buf_puts(&out, "}\n");
    } else if (st == CCSIG_OK) {
        ccsig_buf_printf(&out,
                         "%s: valid receipt from %.*s (%.*s) for reuser %.*s, use %.*s, %.*s to "
                         "%.*s: requests %.*s; %zu terms line%s, %zu path%s\n",
                         shown, (int)info.issuer.len, info.issuer.p, (int)info.collection.len,
                         info.collection.p, (int)info.reuser.len, info.reuser.p, (int)info.use.len,
                         info.use.p, (int)info.from.len, info.from.p, (int)info.to.len, info.to.p,
                         (int)info.requests.len, info.requests.p, info.terms,
                         info.terms == 1 ? "" : "s", info.fetched, info.fetched == 1 ? "" : "s");
    }
    if (st != CCSIG_OK) {
        if (err.line)
            fprintf(stderr, "%s:%u:%u: error: %s\n", shown, err.line, err.column, err.message);
        else
            fprintf(stderr, "%s: error: %s\n", shown, err.message);
    }
    free(text);
    if (!cli_put_buf(stdout, &out))
        return EXIT_INTERNAL;
    return rc;
}
