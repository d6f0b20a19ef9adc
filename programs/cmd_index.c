/*
 * cmd_index.c — `ccsig index [-o FILE] ARCHIVE...`: write a CDXJ index of
 * WARC archives, as Common Crawl publishes beside its WARC files, for
 * `ccsig scan --index` (docs/ccsig-index.1). The library reads the archive
 * and formats the lines (ccsig/index.h); this file opens files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ccsig/index.h"
#include "ccsig/warc.h"
#include "cli.h"
#include "commands.h"

const char cmd_index_summary[] = "write a CDXJ index of WARC archives (for scan --index)";

enum { O_OUTPUT = 1, O_FILENAME, O_CDX };

static const cli_option options[] = {
    {"output", 'o', O_OUTPUT, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "write the index to FILE (default: standard output)", 0},
    {"filename", 0, O_FILENAME, CLI_VAL_TEXT, "NAME", NULL, CLI_ONCE,
     "the \"filename\" written (default: the ARCHIVE as given;\n"
     "only with one ARCHIVE)",
     0},
    {"cdx", 0, O_CDX, CLI_VAL_NONE, NULL, NULL, CLI_ONCE,
     "write the legacy 11-column CDX (\" CDX N b a m s k r M S V g\")\n"
     "instead of CDXJ: no JSON to parse, the fastest to read",
     0},
    {0},
};

const cli_spec cmd_index_cli = {
    .name = "index",
    .synopsis = "usage: ccsig index [-o FILE] [--filename NAME] [--cdx] ARCHIVE...\n\n"
                "Write one CDXJ line per record of each WARC archive (.warc, .warc.gz with a\n"
                "gzip member per record): urlkey, timestamp and a JSON object with url, mime,\n"
                "status, digest, length, offset and filename, as Common Crawl's indexes.\n"
                "`ccsig scan --index FILE` then reads each record by its offset.\n\n",
    .options = options,
    .column = 20,
    .epilog = "\nExit status: 0 indexed, 1 damaged records or records not on gzip member\n"
              "boundaries were left out, 2 bad usage or an archive could not be read,\n"
              "3 the index could not be written.\n",
    .operand = CLI_VAL_FILE,
    .permute = true,
};

typedef struct fd_in {
    int fd;
} fd_in;

static ssize_t fd_read(void *ctx, void *buf, size_t n) {
    fd_in *f = ctx;
    ssize_t got;
    do
        got = read(f->fd, buf, n);
    while (got < 0 && errno == EINTR);
    return got;
}

static bool put_out(void *ctx, const char *p, size_t n) {
    return fwrite(p, 1, n, (FILE *)ctx) == n;
}

int cmd_index(int argc, char **argv) {
    const char *output = NULL, *filename = NULL;
    ccsig_index_format format = CCSIG_INDEX_CDXJ;
    int c;
    cli_parser cp;
    cli_parser_init(&cp, &cmd_index_cli, argc, argv, 1);
    while ((c = cli_next(&cp)) > 0) {
        if (c == O_OUTPUT)
            output = optarg;
        else if (c == O_FILENAME)
            filename = optarg;
        else if (c == O_CDX)
            format = CCSIG_INDEX_CDX;
    }
    if (c < 0)
        return cp.rc;
    if (optind >= argc)
        return cli_usage_error("index", "no archive given");
    if (filename && argc - optind > 1)
        return cli_usage_error("index", "--filename names one archive; %d given", argc - optind);
    FILE *out = output && strcmp(output, "-") ? fopen(output, "w") : stdout;
    if (!out) {
        cli_error("index", "-o %s: cannot write: %s", output, strerror(errno));
        return EXIT_USAGE;
    }
    ccsig_warc_reader *r = ccsig_warc_reader_new(NULL);
    if (!r) {
        cli_error("index", "out of memory");
        return EXIT_INTERNAL;
    }
    int rc = EXIT_OK;
    if (format == CCSIG_INDEX_CDX)
        fputs(CCSIG_INDEX_CDX_HEADER, out);
    for (int i = optind; i < argc && rc != EXIT_INTERNAL; i++) {
        fd_in in = {open(argv[i], O_RDONLY | O_CLOEXEC)};
        if (in.fd < 0) {
            cli_error("index", "%s: cannot read: %s", argv[i], strerror(errno));
            rc = EXIT_USAGE;
            continue;
        }
        ccsig_warc_reader_open(r, fd_read, &in, 0, CCSIG_WARC_AUTO);
        ccsig_index_stats st;
        ccsig_error err;
        ccsig_status s = ccsig_index_write_archive(r, filename ? filename : argv[i], format,
                                                   put_out, out, &st, &err);
        close(in.fd);
        if (s == CCSIG_ERR_IO && ferror(out)) {
            cli_error("index", "%s: cannot write: %s", output ? output : "(standard output)",
                      strerror(errno));
            rc = EXIT_INTERNAL;
        } else if (s) {
            cli_error("index", "%s: %s", argv[i], err.message);
            rc = s == CCSIG_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
        } else if (st.damaged || st.unindexed) {
            cli_error("index",
                      "%s: %llu damaged parts and %llu records not on gzip member boundaries "
                      "left out",
                      argv[i], (unsigned long long)st.damaged, (unsigned long long)st.unindexed);
            if (rc == EXIT_OK)
                rc = EXIT_NOT_PERMITTED;
        }
    }
    ccsig_warc_reader_free(r);
    if ((out == stdout ? fflush(out) : fclose(out)) != 0 && rc != EXIT_INTERNAL) {
        cli_error("index", "%s: cannot write: %s", output ? output : "(standard output)",
                  strerror(errno));
        rc = EXIT_INTERNAL;
    }
    return rc;
}
