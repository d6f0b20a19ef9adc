/*
 * test_declare_exempi.c — the XMP packets ccsig declare writes are read the
 * same way by exempi (Adobe XMP Core, what the readers use) as by ccsig.
 *
 * For every combination of declare_combos.h: exempi parses the packet; each
 * ccsig property, plus:DataMining, plus:OtherConstraints (x-default) and
 * tdm:reservation read through exempi's API equal what was declared (and
 * what ccsig_xmp_read reads); then exempi serialises the packet itself, in
 * its normal and its compact (attribute) form, and ccsig_xmp_read reads both
 * back to the same properties.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <exempi/xmp.h>
#include <exempi/xmpconsts.h>

#include "ccsig/declare.h"
#include "ccsig/xmpns.h"
#include "declare_combos.h"

static char *gen(const ccsig_declaration *d, ccsig_declare_format f) {
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_error err;
    assert_int_equal(ccsig_declare_write(d, f, &b, &err), CCSIG_OK);
    char *s = strdup(ccsig_buf_cstr(&b));
    ccsig_buf_free(&b);
    return s;
}

/* exempi's value of a simple property, or NULL when absent (malloc'd). */
static char *exempi_get(XmpPtr x, const char *ns, const char *name) {
    XmpStringPtr v = xmp_string_new();
    char *r = NULL;
    if (xmp_get_property(x, ns, name, v, NULL))
        r = strdup(xmp_string_cstr(v));
    xmp_string_free(v);
    return r;
}

static void same(const char *ctx, const char *what, const char *got, ccsig_str want) {
    if (!got && !want.p)
        return;
    if (!got || !want.p || strlen(got) != want.len || memcmp(got, want.p, want.len))
        fail_msg("%s: %s: exempi '%s', ccsig '%.*s'", ctx, what, got ? got : "(absent)",
                 want.p ? (int)want.len : 8, want.p ? want.p : "(absent)");
}

static void same_props(const ccsig_xmp_props *a, const ccsig_xmp_props *b, const char *ctx) {
#define SAME(f)                                                                                    \
    do {                                                                                           \
        if ((a->f.p == NULL) != (b->f.p == NULL) || (a->f.p && !ccsig_str_eq_str(a->f, b->f)))     \
            fail_msg("%s: %s differs after exempi serialised the packet", ctx, #f);                \
    } while (0)
    SAME(content_usage);
    SAME(collection);
    SAME(party);
    SAME(party_url);
    SAME(copyright);
    SAME(declaration);
    SAME(data_mining);
    SAME(other_constraints);
    SAME(tdm_reservation);
    SAME(tdm_policy);
#undef SAME
}

static void exempi_one(const ccsig_declaration *d, const ccsig_statement *want, const char *ctx,
                       void *arg) {
    (void)want;
    (void)arg;
    char *packet = gen(d, CCSIG_DECLARE_XMP);
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_xmp_props ours;
    ccsig_error err;
    assert_int_equal(ccsig_xmp_read(&a, packet, strlen(packet), &ours, &err), CCSIG_OK);

    XmpPtr x = xmp_new(packet, strlen(packet));
    if (!x)
        fail_msg("%s: exempi cannot parse the packet (error %d)", ctx, xmp_get_error());
    static const struct {
        const char *name;
        size_t off;
    } props[] = {
        {CCSIG_XMP_CONTENT_USAGE, offsetof(ccsig_xmp_props, content_usage)},
        {CCSIG_XMP_COLLECTION, offsetof(ccsig_xmp_props, collection)},
        {CCSIG_XMP_PARTY, offsetof(ccsig_xmp_props, party)},
        {CCSIG_XMP_PARTY_URL, offsetof(ccsig_xmp_props, party_url)},
        {CCSIG_XMP_COPYRIGHT, offsetof(ccsig_xmp_props, copyright)},
        {CCSIG_XMP_DECLARATION, offsetof(ccsig_xmp_props, declaration)},
    };
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++) {
        char *v = exempi_get(x, CCSIG_XMP_NS, props[i].name);
        same(ctx, props[i].name, v, *(const ccsig_str *)((const char *)&ours + props[i].off));
        free(v);
    }
    /* The expression through exempi is the declared one. */
    ccsig_buf e = CCSIG_BUF_INIT;
    assert_int_equal(ccsig_declare_write(d, CCSIG_DECLARE_EXPRESSION, &e, &err), CCSIG_OK);
    char *cu = exempi_get(x, CCSIG_XMP_NS, CCSIG_XMP_CONTENT_USAGE);
    assert_non_null(cu);
    assert_string_equal(cu, ccsig_buf_cstr(&e));
    free(cu);
    ccsig_buf_free(&e);
    char *dm = exempi_get(x, CCSIG_XMP_PLUS_NS, "DataMining");
    same(ctx, "plus:DataMining", dm, ours.data_mining);
    free(dm);
    char *tr = exempi_get(x, CCSIG_XMP_TDM_NS, "reservation");
    same(ctx, "tdm:reservation", tr, ours.tdm_reservation);
    free(tr);
    char *tp = exempi_get(x, CCSIG_XMP_TDM_NS, "policy");
    same(ctx, "tdm:policy", tp, ours.tdm_policy);
    free(tp);
    XmpStringPtr lang = xmp_string_new(), text = xmp_string_new();
    if (xmp_get_localized_text(x, CCSIG_XMP_PLUS_NS, "OtherConstraints", "", "x-default", lang,
                               text, NULL))
        same(ctx, "plus:OtherConstraints", xmp_string_cstr(text), ours.other_constraints);
    else
        assert_null(ours.other_constraints.p);
    xmp_string_free(lang);
    xmp_string_free(text);

    /* exempi's own serialisations read back the same with ccsig. */
    static const uint32_t forms[] = {0, XMP_SERIAL_USECOMPACTFORMAT | XMP_SERIAL_OMITPACKETWRAPPER};
    for (size_t f = 0; f < 2; f++) {
        XmpStringPtr out = xmp_string_new();
        assert_true(xmp_serialize(x, out, forms[f], 0));
        const char *s = xmp_string_cstr(out);
        ccsig_xmp_props back;
        if (ccsig_xmp_read(&a, s, strlen(s), &back, &err))
            fail_msg("%s: ccsig cannot read exempi's packet: %s\n%s", ctx, err.message, s);
        same_props(&ours, &back, ctx);
        xmp_string_free(out);
    }
    xmp_free(x);
    ccsig_arena_free(&a);
    free(packet);
}

static void exempi_reads_ours(void **state) {
    unsigned refused;
    assert_int_equal(declare_each_combo(exempi_one, NULL, &refused), DECLARE_COMBOS);
    (void)state;
}

static int setup(void **state) {
    (void)state;
    return xmp_init() ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    xmp_terminate();
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exempi_reads_ours),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
