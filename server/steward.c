/*
 * steward.c — the steward's pages: login (argon2id, libsodium), sessions
 * with CSRF tokens, reusers and their pledges, approval of public-interest
 * claims, key revocation, usage per reuser over time (an SVG chart drawn
 * here) and the CSV export for contribution accounting.
 *
 * Sessions: a random 256-bit token in an HttpOnly, SameSite=Strict cookie
 * scoped to /steward; the database keeps only its BLAKE2b hash, with the
 * session's CSRF token, so several gateways sharing PostgreSQL share
 * sessions. Every POST carries the CSRF token, compared in constant time.
 * The login form is protected against login CSRF by a double-submit token.
 * Nothing under /steward is served without a live session but the login
 * page itself.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define SESSION_COOKIE "ccsig_session"
#define LOGIN_COOKIE "ccsig_login"
#define CHART_DAYS 30

int steward_hash_password(const char *pw, char *out, size_t outlen) {
    if (sodium_init() < 0 || outlen < crypto_pwhash_STRBYTES)
        return -1;
    return crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

static void token_hash(const char *token, char out[STORE_HASH_HEX + 1]) {
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token),
                       (const unsigned char *)"ccsig-session-v1", 16);
    hu_hex(h, sizeof h, out);
}

static void random_token(char *out, size_t outlen) {
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2base64(out, outlen, b, sizeof b, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static bool same_secret(const char *a, const char *b) {
    if (!a || !b)
        return false;
    size_t n = strlen(a);
    return n > 0 && n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

static void cookie(reply *rp, const server *s, const char *name, const char *value, long max_age) {
    reply_header(rp, "Set-Cookie", "%s=%s; Path=/steward; HttpOnly; SameSite=Strict; Max-Age=%ld%s",
                 name, value, max_age, s->secure_cookies ? "; Secure" : "");
}

static void see_other(reply *rp, const char *where) {
    rp->status = 303;
    reply_header(rp, "Location", "%s", where);
    reply_header(rp, "Content-Type", "text/plain; charset=utf-8");
    ccsig_buf_clear(&rp->body);
    ccsig_buf_printf(&rp->body, "See %s\n", where);
}

typedef struct session {
    char name[65];
    char csrf[65];
    char sid_hash[STORE_HASH_HEX + 1];
} session;

/* 1: live session; 0: none; -1: store error. */
static int current_session(rq *r, session *ss) {
    char token[128];
    if (!hu_cookie(rq_header(r, "Cookie"), SESSION_COOKIE, token, sizeof token) ||
        strlen(token) != 43)
        return 0;
    token_hash(token, ss->sid_hash);
    return store_session_get(r->srv->st, ss->sid_hash, now_wall_us() / 1000, ss->name,
                             sizeof ss->name, ss->csrf, sizeof ss->csrf);
}

/* ---- login ---- */

static void login_form(rq *r, reply *rp, const char *error) {
    server *s = r->srv;
    char tok[64];
    random_token(tok, sizeof tok);
    ccsig_buf *b = &rp->body;
    ccsig_buf_clear(b);
    page_begin(s, b, "Steward login");
    ccsig_buf_puts(b, "<h1>Steward login</h1>\n");
    if (error) {
        ccsig_buf_puts(b, "<div class=\"errors\" id=\"errors\"><p>");
        hu_html(b, error);
        ccsig_buf_puts(b, "</p></div>\n");
    }
    ccsig_buf_puts(b, "<form method=\"post\" action=\"/steward/login\" id=\"login\">"
                      "<input type=\"hidden\" name=\"login_token\" value=\"");
    ccsig_buf_puts(b, tok);
    ccsig_buf_puts(b, "\"><label>Name <input name=\"name\" autocomplete=\"username\" required>"
                      "</label><label>Password <input type=\"password\" name=\"password\" "
                      "autocomplete=\"current-password\" required></label><button "
                      "type=\"submit\">Log in</button></form>\n");
    page_end(b);
    page_headers(rp);
    cookie(rp, s, LOGIN_COOKIE, tok, 3600);
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void) {
    steward_hash_password("ccsig-no-such-steward", dummy_hash, sizeof dummy_hash);
}

static void dummy_verify(const char *pw) {
    /* Spend the time a real check would, so a wrong name and a wrong
     * password cannot be told apart by timing. */
    pthread_once(&dummy_once, make_dummy);
    if (crypto_pwhash_str_verify(dummy_hash, pw, strlen(pw)) == 0)
        fprintf(stderr, "ccsig serve: the dummy steward password was guessed\n");
}

static void login_post(rq *r, reply *rp) {
    server *s = r->srv;
    const tier *t = &s->pol->tiers[TIER_LOGINS];
    int64_t wait = rl_take(s->rl, TIER_LOGINS, r->addr, now_mono_us(), t->rate, t->burst);
    if (wait) {
        long secs = (long)((wait + 999999) / 1000000);
        char m[160];
        snprintf(m, sizeof m, "Too many login attempts from this address; retry in %ld seconds.",
                 secs);
        login_form(r, rp, m);
        rp->status = 429;
        reply_header(rp, "Retry-After", "%ld", secs);
        return;
    }
    hu_form f;
    if (r->body_too_large || hu_form_parse(&f, r->body, r->body_len) != 0) {
        login_form(r, rp, "The form could not be read.");
        rp->status = 400;
        return;
    }
    char ctok[128];
    const char *ftok = hu_form_get(&f, "login_token");
    if (!hu_cookie(rq_header(r, "Cookie"), LOGIN_COOKIE, ctok, sizeof ctok) ||
        !same_secret(ctok, ftok)) {
        hu_form_free(&f);
        login_form(r, rp, "The login form expired (or did not come from this site); try again.");
        rp->status = 403;
        return;
    }
    const char *name = hu_form_get(&f, "name"), *pw = hu_form_get(&f, "password");
    int64_t id = 0;
    char hash[crypto_pwhash_STRBYTES + 1];
    int found = name && pw && strlen(name) <= 64 && strlen(pw) <= 1024
                    ? store_steward_get(s->st, name, &id, hash, sizeof hash)
                    : 0;
    bool ok = false;
    if (found == 1)
        ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
    else if (pw && strlen(pw) <= 1024)
        dummy_verify(pw);
    hu_form_free(&f);
    if (found < 0) {
        login_form(r, rp, "The steward database is unavailable.");
        rp->status = 503;
        return;
    }
    if (!ok) {
        login_form(r, rp, "Wrong name or password.");
        rp->status = 403;
        return;
    }
    char token[64], th[STORE_HASH_HEX + 1], csrf[65];
    unsigned char cb[32];
    random_token(token, sizeof token);
    token_hash(token, th);
    randombytes_buf(cb, sizeof cb);
    hu_hex(cb, sizeof cb, csrf);
    int64_t now = now_wall_us() / 1000;
    if (store_session_put(s->st, th, id, csrf, now,
                          now + (int64_t)s->pol->session_hours * 3600 * 1000) != 0) {
        login_form(r, rp, "The session could not be stored.");
        rp->status = 503;
        return;
    }
    see_other(rp, "/steward/");
    cookie(rp, s, SESSION_COOKIE, token, (long)s->pol->session_hours * 3600);
    sodium_memzero(token, sizeof token);
}

/* ---- chart ---- */

typedef struct series {
    char label[STORE_NAME_MAX + 24];
    uint64_t v[CHART_DAYS];
} series;

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                      "#9467bd", "#8c564b", "#e377c2", "#17becf"};

/* A line chart of requests per day, drawn as inline SVG (no script, no
 * external resource: the page's CSP allows neither). */
static void svg_chart(ccsig_buf *b, const char *title, int64_t first_day, const series *sv,
                      size_t n) {
    const int W = 760, H = 280, L = 56, R = 190, T = 24, B = 44;
    const int pw = W - L - R, ph = H - T - B;
    uint64_t max = 1;
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < CHART_DAYS; d++)
            if (sv[i].v[d] > max)
                max = sv[i].v[d];
    /* A round top for the axis: 1, 2 or 5 times a power of ten. */
    uint64_t top = 1;
    while (top < max) {
        if (top * 2 >= max) {
            top *= 2;
            break;
        }
        if (top * 5 >= max) {
            top *= 5;
            break;
        }
        top *= 10;
    }
    ccsig_buf_printf(b,
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"usage-chart\""
                     " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
                     "aria-label=\"",
                     W, H, W, H);
    hu_html(b, title);
    ccsig_buf_puts(b, "\"><title>");
    hu_html(b, title);
    ccsig_buf_puts(b, "</title>\n");
    /* Axes and grid: as many lines as make every label an integer (top is
     * 1, 2 or 5 times a power of ten: 4 or 5 steps, else 2 or 1). */
    int steps = top % 4 == 0 ? 4 : top % 5 == 0 ? 5 : top % 2 == 0 ? 2 : 1;
    for (int g = 0; g <= steps; g++) {
        int y = T + ph - ph * g / steps;
        ccsig_buf_printf(b,
                         "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#e4e4e4\"/>"
                         "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" "
                         "fill=\"#555\">%llu</text>\n",
                         L, y, L + pw, y, L - 6, y + 4, (unsigned long long)(top / steps * g));
    }
    ccsig_buf_printf(b,
                     "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>"
                     "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555\">requests per day"
                     " (UTC)</text>\n",
                     L, T + ph, L + pw, T + ph, L, T - 8);
    for (int d = 0; d < CHART_DAYS; d += 7) {
        char day[11];
        hu_day_format(first_day + d, day);
        int x = L + pw * d / (CHART_DAYS - 1);
        ccsig_buf_printf(b,
                         "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" "
                         "fill=\"#555\">%s</text>\n",
                         x, T + ph + 18, day);
    }
    for (size_t i = 0; i < n; i++) {
        const char *col = palette[i % (sizeof palette / sizeof palette[0])];
        ccsig_buf_printf(b,
                         "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" "
                         "stroke-width=\"2\" points=\"",
                         col);
        for (int d = 0; d < CHART_DAYS; d++) {
            int x = L + pw * d / (CHART_DAYS - 1);
            int y = T + ph - (int)((double)ph * (double)sv[i].v[d] / (double)top);
            ccsig_buf_printf(b, "%s%d,%d", d ? " " : "", x, y);
        }
        ccsig_buf_puts(b, "\"/>\n");
        int ly = T + 14 + (int)i * 18;
        ccsig_buf_printf(b,
                         "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                         "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#222\">",
                         L + pw + 14, ly - 10, col, L + pw + 32, ly);
        /* Legend: at most 24 bytes of the name, cut at a character. */
        size_t ln = strlen(sv[i].label);
        if (ln > 24) {
            ln = 24;
            while (ln > 0 && ((unsigned char)sv[i].label[ln] & 0xC0) == 0x80)
                ln--;
        }
        hu_html_n(b, sv[i].label, ln);
        ccsig_buf_puts(b, "</text>\n");
    }
    if (n == 0)
        ccsig_buf_printf(b,
                         "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\" "
                         "fill=\"#777\">no keyed requests in these 30 days</text>\n",
                         L + pw / 2, T + ph / 2);
    ccsig_buf_puts(b, "</svg>\n");
}

/* ---- dashboard ---- */

typedef struct usage_acc {
    int64_t first_day;
    int64_t reuser; /* 0 = all */
    series *sv;
    int64_t *ids;
    size_t n, cap;
    uint64_t *bytes_total;
} usage_acc;

static int on_usage(void *arg, const usage_row *u) {
    usage_acc *a = arg;
    size_t i = 0;
    while (i < a->n && a->ids[i] != u->reuser_id)
        i++;
    if (i == a->n) {
        if (a->n == a->cap) {
            size_t cap = a->cap ? a->cap * 2 : 16;
            series *sv = realloc(a->sv, cap * sizeof *sv);
            if (!sv)
                return 1;
            a->sv = sv;
            int64_t *ids = realloc(a->ids, cap * sizeof *ids);
            if (!ids)
                return 1;
            a->ids = ids;
            uint64_t *bt = realloc(a->bytes_total, cap * sizeof *bt);
            if (!bt)
                return 1;
            a->bytes_total = bt;
            a->cap = cap;
        }
        memset(&a->sv[i], 0, sizeof a->sv[i]);
        a->ids[i] = u->reuser_id;
        a->bytes_total[i] = 0;
        snprintf(a->sv[i].label, sizeof a->sv[i].label, "#%lld", (long long)u->reuser_id);
        a->n++;
    }
    int64_t d = u->day - a->first_day;
    if (d >= 0 && d < CHART_DAYS)
        a->sv[i].v[d] += u->requests;
    a->bytes_total[i] += u->bytes;
    return 0;
}

static void usage_free(usage_acc *a) {
    free(a->sv);
    free(a->ids);
    free(a->bytes_total);
}

typedef struct list_ctx {
    ccsig_buf *b;
    const session *ss;
    usage_acc *usage;
    int pending_only;
    size_t count;
} list_ctx;

static void action_form(ccsig_buf *b, const session *ss, int64_t id, const char *action,
                        const char *label, const char *cls) {
    ccsig_buf_printf(b,
                     "<form class=\"inline\" method=\"post\" action=\"/steward/reusers/%lld/%s\">"
                     "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\" "
                     "class=\"%s\" id=\"%s-%lld\">%s</button></form> ",
                     (long long)id, action, ss->csrf, cls, action, (long long)id, label);
}

static void commitments_text(ccsig_buf *b, unsigned c) {
    int n = 0;
    for (int k = 0; k < CCSIG_COND_COUNT; k++)
        if (c & (1u << k)) {
            ccsig_buf_puts(b, n++ ? ", " : "");
            ccsig_buf_puts(b, ccsig_condition_name(1u << k));
        }
    if (!n)
        ccsig_buf_puts(b, "none");
}

static int on_reuser_row(void *arg, const reuser *u) {
    list_ctx *c = arg;
    ccsig_buf *b = c->b;
    if (c->pending_only != (u->status == ST_PENDING))
        return 0;
    c->count++;
    uint64_t total = 0, bytes = 0;
    for (size_t i = 0; i < c->usage->n; i++)
        if (c->usage->ids[i] == u->id) {
            for (int d = 0; d < CHART_DAYS; d++)
                total += c->usage->sv[i].v[d];
            bytes = c->usage->bytes_total[i];
        }
    ccsig_buf_printf(b, "<tr id=\"reuser-%lld\"><td><a href=\"/steward/reusers/%lld\">",
                     (long long)u->id, (long long)u->id);
    hu_html(b, u->name);
    ccsig_buf_puts(b, "</a><br><small>");
    hu_html(b, u->contact);
    ccsig_buf_printf(b, "</small></td><td>%s<br><small>key %s</small></td>",
                     reuser_kind_name(u->kind), u->key_id);
    ccsig_buf_printf(b, "<td class=\"status-%s\">%s</td><td>%s</td><td>",
                     reuser_status_name(u->status), reuser_status_name(u->status),
                     ccsig_category_name((ccsig_category)u->use));
    if (u->kind == KIND_PUBLIC) {
        ccsig_buf_puts(b, "<strong>");
        hu_html(b, ccsig_purpose_name((ccsig_purpose)u->purpose));
        ccsig_buf_puts(b, "</strong>: ");
        hu_html(b, u->claim);
    } else {
        commitments_text(b, u->commitments);
        ccsig_buf_puts(b, "<br><small>credit: ");
        hu_html(b, u->credit);
        if (u->contribution[0]) {
            ccsig_buf_puts(b, "<br>contribution: ");
            hu_html(b, u->contribution);
        }
        ccsig_buf_puts(b, "</small>");
    }
    ccsig_buf_printf(b, "</td><td>%llu<br><small>%llu bytes</small></td><td>",
                     (unsigned long long)total, (unsigned long long)bytes);
    if (u->status == ST_PENDING) {
        action_form(b, c->ss, u->id, "approve", "Approve", "");
        action_form(b, c->ss, u->id, "reject", "Reject", "secondary");
    }
    if (u->status == ST_ACTIVE || u->status == ST_PENDING)
        action_form(b, c->ss, u->id, "revoke", "Revoke key", "danger");
    ccsig_buf_puts(b, "</td></tr>\n");
    return 0;
}

static void table_head(ccsig_buf *b, const char *id) {
    ccsig_buf_printf(b,
                     "<table id=\"%s\"><thead><tr><th>Reuser</th><th>Kind</th><th>Status</th>"
                     "<th>Use</th><th>Claim or pledge</th><th>Requests (30 days)</th>"
                     "<th></th></tr></thead><tbody>\n",
                     id);
}

static int64_t today(void) {
    return now_wall_us() / 1000000 / 86400;
}

static void logout_form(ccsig_buf *b, const session *ss) {
    ccsig_buf_puts(b, "<p class=\"note\">Signed in as <strong>");
    hu_html(b, ss->name);
    ccsig_buf_printf(b,
                     "</strong>. <form class=\"inline\" method=\"post\" "
                     "action=\"/steward/logout\"><input type=\"hidden\" name=\"csrf\" "
                     "value=\"%s\"><button type=\"submit\" class=\"secondary\">Log "
                     "out</button></form></p>\n",
                     ss->csrf);
}

static void dashboard(rq *r, reply *rp, const session *ss) {
    server *s = r->srv;
    int64_t first = today() - (CHART_DAYS - 1);
    usage_acc ua = {first, 0, NULL, NULL, 0, 0, NULL};
    if (store_usage(s->st, 0, first, today(), on_usage, &ua) != 0) {
        usage_free(&ua);
        page_message(s, rp, 503, "Unavailable", "The ledger could not be read.");
        return;
    }
    /* Label the series with reusers' names. */
    for (size_t i = 0; i < ua.n; i++) {
        reuser *u = malloc(sizeof *u);
        if (u && store_reuser_get(s->st, ua.ids[i], u) == 1)
            snprintf(ua.sv[i].label, sizeof ua.sv[i].label, "%s", u->name);
        else if (ua.ids[i] == 0) /* Web Bot Auth agents nobody registered (wba.h) */
            snprintf(ua.sv[i].label, sizeof ua.sv[i].label, "unregistered agents");
        free(u);
    }
    /* The eight busiest reusers get a line each. */
    size_t shown = ua.n;
    for (size_t i = 0; i < ua.n; i++)
        for (size_t j = i + 1; j < ua.n; j++) {
            uint64_t ti = 0, tj = 0;
            for (int d = 0; d < CHART_DAYS; d++) {
                ti += ua.sv[i].v[d];
                tj += ua.sv[j].v[d];
            }
            if (tj > ti) {
                series tmp = ua.sv[i];
                ua.sv[i] = ua.sv[j];
                ua.sv[j] = tmp;
                int64_t t = ua.ids[i];
                ua.ids[i] = ua.ids[j];
                ua.ids[j] = t;
                uint64_t bt = ua.bytes_total[i];
                ua.bytes_total[i] = ua.bytes_total[j];
                ua.bytes_total[j] = bt;
            }
        }
    if (shown > 8)
        shown = 8;
    ccsig_buf *b = &rp->body;
    page_begin(s, b, "Steward");
    ccsig_buf_puts(b, "<h1>Steward</h1>\n");
    logout_form(b, ss);
    ccsig_buf_puts(b, "<h2>Usage by reuser</h2>\n");
    svg_chart(b, "Keyed requests per day, by reuser", first, ua.sv, shown);
    char from[11], to[11];
    hu_day_format(first, from);
    hu_day_format(today(), to);
    ccsig_buf_printf(b,
                     "<p><a id=\"csv\" href=\"/steward/usage.csv?from=%s&amp;to=%s\">Download "
                     "usage as CSV</a> (per reuser and day, with pledges: for contribution "
                     "accounting)</p>\n",
                     from, to);
    list_ctx lc = {b, ss, &ua, 1, 0};
    ccsig_buf_puts(b, "<h2>Public-interest claims awaiting approval</h2>\n");
    table_head(b, "pending");
    int rc = store_reusers_list(s->st, on_reuser_row, &lc);
    ccsig_buf_puts(b, "</tbody></table>\n");
    if (!lc.count)
        ccsig_buf_puts(b, "<p class=\"note\">None.</p>\n");
    lc.pending_only = 0;
    lc.count = 0;
    ccsig_buf_puts(b, "<h2>Reusers</h2>\n");
    table_head(b, "reusers");
    if (rc == 0)
        rc = store_reusers_list(s->st, on_reuser_row, &lc);
    ccsig_buf_puts(b, "</tbody></table>\n");
    reports_html(s, 0, b);
    terms_versions_html(s, b);
    page_end(b);
    page_headers(rp);
    usage_free(&ua);
    if (rc != 0)
        page_message(s, rp, 503, "Unavailable", "The reusers could not be read.");
}

static void reuser_page(rq *r, reply *rp, const session *ss) {
    server *s = r->srv;
    reuser *u = malloc(sizeof *u);
    int found = u ? store_reuser_get(s->st, r->rt.reuser, u) : -1;
    if (found != 1) {
        free(u);
        page_message(s, rp, found == 0 ? 404 : 503, found == 0 ? "No such reuser" : "Unavailable",
                     found == 0 ? "There is no reuser with this number."
                                : "The reusers could not be read.");
        return;
    }
    int64_t first = today() - (CHART_DAYS - 1);
    usage_acc ua = {first, u->id, NULL, NULL, 0, 0, NULL};
    store_usage(s->st, u->id, first, today(), on_usage, &ua);
    if (ua.n)
        snprintf(ua.sv[0].label, sizeof ua.sv[0].label, "%s", u->name);
    ccsig_buf *b = &rp->body;
    page_begin(s, b, u->name);
    ccsig_buf_puts(b, "<p><a href=\"/steward/\">← all reusers</a></p>\n<h1>");
    hu_html(b, u->name);
    ccsig_buf_puts(b, "</h1>\n");
    logout_form(b, ss);
    /* The confirmation of an action just taken (action() redirects here
     * with done=ACTION); said only when the status agrees with it. */
    const char *done = rq_arg(r, "done");
    static const struct {
        const char *action;
        reuser_status status;
        const char *text;
    } confirm[] = {
        {"approve", ST_ACTIVE,
         "Claim approved: the key now has public-interest access, without conditions, from its "
         "next request."},
        {"reject", ST_REJECTED, "Claim rejected: the key no longer has access."},
        {"revoke", ST_REVOKED, "Key revoked: it stopped working at once."},
    };
    for (size_t i = 0; done && i < sizeof confirm / sizeof confirm[0]; i++)
        if (!strcmp(done, confirm[i].action) && (int)u->status == (int)confirm[i].status)
            ccsig_buf_printf(b, "<p class=\"confirm\" id=\"confirm\" role=\"status\">%s</p>\n",
                             confirm[i].text);
    char created[11];
    hu_day_format(u->created_ms / 86400000, created);
    ccsig_buf_puts(b, "<table><tbody><tr><th>Contact</th><td>");
    hu_html(b, u->contact);
    ccsig_buf_printf(b,
                     "</td></tr><tr><th>Kind</th><td>%s</td></tr><tr><th>Status</th><td "
                     "class=\"status-%s\" id=\"status\">%s</td></tr><tr><th>Key</th><td>%s "
                     "(registered %s)</td></tr><tr><th>Use</th><td>%s</td></tr>",
                     reuser_kind_name(u->kind), reuser_status_name(u->status),
                     reuser_status_name(u->status), u->key_id, created,
                     ccsig_category_name((ccsig_category)u->use));
    if (u->kind == KIND_PUBLIC) {
        ccsig_buf_printf(b, "<tr><th>Purpose</th><td>%s</td></tr><tr><th>Claim</th><td>",
                         ccsig_purpose_name((ccsig_purpose)u->purpose));
        hu_html(b, u->claim);
        ccsig_buf_puts(b, "</td></tr>");
    } else {
        ccsig_buf_puts(b, "<tr><th>Commitments</th><td>");
        commitments_text(b, u->commitments);
        ccsig_buf_puts(b, "</td></tr><tr><th>Credit pledged</th><td>");
        hu_html(b, u->credit);
        ccsig_buf_puts(b, "</td></tr><tr><th>Contribution pledged</th><td>");
        hu_html(b, u->contribution[0] ? u->contribution : "—");
        ccsig_buf_puts(b, "</td></tr>");
    }
    char agent[512]; /* Web Bot Auth (wba.h) */
    if (store_agent_of(s->st, u->id, agent, sizeof agent) == 1) {
        ccsig_buf_puts(b, "<tr><th>Signature agent</th><td id=\"signature-agent\">");
        hu_html(b, agent);
        ccsig_buf_puts(b, "</td></tr>");
    }
    ccsig_buf_puts(b, "</tbody></table>\n<p>");
    if (u->status == ST_PENDING) {
        action_form(b, ss, u->id, "approve", "Approve claim", "");
        action_form(b, ss, u->id, "reject", "Reject claim", "secondary");
    }
    if (u->status == ST_ACTIVE || u->status == ST_PENDING)
        action_form(b, ss, u->id, "revoke", "Revoke key", "danger");
    ccsig_buf_puts(b, "</p>\n");
    terms_acceptances_html(s, u->id, b);
    reports_html(s, u->id, b);
    ccsig_buf_puts(b, "<h2>Usage</h2>\n");
    char title[STORE_NAME_MAX + 40];
    snprintf(title, sizeof title, "Keyed requests per day: %s", u->name);
    svg_chart(b, title, first, ua.sv, ua.n ? 1 : 0);
    char from[11], to[11];
    hu_day_format(first, from);
    hu_day_format(today(), to);
    ccsig_buf_printf(b,
                     "<p><a href=\"/steward/usage.csv?from=%s&amp;to=%s\">Usage as "
                     "CSV</a></p>\n",
                     from, to);
    page_end(b);
    page_headers(rp);
    usage_free(&ua);
    free(u);
}

/* ---- actions ---- */

static void action(rq *r, reply *rp, const session *ss) {
    server *s = r->srv;
    hu_form f;
    if (r->body_too_large || hu_form_parse(&f, r->body, r->body_len) != 0) {
        page_message(s, rp, 400, "Bad request", "The form could not be read.");
        return;
    }
    bool ok = same_secret(hu_form_get(&f, "csrf"), ss->csrf);
    hu_form_free(&f);
    if (!ok) {
        page_message(s, rp, 403, "Forbidden",
                     "The form's token does not match your session (reload the page and try "
                     "again).");
        return;
    }
    reuser *u = malloc(sizeof *u);
    int found = u ? store_reuser_get(s->st, r->rt.reuser, u) : -1;
    if (found != 1) {
        free(u);
        page_message(s, rp, found == 0 ? 404 : 503, "No such reuser",
                     "There is no reuser with this number.");
        return;
    }
    reuser_status next;
    bool allowed;
    switch (r->rt.action) {
    case ACT_APPROVE:
        next = ST_ACTIVE;
        allowed = u->status == ST_PENDING;
        break;
    case ACT_REJECT:
        next = ST_REJECTED;
        allowed = u->status == ST_PENDING;
        break;
    default:
        next = ST_REVOKED;
        allowed = u->status == ST_ACTIVE || u->status == ST_PENDING;
    }
    if (!allowed) {
        char m[200];
        snprintf(m, sizeof m, "This reuser is %s; that action does not apply.",
                 reuser_status_name(u->status));
        free(u);
        page_message(s, rp, 409, "Nothing to do", m);
        return;
    }
    if (store_reuser_set_status(s->st, u->id, next, now_wall_us() / 1000) != 1) {
        free(u);
        page_message(s, rp, 503, "Unavailable", "The change could not be stored.");
        return;
    }
    keycache_clear(s->keys);
    fprintf(stderr, "ccsig serve: steward %s: reuser %lld (key %s) is now %s\n", ss->name,
            (long long)u->id, u->key_id, reuser_status_name(next));
    char where[80];
    snprintf(where, sizeof where, "/steward/reusers/%lld?done=%s", (long long)u->id,
             r->rt.action == ACT_APPROVE  ? "approve"
             : r->rt.action == ACT_REJECT ? "reject"
                                          : "revoke");
    free(u);
    see_other(rp, where);
}

/* ---- CSV ---- */

typedef struct csv_ctx {
    server *s;
    ccsig_buf *b;
    reuser *cache;
} csv_ctx;

static int on_csv_row(void *arg, const usage_row *row) {
    csv_ctx *c = arg;
    if (c->cache->id != row->reuser_id &&
        store_reuser_get(c->s->st, row->reuser_id, c->cache) != 1) {
        memset(c->cache, 0, sizeof *c->cache);
        c->cache->id = row->reuser_id;
    }
    const reuser *u = c->cache;
    char day[11];
    hu_day_format(row->day, day);
    ccsig_buf *b = c->b;
    ccsig_buf_printf(b, "%s,%lld,", day, (long long)row->reuser_id);
    hu_csv(b, u->key_id);
    ccsig_buf_putc(b, ',');
    hu_csv(b, u->name);
    ccsig_buf_putc(b, ',');
    hu_csv(b, u->contact);
    ccsig_buf_printf(b, ",%s,%s,%s,", reuser_kind_name(u->kind), reuser_status_name(u->status),
                     ccsig_category_name((ccsig_category)u->use));
    ccsig_buf cm = CCSIG_BUF_INIT;
    commitments_text(&cm, u->commitments);
    hu_csv(b, ccsig_buf_cstr(&cm));
    ccsig_buf_free(&cm);
    ccsig_buf_putc(b, ',');
    hu_csv(b, u->kind == KIND_PUBLIC ? ccsig_purpose_name((ccsig_purpose)u->purpose) : "");
    ccsig_buf_putc(b, ',');
    hu_csv(b, u->credit);
    ccsig_buf_putc(b, ',');
    hu_csv(b, u->contribution);
    ccsig_buf_printf(b, ",%llu,%llu,%llu\r\n", (unsigned long long)row->requests,
                     (unsigned long long)row->ok, (unsigned long long)row->bytes);
    return 0;
}

static void usage_csv(rq *r, reply *rp) {
    server *s = r->srv;
    const char *fa = rq_arg(r, "from"), *ta = rq_arg(r, "to");
    int64_t to = ta ? hu_day_parse(ta) : today();
    int64_t from = fa ? hu_day_parse(fa) : to - (CHART_DAYS - 1);
    if (from < 0 || to < 0 || from > to || to - from > 3660) {
        page_message(s, rp, 400, "Bad request",
                     "from and to must be days (YYYY-MM-DD), from no later than to, at most ten "
                     "years apart.");
        return;
    }
    csv_ctx c = {s, &rp->body, calloc(1, sizeof(reuser))};
    if (!c.cache) {
        page_message(s, rp, 503, "Unavailable", "Out of memory.");
        return;
    }
    ccsig_buf_puts(&rp->body, "day,reuser_id,key_id,name,contact,kind,status,use,commitments,"
                              "purpose,credit_pledged,contribution_pledged,requests,"
                              "ok_requests,bytes\r\n");
    int rc = store_usage(s->st, 0, from, to, on_csv_row, &c);
    free(c.cache);
    if (rc != 0) {
        page_message(s, rp, 503, "Unavailable", "The ledger could not be read.");
        return;
    }
    char f[11], t[11];
    hu_day_format(from, f);
    hu_day_format(to, t);
    reply_header(rp, "Content-Type", "text/csv; charset=utf-8");
    reply_header(rp, "Content-Disposition", "attachment; filename=\"ccsig-usage-%s-%s.csv\"", f, t);
}

/* ---- entry ---- */

void steward_handle(rq *r, reply *rp) {
    server *s = r->srv;
    bool post = !strcmp(r->method, "POST");
    reply_header(rp, "Cache-Control", "no-store");
    /* Every steward form is posted as application/x-www-form-urlencoded;
     * nothing else is read (a text/plain body is what a cross-site form
     * with enctype=text/plain would send). */
    if (post && !hu_form_ctype(rq_header(r, "Content-Type"))) {
        page_message(s, rp, 415, "Unsupported form",
                     "Steward forms are posted as application/x-www-form-urlencoded.");
        return;
    }
    if (r->rt.id == R_ST_LOGIN) {
        if (post)
            login_post(r, rp);
        else
            login_form(r, rp, NULL);
        reply_header(rp, "Cache-Control", "no-store");
        return;
    }
    session ss;
    int live = current_session(r, &ss);
    if (live < 0) {
        page_message(s, rp, 503, "Unavailable", "The steward database is unavailable.");
        return;
    }
    if (live == 0) {
        if (post)
            page_message(s, rp, 403, "Forbidden", "Log in first.");
        else
            see_other(rp, "/steward/login");
        reply_header(rp, "Cache-Control", "no-store");
        return;
    }
    switch (r->rt.id) {
    case R_ST_HOME:
        if (post)
            page_message(s, rp, 405, "Method not allowed", "");
        else
            dashboard(r, rp, &ss);
        break;
    case R_ST_REUSER:
        reuser_page(r, rp, &ss);
        break;
    case R_ST_ACTION:
        if (!post)
            page_message(s, rp, 405, "Method not allowed",
                         "Actions are forms: use the buttons on the steward pages.");
        else
            action(r, rp, &ss);
        break;
    case R_ST_CSV:
        usage_csv(r, rp);
        break;
    case R_ST_CHARGES:
        paycrawl_export(r, rp);
        break;
    case R_ST_LOGOUT: {
        hu_form f;
        bool ok = post && !r->body_too_large && hu_form_parse(&f, r->body, r->body_len) == 0;
        if (ok) {
            ok = same_secret(hu_form_get(&f, "csrf"), ss.csrf);
            hu_form_free(&f);
        }
        if (!ok) {
            page_message(s, rp, 403, "Forbidden", "Log out with the button on the steward pages.");
            break;
        }
        store_session_delete(s->st, ss.sid_hash);
        see_other(rp, "/steward/login");
        cookie(rp, s, SESSION_COOKIE, "", 0);
        break;
    }
    default:
        page_message(s, rp, 404, "Not found", "There is no steward page here.");
    }
    reply_header(rp, "Cache-Control", "no-store");
}
