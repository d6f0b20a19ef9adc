/*
 * test_live.c — `ccsig check URL` against the fixture site (mkfixtures)
 * served by nginx on 127.0.0.1 with the headers of every mechanism, plus
 * odd servers (robots.txt 404 and 503, a socket that never answers, an
 * asset that hangs, redirect loops), and the consistency test: for each
 * asset of the site, live `ccsig check URL`, offline `ccsig check --robots
 * + --header`, and `ccsig inspect` on the files give the same decisions,
 * and live lists every source the other two found (except dataset
 * metadata beside a file, which live mode does not guess names for).
 *
 * usage: test_live CCSIG MKFIXTURES
 */
#include <jansson.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "servers.h"

static const char *ccsig, *mkfixtures;
static char *dir, site[4096];
static pid_t nginx = -1;
static int silent_fd = -1;
enum { P_SITE, P_404, P_503, P_LOOP, P_TLS, P_SILENT, NPORTS };
static int port[NPORTS];

static char *url(int which, const char *path) {
    static char buf[16][512];
    static int k;
    char *b = buf[k++ % 16];
    snprintf(b, 512, "http://127.0.0.1:%d%s", port[which], path);
    return b;
}

/* Run ccsig with argv[1..] (NULL-terminated; argv[0] is filled in);
 * stdout into *out (malloc'd). Returns the exit status. */
/* The file the next run reads as standard input (NULL: inherited). */
static const char *run_stdin;

static int runv(char **out, const char **argv) {
    argv[0] = ccsig;
    int pfd[2];
    if (pipe(pfd))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        if (run_stdin) {
            int ifd = open(run_stdin, O_RDONLY);
            if (ifd < 0)
                _exit(126);
            dup2(ifd, 0);
        }
        dup2(pfd[1], 1);
        close(pfd[0]);
        execv(ccsig, (char *const *)argv);
        _exit(127);
    }
    close(pfd[1]);
    size_t cap = 65536, n = 0;
    char *b = malloc(cap);
    ssize_t r;
    while ((r = read(pfd[0], b + n, cap - n - 1)) > 0) {
        n += (size_t)r;
        if (n + 1 >= cap)
            b = realloc(b, cap *= 2);
    }
    close(pfd[0]);
    b[n] = '\0';
    int st;
    waitpid(pid, &st, 0);
    *out = b;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int run(char **out, const char *first, ...) {
    const char *argv[64];
    int argc = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 63; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    return runv(out, argv);
}

/* The JSON records of an output, one per line. */
static size_t records(const char *out, json_t **v, size_t max) {
    size_t n = 0;
    const char *p = out;
    while (*p && n < max) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        json_error_t e;
        v[n] = json_loadb(p, len, 0, &e);
        if (!v[n])
            fail_msg("not JSON: %.*s (%s)", (int)len, p, e.text);
        n++;
        p += len + (nl ? 1 : 0);
    }
    return n;
}

static const char *str(json_t *o, const char *path) {
    /* "a.b" */
    char key[128];
    const char *dot = strchr(path, '.');
    if (dot) {
        snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
        return str(json_object_get(o, key), dot + 1);
    }
    json_t *v = json_object_get(o, path);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool has_source(json_t *rec, const char *kind, const char *text_part) {
    json_t *s = json_object_get(rec, "sources"), *it;
    size_t i;
    json_array_foreach(s, i, it) {
        if (!strcmp(str(it, "kind"), kind) &&
            (!text_part || strstr(json_string_value(json_object_get(it, "text")), text_part)))
            return true;
    }
    return false;
}

static int setup(void **state) {
    (void)state;
    if (!srv_nginx_path())
        return -1;
    dir = srv_tmpdir("live");
    for (int i = 0; i < NPORTS; i++)
        port[i] = srv_free_port();
    snprintf(site, sizeof site, "%s/site", dir);
    char base[128];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", port[P_SITE]);
    pid_t pid = fork();
    if (pid == 0) {
        execl(mkfixtures, mkfixtures, site, base, (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st))
        return -1;
    /* a head longer than the first range asked for (256 KiB) */
    size_t bn = 300 * 1024;
    char *big = malloc(bn + 256);
    int hl = sprintf(big, "<html><head><script>");
    memset(big + hl, 'x', bn);
    sprintf(big + hl + bn, "</script><meta name=robots content=noai></head><body>x</body>");
    srv_write(site, "bighead.html", big, strlen(big));
    free(big);
    /* A self-signed certificate for the HTTPS server (trusted only with
     * --cacert). */
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 -keyout '%s/key.pem' -out '%s/cert.pem' "
             ">/dev/null 2>&1",
             dir, dir);
    if (system(cmd) != 0)
        return -1;
    char servers[32768];
    snprintf(
        servers, sizeof servers,
        "server { listen 127.0.0.1:%d; root %s;\n"
        "  location /images/ { add_header X-Robots-Tag \"noai\"; }\n"
        "  location /open/ { add_header Content-Usage \"train-ai=n;exceptions=cc-cr, "
        "search=y\";\n"
        "    add_header Link '</license.xml>; rel=\"license\"; type=\"application/rsl+xml\"'; }\n"
        "  location /docs/ { add_header tdm-reservation 1; }\n"
        "  location = /hang { proxy_pass http://127.0.0.1:%d; proxy_read_timeout 60s; }\n"
        "}\n"
        "server { listen 127.0.0.1:%d; location = /robots.txt { return 404; }\n"
        "  location / { return 200 '<html><head><meta name=robots content=noai></head>'; "
        "default_type text/html; } }\n"
        "server { listen 127.0.0.1:%d; location = /robots.txt { return 503; }\n"
        "  location / { return 200 'should never be fetched'; } }\n"
        "server { listen 127.0.0.1:%d; location = /robots.txt { return 302 /robots.txt; }\n"
        "  location = /loop { return 301 /loop; } }\n"
        "server { listen 127.0.0.1:%d ssl; root %s;\n"
        "  ssl_certificate %s/cert.pem; ssl_certificate_key %s/key.pem;\n"
        "  location /open/ { add_header Content-Usage \"train-ai=n;exceptions=cc-cr\"; } }\n",
        port[P_SITE], site, port[P_SILENT], port[P_404], port[P_503], port[P_LOOP], port[P_TLS],
        site, dir, dir);
    nginx = srv_nginx_start(dir, servers, port, P_SILENT);
    silent_fd = srv_silent(port[P_SILENT]);
    return nginx > 0 && silent_fd >= 0 ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    srv_stop(nginx);
    if (silent_fd >= 0)
        close(silent_fd);
    srv_rmtree(dir);
    free(dir);
    return 0;
}

static void every_mechanism(void **state) {
    (void)state;
    char *out;
    int rc = run(&out, "check", "--json", "--delay", "0", "--use", "train-ai",
                 url(P_SITE, "/images/photo.jpg"), url(P_SITE, "/index.html"),
                 url(P_SITE, "/open/data.csv"), url(P_SITE, "/docs/report.pdf"), NULL);
    assert_int_equal(rc, 1); /* every URL read; the image is not permitted for train-ai */
    json_t *r[8];
    assert_int_equal(records(out, r, 8), 4);
    free(out);
    /* the image: robots, header, XMP, C2PA, TDMRep file, RSL document */
    assert_string_equal(str(r[0], "crawl"), "allowed");
    assert_string_equal(str(r[0], "decision.result"), "not-permitted");
    assert_true(has_source(r[0], "robots", "Content-Usage: train-ai=n, search=y"));
    assert_true(has_source(r[0], "header", "noai"));
    assert_true(has_source(r[0], "xmp", "DMI-PROHIBITED-AIMLTRAINING"));
    assert_true(has_source(r[0], "c2pa", "cawg.ai_generative_training=notAllowed"));
    assert_true(has_source(r[0], "tdmrep", "\"tdm-reservation\": 0"));
    assert_true(has_source(r[0], "rsl", "prohibits usage=ai-train"));
    assert_string_equal(str(r[0], "asset.content_type"), "image/jpeg");
    assert_true(json_is_true(json_object_get(json_object_get(r[0], "asset"), "ranges")));
    assert_string_equal(str(r[0], "robots.state"), "found");
    assert_true(json_is_null(json_object_get(r[0], "error")));
    /* the page: HTML meta, TDMRep precedence (HTML 1 over file 0), RSL link */
    assert_true(has_source(r[1], "html", "name=\"robots\" content=\"noai\""));
    assert_true(has_source(r[1], "html", "tdm-reservation"));
    assert_string_equal(str(r[1], "categories.ai-use.state"), "deny");
    /* the dataset file: robots and header CC signal, RSL attribution */
    assert_string_equal(str(r[2], "categories.train-ai.state"), "deny");
    assert_true(has_source(r[2], "header", "exceptions=cc-cr"));
    assert_true(has_source(r[2], "rsl", "payment attribution"));
    /* robots.txt's License line and the Link header name one document: read once */
    size_t nrsl = 0, j;
    json_t *it;
    json_array_foreach(json_object_get(r[2], "sources"), j, it) nrsl +=
        !strcmp(str(it, "kind"), "rsl");
    assert_int_equal(nrsl, 1);
    json_t *missing = json_object_get(json_object_get(r[2], "decision"), "missing");
    assert_string_equal(json_string_value(json_array_get(missing, 0)), "credit");
    /* the PDF: its XMP tdm:reservation supersedes the header; a policy link */
    assert_true(has_source(r[3], "xmp", "tdm:reservation=1"));
    assert_string_equal(str(r[3], "categories.ai-use.state"), "deny");
    json_t *conds = json_object_get(json_object_get(json_object_get(r[3], "categories"), "ai-use"),
                                    "conditions");
    assert_string_equal(json_string_value(json_array_get(conds, 0)), "policy");
    for (int i = 0; i < 4; i++)
        json_decref(r[i]);

    /* a head past the first range: the rest of the head is asked for */
    run(&out, "check", "--json", "--delay", "0", url(P_SITE, "/bighead.html"), NULL);
    assert_int_equal(records(out, r, 8), 1);
    free(out);
    assert_true(has_source(r[0], "html", "noai"));
    assert_true(json_integer_value(json_object_get(json_object_get(r[0], "asset"), "bytes_read")) >
                300 * 1024);
    json_decref(r[0]);

    /* a crawler robots.txt shuts out: nothing else is fetched */
    rc = run(&out, "check", "--json", "--delay", "0", "--agent", "BlockedBot",
             url(P_SITE, "/images/photo.jpg"), NULL);
    assert_int_equal(records(out, r, 8), 1);
    free(out);
    assert_string_equal(str(r[0], "crawl"), "disallowed");
    assert_string_equal(str(r[0], "crawl_rule.text"), "Disallow: /");
    assert_int_equal(json_array_size(json_object_get(r[0], "sources")), 0);
    assert_true(json_is_null(json_object_get(r[0], "asset")));
    json_decref(r[0]);
}

static void odd_servers(void **state) {
    (void)state;
    char *out;
    int rc =
        run(&out, "check", "--json", "--delay", "0", "--timeout", "1.5", url(P_404, "/page"),
            url(P_503, "/page"), url(P_SILENT, "/page"), url(P_LOOP, "/page"), url(P_SITE, "/hang"),
            url(P_SITE, "/nothing-here"), url(P_SITE, "/index.html"), NULL);
    json_t *r[8];
    assert_int_equal(records(out, r, 8), 7);
    free(out);
    /* 4: URLs that could not be fetched (robots.txt 503 or silent, the
     * hanging asset, the 404 asset); the others were still checked */
    assert_int_equal(rc, 4);
    /* 404: no restrictions; the page is read */
    assert_string_equal(str(r[0], "crawl"), "allowed");
    assert_string_equal(str(r[0], "robots.state"), "unavailable");
    assert_true(has_source(r[0], "html", "noai"));
    /* 503: complete disallow, the page is not fetched */
    assert_string_equal(str(r[1], "crawl"), "disallowed");
    assert_string_equal(str(r[1], "robots.state"), "unreachable");
    assert_true(json_is_null(json_object_get(r[1], "asset")));
    assert_non_null(strstr(str(r[1], "error"), "robots.txt unreachable"));
    /* a server that never answers: unreachable, and no hang */
    assert_string_equal(str(r[2], "crawl"), "disallowed");
    assert_non_null(strstr(str(r[2], "robots.error"), "timed out"));
    assert_non_null(strstr(str(r[2], "error"), "robots.txt unreachable"));
    /* a redirect loop for robots.txt: unavailable after five hops */
    assert_string_equal(str(r[3], "robots.state"), "unavailable");
    assert_non_null(strstr(str(r[3], "robots.error"), "redirects"));
    /* an asset that hangs: a clear error, and the next URLs go on */
    assert_non_null(strstr(str(r[4], "error"), "timed out"));
    assert_non_null(strstr(str(r[5], "error"), "HTTP 404"));
    assert_true(json_is_null(json_object_get(r[6], "error")));
    assert_true(has_source(r[6], "html", "noai"));
    for (int i = 0; i < 7; i++)
        json_decref(r[i]);
}

/* HTTPS: a server whose certificate is trusted through --cacert; without
 * it, robots.txt cannot be fetched, which RFC 9309 treats as a complete
 * disallow. */
static void https_with_cacert(void **state) {
    (void)state;
    char u[256], ca[4200];
    snprintf(u, sizeof u, "https://127.0.0.1:%d/open/data.csv", port[P_TLS]);
    snprintf(ca, sizeof ca, "%s/cert.pem", dir);
    char *out;
    int rc = run(&out, "check", "--json", "--delay", "0", "--cacert", ca, "--use", "train-ai",
                 "--commit", "credit", u, NULL);
    json_t *r[2];
    assert_int_equal(records(out, r, 2), 1);
    free(out);
    assert_int_equal(rc, 0);
    assert_string_equal(str(r[0], "crawl"), "allowed");
    assert_true(has_source(r[0], "header", "exceptions=cc-cr"));
    assert_string_equal(str(r[0], "decision.result"), "permitted-with-obligations");
    json_decref(r[0]);

    rc = run(&out, "check", "--json", "--delay", "0", "--timeout", "5", u, NULL);
    assert_int_equal(records(out, r, 2), 1);
    free(out);
    assert_string_equal(str(r[0], "crawl"), "disallowed");
    assert_string_equal(str(r[0], "robots.state"), "unreachable");
    const char *e = str(r[0], "robots.error");
    assert_non_null(e);
    assert_true(strstr(e, "certificate") || strstr(e, "SSL") || strstr(e, "TLS"));
    json_decref(r[0]);
    (void)rc;

    /* a CA file that does not exist is a usage error */
    rc = run(&out, "check", "--cacert", "/nonexistent/ca.pem", u, NULL);
    free(out);
    assert_int_equal(rc, 2);

    /* --cacert -: the certificates on standard input trust the server too */
    run_stdin = ca;
    rc = run(&out, "check", "--json", "--delay", "0", "--cacert", "-", "--use", "train-ai",
             "--commit", "credit", u, NULL);
    assert_int_equal(records(out, r, 2), 1);
    free(out);
    assert_int_equal(rc, 0);
    assert_string_equal(str(r[0], "crawl"), "allowed");
    assert_string_equal(str(r[0], "robots.state"), "found");
    assert_string_equal(str(r[0], "decision.result"), "permitted-with-obligations");
    json_decref(r[0]);

    /* and certificates that are not the server's do not */
    run_stdin = "/dev/null";
    rc = run(&out, "check", "--json", "--delay", "0", "--timeout", "5", "--cacert", "-", u, NULL);
    run_stdin = NULL;
    assert_int_equal(records(out, r, 2), 1);
    free(out);
    assert_string_equal(str(r[0], "crawl"), "disallowed");
    assert_string_equal(str(r[0], "robots.state"), "unreachable");
    json_decref(r[0]);
}

static void politeness_and_cache(void **state) {
    (void)state;
    static srv_hit hits[8192];
    char cache[4200];
    snprintf(cache, sizeof cache, "%s/cache", dir);
    usleep(50000);
    size_t start = srv_hits(dir, hits, 8192);
    char *out;
    run(&out, "check", "--json", "--delay", "0.3", "--cache", cache, "--jobs", "4",
        url(P_SITE, "/open/page.html"), url(P_SITE, "/images/photo.png"), NULL);
    free(out);
    usleep(50000);
    size_t n = srv_hits(dir, hits, 8192);
    assert_true(n - start >= 5); /* robots, two assets, tdmrep.json, license.xml */
    for (size_t i = start + 1; i < n; i++)
        if ((hits[i].t - hits[i].dur) - hits[i - 1].t < 0.25)
            fail_msg("%s and %s were %.3f s apart", hits[i - 1].path, hits[i].path,
                     (hits[i].t - hits[i].dur) - hits[i - 1].t);
    /* the robots.txt is kept between runs */
    run(&out, "check", "--json", "--delay", "0", "--cache", cache, url(P_SITE, "/open/page.html"),
        NULL);
    json_t *r[2];
    assert_int_equal(records(out, r, 2), 1);
    free(out);
    assert_true(json_is_true(json_object_get(json_object_get(r[0], "robots"), "cached")));
    json_decref(r[0]);
    usleep(50000);
    size_t m = srv_hits(dir, hits, 8192), robots = 0;
    for (size_t i = start; i < m; i++)
        robots += !strcmp(hits[i].path, "/robots.txt");
    assert_int_equal(robots, 1);
}

/* ---- the consistency test ---- */

typedef struct asset_case {
    const char *path;
    const char *headers[4]; /* what nginx sends (besides Content-Type) */
} asset_case;

static void consistency(void **state) {
    (void)state;
    const asset_case cases[] = {
        {"/images/photo.jpg", {"Content-Type: image/jpeg", "X-Robots-Tag: noai"}},
        {"/images/photo.png", {"Content-Type: image/png", "X-Robots-Tag: noai"}},
        {"/images/photo.webp", {"Content-Type: image/webp", "X-Robots-Tag: noai"}},
        {"/images/photo.tif", {"Content-Type: image/tiff", "X-Robots-Tag: noai"}},
        {"/images/photo.gif", {"Content-Type: image/gif", "X-Robots-Tag: noai"}},
        {"/index.html", {"Content-Type: text/html"}},
        {"/open/data.csv",
         {"Content-Type: text/csv", "Content-Usage: train-ai=n;exceptions=cc-cr, search=y",
          "Link: </license.xml>; rel=\"license\"; type=\"application/rsl+xml\""}},
        {"/docs/report.pdf", {"Content-Type: application/pdf", "tdm-reservation: 1"}},
    };
    const char *uses[][2] = {{"train-ai", "none"},
                             {"train-ai", "credit"},
                             {"train-genai", "none"},
                             {"train-genai", "credit"}};
    char robots[4200];
    snprintf(robots, sizeof robots, "%s/robots.txt", site);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const asset_case *c = &cases[k];
        char file[4200];
        snprintf(file, sizeof file, "%s%s", site, c->path);
        for (size_t u = 0; u < 4; u++) {
            char *lo, *oo, *io;
            run(&lo, "check", "--json", "--delay", "0", "--use", uses[u][0], "--commit", uses[u][1],
                url(P_SITE, c->path), NULL);
            const char *av[32] = {NULL,    "check", "--json",   "--robots", robots,    "--agent",
                                  "ccsig", "--use", uses[u][0], "--commit", uses[u][1]};
            int ac = 11;
            for (size_t j = 0; j < 4 && c->headers[j]; j++) {
                av[ac++] = "--header";
                av[ac++] = c->headers[j];
            }
            av[ac++] = url(P_SITE, c->path);
            av[ac] = NULL;
            runv(&oo, av);
            run(&io, "inspect", "--json", "--use", uses[u][0], "--commit", uses[u][1], file, NULL);
            json_t *l, *o, *i;
            records(lo, &l, 1);
            records(oo, &o, 1);
            records(io, &i, 1);
            const char *dl = str(l, "decision.result"), *dof = str(o, "decision.result"),
                       *di = str(i, "decision.result");
            if (strcmp(dl, dof) || strcmp(dl, di))
                fail_msg("%s for %s, commit %s: live %s, offline %s, inspect %s", c->path,
                         uses[u][0], uses[u][1], dl, dof, di);
            /* live lists every source the other two found */
            json_t *srcs[2] = {json_object_get(o, "sources"), json_object_get(i, "sources")}, *it;
            for (int s = 0; s < 2; s++) {
                size_t j;
                json_array_foreach(srcs[s], j, it) {
                    const char *kind = str(it, "kind"), *text = str(it, "text");
                    /* dataset metadata beside a file is not guessed at on a server */
                    if (!strcmp(kind, "dataset"))
                        continue;
                    /* TDMRep resolves its levels into one statement: a header
                     * value superseded by the asset's XMP is a note, not a source */
                    const char *origin = str(it, "origin");
                    if (origin && !strcasecmp(origin, "tdm-reservation") &&
                        (has_source(l, "xmp", "tdm:reservation") || has_source(l, "html", "tdm-")))
                        continue;
                    if (!has_source(l, kind, text))
                        fail_msg("%s: live does not list the %s source '%s' of %s", c->path, kind,
                                 text, s ? "inspect" : "check --robots");
                }
            }
            json_decref(l);
            json_decref(o);
            json_decref(i);
            free(lo);
            free(oo);
            free(io);
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: test_live CCSIG MKFIXTURES\n");
        return 2;
    }
    ccsig = argv[1];
    mkfixtures = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_mechanism),   cmocka_unit_test(odd_servers),
        cmocka_unit_test(https_with_cacert), cmocka_unit_test(politeness_and_cache),
        cmocka_unit_test(consistency),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
