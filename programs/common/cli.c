/*
 * cli.c — shared helpers of the ccsig subcommands.
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccsig/common.h"

#include "cli.h"

/* Rank of an exit code for cli_exit_worst: higher hides lower. Codes
 * outside the table rank as internal errors. */
static int exit_rank(int code) {
    switch (code) {
    case EXIT_OK:
        return 0;
    case EXIT_NOT_PERMITTED:
        return 1;
    case EXIT_UNFETCHED:
        return 2;
    case EXIT_USAGE:
        return 3;
    default:
        return 4;
    }
}

/* See cli.h. */
int cli_exit_worst(int a, int b) {
    return exit_rank(b) > exit_rank(a) ? b : a;
}

/* See cli.h. */
int cli_finish_stdout(const char *cmd, int rc) {
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    cli_error(cmd, "(standard output): cannot write: %s", strerror(errno ? errno : EIO));
    return cli_exit_worst(rc, EXIT_INTERNAL);
}

/* See cli.h. */
int cli_exit_for_result(ccsig_result r) {
    return r == CCSIG_RESULT_NOT_PERMITTED ? EXIT_NOT_PERMITTED : EXIT_OK;
}

/* See cli.h. */
int cli_exit_for_url(ccsig_status st) {
    switch (st) {
    case CCSIG_OK:
        return EXIT_OK;
    case CCSIG_ERR_IO:
        return EXIT_UNFETCHED;
    case CCSIG_ERR_NOMEM:
        return EXIT_INTERNAL;
    default:
        return EXIT_USAGE;
    }
}

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

/* --reading R: "current" or "default" (ccsig_reading_parse). */
bool cli_parse_reading(const char *cmd, const char *arg, ccsig_reading *out) {
    if (ccsig_reading_parse(arg, strlen(arg), out))
        return true;
    cli_usage_error(cmd, "unknown reading '%s' for --reading (expected current or default)", arg);
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

bool cli_write_file(void *ctx, const char *p, size_t n) {
    return !n || fwrite(p, 1, n, (FILE *)ctx) == n;
}

void cli_help_footer(FILE *f, const char *cmd) {
    fprintf(f, "\nFull documentation: man ccsig-%s (docs/ccsig-%s.1).\n", cmd, cmd);
}

/* ---- Option tables ---------------------------------------------------- */

enum { V_OPT = 1000, V_HELP = 2000, V_VERSION };

static size_t nopts(const cli_spec *s) {
    size_t n = 0;
    while (s->options[n].name || s->options[n].help)
        n++;
    return n;
}

void cli_parser_init(cli_parser *p, const cli_spec *spec, int argc, char **argv, int first) {
    memset(p, 0, sizeof *p);
    p->spec = spec;
    p->argc = argc;
    p->argv = argv;
    p->longopts = p->storage;
    size_t n = nopts(spec), k = 0, s = 0;
    if (n > CLI_MAX_OPTIONS)
        abort(); /* a table too big for cli_parser: raise CLI_MAX_OPTIONS */
    if (!spec->permute)
        p->shortopts[s++] = '+';
    p->shortopts[s++] = ':';
    p->shortopts[s++] = 'h';
    p->shortopts[s++] = 'V';
    for (size_t i = 0; i < n; i++) {
        const cli_option *o = &spec->options[i];
        if (!o->name)
            continue;
        int has = o->value == CLI_VAL_NONE ? no_argument : required_argument;
        p->storage[k++] = (struct option){o->name, has, NULL, V_OPT + (int)i};
        if (o->short_name) {
            p->shortopts[s++] = o->short_name;
            if (has == required_argument)
                p->shortopts[s++] = ':';
        }
    }
    p->storage[k++] = (struct option){"help", no_argument, NULL, V_HELP};
    p->storage[k++] = (struct option){"version", no_argument, NULL, V_VERSION};
    p->storage[k] = (struct option){NULL, 0, NULL, 0};
    p->shortopts[s] = '\0';
    optind = first;
}

/* The option of spec that getopt's value c stands for, or -1. */
static int option_index(const cli_spec *s, int c) {
    size_t n = nopts(s);
    if (c >= V_OPT && c < V_OPT + (int)n)
        return c - V_OPT;
    for (size_t i = 0; i < n; i++)
        if (s->options[i].name && s->options[i].short_name == c)
            return (int)i;
    return -1;
}

static void option_label(char *out, size_t cap, const cli_spec *s, int c) {
    int i = option_index(s, c);
    if (c == V_HELP || c == 'h')
        snprintf(out, cap, "--help");
    else if (c == V_VERSION || c == 'V')
        snprintf(out, cap, "--version");
    else if (i >= 0 && c >= V_OPT)
        snprintf(out, cap, "--%s", s->options[i].name);
    else
        snprintf(out, cap, "-%c", c);
}

static int unknown_option(cli_parser *p) {
    const cli_spec *s = p->spec;
    char label[16];
    if (optopt && optopt != '?') { /* a short option, or --flag=value */
        option_label(label, sizeof label, s, optopt);
        if (optopt >= V_OPT)
            return cli_usage_error(s->name, "option '%s' takes no argument", label);
        return cli_usage_error(s->name, "unknown option '%s'", label);
    }
    const char *arg = p->argv[optind - 1];
    size_t len = strcspn(arg, "=");
    const char *word = arg + 2;
    size_t wlen = len > 2 ? len - 2 : 0;
    const char *cands[CLI_MAX_OPTIONS + 2];
    size_t n = 0, nprefix = 0;
    char amb[256] = "";
    for (size_t i = 0, m = nopts(s); i < m + 2; i++) {
        const char *name = i < m ? s->options[i].name : i == m ? "help" : "version";
        if (!name || (i < m && (s->options[i].flags & CLI_HIDDEN)))
            continue;
        cands[n++] = name;
        if (wlen && !strncmp(name, word, wlen)) {
            size_t al = strlen(amb);
            snprintf(amb + al, sizeof amb - al, "%s--%s", nprefix ? ", " : "", name);
            nprefix++;
        }
    }
    if (nprefix > 1)
        return cli_usage_error(s->name, "ambiguous option '%.*s' (%s)", (int)len, arg, amb);
    char w[128];
    snprintf(w, sizeof w, "%.*s", (int)wlen, word);
    const char *best = cli_suggest(w, cands, n);
    if (best)
        return cli_usage_error(s->name, "unknown option '%.*s'; did you mean '--%s'?", (int)len,
                               arg, best);
    return cli_usage_error(s->name, "unknown option '%.*s'", (int)len, arg);
}

int cli_next(cli_parser *p) {
    const cli_spec *s = p->spec;
    opterr = 0;
    optopt = 0;
    int c = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, NULL);
    if (c == -1)
        return 0;
    p->rc = EXIT_OK;
    if (c == 'h' || c == V_HELP) {
        cli_help(stdout, s);
        return -1;
    }
    if (c == 'V' || c == V_VERSION) {
        cli_version();
        return -1;
    }
    if (c == '?') {
        p->rc = unknown_option(p);
        return -1;
    }
    if (c == ':') {
        char label[CLI_MAX_OPTIONS + 64];
        option_label(label, sizeof label, s, optopt);
        int i = option_index(s, optopt);
        const char *mv = i >= 0 && s->options[i].metavar ? s->options[i].metavar : "a value";
        p->rc = cli_usage_error(s->name, "option '%s' needs an argument (%s)", label, mv);
        return -1;
    }
    int i = option_index(s, c);
    if (i < 0) { /* cannot happen: getopt returns only what the table gave it */
        p->rc = cli_usage_error(s->name, "unknown option");
        return -1;
    }
    const cli_option *o = &s->options[i];
    if ((o->flags & CLI_ONCE) && p->seen[i]++) {
        p->rc = cli_usage_error(s->name, "--%s given twice", o->name);
        return -1;
    }
    return o->id;
}

void cli_help(FILE *f, const cli_spec *s) {
    fputs(s->synopsis, f);
    for (size_t i = 0, n = nopts(s); i < n; i++) {
        const cli_option *o = &s->options[i];
        if (o->flags & (CLI_NOHELP | CLI_HIDDEN))
            continue;
        if (!o->name) {
            fprintf(f, "%s\n", o->help);
            continue;
        }
        char left[128], text[1024];
        char sh[5] = "";
        if (o->short_name)
            snprintf(sh, sizeof sh, "-%c, ", o->short_name);
        int len = snprintf(left, sizeof left, "%s--%s%s%s", sh, o->name, o->metavar ? " " : "",
                           o->metavar ? o->metavar : "");
        if (o->flags & CLI_NUM)
            snprintf(text, sizeof text, o->help, o->num);
        else
            snprintf(text, sizeof text, "%s", o->help);
        int pad = 2 + len < s->column ? s->column - 2 - len : 2;
        fprintf(f, "  %s%*s", left, pad, "");
        for (const char *l = text;;) {
            const char *e = strchr(l, '\n');
            fprintf(f, "%.*s\n", e ? (int)(e - l) : (int)strlen(l), l);
            if (!e)
                break;
            l = e + 1;
            fprintf(f, "%*s", s->column, "");
        }
    }
    fputs(s->epilog, f);
    cli_help_footer(f, s->name);
}

int cli_stdin_once(const char *cmd, int n, char *const *args) {
    int seen = 0;
    for (int i = 0; i < n; i++)
        seen += !strcmp(args[i], "-");
    if (seen > 1)
        return cli_usage_error(cmd, "'-' (standard input) given %d times; it can be read once",
                               seen);
    return EXIT_OK;
}

/* The temporary copy of standard input (one per process: '-' is read once). */
static char stdin_tmp_name[4200];
static char stdin_tmp_named[4200]; /* the mkstemp name while it exists (no /proc) */

static void stdin_tmp_unlink(void) {
    if (stdin_tmp_named[0])
        unlink(stdin_tmp_named);
}

const char *cli_stdin_to_tmpfile(const char *cmd, const char *what, size_t limit) {
    if (stdin_tmp_name[0])
        return stdin_tmp_name;
    /* a closed standard input: the temporary file would take descriptor 0 */
    if (fcntl(STDIN_FILENO, F_GETFD) < 0) {
        cli_error(cmd, "%s -: cannot read standard input: %s", what, strerror(errno));
        return NULL;
    }
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    int fd = -1;
#ifdef O_TMPFILE
    /* a file without a name is opened through /proc */
    if (access("/proc/self/fd", X_OK) == 0)
        fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
    char named[4200] = "";
    if (fd < 0) {
        if ((size_t)snprintf(named, sizeof named, "%s/ccsig-stdin-XXXXXX", dir) >= sizeof named) {
            cli_error(cmd, "%s -: $TMPDIR is too long for a temporary file", what);
            return NULL;
        }
        fd = mkstemp(named); /* mode 0600 */
        if (fd < 0) {
            cli_error(cmd, "%s -: cannot create a temporary file in %s: %s", what, dir,
                      strerror(errno));
            return NULL;
        }
        (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    char buf[65536];
    unsigned long long total = 0;
    for (;;) {
        ssize_t r = read(STDIN_FILENO, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            cli_error(cmd, "%s -: cannot read standard input: %s", what, strerror(errno));
            goto fail;
        }
        if (r == 0)
            break;
        total += (unsigned long long)r;
        if (limit && total > limit) {
            cli_error(cmd, "%s -: standard input is larger than %zu bytes", what, limit);
            goto fail;
        }
        for (ssize_t off = 0; off < r;) {
            ssize_t w = write(fd, buf + off, (size_t)(r - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                cli_error(cmd, "%s -: cannot copy standard input to a temporary file in %s: %s",
                          what, dir, strerror(errno));
                goto fail;
            }
            off += w;
        }
    }
    if (lseek(fd, 0, SEEK_SET) < 0) {
        cli_error(cmd, "%s -: temporary file: %s", what, strerror(errno));
        goto fail;
    }
    snprintf(stdin_tmp_name, sizeof stdin_tmp_name, "/proc/self/fd/%d", fd);
    if (access(stdin_tmp_name, R_OK) == 0) {
        if (named[0])
            unlink(named);
    } else if (named[0]) {
        /* no /proc: the file keeps its name until exit */
        snprintf(stdin_tmp_name, sizeof stdin_tmp_name, "%s", named);
        snprintf(stdin_tmp_named, sizeof stdin_tmp_named, "%s", named);
        atexit(stdin_tmp_unlink);
    } else {
        cli_error(cmd, "%s -: the temporary file cannot be opened by name", what);
        stdin_tmp_name[0] = '\0';
        goto fail;
    }
    return stdin_tmp_name;
fail:
    close(fd);
    if (named[0])
        unlink(named);
    return NULL;
}

void cli_version(void) {
    printf("ccsig %s\n", ccsig_version());
}

/* Optimal string alignment distance (Damerau-Levenshtein without
 * substring moves): "scna" is one edit from "scan". */
static size_t osa_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return SIZE_MAX;
    size_t d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

const char *cli_suggest(const char *word, const char *const *cands, size_t n) {
    size_t len = strlen(word);
    /* One edit in words of up to 4 letters, two up to 8, three beyond. */
    size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    const char *best = NULL;
    size_t bestd = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t d = osa_distance(word, cands[i]);
        if (d <= limit && d < bestd && d < strlen(cands[i])) {
            best = cands[i];
            bestd = d;
        }
    }
    return best;
}

/* Write data to path through a temporary file in the same directory and a
 * rename, so the file is never half-written; mode as given. */
bool cli_write_atomic(const char *path, const char *data, size_t len, mode_t mode) {
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.ccsig-XXXXXX", path) >= (int)sizeof tmp)
        return false;
    int fd = mkstemp(tmp);
    if (fd < 0)
        return false;
    bool ok = fchmod(fd, mode) == 0;
    for (size_t off = 0; ok && off < len;) {
        ssize_t w = write(fd, data + off, len - off);
        if (w <= 0)
            ok = false;
        else
            off += (size_t)w;
    }
    ok = ok && fsync(fd) == 0;
    ok = (close(fd) == 0) && ok;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        int e = errno;
        unlink(tmp);
        errno = e;
    }
    return ok;
}
