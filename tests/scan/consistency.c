/*
 * consistency.c — one evaluation path (ctest consistency.evaluate): for
 * every response record of the test crawls, `ccsig scan --annotate`'s record,
 * `ccsig check --response` on the record's block and `ccsig inspect` on the
 * same block agree on every category and on the decision.
 *
 * usage: consistency CCSIG MKFIXTURES GEN_CRAWL SHARED_DIR WORKDIR
 *
 * Crawls:
 *   - a generated crawl (bench/gen_crawl, as tests/scan uses) with its
 *     robots.txt files as a directory: scan reads the directory, check reads
 *     the site's HOST.txt (inspect, which has no robots.txt, is compared on
 *     the records of sites without one);
 *   - every WARC of SHARED_DIR/corpus/warc-real (no robots.txt);
 *   - the fixture site (tests/fixtures/mkfixtures) served as response
 *     records: every file with its own Content-Type and X-Robots-Tag:
 *     noimageai, and every image again with a wrong Content-Type (text/html,
 *     application/octet-stream) and with none. noimageai must apply to all
 *     of those images (train-ai deny), whatever the Content-Type says.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ccsig/warc.h"
#include "ccsig/url.h"

static const char *ccsig_bin, *workdir;
static int failures;
static size_t compared_check, compared_inspect, image_checks;

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "FAIL: " __VA_ARGS__);                                                     \
        fputc('\n', stderr);                                                                       \
        failures++;                                                                                \
    } while (0)

/* Run argv; its standard output (malloc'd) or NULL when it did not exit 0/1. */
static char *run(char *const argv[]) {
    int fd[2];
    if (pipe(fd))
        return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    size_t cap = 65536, n = 0;
    char *out = malloc(cap);
    ssize_t r;
    while (out && (r = read(fd[0], out + n, cap - n - 1)) > 0) {
        n += (size_t)r;
        if (n + 1 == cap) {
            char *o = realloc(out, cap *= 2);
            if (!o) {
                free(out);
                out = NULL;
            }
            out = o;
        }
    }
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    /* 1: something not permitted; 2: damaged input skipped (the corpus's
     * damaged archives; the output is compared all the same) */
    if (!out || !WIFEXITED(st) || WEXITSTATUS(st) > 2) {
        fprintf(stderr, "%s %s: exit %d\n", argv[0], argv[1], WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        free(out);
        return NULL;
    }
    out[n] = '\0';
    return out;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[n] = '\0';
        *len = (size_t)n;
    }
    return b;
}

/* Do two records agree on every category and on the decision? */
static bool agree(json_t *a, json_t *b, const char *what, const char *url) {
    static const char *const keys[] = {"categories", "decision"};
    bool ok = true;
    for (int i = 0; i < 2; i++)
        if (!json_equal(json_object_get(a, keys[i]), json_object_get(b, keys[i]))) {
            char *x = json_dumps(json_object_get(a, keys[i]), JSON_COMPACT);
            char *y = json_dumps(json_object_get(b, keys[i]), JSON_COMPACT);
            FAIL("%s: %s disagrees with scan on %s:\n  scan: %s\n  %s: %s", url, what, keys[i],
                 x ? x : "?", what, y ? y : "?");
            free(x);
            free(y);
            ok = false;
        }
    return ok;
}

typedef struct annot {
    uint64_t offset;
    json_t *j;
    bool used;
} annot;

/* Check one archive: scan it, then check --response and inspect each
 * response record's block. robots_dir may be NULL. must_deny_marker: URLs
 * containing it must come out train-ai deny (noimageai on an image). */
static void check_archive(const char *archive, const char *robots_dir,
                          const char *must_deny_marker) {
    char ann[4096];
    snprintf(ann, sizeof ann, "%s/annotate.jsonl", workdir);
    char *scan_argv[16];
    int k = 0;
    scan_argv[k++] = (char *)ccsig_bin;
    scan_argv[k++] = "scan";
    scan_argv[k++] = "--quiet";
    scan_argv[k++] = "--use";
    scan_argv[k++] = "train-ai";
    scan_argv[k++] = "--commit";
    scan_argv[k++] = "credit";
    scan_argv[k++] = "--threads";
    scan_argv[k++] = "1";
    if (robots_dir) {
        scan_argv[k++] = "--robots";
        scan_argv[k++] = (char *)robots_dir;
    }
    scan_argv[k++] = "--annotate";
    scan_argv[k++] = ann;
    scan_argv[k++] = (char *)archive;
    scan_argv[k] = NULL;
    char *o = run(scan_argv);
    if (!o) {
        FAIL("%s: ccsig scan failed", archive);
        return;
    }
    free(o);
    size_t alen;
    char *atext = slurp(ann, &alen);
    if (!atext) {
        FAIL("%s: no annotation", archive);
        return;
    }
    size_t na = 0, capa = 64;
    annot *as = malloc(capa * sizeof *as);
    for (char *line = strtok(atext, "\n"); line; line = strtok(NULL, "\n")) {
        json_error_t je;
        json_t *j = json_loads(line, 0, &je);
        if (!j) {
            FAIL("%s: annotation line is not JSON: %s", archive, je.text);
            continue;
        }
        if (strcmp(json_string_value(json_object_get(j, "type")) ?: "", "response")) {
            json_decref(j);
            continue;
        }
        if (na == capa)
            as = realloc(as, (capa *= 2) * sizeof *as);
        as[na].offset = (uint64_t)json_integer_value(json_object_get(j, "offset"));
        as[na].j = j;
        as[na].used = false;
        na++;
    }
    free(atext);

    size_t len;
    char *data = slurp(archive, &len);
    ccsig_warc_reader *r = ccsig_warc_reader_new(NULL);
    ccsig_warc_reader_open_memory(r, data, len, 0, CCSIG_WARC_AUTO);
    ccsig_warc_record rec;
    ccsig_warc_damage d;
    ccsig_warc_next x;
    size_t seen = 0;
    char blockpath[4096];
    snprintf(blockpath, sizeof blockpath, "%s/record.http", workdir);
    while ((x = ccsig_warc_reader_next(r, &rec, &d)) != CCSIG_WARC_END && x != CCSIG_WARC_FAILED) {
        if (x != CCSIG_WARC_RECORD || rec.h.type != CCSIG_WARC_RESPONSE)
            continue;
        char url[8192];
        snprintf(url, sizeof url, "%.*s", (int)rec.h.target_uri.len, rec.h.target_uri.p);
        /* records of one gzip member share its offset: the first unused
         * annotation with this offset and URL (scan writes them in order) */
        annot *a = NULL;
        for (size_t i = 0; i < na && !a; i++) {
            const char *u = json_string_value(json_object_get(as[i].j, "url"));
            if (!as[i].used && as[i].offset == rec.offset && u && !strcmp(u, url))
                a = &as[i];
        }
        if (!a) {
            FAIL("%s: record at %llu (%s) has no annotation", archive,
                 (unsigned long long)rec.offset, url);
            continue;
        }
        a->used = true;
        seen++;
        FILE *f = fopen(blockpath, "wb");
        if (!f || fwrite(rec.block, 1, rec.block_len, f) != rec.block_len || fclose(f)) {
            FAIL("cannot write %s", blockpath);
            break;
        }
        /* the site's robots.txt, as scan found it in the directory */
        char robots[4096] = "";
        ccsig_url parts;
        if (robots_dir && ccsig_url_split(rec.h.target_uri, &parts)) {
            /* HOST:PORT.txt, else HOST.txt (robots_store.c) */
            struct stat st;
            snprintf(robots, sizeof robots, "%s/%.*s:%u.txt", robots_dir, (int)parts.host.len,
                     parts.host.p, parts.port);
            if (stat(robots, &st))
                snprintf(robots, sizeof robots, "%s/%.*s.txt", robots_dir, (int)parts.host.len,
                         parts.host.p);
            if (stat(robots, &st))
                robots[0] = '\0';
        }
        char *check_argv[16];
        k = 0;
        check_argv[k++] = (char *)ccsig_bin;
        check_argv[k++] = "check";
        check_argv[k++] = "--json";
        check_argv[k++] = "--use";
        check_argv[k++] = "train-ai";
        check_argv[k++] = "--commit";
        check_argv[k++] = "credit";
        check_argv[k++] = "--response";
        check_argv[k++] = blockpath;
        if (robots[0]) {
            check_argv[k++] = "--robots";
            check_argv[k++] = robots;
        }
        check_argv[k++] = url;
        check_argv[k] = NULL;
        char *out = run(check_argv);
        json_error_t je;
        json_t *cj = out ? json_loads(out, 0, &je) : NULL;
        if (!cj)
            FAIL("%s: ccsig check --response gave no JSON", url);
        else if (agree(a->j, cj, "check --response", url))
            compared_check++;
        json_decref(cj);
        free(out);
        /* inspect has no robots.txt: compared where scan had none */
        const char *known = json_string_value(json_object_get(a->j, "robots"));
        if (!robots[0] && known && !strcmp(known, "none")) {
            char *inspect_argv[] = {(char *)ccsig_bin, "inspect", "--json",  "--use", "train-ai",
                                    "--commit",        "credit",  blockpath, NULL};
            out = run(inspect_argv);
            json_t *ij = out ? json_loads(out, 0, &je) : NULL;
            if (!ij)
                FAIL("%s: ccsig inspect gave no JSON", url);
            else if (agree(a->j, ij, "inspect", url))
                compared_inspect++;
            json_decref(ij);
            free(out);
        }
        if (must_deny_marker && strstr(url, must_deny_marker)) {
            json_t *t = json_object_get(json_object_get(a->j, "categories"), "train-ai");
            const char *state = json_string_value(json_object_get(t, "state"));
            if (!state || strcmp(state, "deny"))
                FAIL("%s: noimageai on an image did not deny train-ai (%s)", url,
                     state ? state : "?");
            else
                image_checks++;
        }
    }
    printf("%s: %zu response records\n", archive, seen);
    ccsig_warc_reader_free(r);
    free(data);
    for (size_t i = 0; i < na; i++)
        json_decref(as[i].j);
    free(as);
}

/* ---- the fixture site as a crawl ---- */

static const char *type_for(const char *name) {
    static const struct {
        const char *ext, *type;
    } t[] = {{".html", "text/html; charset=utf-8"},
             {".jpg", "image/jpeg"},
             {".png", "image/png"},
             {".webp", "image/webp"},
             {".tif", "image/tiff"},
             {".gif", "image/gif"},
             {".json", "application/json"},
             {".xml", "application/rsl+xml"},
             {".xmp", "application/rdf+xml"},
             {".c2pa", "application/c2pa"},
             {".pdf", "application/pdf"},
             {".txt", "text/plain"}};
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(dot, t[i].ext))
            return t[i].type;
    return "application/octet-stream";
}

static bool is_image_name(const char *name) {
    return !strncmp(type_for(name), "image/", 6);
}

static unsigned record_no;

static void put_record(FILE *w, const char *url, const char *type, const char *extra,
                       const char *body, size_t blen) {
    char head[2048];
    int hn = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\n%s%s%s%s\r\n",
                      type ? "Content-Type: " : "", type ? type : "", type ? "\r\n" : "", extra);
    fprintf(w,
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\n"
            "WARC-Date: 2026-01-01T00:00:00Z\r\n"
            "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-%012u>\r\n"
            "Content-Type: application/http; msgtype=response\r\nContent-Length: %zu\r\n\r\n",
            url, ++record_no, (size_t)hn + blen);
    fwrite(head, 1, (size_t)hn, w);
    fwrite(body, 1, blen, w);
    fputs("\r\n\r\n", w);
}

static void site_records(FILE *w, const char *root, const char *rel) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", root, rel);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char *names[256];
    size_t n = 0;
    while ((e = readdir(d)) && n < 256)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            names[n++] = strdup(e->d_name);
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    }
    for (size_t i = 0; i < n; i++) {
        char path[8400], sub[4096];
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", names[i]);
        snprintf(path, sizeof path, "%s/%s", root, sub);
        struct stat st;
        if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
            site_records(w, root, sub);
        } else {
            size_t blen;
            char *body = slurp(path, &blen);
            if (body) {
                char url[4200];
                const char *type = type_for(names[i]);
                snprintf(url, sizeof url, "http://127.0.0.1/%s", sub);
                put_record(w, url, type, "X-Robots-Tag: noimageai\r\n", body, blen);
                snprintf(url, sizeof url, "http://127.0.0.1/%s?usage=1", sub);
                put_record(w, url, type, "Content-Usage: train-ai=n;exceptions=cc-cr, search=y\r\n",
                           body, blen);
                if (is_image_name(names[i])) {
                    /* an image served with a wrong Content-Type, or none */
                    snprintf(url, sizeof url, "http://127.0.0.1/%s?wrongtype=html", sub);
                    put_record(w, url, "text/html", "X-Robots-Tag: noimageai\r\n", body, blen);
                    snprintf(url, sizeof url, "http://127.0.0.1/%s?wrongtype=octet", sub);
                    put_record(w, url, "application/octet-stream", "X-Robots-Tag: noimageai\r\n",
                               body, blen);
                    snprintf(url, sizeof url, "http://127.0.0.1/%s?wrongtype=none", sub);
                    put_record(w, url, NULL, "X-Robots-Tag: noimageai\r\n", body, blen);
                }
                free(body);
            }
        }
        free(names[i]);
    }
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: consistency CCSIG MKFIXTURES GEN_CRAWL SHARED_DIR WORKDIR\n");
        return 2;
    }
    ccsig_bin = argv[1];
    const char *mkfix = argv[2], *gen = argv[3], *shared = argv[4];
    workdir = argv[5];
    if (mkdir(workdir, 0755) && errno != EEXIST) {
        perror(workdir);
        return 2;
    }
    char p1[4096], p2[4096];

    /* 1. a generated crawl with its robots.txt directory */
    snprintf(p1, sizeof p1, "%s/gen.warc.gz", workdir);
    snprintf(p2, sizeof p2, "%s/rdir", workdir);
    struct stat st;
    if (!stat(p2, &st) && !S_ISDIR(st.st_mode))
        unlink(p2); /* left by an earlier run */
    if (mkdir(p2, 0755) && errno != EEXIST) {
        perror(p2);
        return 2;
    }
    char *gen_argv[] = {(char *)gen, "--sites",      "12", "--pages", "160", "--seed",
                        "11",        "--robots-dir", p2,   "-o",      p1,    NULL};
    char *o = run(gen_argv);
    if (!o) {
        fprintf(stderr, "FAIL: gen_crawl\n");
        return 1;
    }
    free(o);
    check_archive(p1, p2, NULL);
    /* and without robots.txt, so inspect is compared on every record */
    check_archive(p1, NULL, NULL);

    /* 2. the real corpus */
    snprintf(p1, sizeof p1, "%s/corpus/warc-real", shared);
    DIR *d = opendir(p1);
    if (!d) {
        fprintf(stderr, "FAIL: %s: %s\n", p1, strerror(errno));
        return 1;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strstr(e->d_name, ".tsv"))
            continue;
        char path[4600];
        snprintf(path, sizeof path, "%s/%s", p1, e->d_name);
        check_archive(path, NULL, NULL);
    }
    closedir(d);

    /* 3. the fixture site as response records */
    snprintf(p1, sizeof p1, "%s/site", workdir);
    char *fix_argv[] = {(char *)mkfix, p1, "http://127.0.0.1", NULL};
    o = run(fix_argv);
    if (!o) {
        fprintf(stderr, "FAIL: mkfixtures\n");
        return 1;
    }
    free(o);
    snprintf(p2, sizeof p2, "%s/site.warc", workdir);
    FILE *w = fopen(p2, "wb");
    if (!w) {
        perror(p2);
        return 1;
    }
    site_records(w, p1, "");
    fclose(w);
    check_archive(p2, NULL, "wrongtype=");

    printf("compared: %zu with check --response, %zu with inspect; %zu mislabelled images denied "
           "by noimageai; %d failure%s\n",
           compared_check, compared_inspect, image_checks, failures, failures == 1 ? "" : "s");
    if (!image_checks || compared_check < 400 || compared_inspect < 300)
        failures++; /* every crawl must have been read */
    return failures ? 1 : 0;
}
