/* libFuzzer target: the ccsig serve policy reader (YAML through libyaml,
 * the schema walk, rates, paths, categories) and, for every policy it
 * accepts, every generator and the path matcher. An accepted policy must
 * give expressions that libccsig parses back (policy_finish checks). */
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    policy p;
    char err[1024];
    err[0] = '\0';
    if (policy_load_buffer(&p, "fuzz.yaml", (const char *)data, size, err, sizeof err) != 0) {
        /* Every refusal says where and what. */
        if (strncmp(err, "fuzz.yaml", 9) != 0 && strcmp(err, "out of memory") != 0)
            abort();
        return 0;
    }
    if (p.nrules == 0)
        abort();
    ccsig_buf b = CCSIG_BUF_INIT;
    gen_robots_txt(&p, &b);
    gen_tdmrep_json(&p, &b);
    gen_declaration_html(&p, &b);
    for (int t = 0; t < TIER_COUNT; t++)
        gen_rate_phrase(&b, &p.tiers[t]);
    ccsig_buf_free(&b);
    static const char *const paths[] = {"/", "/a", "/open/x", "/restricted/", ""};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        policy_match(&p, paths[i], strlen(paths[i]));
    for (size_t i = 0; i < p.nrules; i++)
        if (!policy_match(&p, p.rules[i].path, strlen(p.rules[i].path)))
            abort();
    policy_free(&p);
    return 0;
}
