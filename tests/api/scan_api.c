/*
 * scan_api.c — the proof that a program linking only libccsig can do what
 * `ccsig scan` does: it includes nothing but <ccsig/...> public headers,
 * scans WARC archives with the scan session and writes the annotation lines
 * and the credit manifest, which tests/api/scan_api.sh compares byte for
 * byte with `ccsig scan --annotate ... --credit ...` on the same input.
 *
 * usage: scan_api [--threads N] [--chunk BYTES] [--robots PATH]...
 *                 [--agent UA] [--use CATEGORY] [--commit LIST]
 *                 [--feed path|fd|stream] --annotate FILE [--credit FILE]
 *                 ARCHIVE...
 *
 * --feed says how the archives reach the session: by path (the session
 * opens them), by an open file descriptor, or through a read callback (a
 * stream: no parallel chunks). The annotation names each archive by the
 * path given, whatever the feed, so all three give the same bytes.
 * Exit status: 0 clean, 1 damaged input was skipped, 2 an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ccsig/credit.h>
#include <ccsig/robots_store.h>
#include <ccsig/scan_session.h>
#include <ccsig/summary.h>
#include <ccsig/vocab.h>

static bool write_all(void *ctx, const char *p, size_t n) {
    return fwrite(p, 1, n, (FILE *)ctx) == n;
}

static void damage(void *ctx, const char *name, uint64_t offset, const char *what) {
    (void)ctx;
    fprintf(stderr, "scan_api: %s: offset %llu: %s\n", name, (unsigned long long)offset, what);
}

static void archive_error(void *ctx, const char *name, const char *what) {
    (void)ctx;
    fprintf(stderr, "scan_api: %s: %s\n", name, what);
}

static void robots_problem(void *ctx, const char *path, uint64_t offset, const char *what) {
    (void)ctx;
    fprintf(stderr, "scan_api: --robots %s: offset %llu: %s\n", path, (unsigned long long)offset,
            what);
}

static ssize_t read_fd(void *ctx, void *buf, size_t n) {
    return read(*(int *)ctx, buf, n);
}

static ccsig_credit_format credit_format(const char *path) {
    ccsig_credit_format f = CCSIG_CREDIT_JSON;
    if (!ccsig_credit_format_for(path, &f))
        f = CCSIG_CREDIT_JSON;
    return f;
}

static int usage(const char *msg) {
    fprintf(stderr, "scan_api: %s\n", msg);
    return 2;
}

int main(int argc, char **argv) {
    ccsig_scan_session_options o;
    ccsig_scan_session_options_init(&o);
    const char *robots[16];
    size_t nrobots = 0;
    const char *annotate = NULL, *credit_path = NULL, *feed = "path";
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
        const char *opt = argv[i], *arg = i + 1 < argc ? argv[i + 1] : NULL;
        if (!arg)
            return usage("an option needs a value");
        if (!strcmp(opt, "--threads")) {
            o.threads = atoi(arg);
        } else if (!strcmp(opt, "--chunk")) {
            o.chunk = (size_t)strtoull(arg, NULL, 10);
        } else if (!strcmp(opt, "--robots") && nrobots < 16) {
            robots[nrobots++] = arg;
        } else if (!strcmp(opt, "--agent")) {
            snprintf(o.profile.agent, sizeof o.profile.agent, "%s", arg);
        } else if (!strcmp(opt, "--use")) {
            if (!ccsig_category_parse(arg, strlen(arg), &o.profile.p.use))
                return usage("--use: not a category");
        } else if (!strcmp(opt, "--commit")) {
            size_t bad;
            if (!ccsig_conditions_parse(arg, strlen(arg), &o.profile.p.commitments, &bad))
                return usage("--commit: not a condition list");
        } else if (!strcmp(opt, "--feed")) {
            feed = arg;
        } else if (!strcmp(opt, "--annotate")) {
            annotate = arg;
        } else if (!strcmp(opt, "--credit")) {
            credit_path = arg;
        } else {
            return usage("unknown option");
        }
    }
    if (!annotate || i >= argc)
        return usage("usage: scan_api [options] --annotate FILE [--credit FILE] ARCHIVE...");

    ccsig_error err;
    ccsig_robots_store *store = NULL;
    if (nrobots) {
        ccsig_robots_store_options ro = {o.profile.agent, 0, robots_problem, NULL};
        if (ccsig_robots_store_open(robots, nrobots, &ro, &store, &err)) {
            fprintf(stderr, "scan_api: --robots: %s\n", err.message);
            return 2;
        }
        o.robots = store;
    }
    FILE *annot = fopen(annotate, "wb");
    if (!annot) {
        fprintf(stderr, "scan_api: %s: %s\n", annotate, strerror(errno));
        return 2;
    }
    ccsig_scan_sink sink = {annot, write_all, NULL, damage, archive_error, NULL};
    ccsig_scan_session *s;
    if (ccsig_scan_session_new(&o, &sink, &s, &err)) {
        fprintf(stderr, "scan_api: %s\n", err.message);
        return 2;
    }
    int nfds = argc - i;
    int *fds = calloc((size_t)nfds, sizeof *fds);
    if (!fds)
        return 2;
    ccsig_status st = CCSIG_OK;
    for (int k = 0; k < nfds && !st; k++) {
        const char *path = argv[i + k];
        fds[k] = -1;
        if (!strcmp(feed, "path")) {
            st = ccsig_scan_session_add_path(s, path, path, &err);
            continue;
        }
        fds[k] = open(path, O_RDONLY);
        if (fds[k] < 0) {
            fprintf(stderr, "scan_api: %s: %s\n", path, strerror(errno));
            return 2;
        }
        st = !strcmp(feed, "fd") ? ccsig_scan_session_add_fd(s, fds[k], path, &err)
                                 : ccsig_scan_session_add_stream(s, read_fd, &fds[k], path, &err);
    }
    if (!st)
        st = ccsig_scan_session_run(s, &err);
    int rc = 0;
    if (st) {
        fprintf(stderr, "scan_api: %s\n", err.message);
        rc = 2;
    } else if (ccsig_scan_session_summary(s)->errors_total) {
        rc = 2; /* as ccsig scan: damaged records skipped are unreadable input */
    } else if (ccsig_scan_session_summary(s)->results[CCSIG_RESULT_NOT_PERMITTED]) {
        rc = 1; /* as ccsig scan: a record is not permitted for the use */
    }
    if (fclose(annot) != 0)
        rc = 2;
    if (credit_path) {
        ccsig_buf b = CCSIG_BUF_INIT;
        FILE *f = fopen(credit_path, "wb");
        if (ccsig_credit_write(&b, credit_format(credit_path), ccsig_scan_session_credit(s),
                               &o.profile) ||
            !f || fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0) {
            fprintf(stderr, "scan_api: %s: cannot write\n", credit_path);
            rc = 2;
        }
        ccsig_buf_free(&b);
    }
    ccsig_scan_session_free(s);
    ccsig_robots_store_free(store);
    for (int k = 0; k < nfds; k++)
        if (fds[k] >= 0)
            close(fds[k]);
    free(fds);
    return rc;
}
