/*
 * paycrawl.h — pay per crawl in the gateway, as Cloudflare's crawlers speak
 * it (developers.cloudflare.com/ai-crawl-control/features/pay-per-crawl):
 *
 *   - a tier (access.automated, access.bulk in the policy) may carry a
 *     price per request, "USD 0.01";
 *   - a request of that tier to a priced path (the collection's files and
 *     the bulk endpoints; robots.txt, tdmrep.json, the declaration, the
 *     terms, registration, receipts and every licence document are always
 *     free, and the public-interest tiers carry no price) that offers no
 *     price gets 402 with `crawler-price: USD 0.01`;
 *   - a retry with `crawler-exact-price` equal to the price or
 *     `crawler-max-price` at or above it, from a Web Bot Auth-verified agent
 *     whose signature covers that header (wba.h), gets the content and
 *     `crawler-charged: USD 0.01`; the charge goes into the ledger with the
 *     request (ledger_rec.currency, charge_micros) and only a 2xx GET is
 *     charged;
 *   - errors carry `crawler-error` with Cloudflare's codes:
 *       400 ConflictingPriceHeaders   both price headers
 *       400 InvalidCrawlerPriceValue  a price that is not "CUR 0.01"
 *       400 StrongAuthRequired        an offer without a verified Web Bot
 *                                     Auth signature covering it
 *       402 MissingCrawlerPrice       no offer (with crawler-price)
 *       402 InvalidCrawlerExactPrice  an exact price that is not the price
 *       402 InvalidCrawlerMaxPrice    a maximum below the price
 *
 * Prices are kept as an ISO 4217 code and an amount in millionths of its
 * unit (no floating point): at most 6 decimals, at most 1,000,000 units.
 */
#ifndef CCSIG_SERVE_PAYCRAWL_H
#define CCSIG_SERVE_PAYCRAWL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct price {
    char currency[4]; /* "USD"; "" when none */
    int64_t micros;   /* amount in millionths; 0: free */
} price;

#define PRICE_TEXT_MAX 32 /* "CUR " and an amount of at most 24 characters */

/* Parse "USD 0.01": three capital letters, one space, an amount (digits,
 * optionally '.' and 1 to 6 digits) above 0 and at most 1000000. Leading
 * and trailing spaces and tabs are ignored. False when s is not that. */
bool price_parse(const char *s, size_t n, price *out);
/* "USD 0.01": at least two decimals, no other trailing zeros. */
void price_format(const price *p, char out[PRICE_TEXT_MAX]);
/* The amount alone, "0.01" (micros >= 0). */
void price_amount(int64_t micros, char out[PRICE_TEXT_MAX]);

struct rq;
struct reply;

/* Before the handler: true when the request may go on (unpriced, or its
 * offer accepted: r->charge is set); otherwise rp holds the 402 or 400. */
bool paycrawl_gate(struct rq *r, struct reply *rp);
/* After the handler: a 2xx GET with a charge gets crawler-charged; any
 * other answer is charged nothing (r->charge cleared). */
void paycrawl_done(struct rq *r, struct reply *rp);

/* The steward's export of charges for settlement outside ccsig:
 * GET /steward/charges.csv or .json ?from=YYYY-MM-DD&to=YYYY-MM-DD
 * [&reuser=ID] (default: the last 30 days, everyone): per reuser (or
 * unregistered agent), agent and currency, the requests charged and their
 * sum. */
void paycrawl_export(struct rq *r, struct reply *rp);

#endif
