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

/* Bytes of an uncompressed index file read and parsed at a time. */
#define CLI_INDEX_CHUNK (1u << 20)

/* Parse the uncompressed index file f a chunk at a time (a Common Crawl
 * index is tens of MB, and memory written once costs a page fault a page):
 * *x, or NULL when reported. Returns false, having read nothing but
 * chunk[0..*n), when f is gzip. */
static bool load_chunks(const char *cmd, const char *path, FILE *f, char *chunk, ccsig_index **x) {
    ccsig_index_parser *ps = ccsig_index_parser_new();
    ccsig_error err;
    ccsig_status st = ps ? CCSIG_OK : CCSIG_ERR_NOMEM;
    *x = NULL;
    for (size_t total = 0; !st;) {
        size_t n = fread(chunk, 1, CLI_INDEX_CHUNK, f);
        if (!total && n >= 2 && (unsigned char)chunk[0] == 0x1f &&
            (unsigned char)chunk[1] == 0x8b) {
            ccsig_index_parser_free(ps);
            return false;
        }
        if (n == 0) {
            if (ferror(f)) {
                cli_error(cmd, "--index %s: cannot read: %s", path, strerror(errno));
                ccsig_index_parser_free(ps);
                return true;
            }
            st = ccsig_index_parser_finish(ps, x, &err);
            break;
        }
        if ((total += n) > CLI_INDEX_MAX) {
            cli_error(cmd, "--index %s: cannot read: %s", path, strerror(EFBIG));
            ccsig_index_parser_free(ps);
            return true;
        }
        st = ccsig_index_parser_feed(ps, chunk, n, &err);
    }
    ccsig_index_parser_free(ps);
    if (st == CCSIG_ERR_NOMEM)
        cli_error(cmd, "--index %s: out of memory", path);
    else if (st)
        cli_error(cmd, "--index %s:%u:%u: %s", path, err.line, err.column, err.message);
    return true;
}

/* Read path (a gzip file is inflated) and parse it as an index. The
 * error names the file, line and column. */
ccsig_index *cli_index_load(const char *cmd, const char *path) {
    if (strcmp(path, "-")) { /* a file: uncompressed, read a chunk at a time */
        FILE *f = fopen(path, "rb");
        char *chunk = f ? malloc(CLI_INDEX_CHUNK) : NULL;
        ccsig_index *x = NULL;
        bool done = chunk && load_chunks(cmd, path, f, chunk, &x);
        free(chunk);
        if (f)
            fclose(f);
        if (done)
            return x;
    }
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
