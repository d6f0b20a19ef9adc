/*
 * httpmsg.c — lenient HTTP/1.x header blocks (see ccsig/httpmsg.h).
 *
 * One pass over the lines: memchr finds each LF, trailing CRs are dropped,
 * and each line is classified as start line, field, fold or end. Nothing is
 * copied unless a folded value has to be joined. The grammar follows RFC 9112
 * §2-5 where archives respect it and jwarc's lenient HttpParser.rl where they
 * do not.
 */
#include "ccsig/httpmsg.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static bool is_ws(char c) {
    return c == ' ' || c == '\t';
}

static bool is_tchar(unsigned char c) {
    /* RFC 9110 §5.6.2 token characters. */
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* A request line: method SP target SP HTTP/version. */
static bool parse_request_line(const char *p, size_t n, ccsig_http_msg *m) {
    size_t i = 0;
    while (i < n && is_tchar((unsigned char)p[i]))
        i++;
    if (i == 0 || i >= n || p[i] != ' ')
        return false;
    const char *last = NULL;
    for (size_t k = n; k > i + 1; k--)
        if (p[k - 1] == ' ') {
            last = p + k - 1;
            break;
        }
    if (!last || last <= p + i)
        return false;
    size_t vlen = (size_t)(p + n - (last + 1));
    if (vlen < 5 || memcmp(last + 1, "HTTP/", 5) != 0)
        return false;
    m->kind = CCSIG_HTTP_REQUEST;
    m->method = ccsig_str_make(p, i);
    m->target = ccsig_str_trim_ows(p + i + 1, (size_t)(last - (p + i + 1)));
    m->version = ccsig_str_make(last + 1, vlen);
    return true;
}

/* A status line: HTTP/version SP status [SP reason]; also a bare "200 OK". */
static bool parse_status_line(const char *p, size_t n, ccsig_http_msg *m) {
    size_t i = 0;
    if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        while (i < n && !is_ws(p[i]))
            i++;
        m->version = ccsig_str_make(p, i);
    } else if (!(n >= 3 && p[0] >= '1' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' &&
                 p[2] >= '0' && p[2] <= '9' && (n == 3 || is_ws(p[3])))) {
        return false;
    }
    m->kind = CCSIG_HTTP_RESPONSE;
    while (i < n && is_ws(p[i]))
        i++;
    size_t d = i;
    int status = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9' && i - d < 9) {
        status = status * 10 + (p[i] - '0');
        i++;
    }
    size_t digits = i - d;
    if (digits == 0) {
        m->status = -1;
        m->anomalies |= CCSIG_HTTP_A_BAD_STATUS;
    } else {
        m->status = status;
        if (digits != 3)
            m->anomalies |= CCSIG_HTTP_A_BAD_STATUS;
    }
    if (digits && i < n && !is_ws(p[i])) {
        /* "200OK": the code runs into text. */
        m->anomalies |= CCSIG_HTTP_A_BAD_STATUS;
    }
    m->reason = ccsig_str_trim_ows(p + i, n - i);
    if (!m->reason.len)
        m->anomalies |= CCSIG_HTTP_A_NO_REASON;
    return true;
}

/* A field line: name ':' value. Returns false for lines that are not one. */
static bool looks_like_field(const char *p, size_t n) {
    const char *c = memchr(p, ':', n);
    if (!c || c == p)
        return false;
    for (const char *q = p; q < c; q++)
        if (!is_tchar((unsigned char)*q))
            return false;
    return true;
}

/* Whether p[0..n) holds SP or HTAB. Eight bytes at a time: every field name
 * of every WARC and HTTP header a scan reads passes here, and the byte loop
 * was 1.4 % of the instructions of a scan of small records. A byte of w
 * equals c when that byte of w ^ c*ones is zero; (x - ones) & ~x & highs is
 * nonzero exactly when x has a zero byte. */
static bool has_ws(const char *p, size_t n) {
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        uint64_t w;
        memcpy(&w, p + k, 8);
        uint64_t s = w ^ (ones * ' '), t = w ^ (ones * '\t');
        if (((s - ones) & ~s & highs) | ((t - ones) & ~t & highs))
            return true;
    }
    for (; k < n; k++)
        if (is_ws(p[k]))
            return true;
    return false;
}

/* The position of the first ':', SP or HTAB in p[0..n), n when none;
 * sixteen bytes at a time with SSE2 (every x86-64 has it). */
static size_t name_stop(const char *p, size_t n) {
    size_t k = 0;
#if defined(__SSE2__)
    const __m128i colon = _mm_set1_epi8(':'), sp = _mm_set1_epi8(' '), ht = _mm_set1_epi8('\t');
    for (; k + 16 <= n; k += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + k));
        __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, colon),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, ht)));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m)
            return k + (size_t)__builtin_ctz(m);
    }
#endif
    for (; k < n; k++)
        if (p[k] == ':' || is_ws(p[k]))
            break;
    return k;
}

/* The field named p[0..nl) whose value is v[0..vn) without the white space
 * around it, or one more dropped when fs is full. */
static void push_field(ccsig_http_fields *fs, const char *p, size_t nl, const char *v, size_t vn) {
    if (fs->n == fs->cap) {
        fs->anomalies |= CCSIG_HTTP_A_TOO_MANY;
        fs->dropped++;
        return;
    }
    ccsig_http_field *f = &fs->v[fs->n++];
    f->name = ccsig_str_make(p, nl);
    f->value = ccsig_str_trim_ows(v, vn);
}

static ccsig_status add_field(ccsig_http_fields *fs, const char *p, size_t n) {
    /* The common line, "Name: value": the first ':' comes before any white
     * space. One pass finds it; other lines take the general way below. */
    size_t k = name_stop(p, n);
    if (k && k < n && p[k] == ':') {
        push_field(fs, p, k, p + k + 1, n - k - 1);
        return CCSIG_OK;
    }
    const char *c = memchr(p, ':', n);
    if (!c) {
        fs->anomalies |= CCSIG_HTTP_A_JUNK_LINE;
        return CCSIG_OK;
    }
    size_t nl = (size_t)(c - p);
    size_t tl = nl;
    while (tl && is_ws(p[tl - 1]))
        tl--;
    if (tl == 0) {
        fs->anomalies |= CCSIG_HTTP_A_EMPTY_NAME;
        return CCSIG_OK;
    }
    if (tl != nl || has_ws(p, tl))
        fs->anomalies |= CCSIG_HTTP_A_NAME_SPACE;
    push_field(fs, p, tl, c + 1, n - nl - 1);
    return CCSIG_OK;
}

static ccsig_status unfold(ccsig_arena *a, ccsig_http_fields *fs, const char *p, size_t n,
                           ccsig_error *err) {
    fs->anomalies |= CCSIG_HTTP_A_FOLDED;
    ccsig_str more = ccsig_str_trim_ows(p, n);
    if (fs->n == 0 || fs->dropped) {
        if (fs->n == 0)
            fs->anomalies |= CCSIG_HTTP_A_LEADING_WS;
        return CCSIG_OK;
    }
    if (!more.len)
        return CCSIG_OK;
    ccsig_http_field *f = &fs->v[fs->n - 1];
    size_t len = f->value.len ? f->value.len + 1 + more.len : more.len;
    char *v = a ? ccsig_arena_alloc(a, len + 1) : NULL;
    if (!v)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, (size_t)(p - f->name.p),
                               "out of memory unfolding a header value");
    size_t o = 0;
    if (f->value.len) {
        memcpy(v, f->value.p, f->value.len);
        o = f->value.len;
        v[o++] = ' ';
    }
    memcpy(v + o, more.p, more.len);
    v[len] = '\0';
    f->value = ccsig_str_make(v, len);
    return CCSIG_OK;
}

/* The field lines of p[pos..), the one field-block grammar of ccsig: each
 * line ends at LF (CRs before it dropped); an empty line ends the block; a
 * line starting with SP or HT continues the field before it; other lines
 * are fields. Looks at no more than CCSIG_HTTP_MAX_BLOCK bytes of p; a last
 * line without LF counts when the data ends there (len within the limit). */
static ccsig_status read_fields(ccsig_arena *a, const char *p, size_t len, size_t pos,
                                ccsig_http_fields *fs, ccsig_error *err) {
    size_t lim = len < CCSIG_HTTP_MAX_BLOCK ? len : CCSIG_HTTP_MAX_BLOCK;
    fs->end = pos;
    fs->ended = false;
    while (pos < lim) {
        const char *line = p + pos;
        const char *lf = memchr(line, '\n', lim - pos);
        size_t n, next;
        if (lf) {
            n = (size_t)(lf - line);
            next = pos + n + 1;
        } else if (len <= CCSIG_HTTP_MAX_BLOCK) {
            /* The data ends inside a last line without a line end. */
            n = lim - pos;
            next = lim;
        } else {
            fs->anomalies |= CCSIG_HTTP_A_TOO_LONG;
            break;
        }
        size_t content = n;
        while (content && line[content - 1] == '\r')
            content--;
        if (lf && (content == n))
            fs->anomalies |= CCSIG_HTTP_A_BARE_LF;
        if (content == 0) {
            fs->end = next;
            fs->ended = true;
            return CCSIG_OK;
        }
        ccsig_status st =
            is_ws(line[0]) ? unfold(a, fs, line, content, err) : add_field(fs, line, content);
        if (st)
            return st;
        pos = next;
        fs->end = pos;
    }
    fs->anomalies |= CCSIG_HTTP_A_NO_END;
    return CCSIG_OK;
}

ccsig_status ccsig_http_fields_parse(ccsig_arena *a, const char *p, size_t len,
                                     ccsig_http_fields *fs, ccsig_error *err) {
    if (!fs || (!p && len) || (!fs->v && fs->cap))
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "NULL argument");
    fs->n = 0;
    fs->dropped = 0;
    fs->anomalies = 0;
    return read_fields(a, p, len, 0, fs, err);
}

ccsig_status ccsig_http_parse(ccsig_arena *a, const char *p, size_t len, ccsig_http_msg *m,
                              ccsig_error *err) {
    if (!m || (!p && len))
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "NULL argument");
    m->kind = CCSIG_HTTP_NONE;
    m->status = -1;
    m->version = m->reason = m->method = m->target = ccsig_str_make(NULL, 0);
    m->header_len = 0;
    m->anomalies = 0;
    m->nfields = 0;
    m->dropped = 0;
    m->fields = NULL;
    m->cap = 0;
    if (len == 0) {
        m->anomalies |= CCSIG_HTTP_A_NO_END;
        return CCSIG_OK;
    }
    /* The first line: a start line, a field (a block without one), or
     * neither (not HTTP at all: a bare document in a response record). */
    size_t lim = len < CCSIG_HTTP_MAX_BLOCK ? len : CCSIG_HTTP_MAX_BLOCK;
    const char *lf = memchr(p, '\n', lim);
    if (!lf && len > CCSIG_HTTP_MAX_BLOCK) {
        m->anomalies |= CCSIG_HTTP_A_TOO_LONG | CCSIG_HTTP_A_NO_END;
        return CCSIG_OK;
    }
    size_t pos = 0, n = lf ? (size_t)(lf - p) : lim, content = n;
    while (content && p[content - 1] == '\r')
        content--;
    if (lf && content == n)
        m->anomalies |= CCSIG_HTTP_A_BARE_LF;
    if (parse_status_line(p, content, m) || parse_request_line(p, content, m)) {
        pos = lf ? n + 1 : lim;
    } else if (!looks_like_field(p, content)) {
        return CCSIG_OK;
    } else {
        m->kind = CCSIG_HTTP_FIELDS;
        m->anomalies |= CCSIG_HTTP_A_NO_START;
    }
    m->fields = a ? ccsig_arena_alloc(a, CCSIG_HTTP_MAX_FIELDS * sizeof *m->fields) : NULL;
    if (!m->fields) {
        m->kind = CCSIG_HTTP_NONE;
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory for %d header fields",
                               CCSIG_HTTP_MAX_FIELDS);
    }
    m->cap = CCSIG_HTTP_MAX_FIELDS;
    ccsig_http_fields fs = {m->fields, m->cap, 0, 0, 0, 0, false};
    ccsig_status st = read_fields(a, p, len, pos, &fs, err);
    m->nfields = fs.n;
    m->dropped = fs.dropped;
    m->anomalies |= fs.anomalies;
    m->header_len = fs.end;
    return st;
}

size_t ccsig_http_find(const ccsig_http_msg *m, const char *name, size_t from) {
    size_t n = strlen(name);
    for (size_t i = from; i < m->nfields; i++)
        if (m->fields[i].name.len == n && ccsig_str_ieq(m->fields[i].name, name))
            return i;
    return m->nfields;
}

size_t ccsig_http_count(const ccsig_http_msg *m, const char *name) {
    size_t n = 0, len = strlen(name);
    for (size_t i = 0; i < m->nfields; i++)
        n += m->fields[i].name.len == len && ccsig_str_ieq(m->fields[i].name, name);
    return n;
}

bool ccsig_http_combined(const ccsig_http_msg *m, const char *name, ccsig_arena *a, ccsig_str *out,
                         ccsig_error *err) {
    *out = ccsig_str_make(NULL, 0);
    size_t first = ccsig_http_find(m, name, 0);
    if (first == m->nfields)
        return false;
    size_t total = m->fields[first].value.len, count = 1;
    for (size_t i = ccsig_http_find(m, name, first + 1); i < m->nfields;
         i = ccsig_http_find(m, name, i + 1)) {
        total += 2 + m->fields[i].value.len;
        count++;
    }
    if (count == 1) {
        *out = m->fields[first].value;
        return true;
    }
    char *v = ccsig_arena_alloc(a, total + 1);
    if (!v) {
        ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory joining %s field lines", name);
        return false;
    }
    size_t o = 0;
    for (size_t i = first; i < m->nfields; i = ccsig_http_find(m, name, i + 1)) {
        if (o) {
            v[o++] = ',';
            v[o++] = ' ';
        }
        if (m->fields[i].value.len)
            memcpy(v + o, m->fields[i].value.p, m->fields[i].value.len);
        o += m->fields[i].value.len;
    }
    v[o] = '\0';
    *out = ccsig_str_make(v, o);
    return true;
}

const char *ccsig_http_anomaly_name(unsigned bit) {
    switch (bit) {
    case CCSIG_HTTP_A_BARE_LF:
        return "bare-lf";
    case CCSIG_HTTP_A_FOLDED:
        return "folded";
    case CCSIG_HTTP_A_JUNK_LINE:
        return "junk-line";
    case CCSIG_HTTP_A_EMPTY_NAME:
        return "empty-name";
    case CCSIG_HTTP_A_NAME_SPACE:
        return "name-space";
    case CCSIG_HTTP_A_NO_REASON:
        return "no-reason";
    case CCSIG_HTTP_A_BAD_STATUS:
        return "bad-status";
    case CCSIG_HTTP_A_NO_END:
        return "no-end";
    case CCSIG_HTTP_A_NO_START:
        return "no-start-line";
    case CCSIG_HTTP_A_TOO_MANY:
        return "too-many-fields";
    case CCSIG_HTTP_A_TOO_LONG:
        return "too-long";
    case CCSIG_HTTP_A_LEADING_WS:
        return "leading-whitespace";
    }
    return "unknown";
}

/* ------------------------------------------------------------- bodies -- */

/* Included here, next to their only users, so the field-block code above
 * stays as it is. */
#include <string.h>

#include <isa-l/igzip_lib.h>

#include "ccsig/alloc.h"

size_t ccsig_http_dechunk(const char *p, size_t n, char *out, size_t cap) {
    size_t len = 0, i = 0;
    while (i < n && len < cap) {
        size_t size = 0, k = i;
        while (k < n &&
               ((p[k] >= '0' && p[k] <= '9') || ((p[k] | 32) >= 'a' && (p[k] | 32) <= 'f'))) {
            int v = p[k] <= '9' ? p[k] - '0' : (p[k] | 32) - 'a' + 10;
            size = size * 16 + (size_t)v;
            if (size > n)
                break;
            k++;
        }
        const char *lf = memchr(p + k, '\n', n - k);
        if (k == i || !lf || size == 0)
            break;
        i = (size_t)(lf - p) + 1;
        size_t take = size < n - i ? size : n - i;
        if (take > cap - len)
            take = cap - len;
        memcpy(out + len, p + i, take);
        len += take;
        i = size < n - i ? i + size : n;
        while (i < n && (p[i] == '\r' || p[i] == '\n'))
            i++;
    }
    return len;
}

ccsig_status ccsig_gunzip(const char *p, size_t n, size_t limit, bool strict, char **out_p,
                          size_t *out_len, ccsig_error *err) {
    *out_p = NULL;
    *out_len = 0;
    size_t cap = limit < 65536 ? limit : 65536, len = 0;
    char *out = ccsig_malloc(cap + 1);
    if (!out)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    const uint8_t *in = (const uint8_t *)p;
    size_t pos = 0;
    ccsig_status st = CCSIG_OK;
    while (pos + 2 <= n && in[pos] == 0x1f && in[pos + 1] == 0x8b && len < limit) {
        struct inflate_state z;
        isal_inflate_init(&z);
        z.crc_flag = ISAL_GZIP;
        z.next_in = (uint8_t *)in + pos;
        z.avail_in = (uint32_t)(n - pos > UINT32_MAX ? UINT32_MAX : n - pos);
        for (;;) {
            if (len == cap && cap < limit) {
                size_t ncap = cap * 2 < limit ? cap * 2 : limit;
                char *no = ccsig_realloc(out, ncap + 1);
                if (!no) {
                    ccsig_free(out);
                    return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
                }
                out = no;
                cap = ncap;
            }
            if (len == cap) {
                if (strict)
                    st = ccsig_error_set(err, CCSIG_ERR_LIMIT, pos,
                                         "inflates to more than %zu bytes", limit);
                break;
            }
            z.next_out = (uint8_t *)out + len;
            z.avail_out = (uint32_t)(cap - len);
            uint32_t before = z.avail_out, in_before = z.avail_in;
            int ret = isal_inflate(&z);
            len += before - z.avail_out;
            if (ret != ISAL_DECOMP_OK) {
                if (strict)
                    st = ccsig_error_set(err, CCSIG_ERR_SYNTAX, (size_t)(z.next_in - in),
                                         "damaged gzip data (igzip error %d)", ret);
                break;
            }
            if (z.block_state == ISAL_BLOCK_FINISH)
                break;
            if (before == z.avail_out && in_before == z.avail_in) { /* no progress: cut off */
                if (strict)
                    st = ccsig_error_set(err, CCSIG_ERR_SYNTAX, n, "gzip data cut off");
                break;
            }
        }
        if (st || z.block_state != ISAL_BLOCK_FINISH)
            break;
        pos = (size_t)(z.next_in - in);
    }
    if (st) {
        ccsig_free(out);
        return st;
    }
    out[len] = '\0';
    *out_p = out;
    *out_len = len;
    return CCSIG_OK;
}

ccsig_status ccsig_http_body_decode(const ccsig_http_msg *m, const char *p, size_t n, size_t limit,
                                    char **out_p, size_t *out_len) {
    *out_p = NULL;
    *out_len = 0;
    size_t cap = limit;
    char *out = ccsig_malloc(cap + 1);
    if (!out)
        return CCSIG_ERR_NOMEM;
    size_t len;
    size_t te = ccsig_http_find(m, "Transfer-Encoding", 0);
    if (te < m->nfields && CCSIG_STR_IEQ(m->fields[te].value, "chunked")) {
        len = ccsig_http_dechunk(p, n, out, cap);
    } else {
        len = n < cap ? n : cap;
        if (len)
            memcpy(out, p, len);
    }
    if (len >= 2 && (unsigned char)out[0] == 0x1f && (unsigned char)out[1] == 0x8b) {
        /* lenient: what decodes before an error or the limit counts */
        char *z;
        size_t zl;
        ccsig_status st = ccsig_gunzip(out, len, cap, false, &z, &zl, NULL);
        ccsig_free(out);
        if (st)
            return st;
        out = z;
        len = zl;
    }
    out[len] = '\0';
    *out_p = out;
    *out_len = len;
    return CCSIG_OK;
}
