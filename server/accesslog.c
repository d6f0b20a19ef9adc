/*
 * accesslog.c — the combined-format access log (accesslog.h).
 */
#include "accesslog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct accesslog {
    int fd;
    _Atomic uint64_t failed;
};

/* Open the log: see accesslog.h. */
accesslog *accesslog_open(const char *path, char *err, size_t errlen) {
    accesslog *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    l->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (l->fd < 0) {
        snprintf(err, errlen, "cannot open the access log %s: %s", path, strerror(errno));
        free(l);
        return NULL;
    }
    return l;
}

/* Close the log: see accesslog.h. */
uint64_t accesslog_close(accesslog *l) {
    if (!l)
        return 0;
    uint64_t failed = atomic_load(&l->failed);
    close(l->fd);
    free(l);
    return failed;
}

/* Append s with '"', '\' and bytes outside printable ASCII as \xHH; "-"
 * when s is NULL or empty. */
static void put_escaped(ccsig_buf *b, const char *s) {
    if (!s || !*s) {
        ccsig_buf_putc(b, '-');
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
            ccsig_buf_printf(b, "\\x%02X", *p);
        else
            ccsig_buf_putc(b, (char)*p);
    }
}

/* The time field, "[05/Dec/2026:05:45:00 +0000]", formatted once a second
 * per thread. */
static void put_time(ccsig_buf *b, int64_t now_s) {
    static _Thread_local int64_t cached_s = -1;
    static _Thread_local char cached[64];
    if (now_s != cached_s) {
        static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        time_t t = (time_t)now_s;
        struct tm tm;
        gmtime_r(&t, &tm);
        snprintf(cached, sizeof cached, "[%02d/%s/%04d:%02d:%02d:%02d +0000]", tm.tm_mday,
                 mon[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
        cached_s = now_s;
    }
    ccsig_buf_puts(b, cached);
}

/* The request's part of a line: see accesslog.h. */
void accesslog_begin(ccsig_buf *line, const char *addr, int64_t now_s, const char *method,
                     const char *path, const char *query, const char *version) {
    ccsig_buf_clear(line);
    put_escaped(line, addr);
    ccsig_buf_puts(line, " - - ");
    put_time(line, now_s);
    ccsig_buf_puts(line, " \"");
    put_escaped(line, method);
    ccsig_buf_putc(line, ' ');
    put_escaped(line, path);
    if (query && *query) {
        ccsig_buf_putc(line, '?');
        put_escaped(line, query);
    }
    ccsig_buf_putc(line, ' ');
    put_escaped(line, version);
    ccsig_buf_puts(line, "\" ");
}

/* Finish and write a line: see accesslog.h. */
void accesslog_end(accesslog *l, ccsig_buf *line, unsigned status, uint64_t bytes,
                   const char *referer, const char *user_agent) {
    ccsig_buf_printf(line, "%u %llu \"", status, (unsigned long long)bytes);
    put_escaped(line, referer);
    ccsig_buf_puts(line, "\" \"");
    put_escaped(line, user_agent);
    ccsig_buf_puts(line, "\"\n");
    if (ccsig_buf_failed(line)) {
        atomic_fetch_add(&l->failed, 1);
        return;
    }
    ssize_t n;
    do
        n = write(l->fd, line->data, line->len);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)line->len)
        atomic_fetch_add(&l->failed, 1);
}
