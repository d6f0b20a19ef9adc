/* HTTP Message Signatures (RFC 9421) for Web Bot Auth: the RFC's own Ed25519
 * example (B.2.6), the test vectors of Cloudflare's reference implementation
 * (github.com/cloudflare/web-bot-auth, Apache-2.0:
 * packages/web-bot-auth/test/test_data/web_bot_auth_architecture_v1.json and
 * _v2.json, the Ed25519 entries), the RFC 7638 thumbprint vectors, and every
 * way a signature can fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ccsig/httpsig.h"
#include "ccsig/sf.h"

/* RFC 9421 B.1.4 test-key-ed25519, as the JWK of the reference vectors. */
static const char *const SEED_B64URL = "n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU";
static const char *const PUB_B64URL = "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs";
static const char *const THUMB = "poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U";

static unsigned char pub[32], secret[64];
/* Verdicts point into the arena of the verification: one for the run. */
static ccsig_arena A;

static int setup(void **state) {
    (void)state;
    unsigned char seed[32], p2[32];
    size_t n;
    assert_true(ccsig_base64url_decode(SEED_B64URL, strlen(SEED_B64URL), seed, &n) && n == 32);
    ccsig_ed25519_from_seed(seed, pub, secret);
    assert_true(ccsig_base64url_decode(PUB_B64URL, strlen(PUB_B64URL), p2, &n) && n == 32);
    assert_memory_equal(pub, p2, 32);
    ccsig_arena_init(&A, 0);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    ccsig_arena_free(&A);
    return 0;
}

#define F(n, v)                                                                                    \
    { CCSIG_STR_LIT(n), CCSIG_STR_LIT(v) }

typedef struct keyring {
    const char *thumb;
    const char *agent; /* expected agent, or NULL: any */
    int calls;
    int nonces;
    char seen[4][100];
} keyring;

static bool key_cb(void *ctx, ccsig_str keyid, ccsig_str agent, unsigned char out[32]) {
    keyring *k = ctx;
    k->calls++;
    if (!ccsig_str_eq(keyid, k->thumb))
        return false;
    if (k->agent && !ccsig_str_eq(agent, k->agent))
        return false;
    memcpy(out, pub, 32);
    return true;
}

static bool nonce_cb(void *ctx, ccsig_str keyid, ccsig_str nonce, int64_t expires) {
    (void)keyid;
    (void)expires;
    keyring *k = ctx;
    for (int i = 0; i < k->nonces; i++)
        if (ccsig_str_eq(nonce, k->seen[i]))
            return false;
    if (k->nonces < 4 && nonce.len < 100) {
        memcpy(k->seen[k->nonces], nonce.p, nonce.len);
        k->seen[k->nonces++][nonce.len] = '\0';
    }
    return true;
}

static ccsig_httpsig_result verify_at(const ccsig_httpsig_message *m, int64_t now, keyring *k,
                                      ccsig_httpsig_verdict *v) {
    ccsig_httpsig_verify_options o;
    ccsig_httpsig_verify_options_init(&o);
    o.now = now;
    o.max_validity = 0;
    o.key = key_cb;
    o.nonce = nonce_cb;
    o.ctx = k;
    ccsig_error err;
    assert_int_equal(ccsig_httpsig_verify(&A, m, &o, v, &err), CCSIG_OK);
    return v->result;
}

static void thumbprints(void **state) {
    (void)state;
    char t[CCSIG_JWK_THUMBPRINT_SIZE];
    ccsig_jwk_ed25519_thumbprint(pub, t);
    assert_string_equal(t, THUMB);
    /* RFC 7638 §3.1, the RSA example. */
    const char *rsa =
        "{\"kty\":\"RSA\",\"n\":"
        "\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1"
        "RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf"
        "0h4QyQ5v-65YGjQR0_"
        "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08q"
        "NLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-"
        "kEgU8awapJzKnqD"
        "Kgw\",\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}";
    ccsig_error err;
    assert_int_equal(ccsig_jwk_thumbprint(rsa, strlen(rsa), t, &err), CCSIG_OK);
    assert_string_equal(t, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    /* The reference implementation's Ed25519 vector (jsonwebkey-thumbprint). */
    const char *ed = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_"
                     "7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
    assert_int_equal(ccsig_jwk_thumbprint(ed, strlen(ed), t, &err), CCSIG_OK);
    assert_string_equal(t, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    /* Missing member, unknown type, not JSON. */
    const char *bad = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\"}";
    assert_int_equal(ccsig_jwk_thumbprint(bad, strlen(bad), t, &err), CCSIG_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "\"x\""));
    const char *oct = "{\"kty\":\"oct\",\"k\":\"AA\"}";
    assert_int_equal(ccsig_jwk_thumbprint(oct, strlen(oct), t, &err), CCSIG_ERR_UNSUPPORTED);
    assert_int_equal(ccsig_jwk_thumbprint("{", 1, t, &err), CCSIG_ERR_SYNTAX);
}

static void jwks(void **state) {
    (void)state;
    char doc[512];
    snprintf(doc, sizeof doc,
             "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"},\n"
             " {\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"k1\",\"x\":\"%s\"}]}",
             PUB_B64URL);
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_jwks s;
    ccsig_error err;
    assert_int_equal(ccsig_jwks_parse(&a, doc, strlen(doc), &s, &err), CCSIG_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.skipped, 1);
    assert_string_equal(s.keys[0].thumbprint, THUMB);
    assert_true(ccsig_str_eq(s.keys[0].kid, "k1"));
    assert_memory_equal(s.keys[0].pub, pub, 32);
    assert_ptr_equal(ccsig_jwks_find(&s, ccsig_str_make(THUMB, strlen(THUMB))), &s.keys[0]);
    assert_null(ccsig_jwks_find(&s, CCSIG_STR_LIT("nope")));
    const char *shortx = "{\"keys\":[\n{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AAAA\"}]}";
    assert_int_equal(ccsig_jwks_parse(&a, shortx, strlen(shortx), &s, &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(err.line, 1); /* the line of the top-level member that holds it */
    assert_non_null(strstr(err.message, "32 bytes of base64url"));
    assert_int_equal(ccsig_jwks_parse(&a, "[]", 2, &s, &err), CCSIG_ERR_SYNTAX);
    ccsig_arena_free(&a);
}

/* RFC 9421 B.2.6: POST /foo?param=Value&Pet=dog, signed with
 * test-key-ed25519. Signing reproduces the RFC's signature byte for byte
 * (Ed25519 is deterministic) and verifying accepts it. */
static void rfc9421_b26(void **state) {
    (void)state;
    ccsig_http_field f[] = {F("Host", "example.com"),
                            F("Date", "Tue, 20 Apr 2021 02:07:55 GMT"),
                            F("Content-Type", "application/json"),
                            F("Content-Length", "18"),
                            F("Signature-Input", ""),
                            F("Signature", "")};
    ccsig_httpsig_message m = {.method = CCSIG_STR_LIT("POST"),
                               .scheme = CCSIG_STR_LIT("https"),
                               .authority = CCSIG_STR_LIT("example.com"),
                               .target = CCSIG_STR_LIT("/foo?param=Value&Pet=dog"),
                               .fields = f,
                               .nfields = 4};
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_buf in = CCSIG_BUF_INIT, sig = CCSIG_BUF_INIT, base = CCSIG_BUF_INIT;
    ccsig_error err;
    ccsig_httpsig_sign_options o = {.label = "sig-b26",
                                    .components = "\"date\" \"@method\" \"@path\" \"@authority\" "
                                                  "\"content-type\" \"content-length\"",
                                    .created = 1618884473,
                                    .keyid = "test-key-ed25519",
                                    .tag = ""};
    assert_int_equal(ccsig_httpsig_sign(&a, &m, &o, secret, &in, &sig, &err), CCSIG_OK);
    assert_string_equal(ccsig_buf_cstr(&in),
                        "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" "
                        "\"content-length\");created=1618884473;keyid=\"test-key-ed25519\"");
    assert_string_equal(
        ccsig_buf_cstr(&sig),
        "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0"
        "w6vuQv5lIp5WPpBKRCw==:");
    const char *il = "(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" "
                     "\"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";
    assert_int_equal(ccsig_httpsig_base(&a, &m, il, strlen(il), &base, &err), CCSIG_OK);
    assert_string_equal(ccsig_buf_cstr(&base),
                        "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
                        "\"@method\": POST\n"
                        "\"@path\": /foo\n"
                        "\"@authority\": example.com\n"
                        "\"content-type\": application/json\n"
                        "\"content-length\": 18\n"
                        "\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" "
                        "\"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-"
                        "ed25519\"");
    f[4].value = ccsig_str_make(in.data, in.len);
    f[5].value = ccsig_str_make(sig.data, sig.len);
    m.nfields = 6;
    keyring k = {.thumb = "test-key-ed25519"};
    ccsig_httpsig_verify_options vo;
    ccsig_httpsig_verify_options_init(&vo);
    vo.tag = "";
    vo.key = key_cb;
    vo.ctx = &k;
    ccsig_httpsig_verdict v;
    assert_int_equal(ccsig_httpsig_verify(&a, &m, &vo, &v, &err), CCSIG_OK);
    assert_int_equal(v.result, CCSIG_HTTPSIG_VALID);
    assert_true(ccsig_str_eq(v.label, "sig-b26"));
    /* Another path: the base changes, the signature fails. */
    m.target = CCSIG_STR_LIT("/bar");
    assert_int_equal(ccsig_httpsig_verify(&a, &m, &vo, &v, &err), CCSIG_OK);
    assert_int_equal(v.result, CCSIG_HTTPSIG_BAD_SIGNATURE);
    /* Under the Web Bot Auth profile the same signature has no tag. */
    vo.tag = NULL;
    assert_int_equal(ccsig_httpsig_verify(&a, &m, &vo, &v, &err), CCSIG_OK);
    assert_int_equal(v.result, CCSIG_HTTPSIG_NO_TAG);
    ccsig_buf_free(&in);
    ccsig_buf_free(&sig);
    ccsig_buf_free(&base);
    ccsig_arena_free(&a);
}

typedef struct vector {
    const char *input, *signature, *agent, *agent_url;
    int64_t created, expires;
} vector;

/* The reference implementation's Ed25519 vectors: v1 (Signature-Agent as a
 * String) and v2 (as a Dictionary, covered with key=). */
static const vector vectors[] = {
    {"sig1=(\"@authority\");created=1735689600;keyid=\"poqkLGiymh_W0uP6PZFw-"
     "dvez3QJT5SolqXBCW38r0U\";"
     "alg=\"ed25519\";expires=1735693200;nonce="
     "\"mYotfW3CUjI68sbGw6oKd7kyXqPjZEtU8xFPGWFrqOAf5qC6MDe3"
     "pys3SWWCudB0MvwslHy32WXUpkR7u0lt/w==\";tag=\"web-bot-auth\"",
     "sig1=:+NA/"
     "cssf4Y2bQTMTkyvTGRCaVzp9quyUevdwwMtMOWhhOOZ2T1subBj0BtvdnrpDEuwSAbiTeElXDzHL3WWKCw==:",
     NULL, NULL, 1735689600, 1735693200},
    {"sig2=(\"@authority\" "
     "\"signature-agent\");created=1735689600;keyid=\"poqkLGiymh_W0uP6PZFw-dvez3"
     "QJT5SolqXBCW38r0U\";alg=\"ed25519\";expires=1735693200;nonce=\"e8N7S2MFd/"
     "qrd6T2R3tdfAuuANngKI7L"
     "FtKYI/vowzk4lAZYadIX6wW25MwG7DCT9RUKAJ0qVkU0mEeLElW1qg==\";tag=\"web-bot-auth\"",
     "sig2=:jdq0SqOwHdyHr9+r5jw3iYZH6aNGKijYp/EstF4RQTQdi5N5YYKrD+mCT1HA1nZDsi6nJKuHxUi/"
     "5Syp3rLWBA==:",
     "\"https://signature-agent.test\"", "https://signature-agent.test", 1735689600, 1735693200},
    {"sig1=(\"@authority\");created=1735689600;keyid=\"poqkLGiymh_W0uP6PZFw-"
     "dvez3QJT5SolqXBCW38r0U\";"
     "alg=\"ed25519\";expires=4889289600;nonce=\"zIW8+cdmA3vdYagbxojpONwa/l0EKJ/O3/wD486VvsQjO/"
     "RxPaSt"
     "6ZxvQaMcQzNnqKN/mQ6hpGiFro2L2qkz5A==\";tag=\"web-bot-auth\"",
     "sig1=:QKN4fTdIYfh82fvoZCQiQA1weuozfCS/Led2zTMbewMMqH8PI2Wsy/"
     "5c4ao6B6D09nraNQdBNOADg8aM1MqfCg==:",
     NULL, NULL, 1735689600, 4889289600},
    {"sig2=(\"@authority\" "
     "\"signature-agent\";key=\"agent2\");created=1735689600;keyid=\"poqkLGiymh_W"
     "0uP6PZFw-dvez3QJT5SolqXBCW38r0U\";alg=\"ed25519\";expires=4889289600;nonce=\"n9p433xm+"
     "NJ3ph3upfB"
     "IGmsuwHw387YV7Q/F+6BSpGCVjYCqQw6rznNA8PVVLySrAWsv0hQtFioQb6E1YsauiA==\";tag=\"web-bot-auth\"",
     "sig2=:RdNFx5Bj6au3YgAMQL/"
     "RzmUlZE8QZLIaXGRpw985hWnwPfMxT228NMk6ehRS1PSl4e8PhbNZACSanGdhEwYCCg==:",
     "agent2=\"https://signature-agent.test\"", "https://signature-agent.test", 1735689600,
     4889289600},
};

/* A Byte Sequence of 64 zero bytes: a signature of the right size. */
#define ZERO64                                                                                     \
    "sig1=:"                                                                                       \
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==:"

static ccsig_httpsig_message vector_message(const vector *t, ccsig_http_field f[4]) {
    size_t n = 0;
    f[n++] = (ccsig_http_field)F("Host", "example.com");
    f[n++] = (ccsig_http_field){CCSIG_STR_LIT("Signature-Input"),
                                ccsig_str_make(t->input, strlen(t->input))};
    f[n++] = (ccsig_http_field){CCSIG_STR_LIT("Signature"),
                                ccsig_str_make(t->signature, strlen(t->signature))};
    if (t->agent)
        f[n++] = (ccsig_http_field){CCSIG_STR_LIT("Signature-Agent"),
                                    ccsig_str_make(t->agent, strlen(t->agent))};
    return (ccsig_httpsig_message){.method = CCSIG_STR_LIT("GET"),
                                   .scheme = CCSIG_STR_LIT("https"),
                                   .authority = CCSIG_STR_LIT("example.com"),
                                   .target = CCSIG_STR_LIT("/path/to/resource"),
                                   .fields = f,
                                   .nfields = n};
}

static void reference_vectors(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const vector *t = &vectors[i];
        ccsig_http_field f[4];
        ccsig_httpsig_message m = vector_message(t, f);
        keyring k = {.thumb = THUMB, .agent = t->agent_url};
        ccsig_httpsig_verdict v;
        if (verify_at(&m, t->created + 5, &k, &v) != CCSIG_HTTPSIG_VALID)
            fail_msg("vector %zu: %s: %s", i, ccsig_httpsig_result_name(v.result), v.detail);
        if (t->agent_url)
            assert_true(ccsig_str_eq(v.agent, t->agent_url));
        assert_int_equal(v.agent_legacy, t->agent && t->agent[0] == '"');
        assert_int_equal(v.params.created, t->created);
        assert_int_equal(v.params.expires, t->expires);
        assert_true(ccsig_str_eq(v.params.tag, "web-bot-auth"));
        /* The same request again: its nonce is known, a replay. */
        assert_int_equal(verify_at(&m, t->created + 6, &k, &v), CCSIG_HTTPSIG_REPLAYED);
        /* Time bounds (60 s of skew allowed). */
        k.nonces = 0;
        assert_int_equal(verify_at(&m, t->created - 120, &k, &v), CCSIG_HTTPSIG_NOT_YET_VALID);
        assert_int_equal(verify_at(&m, t->expires + 120, &k, &v), CCSIG_HTTPSIG_EXPIRED);
        /* Another host: the base differs. */
        m.authority = CCSIG_STR_LIT("example.org");
        assert_int_equal(verify_at(&m, t->created + 5, &k, &v), CCSIG_HTTPSIG_BAD_SIGNATURE);
        /* The default port is not part of @authority; another port is. */
        m.authority = CCSIG_STR_LIT("Example.COM:443");
        assert_int_equal(verify_at(&m, t->created + 5, &k, &v), CCSIG_HTTPSIG_VALID);
        k.nonces = 0;
        m.authority = CCSIG_STR_LIT("example.com:8443");
        assert_int_equal(verify_at(&m, t->created + 5, &k, &v), CCSIG_HTTPSIG_BAD_SIGNATURE);
        /* Unknown key. */
        keyring other = {.thumb = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"};
        m.authority = CCSIG_STR_LIT("example.com");
        assert_int_equal(verify_at(&m, t->created + 5, &other, &v), CCSIG_HTTPSIG_UNKNOWN_KEY);
    }
}

static void validity_window(void **state) {
    (void)state;
    const vector *t = &vectors[2]; /* valid for a century */
    ccsig_http_field f[4];
    ccsig_httpsig_message m = vector_message(t, f);
    keyring k = {.thumb = THUMB};
    ccsig_httpsig_verify_options o;
    ccsig_httpsig_verify_options_init(&o);
    o.now = t->created + 5;
    o.key = key_cb;
    o.ctx = &k;
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_httpsig_verdict v;
    ccsig_error err;
    assert_int_equal(ccsig_httpsig_verify(&a, &m, &o, &v, &err), CCSIG_OK);
    assert_int_equal(v.result, CCSIG_HTTPSIG_TOO_LONG); /* the default: one day at most */
    o.key = NULL;
    assert_int_equal(ccsig_httpsig_verify(&a, &m, &o, &v, &err), CCSIG_ERR_USAGE);
    ccsig_arena_free(&a);
}

/* Structural failures, each with its own result. */
static void failures(void **state) {
    (void)state;
    static const struct {
        const char *input, *signature, *agent;
        ccsig_httpsig_result want;
        const char *detail;
    } c[] = {
        {NULL, "sig1=:AAAA:", NULL, CCSIG_HTTPSIG_UNSIGNED, "Signature-Input"},
        {"sig1=(\"@authority\");tag=\"web-bot-auth\"", NULL, NULL, CCSIG_HTTPSIG_UNSIGNED,
         "Signature"},
        {"sig1=(\"@authority\";tag=\"web-bot-auth\"", "sig1=:AAAA:", NULL, CCSIG_HTTPSIG_MALFORMED,
         "Signature-Input, byte"},
        {"sig1=(\"@authority\");tag=\"other\"", "sig1=:AAAA:", NULL, CCSIG_HTTPSIG_NO_TAG,
         "web-bot-auth"},
        {"sig1=(\"@authority\");created=1;expires=2;keyid=\"k\";tag=\"web-bot-auth\"",
         "sig2=:AAAA:", NULL, CCSIG_HTTPSIG_MALFORMED, "Byte Sequence member sig1"},
        {"sig1=(\"@authority\");created=1;expires=2;tag=\"web-bot-auth\"", "sig1=:AAAA:", NULL,
         CCSIG_HTTPSIG_MALFORMED, "keyid"},
        {"sig1=(\"@authority\");created=\"1\";keyid=\"k\";tag=\"web-bot-auth\"",
         "sig1=:AAAA:", NULL, CCSIG_HTTPSIG_MALFORMED, "Integer"},
        {"sig1=(\"@authority\");expires=2;keyid=\"k\";tag=\"web-bot-auth\"", "sig1=:AAAA:", NULL,
         CCSIG_HTTPSIG_MALFORMED, "created"},
        {"sig1=(\"@authority\");created=1;expires=2;keyid=\"k\";alg=\"rsa-pss-sha512\";tag=\"web-"
         "bot-auth\"",
         "sig1=:AAAA:", NULL, CCSIG_HTTPSIG_UNSUPPORTED, "rsa-pss-sha512"},
        {"sig1=(\"@path\");created=1;expires=2;keyid=\"k\";tag=\"web-bot-auth\"",
         "sig1=:AAAA:", NULL, CCSIG_HTTPSIG_NOT_COVERED, "@authority"},
        {"sig1=(\"@authority\");created=1;expires=2;keyid=\"k\";tag=\"web-bot-auth\"",
         "sig1=:AAAA:", "a=\"https://x.test\"", CCSIG_HTTPSIG_NOT_COVERED, "Signature-Agent"},
        {"sig1=(\"@authority\");created=1;expires=2;keyid=\"k\";tag=\"web-bot-auth\"",
         "sig1=:AAAA:", NULL, CCSIG_HTTPSIG_BAD_SIGNATURE, "64 bytes"},
        {"sig1=(\"@authority\" \"x-missing\");created=1;expires=2;keyid=\"k\";tag=\"web-bot-auth\"",
         ZERO64, NULL, CCSIG_HTTPSIG_MISSING_FIELD, "x-missing"},
        {"sig1=(\"@authority\" \"@query-param\";name=\"a\");created=1;expires=2;keyid=\"k\";tag="
         "\"web-bot-auth\"",
         ZERO64, NULL, CCSIG_HTTPSIG_UNSUPPORTED, "name"},
        {"sig1=(\"@authority\");created=1;expires=2;keyid=\"k\";tag=\"web-bot-auth\"", ZERO64, NULL,
         CCSIG_HTTPSIG_BAD_SIGNATURE, "does not verify"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        ccsig_http_field f[4];
        size_t n = 0;
        f[n++] = (ccsig_http_field)F("Host", "example.com");
        if (c[i].input)
            f[n++] = (ccsig_http_field){CCSIG_STR_LIT("Signature-Input"),
                                        ccsig_str_make(c[i].input, strlen(c[i].input))};
        if (c[i].signature)
            f[n++] = (ccsig_http_field){CCSIG_STR_LIT("Signature"),
                                        ccsig_str_make(c[i].signature, strlen(c[i].signature))};
        if (c[i].agent)
            f[n++] = (ccsig_http_field){CCSIG_STR_LIT("Signature-Agent"),
                                        ccsig_str_make(c[i].agent, strlen(c[i].agent))};
        ccsig_httpsig_message m = {.method = CCSIG_STR_LIT("GET"),
                                   .scheme = CCSIG_STR_LIT("https"),
                                   .authority = CCSIG_STR_LIT("example.com"),
                                   .target = CCSIG_STR_LIT("/"),
                                   .fields = f,
                                   .nfields = n};
        keyring k = {.thumb = "k"};
        ccsig_httpsig_verdict v;
        ccsig_httpsig_result r = verify_at(&m, 1, &k, &v);
        if (r != c[i].want || !strstr(v.detail, c[i].detail))
            fail_msg("case %zu: %s (%s), expected %s with \"%s\"", i, ccsig_httpsig_result_name(r),
                     v.detail, ccsig_httpsig_result_name(c[i].want), c[i].detail);
    }
}

/* Sign then verify: the default components follow the message (with a
 * Signature-Agent Dictionary, signature-agent;key=...), several field lines
 * of one name are joined, and a response signature over ("@authority";req)
 * as a key directory sends it. */
static void sign_verify(void **state) {
    (void)state;
    ccsig_http_field f[6] = {F("Host", "example.com"),
                             F("Signature-Agent", "crawler=\"https://crawler.test/\""),
                             F("X-A", "1"), F("x-a", "2")};
    ccsig_httpsig_message m = {.method = CCSIG_STR_LIT("GET"),
                               .scheme = CCSIG_STR_LIT("https"),
                               .authority = CCSIG_STR_LIT("example.com"),
                               .target = CCSIG_STR_LIT("/a?b=c"),
                               .fields = f,
                               .nfields = 4};
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_buf in = CCSIG_BUF_INIT, sig = CCSIG_BUF_INIT;
    ccsig_error err;
    ccsig_httpsig_sign_options o = {
        .created = 1000, .expires = 1300, .nonce = "bm9uY2U=", .alg = true};
    assert_int_equal(ccsig_httpsig_sign(&a, &m, &o, secret, &in, &sig, &err), CCSIG_OK);
    char want[300];
    snprintf(want, sizeof want,
             "sig1=(\"@authority\" \"signature-agent\";key=\"crawler\");created=1000;expires=1300;"
             "keyid=\"%s\";alg=\"ed25519\";nonce=\"bm9uY2U=\";tag=\"web-bot-auth\"",
             THUMB);
    assert_string_equal(ccsig_buf_cstr(&in), want);
    f[4] = (ccsig_http_field){CCSIG_STR_LIT("Signature-Input"), ccsig_str_make(in.data, in.len)};
    f[5] = (ccsig_http_field){CCSIG_STR_LIT("Signature"), ccsig_str_make(sig.data, sig.len)};
    m.nfields = 6;
    keyring k = {.thumb = THUMB, .agent = "https://crawler.test/"};
    ccsig_httpsig_verdict v;
    assert_int_equal(verify_at(&m, 1100, &k, &v), CCSIG_HTTPSIG_VALID);
    assert_false(v.agent_legacy);
    /* A field covered twice over two lines. */
    ccsig_buf base = CCSIG_BUF_INIT;
    const char *il = "(\"x-a\" \"@query\" \"@target-uri\" \"@method\" \"@scheme\" "
                     "\"@request-target\");created=1";
    assert_int_equal(ccsig_httpsig_base(&a, &m, il, strlen(il), &base, &err), CCSIG_OK);
    assert_string_equal(
        ccsig_buf_cstr(&base),
        "\"x-a\": 1, 2\n\"@query\": ?b=c\n\"@target-uri\": https://example.com/a?b=c\n"
        "\"@method\": GET\n\"@scheme\": https\n\"@request-target\": /a?b=c\n"
        "\"@signature-params\": (\"x-a\" \"@query\" \"@target-uri\" \"@method\" "
        "\"@scheme\" \"@request-target\");created=1");
    ccsig_buf_clear(&base);
    const char *dup = "(\"x-a\" \"x-a\")";
    assert_int_equal(ccsig_httpsig_base(&a, &m, dup, strlen(dup), &base, &err), CCSIG_ERR_SYNTAX);
    const char *upper = "(\"X-A\")";
    assert_int_equal(ccsig_httpsig_base(&a, &m, upper, strlen(upper), &base, &err),
                     CCSIG_ERR_SYNTAX);
    /* A response (a key directory) signed over ("@authority";req). */
    ccsig_http_field rf[3] = {
        F("Content-Type", "application/http-message-signatures-directory+json")};
    ccsig_httpsig_message r = {.status = 200, .fields = rf, .nfields = 1, .request = &m};
    ccsig_buf_clear(&in);
    ccsig_buf_clear(&sig);
    ccsig_httpsig_sign_options ro = {.components = "\"@authority\";req",
                                     .created = 1000,
                                     .expires = 1300,
                                     .tag = CCSIG_HTTPSIG_TAG_DIRECTORY};
    assert_int_equal(ccsig_httpsig_sign(&a, &r, &ro, secret, &in, &sig, &err), CCSIG_OK);
    rf[1] = (ccsig_http_field){CCSIG_STR_LIT("Signature-Input"), ccsig_str_make(in.data, in.len)};
    rf[2] = (ccsig_http_field){CCSIG_STR_LIT("Signature"), ccsig_str_make(sig.data, sig.len)};
    r.nfields = 3;
    ccsig_httpsig_verify_options vo;
    ccsig_httpsig_verify_options_init(&vo);
    vo.now = 1100;
    vo.tag = CCSIG_HTTPSIG_TAG_DIRECTORY;
    vo.key = key_cb;
    keyring rk = {.thumb = THUMB};
    vo.ctx = &rk;
    assert_int_equal(ccsig_httpsig_verify(&a, &r, &vo, &v, &err), CCSIG_OK);
    assert_int_equal(v.result, CCSIG_HTTPSIG_VALID);
    /* Served for another host, it fails. */
    m.authority = CCSIG_STR_LIT("evil.test");
    assert_int_equal(ccsig_httpsig_verify(&a, &r, &vo, &v, &err), CCSIG_OK);
    assert_int_equal(v.result, CCSIG_HTTPSIG_BAD_SIGNATURE);
    ccsig_buf_free(&base);
    ccsig_buf_free(&in);
    ccsig_buf_free(&sig);
    ccsig_arena_free(&a);
}

static void base64url(void **state) {
    (void)state;
    char out[16];
    assert_int_equal(ccsig_base64url_encode((const unsigned char *)"\xfb\xff", 2, out), 3);
    assert_string_equal(out, "-_8");
    unsigned char b[8];
    size_t n;
    assert_true(ccsig_base64url_decode("-_8", 3, b, &n));
    assert_int_equal(n, 2);
    assert_memory_equal(b, "\xfb\xff", 2);
    assert_false(ccsig_base64url_decode("+/8", 3, b, &n)); /* the standard alphabet is not */
    assert_false(ccsig_base64_decode("-_8", 3, b, &n));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base64url),
        cmocka_unit_test(thumbprints),
        cmocka_unit_test(jwks),
        cmocka_unit_test(rfc9421_b26),
        cmocka_unit_test(reference_vectors),
        cmocka_unit_test(validity_window),
        cmocka_unit_test(failures),
        cmocka_unit_test(sign_verify),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
