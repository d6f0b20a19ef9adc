/*
 * warc.c — WARC records over plain, gzip and zstd input (see ccsig/warc.h).
 *
 * Design. The codec layer (pump_*) appends decompressed bytes to a window
 * `o` and stops at every member or frame end, so for the usual one member
 * per record layout one pump yields exactly one record and the window is
 * empty again when the record has been returned: no copy, no compaction.
 * Each member's start and end, in stream and archive offsets, go to a small
 * ring (map) from which the framing layer learns whether a record begins and
 * ends on member boundaries (then its members can be copied byte-exact).
 *
 * The framing layer (ccsig_warc_reader_next) finds "WARC/", the header's
 * empty line, Content-Length bytes of block and the trailer. A record whose
 * header plus block fits the hold limit is held whole in the window; a
 * larger one keeps its header and first `hold` block bytes in hbuf and the
 * rest streams through the window.
 *
 * Damage is handled where it is seen. The codec layer reports a bad or cut
 * member, garbage between members and trailing garbage (after moving to the
 * next member whose content starts with "WARC/"); the framing layer reports
 * garbage between records, bad headers, a wrong Content-Length (block not
 * followed by CRLF CRLF and a record) and a record cut at the end, and moves
 * to the next "WARC/" at a line start. Every loop consumes input or ends.
 */
#define _GNU_SOURCE /* memmem */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <isa-l/igzip_lib.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_d_windowLogMax is stable; nothing else used */
#include <zstd.h>

#include "ccsig/alloc.h"
#include "ccsig/warc.h"

#define NONE UINT64_MAX
#define MAP_N 64                  /* members remembered (a record spans few) */
#define MIN_SPACE (64u * 1024u)   /* decompress at least this much per pump */
#define TRIAL_INPUT (64u * 1024)  /* input a trial decode may use */
#define READ_CHUNK (128u * 1024)  /* bytes read at a time (more when needed) */
#define COMPACT_AT (256u * 1024)  /* move the window's live tail to its start past this */
#define COMPACT_TAIL (16u * 1024) /* when the tail is at most this long */
#define AHEAD_N 32                /* gzip members decoded ahead at most */
#define AHEAD_BYTES (64u * 1024)  /* and their decoded bytes, about */
#define AHEAD_INPUT (64u * 1024)  /* input in hand before decoding a member ahead */
#define ZSTD_MAGIC 0xFD2FB528u
#define ZSTD_DICT_FRAME 0x184D2A5Du
#define ZSTD_DICT_MAGIC 0xEC30A437u

/* snprintf whose truncation is intended (messages are cut to their buffer). */
static void setf(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void setf(char *dst, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, n, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------- names -- */

const char *ccsig_warc_codec_name(ccsig_warc_codec c) {
    switch (c) {
    case CCSIG_WARC_GZIP:
        return "gzip";
    case CCSIG_WARC_ZSTD:
        return "zstd";
    case CCSIG_WARC_PLAIN:
        return "plain";
    case CCSIG_WARC_AUTO:
        break;
    }
    return "auto";
}

ccsig_warc_codec ccsig_warc_codec_for(const char *path) {
    size_t n = path ? strlen(path) : 0;
    if (n >= 3 && !strcmp(path + n - 3, ".gz"))
        return CCSIG_WARC_GZIP;
    if (n >= 4 && !strcmp(path + n - 4, ".zst"))
        return CCSIG_WARC_ZSTD;
    return CCSIG_WARC_PLAIN;
}

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

ccsig_warc_codec ccsig_warc_sniff(const void *p, size_t n) {
    const uint8_t *b = p;
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
        return CCSIG_WARC_GZIP;
    if (n >= 4 && (le32(b) == ZSTD_MAGIC || le32(b) == ZSTD_DICT_FRAME))
        return CCSIG_WARC_ZSTD;
    return CCSIG_WARC_PLAIN;
}

/* Each type's name with its length (WARC-Type is read from every record). */
#define TYPE_NAME(s)                                                                               \
    { s, sizeof(s) - 1 }
static const struct {
    const char *s;
    size_t n;
} type_names[CCSIG_WARC_TYPE_COUNT] = {
    TYPE_NAME("other"),    TYPE_NAME("warcinfo"),   TYPE_NAME("response"),
    TYPE_NAME("resource"), TYPE_NAME("request"),    TYPE_NAME("metadata"),
    TYPE_NAME("revisit"),  TYPE_NAME("conversion"), TYPE_NAME("continuation")};
#undef TYPE_NAME

const char *ccsig_warc_type_name(ccsig_warc_type t) {
    return (unsigned)t < CCSIG_WARC_TYPE_COUNT ? type_names[t].s : "other";
}

/* --------------------------------------------------------------- header -- */

/* Does the line ending at lf end with a version line "WARC/" digits "."
 * digits that is not the header's own first line? (A record cut inside its
 * header, the next record's header running on from the fragment.) */
static bool ends_in_version(const char *p, const char *lf) {
    const char *e = lf > p && lf[-1] == '\r' ? lf - 1 : lf, *q = e;
    while (q > p && q[-1] >= '0' && q[-1] <= '9')
        q--;
    if (q == e || q - p < 8 || q[-1] != '.')
        return false;
    const char *m = --q;
    while (q > p && q[-1] >= '0' && q[-1] <= '9')
        q--;
    return q != m && q - p > 5 && memcmp(q - 5, "WARC/", 5) == 0;
}

/* ccsig_warc_header_end; *inner_version (when not NULL) is set when a line
 * ends in a version line (ends_in_version). */
static size_t header_end_at(const char *p, size_t len, bool *inner_version) {
    /* The empty line: LF followed by LF or CR LF. */
    const char *q = p, *end = p + len;
    while (q < end) {
        const char *lf = memchr(q, '\n', (size_t)(end - q));
        if (!lf)
            return 0;
        if (inner_version && lf - p > 9 && (unsigned)(lf[-1 - (lf[-1] == '\r')] - '0') < 10 &&
            ends_in_version(p, lf))
            *inner_version = true;
        const char *n = lf + 1;
        if (n < end && *n == '\n')
            return (size_t)(n + 1 - p);
        if (n + 1 < end && n[0] == '\r' && n[1] == '\n')
            return (size_t)(n + 2 - p);
        if (n + 1 >= end && n < end && *n == '\r')
            return 0; /* "\n\r" at the end: the LF is not here yet */
        q = n;
    }
    return 0;
}

size_t ccsig_warc_header_end(const char *p, size_t len) {
    return header_end_at(p, len, NULL);
}

/* The WARC-Type value's type (case-insensitive), CCSIG_WARC_OTHER when none. */
static ccsig_warc_type parse_type(ccsig_str v) {
    for (int t = 1; t < CCSIG_WARC_TYPE_COUNT; t++)
        if (ccsig_str_ieq_n(v, type_names[t].s, type_names[t].n))
            return (ccsig_warc_type)t;
    return CCSIG_WARC_OTHER;
}

/* The fields ccsig_warc_header_parse reads into named members. */
typedef enum warc_field {
    WF_OTHER,
    WF_CONTENT_LENGTH,
    WF_TYPE,
    WF_TARGET_URI,
    WF_DATE,
    WF_RECORD_ID,
    WF_PAYLOAD_DIGEST,
    WF_BLOCK_DIGEST,
    WF_REFERS_TO,
    WF_REFERS_TO_TARGET_URI,
    WF_REFERS_TO_DATE,
    WF_CONTENT_TYPE,
    WF_TRUNCATED,
    WF_PROFILE
} warc_field;

/* Which known field `name` is (ASCII case-insensitive), WF_OTHER when none.
 * Runs for every field of every record: the name's length picks the one to
 * four candidates, so a field costs one or a few comparisons instead of a
 * walk over the whole table. */
static warc_field known_field(ccsig_str name) {
    /* Writers spell the names as the standard does: an exact comparison
     * (a few word compares) first, the case-insensitive one only then. */
#define IS(lit) (memcmp(name.p, lit, sizeof(lit) - 1) == 0 || CCSIG_STR_IEQ(name, lit))
    switch (name.len) {
    case 9:
        return IS("WARC-Date") ? WF_DATE : IS("WARC-Type") ? WF_TYPE : WF_OTHER;
    case 12:
        return IS("Content-Type") ? WF_CONTENT_TYPE : IS("WARC-Profile") ? WF_PROFILE : WF_OTHER;
    case 14:
        return IS("Content-Length")   ? WF_CONTENT_LENGTH
               : IS("WARC-Record-ID") ? WF_RECORD_ID
               : IS("WARC-Refers-To") ? WF_REFERS_TO
               : IS("WARC-Truncated") ? WF_TRUNCATED
                                      : WF_OTHER;
    case 15:
        return IS("WARC-Target-URI") ? WF_TARGET_URI : WF_OTHER;
    case 17:
        return IS("WARC-Block-Digest") ? WF_BLOCK_DIGEST : WF_OTHER;
    case 19:
        return IS("WARC-Payload-Digest")   ? WF_PAYLOAD_DIGEST
               : IS("WARC-Refers-To-Date") ? WF_REFERS_TO_DATE
                                           : WF_OTHER;
    case 25:
        return IS("WARC-Refers-To-Target-URI") ? WF_REFERS_TO_TARGET_URI : WF_OTHER;
    default:
        return WF_OTHER;
    }
#undef IS
}

/* Where in ccsig_warc_header each known field's value goes (the fields
 * read into a ccsig_str; 0 for the others). */
static const size_t known_off[] = {
    [WF_TARGET_URI] = offsetof(ccsig_warc_header, target_uri),
    [WF_DATE] = offsetof(ccsig_warc_header, date),
    [WF_RECORD_ID] = offsetof(ccsig_warc_header, record_id),
    [WF_PAYLOAD_DIGEST] = offsetof(ccsig_warc_header, payload_digest),
    [WF_BLOCK_DIGEST] = offsetof(ccsig_warc_header, block_digest),
    [WF_REFERS_TO] = offsetof(ccsig_warc_header, refers_to),
    [WF_REFERS_TO_TARGET_URI] = offsetof(ccsig_warc_header, refers_to_target_uri),
    [WF_REFERS_TO_DATE] = offsetof(ccsig_warc_header, refers_to_date),
    [WF_CONTENT_TYPE] = offsetof(ccsig_warc_header, content_type),
    [WF_TRUNCATED] = offsetof(ccsig_warc_header, truncated),
    [WF_PROFILE] = offsetof(ccsig_warc_header, profile),
};

ccsig_status ccsig_warc_header_parse(ccsig_arena *a, const char *p, size_t len,
                                     ccsig_warc_header *h, ccsig_error *err) {
    memset(h, 0, sizeof *h);
    if (len < 6 || memcmp(p, "WARC/", 5) != 0)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "no WARC version line");
    const char *lf = memchr(p, '\n', len);
    size_t vl = lf ? (size_t)(lf - p) : len;
    h->version = ccsig_str_trim_ows(p, vl);
    {
        /* Lenient version grammar (jwarc): WARC/ digit+ "." digit+. */
        size_t i = 5, d1 = 0, d2 = 0;
        while (i < h->version.len && h->version.p[i] >= '0' && h->version.p[i] <= '9')
            i++, d1++;
        if (i < h->version.len && h->version.p[i] == '.')
            for (i++; i < h->version.len && h->version.p[i] >= '0' && h->version.p[i] <= '9'; i++)
                d2++;
        if (!d1 || !d2 || i != h->version.len)
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                   "version line '%.*s' is not WARC/<major>.<minor>",
                                   (int)(h->version.len > 40 ? 40 : h->version.len), h->version.p);
    }
    bool have_length = false;
    /* The fields: the one field-block grammar (httpmsg.h), WARC 1.1 §4
     * folding included; lines without a colon carry nothing, as in jwarc. */
    size_t pos = lf ? vl + 1 : len;
    h->fields = ccsig_arena_alloc(a, CCSIG_WARC_MAX_FIELDS * sizeof *h->fields);
    if (!h->fields)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, pos, "no memory for the WARC fields");
    h->cap = CCSIG_WARC_MAX_FIELDS;
    ccsig_http_fields fs = {h->fields, h->cap, 0, 0, 0, 0, false};
    ccsig_error ferr;
    if (ccsig_http_fields_parse(a, p + pos, len - pos, &fs, &ferr) != CCSIG_OK)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, pos + ferr.offset,
                               "no memory to unfold a WARC field");
    h->nfields = fs.n;
    h->dropped = fs.dropped;
    h->header_len = len;
    for (size_t i = 0; i < h->nfields; i++) {
        ccsig_http_field *f = &h->fields[i];
        warc_field k = known_field(f->name);
        if (k == WF_OTHER)
            continue;
        if (k == WF_CONTENT_LENGTH) {
            if (!have_length && !ccsig_str_u64(f->value, &h->content_length))
                return ccsig_error_set(err, CCSIG_ERR_SYNTAX, (size_t)(f->name.p - p),
                                       "Content-Length '%.*s' is not a decimal number",
                                       (int)(f->value.len > 30 ? 30 : f->value.len), f->value.p);
            have_length = true;
        } else if (k == WF_TYPE) {
            if (!h->type_name.p) {
                h->type_name = f->value;
                h->type = parse_type(f->value);
            }
        } else {
            ccsig_str *slot = (ccsig_str *)((char *)h + known_off[k]);
            if (!slot->p) /* a field given twice: the first counts */
                *slot = f->value;
        }
    }
    if (!have_length)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "no Content-Length field");
    ccsig_str *u = &h->target_uri;
    if (u->len >= 2 && u->p[0] == '<' && u->p[u->len - 1] == '>')
        *u = ccsig_str_make(u->p + 1, u->len - 2);
    return CCSIG_OK;
}

bool ccsig_warc_header_next(const ccsig_warc_header *h, const char *name, size_t *iter,
                            ccsig_str *value) {
    size_t n = strlen(name);
    for (size_t i = *iter; i < h->nfields; i++)
        if (ccsig_str_ieq_n(h->fields[i].name, name, n)) {
            *value = h->fields[i].value;
            *iter = i + 1;
            return true;
        }
    *iter = h->nfields;
    return false;
}

/* --------------------------------------------------------------- reader -- */

typedef struct member {
    uint64_t dec_start, comp_start, dec_end, comp_end;
    bool ended;
} member;

typedef enum pump_r { P_DATA, P_MEMBER_END, P_EOF, P_DAMAGE, P_FAIL } pump_r;

struct ccsig_warc_reader {
    size_t hold;
    /* input window: in[0..ilen) holds archive bytes ibase..ibase+ilen */
    ccsig_warc_read_fn rfn;
    ccsig_warc_seek_fn sfn;
    void *rctx;
    uint8_t *ibuf;
    size_t icap;
    const uint8_t *in;
    size_t ilen, ipos;
    uint64_t ibase, open_offset;
    bool ieof, mem, failed;
    bool check_magic; /* input starts at offset 0: look for an unsupported codec */
    int fail_errno;
    uint64_t ipin; /* archive offset to keep in the window (current record's members) */
    /* codec */
    ccsig_warc_codec codec;
    bool codec_known;
    bool arc, arc_checked; /* the input is an ARC file (its first record is filedesc://) */
    struct inflate_state *inf, *tinf;
    ZSTD_DCtx *zd, *tzd;
    ZSTD_DDict *ddict;
    uint8_t *dict;
    size_t dict_len;
    bool in_member;
    /* Read-ahead (gzip): after a member ends, the whole members that follow
     * it are decoded too (the input read on as needed), into o[olen..ahead_end),
     * and given out one per pump as if decoded then. The decoder thus runs
     * over a batch of small members while its code and tables are in cache,
     * and the records are parsed after it. What the rest of the reader sees
     * (olen, ipos, the member map) is what decoding one member per pump
     * gives; a member that fails is left to that ordinary decoding, one that
     * goes on past the input in hand is the last, given out in progress. */
    struct {
        uint64_t comp_start, comp_end;
        size_t len;
        bool cut; /* decoded as far as the input went: the last, in progress */
    } ahead[AHEAD_N];
    size_t ahead_head, ahead_n, ahead_end;
    member map[MAP_N];
    size_t nmap; /* members seen; map[(nmap - 1) % MAP_N] is the last */
    /* codec damage waiting to be reported */
    bool cdmg;
    bool cdmg_later; /* data decoded before the damage is given out first */
    uint64_t cdmg_off;
    char cdmg_what[200];
    /* decompressed window: o[0..olen) holds stream bytes obase..obase+olen */
    uint8_t *o;
    size_t ocap, opos, olen;
    uint64_t obase, produced;
    uint8_t *hbuf; /* header + held block of a record larger than the window */
    size_t hcap;
    /* framing */
    uint64_t stop, next_pos;
    uint64_t sol; /* stream offset known to start a line (where reading began) */
    bool done;
    ccsig_arena arena;
    ccsig_warc_header scratch;
    char lbl[64];                                          /* lbl() writes it */
    uint64_t lbl_off;                                      /* the current record's archive offset */
    bool lbl_aligned; /* it begins on a member boundary */ /* the current record's offset as damage
                                                              reports name it */
    uint64_t dmg_stream;                                   /* its stream offset */
    uint64_t unv_off;          /* member in progress when records were given out */
    uint32_t unv_n;            /* how many */
    uint64_t unv_from, unv_to; /* their stream offsets, first and last */
    uint64_t few_reported;     /* stream offset of a record whose few-bytes-long
                                  Content-Length was reported: give it out now */
};

ccsig_warc_reader *ccsig_warc_reader_new(const ccsig_warc_options *opt) {
    ccsig_warc_reader *r = ccsig_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->hold = opt && opt->hold ? opt->hold : CCSIG_WARC_HOLD_DEFAULT;
    if (r->hold < 4096)
        r->hold = 4096;
    r->ocap = CCSIG_WARC_MAX_HEADER + r->hold + 2 * MIN_SPACE;
    r->hcap = CCSIG_WARC_MAX_HEADER + r->hold;
    r->icap = CCSIG_WARC_INPUT_DEFAULT;
    r->o = ccsig_malloc(r->ocap);
    r->hbuf = ccsig_malloc(r->hcap);
    r->ibuf = ccsig_malloc(r->icap);
    r->inf = ccsig_malloc(sizeof *r->inf);
    r->tinf = ccsig_malloc(sizeof *r->tinf);
    r->zd = ZSTD_createDCtx();
    r->tzd = ZSTD_createDCtx();
    if (!r->o || !r->hbuf || !r->ibuf || !r->inf || !r->tinf || !r->zd || !r->tzd) {
        ccsig_warc_reader_free(r);
        return NULL;
    }
    ZSTD_DCtx_setParameter(r->zd, ZSTD_d_windowLogMax, CCSIG_WARC_ZSTD_WINDOW_LOG);
    ZSTD_DCtx_setParameter(r->tzd, ZSTD_d_windowLogMax, CCSIG_WARC_ZSTD_WINDOW_LOG);
    isal_inflate_init(r->inf);
    ccsig_arena_init(&r->arena, 4096);
    r->done = true;
    return r;
}

void ccsig_warc_reader_free(ccsig_warc_reader *r) {
    if (!r)
        return;
    ccsig_free(r->o);
    ccsig_free(r->hbuf);
    ccsig_free(r->ibuf);
    ccsig_free(r->inf);
    ccsig_free(r->tinf);
    ZSTD_freeDCtx(r->zd);
    ZSTD_freeDCtx(r->tzd);
    ZSTD_freeDDict(r->ddict);
    ccsig_free(r->dict);
    ccsig_arena_free(&r->arena);
    ccsig_free(r);
}

static void reset_state(ccsig_warc_reader *r, uint64_t offset, ccsig_warc_codec codec) {
    r->ilen = r->ipos = 0;
    r->ibase = r->open_offset = offset;
    r->ieof = r->failed = false;
    r->check_magic = offset == 0;
    r->few_reported = NONE;
    r->arc = r->arc_checked = false;
    r->unv_off = NONE;
    r->unv_n = 0;
    r->fail_errno = 0;
    r->ipin = NONE;
    r->codec = codec == CCSIG_WARC_AUTO ? CCSIG_WARC_PLAIN : codec;
    r->codec_known = codec != CCSIG_WARC_AUTO;
    r->in_member = false;
    r->nmap = 0;
    r->ahead_n = 0;
    r->cdmg = false;
    r->cdmg_later = false;
    r->opos = r->olen = 0;
    r->obase = 0;
    r->sol = 0;
    if (r->codec_known && r->codec == CCSIG_WARC_PLAIN)
        r->obase = r->sol = offset;
    r->produced = 0;
    r->stop = NONE;
    r->next_pos = offset;
    r->done = false;
    ZSTD_DCtx_reset(r->zd, ZSTD_reset_session_and_parameters);
    ZSTD_DCtx_setParameter(r->zd, ZSTD_d_windowLogMax, CCSIG_WARC_ZSTD_WINDOW_LOG);
    ZSTD_DCtx_reset(r->tzd, ZSTD_reset_session_and_parameters);
    ZSTD_DCtx_setParameter(r->tzd, ZSTD_d_windowLogMax, CCSIG_WARC_ZSTD_WINDOW_LOG);
    /* r->dict stays cached: reading another part of the same file sets the
     * same dictionary again without digesting it anew. */
}

void ccsig_warc_reader_open(ccsig_warc_reader *r, ccsig_warc_read_fn fn, void *ctx, uint64_t offset,
                            ccsig_warc_codec codec) {
    reset_state(r, offset, codec);
    r->rfn = fn;
    r->sfn = NULL;
    r->rctx = ctx;
    r->mem = false;
    r->in = r->ibuf;
}

void ccsig_warc_reader_open_memory(ccsig_warc_reader *r, const void *p, size_t n, uint64_t offset,
                                   ccsig_warc_codec codec) {
    reset_state(r, offset, codec);
    r->rfn = NULL;
    r->sfn = NULL;
    r->mem = true;
    r->in = p ? p : (const uint8_t *)"";
    r->ilen = n;
    r->ieof = true;
}

void ccsig_warc_reader_set_seek(ccsig_warc_reader *r, ccsig_warc_seek_fn fn) {
    r->sfn = r->mem ? NULL : fn;
}

void ccsig_warc_reader_set_stop(ccsig_warc_reader *r, uint64_t stop) {
    r->stop = stop;
}

uint64_t ccsig_warc_reader_position(const ccsig_warc_reader *r) {
    return r->next_pos;
}

uint64_t ccsig_warc_reader_consumed(const ccsig_warc_reader *r) {
    return r->ibase + r->ipos - r->open_offset;
}

uint64_t ccsig_warc_reader_produced(const ccsig_warc_reader *r) {
    return r->produced;
}

ccsig_warc_codec ccsig_warc_reader_codec(const ccsig_warc_reader *r) {
    return r->codec;
}

bool ccsig_warc_zstd_dictionary_frame(const void *p, size_t n, size_t *frame_len, const void **dict,
                                      size_t *dict_len) {
    const uint8_t *b = p;
    if (n < 8 || le32(b) != ZSTD_DICT_FRAME)
        return false;
    size_t size = le32(b + 4);
    if (size > n - 8)
        return false;
    *frame_len = 8 + size;
    *dict = b + 8;
    *dict_len = size;
    return true;
}

ccsig_status ccsig_warc_reader_set_dictionary(ccsig_warc_reader *r, const void *p, size_t n,
                                              ccsig_error *err) {
    const uint8_t *b = p;
    uint8_t *raw = NULL;
    size_t rawn = n;
    if (n >= 4 && le32(b) == ZSTD_MAGIC) {
        /* A compressed dictionary: one frame with its content size. */
        unsigned long long sz = ZSTD_getFrameContentSize(p, n);
        if (sz == ZSTD_CONTENTSIZE_UNKNOWN || sz == ZSTD_CONTENTSIZE_ERROR ||
            sz > CCSIG_WARC_ZSTD_MAX_DICT)
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                   "compressed zstd dictionary without a usable content size");
        raw = ccsig_malloc(sz ? (size_t)sz : 1);
        if (!raw)
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "no memory for the zstd dictionary");
        size_t got = ZSTD_decompress(raw, (size_t)sz, p, n);
        if (ZSTD_isError(got) || got != sz) {
            ccsig_free(raw);
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "compressed zstd dictionary: %s",
                                   ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short content");
        }
        rawn = (size_t)sz;
    } else {
        if (n > CCSIG_WARC_ZSTD_MAX_DICT)
            return ccsig_error_set(err, CCSIG_ERR_LIMIT, 0,
                                   "zstd dictionary of %zu bytes exceeds 8 MiB", n);
        raw = ccsig_malloc(n ? n : 1);
        if (!raw)
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "no memory for the zstd dictionary");
        if (n)
            memcpy(raw, p, n);
    }
    if (rawn < 8 || le32(raw) != ZSTD_DICT_MAGIC) {
        ccsig_free(raw);
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "zstd dictionary does not start with the dictionary magic");
    }
    if (r->dict && r->dict_len == rawn && memcmp(r->dict, raw, rawn) == 0) {
        ccsig_free(raw); /* the same dictionary as before: keep the digested one */
    } else {
        ZSTD_DDict *d = ZSTD_createDDict(raw, rawn);
        if (!d) {
            ccsig_free(raw);
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "zstd rejected the dictionary");
        }
        ZSTD_freeDDict(r->ddict);
        ccsig_free(r->dict);
        r->ddict = d;
        r->dict = raw;
        r->dict_len = rawn;
    }
    ZSTD_DCtx_refDDict(r->zd, r->ddict);
    ZSTD_DCtx_refDDict(r->tzd, r->ddict);
    return CCSIG_OK;
}

/* ---- input window ---- */

static void in_compact(ccsig_warc_reader *r) {
    if (r->mem)
        return;
    size_t keep = r->ipos;
    if (r->ipin != NONE && r->ipin >= r->ibase && r->ipin <= r->ibase + r->ipos &&
        r->ibase + r->ipos - r->ipin <= CCSIG_WARC_INPUT_MAX / 2)
        keep = (size_t)(r->ipin - r->ibase);
    if (keep == 0)
        return;
    memmove(r->ibuf, r->ibuf + keep, r->ilen - keep);
    r->ilen -= keep;
    r->ipos -= keep;
    r->ibase += keep;
}

/* Make `need` bytes available at ipos, fewer only at the end of the input.
 * Returns the bytes available. */
static size_t in_ensure(ccsig_warc_reader *r, size_t need) {
    while (r->ilen - r->ipos < need && !r->ieof && !r->failed) {
        if (r->icap - r->ilen < MIN_SPACE || r->icap - r->ilen < need - (r->ilen - r->ipos))
            in_compact(r);
        if (r->icap - r->ilen < MIN_SPACE || r->icap - r->ilen < need - (r->ilen - r->ipos)) {
            size_t want = r->ilen + (need > MIN_SPACE ? need : MIN_SPACE);
            if (r->icap < CCSIG_WARC_INPUT_MAX + TRIAL_INPUT) {
                size_t nc = r->icap * 2;
                while (nc < want)
                    nc *= 2;
                if (nc > CCSIG_WARC_INPUT_MAX + TRIAL_INPUT)
                    nc = CCSIG_WARC_INPUT_MAX + TRIAL_INPUT;
                uint8_t *nb = ccsig_realloc(r->ibuf, nc);
                if (nb) {
                    r->ibuf = nb;
                    r->in = nb;
                    r->icap = nc;
                }
            }
            if (r->icap - r->ilen < MIN_SPACE && r->ipin != NONE) {
                r->ipin = NONE; /* give up keeping the record's members whole */
                in_compact(r);
            }
            if (r->icap == r->ilen)
                break;
        }
        size_t room = r->icap - r->ilen, want = need - (r->ilen - r->ipos);
        if (room > READ_CHUNK && want < READ_CHUNK)
            room = READ_CHUNK; /* read what is decoded soon, while it is in cache */
        ssize_t got = r->rfn(r->rctx, r->ibuf + r->ilen, room);
        if (got < 0) {
            r->failed = true;
            r->fail_errno = errno;
        } else if (got == 0) {
            r->ieof = true;
        } else {
            r->ilen += (size_t)got;
        }
    }
    return r->ilen - r->ipos;
}

/* Advance the input by n bytes (reading through them). Returns false when the
 * input ended first. */
static bool in_skip(ccsig_warc_reader *r, uint64_t n) {
    while (n) {
        size_t av = r->ilen - r->ipos;
        if (!av) {
            av = in_ensure(r, 1);
            if (!av)
                return false;
        }
        size_t take = av < n ? av : (size_t)n;
        r->ipos += take;
        n -= take;
    }
    return true;
}

/* ---- member map ---- */

static void map_start(ccsig_warc_reader *r, uint64_t comp) {
    member *m = &r->map[r->nmap++ % MAP_N];
    m->dec_start = r->obase + r->olen;
    m->comp_start = comp;
    m->ended = false;
    m->dec_end = m->comp_end = 0;
}

static void map_end(ccsig_warc_reader *r) {
    if (!r->nmap)
        return;
    member *m = &r->map[(r->nmap - 1) % MAP_N];
    m->dec_end = r->obase + r->olen;
    m->comp_end = r->ibase + r->ipos;
    m->ended = true;
    if (r->unv_off == m->comp_start)
        r->unv_n = 0; /* its check value matched: the records given out are whole */
}

/* The member holding stream offset d (the last that starts at or before it). */
static const member *map_find(const ccsig_warc_reader *r, uint64_t d) {
    size_t n = r->nmap < MAP_N ? r->nmap : MAP_N;
    for (size_t k = 0; k < n; k++) {
        const member *m = &r->map[(r->nmap - 1 - k) % MAP_N];
        if (m->dec_start <= d)
            return m;
    }
    return NULL;
}

static const member *map_ending_at(const ccsig_warc_reader *r, uint64_t d) {
    size_t n = r->nmap < MAP_N ? r->nmap : MAP_N;
    for (size_t k = 0; k < n; k++) {
        const member *m = &r->map[(r->nmap - 1 - k) % MAP_N];
        if (m->ended && m->dec_end == d)
            return m;
        if (m->dec_start < d && (!m->ended || m->dec_end < d))
            break;
    }
    return NULL;
}

/* The member starting at archive offset comp, if still remembered. */
static const member *map_by_comp(const ccsig_warc_reader *r, uint64_t comp) {
    size_t n = r->nmap < MAP_N ? r->nmap : MAP_N;
    for (size_t k = 0; k < n; k++) {
        const member *m = &r->map[(r->nmap - 1 - k) % MAP_N];
        if (m->comp_start == comp)
            return m;
    }
    return NULL;
}

static bool is_member_start(const ccsig_warc_reader *r, uint64_t d) {
    if (r->codec == CCSIG_WARC_PLAIN)
        return false;
    const member *m = map_find(r, d);
    return m && m->dec_start == d;
}

/* True when the stream at offset d sits exactly at the end of a member and
 * no further member has started: what follows is not decoded yet. */
static bool at_member_end(const ccsig_warc_reader *r, uint64_t d) {
    if (r->codec == CCSIG_WARC_PLAIN || r->in_member || !r->nmap)
        return false;
    const member *m = &r->map[(r->nmap - 1) % MAP_N];
    return m->ended && m->dec_end == d;
}

/* ---- codec layer ---- */

static void codec_damage(ccsig_warc_reader *r, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void codec_damage(ccsig_warc_reader *r, uint64_t off, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->cdmg_what, sizeof r->cdmg_what, fmt, ap);
    va_end(ap);
    r->cdmg = true;
    r->cdmg_off = off;
}

/* Whether a gzip member starting at p decodes to content starting "WARC/". */
static int arc_line(const uint8_t *p, size_t n);

/* Does decoded content start a record: "WARC/", or in an ARC file a header
 * line (as far as the first bytes tell)? */
static bool record_start(const uint8_t *out, size_t got, bool arc) {
    if (got >= 5 && memcmp(out, "WARC/", 5) == 0)
        return true;
    if (!arc || got < 8)
        return false;
    size_t i = 0;
    while (i < got && i < 16 && ((out[i] | 0x20) >= 'a' && (out[i] | 0x20) <= 'z'))
        i++;
    return i && i < got && out[i] == ':' && arc_line(out, got) != 0;
}

static bool trial_gzip_with(struct inflate_state *st, const uint8_t *p, size_t n, bool arc) {
    if (n < 18 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8 || (p[3] & 0xe0))
        return false;
    uint8_t out[64];
    isal_inflate_init(st);
    st->crc_flag = ISAL_GZIP;
    st->next_in = (uint8_t *)p;
    st->avail_in = (uint32_t)(n < TRIAL_INPUT ? n : TRIAL_INPUT);
    st->next_out = out;
    st->avail_out = sizeof out;
    int ret = isal_inflate(st);
    size_t got = sizeof out - st->avail_out;
    return ret == ISAL_DECOMP_OK && record_start(out, got, arc);
}

static bool trial_gzip(ccsig_warc_reader *r, const uint8_t *p, size_t n) {
    return trial_gzip_with(r->tinf, p, n, r->arc);
}

static bool trial_zstd_with(ZSTD_DCtx *z, const uint8_t *p, size_t n, bool arc) {
    if (n < 6 || le32(p) != ZSTD_MAGIC)
        return false;
    uint8_t out[64];
    ZSTD_DCtx_reset(z, ZSTD_reset_session_only);
    ZSTD_inBuffer ib = {p, n < TRIAL_INPUT ? n : TRIAL_INPUT, 0};
    ZSTD_outBuffer ob = {out, sizeof out, 0};
    while (ob.pos < 5 && ib.pos < ib.size) {
        size_t before = ib.pos;
        size_t ret = ZSTD_decompressStream(z, &ob, &ib);
        if (ZSTD_isError(ret) || ret == 0 || (ib.pos == before && ob.pos < 5))
            break;
    }
    return record_start(out, ob.pos, arc);
}

static bool trial_zstd(ccsig_warc_reader *r, const uint8_t *p, size_t n) {
    return trial_zstd_with(r->tzd, p, n, r->arc);
}

const char *ccsig_warc_unsupported(const void *p, size_t n) {
    const uint8_t *b = p;
    if (n >= 6 && memcmp(b,
                         "\xfd"
                         "7zXZ\0",
                         6) == 0)
        return "xz";
    if (n >= 4 && memcmp(b, "BZh", 3) == 0 && b[3] >= '1' && b[3] <= '9')
        return "bzip2";
    if (n >= 4 && (le32(b) == 0x184D2204u || le32(b) == 0x184C2102u))
        return "LZ4";
    return NULL;
}

bool ccsig_warc_is_arc(const void *p, size_t n) {
    const uint8_t *b = p;
    if (n >= 11 && memcmp(b, "filedesc://", 11) == 0)
        return true;
    uint8_t out[16];
    size_t got = 0;
    ccsig_warc_codec c = ccsig_warc_sniff(p, n);
    if (c == CCSIG_WARC_GZIP) {
        struct inflate_state *st = ccsig_malloc(sizeof *st);
        if (!st)
            return false;
        isal_inflate_init(st);
        st->crc_flag = ISAL_GZIP;
        st->next_in = (uint8_t *)b;
        st->avail_in = (uint32_t)(n < TRIAL_INPUT ? n : TRIAL_INPUT);
        st->next_out = out;
        st->avail_out = sizeof out;
        isal_inflate(st);
        got = sizeof out - st->avail_out;
        ccsig_free(st);
    } else if (c == CCSIG_WARC_ZSTD && n >= 4 && le32(b) == ZSTD_MAGIC) {
        ZSTD_DCtx *z = ZSTD_createDCtx();
        if (!z)
            return false;
        ZSTD_inBuffer ib = {p, n < TRIAL_INPUT ? n : TRIAL_INPUT, 0};
        ZSTD_outBuffer ob = {out, sizeof out, 0};
        while (ob.pos < sizeof out && ib.pos < ib.size) {
            size_t before = ib.pos, ret = ZSTD_decompressStream(z, &ob, &ib);
            if (ZSTD_isError(ret) || ret == 0 || ib.pos == before)
                break;
        }
        got = ob.pos;
        ZSTD_freeDCtx(z);
    }
    return got >= 11 && memcmp(out, "filedesc://", 11) == 0;
}

ccsig_warc_codec ccsig_warc_detect(const void *p, size_t n, uint64_t *first) {
    const uint8_t *b = p;
    *first = 0;
    ccsig_warc_codec c = ccsig_warc_sniff(p, n);
    if (c != CCSIG_WARC_PLAIN || n < 5 || memcmp(b, "WARC/", 5) == 0 ||
        (n >= 11 && memcmp(b, "filedesc://", 11) == 0) || ccsig_warc_unsupported(p, n))
        return c;
    struct inflate_state *st = ccsig_malloc(sizeof *st);
    ZSTD_DCtx *z = ZSTD_createDCtx();
    ccsig_warc_codec found = CCSIG_WARC_PLAIN;
    for (size_t i = 0; st && z && i + 5 <= n; i++) {
        if (b[i] == 0x1f && i + 18 <= n && trial_gzip_with(st, b + i, n - i, false)) {
            found = CCSIG_WARC_GZIP;
        } else if (b[i] == 0x28 && trial_zstd_with(z, b + i, n - i, false)) {
            found = CCSIG_WARC_ZSTD;
        } else if (b[i] == 'W' && (i == 0 || b[i - 1] == '\n') && memcmp(b + i, "WARC/", 5) == 0) {
            found = CCSIG_WARC_PLAIN;
        } else {
            continue;
        }
        *first = i;
        break;
    }
    ccsig_free(st);
    ZSTD_freeDCtx(z);
    return found;
}

/* Move the input to the next member or frame at or after archive offset
 * `from` whose content starts "WARC/" (or to the end). `limit`: do not look
 * at candidates starting at or beyond it (NONE: no limit). Returns true when
 * one was found (ipos is there). */
static bool in_rewind(ccsig_warc_reader *r, uint64_t comp);

static bool find_member(ccsig_warc_reader *r, uint64_t from, uint64_t limit) {
    r->ipin = NONE;
    /* A damaged member's decoder may have run on into the members after it:
     * the search starts from `from`, just after the damaged member's start. */
    if (from < r->ibase + r->ipos)
        in_rewind(r, from);
    if (from > r->ibase + r->ipos && !in_skip(r, from - (r->ibase + r->ipos)))
        return false;
    const uint8_t first = r->codec == CCSIG_WARC_GZIP ? 0x1f : 0x28;
    for (;;) {
        if (limit != NONE && r->ibase + r->ipos >= limit)
            return false;
        size_t av = in_ensure(r, 4);
        if (av < 4) {
            r->ipos = r->ilen;
            return false;
        }
        const uint8_t *q = memchr(r->in + r->ipos, first, av - 3);
        if (!q) {
            r->ipos = r->ilen - 3;
            continue;
        }
        r->ipos = (size_t)(q - r->in);
        if (limit != NONE && r->ibase + r->ipos >= limit)
            return false;
        bool magic =
            r->codec == CCSIG_WARC_GZIP ? (q[1] == 0x8b && q[2] == 8) : le32(q) == ZSTD_MAGIC;
        if (magic) {
            av = in_ensure(r, TRIAL_INPUT);
            const uint8_t *c = r->in + r->ipos;
            if (r->codec == CCSIG_WARC_GZIP ? trial_gzip(r, c, av) : trial_zstd(r, c, av))
                return true;
        }
        r->ipos++;
    }
}

/* After a bad member at archive offset `bad`, or garbage at ipos: move to the
 * next good member; leave a damage report. */
static void resync_members(ccsig_warc_reader *r, uint64_t bad, const char *what) {
    r->in_member = false;
    uint64_t start = r->ibase + r->ipos;
    const char *unit = r->codec == CCSIG_WARC_GZIP ? "gzip member" : "zstd frame";
    if (what) {
        bool found = find_member(r, bad + 1, NONE);
        if (found)
            codec_damage(r, bad, "%s at offset %llu is %s; skipped to the next %s at offset %llu",
                         unit, (unsigned long long)bad, what, unit,
                         (unsigned long long)(r->ibase + r->ipos));
        else if (!strcmp(what, "cut off"))
            codec_damage(r, bad, "%s at offset %llu is cut off at the end of the input", unit,
                         (unsigned long long)bad);
        else
            codec_damage(r, bad, "%s at offset %llu is %s; nothing readable follows it", unit,
                         (unsigned long long)bad, what);
        return;
    }
    bool found = find_member(r, start, NONE);
    uint64_t end = r->ibase + r->ipos;
    if (found && start == r->open_offset && r->nmap == 0)
        codec_damage(r, start, "%llu bytes of garbage before the first %s at offset %llu; skipped",
                     (unsigned long long)(end - start), unit, (unsigned long long)start);
    else if (found)
        codec_damage(r, start, "%llu bytes of garbage between %ss at offset %llu; skipped",
                     (unsigned long long)(end - start), unit, (unsigned long long)start);
    else if (start == r->open_offset && r->nmap == 0)
        codec_damage(r, start, "no %s found in %llu bytes: not %s data", unit,
                     (unsigned long long)(end - start),
                     r->codec == CCSIG_WARC_GZIP ? "gzip" : "zstd");
    else
        codec_damage(r, start, "%llu bytes of trailing garbage after the last %s at offset %llu",
                     (unsigned long long)(end - start), unit, (unsigned long long)start);
}

/* A member turned out damaged after this pump decoded some of it: give the
 * data out first (it may complete records that precede the damage); the
 * damage is returned by the next pump. */
static pump_r damaged_after(ccsig_warc_reader *r, size_t before_out) {
    if (r->olen > before_out) {
        r->cdmg_later = true;
        return P_DATA;
    }
    return P_DAMAGE;
}

/* Decode, past o[ahead_end), the whole gzip members that follow the one
 * just ended: up to AHEAD_N members and about AHEAD_BYTES, none starting at
 * or after the stop offset, reading the input on so that AHEAD_INPUT bytes
 * (or the rest of the input) are in hand for each. A member that is not a
 * plain gzip member, fails, or outgrows the window's room is not taken: the
 * ordinary decoding meets it. A member that goes on past the input in hand
 * is taken as far as it was decoded, and ends the batch. */
static void read_ahead(ccsig_warc_reader *r) {
    struct inflate_state *s = r->inf;
    uint64_t next = r->ibase + r->ipos;
    assert(!r->ahead_n);
    r->ahead_head = 0;
    r->ahead_end = r->olen;
    while (r->ahead_n < AHEAD_N && r->ahead_end - r->olen < AHEAD_BYTES) {
        size_t at = (size_t)(next - r->ibase), avail = r->ilen - at;
        if (avail < AHEAD_INPUT && !r->ieof && !r->failed) {
            /* read on now rather than decode a member the input cuts (and
             * decode it again later); the window keeps what follows ipos */
            in_ensure(r, at - r->ipos + AHEAD_INPUT);
            at = (size_t)(next - r->ibase);
            avail = r->ilen - at;
        }
        size_t space = r->ocap - r->ahead_end;
        if ((r->stop != NONE && next >= r->stop) || avail < 18 || space < MIN_SPACE)
            break;
        const uint8_t *p = r->in + at;
        if (p[0] != 0x1f || p[1] != 0x8b || (p[3] & 0xe0))
            break;
        isal_inflate_reset(s);
        s->crc_flag = ISAL_GZIP;
        s->next_in = (uint8_t *)p;
        s->avail_in = (uint32_t)(avail > (1u << 30) ? (1u << 30) : avail);
        s->next_out = r->o + r->ahead_end;
        s->avail_out = (uint32_t)(space > (1u << 30) ? (1u << 30) : space);
        int ret = isal_inflate(s);
        size_t len = (size_t)(s->next_out - (r->o + r->ahead_end));
        bool whole = ret == ISAL_DECOMP_OK && s->block_state == ISAL_BLOCK_FINISH;
        /* A member longer than the input in hand (a large record): what was
         * decoded is kept, and the decoder goes on with it after the
         * members before it are given out, as it would have. */
        bool cut = ret == ISAL_DECOMP_OK && !whole && s->avail_in == 0 && s->avail_out && len;
        if (!whole && !cut)
            break;
        uint64_t end = r->ibase + (size_t)(s->next_in - r->in);
        r->ahead[r->ahead_n].comp_start = next;
        r->ahead[r->ahead_n].comp_end = end;
        r->ahead[r->ahead_n].len = len;
        r->ahead[r->ahead_n].cut = cut;
        r->ahead_n++;
        r->ahead_end += len;
        next = end;
        if (cut)
            break;
    }
}

/* Give out the next member decoded ahead, as pump_gzip would have decoded
 * it now: whole, or as far as the input went (the member is then in
 * progress, its decoder state the one read_ahead left). */
static pump_r reveal_ahead(ccsig_warc_reader *r) {
    size_t k = r->ahead_head++;
    r->ahead_n--;
    assert(r->ahead[k].comp_start == r->ibase + r->ipos);
    map_start(r, r->ahead[k].comp_start);
    if (r->opos == r->olen)
        r->ipin = r->ahead[k].comp_start; /* a record likely starts here: keep its member */
    r->olen += r->ahead[k].len;
    r->produced += r->ahead[k].len;
    r->ipos = (size_t)(r->ahead[k].comp_end - r->ibase);
    if (r->ahead[k].cut) {
        r->in_member = true;
        return P_DATA;
    }
    map_end(r);
    return P_MEMBER_END;
}

static pump_r pump_gzip(ccsig_warc_reader *r) {
    struct inflate_state *s = r->inf;
    if (r->ahead_n && !r->in_member)
        return reveal_ahead(r);
    if (!r->in_member) {
        size_t av = in_ensure(r, 18);
        if (av == 0)
            return r->failed ? P_FAIL : P_EOF;
        const uint8_t *p = r->in + r->ipos;
        if (!(p[0] == 0x1f && (av < 2 || p[1] == 0x8b)) || av < 18) {
            resync_members(r, 0, NULL);
            return r->failed ? P_FAIL : P_DAMAGE;
        }
        if (p[3] & 0xe0) { /* RFC 1952: reserved FLG bits set means not readable as gzip */
            uint64_t at = r->ibase + r->ipos;
            map_start(r, at);
            resync_members(r, at, "damaged (reserved gzip flag bits set)");
            return r->failed ? P_FAIL : P_DAMAGE;
        }
        isal_inflate_reset(s);
        s->crc_flag = ISAL_GZIP;
        r->in_member = true;
        map_start(r, r->ibase + r->ipos);
        if (r->opos == r->olen)
            r->ipin = r->ibase + r->ipos; /* a record likely starts here: keep its member */
    }
    const member *m = &r->map[(r->nmap - 1) % MAP_N];
    uint64_t mstart = m->comp_start;
    for (;;) {
        size_t before_out = r->olen, before_in = r->ipos;
        size_t space = r->ocap - r->olen;
        size_t avail = r->ilen - r->ipos;
        s->next_in = (uint8_t *)r->in + r->ipos;
        s->avail_in = (uint32_t)(avail > (1u << 30) ? (1u << 30) : avail);
        s->next_out = r->o + r->olen;
        s->avail_out = (uint32_t)(space > (1u << 30) ? (1u << 30) : space);
        int ret = isal_inflate(s);
        r->ipos = (size_t)(s->next_in - r->in);
        r->olen = (size_t)(s->next_out - r->o);
        r->produced += r->olen - before_out;
        if (ret != ISAL_DECOMP_OK) {
            const char *why = ret == ISAL_INCORRECT_CHECKSUM ? "damaged (CRC-32 mismatch)"
                              : ret == ISAL_INVALID_WRAPPER || ret == ISAL_UNSUPPORTED_METHOD
                                  ? "damaged (invalid gzip header)"
                                  : "damaged (invalid deflate data)";
            resync_members(r, mstart, why);
            if (r->failed)
                return P_FAIL;
            return damaged_after(r, before_out);
        }
        if (s->block_state == ISAL_BLOCK_FINISH) {
            r->in_member = false;
            map_end(r);
            if (!r->cdmg)
                read_ahead(r);
            return P_MEMBER_END;
        }
        if (r->olen > before_out)
            return P_DATA;
        if (r->ipos == before_in || r->ipos == r->ilen) {
            size_t av = in_ensure(r, r->ilen - r->ipos + 1);
            if (av == 0 || (r->ipos == before_in && av == avail)) {
                if (r->failed)
                    return P_FAIL;
                r->in_member = false;
                /* Cut off: its decoder may have taken the members after it
                 * for its own data; they are searched for again. */
                resync_members(r, mstart, "cut off");
                return r->failed ? P_FAIL : P_DAMAGE;
            }
        }
    }
}

static pump_r pump_zstd(ccsig_warc_reader *r) {
    while (!r->in_member) {
        size_t av = in_ensure(r, 8);
        if (av == 0)
            return r->failed ? P_FAIL : P_EOF;
        const uint8_t *p = r->in + r->ipos;
        uint32_t magic = av >= 4 ? le32(p) : 0;
        uint64_t at = r->ibase + r->ipos;
        if (av >= 8 && (magic & 0xFFFFFFF0u) == 0x184D2A50u) {
            uint32_t size = le32(p + 4);
            if (magic == ZSTD_DICT_FRAME && at == 0) {
                if (size > 2 * CCSIG_WARC_ZSTD_MAX_DICT) {
                    codec_damage(r, 0, "zstd dictionary frame of %u bytes exceeds the 8 MiB limit",
                                 size);
                    in_skip(r, 8 + (uint64_t)size);
                    return P_DAMAGE;
                }
                av = in_ensure(r, 8 + (size_t)size);
                if (av < 8 + (size_t)size) {
                    codec_damage(r, 0, "zstd dictionary frame is cut off at the end of the input");
                    r->ipos = r->ilen;
                    return P_DAMAGE;
                }
                ccsig_error e;
                if (ccsig_warc_reader_set_dictionary(r, r->in + r->ipos + 8, size, &e)) {
                    codec_damage(r, 0, "zstd dictionary frame unusable: %s", e.message);
                    r->ipos += 8 + (size_t)size;
                    return P_DAMAGE;
                }
                r->ipos += 8 + (size_t)size;
                continue;
            }
            /* An extension (skippable) frame: ignored, as the convention says. */
            if (!in_skip(r, 8 + (uint64_t)size)) {
                if (r->failed)
                    return P_FAIL;
                codec_damage(r, at, "zstd skippable frame at offset %llu is cut off at the end",
                             (unsigned long long)at);
                return P_DAMAGE;
            }
            continue;
        }
        if (av < 4 || magic != ZSTD_MAGIC) {
            resync_members(r, 0, NULL);
            return r->failed ? P_FAIL : P_DAMAGE;
        }
        ZSTD_DCtx_reset(r->zd, ZSTD_reset_session_only);
        r->in_member = true;
        map_start(r, at);
        if (r->opos == r->olen)
            r->ipin = at; /* a record likely starts here: keep its frame */
    }
    uint64_t mstart = r->map[(r->nmap - 1) % MAP_N].comp_start;
    for (;;) {
        size_t avail = r->ilen - r->ipos;
        ZSTD_inBuffer ib = {r->in + r->ipos, avail, 0};
        ZSTD_outBuffer ob = {r->o + r->olen, r->ocap - r->olen, 0};
        size_t ret = ZSTD_decompressStream(r->zd, &ob, &ib);
        r->ipos += ib.pos;
        r->olen += ob.pos;
        r->produced += ob.pos;
        if (ZSTD_isError(ret)) {
            char why[120];
            setf(why, sizeof why, "damaged (%s)", ZSTD_getErrorName(ret));
            size_t before_out = r->olen - ob.pos;
            resync_members(r, mstart, why);
            if (r->failed)
                return P_FAIL;
            return damaged_after(r, before_out);
        }
        if (ret == 0) {
            r->in_member = false;
            map_end(r);
            return P_MEMBER_END;
        }
        if (ob.pos)
            return P_DATA;
        if (ib.pos == 0 || r->ipos == r->ilen) {
            size_t av = in_ensure(r, r->ilen - r->ipos + 1);
            if (av == 0 || (ib.pos == 0 && av == avail)) {
                if (r->failed)
                    return P_FAIL;
                r->in_member = false;
                /* Cut off: its decoder may have taken the members after it
                 * for its own data; they are searched for again. */
                resync_members(r, mstart, "cut off");
                return r->failed ? P_FAIL : P_DAMAGE;
            }
        }
    }
}

static pump_r pump_plain(ccsig_warc_reader *r) {
    size_t av = in_ensure(r, 1);
    if (av == 0)
        return r->failed ? P_FAIL : P_EOF;
    size_t n = r->ocap - r->olen;
    if (n > av)
        n = av;
    memcpy(r->o + r->olen, r->in + r->ipos, n);
    r->olen += n;
    r->ipos += n;
    r->produced += n;
    return P_DATA;
}

/* Decode more bytes into the window, making room first by dropping what
 * precedes opos. */
static pump_r pump(ccsig_warc_reader *r) {
    if (!r->codec_known) {
        size_t av = in_ensure(r, TRIAL_INPUT);
        uint64_t first;
        r->codec = ccsig_warc_detect(r->in + r->ipos, av, &first);
        r->codec_known = true;
        if (r->codec == CCSIG_WARC_PLAIN)
            r->obase = r->sol = r->open_offset;
    }
    if (r->opos && !r->ahead_n &&
        (r->ocap - r->olen < MIN_SPACE ||
         (r->opos >= COMPACT_AT && r->olen - r->opos <= COMPACT_TAIL))) {
        memmove(r->o, r->o + r->opos, r->olen - r->opos);
        r->olen -= r->opos;
        r->obase += r->opos;
        r->opos = 0;
    }
    if (r->cdmg_later) {
        r->cdmg_later = false;
        return P_DAMAGE;
    }
    if (r->olen == r->ocap)
        return P_DATA; /* caller holds a full window; it consumes before asking again */
    switch (r->codec) {
    case CCSIG_WARC_GZIP:
        return pump_gzip(r);
    case CCSIG_WARC_ZSTD:
        return pump_zstd(r);
    default:
        return pump_plain(r);
    }
}

/* ---- framing ---- */

typedef enum need_r { N_OK, N_SHORT, N_DAMAGE, N_FAIL } need_r;

/* Have n bytes at opos in the window, decoding as needed. */
static need_r need(ccsig_warc_reader *r, size_t n) {
    while (r->olen - r->opos < n) {
        pump_r p = pump(r);
        if (p == P_EOF)
            return N_SHORT;
        if (p == P_FAIL)
            return N_FAIL;
        if (p == P_DAMAGE)
            return N_DAMAGE;
    }
    return N_OK;
}

/* Put the input back at archive offset `comp`: still in the input window,
 * or through the seek function. */
static bool in_rewind(ccsig_warc_reader *r, uint64_t comp) {
    if (comp >= r->ibase && comp <= r->ibase + r->ilen) {
        r->ipos = (size_t)(comp - r->ibase);
        return true;
    }
    if (!r->sfn || comp < r->open_offset || r->sfn(r->rctx, comp) != 0)
        return false;
    r->ibase = comp;
    r->ilen = r->ipos = 0;
    r->ieof = r->failed = false;
    return true;
}

/* Decode again from archive offset `comp` (stream offset `dec`: the start of
 * the member holding a record, or on plain input any offset before `target`)
 * up to stream offset `target`, and leave opos just before it. Used when a
 * record's block swallowed what followed it. False when the input cannot go
 * back or decoding fails on the way (the window is then empty). */
static bool stream_rewind(ccsig_warc_reader *r, uint64_t comp, uint64_t dec, uint64_t target) {
    if (comp == NONE || target <= dec)
        return false;
    if (r->codec == CCSIG_WARC_PLAIN)
        comp = dec = target - 1;
    if (!in_rewind(r, comp))
        return false;
    r->in_member = false;
    r->nmap = 0;
    r->ahead_n = 0;
    r->cdmg = r->cdmg_later = false;
    r->ipin = NONE;
    r->opos = r->olen = 0;
    r->obase = dec;
    while (r->obase + r->olen <= target) {
        r->opos = r->olen;
        pump_r p = pump(r);
        if (p != P_DATA && p != P_MEMBER_END) {
            r->opos = r->olen;
            r->cdmg = false;
            return false;
        }
    }
    r->opos = target - 1 >= r->obase ? (size_t)(target - 1 - r->obase) : 0;
    return true;
}

static ccsig_warc_next fail(ccsig_warc_reader *r, ccsig_warc_damage *d) {
    r->done = true;
    d->offset = r->ibase + r->ipos;
    d->stream_offset = r->obase + r->olen;
    d->record_lost = false;
    d->type = CCSIG_WARC_OTHER;
    setf(d->what, sizeof d->what, "read error: %s", strerror(r->fail_errno));
    return CCSIG_WARC_FAILED;
}

/* The archive offset to name for stream offset d. */
static uint64_t archive_offset(const ccsig_warc_reader *r, uint64_t d) {
    if (r->codec == CCSIG_WARC_PLAIN)
        return d;
    const member *m = map_find(r, d);
    return m ? m->comp_start : r->ibase + r->ipos;
}

/* The current record's offset as damage reports name it: its archive offset,
 * and its decompressed offset when it begins inside a member. Formatted only
 * when a report needs it. */
static const char *lbl(ccsig_warc_reader *r) {
    if (r->lbl_aligned)
        setf(r->lbl, sizeof r->lbl, "%llu", (unsigned long long)r->lbl_off);
    else
        setf(r->lbl, sizeof r->lbl, "%llu (decompressed offset %llu)",
             (unsigned long long)r->lbl_off, (unsigned long long)r->dmg_stream);
    return r->lbl;
}

/* Report the codec layer's damage; the data in the window is dropped (it is
 * cut off from what follows). */
static ccsig_warc_next report_codec(ccsig_warc_reader *r, ccsig_warc_damage *d,
                                    const ccsig_warc_header *lost, uint64_t lost_off,
                                    const char *extra) {
    r->cdmg = false;
    r->opos = r->olen;
    if (r->unv_off == r->cdmg_off && r->unv_n) {
        d->unverified = r->unv_n;
        d->unverified_from = r->unv_from;
        d->unverified_to = r->unv_to;
        r->unv_n = 0;
    }
    d->record_lost = lost != NULL;
    d->type = lost ? lost->type : CCSIG_WARC_OTHER;
    d->stream_offset = r->dmg_stream;
    if (lost) {
        d->offset = lost_off;
        setf(d->what, sizeof d->what, "%s record at offset %s lost%s: %s",
             ccsig_warc_type_name(lost->type), lbl(r), extra ? extra : "", r->cdmg_what);
    } else {
        d->offset = r->cdmg_off;
        setf(d->what, sizeof d->what, "%s", r->cdmg_what);
    }
    return CCSIG_WARC_DAMAGE;
}

/* Is o[i] a place a record may start: the start of the stream, after a line
 * end, or the start of a member. */
static bool line_start(const ccsig_warc_reader *r, size_t i) {
    if (i > 0)
        return r->o[i - 1] == '\n' || is_member_start(r, r->obase + i);
    return r->obase == r->sol || is_member_start(r, r->obase);
}

typedef enum resync_r { R_FOUND, R_END, R_CODEC, R_FAIL } resync_r;

/* Does p start a version line, "WARC/" digits "." digits line end? 1 yes,
 * 0 no, -1 not enough bytes to tell. Used to resynchronise on a record that
 * garbage runs into without a line end. */
static int version_line(const uint8_t *p, size_t n) {
    size_t i = 5, d1 = 0, d2 = 0;
    for (; i < n && p[i] >= '0' && p[i] <= '9' && d1 < 4; i++)
        d1++;
    if (i >= n)
        return -1;
    if (!d1 || p[i] != '.')
        return 0;
    for (i++; i < n && p[i] >= '0' && p[i] <= '9' && d2 < 4; i++)
        d2++;
    if (i >= n)
        return -1;
    if (!d2)
        return 0;
    if (p[i] == '\n')
        return 1;
    if (p[i] != '\r')
        return 0;
    return i + 1 >= n ? -1 : p[i + 1] == '\n';
}

/* Move opos to the next "WARC/" at a line start at or after stream offset
 * `from`. Codec damage met on the way stays pending in r->cdmg (reported by
 * the next call) and ends the search: the codec has moved to a good member. */
/* ---- ARC ---- */

/* Longest ARC header line looked at. */
#define ARC_MAX_LINE 8192

/* Parse an ARC header line p[0..n) (without its line end): URL, IP address,
 * 14-digit date, content type, then (ARC v2) more fields; the last field is
 * the length of the record's block. Fills the header as a WARC record's:
 * filedesc:// is the file header (warcinfo), http(s) captures are responses,
 * anything else a resource. */
static bool arc_parse(const char *p, size_t n, ccsig_warc_header *h) {
    const char *tok[16];
    size_t len[16], nt = 0, i = 0;
    while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
        n--;
    while (i < n) {
        while (i < n && p[i] == ' ')
            i++;
        if (i == n)
            break;
        if (nt == 16)
            return false;
        size_t st = i;
        while (i < n && p[i] != ' ')
            i++;
        tok[nt] = p + st;
        len[nt++] = i - st;
    }
    if (nt < 5 || len[2] < 12 || len[2] > 14)
        return false;
    for (size_t k = 0; k < len[2]; k++)
        if (tok[2][k] < '0' || tok[2][k] > '9')
            return false;
    const char *colon = memchr(tok[0], ':', len[0]);
    if (!colon || colon == tok[0])
        return false;
    uint64_t cl;
    if (!ccsig_str_u64(ccsig_str_make(tok[nt - 1], len[nt - 1]), &cl))
        return false;
    memset(h, 0, offsetof(ccsig_warc_header, fields));
    h->version = ccsig_str_make("ARC", 3);
    h->target_uri = ccsig_str_make(tok[0], len[0]);
    h->date = ccsig_str_make(tok[2], len[2]);
    h->content_type = ccsig_str_make(tok[3], len[3]);
    h->content_length = cl;
    ccsig_str scheme = ccsig_str_make(tok[0], (size_t)(colon - tok[0]));
    h->type = CCSIG_STR_IEQ(scheme, "filedesc") ? CCSIG_WARC_WARCINFO
              : CCSIG_STR_IEQ(scheme, "http") || CCSIG_STR_IEQ(scheme, "https")
                  ? CCSIG_WARC_RESPONSE
                  : CCSIG_WARC_RESOURCE;
    h->type_name = ccsig_str_make(type_names[h->type].s, type_names[h->type].n);
    return true;
}

/* Does p start an ARC header line? 1 yes, 0 no, -1 not enough bytes. */
static int arc_line(const uint8_t *p, size_t n) {
    size_t lim = n < ARC_MAX_LINE ? n : ARC_MAX_LINE;
    const uint8_t *lf = memchr(p, '\n', lim);
    if (!lf)
        return n < ARC_MAX_LINE ? -1 : 0;
    ccsig_warc_header h;
    return arc_parse((const char *)p, (size_t)(lf - p), &h);
}

/* resync_stream for ARC input: the next line that is an ARC header line. */
static resync_r resync_arc(ccsig_warc_reader *r, uint64_t from) {
    uint64_t at = from;
    for (;;) {
        size_t i = at > r->obase ? (size_t)(at - r->obase) : 0;
        while (i < r->olen) {
            if (line_start(r, i)) {
                int v = arc_line(r->o + i, r->olen - i);
                if (v > 0) {
                    r->opos = i;
                    return R_FOUND;
                }
                if (v < 0)
                    break;
            }
            const uint8_t *lf = memchr(r->o + i, '\n', r->olen - i);
            if (!lf) {
                i = r->olen;
                break;
            }
            /* a cut record runs into the next header line without a line
             * end: look for an http(s) capture's line inside this line */
            for (const uint8_t *h = r->o + i + 1;
                 h < lf && (h = memmem(h, (size_t)(lf - h), "http", 4)) != NULL; h++)
                if (arc_line(h, r->olen - (size_t)(h - r->o)) > 0) {
                    r->opos = (size_t)(h - r->o);
                    return R_FOUND;
                }
            i = (size_t)(lf - r->o) + 1;
        }
        at = r->obase + i;
        uint64_t keep = at > r->obase + 1 ? at - 1 : r->obase;
        r->opos = (size_t)(keep - r->obase);
        pump_r p = pump(r);
        if (p == P_EOF) {
            r->opos = r->olen;
            return R_END;
        }
        if (p == P_FAIL) {
            r->opos = r->olen;
            return R_FAIL;
        }
        if (p == P_DAMAGE) {
            r->opos = r->olen;
            return R_CODEC;
        }
    }
}

static resync_r resync_stream(ccsig_warc_reader *r, uint64_t from) {
    if (r->arc)
        return resync_arc(r, from);
    uint64_t at = from; /* stream offset searched from */
    for (;;) {
        size_t i = at > r->obase ? (size_t)(at - r->obase) : 0;
        while (i + 5 <= r->olen) {
            const uint8_t *w = memchr(r->o + i, 'W', r->olen - i - 4);
            if (!w) {
                i = r->olen - 4; /* no "WARC/" starts before here */
                break;
            }
            i = (size_t)(w - r->o);
            if (memcmp(w, "WARC/", 5) == 0) {
                int v = line_start(r, i) ? 1 : version_line(r->o + i, r->olen - i);
                if (v > 0) {
                    r->opos = i;
                    return R_FOUND;
                }
                if (v < 0)
                    break; /* decide when more is decoded */
            }
            i++;
        }
        at = r->obase + (i < r->olen ? i : r->olen);
        if (r->olen > 5 && at > r->obase + r->olen - 5)
            at = r->obase + r->olen - 5;
        /* Keep one byte before `at` (line_start looks at it). */
        uint64_t keep = at > r->obase + 1 ? at - 1 : r->obase;
        r->opos = (size_t)(keep - r->obase);
        pump_r p = pump(r);
        if (p == P_EOF) {
            r->opos = r->olen;
            return R_END;
        }
        if (p == P_FAIL) {
            r->opos = r->olen;
            return R_FAIL;
        }
        if (p == P_DAMAGE) {
            r->opos = r->olen;
            return R_CODEC;
        }
    }
}

/* Report damage at archive offset `off` concerning a record (lost_type, or
 * -1 for none), resynchronise from stream offset `from` and say where the
 * reading resumed. */
static ccsig_warc_next damage(ccsig_warc_reader *r, ccsig_warc_damage *d, uint64_t off,
                              int lost_type, uint64_t from, const char *what) {
    d->offset = off;
    d->record_lost = lost_type >= 0;
    d->type = lost_type >= 0 ? (ccsig_warc_type)lost_type : CCSIG_WARC_OTHER;
    d->stream_offset = r->dmg_stream;
    resync_r rr = resync_stream(r, from);
    uint64_t at = r->obase + r->opos;
    if (rr == R_FOUND && (r->codec == CCSIG_WARC_PLAIN || is_member_start(r, at)))
        setf(d->what, sizeof d->what, "%s; resumed at the record at offset %llu", what,
             (unsigned long long)archive_offset(r, at));
    else if (rr == R_FOUND)
        setf(d->what, sizeof d->what,
             "%s; resumed at the record at offset %llu (decompressed offset %llu)", what,
             (unsigned long long)archive_offset(r, at), (unsigned long long)at);
    else if (rr == R_END)
        setf(d->what, sizeof d->what, "%s; no record follows", what);
    else
        setf(d->what, sizeof d->what, "%s", what);
    return CCSIG_WARC_DAMAGE;
}

/* Parse the current record's header again where its bytes are now (the
 * window moved, or the header was copied to hbuf). */
static void reparse(ccsig_warc_reader *r, const char *p, size_t hl, ccsig_warc_header *h) {
    if (r->arc) {
        arc_parse(p, hl - 1, h);
        h->header_len = hl;
        return;
    }
    ccsig_error e;
    ccsig_arena_reset(&r->arena);
    ccsig_warc_header_parse(&r->arena, p, hl, h, &e);
}

/* A record's block ran into codec damage in a later member: its
 * Content-Length is likely wrong and its block swallowed intact records.
 * The record is lost; the stream is decoded again from its member and
 * searched from just after its start (the damage is met again in its turn).
 * When the input cannot go back, the codec damage is reported as it is. */
static ccsig_warc_next block_into_damage(ccsig_warc_reader *r, ccsig_warc_damage *d,
                                         const ccsig_warc_header *h, uint64_t off, uint64_t D,
                                         uint64_t back_comp, uint64_t back_dec, const char *extra) {
    char what[200];
    setf(what, sizeof what,
         "%s record at offset %s: Content-Length %llu runs into damage further on (%s)",
         ccsig_warc_type_name(h->type), lbl(r), (unsigned long long)h->content_length,
         r->cdmg_what);
    ccsig_warc_type type = h->type;
    if (!stream_rewind(r, back_comp, back_dec, D + 1))
        return report_codec(r, d, h, off, extra);
    return damage(r, d, off, type, D + 1, what);
}

/* A record's header (WARC header block or ARC header line) at r->opos is
 * not ended within the bytes held: read more. true when more arrived;
 * otherwise *out is the step's result: damage when the header passes max
 * bytes (too_long, with the record's label and max) or the input ends
 * inside it (cut, with the label), the codec's damage, or a read failure.
 * Shared by the WARC and ARC header loops. */
static bool header_more(ccsig_warc_reader *r, ccsig_warc_damage *d, uint64_t off, uint64_t D,
                        size_t have, unsigned max, const char *too_long, const char *cut,
                        ccsig_warc_next *out) {
    char what[200];
    if (have >= max) {
        setf(what, sizeof what, too_long, lbl(r), max);
        *out = damage(r, d, off, CCSIG_WARC_OTHER, D + 1, what);
        return false;
    }
    need_r nr = need(r, have + 1);
    if (nr == N_OK)
        return true;
    if (nr == N_FAIL) {
        *out = fail(r, d);
    } else if (nr == N_DAMAGE) {
        ccsig_warc_header unknown = {.type = CCSIG_WARC_OTHER};
        *out = report_codec(r, d, &unknown, off, NULL);
    } else {
        setf(what, sizeof what, cut, lbl(r));
        *out = damage(r, d, off, CCSIG_WARC_OTHER, D + 1, what);
    }
    return false;
}

ccsig_warc_next ccsig_warc_reader_next(ccsig_warc_reader *r, ccsig_warc_record *rec,
                                       ccsig_warc_damage *d) {
    char what[200];
    d->what[0] = '\0';
    d->unverified = 0;
    d->unverified_from = d->unverified_to = 0;
    r->dmg_stream = r->obase + r->opos;
    if (r->done)
        return CCSIG_WARC_END;
    /* The previous record's raw bytes are no longer promised: the input
     * window may drop them (a new record pins its own members). */
    r->ipin = NONE;
    if (r->cdmg && !r->cdmg_later)
        return report_codec(r, d, NULL, 0, NULL);
    if (r->failed && r->ilen == r->ipos)
        return fail(r, d);
    if (r->check_magic) {
        r->check_magic = false;
        size_t av = in_ensure(r, 8);
        const char *name = ccsig_warc_unsupported(r->in + r->ipos, av);
        if (name) {
            r->done = true;
            r->next_pos = r->ibase + r->ipos;
            d->offset = 0;
            d->stream_offset = 0;
            d->record_lost = false;
            d->type = CCSIG_WARC_OTHER;
            setf(d->what, sizeof d->what,
                 "%s-compressed input (its magic number at offset 0): ccsig reads plain, gzip "
                 "and zstd WARC files; decompress it first",
                 name);
            return CCSIG_WARC_DAMAGE;
        }
    }

    /* 1. Between records: line ends (0-2 CRLF is the norm; any run is fine). */
    for (;;) {
        if (r->opos == r->olen && r->olen && !r->ahead_n) {
            r->obase += r->olen;
            r->opos = r->olen = 0;
        }
        while (r->opos < r->olen && (r->o[r->opos] == '\r' || r->o[r->opos] == '\n'))
            r->opos++;
        if (r->opos < r->olen)
            break;
        pump_r p = pump(r);
        if (p == P_EOF) {
            r->done = true;
            r->next_pos = r->ibase + r->ilen;
            return CCSIG_WARC_END;
        }
        if (p == P_FAIL)
            return fail(r, d);
        if (p == P_DAMAGE)
            return report_codec(r, d, NULL, 0, NULL);
    }
    uint64_t D = r->obase + r->opos;
    r->dmg_stream = D;
    need_r nr = need(r, 5);
    if (nr == N_FAIL)
        return fail(r, d);
    if (nr == N_DAMAGE)
        return report_codec(r, d, NULL, 0, NULL);
    if (!r->arc_checked) {
        /* ARC v1: the file starts with its filedesc:// header record */
        r->arc_checked = true;
        r->arc = r->olen - r->opos >= 11 && memcmp(r->o + r->opos, "filedesc://", 11) == 0;
    }
    if (!r->arc && (r->olen - r->opos < 5 || memcmp(r->o + r->opos, "WARC/", 5) != 0)) {
        uint64_t goff = archive_offset(r, D);
        ccsig_warc_next res = damage(r, d, goff, -1, D + 1, "");
        uint64_t skipped = r->obase + r->opos - D;
        char rest[200];
        setf(rest, sizeof rest, "%s", d->what);
        if (r->codec == CCSIG_WARC_PLAIN)
            setf(d->what, sizeof d->what, "%llu bytes at offset %llu are not a WARC record%s",
                 (unsigned long long)skipped, (unsigned long long)goff, rest);
        else
            setf(d->what, sizeof d->what,
                 "%llu bytes decoded from the member at offset %llu (decompressed offset %llu) "
                 "are not a WARC record%s",
                 (unsigned long long)skipped, (unsigned long long)goff, (unsigned long long)D,
                 rest);
        return res;
    }

    /* 2. Where the record is in the archive; stop at the boundary. */
    const member *m = r->codec == CCSIG_WARC_PLAIN ? NULL : map_find(r, D);
    bool aligned = r->codec == CCSIG_WARC_PLAIN || (m && m->dec_start == D);
    uint64_t off = r->codec == CCSIG_WARC_PLAIN ? D : m ? m->comp_start : r->ibase + r->ipos;
    r->dmg_stream = D;
    r->lbl_off = off;
    r->lbl_aligned = aligned;
    if (r->stop != NONE && aligned && off >= r->stop) {
        r->done = true;
        r->next_pos = off;
        return CCSIG_WARC_END;
    }
    if (r->codec != CCSIG_WARC_PLAIN)
        r->ipin = off;
    /* Where to decode again from should the block swallow what follows. */
    uint64_t back_comp = r->codec == CCSIG_WARC_PLAIN ? D : m ? m->comp_start : NONE;
    uint64_t back_dec = r->codec == CCSIG_WARC_PLAIN ? D : m ? m->dec_start : NONE;

    /* 3. The header. */
    size_t hl;
    bool inner_version;
    if (r->arc)
        goto arc_header;
    for (;;) {
        size_t have = r->olen - r->opos;
        inner_version = false;
        hl = header_end_at((const char *)r->o + r->opos, have, &inner_version);
        if (hl)
            break;
        ccsig_warc_next out;
        if (!header_more(r, d, off, D, have, CCSIG_WARC_MAX_HEADER,
                         "record at offset %s: WARC header not ended by an empty line within "
                         "%u bytes",
                         "record at offset %s is cut off at the end of the input inside its WARC "
                         "header",
                         &out))
            return out;
    }
    if (inner_version) {
        /* A version line inside the header: this record was cut (at the end
         * of its member, or in the middle of the file) and the next record's
         * header ran on from its fragment. */
        setf(what, sizeof what,
             "record at offset %s is cut off inside its WARC header by the next record", lbl(r));
        return damage(r, d, off, CCSIG_WARC_OTHER, D + 1, what);
    }
    ccsig_arena_reset(&r->arena);
    ccsig_error e;
    ccsig_status hst =
        ccsig_warc_header_parse(&r->arena, (const char *)r->o + r->opos, hl, &rec->h, &e);
    if (hst == CCSIG_ERR_NOMEM) { /* not damage: the reader cannot go on */
        r->fail_errno = ENOMEM;
        return fail(r, d);
    }
    if (hst) {
        setf(what, sizeof what, "record at offset %s: invalid WARC header: %s", lbl(r), e.message);
        return damage(r, d, off, CCSIG_WARC_OTHER, D + 1, what);
    }
    if (0) {
    arc_header:
        for (;;) {
            size_t have = r->olen - r->opos;
            const uint8_t *lf =
                memchr(r->o + r->opos, '\n', have < ARC_MAX_LINE ? have : ARC_MAX_LINE);
            if (lf) {
                hl = (size_t)(lf - (r->o + r->opos)) + 1;
                break;
            }
            ccsig_warc_next out;
            if (!header_more(r, d, off, D, have, ARC_MAX_LINE,
                             "ARC record at offset %s: header line not ended within %u bytes",
                             "ARC record at offset %s is cut off at the end of the input inside "
                             "its header line",
                             &out))
                return out;
        }
        if (!arc_parse((const char *)r->o + r->opos, hl - 1, &rec->h)) {
            setf(what, sizeof what,
                 "record at offset %s: not an ARC header line (URL IP-address date "
                 "content-type length)",
                 lbl(r));
            return damage(r, d, off, CCSIG_WARC_OTHER, D + 1, what);
        }
        rec->h.header_len = hl;
    }
    ccsig_warc_type type = rec->h.type;
    uint64_t parsed_base = r->obase; /* rec->h points into the window as it is now */

    /* 4. The block. */
    uint64_t cl = rec->h.content_length;
    bool big = cl > r->hold;
    size_t take = big ? hl + r->hold : hl + (size_t)cl;
    nr = need(r, take);
    if (nr == N_FAIL)
        return fail(r, d);
    if (nr == N_DAMAGE) {
        char extra[96];
        setf(extra, sizeof extra, " (its block has %llu of %llu bytes)",
             (unsigned long long)(r->olen - r->opos - hl), (unsigned long long)cl);
        if (r->cdmg_off != off)
            return block_into_damage(r, d, &rec->h, off, D, back_comp, back_dec, extra);
        return report_codec(r, d, &rec->h, off, extra);
    }
    if (nr == N_SHORT) {
        /* A block cut by the end of the input, or a Content-Length too
         * large: records its block would hold are searched for. */
        setf(what, sizeof what,
             "%s record at offset %s is cut off at the end of the input: its block has "
             "%llu of %llu bytes",
             ccsig_warc_type_name(type), lbl(r), (unsigned long long)(r->olen - r->opos - hl),
             (unsigned long long)cl);
        return damage(r, d, off, type, D + 1, what);
    }
    uint64_t after; /* stream offset just past the block */
    if (!big) {
        after = D + take;
    } else {
        memcpy(r->hbuf, r->o + r->opos, take);
        ccsig_arena_reset(&r->arena);
        reparse(r, (const char *)r->hbuf, hl, &rec->h);
        r->opos += take;
        uint64_t left = cl - r->hold;
        while (left) {
            if (r->opos == r->olen) {
                pump_r p = pump(r);
                if (p == P_FAIL)
                    return fail(r, d);
                if (p == P_DAMAGE && r->cdmg_off != off)
                    return block_into_damage(r, d, &rec->h, off, D, back_comp, back_dec, NULL);
                if (p == P_DAMAGE)
                    return report_codec(r, d, &rec->h, off, NULL);
                if (p == P_EOF) {
                    setf(what, sizeof what,
                         "%s record at offset %s is cut off at the end of the input: its "
                         "block has %llu of %llu bytes",
                         ccsig_warc_type_name(type), lbl(r), (unsigned long long)(cl - left),
                         (unsigned long long)cl);
                    if (!stream_rewind(r, back_comp, back_dec, D + 1)) {
                        d->offset = off;
                        d->stream_offset = D;
                        d->record_lost = true;
                        d->type = type;
                        setf(d->what, sizeof d->what, "%s", what);
                        return CCSIG_WARC_DAMAGE;
                    }
                    return damage(r, d, off, type, D + 1, what);
                }
                continue;
            }
            size_t n = r->olen - r->opos;
            if (n > left)
                n = (size_t)left;
            r->opos += n;
            left -= n;
        }
        after = r->obase + r->opos;
    }

    /* 5. The trailer: CRLF CRLF (or LF LF) right after the block ends the
     * record, whatever follows (garbage is the next call's damage). Failing
     * that, any line ends and then the next record, a member end or the end
     * of the input; anything else means Content-Length is wrong. */
    bool ok = false, exact = true, eof = false, trailer = false;
    uint64_t at = after;
    if (r->arc) {
        /* ARC: a line end, then the next header line, the end of a member or
         * the end of the input. */
        exact = false;
        trailer = true;
        for (;;) {
            size_t i = (size_t)(at - r->obase);
            while (i < r->olen && (r->o[i] == '\r' || r->o[i] == '\n'))
                i++;
            int v = i < r->olen ? arc_line(r->o + i, r->olen - i) : -1;
            if (v >= 0 || (i == r->olen && (at_member_end(r, r->obase + i) || eof)) ||
                (v < 0 && eof) || r->cdmg) {
                ok = v > 0 || i == r->olen || r->cdmg;
                at = r->obase + i;
                break;
            }
            pump_r p = pump(r);
            if (p == P_EOF)
                eof = true;
            else if (p != P_DATA && p != P_MEMBER_END) {
                ok = true; /* reported by the next call */
                at = r->obase + i;
                break;
            }
        }
    }
    for (; !r->arc;) {
        size_t i = (size_t)(at - r->obase);
        bool stalled = at_member_end(r, r->obase + r->olen) || r->cdmg || eof;
        if (exact) {
            size_t avail = r->olen - i;
            if (avail >= 4 || stalled) {
                exact = false;
                if (avail >= 4 && memcmp(r->o + i, "\r\n\r\n", 4) == 0) {
                    at += 4;
                    ok = trailer = true;
                    break;
                }
                if (avail >= 2 && memcmp(r->o + i, "\n\n", 2) == 0) {
                    at += 2;
                    ok = trailer = true;
                    break;
                }
                continue;
            }
        } else {
            while (i < r->olen && (r->o[i] == '\r' || r->o[i] == '\n'))
                i++;
            at = r->obase + i;
            if (i < r->olen && r->olen - i >= 5) {
                ok = memcmp(r->o + i, "WARC/", 5) == 0;
                break;
            }
            if (i == r->olen && (at_member_end(r, at) || eof)) {
                ok = true;
                break;
            }
            if (eof) {
                ok = false; /* a few bytes that are not a record end the input */
                break;
            }
        }
        if (r->cdmg) {
            if (r->cdmg_off == off && r->codec != CCSIG_WARC_PLAIN) {
                /* The member holding this record turned out damaged (a CRC
                 * mismatch is only seen at its end): the record is lost. */
                r->cdmg_later = false;
                return report_codec(r, d, &rec->h, off, NULL);
            }
            ok = true; /* reported by the next call */
            break;
        }
        pump_r p = pump(r);
        if (p == P_EOF) {
            eof = true;
            continue;
        }
        if (p == P_DAMAGE && r->cdmg_off == off && r->codec != CCSIG_WARC_PLAIN)
            return report_codec(r, d, &rec->h, off, NULL);
        if (p != P_DATA && p != P_MEMBER_END) {
            ok = true; /* reported by the next call */
            break;
        }
    }
    if (ok && !trailer && at - after < 4 && after >= r->obase + 4 && r->few_reported != D &&
        at + 5 <= r->obase + r->olen && memcmp(r->o + (at - r->obase), "WARC/", 5) == 0) {
        /* The block ends in line ends and the next record follows fewer
         * than 4 line-end bytes later: Content-Length is a few bytes too
         * large, its block took in the record's trailer. */
        const uint8_t *be = r->o + (after - r->obase);
        if ((be[-1] == '\n' || be[-1] == '\r') &&
            (at > after || memcmp(be - 4, "\r\n\r\n", 4) == 0)) {
            /* Reported, then the record is given out by the next call: its
             * bytes are whole, only the length took in its trailer. */
            d->offset = off;
            d->stream_offset = D;
            d->record_lost = false;
            d->type = type;
            setf(d->what, sizeof d->what,
                 "%s record at offset %s: Content-Length %llu is %llu bytes too large (its "
                 "block takes in the CRLF CRLF that ends the record); read as if it ended "
                 "there",
                 ccsig_warc_type_name(type), lbl(r), (unsigned long long)cl,
                 (unsigned long long)(4 - (at - after)));
            r->few_reported = D;
            r->opos = (size_t)(D - r->obase);
            return CCSIG_WARC_DAMAGE;
        }
    }
    if (ok && aligned && r->codec != CCSIG_WARC_PLAIN) {
        /* A record's member ends with its check value (gzip CRC-32, zstd
         * checksum): finish it before giving the record out, so a record
         * whose member is damaged is reported lost, not returned. */
        while (r->in_member && r->obase + r->olen == at && !r->cdmg) {
            pump_r p = pump(r);
            if (p != P_DATA)
                break;
        }
        if (r->cdmg && r->cdmg_off == off) {
            r->cdmg_later = false;
            return report_codec(r, d, &rec->h, off, NULL);
        }
    }
    if (!ok) {
        if (r->arc)
            setf(what, sizeof what,
                 "%s ARC record at offset %s: length %llu does not end its block (not followed "
                 "by a line end and an ARC header line)",
                 ccsig_warc_type_name(type), lbl(r), (unsigned long long)cl);
        else
            setf(what, sizeof what,
                 "%s record at offset %s: Content-Length %llu does not end its block (not "
                 "followed by CRLF CRLF and a record)",
                 ccsig_warc_type_name(type), lbl(r), (unsigned long long)cl);
        if (big && !stream_rewind(r, back_comp, back_dec, D + 1))
            return damage(r, d, off, type, after, what);
        return damage(r, d, off, type, D + 1, what);
    }

    /* 6. The record. */
    uint64_t E = at;
    if (r->cdmg && r->codec != CCSIG_WARC_PLAIN) {
        /* Damage already seen in a member this record's bytes come from. */
        const member *bm = map_by_comp(r, r->cdmg_off);
        if (bm && E > bm->dec_start) {
            r->cdmg_later = false;
            return report_codec(r, d, &rec->h, off, NULL);
        }
    }
    size_t start = (size_t)(D - r->obase);
    if (!big) {
        if (r->obase != parsed_base) { /* the window moved: point into it anew */
            reparse(r, (const char *)r->o + start, hl, &rec->h);
        }
        rec->block = (const char *)r->o + start + hl;
        rec->block_len = (size_t)cl;
        rec->block_complete = true;
    } else {
        rec->block = (const char *)r->hbuf + hl;
        rec->block_len = r->hold;
        rec->block_complete = false;
    }
    /* held bytes: min(content_length, hold) (warc.h) */
    assert(rec->block_len <= rec->h.content_length && (!big || rec->block_len == r->hold));
    rec->offset = off;
    rec->stream_offset = D;
    rec->raw = NULL;
    rec->raw_length = 0;
    if (r->codec == CCSIG_WARC_PLAIN) {
        rec->raw_length = E - D;
        rec->raw = big ? NULL : r->o + start;
    } else if (aligned && (r->arc ? E > after : E - after >= 2)) {
        /* Members end where the record does, its trailer included: copying
         * them copies the record. (A record whose trailer sits in the next
         * member, or has none, is rewritten instead.) */
        const member *me = map_ending_at(r, E);
        if (me && me->comp_end > off) {
            rec->raw_length = me->comp_end - off;
            if (off >= r->ibase && off + rec->raw_length <= r->ibase + r->ilen)
                rec->raw = r->in + (off - r->ibase);
        }
    }
    r->opos = (size_t)(E - r->obase);
    if (r->in_member) {
        /* Given out before the check value of the member it ends in. */
        uint64_t cur = r->map[(r->nmap - 1) % MAP_N].comp_start;
        if (r->unv_off != cur || !r->unv_n) {
            r->unv_off = cur;
            r->unv_n = 0;
            r->unv_from = D;
        }
        r->unv_n++;
        r->unv_to = D;
    }
    return CCSIG_WARC_RECORD;
}

bool ccsig_warc_reader_sync(ccsig_warc_reader *r, uint64_t from, uint64_t limit, uint64_t *found) {
    r->opos = r->olen = 0;
    r->nmap = 0;
    r->ahead_n = 0;
    r->in_member = false;
    r->cdmg = false;
    if (!r->codec_known) {
        r->codec = CCSIG_WARC_PLAIN;
        r->codec_known = true;
    }
    if (r->codec != CCSIG_WARC_PLAIN) {
        if (find_member(r, from, limit)) {
            *found = r->ibase + r->ipos;
            r->obase = r->sol = 0;
            return true;
        }
        r->done = true;
        r->next_pos = limit;
        return false;
    }
    /* Plain: "\nWARC/" whose header parses. Look at the byte before `from`. */
    uint64_t cur = r->ibase + r->ipos;
    if (from == 0 && cur == 0) {
        size_t av = in_ensure(r, CCSIG_WARC_MAX_HEADER);
        size_t hl = ccsig_warc_header_end((const char *)r->in, av);
        ccsig_error e;
        ccsig_arena_reset(&r->arena);
        if (hl && !ccsig_warc_header_parse(&r->arena, (const char *)r->in, hl, &r->scratch, &e)) {
            *found = 0;
            r->obase = r->sol = 0;
            return true;
        }
    } else if (from > cur + 1 && !in_skip(r, from - 1 - cur)) {
        r->done = true;
        return false;
    }
    for (;;) {
        size_t av = in_ensure(r, 7);
        if (av < 6)
            break;
        const uint8_t *q = memmem(r->in + r->ipos, av, "\nWARC/", 6);
        if (!q) {
            if (r->ieof)
                break;
            r->ipos = r->ilen - 5;
            continue;
        }
        r->ipos = (size_t)(q - r->in);
        uint64_t cand = r->ibase + r->ipos + 1;
        if (cand >= limit)
            break;
        if (cand >= from) {
            av = in_ensure(r, 1 + CCSIG_WARC_MAX_HEADER);
            size_t hl = ccsig_warc_header_end((const char *)r->in + r->ipos + 1, av - 1);
            ccsig_error e;
            ccsig_arena_reset(&r->arena);
            if (hl && !ccsig_warc_header_parse(&r->arena, (const char *)r->in + r->ipos + 1, hl,
                                               &r->scratch, &e)) {
                r->ipos++;
                *found = cand;
                r->obase = r->sol = cand;
                return true;
            }
        }
        r->ipos++;
    }
    r->ipos = r->ilen;
    r->done = true;
    r->next_pos = limit;
    return false;
}

/* --------------------------------------------------------------- writer -- */

struct ccsig_warc_writer {
    ccsig_warc_codec codec;
    int level;
    struct isal_zstream zs;
    uint8_t *level_buf;
    size_t level_buf_size;
    ZSTD_CCtx *zc;
};

ccsig_warc_writer *ccsig_warc_writer_new(ccsig_warc_codec codec, int level) {
    ccsig_warc_writer *w = ccsig_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->codec = codec;
    if (codec == CCSIG_WARC_GZIP) {
        static const size_t sizes[] = {ISAL_DEF_LVL0_DEFAULT, ISAL_DEF_LVL1_DEFAULT,
                                       ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT};
        w->level = level < 0 ? 1 : level > 3 ? 3 : level;
        w->level_buf_size = sizes[w->level];
        w->level_buf = ccsig_malloc(w->level_buf_size);
        if (!w->level_buf) {
            ccsig_free(w);
            return NULL;
        }
    } else if (codec == CCSIG_WARC_ZSTD) {
        w->level = level <= 0 ? 3 : level;
        w->zc = ZSTD_createCCtx();
        if (!w->zc) {
            ccsig_free(w);
            return NULL;
        }
        ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel, w->level);
        ZSTD_CCtx_setParameter(w->zc, ZSTD_c_checksumFlag, 1);
        ZSTD_CCtx_setParameter(w->zc, ZSTD_c_contentSizeFlag, 1);
        ZSTD_CCtx_setParameter(w->zc, ZSTD_c_windowLog, CCSIG_WARC_ZSTD_WINDOW_LOG);
    }
    return w;
}

void ccsig_warc_writer_free(ccsig_warc_writer *w) {
    if (!w)
        return;
    ccsig_free(w->level_buf);
    ZSTD_freeCCtx(w->zc);
    ccsig_free(w);
}

ccsig_warc_codec ccsig_warc_writer_codec(const ccsig_warc_writer *w) {
    return w->codec;
}

ccsig_status ccsig_warc_writer_member(ccsig_warc_writer *w, ccsig_buf *out, const void *p, size_t n,
                                      ccsig_error *err) {
    if (w->codec == CCSIG_WARC_PLAIN) {
        ccsig_buf_append(out, p, n);
        return ccsig_buf_failed(out) ? ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory")
                                     : CCSIG_OK;
    }
    if (w->codec == CCSIG_WARC_ZSTD) {
        size_t bound = ZSTD_compressBound(n);
        if (!ccsig_buf_reserve(out, bound + 1))
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        size_t got = ZSTD_compress2(w->zc, out->data + out->len, bound, p, n);
        if (ZSTD_isError(got))
            return ccsig_error_set(err, CCSIG_ERR_IO, 0, "zstd: %s", ZSTD_getErrorName(got));
        out->len += got;
        out->data[out->len] = '\0';
        return CCSIG_OK;
    }
    struct isal_zstream *zs = &w->zs;
    isal_deflate_init(zs);
    zs->level = (uint32_t)w->level;
    zs->level_buf = w->level_buf;
    zs->level_buf_size = (uint32_t)w->level_buf_size;
    zs->gzip_flag = IGZIP_GZIP;
    zs->end_of_stream = 1;
    zs->flush = NO_FLUSH;
    zs->next_in = (uint8_t *)p;
    zs->avail_in = (uint32_t)n;
    /* Stored blocks bound the output: 5 bytes per 64 KiB plus the wrapper. */
    size_t bound = n + n / 8 + 1024;
    for (;;) {
        if (!ccsig_buf_reserve(out, bound + 1))
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        zs->next_out = (uint8_t *)out->data + out->len;
        zs->avail_out =
            (uint32_t)(out->cap - out->len - 1 > (1u << 30) ? (1u << 30) : out->cap - out->len - 1);
        uint32_t before = zs->avail_out;
        int ret = isal_deflate(zs);
        out->len += before - zs->avail_out;
        out->data[out->len] = '\0';
        if (ret != COMP_OK)
            return ccsig_error_set(err, CCSIG_ERR_IO, 0, "igzip deflate failed (%d)", ret);
        if (zs->internal_state.state == ZSTATE_END)
            return CCSIG_OK;
        bound = 65536;
    }
}

/* ---- reading one record again ---- */

ssize_t ccsig_warc_fd_read(void *ctx, void *buf, size_t n) {
    ccsig_warc_fd *f = ctx;
    ssize_t got;
    do {
        got = pread(f->fd, buf, n, (off_t)f->pos);
    } while (got < 0 && errno == EINTR);
    if (got > 0)
        f->pos += (uint64_t)got;
    return got;
}

ccsig_status ccsig_warc_read_at(ccsig_warc_reader *r, const char *path, uint64_t offset,
                                unsigned types, ccsig_str uri, ccsig_warc_record *rec,
                                ccsig_error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ccsig_error_set(err, CCSIG_ERR_IO, 0, "cannot open %s: %s", path, strerror(errno));
    ccsig_warc_fd f = {fd, offset};
    ccsig_warc_reader_open(r, ccsig_warc_fd_read, &f, offset, CCSIG_WARC_AUTO);
    /* A zstd archive's dictionary is at its start, not at the record. */
    uint8_t head[8];
    if (offset && pread(fd, head, 8, 0) == 8 && head[0] == 0x5d && head[1] == 0x2a &&
        head[2] == 0x4d && head[3] == 0x18) {
        size_t dn =
            (size_t)head[4] | (size_t)head[5] << 8 | (size_t)head[6] << 16 | (size_t)head[7] << 24;
        char *db = dn <= 2 * CCSIG_WARC_ZSTD_MAX_DICT ? ccsig_malloc(dn ? dn : 1) : NULL;
        ccsig_error e;
        if (db && pread(fd, db, dn, 8) == (ssize_t)dn)
            ccsig_warc_reader_set_dictionary(r, db, dn, &e);
        ccsig_free(db);
    }
    ccsig_status st = CCSIG_ERR_RANGE;
    ccsig_warc_damage d;
    ccsig_warc_next n;
    while ((n = ccsig_warc_reader_next(r, rec, &d)) != CCSIG_WARC_END) {
        if (n == CCSIG_WARC_FAILED) {
            st = ccsig_error_set(err, CCSIG_ERR_IO, 0, "cannot read %s: %s", path, d.what);
            break;
        }
        if (n != CCSIG_WARC_RECORD)
            continue;
        if (rec->offset > offset)
            break; /* past it */
        if (rec->offset == offset && (unsigned)rec->h.type < CCSIG_WARC_TYPE_COUNT &&
            (types & 1u << rec->h.type) && (!uri.len || ccsig_str_eq_str(rec->h.target_uri, uri))) {
            st = CCSIG_OK;
            break;
        }
    }
    close(fd);
    if (st == CCSIG_ERR_RANGE)
        ccsig_error_set(err, st, 0, "%s: no such record at offset %llu", path,
                        (unsigned long long)offset);
    return st;
}
