/* libFuzzer target: dataset metadata (Croissant and datapackage JSON, the
 * dataset card's YAML front matter through libyaml). The first byte picks
 * the format. */
#include "fuzz_sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!size)
        return 0;
    ccsig_collect *c = fz_begin(false);
    ccsig_error err;
    ccsig_dataset_format f = (ccsig_dataset_format)(data[0] % CCSIG_DATASET_FORMAT_COUNT);
    ccsig_dataset_read(c, f, (const char *)data + 1, size - 1, CCSIG_STR_LIT("d"), &err);
    fz_end();
    return 0;
}
