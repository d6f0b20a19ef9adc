/*
 * journal.h — the ledger's journal for `ledger-sync: process` with SQLite.
 *
 * With that setting a record need only reach the operating system before
 * its response leaves (a killed gateway loses nothing the kernel has). So
 * the request's own thread appends the record to a journal file with one
 * write(2) (one append at a time per segment, under its mutex) and queues
 * the response at once: no hand-off to another thread, no suspended
 * connection.
 * An importer thread moves complete lines into the database every 100 ms;
 * the byte offset it reached is stored in the same transaction as the rows
 * (table ledger_journal), so a crash at any point neither loses nor doubles
 * a record. At start, and before --export-ledger, the backlog is imported
 * first.
 *
 * The journal is two files, PATH and PATH.1 (segments), one of them taking
 * the appends. Once the active one passed 16 MiB and the other is empty,
 * appends switch to the other; the importer empties the one left behind
 * once all of it is imported (under the database's write lock, with its
 * offset reset in the same transaction, and only when no late append
 * arrived after the import), so emptying a file never holds up an append to
 * the active one.
 *
 * Lines: "L1" and the record's fields ("L2" adds the signature agent, the
 * currency and the charge, and allows reuser 0), tab-separated, bytes below 0x20,
 * '\\' and 0x7f escaped as \xHH, ending in '\n'. A line without its newline
 * (a write cut short by the kill) is left for the next try; a line that does
 * not parse is skipped with a warning.
 *
 * Write errors (sysio.h injects them in the tests): an append that fails
 * or is cut short (a full disk) returns -1 (the request is answered 503)
 * and the first failure of a streak is logged on standard error, as is the
 * recovery. A cut append is cut off the file (ftruncate) before the
 * segment takes another line, by this append or, when that fails too, by
 * the next (which fails until it can), so no acknowledged line is ever
 * glued to a torn one. An import that fails (the database's disk is full)
 * is retried every round; nothing is lost, the journal only grows.
 */
#ifndef CCSIG_SERVE_JOURNAL_H
#define CCSIG_SERVE_JOURNAL_H

#include "store.h"

typedef struct journal journal;

#define JOURNAL_SEGMENTS 2

/* Open (creating) path, import its backlog into st, start the importer.
 * rotate_bytes: switch segments past this size (0: 16 MiB; the tests use
 * less). */
int journal_open(store *st, const char *path, size_t rotate_bytes, journal **out, char *err,
                 size_t errlen);
/* Append one record; 0 when the kernel has all of it, -1 (logged) when it
 * could not be written: nothing of it stays in the journal. Thread-safe. */
int journal_append(journal *j, const ledger_rec *r);
/* Import what is left, stop the importer, close. */
void journal_close(journal *j);

/* One-shot import of the journal at path (both segments) into st (for
 * --export-ledger); 0 when done or when there is no journal. */
int journal_import_file(store *st, const char *path);

/* Parse one line (without its newline) into r; 0 on success. Exposed for
 * the unit tests and the fuzz target. */
int journal_parse_line(const char *line, size_t len, ledger_rec *r);
/* Format r as one line with its newline into buf (at least
 * JOURNAL_LINE_MAX bytes); returns its length. */
#define JOURNAL_LINE_MAX 4096
size_t journal_format_line(const ledger_rec *r, char *buf);

#endif
