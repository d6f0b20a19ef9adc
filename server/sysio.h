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
 *     "ftruncate" system calls (sqlite3_vfs.xSetSystemCall). SQLite's
 *     fsync is not one of the calls its VFS lets an application replace,
 *     so the store opens its database through the VFS "ccsig-unix"
 *     (SERVE_SQLITE_VFS), which delegates everything to "unix" but routes
 *     each file's xSync through the table's fsync entry (as SQLite's own
 *     test VFSes wrap a real one). A failed fsync fails the commit
 *     (SQLITE_IOERR_FSYNC) like a failed write does.
 *
 * The journal never fsyncs: with ledger-sync: process an append is safe
 * from a killed process, not from a power loss, by design (policy.h).
 *
 * The defaults are the real system calls. Replace entries before any
 * thread that writes is started (the tests set the table once and arm
 * their faults with atomics); the pointers are read without a lock.
 */
#ifndef CCSIG_SERVE_SYSIO_H
#define CCSIG_SERVE_SYSIO_H

#include <stddef.h>
#include <sys/types.h>

struct sqlite3_file;

/* The name of the wrapper VFS serve_io_hook_sqlite registers. */
#define SERVE_SQLITE_VFS "ccsig-unix"

typedef struct serve_io {
    ssize_t (*write)(int fd, const void *buf, size_t n);
    ssize_t (*pwrite)(int fd, const void *buf, size_t n, off_t off);
    int (*ftruncate)(int fd, off_t len);
    /* Sync a file of SQLite's: real is the unix VFS's file, flags the
     * SQLITE_SYNC_* flags; returns an SQLite result code. The default
     * calls real's own xSync (which fsyncs or fdatasyncs). */
    int (*fsync)(struct sqlite3_file *real, int flags);
} serve_io;

extern serve_io serve_sysio;

/* Route SQLite's unix VFS writes and truncations through serve_sysio and
 * register the VFS SERVE_SQLITE_VFS whose syncs go through it too
 * (idempotent, thread-safe; store_open calls it). 0 on success. */
int serve_io_hook_sqlite(void);

#endif
