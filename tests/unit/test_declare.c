/*
 * test_declare.c — ccsig declare proves it round-trips.
 *
 * Over every combination of declare_combos.h (category x signal x allow/deny
 * x paths x copyright status x agent), each generated artifact is read back
 * through ccsig's own readers and must yield exactly the declared
 * preferences:
 *   - the expression and the Content-Usage header value, by ccsig_pref_parse;
 *   - the XMP packet, by ccsig_xmp_read: the ccsig statement, every
 *     declared field, the peer values (plus:DataMining, tdm:*) as mapped, and
 *     the peer statement never contradicting the declaration;
 *   - the JSON form, by ccsig_declare_read_json: every field, and its
 *     expression and header strings; the text is jansson's JSON_INDENT(2)
 *     layout of the same object, byte for byte (what the CLI printed when
 *     it built the object with jansson).
 * An allow with a CC signal must be refused. (The robots.txt rules round-trip
 * in test_declare_robots.c.) Also: the CC signal terms are verbatim from
 * ../shared/specs/cc-signals, validation errors, and the XMP reader's accepted forms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <jansson.h>

#include "ccsig/declare.h"
#include "ccsig/robots.h"
#include "ccsig/xmpns.h"
#include "declare_combos.h"

static void same_statement(const ccsig_statement *got, const ccsig_statement *want,
                           const char *what, const char *ctx) {
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        if (got->cat[c].state != want->cat[c].state || got->cat[c].signal != want->cat[c].signal ||
            got->cat[c].conditions != want->cat[c].conditions) {
            fail_msg("%s: %s: category %s: got %s/%d/%u, want %s/%d/%u", ctx, what,
                     ccsig_category_name((ccsig_category)c),
                     ccsig_state_name((ccsig_state)got->cat[c].state), got->cat[c].signal,
                     got->cat[c].conditions, ccsig_state_name((ccsig_state)want->cat[c].state),
                     want->cat[c].signal, want->cat[c].conditions);
        }
    }
}

static char *gen(const ccsig_declaration *d, ccsig_declare_format f) {
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_error err;
    assert_int_equal(ccsig_declare_write(d, f, &b, &err), CCSIG_OK);
    char *s = strdup(ccsig_buf_cstr(&b));
    ccsig_buf_free(&b);
    return s;
}

static bool str_is(ccsig_str s, const char *c) {
    if (!c)
        return s.p == NULL;
    return s.p && ccsig_str_eq(s, c);
}

/* The peer statement must never contradict the declaration: where both
 * say deny or allow for a category, they say the same state. (An
 * automated-processing declaration writes the three current labels, which
 * leave automated-processing itself unknown; its peers, tdm-reservation and
 * IPTC DMI-PROHIBITED, deny it.) */
static void peers_agree(const ccsig_statement *peer, const ccsig_statement *want, const char *ctx) {
    ccsig_pref pr[CCSIG_CAT_COUNT], wr[CCSIG_CAT_COUNT];
    ccsig_statement_resolve(peer, pr);
    ccsig_statement_resolve(want, wr);
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        if (peer->cat[c].state == CCSIG_STATE_UNKNOWN)
            continue;
        if (wr[c].state == CCSIG_STATE_UNKNOWN && c == CCSIG_CAT_AUTOMATED_PROCESSING)
            continue;
        if (pr[c].state != wr[c].state)
            fail_msg("%s: peer values say %s for %s, the declaration %s", ctx,
                     ccsig_state_name((ccsig_state)pr[c].state),
                     ccsig_category_name((ccsig_category)c),
                     ccsig_state_name((ccsig_state)wr[c].state));
    }
}

static void check_xmp(const ccsig_declaration *d, const ccsig_statement *want, const char *ctx) {
    char *x = gen(d, CCSIG_DECLARE_XMP);
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_xmp_props p;
    ccsig_error err;
    if (ccsig_xmp_read(&a, x, strlen(x), &p, &err))
        fail_msg("%s: xmp: %s at %u:%u", ctx, err.message, err.line, err.column);
    ccsig_statement st;
    assert_int_equal(ccsig_xmp_statement(&p, &a, &st, NULL, &err), CCSIG_OK);
    same_statement(&st, want, "xmp", ctx);
    assert_true(str_is(p.collection, d->collection));
    assert_true(str_is(p.party, d->party_name));
    assert_true(str_is(p.party_url, d->party_url));
    assert_true(str_is(p.declaration, d->policy_url));
    assert_true(str_is(p.copyright, d->copyright == CCSIG_COPYRIGHT_UNSTATED
                                        ? NULL
                                        : ccsig_copyright_name(d->copyright)));
    ccsig_declare_peers pv;
    ccsig_declare_peer_values(d, &pv);
    char dm[128];
    snprintf(dm, sizeof dm, "%s%s", CCSIG_IPTC_VOCAB, pv.iptc_code ? pv.iptc_code : "");
    assert_true(str_is(p.data_mining, pv.iptc_code ? dm : NULL));
    if (pv.tdm_reservation >= 0)
        assert_true(str_is(p.tdm_reservation, pv.tdm_reservation ? "1" : "0"));
    else
        assert_null(p.tdm_reservation.p);
    assert_true(str_is(p.tdm_policy, pv.tdm_policy));
    ccsig_declare_use u[CCSIG_DECLARE_MAX_USES];
    bool sig = false; /* some entry has a signal: plus:OtherConstraints says so */
    for (size_t i = 0, n = ccsig_declare_uses(d, u); i < n; i++)
        sig = sig || (u[i].state == CCSIG_STATE_DENY && u[i].signal != CCSIG_SIGNAL_NONE);
    assert_true(sig == (p.other_constraints.p != NULL));
    ccsig_statement peer;
    bool any = ccsig_xmp_peer_statement(&p, &peer);
    assert_true(any == (pv.iptc_code != NULL || pv.tdm_reservation >= 0));
    peers_agree(&peer, want, ctx);
    ccsig_arena_free(&a);
    free(x);
}

static void check_json(const ccsig_declaration *d, const ccsig_statement *want, const char *ctx) {
    ccsig_error err;
    ccsig_buf text = CCSIG_BUF_INIT;
    if (ccsig_declare_write_json(d, &text, &err))
        fail_msg("%s: json: %s", ctx, err.message);
    /* jansson reads it, with no name twice, and writes the same bytes back */
    json_error_t je;
    json_t *back = json_loadb(text.data, text.len, JSON_REJECT_DUPLICATES, &je);
    if (!back)
        fail_msg("%s: json: %d:%d: %s", ctx, je.line, je.column, je.text);
    char *again = json_dumps(back, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    assert_non_null(again);
    assert_int_equal(text.len, strlen(again) + 1);
    assert_memory_equal(text.data, again, text.len - 1);
    assert_int_equal(text.data[text.len - 1], '\n');
    free(again);
    ccsig_arena ra;
    ccsig_arena_init(&ra, 0);
    ccsig_declaration r;
    if (ccsig_declare_read_json(&ra, text.data, text.len, &r, &err))
        fail_msg("%s: json: %s", ctx, err.message);
    ccsig_buf_free(&text);
    assert_int_equal(r.use, d->use);
    assert_int_equal(r.state, d->state);
    assert_int_equal(r.signal, d->signal);
    assert_int_equal(r.nmore, d->nmore);
    for (size_t i = 0; i < d->nmore; i++) {
        assert_int_equal(r.more[i].use, d->more[i].use);
        assert_int_equal(r.more[i].state, d->more[i].state);
        assert_int_equal(r.more[i].signal, d->more[i].signal);
    }
    assert_int_equal(r.copyright, d->copyright);
    assert_int_equal(r.npaths, d->npaths);
    for (size_t i = 0; i < d->npaths; i++)
        assert_string_equal(r.paths[i], d->paths[i]);
    assert_string_equal(r.agent, d->agent ? d->agent : "*");
#define SAME_OPT(f)                                                                                \
    do {                                                                                           \
        if (d->f)                                                                                  \
            assert_string_equal(r.f, d->f);                                                        \
        else                                                                                       \
            assert_null(r.f);                                                                      \
    } while (0)
    SAME_OPT(collection);
    SAME_OPT(party_name);
    SAME_OPT(party_url);
    SAME_OPT(policy_url);
    /* Its expression and header strings read back to the same statement. */
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    const char *e = json_string_value(json_object_get(back, "expression"));
    const char *h = json_string_value(json_object_get(back, "header"));
    assert_non_null(e);
    assert_non_null(h);
    ccsig_statement st;
    ccsig_statement_init(&st, CCSIG_SRC_EXPRESSION);
    assert_int_equal(ccsig_pref_parse(&a, e, strlen(e), &st, NULL, &err), CCSIG_OK);
    same_statement(&st, want, "json expression", ctx);
    assert_true(!strncmp(h, "Content-Usage: ", 15));
    ccsig_statement_init(&st, CCSIG_SRC_HEADER);
    assert_int_equal(ccsig_pref_parse(&a, h + 15, strlen(h + 15), &st, NULL, &err), CCSIG_OK);
    same_statement(&st, want, "json header", ctx);
    ccsig_arena_free(&a);
    ccsig_arena_free(&ra);
    json_decref(back);
}

static void check_expression_and_header(const ccsig_declaration *d, const ccsig_statement *want,
                                        const char *ctx) {
    char *e = gen(d, CCSIG_DECLARE_EXPRESSION);
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_statement st;
    ccsig_warnings w = {0};
    ccsig_error err;
    ccsig_statement_init(&st, CCSIG_SRC_EXPRESSION);
    assert_int_equal(ccsig_pref_parse(&a, e, strlen(e), &st, &w, &err), CCSIG_OK);
    same_statement(&st, want, "expression", ctx);
    /* Declarations write current (-08) labels only: no warning at all. */
    assert_int_equal(w.n, 0);
    ccsig_category use;
    ccsig_state state;
    ccsig_signal sig;
    if (d->nmore == 0) { /* one category: read back as the declaration */
        assert_int_equal(ccsig_declare_from_expression(e, strlen(e), &use, &state, &sig, &err),
                         CCSIG_OK);
        /* train-genai is written train-ai (its -08 label), and read back so */
        assert_int_equal(use, d->use == CCSIG_CAT_TRAIN_GENAI ? CCSIG_CAT_TRAIN_AI : d->use);
        assert_int_equal(state, d->state);
        assert_int_equal(sig, d->signal);
    }

    char *h = gen(d, CCSIG_DECLARE_HEADER);
    assert_true(!strncmp(h, "Content-Usage: ", 15));
    size_t hl = strlen(h);
    assert_true(hl > 16 && h[hl - 1] == '\n');
    ccsig_statement_init(&st, CCSIG_SRC_HEADER);
    assert_int_equal(ccsig_pref_parse(&a, h + 15, hl - 16, &st, NULL, &err), CCSIG_OK);
    same_statement(&st, want, "header", ctx);

    /* The human-readable declarations carry the exact machine-readable lines. */
    for (int f = CCSIG_DECLARE_TEXT; f <= CCSIG_DECLARE_HTML; f++) {
        char *doc = gen(d, (ccsig_declare_format)f);
        if (!strstr(doc, e))
            fail_msg("%s: %s declaration lacks the expression", ctx,
                     ccsig_declare_format_name((ccsig_declare_format)f));
        free(doc);
    }
    ccsig_arena_free(&a);
    free(e);
    free(h);
}

static void roundtrip_one(const ccsig_declaration *d, const ccsig_statement *want, const char *ctx,
                          void *arg) {
    check_expression_and_header(d, want, ctx);
    check_xmp(d, want, ctx);
    check_json(d, want, ctx);
    (void)arg;
}

static void roundtrip(void **state) {
    unsigned refused;
    assert_int_equal(declare_each_combo(roundtrip_one, NULL, &refused), DECLARE_COMBOS);
    assert_int_equal(refused, DECLARE_REFUSED);
    (void)state;
}

/* Several categories in one declaration: over ordered sets of two and three
 * categories that can go together and every choice for each (allow, plain
 * deny, deny unless each CC signal), with and without paths, every artifact
 * reads back to the statement, and that statement holds, for each entry's
 * label, exactly the entry's choice (checked here, not by the library).
 * The robots.txt lines, compiled by the matcher, give that statement too. */
static void multi_roundtrip(void **state) {
    static const ccsig_category sets[][3] = {
        {CCSIG_CAT_TRAIN_AI, CCSIG_CAT_SEARCH, CCSIG_CAT_NONE},
        {CCSIG_CAT_SEARCH, CCSIG_CAT_TRAIN_GENAI, CCSIG_CAT_NONE},
        {CCSIG_CAT_AI_USE, CCSIG_CAT_TRAIN_AI, CCSIG_CAT_NONE},
        {CCSIG_CAT_TRAIN_AI, CCSIG_CAT_AI_USE, CCSIG_CAT_SEARCH},
        {CCSIG_CAT_SEARCH, CCSIG_CAT_AI_USE, CCSIG_CAT_TRAIN_GENAI},
    };
    static const struct {
        ccsig_state st;
        ccsig_signal sig;
    } choices[] = {
        {CCSIG_STATE_ALLOW, CCSIG_SIGNAL_NONE}, {CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE},
        {CCSIG_STATE_DENY, CCSIG_SIGNAL_CR},    {CCSIG_STATE_DENY, CCSIG_SIGNAL_CR_DC},
        {CCSIG_STATE_DENY, CCSIG_SIGNAL_CR_EC}, {CCSIG_STATE_DENY, CCSIG_SIGNAL_CR_OP},
    };
    enum { NC = sizeof choices / sizeof choices[0] };
    ccsig_robots_answer *ans = ccsig_robots_answer_new();
    assert_non_null(ans);
    unsigned checked = 0;
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        size_t k = sets[s][2] == CCSIG_CAT_NONE ? 2 : 3;
        unsigned total = k == 2 ? NC * NC : NC * NC * NC;
        for (unsigned pick = 0; pick < total; pick++) {
            ccsig_declaration d;
            ccsig_declaration_init(&d);
            ccsig_error err;
            unsigned x = pick;
            for (size_t i = 0; i < k; i++, x /= NC)
                assert_int_equal(ccsig_declare_add_use(&d, sets[s][i], choices[x % NC].st,
                                                       choices[x % NC].sig, &err),
                                 CCSIG_OK);
            if (pick % 2) {
                d.paths[0] = "/newspapers/";
                d.paths[1] = "/maps/";
                d.npaths = 2;
            }
            d.party_name = "Example Library";
            d.party_url = "https://example.org/";
            assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_OK);
            ccsig_statement want;
            ccsig_declare_statement(&d, &want);
            char ctx[96];
            snprintf(ctx, sizeof ctx, "set %zu pick %u", s, pick);
            /* Each entry's label says the entry's choice. */
            ccsig_declare_use u[CCSIG_DECLARE_MAX_USES];
            assert_int_equal(ccsig_declare_uses(&d, u), k);
            for (size_t i = 0; i < k; i++) {
                ccsig_category c =
                    u[i].use == CCSIG_CAT_TRAIN_GENAI ? CCSIG_CAT_TRAIN_AI : u[i].use;
                assert_int_equal(u[i].use, sets[s][i]);
                if (want.cat[c].state != u[i].state || want.cat[c].signal != u[i].signal)
                    fail_msg("%s: %s is %s/%d, declared %s/%d", ctx, ccsig_category_name(c),
                             ccsig_state_name((ccsig_state)want.cat[c].state), want.cat[c].signal,
                             ccsig_state_name(u[i].state), u[i].signal);
            }
            check_expression_and_header(&d, &want, ctx);
            check_xmp(&d, &want, ctx);
            check_json(&d, &want, ctx);
            char *txt = gen(&d, CCSIG_DECLARE_ROBOTS);
            ccsig_robots *r = NULL;
            assert_int_equal(ccsig_robots_compile(txt, strlen(txt), "robots.txt", &r, &err),
                             CCSIG_OK);
            const char *url = d.npaths ? "/maps/sheet-12.png" : "/index.html";
            assert_int_equal(ccsig_robots_check(r, "SomeBot", 7, url, strlen(url), ans), CCSIG_OK);
            assert_int_equal(ans->nst, 1);
            same_statement(&ans->st[0], &want, "robots", ctx);
            ccsig_robots_free(r);
            free(txt);
            checked++;
        }
    }
    assert_int_equal(checked, 3 * NC * NC + 2 * NC * NC * NC);
    ccsig_robots_answer_free(ans);
    (void)state;
}

/* Entries that cannot go together are refused, naming the entry. */
static void multi_validation(void **state) {
    ccsig_declaration d;
    ccsig_error err;
    ccsig_declaration_init(&d);
    assert_int_equal(
        ccsig_declare_add_use(&d, CCSIG_CAT_TRAIN_AI, CCSIG_STATE_DENY, CCSIG_SIGNAL_CR, &err),
        CCSIG_OK);
    assert_int_equal(
        ccsig_declare_add_use(&d, CCSIG_CAT_TRAIN_AI, CCSIG_STATE_ALLOW, CCSIG_SIGNAL_NONE, &err),
        CCSIG_ERR_USAGE);
    assert_string_equal(err.message, "use 2: train-ai is already declared");
    assert_int_equal(d.nmore, 0);
    /* train-genai is written train-ai too */
    assert_int_equal(ccsig_declare_add_use(&d, CCSIG_CAT_TRAIN_GENAI, CCSIG_STATE_ALLOW,
                                           CCSIG_SIGNAL_NONE, &err),
                     CCSIG_OK);
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_ERR_USAGE);
    assert_string_equal(err.message,
                        "use 2: train-ai and train-genai are both written train-ai; declare one "
                        "of them");
    /* automated-processing stands alone */
    d.more[0].use = CCSIG_CAT_AUTOMATED_PROCESSING;
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_ERR_USAGE);
    assert_non_null(strstr(err.message, "cannot go with train-ai"));
    /* an entry's own rules, named by its place */
    d.more[0] = (ccsig_declare_use){CCSIG_CAT_SEARCH, CCSIG_STATE_ALLOW, CCSIG_SIGNAL_CR};
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_ERR_USAGE);
    assert_non_null(strstr(err.message, "signal 2: a CC signal lifts a deny"));
    d.more[0].signal = CCSIG_SIGNAL_NONE;
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_OK);
    /* a count past the array */
    d.nmore = CCSIG_DECLARE_MAX_USES;
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_ERR_USAGE);
    (void)state;
}

/* The signal terms are the CC signals 0.1 text, verbatim: each "## Name"
 * section of signal-<s>-0.1.md is one condition of the signal. */
static void terms_verbatim(void **state) {
    for (int s = 1; s < CCSIG_SIGNAL_COUNT; s++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/specs/cc-signals/signal-%s-0.1.md", CCSIG_SHARED_DIR,
                 ccsig_signal_short((ccsig_signal)s));
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        char buf[8192];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        unsigned cond = ccsig_signal_conditions((ccsig_signal)s), seen = 0;
        int sections = 0;
        for (char *p = strstr(buf, "## "); p; p = strstr(p + 3, "## ")) {
            /* The files have CRLF line ends: skip the heading line and blank lines. */
            char *para = p + strcspn(p, "\n");
            while (*para == '\n' || *para == '\r')
                para++;
            size_t len = strcspn(para, "\r\n");
            while (len > 0 && para[len - 1] == ' ') /* a trailing space in cr-ec */
                len--;
            assert_true(len > 0);
            sections++;
            bool found = false;
            for (unsigned bit = 1; bit <= cond; bit <<= 1) {
                const char *t = ccsig_condition_terms(bit);
                if ((cond & bit) && strlen(t) == len && !memcmp(t, para, len)) {
                    seen |= bit;
                    found = true;
                }
            }
            if (!found)
                fail_msg("%s: section text not among the signal's terms: %.*s", path, (int)len,
                         para);
        }
        assert_int_equal(seen, cond);
        assert_int_equal(sections, __builtin_popcount(cond));

        /* And the declarations quote them whole. */
        ccsig_declaration d;
        ccsig_declaration_init(&d);
        d.use = CCSIG_CAT_TRAIN_GENAI;
        d.signal = (ccsig_signal)s;
        char *text = gen(&d, CCSIG_DECLARE_MARKDOWN);
        char *html = gen(&d, CCSIG_DECLARE_HTML);
        for (unsigned bit = 1; bit <= cond; bit <<= 1)
            if (cond & bit) {
                assert_non_null(strstr(text, ccsig_condition_terms(bit)));
                assert_non_null(strstr(html, ccsig_condition_terms(bit)));
            }
        assert_non_null(strstr(text, "CC BY 4.0"));
        free(text);
        free(html);
    }
    (void)state;
}

static ccsig_status check_one(ccsig_status (*fn)(const char *, size_t, const char *, ccsig_error *),
                              const char *v, ccsig_error *err) {
    return fn(v, strlen(v), "x", err);
}

static void validation(void **state) {
    ccsig_error err;
    /* paths */
    assert_int_equal(check_one(ccsig_declare_check_path, "/collection/", &err), CCSIG_OK);
    assert_int_equal(check_one(ccsig_declare_check_path, "/", &err), CCSIG_OK);
    assert_int_equal(check_one(ccsig_declare_check_path, "/a:b@c!&'()+,;=~._-/", &err), CCSIG_OK);
    assert_int_equal(check_one(ccsig_declare_check_path, "collection/", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_path, "", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_path, "/a b/", &err), CCSIG_ERR_USAGE);
    assert_int_equal(err.offset, 2);
    assert_non_null(strstr(err.message, "a space at column 3"));
    assert_int_equal(check_one(ccsig_declare_check_path, "/img/*.jpg", &err), CCSIG_ERR_USAGE);
    assert_non_null(strstr(err.message, "wildcards"));
    assert_int_equal(check_one(ccsig_declare_check_path, "/a$", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_path, "/a%20b/", &err), CCSIG_ERR_USAGE);
    assert_non_null(strstr(err.message, "percent"));
    assert_int_equal(check_one(ccsig_declare_check_path, "/a?b", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_path, "/a#b", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_path,
                               "/b\xc3\xbc"
                               "cher/",
                               &err),
                     CCSIG_ERR_USAGE);
    assert_non_null(strstr(err.message, "0xC3"));
    assert_int_equal(check_one(ccsig_declare_check_path, "/a//b/", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_path, "/a/../b/", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_path, "/a/./", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_path, "/a/..b/", &err), CCSIG_OK);
    char longp[CCSIG_DECLARE_MAX_PATH + 2];
    memset(longp, 'a', sizeof longp);
    longp[0] = '/';
    longp[sizeof longp - 1] = '\0';
    assert_int_equal(check_one(ccsig_declare_check_path, longp, &err), CCSIG_ERR_USAGE);
    /* agents */
    assert_int_equal(check_one(ccsig_declare_check_agent, "*", &err), CCSIG_OK);
    assert_int_equal(check_one(ccsig_declare_check_agent, "Example-Bot_2", &err), CCSIG_OK);
    assert_int_equal(check_one(ccsig_declare_check_agent, "ExampleBot/1.0", &err), CCSIG_ERR_USAGE);
    assert_int_equal(err.offset, 10);
    assert_int_equal(check_one(ccsig_declare_check_agent, "", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_agent, "a b", &err), CCSIG_ERR_USAGE);
    /* URLs */
    assert_int_equal(check_one(ccsig_declare_check_url, "https://example.org", &err), CCSIG_OK);
    assert_int_equal(check_one(ccsig_declare_check_url, "HTTP://example.org:8080/a?b=c#d", &err),
                     CCSIG_OK);
    assert_int_equal(check_one(ccsig_declare_check_url, "https://[2001:db8::1]/x", &err), CCSIG_OK);
    assert_int_equal(check_one(ccsig_declare_check_url, "https://example.org/%C3%BC", &err),
                     CCSIG_OK);
    assert_int_equal(check_one(ccsig_declare_check_url, "example.org", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_url, "ftp://example.org/", &err),
                     CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_url, "https://", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_url, "https://ex ample.org/", &err),
                     CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_url, "https://example.org/a b", &err),
                     CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_url, "https://example.org/<x>", &err),
                     CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_url, "https://example.org/%zz", &err),
                     CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_url, "https://example.org:0/", &err),
                     CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_url, "https://example.org:99999/", &err),
                     CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_url, "https://user@example.org/", &err),
                     CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_url, "https://example.org/\xc3\xbc", &err),
                     CCSIG_ERR_USAGE);
    /* names */
    assert_int_equal(check_one(ccsig_declare_check_name, "Biblioth\xc3\xa8que nationale", &err),
                     CCSIG_OK);
    assert_int_equal(check_one(ccsig_declare_check_name, "", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_name, " x", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_name, "a\nb", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_name, "a\xc3", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_name, "\xc0\xaf", &err), CCSIG_ERR_USAGE);
    assert_int_equal(check_one(ccsig_declare_check_name, "\xed\xa0\x80", &err), CCSIG_ERR_USAGE);

    /* whole declarations */
    ccsig_declaration d;
    ccsig_declaration_init(&d);
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_ERR_USAGE); /* no use */
    d.use = CCSIG_CAT_SEARCH;
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_OK);
    d.paths[0] = "/a/";
    d.paths[1] = "/a/b/";
    d.npaths = 2;
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_ERR_USAGE);
    assert_non_null(strstr(err.message, "already covers"));
    assert_int_equal(err.line, 2);
    d.paths[1] = "/a/";
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_ERR_USAGE);
    assert_non_null(strstr(err.message, "twice"));
    d.paths[1] = "/ab/";
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_OK);
    d.paths[1] = "/a";
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_ERR_USAGE); /* /a covers /a/ */
    d.npaths = 1;
    d.state = CCSIG_STATE_ALLOW;
    d.signal = CCSIG_SIGNAL_CR;
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_ERR_USAGE);
    d.signal = CCSIG_SIGNAL_NONE;
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_OK);
    d.state = CCSIG_STATE_UNKNOWN;
    assert_int_equal(ccsig_declaration_validate(&d, &err), CCSIG_ERR_USAGE);
    (void)state;
}

static void expressions_and_peers(void **state) {
    ccsig_declaration d;
    ccsig_declaration_init(&d);
    d.use = CCSIG_CAT_TRAIN_AI;
    d.signal = CCSIG_SIGNAL_CR;
    char *e = gen(&d, CCSIG_DECLARE_EXPRESSION);
    assert_string_equal(e, "train-ai=n;exceptions=cc-cr");
    free(e);
    d.use = CCSIG_CAT_AI_USE;
    d.signal = CCSIG_SIGNAL_CR_EC;
    e = gen(&d, CCSIG_DECLARE_EXPRESSION);
    assert_string_equal(e, "ai-use=n;exceptions=cc-cr-ec");
    free(e);
    d.state = CCSIG_STATE_ALLOW;
    d.signal = CCSIG_SIGNAL_NONE;
    d.use = CCSIG_CAT_SEARCH;
    e = gen(&d, CCSIG_DECLARE_EXPRESSION);
    assert_string_equal(e, "search=y");
    free(e);

    ccsig_declare_peers p;
    d.use = CCSIG_CAT_AUTOMATED_PROCESSING;
    d.state = CCSIG_STATE_DENY;
    d.signal = CCSIG_SIGNAL_CR;
    d.policy_url = "https://example.org/p";
    ccsig_declare_peer_values(&d, &p);
    assert_string_equal(p.iptc_code, "DMI-PROHIBITED");
    assert_int_equal(p.tdm_reservation, 1);
    assert_string_equal(p.tdm_policy, "https://example.org/p");
    d.signal = CCSIG_SIGNAL_NONE;
    ccsig_declare_peer_values(&d, &p);
    assert_null(p.tdm_policy);
    d.state = CCSIG_STATE_ALLOW;
    ccsig_declare_peer_values(&d, &p);
    assert_string_equal(p.iptc_code, "DMI-ALLOWED");
    assert_int_equal(p.tdm_reservation, 0);
    d.use = CCSIG_CAT_TRAIN_AI;
    ccsig_declare_peer_values(&d, &p);
    assert_null(p.iptc_code);
    assert_int_equal(p.tdm_reservation, -1);
    d.state = CCSIG_STATE_DENY;
    ccsig_declare_peer_values(&d, &p);
    assert_string_equal(p.iptc_code, "DMI-PROHIBITED-AIMLTRAINING");
    d.use = CCSIG_CAT_TRAIN_GENAI;
    ccsig_declare_peer_values(&d, &p);
    assert_string_equal(p.iptc_code, "DMI-PROHIBITED-GENAIMLTRAINING");
    d.use = CCSIG_CAT_SEARCH;
    ccsig_declare_peer_values(&d, &p);
    assert_null(p.iptc_code);

    ccsig_category use;
    ccsig_state st;
    ccsig_signal sig;
    ccsig_error err;
    const char *two = "train-ai=n, search=y";
    assert_int_equal(ccsig_declare_from_expression(two, strlen(two), &use, &st, &sig, &err),
                     CCSIG_ERR_RANGE);
    const char *none = "foo=n";
    assert_int_equal(ccsig_declare_from_expression(none, strlen(none), &use, &st, &sig, &err),
                     CCSIG_ERR_RANGE);
    const char *bad = "Train-ai=n";
    assert_int_equal(ccsig_declare_from_expression(bad, strlen(bad), &use, &st, &sig, &err),
                     CCSIG_ERR_SYNTAX);
    (void)state;
}

static ccsig_status read_xmp(ccsig_arena *a, const char *x, ccsig_xmp_props *p, ccsig_error *err) {
    return ccsig_xmp_read(a, x, strlen(x), p, err);
}

static void xmp_reader_forms(void **state) {
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_xmp_props p;
    ccsig_error err;
    /* Attribute form, another prefix, the bare DMI code, tdm in the '#' namespace. */
    const char *attr =
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
        "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description "
        "rdf:about='' xmlns:cs='https://ccsig.org/ns/ccsignals/1.0/' "
        "xmlns:p='http://ns.useplus.org/ldf/xmp/1.0/' xmlns:t='http://www.w3.org/ns/tdmrep#' "
        "cs:contentUsage='ai-use=n;exceptions=cc-cr-op' cs:declaringParty='A &amp; B' "
        "p:DataMining='DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING' "
        "t:reservation='1'/></rdf:RDF></x:xmpmeta>";
    assert_int_equal(read_xmp(&a, attr, &p, &err), CCSIG_OK);
    assert_true(str_is(p.content_usage, "ai-use=n;exceptions=cc-cr-op"));
    assert_true(str_is(p.party, "A & B"));
    assert_true(str_is(p.tdm_reservation, "1"));
    ccsig_statement st;
    assert_int_equal(ccsig_xmp_statement(&p, &a, &st, NULL, &err), CCSIG_OK);
    assert_int_equal(st.cat[CCSIG_CAT_AI_USE].state, CCSIG_STATE_DENY);
    assert_int_equal(st.cat[CCSIG_CAT_AI_USE].signal, CCSIG_SIGNAL_CR_OP);
    assert_true(ccsig_xmp_peer_statement(&p, &st));
    assert_int_equal(st.cat[CCSIG_CAT_AUTOMATED_PROCESSING].state, CCSIG_STATE_DENY);
    assert_int_equal(st.cat[CCSIG_CAT_SEARCH].state, CCSIG_STATE_ALLOW);

    /* rdf:resource, Lang Alt with x-default second, several Descriptions. */
    const char *res =
        "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>\n"
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
        "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        "<rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
        "<dc:title><rdf:Alt><rdf:li xml:lang='x-default'>T</rdf:li></rdf:Alt></dc:title>"
        "</rdf:Description>"
        "<rdf:Description rdf:about='' xmlns:plus='http://ns.useplus.org/ldf/xmp/1.0/'>"
        "<plus:DataMining rdf:resource='http://ns.useplus.org/ldf/vocab/DMI-ALLOWED'/>"
        "<plus:OtherConstraints><rdf:Alt><rdf:li xml:lang='fr'>Non</rdf:li>"
        "<rdf:li xml:lang='x-default'>No</rdf:li></rdf:Alt></plus:OtherConstraints>"
        "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>";
    assert_int_equal(read_xmp(&a, res, &p, &err), CCSIG_OK);
    assert_true(str_is(p.data_mining, "http://ns.useplus.org/ldf/vocab/DMI-ALLOWED"));
    assert_true(str_is(p.other_constraints, "No"));
    assert_null(p.content_usage.p);
    assert_int_equal(ccsig_xmp_statement(&p, &a, &st, NULL, &err), CCSIG_ERR_RANGE);
    assert_true(ccsig_xmp_peer_statement(&p, &st));
    assert_int_equal(st.cat[CCSIG_CAT_AUTOMATED_PROCESSING].state, CCSIG_STATE_ALLOW);

    /* Unknown codes and reservations say nothing. */
    const char *unk = "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
                      "<rdf:Description xmlns:plus='http://ns.useplus.org/ldf/xmp/1.0/' "
                      "xmlns:tdm='http://www.w3.org/ns/tdmrep/'>"
                      "<plus:DataMining>DMI-UNSPECIFIED</plus:DataMining>"
                      "<tdm:reservation>2</tdm:reservation></rdf:Description></rdf:RDF>";
    assert_int_equal(read_xmp(&a, unk, &p, &err), CCSIG_OK);
    assert_false(ccsig_xmp_peer_statement(&p, &st));

    /* Not well-formed, and a DTD: errors with a position. */
    assert_int_equal(read_xmp(&a, "<x:xmpmeta xmlns:x='adobe:ns:meta/'><a></x:xmpmeta>", &p, &err),
                     CCSIG_ERR_SYNTAX);
    assert_int_equal(err.line, 1);
    assert_true(err.column > 1);
    const char *dtd = "<?xml version='1.0'?>\n<!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>";
    assert_int_equal(read_xmp(&a, dtd, &p, &err), CCSIG_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "DTD"));
    ccsig_arena_free(&a);
    (void)state;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip),        cmocka_unit_test(terms_verbatim),
        cmocka_unit_test(validation),       cmocka_unit_test(expressions_and_peers),
        cmocka_unit_test(xmp_reader_forms), cmocka_unit_test(multi_roundtrip),
        cmocka_unit_test(multi_validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
