/* libFuzzer target: usage receipts (ccsig_receipt_verify, the canonical
 * form's reader) and published key lines (ccsig_receipt_key_parse). */
#include <stdint.h>
#include <stdlib.h>

#include "ccsig/receipt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const unsigned char key[CCSIG_RECEIPT_KEY_BYTES] = {1, 2, 3};
    unsigned char parsed[CCSIG_RECEIPT_KEY_BYTES];
    ccsig_error err;
    ccsig_receipt_info info;
    ccsig_status st = ccsig_receipt_verify((const char *)data, size, key, &info, &err);
    if (st == CCSIG_OK ||
        (st != CCSIG_ERR_SYNTAX && st != CCSIG_ERR_SIGNATURE && st != CCSIG_ERR_LIMIT) ||
        err.offset > size)
        abort(); /* nothing verifies against this made-up key */
    if (ccsig_receipt_key_parse((const char *)data, size, parsed, &err) != CCSIG_OK &&
        err.offset > size)
        abort();
    return 0;
}
