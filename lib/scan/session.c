/*
 * session.c — the scan session (ccsig/scan_session.h): jobs, workers and
 * the in-order stitcher.
 *
 * A worker turns a job (archive, byte range) into a job_out: annotation
 * lines, kept bytes, a summary and credit map of its own, and an ordered
 * event list for what only the stitcher can do in input order: resolving
 * revisits against earlier records, keeping request/metadata records next to
 * the responses they belong to (they come before them), reporting damage. The stitcher takes jobs
 * strictly in order, checks each starts where the previous stopped, and applies its events.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ccsig/alloc.h"
#include "ccsig/hashmap.h"
#include "ccsig/index.h"
#include "ccsig/wat.h"
#include "ccsig/report.h"
#include "ccsig/scan.h"
#include "ccsig/evaluate.h"
#include "ccsig/scan_session.h"
#include "ccsig/shard.h"
#include "scan_internal.h"

#define NONE UINT64_MAX
#define MAX_CONC 8     /* WARC-Concurrent-To values remembered per record */
#define PENDING_MAX 16 /* request/metadata records waiting for their response */
#define RECENT_MAX 64  /* kept record ids whose metadata may still follow */

/* ------------------------------------------------------------- archives -- */

typedef struct archive {
    char *path;      /* to open when its turn comes; NULL: fd or stream given */
    char *name;      /* what outputs call it */
    char *json_path; /* the name as a JSON string, quotes included */
    int fd;
    int user_fd;                                     /* given by the caller (not closed) */
    ssize_t (*read)(void *ctx, void *buf, size_t n); /* a caller's stream */
    void *read_ctx;
    bool opened, is_stream, unreadable, dead;
    bool arc; /* an ARC file: read as one job (sync knows WARC records only) */
    uint64_t size;
    ccsig_warc_codec codec;
    uint8_t *dict;
    size_t dict_len;
    uint64_t pos;      /* stitcher: where the next accepted job must start */
    size_t jobs_out;   /* jobs created and not yet stitched */
    bool all_jobs;     /* every job of the archive is created */
    uint64_t consumed; /* archive bytes read (streams) */
    char *fail_what;   /* why it could not be read (the first report); NULL: none */
    /* read through an index: its records' spans, in archive order; job
     * starts and ends, and pos, count spans instead of bytes */
    ccsig_index_span *spans;
    size_t nspans;
    bool indexed;
    bool wat; /* a WAT file: its metadata records describe the records */
    /* a WAT file whose kept records are copied from the WARC file it
     * describes (path, name, spans from its index; opened with the WAT) */
    struct archive *keep_src;
    /* a shard's outputs for this archive: plain annotation bytes, kept bytes */
    uint64_t annot_bytes, keep_bytes;
} archive;

/* --------------------------------------------------------------- events -- */

typedef enum ev_kind { EV_LINES, EV_ORIGINAL, EV_REVISIT, EV_CAND, EV_KEEP, EV_DAMAGE } ev_kind;

typedef struct ev {
    ev_kind kind;
    size_t a, b; /* byte range in annot (LINES) or keep (CAND, KEEP) */
    void *p;     /* arena data */
} ev;

typedef struct keep_ids {
    ccsig_str id;
    ccsig_str conc[MAX_CONC];
    size_t nconc;
    size_t open; /* a shard's open revisit kept provisionally: 1 + its index; 0: none */
} keep_ids;

typedef struct original {
    ccsig_str digest, record_id;
    uint64_t hash[2]; /* of each key as the revisit index takes it (rv_hash) */
    archive *ar;
    uint64_t offset;
    int status;
    uint64_t payload_len;
    ccsig_statement *sts;
    size_t n;
    bool used; /* counted as used (a revisit of it is not counted again) */
} original;

typedef struct damage_ev {
    uint64_t offset;
    char *what;
} damage_ev;

/* Everything the output of one response or revisit needs. */
typedef struct rec_view {
    ccsig_warc_type type;
    ccsig_str url, date, record_id, digest, refers_to;
    archive *ar;
    uint64_t offset;
    int status;
    uint64_t payload_len;
    ccsig_robots_status robots;
    ccsig_state crawl;
    bool has_rule;
    ccsig_provenance rule;
    ccsig_statement sts[CCSIG_SCAN_MAX_STATEMENTS];
    size_t n, n_robots;
    ccsig_verdict verdict;
    ccsig_decision decision;
    bool header_invalid;
    bool resolved;
    archive *orig_ar;
    uint64_t orig_offset;
    int orig_status;
    bool orig_used; /* the original was counted as used in this run */
    ccsig_str orig_record_id;
    keep_ids ids;
    const void *keep_bytes; /* for deferred revisits: the encoded record */
    size_t keep_len;
    bool keep_ready;
} rec_view;

typedef struct job_out {
    ccsig_buf annot, annot_z, keep;
    bool compressed;    /* annot_z holds annot as one member/frame */
    size_t annot_plain; /* then: the bytes of lines it holds (annot is freed) */
    bool deferred;      /* events the stitcher must resolve */
    ccsig_summary sum;
    ccsig_credit_map credit;
    ev *evs;
    size_t nev, capev;
    ccsig_arena arena;
    bool nomem; /* an allocation failed: this output is incomplete */
} job_out;

typedef struct job {
    archive *ar;
    uint64_t start, end; /* end NONE: to the end of the input */
    bool forced;         /* start is a known record boundary */
    int state;           /* 0 queued, 1 taken, 2 done */
    bool found;
    uint64_t first, next;
    bool failed;
    char fail_msg[256];
    uint64_t consumed;
    job_out out;
} job;

/* ---------------------------------------------------------------- run -- */

typedef struct ccsig_scan_session run;

typedef struct worker {
    run *R;
    pthread_t th;
    ccsig_warc_reader *rd;
    ccsig_scanner *sc;
    ccsig_warc_writer *annot_w, *keep_w;
    void *rq;
    rec_view v;
    ccsig_buf tmp;
    scan_categories_memo cats; /* the annotation lines' categories objects */
    ccsig_index_reader *ir;    /* made on the first indexed job */
    ccsig_index_reader *irw;   /* whole records to keep in another codec */
    ccsig_buf wat;             /* a WAT record's reconstructed record prefix */
    ccsig_arena wat_arena;
    ccsig_str wat_file; /* the WAT record's Container.Filename (in wat_arena) */
} worker;

typedef struct pending {
    char *bytes;
    size_t len;
    char *id;
    char *conc[MAX_CONC];
    size_t nconc;
} pending;

/* Keys held inline (no allocation per record): a SHA-256 hex digest with
 * its "sha256:" prefix is 71 bytes, a <urn:uuid:...> id 47; longer keys are
 * not remembered. Statements (only pages that make some) reuse their buffer. */
#define RV_KEY (SCAN_RV_KEY_MAX + 1)

typedef struct rv_entry {
    char digest[RV_KEY], rid[RV_KEY];
    uint64_t hash[2];            /* rv_hash of digest and rid, for rebuilding the index */
    uint8_t digest_len, rid_len; /* strlen of each (0: none) */
    archive *ar;
    uint64_t offset;
    int status;
    uint64_t payload_len;
    bool used;
    ccsig_statement *sts; /* n statements and their strings, in the store below */
    size_t n;
} rv_entry;

/* Hash of a revisit-index key of kind seed (1: digest, 2: record id): the
 * library's one FNV-1a, over the seed byte and then the key, so the two kinds
 * of key sharing the table spread independently. */
static uint64_t rv_hash(const char *p, size_t n, uint64_t seed) {
    unsigned char s = (unsigned char)seed;
    return ccsig_fnv1a64_more(ccsig_fnv1a64(&s, 1), p, n);
}

/* The revisit table's page statements are copied into a ring of large
 * blocks, in insertion order: entry k's copy is dead once entry k + cap
 * replaces it, so a block is reused when the newest copy it holds is dead,
 * and a new block is put into the ring before it otherwise. Against one
 * allocation per entry: no per-copy malloc, and the blocks go on huge
 * pages (huge_pages), so filling the table does not fault in 4 KiB pages
 * one by one (~3 400 faults for the 14 MB of copies of a 200 MB crawl of
 * small pages). */
#define RV_BLOCK (8u << 20)
#define HUGE_PAGE (2u << 20) /* a transparent huge page on x86-64 */
typedef struct rv_block {
    struct rv_block *next; /* the ring: the block after this one */
    char *data;            /* size bytes, 16-aligned (2 MiB for large blocks) */
    size_t size, used;
    uint64_t newest; /* insertion number of the newest copy held, +1 (0: none) */
} rv_block;

struct ccsig_scan_session {
    ccsig_scan_session_options o;
    ccsig_scan_sink sink;
    archive *ars;
    size_t nar, capar;
    bool started;
    ccsig_warc_codec annot_codec, keep_codec;
    bool annotate, keep;
    ccsig_str agent;
    bool write_error;
    bool nomem;
    /* jobs */
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    job **ring;
    size_t ring_cap;
    job **spare; /* stitched jobs kept for reuse, their buffers grown (ring_cap) */
    size_t nspare;
    size_t head, tail, dispatched; /* stitch at head, create at tail, take at dispatched */
    bool stop;
    size_t cur_ar;
    uint64_t cur_off;
    worker *workers;
    int nworkers;
    worker mainw; /* the stitcher's own, for gaps and revisits */
    job_out sout;
    /* keep ordering */
    pending pend[PENDING_MAX];
    size_t npend;
    char *recent[RECENT_MAX];
    size_t recent_open[RECENT_MAX]; /* the open revisit an id is kept for (keep_ids.open) */
    size_t nrecent;
    /* what went to the sink: plain annotation bytes, and the bytes and
     * FNV-1a 64 digest of each output (a shard records them) */
    uint64_t annot_pos, annot_size, annot_digest, keep_pos, keep_digest;
    /* revisits */
    rv_entry *rv;
    size_t rv_cap, rv_next, rv_count, rv_since;
    rv_block *rv_cur;              /* the block copies go into (NULL: none yet) */
    void *rv_base, *rv_index_base; /* the allocations of rv and rv_index (huge_calloc) */
    uint64_t rv_seq;               /* insertions so far */
    uint32_t *rv_index;
    size_t rv_index_cap;
    /* totals */
    ccsig_summary sum;
    ccsig_credit_map credit;
    int unreadable;
    /* progress */
    uint64_t bytes_total, bytes_done;
    bool sizes_known;
    struct timespec t0, last;
    uint64_t records_done;
};

static double now_s(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ------------------------------------------------------------ job_out -- */

static void out_init(job_out *o) {
    memset(o, 0, sizeof *o);
    ccsig_summary_init(&o->sum);
    ccsig_credit_map_init(&o->credit);
    ccsig_arena_init(&o->arena, 16384);
}

static void out_reset(job_out *o) {
    ccsig_buf_clear(&o->annot);
    ccsig_buf_clear(&o->annot_z);
    ccsig_buf_clear(&o->keep);
    o->compressed = o->deferred = false;
    o->annot_plain = 0;
    ccsig_summary_free(&o->sum);
    ccsig_summary_init(&o->sum);
    ccsig_credit_map_free(&o->credit);
    ccsig_credit_map_init(&o->credit);
    o->nev = 0;
    ccsig_arena_reset(&o->arena);
}

static void out_free(job_out *o) {
    ccsig_buf_free(&o->annot);
    ccsig_buf_free(&o->annot_z);
    ccsig_buf_free(&o->keep);
    ccsig_summary_free(&o->sum);
    ccsig_credit_map_free(&o->credit);
    ccsig_free(o->evs);
    ccsig_arena_free(&o->arena);
}

static void push_ev(job_out *o, ev_kind k, size_t a, size_t b, void *p) {
    if (k == EV_LINES && o->nev && o->evs[o->nev - 1].kind == EV_LINES &&
        o->evs[o->nev - 1].b == a) {
        o->evs[o->nev - 1].b = b; /* consecutive lines: one range */
        return;
    }
    if (o->nev == o->capev) {
        size_t nc = o->capev ? o->capev * 2 : 64;
        ev *ne = ccsig_realloc(o->evs, nc * sizeof *ne);
        if (!ne) {
            o->nomem = true;
            return;
        }
        o->evs = ne;
        o->capev = nc;
    }
    o->evs[o->nev++] = (ev){k, a, b, p};
}

/* Copies and blocks in the job's arena; NULL (and o->nomem) when it fails. */
static ccsig_str arena_str(job_out *o, ccsig_str s) {
    if (!s.len)
        return ccsig_str_make(NULL, 0);
    char *p = ccsig_arena_dup(&o->arena, s.p, s.len);
    if (!p) {
        o->nomem = true;
        return ccsig_str_make(NULL, 0);
    }
    return ccsig_str_make(p, s.len);
}

static void *arena_alloc(job_out *o, size_t n) {
    void *p = ccsig_arena_alloc(&o->arena, n ? n : 1);
    if (!p)
        o->nomem = true;
    return p;
}

/* ------------------------------------------------------------- output -- */

static void put_str_or_null(ccsig_buf *b, ccsig_str s) {
    if (s.len)
        ccsig_buf_json_str(b, s.p, s.len);
    else
        ccsig_buf_puts(b, "null");
}

static const char *crawl_name(ccsig_state s) {
    return s == CCSIG_STATE_ALLOW ? "allowed" : s == CCSIG_STATE_DENY ? "disallowed" : "unknown";
}

/* One annotation line. Written with ccsig_buf_puts/put_u64, not printf: it
 * runs once per response (see report.c's JSON writers). m is the worker's
 * memo of categories objects (NULL: written directly, as the merge does). */
static void write_line(ccsig_str agent, scan_categories_memo *m, ccsig_buf *b, const rec_view *v) {
    scan_write_record_head(b, v->url, agent, crawl_name(v->crawl), v->has_rule ? &v->rule : NULL,
                           &v->verdict, &v->decision, v->sts, v->n, m);
    ccsig_buf_puts(b, ",\"robots\":\"");
    ccsig_buf_puts(b, ccsig_robots_status_name(v->robots));
    ccsig_buf_puts(b, "\",\"type\":\"");
    ccsig_buf_puts(b, ccsig_warc_type_name(v->type));
    ccsig_buf_puts(b, "\",\"date\":");
    put_str_or_null(b, v->date);
    ccsig_buf_puts(b, ",\"record_id\":");
    put_str_or_null(b, v->record_id);
    ccsig_buf_puts(b, ",\"digest\":");
    put_str_or_null(b, v->digest);
    ccsig_buf_puts(b, ",\"status\":");
    if (v->status >= 0)
        ccsig_buf_put_i64(b, v->status);
    else
        ccsig_buf_puts(b, "null");
    ccsig_buf_puts(b, ",\"bytes\":");
    ccsig_buf_put_u64(b, v->payload_len);
    ccsig_buf_puts(b, ",\"archive\":");
    ccsig_buf_puts(b, v->ar->json_path);
    ccsig_buf_puts(b, ",\"offset\":");
    ccsig_buf_put_u64(b, v->offset);
    ccsig_buf_puts(b, ",\"revisit\":");
    if (v->type != CCSIG_WARC_REVISIT) {
        ccsig_buf_puts(b, "null}\n");
        return;
    }
    ccsig_buf_puts(b, "{\"refers_to\":");
    put_str_or_null(b, v->refers_to);
    ccsig_buf_puts(b, v->resolved ? ",\"resolved\":true,\"original\":"
                                  : ",\"resolved\":false,\"original\":");
    if (!v->resolved) {
        ccsig_buf_puts(b, "null}}\n");
        return;
    }
    ccsig_buf_puts(b, "{\"record_id\":");
    put_str_or_null(b, v->orig_record_id);
    ccsig_buf_puts(b, ",\"archive\":");
    ccsig_buf_puts(b, v->orig_ar->json_path);
    ccsig_buf_puts(b, ",\"offset\":");
    ccsig_buf_put_u64(b, v->orig_offset);
    ccsig_buf_puts(b, ",\"status\":");
    if (v->orig_status >= 0) {
        ccsig_buf_put_i64(b, v->orig_status);
        ccsig_buf_puts(b, "}}}\n");
    } else {
        ccsig_buf_puts(b, "null}}}\n");
    }
}

/* The one-line description of a statement used in credit sources. */
static void source_line(ccsig_buf *b, const ccsig_statement *st) {
    if (st->src.kind == CCSIG_SRC_ROBOTS)
        ccsig_buf_printf(b, "%.*s line %u: %.*s", (int)st->src.origin.len,
                         st->src.origin.p ? st->src.origin.p : "", st->src.line,
                         (int)st->src.text.len, st->src.text.p ? st->src.text.p : "");
    else
        ccsig_buf_printf(b, "%.*s %s: %.*s", (int)st->src.origin.len,
                         st->src.origin.p ? st->src.origin.p : "",
                         ccsig_source_kind_name(st->src.kind), (int)st->src.text.len,
                         st->src.text.p ? st->src.text.p : "");
}

/* Whether a decided record is used: crawling it was not disallowed and
 * the decision permits the use (or states nothing and keep_unknown); the
 * --status set aside. */
static bool used(const ccsig_profile *p, bool keep_unknown, const scan_counted *c) {
    if ((unsigned)p->use >= CCSIG_CAT_COUNT || c->crawl == CCSIG_STATE_DENY)
        return false;
    switch (c->decision->result) {
    case CCSIG_RESULT_PERMITTED:
    case CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS:
        return true;
    case CCSIG_RESULT_UNKNOWN:
        return keep_unknown;
    default:
        return false;
    }
}

/* Whether c's HTTP status class is in its --status set (ccsig/summary.h;
 * 0 = 2xx); its class in *cls. */
static bool scan_status_counted(const scan_counted *c, unsigned *cls) {
    *cls = ccsig_status_class_of(c->class_status);
    unsigned set = c->status_set ? c->status_set : CCSIG_STATUS_CLASS_DEFAULT;
    return (set & *cls) != 0;
}

/* Count one decided record (scan_internal.h): the session's emit and the
 * merge's open revisits. Allocates only the credit party it adds. */
bool scan_count(ccsig_summary *S, ccsig_credit_map *credit, const ccsig_profile *p,
                bool keep_unknown, const scan_counted *c, bool *nomem) {
    S->scanned++;
    S->robots[c->robots]++;
    S->crawl[c->crawl == CCSIG_STATE_ALLOW  ? CCSIG_SUMMARY_CRAWL_ALLOWED
             : c->crawl == CCSIG_STATE_DENY ? CCSIG_SUMMARY_CRAWL_DISALLOWED
                                            : CCSIG_SUMMARY_CRAWL_UNKNOWN]++;
    unsigned signals = 0;
    for (int k = 0; k < CCSIG_CAT_COUNT; k++) {
        S->cats[k][c->verdict->cat[k].state]++;
        signals |= c->verdict->cat[k].signals;
    }
    for (int s = 1; s < CCSIG_SIGNAL_COUNT; s++)
        if (signals & (1u << s))
            S->signals[s]++;
    if ((unsigned)p->use < CCSIG_CAT_COUNT)
        S->results[c->decision->result]++;
    if (c->status >= 0 && c->status < CCSIG_SUMMARY_STATUS_MAX)
        S->status[c->status]++;
    else
        S->status_none++;
    S->bytes_payload += c->payload_len;
    if (c->header_invalid)
        S->content_usage_invalid++;
    bool use = used(p, keep_unknown, c);
    unsigned cls;
    if (use && !scan_status_counted(c, &cls)) {
        use = false;
        S->status_excluded[__builtin_ctz(cls)]++;
    }
    if (use && c->of_used) {
        /* the same capture as its original, already used: counted once */
        use = false;
        S->revisits_of_used++;
    }
    if (use) {
        S->used_records++;
        S->used_bytes += c->payload_len;
    }
    if (use && c->decision->result == CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS) {
        ccsig_category u = p->use;
        unsigned kinds = 0;
        for (size_t i = 0; i < c->n; i++) {
            ccsig_pref rp[CCSIG_CAT_COUNT];
            ccsig_statement_resolve(&c->sts[i], rp);
            if (rp[u].state == CCSIG_STATE_DENY && rp[u].conditions)
                kinds |= 1u << c->sts[i].src.kind;
        }
        ccsig_url parts;
        char origin[600];
        size_t ol = 0;
        if (ccsig_url_split(c->url, &parts))
            ol = ccsig_url_site(&parts, origin, sizeof origin);
        if (!ol)
            ol = (size_t)snprintf(origin, sizeof origin, "%.*s",
                                  (int)(c->url.len > 500 ? 500 : c->url.len),
                                  c->url.p ? c->url.p : "");
        ccsig_buf src = CCSIG_BUF_INIT;
        if (c->decision->source >= 0)
            source_line(&src, &c->sts[c->decision->source]);
        if (ccsig_buf_failed(&src))
            *nomem = true; /* the party would be credited without its source */
        ccsig_credit_add(credit, origin, ol, c->verdict->cat[u].signals, c->decision->obligations,
                         kinds, c->payload_len, c->date, c->url, ccsig_buf_cstr(&src));
        ccsig_buf_free(&src);
    }
    return use;
}

/* What scan_count counts of a decided record: a resolved revisit stands
 * for its original (its status class; not counted again when the
 * original was used). */
static scan_counted counted(const run *R, const rec_view *v) {
    return (scan_counted){v->url,
                          v->date,
                          v->status,
                          v->payload_len,
                          v->robots,
                          v->crawl,
                          v->header_invalid,
                          v->sts,
                          v->n,
                          &v->verdict,
                          &v->decision,
                          v->resolved ? v->orig_status : v->status,
                          R->o.profile.status,
                          v->resolved && v->orig_used};
}

/* A damage report the stitcher passes to the sink in input order. */
static void push_damage(job_out *o, uint64_t offset, const char *what) {
    damage_ev *d = arena_alloc(o, sizeof *d);
    if (!d)
        return;
    d->offset = offset;
    d->what = ccsig_arena_dup(&o->arena, what, strlen(what));
    if (!d->what) {
        o->nomem = true;
        return;
    }
    push_ev(o, EV_DAMAGE, 0, 0, d);
}

/* The record in the keep file's codec: its own members when they can be
 * copied, else the record re-encoded (header, block, CRLF CRLF). Appends to
 * out->keep; returns false (and reports) when the record cannot be kept. */
static ssize_t span_pread(void *ctx, void *buf, size_t n, uint64_t offset);

static bool wat_keep_place(worker *w, job *j, const ccsig_warc_record *rec, ccsig_warc_record *out);

static bool keep_bytes(worker *w, job *j, const ccsig_warc_record *rec, size_t *a, size_t *b) {
    run *R = w->R;
    job_out *o = &j->out;
    *a = o->keep.len;
    /* the archive the record's bytes are in: the WARC a WAT describes */
    const archive *src = j->ar->keep_src ? j->ar->keep_src : j->ar;
    ccsig_warc_record in_warc;
    if (src != j->ar) {
        if (!wat_keep_place(w, j, rec, &in_warc))
            return false;
        rec = &in_warc;
    }
    bool same = R->keep_codec == src->codec && !(R->keep_codec == CCSIG_WARC_ZSTD && src->dict_len);
    if (same && rec->raw_length) {
        if (rec->raw) {
            ccsig_buf_append(&o->keep, rec->raw, (size_t)rec->raw_length);
        } else if (!src->is_stream) {
            if (!ccsig_buf_reserve(&o->keep, (size_t)rec->raw_length + 1)) {
                o->nomem = true;
                return false;
            }
            ssize_t got = pread(src->fd, o->keep.data + o->keep.len, (size_t)rec->raw_length,
                                (off_t)rec->offset);
            if (got != (ssize_t)rec->raw_length)
                goto cannot;
            o->keep.len += (size_t)got;
        } else {
            goto cannot;
        }
        *b = o->keep.len;
        return true;
    }
    ccsig_warc_record whole;
    if (!rec->block_complete && src->indexed) {
        /* read through an index, in part: read whole to encode again */
        char what[240];
        ccsig_index_span sp = {rec->offset, rec->raw_length, -1};
        if ((w->irw || (w->irw = ccsig_index_reader_new())) &&
            ccsig_index_reader_read_whole(w->irw, span_pread, (void *)src, src->codec, sp, &whole,
                                          what) == CCSIG_INDEX_RECORD)
            rec = &whole;
    }
    if (!rec->block_complete)
        goto cannot;
    {
        const char *start = rec->block - rec->h.header_len;
        size_t n = rec->h.header_len + rec->block_len;
        ccsig_buf_clear(&w->tmp);
        ccsig_buf_append(&w->tmp, start, n);
        ccsig_buf_append(&w->tmp, "\r\n\r\n", 4);
        ccsig_error err;
        if (ccsig_buf_failed(&w->tmp) ||
            ccsig_warc_writer_member(w->keep_w, &o->keep, w->tmp.data, w->tmp.len, &err)) {
            o->nomem = true; /* the encoders fail only when memory runs out */
            o->keep.len = *a;
            return false;
        }
    }
    *b = o->keep.len;
    return true;
cannot : {
    char what[200];
    snprintf(what, sizeof what,
             "%s record at offset %" PRIu64 " cannot be kept: larger than the %zu bytes held and "
             "not readable again from the input",
             ccsig_warc_type_name(rec->h.type), rec->offset,
             R->o.hold ? R->o.hold : (size_t)CCSIG_WARC_HOLD_DEFAULT);
    ccsig_summary_add_error(&o->sum, j->ar->name, rec->offset, what);
    push_damage(o, rec->offset, what);
    o->keep.len = *a;
    return false;
}
}

static void get_ids(job_out *o, const ccsig_warc_header *h, keep_ids *ids) {
    ids->id = arena_str(o, h->record_id);
    ids->nconc = 0;
    ids->open = 0;
    size_t it = 0;
    ccsig_str v;
    while (ids->nconc < MAX_CONC && ccsig_warc_header_next(h, "WARC-Concurrent-To", &it, &v))
        ids->conc[ids->nconc++] = arena_str(o, v);
}

/* Count a response or revisit, write its line and, when used, its keep
 * bytes. rec is NULL for deferred revisits (their bytes are ready in v). */
static void emit(run *R, worker *w, job *j, job_out *o, rec_view *v, const ccsig_warc_record *rec) {
    scan_counted c = counted(R, v);
    bool use = scan_count(&o->sum, &o->credit, &R->o.profile.p, R->o.keep_unknown, &c, &o->nomem);
    if (R->annotate) {
        size_t a = o->annot.len;
        write_line(R->agent, &w->cats, &o->annot, v);
        push_ev(o, EV_LINES, a, o->annot.len, NULL);
    }
    if ((use || v->ids.open) && R->keep) { /* an open revisit: kept provisionally */
        size_t a, b;
        if (rec) {
            if (!keep_bytes(w, j, rec, &a, &b))
                return;
            keep_ids *ids = arena_alloc(o, sizeof *ids);
            if (!ids)
                return;
            get_ids(o, &rec->h, ids);
            push_ev(o, EV_KEEP, a, b, ids);
        } else if (v->keep_ready) {
            a = o->keep.len;
            ccsig_buf_append(&o->keep, v->keep_bytes, v->keep_len);
            keep_ids *ids = arena_alloc(o, sizeof *ids);
            if (!ids)
                return;
            *ids = v->ids;
            push_ev(o, EV_KEEP, a, o->keep.len, ids);
        }
    }
}

/* ------------------------------------------------------------- worker -- */

typedef struct src_ctx {
    const archive *ar;
    int fd;
    uint64_t pos;
    bool stream;
} src_ctx;

static ssize_t src_read(void *ctx, void *buf, size_t n) {
    src_ctx *s = ctx;
    ssize_t got;
    do {
        got = s->ar->read ? s->ar->read(s->ar->read_ctx, buf, n)
              : s->stream ? read(s->fd, buf, n)
                          : pread(s->fd, buf, n, (off_t)s->pos);
    } while (got < 0 && errno == EINTR);
    if (got > 0)
        s->pos += (uint64_t)got;
    return got;
}

static int src_seek(void *ctx, uint64_t offset) {
    src_ctx *s = ctx;
    if (s->stream)
        return -1;
    s->pos = offset;
    return 0;
}

static void view_from(rec_view *v, const ccsig_warc_record *rec, const ccsig_scan_result *res,
                      archive *ar) {
    v->type = rec->h.type;
    v->url = rec->h.target_uri;
    v->date = rec->h.date;
    v->record_id = rec->h.record_id;
    v->digest = rec->h.payload_digest;
    v->refers_to = rec->h.refers_to;
    v->ar = ar;
    v->offset = rec->offset;
    v->status = res->status;
    v->payload_len = res->payload_len;
    v->robots = res->robots;
    v->crawl = res->crawl;
    v->has_rule = res->crawl_rule != NULL;
    if (res->crawl_rule)
        v->rule = *res->crawl_rule;
    else
        memset(&v->rule, 0, sizeof v->rule);
    memcpy(v->sts, res->sts, res->n * sizeof *v->sts);
    v->n = res->n;
    v->n_robots = res->n_robots;
    v->verdict = res->verdict;
    v->decision = res->decision;
    v->header_invalid = res->header_invalid;
    v->resolved = false;
    v->orig_used = false;
    v->keep_ready = false;
}

/* s (a slice of one of a's strings) moved to the same place in b's copy of
 * that string; s itself when it lies in none of them. */
static ccsig_str moved(ccsig_str s, ccsig_str a, ccsig_str b, bool *done) {
    if (*done || !s.p || !a.p || s.p < a.p || s.p + s.len > a.p + a.len)
        return s;
    *done = true;
    return b.p ? ccsig_str_make(b.p + (s.p - a.p), s.len) : ccsig_str_make(NULL, 0);
}

/* s, a slice of one of from's statement or rule strings, as the same slice
 * of to's copies (view_copy): verdicts and decisions borrow their labels
 * and rule text from the statements, which a deferred revisit must not
 * leave in the reader's window (reused by the time it is written). */
static ccsig_str view_moved(ccsig_str s, const rec_view *from, const rec_view *to) {
    bool done = false;
    for (size_t i = 0; i < from->n && !done; i++) {
        const ccsig_statement *f = &from->sts[i], *t = &to->sts[i];
        s = moved(s, f->src.origin, t->src.origin, &done);
        s = moved(s, f->src.text, t->src.text, &done);
        for (int c = 0; c < CCSIG_CAT_COUNT; c++)
            s = moved(s, f->cat[c].label, t->cat[c].label, &done);
    }
    s = moved(s, from->rule.origin, to->rule.origin, &done);
    s = moved(s, from->rule.text, to->rule.text, &done);
    return s;
}

/* A deep copy of v in the arena (for deferred revisits). */
static rec_view *view_copy(job_out *o, const rec_view *v) {
    rec_view *c = arena_alloc(o, sizeof *c);
    if (!c)
        return NULL;
    *c = *v;
    c->url = arena_str(o, v->url);
    c->date = arena_str(o, v->date);
    c->record_id = arena_str(o, v->record_id);
    c->digest = arena_str(o, v->digest);
    c->refers_to = arena_str(o, v->refers_to);
    c->rule.origin = arena_str(o, v->rule.origin);
    c->rule.text = arena_str(o, v->rule.text);
    char *blob = arena_alloc(o, ccsig_statements_copy_size(v->sts, v->n));
    if (!blob)
        return NULL;
    ccsig_statements_copy(c->sts, v->sts, v->n, blob);
    for (int k = 0; k < CCSIG_CAT_COUNT; k++)
        c->verdict.cat[k].label = view_moved(v->verdict.cat[k].label, v, c);
    c->decision.crawl_rule.origin = view_moved(v->decision.crawl_rule.origin, v, c);
    c->decision.crawl_rule.text = view_moved(v->decision.crawl_rule.text, v, c);
    return c;
}

static void process_record(worker *w, job *j, const ccsig_warc_record *rec) {
    run *R = w->R;
    job_out *o = &j->out;
    ccsig_summary *S = &o->sum;
    ccsig_warc_type t = rec->h.type;
    S->records++;
    S->types[t]++;
    S->bytes_decompressed += rec->h.header_len + rec->h.content_length;
    if ((t == CCSIG_WARC_REQUEST || t == CCSIG_WARC_METADATA) && R->keep) {
        size_t a, b;
        if (keep_bytes(w, j, rec, &a, &b)) {
            keep_ids *ids = arena_alloc(o, sizeof *ids);
            if (!ids)
                return;
            get_ids(o, &rec->h, ids);
            push_ev(o, EV_CAND, a, b, ids);
        }
        return;
    }
    if (t != CCSIG_WARC_RESPONSE && t != CCSIG_WARC_REVISIT)
        return;
    ccsig_scan_robots rb = {CCSIG_ROBOTS_NONE, CCSIG_STATE_UNKNOWN, NULL, NULL, 0};
    if (R->o.robots) {
        ccsig_url parts;
        char origin[600];
        if (ccsig_url_split(rec->h.target_uri, &parts) &&
            ccsig_url_site(&parts, origin, sizeof origin))
            ccsig_robots_store_lookup(w->rq, &parts, rec->h.target_uri, origin, &rb);
    }
    ccsig_scan_result res;
    if (ccsig_scan_record(w->sc, rec, &rb, &res)) {
        o->nomem = true;
        return;
    }
    rec_view *v = &w->v;
    view_from(v, rec, &res, j->ar);
    if (t == CCSIG_WARC_RESPONSE && R->o.revisit_table &&
        (rec->h.payload_digest.len || rec->h.record_id.len)) {
        original *org = arena_alloc(o, sizeof *org);
        if (!org)
            return;
        org->digest = arena_str(o, rec->h.payload_digest);
        org->record_id = arena_str(o, rec->h.record_id);
        org->hash[0] = rv_hash(org->digest.p, org->digest.len, 1);
        org->hash[1] = rv_hash(org->record_id.p, org->record_id.len, 2);
        org->ar = j->ar;
        org->offset = rec->offset;
        org->status = res.status;
        org->payload_len = res.payload_len;
        unsigned cls;
        scan_counted c = counted(R, v);
        org->used = used(&R->o.profile.p, R->o.keep_unknown, &c) && scan_status_counted(&c, &cls);
        org->n = res.n - res.n_robots;
        org->sts = NULL;
        if (org->n) {
            org->sts = arena_alloc(o, org->n * sizeof *org->sts);
            const ccsig_statement *page = res.sts + res.n_robots;
            char *blob = arena_alloc(o, ccsig_statements_copy_size(page, org->n));
            if (!org->sts || !blob)
                return;
            ccsig_statements_copy(org->sts, page, org->n, blob);
        }
        push_ev(o, EV_ORIGINAL, 0, 0, org);
    }
    if (t == CCSIG_WARC_REVISIT && R->o.revisit_table) {
        rec_view *c = view_copy(o, v);
        if (!c)
            return;
        if (R->keep) {
            size_t a, b;
            if (keep_bytes(w, j, rec, &a, &b)) {
                /* The bytes move to the event: the range is given back so a
                 * kept revisit lands where the stitcher puts it. */
                c->keep_len = b - a;
                char *bytes = arena_alloc(o, c->keep_len);
                o->keep.len = a;
                if (!bytes)
                    return;
                memcpy(bytes, o->keep.data + a, c->keep_len);
                c->keep_bytes = bytes;
                c->keep_ready = true;
                get_ids(o, &rec->h, &c->ids);
            }
        }
        o->deferred = true;
        push_ev(o, EV_REVISIT, 0, 0, c);
        return;
    }
    emit(R, w, j, o, v, rec);
}

/* The place, in the WARC file a WAT describes (j->ar->keep_src), of the
 * record rec that the WAT's current record reconstructs: out is rec with
 * the offset and length the WARC's index gives, raw NULL and the block
 * marked incomplete (the reconstruction is not the record), so that
 * keep_bytes copies or re-reads the record from the WARC. False (reported
 * as damage: the record is not kept) when the WAT names another WARC file
 * or the index has no record at that offset; a request or metadata record
 * the index does not name is not kept, unreported, as with --index. */
static bool wat_keep_place(worker *w, job *j, const ccsig_warc_record *rec,
                           ccsig_warc_record *out) {
    const archive *src = j->ar->keep_src;
    char what[400];
    const char *base = strrchr(src->name, '/');
    base = base ? base + 1 : src->name;
    ccsig_str f = w->wat_file; /* its last path component against the WARC's */
    size_t cut = f.len;
    while (cut && f.p[cut - 1] != '/')
        cut--;
    const char *fb = f.p + cut;
    size_t fbl = f.len - cut;
    if (f.len && (fbl != strlen(base) || memcmp(fb, base, fbl) != 0)) {
        snprintf(what, sizeof what,
                 "%s record at offset %" PRIu64 " cannot be kept: the WAT describes it in %.*s, "
                 "not in %s",
                 ccsig_warc_type_name(rec->h.type), rec->offset, (int)(f.len > 200 ? 200 : f.len),
                 f.p, src->name);
        goto cannot;
    }
    size_t lo = 0, hi = src->nspans;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (src->spans[mid].offset < rec->offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == src->nspans || src->spans[lo].offset != rec->offset) {
        /* an index of responses and revisits alone (Common Crawl's):
         * request and metadata records are not kept, as with --index */
        if (rec->h.type == CCSIG_WARC_REQUEST || rec->h.type == CCSIG_WARC_METADATA)
            return false;
        snprintf(what, sizeof what,
                 "%s record at offset %" PRIu64 " cannot be kept: the index names no record "
                 "of %s at that offset",
                 ccsig_warc_type_name(rec->h.type), rec->offset, src->name);
        goto cannot;
    }
    *out = *rec;
    out->raw = NULL;
    out->raw_length = src->spans[lo].length;
    out->block_complete = false;
    return true;
cannot:
    ccsig_summary_add_error(&j->out.sum, j->ar->name, rec->offset, what);
    push_damage(&j->out, rec->offset, what);
    return false;
}

/* A WAT file's metadata record: the record it describes, reconstructed
 * (ccsig_wat_record), is processed as the full scan processes it; records
 * of other types are counted (request and metadata records, when records
 * are kept from the WARC the WAT describes, are processed too: they are
 * kept beside the responses they belong to, as the full scan keeps them). */
static void process_wat(worker *w, job *j, const ccsig_warc_record *rec) {
    job_out *o = &j->out;
    if (rec->h.type != CCSIG_WARC_METADATA)
        return; /* the WAT's own warcinfo */
    char what[300];
    if (!rec->block_complete) {
        snprintf(what, sizeof what,
                 "WAT record at offset %" PRIu64 " is larger than the %zu bytes held: not read",
                 rec->offset, w->R->o.hold ? w->R->o.hold : (size_t)CCSIG_WARC_HOLD_DEFAULT);
        ccsig_summary_add_error(&o->sum, j->ar->name, rec->offset, what);
        push_damage(o, rec->offset, what);
        return;
    }
    ccsig_arena_reset(&w->wat_arena);
    ccsig_buf_clear(&w->wat);
    ccsig_wat_info info;
    ccsig_error err;
    ccsig_status st =
        ccsig_wat_record(&w->wat_arena, rec->block, rec->block_len, &w->wat, &info, &err);
    w->wat_file = st ? ccsig_str_make("", 0) : info.filename;
    ccsig_warc_record r2;
    memset(&r2, 0, sizeof r2);
    size_t hl = st ? 0 : ccsig_warc_header_end(w->wat.data, w->wat.len);
    if (!st && info.type != CCSIG_WARC_RESPONSE && info.type != CCSIG_WARC_REVISIT) {
        if ((info.type == CCSIG_WARC_REQUEST || info.type == CCSIG_WARC_METADATA) &&
            j->ar->keep_src && w->R->keep && hl &&
            !ccsig_warc_header_parse(&w->wat_arena, w->wat.data, hl, &r2.h, &err)) {
            r2.block = w->wat.data + hl;
            r2.offset = info.has_offset ? info.offset : rec->offset;
            process_record(w, j, &r2);
            return;
        }
        o->sum.records++;
        o->sum.types[info.type]++;
        return;
    }
    if (st == CCSIG_ERR_NOMEM) {
        o->nomem = true;
        return;
    }
    if (st || !hl || ccsig_warc_header_parse(&w->wat_arena, w->wat.data, hl, &r2.h, &err)) {
        snprintf(what, sizeof what, "WAT record at offset %" PRIu64 ": line %u, column %u: %s",
                 rec->offset, err.line, err.column, err.message);
        ccsig_summary_add_error(&o->sum, j->ar->name, rec->offset, what);
        push_damage(o, rec->offset, what);
        return;
    }
    r2.block = w->wat.data + hl;
    r2.block_len = w->wat.len - hl;
    if (r2.block_len > r2.h.content_length)
        r2.block_len = (size_t)r2.h.content_length;
    r2.block_complete = r2.block_len == r2.h.content_length;
    r2.offset = info.has_offset ? info.offset : rec->offset;
    o->sum.indexed_records++;
    process_record(w, j, &r2);
}

/* Members found damaged after records beginning in them were read: the job
 * is read again and those records are skipped (reported, not annotated). */
#define MAX_BAD_MEMBERS 8

typedef struct bad_range {
    uint64_t member, from, to; /* the member; stream offsets of the records */
} bad_range;

static bool bad_record(const bad_range *bad, size_t nbad, uint64_t stream_offset) {
    for (size_t i = 0; i < nbad; i++)
        if (stream_offset >= bad[i].from && stream_offset <= bad[i].to)
            return true;
    return false;
}

static bool bad_member(const bad_range *bad, size_t nbad, uint64_t member) {
    for (size_t i = 0; i < nbad; i++)
        if (bad[i].member == member)
            return true;
    return false;
}

static ssize_t span_pread(void *ctx, void *buf, size_t n, uint64_t offset) {
    const archive *a = ctx;
    ssize_t got;
    do
        got = pread(a->fd, buf, n, (off_t)offset);
    while (got < 0 && errno == EINTR);
    return got;
}

/* A job of an indexed archive: spans [start, end), each read by offset
 * (ccsig_index_reader_read: only the part annotation needs is inflated)
 * and processed as the full scan processes the record. */
static void run_indexed_job(worker *w, job *j) {
    archive *a = j->ar;
    job_out *o = &j->out;
    j->found = true;
    j->failed = false;
    j->first = j->start;
    j->next = j->end;
    if (!w->ir && !(w->ir = ccsig_index_reader_new())) {
        o->nomem = true;
        return;
    }
    for (uint64_t i = j->start; i < j->end; i++) {
        int t = a->spans[i].type;
        if (!w->R->keep && t >= 0 && t != CCSIG_WARC_RESPONSE && t != CCSIG_WARC_REVISIT) {
            /* nothing of it is annotated: counted from the index, not read */
            o->sum.records++;
            o->sum.types[t]++;
            continue;
        }
        ccsig_warc_record rec;
        bool bound;
        char what[240];
        ccsig_index_read r = ccsig_index_reader_read(w->ir, span_pread, a, a->codec, a->spans[i],
                                                     &rec, &bound, what);
        if (r == CCSIG_INDEX_FAILED) {
            j->failed = true;
            snprintf(j->fail_msg, sizeof j->fail_msg, "%s", what);
            return;
        }
        if (r == CCSIG_INDEX_DAMAGE) {
            o->sum.records++;
            o->sum.skipped++;
            ccsig_summary_add_error(&o->sum, a->name, a->spans[i].offset, what);
            push_damage(o, a->spans[i].offset, what);
            continue;
        }
        o->sum.indexed_records++;
        o->sum.bound_reached += bound;
        j->consumed += a->spans[i].length;
        process_record(w, j, &rec);
    }
}

static void run_job(worker *w, job *j) {
    run *R = w->R;
    archive *a = j->ar;
    job_out *o = &j->out;
    if (a->indexed) {
        run_indexed_job(w, j);
        return;
    }
    bad_range bad[MAX_BAD_MEMBERS];
    size_t nbad = 0;
restart:;
    src_ctx src = {a, a->fd, 0, a->is_stream};
    j->found = false;
    j->failed = false;
    j->next = NONE;
    uint64_t open_at = j->start;
    if (!j->forced && a->codec == CCSIG_WARC_PLAIN && j->start > 0)
        open_at = j->start - 1; /* sync looks at the byte before a "WARC/" line */
    src.pos = open_at;
    ccsig_warc_reader_open(w->rd, src_read, &src, open_at,
                           a->is_stream ? CCSIG_WARC_AUTO : a->codec);
    ccsig_warc_reader_set_seek(w->rd, src_seek); /* damage: re-read what a block swallowed */
    if (a->dict_len) {
        ccsig_error err;
        if (ccsig_warc_reader_set_dictionary(w->rd, a->dict, a->dict_len, &err)) {
            j->failed = true;
            snprintf(j->fail_msg, sizeof j->fail_msg, "zstd dictionary frame: %s", err.message);
            return;
        }
    }
    if (!j->forced) {
        uint64_t first;
        if (!ccsig_warc_reader_sync(w->rd, j->start, j->end == NONE ? UINT64_MAX : j->end,
                                    &first)) {
            j->consumed = ccsig_warc_reader_consumed(w->rd);
            return;
        }
        j->first = first;
    } else {
        j->first = j->start;
    }
    j->found = true;
    if (j->end != NONE)
        ccsig_warc_reader_set_stop(w->rd, j->end);
    ccsig_warc_record rec;
    ccsig_warc_damage d;
    bool capped = false;
    for (;;) {
        ccsig_warc_next r = ccsig_warc_reader_next(w->rd, &rec, &d);
        if (r == CCSIG_WARC_RECORD && nbad && !rec.raw_length &&
            bad_record(bad, nbad, rec.stream_offset)) {
            o->sum.records++; /* in a member whose check fails further on */
            o->sum.types[rec.h.type]++;
            o->sum.skipped++;
            continue;
        }
        if (r == CCSIG_WARC_RECORD) {
            if (a->wat)
                process_wat(w, j, &rec);
            else
                process_record(w, j, &rec);
            if (!capped &&
                o->annot.len + o->keep.len + o->arena.total > CCSIG_SCAN_JOB_OUTPUT_MAX) {
                /* Enough for one job: stop at the next record boundary. */
                ccsig_warc_reader_set_stop(w->rd, rec.offset + 1);
                capped = true;
            }
            continue;
        }
        if (r == CCSIG_WARC_DAMAGE && d.unverified && !a->is_stream && nbad < MAX_BAD_MEMBERS &&
            !bad_member(bad, nbad, d.offset)) {
            /* records already read from it: read again without them */
            bad[nbad++] = (bad_range){d.offset, d.unverified_from, d.unverified_to};
            out_reset(o);
            goto restart;
        }
        if (r == CCSIG_WARC_DAMAGE) {
            ccsig_summary *S = &o->sum;
            if (d.unverified) {
                size_t l = strlen(d.what);
                snprintf(d.what + l, sizeof d.what - l,
                         bad_member(bad, nbad, d.offset)
                             ? "; the %" PRIu32 " records read from it before are skipped"
                             : "; the %" PRIu32 " records read from it before may be damaged "
                               "(the input cannot be read again)",
                         d.unverified);
            }
            if (d.record_lost) {
                S->records++;
                S->types[d.type]++;
                S->skipped++;
            }
            ccsig_summary_add_error(S, a->name, d.offset, d.what);
            push_damage(o, d.offset, d.what);
            continue;
        }
        if (r == CCSIG_WARC_FAILED) {
            j->failed = true;
            snprintf(j->fail_msg, sizeof j->fail_msg, "%s", d.what);
        }
        break;
    }
    j->next = ccsig_warc_reader_position(w->rd);
    j->consumed = ccsig_warc_reader_consumed(w->rd);
    if (R->annot_codec != CCSIG_WARC_PLAIN && !o->deferred && o->annot.len) {
        ccsig_error err;
        if (ccsig_warc_writer_member(w->annot_w, &o->annot_z, o->annot.data, o->annot.len, &err))
            o->nomem = true;
        o->compressed = true;
        o->annot_plain = o->annot.len;
        ccsig_buf_free(&o->annot); /* only the compressed copy waits for the stitcher */
    }
}

static void *worker_main(void *arg) {
    worker *w = arg;
    run *R = w->R;
    for (;;) {
        pthread_mutex_lock(&R->mu);
        while (!R->stop && R->dispatched == R->tail)
            pthread_cond_wait(&R->cv_work, &R->mu);
        if (R->dispatched == R->tail) {
            pthread_mutex_unlock(&R->mu);
            break;
        }
        job *j = R->ring[R->dispatched++ % R->ring_cap];
        j->state = 1;
        pthread_mutex_unlock(&R->mu);
        run_job(w, j);
        pthread_mutex_lock(&R->mu);
        j->state = 2;
        pthread_cond_broadcast(&R->cv_done);
        pthread_mutex_unlock(&R->mu);
    }
    return NULL;
}

static bool worker_init(worker *w, run *R) {
    memset(w, 0, sizeof *w);
    w->R = R;
    ccsig_warc_options wo = {R->o.hold};
    ccsig_scan_config sc = {R->o.profile.p, R->agent};
    w->rd = ccsig_warc_reader_new(&wo);
    ccsig_arena_init(&w->wat_arena, 16384);
    w->sc = ccsig_scanner_new(&sc);
    w->annot_w = ccsig_warc_writer_new(R->annot_codec, 1);
    w->keep_w = ccsig_warc_writer_new(R->keep_codec, 1);
    if (R->o.robots)
        w->rq = ccsig_robots_store_query_new(R->o.robots);
    return w->rd && w->sc && w->annot_w && w->keep_w && (!R->o.robots || w->rq);
}

static void worker_free(worker *w) {
    ccsig_warc_reader_free(w->rd);
    ccsig_scanner_free(w->sc);
    ccsig_warc_writer_free(w->annot_w);
    ccsig_warc_writer_free(w->keep_w);
    ccsig_robots_store_query_free(w->rq);
    ccsig_buf_free(&w->tmp);
    ccsig_index_reader_free(w->ir);
    ccsig_index_reader_free(w->irw);
    ccsig_buf_free(&w->wat);
    ccsig_arena_free(&w->wat_arena);
}

/* ------------------------------------------------------------ revisits -- */

/* The revisit index is deliberately not a ccsig_hashmap: it is allocated
 * once at its full size (--revisits entries), keeps no copies of keys
 * (they stay in the rv entries) and allocates nothing per record on the
 * scan's hot path. Only its hash is the library's one FNV-1a (rv_hash).
 * The hashes of an original's keys are computed by the worker that reads
 * it, and the stitcher fetches their index cells a few originals before it
 * inserts them: the index is larger than the caches and each insertion
 * would otherwise wait for memory. */

/* The entry's key of kind seed (1: digest, 2: record id) and its length. */
static const char *rv_key(const rv_entry *e, uint64_t seed, size_t *len) {
    *len = seed == 1 ? e->digest_len : e->rid_len;
    return seed == 1 ? e->digest : e->rid;
}

/* Index slot for key (seed 1: digest, 2: record id). An entry matches
 * when the key its slot holds now is key (entries left by a reused slot
 * included: what resolves a revisit depends on it, so it stays). */
static void rv_index_put(run *R, const char *key, size_t len, uint64_t hash, uint64_t seed,
                         uint32_t slot) {
    size_t mask = R->rv_index_cap - 1;
    size_t i = (size_t)hash & mask;
    while (R->rv_index[i]) {
        size_t kl;
        const char *k = rv_key(&R->rv[R->rv_index[i] - 1], seed, &kl);
        if (kl == len && !memcmp(k, key, len)) {
            R->rv_index[i] = slot + 1; /* newest wins */
            return;
        }
        i = (i + 1) & mask;
    }
    R->rv_index[i] = slot + 1;
}

static void rv_index_entry(run *R, size_t slot) {
    rv_entry *e = &R->rv[slot];
    if (e->digest_len)
        rv_index_put(R, e->digest, e->digest_len, e->hash[0], 1, (uint32_t)slot);
    if (e->rid_len)
        rv_index_put(R, e->rid, e->rid_len, e->hash[1], 2, (uint32_t)slot);
}

/* Originals whose index cells are fetched ahead of their insertion. */
#define RV_PREFETCH 8

/* Fetch the index cells of the keys with these hashes (when present). */
static void rv_prefetch(const run *R, const uint64_t hash[2], bool digest, bool rid) {
    size_t mask = R->rv_index_cap - 1;
    if (digest)
        __builtin_prefetch(&R->rv_index[hash[0] & mask], 1);
    if (rid)
        __builtin_prefetch(&R->rv_index[hash[1] & mask], 1);
}

static void rv_rebuild(run *R) {
    memset(R->rv_index, 0, R->rv_index_cap * sizeof *R->rv_index);
    /* oldest first, so the newest entry of a key wins */
    size_t first = R->rv_next + R->rv_cap - R->rv_count;
    for (size_t k = 0; k < R->rv_count; k++) {
        if (k + RV_PREFETCH < R->rv_count) {
            const rv_entry *f = &R->rv[(first + k + RV_PREFETCH) % R->rv_cap];
            rv_prefetch(R, f->hash, f->digest_len, f->rid_len);
        }
        rv_index_entry(R, (first + k) % R->rv_cap);
    }
    R->rv_since = 0;
}

static void set_key(char *dst, uint8_t *len, ccsig_str k) {
    if (k.len && k.len < RV_KEY && !memchr(k.p, '\0', k.len)) {
        memcpy(dst, k.p, k.len);
        dst[k.len] = '\0';
        *len = (uint8_t)k.len;
    } else {
        dst[0] = '\0';
        *len = 0;
    }
}

static void huge_pages(void *p, size_t n);
static void *huge_calloc(size_t n, void **base);

/* need bytes (a multiple of 16) for the copy made by insertion seq: at the
 * end of the current block, else in the next block of the ring when every
 * copy it holds is dead (made before seq - cap), else in a new block put
 * into the ring after the current one. NULL when memory runs out. */
static char *rv_store(run *R, size_t need, uint64_t seq) {
    rv_block *b = R->rv_cur;
    if (!b || b->size - b->used < need) {
        rv_block *nx = b ? b->next : NULL;
        if (nx && nx->newest + R->rv_cap <= seq && nx->size >= need) {
            nx->used = 0;
            b = nx;
        } else {
            /* 128 bytes an entry, 64 KiB to 8 MiB: 8 MiB for the default
             * table, little for a small one */
            size_t size = R->rv_cap * 128;
            size = size < (64u << 10) ? (64u << 10) : size > RV_BLOCK ? RV_BLOCK : size;
            if (size < need)
                size = need;
            size_t pad = size >= HUGE_PAGE ? HUGE_PAGE : 16;
            rv_block *nb = ccsig_malloc(sizeof *nb + pad + size);
            if (!nb)
                return NULL;
            nb->data = (char *)(((uintptr_t)(nb + 1) + pad - 1) & ~(uintptr_t)(pad - 1));
            nb->size = size;
            nb->used = 0;
            nb->newest = 0;
            huge_pages(nb->data, size);
            nb->next = b ? b->next : nb;
            if (b)
                b->next = nb;
            b = nb;
        }
        R->rv_cur = b;
    }
    char *at = b->data + b->used;
    b->used += need;
    b->newest = seq;
    return at;
}

static void rv_insert(run *R, const original *org) {
    if (!R->rv_cap)
        return;
    size_t slot = R->rv_next;
    R->rv_next = (R->rv_next + 1) % R->rv_cap;
    if (R->rv_count < R->rv_cap)
        R->rv_count++;
    rv_entry *e = &R->rv[slot];
    set_key(e->digest, &e->digest_len, org->digest);
    set_key(e->rid, &e->rid_len, org->record_id);
    e->hash[0] = org->hash[0];
    e->hash[1] = org->hash[1];
    e->ar = org->ar;
    e->offset = org->offset;
    e->status = org->status;
    e->payload_len = org->payload_len;
    e->used = org->used;
    e->n = 0;
    uint64_t seq = ++R->rv_seq;
    if (org->n) {
        size_t need =
            (org->n * sizeof *e->sts + ccsig_statements_copy_size(org->sts, org->n) + 15) &
            ~(size_t)15;
        char *at = rv_store(R, need, seq);
        if (!at) {
            R->nomem = true;
            return;
        }
        e->sts = (ccsig_statement *)(void *)at;
        ccsig_statements_copy(e->sts, org->sts, org->n, at + org->n * sizeof *e->sts);
        e->n = org->n;
    }
    if (++R->rv_since >= R->rv_cap)
        rv_rebuild(R);
    else
        rv_index_entry(R, slot);
}

static const rv_entry *rv_find(const run *R, ccsig_str key, uint64_t seed) {
    if (!R->rv_cap || !key.len)
        return NULL;
    size_t mask = R->rv_index_cap - 1;
    size_t i = (size_t)rv_hash(key.p, key.len, seed) & mask;
    while (R->rv_index[i]) {
        const rv_entry *e = &R->rv[R->rv_index[i] - 1];
        size_t kl;
        const char *k = rv_key(e, seed, &kl);
        if (kl == key.len && !memcmp(k, key.p, key.len))
            return e;
        i = (i + 1) & mask;
    }
    return NULL;
}

/* ------------------------------------------------------------ stitcher -- */

/* Annotation bytes as they go to the sink (compressed when asked): their
 * count and digest are what a shard records of its annotation file. */
static void write_annot_bytes(run *R, const void *p, size_t n) {
    if (n && !R->sink.annotation(R->sink.ctx, p, n))
        R->write_error = true;
    if (R->o.shard) {
        R->annot_size += n;
        R->annot_digest = ccsig_fnv1a64_more(R->annot_digest, p, n);
    }
}

/* Plain annotation lines p[0..n), compressed as one member or frame when
 * the annotation is; annot_pos counts the plain bytes. */
static void write_annot(run *R, const char *p, size_t n) {
    if (!n)
        return;
    R->annot_pos += n;
    if (R->annot_codec == CCSIG_WARC_PLAIN) {
        write_annot_bytes(R, p, n);
        return;
    }
    ccsig_buf z = CCSIG_BUF_INIT;
    ccsig_error err;
    if (ccsig_warc_writer_member(R->mainw.annot_w, &z, p, n, &err))
        R->nomem = true;
    else
        write_annot_bytes(R, z.data, z.len);
    ccsig_buf_free(&z);
}

/* A kept record p[0..n) to the sink. open (keep_ids.open): kept
 * provisionally for a shard's open revisit: not counted here; the shard
 * records its place in the keep file and the merge keeps it or drops it by
 * the revisit's merged decision. */
static void write_kept(run *R, const char *p, size_t n, size_t open) {
    if (n && !R->sink.kept(R->sink.ctx, p, n))
        R->write_error = true;
    if (R->o.shard) {
        if (open)
            scan_shard_add_provisional(R->o.shard, open - 1, R->keep_pos, n);
        R->keep_digest = ccsig_fnv1a64_more(R->keep_digest, p, n);
    }
    R->keep_pos += n;
    if (open)
        return;
    R->sum.kept_records++;
    R->sum.kept_bytes += n;
}

static bool str_in(ccsig_str s, char *const *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (list[i] && strlen(list[i]) == s.len && !memcmp(list[i], s.p, s.len))
            return true;
    return false;
}

/* Remember the id of a record kept (for the open revisit open, 0: none). */
static void recent_add(run *R, ccsig_str id, size_t open) {
    if (!id.len)
        return;
    size_t slot = R->nrecent % RECENT_MAX;
    ccsig_free(R->recent[slot]);
    if (!(R->recent[slot] = ccsig_strndup(id.p, id.len)))
        R->nomem = true; /* a later request or metadata record would not be kept */
    R->recent_open[slot] = open;
    R->nrecent++;
}

/* Whether s is among the ids of the records kept lately: 0 kept for good,
 * 1 + k kept for open revisit k only, -1 not found. A record kept for good
 * wins: the record that names it is kept whatever the merge decides. */
static long long recent_find(const run *R, ccsig_str s, long long best) {
    size_t lim = R->nrecent < RECENT_MAX ? R->nrecent : RECENT_MAX;
    for (size_t i = 0; i < lim && best != 0; i++)
        if (R->recent[i] && strlen(R->recent[i]) == s.len && !memcmp(R->recent[i], s.p, s.len) &&
            (best < 0 || R->recent_open[i] == 0))
            best = (long long)R->recent_open[i];
    return best;
}

static void pending_free(pending *p) {
    ccsig_free(p->bytes);
    ccsig_free(p->id);
    for (size_t i = 0; i < p->nconc; i++)
        ccsig_free(p->conc[i]);
    memset(p, 0, sizeof *p);
}

/* A request or metadata record: kept when it belongs to a kept record (its
 * Concurrent-To names one, or a kept record names it), else held a while. */
static void keep_candidate(run *R, const char *p, size_t n, const keep_ids *ids) {
    long long found = -1;
    for (size_t i = 0; i < ids->nconc; i++)
        found = recent_find(R, ids->conc[i], found);
    if (ids->id.len)
        found = recent_find(R, ids->id, found);
    if (found >= 0) {
        write_kept(R, p, n, (size_t)found);
        return;
    }
    if (R->npend == PENDING_MAX) {
        pending_free(&R->pend[0]);
        memmove(R->pend, R->pend + 1, (PENDING_MAX - 1) * sizeof *R->pend);
        R->npend--;
        memset(&R->pend[R->npend], 0, sizeof R->pend[0]);
    }
    pending *q = &R->pend[R->npend++];
    q->bytes = ccsig_malloc(n ? n : 1);
    if (!q->bytes) {
        R->nomem = true;
        R->npend--;
        return;
    }
    memcpy(q->bytes, p, n);
    q->len = n;
    q->id = ids->id.len ? ccsig_strndup(ids->id.p, ids->id.len) : NULL;
    if (ids->id.len && !q->id)
        R->nomem = true; /* the pairing with its response would be lost */
    q->nconc = ids->nconc;
    for (size_t i = 0; i < ids->nconc; i++)
        if (!(q->conc[i] = ccsig_strndup(ids->conc[i].p, ids->conc[i].len)))
            R->nomem = true;
}

static void keep_record(run *R, const char *p, size_t n, const keep_ids *ids) {
    size_t k = 0;
    for (size_t i = 0; i < R->npend; i++) {
        pending *q = &R->pend[i];
        bool related = false;
        for (size_t c = 0; c < ids->nconc && !related; c++)
            related = q->id && strlen(q->id) == ids->conc[c].len &&
                      !memcmp(q->id, ids->conc[c].p, ids->conc[c].len);
        if (!related && ids->id.len)
            related = str_in(ids->id, q->conc, q->nconc);
        if (related) {
            write_kept(R, q->bytes, q->len, ids->open);
            pending_free(q);
        } else {
            R->pend[k++] = *q;
        }
    }
    for (size_t i = k; i < R->npend; i++)
        memset(&R->pend[i], 0, sizeof R->pend[i]);
    R->npend = k;
    write_kept(R, p, n, ids->open);
    recent_add(R, ids->id, ids->open);
    for (size_t c = 0; c < ids->nconc; c++)
        recent_add(R, ids->conc[c], ids->open);
}

static void apply(run *R, job_out *o, archive *ar);

/* The list index of an archive of a sharded run. */
static uint64_t shard_ar(const run *R, const archive *a) {
    return ccsig_shard_list_index(R->o.shard, (uint64_t)(a - R->ars));
}

/* A sharded run records every original it remembers, for the merge. */
static void shard_original(run *R, const original *org) {
    if (R->o.shard && R->rv_cap)
        scan_shard_add_original(R->o.shard, shard_ar(R, org->ar), org->offset, org->digest,
                                org->record_id, org->payload_len, org->status, org->used, org->sts,
                                org->n);
}

/* A sharded run settles a revisit only when its original is in its own
 * archive (found by WARC-Refers-To, or by digest when it names no record):
 * any other original may be superseded by a newer one in another shard's
 * archive, and a revisit with none may find it there. The rest is left to
 * the merge with the revisit's own statements (v before evaluation).
 * Returns 1 + the revisit's index in the shard's record (0: settled
 * here). Its annotation line is the next one written (at annot_pos). */
static size_t shard_leaves_open(run *R, const rec_view *v, const rv_entry *e, bool by_id) {
    if (!R->o.shard)
        return 0;
    if (e && e->ar == v->ar && (by_id || !v->refers_to.len))
        return 0;
    scan_counted c = counted(R, v);
    return scan_shard_add_revisit(R->o.shard, shard_ar(R, v->ar), v->offset, v->digest,
                                  v->refers_to, v->record_id, v->has_rule ? &v->rule : NULL,
                                  R->annotate ? R->annot_pos : UINT64_MAX, &c);
}

/* A revisit's decision from its statements and its original's (sts[0..n)):
 * decided as any record, then by the robots.txt crawl state. */
static void revisit_decide(const ccsig_profile *p, const ccsig_statement *sts, size_t n,
                           ccsig_state crawl, const ccsig_provenance *rule, ccsig_verdict *verdict,
                           ccsig_decision *decision) {
    ccsig_evaluate_decide(sts, n, p, verdict, decision);
    ccsig_decide_crawl(crawl, rule, decision);
}

/* Revisit resolution, the evaluation step: what the revisit's own record
 * said (v: robots.txt first, then its page statements) plus what its
 * original's page said (e), combined and decided again. The one place a
 * resolved revisit's verdict is made. */
static void revisit_evaluate(const run *R, rec_view *v, const rv_entry *e) {
    v->resolved = true;
    v->orig_ar = e->ar;
    v->orig_offset = e->offset;
    v->orig_status = e->status;
    v->orig_used = e->used;
    v->orig_record_id = ccsig_str_c(e->rid);
    v->payload_len = e->payload_len;
    /* the original's statements come last, as ccsig_evaluate's step 7 */
    for (size_t i = 0; i < e->n && v->n < CCSIG_SCAN_MAX_STATEMENTS; i++)
        v->sts[v->n++] = e->sts[i];
    revisit_decide(&R->o.profile.p, v->sts, v->n, v->crawl, v->has_rule ? &v->rule : NULL,
                   &v->verdict, &v->decision);
}

/* scan_internal.h: an open revisit decided by the merge, as revisit_evaluate
 * decides it in one run. */
size_t scan_revisit_decide(const scan_revisit *r, const ccsig_profile *p, ccsig_statement *sts,
                           ccsig_verdict *verdict, ccsig_decision *decision) {
    size_t n = 0;
    for (size_t i = 0; i < r->n && n < CCSIG_SCAN_MAX_STATEMENTS; i++)
        sts[n++] = r->sts[i];
    for (size_t i = 0; r->resolved && i < r->orig_n && n < CCSIG_SCAN_MAX_STATEMENTS; i++)
        sts[n++] = r->orig_sts[i];
    revisit_decide(p, sts, n, r->crawl, r->rule, verdict, decision);
    return n;
}

/* scan_internal.h: an open revisit's annotation line, by write_line. */
bool scan_revisit_line(ccsig_buf *b, ccsig_str agent, const scan_revisit *r,
                       const ccsig_statement *sts, size_t n, const ccsig_verdict *verdict,
                       const ccsig_decision *decision) {
    rec_view *v = ccsig_calloc(1, sizeof *v);
    if (!v)
        return false;
    archive ar = {.json_path = (char *)r->archive_json}, orig = {.json_path = (char *)r->orig_json};
    v->type = CCSIG_WARC_REVISIT;
    v->url = r->url;
    v->date = r->date;
    v->record_id = r->record_id;
    v->digest = r->digest;
    v->refers_to = r->refers_to;
    v->ar = &ar;
    v->offset = r->offset;
    v->status = r->status;
    v->payload_len = r->resolved ? r->orig_payload_len : r->payload_len;
    v->robots = r->robots;
    v->crawl = r->crawl;
    v->has_rule = r->rule != NULL;
    if (r->rule)
        v->rule = *r->rule;
    memcpy(v->sts, sts, n * sizeof *sts);
    v->n = n;
    v->verdict = *verdict;
    v->decision = *decision;
    v->resolved = r->resolved;
    v->orig_ar = &orig;
    v->orig_offset = r->orig_offset;
    v->orig_status = r->orig_status;
    v->orig_record_id = r->orig_record_id;
    write_line(agent, NULL, b, v);
    ccsig_free(v);
    return !ccsig_buf_failed(b);
}

/* A revisit in input order: find its original (WARC-Refers-To, then the
 * payload digest) among the responses remembered, evaluate, emit. */
static void resolve_revisit(run *R, rec_view *v) {
    const rv_entry *e = rv_find(R, v->refers_to, 2);
    bool by_id = e != NULL;
    if (!e)
        e = rv_find(R, v->digest, 1);
    size_t open = shard_leaves_open(R, v, e, by_id);
    v->ids.open = open; /* kept provisionally: the merge decides */
    if (!e) {
        R->sout.sum.revisits_unresolved++;
    } else {
        R->sout.sum.revisits_resolved++;
        revisit_evaluate(R, v, e);
    }
    emit(R, &R->mainw, NULL, &R->sout, v, NULL);
    if (open) { /* annotated and kept as resolved here, counted by the merge */
        ccsig_summary_free(&R->sout.sum);
        ccsig_summary_init(&R->sout.sum);
        ccsig_credit_map_free(&R->sout.credit);
        ccsig_credit_map_init(&R->sout.credit);
    }
    apply(R, &R->sout, v->ar);
    out_reset(&R->sout);
}

static void report_damage(run *R, archive *ar, const damage_ev *d) {
    if (R->sink.damage)
        R->sink.damage(R->sink.ctx, ar->name, d->offset, d->what);
}

static void archive_error(run *R, archive *ar, const char *what) {
    if (!ar->fail_what && !(ar->fail_what = ccsig_strdup(what)))
        R->nomem = true; /* the summary would not name it */
    if (R->sink.archive_error)
        R->sink.archive_error(R->sink.ctx, ar->name, what);
}

static void apply(run *R, job_out *o, archive *ar) {
    if (o->nomem || ccsig_buf_failed(&o->annot) || ccsig_buf_failed(&o->annot_z) ||
        ccsig_buf_failed(&o->keep))
        R->nomem = true;
    uint64_t annot0 = R->annot_pos, keep0 = R->keep_pos;
    if (o->compressed) {
        write_annot_bytes(R, o->annot_z.data, o->annot_z.len);
        R->annot_pos += o->annot_plain;
    }
    /* Plain annotation lines that follow each other in o->annot go to the
     * sink in one call (a client such as the Python binding pays per call);
     * a revisit's line, written when it is resolved, ends such a run.
     * Compressed annotation keeps one member per write, as before. */
    bool coalesce = R->annot_codec == CCSIG_WARC_PLAIN;
    size_t run_a = 0, run_b = 0;
    size_t pf = 0, pf_ahead = 0; /* the originals in evs(i, pf) are prefetched: pf_ahead */
    for (size_t i = 0; i < o->nev; i++) {
        ev *e = &o->evs[i];
        switch (e->kind) {
        case EV_LINES:
            if (o->compressed)
                break;
            if (coalesce && run_b > run_a && e->a == run_b) {
                run_b = e->b;
                break;
            }
            if (run_b > run_a)
                write_annot(R, o->annot.data + run_a, run_b - run_a);
            run_a = e->a;
            run_b = e->b;
            if (!coalesce) {
                write_annot(R, o->annot.data + run_a, run_b - run_a);
                run_a = run_b = 0;
            }
            break;
        case EV_ORIGINAL:
            if (i < pf)
                pf_ahead--;
            else
                pf = i + 1;
            for (; R->rv_cap && pf < o->nev && pf_ahead < RV_PREFETCH; pf++) {
                if (o->evs[pf].kind == EV_ORIGINAL) {
                    const original *f = o->evs[pf].p;
                    rv_prefetch(R, f->hash, f->digest.len, f->record_id.len);
                    pf_ahead++;
                }
            }
            rv_insert(R, e->p);
            shard_original(R, e->p);
            break;
        case EV_REVISIT:
            if (run_b > run_a)
                write_annot(R, o->annot.data + run_a, run_b - run_a);
            run_a = run_b = 0;
            resolve_revisit(R, e->p);
            break;
        case EV_CAND:
            keep_candidate(R, o->keep.data + e->a, e->b - e->a, e->p);
            break;
        case EV_KEEP:
            keep_record(R, o->keep.data + e->a, e->b - e->a, e->p);
            break;
        case EV_DAMAGE:
            report_damage(R, ar, e->p);
            break;
        }
    }
    if (run_b > run_a)
        write_annot(R, o->annot.data + run_a, run_b - run_a);
    if (o != &R->sout) { /* a revisit's own output is applied within its job's */
        ar->annot_bytes += R->annot_pos - annot0;
        ar->keep_bytes += R->keep_pos - keep0;
    }
    ccsig_summary_merge(&R->sum, &o->sum);
    ccsig_credit_merge(&R->credit, &o->credit);
    if (o->sum.failed || o->credit.failed || R->sum.failed || R->credit.failed)
        R->nomem = true;
    R->records_done += o->sum.records;
}

/* ------------------------------------------------------------ archives -- */

/* Open the WARC file a WAT describes (a->keep_src), from which the kept
 * records are copied: a regular file, gzip (a member per record) or
 * uncompressed. When it cannot be, the WAT is reported unreadable with the
 * reason (what was asked, keeping, cannot be done). */
static bool open_keep_src(run *R, archive *a) {
    archive *k = a->keep_src;
    char what[600];
    k->fd = open(k->path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (k->fd < 0 || fstat(k->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = k->fd < 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : errno;
        snprintf(what, sizeof what, "cannot keep records from the WARC file it describes, %s: %s",
                 k->name,
                 k->fd >= 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) ? "not a regular file"
                                                                            : strerror(e));
        goto fail;
    }
    k->size = (uint64_t)st.st_size;
    uint8_t head[8];
    ssize_t got = pread(k->fd, head, sizeof head, 0);
    k->codec = ccsig_warc_sniff(head, got > 0 ? (size_t)got : 0);
    if (k->codec != CCSIG_WARC_GZIP && k->codec != CCSIG_WARC_PLAIN) {
        snprintf(what, sizeof what,
                 "cannot keep records from the WARC file it describes, %s: records are copied "
                 "by their index from gzip (a member per record) or uncompressed WARC files",
                 k->name);
        goto fail;
    }
    return true;
fail:
    if (k->fd >= 0)
        close(k->fd);
    k->fd = -1;
    archive_error(R, a, what);
    a->unreadable = true;
    return false;
}

static bool open_archive(run *R, archive *a) {
    a->opened = true;
    a->pos = 0;
    if (a->read) {
        a->is_stream = true;
        a->codec = CCSIG_WARC_AUTO;
        return true;
    }
    a->fd = a->path ? open(a->path, O_RDONLY | O_CLOEXEC) : a->user_fd;
    struct stat st;
    if (a->fd < 0 || fstat(a->fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        int e = a->fd < 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : errno;
        if (a->fd >= 0 && a->path)
            close(a->fd);
        a->fd = -1;
        char what[200];
        snprintf(what, sizeof what, "cannot read: %s", strerror(e));
        archive_error(R, a, what);
        a->unreadable = true;
        return false;
    }
    a->is_stream = !S_ISREG(st.st_mode);
    a->size = a->is_stream ? 0 : (uint64_t)st.st_size;
    a->codec = CCSIG_WARC_AUTO;
    if (!a->is_stream) {
        uint8_t head[8];
        ssize_t got = pread(a->fd, head, sizeof head, 0);
        a->codec = ccsig_warc_sniff(head, got > 0 ? (size_t)got : 0);
        uint8_t *deep = malloc(65536);
        ssize_t dn = deep ? pread(a->fd, deep, 65536, 0) : -1;
        if (dn > 0) {
            uint64_t first; /* garbage before the first member or frame? */
            if (a->codec == CCSIG_WARC_PLAIN)
                a->codec = ccsig_warc_detect(deep, (size_t)dn, &first);
            a->arc = ccsig_warc_is_arc(deep, (size_t)dn);
        }
        free(deep);
        uint32_t size;
        if (a->codec == CCSIG_WARC_ZSTD && got == 8 && head[0] == 0x5d && head[1] == 0x2a &&
            head[2] == 0x4d && head[3] == 0x18 &&
            (size = (uint32_t)head[4] | (uint32_t)head[5] << 8 | (uint32_t)head[6] << 16 |
                    (uint32_t)head[7] << 24) <= 2 * CCSIG_WARC_ZSTD_MAX_DICT &&
            8 + (uint64_t)size <= a->size) {
            a->dict = ccsig_malloc(size ? size : 1);
            if (!a->dict) {
                R->nomem = true;
            } else if (pread(a->fd, a->dict, size, 8) != (ssize_t)size) {
                ccsig_free(a->dict);
                a->dict = NULL;
            } else {
                a->dict_len = size;
            }
        }
    }
    if (a->indexed &&
        (a->is_stream || a->arc || (a->codec != CCSIG_WARC_GZIP && a->codec != CCSIG_WARC_PLAIN))) {
        archive_error(R, a,
                      a->is_stream ? "cannot read through an index: not a regular file"
                                   : "cannot read through an index: an indexed scan reads WARC "
                                     "files, gzip (a member per record) or uncompressed");
        a->unreadable = true;
        return false;
    }
    if (a->keep_src && !open_keep_src(R, a))
        return false;
    return true;
}

static void close_archive(run *R, archive *a) {
    if (a->fd >= 0 && a->path)
        close(a->fd);
    a->fd = -1;
    if (a->keep_src && a->keep_src->fd >= 0) {
        close(a->keep_src->fd);
        a->keep_src->fd = -1;
    }
    ccsig_free(a->dict);
    a->dict = NULL;
    a->dict_len = 0;
    if (!a->unreadable) {
        R->sum.archives++;
        R->sum.bytes_archive += a->is_stream ? a->consumed : a->size;
    } else {
        R->sum.archives_unreadable++;
        ccsig_summary_add_unreadable(&R->sum, a->name, a->fail_what ? a->fail_what : "cannot read");
        R->unreadable = 1;
    }
    if (R->o.shard)
        ccsig_shard_add_archive(R->o.shard, (uint64_t)(a - R->ars), a->name,
                                a->unreadable ? (a->fail_what ? a->fail_what : "cannot read")
                                              : NULL);
    R->bytes_done += a->is_stream ? 0 : a->size;
}

/* A job with empty outputs: a stitched one reused (its buffers, arena and
 * event list keep their capacity, so memory is not touched afresh and grown
 * again for each chunk) or a new one. NULL when memory runs out. */
static job *take_job(run *R) {
    if (R->nspare) {
        job *j = R->spare[--R->nspare];
        job_out o = j->out;
        memset(j, 0, sizeof *j);
        j->out = o;
        return j;
    }
    job *j = ccsig_calloc(1, sizeof *j);
    if (j)
        out_init(&j->out);
    return j;
}

static void free_job(job *j);

/* A stitched job: kept for reuse (outputs emptied) while fewer than ring_cap
 * are spare, else freed. */
static void give_back_job(run *R, job *j) {
    if (R->nspare < R->ring_cap && !j->out.nomem) {
        out_reset(&j->out);
        R->spare[R->nspare++] = j;
    } else {
        free_job(j);
    }
}

/* The next job in input order, or NULL when every archive has its jobs. */
static job *make_job(run *R) {
    while (R->cur_ar < R->nar) {
        archive *a = &R->ars[R->cur_ar];
        if (!a->opened) {
            if (!open_archive(R, a)) {
                R->cur_ar++;
                close_archive(R, a);
                continue;
            }
            R->cur_off = 0;
        }
        job *j = take_job(R);
        if (!j) {
            R->nomem = true; /* the rest is not read; the archive is closed at the end */
            return NULL;
        }
        j->ar = a;
        j->start = R->cur_off;
        j->forced = R->cur_off == 0;
        if (a->indexed) { /* spans, CCSIG_SCAN_INDEX_JOB_SPANS a job */
            j->forced = true;
            j->end = j->start + CCSIG_SCAN_INDEX_JOB_SPANS;
            if (j->end >= a->nspans) {
                j->end = a->nspans;
                a->all_jobs = true;
                R->cur_ar++;
            }
            R->cur_off = j->end;
            a->jobs_out++;
            return j;
        }
        size_t chunk = R->o.chunk                     ? R->o.chunk
                       : a->codec == CCSIG_WARC_PLAIN ? CCSIG_SCAN_CHUNK_PLAIN
                                                      : CCSIG_SCAN_CHUNK_COMPRESSED;
        if (a->is_stream || a->arc || a->wat || a->size - j->start <= chunk) {
            j->end = NONE;
            a->all_jobs = true;
            R->cur_ar++;
        } else {
            j->end = j->start + chunk;
            R->cur_off = j->end;
        }
        a->jobs_out++;
        return j;
    }
    return NULL;
}

static void free_job(job *j) {
    out_free(&j->out);
    ccsig_free(j);
}

/* Run the gap [pos, end) on the stitcher's worker, from a known boundary. */
static void run_gap(run *R, archive *a, uint64_t end) {
    job g;
    memset(&g, 0, sizeof g);
    out_init(&g.out);
    g.ar = a;
    g.start = a->pos;
    g.end = end;
    g.forced = true;
    run_job(&R->mainw, &g);
    if (g.failed) {
        archive_error(R, a, g.fail_msg);
        a->unreadable = true;
        a->dead = true;
    } else {
        apply(R, &g.out, a);
        a->pos = g.next;
    }
    out_free(&g.out);
}

static void stitch(run *R, job *j) {
    archive *a = j->ar;
    if (a->dead) {
        /* an earlier failure: the rest of the archive is not read */
    } else if (j->failed) {
        archive_error(R, a, j->fail_msg);
        a->unreadable = true;
        a->dead = true;
    } else if (j->found && j->first == a->pos) {
        apply(R, &j->out, a);
        a->pos = j->next;
    } else if (!a->is_stream && (j->end == NONE || a->pos < j->end)) {
        /* The previous job stopped elsewhere than this one starts (a false
         * boundary, a record across chunks, one member for the file): read
         * from where it stopped. */
        run_gap(R, a, j->end);
    }
    if (a->is_stream)
        a->consumed += j->consumed;
    a->jobs_out--;
    if (a->all_jobs && a->jobs_out == 0)
        close_archive(R, a);
}

/* ------------------------------------------------------------ progress -- */

static void progress(run *R, bool final) {
    if (!R->sink.progress)
        return;
    double t = now_s(&R->t0);
    if (!final && now_s(&R->last) < R->o.progress_interval)
        return;
    clock_gettime(CLOCK_MONOTONIC, &R->last);
    uint64_t done = R->bytes_done;
    if (R->head < R->tail) {
        job *j = R->ring[R->head % R->ring_cap];
        if (!j->ar->is_stream && j->ar->pos != NONE)
            done += j->ar->pos > j->ar->size ? j->ar->size : j->ar->pos;
    }
    ccsig_scan_progress p = {done, R->bytes_total, R->sizes_known, R->records_done, t, final};
    R->sink.progress(R->sink.ctx, &p);
}

/* ------------------------------------------------------------- session -- */

void ccsig_scan_session_options_init(ccsig_scan_session_options *o) {
    memset(o, 0, sizeof *o);
    snprintf(o->profile.agent, sizeof o->profile.agent, "*");
    o->profile.p.use = CCSIG_CAT_NONE;
    o->threads = 1;
    o->revisit_table = CCSIG_SCAN_REVISIT_TABLE_DEFAULT;
    o->keep_unknown = true;
    o->annotate_codec = CCSIG_WARC_PLAIN;
    o->keep_codec = CCSIG_WARC_PLAIN;
}

static bool codec_ok(ccsig_warc_codec c) {
    return c == CCSIG_WARC_PLAIN || c == CCSIG_WARC_GZIP || c == CCSIG_WARC_ZSTD;
}

ccsig_status ccsig_scan_session_new(const ccsig_scan_session_options *opt,
                                    const ccsig_scan_sink *sink, ccsig_scan_session **out,
                                    ccsig_error *err) {
    *out = NULL;
    if (!opt || !codec_ok(opt->annotate_codec) || !codec_ok(opt->keep_codec))
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                               "the output codecs must be plain, gzip or zstd");
    if (!memchr(opt->profile.agent, '\0', sizeof opt->profile.agent))
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "the agent is not NUL-terminated");
    run *R = ccsig_calloc(1, sizeof *R);
    if (!R)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    R->o = *opt;
    if (R->o.shard)
        R->o.shard->keep_unknown = R->o.keep_unknown;
    if (R->o.progress_interval <= 0)
        R->o.progress_interval = 0.25;
    if (sink)
        R->sink = *sink;
    R->agent = ccsig_str_c(R->o.profile.agent);
    R->annotate = R->sink.annotation != NULL;
    R->keep = R->sink.kept != NULL && (unsigned)R->o.profile.p.use < CCSIG_CAT_COUNT;
    R->annot_codec = R->o.annotate_codec;
    R->keep_codec = R->o.keep_codec;
    R->sizes_known = true;
    R->annot_digest = R->keep_digest = ccsig_fnv1a64("", 0);
    ccsig_summary_init(&R->sum);
    ccsig_credit_map_init(&R->credit);
    out_init(&R->sout);
    *out = R;
    return CCSIG_OK;
}

bool ccsig_scan_sink_fd(void *ctx, const char *p, size_t n) {
    int fd = *(const int *)ctx;
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

static archive *add_archive(run *R, const char *name, ccsig_error *err) {
    if (R->started) {
        ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "archives are added before the run");
        return NULL;
    }
    if (R->nar == R->capar) {
        size_t nc = R->capar ? R->capar * 2 : 16;
        archive *na = ccsig_realloc(R->ars, nc * sizeof *na);
        if (!na) {
            ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
            return NULL;
        }
        R->ars = na;
        R->capar = nc;
    }
    archive *a = &R->ars[R->nar];
    memset(a, 0, sizeof *a);
    a->fd = -1;
    a->user_fd = -1;
    a->name = ccsig_strdup(name ? name : "");
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_buf_json_str(&b, a->name ? a->name : "", a->name ? strlen(a->name) : 0);
    a->json_path = ccsig_buf_failed(&b) ? NULL : ccsig_strdup(ccsig_buf_cstr(&b));
    ccsig_buf_free(&b);
    if (!a->name || !a->json_path) {
        ccsig_free(a->name);
        ccsig_free(a->json_path);
        ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        return NULL;
    }
    R->nar++;
    return a;
}

ccsig_status ccsig_scan_session_add_path(ccsig_scan_session *R, const char *path, const char *name,
                                         ccsig_error *err) {
    if (!path)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "no path");
    char *copy = ccsig_strdup(path);
    if (!copy)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    archive *a = add_archive(R, name ? name : path, err);
    if (!a) {
        ccsig_free(copy);
        return err->code;
    }
    a->path = copy;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        R->bytes_total += (uint64_t)st.st_size;
    else
        R->sizes_known = false;
    return CCSIG_OK;
}

ccsig_status ccsig_scan_session_add_indexed(ccsig_scan_session *R, const char *path,
                                            const char *name, const ccsig_index_span *spans,
                                            size_t n, ccsig_error *err) {
    ccsig_index_span *copy = ccsig_malloc((n ? n : 1) * sizeof *copy);
    if (!copy)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    if (n)
        memcpy(copy, spans, n * sizeof *copy);
    ccsig_status st = ccsig_scan_session_add_path(R, path, name, err);
    if (st) {
        ccsig_free(copy);
        return st;
    }
    archive *a = &R->ars[R->nar - 1];
    a->spans = copy;
    a->nspans = n;
    a->indexed = true;
    return CCSIG_OK;
}

ccsig_status ccsig_scan_session_add_wat(ccsig_scan_session *R, const char *path, const char *name,
                                        ccsig_error *err) {
    ccsig_status st = ccsig_scan_session_add_path(R, path, name, err);
    if (!st)
        R->ars[R->nar - 1].wat = true;
    return st;
}

ccsig_status ccsig_scan_session_add_wat_warc(ccsig_scan_session *R, const char *path,
                                             const char *name, const char *warc_path,
                                             const char *warc_name, const ccsig_index_span *spans,
                                             size_t n, ccsig_error *err) {
    archive *k = ccsig_malloc(sizeof *k);
    if (k) {
        memset(k, 0, sizeof *k);
        k->fd = k->user_fd = -1;
        k->indexed = true;
        k->path = ccsig_strdup(warc_path);
        k->name = ccsig_strdup(warc_name ? warc_name : warc_path);
        k->spans = ccsig_malloc((n ? n : 1) * sizeof *k->spans);
    }
    if (!k || !k->path || !k->name || !k->spans) {
        if (k) {
            ccsig_free(k->path);
            ccsig_free(k->name);
            ccsig_free(k->spans);
        }
        ccsig_free(k);
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    if (n)
        memcpy(k->spans, spans, n * sizeof *k->spans);
    k->nspans = n;
    ccsig_status st = ccsig_scan_session_add_wat(R, path, name, err);
    if (st) {
        ccsig_free(k->path);
        ccsig_free(k->name);
        ccsig_free(k->spans);
        ccsig_free(k);
        return st;
    }
    R->ars[R->nar - 1].keep_src = k;
    return CCSIG_OK;
}

ccsig_status ccsig_scan_session_add_fd(ccsig_scan_session *R, int fd, const char *name,
                                       ccsig_error *err) {
    archive *a = add_archive(R, name, err);
    if (!a)
        return err->code;
    a->user_fd = fd;
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        R->bytes_total += (uint64_t)st.st_size;
    else
        R->sizes_known = false;
    return CCSIG_OK;
}

ccsig_status ccsig_scan_session_add_stream(ccsig_scan_session *R,
                                           ssize_t (*read_fn)(void *ctx, void *buf, size_t n),
                                           void *ctx, const char *name, ccsig_error *err) {
    if (!read_fn)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "no read function");
    archive *a = add_archive(R, name, err);
    if (!a)
        return err->code;
    a->read = read_fn;
    a->read_ctx = ctx;
    R->sizes_known = false;
    return CCSIG_OK;
}

/* Ask the kernel to back the whole pages inside [p, p + n) with huge pages
 * where it can (transparent huge pages in "madvise" mode): the revisit
 * table's entries and index, about 20 MiB by default, are filled from the
 * first responses on, and touching them 4 KiB at a time cost ~5000 page
 * faults, each dearer than decoding the data that caused it. A hint only:
 * errors (another allocator's memory, no THP) are ignored. */
/* n zeroed bytes for a large table (*base is what ccsig_free takes): from
 * 2 MiB on, padded by 2 MiB so the table starts on a 2 MiB boundary and
 * can be all on huge pages (an unaligned table loses its ends, a 2 MiB one
 * all of it). The padding is never touched, so never backed by memory. */
static void *huge_calloc(size_t n, void **base) {
    size_t pad = n >= HUGE_PAGE ? HUGE_PAGE : 0;
    if (n > SIZE_MAX - pad)
        return *base = NULL;
    char *p = ccsig_calloc(1, n + pad);
    *base = p;
    if (!p || !pad)
        return p;
    p = (char *)(((uintptr_t)p + pad - 1) & ~(uintptr_t)(pad - 1));
    huge_pages(p, n);
    return p;
}

static void huge_pages(void *p, size_t n) {
#ifdef MADV_HUGEPAGE
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095,
              e = ((uintptr_t)p + n) & ~(uintptr_t)4095;
    if (e > a)
        (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

ccsig_status ccsig_scan_session_run(ccsig_scan_session *R, ccsig_error *err) {
    if (R->started)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "a session runs once");
    R->started = true;
    if (R->o.revisit_table) {
        R->rv_cap = R->o.revisit_table;
        R->rv = R->rv_cap <= SIZE_MAX / sizeof *R->rv / 8
                    ? huge_calloc(R->rv_cap * sizeof *R->rv, &R->rv_base)
                    : NULL;
        /* Two keys per entry; between rebuilds as many stale keys as live
         * ones: 4 x cap keys at most, kept under half the slots so linear
         * probing stays short. */
        R->rv_index_cap = 1;
        while (R->rv_index_cap < 8 * R->rv_cap)
            R->rv_index_cap *= 2;
        R->rv_index =
            R->rv ? huge_calloc(R->rv_index_cap * sizeof *R->rv_index, &R->rv_index_base) : NULL;
        if (!R->rv || !R->rv_index) {
            R->rv_cap = 0;
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        }
    }
    pthread_mutex_init(&R->mu, NULL);
    pthread_cond_init(&R->cv_work, NULL);
    pthread_cond_init(&R->cv_done, NULL);
    R->nworkers = R->o.threads > 0 ? R->o.threads : 1;
    R->ring_cap = 2 * (size_t)R->nworkers + 2;
    R->ring = ccsig_calloc(R->ring_cap, sizeof *R->ring);
    R->spare = ccsig_calloc(R->ring_cap, sizeof *R->spare);
    R->workers = ccsig_calloc((size_t)R->nworkers, sizeof *R->workers);
    if (!R->ring || !R->spare || !R->workers || !worker_init(&R->mainw, R)) {
        R->nworkers = 0;
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    int started = 0;
    for (int i = 0; i < R->nworkers; i++) {
        if (!worker_init(&R->workers[i], R)) {
            worker_free(&R->workers[i]);
            R->nomem = true; /* the run goes on with fewer threads and reports it */
            break;
        }
        if (pthread_create(&R->workers[i].th, NULL, worker_main, &R->workers[i]) != 0) {
            worker_free(&R->workers[i]);
            break;
        }
        started++;
    }
    if (!started) {
        R->nworkers = 0;
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "cannot start a worker thread");
    }
    R->nworkers = started; /* fewer threads than asked: the output is the same */
    clock_gettime(CLOCK_MONOTONIC, &R->t0);
    R->last = R->t0;
    bool more = true;
    for (;;) {
        pthread_mutex_lock(&R->mu);
        while (more && R->tail - R->head < R->ring_cap) {
            pthread_mutex_unlock(&R->mu);
            job *j = make_job(R); /* opens files: outside the lock */
            pthread_mutex_lock(&R->mu);
            if (!j) {
                more = false;
                break;
            }
            R->ring[R->tail++ % R->ring_cap] = j;
            pthread_cond_signal(&R->cv_work);
        }
        if (R->head == R->tail) {
            pthread_mutex_unlock(&R->mu);
            break;
        }
        job *j = R->ring[R->head % R->ring_cap];
        while (j->state != 2) {
            if (R->sink.progress) {
                struct timespec dl;
                clock_gettime(CLOCK_REALTIME, &dl);
                dl.tv_nsec += 250000000;
                if (dl.tv_nsec >= 1000000000) {
                    dl.tv_sec++;
                    dl.tv_nsec -= 1000000000;
                }
                pthread_cond_timedwait(&R->cv_done, &R->mu, &dl);
                pthread_mutex_unlock(&R->mu);
                progress(R, false);
                pthread_mutex_lock(&R->mu);
            } else {
                pthread_cond_wait(&R->cv_done, &R->mu);
            }
        }
        pthread_mutex_unlock(&R->mu);
        stitch(R, j);
        pthread_mutex_lock(&R->mu);
        R->head++;
        pthread_mutex_unlock(&R->mu);
        give_back_job(R, j);
        progress(R, false);
    }
    pthread_mutex_lock(&R->mu);
    R->stop = true;
    pthread_cond_broadcast(&R->cv_work);
    pthread_mutex_unlock(&R->mu);
    for (int i = 0; i < R->nworkers; i++) {
        pthread_join(R->workers[i].th, NULL);
        worker_free(&R->workers[i]);
    }
    /* archives whose every job was stitched are closed; a stream's too */
    if (R->o.shard) { /* where each archive's lines and kept records are, for the merge */
        for (size_t k = 0; k < R->nar; k++)
            scan_shard_archive_outputs(R->o.shard, shard_ar(R, &R->ars[k]), R->ars[k].annot_bytes,
                                       R->ars[k].keep_bytes);
        scan_shard_outputs(R->o.shard, R->annotate, R->annot_size, R->annot_digest,
                           R->sink.kept != NULL, R->keep_pos, R->keep_digest);
    }
    progress(R, true);
    if (R->nomem)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0,
                               "out of memory: the outputs are incomplete");
    if (R->write_error)
        return ccsig_error_set(err, CCSIG_ERR_IO, 0, "writing an output failed");
    if (R->unreadable)
        return ccsig_error_set(err, CCSIG_ERR_IO, 0, "an archive could not be read");
    return CCSIG_OK;
}

ccsig_summary *ccsig_scan_session_summary(ccsig_scan_session *R) {
    return &R->sum;
}

const ccsig_credit_map *ccsig_scan_session_credit(ccsig_scan_session *R) {
    return &R->credit;
}

bool ccsig_scan_session_unreadable(const ccsig_scan_session *R) {
    return R->unreadable;
}

bool ccsig_scan_session_write_failed(const ccsig_scan_session *R) {
    return R->write_error;
}

void ccsig_scan_session_free(ccsig_scan_session *R) {
    if (!R)
        return;
    if (R->ring) {
        pthread_mutex_destroy(&R->mu);
        pthread_cond_destroy(&R->cv_work);
        pthread_cond_destroy(&R->cv_done);
        worker_free(&R->mainw);
    }
    for (size_t i = R->head; i < R->tail; i++) /* left when a run stopped early */
        free_job(R->ring[i % R->ring_cap]);
    for (size_t i = 0; i < R->nspare; i++)
        free_job(R->spare[i]);
    ccsig_free(R->spare);
    for (size_t i = 0; i < R->npend; i++)
        pending_free(&R->pend[i]);
    for (size_t i = 0; i < RECENT_MAX; i++)
        ccsig_free(R->recent[i]);
    out_free(&R->sout);
    /* the statement copies' blocks: open the ring, free it */
    if (R->rv_cur) {
        rv_block *b = R->rv_cur->next;
        R->rv_cur->next = NULL;
        while (b) {
            rv_block *nx = b->next;
            ccsig_free(b);
            b = nx;
        }
    }
    ccsig_free(R->rv_base);
    ccsig_free(R->rv_index_base);
    for (size_t i = 0; i < R->nar; i++) {
        archive *a = &R->ars[i];
        if (a->fd >= 0 && a->path)
            close(a->fd);
        if (a->keep_src) {
            if (a->keep_src->fd >= 0)
                close(a->keep_src->fd);
            ccsig_free(a->keep_src->spans);
            ccsig_free(a->keep_src->path);
            ccsig_free(a->keep_src->name);
            ccsig_free(a->keep_src);
        }
        ccsig_free(a->dict);
        ccsig_free(a->spans);
        ccsig_free(a->path);
        ccsig_free(a->name);
        ccsig_free(a->json_path);
        ccsig_free(a->fail_what);
    }
    ccsig_free(R->ars);
    ccsig_free(R->ring);
    ccsig_free(R->workers);
    ccsig_summary_free(&R->sum);
    ccsig_credit_map_free(&R->credit);
    ccsig_free(R);
}
