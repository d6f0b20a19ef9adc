/*
 * declare_combos.h — every declaration the round-trip tests cover:
 * category x signal x allow/deny x paths (none, one, two) x copyright status
 * x agent (every crawler, one). Shared by test_declare.c (expression, header,
 * XMP, JSON) and test_declare_robots.c (robots.txt rules and --into).
 */
#ifndef CCSIG_TEST_DECLARE_COMBOS_H
#define CCSIG_TEST_DECLARE_COMBOS_H

#include <stdio.h>

#include "ccsig/declare.h"

typedef void (*declare_combo_fn)(const ccsig_declaration *d, const ccsig_statement *want,
                                 const char *ctx, void *arg);

/* Call fn for every valid combination (declaration, the statement it must
 * read back as, a description). Combinations that must be refused (an allow
 * with a CC signal) are counted in *refused, after checking that validation
 * and every generator refuse them and write nothing. Returns the number of
 * valid combinations. */
static inline unsigned declare_each_combo(declare_combo_fn fn, void *arg, unsigned *refused) {
    static const char *const path_sets[3][2] = {
        {NULL, NULL}, {"/collection/", NULL}, {"/a/", "/b.c/d+(e)/"}};
    static const char *const agents[2] = {NULL, "ExampleBot"};
    unsigned combos = 0;
    *refused = 0;
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        for (int s = 0; s < CCSIG_SIGNAL_COUNT; s++)
            for (int allow = 0; allow < 2; allow++)
                for (int ps = 0; ps < 3; ps++)
                    for (int cr = 0; cr < CCSIG_COPYRIGHT_COUNT; cr++)
                        for (int ag = 0; ag < 2; ag++) {
                            ccsig_declaration d;
                            ccsig_declaration_init(&d);
                            d.use = (ccsig_category)c;
                            d.signal = (ccsig_signal)s;
                            d.state = allow ? CCSIG_STATE_ALLOW : CCSIG_STATE_DENY;
                            for (int i = 0; i < 2 && path_sets[ps][i]; i++)
                                d.paths[d.npaths++] = path_sets[ps][i];
                            d.copyright = (ccsig_copyright)cr;
                            d.agent = agents[ag];
                            if (cr % 2) {
                                /* Names and URLs that need escaping everywhere. */
                                d.collection = "Digitised newspapers, 1850\xe2\x80\x93"
                                               "1950 <&>";
                                d.party_name = "Example Library & \"Friends\"";
                                d.party_url = "https://library.example.org/?a=1&b='2'";
                                d.policy_url = "https://library.example.org/ai-policy";
                            }
                            char ctx[160];
                            snprintf(ctx, sizeof ctx, "%s %s %s paths=%d copyright=%s agent=%s",
                                     ccsig_category_name(d.use), ccsig_signal_short(d.signal),
                                     allow ? "allow" : "deny", ps,
                                     ccsig_copyright_name(d.copyright), d.agent ? d.agent : "*");
                            ccsig_error err;
                            if (allow && s != CCSIG_SIGNAL_NONE) {
                                /* An exception on an allow means nothing: refused. */
                                assert_int_equal(ccsig_declaration_validate(&d, &err),
                                                 CCSIG_ERR_USAGE);
                                for (int f = 0; f < CCSIG_DECLARE_FORMAT_COUNT; f++) {
                                    ccsig_buf b = CCSIG_BUF_INIT;
                                    assert_int_equal(
                                        ccsig_declare_write(&d, (ccsig_declare_format)f, &b, &err),
                                        CCSIG_ERR_USAGE);
                                    assert_int_equal(b.len, 0);
                                }
                                (*refused)++;
                                continue;
                            }
                            if (ccsig_declaration_validate(&d, &err))
                                fail_msg("%s: %s", ctx, err.message);
                            ccsig_statement want;
                            ccsig_declare_statement(&d, &want);
                            fn(&d, &want, ctx, arg);
                            combos++;
                        }
    return combos;
}

/* 5 categories x (5 deny + 1 allow) x 3 path sets x 4 statuses x 2 agents. */
#define DECLARE_COMBOS (5u * 6u * 3u * 4u * 2u)
/* 5 categories x 4 signals on an allow x 3 x 4 x 2. */
#define DECLARE_REFUSED (5u * 4u * 3u * 4u * 2u)

#endif
