/*
 * test_warc_corpus.c — every file of ../shared/corpus/warc-real/ read whole:
 * no crash, records counted as SOURCES.tsv says each file holds (a record
 * lost to damage still counts: its header was read), the deliberate damage
 * reported, and the same result when the input arrives one byte at a time.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ccsig/warc.h"

typedef struct expect {
    const char *file;
    /* by type: warcinfo, response, request, metadata, revisit */
    int warcinfo, response, request, metadata, revisit;
    int damages; /* damage reports */
    int lost;    /* records among them whose header was read */
} expect;

/* From SOURCES.tsv (records, types, malformation). */
static const expect corpus[] = {
    {"whirlwind.warc.gz", 1, 1, 1, 1, 0, 0, 0},
    {"warcfile.warc.gz", 1, 16, 17, 16, 0, 0, 0},
    {"warcfile.warc", 1, 16, 17, 16, 0, 0, 0},
    /* cut inside its only member: the response is lost */
    {"clipped.warc.gz", 0, 1, 0, 0, 0, 1, 1},
    {"clueweb-quirk.warc.gz", 1, 29, 0, 0, 0, 0, 0},
    {"cc.warc.gz", 0, 1, 0, 0, 0, 0, 0},
    {"gzip_extra_sl.warc.gz", 1, 0, 0, 0, 0, 0, 0},
    {"example-iana.org-chunked.warc", 1, 1, 1, 0, 0, 0, 0},
    {"example-bad-non-chunked.warc.gz", 2, 1, 2, 0, 1, 0, 0},
    {"example-wrong-chunks.warc.gz", 0, 1, 1, 0, 0, 0, 0},
    {"example-digest.warc", 0, 0, 4, 0, 0, 0, 0},
    /* the response's Content-Length is one byte short: it is lost; the
     * revisit's is 2 bytes long (its block takes in half its trailer):
     * reported, then read */
    {"example-bad-length.warc", 2, 1, 2, 0, 1, 2, 1},
    {"redirect.warc", 0, 1, 1, 0, 0, 0, 0},
    {"example-url-agnostic-revisit.warc.gz", 1, 0, 0, 0, 1, 0, 0},
    /* 55 bytes of garbage after the last member: reported, no record lost */
    {"corrupted-trailing-bytes.warc.gz.open", 0, 30, 0, 0, 0, 1, 0},
};
#define NCORPUS (sizeof corpus / sizeof corpus[0])

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

typedef struct counts {
    int types[CCSIG_WARC_TYPE_COUNT];
    int damages, lost;
    uint64_t offsets_sum;
} counts;

typedef struct one_byte {
    const char *p;
    size_t n, pos;
} one_byte;

static ssize_t read_one(void *ctx, void *buf, size_t n) {
    one_byte *s = ctx;
    if (s->pos == s->n || n == 0)
        return 0;
    *(char *)buf = s->p[s->pos++];
    return 1;
}

static void count(ccsig_warc_reader *r, counts *c) {
    memset(c, 0, sizeof *c);
    ccsig_warc_record rec;
    ccsig_warc_damage d;
    for (int guard = 0; guard < 100000; guard++) {
        ccsig_warc_next x = ccsig_warc_reader_next(r, &rec, &d);
        if (x == CCSIG_WARC_END)
            return;
        assert_int_not_equal(x, CCSIG_WARC_FAILED);
        if (x == CCSIG_WARC_DAMAGE) {
            c->damages++;
            if (d.record_lost) {
                c->lost++;
                c->types[d.type]++;
            }
            continue;
        }
        c->types[rec.h.type]++;
        c->offsets_sum += rec.offset;
    }
    fail_msg("reading did not end");
}

static void test_corpus(void **state) {
    (void)state;
    ccsig_warc_reader *r = ccsig_warc_reader_new(NULL);
    for (size_t i = 0; i < NCORPUS; i++) {
        const expect *e = &corpus[i];
        char path[1024];
        snprintf(path, sizeof path, "%s/corpus/warc-real/%s", CCSIG_SHARED_DIR, e->file);
        size_t n = 0;
        char *data = slurp(path, &n);
        if (!data)
            fail_msg("cannot read %s", path);
        counts c, c1;
        ccsig_warc_reader_open_memory(r, data, n, 0, CCSIG_WARC_AUTO);
        count(r, &c);
        one_byte ob = {data, n, 0};
        ccsig_warc_reader_open(r, read_one, &ob, 0, CCSIG_WARC_AUTO);
        count(r, &c1);
        if (c.types[CCSIG_WARC_WARCINFO] != e->warcinfo ||
            c.types[CCSIG_WARC_RESPONSE] != e->response ||
            c.types[CCSIG_WARC_REQUEST] != e->request ||
            c.types[CCSIG_WARC_METADATA] != e->metadata ||
            c.types[CCSIG_WARC_REVISIT] != e->revisit || c.damages != e->damages ||
            c.lost != e->lost)
            fail_msg("%s: warcinfo %d response %d request %d metadata %d revisit %d damage %d "
                     "lost %d",
                     e->file, c.types[CCSIG_WARC_WARCINFO], c.types[CCSIG_WARC_RESPONSE],
                     c.types[CCSIG_WARC_REQUEST], c.types[CCSIG_WARC_METADATA],
                     c.types[CCSIG_WARC_REVISIT], c.damages, c.lost);
        assert_memory_equal(&c, &c1, sizeof c);
        free(data);
    }
    ccsig_warc_reader_free(r);
}

/* Every file in the directory has an entry above: a new sample is not
 * silently left untested. */
static void test_all_files_listed(void **state) {
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpus/warc-real", CCSIG_SHARED_DIR);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    int files = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !strcmp(de->d_name, "SOURCES.tsv"))
            continue;
        files++;
        bool found = false;
        for (size_t i = 0; i < NCORPUS; i++)
            found |= !strcmp(corpus[i].file, de->d_name);
        if (!found)
            fail_msg("%s has no expected counts in test_warc_corpus.c", de->d_name);
    }
    closedir(d);
    assert_int_equal(files, (int)NCORPUS);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_all_files_listed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
