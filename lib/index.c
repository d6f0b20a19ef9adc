/*
 * index.c — CDX and CDXJ record indexes (ccsig/index.h): reading them,
 * writing CDXJ, and reading one record through its index entry.
 *
 * Design. Common Crawl publishes, beside every WARC file, the offset and
 * length of each record's gzip member. A scan that knows them needs neither
 * to find record boundaries nor to inflate what annotation never looks at:
 * the reader below pulls the member's first compressed bytes with one pread,
 * inflates into a window until the WARC header, the HTTP header and as much
 * of the payload as ccsig_evaluate reads are there
 * (ccsig_evaluate_prefix_enough), and stops. The compressed input is given
 * to the inflater in rations (IN_FIRST, then IN_NEXT doubling), so the
 * head test runs a few times per record at most. What is not
 * inflated is not checked: a member's CRC-32 is verified only when the whole
 * member was needed.
 *
 * The index parsers are line parsers over (pointer, length). CDXJ's JSON
 * goes through the library's one JSON reader (sources/json.h); CDX columns
 * are split on single spaces as the format defines.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isa-l/igzip_lib.h>

#include "ccsig/alloc.h"
#include "ccsig/evaluate.h"
#include "ccsig/httpmsg.h"
#include "ccsig/index.h"
#include "ccsig/url.h"
#include "sources/json.h"

/* ------------------------------------------------------------- columns -- */

void ccsig_index_cols_init(ccsig_index_cols *c) {
    /* " CDX N b a m s k r M S V g" */
    *c = (ccsig_index_cols){CCSIG_INDEX_UNKNOWN, 0, 1, 2, 3, 4, 5, 9, 8, 10, 11};
}

/* A decimal number (ccsig_str_u64) at p[0..n). */
static bool dec_u64(const char *p, size_t n, uint64_t *out) {
    return ccsig_str_u64(ccsig_str_make(p, n), out);
}

static int status_of(ccsig_str s) {
    uint64_t v;
    return dec_u64(s.p, s.len, &v) && v < 1000 ? (int)v : -1;
}

/* The " CDX" header: one letter per column. */
static void cdx_header(const char *p, size_t len, ccsig_index_cols *c) {
    ccsig_index_cols n;
    memset(&n, -1, sizeof n);
    n.format = CCSIG_INDEX_CDX;
    int col = 0;
    for (size_t i = 5; i < len; i++) { /* after " CDX " */
        if (p[i] == ' ')
            continue;
        signed char k = (signed char)col++;
        switch (p[i]) {
        case 'N':
            n.key = k;
            break;
        case 'b':
            n.time = k;
            break;
        case 'a':
            n.url = k;
            break;
        case 'm':
            n.mime = k;
            break;
        case 's':
            n.status = k;
            break;
        case 'k':
            n.digest = k;
            break;
        case 'S':
            n.length = k;
            break;
        case 'V':
            n.offset = k;
            break;
        case 'g':
            n.file = k;
            break;
        default:
            break;
        }
        while (i + 1 < len && p[i + 1] != ' ')
            i++;
    }
    n.ncols = col;
    *c = n;
}

static ccsig_status line_error(ccsig_error *err, size_t col, const char *fmt, const char *what) {
    ccsig_error_set(err, CCSIG_ERR_SYNTAX, col, fmt, what);
    err->column = (unsigned)(col + 1);
    return CCSIG_ERR_SYNTAX;
}

/* A CDX line: space-separated columns. */
static ccsig_status parse_cdx(const char *p, size_t len, const ccsig_index_cols *c,
                              ccsig_index_entry *e, ccsig_error *err) {
    ccsig_str col[32];
    size_t at[32], n = 0, i = 0;
    while (i <= len && n < 32) {
        size_t s = i;
        const char *sp = i < len ? memchr(p + i, ' ', len - i) : NULL;
        i = sp ? (size_t)(sp - p) : len;
        at[n] = s;
        col[n++] = ccsig_str_make(p + s, i - s);
        i++;
    }
    if (c->length < 0 || c->offset < 0 || c->file < 0)
        return line_error(err, 0, "%s",
                          "the CDX header names no S (length), V (offset) or g "
                          "(filename) column");
    if ((int)n < c->ncols)
        return line_error(err, len, "%s", "fewer columns than the CDX header names");
    if (!dec_u64(col[c->offset].p, col[c->offset].len, &e->offset))
        return line_error(err, at[(int)c->offset], "%s",
                          "the offset column (V) is not a decimal number");
    if (!dec_u64(col[c->length].p, col[c->length].len, &e->length) || !e->length)
        return line_error(err, at[(int)c->length], "%s",
                          "the length column (S) is not a positive decimal number");
    e->filename = col[c->file];
    if (c->url >= 0)
        e->url = col[c->url];
    if (c->mime >= 0)
        e->mime = col[c->mime];
    if (c->digest >= 0)
        e->digest = col[c->digest];
    if (c->time >= 0)
        e->timestamp = col[c->time];
    if (c->key >= 0)
        e->urlkey = col[c->key];
    if (c->status >= 0)
        e->status = status_of(col[c->status]);
    return CCSIG_OK;
}

/* A JSON member that is a string, or a number for the numeric ones. */
static bool json_text(const src_json *o, const char *key, ccsig_str *out) {
    const src_json *v = src_json_get(o, key);
    if (!v || (v->type != SRC_JSON_STRING && v->type != SRC_JSON_NUMBER))
        return false;
    *out = v->str;
    return true;
}

/* A CDXJ line: urlkey SP timestamp SP {json}. */
static ccsig_status parse_cdxj(ccsig_arena *a, const char *p, size_t len, size_t brace,
                               ccsig_index_entry *e, ccsig_error *err) {
    src_json *root;
    ccsig_status st = src_json_parse_whole(a, p + brace, len - brace, &root, err);
    if (st == CCSIG_ERR_NOMEM)
        return st;
    if (st) {
        size_t col = brace + (err->column ? err->column - 1 : 0);
        char msg[sizeof err->message];
        snprintf(msg, sizeof msg, "%s", err->message);
        return line_error(err, col, "JSON: %s", msg);
    }
    if (root->type != SRC_JSON_OBJECT)
        return line_error(err, brace, "%s", "the third field is not a JSON object");
    ccsig_str v;
    if (!json_text(root, "offset", &v) || !dec_u64(v.p, v.len, &e->offset))
        return line_error(err, brace, "%s", "\"offset\" is missing or not a decimal number");
    if (!json_text(root, "length", &v) || !dec_u64(v.p, v.len, &e->length) || !e->length)
        return line_error(err, brace, "%s",
                          "\"length\" is missing or not a positive decimal number");
    if (!json_text(root, "filename", &e->filename))
        return line_error(err, brace, "%s", "\"filename\" is missing or not a string");
    json_text(root, "url", &e->url);
    json_text(root, "mime", &e->mime);
    json_text(root, "digest", &e->digest);
    if (json_text(root, "status", &v))
        e->status = status_of(v);
    return CCSIG_OK;
}

ccsig_status ccsig_index_parse_line(ccsig_arena *a, const char *p, size_t len, ccsig_index_cols *c,
                                    ccsig_index_entry *e, bool *record, ccsig_error *err) {
    memset(e, 0, sizeof *e);
    e->status = -1;
    *record = false;
    if (len && p[len - 1] == '\r')
        len--;
    size_t i = 0;
    while (i < len && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i == len)
        return CCSIG_OK;
    if (len >= 5 && !memcmp(p, " CDX ", 5)) {
        cdx_header(p, len, c);
        return CCSIG_OK;
    }
    /* the first two fields, then what follows */
    size_t s1 = 0;
    while (s1 < len && p[s1] != ' ')
        s1++;
    size_t s2 = s1 + 1;
    while (s2 < len && p[s2] != ' ')
        s2++;
    if (s2 >= len)
        return line_error(err, len, "%s", "a record line has fewer than three fields");
    bool json = s2 + 1 < len && p[s2 + 1] == '{';
    if (c->format == CCSIG_INDEX_UNKNOWN)
        c->format = json ? CCSIG_INDEX_CDXJ : CCSIG_INDEX_CDX;
    if (c->format == CCSIG_INDEX_CDXJ && !json)
        return line_error(err, s2 + 1, "%s", "expected a JSON object (the file is CDXJ)");
    *record = true;
    e->urlkey = ccsig_str_make(p, s1);
    e->timestamp = ccsig_str_make(p + s1 + 1, s2 - s1 - 1);
    ccsig_status st = c->format == CCSIG_INDEX_CDXJ ? parse_cdxj(a, p, len, s2 + 1, e, err)
                                                    : parse_cdx(p, len, c, e, err);
    if (st)
        *record = false;
    return st;
}

/* ---------------------------------------------------------- the index -- */

typedef struct ientry {
    uint64_t offset, length;
    uint32_t file;
    int type;
} ientry;

/* The record type an index's mime names (see ccsig_index_span). */
static int type_of_mime(ccsig_str m) {
    if (!m.len || (m.len == 1 && m.p[0] == '-'))
        return -1;
    if (m.len < 5 || memcmp(m.p, "warc/", 5) != 0)
        return CCSIG_WARC_RESPONSE;
    for (int t = 0; t < CCSIG_WARC_TYPE_COUNT; t++) {
        const char *n = ccsig_warc_type_name((ccsig_warc_type)t);
        if (strlen(n) == m.len - 5 && !memcmp(n, m.p + 5, m.len - 5))
            return t;
    }
    return CCSIG_WARC_OTHER;
}

struct ccsig_index {
    ientry *v;
    size_t n, cap;
    char **files;
    size_t nfiles, capfiles;
    ccsig_index_format format;
};

void ccsig_index_free(ccsig_index *x) {
    if (!x)
        return;
    for (size_t i = 0; i < x->nfiles; i++)
        ccsig_free(x->files[i]);
    ccsig_free(x->files);
    ccsig_free(x->v);
    ccsig_free(x);
}

size_t ccsig_index_count(const ccsig_index *x) {
    return x->n;
}

ccsig_index_format ccsig_index_format_of(const ccsig_index *x) {
    return x->format;
}

/* The number of file name f, added when new; -1 when out of memory. The
 * last one is checked first: an index names its files in runs. */
static long file_id(ccsig_index *x, ccsig_str f) {
    for (size_t k = x->nfiles; k-- > 0;)
        if (strlen(x->files[k]) == f.len && !memcmp(x->files[k], f.p, f.len))
            return (long)k;
    if (x->nfiles == x->capfiles) {
        size_t nc = x->capfiles ? x->capfiles * 2 : 8;
        char **nf = ccsig_realloc(x->files, nc * sizeof *nf);
        if (!nf)
            return -1;
        x->files = nf;
        x->capfiles = nc;
    }
    if (!(x->files[x->nfiles] = ccsig_strndup(f.p ? f.p : "", f.len)))
        return -1;
    return (long)x->nfiles++;
}

struct ccsig_index_parser {
    ccsig_index *x;
    ccsig_arena a;
    ccsig_index_cols c;
    ccsig_buf part; /* a line begun in a chunk before, not yet ended */
    uint64_t base;  /* offset of the next byte fed */
    uint64_t start; /* offset of the line in part */
    unsigned line;  /* lines begun */
    ccsig_status st;
};

ccsig_index_parser *ccsig_index_parser_new(void) {
    ccsig_index_parser *ps = ccsig_calloc(1, sizeof *ps);
    if (!ps)
        return NULL;
    if (!(ps->x = ccsig_calloc(1, sizeof *ps->x))) {
        ccsig_free(ps);
        return NULL;
    }
    ccsig_arena_init(&ps->a, 8192);
    ccsig_index_cols_init(&ps->c);
    return ps;
}

void ccsig_index_parser_free(ccsig_index_parser *ps) {
    if (!ps)
        return;
    ccsig_index_free(ps->x);
    ccsig_arena_free(&ps->a);
    ccsig_buf_free(&ps->part);
    ccsig_free(ps);
}

/* The error of a line longer than CCSIG_INDEX_MAX_LINE, at offset at. */
static ccsig_status too_long(ccsig_index_parser *ps, uint64_t at, ccsig_error *err) {
    ps->st = ccsig_error_set(err, CCSIG_ERR_LIMIT, (size_t)at, "line longer than %u bytes",
                             CCSIG_INDEX_MAX_LINE);
    err->line = ps->line;
    err->column = 1;
    return ps->st;
}

/* Line ps->line, p[0..n) without its '\n', at offset at: parsed, its record
 * added to the index. */
static ccsig_status parse_one(ccsig_index_parser *ps, const char *p, size_t n, uint64_t at,
                              ccsig_error *err) {
    if (n > CCSIG_INDEX_MAX_LINE)
        return too_long(ps, at, err);
    ccsig_index *x = ps->x;
    ccsig_index_entry e;
    bool record;
    ccsig_arena_reset(&ps->a);
    ccsig_status st = ccsig_index_parse_line(&ps->a, p, n, &ps->c, &e, &record, err);
    if (st) {
        err->offset += (size_t)at;
        err->line = ps->line;
        return ps->st = st;
    }
    if (record) {
        long f = file_id(x, e.filename);
        if (f < 0 || (x->n == x->cap && !(x->cap = x->cap ? x->cap * 2 : 1024,
                                          x->v = ccsig_realloc(x->v, x->cap * sizeof *x->v))))
            return ps->st = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        x->v[x->n++] = (ientry){e.offset, e.length, (uint32_t)f, type_of_mime(e.mime)};
    }
    return CCSIG_OK;
}

ccsig_status ccsig_index_parser_feed(ccsig_index_parser *ps, const char *p, size_t len,
                                     ccsig_error *err) {
    if (ps->st)
        return ccsig_error_set(err, ps->st, 0, "the index parser failed before");
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(p + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (p + i)) : len - i;
        if (ps->part.len || !nl) { /* carried over, or to carry */
            if (!ps->part.len) {
                ps->start = ps->base + i;
                ps->line++;
            }
            if (ps->part.len + n > CCSIG_INDEX_MAX_LINE)
                return too_long(ps, ps->start, err);
            ccsig_buf_append(&ps->part, p + i, n);
            if (ccsig_buf_failed(&ps->part))
                return ps->st = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
            if (nl) {
                if (parse_one(ps, ps->part.data, ps->part.len, ps->start, err))
                    return ps->st;
                ccsig_buf_clear(&ps->part);
            }
        } else {
            ps->line++;
            if (parse_one(ps, p + i, n, ps->base + i, err))
                return ps->st;
        }
        i += n + (nl != NULL);
    }
    ps->base += len;
    return CCSIG_OK;
}

ccsig_status ccsig_index_parser_finish(ccsig_index_parser *ps, ccsig_index **out,
                                       ccsig_error *err) {
    *out = NULL;
    if (ps->st)
        return ccsig_error_set(err, ps->st, 0, "the index parser failed before");
    if (ps->part.len) { /* the last line, without '\n' */
        if (parse_one(ps, ps->part.data, ps->part.len, ps->start, err))
            return ps->st;
        ccsig_buf_clear(&ps->part);
    }
    ps->x->format = ps->c.format;
    *out = ps->x;
    ps->x = NULL;
    ps->st = CCSIG_ERR_USAGE; /* finished */
    return CCSIG_OK;
}

ccsig_status ccsig_index_parse(const char *p, size_t len, ccsig_index **out, ccsig_error *err) {
    *out = NULL;
    ccsig_index_parser *ps = ccsig_index_parser_new();
    if (!ps)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    ccsig_status st = ccsig_index_parser_feed(ps, p, len, err);
    if (!st)
        st = ccsig_index_parser_finish(ps, out, err);
    ccsig_index_parser_free(ps);
    return st;
}

static const char *last_part(const char *s) {
    const char *slash = strrchr(s, '/');
    return slash ? slash + 1 : s;
}

static int span_cmp(const void *a, const void *b) {
    const ccsig_index_span *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

ccsig_status ccsig_index_spans(const ccsig_index *x, const char *path, ccsig_index_span **spans,
                               size_t *n) {
    *spans = NULL;
    *n = 0;
    const char *base = last_part(path);
    bool *match = ccsig_calloc(x->nfiles ? x->nfiles : 1, sizeof *match);
    if (!match)
        return CCSIG_ERR_NOMEM;
    for (size_t k = 0; k < x->nfiles; k++)
        match[k] =
            x->nfiles == 1 || !strcmp(x->files[k], path) || !strcmp(last_part(x->files[k]), base);
    size_t count = 0;
    for (size_t i = 0; i < x->n; i++)
        count += match[x->v[i].file];
    ccsig_index_span *s = ccsig_malloc((count ? count : 1) * sizeof *s);
    if (!s) {
        ccsig_free(match);
        return CCSIG_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < x->n; i++)
        if (match[x->v[i].file])
            s[k++] = (ccsig_index_span){x->v[i].offset, x->v[i].length, x->v[i].type};
    ccsig_free(match);
    qsort(s, k, sizeof *s, span_cmp);
    size_t m = 0; /* one span per offset */
    for (size_t i = 0; i < k; i++)
        if (!m || s[m - 1].offset != s[i].offset)
            s[m++] = s[i];
    *spans = s;
    *n = m;
    return CCSIG_OK;
}

/* ------------------------------------------------------------ writing -- */

/* The SURT key of url in Common Crawl's form (see index.h). */
static void surt(ccsig_buf *b, ccsig_str url) {
    ccsig_url u;
    if (!ccsig_url_split(url, &u)) {
        for (size_t i = 0; i < url.len; i++) /* as written, lower-cased */
            ccsig_buf_putc(b,
                           url.p[i] >= 'A' && url.p[i] <= 'Z' ? (char)(url.p[i] + 32) : url.p[i]);
        return;
    }
    ccsig_str h = u.host;
    if (h.len > 4 && (h.p[0] | 32) == 'w' && (h.p[1] | 32) == 'w' && (h.p[2] | 32) == 'w' &&
        h.p[3] == '.')
        h = ccsig_str_make(h.p + 4, h.len - 4);
    size_t end = h.len;
    bool first = true;
    while (end > 0) { /* labels from the last */
        size_t s = end;
        while (s > 0 && h.p[s - 1] != '.')
            s--;
        if (!first)
            ccsig_buf_putc(b, ',');
        for (size_t i = s; i < end; i++)
            ccsig_buf_putc(b, h.p[i] >= 'A' && h.p[i] <= 'Z' ? (char)(h.p[i] + 32) : h.p[i]);
        first = false;
        end = s ? s - 1 : 0;
    }
    bool https = u.scheme.len == 5;
    if (u.port && u.port != (https ? 443u : 80u))
        ccsig_buf_printf(b, ":%u", u.port);
    ccsig_buf_putc(b, ')');
    for (size_t i = 0; i < u.path.len; i++)
        ccsig_buf_putc(b, u.path.p[i] >= 'A' && u.path.p[i] <= 'Z' ? (char)(u.path.p[i] + 32)
                                                                   : u.path.p[i]);
}

/* "2024-05-18T01:58:10Z" -> "20240518015810" (digits only, at most 14). */
static void timestamp(ccsig_buf *b, ccsig_str date) {
    size_t n = 0;
    for (size_t i = 0; i < date.len && n < 14; i++)
        if (date.p[i] >= '0' && date.p[i] <= '9') {
            ccsig_buf_putc(b, date.p[i]);
            n++;
        }
    if (!n)
        ccsig_buf_putc(b, '-');
}

static void member(ccsig_buf *b, const char *key, ccsig_str v) {
    ccsig_buf_printf(b, ", \"%s\": ", key);
    ccsig_buf_json_str(b, v.p ? v.p : "", v.len);
}

/* A CDX column: as written, with space, '%' before a space and control
 * bytes percent-encoded (columns are space-separated); "-" when empty. */
static void cdx_col(ccsig_buf *b, ccsig_str v) {
    ccsig_buf_putc(b, ' ');
    if (!v.len) {
        ccsig_buf_putc(b, '-');
        return;
    }
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.p[i];
        if (c <= ' ' || c == 0x7f)
            ccsig_buf_printf(b, "%%%02X", c);
        else
            ccsig_buf_putc(b, (char)c);
    }
}

void ccsig_index_line(ccsig_buf *out, ccsig_arena *a, const ccsig_warc_record *rec,
                      const char *filename, ccsig_index_format format) {
    const ccsig_warc_header *h = &rec->h;
    if (h->target_uri.len)
        surt(out, h->target_uri);
    else
        ccsig_buf_putc(out, '-');
    ccsig_buf_putc(out, ' ');
    timestamp(out, h->date);
    char mime[64];
    int status = -1;
    if (h->type == CCSIG_WARC_RESPONSE || h->type == CCSIG_WARC_REVISIT) {
        ccsig_http_msg m;
        ccsig_error err;
        memset(&m, 0, sizeof m);
        ccsig_str ct = ccsig_str_make("", 0);
        if (!ccsig_http_parse(a, rec->block, rec->block_len, &m, &err) &&
            m.kind == CCSIG_HTTP_RESPONSE) {
            status = m.status;
            size_t f = ccsig_http_find(&m, "Content-Type", 0);
            if (f < m.nfields)
                ct = m.fields[f].value;
        }
        size_t n = 0;
        for (size_t i = 0; i < ct.len && n + 1 < sizeof mime && ct.p[i] != ';' && ct.p[i] != ' ';
             i++)
            mime[n++] = ct.p[i] >= 'A' && ct.p[i] <= 'Z' ? (char)(ct.p[i] + 32) : ct.p[i];
        mime[n] = '\0';
        if (h->type == CCSIG_WARC_REVISIT)
            snprintf(mime, sizeof mime, "warc/revisit");
        else if (!n)
            snprintf(mime, sizeof mime, "unk");
    } else {
        snprintf(mime, sizeof mime, "warc/%s", ccsig_warc_type_name(h->type));
    }
    ccsig_str dg = h->payload_digest;
    if (dg.len > 5 && !memcmp(dg.p, "sha1:", 5))
        dg = ccsig_str_make(dg.p + 5, dg.len - 5);
    char st[16] = "-", len[24], off[24];
    if (status >= 0)
        snprintf(st, sizeof st, "%d", status);
    snprintf(len, sizeof len, "%" PRIu64, rec->raw_length);
    snprintf(off, sizeof off, "%" PRIu64, rec->offset);
    if (format == CCSIG_INDEX_CDX) {
        cdx_col(out, h->target_uri);
        cdx_col(out, ccsig_str_c(mime));
        cdx_col(out, ccsig_str_c(st));
        cdx_col(out, dg);
        ccsig_buf_puts(out, " - -");
        cdx_col(out, ccsig_str_c(len));
        cdx_col(out, ccsig_str_c(off));
        cdx_col(out, ccsig_str_c(filename));
        ccsig_buf_putc(out, '\n');
        return;
    }
    ccsig_buf_puts(out, " {\"url\": ");
    ccsig_buf_json_str(out, h->target_uri.p ? h->target_uri.p : "", h->target_uri.len);
    member(out, "mime", ccsig_str_c(mime));
    if (status >= 0)
        member(out, "status", ccsig_str_c(st));
    if (dg.len)
        member(out, "digest", dg);
    member(out, "length", ccsig_str_c(len));
    member(out, "offset", ccsig_str_c(off));
    member(out, "filename", ccsig_str_c(filename));
    ccsig_buf_puts(out, "}\n");
}

ccsig_status ccsig_index_write_archive(ccsig_warc_reader *r, const char *filename,
                                       ccsig_index_format format,
                                       bool (*fn)(void *ctx, const char *p, size_t n), void *ctx,
                                       ccsig_index_stats *st, ccsig_error *err) {
    memset(st, 0, sizeof *st);
    ccsig_buf out = CCSIG_BUF_INIT;
    ccsig_arena a;
    ccsig_arena_init(&a, 16384);
    ccsig_status ret = CCSIG_OK;
    for (;;) {
        ccsig_warc_record rec;
        ccsig_warc_damage d;
        ccsig_warc_next n = ccsig_warc_reader_next(r, &rec, &d);
        if (n == CCSIG_WARC_END)
            break;
        if (n == CCSIG_WARC_FAILED) {
            ret = ccsig_error_set(err, CCSIG_ERR_IO, d.offset, "%s", d.what);
            break;
        }
        if (n == CCSIG_WARC_DAMAGE) {
            st->damaged++;
            continue;
        }
        if (!rec.raw_length) {
            st->unindexed++;
            continue;
        }
        ccsig_arena_reset(&a);
        ccsig_index_line(&out, &a, &rec, filename, format);
        st->records++;
        if (out.len >= 65536) {
            if (ccsig_buf_failed(&out)) {
                ret = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
                break;
            }
            if (!fn(ctx, out.data, out.len)) {
                ret = ccsig_error_set(err, CCSIG_ERR_IO, 0, "writing the index failed");
                break;
            }
            ccsig_buf_clear(&out);
        }
    }
    if (!ret && ccsig_buf_failed(&out))
        ret = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    if (!ret && out.len && !fn(ctx, out.data, out.len))
        ret = ccsig_error_set(err, CCSIG_ERR_IO, 0, "writing the index failed");
    ccsig_buf_free(&out);
    ccsig_arena_free(&a);
    return ret;
}

/* ------------------------------------------------------------ reading -- */

/* Compressed bytes inflated in the first round, IN_FIRST (about 2 KiB of
 * output: the WARC and HTTP headers and the first KiB of a page, what
 * ccsig_evaluate_prefix_enough asks of an HTML page whose head is short;
 * ISA-L decodes everything the input given holds, and the first KiBs of a
 * member are literals, the costliest bytes to decode, so the first ration is
 * the median need of a Common Crawl-shaped record, not more); then IN_NEXT,
 * doubling each round up to IN_MAX_STEP; read from the archive IN_READ
 * bytes at least at a time; output room kept free before each round.
 * Measured (bench/scan.sh crawl, callgrind): 1280 then 256 reads 6 % fewer
 * instructions than 1536 then 3072; 1024 or 1536 first, or 512 next, more. */
#define IN_FIRST 1280u
#define IN_NEXT 256u
#define IN_MAX_STEP (64u * 1024u)
#define IN_READ (2u * 1024u)
#define OUT_ROOM (256u * 1024u)

struct ccsig_index_reader {
    struct inflate_state inf;
    ccsig_buf ib;       /* compressed bytes (len unused: the capacity is the window) */
    ccsig_buf ob;       /* the record's first bytes, decompressed (len unused too) */
    ccsig_arena warena; /* the WARC header's fields (valid with the record) */
    ccsig_arena arena;  /* HTTP scratch */
    ccsig_http_msg http;
    bool whole; /* ccsig_index_reader_read_whole: the record's whole block */
    size_t hl;  /* the current record's HTTP header length, once known */
};

ccsig_index_reader *ccsig_index_reader_new(void) {
    ccsig_index_reader *r = ccsig_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    ccsig_arena_init(&r->warena, 8192);
    ccsig_arena_init(&r->arena, 16384);
    isal_inflate_init(&r->inf);
    return r;
}

void ccsig_index_reader_free(ccsig_index_reader *r) {
    if (!r)
        return;
    ccsig_buf_free(&r->ib);
    ccsig_buf_free(&r->ob);
    ccsig_arena_free(&r->warena);
    ccsig_arena_free(&r->arena);
    ccsig_free(r);
}

/* How many block bytes the record needs, given block[0..held) of a record of
 * type t and Content-Length total: total when it is all needed; else the
 * HTTP header and the payload prefix ccsig_evaluate reads (held when that
 * is there, held + 1 to ask for more). *bound is set when the payload
 * needed passes CCSIG_INDEX_PREFIX_BOUND. */
static uint64_t block_need(ccsig_index_reader *r, ccsig_warc_type t, const char *block, size_t held,
                           uint64_t total, bool *bound) {
    if (held >= total || r->whole)
        return total;
    if (t != CCSIG_WARC_RESPONSE && t != CCSIG_WARC_REVISIT)
        return 0; /* only the WARC header is read */
    if (r->hl && held - r->hl < 1024)
        return held + 1; /* less payload than any classification reads */
    ccsig_arena_reset(&r->arena);
    ccsig_error err;
    ccsig_http_msg *m = &r->http;
    if (ccsig_http_parse(&r->arena, block, held, m, &err))
        return held + 1;
    if (m->anomalies & CCSIG_HTTP_A_NO_END)
        return held < CCSIG_HTTP_MAX_BLOCK ? held + 1 : held;
    if (m->kind == CCSIG_HTTP_NONE)
        return held; /* not HTTP: nothing of the body is read */
    size_t hl = m->header_len;
    r->hl = hl;
    ccsig_str ct = ccsig_str_make("", 0);
    size_t f = ccsig_http_find(m, "Content-Type", 0);
    if (f < m->nfields)
        ct = m->fields[f].value;
    size_t plen = held - hl;
    if (plen >= CCSIG_INDEX_PREFIX_BOUND) {
        /* would less than the bound have been enough? (for HTML, the head
         * reader's own limit is the bound: the head must end before it) */
        *bound = !ccsig_evaluate_prefix_enough(ct, f < m->nfields, block + hl,
                                               CCSIG_INDEX_PREFIX_BOUND - 1, total - hl);
        return held;
    }
    if (ccsig_evaluate_prefix_enough(ct, f < m->nfields, block + hl, plen, total - hl))
        return held;
    return held + 1;
}

static ccsig_index_read fail(char what[240], const char *fmt, uint64_t off, const char *why) {
    snprintf(what, 240, fmt, off, why);
    return CCSIG_INDEX_DAMAGE;
}

/* Read more of the span: up to n more archive bytes into r->ib (gzip) or
 * the output (plain). Returns the bytes read, 0 at the span's end, -1 when
 * the read function failed (what says how). */
static ssize_t span_more(ccsig_index_reader *r, ccsig_index_pread_fn fn, void *ctx,
                         ccsig_index_span s, uint8_t *dst, size_t have, size_t n, char what[240]) {
    if (n > s.length - have)
        n = (size_t)(s.length - have);
    if (!n)
        return 0;
    ssize_t got = fn(ctx, dst, n, s.offset + have);
    if (got < 0)
        snprintf(what, 240, "cannot read at offset %" PRIu64 ": %s", s.offset + have,
                 strerror(errno));
    (void)r;
    return got;
}

ccsig_index_read ccsig_index_reader_read_whole(ccsig_index_reader *r, ccsig_index_pread_fn fn,
                                               void *ctx, ccsig_warc_codec codec,
                                               ccsig_index_span s, ccsig_warc_record *rec,
                                               char what[240]) {
    bool bound;
    r->whole = true;
    ccsig_index_read ret = ccsig_index_reader_read(r, fn, ctx, codec, s, rec, &bound, what);
    r->whole = false;
    return ret;
}

ccsig_index_read ccsig_index_reader_read(ccsig_index_reader *r, ccsig_index_pread_fn fn, void *ctx,
                                         ccsig_warc_codec codec, ccsig_index_span s,
                                         ccsig_warc_record *rec, bool *bound, char what[240]) {
    *bound = false;
    memset(rec, 0, sizeof *rec);
    bool gz = codec == CCSIG_WARC_GZIP;
    size_t in_len = 0, in_pos = 0; /* compressed bytes read, and given to inflate */
    size_t out_len = 0;            /* decompressed bytes */
    size_t step = IN_FIRST;        /* bytes given to inflate (read, for plain) per round */
    bool first = true;             /* the first round */
    const char *parsed = NULL;     /* where the WARC header was parsed (r->ob.data) */
    bool end = false;              /* the span is all read (and inflated) */
    size_t hdr = 0;
    r->hl = 0;
    if (gz) {
        isal_inflate_reset(&r->inf);
        r->inf.crc_flag = ISAL_GZIP;
    }
    for (;;) {
        /* one round: more output */
        if (!ccsig_buf_reserve(&r->ob, out_len + OUT_ROOM))
            return fail(what, "record at offset %" PRIu64 ": %s", s.offset, "out of memory");
        if (!gz) {
            ssize_t got =
                span_more(r, fn, ctx, s, (uint8_t *)r->ob.data + out_len, out_len, step, what);
            if (got < 0)
                return CCSIG_INDEX_FAILED;
            out_len += (size_t)got;
            end = out_len == s.length || (size_t)got < step;
        } else {
            if (in_len - in_pos < step && in_len < s.length) {
                size_t n = step > IN_READ ? step : IN_READ;
                if (!ccsig_buf_reserve(&r->ib, in_len + n))
                    return fail(what, "record at offset %" PRIu64 ": %s", s.offset,
                                "out of memory");
                ssize_t got =
                    span_more(r, fn, ctx, s, ((uint8_t *)r->ib.data) + in_len, in_len, n, what);
                if (got < 0)
                    return CCSIG_INDEX_FAILED;
                if (got == 0)
                    return fail(what, "record at offset %" PRIu64 ": %s", s.offset,
                                "the index's length runs past the end of the archive");
                in_len += (size_t)got;
            }
            if (in_pos == 0 &&
                (in_len < 2 || (uint8_t)r->ib.data[0] != 0x1f || (uint8_t)r->ib.data[1] != 0x8b))
                return fail(what, "record at offset %" PRIu64 ": %s", s.offset,
                            "no gzip member starts at the index's offset");
            /* Input-limited rounds: ISA-L decodes a block to its end (into
             * its own buffer) when the output space is small, so the
             * output is left large and the input is what is rationed. */
            size_t give = in_len - in_pos < step ? in_len - in_pos : step;
            size_t room = r->ob.cap - out_len;
            r->inf.next_in = ((uint8_t *)r->ib.data) + in_pos;
            r->inf.avail_in = (uint32_t)give;
            r->inf.next_out = (uint8_t *)r->ob.data + out_len;
            r->inf.avail_out = (uint32_t)(room > (1u << 30) ? (1u << 30) : room);
            int ret = isal_inflate(&r->inf);
            in_pos += give - r->inf.avail_in;
            out_len = (size_t)((char *)r->inf.next_out - r->ob.data);
            if (ret != ISAL_DECOMP_OK)
                return fail(what, "record at offset %" PRIu64 ": damaged (%s)", s.offset,
                            ret == ISAL_INCORRECT_CHECKSUM ? "CRC-32 mismatch"
                                                           : "invalid gzip data");
            if (r->inf.block_state == ISAL_BLOCK_FINISH) {
                if (in_pos == in_len && in_len == s.length) {
                    end = true;
                } else { /* the record goes on in a next member */
                    isal_inflate_reset(&r->inf);
                    r->inf.crc_flag = ISAL_GZIP;
                }
            } else if (in_pos == in_len && in_len == s.length && r->inf.avail_out) {
                return fail(what, "record at offset %" PRIu64 ": %s", s.offset,
                            "the gzip member is cut off at the index's length");
            }
        }
        if (first)
            step = IN_NEXT;
        else if (step < IN_MAX_STEP)
            step *= 2;
        first = false;
        /* is it enough? */
        if (!hdr)
            hdr = ccsig_warc_header_end(r->ob.data, out_len);
        if (!hdr) {
            if (end || out_len >= CCSIG_WARC_MAX_HEADER)
                return fail(what, "record at offset %" PRIu64 ": %s", s.offset,
                            "no WARC header at the index's offset");
            continue;
        }
        if (parsed != r->ob.data) { /* parsed again when the window moved */
            ccsig_error err;
            parsed = r->ob.data;
            ccsig_arena_reset(&r->warena);
            if (ccsig_warc_header_parse(&r->warena, r->ob.data, hdr, &rec->h, &err))
                return fail(what, "record at offset %" PRIu64 ": WARC header: %s", s.offset,
                            err.message);
        }
        uint64_t total = rec->h.content_length;
        size_t held = out_len - hdr;
        if (held > total)
            held = (size_t)total;
        uint64_t need = block_need(r, rec->h.type, r->ob.data + hdr, held, total, bound);
        if (need <= held || end) {
            if (held < total && need > held)
                return fail(what, "record at offset %" PRIu64 ": %s", s.offset,
                            "its block is cut off at the index's length");
            rec->block = r->ob.data + hdr;
            rec->block_len = held;
            rec->block_complete = held >= total;
            rec->offset = s.offset;
            rec->raw_length = s.length;
            rec->raw = NULL;
            return CCSIG_INDEX_RECORD;
        }
    }
}
