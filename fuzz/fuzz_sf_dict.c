/* libFuzzer target: RFC 9651 dict parsing and serialisation round trip. */
#include "fuzz_sf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FUZZ_SF_BODY(ccsig_sf_parse_dict, ccsig_sf_serialize_dict, ccsig_sf_dict)
}
