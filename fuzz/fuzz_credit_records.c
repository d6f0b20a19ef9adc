/* libFuzzer target: the credit record reader (ccsig_credit_records_read:
 * records, scan annotation lines, gateway hits and answers), the JSON answer
 * flattener, then every writer and the verifier over what was read, with the
 * input itself as the answer. */
#include <stdint.h>

#include "ccsig/attribution.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_credit_record *v;
    size_t n;
    ccsig_error err;
    const char *p = (const char *)data;
    if (ccsig_credit_records_read(&a, p, size, &v, &n, &err) == CCSIG_OK && n) {
        ccsig_buf b = CCSIG_BUF_INIT;
        for (int f = 0; f < CCSIG_CITE_FORMAT_COUNT; f++)
            ccsig_cite_references(&b, (ccsig_cite_format)f, v, n);
        ccsig_rag_withheld(&b, CCSIG_CITE_MARKDOWN, v, n);
        ccsig_credit_check ck[16];
        ccsig_credit_verify(p, size, v, n < 16 ? n : 16, ck);
        ccsig_buf_free(&b);
    }
    ccsig_str text;
    ccsig_credit_answer_json_text(&a, p, size, &text, &err);
    ccsig_arena_free(&a);
    return 0;
}
