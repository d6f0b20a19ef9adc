/*
 * shard.c — shards with identity (ccsig/shard.h): what a `scan --shard`
 * run records about itself, its JSON form inside summaries and credit
 * manifests, and the merge of shard outputs, which checks the set of shards
 * and resolves the revisits the shards left open.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include "ccsig/alloc.h"
#include "ccsig/arena.h"
#include "ccsig/hashmap.h"
#include "ccsig/scan.h"
#include "ccsig/vocab.h"
#include "../sources/json.h"
#include "scan_internal.h"

#define NONE UINT64_MAX

/* ------------------------------------------------------------ the data -- */

/* A response a revisit may refer to. */
typedef struct shard_original {
    uint64_t ar, offset, payload_len;
    int status;         /* -1: none */
    bool used;          /* counted as used in its shard (a revisit of it is not counted again) */
    char *digest, *rid; /* NULL: none (or too long to be remembered) */
    ccsig_statement *sts;
    size_t n;
} shard_original;

/* A revisit the shard did not settle. */
typedef struct shard_revisit {
    uint64_t ar, offset, payload_len;
    char *digest, *refers_to;
    ccsig_str url, date;
    int status;
    ccsig_robots_status robots;
    ccsig_state crawl;
    bool header_invalid;
    ccsig_statement *sts;
    size_t n;
    ccsig_str record_id;
    ccsig_str digest_s, refers_s; /* as the record gives them (the keys may be NULL) */
    bool has_rule;
    ccsig_provenance rule; /* the robots.txt rule that decided crawling */
    uint64_t line;         /* its line in the plain annotation (NONE: none) */
    /* the merge's answer (resolve_set) */
    const shard_original *m_orig; /* NULL: unresolved */
    bool m_used;                  /* used, so kept */
} shard_revisit;

/* A record in the keep file for open revisit rev only. */
typedef struct shard_prov {
    size_t rev;
    uint64_t offset, len;
} shard_prov;

struct ccsig_shard_data {
    ccsig_arena arena; /* strings and statements of both lists */
    shard_original *orig;
    size_t norig, caporig;
    shard_revisit *rev;
    size_t nrev, caprev;
    shard_prov *prov;
    size_t nprov, capprov;
    /* the merge's: the files given for this shard's outputs */
    char *annot_path, *keep_path;
};

/* ccsig/shard.h: the identity of shard i/n of paths (its digest: FNV-1a
 * 64 of every path and a newline); the revisit data is allocated empty. */
bool ccsig_shard_init(ccsig_shard *sh, uint64_t i, uint64_t n, const char *const *paths,
                      size_t npaths) {
    memset(sh, 0, sizeof *sh);
    if (i >= n)
        return false;
    sh->index = i;
    sh->count = n;
    sh->list_len = npaths;
    sh->keep_unknown = true;
    uint64_t h = ccsig_fnv1a64("", 0);
    for (size_t k = 0; k < npaths; k++) {
        h = ccsig_fnv1a64_more(h, paths[k], strlen(paths[k]));
        h = ccsig_fnv1a64_more(h, "\n", 1);
    }
    snprintf(sh->list, sizeof sh->list, "fnv1a64:%016" PRIx64, h);
    sh->data = ccsig_calloc(1, sizeof *sh->data);
    if (!sh->data)
        return false;
    ccsig_arena_init(&sh->data->arena, 65536);
    return true;
}

/* ccsig/shard.h: release the lists and the revisit data; sh is zeroed (a
 * zeroed shard frees nothing). */
void ccsig_shard_free(ccsig_shard *sh) {
    for (size_t k = 0; k < sh->narchives; k++) {
        ccsig_free(sh->archives[k].name);
        ccsig_free(sh->archives[k].what);
    }
    ccsig_free(sh->archives);
    if (sh->data) {
        ccsig_arena_free(&sh->data->arena);
        ccsig_free(sh->data->orig);
        ccsig_free(sh->data->rev);
        ccsig_free(sh->data->prov);
        ccsig_free(sh->data->annot_path);
        ccsig_free(sh->data->keep_path);
        ccsig_free(sh->data);
    }
    memset(sh, 0, sizeof *sh);
}

/* ccsig/shard.h: line of the path list of the shard's k-th archive. */
uint64_t ccsig_shard_list_index(const ccsig_shard *sh, uint64_t k) {
    return sh->index + k * sh->count;
}

/* Append an archive entry (takes name and what). */
static void push_archive(ccsig_shard *sh, uint64_t index, char *name, char *what) {
    if (sh->narchives == sh->caparchives) {
        size_t nc = sh->caparchives ? sh->caparchives * 2 : 16;
        ccsig_shard_archive *na = ccsig_realloc(sh->archives, nc * sizeof *na);
        if (!na) {
            ccsig_free(name);
            ccsig_free(what);
            sh->failed = true;
            return;
        }
        sh->archives = na;
        sh->caparchives = nc;
    }
    sh->archives[sh->narchives++] = (ccsig_shard_archive){index, name, what, 0, 0};
}

/* ccsig/shard.h: record an archive (copies name and what). */
void ccsig_shard_add_archive(ccsig_shard *sh, uint64_t k, const char *name, const char *what) {
    char *n = ccsig_strdup(name), *w = what ? ccsig_strdup(what) : NULL;
    if (!n || (what && !w)) {
        ccsig_free(n);
        ccsig_free(w);
        sh->failed = true;
        return;
    }
    push_archive(sh, ccsig_shard_list_index(sh, k), n, w);
}

/* A revisit key as the session remembers it: NULL when empty, too long or
 * holding a NUL (the session's table cannot hold those either). */
static char *key_dup(ccsig_arena *a, ccsig_str k, bool *failed) {
    if (!k.len || k.len > SCAN_RV_KEY_MAX || memchr(k.p, '\0', k.len))
        return NULL;
    char *c = ccsig_arena_dup(a, k.p, k.len);
    if (!c)
        *failed = true;
    return c;
}

/* Copy n statements into the arena (NULL when n is 0 or memory ran out). */
static ccsig_statement *stmts_dup(ccsig_arena *a, const ccsig_statement *sts, size_t n,
                                  bool *failed) {
    if (!n)
        return NULL;
    ccsig_statement *c = ccsig_arena_alloc(a, n * sizeof *c);
    char *blob = ccsig_arena_alloc(a, ccsig_statements_copy_size(sts, n) + 1);
    if (!c || !blob) {
        *failed = true;
        return NULL;
    }
    ccsig_statements_copy(c, sts, n, blob);
    return c;
}

/* Grow an array of elements of size sz to hold one more. */
static bool grow(void **v, size_t n, size_t *cap, size_t sz) {
    if (n < *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 64;
    void *nv = ccsig_realloc(*v, nc * sz);
    if (!nv)
        return false;
    *v = nv;
    *cap = nc;
    return true;
}

/* scan_internal.h: remember a possible original (keys, statements
 * copied into the shard's arena); one without a key is not kept. */
void scan_shard_add_original(ccsig_shard *sh, uint64_t ar, uint64_t offset, ccsig_str digest,
                             ccsig_str record_id, uint64_t payload_len, int status, bool used,
                             const ccsig_statement *sts, size_t n) {
    ccsig_shard_data *d = sh->data;
    if (!d || !grow((void **)&d->orig, d->norig, &d->caporig, sizeof *d->orig)) {
        sh->failed = true;
        return;
    }
    shard_original *o = &d->orig[d->norig];
    o->ar = ar;
    o->offset = offset;
    o->payload_len = payload_len;
    o->status = status;
    o->used = used;
    o->digest = key_dup(&d->arena, digest, &sh->failed);
    o->rid = key_dup(&d->arena, record_id, &sh->failed);
    o->sts = stmts_dup(&d->arena, sts, n, &sh->failed);
    o->n = o->sts ? n : 0;
    if (o->digest || o->rid)
        d->norig++;
}

/* A string view copied into the arena. */
static ccsig_str str_dup(ccsig_arena *a, ccsig_str s, bool *failed) {
    if (!s.len)
        return ccsig_str_make(NULL, 0);
    char *c = ccsig_arena_dup(a, s.p, s.len);
    if (!c)
        *failed = true;
    return ccsig_str_make(c, c ? s.len : 0);
}

/* scan_internal.h: record a revisit left to the merge (strings and
 * statements copied into the shard's arena); 1 + its index. */
size_t scan_shard_add_revisit(ccsig_shard *sh, uint64_t ar, uint64_t offset, ccsig_str digest,
                              ccsig_str refers_to, ccsig_str record_id,
                              const ccsig_provenance *rule, uint64_t line, const scan_counted *c) {
    ccsig_shard_data *d = sh->data;
    if (!d || !grow((void **)&d->rev, d->nrev, &d->caprev, sizeof *d->rev)) {
        sh->failed = true;
        return 0;
    }
    shard_revisit *r = &d->rev[d->nrev++];
    memset(r, 0, sizeof *r);
    r->record_id = str_dup(&d->arena, record_id, &sh->failed);
    r->has_rule = rule != NULL;
    if (rule) {
        r->rule = *rule;
        r->rule.origin = str_dup(&d->arena, rule->origin, &sh->failed);
        r->rule.text = str_dup(&d->arena, rule->text, &sh->failed);
        r->rule.scope = str_dup(&d->arena, rule->scope, &sh->failed);
    }
    r->line = line;
    r->ar = ar;
    r->offset = offset;
    r->payload_len = c->payload_len;
    r->digest_s = str_dup(&d->arena, digest, &sh->failed);
    r->refers_s = str_dup(&d->arena, refers_to, &sh->failed);
    r->digest = key_dup(&d->arena, digest, &sh->failed);
    r->refers_to = key_dup(&d->arena, refers_to, &sh->failed);
    r->url = str_dup(&d->arena, c->url, &sh->failed);
    r->date = str_dup(&d->arena, c->date, &sh->failed);
    r->status = c->status;
    r->robots = c->robots;
    r->crawl = c->crawl;
    r->header_invalid = c->header_invalid;
    r->sts = stmts_dup(&d->arena, c->sts, c->n, &sh->failed);
    r->n = r->sts ? c->n : 0;
    return d->nrev;
}

/* scan_internal.h: a record kept for open revisit rev only. */
void scan_shard_add_provisional(ccsig_shard *sh, size_t rev, uint64_t offset, uint64_t len) {
    ccsig_shard_data *d = sh->data;
    if (!d || !grow((void **)&d->prov, d->nprov, &d->capprov, sizeof *d->prov)) {
        sh->failed = true;
        return;
    }
    d->prov[d->nprov++] = (shard_prov){rev, offset, len};
}

/* scan_internal.h: an archive's share of the shard's files. */
void scan_shard_archive_outputs(ccsig_shard *sh, uint64_t ar, uint64_t annot_bytes,
                                uint64_t keep_bytes) {
    for (size_t k = 0; k < sh->narchives; k++)
        if (sh->archives[k].index == ar) {
            sh->archives[k].annot_bytes = annot_bytes;
            sh->archives[k].keep_bytes = keep_bytes;
        }
}

/* scan_internal.h: the files the shard wrote. */
void scan_shard_outputs(ccsig_shard *sh, bool annotated, uint64_t annot_size, uint64_t annot_digest,
                        bool kept, uint64_t keep_size, uint64_t keep_digest) {
    sh->annotation = (ccsig_shard_output){annotated, annot_size, annot_digest};
    sh->keep = (ccsig_shard_output){kept, keep_size, keep_digest};
}

/* ------------------------------------------------------------ JSON out -- */

/* Bytes as a JSON string when they are UTF-8 without NUL, else as
 * {"hex": "..."} so that no byte is lost. NULL (JSON null) for an empty
 * view. */
static json_t *bytes_json(const char *p, size_t n) {
    if (!n)
        return json_null();
    if (ccsig_utf8_valid(p, n) && !memchr(p, '\0', n))
        return json_stringn(p, n);
    char *hex = ccsig_malloc(2 * n + 1);
    if (!hex)
        return NULL;
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", (unsigned char)p[i]);
    json_t *o = json_pack("{s:s}", "hex", hex);
    ccsig_free(hex);
    return o;
}

/* A string view as bytes_json writes it. */
static json_t *str_json(ccsig_str s) {
    return bytes_json(s.p, s.len);
}

/* A revisit key: a string, or null when none. */
static json_t *key_json(const char *k) {
    return k ? json_string(k) : json_null();
}

/* {"kind", "line", "origin", "text"} and "scope_line", "scope" for a
 * Content-Signal line scoped to its group: where a statement (or a
 * robots.txt rule) comes from. */
static json_t *provenance_json(const ccsig_provenance *p) {
    json_t *o = json_pack("{s:s, s:i, s:o, s:o}", "kind", ccsig_source_kind_name(p->kind), "line",
                          (int)p->line, "origin", str_json(p->origin), "text", str_json(p->text));
    if (o && p->scope_line) {
        json_object_set_new(o, "scope_line", json_integer(p->scope_line));
        json_object_set_new(o, "scope", str_json(p->scope));
    }
    return o;
}

/* {"kind", "line", "origin", "text", "valid", "cats": [[cat, state,
 * signal, conditions, via, label], ...]} (categories as initialised left
 * out), and "scope_line", "scope" for a Content-Signal line scoped to its
 * group. */
static json_t *statement_json(const ccsig_statement *st) {
    json_t *cats = json_array();
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        const ccsig_pref *p = &st->cat[c];
        if (!p->state && !p->signal && !p->conditions && p->via == c && !p->label.len && !p->vocab)
            continue;
        json_array_append_new(cats, json_pack("[i, i, i, i, i, o, i]", c, p->state, p->signal,
                                              p->conditions, p->via, str_json(p->label), p->vocab));
    }
    json_t *o = provenance_json(&st->src);
    if (o) {
        json_object_set_new(o, "valid", json_boolean(st->valid));
        json_object_set_new(o, "cats", cats);
    } else {
        json_decref(cats);
    }
    return o;
}

/* A statement list as an array (NULL when out of memory). */
static json_t *statements_json(const ccsig_statement *sts, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        if (json_array_append_new(a, statement_json(&sts[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* scan_internal.h: the "shard" object of a document; NULL when the shard
 * record is incomplete (an allocation failed) or memory runs out. */
json_t *scan_shard_json_new(const ccsig_shard *sh) {
    if (sh->failed)
        return NULL; /* an incomplete record would make the merge wrong */
    json_t *archives = json_array(), *revisits = json_array(), *originals = json_array();
    bool ok = archives && revisits && originals;
    for (size_t k = 0; ok && k < sh->narchives; k++) {
        const ccsig_shard_archive *a = &sh->archives[k];
        json_t *e = json_pack("{s:o, s:o, s:b}", "index", scan_u64_json(a->index), "archive",
                              bytes_json(a->name, strlen(a->name)), "read", !a->what);
        if (e && a->what)
            json_object_set_new(e, "what", json_string(a->what));
        if (e && sh->annotation.written)
            json_object_set_new(e, "annotate_bytes", scan_u64_json(a->annot_bytes));
        if (e && sh->keep.written)
            json_object_set_new(e, "keep_bytes", scan_u64_json(a->keep_bytes));
        ok = json_array_append_new(archives, e) == 0;
    }
    const ccsig_shard_data *d = sh->data;
    for (size_t k = 0; ok && d && k < d->nrev; k++) {
        const shard_revisit *r = &d->rev[k];
        json_t *e = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:i, s:b, s:o}",
                              "archive", scan_u64_json(r->ar), "offset", scan_u64_json(r->offset),
                              "digest", str_json(r->digest_s), "refers_to", str_json(r->refers_s),
                              "url", str_json(r->url), "date", str_json(r->date), "status",
                              r->status >= 0 ? json_integer(r->status) : json_null(), "bytes",
                              scan_u64_json(r->payload_len), "robots", (int)r->robots, "crawl",
                              (int)r->crawl, "header_invalid", r->header_invalid, "statements",
                              statements_json(r->sts, r->n));
        if (e) {
            json_object_set_new(e, "record_id", str_json(r->record_id));
            json_object_set_new(e, "rule", r->has_rule ? provenance_json(&r->rule) : json_null());
            json_object_set_new(e, "line", r->line != NONE ? scan_u64_json(r->line) : json_null());
        }
        ok = json_array_append_new(revisits, e) == 0;
    }
    json_t *prov = json_array(), *outputs = json_object();
    ok = ok && prov && outputs;
    for (size_t k = 0; ok && d && k < d->nprov; k++)
        ok = json_array_append_new(prov, json_pack("[o, o, o]", scan_u64_json(d->prov[k].rev),
                                                   scan_u64_json(d->prov[k].offset),
                                                   scan_u64_json(d->prov[k].len))) == 0;
    const ccsig_shard_output *outs[2] = {&sh->annotation, &sh->keep};
    static const char *const out_names[2] = {"annotate", "keep"};
    for (int k = 0; ok && k < 2; k++) {
        char dg[32];
        snprintf(dg, sizeof dg, "fnv1a64:%016" PRIx64, outs[k]->digest);
        ok = json_object_set_new(
                 outputs, out_names[k],
                 outs[k]->written
                     ? json_pack("{s:o, s:s}", "bytes", scan_u64_json(outs[k]->bytes), "digest", dg)
                     : json_null()) == 0;
    }
    for (size_t k = 0; ok && d && k < d->norig; k++) {
        const shard_original *o = &d->orig[k];
        json_t *e = json_pack("[o, o, o, o, o, o, o, b]", scan_u64_json(o->ar),
                              scan_u64_json(o->offset), key_json(o->digest), key_json(o->rid),
                              scan_u64_json(o->payload_len), statements_json(o->sts, o->n),
                              o->status >= 0 ? json_integer(o->status) : json_null(), o->used);
        ok = json_array_append_new(originals, e) == 0;
    }
    if (!ok) {
        json_decref(archives);
        json_decref(revisits);
        json_decref(originals);
        json_decref(prov);
        json_decref(outputs);
        return NULL;
    }
    return json_pack("{s:o, s:o, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "index",
                     scan_u64_json(sh->index), "count", scan_u64_json(sh->count), "list", sh->list,
                     "list_archives", scan_u64_json(sh->list_len), "unknown",
                     sh->keep_unknown ? "keep" : "skip", "outputs", outputs, "archives", archives,
                     "revisits", revisits, "originals", originals, "provisional", prov);
}

/* scan_internal.h: a document with its shard record spliced in last. */
ccsig_status scan_doc_write(ccsig_buf *b, json_t *doc, const ccsig_shard *sh) {
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    size_t n = text ? strlen(text) : 0;
    if (!text || n < 2 || text[n - 1] != '}') {
        free(text); /* jansson's allocation */
        return CCSIG_ERR_NOMEM;
    }
    if (!sh) {
        ccsig_buf_append(b, text, n);
    } else {
        json_t *sj = scan_shard_json_new(sh);
        char *st = sj ? json_dumps(sj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(sj);
        if (!st) { /* no document rather than one without its shard */
            free(text);
            return CCSIG_ERR_NOMEM;
        }
        /* "{\n  ...\n}": the record goes in before the closing brace */
        ccsig_buf_append(b, text, n - 2);
        ccsig_buf_puts(b, ",\n  \"shard\": ");
        ccsig_buf_puts(b, st);
        ccsig_buf_puts(b, "\n}");
        free(st);
    }
    ccsig_buf_putc(b, '\n');
    free(text);
    return ccsig_buf_failed(b) ? CCSIG_ERR_NOMEM : CCSIG_OK;
}

/* ------------------------------------------------------------- JSON in -- */

/* Shard counts a merge accepts (it keeps a flag per shard). */
#define SHARD_COUNT_MAX (1u << 24)

/* Read bytes_json's form into the arena: *out (NUL-terminated copy) and
 * *n. false when j is neither a string, {"hex"} nor null. */
static bool bytes_from_json(json_t *j, ccsig_arena *a, char **out, size_t *n, bool *failed) {
    *out = NULL;
    *n = 0;
    if (json_is_null(j))
        return true;
    if (json_is_string(j)) {
        *n = json_string_length(j);
        if (!(*out = ccsig_arena_dup(a, json_string_value(j), *n)))
            *failed = true;
        return true;
    }
    const char *hex = json_string_value(json_object_get(j, "hex"));
    if (!hex || strlen(hex) % 2)
        return false;
    size_t len = strlen(hex) / 2;
    char *p = ccsig_arena_alloc(a, len + 1);
    if (!p) {
        *failed = true;
        return true;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return false;
        p[i] = (char)v;
    }
    p[len] = '\0';
    *out = p;
    *n = len;
    return true;
}

/* bytes_from_json into a string view. */
static bool str_from_json(json_t *j, ccsig_arena *a, ccsig_str *s, bool *failed) {
    char *p;
    size_t n;
    if (!bytes_from_json(j, a, &p, &n, failed))
        return false;
    *s = ccsig_str_make(p, p ? n : 0);
    return true;
}

/* A revisit key: a string or null (no hex form: keys are remembered
 * only without NUL, as text). */
static bool key_from_json(json_t *j, ccsig_arena *a, char **k, bool *failed) {
    size_t n;
    return json_is_null(j) || json_is_string(j) ? bytes_from_json(j, a, k, &n, failed) : false;
}

/* A revisit's key as the session remembers it (key_dup): NULL when empty,
 * too long or holding a NUL; s is NUL-terminated (bytes_from_json). */
static char *key_of(ccsig_str s) {
    return s.len && s.len <= SCAN_RV_KEY_MAX && !memchr(s.p, '\0', s.len) ? (char *)s.p : NULL;
}

/* A small integer field within [0, max]. */
static bool u8_from_json(json_t *j, uint8_t *out, int max) {
    if (!json_is_integer(j) || json_integer_value(j) < 0 || json_integer_value(j) > max)
        return false;
    *out = (uint8_t)json_integer_value(j);
    return true;
}

/* statement_json's form back into st (strings in the arena); false when
 * a field is missing or out of range. */
/* The kind of a provenance_json object (CCSIG_SRC_COUNT when invalid). */
static int kind_from_json(json_t *j) {
    const char *kind = json_string_value(json_object_get(j, "kind"));
    int k = 0;
    while (kind && k < CCSIG_SRC_COUNT && strcmp(kind, ccsig_source_kind_name(k)))
        k++;
    return kind ? k : CCSIG_SRC_COUNT;
}

/* provenance_json's form back into p (kind set already; strings in the
 * arena); false when a field is missing or out of range. */
static bool provenance_from_json(json_t *j, ccsig_arena *a, ccsig_provenance *p, bool *failed) {
    json_t *line = json_object_get(j, "line");
    if (!json_is_integer(line) || json_integer_value(line) < 0 ||
        json_integer_value(line) > UINT_MAX)
        return false;
    p->line = (unsigned)json_integer_value(line);
    if (!str_from_json(json_object_get(j, "origin"), a, &p->origin, failed) ||
        !str_from_json(json_object_get(j, "text"), a, &p->text, failed))
        return false;
    json_t *scope_line = json_object_get(j, "scope_line");
    if (scope_line) {
        if (!json_is_integer(scope_line) || json_integer_value(scope_line) <= 0 ||
            json_integer_value(scope_line) > UINT_MAX ||
            !str_from_json(json_object_get(j, "scope"), a, &p->scope, failed))
            return false;
        p->scope_line = (unsigned)json_integer_value(scope_line);
    }
    return true;
}

static bool statement_from_json(json_t *j, ccsig_arena *a, ccsig_statement *st, bool *failed) {
    int k = kind_from_json(j);
    if (k == CCSIG_SRC_COUNT)
        return false;
    ccsig_statement_init(st, (ccsig_source_kind)k);
    json_t *valid = json_object_get(j, "valid");
    if (!json_is_boolean(valid) || !provenance_from_json(j, a, &st->src, failed))
        return false;
    st->valid = json_is_true(valid);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(j, "cats"), i, c) {
        uint8_t cat;
        if (!u8_from_json(json_array_get(c, 0), &cat, CCSIG_CAT_COUNT - 1))
            return false;
        ccsig_pref *p = &st->cat[cat];
        if (!u8_from_json(json_array_get(c, 1), &p->state, 255) ||
            !u8_from_json(json_array_get(c, 2), &p->signal, CCSIG_SIGNAL_COUNT - 1) ||
            !u8_from_json(json_array_get(c, 3), &p->conditions, 255) ||
            !u8_from_json(json_array_get(c, 4), &p->via, CCSIG_CAT_COUNT - 1) ||
            !str_from_json(json_array_get(c, 5), a, &p->label, failed))
            return false;
        size_t nlab;
        ccsig_vocab_labels(&nlab);
        json_t *vocab = json_array_get(c, 6); /* absent: written before labels were kept */
        if (vocab && !u8_from_json(vocab, &p->vocab, nlab < 255 ? (int)nlab : 255))
            return false;
        if (p->state > CCSIG_STATE_DENY)
            return false;
    }
    return true;
}

/* A statement list: at most CCSIG_SCAN_MAX_STATEMENTS, in the arena. */
static bool statements_from_json(json_t *j, ccsig_arena *a, ccsig_statement **sts, size_t *n,
                                 bool *failed) {
    *sts = NULL;
    *n = 0;
    size_t len = json_array_size(j);
    if (!json_is_array(j) || len > CCSIG_SCAN_MAX_STATEMENTS)
        return false;
    if (!len)
        return true;
    if (!(*sts = ccsig_arena_alloc(a, len * sizeof **sts))) {
        *failed = true;
        return true;
    }
    for (size_t i = 0; i < len; i++)
        if (!statement_from_json(json_array_get(j, i), a, &(*sts)[i], failed))
            return false;
    *n = len;
    return true;
}

/* A non-negative integer. */
static bool get_u64(json_t *j, uint64_t *out) {
    if (!json_is_integer(j) || json_integer_value(j) < 0)
        return false;
    *out = (uint64_t)json_integer_value(j);
    return true;
}

/* The "shard" object j into sh (initialised here). false and a message in
 * msg when a field is missing or invalid. */
static bool shard_from_json(json_t *j, ccsig_shard *sh, char *msg, size_t msgn) {
    memset(sh, 0, sizeof *sh);
    sh->data = ccsig_calloc(1, sizeof *sh->data);
    if (!sh->data) {
        snprintf(msg, msgn, "out of memory");
        sh->failed = true;
        return false;
    }
    ccsig_arena_init(&sh->data->arena, 65536);
    ccsig_shard_data *d = sh->data;
    const char *list = json_string_value(json_object_get(j, "list"));
    const char *unknown = json_string_value(json_object_get(j, "unknown"));
    if (!get_u64(json_object_get(j, "index"), &sh->index) ||
        !get_u64(json_object_get(j, "count"), &sh->count) || sh->index >= sh->count ||
        sh->count > SHARD_COUNT_MAX ||
        !get_u64(json_object_get(j, "list_archives"), &sh->list_len) || !list ||
        strlen(list) >= sizeof sh->list || !unknown ||
        (strcmp(unknown, "keep") && strcmp(unknown, "skip"))) {
        snprintf(msg, msgn, "\"shard\": index, count, list, list_archives or unknown invalid");
        return false;
    }
    snprintf(sh->list, sizeof sh->list, "%s", list);
    sh->keep_unknown = !strcmp(unknown, "keep");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(j, "archives"), i, v) {
        uint64_t index;
        char *name;
        size_t n;
        json_t *read = json_object_get(v, "read");
        const char *what = json_string_value(json_object_get(v, "what"));
        if (!get_u64(json_object_get(v, "index"), &index) ||
            !bytes_from_json(json_object_get(v, "archive"), &d->arena, &name, &n, &sh->failed) ||
            !name || !json_is_boolean(read) || (json_is_false(read) && !what)) {
            snprintf(msg, msgn, "\"shard\": archive %zu invalid", i + 1);
            return false;
        }
        uint64_t ab = 0, kb = 0;
        json_t *jab = json_object_get(v, "annotate_bytes"), *jkb = json_object_get(v, "keep_bytes");
        if ((jab && !get_u64(jab, &ab)) || (jkb && !get_u64(jkb, &kb))) {
            snprintf(msg, msgn, "\"shard\": archive %zu invalid", i + 1);
            return false;
        }
        char *nc = ccsig_strdup(name), *wc = json_is_false(read) ? ccsig_strdup(what) : NULL;
        if (!nc || (json_is_false(read) && !wc))
            sh->failed = true;
        push_archive(sh, index, nc, wc);
        if (sh->narchives) {
            sh->archives[sh->narchives - 1].annot_bytes = ab;
            sh->archives[sh->narchives - 1].keep_bytes = kb;
        }
    }
    json_t *outs = json_object_get(j, "outputs");
    ccsig_shard_output *so[2] = {&sh->annotation, &sh->keep};
    static const char *const out_names[2] = {"annotate", "keep"};
    for (int k = 0; outs && k < 2; k++) {
        json_t *o = json_object_get(outs, out_names[k]);
        const char *dg = json_string_value(json_object_get(o, "digest"));
        if (json_is_null(o) || !o)
            continue;
        if (!get_u64(json_object_get(o, "bytes"), &so[k]->bytes) || !dg ||
            sscanf(dg, "fnv1a64:%16" SCNx64, &so[k]->digest) != 1 || strlen(dg) != 24) {
            snprintf(msg, msgn, "\"shard\": outputs.%s invalid", out_names[k]);
            return false;
        }
        so[k]->written = true;
    }
    json_array_foreach(json_object_get(j, "revisits"), i, v) {
        if (!grow((void **)&d->rev, d->nrev, &d->caprev, sizeof *d->rev)) {
            sh->failed = true;
            break;
        }
        shard_revisit *r = &d->rev[d->nrev];
        memset(r, 0, sizeof *r);
        json_t *status = json_object_get(v, "status"), *hi = json_object_get(v, "header_invalid");
        uint8_t robots, crawl;
        bool ok =
            get_u64(json_object_get(v, "archive"), &r->ar) &&
            get_u64(json_object_get(v, "offset"), &r->offset) &&
            get_u64(json_object_get(v, "bytes"), &r->payload_len) &&
            str_from_json(json_object_get(v, "digest"), &d->arena, &r->digest_s, &sh->failed) &&
            str_from_json(json_object_get(v, "refers_to"), &d->arena, &r->refers_s, &sh->failed) &&
            str_from_json(json_object_get(v, "url"), &d->arena, &r->url, &sh->failed) &&
            str_from_json(json_object_get(v, "date"), &d->arena, &r->date, &sh->failed) &&
            (json_is_null(status) || (json_is_integer(status) && json_integer_value(status) >= 0 &&
                                      json_integer_value(status) < 100000)) &&
            u8_from_json(json_object_get(v, "robots"), &robots, CCSIG_ROBOTS_UNREACHABLE) &&
            u8_from_json(json_object_get(v, "crawl"), &crawl, CCSIG_STATE_DENY) &&
            json_is_boolean(hi) &&
            statements_from_json(json_object_get(v, "statements"), &d->arena, &r->sts, &r->n,
                                 &sh->failed);
        if (!ok) {
            snprintf(msg, msgn, "\"shard\": revisit %zu invalid", i + 1);
            return false;
        }
        r->digest = key_of(r->digest_s);
        r->refers_to = key_of(r->refers_s);
        json_t *rule = json_object_get(v, "rule"), *line = json_object_get(v, "line");
        r->line = NONE;
        json_t *rid = json_object_get(v, "record_id"); /* absent: an older record */
        ok = (!rid || str_from_json(rid, &d->arena, &r->record_id, &sh->failed)) &&
             (!line || json_is_null(line) || get_u64(line, &r->line));
        if (ok && rule && !json_is_null(rule)) {
            int k = kind_from_json(rule);
            r->has_rule = true;
            r->rule.kind = (ccsig_source_kind)k;
            ok =
                k < CCSIG_SRC_COUNT && provenance_from_json(rule, &d->arena, &r->rule, &sh->failed);
        }
        if (!ok) {
            snprintf(msg, msgn, "\"shard\": revisit %zu invalid", i + 1);
            return false;
        }
        r->status = json_is_null(status) ? -1 : (int)json_integer_value(status);
        r->robots = (ccsig_robots_status)robots;
        r->crawl = (ccsig_state)crawl;
        r->header_invalid = json_is_true(hi);
        d->nrev++;
    }
    json_array_foreach(json_object_get(j, "originals"), i, v) {
        if (!grow((void **)&d->orig, d->norig, &d->caporig, sizeof *d->orig)) {
            sh->failed = true;
            break;
        }
        shard_original *o = &d->orig[d->norig];
        memset(o, 0, sizeof *o);
        json_t *jst = json_array_get(v, 6);
        o->status = json_is_integer(jst) ? (int)json_integer_value(jst) : -1;
        o->used = json_is_true(json_array_get(v, 7));
        bool ok =
            json_array_size(v) == 8 && (json_is_null(jst) || json_is_integer(jst)) &&
            json_is_boolean(json_array_get(v, 7)) && get_u64(json_array_get(v, 0), &o->ar) &&
            get_u64(json_array_get(v, 1), &o->offset) &&
            key_from_json(json_array_get(v, 2), &d->arena, &o->digest, &sh->failed) &&
            key_from_json(json_array_get(v, 3), &d->arena, &o->rid, &sh->failed) &&
            get_u64(json_array_get(v, 4), &o->payload_len) &&
            statements_from_json(json_array_get(v, 5), &d->arena, &o->sts, &o->n, &sh->failed);
        if (!ok) {
            snprintf(msg, msgn, "\"shard\": original %zu invalid", i + 1);
            return false;
        }
        d->norig++;
    }
    json_array_foreach(json_object_get(j, "provisional"), i, v) {
        if (!grow((void **)&d->prov, d->nprov, &d->capprov, sizeof *d->prov)) {
            sh->failed = true;
            break;
        }
        shard_prov *p = &d->prov[d->nprov];
        uint64_t rev;
        if (json_array_size(v) != 3 || !get_u64(json_array_get(v, 0), &rev) || rev >= d->nrev ||
            !get_u64(json_array_get(v, 1), &p->offset) || !get_u64(json_array_get(v, 2), &p->len) ||
            (d->nprov && p->offset < d->prov[d->nprov - 1].offset + d->prov[d->nprov - 1].len) ||
            p->offset + p->len > sh->keep.bytes || p->offset + p->len < p->offset) {
            snprintf(msg, msgn, "\"shard\": provisional record %zu invalid", i + 1);
            return false;
        }
        p->rev = (size_t)rev;
        d->nprov++;
    }
    if (sh->failed || d->arena.failed) {
        snprintf(msg, msgn, "out of memory");
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- merge -- */

enum { T_SUMMARY, T_CREDIT, T_COUNT };

typedef struct merge_doc {
    char *name;
    ccsig_shard shard;
} merge_doc;

typedef struct merge_set {
    merge_doc *docs;
    size_t n, cap;
    uint64_t *missing;
    size_t nmissing;
} merge_set;

struct ccsig_merge {
    ccsig_summary sum;
    ccsig_credit_map credit;
    ccsig_scan_profile prof;
    char *first;     /* the first document's name */
    int sharded;     /* -1: no document yet, 0: unsharded, 1: sharded */
    ccsig_shard ref; /* identity the shards share (index and lists unused) */
    char *ref_name;
    size_t ndocs[T_COUNT];
    merge_set set[T_COUNT];
    bool finished;
};

/* ccsig/shard.h: an empty merge. */
ccsig_status ccsig_merge_new(ccsig_merge **out, ccsig_error *err) {
    ccsig_merge *m = ccsig_calloc(1, sizeof *m);
    if (!(*out = m))
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    ccsig_summary_init(&m->sum);
    ccsig_credit_map_init(&m->credit);
    m->sharded = -1;
    return CCSIG_OK;
}

/* ccsig/shard.h: release the merge and every document it holds. */
void ccsig_merge_free(ccsig_merge *m) {
    if (!m)
        return;
    for (int t = 0; t < T_COUNT; t++) {
        for (size_t i = 0; i < m->set[t].n; i++) {
            ccsig_free(m->set[t].docs[i].name);
            ccsig_shard_free(&m->set[t].docs[i].shard);
        }
        ccsig_free(m->set[t].docs);
        ccsig_free(m->set[t].missing);
    }
    ccsig_summary_free(&m->sum);
    ccsig_credit_map_free(&m->credit);
    ccsig_free(m->first);
    ccsig_free(m->ref_name);
    ccsig_free(m);
}

/* Parse p[0..len) as JSON (NUL bytes in strings allowed: shard records
 * keep them). NULL and err set (line, column, "not JSON: ...") when it is
 * not. */
json_t *scan_json_load(const char *p, size_t len, ccsig_error *err) {
    json_error_t jerr;
    json_t *j = json_loadb(p, len, JSON_ALLOW_NUL, &jerr);
    if (j)
        return j;
    if (jerr.line > 0) {
        ccsig_error_set(err, CCSIG_ERR_SYNTAX, (size_t)jerr.position, "not JSON: %s", jerr.text);
        err->line = (unsigned)jerr.line;
        err->column = jerr.column > 0 ? (unsigned)jerr.column : 0;
    } else {
        ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "%s", jerr.text);
    }
    return NULL;
}

/* Check a new document's shard identity against the set; the message for
 * a refusal goes to msg. */
static ccsig_status check_shard(ccsig_merge *m, int t, const char *name, const ccsig_shard *sh,
                                char *msg, size_t n) {
    if ((m->sharded == 0 && sh) || (m->sharded == 1 && !sh)) {
        snprintf(msg, n,
                 "%s a shard (scan --shard) and %s is%s: shard outputs merge only with the other "
                 "shards of their list",
                 sh ? "is" : "is not", m->first, sh ? " not" : "");
        return CCSIG_ERR_USAGE;
    }
    if (!sh)
        return CCSIG_OK;
    if (m->sharded == 1 &&
        (strcmp(sh->list, m->ref.list) || sh->count != m->ref.count ||
         sh->list_len != m->ref.list_len || sh->keep_unknown != m->ref.keep_unknown)) {
        snprintf(msg, n,
                 "shard %" PRIu64 "/%" PRIu64 " of list %s (--unknown %s) does not belong with "
                 "%s (shard of %" PRIu64 " of list %s, --unknown %s)",
                 sh->index, sh->count, sh->list, sh->keep_unknown ? "keep" : "skip", m->ref_name,
                 m->ref.count, m->ref.list, m->ref.keep_unknown ? "keep" : "skip");
        return CCSIG_ERR_USAGE;
    }
    for (size_t i = 0; i < m->set[t].n; i++)
        if (m->set[t].docs[i].shard.index == sh->index) {
            snprintf(msg, n,
                     "shard %" PRIu64 "/%" PRIu64 " given twice (also %s): its counts would be "
                     "added twice",
                     sh->index, sh->count, m->set[t].docs[i].name);
            return CCSIG_ERR_USAGE;
        }
    return CCSIG_OK;
}

/* ccsig/shard.h: read one document, check it against the set, add its
 * counts; a shard's record is kept until finish. */
ccsig_status ccsig_merge_add(ccsig_merge *m, const char *name, const char *p, size_t len,
                             ccsig_scan_output_type *type, ccsig_error *err) {
    *type = CCSIG_SCAN_OUTPUT_NONE;
    json_t *j = scan_json_load(p, len, err);
    if (!j)
        return err->code;
    char msg[sizeof err->message];
    ccsig_scan_profile prof;
    ccsig_summary s;
    ccsig_credit_map c;
    ccsig_summary_init(&s);
    ccsig_credit_map_init(&c);
    ccsig_status st = scan_output_from_json(j, &s, &c, &prof, type, msg, sizeof msg);
    int t = *type == CCSIG_SCAN_OUTPUT_SUMMARY ? T_SUMMARY : T_CREDIT;
    if (!st && m->first && !ccsig_scan_profile_equal(&m->prof, &prof)) {
        st = CCSIG_ERR_USAGE;
        snprintf(msg, sizeof msg,
                 "scanned for another profile (agent, use, commit or purpose) than %s; its "
                 "counts do not add up with the others",
                 m->first);
    }
    merge_doc doc = {NULL, {0}};
    bool has_shard = false;
    json_t *sj = json_object_get(j, "shard");
    if (!st && sj) {
        has_shard = true;
        if (!shard_from_json(sj, &doc.shard, msg, sizeof msg))
            st = doc.shard.failed ? CCSIG_ERR_NOMEM : CCSIG_ERR_RANGE;
    }
    if (!st)
        st = check_shard(m, t, m->first ? m->first : name, has_shard ? &doc.shard : NULL, msg,
                         sizeof msg);
    if (!st && has_shard) {
        merge_set *set = &m->set[t];
        if (!grow((void **)&set->docs, set->n, &set->cap, sizeof *set->docs) ||
            !(doc.name = ccsig_strdup(name))) {
            st = CCSIG_ERR_NOMEM;
            snprintf(msg, sizeof msg, "out of memory");
        } else {
            set->docs[set->n++] = doc;
            doc = (merge_doc){NULL, {0}};
        }
    }
    if (!st && !m->first) {
        if (!(m->first = ccsig_strdup(name)) ||
            (has_shard && !(m->ref_name = ccsig_strdup(name)))) {
            st = CCSIG_ERR_NOMEM;
            snprintf(msg, sizeof msg, "out of memory");
        } else {
            m->prof = prof;
            m->sharded = has_shard;
            if (has_shard) {
                const ccsig_shard *r = &m->set[t].docs[m->set[t].n - 1].shard;
                m->ref.count = r->count;
                m->ref.list_len = r->list_len;
                m->ref.keep_unknown = r->keep_unknown;
                snprintf(m->ref.list, sizeof m->ref.list, "%s", r->list);
            }
        }
    }
    if (!st) {
        m->ndocs[t]++;
        ccsig_summary_merge(&m->sum, &s);
        ccsig_credit_merge(&m->credit, &c);
        if (m->sum.failed || m->credit.failed) {
            st = CCSIG_ERR_NOMEM;
            snprintf(msg, sizeof msg, "out of memory");
        }
    }
    ccsig_free(doc.name);
    ccsig_shard_free(&doc.shard);
    ccsig_summary_free(&s);
    ccsig_credit_map_free(&c);
    json_decref(j);
    if (st)
        ccsig_error_set(err, st, 0, "%s", msg);
    return st;
}

/* An original under one of its keys, for the lookup of revisits. */
typedef struct keyed {
    int kind; /* 1: payload digest, 2: record id (the session's seeds) */
    const char *key;
    uint64_t ar, offset;
    const shard_original *o;
} keyed;

/* Order of two records in the list: archive line, then offset. */
static int pos_cmp(uint64_t a1, uint64_t o1, uint64_t a2, uint64_t o2) {
    if (a1 != a2)
        return a1 < a2 ? -1 : 1;
    return o1 < o2 ? -1 : o1 > o2;
}

/* Sort order of keyed originals: key kind, key, position. */
static int keyed_cmp(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind - y->kind;
    int c = strcmp(x->key, y->key);
    return c ? c : pos_cmp(x->ar, x->offset, y->ar, y->offset);
}

/* The newest original (in list order) with this key that comes before
 * (ar, offset), as the session's table answers in one run: NULL if none. */
static const shard_original *find_before(const keyed *v, size_t n, int kind, const char *key,
                                         uint64_t ar, uint64_t offset) {
    if (!key)
        return NULL;
    size_t lo = 0, hi = n; /* first entry >= (kind, key, ar, offset) */
    keyed probe = {kind, key, ar, offset, NULL};
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (keyed_cmp(&v[mid], &probe) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const keyed *e = &v[lo - 1];
    return e->kind == kind && !strcmp(e->key, key) ? e->o : NULL;
}

/* r (resolved against o, NULL: unresolved) as scan_revisit_decide and
 * scan_revisit_line take it; the archive names as JSON (NULL: not needed). */
static void revisit_view(const shard_revisit *r, const shard_original *o, const char *ar_json,
                         const char *orig_json, scan_revisit *sr) {
    *sr = (scan_revisit){.url = r->url,
                         .date = r->date,
                         .record_id = r->record_id,
                         .digest = r->digest_s,
                         .refers_to = r->refers_s,
                         .archive_json = ar_json,
                         .offset = r->offset,
                         .payload_len = r->payload_len,
                         .status = r->status,
                         .robots = r->robots,
                         .crawl = r->crawl,
                         .rule = r->has_rule ? &r->rule : NULL,
                         .sts = r->sts,
                         .n = r->n,
                         .resolved = o != NULL,
                         .orig_json = orig_json};
    if (o) {
        sr->orig_record_id = ccsig_str_c(o->rid ? o->rid : "");
        sr->orig_offset = o->offset;
        sr->orig_payload_len = o->payload_len;
        sr->orig_status = o->status;
        sr->orig_sts = o->sts;
        sr->orig_n = o->n;
    }
}

/* Resolve and count the open revisits of the documents of type t. */
static ccsig_status resolve_set(ccsig_merge *m, int t) {
    merge_set *set = &m->set[t];
    size_t n = 0;
    for (size_t i = 0; i < set->n; i++)
        n += 2 * set->docs[i].shard.data->norig;
    keyed *v = ccsig_malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return CCSIG_ERR_NOMEM;
    n = 0;
    for (size_t i = 0; i < set->n; i++) {
        const ccsig_shard_data *d = set->docs[i].shard.data;
        for (size_t k = 0; k < d->norig; k++) {
            const shard_original *o = &d->orig[k];
            if (o->digest)
                v[n++] = (keyed){1, o->digest, o->ar, o->offset, o};
            if (o->rid)
                v[n++] = (keyed){2, o->rid, o->ar, o->offset, o};
        }
    }
    qsort(v, n, sizeof *v, keyed_cmp);
    ccsig_summary scratch_sum;
    ccsig_credit_map scratch_credit;
    ccsig_summary_init(&scratch_sum);
    ccsig_credit_map_init(&scratch_credit);
    ccsig_summary *S = t == T_SUMMARY ? &m->sum : &scratch_sum;
    ccsig_credit_map *C = t == T_CREDIT ? &m->credit : &scratch_credit;
    bool nomem = false;
    for (size_t i = 0; i < set->n; i++) {
        const ccsig_shard_data *d = set->docs[i].shard.data;
        for (size_t k = 0; k < d->nrev; k++) {
            shard_revisit *r = &d->rev[k];
            const shard_original *o = find_before(v, n, 2, r->refers_to, r->ar, r->offset);
            if (!o)
                o = find_before(v, n, 1, r->digest, r->ar, r->offset);
            ccsig_statement sts[CCSIG_SCAN_MAX_STATEMENTS];
            ccsig_verdict verdict;
            ccsig_decision decision;
            scan_revisit sr;
            revisit_view(r, o, NULL, NULL, &sr);
            size_t ns = scan_revisit_decide(&sr, &m->prof.p, sts, &verdict, &decision);
            /* as the session counts a resolved revisit: its original's
             * status class, and not again when the original was used */
            scan_counted c = {r->url,
                              r->date,
                              r->status,
                              o ? o->payload_len : r->payload_len,
                              r->robots,
                              r->crawl,
                              r->header_invalid,
                              sts,
                              ns,
                              &verdict,
                              &decision,
                              o ? o->status : r->status,
                              m->prof.status,
                              o && o->used};
            if (o)
                S->revisits_resolved++;
            else
                S->revisits_unresolved++;
            r->m_orig = o;
            r->m_used = scan_count(S, C, &m->prof.p, m->ref.keep_unknown, &c, &nomem);
        }
        for (size_t k = 0; k < d->nprov; k++)
            if (d->rev[d->prov[k].rev].m_used) { /* one run keeps it */
                S->kept_records++;
                S->kept_bytes += d->prov[k].len;
            }
    }
    ccsig_free(v);
    ccsig_summary_free(&scratch_sum);
    ccsig_credit_map_free(&scratch_credit);
    return nomem || m->sum.failed || m->credit.failed ? CCSIG_ERR_NOMEM : CCSIG_OK;
}

/* Shards of the list that no document of type t came from. */
static ccsig_status find_missing(ccsig_merge *m, int t) {
    merge_set *set = &m->set[t];
    if (!set->n)
        return CCSIG_OK;
    uint64_t count = m->ref.count;
    bool *seen = ccsig_calloc(count, 1);
    if (!seen)
        return CCSIG_ERR_NOMEM;
    for (size_t i = 0; i < set->n; i++)
        seen[set->docs[i].shard.index] = true;
    size_t nm = 0;
    for (uint64_t i = 0; i < count; i++)
        nm += !seen[i];
    if (nm && !(set->missing = ccsig_malloc(nm * sizeof *set->missing))) {
        ccsig_free(seen);
        return CCSIG_ERR_NOMEM;
    }
    for (uint64_t i = 0; i < count; i++)
        if (!seen[i])
            set->missing[set->nmissing++] = i;
    ccsig_free(seen);
    return CCSIG_OK;
}

/* ccsig/shard.h: missing shards per document type, then the open
 * revisits of each type resolved and counted once. */
ccsig_status ccsig_merge_finish(ccsig_merge *m, bool allow_missing, ccsig_error *err) {
    if (m->finished)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "merge finished twice");
    m->finished = true;
    if (m->sharded != 1)
        return CCSIG_OK;
    static const char *const what[T_COUNT] = {"summaries", "credit manifests"};
    for (int t = 0; t < T_COUNT; t++) {
        if (find_missing(m, t))
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        merge_set *set = &m->set[t];
        if (set->nmissing && !allow_missing) {
            char list[200] = "";
            size_t k = 0;
            for (size_t i = 0; i < set->nmissing && k + 40 < sizeof list; i++)
                k += (size_t)snprintf(list + k, sizeof list - k, "%s%" PRIu64 "/%" PRIu64,
                                      i ? ", " : "", set->missing[i], m->ref.count);
            if (k + 40 >= sizeof list)
                snprintf(list + k, sizeof list - k, ", ...");
            return ccsig_error_set(err, CCSIG_ERR_RANGE, 0,
                                   "%s of list %s missing %s %s (give --allow-missing to merge "
                                   "without %s)",
                                   what[t], m->ref.list, set->nmissing > 1 ? "shards" : "shard",
                                   list, set->nmissing > 1 ? "them" : "it");
        }
    }
    for (int t = 0; t < T_COUNT; t++)
        if (m->set[t].n && resolve_set(m, t))
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    merge_set *s = &m->set[T_SUMMARY];
    if (s->nmissing) {
        m->sum.shards_missing = ccsig_malloc(s->nmissing * sizeof *s->missing);
        if (!m->sum.shards_missing)
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        memcpy(m->sum.shards_missing, s->missing, s->nmissing * sizeof *s->missing);
        m->sum.nshards_missing = s->nmissing;
        m->sum.shards_count = m->ref.count;
        snprintf(m->sum.shards_list, sizeof m->sum.shards_list, "%s", m->ref.list);
    }
    return CCSIG_OK;
}

/* ccsig/shard.h: accessors of the merged result. */
ccsig_summary *ccsig_merge_summary(ccsig_merge *m) {
    return &m->sum;
}

/* The merged credit map. */
const ccsig_credit_map *ccsig_merge_credit(const ccsig_merge *m) {
    return &m->credit;
}

/* The profile the documents share (NULL before the first). */
const ccsig_scan_profile *ccsig_merge_profile(const ccsig_merge *m) {
    return m->first ? &m->prof : NULL;
}

/* Documents of a type added. */
size_t ccsig_merge_count(const ccsig_merge *m, ccsig_scan_output_type type) {
    return type == CCSIG_SCAN_OUTPUT_SUMMARY  ? m->ndocs[T_SUMMARY]
           : type == CCSIG_SCAN_OUTPUT_CREDIT ? m->ndocs[T_CREDIT]
                                              : 0;
}

/* Shards missing for a type (after finish). */
size_t ccsig_merge_missing(const ccsig_merge *m, ccsig_scan_output_type type, const uint64_t **idx,
                           uint64_t *count) {
    *count = m->ref.count;
    int t = type == CCSIG_SCAN_OUTPUT_SUMMARY  ? T_SUMMARY
            : type == CCSIG_SCAN_OUTPUT_CREDIT ? T_CREDIT
                                               : -1;
    *idx = t >= 0 ? m->set[t].missing : NULL;
    return t >= 0 ? m->set[t].nmissing : 0;
}

/* ------------------------------------------- annotation and keep files -- */

/* The set whose shard records the files are merged by: the summaries when
 * given, else the credit manifests. */
static merge_set *output_set(ccsig_merge *m) {
    return m->set[T_SUMMARY].n ? &m->set[T_SUMMARY] : &m->set[T_CREDIT];
}

/* ccsig/shard.h: recognise a shard's file by its size and digest. */
ccsig_status ccsig_merge_add_output(ccsig_merge *m, const char *path, ccsig_merge_output *what,
                                    uint64_t *shard, ccsig_error *err) {
    *what = 0;
    *shard = 0;
    if (!m->finished || m->sharded != 1)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                               "%s: annotation and keep files are merged with the summaries or "
                               "credit manifests of their shards (scan --shard)",
                               path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ccsig_error_set(err, CCSIG_ERR_IO, 0, "%s: cannot read: %s", path, strerror(errno));
    uint64_t size = 0, h = ccsig_fnv1a64("", 0);
    char *buf = ccsig_malloc(1 << 16);
    ssize_t got = -1;
    while (buf && (got = read(fd, buf, 1 << 16)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            break;
        size += (uint64_t)got;
        h = ccsig_fnv1a64_more(h, buf, (size_t)got);
    }
    int e = errno;
    ccsig_free(buf);
    close(fd);
    if (!buf)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    if (got < 0)
        return ccsig_error_set(err, CCSIG_ERR_IO, 0, "%s: cannot read: %s", path, strerror(e));
    merge_set *set = output_set(m);
    for (int pass = 0; pass < 2; pass++) /* a file no shard claimed yet first */
        for (size_t i = 0; i < set->n; i++) {
            ccsig_shard *sh = &set->docs[i].shard;
            ccsig_shard_output *o[2] = {&sh->annotation, &sh->keep};
            char **slot[2] = {&sh->data->annot_path, &sh->data->keep_path};
            for (int k = 0; k < 2; k++) {
                if (!o[k]->written || o[k]->bytes != size || o[k]->digest != h ||
                    (pass == 0 && *slot[k]))
                    continue;
                if (*slot[k])
                    return ccsig_error_set(
                        err, CCSIG_ERR_USAGE, 0,
                        "%s: the %s file of shard %" PRIu64 "/%" PRIu64 " given twice (also %s)",
                        path, k ? "keep" : "annotation", sh->index, sh->count, *slot[k]);
                if (!(*slot[k] = ccsig_strdup(path)))
                    return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
                *what = k ? CCSIG_MERGE_KEEP : CCSIG_MERGE_ANNOTATION;
                *shard = sh->index;
                return CCSIG_OK;
            }
        }
    return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                           "%s: not the annotation or keep file of any shard given (%" PRIu64
                           " bytes, digest fnv1a64:%016" PRIx64
                           "): a file of another scan, or changed since",
                           path, size, h);
}

/* A shard's file read in order: plain bytes out of a plain, gzip
 * (members) or zstd (frames) file, through one buffer; or the same out of
 * bytes in memory (mem, for ccsig_merge_classify). */
typedef struct zin {
    const char *path;
    int fd;
    const uint8_t *mem; /* non-NULL: read mem[mem_pos..mem_len) instead of fd */
    size_t mem_len, mem_pos;
    ccsig_warc_codec codec;
    uint8_t *in;
    size_t in_len, in_pos;
    bool eof, in_member;
    struct inflate_state inf;
    ZSTD_DCtx *zd;
    uint8_t *out; /* plain bytes decoded and not yet taken */
    size_t out_len, out_pos;
} zin;

#define ZIN_BUF (1u << 16)

/* Open path for reading its plain bytes, or, when mem is not NULL, read
 * mem[0..n) instead (path: its name in messages); false (err) when it
 * cannot be opened or memory runs out. */
static bool zin_open(zin *z, const char *path, const void *mem, size_t n, ccsig_error *err) {
    memset(z, 0, sizeof *z);
    z->path = path;
    z->mem = mem;
    z->mem_len = n;
    z->fd = mem ? -1 : open(path, O_RDONLY | O_CLOEXEC);
    if (!mem && z->fd < 0) {
        ccsig_error_set(err, CCSIG_ERR_IO, 0, "%s: cannot read: %s", path, strerror(errno));
        return false;
    }
    z->in = ccsig_malloc(ZIN_BUF);
    z->out = ccsig_malloc(ZIN_BUF);
    if (!z->in || !z->out) {
        ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        return false;
    }
    z->codec = CCSIG_WARC_AUTO;
    return true;
}

static void zin_close(zin *z) {
    if (z->fd >= 0)
        close(z->fd);
    ccsig_free(z->in);
    ccsig_free(z->out);
    if (z->zd)
        ZSTD_freeDCtx(z->zd);
    memset(z, 0, sizeof *z);
    z->fd = -1;
}

/* More compressed input (moving what is left to the front). */
static bool zin_fill(zin *z, ccsig_error *err) {
    if (z->in_pos)
        memmove(z->in, z->in + z->in_pos, z->in_len - z->in_pos);
    z->in_len -= z->in_pos;
    z->in_pos = 0;
    while (!z->eof && z->in_len < ZIN_BUF) {
        ssize_t got;
        if (z->mem) {
            size_t k = z->mem_len - z->mem_pos < ZIN_BUF - z->in_len ? z->mem_len - z->mem_pos
                                                                     : ZIN_BUF - z->in_len;
            memcpy(z->in + z->in_len, z->mem + z->mem_pos, k);
            z->mem_pos += k;
            got = (ssize_t)k;
        } else {
            got = read(z->fd, z->in + z->in_len, ZIN_BUF - z->in_len);
        }
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            ccsig_error_set(err, CCSIG_ERR_IO, 0, "%s: cannot read: %s", z->path, strerror(errno));
            return false;
        }
        if (got == 0)
            z->eof = true;
        z->in_len += (size_t)got;
        break;
    }
    if (z->codec == CCSIG_WARC_AUTO && (z->in_len >= 4 || z->eof)) {
        z->codec = ccsig_warc_sniff(z->in, z->in_len);
        if (z->codec == CCSIG_WARC_ZSTD && !(z->zd = ZSTD_createDCtx())) {
            ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
            return false;
        }
    }
    return true;
}

/* Decode the next plain bytes into z->out; false at the end (err code
 * CCSIG_OK) or on error. */
static bool zin_more(zin *z, ccsig_error *err) {
    err->code = CCSIG_OK;
    z->out_pos = z->out_len = 0;
    for (;;) {
        if ((z->in_pos == z->in_len || z->codec == CCSIG_WARC_AUTO) && !z->eof && !zin_fill(z, err))
            return false;
        size_t avail = z->in_len - z->in_pos;
        if (!avail && z->eof) {
            if (z->in_member || (z->codec == CCSIG_WARC_ZSTD && z->in_member))
                ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "%s: cut off", z->path);
            return false;
        }
        if (z->codec == CCSIG_WARC_PLAIN || z->codec == CCSIG_WARC_AUTO) {
            memcpy(z->out, z->in + z->in_pos, avail);
            z->out_len = avail;
            z->in_pos = z->in_len;
            return true;
        }
        if (z->codec == CCSIG_WARC_GZIP) {
            if (!z->in_member) {
                if (avail < 2 && !z->eof) {
                    if (!zin_fill(z, err))
                        return false;
                    continue;
                }
                if (avail < 2 || z->in[z->in_pos] != 0x1f || z->in[z->in_pos + 1] != 0x8b) {
                    ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "%s: not a gzip member", z->path);
                    return false;
                }
                isal_inflate_init(&z->inf);
                z->inf.crc_flag = ISAL_GZIP;
                z->in_member = true;
            }
            z->inf.next_in = z->in + z->in_pos;
            z->inf.avail_in = (uint32_t)avail;
            z->inf.next_out = z->out;
            z->inf.avail_out = ZIN_BUF;
            int ret = isal_inflate(&z->inf);
            z->in_pos = (size_t)(z->inf.next_in - z->in);
            z->out_len = ZIN_BUF - z->inf.avail_out;
            if (ret != ISAL_DECOMP_OK) {
                ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "%s: damaged gzip data (igzip error %d)",
                                z->path, ret);
                return false;
            }
            if (z->inf.block_state == ISAL_BLOCK_FINISH)
                z->in_member = false;
            if (z->out_len)
                return true;
            if (z->in_pos == z->in_len && z->eof && z->in_member) {
                ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "%s: cut off", z->path);
                return false;
            }
            continue;
        }
        ZSTD_inBuffer ib = {z->in, z->in_len, z->in_pos};
        ZSTD_outBuffer ob = {z->out, ZIN_BUF, 0};
        size_t ret = ZSTD_decompressStream(z->zd, &ob, &ib);
        z->in_pos = ib.pos;
        z->out_len = ob.pos;
        if (ZSTD_isError(ret)) {
            ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "%s: damaged zstd data (%s)", z->path,
                            ZSTD_getErrorName(ret));
            return false;
        }
        z->in_member = ret != 0;
        if (z->out_len)
            return true;
    }
}

/* Take n plain bytes of z: passed to out (NULL: dropped). false (err) when
 * the file ends first or cannot be read. */
static bool zin_take(zin *z, uint64_t n, ccsig_buf *out, ccsig_error *err) {
    while (n) {
        if (z->out_pos == z->out_len && !zin_more(z, err)) {
            if (!err->code)
                ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                "%s: ends before the lines its shard's record places in it",
                                z->path);
            return false;
        }
        size_t k = z->out_len - z->out_pos;
        if (k > n)
            k = (size_t)n;
        if (out)
            ccsig_buf_append(out, z->out + z->out_pos, k);
        z->out_pos += k;
        n -= k;
    }
    return true;
}

/* Drop one line of z (through its newline), copied to line; its length in
 * *len. */
static bool zin_line(zin *z, ccsig_buf *line, ccsig_error *err) {
    ccsig_buf_clear(line);
    for (;;) {
        if (z->out_pos == z->out_len && !zin_more(z, err)) {
            if (!err->code)
                ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "%s: ends inside a line", z->path);
            return false;
        }
        const uint8_t *p = z->out + z->out_pos;
        const uint8_t *nl = memchr(p, '\n', z->out_len - z->out_pos);
        size_t k = nl ? (size_t)(nl - p) + 1 : z->out_len - z->out_pos;
        ccsig_buf_append(line, p, k);
        z->out_pos += k;
        if (nl)
            return true;
    }
}

/* ------------------------------------------------ what an input is -- */

/* Decoded bytes of z appended to b until b ends with a line end (only
 * when line), b holds max bytes, or the content ends (*end). Damaged
 * compressed data ends the content (and sets *damaged); false (err) only
 * when the input cannot be read or memory runs out. */
static bool classify_read(zin *z, ccsig_buf *b, bool line, size_t max, bool *end, bool *damaged,
                          ccsig_error *err) {
    *end = false;
    while (b->len < max) {
        if (z->out_pos == z->out_len && !zin_more(z, err)) {
            if (err->code == CCSIG_ERR_IO || err->code == CCSIG_ERR_NOMEM)
                return false;
            *damaged |= err->code != CCSIG_OK;
            ccsig_error_clear(err); /* what came before the end or the damage decides */
            *end = true;
            break;
        }
        const uint8_t *p = z->out + z->out_pos;
        size_t k = z->out_len - z->out_pos;
        if (k > max - b->len)
            k = max - b->len;
        const uint8_t *nl = line ? memchr(p, '\n', k) : NULL;
        if (nl)
            k = (size_t)(nl - p) + 1;
        ccsig_buf_append(b, p, k);
        z->out_pos += k;
        if (nl)
            break;
    }
    if (!b->failed)
        return true;
    ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    return false;
}

/* Whether p[0..n) is one JSON value (the library's reader) that is an
 * object with a member key (whole: positions per member, as a document's
 * reader has them; else one pass, as for a line) and, when want is not
 * NULL, with that string as its value. *nomem when memory ran out. */
static bool json_member(const char *p, size_t n, bool whole, const char *key, const char *want,
                        const char *key2, bool *nomem) {
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_error e;
    ccsig_error_clear(&e);
    src_json *root = NULL;
    ccsig_status st =
        whole ? src_json_parse(&a, p, n, &root, &e) : src_json_parse_whole(&a, p, n, &root, &e);
    bool yes = false;
    if (st == CCSIG_ERR_NOMEM || a.failed) /* the flat reader's arena ran out, too */
        *nomem = true;
    else if (!st && root->type == SRC_JSON_OBJECT) {
        const src_json *v = src_json_get(root, key);
        yes = v && (!want || (v->type == SRC_JSON_STRING && ccsig_str_eq(v->str, want))) &&
              (!key2 || src_json_get(root, key2));
    }
    ccsig_arena_free(&a);
    return yes;
}

/* What the input z reads is (ccsig/shard.h, ccsig_merge_input); z is
 * open and at its start. */
static ccsig_status classify(zin *z, ccsig_merge_input *kind, ccsig_error *err) {
    *kind = CCSIG_MERGE_INPUT_OTHER;
    ccsig_buf b = CCSIG_BUF_INIT;
    bool end, damaged = false, nomem = false;
    size_t i = 0; /* the first byte after a byte order mark and JSON white space */
    do {          /* the first line, after blank ones */
        if (!classify_read(z, &b, true, CCSIG_MERGE_LINE_MAX, &end, &damaged, err)) {
            ccsig_buf_free(&b);
            return err->code;
        }
        if (i == 0 && b.len >= 3 && memcmp(b.data, "\xef\xbb\xbf", 3) == 0)
            i = 3; /* a UTF-8 byte order mark, which the JSON reader skips */
        while (i < b.len && b.data[i] && strchr(" \t\r\n", b.data[i]))
            i++;
    } while (i == b.len && !end && b.len < CCSIG_MERGE_LINE_MAX);
    const char *p = b.data;
    if (b.len == 0 && !damaged)
        *kind = CCSIG_MERGE_INPUT_EMPTY;
    else if (b.len >= 5 && memcmp(p, "WARC/", 5) == 0)
        *kind = CCSIG_MERGE_INPUT_KEEP;
    else if (b.len && (end || p[b.len - 1] == '\n') &&
             json_member(p, b.len, false, "archive", NULL, "offset", &nomem))
        *kind = CCSIG_MERGE_INPUT_ANNOTATION;
    else if (!nomem && z->codec == CCSIG_WARC_PLAIN && i < b.len && p[i] == '{') {
        /* a document: read whole, its "type" decides */
        if (!end && !classify_read(z, &b, false, SIZE_MAX, &end, &damaged, err)) {
            ccsig_buf_free(&b);
            return err->code;
        }
        *kind = json_member(b.data, b.len, true, "type", "ccsig-audit", NULL, &nomem)
                    ? CCSIG_MERGE_INPUT_AUDIT
                    : CCSIG_MERGE_INPUT_DOCUMENT;
    }
    ccsig_buf_free(&b);
    if (nomem) {
        *kind = CCSIG_MERGE_INPUT_OTHER;
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    return CCSIG_OK;
}

/* ccsig/shard.h */
ccsig_status ccsig_merge_classify(const void *p, size_t n, ccsig_merge_input *kind,
                                  ccsig_error *err) {
    zin z;
    ccsig_status st =
        zin_open(&z, "input", p ? p : "", n, err) ? classify(&z, kind, err) : err->code;
    if (st)
        *kind = CCSIG_MERGE_INPUT_OTHER;
    zin_close(&z);
    return st;
}

/* ccsig/shard.h */
ccsig_status ccsig_merge_classify_file(const char *path, ccsig_merge_input *kind,
                                       ccsig_error *err) {
    zin z;
    ccsig_status st = zin_open(&z, path, NULL, 0, err) ? classify(&z, kind, err) : err->code;
    if (st)
        *kind = CCSIG_MERGE_INPUT_OTHER;
    zin_close(&z);
    return st;
}

/* The shards of set by index (NULL: missing), and the names of the list's
 * archives as JSON strings (NULL: in a missing shard). */
typedef struct out_ctx {
    ccsig_merge *m;
    merge_set *set;
    merge_doc **by_shard;
    char **names;
    uint64_t count, list_len;
} out_ctx;

static void out_ctx_free(out_ctx *c) {
    for (uint64_t i = 0; c->names && i < c->list_len; i++)
        ccsig_free(c->names[i]);
    ccsig_free(c->names);
    ccsig_free(c->by_shard);
}

/* Index the shards and name the archives; a shard's file that is needed
 * and was not written or given is an error naming it (k: 0 annotation,
 * 1 keep). */
static ccsig_status out_ctx_init(out_ctx *c, ccsig_merge *m, int k, ccsig_error *err) {
    memset(c, 0, sizeof *c);
    c->m = m;
    if (!m->finished || m->sharded != 1)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                               "annotation and keep files are merged with the summaries or credit "
                               "manifests of their shards (scan --shard)");
    c->set = output_set(m);
    c->count = m->ref.count;
    c->list_len = m->ref.list_len;
    c->by_shard = ccsig_calloc(c->count, sizeof *c->by_shard);
    c->names = ccsig_calloc(c->list_len ? c->list_len : 1, sizeof *c->names);
    if (!c->by_shard || !c->names)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    const char *what = k ? "keep" : "annotation";
    const char *opt = k ? "--keep" : "--annotate";
    for (size_t i = 0; i < c->set->n; i++) {
        merge_doc *d = &c->set->docs[i];
        ccsig_shard *sh = &d->shard;
        const ccsig_shard_output *o = k ? &sh->keep : &sh->annotation;
        const char *given = k ? sh->data->keep_path : sh->data->annot_path;
        if (!o->written)
            return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                                   "shard %" PRIu64 "/%" PRIu64 " (%s) wrote no %s file: scan it "
                                   "with %s FILE",
                                   sh->index, sh->count, d->name, what, opt);
        if (!given)
            return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                                   "the %s file of shard %" PRIu64 "/%" PRIu64 " (%s: %" PRIu64
                                   " bytes, digest fnv1a64:%016" PRIx64 ") was not given",
                                   what, sh->index, sh->count, d->name, o->bytes, o->digest);
        c->by_shard[sh->index] = d;
        for (size_t a = 0; a < sh->narchives; a++) {
            uint64_t x = sh->archives[a].index;
            if (x >= c->list_len || x % c->count != sh->index)
                return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                                       "%s: shard %" PRIu64 "/%" PRIu64 " names archive %" PRIu64
                                       ", not one of its own",
                                       d->name, sh->index, sh->count, x);
            ccsig_buf b = CCSIG_BUF_INIT;
            ccsig_buf_json_str(&b, sh->archives[a].name, strlen(sh->archives[a].name));
            ccsig_free(c->names[x]);
            c->names[x] = ccsig_buf_failed(&b) ? NULL : ccsig_strdup(ccsig_buf_cstr(&b));
            ccsig_buf_free(&b);
            if (!c->names[x])
                return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        }
    }
    return CCSIG_OK;
}

/* The entry of list index x in shard sh's archives (NULL: none). */
static const ccsig_shard_archive *shard_archive(const ccsig_shard *sh, uint64_t x) {
    for (size_t a = 0; a < sh->narchives; a++) /* usually the next one: see the callers */
        if (sh->archives[a].index == x)
            return &sh->archives[a];
    return NULL;
}

/* Pass b to write as it is or as one member/frame of w's codec. */
static bool out_flush(ccsig_warc_writer *w, ccsig_buf *b, ccsig_buf *z,
                      bool (*write)(void *, const char *, size_t), void *ctx, ccsig_error *err) {
    if (!b->len)
        return true;
    if (ccsig_buf_failed(b))
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory"), false;
    const char *p = b->data;
    size_t n = b->len;
    if (w && ccsig_warc_writer_codec(w) != CCSIG_WARC_PLAIN) {
        ccsig_buf_clear(z);
        if (ccsig_warc_writer_member(w, z, b->data, b->len, err))
            return false;
        p = z->data;
        n = z->len;
    }
    if (!write(ctx, p, n))
        return ccsig_error_set(err, CCSIG_ERR_IO, 0, "cannot write: %s", strerror(errno)), false;
    ccsig_buf_clear(b);
    return true;
}

/* Plain annotation bytes gathered before a member/frame is written. */
#define OUT_CHUNK (1u << 20)

/* Replace the line of open revisit r in zi (the next line) by its merged
 * line, appended to out: the line dropped must be that revisit's. */
static ccsig_status revisit_line(out_ctx *c, const merge_doc *d, const shard_revisit *r, zin *zi,
                                 ccsig_buf *line, ccsig_buf *out, ccsig_error *err) {
    if (!zin_line(zi, line, err))
        return err->code;
    char want[64];
    snprintf(want, sizeof want, "\"offset\":%" PRIu64 ",\"revisit\":{", r->offset);
    if (!ccsig_buf_cstr(line) || !strstr(ccsig_buf_cstr(line), want))
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "%s: the line its shard's record (%s) places a revisit at is not "
                               "that revisit's",
                               zi->path, d->name);
    const shard_original *o = r->m_orig;
    scan_revisit sr;
    revisit_view(r, o, c->names[r->ar], o && o->ar < c->list_len ? c->names[o->ar] : NULL, &sr);
    if (!sr.archive_json || (o && !sr.orig_json))
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "%s: a revisit in an archive not its own",
                               d->name);
    ccsig_statement sts[CCSIG_SCAN_MAX_STATEMENTS];
    ccsig_verdict verdict;
    ccsig_decision decision;
    size_t n = scan_revisit_decide(&sr, &c->m->prof.p, sts, &verdict, &decision);
    if (!scan_revisit_line(out, ccsig_str_c(c->m->prof.agent), &sr, sts, n, &verdict, &decision))
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    return CCSIG_OK;
}

/* ccsig/shard.h: one run's annotation out of the shards'. */
ccsig_status ccsig_merge_write_annotation(ccsig_merge *m, ccsig_warc_codec codec,
                                          bool (*write)(void *ctx, const char *p, size_t n),
                                          void *ctx, ccsig_error *err) {
    out_ctx c;
    ccsig_status st = out_ctx_init(&c, m, 0, err);
    zin *zs = st ? NULL : ccsig_calloc(c.count, sizeof *zs);
    size_t *next = zs ? ccsig_calloc(c.count, sizeof *next) : NULL;   /* next open revisit */
    uint64_t *pos = next ? ccsig_calloc(c.count, sizeof *pos) : NULL; /* plain bytes taken */
    ccsig_warc_writer *w = pos ? ccsig_warc_writer_new(codec, 1) : NULL;
    ccsig_buf out = CCSIG_BUF_INIT, z = CCSIG_BUF_INIT, line = CCSIG_BUF_INIT;
    if (!st && !w)
        st = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    for (uint64_t i = 0; zs && i < c.count; i++)
        zs[i].fd = -1;
    for (uint64_t x = 0; !st && x < c.list_len; x++) {
        uint64_t k = x % c.count;
        merge_doc *d = c.by_shard[k];
        const ccsig_shard_archive *a = d ? shard_archive(&d->shard, x) : NULL;
        if (!a)
            continue; /* a missing shard's archive (--allow-missing) */
        zin *zi = &zs[k];
        if (zi->fd < 0 && !zin_open(zi, d->shard.data->annot_path, NULL, 0, err)) {
            st = err->code;
            break;
        }
        const ccsig_shard_data *sd = d->shard.data;
        uint64_t end = pos[k] + a->annot_bytes;
        while (!st && next[k] < sd->nrev &&
               (sd->rev[next[k]].line == NONE || sd->rev[next[k]].line < end)) {
            const shard_revisit *r = &sd->rev[next[k]++];
            if (r->line == NONE)
                continue;
            if (r->line < pos[k] || r->ar != x) {
                st = ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                                     "%s: its revisits' lines are out of order", d->name);
                break;
            }
            if (!zin_take(zi, r->line - pos[k], &out, err)) {
                st = err->code;
                break;
            }
            st = revisit_line(&c, d, r, zi, &line, &out, err);
            pos[k] = r->line + line.len;
            if (!st && pos[k] > end)
                st = ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                     "%s: a revisit's line crosses into the next archive's",
                                     zi->path);
            if (!st && out.len >= OUT_CHUNK && !out_flush(w, &out, &z, write, ctx, err))
                st = err->code;
        }
        if (!st && !zin_take(zi, end - pos[k], &out, err))
            st = err->code;
        pos[k] = end;
        if (!st && out.len >= OUT_CHUNK && !out_flush(w, &out, &z, write, ctx, err))
            st = err->code;
    }
    for (uint64_t k = 0; !st && k < c.count; k++) { /* every file read to its end */
        zin *zi = &zs[k];
        const merge_doc *d = c.by_shard[k];
        while (d && next[k] < d->shard.data->nrev && d->shard.data->rev[next[k]].line == NONE)
            next[k]++;
        if (d && next[k] < d->shard.data->nrev) {
            st = ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                                 "%s: places a revisit's line after its archives' lines", d->name);
            break;
        }
        if (zi->fd < 0)
            continue;
        if (zi->out_pos < zi->out_len || zin_more(zi, err))
            st = ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                 "%s: holds more lines than its shard's record places in it",
                                 zi->path);
        else
            st = err->code;
    }
    if (!st && !out_flush(w, &out, &z, write, ctx, err))
        st = err->code;
    ccsig_buf_free(&out);
    ccsig_buf_free(&z);
    ccsig_buf_free(&line);
    ccsig_warc_writer_free(w);
    for (uint64_t i = 0; zs && i < c.count; i++)
        if (zs[i].in || zs[i].fd >= 0)
            zin_close(&zs[i]);
    ccsig_free(zs);
    ccsig_free(next);
    ccsig_free(pos);
    out_ctx_free(&c);
    return st;
}

/* ccsig/shard.h: one run's keep file out of the shards': each archive's
 * kept records copied as written, less the provisional records of the
 * revisits the merge does not keep. */
ccsig_status ccsig_merge_write_kept(ccsig_merge *m,
                                    bool (*write)(void *ctx, const char *p, size_t n), void *ctx,
                                    ccsig_error *err) {
    out_ctx c;
    ccsig_status st = out_ctx_init(&c, m, 1, err);
    int *fds = st ? NULL : ccsig_malloc(c.count * sizeof *fds);
    size_t *next = fds ? ccsig_calloc(c.count, sizeof *next) : NULL; /* next provisional */
    uint64_t *pos = next ? ccsig_calloc(c.count, sizeof *pos) : NULL;
    char *buf = pos ? ccsig_malloc(ZIN_BUF) : NULL;
    if (!st && !buf)
        st = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    for (uint64_t i = 0; fds && i < c.count; i++)
        fds[i] = -1;
    for (uint64_t x = 0; !st && x < c.list_len; x++) {
        uint64_t k = x % c.count;
        merge_doc *d = c.by_shard[k];
        const ccsig_shard_archive *a = d ? shard_archive(&d->shard, x) : NULL;
        if (!a)
            continue;
        const char *path = d->shard.data->keep_path;
        if (fds[k] < 0 && (fds[k] = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
            st =
                ccsig_error_set(err, CCSIG_ERR_IO, 0, "%s: cannot read: %s", path, strerror(errno));
            break;
        }
        const ccsig_shard_data *sd = d->shard.data;
        uint64_t end = pos[k] + a->keep_bytes;
        while (!st && pos[k] < end) {
            const shard_prov *pv = next[k] < sd->nprov ? &sd->prov[next[k]] : NULL;
            uint64_t stop = pv && pv->offset < end ? pv->offset : end;
            bool drop = false;
            if (pv && pv->offset == pos[k]) { /* a provisional record starts here */
                if (pv->offset + pv->len > end) {
                    st = ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                                         "%s: a provisional record crosses archives", d->name);
                    break;
                }
                stop = pv->offset + pv->len;
                drop = !sd->rev[pv->rev].m_used;
                next[k]++;
            }
            while (!st && pos[k] < stop) {
                size_t want = stop - pos[k] < ZIN_BUF ? (size_t)(stop - pos[k]) : ZIN_BUF;
                if (drop) {
                    pos[k] += want;
                    continue;
                }
                ssize_t got = pread(fds[k], buf, want, (off_t)pos[k]);
                if (got < 0 && errno == EINTR)
                    continue;
                if (got <= 0) {
                    st = got < 0
                             ? ccsig_error_set(err, CCSIG_ERR_IO, 0, "%s: cannot read: %s", path,
                                               strerror(errno))
                             : ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                               "%s: shorter than its shard's record says", path);
                    break;
                }
                if (!write(ctx, buf, (size_t)got))
                    st = ccsig_error_set(err, CCSIG_ERR_IO, 0, "cannot write: %s", strerror(errno));
                pos[k] += (uint64_t)got;
            }
        }
    }
    for (uint64_t k = 0; !st && k < c.count; k++) {
        const merge_doc *d = c.by_shard[k];
        if (d && (pos[k] != d->shard.keep.bytes || next[k] != d->shard.data->nprov))
            st = ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                 "%s: its archives' kept records do not add up to the file (%s)",
                                 d->name, d->shard.data->keep_path);
    }
    for (uint64_t i = 0; fds && i < c.count; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    ccsig_free(fds);
    ccsig_free(next);
    ccsig_free(pos);
    ccsig_free(buf);
    out_ctx_free(&c);
    return st;
}
