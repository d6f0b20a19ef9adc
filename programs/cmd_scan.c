/*
 * cmd_scan.c — `ccsig scan [options] ARCHIVE... | @PATHLIST`: annotate and
 * filter WARC archives by the AI usage preferences each record carries, and
 * write the credit manifest (docs/ccsig-scan.1).
 *
 * This file reads the options and the archive list; programs/scan/ holds
 * the pipeline (scan_pipeline.c), the robots.txt store (robots_store.c) and
 * the summary and credit model shared with `ccsig merge` (scan_model.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

#include <isa-l/igzip_lib.h>

#include "cli.h"
#include "commands.h"
#include "scan/robots_store.h"
#include "scan/scan_model.h"
#include "scan/scan_pipeline.h"

const char cmd_scan_summary[] = "annotate and filter WARC archives, write the credit manifest";

/* A path list (warc.paths.gz) of a whole crawl is ~100k lines of ~100
 * bytes; 256 MiB leaves room for much larger lists and stops a wrong file. */
#define PATHLIST_MAX (256u << 20)

static void help(FILE *f) {
    fprintf(f,
            "usage: ccsig scan [options] ARCHIVE... | @PATHLIST\n\n"
            "Read WARC archives (.warc, .warc.gz, .warc.zst, '-' for stdin) and, for every\n"
            "response and revisit record, decide what its robots.txt and its own headers allow.\n"
            "@PATHLIST names a file (plain or .gz) listing one archive per line.\n\n"
            "Outputs (any combination; --summary when none is given):\n"
            "  --annotate FILE   one JSON line per record (.gz/.zst compress; '-' = stdout)\n"
            "  --keep FILE       the usable records and their request/metadata records,\n"
            "                    copied byte-exact (.warc.gz, .warc.zst or .warc)\n"
            "  --credit FILE     credit manifest per declaring party (.json, .csv or .md;\n"
            "                    '-' with --credit-format json|csv|md for stdout)\n"
            "  --summary         counts at the end; --json for JSON\n"
            "Profile:\n"
            "  --agent UA        crawler product token for robots.txt (default '*')\n"
            "  --use CATEGORY    the use to decide for (needed by --keep and --credit)\n"
            "  --commit LIST     credit, direct-contribution, ecosystem-contribution, open\n"
            "  --purpose P       claim a public-interest purpose (see ccsig explain)\n"
            "  --unknown keep|skip  records stating no preference: usable (default) or not\n"
            "Inputs:\n"
            "  --robots PATH     robots.txt captures (WARC), or a directory of such WARCs\n"
            "                    and HOST.txt files\n"
            "  --robots-cache N  compiled robots.txt files kept at once (default %d)\n"
            "  --prefix DIR      resolve relative paths of a @PATHLIST against DIR\n"
            "  --shard I/N       take archives I, I+N, I+2N, ... of the list (0 <= I < N)\n"
            "Running:\n"
            "  --threads N       worker threads (default: all cores)\n"
            "  --revisits N      originals remembered to resolve revisits (default %d; 0 off)\n"
            "  --hold BYTES      block bytes held per record (default %u)\n"
            "  --quiet           no progress display and no per-error lines\n"
            "\nExit status: 0 clean, 1 damaged input was skipped, 2 bad usage or an archive\n"
            "could not be read, 3 an output could not be written.\n",
            ROBOTS_STORE_MAX_ENTRIES, SCAN_REVISIT_TABLE_DEFAULT, CCSIG_WARC_HOLD_DEFAULT);
    cli_help_footer(f, "scan");
}

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
}

/* Inflate every gzip member of p[0..n) (a .paths.gz list). */
static char *gunzip(const unsigned char *p, size_t n, size_t *out_len) {
    size_t cap = n * 4 + 4096, len = 0;
    char *out = malloc(cap);
    struct inflate_state st;
    size_t pos = 0;
    while (out && pos + 2 <= n && p[pos] == 0x1f && p[pos + 1] == 0x8b) {
        isal_inflate_init(&st);
        st.crc_flag = ISAL_GZIP;
        st.next_in = (uint8_t *)p + pos;
        st.avail_in = (uint32_t)(n - pos);
        for (;;) {
            if (cap - len < 65536) {
                if (cap * 2 > PATHLIST_MAX + 65536u) {
                    free(out);
                    errno = EFBIG;
                    return NULL;
                }
                char *no = realloc(out, cap *= 2);
                if (!no) {
                    free(out);
                    return NULL;
                }
                out = no;
            }
            st.next_out = (uint8_t *)out + len;
            st.avail_out = (uint32_t)(cap - len - 1);
            uint32_t before = st.avail_out;
            int ret = isal_inflate(&st);
            len += before - st.avail_out;
            if (ret != ISAL_DECOMP_OK) {
                free(out);
                errno = EINVAL;
                return NULL;
            }
            if (st.block_state == ISAL_BLOCK_FINISH)
                break;
            if (st.avail_in == 0 && before == st.avail_out) {
                free(out);
                errno = EINVAL; /* cut off */
                return NULL;
            }
        }
        pos = (size_t)(st.next_in - p);
    }
    if (out)
        out[len] = '\0';
    *out_len = len;
    return out;
}

static bool read_pathlist(const char *list, const char *prefix, strv *out) {
    size_t n;
    char *raw = cli_read_file(list, PATHLIST_MAX, &n);
    if (!raw) {
        cli_error("scan", "@%s: cannot read: %s", list, strerror(errno));
        return false;
    }
    char *text = raw;
    if (n >= 2 && (unsigned char)raw[0] == 0x1f && (unsigned char)raw[1] == 0x8b) {
        text = gunzip((const unsigned char *)raw, n, &n);
        free(raw);
        if (!text) {
            cli_error("scan", "@%s: not a readable gzip path list: %s", list, strerror(errno));
            return false;
        }
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
            free(text);
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
    free(text);
    return true;
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

int cmd_scan(int argc, char **argv) {
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
        O_UNKNOWN,
        O_PREFIX,
        O_SHARD,
        O_THREADS,
        O_REVISITS,
        O_HOLD,
        O_QUIET,
        O_CHUNK,
        O_ROBOTS_CACHE,
        O_CREDIT_FORMAT
    };
    static const struct option opts[] = {
        {"annotate", required_argument, NULL, O_ANNOTATE},
        {"keep", required_argument, NULL, O_KEEP},
        {"credit", required_argument, NULL, O_CREDIT},
        {"credit-format", required_argument, NULL, O_CREDIT_FORMAT},
        {"summary", no_argument, NULL, O_SUMMARY},
        {"json", no_argument, NULL, O_JSON},
        {"robots", required_argument, NULL, O_ROBOTS},
        {"robots-cache", required_argument, NULL, O_ROBOTS_CACHE},
        {"agent", required_argument, NULL, O_AGENT},
        {"use", required_argument, NULL, O_USE},
        {"commit", required_argument, NULL, O_COMMIT},
        {"purpose", required_argument, NULL, O_PURPOSE},
        {"unknown", required_argument, NULL, O_UNKNOWN},
        {"prefix", required_argument, NULL, O_PREFIX},
        {"shard", required_argument, NULL, O_SHARD},
        {"threads", required_argument, NULL, O_THREADS},
        {"revisits", required_argument, NULL, O_REVISITS},
        {"hold", required_argument, NULL, O_HOLD},
        {"quiet", no_argument, NULL, O_QUIET},
        {"chunk", required_argument, NULL, O_CHUNK}, /* testing: job size in bytes */
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    scan_options o;
    memset(&o, 0, sizeof o);
    snprintf(o.prof.agent, sizeof o.prof.agent, "*");
    o.prof.p.use = CCSIG_CAT_NONE;
    o.keep_unknown = true;
    o.revisit_table = SCAN_REVISIT_TABLE_DEFAULT;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o.threads = cores > 0 ? (int)cores : 1;
    bool summary = false, json = false;
    const char *prefix = NULL;
    unsigned long shard_i = 0, shard_n = 1;
    strv robots = {0};
    size_t robots_cache = 0;
    bool credit_fmt_given = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        unsigned long long v;
        switch (c) {
        case O_ANNOTATE:
            o.annotate = optarg;
            break;
        case O_KEEP:
            o.keep = optarg;
            break;
        case O_CREDIT:
            o.credit = optarg;
            break;
        case O_CREDIT_FORMAT:
            if (!credit_format_parse(optarg, &o.credit_fmt))
                return cli_usage_error("scan", "--credit-format %s: expected json, csv or md",
                                       optarg);
            credit_fmt_given = true;
            break;
        case O_SUMMARY:
            summary = true;
            break;
        case O_JSON:
            json = true;
            break;
        case O_ROBOTS:
            strv_push(&robots, strdup(optarg));
            break;
        case O_ROBOTS_CACHE:
            if (!parse_size(optarg, 1, 1u << 24, &v))
                return cli_usage_error("scan", "--robots-cache %s: expected 1 to 16777216", optarg);
            robots_cache = (size_t)v;
            break;
        case O_AGENT:
            if (!*optarg || strlen(optarg) >= sizeof o.prof.agent)
                return cli_usage_error("scan", "--agent must be 1 to %zu bytes",
                                       sizeof o.prof.agent - 1);
            snprintf(o.prof.agent, sizeof o.prof.agent, "%s", optarg);
            break;
        case O_USE:
            if (!cli_parse_use("scan", optarg, &o.prof.p.use))
                return EXIT_USAGE;
            break;
        case O_COMMIT:
            if (!cli_parse_commit("scan", optarg, &o.prof.p.commitments))
                return EXIT_USAGE;
            break;
        case O_PURPOSE:
            if (!cli_parse_purpose("scan", optarg, &o.prof.p.purpose))
                return EXIT_USAGE;
            break;
        case O_UNKNOWN:
            if (!strcmp(optarg, "keep"))
                o.keep_unknown = true;
            else if (!strcmp(optarg, "skip"))
                o.keep_unknown = false;
            else
                return cli_usage_error("scan", "--unknown %s: expected keep or skip", optarg);
            break;
        case O_PREFIX:
            prefix = optarg;
            break;
        case O_SHARD:
            if (!parse_shard(optarg, &shard_i, &shard_n))
                return cli_usage_error("scan", "--shard %s: expected I/N with 0 <= I < N", optarg);
            break;
        case O_THREADS:
            if (!parse_size(optarg, 1, 1024, &v))
                return cli_usage_error("scan", "--threads %s: expected 1 to 1024", optarg);
            o.threads = (int)v;
            break;
        case O_REVISITS:
            if (!parse_size(optarg, 0, 1u << 26, &v))
                return cli_usage_error("scan", "--revisits %s: expected 0 to 67108864", optarg);
            o.revisit_table = (size_t)v;
            break;
        case O_HOLD:
            if (!parse_size(optarg, 4096, 1u << 30, &v))
                return cli_usage_error("scan", "--hold %s: expected 4096 to 1G bytes (K, M)",
                                       optarg);
            o.hold = (size_t)v;
            break;
        case O_CHUNK:
            if (!parse_size(optarg, 1, 1ull << 40, &v))
                return cli_usage_error("scan", "--chunk %s: expected a byte count", optarg);
            o.chunk = (size_t)v;
            break;
        case O_QUIET:
            o.quiet = true;
            break;
        case 'h':
            help(stdout);
            return EXIT_OK;
        default:
            return cli_usage_error("scan", "unknown option");
        }
    }
    if (optind >= argc)
        return cli_usage_error("scan", "no archive given");
    if (o.credit && !credit_fmt_given && !credit_format_for(o.credit, &o.credit_fmt))
        return cli_usage_error("scan",
                               "--credit %s: name a .json, .csv or .md file (or give "
                               "--credit-format)",
                               o.credit);
    bool has_use = (unsigned)o.prof.p.use < CCSIG_CAT_COUNT;
    if (o.keep && !has_use)
        return cli_usage_error("scan", "--keep needs --use (which use the kept records serve)");
    if (o.credit && !has_use)
        return cli_usage_error("scan", "--credit needs --use (credit is owed for a use)");
    if (json && !summary && (o.annotate || o.keep || o.credit))
        summary = true;
    if (!o.annotate && !o.keep && !o.credit)
        summary = true;

    strv paths = {0};
    int stdin_count = 0;
    for (int i = optind; i < argc; i++) {
        if (argv[i][0] == '@') {
            if (!read_pathlist(argv[i] + 1, prefix, &paths)) {
                strv_free(&paths);
                strv_free(&robots);
                return EXIT_USAGE;
            }
        } else {
            strv_push(&paths, strdup(argv[i]));
        }
    }
    strv shard = {0};
    for (size_t i = 0; i < paths.n; i++)
        if (i % shard_n == shard_i) {
            strv_push(&shard, paths.v[i]);
            paths.v[i] = NULL;
            stdin_count += !strcmp(shard.v[shard.n - 1], "-");
        }
    strv_free(&paths);
    if (stdin_count > 1) {
        strv_free(&shard);
        strv_free(&robots);
        return cli_usage_error("scan", "'-' (stdin) can be given once");
    }

    FILE *report = o.annotate && !strcmp(o.annotate, "-") ? stderr : stdout;
    o.progress = !o.quiet && cli_isatty(stderr);
    int rc = EXIT_OK;
    robots_store *store = NULL;
    scan_robots_source src;
    if (robots.n) {
        store = robots_store_open(robots.v, robots.n, o.prof.agent, robots_cache, stderr);
        if (!store) {
            strv_free(&shard);
            strv_free(&robots);
            return EXIT_USAGE;
        }
        robots_store_source(store, &src);
        o.robots = &src;
    }
    scan_summary sum;
    credit_map credit;
    scan_summary_init(&sum);
    credit_map_init(&credit);
    rc = scan_run(&o, shard.v, shard.n, &sum, &credit);
    if (o.credit) {
        FILE *f = !strcmp(o.credit, "-") ? stdout : fopen(o.credit, "w");
        if (!f || !credit_write(f, o.credit_fmt, &credit, &o.prof) ||
            (f != stdout && fclose(f) != 0)) {
            cli_error("scan", "--credit %s: cannot write: %s", o.credit, strerror(errno));
            rc = EXIT_INTERNAL;
        }
    }
    if (summary) {
        if (json) {
            json_t *j = scan_summary_json(&sum, &o.prof);
            json_dumpf(j, report, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            fputc('\n', report);
            json_decref(j);
        } else {
            scan_summary_text(report, &sum, &o.prof);
        }
        fflush(report);
    }
    if (store && robots_store_get_stats(store).errors && rc == EXIT_OK)
        rc = EXIT_NOT_PERMITTED; /* damaged robots.txt captures were skipped */
    robots_store_free(store);
    scan_summary_free(&sum);
    credit_map_free(&credit);
    strv_free(&shard);
    strv_free(&robots);
    return rc;
}
