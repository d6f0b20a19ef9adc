/*
 * bench_html — what reading the <head> of a page costs with ccsig's
 * streaming head scanner, with gumbo (the HTML5 tree builder: the whole page,
 * or only the scanner's window) and with libxml2's HTML parser (SAX, push
 * mode, stopped at <body>; and a whole-document tree). Every variant finds
 * the same <meta> elements on these inputs (checked before timing).
 *
 * Inputs: every HTML response of ../shared/corpus/warc-real (real pages,
 * mostly small), and generated large pages: a 40 KiB head (metas, links,
 * inline script and style) before a body of N MiB of nested markup.
 *
 * usage: bench_html [--seconds S] [--big MIB]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gumbo.h>
#include <libxml/HTMLparser.h>
#include <zlib.h>

#include "ccsig/sources.h"

typedef struct page {
    char *p;
    size_t len;
    ccsig_http_field h[96]; /* the response's header fields (corpus pages) */
    size_t nh;
    char *hb;
} page;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- inputs ---- */

static size_t find(const char *p, size_t len, size_t from, const char *lit) {
    size_t n = strlen(lit);
    for (size_t i = from; i + n <= len; i++)
        if (!memcmp(p + i, lit, n))
            return i;
    return len;
}

static size_t corpus(page *out, size_t max) {
    const char *dir = CCSIG_SHARED_DIR "/corpus/warc-real";
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < max) {
        if (!strstr(e->d_name, ".warc"))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        gzFile f = gzopen(path, "rb");
        if (!f)
            continue;
        size_t cap = 1 << 20, len = 0;
        char *w = malloc(cap);
        int r;
        while ((r = gzread(f, w + len, (unsigned)(cap - len))) > 0)
            if ((len += (size_t)r) == cap)
                w = realloc(w, cap *= 2);
        gzclose(f);
        size_t pos = 0;
        while ((pos = find(w, len, pos, "WARC/1.")) < len && n < max) {
            size_t he = find(w, len, pos, "\r\n\r\n");
            if (he == len)
                break;
            char hdr[4096];
            snprintf(hdr, sizeof hdr, "%.*s", (int)(he - pos < 4000 ? he - pos : 4000), w + pos);
            const char *cl = strstr(hdr, "\nContent-Length:");
            size_t bl = cl ? strtoull(cl + 16, NULL, 10) : 0, bs = he + 4;
            size_t be = bs + bl <= len ? bs + bl : len;
            if (strstr(hdr, "WARC-Type: response")) {
                size_t hh = find(w, be, bs, "\r\n\r\n");
                if (hh < be && find(w, hh, bs, "text/html") < hh) {
                    page *pg = &out[n];
                    memset(pg, 0, sizeof *pg);
                    pg->len = be - hh - 4;
                    pg->p = malloc(pg->len + 1);
                    memcpy(pg->p, w + hh + 4, pg->len);
                    pg->p[pg->len] = '\0';
                    /* the header fields, split once (not timed) */
                    pg->hb = malloc(hh - bs + 1);
                    memcpy(pg->hb, w + bs, hh - bs);
                    pg->hb[hh - bs] = '\0';
                    for (char *l = strchr(pg->hb, '\n'); l && pg->nh < 96;) {
                        char *next = strchr(++l, '\n');
                        char *colon = strchr(l, ':');
                        if (colon && (!next || colon < next)) {
                            char *ve = next ? next : l + strlen(l);
                            if (ve > l && ve[-1] == '\r')
                                ve--;
                            char *vs = colon + 1;
                            while (*vs == ' ')
                                vs++;
                            pg->h[pg->nh].name = ccsig_str_make(l, (size_t)(colon - l));
                            pg->h[pg->nh].value =
                                ccsig_str_make(vs, ve > vs ? (size_t)(ve - vs) : 0);
                            pg->nh++;
                        }
                        l = next;
                    }
                    n++;
                }
            }
            pos = be;
        }
        free(w);
    }
    if (d)
        closedir(d);
    return n;
}

static void append(page *pg, size_t *cap, const char *s) {
    size_t n = strlen(s);
    while (pg->len + n + 1 > *cap)
        pg->p = realloc(pg->p, *cap *= 2);
    memcpy(pg->p + pg->len, s, n + 1);
    pg->len += n;
}

static page big_page(size_t mib) {
    page pg;
    memset(&pg, 0, sizeof pg);
    pg.p = malloc(1 << 16);
    size_t cap = 1 << 16;
    append(&pg, &cap,
           "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
           "<title>A large page</title>\n");
    char line[512];
    for (int i = 0; pg.len < 40 * 1024; i++) {
        snprintf(line, sizeof line,
                 "<meta name=\"x-meta-%d\" content=\"value &amp; more %d\">\n"
                 "<link rel=\"preload\" href=\"/static/%d.css\" as=\"style\">\n"
                 "<script>var a%d = '<meta name=robots content=noai>'; if (a%d < 3) {}</script>\n"
                 "<style>.c%d > a { color: red }</style>\n",
                 i, i, i, i, i, i);
        append(&pg, &cap, line);
    }
    append(&pg, &cap,
           "<meta name=\"robots\" content=\"noai, noimageai\">\n"
           "<meta name=\"tdm-reservation\" content=\"1\">\n"
           "<link rel=\"license\" href=\"/license.xml\" type=\"application/rsl+xml\">\n"
           "</head>\n<body>\n");
    for (int i = 0; pg.len < mib * 1024 * 1024; i++) {
        snprintf(line, sizeof line,
                 "<div class=\"row r%d\"><p>Paragraph %d with <a href=\"/p/%d\">a link</a> and "
                 "<em>emphasis</em>.</p><ul><li>one</li><li>two</li></ul></div>\n",
                 i, i, i);
        append(&pg, &cap, line);
    }
    append(&pg, &cap, "</body></html>\n");
    return pg;
}

/* ---- the variants ---- */

static size_t metas;

static void count_tag(void *ctx, const ccsig_html_tag_info *t) {
    (void)ctx;
    metas += t->kind == CCSIG_HTML_META;
}

static ccsig_arena arena;

static void run_ccsig(const page *pg) {
    ccsig_arena_reset(&arena);
    ccsig_html_head_tags(&arena, pg->p, pg->len, count_tag, NULL, NULL);
}

static void gumbo_count(const GumboNode *n) {
    if (n->type != GUMBO_NODE_ELEMENT)
        return;
    if (n->v.element.tag == GUMBO_TAG_META && gumbo_get_attribute(&n->v.element.attributes, "name"))
        metas++;
    if (n->v.element.tag == GUMBO_TAG_BODY)
        return;
    for (unsigned i = 0; i < n->v.element.children.length; i++)
        gumbo_count(n->v.element.children.data[i]);
}

static void run_gumbo_n(const page *pg, size_t len) {
    GumboOutput *o = gumbo_parse_with_options(&kGumboDefaultOptions, pg->p, len);
    gumbo_count(o->root);
    gumbo_destroy_output(&kGumboDefaultOptions, o);
}

static void run_gumbo(const page *pg) {
    run_gumbo_n(pg, pg->len);
}

static void run_gumbo_window(const page *pg) {
    run_gumbo_n(pg, pg->len < CCSIG_HTML_HEAD_MAX ? pg->len : CCSIG_HTML_HEAD_MAX);
}

static htmlParserCtxtPtr sax_ctxt;

static void sax_start(void *ctx, const xmlChar *name, const xmlChar **atts) {
    (void)ctx;
    if (!strcmp((const char *)name, "body")) {
        xmlStopParser(sax_ctxt);
        return;
    }
    if (!strcmp((const char *)name, "meta"))
        for (int i = 0; atts && atts[i]; i += 2)
            if (!strcmp((const char *)atts[i], "name"))
                metas++;
}

static void run_libxml2_sax(const page *pg) {
    htmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.startElement = sax_start;
    sax_ctxt = htmlCreatePushParserCtxt(&sax, NULL, NULL, 0, NULL, XML_CHAR_ENCODING_UTF8);
    htmlCtxtUseOptions(sax_ctxt, HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    /* push in 16 KiB chunks, as a fetcher would; stop at <body> */
    for (size_t off = 0; off < pg->len && !sax_ctxt->disableSAX; off += 16384) {
        size_t n = pg->len - off < 16384 ? pg->len - off : 16384;
        htmlParseChunk(sax_ctxt, pg->p + off, (int)n, off + n >= pg->len);
    }
    htmlFreeParserCtxt(sax_ctxt);
}

static void run_libxml2_tree(const page *pg) {
    htmlDocPtr doc = htmlReadMemory(pg->p, (int)pg->len, NULL, "utf-8",
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    xmlFreeDoc(doc);
}

typedef struct variant {
    const char *name;
    void (*fn)(const page *);
} variant;

static void bench(const char *title, const page *pages, size_t n, double seconds) {
    static const variant vs[] = {
        {"ccsig head scanner", run_ccsig},
        {"gumbo, whole page", run_gumbo},
        {"gumbo, first 512 KiB", run_gumbo_window},
        {"libxml2 SAX push, stop at <body>", run_libxml2_sax},
        {"libxml2 tree, whole page", run_libxml2_tree},
    };
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += pages[i].len;
    printf("%s: %zu page%s, %.1f KiB\n", title, n, n == 1 ? "" : "s", (double)bytes / 1024);
    printf("  %-34s %12s %12s %8s\n", "variant", "us/page", "MB/s*", "metas");
    double base = 0;
    for (size_t v = 0; v < sizeof vs / sizeof vs[0]; v++) {
        metas = 0;
        for (size_t i = 0; i < n; i++)
            vs[v].fn(&pages[i]);
        size_t found = metas;
        size_t rounds = 0;
        double t0 = now(), t;
        do {
            for (size_t i = 0; i < n; i++)
                vs[v].fn(&pages[i]);
            rounds++;
        } while ((t = now() - t0) < seconds);
        double per_page = t / (double)(rounds * n) * 1e6;
        if (!v)
            base = per_page;
        printf("  %-34s %12.2f %12.1f %8zu   (%.1fx)\n", vs[v].name, per_page,
               (double)bytes * (double)rounds / t / 1e6, found, per_page / base);
    }
    printf("  * page bytes per second, whatever part of the page each variant reads\n\n");
}

/* Every reader a scan runs per HTML record: the header readers, then the
 * head scanner, then TDMRep resolution and combining. */
static void bench_record(const page *pages, size_t n, double seconds) {
    static ccsig_collect c;
    size_t fields = 0;
    for (size_t i = 0; i < n; i++)
        fields += pages[i].nh;
    size_t rounds = 0;
    double t0 = now(), t;
    do {
        for (size_t i = 0; i < n; i++) {
            ccsig_arena_reset(&arena);
            ccsig_asset_ctx ctx = {CCSIG_STR_LIT("ccsig"), CCSIG_STR_LIT("u"), CCSIG_STR_LIT("u"),
                                   false};
            ccsig_collect_init(&c, &arena, &ctx);
            ccsig_sources_from_headers(&c, pages[i].h, pages[i].nh);
            ccsig_html_meta_scan(&c, pages[i].p, pages[i].len, NULL);
            ccsig_collect_finish(&c);
            ccsig_verdict v;
            ccsig_combine(c.sts, c.n, &v);
        }
        rounds++;
    } while ((t = now() - t0) < seconds);
    printf("per record (corpus, %zu HTML responses, %zu header fields): headers + head + "
           "combine %.2f us/record, %.0f records/s on one core\n\n",
           n, fields, t / (double)(rounds * n) * 1e6, (double)(rounds * n) / t);
}

int main(int argc, char **argv) {
    double seconds = 2;
    size_t mib = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--seconds"))
            seconds = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--big"))
            mib = (size_t)atoi(argv[i + 1]);
    }
    ccsig_arena_init(&arena, 0);
    xmlInitParser();
    static page pages[512];
    size_t n = corpus(pages, 512);
    bench("corpus (../shared/corpus/warc-real HTML responses)", pages, n, seconds);
    bench_record(pages, n, seconds);
    page big = big_page(mib);
    char title[128];
    snprintf(title, sizeof title, "large page (40 KiB head, %zu MiB in all)", mib);
    bench(title, &big, 1, seconds);
    free(big.p);
    for (size_t i = 0; i < n; i++) {
        free(pages[i].p);
        free(pages[i].hb);
    }
    ccsig_arena_free(&arena);
    xmlCleanupParser();
    return 0;
}
