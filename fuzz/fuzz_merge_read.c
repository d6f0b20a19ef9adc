/* libFuzzer target: the readers ccsig merge uses on the files scan wrote
 * (scan summary and credit manifest JSON). They live in
 * programs/scan/scan_model.c today and are moving into the library; the
 * target calls them through merge_read() below, the one place to change
 * when they move. Checks: a rejected file always has a message; an
 * accepted one merges and writes back without trouble. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "scan_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

/* Read j as a summary, then as a credit manifest, as merge does. */
static void merge_read(json_t *j) {
    scan_profile p;
    memset(&p, 0, sizeof p);
    char msg[200] = "";
    scan_summary s;
    if (scan_summary_from_json(j, &s, &p, msg, sizeof msg)) {
        scan_summary total;
        scan_summary_init(&total);
        scan_summary_merge(&total, &s);
        scan_summary_merge(&total, &s);
        json_t *back = scan_summary_json(&total, &p);
        json_decref(back);
        scan_summary_text(devnull, &total, &p);
        scan_summary_free(&total);
    } else if (!msg[0]) {
        abort();
    }
    scan_summary_free(&s);

    credit_map m, all;
    credit_map_init(&m);
    credit_map_init(&all);
    msg[0] = '\0';
    if (credit_from_json(j, &m, &p, msg, sizeof msg)) {
        credit_merge(&all, &m);
        credit_merge(&all, &m);
        for (int f = CREDIT_JSON; f <= CREDIT_MD; f++)
            credit_write(devnull, (credit_format)f, &all, &p);
    } else if (!msg[0]) {
        abort();
    }
    credit_map_free(&all);
    credit_map_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!devnull && !(devnull = fopen("/dev/null", "w")))
        abort();
    json_error_t e;
    json_t *j = json_loadb((const char *)data, size, 0, &e);
    if (!j)
        return 0;
    merge_read(j);
    json_decref(j);
    return 0;
}
