/* libFuzzer target: EPUB containers (the ZIP central-directory reader, ISA-L
 * inflate, container.xml and the package document through libxml2). */
#include "fuzz_sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_collect *c = fz_begin(false);
    ccsig_error err;
    ccsig_status st = ccsig_epub_read(c, (const char *)data, size, CCSIG_STR_LIT("f.epub"), &err);
    if (st && st != CCSIG_ERR_NOMEM && err.offset > size)
        abort();
    fz_end();
    return 0;
}
