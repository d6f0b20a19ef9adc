/*
 * cmd_inspect.c — `ccsig inspect [--json] [--use C] [--commit LIST]
 * [--purpose P] [--agent TOKEN] [-r] FILE...`: every statement of preference
 * embedded in or beside each file, combined, with provenance; one result per
 * file, printed as soon as it is known.
 *
 * What is read for a file (docs/ccsig-inspect.1):
 *   - its XMP, through exempi (every format exempi handles; packet scanning
 *     for the rest), and its C2PA manifest store (JPEG, PNG, RIFF, BMFF);
 *   - an EPUB's package document (TDMRep <meta> properties), through its
 *     container, and a bare package document (.opf);
 *   - an HTML file's <head>; a file that is itself an XMP sidecar, a .c2pa
 *     store or dataset metadata, as such;
 *   - sidecars beside it: FILE.xmp or STEM.xmp, FILE.c2pa or STEM.c2pa;
 *   - dataset metadata in the same directory: croissant.json,
 *     metadata.json (when it is Croissant), README.md (when it has YAML
 *     front matter), datapackage.json.
 * With -r, directories are walked in name order; sidecars and dataset
 * metadata files are read with the files they describe, not on their own;
 * hidden entries and symbolic links to directories are skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccsig/evaluate.h"
#include "ccsig/robots.h"
#include "ccsig/sources.h"
#include "cli.h"
#include "commands.h"
#include "ccsig/report.h"
#include "sources_report.h"

const char cmd_inspect_summary[] = "show the preferences embedded in or beside files";

typedef struct mapped {
    const char *p;
    size_t len;
    void *map;
} mapped;

typedef struct inspect_opts {
    bool json, recursive;
    ccsig_profile prof;
    const char *agent;
} inspect_opts;

typedef struct inspect_state {
    inspect_opts o;
    ccsig_eval_result ev; /* ccsig_evaluate's result for the file being inspected */
    ccsig_http_msg msg;   /* a captured HTTP response's header block */
    ccsig_arena arena;
    ccsig_buf out;
    mapped map; /* the file being inspected: provenance points into it */
    int status;
    size_t files;
    const char *stdin_file; /* '-': the private copy of standard input (cli.h) */
} inspect_state;

static const cli_option options[] = {
    {"json", 'j', 'j', CLI_VAL_NONE, NULL, NULL, CLI_ONCE, "one JSON object per file, one per line",
     0},
    CLI_OPT_USE('u'),
    {"commit", 0, 'c', CLI_VAL_COMMIT, "LIST", NULL, 0,
     "what you commit to: credit, direct-contribution,\n"
     "ecosystem-contribution, open, payment, license, policy",
     0},
    CLI_OPT_PURPOSE('p'),
    CLI_OPT_READING('G'),
    {"agent", 0, 'a', CLI_VAL_TEXT, "TOKEN", NULL, 0,
     "your crawler's product token, for agent-scoped HTML meta", 0},
    {"recursive", 'r', 'r', CLI_VAL_NONE, NULL, NULL, 0, "walk directories", 0},
    {0},
};

const cli_spec cmd_inspect_cli = {
    .name = "inspect",
    .synopsis = "usage: ccsig inspect [--json] [--use CATEGORY] [--commit LIST] [--purpose P]\n"
                "                     [--reading R] [--agent TOKEN] [-r] FILE...\n\n"
                "Show every AI usage preference embedded in or beside each file: XMP (IPTC\n"
                "Data Mining, TDMRep, CC signals), C2PA/CAWG training-and-data-mining\n"
                "assertions (unverified), HTML <head> signals, TDMRep in EPUB package\n"
                "documents (.epub, .opf), .xmp and .c2pa sidecars, and dataset metadata in\n"
                "the same directory (Croissant, dataset card, datapackage.json); combined,\n"
                "with the line that decided.\n\n",
    .options = options,
    .column = 20,
    .epilog = CLI_EXIT_HELP
    "\n(a file that cannot be read is reported; the others are still inspected).\n",
    .operand = CLI_VAL_FILE,
};

/* ---- reading one file ---- */

static bool map_file(const char *path, mapped *m, int *err) {
    memset(m, 0, sizeof *m);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        *err = errno;
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        *err = errno;
        close(fd);
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        *err = EISDIR;
        close(fd);
        return false;
    }
    m->len = (size_t)st.st_size;
    if (m->len) {
        m->map = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m->map == MAP_FAILED) {
            *err = errno;
            close(fd);
            return false;
        }
        m->p = m->map;
    } else {
        m->p = "";
    }
    close(fd);
    return true;
}

static void unmap_file(mapped *m) {
    if (m->map)
        munmap(m->map, m->len);
    m->map = NULL;
}

/* Standard input ('-') larger than this is refused. */
#define STDIN_MAX (4ull << 30)

/* Side files larger than this are not metadata anyone writes by hand. */
#define SIDE_MAX (64u * 1024u * 1024u)

static bool read_small(ccsig_arena *a, const char *path, mapped *m, int *err) {
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        *err = errno;
        if (fd >= 0)
            close(fd);
        return false;
    }
    if ((size_t)st.st_size > SIDE_MAX) {
        close(fd);
        *err = EFBIG;
        return false;
    }
    char *buf = ccsig_arena_alloc(a, (size_t)st.st_size + 1);
    size_t n = 0;
    while (buf && n < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (!buf) {
        *err = ENOMEM;
        return false;
    }
    buf[n] = '\0';
    m->p = buf;
    m->len = n;
    m->map = NULL;
    return true;
}

static const char *base_name(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static bool ends_with_ci(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && ccsig_str_ieq(ccsig_str_make(s + n - m, m), suffix);
}

/* A file's own path with its last extension replaced (or added). */
static void sibling(char *out, size_t cap, const char *path, const char *ext, bool replace) {
    const char *base = base_name(path);
    const char *dot = strrchr(base, '.');
    if (replace && dot && dot != base)
        snprintf(out, cap, "%.*s%s", (int)(dot - path), path, ext);
    else
        snprintf(out, cap, "%s%s", path, ext);
}

static void note_error(inspect_state *s, const char *path, const char *what, const char *msg) {
    ccsig_provenance p = {CCSIG_SRC_EXPRESSION,  0, ccsig_str_c(path),
                          ccsig_str_make("", 0), 0, {NULL, 0}};
    ccsig_str origin = ccsig_str_c(ccsig_arena_dup(&s->arena, path, strlen(path)));
    p.origin = origin;
    ccsig_collect_note(&s->ev.c, &p, "%s not read: %s", what, msg);
}

/* A reader's error with the line and column it gives. */
static void note_xml_error(inspect_state *s, const char *path, const char *what,
                           const ccsig_error *err) {
    char msg[260];
    if (err->line)
        snprintf(msg, sizeof msg, "%s (line %u, column %u)", err->message, err->line, err->column);
    else
        snprintf(msg, sizeof msg, "%s", err->message);
    note_error(s, path, what, msg);
}

static bool contains(const char *p, size_t n, const char *lit) {
    size_t k = strlen(lit);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(p + i, lit, k))
            return true;
    return false;
}

/* Read a side file (sidecar or dataset metadata) when it exists. */
static void read_side(inspect_state *s, const char *path, int kind, ccsig_dataset_format f) {
    /* '-' (an XMP packet on standard input): its copy, reported as '-' */
    const char *file = s->stdin_file && !strcmp(path, "-") ? s->stdin_file : path;
    struct stat st;
    if (stat(file, &st) || !S_ISREG(st.st_mode))
        return;
    /* side files are small: copied into the arena, so what the readers keep
     * (labels, URLs) lives until the report is written */
    mapped m = {NULL, 0, NULL};
    int e;
    if (!read_small(&s->arena, file, &m, &e)) {
        note_error(s, path, "side file", strerror(e));
        return;
    }
    ccsig_str origin = ccsig_str_c(ccsig_arena_dup(&s->arena, path, strlen(path)));
    ccsig_error err;
    ccsig_error_clear(&err);
    ccsig_status st2 = CCSIG_OK;
    if (kind == 0) { /* XMP sidecar */
        ccsig_str pk;
        if (ccsig_xmp_find_packet(m.p, m.len, 0, &pk))
            st2 = ccsig_xmp_read_packet(&s->ev.c, pk.p, pk.len, origin, &err);
        else
            st2 = ccsig_xmp_read_packet(&s->ev.c, m.p, m.len, origin, &err);
    } else if (kind == 1) { /* C2PA sidecar */
        st2 = ccsig_c2pa_read_store(&s->ev.c, m.p, m.len, origin, &err);
    } else { /* dataset metadata */
        if (f == CCSIG_DATASET_CARD && (m.len < 3 || memcmp(m.p, "---", 3)))
            return; /* a README without front matter is no dataset card */
        if (!strcmp(base_name(path), "metadata.json") &&
            !contains(m.p, m.len, "mlcommons.org/croissant"))
            return;
        st2 = ccsig_dataset_read(&s->ev.c, f, m.p, m.len, origin, &err);
    }
    if (st2) {
        char msg[260];
        if (err.line)
            snprintf(msg, sizeof msg, "line %u: %s", err.line, err.message);
        else
            snprintf(msg, sizeof msg, "%s", err.message);
        note_error(s, path,
                   kind == 0   ? "XMP sidecar"
                   : kind == 1 ? "C2PA sidecar"
                               : "dataset metadata",
                   msg);
    }
}

static bool is_dataset_name(const char *name) {
    ccsig_dataset_format f;
    return ccsig_dataset_format_for_name(name, &f);
}

/* What only inspect reads for a local file, after ccsig_evaluate's readers
 * (the evaluate hook): XMP through exempi's file handlers and embedded C2PA
 * (not for HTML), the sidecars beside it and the dataset metadata in its
 * directory. */
typedef struct file_hook {
    inspect_state *s;
    const char *path; /* the name reported ('-' for standard input) */
    const char *file; /* the name it opens by (standard input's copy for '-') */
    ccsig_str origin;
    bool html;
    bool epub;  /* TDMRep in the package document instead of XMP and C2PA */
    bool alone; /* standard input: no directory, so no sidecars or dataset metadata */
} file_hook;

static void read_beside(ccsig_collect *c, void *ctx) {
    file_hook *h = ctx;
    inspect_state *s = h->s;
    const char *path = h->path;
    (void)c; /* s->ev.c */
    ccsig_error err;
    ccsig_error_clear(&err);
    ccsig_dataset_format df = CCSIG_DATASET_CROISSANT;
    char side[4200];
    if (h->epub) {
        if (ccsig_epub_read(&s->ev.c, s->map.p, s->map.len, h->origin, &err) != CCSIG_OK)
            note_xml_error(s, path, "EPUB", &err);
    } else if (!h->html) {
        if (ccsig_xmp_read_file(&s->ev.c, h->file, h->origin, &err) != CCSIG_OK)
            note_error(s, path, "XMP", err.message);
        ccsig_embedded_read(&s->ev.c, s->map.p, s->map.len, h->origin, CCSIG_EMBED_C2PA);
    }
    if (h->alone)
        return;
    /* sidecars: FILE.xmp, STEM.xmp, FILE.c2pa, STEM.c2pa */
    const char *exts[] = {".xmp", ".XMP", ".c2pa"};
    for (int k = 0; k < 3; k++) {
        char other[4200];
        sibling(side, sizeof side, path, exts[k], false);
        sibling(other, sizeof other, path, exts[k], true);
        read_side(s, side, k == 2 ? 1 : 0, df);
        if (strcmp(side, other) && strcmp(other, path))
            read_side(s, other, k == 2 ? 1 : 0, df);
    }
    /* dataset metadata in the same directory */
    static const struct {
        const char *name;
        ccsig_dataset_format f;
    } meta[] = {{"croissant.json", CCSIG_DATASET_CROISSANT},
                {"metadata.json", CCSIG_DATASET_CROISSANT},
                {"README.md", CCSIG_DATASET_CARD},
                {"datapackage.json", CCSIG_DATASET_DATAPACKAGE}};
    size_t dl = (size_t)(base_name(path) - path);
    for (size_t k = 0; k < sizeof meta / sizeof meta[0]; k++) {
        snprintf(side, sizeof side, "%.*s%s", (int)dl, path, meta[k].name);
        read_side(s, side, 2, meta[k].f);
    }
}

/* A file that is itself a sidecar or dataset metadata: read as such. */
typedef struct self_hook {
    inspect_state *s;
    const char *path;
    ccsig_str origin;
    int kind; /* 0 XMP, 1 C2PA store, 2 dataset metadata, 3 EPUB package document */
    ccsig_dataset_format df;
} self_hook;

static void read_self(ccsig_collect *c, void *ctx) {
    self_hook *h = ctx;
    (void)c;
    if (h->kind == 3) {
        ccsig_error err;
        ccsig_error_clear(&err);
        if (ccsig_opf_read(&h->s->ev.c, h->s->map.p, h->s->map.len, h->origin, &err) != CCSIG_OK)
            note_xml_error(h->s, h->path, "EPUB package document", &err);
    } else if (h->kind == 1) {
        ccsig_error err;
        ccsig_error_clear(&err);
        if (ccsig_c2pa_read_store(&h->s->ev.c, h->s->map.p, h->s->map.len, h->origin, &err) !=
            CCSIG_OK)
            note_error(h->s, h->path, "C2PA manifest store", err.message);
    } else {
        read_side(h->s, h->path, h->kind, h->df);
    }
}

/* Is the file a captured HTTP response (a WARC response record's block, as
 * `ccsig check --response` reads)? */
static bool is_response(const char *p, size_t len) {
    return len >= 12 && !memcmp(p, "HTTP/", 5) && p[5] >= '0' && p[5] <= '9';
}

/* Evaluate one file (ccsig_evaluate). Returns false (and sets *e) when the
 * file itself cannot be read. */
static bool read_file(inspect_state *s, const char *path, ccsig_file_format *fmt, size_t *size,
                      int *e) {
    mapped m;
    bool from_stdin = s->stdin_file && !strcmp(path, "-");
    const char *file = from_stdin ? s->stdin_file : path;
    if (!map_file(file, &m, e))
        return false;
    s->map = m; /* unmapped after the report */
    *size = m.len;
    ccsig_str origin = ccsig_str_c(ccsig_arena_dup(&s->arena, path, strlen(path)));
    ccsig_file_format f = ccsig_file_format_sniff(m.p, m.len);
    *fmt = f;
    const char *agent = s->o.agent ? s->o.agent : "";
    ccsig_eval_input in;
    memset(&in, 0, sizeof in);
    in.origin = origin;
    in.agent = ccsig_robots_product_token(agent, strlen(agent));
    in.profile = &s->o.prof;
    in.status = -1;
    const char *base = base_name(path);
    ccsig_dataset_format df;
    self_hook self = {s, path, origin, 2, CCSIG_DATASET_CROISSANT};
    file_hook beside = {s, path, file, origin, false, false, from_stdin};

    if (is_response(m.p, m.len)) {
        /* a captured response: evaluated exactly as scan and check --response do */
        ccsig_error err;
        if (ccsig_evaluate_response(m.p, m.len, &in, &s->arena, &s->msg, &s->ev, &err)) {
            *e = ENOMEM;
            return false;
        }
        *fmt = s->ev.format;
        return true;
    }
    if (ccsig_dataset_format_for_name(base, &df)) {
        /* the file is dataset metadata: read it as such */
        self.df = df;
        in.more = read_self;
        in.more_ctx = &self;
    } else if (f != CCSIG_FMT_HTML && (f == CCSIG_FMT_XMP || ends_with_ci(base, ".xmp"))) {
        self.kind = 0;
        in.more = read_self;
        in.more_ctx = &self;
    } else if (f != CCSIG_FMT_HTML && (f == CCSIG_FMT_OPF || ends_with_ci(base, ".opf"))) {
        self.kind = 3;
        in.more = read_self;
        in.more_ctx = &self;
    } else if (f != CCSIG_FMT_HTML && (f == CCSIG_FMT_JUMBF || ends_with_ci(base, ".c2pa"))) {
        /* a sidecar on its own: no sidecars of its own */
        self.kind = 1;
        in.more = read_self;
        in.more_ctx = &self;
    } else {
        /* the file is the body; its name may say it is HTML */
        in.response = true;
        in.body = m.p;
        in.body_len = m.len;
        if (ends_with_ci(base, ".html") || ends_with_ci(base, ".htm")) {
            in.has_type = true;
            in.content_type = CCSIG_STR_LIT("text/html");
        }
        in.readers = CCSIG_EVAL_READ_HTML; /* XMP and C2PA: read_beside */
        beside.epub = f == CCSIG_FMT_EPUB || ends_with_ci(base, ".epub");
        beside.html = ccsig_asset_classify(in.content_type, in.has_type, m.p, m.len, NULL) ==
                      CCSIG_ASSET_HTML;
        in.more = read_beside;
        in.more_ctx = &beside;
    }
    ccsig_evaluate(&in, &s->arena, &s->ev);
    return true;
}

/* ---- output ---- */

static void report(inspect_state *s, const char *path, ccsig_file_format fmt, const char *error) {
    const ccsig_collect *c = &s->ev.c;
    const ccsig_verdict v = s->ev.verdict;
    const ccsig_decision d = s->ev.decision;
    if (!error)
        s->status = cli_exit_worst(s->status, cli_exit_for_result(d.result));
    if (s->o.json) {
        ccsig_buf *b = &s->out;
        ccsig_buf_clear(b);
        const char *agent = s->o.agent ? s->o.agent : "";
        ccsig_report_write_record_head(b, ccsig_str_c(path), ccsig_str_c(agent), "unknown", NULL,
                                       &v, &d, c->sts, c->n);
        sources_write_links_notes(b, c);
        ccsig_buf_printf(b, ",\"format\":\"%s\",\"error\":", ccsig_file_format_name(fmt));
        if (error)
            ccsig_buf_json_str(b, error, strlen(error));
        else
            ccsig_buf_puts(b, "null");
        ccsig_buf_puts(b, "}\n");
        fwrite(b->data, 1, b->len, stdout);
    } else {
        if (error) {
            printf("%s: error: %s\n", path, error);
        } else {
            printf("%s (%s): %zu statement%s\n", path, ccsig_file_format_name(fmt), c->n,
                   c->n == 1 ? "" : "s");
            bool any = false;
            for (int k = 0; k < CCSIG_CAT_COUNT; k++)
                any |= v.cat[k].state != CCSIG_STATE_UNKNOWN;
            if (any) {
                ccsig_buf t = CCSIG_BUF_INIT;
                ccsig_report_categories_text(&t, &v, "  ", sources_names(c->n));
                cli_put_buf(stdout, &t);
            } else
                printf("  No preference is stated for any category.\n");
            {
                ccsig_buf t = CCSIG_BUF_INIT;
                ccsig_report_decision_text(&t, &d, "  ");
                cli_put_buf(stdout, &t);
            }
            sources_print_text(stdout, c, c->sts, c->n, "  ");
        }
    }
    fflush(stdout);
}

static void inspect_one(inspect_state *s, const char *path) {
    ccsig_arena_reset(&s->arena);
    ccsig_file_format fmt = CCSIG_FMT_UNKNOWN;
    size_t size = 0;
    int e = 0;
    s->files++;
    if (!read_file(s, path, &fmt, &size, &e)) {
        ccsig_eval_input none;
        memset(&none, 0, sizeof none);
        none.profile = &s->o.prof;
        ccsig_evaluate(&none, &s->arena, &s->ev);
        char msg[300];
        snprintf(msg, sizeof msg, "%s%s", strerror(e),
                 e == EISDIR ? " (use -r to walk directories)" : "");
        cli_error("inspect", "%s: %s", path, msg);
        report(s, path, fmt, msg);
        s->status = cli_exit_worst(s->status, EXIT_USAGE);
        return;
    }
    (void)size;
    report(s, path, fmt, NULL);
    unmap_file(&s->map);
}

static int name_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is name (in dir) a sidecar of another file in entries? */
static bool sidecar_of_other(char **names, size_t n, const char *name) {
    bool xmp = ends_with_ci(name, ".xmp"), c2pa = ends_with_ci(name, ".c2pa");
    if (!xmp && !c2pa)
        return false;
    size_t stem = strlen(name) - (xmp ? 4 : 5);
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(names[i], name))
            continue;
        /* FILE.xmp or STEM.xmp for FILE = STEM.ext */
        if (strlen(names[i]) == stem && !strncmp(names[i], name, stem))
            return true;
        const char *dot = strrchr(names[i], '.');
        if (dot && (size_t)(dot - names[i]) == stem && !strncmp(names[i], name, stem) &&
            !ends_with_ci(names[i], ".xmp") && !ends_with_ci(names[i], ".c2pa"))
            return true;
    }
    return false;
}

static void walk(inspect_state *s, const char *path, int depth) {
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && stat(path, &st) == 0 &&
        S_ISDIR(st.st_mode) && depth > 0)
        return; /* a symbolic link to a directory inside a walk: skipped */
    if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
        inspect_one(s, path);
        return;
    }
    if (!s->o.recursive) {
        inspect_one(s, path);
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        cli_error("inspect", "%s: %s", path, strerror(errno));
        s->status = cli_exit_worst(s->status, EXIT_USAGE);
        return;
    }
    size_t n = 0, cap = 64;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while (names && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap *= 2) * sizeof *names);
            if (!nn) {
                cli_error("inspect", "%s: out of memory", path);
                s->status = EXIT_INTERNAL;
                break;
            }
            names = nn;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (!names) {
        cli_error("inspect", "%s: out of memory", path);
        s->status = EXIT_INTERNAL;
        return;
    }
    qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n; i++) {
        if (!names[i])
            continue;
        if (sidecar_of_other(names, n, names[i]) || is_dataset_name(names[i]))
            continue;
        size_t pl = strlen(path);
        char *child = malloc(pl + strlen(names[i]) + 2);
        sprintf(child, "%s%s%s", path, pl && path[pl - 1] == '/' ? "" : "/", names[i]);
        walk(s, child, depth + 1);
        free(child);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int cmd_inspect(int argc, char **argv) {
    inspect_state *s = calloc(1, sizeof *s);
    if (!s) {
        cli_error("inspect", "out of memory");
        return EXIT_INTERNAL;
    }
    s->o.prof.use = CCSIG_CAT_NONE;
    int c, rc = EXIT_OK;
    cli_parser cp;
    cli_parser_init(&cp, &cmd_inspect_cli, argc, argv, 1);
    while ((c = cli_next(&cp)) > 0) {
        switch (c) {
        case 'j':
            s->o.json = true;
            break;
        case 'r':
            s->o.recursive = true;
            break;
        case 'u':
            if (!cli_parse_use("inspect", optarg, &s->o.prof.use))
                rc = EXIT_USAGE;
            break;
        case 'c':
            if (!cli_parse_commit("inspect", optarg, &s->o.prof.commitments))
                rc = EXIT_USAGE;
            break;
        case 'p':
            if (!cli_parse_purpose("inspect", optarg, &s->o.prof.purpose))
                rc = EXIT_USAGE;
            break;
        case 'G':
            if (!cli_parse_reading("inspect", optarg, &s->o.prof.reading))
                rc = EXIT_USAGE;
            break;
        case 'a':
            s->o.agent = optarg;
            break;
        }
        if (rc) {
            free(s);
            return rc;
        }
    }
    if (c < 0) {
        free(s);
        return cp.rc;
    }
    if (optind >= argc) {
        free(s);
        return cli_usage_error("inspect", "no file given");
    }
    if (cli_stdin_once("inspect", argc - optind, argv + optind)) {
        free(s);
        return EXIT_USAGE;
    }
    ccsig_arena_init(&s->arena, 0);
    s->status = EXIT_OK;
    for (int i = optind; i < argc; i++) {
        if (strcmp(argv[i], "-")) {
            walk(s, argv[i], 0);
            continue;
        }
        /* standard input: copied to a file it can map and exempi can open */
        s->stdin_file = cli_stdin_to_tmpfile("inspect", "FILE", STDIN_MAX);
        if (s->stdin_file)
            inspect_one(s, "-");
        else
            s->status = cli_exit_worst(s->status, EXIT_USAGE);
    }
    rc = cli_finish_stdout("inspect", s->status);
    ccsig_buf_free(&s->out);
    ccsig_arena_free(&s->arena);
    free(s);
    return rc;
}
