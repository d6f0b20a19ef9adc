/*
 * wat.c — Common Crawl WAT records back to the WARC record prefixes they
 * describe (ccsig/wat.h).
 *
 * Design: rather than a second path from "header fields and meta tags" to
 * statements, a WAT record is turned into the bytes the scan would have
 * read from the WARC file (a WARC header, the HTTP header block, a <head>)
 * and those go through the one evaluation path. The JSON is read by the
 * library's JSON reader (sources/json.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ccsig/wat.h"
#include "sources/json.h"

/* A member of o by path of keys, or NULL. */
static const src_json *at(const src_json *o, const char *const *keys) {
    for (; o && *keys; keys++)
        o = src_json_get(o, *keys);
    return o;
}

/* A string member's text (numbers too); empty when absent. */
static ccsig_str text(const src_json *o, const char *key) {
    const src_json *v = src_json_get(o, key);
    if (v && (v->type == SRC_JSON_STRING || v->type == SRC_JSON_NUMBER))
        return v->str;
    return ccsig_str_make("", 0);
}

/* A header value on one line: CR, LF and NUL become spaces. */
static void field_value(ccsig_buf *b, ccsig_str v) {
    for (size_t i = 0; i < v.len; i++) {
        char c = v.p[i];
        ccsig_buf_putc(b, c == '\r' || c == '\n' || c == '\0' ? ' ' : c);
    }
}

/* "name: value" CRLF for each string member of fields (skip: a name left
 * out, case-insensitive). */
static void fields(ccsig_buf *b, const src_json *o, const char *skip) {
    for (const src_json *m = o ? o->child : NULL; m; m = m->next) {
        if (m->type != SRC_JSON_STRING && m->type != SRC_JSON_NUMBER)
            continue;
        if (!m->key.len || (skip && ccsig_str_ieq_n(m->key, skip, strlen(skip))) ||
            memchr(m->key.p, ':', m->key.len) || memchr(m->key.p, '\n', m->key.len))
            continue;
        field_value(b, m->key);
        ccsig_buf_puts(b, ": ");
        field_value(b, m->str);
        ccsig_buf_puts(b, "\r\n");
    }
}

/* An attribute value for a double-quoted HTML attribute. */
static void attr(ccsig_buf *b, const char *name, size_t nl, ccsig_str v) {
    ccsig_buf_putc(b, ' ');
    for (size_t i = 0; i < nl; i++) { /* names: no space, quote, '=', '>' or '/' */
        char c = name[i];
        if (c > ' ' && c != '"' && c != '\'' && c != '=' && c != '>' && c != '/' && c != '<')
            ccsig_buf_putc(b, c);
    }
    ccsig_buf_puts(b, "=\"");
    for (size_t i = 0; i < v.len; i++) {
        char c = v.p[i];
        if (c == '&')
            ccsig_buf_puts(b, "&amp;");
        else if (c == '"')
            ccsig_buf_puts(b, "&quot;");
        else if (c == '<')
            ccsig_buf_puts(b, "&lt;");
        else if (c == '>')
            ccsig_buf_puts(b, "&gt;");
        else
            ccsig_buf_putc(b, c);
    }
    ccsig_buf_putc(b, '"');
}

/* The <head> of the metas and links, in the WAT's order. */
static void head(ccsig_buf *b, const src_json *h) {
    ccsig_buf_puts(b, "<head>\n");
    const src_json *metas = src_json_get(h, "Metas");
    for (const src_json *m = metas && metas->type == SRC_JSON_ARRAY ? metas->child : NULL; m;
         m = m->next) {
        if (m->type != SRC_JSON_OBJECT)
            continue;
        ccsig_buf_puts(b, "<meta");
        for (const src_json *a = m->child; a; a = a->next)
            if (a->type == SRC_JSON_STRING)
                attr(b, a->key.p, a->key.len, a->str);
        ccsig_buf_puts(b, ">\n");
    }
    const src_json *links = src_json_get(h, "Link");
    for (const src_json *l = links && links->type == SRC_JSON_ARRAY ? links->child : NULL; l;
         l = l->next) {
        if (l->type != SRC_JSON_OBJECT)
            continue;
        ccsig_buf_puts(b, "<link");
        for (const src_json *a = l->child; a; a = a->next) {
            if (a->type != SRC_JSON_STRING || ccsig_str_eq(a->key, "path"))
                continue;
            if (ccsig_str_eq(a->key, "url"))
                attr(b, "href", 4, a->str);
            else
                attr(b, a->key.p, a->key.len, a->str);
        }
        ccsig_buf_puts(b, ">\n");
    }
    ccsig_buf_puts(b, "</head>\n");
}

ccsig_status ccsig_wat_record(ccsig_arena *a, const char *p, size_t len, ccsig_buf *out,
                              ccsig_wat_info *info, ccsig_error *err) {
    memset(info, 0, sizeof *info);
    src_json *root;
    ccsig_status st = src_json_parse_whole(a, p, len, &root, err);
    if (st)
        return st;
    static const char *const whm_path[] = {"Envelope", "WARC-Header-Metadata", NULL};
    const src_json *whm = at(root, whm_path);
    if (!whm || whm->type != SRC_JSON_OBJECT) {
        ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "no Envelope.WARC-Header-Metadata object");
        err->line = err->column = 1;
        return CCSIG_ERR_SYNTAX;
    }
    ccsig_str type = text(whm, "WARC-Type");
    info->type = CCSIG_WARC_OTHER;
    for (int t = 0; t < CCSIG_WARC_TYPE_COUNT; t++)
        if (ccsig_str_eq(type, ccsig_warc_type_name((ccsig_warc_type)t)))
            info->type = (ccsig_warc_type)t;
    static const char *const off_path[] = {"Container", "Offset", NULL};
    const src_json *off = at(root, off_path);
    if (off && (off->type == SRC_JSON_STRING || off->type == SRC_JSON_NUMBER))
        info->has_offset = ccsig_str_u64(off->str, &info->offset);
    static const char *const file_path[] = {"Container", "Filename", NULL};
    const src_json *file = at(root, file_path);
    if (file && file->type == SRC_JSON_STRING)
        info->filename = file->str;
    if (info->type == CCSIG_WARC_REQUEST || info->type == CCSIG_WARC_METADATA) {
        ccsig_buf_puts(out, "WARC/1.0\r\n");
        fields(out, whm, NULL);
        ccsig_buf_puts(out, "\r\n");
        if (ccsig_buf_failed(out))
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        return CCSIG_OK;
    }
    if (info->type != CCSIG_WARC_RESPONSE && info->type != CCSIG_WARC_REVISIT)
        return CCSIG_OK;
    static const char *const http_path[] = {"Envelope", "Payload-Metadata",
                                            "HTTP-Response-Metadata", NULL};
    const src_json *http = at(root, http_path);
    ccsig_buf block = CCSIG_BUF_INIT;
    uint64_t entity = 0;
    if (http && http->type == SRC_JSON_OBJECT) {
        const src_json *msg = src_json_get(http, "Response-Message");
        ccsig_str version = text(msg, "Version");
        field_value(&block, version.len ? version : ccsig_str_c("HTTP/1.1"));
        ccsig_buf_putc(&block, ' ');
        field_value(&block, text(msg, "Status"));
        ccsig_buf_putc(&block, ' ');
        field_value(&block, text(msg, "Reason"));
        ccsig_buf_puts(&block, "\r\n");
        fields(&block, src_json_get(http, "Headers"), NULL);
        ccsig_buf_puts(&block, "\r\n");
        size_t hl = block.len;
        static const char *const head_path[] = {"HTML-Metadata", "Head", NULL};
        const src_json *h = at(http, head_path);
        if (h && h->type == SRC_JSON_OBJECT)
            head(&block, h);
        if (!ccsig_str_u64(text(http, "Entity-Length"), &entity))
            entity = block.len - hl;
        entity += hl;
    }
    if (ccsig_buf_failed(&block)) {
        ccsig_buf_free(&block);
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    ccsig_buf_puts(out, "WARC/1.0\r\n");
    fields(out, whm, "Content-Length");
    ccsig_buf_printf(out, "Content-Length: %" PRIu64 "\r\n\r\n", entity);
    ccsig_buf_append(out, block.data, block.len);
    ccsig_buf_free(&block);
    if (ccsig_buf_failed(out))
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    return CCSIG_OK;
}

ccsig_status ccsig_wat_warc_path(const char *wat, const char *dir, char **out, ccsig_error *err) {
    static const char *const ends[][2] = {{".warc.wat.gz", ".warc.gz"},
                                          {".wat.gz", ".warc.gz"},
                                          {".warc.wat", ".warc"},
                                          {".wat", ".warc"}};
    *out = NULL;
    const char *base = strrchr(wat, '/');
    base = base ? base + 1 : wat;
    size_t bl = strlen(base);
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        size_t el = strlen(ends[i][0]);
        if (bl <= el || strcmp(base + bl - el, ends[i][0]))
            continue;
        ccsig_buf b = CCSIG_BUF_INIT;
        if (dir) {
            ccsig_buf_puts(&b, dir);
            if (b.len && b.data[b.len - 1] != '/')
                ccsig_buf_putc(&b, '/');
        } else {
            ccsig_buf_append(&b, wat, (size_t)(base - wat));
        }
        ccsig_buf_append(&b, base, bl - el);
        ccsig_buf_puts(&b, ends[i][1]);
        if (ccsig_buf_failed(&b)) {
            ccsig_buf_free(&b);
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        }
        ccsig_buf_cstr(&b);
        *out = b.data;
        return CCSIG_OK;
    }
    return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                           "%s: cannot tell from its name which WARC file it describes (Common "
                           "Crawl names them NAME.warc.wat.gz and NAME.warc.gz)",
                           wat);
}
