/*
 * ccsig/text.h — plain text and a title out of a collection's text
 * documents: the one extractor, used by the gateway's full-text search
 * (`ccsig serve`) and by `ccsig rag` to quote passages.
 *
 * HTML: tags become spaces, script, style and comments vanish, character
 * references are decoded (ccsig_html_ref_decode, ccsig/sources.h; a no-break
 * space becomes a space) and the <title> (else the first <h1>) is the title.
 * Markdown: heading marks are dropped, and a YAML front matter (a dataset
 * card's metadata, which the dataset reader reads) is left out. Other text
 * is taken as it is. Its title is the first non-empty line without
 * Markdown's '#'. Invalid UTF-8 and control characters become U+FFFD or a
 * space, and runs of white space one space.
 *
 * Thread-safe; allocates through the allocator hook (ccsig/alloc.h).
 */
#ifndef CCSIG_TEXT_H
#define CCSIG_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "ccsig/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Whether name (a file name or path) is a text document the extractor
 * reads, by its extension (ASCII case-insensitive): txt, text, md,
 * markdown, rst, html, htm, xhtml. */
bool ccsig_text_is_doc(const char *name);

/* Extract data[0..len), a document named name (its extension says HTML,
 * Markdown or plain text): the title into title (at most cap - 1 bytes,
 * cut at a character boundary, NUL-terminated; the file's base name when
 * there is none; cap >= 1) and the text into *body (NUL-terminated UTF-8,
 * ccsig_malloc: release with ccsig_free). Returns CCSIG_OK or
 * CCSIG_ERR_NOMEM (*body untouched). */
ccsig_status ccsig_text_extract(const char *name, const char *data, size_t len, char *title,
                                size_t cap, char **body);

#ifdef __cplusplus
}
#endif
#endif
