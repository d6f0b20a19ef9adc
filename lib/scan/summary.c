/*
 * summary.c — the scan summary (ccsig/summary.h): accumulate, merge, write
 * (JSON, text) and read back (JSON), and the profile both documents carry.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/alloc.h"
#include "ccsig/report.h"
#include "scan_internal.h"

/* -------------------------------------------------------- status classes -- */

/* Names of the status classes, indexed by bit number. */
static const char *const status_class_names[CCSIG_STATUS_CLASS_COUNT] = {"none", "1xx", "2xx",
                                                                         "3xx",  "4xx", "5xx"};

/* See ccsig/summary.h. */
unsigned ccsig_status_class_of(int status) {
    if (status < 100 || status > 599)
        return CCSIG_STATUS_CLASS_NONE;
    return 1u << (status / 100);
}

/* See ccsig/summary.h. */
ccsig_status ccsig_status_class_parse(const char *p, size_t len, unsigned *mask, ccsig_error *err) {
    unsigned m = 0;
    size_t i = 0;
    for (;;) {
        size_t b = i;
        while (b < len && p[b] == ' ')
            b++;
        size_t e = b;
        while (e < len && p[e] != ',')
            e++;
        size_t next = e;
        while (e > b && p[e - 1] == ' ')
            e--;
        ccsig_str item = ccsig_str_make(p + b, e - b);
        unsigned bit = 0;
        if (CCSIG_STR_IEQ(item, "any"))
            bit = CCSIG_STATUS_CLASS_ANY;
        for (int k = 0; k < CCSIG_STATUS_CLASS_COUNT && !bit; k++)
            if (ccsig_str_ieq(item, status_class_names[k]))
                bit = 1u << k;
        if (!bit)
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, b,
                                   "'%.*s' is not a status class (expected 1xx, 2xx, 3xx, 4xx, "
                                   "5xx, none or any, separated by commas)",
                                   (int)item.len, item.p);
        m |= bit;
        if (next >= len)
            break;
        i = next + 1;
    }
    *mask = m;
    return CCSIG_OK;
}

/* See ccsig/summary.h. */
const char *ccsig_status_class_format(unsigned mask, char *buf, size_t n) {
    assert(buf && n >= 32);
    if (!mask)
        mask = CCSIG_STATUS_CLASS_DEFAULT;
    if ((mask & CCSIG_STATUS_CLASS_ANY) == CCSIG_STATUS_CLASS_ANY) {
        snprintf(buf, n, "any");
        return buf;
    }
    size_t o = 0;
    buf[0] = '\0';
    /* the HTTP classes first, "none" last */
    for (int k = 1; k <= CCSIG_STATUS_CLASS_COUNT; k++) {
        int bit = k % CCSIG_STATUS_CLASS_COUNT;
        if (mask & (1u << bit))
            o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? "," : "", status_class_names[bit]);
    }
    return buf;
}

/* The status set of a profile, 0 read as the default. */
static unsigned profile_status(const ccsig_scan_profile *p) {
    return p->status ? p->status & CCSIG_STATUS_CLASS_ANY : CCSIG_STATUS_CLASS_DEFAULT;
}

/* -------------------------------------------------------------- profile -- */

json_t *scan_profile_json_new(const ccsig_scan_profile *p) {
    char st[64];
    return json_pack("{s:s, s:o, s:o, s:o, s:s}", "agent", p->agent, "use",
                     (unsigned)p->p.use < CCSIG_CAT_COUNT
                         ? json_string(ccsig_category_name(p->p.use))
                         : json_null(),
                     "commit", ccsig_report_conditions_json(p->p.commitments), "purpose",
                     p->p.purpose ? json_string(ccsig_purpose_name(p->p.purpose)) : json_null(),
                     "status", ccsig_status_class_format(p->status, st, sizeof st));
}

bool scan_profile_from_json(json_t *j, ccsig_scan_profile *p) {
    memset(p, 0, sizeof *p);
    p->p.use = CCSIG_CAT_NONE;
    const char *agent = json_string_value(json_object_get(j, "agent"));
    if (!agent)
        return false;
    snprintf(p->agent, sizeof p->agent, "%s", agent);
    json_t *use = json_object_get(j, "use");
    if (json_is_string(use)) {
        const char *u = json_string_value(use);
        if (!ccsig_category_parse(u, strlen(u), &p->p.use))
            return false;
    }
    json_t *commit = json_object_get(j, "commit");
    size_t i;
    json_t *v;
    json_array_foreach(commit, i, v) {
        const char *c = json_string_value(v);
        unsigned mask = 0;
        size_t bad;
        if (!c || !ccsig_conditions_parse(c, strlen(c), &mask, &bad))
            return false;
        p->p.commitments |= mask;
    }
    json_t *purpose = json_object_get(j, "purpose");
    if (json_is_string(purpose)) {
        const char *s = json_string_value(purpose);
        if (!ccsig_purpose_parse(s, strlen(s), &p->p.purpose))
            return false;
    }
    /* absent in documents written before --status: the default (2xx) */
    json_t *status = json_object_get(j, "status");
    if (status) {
        const char *s = json_string_value(status);
        ccsig_error err;
        if (!s || ccsig_status_class_parse(s, strlen(s), &p->status, &err))
            return false;
    }
    return true;
}

bool ccsig_scan_profile_equal(const ccsig_scan_profile *a, const ccsig_scan_profile *b) {
    return !strcmp(a->agent, b->agent) && a->p.use == b->p.use &&
           a->p.commitments == b->p.commitments && a->p.purpose == b->p.purpose &&
           profile_status(a) == profile_status(b);
}

/* -------------------------------------------------------------- summary -- */

static const char *const robots_names[CCSIG_SUMMARY_ROBOTS_COUNT] = {"none", "found", "unavailable",
                                                                     "unreachable"};
static const char *const crawl_names[CCSIG_SUMMARY_CRAWL_COUNT] = {"allowed", "disallowed",
                                                                   "unknown"};
static const ccsig_result result_order[CCSIG_SUMMARY_RESULT_COUNT] = {
    CCSIG_RESULT_PERMITTED, CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS, CCSIG_RESULT_NOT_PERMITTED,
    CCSIG_RESULT_UNKNOWN};

void ccsig_summary_init(ccsig_summary *s) {
    memset(s, 0, sizeof *s);
}

/* Free a list of reports (archive and what of each, then the array). */
static void free_reports(ccsig_summary_error *v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        ccsig_free(v[i].archive);
        ccsig_free(v[i].what);
    }
    ccsig_free(v);
}

void ccsig_summary_free(ccsig_summary *s) {
    free_reports(s->errors, s->nerrors);
    free_reports(s->unreadable, s->nunreadable);
    ccsig_free(s->shards_missing);
    memset(s, 0, sizeof *s);
}

static int error_cmp(const void *a, const void *b) {
    const ccsig_summary_error *x = a, *y = b;
    int c = strcmp(x->archive, y->archive);
    if (c)
        return c;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return strcmp(x->what, y->what);
}

/* Sort a list of reports and keep its first CCSIG_SUMMARY_MAX_ERRORS. */
static void prune_reports(ccsig_summary_error *v, size_t *n) {
    if (*n > 1)
        qsort(v, *n, sizeof *v, error_cmp);
    while (*n > CCSIG_SUMMARY_MAX_ERRORS) {
        (*n)--;
        ccsig_free(v[*n].archive);
        ccsig_free(v[*n].what);
    }
}

static void prune_errors(ccsig_summary *s) {
    prune_reports(s->errors, &s->nerrors);
    prune_reports(s->unreadable, &s->nunreadable);
}

/* Append a report to the list *v (*n used, *cap allocated), pruning it past
 * 2 x CCSIG_SUMMARY_MAX_ERRORS. Takes archive and what (ccsig_malloc'd);
 * either NULL: out of memory (s->failed set). */
static void push_report(ccsig_summary *s, ccsig_summary_error **v, size_t *n, size_t *cap,
                        char *archive, uint64_t offset, char *what) {
    if (!archive || !what) {
        ccsig_free(archive);
        ccsig_free(what);
        s->failed = true;
        return;
    }
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        ccsig_summary_error *ne = ccsig_realloc(*v, nc * sizeof *ne);
        if (!ne) {
            ccsig_free(archive);
            ccsig_free(what);
            s->failed = true;
            return;
        }
        *v = ne;
        *cap = nc;
    }
    (*v)[(*n)++] = (ccsig_summary_error){archive, offset, what};
    if (*n >= 2 * CCSIG_SUMMARY_MAX_ERRORS)
        prune_reports(*v, n);
}

/* A damage report (takes the strings, as push_report). */
static void push_error(ccsig_summary *s, char *archive, uint64_t offset, char *what) {
    push_report(s, &s->errors, &s->nerrors, &s->caperrors, archive, offset, what);
}

/* An unreadable archive (takes the strings, as push_report). */
static void push_unreadable(ccsig_summary *s, char *archive, char *what) {
    push_report(s, &s->unreadable, &s->nunreadable, &s->capunreadable, archive, 0, what);
}

void ccsig_summary_add_unreadable(ccsig_summary *s, const char *archive, const char *what) {
    push_unreadable(s, ccsig_strdup(archive), ccsig_strdup(what));
}

void ccsig_summary_add_error(ccsig_summary *s, const char *archive, uint64_t offset,
                             const char *what) {
    s->errors_total++;
    push_error(s, ccsig_strdup(archive), offset, ccsig_strdup(what));
}

void ccsig_summary_merge(ccsig_summary *d, const ccsig_summary *s) {
    d->archives += s->archives;
    d->archives_unreadable += s->archives_unreadable;
    d->bytes_archive += s->bytes_archive;
    d->bytes_decompressed += s->bytes_decompressed;
    d->bytes_payload += s->bytes_payload;
    d->records += s->records;
    for (int i = 0; i < CCSIG_WARC_TYPE_COUNT; i++)
        d->types[i] += s->types[i];
    d->scanned += s->scanned;
    d->skipped += s->skipped;
    d->revisits_resolved += s->revisits_resolved;
    d->revisits_unresolved += s->revisits_unresolved;
    for (int i = 0; i < CCSIG_SUMMARY_ROBOTS_COUNT; i++)
        d->robots[i] += s->robots[i];
    for (int i = 0; i < CCSIG_SUMMARY_CRAWL_COUNT; i++)
        d->crawl[i] += s->crawl[i];
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        for (int k = 0; k < 3; k++)
            d->cats[c][k] += s->cats[c][k];
    for (int i = 0; i < CCSIG_SIGNAL_COUNT; i++)
        d->signals[i] += s->signals[i];
    for (int i = 0; i < CCSIG_SUMMARY_RESULT_COUNT; i++)
        d->results[i] += s->results[i];
    for (int i = 0; i < CCSIG_SUMMARY_STATUS_MAX; i++)
        d->status[i] += s->status[i];
    d->status_none += s->status_none;
    d->used_records += s->used_records;
    d->used_bytes += s->used_bytes;
    for (int i = 0; i < CCSIG_STATUS_CLASS_COUNT; i++)
        d->status_excluded[i] += s->status_excluded[i];
    d->revisits_of_used += s->revisits_of_used;
    d->kept_records += s->kept_records;
    d->kept_bytes += s->kept_bytes;
    d->content_usage_invalid += s->content_usage_invalid;
    d->indexed_records += s->indexed_records;
    d->bound_reached += s->bound_reached;
    d->errors_total += s->errors_total;
    for (size_t i = 0; i < s->nerrors; i++)
        push_error(d, ccsig_strdup(s->errors[i].archive), s->errors[i].offset,
                   ccsig_strdup(s->errors[i].what));
    for (size_t i = 0; i < s->nunreadable; i++)
        push_unreadable(d, ccsig_strdup(s->unreadable[i].archive),
                        ccsig_strdup(s->unreadable[i].what));
}

json_t *scan_u64_json(uint64_t v) {
    return json_integer((json_int_t)v);
}

static json_t *summary_json(ccsig_summary *s, const ccsig_scan_profile *prof) {
    prune_errors(s);
    json_t *types = json_object();
    for (int t = 0; t < CCSIG_WARC_TYPE_COUNT; t++)
        json_object_set_new(types, ccsig_warc_type_name((ccsig_warc_type)t),
                            scan_u64_json(s->types[t]));
    json_t *robots = json_object();
    for (int i = 0; i < CCSIG_SUMMARY_ROBOTS_COUNT; i++)
        json_object_set_new(robots, robots_names[i], scan_u64_json(s->robots[i]));
    json_t *crawl = json_object();
    for (int i = 0; i < CCSIG_SUMMARY_CRAWL_COUNT; i++)
        json_object_set_new(crawl, crawl_names[i], scan_u64_json(s->crawl[i]));
    json_t *cats = json_object();
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        json_object_set_new(cats, ccsig_category_name((ccsig_category)c),
                            json_pack("{s:o, s:o, s:o}", "allow",
                                      scan_u64_json(s->cats[c][CCSIG_STATE_ALLOW]), "deny",
                                      scan_u64_json(s->cats[c][CCSIG_STATE_DENY]), "unknown",
                                      scan_u64_json(s->cats[c][CCSIG_STATE_UNKNOWN])));
    json_t *signals = json_object();
    for (int i = 1; i < CCSIG_SIGNAL_COUNT; i++)
        json_object_set_new(signals, ccsig_signal_token((ccsig_signal)i),
                            scan_u64_json(s->signals[i]));
    json_t *decisions = json_null();
    if ((unsigned)prof->p.use < CCSIG_CAT_COUNT) {
        decisions = json_object();
        for (int i = 0; i < CCSIG_SUMMARY_RESULT_COUNT; i++)
            json_object_set_new(decisions, ccsig_result_name(result_order[i]),
                                scan_u64_json(s->results[result_order[i]]));
    }
    json_t *status = json_object();
    for (int i = 0; i < CCSIG_SUMMARY_STATUS_MAX; i++)
        if (s->status[i]) {
            char k[8];
            snprintf(k, sizeof k, "%d", i);
            json_object_set_new(status, k, scan_u64_json(s->status[i]));
        }
    if (s->status_none)
        json_object_set_new(status, "none", scan_u64_json(s->status_none));
    json_t *list = json_array();
    for (size_t i = 0; i < s->nerrors; i++)
        json_array_append_new(list, json_pack("{s:s, s:o, s:s}", "archive", s->errors[i].archive,
                                              "offset", scan_u64_json(s->errors[i].offset), "what",
                                              s->errors[i].what));
    json_t *failed = json_array();
    for (size_t i = 0; i < s->nunreadable; i++)
        json_array_append_new(failed, json_pack("{s:s, s:s}", "archive", s->unreadable[i].archive,
                                                "what", s->unreadable[i].what));
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("ccsig-scan-summary"));
    json_object_set_new(o, "version", json_integer(1));
    json_object_set_new(o, "profile", scan_profile_json_new(prof));
    if (s->nshards_missing) {
        json_t *missing = json_array();
        for (size_t i = 0; i < s->nshards_missing; i++)
            json_array_append_new(missing, scan_u64_json(s->shards_missing[i]));
        json_object_set_new(o, "shards",
                            json_pack("{s:o, s:s, s:o}", "count", scan_u64_json(s->shards_count),
                                      "list", s->shards_list, "missing", missing));
    }
    json_object_set_new(o, "archives",
                        json_pack("{s:o, s:o, s:o}", "read", scan_u64_json(s->archives),
                                  "unreadable", scan_u64_json(s->archives_unreadable), "failed",
                                  failed));
    json_object_set_new(o, "bytes",
                        json_pack("{s:o, s:o, s:o}", "archive", scan_u64_json(s->bytes_archive),
                                  "decompressed", scan_u64_json(s->bytes_decompressed), "payload",
                                  scan_u64_json(s->bytes_payload)));
    json_t *records = json_pack("{s:o}", "total", scan_u64_json(s->records));
    json_object_update(records, types);
    json_decref(types);
    json_object_set_new(o, "records", records);
    json_object_set_new(o, "scanned", scan_u64_json(s->scanned));
    json_object_set_new(o, "skipped", scan_u64_json(s->skipped));
    json_object_set_new(o, "revisits",
                        json_pack("{s:o, s:o}", "resolved", scan_u64_json(s->revisits_resolved),
                                  "unresolved", scan_u64_json(s->revisits_unresolved)));
    json_object_set_new(o, "robots", robots);
    json_object_set_new(o, "crawl", crawl);
    json_object_set_new(o, "categories", cats);
    json_object_set_new(o, "signals", signals);
    json_object_set_new(o, "decisions", decisions);
    json_object_set_new(o, "status", status);
    json_t *excluded = json_object();
    for (int k = 1; k <= CCSIG_STATUS_CLASS_COUNT; k++) {
        int bit = k % CCSIG_STATUS_CLASS_COUNT; /* "none" last */
        json_object_set_new(excluded, status_class_names[bit],
                            scan_u64_json(s->status_excluded[bit]));
    }
    json_object_set_new(o, "used",
                        json_pack("{s:o, s:o, s:o, s:o}", "records", scan_u64_json(s->used_records),
                                  "bytes", scan_u64_json(s->used_bytes), "status_excluded",
                                  excluded, "revisits_of_used",
                                  scan_u64_json(s->revisits_of_used)));
    json_object_set_new(o, "kept",
                        json_pack("{s:o, s:o}", "records", scan_u64_json(s->kept_records), "bytes",
                                  scan_u64_json(s->kept_bytes)));
    json_object_set_new(o, "content_usage_invalid", scan_u64_json(s->content_usage_invalid));
    if (s->indexed_records) /* only for a scan through an index */
        json_object_set_new(o, "indexed",
                            json_pack("{s:o, s:o}", "records", scan_u64_json(s->indexed_records),
                                      "bound_reached", scan_u64_json(s->bound_reached)));
    json_object_set_new(
        o, "errors",
        json_pack("{s:o, s:o}", "total", scan_u64_json(s->errors_total), "list", list));
    return o;
}

bool scan_get_u64(json_t *o, const char *key, uint64_t *out) {
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return false;
    *out = (uint64_t)json_integer_value(v);
    return true;
}

/* The "failed" list of "archives" (absent in summaries of older
 * versions): false when an entry is not {"archive", "what"}. */
static bool unreadable_from_json(ccsig_summary *s, json_t *list) {
    size_t i;
    json_t *v;
    bool ok = true;
    json_array_foreach(list, i, v) {
        const char *a = json_string_value(json_object_get(v, "archive"));
        const char *w = json_string_value(json_object_get(v, "what"));
        if (!a || !w)
            ok = false;
        else
            push_unreadable(s, ccsig_strdup(a), ccsig_strdup(w));
    }
    return ok;
}

bool scan_summary_from_json(json_t *j, ccsig_summary *s, ccsig_scan_profile *prof, char *msg,
                            size_t n) {
    ccsig_summary_init(s);
    const char *type = json_string_value(json_object_get(j, "type"));
    if (!type || strcmp(type, "ccsig-scan-summary") != 0) {
        snprintf(msg, n, "not a ccsig scan summary (no \"type\":\"ccsig-scan-summary\")");
        return false;
    }
    if (json_integer_value(json_object_get(j, "version")) != 1) {
        snprintf(msg, n, "summary version is not 1");
        return false;
    }
    if (!scan_profile_from_json(json_object_get(j, "profile"), prof)) {
        snprintf(msg, n, "invalid \"profile\"");
        return false;
    }
    bool ok = true;
    json_t *o;
    o = json_object_get(j, "archives");
    ok &= scan_get_u64(o, "read", &s->archives) &&
          scan_get_u64(o, "unreadable", &s->archives_unreadable);
    ok &= unreadable_from_json(s, json_object_get(o, "failed"));
    o = json_object_get(j, "bytes");
    ok &= scan_get_u64(o, "archive", &s->bytes_archive) &&
          scan_get_u64(o, "decompressed", &s->bytes_decompressed) &&
          scan_get_u64(o, "payload", &s->bytes_payload);
    o = json_object_get(j, "records");
    ok &= scan_get_u64(o, "total", &s->records);
    for (int t = 0; t < CCSIG_WARC_TYPE_COUNT; t++)
        ok &= scan_get_u64(o, ccsig_warc_type_name((ccsig_warc_type)t), &s->types[t]);
    ok &= scan_get_u64(j, "scanned", &s->scanned) && scan_get_u64(j, "skipped", &s->skipped);
    o = json_object_get(j, "revisits");
    ok &= scan_get_u64(o, "resolved", &s->revisits_resolved) &&
          scan_get_u64(o, "unresolved", &s->revisits_unresolved);
    o = json_object_get(j, "robots");
    for (int i = 0; i < CCSIG_SUMMARY_ROBOTS_COUNT; i++)
        ok &= scan_get_u64(o, robots_names[i], &s->robots[i]);
    o = json_object_get(j, "crawl");
    for (int i = 0; i < CCSIG_SUMMARY_CRAWL_COUNT; i++)
        ok &= scan_get_u64(o, crawl_names[i], &s->crawl[i]);
    o = json_object_get(j, "categories");
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        json_t *e = json_object_get(o, ccsig_category_name((ccsig_category)c));
        ok &= scan_get_u64(e, "allow", &s->cats[c][CCSIG_STATE_ALLOW]) &&
              scan_get_u64(e, "deny", &s->cats[c][CCSIG_STATE_DENY]) &&
              scan_get_u64(e, "unknown", &s->cats[c][CCSIG_STATE_UNKNOWN]);
    }
    o = json_object_get(j, "signals");
    for (int i = 1; i < CCSIG_SIGNAL_COUNT; i++)
        ok &= scan_get_u64(o, ccsig_signal_token((ccsig_signal)i), &s->signals[i]);
    o = json_object_get(j, "decisions");
    if (json_is_object(o))
        for (int i = 0; i < CCSIG_SUMMARY_RESULT_COUNT; i++)
            ok &= scan_get_u64(o, ccsig_result_name(result_order[i]), &s->results[result_order[i]]);
    o = json_object_get(j, "status");
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        if (!json_is_integer(v)) {
            ok = false;
            continue;
        }
        if (!strcmp(key, "none")) {
            s->status_none = (uint64_t)json_integer_value(v);
            continue;
        }
        char *end;
        long code = strtol(key, &end, 10);
        if (*end || code < 0 || code >= CCSIG_SUMMARY_STATUS_MAX)
            ok = false;
        else
            s->status[code] = (uint64_t)json_integer_value(v);
    }
    o = json_object_get(j, "used");
    ok &= scan_get_u64(o, "records", &s->used_records) && scan_get_u64(o, "bytes", &s->used_bytes);
    json_t *excl = json_object_get(o, "status_excluded"); /* absent before --status */
    for (int k = 0; excl && k < CCSIG_STATUS_CLASS_COUNT; k++)
        ok &= scan_get_u64(excl, status_class_names[k], &s->status_excluded[k]);
    if (json_object_get(o, "revisits_of_used")) /* absent before it was counted */
        ok &= scan_get_u64(o, "revisits_of_used", &s->revisits_of_used);
    o = json_object_get(j, "kept");
    ok &= scan_get_u64(o, "records", &s->kept_records) && scan_get_u64(o, "bytes", &s->kept_bytes);
    ok &= scan_get_u64(j, "content_usage_invalid", &s->content_usage_invalid);
    o = json_object_get(j, "indexed"); /* optional */
    if (o)
        ok &= scan_get_u64(o, "records", &s->indexed_records) &&
              scan_get_u64(o, "bound_reached", &s->bound_reached);
    o = json_object_get(j, "errors");
    ok &= scan_get_u64(o, "total", &s->errors_total);
    size_t i;
    json_array_foreach(json_object_get(o, "list"), i, v) {
        const char *a = json_string_value(json_object_get(v, "archive"));
        const char *w = json_string_value(json_object_get(v, "what"));
        uint64_t off;
        if (!a || !w || !scan_get_u64(v, "offset", &off)) {
            ok = false;
            continue;
        }
        push_error(s, ccsig_strdup(a), off, ccsig_strdup(w));
    }
    if (!ok)
        snprintf(msg, n, "a field of the summary is missing or not a count");
    return ok;
}

void scan_human_bytes(char *buf, size_t n, uint64_t b) {
    if (b < 1000)
        snprintf(buf, n, "%" PRIu64 " bytes", b);
    else if (b < 1000000)
        snprintf(buf, n, "%.1f kB", (double)b / 1e3);
    else if (b < 1000000000)
        snprintf(buf, n, "%.1f MB", (double)b / 1e6);
    else
        snprintf(buf, n, "%.2f GB", (double)b / 1e9);
}

void ccsig_summary_write_text(ccsig_buf *f, ccsig_summary *s, const ccsig_scan_profile *prof) {
    prune_errors(s);
    char b1[32], b2[32], b3[32];
    scan_human_bytes(b1, sizeof b1, s->bytes_archive);
    scan_human_bytes(b2, sizeof b2, s->bytes_decompressed);
    scan_human_bytes(b3, sizeof b3, s->bytes_payload);
    ccsig_buf_printf(f, "Archives: %" PRIu64 " read", s->archives);
    if (s->archives_unreadable)
        ccsig_buf_printf(f, ", %" PRIu64 " unreadable", s->archives_unreadable);
    ccsig_buf_printf(f, " (%s; %s decompressed; %s of payload)\n", b1, b2, b3);
    for (size_t i = 0; i < s->nunreadable; i++)
        ccsig_buf_printf(f, "  unreadable: %s: %s\n", s->unreadable[i].archive,
                         s->unreadable[i].what);
    if (s->archives_unreadable > s->nunreadable)
        ccsig_buf_printf(f, "  (%" PRIu64 " more unreadable not listed)\n",
                         s->archives_unreadable - s->nunreadable);
    if (s->shard)
        ccsig_buf_printf(f,
                         "Shard: %" PRIu64 "/%" PRIu64 " of list %s (%" PRIu64
                         " archives); revisits whose original may lie in another shard are "
                         "counted by ccsig merge\n",
                         s->shard->index, s->shard->count, s->shard->list, s->shard->list_len);
    if (s->nshards_missing) {
        ccsig_buf_printf(f, "Shards missing (of %" PRIu64 ", list %s):", s->shards_count,
                         s->shards_list);
        for (size_t i = 0; i < s->nshards_missing; i++)
            ccsig_buf_printf(f, "%s %" PRIu64 "/%" PRIu64, i ? "," : "", s->shards_missing[i],
                             s->shards_count);
        ccsig_buf_printf(f, "; these counts leave their archives out\n");
    }
    ccsig_buf_printf(f, "Records: %" PRIu64, s->records);
    for (int t = 1; t <= CCSIG_WARC_TYPE_COUNT; t++) {
        int ty = t % CCSIG_WARC_TYPE_COUNT; /* "other" last */
        if (s->types[ty])
            ccsig_buf_printf(f, ", %" PRIu64 " %s", s->types[ty],
                             ccsig_warc_type_name((ccsig_warc_type)ty));
    }
    ccsig_buf_putc(f, '\n');
    ccsig_buf_printf(f, "Scanned: %" PRIu64 " responses and revisits", s->scanned);
    if (s->types[CCSIG_WARC_REVISIT])
        ccsig_buf_printf(f, " (revisits: %" PRIu64 " resolved, %" PRIu64 " not in this run)",
                         s->revisits_resolved, s->revisits_unresolved);
    ccsig_buf_putc(f, '\n');
    ccsig_buf_printf(f,
                     "robots.txt: %" PRIu64 " found, %" PRIu64 " unavailable (4xx), %" PRIu64
                     " unreachable (5xx), %" PRIu64
                     " none known (only the page's statements count)\n",
                     s->robots[1], s->robots[2], s->robots[3], s->robots[0]);
    ccsig_buf_printf(
        f, "Crawl for agent %s: %" PRIu64 " allowed, %" PRIu64 " disallowed, %" PRIu64 " unknown\n",
        prof->agent, s->crawl[0], s->crawl[1], s->crawl[2]);
    ccsig_buf_printf(f, "Categories (allow / deny / unknown):\n");
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        ccsig_buf_printf(f, "  %-22s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n",
                         ccsig_category_name((ccsig_category)c), s->cats[c][CCSIG_STATE_ALLOW],
                         s->cats[c][CCSIG_STATE_DENY], s->cats[c][CCSIG_STATE_UNKNOWN]);
    ccsig_buf_printf(f, "CC signals:");
    for (int i = 1; i < CCSIG_SIGNAL_COUNT; i++)
        ccsig_buf_printf(f, " %s %" PRIu64 "%s", ccsig_signal_token((ccsig_signal)i), s->signals[i],
                         i + 1 < CCSIG_SIGNAL_COUNT ? "," : "");
    ccsig_buf_putc(f, '\n');
    if (s->content_usage_invalid)
        ccsig_buf_printf(
            f, "Invalid Content-Usage headers: %" PRIu64 " (every category unknown for them)\n",
            s->content_usage_invalid);
    if (s->indexed_records)
        ccsig_buf_printf(f,
                         "Read through an index: %" PRIu64 " records, %" PRIu64
                         " with their needed part past the bound\n",
                         s->indexed_records, s->bound_reached);
    if ((unsigned)prof->p.use < CCSIG_CAT_COUNT) {
        ccsig_buf_printf(f, "Decisions for %s:", ccsig_category_title(prof->p.use));
        for (int i = 0; i < CCSIG_SUMMARY_RESULT_COUNT; i++)
            ccsig_buf_printf(f, " %s %" PRIu64 "%s", ccsig_result_name(result_order[i]),
                             s->results[result_order[i]],
                             i + 1 < CCSIG_SUMMARY_RESULT_COUNT ? "," : "");
        ccsig_buf_putc(f, '\n');
        scan_human_bytes(b1, sizeof b1, s->used_bytes);
        char st[64];
        ccsig_buf_printf(f, "Used (HTTP status %s): %" PRIu64 " records (%s of payload)",
                         ccsig_status_class_format(prof->status, st, sizeof st), s->used_records,
                         b1);
        if (s->kept_records) {
            scan_human_bytes(b2, sizeof b2, s->kept_bytes);
            ccsig_buf_printf(f, "; kept: %" PRIu64 " records (%s written)", s->kept_records, b2);
        }
        ccsig_buf_putc(f, '\n');
        uint64_t nex = 0;
        for (int k = 0; k < CCSIG_STATUS_CLASS_COUNT; k++)
            nex += s->status_excluded[k];
        if (nex) {
            ccsig_buf_printf(f, "Not used for their HTTP status (usable otherwise): %" PRIu64 " (",
                             nex);
            int shown = 0;
            for (int k = 1; k <= CCSIG_STATUS_CLASS_COUNT; k++) {
                int bit = k % CCSIG_STATUS_CLASS_COUNT;
                if (s->status_excluded[bit])
                    ccsig_buf_printf(f, "%s%s %" PRIu64, shown++ ? ", " : "",
                                     status_class_names[bit], s->status_excluded[bit]);
            }
            ccsig_buf_puts(f, ")\n");
        }
        if (s->revisits_of_used)
            ccsig_buf_printf(f,
                             "Not used again: %" PRIu64
                             " revisits of records already used (one capture counts once)\n",
                             s->revisits_of_used);
    }
    ccsig_buf_printf(f, "HTTP status:");
    int shown = 0;
    for (int i = 0; i < CCSIG_SUMMARY_STATUS_MAX; i++)
        if (s->status[i])
            ccsig_buf_printf(f, "%s %d: %" PRIu64, shown++ ? "," : "", i, s->status[i]);
    if (s->status_none)
        ccsig_buf_printf(f, "%s none: %" PRIu64, shown++ ? "," : "", s->status_none);
    if (!shown)
        ccsig_buf_printf(f, " none");
    ccsig_buf_putc(f, '\n');
    ccsig_buf_printf(f, "Errors: %" PRIu64 " (%" PRIu64 " records skipped)\n", s->errors_total,
                     s->skipped);
    for (size_t i = 0; i < s->nerrors; i++)
        ccsig_buf_printf(f, "  %s: offset %" PRIu64 ": %s\n", s->errors[i].archive,
                         s->errors[i].offset, s->errors[i].what);
    if (s->errors_total > s->nerrors)
        ccsig_buf_printf(f, "  (%" PRIu64 " more not listed)\n", s->errors_total - s->nerrors);
}

/* --------------------------------------------------------------- credit -- */

ccsig_status ccsig_summary_write_json(ccsig_buf *b, ccsig_summary *s,
                                      const ccsig_scan_profile *prof) {
    json_t *j = summary_json(s, prof);
    ccsig_status st = j ? scan_doc_write(b, j, s->shard) : CCSIG_ERR_NOMEM;
    json_decref(j);
    return st;
}
