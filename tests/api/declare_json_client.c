/*
 * declare_json_client.c — a client of the installed libccsig that saves a
 * declaration in its JSON form and reads it back, the way `ccsig declare
 * --format json` and `--from` do: only <ccsig/declare.h> (no jansson type
 * in the API, no jansson header needed), linked with `pkg-config --cflags
 * --libs ccsig` (client.sh).
 *
 * It declares train-ai denied unless the reuser gives credit and
 * contributes, search allowed, for one path and a named party; writes the
 * JSON form; reads it back into an arena; checks every field and that
 * writing it again gives the same bytes; and checks one refused input and
 * its message. Prints what it found; exits 0 when every check holds, 1
 * otherwise.
 */
#include <stdio.h>
#include <string.h>

#include <ccsig/declare.h>

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "declare_json_client: %s:%d: check failed: %s\n", __FILE__, __LINE__,  \
                    #cond);                                                                        \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

int main(void) {
    ccsig_declaration d;
    ccsig_error err;
    ccsig_declaration_init(&d);
    CHECK(ccsig_declare_add_use(&d, CCSIG_CAT_TRAIN_AI, CCSIG_STATE_DENY, CCSIG_SIGNAL_CR_EC,
                                &err) == CCSIG_OK);
    CHECK(ccsig_declare_add_use(&d, CCSIG_CAT_SEARCH, CCSIG_STATE_ALLOW, CCSIG_SIGNAL_NONE, &err) ==
          CCSIG_OK);
    d.paths[0] = "/archive/";
    d.npaths = 1;
    d.party_name = "Example \"Archive\"";
    d.party_url = "https://archive.example/";
    d.copyright = CCSIG_COPYRIGHT_HOLDER;

    ccsig_buf text = CCSIG_BUF_INIT;
    CHECK(ccsig_declare_write_json(&d, &text, &err) == CCSIG_OK);
    const char *s = ccsig_buf_cstr(&text);
    CHECK(strstr(s, "\"expression\": \"train-ai=n;exceptions=cc-cr-ec, search=y\"") != NULL);
    CHECK(strstr(s, "\"name\": \"Example \\\"Archive\\\"\"") != NULL);

    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_declaration r;
    CHECK(ccsig_declare_read_json(&a, text.data, text.len, &r, &err) == CCSIG_OK);
    CHECK(r.use == CCSIG_CAT_TRAIN_AI && r.state == CCSIG_STATE_DENY &&
          r.signal == CCSIG_SIGNAL_CR_EC);
    CHECK(r.nmore == 1 && r.more[0].use == CCSIG_CAT_SEARCH &&
          r.more[0].state == CCSIG_STATE_ALLOW);
    CHECK(r.npaths == 1 && !strcmp(r.paths[0], "/archive/"));
    CHECK(r.party_name && !strcmp(r.party_name, "Example \"Archive\""));
    CHECK(r.party_url && !strcmp(r.party_url, "https://archive.example/"));
    CHECK(r.copyright == CCSIG_COPYRIGHT_HOLDER);
    CHECK(r.collection == NULL && r.policy_url == NULL);
    ccsig_buf again = CCSIG_BUF_INIT;
    CHECK(ccsig_declare_write_json(&r, &again, &err) == CCSIG_OK);
    CHECK(again.len == text.len && !memcmp(again.data, text.data, text.len));

    static const char bad[] = "{\"use\": \"train-ai\", \"preference\": \"maybe\"}";
    CHECK(ccsig_declare_read_json(&a, bad, strlen(bad), &r, &err) == CCSIG_ERR_RANGE);
    CHECK(!strcmp(err.message, "declaration: \"preference\" must be \"allow\" or \"deny\""));
    static const char broken[] = "{\"use\":\n";
    CHECK(ccsig_declare_read_json(&a, broken, strlen(broken), &r, &err) == CCSIG_ERR_SYNTAX);
    CHECK(err.line == 2 && err.column == 1);

    printf("declare_json_client: %zu bytes of JSON, read back: %s\n", text.len,
           failures ? "FAILED" : "same declaration, same bytes");
    ccsig_buf_free(&again);
    ccsig_buf_free(&text);
    ccsig_arena_free(&a);
    return failures ? 1 : 0;
}
