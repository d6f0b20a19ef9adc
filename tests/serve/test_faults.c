/* Write faults in the usage ledger (serve.faults): the system call table of
 * sysio.h is replaced by wrappers that fail the Nth write (or every write,
 * a full disk) with ENOSPC or EIO, cut a write short, fail a
 * truncation, or fail an fsync of SQLite's. For the journal (ledger-sync: process) and the group
 * commit (ledger-sync: full) the tests check that
 *   - the failure is reported: the append or the commit says so (the
 *     gateway answers that request 503) and a line on standard error tells
 *     the steward, and another when writes work again;
 *   - no acknowledged record is lost or doubled: after the fault clears
 *     and the ledger is closed and opened again, every record whose append
 *     or commit succeeded is in the ledger exactly once, and none that
 *     failed is. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "journal.h"
#include "ledger.h"
#include "ratelimit.h"
#include "server.h"
#include "store.h"
#include "sysio.h"

/* ---- the fault injector ---- */

typedef struct fault {
    atomic_int countdown; /* calls to let through before failing; -1: off */
    atomic_int sticky;    /* keep failing once failed (a full disk) */
    atomic_int err;       /* errno to fail with; 0: cut the write short instead */
    atomic_int failed;    /* calls failed */
} fault;

static fault f_write, f_pwrite, f_trunc, f_fsync;

static void fault_off(fault *f) {
    atomic_store(&f->countdown, -1);
    atomic_store(&f->sticky, 0);
    atomic_store(&f->failed, 0);
}

/* Fail the call after the next n ones, with err (0: a short write). */
static void fault_arm(fault *f, int n, int err, int sticky) {
    atomic_store(&f->failed, 0);
    atomic_store(&f->err, err);
    atomic_store(&f->sticky, sticky);
    atomic_store(&f->countdown, n);
}

/* 1: fail this call (and set errno), 0: let it through. */
static int fault_hit(fault *f) {
    int c = atomic_load(&f->countdown);
    for (;;) {
        if (c < 0)
            return 0;
        if (c == 0)
            break;
        if (atomic_compare_exchange_weak(&f->countdown, &c, c - 1))
            return 0;
    }
    if (!atomic_load(&f->sticky))
        atomic_store(&f->countdown, -1);
    atomic_fetch_add(&f->failed, 1);
    return 1;
}

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static int (*real_ftruncate)(int, off_t);

static ssize_t t_write(int fd, const void *buf, size_t n) {
    if (fault_hit(&f_write)) {
        int e = atomic_load(&f_write.err);
        if (e == 0 && n > 1)
            return real_write(fd, buf, n / 2); /* the disk filled up mid-write */
        errno = e ? e : ENOSPC;
        return -1;
    }
    return real_write(fd, buf, n);
}

static ssize_t t_pwrite(int fd, const void *buf, size_t n, off_t off) {
    if (fault_hit(&f_pwrite)) {
        int e = atomic_load(&f_pwrite.err);
        if (e == 0 && n > 1)
            return real_pwrite(fd, buf, n / 2, off);
        errno = e ? e : ENOSPC;
        return -1;
    }
    return real_pwrite(fd, buf, n, off);
}

static int t_ftruncate(int fd, off_t len) {
    if (fault_hit(&f_trunc)) {
        errno = atomic_load(&f_trunc.err) ? atomic_load(&f_trunc.err) : EIO;
        return -1;
    }
    return real_ftruncate(fd, len);
}

static int (*real_fsync)(struct sqlite3_file *, int);

/* A failed fsync, as the unix VFS reports it. */
static int t_fsync(struct sqlite3_file *f, int flags) {
    if (fault_hit(&f_fsync))
        return SQLITE_IOERR_FSYNC;
    return real_fsync(f, flags);
}

static int setup(void **state) {
    (void)state;
    fault_off(&f_fsync);
    real_fsync = serve_sysio.fsync;
    serve_sysio.fsync = t_fsync;
    fault_off(&f_write);
    fault_off(&f_pwrite);
    fault_off(&f_trunc);
    real_write = serve_sysio.write;
    real_pwrite = serve_sysio.pwrite;
    real_ftruncate = serve_sysio.ftruncate;
    serve_sysio.write = t_write;
    serve_sysio.pwrite = t_pwrite;
    serve_sysio.ftruncate = t_ftruncate;
    return 0;
}

static void remove_test_dir(void);

static int teardown(void **state) {
    (void)state;
    remove_test_dir();
    serve_sysio.write = real_write;
    serve_sysio.pwrite = real_pwrite;
    serve_sysio.ftruncate = real_ftruncate;
    serve_sysio.fsync = real_fsync;
    return 0;
}

/* The test's directory (tmp_db), removed with what it holds by teardown. */
static char test_dir[64];

/* Remove test_dir and the files in it (the database, its journal,
 * stderr.txt), so runs leave nothing in /tmp. */
static void remove_test_dir(void) {
    if (!test_dir[0])
        return;
    DIR *d = opendir(test_dir);
    if (d) {
        struct dirent *e;
        char path[512];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(path, sizeof path, "%s/%s", test_dir, e->d_name);
                unlink(path);
            }
        closedir(d);
    }
    rmdir(test_dir);
    test_dir[0] = '\0';
}

/* ---- standard error, captured (what the steward sees) ---- */

static int saved_stderr = -1;
static char cap_path[256];

static void capture_start(const char *dir) {
    snprintf(cap_path, sizeof cap_path, "%s/stderr.txt", dir);
    fflush(stderr);
    saved_stderr = dup(2);
    int fd = open(cap_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    dup2(fd, 2);
    close(fd);
}

/* What was written to standard error since capture_start (malloc'd). */
static char *capture_end(void) {
    fflush(stderr);
    dup2(saved_stderr, 2);
    close(saved_stderr);
    FILE *f = fopen(cap_path, "r");
    assert_non_null(f);
    char *text = calloc(1, 1 << 16);
    assert_non_null(text);
    size_t n = fread(text, 1, (1 << 16) - 1, f);
    text[n] = '\0';
    fclose(f);
    fputs(text, stderr); /* keep it in the test's log */
    return text;
}

/* ---- records ---- */

#define MAXREC 4096

/* outcome[i]: 1 acknowledged, -1 refused, 0 never sent. */
typedef struct book {
    int outcome[MAXREC];
    int seen[MAXREC];
    int next;
} book;

static void make_rec(ledger_rec *r, int i) {
    memset(r, 0, sizeof *r);
    r->reuser_id = 1;
    strcpy(r->key_id, "0123456789ab");
    strcpy(r->method, "GET");
    strcpy(r->path, "/docs/a.txt");
    r->status = 200;
    r->bytes = 100;
    strcpy(r->tier, "bulk");
    strcpy(r->instance, "faults");
    r->ts_ms = now_wall_us() / 1000;
    snprintf(r->request_id, sizeof r->request_id, "r%d", i);
}

static int count_cb(void *arg, const ledger_rec *r) {
    book *b = arg;
    int i;
    if (sscanf(r->request_id, "r%d", &i) == 1 && i >= 0 && i < MAXREC)
        b->seen[i]++;
    return 0;
}

/* Every acknowledged record exactly once, no refused one. */
static void check_book(store *st, book *b) {
    memset(b->seen, 0, sizeof b->seen);
    assert_int_equal(store_ledger_export(st, count_cb, b), 0);
    int acked = 0, refused = 0;
    for (int i = 0; i < b->next; i++) {
        if (b->outcome[i] == 1) {
            acked++;
            if (b->seen[i] != 1)
                fail_msg("acknowledged record r%d is in the ledger %d times", i, b->seen[i]);
        } else if (b->outcome[i] == -1) {
            refused++;
            if (b->seen[i] != 0)
                fail_msg("refused record r%d is in the ledger %d times", i, b->seen[i]);
        }
    }
    print_message("%d acknowledged records all in the ledger once, %d refused ones absent\n", acked,
                  refused);
}

static void tmp_db(char *dir, char *db, size_t dbn, char *jp, size_t jpn) {
    assert_non_null(mkdtemp(dir));
    snprintf(test_dir, sizeof test_dir, "%s", dir);
    snprintf(db, dbn, "sqlite:%s/l.db", dir);
    journal_path_for(db, jp, jpn);
}

/* ---- the journal (ledger-sync: process) ---- */

static void journal_appends(journal *j, book *b, int n) {
    for (int k = 0; k < n; k++) {
        ledger_rec r;
        int i = b->next++;
        make_rec(&r, i);
        b->outcome[i] = journal_append(j, &r) == 0 ? 1 : -1;
    }
}

static int outcomes(const book *b, int from, int to, int want) {
    int n = 0;
    for (int i = from; i < to; i++)
        n += b->outcome[i] == want;
    return n;
}

/* A full disk under the journal: failed appends (ENOSPC, EIO), a write cut
 * short whose torn bytes are cut off, and a cut that fails too, which the
 * next append must make before it writes. */
static void test_journal_write_faults(void **state) {
    (void)state;
    char dir[] = "/tmp/ccsig-faults-XXXXXX", db[256], jp[256], err[512];
    tmp_db(dir, db, sizeof db, jp, sizeof jp);
    store *st;
    assert_int_equal(store_open(db, 2, STORE_LEDGER_SYNC_PROCESS, &st, err, sizeof err), 0);
    journal *j;
    assert_int_equal(journal_open(st, jp, 0, &j, err, sizeof err), 0);
    static book b;
    memset(&b, 0, sizeof b);

    capture_start(dir);
    journal_appends(j, &b, 50);
    assert_int_equal(outcomes(&b, 0, 50, 1), 50);

    /* The disk is full: every append fails until space is freed. */
    fault_arm(&f_write, 3, ENOSPC, 1);
    journal_appends(j, &b, 20);
    assert_int_equal(outcomes(&b, 50, 53, 1), 3);
    assert_int_equal(outcomes(&b, 53, 70, -1), 17);
    fault_off(&f_write);
    journal_appends(j, &b, 20);
    assert_int_equal(outcomes(&b, 70, 90, 1), 20);

    /* An I/O error on one write. */
    fault_arm(&f_write, 0, EIO, 0);
    journal_appends(j, &b, 5);
    assert_int_equal(b.outcome[90], -1);
    assert_int_equal(outcomes(&b, 91, 95, 1), 4);

    /* A write cut short (half a line reaches the file): the append fails
     * and the torn half is cut off at once. */
    fault_arm(&f_write, 0, 0, 0);
    journal_appends(j, &b, 5);
    assert_int_equal(b.outcome[95], -1);
    assert_int_equal(outcomes(&b, 96, 100, 1), 4);

    /* Cut short, and the cut fails: the next append cuts first; while
     * cutting fails, appends fail. */
    fault_arm(&f_write, 0, 0, 0);
    fault_arm(&f_trunc, 0, EIO, 1);
    journal_appends(j, &b, 3);
    assert_int_equal(outcomes(&b, 100, 103, -1), 3);
    fault_off(&f_trunc);
    journal_appends(j, &b, 10);
    assert_int_equal(outcomes(&b, 103, 113, 1), 10);
    char *log = capture_end();
    assert_non_null(strstr(log, "cannot append: No space left on device; keyed requests are "
                                "answered 503"));
    assert_non_null(strstr(log, "cannot append: Input/output error"));
    assert_non_null(strstr(log, "appends work again"));
    /* No torn line was ever imported as damage next to a good one. */
    assert_null(strstr(log, "damaged journal line"));
    free(log);

    journal_close(j);
    store_close(st);
    /* After a restart: every acknowledged record, once. */
    assert_int_equal(store_open(db, 2, STORE_LEDGER_SYNC_PROCESS, &st, err, sizeof err), 0);
    assert_int_equal(journal_open(st, jp, 0, &j, err, sizeof err), 0);
    journal_close(j);
    check_book(st, &b);
    store_close(st);
}

/* The database's disk is full while the journal's is not: appends are
 * acknowledged, the importer's commits fail (logged) and are retried; once
 * the disk has room everything is imported, once. */
static void test_journal_import_faults(void **state) {
    (void)state;
    char dir[] = "/tmp/ccsig-faults-XXXXXX", db[256], jp[256], err[512];
    tmp_db(dir, db, sizeof db, jp, sizeof jp);
    store *st;
    assert_int_equal(store_open(db, 2, STORE_LEDGER_SYNC_PROCESS, &st, err, sizeof err), 0);
    journal *j;
    assert_int_equal(journal_open(st, jp, 0, &j, err, sizeof err), 0);
    static book b;
    memset(&b, 0, sizeof b);
    capture_start(dir);
    fault_arm(&f_pwrite, 0, ENOSPC, 1);
    journal_appends(j, &b, 200);
    assert_int_equal(outcomes(&b, 0, 200, 1), 200);
    usleep(400 * 1000); /* a few import rounds, all failing */
    assert_true(atomic_load(&f_pwrite.failed) > 0);
    memset(b.seen, 0, sizeof b.seen);
    int imported = 0;
    assert_int_equal(store_ledger_export(st, count_cb, &b), 0);
    for (int i = 0; i < 200; i++)
        imported += b.seen[i];
    assert_int_equal(imported, 0);
    fault_off(&f_pwrite);
    usleep(400 * 1000);
    char *log = capture_end();
    assert_non_null(strstr(log, "database or disk is full"));
    free(log);
    journal_appends(j, &b, 20);
    journal_close(j);
    check_book(st, &b);
    store_close(st);
}

/* ---- the group commit (ledger-sync: full) ---- */

typedef struct waiter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int pending;
    book *b;
} waiter;

typedef struct done_arg {
    waiter *w;
    int i;
} done_arg;

static void on_done(void *arg, int ok) {
    done_arg *d = arg;
    pthread_mutex_lock(&d->w->mu);
    d->w->b->outcome[d->i] = ok ? 1 : -1;
    d->w->pending--;
    pthread_cond_signal(&d->w->cv);
    pthread_mutex_unlock(&d->w->mu);
}

static void ledger_round(ledger *l, waiter *w, done_arg *args, int n) {
    book *b = w->b;
    pthread_mutex_lock(&w->mu);
    w->pending += n;
    pthread_mutex_unlock(&w->mu);
    for (int k = 0; k < n; k++) {
        ledger_rec r;
        int i = b->next++;
        make_rec(&r, i);
        args[i] = (done_arg){w, i};
        assert_int_equal(ledger_submit(l, &r, on_done, &args[i]), 0);
    }
    pthread_mutex_lock(&w->mu);
    while (w->pending)
        pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

static void test_ledger_commit_faults(void **state) {
    (void)state;
    char dir[] = "/tmp/ccsig-faults-XXXXXX", db[256], jp[256], err[512];
    tmp_db(dir, db, sizeof db, jp, sizeof jp);
    store *st;
    assert_int_equal(store_open(db, 2, 0, &st, err, sizeof err), 0);
    ledger *l = ledger_start(st, 0);
    assert_non_null(l);
    static book b;
    static done_arg args[MAXREC];
    memset(&b, 0, sizeof b);
    waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, &b};

    capture_start(dir);
    ledger_round(l, &w, args, 50);
    assert_int_equal(outcomes(&b, 0, 50, 1), 50);
    /* A full disk: every commit fails, its callers are told (503). */
    fault_arm(&f_pwrite, 0, ENOSPC, 1);
    ledger_round(l, &w, args, 30);
    assert_int_equal(outcomes(&b, 50, 80, -1), 30);
    fault_off(&f_pwrite);
    ledger_round(l, &w, args, 50);
    assert_int_equal(outcomes(&b, 80, 130, 1), 50);
    /* One I/O error, and a write cut short. */
    fault_arm(&f_pwrite, 0, EIO, 0);
    ledger_round(l, &w, args, 10);
    fault_arm(&f_pwrite, 0, 0, 0);
    ledger_round(l, &w, args, 10);
    ledger_round(l, &w, args, 20);
    assert_int_equal(outcomes(&b, 150, 170, 1), 20);
    assert_true(outcomes(&b, 130, 150, -1) >= 1);
    char *log = capture_end();
    assert_non_null(strstr(log, "ledger: a commit of"));
    assert_non_null(strstr(log, "answered 503 until the ledger can be written"));
    assert_non_null(strstr(log, "ledger: commits work again"));
    free(log);

    ledger_stats ls;
    ledger_get_stats(l, &ls);
    assert_true(ls.failures >= 31);
    ledger_stop(l);
    store_close(st);
    assert_int_equal(store_open(db, 2, 0, &st, err, sizeof err), 0);
    check_book(st, &b);
    store_close(st);
}

/* fsync fails (EIO) under ledger-sync: full commits: the requests of a
 * commit whose fsync failed are refused (503), the steward is told, and
 * after the fault clears and the ledger is opened again every acknowledged
 * record is there exactly once. A refused record may be there (its WAL
 * frames were written before the fsync failed and recovery may find
 * them) but never twice. */
static void test_ledger_fsync_faults(void **state) {
    (void)state;
    char dir[] = "/tmp/ccsig-faults-XXXXXX", db[256], jp[256], err[512];
    tmp_db(dir, db, sizeof db, jp, sizeof jp);
    store *st;
    assert_int_equal(store_open(db, 2, 0, &st, err, sizeof err), 0);
    ledger *l = ledger_start(st, 0);
    assert_non_null(l);
    static book b;
    static done_arg args[MAXREC];
    memset(&b, 0, sizeof b);
    waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, &b};

    capture_start(dir);
    ledger_round(l, &w, args, 50);
    assert_int_equal(outcomes(&b, 0, 50, 1), 50);
    /* The commits did fsync through the table. */
    assert_int_equal(atomic_load(&f_fsync.failed), 0);
    /* Every fsync fails: every commit fails, its callers are refused. */
    fault_arm(&f_fsync, 0, EIO, 1);
    ledger_round(l, &w, args, 30);
    assert_true(atomic_load(&f_fsync.failed) >= 1);
    assert_int_equal(outcomes(&b, 50, 80, -1), 30);
    fault_off(&f_fsync);
    ledger_round(l, &w, args, 50);
    assert_int_equal(outcomes(&b, 80, 130, 1), 50);
    /* One failed fsync, then commits work again. */
    fault_arm(&f_fsync, 0, EIO, 0);
    ledger_round(l, &w, args, 10);
    assert_int_equal(atomic_load(&f_fsync.failed), 1);
    ledger_round(l, &w, args, 20);
    assert_int_equal(outcomes(&b, 140, 160, 1), 20);
    assert_true(outcomes(&b, 130, 140, -1) >= 1);
    char *log = capture_end();
    assert_non_null(strstr(log, "ledger: a commit of"));
    assert_non_null(strstr(log, "disk I/O error"));
    assert_non_null(strstr(log, "answered 503 until the ledger can be written"));
    assert_non_null(strstr(log, "ledger: commits work again"));
    free(log);
    ledger_stop(l);
    store_close(st);

    /* A restart: acknowledged records exactly once, refused ones at most
     * once. */
    assert_int_equal(store_open(db, 2, 0, &st, err, sizeof err), 0);
    memset(b.seen, 0, sizeof b.seen);
    assert_int_equal(store_ledger_export(st, count_cb, &b), 0);
    int acked = 0, refused_present = 0;
    for (int i = 0; i < b.next; i++) {
        if (b.outcome[i] == 1) {
            acked++;
            if (b.seen[i] != 1)
                fail_msg("acknowledged record r%d is in the ledger %d times", i, b.seen[i]);
        } else if (b.seen[i] > 1) {
            fail_msg("refused record r%d is in the ledger %d times", i, b.seen[i]);
        } else {
            refused_present += b.seen[i];
        }
    }
    print_message("%d acknowledged records all in the ledger once; %d refused ones present\n",
                  acked, refused_present);
    store_close(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_journal_write_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_journal_import_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_commit_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_fsync_faults, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
