/*
 * test_fetch.c — the polite fetcher against servers this test starts on
 * 127.0.0.1 (nginx, and a socket that never answers): every robots.txt
 * status class, redirect chains and loops, a 600 KiB robots.txt, a server
 * that never answers, a slow trickle, Cache-Control and the disk cache,
 * per-host politeness (delay, Crawl-delay, one request at a time), ranges
 * and early stops. No other address is contacted.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ccsig/alloc.h"
#include "ccsig/fetch.h"
#include "ccsig/url.h"
#include "servers.h"

enum {
    P_OK,
    P_404,
    P_503,
    P_CHAIN5,
    P_CHAIN6,
    P_LOOP,
    P_BIG,
    P_TRICKLE,
    P_DELAY,
    P_NOCACHE,
    P_TOV6,
    P_SILENT,
    NPORTS
};

static int port[NPORTS];
static char *dir;
static pid_t nginx = -1;
static int silent_fd = -1;

static char *url(int which, const char *path) {
    static char buf[8][256];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, 256, "http://127.0.0.1:%d%s", port[which], path);
    return b;
}

static int setup(void **state) {
    (void)state;
    if (!srv_nginx_path()) {
        fprintf(stderr, "nginx missing: run scripts/bootstrap\n");
        return -1;
    }
    dir = srv_tmpdir("fetch");
    for (int i = 0; i < NPORTS; i++)
        port[i] = srv_free_port();
    /* files */
    const char *robots =
        "User-agent: *\nDisallow: /private\n\nUser-agent: SlowBot\nCrawl-delay: 7\nDisallow:\n\n"
        "User-agent: AI2Bot\nCrawl-delay: 9\nDisallow: /\n";
    srv_write(dir, "ok/robots.txt", robots, strlen(robots));
    static char big[8192];
    memset(big, 'x', sizeof big);
    srv_write(dir, "ok/big.bin", big, sizeof big);
    srv_write(dir, "ok/slow/big.bin", big, sizeof big);
    srv_write(dir, "ok/page.html", "<html><head><title>t</title></head><body>xxxxxxxx",
              strlen("<html><head><title>t</title></head><body>xxxxxxxx"));
    /* 600 KiB: a rule inside the first 500 KiB and one past it */
    size_t n = 600 * 1024;
    char *b = malloc(n);
    memset(b, '#', n);
    for (size_t i = 79; i < n; i += 80)
        b[i] = '\n';
    const char *head = "User-agent: *\nDisallow: /early\n";
    memcpy(b, head, strlen(head));
    const char *late = "\nDisallow: /late\n";
    memcpy(b + 550 * 1024, late, strlen(late));
    srv_write(dir, "big/robots.txt", b, n);
    free(b);
    srv_write(dir, "slow/robots.txt", b = calloc(1, 4096), 4096);
    free(b);
    const char *delayed = "User-agent: *\nCrawl-delay: 0.6\n";
    srv_write(dir, "delay/robots.txt", delayed, strlen(delayed));
    srv_write(dir, "delay/a", "a", 1);
    char servers[8192];
    snprintf(
        servers, sizeof servers,
        "server { listen 127.0.0.1:%d; root %s/ok; location /slow/ { limit_rate 40k; } }\n"
        "server { listen 127.0.0.1:%d; location = /robots.txt { return 404; } }\n"
        "server { listen 127.0.0.1:%d; location = /robots.txt { return 503; } }\n"
        "server { listen 127.0.0.1:%d; root %s/ok;\n"
        "  location = /robots.txt { return 301 /r1; } location = /r1 { return 302 /r2; }\n"
        "  location = /r2 { return 307 /r3; } location = /r3 { return 308 /r4; }\n"
        "  location = /r4 { return 301 /r5; } location = /r5 { try_files /robots.txt =404; } }\n"
        "server { listen 127.0.0.1:%d;\n"
        "  location = /robots.txt { return 301 /r1; } location = /r1 { return 301 /r2; }\n"
        "  location = /r2 { return 301 /r3; } location = /r3 { return 301 /r4; }\n"
        "  location = /r4 { return 301 /r5; } location = /r5 { return 301 /r6; }\n"
        "  location = /r6 { return 200 'User-agent: *\\nDisallow: /\\n'; } }\n"
        "server { listen 127.0.0.1:%d; location = /robots.txt { return 301 /robots.txt; } }\n"
        "server { listen 127.0.0.1:%d; root %s/big; }\n"
        "server { listen 127.0.0.1:%d; root %s/slow; limit_rate 100; }\n"
        "server { listen 127.0.0.1:%d; root %s/delay; }\n"
        "server { listen 127.0.0.1:%d; root %s/ok;\n"
        "  location = /robots.txt { add_header Cache-Control 'max-age=0'; } }\n"
        "server { listen 127.0.0.1:%d; location / { return 302 http://[::1]:%d/page.html; } }\n",
        port[P_OK], dir, port[P_404], port[P_503], port[P_CHAIN5], dir, port[P_CHAIN6],
        port[P_LOOP], port[P_BIG], dir, port[P_TRICKLE], dir, port[P_DELAY], dir, port[P_NOCACHE],
        dir, port[P_TOV6], port[P_OK]);
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

static ccsig_fetcher *fetcher(double delay, const char *cache, const char *agent) {
    ccsig_fetch_opts o;
    ccsig_fetch_opts_default(&o);
    o.delay = delay;
    o.agent = agent;
    o.timeout_ms = 1500;
    o.connect_timeout_ms = 1500;
    o.cache_dir = cache;
    ccsig_fetcher *f;
    ccsig_error err;
    assert_int_equal(ccsig_fetcher_new(&o, &f, &err), CCSIG_OK);
    return f;
}

static void robots_status_classes(void **state) {
    (void)state;
    ccsig_fetcher *f = fetcher(0, NULL, "SlowBot");
    ccsig_robots_fetch r;
    assert_int_equal(ccsig_fetch_robots(f, url(P_OK, "/x"), &r), CCSIG_OK);
    assert_int_equal(r.state, CCSIG_ROBOTS_FOUND);
    assert_int_equal(r.http_status, 200);
    assert_non_null(strstr(r.body, "Disallow: /private"));
    assert_true(r.crawl_delay > 6.9 && r.crawl_delay < 7.1);
    assert_false(r.from_cache);
    assert_int_equal(ccsig_fetch_robots(f, url(P_OK, "/other"), &r), CCSIG_OK);
    assert_true(r.from_cache);

    assert_int_equal(ccsig_fetch_robots(f, url(P_404, "/"), &r), CCSIG_OK);
    assert_int_equal(r.state, CCSIG_ROBOTS_UNAVAILABLE);
    assert_int_equal(r.http_status, 404);
    assert_int_equal(ccsig_fetch_robots(f, url(P_503, "/"), &r), CCSIG_OK);
    assert_int_equal(r.state, CCSIG_ROBOTS_UNREACHABLE);
    assert_int_equal(r.http_status, 503);
    ccsig_fetcher_free(f);
}

static void redirects(void **state) {
    (void)state;
    ccsig_fetcher *f = fetcher(0, NULL, NULL);
    ccsig_robots_fetch r;
    ccsig_fetch_robots(f, url(P_CHAIN5, "/"), &r);
    assert_int_equal(r.state, CCSIG_ROBOTS_FOUND);
    assert_int_equal(r.redirects, 5);
    assert_non_null(strstr(r.url, "/r5"));
    ccsig_fetch_robots(f, url(P_CHAIN6, "/"), &r);
    assert_int_equal(r.state, CCSIG_ROBOTS_UNAVAILABLE); /* the 6th hop is not taken */
    assert_non_null(strstr(r.error, "more than 5 redirects"));
    ccsig_fetch_robots(f, url(P_LOOP, "/"), &r);
    assert_int_equal(r.state, CCSIG_ROBOTS_UNAVAILABLE);
    ccsig_fetcher_free(f);
}

static void big_robots(void **state) {
    (void)state;
    ccsig_fetcher *f = fetcher(0, NULL, NULL);
    ccsig_robots_fetch r;
    ccsig_fetch_robots(f, url(P_BIG, "/"), &r);
    assert_int_equal(r.state, CCSIG_ROBOTS_FOUND);
    assert_int_equal(r.len, CCSIG_FETCH_ROBOTS_MAX);
    assert_true(r.truncated);
    assert_non_null(strstr(r.body, "Disallow: /early"));
    ccsig_fetcher_free(f);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void never_answers_and_trickle(void **state) {
    (void)state;
    ccsig_fetcher *f = fetcher(0, NULL, NULL);
    ccsig_robots_fetch r;
    double t0 = now_s();
    ccsig_fetch_robots(f, url(P_SILENT, "/"), &r);
    double took = now_s() - t0;
    assert_int_equal(r.state, CCSIG_ROBOTS_UNREACHABLE);
    assert_non_null(strstr(r.error, "timed out"));
    assert_true(took < 5);
    /* remembered: no second wait within the run */
    t0 = now_s();
    ccsig_fetch_robots(f, url(P_SILENT, "/"), &r);
    assert_true(now_s() - t0 < 0.5);
    assert_true(r.from_cache);
    /* 4 KiB at 100 bytes a second does not finish within 1.5 s */
    ccsig_fetch_robots(f, url(P_TRICKLE, "/"), &r);
    assert_int_equal(r.state, CCSIG_ROBOTS_UNREACHABLE);
    assert_non_null(strstr(r.error, "timed out"));
    /* an asset request to the silent server is an error, not a hang */
    ccsig_response resp;
    ccsig_fetch_req req = {0, 0, false, 0, true, NULL, NULL};
    assert_int_equal(ccsig_fetch_get(f, url(P_SILENT, "/a"), &req, &resp), CCSIG_ERR_IO);
    assert_true(resp.error[0]);
    ccsig_response_free(&resp);
    ccsig_fetcher_free(f);
}

static size_t count_hits(int which, const char *path) {
    static srv_hit hits[4096];
    size_t n = srv_hits(dir, hits, 4096), c = 0;
    for (size_t i = 0; i < n; i++)
        if (hits[i].port == port[which] && !strcmp(hits[i].path, path))
            c++;
    return c;
}

static void caching(void **state) {
    (void)state;
    char *cache = srv_tmpdir("cache");
    ccsig_fetcher *f = fetcher(0, cache, NULL);
    ccsig_robots_fetch r;
    size_t before = count_hits(P_OK, "/robots.txt");
    ccsig_fetch_robots(f, url(P_OK, "/"), &r);
    ccsig_fetch_robots(f, url(P_OK, "/y"), &r);
    usleep(50000);
    assert_int_equal(count_hits(P_OK, "/robots.txt"), before + 1);
    ccsig_fetcher_free(f);
    /* a new process (fetcher) with the same cache directory: no request */
    f = fetcher(0, cache, NULL);
    ccsig_fetch_robots(f, url(P_OK, "/"), &r);
    assert_true(r.from_cache);
    assert_int_equal(r.state, CCSIG_ROBOTS_FOUND);
    assert_non_null(strstr(r.body, "/private"));
    usleep(50000);
    assert_int_equal(count_hits(P_OK, "/robots.txt"), before + 1);
    /* max-age=0: asked again every time */
    size_t nb = count_hits(P_NOCACHE, "/robots.txt");
    ccsig_fetch_robots(f, url(P_NOCACHE, "/"), &r);
    ccsig_fetch_robots(f, url(P_NOCACHE, "/"), &r);
    usleep(50000);
    assert_int_equal(count_hits(P_NOCACHE, "/robots.txt"), nb + 2);
    ccsig_fetcher_free(f);
    /* an expired disk copy serves when the origin is unreachable (RFC 9309 §2.4);
     * the copy is in the format written before the one status enum
     * ("fetched", now "found") */
    char name[512], text[1024];
    snprintf(name, sizeof name, "http%%3A%%2F%%2F127.0.0.1%%3A%d.robots", port[P_503]);
    const char *body = "User-agent: *\nDisallow: /old\n";
    int m = snprintf(text, sizeof text,
                     "ccsig robots.txt cache 1\norigin: http://127.0.0.1:%d\nurl: "
                     "http://127.0.0.1:%d/robots.txt\nstate: fetched\nhttp: 200\nfetched: 1\n"
                     "expires: 2\ntruncated: 0\nlength: %zu\n\n%s",
                     port[P_503], port[P_503], strlen(body), body);
    assert_true(srv_write(cache, name, text, (size_t)m));
    f = fetcher(0, cache, NULL);
    ccsig_fetch_robots(f, url(P_503, "/"), &r);
    assert_int_equal(r.state, CCSIG_ROBOTS_FOUND);
    assert_true(r.stale);
    assert_non_null(strstr(r.body, "/old"));
    assert_non_null(strstr(r.error, "503"));
    ccsig_fetcher_free(f);
    srv_rmtree(cache);
    free(cache);
}

static void politeness(void **state) {
    (void)state;
    static srv_hit hits[4096];
    /* a configured delay between requests to one host */
    ccsig_fetcher *f = fetcher(0.4, NULL, NULL);
    ccsig_fetch_req req = {0, 0, false, 0, true, NULL, NULL};
    usleep(50000);
    size_t start = srv_hits(dir, hits, 4096);
    for (int i = 0; i < 3; i++) {
        ccsig_response r;
        assert_int_equal(ccsig_fetch_get(f, url(P_OK, "/big.bin"), &req, &r), CCSIG_OK);
        assert_int_equal(r.status, 200);
        ccsig_response_free(&r);
    }
    usleep(50000);
    size_t n = srv_hits(dir, hits, 4096);
    assert_int_equal(n - start, 3);
    for (size_t i = start + 1; i < n; i++)
        if ((hits[i].t - hits[i].dur) - hits[i - 1].t < 0.35) /* nginx's clock: ms */
            fail_msg("requests %zu and %zu were %.3f s apart", i - 1, i,
                     (hits[i].t - hits[i].dur) - hits[i - 1].t);
    ccsig_fetcher_free(f);
    /* Crawl-delay raises it (no delay configured) */
    f = fetcher(0, NULL, NULL);
    ccsig_robots_fetch rf;
    ccsig_fetch_robots(f, url(P_DELAY, "/"), &rf);
    assert_true(rf.crawl_delay > 0.59 && rf.crawl_delay < 0.61);
    usleep(50000); /* nginx logs a request after it answered it */
    start = srv_hits(dir, hits, 4096);
    for (int i = 0; i < 2; i++) {
        ccsig_response r;
        ccsig_fetch_get(f, url(P_DELAY, "/a"), &req, &r);
        ccsig_response_free(&r);
    }
    usleep(50000);
    n = srv_hits(dir, hits, 4096);
    assert_int_equal(n - start, 2);
    assert_true((hits[n - 1].t - hits[n - 1].dur) - hits[n - 2].t >= 0.55); /* 0.6 s */
    ccsig_fetcher_free(f);
}

typedef struct par {
    ccsig_fetcher *f;
    const char *u;
} par;

static void *worker(void *arg) {
    par *p = arg;
    ccsig_fetch_req req = {0, 0, false, 0, true, NULL, NULL};
    for (int i = 0; i < 3; i++) {
        ccsig_response r;
        ccsig_fetch_get(p->f, p->u, &req, &r);
        ccsig_response_free(&r);
    }
    return NULL;
}

static void one_at_a_time(void **state) {
    (void)state;
    static srv_hit hits[4096];
    ccsig_fetcher *f = fetcher(0, NULL, NULL);
    usleep(50000);
    size_t start = srv_hits(dir, hits, 4096);
    pthread_t t[4];
    par p = {f, url(P_OK, "/slow/big.bin")}; /* each takes about 0.2 s */
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, &p);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    usleep(50000);
    size_t n = srv_hits(dir, hits, 4096);
    assert_int_equal(n - start, 12);
    /* no two requests to the host overlapped (they would by about 0.2 s;
     * 0.05 s allows for nginx's cached clock) */
    for (size_t i = start + 1; i < n; i++)
        if (hits[i].t - hits[i].dur < hits[i - 1].t - 0.05)
            fail_msg("request %zu started %.3f s before request %zu ended", i,
                     hits[i - 1].t - (hits[i].t - hits[i].dur), i - 1);
    ccsig_fetcher_free(f);
}

static bool stop_at_head(const char *body, size_t len, const char *ct, void *ctx) {
    (void)ct;
    (void)ctx;
    return ccsig_html_head_end(body, len) < len;
}

static void ranges_and_stops(void **state) {
    (void)state;
    ccsig_fetcher *f = fetcher(0, NULL, NULL);
    ccsig_response r;
    ccsig_fetch_req req = {100, 50, false, 0, true, NULL, NULL};
    assert_int_equal(ccsig_fetch_get(f, url(P_OK, "/big.bin"), &req, &r), CCSIG_OK);
    assert_int_equal(r.status, 206);
    assert_true(r.partial);
    assert_int_equal(r.len, 50);
    assert_int_equal(r.total, 8192);
    ccsig_response_free(&r);
    ccsig_fetch_req tail = {0, 10, true, 0, true, NULL, NULL};
    ccsig_fetch_get(f, url(P_OK, "/big.bin"), &tail, &r);
    assert_int_equal(r.len, 10);
    ccsig_response_free(&r);
    ccsig_fetch_req lim = {0, 0, false, 1000, true, NULL, NULL};
    ccsig_fetch_get(f, url(P_OK, "/big.bin"), &lim, &r);
    assert_int_equal(r.len, 1000);
    assert_true(r.truncated);
    ccsig_response_free(&r);
    ccsig_fetch_req stop = {0, 0, false, 0, true, stop_at_head, NULL};
    ccsig_fetch_get(f, url(P_OK, "/page.html"), &stop, &r);
    assert_true(r.stopped);
    assert_string_equal(r.content_type, "text/html");
    ccsig_response_free(&r);
    /* not http(s) */
    assert_int_equal(ccsig_fetch_get(f, "ftp://127.0.0.1/x", &req, &r), CCSIG_ERR_USAGE);
    ccsig_response_free(&r);
    /* the robots.txt key is the library's one site key (url.h) of the host
     * libcurl requests: userinfo, case and default ports do not make another
     * site; a URL libcurl reads as another host than the splitter is refused
     * rather than requested under the wrong robots.txt */
    ccsig_robots_fetch rf, rf2;
    char want[64];
    snprintf(want, sizeof want, "http://127.0.0.1:%d", port[P_OK]);
    assert_int_equal(ccsig_fetch_robots(f, url(P_OK, "/a"), &rf), CCSIG_OK);
    assert_string_equal(rf.origin, want);
    char odd[128];
    snprintf(odd, sizeof odd, "HTTP://User:pw@127.0.0.1:%d/b?c#d", port[P_OK]);
    assert_int_equal(ccsig_fetch_robots(f, odd, &rf2), CCSIG_OK);
    assert_string_equal(rf2.origin, want);
    assert_true(rf2.from_cache);
    ccsig_url u;
    char site[128];
    assert_true(ccsig_url_split(ccsig_str_c(odd), &u));
    assert_true(ccsig_url_site(&u, site, sizeof site) > 0);
    assert_string_equal(site, want);
    /* libcurl reads 0x7f.0.0.1 as 127.0.0.1 and %31 as 1; the splitter does not */
    snprintf(odd, sizeof odd, "http://0x7f.0.0.1:%d/x", port[P_OK]);
    assert_int_equal(ccsig_fetch_robots(f, odd, &rf2), CCSIG_ERR_USAGE);
    assert_int_equal(ccsig_fetch_get(f, odd, &req, &r), CCSIG_ERR_USAGE);
    ccsig_response_free(&r);
    snprintf(odd, sizeof odd, "http://127.0.0.%%31:%d/x", port[P_OK]);
    assert_int_equal(ccsig_fetch_get(f, odd, &req, &r), CCSIG_ERR_USAGE);
    ccsig_response_free(&r);
    char *res = ccsig_url_resolve("http://e.example/a/b.html", "../l.xml");
    assert_string_equal(res, "http://e.example/l.xml");
    ccsig_free(res);
    ccsig_fetcher_free(f);
}

/* The fetcher takes Crawl-delay from the robots.txt compiler's groups: a
 * product token with digits (AI2Bot) gets its own group's delay, the one
 * that also holds its disallow; a token that is only a prefix of it gets
 * the '*' group's (none here). */
static void crawl_delay_groups(void **state) {
    (void)state;
    ccsig_fetcher *f = fetcher(0, NULL, "AI2Bot");
    ccsig_robots_fetch r;
    assert_int_equal(ccsig_fetch_robots(f, url(P_OK, "/x"), &r), CCSIG_OK);
    assert_int_equal(r.state, CCSIG_ROBOTS_FOUND);
    assert_true(r.crawl_delay > 8.9 && r.crawl_delay < 9.1);
    ccsig_fetcher_free(f);
    f = fetcher(0, NULL, "AI");
    assert_int_equal(ccsig_fetch_robots(f, url(P_OK, "/x"), &r), CCSIG_OK);
    assert_true(r.crawl_delay < 0);
    ccsig_fetcher_free(f);
}

/* The address classifier (the guard's): IPv4, IPv6, and IPv6 forms that
 * embed an IPv4 address. */
static void address_classes(void **state) {
    (void)state;
    static const struct {
        const char *text;
        ccsig_addr_class c;
    } cases[] = {
        {"8.8.8.8", CCSIG_ADDR_PUBLIC},
        {"1.1.1.1", CCSIG_ADDR_PUBLIC},
        {"127.0.0.1", CCSIG_ADDR_LOOPBACK},
        {"127.255.0.9", CCSIG_ADDR_LOOPBACK},
        {"10.1.2.3", CCSIG_ADDR_PRIVATE},
        {"172.16.0.1", CCSIG_ADDR_PRIVATE},
        {"172.31.255.255", CCSIG_ADDR_PRIVATE},
        {"172.32.0.1", CCSIG_ADDR_PUBLIC},
        {"172.15.255.255", CCSIG_ADDR_PUBLIC},
        {"192.168.1.1", CCSIG_ADDR_PRIVATE},
        {"169.254.169.254", CCSIG_ADDR_LINK_LOCAL},
        {"169.253.0.1", CCSIG_ADDR_PUBLIC},
        {"100.64.0.1", CCSIG_ADDR_SHARED},
        {"100.127.255.255", CCSIG_ADDR_SHARED},
        {"100.128.0.1", CCSIG_ADDR_PUBLIC},
        {"100.63.255.255", CCSIG_ADDR_PUBLIC},
        {"0.0.0.0", CCSIG_ADDR_UNSPECIFIED},
        {"0.1.2.3", CCSIG_ADDR_UNSPECIFIED},
        {"224.0.0.1", CCSIG_ADDR_MULTICAST},
        {"239.255.255.250", CCSIG_ADDR_MULTICAST},
        {"240.0.0.1", CCSIG_ADDR_RESERVED},
        {"255.255.255.255", CCSIG_ADDR_RESERVED},
        {"192.0.2.1", CCSIG_ADDR_RESERVED},
        {"198.51.100.7", CCSIG_ADDR_RESERVED},
        {"203.0.113.9", CCSIG_ADDR_RESERVED},
        {"198.18.0.1", CCSIG_ADDR_RESERVED},
        {"198.19.255.1", CCSIG_ADDR_RESERVED},
        {"198.20.0.1", CCSIG_ADDR_PUBLIC},
        {"192.0.0.8", CCSIG_ADDR_RESERVED},
        {"192.88.99.1", CCSIG_ADDR_RESERVED},
        {"2606:4700::1111", CCSIG_ADDR_PUBLIC},
        {"2a00:1450:4001::200e", CCSIG_ADDR_PUBLIC},
        {"::", CCSIG_ADDR_UNSPECIFIED},
        {"::1", CCSIG_ADDR_LOOPBACK},
        {"fe80::1", CCSIG_ADDR_LINK_LOCAL},
        {"febf::1", CCSIG_ADDR_LINK_LOCAL},
        {"fec0::1", CCSIG_ADDR_PRIVATE},
        {"fc00::1", CCSIG_ADDR_UNIQUE_LOCAL},
        {"fd12:3456::1", CCSIG_ADDR_UNIQUE_LOCAL},
        {"ff02::1", CCSIG_ADDR_MULTICAST},
        {"2001:db8::1", CCSIG_ADDR_RESERVED},
        {"2001::1", CCSIG_ADDR_RESERVED},
        {"100::1", CCSIG_ADDR_RESERVED},
        {"::ffff:127.0.0.1", CCSIG_ADDR_LOOPBACK},
        {"::ffff:10.0.0.1", CCSIG_ADDR_PRIVATE},
        {"::ffff:169.254.169.254", CCSIG_ADDR_LINK_LOCAL},
        {"::ffff:8.8.8.8", CCSIG_ADDR_PUBLIC},
        {"64:ff9b::a00:1", CCSIG_ADDR_PRIVATE},   /* NAT64 of 10.0.0.1 */
        {"64:ff9b::808:808", CCSIG_ADDR_PUBLIC},  /* NAT64 of 8.8.8.8 */
        {"2002:7f00:1::1", CCSIG_ADDR_LOOPBACK},  /* 6to4 of 127.0.0.1 */
        {"2002:c0a8:101::1", CCSIG_ADDR_PRIVATE}, /* 6to4 of 192.168.1.1 */
        {"::127.0.0.1", CCSIG_ADDR_RESERVED},     /* IPv4-compatible, deprecated */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ccsig_addr_net n;
        assert_true(ccsig_addr_net_parse(cases[i].text, strlen(cases[i].text), &n));
        if (ccsig_addr_classify(&n.addr) != cases[i].c)
            fail_msg("%s: %s, want %s", cases[i].text,
                     ccsig_addr_class_name(ccsig_addr_classify(&n.addr)),
                     ccsig_addr_class_name(cases[i].c));
    }
    assert_string_equal(ccsig_addr_class_name(CCSIG_ADDR_SHARED), "shared (CGNAT)");

    /* networks */
    ccsig_addr_net net, a;
    assert_true(ccsig_addr_net_parse("127.0.0.1/32", 12, &net));
    assert_int_equal(net.prefix, 32);
    assert_true(ccsig_addr_net_parse("10.0.0.0/8", 10, &net));
    assert_true(ccsig_addr_net_parse("10.200.3.4", 10, &a));
    assert_true(ccsig_addr_in_net(&a.addr, &net));
    assert_true(ccsig_addr_net_parse("11.0.0.1", 8, &a));
    assert_false(ccsig_addr_in_net(&a.addr, &net));
    assert_true(ccsig_addr_net_parse("::ffff:10.9.9.9", 15, &a)); /* v4-mapped, v4 network */
    assert_true(ccsig_addr_in_net(&a.addr, &net));
    assert_true(ccsig_addr_net_parse("fd00::/8", 8, &net));
    assert_true(ccsig_addr_net_parse("fd12::5", 7, &a));
    assert_true(ccsig_addr_in_net(&a.addr, &net));
    assert_true(ccsig_addr_net_parse("172.16.0.0/12", 13, &net));
    assert_true(ccsig_addr_net_parse("172.31.0.1", 10, &a));
    assert_true(ccsig_addr_in_net(&a.addr, &net));
    assert_true(ccsig_addr_net_parse("172.32.0.1", 10, &a));
    assert_false(ccsig_addr_in_net(&a.addr, &net));
    assert_true(ccsig_addr_net_parse("0.0.0.0/0", 9, &net)); /* everything IPv4 */
    assert_true(ccsig_addr_in_net(&a.addr, &net));
    /* not addresses */
    static const char *const bad[] = {"",          "localhost",   "10.0.0.0/33", "::/129",
                                      "10.0.0.1/", "10.0.0.1/8x", "1.2.3",       "10.0.0.0/-1",
                                      "/8",        "1.2.3.4/0008"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (ccsig_addr_net_parse(bad[i], strlen(bad[i]), &net))
            fail_msg("\"%s\" parsed as a network", bad[i]);
}

/* The guard: this machine's addresses are refused unless allowed, on the
 * address connected to, redirects included; https_only refuses http. */
static void address_guard(void **state) {
    (void)state;
    ccsig_fetch_opts o;
    ccsig_fetch_opts_default(&o);
    o.delay = 0;
    o.timeout_ms = o.connect_timeout_ms = 1500;
    o.public_only = true;
    ccsig_fetcher *f;
    ccsig_error err;
    ccsig_response r;
    assert_int_equal(ccsig_fetcher_new(&o, &f, &err), CCSIG_OK);
    assert_int_equal(ccsig_fetch_get(f, url(P_OK, "/page.html"), NULL, &r), CCSIG_ERR_IO);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.error, "refused: 127.0.0.1 is a loopback address"));
    ccsig_response_free(&r);
    char u[128];
    snprintf(u, sizeof u, "http://localhost:%d/page.html", port[P_OK]);
    assert_int_equal(ccsig_fetch_get(f, u, NULL, &r), CCSIG_ERR_IO);
    assert_non_null(strstr(r.error, "is a loopback address"));
    ccsig_response_free(&r);
    ccsig_fetcher_free(f);

    /* another network allowed: still refused */
    ccsig_addr_net allow[2];
    assert_true(ccsig_addr_net_parse("10.0.0.0/8", 10, &allow[0]));
    o.allow = allow;
    o.nallow = 1;
    assert_int_equal(ccsig_fetcher_new(&o, &f, &err), CCSIG_OK);
    assert_int_equal(ccsig_fetch_get(f, url(P_OK, "/page.html"), NULL, &r), CCSIG_ERR_IO);
    assert_non_null(strstr(r.error, "refused: 127.0.0.1"));
    ccsig_response_free(&r);
    ccsig_fetcher_free(f);

    /* 127.0.0.1 allowed (the list is copied: changing it later does not
     * matter); a redirect to [::1] is refused at its hop */
    assert_true(ccsig_addr_net_parse("127.0.0.1/32", 12, &allow[1]));
    o.nallow = 2;
    assert_int_equal(ccsig_fetcher_new(&o, &f, &err), CCSIG_OK);
    memset(allow, 0, sizeof allow);
    assert_int_equal(ccsig_fetch_get(f, url(P_OK, "/page.html"), NULL, &r), CCSIG_OK);
    assert_int_equal(r.status, 200);
    ccsig_response_free(&r);
    ccsig_fetch_req follow = {.follow = true};
    assert_int_equal(ccsig_fetch_get(f, url(P_TOV6, "/x"), &follow, &r), CCSIG_ERR_IO);
    assert_int_equal(r.redirects, 1);
    assert_non_null(strstr(r.error, "refused: ::1 is a loopback address"));
    ccsig_response_free(&r);
    ccsig_fetcher_free(f);

    /* https only */
    o.https_only = true;
    o.nallow = 0;
    assert_int_equal(ccsig_fetcher_new(&o, &f, &err), CCSIG_OK);
    assert_int_equal(ccsig_fetch_get(f, url(P_OK, "/page.html"), NULL, &r), CCSIG_ERR_IO);
    assert_non_null(strstr(r.error, "is not an https URL"));
    ccsig_response_free(&r);
    ccsig_fetcher_free(f);

    /* a bad network */
    allow[0].addr.family = 5;
    o.allow = allow;
    o.nallow = 1;
    assert_int_equal(ccsig_fetcher_new(&o, &f, &err), CCSIG_ERR_USAGE);
    assert_non_null(strstr(err.message, "not an IPv4 or IPv6 network"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(robots_status_classes),
        cmocka_unit_test(redirects),
        cmocka_unit_test(big_robots),
        cmocka_unit_test(never_answers_and_trickle),
        cmocka_unit_test(caching),
        cmocka_unit_test(politeness),
        cmocka_unit_test(one_at_a_time),
        cmocka_unit_test(ranges_and_stops),
        cmocka_unit_test(crawl_delay_groups),
        cmocka_unit_test(address_classes),
        cmocka_unit_test(address_guard),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
