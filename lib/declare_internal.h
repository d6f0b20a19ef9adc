/*
 * declare_internal.h — what the declare_*.c files share (not public).
 */
#ifndef CCSIG_DECLARE_INTERNAL_H
#define CCSIG_DECLARE_INTERNAL_H

#include "ccsig/declare.h"

/* Internal to the library: hidden in the shared library (lib/CMakeLists.txt). */
#pragma GCC visibility push(hidden)

/* d with its entry i (0-based, < declare_count) as its only one: what the
 * per-category writers take. */
void declare_view(const ccsig_declaration *d, size_t i, ccsig_declaration *v);

/* How many entries d has (1 + nmore, bounded). */
size_t declare_count(const ccsig_declaration *d);

/* The agent to address in robots.txt ("*" when none was given). */
const char *declare_agent(const ccsig_declaration *d);

/* Append the expression / robots lines / header line (validated d). */
void declare_put_expression(const ccsig_declaration *d, ccsig_buf *b);
void declare_put_robots(const ccsig_declaration *d, ccsig_buf *b);
void declare_put_header(const ccsig_declaration *d, ccsig_buf *b);

/* XMP packet (declare_xmp.c). */
void declare_put_xmp(const ccsig_declaration *d, ccsig_buf *b);

/* Human-readable declaration (declare_doc.c). */
void declare_put_doc(const ccsig_declaration *d, ccsig_declare_format f, ccsig_buf *b);

/* Escape for XML/HTML text and attribute values. */
void declare_put_xml_escaped(ccsig_buf *b, const char *s);

#pragma GCC visibility pop

#endif
