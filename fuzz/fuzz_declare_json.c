/* libFuzzer target: a declaration's JSON form (ccsig_declare_read_json,
 * what `ccsig declare --from` reads) and its writer. Invariants: the reader
 * never fails but with a status and message (a syntax error at a line and
 * column inside the input; a field error at an offset inside it), leaves d
 * initialised on failure and valid on success; a declaration read is
 * written (ccsig_declare_write_json cannot refuse it), that text reads back
 * to the same entries, and writing that declaration again gives the same
 * bytes. */
#include <stdlib.h>

#include "ccsig/declare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The same entries, paths, names and copyright status. */
static bool same(const ccsig_declaration *x, const ccsig_declaration *y) {
    ccsig_declare_use u[CCSIG_DECLARE_MAX_USES], v[CCSIG_DECLARE_MAX_USES];
    size_t n = ccsig_declare_uses(x, u);
    if (ccsig_declare_uses(y, v) != n || x->npaths != y->npaths || x->copyright != y->copyright)
        return false;
    for (size_t i = 0; i < n; i++)
        if (u[i].use != v[i].use || u[i].state != v[i].state || u[i].signal != v[i].signal)
            return false;
    for (size_t i = 0; i < x->npaths; i++)
        if (strcmp(x->paths[i], y->paths[i]))
            return false;
    const char *xs[] = {x->collection, x->party_name, x->party_url, x->policy_url};
    const char *ys[] = {y->collection, y->party_name, y->party_url, y->policy_url};
    for (size_t i = 0; i < 4; i++)
        if (!xs[i] != !ys[i] || (xs[i] && strcmp(xs[i], ys[i])))
            return false;
    const char *xa = x->agent && *x->agent ? x->agent : "*";
    const char *ya = y->agent && *y->agent ? y->agent : "*";
    return !strcmp(xa, ya);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_arena a, b;
    ccsig_arena_init(&a, 0);
    ccsig_arena_init(&b, 0);
    ccsig_declaration d, r;
    ccsig_error err;
    ccsig_buf t1 = CCSIG_BUF_INIT, t2 = CCSIG_BUF_INIT;
    ccsig_status st = ccsig_declare_read_json(&a, (const char *)data, size, &d, &err);
    if (st) {
        if (st == CCSIG_ERR_NOMEM)
            goto done;
        if (!err.message[0] || err.code != st || err.offset > size)
            abort();
        if ((st == CCSIG_ERR_SYNTAX || st == CCSIG_ERR_LIMIT) && (err.line < 1 || err.column < 1))
            abort();
        if (st == CCSIG_ERR_RANGE && err.line != 0)
            abort();
        if (d.use != CCSIG_CAT_NONE || d.nmore || d.npaths || d.agent || d.party_name)
            abort();
        goto done;
    }
    if (ccsig_declaration_validate(&d, &err))
        abort();
    st = ccsig_declare_write_json(&d, &t1, &err);
    if (st == CCSIG_ERR_NOMEM)
        goto done;
    if (st || ccsig_declare_read_json(&b, t1.data, t1.len, &r, &err) || !same(&d, &r))
        abort();
    if (ccsig_declare_write_json(&r, &t2, &err) == CCSIG_OK &&
        (t1.len != t2.len || memcmp(t1.data, t2.data, t1.len)))
        abort();
done:
    ccsig_buf_free(&t1);
    ccsig_buf_free(&t2);
    ccsig_arena_free(&a);
    ccsig_arena_free(&b);
    return 0;
}
