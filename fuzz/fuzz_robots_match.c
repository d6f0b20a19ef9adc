/* libFuzzer target: robots.txt matching. The input is a robots.txt, then a
 * NUL byte, then URLs one per line (the last line is also the agent); every
 * URL is asked for several agents and the answers' invariants are checked. */
#include <stdlib.h>

#include "ccsig/robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const ccsig_robots *r, ccsig_robots_agent ag, const char *u, size_t n,
                  ccsig_robots_answer *a) {
    if (ccsig_robots_query(r, ag, u, n, a) != CCSIG_OK)
        abort();
    if (!a->allowed && (a->nst != 0 || a->rule.line == 0))
        abort();
    if (a->path.len == 0 || a->path.p[0] != '/')
        abort();
    if (a->nst > CCSIG_ROBOTS_MAX_STATEMENTS)
        abort();
    ccsig_robots_line line;
    if (ccsig_robots_allowed(r, ag, u, n, &line) != a->allowed || line.line != a->rule.line)
        abort();
    ccsig_verdict v;
    ccsig_combine(a->st, a->nst, &v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data;
    const char *nul = memchr(p, '\0', size);
    size_t rlen = nul ? (size_t)(nul - p) : size;
    ccsig_robots *r = NULL;
    ccsig_error err;
    if (ccsig_robots_compile(p, rlen, NULL, &r, &err) != CCSIG_OK)
        return 0;
    ccsig_robots_answer *a = ccsig_robots_answer_new();
    const char *agents[] = {"*", "ExampleBot", "googlebot", "GPTBot/1.0"};
    const char *u = nul ? nul + 1 : p + size, *end = p + size;
    const char *last = u;
    size_t lastn = 0;
    while (u < end) {
        const char *e = memchr(u, '\n', (size_t)(end - u));
        size_t n = e ? (size_t)(e - u) : (size_t)(end - u);
        for (size_t k = 0; k < 4; k++)
            check(r, ccsig_robots_select(r, agents[k], strlen(agents[k])), u, n, a);
        last = u;
        lastn = n;
        u += n + (e ? 1 : 0);
    }
    /* The last line as an agent, and the robots.txt itself as a URL. */
    ccsig_robots_agent ag = ccsig_robots_select(r, last, lastn);
    check(r, ag, p, rlen < 4096 ? rlen : 4096, a);
    check(r, ag, "/", 1, a);
    ccsig_robots_answer_free(a);
    ccsig_robots_free(r);
    return 0;
}
