/*
 * tasl.h — full credit for every file of the collection: CC's attribution
 * practice, TASL (title, author, source link, licence link) and the CC
 * signal, as a credit record of the library (ccsig/attribution.h).
 *
 * A file's record is made by the library's one evaluation path
 * (ccsig_evaluate over the file's first bytes: an HTML page's <head>, XMP
 * and C2PA embedded in an image or a PDF) and its readers for what lies
 * beside it: an XMP sidecar (FILE.xmp or STEM.xmp), the YAML front matter
 * of a Markdown file (a dataset card's metadata), a file that is itself
 * dataset metadata (croissant.json, datapackage.json). What the file does
 * not say comes from the policy: the collection is the source (its name and
 * address), the policy's licence (collection: license:) the licence, and
 * the path's rule the CC signal and the obligations.
 *
 * Records are cached per file, keyed by path and checked against the
 * file's modification time, size and inode (and its sidecars', at most
 * once every TASL_RECHECK_S seconds), so a changed file gets a new record
 * at its next request and the hot path costs a hash lookup under a read
 * lock. The cache is bounded (TASL_CACHE_MAX entries; emptied when full).
 *
 * Thread-safety: every function may be called from any thread.
 */
#ifndef CCSIG_SERVE_TASL_H
#define CCSIG_SERVE_TASL_H

#include <stddef.h>

/* Bytes of a file the readers see (an HTML head, image metadata); the last
 * TASL_TAIL bytes are read too when the file is longer (a PDF's XMP). */
#define TASL_HEAD (256u << 10)
#define TASL_TAIL (64u << 10)
/* Largest sidecar read. */
#define TASL_SIDECAR_MAX (1u << 20)
/* Records cached at most, and the first arena block of each (a record's
 * strings take a few hundred bytes: about 100 MB for a full cache). */
#define TASL_CACHE_MAX 100000
#define TASL_RECORD_BLOCK 1024
#define TASL_RECHECK_S 2

typedef struct tasl tasl;

/* A new, empty cache; NULL when out of memory. */
tasl *tasl_new(void);
/* Free the cache and every record in it (NULL is a no-op). */
void tasl_free(tasl *t);
/* Records made since the start (tests and the startup line). */
size_t tasl_builds(const tasl *t);

#endif
