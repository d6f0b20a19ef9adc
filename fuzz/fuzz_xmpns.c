/* libFuzzer target: the XMP packet reader (ccsig/xmpns.h) and the statements
 * made from what it read. Invariants: a value read is NUL-terminated at its
 * length and inside the arena; an error has a message. */
#include <stdlib.h>
#include <string.h>

#include "ccsig/xmpns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(ccsig_str s) {
    if (s.p && s.p[s.len] != '\0')
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_xmp_props x;
    ccsig_error err;
    ccsig_status s = ccsig_xmp_read(&a, (const char *)data, size, &x, &err);
    if (s != CCSIG_OK) {
        if (!err.message[0] || x.content_usage.p)
            abort();
        ccsig_arena_free(&a);
        return 0;
    }
    check(x.content_usage);
    check(x.collection);
    check(x.party);
    check(x.party_url);
    check(x.copyright);
    check(x.declaration);
    check(x.data_mining);
    check(x.other_constraints);
    check(x.tdm_reservation);
    check(x.tdm_policy);
    ccsig_statement st;
    ccsig_warnings w = {0};
    if (ccsig_xmp_statement(&x, &a, &st, &w, &err) == CCSIG_OK && !st.valid)
        abort();
    ccsig_xmp_peer_statement(&x, &st);
    /* the DMI lookup on the raw input too: any bytes, the code inside them */
    ccsig_str code;
    bool foreign;
    ccsig_xmp_dmi_find(ccsig_str_make((const char *)data, size), &code, &foreign);
    if (code.len > size || (code.len && (code.p < (const char *)data ||
                                         code.p + code.len > (const char *)data + size)))
        abort();
    if (x.tdm_ns && strcmp(x.tdm_ns, CCSIG_XMP_TDM_NS) && strcmp(x.tdm_ns, CCSIG_XMP_TDM_NS_HASH))
        abort();
    ccsig_arena_free(&a);
    return 0;
}
