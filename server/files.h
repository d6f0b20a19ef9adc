/*
 * files.h — the collection on disk: opening a request's path without ever
 * leaving the collection directory, content types and validators, walking
 * the collection, and streaming it as a tar archive.
 *
 * Containment: every open goes through openat2(2) relative to the
 * collection's directory with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so
 * ".." and symbolic links that lead outside are refused by the kernel
 * (EXDEV), and links that stay inside work. Where openat2 is missing
 * (ENOSYS, Linux < 5.6), each component is opened with O_NOFOLLOW instead,
 * refusing every symbolic link.
 */
#ifndef CCSIG_SERVE_FILES_H
#define CCSIG_SERVE_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "ccsig/buf.h"

#define COLL_MAX_FILES 1000000
#define COLL_MAX_DEPTH 32

typedef struct coll coll;

int coll_open(const char *dir, coll **out, char *err, size_t errlen);
void coll_close(coll *c);
const char *coll_path(const coll *c);

/* Open rel ("" = the root) beneath the collection. Returns an fd or -1 with
 * errno (ENOENT, EXDEV when it would leave the collection, ELOOP, ...). */
int coll_openat(coll *c, const char *rel, int flags);

/* Whether rel (a path relative to the collection, not "") is served by a
 * GET of "/" rel: a path hu_safe_path accepts (no dot file, control
 * character, backslash or invalid UTF-8), that opens beneath the collection
 * (a symbolic link only when it stays inside) and is a regular file or a
 * directory (not a FIFO, socket or device). Fills *st (of the target). The
 * listings and the bulk endpoints show exactly these. */
bool coll_served(coll *c, const char *rel, struct stat *st);

/* Content type for a file name ("text/plain; charset=utf-8", ...). */
const char *mime_type(const char *name);

/* Strong validator from size, modification time and inode. */
void make_etag(const struct stat *st, char out[80]);

/* One regular file of the collection. */
typedef struct coll_file {
    char *rel; /* "dir/name.txt" */
    uint64_t size;
    int64_t mtime;
    char *pax; /* pax records the file's tar header carries (tar_pax_record), or NULL; owned
                  (ccsig_free: a ccsig_buf's data) */
} coll_file;

typedef struct coll_list {
    coll_file *v;
    size_t n;
} coll_list;

/* Every regular file beneath the root that coll_served accepts, sorted by
 * path; symbolic links to directories not followed (no loops). */
int coll_list_files(coll *c, coll_list *out);
void coll_list_free(coll_list *l);

/* A tar (POSIX ustar, with pax headers for long names and for each file's
 * own records, coll_file.pax) of a file list, streamed: tar_size says how
 * many bytes tar_read will produce in all; files that change while being
 * read are padded or cut to the size announced in their header, so the
 * stream always has that size. mem_name/mem (both or neither) add a first
 * member held in memory (the archive's manifest). Takes ownership of files
 * and of mem's data (both are left empty); NULL when out of memory. */
typedef struct tar_stream tar_stream;
tar_stream *tar_new(coll *c, coll_list *files, const char *mem_name, ccsig_buf *mem,
                    int64_t mem_mtime);
/* Append one pax extended header record "LEN key=value\n" (POSIX
 * pax(1)) to out; value must hold no NUL. */
void tar_pax_record(ccsig_buf *out, const char *key, const char *value);
uint64_t tar_size(const tar_stream *t);
/* Copy up to max bytes at stream offset pos into buf; returns bytes
 * written (0 only at the end). */
size_t tar_read(tar_stream *t, uint64_t pos, char *buf, size_t max);
void tar_free(tar_stream *t);

/* A simple directory listing page body for rel (which is a directory):
 * the entries coll_served accepts. */
int coll_listing_html(coll *c, const char *rel, const char *url_path, ccsig_buf *out);

#endif
