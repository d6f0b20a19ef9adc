/* libFuzzer target: metadata in file bytes (JPEG, PNG, RIFF, BMFF walkers,
 * packet scanning), and the prefix check the live fetcher uses. */
#include "fuzz_sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_collect *c = fz_begin(true);
    ccsig_embedded_read(c, (const char *)data, size, CCSIG_STR_LIT("f"), CCSIG_EMBED_ALL);
    size_t need;
    ccsig_embedded_prefix_enough((const char *)data, size, &need);
    ccsig_file_format f = ccsig_file_format_sniff((const char *)data, size);
    if ((unsigned)f >= CCSIG_FMT_COUNT)
        abort();
    fz_end();
    return 0;
}
