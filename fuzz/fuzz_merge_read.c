/* libFuzzer target: the reader `ccsig merge` uses on the files scan wrote
 * (ccsig_scan_output_read: a scan summary or a credit manifest in JSON).
 * Checks: a rejected document always has a message; an accepted one merges
 * (twice, as two shards would) and writes back in every format without
 * trouble. */
#include <stdlib.h>
#include <string.h>

#include "ccsig/buf.h"
#include "ccsig/credit.h"
#include "ccsig/summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_summary s, total;
    ccsig_credit_map m, all;
    ccsig_scan_profile p;
    ccsig_scan_output_type type;
    ccsig_error err;
    memset(&p, 0, sizeof p);
    ccsig_error_clear(&err);
    ccsig_summary_init(&s);
    ccsig_summary_init(&total);
    ccsig_credit_map_init(&m);
    ccsig_credit_map_init(&all);
    ccsig_status st = ccsig_scan_output_read((const char *)data, size, &s, &m, &p, &type, &err);
    if (st != CCSIG_OK) {
        if (!err.message[0])
            abort(); /* every refusal says why */
    } else {
        ccsig_buf b = CCSIG_BUF_INIT;
        ccsig_summary_merge(&total, &s);
        ccsig_summary_merge(&total, &s);
        ccsig_credit_merge(&all, &m);
        ccsig_credit_merge(&all, &m);
        if (ccsig_summary_write_json(&b, &total, &p) == CCSIG_ERR_USAGE)
            abort();
        ccsig_summary_write_text(&b, &total, &p);
        for (int f = CCSIG_CREDIT_JSON; f <= CCSIG_CREDIT_MD; f++)
            if (ccsig_credit_write(&b, (ccsig_credit_format)f, &all, &p) == CCSIG_ERR_USAGE)
                abort();
        ccsig_buf_free(&b);
    }
    ccsig_summary_free(&s);
    ccsig_summary_free(&total);
    ccsig_credit_map_free(&m);
    ccsig_credit_map_free(&all);
    return 0;
}
