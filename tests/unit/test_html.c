/*
 * test_html.c — the HTML head scanner: the forms of each mechanism
 * (peer-signals.md §2, §3, §4), tokenizer edge cases, and a comparison with
 * gumbo (an HTML5 tree builder) on every HTML response of the real WARC
 * files in ../shared/corpus/warc-real, whose headers also go through the
 * header readers.
 */
#include <dirent.h>
#include <gumbo.h>
#include <zlib.h>

#include "ccsig/sf.h"
#include "sources_test.h"

static void scan(const char *html) {
    bool complete;
    ccsig_html_meta_scan(&T, html, strlen(html), &complete);
}

static void meta_noai(void **state) {
    (void)state;
    t_begin("GPTBot", "https://example.org/", false);
    scan("<!doctype html><html><head><title>x</title>\n"
         "<meta name=\"robots\" content=\"noai, noimageai\">\n"
         "</head><body><meta name=robots content=noindex></body>");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_int_equal(T.n, 1);
    assert_int_equal(T.sts[0].src.line, 2);
    assert_true(t_str_is(T.sts[0].src.text, "<meta name=\"robots\" content=\"noai, noimageai\">"));
    assert_true(t_str_is(T.sts[0].src.origin, "https://example.org/"));
    assert_true(t_note("noimageai applies to the images of this page"));

    t_begin("GPTBot", NULL, false);
    scan("<head><META NAME='GPTBot' CONTENT='NoAI'><meta name=otherbot content=noai>");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_int_equal(T.n, 1);
    assert_true(t_note("addressed to 'otherbot'"));

    t_begin(NULL, NULL, true);
    scan("<meta name=robots content=noimageai>");
    assert_string_equal(t_state(TRAIN), "deny");
}

static void meta_tdm(void **state) {
    (void)state;
    /* TDMRep's HTML example */
    t_begin(NULL, NULL, false);
    scan("<html><head><meta name=\"tdm-reservation\" content=\"1\">\n"
         "<meta name=\"tdm-policy\" content=\"https://provider.com/policies/policy.json\">"
         "</head></html>");
    assert_string_equal(t_state(TRAIN), "deny[policy]");
    assert_true(t_str_is(t_link(CCSIG_LINK_TDM_POLICY, 0)->url,
                         "https://provider.com/policies/policy.json"));
    /* HTML supersedes a header */
    t_begin(NULL, NULL, false);
    t_header("tdm-reservation", "1");
    scan("<meta name=tdm-reservation content=0>");
    assert_string_equal(t_state(TRAIN), "allow");
    t_begin(NULL, NULL, false);
    scan("<meta name=tdm-reservation content=\"true\">");
    assert_int_equal(T.n, 0);
    assert_true(t_note("protocol error"));
}

static void link_license(void **state) {
    (void)state;
    t_begin(NULL, NULL, false);
    scan("<link rel=\"license\" type=\"application/rsl+xml\" href=\"https://example.org/"
         "license.xml\">\n<link rel='stylesheet license' href='/cc-by.html'>"
         "<link rel=icon href=/f.ico><link rel=license>");
    assert_true(t_str_is(t_link(CCSIG_LINK_RSL, 0)->url, "https://example.org/license.xml"));
    assert_true(t_str_is(t_link(CCSIG_LINK_LICENSE, 0)->url, "/cc-by.html"));
    assert_int_equal(T.nlinks, 2);
    assert_int_equal(t_link(CCSIG_LINK_LICENSE, 0)->src.line, 2);
}

static void inline_rsl(void **state) {
    (void)state;
    t_begin(NULL, "https://example.org/photos/a.jpg", false);
    scan("<head><script type=\"application/rsl+xml\">\n"
         "<rsl xmlns=\"https://rslstandard.org/rsl\"><content url=\"/photos/*\"><license>"
         "<prohibits type=\"usage\">ai-train</prohibits></license></content></rsl>\n"
         "</script><script>var a = '</scrip' + '<meta name=robots content=noai>';</script>"
         "</head>");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_int_equal(T.n, 1);
    assert_int_equal(T.sts[0].src.kind, CCSIG_SRC_RSL);
}

static void tokenizer_edges(void **state) {
    (void)state;
    /* comments, raw text and attributes that look like tags are not tags */
    t_begin(NULL, NULL, false);
    scan("<!-- <meta name=robots content=noai> -->"
         "<!--><meta name=robots content=noai-a>"
         "<style>/* <meta name=robots content=noai> */</style>"
         "<title><meta name=robots content=noai></title>"
         "<textarea><meta name=robots content=noai></textarea>"
         "<script>document.write('<meta name=robots content=noai>')</script>"
         "<meta name=description content=\"<meta name=robots content=noai>\">"
         "<?php echo '<meta name=robots content=noai>' ?>");
    assert_int_equal(T.n, 0);
    /* an abrupt comment end does not swallow what follows */
    t_begin(NULL, NULL, false);
    scan("<!--><meta name=robots content=noai>");
    assert_int_equal(T.n, 1);
    t_begin(NULL, NULL, false);
    scan("<!---><meta name=robots content=noai><!-- a --!><meta name=x content=y>");
    assert_int_equal(T.n, 1);
    /* character references in attribute values */
    t_begin(NULL, NULL, false);
    scan("<meta name=&#114;obots content='n&#x6F;ai,x'>"
         "<link rel=license href=\"/l?a=1&amp;b=2&ampc&amp=3\">");
    assert_int_equal(T.n, 1);
    assert_true(t_str_is(t_link(CCSIG_LINK_LICENSE, 0)->url, "/l?a=1&b=2&ampc&amp=3"));
    /* the head ends at <body> or </head>: later metas are not read */
    t_begin(NULL, NULL, false);
    bool complete;
    const char *doc = "<head></head><meta name=robots content=noai>";
    ccsig_html_meta_scan(&T, doc, strlen(doc), &complete);
    assert_true(complete);
    assert_int_equal(T.n, 0);
    t_begin(NULL, NULL, false);
    doc = "<html><BODY><meta name=robots content=noai>";
    ccsig_html_meta_scan(&T, doc, strlen(doc), &complete);
    assert_true(complete);
    assert_int_equal(T.n, 0);
    /* an unclosed tag at the end of the bytes is not read, and not complete */
    t_begin(NULL, NULL, false);
    doc = "<head><meta name=robots content=\"noai\"";
    ccsig_html_meta_scan(&T, doc, strlen(doc), &complete);
    assert_false(complete);
    assert_int_equal(T.n, 0);
    /* duplicate attributes: the first wins (WHATWG) */
    t_begin(NULL, NULL, false);
    scan("<meta name=robots name=x content=noai content=index>");
    assert_int_equal(T.n, 1);
    /* uppercase, whitespace, self-closing, unquoted, slashes */
    t_begin(NULL, NULL, false);
    scan("<META\n\tNAME = robots\n CONTENT = noai />");
    assert_int_equal(T.n, 1);
    /* the head end offset */
    const char *h = "<html><head><title>t</title></head><body>";
    assert_int_equal(ccsig_html_head_end(h, strlen(h)),
                     strlen("<html><head><title>t</title></head>"));
    assert_int_equal(ccsig_html_head_end("<p>", 3), 3);
}

/* ---- comparison with gumbo on the real pages ---- */

typedef struct taglist {
    char name[64][128], value[64][512];
    size_t n;
} taglist;

static void put(taglist *l, const char *name, size_t nl, const char *value, size_t vl) {
    if (l->n >= 64)
        return;
    while (nl && (name[0] == ' ' || name[0] == '\t' || name[0] == '\n' || name[0] == '\r')) {
        name++;
        nl--;
    }
    while (nl && strchr(" \t\r\n\f", name[nl - 1]))
        nl--;
    while (vl && strchr(" \t\r\n\f", value[0])) {
        value++;
        vl--;
    }
    while (vl && strchr(" \t\r\n\f", value[vl - 1]))
        vl--;
    snprintf(l->name[l->n], 128, "%.*s", (int)nl, name);
    for (char *q = l->name[l->n]; *q; q++)
        *q = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
    snprintf(l->value[l->n], 512, "%.*s", (int)vl, value);
    l->n++;
}

static void mine_fn(void *ctx, const ccsig_html_tag_info *t) {
    if (t->kind == CCSIG_HTML_META)
        put(ctx, t->name.p, t->name.len, t->value.p, t->value.len);
}

static void gumbo_metas(const GumboNode *n, taglist *l) {
    if (n->type != GUMBO_NODE_ELEMENT)
        return;
    const GumboElement *e = &n->v.element;
    if (e->tag == GUMBO_TAG_META) {
        GumboAttribute *name = gumbo_get_attribute(&e->attributes, "name");
        GumboAttribute *content = gumbo_get_attribute(&e->attributes, "content");
        if (name && content)
            put(l, name->value, strlen(name->value), content->value, strlen(content->value));
    }
    for (unsigned i = 0; i < e->children.length; i++)
        gumbo_metas(e->children.data[i], l);
}

static size_t pages, metas_gumbo, metas_extra;

static void compare_with_gumbo(const char *body, size_t len, const char *where) {
    taglist *mine = calloc(1, sizeof *mine), *ref = calloc(1, sizeof *ref);
    ccsig_arena_reset(&TA);
    ccsig_html_head_tags(&TA, body, len, mine_fn, mine, NULL);
    GumboOutput *out = gumbo_parse_with_options(&kGumboDefaultOptions, body, len);
    const GumboNode *root = out->root;
    for (unsigned i = 0; i < root->v.element.children.length; i++) {
        const GumboNode *ch = root->v.element.children.data[i];
        if (ch->type == GUMBO_NODE_ELEMENT && ch->v.element.tag == GUMBO_TAG_HEAD)
            gumbo_metas(ch, ref);
    }
    gumbo_destroy_output(&kGumboDefaultOptions, out);
    /* every meta gumbo puts in <head> is seen, in order, with the same value
     * (gumbo decodes as UTF-8: values in a legacy encoding are compared by
     * name only) */
    size_t j = 0;
    for (size_t i = 0; i < ref->n; i++) {
        while (j < mine->n && (strcmp(mine->name[j], ref->name[i]) ||
                               (ccsig_utf8_valid(mine->value[j], strlen(mine->value[j])) &&
                                strcmp(mine->value[j], ref->value[i]))))
            j++;
        if (j == mine->n)
            fail_msg("%s: gumbo sees <meta name='%s' content='%s'> in the head, the scanner "
                     "does not",
                     where, ref->name[i], ref->value[i]);
        j++;
    }
    pages++;
    metas_gumbo += ref->n;
    metas_extra += mine->n - ref->n;
    free(mine);
    free(ref);
}

static char *gz_slurp(const char *path, size_t *len) {
    gzFile f = gzopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    char *b = malloc(cap);
    int r;
    while ((r = gzread(f, b + n, (unsigned)(cap - n))) > 0) {
        n += (size_t)r;
        if (n == cap)
            b = realloc(b, cap *= 2);
    }
    gzclose(f);
    *len = n;
    return b;
}

static size_t find(const char *p, size_t len, size_t from, const char *lit) {
    size_t n = strlen(lit);
    for (size_t i = from; i + n <= len; i++)
        if (!memcmp(p + i, lit, n))
            return i;
    return len;
}

/* Every response record: headers through the header readers, HTML bodies
 * through the scanner and the comparison. */
static void read_warc(const char *path) {
    size_t len = 0;
    char *w = gz_slurp(path, &len);
    assert_non_null(w);
    size_t pos = 0;
    while ((pos = find(w, len, pos, "WARC/1.")) < len) {
        size_t he = find(w, len, pos, "\r\n\r\n");
        if (he == len)
            break;
        char hdr[8192];
        snprintf(hdr, sizeof hdr, "%.*s", (int)(he - pos < 8000 ? he - pos : 8000), w + pos);
        const char *cl = strstr(hdr, "\nContent-Length:");
        size_t blen = cl ? strtoull(cl + 16, NULL, 10) : 0;
        size_t bs = he + 4, be = bs + blen <= len && bs + blen >= bs ? bs + blen : len;
        if (strstr(hdr, "WARC-Type: response")) {
            /* the HTTP message: fields, then the body */
            size_t hh = find(w, be, bs, "\r\n\r\n"), skip = 4;
            if (hh == be) {
                hh = find(w, be, bs, "\n\n");
                skip = 2;
            }
            ccsig_http_field f[128];
            size_t nf = 0;
            size_t line = bs;
            bool html = false;
            while (line < hh && nf < 128) {
                size_t le = find(w, hh, line, "\n");
                const char *colon = memchr(w + line, ':', le - line);
                if (colon) {
                    f[nf].name = ccsig_str_make(w + line, (size_t)(colon - (w + line)));
                    size_t vs = (size_t)(colon - w) + 1, ve = le;
                    if (ve > vs && w[ve - 1] == '\r')
                        ve--;
                    f[nf].value = ccsig_str_make(w + vs, ve - vs);
                    if (ccsig_str_ieq(f[nf].name, "content-type") && find(w, ve, vs, "html") < ve)
                        html = true;
                    nf++;
                }
                line = le + 1;
            }
            t_begin("ccsig", "https://corpus.example/", false);
            ccsig_sources_from_headers(&T, f, nf);
            if (hh < be) {
                const char *body = w + hh + skip;
                size_t bl = be - (hh + skip);
                bool complete;
                ccsig_html_meta_scan(&T, body, bl, &complete);
                ccsig_embedded_read(&T, body, bl, ccsig_str_c(path), CCSIG_EMBED_ALL);
                ccsig_collect_finish(&T);
                if (html)
                    compare_with_gumbo(body, bl, path);
            }
        }
        pos = be;
    }
    free(w);
}

static void corpus_pages(void **state) {
    (void)state;
    const char *dir = CCSIG_SHARED_DIR "/corpus/warc-real";
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".warc"))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        read_warc(path);
    }
    closedir(d);
    print_message("%zu HTML pages, %zu metas in gumbo's <head>, %zu more seen before <body>\n",
                  pages, metas_gumbo, metas_extra);
    assert_true(pages >= 50);
    assert_true(metas_gumbo >= 100);
}

/* The one decoder of character references (ccsig_html_decode): numeric,
 * hexadecimal, named; legacy names without ';'; malformed ones as written. */
static const char *dec(ccsig_arena *a, const char *s, bool attribute) {
    ccsig_str r = ccsig_html_decode(a, ccsig_str_c(s), attribute);
    char *c = ccsig_arena_dup(a, r.p, r.len);
    assert_non_null(c);
    return c;
}

static void char_refs(void **state) {
    (void)state;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    /* numeric: decimal, hexadecimal (either case), without ';' */
    assert_string_equal(dec(&a, "Tom&#39;s &#x26; Jerry&#X2019;s", false),
                        "Tom's & Jerry\xe2\x80\x99s");
    assert_string_equal(dec(&a, "a&#65b", false), "aAb");
    /* NUL, surrogates and past U+10FFFF: U+FFFD */
    assert_string_equal(dec(&a, "&#0;&#xD800;&#x110000;", false),
                        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    /* named: markup, Latin-1, symbols, Greek, apos */
    assert_string_equal(
        dec(&a, "Caf&eacute; &amp; Cr&egrave;me &mdash; &copy;2026 &alpha;&apos;", false),
        "Caf\xc3\xa9 & Cr\xc3\xa8me \xe2\x80\x94 \xc2\xa9"
        "2026 \xce\xb1'");
    /* legacy names without ';' (longest match); not in attributes before an
     * alphanumeric or '=' */
    assert_string_equal(dec(&a, "R&D &amp Co &notit &lt;", false), "R&D & Co \xc2\xacit <");
    assert_string_equal(dec(&a, "?a=1&amp;b=2&ampc&amp=3&not", true),
                        "?a=1&b=2&ampc&amp=3\xc2\xac");
    /* malformed ones are left as written */
    assert_string_equal(dec(&a, "& &; &#; &#x; &bogus; &Eacute &eAcute; &#xZZ; &", false),
                        "& &; &#; &#x; &bogus; \xc3\x89 &eAcute; &#xZZ; &");
    /* a name HTML 4 does not have, and the 9-byte bound */
    assert_string_equal(dec(&a, "&NotEqual; &thetasym; &thetasymx;", false),
                        "&NotEqual; \xcf\x91 &thetasymx;");
    /* one reference at a time */
    char out[4];
    size_t n;
    assert_int_equal(ccsig_html_ref_decode("&eacute;!", 9, false, out, &n), 8);
    assert_int_equal(n, 2);
    assert_memory_equal(out, "\xc3\xa9", 2);
    assert_int_equal(ccsig_html_ref_decode("&x", 2, false, out, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(ccsig_html_ref_decode("x&amp;", 6, false, out, &n), 0);
    /* no '&': the same string, nothing allocated */
    ccsig_str same = ccsig_str_c("plain");
    assert_ptr_equal(ccsig_html_decode(&a, same, false).p, same.p);
    /* the title is decoded as text */
    t_begin(NULL, NULL, false);
    scan("<title>Tom &amp; Jerry&#39;s Caf&eacute;</title>");
    bool found = false;
    for (size_t i = 0; i < T.nfacts; i++)
        if (T.facts[i].kind == CCSIG_FACT_TITLE)
            found = t_str_is(T.facts[i].value, "Tom & Jerry's Caf\xc3\xa9");
    assert_true(found);
    ccsig_arena_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(meta_noai),       cmocka_unit_test(meta_tdm),
        cmocka_unit_test(link_license),    cmocka_unit_test(inline_rsl),
        cmocka_unit_test(tokenizer_edges), cmocka_unit_test(corpus_pages),
        cmocka_unit_test(char_refs),
    };
    return cmocka_run_group_tests(tests, t_setup, t_teardown);
}
