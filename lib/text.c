/*
 * text.c — plain text and a title out of the text documents of a collection
 * (ccsig/text.h): the one extractor, used by the gateway's search index
 * (ccsig serve) and by `ccsig rag`. Character references are decoded by the
 * library's one decoder (ccsig_html_ref_decode, sources/html.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ccsig/alloc.h"
#include "ccsig/buf.h"
#include "ccsig/sources.h"
#include "ccsig/text.h"

bool ccsig_text_is_doc(const char *name) {
    static const char *const exts[] = {"txt", "text", "md",  "markdown",
                                       "rst", "html", "htm", "xhtml"};
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return false;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (!strcasecmp(dot + 1, exts[i]))
            return true;
    return false;
}

static int ci_prefix(const char *p, const char *end, const char *lit) {
    size_t n = strlen(lit);
    return (size_t)(end - p) >= n && strncasecmp(p, lit, n) == 0;
}

/* HTML to text: tags become spaces, script/style/comments vanish, entities
 * are decoded, the <title> (or first <h1>) is kept aside. */
static void html_text(const char *p, size_t len, ccsig_buf *body, ccsig_buf *title) {
    const char *end = p + len;
    ccsig_buf *h1 = NULL;
    ccsig_buf h1buf = CCSIG_BUF_INIT;
    int in_title = 0, in_h1 = 0, seen_h1 = 0;
    while (p < end) {
        if (*p == '<') {
            if (ci_prefix(p, end, "<!--")) {
                const char *q = p + 4;
                while (q < end && !ci_prefix(q, end, "-->"))
                    q++;
                p = q < end ? q + 3 : end;
                continue;
            }
            const char *skip_to = NULL;
            if (ci_prefix(p, end, "<script"))
                skip_to = "</script";
            else if (ci_prefix(p, end, "<style"))
                skip_to = "</style";
            if (skip_to) {
                const char *q = p + 1;
                while (q < end && !ci_prefix(q, end, skip_to))
                    q++;
                p = q;
            }
            if (ci_prefix(p, end, "<title"))
                in_title = 1;
            else if (ci_prefix(p, end, "</title"))
                in_title = 0;
            else if (ci_prefix(p, end, "<h1") && !seen_h1) {
                in_h1 = 1;
                h1 = &h1buf;
            } else if (ci_prefix(p, end, "</h1") && in_h1) {
                in_h1 = 0;
                seen_h1 = 1;
            }
            const char *q = memchr(p, '>', (size_t)(end - p));
            p = q ? q + 1 : end;
            ccsig_buf_putc(body, ' ');
            continue;
        }
        char tmp[4];
        size_t n = 1;
        const char *src = p;
        if (*p == '&') {
            /* the library's one decoder; a no-break space is a space here */
            size_t used = ccsig_html_ref_decode(p, (size_t)(end - p), false, tmp, &n);
            if (used && n == 2 && !memcmp(tmp, "\xc2\xa0", 2))
                tmp[0] = ' ', n = 1;
            if (used) {
                src = tmp;
                p += used;
            } else {
                n = 1;
                p++;
            }
        } else {
            p++;
        }
        if (in_title)
            ccsig_buf_append(title, src, n);
        else {
            ccsig_buf_append(body, src, n);
            if (in_h1 && h1)
                ccsig_buf_append(h1, src, n);
        }
    }
    if (title->len == 0 && h1buf.len)
        ccsig_buf_append(title, h1buf.data, h1buf.len);
    ccsig_buf_free(&h1buf);
}

/* Collapse runs of white space to one space, trim. In place. */
static size_t squeeze(char *s, size_t n) {
    size_t o = 0;
    int sp = 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!sp)
                s[o++] = ' ';
            sp = 1;
        } else {
            s[o++] = c;
            sp = 0;
        }
    }
    while (o && s[o - 1] == ' ')
        o--;
    s[o] = '\0';
    return o;
}

static void base_name(const char *name, char *out, size_t cap) {
    const char *slash = strrchr(name, '/');
    snprintf(out, cap, "%s", slash ? slash + 1 : name);
}

ccsig_status ccsig_text_extract(const char *name, const char *data, size_t len, char *title,
                                size_t cap, char **body) {
    ccsig_buf b = CCSIG_BUF_INIT, t = CCSIG_BUF_INIT;
    const char *ext = strrchr(name, '.');
    int html = ext && (!strcasecmp(ext, ".html") || !strcasecmp(ext, ".htm") ||
                       !strcasecmp(ext, ".xhtml"));
    int md = ext && (!strcasecmp(ext, ".md") || !strcasecmp(ext, ".markdown"));
    if (md && len > 4 && !memcmp(data, "---\n", 4)) {
        /* A dataset card's YAML front matter is metadata (the dataset
         * reader's), not text to index, quote or take a title from. */
        for (size_t i = 4; i + 4 <= len; i++)
            if (data[i - 1] == '\n' && !memcmp(data + i, "---", 3) &&
                (data[i + 3] == '\n' || data[i + 3] == '\r')) {
                data += i + 4;
                len -= i + 4;
                break;
            }
    }
    if (html) {
        html_text(data, len, &b, &t);
    } else if (md) {
        /* Markdown headings: the text without the '#' marks. */
        const char *p = data, *end = data + len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *le = nl ? nl + 1 : end;
            const char *s = p;
            while (s < le && *s == '#')
                s++;
            if (s > p && s < le && (*s == ' ' || *s == '\t'))
                p = s + 1;
            ccsig_buf_append(&b, p, (size_t)(le - p));
            p = le;
        }
    } else {
        ccsig_buf_append(&b, data, len);
    }
    if (!html) {
        /* Title: the first non-empty line, without Markdown's '#'. */
        const char *p = data, *end = data + len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *le = nl ? nl : end;
            const char *s = p;
            while (s < le && (*s == '#' || *s == ' ' || *s == '\t' || *s == '\r'))
                s++;
            const char *e = le;
            while (e > s && (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '\t' || e[-1] == '#'))
                e--;
            if (e > s) {
                ccsig_buf_append(&t, s, (size_t)(e - s) < 400 ? (size_t)(e - s) : 400);
                break;
            }
            p = nl ? nl + 1 : end;
        }
    }
    if (ccsig_buf_failed(&b) || ccsig_buf_failed(&t)) {
        ccsig_buf_free(&b);
        ccsig_buf_free(&t);
        return CCSIG_ERR_NOMEM;
    }
    char *clean = ccsig_malloc(3 * b.len + 1);
    char *tclean = ccsig_malloc(3 * t.len + 1);
    if (!clean || !tclean) {
        ccsig_free(clean);
        ccsig_free(tclean);
        ccsig_buf_free(&b);
        ccsig_buf_free(&t);
        return CCSIG_ERR_NOMEM;
    }
    size_t bn = ccsig_utf8_clean(b.data ? b.data : "", b.len, clean);
    squeeze(clean, bn);
    size_t tn = ccsig_utf8_clean(t.data ? t.data : "", t.len, tclean);
    tn = squeeze(tclean, tn);
    if (tn == 0)
        base_name(name, title, cap);
    else {
        /* Cut at a character boundary. */
        size_t k = tn < cap - 1 ? tn : cap - 1;
        while (k > 0 && k < tn && ((unsigned char)tclean[k] & 0xC0) == 0x80)
            k--;
        memcpy(title, tclean, k);
        title[k] = '\0';
    }
    ccsig_free(tclean);
    ccsig_buf_free(&b);
    ccsig_buf_free(&t);
    *body = clean;
    return CCSIG_OK;
}
