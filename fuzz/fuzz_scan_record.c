/* libFuzzer target: the per-record scan step. The input is read as a WARC
 * (any codec) and every record goes through ccsig_scan_record, with and
 * without a robots.txt answer (the robots.txt is the record's own payload
 * when the record's URL ends in /robots.txt, else a fixed one). Checks the
 * result's promises: at most CCSIG_SCAN_MAX_STATEMENTS statements, robots
 * ones first, a payload inside the record's block, slices readable. */
#include <stdlib.h>
#include <string.h>

#include "ccsig/robots.h"
#include "ccsig/scan.h"
#include "ccsig/warc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void touch(ccsig_str s) {
    volatile unsigned char x = 0;
    for (size_t i = 0; i < s.len; i++)
        x ^= (unsigned char)s.p[i];
    (void)x;
}

static void check(const ccsig_warc_record *rec, const ccsig_scan_result *res, size_t n_robots) {
    if (res->n > CCSIG_SCAN_MAX_STATEMENTS || res->n_robots > res->n || res->n_robots > n_robots)
        abort();
    if (res->payload_held && (res->payload < rec->block ||
                              res->payload + res->payload_held > rec->block + rec->block_len))
        abort();
    if (res->payload_held > res->payload_len)
        abort();
    for (size_t i = 0; i < res->n; i++) {
        touch(res->sts[i].src.text);
        touch(res->sts[i].src.origin);
    }
    touch(res->url);
}

static const char robots_txt[] = "User-agent: *\nContent-Usage: train-ai=n\nDisallow: /private/\n"
                                 "Content-Usage: /photos/ train-ai=y, search=n\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static ccsig_scanner *s;
    static ccsig_warc_reader *r;
    static ccsig_robots *fixed;
    static ccsig_robots_answer *ans;
    if (!s) {
        ccsig_scan_config cfg = {{CCSIG_CAT_TRAIN_AI, 0, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT},
                                 CCSIG_STR_LIT("ExampleBot/2.0")};
        ccsig_error err;
        s = ccsig_scanner_new(&cfg);
        r = ccsig_warc_reader_new(NULL);
        ans = ccsig_robots_answer_new();
        if (!s || !r || !ans ||
            ccsig_robots_compile(robots_txt, sizeof robots_txt - 1, "fixed", &fixed, &err))
            abort();
    }
    ccsig_warc_reader_open_memory(r, data, size, 0, CCSIG_WARC_AUTO);
    for (size_t guard = 0; guard < 4 * size + 64; guard++) {
        ccsig_warc_record rec;
        ccsig_warc_damage dmg;
        ccsig_warc_next x = ccsig_warc_reader_next(r, &rec, &dmg);
        if (x == CCSIG_WARC_END || x == CCSIG_WARC_FAILED)
            return 0;
        if (x != CCSIG_WARC_RECORD)
            continue;
        ccsig_scan_result res;
        ccsig_robots *own = NULL;
        const ccsig_robots *rb = fixed;
        ccsig_str path = ccsig_url_path(rec.h.target_uri);
        if (ccsig_scan_record(s, &rec, NULL, &res) == CCSIG_OK) {
            check(&rec, &res, 0);
            /* with a robots.txt: the record's own payload when it is one */
            ccsig_error err;
            if (res.payload_held && path.len >= 11 &&
                !memcmp(path.p + path.len - 11, "/robots.txt", 11) &&
                ccsig_robots_compile(res.payload, res.payload_held, "record", &own, &err) ==
                    CCSIG_OK)
                rb = own;
        }
        ccsig_robots_agent ag = ccsig_robots_select(rb, "ExampleBot", 10);
        if (ccsig_robots_query(rb, ag, path.p, path.len, ans) != CCSIG_OK)
            abort();
        ccsig_scan_robots known = {CCSIG_ROBOTS_FOUND,
                                   ans->allowed ? CCSIG_STATE_ALLOW : CCSIG_STATE_DENY, NULL,
                                   ans->st, ans->nst};
        if (ccsig_scan_record(s, &rec, &known, &res) == CCSIG_OK)
            check(&rec, &res, ans->nst);
        ccsig_robots_free(own);
    }
    abort(); /* a read that does not end */
}
