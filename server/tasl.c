/*
 * tasl.c — full credit (TASL and the CC signal) for the files of the
 * collection: the per-file credit records of tasl.h, and what every answer
 * carries from them (server.h "credit"): the credit text and JSON of search
 * hits and bulk manifest entries, and the Link field of file responses.
 *
 * The records are the library's (ccsig/attribution.h); this file only says
 * which bytes the readers see and fills in what the policy knows.
 */
#include "tasl.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ccsig/alloc.h"
#include "ccsig/attribution.h"
#include "ccsig/hashmap.h"
#include "ccsig/sf.h"
#include "ccsig/url.h"
#include "ccsig/sources.h"
#include "server.h"

typedef struct tasl_entry {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtim;
    int64_t side;              /* sidecars' fingerprint (side_stamp) */
    _Atomic int64_t checked_s; /* when the sidecars were last looked at */
    ccsig_arena arena;         /* the record's strings and link */
    ccsig_credit_record rec;   /* with the policy's defaults filled in */
    const char *link;          /* the Link field value */
} tasl_entry;

struct tasl {
    pthread_rwlock_t lock;
    ccsig_hashmap map; /* path ("/dir/a.txt") -> tasl_entry * */
    _Atomic size_t builds;
};

/* Free one entry (NULL is a no-op). */
static void entry_free(tasl_entry *e) {
    if (!e)
        return;
    ccsig_arena_free(&e->arena);
    ccsig_free(e);
}

/* A new cache: see tasl.h. */
tasl *tasl_new(void) {
    tasl *t = ccsig_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    pthread_rwlock_init(&t->lock, NULL);
    ccsig_hashmap_init(&t->map, sizeof(tasl_entry *));
    return t;
}

/* Free every entry and the map, under no lock (the server has stopped). */
static void clear_entries(tasl *t) {
    size_t pos = 0;
    ccsig_str key;
    void *v;
    while (ccsig_hashmap_next(&t->map, &pos, &key, &v))
        entry_free(*(tasl_entry **)v);
    ccsig_hashmap_clear(&t->map);
}

/* Free the cache: see tasl.h. */
void tasl_free(tasl *t) {
    if (!t)
        return;
    clear_entries(t);
    ccsig_hashmap_free(&t->map);
    pthread_rwlock_destroy(&t->lock);
    ccsig_free(t);
}

/* Records built so far. */
size_t tasl_builds(const tasl *t) {
    return t ? atomic_load(&((tasl *)t)->builds) : 0;
}

/* ---- the sidecars of a file ---- */

/* The sidecar names of rel: FILE.xmp and STEM.xmp (rel without its last
 * extension), as `ccsig inspect` looks for them. out[k] gets each (empty
 * when there is no second one). */
static void sidecar_names(const char *rel, char out[2][HU_MAX_PATH + 8]) {
    snprintf(out[0], sizeof out[0], "%s.xmp", rel);
    const char *slash = strrchr(rel, '/'), *dot = strrchr(rel, '.');
    if (dot && (!slash || dot > slash + 1))
        snprintf(out[1], sizeof out[1], "%.*s.xmp", (int)(dot - rel), rel);
    else
        out[1][0] = '\0';
}

/* Whether rel names a sidecar itself (read as the file, not beside one). */
static bool is_sidecar(const char *rel) {
    size_t n = strlen(rel);
    return n > 4 && !strcasecmp(rel + n - 4, ".xmp");
}

/* A fingerprint of the sidecars of rel that exist: their modification
 * times and sizes, so that a new, changed or removed sidecar changes it. */
static int64_t side_stamp(coll *c, const char *rel) {
    char names[2][HU_MAX_PATH + 8];
    sidecar_names(rel, names);
    int64_t h = 0;
    for (int k = 0; k < 2; k++) {
        struct stat st;
        if (!names[k][0] || !coll_served(c, names[k], &st) || !S_ISREG(st.st_mode))
            continue;
        h = h * 31 + (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec +
            (int64_t)st.st_size * 7 + k + 1;
    }
    return h;
}

/* Read up to max bytes at off of fd into buf; returns bytes read. */
static size_t read_at(int fd, char *buf, size_t max, off_t off) {
    size_t got = 0;
    while (got < max) {
        ssize_t n = pread(fd, buf + got, max - got, off + (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

/* What the evaluation hook reads beside the built-in readers. */
typedef struct hook_ctx {
    server *s;
    const char *rel;
    const char *body; /* the file's first bytes */
    size_t len;
    ccsig_arena *scratch; /* sidecar bytes (the facts point into them) */
} hook_ctx;

/* Whether name ends with suffix, ASCII case-insensitively. */
static bool ends_with_ci(const char *name, const char *suffix) {
    size_t n = strlen(name), m = strlen(suffix);
    return n >= m && !strcasecmp(name + n - m, suffix);
}

/* The evaluation hook: XMP sidecars, Markdown front matter and dataset
 * metadata files. A sidecar or metadata that cannot be read gives no facts
 * (the file keeps the policy's credit), never an error of the response. */
static void read_beside(ccsig_collect *c, void *ctx) {
    hook_ctx *h = ctx;
    ccsig_error err;
    ccsig_error_clear(&err);
    const char *slash = strrchr(h->rel, '/');
    const char *base = slash ? slash + 1 : h->rel;
    ccsig_dataset_format f;
    if (ends_with_ci(base, ".md") || ends_with_ci(base, ".markdown")) {
        if (h->len >= 3 && !memcmp(h->body, "---", 3))
            ccsig_dataset_read(c, CCSIG_DATASET_CARD, h->body, h->len, ccsig_str_c(h->rel), &err);
    } else if (ccsig_dataset_format_for_name(base, &f)) {
        ccsig_dataset_read(c, f, h->body, h->len, ccsig_str_c(h->rel), &err);
    } else if (is_sidecar(h->rel)) {
        ccsig_str pk;
        if (ccsig_xmp_find_packet(h->body, h->len, 0, &pk))
            ccsig_xmp_read_packet(c, pk.p, pk.len, ccsig_str_c(h->rel), &err);
    }
    if (is_sidecar(h->rel))
        return;
    char names[2][HU_MAX_PATH + 8];
    sidecar_names(h->rel, names);
    for (int k = 0; k < 2; k++) {
        struct stat st;
        if (!names[k][0] || !coll_served(h->s->coll, names[k], &st) || !S_ISREG(st.st_mode) ||
            st.st_size > (off_t)TASL_SIDECAR_MAX)
            continue;
        int fd = coll_openat(h->s->coll, names[k], O_RDONLY | O_NONBLOCK);
        if (fd < 0)
            continue;
        char *buf = ccsig_arena_alloc(h->scratch, (size_t)st.st_size + 1);
        size_t n = buf ? read_at(fd, buf, (size_t)st.st_size, 0) : 0;
        close(fd);
        char *origin = buf ? ccsig_arena_dup(h->scratch, names[k], strlen(names[k])) : NULL;
        ccsig_str pk;
        if (origin && ccsig_xmp_find_packet(buf, n, 0, &pk))
            ccsig_xmp_read_packet(c, pk.p, pk.len, ccsig_str_c(origin), &err);
    }
}

/* ---- making a record ---- */

/* The address of path at the gateway. */
static void public_link(const server *s, const char *path, ccsig_buf *out) {
    ccsig_buf_puts(out, s->pol->public_url);
    hu_url_path(out, path, strlen(path));
}

/* A copy of a NUL-terminated string in a (NULL stays NULL). */
static const char *adup(ccsig_arena *a, const char *s) {
    return s ? ccsig_arena_dup(a, s, strlen(s)) : NULL;
}

/* Whether url may stand between < and > in a Link field: printable ASCII
 * without spaces or angle brackets, and http(s). */
static bool link_target_ok(const char *url) {
    if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
        return false;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || *p == '<' || *p == '>')
            return false;
    return true;
}

/* Append one Link parameter: name="value" (RFC 9110 quoted-string, the
 * Structured Fields string serialiser) when value is printable ASCII, else
 * name*=UTF-8''... (RFC 8187). Nothing when value is NULL or empty. */
static void link_param(ccsig_buf *b, const char *name, const char *value) {
    if (!value || !*value)
        return;
    bool ascii = true;
    for (const unsigned char *p = (const unsigned char *)value; *p && ascii; p++)
        ascii = *p >= 0x20 && *p < 0x7f;
    ccsig_buf_printf(b, "; %s", name);
    if (ascii) {
        ccsig_sf_bare v = {.type = CCSIG_SF_STRING};
        v.v.str = ccsig_str_c(value);
        ccsig_buf_putc(b, '=');
        ccsig_sf_serialize_bare(b, &v, NULL);
    } else {
        ccsig_buf_puts(b, "*=UTF-8''");
        hu_url_query(b, value);
    }
}

/* The Link field of a file's responses from its record: the work
 * (rel="cite-as", with its title, author and the CC signal), the collection
 * it comes from (rel="collection") and its licence (rel="license"). */
static void make_link(const ccsig_credit_record *r, const char *self, const char *signal,
                      ccsig_buf *b) {
    ccsig_buf_printf(b, "<%s>; rel=\"cite-as\"", self);
    link_param(b, "title", r->title);
    link_param(b, "author", r->author);
    link_param(b, "signal", signal);
    if (link_target_ok(r->source_link)) {
        ccsig_buf_printf(b, ", <%s>; rel=\"collection\"", r->source_link);
        link_param(b, "title", r->source);
    }
    const char *lic = link_target_ok(r->license_deed) ? r->license_deed
                      : link_target_ok(r->license)    ? r->license
                                                      : NULL;
    if (lic) {
        ccsig_buf_printf(b, ", <%s>; rel=\"license\"", lic);
        link_param(b, "title", r->license_name);
    }
}

/* The signal to show with an item: the one attached to the use at its path,
 * else the first the path's rule attaches to any category. */
static const char *item_signal(const policy_rule *rule, ccsig_category use) {
    if (!rule)
        return NULL;
    unsigned sig = (unsigned)use < CCSIG_CAT_COUNT ? rule->verdict.cat[use].signals : 0;
    for (int c = 0; !sig && c < CCSIG_CAT_COUNT; c++)
        sig = rule->verdict.cat[c].signals;
    for (int k = 1; k < CCSIG_SIGNAL_COUNT; k++)
        if (sig & (1u << k))
            return ccsig_signal_token((ccsig_signal)k);
    return NULL;
}

/* Fill what the file did not say from the policy: title (fallback), the
 * collection as the source, the policy's licence, the path's rule as the
 * deciding preference, and the time the policy was read. Strings into a. */
static void credit_defaults(const server *s, const char *path, const char *title, ccsig_arena *a,
                            ccsig_credit_record *r) {
    const policy *p = s->pol;
    if (!r->title && title)
        r->title = adup(a, title);
    if (!r->source)
        r->source = p->collection_name;
    if (!r->source_link) {
        ccsig_buf u = CCSIG_BUF_INIT;
        ccsig_buf_printf(&u, "%s/", p->public_url);
        r->source_link = adup(a, ccsig_buf_cstr(&u));
        ccsig_buf_free(&u);
    }
    if (!r->license && p->license) {
        char name[64], deed[160];
        r->license = p->license;
        r->license_name = p->license;
        if (ccsig_cc_license(p->license, name, sizeof name, deed, sizeof deed)) {
            r->license_name = adup(a, name);
            r->license_deed = adup(a, deed);
        } else if (link_target_ok(p->license)) {
            r->license_deed = p->license;
        }
        r->license_from = "policy";
    }
    const policy_rule *rule = policy_match(p, path, strlen(path));
    r->has_preference = rule != NULL;
    if (rule)
        r->preference = rule->stmt.src;
    if (!r->party) {
        ccsig_url u;
        char site[512];
        size_t sn;
        if (ccsig_url_split(ccsig_str_c(p->public_url), &u) &&
            (sn = ccsig_url_site(&u, site, sizeof site)))
            r->party = ccsig_arena_dup(a, site, sn);
    }
    char at[32];
    struct tm tm;
    time_t t = (time_t)s->started_s;
    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    r->read_at = adup(a, at);
}

/* Make the record of the file at path ("/dir/a.jpg", stat st). NULL when
 * out of memory; a file that cannot be read gets the policy's record. */
static tasl_entry *build(server *s, const char *path, const struct stat *st) {
    tasl_entry *e = ccsig_calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->dev = st->st_dev;
    e->ino = st->st_ino;
    e->size = st->st_size;
    e->mtim = st->st_mtim;
    ccsig_arena_init(&e->arena, TASL_RECORD_BLOCK);
    const char *rel = path + 1;
    e->side = side_stamp(s->coll, rel);
    atomic_store(&e->checked_s, (int64_t)time(NULL));

    size_t head = st->st_size < (off_t)TASL_HEAD ? (size_t)st->st_size : TASL_HEAD;
    char *body = ccsig_malloc(head + TASL_TAIL + 1);
    size_t blen = 0, tlen = 0;
    int fd = body ? coll_openat(s->coll, rel, O_RDONLY | O_NONBLOCK) : -1;
    if (fd >= 0) {
        blen = read_at(fd, body, head, 0);
        if ((uint64_t)st->st_size > head + TASL_TAIL)
            tlen = read_at(fd, body + head, TASL_TAIL, st->st_size - (off_t)TASL_TAIL);
        close(fd);
    }
    ccsig_buf self = CCSIG_BUF_INIT;
    public_link(s, path, &self);
    ccsig_arena scratch;
    ccsig_arena_init(&scratch, 0);
    hook_ctx h = {s, rel, body ? body : "", blen, &scratch};
    ccsig_eval_input in;
    memset(&in, 0, sizeof in);
    in.url = ccsig_str_c(ccsig_buf_cstr(&self));
    in.origin = ccsig_str_c(rel);
    in.response = true;
    in.status = 200;
    in.has_type = true;
    in.content_type = ccsig_str_c(mime_type(rel));
    in.body = h.body;
    in.body_len = blen;
    in.tail = tlen ? body + head : NULL;
    in.tail_len = tlen;
    in.more = read_beside;
    in.more_ctx = &h;
    ccsig_eval_result ev;
    ccsig_status rc = ccsig_evaluate(&in, &scratch, &ev);
    if (rc == CCSIG_OK)
        rc = ccsig_credit_record_from_eval(&ev, ccsig_buf_cstr(&self), NULL, NULL, &e->arena,
                                           &e->rec);
    if (rc != CCSIG_OK) {
        memset(&e->rec, 0, sizeof e->rec);
        e->rec.link = adup(&e->arena, ccsig_buf_cstr(&self));
    }
    /* The collection's address is the link when the file names none. */
    if (!e->rec.link)
        e->rec.link = adup(&e->arena, ccsig_buf_cstr(&self));
    search *idx = server_search(s);
    const char *title = idx ? search_title(idx, path) : NULL;
    credit_defaults(s, path, title ? title : strrchr(path, '/') + 1, &e->arena, &e->rec);
    ccsig_buf link = CCSIG_BUF_INIT;
    make_link(&e->rec, ccsig_buf_cstr(&self),
              item_signal(policy_match(s->pol, path, strlen(path)), CCSIG_CAT_NONE), &link);
    e->link = adup(&e->arena, ccsig_buf_cstr(&link));
    ccsig_buf_free(&link);
    ccsig_buf_free(&self);
    ccsig_arena_free(&scratch);
    ccsig_free(body);
    if (e->arena.failed) {
        entry_free(e);
        return NULL;
    }
    atomic_fetch_add(&s->tasl->builds, 1);
    return e;
}

/* Whether e still describes the file of stat st (and its sidecars). */
static bool fresh(server *s, const char *path, tasl_entry *e, const struct stat *st) {
    if (e->dev != st->st_dev || e->ino != st->st_ino || e->size != st->st_size ||
        e->mtim.tv_sec != st->st_mtim.tv_sec || e->mtim.tv_nsec != st->st_mtim.tv_nsec)
        return false;
    int64_t now = (int64_t)time(NULL);
    if (now - atomic_load(&e->checked_s) < TASL_RECHECK_S)
        return true;
    if (side_stamp(s->coll, path + 1) != e->side)
        return false;
    atomic_store(&e->checked_s, now);
    return true;
}

typedef void (*with_fn)(const ccsig_credit_record *r, const char *link, void *ctx);

/* Call fn with the record of path (and its Link value) under the cache's
 * lock; st may be NULL (the file is looked up). A path that is no longer a
 * file gets a record of the policy alone (title: the caller's). */
static void with_record(const server *cs, const char *path, const struct stat *st,
                        const char *title, with_fn fn, void *ctx) {
    server *s = (server *)cs; /* the cache is the only thing changed */
    tasl *t = s->tasl;
    struct stat own;
    if (!st) {
        if (!coll_served(s->coll, path + 1, &own) || !S_ISREG(own.st_mode))
            st = NULL;
        else
            st = &own;
    }
    if (!st || !t) {
        ccsig_arena a;
        ccsig_arena_init(&a, 0);
        ccsig_credit_record r;
        memset(&r, 0, sizeof r);
        ccsig_buf self = CCSIG_BUF_INIT;
        public_link(s, path, &self);
        r.link = adup(&a, ccsig_buf_cstr(&self));
        credit_defaults(s, path, title, &a, &r);
        fn(&r, NULL, ctx);
        ccsig_buf_free(&self);
        ccsig_arena_free(&a);
        return;
    }
    size_t plen = strlen(path);
    pthread_rwlock_rdlock(&t->lock);
    tasl_entry **slot = ccsig_hashmap_get(&t->map, path, plen);
    if (slot && fresh(s, path, *slot, st)) {
        fn(&(*slot)->rec, (*slot)->link, ctx);
        pthread_rwlock_unlock(&t->lock);
        return;
    }
    pthread_rwlock_unlock(&t->lock);
    tasl_entry *e = build(s, path, st);
    if (!e) {
        fn(NULL, NULL, ctx);
        return;
    }
    pthread_rwlock_wrlock(&t->lock);
    if (ccsig_hashmap_count(&t->map) >= TASL_CACHE_MAX)
        clear_entries(t);
    bool created;
    slot = ccsig_hashmap_put(&t->map, path, plen, &created);
    if (slot) {
        if (!created)
            entry_free(*slot);
        *slot = e;
    }
    fn(&e->rec, e->link, ctx);
    pthread_rwlock_unlock(&t->lock);
    if (!slot)
        entry_free(e);
}

/* ---- what answers carry (server.h) ---- */

/* The credit text: the policy's template with {title}, {author},
 * {collection}, {url}, {license} and {tasl} (the library's TASL line,
 * ccsig_cite_attribution) replaced. */
static void credit_text(const server *s, const ccsig_credit_record *r, const char *url,
                        ccsig_buf *out) {
    static const struct {
        const char *name;
        size_t len;
    } ph[] = {{"{title}", 7}, {"{author}", 8},  {"{collection}", 12},
              {"{url}", 5},   {"{license}", 9}, {"{tasl}", 6}};
    const char *t = s->pol->credit_template;
    while (*t) {
        size_t k = 0;
        while (k < sizeof ph / sizeof ph[0] && strncmp(t, ph[k].name, ph[k].len))
            k++;
        if (k == sizeof ph / sizeof ph[0]) {
            ccsig_buf_putc(out, *t++);
            continue;
        }
        t += ph[k].len;
        const char *v = NULL;
        switch (k) {
        case 0:
            v = r->title;
            break;
        case 1:
            v = r->author;
            break;
        case 2:
            v = s->pol->collection_name;
            break;
        case 3:
            v = url;
            break;
        case 4:
            v = r->license_name ? r->license_name : r->license;
            break;
        default:
            ccsig_cite_attribution(out, CCSIG_CITE_TEXT, r);
        }
        if (v)
            ccsig_buf_puts(out, v);
    }
}

typedef struct credit_ctx {
    const server *s;
    const char *path;
    ccsig_category use;
    ccsig_buf *text;
    ccsig_buf *json; /* NULL: text only */
    const char *signal;
    ccsig_buf *link;
} credit_ctx;

/* with_record's callback for the text, JSON and Link forms. */
static void credit_cb(const ccsig_credit_record *rec, const char *link, void *ctx) {
    credit_ctx *c = ctx;
    const policy_rule *rule = policy_match(c->s->pol, c->path, strlen(c->path));
    c->signal = item_signal(rule, c->use);
    if (c->link) {
        if (link)
            ccsig_buf_puts(c->link, link);
        return;
    }
    if (!rec)
        return;
    ccsig_credit_record r = *rec;
    /* The decision for the use (or the signal shown, for none): what the
     * path's rule asks of a reuser who commits to every condition. */
    r.use = c->use;
    r.signals = 0;
    r.obligations = 0;
    r.result = CCSIG_RESULT_UNKNOWN;
    if (rule && (unsigned)c->use < CCSIG_CAT_COUNT) {
        ccsig_profile prof = {c->use, CCSIG_COND_ALL, CCSIG_PURPOSE_NONE, 0};
        ccsig_decision d;
        ccsig_decide(&rule->verdict, &prof, &d);
        r.result = d.result;
        r.obligations = d.obligations;
        r.signals = rule->verdict.cat[c->use].signals;
    } else if (c->signal) {
        ccsig_signal sg;
        if (ccsig_signal_from_token(c->signal, strlen(c->signal), &sg)) {
            r.signals = 1u << sg;
            r.obligations = ccsig_signal_conditions(sg);
        }
    }
    ccsig_buf url = CCSIG_BUF_INIT;
    public_link(c->s, c->path, &url);
    credit_text(c->s, &r, ccsig_buf_cstr(&url), c->text);
    ccsig_buf_free(&url);
    if (!c->json)
        return;
    ccsig_buf *b = c->json;
    ccsig_buf_puts(b, "{\"text\":");
    ccsig_buf_json_str(b, c->text->data ? c->text->data : "", c->text->len);
    ccsig_buf_puts(b, ",\"collection\":");
    ccsig_buf_json_str(b, c->s->pol->collection_name, strlen(c->s->pol->collection_name));
    ccsig_buf_puts(b, ",\"url\":");
    ccsig_buf_json_str(b, r.source_link, strlen(r.source_link));
    ccsig_buf_puts(b, ",\"signal\":");
    if (c->signal)
        ccsig_buf_json_str(b, c->signal, strlen(c->signal));
    else
        ccsig_buf_puts(b, "null");
    /* then the library's credit record, its members in the same object */
    ccsig_buf rj = CCSIG_BUF_INIT;
    ccsig_credit_record_write_json(&rj, &r);
    if (rj.len > 2) {
        ccsig_buf_putc(b, ',');
        ccsig_buf_append(b, rj.data + 1, rj.len - 1);
    } else {
        ccsig_buf_putc(b, '}');
    }
    ccsig_buf_free(&rj);
}

/* The credit text and signal of an item: see server.h. */
void server_credit(const server *s, const char *path, const char *title, ccsig_category use,
                   ccsig_buf *text, const char **signal) {
    credit_ctx c = {s, path, use, text, NULL, NULL, NULL};
    with_record(s, path, NULL, title, credit_cb, &c);
    *signal = c.signal;
}

/* The credit object of an item: see server.h. */
void server_credit_json(const server *s, const char *path, const char *title, ccsig_category use,
                        ccsig_buf *out) {
    ccsig_buf text = CCSIG_BUF_INIT;
    size_t before = out->len;
    credit_ctx c = {s, path, use, &text, out, NULL, NULL};
    with_record(s, path, NULL, title, credit_cb, &c);
    if (out->len == before) /* out of memory: the object without a record */
        ccsig_buf_puts(out, "{\"text\":\"\",\"collection\":null,\"url\":null,\"signal\":null}");
    ccsig_buf_free(&text);
}

/* The Link field of a file response: see server.h. */
void server_credit_link(const server *s, const char *rel, const struct stat *st, reply *rp) {
    char path[HU_MAX_PATH + 2];
    snprintf(path, sizeof path, "/%s", rel);
    ccsig_buf link = CCSIG_BUF_INIT;
    credit_ctx c = {s, path, CCSIG_CAT_NONE, NULL, NULL, NULL, &link};
    with_record(s, path, st, NULL, credit_cb, &c);
    if (link.len)
        reply_header_line(rp, "Link", "%s", ccsig_buf_cstr(&link));
    ccsig_buf_free(&link);
}
