/*
 * test_rsl.c — RSL 1.0 licence documents (peer-signals.md §3): the mapping
 * of permits / prohibits / payment to states and obligations, content
 * selection, alternative licences, and errors.
 */
#include "sources_test.h"

#include <sodium.h>

#include "ccsig/httpsig.h"
#include "ccsig/rsl.h"
#include "ccsig/sf.h"

static ccsig_status rsl(const char *url, const char *doc, ccsig_error *err) {
    t_begin(NULL, url, false);
    return ccsig_rsl_read(&T, doc, strlen(doc), CCSIG_STR_LIT("https://e.example/license.xml"),
                          err);
}

/* The reference's example document. */
static const char *example =
    "<rsl xmlns=\"https://rslstandard.org/rsl\">\n"
    "  <content url=\"/photos/*.jpg$\" server=\"https://licensing.example/api\">\n"
    "    <license>\n"
    "      <permits type=\"usage\">search,ai-input</permits>\n"
    "      <prohibits type=\"usage\">ai-train</prohibits>\n"
    "      <payment type=\"attribution\">\n"
    "        <standard>https://creativecommons.org/licenses/by/4.0/</standard>\n"
    "      </payment>\n"
    "    </license>\n"
    "  </content>\n"
    "</rsl>\n";

static void reference_example(void **state) {
    (void)state;
    ccsig_error err;
    assert_int_equal(rsl("https://e.example/photos/cat.jpg", example, &err), CCSIG_OK);
    /* payment and the licence server are obligations, never a plain allow */
    assert_string_equal(t_state(SEARCH), "deny[credit,license]");
    assert_string_equal(t_state(AIUSE), "deny[credit,license]");
    assert_string_equal(t_state(TRAIN), "deny");
    assert_string_equal(t_state(GENAI), "deny");
    assert_string_equal(t_state(AP), "unknown");
    assert_int_equal(T.n, 1);
    assert_int_equal(T.sts[0].src.kind, CCSIG_SRC_RSL);
    assert_int_equal(T.sts[0].src.line, 2);
    assert_true(t_str_is(T.sts[0].src.text,
                         "content url=\"/photos/*.jpg$\" server=\"https://licensing.example/api\"; "
                         "payment attribution; licence server; permits usage=search,ai-input; "
                         "prohibits usage=ai-train"));
    assert_true(t_str_is(t_link(CCSIG_LINK_LICENSE, 0)->url,
                         "https://creativecommons.org/licenses/by/4.0/"));
    /* another path: no content matches */
    assert_int_equal(rsl("https://e.example/photos/cat.png", example, &err), CCSIG_OK);
    assert_int_equal(T.n, 0);
    assert_true(t_note("no <content>"));
}

static void free_permits_allow(void **state) {
    (void)state;
    ccsig_error err;
    assert_int_equal(rsl("https://e.example/a",
                         "<rsl xmlns='https://rslstandard.org/rsl'><content url='/'><license>"
                         "<permits type='usage'>all</permits><payment type='free'/>"
                         "</license></content></rsl>",
                         &err),
                     CCSIG_OK);
    assert_string_equal(t_state(AP), "allow");
    assert_string_equal(t_state(TRAIN), "allow");
    assert_string_equal(t_state(SEARCH), "allow");
    /* ai-all: training and AI use; contribution; default usage type */
    assert_int_equal(rsl("https://e.example/a",
                         "<rsl xmlns='https://rslstandard.org/rsl'><content url='/'><license>"
                         "<permits>ai-all</permits><payment type='contribution'/>"
                         "</license></content></rsl>",
                         &err),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[ecosystem-contribution]");
    assert_string_equal(t_state(AIUSE), "deny[ecosystem-contribution]");
    assert_string_equal(t_state(SEARCH), "unknown");
}

static void collective_royalty(void **state) {
    (void)state;
    ccsig_error err;
    /* the RSL Collective's paid AI training licence */
    assert_int_equal(rsl("https://e.example/post",
                         "<rsl xmlns=\"https://rslstandard.org/rsl\">\n"
                         "  <content url=\"/\" server=\"https://rslcollective.org/api\">\n"
                         "    <license>\n"
                         "      <permits type=\"usage\">ai-train</permits>\n"
                         "      <payment type=\"royalty\">\n"
                         "          <standard>https://rslcollective.org/license</standard>\n"
                         "      </payment>\n"
                         "    </license>\n"
                         "  </content>\n"
                         "</rsl>",
                         &err),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[payment,license]");
    assert_string_equal(t_state(SEARCH), "unknown");
}

static void alternatives_and_limits(void **state) {
    (void)state;
    ccsig_error err;
    /* two licences: free search, paid training; a user limit makes a policy */
    assert_int_equal(rsl("https://e.example/news/1",
                         "<rsl xmlns='https://rslstandard.org/rsl'>"
                         "<content url='/'><license><prohibits>all</prohibits></license></content>"
                         "<content url='/news/'>"
                         "<license><permits>search</permits></license>"
                         "<license><permits>ai-train,search</permits>"
                         "<payment type='purchase'><amount currency='USD'>10</amount></payment>"
                         "</license>"
                         "<license><permits type='usage'>ai-input</permits>"
                         "<permits type='user'>non-commercial</permits></license>"
                         "</content></rsl>",
                         &err),
                     CCSIG_OK);
    assert_string_equal(t_state(SEARCH), "allow");
    assert_string_equal(t_state(TRAIN), "deny[payment]");
    assert_string_equal(t_state(AIUSE), "deny[policy]");
    assert_int_equal(T.sts[0].src.line, 1);
    assert_non_null(strstr(T.sts[0].src.text.p, "payment purchase 10 USD"));
    /* absolute content urls must name the host */
    const char *abs = "<rsl xmlns='https://rslstandard.org/rsl'>"
                      "<content url='https://other.example/*'><license><prohibits>all</prohibits>"
                      "</license></content>"
                      "<content url='https://E.example/premium/*'><license><prohibits>ai-train"
                      "</prohibits></license></content></rsl>";
    assert_int_equal(rsl("https://e.example/premium/x", abs, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    assert_string_equal(t_state(SEARCH), "unknown");
    assert_int_equal(rsl("https://e.example/free/x", abs, &err), CCSIG_OK);
    assert_int_equal(T.n, 0);
}

static void legacy_and_unknown_tokens(void **state) {
    (void)state;
    ccsig_error err;
    assert_int_equal(rsl("https://e.example/",
                         "<rsl xmlns='https://rslstandard.org/rsl'><content url='/'><license>"
                         "<prohibits type='usage'>tdm, train-ai ,ai-index</prohibits>"
                         "<permits type='geo'>US</permits>"
                         "</license></content><content/></rsl>",
                         &err),
                     CCSIG_OK);
    assert_string_equal(t_state(AP), "deny");
    assert_true(t_note("pre-1.0"));
    assert_true(t_note("'train-ai' is not an RSL 1.0 usage"));
    assert_true(t_note("without a url"));
}

static void errors(void **state) {
    (void)state;
    ccsig_error err;
    assert_int_equal(rsl("/", "<rsl><content url='/'/></rsl>", &err), CCSIG_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "namespace"));
    assert_int_equal(rsl("/", "<rsl xmlns='https://rslstandard.org/rsl'><content>", &err),
                     CCSIG_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "not XML"));
    assert_int_equal(rsl("/", "", &err), CCSIG_ERR_SYNTAX);
    /* external entities are never loaded */
    assert_int_equal(rsl("/",
                         "<!DOCTYPE rsl [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                         "<rsl xmlns='https://rslstandard.org/rsl'><content url='/'><license>"
                         "<prohibits>&x;ai-train</prohibits></license></content></rsl>",
                         &err),
                     CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny");
    assert_false(t_note("root:"));
    /* a content without licences */
    assert_int_equal(
        rsl("/", "<rsl xmlns='https://rslstandard.org/rsl'><content url='/'/></rsl>", &err),
        CCSIG_OK);
    assert_true(t_note("no <license>"));
}

/* ---- the writer (ccsig/rsl.h): what it writes reads back the same ---- */

static void set_cat(ccsig_verdict *v, ccsig_category c, ccsig_state st, unsigned conds) {
    v->cat[c].state = st;
    v->cat[c].conditions = conds;
}

static void writer_round_trip(void **state) {
    (void)state;
    ccsig_verdict root, lic;
    memset(&root, 0, sizeof root);
    memset(&lic, 0, sizeof lic);
    set_cat(&root, TRAIN, CCSIG_STATE_DENY, CCSIG_COND_CREDIT);
    set_cat(&root, AIUSE, CCSIG_STATE_DENY, CCSIG_COND_CREDIT | CCSIG_COND_ECOSYSTEM_CONTRIBUTION);
    set_cat(&root, SEARCH, CCSIG_STATE_ALLOW, 0);
    set_cat(&lic, TRAIN, CCSIG_STATE_DENY, CCSIG_COND_CREDIT);
    set_cat(&lic, AIUSE, CCSIG_STATE_DENY, 0);
    set_cat(&lic, SEARCH, CCSIG_STATE_DENY, 0);
    assert_false(ccsig_rsl_licence_required(&root)); /* search is open */
    assert_true(ccsig_rsl_licence_required(&lic));
    ccsig_rsl_content c[2] = {
        {"/lic/", &lic, "https://e.example", "https://e.example/declaration?a=1&b=2", false},
        {"/", &root, NULL, NULL, false},
    };
    ccsig_buf out = CCSIG_BUF_INIT;
    ccsig_error err;
    assert_int_equal(ccsig_rsl_write(c, 2, &out, &err), CCSIG_OK);
    assert_string_equal(ccsig_buf_cstr(&out),
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<rsl xmlns=\"https://rslstandard.org/rsl\">\n"
                        "  <content url=\"/lic/\" server=\"https://e.example\">\n"
                        "    <license>\n"
                        "      <prohibits type=\"usage\">ai-input,search</prohibits>\n"
                        "    </license>\n"
                        "    <license>\n"
                        "      <permits type=\"usage\">ai-train</permits>\n"
                        "      <prohibits type=\"usage\">ai-input,search</prohibits>\n"
                        "      <payment type=\"attribution\"/>\n"
                        "    </license>\n"
                        "    <terms>https://e.example/declaration?a=1&amp;b=2</terms>\n"
                        "  </content>\n"
                        "  <content url=\"/\">\n"
                        "    <license>\n"
                        "      <permits type=\"usage\">search</permits>\n"
                        "    </license>\n"
                        "    <license>\n"
                        "      <permits type=\"usage\">ai-train</permits>\n"
                        "      <payment type=\"attribution\"/>\n"
                        "    </license>\n"
                        "    <license>\n"
                        "      <permits type=\"usage\">ai-input</permits>\n"
                        "      <payment type=\"attribution\"/>\n"
                        "      <payment type=\"contribution\"/>\n"
                        "    </license>\n"
                        "  </content>\n"
                        "</rsl>\n");
    /* Read back: the same states and conditions; the licence server adds
     * the licence condition. */
    assert_int_equal(rsl("https://e.example/letters/a.txt", out.data, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[credit]");
    assert_string_equal(t_state(AIUSE), "deny[credit,ecosystem-contribution]");
    assert_string_equal(t_state(SEARCH), "allow");
    assert_int_equal(rsl("https://e.example/lic/b.txt", out.data, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[credit,license]");
    assert_string_equal(t_state(AIUSE), "deny");
    assert_string_equal(t_state(SEARCH), "deny");
    /* Conditions without an RSL payment type are written as "use", read
     * back as payment. */
    set_cat(&root, TRAIN, CCSIG_STATE_DENY, CCSIG_COND_CREDIT | CCSIG_COND_DIRECT_CONTRIBUTION);
    ccsig_buf_clear(&out);
    assert_int_equal(ccsig_rsl_write(&c[1], 1, &out, &err), CCSIG_OK);
    assert_int_equal(rsl("https://e.example/a", out.data, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[credit,payment]");
    /* usage errors */
    assert_int_equal(ccsig_rsl_write(c, 0, &out, &err), CCSIG_ERR_USAGE);
    ccsig_rsl_content bad = {NULL, &root, NULL, NULL, false};
    assert_int_equal(ccsig_rsl_write(&bad, 1, &out, &err), CCSIG_ERR_USAGE);
    ccsig_buf_free(&out);
}

/* ---- licence tokens ---- */

static void tokens(void **state) {
    (void)state;
    unsigned char seed[CCSIG_ED25519_SEED_BYTES], pub[CCSIG_ED25519_PUBLIC_BYTES],
        sk[CCSIG_ED25519_SECRET_BYTES], pub2[CCSIG_ED25519_PUBLIC_BYTES],
        sk2[CCSIG_ED25519_SECRET_BYTES];
    memset(seed, 7, sizeof seed);
    ccsig_ed25519_from_seed(seed, pub, sk);
    memset(seed, 8, sizeof seed);
    ccsig_ed25519_from_seed(seed, pub2, sk2);
    ccsig_rsl_grant g = {"https://e.example",
                         "https://e.example/license.xml",
                         42,
                         "0123456789ab",
                         CCSIG_CAT_TRAIN_AI,
                         CCSIG_COND_CREDIT | CCSIG_COND_OPEN,
                         CCSIG_PURPOSE_ARCHIVING,
                         1000,
                         1300};
    ccsig_buf tok = CCSIG_BUF_INIT;
    ccsig_error err;
    assert_int_equal(ccsig_rsl_token_sign(&g, sk, &tok, &err), CCSIG_OK);
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_rsl_grant r;
    assert_int_equal(ccsig_rsl_token_verify(&a, tok.data, tok.len, pub, 1100, &r, &err), CCSIG_OK);
    assert_string_equal(r.issuer, "https://e.example");
    assert_string_equal(r.licence, "https://e.example/license.xml");
    assert_string_equal(r.client, "0123456789ab");
    assert_int_equal(r.reuser, 42);
    assert_int_equal(r.use, CCSIG_CAT_TRAIN_AI);
    assert_int_equal(r.commitments, CCSIG_COND_CREDIT | CCSIG_COND_OPEN);
    assert_int_equal(r.purpose, CCSIG_PURPOSE_ARCHIVING);
    assert_int_equal(r.issued, 1000);
    assert_int_equal(r.expires, 1300);
    /* expired; issued in the future */
    assert_int_equal(ccsig_rsl_token_verify(&a, tok.data, tok.len, pub, 1300, &r, &err),
                     CCSIG_ERR_RANGE);
    assert_int_equal(ccsig_rsl_token_verify(&a, tok.data, tok.len, pub, 900, &r, &err),
                     CCSIG_ERR_RANGE);
    /* another key; a changed claim; a changed signature */
    assert_int_equal(ccsig_rsl_token_verify(&a, tok.data, tok.len, pub2, 1100, &r, &err),
                     CCSIG_ERR_SIGNATURE);
    char *dot = strchr(tok.data, '.'), was = dot[3];
    dot[3] = was == 'A' ? 'B' : 'A';
    assert_int_equal(ccsig_rsl_token_verify(&a, tok.data, tok.len, pub, 1100, &r, &err),
                     CCSIG_ERR_SIGNATURE);
    dot[3] = was;
    assert_int_equal(ccsig_rsl_token_verify(&a, tok.data, tok.len, pub, 1100, &r, &err), CCSIG_OK);
    /* the last character carries 2 bits and 4 unused ones: another
     * spelling of the same signature is refused */
    char last = tok.data[tok.len - 1];
    assert_non_null(strchr("AQgw", last));    /* canonical: the unused bits are zero */
    tok.data[tok.len - 1] = (char)(last + 1); /* B, R, h, x: one unused bit set */
    assert_int_equal(ccsig_rsl_token_verify(&a, tok.data, tok.len, pub, 1100, &r, &err),
                     CCSIG_ERR_SYNTAX);
    tok.data[tok.len - 1] = last;
    tok.data[tok.len - 5] = tok.data[tok.len - 5] == 'A' ? 'B' : 'A';
    assert_int_equal(ccsig_rsl_token_verify(&a, tok.data, tok.len, pub, 1100, &r, &err),
                     CCSIG_ERR_SIGNATURE);
    /* not a token */
    assert_int_equal(ccsig_rsl_token_verify(&a, "abc", 3, pub, 1100, &r, &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(ccsig_rsl_token_verify(&a, "a.b.c.d", 7, pub, 1100, &r, &err),
                     CCSIG_ERR_SYNTAX);
    assert_int_equal(ccsig_rsl_token_verify(&a, "a!.b.c", 6, pub, 1100, &r, &err),
                     CCSIG_ERR_SYNTAX);
    /* a well-signed token without the claims: signed by hand */
    ccsig_buf bare = CCSIG_BUF_INIT;
    ccsig_buf_puts(&bare, "eyJhbGciOiJFZERTQSJ9.e30"); /* {"alg":"EdDSA"}.{} */
    unsigned char sig[CCSIG_ED25519_SIGNATURE_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)bare.data, bare.len, sk);
    char s64[100];
    ccsig_base64url_encode(sig, sizeof sig, s64);
    ccsig_buf_printf(&bare, ".%s", s64);
    assert_int_equal(ccsig_rsl_token_verify(&a, bare.data, bare.len, pub, 1100, &r, &err),
                     CCSIG_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "\"iss\""));
    /* usage */
    g.client = NULL;
    assert_int_equal(ccsig_rsl_token_sign(&g, sk, &tok, &err), CCSIG_ERR_USAGE);
    /* the published key reads back, and its kid is the token's */
    ccsig_buf jwks = CCSIG_BUF_INIT;
    ccsig_rsl_jwks_write(pub, &jwks);
    ccsig_jwks set;
    assert_int_equal(ccsig_jwks_parse(&a, jwks.data, jwks.len, &set, &err), CCSIG_OK);
    assert_int_equal(set.n, 1);
    assert_memory_equal(set.keys[0].pub, pub, sizeof pub);
    assert_true(t_str_is(set.keys[0].kid, set.keys[0].thumbprint));
    ccsig_buf_free(&jwks);
    ccsig_buf_free(&bare);
    ccsig_buf_free(&tok);
    ccsig_arena_free(&a);
}

/* ---- encrypted assets: keys, framing, the key endpoint's answer ---- */

/* Hex of n bytes, for comparing with vectors computed elsewhere. */
static void hex_of(const unsigned char *p, size_t n, char *out) {
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
}

static void hex_to(const char *h, unsigned char *out, size_t *n) {
    *n = strlen(h) / 2;
    for (size_t i = 0; i < *n; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (unsigned char)v;
    }
}

/* The vectors come from Python's hashlib.blake2b (key, salt, person) and
 * cryptography's AESGCM, implementations ccsig does not use:
 *   master = blake2b(b"", 32, key=secret, salt=pack("<Q",1)+8*b"\0",
 *                    person=b"ccsigrsl"+8*b"\0")       (crypto_kdf)
 *   key    = blake2b(b"/sealed/report.txt", 32, key=master,
 *                    person=b"ccsig-rsl-asset\0")
 *   sealed = nonce(100..111) + AESGCM(key).encrypt(nonce, plain, None) */
static void sealing(void **state) {
    (void)state;
    unsigned char secret[32], master[CCSIG_RSL_KEY_BYTES], key[CCSIG_RSL_KEY_BYTES],
        other[CCSIG_RSL_KEY_BYTES];
    for (int i = 0; i < 32; i++)
        secret[i] = (unsigned char)i;
    char hex[2 * CCSIG_RSL_KEY_BYTES + 1];
    ccsig_rsl_master_key(secret, master);
    hex_of(master, sizeof master, hex);
    assert_string_equal(hex, "f7fab40b26da28657e52f9c3b789c3030c2d3798134b2570a0b705e5d25fa1cb");
    ccsig_error err;
    const char *path = "/sealed/report.txt";
    assert_int_equal(ccsig_rsl_asset_key(master, path, strlen(path), key, &err), CCSIG_OK);
    hex_of(key, sizeof key, hex);
    assert_string_equal(hex, "00e785e96f0344aabbd92da435dc2090a436892253097ab1313baeb7c3435416");
    assert_int_equal(ccsig_rsl_asset_key(master, "/sealed/other.txt", 17, other, &err), CCSIG_OK);
    assert_memory_not_equal(key, other, sizeof key);
    assert_int_equal(ccsig_rsl_asset_key(master, "sealed", 6, other, &err), CCSIG_ERR_USAGE);
    assert_int_equal(ccsig_rsl_asset_key(master, "", 0, other, &err), CCSIG_ERR_USAGE);

    /* names */
    assert_string_equal(ccsig_rsl_cipher_name(CCSIG_RSL_AES256GCM), "AES-256-GCM");
    assert_string_equal(ccsig_rsl_cipher_jwa(CCSIG_RSL_AES256GCM), "A256GCM");
    assert_int_equal(ccsig_rsl_nonce_bytes(CCSIG_RSL_AES256GCM), 12);
    assert_string_equal(ccsig_rsl_cipher_name(CCSIG_RSL_XCHACHA20POLY1305), "XChaCha20-Poly1305");
    assert_string_equal(ccsig_rsl_cipher_jwa(CCSIG_RSL_XCHACHA20POLY1305), "XC20P");
    assert_int_equal(ccsig_rsl_nonce_bytes(CCSIG_RSL_XCHACHA20POLY1305), 24);
    ccsig_rsl_cipher c = CCSIG_RSL_XCHACHA20POLY1305;
    static const char *const names[] = {"aes-256-gcm", "XChaCha20-Poly1305", "AES-128-GCM"};
    for (int i = 0; i < 3; i++) {
        bool known = ccsig_rsl_cipher_parse(names[i], strlen(names[i]), &c);
        assert_int_equal(known, i < 2);
        if (known)
            assert_int_equal(c, i ? CCSIG_RSL_XCHACHA20POLY1305 : CCSIG_RSL_AES256GCM);
    }
    assert_int_equal(ccsig_rsl_cipher_default(), crypto_aead_aes256gcm_is_available()
                                                     ? CCSIG_RSL_AES256GCM
                                                     : CCSIG_RSL_XCHACHA20POLY1305);

    /* Both ciphers (AES-256-GCM where the CPU has it): round trip, the
     * framing's length, tampering and another asset's key refused, out
     * unchanged on failure. */
    static const char plain[] = "Minutes of the harbour board, 1851\n";
    size_t pn = sizeof plain - 1;
    for (int k = 0; k < 2; k++) {
        c = k ? CCSIG_RSL_XCHACHA20POLY1305 : CCSIG_RSL_AES256GCM;
        ccsig_buf sealed = CCSIG_BUF_INIT, back = CCSIG_BUF_INIT;
        if (c == CCSIG_RSL_AES256GCM && !crypto_aead_aes256gcm_is_available()) {
            assert_int_equal(ccsig_rsl_seal(c, key, plain, pn, &sealed, &err),
                             CCSIG_ERR_UNSUPPORTED);
            continue;
        }
        size_t nb = ccsig_rsl_nonce_bytes(c);
        assert_int_equal(ccsig_rsl_seal(c, key, plain, pn, &sealed, &err), CCSIG_OK);
        assert_int_equal(sealed.len, nb + pn + CCSIG_RSL_TAG_BYTES);
        ccsig_buf again = CCSIG_BUF_INIT;
        assert_int_equal(ccsig_rsl_seal(c, key, plain, pn, &again, &err), CCSIG_OK);
        assert_memory_not_equal(sealed.data, again.data, nb); /* a fresh nonce each time */
        ccsig_buf_free(&again);
        ccsig_buf_puts(&back, "kept:");
        assert_int_equal(ccsig_rsl_open(c, key, sealed.data, sealed.len, &back, &err), CCSIG_OK);
        assert_string_equal(ccsig_buf_cstr(&back), "kept:Minutes of the harbour board, 1851\n");
        ccsig_buf_clear(&back);
        /* every byte matters: nonce, ciphertext, tag */
        size_t at[] = {0, nb, nb + pn - 1, sealed.len - 1};
        for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
            sealed.data[at[i]] ^= 1;
            assert_int_equal(ccsig_rsl_open(c, key, sealed.data, sealed.len, &back, &err),
                             CCSIG_ERR_SIGNATURE);
            assert_int_equal(back.len, 0);
            sealed.data[at[i]] ^= 1;
        }
        assert_int_equal(ccsig_rsl_open(c, other, sealed.data, sealed.len, &back, &err),
                         CCSIG_ERR_SIGNATURE);
        assert_non_null(strstr(err.message, "does not authenticate"));
        assert_int_equal(ccsig_rsl_open(c, key, sealed.data, sealed.len - 1, &back, &err),
                         CCSIG_ERR_SIGNATURE);
        assert_int_equal(
            ccsig_rsl_open(c, key, sealed.data, nb + CCSIG_RSL_TAG_BYTES - 1, &back, &err),
            CCSIG_ERR_SYNTAX);
        /* the other cipher does not open it */
        ccsig_rsl_cipher o = k ? CCSIG_RSL_AES256GCM : CCSIG_RSL_XCHACHA20POLY1305;
        if (o == CCSIG_RSL_XCHACHA20POLY1305 || crypto_aead_aes256gcm_is_available())
            assert_int_equal(ccsig_rsl_open(o, key, sealed.data, sealed.len, &back, &err),
                             CCSIG_ERR_SIGNATURE);
        assert_int_equal(back.len, 0);
        /* an empty asset */
        ccsig_buf_clear(&sealed);
        assert_int_equal(ccsig_rsl_seal(c, key, "", 0, &sealed, &err), CCSIG_OK);
        assert_int_equal(sealed.len, nb + CCSIG_RSL_TAG_BYTES);
        assert_int_equal(ccsig_rsl_open(c, key, sealed.data, sealed.len, &back, &err), CCSIG_OK);
        assert_int_equal(back.len, 0);
        ccsig_buf_free(&sealed);
        ccsig_buf_free(&back);
    }
    /* An asset sealed by Python's cryptography (AESGCM) opens. */
    if (crypto_aead_aes256gcm_is_available()) {
        unsigned char ext[128];
        size_t en;
        hex_to("6465666768696a6b6c6d6e6f410ccb72708598f73e74408f859c4f6c612a954827e8b94cca82e6a5126"
               "8909911ac3fdf2c032e7bf2f7676eb8ea9482f758e8",
               ext, &en);
        ccsig_buf back = CCSIG_BUF_INIT;
        assert_int_equal(ccsig_rsl_open(CCSIG_RSL_AES256GCM, key, ext, en, &back, &err), CCSIG_OK);
        assert_string_equal(ccsig_buf_cstr(&back), plain);
        ccsig_buf_free(&back);
    }

    /* The key endpoint's answer: the key as a JWK. */
    ccsig_buf j = CCSIG_BUF_INIT;
    ccsig_rsl_key_write(CCSIG_RSL_AES256GCM, key, "https://e.example/sealed/report.txt",
                        "https://e.example/license.xml", &j);
    assert_string_equal(
        ccsig_buf_cstr(&j),
        "{\"resource\":\"https://e.example/sealed/report.txt\",\"license\":"
        "\"https://e.example/license.xml\",\"algorithm\":\"AES-256-GCM\","
        "\"framing\":\"nonce||ciphertext||tag\",\"nonce_bytes\":12,\"tag_bytes\":16,"
        "\"key\":{\"kty\":\"oct\",\"alg\":\"A256GCM\","
        "\"k\":\"AOeF6W8DRKq72S2kNdwgkKQ2iSJTCXqxMTuut8NDVBY\"}}\n");
    ccsig_buf_free(&j);
}

/* encrypted="true": written, read back into the source's text, a value
 * that is not a boolean noted. */
static void encrypted_content(void **state) {
    (void)state;
    ccsig_verdict v;
    memset(&v, 0, sizeof v);
    set_cat(&v, TRAIN, CCSIG_STATE_DENY, CCSIG_COND_CREDIT);
    ccsig_rsl_content c = {"/sealed/", &v, "https://e.example", NULL, true};
    ccsig_buf out = CCSIG_BUF_INIT;
    ccsig_error err;
    assert_int_equal(ccsig_rsl_write(&c, 1, &out, &err), CCSIG_OK);
    assert_non_null(strstr(
        out.data, "<content url=\"/sealed/\" server=\"https://e.example\" encrypted=\"true\">"));
    assert_int_equal(rsl("https://e.example/sealed/a.txt", out.data, &err), CCSIG_OK);
    assert_string_equal(t_state(TRAIN), "deny[credit,license]");
    assert_true(
        t_str_is(T.sts[0].src.text,
                 "content url=\"/sealed/\" server=\"https://e.example\" encrypted=\"true\"; "
                 "payment attribution; licence server; permits usage=ai-train"));
    /* xsd:boolean spellings; anything else is noted and read as false */
    static const struct {
        const char *value, *text;
    } spell[] = {
        {"1", "content url=\"/\" encrypted=\"true\"; permits usage=search"},
        {"TRUE", "content url=\"/\" encrypted=\"true\"; permits usage=search"},
        {"0", "content url=\"/\"; permits usage=search"},
        {"maybe", "content url=\"/\"; permits usage=search"},
    };
    for (size_t i = 0; i < sizeof spell / sizeof spell[0]; i++) {
        ccsig_buf_clear(&out);
        ccsig_buf_printf(&out,
                         "<rsl xmlns=\"https://rslstandard.org/rsl\"><content url=\"/\" "
                         "encrypted=\"%s\"><license><permits type=\"usage\">search</permits>"
                         "</license></content></rsl>",
                         spell[i].value);
        assert_int_equal(rsl("https://e.example/a", out.data, &err), CCSIG_OK);
        assert_true(t_str_is(T.sts[0].src.text, spell[i].text));
        assert_int_equal(t_note("is not a boolean"), i == 3);
    }
    ccsig_buf_free(&out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_example),
        cmocka_unit_test(free_permits_allow),
        cmocka_unit_test(collective_royalty),
        cmocka_unit_test(alternatives_and_limits),
        cmocka_unit_test(legacy_and_unknown_tokens),
        cmocka_unit_test(errors),
        cmocka_unit_test(writer_round_trip),
        cmocka_unit_test(tokens),
        cmocka_unit_test(sealing),
        cmocka_unit_test(encrypted_content),
    };
    return cmocka_run_group_tests(tests, t_setup, t_teardown);
}
