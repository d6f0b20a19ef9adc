/* libFuzzer target: EPUB package documents (TDMRep <meta>, prefixes; libxml2). */
#include "fuzz_sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_collect *c = fz_begin(false);
    ccsig_error err;
    ccsig_opf_read(c, (const char *)data, size, CCSIG_STR_LIT("f.opf"), &err);
    fz_end();
    return 0;
}
