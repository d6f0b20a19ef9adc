/* libFuzzer target: a file's XMP as ccsig inspect reads it (structure check,
 * then exempi's handlers or packet scanning). The input is written to a
 * temporary file per run (exempi reads files by path). */
#include <stdio.h>
#include <unistd.h>

#include "fuzz_sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/ccsig-fuzz-xmp-%d.bin", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    ccsig_collect *c = fz_begin(true);
    ccsig_error err;
    ccsig_xmp_read_file(c, path, CCSIG_STR_LIT("f"), &err);
    fz_end();
    return 0;
}
