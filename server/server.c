/*
 * server.c — ccsig serve's HTTP side: libmicrohttpd (thread pool over epoll,
 * suspend/resume for the ledger with ledger-sync: full), how a request is
 * classed and admitted, the collection's files, the generated files and the
 * bulk endpoints.
 *
 * The life of a request:
 *   1. class: a valid key (Authorization: Bearer) gives the reuser's tier;
 *      otherwise browsers and automated clients are told apart by
 *      hu_classify and limited per address;
 *   2. admission: GCRA per address (in memory) or per key (store_admit,
 *      shared through PostgreSQL), with the daily quota for keys; a refusal
 *      is a 429 with Retry-After and a link to /register;
 *   3. the handler fills a reply;
 *   4. keyed requests: the ledger record is appended to the journal with
 *      one write(2) on the request's thread (ledger-sync: process, the
 *      default, with SQLite), or the connection is suspended until the
 *      record's group commit is done (ledger-sync: full, and PostgreSQL);
 *      then the response is queued. A 2xx thus never reaches a client
 *      before its record survives a crash of the gateway (with full: of
 *      the machine).
 *
 * The gateway's own code allocates nothing per request on the hot path
 * (libmicrohttpd still allocates each response): the connection's state is
 * made once per connection, header values live in the reply, small files
 * are read into the connection's buffer (one send with the headers), and
 * the headers it reads are found in one pass.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <signal.h>
#include <stddef.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccsig/alloc.h"
#include "ccsig/rsl.h"
#include "gen.h"
#include "ccsig/report.h"

/* ---- replies ---- */

void reply_init(reply *rp) {
    /* Everything but the arena, whose bytes count only up to arena_used. */
    memset(rp, 0, offsetof(reply, arena));
    rp->status = 200;
    rp->fd = -1;
}

void reply_free(reply *rp) {
    ccsig_buf_free(&rp->body);
    if (rp->fd >= 0)
        close(rp->fd);
    tar_free(rp->tar);
    for (size_t i = 0; i < rp->nhdr; i++)
        if (rp->hown[i])
            ccsig_free((char *)rp->hvalue[i]);
    reply_init(rp);
}

static void set_header(reply *rp, const char *name, const char *value, bool own) {
    /* Replace an earlier value of the same header. */
    size_t i = 0;
    while (i < rp->nhdr && strcasecmp(rp->hname[i], name) != 0)
        i++;
    if (i == REPLY_MAX_HEADERS) {
        if (own)
            ccsig_free((char *)value);
        return;
    }
    if (i < rp->nhdr && rp->hown[i])
        ccsig_free((char *)rp->hvalue[i]);
    rp->hname[i] = name;
    rp->hvalue[i] = value;
    rp->hown[i] = own;
    if (i == rp->nhdr)
        rp->nhdr++;
}

/* Header values never carry a line break, whatever went into them. */
static void no_breaks(char *v) {
    for (char *p = v; *p; p++)
        if (*p == '\r' || *p == '\n')
            *p = ' ';
}

/* reply_header and reply_header_line: the value formatted into the reply's
 * arena (or allocated when it does not fit), set (replacing an earlier field
 * of that name) or added as a field line of its own. */
static void vheader(reply *rp, const char *name, bool add, const char *fmt, va_list ap) {
    size_t room = sizeof rp->arena - rp->arena_used;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(rp->arena + rp->arena_used, room, fmt, ap);
    char *v = NULL;
    bool own = false;
    if (n >= 0 && (size_t)n < room) {
        v = rp->arena + rp->arena_used;
        rp->arena_used += (size_t)n + 1;
    } else {
        ccsig_buf vb = CCSIG_BUF_INIT;
        ccsig_buf_vprintf(&vb, fmt, again);
        if (ccsig_buf_failed(&vb)) {
            ccsig_buf_free(&vb);
            va_end(again);
            return;
        }
        v = vb.data ? vb.data : ccsig_strdup(""); /* owned values: ccsig_free */
        own = true;
    }
    va_end(again);
    if (!v)
        return;
    no_breaks(v);
    if (!add) {
        set_header(rp, name, v, own);
    } else if (rp->nhdr < REPLY_MAX_HEADERS) {
        rp->hname[rp->nhdr] = name;
        rp->hvalue[rp->nhdr] = v;
        rp->hown[rp->nhdr] = own;
        rp->nhdr++;
    } else if (own) {
        ccsig_free(v);
    }
}

void reply_header(reply *rp, const char *name, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vheader(rp, name, false, fmt, ap);
    va_end(ap);
}

void reply_header_line(reply *rp, const char *name, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vheader(rp, name, true, fmt, ap);
    va_end(ap);
}

/* A copy of v in the reply's arena (or allocated), set as name. */
static void reply_header_copy(reply *rp, const char *name, const char *v, size_t n) {
    if (n < sizeof rp->arena - rp->arena_used) {
        char *d = rp->arena + rp->arena_used;
        memcpy(d, v, n);
        d[n] = '\0';
        rp->arena_used += n + 1;
        no_breaks(d);
        set_header(rp, name, d, false);
        return;
    }
    char *d = ccsig_strndup(v, n);
    if (!d)
        return;
    no_breaks(d);
    set_header(rp, name, d, true);
}

void reply_header_static(reply *rp, const char *name, const char *value) {
    set_header(rp, name, value, false);
}

void reply_header_add(reply *rp, const char *name, const char *value) {
    if (rp->nhdr == REPLY_MAX_HEADERS)
        return;
    rp->hname[rp->nhdr] = name;
    rp->hvalue[rp->nhdr] = value;
    rp->hown[rp->nhdr] = false;
    rp->nhdr++;
}

uint64_t reply_size(const reply *rp) {
    switch (rp->kind) {
    case REPLY_FILE:
        return rp->len;
    case REPLY_TAR:
        return tar_size(rp->tar);
    default:
        return rp->body.len;
    }
}

/* ---- keys ---- */

void key_hash(const char *secret, size_t len, char hash[STORE_HASH_HEX + 1]) {
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)secret, len,
                       (const unsigned char *)"ccsig-key-v1", 12);
    hu_hex(h, sizeof h, hash);
}

void key_generate(char *key, char id[HU_KEY_ID_LEN + 1], char hash[STORE_HASH_HEX + 1]) {
    unsigned char idb[HU_KEY_ID_LEN / 2], sec[32];
    randombytes_buf(idb, sizeof idb);
    randombytes_buf(sec, sizeof sec);
    hu_hex(idb, sizeof idb, id);
    char secret[HU_KEY_SECRET_LEN + 2];
    sodium_bin2base64(secret, sizeof secret, sec, sizeof sec,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(key, HU_KEY_LEN + 1, "ccsig_%s_%s", id, secret);
    key_hash(secret, strlen(secret), hash);
    sodium_memzero(sec, sizeof sec);
    sodium_memzero(secret, sizeof secret);
}

/* The presented secret's hash against the stored one, in constant time. */
static bool key_verify_bin(const char *secret, size_t len, const uint8_t want[32]) {
    unsigned char got[32];
    crypto_generichash(got, sizeof got, (const unsigned char *)secret, len,
                       (const unsigned char *)"ccsig-key-v1", 12);
    return sodium_memcmp(want, got, sizeof got) == 0;
}

bool key_verify(const char *secret, size_t len, const char *stored_hash_hex) {
    unsigned char want[32];
    size_t n = 0;
    if (sodium_hex2bin(want, sizeof want, stored_hash_hex, strlen(stored_hash_hex), NULL, &n,
                       NULL) != 0 ||
        n != sizeof want)
        return false;
    return key_verify_bin(secret, len, want);
}

tier_id tier_of(int kind, int status) {
    if (status == ST_PENDING)
        return TIER_PENDING;
    return kind == KIND_PUBLIC ? TIER_PUBLIC : TIER_BULK;
}

/* Key lookups that miss the cache read the database: at most this many a
 * second per address (a burst of twice that), so random key ids cannot
 * turn into a database load. A real reuser misses once per cache lifetime. */
#define KEY_LOOKUPS_PER_S 10.0
#define KEY_LOOKUP_CLASS 100

/* ---- request view ---- */

const char *rq_header(const rq *r, const char *name) {
    return MHD_lookup_connection_value((struct MHD_Connection *)r->con, MHD_HEADER_KIND, name);
}

const char *rq_arg(const rq *r, const char *name) {
    return MHD_lookup_connection_value((struct MHD_Connection *)r->con, MHD_GET_ARGUMENT_KIND,
                                       name);
}

/* Dotted quad, as inet_ntop writes it (which goes through sprintf). */
static void ipv4_text(const unsigned char a[4], char *out) {
    char *o = out;
    for (int i = 0; i < 4; i++) {
        unsigned v = a[i];
        if (v >= 100)
            *o++ = (char)('0' + v / 100);
        if (v >= 10)
            *o++ = (char)('0' + v / 10 % 10);
        *o++ = (char)('0' + v % 10);
        *o++ = i < 3 ? '.' : '\0';
    }
}

static void client_address(server *s, struct MHD_Connection *con, rq *r) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    memcpy(r->addr, "unknown", 8);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            ipv4_text((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr, r->addr);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->addr,
                      sizeof r->addr);
    }
    /* Behind a load balancer we trust, the client is the address it saw. */
    for (size_t i = 0; i < s->pol->ntrusted_proxies; i++)
        if (!strcmp(r->addr, s->pol->trusted_proxies[i])) {
            char fwd[64];
            if (hu_forwarded_for(r->h.forwarded_for, fwd, sizeof fwd))
                snprintf(r->addr, sizeof r->addr, "%s", fwd);
            break;
        }
}

/* One pass over the request's headers for the fields the hot path reads
 * (instead of a scan of the list per field). */
static enum MHD_Result header_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value) {
    (void)kind;
    rq_hdrs *h = cls;
    const char **slot = NULL;
    switch (strlen(key)) {
    case 5:
        if (!strcasecmp(key, "Range"))
            slot = &h->range;
        break;
    case 8:
        if (!strcasecmp(key, "If-Range"))
            slot = &h->if_range;
        break;
    case 10:
        if (!strcasecmp(key, "User-Agent"))
            slot = &h->user_agent;
        break;
    case 12:
        if (!strcasecmp(key, "X-Request-Id"))
            slot = &h->request_id;
        break;
    case 13:
        if (!strcasecmp(key, "Authorization"))
            slot = &h->authorization;
        else if (!strcasecmp(key, "If-None-Match"))
            slot = &h->if_none_match;
        break;
    case 15:
        if (!strcasecmp(key, "Accept-Language"))
            slot = &h->accept_language;
        else if (!strcasecmp(key, "X-Forwarded-For"))
            slot = &h->forwarded_for;
        else if (!strcasecmp(key, "Signature-Input"))
            slot = &h->signature_input;
        break;
    case 17:
        if (!strcasecmp(key, "If-Modified-Since"))
            slot = &h->if_modified_since;
        break;
    default:
        break;
    }
    if (slot && !*slot) /* the first of repeated fields, as a lookup finds */
        *slot = value;
    return MHD_YES;
}

/* ---- refusals ---- */

static void register_url(const server *s, char *out, size_t n) {
    snprintf(out, n, "%s/register", s->pol->public_url);
}

static void too_many(const rq *r, reply *rp, const char *who, const tier *t, int64_t wait_ms,
                     bool quota) {
    server *s = r->srv;
    int64_t secs = (wait_ms + 999) / 1000;
    if (secs < 1)
        secs = 1;
    char reg[600];
    register_url(s, reg, sizeof reg);
    ccsig_buf m = CCSIG_BUF_INIT;
    if (quota)
        ccsig_buf_printf(&m,
                         "The daily quota of %llu requests of %s is used up; it renews at "
                         "00:00 UTC, in %lld seconds.",
                         (unsigned long long)t->quota, who, (long long)secs);
    else {
        ccsig_buf_printf(&m, "%s may make ", who);
        tier nq = *t;
        nq.quota = 0;
        gen_rate_phrase(&m, &nq);
        ccsig_buf_printf(&m, "%s. Retry after %lld second%s",
                         r->cls.keyed ? "" : " from one address", (long long)secs,
                         secs == 1 ? "" : "s");
        if (!r->cls.keyed)
            ccsig_buf_printf(&m, ", or register for a key with a higher rate at %s", reg);
        ccsig_buf_putc(&m, '.');
    }
    reply_error(r, rp, 429, "Too many requests", ccsig_buf_cstr(&m));
    reply_header(rp, "Retry-After", "%lld", (long long)secs);
    if (!r->cls.keyed)
        reply_header(rp, "Link", "<%s>; rel=\"help\"", reg);
    ccsig_buf_free(&m);
}

static void unauthorized(const rq *r, reply *rp, const char *error, const char *msg) {
    char reg[600], full[1200];
    register_url(r->srv, reg, sizeof reg);
    snprintf(full, sizeof full, "%s Register for a key at %s.", msg, reg);
    reply_error(r, rp, 401, "Key required", full);
    if (error)
        reply_header(rp, "WWW-Authenticate", "Bearer realm=\"ccsig\", error=\"%s\"", error);
    else
        reply_header(rp, "WWW-Authenticate", "Bearer realm=\"ccsig\"");
}

static bool admit_key(rq *r, reply *rp, const reuser_key *k);
static int admit_signed(rq *r, reply *rp);
static bool admit_address(rq *r, reply *rp, bool exempt);

/* Find key id (the cache, then the store): true with *k filled, false with
 * rp a refusal (lookups over their rate, store down, unknown key). */
static bool key_lookup(rq *r, reply *rp, const char *id, reuser_key *k) {
    server *s = r->srv;
    int64_t mono = now_mono_us();
    if (keycache_get(s->keys, id, mono, k))
        return true;
    if (rl_take(s->rl, KEY_LOOKUP_CLASS, r->addr, mono, KEY_LOOKUPS_PER_S, 2 * KEY_LOOKUPS_PER_S)) {
        too_many(r, rp, "Key lookups",
                 &(tier){.rate = KEY_LOOKUPS_PER_S, .burst = 2 * KEY_LOOKUPS_PER_S, .quota = 0},
                 1000, false);
        return false;
    }
    reuser *u = malloc(sizeof *u);
    int found = u ? store_reuser_by_key(s->st, id, u) : -1;
    if (found == 1) {
        reuser_key_from(k, u);
        keycache_put(s->keys, k, mono);
    }
    free(u);
    if (found < 0) {
        reply_error(r, rp, 503, "Service unavailable", "The key store is unavailable.");
        return false;
    }
    if (found == 0) {
        unauthorized(r, rp, "invalid_token", "This key is not valid.");
        return false;
    }
    return true;
}

/* Class the request and admit it. False when rp holds a refusal. */
static bool admit(rq *r, reply *rp, bool exempt) {
    const char *auth = r->h.authorization;
    const char *tok;
    size_t toklen;
    if (auth && !hu_route_steward(r->rt.id)) {
        char id[HU_KEY_ID_LEN + 1];
        const char *secret;
        reuser_key k;
        /* Until the key is verified the request has no class: a refusal
         * says "invalid-key", never browser or automated. */
        r->cls.key_refused = true;
        if (hu_auth_token(auth, "license", &tok, &toklen)) {
            /* RSL CAP: a licence token stands for the key it was issued to. */
            int64_t rid;
            if (!rsl_token_admit(r, rp, tok, toklen, id, &rid) || !key_lookup(r, rp, id, &k))
                return false;
            if (k.id != rid) {
                rsl_unauthorized(r, rp, "invalid_token", "The licence token's reuser has no key.");
                return false;
            }
            return admit_key(r, rp, &k);
        }
        /* OLP client authentication at /token: Basic client_id:client_secret,
         * the two halves of the key. */
        char basic[HU_KEY_LEN + 1];
        if (r->rt.id == R_TOKEN && hu_auth_token(auth, "basic", &tok, &toklen) &&
            rsl_basic_key(tok, toklen, basic)) {
            tok = basic;
            toklen = HU_KEY_LEN;
        } else if (!hu_bearer(auth, &tok, &toklen))
            tok = NULL;
        if (!tok || !hu_key_split(tok, toklen, id, &secret)) {
            unauthorized(r, rp, "invalid_request",
                         "The Authorization header is not 'Bearer ccsig_...' with a ccsig key.");
            return false;
        }
        if (!key_lookup(r, rp, id, &k))
            return false;
        if (!k.hash_ok || !key_verify_bin(secret, HU_KEY_SECRET_LEN, k.hash)) {
            unauthorized(r, rp, "invalid_token", "This key is not valid.");
            return false;
        }
        return admit_key(r, rp, &k);
    }
    if (r->h.signature_input && !hu_route_steward(r->rt.id)) {
        int signed_ok = admit_signed(r, rp);
        if (signed_ok == 0 && exempt && r->cls.signature_refused) {
            /* The rules and registration are answered whatever the
             * signature (as to a client over its rate). */
            reply_free(rp);
            r->cls.signature_refused = false;
            signed_ok = -1;
        }
        if (signed_ok >= 0)
            return signed_ok;
    }
    return admit_address(r, rp, exempt);
}

/* Admit a request of the reuser whose key (or registered signature agent)
 * it presented: its status, rate and quota. False when rp holds a
 * refusal. */
static bool admit_key(rq *r, reply *rp, const reuser_key *kp) {
    server *s = r->srv;
    /* From here on the request is the reuser's: it is recorded in the
     * ledger whatever the outcome. */
    r->cls.keyed = true;
    r->cls.key_refused = kp->status == ST_REVOKED || kp->status == ST_REJECTED;
    r->cls.key = *kp;
    r->cls.tier = tier_of(kp->kind, kp->status);
    const reuser_key *u = &r->cls.key;
    if (u->status == ST_REVOKED || u->status == ST_REJECTED) {
        unauthorized(r, rp, "invalid_token",
                     u->status == ST_REVOKED ? "This key was revoked by the steward."
                                             : "The public-interest claim of this key was "
                                               "not approved.");
        return false;
    }
    admit_result ar;
    const tier *t = &s->pol->tiers[r->cls.tier];
    if (store_admit(s->st, u, t, now_wall_us() / 1000, &ar) != 0) {
        reply_error(r, rp, 503, "Service unavailable", "The key store is unavailable.");
        return false;
    }
    if (ar.outcome == ADMIT_GONE) {
        r->cls.key_refused = true;
        unauthorized(r, rp, "invalid_token", "This key was revoked by the steward.");
        return false;
    }
    if (ar.outcome != ADMIT_OK) {
        char who[80];
        snprintf(who, sizeof who, "Key %s (%s)", u->key_id, tier_name(r->cls.tier));
        too_many(r, rp, who, t, ar.retry_after_ms, ar.outcome == ADMIT_QUOTA);
        return false;
    }
    if (t->quota)
        reply_header(rp, "X-Quota-Remaining", "%llu",
                     (unsigned long long)(t->quota > ar.quota_used ? t->quota - ar.quota_used : 0));
    return true;
}

/* The request field lines, for the signature check (at most cap). */
typedef struct field_list {
    ccsig_http_field *v;
    size_t n, cap;
} field_list;

static enum MHD_Result field_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value) {
    (void)kind;
    field_list *l = cls;
    if (l->n == l->cap)
        return MHD_NO;
    l->v[l->n].name = ccsig_str_make(key, strlen(key));
    l->v[l->n].value = ccsig_str_make(value ? value : "", value ? strlen(value) : 0);
    l->n++;
    return MHD_YES;
}

/* Web Bot Auth (wba.h): a request with Signature-Input and no key. 1: a
 * registered agent's request, admitted as its reuser's; 0: refused (rp
 * holds why); -1: an unregistered agent's verified request, to be admitted
 * as an automated client's (r->cls.agent names it). */
static int admit_signed(rq *r, reply *rp) {
    server *s = r->srv;
    ccsig_http_field fv[64];
    field_list fl = {fv, 0, sizeof fv / sizeof fv[0]};
    MHD_get_connection_values((struct MHD_Connection *)r->con, MHD_HEADER_KIND, field_cb, &fl);
    const char *host = rq_header(r, "Host");
    wba_request req = {r->method,
                       strncmp(s->pol->public_url, "https:", 6) ? "http" : "https",
                       host ? host : "",
                       r->target ? r->target : r->path,
                       fv,
                       fl.n};
    wba_result *res = malloc(sizeof *res);
    if (!res) {
        reply_error(r, rp, 503, "Service unavailable", "Out of memory.");
        return 0;
    }
    int rc = wba_check(s->wba, s->st, &req, now_wall_us() / 1000000, res);
    if (rc != 0) {
        reply_error(r, rp, 503, "Service unavailable", res->reason);
        free(res);
        return 0;
    }
    if (res->outcome == WBA_REFUSED && res->retry_after) {
        reply_error(r, rp, 503, "Service unavailable", res->reason);
        reply_header(rp, "Retry-After", "%u", res->retry_after);
        reply_header(rp, "X-Signature-Result", "%s", res->result);
        free(res);
        return 0;
    }
    if (res->outcome == WBA_REFUSED) {
        r->cls.signature_refused = true;
        reply_error(r, rp, 401, "Signature refused", res->reason);
        reply_header(rp, "X-Signature-Result", "%s", res->result);
        reply_header(rp, "WWW-Authenticate", "Signature realm=\"ccsig\", error=\"%s\"",
                     res->result);
        free(res);
        return 0;
    }
    r->cls.signed_agent = true;
    r->cls.signed_covers = res->covers;
    snprintf(r->cls.agent, sizeof r->cls.agent, "%s", res->agent);
    reply_header(rp, "X-Signature-Agent", "%s", res->agent);
    if (res->outcome == WBA_AGENT) {
        free(res);
        return -1;
    }
    reuser_key k;
    int64_t mono = now_mono_us();
    if (!keycache_get(s->keys, res->key_id, mono, &k)) {
        reuser *u = malloc(sizeof *u);
        int found = u ? store_reuser_get(s->st, res->reuser_id, u) : -1;
        if (found == 1) {
            reuser_key_from(&k, u);
            keycache_put(s->keys, &k, mono);
        }
        free(u);
        if (found != 1) {
            reply_error(r, rp, 503, "Service unavailable", "The key store is unavailable.");
            free(res);
            return 0;
        }
    }
    free(res);
    return admit_key(r, rp, &k) ? 1 : 0;
}

/* Admit a request without a key by its address: browsers and automated
 * clients (a verified but unregistered signature agent among them). */
static bool admit_address(rq *r, reply *rp, bool exempt) {
    server *s = r->srv;
    r->cls.tier =
        !r->cls.signed_agent && hu_classify(r->h.user_agent, r->h.accept_language) == CLIENT_BROWSER
            ? TIER_BROWSER
            : TIER_AUTOMATED;
    if (exempt)
        return true;
    const tier *t = &s->pol->tiers[r->cls.tier];
    int64_t wait = rl_take(s->rl, (int)r->cls.tier, r->addr, now_mono_us(), t->rate, t->burst);
    if (wait) {
        too_many(r, rp, r->cls.tier == TIER_BROWSER ? "Browsers" : "Unregistered automated clients",
                 t, (wait + 999) / 1000, false);
        return false;
    }
    return true;
}

/* ---- enforcement ---- */

/* The X-Access-Class value: a refused key has no class of its own. */
const char *rq_class_name(const rq_class *c) {
    if (c->signature_refused)
        return "invalid-signature";
    return c->key_refused ? "invalid-key" : tier_name(c->tier);
}

/* A keyed request's profile: the use it registered for, its pledges, and
 * its public-interest purpose once the steward approved the claim (a
 * pending claim decides like a reuser who pledged nothing). */
void access_profile(const rq_class *c, ccsig_profile *out) {
    out->use = (ccsig_category)c->key.use;
    out->commitments = c->key.commitments;
    out->purpose = c->tier == TIER_PUBLIC ? (ccsig_purpose)c->key.purpose : CCSIG_PURPOSE_NONE;
}

bool access_decide(const rq *r, const char *path, ccsig_category use, ccsig_decision *d) {
    const policy_rule *rule = policy_match(r->srv->pol, path, strlen(path));
    memset(d, 0, sizeof *d);
    d->use = use;
    d->source = -1;
    if (!r->cls.keyed && r->cls.tier == TIER_BROWSER) {
        /* People read and search everything the collection publishes. */
        d->result = CCSIG_RESULT_PERMITTED;
        return true;
    }
    ccsig_profile prof = {use, 0, CCSIG_PURPOSE_NONE, CCSIG_READING_DEFAULT};
    if (r->cls.keyed)
        access_profile(&r->cls, &prof);
    if (!rule)
        return true; /* nothing stated: unknown, the reuser's default */
    if (prof.use != CCSIG_CAT_NONE) {
        ccsig_decide(&rule->verdict, &prof, d);
        return d->result != CCSIG_RESULT_NOT_PERMITTED;
    }
    /* A client without a key states no use: the file is its when some use
     * of the current vocabulary (draft-ietf-aipref-vocab-08: train-ai,
     * ai-use, search) is permitted without a pledge (a crawler indexing for
     * search may fetch what search allows); the first refusal is kept for
     * the reply. automated-processing and train-genai are not uses of their
     * own under -08 (no label states them), so they do not open a file. */
    static const ccsig_category uses[] = {CCSIG_CAT_TRAIN_AI, CCSIG_CAT_AI_USE, CCSIG_CAT_SEARCH};
    ccsig_decision first;
    first.result = CCSIG_RESULT_UNKNOWN;
    for (size_t i = 0; i < sizeof uses / sizeof uses[0]; i++) {
        prof.use = uses[i];
        ccsig_decide(&rule->verdict, &prof, d);
        if (d->result != CCSIG_RESULT_NOT_PERMITTED)
            return true;
        if (i == 0)
            first = *d;
    }
    *d = first;
    return false;
}

bool require_key(const rq *r, reply *rp, const char *why) {
    if (r->cls.keyed && !r->cls.key_refused)
        return true;
    char m[300];
    snprintf(m, sizeof m, "%s needs a key: send 'Authorization: Bearer <key>'.", why);
    reply_error(r, rp, 401, "Key required", m);
    reply_header(rp, "WWW-Authenticate", "Bearer realm=\"ccsig\"");
    return false;
}

/* The 403 for content the client's use and pledges do not permit: which
 * use, the path's Content-Usage and what is missing (the conditions not
 * pledged, or a plain deny that no pledge lifts). */
static void not_permitted(const rq *r, reply *rp, const char *path, const ccsig_decision *d) {
    const policy_rule *rule = policy_match(r->srv->pol, path, strlen(path));
    ccsig_buf m = CCSIG_BUF_INIT;
    if (r->cls.keyed)
        ccsig_buf_printf(&m, "The preferences of %s (Content-Usage: %s) do not permit %s to key %s",
                         path, rule ? rule->expression : "", ccsig_category_name(d->use),
                         r->cls.key.key_id);
    else
        ccsig_buf_printf(&m,
                         "The preferences of %s (Content-Usage: %s) do not permit any automated "
                         "use without a key",
                         path, rule ? rule->expression : "");
    if (d->missing) {
        ccsig_buf_puts(&m, ": missing ");
        int n = 0;
        for (int k = 0; k < CCSIG_COND_COUNT; k++)
            if (d->missing & (1u << k))
                ccsig_buf_printf(&m, "%s%s", n++ ? ", " : "", ccsig_condition_name(1u << k));
        ccsig_buf_puts(&m, " (register again with these pledges)");
    } else if (d->state == CCSIG_STATE_DENY) {
        ccsig_buf_puts(&m, ": the use is denied without exception (only an approved "
                           "public-interest purpose lifts it)");
    }
    ccsig_buf_printf(&m, ". See %s/declaration.", r->srv->pol->public_url);
    reply_error(r, rp, 403, "Not permitted", ccsig_buf_cstr(&m));
    ccsig_buf_free(&m);
}

/* ---- preferences on responses ---- */

static void policy_headers(const server *s, const char *path, reply *rp) {
    const policy_rule *rule = policy_match(s->pol, path, strlen(path));
    if (!rule)
        return;
    /* One field line per declaration, as `ccsig declare --format header`
     * writes each; HTTP combines them into the rule's dictionary. */
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        if (rule->cat_expr[c])
            reply_header_add(rp, "Content-Usage", rule->cat_expr[c]);
    if (rule->reserve >= 0)
        reply_header_static(rp, "tdm-reservation", rule->reserve ? "1" : "0");
    if (rule->reserve == 1 && rule->tdm_policy)
        reply_header(rp, "tdm-policy", "%s/declaration", s->pol->public_url);
    rsl_link_header(s, rp);
}

/* ---- generated files ---- */

static void generated(rq *r, reply *rp, const ccsig_buf *body, const char *ctype) {
    server *s = r->srv;
    reply_header(rp, "Content-Type", "%s", ctype);
    reply_header(rp, "ETag", "%s", s->gen_etag);
    char date[30];
    hu_http_date(s->started_s, date);
    reply_header(rp, "Last-Modified", "%s", date);
    reply_header(rp, "Cache-Control", "max-age=3600");
    if (hu_etag_match(r->h.if_none_match, s->gen_etag)) {
        rp->status = 304;
        return;
    }
    ccsig_buf_append(&rp->body, body->data, body->len);
}

/* ---- collection files ---- */

static void redirect(reply *rp, const char *path) {
    ccsig_buf loc = CCSIG_BUF_INIT;
    hu_url_path(&loc, path, strlen(path));
    ccsig_buf_putc(&loc, '/');
    rp->status = 301;
    reply_header(rp, "Location", "%s", ccsig_buf_cstr(&loc));
    reply_header(rp, "Content-Type", "text/plain; charset=utf-8");
    ccsig_buf_printf(&rp->body, "Moved to %s\n", ccsig_buf_cstr(&loc));
    ccsig_buf_free(&loc);
}

static void not_found(const rq *r, reply *rp) {
    reply_error(r, rp, 404, "Not found", "There is nothing at this address in the collection.");
}

static void serve_fd(rq *r, reply *rp, int fd, const struct stat *st, const char *name) {
    char etag[80], date[30];
    char path[HU_MAX_PATH + 2];
    snprintf(path, sizeof path, "/%s", name);
    if (rsl_encrypted(r->srv, path)) {
        rsl_serve_sealed(r, rp, fd, st, name); /* encrypted: true (RSL, rsl.c) */
        return;
    }
    make_etag(st, etag);
    hu_http_date((int64_t)st->st_mtim.tv_sec, date);
    reply_header_static(rp, "Content-Type", mime_type(name));
    reply_header_copy(rp, "ETag", etag, strlen(etag));
    reply_header_copy(rp, "Last-Modified", date, 29);
    reply_header_static(rp, "Accept-Ranges", "bytes");
    reply_header_static(rp, "X-Content-Type-Options", "nosniff");
    server_credit_link(r->srv, name, st, rp);
    const char *inm = r->h.if_none_match;
    const char *ims = r->h.if_modified_since;
    if (inm ? hu_etag_match(inm, etag)
            : (ims && hu_http_date_parse(ims) >= (int64_t)st->st_mtim.tv_sec)) {
        close(fd);
        rp->status = 304;
        return;
    }
    uint64_t size = (uint64_t)st->st_size, start = 0, len = size;
    const char *range = r->h.range;
    const char *if_range = r->h.if_range;
    /* If-Range: only a strong validator that still matches keeps the range. */
    if (range && if_range &&
        !(if_range[0] == '"' ? strcmp(if_range, etag) == 0 : strcmp(if_range, date) == 0))
        range = NULL;
    switch (hu_range(range, size, &start, &len)) {
    case HU_RANGE_OK:
        rp->status = 206;
        reply_header(rp, "Content-Range", "bytes %llu-%llu/%llu", (unsigned long long)start,
                     (unsigned long long)(start + len - 1), (unsigned long long)size);
        break;
    case HU_RANGE_UNSATISFIABLE:
        close(fd);
        rp->status = 416;
        reply_header(rp, "Content-Range", "bytes */%llu", (unsigned long long)size);
        reply_header(rp, "Content-Type", "text/plain; charset=utf-8");
        ccsig_buf_puts(&rp->body, "Range not satisfiable\n");
        return;
    default:
        start = 0;
        len = size;
    }
    rp->kind = REPLY_FILE;
    rp->fd = fd;
    rp->off = start;
    rp->len = len;
}

/* Refuse (403) a file of the collection (rel, relative to its root) that
 * the client's use and pledges do not permit; true when it may have it.
 * Every way to the bytes of a file (GET, HEAD, a range, a conditional
 * request, a directory's index.html) passes here before serve_fd. */
static bool file_permitted(rq *r, reply *rp, const char *rel) {
    char path[HU_MAX_PATH + 2];
    snprintf(path, sizeof path, "/%s", rel);
    ccsig_decision d;
    if (access_decide(r, path, CCSIG_CAT_NONE, &d))
        return true;
    if (!r->cls.keyed && rsl_licence_required(r->srv, path))
        rsl_unauthorized(r, rp, NULL,
                         "Automated use of this file needs a licence: obtain a licence token at "
                         "/token and send 'Authorization: License <token>'.");
    else
        not_permitted(r, rp, path, &d);
    return false;
}

static void serve_path(rq *r, reply *rp, bool home) {
    server *s = r->srv;
    char rel[HU_MAX_PATH + 1];
    bool dir;
    if (hu_safe_path(r->path, strlen(r->path), rel, sizeof rel, &dir)) {
        not_found(r, rp);
        return;
    }
    int fd = coll_openat(s->coll, rel, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == EACCES)
            reply_error(r, rp, 403, "Forbidden", "This file cannot be read.");
        else if (home)
            page_home(r, rp);
        else
            not_found(r, rp);
        return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        not_found(r, rp);
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        if (!dir && !home) {
            redirect(rp, r->path);
            return;
        }
        char idx[HU_MAX_PATH + 16];
        snprintf(idx, sizeof idx, "%s%sindex.html", rel, *rel ? "/" : "");
        fd = coll_openat(s->coll, idx, O_RDONLY | O_NONBLOCK);
        if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
            if (file_permitted(r, rp, idx))
                serve_fd(r, rp, fd, &st, idx);
            else
                close(fd);
            return;
        }
        if (fd >= 0)
            close(fd);
        if (home) {
            page_home(r, rp);
            return;
        }
        ccsig_buf body = CCSIG_BUF_INIT;
        page_begin(s, &body, r->path);
        if (coll_listing_html(s->coll, rel, r->path, &body) != 0) {
            ccsig_buf_free(&body);
            not_found(r, rp);
            return;
        }
        page_end(&body);
        page_headers(rp);
        rp->body = body;
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        not_found(r, rp);
        return;
    }
    if (!file_permitted(r, rp, rel)) {
        close(fd);
        return;
    }
    /* O_NONBLOCK mattered only for opening (a FIFO would block); regular
     * files ignore it, so it stays (two system calls saved). */
    serve_fd(r, rp, fd, &st, rel);
}

/* ---- bulk endpoints ---- */

static bool bulk_allowed(rq *r, reply *rp) {
    if (!r->srv->pol->bulk_endpoints) {
        not_found(r, rp);
        return false;
    }
    if (!r->cls.keyed) {
        unauthorized(r, rp, NULL,
                     "Bulk endpoints (the whole collection at once) need a key: send "
                     "'Authorization: Bearer <key>'.");
        return false;
    }
    if (r->cls.tier != TIER_BULK && r->cls.tier != TIER_PUBLIC) {
        reply_error(r, rp, 403, "Approval pending",
                    "Bulk endpoints open to this key once the steward approves its "
                    "public-interest claim.");
        return false;
    }
    return true;
}

/* The files of the collection a bulk request may have: what coll_list_files
 * lists, less what the key's use and pledges do not permit (access_decide,
 * as for a single file) and the encrypted files (RSL: they go one by one,
 * encrypted, keys at /key). -1 when the collection cannot be listed. */
static int bulk_files(rq *r, coll_list *out) {
    if (coll_list_files(r->srv->coll, out) != 0)
        return -1;
    size_t w = 0;
    for (size_t i = 0; i < out->n; i++) {
        char path[HU_MAX_PATH + 2];
        snprintf(path, sizeof path, "/%s", out->v[i].rel);
        ccsig_decision d;
        if (!rsl_encrypted(r->srv, path) && access_decide(r, path, CCSIG_CAT_NONE, &d))
            out->v[w++] = out->v[i];
        else {
            free(out->v[i].rel);
            ccsig_free(out->v[i].pax);
        }
    }
    out->n = w;
    return 0;
}

/* One bulk manifest entry (a JSON object and a newline) for a permitted
 * file: what it is, its terms (the path's Content-Usage and TDMRep
 * reservation, the decision for the key's use with the obligations it
 * carries, the terms document) and its credit. When pax is not NULL, the
 * same terms as pax records for the file's tar header: extended attributes
 * (SCHILY.xattr.*, which GNU tar and bsdtar read and restore with
 * --xattrs) so that the terms stay with each extracted file. */
static void bulk_entry(rq *r, const coll_file *f, ccsig_buf *b, ccsig_buf *pax) {
    server *s = r->srv;
    char path[HU_MAX_PATH + 2];
    snprintf(path, sizeof path, "/%s", f->rel);
    const policy_rule *rule = policy_match(s->pol, path, strlen(path));
    search *idx = server_search(s);
    const char *title = idx ? search_title(idx, path) : NULL;
    if (!title)
        title = strrchr(path, '/') + 1;
    ccsig_decision d;
    access_decide(r, path, CCSIG_CAT_NONE, &d);
    ccsig_buf url = CCSIG_BUF_INIT, terms = CCSIG_BUF_INIT, obl = CCSIG_BUF_INIT;
    ccsig_buf_puts(&url, s->pol->public_url);
    hu_url_path(&url, path, strlen(path));
    ccsig_buf_printf(&terms, "%s/declaration", s->pol->public_url);
    ccsig_buf_puts(b, "{\"url\":");
    ccsig_buf_json_str(b, url.data, url.len);
    ccsig_buf_puts(b, ",\"path\":");
    ccsig_buf_json_str(b, path, strlen(path));
    ccsig_buf_printf(b, ",\"bytes\":%llu,\"content_type\":", (unsigned long long)f->size);
    const char *ct = mime_type(path);
    ccsig_buf_json_str(b, ct, strlen(ct));
    ccsig_buf_puts(b, ",\"title\":");
    char clean[3 * 256 + 1];
    size_t cn = ccsig_utf8_clean(title, strnlen(title, 256), clean);
    ccsig_buf_json_str(b, clean, cn);
    ccsig_buf_puts(b, ",\"content_usage\":");
    if (rule)
        ccsig_buf_json_str(b, rule->expression, strlen(rule->expression));
    else
        ccsig_buf_puts(b, "null");
    if (rule && rule->reserve >= 0)
        ccsig_buf_printf(b, ",\"tdm_reservation\":%d", rule->reserve);
    else
        ccsig_buf_puts(b, ",\"tdm_reservation\":null");
    const char *use = ccsig_category_name((ccsig_category)r->cls.key.use);
    ccsig_buf_printf(b, ",\"use\":\"%s\",\"decision\":\"%s\",\"obligations\":[", use,
                     ccsig_result_name(d.result));
    for (int k = 0, n = 0; k < CCSIG_COND_COUNT; k++)
        if (d.obligations & (1u << k)) {
            const char *cname = ccsig_condition_name(1u << k);
            ccsig_buf_printf(b, "%s\"%s\"", n ? "," : "", cname);
            ccsig_buf_printf(&obl, "%s%s", n++ ? "," : "", cname);
        }
    ccsig_buf_puts(b, "],\"terms\":");
    ccsig_buf_json_str(b, terms.data, terms.len);
    ccsig_buf_puts(b, ",\"credit\":");
    server_credit_json(s, path, clean, (ccsig_category)r->cls.key.use, b);
    ccsig_buf_puts(b, "}\n");
    if (pax) {
        ccsig_buf text = CCSIG_BUF_INIT;
        const char *sig;
        server_credit(s, path, clean, (ccsig_category)r->cls.key.use, &text, &sig);
        tar_pax_record(pax, "SCHILY.xattr.user.xdg.origin.url", ccsig_buf_cstr(&url));
        if (rule)
            tar_pax_record(pax, "SCHILY.xattr.user.ccsig.content-usage", rule->expression);
        tar_pax_record(pax, "SCHILY.xattr.user.ccsig.decision", ccsig_result_name(d.result));
        if (obl.len)
            tar_pax_record(pax, "SCHILY.xattr.user.ccsig.obligations", ccsig_buf_cstr(&obl));
        tar_pax_record(pax, "SCHILY.xattr.user.ccsig.credit", ccsig_buf_cstr(&text));
        if (sig)
            tar_pax_record(pax, "SCHILY.xattr.user.ccsig.signal", sig);
        tar_pax_record(pax, "SCHILY.xattr.user.ccsig.terms", ccsig_buf_cstr(&terms));
        ccsig_buf_free(&text);
    }
    ccsig_buf_free(&url);
    ccsig_buf_free(&terms);
    ccsig_buf_free(&obl);
}

/* The name of the archive's manifest member: a dot directory, which no
 * file of the collection can have (hu_safe_path serves no dot file). */
#define BULK_MANIFEST_MEMBER ".ccsig/manifest.jsonl"

static void bulk_manifest(rq *r, reply *rp) {
    if (!bulk_allowed(r, rp))
        return;
    coll_list files;
    if (bulk_files(r, &files) != 0) {
        coll_list_free(&files);
        reply_error(r, rp, 500, "Internal error", "The collection could not be listed.");
        return;
    }
    for (size_t i = 0; i < files.n; i++)
        bulk_entry(r, &files.v[i], &rp->body, NULL);
    coll_list_free(&files);
    reply_header(rp, "Content-Type", "application/jsonl");
}

static void bulk_tar(rq *r, reply *rp) {
    if (!bulk_allowed(r, rp))
        return;
    coll_list files;
    ccsig_buf manifest = CCSIG_BUF_INIT;
    if (bulk_files(r, &files) != 0) {
        coll_list_free(&files);
        reply_error(r, rp, 500, "Internal error", "The collection could not be listed.");
        return;
    }
    for (size_t i = 0; i < files.n; i++) {
        ccsig_buf pax = CCSIG_BUF_INIT;
        bulk_entry(r, &files.v[i], &manifest, &pax);
        files.v[i].pax = ccsig_buf_failed(&pax) ? NULL : pax.data;
        if (!files.v[i].pax)
            ccsig_buf_free(&pax);
    }
    if (ccsig_buf_failed(&manifest) ||
        !(rp->tar =
              tar_new(r->srv->coll, &files, BULK_MANIFEST_MEMBER, &manifest, r->srv->started_s))) {
        coll_list_free(&files);
        ccsig_buf_free(&manifest);
        reply_error(r, rp, 503, "Service unavailable", "Out of memory.");
        return;
    }
    rp->kind = REPLY_TAR;
    reply_header(rp, "Content-Type", "application/x-tar");
    reply_header(rp, "Content-Disposition", "attachment; filename=\"collection.tar\"");
}

/* ---- dispatch ---- */

static void handle(rq *r, reply *rp) {
    server *s = r->srv;
    bool get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
    bool post = !strcmp(r->method, "POST");
    r->rt = hu_route(r->path, strlen(r->path));
    route_id id = r->rt.id;
    if (!get && !post) {
        reply_error(r, rp, 405, "Method not allowed", "This gateway answers GET, HEAD and POST.");
        reply_header(rp, "Allow", "GET, HEAD, POST");
        return;
    }
    bool post_ok = id == R_REGISTER || id == R_ST_LOGIN || id == R_ST_LOGOUT || id == R_ST_ACTION ||
                   id == R_TERMS_ACCEPT || id == R_REPORTS || id == R_TOKEN || id == R_INTROSPECT ||
                   id == R_KEY;
    if (post && !post_ok) {
        reply_error(r, rp, 405, "Method not allowed", "Only forms are posted here.");
        reply_header(rp, "Allow", "GET, HEAD");
        return;
    }
    /* Robots, TDMRep, the style sheet and registration (the form and its
     * post) are answered even to a client over its rate: a crawler must
     * always be able to read the rules, and a limited client to register.
     * Registrations have their own limit (page_register), the steward's
     * pages their login limit. */
    bool exempt = id == R_ROBOTS || id == R_TDMREP || id == R_STYLE || id == R_REGISTER ||
                  id == R_RECEIPT_KEY || id == R_LICENSE || id == R_JWKS || hu_route_steward(id);
    bool admitted = admit(r, rp, exempt);
    reply_header_static(rp, "X-Access-Class", rq_class_name(&r->cls));
    if (!admitted)
        return;
    if (r->body_too_large) {
        reply_error(r, rp, 413, "Request too large",
                    "The form is larger than this gateway accepts.");
        return;
    }
    if (hu_route_steward(id)) {
        steward_handle(r, rp);
        return;
    }
    if (!terms_gate(r, rp) || !paycrawl_gate(r, rp))
        return;
    if (get)
        policy_headers(s, r->path, rp);
    switch (id) {
    case R_ROBOTS:
        generated(r, rp, &s->robots, "text/plain; charset=utf-8");
        break;
    case R_TDMREP:
        generated(r, rp, &s->tdmrep, "application/json");
        break;
    case R_LICENSE:
        generated(r, rp, &s->license_xml, CCSIG_RSL_MEDIA_TYPE);
        break;
    case R_TOKEN:
        page_token(r, rp);
        break;
    case R_INTROSPECT:
        page_introspect(r, rp);
        break;
    case R_JWKS:
        page_jwks(r, rp);
        break;
    case R_KEY:
        page_key(r, rp);
        break;
    case R_DECLARATION:
        page_declaration(r, rp);
        break;
    case R_SEARCH:
        if (server_search(s))
            page_search(r, rp);
        else
            reply_error(r, rp, 404, "No search", "This collection offers no search.");
        break;
    case R_REGISTER:
        page_register(r, rp);
        break;
    case R_TERMS:
    case R_TERMS_ACCEPT:
        page_terms(r, rp);
        break;
    case R_RECEIPT:
        page_receipt(r, rp);
        break;
    case R_RECEIPT_KEY:
        page_receipt_key(r, rp);
        break;
    case R_REPORTS:
        page_credit_reports(r, rp);
        break;
    case R_STYLE:
        page_style(r, rp);
        break;
    case R_BULK_TAR:
        bulk_tar(r, rp);
        break;
    case R_BULK_MANIFEST:
        bulk_manifest(r, rp);
        break;
    case R_BULK_OTHER:
        not_found(r, rp);
        break;
    case R_HOME:
        serve_path(r, rp, true);
        break;
    default:
        serve_path(r, rp, false);
    }
    paycrawl_done(r, rp);
}

/* ---- libmicrohttpd glue ---- */

typedef enum phase { PH_BODY = 0, PH_WAIT, PH_READY } phase;

/* Bodies of files up to this size are read into the connection's buffer
 * and sent with the headers in one send (libmicrohttpd sends a buffer
 * response with its headers in one sendmsg; a file response takes one send
 * for the headers and a sendfile for the body: two TCP segments, which on
 * small files doubles the network stack's work at both ends). Memory: at
 * most this much per connection (max-connections of them). */
#define SMALL_FILE_MAX (16 * 1024)

/* The state of one connection (MHD_OPTION_NOTIFY_CONNECTION), reused by
 * every request of a keep-alive connection: no allocation per request. */
typedef struct conn_state {
    server *srv;
    struct MHD_Connection *con;
    /* The header watch (server.h: slow clients); under hdr_watch.mu. */
    struct conn_state *hw_prev, *hw_next;
    int64_t hw_deadline_us;
    int hw_fd;
    bool hw_linked; /* reading headers */
    bool hw_cut;    /* shut down by the watch: never linked again */
    phase ph;
    ccsig_buf body;
    bool too_large;
    bool head;
    int ledger_ok;
    char *fbuf;     /* SMALL_FILE_MAX bytes, allocated at the first small file */
    ccsig_buf alog; /* the access log line begun for the request (accesslog.h) */
    bool alog_begun;
    ccsig_buf target; /* the request target as sent (uri_log_cb) */
    reply rp;
} conn_state;

/* ---- slow clients: the header watch (server.h) ---- */

struct hdr_watch {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool stopping;
    conn_state *head, *tail; /* reading headers, oldest (first deadline) first */
    size_t n;                /* linked */
    size_t budget;           /* max-header-connections */
    int64_t timeout_us;      /* header-timeout */
    uint64_t timed_out, evicted;
    bool quiet;
    int64_t logged_us; /* the last periodic log line, and its counts */
    uint64_t logged_timed_out, logged_evicted;
};

static void hw_unlink_locked(hdr_watch *w, conn_state *cs) {
    if (!cs->hw_linked)
        return;
    if (cs->hw_prev)
        cs->hw_prev->hw_next = cs->hw_next;
    else
        w->head = cs->hw_next;
    if (cs->hw_next)
        cs->hw_next->hw_prev = cs->hw_prev;
    else
        w->tail = cs->hw_prev;
    cs->hw_prev = cs->hw_next = NULL;
    cs->hw_linked = false;
    w->n--;
}

/* Close a connection still reading headers: its own thread sees the end of
 * the stream. The socket is open: the CLOSED notification, which would
 * have unlinked it first, has not come. */
static void hw_cut_locked(hdr_watch *w, conn_state *cs) {
    hw_unlink_locked(w, cs);
    cs->hw_cut = true;
    if (cs->hw_fd >= 0)
        shutdown(cs->hw_fd, SHUT_RDWR);
}

/* The connection starts reading a request's headers. */
static void hw_link(hdr_watch *w, conn_state *cs) {
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    if (!cs->hw_linked && !cs->hw_cut) {
        /* Over the budget: the one reading headers the longest goes. */
        while (w->n >= w->budget && w->head) {
            hw_cut_locked(w, w->head);
            w->evicted++;
        }
        cs->hw_deadline_us = now_mono_us() + w->timeout_us;
        cs->hw_prev = w->tail;
        cs->hw_next = NULL;
        if (w->tail)
            w->tail->hw_next = cs;
        else
            w->head = cs;
        w->tail = cs;
        cs->hw_linked = true;
        w->n++;
    }
    pthread_mutex_unlock(&w->mu);
}

/* Headers complete, or the connection is gone. */
static void hw_unlink(hdr_watch *w, conn_state *cs) {
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    hw_unlink_locked(w, cs);
    pthread_mutex_unlock(&w->mu);
}

#define HW_TICK_MS 100
#define HW_LOG_EVERY_US (60 * 1000000LL)

static void *hw_reaper(void *arg) {
    hdr_watch *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += HW_TICK_MS * 1000000L;
        ts.tv_sec += ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&w->cv, &w->mu, &ts);
        int64_t now = now_mono_us();
        while (w->head && w->head->hw_deadline_us <= now) {
            hw_cut_locked(w, w->head);
            w->timed_out++;
        }
        /* The steward hears of an attack while it lasts: a line a minute
         * at most, when connections were cut. */
        if (now - w->logged_us >= HW_LOG_EVERY_US) {
            uint64_t t = w->timed_out - w->logged_timed_out, e = w->evicted - w->logged_evicted;
            w->logged_us = now;
            w->logged_timed_out = w->timed_out;
            w->logged_evicted = w->evicted;
            if ((t || e) && !w->quiet) {
                pthread_mutex_unlock(&w->mu); /* stderr may block: not under the lock */
                fprintf(stderr,
                        "ccsig serve: slow clients: %llu connection%s closed past the header "
                        "deadline, %llu evicted over the header budget, in the last minute\n",
                        (unsigned long long)t, t == 1 ? "" : "s", (unsigned long long)e);
                pthread_mutex_lock(&w->mu);
            }
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static hdr_watch *hw_start(const policy *pol, bool quiet) {
    hdr_watch *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->quiet = quiet;
    w->logged_us = now_mono_us();
    w->budget = pol->max_header_connections ? pol->max_header_connections : 1;
    w->timeout_us = (int64_t)pol->header_timeout_s * 1000000;
    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&w->thread, NULL, hw_reaper, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w);
        return NULL;
    }
    return w;
}

/* Stop the reaper (the daemon is stopped: nothing is linked any more). */
static void hw_stop(hdr_watch *w) {
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    if (!w->quiet && (w->timed_out || w->evicted))
        fprintf(stderr,
                "ccsig serve: slow clients: %llu connection%s closed past the header deadline, "
                "%llu evicted over the header budget\n",
                (unsigned long long)w->timed_out, w->timed_out == 1 ? "" : "s",
                (unsigned long long)w->evicted);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}

static ssize_t tar_cb(void *cls, uint64_t pos, char *buf, size_t max) {
    tar_stream *t = cls;
    size_t n = tar_read(t, pos, buf, max);
    return n ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

static void tar_free_cb(void *cls) {
    tar_free(cls);
}

/* A small file's body in the connection's buffer (the response is sent
 * before the next request on this connection can reuse it). NULL when it
 * is not small, or the read came up short (the file changed: the file
 * response then does what it always does). */
static struct MHD_Response *small_file(conn_state *cs, reply *rp) {
    if (cs->head || rp->len > SMALL_FILE_MAX)
        return NULL;
    if (!cs->fbuf && !(cs->fbuf = malloc(SMALL_FILE_MAX)))
        return NULL;
    size_t got = 0;
    while (got < rp->len) {
        ssize_t n = pread(rp->fd, cs->fbuf + got, (size_t)rp->len - got, (off_t)(rp->off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        got += (size_t)n;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer((size_t)rp->len, cs->fbuf, MHD_RESPMEM_PERSISTENT);
    if (resp) {
        close(rp->fd);
        rp->fd = -1;
    }
    return resp;
}

/* MHD_get_connection_values callback: the query string again, each
 * argument percent-encoded ("a=1&b=x%20y"). */
static enum MHD_Result query_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value) {
    (void)kind;
    ccsig_buf *b = cls;
    if (b->len)
        ccsig_buf_putc(b, '&');
    hu_url_query(b, key);
    if (value) {
        ccsig_buf_putc(b, '=');
        hu_url_query(b, value);
    }
    return MHD_YES;
}

/* Begin the request's access log line (when the log is on). */
static void alog_begin(conn_state *cs, const rq *r, const char *version) {
    server *s = cs->srv;
    if (!s->alog)
        return;
    ccsig_buf q = CCSIG_BUF_INIT;
    MHD_get_connection_values(cs->con, MHD_GET_ARGUMENT_KIND, query_cb, &q);
    accesslog_begin(&cs->alog, r->addr, now_wall_us() / 1000000, r->method, r->path,
                    ccsig_buf_cstr(&q), version);
    ccsig_buf_free(&q);
    cs->alog_begun = true;
}

static enum MHD_Result queue(conn_state *cs) {
    reply *rp = &cs->rp;
    struct MHD_Response *resp = NULL;
    if (cs->alog_begun) {
        uint64_t bytes = cs->head || rp->status == 304 ? 0 : reply_size(rp);
        accesslog_end(cs->srv->alog, &cs->alog, rp->status, bytes,
                      MHD_lookup_connection_value(cs->con, MHD_HEADER_KIND, "Referer"),
                      MHD_lookup_connection_value(cs->con, MHD_HEADER_KIND, "User-Agent"));
        cs->alog_begun = false;
    }
    switch (rp->kind) {
    case REPLY_FILE:
        resp = small_file(cs, rp);
        if (resp)
            break;
        resp = MHD_create_response_from_fd_at_offset64(rp->len, rp->fd, rp->off);
        if (resp)
            rp->fd = -1; /* MHD closes it */
        break;
    case REPLY_TAR:
        resp = MHD_create_response_from_callback(tar_size(rp->tar), 64 * 1024, tar_cb, rp->tar,
                                                 tar_free_cb);
        if (resp)
            rp->tar = NULL;
        break;
    default:
        if (rp->body.len) {
            resp =
                MHD_create_response_from_buffer(rp->body.len, rp->body.data, MHD_RESPMEM_MUST_FREE);
            if (resp)
                rp->body = (ccsig_buf)CCSIG_BUF_INIT;
        } else {
            resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        }
    }
    if (!resp)
        return MHD_NO;
    for (size_t i = 0; i < rp->nhdr; i++)
        MHD_add_response_header(resp, rp->hname[i], rp->hvalue[i]);
    enum MHD_Result ret = MHD_queue_response(cs->con, rp->status, resp);
    MHD_destroy_response(resp);
    reply_free(rp);
    return ret;
}

static void on_ledger_done(void *arg, int ok) {
    conn_state *cs = arg;
    cs->ledger_ok = ok;
    cs->ph = PH_READY;
    MHD_resume_connection(cs->con);
}

/* Copy a NUL-terminated string into a fixed field, cut to fit. */
static void copy_field(char *dst, size_t cap, const char *src) {
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Whether a Content-Length value announces more than max bytes (a value
 * that is not a number is libmicrohttpd's to refuse). */
static bool declared_too_large(const char *cl, size_t max) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(cl, &end, 10);
    if (end == cl || cl[strspn(cl, " \t")] == '-')
        return false;
    return errno == ERANGE || v > max;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
    server *s = cls;
    conn_state *cs = *con_cls;
    if (!cs) {
        /* The request's first call (headers only): attach it to its
         * connection's state. */
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        cs = ci ? ci->socket_context : NULL;
        if (!cs)
            return MHD_NO;
        hw_unlink(s->hw, cs); /* the headers are complete */
        *con_cls = cs;
        /* A body declared larger than the limit is refused before it is
         * sent: no 100 Continue, no reading it to the end. */
        const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Length");
        if (cl && declared_too_large(cl, s->pol->max_body_bytes)) {
            rq r;
            memset(&r, 0, sizeof r);
            r.srv = s;
            r.con = con;
            r.method = method;
            r.path = url;
            if (s->alog) {
                client_address(s, con, &r);
                alog_begin(cs, &r, version);
            }
            reply_error(&r, &cs->rp, 413, "Request too large",
                        "The body is larger than this gateway accepts.");
            reply_header_static(&cs->rp, "Connection", "close");
            return queue(cs);
        }
        return MHD_YES;
    }
    if (cs->ph == PH_WAIT)
        return MHD_YES;
    if (cs->ph == PH_READY) {
        if (!cs->ledger_ok) {
            /* Never hand out a response whose record is not durable. */
            reply_free(&cs->rp);
            ccsig_buf_puts(&cs->rp.body, "The usage ledger is unavailable; nothing was served. "
                                         "Try again later.\n");
            cs->rp.status = 503;
            reply_header(&cs->rp, "Content-Type", "text/plain; charset=utf-8");
            reply_header(&cs->rp, "Retry-After", "5");
        }
        return queue(cs);
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        if (!cs->too_large && cs->body.len + n <= s->pol->max_body_bytes)
            ccsig_buf_append(&cs->body, upload_data, n);
        else
            cs->too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }

    rq r;
    memset(&r, 0, sizeof r);
    r.srv = s;
    r.con = con;
    r.method = method;
    r.path = url;
    r.target = cs->target.len ? ccsig_buf_cstr(&cs->target) : url;
    r.body = cs->body.data ? cs->body.data : "";
    r.body_len = cs->body.len;
    r.body_too_large = cs->too_large || ccsig_buf_failed(&cs->body);
    MHD_get_connection_values(con, MHD_HEADER_KIND, header_cb, &r.h);
    client_address(s, con, &r);
    cs->head = !strcmp(method, "HEAD");
    handle(&r, &cs->rp);
    alog_begin(cs, &r, version);

    /* Keyed requests, and those of verified signature agents (a reuser's
     * or, with reuser 0, one nobody registered: wba.h). */
    if (!r.cls.keyed && !r.cls.signed_agent)
        return queue(cs);

    ledger_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.reuser_id = r.cls.key.id;
    memcpy(rec.key_id, r.cls.key.key_id, sizeof rec.key_id);
    rec.ts_ms = now_wall_us() / 1000;
    copy_field(rec.method, sizeof rec.method, method);
    copy_field(rec.path, sizeof rec.path, *r.ledger_path ? r.ledger_path : url);
    rec.status = (int)cs->rp.status;
    rec.bytes = cs->head || cs->rp.status == 304 ? 0 : reply_size(&cs->rp);
    copy_field(rec.tier, sizeof rec.tier, tier_name(r.cls.tier));
    if (hu_request_id_ok(r.h.request_id))
        copy_field(rec.request_id, sizeof rec.request_id, r.h.request_id);
    copy_field(rec.instance, sizeof rec.instance, s->instance);
    copy_field(rec.agent, sizeof rec.agent, r.cls.agent);
    if (r.charge.micros) {
        memcpy(rec.currency, r.charge.currency, sizeof rec.currency);
        rec.charge_micros = r.charge.micros;
    }

    if (s->journal) {
        /* ledger-sync: process: the kernel has the record when write(2)
         * returns; the response can go at once. */
        cs->ledger_ok = journal_append(s->journal, &rec) == 0;
        cs->ph = PH_READY;
        if (!cs->ledger_ok)
            return on_request(cls, con, url, method, version, upload_data, upload_data_size,
                              con_cls);
        return queue(cs);
    }
    cs->ph = PH_WAIT;
    MHD_suspend_connection(con);
    if (ledger_submit(s->led, &rec, on_ledger_done, cs) != 0) {
        cs->ledger_ok = 0;
        cs->ph = PH_READY;
        MHD_resume_connection(con);
    }
    return MHD_YES;
}

/* A request is over: ready the connection's state for the next one. */
static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)cls;
    (void)con;
    (void)toe;
    conn_state *cs = *con_cls;
    if (!cs)
        return;
    reply_free(&cs->rp);
    ccsig_buf_free(&cs->body);
    cs->ph = PH_BODY;
    cs->too_large = false;
    cs->head = false;
    cs->ledger_ok = 0;
    *con_cls = NULL;
    hw_link(cs->srv->hw, cs); /* the next request's headers */
}

static void on_connection(void *cls, struct MHD_Connection *con, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        conn_state *cs = calloc(1, sizeof *cs);
        if (cs) {
            cs->srv = cls;
            cs->con = con;
            reply_init(&cs->rp);
            const union MHD_ConnectionInfo *ci =
                MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
            cs->hw_fd = ci ? (int)ci->connect_fd : -1;
            hw_link(cs->srv->hw, cs);
        }
        *socket_context = cs; /* NULL: its requests are refused */
        return;
    }
    conn_state *cs = *socket_context;
    if (!cs)
        return;
    hw_unlink(cs->srv->hw, cs);
    reply_free(&cs->rp);
    ccsig_buf_free(&cs->body);
    free(cs->fbuf);
    ccsig_buf_free(&cs->alog);
    ccsig_buf_free(&cs->target);
    free(cs);
    *socket_context = NULL;
}

/* MHD_OPTION_URI_LOG_CALLBACK: the request target before libmicrohttpd
 * decodes it and splits the query off, kept in the connection's state for
 * the signature check (RFC 9421 §2.2.6: @path is the target's path as
 * sent). The request's own state stays NULL (on_request makes it). */
static void *uri_log_cb(void *cls, const char *uri, struct MHD_Connection *con) {
    (void)cls;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_state *cs = ci ? ci->socket_context : NULL;
    if (cs) {
        ccsig_buf_clear(&cs->target);
        ccsig_buf_puts(&cs->target, uri);
    }
    return NULL;
}

static size_t unescape_cb(void *cls, struct MHD_Connection *c, char *s) {
    return hu_unescape(s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) {
    server *s = cls;
    if (s->cfg->quiet)
        return;
    fprintf(stderr, "ccsig serve: http: ");
    vfprintf(stderr, fmt, ap);
}

/* ---- start and stop ---- */

void journal_path_for(const char *db, char *out, size_t n) {
    if (!strncmp(db, "sqlite:", 7))
        snprintf(out, n, "%s.journal", db + 7);
    else if (n)
        out[0] = '\0';
}

static int listen_socket(const char *listen_addr, char *bound, size_t boundlen, char *err,
                         size_t errlen) {
    char host[256], port[16];
    const char *colon = strrchr(listen_addr, ':');
    if (!colon || colon == listen_addr || strlen(colon + 1) >= sizeof port ||
        (size_t)(colon - listen_addr) >= sizeof host) {
        snprintf(err, errlen, "--listen '%s' is not HOST:PORT", listen_addr);
        return -1;
    }
    memcpy(host, listen_addr, (size_t)(colon - listen_addr));
    host[colon - listen_addr] = '\0';
    snprintf(port, sizeof port, "%s", colon + 1);
    if (host[0] == '[') {
        size_t n = strlen(host);
        if (n < 2 || host[n - 1] != ']') {
            snprintf(err, errlen, "--listen '%s' is not HOST:PORT", listen_addr);
            return -1;
        }
        memmove(host, host + 1, n - 2);
        host[n - 2] = '\0';
    }
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int g = getaddrinfo(host, port, &hints, &ai);
    if (g != 0) {
        snprintf(err, errlen, "--listen '%s': %s", listen_addr, gai_strerror(g));
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
        snprintf(err, errlen, "cannot listen on %s: %s", listen_addr, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    char a[64] = "?";
    unsigned p = 0;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
        p = ntohs(in->sin_port);
        snprintf(bound, boundlen, "%s:%u", a, p);
    } else {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
        p = ntohs(in6->sin6_port);
        snprintf(bound, boundlen, "[%s]:%u", a, p);
    }
    return fd;
}

static void generate_all(server *s) {
    ccsig_buf_clear(&s->robots);
    ccsig_buf_clear(&s->tdmrep);
    ccsig_buf_clear(&s->declaration);
    gen_robots_txt(s->pol, &s->robots);
    gen_tdmrep_json(s->pol, &s->tdmrep);
    gen_declaration_html(s->pol, &s->declaration);
    rsl_generate(s);
    unsigned char h[8];
    crypto_generichash(h, sizeof h, (const unsigned char *)s->robots.data, s->robots.len, NULL, 0);
    char hx[17];
    hu_hex(h, sizeof h, hx);
    snprintf(s->gen_etag, sizeof s->gen_etag, "\"g-%s\"", hx);
}

int server_run(policy *pol, const serve_config *cfg) {
    char err[1024];
    server s;
    memset(&s, 0, sizeof s);
    s.pol = pol;
    s.cfg = cfg;
    s.started_s = now_wall_us() / 1000000;
    if (sodium_init() < 0) {
        fprintf(stderr, "ccsig serve: libsodium failed to initialise\n");
        return 3;
    }
    if (cfg->instance)
        snprintf(s.instance, sizeof s.instance, "%s", cfg->instance);
    else {
        char host[32] = "localhost";
        gethostname(host, sizeof host - 1);
        snprintf(s.instance, sizeof s.instance, "%s:%d", host, (int)getpid());
    }

    /* Signals are taken by sigwait in this thread only. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    int rc = 2;
    int lfd = -1;
    /* Indexes replaced by a reindex: a request holds the index it took for
     * the request's length (a query, a title lookup: milliseconds), so one
     * retired RETIRE_GRACE_S ago is no longer held and is closed at the next
     * reindex; the rest at stop. */
    enum { RETIRE_MAX = 64, RETIRE_GRACE_S = 60 };
    search *retired[RETIRE_MAX];
    int64_t retired_us[RETIRE_MAX];
    size_t nretired = 0;
    char bound[128];
    if (coll_open(cfg->collection, &s.coll, err, sizeof err) != 0) {
        fprintf(stderr, "ccsig serve: %s\n", err);
        goto out;
    }
    lfd = listen_socket(pol->listen, bound, sizeof bound, err, sizeof err);
    if (lfd < 0) {
        fprintf(stderr, "ccsig serve: %s\n", err);
        goto out;
    }
    if (!cfg->public_url_given) {
        char u[200];
        snprintf(u, sizeof u, "http://%s", bound);
        policy_set_public_url(pol, u);
        /* Every credit (search hits, manifests, Link fields) cites the
         * public URL: a loopback one is no address a reuser can credit. */
        if (!cfg->quiet && (!strncmp(bound, "127.", 4) || !strncmp(bound, "[::1]", 5) ||
                            !strncmp(bound, "localhost", 9)))
            fprintf(stderr,
                    "ccsig serve: warning: no --public-url: credit will cite %s, which no "
                    "reuser can reach; pass --public-url with the collection's public address\n",
                    pol->public_url);
    }
    s.secure_cookies = !strncmp(pol->public_url, "https://", 8);
    if (store_open(cfg->db, pol->threads + 4,
                   pol->ledger_sync_process ? STORE_LEDGER_SYNC_PROCESS : 0, &s.st, err,
                   sizeof err) != 0) {
        fprintf(stderr, "ccsig serve: %s\n", err);
        goto out;
    }
    generate_all(&s);
    if (terms_publish(&s, err, sizeof err) != 0 || receipt_key_load(&s, err, sizeof err) != 0) {
        fprintf(stderr, "ccsig serve: %s\n", err);
        goto out;
    }
    rsl_keys_init(&s);
    wba_opts wo = {pol->wba_allow, pol->nwba_allow, pol->wba_allow_http != 0, pol->wba_wait_ms,
                   !cfg->quiet};
    s.wba = wba_new(&wo, err, sizeof err);
    if (!s.wba) {
        fprintf(stderr, "ccsig serve: %s\n", err);
        goto out;
    }
    s.rl = rl_table_new(4096);
    s.led = ledger_start(s.st, !pol->ledger_sync_process);
    if (pol->ledger_sync_process && !strcmp(store_kind(s.st), "sqlite")) {
        char jp[4200];
        journal_path_for(cfg->db, jp, sizeof jp);
        if (journal_open(s.st, jp, 0, &s.journal, err, sizeof err) != 0) {
            fprintf(stderr, "ccsig serve: %s\n", err);
            goto out;
        }
    }
    /* One process owns an SQLite file: the cache is cleared by every change
     * and never goes stale. With PostgreSQL another gateway may approve a
     * claim: trust an entry for one second. */
    s.keys = keycache_new(strcmp(store_kind(s.st), "postgresql") == 0 ? 1000000 : 0);
    if (!s.rl || !s.led || !s.keys) {
        fprintf(stderr, "ccsig serve: out of memory\n");
        rc = 3;
        goto out;
    }
    if (cfg->access_log && !(s.alog = accesslog_open(cfg->access_log, err, sizeof err))) {
        fprintf(stderr, "ccsig serve: %s\n", err);
        goto out;
    }
    s.tasl = tasl_new();
    if (!s.tasl) {
        fprintf(stderr, "ccsig serve: out of memory\n");
        rc = 3;
        goto out;
    }
    char index_path[4200];
    if (cfg->search_index)
        snprintf(index_path, sizeof index_path, "%s", cfg->search_index);
    else if (!strncmp(cfg->db, "sqlite:", 7))
        snprintf(index_path, sizeof index_path, "%s.search", cfg->db + 7);
    else
        index_path[0] = '\0';
    if (pol->search_enabled && search_open(s.coll, s.st, index_path, pol->search_max_file_bytes,
                                           pol->threads + 2, &s.search, err, sizeof err) != 0) {
        fprintf(stderr, "ccsig serve: %s\n", err);
        goto out;
    }

    /* libmicrohttpd clears a connection's memory for every request: room
     * for the request's headers and our response's (under 2 KiB), no more. */
    size_t mem = pol->max_header_bytes + 4096;
    s.hw = hw_start(pol, cfg->quiet);
    if (!s.hw) {
        fprintf(stderr, "ccsig serve: cannot start the header watch\n");
        rc = 3;
        goto out;
    }
    s.daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC |
            MHD_USE_ERROR_LOG,
        0, NULL, NULL, on_request, &s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, &s,
        MHD_OPTION_LISTEN_SOCKET, lfd, MHD_OPTION_UNESCAPE_CALLBACK, unescape_cb, NULL,
        MHD_OPTION_URI_LOG_CALLBACK, uri_log_cb, NULL, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)pol->threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)pol->timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)pol->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)pol->max_connections_per_ip,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, mem, MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, &s, MHD_OPTION_END);
    if (!s.daemon) {
        fprintf(stderr, "ccsig serve: cannot start the HTTP server on %s\n", bound);
        goto out;
    }
    lfd = -1; /* the daemon owns it */
    int stewards = store_steward_count(s.st);
    if (!cfg->quiet) {
        fprintf(stderr,
                "ccsig serve: %s (%zu rule%s, %zu document%s indexed for search), ledger in %s, "
                "instance %s\n",
                coll_path(s.coll), pol->nrules, pol->nrules == 1 ? "" : "s",
                s.search ? search_doc_count(s.search) : 0,
                s.search && search_doc_count(s.search) == 1 ? "" : "s", store_display(s.st),
                s.instance);
        if (stewards == 0)
            fprintf(stderr,
                    "ccsig serve: no steward account yet: the steward pages stay closed "
                    "until you run 'ccsig serve --db %s --set-password NAME'\n",
                    cfg->db);
    }
    printf("listening on http://%s/\n", bound);
    fflush(stdout);

    /* SIGHUP: index the collection again (new and changed files become
     * searchable without a restart); the old index stays readable by the
     * requests that hold it and is closed at stop. */
    int sig = 0;
    while (sigwait(&set, &sig) == 0 && sig == SIGHUP) {
        search *fresh = NULL;
        if (!pol->search_enabled)
            continue;
        size_t kept = 0;
        for (size_t i = 0; i < nretired; i++) {
            if (now_mono_us() - retired_us[i] >= RETIRE_GRACE_S * 1000000LL) {
                search_close(retired[i]);
            } else {
                retired[kept] = retired[i];
                retired_us[kept++] = retired_us[i];
            }
        }
        nretired = kept;
        if (nretired == RETIRE_MAX) {
            fprintf(stderr,
                    "ccsig serve: reindex refused: %d reindexes in the last %d s; try again "
                    "later\n",
                    RETIRE_MAX, RETIRE_GRACE_S);
            continue;
        }
        if (search_open(s.coll, s.st, index_path, pol->search_max_file_bytes, pol->threads + 2,
                        &fresh, err, sizeof err) != 0) {
            fprintf(stderr, "ccsig serve: reindex failed (the old index stays): %s\n", err);
            continue;
        }
        retired_us[nretired] = now_mono_us();
        retired[nretired++] = __atomic_exchange_n(&s.search, fresh, __ATOMIC_ACQ_REL);
        if (!cfg->quiet)
            fprintf(stderr, "ccsig serve: reindexed: %zu document%s\n", search_doc_count(fresh),
                    search_doc_count(fresh) == 1 ? "" : "s");
    }
    if (!cfg->quiet)
        fprintf(stderr, "ccsig serve: %s, stopping\n", strsignal(sig));
    rc = 0;
out:;
    MHD_socket quiesced = MHD_INVALID_SOCKET;
    if (s.daemon)
        quiesced = MHD_quiesce_daemon(s.daemon);
    /* The ledger commits what is queued and resumes every waiting
     * connection before the daemon stops (a suspended connection must not
     * outlive it). */
    if (s.led && !cfg->quiet) {
        ledger_stats ls;
        ledger_get_stats(s.led, &ls);
        if (ls.batches)
            fprintf(stderr,
                    "ccsig serve: ledger: %llu records in %llu commits (%.1f a commit, %.2f ms "
                    "each)%s\n",
                    (unsigned long long)ls.records, (unsigned long long)ls.batches,
                    (double)(ls.records + ls.failures) / (double)ls.batches,
                    (double)ls.commit_us / 1000.0 / (double)ls.batches,
                    ls.failures ? ", SOME FAILED" : "");
    }
    ledger_stop(s.led);
    if (s.daemon) {
        /* Let responses in flight finish (at most two seconds). */
        for (int i = 0; i < 40; i++) {
            const union MHD_DaemonInfo *di =
                MHD_get_daemon_info(s.daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
            if (!di || di->num_connections == 0)
                break;
            usleep(50 * 1000);
        }
        MHD_stop_daemon(s.daemon);
    }
    if (quiesced != MHD_INVALID_SOCKET)
        close(quiesced);
    hw_stop(s.hw);
    journal_close(s.journal);
    if (lfd >= 0)
        close(lfd);
    search_close(s.search);
    for (size_t i = 0; i < nretired; i++)
        search_close(retired[i]);
    tasl_free(s.tasl);
    uint64_t alog_failed = accesslog_close(s.alog);
    if (alog_failed && !cfg->quiet)
        fprintf(stderr, "ccsig serve: access log: %llu line%s could not be written\n",
                (unsigned long long)alog_failed, alog_failed == 1 ? "" : "s");
    rl_table_free(s.rl);
    keycache_free(s.keys);
    wba_free(s.wba);
    store_close(s.st);
    coll_close(s.coll);
    ccsig_buf_free(&s.robots);
    ccsig_buf_free(&s.license_xml);
    ccsig_buf_free(&s.license_url);
    ccsig_buf_free(&s.license_link);
    ccsig_buf_free(&s.tdmrep);
    ccsig_buf_free(&s.declaration);
    ccsig_buf_free(&s.terms_doc);
    sodium_memzero(s.sign_sk, sizeof s.sign_sk);
    sodium_memzero(s.content_master, sizeof s.content_master);
    return rc;
}
