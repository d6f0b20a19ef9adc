/*
 * bench_sf.c — RFC 9651 parsing speed: ns per field and MB/s.
 *
 * usage: bench_sf [--input FILE] [--dump FILE] [--seconds S] [--passes N]
 *
 * The default input is (a) realistic Content-Usage values (aipref
 * expressions with CC signals, as robots.txt and headers carry them) and
 * (b) every case of the official suite's large-generated.json. --dump writes
 * that input as "TYPE<TAB>VALUE" lines (TYPE = item, list or dictionary) so
 * another parser can be timed on exactly the same bytes; --input reads such a
 * file. Every parse builds the full, validated result (ccsig_sf_parse_*),
 * resetting one arena between fields, as the scanner does. --passes N parses
 * every field exactly N times per group instead of timing (for instruction
 * counts: valgrind --tool=callgrind, minus a --passes 0 run).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ccsig/sf.h"

typedef struct field {
    int type; /* 0 item, 1 list, 2 dictionary */
    char *value;
    size_t len;
    int group; /* 0 content-usage, 1 large-generated, 2 file */
} field;

static field *fields;
static size_t nfields, capfields;

static void add(int type, const char *v, size_t len, int group) {
    if (nfields == capfields) {
        capfields = capfields ? capfields * 2 : 64;
        fields = realloc(fields, capfields * sizeof *fields);
        if (!fields)
            exit(3);
    }
    field *f = &fields[nfields++];
    f->type = type;
    f->value = malloc(len + 1);
    if (!f->value)
        exit(3);
    memcpy(f->value, v, len);
    f->value[len] = '\0';
    f->len = len;
    f->group = group;
}

static int type_of(const char *s) {
    return !strcmp(s, "item") ? 0 : !strcmp(s, "list") ? 1 : !strcmp(s, "dictionary") ? 2 : -1;
}

static const char *const type_names[] = {"item", "list", "dictionary"};

static const char *const content_usage[] = {
    "train-ai=n",
    "train-ai=n;exceptions=cc-cr",
    "train-ai=y, search=y",
    "train-ai=n;exceptions=cc-cr-ec, search=y",
    "ai-use=n;exceptions=cc-cr",
    "train-genai=n;exceptions=cc-cr-ec",
    "train-ai=n;exceptions=cc-cr-op, search=y",
    "train-ai=n;exceptions=cc-cr-dc",
    "all=n, search=y",
    "bots=y, train-ai=n",
    "train-ai=n, search=n",
    "search=y",
    "tdm=n, ai=n, genai=n, search=y, inference=n",
    "train-ai=y, train-ai, search=n, search=\"n\"",
    "train-ai;allow=n, train-ai=y",
    "train-ai=n;exceptions=cc-cr, ai-use=n;exceptions=cc-cr-ec, search=y",
};

static void load_defaults(void) {
    for (size_t i = 0; i < sizeof content_usage / sizeof *content_usage; i++)
        add(2, content_usage[i], strlen(content_usage[i]), 0);
    json_error_t e;
    json_t *cases = json_load_file(
        CCSIG_SHARED_DIR "/conformance/structured-field-tests/large-generated.json", 0, &e);
    if (!cases) {
        fprintf(stderr, "bench_sf: cannot read the suite: %s\n", e.text);
        exit(2);
    }
    for (size_t i = 0; i < json_array_size(cases); i++) {
        json_t *c = json_array_get(cases, i);
        if (json_is_true(json_object_get(c, "must_fail")))
            continue;
        int t = type_of(json_string_value(json_object_get(c, "header_type")));
        json_t *raw = json_object_get(c, "raw");
        size_t tot = 0;
        for (size_t k = 0; k < json_array_size(raw); k++)
            tot += json_string_length(json_array_get(raw, k)) + 2;
        char *buf = malloc(tot + 1);
        size_t n = 0;
        for (size_t k = 0; k < json_array_size(raw); k++) {
            if (k) {
                buf[n++] = ',';
                buf[n++] = ' ';
            }
            size_t l = json_string_length(json_array_get(raw, k));
            memcpy(buf + n, json_string_value(json_array_get(raw, k)), l);
            n += l;
        }
        if (t >= 0)
            add(t, buf, n, 1);
        free(buf);
    }
    json_decref(cases);
}

static void load_file(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab) {
            fprintf(stderr, "%s:%u:1: error: expected TYPE<TAB>VALUE\n", path, lineno);
            exit(2);
        }
        *tab = '\0';
        int t = type_of(line);
        if (t < 0) {
            fprintf(stderr, "%s:%u:1: error: unknown type '%s'\n", path, lineno, line);
            exit(2);
        }
        add(t, tab + 1, (size_t)(n - (tab + 1 - line)), 2);
    }
    free(line);
    fclose(f);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_one(ccsig_arena *a, const field *f) {
    ccsig_error err;
    switch (f->type) {
    case 0: {
        ccsig_sf_item it;
        return ccsig_sf_parse_item(a, f->value, f->len, &it, &err);
    }
    case 1: {
        ccsig_sf_list l;
        return ccsig_sf_parse_list(a, f->value, f->len, &l, &err);
    }
    default: {
        ccsig_sf_dict d;
        return ccsig_sf_parse_dict(a, f->value, f->len, &d, &err);
    }
    }
}

static long passes = -1; /* --passes: exact passes instead of --seconds */

static void run(int group, const char *label, double seconds) {
    size_t bytes = 0, count = 0;
    for (size_t i = 0; i < nfields; i++)
        if (group < 0 || fields[i].group == group) {
            bytes += fields[i].len;
            count++;
        }
    if (!count)
        return;
    ccsig_arena a;
    ccsig_arena_init(&a, 1 << 16);
    size_t failures = 0;
    for (size_t i = 0; i < nfields; i++) /* warm-up, and count invalid input once */
        if (group < 0 || fields[i].group == group) {
            failures += parse_one(&a, &fields[i]) != 0;
            ccsig_arena_reset(&a);
        }
    size_t iters = 0;
    double t0 = now(), t;
    do {
        if (passes >= 0 && iters >= (size_t)passes)
            break;
        for (size_t i = 0; i < nfields; i++)
            if (group < 0 || fields[i].group == group) {
                parse_one(&a, &fields[i]);
                ccsig_arena_reset(&a);
            }
        iters++;
        t = now() - t0;
    } while (passes >= 0 || t < seconds);
    t = now() - t0;
    if (!iters) { /* --passes 0: only the loading and warm-up were run */
        ccsig_arena_free(&a);
        printf("%-16s %6zu fields (no timed pass)\n", label, count);
        return;
    }
    ccsig_arena_free(&a);
    double nfield = (double)iters * (double)count;
    printf("%-16s %6zu fields %9zu bytes  %9.1f ns/field  %8.1f MB/s%s\n", label, count, bytes,
           t * 1e9 / nfield, (double)iters * (double)bytes / t / 1e6,
           failures ? "  (some fields invalid)" : "");
}

int main(int argc, char **argv) {
    const char *input = NULL, *dump = NULL;
    double seconds = 2.0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--input") && i + 1 < argc)
            input = argv[++i];
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc)
            dump = argv[++i];
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--passes") && i + 1 < argc)
            passes = atol(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_sf [--input FILE] [--dump FILE] [--seconds S] "
                            "[--passes N]\n");
            return 2;
        }
    }
    if (input)
        load_file(input);
    else
        load_defaults();
    if (dump) {
        FILE *f = fopen(dump, "w");
        if (!f) {
            perror(dump);
            return 2;
        }
        for (size_t i = 0; i < nfields; i++)
            fprintf(f, "%s\t%s\n", type_names[fields[i].type], fields[i].value);
        fclose(f);
        return 0;
    }
    printf("ccsig sf parse (full validated result, arena reset per field), %.1f s per group\n",
           seconds);
    if (input) {
        run(2, "file", seconds);
    } else {
        run(0, "content-usage", seconds);
        run(1, "large-generated", seconds);
        run(-1, "all", seconds);
    }
    for (size_t i = 0; i < nfields; i++)
        free(fields[i].value);
    free(fields);
    return 0;
}
