/*
 * pages.c — the gateway's public pages: home, declaration, search (HTML and
 * JSON), registration, errors and the one style sheet.
 *
 * Pages are plain HTML with no script (the Content-Security-Policy forbids
 * it); every value that came from a person or a file is escaped with
 * hu_html at the point it is written.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccsig/sf.h"
#include "gen.h"
#include "ccsig/report.h"
#include "server.h"

static const char style_css[] =
    "*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;"
    "background:#fafafa}header{background:#1f3b57;color:#fff;padding:.6rem 1.5rem;display:flex;"
    "flex-wrap:wrap;gap:1rem;align-items:center}header a{color:#fff;text-decoration:none}"
    "header .brand{font-weight:700;margin-right:auto}nav a{margin-left:1rem}"
    "main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem 3rem}"
    "footer{font-size:.85rem;color:#666;text-align:center;padding:1rem}"
    "code{background:#eef;padding:0 .2em;border-radius:3px;overflow-wrap:anywhere}"
    "fieldset{border:1px solid #ccd;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}"
    "label{display:block;margin:.5rem 0}input[type=text],input[type=password],input:not([type]),"
    "textarea,select{width:100%;padding:.4rem;font:inherit;border:1px solid #aab;"
    "border-radius:4px}textarea{min-height:4rem}button{font:inherit;padding:.4rem 1rem;"
    "border-radius:4px;border:1px solid #1f3b57;background:#1f3b57;color:#fff;cursor:pointer}"
    "button.danger{background:#a32;border-color:#a32}button.secondary{background:#fff;"
    "color:#1f3b57}form.inline{display:inline}table{border-collapse:collapse;width:100%;"
    "margin:1rem 0;font-size:.9rem}th,td{border-bottom:1px solid #ddd;padding:.35rem;"
    "text-align:left;vertical-align:top}.errors{background:#fee;border:1px solid #c66;"
    "padding:.5rem 1rem;border-radius:6px}.key{font-size:1.2rem;background:#efe;padding:1rem;"
    "border:1px solid #6a6;border-radius:6px}.hit{margin:1.2rem 0}.hit .credit{font-size:.85rem;"
    "color:#444}.badge{display:inline-block;font-size:.75rem;padding:0 .4em;border-radius:3px;"
    "background:#dde;margin-left:.4em}mark{background:#ffe680}.note{color:#555;font-size:.9rem}"
    ".confirm{background:#e6f4ea;border:1px solid #6a6;border-radius:6px;padding:.5rem .8rem}"
    ".status-active{color:#262}.status-pending{color:#a60}.status-revoked,.status-rejected"
    "{color:#a32}svg{max-width:100%;height:auto;background:#fff;border:1px solid #ddd}"
    "ul.listing{columns:2}pre{overflow-x:auto;background:#f4f4f4;padding:.6em}"
    "details.declaration{border-left:3px solid #ccd;padding-left:1rem;margin:1rem 0}\n";

void page_headers(reply *rp) {
    reply_header(rp, "Content-Type", "text/html; charset=utf-8");
    reply_header(rp, "Content-Security-Policy",
                 "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action "
                 "'self'; frame-ancestors 'none'; base-uri 'none'");
    reply_header(rp, "X-Content-Type-Options", "nosniff");
    reply_header(rp, "Referrer-Policy", "same-origin");
    reply_header(rp, "X-Frame-Options", "DENY");
}

void page_begin(const server *s, ccsig_buf *b, const char *title) {
    ccsig_buf_puts(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<title>");
    hu_html(b, title);
    ccsig_buf_puts(b, " — ");
    hu_html(b, s->pol->collection_name);
    ccsig_buf_puts(b, "</title><link rel=\"stylesheet\" href=\"/_ccsig/style.css\"></head>\n"
                      "<body><header><a class=\"brand\" href=\"/\">");
    hu_html(b, s->pol->collection_name);
    ccsig_buf_puts(b, "</a><nav><a href=\"/search\">Search</a><a href=\"/declaration\">How it "
                      "may be used</a><a href=\"/register\">Register for a key</a></nav>"
                      "</header>\n<main>\n");
}

void page_end(ccsig_buf *b) {
    ccsig_buf_puts(b, "</main>\n<footer>Served by ccsig serve · <a href=\"/robots.txt\">"
                      "robots.txt</a> · <a href=\"/.well-known/tdmrep.json\">tdmrep.json</a> · "
                      "<a href=\"/declaration\">declaration</a> · <a href=\"/steward/\">"
                      "steward</a></footer>\n</body></html>\n");
}

void page_message(const server *s, reply *rp, unsigned status, const char *title,
                  const char *html) {
    ccsig_buf_clear(&rp->body);
    rp->kind = REPLY_BUF;
    rp->status = status;
    page_begin(s, &rp->body, title);
    ccsig_buf_puts(&rp->body, "<h1>");
    hu_html(&rp->body, title);
    ccsig_buf_puts(&rp->body, "</h1>\n<p>");
    ccsig_buf_puts(&rp->body, html);
    ccsig_buf_puts(&rp->body, "</p>\n");
    page_end(&rp->body);
    page_headers(rp);
}

void reply_error(const rq *r, reply *rp, unsigned status, const char *title, const char *msg) {
    const char *accept = rq_header(r, "Accept");
    ccsig_buf_clear(&rp->body);
    if (rp->fd >= 0) {
        close(rp->fd);
        rp->fd = -1;
    }
    rp->kind = REPLY_BUF;
    rp->status = status;
    if (hu_wants_json(accept, rq_arg(r, "format"))) {
        ccsig_buf_printf(&rp->body, "{\"error\":{\"status\":%u,\"title\":", status);
        ccsig_buf_json_str(&rp->body, title, strlen(title));
        ccsig_buf_puts(&rp->body, ",\"message\":");
        ccsig_buf_json_str(&rp->body, msg, strlen(msg));
        ccsig_buf_puts(&rp->body, "}}\n");
        reply_header(rp, "Content-Type", "application/json");
        return;
    }
    if (accept && strstr(accept, "text/html")) {
        ccsig_buf m = CCSIG_BUF_INIT;
        hu_html(&m, msg);
        page_message(r->srv, rp, status, title, ccsig_buf_cstr(&m));
        ccsig_buf_free(&m);
        return;
    }
    ccsig_buf_printf(&rp->body, "%s: %s\n", title, msg);
    reply_header(rp, "Content-Type", "text/plain; charset=utf-8");
}

void page_style(rq *r, reply *rp) {
    reply_header(rp, "Content-Type", "text/css; charset=utf-8");
    reply_header(rp, "Cache-Control", "max-age=86400");
    ccsig_buf_append(&rp->body, style_css, sizeof style_css - 1);
}

static void search_form(ccsig_buf *b, const char *q) {
    ccsig_buf_puts(b, "<form method=\"get\" action=\"/search\" role=\"search\"><label>Search the "
                      "collection <input name=\"q\" value=\"");
    hu_html(b, q ? q : "");
    ccsig_buf_puts(b, "\"></label><button type=\"submit\">Search</button></form>\n");
}

void page_home(rq *r, reply *rp) {
    server *s = r->srv;
    ccsig_buf *b = &rp->body;
    ccsig_buf_clear(b);
    page_begin(s, b, "Home");
    ccsig_buf_puts(b, "<h1>");
    hu_html(b, s->pol->collection_name);
    ccsig_buf_puts(b, "</h1>\n<p>Read and search the collection freely. Machines: see <a "
                      "href=\"/declaration\">how it may be used</a>; bulk and public-interest "
                      "reusers can <a href=\"/register\">register for a key</a>.</p>\n");
    if (server_search(s))
        search_form(b, NULL);
    coll_listing_html(s->coll, "", "/", b);
    page_end(b);
    page_headers(rp);
}

void page_declaration(rq *r, reply *rp) {
    server *s = r->srv;
    ccsig_buf *b = &rp->body;
    page_begin(s, b, "How this collection may be used");
    ccsig_buf_append(b, s->declaration.data, s->declaration.len);
    page_end(b);
    page_headers(rp);
    reply_header(rp, "ETag", "%s", s->gen_etag);
}

/* ---- search ---- */

/* Snippet markers \x01..\x02 to <mark>, everything else escaped. */
static void snippet_html(ccsig_buf *b, const char *s) {
    const char *p = s;
    while (*p) {
        size_t n = strcspn(p, "\x01\x02");
        hu_html_n(b, p, n);
        p += n;
        if (*p == '\x01')
            ccsig_buf_puts(b, "<mark>");
        else if (*p == '\x02')
            ccsig_buf_puts(b, "</mark>");
        if (*p)
            p++;
    }
}

static void snippet_plain(char *s) {
    char *w = s;
    for (char *p = s; *p; p++)
        if (*p != '\x01' && *p != '\x02')
            *w++ = *p;
    *w = '\0';
}

void page_search(rq *r, reply *rp) {
    server *s = r->srv;
    const char *q = rq_arg(r, "q");
    bool json = hu_wants_json(rq_header(r, "Accept"), rq_arg(r, "format"));
    const char *use_arg = rq_arg(r, "use");
    const char *limit_arg = rq_arg(r, "limit");
    ccsig_profile prof = {json ? CCSIG_CAT_AI_USE : CCSIG_CAT_SEARCH, 0, CCSIG_PURPOSE_NONE,
                          CCSIG_READING_DEFAULT};
    if (r->cls.keyed)
        access_profile(&r->cls, &prof);
    ccsig_category asked = prof.use;
    if (use_arg && *use_arg && !ccsig_category_parse(use_arg, strlen(use_arg), &asked)) {
        reply_error(r, rp, 400, "Bad request",
                    "use must be automated-processing, train-ai, train-genai, ai-use or search.");
        return;
    }
    /* A key decides for the use it registered: it cannot ask for another. */
    if (r->cls.keyed && asked != prof.use) {
        char m[300];
        snprintf(m, sizeof m,
                 "Key %s was registered for %s; register a key for %s to search for that use.",
                 r->cls.key.key_id, ccsig_category_name(prof.use), ccsig_category_name(asked));
        reply_error(r, rp, 403, "Not permitted", m);
        return;
    }
    prof.use = asked;
    long limit = 10;
    if (limit_arg) {
        char *end;
        limit = strtol(limit_arg, &end, 10);
        if (*end || limit < 1 || limit > SEARCH_MAX_HITS) {
            reply_error(r, rp, 400, "Bad request", "limit must be a number from 1 to 50.");
            return;
        }
    }
    if (q && strlen(q) > 500) {
        reply_error(r, rp, 400, "Bad request", "The query is longer than 500 bytes.");
        return;
    }
    search_hit *hits = NULL;
    size_t n = 0, shown = 0, withheld = 0;
    bool *keep = NULL;
    if (q && *q) {
        hits = malloc(SEARCH_MAX_HITS * sizeof *hits);
        keep = calloc(SEARCH_MAX_HITS, sizeof *keep);
        if (!hits || !keep || search_query(server_search(s), q, SEARCH_MAX_HITS, hits, &n) != 0) {
            free(hits);
            free(keep);
            reply_error(r, rp, 503, "Search unavailable", "The search index did not answer.");
            return;
        }
        for (size_t i = 0; i < n; i++) {
            /* A hit whose preferences deny the use comes back only to a
             * client whose profile meets the exceptions (or claims an
             * approved public-interest purpose); people see every hit.
             * The text of an encrypted file (RSL, rsl.c) is nobody's. */
            ccsig_decision d;
            if (rsl_encrypted(r->srv, hits[i].path) ||
                !access_decide(r, hits[i].path, prof.use, &d))
                withheld++;
            else if (shown < (size_t)limit) {
                keep[i] = true;
                shown++;
            }
        }
    }
    ccsig_buf *b = &rp->body;
    if (json) {
        if (!q || !*q) {
            free(hits);
            free(keep);
            reply_error(r, rp, 400, "Bad request", "q (the query) is required.");
            return;
        }
        ccsig_buf_puts(b, "{\"query\":");
        char *qc = malloc(3 * strlen(q) + 1);
        size_t qn = qc ? ccsig_utf8_clean(q, strlen(q), qc) : 0;
        ccsig_buf_json_str(b, qc ? qc : "", qn);
        free(qc);
        ccsig_buf_puts(b, ",\"use\":");
        const char *un = ccsig_category_name(prof.use);
        ccsig_buf_json_str(b, un, strlen(un));
        ccsig_buf_puts(b, ",\"hits\":[");
        int first = 1;
        for (size_t i = 0; i < n; i++) {
            if (!keep[i])
                continue;
            ccsig_buf_puts(b, first ? "{\"url\":" : ",{\"url\":");
            first = 0;
            ccsig_buf url = CCSIG_BUF_INIT;
            ccsig_buf_puts(&url, s->pol->public_url);
            hu_url_path(&url, hits[i].path, strlen(hits[i].path));
            ccsig_buf_json_str(b, url.data, url.len);
            ccsig_buf_free(&url);
            ccsig_buf_puts(b, ",\"title\":");
            ccsig_buf_json_str(b, hits[i].title, strlen(hits[i].title));
            snippet_plain(hits[i].snippet);
            ccsig_buf_puts(b, ",\"snippet\":");
            ccsig_buf_json_str(b, hits[i].snippet, strlen(hits[i].snippet));
            ccsig_buf_puts(b, ",\"credit\":");
            server_credit_json(s, hits[i].path, hits[i].title, prof.use, b);
            ccsig_buf_putc(b, '}');
        }
        ccsig_buf_printf(b, "],\"withheld\":%zu}\n", withheld);
        reply_header(rp, "Content-Type", "application/json");
        free(hits);
        free(keep);
        return;
    }
    page_begin(s, b, q && *q ? q : "Search");
    ccsig_buf_puts(b, "<h1>Search</h1>\n");
    search_form(b, q);
    if (q && *q) {
        ccsig_buf_printf(b, "<p class=\"note\">%zu result%s", shown, shown == 1 ? "" : "s");
        ccsig_buf_puts(b, " for <strong>");
        hu_html(b, q);
        ccsig_buf_puts(b, "</strong>. Every result carries the credit to give when you use "
                          "it.</p>\n");
        for (size_t i = 0; i < n; i++) {
            if (!keep[i])
                continue;
            ccsig_buf url = CCSIG_BUF_INIT;
            hu_url_path(&url, hits[i].path, strlen(hits[i].path));
            ccsig_buf_puts(b, "<div class=\"hit\"><a href=\"");
            hu_html(b, ccsig_buf_cstr(&url));
            ccsig_buf_puts(b, "\"><strong>");
            hu_html(b, hits[i].title);
            ccsig_buf_puts(b, "</strong></a><br><span class=\"snippet\">");
            snippet_html(b, hits[i].snippet);
            ccsig_buf_puts(b, "</span><br><span class=\"credit\">Credit: ");
            ccsig_buf text = CCSIG_BUF_INIT;
            const char *sig;
            server_credit(s, hits[i].path, hits[i].title, prof.use, &text, &sig);
            hu_html(b, ccsig_buf_cstr(&text));
            if (sig) {
                ccsig_buf_puts(b, "<a class=\"badge\" href=\"/declaration#");
                hu_html(b, sig);
                ccsig_buf_puts(b, "\">");
                hu_html(b, sig);
                ccsig_buf_puts(b, "</a>");
            }
            ccsig_buf_puts(b, "</span></div>\n");
            ccsig_buf_free(&text);
            ccsig_buf_free(&url);
        }
        if (withheld)
            ccsig_buf_printf(b,
                             "<p class=\"note\">%zu more result%s come from parts of the "
                             "collection whose preferences do not permit %s to this client; "
                             "<a href=\"/declaration\">see the terms</a>.</p>\n",
                             withheld, withheld == 1 ? "" : "s", ccsig_category_name(prof.use));
    }
    page_end(b);
    page_headers(rp);
    free(hits);
    free(keep);
}

/* ---- registration ---- */

/* The conditions the policy's CC signals ask for (union). */
static unsigned policy_conditions(const policy *p, unsigned *signals) {
    unsigned cond = 0, sig = 0;
    for (size_t i = 0; i < p->nrules; i++)
        for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
            sig |= p->rules[i].verdict.cat[c].signals;
            cond |= p->rules[i].verdict.cat[c].conditions;
        }
    if (signals)
        *signals = sig;
    return cond;
}

static const struct {
    unsigned bit;
    const char *field;
    const char *label;
} commit_fields[] = {
    {CCSIG_COND_CREDIT, "commit-credit", "I will give credit as described below"},
    {CCSIG_COND_DIRECT_CONTRIBUTION, "commit-direct-contribution",
     "I will contribute directly to the steward, as pledged below"},
    {CCSIG_COND_ECOSYSTEM_CONTRIBUTION, "commit-ecosystem-contribution",
     "I will contribute to the ecosystem, as pledged below"},
    {CCSIG_COND_OPEN, "commit-open", "The AI system I build or use with the collection is open"},
};

unsigned pledges_from_form(const hu_form *f) {
    unsigned c = 0;
    for (size_t i = 0; i < sizeof commit_fields / sizeof commit_fields[0]; i++)
        if (hu_form_has(f, commit_fields[i].field))
            c |= commit_fields[i].bit;
    return c;
}

static void field(ccsig_buf *b, const char *label, const char *name, const hu_form *f,
                  bool textarea, bool required) {
    const char *v = f ? hu_form_get(f, name) : NULL;
    ccsig_buf_puts(b, "<label>");
    hu_html(b, label);
    if (textarea) {
        ccsig_buf_printf(b, " <textarea name=\"%s\" maxlength=\"%d\"%s>", name, STORE_TEXT_MAX,
                         required ? " required" : "");
        hu_html(b, v ? v : "");
        ccsig_buf_puts(b, "</textarea></label>\n");
    } else {
        ccsig_buf_printf(b, " <input name=\"%s\" maxlength=\"%d\"%s value=\"", name, STORE_NAME_MAX,
                         required ? " required" : "");
        hu_html(b, v ? v : "");
        ccsig_buf_puts(b, "\"></label>\n");
    }
}

static void register_form(rq *r, reply *rp, const hu_form *f, const char *errors) {
    server *s = r->srv;
    const policy *p = s->pol;
    ccsig_buf *b = &rp->body;
    ccsig_buf_clear(b);
    page_begin(s, b, "Register for a key");
    ccsig_buf_puts(b, "<h1>Register for a key</h1>\n");
    if (errors) {
        ccsig_buf_puts(b, "<div class=\"errors\" id=\"errors\"><p>The registration was not "
                          "accepted:</p><ul>");
        ccsig_buf_puts(b, errors);
        ccsig_buf_puts(b, "</ul></div>\n");
    }
    ccsig_buf_puts(b, "<p>People reading the collection need no key. Automated clients without "
                      "one may make ");
    gen_rate_phrase(b, &p->tiers[TIER_AUTOMATED]);
    ccsig_buf_puts(b, " from one address. A key is for the <a "
                      "href=\"/declaration\">uses the collection's preferences describe</a>. It "
                      "is shown once; send it as <code>Authorization: Bearer &lt;key&gt;</code>."
                      "</p>\n<form method=\"post\" action=\"/register\" id=\"register\">\n"
                      "<fieldset><legend>Who you are</legend>\n");
    field(b, "Name of the organisation or person", "name", f, false, true);
    field(b, "Contact (e-mail address or URL)", "contact", f, false, true);
    const char *use = f ? hu_form_get(f, "use") : NULL;
    ccsig_buf_puts(b, "<label>What you will use the collection for <select name=\"use\">");
    static const ccsig_category order[] = {CCSIG_CAT_TRAIN_AI, CCSIG_CAT_TRAIN_GENAI,
                                           CCSIG_CAT_AI_USE, CCSIG_CAT_SEARCH,
                                           CCSIG_CAT_AUTOMATED_PROCESSING};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *nm = ccsig_category_name(order[i]);
        ccsig_buf_printf(b, "<option value=\"%s\"%s>", nm,
                         use && !strcmp(use, nm) ? " selected" : "");
        hu_html(b, ccsig_category_title(order[i]));
        ccsig_buf_puts(b, ": ");
        hu_html(b, ccsig_category_description(order[i]));
        ccsig_buf_puts(b, "</option>");
    }
    ccsig_buf_puts(b, "</select></label>\n</fieldset>\n");
    const char *kind = f ? hu_form_get(f, "kind") : NULL;
    bool pub = kind && !strcmp(kind, "public-interest");
    ccsig_buf_puts(b, "<fieldset><legend>Kind of key</legend>\n");
    if (p->registration_open)
        ccsig_buf_printf(b,
                         "<label><input type=\"radio\" name=\"kind\" value=\"bulk\"%s> Bulk "
                         "reuse under the collection's terms (",
                         pub ? "" : " checked");
    if (p->registration_open) {
        gen_rate_phrase(b, &p->tiers[TIER_BULK]);
        ccsig_buf_puts(b, ")</label>\n");
    }
    ccsig_buf_printf(b,
                     "<label><input type=\"radio\" name=\"kind\" value=\"public-interest\"%s> "
                     "Public-interest use, no conditions (",
                     pub || !p->registration_open ? " checked" : "");
    gen_rate_phrase(b, &p->tiers[TIER_PUBLIC]);
    ccsig_buf_puts(b, " once the steward approves the claim)</label>\n</fieldset>\n");

    unsigned signals = 0;
    unsigned cond = policy_conditions(p, &signals);
    if (p->registration_open) {
        ccsig_buf_puts(b, "<fieldset id=\"bulk\"><legend>Bulk reuse: the terms</legend>\n");
        if (!signals)
            ccsig_buf_puts(b, "<p>The collection's preferences attach no CC signal: a key gives "
                              "you the bulk rate and endpoints.</p>\n");
        for (int sg = 1; sg < CCSIG_SIGNAL_COUNT; sg++) {
            if (!(signals & (1u << sg)))
                continue;
            ccsig_buf_printf(b, "<p><strong>CC signal %s (<code>%s</code>)</strong></p><ul>",
                             ccsig_signal_title((ccsig_signal)sg),
                             ccsig_signal_token((ccsig_signal)sg));
            unsigned c = ccsig_signal_conditions((ccsig_signal)sg);
            for (int k = 0; k < CCSIG_COND_COUNT; k++)
                if (c & (1u << k)) {
                    ccsig_buf_puts(b, "<li>");
                    hu_html(b, ccsig_condition_terms(1u << k));
                    ccsig_buf_puts(b, "</li>");
                }
            ccsig_buf_puts(b, "</ul>\n");
        }
        for (size_t i = 0; i < sizeof commit_fields / sizeof commit_fields[0]; i++) {
            if (!(cond & commit_fields[i].bit) && commit_fields[i].bit != CCSIG_COND_CREDIT)
                continue;
            bool checked = f && hu_form_has(f, commit_fields[i].field);
            ccsig_buf_printf(b, "<label><input type=\"checkbox\" name=\"%s\" value=\"yes\"%s> ",
                             commit_fields[i].field, checked ? " checked" : "");
            hu_html(b, commit_fields[i].label);
            ccsig_buf_puts(b, "</label>\n");
        }
        field(b,
              "The credit you will give (for example: cite the collection with a link in "
              "your model card; cite each retrieved item with its link)",
              "credit", f, true, false);
        if (cond & (CCSIG_COND_DIRECT_CONTRIBUTION | CCSIG_COND_ECOSYSTEM_CONTRIBUTION))
            field(b, "The contribution you pledge (what, how much, how often)", "contribution", f,
                  true, false);
        bool acc = f && hu_form_has(f, "accept");
        ccsig_buf_printf(b,
                         "<label><input type=\"checkbox\" name=\"accept\" value=\"yes\"%s> I "
                         "accept these terms (<a href=\"/terms/%s\" id=\"terms-link\">version "
                         "%lld</a>) for the use I stated</label>\n</fieldset>\n",
                         acc ? " checked" : "", s->terms.hash, (long long)s->terms.version);
    }
    ccsig_buf_puts(b, "<fieldset id=\"public\"><legend>Public-interest use</legend>\n<label>"
                      "Purpose <select name=\"purpose\">");
    const char *purpose = f ? hu_form_get(f, "purpose") : NULL;
    for (int k = 1; k < CCSIG_PURPOSE_COUNT; k++) {
        const char *nm = ccsig_purpose_name((ccsig_purpose)k);
        ccsig_buf_printf(b, "<option value=\"%s\"%s>", nm,
                         purpose && !strcmp(purpose, nm) ? " selected" : "");
        hu_html(b, nm);
        ccsig_buf_puts(b, ": ");
        hu_html(b, ccsig_purpose_description((ccsig_purpose)k));
        ccsig_buf_puts(b, "</option>");
    }
    ccsig_buf_puts(b, "</select></label>\n");
    field(b, "Who you are and why the purpose applies (the steward reads this)", "claim", f, true,
          false);
    ccsig_buf_puts(b, "</fieldset>\n<button type=\"submit\">Register and get a key</button>\n"
                      "</form>\n");
    page_end(b);
    page_headers(rp);
}

/* Text of min to max bytes: see server.h. */
bool text_ok(const char *v, size_t min, size_t max, bool multiline) {
    if (!v)
        return min == 0;
    size_t n = strlen(v);
    if (n < min || n > max || !ccsig_utf8_valid(v, n))
        return false;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f)
            return false;
    return true;
}

static void add_error(ccsig_buf *errs, ccsig_buf *plain, const char *msg) {
    ccsig_buf_puts(errs, "<li>");
    hu_html(errs, msg);
    ccsig_buf_puts(errs, "</li>");
    if (plain->len)
        ccsig_buf_puts(plain, " ");
    ccsig_buf_puts(plain, msg);
}

/* The pledges a bulk registration for use lacks: for every rule whose
 * preferences deny the use with a CC signal's exception, the library's
 * decision (ccsig_decide) for the pledged profile; each condition missing
 * somewhere is named once, with the signal that asks for it and the form
 * field that pledges it. A use the preferences allow outright (or deny
 * without exception: no pledge lifts that) needs no pledge. */
void pledges_missing(const policy *p, ccsig_category use, unsigned commitments, ccsig_buf *errs,
                     ccsig_buf *plain) {
    ccsig_profile prof = {use, commitments, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT};
    unsigned missing = 0, named = 0;
    for (size_t i = 0; i < p->nrules; i++) {
        ccsig_decision d;
        ccsig_decide(&p->rules[i].verdict, &prof, &d);
        missing |= d.missing;
    }
    for (size_t i = 0; i < sizeof commit_fields / sizeof commit_fields[0]; i++) {
        unsigned bit = commit_fields[i].bit;
        if (!(missing & bit) || (named & bit))
            continue;
        named |= bit;
        /* The signals of the rules that ask for this condition. */
        unsigned sigs = 0;
        for (size_t j = 0; j < p->nrules; j++) {
            const ccsig_verdict_entry *e = &p->rules[j].verdict.cat[use];
            if (e->state == CCSIG_STATE_DENY && (e->conditions & bit))
                sigs |= e->signals;
        }
        const char *sig = "";
        for (int sg = 1; sg < CCSIG_SIGNAL_COUNT && !*sig; sg++)
            if (sigs & (1u << sg))
                sig = ccsig_signal_token((ccsig_signal)sg);
        char m[400];
        snprintf(m, sizeof m,
                 "The collection's CC signal %s asks, for %s, for %s: pledge it (%s=yes).", sig,
                 ccsig_category_name(use), ccsig_condition_name(bit), commit_fields[i].field);
        add_error(errs, plain, m);
    }
}

bool form_read(const rq *r, reply *rp, hu_form *f) {
    if (!hu_form_ctype(rq_header(r, "Content-Type"))) {
        reply_error(r, rp, 415, "Unsupported form",
                    "Send the form as application/x-www-form-urlencoded.");
        return false;
    }
    if (hu_form_parse(f, r->body, r->body_len) != 0) {
        reply_error(r, rp, 400, "Bad request", "The form could not be read.");
        return false;
    }
    return true;
}

void page_register(rq *r, reply *rp) {
    server *s = r->srv;
    const policy *p = s->pol;
    reply_header(rp, "Cache-Control", "no-store");
    if (strcmp(r->method, "POST") != 0) {
        register_form(r, rp, NULL, NULL);
        return;
    }
    /* Registrations have a per-address limit of their own. */
    const tier *t = &p->tiers[TIER_REGISTRATIONS];
    int64_t wait = rl_take(s->rl, TIER_REGISTRATIONS, r->addr, now_mono_us(), t->rate, t->burst);
    if (wait) {
        char m[200];
        snprintf(m, sizeof m, "Too many registrations from this address; retry in %lld seconds.",
                 (long long)((wait + 999999) / 1000000));
        reply_error(r, rp, 429, "Too many registrations", m);
        reply_header(rp, "Retry-After", "%lld", (long long)((wait + 999999) / 1000000));
        return;
    }
    hu_form f;
    if (!form_read(r, rp, &f))
        return;
    bool json = hu_wants_json(rq_header(r, "Accept"), rq_arg(r, "format"));
    ccsig_buf errs = CCSIG_BUF_INIT, plain = CCSIG_BUF_INIT;
    reuser *u = calloc(1, sizeof *u);
    if (!u) {
        hu_form_free(&f);
        reply_error(r, rp, 503, "Service unavailable", "Out of memory.");
        return;
    }
    const char *kind = hu_form_get(&f, "kind");
    int k = kind ? reuser_kind_parse(kind) : KIND_BULK;
    if (k < 0)
        add_error(&errs, &plain, "kind must be bulk or public-interest.");
    else if (k == KIND_BULK && !p->registration_open)
        add_error(&errs, &plain,
                  "This collection does not register bulk reusers; public-interest "
                  "claims are welcome.");
    u->kind = k < 0 ? KIND_BULK : k;
    const char *name = hu_form_get(&f, "name"), *contact = hu_form_get(&f, "contact");
    if (!text_ok(name, 2, STORE_NAME_MAX, false))
        add_error(&errs, &plain, "Give a name (2 to 200 bytes of UTF-8, one line).");
    if (!text_ok(contact, 3, STORE_NAME_MAX, false))
        add_error(&errs, &plain, "Give a contact address (3 to 200 bytes of UTF-8, one line).");
    const char *use = hu_form_get(&f, "use");
    ccsig_category cat = CCSIG_CAT_AI_USE;
    if (!use || !ccsig_category_parse(use, strlen(use), &cat))
        add_error(&errs, &plain,
                  "Choose the use (train-ai, train-genai, ai-use, search or "
                  "automated-processing).");
    u->use = (int)cat;
    const char *credit = hu_form_get(&f, "credit"), *contribution = hu_form_get(&f, "contribution");
    const char *claim = hu_form_get(&f, "claim");
    if (k == KIND_BULK) {
        u->commitments = pledges_from_form(&f);
        if (!hu_form_has(&f, "accept"))
            add_error(&errs, &plain, "Accept the terms (accept=yes) to register for bulk reuse.");
        if (use && cat == (ccsig_category)u->use)
            pledges_missing(p, cat, u->commitments, &errs, &plain);
        if ((u->commitments & CCSIG_COND_CREDIT) && !text_ok(credit, 3, STORE_TEXT_MAX, true))
            add_error(&errs, &plain, "Say what credit you will give (3 to 1000 bytes of UTF-8).");
        if ((u->commitments &
             (CCSIG_COND_DIRECT_CONTRIBUTION | CCSIG_COND_ECOSYSTEM_CONTRIBUTION)) &&
            !text_ok(contribution, 3, STORE_TEXT_MAX, true))
            add_error(&errs, &plain,
                      "Say what contribution you pledge (3 to 1000 bytes of UTF-8).");
        u->status = ST_ACTIVE;
    } else if (k == KIND_PUBLIC) {
        const char *pu = hu_form_get(&f, "purpose");
        ccsig_purpose purpose = CCSIG_PURPOSE_NONE;
        if (!pu || !ccsig_purpose_parse(pu, strlen(pu), &purpose) || purpose == CCSIG_PURPOSE_NONE)
            add_error(&errs, &plain,
                      "Choose the public-interest purpose "
                      "(malicious-content-detection, accessibility, archiving or "
                      "research).");
        if (!text_ok(claim, 10, STORE_TEXT_MAX, true))
            add_error(&errs, &plain,
                      "Describe who you are and why the purpose applies (10 to "
                      "1000 bytes of UTF-8).");
        u->purpose = (int)purpose;
        u->status = ST_PENDING;
    }
    /* Web Bot Auth (wba.h): the reuser's signature agent, beside its key. */
    const char *agent = hu_form_get(&f, "signature-agent");
    char agent_dir[512] = "";
    if (agent && *agent) {
        char why[300];
        int64_t taken = 0;
        if (!wba_directory(agent, agent_dir, sizeof agent_dir, why, sizeof why))
            add_error(&errs, &plain, why);
        else if (store_agent_get(s->st, agent_dir, &taken) != 0)
            add_error(&errs, &plain, "This signature agent is registered already.");
    }
    if (errs.len) {
        if (json)
            reply_error(r, rp, 400, "Registration not accepted", ccsig_buf_cstr(&plain));
        else {
            register_form(r, rp, &f, errs.data);
            rp->status = 400;
        }
        ccsig_buf_free(&errs);
        ccsig_buf_free(&plain);
        hu_form_free(&f);
        free(u);
        return;
    }
    snprintf(u->name, sizeof u->name, "%s", name);
    snprintf(u->contact, sizeof u->contact, "%s", contact);
    snprintf(u->credit, sizeof u->credit, "%s", credit && k == KIND_BULK ? credit : "");
    snprintf(u->contribution, sizeof u->contribution, "%s",
             contribution && k == KIND_BULK ? contribution : "");
    snprintf(u->claim, sizeof u->claim, "%s", claim && k == KIND_PUBLIC ? claim : "");
    u->created_ms = now_wall_us() / 1000;
    char key[HU_KEY_LEN + 1];
    int rc = -1;
    for (int attempt = 0; attempt < 3 && rc != 0; attempt++) {
        key_generate(key, u->key_id, u->key_hash);
        rc = store_reuser_insert(s->st, u);
    }
    hu_form_free(&f);
    ccsig_buf_free(&errs);
    ccsig_buf_free(&plain);
    /* Which version of the terms was accepted, when, from where, with
     * which pledges. */
    if (rc == 0)
        rc = terms_record(s, u->id, u->use, u->commitments, r->addr);
    if (rc == 0 && agent_dir[0])
        rc = wba_register(s->wba, s->st, agent_dir, u->id, u->created_ms);
    if (rc != 0) {
        free(u);
        reply_error(r, rp, 503, "Service unavailable", "The registration could not be stored.");
        return;
    }
    tier_id tid = tier_of(u->kind, u->status);
    const tier *tt = &p->tiers[tid];
    ccsig_buf *b = &rp->body;
    ccsig_buf_clear(b);
    if (json) {
        ccsig_buf_printf(b,
                         "{\"key\":\"%s\",\"key_id\":\"%s\",\"reuser\":%lld,\"kind\":\"%s\","
                         "\"status\":\"%s\",\"tier\":\"%s\",\"rate\":%g,\"burst\":%g,"
                         "\"quota\":%llu,",
                         key, u->key_id, (long long)u->id, reuser_kind_name(u->kind),
                         reuser_status_name(u->status), tier_name(tid), tt->rate, tt->burst,
                         (unsigned long long)tt->quota);
        if (agent_dir[0]) {
            ccsig_buf_puts(b, "\"signature_agent\":");
            ccsig_buf_json_str(b, agent_dir, strlen(agent_dir));
            ccsig_buf_putc(b, ',');
        }
        ccsig_buf_puts(b, "\"terms\":");
        terms_ref_json(s, b);
        ccsig_buf_puts(b, "}\n");
        reply_header(rp, "Content-Type", "application/json");
        rp->status = 201;
        sodium_memzero(key, sizeof key);
        free(u);
        return;
    }
    rp->status = 201;
    page_begin(s, b, "Your key");
    ccsig_buf_puts(b, "<h1>Your key</h1>\n<p class=\"key\"><code id=\"key\">");
    ccsig_buf_puts(b, key);
    ccsig_buf_puts(b, "</code></p>\n<p><strong>This is the only time the key is shown.</strong> "
                      "Copy it now: the gateway keeps only a hash of it and cannot show it "
                      "again.</p>\n<p>");
    if (u->status == ST_PENDING)
        ccsig_buf_puts(b, "Your public-interest claim is <strong id=\"status\">pending</strong>: "
                          "until the steward approves it the key works at a low rate.");
    else
        ccsig_buf_puts(b, "Your key is <strong id=\"status\">active</strong>.");
    ccsig_buf_puts(b, " Rate: ");
    gen_rate_phrase(b, tt);
    ccsig_buf_puts(b, ".</p>\n<p>Use it like this:</p>\n<pre><code>curl -H 'Authorization: Bearer "
                      "&lt;your key&gt;' ");
    hu_html(b, p->public_url);
    ccsig_buf_puts(b, "/bulk/manifest.jsonl</code></pre>\n");
    if (u->kind == KIND_BULK) {
        ccsig_buf_printf(b,
                         "<h2>What you agreed to</h2>\n<p>The collection's <a href=\"/terms/%s\">"
                         "terms, version %lld</a> (SHA-256 <code>%s</code>), for %s:</p>\n<ul>",
                         s->terms.hash, (long long)s->terms.version, s->terms.hash,
                         ccsig_category_name((ccsig_category)u->use));
        for (size_t i = 0; i < sizeof commit_fields / sizeof commit_fields[0]; i++)
            if (u->commitments & commit_fields[i].bit) {
                ccsig_buf_puts(b, "<li>");
                hu_html(b, ccsig_condition_terms(commit_fields[i].bit));
                ccsig_buf_puts(b, "</li>");
            }
        ccsig_buf_puts(b, "</ul>\n<p>Credit you will give: ");
        hu_html(b, u->credit);
        if (u->contribution[0]) {
            ccsig_buf_puts(b, "</p>\n<p>Contribution you pledged: ");
            hu_html(b, u->contribution);
        }
        ccsig_buf_puts(b, "</p>\n");
    }
    page_end(b);
    page_headers(rp);
    reply_header(rp, "Cache-Control", "no-store");
    sodium_memzero(key, sizeof key);
    free(u);
}
