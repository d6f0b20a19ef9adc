/* libFuzzer target: merging a declaration into any robots.txt (ccsig declare
 * --into). The first byte picks the declaration (one category, or two);
 * the rest is the file. For the agent `*` the merge runs twice: as is and
 * with CCSIG_DECLARE_MERGE_ALL_GROUPS (rules added to named groups).
 * Invariants: the call never fails but for a refusal (with a reason) or
 * memory; a merge only inserts (every old byte is in the new file, in
 * order, but for a BOM kept first and a final line end added) and stays
 * within the 500 KiB crawlers read; the diff is produced. */
#include <stdlib.h>

#include "ccsig/declare.h"
#include "ccsig/robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static void merge_once(const ccsig_declaration *dp, const char *p, size_t len, unsigned flags);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    unsigned pick = data[0];
    const char *p = (const char *)data + 1;
    size_t len = size - 1;
    ccsig_declaration d;
    ccsig_declaration_init(&d);
    d.use = (ccsig_category)(pick % CCSIG_CAT_COUNT);
    d.state = (pick & 0x08) ? CCSIG_STATE_ALLOW : CCSIG_STATE_DENY;
    d.signal = d.state == CCSIG_STATE_DENY ? (ccsig_signal)((pick >> 4) % CCSIG_SIGNAL_COUNT)
                                           : CCSIG_SIGNAL_NONE;
    if (pick & 0x40) {
        d.paths[0] = "/collection/";
        d.npaths = 1;
    }
    if (pick & 0x80)
        d.agent = "ExampleBot";
    if ((pick & 0x20) && (d.use == CCSIG_CAT_TRAIN_AI || d.use == CCSIG_CAT_AI_USE)) {
        d.more[0] = (ccsig_declare_use){CCSIG_CAT_SEARCH, CCSIG_STATE_ALLOW, CCSIG_SIGNAL_NONE};
        d.nmore = 1;
    }
    for (unsigned flags = 0; flags <= (d.agent ? 0u : 1u); flags++)
        merge_once(&d, p, len, flags);
    return 0;
}

static void merge_once(const ccsig_declaration *dp, const char *p, size_t len, unsigned flags) {
    ccsig_declare_merge *m = malloc(sizeof *m);
    if (!m)
        return;
    ccsig_error err;
    ccsig_status s = ccsig_declare_robots_merge_opts(dp, p, len, flags, m, &err);
    if (s == CCSIG_ERR_RANGE && !m->reason[0])
        abort();
    if (s != CCSIG_OK && s != CCSIG_ERR_RANGE && s != CCSIG_ERR_NOMEM)
        abort();
    if (s == CCSIG_OK && !m->unchanged) {
        if (m->text.len > CCSIG_ROBOTS_MAX_SIZE || m->text.len <= len)
            abort();
        /* Every old byte, in order. */
        size_t j = 0;
        for (size_t i = 0; i < len; i++) {
            while (j < m->text.len && m->text.data[j] != p[i])
                j++;
            if (j == m->text.len)
                abort();
            j++;
        }
        ccsig_buf diff = CCSIG_BUF_INIT;
        ccsig_declare_merge_diff(m, p, len, "a", "b", &diff);
        if (!diff.len)
            abort();
        ccsig_buf_free(&diff);
    }
    ccsig_declare_merge_free(m);
    free(m);
}
