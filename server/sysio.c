/*
 * sysio.c — the ledger's system call table (see sysio.h).
 */
#include "sysio.h"

#include <pthread.h>
#include <sqlite3.h>
#include <unistd.h>

static int real_sync(sqlite3_file *f, int flags) {
    return f->pMethods->xSync(f, flags);
}

serve_io serve_sysio = {write, pwrite, ftruncate, real_sync};

/* ---- the "ccsig-unix" VFS: SQLite's unix VFS with each file's xSync
 * routed through serve_sysio.fsync (as SQLite's own test VFSes wrap a
 * real one). A file is ours followed by the unix VFS's own. ---- */

typedef struct wrap_file {
    sqlite3_file base;
    sqlite3_file *real; /* points just past this struct */
} wrap_file;

#define REAL(f) (((wrap_file *)(f))->real)

static int w_close(sqlite3_file *f) {
    return REAL(f)->pMethods->xClose(REAL(f));
}
static int w_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off) {
    return REAL(f)->pMethods->xRead(REAL(f), b, n, off);
}
static int w_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 off) {
    return REAL(f)->pMethods->xWrite(REAL(f), b, n, off);
}
static int w_truncate(sqlite3_file *f, sqlite3_int64 size) {
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int w_sync(sqlite3_file *f, int flags) {
    return serve_sysio.fsync(REAL(f), flags);
}
static int w_file_size(sqlite3_file *f, sqlite3_int64 *size) {
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int w_lock(sqlite3_file *f, int l) {
    return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int w_unlock(sqlite3_file *f, int l) {
    return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int w_check_reserved(sqlite3_file *f, int *out) {
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int w_file_control(sqlite3_file *f, int op, void *arg) {
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int w_sector_size(sqlite3_file *f) {
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int w_device_characteristics(sqlite3_file *f) {
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int w_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp) {
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}
static int w_shm_lock(sqlite3_file *f, int off, int n, int flags) {
    return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void w_shm_barrier(sqlite3_file *f) {
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int w_shm_unmap(sqlite3_file *f, int del) {
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int w_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp) {
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}
static int w_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p) {
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods wrap_methods = {
    3,
    w_close,
    w_read,
    w_write,
    w_truncate,
    w_sync,
    w_file_size,
    w_lock,
    w_unlock,
    w_check_reserved,
    w_file_control,
    w_sector_size,
    w_device_characteristics,
    w_shm_map,
    w_shm_lock,
    w_shm_barrier,
    w_shm_unmap,
    w_fetch,
    w_unfetch,
};

static sqlite3_vfs *unix_vfs;

static int v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out) {
    (void)v;
    wrap_file *w = (wrap_file *)f;
    w->real = (sqlite3_file *)(w + 1);
    int rc = unix_vfs->xOpen(unix_vfs, name, w->real, flags, out);
    /* The unix VFS's files are version 3 (shared memory, memory maps); a
     * file it could not open has no methods, and neither has ours. */
    w->base.pMethods = w->real->pMethods ? &wrap_methods : NULL;
    return rc;
}
static int v_delete(sqlite3_vfs *v, const char *name, int sync_dir) {
    (void)v;
    return unix_vfs->xDelete(unix_vfs, name, sync_dir);
}
static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out) {
    (void)v;
    return unix_vfs->xAccess(unix_vfs, name, flags, out);
}
static int v_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out) {
    (void)v;
    return unix_vfs->xFullPathname(unix_vfs, name, n, out);
}
static void *v_dlopen(sqlite3_vfs *v, const char *name) {
    (void)v;
    return unix_vfs->xDlOpen(unix_vfs, name);
}
static void v_dlerror(sqlite3_vfs *v, int n, char *msg) {
    (void)v;
    unix_vfs->xDlError(unix_vfs, n, msg);
}
static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void) {
    (void)v;
    return unix_vfs->xDlSym(unix_vfs, h, sym);
}
static void v_dlclose(sqlite3_vfs *v, void *h) {
    (void)v;
    unix_vfs->xDlClose(unix_vfs, h);
}
static int v_randomness(sqlite3_vfs *v, int n, char *out) {
    (void)v;
    return unix_vfs->xRandomness(unix_vfs, n, out);
}
static int v_sleep(sqlite3_vfs *v, int us) {
    (void)v;
    return unix_vfs->xSleep(unix_vfs, us);
}
static int v_current_time(sqlite3_vfs *v, double *out) {
    (void)v;
    return unix_vfs->xCurrentTime(unix_vfs, out);
}
static int v_last_error(sqlite3_vfs *v, int n, char *out) {
    (void)v;
    return unix_vfs->xGetLastError(unix_vfs, n, out);
}
static int v_current_time64(sqlite3_vfs *v, sqlite3_int64 *out) {
    (void)v;
    return unix_vfs->xCurrentTimeInt64(unix_vfs, out);
}

static sqlite3_vfs wrap_vfs = {
    .iVersion = 2,
    .zName = SERVE_SQLITE_VFS,
    .xOpen = v_open,
    .xDelete = v_delete,
    .xAccess = v_access,
    .xFullPathname = v_full_pathname,
    .xDlOpen = v_dlopen,
    .xDlError = v_dlerror,
    .xDlSym = v_dlsym,
    .xDlClose = v_dlclose,
    .xRandomness = v_randomness,
    .xSleep = v_sleep,
    .xCurrentTime = v_current_time,
    .xGetLastError = v_last_error,
    .xCurrentTimeInt64 = v_current_time64,
};

/* SQLite calls these through its VFS table; they call through ours. */
static ssize_t vfs_write(int fd, const void *buf, size_t n) {
    return serve_sysio.write(fd, buf, n);
}

static ssize_t vfs_pwrite(int fd, const void *buf, size_t n, off_t off) {
    return serve_sysio.pwrite(fd, buf, n, off);
}

static int vfs_ftruncate(int fd, off_t len) {
    return serve_sysio.ftruncate(fd, len);
}

static pthread_once_t hook_once = PTHREAD_ONCE_INIT;
static int hook_rc;

static void hook(void) {
    sqlite3_vfs *v = sqlite3_vfs_find("unix");
    if (!v || v->iVersion < 3 || !v->xSetSystemCall) {
        hook_rc = -1;
        return;
    }
    static const struct {
        const char *name;
        sqlite3_syscall_ptr fn;
    } calls[] = {
        {"write", (sqlite3_syscall_ptr)vfs_write},
        {"pwrite", (sqlite3_syscall_ptr)vfs_pwrite},
        {"pwrite64", (sqlite3_syscall_ptr)vfs_pwrite},
        {"ftruncate", (sqlite3_syscall_ptr)vfs_ftruncate},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        /* A call this build of SQLite does not have is not an error (the
         * unix VFS uses pwrite64 or pwrite, not both). */
        if (!v->xGetSystemCall(v, calls[i].name))
            continue;
        if (v->xSetSystemCall(v, calls[i].name, calls[i].fn) != SQLITE_OK)
            hook_rc = -1;
    }
    /* The wrapper VFS, registered by name (not as the default: the
     * gateway's other databases, e.g. the search index, keep "unix"). */
    unix_vfs = v;
    wrap_vfs.szOsFile = (int)sizeof(wrap_file) + v->szOsFile;
    wrap_vfs.mxPathname = v->mxPathname;
    if (sqlite3_vfs_register(&wrap_vfs, 0) != SQLITE_OK)
        hook_rc = -1;
}

int serve_io_hook_sqlite(void) {
    pthread_once(&hook_once, hook);
    return hook_rc;
}
