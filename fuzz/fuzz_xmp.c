/* libFuzzer target: XMP packets (libxml2 well-formedness, then exempi). */
#include "fuzz_sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_collect *c = fz_begin(true);
    ccsig_error err;
    ccsig_xmp_read_packet(c, (const char *)data, size, CCSIG_STR_LIT("x"), &err);
    ccsig_str pk;
    size_t from = 0;
    while (ccsig_xmp_find_packet((const char *)data, size, from, &pk)) {
        if (pk.p < (const char *)data || pk.p + pk.len > (const char *)data + size)
            abort();
        from = (size_t)(pk.p - (const char *)data) + 1;
    }
    fz_end();
    return 0;
}
