/*
 * cmd_scan.c — `ccsig scan [options] ARCHIVE... | @PATHLIST`: annotate and
 * filter WARC archives by the AI usage preferences each record carries, and
 * write the credit manifest (docs/ccsig-scan.1).
 *
 * This file reads the options and the archive list, opens the files and
 * prints; the library does the rest: the scan session
 * (ccsig/scan_session.h), the robots.txt store (ccsig/robots_store.h), the
 * summary and the credit manifest (ccsig/summary.h, ccsig/credit.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "ccsig/alloc.h"
#include "ccsig/credit.h"
#include "ccsig/httpmsg.h"
#include "ccsig/robots_store.h"
#include "ccsig/scan_session.h"
#include "ccsig/shard.h"
#include "ccsig/summary.h"
#include "ccsig/wat.h"
#include "cli.h"
#include "commands.h"
#include "index_file.h"

const char cmd_scan_summary[] = "annotate and filter WARC archives, write the credit manifest";

/* A path list (warc.paths.gz) of a whole crawl is ~100k lines of ~100
 * bytes; 256 MiB leaves room for much larger lists and stops a wrong file. */
#define PATHLIST_MAX (256u << 20)

typedef struct strv {
    char **v;
    size_t n, cap;
} strv;

static void strv_push(strv *s, char *p) {
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 16;
        char **nv = realloc(s->v, nc * sizeof *nv);
        if (!nv) {
            cli_error("scan", "out of memory");
            exit(EXIT_INTERNAL);
        }
        s->v = nv;
        s->cap = nc;
    }
    s->v[s->n++] = p;
}

static void strv_free(strv *s) {
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    *s = (strv){0}; /* freeing twice is harmless */
}

static bool read_pathlist(const char *list, const char *prefix, strv *out) {
    size_t n;
    char *raw = cli_read_file(list, PATHLIST_MAX, &n);
    if (!raw) {
        cli_error("scan", "@%s: cannot read: %s", list, strerror(errno));
        return false;
    }
    char *text = raw;
    bool gz = n >= 2 && (unsigned char)raw[0] == 0x1f && (unsigned char)raw[1] == 0x8b;
    if (gz) {
        ccsig_error zerr;
        char *z = NULL;
        size_t zn = 0;
        if (ccsig_gunzip(raw, n, PATHLIST_MAX, true, &z, &zn, &zerr) != CCSIG_OK) {
            free(raw);
            cli_error("scan", "@%s: not a readable gzip path list: %s", list, zerr.message);
            return false;
        }
        free(raw);
        text = z;
        n = zn;
    }
    unsigned line = 0;
    for (char *p = text; p < text + n;) {
        char *e = memchr(p, '\n', (size_t)(text + n - p));
        if (!e)
            e = text + n;
        line++;
        char *s = p, *t = e;
        while (s < t && (*s == ' ' || *s == '\t'))
            s++;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
            t--;
        p = e + 1;
        if (s == t || *s == '#')
            continue;
        size_t len = (size_t)(t - s);
        if (memchr(s, '\0', len)) {
            cli_error("scan", "@%s:%u: a path cannot contain a NUL byte", list, line);
            gz ? ccsig_free(text) : free(text);
            return false;
        }
        char *path;
        if (prefix && !(len && s[0] == '/')) {
            size_t pl = strlen(prefix);
            bool slash = pl && prefix[pl - 1] == '/';
            path = malloc(pl + 1 + len + 1);
            if (path)
                snprintf(path, pl + 1 + len + 1, "%s%s%.*s", prefix, slash ? "" : "/", (int)len, s);
        } else {
            path = strndup(s, len);
        }
        if (!path) {
            cli_error("scan", "out of memory");
            exit(EXIT_INTERNAL);
        }
        strv_push(out, path);
    }
    gz ? ccsig_free(text) : free(text);
    return true;
}

/* ---- the sink: where the session's outputs go ---- */

typedef struct scan_out {
    FILE *annot, *keep;
    bool quiet;
    bool progress_shown;
    int annot_errno, keep_errno; /* why a write failed (the first failure); 0: none */
} scan_out;

/* fwrite to an output; on failure remember why (errno, or EIO when the C
 * library left none) for the error that names the output. */
static bool put(FILE *f, const char *p, size_t n, int *why) {
    errno = 0;
    if (fwrite(p, 1, n, f) == n)
        return true;
    if (!*why)
        *why = errno ? errno : EIO;
    return false;
}

static bool put_annotation(void *ctx, const char *p, size_t n) {
    scan_out *so = ctx;
    return put(so->annot, p, n, &so->annot_errno);
}

static bool put_kept(void *ctx, const char *p, size_t n) {
    scan_out *so = ctx;
    return put(so->keep, p, n, &so->keep_errno);
}

/* Close (or flush, for standard output) an output after the last write:
 * what the C library still buffers can fail here too. */
static void close_output(FILE *f, int *why) {
    if (!f)
        return;
    errno = 0;
    if ((f == stdout ? fflush(f) : fclose(f)) != 0 && !*why)
        *why = errno ? errno : EIO;
}

/* Report an output that could not be written: which one, and why. */
static void output_failed(const char *what, const char *path, int why) {
    cli_error("scan", "%s %s: cannot write: %s", what,
              strcmp(path, "-") ? path : "(standard output)", strerror(why));
}

static void put_damage(void *ctx, const char *name, uint64_t offset, const char *what) {
    scan_out *so = ctx;
    if (so->quiet)
        return;
    if (so->progress_shown) {
        fputs("\r\033[K", stderr);
        so->progress_shown = false;
    }
    fprintf(stderr, "ccsig scan: %s: offset %" PRIu64 ": %s\n", name, offset, what);
}

static void put_archive_error(void *ctx, const char *name, const char *what) {
    (void)ctx;
    cli_error("scan", "%s: %s", name, what);
}

static void put_progress(void *ctx, const ccsig_scan_progress *p) {
    scan_out *so = ctx;
    double t = p->seconds;
    double mb = (double)p->bytes_done / 1e6, rate = t > 0 ? mb / t : 0;
    double recs = t > 0 ? (double)p->records / t : 0;
    fprintf(stderr, "\r\033[K%.1f MB", mb);
    if (p->sizes_known && p->bytes_total) {
        double pct = 100.0 * (double)p->bytes_done / (double)p->bytes_total;
        fprintf(stderr, " of %.1f MB (%.0f%%)", (double)p->bytes_total / 1e6, pct);
    }
    fprintf(stderr, "  %" PRIu64 " records  %.0f rec/s  %.1f MB/s", p->records, recs, rate);
    if (p->sizes_known && p->bytes_total && rate > 0 && !p->final) {
        double eta = ((double)p->bytes_total / 1e6 - mb) / rate;
        if (eta < 0)
            eta = 0;
        fprintf(stderr, "  ETA %d:%02d", (int)eta / 60, (int)eta % 60);
    }
    if (p->final)
        fprintf(stderr, "  in %.2f s\n", t);
    so->progress_shown = !p->final;
}

/* --robots - larger than this is refused. */
#define ROBOTS_STDIN_MAX (4ull << 30)

static void robots_problem(void *ctx, const char *path, uint64_t offset, const char *what) {
    const char *stdin_file = ctx; /* --robots -: its copy is named '-' */
    if (stdin_file && !strcmp(path, stdin_file))
        path = "-";
    if (offset == CCSIG_ROBOTS_STORE_NO_OFFSET)
        fprintf(stderr, "ccsig scan: --robots %s: %s\n", path, what);
    else
        fprintf(stderr, "ccsig scan: --robots %s: offset %llu: %s\n", path,
                (unsigned long long)offset, what);
}

static FILE *open_output(const char *path, const char *what) {
    if (!strcmp(path, "-"))
        return stdout;
    FILE *f = fopen(path, "wb");
    if (!f)
        cli_error("scan", "%s %s: cannot write: %s", what, path, strerror(errno));
    return f;
}

static ssize_t read_stdin(void *ctx, void *buf, size_t n) {
    (void)ctx;
    return read(0, buf, n);
}

/* Run the session over the archives; print as `ccsig scan` does. Returns
 * the exit code of the scan part (cli.h): 0, 1 a record is not permitted for
 * the use, 2 an archive unreadable or damaged records skipped, 3 an output
 * could not be written or memory ran out. */
static int run_scan(const ccsig_scan_session_options *so_opt, const char *annotate,
                    const char *keep, bool quiet, char *const *paths, size_t n,
                    const ccsig_index *index, bool wat, const char *warc_dir, ccsig_summary *sum,
                    ccsig_credit_map *credit) {
    scan_out so = {NULL, NULL, quiet, false, 0, 0};
    ccsig_scan_session_options opt = *so_opt;
    ccsig_scan_sink sink = {&so, NULL, NULL, put_damage, put_archive_error, NULL};
    if (!quiet && cli_isatty(stderr))
        sink.progress = put_progress;
    if (annotate) {
        opt.annotate_codec = ccsig_warc_codec_for(annotate);
        if (!(so.annot = open_output(annotate, "--annotate")))
            return EXIT_USAGE;
        sink.annotation = put_annotation;
    }
    if (keep) {
        opt.keep_codec = ccsig_warc_codec_for(keep);
        if (!(so.keep = open_output(keep, "--keep"))) {
            if (so.annot && so.annot != stdout)
                fclose(so.annot);
            return EXIT_USAGE;
        }
        sink.kept = put_kept;
    }
    ccsig_scan_session *s;
    ccsig_error err;
    if (ccsig_scan_session_new(&opt, &sink, &s, &err)) {
        cli_error("scan", "%s", err.message);
        return EXIT_INTERNAL;
    }
    ccsig_status st = CCSIG_OK;
    for (size_t i = 0; i < n && !st; i++) {
        if (wat && !index) {
            st = ccsig_scan_session_add_wat(s, paths[i], paths[i], &err);
            continue;
        }
        if (index) { /* --index: each archive read through its spans */
            /* --wat --keep: the WAT's records are kept from its WARC file */
            char *warc = NULL;
            if (wat && (st = ccsig_wat_warc_path(paths[i], warc_dir, &warc, &err)) != CCSIG_OK) {
                if (st == CCSIG_ERR_NOMEM)
                    break;
                cli_error("scan", "%s", err.message);
                ccsig_scan_session_free(s);
                close_output(so.annot, &so.annot_errno);
                close_output(so.keep, &so.keep_errno);
                return EXIT_USAGE;
            }
            const char *archive = wat ? warc : paths[i];
            ccsig_index_span *spans;
            size_t ns;
            if (ccsig_index_spans(index, archive, &spans, &ns)) {
                ccsig_free(warc);
                st = ccsig_error_set(&err, CCSIG_ERR_NOMEM, 0, "out of memory");
                break;
            }
            if (!ns)
                cli_error("scan", "%s: --index names no record of it (its \"filename\" differs)",
                          archive);
            st = wat ? ccsig_scan_session_add_wat_warc(s, paths[i], paths[i], warc, warc, spans, ns,
                                                       &err)
                     : ccsig_scan_session_add_indexed(s, paths[i], paths[i], spans, ns, &err);
            ccsig_free(spans);
            ccsig_free(warc);
            if (!ns && !st) {
                ccsig_scan_session_free(s);
                close_output(so.annot, &so.annot_errno);
                close_output(so.keep, &so.keep_errno);
                return EXIT_USAGE;
            }
            continue;
        }
        st = !strcmp(paths[i], "-") ? ccsig_scan_session_add_stream(s, read_stdin, NULL, "-", &err)
                                    : ccsig_scan_session_add_path(s, paths[i], paths[i], &err);
    }
    if (!st)
        st = ccsig_scan_session_run(s, &err);
    bool write_error = ccsig_scan_session_write_failed(s);
    close_output(so.annot, &so.annot_errno);
    close_output(so.keep, &so.keep_errno);
    if (so.annot_errno)
        output_failed("--annotate", annotate, so.annot_errno);
    if (so.keep_errno)
        output_failed("--keep", keep, so.keep_errno);
    if (write_error && !so.annot_errno && !so.keep_errno)
        cli_error("scan", "writing an output failed");
    write_error = write_error || so.annot_errno || so.keep_errno;
    ccsig_summary_merge(sum, ccsig_scan_session_summary(s));
    ccsig_credit_merge(credit, ccsig_scan_session_credit(s));
    int rc = EXIT_OK;
    if (st == CCSIG_ERR_NOMEM || st == CCSIG_ERR_USAGE) {
        cli_error("scan", "%s", err.message);
        rc = EXIT_INTERNAL;
    } else if (write_error) {
        rc = EXIT_INTERNAL;
    } else if (ccsig_scan_session_unreadable(s) || sum->errors_total) {
        rc = EXIT_USAGE; /* unreadable input: an archive, or damaged records skipped */
    }
    if (sum->results[CCSIG_RESULT_NOT_PERMITTED])
        rc = cli_exit_worst(rc, EXIT_NOT_PERMITTED);
    ccsig_scan_session_free(s);
    return rc;
}

static bool parse_shard(const char *arg, unsigned long *i, unsigned long *n) {
    char *end;
    errno = 0;
    *i = strtoul(arg, &end, 10);
    if (end == arg || *end != '/' || errno)
        return false;
    const char *s = end + 1;
    *n = strtoul(s, &end, 10);
    return end != s && !*end && !errno && *n > 0 && *i < *n && arg[0] != '-';
}

static bool parse_size(const char *arg, unsigned long long min, unsigned long long max,
                       unsigned long long *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (end == arg || errno || arg[0] == '-')
        return false;
    if (*end == 'K' || *end == 'k')
        v <<= 10, end++;
    else if (*end == 'M' || *end == 'm')
        v <<= 20, end++;
    if (*end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

enum {
    O_ANNOTATE = 256,
    O_KEEP,
    O_CREDIT,
    O_SUMMARY,
    O_JSON,
    O_ROBOTS,
    O_AGENT,
    O_USE,
    O_COMMIT,
    O_PURPOSE,
    O_READING,
    O_UNKNOWN,
    O_PREFIX,
    O_SHARD,
    O_THREADS,
    O_REVISITS,
    O_HOLD,
    O_QUIET,
    O_CHUNK,
    O_ROBOTS_CACHE,
    O_CREDIT_FORMAT,
    O_INDEX,
    O_WAT,
    O_WARC_DIR,
    O_STATUS
};

static const cli_option options[] = {
    {NULL, 0, 0, CLI_VAL_NONE, NULL, NULL, 0,
     "Outputs (any combination; --summary when none is given):", 0},
    {"annotate", 0, O_ANNOTATE, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "one JSON line per record (.gz/.zst compress; '-' = stdout)", 0},
    {"keep", 0, O_KEEP, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "the usable records and their request/metadata records,\n"
     "copied byte-exact (.warc.gz, .warc.zst or .warc)",
     0},
    {"credit", 0, O_CREDIT, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "credit manifest per declaring party (.json, .csv or .md;\n"
     "'-' with --credit-format json|csv|md for stdout)",
     0},
    {"credit-format", 0, O_CREDIT_FORMAT, CLI_VAL_WORDS, "F", "json csv md", CLI_ONCE | CLI_NOHELP,
     "json, csv or md (default: from the --credit file name)", 0},
    {"summary", 0, O_SUMMARY, CLI_VAL_NONE, NULL, NULL, CLI_ONCE,
     "counts at the end; --json for JSON", 0},
    {"json", 0, O_JSON, CLI_VAL_NONE, NULL, NULL, CLI_ONCE | CLI_NOHELP, "the summary as JSON", 0},
    {NULL, 0, 0, CLI_VAL_NONE, NULL, NULL, 0, "Profile:", 0},
    {"agent", 0, O_AGENT, CLI_VAL_TEXT, "UA", NULL, 0,
     "crawler product token for robots.txt (default '*')", 0},
    {"use", 0, O_USE, CLI_VAL_CATEGORY, "CATEGORY", NULL, 0,
     "the use to decide for (needed by --keep and --credit)", 0},
    {"commit", 0, O_COMMIT, CLI_VAL_COMMIT, "LIST", NULL, 0,
     "credit, direct-contribution, ecosystem-contribution, open", 0},
    {"purpose", 0, O_PURPOSE, CLI_VAL_PURPOSE, "P", NULL, 0,
     "claim a public-interest purpose (see ccsig explain)", 0},
    {"reading", 0, O_READING, CLI_VAL_READING, "R", NULL, 0,
     "how labels are read: current or default (see ccsig explain)", 0},
    {"unknown", 0, O_UNKNOWN, CLI_VAL_WORDS, "keep|skip", "keep skip", 0,
     "records stating no preference: usable (default) or not", 0},
    {"status", 0, O_STATUS, CLI_VAL_TEXT, "LIST", NULL, CLI_ONCE,
     "HTTP status classes counted as used: 1xx..5xx, none,\n"
     "any (default 2xx; revisits by their original's)",
     0},
    {NULL, 0, 0, CLI_VAL_NONE, NULL, NULL, 0, "Inputs:", 0},
    {"robots", 0, O_ROBOTS, CLI_VAL_FILE, "PATH", NULL, CLI_REPEAT,
     "robots.txt captures (WARC), or a directory of such WARCs\n"
     "and HOST.txt files",
     0},
    {"robots-cache", 0, O_ROBOTS_CACHE, CLI_VAL_TEXT, "N", NULL, CLI_NUM,
     "compiled robots.txt files kept at once (default %llu)", CCSIG_ROBOTS_STORE_MAX_ENTRIES},
    {"index", 0, O_INDEX, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "read each archive through its records' offsets in FILE\n"
     "(CDXJ, CDX, ccsig index; plain or .gz): only what\n"
     "annotation needs is inflated",
     0},
    {"wat", 0, O_WAT, CLI_VAL_NONE, NULL, NULL, CLI_ONCE,
     "the archives are Common Crawl WAT files: annotate from\n"
     "their headers and <head> metadata; with --keep, the kept\n"
     "records are copied from the WARC files they describe\n"
     "at the places --index gives",
     0},
    {"warc-dir", 0, O_WARC_DIR, CLI_VAL_DIR, "DIR", NULL, CLI_ONCE,
     "--wat --keep: the WARC files the WATs describe are in\n"
     "DIR (default: beside each WAT; NAME.warc.wat.gz\n"
     "describes NAME.warc.gz)",
     0},
    {"prefix", 0, O_PREFIX, CLI_VAL_DIR, "DIR", NULL, 0,
     "resolve relative paths of a @PATHLIST against DIR", 0},
    {"shard", 0, O_SHARD, CLI_VAL_TEXT, "I/N", NULL, 0,
     "take archives I, I+N, I+2N, ... of the list (0 <= I < N)", 0},
    {NULL, 0, 0, CLI_VAL_NONE, NULL, NULL, 0, "Running:", 0},
    {"threads", 0, O_THREADS, CLI_VAL_TEXT, "N", NULL, 0, "worker threads (default: all cores)", 0},
    {"revisits", 0, O_REVISITS, CLI_VAL_TEXT, "N", NULL, CLI_NUM,
     "originals remembered to resolve revisits (default %llu; 0 off)",
     CCSIG_SCAN_REVISIT_TABLE_DEFAULT},
    {"hold", 0, O_HOLD, CLI_VAL_TEXT, "BYTES", NULL, CLI_NUM,
     "block bytes held per record (default %llu)", CCSIG_WARC_HOLD_DEFAULT},
    {"quiet", 0, O_QUIET, CLI_VAL_NONE, NULL, NULL, 0, "no progress display and no per-error lines",
     0},
    {"chunk", 0, O_CHUNK, CLI_VAL_TEXT, "BYTES", NULL, CLI_HIDDEN, "testing: job size in bytes", 0},
    {0},
};

const cli_spec cmd_scan_cli = {
    .name = "scan",
    .synopsis =
        "usage: ccsig scan [options] ARCHIVE... | @PATHLIST\n\n"
        "Read WARC archives (.warc, .warc.gz, .warc.zst, '-' for stdin) and, for every\n"
        "response and revisit record, decide what its robots.txt and its own headers allow.\n"
        "@PATHLIST names a file (plain or .gz) listing one archive per line.\n\n",
    .options = options,
    .column = 20,
    .epilog = CLI_EXIT_HELP ";\ndamaged records skipped count as unreadable input (2).\n",
    .operand = CLI_VAL_FILE,
    .permute = true,
};

int cmd_scan(int argc, char **argv) {
    ccsig_scan_session_options o;
    ccsig_scan_session_options_init(&o);
    const char *annotate = NULL, *keep = NULL, *credit_path = NULL;
    ccsig_credit_format credit_fmt = CCSIG_CREDIT_JSON;
    bool quiet = false;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o.threads = cores > 0 ? (int)cores : 1;
    bool summary = false, json = false;
    const char *prefix = NULL, *index_path = NULL;
    bool wat = false;
    const char *warc_dir = NULL;
    unsigned long shard_i = 0, shard_n = 1;
    bool sharded = false;
    strv robots = {0};
    /* a usage error after --robots was given frees the list first */
#define SCAN_USAGE(...) (strv_free(&robots), cli_usage_error("scan", __VA_ARGS__))
    size_t robots_cache = 0;
    bool credit_fmt_given = false;
    int c;
    cli_parser cp;
    cli_parser_init(&cp, &cmd_scan_cli, argc, argv, 1);
    while ((c = cli_next(&cp)) > 0) {
        unsigned long long v;
        switch (c) {
        case O_ANNOTATE:
            annotate = optarg;
            break;
        case O_KEEP:
            keep = optarg;
            break;
        case O_CREDIT:
            credit_path = optarg;
            break;
        case O_CREDIT_FORMAT:
            if (!ccsig_credit_format_parse(optarg, &credit_fmt))
                return SCAN_USAGE("--credit-format %s: expected json, csv or md", optarg);
            credit_fmt_given = true;
            break;
        case O_SUMMARY:
            summary = true;
            break;
        case O_JSON:
            json = true;
            break;
        case O_ROBOTS:
            strv_push(&robots, strdup(optarg)); /* '-': copied once the inputs are known */
            break;
        case O_ROBOTS_CACHE:
            if (!parse_size(optarg, 1, 1u << 24, &v))
                return SCAN_USAGE("--robots-cache %s: expected 1 to 16777216", optarg);
            robots_cache = (size_t)v;
            break;
        case O_AGENT:
            if (!*optarg || strlen(optarg) >= sizeof o.profile.agent)
                return SCAN_USAGE("--agent must be 1 to %zu bytes", sizeof o.profile.agent - 1);
            snprintf(o.profile.agent, sizeof o.profile.agent, "%s", optarg);
            break;
        case O_USE:
            if (!cli_parse_use("scan", optarg, &o.profile.p.use))
                return (strv_free(&robots), EXIT_USAGE);
            break;
        case O_COMMIT:
            if (!cli_parse_commit("scan", optarg, &o.profile.p.commitments))
                return (strv_free(&robots), EXIT_USAGE);
            break;
        case O_PURPOSE:
            if (!cli_parse_purpose("scan", optarg, &o.profile.p.purpose))
                return (strv_free(&robots), EXIT_USAGE);
            break;
        case O_READING:
            if (!cli_parse_reading("scan", optarg, &o.profile.p.reading))
                return (strv_free(&robots), EXIT_USAGE);
            break;
        case O_UNKNOWN:
            if (!strcmp(optarg, "keep"))
                o.keep_unknown = true;
            else if (!strcmp(optarg, "skip"))
                o.keep_unknown = false;
            else
                return SCAN_USAGE("--unknown %s: expected keep or skip", optarg);
            break;
        case O_STATUS: {
            ccsig_error err;
            if (ccsig_status_class_parse(optarg, strlen(optarg), &o.profile.status, &err))
                return SCAN_USAGE("--status %s: %s", optarg, err.message);
            break;
        }
        case O_PREFIX:
            prefix = optarg;
            break;
        case O_INDEX:
            index_path = optarg;
            break;
        case O_WAT:
            wat = true;
            break;
        case O_WARC_DIR:
            warc_dir = optarg;
            break;
        case O_SHARD:
            if (!parse_shard(optarg, &shard_i, &shard_n))
                return SCAN_USAGE("--shard %s: expected I/N with 0 <= I < N", optarg);
            sharded = true;
            break;
        case O_THREADS:
            if (!parse_size(optarg, 1, 1024, &v))
                return SCAN_USAGE("--threads %s: expected 1 to 1024", optarg);
            o.threads = (int)v;
            break;
        case O_REVISITS:
            if (!parse_size(optarg, 0, 1u << 26, &v))
                return SCAN_USAGE("--revisits %s: expected 0 to 67108864", optarg);
            o.revisit_table = (size_t)v;
            break;
        case O_HOLD:
            if (!parse_size(optarg, 4096, 1u << 30, &v))
                return SCAN_USAGE("--hold %s: expected 4096 to 1G bytes (K, M)", optarg);
            o.hold = (size_t)v;
            break;
        case O_CHUNK:
            if (!parse_size(optarg, 1, 1ull << 40, &v))
                return SCAN_USAGE("--chunk %s: expected a byte count", optarg);
            o.chunk = (size_t)v;
            break;
        case O_QUIET:
            quiet = true;
            break;
        }
    }
    if (c < 0)
        return cp.rc;
    if (optind >= argc)
        return SCAN_USAGE("no archive given");
    int from_stdin = 0; /* '-' and @- both read standard input, and --robots - */
    for (int i = optind; i < argc; i++)
        from_stdin += !strcmp(argv[i], "-") || !strcmp(argv[i], "@-");
    for (size_t i = 0; i < robots.n; i++)
        from_stdin += !strcmp(robots.v[i], "-");
    if (from_stdin > 1)
        return SCAN_USAGE("'-' (standard input) given %d times; it can be read once", from_stdin);
    const char *to_stdout = NULL; /* '-' = standard output, for one output only */
    const char *outs[][2] = {{"--annotate", annotate}, {"--keep", keep}, {"--credit", credit_path}};
    for (size_t i = 0; i < 3; i++)
        if (outs[i][1] && !strcmp(outs[i][1], "-")) {
            if (to_stdout)
                return SCAN_USAGE("'-' (standard output) given to both %s and %s", to_stdout,
                                  outs[i][0]);
            to_stdout = outs[i][0];
        }
    if (credit_path && !credit_fmt_given && !ccsig_credit_format_for(credit_path, &credit_fmt))
        return SCAN_USAGE("--credit %s: name a .json, .csv or .md file (or give "
                          "--credit-format)",
                          credit_path);
    bool has_use = (unsigned)o.profile.p.use < CCSIG_CAT_COUNT;
    if (wat && keep && !index_path)
        return SCAN_USAGE("--wat --keep copies the kept records from the WARC files the WATs "
                          "describe, at the places an index gives: add --index FILE");
    if (wat && index_path && !keep)
        return SCAN_USAGE("--wat annotates from the WAT files alone: --index is read with --wat "
                          "only to --keep records");
    if (warc_dir && !(wat && keep))
        return SCAN_USAGE("--warc-dir names where the WARC files of --wat --keep are");
    if (keep && !has_use)
        return SCAN_USAGE("--keep needs --use (which use the kept records serve)");
    if (credit_path && !has_use)
        return SCAN_USAGE("--credit needs --use (credit is owed for a use)");
    if (json && !summary && (annotate || keep || credit_path))
        summary = true;
    if (!annotate && !keep && !credit_path)
        summary = true;

    strv paths = {0};
    int stdin_count = 0;
    for (int i = optind; i < argc; i++) {
        if (argv[i][0] == '@') {
            if (!read_pathlist(argv[i] + 1, prefix, &paths)) {
                strv_free(&paths);
                strv_free(&robots);
                return (strv_free(&robots), EXIT_USAGE);
            }
        } else {
            strv_push(&paths, strdup(argv[i]));
        }
    }
    /* a shard records which part of which list it is (ccsig/shard.h) */
    ccsig_shard identity = {0}; /* all zero: nothing to free */
    if (sharded &&
        !ccsig_shard_init(&identity, shard_i, shard_n, (const char *const *)paths.v, paths.n)) {
        cli_error("scan", "out of memory");
        exit(EXIT_INTERNAL);
    }
    if (sharded)
        o.shard = &identity;
    strv shard = {0};
    for (size_t i = 0; i < paths.n; i++)
        if (i % shard_n == shard_i) {
            strv_push(&shard, paths.v[i]);
            paths.v[i] = NULL;
            stdin_count += !strcmp(shard.v[shard.n - 1], "-");
        }
    strv_free(&paths);
    if (stdin_count > 1) {
        ccsig_shard_free(&identity);
        strv_free(&shard);
        strv_free(&robots);
        return SCAN_USAGE("'-' (stdin) can be given once");
    }

    FILE *report = annotate && !strcmp(annotate, "-") ? stderr : stdout;
    int rc = EXIT_OK;
    ccsig_robots_store *store = NULL;
    if (robots.n) {
        /* --robots -: the store re-reads captures by offset, so standard
         * input is copied to a file first (cli_stdin_to_tmpfile) */
        const char *robots_stdin = NULL;
        for (size_t i = 0; i < robots.n; i++) {
            if (strcmp(robots.v[i], "-"))
                continue;
            robots_stdin = cli_stdin_to_tmpfile("scan", "--robots", ROBOTS_STDIN_MAX);
            if (!robots_stdin) {
                ccsig_shard_free(&identity);
                strv_free(&shard);
                strv_free(&robots);
                return EXIT_USAGE;
            }
            free(robots.v[i]);
            robots.v[i] = strdup(robots_stdin);
        }
        ccsig_robots_store_options ro = {o.profile.agent, robots_cache, robots_problem,
                                         (void *)robots_stdin};
        ccsig_error err;
        ccsig_status st =
            ccsig_robots_store_open((const char *const *)robots.v, robots.n, &ro, &store, &err);
        if (st) {
            if (st == CCSIG_ERR_NOMEM)
                cli_error("scan", "--robots: %s", err.message);
            ccsig_shard_free(&identity);
            strv_free(&shard);
            strv_free(&robots);
            return st == CCSIG_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
        }
        o.robots = store;
    }
    ccsig_index *index = NULL;
    for (size_t i = 0; index_path && i < shard.n; i++)
        if (!strcmp(shard.v[i], "-")) {
            ccsig_robots_store_free(store);
            strv_free(&shard);
            strv_free(&robots);
            return SCAN_USAGE("--index reads archives by offset: standard input cannot be one");
        }
    if (index_path && !(index = cli_index_load("scan", index_path))) {
        ccsig_robots_store_free(store);
        strv_free(&shard);
        strv_free(&robots);
        return EXIT_USAGE;
    }
    ccsig_summary sum;
    ccsig_credit_map credit;
    ccsig_summary_init(&sum);
    ccsig_credit_map_init(&credit);
    rc = run_scan(&o, annotate, keep, quiet, shard.v, shard.n, index, wat, warc_dir, &sum, &credit);
    ccsig_index_free(index);
    if (sharded) {
        sum.shard = &identity;
        credit.shard = &identity;
    }
    if (credit_path) {
        ccsig_buf b = CCSIG_BUF_INIT;
        ccsig_status st = ccsig_credit_write(&b, credit_fmt, &credit, &o.profile);
        FILE *f = st ? NULL : !strcmp(credit_path, "-") ? stdout : fopen(credit_path, "w");
        if (st)
            errno = ENOMEM;
        if (!f || !cli_put_buf(f, &b) || (f == stdout && fflush(f) != 0) ||
            (f != stdout && fclose(f) != 0)) {
            cli_error("scan", "--credit %s: cannot write: %s", credit_path, strerror(errno));
            rc = cli_exit_worst(rc, EXIT_INTERNAL);
        }
        ccsig_buf_free(&b);
    }
    if (summary) {
        ccsig_buf b = CCSIG_BUF_INIT;
        ccsig_status st = CCSIG_OK;
        if (json)
            st = ccsig_summary_write_json(&b, &sum, &o.profile);
        else
            ccsig_summary_write_text(&b, &sum, &o.profile);
        errno = st ? ENOMEM : 0; /* no summary rather than part of one */
        if (st || !cli_put_buf(report, &b) || fflush(report) != 0) {
            int why = errno ? errno : EIO;
            cli_error("scan", "--summary (standard %s): cannot write: %s",
                      report == stdout ? "output" : "error", strerror(why));
            rc = cli_exit_worst(rc, EXIT_INTERNAL);
        }
    }
    if (store && ccsig_robots_store_get_stats(store).errors)
        rc = cli_exit_worst(rc, EXIT_USAGE); /* damaged robots.txt captures were skipped */
    ccsig_robots_store_free(store);
    ccsig_summary_free(&sum);
    ccsig_credit_map_free(&credit);
    ccsig_shard_free(&identity);
    strv_free(&shard);
    strv_free(&robots);
    return rc;
#undef SCAN_USAGE
}
