/* libFuzzer target: the merge of shard outputs (ccsig_merge_*, ccsig/shard.h)
 * on one document given twice: the reader of the "shard" record (archives,
 * open revisits, originals with their statements) and the revisit
 * resolution that follows. Checks: a refusal always has a message; an
 * accepted document merges (missing shards allowed) and writes back in
 * every format. */
#include <stdlib.h>
#include <string.h>

#include "ccsig/buf.h"
#include "ccsig/shard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_merge *m;
    ccsig_error err;
    ccsig_error_clear(&err);
    if (ccsig_merge_new(&m, &err))
        return 0;
    ccsig_scan_output_type type;
    ccsig_status st = ccsig_merge_add(m, "a", (const char *)data, size, &type, &err);
    if (st != CCSIG_OK) {
        if (!err.message[0])
            abort(); /* every refusal says why */
        ccsig_merge_free(m);
        return 0;
    }
    ccsig_error_clear(&err); /* the same again: refused when it is a shard */
    if (ccsig_merge_add(m, "b", (const char *)data, size, &type, &err) != CCSIG_OK &&
        !err.message[0])
        abort();
    if (ccsig_merge_finish(m, true, &err) == CCSIG_OK) {
        const ccsig_scan_profile *p = ccsig_merge_profile(m);
        ccsig_buf b = CCSIG_BUF_INIT;
        if (ccsig_merge_count(m, CCSIG_SCAN_OUTPUT_SUMMARY)) {
            ccsig_summary_write_json(&b, ccsig_merge_summary(m), p);
            ccsig_summary_write_text(&b, ccsig_merge_summary(m), p);
        }
        for (int f = CCSIG_CREDIT_JSON; f <= CCSIG_CREDIT_MD; f++)
            if (ccsig_credit_write(&b, (ccsig_credit_format)f, ccsig_merge_credit(m), p) ==
                CCSIG_ERR_USAGE)
                abort();
        ccsig_buf_free(&b);
    } else if (!err.message[0]) {
        abort();
    }
    ccsig_merge_free(m);
    return 0;
}
