/* libFuzzer target: the library's JSON reader (lib/sources/json.h), its
 * fast path for flat objects (src_json_parse_flat, what CDXJ index lines
 * hold) against jansson's reading of the same bytes (src_json_parse):
 * whenever the fast path takes a document, jansson must read it too and
 * give the same tree -- types, member names and their order, strings and
 * number texts -- and src_json_parse_whole gives that tree. */
#include <stdlib.h>
#include <string.h>

#include "../lib/sources/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The same value: type, text, name, members in order. */
static bool same(const src_json *x, const src_json *y) {
    if (x->type != y->type || x->n != y->n || !ccsig_str_eq_str(x->str, y->str) ||
        !ccsig_str_eq_str(x->key, y->key))
        return false;
    const src_json *a = x->child, *b = y->child;
    for (; a && b; a = a->next, b = b->next)
        if (!same(a, b))
            return false;
    return !a && !b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data;
    ccsig_arena a;
    ccsig_arena_init(&a, 4096);
    src_json *flat = NULL, *ref = NULL, *whole = NULL;
    ccsig_error err;
    bool took = src_json_parse_flat(&a, p, size, &flat);
    ccsig_status st = src_json_parse(&a, p, size, &ref, &err);
    /* the fast path when it takes the document, else jansson's answer */
    ccsig_status sw = src_json_parse_whole(&a, p, size, &whole, &err);
    if (took && (sw != CCSIG_OK || !same(whole, flat)))
        abort();
    if (took && (st != CCSIG_OK || !same(flat, ref) || flat->line != 1 || flat->start != 0 ||
                 flat->end != size))
        abort();
    ccsig_arena_free(&a);
    return 0;
}
