/* Shared body of the three RFC 9651 fuzz targets: parse, and when the parse
 * succeeds serialise and parse again; the second parse must succeed and
 * serialise to the same bytes (canonical form is a fixed point). */
#include <stdlib.h>

#include "ccsig/sf.h"

#define FUZZ_SF_BODY(PARSE, SERIALIZE, TYPE)                                                       \
    ccsig_arena a;                                                                                 \
    ccsig_arena_init(&a, 0);                                                                       \
    TYPE v;                                                                                        \
    ccsig_error err;                                                                               \
    if (PARSE(&a, (const char *)data, size, &v, &err) == CCSIG_OK) {                               \
        ccsig_buf b1 = CCSIG_BUF_INIT, b2 = CCSIG_BUF_INIT;                                        \
        if (SERIALIZE(&b1, &v, &err) == CCSIG_OK) {                                                \
            TYPE w;                                                                                \
            if (PARSE(&a, b1.data ? b1.data : "", b1.len, &w, &err) != CCSIG_OK)                   \
                abort();                                                                           \
            if (SERIALIZE(&b2, &w, &err) != CCSIG_OK || b1.len != b2.len ||                        \
                (b1.len && memcmp(b1.data, b2.data, b1.len)))                                      \
                abort();                                                                           \
        }                                                                                          \
        ccsig_buf_free(&b1);                                                                       \
        ccsig_buf_free(&b2);                                                                       \
    }                                                                                              \
    ccsig_arena_free(&a);                                                                          \
    return 0;
