/*
 * fuzz_replay.c — runs a libFuzzer target without libFuzzer (the ASan
 * build): every file in the directories given, then COUNT inputs from a
 * fixed-seed generator (sizes 1 to 4096), so the target's assertions are
 * exercised by ctest on every build.
 *
 * usage: fuzz_replay COUNT DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: fuzz_replay COUNT DIR...\n");
        return 2;
    }
    long count = atol(argv[1]);
    long files = 0;
    for (int i = 2; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d) {
            fprintf(stderr, "fuzz_replay: cannot open %s\n", argv[i]);
            return 2;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            FILE *f = fopen(path, "rb");
            if (!f)
                continue;
            uint8_t *buf = malloc(1 << 20);
            size_t n = fread(buf, 1, 1 << 20, f);
            fclose(f);
            LLVMFuzzerTestOneInput(buf, n);
            free(buf);
            files++;
        }
        closedir(d);
    }
    uint64_t x = 0x9E3779B97F4A7C15ull;
    uint8_t *buf = malloc(4096);
    for (long k = 0; k < count; k++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        size_t n = 1 + (size_t)(x >> 33) % 4096;
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            buf[i] = (uint8_t)(x >> 56);
        }
        LLVMFuzzerTestOneInput(buf, n);
    }
    free(buf);
    printf("fuzz_replay: %ld seed files and %ld generated inputs, every property held\n", files,
           count);
    return 0;
}
