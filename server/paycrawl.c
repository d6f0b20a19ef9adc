/*
 * paycrawl.c — pay per crawl (paycrawl.h): prices, the 402 and its retry,
 * the crawler-charged answer.
 */
#include "paycrawl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define PRICE_MAX_UNITS 1000000

/* Parse a price (paycrawl.h). */
bool price_parse(const char *s, size_t n, price *out) {
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n < 5 || s[3] != ' ')
        return false;
    for (int i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    int64_t units = 0, frac = 0;
    size_t i = 4, digits = 0, decimals = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
        units = units * 10 + (s[i] - '0');
        if (units > PRICE_MAX_UNITS)
            return false;
    }
    if (!digits)
        return false;
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (++decimals > 6)
                return false;
            frac = frac * 10 + (s[i] - '0');
        }
        if (!decimals)
            return false;
    }
    if (i != n)
        return false;
    for (size_t d = decimals; d < 6; d++)
        frac *= 10;
    int64_t micros = units * 1000000 + frac;
    if (micros <= 0 || micros > (int64_t)PRICE_MAX_UNITS * 1000000)
        return false;
    memcpy(out->currency, s, 3);
    out->currency[3] = '\0';
    out->micros = micros;
    return true;
}

/* An amount (paycrawl.h). */
void price_amount(int64_t micros, char out[PRICE_TEXT_MAX]) {
    char frac[8];
    snprintf(frac, sizeof frac, "%06lld", (long long)(micros % 1000000));
    size_t k = 6;
    while (k > 2 && frac[k - 1] == '0')
        k--;
    frac[k] = '\0';
    snprintf(out, PRICE_TEXT_MAX, "%lld.%s", (long long)(micros / 1000000), frac);
}

/* Format a price (paycrawl.h). */
void price_format(const price *p, char out[PRICE_TEXT_MAX]) {
    char amount[PRICE_TEXT_MAX];
    price_amount(p->micros, amount);
    snprintf(out, PRICE_TEXT_MAX, "%.3s %.24s", p->currency, amount);
}

/* Paths that cost: the collection's files and the bulk endpoints. */
static bool priced_route(route_id id) {
    return id == R_FILE || id == R_BULK_TAR || id == R_BULK_MANIFEST;
}

/* A pay-per-crawl refusal: status, crawler-error, and crawler-price on the
 * 402s. */
static void refuse(rq *r, reply *rp, unsigned status, const char *code, const char *msg,
                   const price *p) {
    char text[PRICE_TEXT_MAX], full[400];
    price_format(p, text);
    snprintf(full, sizeof full, "%s (crawler-error %s; the price is %s.)", msg, code, text);
    reply_error(r, rp, status, status == 402 ? "Payment required" : "Bad request", full);
    reply_header_static(rp, "crawler-error", code);
    if (status == 402)
        reply_header(rp, "crawler-price", "%s", text);
}

/* The pay-per-crawl gate (paycrawl.h). */
bool paycrawl_gate(rq *r, reply *rp) {
    const price *p = &r->srv->pol->tiers[r->cls.tier].price;
    r->charge.micros = 0;
    if (!p->micros || !priced_route(r->rt.id))
        return true;
    const char *exact = rq_header(r, "crawler-exact-price");
    const char *max = rq_header(r, "crawler-max-price");
    if (exact && max) {
        refuse(r, rp, 400, "ConflictingPriceHeaders",
               "Send crawler-exact-price or crawler-max-price, not both.", p);
        return false;
    }
    if (!exact && !max) {
        refuse(r, rp, 402, "MissingCrawlerPrice",
               "This content has a price per request: retry with crawler-exact-price or "
               "crawler-max-price, signed with Web Bot Auth.",
               p);
        return false;
    }
    price offer;
    if (!price_parse(exact ? exact : max, strlen(exact ? exact : max), &offer)) {
        refuse(r, rp, 400, "InvalidCrawlerPriceValue",
               "The price offered is not a currency code and an amount, such as 'USD 0.01'.", p);
        return false;
    }
    unsigned need = exact ? WBA_COVERS_EXACT_PRICE : WBA_COVERS_MAX_PRICE;
    if (!r->cls.signed_agent || !(r->cls.signed_covers & need)) {
        refuse(r, rp, 400, "StrongAuthRequired",
               r->cls.signed_agent
                   ? "The Web Bot Auth signature must cover the price header offered."
                   : "A price is accepted only from a crawler that signs its requests with Web "
                     "Bot Auth, the price header covered by the signature.",
               p);
        return false;
    }
    bool same = !strcmp(offer.currency, p->currency);
    if (exact && !(same && offer.micros == p->micros)) {
        refuse(r, rp, 402, "InvalidCrawlerExactPrice",
               "crawler-exact-price is not the price of this content.", p);
        return false;
    }
    if (max && !(same && offer.micros >= p->micros)) {
        refuse(r, rp, 402, "InvalidCrawlerMaxPrice",
               "crawler-max-price is below the price of this content.", p);
        return false;
    }
    r->charge = *p;
    return true;
}

/* After the handler (paycrawl.h). */
void paycrawl_done(rq *r, reply *rp) {
    if (!r->charge.micros)
        return;
    if (rp->status < 200 || rp->status > 299 || strcmp(r->method, "GET") != 0) {
        r->charge.micros = 0;
        return;
    }
    char text[PRICE_TEXT_MAX];
    price_format(&r->charge, text);
    reply_header(rp, "crawler-charged", "%s", text);
}

/* ---- the steward's export ---- */

typedef struct export_ctx {
    server *s;
    ccsig_buf *b;
    bool json;
    size_t n;
    reuser *cache; /* the last reuser looked up */
} export_ctx;

static int on_charge(void *arg, const charge_row *row) {
    export_ctx *c = arg;
    if (row->reuser_id && c->cache->id != row->reuser_id &&
        store_reuser_get(c->s->st, row->reuser_id, c->cache) != 1) {
        memset(c->cache, 0, sizeof *c->cache);
        c->cache->id = row->reuser_id;
    }
    const reuser *u = row->reuser_id ? c->cache : NULL;
    char amount[PRICE_TEXT_MAX];
    price_amount(row->micros, amount);
    ccsig_buf *b = c->b;
    if (c->json) {
        ccsig_buf_puts(b, c->n++ ? ",\n" : "\n");
        if (u)
            ccsig_buf_printf(b, "{\"reuser\":%lld,\"key_id\":", (long long)row->reuser_id);
        else
            ccsig_buf_puts(b, "{\"reuser\":null,\"key_id\":");
        ccsig_buf_json_str(b, u ? u->key_id : "", u ? strlen(u->key_id) : 0);
        ccsig_buf_puts(b, ",\"name\":");
        ccsig_buf_json_str(b, u ? u->name : "", u ? strlen(u->name) : 0);
        ccsig_buf_puts(b, ",\"agent\":");
        ccsig_buf_json_str(b, row->agent, strlen(row->agent));
        ccsig_buf_printf(b, ",\"currency\":\"%s\",\"requests\":%llu,\"amount\":\"%s\"}",
                         row->currency, (unsigned long long)row->requests, amount);
        return 0;
    }
    if (u)
        ccsig_buf_printf(b, "%lld,", (long long)row->reuser_id);
    else
        ccsig_buf_putc(b, ',');
    hu_csv(b, u ? u->key_id : "");
    ccsig_buf_putc(b, ',');
    hu_csv(b, u ? u->name : "");
    ccsig_buf_putc(b, ',');
    hu_csv(b, row->agent);
    ccsig_buf_putc(b, ',');
    hu_csv(b, row->currency);
    ccsig_buf_printf(b, ",%llu,%s\r\n", (unsigned long long)row->requests, amount);
    return 0;
}

/* The export (paycrawl.h). */
void paycrawl_export(rq *r, reply *rp) {
    server *s = r->srv;
    bool json = strstr(r->path, ".json") != NULL;
    const char *fa = rq_arg(r, "from"), *ta = rq_arg(r, "to"), *ra = rq_arg(r, "reuser");
    int64_t to = ta ? hu_day_parse(ta) : now_wall_us() / 1000 / 86400000;
    int64_t from = fa ? hu_day_parse(fa) : to - 29;
    char *end = NULL;
    long long who = ra ? strtoll(ra, &end, 10) : 0;
    if (from < 0 || to < 0 || from > to || to - from > 3660 || who < 0 ||
        (ra && (end == ra || *end))) {
        page_message(s, rp, 400, "Bad request",
                     "from and to must be days (YYYY-MM-DD), from no later than to, at most ten "
                     "years apart; reuser a reuser's number.");
        return;
    }
    export_ctx c = {s, &rp->body, json, 0, calloc(1, sizeof(reuser))};
    if (!c.cache) {
        page_message(s, rp, 503, "Unavailable", "Out of memory.");
        return;
    }
    char f[11], t[11];
    hu_day_format(from, f);
    hu_day_format(to, t);
    if (json)
        ccsig_buf_printf(&rp->body, "{\"from\":\"%s\",\"to\":\"%s\",\"charges\":[", f, t);
    else
        ccsig_buf_puts(&rp->body, "reuser_id,key_id,name,agent,currency,requests,amount\r\n");
    int rc = store_charges(s->st, who, from * 86400000, (to + 1) * 86400000, on_charge, &c);
    free(c.cache);
    if (rc != 0) {
        ccsig_buf_clear(&rp->body);
        page_message(s, rp, 503, "Unavailable", "The ledger could not be read.");
        return;
    }
    if (json) {
        ccsig_buf_puts(&rp->body, c.n ? "\n]}\n" : "]}\n");
        reply_header(rp, "Content-Type", "application/json");
    } else
        reply_header(rp, "Content-Type", "text/csv; charset=utf-8");
    reply_header(rp, "Content-Disposition", "attachment; filename=\"ccsig-charges-%s-%s.%s\"", f, t,
                 json ? "json" : "csv");
}
