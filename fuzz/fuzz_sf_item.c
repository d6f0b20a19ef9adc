/* libFuzzer target: RFC 9651 item parsing and serialisation round trip. */
#include "fuzz_sf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FUZZ_SF_BODY(ccsig_sf_parse_item, ccsig_sf_serialize_item, ccsig_sf_item)
}
