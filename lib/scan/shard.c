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

#include "ccsig/alloc.h"
#include "ccsig/arena.h"
#include "ccsig/hashmap.h"
#include "ccsig/scan.h"
#include "scan_internal.h"

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
} shard_revisit;

struct ccsig_shard_data {
    ccsig_arena arena; /* strings and statements of both lists */
    shard_original *orig;
    size_t norig, caporig;
    shard_revisit *rev;
    size_t nrev, caprev;
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
    sh->archives[sh->narchives++] = (ccsig_shard_archive){index, name, what};
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
 * statements copied into the shard's arena). */
void scan_shard_add_revisit(ccsig_shard *sh, uint64_t ar, uint64_t offset, ccsig_str digest,
                            ccsig_str refers_to, const scan_counted *c) {
    ccsig_shard_data *d = sh->data;
    if (!d || !grow((void **)&d->rev, d->nrev, &d->caprev, sizeof *d->rev)) {
        sh->failed = true;
        return;
    }
    shard_revisit *r = &d->rev[d->nrev++];
    r->ar = ar;
    r->offset = offset;
    r->payload_len = c->payload_len;
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

/* {"kind", "line", "origin", "text", "valid", "cats": [[cat, state,
 * signal, conditions, via, label], ...]} (categories as initialised left
 * out), and "scope_line", "scope" for a Content-Signal line scoped to its
 * group. */
static json_t *statement_json(const ccsig_statement *st) {
    json_t *cats = json_array();
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        const ccsig_pref *p = &st->cat[c];
        if (!p->state && !p->signal && !p->conditions && p->via == c && !p->label.len)
            continue;
        json_array_append_new(cats, json_pack("[i, i, i, i, i, o]", c, p->state, p->signal,
                                              p->conditions, p->via, str_json(p->label)));
    }
    json_t *o =
        json_pack("{s:s, s:i, s:o, s:o, s:b, s:o}", "kind", ccsig_source_kind_name(st->src.kind),
                  "line", (int)st->src.line, "origin", str_json(st->src.origin), "text",
                  str_json(st->src.text), "valid", st->valid, "cats", cats);
    if (o && st->src.scope_line) {
        json_object_set_new(o, "scope_line", json_integer(st->src.scope_line));
        json_object_set_new(o, "scope", str_json(st->src.scope));
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
        ok = json_array_append_new(archives, e) == 0;
    }
    const ccsig_shard_data *d = sh->data;
    for (size_t k = 0; ok && d && k < d->nrev; k++) {
        const shard_revisit *r = &d->rev[k];
        json_t *e = json_pack(
            "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:i, s:b, s:o}", "archive",
            scan_u64_json(r->ar), "offset", scan_u64_json(r->offset), "digest", key_json(r->digest),
            "refers_to", key_json(r->refers_to), "url", str_json(r->url), "date", str_json(r->date),
            "status", r->status >= 0 ? json_integer(r->status) : json_null(), "bytes",
            scan_u64_json(r->payload_len), "robots", (int)r->robots, "crawl", (int)r->crawl,
            "header_invalid", r->header_invalid, "statements", statements_json(r->sts, r->n));
        ok = json_array_append_new(revisits, e) == 0;
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
        return NULL;
    }
    return json_pack("{s:o, s:o, s:s, s:o, s:s, s:o, s:o, s:o}", "index", scan_u64_json(sh->index),
                     "count", scan_u64_json(sh->count), "list", sh->list, "list_archives",
                     scan_u64_json(sh->list_len), "unknown", sh->keep_unknown ? "keep" : "skip",
                     "archives", archives, "revisits", revisits, "originals", originals);
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

/* A small integer field within [0, max]. */
static bool u8_from_json(json_t *j, uint8_t *out, int max) {
    if (!json_is_integer(j) || json_integer_value(j) < 0 || json_integer_value(j) > max)
        return false;
    *out = (uint8_t)json_integer_value(j);
    return true;
}

/* statement_json's form back into st (strings in the arena); false when
 * a field is missing or out of range. */
static bool statement_from_json(json_t *j, ccsig_arena *a, ccsig_statement *st, bool *failed) {
    const char *kind = json_string_value(json_object_get(j, "kind"));
    int k = 0;
    while (kind && k < CCSIG_SRC_COUNT && strcmp(kind, ccsig_source_kind_name(k)))
        k++;
    if (!kind || k == CCSIG_SRC_COUNT)
        return false;
    ccsig_statement_init(st, (ccsig_source_kind)k);
    json_t *line = json_object_get(j, "line"), *valid = json_object_get(j, "valid");
    if (!json_is_integer(line) || json_integer_value(line) < 0 || !json_is_boolean(valid))
        return false;
    st->src.line = (unsigned)json_integer_value(line);
    st->valid = json_is_true(valid);
    if (!str_from_json(json_object_get(j, "origin"), a, &st->src.origin, failed) ||
        !str_from_json(json_object_get(j, "text"), a, &st->src.text, failed))
        return false;
    json_t *scope_line = json_object_get(j, "scope_line");
    if (scope_line) {
        if (!json_is_integer(scope_line) || json_integer_value(scope_line) <= 0 ||
            json_integer_value(scope_line) > UINT_MAX ||
            !str_from_json(json_object_get(j, "scope"), a, &st->src.scope, failed))
            return false;
        st->src.scope_line = (unsigned)json_integer_value(scope_line);
    }
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
        char *nc = ccsig_strdup(name), *wc = json_is_false(read) ? ccsig_strdup(what) : NULL;
        if (!nc || (json_is_false(read) && !wc))
            sh->failed = true;
        push_archive(sh, index, nc, wc);
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
            key_from_json(json_object_get(v, "digest"), &d->arena, &r->digest, &sh->failed) &&
            key_from_json(json_object_get(v, "refers_to"), &d->arena, &r->refers_to, &sh->failed) &&
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
            const shard_revisit *r = &d->rev[k];
            const shard_original *o = find_before(v, n, 2, r->refers_to, r->ar, r->offset);
            if (!o)
                o = find_before(v, n, 1, r->digest, r->ar, r->offset);
            ccsig_statement sts[CCSIG_SCAN_MAX_STATEMENTS];
            size_t ns = r->n;
            if (r->n)
                memcpy(sts, r->sts, r->n * sizeof *sts);
            for (size_t s = 0; o && s < o->n && ns < CCSIG_SCAN_MAX_STATEMENTS; s++)
                sts[ns++] = o->sts[s];
            ccsig_verdict verdict;
            ccsig_decision decision;
            ccsig_evaluate_decide(sts, ns, &m->prof.p, &verdict, &decision);
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
            scan_count(S, C, &m->prof.p, m->ref.keep_unknown, &c, &nomem);
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
