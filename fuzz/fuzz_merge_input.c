/* libFuzzer target: what a merge input is (ccsig_merge_classify,
 * ccsig/shard.h) on any bytes: the decoders of compressed inputs (gzip
 * members, zstd frames, damaged or cut off), the JSON reader on the first
 * line and on a whole document. Checks: no error but out of memory; the
 * answer agrees with what the bytes show (a document or an audit is plain
 * and starts with "{" after white space; a plain keep file starts
 * "WARC/"; a plain empty input has no bytes); the same answer twice. */
#include <stdlib.h>
#include <string.h>

#include "ccsig/shard.h"
#include "ccsig/warc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_merge_input kind, again;
    ccsig_error err;
    ccsig_error_clear(&err);
    ccsig_status st = ccsig_merge_classify(data, size, &kind, &err);
    if (st == CCSIG_ERR_NOMEM)
        return 0;
    if (st != CCSIG_OK || kind < CCSIG_MERGE_INPUT_OTHER || kind > CCSIG_MERGE_INPUT_DOCUMENT)
        abort();
    bool plain = ccsig_warc_sniff(data, size) == CCSIG_WARC_PLAIN;
    size_t i = size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    while (i < size && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if ((kind == CCSIG_MERGE_INPUT_DOCUMENT || kind == CCSIG_MERGE_INPUT_AUDIT) &&
        (!plain || i == size || data[i] != '{'))
        abort();
    if (kind == CCSIG_MERGE_INPUT_KEEP && plain && (size < 5 || memcmp(data, "WARC/", 5) != 0))
        abort();
    if (kind == CCSIG_MERGE_INPUT_EMPTY && plain && size != 0)
        abort();
    if (ccsig_merge_classify(data, size, &again, &err) == CCSIG_OK && again != kind)
        abort();
    return 0;
}
