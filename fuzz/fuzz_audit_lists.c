/* libFuzzer target: the readers of ccsig audit — the domain list (CSV), the
 * agent list (robots.json), an audit JSON document (merge) — and one
 * capture classified under both readers. The first byte picks which. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    ccsig_audit *a = ccsig_audit_new(0, 1);
    if (!a)
        return 0;
    ccsig_error err;
    ccsig_buf b = CCSIG_BUF_INIT;
    switch (data[0] % 4) {
    case 0:
        if (ccsig_audit_domains_csv(a, p, n, &err) == CCSIG_OK &&
            ccsig_audit_add_default_agents(a, &err) == CCSIG_OK &&
            ccsig_audit_begin(a, "s", &err) == CCSIG_OK) {
            ccsig_audit_capture(a, "example.org", 200, "User-agent: *\nDisallow: /\n", 26, NULL,
                                &err);
            ccsig_audit_end(a, NULL, &err);
        }
        break;
    case 1:
        ccsig_audit_agents_json(a, p, n, &err);
        break;
    case 2:
        if (ccsig_audit_merge_json(a, p, n, &err) == CCSIG_OK)
            ccsig_audit_write_text(a, 5, &b);
        break;
    default:
        if (ccsig_audit_add_default_agents(a, &err) == CCSIG_OK &&
            ccsig_audit_begin(a, "s", &err) == CCSIG_OK) {
            ccsig_audit_capture(a, "example.org", 200, p, n, NULL, &err);
            ccsig_audit_end(a, NULL, &err);
            ccsig_audit_write_html(a, NULL, &b);
        }
        break;
    }
    ccsig_buf_free(&b);
    ccsig_audit_free(a);
    return 0;
}
