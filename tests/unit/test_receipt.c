/* Usage receipts (ccsig/receipt.h): a statement signed with a known key
 * verifies; one changed byte anywhere, another key, or a broken form does
 * not, each with the status and position the header promises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ccsig/receipt.h"

/* A fixed key: RFC 8032 §7.1 TEST 1, in libsodium's secret key form
 * (the 32-byte seed, then the 32-byte public key). */
static const unsigned char sk1[64] = {
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
/* RFC 8032 §7.1 TEST 2's public key: another key. */
static const unsigned char pk2[32] = {
    0x3d, 0x40, 0x17, 0xc3, 0xe8, 0x43, 0x89, 0x5a, 0x92, 0xb7, 0x0a, 0xa7, 0x4d, 0x1b, 0x7e, 0xbc,
    0x9c, 0x98, 0x2c, 0xcf, 0x2e, 0xc4, 0x96, 0x8c, 0xc0, 0xcd, 0x55, 0xf1, 0x2a, 0xf4, 0x66, 0x0c};

static void statement(ccsig_buf *b) {
    ccsig_receipt_begin(b);
    ccsig_receipt_field(b, "issuer", "https://archive.example");
    ccsig_receipt_field(b, "collection", "Harbour Town Archive");
    ccsig_receipt_field(b, "reuser", "1 0123456789ab Northwind\nsignature: forged");
    ccsig_receipt_field(b, "use", "train-ai");
    ccsig_receipt_field(b, "from", "2026-12-01T00:00:00Z");
    ccsig_receipt_field(b, "to", "2026-12-06T00:00:00Z");
    ccsig_receipt_field(b, "issued", "2026-12-05T03:00:00Z");
    ccsig_receipt_field(b, "terms", "1 c625a8 accepted 2026-12-01T10:00:00Z pledges credit");
    ccsig_receipt_field(b, "requests", "3 ok 2 bytes 120");
    ccsig_receipt_field(b, "fetched", "2 120 /letters/1850.txt");
    assert_int_equal(ccsig_receipt_sign(b, sk1, NULL), CCSIG_OK);
}

static void test_round_trip(void **state) {
    (void)state;
    ccsig_buf b = CCSIG_BUF_INIT;
    statement(&b);
    const unsigned char *pk1 = sk1 + 32;
    ccsig_receipt_info info;
    ccsig_error err;
    assert_int_equal(ccsig_receipt_verify(b.data, b.len, pk1, &info, &err), CCSIG_OK);
    assert_int_equal(info.use.len, 8);
    assert_memory_equal(info.use.p, "train-ai", 8);
    /* A value's line break cannot make a line of its own. */
    assert_memory_equal(info.reuser.p, "1 0123456789ab Northwind signature: forged",
                        info.reuser.len);
    assert_int_equal(info.terms, 1);
    assert_int_equal(info.fetched, 1);
    /* The key line is the published key's. */
    ccsig_buf k = CCSIG_BUF_INIT;
    ccsig_receipt_key_write(pk1, &k);
    assert_string_equal(
        ccsig_buf_cstr(&k),
        "ccsig-receipt-key/1 ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n");
    assert_non_null(
        strstr(b.data, "\nkey: ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"));
    unsigned char parsed[32];
    assert_int_equal(ccsig_receipt_key_parse(k.data, k.len, parsed, &err), CCSIG_OK);
    assert_memory_equal(parsed, pk1, 32);
    ccsig_buf_free(&k);
    ccsig_buf_free(&b);
}

static void test_tampered(void **state) {
    (void)state;
    ccsig_buf b = CCSIG_BUF_INIT;
    statement(&b);
    const unsigned char *pk1 = sk1 + 32;
    ccsig_error err;
    /* Every byte of the signed part, changed in a way that keeps the form
     * (a letter or digit for another): the signature no longer holds. */
    size_t signed_len = (size_t)(strstr(b.data, "\nsignature: ") + 1 - b.data);
    size_t checked = 0;
    for (size_t i = 0; i < signed_len; i++) {
        char c = b.data[i];
        if (!((c >= 'a' && c <= 'y') || (c >= '0' && c <= '8')))
            continue;
        b.data[i] = (char)(c + 1);
        ccsig_status st = ccsig_receipt_verify(b.data, b.len, pk1, NULL, &err);
        /* Changing the key line names another key; anything else breaks
         * the signature (or, for a field name, the form). */
        assert_true(st == CCSIG_ERR_SIGNATURE || st == CCSIG_ERR_SYNTAX);
        b.data[i] = c;
        checked++;
    }
    assert_true(checked > 150);
    /* One byte of a count: the signature. */
    char *n = strstr(b.data, "requests: 3");
    n[10] = '4';
    assert_int_equal(ccsig_receipt_verify(b.data, b.len, pk1, NULL, &err), CCSIG_ERR_SIGNATURE);
    assert_string_equal(err.message, "the signature does not match: the receipt was changed");
    n[10] = '3';
    assert_int_equal(ccsig_receipt_verify(b.data, b.len, pk1, NULL, &err), CCSIG_OK);
    ccsig_buf_free(&b);
}

static void test_wrong_key(void **state) {
    (void)state;
    ccsig_buf b = CCSIG_BUF_INIT;
    statement(&b);
    ccsig_error err;
    assert_int_equal(ccsig_receipt_verify(b.data, b.len, pk2, NULL, &err), CCSIG_ERR_SIGNATURE);
    assert_string_equal(err.message, "signed by another key than the one given");
    ccsig_buf_free(&b);
}

static void test_form(void **state) {
    (void)state;
    static const unsigned char pk[32] = {0};
    static const struct {
        const char *text;
        unsigned line, col;
        const char *msg;
    } cases[] = {
        {"", 1, 1, "empty: expected 'ccsig-receipt/1'"},
        {"ccsig-receipt/2\n", 1, 1,
         "expected 'ccsig-receipt/1' (not a ccsig receipt, or another version)"},
        {"ccsig-receipt/1", 1, 16, "every line ends with a line feed"},
        {"ccsig-receipt/1\nissuer: x\nuse: y\n", 3, 1, "expected the 'collection' field here"},
        {"ccsig-receipt/1\nissuer x\n", 2, 1, "expected 'name: value' with a non-empty value"},
        {"ccsig-receipt/1\nissuer: \n", 2, 1, "expected 'name: value' with a non-empty value"},
        {"ccsig-receipt/1\nissuer: a\tb\n", 2, 10, "control character in a line"},
        {"ccsig-receipt/1\nissuer: a\nissuer: b\n", 3, 1, "field repeated"},
        {"ccsig-receipt/1\nissuer: a\n", 3, 1,
         "the receipt ends before its 'key' and 'signature' lines"},
        {"ccsig-receipt/1\nissuer: a\ncollection: c\nreuser: r\nuse: u\nfrom: f\nto: t\n"
         "issued: i\nrequests: 1\nkey: ed25519 AAAA\n",
         10, 6, "expected 'ed25519 <base64 of 32 bytes>'"},
        {"ccsig-receipt/1\nissuer: a\ncollection: c\nreuser: r\nuse: u\nfrom: f\nto: t\n"
         "issued: i\nrequests: 1\nwhatever: x\n",
         10, 1, "expected the 'key' field here"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ccsig_error err;
        assert_int_equal(ccsig_receipt_verify(cases[i].text, strlen(cases[i].text), pk, NULL, &err),
                         CCSIG_ERR_SYNTAX);
        assert_string_equal(err.message, cases[i].msg);
        assert_int_equal(err.line, cases[i].line);
        assert_int_equal(err.column, cases[i].col);
    }
    /* Text after the signature is refused; so is a receipt over the limit
     * and text that is not UTF-8. */
    ccsig_buf b = CCSIG_BUF_INIT;
    statement(&b);
    ccsig_buf_puts(&b, "trailer: x\n");
    ccsig_error err;
    assert_int_equal(ccsig_receipt_verify(b.data, b.len, sk1 + 32, NULL, &err), CCSIG_ERR_SYNTAX);
    assert_string_equal(err.message, "text after the signature line");
    ccsig_buf_free(&b);
    assert_int_equal(ccsig_receipt_verify("x", CCSIG_RECEIPT_MAX_BYTES + 1u, pk, NULL, &err),
                     CCSIG_ERR_LIMIT);
    assert_int_equal(ccsig_receipt_verify("ccsig-receipt/1\n\xff\n", 18, pk, NULL, &err),
                     CCSIG_ERR_SYNTAX);
    unsigned char key[32];
    assert_int_equal(ccsig_receipt_key_parse("ed25519 AAAA", 12, key, &err), CCSIG_ERR_SYNTAX);
    assert_int_equal(ccsig_receipt_key_parse("ccsig-receipt-key/1 ed25519 AAAA\n", 33, key, &err),
                     CCSIG_ERR_SYNTAX);
    assert_int_equal(err.column, 29);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_tampered),
        cmocka_unit_test(test_wrong_key),
        cmocka_unit_test(test_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
