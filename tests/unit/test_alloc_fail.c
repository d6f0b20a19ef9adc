/* Allocation-failure test: every parser and the per-record scan step run with
 * an allocator (ccsig/alloc.h) that fails the Nth allocation, for N = 1, 2,
 * 3, ... until a run makes no failing allocation. A run whose allocation
 * failed must end with an error status (CCSIG_ERR_NOMEM, or the documented
 * failure of that call, see each case), never crash, and free everything it
 * allocated: the allocator counts live blocks, so a leak is reported with the
 * case and N (LeakSanitizer in the ASan build also checks at exit).
 *
 * The cases are one table (cases[] below): adding an operation is one entry,
 * a function that runs it whole (create, use, free) and returns its status.
 * Inputs are the committed fuzz seeds and the scan fixture crawl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ccsig/alloc.h"
#include "ccsig/arena.h"
#include "ccsig/buf.h"
#include "ccsig/declare.h"
#include "ccsig/httpmsg.h"
#include "ccsig/pref.h"
#include "ccsig/robots.h"
#include "ccsig/scan.h"
#include "ccsig/scan_session.h"
#include "ccsig/sf.h"
#include "ccsig/shard.h"
#include "ccsig/sources.h"
#include "ccsig/warc.h"
#include "ccsig/xmpns.h"

/* ---- the failing allocator ---- */

static struct {
    long fail_at; /* the allocation to fail (1-based); 0: none */
    bool sticky;  /* fail every allocation from fail_at on (memory stays short) */
    long calls;   /* allocations so far */
    long failed;  /* allocations failed */
    long live;    /* blocks allocated and not freed */
} fa;

/* ALLOC_FAIL_TRACE=1 prints where each failed allocation was made (with
 * the sanitizers' stack printer, in the ASan build). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(HAVE_ASAN)
void __sanitizer_print_stack_trace(void);
#define TRACE() __sanitizer_print_stack_trace()
#else
#define TRACE() ((void)0)
#endif

static bool trace;

static bool fa_fail(void) {
    fa.calls++;
    if (fa.fail_at && (fa.calls == fa.fail_at || (fa.sticky && fa.calls > fa.fail_at))) {
        fa.failed++;
        if (trace) {
            fprintf(stderr, "-- allocation %ld fails here:\n", fa.calls);
            TRACE();
        }
        return true;
    }
    return false;
}

static void *fa_malloc(void *ud, size_t n) {
    (void)ud;
    if (fa_fail())
        return NULL;
    void *p = malloc(n);
    if (p)
        fa.live++;
    return p;
}

static void *fa_realloc(void *ud, void *p, size_t n) {
    (void)ud;
    if (fa_fail())
        return NULL;
    void *q = realloc(p, n);
    if (q && !p)
        fa.live++;
    return q;
}

static void fa_free(void *ud, void *p) {
    (void)ud;
    if (p) {
        fa.live--;
        free(p);
    }
}

static const ccsig_allocator failing = {fa_malloc, fa_realloc, fa_free, NULL};

/* ---- inputs ---- */

typedef struct input {
    char *p;
    size_t n;
} input;

/* rel: under the source tree, or "shared/..." under the shared corpora. */
static input load(const char *rel) {
    char path[1024];
    if (!strncmp(rel, "shared/", 7))
        snprintf(path, sizeof path, "%s/%s", CCSIG_SHARED_DIR, rel + 7);
    else
        snprintf(path, sizeof path, "%s/%s", CCSIG_SOURCE_DIR, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    input in = {NULL, 0};
    size_t cap = 0;
    for (;;) {
        if (in.n + 4096 > cap) {
            cap = cap ? cap * 2 : 8192;
            in.p = realloc(in.p, cap);
            assert_non_null(in.p);
        }
        size_t got = fread(in.p + in.n, 1, cap - in.n - 1, f);
        if (!got)
            break;
        in.n += got;
    }
    fclose(f);
    in.p[in.n] = '\0';
    return in;
}

/* ---- the operations ---- */

typedef struct alloc_case alloc_case;
struct alloc_case {
    const char *name;
    ccsig_status (*run)(const alloc_case *c, const input *in);
    const char *file; /* input under the source tree, or NULL */
    int arg;
    /* false: the call has no status to report the failure with (it drops
     * what it could not keep, as its header says); only no crash and no leak
     * are checked. */
    bool reports;
};

/* Small arena blocks, so that a parse needs many blocks and each block
 * allocation is a failure point. */
#define SMALL_BLOCK 64

static ccsig_status run_sf(const alloc_case *c, const input *in) {
    ccsig_arena a;
    ccsig_arena_init(&a, SMALL_BLOCK);
    ccsig_error err;
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_status st;
    if (c->arg == 0) {
        ccsig_sf_item v;
        st = ccsig_sf_parse_item(&a, in->p, in->n, &v, &err);
        if (!st)
            st = ccsig_sf_serialize_item(&b, &v, &err);
    } else if (c->arg == 1) {
        ccsig_sf_list v;
        st = ccsig_sf_parse_list(&a, in->p, in->n, &v, &err);
        if (!st)
            st = ccsig_sf_serialize_list(&b, &v, &err);
    } else { /* 2 and 3: a dictionary */
        ccsig_sf_dict v;
        st = ccsig_sf_parse_dict(&a, in->p, in->n, &v, &err);
        if (!st)
            st = ccsig_sf_serialize_dict(&b, &v, &err);
    }
    ccsig_buf_free(&b);
    ccsig_arena_free(&a);
    return st;
}

static const char sf_item[] = "\"a \\\"quoted\\\" string\";lvl=5;t=?0;b=:YWJj:;d=12.5;tok=a*b";
static const char sf_list[] = "train-ai;q=\"x\", (search ai-use);n=1, \"str\", ?0, 42, :AAEC:";
static const char sf_dict[] = "train-ai=n;why=\"no\", search=y, ai-use=(a b c);d=?1, x, y=2.5";

static ccsig_status run_pref(const alloc_case *c, const input *in) {
    ccsig_arena a;
    ccsig_arena_init(&a, SMALL_BLOCK);
    ccsig_statement st;
    ccsig_statement_init(&st, CCSIG_SRC_EXPRESSION);
    ccsig_warnings w = {0};
    ccsig_error err;
    ccsig_status s = ccsig_pref_parse(&a, in->p, in->n, &st, &w, &err);
    ccsig_arena_free(&a);
    return s;
}

/* Named groups the rules for * do not reach: Googlebot's, and msnbot's
 * shared with Foo (Crawl-delay does not end a group). */
static const char named_groups_txt[] = "User-agent: *\nDisallow: /private/\n\n"
                                       "User-agent: Googlebot\nDisallow: /search\n\n"
                                       "User-agent: msnbot\nCrawl-delay: 5\nUser-agent: Foo\n"
                                       "Disallow: /x\n";

static const char robots_txt[] = "# test\n"
                                 "User-agent: *\n"
                                 "Content-Usage: train-ai=n\n"
                                 "Disallow: /private/\n"
                                 "Allow: /private/open*$\n"
                                 "Content-Usage: /photos/ train-ai=n, search=y\n"
                                 "License: https://example.org/license.xml\n"
                                 "\n"
                                 "User-agent: ExampleBot\n"
                                 "User-agent: OtherBot\n"
                                 "Disallow: /\n"
                                 "Allow: /public/\n"
                                 "Content-Usage: ai-use=n\n"
                                 "Crawl-delay: 5\n"
                                 "Sitemap: https://example.org/sitemap.xml\n";

static ccsig_status run_robots(const alloc_case *c, const input *in) {
    ccsig_robots *r = NULL;
    ccsig_error err;
    ccsig_status st =
        ccsig_robots_compile(in->p, in->n, "https://example.org/robots.txt", &r, &err);
    if (st)
        return st;
    const char *agents[] = {"*", "ExampleBot/2.0", "NoSuchBot"};
    const char *urls[] = {"/", "/private/x", "/private/open", "/photos/a.jpg", "/public/p?q=1"};
    ccsig_robots_answer *ans = ccsig_robots_answer_new();
    if (!ans) {
        ccsig_robots_free(r);
        return CCSIG_ERR_NOMEM;
    }
    for (size_t i = 0; i < 3 && !st; i++) {
        ccsig_robots_agent ag = ccsig_robots_select(r, agents[i], strlen(agents[i]));
        for (size_t k = 0; k < 5 && !st; k++)
            st = ccsig_robots_query(r, ag, urls[k], strlen(urls[k]), ans);
    }
    ccsig_robots_answer_free(ans);
    ccsig_robots_free(r);
    return st;
}

static ccsig_status run_robots_lint(const alloc_case *c, const input *in) {
    ccsig_robots_lint_result res;
    ccsig_error err;
    ccsig_status st = ccsig_robots_lint(in->p, in->n, &res, &err);
    if (!st)
        ccsig_robots_lint_free(&res);
    return st;
}

/* A collector over an arena of small blocks. */
typedef struct collector {
    ccsig_arena a;
    ccsig_collect c;
} collector;

/* CCSIG_ERR_NOMEM when the collector's arrays did not fit (ccsig_collect_init). */
static ccsig_status collector_init(collector *k, bool image) {
    ccsig_arena_init(&k->a, SMALL_BLOCK);
    ccsig_asset_ctx ctx = {CCSIG_STR_LIT("ExampleBot"), CCSIG_STR_LIT("test"),
                           CCSIG_STR_LIT("https://example.org/photos/a.jpg"), image};
    return ccsig_collect_init(&k->c, &k->a, &ctx);
}

static void collector_free(collector *k) {
    ccsig_collect_finish(&k->c);
    ccsig_arena_free(&k->a);
}

static const char header_block[] = "Content-Usage: train-ai=n\n"
                                   "Content-Usage: search=y;why=\"ok\"\n"
                                   "X-Robots-Tag: ExampleBot: noai, noimageai\n"
                                   "X-Robots-Tag: *;noai, Bot;noimageai\n"
                                   "tdm-reservation: 1\n"
                                   "tdm-policy: https://example.org/policy.json\n"
                                   "Content-Signal: search=yes, ai-train=no, odd=maybe\n"
                                   "Link: <https://example.org/rsl.xml>; rel=\"license\"; "
                                   "type=\"application/rsl+xml\"\n";

static ccsig_status run_headers(const alloc_case *c, const input *in) {
    ccsig_http_field h[16];
    size_t n = 0;
    const char *p = in->p, *e = in->p + in->n;
    while (p < e && n < 16) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *le = nl ? nl : e;
        const char *colon = memchr(p, ':', (size_t)(le - p));
        if (colon) {
            h[n].name = ccsig_str_make(p, (size_t)(colon - p));
            h[n].value = ccsig_str_make(colon + 1, (size_t)(le - colon - 1));
            n++;
        }
        p = nl ? nl + 1 : e;
    }
    collector k;
    if (collector_init(&k, false)) {
        collector_free(&k);
        return CCSIG_ERR_NOMEM;
    }
    ccsig_sources_from_headers(&k.c, h, n);
    ccsig_status st = k.a.failed ? CCSIG_ERR_NOMEM : CCSIG_OK; /* sources.h */
    collector_free(&k);
    return st;
}

static ccsig_status run_html(const alloc_case *c, const input *in) {
    collector k;
    if (collector_init(&k, false)) {
        collector_free(&k);
        return CCSIG_ERR_NOMEM;
    }
    bool complete;
    ccsig_html_meta_scan(&k.c, in->p, in->n, &complete);
    ccsig_status st = k.a.failed ? CCSIG_ERR_NOMEM : CCSIG_OK; /* sources.h */
    collector_free(&k);
    return st;
}

static ccsig_status run_tdmrep(const alloc_case *c, const input *in) {
    collector k;
    if (collector_init(&k, false)) {
        collector_free(&k);
        return CCSIG_ERR_NOMEM;
    }
    ccsig_error err;
    ccsig_status st =
        ccsig_tdmrep_read(&k.c, in->p, in->n, CCSIG_STR_LIT("/.well-known/tdmrep.json"), &err);
    collector_free(&k);
    return st;
}

/* What a merge input is (ccsig_merge_classify): the decoders and the JSON
 * reader on its first line and, for a document, on all of it. */
static ccsig_status run_merge_classify(const alloc_case *c, const input *in) {
    (void)c;
    ccsig_merge_input kind;
    ccsig_error err;
    return ccsig_merge_classify(in->p, in->n, &kind, &err);
}

static ccsig_status run_rsl(const alloc_case *c, const input *in) {
    collector k;
    if (collector_init(&k, false)) {
        collector_free(&k);
        return CCSIG_ERR_NOMEM;
    }
    ccsig_error err;
    ccsig_status st = ccsig_rsl_read(&k.c, in->p, in->n, CCSIG_STR_LIT("rsl.xml"), &err);
    collector_free(&k);
    return st;
}

static ccsig_status run_xmp_packet(const alloc_case *c, const input *in) {
    collector k;
    if (collector_init(&k, true)) {
        collector_free(&k);
        return CCSIG_ERR_NOMEM;
    }
    ccsig_error err;
    ccsig_status st = ccsig_xmp_read_packet(&k.c, in->p, in->n, CCSIG_STR_LIT("x.xmp"), &err);
    collector_free(&k);
    return st;
}

static ccsig_status run_xmpns(const alloc_case *c, const input *in) {
    ccsig_arena a;
    ccsig_arena_init(&a, SMALL_BLOCK);
    ccsig_xmp_props x;
    ccsig_error err;
    ccsig_status st = ccsig_xmp_read(&a, in->p, in->n, &x, &err);
    if (!st) {
        ccsig_statement s;
        ccsig_warnings w = {0};
        st = ccsig_xmp_statement(&x, &a, &s, &w, &err);
    }
    ccsig_arena_free(&a);
    return st;
}

static ccsig_status run_c2pa(const alloc_case *c, const input *in) {
    collector k;
    if (collector_init(&k, true)) {
        collector_free(&k);
        return CCSIG_ERR_NOMEM;
    }
    ccsig_error err;
    ccsig_status st = ccsig_c2pa_read_store(&k.c, in->p, in->n, CCSIG_STR_LIT("x.c2pa"), &err);
    collector_free(&k);
    return st;
}

/* Embedded metadata: no status (sources.h), the arena says. */
static ccsig_status run_embedded(const alloc_case *c, const input *in) {
    collector k;
    if (collector_init(&k, true)) {
        collector_free(&k);
        return CCSIG_ERR_NOMEM;
    }
    ccsig_embedded_read(&k.c, in->p, in->n, CCSIG_STR_LIT("file"), CCSIG_EMBED_ALL);
    ccsig_status st = k.a.failed ? CCSIG_ERR_NOMEM : CCSIG_OK;
    collector_free(&k);
    return st;
}

static const char http_block[] = "HTTP/1.1 200 OK\r\n"
                                 "Content-Type: text/html\r\n"
                                 "Content-Usage: train-ai=n\r\n"
                                 "X-Folded: a\r\n b\r\n"
                                 "Content-Usage: search=y\r\n"
                                 "Content-Usage: ai-use=n\r\n"
                                 "\r\n<html></html>";

static ccsig_status run_http(const alloc_case *c, const input *in) {
    ccsig_arena a;
    ccsig_arena_init(&a, SMALL_BLOCK);
    ccsig_http_msg *m = malloc(sizeof *m); /* the test's own memory */
    assert_non_null(m);
    ccsig_error err;
    ccsig_status st = ccsig_http_parse(&a, in->p, in->n, m, &err);
    if (!st) {
        ccsig_str v;
        ccsig_error_clear(&err);
        if (!ccsig_http_combined(m, "Content-Usage", &a, &v, &err) && err.code)
            st = err.code; /* out of memory (httpmsg.h) */
    }
    free(m);
    ccsig_arena_free(&a);
    return st;
}

/* The WARC writer: every record of a plain WARC as its own member/frame. */
static ccsig_status run_warc_writer(const alloc_case *c, const input *in) {
    ccsig_warc_writer *w = ccsig_warc_writer_new((ccsig_warc_codec)c->arg, 1);
    if (!w)
        return CCSIG_ERR_NOMEM;
    ccsig_buf out = CCSIG_BUF_INIT;
    ccsig_error err;
    ccsig_status st = CCSIG_OK;
    for (size_t off = 0; off < in->n && !st; off += 512)
        st = ccsig_warc_writer_member(w, &out, in->p + off, in->n - off < 512 ? in->n - off : 512,
                                      &err);
    ccsig_buf_free(&out);
    ccsig_warc_writer_free(w);
    return st;
}

/* The dataset seeds start with one byte choosing the format (fuzz_dataset.c). */
static ccsig_status run_dataset(const alloc_case *c, const input *in) {
    collector k;
    if (collector_init(&k, false)) {
        collector_free(&k);
        return CCSIG_ERR_NOMEM;
    }
    ccsig_error err;
    ccsig_dataset_format f = (ccsig_dataset_format)(in->p[0] % CCSIG_DATASET_FORMAT_COUNT);
    ccsig_status st =
        ccsig_dataset_read(&k.c, f, in->p + 1, in->n - 1, CCSIG_STR_LIT("metadata"), &err);
    collector_free(&k);
    return st;
}

static void declaration(ccsig_declaration *d) {
    ccsig_declaration_init(d);
    d->use = CCSIG_CAT_TRAIN_AI;
    d->state = CCSIG_STATE_DENY;
    d->signal = CCSIG_SIGNAL_CR;
    d->paths[0] = "/photos/";
    d->paths[1] = "/text/";
    d->npaths = 2;
    d->agent = "ExampleBot";
    d->collection = "Photographs & <texts>";
    d->party_name = "Example \"Archive\"";
    d->party_url = "https://example.org/";
    d->policy_url = "https://example.org/policy.html";
    d->copyright = CCSIG_COPYRIGHT_HOLDER;
}

static ccsig_status run_declare(const alloc_case *c, const input *in) {
    ccsig_declaration d;
    declaration(&d);
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_error err;
    ccsig_status st = ccsig_declare_write(&d, (ccsig_declare_format)c->arg, &b, &err);
    ccsig_buf_free(&b);
    return st;
}

/* The JSON form of the declaration (ccsig_declare_write_json). */
static ccsig_status run_declare_json_write(const alloc_case *c, const input *in) {
    (void)c;
    (void)in;
    ccsig_declaration d;
    declaration(&d);
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_error err;
    ccsig_status st = ccsig_declare_write_json(&d, &b, &err);
    ccsig_buf_free(&b);
    return st;
}

/* A saved declaration read back (ccsig_declare_read_json), into an arena. */
static ccsig_status run_declare_json_read(const alloc_case *c, const input *in) {
    (void)c;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_declaration d;
    ccsig_error err;
    ccsig_status st = ccsig_declare_read_json(&a, in->p, in->n, &d, &err);
    ccsig_arena_free(&a);
    return st;
}

/* arg 1: two categories for every crawler, merged with --all-groups into
 * named_groups_txt. */
static ccsig_status run_declare_merge(const alloc_case *c, const input *in) {
    ccsig_declaration d;
    declaration(&d);
    unsigned flags = 0;
    if (c->arg == 1) {
        d.agent = NULL;
        d.more[0] = (ccsig_declare_use){CCSIG_CAT_SEARCH, CCSIG_STATE_ALLOW, CCSIG_SIGNAL_NONE};
        d.nmore = 1;
        flags = CCSIG_DECLARE_MERGE_ALL_GROUPS;
    }
    ccsig_declare_merge *m = malloc(sizeof *m);
    assert_non_null(m);
    ccsig_error err;
    ccsig_status st = ccsig_declare_robots_merge_opts(&d, in->p, in->n, flags, m, &err);
    if (!st && c->arg == 1 && m->groups_added != 2)
        fail_msg("%s: %u groups given the rules, want 2", c->name, m->groups_added);
    if (!st && !m->unchanged) {
        ccsig_buf diff = CCSIG_BUF_INIT;
        ccsig_declare_merge_diff(m, in->p, in->n, "a", "b", &diff);
        if (ccsig_buf_failed(&diff))
            st = CCSIG_ERR_NOMEM;
        ccsig_buf_free(&diff);
    }
    ccsig_declare_merge_free(m);
    free(m);
    return st;
}

/* Read every record; FAILED or a record lost to damage is the failure. The
 * reader reports an allocation failure inside decompression as damage
 * (warc.h: DAMAGE says what was wrong and what the reader did). */
static ccsig_status run_warc(const alloc_case *c, const input *in) {
    ccsig_warc_options o = {(size_t)c->arg};
    ccsig_warc_reader *r = ccsig_warc_reader_new(c->arg ? &o : NULL);
    if (!r)
        return CCSIG_ERR_NOMEM;
    ccsig_warc_reader_open_memory(r, in->p, in->n, 0, CCSIG_WARC_AUTO);
    ccsig_status st = CCSIG_OK;
    size_t records = 0;
    for (;;) {
        ccsig_warc_record rec;
        ccsig_warc_damage dmg;
        ccsig_warc_next x = ccsig_warc_reader_next(r, &rec, &dmg);
        if (x == CCSIG_WARC_END)
            break;
        if (x == CCSIG_WARC_FAILED) {
            st = CCSIG_ERR_IO;
            break;
        }
        if (x == CCSIG_WARC_DAMAGE)
            st = CCSIG_ERR_IO;
        else
            records++;
    }
    ccsig_warc_reader_free(r);
    if (!st && records == 0)
        fail_msg("%s: no record read", c->name);
    return st;
}

/* The scan of a small crawl: every record through ccsig_scan_record. */
static ccsig_status run_scan(const alloc_case *c, const input *in) {
    ccsig_scan_config cfg = {{CCSIG_CAT_TRAIN_AI, 0, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT},
                             CCSIG_STR_LIT("ExampleBot/2.0")};
    ccsig_scanner *s = ccsig_scanner_new(&cfg);
    if (!s)
        return CCSIG_ERR_NOMEM;
    ccsig_warc_reader *r = ccsig_warc_reader_new(NULL);
    if (!r) {
        ccsig_scanner_free(s);
        return CCSIG_ERR_NOMEM;
    }
    ccsig_warc_reader_open_memory(r, in->p, in->n, 0, CCSIG_WARC_AUTO);
    ccsig_status st = CCSIG_OK;
    size_t scanned = 0;
    for (;;) {
        ccsig_warc_record rec;
        ccsig_warc_damage dmg;
        ccsig_warc_next x = ccsig_warc_reader_next(r, &rec, &dmg);
        if (x == CCSIG_WARC_END)
            break;
        if (x != CCSIG_WARC_RECORD) {
            st = CCSIG_ERR_IO;
            break;
        }
        ccsig_scan_result res;
        ccsig_status rs = ccsig_scan_record(s, &rec, NULL, &res);
        if (rs) {
            st = rs;
            continue; /* the next record starts afresh */
        }
        scanned++;
    }
    ccsig_warc_reader_free(r);
    ccsig_scanner_free(s);
    if (!st && scanned == 0)
        fail_msg("%s: no record scanned", c->name);
    return st;
}

#define SEED(name) "fuzz/seeds/" name
#define DECL(f)                                                                                    \
    { "declare " #f, run_declare, NULL, CCSIG_DECLARE_##f, true }

/* The scan session over a small crawl read as a stream (the path
 * `ccsig scan -` takes): annotation and kept records through the sink, a
 * summary and a credit manifest at the end. arg: worker threads. */
typedef struct mem_stream {
    const input *in;
    size_t pos;
} mem_stream;

static ssize_t mem_read(void *ctx, void *buf, size_t n) {
    mem_stream *m = ctx;
    size_t left = m->in->n - m->pos;
    if (n > left)
        n = left;
    memcpy(buf, m->in->p + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static bool sink_bytes(void *ctx, const char *p, size_t n) {
    size_t *total = ctx;
    (void)p;
    *total += n;
    return true;
}

static ccsig_status run_session(const alloc_case *c, const input *in) {
    ccsig_scan_session_options o;
    ccsig_scan_session_options_init(&o);
    o.profile.p.use = CCSIG_CAT_TRAIN_AI;
    o.profile.p.commitments = CCSIG_COND_CREDIT;
    o.threads = c->arg;
    size_t bytes = 0;
    ccsig_scan_sink sink;
    memset(&sink, 0, sizeof sink);
    sink.ctx = &bytes;
    sink.annotation = sink_bytes;
    sink.kept = sink_bytes;
    ccsig_scan_session *s = NULL;
    ccsig_error err;
    ccsig_status st = ccsig_scan_session_new(&o, &sink, &s, &err);
    if (st)
        return st;
    mem_stream m = {in, 0};
    st = ccsig_scan_session_add_stream(s, mem_read, &m, "crawl", &err);
    if (!st)
        st = ccsig_scan_session_run(s, &err);
    if (!st) {
        ccsig_buf b = CCSIG_BUF_INIT;
        st = ccsig_credit_write(&b, CCSIG_CREDIT_JSON, ccsig_scan_session_credit(s), &o.profile);
        if (!st)
            st = ccsig_summary_write_json(&b, ccsig_scan_session_summary(s), &o.profile);
        ccsig_buf_free(&b);
    }
    ccsig_scan_session_free(s);
    if (!st && bytes == 0)
        fail_msg("%s: nothing annotated", c->name);
    return st;
}

static const alloc_case cases[] = {
    {"sf item", run_sf, NULL, 0, true},
    {"sf list", run_sf, NULL, 1, true},
    {"sf dict", run_sf, NULL, 2, true},
    {"pref expression", run_pref, SEED("fuzz_pref/seed1"), 0, true},
    {"pref expression (long)", run_pref, SEED("fuzz_pref/seed7"), 0, true},
    {"robots.txt compile + query", run_robots, NULL, 0, true},
    {"robots.txt lint", run_robots_lint, NULL, 0, true},
    {"robots.txt compile + query (real, 137 groups)", run_robots,
     "shared/corpus/robots-real/0164.txt", 0, true},
    {"robots.txt lint (real)", run_robots_lint, "shared/corpus/robots-real/0164.txt", 0, true},
    {"sf dict (40 members: key index)", run_sf, NULL, 3, true},
    {"pref expression (40 members)", run_pref, NULL, 3, true},
    {"headers", run_headers, NULL, 0, true},
    {"html head", run_html, SEED("fuzz_html/seed1"), 0, true},
    {"html head 2", run_html, SEED("fuzz_html/seed2"), 0, true},
    {"tdmrep.json", run_tdmrep, SEED("fuzz_tdmrep/seed1"), 0, true},
    {"tdmrep.json 2", run_tdmrep, SEED("fuzz_tdmrep/seed2"), 0, true},
    {"rsl", run_rsl, SEED("fuzz_rsl/seed1"), 0, true},
    {"xmp packet", run_xmp_packet, SEED("fuzz_xmp/seed1"), 0, true},
    {"xmp namespace reader", run_xmpns, SEED("fuzz_xmpns/declare-all.xmp"), 0, true},
    {"c2pa manifest store", run_c2pa, SEED("fuzz_c2pa/seed1"), 0, true},
    {"embedded jpeg", run_embedded, SEED("fuzz_embedded/photo.jpg"), 0, true},
    {"embedded png", run_embedded, SEED("fuzz_embedded/photo.png"), 0, true},
    {"embedded pdf", run_embedded, SEED("fuzz_embedded/report.pdf"), 0, true},
    {"embedded mp4", run_embedded, SEED("fuzz_embedded/clip.mp4"), 0, true},
    {"http header block", run_http, NULL, 0, true},
    {"dataset croissant", run_dataset, SEED("fuzz_dataset/croissant"), 0, true},
    {"dataset card", run_dataset, SEED("fuzz_dataset/card"), 0, true},
    {"dataset datapackage", run_dataset, SEED("fuzz_dataset/datapackage"), 0, true},
    DECL(EXPRESSION),
    DECL(ROBOTS),
    DECL(HEADER),
    DECL(NGINX),
    DECL(APACHE),
    DECL(CADDY),
    DECL(LIGHTTPD),
    DECL(XMP),
    DECL(TEXT),
    DECL(MARKDOWN),
    DECL(HTML),
    DECL(CROISSANT),
    DECL(DATASET_CARD),
    DECL(DATAPACKAGE),
    {"merge input: audit", run_merge_classify, SEED("fuzz_merge_input/audit-shard0.json"), 0, true},
    {"merge input: credit manifest", run_merge_classify, SEED("fuzz_merge_input/xs0.credit.json"),
     0, true},
    {"merge input: annotation .gz", run_merge_classify, SEED("fuzz_merge_input/at.jsonl.gz"), 0,
     true},
    {"merge input: keep file .zst", run_merge_classify, SEED("fuzz_merge_input/at.kept.warc.zst"),
     0, true},
    {"declare json write", run_declare_json_write, NULL, 0, true},
    {"declare json read", run_declare_json_read, SEED("fuzz_declare_json/multi3"), 0, true},
    {"declare json read (every artifact)", run_declare_json_read, SEED("fuzz_declare_json/full"), 0,
     true},
    {"declare robots.txt merge", run_declare_merge, NULL, 0, true},
    {"declare robots.txt merge (two categories, all groups)", run_declare_merge, NULL, 1, true},
    {"warc reader .warc", run_warc, "tests/data/scan/site.warc", 0, true},
    {"warc reader .warc (small hold)", run_warc, "tests/data/scan/site.warc", 256, true},
    {"warc reader .warc.gz", run_warc, "gzip:tests/data/scan/site.warc", 0, true},
    {"warc reader .warc.zst", run_warc, "zstd:tests/data/scan/site.warc", 0, true},
    {"warc reader .warc.zst (seed)", run_warc, SEED("fuzz_warc/site.warc.zst"), 0, true},
    {"warc writer gzip", run_warc_writer, "tests/data/scan/site.warc", CCSIG_WARC_GZIP, true},
    {"warc writer zstd", run_warc_writer, "tests/data/scan/site.warc", CCSIG_WARC_ZSTD, true},
    {"scan records .warc", run_scan, "tests/data/scan/site.warc", 0, true},
    {"scan records .warc.gz", run_scan, "gzip:tests/data/scan/site.warc", 0, true},
    {"scan session (stream, 1 thread)", run_session, "gzip:tests/data/scan/site.warc", 1, true},
    {"scan session (stream, 2 threads)", run_session, "tests/data/scan/site.warc", 2, true},
};

/* The built-in inputs of the cases that name no file. */
static input builtin(const alloc_case *c) {
    const char *s = NULL;
    char many[2048];
    if (c->arg == 3) { /* 40 dictionary members: past the linear search of duplicate keys */
        size_t o = 0;
        for (int i = 0; i < 40; i++)
            o += (size_t)snprintf(many + o, sizeof many - o, "%sk%d=%s", i ? ", " : "", i,
                                  i % 2 ? "?1" : "\"v\"");
        s = many;
        if (c->run == run_pref)
            snprintf(many + o, sizeof many - o, ", train-ai=n, search=y");
    } else if (c->run == run_sf)
        s = c->arg == 0 ? sf_item : c->arg == 1 ? sf_list : sf_dict;
    else if (c->run == run_declare_merge && c->arg == 1)
        s = named_groups_txt;
    else if (c->run == run_robots || c->run == run_robots_lint || c->run == run_declare_merge)
        s = robots_txt;
    else if (c->run == run_headers)
        s = header_block;
    else if (c->run == run_http)
        s = http_block;
    else
        s = "";
    input in = {strdup(s), strlen(s)};
    assert_non_null(in.p);
    return in;
}

/* "gzip:FILE" and "zstd:FILE": the plain WARC FILE written again with the
 * library's writer, one member or frame per record. */
static input encoded(const char *spec) {
    ccsig_warc_codec codec = strncmp(spec, "gzip:", 5) ? CCSIG_WARC_ZSTD : CCSIG_WARC_GZIP;
    input plain = load(spec + 5);
    ccsig_warc_reader *r = ccsig_warc_reader_new(NULL);
    ccsig_warc_writer *w = ccsig_warc_writer_new(codec, 1);
    assert_non_null(r);
    assert_non_null(w);
    ccsig_buf out = CCSIG_BUF_INIT;
    ccsig_warc_reader_open_memory(r, plain.p, plain.n, 0, CCSIG_WARC_PLAIN);
    ccsig_warc_record rec;
    ccsig_warc_damage dmg;
    size_t records = 0;
    ccsig_warc_next x;
    while ((x = ccsig_warc_reader_next(r, &rec, &dmg)) == CCSIG_WARC_RECORD) {
        assert_non_null(rec.raw);
        ccsig_error err;
        assert_int_equal(ccsig_warc_writer_member(w, &out, rec.raw, rec.raw_length, &err),
                         CCSIG_OK);
        records++;
    }
    assert_int_equal(x, CCSIG_WARC_END);
    assert_true(records > 1);
    ccsig_warc_writer_free(w);
    ccsig_warc_reader_free(r);
    free(plain.p);
    input in = {malloc(out.len + 1), out.len};
    assert_non_null(in.p);
    memcpy(in.p, out.data, out.len);
    ccsig_buf_free(&out);
    return in;
}

static long fail_each(const alloc_case *c, const input *inp, int sticky);

static input current; /* freed by the next case or at the end, even after a failure */

static void run_case(void **state) {
    const alloc_case *c = *state;
    free(current.p);
    current = !c->file                       ? builtin(c)
              : strchr(c->file, ':') != NULL ? encoded(c->file)
                                             : load(c->file);
    input in = current;
    /* Without failures first: the case must succeed. */
    memset(&fa, 0, sizeof fa);
    ccsig_set_allocator(&failing);
    ccsig_status st = c->run(c, &in);
    ccsig_set_allocator(NULL);
    if (st != CCSIG_OK)
        fail_msg("%s: status %d without failure injection", c->name, (int)st);
    if (fa.live)
        fail_msg("%s: %ld blocks leaked without failure injection", c->name, fa.live);
    long total = fa.calls;
    long n = 0;
    for (int sticky = 0; sticky < 2; sticky++)
        n = fail_each(c, &in, sticky);
    print_message("%-36s %4ld allocations, each failed once and from there on\n", c->name, n - 1);
    assert_true(n - 1 >= 1 || total == 0);
}

/* Fail allocation n = 1, 2, ... (and every later one when sticky) until a
 * run makes no failing allocation; returns that n. */
static long fail_each(const alloc_case *c, const input *inp, int sticky) {
    input in = *inp;
    ccsig_status st;
    long n;
    for (n = 1;; n++) {
        memset(&fa, 0, sizeof fa);
        fa.fail_at = n;
        fa.sticky = sticky;
        ccsig_set_allocator(&failing);
        st = c->run(c, &in);
        ccsig_set_allocator(NULL);
        if (fa.live)
            fail_msg("%s: allocation %ld failed%s: %ld blocks leaked", c->name, n,
                     sticky ? " and every later one" : "", fa.live);
        if (!fa.failed) {
            if (st != CCSIG_OK)
                fail_msg("%s: status %d with no allocation failed", c->name, (int)st);
            break;
        }
        if (c->reports && st == CCSIG_OK)
            fail_msg("%s: allocation %ld of %ld failed%s but the status is OK", c->name, n,
                     fa.calls, sticky ? " (and every later one)" : "");
        if (n > 1000000)
            fail_msg("%s: does not terminate", c->name);
    }
    return n;
}

int main(void) {
    trace = getenv("ALLOC_FAIL_TRACE") != NULL;
    enum { N = sizeof cases / sizeof cases[0] };
    struct CMUnitTest tests[N];
    for (size_t i = 0; i < N; i++)
        tests[i] = (struct CMUnitTest){cases[i].name, run_case, NULL, NULL, (void *)&cases[i]};
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    free(current.p);
    return failed;
}
