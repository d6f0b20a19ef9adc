/*
 * bench_robots.c — robots.txt throughput of libccsig, on inputs any other
 * tool can be timed on (bench/robots.sh runs protego on the same lists).
 *
 *   bench_robots parse FILELIST URLLIST [AGENT [ROUNDS]]
 *       for each robots.txt named in FILELIST: compile it, check every URL of
 *       URLLIST for AGENT, free it (parse-and-match over a corpus)
 *   bench_robots match ROBOTS URLLIST [AGENT [ROUNDS]]
 *       compile ROBOTS once, then check every URL of URLLIST, ROUNDS times
 *
 * Lists have one entry per line. Files are read into memory before timing;
 * only compile and query are timed. Prints one line of key=value pairs:
 * seconds, files or checks per second, MB/s, and `allowed`, the number of
 * allowed answers (to compare tools' agreement).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ccsig/robots.h"

typedef struct list {
    char **v;
    size_t *len;
    size_t n;
} list;

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb)
                free(b);
            b = nb;
        }
    }
    fclose(f);
    *len = n;
    return b;
}

/* Lines of a file (without line ends). */
static bool read_lines(const char *path, list *l) {
    size_t n;
    char *text = slurp(path, &n);
    if (!text)
        return false;
    size_t cap = 1024;
    l->v = malloc(cap * sizeof *l->v);
    l->len = malloc(cap * sizeof *l->len);
    l->n = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && text[j] != '\n')
            j++;
        size_t e = j;
        if (e > i && text[e - 1] == '\r')
            e--;
        if (e > i) {
            if (l->n == cap) {
                cap *= 2;
                l->v = realloc(l->v, cap * sizeof *l->v);
                l->len = realloc(l->len, cap * sizeof *l->len);
            }
            l->v[l->n] = malloc(e - i + 1);
            memcpy(l->v[l->n], text + i, e - i);
            l->v[l->n][e - i] = '\0';
            l->len[l->n++] = e - i;
        }
        i = j + 1;
    }
    free(text);
    return true;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void) {
    fprintf(stderr, "usage: bench_robots parse FILELIST URLLIST [AGENT [ROUNDS]]\n"
                    "       bench_robots match ROBOTS URLLIST [AGENT [ROUNDS]]\n");
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 4)
        return usage();
    const char *mode = argv[1];
    const char *agent = argc > 4 ? argv[4] : "*";
    int rounds = argc > 5 ? atoi(argv[5]) : 1;
    if (rounds < 1)
        rounds = 1;
    list urls;
    if (!read_lines(argv[3], &urls)) {
        fprintf(stderr, "bench_robots: cannot read %s\n", argv[3]);
        return 2;
    }
    ccsig_robots_answer *ans = ccsig_robots_answer_new();
    size_t allowed = 0;
    if (!strcmp(mode, "parse")) {
        list files;
        if (!read_lines(argv[2], &files)) {
            fprintf(stderr, "bench_robots: cannot read %s\n", argv[2]);
            return 2;
        }
        char **text = malloc(files.n * sizeof *text);
        size_t *len = malloc(files.n * sizeof *len), bytes = 0;
        for (size_t i = 0; i < files.n; i++) {
            text[i] = slurp(files.v[i], &len[i]);
            if (!text[i]) {
                fprintf(stderr, "bench_robots: cannot read %s\n", files.v[i]);
                return 2;
            }
            bytes += len[i];
        }
        double t0 = now();
        for (int r = 0; r < rounds; r++)
            for (size_t i = 0; i < files.n; i++) {
                ccsig_robots *rb;
                ccsig_error err;
                if (ccsig_robots_compile(text[i], len[i], NULL, &rb, &err))
                    return 3;
                ccsig_robots_agent ag = ccsig_robots_select(rb, agent, strlen(agent));
                for (size_t u = 0; u < urls.n; u++) {
                    ccsig_robots_query(rb, ag, urls.v[u], urls.len[u], ans);
                    allowed += ans->allowed;
                }
                ccsig_robots_free(rb);
            }
        double s = now() - t0;
        double nf = (double)files.n * rounds;
        printf("tool=ccsig mode=parse files=%zu urls=%zu rounds=%d seconds=%.4f files_per_s=%.0f "
               "MB_per_s=%.1f checks_per_s=%.0f allowed=%zu\n",
               files.n, urls.n, rounds, s, nf / s, (double)bytes * rounds / s / 1e6,
               nf * (double)urls.n / s, allowed / (size_t)rounds);
    } else if (!strcmp(mode, "match")) {
        size_t len;
        char *text = slurp(argv[2], &len);
        if (!text) {
            fprintf(stderr, "bench_robots: cannot read %s\n", argv[2]);
            return 2;
        }
        double t0 = now();
        ccsig_robots *rb;
        ccsig_error err;
        if (ccsig_robots_compile(text, len, NULL, &rb, &err))
            return 3;
        double tc = now() - t0;
        ccsig_robots_agent ag = ccsig_robots_select(rb, agent, strlen(agent));
        t0 = now();
        for (int r = 0; r < rounds; r++)
            for (size_t u = 0; u < urls.n; u++) {
                ccsig_robots_query(rb, ag, urls.v[u], urls.len[u], ans);
                allowed += ans->allowed;
            }
        double s = now() - t0;
        double nc = (double)urls.n * rounds;
        printf("tool=ccsig mode=match bytes=%zu urls=%zu rounds=%d compile_seconds=%.6f "
               "seconds=%.4f checks_per_s=%.0f ns_per_check=%.0f allowed=%zu\n",
               len, urls.n, rounds, tc, s, nc / s, s / nc * 1e9, allowed / (size_t)rounds);
        ccsig_robots_free(rb);
        free(text);
    } else {
        return usage();
    }
    ccsig_robots_answer_free(ans);
    return 0;
}
