/*
 * httpsig.c — HTTP Message Signatures (RFC 9421) for Web Bot Auth: the
 * signature base, Ed25519 signing and verification through libsodium, and
 * JWK thumbprints (RFC 7638). See ccsig/httpsig.h.
 */
#include "ccsig/httpsig.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "ccsig/sf.h"
#include "sources/json.h"

static const char *const result_names[CCSIG_HTTPSIG_RESULT_COUNT] = {
    "valid",       "unsigned",      "malformed",     "no-tag",  "unsupported",
    "not-covered", "missing-field", "not-yet-valid", "expired", "too-long",
    "unknown-key", "bad-signature", "replayed",
};

const char *ccsig_httpsig_result_name(ccsig_httpsig_result r) {
    return (unsigned)r < CCSIG_HTTPSIG_RESULT_COUNT ? result_names[r] : "unknown";
}

void ccsig_httpsig_verify_options_init(ccsig_httpsig_verify_options *o) {
    memset(o, 0, sizeof *o);
    o->now = (int64_t)time(NULL);
    o->skew = 60;
    o->max_validity = 86400;
}

/* sodium_init once; it is idempotent and thread-safe. */
static bool crypto_ready(void) {
    return sodium_init() >= 0;
}

/* ---------------------------------------------------------- components -- */

/* The values of every field named name (case-insensitive), joined with ", "
 * as RFC 9421 §2.1 says, in the arena. Returns false when there is none. */
static bool field_value(ccsig_arena *a, const ccsig_httpsig_message *m, ccsig_str name,
                        ccsig_str *out, bool *nomem) {
    size_t n = 0, total = 0;
    for (size_t i = 0; i < m->nfields; i++)
        if (ccsig_str_ieq_n(m->fields[i].name, name.p, name.len)) {
            n++;
            total += m->fields[i].value.len + 2;
        }
    if (!n)
        return false;
    char *p = ccsig_arena_alloc(a, total + 1);
    if (!p) {
        *nomem = true;
        return false;
    }
    size_t o = 0;
    for (size_t i = 0; i < m->nfields; i++)
        if (ccsig_str_ieq_n(m->fields[i].name, name.p, name.len)) {
            if (o) {
                p[o++] = ',';
                p[o++] = ' ';
            }
            memcpy(p + o, m->fields[i].value.p, m->fields[i].value.len);
            o += m->fields[i].value.len;
        }
    *out = ccsig_str_make(p, o);
    return true;
}

/* Append the authority as RFC 9421 §2.2.3 normalises it: lowercase, without
 * the scheme's default port. */
static void put_authority(ccsig_buf *b, const ccsig_httpsig_message *m) {
    ccsig_str h = m->authority;
    if ((CCSIG_STR_IEQ(m->scheme, "https") && h.len > 4 && !memcmp(h.p + h.len - 4, ":443", 4)) ||
        (CCSIG_STR_IEQ(m->scheme, "http") && h.len > 3 && !memcmp(h.p + h.len - 3, ":80", 3)))
        h.len -= CCSIG_STR_IEQ(m->scheme, "https") ? 4 : 3;
    for (size_t i = 0; i < h.len; i++) {
        char c = h.p[i];
        ccsig_buf_putc(b, c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
    }
}

static void put_lower(ccsig_buf *b, ccsig_str s) {
    for (size_t i = 0; i < s.len; i++) {
        char c = s.p[i];
        ccsig_buf_putc(b, c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
    }
}

/* Append the value of one covered component (its identifier: it, a String
 * with parameters) to b. */
static ccsig_status component_value(ccsig_arena *a, const ccsig_httpsig_message *m,
                                    const ccsig_sf_item *it, ccsig_buf *b, ccsig_error *err) {
    if (it->bare.type != CCSIG_SF_STRING)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "a covered component must be a String");
    ccsig_str name = it->bare.v.str;
    ccsig_str key = {0};
    bool req = false;
    for (size_t i = 0; i < it->params.n; i++) {
        const ccsig_sf_param *p = &it->params.v[i];
        if (ccsig_str_eq(p->key, "req"))
            req = p->value.type == CCSIG_SF_BOOLEAN && p->value.v.boolean;
        else if (ccsig_str_eq(p->key, "key") && p->value.type == CCSIG_SF_STRING)
            key = p->value.v.str;
        else
            return ccsig_error_set(err, CCSIG_ERR_UNSUPPORTED, 0,
                                   "component parameter '%.*s' is not supported", (int)p->key.len,
                                   p->key.p);
    }
    if (req) {
        if (!m->request)
            return ccsig_error_set(err, CCSIG_ERR_RANGE, 0,
                                   "component \"%.*s\";req needs the request", (int)name.len,
                                   name.p);
        m = m->request;
    }
    for (size_t i = 0; i < name.len; i++)
        if (name.p[i] >= 'A' && name.p[i] <= 'Z')
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                   "component name \"%.*s\" must be lowercase", (int)name.len,
                                   name.p);
    if (name.len && name.p[0] == '@') {
        if (key.len)
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                   "a derived component takes no 'key' parameter");
        bool request = m->status == 0;
        const char *q = m->target.len ? memchr(m->target.p, '?', m->target.len) : NULL;
        size_t plen = q ? (size_t)(q - m->target.p) : m->target.len;
        if (ccsig_str_eq(name, "@status")) {
            if (request)
                return ccsig_error_set(err, CCSIG_ERR_RANGE, 0, "@status is not in a request");
            ccsig_buf_printf(b, "%03d", m->status);
            return CCSIG_OK;
        }
        if (!request)
            return ccsig_error_set(err, CCSIG_ERR_RANGE, 0,
                                   "%.*s is a request component (use ;req in a response)",
                                   (int)name.len, name.p);
        if (ccsig_str_eq(name, "@method"))
            ccsig_buf_put_str(b, m->method);
        else if (ccsig_str_eq(name, "@authority"))
            put_authority(b, m);
        else if (ccsig_str_eq(name, "@scheme"))
            put_lower(b, m->scheme);
        else if (ccsig_str_eq(name, "@target-uri")) {
            put_lower(b, m->scheme);
            ccsig_buf_puts(b, "://");
            put_authority(b, m);
            ccsig_buf_put_str(b, m->target.len ? m->target : CCSIG_STR_LIT("/"));
        } else if (ccsig_str_eq(name, "@request-target"))
            ccsig_buf_put_str(b, m->target);
        else if (ccsig_str_eq(name, "@path")) {
            if (plen)
                ccsig_buf_append(b, m->target.p, plen);
            else
                ccsig_buf_putc(b, '/');
        } else if (ccsig_str_eq(name, "@query")) {
            if (q)
                ccsig_buf_append(b, q, m->target.len - plen);
            else
                ccsig_buf_putc(b, '?');
        } else
            return ccsig_error_set(err, CCSIG_ERR_UNSUPPORTED, 0,
                                   "derived component \"%.*s\" is not supported", (int)name.len,
                                   name.p);
        return ccsig_buf_failed(b) ? ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory")
                                   : CCSIG_OK;
    }
    bool nomem = false;
    ccsig_str v = {0};
    if (!field_value(a, m, name, &v, &nomem))
        return nomem ? ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory")
                     : ccsig_error_set(err, CCSIG_ERR_RANGE, 0,
                                       "the covered field \"%.*s\" is not in the message",
                                       (int)name.len, name.p);
    if (!key.len) {
        ccsig_buf_put_str(b, v);
        return CCSIG_OK;
    }
    /* key: the Dictionary member, re-serialised (RFC 9421 §2.1.2). */
    ccsig_sf_dict d;
    ccsig_error perr;
    if (ccsig_sf_parse_dict(a, v.p, v.len, &d, &perr))
        return ccsig_error_set(err, CCSIG_ERR_RANGE, 0,
                               "the field \"%.*s\" is not a Dictionary (%s)", (int)name.len, name.p,
                               perr.message);
    const ccsig_sf_member *mem = NULL;
    for (size_t i = 0; i < d.n; i++)
        if (ccsig_str_eq_str(d.v[i].key, key))
            mem = &d.v[i];
    if (!mem)
        return ccsig_error_set(err, CCSIG_ERR_RANGE, 0, "the field \"%.*s\" has no member \"%.*s\"",
                               (int)name.len, name.p, (int)key.len, key.p);
    ccsig_sf_member one = *mem;
    one.key = (ccsig_str){0};
    ccsig_sf_list l = {&one, 1};
    return ccsig_sf_serialize_list(b, &l, err);
}

/* Whether two covered components are the same identifier (RFC 9421 §2.5:
 * each may appear once): the same name and the same parameters, compared
 * as parsed, without serialising either. */
static bool same_bare(const ccsig_sf_bare *a, const ccsig_sf_bare *b) {
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case CCSIG_SF_BOOLEAN:
        return a->v.boolean == b->v.boolean;
    case CCSIG_SF_INTEGER:
    case CCSIG_SF_DECIMAL:
    case CCSIG_SF_DATE:
        return a->v.integer == b->v.integer;
    default:
        return ccsig_str_eq_str(a->v.str, b->v.str);
    }
}

static bool same_component(const ccsig_sf_item *a, const ccsig_sf_item *b) {
    if (!same_bare(&a->bare, &b->bare) || a->params.n != b->params.n)
        return false;
    for (size_t k = 0; k < a->params.n; k++)
        if (!ccsig_str_eq_str(a->params.v[k].key, b->params.v[k].key) ||
            !same_bare(&a->params.v[k].value, &b->params.v[k].value))
            return false;
    return true;
}

/* The signature base of m for the parsed Signature-Input member mem. */
static ccsig_status build_base(ccsig_arena *a, const ccsig_httpsig_message *m,
                               const ccsig_sf_member *mem, ccsig_buf *out, ccsig_error *err) {
    if (!mem->inner)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, mem->offset,
                               "a Signature-Input member must be an Inner List");
    for (size_t i = 0; i < mem->nitems; i++) {
        const ccsig_sf_item *it = &mem->items[i];
        for (size_t j = 0; j < i; j++)
            if (same_component(&mem->items[j], it))
                return ccsig_error_set(err, CCSIG_ERR_SYNTAX, mem->offset,
                                       "component %zu is covered twice", i + 1);
        ccsig_status st = ccsig_sf_serialize_item(out, it, err);
        if (st)
            return st;
        ccsig_buf_puts(out, ": ");
        if ((st = component_value(a, m, it, out, err)))
            return st;
        ccsig_buf_putc(out, '\n');
    }
    ccsig_buf_puts(out, "\"@signature-params\": ");
    ccsig_sf_member one = *mem;
    one.key = (ccsig_str){0};
    ccsig_sf_list l = {&one, 1};
    ccsig_status st = ccsig_sf_serialize_list(out, &l, err);
    if (st)
        return st;
    return ccsig_buf_failed(out) ? ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory")
                                 : CCSIG_OK;
}

ccsig_status ccsig_httpsig_base(ccsig_arena *a, const ccsig_httpsig_message *m, const char *input,
                                size_t input_len, ccsig_buf *out, ccsig_error *err) {
    ccsig_sf_list l;
    ccsig_status st = ccsig_sf_parse_list(a, input, input_len, &l, err);
    if (st)
        return st;
    if (l.n != 1 || !l.v[0].inner)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                               "expected one Inner List of covered components");
    return build_base(a, m, &l.v[0], out, err);
}

/* ---------------------------------------------------------- verifying -- */

static ccsig_status verdict(ccsig_httpsig_verdict *out, ccsig_httpsig_result r, const char *fmt,
                            ...) __attribute__((format(printf, 3, 4)));

static ccsig_status verdict(ccsig_httpsig_verdict *out, ccsig_httpsig_result r, const char *fmt,
                            ...) {
    out->result = r;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->detail, sizeof out->detail, fmt, ap);
    va_end(ap);
    return CCSIG_OK;
}

static ccsig_status nomem(ccsig_error *err) {
    return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
}

/* Read the signature's parameters; false (and a verdict) when one has the
 * wrong type. */
static bool read_params(const ccsig_sf_params *ps, ccsig_httpsig_params *p,
                        ccsig_httpsig_verdict *out) {
    for (size_t i = 0; i < ps->n; i++) {
        const ccsig_sf_param *x = &ps->v[i];
        bool num = ccsig_str_eq(x->key, "created") || ccsig_str_eq(x->key, "expires");
        bool str = ccsig_str_eq(x->key, "keyid") || ccsig_str_eq(x->key, "alg") ||
                   ccsig_str_eq(x->key, "nonce") || ccsig_str_eq(x->key, "tag");
        if ((num && x->value.type != CCSIG_SF_INTEGER) ||
            (str && x->value.type != CCSIG_SF_STRING)) {
            verdict(out, CCSIG_HTTPSIG_MALFORMED, "parameter '%.*s' must be %s", (int)x->key.len,
                    x->key.p, num ? "an Integer" : "a String");
            return false;
        }
        if (ccsig_str_eq(x->key, "created")) {
            p->has_created = true;
            p->created = x->value.v.integer;
        } else if (ccsig_str_eq(x->key, "expires")) {
            p->has_expires = true;
            p->expires = x->value.v.integer;
        } else if (ccsig_str_eq(x->key, "keyid"))
            p->keyid = x->value.v.str;
        else if (ccsig_str_eq(x->key, "alg"))
            p->alg = x->value.v.str;
        else if (ccsig_str_eq(x->key, "nonce"))
            p->nonce = x->value.v.str;
        else if (ccsig_str_eq(x->key, "tag"))
            p->tag = x->value.v.str;
    }
    return true;
}

/* The Signature-Agent URL the signature names: with a `key` parameter on the
 * covered signature-agent component, that Dictionary member (a String);
 * otherwise a Dictionary of one member, or the older String form. */
static void read_agent(ccsig_arena *a, ccsig_str v, ccsig_str key, ccsig_httpsig_verdict *out) {
    ccsig_sf_dict d;
    ccsig_error e;
    if (!ccsig_sf_parse_dict(a, v.p, v.len, &d, &e)) {
        for (size_t i = 0; i < d.n; i++)
            if (!d.v[i].inner && d.v[i].bare.type == CCSIG_SF_STRING &&
                (key.len ? ccsig_str_eq_str(d.v[i].key, key) : d.n == 1)) {
                out->agent = d.v[i].bare.v.str;
                return;
            }
    }
    ccsig_sf_item it;
    if (!ccsig_sf_parse_item(a, v.p, v.len, &it, &e) && it.bare.type == CCSIG_SF_STRING) {
        out->agent = it.bare.v.str;
        out->agent_legacy = true;
        return;
    }
    out->agent = v; /* a bare URL, as some early agents sent */
    out->agent_legacy = true;
}

ccsig_status ccsig_httpsig_verify(ccsig_arena *a, const ccsig_httpsig_message *m,
                                  const ccsig_httpsig_verify_options *o, ccsig_httpsig_verdict *out,
                                  ccsig_error *err) {
    memset(out, 0, sizeof *out);
    if (!o || !o->key)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "no key lookup given");
    if (!crypto_ready())
        return ccsig_error_set(err, CCSIG_ERR_IO, 0, "libsodium cannot be initialised");
    const char *tag = o->tag ? o->tag : CCSIG_HTTPSIG_TAG_WEB_BOT_AUTH;
    bool nm = false;
    ccsig_str in_v = {0}, sig_v = {0}, agent_v = {0};
    bool has_in = field_value(a, m, CCSIG_STR_LIT("signature-input"), &in_v, &nm);
    bool has_sig = !nm && field_value(a, m, CCSIG_STR_LIT("signature"), &sig_v, &nm);
    bool has_agent = !nm && field_value(a, m, CCSIG_STR_LIT("signature-agent"), &agent_v, &nm);
    if (nm)
        return nomem(err);
    if (!has_in || !has_sig)
        return verdict(out, CCSIG_HTTPSIG_UNSIGNED, "the message has no %s field",
                       has_in ? "Signature" : "Signature-Input");
    ccsig_sf_dict in, sig;
    ccsig_error e;
    ccsig_status st;
    if ((st = ccsig_sf_parse_dict(a, in_v.p, in_v.len, &in, &e)))
        return st == CCSIG_ERR_NOMEM
                   ? nomem(err)
                   : verdict(out, CCSIG_HTTPSIG_MALFORMED, "Signature-Input, byte %zu: %s",
                             e.offset + 1, e.message);
    if ((st = ccsig_sf_parse_dict(a, sig_v.p, sig_v.len, &sig, &e)))
        return st == CCSIG_ERR_NOMEM ? nomem(err)
                                     : verdict(out, CCSIG_HTTPSIG_MALFORMED,
                                               "Signature, byte %zu: %s", e.offset + 1, e.message);
    const ccsig_sf_member *mem = NULL;
    for (size_t i = 0; i < in.n && !mem; i++) {
        const ccsig_sf_bare *t = ccsig_sf_params_get(&in.v[i].params, "tag");
        if (!*tag || (t && t->type == CCSIG_SF_STRING && ccsig_str_eq(t->v.str, tag)))
            mem = &in.v[i];
    }
    /* The profiles of Web Bot Auth and of its key directory ask for created,
     * expires and keyid; plain RFC 9421 (tag "") asks for none. */
    bool profile = *tag != '\0';
    if (!mem)
        return verdict(out, CCSIG_HTTPSIG_NO_TAG, "no signature is tagged \"%s\"", tag);
    out->label = mem->key;
    if (!mem->inner)
        return verdict(out, CCSIG_HTTPSIG_MALFORMED,
                       "Signature-Input member %.*s is not an Inner List", (int)mem->key.len,
                       mem->key.p);
    if (!read_params(&mem->params, &out->params, out))
        return CCSIG_OK;
    const ccsig_httpsig_params *p = &out->params;
    const ccsig_sf_member *sm = NULL;
    for (size_t i = 0; i < sig.n; i++)
        if (ccsig_str_eq_str(sig.v[i].key, mem->key))
            sm = &sig.v[i];
    if (!sm || sm->inner || sm->bare.type != CCSIG_SF_BINARY)
        return verdict(out, CCSIG_HTTPSIG_MALFORMED, "Signature has no Byte Sequence member %.*s",
                       (int)mem->key.len, mem->key.p);
    if (!p->keyid.len)
        return verdict(out, CCSIG_HTTPSIG_MALFORMED, "the signature has no keyid");
    if (profile && (!p->has_created || !p->has_expires))
        return verdict(out, CCSIG_HTTPSIG_MALFORMED, "the signature has no %s",
                       p->has_created ? "expires" : "created");
    if (p->alg.len && !ccsig_str_eq(p->alg, "ed25519"))
        return verdict(out, CCSIG_HTTPSIG_UNSUPPORTED, "algorithm \"%.*s\" is not supported",
                       (int)p->alg.len, p->alg.p);
    /* Coverage (Web Bot Auth): the target, and the agent when named. */
    bool target = false, agent_cov = false;
    ccsig_str agent_key = {0};
    for (size_t i = 0; i < mem->nitems; i++) {
        const ccsig_sf_item *it = &mem->items[i];
        if (it->bare.type != CCSIG_SF_STRING)
            return verdict(out, CCSIG_HTTPSIG_MALFORMED, "covered component %zu is not a String",
                           i + 1);
        ccsig_str n = it->bare.v.str;
        if (ccsig_str_eq(n, "@authority") || ccsig_str_eq(n, "@target-uri"))
            target = true;
        if (ccsig_str_eq(n, "signature-agent")) {
            agent_cov = true;
            const ccsig_sf_bare *k = ccsig_sf_params_get(&it->params, "key");
            if (k && k->type == CCSIG_SF_STRING)
                agent_key = k->v.str;
        }
    }
    if (has_agent)
        read_agent(a, agent_v, agent_key, out);
    if (profile && !target && m->status == 0)
        return verdict(out, CCSIG_HTTPSIG_NOT_COVERED,
                       "the signature covers neither @authority nor @target-uri");
    if (has_agent && !agent_cov)
        return verdict(out, CCSIG_HTTPSIG_NOT_COVERED,
                       "the message has Signature-Agent but the signature does not cover it");
    if (p->has_created && p->created > o->now + o->skew)
        return verdict(out, CCSIG_HTTPSIG_NOT_YET_VALID, "created %lld is %lld s in the future",
                       (long long)p->created, (long long)(p->created - o->now));
    if (p->has_expires && p->expires < o->now - o->skew)
        return verdict(out, CCSIG_HTTPSIG_EXPIRED, "expired %lld s ago",
                       (long long)(o->now - p->expires));
    if (p->has_created && p->has_expires && p->expires < p->created)
        return verdict(out, CCSIG_HTTPSIG_MALFORMED, "expires is before created");
    if (p->has_created && p->has_expires && o->max_validity > 0 &&
        p->expires - p->created > o->max_validity)
        return verdict(out, CCSIG_HTTPSIG_TOO_LONG,
                       "valid for %lld s, more than the %lld s accepted",
                       (long long)(p->expires - p->created), (long long)o->max_validity);
    unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES];
    if (!o->key(o->ctx, p->keyid, out->agent, pub))
        return verdict(out, CCSIG_HTTPSIG_UNKNOWN_KEY, "no key \"%.*s\"%s%.*s",
                       (int)(p->keyid.len > 60 ? 60 : p->keyid.len), p->keyid.p,
                       out->agent.len ? " for " : "",
                       (int)(out->agent.len > 80 ? 80 : out->agent.len), out->agent.p);
    if (sm->bare.v.str.len != CCSIG_ED25519_SIGNATURE_BYTES)
        return verdict(out, CCSIG_HTTPSIG_BAD_SIGNATURE,
                       "an Ed25519 signature has 64 bytes, this one %zu", sm->bare.v.str.len);
    ccsig_buf base = CCSIG_BUF_INIT;
    st = build_base(a, m, mem, &base, &e);
    if (st) {
        ccsig_buf_free(&base);
        if (st == CCSIG_ERR_NOMEM)
            return nomem(err);
        return verdict(out,
                       st == CCSIG_ERR_UNSUPPORTED ? CCSIG_HTTPSIG_UNSUPPORTED
                       : st == CCSIG_ERR_RANGE     ? CCSIG_HTTPSIG_MISSING_FIELD
                                                   : CCSIG_HTTPSIG_MALFORMED,
                       "%s", e.message);
    }
    int bad = crypto_sign_verify_detached((const unsigned char *)sm->bare.v.str.p,
                                          (const unsigned char *)base.data, base.len, pub);
    ccsig_buf_free(&base);
    if (bad)
        return verdict(out, CCSIG_HTTPSIG_BAD_SIGNATURE,
                       "the signature does not verify with key \"%.*s\"",
                       (int)(p->keyid.len > 60 ? 60 : p->keyid.len), p->keyid.p);
    if (o->nonce && !o->nonce(o->ctx, p->keyid, p->nonce, p->expires))
        return verdict(out, CCSIG_HTTPSIG_REPLAYED, "nonce already seen: a replayed request");
    out->result = CCSIG_HTTPSIG_VALID;
    return CCSIG_OK;
}

/* ------------------------------------------------------------ signing -- */

void ccsig_ed25519_from_seed(const unsigned char seed[CCSIG_ED25519_SEED_BYTES],
                             unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES],
                             unsigned char secret[CCSIG_ED25519_SECRET_BYTES]) {
    crypto_ready();
    crypto_sign_seed_keypair(pub, secret, seed);
}

ccsig_status ccsig_httpsig_sign(ccsig_arena *a, const ccsig_httpsig_message *m,
                                const ccsig_httpsig_sign_options *o,
                                const unsigned char secret[CCSIG_ED25519_SECRET_BYTES],
                                ccsig_buf *input, ccsig_buf *signature, ccsig_error *err) {
    if (!o || !secret)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "no options or key given");
    if (!crypto_ready())
        return ccsig_error_set(err, CCSIG_ERR_IO, 0, "libsodium cannot be initialised");
    const char *label = o->label ? o->label : "sig1";
    if (!ccsig_sf_is_valid_key(ccsig_str_make(label, strlen(label))))
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "\"%s\" is not a valid label", label);
    /* The inner list: the components, then the parameters. */
    ccsig_buf il = CCSIG_BUF_INIT;
    ccsig_buf_putc(&il, '(');
    if (o->components)
        ccsig_buf_puts(&il, o->components);
    else {
        ccsig_buf_puts(&il, "\"@authority\"");
        bool nm = false;
        ccsig_str av = {0};
        if (field_value(a, m, CCSIG_STR_LIT("signature-agent"), &av, &nm)) {
            ccsig_sf_dict d;
            ccsig_error e;
            ccsig_buf_puts(&il, " \"signature-agent\"");
            if (!ccsig_sf_parse_dict(a, av.p, av.len, &d, &e) && d.n == 1 && !d.v[0].inner &&
                d.v[0].bare.type == CCSIG_SF_STRING)
                ccsig_buf_printf(&il, ";key=\"%.*s\"", (int)d.v[0].key.len, d.v[0].key.p);
        }
        if (nm) {
            ccsig_buf_free(&il);
            return nomem(err);
        }
    }
    char kid[CCSIG_JWK_THUMBPRINT_SIZE];
    if (!o->keyid)
        ccsig_jwk_ed25519_thumbprint(secret + CCSIG_ED25519_SEED_BYTES, kid);
    ccsig_buf_printf(&il, ");created=%lld", (long long)o->created);
    if (o->expires)
        ccsig_buf_printf(&il, ";expires=%lld", (long long)o->expires);
    /* Strings go through the serialiser so that no parameter can break out. */
    struct {
        const char *k, *v;
    } sp[] = {{"keyid", o->keyid ? o->keyid : kid},
              {"alg", o->alg ? "ed25519" : NULL},
              {"nonce", o->nonce},
              {"tag", o->tag ? o->tag : CCSIG_HTTPSIG_TAG_WEB_BOT_AUTH}};
    ccsig_status st = CCSIG_OK;
    for (size_t i = 0; i < sizeof sp / sizeof sp[0] && !st; i++) {
        if (!sp[i].v || !*sp[i].v)
            continue;
        ccsig_sf_bare v = {.type = CCSIG_SF_STRING};
        v.v.str = ccsig_str_make(sp[i].v, strlen(sp[i].v));
        ccsig_buf_printf(&il, ";%s=", sp[i].k);
        st = ccsig_sf_serialize_bare(&il, &v, err);
    }
    if (st || ccsig_buf_failed(&il)) {
        ccsig_buf_free(&il);
        return st ? st : nomem(err);
    }
    ccsig_buf base = CCSIG_BUF_INIT;
    st = ccsig_httpsig_base(a, m, il.data, il.len, &base, err);
    if (!st) {
        unsigned char sig[CCSIG_ED25519_SIGNATURE_BYTES];
        crypto_sign_detached(sig, NULL, (const unsigned char *)base.data, base.len, secret);
        /* Signature-Input as the canonical serialisation of what was signed. */
        size_t at = base.len;
        const char *sp_line = "\"@signature-params\": ";
        const char *q = base.data;
        for (size_t i = 0; i + strlen(sp_line) <= base.len; i++)
            if (!memcmp(base.data + i, sp_line, strlen(sp_line)) && (i == 0 || q[i - 1] == '\n'))
                at = i + strlen(sp_line);
        ccsig_buf_printf(input, "%s=", label);
        ccsig_buf_append(input, base.data + at, base.len - at);
        char b64[CCSIG_ED25519_SIGNATURE_BYTES / 3 * 4 + 8];
        ccsig_base64_encode(sig, sizeof sig, b64);
        ccsig_buf_printf(signature, "%s=:%.*s:", label, (int)ccsig_base64_encoded_len(sizeof sig),
                         b64);
        if (ccsig_buf_failed(input) || ccsig_buf_failed(signature))
            st = nomem(err);
    }
    ccsig_buf_free(&base);
    ccsig_buf_free(&il);
    return st;
}

/* ---------------------------------------------------- JSON Web Keys -- */

static void thumb_of(const ccsig_buf *canon, char out[CCSIG_JWK_THUMBPRINT_SIZE]) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_ready();
    crypto_hash_sha256(h, (const unsigned char *)canon->data, canon->len);
    ccsig_base64url_encode(h, sizeof h, out);
}

void ccsig_jwk_ed25519_thumbprint(const unsigned char pub[CCSIG_ED25519_PUBLIC_BYTES],
                                  char out[CCSIG_JWK_THUMBPRINT_SIZE]) {
    char x[CCSIG_JWK_THUMBPRINT_SIZE];
    ccsig_base64url_encode(pub, CCSIG_ED25519_PUBLIC_BYTES, x);
    char canon[96];
    int n = snprintf(canon, sizeof canon, "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"%s\"}", x);
    ccsig_buf b = {canon, (size_t)n, sizeof canon, false};
    thumb_of(&b, out);
}

/* The canonical JSON of RFC 7638 §3.2 for the JWK object o into b. */
static ccsig_status jwk_canonical(const src_json *o, ccsig_buf *b, ccsig_error *err) {
    const src_json *kty = src_json_get(o, "kty");
    if (!kty || kty->type != SRC_JSON_STRING)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, o->start,
                               "a JWK needs a \"kty\" string member");
    static const char *const rsa[] = {"e", "kty", "n", NULL};
    static const char *const ec[] = {"crv", "kty", "x", "y", NULL};
    static const char *const okp[] = {"crv", "kty", "x", NULL};
    const char *const *req = ccsig_str_eq(kty->str, "RSA")   ? rsa
                             : ccsig_str_eq(kty->str, "EC")  ? ec
                             : ccsig_str_eq(kty->str, "OKP") ? okp
                                                             : NULL;
    if (!req)
        return ccsig_error_set(err, CCSIG_ERR_UNSUPPORTED, kty->start,
                               "JWK key type \"%.*s\" has no thumbprint rule here",
                               (int)kty->str.len, kty->str.p);
    ccsig_buf_putc(b, '{');
    for (size_t i = 0; req[i]; i++) {
        const src_json *v = src_json_get(o, req[i]);
        if (!v || v->type != SRC_JSON_STRING)
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, o->start,
                                   "a %.*s JWK needs a \"%s\" string member", (int)kty->str.len,
                                   kty->str.p, req[i]);
        if (i)
            ccsig_buf_putc(b, ',');
        ccsig_buf_json_str(b, req[i], strlen(req[i]));
        ccsig_buf_putc(b, ':');
        ccsig_buf_json_str(b, v->str.p, v->str.len);
    }
    ccsig_buf_putc(b, '}');
    return ccsig_buf_failed(b) ? nomem(err) : CCSIG_OK;
}

ccsig_status ccsig_jwk_thumbprint(const char *json, size_t len, char out[CCSIG_JWK_THUMBPRINT_SIZE],
                                  ccsig_error *err) {
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    src_json *o;
    ccsig_status st = src_json_parse(&a, json, len, &o, err);
    if (!st && o->type != SRC_JSON_OBJECT)
        st = ccsig_error_set(err, CCSIG_ERR_SYNTAX, o->start, "a JWK is a JSON object");
    ccsig_buf b = CCSIG_BUF_INIT;
    if (!st && !(st = jwk_canonical(o, &b, err)))
        thumb_of(&b, out);
    ccsig_buf_free(&b);
    ccsig_arena_free(&a);
    return st;
}

ccsig_status ccsig_jwks_parse(ccsig_arena *a, const char *json, size_t len, ccsig_jwks *out,
                              ccsig_error *err) {
    memset(out, 0, sizeof *out);
    src_json *root;
    ccsig_status st = src_json_parse(a, json, len, &root, err);
    if (st)
        return st;
    const src_json *keys = root->type == SRC_JSON_OBJECT ? src_json_get(root, "keys") : NULL;
    if (!keys || keys->type != SRC_JSON_ARRAY) {
        ccsig_error_set(err, CCSIG_ERR_SYNTAX, root->start,
                        "a JWK Set is an object with a \"keys\" array");
        err->line = root->line;
        return CCSIG_ERR_SYNTAX;
    }
    if (keys->n) {
        out->keys = ccsig_arena_alloc(a, keys->n * sizeof *out->keys);
        if (!out->keys)
            return nomem(err);
    }
    for (const src_json *k = keys->child; k; k = k->next) {
        const src_json *kty = k->type == SRC_JSON_OBJECT ? src_json_get(k, "kty") : NULL;
        const src_json *crv = k->type == SRC_JSON_OBJECT ? src_json_get(k, "crv") : NULL;
        if (!kty || kty->type != SRC_JSON_STRING || !ccsig_str_eq(kty->str, "OKP") || !crv ||
            crv->type != SRC_JSON_STRING || !ccsig_str_eq(crv->str, "Ed25519")) {
            out->skipped++;
            continue;
        }
        const src_json *x = src_json_get(k, "x");
        ccsig_jwk_ed25519 *e = &out->keys[out->n];
        size_t n = 0;
        unsigned char raw[48];
        if (!x || x->type != SRC_JSON_STRING || x->str.len > 44 ||
            !ccsig_base64url_decode(x->str.p, x->str.len, raw, &n) ||
            n != CCSIG_ED25519_PUBLIC_BYTES) {
            ccsig_error_set(err, CCSIG_ERR_SYNTAX, k->start,
                            "an Ed25519 JWK's \"x\" must be 32 bytes of base64url");
            err->line = k->line;
            return CCSIG_ERR_SYNTAX;
        }
        memcpy(e->pub, raw, sizeof e->pub);
        ccsig_jwk_ed25519_thumbprint(e->pub, e->thumbprint);
        const src_json *kid = src_json_get(k, "kid");
        e->kid = kid && kid->type == SRC_JSON_STRING ? kid->str : (ccsig_str){0};
        out->n++;
    }
    return CCSIG_OK;
}

const ccsig_jwk_ed25519 *ccsig_jwks_find(const ccsig_jwks *s, ccsig_str thumbprint) {
    for (size_t i = 0; i < s->n; i++)
        if (ccsig_str_eq(thumbprint, s->keys[i].thumbprint))
            return &s->keys[i];
    return NULL;
}
