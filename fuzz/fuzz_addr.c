/* libFuzzer target: the address guard's parser and classifier
 * (ccsig/fetch.h: ccsig_addr_net_parse, ccsig_addr_in_net,
 * ccsig_addr_classify). Checks what they promise: a parsed network has
 * family 4 or 6 and a prefix that fits it, contains its own address, its
 * class has a name, and an IPv4-mapped IPv6 address is classified as its
 * IPv4 address is and lies in the IPv4 networks that address does. */
#include <stdlib.h>
#include <string.h>

#include "ccsig/fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ccsig_addr_net n;
    if (!ccsig_addr_net_parse((const char *)data, size, &n))
        return 0;
    if (n.addr.family != 4 && n.addr.family != 6)
        abort();
    if (n.prefix > (n.addr.family == 4 ? 32u : 128u))
        abort();
    if (!ccsig_addr_in_net(&n.addr, &n))
        abort();
    ccsig_addr_class c = ccsig_addr_classify(&n.addr);
    const char *name = ccsig_addr_class_name(c);
    if (!name || !strcmp(name, "?"))
        abort();
    if (n.addr.family == 4) {
        ccsig_addr m = {.family = 6};
        m.a[10] = m.a[11] = 0xff;
        memcpy(m.a + 12, n.addr.a, 4);
        if (ccsig_addr_classify(&m) != c || !ccsig_addr_in_net(&m, &n))
            abort();
    }
    return 0;
}
