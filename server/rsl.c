/*
 * rsl.c — the gateway's RSL 1.0 side (rslstandard.org): the collection's
 * licence document, the Crawler Authorization Protocol and the Open
 * Licensing Protocol. The document and the tokens are the library's
 * (ccsig/rsl.h); the gateway gathers the policy's rules and its keys.
 *
 *   GET  /license.xml              the RSL document: one <content> per rule
 *                                  (RFC 9309 path pattern), `server` where
 *                                  automated access needs a licence
 *   robots.txt                     License: <public-url>/license.xml
 *   responses                      Link: <...>; rel="license"; type="application/rsl+xml"
 *   Authorization: License <tok>   CAP: a licence token stands for the key it
 *                                  was issued to; a bad one is a 401 with
 *                                  WWW-Authenticate: License error="invalid_token"
 *   POST /token                    OLP: a key (the pre-shared client
 *                                  credential of /register: Bearer, or Basic
 *                                  key id:secret) gets a signed licence
 *                                  token, LICENSE_TTL seconds
 *   POST /introspect               RFC 7662: {"active":...} for token=
 *   GET  /.well-known/jwks.json    the token signing key (the receipt key)
 *   files of encrypted rules       encrypted="true" in the licence; served as
 *                                  nonce || ciphertext || tag (ccsig_rsl_seal),
 *                                  Content-Type application/octet-stream,
 *                                  Encrypted-Content-Type: the original,
 *                                  RSL-Encryption: alg="...", key="<url>/key"
 *   GET  /key?resource=URL         OLP key endpoint (also POST resource=):
 *                                  with Authorization: License <token> whose
 *                                  licence covers the file for its reuser,
 *                                  the file's key as a JWK (ccsig_rsl_key_write);
 *                                  401/403 WWW-Authenticate: License error=...
 *                                  otherwise. The ledger records the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccsig/rsl.h"
#include "ccsig/sf.h"
#include "gen.h"
#include "server.h"

/* How long a licence token lives (seconds). */
#define LICENSE_TTL 300

/* The largest file the gateway encrypts (read whole, encrypted per
 * response). */
#define RSL_SEAL_MAX (64u << 20)

void rsl_generate(server *s) {
    const policy *p = s->pol;
    ccsig_buf_clear(&s->license_xml);
    ccsig_buf_clear(&s->license_url);
    ccsig_buf_clear(&s->license_link);
    ccsig_buf_printf(&s->license_url, "%s/license.xml", p->public_url);
    ccsig_buf_printf(&s->license_link, "<%s>; rel=\"license\"; type=\"" CCSIG_RSL_MEDIA_TYPE "\"",
                     ccsig_buf_cstr(&s->license_url));
    ccsig_buf terms = CCSIG_BUF_INIT;
    gen_declaration_url(p, &terms);
    ccsig_rsl_content *c = calloc(p->nrules ? p->nrules : 1, sizeof *c);
    if (!c) {
        ccsig_buf_free(&terms);
        return;
    }
    /* Longest path first, as the policy keeps its rules: a reader takes
     * the longest matching pattern, so the order carries no meaning. A
     * rule's path is a prefix; RSL patterns are RFC 9309 patterns, which
     * match prefixes too. */
    for (size_t i = 0; i < p->nrules; i++) {
        c[i].url = p->rules[i].path;
        c[i].verdict = &p->rules[i].verdict;
        c[i].server = ccsig_rsl_licence_required(&p->rules[i].verdict) ? p->public_url : NULL;
        c[i].terms = ccsig_buf_cstr(&terms);
        c[i].encrypted = p->rules[i].encrypted;
    }
    ccsig_error err;
    if (ccsig_rsl_write(c, p->nrules, &s->license_xml, &err) != CCSIG_OK)
        ccsig_buf_clear(&s->license_xml);
    free(c);
    ccsig_buf_free(&terms);
}

bool rsl_basic_key(const char *b64, size_t len, char key[HU_KEY_LEN + 1]) {
    unsigned char raw[HU_KEY_ID_LEN + 1 + HU_KEY_SECRET_LEN + 3];
    size_t n = 0;
    if (len > ccsig_base64_encoded_len(sizeof raw) || !ccsig_base64_decode(b64, len, raw, &n) ||
        n != HU_KEY_ID_LEN + 1 + HU_KEY_SECRET_LEN || raw[HU_KEY_ID_LEN] != ':')
        return false;
    memcpy(key, "ccsig_", 6);
    memcpy(key + 6, raw, HU_KEY_ID_LEN);
    key[6 + HU_KEY_ID_LEN] = '_';
    memcpy(key + 7 + HU_KEY_ID_LEN, raw + HU_KEY_ID_LEN + 1, HU_KEY_SECRET_LEN);
    key[HU_KEY_LEN] = '\0';
    return true;
}

/* A refusal with the CAP challenge: status and title for the body,
 * WWW-Authenticate: License with error when not NULL, the licence's Link. */
static void challenge(const rq *r, reply *rp, unsigned status, const char *title, const char *error,
                      const char *msg) {
    const server *s = r->srv;
    reply_error(r, rp, status, title, msg);
    /* The description is the body's (it may hold quotes). */
    if (error)
        reply_header(rp, "WWW-Authenticate", "License realm=\"%s\", license=\"%s\", error=\"%s\"",
                     s->pol->public_url, s->license_url.data, error);
    else
        reply_header(rp, "WWW-Authenticate", "License realm=\"%s\", license=\"%s\"",
                     s->pol->public_url, s->license_url.data);
    rsl_link_header(s, rp);
}

void rsl_unauthorized(const rq *r, reply *rp, const char *error, const char *msg) {
    challenge(r, rp, 401, "Licence required", error, msg);
}

bool rsl_token_admit(const rq *r, reply *rp, const char *tok, size_t len,
                     char id[HU_KEY_ID_LEN + 1], int64_t *reuser_id) {
    const server *s = r->srv;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_rsl_grant g;
    ccsig_error err;
    ccsig_status st =
        ccsig_rsl_token_verify(&a, tok, len, s->sign_pk, now_wall_us() / 1000000, &g, &err);
    bool ok = false;
    if (st != CCSIG_OK)
        rsl_unauthorized(r, rp, "invalid_token", err.message);
    else if (strcmp(g.licence, s->license_url.data) != 0)
        rsl_unauthorized(r, rp, "invalid_token", "The licence token is for another licence.");
    else if (strlen(g.client) != HU_KEY_ID_LEN)
        rsl_unauthorized(r, rp, "invalid_token", "The licence token names no client.");
    else {
        memcpy(id, g.client, HU_KEY_ID_LEN + 1);
        *reuser_id = g.reuser;
        ok = true;
    }
    ccsig_arena_free(&a);
    return ok;
}

bool rsl_licence_required(const server *s, const char *path) {
    const policy_rule *rule = policy_match(s->pol, path, strlen(path));
    return rule && ccsig_rsl_licence_required(&rule->verdict);
}

void rsl_link_header(const server *s, reply *rp) {
    if (!s->license_link.len)
        return;
    for (size_t i = 0; i < rp->nhdr; i++)
        if (rp->hvalue[i] == s->license_link.data)
            return; /* once, whoever added it first */
    reply_header_add(rp, "Link", s->license_link.data);
}

/* An OAuth 2.0 error response (RFC 6749 §5.2). */
static void oauth_error(reply *rp, unsigned status, const char *error, const char *desc) {
    ccsig_buf_clear(&rp->body);
    rp->status = status;
    ccsig_buf_printf(&rp->body, "{\"error\":\"%s\",\"error_description\":", error);
    ccsig_buf_json_str(&rp->body, desc, strlen(desc));
    ccsig_buf_puts(&rp->body, "}\n");
    reply_header(rp, "Content-Type", "application/json");
    reply_header(rp, "Cache-Control", "no-store");
}

void page_token(rq *r, reply *rp) {
    server *s = r->srv;
    if (!r->cls.keyed || r->cls.key_refused) {
        oauth_error(rp, 401, "invalid_client",
                    "A licence is issued to a registered reuser: send its key as 'Authorization: "
                    "Bearer <key>' (register at /register).");
        reply_header(rp, "WWW-Authenticate", "Bearer realm=\"ccsig\"");
        return;
    }
    hu_form f;
    if (!form_read(r, rp, &f))
        return;
    const char *gt = hu_form_get(&f, "grant_type");
    const char *resource = hu_form_get(&f, "resource");
    if (!gt || (strcmp(gt, "client_credentials") != 0 && strcmp(gt, "rsl") != 0)) {
        oauth_error(rp, 400, "unsupported_grant_type",
                    "grant_type must be client_credentials (or rsl, the OLP draft's name).");
        hu_form_free(&f);
        return;
    }
    if (r->cls.tier == TIER_PENDING) {
        oauth_error(rp, 400, "unauthorized_client",
                    "The public-interest claim of this key awaits the steward's approval.");
        hu_form_free(&f);
        return;
    }
    /* A resource named: the licence must let this reuser have it. */
    size_t pl = strlen(s->pol->public_url);
    if (resource) {
        ccsig_decision d;
        if (strncmp(resource, s->pol->public_url, pl) != 0 || resource[pl] != '/') {
            oauth_error(rp, 400, "invalid_target", "The resource is not in this collection.");
            hu_form_free(&f);
            return;
        }
        if (!access_decide(r, resource + pl, CCSIG_CAT_NONE, &d)) {
            ccsig_buf m = CCSIG_BUF_INIT;
            ccsig_buf_printf(&m, "The licence of %s does not permit %s to this key", resource + pl,
                             ccsig_category_name(d.use));
            if (d.missing) {
                ccsig_buf_puts(&m, " without the pledges");
                for (int k = 0; k < CCSIG_COND_COUNT; k++)
                    if (d.missing & (1u << k))
                        ccsig_buf_printf(&m, " %s", ccsig_condition_name(1u << k));
            }
            ccsig_buf_putc(&m, '.');
            oauth_error(rp, 400, "invalid_grant", ccsig_buf_cstr(&m));
            ccsig_buf_free(&m);
            hu_form_free(&f);
            return;
        }
    }
    hu_form_free(&f);
    ccsig_profile prof;
    access_profile(&r->cls, &prof);
    int64_t now = now_wall_us() / 1000000;
    ccsig_rsl_grant g = {.issuer = s->pol->public_url,
                         .licence = ccsig_buf_cstr(&s->license_url),
                         .reuser = r->cls.key.id,
                         .client = r->cls.key.key_id,
                         .use = prof.use,
                         .commitments = prof.commitments,
                         .purpose = prof.purpose,
                         .issued = now,
                         .expires = now + LICENSE_TTL};
    ccsig_buf tok = CCSIG_BUF_INIT;
    ccsig_error err;
    if (ccsig_rsl_token_sign(&g, s->sign_sk, &tok, &err) != CCSIG_OK) {
        oauth_error(rp, 500, "server_error", err.message);
        ccsig_buf_free(&tok);
        return;
    }
    ccsig_buf_puts(&rp->body, "{\"access_token\":");
    ccsig_buf_json_str(&rp->body, tok.data, tok.len);
    ccsig_buf_printf(&rp->body,
                     ",\"token_type\":\"License\",\"expires_in\":%d,\"license\":", LICENSE_TTL);
    ccsig_buf_json_str(&rp->body, s->license_url.data, s->license_url.len);
    ccsig_buf_puts(&rp->body, "}\n");
    ccsig_buf_free(&tok);
    reply_header(rp, "Content-Type", "application/json");
    reply_header(rp, "Cache-Control", "no-store");
}

void page_introspect(rq *r, reply *rp) {
    server *s = r->srv;
    hu_form f;
    if (!form_read(r, rp, &f))
        return;
    const char *tok = hu_form_get(&f, "token");
    reply_header(rp, "Content-Type", "application/json");
    reply_header(rp, "Cache-Control", "no-store");
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_rsl_grant g;
    ccsig_error err;
    if (!tok ||
        ccsig_rsl_token_verify(&a, tok, strlen(tok), s->sign_pk, now_wall_us() / 1000000, &g,
                               &err) != CCSIG_OK ||
        strcmp(g.licence, s->license_url.data) != 0) {
        /* RFC 7662 §2.2: an invalid, expired or foreign token is inactive,
         * with no other member. */
        ccsig_buf_puts(&rp->body, "{\"active\":false}\n");
    } else {
        ccsig_buf *b = &rp->body;
        ccsig_buf_puts(b, "{\"active\":true,\"token_type\":\"License\",\"iss\":");
        ccsig_buf_json_str(b, g.issuer, strlen(g.issuer));
        ccsig_buf_printf(b, ",\"sub\":\"%lld\",\"aud\":", (long long)g.reuser);
        ccsig_buf_json_str(b, g.licence, strlen(g.licence));
        ccsig_buf_puts(b, ",\"client_id\":");
        ccsig_buf_json_str(b, g.client, strlen(g.client));
        ccsig_buf_printf(b, ",\"iat\":%lld,\"exp\":%lld,\"scope\":\"%s\"", (long long)g.issued,
                         (long long)g.expires,
                         g.use == CCSIG_CAT_NONE ? "" : ccsig_category_name(g.use));
        ccsig_buf_puts(b, ",\"commitments\":[");
        int n = 0;
        for (int k = 0; k < CCSIG_COND_COUNT; k++)
            if (g.commitments & (1u << k))
                ccsig_buf_printf(b, "%s\"%s\"", n++ ? "," : "", ccsig_condition_name(1u << k));
        ccsig_buf_printf(b, "],\"purpose\":\"%s\"}\n",
                         g.purpose == CCSIG_PURPOSE_NONE ? "" : ccsig_purpose_name(g.purpose));
    }
    ccsig_arena_free(&a);
    hu_form_free(&f);
}

void page_jwks(rq *r, reply *rp) {
    ccsig_rsl_jwks_write(r->srv->sign_pk, &rp->body);
    reply_header(rp, "Content-Type", "application/jwk-set+json");
    reply_header(rp, "Cache-Control", "max-age=3600");
}

/* ---- encrypted assets and the key endpoint (OLP) ---- */

void rsl_keys_init(server *s) {
    /* The steward's secret is the store's signing key: its Ed25519 seed
     * (the first half of libsodium's secret key). Every gateway of a
     * store derives the same content keys. */
    ccsig_rsl_master_key(s->sign_sk, s->content_master);
    s->content_cipher = ccsig_rsl_cipher_default();
}

bool rsl_encrypted(const server *s, const char *path) {
    const policy_rule *rule = policy_match(s->pol, path, strlen(path));
    return rule && rule->encrypted;
}

/* The key endpoint's URL (for the RSL-Encryption field). */
static void key_url(const server *s, ccsig_buf *b) {
    ccsig_buf_printf(b, "%s/key", s->pol->public_url);
}

void rsl_serve_sealed(rq *r, reply *rp, int fd, const struct stat *st, const char *rel) {
    const server *s = r->srv;
    if ((uint64_t)st->st_size > RSL_SEAL_MAX) {
        close(fd);
        reply_error(r, rp, 500, "Too large to encrypt",
                    "This file is encrypted by the gateway, which encrypts files of at most "
                    "64 MiB.");
        return;
    }
    ccsig_buf plain = CCSIG_BUF_INIT;
    size_t size = (size_t)st->st_size;
    bool ok = ccsig_buf_reserve(&plain, size + 1);
    while (ok && plain.len < size) {
        ssize_t n = pread(fd, plain.data + plain.len, size - plain.len, (off_t)plain.len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            ok = false;
        else
            plain.len += (size_t)n;
    }
    close(fd);
    char path[HU_MAX_PATH + 2];
    snprintf(path, sizeof path, "/%s", rel);
    unsigned char key[CCSIG_RSL_KEY_BYTES];
    ccsig_error err;
    ccsig_buf_clear(&rp->body);
    if (!ok || ccsig_rsl_asset_key(s->content_master, path, strlen(path), key, &err) != CCSIG_OK ||
        ccsig_rsl_seal(s->content_cipher, key, plain.data, plain.len, &rp->body, &err) !=
            CCSIG_OK) {
        sodium_memzero(key, sizeof key);
        if (plain.data)
            sodium_memzero(plain.data, plain.len);
        ccsig_buf_free(&plain);
        reply_error(r, rp, 503, "Service unavailable", "The file could not be encrypted.");
        return;
    }
    sodium_memzero(key, sizeof key);
    sodium_memzero(plain.data, plain.len);
    ccsig_buf_free(&plain);
    /* Every response is a fresh encryption (a random nonce): no ranges,
     * no validators. The original media type goes with it. */
    char date[30];
    hu_http_date((int64_t)st->st_mtim.tv_sec, date);
    reply_header_static(rp, "Content-Type", "application/octet-stream");
    reply_header_static(rp, "Encrypted-Content-Type", mime_type(rel));
    reply_header(rp, "Last-Modified", "%s", date);
    reply_header_static(rp, "X-Content-Type-Options", "nosniff");
    reply_header_static(rp, "Cache-Control", "no-transform");
    ccsig_buf ku = CCSIG_BUF_INIT;
    key_url(s, &ku);
    reply_header(rp, "RSL-Encryption", "alg=\"%s\", key=\"%s\"",
                 ccsig_rsl_cipher_name(s->content_cipher), ccsig_buf_cstr(&ku));
    ccsig_buf_free(&ku);
    server_credit_link(s, rel, st, rp);
}

void page_key(rq *r, reply *rp) {
    server *s = r->srv;
    const char *tok;
    size_t toklen;
    bool licensed =
        r->h.authorization && hu_auth_token(r->h.authorization, "license", &tok, &toklen);
    if (!r->cls.keyed || r->cls.key_refused) {
        rsl_unauthorized(r, rp, NULL,
                         "The key of an encrypted file is handed to a licence holder: obtain a "
                         "licence token at /token and send 'Authorization: License <token>'.");
        return;
    }
    if (!licensed) {
        rsl_unauthorized(
            r, rp, "invalid_token",
            "The key endpoint takes a licence token ('Authorization: License <token>', "
            "from /token), not a key.");
        return;
    }
    hu_form f = {0};
    const char *resource;
    if (!strcmp(r->method, "POST")) {
        if (!form_read(r, rp, &f))
            return;
        resource = hu_form_get(&f, "resource");
    } else
        resource = rq_arg(r, "resource");
    reply_header(rp, "Cache-Control", "no-store");
    size_t pl = strlen(s->pol->public_url);
    char path[HU_MAX_PATH + 2], rel[HU_MAX_PATH + 1];
    bool dir = false;
    if (!resource || !*resource)
        oauth_error(rp, 400, "invalid_request",
                    "Name the encrypted file: resource=<its URL> (a query parameter, or a form "
                    "field of a POST).");
    else if (strncmp(resource, s->pol->public_url, pl) != 0 || resource[pl] != '/' ||
             strlen(resource + pl) > HU_MAX_PATH || strpbrk(resource + pl, "?#"))
        oauth_error(rp, 400, "invalid_target",
                    "The resource is not a file of this collection (its URL without query or "
                    "fragment).");
    else {
        /* The path as the gateway serves it: percent-decoded the way
         * libmicrohttpd decodes request paths, then made relative. */
        snprintf(path, sizeof path, "%s", resource + pl);
        size_t n = MHD_http_unescape(path);
        int fd = -1;
        if (memchr(path, '\0', n) || hu_safe_path(path, n, rel, sizeof rel, &dir) || dir || !*rel ||
            (fd = coll_openat(s->coll, rel, O_RDONLY | O_NONBLOCK)) < 0) {
            oauth_error(rp, 400, "invalid_target",
                        "There is no file at this address in the collection.");
        } else {
            close(fd);
            snprintf(path, sizeof path, "/%s", rel);
            ccsig_decision d;
            if (!rsl_encrypted(s, path))
                oauth_error(rp, 400, "invalid_target",
                            "This file is not encrypted: the licence does not mark it "
                            "encrypted=\"true\", and it has no key.");
            else if (!access_decide(r, path, CCSIG_CAT_NONE, &d))
                /* RFC 6750 §3.1: a valid token without the scope is a 403 */
                challenge(r, rp, 403, "Not covered by the licence", "insufficient_scope",
                          "The licence of this token does not cover this file for its "
                          "reuser's use and pledges.");
            else {
                unsigned char key[CCSIG_RSL_KEY_BYTES];
                ccsig_error err;
                if (ccsig_rsl_asset_key(s->content_master, path, strlen(path), key, &err) !=
                    CCSIG_OK)
                    oauth_error(rp, 500, "server_error", err.message);
                else {
                    ccsig_buf url = CCSIG_BUF_INIT;
                    ccsig_buf_printf(&url, "%s", s->pol->public_url);
                    hu_url_path(&url, path, strlen(path));
                    ccsig_rsl_key_write(s->content_cipher, key, ccsig_buf_cstr(&url),
                                        ccsig_buf_cstr(&s->license_url), &rp->body);
                    ccsig_buf_free(&url);
                    sodium_memzero(key, sizeof key);
                    reply_header(rp, "Content-Type", "application/json");
                    /* The ledger names the file whose key was handed out. */
                    snprintf(r->ledger_path, sizeof r->ledger_path, "/key?resource=%.*s",
                             (int)(sizeof r->ledger_path - 15), path);
                }
            }
        }
    }
    if (f.mem)
        hu_form_free(&f);
}
