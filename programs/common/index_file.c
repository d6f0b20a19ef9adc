/*
 * index_file.c — reading an index file for the CLI (index_file.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/alloc.h"
#include "ccsig/httpmsg.h"
#include "cli.h"
#include "index_file.h"

/* Read path (a gzip file is inflated) and parse it as an index. The
 * error names the file, line and column. */
ccsig_index *cli_index_load(const char *cmd, const char *path) {
    size_t n;
    char *raw = cli_read_file(path, CLI_INDEX_MAX, &n);
    if (!raw) {
        cli_error(cmd, "--index %s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    char *text = raw;
    bool gz = n >= 2 && (unsigned char)raw[0] == 0x1f && (unsigned char)raw[1] == 0x8b;
    ccsig_error err;
    if (gz) {
        char *z = NULL;
        size_t zn = 0;
        ccsig_status st = ccsig_gunzip(raw, n, CLI_INDEX_MAX, true, &z, &zn, &err);
        free(raw);
        if (st) {
            cli_error(cmd, "--index %s: not a readable gzip file: %s", path, err.message);
            return NULL;
        }
        text = z;
        n = zn;
    }
    ccsig_index *x = NULL;
    ccsig_status st = ccsig_index_parse(text, n, &x, &err);
    gz ? ccsig_free(text) : free(text);
    if (st == CCSIG_ERR_NOMEM) {
        cli_error(cmd, "--index %s: out of memory", path);
        return NULL;
    }
    if (st) {
        cli_error(cmd, "--index %s:%u:%u: %s", path, err.line, err.column, err.message);
        return NULL;
    }
    return x;
}
