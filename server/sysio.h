/*
 * sysio.h — the system calls the usage ledger writes through, in one table
 * that a test can replace (as SQLite's own tests replace its VFS's system
 * calls) to make the Nth write fail with ENOSPC or EIO, cut it short, or
 * fail a truncation.
 *
 * Who goes through it:
 *   - the journal (journal.c, ledger-sync: process): its appends (write)
 *     and the truncations that repair a cut append and empty an imported
 *     segment (ftruncate);
 *   - SQLite, hence the ledger's commits (ledger.c, ledger-sync: full) and
 *     the journal's importer: store_open installs the table's write, pwrite
 *     and ftruncate as the unix VFS's "write", "pwrite", "pwrite64" and
 *     "ftruncate" system calls (sqlite3_vfs.xSetSystemCall). SQLite's fsync
 *     is not one of the calls its VFS lets an application replace; a failed
 *     write reaches the ledger the same way a failed fsync would (the
 *     commit fails, SQLITE_FULL or SQLITE_IOERR).
 *
 * The defaults are the real system calls. Replace entries before any
 * thread that writes is started (the tests set the table once and arm
 * their faults with atomics); the pointers are read without a lock.
 */
#ifndef CCSIG_SERVE_SYSIO_H
#define CCSIG_SERVE_SYSIO_H

#include <stddef.h>
#include <sys/types.h>

typedef struct serve_io {
    ssize_t (*write)(int fd, const void *buf, size_t n);
    ssize_t (*pwrite)(int fd, const void *buf, size_t n, off_t off);
    int (*ftruncate)(int fd, off_t len);
} serve_io;

extern serve_io serve_sysio;

/* Route SQLite's unix VFS writes and truncations through serve_sysio
 * (idempotent, thread-safe; store_open calls it). 0 on success. */
int serve_io_hook_sqlite(void);

#endif
