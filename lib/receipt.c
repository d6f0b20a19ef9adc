/*
 * receipt.c — usage receipts (ccsig/receipt.h): the canonical form's one
 * writer and one reader, Ed25519 signing and verification through
 * libsodium (no cryptography of our own).
 *
 * The reader walks the text once, line by line, against the table of
 * fields below (name, how many times, in this order): the form is checked
 * before the signature, so that a receipt that verifies is also one whose
 * fields mean what the header says. The signed bytes are everything before
 * the "signature:" line, which must be the last line.
 */
#include "ccsig/receipt.h"

#include <assert.h>
#include <sodium.h>
#include <string.h>

#include "ccsig/sf.h"

#define MAGIC "ccsig-receipt/1"
#define KEY_MAGIC "ccsig-receipt-key/1 ed25519 "

/* The fields of version 1, in order: at least min, at most max times. */
static const struct {
    const char *name;
    unsigned min, max;
} fields[] = {
    {"issuer", 1, 1},
    {"collection", 1, 1},
    {"reuser", 1, 1},
    {"use", 1, 1},
    {"from", 1, 1},
    {"to", 1, 1},
    {"issued", 1, 1},
    {"terms", 0, (unsigned)-1},
    {"requests", 1, 1},
    {"charged", 0, (unsigned)-1},
    {"fetched", 0, (unsigned)-1},
    {"key", 1, 1},
    {"signature", 1, 1},
};
#define NFIELDS (sizeof fields / sizeof fields[0])
#define F_KEY (NFIELDS - 2)
#define F_SIGNATURE (NFIELDS - 1)

/* libsodium must be initialised once before use (idempotent, thread-safe). */
static bool crypto_ready(void) {
    return sodium_init() >= 0;
}

void ccsig_receipt_begin(ccsig_buf *b) {
    ccsig_buf_puts(b, MAGIC "\n");
}

void ccsig_receipt_field(ccsig_buf *b, const char *name, const char *value) {
    ccsig_buf_puts(b, name);
    ccsig_buf_puts(b, ": ");
    for (const unsigned char *v = (const unsigned char *)value; *v; v++)
        ccsig_buf_putc(b, *v < 0x20 || *v == 0x7f ? ' ' : (char)*v);
    ccsig_buf_putc(b, '\n');
}

/* "<prefix><base64 of n bytes>\n". */
static void put_b64(ccsig_buf *b, const char *prefix, const unsigned char *bytes, size_t n) {
    char enc[128];
    assert(ccsig_base64_encoded_len(n) < sizeof enc);
    ccsig_base64_encode(bytes, n, enc);
    ccsig_buf_puts(b, prefix);
    ccsig_buf_append(b, enc, ccsig_base64_encoded_len(n));
    ccsig_buf_putc(b, '\n');
}

/* Decode exactly n bytes of base64 from (p, len). */
static bool get_b64(const char *p, size_t len, unsigned char *out, size_t n) {
    unsigned char tmp[128];
    size_t got = 0;
    if (len > ccsig_base64_encoded_len(n) || ccsig_base64_encoded_len(n) > 4 * sizeof tmp / 3)
        return false;
    return ccsig_base64_decode(p, len, tmp, &got) && got == n && (memcpy(out, tmp, n), true);
}

ccsig_status ccsig_receipt_sign(ccsig_buf *b,
                                const unsigned char secret[CCSIG_RECEIPT_SECRET_BYTES],
                                ccsig_error *err) {
    if (!crypto_ready())
        return ccsig_error_set(err, CCSIG_ERR_UNSUPPORTED, 0, "libsodium did not initialise");
    if (b->len < sizeof MAGIC || memcmp(b->data, MAGIC "\n", sizeof MAGIC) != 0 ||
        b->data[b->len - 1] != '\n')
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "not a receipt statement");
    unsigned char pk[CCSIG_RECEIPT_KEY_BYTES], sig[crypto_sign_BYTES];
    crypto_sign_ed25519_sk_to_pk(pk, secret);
    put_b64(b, "key: ed25519 ", pk, sizeof pk);
    if (ccsig_buf_failed(b))
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    crypto_sign_detached(sig, NULL, (const unsigned char *)b->data, b->len, secret);
    put_b64(b, "signature: ", sig, sizeof sig);
    return ccsig_buf_failed(b) ? ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory")
                               : CCSIG_OK;
}

/* An error at (line, col) of the receipt, byte offset off. */
static ccsig_status at(ccsig_error *err, ccsig_status code, size_t off, unsigned line, unsigned col,
                       const char *msg) {
    ccsig_error_set(err, code, off, "%s", msg);
    if (err) {
        err->line = line;
        err->column = col;
    }
    return code;
}

ccsig_status ccsig_receipt_verify(const char *p, size_t len,
                                  const unsigned char key[CCSIG_RECEIPT_KEY_BYTES],
                                  ccsig_receipt_info *info, ccsig_error *err) {
    ccsig_receipt_info tmp;
    if (!info)
        info = &tmp;
    memset(info, 0, sizeof *info);
    if (len > CCSIG_RECEIPT_MAX_BYTES)
        return ccsig_error_set(err, CCSIG_ERR_LIMIT, 0, "a receipt is at most %u bytes",
                               CCSIG_RECEIPT_MAX_BYTES);
    if (!crypto_ready())
        return ccsig_error_set(err, CCSIG_ERR_UNSUPPORTED, 0, "libsodium did not initialise");
    if (!ccsig_utf8_valid(p, len))
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "a receipt is UTF-8 text");
    size_t pos = 0, f = 0, signed_len = 0;
    unsigned line = 0, count = 0;
    unsigned char inkey[CCSIG_RECEIPT_KEY_BYTES], sig[crypto_sign_BYTES];
    bool have_sig = false;
    while (pos < len) {
        line++;
        const char *nl = memchr(p + pos, '\n', len - pos);
        if (!nl)
            return at(err, CCSIG_ERR_SYNTAX, len, line, (unsigned)(len - pos) + 1,
                      "every line ends with a line feed");
        size_t n = (size_t)(nl - (p + pos)), start = pos;
        const char *l = p + pos;
        pos += n + 1;
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)l[i] < 0x20 || l[i] == 0x7f)
                return at(err, CCSIG_ERR_SYNTAX, start + i, line, (unsigned)i + 1,
                          "control character in a line");
        if (have_sig)
            return at(err, CCSIG_ERR_SYNTAX, start, line, 1, "text after the signature line");
        if (line == 1) {
            if (n != sizeof MAGIC - 1 || memcmp(l, MAGIC, n) != 0)
                return at(err, CCSIG_ERR_SYNTAX, start, 1, 1,
                          "expected 'ccsig-receipt/1' (not a ccsig receipt, or another version)");
            continue;
        }
        const char *colon = memchr(l, ':', n);
        if (!colon || (size_t)(colon - l) + 2 >= n || colon[1] != ' ')
            return at(err, CCSIG_ERR_SYNTAX, start, line, 1,
                      "expected 'name: value' with a non-empty value");
        size_t nn = (size_t)(colon - l);
        ccsig_str value = ccsig_str_make(colon + 2, n - nn - 2);
        /* The next field in order: this one again, or a later one whose
         * earlier fields are all satisfied. */
        while (f < NFIELDS && !(strlen(fields[f].name) == nn && !memcmp(fields[f].name, l, nn))) {
            if (count < fields[f].min) {
                char m[96];
                snprintf(m, sizeof m, "expected the '%s' field here", fields[f].name);
                return at(err, CCSIG_ERR_SYNTAX, start, line, 1, m);
            }
            f++;
            count = 0;
        }
        if (f == NFIELDS)
            return at(err, CCSIG_ERR_SYNTAX, start, line, 1,
                      "unknown field, or a field out of its place in the order");
        if (++count > fields[f].max)
            return at(err, CCSIG_ERR_SYNTAX, start, line, 1, "field repeated");
        switch (f) {
        case 0:
            info->issuer = value;
            break;
        case 1:
            info->collection = value;
            break;
        case 2:
            info->reuser = value;
            break;
        case 3:
            info->use = value;
            break;
        case 4:
            info->from = value;
            break;
        case 5:
            info->to = value;
            break;
        case 6:
            info->issued = value;
            break;
        case 7:
            info->terms++;
            break;
        case 8:
            info->requests = value;
            break;
        case 9: /* charged: pay per crawl, read by people */
            break;
        case 10:
            info->fetched++;
            break;
        case F_KEY:
            if (value.len < 8 || memcmp(value.p, "ed25519 ", 8) != 0 ||
                !get_b64(value.p + 8, value.len - 8, inkey, sizeof inkey))
                return at(err, CCSIG_ERR_SYNTAX, start + nn + 2, line, (unsigned)nn + 3,
                          "expected 'ed25519 <base64 of 32 bytes>'");
            break;
        case F_SIGNATURE:
            if (!get_b64(value.p, value.len, sig, sizeof sig))
                return at(err, CCSIG_ERR_SYNTAX, start + nn + 2, line, (unsigned)nn + 3,
                          "expected the base64 of a 64-byte signature");
            signed_len = start;
            have_sig = true;
            break;
        default:
            break;
        }
    }
    if (!have_sig)
        return at(err, CCSIG_ERR_SYNTAX, len, line + 1, 1,
                  line == 0 ? "empty: expected 'ccsig-receipt/1'"
                            : "the receipt ends before its 'key' and 'signature' lines");
    if (sodium_memcmp(inkey, key, sizeof inkey) != 0)
        return ccsig_error_set(err, CCSIG_ERR_SIGNATURE, 0,
                               "signed by another key than the one given");
    if (crypto_sign_verify_detached(sig, (const unsigned char *)p, signed_len, key) != 0)
        return ccsig_error_set(err, CCSIG_ERR_SIGNATURE, 0,
                               "the signature does not match: the receipt was changed");
    return CCSIG_OK;
}

ccsig_status ccsig_receipt_key_parse(const char *p, size_t len,
                                     unsigned char key[CCSIG_RECEIPT_KEY_BYTES], ccsig_error *err) {
    const size_t m = sizeof KEY_MAGIC - 1;
    if (len && p[len - 1] == '\n')
        len--;
    if (len < m || memcmp(p, KEY_MAGIC, m) != 0)
        return at(err, CCSIG_ERR_SYNTAX, 0, 1, 1,
                  "expected 'ccsig-receipt-key/1 ed25519 <base64>'");
    if (!get_b64(p + m, len - m, key, CCSIG_RECEIPT_KEY_BYTES))
        return at(err, CCSIG_ERR_SYNTAX, m, 1, (unsigned)m + 1,
                  "expected the base64 of a 32-byte Ed25519 public key");
    return CCSIG_OK;
}

void ccsig_receipt_key_write(const unsigned char key[CCSIG_RECEIPT_KEY_BYTES], ccsig_buf *out) {
    put_b64(out, KEY_MAGIC, key, CCSIG_RECEIPT_KEY_BYTES);
}
