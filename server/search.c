/*
 * search.c — extraction, indexing and querying (see search.h).
 */
#include "search.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccsig/alloc.h"
#include "ccsig/text.h"
#include "httputil.h"

typedef struct title_entry {
    char *path;
    char *title;
} title_entry;

struct search {
    store *st;   /* PostgreSQL backend, or NULL */
    char *index; /* SQLite FTS5 file */
    sqlite3 **conns;
    unsigned nconns;
    unsigned *free_stack;
    unsigned nfree;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t ndocs;
    title_entry *titles; /* sorted by path */
};

/* ---- index ---- */

static int cmp_title(const void *a, const void *b) {
    return strcmp(((const title_entry *)a)->path, ((const title_entry *)b)->path);
}

const char *search_title(const search *s, const char *path) {
    title_entry key = {(char *)path, NULL};
    title_entry *e = bsearch(&key, s->titles, s->ndocs, sizeof key, cmp_title);
    return e ? e->title : NULL;
}

size_t search_doc_count(const search *s) {
    return s->ndocs;
}

static int read_doc(coll *c, const char *rel, size_t max, char **data, size_t *len) {
    int fd = coll_openat(c, rel, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return -1;
    char *buf = malloc(max + 1);
    size_t n = 0;
    while (buf && n < max) {
        ssize_t r = read(fd, buf + n, max - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (!buf)
        return -1;
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

static int build_sqlite(const char *index, const search_doc *docs, size_t n, char *err,
                        size_t errlen) {
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", index);
    unlink(tmp);
    sqlite3 *db = NULL;
    if (sqlite3_open(tmp, &db) != SQLITE_OK) {
        snprintf(err, errlen, "cannot create the search index %s: %s", tmp,
                 db ? sqlite3_errmsg(db) : "?");
        sqlite3_close(db);
        return -1;
    }
    char *msg = NULL;
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;"
                     "CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, body,"
                     " tokenize = 'porter unicode61 remove_diacritics 2');",
                     NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO docs (path, title, body) VALUES (?1, ?2, ?3)", -1, &st,
                           NULL) != SQLITE_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, docs[i].path, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, docs[i].title, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, docs[i].body, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_exec(db, "INSERT INTO docs(docs) VALUES ('optimize'); COMMIT;", NULL, NULL, &msg) !=
        SQLITE_OK)
        goto out;
    rc = 0;
out:
    if (rc)
        snprintf(err, errlen, "building the search index %s: %s", tmp,
                 msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (rc == 0 && rename(tmp, index) != 0) {
        snprintf(err, errlen, "cannot move the search index into place (%s): %s", index,
                 strerror(errno));
        rc = -1;
    }
    if (rc)
        unlink(tmp);
    return rc;
}

int search_open(coll *c, store *st, const char *sqlite_index, size_t max_file_bytes, unsigned pool,
                search **out, char *err, size_t errlen) {
    search *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    coll_list files;
    coll_list_files(c, &files);
    search_doc *docs = calloc(files.n ? files.n : 1, sizeof *docs);
    s->titles = calloc(files.n ? files.n : 1, sizeof *s->titles);
    int rc = docs && s->titles ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < files.n; i++) {
        if (!ccsig_text_is_doc(files.v[i].rel))
            continue;
        char *data = NULL, *body = NULL;
        size_t len = 0;
        if (read_doc(c, files.v[i].rel, max_file_bytes, &data, &len))
            continue;
        char title[256];
        if (ccsig_text_extract(files.v[i].rel, data, len, title, sizeof title, &body) == CCSIG_OK) {
            size_t k = s->ndocs++;
            size_t pl = strlen(files.v[i].rel) + 2;
            char *path = malloc(pl);
            char *t = strdup(title);
            if (!path || !t) {
                free(path);
                free(t);
                ccsig_free(body);
                rc = -1;
                s->ndocs--;
            } else {
                snprintf(path, pl, "/%s", files.v[i].rel);
                docs[k] = (search_doc){path, t, body};
                s->titles[k] = (title_entry){path, t};
            }
        }
        free(data);
    }
    coll_list_free(&files);
    if (rc)
        snprintf(err, errlen, "out of memory while indexing");
    if (rc == 0 && st && !strcmp(store_kind(st), "postgresql")) {
        s->st = st;
        if (store_search_replace(st, docs, s->ndocs)) {
            snprintf(err, errlen, "cannot write the search index to %s", store_display(st));
            rc = -1;
        }
    } else if (rc == 0) {
        s->index = strdup(sqlite_index);
        rc = s->index ? build_sqlite(sqlite_index, docs, s->ndocs, err, errlen) : -1;
        if (rc == 0) {
            s->conns = calloc(pool, sizeof *s->conns);
            s->free_stack = calloc(pool, sizeof *s->free_stack);
            for (unsigned i = 0; s->conns && s->free_stack && i < pool; i++) {
                if (sqlite3_open_v2(sqlite_index, &s->conns[i],
                                    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                                    NULL) != SQLITE_OK) {
                    snprintf(err, errlen, "cannot open the search index %s", sqlite_index);
                    sqlite3_close(s->conns[i]);
                    rc = -1;
                    break;
                }
                s->nconns++;
                s->free_stack[s->nfree++] = i;
            }
            if (!s->conns || !s->free_stack)
                rc = -1;
        }
    }
    for (size_t i = 0; docs && i < s->ndocs; i++)
        ccsig_free((char *)docs[i].body);
    free(docs);
    qsort(s->titles, s->ndocs, sizeof *s->titles, cmp_title);
    if (rc) {
        search_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

typedef struct collect {
    search_hit *hits;
    size_t n, limit;
} collect;

static int on_pg_hit(void *arg, const char *path, const char *title, const char *snippet,
                     double rank) {
    collect *c = arg;
    if (c->n >= c->limit)
        return 1;
    search_hit *h = &c->hits[c->n++];
    snprintf(h->path, sizeof h->path, "%s", path);
    snprintf(h->title, sizeof h->title, "%s", title);
    snprintf(h->snippet, sizeof h->snippet, "%s", snippet);
    h->score = rank;
    return 0;
}

/* snprintf may cut a UTF-8 sequence: trim to the last whole character. */
static void utf8_trim(char *s) {
    size_t n = strlen(s);
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0) {
        unsigned char lead = (unsigned char)s[i - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (n - (i - 1) < need)
            s[i - 1] = '\0';
    }
}

int search_query(search *s, const char *q, size_t limit, search_hit *hits, size_t *n) {
    *n = 0;
    if (limit > SEARCH_MAX_HITS)
        limit = SEARCH_MAX_HITS;
    collect col = {hits, 0, limit};
    if (s->st) {
        if (store_search_query(s->st, q, limit, on_pg_hit, &col))
            return -1;
        for (size_t i = 0; i < col.n; i++) {
            utf8_trim(hits[i].title);
            utf8_trim(hits[i].snippet);
        }
        *n = col.n;
        return 0;
    }
    ccsig_buf fq = CCSIG_BUF_INIT;
    if (!hu_fts_query(q, strlen(q), &fq)) {
        ccsig_buf_free(&fq);
        return 0;
    }
    pthread_mutex_lock(&s->mu);
    while (s->nfree == 0)
        pthread_cond_wait(&s->cv, &s->mu);
    unsigned ci = s->free_stack[--s->nfree];
    pthread_mutex_unlock(&s->mu);
    sqlite3 *db = s->conns[ci];
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT path, title, snippet(docs, 2, char(1), char(2), ' … ', 24),"
                           " bm25(docs, 0.0, 5.0, 1.0) AS r FROM docs WHERE docs MATCH ?1"
                           " ORDER BY r LIMIT ?2",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = -1;
    } else {
        sqlite3_bind_text(st, 1, ccsig_buf_cstr(&fq), -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, (int)limit);
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW && col.n < limit) {
            search_hit *h = &hits[col.n++];
            snprintf(h->path, sizeof h->path, "%s", (const char *)sqlite3_column_text(st, 0));
            snprintf(h->title, sizeof h->title, "%s", (const char *)sqlite3_column_text(st, 1));
            const unsigned char *sn = sqlite3_column_text(st, 2);
            snprintf(h->snippet, sizeof h->snippet, "%s", sn ? (const char *)sn : "");
            utf8_trim(h->title);
            utf8_trim(h->snippet);
            h->score = -sqlite3_column_double(st, 3); /* bm25: lower is better */
        }
        if (step != SQLITE_ROW && step != SQLITE_DONE) {
            fprintf(stderr, "ccsig serve: search: %s\n", sqlite3_errmsg(db));
            rc = -1;
        }
    }
    sqlite3_finalize(st);
    ccsig_buf_free(&fq);
    pthread_mutex_lock(&s->mu);
    s->free_stack[s->nfree++] = ci;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    *n = col.n;
    return rc;
}

void search_close(search *s) {
    if (!s)
        return;
    for (unsigned i = 0; i < s->nconns; i++)
        sqlite3_close(s->conns[i]);
    free(s->conns);
    free(s->free_stack);
    for (size_t i = 0; i < s->ndocs; i++) {
        free(s->titles[i].path);
        free(s->titles[i].title);
    }
    free(s->titles);
    free(s->index);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}
