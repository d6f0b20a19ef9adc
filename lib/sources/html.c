/*
 * sources/html.c — the <head> of an HTML document, read by a streaming
 * tokenizer that follows the WHATWG tokenization states a head needs: data,
 * tag open, end tag open, tag name, the attribute states (quoted, unquoted,
 * valueless), self-closing, markup declarations (comments, including the
 * abrupt `<!-->` forms, doctype and CDATA as bogus comments), bogus comments
 * (`<?...>`, `</ >`), and the raw-text and RCDATA content of script, style,
 * title, textarea, xmp, iframe, noembed and noframes, which ends only at the
 * matching end tag. `<plaintext>` ends the scan. Character references in
 * attribute values and the title are decoded (ccsig_html_decode: numeric,
 * and the named ones of HTML 4.01 plus apos).
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
#include <stdlib.h>

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
    /* script style title textarea xmp iframe noembed noframes, by the
     * first letter (every tag of a page's head comes here) */
    if (name.len < 3 || name.len > 8)
        return false;
    switch (name.p[0] | 0x20) {
    case 's':
        return CCSIG_STR_IEQ(name, "script") || CCSIG_STR_IEQ(name, "style");
    case 't':
        return CCSIG_STR_IEQ(name, "title") || CCSIG_STR_IEQ(name, "textarea");
    case 'x':
        return CCSIG_STR_IEQ(name, "xmp");
    case 'i':
        return CCSIG_STR_IEQ(name, "iframe");
    case 'n':
        return CCSIG_STR_IEQ(name, "noembed") || CCSIG_STR_IEQ(name, "noframes");
    default:
        return false;
    }
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
            if (CCSIG_STR_IEQ(t.name, "head") || CCSIG_STR_IEQ(t.name, "body") ||
                CCSIG_STR_IEQ(t.name, "html")) {
                *complete = true;
                return i;
            }
            i = e;
            continue;
        }
        if (CCSIG_STR_IEQ(t.name, "body") || CCSIG_STR_IEQ(t.name, "plaintext")) {
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

/* The named references ccsig decodes: the 252 of HTML 4.01 (Latin-1,
 * symbols and Greek, markup-significant and internationalisation) and
 * "apos", sorted in byte order for bsearch. HTML's full table has 2231
 * names; the others (mathematics, rare letters) are left as written. */
static const struct html_entity {
    const char *name;
    uint32_t cp;
} entities[] = {{"AElig", 0xC6},     {"Aacute", 0xC1},   {"Acirc", 0xC2},     {"Agrave", 0xC0},
                {"Alpha", 0x391},    {"Aring", 0xC5},    {"Atilde", 0xC3},    {"Auml", 0xC4},
                {"Beta", 0x392},     {"Ccedil", 0xC7},   {"Chi", 0x3A7},      {"Dagger", 0x2021},
                {"Delta", 0x394},    {"ETH", 0xD0},      {"Eacute", 0xC9},    {"Ecirc", 0xCA},
                {"Egrave", 0xC8},    {"Epsilon", 0x395}, {"Eta", 0x397},      {"Euml", 0xCB},
                {"Gamma", 0x393},    {"Iacute", 0xCD},   {"Icirc", 0xCE},     {"Igrave", 0xCC},
                {"Iota", 0x399},     {"Iuml", 0xCF},     {"Kappa", 0x39A},    {"Lambda", 0x39B},
                {"Mu", 0x39C},       {"Ntilde", 0xD1},   {"Nu", 0x39D},       {"OElig", 0x152},
                {"Oacute", 0xD3},    {"Ocirc", 0xD4},    {"Ograve", 0xD2},    {"Omega", 0x3A9},
                {"Omicron", 0x39F},  {"Oslash", 0xD8},   {"Otilde", 0xD5},    {"Ouml", 0xD6},
                {"Phi", 0x3A6},      {"Pi", 0x3A0},      {"Prime", 0x2033},   {"Psi", 0x3A8},
                {"Rho", 0x3A1},      {"Scaron", 0x160},  {"Sigma", 0x3A3},    {"THORN", 0xDE},
                {"Tau", 0x3A4},      {"Theta", 0x398},   {"Uacute", 0xDA},    {"Ucirc", 0xDB},
                {"Ugrave", 0xD9},    {"Upsilon", 0x3A5}, {"Uuml", 0xDC},      {"Xi", 0x39E},
                {"Yacute", 0xDD},    {"Yuml", 0x178},    {"Zeta", 0x396},     {"aacute", 0xE1},
                {"acirc", 0xE2},     {"acute", 0xB4},    {"aelig", 0xE6},     {"agrave", 0xE0},
                {"alefsym", 0x2135}, {"alpha", 0x3B1},   {"amp", 0x26},       {"and", 0x2227},
                {"ang", 0x2220},     {"apos", 0x27},     {"aring", 0xE5},     {"asymp", 0x2248},
                {"atilde", 0xE3},    {"auml", 0xE4},     {"bdquo", 0x201E},   {"beta", 0x3B2},
                {"brvbar", 0xA6},    {"bull", 0x2022},   {"cap", 0x2229},     {"ccedil", 0xE7},
                {"cedil", 0xB8},     {"cent", 0xA2},     {"chi", 0x3C7},      {"circ", 0x2C6},
                {"clubs", 0x2663},   {"cong", 0x2245},   {"copy", 0xA9},      {"crarr", 0x21B5},
                {"cup", 0x222A},     {"curren", 0xA4},   {"dArr", 0x21D3},    {"dagger", 0x2020},
                {"darr", 0x2193},    {"deg", 0xB0},      {"delta", 0x3B4},    {"diams", 0x2666},
                {"divide", 0xF7},    {"eacute", 0xE9},   {"ecirc", 0xEA},     {"egrave", 0xE8},
                {"empty", 0x2205},   {"emsp", 0x2003},   {"ensp", 0x2002},    {"epsilon", 0x3B5},
                {"equiv", 0x2261},   {"eta", 0x3B7},     {"eth", 0xF0},       {"euml", 0xEB},
                {"euro", 0x20AC},    {"exist", 0x2203},  {"fnof", 0x192},     {"forall", 0x2200},
                {"frac12", 0xBD},    {"frac14", 0xBC},   {"frac34", 0xBE},    {"frasl", 0x2044},
                {"gamma", 0x3B3},    {"ge", 0x2265},     {"gt", 0x3E},        {"hArr", 0x21D4},
                {"harr", 0x2194},    {"hearts", 0x2665}, {"hellip", 0x2026},  {"iacute", 0xED},
                {"icirc", 0xEE},     {"iexcl", 0xA1},    {"igrave", 0xEC},    {"image", 0x2111},
                {"infin", 0x221E},   {"int", 0x222B},    {"iota", 0x3B9},     {"iquest", 0xBF},
                {"isin", 0x2208},    {"iuml", 0xEF},     {"kappa", 0x3BA},    {"lArr", 0x21D0},
                {"lambda", 0x3BB},   {"lang", 0x2329},   {"laquo", 0xAB},     {"larr", 0x2190},
                {"lceil", 0x2308},   {"ldquo", 0x201C},  {"le", 0x2264},      {"lfloor", 0x230A},
                {"lowast", 0x2217},  {"loz", 0x25CA},    {"lrm", 0x200E},     {"lsaquo", 0x2039},
                {"lsquo", 0x2018},   {"lt", 0x3C},       {"macr", 0xAF},      {"mdash", 0x2014},
                {"micro", 0xB5},     {"middot", 0xB7},   {"minus", 0x2212},   {"mu", 0x3BC},
                {"nabla", 0x2207},   {"nbsp", 0xA0},     {"ndash", 0x2013},   {"ne", 0x2260},
                {"ni", 0x220B},      {"not", 0xAC},      {"notin", 0x2209},   {"nsub", 0x2284},
                {"ntilde", 0xF1},    {"nu", 0x3BD},      {"oacute", 0xF3},    {"ocirc", 0xF4},
                {"oelig", 0x153},    {"ograve", 0xF2},   {"oline", 0x203E},   {"omega", 0x3C9},
                {"omicron", 0x3BF},  {"oplus", 0x2295},  {"or", 0x2228},      {"ordf", 0xAA},
                {"ordm", 0xBA},      {"oslash", 0xF8},   {"otilde", 0xF5},    {"otimes", 0x2297},
                {"ouml", 0xF6},      {"para", 0xB6},     {"part", 0x2202},    {"permil", 0x2030},
                {"perp", 0x22A5},    {"phi", 0x3C6},     {"pi", 0x3C0},       {"piv", 0x3D6},
                {"plusmn", 0xB1},    {"pound", 0xA3},    {"prime", 0x2032},   {"prod", 0x220F},
                {"prop", 0x221D},    {"psi", 0x3C8},     {"quot", 0x22},      {"rArr", 0x21D2},
                {"radic", 0x221A},   {"rang", 0x232A},   {"raquo", 0xBB},     {"rarr", 0x2192},
                {"rceil", 0x2309},   {"rdquo", 0x201D},  {"real", 0x211C},    {"reg", 0xAE},
                {"rfloor", 0x230B},  {"rho", 0x3C1},     {"rlm", 0x200F},     {"rsaquo", 0x203A},
                {"rsquo", 0x2019},   {"sbquo", 0x201A},  {"scaron", 0x161},   {"sdot", 0x22C5},
                {"sect", 0xA7},      {"shy", 0xAD},      {"sigma", 0x3C3},    {"sigmaf", 0x3C2},
                {"sim", 0x223C},     {"spades", 0x2660}, {"sub", 0x2282},     {"sube", 0x2286},
                {"sum", 0x2211},     {"sup", 0x2283},    {"sup1", 0xB9},      {"sup2", 0xB2},
                {"sup3", 0xB3},      {"supe", 0x2287},   {"szlig", 0xDF},     {"tau", 0x3C4},
                {"there4", 0x2234},  {"theta", 0x3B8},   {"thetasym", 0x3D1}, {"thinsp", 0x2009},
                {"thorn", 0xFE},     {"tilde", 0x2DC},   {"times", 0xD7},     {"trade", 0x2122},
                {"uArr", 0x21D1},    {"uacute", 0xFA},   {"uarr", 0x2191},    {"ucirc", 0xFB},
                {"ugrave", 0xF9},    {"uml", 0xA8},      {"upsih", 0x3D2},    {"upsilon", 0x3C5},
                {"uuml", 0xFC},      {"weierp", 0x2118}, {"xi", 0x3BE},       {"yacute", 0xFD},
                {"yen", 0xA5},       {"yuml", 0xFF},     {"zeta", 0x3B6},     {"zwj", 0x200D},
                {"zwnj", 0x200C}};

#define ENTITY_NAME_MAX 8 /* the longest name above ("thetasym") */

static int entity_cmp(const void *k, const void *e) {
    return strcmp(k, ((const struct html_entity *)e)->name);
}

/* WHATWG's legacy references, which match without ';': the Latin-1 ones
 * (U+00A0..U+00FF) and amp, lt, gt, quot. */
static bool entity_legacy(const struct html_entity *e) {
    return (e->cp >= 0xA0 && e->cp <= 0xFF) || e->cp == '&' || e->cp == '<' || e->cp == '>' ||
           e->cp == '"';
}

static const struct html_entity *entity_find(const char *p, size_t n) {
    char key[ENTITY_NAME_MAX + 1];
    if (!n || n > ENTITY_NAME_MAX)
        return NULL;
    memcpy(key, p, n);
    key[n] = '\0';
    return bsearch(key, entities, sizeof entities / sizeof entities[0], sizeof entities[0],
                   entity_cmp);
}

/* A character reference's code point as UTF-8; NUL, surrogates and values
 * past U+10FFFF become U+FFFD (HTML's parse-error replacements). */
static size_t utf8_put(char *d, unsigned long cp) {
    size_t n = cp && cp <= 0x10FFFF ? ccsig_utf8_encode((uint32_t)cp, d) : 0;
    return n ? n : ccsig_utf8_encode(0xFFFD, d);
}

static bool is_alnum(char ch) {
    return is_alpha(ch) || (ch >= '0' && ch <= '9');
}

size_t ccsig_html_ref_decode(const char *p, size_t len, bool attribute, char out[4],
                             size_t *out_len) {
    *out_len = 0;
    if (len < 2 || p[0] != '&')
        return 0;
    size_t j = 1;
    if (p[j] == '#') {
        j++;
        bool hex = j < len && (p[j] == 'x' || p[j] == 'X');
        if (hex)
            j++;
        unsigned long cp = 0;
        size_t ds = j;
        while (j < len) {
            char ch = p[j];
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
        if (j == ds)
            return 0;
        if (j < len && p[j] == ';')
            j++;
        if (cp >= 0xD800 && cp <= 0xDFFF)
            cp = 0xFFFD;
        *out_len = utf8_put(out, cp);
        return j;
    }
    size_t n = 0;
    while (j + n < len && n <= ENTITY_NAME_MAX && is_alnum(p[j + n]))
        n++;
    if (j + n < len && p[j + n] == ';') {
        const struct html_entity *e = entity_find(p + j, n);
        if (e) {
            *out_len = utf8_put(out, e->cp);
            return j + n + 1;
        }
    }
    /* Without ';': the longest legacy name the text starts with. */
    for (size_t k = n < ENTITY_NAME_MAX ? n : ENTITY_NAME_MAX; k >= 2; k--) {
        const struct html_entity *e = entity_find(p + j, k);
        if (!e || !entity_legacy(e))
            continue;
        /* WHATWG: in an attribute, a legacy reference followed by '=' or
         * an alphanumeric is left as written. */
        char nx = j + k < len ? p[j + k] : '\0';
        if (attribute && (nx == '=' || is_alnum(nx)))
            return 0;
        *out_len = utf8_put(out, e->cp);
        return j + k;
    }
    return 0;
}

ccsig_str ccsig_html_decode(ccsig_arena *a, ccsig_str v, bool attribute) {
    if (!v.len || !memchr(v.p, '&', v.len))
        return v;
    /* A reference never decodes to more bytes than it takes (&#x10FFFF; is
     * 10 bytes for 4, &not 4 for 2, &#0 3 for U+FFFD's 3): len is enough. */
    char *d = ccsig_arena_alloc(a, v.len + 1);
    if (!d)
        return v;
    size_t o = 0;
    for (size_t i = 0; i < v.len;) {
        size_t dn, used = v.p[i] == '&'
                              ? ccsig_html_ref_decode(v.p + i, v.len - i, attribute, d + o, &dn)
                              : 0;
        if (used) {
            o += dn;
            i += used;
        } else {
            d[o++] = v.p[i++];
        }
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
    size_t n = strlen(name);
    for (size_t i = 0; i < t->nattrs; i++)
        if (ccsig_str_ieq_n(t->attrs[i].name, name, n))
            return &t->attrs[i];
    return NULL;
}

static ccsig_str attr_value(scan_ctx *s, const html_tag *t, const char *name) {
    const html_attr *a = attr(t, name);
    return a ? ccsig_html_decode(s->a, a->value, true) : EMPTY;
}

static void on_tag(void *ctx, const html_tag *t, const char *p) {
    scan_ctx *s = ctx;
    if (t->end)
        return;
    ccsig_html_tag_info info;
    if (CCSIG_STR_IEQ(t->name, "meta")) {
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
    } else if (CCSIG_STR_IEQ(t->name, "title")) {
        /* RCDATA: references are decoded as in text */
        info.kind = CCSIG_HTML_TITLE;
        info.name = EMPTY;
        info.value = src_trim(ccsig_html_decode(s->a, t->content, false));
        info.type = EMPTY;
    } else if (CCSIG_STR_IEQ(t->name, "link")) {
        info.kind = CCSIG_HTML_LINK;
        info.name = attr_value(s, t, "rel");
        info.value = src_trim(attr_value(s, t, "href"));
        info.type = src_trim(attr_value(s, t, "type"));
    } else if (CCSIG_STR_IEQ(t->name, "script")) {
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
        noai |= CCSIG_STR_IEQ(item, "noai");
        noimageai |= CCSIG_STR_IEQ(item, "noimageai");
    }
    if (!noai && !noimageai)
        return;
    bool all = CCSIG_STR_IEQ(name, "robots");
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
        if (CCSIG_STR_IEQ(t->name, "tdm-reservation")) {
            if (t->value.len == 1 && (t->value.p[0] == '0' || t->value.p[0] == '1'))
                ccsig_collect_tdm(c, CCSIG_TDM_HTML, t->value.p[0] - '0', EMPTY, &src);
            else
                ccsig_collect_note(c, &src,
                                   "tdm-reservation must be 0 or 1; '%.*s' is a TDMRep protocol "
                                   "error, so this meta states no reservation",
                                   (int)t->value.len, t->value.p);
        } else if (CCSIG_STR_IEQ(t->name, "tdm-policy")) {
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
        if (!CCSIG_STR_IEQ(t->type, "application/rsl+xml"))
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
