/*
 * cli.c — shared helpers of the ccsig subcommands.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

void cli_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ccsig %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ccsig %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'ccsig %s --help'.\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

bool cli_parse_use(const char *cmd, const char *arg, ccsig_category *out) {
    if (ccsig_category_parse(arg, strlen(arg), out))
        return true;
    cli_usage_error(cmd,
                    "unknown category '%s' for --use (expected automated-processing, train-ai, "
                    "train-genai, ai-use or search)",
                    arg);
    return false;
}

bool cli_parse_commit(const char *cmd, const char *arg, unsigned *out) {
    size_t bad = 0;
    if (ccsig_conditions_parse(arg, strlen(arg), out, &bad))
        return true;
    cli_usage_error(cmd,
                    "unknown commitment at column %zu of --commit '%s' (expected a comma-separated "
                    "list of credit, direct-contribution, ecosystem-contribution, open, payment, "
                    "license, policy, or none)",
                    bad + 1, arg);
    return false;
}

bool cli_parse_purpose(const char *cmd, const char *arg, ccsig_purpose *out) {
    if (ccsig_purpose_parse(arg, strlen(arg), out) && *out != CCSIG_PURPOSE_NONE)
        return true;
    cli_usage_error(cmd,
                    "unknown purpose '%s' for --purpose (expected malicious-content-detection, "
                    "accessibility, archiving or research)",
                    arg);
    return false;
}

char *cli_read_file(const char *path, size_t limit, size_t *len) {
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        goto fail;
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                goto fail;
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (limit && n > limit) {
            errno = EFBIG;
            goto fail;
        }
        if (r == 0) {
            if (ferror(f))
                goto fail;
            break;
        }
    }
    buf[n] = '\0';
    if (f != stdin)
        fclose(f);
    *len = n;
    return buf;
fail : {
    int e = errno;
    free(buf);
    if (f != stdin)
        fclose(f);
    errno = e;
    return NULL;
}
}

bool cli_getline(FILE *f, ccsig_buf *b) {
    ccsig_buf_clear(b);
    int c;
    bool any = false;
    while ((c = getc(f)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        ccsig_buf_putc(b, (char)c);
    }
    if (b->len && b->data[b->len - 1] == '\r')
        b->data[--b->len] = '\0';
    return any;
}

bool cli_isatty(FILE *f) {
    return isatty(fileno(f)) == 1;
}

bool cli_put_buf(FILE *f, ccsig_buf *b) {
    bool ok = !b->len || fwrite(b->data, 1, b->len, f) == b->len;
    ccsig_buf_free(b);
    return ok;
}

void cli_help_footer(FILE *f, const char *cmd) {
    fprintf(f, "\nFull documentation: man ccsig-%s (docs/ccsig-%s.1).\n", cmd, cmd);
}
