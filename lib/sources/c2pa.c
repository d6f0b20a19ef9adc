/*
 * sources/c2pa.c — C2PA / CAWG training-and-data-mining assertions in a
 * JUMBF manifest store (ISO/IEC 19566-5 boxes; C2PA 1.4 §"Training and Data
 * Mining"; CAWG training-and-data-mining assertion v1.0 and v1.1;
 * peer-signals.md §6). CBOR through libcbor.
 *
 * Box layout read here:
 *   jumb (superbox) = jumd (description) + content boxes
 *   jumd payload    = 16-byte type UUID, toggles byte, label (NUL-terminated,
 *                     when toggles & 2), id (4 bytes, & 4), signature (32, & 8)
 *   manifest store  = jumb of type 'c2pa' holding manifests (jumb 'c2ma' or
 *                     update manifests 'c2um'); the last one is active
 *   manifest        = ... jumb labelled c2pa.assertions ('c2as') holding one
 *                     jumb per assertion, labelled by the assertion label
 *   assertion       = jumb of type 'cbor' with a 'cbor' content box (or
 *                     'json' with a 'json' box)
 *
 * The claim signature is not validated: statements say "unverified".
 * Limits: boxes nested deeper than JUMBF_MAX_DEPTH, more than
 * JUMBF_MAX_BOXES boxes, or a CBOR item whose declared lengths exceed the
 * bytes present are refused before anything is allocated, so a hostile
 * store cannot make libcbor allocate more than a small multiple of its size.
 */
#include <cbor.h>

#include "internal.h"
#include "json.h"

#define EMPTY ccsig_str_make("", 0)
#define JUMBF_MAX_DEPTH 16
#define JUMBF_MAX_BOXES 100000
#define CBOR_MAX_DEPTH 32

uint32_t src_be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p) {
    return (uint64_t)src_be32(p) << 32 | src_be32(p + 4);
}

bool src_box_next(const unsigned char *p, size_t len, size_t off, box *b) {
    if (off > len || len - off < 8)
        return false;
    uint64_t size = src_be32(p + off);
    size_t hdr = 8;
    if (size == 1) {
        if (len - off < 16)
            return false;
        size = be64(p + off + 8);
        hdr = 16;
    } else if (size == 0) {
        size = len - off; /* to the end */
    }
    if (size < hdr || size > len - off)
        return false;
    memcpy(b->type, p + off + 4, 4);
    b->start = off;
    b->payload = off + hdr;
    b->end = off + (size_t)size;
    return true;
}

/* A JUMBF superbox's description. */
typedef struct jdesc {
    unsigned char uuid[16];
    ccsig_str label;
    size_t content; /* offset of the first box after jumd */
} jdesc;

static bool jumb_desc(const unsigned char *p, const box *sb, jdesc *d) {
    box jd;
    if (!src_box_next(p, sb->end, sb->payload, &jd) || memcmp(jd.type, "jumd", 4))
        return false;
    size_t n = jd.end - jd.payload;
    if (n < 17)
        return false;
    memcpy(d->uuid, p + jd.payload, 16);
    unsigned char toggles = p[jd.payload + 16];
    d->label = EMPTY;
    if (toggles & 2) {
        const unsigned char *ls = p + jd.payload + 17;
        const unsigned char *nul = memchr(ls, 0, jd.end - (jd.payload + 17));
        size_t ln = nul ? (size_t)(nul - ls) : jd.end - (jd.payload + 17);
        d->label = ccsig_str_make((const char *)ls, ln);
    }
    d->content = jd.end;
    return true;
}

static bool uuid_is(const unsigned char *u, const char four[4]) {
    static const unsigned char tail[12] = {0x00, 0x11, 0x00, 0x10, 0x80, 0x00,
                                           0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
    return !memcmp(u, four, 4) && !memcmp(u + 4, tail, 12);
}

/* ---- CBOR sanity: declared lengths fit in the bytes, nesting bounded ---- */

static bool cbor_head(const unsigned char *p, size_t len, size_t *i, int *major, uint64_t *arg,
                      bool *indef) {
    if (*i >= len)
        return false;
    unsigned char b = p[(*i)++];
    *major = b >> 5;
    unsigned ai = b & 31;
    *indef = false;
    if (ai < 24) {
        *arg = ai;
    } else if (ai <= 27) {
        size_t n = (size_t)1 << (ai - 24);
        if (len - *i < n)
            return false;
        uint64_t v = 0;
        for (size_t k = 0; k < n; k++)
            v = v << 8 | p[*i + k];
        *i += n;
        *arg = v;
    } else if (ai == 31 && *major >= 2 && *major <= 5) {
        *indef = true;
        *arg = 0;
    } else {
        return false;
    }
    return true;
}

static bool cbor_sane_item(const unsigned char *p, size_t len, size_t *i, int depth) {
    if (depth > CBOR_MAX_DEPTH)
        return false;
    int major;
    uint64_t arg;
    bool indef;
    if (!cbor_head(p, len, i, &major, &arg, &indef))
        return false;
    switch (major) {
    case 0:
    case 1:
        return true;
    case 2:
    case 3:
        if (indef) {
            for (;;) {
                if (*i >= len)
                    return false;
                if (p[*i] == 0xFF) {
                    (*i)++;
                    return true;
                }
                int m2;
                uint64_t a2;
                bool ind2;
                if (!cbor_head(p, len, i, &m2, &a2, &ind2) || m2 != major || ind2)
                    return false;
                if (a2 > len - *i)
                    return false;
                *i += (size_t)a2;
            }
        }
        if (arg > len - *i)
            return false;
        *i += (size_t)arg;
        return true;
    case 4:
    case 5: {
        if (indef) {
            for (;;) {
                if (*i >= len)
                    return false;
                if (p[*i] == 0xFF) {
                    (*i)++;
                    return true;
                }
                if (!cbor_sane_item(p, len, i, depth + 1))
                    return false;
                if (major == 5 && !cbor_sane_item(p, len, i, depth + 1))
                    return false;
            }
        }
        uint64_t items = major == 5 ? arg * 2 : arg;
        if (arg > len || items > len - *i) /* every item takes at least one byte */
            return false;
        for (uint64_t k = 0; k < items; k++)
            if (!cbor_sane_item(p, len, i, depth + 1))
                return false;
        return true;
    }
    case 6:
        return cbor_sane_item(p, len, i, depth + 1);
    default: /* 7: simple values and floats (the head consumed them) */
        return !indef;
    }
}

static bool cbor_sane(const unsigned char *p, size_t len) {
    size_t i = 0;
    return cbor_sane_item(p, len, &i, 0) && i == len;
}

/* A CBOR text string copied into the arena (chunks joined); empty when the
 * item is not a text string. */
static ccsig_str cbor_text(ccsig_arena *a, const cbor_item_t *it) {
    if (it && cbor_isa_tag(it)) {
        /* a tag around a string: look through it */
        cbor_item_t *inner = cbor_tag_item(it);
        ccsig_str s = cbor_text(a, inner);
        cbor_decref(&inner);
        return s;
    }
    if (!it || !cbor_isa_string(it))
        return EMPTY;
    if (cbor_string_is_definite(it))
        return src_dup(
            a, ccsig_str_make((const char *)cbor_string_handle(it), cbor_string_length(it)));
    size_t n = cbor_string_chunk_count(it), total = 0;
    cbor_item_t **ch = cbor_string_chunks_handle(it);
    for (size_t k = 0; k < n; k++)
        total += cbor_string_length(ch[k]);
    char *d = ccsig_arena_alloc(a, total + 1);
    if (!d)
        return EMPTY;
    size_t o = 0;
    for (size_t k = 0; k < n; k++) {
        memcpy(d + o, cbor_string_handle(ch[k]), cbor_string_length(ch[k]));
        o += cbor_string_length(ch[k]);
    }
    d[o] = '\0';
    return ccsig_str_make(d, o);
}

static const cbor_item_t *cbor_get(const cbor_item_t *map, const char *key) {
    if (!map || !cbor_isa_map(map))
        return NULL;
    size_t n = cbor_map_size(map);
    struct cbor_pair *pairs = cbor_map_handle(map);
    size_t kl = strlen(key);
    for (size_t k = 0; k < n; k++) {
        const cbor_item_t *ki = pairs[k].key;
        if (cbor_isa_string(ki) && cbor_string_is_definite(ki) && cbor_string_length(ki) == kl &&
            !memcmp(cbor_string_handle(ki), key, kl))
            return pairs[k].value;
    }
    return NULL;
}

/* ---- the assertion ---- */

typedef struct tdm_entry {
    ccsig_str key, use, info;
} tdm_entry;

#define MAX_ENTRIES 32

/* Map one entry; appends "key=use" to the summary. */
static void apply_entry(ccsig_collect *c, ccsig_statement *st, const ccsig_provenance *src,
                        const tdm_entry *e, ccsig_buf *sum) {
    ccsig_str k = e->key;
    if (src_istarts(k, "c2pa.") || src_istarts(k, "cawg."))
        k = ccsig_str_make(k.p + 5, k.len - 5);
    ccsig_category cat;
    if (ccsig_str_eq(k, "data_mining"))
        cat = CCSIG_CAT_AUTOMATED_PROCESSING;
    else if (ccsig_str_eq(k, "ai_training"))
        cat = CCSIG_CAT_TRAIN_AI;
    else if (ccsig_str_eq(k, "ai_generative_training"))
        cat = CCSIG_CAT_TRAIN_GENAI;
    else if (ccsig_str_eq(k, "ai_inference"))
        cat = CCSIG_CAT_AI_USE;
    else {
        ccsig_collect_note(c, src, "training-mining entry '%.*s' is not a C2PA/CAWG entry: ignored",
                           (int)e->key.len, e->key.p);
        return;
    }
    ccsig_buf_printf(sum, "%s%.*s=%.*s", sum->len ? ", " : "", (int)e->key.len, e->key.p,
                     (int)e->use.len, e->use.p);
    if (ccsig_str_eq(e->use, "allowed")) {
        ccsig_statement_set(st, cat, CCSIG_STATE_ALLOW, CCSIG_SIGNAL_NONE, 0, e->key);
    } else if (ccsig_str_eq(e->use, "notAllowed")) {
        ccsig_statement_set(st, cat, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, 0, e->key);
    } else if (ccsig_str_eq(e->use, "constrained")) {
        if (e->info.len) {
            ccsig_statement_set(st, cat, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, CCSIG_COND_POLICY,
                                e->key);
            ccsig_collect_note(c, src, "%.*s is constrained: %.*s", (int)e->key.len, e->key.p,
                               (int)e->info.len, e->info.p);
        } else {
            ccsig_statement_set(st, cat, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, 0, e->key);
            ccsig_collect_note(c, src,
                               "%.*s is constrained without constraint_info: read as notAllowed",
                               (int)e->key.len, e->key.p);
        }
    } else {
        ccsig_collect_note(c, src,
                           "%.*s: use '%.*s' is not allowed, notAllowed or constrained: ignored",
                           (int)e->key.len, e->key.p, (int)e->use.len, e->use.p);
    }
}

static void emit(ccsig_collect *c, ccsig_str label, ccsig_str origin, const tdm_entry *es,
                 size_t n) {
    ccsig_provenance src = src_prov(CCSIG_SRC_C2PA, 0, origin, label);
    ccsig_statement tmp;
    ccsig_statement_init(&tmp, CCSIG_SRC_C2PA);
    ccsig_buf sum = CCSIG_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        apply_entry(c, &tmp, &src, &es[i], &sum);
    src.text = src_printf(c->arena, "%.*s (unverified): %s", (int)label.len, label.p,
                          sum.len ? ccsig_buf_cstr(&sum) : "no entries");
    if (ccsig_buf_failed(&sum))
        c->arena->failed = true; /* the provenance text is incomplete: out of memory */
    ccsig_buf_free(&sum);
    ccsig_statement *st = ccsig_collect_add(c, CCSIG_SRC_C2PA);
    if (!st)
        return;
    tmp.src = src;
    *st = tmp;
}

static void cbor_assertion(ccsig_collect *c, ccsig_str label, ccsig_str origin,
                           const unsigned char *p, size_t len) {
    ccsig_provenance src = src_prov(CCSIG_SRC_C2PA, 0, origin, label);
    if (!cbor_sane(p, len)) {
        ccsig_collect_note(c, &src, "%.*s: the CBOR is malformed or truncated: skipped",
                           (int)label.len, label.p);
        return;
    }
    struct cbor_load_result r;
    cbor_item_t *root = cbor_load(p, len, &r);
    if (!root || r.error.code != CBOR_ERR_NONE) {
        if (root)
            cbor_decref(&root);
        ccsig_collect_note(c, &src, "%.*s: the CBOR does not decode: skipped", (int)label.len,
                           label.p);
        return;
    }
    const cbor_item_t *entries = cbor_get(root, "entries");
    if (!entries)
        entries = root; /* CAWG v1.0 CDDL: entries at the top level */
    tdm_entry es[MAX_ENTRIES];
    size_t n = 0;
    if (cbor_isa_map(entries)) {
        size_t m = cbor_map_size(entries);
        struct cbor_pair *pairs = cbor_map_handle(entries);
        for (size_t k = 0; k < m && n < MAX_ENTRIES; k++) {
            ccsig_str key = cbor_text(c->arena, pairs[k].key);
            if (!key.len || !cbor_isa_map(pairs[k].value))
                continue;
            es[n].key = key;
            es[n].use = cbor_text(c->arena, cbor_get(pairs[k].value, "use"));
            const cbor_item_t *info = cbor_get(pairs[k].value, "constraint_info");
            if (!info)
                info = cbor_get(pairs[k].value, "constraints_info");
            es[n].info = cbor_text(c->arena, info);
            n++;
        }
    }
    cbor_decref(&root);
    emit(c, label, origin, es, n);
}

static void json_assertion(ccsig_collect *c, ccsig_str label, ccsig_str origin, const char *p,
                           size_t len) {
    ccsig_provenance src = src_prov(CCSIG_SRC_C2PA, 0, origin, label);
    src_json *root;
    ccsig_error err;
    if (src_json_parse(c->arena, p, len, &root, &err) != CCSIG_OK) {
        ccsig_collect_note(c, &src, "%.*s: the JSON does not parse (%s): skipped", (int)label.len,
                           label.p, err.message);
        return;
    }
    const src_json *entries = src_json_get(root, "entries");
    if (!entries)
        entries = root;
    tdm_entry es[MAX_ENTRIES];
    size_t n = 0;
    if (entries->type == SRC_JSON_OBJECT)
        for (const src_json *m = entries->child; m && n < MAX_ENTRIES; m = m->next) {
            if (m->type != SRC_JSON_OBJECT)
                continue;
            const src_json *use = src_json_get(m, "use");
            const src_json *info = src_json_get(m, "constraint_info");
            if (!info)
                info = src_json_get(m, "constraints_info");
            es[n].key = m->key;
            es[n].use = use && use->type == SRC_JSON_STRING ? use->str : EMPTY;
            es[n].info = info && info->type == SRC_JSON_STRING ? info->str : EMPTY;
            n++;
        }
    emit(c, label, origin, es, n);
}

/* Is this an assertion label of training-mining? ("c2pa.training-mining",
 * "cawg.training-mining", optionally ".vN" and the "__N" instance suffix.) */
static bool tdm_label(ccsig_str l) {
    for (size_t i = 0; i + 1 < l.len; i++)
        if (l.p[i] == '_' && l.p[i + 1] == '_') {
            l.len = i;
            break;
        }
    if (l.len > 3) {
        size_t i = l.len;
        while (i > 0 && l.p[i - 1] >= '0' && l.p[i - 1] <= '9')
            i--;
        if (i < l.len && i >= 2 && l.p[i - 1] == 'v' && l.p[i - 2] == '.')
            l.len = i - 2;
    }
    return ccsig_str_eq(l, "c2pa.training-mining") || ccsig_str_eq(l, "cawg.training-mining");
}

/* Read one assertion superbox. */
static void assertion(ccsig_collect *c, const unsigned char *p, const box *ab, ccsig_str origin) {
    jdesc d;
    if (!jumb_desc(p, ab, &d) || !tdm_label(d.label))
        return;
    ccsig_str label = src_dup(c->arena, d.label);
    box cb;
    for (size_t off = d.content; src_box_next(p, ab->end, off, &cb); off = cb.end) {
        if (!memcmp(cb.type, "cbor", 4)) {
            cbor_assertion(c, label, origin, p + cb.payload, cb.end - cb.payload);
            return;
        }
        if (!memcmp(cb.type, "json", 4)) {
            json_assertion(c, label, origin, (const char *)p + cb.payload, cb.end - cb.payload);
            return;
        }
    }
    ccsig_provenance src = src_prov(CCSIG_SRC_C2PA, 0, origin, label);
    ccsig_collect_note(c, &src, "%.*s has no cbor or json content box: skipped", (int)label.len,
                       label.p);
}

static ccsig_status c2pa_read_store(ccsig_collect *c, const char *cp, size_t len, ccsig_str origin,
                                    ccsig_error *err) {
    const unsigned char *p = (const unsigned char *)cp;
    if (len > CCSIG_C2PA_MAX_STORE)
        return ccsig_error_set(err, CCSIG_ERR_LIMIT, CCSIG_C2PA_MAX_STORE,
                               "JUMBF manifest store larger than %u bytes", CCSIG_C2PA_MAX_STORE);
    box store;
    jdesc sd;
    if (!src_box_next(p, len, 0, &store) || memcmp(store.type, "jumb", 4) ||
        !jumb_desc(p, &store, &sd))
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "not a JUMBF superbox (expected a 'jumb' box with a 'jumd' "
                               "description)");
    if (!uuid_is(sd.uuid, "c2pa"))
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "the JUMBF superbox is not a C2PA manifest store (type 'c2pa')");
    /* The active manifest is the last manifest superbox of the store. */
    box m, active;
    bool have = false;
    unsigned count = 0;
    for (size_t off = sd.content; src_box_next(p, store.end, off, &m); off = m.end) {
        jdesc md;
        if (memcmp(m.type, "jumb", 4) || !jumb_desc(p, &m, &md))
            continue;
        if (!uuid_is(md.uuid, "c2ma") && !uuid_is(md.uuid, "c2um"))
            continue;
        active = m;
        have = true;
        if (++count > JUMBF_MAX_BOXES)
            break;
    }
    if (!have)
        return CCSIG_OK;
    jdesc ad;
    jumb_desc(p, &active, &ad);
    box s;
    for (size_t off = ad.content; src_box_next(p, active.end, off, &s); off = s.end) {
        jdesc asd;
        if (memcmp(s.type, "jumb", 4) || !jumb_desc(p, &s, &asd))
            continue;
        if (!uuid_is(asd.uuid, "c2as") && !ccsig_str_eq(asd.label, "c2pa.assertions"))
            continue;
        box a;
        unsigned na = 0;
        for (size_t o2 = asd.content; src_box_next(p, s.end, o2, &a) && na < JUMBF_MAX_BOXES;
             o2 = a.end, na++)
            if (!memcmp(a.type, "jumb", 4))
                assertion(c, p, &a, origin);
    }
    return CCSIG_OK;
}

ccsig_status ccsig_c2pa_read_store(ccsig_collect *c, const char *cp, size_t len, ccsig_str origin,
                                   ccsig_error *err) {
    bool failed = c->arena->failed;
    return src_nomem(c, failed, c2pa_read_store(c, cp, len, origin, err), err);
}
