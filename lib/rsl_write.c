/*
 * rsl_write.c — RSL 1.0 licence documents from verdicts, and the licence
 * tokens of RSL's Crawler Authorization and Open Licensing Protocols (see
 * ccsig/rsl.h). The usage tokens and payment types are the reader's tables
 * (sources/rsl.c), the XML escaper is declare's, base64url is sf.c's and
 * the JWK thumbprint is httpsig.c's.
 */
#include "ccsig/rsl.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/sf.h"
#include "declare_internal.h"
#include "sources/internal.h"
#include "sources/json.h"

/* The categories the writer states, with their RSL token (the reader's
 * table entries marked write). */
static const ccsig_category written_cats[] = {CCSIG_CAT_TRAIN_AI, CCSIG_CAT_AI_USE,
                                              CCSIG_CAT_SEARCH};

bool ccsig_rsl_licence_required(const ccsig_verdict *v) {
    bool conditional = false;
    for (size_t i = 0; i < sizeof written_cats / sizeof written_cats[0]; i++) {
        const ccsig_verdict_entry *e = &v->cat[written_cats[i]];
        if (e->state == CCSIG_STATE_ALLOW)
            return false;
        conditional |= e->state == CCSIG_STATE_DENY && e->conditions != 0;
    }
    return conditional;
}

/* Append the tokens (comma-separated) of the written categories whose
 * verdict entry has this state and exactly these conditions. Returns how
 * many. */
static int put_tokens(ccsig_buf *out, const ccsig_verdict *v, ccsig_state state,
                      unsigned conditions) {
    int n = 0;
    for (size_t i = 0; i < src_rsl_nusages; i++) {
        const src_rsl_usage *u = &src_rsl_usages[i];
        if (!u->write)
            continue;
        const ccsig_verdict_entry *e = &v->cat[u->cats[0]];
        if (e->state != state || e->conditions != conditions)
            continue;
        if (n++)
            ccsig_buf_putc(out, ',');
        ccsig_buf_puts(out, u->token);
    }
    return n;
}

/* The <payment> elements of a condition set: one per condition an RSL
 * payment type stands for, and one "use" for the others together. */
static void put_payments(ccsig_buf *out, unsigned conds) {
    unsigned rest = conds;
    for (size_t i = 0; i < src_rsl_npayments; i++)
        if (conds & src_rsl_payments[i].cond) {
            ccsig_buf_printf(out, "      <payment type=\"%s\"/>\n", src_rsl_payments[i].type);
            rest &= ~src_rsl_payments[i].cond;
        }
    if (rest)
        ccsig_buf_puts(out, "      <payment type=\"use\"/>\n");
}

/* One <license>: permits (state ALLOW, or DENY lifted by conds), the plain
 * prohibitions, and the payments of conds. Nothing when it would permit
 * and prohibit nothing. */
static void put_license(ccsig_buf *out, const ccsig_verdict *v, ccsig_state permit_state,
                        unsigned conds) {
    ccsig_buf permits = CCSIG_BUF_INIT, prohibits = CCSIG_BUF_INIT;
    int np = put_tokens(&permits, v, permit_state, conds);
    int nx = put_tokens(&prohibits, v, CCSIG_STATE_DENY, 0);
    if (np || (nx && permit_state == CCSIG_STATE_ALLOW)) {
        ccsig_buf_puts(out, "    <license>\n");
        if (np)
            ccsig_buf_printf(out, "      <permits type=\"usage\">%s</permits>\n",
                             ccsig_buf_cstr(&permits));
        if (nx)
            ccsig_buf_printf(out, "      <prohibits type=\"usage\">%s</prohibits>\n",
                             ccsig_buf_cstr(&prohibits));
        if (conds)
            put_payments(out, conds);
        ccsig_buf_puts(out, "    </license>\n");
    }
    if (ccsig_buf_failed(&permits) || ccsig_buf_failed(&prohibits))
        out->failed = true;
    ccsig_buf_free(&permits);
    ccsig_buf_free(&prohibits);
}

ccsig_status ccsig_rsl_write(const ccsig_rsl_content *c, size_t n, ccsig_buf *out,
                             ccsig_error *err) {
    if (!n)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "an RSL document needs a <content>");
    for (size_t i = 0; i < n; i++)
        if (!c[i].url || !*c[i].url || !c[i].verdict)
            return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "content %zu has no url or verdict",
                                   i + 1);
    ccsig_buf_puts(out,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rsl xmlns=\"" SRC_RSL_NS "\">\n");
    for (size_t i = 0; i < n; i++) {
        const ccsig_verdict *v = c[i].verdict;
        ccsig_buf_puts(out, "  <content url=\"");
        declare_put_xml_escaped(out, c[i].url);
        if (c[i].server) {
            ccsig_buf_puts(out, "\" server=\"");
            declare_put_xml_escaped(out, c[i].server);
        }
        ccsig_buf_puts(out, c[i].encrypted ? "\" encrypted=\"true\">\n" : "\">\n");
        /* The free licence first, then one per distinct condition set. */
        put_license(out, v, CCSIG_STATE_ALLOW, 0);
        unsigned done[sizeof written_cats / sizeof written_cats[0]];
        size_t ndone = 0;
        for (size_t k = 0; k < sizeof written_cats / sizeof written_cats[0]; k++) {
            const ccsig_verdict_entry *e = &v->cat[written_cats[k]];
            if (e->state != CCSIG_STATE_DENY || !e->conditions)
                continue;
            bool seen = false;
            for (size_t j = 0; j < ndone && !seen; j++)
                seen = done[j] == e->conditions;
            if (seen)
                continue;
            done[ndone++] = e->conditions;
            put_license(out, v, CCSIG_STATE_DENY, e->conditions);
        }
        if (c[i].terms) {
            ccsig_buf_puts(out, "    <terms>");
            declare_put_xml_escaped(out, c[i].terms);
            ccsig_buf_puts(out, "</terms>\n");
        }
        ccsig_buf_puts(out, "  </content>\n");
    }
    ccsig_buf_puts(out, "</rsl>\n");
    return ccsig_buf_failed(out) ? ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory")
                                 : CCSIG_OK;
}

/* ---- licence tokens ---- */

/* Append base64url(p[0..n)) to out. */
static void put_b64url(ccsig_buf *out, const void *p, size_t n) {
    if (!ccsig_buf_reserve(out, ccsig_base64_encoded_len(n) + 1))
        return;
    out->len += ccsig_base64url_encode(p, n, out->data + out->len);
}

void ccsig_rsl_jwks_write(const unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES], ccsig_buf *out) {
    char kid[CCSIG_JWK_THUMBPRINT_SIZE];
    ccsig_jwk_ed25519_thumbprint(pub, kid);
    ccsig_buf_puts(out, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"");
    put_b64url(out, pub, CCSIG_ED25519_PUBLIC_BYTES);
    ccsig_buf_printf(out, "\",\"kid\":\"%s\",\"use\":\"sig\",\"alg\":\"EdDSA\"}]}\n", kid);
}

ccsig_status ccsig_rsl_token_sign(const ccsig_rsl_grant *g,
                                  const unsigned char secret[CCSIG_ED25519_SECRET_BYTES],
                                  ccsig_buf *out, ccsig_error *err) {
    if (!g->issuer || !g->licence || !g->client || g->expires <= g->issued)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                               "a licence token needs an issuer, a licence, a client and an "
                               "expiry after "
                               "its issue");
    char kid[CCSIG_JWK_THUMBPRINT_SIZE];
    ccsig_jwk_ed25519_thumbprint(secret + CCSIG_ED25519_SEED_BYTES, kid);
    ccsig_buf h = CCSIG_BUF_INIT, c = CCSIG_BUF_INIT;
    ccsig_buf_printf(&h, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"%s\"}", kid);
    ccsig_buf_puts(&c, "{\"iss\":");
    ccsig_buf_json_str(&c, g->issuer, strlen(g->issuer));
    ccsig_buf_printf(&c, ",\"sub\":\"%lld\",\"aud\":", (long long)g->reuser);
    ccsig_buf_json_str(&c, g->licence, strlen(g->licence));
    ccsig_buf_puts(&c, ",\"client_id\":");
    ccsig_buf_json_str(&c, g->client, strlen(g->client));
    ccsig_buf_printf(&c, ",\"iat\":%lld,\"exp\":%lld,\"use\":\"%s\",\"commitments\":[",
                     (long long)g->issued, (long long)g->expires,
                     g->use == CCSIG_CAT_NONE ? "" : ccsig_category_name(g->use));
    int nc = 0;
    for (int b = 0; b < CCSIG_COND_COUNT; b++)
        if (g->commitments & (1u << b))
            ccsig_buf_printf(&c, "%s\"%s\"", nc++ ? "," : "", ccsig_condition_name(1u << b));
    ccsig_buf_printf(&c, "],\"purpose\":\"%s\"}",
                     g->purpose == CCSIG_PURPOSE_NONE ? "" : ccsig_purpose_name(g->purpose));
    size_t start = out->len;
    put_b64url(out, h.data, h.len);
    ccsig_buf_putc(out, '.');
    put_b64url(out, c.data, c.len);
    ccsig_status st = CCSIG_OK;
    if (ccsig_buf_failed(&h) || ccsig_buf_failed(&c) || ccsig_buf_failed(out)) {
        st = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    } else {
        unsigned char sig[crypto_sign_BYTES];
        crypto_sign_detached(sig, NULL, (const unsigned char *)out->data + start, out->len - start,
                             secret);
        ccsig_buf_putc(out, '.');
        put_b64url(out, sig, sizeof sig);
        if (ccsig_buf_failed(out))
            st = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    ccsig_buf_free(&h);
    ccsig_buf_free(&c);
    return st;
}

/* Decode one base64url part of a token into the arena (NUL-terminated). */
static char *part(ccsig_arena *a, const char *p, size_t n, size_t *len) {
    char *out = ccsig_arena_alloc(a, n + 1);
    if (!out || !ccsig_base64url_decode(p, n, (unsigned char *)out, len))
        return NULL;
    out[*len] = '\0';
    return out;
}

/* A string member of o, or NULL (absent or not a string). */
static const src_json *str_member(const src_json *o, const char *name) {
    const src_json *v = src_json_get(o, name);
    return v && v->type == SRC_JSON_STRING ? v : NULL;
}

/* An integer member of o into *out; false when absent or not an integer. */
static bool int_member(const src_json *o, const char *name, int64_t *out) {
    const src_json *v = src_json_get(o, name);
    if (!v || v->type != SRC_JSON_NUMBER || !v->str.len || v->str.len > 20)
        return false;
    char buf[24], *end;
    memcpy(buf, v->str.p, v->str.len);
    buf[v->str.len] = '\0';
    long long x = strtoll(buf, &end, 10);
    if (*end)
        return false;
    *out = x;
    return true;
}

ccsig_status ccsig_rsl_token_verify(ccsig_arena *a, const char *tok, size_t len,
                                    const unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES],
                                    int64_t now, ccsig_rsl_grant *g, ccsig_error *err) {
    if (len > CCSIG_RSL_TOKEN_MAX)
        return ccsig_error_set(err, CCSIG_ERR_LIMIT, CCSIG_RSL_TOKEN_MAX,
                               "licence token longer than %u bytes", CCSIG_RSL_TOKEN_MAX);
    const char *d1 = memchr(tok, '.', len);
    const char *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - tok)) : NULL;
    if (!d1 || !d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - tok)))
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "a licence token is three base64url parts joined by '.'");
    size_t hl, cl, sl;
    char *h = part(a, tok, (size_t)(d1 - tok), &hl);
    char *c = part(a, d1 + 1, (size_t)(d2 - d1 - 1), &cl);
    unsigned char sig[crypto_sign_BYTES + 3];
    const char *s = d2 + 1;
    size_t sn = len - (size_t)(s - tok);
    char canon[sizeof sig * 2];
    if (!h || !c || sn > ccsig_base64_encoded_len(crypto_sign_BYTES) ||
        !ccsig_base64url_decode(s, sn, sig, &sl) || sl != crypto_sign_BYTES)
        return ccsig_error_set(err, a->failed ? CCSIG_ERR_NOMEM : CCSIG_ERR_SYNTAX, 0,
                               "a part of the licence token is not base64url");
    /* One spelling per signature: unused trailing bits must be zero, so a
     * token cannot be changed into another that still verifies. */
    if (ccsig_base64url_encode(sig, sl, canon) != sn || memcmp(canon, s, sn) != 0)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "the licence token's signature is not canonical base64url");
    if (crypto_sign_verify_detached(sig, (const unsigned char *)tok, (size_t)(d2 - tok), pub) != 0)
        return ccsig_error_set(err, CCSIG_ERR_SIGNATURE, 0,
                               "the licence token's signature does not verify with this key");
    src_json *hj, *cj;
    ccsig_status st = src_json_parse(a, h, hl, &hj, err);
    if (st == CCSIG_OK)
        st = src_json_parse(a, c, cl, &cj, err);
    if (st != CCSIG_OK)
        return st;
    const src_json *alg = hj->type == SRC_JSON_OBJECT ? str_member(hj, "alg") : NULL;
    if (!alg || !ccsig_str_eq(alg->str, "EdDSA"))
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "the licence token's alg is not EdDSA");
    if (cj->type != SRC_JSON_OBJECT)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "the licence token's claims are not "
                               "an object");
    static const char *const strs[] = {"iss", "sub", "aud", "use", "purpose", "client_id"};
    const src_json *sv[6];
    for (size_t i = 0; i < 6; i++)
        if (!(sv[i] = str_member(cj, strs[i])))
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                   "the licence token has no string claim \"%s\"", strs[i]);
    ccsig_rsl_grant r = {0};
    char *end;
    r.reuser = strtoll(sv[1]->str.p, &end, 10);
    if (!sv[1]->str.len || *end)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "the licence token's sub is not a "
                               "reuser id");
    if (!int_member(cj, "iat", &r.issued) || !int_member(cj, "exp", &r.expires))
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "the licence token has no integer iat and exp");
    r.use = CCSIG_CAT_NONE;
    if (sv[3]->str.len && !ccsig_category_parse(sv[3]->str.p, sv[3]->str.len, &r.use))
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "the licence token's use is unknown");
    if (sv[4]->str.len && !ccsig_purpose_parse(sv[4]->str.p, sv[4]->str.len, &r.purpose))
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "the licence token's purpose is "
                               "unknown");
    const src_json *cm = src_json_get(cj, "commitments");
    if (!cm || cm->type != SRC_JSON_ARRAY)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "the licence token has no commitments array");
    for (const src_json *e = cm->child; e; e = e->next) {
        unsigned m;
        size_t bad;
        if (e->type != SRC_JSON_STRING || !ccsig_conditions_parse(e->str.p, e->str.len, &m, &bad))
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                   "the licence token names an unknown commitment");
        r.commitments |= m;
    }
    if (now >= r.expires)
        return ccsig_error_set(err, CCSIG_ERR_RANGE, 0, "the licence token expired %lld s ago",
                               (long long)(now - r.expires));
    if (r.issued > now + 60)
        return ccsig_error_set(err, CCSIG_ERR_RANGE, 0,
                               "the licence token is issued in the "
                               "future");
    r.issuer = sv[0]->str.p;
    r.licence = sv[2]->str.p;
    r.client = sv[5]->str.p;
    *g = r;
    return CCSIG_OK;
}
