/* libFuzzer target: tdmrep.json (and the library's JSON reader). */
#include "fuzz_sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_collect *c = fz_begin(false);
    ccsig_error err;
    ccsig_status st = ccsig_tdmrep_read(c, (const char *)data, size, CCSIG_STR_LIT("t"), &err);
    if (st && err.offset > size)
        abort();
    fz_end();
    return 0;
}
