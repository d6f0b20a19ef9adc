/*
 * sysio.c — the ledger's system call table (see sysio.h).
 */
#include "sysio.h"

#include <pthread.h>
#include <sqlite3.h>
#include <unistd.h>

serve_io serve_sysio = {write, pwrite, ftruncate};

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
}

int serve_io_hook_sqlite(void) {
    pthread_once(&hook_once, hook);
    return hook_rc;
}
