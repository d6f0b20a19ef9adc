/*
 * search.h — full-text search over the collection's text files.
 *
 * At start the gateway reads every text file (txt, md, rst, html, ...),
 * extracts a title and plain text, and indexes them: SQLite FTS5 ranked by
 * bm25 (title weighted 5:1 over body) in a file of its own next to the
 * database (embedded setup), or PostgreSQL full-text search ranked by
 * ts_rank over a weighted tsvector (--db postgresql://, store_pg.c).
 *
 * Queries are turned into safe queries by the backend (FTS5: quoted terms,
 * hu_fts_query; PostgreSQL: websearch_to_tsquery), so no user text is ever
 * parsed as query syntax. Snippets mark matches with \x01 ... \x02.
 */
#ifndef CCSIG_SERVE_SEARCH_H
#define CCSIG_SERVE_SEARCH_H

#include <stddef.h>

#include "files.h"
#include "store.h"

#define SEARCH_MAX_HITS 50

typedef struct search_hit {
    char path[1024]; /* "/dir/file.txt" */
    char title[256];
    char snippet[1024];
    double score; /* higher is better */
} search_hit;

typedef struct search search;

/* Build the index. sqlite_index is the FTS5 file for the embedded setup
 * (ignored when st is PostgreSQL). */
int search_open(coll *c, store *st, const char *sqlite_index, size_t max_file_bytes, unsigned pool,
                search **out, char *err, size_t errlen);
size_t search_doc_count(const search *s);
/* Up to limit hits, best first. Returns -1 on a backend error. */
int search_query(search *s, const char *q, size_t limit, search_hit *hits, size_t *n);
/* The extracted title of an indexed path ("/a.txt"), or NULL. */
const char *search_title(const search *s, const char *path);
void search_close(search *s);

#endif
