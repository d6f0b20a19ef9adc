/*
 * reports.c — reports back: a reuser says where the credit it gives
 * appears (the URL of a model card, of an answer page, of a dataset's
 * documentation), so that the steward sees the credit the collection gets.
 *
 * POST /credit/reports with a key and a form (url, note) records one report
 * in the store (table credit_reports, both backends); the request itself is
 * in the ledger like every keyed request. GET /credit/reports lists the
 * key's own reports. The steward sees them on the reuser's page and, all
 * reuser's newest first, on the steward's home page (reports_html).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/url.h"
#include "ratelimit.h"
#include "server.h"

/* Reports the steward's home page shows (the newest). */
#define REPORTS_SHOWN 100

/* Whether url may be recorded as where credit appears: an absolute http or
 * https URL (ccsig_url_split) of printable ASCII (a URL with other
 * characters is percent-encoded), at most STORE_REPORT_URL_MAX bytes. On
 * failure why gets a sentence for the reuser. */
static bool report_url_ok(const char *url, const char **why) {
    size_t n = url ? strlen(url) : 0;
    if (!n) {
        *why = "url (where the credit appears) is required.";
        return false;
    }
    if (n > STORE_REPORT_URL_MAX) {
        *why = "url is longer than 2000 bytes.";
        return false;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f) {
            *why = "url holds a space, a control character or a non-ASCII byte "
                   "(percent-encode them).";
            return false;
        }
    ccsig_url u;
    if (!ccsig_url_split(ccsig_str_c(url), &u) || !ccsig_url_is_http(&u) || !u.host.len) {
        *why = "url must be an absolute http:// or https:// URL.";
        return false;
    }
    return true;
}

/* One report as JSON. */
static void report_json(ccsig_buf *b, const credit_report *r) {
    char when[21];
    hu_time_iso(r->reported_ms, when);
    ccsig_buf_printf(b, "{\"id\":%lld,\"url\":", (long long)r->id);
    ccsig_buf_json_str(b, r->url, strlen(r->url));
    ccsig_buf_puts(b, ",\"note\":");
    ccsig_buf_json_str(b, r->note, strlen(r->note));
    ccsig_buf_printf(b, ",\"reported_at\":\"%s\"}", when);
}

typedef struct list_ctx {
    ccsig_buf *b;
    size_t n;
} list_ctx;

/* store_reports callback: append one report to a JSON array. */
static int on_report_json(void *arg, const credit_report *r) {
    list_ctx *c = arg;
    if (c->n++)
        ccsig_buf_putc(c->b, ',');
    report_json(c->b, r);
    return 0;
}

/* /credit/reports: see server.h. */
void page_credit_reports(rq *r, reply *rp) {
    server *s = r->srv;
    if (!require_key(r, rp, "Reporting where your credit appears"))
        return;
    if (strcmp(r->method, "POST") != 0) {
        ccsig_buf *b = &rp->body;
        ccsig_buf_puts(b, "{\"key\":");
        ccsig_buf_json_str(b, r->cls.key.key_id, strlen(r->cls.key.key_id));
        ccsig_buf_puts(b, ",\"reports\":[");
        list_ctx c = {b, 0};
        if (store_reports(s->st, r->cls.key.id, on_report_json, &c) != 0) {
            reply_error(r, rp, 503, "Service unavailable", "The reports could not be read.");
            return;
        }
        ccsig_buf_puts(b, "]}\n");
        reply_header(rp, "Content-Type", "application/json");
        return;
    }
    hu_form f;
    if (!form_read(r, rp, &f))
        return;
    const char *url = hu_form_get(&f, "url"), *note = hu_form_get(&f, "note");
    const char *why = NULL;
    if (!report_url_ok(url, &why) ||
        (!text_ok(note, 0, STORE_REPORT_NOTE_MAX, false) &&
         (why = "note must be UTF-8 text without control characters, at most 500 bytes."))) {
        reply_error(r, rp, 400, "Bad request", why);
        hu_form_free(&f);
        return;
    }
    credit_report *rep = calloc(1, sizeof *rep);
    if (!rep) {
        hu_form_free(&f);
        reply_error(r, rp, 503, "Service unavailable", "Out of memory.");
        return;
    }
    rep->reuser_id = r->cls.key.id;
    snprintf(rep->url, sizeof rep->url, "%s", url);
    snprintf(rep->note, sizeof rep->note, "%s", note ? note : "");
    snprintf(rep->address, sizeof rep->address, "%s", r->addr);
    rep->reported_ms = now_wall_us() / 1000;
    hu_form_free(&f);
    if (store_report_add(s->st, rep) != 0) {
        free(rep);
        reply_error(r, rp, 503, "Service unavailable", "The report could not be recorded.");
        return;
    }
    rp->status = 201;
    ccsig_buf_puts(&rp->body, "{\"report\":");
    report_json(&rp->body, rep);
    ccsig_buf_puts(&rp->body, "}\n");
    reply_header(rp, "Content-Type", "application/json");
    free(rep);
}

typedef struct html_ctx {
    server *s;
    ccsig_buf *b;
    bool everyone; /* a column with the reuser */
    size_t n;
} html_ctx;

/* store_reports callback: one table row (the first REPORTS_SHOWN). */
static int on_report_html(void *arg, const credit_report *r) {
    html_ctx *c = arg;
    if (c->n++ >= REPORTS_SHOWN)
        return 1;
    char when[21];
    hu_time_iso(r->reported_ms, when);
    ccsig_buf_printf(c->b, "<tr><td>%s</td>", when);
    if (c->everyone) {
        reuser *u = malloc(sizeof *u);
        ccsig_buf_printf(c->b, "<td><a href=\"/steward/reusers/%lld\">", (long long)r->reuser_id);
        if (u && store_reuser_get(c->s->st, r->reuser_id, u) == 1)
            hu_html(c->b, u->name);
        else
            ccsig_buf_printf(c->b, "#%lld", (long long)r->reuser_id);
        ccsig_buf_puts(c->b, "</a></td>");
        free(u);
    }
    /* The reported URL is shown and linked; rel=noreferrer and nofollow:
     * it is the reuser's text, not the steward's. */
    ccsig_buf_puts(c->b, "<td><a rel=\"noreferrer nofollow\" href=\"");
    hu_html(c->b, r->url);
    ccsig_buf_puts(c->b, "\">");
    hu_html(c->b, r->url);
    ccsig_buf_puts(c->b, "</a></td><td>");
    hu_html(c->b, r->note);
    ccsig_buf_puts(c->b, "</td><td>");
    hu_html(c->b, r->address);
    ccsig_buf_puts(c->b, "</td></tr>\n");
    return 0;
}

/* The steward's table of reports: see server.h. */
void reports_html(server *s, int64_t reuser_id, ccsig_buf *b) {
    bool everyone = reuser_id == 0;
    ccsig_buf_printf(b,
                     "<h2>Where the credit appears</h2>\n<p class=\"note\">Reported by reusers "
                     "(POST /credit/reports with their key)%s.</p>\n<table id=\"reports\"><thead>"
                     "<tr><th>Reported (UTC)</th>%s<th>Where</th><th>Note</th><th>From "
                     "address</th></tr></thead><tbody>\n",
                     everyone ? ", newest first" : "", everyone ? "<th>Reuser</th>" : "");
    html_ctx c = {s, b, everyone, 0};
    int cols = everyone ? 5 : 4;
    if (store_reports(s->st, reuser_id, on_report_html, &c) != 0)
        ccsig_buf_printf(b, "<tr><td colspan=\"%d\">The reports could not be read.</td></tr>\n",
                         cols);
    else if (!c.n)
        ccsig_buf_printf(b, "<tr><td colspan=\"%d\">None reported yet.</td></tr>\n", cols);
    ccsig_buf_puts(b, "</tbody></table>\n");
}
