/*
 * accesslog.h — the optional access log (ccsig serve --access-log FILE), in
 * the combined format of Apache and nginx, so that the tools a steward
 * already has (goaccess, awstats, fail2ban, logrotate) read it:
 *
 *   ADDR - - [05/Dec/2026:05:45:00 +0000] "GET /a.txt?q=1 HTTP/1.1" 200 1234 "REFERER" "UA"
 *
 * ADDR is the client address the gateway uses (X-Forwarded-For from a
 * trusted proxy); times are UTC; the bytes are the body's (0 for HEAD and
 * 304, as nginx's $body_bytes_sent); '"', '\' and bytes outside printable
 * ASCII in the request line, referer and user agent are written \xHH, as
 * nginx does, so that a line never breaks and a field never ends early.
 *
 * Each line is one write(2) to a file opened with O_APPEND: lines from
 * several threads (or gateways) never interleave, and logrotate's
 * copytruncate works. A failed write is counted, not retried; the count is
 * printed at stop.
 */
#ifndef CCSIG_SERVE_ACCESSLOG_H
#define CCSIG_SERVE_ACCESSLOG_H

#include <stddef.h>
#include <stdint.h>

#include "ccsig/buf.h"

typedef struct accesslog accesslog;

/* Open (create, mode 0640) path for appending. NULL and err on failure. */
accesslog *accesslog_open(const char *path, char *err, size_t errlen);
/* Close the file; returns the number of lines that could not be written.
 * NULL is a no-op (0). */
uint64_t accesslog_close(accesslog *l);

/* The request's part of a line, into line (cleared first): address,
 * time (now_s, seconds since 1970), request line. query may be NULL or
 * empty (the part after '?', already encoded). */
void accesslog_begin(ccsig_buf *line, const char *addr, int64_t now_s, const char *method,
                     const char *path, const char *query, const char *version);
/* Finish line with status, body bytes, referer and user agent (either may
 * be NULL: "-") and write it. */
void accesslog_end(accesslog *l, ccsig_buf *line, unsigned status, uint64_t bytes,
                   const char *referer, const char *user_agent);

#endif
