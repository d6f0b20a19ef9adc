/* libFuzzer target: the HTML head scanner (and the inline RSL it may hold). */
#include "fuzz_sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_collect *c = fz_begin(size & 1);
    bool complete;
    ccsig_html_meta_scan(c, (const char *)data, size, &complete);
    size_t end = ccsig_html_head_end((const char *)data, size);
    if (end > size)
        abort();
    fz_end();
    return 0;
}
