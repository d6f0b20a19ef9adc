/*
 * sources/html.c — the <head> of an HTML document, read by a streaming
 * tokenizer that follows the WHATWG tokenization states a head needs: data,
 * tag open, end tag open, tag name, the attribute states (quoted, unquoted,
 * valueless), self-closing, markup declarations (comments, including the
 * abrupt `<!-->` forms, doctype and CDATA as bogus comments), bogus comments
 * (`<?...>`, `</ >`), and the raw-text and RCDATA content of script, style,
 * title, textarea, xmp, iframe, noembed and noframes, which ends only at the
 * matching end tag. `<plaintext>` ends the scan. Character references in
 * attribute values are decoded (numeric, and the named ones that occur in
 * head attributes: amp, lt, gt, quot, apos, nbsp).
 *
 * Why not a DOM: the head is a few KiB at the start of pages that run to
 * megabytes, and a scan over a web crawl reads billions of them. The scanner
 * allocates nothing (decoded values aside) and stops at </head> or <body>.
 * bench/html_head compares it with gumbo and libxml2's HTML parser on large
 * pages (BENCHMARKS.md "readers"); tests/unit/test_html.c checks it against
 * gumbo's tree on the real pages of ../shared/corpus.
 *
 * Judgement (ccsig-check(1)): the head is taken to run until </head>, <body>
 * or the end of the bytes given, not until the first element that would
 * start a body in the tree-construction algorithm, so a <meta> after stray
 * body markup in a sloppy head still counts. <noscript> content is parsed as
 * markup, as a user agent without scripting (a crawler) does.
 */
#include "internal.h"

#define EMPTY ccsig_str_make("", 0)

/* Attributes kept per tag; WHATWG keeps the first of duplicate names. */
#define HTML_MAX_ATTRS 32

typedef struct html_attr {
    ccsig_str name;
    ccsig_str value; /* raw (entity references not yet decoded) */
} html_attr;

typedef struct html_tag {
    bool end;
    ccsig_str name;
    size_t start, stop; /* p[start..stop) is the tag as written */
    html_attr attrs[HTML_MAX_ATTRS];
    size_t nattrs;
    ccsig_str content; /* raw-text content of script/style/... start tags */
} html_tag;

typedef void (*tag_fn)(void *ctx, const html_tag *t, const char *p);

static bool is_alpha(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* Raw-text and RCDATA elements: their content is text up to the end tag. */
static bool rawtext(ccsig_str name) {
    static const char *const names[] = {"script", "style",  "title",   "textarea",
                                        "xmp",    "iframe", "noembed", "noframes"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (ccsig_str_ieq(name, names[i]))
            return true;
    return false;
}

/* Offset of the "</name" that ends a raw-text element starting at i, followed
 * by whitespace, '/' or '>' (WHATWG "appropriate end tag"); len when absent. */
static size_t rawtext_end(const char *p, size_t len, size_t i, ccsig_str name) {
    while (i < len) {
        const char *lt = memchr(p + i, '<', len - i);
        if (!lt)
            return len;
        i = (size_t)(lt - p);
        if (i + 2 + name.len <= len && p[i + 1] == '/') {
            bool same = true;
            for (size_t k = 0; k < name.len && same; k++)
                same = src_lower(p[i + 2 + k]) == src_lower(name.p[k]);
            if (same) {
                size_t e = i + 2 + name.len;
                if (e == len || src_is_space(p[e]) || p[e] == '/' || p[e] == '>')
                    return i;
            }
        }
        i++;
    }
    return len;
}

/* Parse a start or end tag whose '<' is at i (p[i+1] is a letter, or '/'
 * then a letter). Returns the offset after '>', or 0 when the tag is not
 * closed within len (the caller stops: it needs more bytes). */
static size_t parse_tag(const char *p, size_t len, size_t i, html_tag *t) {
    size_t s = i;
    i++;
    t->end = p[i] == '/';
    if (t->end)
        i++;
    size_t ns = i;
    while (i < len && !src_is_space(p[i]) && p[i] != '/' && p[i] != '>')
        i++;
    t->name = ccsig_str_make(p + ns, i - ns);
    t->nattrs = 0;
    t->start = s;
    t->content = EMPTY;
    for (;;) {
        while (i < len && (src_is_space(p[i]) || p[i] == '/'))
            i++;
        if (i >= len)
            return 0;
        if (p[i] == '>') {
            t->stop = i + 1;
            return i + 1;
        }
        /* attribute name: a leading '=' belongs to the name (WHATWG) */
        size_t as = i++;
        while (i < len && !src_is_space(p[i]) && p[i] != '/' && p[i] != '>' && p[i] != '=')
            i++;
        ccsig_str an = ccsig_str_make(p + as, i - as);
        while (i < len && src_is_space(p[i]))
            i++;
        ccsig_str av = EMPTY;
        if (i < len && p[i] == '=') {
            i++;
            while (i < len && src_is_space(p[i]))
                i++;
            if (i >= len)
                return 0;
            if (p[i] == '"' || p[i] == '\'') {
                char q = p[i++];
                const char *e = memchr(p + i, q, len - i);
                if (!e)
                    return 0;
                av = ccsig_str_make(p + i, (size_t)(e - (p + i)));
                i = (size_t)(e - p) + 1;
            } else if (p[i] != '>') {
                size_t vs = i;
                while (i < len && !src_is_space(p[i]) && p[i] != '>')
                    i++;
                av = ccsig_str_make(p + vs, i - vs);
            }
        }
        if (t->end || t->nattrs >= HTML_MAX_ATTRS)
            continue;
        bool dup = false;
        for (size_t k = 0; k < t->nattrs && !dup; k++)
            dup = src_ieq(t->attrs[k].name, an);
        if (!dup) {
            t->attrs[t->nattrs].name = an;
            t->attrs[t->nattrs].value = av;
            t->nattrs++;
        }
    }
}

/* Find the end of a comment whose "<!--" is at i: offset after "-->" (or
 * after the abrupt "<!-->" / "<!--->", or after "--!>"), 0 when unclosed. */
static size_t comment_end(const char *p, size_t len, size_t i) {
    size_t j = i + 4;
    if (j < len && p[j] == '>')
        return j + 1;
    if (j + 1 < len && p[j] == '-' && p[j + 1] == '>')
        return j + 2;
    while (j + 2 < len) {
        const char *d = memchr(p + j, '-', len - j);
        if (!d)
            return 0;
        j = (size_t)(d - p);
        if (j + 2 < len && p[j + 1] == '-' && p[j + 2] == '>')
            return j + 3;
        if (j + 3 < len && p[j + 1] == '-' && p[j + 2] == '!' && p[j + 3] == '>')
            return j + 4;
        j++;
    }
    return 0;
}

/* Tokenize p[0..len), calling fn for each tag, until the head ends.
 * *complete: the head ended (</head>, <body>, </body>, </html>, <plaintext>).
 * Returns the offset where scanning stopped. */
static size_t tokenize(const char *p, size_t len, tag_fn fn, void *ctx, bool *complete) {
    if (len > CCSIG_HTML_HEAD_MAX)
        len = CCSIG_HTML_HEAD_MAX;
    *complete = false;
    size_t i = 0;
    html_tag t;
    while (i < len) {
        const char *lt = memchr(p + i, '<', len - i);
        if (!lt)
            return len;
        i = (size_t)(lt - p);
        if (i + 1 >= len)
            return i;
        char n1 = p[i + 1];
        if (n1 == '!') {
            if (i + 3 < len && p[i + 2] == '-' && p[i + 3] == '-') {
                size_t e = comment_end(p, len, i);
                if (!e)
                    return i;
                i = e;
            } else {
                const char *gt = memchr(p + i, '>', len - i);
                if (!gt)
                    return i;
                i = (size_t)(gt - p) + 1;
            }
            continue;
        }
        if (n1 == '?' || (n1 == '/' && (i + 2 >= len || !is_alpha(p[i + 2])))) {
            if (n1 == '/' && i + 2 >= len)
                return i;
            if (n1 == '/' && p[i + 2] == '>') { /* "</>" is ignored */
                i += 3;
                continue;
            }
            const char *gt = memchr(p + i, '>', len - i);
            if (!gt)
                return i;
            i = (size_t)(gt - p) + 1;
            continue;
        }
        if (!is_alpha(n1) && n1 != '/') {
            i++; /* a '<' in text */
            continue;
        }
        size_t e = parse_tag(p, len, i, &t);
        if (!e)
            return i;
        if (t.end) {
            fn(ctx, &t, p);
            if (ccsig_str_ieq(t.name, "head") || ccsig_str_ieq(t.name, "body") ||
                ccsig_str_ieq(t.name, "html")) {
                *complete = true;
                return i;
            }
            i = e;
            continue;
        }
        if (ccsig_str_ieq(t.name, "body") || ccsig_str_ieq(t.name, "plaintext")) {
            *complete = true;
            return i;
        }
        if (rawtext(t.name)) {
            size_t ce = rawtext_end(p, len, e, t.name);
            t.content = ccsig_str_make(p + e, ce - e);
            if (ce == len) {
                /* Not closed within the bytes we have: the content is cut. */
                fn(ctx, &t, p);
                return len;
            }
            fn(ctx, &t, p);
            i = ce;
            continue;
        }
        fn(ctx, &t, p);
        i = e;
    }
    return i;
}

static void nop_tag(void *ctx, const html_tag *t, const char *p) {
    (void)ctx;
    (void)t;
    (void)p;
}

size_t ccsig_html_head_end(const char *p, size_t len) {
    bool complete;
    size_t e = tokenize(p, len, nop_tag, NULL, &complete);
    if (!complete)
        return len;
    /* past "</head>" when that ended it, else at "<body" */
    if (e + 2 < len && p[e + 1] == '/') {
        const char *gt = memchr(p + e, '>', len - e);
        return gt ? (size_t)(gt - p) + 1 : len;
    }
    return e;
}

/* ---- character references ---- */

/* A character reference's code point as UTF-8; NUL, surrogates and values
 * past U+10FFFF become U+FFFD (HTML's parse-error replacements). */
static size_t utf8_put(char *d, unsigned long cp) {
    size_t n = cp && cp <= 0x10FFFF ? ccsig_utf8_encode((uint32_t)cp, d) : 0;
    return n ? n : ccsig_utf8_encode(0xFFFD, d);
}

/* Decode the references in an attribute value into the arena. Values
 * without '&' are returned as they are. */
static ccsig_str decode_attr(ccsig_arena *a, ccsig_str v) {
    if (!v.len || !memchr(v.p, '&', v.len))
        return v;
    /* A reference never decodes to more bytes than it takes (&#x10FFFF; is
     * 10 bytes for 4), except "&nbsp" without ';' (5 for 2): len is enough. */
    char *d = ccsig_arena_alloc(a, v.len + 1);
    if (!d)
        return v;
    static const struct {
        const char *name;
        unsigned long cp;
        bool legacy; /* may appear without ';' */
    } named[] = {{"amp", '&', true},  {"lt", '<', true},     {"gt", '>', true},
                 {"quot", '"', true}, {"apos", '\'', false}, {"nbsp", 0xA0, true}};
    size_t o = 0;
    for (size_t i = 0; i < v.len;) {
        if (v.p[i] != '&') {
            d[o++] = v.p[i++];
            continue;
        }
        size_t j = i + 1;
        if (j < v.len && v.p[j] == '#') {
            j++;
            bool hex = j < v.len && (v.p[j] == 'x' || v.p[j] == 'X');
            if (hex)
                j++;
            unsigned long cp = 0;
            size_t ds = j;
            while (j < v.len) {
                char ch = v.p[j];
                int dv = ch >= '0' && ch <= '9'          ? ch - '0'
                         : hex && ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                         : hex && ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                                         : -1;
                if (dv < 0)
                    break;
                if (cp <= 0x10FFFF)
                    cp = cp * (hex ? 16 : 10) + (unsigned long)dv;
                j++;
            }
            if (j == ds) {
                d[o++] = v.p[i++];
                continue;
            }
            if (j < v.len && v.p[j] == ';')
                j++;
            o += utf8_put(d + o, cp);
            i = j;
            continue;
        }
        bool done = false;
        for (size_t k = 0; k < sizeof named / sizeof named[0] && !done; k++) {
            size_t nl = strlen(named[k].name);
            if (j + nl > v.len || memcmp(v.p + j, named[k].name, nl))
                continue;
            size_t e = j + nl;
            bool semi = e < v.len && v.p[e] == ';';
            if (!semi) {
                /* WHATWG: in an attribute, a legacy reference followed by '='
                 * or an alphanumeric is left as written. */
                char nx = e < v.len ? v.p[e] : '\0';
                if (!named[k].legacy || nx == '=' || is_alpha(nx) || (nx >= '0' && nx <= '9'))
                    continue;
            }
            o += utf8_put(d + o, named[k].cp);
            i = e + semi;
            done = true;
        }
        if (!done)
            d[o++] = v.p[i++];
    }
    d[o] = '\0';
    return ccsig_str_make(d, o);
}

/* ---- reading the tags ---- */

typedef struct scan_ctx {
    ccsig_arena *a;
    const char *base;
    size_t line_pos; /* newlines counted up to here */
    unsigned line;
    size_t tags;
    ccsig_html_tag_fn fn;
    void *ctx;
} scan_ctx;

static unsigned line_at(scan_ctx *s, size_t off) {
    while (s->line_pos < off) {
        const char *nl = memchr(s->base + s->line_pos, '\n', off - s->line_pos);
        if (!nl) {
            s->line_pos = off;
            break;
        }
        s->line++;
        s->line_pos = (size_t)(nl - s->base) + 1;
    }
    return s->line;
}

static const html_attr *attr(const html_tag *t, const char *name) {
    for (size_t i = 0; i < t->nattrs; i++)
        if (ccsig_str_ieq(t->attrs[i].name, name))
            return &t->attrs[i];
    return NULL;
}

static ccsig_str attr_value(scan_ctx *s, const html_tag *t, const char *name) {
    const html_attr *a = attr(t, name);
    return a ? decode_attr(s->a, a->value) : EMPTY;
}

static void on_tag(void *ctx, const html_tag *t, const char *p) {
    scan_ctx *s = ctx;
    if (t->end)
        return;
    ccsig_html_tag_info info;
    if (ccsig_str_ieq(t->name, "meta")) {
        if (!attr(t, "content"))
            return;
        if (attr(t, "name")) {
            info.kind = CCSIG_HTML_META;
            info.name = src_trim(attr_value(s, t, "name"));
        } else if (attr(t, "property")) {
            info.kind = CCSIG_HTML_PROPERTY;
            info.name = src_trim(attr_value(s, t, "property"));
        } else {
            return;
        }
        info.value = src_trim(attr_value(s, t, "content"));
        info.type = EMPTY;
    } else if (ccsig_str_ieq(t->name, "title")) {
        /* RCDATA: references are decoded as in attribute values */
        info.kind = CCSIG_HTML_TITLE;
        info.name = EMPTY;
        info.value = src_trim(decode_attr(s->a, t->content));
        info.type = EMPTY;
    } else if (ccsig_str_ieq(t->name, "link")) {
        info.kind = CCSIG_HTML_LINK;
        info.name = attr_value(s, t, "rel");
        info.value = src_trim(attr_value(s, t, "href"));
        info.type = src_trim(attr_value(s, t, "type"));
    } else if (ccsig_str_ieq(t->name, "script")) {
        info.kind = CCSIG_HTML_SCRIPT;
        info.name = EMPTY;
        info.value = t->content;
        info.type = src_trim(attr_value(s, t, "type"));
    } else {
        return;
    }
    info.raw = ccsig_str_make(p + t->start, t->stop - t->start);
    info.line = line_at(s, t->start);
    s->tags++;
    s->fn(s->ctx, &info);
}

size_t ccsig_html_head_tags(ccsig_arena *a, const char *p, size_t len, ccsig_html_tag_fn fn,
                            void *ctx, bool *complete) {
    scan_ctx s = {a, p, 0, 1, 0, fn, ctx};
    bool done;
    tokenize(p, len, on_tag, &s, &done);
    if (complete)
        *complete = done;
    return s.tags;
}

/* ---- the preferences in them ---- */

static void meta_robots(ccsig_collect *c, const ccsig_provenance *src, ccsig_str name,
                        ccsig_str content) {
    bool noai = false, noimageai = false;
    ccsig_str item, rest = content;
    while (src_next_item(&rest, ',', &item)) {
        noai |= ccsig_str_ieq(item, "noai");
        noimageai |= ccsig_str_ieq(item, "noimageai");
    }
    if (!noai && !noimageai)
        return;
    bool all = ccsig_str_ieq(name, "robots");
    if (!all && !src_agent_is(c, name)) {
        ccsig_collect_note(c, src, "%s addressed to '%.*s', not to %s%.*s%s: ignored",
                           noai ? "noai" : "noimageai", (int)name.len, name.p,
                           c->ctx.agent.len ? "'" : "", (int)c->ctx.agent.len, c->ctx.agent.p,
                           c->ctx.agent.len ? "'" : "the agent asking (none given)");
        return;
    }
    bool image = noimageai && c->ctx.is_image;
    if (noimageai && !c->ctx.is_image)
        ccsig_collect_note(c, src,
                           "noimageai applies to the images of this page, not to the page "
                           "itself: check each image");
    if (!noai && !image)
        return;
    ccsig_statement *st = ccsig_collect_add(c, CCSIG_SRC_HTML);
    if (!st)
        return;
    st->src = *src;
    ccsig_statement_set(st, CCSIG_CAT_TRAIN_AI, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, 0,
                        noai ? CCSIG_STR_LIT("noai") : CCSIG_STR_LIT("noimageai"));
}

/* The attribution fact a <meta name>, <meta property> or <link rel> gives:
 * its kind and rank, or -1. */
static int fact_of(ccsig_html_tag_kind kind, ccsig_str name) {
    static const struct {
        ccsig_html_tag_kind kind;
        const char *name;
        ccsig_fact_kind fact;
    } map[] = {
        {CCSIG_HTML_META, "citation_title", CCSIG_FACT_TITLE},
        {CCSIG_HTML_META, "dc.title", CCSIG_FACT_TITLE},
        {CCSIG_HTML_META, "dcterms.title", CCSIG_FACT_TITLE},
        {CCSIG_HTML_PROPERTY, "og:title", CCSIG_FACT_TITLE},
        {CCSIG_HTML_META, "author", CCSIG_FACT_CREATOR},
        {CCSIG_HTML_META, "citation_author", CCSIG_FACT_CREATOR},
        {CCSIG_HTML_META, "dc.creator", CCSIG_FACT_CREATOR},
        {CCSIG_HTML_META, "dcterms.creator", CCSIG_FACT_CREATOR},
        {CCSIG_HTML_PROPERTY, "article:author", CCSIG_FACT_CREATOR},
        {CCSIG_HTML_META, "copyright", CCSIG_FACT_RIGHTS},
        {CCSIG_HTML_META, "dc.rights", CCSIG_FACT_RIGHTS},
        {CCSIG_HTML_META, "dcterms.rights", CCSIG_FACT_RIGHTS},
        {CCSIG_HTML_PROPERTY, "og:url", CCSIG_FACT_SOURCE},
        {CCSIG_HTML_PROPERTY, "og:site_name", CCSIG_FACT_PUBLISHER},
        {CCSIG_HTML_META, "dc.publisher", CCSIG_FACT_PUBLISHER},
        {CCSIG_HTML_META, "dcterms.publisher", CCSIG_FACT_PUBLISHER},
        {CCSIG_HTML_META, "citation_publisher", CCSIG_FACT_PUBLISHER},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].kind == kind && ccsig_str_ieq(name, map[i].name))
            return (int)map[i].fact;
    return -1;
}

static void on_info(void *ctx, const ccsig_html_tag_info *t) {
    ccsig_collect *c = ctx;
    ccsig_provenance src = src_prov(CCSIG_SRC_HTML, t->line, c->ctx.origin, t->raw);
    int fact = t->kind == CCSIG_HTML_META || t->kind == CCSIG_HTML_PROPERTY
                   ? fact_of(t->kind, t->name)
                   : -1;
    if (fact >= 0) {
        ccsig_collect_fact(c, (ccsig_fact_kind)fact, CCSIG_FACT_SPECIFIC, t->value, &src);
        return;
    }
    switch (t->kind) {
    case CCSIG_HTML_PROPERTY:
        return;
    case CCSIG_HTML_TITLE:
        ccsig_collect_fact(c, CCSIG_FACT_TITLE, CCSIG_FACT_GENERIC, t->value, &src);
        return;
    case CCSIG_HTML_META:
        if (ccsig_str_ieq(t->name, "tdm-reservation")) {
            if (t->value.len == 1 && (t->value.p[0] == '0' || t->value.p[0] == '1'))
                ccsig_collect_tdm(c, CCSIG_TDM_HTML, t->value.p[0] - '0', EMPTY, &src);
            else
                ccsig_collect_note(c, &src,
                                   "tdm-reservation must be 0 or 1; '%.*s' is a TDMRep protocol "
                                   "error, so this meta states no reservation",
                                   (int)t->value.len, t->value.p);
        } else if (ccsig_str_ieq(t->name, "tdm-policy")) {
            if (t->value.len)
                ccsig_collect_tdm(c, CCSIG_TDM_HTML, -1, t->value, &src);
        } else {
            meta_robots(c, &src, t->name, t->value);
        }
        return;
    case CCSIG_HTML_LINK:
        if (src_rel_has(t->name, "license") && t->value.len)
            src_license_link(c, &src, t->value, t->type);
        if (src_rel_has(t->name, "canonical"))
            ccsig_collect_fact(c, CCSIG_FACT_SOURCE, CCSIG_FACT_SPECIFIC, t->value, &src);
        return;
    case CCSIG_HTML_SCRIPT: {
        /* <script type="application/rsl+xml">: an RSL document inline */
        if (!ccsig_str_ieq(t->type, "application/rsl+xml"))
            return;
        ccsig_error err;
        ccsig_str origin =
            src_printf(c->arena, "%.*s (inline RSL at line %u)", (int)c->ctx.origin.len,
                       c->ctx.origin.p ? c->ctx.origin.p : "", t->line);
        if (ccsig_rsl_read(c, t->value.p, t->value.len, origin, &err) != CCSIG_OK)
            ccsig_collect_note(c, &src, "inline RSL document not read: %s", err.message);
        return;
    }
    }
}

size_t ccsig_html_meta_scan(ccsig_collect *c, const char *p, size_t len, bool *complete) {
    return ccsig_html_head_tags(c->arena, p, len, on_info, c, complete);
}
