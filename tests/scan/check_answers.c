/*
 * check_answers.c — compare a `ccsig scan --annotate` output and its
 * `--summary --json` with the known answers bench/gen_crawl wrote.
 *
 * usage: check_answers ANSWERS.jsonl ANNOTATE.jsonl SUMMARY.json
 *        check_answers --keep KEPT.warc.gz INPUT.warc.gz
 *
 * Every answer names a record by its WARC-Record-ID. A damaged record must
 * be absent from the annotation; any other must be present with the
 * expected decision result, obligations, missing conditions, archive
 * offset, HTTP status, robots and crawl. The summary must count the records,
 * errors and skipped records the answers' last line expects. Prints the
 * first mismatches and exits 1 when there is any.
 *
 * With --keep: every record of the kept file must be byte for byte one of
 * the input's members (copied, not recompressed).
 */
#define _GNU_SOURCE /* memmem */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/warc.h"

static int bad = 0;

static void mismatch(const char *id, const char *field, json_t *got, json_t *want) {
    if (++bad > 20)
        return;
    char *g = got ? json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    char *w = want ? json_dumps(want, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    fprintf(stderr, "%s: %s is %s, expected %s\n", id, field, g ? g : "(absent)",
            w ? w : "(absent)");
    free(g);
    free(w);
}

static void check(const char *id, const char *field, json_t *got, json_t *want) {
    if (!got || !want || !json_equal(got, want))
        mismatch(id, field, got, want);
}

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    *n = fread(p, 1, (size_t)len, f);
    fclose(f);
    return p;
}

static int check_keep(const char *kept, const char *input) {
    size_t kn, in;
    char *k = slurp(kept, &kn), *i = slurp(input, &in);
    if (!k || !i) {
        fprintf(stderr, "cannot read %s or %s\n", kept, input);
        return 2;
    }
    ccsig_warc_reader *r = ccsig_warc_reader_new(NULL);
    ccsig_warc_reader_open_memory(r, k, kn, 0, CCSIG_WARC_AUTO);
    ccsig_warc_record rec;
    ccsig_warc_damage d;
    size_t n = 0;
    ccsig_warc_next x;
    while ((x = ccsig_warc_reader_next(r, &rec, &d)) == CCSIG_WARC_RECORD) {
        n++;
        if (!rec.raw || !memmem(i, in, rec.raw, (size_t)rec.raw_length)) {
            fprintf(stderr, "%s: record at offset %llu is not a member of %s\n", kept,
                    (unsigned long long)rec.offset, input);
            bad++;
        }
    }
    if (x != CCSIG_WARC_END) {
        fprintf(stderr, "%s: %s\n", kept, d.what);
        bad++;
    }
    printf("%s: %zu kept records, %d not byte-exact\n", kept, n, bad);
    ccsig_warc_reader_free(r);
    free(k);
    free(i);
    return bad ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "--keep"))
        return check_keep(argv[2], argv[3]);
    if (argc != 4) {
        fprintf(stderr, "usage: check_answers ANSWERS.jsonl ANNOTATE.jsonl SUMMARY.json\n");
        return 2;
    }
    json_t *got = json_object();
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    json_error_t err;
    size_t lines = 0;
    for (;;) {
        json_t *o = json_loadf(f, JSON_DISABLE_EOF_CHECK, &err);
        if (!o)
            break;
        lines++;
        const char *id = json_string_value(json_object_get(o, "record_id"));
        if (!id) {
            fprintf(stderr, "%s: line %zu has no record_id\n", argv[2], lines);
            return 1;
        }
        if (json_object_get(got, id)) {
            fprintf(stderr, "%s: record %s annotated twice\n", argv[2], id);
            bad++;
        }
        json_object_set_new(got, id, o);
    }
    fclose(f);
    f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    json_t *expect = NULL;
    size_t checked = 0;
    for (;;) {
        json_t *a = json_loadf(f, JSON_DISABLE_EOF_CHECK, &err);
        if (!a)
            break;
        if (json_object_get(a, "expect")) {
            expect = json_incref(json_object_get(a, "expect"));
            json_decref(a);
            continue;
        }
        const char *id = json_string_value(json_object_get(a, "record_id"));
        if (!id) {
            json_decref(a);
            continue;
        }
        checked++;
        json_t *g = json_object_get(got, id);
        if (json_is_true(json_object_get(a, "damaged"))) {
            if (g)
                mismatch(id, "damaged record", g, NULL);
            json_decref(a);
            continue;
        }
        if (!g) {
            mismatch(id, "record", NULL, json_object_get(a, "url"));
            json_decref(a);
            continue;
        }
        json_t *d = json_object_get(g, "decision");
        check(id, "decision.result", json_object_get(d, "result"), json_object_get(a, "result"));
        check(id, "decision.obligations", json_object_get(d, "obligations"),
              json_object_get(a, "obligations"));
        check(id, "decision.missing", json_object_get(d, "missing"), json_object_get(a, "missing"));
        check(id, "offset", json_object_get(g, "offset"), json_object_get(a, "offset"));
        check(id, "status", json_object_get(g, "status"), json_object_get(a, "status"));
        check(id, "robots", json_object_get(g, "robots"), json_object_get(a, "robots"));
        check(id, "crawl", json_object_get(g, "crawl"), json_object_get(a, "crawl"));
        check(id, "type", json_object_get(g, "type"), json_object_get(a, "type"));
        check(id, "url", json_object_get(g, "url"), json_object_get(a, "url"));
        json_decref(a);
    }
    fclose(f);
    json_t *sum = json_load_file(argv[3], 0, &err);
    if (!sum || !expect) {
        fprintf(stderr, "no summary (%s) or no expectations in %s\n", argv[3], argv[1]);
        return 1;
    }
    check("summary", "records.total", json_object_get(json_object_get(sum, "records"), "total"),
          json_object_get(expect, "records"));
    check("summary", "errors.total", json_object_get(json_object_get(sum, "errors"), "total"),
          json_object_get(expect, "errors"));
    check("summary", "skipped", json_object_get(sum, "skipped"),
          json_object_get(expect, "skipped"));
    if (checked == 0) {
        fprintf(stderr, "no answers in %s\n", argv[1]);
        bad++;
    }
    printf("%s: %zu answers checked, %zu records annotated, %d mismatches\n", argv[1], checked,
           lines, bad);
    json_decref(sum);
    json_decref(expect);
    json_decref(got);
    return bad ? 1 : 0;
}
