/*
 * files.c — the collection on disk (see files.h).
 */
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ccsig/alloc.h"
#include "httputil.h"

struct coll {
    int root;
    char *path;
    int have_openat2;
};

int coll_open(const char *dir, coll **out, char *err, size_t errlen) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open the collection directory %s: %s", dir, strerror(errno));
        return -1;
    }
    coll *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(dir))) {
        free(c);
        close(fd);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->root = fd;
    struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    long r = syscall(SYS_openat2, fd, ".", &how, sizeof how);
    c->have_openat2 = r >= 0 || errno != ENOSYS;
    if (r >= 0)
        close((int)r);
    *out = c;
    return 0;
}

void coll_close(coll *c) {
    if (!c)
        return;
    close(c->root);
    free(c->path);
    free(c);
}

const char *coll_path(const coll *c) {
    return c->path;
}

/* Fallback without openat2: walk component by component, refusing every
 * symbolic link (O_NOFOLLOW) and every ".." (hu_safe_path already did). */
static int open_nofollow(coll *c, const char *rel, int flags) {
    int dir = dup(c->root);
    if (dir < 0)
        return -1;
    const char *p = rel;
    for (;;) {
        const char *slash = strchr(p, '/');
        char name[256];
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || n >= sizeof name) {
            close(dir);
            errno = ENOENT;
            return -1;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        int fd =
            openat(dir, name, (slash ? O_RDONLY | O_DIRECTORY : flags) | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        close(dir);
        if (fd < 0) {
            errno = e;
            return -1;
        }
        if (!slash)
            return fd;
        dir = fd;
        p = slash + 1;
    }
}

int coll_openat(coll *c, const char *rel, int flags) {
    if (!*rel)
        rel = ".";
    if (c->have_openat2) {
        struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC),
                               .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
        long fd;
        do
            fd = syscall(SYS_openat2, c->root, rel, &how, sizeof how);
        while (fd < 0 && errno == EAGAIN);
        return (int)fd;
    }
    if (!strcmp(rel, "."))
        return openat(c->root, ".", flags | O_CLOEXEC);
    return open_nofollow(c, rel, flags);
}

static const struct {
    const char *ext, *type;
} types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"xhtml", "application/xhtml+xml"},
    {"txt", "text/plain; charset=utf-8"},
    {"text", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"markdown", "text/markdown; charset=utf-8"},
    {"rst", "text/plain; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"tsv", "text/tab-separated-values; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"jsonl", "application/jsonl"},
    {"xml", "application/xml"},
    {"pdf", "application/pdf"},
    {"epub", "application/epub+zip"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"svg", "image/svg+xml"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"wav", "audio/wav"},
    {"mp4", "video/mp4"},
    {"webm", "video/webm"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"tar", "application/x-tar"},
    {"warc", "application/warc"},
};

static const char *extension(const char *name) {
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    const char *dot = strrchr(base, '.');
    return dot && dot != base ? dot + 1 : "";
}

const char *mime_type(const char *name) {
    const char *e = extension(name);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcasecmp(e, types[i].ext))
            return types[i].type;
    return "application/octet-stream";
}

static size_t put_hex(char *o, unsigned long long v) {
    static const char hx[] = "0123456789abcdef";
    char t[16];
    size_t n = 0;
    do {
        t[n++] = hx[v & 15];
        v >>= 4;
    } while (v);
    for (size_t i = 0; i < n; i++)
        o[i] = t[n - 1 - i];
    return n;
}

void make_etag(const struct stat *st, char out[80]) {
    /* "size-mtime_ns-inode" in hex, written by hand: every file served
     * needs one. */
    size_t n = 0;
    out[n++] = '"';
    n += put_hex(out + n, (unsigned long long)st->st_size);
    out[n++] = '-';
    n += put_hex(out + n, (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
                              (unsigned long long)st->st_mtim.tv_nsec);
    out[n++] = '-';
    n += put_hex(out + n, (unsigned long long)st->st_ino);
    out[n++] = '"';
    out[n] = '\0';
}

bool coll_served(coll *c, const char *rel, struct stat *st) {
    char url[HU_MAX_PATH + 2], out[HU_MAX_PATH + 1];
    bool dir;
    int n = snprintf(url, sizeof url, "/%s", rel);
    if (n < 2 || (size_t)n >= sizeof url ||
        hu_safe_path(url, (size_t)n, out, sizeof out, &dir) != 0)
        return false;
    int fd = coll_openat(c, rel, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return false;
    bool ok = fstat(fd, st) == 0 && (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode));
    close(fd);
    return ok;
}

/* ---- walking ---- */

typedef struct walk {
    coll *c;
    coll_list *out;
    size_t cap;
    int err;
} walk;

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_file(walk *w, const char *rel, const struct stat *st) {
    if (w->out->n >= COLL_MAX_FILES)
        return -1;
    if (w->out->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256;
        coll_file *v = realloc(w->out->v, cap * sizeof *v);
        if (!v)
            return -1;
        w->out->v = v;
        w->cap = cap;
    }
    char *d = strdup(rel);
    if (!d)
        return -1;
    w->out->v[w->out->n++] =
        (coll_file){d, (uint64_t)st->st_size, (int64_t)st->st_mtim.tv_sec, NULL};
    return 0;
}

static int walk_dir(walk *w, const char *rel, int depth) {
    if (depth > COLL_MAX_DEPTH)
        return 0;
    int fd = coll_openat(w->c, rel, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return 0;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[n] = strdup(de->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char child[HU_MAX_PATH + 1];
        int len = snprintf(child, sizeof child, "%s%s%s", rel, *rel ? "/" : "", names[i]);
        /* Paths past 1000 bytes are not listed: they would not fit the
         * archive's two pax blocks, and no URL should be that long. */
        if (rc || len < 0 || len > 1000)
            continue;
        /* What a GET of the file would serve, nothing else. */
        struct stat st, lst;
        if (!coll_served(w->c, child, &st))
            continue;
        if (S_ISDIR(st.st_mode)) {
            /* A real directory, not a link to one (no loops). */
            int dfd = coll_openat(w->c, rel, O_RDONLY | O_DIRECTORY);
            if (dfd < 0)
                continue;
            int ls = fstatat(dfd, names[i], &lst, AT_SYMLINK_NOFOLLOW);
            close(dfd);
            if (ls == 0 && S_ISDIR(lst.st_mode))
                rc = walk_dir(w, child, depth + 1);
            continue;
        }
        rc = add_file(w, child, &st);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static int cmp_file(const void *a, const void *b) {
    return strcmp(((const coll_file *)a)->rel, ((const coll_file *)b)->rel);
}

int coll_list_files(coll *c, coll_list *out) {
    memset(out, 0, sizeof *out);
    walk w = {c, out, 0, 0};
    int rc = walk_dir(&w, "", 0);
    qsort(out->v, out->n, sizeof *out->v, cmp_file);
    return rc;
}

void coll_list_free(coll_list *l) {
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].rel);
        ccsig_free(l->v[i].pax);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- tar ---- */

/* Entries may carry pax records of their own (per-file terms) besides a
 * long path, so an entry's headers are allocated to their size: the pax
 * header, its data blocks and the ustar header. Entry 0 is the in-memory
 * member when there is one; entry i is files.v[i - has_mem] otherwise. */
typedef struct tar_entry {
    uint64_t off;      /* where this entry's headers start */
    uint64_t data_off; /* where its data starts */
    uint64_t size;     /* data size announced */
    char *hdr;         /* [pax header + its data] + ustar header */
    size_t hdr_len;
} tar_entry;

struct tar_stream {
    coll *c;
    coll_list files;
    bool has_mem;  /* entry 0 is mem */
    ccsig_buf mem; /* the in-memory member's data */
    tar_entry *e;
    size_t ne;
    uint64_t total;
    size_t cur; /* cache: entry whose fd is open */
    int cur_fd;
};

static void octal(char *dst, size_t n, uint64_t v) {
    /* n-1 octal digits and a NUL. */
    dst[n - 1] = '\0';
    for (size_t i = n - 1; i-- > 0;) {
        dst[i] = (char)('0' + (v & 7));
        v >>= 3;
    }
}

static void ustar_header(char *h, const char *name, const char *prefix, uint64_t size,
                         int64_t mtime, char type) {
    memset(h, 0, 512);
    snprintf(h, 100, "%s", name);
    octal(h + 100, 8, type == 'x' ? 0644 : 0444);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    octal(h + 124, 12, size);
    octal(h + 136, 12, (uint64_t)(mtime < 0 ? 0 : mtime));
    memset(h + 148, ' ', 8);
    h[156] = type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    if (prefix)
        snprintf(h + 345, 155, "%s", prefix);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += (unsigned char)h[i];
    snprintf(h + 148, 8, "%06o", sum);
    h[155] = ' ';
}

void tar_pax_record(ccsig_buf *out, const char *key, const char *value) {
    /* "LEN key=value\n", where LEN counts itself. */
    size_t body = strlen(key) + strlen(value) + 3; /* ' ', '=', '\n' */
    size_t len = body + 1;
    while ((size_t)snprintf(NULL, 0, "%zu", len) + body != len)
        len++;
    ccsig_buf_printf(out, "%zu %s=%s\n", len, key, value);
}

/* An entry's headers: plain ustar when the name fits (split at a '/' into
 * prefix and name) and there are no records of its own; otherwise a pax
 * header with the full path and the records, then ustar. 0, or -1 when
 * out of memory. */
static int build_entry(tar_entry *e, const char *rel, uint64_t size, int64_t mtime,
                       const char *pax) {
    size_t n = strlen(rel);
    char name[100], prefix[156];
    bool fits = false;
    prefix[0] = '\0';
    if (n < 100) {
        snprintf(name, sizeof name, "%s", rel);
        fits = true;
    } else {
        for (size_t i = n; i-- > 0;)
            if (rel[i] == '/' && i <= 154 && n - i - 1 <= 99 && n - i - 1 > 0) {
                memcpy(prefix, rel, i);
                prefix[i] = '\0';
                snprintf(name, sizeof name, "%s", rel + i + 1);
                fits = true;
                break;
            }
    }
    ccsig_buf rec = CCSIG_BUF_INIT;
    if (!fits) {
        tar_pax_record(&rec, "path", rel);
        snprintf(name, sizeof name, "%.99s", rel + n - (n > 99 ? 99 : n));
        prefix[0] = '\0';
    }
    if (pax)
        ccsig_buf_puts(&rec, pax);
    if (ccsig_buf_failed(&rec)) {
        ccsig_buf_free(&rec);
        return -1;
    }
    size_t pax_blocks = (rec.len + 511) / 512;
    e->hdr_len = (rec.len ? 512 + 512 * pax_blocks : 0) + 512;
    e->hdr = calloc(1, e->hdr_len);
    if (!e->hdr) {
        ccsig_buf_free(&rec);
        return -1;
    }
    char *h = e->hdr;
    if (rec.len) {
        ustar_header(h, "PaxHeader", NULL, rec.len, mtime, 'x');
        memcpy(h + 512, rec.data, rec.len);
        h += 512 + 512 * pax_blocks;
    }
    ustar_header(h, name, prefix[0] ? prefix : NULL, size, mtime, '0');
    ccsig_buf_free(&rec);
    return 0;
}

tar_stream *tar_new(coll *c, coll_list *files, const char *mem_name, ccsig_buf *mem,
                    int64_t mem_mtime) {
    tar_stream *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->c = c;
    t->files = *files;
    memset(files, 0, sizeof *files);
    if (mem_name && mem) {
        t->has_mem = true;
        t->mem = *mem;
        memset(mem, 0, sizeof *mem);
    }
    t->cur_fd = -1;
    t->ne = t->files.n + (t->has_mem ? 1 : 0);
    t->e = calloc(t->ne ? t->ne : 1, sizeof *t->e);
    if (!t->e) {
        tar_free(t);
        return NULL;
    }
    uint64_t off = 0;
    for (size_t i = 0; i < t->ne; i++) {
        tar_entry *e = &t->e[i];
        int rc;
        if (t->has_mem && i == 0) {
            e->size = t->mem.len;
            rc = build_entry(e, mem_name, e->size, mem_mtime, NULL);
        } else {
            const coll_file *f = &t->files.v[i - (t->has_mem ? 1 : 0)];
            e->size = f->size;
            rc = build_entry(e, f->rel, f->size, f->mtime, f->pax);
        }
        if (rc != 0) {
            tar_free(t);
            return NULL;
        }
        e->off = off;
        e->data_off = off + e->hdr_len;
        off = e->data_off + (e->size + 511) / 512 * 512;
    }
    t->total = off + 1024; /* two zero blocks end the archive */
    t->cur = (size_t)-1;
    return t;
}

uint64_t tar_size(const tar_stream *t) {
    return t->total;
}

size_t tar_read(tar_stream *t, uint64_t pos, char *buf, size_t max) {
    size_t done = 0;
    while (done < max && pos < t->total) {
        /* Binary search the entry containing pos. */
        size_t lo = 0, hi = t->ne;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (t->e[mid].off <= pos)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0 || pos >= t->total - 1024) {
            size_t n = (size_t)(t->total - pos);
            if (n > max - done)
                n = max - done;
            memset(buf + done, 0, n);
            done += n;
            pos += n;
            continue;
        }
        size_t i = lo - 1;
        tar_entry *e = &t->e[i];
        uint64_t end = e->data_off + (e->size + 511) / 512 * 512;
        if (pos < e->data_off) {
            size_t n = (size_t)(e->data_off - pos);
            if (n > max - done)
                n = max - done;
            memcpy(buf + done, e->hdr + (pos - e->off), n);
            done += n;
            pos += n;
        } else if (pos < e->data_off + e->size && t->has_mem && i == 0) {
            size_t n = (size_t)(e->data_off + e->size - pos);
            if (n > max - done)
                n = max - done;
            memcpy(buf + done, t->mem.data + (pos - e->data_off), n);
            done += n;
            pos += n;
        } else if (pos < e->data_off + e->size) {
            if (t->cur != i) {
                if (t->cur_fd >= 0)
                    close(t->cur_fd);
                t->cur_fd = coll_openat(t->c, t->files.v[i - (t->has_mem ? 1 : 0)].rel,
                                        O_RDONLY | O_NONBLOCK);
                t->cur = i;
            }
            size_t want = (size_t)(e->data_off + e->size - pos);
            if (want > max - done)
                want = max - done;
            ssize_t got = t->cur_fd >= 0
                              ? pread(t->cur_fd, buf + done, want, (off_t)(pos - e->data_off))
                              : -1;
            if (got <= 0) {
                /* Gone or shrunk: pad to the announced size. */
                memset(buf + done, 0, want);
                got = (ssize_t)want;
            }
            done += (size_t)got;
            pos += (uint64_t)got;
        } else {
            size_t n = (size_t)(end - pos);
            if (n > max - done)
                n = max - done;
            memset(buf + done, 0, n);
            done += n;
            pos += n;
        }
    }
    return done;
}

void tar_free(tar_stream *t) {
    if (!t)
        return;
    if (t->cur_fd >= 0)
        close(t->cur_fd);
    coll_list_free(&t->files);
    if (t->e)
        for (size_t i = 0; i < t->ne; i++)
            free(t->e[i].hdr);
    free(t->e);
    ccsig_buf_free(&t->mem);
    free(t);
}

/* ---- listing ---- */

int coll_listing_html(coll *c, const char *rel, const char *url_path, ccsig_buf *out) {
    int fd = coll_openat(c, rel, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && n < 10000) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        /* Only what a GET serves (no FIFO, no link that leads out). */
        char child[HU_MAX_PATH + 1];
        struct stat st;
        int cl = snprintf(child, sizeof child, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
        if (cl < 0 || (size_t)cl >= sizeof child || !coll_served(c, child, &st))
            continue;
        int isdir = S_ISDIR(st.st_mode);
        size_t len = strlen(de->d_name);
        char *s = malloc(len + 2);
        if (!s)
            break;
        memcpy(s, de->d_name, len);
        s[len] = isdir ? '/' : '\0';
        s[len + 1] = '\0';
        names[n++] = s;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    ccsig_buf_puts(out, "<h1>Index of ");
    hu_html(out, url_path);
    ccsig_buf_puts(out, "</h1>\n<ul class=\"listing\">\n");
    if (strcmp(url_path, "/") != 0)
        ccsig_buf_puts(out, "<li><a href=\"../\">../</a></li>\n");
    for (size_t i = 0; i < n; i++) {
        ccsig_buf_puts(out, "<li><a href=\"");
        ccsig_buf href = CCSIG_BUF_INIT;
        hu_url_path(&href, names[i], strlen(names[i]));
        hu_html(out, ccsig_buf_cstr(&href));
        ccsig_buf_free(&href);
        ccsig_buf_puts(out, "\">");
        hu_html(out, names[i]);
        ccsig_buf_puts(out, "</a></li>\n");
        free(names[i]);
    }
    free(names);
    ccsig_buf_puts(out, "</ul>\n");
    return 0;
}
