/*
 * scan_model.c — the scan summary and the credit manifest: accumulate,
 * merge, write (JSON, text, CSV, Markdown) and read back (JSON).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/report.h"
#include "scan_model.h"

static char *xstrdup(const char *s) {
    char *d = strdup(s ? s : "");
    if (!d) {
        fputs("ccsig: out of memory\n", stderr);
        exit(3);
    }
    return d;
}

static char *xstrndup(const char *s, size_t n) {
    char *d = strndup(s ? s : "", s ? n : 0);
    if (!d) {
        fputs("ccsig: out of memory\n", stderr);
        exit(3);
    }
    return d;
}

/* -------------------------------------------------------------- profile -- */

json_t *scan_profile_json(const scan_profile *p) {
    return json_pack("{s:s, s:o, s:o, s:o}", "agent", p->agent, "use",
                     (unsigned)p->p.use < CCSIG_CAT_COUNT
                         ? json_string(ccsig_category_name(p->p.use))
                         : json_null(),
                     "commit", ccsig_report_conditions_json(p->p.commitments), "purpose",
                     p->p.purpose ? json_string(ccsig_purpose_name(p->p.purpose)) : json_null());
}

bool scan_profile_from_json(json_t *j, scan_profile *p) {
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
    return true;
}

bool scan_profile_equal(const scan_profile *a, const scan_profile *b) {
    return !strcmp(a->agent, b->agent) && a->p.use == b->p.use &&
           a->p.commitments == b->p.commitments && a->p.purpose == b->p.purpose;
}

/* -------------------------------------------------------------- summary -- */

static const char *const robots_names[SCAN_ROBOTS_COUNT] = {"none", "found", "unavailable",
                                                            "unreachable"};
static const char *const crawl_names[SCAN_CRAWL_COUNT] = {"allowed", "disallowed", "unknown"};
static const ccsig_result result_order[SCAN_RESULT_COUNT] = {
    CCSIG_RESULT_PERMITTED, CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS, CCSIG_RESULT_NOT_PERMITTED,
    CCSIG_RESULT_UNKNOWN};

void scan_summary_init(scan_summary *s) {
    memset(s, 0, sizeof *s);
}

void scan_summary_free(scan_summary *s) {
    for (size_t i = 0; i < s->nerrors; i++) {
        free(s->errors[i].archive);
        free(s->errors[i].what);
    }
    free(s->errors);
    memset(s, 0, sizeof *s);
}

static int error_cmp(const void *a, const void *b) {
    const scan_error *x = a, *y = b;
    int c = strcmp(x->archive, y->archive);
    if (c)
        return c;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return strcmp(x->what, y->what);
}

static void prune_errors(scan_summary *s) {
    if (s->nerrors > 1)
        qsort(s->errors, s->nerrors, sizeof *s->errors, error_cmp);
    while (s->nerrors > SCAN_MAX_ERRORS) {
        s->nerrors--;
        free(s->errors[s->nerrors].archive);
        free(s->errors[s->nerrors].what);
    }
}

static void push_error(scan_summary *s, char *archive, uint64_t offset, char *what) {
    if (s->nerrors == s->caperrors) {
        size_t nc = s->caperrors ? s->caperrors * 2 : 16;
        scan_error *ne = realloc(s->errors, nc * sizeof *ne);
        if (!ne) {
            fputs("ccsig: out of memory\n", stderr);
            exit(3);
        }
        s->errors = ne;
        s->caperrors = nc;
    }
    s->errors[s->nerrors++] = (scan_error){archive, offset, what};
    if (s->nerrors >= 2 * SCAN_MAX_ERRORS)
        prune_errors(s);
}

void scan_summary_error(scan_summary *s, const char *archive, uint64_t offset, const char *what) {
    s->errors_total++;
    push_error(s, xstrdup(archive), offset, xstrdup(what));
}

void scan_summary_merge(scan_summary *d, const scan_summary *s) {
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
    for (int i = 0; i < SCAN_ROBOTS_COUNT; i++)
        d->robots[i] += s->robots[i];
    for (int i = 0; i < SCAN_CRAWL_COUNT; i++)
        d->crawl[i] += s->crawl[i];
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        for (int k = 0; k < 3; k++)
            d->cats[c][k] += s->cats[c][k];
    for (int i = 0; i < CCSIG_SIGNAL_COUNT; i++)
        d->signals[i] += s->signals[i];
    for (int i = 0; i < SCAN_RESULT_COUNT; i++)
        d->results[i] += s->results[i];
    for (int i = 0; i < SCAN_STATUS_MAX; i++)
        d->status[i] += s->status[i];
    d->status_none += s->status_none;
    d->used_records += s->used_records;
    d->used_bytes += s->used_bytes;
    d->kept_records += s->kept_records;
    d->kept_bytes += s->kept_bytes;
    d->content_usage_invalid += s->content_usage_invalid;
    d->errors_total += s->errors_total;
    for (size_t i = 0; i < s->nerrors; i++)
        push_error(d, xstrdup(s->errors[i].archive), s->errors[i].offset,
                   xstrdup(s->errors[i].what));
}

static json_t *u64(uint64_t v) {
    return json_integer((json_int_t)v);
}

json_t *scan_summary_json(scan_summary *s, const scan_profile *prof) {
    prune_errors(s);
    json_t *types = json_object();
    for (int t = 0; t < CCSIG_WARC_TYPE_COUNT; t++)
        json_object_set_new(types, ccsig_warc_type_name((ccsig_warc_type)t), u64(s->types[t]));
    json_t *robots = json_object();
    for (int i = 0; i < SCAN_ROBOTS_COUNT; i++)
        json_object_set_new(robots, robots_names[i], u64(s->robots[i]));
    json_t *crawl = json_object();
    for (int i = 0; i < SCAN_CRAWL_COUNT; i++)
        json_object_set_new(crawl, crawl_names[i], u64(s->crawl[i]));
    json_t *cats = json_object();
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        json_object_set_new(cats, ccsig_category_name((ccsig_category)c),
                            json_pack("{s:o, s:o, s:o}", "allow",
                                      u64(s->cats[c][CCSIG_STATE_ALLOW]), "deny",
                                      u64(s->cats[c][CCSIG_STATE_DENY]), "unknown",
                                      u64(s->cats[c][CCSIG_STATE_UNKNOWN])));
    json_t *signals = json_object();
    for (int i = 1; i < CCSIG_SIGNAL_COUNT; i++)
        json_object_set_new(signals, ccsig_signal_token((ccsig_signal)i), u64(s->signals[i]));
    json_t *decisions = json_null();
    if ((unsigned)prof->p.use < CCSIG_CAT_COUNT) {
        decisions = json_object();
        for (int i = 0; i < SCAN_RESULT_COUNT; i++)
            json_object_set_new(decisions, ccsig_result_name(result_order[i]),
                                u64(s->results[result_order[i]]));
    }
    json_t *status = json_object();
    for (int i = 0; i < SCAN_STATUS_MAX; i++)
        if (s->status[i]) {
            char k[8];
            snprintf(k, sizeof k, "%d", i);
            json_object_set_new(status, k, u64(s->status[i]));
        }
    if (s->status_none)
        json_object_set_new(status, "none", u64(s->status_none));
    json_t *list = json_array();
    for (size_t i = 0; i < s->nerrors; i++)
        json_array_append_new(list, json_pack("{s:s, s:o, s:s}", "archive", s->errors[i].archive,
                                              "offset", u64(s->errors[i].offset), "what",
                                              s->errors[i].what));
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("ccsig-scan-summary"));
    json_object_set_new(o, "version", json_integer(1));
    json_object_set_new(o, "profile", scan_profile_json(prof));
    json_object_set_new(o, "archives",
                        json_pack("{s:o, s:o}", "read", u64(s->archives), "unreadable",
                                  u64(s->archives_unreadable)));
    json_object_set_new(o, "bytes",
                        json_pack("{s:o, s:o, s:o}", "archive", u64(s->bytes_archive),
                                  "decompressed", u64(s->bytes_decompressed), "payload",
                                  u64(s->bytes_payload)));
    json_t *records = json_pack("{s:o}", "total", u64(s->records));
    json_object_update(records, types);
    json_decref(types);
    json_object_set_new(o, "records", records);
    json_object_set_new(o, "scanned", u64(s->scanned));
    json_object_set_new(o, "skipped", u64(s->skipped));
    json_object_set_new(o, "revisits",
                        json_pack("{s:o, s:o}", "resolved", u64(s->revisits_resolved), "unresolved",
                                  u64(s->revisits_unresolved)));
    json_object_set_new(o, "robots", robots);
    json_object_set_new(o, "crawl", crawl);
    json_object_set_new(o, "categories", cats);
    json_object_set_new(o, "signals", signals);
    json_object_set_new(o, "decisions", decisions);
    json_object_set_new(o, "status", status);
    json_object_set_new(
        o, "used",
        json_pack("{s:o, s:o}", "records", u64(s->used_records), "bytes", u64(s->used_bytes)));
    json_object_set_new(
        o, "kept",
        json_pack("{s:o, s:o}", "records", u64(s->kept_records), "bytes", u64(s->kept_bytes)));
    json_object_set_new(o, "content_usage_invalid", u64(s->content_usage_invalid));
    json_object_set_new(o, "errors",
                        json_pack("{s:o, s:o}", "total", u64(s->errors_total), "list", list));
    return o;
}

static bool get_u64(json_t *o, const char *key, uint64_t *out) {
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return false;
    *out = (uint64_t)json_integer_value(v);
    return true;
}

bool scan_summary_from_json(json_t *j, scan_summary *s, scan_profile *prof, char *msg, size_t n) {
    scan_summary_init(s);
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
    ok &= get_u64(o, "read", &s->archives) && get_u64(o, "unreadable", &s->archives_unreadable);
    o = json_object_get(j, "bytes");
    ok &= get_u64(o, "archive", &s->bytes_archive) &&
          get_u64(o, "decompressed", &s->bytes_decompressed) &&
          get_u64(o, "payload", &s->bytes_payload);
    o = json_object_get(j, "records");
    ok &= get_u64(o, "total", &s->records);
    for (int t = 0; t < CCSIG_WARC_TYPE_COUNT; t++)
        ok &= get_u64(o, ccsig_warc_type_name((ccsig_warc_type)t), &s->types[t]);
    ok &= get_u64(j, "scanned", &s->scanned) && get_u64(j, "skipped", &s->skipped);
    o = json_object_get(j, "revisits");
    ok &= get_u64(o, "resolved", &s->revisits_resolved) &&
          get_u64(o, "unresolved", &s->revisits_unresolved);
    o = json_object_get(j, "robots");
    for (int i = 0; i < SCAN_ROBOTS_COUNT; i++)
        ok &= get_u64(o, robots_names[i], &s->robots[i]);
    o = json_object_get(j, "crawl");
    for (int i = 0; i < SCAN_CRAWL_COUNT; i++)
        ok &= get_u64(o, crawl_names[i], &s->crawl[i]);
    o = json_object_get(j, "categories");
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        json_t *e = json_object_get(o, ccsig_category_name((ccsig_category)c));
        ok &= get_u64(e, "allow", &s->cats[c][CCSIG_STATE_ALLOW]) &&
              get_u64(e, "deny", &s->cats[c][CCSIG_STATE_DENY]) &&
              get_u64(e, "unknown", &s->cats[c][CCSIG_STATE_UNKNOWN]);
    }
    o = json_object_get(j, "signals");
    for (int i = 1; i < CCSIG_SIGNAL_COUNT; i++)
        ok &= get_u64(o, ccsig_signal_token((ccsig_signal)i), &s->signals[i]);
    o = json_object_get(j, "decisions");
    if (json_is_object(o))
        for (int i = 0; i < SCAN_RESULT_COUNT; i++)
            ok &= get_u64(o, ccsig_result_name(result_order[i]), &s->results[result_order[i]]);
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
        if (*end || code < 0 || code >= SCAN_STATUS_MAX)
            ok = false;
        else
            s->status[code] = (uint64_t)json_integer_value(v);
    }
    o = json_object_get(j, "used");
    ok &= get_u64(o, "records", &s->used_records) && get_u64(o, "bytes", &s->used_bytes);
    o = json_object_get(j, "kept");
    ok &= get_u64(o, "records", &s->kept_records) && get_u64(o, "bytes", &s->kept_bytes);
    ok &= get_u64(j, "content_usage_invalid", &s->content_usage_invalid);
    o = json_object_get(j, "errors");
    ok &= get_u64(o, "total", &s->errors_total);
    size_t i;
    json_array_foreach(json_object_get(o, "list"), i, v) {
        const char *a = json_string_value(json_object_get(v, "archive"));
        const char *w = json_string_value(json_object_get(v, "what"));
        uint64_t off;
        if (!a || !w || !get_u64(v, "offset", &off)) {
            ok = false;
            continue;
        }
        push_error(s, xstrdup(a), off, xstrdup(w));
    }
    if (!ok)
        snprintf(msg, n, "a field of the summary is missing or not a count");
    return ok;
}

static void human_bytes(char *buf, size_t n, uint64_t b) {
    if (b < 1000)
        snprintf(buf, n, "%" PRIu64 " bytes", b);
    else if (b < 1000000)
        snprintf(buf, n, "%.1f kB", (double)b / 1e3);
    else if (b < 1000000000)
        snprintf(buf, n, "%.1f MB", (double)b / 1e6);
    else
        snprintf(buf, n, "%.2f GB", (double)b / 1e9);
}

void scan_summary_text(FILE *f, scan_summary *s, const scan_profile *prof) {
    prune_errors(s);
    char b1[32], b2[32], b3[32];
    human_bytes(b1, sizeof b1, s->bytes_archive);
    human_bytes(b2, sizeof b2, s->bytes_decompressed);
    human_bytes(b3, sizeof b3, s->bytes_payload);
    fprintf(f, "Archives: %" PRIu64 " read", s->archives);
    if (s->archives_unreadable)
        fprintf(f, ", %" PRIu64 " unreadable", s->archives_unreadable);
    fprintf(f, " (%s; %s decompressed; %s of payload)\n", b1, b2, b3);
    fprintf(f, "Records: %" PRIu64, s->records);
    for (int t = 1; t <= CCSIG_WARC_TYPE_COUNT; t++) {
        int ty = t % CCSIG_WARC_TYPE_COUNT; /* "other" last */
        if (s->types[ty])
            fprintf(f, ", %" PRIu64 " %s", s->types[ty], ccsig_warc_type_name((ccsig_warc_type)ty));
    }
    fputc('\n', f);
    fprintf(f, "Scanned: %" PRIu64 " responses and revisits", s->scanned);
    if (s->types[CCSIG_WARC_REVISIT])
        fprintf(f, " (revisits: %" PRIu64 " resolved, %" PRIu64 " not in this run)",
                s->revisits_resolved, s->revisits_unresolved);
    fputc('\n', f);
    fprintf(f,
            "robots.txt: %" PRIu64 " found, %" PRIu64 " unavailable (4xx), %" PRIu64
            " unreachable (5xx), %" PRIu64 " none known (only the page's statements count)\n",
            s->robots[1], s->robots[2], s->robots[3], s->robots[0]);
    fprintf(
        f, "Crawl for agent %s: %" PRIu64 " allowed, %" PRIu64 " disallowed, %" PRIu64 " unknown\n",
        prof->agent, s->crawl[0], s->crawl[1], s->crawl[2]);
    fprintf(f, "Categories (allow / deny / unknown):\n");
    for (int c = 0; c < CCSIG_CAT_COUNT; c++)
        fprintf(f, "  %-22s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n",
                ccsig_category_name((ccsig_category)c), s->cats[c][CCSIG_STATE_ALLOW],
                s->cats[c][CCSIG_STATE_DENY], s->cats[c][CCSIG_STATE_UNKNOWN]);
    fprintf(f, "CC signals:");
    for (int i = 1; i < CCSIG_SIGNAL_COUNT; i++)
        fprintf(f, " %s %" PRIu64 "%s", ccsig_signal_token((ccsig_signal)i), s->signals[i],
                i + 1 < CCSIG_SIGNAL_COUNT ? "," : "");
    fputc('\n', f);
    if (s->content_usage_invalid)
        fprintf(f, "Invalid Content-Usage headers: %" PRIu64 " (every category unknown for them)\n",
                s->content_usage_invalid);
    if ((unsigned)prof->p.use < CCSIG_CAT_COUNT) {
        fprintf(f, "Decisions for %s:", ccsig_category_title(prof->p.use));
        for (int i = 0; i < SCAN_RESULT_COUNT; i++)
            fprintf(f, " %s %" PRIu64 "%s", ccsig_result_name(result_order[i]),
                    s->results[result_order[i]], i + 1 < SCAN_RESULT_COUNT ? "," : "");
        fputc('\n', f);
        human_bytes(b1, sizeof b1, s->used_bytes);
        fprintf(f, "Used: %" PRIu64 " records (%s of payload)", s->used_records, b1);
        if (s->kept_records) {
            human_bytes(b2, sizeof b2, s->kept_bytes);
            fprintf(f, "; kept: %" PRIu64 " records (%s written)", s->kept_records, b2);
        }
        fputc('\n', f);
    }
    fprintf(f, "HTTP status:");
    int shown = 0;
    for (int i = 0; i < SCAN_STATUS_MAX; i++)
        if (s->status[i])
            fprintf(f, "%s %d: %" PRIu64, shown++ ? "," : "", i, s->status[i]);
    if (s->status_none)
        fprintf(f, "%s none: %" PRIu64, shown++ ? "," : "", s->status_none);
    if (!shown)
        fprintf(f, " none");
    fputc('\n', f);
    fprintf(f, "Errors: %" PRIu64 " (%" PRIu64 " records skipped)\n", s->errors_total, s->skipped);
    for (size_t i = 0; i < s->nerrors; i++)
        fprintf(f, "  %s: offset %" PRIu64 ": %s\n", s->errors[i].archive, s->errors[i].offset,
                s->errors[i].what);
    if (s->errors_total > s->nerrors)
        fprintf(f, "  (%" PRIu64 " more not listed)\n", s->errors_total - s->nerrors);
}

/* --------------------------------------------------------------- credit -- */

static uint64_t hash_str(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h;
}

void credit_map_init(credit_map *m) {
    memset(m, 0, sizeof *m);
}

static void party_free(credit_party *p) {
    free(p->party);
    for (size_t i = 0; i < p->nexamples; i++)
        free(p->examples[i]);
    for (size_t i = 0; i < p->nsources; i++)
        free(p->sources[i]);
    free(p);
}

void credit_map_free(credit_map *m) {
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i])
            party_free(m->slots[i]);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static credit_party **find_slot(credit_map *m, const char *key, size_t n) {
    size_t i = (size_t)hash_str(key, n) & (m->cap - 1);
    while (m->slots[i]) {
        if (strlen(m->slots[i]->party) == n && !memcmp(m->slots[i]->party, key, n))
            return &m->slots[i];
        i = (i + 1) & (m->cap - 1);
    }
    return &m->slots[i];
}

static void grow(credit_map *m) {
    size_t nc = m->cap ? m->cap * 2 : 64;
    credit_party **old = m->slots;
    size_t oc = m->cap;
    m->slots = calloc(nc, sizeof *m->slots);
    if (!m->slots) {
        fputs("ccsig: out of memory\n", stderr);
        exit(3);
    }
    m->cap = nc;
    for (size_t i = 0; i < oc; i++)
        if (old[i])
            *find_slot(m, old[i]->party, strlen(old[i]->party)) = old[i];
    free(old);
}

/* Insert s into a sorted list of at most k distinct strings, keeping the
 * smallest. */
static void keep_smallest(char **list, size_t *n, size_t k, const char *s, size_t len) {
    size_t pos = 0;
    while (pos < *n) {
        int c = strncmp(list[pos], s, len);
        if (c == 0 && list[pos][len] == '\0')
            return;
        if (c > 0 || (c == 0 && list[pos][len] != '\0'))
            break;
        pos++;
    }
    if (pos >= k)
        return;
    if (*n == k) {
        free(list[k - 1]);
        (*n)--;
    }
    memmove(list + pos + 1, list + pos, (*n - pos) * sizeof *list);
    list[pos] = xstrndup(s, len);
    (*n)++;
}

static credit_party *party_get(credit_map *m, const char *key, size_t n, uint64_t records,
                               uint64_t bytes) {
    if (m->n + 1 > m->cap / 2)
        grow(m);
    credit_party **slot = find_slot(m, key, n);
    if (*slot)
        return *slot;
    if (m->n >= SCAN_MAX_PARTIES) {
        m->omitted_parties++;
        m->omitted_records += records;
        m->omitted_bytes += bytes;
        return NULL;
    }
    credit_party *p = calloc(1, sizeof *p);
    if (!p) {
        fputs("ccsig: out of memory\n", stderr);
        exit(3);
    }
    p->party = xstrndup(key, n);
    *slot = p;
    m->n++;
    return p;
}

static void set_dates(credit_party *p, const char *date, size_t n) {
    if (!n)
        return;
    if (n >= sizeof p->first_date)
        n = sizeof p->first_date - 1;
    if (!p->first_date[0] || strncmp(date, p->first_date, n) < 0 ||
        (strncmp(date, p->first_date, n) == 0 && p->first_date[n] != '\0')) {
        memcpy(p->first_date, date, n);
        p->first_date[n] = '\0';
    }
    if (!p->last_date[0] || strncmp(date, p->last_date, n) > 0) {
        memcpy(p->last_date, date, n);
        p->last_date[n] = '\0';
    }
}

void credit_add(credit_map *m, const char *party, size_t party_len, unsigned signals,
                unsigned conditions, unsigned kinds, uint64_t bytes, ccsig_str date, ccsig_str url,
                const char *source) {
    credit_party *p = party_get(m, party, party_len, 1, bytes);
    if (!p)
        return;
    p->signals |= signals;
    p->conditions |= conditions;
    p->kinds |= kinds;
    p->records++;
    p->bytes += bytes;
    set_dates(p, date.p, date.len);
    if (url.len)
        keep_smallest(p->examples, &p->nexamples, SCAN_EXAMPLES, url.p, url.len);
    if (source && *source)
        keep_smallest(p->sources, &p->nsources, SCAN_SOURCES, source, strlen(source));
}

static void party_merge(credit_party *d, const credit_party *s) {
    d->signals |= s->signals;
    d->conditions |= s->conditions;
    d->kinds |= s->kinds;
    d->records += s->records;
    d->bytes += s->bytes;
    set_dates(d, s->first_date, strlen(s->first_date));
    set_dates(d, s->last_date, strlen(s->last_date));
    for (size_t i = 0; i < s->nexamples; i++)
        keep_smallest(d->examples, &d->nexamples, SCAN_EXAMPLES, s->examples[i],
                      strlen(s->examples[i]));
    for (size_t i = 0; i < s->nsources; i++)
        keep_smallest(d->sources, &d->nsources, SCAN_SOURCES, s->sources[i], strlen(s->sources[i]));
}

void credit_merge(credit_map *dst, const credit_map *src) {
    for (size_t i = 0; i < src->cap; i++) {
        const credit_party *s = src->slots[i];
        if (!s)
            continue;
        credit_party *d = party_get(dst, s->party, strlen(s->party), s->records, s->bytes);
        if (d)
            party_merge(d, s);
    }
    dst->omitted_parties += src->omitted_parties;
    dst->omitted_records += src->omitted_records;
    dst->omitted_bytes += src->omitted_bytes;
}

bool credit_format_for(const char *path, credit_format *f) {
    size_t n = strlen(path);
    if (n >= 5 && !strcmp(path + n - 5, ".json"))
        *f = CREDIT_JSON;
    else if (n >= 4 && !strcmp(path + n - 4, ".csv"))
        *f = CREDIT_CSV;
    else if (n >= 3 && !strcmp(path + n - 3, ".md"))
        *f = CREDIT_MD;
    else
        return false;
    return true;
}

bool credit_format_parse(const char *name, credit_format *f) {
    if (!strcmp(name, "json"))
        *f = CREDIT_JSON;
    else if (!strcmp(name, "csv"))
        *f = CREDIT_CSV;
    else if (!strcmp(name, "md"))
        *f = CREDIT_MD;
    else
        return false;
    return true;
}

static int party_cmp(const void *a, const void *b) {
    return strcmp((*(credit_party *const *)a)->party, (*(credit_party *const *)b)->party);
}

static credit_party **sorted_parties(const credit_map *m) {
    credit_party **v = malloc((m->n ? m->n : 1) * sizeof *v);
    if (!v) {
        fputs("ccsig: out of memory\n", stderr);
        exit(3);
    }
    size_t k = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i])
            v[k++] = m->slots[i];
    qsort(v, k, sizeof *v, party_cmp);
    return v;
}

static void signals_list(ccsig_buf *b, unsigned signals, const char *sep, bool titles) {
    int n = 0;
    for (int s = 1; s < CCSIG_SIGNAL_COUNT; s++)
        if (signals & (1u << s)) {
            if (n++)
                ccsig_buf_puts(b, sep);
            if (titles)
                ccsig_buf_printf(b, "%s (%s)", ccsig_signal_title((ccsig_signal)s),
                                 ccsig_signal_token((ccsig_signal)s));
            else
                ccsig_buf_puts(b, ccsig_signal_token((ccsig_signal)s));
        }
}

static const char *host_of(const char *party) {
    const char *h = strstr(party, "://");
    return h ? h + 3 : party;
}

void credit_text(ccsig_buf *b, const credit_party *p, const scan_profile *prof) {
    char size[32];
    human_bytes(size, sizeof size, p->bytes);
    ccsig_buf_printf(b, "Contains %" PRIu64 " %s (%s) from %s (%s/)", p->records,
                     p->records == 1 ? "page" : "pages", size, host_of(p->party), p->party);
    if (p->first_date[0]) {
        if (!strncmp(p->first_date, p->last_date, 10))
            ccsig_buf_printf(b, ", crawled %.10s", p->first_date);
        else
            ccsig_buf_printf(b, ", crawled %.10s to %.10s", p->first_date, p->last_date);
    }
    if ((unsigned)prof->p.use < CCSIG_CAT_COUNT)
        ccsig_buf_printf(b, ", used for %s", ccsig_category_title(prof->p.use));
    int ns = __builtin_popcount(p->signals);
    if (ns) {
        ccsig_buf_puts(b, ns > 1 ? " under the CC signals " : " under the CC signal ");
        signals_list(b, p->signals, " and ", true);
    }
    ccsig_buf_puts(b, " that the site declares");
    static const struct {
        ccsig_source_kind kind;
        const char *where;
    } places[] = {{CCSIG_SRC_ROBOTS, "robots.txt"},    {CCSIG_SRC_HEADER, "HTTP headers"},
                  {CCSIG_SRC_HTML, "HTML pages"},      {CCSIG_SRC_TDMREP, "TDMRep policy"},
                  {CCSIG_SRC_RSL, "RSL licence"},      {CCSIG_SRC_XMP, "XMP metadata"},
                  {CCSIG_SRC_C2PA, "C2PA assertions"}, {CCSIG_SRC_DATASET, "dataset metadata"}};
    size_t nplaces = sizeof places / sizeof places[0], shown = 0, total = 0;
    for (size_t i = 0; i < nplaces; i++)
        total += (p->kinds >> places[i].kind) & 1u;
    for (size_t i = 0; i < nplaces; i++) {
        if (!((p->kinds >> places[i].kind) & 1u))
            continue;
        ccsig_buf_puts(b, shown == 0 ? " in its " : shown + 1 == total ? " and " : ", ");
        ccsig_buf_puts(b, places[i].where);
        shown++;
    }
    ccsig_buf_puts(b, ". Obligations: ");
    ccsig_report_obligations_phrase(b, p->conditions);
    ccsig_buf_putc(b, '.');
}

static json_t *party_json(const credit_party *p, const scan_profile *prof) {
    json_t *signals = json_array();
    for (int s = 1; s < CCSIG_SIGNAL_COUNT; s++)
        if (p->signals & (1u << s))
            json_array_append_new(signals, json_string(ccsig_signal_token((ccsig_signal)s)));
    json_t *kinds = json_array();
    for (int k = 0; k < CCSIG_SRC_COUNT; k++)
        if (p->kinds & (1u << k))
            json_array_append_new(kinds, json_string(ccsig_source_kind_name((ccsig_source_kind)k)));
    json_t *ex = json_array(), *src = json_array();
    for (size_t i = 0; i < p->nexamples; i++)
        json_array_append_new(ex, json_string(p->examples[i]));
    for (size_t i = 0; i < p->nsources; i++)
        json_array_append_new(src, json_string(p->sources[i]));
    ccsig_buf t = CCSIG_BUF_INIT;
    credit_text(&t, p, prof);
    char coll[600];
    snprintf(coll, sizeof coll, "%s/", p->party);
    json_t *o =
        json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:s}", "party", p->party,
                  "collection", coll, "signals", signals, "obligations",
                  ccsig_report_conditions_json(p->conditions), "declared_in", kinds, "records",
                  u64(p->records), "bytes", u64(p->bytes), "first_date", p->first_date, "last_date",
                  p->last_date, "examples", ex, "sources", src, "credit_text", ccsig_buf_cstr(&t));
    ccsig_buf_free(&t);
    return o;
}

static void csv_field(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void md_cell(FILE *f, const char *s) {
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

bool credit_write(FILE *f, credit_format fmt, const credit_map *m, const scan_profile *prof) {
    credit_party **v = sorted_parties(m);
    uint64_t records = 0, bytes = 0;
    for (size_t i = 0; i < m->n; i++) {
        records += v[i]->records;
        bytes += v[i]->bytes;
    }
    ccsig_buf b = CCSIG_BUF_INIT;
    if (fmt == CREDIT_JSON) {
        json_t *parties = json_array();
        for (size_t i = 0; i < m->n; i++)
            json_array_append_new(parties, party_json(v[i], prof));
        json_t *o =
            json_pack("{s:s, s:i, s:o, s:{s:o, s:o, s:o}, s:o, s:{s:o, s:o, s:o}}", "type",
                      "ccsig-credit", "version", 1, "profile", scan_profile_json(prof), "totals",
                      "parties", u64(m->n), "records", u64(records), "bytes", u64(bytes), "parties",
                      parties, "omitted", "parties", u64(m->omitted_parties), "records",
                      u64(m->omitted_records), "bytes", u64(m->omitted_bytes));
        json_dumpf(o, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', f);
        json_decref(o);
    } else if (fmt == CREDIT_CSV) {
        fputs("party,collection,signals,obligations,declared_in,records,bytes,first_date,"
              "last_date,credit_text\n",
              f);
        for (size_t i = 0; i < m->n; i++) {
            const credit_party *p = v[i];
            ccsig_buf_clear(&b);
            csv_field(f, p->party);
            fputc(',', f);
            ccsig_buf_printf(&b, "%s/", p->party);
            csv_field(f, ccsig_buf_cstr(&b));
            fputc(',', f);
            ccsig_buf_clear(&b);
            signals_list(&b, p->signals, " ", false);
            csv_field(f, ccsig_buf_cstr(&b));
            fputc(',', f);
            ccsig_buf_clear(&b);
            for (int k = 0; k < CCSIG_COND_COUNT; k++)
                if (p->conditions & (1u << k))
                    ccsig_buf_printf(&b, "%s%s", b.len ? " " : "", ccsig_condition_name(1u << k));
            csv_field(f, ccsig_buf_cstr(&b));
            fputc(',', f);
            ccsig_buf_clear(&b);
            for (int k = 0; k < CCSIG_SRC_COUNT; k++)
                if (p->kinds & (1u << k))
                    ccsig_buf_printf(&b, "%s%s", b.len ? " " : "",
                                     ccsig_source_kind_name((ccsig_source_kind)k));
            csv_field(f, ccsig_buf_cstr(&b));
            fprintf(f, ",%" PRIu64 ",%" PRIu64 ",", p->records, p->bytes);
            csv_field(f, p->first_date);
            fputc(',', f);
            csv_field(f, p->last_date);
            fputc(',', f);
            ccsig_buf_clear(&b);
            credit_text(&b, p, prof);
            csv_field(f, ccsig_buf_cstr(&b));
            fputc('\n', f);
        }
    } else {
        char size[32];
        human_bytes(size, sizeof size, bytes);
        fprintf(f, "# Credit\n\n");
        fprintf(f, "Content used");
        if ((unsigned)prof->p.use < CCSIG_CAT_COUNT)
            fprintf(f, " for %s", ccsig_category_title(prof->p.use));
        fprintf(f, " under CC signals: %zu declaring %s, %" PRIu64 " records, %s.\n\n", m->n,
                m->n == 1 ? "party" : "parties", records, size);
        if (m->n) {
            fprintf(f, "| Declaring party | CC signal | Obligations | Records | Bytes |\n");
            fprintf(f, "| --- | --- | --- | ---: | ---: |\n");
        }
        for (size_t i = 0; i < m->n; i++) {
            const credit_party *p = v[i];
            ccsig_buf_clear(&b);
            signals_list(&b, p->signals, ", ", false);
            fprintf(f, "| [%s](%s/) | %s | ", host_of(p->party), p->party, ccsig_buf_cstr(&b));
            ccsig_buf_clear(&b);
            ccsig_report_obligations_phrase(&b, p->conditions);
            md_cell(f, ccsig_buf_cstr(&b));
            fprintf(f, " | %" PRIu64 " | %" PRIu64 " |\n", p->records, p->bytes);
        }
        if (m->n)
            fprintf(f, "\n## Credit lines\n\n");
        for (size_t i = 0; i < m->n; i++) {
            ccsig_buf_clear(&b);
            credit_text(&b, v[i], prof);
            fputs("- ", f);
            md_cell(f, ccsig_buf_cstr(&b));
            fputc('\n', f);
        }
        if (m->omitted_parties)
            fprintf(f, "\n%" PRIu64 " more parties (%" PRIu64 " records) are not listed.\n",
                    m->omitted_parties, m->omitted_records);
    }
    ccsig_buf_free(&b);
    free(v);
    return !ferror(f);
}

bool credit_from_json(json_t *j, credit_map *m, scan_profile *prof, char *msg, size_t n) {
    const char *type = json_string_value(json_object_get(j, "type"));
    if (!type || strcmp(type, "ccsig-credit") != 0) {
        snprintf(msg, n, "not a ccsig credit manifest (no \"type\":\"ccsig-credit\")");
        return false;
    }
    if (json_integer_value(json_object_get(j, "version")) != 1) {
        snprintf(msg, n, "credit manifest version is not 1");
        return false;
    }
    if (!scan_profile_from_json(json_object_get(j, "profile"), prof)) {
        snprintf(msg, n, "invalid \"profile\"");
        return false;
    }
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(j, "parties"), i, v) {
        const char *party = json_string_value(json_object_get(v, "party"));
        uint64_t records, bytes;
        if (!party || !get_u64(v, "records", &records) || !get_u64(v, "bytes", &bytes)) {
            snprintf(msg, n, "party %zu: \"party\", \"records\" or \"bytes\" missing", i + 1);
            return false;
        }
        credit_party *p = party_get(m, party, strlen(party), records, bytes);
        if (!p)
            continue;
        size_t k;
        json_t *e;
        json_array_foreach(json_object_get(v, "signals"), k, e) {
            const char *s = json_string_value(e);
            ccsig_signal sig;
            if (s && ccsig_signal_from_token(s, strlen(s), &sig))
                p->signals |= 1u << sig;
        }
        json_array_foreach(json_object_get(v, "obligations"), k, e) {
            const char *s = json_string_value(e);
            unsigned mask;
            size_t bad;
            if (s && ccsig_conditions_parse(s, strlen(s), &mask, &bad))
                p->conditions |= mask;
        }
        json_array_foreach(json_object_get(v, "declared_in"), k, e) {
            const char *s = json_string_value(e);
            for (int kind = 0; s && kind < CCSIG_SRC_COUNT; kind++)
                if (!strcmp(s, ccsig_source_kind_name((ccsig_source_kind)kind)))
                    p->kinds |= 1u << kind;
        }
        p->records += records;
        p->bytes += bytes;
        const char *fd = json_string_value(json_object_get(v, "first_date"));
        const char *ld = json_string_value(json_object_get(v, "last_date"));
        if (fd)
            set_dates(p, fd, strlen(fd));
        if (ld)
            set_dates(p, ld, strlen(ld));
        json_array_foreach(json_object_get(v, "examples"), k, e) {
            const char *s = json_string_value(e);
            if (s)
                keep_smallest(p->examples, &p->nexamples, SCAN_EXAMPLES, s, strlen(s));
        }
        json_array_foreach(json_object_get(v, "sources"), k, e) {
            const char *s = json_string_value(e);
            if (s)
                keep_smallest(p->sources, &p->nsources, SCAN_SOURCES, s, strlen(s));
        }
    }
    json_t *om = json_object_get(j, "omitted");
    uint64_t x;
    if (get_u64(om, "parties", &x))
        m->omitted_parties += x;
    if (get_u64(om, "records", &x))
        m->omitted_records += x;
    if (get_u64(om, "bytes", &x))
        m->omitted_bytes += x;
    return true;
}
