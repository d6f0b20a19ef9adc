/*
 * sources/dataset.c — preferences and licences in dataset metadata:
 * Croissant JSON-LD (MLCommons, schema.org Dataset), Hugging Face dataset
 * cards (YAML front matter of README.md, read with libyaml) and Frictionless
 * Data Package descriptors (datapackage.json).
 *
 * None of the three has a field for AI usage preferences, so ccsig defines
 * one per format (what `ccsig declare --format croissant|dataset-card|
 * datapackage` writes; docs/ccsig-inspect.1):
 *   Croissant    "ccsig:contentUsage", with "ccsig" bound in @context to the
 *                CC signals namespace https://ccsig.org/ns/ccsignals/1.0/
 *                (any prefix bound to that namespace works, and so does the
 *                full IRI)
 *   card         content_usage: a string or a list of strings
 *   datapackage  "contentUsage": a string or an array of strings
 * Each value is a content usage expression (train-ai=n;exceptions=cc-cr),
 * one statement of kind dataset. Licences are links: schema.org `license`
 * (a URL, a name, an object with @id/url/name, or a list), the card's
 * license / license_name / license_link, datapackage `licenses[]`
 * (path, else name).
 */
#include <yaml.h>

#include "ccsig/sf.h"
#include "internal.h"
#include "json.h"

#define NS_CCSIG "https://ccsig.org/ns/ccsignals/1.0/"
#define EMPTY ccsig_str_make("", 0)

const char *ccsig_dataset_format_name(ccsig_dataset_format f) {
    static const char *const names[CCSIG_DATASET_FORMAT_COUNT] = {"croissant", "dataset-card",
                                                                  "datapackage"};
    return (unsigned)f < CCSIG_DATASET_FORMAT_COUNT ? names[f] : "unknown";
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

bool ccsig_dataset_format_for_name(const char *name, ccsig_dataset_format *out) {
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    if (!strcmp(base, "croissant.json") || ends_with(base, ".croissant.json") ||
        ends_with(base, "-croissant.json") || !strcmp(base, "metadata.json") ||
        !strcmp(base, "croissant.jsonld")) {
        *out = CCSIG_DATASET_CROISSANT;
        return true;
    }
    if (!strcmp(base, "README.md")) {
        *out = CCSIG_DATASET_CARD;
        return true;
    }
    if (!strcmp(base, "datapackage.json")) {
        *out = CCSIG_DATASET_DATAPACKAGE;
        return true;
    }
    return false;
}

static bool usage_key(ccsig_str k) {
    return ccsig_str_eq(k, "contentUsage") || ccsig_str_eq(k, "content_usage") ||
           ccsig_str_eq(k, "content-usage");
}

/* ---- JSON formats ---- */

static void json_usage(ccsig_collect *c, ccsig_str origin, const src_json *v, ccsig_str key) {
    if (v->type == SRC_JSON_ARRAY) {
        for (const src_json *it = v->child; it; it = it->next)
            json_usage(c, origin, it, key);
        return;
    }
    if (v->type == SRC_JSON_OBJECT) {
        const src_json *val = src_json_get(v, "@value");
        if (val)
            json_usage(c, origin, val, key);
        return;
    }
    ccsig_str text = src_printf(c->arena, "%.*s: %.*s", (int)key.len, key.p,
                                (int)(v->type == SRC_JSON_STRING ? v->str.len : 0),
                                v->type == SRC_JSON_STRING ? v->str.p : "");
    if (v->type != SRC_JSON_STRING) {
        ccsig_provenance src = src_prov(CCSIG_SRC_DATASET, v->line, origin, text);
        ccsig_collect_note(c, &src, "%.*s is %s, not an expression string: ignored", (int)key.len,
                           key.p, src_json_type_name(v->type));
        return;
    }
    src_usage_statement(c, CCSIG_SRC_DATASET, v->line, origin, text, v->str);
}

static void json_license(ccsig_collect *c, ccsig_str origin, const src_json *v, const char *what) {
    if (v->type == SRC_JSON_ARRAY) {
        for (const src_json *it = v->child; it; it = it->next)
            json_license(c, origin, it, what);
        return;
    }
    ccsig_str url = EMPTY, name = EMPTY;
    if (v->type == SRC_JSON_STRING) {
        url = v->str;
    } else if (v->type == SRC_JSON_OBJECT) {
        static const char *const url_keys[] = {"path", "@id", "url", "sameAs"};
        for (size_t i = 0; i < 4 && !url.len; i++) {
            const src_json *u = src_json_get(v, url_keys[i]);
            if (u && u->type == SRC_JSON_STRING)
                url = u->str;
        }
        const src_json *n = src_json_get(v, "name");
        if (n && n->type == SRC_JSON_STRING)
            name = n->str;
        if (!url.len)
            url = name;
    }
    if (!url.len)
        return;
    ccsig_str text =
        src_printf(c->arena, "%s: %.*s%s%.*s%s", what, (int)url.len, url.p,
                   name.len && !ccsig_str_eq_str(name, url) ? " (" : "",
                   (int)(name.len && !ccsig_str_eq_str(name, url) ? name.len : 0),
                   name.p ? name.p : "", name.len && !ccsig_str_eq_str(name, url) ? ")" : "");
    ccsig_provenance src = src_prov(CCSIG_SRC_DATASET, v->line, origin, text);
    ccsig_collect_link(c, CCSIG_LINK_LICENSE, url, EMPTY, &src);
}

/* An attribution fact from a string, or from an object's name / title (and
 * its url / path as url_kind, when url_kind is not -1); for an array, its
 * first item (the first author is the one a short credit names). */
static void json_fact(ccsig_collect *c, ccsig_str origin, const src_json *v, const char *what,
                      ccsig_fact_kind kind, int url_kind) {
    if (v->type == SRC_JSON_ARRAY) {
        if (v->child)
            json_fact(c, origin, v->child, what, kind, url_kind);
        return;
    }
    ccsig_str name = EMPTY, url = EMPTY;
    if (v->type == SRC_JSON_STRING) {
        name = v->str;
    } else if (v->type == SRC_JSON_OBJECT) {
        static const char *const name_keys[] = {"name", "title"}, *const url_keys[] = {"url",
                                                                                       "path"};
        for (size_t i = 0; i < 2; i++) {
            const src_json *n = src_json_get(v, name_keys[i]);
            if (!name.len && n && n->type == SRC_JSON_STRING)
                name = n->str;
            const src_json *u = src_json_get(v, url_keys[i]);
            if (!url.len && u && u->type == SRC_JSON_STRING)
                url = u->str;
        }
    }
    if (name.len) {
        ccsig_str text = src_printf(c->arena, "%s: %.*s", what, (int)name.len, name.p);
        ccsig_provenance src = src_prov(CCSIG_SRC_DATASET, v->line, origin, text);
        ccsig_collect_fact(c, kind, CCSIG_FACT_SPECIFIC, name, &src);
    }
    if (url.len && url_kind >= 0) {
        ccsig_str text = src_printf(c->arena, "%s: %.*s", what, (int)url.len, url.p);
        ccsig_provenance src = src_prov(CCSIG_SRC_DATASET, v->line, origin, text);
        ccsig_collect_fact(c, (ccsig_fact_kind)url_kind, CCSIG_FACT_SPECIFIC, url, &src);
    }
}

/* The attribution facts of Croissant (schema.org Dataset) and datapackage
 * metadata (docs/ccsig-cite.1 "CREDIT RECORDS"). */
static void json_credit(ccsig_collect *c, ccsig_dataset_format f, const src_json *root,
                        ccsig_str origin) {
    static const struct {
        const char *key;
        ccsig_fact_kind kind;
        int url_kind;
        bool croissant, datapackage;
    } map[] = {
        {"title", CCSIG_FACT_TITLE, -1, true, true},
        {"name", CCSIG_FACT_TITLE, -1, true, false},
        {"creator", CCSIG_FACT_CREATOR, -1, true, false},
        {"author", CCSIG_FACT_CREATOR, -1, true, false},
        {"copyrightNotice", CCSIG_FACT_RIGHTS, -1, true, false},
        {"url", CCSIG_FACT_SOURCE, -1, true, false},
        {"publisher", CCSIG_FACT_PUBLISHER, CCSIG_FACT_PUBLISHER_URL, true, false},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (!(f == CCSIG_DATASET_CROISSANT ? map[i].croissant : map[i].datapackage))
            continue;
        const src_json *v = src_json_get(root, map[i].key);
        if (v)
            json_fact(c, origin, v, map[i].key, map[i].kind, map[i].url_kind);
    }
    const src_json *people = src_json_get(root, "contributors");
    if (f != CCSIG_DATASET_DATAPACKAGE || !people || people->type != SRC_JSON_ARRAY)
        return;
    /* Frictionless contributors: role author (or creator) and publisher */
    for (const src_json *it = people->child; it; it = it->next) {
        const src_json *role = it->type == SRC_JSON_OBJECT ? src_json_get(it, "role") : NULL;
        if (!role || role->type != SRC_JSON_STRING)
            continue;
        if (ccsig_str_eq(role->str, "author") || ccsig_str_eq(role->str, "creator"))
            json_fact(c, origin, it, "contributors", CCSIG_FACT_CREATOR, -1);
        else if (ccsig_str_eq(role->str, "publisher"))
            json_fact(c, origin, it, "contributors", CCSIG_FACT_PUBLISHER,
                      CCSIG_FACT_PUBLISHER_URL);
    }
}

/* Prefixes bound to the ccsig namespace in a JSON-LD @context. */
static bool ccsig_prefixed(const src_json *ctx, ccsig_str key) {
    if (!ctx)
        return false;
    if (ctx->type == SRC_JSON_ARRAY) {
        for (const src_json *it = ctx->child; it; it = it->next)
            if (ccsig_prefixed(it, key))
                return true;
        return false;
    }
    if (ctx->type != SRC_JSON_OBJECT)
        return false;
    const char *colon = memchr(key.p, ':', key.len);
    if (!colon || !ccsig_str_eq(ccsig_str_make(colon + 1, key.len - (size_t)(colon + 1 - key.p)),
                                "contentUsage"))
        return false;
    ccsig_str prefix = ccsig_str_make(key.p, (size_t)(colon - key.p));
    for (const src_json *m = ctx->child; m; m = m->next)
        if (ccsig_str_eq_str(m->key, prefix) && m->type == SRC_JSON_STRING &&
            ccsig_str_eq(m->str, NS_CCSIG))
            return true;
    return false;
}

static ccsig_status json_dataset(ccsig_collect *c, ccsig_dataset_format f, const char *p,
                                 size_t len, ccsig_str origin, ccsig_error *err) {
    src_json *root;
    ccsig_status st = src_json_parse(c->arena, p, len, &root, err);
    if (st)
        return st;
    if (root->type != SRC_JSON_OBJECT) {
        ccsig_error_set(err, CCSIG_ERR_SYNTAX, root->start, "%s must be a JSON object, not %s",
                        f == CCSIG_DATASET_CROISSANT ? "Croissant metadata" : "datapackage.json",
                        src_json_type_name(root->type));
        if (err) {
            err->line = root->line;
            err->column = 1;
        }
        return CCSIG_ERR_SYNTAX;
    }
    const src_json *ctx = src_json_get(root, "@context");
    for (const src_json *m = root->child; m; m = m->next) {
        bool usage = usage_key(m->key) || ccsig_str_eq(m->key, NS_CCSIG "contentUsage") ||
                     (f == CCSIG_DATASET_CROISSANT && ccsig_prefixed(ctx, m->key));
        if (usage)
            json_usage(c, origin, m, m->key);
    }
    json_credit(c, f, root, origin);
    if (f == CCSIG_DATASET_CROISSANT) {
        const src_json *lic = src_json_get(root, "license");
        if (lic)
            json_license(c, origin, lic, "license");
        const src_json *uc = src_json_get(root, "rai:dataUseCases");
        if (uc && uc->type == SRC_JSON_STRING) {
            ccsig_provenance src = src_prov(
                CCSIG_SRC_DATASET, uc->line, origin,
                src_printf(c->arena, "rai:dataUseCases: %.*s", (int)uc->str.len, uc->str.p));
            ccsig_collect_note(c, &src,
                               "the Croissant RAI data use cases are free text, not read as a "
                               "preference");
        }
    } else {
        const src_json *lic = src_json_get(root, "licenses");
        if (lic)
            json_license(c, origin, lic, "licenses");
        else if ((lic = src_json_get(root, "license")))
            json_license(c, origin, lic, "license");
    }
    return CCSIG_OK;
}

/* ---- Hugging Face dataset card ---- */

/* The YAML front matter: p[*start..*end) after a first line "---" up to a
 * line "---" (or "..."). */
static bool front_matter(const char *p, size_t len, size_t *start, size_t *end) {
    size_t i = 0;
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        i = 3;
    if (len - i < 3 || memcmp(p + i, "---", 3))
        return false;
    i += 3;
    while (i < len && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i < len && p[i] == '\r')
        i++;
    if (i >= len || p[i] != '\n')
        return false;
    *start = ++i;
    while (i < len) {
        const char *nl = memchr(p + i, '\n', len - i);
        size_t le = nl ? (size_t)(nl - p) : len;
        size_t n = le - i;
        if (n && p[i + n - 1] == '\r')
            n--;
        if ((n == 3 && (!memcmp(p + i, "---", 3) || !memcmp(p + i, "...", 3)))) {
            *end = i;
            return true;
        }
        i = le + 1;
    }
    return false;
}

typedef struct yctx {
    ccsig_collect *c;
    yaml_document_t *doc;
    ccsig_str origin;
    unsigned line0; /* line of the front matter's first line, minus one */
} yctx;

static ccsig_str yscalar(yctx *y, yaml_node_t *n) {
    if (!n || n->type != YAML_SCALAR_NODE)
        return EMPTY;
    return src_dup(y->c->arena,
                   ccsig_str_make((const char *)n->data.scalar.value, n->data.scalar.length));
}

static unsigned yline(yctx *y, yaml_node_t *n) {
    return y->line0 + (unsigned)n->start_mark.line + 1;
}

/* Call fn for the scalar n or for each scalar of the sequence n. */
static void yeach(yctx *y, yaml_node_t *n, ccsig_str key,
                  void (*fn)(yctx *, yaml_node_t *, ccsig_str key)) {
    if (!n)
        return;
    if (n->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++)
            yeach(y, yaml_document_get_node(y->doc, *it), key, fn);
        return;
    }
    fn(y, n, key);
}

static void card_usage(yctx *y, yaml_node_t *n, ccsig_str key) {
    ccsig_str v = yscalar(y, n);
    ccsig_str text = src_printf(y->c->arena, "%.*s: %.*s", (int)key.len, key.p, (int)v.len, v.p);
    if (n->type != YAML_SCALAR_NODE) {
        ccsig_provenance src = src_prov(CCSIG_SRC_DATASET, yline(y, n), y->origin, text);
        ccsig_collect_note(y->c, &src, "%.*s is not a string: ignored", (int)key.len, key.p);
        return;
    }
    src_usage_statement(y->c, CCSIG_SRC_DATASET, yline(y, n), y->origin, text, v);
}

static void card_license(yctx *y, yaml_node_t *n, ccsig_str key) {
    ccsig_str v = yscalar(y, n);
    if (!v.len)
        return;
    ccsig_str text = src_printf(y->c->arena, "%.*s: %.*s", (int)key.len, key.p, (int)v.len, v.p);
    ccsig_provenance src = src_prov(CCSIG_SRC_DATASET, yline(y, n), y->origin, text);
    ccsig_collect_link(y->c, CCSIG_LINK_LICENSE, v, EMPTY, &src);
}

/* pretty_name, and the declaring_party mapping ccsig declare writes. */
static void card_credit(yctx *y, ccsig_str key, yaml_node_t *v) {
    if (ccsig_str_eq(key, "pretty_name") && v->type == YAML_SCALAR_NODE) {
        ccsig_str t = yscalar(y, v);
        ccsig_str text = src_printf(y->c->arena, "pretty_name: %.*s", (int)t.len, t.p);
        ccsig_provenance src = src_prov(CCSIG_SRC_DATASET, yline(y, v), y->origin, text);
        ccsig_collect_fact(y->c, CCSIG_FACT_TITLE, CCSIG_FACT_SPECIFIC, t, &src);
        return;
    }
    if (!ccsig_str_eq(key, "declaring_party") || v->type != YAML_MAPPING_NODE)
        return;
    for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
        yaml_node_t *val = yaml_document_get_node(y->doc, pr->value);
        if (!k || !val || k->type != YAML_SCALAR_NODE || val->type != YAML_SCALAR_NODE)
            continue;
        ccsig_str kn = yscalar(y, k), t = yscalar(y, val);
        bool name = ccsig_str_eq(kn, "name");
        if (!name && !ccsig_str_eq(kn, "url"))
            continue;
        ccsig_str text = src_printf(y->c->arena, "declaring_party.%.*s: %.*s", (int)kn.len, kn.p,
                                    (int)t.len, t.p);
        ccsig_provenance src = src_prov(CCSIG_SRC_DATASET, yline(y, val), y->origin, text);
        ccsig_collect_fact(y->c, name ? CCSIG_FACT_PUBLISHER : CCSIG_FACT_PUBLISHER_URL,
                           CCSIG_FACT_SPECIFIC, t, &src);
    }
}

static ccsig_status card_dataset(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                                 ccsig_error *err) {
    size_t s, e;
    if (!front_matter(p, len, &s, &e)) {
        ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                        "no YAML front matter: a dataset card starts with a line '---' and the "
                        "metadata ends with another '---'");
        if (err)
            err->line = 1;
        return CCSIG_ERR_SYNTAX;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)p + s, e - s);
    ccsig_status status = CCSIG_OK;
    if (!yaml_parser_load(&parser, &doc)) {
        ccsig_error_set(err, CCSIG_ERR_SYNTAX, s + parser.problem_mark.index,
                        "YAML front matter: %s%s%s", parser.problem ? parser.problem : "error",
                        parser.context ? " " : "", parser.context ? parser.context : "");
        if (err) {
            err->line = src_line_of(p, s) + (unsigned)parser.problem_mark.line;
            err->column = (unsigned)parser.problem_mark.column + 1;
        }
        yaml_parser_delete(&parser);
        return CCSIG_ERR_SYNTAX;
    }
    yctx y = {c, &doc, origin, src_line_of(p, s) - 1};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && root->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
             pr < root->data.mapping.pairs.top; pr++) {
            yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
            yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
            if (!k || k->type != YAML_SCALAR_NODE || !v)
                continue;
            ccsig_str key = yscalar(&y, k);
            if (usage_key(key))
                yeach(&y, v, key, card_usage);
            else if (ccsig_str_eq(key, "license") || ccsig_str_eq(key, "license_name") ||
                     ccsig_str_eq(key, "license_link"))
                yeach(&y, v, key, card_license);
            else
                card_credit(&y, key, v);
        }
    } else if (root) {
        status = ccsig_error_set(err, CCSIG_ERR_SYNTAX, s,
                                 "the dataset card's front matter is not a mapping");
        if (err)
            err->line = src_line_of(p, s);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return status;
}

static ccsig_status dataset_read(ccsig_collect *c, ccsig_dataset_format f, const char *p,
                                 size_t len, ccsig_str origin, ccsig_error *err) {
    if (len > CCSIG_DATASET_MAX_SIZE)
        return ccsig_error_set(err, CCSIG_ERR_LIMIT, CCSIG_DATASET_MAX_SIZE,
                               "dataset metadata larger than %u bytes", CCSIG_DATASET_MAX_SIZE);
    switch (f) {
    case CCSIG_DATASET_CROISSANT:
    case CCSIG_DATASET_DATAPACKAGE:
        return json_dataset(c, f, p, len, origin, err);
    case CCSIG_DATASET_CARD:
        return card_dataset(c, p, len, origin, err);
    default:
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "unknown dataset format");
    }
}

ccsig_status ccsig_dataset_read(ccsig_collect *c, ccsig_dataset_format f, const char *p, size_t len,
                                ccsig_str origin, ccsig_error *err) {
    bool failed = c->arena->failed;
    return src_nomem(c, failed, dataset_read(c, f, p, len, origin, err), err);
}

/* ---- writing ---- */

static bool text_ok(const char *s) {
    if (!s)
        return true;
    size_t n = strlen(s);
    if (!ccsig_utf8_valid(s, n))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

/* A JSON string: the library's one writer (ccsig/buf.h). */
static void json_str(ccsig_buf *b, const char *s) {
    ccsig_buf_json_str(b, s, strlen(s));
}

/* A YAML double-quoted scalar. */
static void yaml_str(ccsig_buf *b, const char *s) {
    /* JSON strings are YAML 1.2 double-quoted scalars: the escapes
     * ccsig_buf_json_str writes (\" \\ \n \r \t \uXXXX) are YAML's too */
    json_str(b, s);
}

ccsig_status ccsig_dataset_write(ccsig_dataset_format f, const ccsig_dataset_decl *d,
                                 ccsig_buf *out, ccsig_error *err) {
    if (!d || !d->expression || !*d->expression)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "no content usage expression");
    const char *fields[] = {d->expression, d->name, d->party_name, d->party_url,
                            d->declaration_url};
    static const char *const what[] = {"the expression", "the name", "the party name",
                                       "the party URL", "the declaration URL"};
    for (size_t i = 0; i < 5; i++)
        if (!text_ok(fields[i]))
            return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                                   "%s is not UTF-8 text without control characters", what[i]);
    switch (f) {
    case CCSIG_DATASET_CROISSANT:
        ccsig_buf_puts(out, "{\n  \"@context\": {\n    \"@vocab\": \"https://schema.org/\",\n"
                            "    \"cr\": \"http://mlcommons.org/croissant/\",\n"
                            "    \"ccsig\": \"" NS_CCSIG "\"\n  },\n"
                            "  \"@type\": \"Dataset\",\n"
                            "  \"conformsTo\": \"http://mlcommons.org/croissant/1.0\",\n");
        if (d->name) {
            ccsig_buf_puts(out, "  \"name\": ");
            json_str(out, d->name);
            ccsig_buf_puts(out, ",\n");
        }
        if (d->party_name || d->party_url) {
            ccsig_buf_puts(out, "  \"creator\": {\"@type\": \"Organization\"");
            if (d->party_name) {
                ccsig_buf_puts(out, ", \"name\": ");
                json_str(out, d->party_name);
            }
            if (d->party_url) {
                ccsig_buf_puts(out, ", \"url\": ");
                json_str(out, d->party_url);
            }
            ccsig_buf_puts(out, "},\n");
        }
        if (d->declaration_url) {
            ccsig_buf_puts(out, "  \"ccsig:declaration\": ");
            json_str(out, d->declaration_url);
            ccsig_buf_puts(out, ",\n");
        }
        ccsig_buf_puts(out, "  \"" CCSIG_DATASET_PROP_CROISSANT "\": ");
        json_str(out, d->expression);
        ccsig_buf_puts(out, "\n}\n");
        break;
    case CCSIG_DATASET_CARD:
        ccsig_buf_puts(out, "---\n");
        if (d->name) {
            ccsig_buf_puts(out, "pretty_name: ");
            yaml_str(out, d->name);
            ccsig_buf_putc(out, '\n');
        }
        ccsig_buf_puts(out, CCSIG_DATASET_PROP_CARD ": ");
        yaml_str(out, d->expression);
        ccsig_buf_putc(out, '\n');
        if (d->party_name || d->party_url) {
            ccsig_buf_puts(out, "declaring_party:\n");
            if (d->party_name) {
                ccsig_buf_puts(out, "  name: ");
                yaml_str(out, d->party_name);
                ccsig_buf_putc(out, '\n');
            }
            if (d->party_url) {
                ccsig_buf_puts(out, "  url: ");
                yaml_str(out, d->party_url);
                ccsig_buf_putc(out, '\n');
            }
        }
        if (d->declaration_url) {
            ccsig_buf_puts(out, "declaration: ");
            yaml_str(out, d->declaration_url);
            ccsig_buf_putc(out, '\n');
        }
        ccsig_buf_puts(out, "---\n");
        break;
    case CCSIG_DATASET_DATAPACKAGE:
        ccsig_buf_puts(out, "{\n");
        if (d->name) {
            ccsig_buf_puts(out, "  \"title\": ");
            json_str(out, d->name);
            ccsig_buf_puts(out, ",\n");
        }
        if (d->party_name || d->party_url) {
            ccsig_buf_puts(out, "  \"contributors\": [{\"role\": \"publisher\"");
            if (d->party_name) {
                ccsig_buf_puts(out, ", \"title\": ");
                json_str(out, d->party_name);
            }
            if (d->party_url) {
                ccsig_buf_puts(out, ", \"path\": ");
                json_str(out, d->party_url);
            }
            ccsig_buf_puts(out, "}],\n");
        }
        if (d->declaration_url) {
            ccsig_buf_puts(out, "  \"homepage\": ");
            json_str(out, d->declaration_url);
            ccsig_buf_puts(out, ",\n");
        }
        ccsig_buf_puts(out, "  \"" CCSIG_DATASET_PROP_DATAPACKAGE "\": ");
        json_str(out, d->expression);
        ccsig_buf_puts(out, "\n}\n");
        break;
    default:
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "unknown dataset format");
    }
    if (ccsig_buf_failed(out))
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    return CCSIG_OK;
}
