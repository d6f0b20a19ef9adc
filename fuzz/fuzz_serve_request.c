/* libFuzzer target: everything ccsig serve parses from the network itself
 * (libmicrohttpd parses HTTP; these are the gateway's own parsers): paths
 * and routes, percent-decoding, forms, cookies, Range, If-None-Match, dates,
 * Authorization and keys, client classes, Accept, search queries,
 * X-Forwarded-For, request ids, days, the form content type, pay-per-crawl
 * prices; HTML escaping
 * (its output is UTF-8 whatever the input); the ledger journal's lines (read
 * back after a crash); plus the text extraction that reads collection files
 * for search. Checks the invariants they promise. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ccsig/alloc.h"
#include "ccsig/sf.h"
#include "ccsig/text.h"

#include "httputil.h"
#include "journal.h"
#include "paycrawl.h"
#include "search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    char out[HU_MAX_PATH + 1];
    bool dir;
    if (hu_safe_path(p, size, out, sizeof out, &dir) == 0) {
        /* A safe path never climbs out, never names a dot file. */
        if (out[0] == '.' || strstr(out, "/.") || strstr(out, "//") || strchr(out, '\\'))
            abort();
        /* ...and is UTF-8. */
        if (!ccsig_utf8_valid(out, strlen(out)))
            abort();
    }
    /* Escaped HTML is valid UTF-8 whatever went in. */
    ccsig_buf hb = CCSIG_BUF_INIT;
    hu_html_n(&hb, p, size);
    if (!ccsig_buf_failed(&hb) && !ccsig_utf8_valid(hb.data ? hb.data : "", hb.len))
        abort();
    ccsig_buf_free(&hb);
    if (hu_form_ctype(s) && strncasecmp(s, "application/x-www-form-urlencoded", 33) != 0)
        abort();
    route r = hu_route(p, size);
    if ((unsigned)r.id >= R_COUNT || (r.id == R_ST_ACTION && r.action == ACT_NONE))
        abort();

    hu_form f;
    if (hu_form_parse(&f, p, size) == 0) {
        if (f.n > HU_FORM_MAX_FIELDS)
            abort();
        for (size_t i = 0; i < f.n; i++)
            if (strlen(f.name[i]) > size || strlen(f.value[i]) > size)
                abort();
        hu_form_get(&f, "csrf");
        hu_form_free(&f);
    }

    char v[128];
    if (hu_cookie(s, "ccsig_session", v, sizeof v) && strlen(v) >= sizeof v)
        abort();
    uint64_t start = 0, len = 0, rsize = size ? (uint64_t)data[0] * 977 : 0;
    if (hu_range(s, rsize, &start, &len) == HU_RANGE_OK &&
        (len == 0 || start >= rsize || start + len > rsize))
        abort();
    hu_etag_match(s, "\"5-6-7\"");
    int64_t t = hu_http_date_parse(s);
    if (t >= 0) {
        char d[30];
        hu_http_date(t, d);
    }
    const char *tok;
    size_t toklen;
    if (hu_bearer(s, &tok, &toklen)) {
        char id[HU_KEY_ID_LEN + 1];
        const char *secret;
        if (tok < s || tok + toklen > s + size)
            abort();
        if (hu_key_split(tok, toklen, id, &secret) && strlen(id) != HU_KEY_ID_LEN)
            abort();
    }
    size_t half = size / 2;
    char *ua = malloc(half + 1);
    if (ua) {
        memcpy(ua, data, half);
        ua[half] = '\0';
        hu_classify(ua, s + half);
        hu_wants_json(ua, size & 1 ? s + half : NULL);
        free(ua);
    }
    ccsig_buf q = CCSIG_BUF_INIT;
    if (hu_fts_query(p, size, &q)) {
        /* Only quoted terms: no quote inside a term, nothing outside. */
        size_t quotes = 0;
        for (size_t i = 0; i < q.len; i++)
            quotes += q.data[i] == '"';
        if (quotes % 2)
            abort();
    }
    ccsig_buf_free(&q);
    char fwd[64];
    if (hu_forwarded_for(s, fwd, sizeof fwd) && strlen(fwd) >= sizeof fwd)
        abort();
    hu_request_id_ok(s);
    hu_day_parse(s);

    char *u = malloc(size + 1);
    if (u) {
        memcpy(u, s, size + 1);
        size_t n = hu_unescape(u);
        if (n > size || strlen(u) > n)
            abort();
        free(u);
    }
    char *clean = malloc(3 * size + 1);
    if (clean) {
        size_t n = ccsig_utf8_clean(p, size, clean);
        if (n > 3 * size)
            abort();
        free(clean);
    }
    ccsig_buf b = CCSIG_BUF_INIT;
    hu_csv(&b, s);
    hu_html(&b, s);
    hu_url_path(&b, p, size);
    ccsig_buf_free(&b);

    /* The ledger's journal lines: whatever parses formats back to a line
     * that parses to the same record. */
    ledger_rec lr, lr2;
    /* A pay-per-crawl price (crawler-max-price...) formats back to itself. */
    price pr, pr2;
    if (price_parse(p, size, &pr)) {
        char text[PRICE_TEXT_MAX];
        price_format(&pr, text);
        if (pr.micros <= 0 || !price_parse(text, strlen(text), &pr2) || pr2.micros != pr.micros ||
            strcmp(pr.currency, pr2.currency) != 0)
            abort();
    }
    if (journal_parse_line(p, size, &lr) == 0) {
        char line[JOURNAL_LINE_MAX];
        size_t ln = journal_format_line(&lr, line);
        if (ln == 0 || ln > JOURNAL_LINE_MAX || journal_parse_line(line, ln - 1, &lr2) != 0 ||
            memcmp(&lr, &lr2, sizeof lr) != 0)
            abort();
    }

    char title[256];
    char *body = NULL;
    if (ccsig_text_extract(size & 2 ? "doc.html" : "doc.md", p, size, title, sizeof title, &body) ==
        0) {
        if (strlen(title) >= sizeof title)
            abort();
        ccsig_free(body);
    }
    free(s);
    return 0;
}
