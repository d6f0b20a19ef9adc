/*
 * sources/epub.c — TDMRep in EPUB (W3C TDM Reservation Protocol, Final CG
 * Report 2024-05-10, "TDM Metadata in EPUB files"; peer-signals.md §2 item 4):
 * the package document's metadata, read from an EPUB container or from a
 * bare package document (.opf).
 *
 *   EPUB 3   <package prefix="tdm: http://www.w3.org/ns/tdmrep#" ...>
 *              <metadata> <meta property="tdm:reservation">1</meta>
 *                         <meta property="tdm:policy">URL</meta>
 *   EPUB 2   <meta name="tdm:reservation" content="1"/> (and tdm:policy)
 *
 * Both cover every resource of the package. Values go to the collector's
 * embedded level, the highest TDMRep precedence (ccsig_collect_finish).
 *
 * The container (OCF 3.3 §4): a ZIP file (zip.c) whose
 * META-INF/container.xml names the package document in the first <rootfile>
 * with media type application/oebps-package+xml (the default rendition).
 * Only that rendition is read.
 *
 * Judgement calls, each a note: a tdm prefix that the package does not
 * declare is still read as TDMRep (EPUB 3 requires the declaration; books in
 * the wild omit it); the XMP namespace http://www.w3.org/ns/tdmrep/ is
 * accepted as well as the # one; the 2021 draft's unprefixed properties
 * tdm-reservation and tdm-policy are read; a meta with refines (about
 * another element, not the publication) is ignored; a reservation other
 * than 0 or 1 is a protocol error and unset.
 *
 * Provenance: kind tdmrep, origin "FILE!/PATH/TO/package.opf" (the JAR URL
 * form) or the .opf file, line of the <meta>, text that line as written.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "internal.h"

#define NS_OPF "http://www.idpf.org/2007/opf"
#define NS_OCF "urn:oasis:names:tc:opendocument:xmlns:container"
#define OPF_MEDIA_TYPE "application/oebps-package+xml"
#define EMPTY ccsig_str_make("", 0)

static bool ns_is(const xmlNode *n, const char *ns) {
    return n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns);
}

static bool is_el(const xmlNode *n, const char *ns, const char *name) {
    return n->type == XML_ELEMENT_NODE && ns_is(n, ns) && !strcmp((const char *)n->name, name);
}

/* An attribute (no namespace) copied into the arena; *has whether present. */
static ccsig_str attr(ccsig_arena *a, const xmlNode *n, const char *name, bool *has) {
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (has)
        *has = v != NULL;
    if (!v)
        return EMPTY;
    ccsig_str s = src_dup(a, ccsig_str_c((const char *)v));
    xmlFree(v);
    return s;
}

/* Line `line` (1-based) of p[0..len), without its line end and surrounding
 * blanks: the provenance text. */
static ccsig_str line_text(const char *p, size_t len, unsigned line) {
    size_t i = 0;
    for (unsigned l = 1; l < line && i < len; i++)
        if (p[i] == '\n')
            l++;
    size_t e = i;
    while (e < len && p[e] != '\n')
        e++;
    return src_trim(ccsig_str_make(p + i, e - i));
}

static bool tdm_ns(ccsig_str uri) {
    return ccsig_str_eq(uri, "http://www.w3.org/ns/tdmrep#") ||
           ccsig_str_eq(uri, "http://www.w3.org/ns/tdmrep/") ||
           ccsig_str_eq(uri, "https://www.w3.org/ns/tdmrep#") ||
           ccsig_str_eq(uri, "https://www.w3.org/ns/tdmrep/");
}

/* The IRI the package's prefix attribute ("p1: iri1 p2: iri2", EPUB 3.3
 * §D.3.2) binds to prefix; false when it does not declare it. */
static bool prefix_iri(ccsig_str decl, ccsig_str prefix, ccsig_str *iri) {
    size_t i = 0, n = decl.len;
    const char *d = decl.p;
    while (i < n) {
        while (i < n && src_is_space(d[i]))
            i++;
        size_t ps = i;
        while (i < n && d[i] != ':' && !src_is_space(d[i]))
            i++;
        if (i >= n || d[i] != ':')
            return false; /* malformed: stop rather than guess */
        ccsig_str name = ccsig_str_make(d + ps, i - ps);
        i++;
        while (i < n && src_is_space(d[i]))
            i++;
        size_t is = i;
        while (i < n && !src_is_space(d[i]))
            i++;
        if (ccsig_str_eq_str(name, prefix)) {
            *iri = ccsig_str_make(d + is, i - is);
            return true;
        }
    }
    return false;
}

typedef struct opf {
    ccsig_collect *c;
    const char *p; /* the package document's bytes */
    size_t len;
    ccsig_str origin;
    ccsig_str prefixes; /* <package prefix> */
    unsigned found;     /* TDMRep properties read */
} opf;

/* Which TDMRep property a <meta> states (0 none, 'r' reservation, 'p'
 * policy), and its value; notes for the judgement calls. */
static int meta_property(opf *o, const xmlNode *m, const ccsig_provenance *src, ccsig_str *value) {
    ccsig_arena *a = o->c->arena;
    bool has_prop, has_name, has_refines;
    ccsig_str prop = src_trim(attr(a, m, "property", &has_prop));
    ccsig_str name = src_trim(attr(a, m, "name", &has_name));
    attr(a, m, "refines", &has_refines);
    ccsig_str local;
    if (has_prop) {
        const char *colon = memchr(prop.p, ':', prop.len);
        if (!colon) {
            if (!ccsig_str_eq(prop, "tdm-reservation") && !ccsig_str_eq(prop, "tdm-policy"))
                return 0;
            ccsig_collect_note(o->c, src,
                               "property '%.*s' is the 2021 draft's spelling; TDMRep 1.0 writes "
                               "tdm:%s with the tdm prefix (read as TDMRep)",
                               (int)prop.len, prop.p, prop.p[4] == 'r' ? "reservation" : "policy");
            local = ccsig_str_make(prop.p + 4, prop.len - 4);
        } else {
            ccsig_str pfx = ccsig_str_make(prop.p, (size_t)(colon - prop.p)), iri;
            local = ccsig_str_make(colon + 1, prop.len - (size_t)(colon + 1 - prop.p));
            if (prefix_iri(o->prefixes, pfx, &iri)) {
                if (!tdm_ns(iri))
                    return 0; /* another vocabulary's property */
            } else if (ccsig_str_eq(pfx, "tdm")) {
                if (ccsig_str_eq(local, "reservation") || ccsig_str_eq(local, "policy"))
                    ccsig_collect_note(
                        o->c, src,
                        "the package does not declare the prefix tdm (EPUB 3 wants "
                        "prefix=\"tdm: http://www.w3.org/ns/tdmrep#\" on <package>); "
                        "read as TDMRep");
            } else {
                return 0;
            }
        }
        *value = src_xml_text(a, m);
    } else if (has_name) {
        if (!ccsig_str_eq(name, "tdm:reservation") && !ccsig_str_eq(name, "tdm:policy"))
            return 0;
        local = ccsig_str_make(name.p + 4, name.len - 4);
        *value = src_trim(attr(a, m, "content", NULL));
    } else {
        return 0;
    }
    int kind = ccsig_str_eq(local, "reservation") ? 'r' : ccsig_str_eq(local, "policy") ? 'p' : 0;
    if (!kind) {
        ccsig_collect_note(o->c, src, "unknown TDMRep property '%.*s': ignored", (int)local.len,
                           local.p);
        return 0;
    }
    if (has_refines) {
        ccsig_collect_note(o->c, src,
                           "this TDMRep <meta> refines another element; TDMRep covers the whole "
                           "package, so only a <meta> without refines counts: ignored");
        return 0;
    }
    return kind;
}

static void read_meta(opf *o, const xmlNode *m) {
    unsigned line = (unsigned)xmlGetLineNo(m);
    ccsig_provenance src =
        src_prov(CCSIG_SRC_TDMREP, line, o->origin, line_text(o->p, o->len, line));
    ccsig_str v;
    int kind = meta_property(o, m, &src, &v);
    if (!kind)
        return;
    o->found++;
    if (kind == 'r') {
        if (ccsig_str_eq(v, "0") || ccsig_str_eq(v, "1"))
            ccsig_collect_tdm(o->c, CCSIG_TDM_EMBEDDED, v.p[0] - '0', EMPTY, &src);
        else
            ccsig_collect_note(o->c, &src,
                               "tdm:reservation must be 0 or 1, not \"%.*s\" (a TDMRep protocol "
                               "error): unset",
                               (int)v.len, v.p);
    } else if (v.len) {
        ccsig_collect_tdm(o->c, CCSIG_TDM_EMBEDDED, -1, v, &src);
    } else {
        ccsig_collect_note(o->c, &src, "tdm:policy is empty: ignored");
    }
}

/* Every <meta> under <metadata>, at any depth (OPF 2's dc-metadata and
 * x-metadata wrappers included), in document order. */
static void walk(opf *o, const xmlNode *n) {
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(n, NS_OPF, "meta"))
            read_meta(o, n);
        else
            walk(o, n->children);
    }
}

ccsig_status ccsig_opf_read(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                            ccsig_error *err) {
    if (len > CCSIG_EPUB_MAX_PART)
        return ccsig_error_set(err, CCSIG_ERR_LIMIT, CCSIG_EPUB_MAX_PART,
                               "package document larger than %u bytes", CCSIG_EPUB_MAX_PART);
    xmlDocPtr doc = src_xml_read(p, len, "package document is not XML", err);
    if (!doc)
        return err ? err->code : CCSIG_ERR_SYNTAX;
    ccsig_status status = CCSIG_OK;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || !is_el(root, NS_OPF, "package")) {
        status = ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                 "the root element is not <package> in the namespace " NS_OPF);
        if (err) {
            err->line = root ? (unsigned)xmlGetLineNo(root) : 1;
            err->column = 1;
        }
        xmlFreeDoc(doc);
        return status;
    }
    opf o = {c, p, len, origin, attr(c->arena, root, "prefix", NULL), 0};
    for (const xmlNode *n = root->children; n; n = n->next)
        if (is_el(n, NS_OPF, "metadata"))
            walk(&o, n->children);
    xmlFreeDoc(doc);
    return CCSIG_OK;
}

/* The package document's path: the first <rootfile> of the OPF media type
 * in META-INF/container.xml. */
static ccsig_status rootfile(ccsig_arena *a, ccsig_str xml, ccsig_str *path, ccsig_error *err) {
    xmlDocPtr doc = src_xml_read(xml.p, xml.len, "META-INF/container.xml is not XML", err);
    if (!doc)
        return err ? err->code : CCSIG_ERR_SYNTAX;
    xmlNode *root = xmlDocGetRootElement(doc);
    *path = EMPTY;
    if (root && is_el(root, NS_OCF, "container"))
        for (const xmlNode *r = root->children; r && !path->len; r = r->next)
            if (is_el(r, NS_OCF, "rootfiles"))
                for (const xmlNode *f = r->children; f && !path->len; f = f->next)
                    if (is_el(f, NS_OCF, "rootfile") &&
                        ccsig_str_eq(attr(a, f, "media-type", NULL), OPF_MEDIA_TYPE))
                        *path = attr(a, f, "full-path", NULL);
    unsigned line = root ? (unsigned)xmlGetLineNo(root) : 1;
    xmlFreeDoc(doc);
    if (!path->len) {
        ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                        "META-INF/container.xml names no <rootfile> of media type " OPF_MEDIA_TYPE);
        if (err) {
            err->line = line;
            err->column = 1;
        }
        return CCSIG_ERR_SYNTAX;
    }
    return CCSIG_OK;
}

/* A ZIP entry by name, into the arena. */
static ccsig_status entry(const src_zip *z, ccsig_arena *a, const char *name, ccsig_str *out,
                          bool *found, ccsig_error *err) {
    src_zip_entry e;
    ccsig_status st = src_zip_find(z, name, &e, found, err);
    if (st || !*found)
        return st;
    return src_zip_read(z, &e, a, CCSIG_EPUB_MAX_PART, out, err);
}

ccsig_status ccsig_epub_read(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                             ccsig_error *err) {
    src_zip z;
    ccsig_status st = src_zip_open(p, len, &z, err);
    if (st)
        return st;
    ccsig_provenance here = src_prov(CCSIG_SRC_TDMREP, 0, origin, EMPTY);
    /* OCF: the first entry is "mimetype", stored, holding the media type */
    static const char mt[] = "application/epub+zip";
    if (!(len >= 38 + sizeof mt - 1 && !memcmp(p, "PK\3\4", 4) && !memcmp(p + 30, "mimetype", 8) &&
          !memcmp(p + 38, mt, sizeof mt - 1)))
        ccsig_collect_note(c, &here,
                           "the ZIP file does not start with a stored 'mimetype' entry holding "
                           "application/epub+zip, as an EPUB container must (read anyway)");
    bool found;
    ccsig_str xml = EMPTY, path = EMPTY, opf_bytes = EMPTY;
    if ((st = entry(&z, c->arena, "META-INF/container.xml", &xml, &found, err)))
        return st;
    if (!found)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "not an EPUB container: no META-INF/container.xml");
    if ((st = rootfile(c->arena, xml, &path, err)))
        return st;
    char name[1024];
    snprintf(name, sizeof name, "%.*s", (int)path.len, path.p);
    if ((st = entry(&z, c->arena, name, &opf_bytes, &found, err)))
        return st;
    if (!found)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "the package document %s named by META-INF/container.xml is not "
                               "in the container",
                               name);
    ccsig_str where = src_printf(c->arena, "%.*s!/%s", (int)origin.len, origin.p, name);
    st = ccsig_opf_read(c, opf_bytes.p, opf_bytes.len, where, err);
    if (st && err && !strstr(err->message, name)) {
        /* say which entry the line and column are in */
        ccsig_error inner = *err;
        ccsig_error_set(err, inner.code, inner.offset, "%s: %s", name, inner.message);
        err->line = inner.line;
        err->column = inner.column;
    }
    return st;
}
