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
#include <stdarg.h>
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

/* A page in the shape of real HTML (--text html): a head with the usual
 * metas, stylesheet links and an analytics script, a navigation menu, an
 * article of paragraphs with inline links and emphasis, a sidebar of recent
 * posts, a footer. The markup repeats within a page as a CMS template's
 * does, so a page compresses about 4x with gzip at a low level (the words of
 * text() alone compress about 2.4x: a crawl of them flatters a scanner,
 * whose per-byte cost is inflate's, against `igzip -d`). Attributes that
 * state anything a scan reads (robots, tdm-*, rel=license) appear only
 * through noai. The page is about n bytes: blocks are added until the body
 * reaches n, then closed. */
static void html_page(ccsig_buf *b, rng *r, const char *url, const char *host, size_t n,
                      bool noai) {
    static const char *cls[] = {"entry-content", "post-body", "article-text", "content-main",
                                "text-block",    "col-md-8",  "story-body",   "rich-text"};
    static const char *menu[] = {"Home",    "News",   "About", "Blog", "Contact",
                                 "Archive", "Events", "Shop",  "Help", "Team"};
    size_t start = b->len;
    const char *c1 = cls[below(r, 8)], *c2 = cls[below(r, 8)];
    unsigned theme = below(r, 40), post = below(r, 99999);
    ccsig_buf_printf(b,
                     "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>%s %s | %s</title>\n%s",
                     words[below(r, 300)], words[below(r, 300)], host,
                     noai ? "<meta name=\"robots\" content=\"noai\">\n" : "");
    ccsig_buf_printf(
        b,
        "<link rel=\"stylesheet\" id=\"theme-style-css\" "
        "href=\"https://%s/wp-content/themes/theme-%u/style.css?ver=6.4.%u\" "
        "type=\"text/css\" media=\"all\">\n"
        "<link rel=\"stylesheet\" id=\"block-library-css\" "
        "href=\"https://%s/wp-includes/css/dist/block-library/style.min.css?ver=6.4.%u\" "
        "type=\"text/css\" media=\"all\">\n"
        "<link rel=\"canonical\" href=\"%s\">\n"
        "<meta property=\"og:type\" content=\"article\">\n"
        "<meta property=\"og:url\" content=\"%s\">\n"
        "<meta property=\"og:site_name\" content=\"%s\">\n"
        "<script type=\"text/javascript\">window.dataLayer = window.dataLayer || "
        "[];function gtag(){dataLayer.push(arguments);}gtag('js', new Date());"
        "gtag('config', 'G-%08X');</script>\n</head>\n",
        host, theme, theme % 4, host, theme % 4, url, url, host, (unsigned)next(r));
    ccsig_buf_printf(b,
                     "<body class=\"post-template-default single single-post postid-%u "
                     "single-format-standard\">\n<div id=\"page\" class=\"site\">\n"
                     "<header id=\"masthead\" class=\"site-header\">\n"
                     "<nav id=\"site-navigation\" class=\"main-navigation\">\n"
                     "<ul id=\"primary-menu\" class=\"menu\">\n",
                     post);
    for (int i = 0; i < 7; i++)
        ccsig_buf_printf(b,
                         "<li id=\"menu-item-%d\" class=\"menu-item menu-item-type-post_type "
                         "menu-item-object-page\"><a href=\"https://%s/%s/\">%s</a></li>\n",
                         100 + i, host, menu[i], menu[i]);
    ccsig_buf_printf(b,
                     "</ul>\n</nav>\n</header>\n<main id=\"main\" class=\"site-main\">\n"
                     "<article id=\"post-%u\" class=\"post-%u post type-post status-publish "
                     "format-standard hentry\">\n<h1 class=\"entry-title\">%s %s</h1>\n"
                     "<div class=\"%s\">\n",
                     post, post, words[below(r, 300)], words[below(r, 300)], c1);
    const char *tail = "</div>\n</article>\n</main>\n<footer id=\"colophon\" "
                       "class=\"site-footer\">\n<div class=\"site-info\">&copy; 2024 "
                       "</div>\n</footer>\n</div>\n</body></html>";
    size_t want = n > strlen(tail) ? n - strlen(tail) : 0;
    while (b->len - start < want) {
        unsigned k = below(r, 10);
        if (k < 6) {
            /* a paragraph: text with a link and emphasis */
            ccsig_buf_puts(b, "<p>");
            text(b, r, 40 + below(r, 140));
            ccsig_buf_printf(b,
                             " <a href=\"https://%s/articles/%s-%u.html\" "
                             "class=\"internal-link\">%s %s</a> ",
                             host, words[below(r, 200)], below(r, 100000), words[below(r, 300)],
                             words[below(r, 300)]);
            text(b, r, 20 + below(r, 80));
            ccsig_buf_printf(b, " <strong>%s</strong>.</p>\n", words[below(r, 300)]);
        } else if (k < 8) {
            /* a list of related posts */
            ccsig_buf_printf(b, "<div class=\"%s related-posts\">\n<ul class=\"wp-block-list\">\n",
                             c2);
            for (unsigned i = 0, m = 3 + below(r, 4); i < m; i++)
                ccsig_buf_printf(b,
                                 "<li class=\"wp-block-latest-posts__item\"><a "
                                 "class=\"wp-block-latest-posts__post-title\" "
                                 "href=\"https://%s/articles/%s-%u.html\">%s %s %s</a></li>\n",
                                 host, words[below(r, 200)], below(r, 100000), words[below(r, 300)],
                                 words[below(r, 300)], words[below(r, 300)]);
            ccsig_buf_puts(b, "</ul>\n</div>\n");
        } else if (k < 9) {
            /* a figure */
            unsigned img = below(r, 100000);
            ccsig_buf_printf(b,
                             "<figure class=\"wp-block-image size-large\"><img "
                             "src=\"https://%s/wp-content/uploads/2024/05/img-%u-1024x683.jpg\" "
                             "alt=\"%s %s\" width=\"1024\" height=\"683\" loading=\"lazy\" "
                             "srcset=\"https://%s/wp-content/uploads/2024/05/img-%u-1024x683.jpg "
                             "1024w, https://%s/wp-content/uploads/2024/05/img-%u-300x200.jpg "
                             "300w\" sizes=\"(max-width: 1024px) 100vw, 1024px\"></figure>\n",
                             host, img, words[below(r, 300)], words[below(r, 300)], host, img, host,
                             img);
        } else {
            /* a subheading */
            ccsig_buf_printf(b, "<h2 class=\"wp-block-heading\" id=\"%s-%u\">%s %s</h2>\n",
                             words[below(r, 300)], below(r, 100), words[below(r, 300)],
                             words[below(r, 300)]);
        }
    }
    ccsig_buf_puts(b, tail);
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
    FILE *cdxj; /* --cdxj: Common Crawl's index lines of responses and revisits */
    FILE *wat;  /* --wat: Common Crawl's WAT of every record */
    ccsig_warc_writer *wat_w;
    ccsig_buf wat_z;
    const char *name;
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

/* The fields http_head wrote, for the WAT: names as written, values as a
 * reader sees them (folded lines joined with a space). */
#define MAX_HFIELDS 24
typedef struct hfields {
    const char *name[MAX_HFIELDS];
    char value[MAX_HFIELDS][160];
    int n;
} hfields;

static void hf_add(hfields *hf, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void hf_add(hfields *hf, const char *name, const char *fmt, ...) {
    if (!hf || hf->n == MAX_HFIELDS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(hf->value[hf->n], sizeof hf->value[0], fmt, ap);
    va_end(ap);
    hf->name[hf->n++] = name;
}

/* The HTTP header block of a response (hf: its fields too, may be NULL). */
static void http_head(ccsig_buf *b, rng *r, int status, int header, size_t body_len,
                      const char *location, bool revisit, hfields *hf) {
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
    if (hf)
        hf->n = 0;
#define H(name, ...)                                                                               \
    do {                                                                                           \
        ccsig_buf_printf(b, "%s: ", name);                                                         \
        ccsig_buf_printf(b, __VA_ARGS__);                                                          \
        ccsig_buf_puts(b, nl);                                                                     \
        hf_add(hf, name, __VA_ARGS__);                                                             \
    } while (0)
    H(h2 ? "date" : "Date", "Sat, 18 May 2024 01:58:10 GMT");
    H(h2 ? "server" : "Server", "nginx");
    H(h2 ? "content-type" : "Content-Type", "text/html; charset=utf-8");
    if (!revisit)
        H(h2 ? "x-crawler-content-length" : "X-Crawler-Content-Length", "%zu", body_len);
    if (below(r, 3) == 0) {
        unsigned sid = below(r, 99999);
        H("Set-Cookie", "sid=%u; Path=/", sid);
        H("Set-Cookie", "lang=en");
    }
    if (fold) {
        ccsig_buf_printf(b, "X-Note: first part%s  second part%s", nl, nl);
        hf_add(hf, "X-Note", "first part second part");
    }
    if (location)
        H(h2 ? "location" : "Location", "%s", location);
    const header_variant *hv = &headers[header];
    if (hv->where == IN_CONTENT_USAGE)
        for (int k = 0; k < 2; k++)
            if (hv->lines[k])
                H(h2 ? "content-usage" : "Content-Usage", "%s", hv->lines[k]);
    if (hv->where == IN_X_ROBOTS_TAG)
        H(h2 ? "x-robots-tag" : "X-Robots-Tag", "%s", hv->lines[0]);
    if (hv->where == IN_TDM_HEADER)
        H("tdm-reservation", "%s", hv->lines[0]);
    if (!revisit)
        H(h2 ? "content-length" : "Content-Length", "%zu", body_len);
#undef H
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
    if (ra.crawl == 2) /* the agent may not crawl it: not permitted, whatever is stated */
        result = "not-permitted", obligations = 0, missing = 0;
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

/* The CDXJ line Common Crawl's indexer writes for a response or revisit
 * (cc-index: urlkey, timestamp, {"url", "mime", "mime-detected", "status",
 * "digest", "length", "offset", "filename", ...}), written here from what the
 * generator knows, not by libccsig. Only the member layout has offsets. */
static void cdxj_line(gen *g, uint64_t at, uint64_t end, const char *url, const char *date,
                      int status, const char *digest, bool revisit) {
    if (!g->cdxj || g->layout != L_MEMBER)
        return;
    const char *host = strstr(url, "://") + 3, *path = strchr(host, '/');
    char key[400];
    size_t k = 0;
    /* host labels reversed, "www." dropped, then ")" and the path */
    size_t hl = (size_t)(path - host);
    if (hl > 4 && !strncmp(host, "www.", 4))
        host += 4, hl -= 4;
    size_t e = hl;
    while (e > 0) {
        size_t b = e;
        while (b > 0 && host[b - 1] != '.')
            b--;
        if (k)
            key[k++] = ',';
        memcpy(key + k, host + b, e - b);
        k += e - b;
        e = b ? b - 1 : 0;
    }
    snprintf(key + k, sizeof key - k, ")%s", path);
    char ts[15];
    size_t t = 0;
    for (const char *d = date; *d && t < 14; d++)
        if (*d >= '0' && *d <= '9')
            ts[t++] = *d;
    ts[t] = '\0';
    fprintf(g->cdxj,
            "%s %s {\"url\": \"%s\", \"mime\": \"%s\", \"mime-detected\": \"%s\", "
            "\"status\": \"%d\", \"digest\": \"%s\", \"length\": \"%" PRIu64
            "\", \"offset\": \"%" PRIu64 "\", \"filename\": \"%s\", \"charset\": \"UTF-8\", "
            "\"languages\": \"eng\"}\n",
            key, ts, url, revisit ? "warc/revisit" : "text/html",
            revisit ? "warc/revisit" : "text/html", status, digest + 5, end - at, at, g->name);
}

/* The WAT record Common Crawl's extractor (ia-web-commons) writes for the
 * WARC record rec (written at archive offset at, member length len): a
 * metadata record whose JSON has Container, Envelope.WARC-Header-Metadata
 * (the record's header fields) and, for responses and revisits,
 * Payload-Metadata.HTTP-Response-Metadata with Response-Message, Headers
 * (a repeated name once, its values joined with ", "), Entity-Length and
 * HTML-Metadata.Head.Metas. Written from what the generator knows. */
static void wat_record(gen *g, const ccsig_buf *rec, uint64_t at, uint64_t len, int status,
                       const hfields *hf, size_t entity, const char *metas) {
    if (!g->wat || g->layout != L_MEMBER)
        return;
    ccsig_buf j = CCSIG_BUF_INIT;
    ccsig_buf_puts(&j, "{\"Container\":{\"Filename\":");
    ccsig_buf_json_str(&j, g->name, strlen(g->name));
    ccsig_buf_printf(&j,
                     ",\"Compressed\":true,\"Offset\":\"%" PRIu64
                     "\",\"Gzip-Metadata\":{\"Deflate-Length\":\"%" PRIu64 "\"}},"
                     "\"Envelope\":{\"Format\":\"WARC\",\"WARC-Header-Metadata\":{",
                     at, len);
    /* the WARC header lines gen wrote: "Name: value" CRLF up to CRLF CRLF */
    const char *p = rec->data, *end = strstr(p, "\r\n\r\n"), *uri = NULL, *type = NULL;
    size_t uri_len = 0, type_len = 0;
    p = strstr(p, "\r\n") + 2; /* after WARC/1.0 */
    bool first = true;
    while (p < end) {
        const char *e = strstr(p, "\r\n"), *c = memchr(p, ':', (size_t)(e - p));
        if (!first)
            ccsig_buf_putc(&j, ',');
        first = false;
        ccsig_buf_json_str(&j, p, (size_t)(c - p));
        ccsig_buf_putc(&j, ':');
        ccsig_buf_json_str(&j, c + 2, (size_t)(e - c - 2));
        if ((size_t)(c - p) == 15 && !memcmp(p, "WARC-Target-URI", 15))
            uri = c + 2, uri_len = (size_t)(e - c - 2);
        if ((size_t)(c - p) == 9 && !memcmp(p, "WARC-Type", 9))
            type = c + 2, type_len = (size_t)(e - c - 2);
        p = e + 2;
    }
    ccsig_buf_puts(&j, "}");
    bool http = type && ((type_len == 8 && !memcmp(type, "response", 8)) ||
                         (type_len == 7 && !memcmp(type, "revisit", 7)));
    if (http && hf) {
        ccsig_buf_printf(&j,
                         ",\"Payload-Metadata\":{\"Actual-Content-Type\":\"application/http; "
                         "msgtype=response\",\"HTTP-Response-Metadata\":{\"Response-Message\":{"
                         "\"Version\":\"HTTP/1.1\",\"Status\":\"%d\",\"Reason\":\"%s\"},"
                         "\"Headers\":{",
                         status, reason(status));
        for (int i = 0; i < hf->n; i++) {
            bool seen = false;
            for (int k = 0; k < i; k++)
                seen |= !strcmp(hf->name[k], hf->name[i]);
            if (seen)
                continue;
            ccsig_buf v = CCSIG_BUF_INIT;
            for (int k = i; k < hf->n; k++)
                if (!strcmp(hf->name[k], hf->name[i])) {
                    if (v.len)
                        ccsig_buf_puts(&v, ", ");
                    ccsig_buf_puts(&v, hf->value[k]);
                }
            ccsig_buf_printf(&j, "%s", i ? "," : "");
            ccsig_buf_json_str(&j, hf->name[i], strlen(hf->name[i]));
            ccsig_buf_putc(&j, ':');
            ccsig_buf_json_str(&j, v.data, v.len);
            ccsig_buf_free(&v);
        }
        ccsig_buf_printf(&j, "},\"Entity-Length\":\"%zu\"", entity);
        if (metas)
            ccsig_buf_printf(&j, ",\"HTML-Metadata\":{\"Head\":{\"Metas\":[%s]},\"Links\":[]}",
                             metas);
        ccsig_buf_puts(&j, "}}");
    }
    ccsig_buf_puts(&j, "}}");
    char id[48];
    rng wr = {at * 31 + 7};
    uuid(&wr, id);
    ccsig_buf w = CCSIG_BUF_INIT;
    ccsig_buf_printf(&w,
                     "WARC/1.0\r\nWARC-Type: metadata\r\nWARC-Record-ID: %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n",
                     id, j.len);
    if (uri)
        ccsig_buf_printf(&w, "WARC-Target-URI: %.*s\r\n", (int)uri_len, uri);
    ccsig_buf_puts(&w, "\r\n");
    ccsig_buf_append(&w, j.data, j.len);
    ccsig_buf_puts(&w, "\r\n\r\n");
    ccsig_buf_clear(&g->wat_z);
    ccsig_error e;
    if (ccsig_warc_writer_member(g->wat_w, &g->wat_z, w.data, w.len, &e) ||
        fwrite(g->wat_z.data, 1, g->wat_z.len, g->wat) != g->wat_z.len)
        die("--wat");
    ccsig_buf_free(&j);
    ccsig_buf_free(&w);
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
               "  --cdxj FILE       Common Crawl's CDXJ index of the responses and revisits\n"
               "  --wat FILE        Common Crawl's WAT (metadata extracts) of every record\n"
               "                    (member layout only)\n"
               "  --layout L        gzip/zstd: member (default), whole, misaligned (gzip)\n"
               "  --dict D          zstd: none (default), raw, compressed dictionary frame\n"
               "  --damage          add garbage, a short Content-Length, a corrupt member and\n"
               "                    a last record cut at three quarters\n"
               "  --revisits PCT    percent of pages re-crawled as revisits (default 3)\n"
               "  --level L         compression level (gzip 0-3, default 1; zstd default 3)\n"
               "  --page-size A-B   page (HTML payload) sizes uniform in A..B bytes (K, M)\n"
               "                    instead of log-normal around 20 KB, e.g. 2K-4K\n"
               "  --text T          words (default: word salad, compresses ~2.4x) or html\n"
               "                    (markup of a CMS page, compresses ~4x as real HTML)\n");
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
    static const struct option opts[] = {{"pages", required_argument, NULL, 'p'},
                                         {"size", required_argument, NULL, 'S'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"sites", required_argument, NULL, 'n'},
                                         {"robots", required_argument, NULL, 'r'},
                                         {"robots-dir", required_argument, NULL, 'R'},
                                         {"answers", required_argument, NULL, 'a'},
                                         {"layout", required_argument, NULL, 'l'},
                                         {"dict", required_argument, NULL, 'd'},
                                         {"damage", no_argument, NULL, 'D'},
                                         {"revisits", required_argument, NULL, 'v'},
                                         {"level", required_argument, NULL, 'L'},
                                         {"page-size", required_argument, NULL, 'P'},
                                         {"text", required_argument, NULL, 'T'},
                                         {"cdxj", required_argument, NULL, 'x'},
                                         {"wat", required_argument, NULL, 'W'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL, *robots = NULL, *robots_dir = NULL, *answers = NULL, *cdxj = NULL,
               *wat = NULL;
    long pages = 1000;
    uint64_t size = 0, seed = 1;
    int nsites = 40, layout = L_MEMBER, dict = 0, revisit_pct = 3, level = -1;
    bool damage = false, html = false;
    uint64_t page_min = 0, page_max = 0; /* --page-size; 0: log-normal */
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
        case 'P': {
            const char *dash = strchr(optarg, '-');
            page_min = parse_bytes(optarg);
            page_max = dash ? parse_bytes(dash + 1) : 0;
            if (!dash || page_min < 300 || page_max < page_min || page_max > 1000000) {
                fprintf(stderr, "gen_crawl: --page-size wants MIN-MAX within 300..1000000\n");
                return 2;
            }
            break;
        }
        case 'T':
            if (strcmp(optarg, "html") && strcmp(optarg, "words")) {
                fprintf(stderr, "gen_crawl: --text wants words or html\n");
                return 2;
            }
            html = !strcmp(optarg, "html");
            break;
        case 'x':
            cdxj = optarg;
            break;
        case 'W':
            wat = optarg;
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
    if (cdxj && !(g.cdxj = fopen(cdxj, "w")))
        die(cdxj);
    if (wat && !(g.wat = fopen(wat, "wb")))
        die(wat);
    g.wat_w = ccsig_warc_writer_new(CCSIG_WARC_GZIP, 1);
    g.name = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
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
            http_head(&samples, &dr, 200, (int)(i % NHEADERS), 1000, NULL, false, NULL);
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
    {
        uint64_t at = emit_record(&g, &rec, 0);
        wat_record(&g, &rec, at, g.pos - at, 0, NULL, 0, NULL);
    }

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
        {
            uint64_t at = emit_record(&g, &rec, 0);
            wat_record(&g, &rec, at, g.pos - at, 0, NULL, 0, NULL);
        }
        if (i == k1 && damage)
            garbage(&g, &r);
        /* response or revisit */
        ccsig_buf_clear(&blk);
        ccsig_buf_clear(&body);
        bool short_cl = damage && i == k2;
        int dmg = damage && i == k3 && g.codec != CCSIG_WARC_PLAIN ? 2 : damage && last ? 3 : 0;
        const page_out *orig = NULL;
        hfields hf;
        if (revisit) {
            orig = &done[below(&r, (unsigned)(ndone < 1024 ? ndone : 1024))];
            snprintf(url, sizeof url, "%s", orig->url);
            http_head(&blk, &r, 200, header, 0, NULL, true, &hf);
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
            if (!dmg) {
                cdxj_line(&g, at, g.pos, url, date, 200, orig->digest, true);
                wat_record(&g, &rec, at, g.pos - at, 200, &hf, 0, NULL);
            }
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
            size_t n;
            if (page_max) {
                n = (size_t)(page_min + next(&r) % (page_max - page_min + 1));
            } else {
                double ln = log(20000.0) + 1.1 * sqrt(-2.0 * log(unit(&r) + 1e-12)) *
                                               cos(6.283185307179586 * unit(&r));
                n = (size_t)exp(ln);
                if (n < 300)
                    n = 300;
                if (n > 1000000)
                    n = 1000000;
            }
            if (dmg == 3 && n < 400000)
                n = 400000; /* several zstd blocks: the first ones decode */
            if (html) {
                html_page(&body, &r, url, s->host, n, headers[header].where == IN_HTML_META);
            } else {
                /* --page-size counts the whole page, the default the text */
                size_t scaffold = page_max ? 130 : 0;
                ccsig_buf_printf(&body,
                                 "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>%s %s"
                                 "</title>%s</head>\n<body><h1>%s</h1>\n<p>",
                                 words[below(&r, 300)], words[below(&r, 300)],
                                 headers[header].where == IN_HTML_META
                                     ? "<meta name=\"robots\" content=\"noai\">"
                                     : "",
                                 words[below(&r, 300)]);
                text(&body, &r, n > scaffold + 300 ? n - scaffold : 300);
                /* no line end after the last tag: a Content-Length one byte
                 * short then leaves '>' before the trailer, which a reader
                 * must see */
                ccsig_buf_puts(&body, "</p>\n</body></html>");
            }
            char loc[400];
            snprintf(loc, sizeof loc, "%s/moved/%u", org, below(&r, 1000));
            http_head(&blk, &r, status, header, body.len, status == 301 ? loc : NULL, false, &hf);
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
            if (!dmg && !short_cl) {
                cdxj_line(&g, at, g.pos, url, date, status, dg, false);
                wat_record(
                    &g, &rec, at, g.pos - at, status, &hf, body.len,
                    headers[header].where == IN_HTML_META
                        ? "{\"charset\":\"utf-8\"},{\"name\":\"robots\",\"content\":\"noai\"}"
                        : "{\"charset\":\"utf-8\"}");
            }
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
        {
            uint64_t at = emit_record(&g, &rec, 0);
            wat_record(&g, &rec, at, g.pos - at, 0, NULL, 0, NULL);
        }
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
    if (g.cdxj && fclose(g.cdxj) != 0)
        die(cdxj);
    if (g.wat && fclose(g.wat) != 0)
        die(wat);
    ccsig_warc_writer_free(g.wat_w);
    ccsig_buf_free(&g.wat_z);
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
