/*
 * test_keydir.c — the Web Bot Auth key directory cache (ccsig/keydir.h)
 * against nginx on 127.0.0.1, started and stopped here: a directory whose
 * response is signed by its own key (the signature headers computed by the
 * library's signer for this very authority), an unsigned one, one signed for
 * another host, one that is missing, key rotation within and past
 * min_refresh, Cache-Control max-age, and a signed request verified end to
 * end through the cache. No other address is contacted.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ccsig/fetch.h"
#include "ccsig/httpsig.h"
#include "ccsig/keydir.h"
#include "ccsig/sf.h"
#include "servers.h"

enum { P_SIGNED, P_UNSIGNED, P_OTHER, P_MISSING, P_NOCACHE, NPORTS };

static int port[NPORTS];
static char *dir;
static pid_t nginx = -1;
static unsigned char pub1[32], sec1[64], pub2[32], sec2[64];
static char kid1[CCSIG_JWK_THUMBPRINT_SIZE], kid2[CCSIG_JWK_THUMBPRINT_SIZE];

static char *url(int which, const char *path) {
    static char buf[8][256];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, 256, "http://127.0.0.1:%d%s", port[which], path);
    return b;
}

/* A JWK Set of the given public keys. */
static void jwks_text(char *out, size_t n, const unsigned char *a, const unsigned char *b) {
    char xa[48], xb[48];
    ccsig_base64url_encode(a, 32, xa);
    if (b) {
        ccsig_base64url_encode(b, 32, xb);
        snprintf(out, n,
                 "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"},"
                 "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}]}\n",
                 xa, xb);
    } else
        snprintf(out, n, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}]}\n", xa);
}

/* The signature headers a directory served at authority sends, by key sec:
 * nginx add_header lines. */
static void directory_headers(char *out, size_t n, const char *authority,
                              const unsigned char *sec) {
    ccsig_httpsig_message rq = {.method = CCSIG_STR_LIT("GET"),
                                .scheme = CCSIG_STR_LIT("http"),
                                .authority = ccsig_str_make(authority, strlen(authority)),
                                .target = CCSIG_STR_LIT(CCSIG_KEYDIR_PATH)};
    ccsig_httpsig_message rs = {.status = 200, .request = &rq};
    time_t now = time(NULL);
    ccsig_httpsig_sign_options o = {.components = "\"@authority\";req",
                                    .created = (int64_t)now - 10,
                                    .expires = (int64_t)now + 3600,
                                    .tag = CCSIG_HTTPSIG_TAG_DIRECTORY};
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_buf in = CCSIG_BUF_INIT, sig = CCSIG_BUF_INIT;
    ccsig_error err;
    assert_int_equal(ccsig_httpsig_sign(&a, &rs, &o, sec, &in, &sig, &err), CCSIG_OK);
    /* nginx: single quotes around values that hold double quotes */
    snprintf(out, n, "add_header Signature-Input '%s' always; add_header Signature '%s' always;",
             ccsig_buf_cstr(&in), ccsig_buf_cstr(&sig));
    ccsig_buf_free(&in);
    ccsig_buf_free(&sig);
    ccsig_arena_free(&a);
}

static int setup(void **state) {
    (void)state;
    if (!srv_nginx_path()) {
        fprintf(stderr, "nginx missing: run scripts/bootstrap\n");
        return -1;
    }
    unsigned char seed[32];
    memset(seed, 1, sizeof seed);
    ccsig_ed25519_from_seed(seed, pub1, sec1);
    memset(seed, 2, sizeof seed);
    ccsig_ed25519_from_seed(seed, pub2, sec2);
    ccsig_jwk_ed25519_thumbprint(pub1, kid1);
    ccsig_jwk_ed25519_thumbprint(pub2, kid2);
    dir = srv_tmpdir("keydir");
    for (int i = 0; i < NPORTS; i++)
        port[i] = srv_free_port();
    char jwks[512];
    jwks_text(jwks, sizeof jwks, pub1, NULL);
    assert_true(srv_write(dir, "d" CCSIG_KEYDIR_PATH, jwks, strlen(jwks)));
    assert_true(srv_write(dir, "d/rot", jwks, strlen(jwks)));
    char h[5][1200], auth[64];
    for (int i = 0; i < NPORTS; i++) {
        snprintf(auth, sizeof auth, "127.0.0.1:%d", port[i == P_OTHER ? P_SIGNED : i]);
        directory_headers(h[i], sizeof h[i], auth, sec1);
    }
    /* /rot is the agent URL itself (a directory URL with a path): signed for
     * its authority, over the same ("@authority";req). */
    char servers[8192];
    snprintf(servers, sizeof servers,
             "server { listen 127.0.0.1:%d; root %s/d; default_type application/json;\n"
             "  location / { add_header Cache-Control 'max-age=300' always; %s } }\n"
             "server { listen 127.0.0.1:%d; root %s/d; }\n"
             "server { listen 127.0.0.1:%d; root %s/d; location / { %s } }\n"
             "server { listen 127.0.0.1:%d; root %s/none; }\n"
             "server { listen 127.0.0.1:%d; root %s/d;\n"
             "  location / { add_header Cache-Control 'no-store' always; %s } }\n",
             port[P_SIGNED], dir, h[P_SIGNED], port[P_UNSIGNED], dir, port[P_OTHER], dir,
             h[P_OTHER], port[P_MISSING], dir, port[P_NOCACHE], dir, h[P_NOCACHE]);
    nginx = srv_nginx_start(dir, servers, port, NPORTS);
    return nginx > 0 ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    srv_stop(nginx);
    srv_rmtree(dir);
    free(dir);
    return 0;
}

static ccsig_fetcher *fetcher(void) {
    ccsig_fetch_opts o;
    ccsig_fetch_opts_default(&o);
    o.delay = 0;
    o.timeout_ms = 2000;
    o.connect_timeout_ms = 2000;
    ccsig_fetcher *f;
    ccsig_error err;
    assert_int_equal(ccsig_fetcher_new(&o, &f, &err), CCSIG_OK);
    return f;
}

static ccsig_keydir *cache(ccsig_fetcher *f, double min_refresh, bool allow_unsigned) {
    ccsig_keydir_opts o;
    ccsig_keydir_opts_default(&o);
    o.min_refresh = min_refresh;
    o.allow_unsigned = allow_unsigned;
    ccsig_keydir *d;
    ccsig_error err;
    assert_int_equal(ccsig_keydir_new(f, &o, &d, &err), CCSIG_OK);
    return d;
}

static ccsig_str S(const char *s) {
    return ccsig_str_make(s, strlen(s));
}

static void directory_urls(void **state) {
    (void)state;
    char b[256];
    assert_true(ccsig_keydir_url("https://crawler.test", b, sizeof b));
    assert_string_equal(b, "https://crawler.test" CCSIG_KEYDIR_PATH);
    assert_true(ccsig_keydir_url("https://Crawler.test:443/", b, sizeof b));
    assert_string_equal(b, "https://crawler.test" CCSIG_KEYDIR_PATH);
    assert_true(ccsig_keydir_url("http://h:8080/keys.json", b, sizeof b));
    assert_string_equal(b, "http://h:8080/keys.json");
    assert_false(ccsig_keydir_url("ftp://h/", b, sizeof b));
    assert_false(ccsig_keydir_url("crawler.test", b, sizeof b));
}

static void signed_directory(void **state) {
    (void)state;
    ccsig_fetcher *f = fetcher();
    ccsig_keydir *d = cache(f, 60, false);
    time_t now = time(NULL);
    ccsig_keydir_key k;
    assert_int_equal(ccsig_keydir_find(d, url(P_SIGNED, ""), S(kid1), now, &k), CCSIG_OK);
    if (!k.found)
        fail_msg("%s", k.error);
    assert_memory_equal(k.pub, pub1, 32);
    assert_true(k.fetched_now);
    assert_true(k.directory_signed);
    assert_int_equal(k.expires - k.fetched, 300); /* Cache-Control: max-age=300 */
    /* Cached: no fetch. */
    assert_int_equal(ccsig_keydir_find(d, url(P_SIGNED, "/"), S(kid1), now + 10, &k), CCSIG_OK);
    assert_true(k.found);
    assert_false(k.fetched_now);
    /* Expired: fetched again. */
    assert_int_equal(ccsig_keydir_find(d, url(P_SIGNED, ""), S(kid1), now + 400, &k), CCSIG_OK);
    assert_true(k.found);
    assert_true(k.fetched_now);
    /* An unknown keyid within min_refresh: no fetch, a clear answer. */
    assert_int_equal(ccsig_keydir_find(d, url(P_SIGNED, ""), S(kid2), now + 410, &k), CCSIG_OK);
    assert_false(k.found);
    assert_false(k.fetched_now);
    assert_non_null(strstr(k.error, "has no key"));
    ccsig_keydir_free(d);
    ccsig_fetcher_free(f);
}

static void refused_directories(void **state) {
    (void)state;
    ccsig_fetcher *f = fetcher();
    ccsig_keydir *d = cache(f, 0, false);
    time_t now = time(NULL);
    ccsig_keydir_key k;
    assert_int_equal(ccsig_keydir_find(d, url(P_UNSIGNED, ""), S(kid1), now, &k), CCSIG_OK);
    assert_false(k.found);
    assert_non_null(strstr(k.error, "not signed by its keys (unsigned"));
    assert_int_equal(ccsig_keydir_find(d, url(P_OTHER, ""), S(kid1), now, &k), CCSIG_OK);
    assert_false(k.found);
    assert_non_null(strstr(k.error, "bad-signature"));
    assert_int_equal(ccsig_keydir_find(d, url(P_MISSING, ""), S(kid1), now, &k), CCSIG_OK);
    assert_false(k.found);
    assert_non_null(strstr(k.error, "answered 404"));
    ccsig_keydir_free(d);
    /* allow_unsigned takes the unsigned one, and says it was not signed. */
    d = cache(f, 0, true);
    assert_int_equal(ccsig_keydir_find(d, url(P_UNSIGNED, ""), S(kid1), now, &k), CCSIG_OK);
    assert_true(k.found);
    assert_false(k.directory_signed);
    ccsig_keydir_free(d);
    ccsig_fetcher_free(f);
}

static void rotation(void **state) {
    (void)state;
    ccsig_fetcher *f = fetcher();
    ccsig_keydir *slow = cache(f, 3600, false), *quick = cache(f, 0, false);
    time_t now = time(NULL);
    ccsig_keydir_key k;
    const char *agent = url(P_SIGNED, "/rot");
    assert_int_equal(ccsig_keydir_find(slow, agent, S(kid1), now, &k), CCSIG_OK);
    assert_true(k.found);
    assert_int_equal(ccsig_keydir_find(quick, agent, S(kid1), now, &k), CCSIG_OK);
    assert_true(k.found);
    /* The agent adds key 2 (still signing with key 1). */
    char jwks[512];
    jwks_text(jwks, sizeof jwks, pub1, pub2);
    assert_true(srv_write(dir, "d/rot", jwks, strlen(jwks)));
    assert_int_equal(ccsig_keydir_find(slow, agent, S(kid2), now + 1, &k), CCSIG_OK);
    assert_false(k.found); /* min_refresh: not asked again yet */
    assert_int_equal(ccsig_keydir_find(quick, agent, S(kid2), now + 1, &k), CCSIG_OK);
    assert_true(k.fetched_now);
    if (!k.found)
        fail_msg("%s", k.error);
    assert_memory_equal(k.pub, pub2, 32);
    /* Cache-Control: no-store: every lookup fetches. */
    assert_int_equal(ccsig_keydir_find(quick, url(P_NOCACHE, ""), S(kid1), now, &k), CCSIG_OK);
    assert_true(k.found);
    assert_int_equal(ccsig_keydir_find(quick, url(P_NOCACHE, ""), S(kid1), now, &k), CCSIG_OK);
    assert_true(k.found);
    assert_true(k.fetched_now);
    ccsig_keydir_free(slow);
    ccsig_keydir_free(quick);
    ccsig_fetcher_free(f);
}

/* A crawler's signed request, checked by a server through the cache. */
static void verify_through_directory(void **state) {
    (void)state;
    ccsig_fetcher *f = fetcher();
    ccsig_keydir *d = cache(f, 0, false);
    char agent[300];
    snprintf(agent, sizeof agent, "crawler=\"%s\"", url(P_SIGNED, ""));
    ccsig_http_field fl[4] = {{CCSIG_STR_LIT("Host"), CCSIG_STR_LIT("library.example")},
                              {CCSIG_STR_LIT("Signature-Agent"), S(agent)}};
    ccsig_httpsig_message m = {.method = CCSIG_STR_LIT("GET"),
                               .scheme = CCSIG_STR_LIT("https"),
                               .authority = CCSIG_STR_LIT("library.example"),
                               .target = CCSIG_STR_LIT("/letters/1.txt"),
                               .fields = fl,
                               .nfields = 2};
    time_t now = time(NULL);
    ccsig_httpsig_sign_options so = {.created = (int64_t)now, .expires = (int64_t)now + 60};
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_buf in = CCSIG_BUF_INIT, sig = CCSIG_BUF_INIT;
    ccsig_error err;
    assert_int_equal(ccsig_httpsig_sign(&a, &m, &so, sec1, &in, &sig, &err), CCSIG_OK);
    fl[2] = (ccsig_http_field){CCSIG_STR_LIT("Signature-Input"), S(ccsig_buf_cstr(&in))};
    fl[3] = (ccsig_http_field){CCSIG_STR_LIT("Signature"), S(ccsig_buf_cstr(&sig))};
    m.nfields = 4;
    ccsig_httpsig_verify_options o;
    ccsig_httpsig_verify_options_init(&o);
    o.key = ccsig_keydir_verify_key;
    o.ctx = d;
    ccsig_httpsig_verdict v;
    assert_int_equal(ccsig_httpsig_verify(&a, &m, &o, &v, &err), CCSIG_OK);
    if (v.result != CCSIG_HTTPSIG_VALID)
        fail_msg("%s: %s", ccsig_httpsig_result_name(v.result), v.detail);
    /* Signed by key 2, which that directory does not publish. */
    ccsig_buf_clear(&in);
    ccsig_buf_clear(&sig);
    m.nfields = 2;
    assert_int_equal(ccsig_httpsig_sign(&a, &m, &so, sec2, &in, &sig, &err), CCSIG_OK);
    fl[2].value = S(ccsig_buf_cstr(&in));
    fl[3].value = S(ccsig_buf_cstr(&sig));
    m.nfields = 4;
    assert_int_equal(ccsig_httpsig_verify(&a, &m, &o, &v, &err), CCSIG_OK);
    assert_int_equal(v.result, CCSIG_HTTPSIG_UNKNOWN_KEY);
    ccsig_buf_free(&in);
    ccsig_buf_free(&sig);
    ccsig_arena_free(&a);
    ccsig_keydir_free(d);
    ccsig_fetcher_free(f);
}

/* One cache shared by threads, as a server's workers share it: every
 * lookup answers, whatever the interleaving of fetches (TSan: tsan.live.keydir). */
typedef struct worker {
    ccsig_keydir *d;
    const char *agent;
    int found;
} worker;

static void *lookups(void *arg) {
    worker *w = arg;
    for (int i = 0; i < 20; i++) {
        ccsig_keydir_key k;
        if (ccsig_keydir_find(w->d, w->agent, S(i % 2 ? kid1 : kid2), time(NULL), &k) == CCSIG_OK &&
            k.found == (i % 2 == 1))
            w->found++;
    }
    return NULL;
}

static void shared_by_threads(void **state) {
    (void)state;
    ccsig_fetcher *f = fetcher();
    ccsig_keydir *d = cache(f, 0, false);
    pthread_t t[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){d, url(i % 2 ? P_SIGNED : P_NOCACHE, ""), 0};
        assert_int_equal(pthread_create(&t[i], NULL, lookups, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].found, 20); /* key 1 found, key 2 not, every time */
    }
    ccsig_keydir_free(d);
    ccsig_fetcher_free(f);
}

/* max_wait: a directory that never answers (a socket that accepts nothing)
 * holds no caller longer than the wait: concurrent callers share one
 * background fetch and get pending; a cached directory answers meanwhile;
 * once the fetch timed out its failure is remembered (no pending, the
 * reason, no new fetch within min_refresh). Freeing the cache waits for a
 * fetch still running. */
typedef struct slow_worker {
    ccsig_keydir *d;
    const char *agent;
    const char *keyid;
    ccsig_keydir_key k;
    ccsig_status st;
    double took;
} slow_worker;

static double mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *slow_lookup(void *arg) {
    slow_worker *w = arg;
    double t0 = mono();
    w->st = ccsig_keydir_find(w->d, w->agent, S(w->keyid), time(NULL), &w->k);
    w->took = mono() - t0;
    return NULL;
}

static void slow_directory(void **state) {
    (void)state;
    int sp = srv_free_port();
    int fd = srv_silent(sp);
    assert_true(fd >= 0);
    char slow[64];
    snprintf(slow, sizeof slow, "http://127.0.0.1:%d", sp);
    ccsig_fetch_opts fo;
    ccsig_fetch_opts_default(&fo);
    fo.delay = 0;
    fo.timeout_ms = fo.connect_timeout_ms = 1500;
    ccsig_fetcher *f;
    ccsig_error err;
    assert_int_equal(ccsig_fetcher_new(&fo, &f, &err), CCSIG_OK);
    ccsig_keydir_opts o;
    ccsig_keydir_opts_default(&o);
    o.max_wait = 0.3;
    ccsig_keydir *d;
    assert_int_equal(ccsig_keydir_new(f, &o, &d, &err), CCSIG_OK);
    /* a directory that answers comes in within the wait */
    ccsig_keydir_key k;
    assert_int_equal(ccsig_keydir_find(d, url(P_SIGNED, ""), S(kid1), time(NULL), &k), CCSIG_OK);
    assert_true(k.found);
    assert_false(k.pending);

    pthread_t t[5];
    slow_worker w[5];
    double t0 = mono();
    for (int i = 0; i < 5; i++) {
        w[i] = (slow_worker){.d = d, .agent = i < 4 ? slow : url(P_SIGNED, ""), .keyid = kid1};
        assert_int_equal(pthread_create(&t[i], NULL, slow_lookup, &w[i]), 0);
    }
    for (int i = 0; i < 5; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 5; i++)
        assert_int_equal(w[i].st, CCSIG_OK);
    for (int i = 0; i < 4; i++) {
        assert_false(w[i].k.found);
        assert_true(w[i].k.pending);
        assert_non_null(strstr(w[i].k.error, "being fetched"));
        assert_true(w[i].took < 1.2); /* the wait (0.3 s), generously: not the 1.5 s timeout */
    }
    assert_true(w[4].k.found); /* the cached directory, meanwhile */
    assert_true(w[4].took < 1.2);
    /* after the timeout: the failure, at once, and remembered */
    while (mono() - t0 < 2.2)
        usleep(100000);
    for (int i = 0; i < 2; i++) {
        double t1 = mono();
        assert_int_equal(ccsig_keydir_find(d, slow, S(kid1), time(NULL), &k), CCSIG_OK);
        assert_false(k.found);
        assert_false(k.pending);
        assert_false(k.fetched_now);
        assert_non_null(strstr(k.error, "timed out"));
        assert_true(mono() - t1 < 0.5);
    }
    /* freed while a fetch runs: the free waits for it */
    snprintf(slow, sizeof slow, "http://127.0.0.1:%d/other", sp);
    assert_int_equal(ccsig_keydir_find(d, slow, S(kid1), time(NULL), &k), CCSIG_OK);
    assert_true(k.pending);
    ccsig_keydir_free(d);
    ccsig_fetcher_free(f);
    close(fd);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(directory_urls),           cmocka_unit_test(signed_directory),
        cmocka_unit_test(refused_directories),      cmocka_unit_test(rotation),
        cmocka_unit_test(verify_through_directory), cmocka_unit_test(shared_by_threads),
        cmocka_unit_test(slow_directory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
