/* Replay driver for the fuzz targets in the normal build: a main() that
 * feeds every file named on the command line (a directory: each regular
 * file in it, not recursively, in name order) to LLVMFuzzerTestOneInput,
 * once each. fuzz/CMakeLists.txt links it with every fuzz_<name>.c when the
 * build is not a libFuzzer build, and tests/ runs it over the seeds
 * (fuzz/seeds/<name>, fuzz/seed-<name>) as the ctest tests
 * fuzz-replay.<name> under ASan and UBSan: a seed that crashes or leaks
 * fails make test. Exit status 1 when no input was found (a seed directory
 * that went missing must not pass silently).
 *
 * REPLAY_GENERATE=N (set by fuzz/CMakeLists.txt for targets that check
 * properties, such as fuzz_warc_props) also feeds N inputs from a
 * fixed-seed generator (sizes 1 to 4096 bytes), so that a property target's
 * assertions meet more than its seeds on every build. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(f);
            fprintf(stderr, "%s: out of memory\n", path);
            return -1;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        uint8_t *nb = realloc(buf, cap * 2);
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    /* An exact-size copy, so that ASan sees a read past the input. */
    uint8_t *data = malloc(n ? n : 1);
    if (!data) {
        free(buf);
        return -1;
    }
    memcpy(data, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    return 0;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    size_t files = 0;
    int status = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            status |= replay_file(argv[i]) != 0;
            files++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (!d) {
            perror(argv[i]);
            return 1;
        }
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                char **nn = realloc(names, cap * sizeof *nn);
                if (!nn)
                    return 1;
                names = nn;
            }
            names[n] = strdup(path);
            if (!names[n])
                return 1;
            n++;
        }
        closedir(d);
        qsort(names, n, sizeof *names, by_name);
        for (size_t k = 0; k < n; k++) {
            status |= replay_file(names[k]) != 0;
            free(names[k]);
        }
        free(names);
        files += n;
    }
    const char *gen = getenv("REPLAY_GENERATE");
    long count = gen ? atol(gen) : 0;
    if (count > 0) {
        uint64_t x = 0x9E3779B97F4A7C15ull;
        uint8_t *buf = malloc(4096);
        if (!buf)
            return 1;
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
        printf("%ld generated inputs\n", count);
    }
    printf("%zu inputs replayed\n", files);
    if (!files) {
        fprintf(stderr, "no input found\n");
        return 1;
    }
    return status;
}
