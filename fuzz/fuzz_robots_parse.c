/* libFuzzer target: robots.txt compile (lexer, groups, Content-Usage,
 * Content-Signal, License, Crawl-delay) and lint, with the invariants of both. */
#include <stdlib.h>
#include <string.h>

#include "ccsig/robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data;
    ccsig_robots *r = NULL;
    ccsig_error err;
    if (ccsig_robots_compile(p, size, "fuzz", &r, &err) != CCSIG_OK)
        return 0;
    const ccsig_robots_info *info = ccsig_robots_get_info(r);
    if (info->used > size || info->used > CCSIG_ROBOTS_MAX_SIZE)
        abort();
    size_t n;
    const ccsig_robots_license *l = ccsig_robots_licenses(r, &n);
    for (size_t i = 0; i < n; i++)
        if (l[i].line == 0 || l[i].line > info->lines)
            abort();
    /* Crawl-delay: none (-1) or a finite non-negative number of seconds */
    const char *agents[] = {"*", "AI2Bot", "a"};
    for (size_t i = 0; i < 3; i++) {
        double d =
            ccsig_robots_crawl_delay(r, ccsig_robots_select(r, agents[i], strlen(agents[i])));
        if (!(d == -1 || (d >= 0 && d < 1e300)))
            abort();
    }
    ccsig_robots_free(r);

    ccsig_robots_lint_result res;
    if (ccsig_robots_lint(p, size, &res, &err) != CCSIG_OK)
        return 0;
    for (size_t i = 0; i < res.n; i++) {
        if (res.v[i].line == 0 || res.v[i].column == 0 || !res.v[i].code)
            abort();
        if (i && res.v[i - 1].line > res.v[i].line)
            abort();
    }
    ccsig_robots_lint_free(&res);
    return 0;
}
