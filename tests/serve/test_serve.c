/* Unit tests of the gateway's pure parts: request parsing (paths, routes,
 * forms, cookies, ranges, validators, dates, keys, client classes, search
 * queries), the policy reader's errors, the generators, GCRA, text
 * extraction and the tar stream. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sys/stat.h>

#include "ccsig/declare.h"
#include "files.h"
#include "gen.h"
#include "httputil.h"
#include "journal.h"
#include "keycache.h"
#include "policy.h"
#include "ratelimit.h"
#include "ccsig/alloc.h"
#include "ccsig/text.h"
#include "search.h"
#include "server.h"

static void test_safe_path(void **state) {
    (void)state;
    char out[HU_MAX_PATH + 1];
    bool dir;
    assert_int_equal(hu_safe_path("/a/b.txt", 8, out, sizeof out, &dir), 0);
    assert_string_equal(out, "a/b.txt");
    assert_false(dir);
    assert_int_equal(hu_safe_path("//a///b/", 8, out, sizeof out, &dir), 0);
    assert_string_equal(out, "a/b");
    assert_true(dir);
    assert_int_equal(hu_safe_path("/", 1, out, sizeof out, &dir), 0);
    assert_string_equal(out, "");
    const char *bad[] = {"/../etc/passwd", "/a/../../b", "/./a", "/.git/config", "/a/.env",
                         "/a\\b",          "relative",   "",     "/a\001b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(hu_safe_path(bad[i], strlen(bad[i]), out, sizeof out, &dir), -1);
    /* An embedded NUL is refused, not truncated. */
    assert_int_equal(hu_safe_path("/a\0b", 4, out, sizeof out, &dir), -1);
    /* Names are UTF-8: an invalid byte, an overlong '/', a surrogate and a
     * cut sequence are refused; real UTF-8 is kept. */
    const char *not_utf8[] = {"/caf\xe9.txt", "/a/\xc0\xaf", "/\xed\xa0\x80", "/x\xc3"};
    for (size_t i = 0; i < sizeof not_utf8 / sizeof not_utf8[0]; i++)
        assert_int_equal(hu_safe_path(not_utf8[i], strlen(not_utf8[i]), out, sizeof out, &dir), -1);
    assert_int_equal(hu_safe_path("/caf\xc3\xa9/\xf0\x9f\x98\x80", 11, out, sizeof out, &dir), 0);
    assert_string_equal(out, "caf\xc3\xa9/\xf0\x9f\x98\x80");
    char small[4];
    assert_int_equal(hu_safe_path("/abcdef", 7, small, sizeof small, &dir), -1);
}

static void test_route(void **state) {
    (void)state;
    struct {
        const char *p;
        route_id id;
        int64_t reuser;
        st_action act;
    } cases[] = {
        {"/", R_HOME, 0, ACT_NONE},
        {"/robots.txt", R_ROBOTS, 0, ACT_NONE},
        {"/.well-known/tdmrep.json", R_TDMREP, 0, ACT_NONE},
        {"/search", R_SEARCH, 0, ACT_NONE},
        {"/register", R_REGISTER, 0, ACT_NONE},
        {"/license.xml", R_LICENSE, 0, ACT_NONE},
        {"/token", R_TOKEN, 0, ACT_NONE},
        {"/introspect", R_INTROSPECT, 0, ACT_NONE},
        {"/.well-known/jwks.json", R_JWKS, 0, ACT_NONE},
        {"/key", R_KEY, 0, ACT_NONE},
        {"/license.xml/x", R_FILE, 0, ACT_NONE},
        {"/bulk/collection.tar", R_BULK_TAR, 0, ACT_NONE},
        {"/bulk/other", R_BULK_OTHER, 0, ACT_NONE},
        {"/steward", R_ST_HOME, 0, ACT_NONE},
        {"/steward/", R_ST_HOME, 0, ACT_NONE},
        {"/steward/login", R_ST_LOGIN, 0, ACT_NONE},
        {"/steward/usage.csv", R_ST_CSV, 0, ACT_NONE},
        {"/steward/reusers/42", R_ST_REUSER, 42, ACT_NONE},
        {"/steward/reusers/42/approve", R_ST_ACTION, 42, ACT_APPROVE},
        {"/steward/reusers/7/revoke", R_ST_ACTION, 7, ACT_REVOKE},
        {"/steward/reusers/7/explode", R_ST_OTHER, 0, ACT_NONE},
        {"/steward/reusers/0", R_ST_OTHER, 0, ACT_NONE},
        {"/steward/reusers/99999999999999999999", R_ST_OTHER, 0, ACT_NONE},
        {"/stewardship.txt", R_FILE, 0, ACT_NONE},
        {"/letters/1850.txt", R_FILE, 0, ACT_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        route r = hu_route(cases[i].p, strlen(cases[i].p));
        assert_int_equal(r.id, cases[i].id);
        assert_int_equal(r.reuser, cases[i].reuser);
        assert_int_equal(r.action, cases[i].act);
    }
    assert_true(hu_route_steward(R_ST_CSV));
    assert_false(hu_route_steward(R_REGISTER));
}

static void test_form(void **state) {
    (void)state;
    hu_form f;
    const char *body = "name=Acme+AI&contact=a%40b.example&empty=&flag&name=second";
    assert_int_equal(hu_form_parse(&f, body, strlen(body)), 0);
    assert_string_equal(hu_form_get(&f, "name"), "Acme AI");
    assert_string_equal(hu_form_get(&f, "contact"), "a@b.example");
    assert_string_equal(hu_form_get(&f, "empty"), "");
    assert_string_equal(hu_form_get(&f, "flag"), "");
    assert_false(hu_form_has(&f, "empty"));
    assert_null(hu_form_get(&f, "missing"));
    hu_form_free(&f);
    const char *bad[] = {"a=%zz", "a=%4", "a=%00", "a=%"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(hu_form_parse(&f, bad[i], strlen(bad[i])), -1);
    char many[1024] = "";
    for (int i = 0; i < HU_FORM_MAX_FIELDS + 1; i++)
        strcat(many, "a=1&");
    assert_int_equal(hu_form_parse(&f, many, strlen(many)), -1);
    assert_int_equal(hu_form_parse(&f, "", 0), 0);
    assert_int_equal(f.n, 0);
    hu_form_free(&f);
}

static void test_cookie(void **state) {
    (void)state;
    char v[64];
    assert_true(hu_cookie("a=1; ccsig_session=abc; b=2", "ccsig_session", v, sizeof v));
    assert_string_equal(v, "abc");
    assert_true(hu_cookie("ccsig_session=\"q\"", "ccsig_session", v, sizeof v));
    assert_string_equal(v, "q");
    assert_false(hu_cookie("xccsig_session=abc", "ccsig_session", v, sizeof v));
    assert_false(hu_cookie("ccsig_session", "ccsig_session", v, sizeof v));
    assert_false(hu_cookie(NULL, "a", v, sizeof v));
    char tiny[3];
    assert_false(hu_cookie("a=12345", "a", tiny, sizeof tiny));
}

static void test_range(void **state) {
    (void)state;
    uint64_t s, l;
    assert_int_equal(hu_range("bytes=0-9", 100, &s, &l), HU_RANGE_OK);
    assert_int_equal(s, 0);
    assert_int_equal(l, 10);
    assert_int_equal(hu_range("bytes=90-", 100, &s, &l), HU_RANGE_OK);
    assert_int_equal(l, 10);
    assert_int_equal(hu_range("bytes=-5", 100, &s, &l), HU_RANGE_OK);
    assert_int_equal(s, 95);
    assert_int_equal(hu_range("bytes=50-1000", 100, &s, &l), HU_RANGE_OK);
    assert_int_equal(l, 50);
    assert_int_equal(hu_range("bytes=100-", 100, &s, &l), HU_RANGE_UNSATISFIABLE);
    assert_int_equal(hu_range("bytes=-0", 100, &s, &l), HU_RANGE_UNSATISFIABLE);
    assert_int_equal(hu_range("bytes=0-1,5-6", 100, &s, &l), HU_RANGE_NONE);
    assert_int_equal(hu_range("items=0-1", 100, &s, &l), HU_RANGE_NONE);
    assert_int_equal(hu_range("bytes=9-1", 100, &s, &l), HU_RANGE_NONE);
    assert_int_equal(hu_range("bytes=99999999999999999999-", 100, &s, &l), HU_RANGE_NONE);
    assert_int_equal(hu_range(NULL, 100, &s, &l), HU_RANGE_NONE);
}

static void test_etag_dates(void **state) {
    (void)state;
    assert_true(hu_etag_match("\"a\", \"b\"", "\"b\""));
    assert_true(hu_etag_match("W/\"b\"", "\"b\""));
    assert_true(hu_etag_match("*", "\"b\""));
    assert_false(hu_etag_match("\"a\"", "\"b\""));
    assert_false(hu_etag_match("\"unterminated", "\"b\""));
    assert_int_equal(hu_http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
    assert_int_equal(hu_http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
    assert_int_equal(hu_http_date_parse("Sun Nov  6 08:49:37 1994"), 784111777);
    assert_int_equal(hu_http_date_parse("yesterday"), -1);
    char d[30];
    hu_http_date(784111777, d);
    assert_string_equal(d, "Sun, 06 Nov 1994 08:49:37 GMT");
    /* The arithmetic formatter agrees with gmtime_r and strftime: epoch,
     * leap days, century years, the last second of 9999, and a spread of
     * times between; and it round-trips through the parser. */
    int64_t ts[] = {0, 1, 86399, 86400, 951782400, 951868799, 4107542400, 4102444799, 253402300799};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0] + 2000; i++) {
        int64_t t =
            i < sizeof ts / sizeof ts[0] ? ts[i] : (int64_t)(i * 126491653ull % 253402300800ull);
        time_t tt = (time_t)t;
        struct tm tm;
        char want[64];
        gmtime_r(&tt, &tm);
        strftime(want, sizeof want, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        hu_http_date(t, d);
        assert_string_equal(d, want);
        assert_int_equal(hu_http_date_parse(d), t);
    }
    /* The validator of a file, as printf would write it. */
    struct stat sb;
    memset(&sb, 0, sizeof sb);
    sb.st_size = 1643;
    sb.st_mtim.tv_sec = 1795232762;
    sb.st_mtim.tv_nsec = 123456789;
    sb.st_ino = 0xa76048;
    char etag[80], want_etag[80];
    make_etag(&sb, etag);
    snprintf(want_etag, sizeof want_etag, "\"%llx-%llx-%llx\"", 1643ull,
             1795232762ull * 1000000000ull + 123456789ull, 0xa76048ull);
    assert_string_equal(etag, want_etag);
    sb.st_size = 0;
    sb.st_mtim.tv_sec = 0;
    sb.st_mtim.tv_nsec = 0;
    sb.st_ino = 0;
    make_etag(&sb, etag);
    assert_string_equal(etag, "\"0-0-0\"");
    assert_int_equal(hu_day_parse("1970-01-02"), 1);
    assert_int_equal(hu_day_parse("2023-02-29"), -1);
    assert_int_equal(hu_day_parse("2024-02-29"), 19782);
    assert_int_equal(hu_day_parse("2024-13-01"), -1);
    char day[11];
    hu_day_format(19782, day);
    assert_string_equal(day, "2024-02-29");
}

static void test_keys(void **state) {
    (void)state;
    char key[HU_KEY_LEN + 1], id[HU_KEY_ID_LEN + 1], hash[STORE_HASH_HEX + 1];
    key_generate(key, id, hash);
    assert_int_equal(strlen(key), HU_KEY_LEN);
    const char *tok;
    size_t n;
    char auth[200];
    snprintf(auth, sizeof auth, "Bearer %s", key);
    assert_true(hu_bearer(auth, &tok, &n));
    char id2[HU_KEY_ID_LEN + 1];
    const char *secret;
    assert_true(hu_key_split(tok, n, id2, &secret));
    assert_string_equal(id, id2);
    assert_true(key_verify(secret, HU_KEY_SECRET_LEN, hash));
    char wrong[HU_KEY_SECRET_LEN + 1];
    memcpy(wrong, secret, HU_KEY_SECRET_LEN);
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    assert_false(key_verify(wrong, HU_KEY_SECRET_LEN, hash));
    assert_false(key_verify(secret, HU_KEY_SECRET_LEN, "not hex"));
    assert_false(hu_bearer("Basic abc", &tok, &n));
    assert_false(hu_bearer("Bearer a b", &tok, &n));
    /* the same reading for RSL's License scheme */
    assert_true(hu_auth_token("  license\tabc.def.ghi ", "license", &tok, &n));
    assert_int_equal(n, 11);
    assert_memory_equal(tok, "abc.def.ghi", 11);
    assert_false(hu_auth_token("Licenses abc", "license", &tok, &n));
    assert_false(hu_auth_token("License", "license", &tok, &n));
    assert_false(hu_auth_token("Bearer abc", "license", &tok, &n));
    assert_false(hu_key_split("ccsig_short", 11, id2, &secret));
}

static void test_classify(void **state) {
    (void)state;
    const char *ff = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
    assert_int_equal(hu_classify(ff, "en-GB"), CLIENT_BROWSER);
    assert_int_equal(hu_classify(ff, NULL), CLIENT_AUTOMATED);
    assert_int_equal(hu_classify("curl/7.88.1", "en"), CLIENT_AUTOMATED);
    assert_int_equal(
        hu_classify("Mozilla/5.0 (compatible; GPTBot/1.1; +https://openai.com/gptbot)", "en"),
        CLIENT_AUTOMATED);
    assert_int_equal(hu_classify("Mozilla/5.0 HeadlessChrome/120", "en"), CLIENT_AUTOMATED);
    assert_int_equal(hu_classify(NULL, NULL), CLIENT_AUTOMATED);
    assert_true(hu_wants_json("application/json", NULL));
    assert_false(hu_wants_json("text/html,application/json", NULL));
    assert_true(hu_wants_json("text/html", "json"));
    assert_false(hu_wants_json(NULL, NULL));
}

static void test_fts_query(void **state) {
    (void)state;
    ccsig_buf b = CCSIG_BUF_INIT;
    assert_true(hu_fts_query("analytical engine", 17, &b));
    assert_string_equal(b.data, "\"analytical\" \"engine\"");
    ccsig_buf_clear(&b);
    assert_true(hu_fts_query("a\" OR NEAR(x*", 13, &b));
    assert_string_equal(b.data, "\"a\" \"OR\" \"NEAR\" \"x\"");
    ccsig_buf_clear(&b);
    assert_false(hu_fts_query("\"*()", 4, &b));
    ccsig_buf_free(&b);
    char out[64];
    assert_true(hu_forwarded_for("203.0.113.9, 10.0.0.1", out, sizeof out));
    assert_string_equal(out, "10.0.0.1");
    assert_false(hu_forwarded_for("evil<script>", out, sizeof out));
    assert_true(hu_request_id_ok("r-1.2_3"));
    assert_false(hu_request_id_ok("a b"));
    assert_false(hu_request_id_ok(""));
}

static void test_escaping(void **state) {
    (void)state;
    ccsig_buf b = CCSIG_BUF_INIT;
    hu_html(&b, "<a href=\"x\">&'</a>");
    assert_string_equal(b.data, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    ccsig_buf_clear(&b);
    /* Invalid UTF-8 (a stray byte, a surrogate, a cut sequence at the end)
     * becomes U+FFFD, byte by byte; valid sequences are kept. */
    hu_html(&b, "N\xff<\xc3\xa9\xed\xa0\x80&\xe2\x82");
    assert_string_equal(b.data, "N\xef\xbf\xbd&lt;\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd&amp;"
                                "\xef\xbf\xbd\xef\xbf\xbd");
    ccsig_buf_clear(&b);
    assert_true(hu_form_ctype("application/x-www-form-urlencoded"));
    assert_true(hu_form_ctype("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
    assert_true(hu_form_ctype("application/x-www-form-urlencoded ;charset=utf-8"));
    assert_false(hu_form_ctype(NULL));
    assert_false(hu_form_ctype("text/plain"));
    assert_false(hu_form_ctype("application/x-www-form-urlencodedx"));
    assert_false(hu_form_ctype("multipart/form-data; boundary=x"));
    hu_csv(&b, "=HYPERLINK(\"x\")");
    assert_string_equal(b.data, "\"'=HYPERLINK(\"\"x\"\")\"");
    ccsig_buf_clear(&b);
    hu_url_path(&b, "/a b/\xc3\xa9", 7);
    assert_string_equal(b.data, "/a%20b/%C3%A9");
    ccsig_buf_free(&b);
    char out[64];
    size_t n = ccsig_utf8_clean("ok\xff\xc3\xa9\xed\xa0\x80\x01", 9, out);
    assert_string_equal(out, "ok\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd ");
    assert_int_equal(n, strlen(out));
}

static void test_gcra(void **state) {
    (void)state;
    int64_t tat = 0, now = 1000000;
    /* Rate 1/s, burst 3: three at once, the fourth waits a second. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(gcra_take(&tat, now, 1.0, 3.0), 0);
    int64_t w = gcra_take(&tat, now, 1.0, 3.0);
    assert_true(w > 990000 && w <= 1000000);
    assert_int_equal(gcra_take(&tat, now + w, 1.0, 3.0), 0);
    rl_table *t = rl_table_new(8);
    for (int i = 0; i < 2; i++)
        assert_int_equal(rl_take(t, 1, "192.0.2.1", now, 1.0, 2.0), 0);
    assert_true(rl_take(t, 1, "192.0.2.1", now, 1.0, 2.0) > 0);
    assert_int_equal(rl_take(t, 2, "192.0.2.1", now, 1.0, 2.0), 0); /* other class */
    /* Many addresses: the table stays bounded and keeps answering. */
    char a[32];
    for (int i = 0; i < 100000; i++) {
        snprintf(a, sizeof a, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
        rl_take(t, 1, a, now, 1.0, 2.0);
    }
    rl_table_free(t);
}

/* The key cache over the library's hash map: hits, lifetime, clearing, and a
 * bound (the oldest entry goes when full). */
static void test_keycache(void **state) {
    (void)state;
    keycache *c = keycache_new(1000);
    reuser_key k, out;
    memset(&k, 0, sizeof k);
    snprintf(k.key_id, sizeof k.key_id, "abc");
    k.id = 7;
    assert_int_equal(keycache_get(c, "abc", 0, &out), 0);
    keycache_put(c, &k, 100);
    assert_int_equal(keycache_get(c, "abc", 500, &out), 1);
    assert_int_equal(out.id, 7);
    assert_int_equal(keycache_get(c, "abd", 500, &out), 0);
    assert_int_equal(keycache_get(c, "abc", 1100, &out), 0); /* stale */
    keycache_put(c, &k, 2000);
    keycache_clear(c);
    assert_int_equal(keycache_get(c, "abc", 2001, &out), 0);
    keycache_free(c);

    c = keycache_new(0);
    for (int i = 0; i < 5000; i++) {
        snprintf(k.key_id, sizeof k.key_id, "key%d", i);
        k.id = i;
        keycache_put(c, &k, i);
    }
    assert_int_equal(keycache_get(c, "key0", 6000, &out), 0); /* the oldest went */
    assert_int_equal(keycache_get(c, "key4999", 6000, &out), 1);
    assert_int_equal(out.id, 4999);
    keycache_free(c);
}

static const char *load_err(const char *yaml) {
    static char err[1024];
    policy p;
    err[0] = '\0';
    if (policy_load_buffer(&p, "p.yaml", yaml, strlen(yaml), err, sizeof err) == 0) {
        policy_free(&p);
        return NULL;
    }
    return err;
}

static void test_policy_errors(void **state) {
    (void)state;
    struct {
        const char *yaml;
        const char *want;
    } cases[] = {
        {"preferences:\n  - path: /\n    train-ai: maybe\n",
         "p.yaml:3:15: error: expected allow, deny, or a CC signal"},
        {"preferences:\n  - path: /\n    painting: cr\n",
         "p.yaml:3:5: error: unknown key 'painting' in a preference rule"},
        {"preferences:\n  - path: nope\n    train-ai: cr\n",
         "p.yaml:2:11: error: the path: a path prefix starts with '/' (e.g. /collection/)"},
        {"preferences: [\n", "p.yaml:2:1: error: did not find expected node content"},
        {"acess:\n  bulk: {}\n", "p.yaml:1:1: error: unknown key 'acess' in the policy (expected"},
        {"preferences:\n  - train-ai: cr\naccess:\n  bulk:\n    rate: fast\n",
         "p.yaml:5:11: error: expected a rate"},
        {"preferences:\n  - train-ai: cr\naccess:\n  automated:\n    quota: 5\n",
         "p.yaml:5:5: error: unknown key 'quota' in access.automated"},
        {"preferences:\n  - train-ai: cr\n  - train-ai: allow\n",
         "p.yaml:3:5: error: train-ai is already stated for path / (line 2)"},
        {"preferences:\n  - train-ai: cr\nserver:\n  threads: 0\n",
         "p.yaml:4:12: error: expected a thread count (a whole number from 1 to 256)"},
        {"collection:\n  name: x\n", "p.yaml: error: expected at least one rule under preferences"},
        {"", "p.yaml: error: the policy is empty"},
        {"preferences:\n  - train-ai: cr\n---\nx: 1\n",
         "p.yaml:4:1: error: expected one YAML document, found a second one"},
        {"preferences:\n  - train-ai: cr\ncollection:\n  url: ftp://x\n",
         "p.yaml:4:8: error: the collection's public URL: not an absolute http:// or https:// "
         "URL"},
        {"preferences:\n  - train-ai: cr\n    train-ai: cr\n",
         "p.yaml:3:5: error: train-ai is already"},
        {"preferences:\n  - train-ai: cr\nserver:\n  header-timeout: 0\n",
         "p.yaml:4:19: error: expected a header timeout in seconds (a whole number from 1 to "
         "3600)"},
        {"preferences:\n  - train-ai: cr\nserver:\n  max-header-connections: lots\n",
         "p.yaml:4:27: error: expected a limit of connections reading headers"},
        {"preferences:\n  - path: /sealed/\n    train-ai: cr\n    encrypted: sometimes\n",
         "p.yaml:4:16: error: expected encrypted (true or false), found 'sometimes'"},
        {"preferences:\n  - path: /sealed/\n    encrypted: true\n",
         "p.yaml:2:5: error: expected at least one category (e.g. train-ai: cr) in this "
         "preference rule"},
        {"preferences:\n  - train-ai: cr\nserver:\n  wba-allow-addresses: [10.0.0.0/8, "
         "localhost]\n",
         "p.yaml:4:37: error: expected an IPv4 or IPv6 address or network (ADDR/LEN), found "
         "'localhost'"},
        {"preferences:\n  - train-ai: cr\nserver:\n  wba-allow-addresses: [10.0.0.0/33]\n",
         "p.yaml:4:25: error: expected an IPv4 or IPv6 address or network"},
        {"preferences:\n  - train-ai: cr\nserver:\n  wba-allow-addresses: 127.0.0.1\n",
         "p.yaml:4:24: error: expected a list of IP addresses or networks"},
        {"preferences:\n  - train-ai: cr\nserver:\n  wba-allow-http: maybe\n",
         "p.yaml:4:19: error: expected wba-allow-http (true or false)"},
        {"preferences:\n  - train-ai: cr\nserver:\n  wba-directory-wait-ms: 0\n",
         "p.yaml:4:26: error: expected a wait in milliseconds (a whole number from 1 to 60000)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *e = load_err(cases[i].yaml);
        if (!e || !strstr(e, cases[i].want))
            fail_msg("case %zu: got '%s', want '%s'", i, e ? e : "(accepted)", cases[i].want);
    }
    /* Aliases cannot make the walker loop. */
    assert_non_null(load_err("preferences: &a\n  - *a\n"));
    /* The slow-client settings: defaults, and as given. */
    policy p;
    char err[512];
    const char *y = "preferences:\n  - train-ai: cr\n";
    assert_int_equal(policy_load_buffer(&p, "p.yaml", y, strlen(y), err, sizeof err), 0);
    assert_int_equal(p.header_timeout_s, 10);
    assert_int_equal(p.max_header_connections, 256);
    policy_free(&p);
    y = "preferences:\n  - train-ai: cr\nserver:\n  header-timeout: 3\n  max-header-connections: "
        "40\n";
    assert_int_equal(policy_load_buffer(&p, "p.yaml", y, strlen(y), err, sizeof err), 0);
    assert_int_equal(p.header_timeout_s, 3);
    assert_int_equal(p.max_header_connections, 40);
    policy_free(&p);
    /* encrypted: per rule, off unless stated */
    y = "preferences:\n  - path: /\n    search: allow\n  - path: /sealed/\n    train-ai: cr\n"
        "    encrypted: true\n";
    assert_int_equal(policy_load_buffer(&p, "p.yaml", y, strlen(y), err, sizeof err), 0);
    assert_int_equal(policy_match(&p, "/sealed/a.txt", 13)->encrypted, 1);
    assert_int_equal(policy_match(&p, "/open/a.txt", 11)->encrypted, 0);
    policy_free(&p);
    /* Web Bot Auth key directories: public https only by default. */
    y = "preferences:\n  - train-ai: cr\n";
    assert_int_equal(policy_load_buffer(&p, "p.yaml", y, strlen(y), err, sizeof err), 0);
    assert_int_equal(p.nwba_allow, 0);
    assert_int_equal(p.wba_allow_http, 0);
    assert_int_equal(p.wba_wait_ms, 1000);
    policy_free(&p);
    y = "preferences:\n  - train-ai: cr\nserver:\n  wba-allow-addresses: [127.0.0.1/32, fd00::/8, "
        "'::1']\n  wba-allow-http: true\n  wba-directory-wait-ms: 250\n";
    assert_int_equal(policy_load_buffer(&p, "p.yaml", y, strlen(y), err, sizeof err), 0);
    assert_int_equal(p.nwba_allow, 3);
    assert_int_equal(p.wba_allow[0].addr.family, 4);
    assert_int_equal(p.wba_allow[0].prefix, 32);
    assert_int_equal(p.wba_allow[1].addr.family, 6);
    assert_int_equal(p.wba_allow[1].prefix, 8);
    assert_int_equal(p.wba_allow[2].prefix, 128);
    assert_int_equal(p.wba_allow_http, 1);
    assert_int_equal(p.wba_wait_ms, 250);
    policy_free(&p);
}

/* The policy loader takes paths, names and URLs by the declare module's own
 * checks: what ccsig declare accepts is accepted, what it rejects is rejected
 * with its message, at the offending byte. */
static void test_policy_declare_checks(void **state) {
    (void)state;
    static const char *good[] = {"/", "/collection/", "/a(b)/c;d=1:x@y!'+,&~_-.z", "/files/2024/",
                                 "/x/y"};
    static const char *bad[] = {"/a%20b/",       "/a*b",   "/a$",     "/a?b", "/a#b", "/a b",
                                "/caf\xc3\xa9/", "/a//b/", "/a/../b", "nope", "/a\"b"};
    char yaml[512];
    ccsig_error de;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(ccsig_declare_check_path(good[i], strlen(good[i]), "the path", &de),
                         CCSIG_OK);
        snprintf(yaml, sizeof yaml, "preferences:\n  - path: '%s'\n    train-ai: cr\n",
                 strchr(good[i], '\'') ? "/plain/" : good[i]);
        const char *e = load_err(yaml);
        if (e)
            fail_msg("'%s': declare accepts it, the policy loader says %s", good[i], e);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_not_equal(ccsig_declare_check_path(bad[i], strlen(bad[i]), "the path", &de),
                             CCSIG_OK);
        /* single-quoted: the column is the value's + 1 + the byte's offset */
        snprintf(yaml, sizeof yaml, "preferences:\n  - path: '%s'\n    train-ai: cr\n", bad[i]);
        char want[400];
        snprintf(want, sizeof want, "p.yaml:2:%zu: error: %s", 11 + 1 + de.offset, de.message);
        const char *e = load_err(yaml);
        if (!e || strcmp(e, want))
            fail_msg("'%s': got '%s', want '%s'", bad[i], e ? e : "(accepted)", want);
    }
    /* The quoted path with a quote inside is accepted unquoted */
    assert_null(load_err("preferences:\n  - path: /a(b)/c;d=1:x@y!'+,&~_-.z\n    train-ai: cr\n"));
    /* plain scalar: the column points at the '%' */
    assert_string_equal(load_err("preferences:\n  - path: /a%20b\n    train-ai: cr\n"),
                        "p.yaml:2:13: error: the path: '%' at column 3: percent-encoded paths "
                        "are not supported (servers compare them decoded, robots.txt encoded)");
    /* URLs and names by the same checks */
    const char *e = load_err("preferences:\n  - train-ai: cr\nparty:\n  url: https://a b/\n");
    assert_non_null(e);
    assert_non_null(strstr(e, "the declaring party's URL"));
    assert_null(load_err("preferences:\n  - train-ai: cr\nparty:\n  url: https://example.org/x\n"));
}

static const char *full_policy =
    "collection:\n  name: Example Library\n  url: https://library.example/\n"
    "party:\n  name: Example Foundation\n  url: https://foundation.example/\n"
    "  copyright: holder\n"
    "preferences:\n"
    "  - path: /\n    train-ai: cr-ec\n    search: allow\n"
    "  - path: /open/\n    train-ai: allow\n"
    "  - path: /restricted/\n    automated-processing: deny\n"
    "access:\n  bulk: {rate: 5/min, burst: 3, quota: 100}\n  registration: closed\n";

static void test_policy_and_generators(void **state) {
    (void)state;
    policy p;
    char err[1024];
    assert_int_equal(
        policy_load_buffer(&p, "p.yaml", full_policy, strlen(full_policy), err, sizeof err), 0);
    assert_int_equal(p.nrules, 3);
    assert_string_equal(p.public_url, "https://library.example");
    assert_true(p.tiers[TIER_BULK].rate > 0.083 && p.tiers[TIER_BULK].rate < 0.084);
    assert_int_equal(p.tiers[TIER_BULK].quota, 100);
    assert_false(p.registration_open);
    const policy_rule *r = policy_match(&p, "/restricted/a.txt", 17);
    /* automated-processing has no current label: the three current ones */
    assert_string_equal(r->expression, "train-ai=n, ai-use=n, search=n");
    r = policy_match(&p, "/open/x", 7);
    assert_string_equal(r->expression, "train-ai=y");
    r = policy_match(&p, "/letters/x", 10);
    assert_string_equal(r->expression, "train-ai=n;exceptions=cc-cr-ec, search=y");
    assert_string_equal(r->cat_expr[CCSIG_CAT_TRAIN_AI], "train-ai=n;exceptions=cc-cr-ec");
    assert_string_equal(r->cat_expr[CCSIG_CAT_SEARCH], "search=y");
    assert_null(r->cat_expr[CCSIG_CAT_AI_USE]);
    assert_int_equal(r->reserve, -1); /* train-ai has no TDMRep equivalent */
    assert_int_equal(r->verdict.cat[CCSIG_CAT_TRAIN_GENAI].state, CCSIG_STATE_DENY);

    ccsig_buf b = CCSIG_BUF_INIT;
    gen_robots_txt(&p, &b);
    assert_non_null(strstr(b.data, "User-Agent: *\n"
                                   "Content-Usage: train-ai=n;exceptions=cc-cr-ec\n"
                                   "Content-Usage: search=y\n"
                                   "Content-Usage: /open/ train-ai=y\n"
                                   "Content-Usage: /restricted/ train-ai=n, ai-use=n, "
                                   "search=n\n"));
    ccsig_buf_clear(&b);
    gen_tdmrep_json(&p, &b);
    assert_string_equal(b.data,
                        "[\n  {\"location\": \"/restricted/\", \"tdm-reservation\": 1}\n]\n");
    ccsig_buf_clear(&b);
    gen_declaration_html(&p, &b);
    assert_non_null(strstr(b.data, "CC signal Credit + Ecosystem Contribution"));
    /* declare's own declaration of each category, in full. */
    assert_non_null(strstr(b.data, "<details class=\"declaration\"><summary>The full "
                                   "declaration for AI training</summary>"));
    assert_non_null(strstr(b.data, "holds the rights"));
    assert_null(strstr(b.data, "Registered bulk reusers")); /* registration closed */
    ccsig_buf_free(&b);
    policy_free(&p);

    assert_int_equal(policy_from_short(&p, CCSIG_CAT_TRAIN_AI, "cr", "Lib", "https://lib.example/",
                                       err, sizeof err),
                     0);
    assert_int_equal(policy_finish(&p, err, sizeof err), 0);
    assert_string_equal(p.rules[0].expression, "train-ai=n;exceptions=cc-cr");
    policy_free(&p);
    assert_int_equal(
        policy_from_short(&p, CCSIG_CAT_TRAIN_AI, "cc-by", NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown signal 'cc-by'"));
}

static void test_extract(void **state) {
    (void)state;
    char title[256];
    char *body = NULL;
    const char *html = "<html><head><title>A &amp; B</title><style>x{}</style></head><body>"
                       "<h1>Head</h1><script>var x='secret';</script><p>caf&eacute; "
                       "&#233;t&#xE9; <b>bold</b></p><!-- hidden --></body></html>";
    assert_int_equal(ccsig_text_extract("a.html", html, strlen(html), title, sizeof title, &body),
                     0);
    assert_string_equal(title, "A & B");
    assert_null(strstr(body, "secret"));
    assert_null(strstr(body, "hidden"));
    assert_non_null(strstr(body, "\xc3\xa9t\xc3\xa9 bold"));
    ccsig_free(body);
    /* references by the library's one decoder: named ones past the few the
     * gateway knew, a no-break space as a space, malformed ones as written */
    const char *refs = "<title>Caf&eacute;s &amp; Tom&#39;s</title><p>&Eacute;t&eacute;&nbsp;"
                       "&mdash; &bogus; &#; R&D</p>";
    assert_int_equal(ccsig_text_extract("r.html", refs, strlen(refs), title, sizeof title, &body),
                     0);
    assert_string_equal(title, "Caf\xc3\xa9s & Tom's");
    assert_string_equal(body, "\xc3\x89t\xc3\xa9 \xe2\x80\x94 &bogus; &#; R&D");
    ccsig_free(body);
    assert_true(ccsig_text_is_doc("a/B.MD"));
    assert_false(ccsig_text_is_doc("a.md/x"));
    assert_false(ccsig_text_is_doc(".md"));
    const char *md = "\n\n# Field notes #\n\nOtters.";
    assert_int_equal(ccsig_text_extract("n.md", md, strlen(md), title, sizeof title, &body), 0);
    assert_string_equal(title, "Field notes");
    assert_string_equal(body, "Field notes # Otters."); /* heading marks gone, closing '#' kept */
    ccsig_free(body);
    assert_int_equal(ccsig_text_extract("dir/empty.txt", "", 0, title, sizeof title, &body), 0);
    assert_string_equal(title, "empty.txt");
    ccsig_free(body);
}

/* Pay-per-crawl prices (paycrawl.h): "CUR amount", integers of millionths. */
static void test_prices(void **state) {
    (void)state;
    static const struct {
        const char *in;
        const char *cur;
        int64_t micros;
        const char *out;
    } ok[] = {
        {"USD 0.01", "USD", 10000, "USD 0.01"},
        {" EUR 1 ", "EUR", 1000000, "EUR 1.00"},
        {"USD 0.025", "USD", 25000, "USD 0.025"},
        {"JPY 0.000001", "JPY", 1, "JPY 0.000001"},
        {"USD 1000000", "USD", 1000000000000, "USD 1000000.00"},
        {"USD 12.5", "USD", 12500000, "USD 12.50"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        price p;
        char text[PRICE_TEXT_MAX];
        assert_true(price_parse(ok[i].in, strlen(ok[i].in), &p));
        assert_string_equal(p.currency, ok[i].cur);
        assert_int_equal(p.micros, ok[i].micros);
        price_format(&p, text);
        assert_string_equal(text, ok[i].out);
    }
    static const char *const bad[] = {
        "",        "USD",    "USD ",          "usd 0.01",       "USD 0",    "USD 0.000",
        "USD .5",  "USD 1.", "USD 0.0000001", "USD 1000000.01", "0.01 USD", "USD  1",
        "USD 1,5", "USD -1", "US 1",          "USDX 1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        price p;
        assert_false(price_parse(bad[i], strlen(bad[i]), &p));
    }
    char amount[PRICE_TEXT_MAX];
    price_amount(INT64_MAX, amount);
    assert_string_equal(amount, "9223372036854.775807");
}

static void test_journal_lines(void **state) {
    (void)state;
    ledger_rec r, back;
    memset(&r, 0, sizeof r);
    r.reuser_id = 42;
    strcpy(r.key_id, "0123456789ab");
    r.ts_ms = 1795229247116;
    strcpy(r.method, "GET");
    strcpy(r.path, "/a\tb\n\\c\x01/\xc3\xa9");
    r.status = 206;
    r.bytes = 1234567;
    strcpy(r.tier, "bulk");
    strcpy(r.request_id, "req-1");
    strcpy(r.instance, "host:99");
    char line[JOURNAL_LINE_MAX];
    size_t n = journal_format_line(&r, line);
    assert_true(n > 0 && line[n - 1] == '\n');
    assert_null(memchr(line, '\n', n - 1)); /* one line, whatever the path holds */
    assert_int_equal(journal_parse_line(line, n - 1, &back), 0);
    assert_int_equal(back.reuser_id, 42);
    assert_string_equal(back.path, r.path);
    assert_int_equal(back.status, 206);
    assert_int_equal(back.bytes, 1234567);
    assert_string_equal(back.instance, "host:99");
    /* A torn line, a wrong tag, a bad escape, a NUL: refused. */
    assert_int_equal(journal_parse_line(line, n / 2, &back), -1);
    assert_int_equal(journal_parse_line("L2\t1", 5, &back), -1);
    const char *bad = "L1\t1\tk\t1\tGET\t/a\\x0\t200\t1\tbulk\t\ti";
    assert_int_equal(journal_parse_line(bad, strlen(bad), &back), -1);
    const char *nul = "L1\t1\tk\t1\tGET\t/a\\x00\t200\t1\tbulk\t\ti";
    assert_int_equal(journal_parse_line(nul, strlen(nul), &back), -1);
    const char *ok = "L1\t1\tk\t1\tGET\t/a\t200\t1\tbulk\t\ti";
    assert_int_equal(journal_parse_line(ok, strlen(ok), &back), 0);
    assert_string_equal(back.agent, "");
    assert_int_equal(back.charge_micros, 0);
    /* L2: a signature agent nobody registered (reuser 0), charged. */
    r.reuser_id = 0;
    r.key_id[0] = '\0';
    strcpy(r.agent, "https://crawler.example/\x7f");
    strcpy(r.currency, "USD");
    r.charge_micros = 10000;
    n = journal_format_line(&r, line);
    assert_memory_equal(line, "L2\t0\t\t", 6);
    assert_int_equal(journal_parse_line(line, n - 1, &back), 0);
    assert_int_equal(back.reuser_id, 0);
    assert_string_equal(back.agent, r.agent);
    assert_string_equal(back.currency, "USD");
    assert_int_equal(back.charge_micros, 10000);
    assert_string_equal(back.path, r.path);
    /* L1 keeps requiring a reuser; L2 its three more fields. */
    const char *l1zero = "L1\t0\tk\t1\tGET\t/a\t200\t1\tbulk\t\ti";
    assert_int_equal(journal_parse_line(l1zero, strlen(l1zero), &back), -1);
    const char *l2short = "L2\t0\tk\t1\tGET\t/a\t200\t1\tbulk\t\ti\ta\tUSD";
    assert_int_equal(journal_parse_line(l2short, strlen(l2short), &back), -1);
    const char *l2neg = "L2\t0\tk\t1\tGET\t/a\t200\t1\tbulk\t\ti\ta\tUSD\t-1";
    assert_int_equal(journal_parse_line(l2neg, strlen(l2neg), &back), -1);
}

/* Appenders against the importer: with segments switched every few KiB,
 * every record appended reaches the database exactly once (an append that
 * lands between the import of a segment and its emptying must not be
 * cut). */
#define J_THREADS 4
typedef struct j_arg {
    journal *j;
    int t, n;
} j_arg;

static void *j_appender(void *arg) {
    j_arg *a = arg;
    int64_t until = now_mono_us() + 1500000;
    ledger_rec r;
    memset(&r, 0, sizeof r);
    r.reuser_id = 1;
    strcpy(r.key_id, "0123456789ab");
    strcpy(r.method, "GET");
    strcpy(r.path, "/docs/a.txt");
    r.status = 200;
    strcpy(r.tier, "bulk");
    strcpy(r.instance, "test");
    while (now_mono_us() < until) {
        r.ts_ms = now_wall_us() / 1000;
        snprintf(r.request_id, sizeof r.request_id, "t%d-%d", a->t, a->n);
        if (journal_append(a->j, &r) != 0)
            break;
        a->n++;
        if (a->n % 8 == 0)
            usleep(50);
    }
    return NULL;
}

static int j_count(void *arg, const ledger_rec *r) {
    int **seen = arg;
    int t, n;
    if (sscanf(r->request_id, "t%d-%d", &t, &n) == 2 && t >= 0 && t < J_THREADS && n >= 0 &&
        n < 1000000)
        seen[t][n]++;
    return 0;
}

static void test_journal_rotation(void **state) {
    (void)state;
    char dir[] = "/tmp/ccsig-journal-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char db[256], jp[256], err[512];
    snprintf(db, sizeof db, "sqlite:%s/l.db", dir);
    journal_path_for(db, jp, sizeof jp);
    store *st;
    assert_int_equal(store_open(db, 2, STORE_LEDGER_SYNC_PROCESS, &st, err, sizeof err), 0);
    journal *j;
    assert_int_equal(journal_open(st, jp, 4096, &j, err, sizeof err), 0);
    pthread_t th[J_THREADS];
    j_arg a[J_THREADS];
    for (int t = 0; t < J_THREADS; t++) {
        a[t] = (j_arg){j, t, 0};
        assert_int_equal(pthread_create(&th[t], NULL, j_appender, &a[t]), 0);
    }
    for (int t = 0; t < J_THREADS; t++)
        pthread_join(th[t], NULL);
    journal_close(j);
    int *seen[J_THREADS];
    for (int t = 0; t < J_THREADS; t++)
        assert_non_null(seen[t] = calloc(1000000, sizeof(int)));
    assert_int_equal(store_ledger_export(st, j_count, seen), 0);
    long total = 0;
    for (int t = 0; t < J_THREADS; t++) {
        assert_true(a[t].n > 100 && a[t].n < 1000000);
        for (int n = 0; n < a[t].n; n++) {
            if (seen[t][n] != 1)
                fail_msg("record t%d-%d is in the ledger %d times", t, n, seen[t][n]);
        }
        total += a[t].n;
        free(seen[t]);
    }
    print_message("%ld records, every one imported once\n", total);
    store_close(st);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* kill -9 in the middle of appends and segment switches: every record
 * whose append had returned (whose response could have left) is in the
 * ledger once the journal is imported again. The child acknowledges each
 * append through a pipe, as a response would reach a client. */
typedef struct k_arg {
    journal *j;
    int t, ack;
} k_arg;

static void *k_appender(void *arg) {
    k_arg *a = arg;
    ledger_rec r;
    memset(&r, 0, sizeof r);
    r.reuser_id = 1;
    strcpy(r.key_id, "0123456789ab");
    strcpy(r.method, "GET");
    strcpy(r.path, "/docs/a.txt");
    r.status = 200;
    strcpy(r.tier, "bulk");
    strcpy(r.instance, "child");
    for (int n = 0; n < 1000000; n++) {
        r.ts_ms = now_wall_us() / 1000;
        snprintf(r.request_id, sizeof r.request_id, "t%d-%d", a->t, n);
        if (journal_append(a->j, &r) != 0)
            _exit(3);
        int32_t id[2] = {a->t, n};
        if (write(a->ack, id, sizeof id) != (ssize_t)sizeof id)
            _exit(4);
        if (n % 8 == 0)
            usleep(50);
    }
    return NULL;
}

static void test_journal_kill9(void **state) {
    (void)state;
    char dir[] = "/tmp/ccsig-journal-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char db[256], jp[256], err[512];
    snprintf(db, sizeof db, "sqlite:%s/l.db", dir);
    journal_path_for(db, jp, sizeof jp);
    store *st;
    assert_int_equal(store_open(db, 2, STORE_LEDGER_SYNC_PROCESS, &st, err, sizeof err), 0);
    store_close(st);
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        journal *j;
        if (store_open(db, 2, STORE_LEDGER_SYNC_PROCESS, &st, err, sizeof err) != 0 ||
            journal_open(st, jp, 4096, &j, err, sizeof err) != 0)
            _exit(2);
        pthread_t th[J_THREADS];
        k_arg a[J_THREADS];
        for (int t = 0; t < J_THREADS; t++) {
            a[t] = (k_arg){j, t, p[1]};
            pthread_create(&th[t], NULL, k_appender, &a[t]);
        }
        for (int t = 0; t < J_THREADS; t++)
            pthread_join(th[t], NULL);
        _exit(0);
    }
    close(p[1]);
    int *acked[J_THREADS], *seen[J_THREADS];
    for (int t = 0; t < J_THREADS; t++) {
        assert_non_null(acked[t] = calloc(1000000, sizeof(int)));
        assert_non_null(seen[t] = calloc(1000000, sizeof(int)));
    }
    long nacked = 0;
    int64_t until = now_mono_us() + 1500000;
    int32_t id[2];
    while (now_mono_us() < until && read(p[0], id, sizeof id) == (ssize_t)sizeof id) {
        assert_true(id[0] >= 0 && id[0] < J_THREADS && id[1] >= 0 && id[1] < 1000000);
        acked[id[0]][id[1]] = 1;
        nacked++;
    }
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    while (read(p[0], id, sizeof id) == (ssize_t)sizeof id) {
        acked[id[0]][id[1]] = 1;
        nacked++;
    }
    close(p[0]);
    /* A restart imports what the killed gateway left and cuts a torn line. */
    assert_int_equal(store_open(db, 2, STORE_LEDGER_SYNC_PROCESS, &st, err, sizeof err), 0);
    journal *j;
    assert_int_equal(journal_open(st, jp, 4096, &j, err, sizeof err), 0);
    journal_close(j);
    assert_int_equal(store_ledger_export(st, j_count, seen), 0);
    for (int t = 0; t < J_THREADS; t++) {
        for (int n = 0; n < 1000000; n++) {
            if (acked[t][n] && seen[t][n] != 1)
                fail_msg("acknowledged record t%d-%d is in the ledger %d times", t, n, seen[t][n]);
            if (seen[t][n] > 1)
                fail_msg("record t%d-%d is in the ledger %d times", t, n, seen[t][n]);
        }
        free(acked[t]);
        free(seen[t]);
    }
    assert_true(nacked > 1000);
    print_message("%ld acknowledged records before kill -9, every one in the ledger\n", nacked);
    store_close(st);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Listings and the bulk list hold exactly what a GET serves. */
static void test_served(void **state) {
    (void)state;
    char dir[] = "/tmp/ccsig-served-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[4096];
    const char *files[] = {"a.txt", "sub/b.txt", "back\\slash.txt", "bad\xff.txt", ".dot.txt"};
    snprintf(p, sizeof p, "%s/sub", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        FILE *f = fopen(p, "w");
        assert_non_null(f);
        fputs("x", f);
        fclose(f);
    }
    snprintf(p, sizeof p, "%s/fifo.txt", dir);
    assert_int_equal(mkfifo(p, 0644), 0);
    snprintf(p, sizeof p, "%s/out.txt", dir);
    assert_int_equal(symlink("/etc/hostname", p), 0);
    snprintf(p, sizeof p, "%s/in.txt", dir);
    assert_int_equal(symlink("a.txt", p), 0);
    snprintf(p, sizeof p, "%s/loop", dir);
    assert_int_equal(symlink(".", p), 0);
    coll *c;
    char err[256];
    assert_int_equal(coll_open(dir, &c, err, sizeof err), 0);
    struct stat st;
    assert_true(coll_served(c, "a.txt", &st));
    assert_true(coll_served(c, "in.txt", &st));
    assert_true(coll_served(c, "sub", &st) && S_ISDIR(st.st_mode));
    assert_false(coll_served(c, "fifo.txt", &st));
    assert_false(coll_served(c, "out.txt", &st));
    assert_false(coll_served(c, "back\\slash.txt", &st));
    assert_false(coll_served(c, "bad\xff.txt", &st));
    assert_false(coll_served(c, ".dot.txt", &st));
    coll_list l;
    assert_int_equal(coll_list_files(c, &l), 0);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0].rel, "a.txt");
    assert_string_equal(l.v[1].rel, "in.txt");
    assert_string_equal(l.v[2].rel, "sub/b.txt");
    coll_list_free(&l);
    ccsig_buf b = CCSIG_BUF_INIT;
    assert_int_equal(coll_listing_html(c, "", "/", &b), 0);
    const char *want = "<h1>Index of /</h1>\n<ul class=\"listing\">\n"
                       "<li><a href=\"a.txt\">a.txt</a></li>\n"
                       "<li><a href=\"in.txt\">in.txt</a></li>\n"
                       "<li><a href=\"loop/\">loop/</a></li>\n"
                       "<li><a href=\"sub/\">sub/</a></li>\n</ul>\n";
    assert_string_equal(ccsig_buf_cstr(&b), want);
    ccsig_buf_free(&b);
    coll_close(c);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_tar(void **state) {
    (void)state;
    char dir[] = "/tmp/ccsig-tar-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[4096];
    snprintf(path, sizeof path, "%s/a.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("hello", f);
    fclose(f);
    char longdir[2048];
    snprintf(longdir, sizeof longdir, "%s/z%0150d", dir, 0);
    mkdir(longdir, 0755);
    snprintf(path, sizeof path, "%s/%0120d.txt", longdir, 1);
    f = fopen(path, "w");
    fputs("long name", f);
    fclose(f);
    coll *c;
    char err[256];
    assert_int_equal(coll_open(dir, &c, err, sizeof err), 0);
    coll_list l;
    assert_int_equal(coll_list_files(c, &l), 0);
    assert_int_equal(l.n, 2);
    tar_stream *t = tar_new(c, &l, NULL, NULL, 0);
    uint64_t size = tar_size(t);
    assert_int_equal(size % 512, 0);
    char *buf = malloc(size);
    /* Read in odd chunks: the stream is the same however it is cut. */
    uint64_t pos = 0;
    while (pos < size) {
        size_t n = tar_read(t, pos, buf + pos, 333);
        assert_true(n > 0);
        pos += n;
    }
    assert_int_equal(tar_read(t, size, buf, 10), 0);
    assert_memory_equal(buf + 512, "hello", 5);
    assert_memory_equal(buf + 257, "ustar", 5);
    /* The long path needs a pax header. */
    assert_int_equal(buf[1024 + 156], 'x');
    tar_free(t);
    free(buf);
    coll_close(c);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The access log: the combined format, escapes, and lines appended. */
static void test_access_log(void **state) {
    (void)state;
    char path[] = "/tmp/ccsig-alog-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[200];
    accesslog *l = accesslog_open(path, err, sizeof err);
    assert_non_null(l);
    ccsig_buf line = CCSIG_BUF_INIT;
    /* 2026-12-05T05:45:07Z */
    accesslog_begin(&line, "203.0.113.7", 1796449507, "GET", "/a b\"c.txt", "q=1%20x", "HTTP/1.1");
    accesslog_end(l, &line, 200, 1234, "https://r.example/\"x\"", "UA \xc3\xa9\\1");
    accesslog_begin(&line, "::1", 1796449508, "HEAD", "/", NULL, "HTTP/1.0");
    accesslog_end(l, &line, 304, 0, NULL, "");
    assert_int_equal(accesslog_close(l), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_string_equal(buf,
                        "203.0.113.7 - - [05/Dec/2026:05:45:07 +0000] \"GET /a b\\x22c.txt?q=1%20x "
                        "HTTP/1.1\" 200 1234 \"https://r.example/\\x22x\\x22\" \"UA "
                        "\\xC3\\xA9\\x5C1\"\n"
                        "::1 - - [05/Dec/2026:05:45:08 +0000] \"HEAD / HTTP/1.0\" 304 0 \"-\" "
                        "\"-\"\n");
    ccsig_buf_free(&line);
    /* a file that cannot be opened: an error naming it */
    assert_null(accesslog_open("/nonexistent-dir/x.log", err, sizeof err));
    assert_non_null(strstr(err, "cannot open the access log /nonexistent-dir/x.log"));
    unlink(path);
}

int main(void) {
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_safe_path),
        cmocka_unit_test(test_route),
        cmocka_unit_test(test_form),
        cmocka_unit_test(test_cookie),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_etag_dates),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_fts_query),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_gcra),
        cmocka_unit_test(test_keycache),
        cmocka_unit_test(test_policy_declare_checks),
        cmocka_unit_test(test_policy_errors),
        cmocka_unit_test(test_policy_and_generators),
        cmocka_unit_test(test_extract),
        cmocka_unit_test(test_served),
        cmocka_unit_test(test_tar),
        cmocka_unit_test(test_prices),
        cmocka_unit_test(test_journal_lines),
        cmocka_unit_test(test_journal_rotation),
        cmocka_unit_test(test_journal_kill9),
        cmocka_unit_test(test_access_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
