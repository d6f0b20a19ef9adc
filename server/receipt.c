/*
 * receipt.c — usage receipts on the gateway: its Ed25519 key (made once,
 * kept in the store so that every gateway of a PostgreSQL store signs with
 * the same key), the published public key and the signed usage statement a
 * reuser asks for with its key. The statement's canonical form, signing and
 * verification are the library's (ccsig/receipt.h): the gateway only
 * gathers the facts from the ledger and the acceptances.
 *
 *   GET /.well-known/ccsig-receipt-key   "ccsig-receipt-key/1 ed25519 <base64>"
 *   GET /receipt?from=YYYY-MM-DD&to=YYYY-MM-DD   (with the key; days UTC,
 *       to inclusive; default: the day of registration to today)
 *
 * What the receipt counts comes from the ledger as the store holds it: a
 * request's record reaches the store within a moment of its response (the
 * journal's importer), so a receipt asked for right after a request may
 * not count it yet.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/receipt.h"
#include "server.h"

int receipt_key_load(server *s, char *err, size_t errlen) {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    char fresh[STORE_SECRET_HEX + 1], stored[STORE_SECRET_HEX + 1];
    crypto_sign_keypair(pk, sk);
    hu_hex(sk, sizeof sk, fresh);
    sodium_memzero(sk, sizeof sk);
    int rc = store_signing_key(s->st, fresh, now_wall_us() / 1000, stored);
    sodium_memzero(fresh, sizeof fresh);
    size_t n = 0;
    if (rc != 0 ||
        sodium_hex2bin(s->sign_sk, sizeof s->sign_sk, stored, strlen(stored), NULL, &n, NULL) !=
            0 ||
        n != sizeof s->sign_sk) {
        sodium_memzero(stored, sizeof stored);
        snprintf(err, errlen, "the receipt signing key could not be read from %s",
                 store_display(s->st));
        return -1;
    }
    sodium_memzero(stored, sizeof stored);
    crypto_sign_ed25519_sk_to_pk(s->sign_pk, s->sign_sk);
    return 0;
}

void page_receipt_key(rq *r, reply *rp) {
    ccsig_receipt_key_write(r->srv->sign_pk, &rp->body);
    reply_header(rp, "Content-Type", "text/plain; charset=utf-8");
    reply_header(rp, "Cache-Control", "max-age=3600");
}

/* Room for one more element of size sz in *v (n used of *cap): false when
 * out of memory (*v unchanged). */
static bool grow(void **v, size_t *cap, size_t n, size_t sz) {
    if (n < *cap)
        return true;
    size_t c = *cap ? 2 * *cap : 16;
    void *nv = realloc(*v, c * sz);
    if (!nv)
        return false;
    *v = nv;
    *cap = c;
    return true;
}

/* One fetched path: its 2xx requests and bytes. */
typedef struct fetched {
    char *path;
    uint64_t requests, bytes;
} fetched;

/* What pay per crawl charged, per currency (paycrawl.h). */
#define RECEIPT_CURRENCIES 8
typedef struct charged {
    char currency[4];
    uint64_t requests;
    int64_t micros;
} charged;

typedef struct gather {
    int64_t reuser, from_ms, to_ms;
    uint64_t requests, ok, bytes;
    charged charges[RECEIPT_CURRENCIES];
    size_t ncharges;
    fetched *v;
    size_t n, cap;
    bool oom;
} gather;

static int on_record(void *arg, const ledger_rec *l) {
    gather *g = arg;
    if (l->reuser_id != g->reuser || l->ts_ms < g->from_ms || l->ts_ms >= g->to_ms)
        return 0;
    g->requests++;
    if (l->charge_micros) {
        size_t k = 0;
        while (k < g->ncharges && strcmp(g->charges[k].currency, l->currency) != 0)
            k++;
        if (k == RECEIPT_CURRENCIES) {
            g->oom = true; /* more currencies than a receipt states */
            return 1;
        }
        if (k == g->ncharges)
            memcpy(g->charges[g->ncharges++].currency, l->currency, sizeof l->currency);
        g->charges[k].requests++;
        g->charges[k].micros += l->charge_micros;
    }
    if (l->status < 200 || l->status > 299)
        return 0;
    g->ok++;
    g->bytes += l->bytes;
    /* What it fetched: content (GET, HEAD), not forms it posted. */
    if (strcmp(l->method, "GET") != 0 && strcmp(l->method, "HEAD") != 0)
        return 0;
    if (!grow((void **)&g->v, &g->cap, g->n, sizeof *g->v) ||
        !(g->v[g->n].path = strdup(l->path))) {
        g->oom = true;
        return 1;
    }
    g->v[g->n].requests = 1;
    g->v[g->n++].bytes = l->bytes;
    return 0;
}

static int cmp_charged(const void *a, const void *b) {
    return strcmp(((const charged *)a)->currency, ((const charged *)b)->currency);
}

static int cmp_fetched(const void *a, const void *b) {
    return strcmp(((const fetched *)a)->path, ((const fetched *)b)->path);
}

typedef struct terms_acc {
    acceptance *v;
    size_t n, cap;
    int64_t to_ms;
} terms_acc;

static int on_acc(void *arg, const acceptance *a) {
    terms_acc *t = arg;
    if (a->accepted_ms >= t->to_ms)
        return 0;
    if (!grow((void **)&t->v, &t->cap, t->n, sizeof *t->v))
        return 1;
    t->v[t->n++] = *a;
    return 0;
}

/* The statement's fields, in the canonical order, then the signature. */
static int build(server *s, const reuser *u, int64_t from_ms, int64_t to_ms, const gather *g,
                 const terms_acc *ta, ccsig_buf *b) {
    char v[STORE_NAME_MAX + 200], t1[21];
    ccsig_receipt_begin(b);
    ccsig_receipt_field(b, "issuer", s->pol->public_url);
    ccsig_receipt_field(b, "collection", s->pol->collection_name);
    snprintf(v, sizeof v, "%lld %s %s", (long long)u->id, u->key_id, u->name);
    ccsig_receipt_field(b, "reuser", v);
    ccsig_receipt_field(b, "use", ccsig_category_name((ccsig_category)u->use));
    hu_time_iso(from_ms, t1);
    ccsig_receipt_field(b, "from", t1);
    hu_time_iso(to_ms, t1);
    ccsig_receipt_field(b, "to", t1);
    hu_time_iso(now_wall_us() / 1000, t1);
    ccsig_receipt_field(b, "issued", t1);
    /* Newest first from the store: the acceptances in force during the
     * period are those after from, and the last one before it. */
    size_t last = ta->n;
    for (size_t i = 0; i < ta->n; i++)
        if (ta->v[i].accepted_ms <= from_ms) {
            last = i + 1;
            break;
        }
    for (size_t i = last; i-- > 0;) {
        const acceptance *a = &ta->v[i];
        ccsig_buf p = CCSIG_BUF_INIT;
        for (int k = 0; k < CCSIG_COND_COUNT; k++)
            if (a->commitments & (1u << k))
                ccsig_buf_printf(&p, "%s%s", p.len ? "," : "", ccsig_condition_name(1u << k));
        hu_time_iso(a->accepted_ms, t1);
        snprintf(v, sizeof v, "%lld %s accepted %s pledges %s", (long long)a->version,
                 a->terms_hash, t1, p.len ? ccsig_buf_cstr(&p) : "none");
        ccsig_buf_free(&p);
        ccsig_receipt_field(b, "terms", v);
    }
    snprintf(v, sizeof v, "%llu ok %llu bytes %llu", (unsigned long long)g->requests,
             (unsigned long long)g->ok, (unsigned long long)g->bytes);
    ccsig_receipt_field(b, "requests", v);
    for (size_t i = 0; i < g->ncharges; i++) {
        char amount[PRICE_TEXT_MAX];
        price_amount(g->charges[i].micros, amount);
        snprintf(v, sizeof v, "%s %s requests %llu", g->charges[i].currency, amount,
                 (unsigned long long)g->charges[i].requests);
        ccsig_receipt_field(b, "charged", v);
    }
    for (size_t i = 0; i < g->n; i++) {
        ccsig_buf line = CCSIG_BUF_INIT;
        ccsig_buf_printf(&line, "%llu %llu ", (unsigned long long)g->v[i].requests,
                         (unsigned long long)g->v[i].bytes);
        hu_url_path(&line, g->v[i].path, strlen(g->v[i].path));
        ccsig_receipt_field(b, "fetched", ccsig_buf_cstr(&line));
        ccsig_buf_free(&line);
    }
    ccsig_error err;
    return ccsig_receipt_sign(b, s->sign_sk, &err) == CCSIG_OK ? 0 : -1;
}

void page_receipt(rq *r, reply *rp) {
    server *s = r->srv;
    if (!require_key(r, rp, "A usage receipt"))
        return;
    reuser *u = malloc(sizeof *u);
    if (!u || store_reuser_get(s->st, r->cls.key.id, u) != 1) {
        free(u);
        reply_error(r, rp, 503, "Service unavailable", "The reuser could not be read.");
        return;
    }
    const char *fa = rq_arg(r, "from"), *ta_arg = rq_arg(r, "to");
    int64_t today = now_wall_us() / 1000 / 86400000;
    int64_t to = ta_arg ? hu_day_parse(ta_arg) : today;
    int64_t from = fa ? hu_day_parse(fa) : u->created_ms / 86400000;
    if (from < 0 || to < 0 || from > to || to - from > 3660) {
        free(u);
        reply_error(r, rp, 400, "Bad request",
                    "from and to must be days (YYYY-MM-DD), from no later than to, at most ten "
                    "years apart.");
        return;
    }
    gather g = {.reuser = u->id, .from_ms = from * 86400000, .to_ms = (to + 1) * 86400000};
    terms_acc tacc = {NULL, 0, 0, g.to_ms};
    int rc = store_ledger_export(s->st, on_record, &g);
    if (rc == 0)
        rc = store_acceptances(s->st, u->id, on_acc, &tacc);
    if (rc == 0 && !g.oom) {
        /* One line per path: sort, then merge equal paths. */
        qsort(g.v, g.n, sizeof *g.v, cmp_fetched);
        qsort(g.charges, g.ncharges, sizeof *g.charges, cmp_charged);
        size_t w = 0;
        for (size_t i = 0; i < g.n; i++) {
            if (w && !strcmp(g.v[w - 1].path, g.v[i].path)) {
                g.v[w - 1].requests += g.v[i].requests;
                g.v[w - 1].bytes += g.v[i].bytes;
                free(g.v[i].path);
            } else
                g.v[w++] = g.v[i];
        }
        g.n = w;
        rc = build(s, u, g.from_ms, g.to_ms, &g, &tacc, &rp->body);
    }
    for (size_t i = 0; i < g.n; i++)
        free(g.v[i].path);
    free(g.v);
    free(tacc.v);
    free(u);
    if (rc != 0 || g.oom) {
        reply_error(r, rp, 503, "Service unavailable", "The receipt could not be made.");
        return;
    }
    reply_header(rp, "Content-Type", "text/plain; charset=utf-8");
    reply_header(rp, "Cache-Control", "no-store");
    reply_header(rp, "Content-Disposition", "attachment; filename=\"ccsig-receipt.txt\"");
}
