/*
 * test_attribution.c — credit records (ccsig/attribution.h): the
 * attribution facts each reader finds, records made by ccsig_evaluate's
 * path, Creative Commons licence names and deeds, the JSON round trip, the
 * answer check and the extractive ranking.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ccsig/attribution.h"

static ccsig_arena A;

static int setup(void **state) {
    (void)state;
    ccsig_arena_init(&A, 0);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    ccsig_arena_free(&A);
    return 0;
}

static void cc(const char *in, const char *name, const char *deed) {
    char n[64], d[128];
    bool ok = ccsig_cc_license(in, n, sizeof n, d, sizeof d);
    if (!name) {
        assert_false(ok);
        return;
    }
    assert_true(ok);
    assert_string_equal(n, name);
    assert_string_equal(d, deed);
}

static void test_cc_licenses(void **state) {
    (void)state;
    cc("https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0",
       "https://creativecommons.org/licenses/by/4.0/");
    cc("http://creativecommons.org/licenses/by-nc-sa/3.0/legalcode", "CC BY-NC-SA 3.0",
       "https://creativecommons.org/licenses/by-nc-sa/3.0/");
    cc("https://creativecommons.org/licenses/by-sa/4.0/deed.de", "CC BY-SA 4.0",
       "https://creativecommons.org/licenses/by-sa/4.0/");
    cc("https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0",
       "https://creativecommons.org/publicdomain/zero/1.0/");
    cc("https://creativecommons.org/publicdomain/mark/1.0/", "Public Domain Mark 1.0",
       "https://creativecommons.org/publicdomain/mark/1.0/");
    cc("CC-BY-4.0", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/");
    cc("cc-by-nc-nd-2.5", "CC BY-NC-ND 2.5", "https://creativecommons.org/licenses/by-nc-nd/2.5/");
    cc("CC0-1.0", "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/");
    /* not CC licences, or not real ones */
    cc("apache-2.0", NULL, NULL);
    cc("https://creativecommons.org/licenses/by-xx/4.0/", NULL, NULL);
    cc("https://creativecommons.org/licenses/by/9.9/", NULL, NULL);
    cc("cc-by-4", NULL, NULL);
    cc("", NULL, NULL);
}

/* Evaluate an HTML page at url and make its record. */
static void html_record(const char *html, const char *url, ccsig_credit_record *r) {
    ccsig_eval_input in;
    memset(&in, 0, sizeof in);
    in.url = ccsig_str_c(url);
    in.response = true;
    in.has_type = true;
    in.content_type = CCSIG_STR_LIT("text/html");
    in.body = html;
    in.body_len = strlen(html);
    in.status = 200;
    ccsig_profile prof = {CCSIG_CAT_AI_USE, CCSIG_COND_CREDIT, CCSIG_PURPOSE_NONE,
                          CCSIG_READING_DEFAULT};
    in.profile = &prof;
    static ccsig_http_field f;
    f.name = CCSIG_STR_LIT("Content-Usage");
    f.value = CCSIG_STR_LIT("ai-use=n;exceptions=cc-cr");
    in.fields = &f;
    in.nfields = 1;
    ccsig_eval_result ev;
    assert_int_equal(ccsig_evaluate(&in, &A, &ev), CCSIG_OK);
    assert_int_equal(ccsig_credit_record_from_eval(&ev, url, "2026-12-01T00:00:00Z", NULL, &A, r),
                     CCSIG_OK);
}

static void test_html_record(void **state) {
    (void)state;
    ccsig_credit_record r;
    html_record("<html><head><title>Page &amp; Site | Museum</title>\n"
                "<meta property=\"og:title\" content=\"Page &amp; Site\">\n"
                "<meta name=\"Author\" content=\" Ada Okafor \">\n"
                "<meta name=\"dcterms.rights\" content=\"(c) 2025 Museum\">\n"
                "<meta property=\"og:site_name\" content=\"Museum\">\n"
                "<link rel=\"canonical\" href=\"https://m.example/p\">\n"
                "<link rel=\"license\" href=\"https://creativecommons.org/licenses/by/4.0/\">\n"
                "</head><body><title>not read</title></body></html>",
                "https://m.example/p?utm=1", &r);
    assert_string_equal(r.title, "Page & Site"); /* og:title outranks <title> */
    assert_string_equal(r.author, "Ada Okafor");
    assert_string_equal(r.rights, "(c) 2025 Museum");
    assert_string_equal(r.source, "Museum");
    assert_string_equal(r.link, "https://m.example/p"); /* the canonical address */
    assert_string_equal(r.license_name, "CC BY 4.0");
    assert_string_equal(r.license_deed, "https://creativecommons.org/licenses/by/4.0/");
    assert_string_equal(r.party, "https://m.example");
    assert_int_equal(r.result, CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS);
    assert_int_equal(r.signals, 1u << CCSIG_SIGNAL_CR);
    assert_int_equal(r.obligations, CCSIG_COND_CREDIT);
    assert_true(r.has_preference);
    assert_int_equal(r.preference.kind, CCSIG_SRC_HEADER);
    assert_string_equal(r.read_at, "2026-12-01T00:00:00Z");
    assert_string_equal(r.from[CCSIG_FACT_TITLE], "html https://m.example/p?utm=1 line 2");
    assert_true(ccsig_credit_record_asks_credit(&r));

    /* only a <title>: it answers; no canonical: the address read */
    html_record("<title> Only\n Title </title>", "https://m.example/q", &r);
    assert_string_equal(r.title, "Only\n Title");
    assert_string_equal(r.link, "https://m.example/q");
    assert_null(r.author);
    assert_null(r.license);
}

static void test_xmp_facts(void **state) {
    (void)state;
    const char *pk =
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
        "<rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:cc=\"http://creativecommons.org/ns#\" "
        "xmlns:ccsig=\"https://ccsig.org/ns/ccsignals/1.0/\" "
        "ccsig:declaringParty=\"Museum\" ccsig:declaringPartyURL=\"https://m.example/\">"
        "<dc:title><rdf:Alt><rdf:li xml:lang=\"de\">Titel</rdf:li>"
        "<rdf:li xml:lang=\"x-default\">Title</rdf:li></rdf:Alt></dc:title>"
        "<dc:creator><rdf:Seq><rdf:li>First Author</rdf:li><rdf:li>Second</rdf:li></rdf:Seq>"
        "</dc:creator>"
        "<cc:license rdf:resource=\"https://creativecommons.org/licenses/by-sa/4.0/\"/>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>";
    ccsig_collect c;
    assert_int_equal(ccsig_collect_init(&c, &A, NULL), CCSIG_OK);
    ccsig_error err;
    assert_int_equal(ccsig_xmp_read_packet(&c, pk, strlen(pk), CCSIG_STR_LIT("p.xmp"), &err),
                     CCSIG_OK);
    const ccsig_fact *t = ccsig_collect_fact_best(&c, CCSIG_FACT_TITLE);
    assert_non_null(t);
    assert_true(ccsig_str_eq(t->value, "Title"));
    assert_true(
        ccsig_str_eq(ccsig_collect_fact_best(&c, CCSIG_FACT_CREATOR)->value, "First Author"));
    assert_true(ccsig_str_eq(ccsig_collect_fact_best(&c, CCSIG_FACT_PUBLISHER)->value, "Museum"));
    assert_true(ccsig_str_eq(ccsig_collect_fact_best(&c, CCSIG_FACT_PUBLISHER_URL)->value,
                             "https://m.example/"));
    assert_int_equal(c.nlinks, 1);
    assert_int_equal(c.links[0].kind, CCSIG_LINK_LICENSE);
    assert_true(ccsig_str_eq(c.links[0].url, "https://creativecommons.org/licenses/by-sa/4.0/"));
}

static void test_dataset_facts(void **state) {
    (void)state;
    const char *cr = "{\"@type\": \"Dataset\", \"name\": \"Counts\",\n"
                     " \"creator\": [{\"name\": \"Ada\"}, {\"name\": \"Bo\"}],\n"
                     " \"publisher\": {\"name\": \"Museum\", \"url\": \"https://m.example/\"},\n"
                     " \"url\": \"https://m.example/counts\", \"license\": \"CC-BY-4.0\"}";
    ccsig_collect c;
    assert_int_equal(ccsig_collect_init(&c, &A, NULL), CCSIG_OK);
    ccsig_error err;
    assert_int_equal(ccsig_dataset_read(&c, CCSIG_DATASET_CROISSANT, cr, strlen(cr),
                                        CCSIG_STR_LIT("croissant.json"), &err),
                     CCSIG_OK);
    assert_true(ccsig_str_eq(ccsig_collect_fact_best(&c, CCSIG_FACT_TITLE)->value, "Counts"));
    assert_true(ccsig_str_eq(ccsig_collect_fact_best(&c, CCSIG_FACT_CREATOR)->value, "Ada"));
    assert_int_equal(ccsig_collect_fact_best(&c, CCSIG_FACT_CREATOR)->src.line, 2);
    assert_true(ccsig_str_eq(ccsig_collect_fact_best(&c, CCSIG_FACT_PUBLISHER)->value, "Museum"));
    assert_true(ccsig_str_eq(ccsig_collect_fact_best(&c, CCSIG_FACT_SOURCE)->value,
                             "https://m.example/counts"));
    const char *dp = "{\"title\": \"Counts\", \"name\": \"counts\", \"contributors\": ["
                     "{\"role\": \"author\", \"title\": \"Ada\"},"
                     "{\"role\": \"publisher\", \"title\": \"Museum\", \"path\": \"https://m/\"}]}";
    assert_int_equal(ccsig_collect_init(&c, &A, NULL), CCSIG_OK);
    assert_int_equal(ccsig_dataset_read(&c, CCSIG_DATASET_DATAPACKAGE, dp, strlen(dp),
                                        CCSIG_STR_LIT("datapackage.json"), &err),
                     CCSIG_OK);
    assert_true(ccsig_str_eq(ccsig_collect_fact_best(&c, CCSIG_FACT_TITLE)->value, "Counts"));
    assert_true(ccsig_str_eq(ccsig_collect_fact_best(&c, CCSIG_FACT_CREATOR)->value, "Ada"));
    assert_true(
        ccsig_str_eq(ccsig_collect_fact_best(&c, CCSIG_FACT_PUBLISHER_URL)->value, "https://m/"));
}

static void test_json_round_trip(void **state) {
    (void)state;
    ccsig_credit_record r;
    html_record("<title>T \"q\"</title><meta name=author content=A>"
                "<link rel=license href=cc-by-sa-4.0>",
                "https://m.example/x", &r);
    assert_string_equal(r.license, "cc-by-sa-4.0");
    assert_string_equal(r.license_name, "CC BY-SA 4.0");
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_credit_record_write_json(&b, &r);
    ccsig_credit_record *v;
    size_t n;
    ccsig_error err;
    assert_int_equal(ccsig_credit_records_read(&A, b.data, b.len, &v, &n, &err), CCSIG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].title, "T \"q\"");
    assert_string_equal(v[0].author, "A");
    assert_string_equal(v[0].link, "https://m.example/x");
    assert_string_equal(v[0].license_deed, "https://creativecommons.org/licenses/by-sa/4.0/");
    assert_int_equal(v[0].use, CCSIG_CAT_AI_USE);
    assert_int_equal(v[0].result, CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS);
    assert_int_equal(v[0].signals, r.signals);
    assert_int_equal(v[0].obligations, r.obligations);
    assert_true(v[0].has_preference);
    assert_true(ccsig_str_eq(v[0].preference.text, "ai-use=n;exceptions=cc-cr"));
    assert_string_equal(v[0].from[CCSIG_FACT_CREATOR], r.from[CCSIG_FACT_CREATOR]);
    /* the same text written again from what was read */
    ccsig_buf b2 = CCSIG_BUF_INIT;
    ccsig_credit_record_write_json(&b2, &v[0]);
    assert_string_equal(ccsig_buf_cstr(&b), ccsig_buf_cstr(&b2));
    ccsig_buf_free(&b);
    ccsig_buf_free(&b2);
    /* errors */
    assert_int_equal(ccsig_credit_records_read(&A, "[1]", 3, &v, &n, &err), CCSIG_ERR_UNSUPPORTED);
    assert_int_equal(ccsig_credit_records_read(&A, "{\"a\":", 5, &v, &n, &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(err.line, 1);
}

/* A gateway answer whose hits carry a credit record in their credit
 * object (ccsig serve's full credit) is read as those records; a hit of the
 * older shape (text, collection, url, signal) still reads. */
static void test_gateway_hits(void **state) {
    (void)state;
    static const char doc[] =
        "{\"query\":\"otter\",\"use\":\"ai-use\",\"hits\":["
        "{\"url\":\"https://g.example/a.html\",\"title\":\"Index title\",\"snippet\":\"s\","
        "\"credit\":{\"text\":\"t\",\"collection\":\"Lib\",\"url\":\"https://g.example/\","
        "\"signal\":\"cc-cr\",\"type\":\"ccsig-credit-record\",\"version\":1,"
        "\"title\":\"River otters\",\"link\":\"https://g.example/a.html\",\"source\":\"Lib\","
        "\"source_link\":\"https://g.example/\",\"author\":\"Ada\",\"rights\":null,"
        "\"license\":{\"id\":\"CC-BY-4.0\",\"name\":\"CC BY 4.0\","
        "\"deed\":\"https://creativecommons.org/licenses/by/4.0/\"},\"party\":\"https://"
        "g.example\","
        "\"use\":\"ai-use\",\"result\":\"permitted-with-obligations\",\"signals\":[\"cc-cr\"],"
        "\"obligations\":[\"credit\"],\"missing\":[],\"preference\":null,"
        "\"read_at\":\"2026-12-05T05:00:00Z\",\"from\":{}}},"
        "{\"url\":\"https://g.example/b.txt\",\"title\":\"B\",\"snippet\":\"s\","
        "\"credit\":{\"text\":\"t\",\"collection\":\"Lib\",\"url\":\"https://g.example/\","
        "\"signal\":null}}],\"withheld\":0}";
    ccsig_credit_record *v;
    size_t n;
    ccsig_error err;
    assert_int_equal(ccsig_credit_records_read(&A, doc, sizeof doc - 1, &v, &n, &err), CCSIG_OK);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].title, "River otters");
    assert_string_equal(v[0].author, "Ada");
    assert_string_equal(v[0].link, "https://g.example/a.html");
    assert_string_equal(v[0].source, "Lib");
    assert_string_equal(v[0].license_name, "CC BY 4.0");
    assert_string_equal(v[0].read_at, "2026-12-05T05:00:00Z");
    assert_int_equal(v[0].use, CCSIG_CAT_AI_USE);
    assert_int_equal(v[0].signals, 1u << CCSIG_SIGNAL_CR);
    assert_true(ccsig_credit_record_asks_credit(&v[0]));
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_cite_attribution(&b, CCSIG_CITE_TEXT, &v[0]);
    assert_string_equal(ccsig_buf_cstr(&b),
                        "\"River otters\" (https://g.example/a.html) by Ada, from Lib "
                        "(https://g.example/), licensed under CC BY 4.0 "
                        "(https://creativecommons.org/licenses/by/4.0/).");
    ccsig_buf_free(&b);
    /* the older shape */
    assert_string_equal(v[1].title, "B");
    assert_string_equal(v[1].link, "https://g.example/b.txt");
    assert_string_equal(v[1].source, "Lib");
    assert_null(v[1].author);
    assert_int_equal(v[1].signals, 0);
}

static void test_verify(void **state) {
    (void)state;
    ccsig_credit_record r[2];
    memset(r, 0, sizeof r);
    r[0].title = "Tide Pools";
    r[0].author = "Ada Okafor";
    r[0].link = "https://m.example/tides/";
    r[0].license_name = "CC BY 4.0";
    r[0].license_deed = "https://creativecommons.org/licenses/by/4.0/";
    r[0].signals = 1u << CCSIG_SIGNAL_CR;
    r[1].title = "Open";
    r[1].link = "https://m.example/a?x=1&y=2";
    ccsig_credit_check ck[2];
    const char *full = "Text [1]. [1] Tide Pools by Ada Okafor <https://m.example/tides>, "
                       "<a href=\"https://creativecommons.org/licenses/by/4.0/\">licence</a>";
    assert_int_equal(ccsig_credit_verify(full, strlen(full), r, 2, ck), 0);
    assert_true(ck[0].ok && ck[0].cited && ck[0].asks_credit);
    assert_int_equal(ck[0].missing, 0);
    assert_false(ck[1].asks_credit);
    assert_true(ck[1].ok);
    assert_int_equal(ck[1].missing, CCSIG_CREDIT_MISSING_CITATION);
    /* the trailing slash dropped, but not a longer path */
    const char *longer = "tide pools https://m.example/tides/more by Ada Okafor, CC BY 4.0";
    assert_int_equal(ccsig_credit_verify(longer, strlen(longer), r, 1, ck), 1);
    assert_int_equal(ck[0].missing, CCSIG_CREDIT_MISSING_LINK);
    const char *nolic = "[1] https://m.example/tides by someone";
    assert_int_equal(ccsig_credit_verify(nolic, strlen(nolic), r, 1, ck), 1);
    assert_int_equal(ck[0].missing, CCSIG_CREDIT_MISSING_AUTHOR | CCSIG_CREDIT_MISSING_LICENSE);
    assert_int_equal(ccsig_credit_verify("nothing", 7, r, 1, ck), 1);
    assert_int_equal(ck[0].missing, CCSIG_CREDIT_MISSING_CITATION);
    /* HTML writes & as &amp; */
    const char *html = "<a href=\"https://m.example/a?x=1&amp;y=2\">Open</a>";
    ccsig_credit_verify(html, strlen(html), r, 2, ck);
    assert_int_equal(ck[1].missing, 0);
    /* JSON answers: every string */
    ccsig_str t;
    ccsig_error err;
    const char *js = "{\"choices\":[{\"message\":{\"content\":\"A [1]\",\"annotations\":[{"
                     "\"url_citation\":{\"url\":\"https://m.example/tides/\"}}]}}]}";
    assert_int_equal(ccsig_credit_answer_json_text(&A, js, strlen(js), &t, &err), CCSIG_OK);
    assert_int_equal(t.len, strlen("A [1]\nhttps://m.example/tides/\n"));
    assert_memory_equal(t.p, "A [1]\nhttps://m.example/tides/\n", t.len);
}

static void test_passages(void **state) {
    (void)state;
    ccsig_str texts[3] = {
        CCSIG_STR_LIT("Storms grew after 1900. The keepers logged ships.\n\nTide pools were "
                      "quiet"),
        CCSIG_STR_LIT("Tide pools hold forty species of anemone. Pools are counted yearly! "
                      "Anemones and pools and tides."),
        CCSIG_STR_LIT("What the tide pool holds: nothing."),
    };
    ccsig_passage p[8];
    const char *q = "How many anemone species are in the tide pools?";
    size_t n = ccsig_passages_rank(q, strlen(q), texts, 3, 0, p, 8);
    assert_int_equal(n, 5);
    assert_true(ccsig_str_eq(p[0].text, "Tide pools hold forty species of anemone."));
    assert_int_equal(p[0].score, 4); /* tide, pools, species, anemone */
    assert_int_equal(p[0].source, 1);
    assert_true(ccsig_str_eq(p[1].text, "Anemones and pools and tides."));
    assert_int_equal(p[1].score, 3);
    /* ties: earlier text first */
    assert_true(ccsig_str_eq(p[2].text, "Tide pools were quiet"));
    assert_int_equal(p[2].score, 2);
    assert_true(ccsig_str_eq(p[3].text, "Pools are counted yearly!"));
    assert_int_equal(p[3].score, 1);
    /* the term "pools" does not match the word "pool" */
    assert_true(ccsig_str_eq(p[4].text, "What the tide pool holds: nothing."));
    assert_int_equal(p[4].score, 1);
    /* at most one per source */
    n = ccsig_passages_rank(q, strlen(q), texts, 3, 1, p, 8);
    assert_int_equal(n, 3);
    assert_int_equal(p[0].source, 1);
    assert_int_equal(p[1].source, 0);
    assert_int_equal(p[2].source, 2);
    /* a question of function words only matches nothing */
    assert_int_equal(ccsig_passages_rank("what are the", 12, texts, 3, 0, p, 8), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cc_licenses),     cmocka_unit_test(test_html_record),
        cmocka_unit_test(test_xmp_facts),       cmocka_unit_test(test_dataset_facts),
        cmocka_unit_test(test_json_round_trip), cmocka_unit_test(test_verify),
        cmocka_unit_test(test_passages),        cmocka_unit_test(test_gateway_hits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
