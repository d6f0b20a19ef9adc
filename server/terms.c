/*
 * terms.c — the collection's terms as a versioned document, and reusers'
 * acceptance of them.
 *
 * The terms are generated from the policy: a JSON document for machines
 * (terms_json: the party, each rule's Content-Usage and, per use, its state,
 * CC signal and conditions, the signals' terms in words, the public-interest
 * exclusions, the credit template) and the declaration for people. A
 * version is identified by the SHA-256 of the JSON bytes (hex), numbered in
 * the order the gateway first published it, and kept in the store for ever:
 *
 *   /terms              the current version, for people (with the history)
 *   /terms.json         the current version's JSON
 *   /terms/HASH         any version, for people (a stable URL)
 *   /terms/HASH.json    any version's JSON (the bytes whose hash is HASH)
 *   POST /terms/accept  a key accepts the current version (again)
 *
 * Rates and the public URL are not terms (they are service levels and an
 * address), so changing them asks nobody to accept again. Registration
 * records the version accepted, when, from which address, for which use,
 * with which pledges (store_accept); when the terms change, a bulk key's
 * next request is refused with 403 "New terms to accept" until it accepts
 * the new version (terms_gate).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* A JSON string member "name": value (value NULL: null). */
static void json_member(ccsig_buf *b, const char *name, const char *value, bool comma) {
    if (comma)
        ccsig_buf_putc(b, ',');
    ccsig_buf_json_str(b, name, strlen(name));
    ccsig_buf_putc(b, ':');
    if (value)
        ccsig_buf_json_str(b, value, strlen(value));
    else
        ccsig_buf_puts(b, "null");
}

void terms_json(const policy *p, ccsig_buf *b) {
    ccsig_buf_puts(b, "{\"format\":\"ccsig-terms/1\"");
    json_member(b, "collection", p->collection_name, true);
    ccsig_buf_puts(b, ",\"party\":{");
    json_member(b, "name", p->party_name, false);
    json_member(b, "url", p->party_url, true);
    json_member(b, "copyright", copyright_name(p->copyright), true);
    ccsig_buf_puts(b, "},\"preferences\":[");
    unsigned signals = 0;
    /* The most general rule first, as the declaration reads. */
    for (size_t i = p->nrules; i-- > 0;) {
        const policy_rule *r = &p->rules[i];
        ccsig_buf_puts(b, i + 1 == p->nrules ? "{" : ",{");
        json_member(b, "path", r->path, false);
        json_member(b, "content_usage", r->expression, true);
        ccsig_buf_puts(b, ",\"uses\":{");
        int n = 0;
        for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
            if (!r->cat[c].set)
                continue;
            const char *cn = ccsig_category_name((ccsig_category)c);
            if (n++)
                ccsig_buf_putc(b, ',');
            ccsig_buf_json_str(b, cn, strlen(cn));
            ccsig_buf_puts(b, ":{");
            json_member(b, "state", ccsig_state_name((ccsig_state)r->cat[c].state), false);
            ccsig_signal sg = (ccsig_signal)r->cat[c].signal;
            json_member(b, "signal", sg ? ccsig_signal_token(sg) : NULL, true);
            ccsig_buf_puts(b, ",\"conditions\":[");
            unsigned cond = sg ? ccsig_signal_conditions(sg) : 0;
            for (int k = 0, m = 0; k < CCSIG_COND_COUNT; k++)
                if (cond & (1u << k))
                    ccsig_buf_printf(b, "%s\"%s\"", m++ ? "," : "", ccsig_condition_name(1u << k));
            ccsig_buf_puts(b, "]}");
            if (sg)
                signals |= 1u << sg;
        }
        ccsig_buf_puts(b, "}}");
    }
    ccsig_buf_puts(b, "],\"signals\":{");
    for (int sg = 1, n = 0; sg < CCSIG_SIGNAL_COUNT; sg++) {
        if (!(signals & (1u << sg)))
            continue;
        const char *tok = ccsig_signal_token((ccsig_signal)sg);
        if (n++)
            ccsig_buf_putc(b, ',');
        ccsig_buf_json_str(b, tok, strlen(tok));
        ccsig_buf_putc(b, ':');
        ccsig_buf_putc(b, '{');
        json_member(b, "title", ccsig_signal_title((ccsig_signal)sg), false);
        ccsig_buf_puts(b, ",\"conditions\":{");
        unsigned cond = ccsig_signal_conditions((ccsig_signal)sg);
        for (int k = 0, m = 0; k < CCSIG_COND_COUNT; k++)
            if (cond & (1u << k))
                json_member(b, ccsig_condition_name(1u << k), ccsig_condition_terms(1u << k),
                            m++ > 0);
        ccsig_buf_puts(b, "}}");
    }
    ccsig_buf_puts(b, "},\"public_interest\":[");
    for (int u = 1; u < CCSIG_PURPOSE_COUNT; u++)
        ccsig_buf_printf(b, "%s\"%s\"", u > 1 ? "," : "", ccsig_purpose_name((ccsig_purpose)u));
    ccsig_buf_putc(b, ']');
    json_member(b, "credit", p->credit_template, true);
    ccsig_buf_puts(b, "}\n");
}

void terms_hash(const char *json, size_t len, char hex[STORE_HASH_HEX + 1]) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)json, len);
    hu_hex(h, sizeof h, hex);
}

int terms_publish(server *s, char *err, size_t errlen) {
    ccsig_buf_clear(&s->terms_doc);
    terms_json(s->pol, &s->terms_doc);
    if (ccsig_buf_failed(&s->terms_doc)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char hash[STORE_HASH_HEX + 1];
    terms_hash(s->terms_doc.data, s->terms_doc.len, hash);
    if (store_terms_put(s->st, hash, ccsig_buf_cstr(&s->terms_doc), ccsig_buf_cstr(&s->declaration),
                        now_wall_us() / 1000, &s->terms) != 0) {
        snprintf(err, errlen, "the terms could not be recorded in %s", store_display(s->st));
        return -1;
    }
    return 0;
}

void terms_url(const server *s, const char *hash, ccsig_buf *out) {
    ccsig_buf_printf(out, "%s/terms/%s", s->pol->public_url, hash);
}

void terms_ref_json(const server *s, ccsig_buf *b) {
    ccsig_buf_printf(b, "{\"version\":%lld,\"hash\":\"%s\",\"url\":\"", (long long)s->terms.version,
                     s->terms.hash);
    ccsig_buf url = CCSIG_BUF_INIT;
    terms_url(s, s->terms.hash, &url);
    ccsig_buf_puts(b, ccsig_buf_cstr(&url)); /* a URL we built: nothing to escape */
    ccsig_buf_puts(b, "\"}");
    ccsig_buf_free(&url);
}

int terms_record(server *s, int64_t reuser_id, int use, unsigned commitments, const char *addr) {
    acceptance a;
    memset(&a, 0, sizeof a);
    a.reuser_id = reuser_id;
    memcpy(a.terms_hash, s->terms.hash, sizeof a.terms_hash);
    a.accepted_ms = now_wall_us() / 1000;
    snprintf(a.address, sizeof a.address, "%s", addr);
    a.use = use;
    a.commitments = commitments;
    return store_accept(s->st, &a);
}

/* ---- the 403 before a keyed request on old terms ---- */

bool terms_gate(rq *r, reply *rp) {
    server *s = r->srv;
    route_id id = r->rt.id;
    if (!r->cls.keyed || r->cls.key_refused || r->cls.key.kind != KIND_BULK ||
        !strcmp(r->cls.key.terms_hash, s->terms.hash))
        return true;
    /* What a reuser needs to read and accept the terms stays open. */
    if (id == R_TERMS || id == R_TERMS_ACCEPT || id == R_ROBOTS || id == R_TDMREP ||
        id == R_STYLE || id == R_DECLARATION || id == R_REGISTER || id == R_RECEIPT ||
        id == R_RECEIPT_KEY)
        return true;
    /* The cache may predate an acceptance made on another gateway. */
    reuser *u = malloc(sizeof *u);
    if (u && store_reuser_by_key(s->st, r->cls.key.key_id, u) == 1 &&
        !strcmp(u->terms_hash, s->terms.hash)) {
        reuser_key_from(&r->cls.key, u);
        keycache_put(s->keys, &r->cls.key, now_mono_us());
        free(u);
        return true;
    }
    free(u);
    ccsig_buf m = CCSIG_BUF_INIT, url = CCSIG_BUF_INIT;
    terms_url(s, s->terms.hash, &url);
    ccsig_buf_printf(&m,
                     "The collection's terms changed: version %lld (sha256 %s) is at %s and key "
                     "%s has not accepted it. Read it, then accept it with your key: POST %s/"
                     "terms/accept with accept=yes, terms=%s and your pledges (commit-credit=yes, "
                     "...), as at registration.",
                     (long long)s->terms.version, s->terms.hash, ccsig_buf_cstr(&url),
                     r->cls.key.key_id, s->pol->public_url, s->terms.hash);
    reply_error(r, rp, 403, "New terms to accept", ccsig_buf_cstr(&m));
    reply_header(rp, "Link", "<%s>; rel=\"terms-of-service\"", ccsig_buf_cstr(&url));
    ccsig_buf_free(&m);
    ccsig_buf_free(&url);
    return false;
}

/* ---- pages ---- */

typedef struct hist {
    const server *s;
    ccsig_buf *b;
} hist;

static int on_version(void *arg, const terms_rec *t) {
    hist *h = arg;
    char when[21];
    hu_time_iso(t->published_ms, when);
    ccsig_buf_printf(h->b,
                     "<tr><td>%lld</td><td><a href=\"/terms/%s\"><code>%.16s…</code></a> (<a "
                     "href=\"/terms/%s.json\">JSON</a>)</td><td>%s</td><td>%s</td></tr>\n",
                     (long long)t->version, t->hash, t->hash, t->hash, when,
                     !strcmp(t->hash, h->s->terms.hash) ? "current" : "");
    return 0;
}

/* The human page of a version: what it is, how to accept it, its text (the
 * declaration as it was), and every version. */
static void terms_page(rq *r, reply *rp, const terms_rec *t, const ccsig_buf *html) {
    server *s = r->srv;
    ccsig_buf *b = &rp->body;
    char when[21];
    hu_time_iso(t->published_ms, when);
    char title[64];
    snprintf(title, sizeof title, "Terms, version %lld", (long long)t->version);
    page_begin(s, b, title);
    ccsig_buf_printf(b,
                     "<h1>%s</h1>\n<p>Published %s. SHA-256 of the machine-readable "
                     "document: <code id=\"terms-hash\">%s</code> (<a href=\"/terms/%s.json\">"
                     "JSON</a>; this version stays at <a href=\"/terms/%s\">/terms/%s</a>).",
                     title, when, t->hash, t->hash, t->hash, t->hash);
    if (strcmp(t->hash, s->terms.hash) != 0)
        ccsig_buf_printf(b,
                         " <strong>These terms were replaced</strong>: <a href=\"/terms\">the "
                         "current version is %lld</a>.",
                         (long long)s->terms.version);
    else
        ccsig_buf_puts(b, " A bulk reuser accepts these terms when registering; when they change, "
                          "each key is asked to accept the new version before its next request "
                          "(<code>POST /terms/accept</code> with the key, <code>accept=yes</code>, "
                          "<code>terms=</code> the hash and the pledges).");
    ccsig_buf_puts(b, "</p>\n<section class=\"terms-text\">\n");
    ccsig_buf_append(b, html->data, html->len);
    ccsig_buf_puts(b, "</section>\n<h2>Every version</h2>\n<table id=\"terms-versions\"><thead>"
                      "<tr><th>Version</th><th>Hash</th><th>Published</th><th></th></tr></thead>"
                      "<tbody>\n");
    hist h = {s, b};
    store_terms_list(s->st, on_version, &h);
    ccsig_buf_puts(b, "</tbody></table>\n");
    page_end(b);
    page_headers(rp);
}

/* POST /terms/accept: a bulk key accepts the current version, restating
 * its pledges (the ones it has when it states none). */
static void accept_post(rq *r, reply *rp) {
    server *s = r->srv;
    hu_form f;
    if (!require_key(r, rp, "Accepting the terms") || !form_read(r, rp, &f))
        return;
    const char *th = hu_form_get(&f, "terms");
    ccsig_buf errs = CCSIG_BUF_INIT, plain = CCSIG_BUF_INIT;
    if (!hu_form_has(&f, "accept"))
        ccsig_buf_puts(&plain, "Accept the terms (accept=yes).");
    if (th && *th && strcmp(th, s->terms.hash) != 0) {
        hu_form_free(&f);
        ccsig_buf_free(&plain);
        char m[300];
        snprintf(m, sizeof m,
                 "The terms changed again: the current version is %lld (sha256 %s). Read it "
                 "and accept that one.",
                 (long long)s->terms.version, s->terms.hash);
        reply_error(r, rp, 409, "Terms changed", m);
        return;
    }
    unsigned pledges = pledges_from_form(&f);
    if (!pledges)
        pledges = r->cls.key.commitments;
    if (r->cls.key.kind == KIND_BULK)
        pledges_missing(s->pol, (ccsig_category)r->cls.key.use, pledges, &errs, &plain);
    hu_form_free(&f);
    if (plain.len) {
        reply_error(r, rp, 400, "Terms not accepted", ccsig_buf_cstr(&plain));
        ccsig_buf_free(&errs);
        ccsig_buf_free(&plain);
        return;
    }
    ccsig_buf_free(&errs);
    ccsig_buf_free(&plain);
    if (terms_record(s, r->cls.key.id, r->cls.key.use, pledges, r->addr) != 0) {
        reply_error(r, rp, 503, "Service unavailable", "The acceptance could not be stored.");
        return;
    }
    keycache_clear(s->keys);
    ccsig_buf *b = &rp->body;
    ccsig_buf_printf(b, "{\"key_id\":\"%s\",\"terms\":", r->cls.key.key_id);
    terms_ref_json(s, b);
    ccsig_buf_puts(b, ",\"pledges\":[");
    for (int k = 0, n = 0; k < CCSIG_COND_COUNT; k++)
        if (pledges & (1u << k))
            ccsig_buf_printf(b, "%s\"%s\"", n++ ? "," : "", ccsig_condition_name(1u << k));
    ccsig_buf_puts(b, "]}\n");
    reply_header(rp, "Content-Type", "application/json");
    reply_header(rp, "Cache-Control", "no-store");
}

void page_terms(rq *r, reply *rp) {
    server *s = r->srv;
    if (r->rt.id == R_TERMS_ACCEPT) {
        if (strcmp(r->method, "POST") != 0) {
            reply_error(r, rp, 405, "Method not allowed",
                        "Accept the terms with a POST (see /terms).");
            reply_header(rp, "Allow", "POST");
            return;
        }
        accept_post(r, rp);
        return;
    }
    const char *p = r->path + 6; /* after "/terms" */
    bool json = false;
    char hash[STORE_HASH_HEX + 1];
    size_t n = strlen(p);
    if (!strcmp(p, ".json")) {
        json = true;
        memcpy(hash, s->terms.hash, sizeof hash);
    } else if (!*p) {
        memcpy(hash, s->terms.hash, sizeof hash);
    } else {
        /* "/HASH" or "/HASH.json": 64 lower-case hex digits. */
        p++;
        n--;
        if (n == STORE_HASH_HEX + 5 && !strcmp(p + STORE_HASH_HEX, ".json")) {
            json = true;
            n = STORE_HASH_HEX;
        }
        bool hex = n == STORE_HASH_HEX;
        for (size_t i = 0; hex && i < n; i++)
            hex = (p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f');
        if (!hex) {
            reply_error(r, rp, 404, "Not found", "No such version of the terms.");
            return;
        }
        memcpy(hash, p, STORE_HASH_HEX);
        hash[STORE_HASH_HEX] = '\0';
    }
    terms_rec t;
    ccsig_buf doc = CCSIG_BUF_INIT, html = CCSIG_BUF_INIT;
    int found = store_terms_get(s->st, hash, &t, json ? &doc : NULL, json ? NULL : &html);
    if (found != 1) {
        ccsig_buf_free(&doc);
        ccsig_buf_free(&html);
        if (found < 0)
            reply_error(r, rp, 503, "Service unavailable", "The terms could not be read.");
        else
            reply_error(r, rp, 404, "Not found", "No such version of the terms.");
        return;
    }
    char etag[STORE_HASH_HEX + 3];
    snprintf(etag, sizeof etag, "\"%s\"", t.hash);
    reply_header(rp, "ETag", "%s", etag);
    reply_header(rp, "X-Terms-Version", "%lld", (long long)t.version);
    ccsig_buf url = CCSIG_BUF_INIT;
    terms_url(s, t.hash, &url);
    reply_header(rp, "Link", "<%s%s>; rel=\"canonical\"", ccsig_buf_cstr(&url),
                 json ? ".json" : "");
    ccsig_buf_free(&url);
    if (hu_etag_match(r->h.if_none_match, etag)) {
        rp->status = 304;
        ccsig_buf_free(&doc);
        ccsig_buf_free(&html);
        return;
    }
    if (json) {
        rp->body = doc;
        reply_header(rp, "Content-Type", "application/json");
    } else {
        terms_page(r, rp, &t, &html);
        ccsig_buf_free(&html);
    }
}

/* ---- the steward's view ---- */

static int on_acceptance(void *arg, const acceptance *a) {
    ccsig_buf *b = arg;
    char when[21];
    hu_time_iso(a->accepted_ms, when);
    ccsig_buf_printf(b, "<tr><td><a href=\"/terms/%s\">%lld</a></td><td>%s</td><td>", a->terms_hash,
                     (long long)a->version, when);
    hu_html(b, a->address);
    ccsig_buf_printf(b, "</td><td>%s</td><td>", ccsig_category_name((ccsig_category)a->use));
    int n = 0;
    for (int k = 0; k < CCSIG_COND_COUNT; k++)
        if (a->commitments & (1u << k))
            ccsig_buf_printf(b, "%s%s", n++ ? ", " : "", ccsig_condition_name(1u << k));
    ccsig_buf_puts(b, n ? "</td></tr>\n" : "none</td></tr>\n");
    return 0;
}

void terms_acceptances_html(server *s, int64_t reuser_id, ccsig_buf *b) {
    ccsig_buf_puts(b, "<h2>Terms accepted</h2>\n<table id=\"acceptances\"><thead><tr><th>Terms "
                      "version</th><th>Accepted (UTC)</th><th>From address</th><th>Use</th><th>"
                      "Pledges</th></tr></thead><tbody>\n");
    size_t before = b->len;
    if (store_acceptances(s->st, reuser_id, on_acceptance, b) != 0)
        ccsig_buf_puts(b, "<tr><td colspan=\"5\">The acceptances could not be read.</td></tr>\n");
    else if (b->len == before)
        ccsig_buf_puts(b, "<tr><td colspan=\"5\">None recorded.</td></tr>\n");
    ccsig_buf_puts(b, "</tbody></table>\n");
}

void terms_versions_html(server *s, ccsig_buf *b) {
    ccsig_buf_printf(b,
                     "<h2>Terms</h2>\n<p>Current: <a href=\"/terms\">version %lld</a>. A new "
                     "version asks every bulk key to accept again before its next request.</p>\n"
                     "<table id=\"terms-versions\"><thead><tr><th>Version</th><th>Hash</th><th>"
                     "Published</th><th></th></tr></thead><tbody>\n",
                     (long long)s->terms.version);
    hist h = {s, b};
    store_terms_list(s->st, on_version, &h);
    ccsig_buf_puts(b, "</tbody></table>\n");
}
