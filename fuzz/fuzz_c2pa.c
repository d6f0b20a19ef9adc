/* libFuzzer target: JUMBF manifest stores and their CBOR (libcbor). */
#include "fuzz_sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_collect *c = fz_begin(true);
    ccsig_error err;
    ccsig_c2pa_read_store(c, (const char *)data, size, CCSIG_STR_LIT("c"), &err);
    fz_end();
    return 0;
}
