/*
 * gen_crawl.c — bench/gen-crawl: a deterministic synthetic web crawl in the
 * Common Crawl layout, with the answers a correct `ccsig scan` must give.
 *
 *   gen_crawl [options] -o OUT.warc[.gz|.zst]
 *
 * Each page is a request, response and metadata record (WARC/1.0, CC field
 * set, WARC-Concurrent-To links). Pages come from --sites sites whose
 * robots.txt variants (written with --robots as request/response captures)
 * cover: no capture, crawl rules only, a site-wide Content-Usage with a CC
 * exception, a path-specific one, 404, 503, an agent-specific group, and a
 * 301 to another host's robots.txt. Response headers mix Content-Usage
 * variants (plain deny, allow, each CC signal, legacy labels, an invalid
 * uppercase key, the same field on two lines), lowercase HTTP/2 names,
 * folded lines, bare LF line ends, duplicate Set-Cookie and a missing reason
 * phrase, and the other mechanisms a page has (X-Robots-Tag noai, a
 * <meta name="robots" content="noai">, a TDMRep tdm-reservation header);
 * statuses mix 200, 301, 404 and 500; sizes follow a log-normal
 * around 20 KB with a tail to 1 MB. Some responses are re-crawled as revisit
 * records (identical payload digest, WARC-Refers-To the original).
 *
 * --answers writes one JSON line per response or revisit with what the scan
 * must report for the profile agent '*', use train-ai, commit credit: crawl,
 * robots, decision result and obligations, status, archive offset, and
 * whether the record is damaged (then it must be skipped). The expected
 * outcome is computed here from tables written by hand, not by libccsig.
 *
 * --damage adds, at fixed points: garbage between records, a response whose
 * Content-Length is one byte short, a gzip/zstd member with a corrupt byte
 * (not for plain output), and the last record cut at three quarters. The final answers
 * line gives the record, error and skip counts the summary must show.
 *
 * Everything depends only on the options: the same command writes the same
 * bytes.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <isa-l/igzip_lib.h>
#include <zdict.h>
#include <zstd.h>

#include "ccsig/buf.h"
#include "ccsig/hashmap.h"
#include "ccsig/warc.h"

/* ------------------------------------------------------------------ rng -- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r) {
    /* splitmix64: small, fast, good enough for test data */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned below(rng *r, unsigned n) {
    return (unsigned)(next(r) % n);
}

static double unit(rng *r) {
    return (double)(next(r) >> 11) / 9007199254740992.0;
}

/* ---------------------------------------------------------------- words -- */

#define NWORDS 4096
static char words[NWORDS][12];
static size_t word_len[NWORDS];

static void make_words(void) {
    static const char *syl[] = {"ka",  "lo",  "mi",  "ne",  "ra",  "to",  "shi", "an", "el", "or",
                                "us",  "ti",  "ve",  "da",  "po",  "ri",  "en",  "ga", "mu", "so",
                                "the", "and", "ing", "ion", "ter", "com", "pro", "con"};
    rng r = {12345};
    for (int i = 0; i < NWORDS; i++) {
        size_t n = 0;
        int k = 1 + (int)below(&r, 3);
        for (int s = 0; s < k; s++) {
            const char *y = syl[below(&r, sizeof syl / sizeof syl[0])];
            size_t l = strlen(y);
            memcpy(words[i] + n, y, l);
            n += l;
        }
        words[i][n] = '\0';
        word_len[i] = n;
    }
}

static void text(ccsig_buf *b, rng *r, size_t n) {
    size_t end = b->len + n;
    if (!ccsig_buf_reserve(b, n + 64))
        exit(3);
    char *p = b->data + b->len;
    char *stop = b->data + end;
    int sentence = 0;
    while (p < stop) {
        uint64_t x = next(r);
        /* Zipf-like: small indices are frequent */
        unsigned w = (unsigned)(((x & 4095) * ((x >> 12) & 4095)) >> 12);
        memcpy(p, words[w], word_len[w]);
        p += word_len[w];
        if (++sentence > 12 && (x >> 40) % 8 == 0) {
            memcpy(p, ".\n", 2);
            p += 2;
            sentence = 0;
        } else {
            *p++ = ' ';
        }
    }
    b->len = end;
    b->data[b->len] = '\0';
}

/* -------------------------------------------------------------- policies -- */

/* The train-ai outcome of a statement: state and CC conditions. */
enum { U = 0, A, D };
enum { CR = 1, DC = 2, EC = 4, OP = 8 };
typedef struct outcome {
    int state;
    unsigned cond;
} outcome;

/* Where a variant's statement is: Content-Usage lines, an X-Robots-Tag
 * header, a <meta name="robots"> in the HTML head, a TDMRep
 * tdm-reservation header. */
enum { IN_CONTENT_USAGE = 0, IN_X_ROBOTS_TAG, IN_HTML_META, IN_TDM_HEADER };

typedef struct header_variant {
    const char *lines[2]; /* Content-Usage field lines, or the other field's value */
    outcome train_ai;     /* worked out by hand from draft-ietf-aipref-vocab and
                             peer-signals.md */
    bool invalid;
    int where;
} header_variant;

static const header_variant headers[] = {
    {{NULL, NULL}, {U, 0}, false, IN_CONTENT_USAGE},
    {{"train-ai=n", NULL}, {D, 0}, false, IN_CONTENT_USAGE},
    {{"train-ai=y", NULL}, {A, 0}, false, IN_CONTENT_USAGE},
    {{"train-ai=n;exceptions=cc-cr", NULL}, {D, CR}, false, IN_CONTENT_USAGE},
    {{"train-ai=n;exceptions=cc-cr-ec, search=y", NULL}, {D, CR | EC}, false, IN_CONTENT_USAGE},
    /* train-genai (vocab-02) meant generative training, which is what
     * vocab-08's train-ai means: the default reading (scan's) denies
     * train-ai through it, marked legacy; the current reading would not */
    {{"train-genai=n", NULL}, {D, 0}, false, IN_CONTENT_USAGE},
    /* tdm (vocab-01) is automated-processing, which contains train-ai */
    {{"tdm=n", NULL}, {D, 0}, false, IN_CONTENT_USAGE},
    /* an uppercase key makes the Dictionary invalid: every category unknown */
    {{"TRAIN-AI=n", NULL}, {U, 0}, true, IN_CONTENT_USAGE},
    /* two lines are one field (RFC 9651 §4.2): the last train-ai wins */
    {{"train-ai=y", "train-ai=n;exceptions=cc-cr-op"}, {D, CR | OP}, false, IN_CONTENT_USAGE},
    {{"train-ai=n;exceptions=cc-cr-dc", NULL}, {D, CR | DC}, false, IN_CONTENT_USAGE},
    {{"search=y, train-ai=n;exceptions=cc-cr", NULL}, {D, CR}, false, IN_CONTENT_USAGE},
    /* the other mechanisms of a page (lib/sources readers): noai denies AI
     * training, as does a TDMRep reservation without a policy */
    {{"noai", NULL}, {D, 0}, false, IN_X_ROBOTS_TAG},
    {{"noai", NULL}, {D, 0}, false, IN_HTML_META},
    {{"1", NULL}, {D, 0}, false, IN_TDM_HEADER},
};
#define NHEADERS (sizeof headers / sizeof headers[0])

enum {
    ROB_NONE = 0, /* no capture */
    ROB_RULES,    /* crawl rules only */
    ROB_SITE_CR,  /* site-wide train-ai=n;exceptions=cc-cr */
    ROB_PATHS,    /* cc-cr-ec everywhere, plain deny under /private/ */
    ROB_404,      /* unavailable */
    ROB_503,      /* unreachable */
    ROB_AGENT,    /* CCBot disallowed, '*' allowed with train-ai=y */
    ROB_REDIRECT, /* 301 to www.<host>/robots.txt, which says cc-cr */
    ROB_COUNT
};

static const char *robots_body(int v) {
    switch (v) {
    case ROB_RULES:
        return "# crawl rules only\nUser-agent: *\nDisallow: /nocrawl/\n";
    case ROB_SITE_CR:
        return "User-agent: *\nAllow: /\nContent-Usage: train-ai=n;exceptions=cc-cr\n";
    case ROB_PATHS:
        return "User-agent: *\nDisallow: /nocrawl/\n"
               "Content-Usage: train-ai=n;exceptions=cc-cr-ec\n"
               "Content-Usage: /private/ train-ai=n\n";
    case ROB_AGENT:
        return "User-agent: CCBot\nDisallow: /\n\nUser-agent: *\n"
               "Content-Usage: search=y, train-ai=y\n";
    case ROB_REDIRECT:
        return "User-agent: *\nContent-Usage: train-ai=n;exceptions=cc-cr\n";
    }
    return "";
}

typedef struct site {
    char scheme[8];
    char host[64];
    unsigned port; /* 0: default */
    int robots;
    int header_mode; /* 0 none, 1 fixed variant on every page, 2 random per page */
    int header_fixed;
} site;

static void origin(const site *s, char *buf, size_t n) {
    if (s->port)
        snprintf(buf, n, "%s://%s:%u", s->scheme, s->host, s->port);
    else
        snprintf(buf, n, "%s://%s", s->scheme, s->host);
}

static void make_sites(site *v, int n) {
    static const char *tlds[] = {"org", "com", "net", "edu", "museum"};
    for (int i = 0; i < n; i++) {
        rng r = {0xabcdef00ull + (uint64_t)i * 7919};
        site *s = &v[i];
        snprintf(s->scheme, sizeof s->scheme, "%s", i % 7 == 3 ? "http" : "https");
        snprintf(s->host, sizeof s->host, "site%03d.example.%s", i, tlds[i % 5]);
        s->port = i % 23 == 11 ? 8080 : 0;
        s->robots = i % ROB_COUNT;
        s->header_mode = i % 3;
        s->header_fixed = 1 + (int)below(&r, NHEADERS - 1);
    }
}

/* The robots.txt outcome for a page path. */
typedef struct robots_answer {
    const char *known; /* none, found, unavailable, unreachable */
    int crawl;         /* 0 unknown, 1 allowed, 2 disallowed */
    outcome st;        /* statements' train-ai outcome (U when none) */
} robots_answer;

static robots_answer robots_for(const site *s, const char *path) {
    robots_answer a = {"none", 0, {U, 0}};
    switch (s->robots) {
    case ROB_NONE:
        return a;
    case ROB_404:
        return (robots_answer){"unavailable", 1, {U, 0}};
    case ROB_503:
        return (robots_answer){"unreachable", 2, {U, 0}};
    default:
        break;
    }
    a.known = "found";
    a.crawl = 1;
    bool nocrawl = !strncmp(path, "/nocrawl/", 9);
    switch (s->robots) {
    case ROB_RULES:
        a.crawl = nocrawl ? 2 : 1;
        break;
    case ROB_SITE_CR:
    case ROB_REDIRECT:
        a.st = (outcome){D, CR};
        break;
    case ROB_PATHS:
        a.crawl = nocrawl ? 2 : 1;
        if (!strncmp(path, "/private/", 9))
            a.st = (outcome){D, 0};
        else
            a.st = (outcome){D, CR | EC};
        break;
    case ROB_AGENT:
        a.st = (outcome){A, 0};
        break;
    }
    if (a.crawl == 2)
        a.st = (outcome){U, 0}; /* no preference for paths that cannot be crawled */
    return a;
}

/* The aipref most-restrictive rule on one category. */
static outcome combine(outcome a, outcome b) {
    if ((a.state == D && !a.cond) || (b.state == D && !b.cond))
        return (outcome){D, 0};
    if (a.state == D || b.state == D)
        return (outcome){D, (a.state == D ? a.cond : 0) | (b.state == D ? b.cond : 0)};
    if (a.state == A || b.state == A)
        return (outcome){A, 0};
    return (outcome){U, 0};
}

/* ----------------------------------------------------------- the output -- */

enum { L_MEMBER = 0, L_WHOLE, L_MISALIGNED };

typedef struct pend_answer {
    char *line; /* answer JSON with "%OFFSET%" to fill */
    uint64_t u; /* stream offset of the record */
} pend_answer;

typedef struct gen {
    ccsig_warc_codec codec;
    int layout;
    int level;
    FILE *f;
    uint64_t pos; /* archive bytes written */
    uint64_t u;   /* stream bytes written (uncompressed) */
    ccsig_warc_writer *w;
    ccsig_buf z;
    /* whole/misaligned stream */
    ccsig_buf stream;
    struct isal_zstream zs;
    uint8_t *lvl;
    ZSTD_CCtx *zc;
    ZSTD_CDict *cdict;
    /* answers waiting for their member (misaligned) */
    pend_answer *pend;
    size_t npend, cappend;
    uint64_t member_u; /* stream offset where the current member starts */
    uint64_t rec_u;    /* stream offset of the last record written */
    FILE *answers;
    uint64_t records, errors, skipped;
    bool cut_last;
} gen;

static void die(const char *what) {
    fprintf(stderr, "gen_crawl: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void put(gen *g, const void *p, size_t n) {
    if (n && fwrite(p, 1, n, g->f) != n)
        die("write");
    g->pos += n;
}

static void answer_flush(gen *g, uint64_t offset, uint64_t upto) {
    size_t k = 0;
    for (size_t i = 0; i < g->npend; i++) {
        if (g->pend[i].u < upto) {
            char *at = strstr(g->pend[i].line, "%OFFSET%");
            if (g->answers) {
                fwrite(g->pend[i].line, 1, (size_t)(at - g->pend[i].line), g->answers);
                fprintf(g->answers, "%" PRIu64 "%s", offset, at + 8);
            }
            free(g->pend[i].line);
        } else {
            g->pend[k++] = g->pend[i];
        }
    }
    g->npend = k;
}

static void misaligned_flush(gen *g, bool all) {
    /* Members of a fixed 7919 bytes, cutting records anywhere. */
    const size_t M = 7919;
    size_t off = 0;
    while (g->stream.len - off >= M || (all && off < g->stream.len)) {
        size_t n = g->stream.len - off < M ? g->stream.len - off : M;
        uint64_t at = g->pos;
        answer_flush(g, at, g->member_u + n);
        ccsig_buf_clear(&g->z);
        ccsig_error e;
        if (ccsig_warc_writer_member(g->w, &g->z, g->stream.data + off, n, &e))
            exit(3);
        put(g, g->z.data, g->z.len);
        g->member_u += n;
        off += n;
    }
    if (off && g->stream.len > off)
        memmove(g->stream.data, g->stream.data + off, g->stream.len - off);
    g->stream.len -= off;
}

static void whole_write(gen *g, const void *p, size_t n, bool end) {
    if (g->codec == CCSIG_WARC_GZIP) {
        g->zs.next_in = (uint8_t *)p;
        g->zs.avail_in = (uint32_t)n;
        g->zs.end_of_stream = end;
        uint8_t out[1 << 16];
        do {
            g->zs.next_out = out;
            g->zs.avail_out = sizeof out;
            if (isal_deflate(&g->zs) != COMP_OK)
                exit(3);
            put(g, out, sizeof out - g->zs.avail_out);
        } while (g->zs.avail_in || g->zs.avail_out == 0 ||
                 (end && g->zs.internal_state.state != ZSTATE_END));
    } else {
        ZSTD_inBuffer in = {p, n, 0};
        uint8_t out[1 << 16];
        size_t left;
        do {
            ZSTD_outBuffer o = {out, sizeof out, 0};
            left = ZSTD_compressStream2(g->zc, &o, &in, end ? ZSTD_e_end : ZSTD_e_continue);
            if (ZSTD_isError(left))
                exit(3);
            put(g, out, o.pos);
        } while (in.pos < in.size || (end && left));
    }
}

/* Write one record. damage: 0 none, 2 corrupt its member, 3 cut it in half. */
static uint64_t emit_record(gen *g, const ccsig_buf *rec, int damage) {
    uint64_t at;
    if (g->codec == CCSIG_WARC_PLAIN) {
        at = g->pos;
        size_t n = damage == 3 ? rec->len * 3 / 4 : rec->len;
        put(g, rec->data, n);
    } else if (g->layout == L_MEMBER) {
        at = g->pos;
        ccsig_buf_clear(&g->z);
        ccsig_error e;
        if (g->codec == CCSIG_WARC_ZSTD && g->cdict) {
            size_t bound = ZSTD_compressBound(rec->len);
            if (!ccsig_buf_reserve(&g->z, bound + 1))
                exit(3);
            /* the convention wants content size and checksum in every frame:
             * the frame parameters come from the context, set below */
            size_t got = ZSTD_compress2(g->zc, g->z.data, bound, rec->data, rec->len);
            if (ZSTD_isError(got))
                exit(3);
            g->z.len = got;
        } else if (ccsig_warc_writer_member(g->w, &g->z, rec->data, rec->len, &e)) {
            exit(3);
        }
        if (damage == 2) {
            /* one byte of the trailer flipped: every byte decodes, then the
             * CRC-32 (gzip) or content checksum (zstd) fails */
            g->z.data[g->z.len - (g->codec == CCSIG_WARC_GZIP ? 6 : 2)] ^= 0x55;
        }
        /* cut after three quarters: the decoded part holds the header */
        put(g, g->z.data, damage == 3 ? g->z.len * 3 / 4 : g->z.len);
    } else if (g->layout == L_WHOLE) {
        at = 0;
        whole_write(g, rec->data, rec->len, false);
    } else {
        /* Flush before appending: the previous record's answer is queued by
         * now, so the member holding its start can resolve it. */
        misaligned_flush(g, false);
        at = UINT64_MAX; /* resolved when its member is written */
        ccsig_buf_append(&g->stream, rec->data, rec->len);
    }
    g->rec_u = g->u;
    g->u += rec->len;
    g->records++;
    return at;
}

static void garbage(gen *g, rng *r) {
    char junk[100];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)('a' + below(r, 26));
    if (g->layout == L_MEMBER || g->codec == CCSIG_WARC_PLAIN)
        put(g, junk, sizeof junk);
    g->errors++;
}

/* ------------------------------------------------------------- records -- */

static void uuid(rng *r, char *buf) {
    uint64_t a = next(r), b = next(r);
    snprintf(buf, 48, "<urn:uuid:%08x-%04x-4%03x-8%03x-%012" PRIx64 ">", (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff, (unsigned)(b >> 48) & 0xfff,
             (uint64_t)(b & 0xffffffffffffull));
}

static void fake_digest(const char *p, size_t n, uint64_t salt, char *out) {
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    /* FNV-1a of every seventh byte, from the basis xor the salt */
    uint64_t h = CCSIG_FNV1A64_OFFSET ^ salt;
    for (size_t i = 0; i < n; i += 7)
        h = ccsig_fnv1a64_more(h, p + i, 1);
    memcpy(out, "sha1:", 5);
    for (int i = 0; i < 32; i++) {
        h = h * 6364136223846793005ull + 1442695040888963407ull;
        out[5 + i] = b32[h >> 59];
    }
    out[37] = '\0';
}

static void warc_header(ccsig_buf *b, const char *type, const char *date, const char *id,
                        const char *uri, size_t len, const char *ctype, const char *extra) {
    ccsig_buf_printf(b,
                     "WARC/1.0\r\nWARC-Type: %s\r\nWARC-Date: %s\r\nWARC-Record-ID: %s\r\n"
                     "Content-Length: %zu\r\nContent-Type: %s\r\n",
                     type, date, id, len, ctype);
    if (uri)
        ccsig_buf_printf(b, "WARC-Target-URI: %s\r\n", uri);
    if (extra)
        ccsig_buf_puts(b, extra);
    ccsig_buf_puts(b, "\r\n");
}

static void date_at(uint64_t t, char *buf) {
    /* seconds after 2024-05-18T00:00:00Z, within May 2024 */
    unsigned d = 18 + (unsigned)(t / 86400) % 13, s = (unsigned)(t % 86400);
    snprintf(buf, 32, "2024-05-%02uT%02u:%02u:%02uZ", d, s / 3600, s / 60 % 60, s % 60);
}

typedef struct page_out {
    char id[48], url[300], digest[40];
    int header; /* header variant */
    int status;
    size_t body_len;
} page_out;

static const char *reason(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 301:
        return "Moved Permanently";
    case 404:
        return "Not Found";
    case 500:
        return "Internal Server Error";
    case 304:
        return "Not Modified";
    case 503:
        return "Service Unavailable";
    }
    return "";
}

/* The HTTP header block of a response. */
static void http_head(ccsig_buf *b, rng *r, int status, int header, size_t body_len,
                      const char *location, bool revisit) {
    unsigned style = below(r, 20);
    bool lf = style == 0;               /* ClueWeb: bare LF */
    bool h2 = style >= 1 && style <= 6; /* CC: lowercase h2 names */
    bool noreason = style == 7;         /* "HTTP/1.1 200" */
    bool fold = style == 8;             /* obsolete folding */
    const char *nl = lf ? "\n" : "\r\n";
    if (noreason)
        ccsig_buf_printf(b, "HTTP/1.1 %d%s", status, nl);
    else
        ccsig_buf_printf(b, "HTTP/1.1 %d %s%s", status, reason(status), nl);
    ccsig_buf_printf(b, "%s: Sat, 18 May 2024 01:58:10 GMT%s", h2 ? "date" : "Date", nl);
    ccsig_buf_printf(b, "%s: nginx%s", h2 ? "server" : "Server", nl);
    ccsig_buf_printf(b, "%s: text/html; charset=utf-8%s", h2 ? "content-type" : "Content-Type", nl);
    if (!revisit)
        ccsig_buf_printf(b, "%s: %zu%s",
                         h2 ? "x-crawler-content-length" : "X-Crawler-Content-Length", body_len,
                         nl);
    if (below(r, 3) == 0)
        ccsig_buf_printf(b, "Set-Cookie: sid=%u; Path=/%sSet-Cookie: lang=en%s", below(r, 99999),
                         nl, nl);
    if (fold)
        ccsig_buf_printf(b, "X-Note: first part%s  second part%s", nl, nl);
    if (location)
        ccsig_buf_printf(b, "%s: %s%s", h2 ? "location" : "Location", location, nl);
    const header_variant *hv = &headers[header];
    if (hv->where == IN_CONTENT_USAGE)
        for (int k = 0; k < 2; k++)
            if (hv->lines[k])
                ccsig_buf_printf(b, "%s: %s%s", h2 ? "content-usage" : "Content-Usage",
                                 hv->lines[k], nl);
    if (hv->where == IN_X_ROBOTS_TAG)
        ccsig_buf_printf(b, "%s: %s%s", h2 ? "x-robots-tag" : "X-Robots-Tag", hv->lines[0], nl);
    if (hv->where == IN_TDM_HEADER)
        ccsig_buf_printf(b, "tdm-reservation: %s%s", hv->lines[0], nl);
    if (!revisit)
        ccsig_buf_printf(b, "%s: %zu%s", h2 ? "content-length" : "Content-Length", body_len, nl);
    ccsig_buf_puts(b, nl);
}

static void json_obligations(FILE *f, unsigned cond) {
    static const char *names[] = {"credit", "direct-contribution", "ecosystem-contribution",
                                  "open"};
    fputc('[', f);
    int n = 0;
    for (int i = 0; i < 4; i++)
        if (cond & (1u << i))
            fprintf(f, "%s\"%s\"", n++ ? "," : "", names[i]);
    fputc(']', f);
}

/* Record the answer for a response or revisit. */
static void answer(gen *g, uint64_t at, const char *id, const char *url, const char *type,
                   int status, const site *s, const char *path, outcome page, bool damaged) {
    robots_answer ra = robots_for(s, path);
    outcome v = combine(ra.st, page);
    const char *result;
    unsigned obligations = 0, missing = 0;
    if (v.state == U)
        result = "unknown";
    else if (v.state == A)
        result = "permitted";
    else if (!v.cond)
        result = "not-permitted";
    else if ((v.cond & ~(unsigned)CR) == 0)
        result = "permitted-with-obligations", obligations = v.cond;
    else
        result = "not-permitted", missing = v.cond & ~(unsigned)CR;
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_buf_printf(&b,
                     "{\"record_id\":\"%s\",\"url\":\"%s\",\"type\":\"%s\",\"status\":%d,"
                     "\"robots\":\"%s\",\"crawl\":\"%s\",\"result\":\"%s\",\"obligations\":",
                     id, url, type, status, ra.known,
                     ra.crawl == 0   ? "unknown"
                     : ra.crawl == 1 ? "allowed"
                                     : "disallowed",
                     result);
    FILE *mem = NULL;
    char *ob = NULL;
    size_t obn = 0;
    mem = open_memstream(&ob, &obn);
    json_obligations(mem, obligations);
    fputs(",\"missing\":", mem);
    json_obligations(mem, missing);
    fclose(mem);
    ccsig_buf_puts(&b, ob);
    free(ob);
    ccsig_buf_printf(&b, ",\"damaged\":%s,\"offset\":%%OFFSET%%}\n", damaged ? "true" : "false");
    if (at != UINT64_MAX) {
        char *at_s = strstr(b.data, "%OFFSET%");
        if (g->answers) {
            fwrite(b.data, 1, (size_t)(at_s - b.data), g->answers);
            fprintf(g->answers, "%" PRIu64 "%s", at, at_s + 8);
        }
    } else {
        if (g->npend == g->cappend) {
            g->cappend = g->cappend ? g->cappend * 2 : 64;
            g->pend = realloc(g->pend, g->cappend * sizeof *g->pend);
            if (!g->pend)
                exit(3);
        }
        g->pend[g->npend++] = (pend_answer){strdup(b.data), g->rec_u};
    }
    ccsig_buf_free(&b);
}

/* ------------------------------------------------------------- robots -- */

static void write_robots(const char *path, const char *dir, const site *sites, int nsites) {
    FILE *f = NULL;
    ccsig_warc_writer *w = NULL;
    if (path) {
        f = fopen(path, "wb");
        if (!f)
            die(path);
        size_t n = strlen(path);
        w = ccsig_warc_writer_new(n > 3 && !strcmp(path + n - 3, ".gz")    ? CCSIG_WARC_GZIP
                                  : n > 4 && !strcmp(path + n - 4, ".zst") ? CCSIG_WARC_ZSTD
                                                                           : CCSIG_WARC_PLAIN,
                                  1);
    }
    if (dir && mkdir(dir, 0777) != 0 && errno != EEXIST)
        die(dir);
    rng r = {777};
    ccsig_buf rec = CCSIG_BUF_INIT, z = CCSIG_BUF_INIT, blk = CCSIG_BUF_INIT;
    for (int i = 0; i < nsites; i++) {
        const site *s = &sites[i];
        if (s->robots == ROB_NONE)
            continue;
        for (int hop = 0; hop < (s->robots == ROB_REDIRECT ? 2 : 1); hop++) {
            char org[128], url[200], date[32], rid[48], qid[48], extra[200];
            site t = *s;
            if (hop == 1) {
                size_t hl = strlen(s->host);
                if (hl > sizeof t.host - 5)
                    hl = sizeof t.host - 5;
                memcpy(t.host, "www.", 4);
                memcpy(t.host + 4, s->host, hl);
                t.host[4 + hl] = '\0';
            }
            origin(&t, org, sizeof org);
            snprintf(url, sizeof url, "%s/robots.txt", org);
            date_at(3600 + (uint64_t)i * 60 + (uint64_t)hop, date);
            uuid(&r, rid);
            uuid(&r, qid);
            int status = s->robots == ROB_404                    ? 404
                         : s->robots == ROB_503                  ? 503
                         : s->robots == ROB_REDIRECT && hop == 0 ? 301
                                                                 : 200;
            const char *body = status == 200 ? robots_body(s->robots) : "";
            char loc[200];
            snprintf(loc, sizeof loc, "%s://www.%s/robots.txt", s->scheme, s->host);
            ccsig_buf_clear(&blk);
            ccsig_buf_printf(
                &blk, "GET /robots.txt HTTP/1.1\r\nHost: %s\r\nUser-Agent: CCBot\r\n\r\n", t.host);
            ccsig_buf_clear(&rec);
            warc_header(&rec, "request", date, qid, url, blk.len,
                        "application/http; msgtype=request", NULL);
            ccsig_buf_append(&rec, blk.data, blk.len);
            ccsig_buf_puts(&rec, "\r\n\r\n");
            if (f) {
                ccsig_buf_clear(&z);
                ccsig_error e;
                ccsig_warc_writer_member(w, &z, rec.data, rec.len, &e);
                fwrite(z.data, 1, z.len, f);
            }
            ccsig_buf_clear(&blk);
            ccsig_buf_printf(&blk, "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n", status,
                             reason(status));
            if (status == 301)
                ccsig_buf_printf(&blk, "Location: %s\r\n", loc);
            ccsig_buf_printf(&blk, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
            snprintf(extra, sizeof extra, "WARC-Concurrent-To: %s\r\n", qid);
            ccsig_buf_clear(&rec);
            warc_header(&rec, "response", date, rid, url, blk.len,
                        "application/http; msgtype=response", extra);
            ccsig_buf_append(&rec, blk.data, blk.len);
            ccsig_buf_puts(&rec, "\r\n\r\n");
            if (f) {
                ccsig_buf_clear(&z);
                ccsig_error e;
                ccsig_warc_writer_member(w, &z, rec.data, rec.len, &e);
                fwrite(z.data, 1, z.len, f);
            }
            if (dir && status == 200) {
                char fn[400];
                if (t.port)
                    snprintf(fn, sizeof fn, "%s/%s:%u.txt", dir, t.host, t.port);
                else
                    snprintf(fn, sizeof fn, "%s/%s.txt", dir, t.host);
                /* a directory says nothing of redirects: the target's rules
                 * go under the original host's name */
                if (s->robots == ROB_REDIRECT) {
                    if (hop == 0)
                        continue;
                    if (s->port)
                        snprintf(fn, sizeof fn, "%s/%s:%u.txt", dir, s->host, s->port);
                    else
                        snprintf(fn, sizeof fn, "%s/%s.txt", dir, s->host);
                }
                FILE *o = fopen(fn, "w");
                if (!o)
                    die(fn);
                fputs(body, o);
                fclose(o);
            }
        }
    }
    ccsig_buf_free(&rec);
    ccsig_buf_free(&z);
    ccsig_buf_free(&blk);
    if (f && fclose(f) != 0)
        die(path);
    ccsig_warc_writer_free(w);
}

/* --------------------------------------------------------------- main -- */

static void usage(FILE *f) {
    fprintf(f, "usage: gen_crawl [options] -o OUT.warc[.gz|.zst]\n"
               "  -o FILE           the crawl (.warc, .warc.gz or .warc.zst)\n"
               "  --pages N         pages to write (default 1000)\n"
               "  --size BYTES      write pages until the archive reaches BYTES (K, M, G)\n"
               "  --seed S          page seed (default 1); sites depend only on --sites\n"
               "  --sites N         sites (default 40, at most 1000000)\n"
               "  --robots FILE     write the sites' robots.txt captures (WARC)\n"
               "  --robots-dir DIR  write HOST.txt files of the sites' robots.txt\n"
               "  --answers FILE    known answers, one JSON line per response/revisit\n"
               "  --layout L        gzip/zstd: member (default), whole, misaligned (gzip)\n"
               "  --dict D          zstd: none (default), raw, compressed dictionary frame\n"
               "  --damage          add garbage, a short Content-Length, a corrupt member and\n"
               "                    a last record cut at three quarters\n"
               "  --revisits PCT    percent of pages re-crawled as revisits (default 3)\n"
               "  --level L         compression level (gzip 0-3, default 1; zstd default 3)\n");
}

static uint64_t parse_bytes(const char *s) {
    char *e;
    double v = strtod(s, &e);
    if (*e == 'K' || *e == 'k')
        v *= 1024;
    else if (*e == 'M' || *e == 'm')
        v *= 1024 * 1024;
    else if (*e == 'G' || *e == 'g')
        v *= 1024.0 * 1024 * 1024;
    return (uint64_t)v;
}

int main(int argc, char **argv) {
    static const struct option opts[] = {
        {"pages", required_argument, NULL, 'p'},    {"size", required_argument, NULL, 'S'},
        {"seed", required_argument, NULL, 's'},     {"sites", required_argument, NULL, 'n'},
        {"robots", required_argument, NULL, 'r'},   {"robots-dir", required_argument, NULL, 'R'},
        {"answers", required_argument, NULL, 'a'},  {"layout", required_argument, NULL, 'l'},
        {"dict", required_argument, NULL, 'd'},     {"damage", no_argument, NULL, 'D'},
        {"revisits", required_argument, NULL, 'v'}, {"level", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    const char *out = NULL, *robots = NULL, *robots_dir = NULL, *answers = NULL;
    long pages = 1000;
    uint64_t size = 0, seed = 1;
    int nsites = 40, layout = L_MEMBER, dict = 0, revisit_pct = 3, level = -1;
    bool damage = false;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'p':
            pages = atol(optarg);
            break;
        case 'S':
            size = parse_bytes(optarg);
            pages = -1;
            break;
        case 's':
            seed = strtoull(optarg, NULL, 10);
            break;
        case 'n':
            nsites = atoi(optarg);
            break;
        case 'r':
            robots = optarg;
            break;
        case 'R':
            robots_dir = optarg;
            break;
        case 'a':
            answers = optarg;
            break;
        case 'l':
            layout = !strcmp(optarg, "whole")        ? L_WHOLE
                     : !strcmp(optarg, "misaligned") ? L_MISALIGNED
                                                     : L_MEMBER;
            break;
        case 'd':
            dict = !strcmp(optarg, "raw") ? 1 : !strcmp(optarg, "compressed") ? 2 : 0;
            break;
        case 'D':
            damage = true;
            break;
        case 'v':
            revisit_pct = atoi(optarg);
            break;
        case 'L':
            level = atoi(optarg);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!out || nsites < 1 || nsites > 1000000 || (pages < 1 && !size) ||
        (damage && pages > 0 && pages < 8)) {
        usage(stderr);
        return 2;
    }
    make_words();
    site *sites = calloc((size_t)nsites, sizeof *sites);
    make_sites(sites, nsites);
    if (robots || robots_dir)
        write_robots(robots, robots_dir, sites, nsites);

    gen g;
    memset(&g, 0, sizeof g);
    size_t ol = strlen(out);
    g.codec = ol > 3 && !strcmp(out + ol - 3, ".gz")    ? CCSIG_WARC_GZIP
              : ol > 4 && !strcmp(out + ol - 4, ".zst") ? CCSIG_WARC_ZSTD
                                                        : CCSIG_WARC_PLAIN;
    g.layout = g.codec == CCSIG_WARC_PLAIN ? L_MEMBER : layout;
    if (g.codec == CCSIG_WARC_ZSTD && g.layout == L_MISALIGNED)
        g.layout = L_MEMBER;
    if (damage && g.layout != L_MEMBER)
        damage = false; /* damage positions are defined per member */
    g.level = level;
    g.f = fopen(out, "wb");
    if (!g.f)
        die(out);
    if (answers && !(g.answers = fopen(answers, "w")))
        die(answers);
    g.w = ccsig_warc_writer_new(g.codec, level);
    if (g.codec == CCSIG_WARC_GZIP && g.layout == L_WHOLE) {
        isal_deflate_init(&g.zs);
        g.zs.level = 1;
        g.zs.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
        g.lvl = malloc(g.zs.level_buf_size);
        g.zs.level_buf = g.lvl;
        g.zs.gzip_flag = IGZIP_GZIP;
    }
    if (g.codec == CCSIG_WARC_ZSTD) {
        g.zc = ZSTD_createCCtx();
        ZSTD_CCtx_setParameter(g.zc, ZSTD_c_compressionLevel, level > 0 ? level : 3);
        ZSTD_CCtx_setParameter(g.zc, ZSTD_c_checksumFlag, 1);
    }
    if (answers)
        fprintf(g.answers,
                "{\"profile\":{\"agent\":\"*\",\"use\":\"train-ai\",\"commit\":[\"credit\"]},"
                "\"archive\":\"%s\"}\n",
                out);

    rng r = {seed * 0x100000001b3ull + 17};
    char date[32], wid[48];
    uuid(&r, wid);
    date_at(0, date);
    ccsig_buf rec = CCSIG_BUF_INIT, blk = CCSIG_BUF_INIT, body = CCSIG_BUF_INIT;
    /* zstd dictionary from sample records, written first as the convention says */
    if (g.codec == CCSIG_WARC_ZSTD && dict) {
        rng dr = {99};
        size_t nsamp = 200;
        size_t *sizes = malloc(nsamp * sizeof *sizes);
        ccsig_buf samples = CCSIG_BUF_INIT;
        for (size_t i = 0; i < nsamp; i++) {
            size_t before = samples.len;
            http_head(&samples, &dr, 200, (int)(i % NHEADERS), 1000, NULL, false);
            text(&samples, &dr, 400 + below(&dr, 800));
            sizes[i] = samples.len - before;
        }
        uint8_t dbuf[16384];
        size_t dn = ZDICT_trainFromBuffer(dbuf, sizeof dbuf, samples.data, sizes, (unsigned)nsamp);
        if (ZDICT_isError(dn)) {
            fprintf(stderr, "gen_crawl: dictionary: %s\n", ZDICT_getErrorName(dn));
            return 3;
        }
        g.cdict = ZSTD_createCDict(dbuf, dn, level > 0 ? level : 3);
        ZSTD_CCtx_refCDict(g.zc, g.cdict);
        ccsig_buf frame = CCSIG_BUF_INIT;
        const void *payload = dbuf;
        size_t pn = dn;
        if (dict == 2) {
            size_t bound = ZSTD_compressBound(dn);
            ccsig_buf_reserve(&frame, bound);
            ZSTD_CCtx *cc = ZSTD_createCCtx();
            ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
            pn = ZSTD_compress2(cc, frame.data, bound, dbuf, dn);
            ZSTD_freeCCtx(cc);
            payload = frame.data;
        }
        uint8_t hdr[8] = {0x5d,
                          0x2a,
                          0x4d,
                          0x18,
                          (uint8_t)pn,
                          (uint8_t)(pn >> 8),
                          (uint8_t)(pn >> 16),
                          (uint8_t)(pn >> 24)};
        put(&g, hdr, 8);
        put(&g, payload, pn);
        /* an extension (skippable) frame, which readers must ignore */
        uint8_t ext[12] = {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 'c', 'c', 's', 'g'};
        put(&g, ext, sizeof ext);
        ccsig_buf_free(&frame);
        ccsig_buf_free(&samples);
        free(sizes);
    }
    /* warcinfo */
    ccsig_buf_clear(&blk);
    ccsig_buf_printf(&blk,
                     "isPartOf: CC-MAIN-2024-22\r\npublisher: ccsig gen_crawl (synthetic)\r\n"
                     "format: WARC File Format 1.1\r\nrobots: checked via crawler-commons\r\n");
    warc_header(&rec, "warcinfo", date, wid, NULL, blk.len, "application/warc-fields", NULL);
    ccsig_buf_append(&rec, blk.data, blk.len);
    ccsig_buf_puts(&rec, "\r\n\r\n");
    emit_record(&g, &rec, 0);

    page_out *done = calloc(1024, sizeof *done);
    size_t ndone = 0;
    long k2 = pages > 0 ? pages / 2 : 200, k1 = pages > 0 ? pages / 4 : 100,
         k3 = pages > 0 ? pages * 3 / 4 : 300;
    for (long i = 0; pages < 0 || i < pages; i++) {
        if (pages < 0 && g.pos >= size)
            break;
        bool last = pages > 0 && i == pages - 1;
        const site *s = &sites[below(&r, (unsigned)nsites)];
        char org[128], url[300], path[128], rid[48], qid[48], mid[48], extra[400], dg[40];
        origin(s, org, sizeof org);
        unsigned pk = below(&r, 20);
        if (pk == 0)
            snprintf(path, sizeof path, "/");
        else if (pk <= 2)
            snprintf(path, sizeof path, "/private/doc-%u.html", below(&r, 1000));
        else if (pk == 3)
            snprintf(path, sizeof path, "/nocrawl/page-%u", below(&r, 1000));
        else
            snprintf(path, sizeof path, "/articles/%s-%u.html", words[below(&r, 200)],
                     below(&r, 100000));
        snprintf(url, sizeof url, "%s%s", org, path);
        date_at(7200 + (uint64_t)i * 7, date);
        uuid(&r, rid);
        uuid(&r, qid);
        uuid(&r, mid);
        int header = s->header_mode == 0   ? 0
                     : s->header_mode == 1 ? s->header_fixed
                                           : (int)below(&r, NHEADERS);
        unsigned sk = below(&r, 100);
        int status = sk < 86 ? 200 : sk < 91 ? 301 : sk < 98 ? 404 : 500;
        bool revisit = ndone > 20 && (int)below(&r, 100) < revisit_pct && !last;
        /* request */
        ccsig_buf_clear(&blk);
        ccsig_buf_printf(&blk,
                         "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: CCBot/2.0 "
                         "(https://commoncrawl.org/faq/)\r\nAccept: text/html\r\n\r\n",
                         path, s->host);
        ccsig_buf_clear(&rec);
        snprintf(extra, sizeof extra, "WARC-Warcinfo-ID: %s\r\nWARC-IP-Address: 10.%u.%u.%u\r\n",
                 wid, below(&r, 255), below(&r, 255), below(&r, 255));
        warc_header(&rec, "request", date, qid, url, blk.len, "application/http; msgtype=request",
                    extra);
        ccsig_buf_append(&rec, blk.data, blk.len);
        ccsig_buf_puts(&rec, "\r\n\r\n");
        emit_record(&g, &rec, 0);
        if (i == k1 && damage)
            garbage(&g, &r);
        /* response or revisit */
        ccsig_buf_clear(&blk);
        ccsig_buf_clear(&body);
        bool short_cl = damage && i == k2;
        int dmg = damage && i == k3 && g.codec != CCSIG_WARC_PLAIN ? 2 : damage && last ? 3 : 0;
        const page_out *orig = NULL;
        if (revisit) {
            orig = &done[below(&r, (unsigned)(ndone < 1024 ? ndone : 1024))];
            snprintf(url, sizeof url, "%s", orig->url);
            http_head(&blk, &r, 200, header, 0, NULL, true);
            ccsig_buf_clear(&rec);
            snprintf(extra, sizeof extra,
                     "WARC-Concurrent-To: %s\r\nWARC-Refers-To: %s\r\nWARC-Payload-Digest: %s\r\n"
                     "WARC-Profile: http://netpreserve.org/warc/1.0/revisit/"
                     "identical-payload-digest\r\nWARC-Truncated: length\r\n",
                     qid, orig->id, orig->digest);
            warc_header(&rec, "revisit", date, rid, url, blk.len,
                        "application/http; msgtype=response", extra);
            ccsig_buf_append(&rec, blk.data, blk.len);
            ccsig_buf_puts(&rec, "\r\n\r\n");
            uint64_t at = emit_record(&g, &rec, dmg);
            const char *opath = strstr(orig->url, "://");
            opath = opath ? strchr(opath + 3, '/') : NULL;
            /* a revisit has no body: its own HTML says nothing; its
             * original's page statements (headers and HTML) count */
            outcome own =
                headers[header].where == IN_HTML_META ? (outcome){U, 0} : headers[header].train_ai;
            outcome page = combine(own, headers[orig->header].train_ai);
            /* the revisit's own site decides robots; same URL, same site */
            const site *os = s;
            for (int q = 0; q < nsites; q++) {
                char o2[128];
                origin(&sites[q], o2, sizeof o2);
                if (!strncmp(orig->url, o2, strlen(o2)) && orig->url[strlen(o2)] == '/')
                    os = &sites[q];
            }
            answer(&g, at, rid, url, "revisit", 200, os, opath ? opath : "/", page, dmg != 0);
        } else {
            double ln = log(20000.0) + 1.1 * sqrt(-2.0 * log(unit(&r) + 1e-12)) *
                                           cos(6.283185307179586 * unit(&r));
            size_t n = (size_t)exp(ln);
            if (n < 300)
                n = 300;
            if (n > 1000000)
                n = 1000000;
            if (dmg == 3 && n < 400000)
                n = 400000; /* several zstd blocks: the first ones decode */
            ccsig_buf_printf(&body,
                             "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>%s %s"
                             "</title>%s</head>\n<body><h1>%s</h1>\n<p>",
                             words[below(&r, 300)], words[below(&r, 300)],
                             headers[header].where == IN_HTML_META
                                 ? "<meta name=\"robots\" content=\"noai\">"
                                 : "",
                             words[below(&r, 300)]);
            text(&body, &r, n);
            /* no line end after the last tag: a Content-Length one byte short
             * then leaves '>' before the trailer, which a reader must see */
            ccsig_buf_puts(&body, "</p>\n</body></html>");
            char loc[400];
            snprintf(loc, sizeof loc, "%s/moved/%u", org, below(&r, 1000));
            http_head(&blk, &r, status, header, body.len, status == 301 ? loc : NULL, false);
            ccsig_buf_append(&blk, body.data, body.len);
            fake_digest(body.data, body.len, (uint64_t)i, dg);
            ccsig_buf_clear(&rec);
            snprintf(extra, sizeof extra,
                     "WARC-Warcinfo-ID: %s\r\nWARC-Concurrent-To: %s\r\nWARC-IP-Address: "
                     "10.1.2.3\r\nWARC-Payload-Digest: %s\r\nWARC-Identified-Payload-Type: "
                     "text/html\r\n",
                     wid, qid, dg);
            warc_header(&rec, "response", date, rid, url, blk.len - (short_cl ? 1 : 0),
                        "application/http; msgtype=response", extra);
            ccsig_buf_append(&rec, blk.data, blk.len);
            ccsig_buf_puts(&rec, "\r\n\r\n");
            uint64_t at = emit_record(&g, &rec, dmg);
            answer(&g, at, rid, url, "response", status, s, path, headers[header].train_ai,
                   dmg != 0 || short_cl);
            if (short_cl) {
                g.errors++;
                g.skipped++;
            }
            if (!dmg && !short_cl) {
                page_out *po = &done[ndone % 1024];
                snprintf(po->id, sizeof po->id, "%s", rid);
                snprintf(po->url, sizeof po->url, "%s", url);
                snprintf(po->digest, sizeof po->digest, "%s", dg);
                po->header = header;
                ndone++;
            }
        }
        if (dmg) {
            g.errors++;
            g.skipped++;
            if (dmg == 2 && g.codec == CCSIG_WARC_ZSTD) {
                /* libzstd checks the content checksum before it gives out a
                 * frame held whole in the input, so nothing of the record is
                 * seen: the frame is reported, no record is counted */
                g.skipped--;
                g.records--;
            }
        }
        if (dmg == 3)
            break; /* the file ends inside this record */
        /* metadata */
        ccsig_buf_clear(&blk);
        ccsig_buf_printf(&blk,
                         "fetchTimeMs: %u\r\ncharset-detected: UTF-8\r\n"
                         "languages-cld2: {\"reliable\":true,\"languages\":[]}\r\n",
                         below(&r, 3000));
        ccsig_buf_clear(&rec);
        snprintf(extra, sizeof extra, "WARC-Warcinfo-ID: %s\r\nWARC-Concurrent-To: %s\r\n", wid,
                 rid);
        warc_header(&rec, "metadata", date, mid, url, blk.len, "application/warc-fields", extra);
        ccsig_buf_append(&rec, blk.data, blk.len);
        ccsig_buf_puts(&rec, "\r\n\r\n");
        emit_record(&g, &rec, 0);
    }
    if (g.layout == L_WHOLE && g.codec != CCSIG_WARC_PLAIN)
        whole_write(&g, "", 0, true);
    if (g.layout == L_MISALIGNED)
        misaligned_flush(&g, true);
    if (g.answers) {
        fprintf(g.answers,
                "{\"expect\":{\"records\":%" PRIu64 ",\"errors\":%" PRIu64 ",\"skipped\":%" PRIu64
                "}}\n",
                g.records, g.errors, g.skipped);
        if (fclose(g.answers) != 0)
            die(answers);
    }
    if (fclose(g.f) != 0)
        die(out);
    ccsig_warc_writer_free(g.w);
    ZSTD_freeCCtx(g.zc);
    ZSTD_freeCDict(g.cdict);
    free(g.lvl);
    free(g.pend);
    ccsig_buf_free(&g.z);
    ccsig_buf_free(&g.stream);
    ccsig_buf_free(&rec);
    ccsig_buf_free(&blk);
    ccsig_buf_free(&body);
    free(done);
    free(sites);
    return 0;
}
