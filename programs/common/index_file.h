/*
 * index_file.h — an index file (CDX, CDXJ; plain or .gz) read for
 * `ccsig scan --index` and `--wat`: the file read and inflated here, the
 * parsing done by the library (ccsig/index.h).
 */
#ifndef CCSIG_CLI_INDEX_FILE_H
#define CCSIG_CLI_INDEX_FILE_H

#include "ccsig/index.h"

/* Index files larger than this (after inflating) are refused: Common
 * Crawl's per-WARC CDXJ is ~20 MB. */
#define CLI_INDEX_MAX (1ull << 30)

/* Read and parse the index at path for subcommand cmd. Prints
 * "ccsig CMD: --index PATH:LINE:COL: what" and returns NULL on error. */
ccsig_index *cli_index_load(const char *cmd, const char *path);

#endif
