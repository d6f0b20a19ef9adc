/*
 * journal.c — the ledger's journal (see journal.h).
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sysio.h"

#define IMPORT_EVERY_MS 100
#define IMPORT_CHUNK (1u << 20)  /* bytes read at a time */
#define ROTATE_BYTES (16u << 20) /* switch segments past this size */
#define IMPORT_BATCH 4096        /* records per transaction */

typedef struct segment {
    char *path;
    int fd;
    /* Appends and emptying. One append at a time: a write cut short (a
     * full disk) is cut off again before any other line can follow it, so
     * an acknowledged line is never glued to a torn one. */
    pthread_mutex_t lock;
    off_t torn_at; /* >= 0: a cut append starts here, not yet cut off */
} segment;

struct journal {
    store *st;
    segment seg[JOURNAL_SEGMENTS];
    atomic_int active;  /* the segment appends go to */
    atomic_int failing; /* the last append failed (logged once per streak) */
    int64_t rotate_bytes;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stopping;
};

/* ---- lines ---- */

static size_t put_field(char *o, const char *s) {
    static const char hx[] = "0123456789abcdef";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '\\') {
            o[n++] = '\\';
            o[n++] = 'x';
            o[n++] = hx[*p >> 4];
            o[n++] = hx[*p & 15];
        } else {
            o[n++] = (char)*p;
        }
    }
    return n;
}

/* Decimal, as printf's %lld writes it (no printf: this runs for every
 * keyed request). */
static size_t put_num(char *o, long long v) {
    char t[24];
    size_t n = 0, k = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    if (v < 0)
        o[k++] = '-';
    do {
        t[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n)
        o[k++] = t[--n];
    return k;
}

static size_t put_unum(char *o, unsigned long long u) {
    char t[24];
    size_t n = 0, k = 0;
    do {
        t[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n)
        o[k++] = t[--n];
    return k;
}

size_t journal_format_line(const ledger_rec *r, char *buf) {
    /* Each text field is at most 4 times its size escaped: path 512,
     * agent 255, instance 48, request id 64, the rest small: under 3.8 KB,
     * within JOURNAL_LINE_MAX. */
    size_t n = 0;
    /* L2 adds the verified signature agent and the charge (wba.h,
     * paycrawl.h) and allows reuser 0 (an unregistered agent); any other
     * record is written as L1, as before. */
    bool l2 = r->agent[0] || r->charge_micros || r->reuser_id == 0;
    memcpy(buf, l2 ? "L2\t" : "L1\t", 3);
    n = 3;
    n += put_num(buf + n, (long long)r->reuser_id);
    buf[n++] = '\t';
    n += put_field(buf + n, r->key_id);
    buf[n++] = '\t';
    n += put_num(buf + n, (long long)r->ts_ms);
    buf[n++] = '\t';
    n += put_field(buf + n, r->method);
    buf[n++] = '\t';
    n += put_field(buf + n, r->path);
    buf[n++] = '\t';
    n += put_num(buf + n, r->status);
    buf[n++] = '\t';
    n += put_unum(buf + n, (unsigned long long)r->bytes);
    buf[n++] = '\t';
    n += put_field(buf + n, r->tier);
    buf[n++] = '\t';
    n += put_field(buf + n, r->request_id);
    buf[n++] = '\t';
    n += put_field(buf + n, r->instance);
    if (l2) {
        buf[n++] = '\t';
        n += put_field(buf + n, r->agent);
        buf[n++] = '\t';
        n += put_field(buf + n, r->currency);
        buf[n++] = '\t';
        n += put_num(buf + n, (long long)r->charge_micros);
    }
    buf[n++] = '\n';
    return n;
}

static int hexv(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Copy one escaped field [p, e) into out (cap bytes with its NUL). */
static int get_field(const char *p, const char *e, char *out, size_t cap) {
    size_t n = 0;
    while (p < e) {
        char c = *p++;
        /* The writer escapes every control byte: a raw one is damage. */
        if ((unsigned char)c < 0x20 || c == 0x7f)
            return -1;
        if (c == '\\') {
            if (e - p < 3 || p[0] != 'x' || hexv(p[1]) < 0 || hexv(p[2]) < 0)
                return -1;
            c = (char)(hexv(p[1]) * 16 + hexv(p[2]));
            if (c == 0)
                return -1;
            p += 3;
        }
        if (n + 1 >= cap)
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    return 0;
}

static int get_num(const char *p, const char *e, long long lo, long long hi, long long *out) {
    if (p == e || e - p > 19)
        return -1;
    long long v = 0;
    for (; p < e; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int journal_parse_line(const char *line, size_t len, ledger_rec *r) {
    const char *f[15];
    const char *fe[15];
    size_t nf = 0;
    const char *p = line, *end = line + len;
    while (nf < 15) {
        const char *t = memchr(p, '\t', (size_t)(end - p));
        f[nf] = p;
        fe[nf] = t ? t : end;
        nf++;
        if (!t)
            break;
        p = t + 1;
    }
    bool l2 = nf == 14 && fe[0] - f[0] == 2 && memcmp(f[0], "L2", 2) == 0;
    if (!l2 && (nf != 11 || fe[0] - f[0] != 2 || memcmp(f[0], "L1", 2) != 0))
        return -1;
    memset(r, 0, sizeof *r);
    long long v;
    /* L2: reuser 0 is a signature agent no reuser registered. */
    if (get_num(f[1], fe[1], l2 ? 0 : 1, (1ll << 62), &v))
        return -1;
    r->reuser_id = v;
    if (get_field(f[2], fe[2], r->key_id, sizeof r->key_id) ||
        get_num(f[3], fe[3], 0, (1ll << 62), &v))
        return -1;
    r->ts_ms = v;
    if (get_field(f[4], fe[4], r->method, sizeof r->method) ||
        get_field(f[5], fe[5], r->path, sizeof r->path) || get_num(f[6], fe[6], 100, 599, &v))
        return -1;
    r->status = (int)v;
    if (get_num(f[7], fe[7], 0, (1ll << 62), &v))
        return -1;
    r->bytes = (uint64_t)v;
    if (get_field(f[8], fe[8], r->tier, sizeof r->tier) ||
        get_field(f[9], fe[9], r->request_id, sizeof r->request_id) ||
        get_field(f[10], fe[10], r->instance, sizeof r->instance))
        return -1;
    if (l2) {
        if (get_field(f[11], fe[11], r->agent, sizeof r->agent) ||
            get_field(f[12], fe[12], r->currency, sizeof r->currency) ||
            get_num(f[13], fe[13], 0, (1ll << 62), &v))
            return -1;
        r->charge_micros = v;
    }
    return 0;
}

/* ---- import ---- */

static int keep_file(void *arg) {
    (void)arg;
    return 0;
}

/* Import everything complete after the stored offset. Returns 0 (done, or
 * nothing to do), -1 on error. *size_out: the file's size seen. */
static int import_once(store *st, int fd, const char *name, int64_t *size_out) {
    ledger_rec *recs = malloc(IMPORT_BATCH * sizeof *recs);
    char *buf = malloc(IMPORT_CHUNK + 1);
    int rc = 0;
    if (!recs || !buf) {
        free(recs);
        free(buf);
        return -1;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        int64_t off;
        if (store_journal_offset(st, name, &off) != 0) {
            rc = -1;
            break;
        }
        struct stat sb;
        if (fstat(fd, &sb) != 0) {
            rc = -1;
            break;
        }
        *size_out = sb.st_size;
        if (off > sb.st_size) {
            /* Emptied by a gateway that died before it reset the offset. */
            if (store_journal_reset(st, name, off, keep_file, NULL) < 0) {
                rc = -1;
                break;
            }
            continue;
        }
        if (off == sb.st_size)
            break;
        ssize_t got = pread(fd, buf, IMPORT_CHUNK, (off_t)off);
        if (got <= 0) {
            rc = got < 0 ? -1 : 0;
            break;
        }
        size_t n = 0, used = 0;
        const char *p = buf, *end = buf + got;
        while (p < end && n < IMPORT_BATCH) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl)
                break; /* incomplete: the rest of the chunk, or a cut write */
            if (journal_parse_line(p, (size_t)(nl - p), &recs[n]) == 0)
                n++;
            else
                fprintf(stderr, "ccsig serve: %s: skipping a damaged journal line at byte %lld\n",
                        name, (long long)(off + (p - buf)));
            p = nl + 1;
            used = (size_t)(p - buf);
        }
        if (used == 0) {
            if (got == IMPORT_CHUNK) {
                fprintf(stderr, "ccsig serve: %s: a journal line longer than %u bytes\n", name,
                        IMPORT_CHUNK);
                rc = -1;
            }
            break; /* only an incomplete line: wait for the rest */
        }
        int r = store_journal_import(st, name, off, recs, n, off + (int64_t)used);
        if (r < 0) {
            rc = -1;
            break;
        }
        /* r == 1: another process imported meanwhile: read the offset again. */
    }
    free(recs);
    free(buf);
    return rc;
}

/* ---- segments ---- */

static void seg_path(const char *base, int i, char *out, size_t n) {
    if (i == 0)
        snprintf(out, n, "%s", base);
    else
        snprintf(out, n, "%s.%d", base, i);
}

/* The time of a segment's first complete record (INT64_MAX when none), so
 * that the older content is imported first. */
static int64_t first_ts(int fd) {
    char buf[JOURNAL_LINE_MAX];
    ssize_t got = pread(fd, buf, sizeof buf, 0);
    const char *nl = got > 0 ? memchr(buf, '\n', (size_t)got) : NULL;
    ledger_rec r;
    if (!nl || journal_parse_line(buf, (size_t)(nl - buf), &r) != 0)
        return INT64_MAX;
    return r.ts_ms;
}

/* Import both segments of fds/names, the one with the older records first. */
static int import_both(store *st, const int fd[JOURNAL_SEGMENTS],
                       const char *const name[JOURNAL_SEGMENTS], int64_t size[JOURNAL_SEGMENTS]) {
    int first = first_ts(fd[1]) < first_ts(fd[0]) ? 1 : 0;
    int rc = 0;
    for (int k = 0; k < JOURNAL_SEGMENTS; k++) {
        int i = (first + k) % JOURNAL_SEGMENTS;
        size[i] = 0;
        if (fd[i] >= 0 && import_once(st, fd[i], name[i], &size[i]) != 0)
            rc = -1;
    }
    return rc;
}

int journal_import_file(store *st, const char *path) {
    char p[JOURNAL_SEGMENTS][4200];
    int fd[JOURNAL_SEGMENTS];
    const char *name[JOURNAL_SEGMENTS];
    int rc = 0;
    for (int i = 0; i < JOURNAL_SEGMENTS; i++) {
        seg_path(path, i, p[i], sizeof p[i]);
        name[i] = p[i];
        fd[i] = open(p[i], O_RDONLY | O_CLOEXEC);
        if (fd[i] < 0 && errno != ENOENT)
            rc = -1;
    }
    int64_t size[JOURNAL_SEGMENTS];
    if (import_both(st, fd, name, size) != 0)
        rc = -1;
    for (int i = 0; i < JOURNAL_SEGMENTS; i++)
        if (fd[i] >= 0)
            close(fd[i]);
    return rc;
}

/* Empty a segment whose every byte is imported (the offset was checked by
 * the store under its write lock): under the segment's write lock, so that
 * no append is under way, and only when nothing was appended since the
 * import (a late append to a segment just switched away from), which would
 * otherwise be cut. Nonzero declines. */
typedef struct retire_arg {
    segment *g;
    int64_t imported;
} retire_arg;

static int retire_cb(void *arg) {
    retire_arg *ra = arg;
    segment *g = ra->g;
    pthread_mutex_lock(&g->lock);
    struct stat sb;
    int rc = 1;
    if (g->torn_at < 0 && fstat(g->fd, &sb) == 0 && sb.st_size == ra->imported)
        rc = serve_sysio.ftruncate(g->fd, 0) == 0 ? 0 : -1;
    pthread_mutex_unlock(&g->lock);
    return rc;
}

/* One round: import both segments (the inactive one first: its records are
 * older), empty the inactive one once it is all imported, and switch when
 * the active one is large and the other empty. */
static void import_round(journal *j) {
    int a = atomic_load(&j->active), b = !a;
    int fd[JOURNAL_SEGMENTS] = {j->seg[0].fd, j->seg[1].fd};
    const char *name[JOURNAL_SEGMENTS] = {j->seg[0].path, j->seg[1].path};
    int64_t size[JOURNAL_SEGMENTS] = {0, 0};
    if (import_once(j->st, fd[b], name[b], &size[b]) != 0 ||
        import_once(j->st, fd[a], name[a], &size[a]) != 0)
        return;
    int64_t off;
    if (size[b] > 0 && store_journal_offset(j->st, name[b], &off) == 0 && off == size[b]) {
        retire_arg ra = {&j->seg[b], size[b]};
        if (store_journal_reset(j->st, name[b], off, retire_cb, &ra) == 0)
            size[b] = 0;
    }
    if (size[b] == 0 && size[a] >= j->rotate_bytes)
        atomic_store(&j->active, b);
}

static void *importer(void *arg) {
    journal *j = arg;
    pthread_mutex_lock(&j->mu);
    while (!j->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += IMPORT_EVERY_MS * 1000000L;
        ts.tv_sec += ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&j->cv, &j->mu, &ts);
        pthread_mutex_unlock(&j->mu);
        import_round(j);
        pthread_mutex_lock(&j->mu);
    }
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

static void journal_free(journal *j) {
    for (int i = 0; i < JOURNAL_SEGMENTS; i++) {
        if (j->seg[i].fd >= 0)
            close(j->seg[i].fd);
        if (j->seg[i].path)
            pthread_mutex_destroy(&j->seg[i].lock);
        free(j->seg[i].path);
    }
    free(j);
}

int journal_open(store *st, const char *path, size_t rotate_bytes, journal **out, char *err,
                 size_t errlen) {
    journal *j = calloc(1, sizeof *j);
    if (!j) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    j->st = st;
    j->rotate_bytes = rotate_bytes ? (int64_t)rotate_bytes : (int64_t)ROTATE_BYTES;
    for (int i = 0; i < JOURNAL_SEGMENTS; i++)
        j->seg[i].fd = -1;
    for (int i = 0; i < JOURNAL_SEGMENTS; i++) {
        char p[4200];
        seg_path(path, i, p, sizeof p);
        if (!(j->seg[i].path = strdup(p))) {
            snprintf(err, errlen, "out of memory");
            journal_free(j);
            return -1;
        }
        pthread_mutex_init(&j->seg[i].lock, NULL);
        j->seg[i].torn_at = -1;
        j->seg[i].fd = open(p, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (j->seg[i].fd < 0) {
            snprintf(err, errlen, "cannot open the ledger journal %s: %s", p, strerror(errno));
            journal_free(j);
            return -1;
        }
    }
    int fd[JOURNAL_SEGMENTS] = {j->seg[0].fd, j->seg[1].fd};
    const char *name[JOURNAL_SEGMENTS] = {j->seg[0].path, j->seg[1].path};
    int64_t size[JOURNAL_SEGMENTS];
    if (import_both(st, fd, name, size) != 0) {
        snprintf(err, errlen, "cannot import the ledger journal %s", path);
        journal_free(j);
        return -1;
    }
    for (int i = 0; i < JOURNAL_SEGMENTS; i++) {
        int64_t off = 0;
        if (store_journal_offset(st, name[i], &off) != 0) {
            snprintf(err, errlen, "cannot import the ledger journal %s", name[i]);
            journal_free(j);
            return -1;
        }
        /* What is left past the offset is a line a killed gateway was
         * writing (its request got no response): cut it, or the next line
         * would be glued to it. Nobody appends yet. */
        if (off < size[i] && serve_sysio.ftruncate(fd[i], (off_t)off) != 0) {
            snprintf(err, errlen, "cannot cut the torn end of %s: %s", name[i], strerror(errno));
            journal_free(j);
            return -1;
        }
        if (off < size[i])
            fprintf(stderr, "ccsig serve: %s: cut %lld bytes of an unfinished record\n", name[i],
                    (long long)(size[i] - off));
    }
    /* Both segments are imported: the importer empties the inactive one in
     * its first round. */
    atomic_init(&j->active, 0);
    atomic_init(&j->failing, 0);
    pthread_mutex_init(&j->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&j->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&j->thread, NULL, importer, j) != 0) {
        snprintf(err, errlen, "cannot start the journal importer");
        pthread_mutex_destroy(&j->mu);
        pthread_cond_destroy(&j->cv);
        journal_free(j);
        return -1;
    }
    *out = j;
    return 0;
}

/* Cut off a torn append (under the segment's lock). 0 when none is left. */
static int cut_torn(segment *g) {
    if (g->torn_at < 0)
        return 0;
    if (serve_sysio.ftruncate(g->fd, g->torn_at) != 0)
        return -1;
    g->torn_at = -1;
    return 0;
}

static void append_failed(journal *j, const segment *g, int err) {
    if (!atomic_exchange(&j->failing, 1))
        fprintf(stderr,
                "ccsig serve: ledger journal %s: cannot append: %s; keyed requests are answered "
                "503 until it can\n",
                g->path, strerror(err));
}

int journal_append(journal *j, const ledger_rec *r) {
    char line[JOURNAL_LINE_MAX];
    size_t n = journal_format_line(r, line);
    /* A segment switched away from meanwhile still takes the line: the
     * importer reads both, and empties one only when nothing came after its
     * import (retire_cb). */
    segment *g = &j->seg[atomic_load_explicit(&j->active, memory_order_acquire)];
    pthread_mutex_lock(&g->lock);
    if (cut_torn(g) != 0) {
        int e = errno;
        pthread_mutex_unlock(&g->lock);
        append_failed(j, g, e);
        return -1;
    }
    ssize_t w;
    do
        w = serve_sysio.write(g->fd, line, n);
    while (w < 0 && errno == EINTR);
    int e = w < 0 ? errno : ENOSPC; /* a short write: the disk filled up */
    if (w > 0 && (size_t)w < n) {
        /* O_APPEND: the file ends where this write ended. */
        off_t end = lseek(g->fd, 0, SEEK_END);
        g->torn_at = end >= w ? end - w : 0;
        cut_torn(g); /* else the next append cuts it first */
    }
    pthread_mutex_unlock(&g->lock);
    if (w == (ssize_t)n) {
        if (atomic_load_explicit(&j->failing, memory_order_relaxed) &&
            atomic_exchange(&j->failing, 0))
            fprintf(stderr, "ccsig serve: ledger journal %s: appends work again\n", g->path);
        return 0;
    }
    append_failed(j, g, e);
    return -1;
}

void journal_close(journal *j) {
    if (!j)
        return;
    pthread_mutex_lock(&j->mu);
    j->stopping = 1;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->thread, NULL);
    int fd[JOURNAL_SEGMENTS] = {j->seg[0].fd, j->seg[1].fd};
    const char *name[JOURNAL_SEGMENTS] = {j->seg[0].path, j->seg[1].path};
    int64_t size[JOURNAL_SEGMENTS];
    import_both(j->st, fd, name, size);
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->cv);
    journal_free(j);
}
