/*
 * credit.c — the credit manifest (ccsig/credit.h): accumulate, merge, write
 * (JSON, CSV, Markdown), and read scan outputs back for merge.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/alloc.h"
#include "ccsig/report.h"
#include "scan_internal.h"

void ccsig_credit_map_init(ccsig_credit_map *m) {
    memset(m, 0, sizeof *m);
    ccsig_hashmap_init(&m->parties, sizeof(ccsig_credit_party *));
}

static void party_free(ccsig_credit_party *p) {
    ccsig_free(p->party);
    for (size_t i = 0; i < p->nexamples; i++)
        ccsig_free(p->examples[i]);
    for (size_t i = 0; i < p->nsources; i++)
        ccsig_free(p->sources[i]);
    ccsig_free(p);
}

void ccsig_credit_map_free(ccsig_credit_map *m) {
    size_t pos = 0;
    void *v;
    while (ccsig_hashmap_next(&m->parties, &pos, NULL, &v))
        party_free(*(ccsig_credit_party **)v);
    ccsig_hashmap_free(&m->parties);
    ccsig_credit_map_init(m);
}

/* Insert s into a sorted list of at most k distinct strings, keeping the
 * smallest. false when out of memory. */
static bool keep_smallest(char **list, size_t *n, size_t k, const char *s, size_t len) {
    size_t pos = 0;
    while (pos < *n) {
        int c = strncmp(list[pos], s, len);
        if (c == 0 && list[pos][len] == '\0')
            return true;
        if (c > 0 || (c == 0 && list[pos][len] != '\0'))
            break;
        pos++;
    }
    if (pos >= k)
        return true;
    char *copy = ccsig_strndup(s, len);
    if (!copy)
        return false;
    if (*n == k) {
        ccsig_free(list[k - 1]);
        (*n)--;
    }
    memmove(list + pos + 1, list + pos, (*n - pos) * sizeof *list);
    list[pos] = copy;
    (*n)++;
    return true;
}

static ccsig_credit_party *party_get(ccsig_credit_map *m, const char *key, size_t n,
                                     uint64_t records, uint64_t bytes) {
    ccsig_credit_party **slot = ccsig_hashmap_get(&m->parties, key, n);
    if (slot)
        return *slot;
    if (ccsig_hashmap_count(&m->parties) >= CCSIG_CREDIT_MAX_PARTIES) {
        m->omitted_parties++;
        m->omitted_records += records;
        m->omitted_bytes += bytes;
        return NULL;
    }
    ccsig_credit_party *p = ccsig_calloc(1, sizeof *p);
    char *name = ccsig_strndup(key, n);
    slot = p && name ? ccsig_hashmap_put(&m->parties, key, n, NULL) : NULL;
    if (!slot) {
        ccsig_free(p);
        ccsig_free(name);
        m->failed = true;
        return NULL;
    }
    p->party = name;
    *slot = p;
    return p;
}

static void set_dates(ccsig_credit_party *p, const char *date, size_t n) {
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

void ccsig_credit_add(ccsig_credit_map *m, const char *party, size_t party_len, unsigned signals,
                      unsigned conditions, unsigned kinds, uint64_t bytes, ccsig_str date,
                      ccsig_str url, const char *source) {
    ccsig_credit_party *p = party_get(m, party, party_len, 1, bytes);
    if (!p)
        return;
    p->signals |= signals;
    p->conditions |= conditions;
    p->kinds |= kinds;
    p->records++;
    p->bytes += bytes;
    set_dates(p, date.p, date.len);
    if (url.len &&
        !keep_smallest(p->examples, &p->nexamples, CCSIG_CREDIT_EXAMPLES, url.p, url.len))
        m->failed = true;
    if (source && *source &&
        !keep_smallest(p->sources, &p->nsources, CCSIG_CREDIT_SOURCES, source, strlen(source)))
        m->failed = true;
}

static bool party_merge(ccsig_credit_party *d, const ccsig_credit_party *s) {
    bool ok = true;
    d->signals |= s->signals;
    d->conditions |= s->conditions;
    d->kinds |= s->kinds;
    d->records += s->records;
    d->bytes += s->bytes;
    set_dates(d, s->first_date, strlen(s->first_date));
    set_dates(d, s->last_date, strlen(s->last_date));
    for (size_t i = 0; i < s->nexamples; i++)
        ok &= keep_smallest(d->examples, &d->nexamples, CCSIG_CREDIT_EXAMPLES, s->examples[i],
                            strlen(s->examples[i]));
    for (size_t i = 0; i < s->nsources; i++)
        ok &= keep_smallest(d->sources, &d->nsources, CCSIG_CREDIT_SOURCES, s->sources[i],
                            strlen(s->sources[i]));
    return ok;
}

void ccsig_credit_merge(ccsig_credit_map *dst, const ccsig_credit_map *src) {
    size_t pos = 0;
    void *v;
    while (ccsig_hashmap_next(&src->parties, &pos, NULL, &v)) {
        const ccsig_credit_party *s = *(ccsig_credit_party **)v;
        ccsig_credit_party *d = party_get(dst, s->party, strlen(s->party), s->records, s->bytes);
        if (d && !party_merge(d, s))
            dst->failed = true;
    }
    dst->omitted_parties += src->omitted_parties;
    dst->omitted_records += src->omitted_records;
    dst->omitted_bytes += src->omitted_bytes;
}

bool ccsig_credit_format_for(const char *path, ccsig_credit_format *f) {
    size_t n = strlen(path);
    if (n >= 5 && !strcmp(path + n - 5, ".json"))
        *f = CCSIG_CREDIT_JSON;
    else if (n >= 4 && !strcmp(path + n - 4, ".csv"))
        *f = CCSIG_CREDIT_CSV;
    else if (n >= 3 && !strcmp(path + n - 3, ".md"))
        *f = CCSIG_CREDIT_MD;
    else
        return false;
    return true;
}

bool ccsig_credit_format_parse(const char *name, ccsig_credit_format *f) {
    if (!strcmp(name, "json"))
        *f = CCSIG_CREDIT_JSON;
    else if (!strcmp(name, "csv"))
        *f = CCSIG_CREDIT_CSV;
    else if (!strcmp(name, "md"))
        *f = CCSIG_CREDIT_MD;
    else
        return false;
    return true;
}

static int party_cmp(const void *a, const void *b) {
    return strcmp((*(ccsig_credit_party *const *)a)->party,
                  (*(ccsig_credit_party *const *)b)->party);
}

static ccsig_credit_party **sorted_parties(const ccsig_credit_map *m) {
    size_t n = ccsig_hashmap_count(&m->parties);
    ccsig_credit_party **v = ccsig_malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0, pos = 0;
    void *p;
    while (ccsig_hashmap_next(&m->parties, &pos, NULL, &p))
        v[k++] = *(ccsig_credit_party **)p;
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

void ccsig_credit_text(ccsig_buf *b, const ccsig_credit_party *p, const ccsig_scan_profile *prof) {
    char size[32];
    scan_human_bytes(size, sizeof size, p->bytes);
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

static json_t *party_json(const ccsig_credit_party *p, const ccsig_scan_profile *prof) {
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
    ccsig_credit_text(&t, p, prof);
    if (ccsig_buf_failed(&t)) { /* the party without its credit text is no answer */
        json_decref(signals);
        json_decref(kinds);
        json_decref(ex);
        json_decref(src);
        ccsig_buf_free(&t);
        return NULL;
    }
    char coll[600];
    snprintf(coll, sizeof coll, "%s/", p->party);
    json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:s}", "party",
                          p->party, "collection", coll, "signals", signals, "obligations",
                          ccsig_report_conditions_json(p->conditions), "declared_in", kinds,
                          "records", scan_u64_json(p->records), "bytes", scan_u64_json(p->bytes),
                          "first_date", p->first_date, "last_date", p->last_date, "examples", ex,
                          "sources", src, "credit_text", ccsig_buf_cstr(&t));
    ccsig_buf_free(&t);
    return o;
}

/* A credit manifest's CSV fields are always quoted. */
static void csv_str(ccsig_buf *f, const char *s) {
    ccsig_buf_csv_field(f, s, strlen(s), true);
}

static void md_cell(ccsig_buf *f, const char *s) {
    for (; *s; s++) {
        if (*s == '|')
            ccsig_buf_puts(f, "\\|");
        else if (*s == '\n')
            ccsig_buf_putc(f, ' ');
        else
            ccsig_buf_putc(f, *s);
    }
}

ccsig_status ccsig_credit_write(ccsig_buf *f, ccsig_credit_format fmt, const ccsig_credit_map *m,
                                const ccsig_scan_profile *prof) {
    size_t np = ccsig_hashmap_count(&m->parties);
    ccsig_credit_party **v = sorted_parties(m);
    if (!v)
        return CCSIG_ERR_NOMEM;
    ccsig_status st = CCSIG_OK;
    uint64_t records = 0, bytes = 0;
    for (size_t i = 0; i < np; i++) {
        records += v[i]->records;
        bytes += v[i]->bytes;
    }
    ccsig_buf t = CCSIG_BUF_INIT;
    if (fmt == CCSIG_CREDIT_JSON) {
        json_t *parties = json_array();
        for (size_t i = 0; i < np; i++) {
            json_t *pj = party_json(v[i], prof);
            if (!pj || json_array_append_new(parties, pj))
                st = CCSIG_ERR_NOMEM;
        }
        json_t *o = json_pack(
            "{s:s, s:i, s:o, s:{s:o, s:o, s:o}, s:o, s:{s:o, s:o, s:o}}", "type", "ccsig-credit",
            "version", 1, "profile", scan_profile_json_new(prof), "totals", "parties",
            scan_u64_json(np), "records", scan_u64_json(records), "bytes", scan_u64_json(bytes),
            "parties", parties, "omitted", "parties", scan_u64_json(m->omitted_parties), "records",
            scan_u64_json(m->omitted_records), "bytes", scan_u64_json(m->omitted_bytes));
        if (!o || scan_doc_write(f, o, m->shard) != CCSIG_OK)
            st = CCSIG_ERR_NOMEM;
        json_decref(o);
    } else if (fmt == CCSIG_CREDIT_CSV) {
        ccsig_buf_puts(f,
                       "party,collection,signals,obligations,declared_in,records,bytes,first_date,"
                       "last_date,credit_text\n");
        for (size_t i = 0; i < np; i++) {
            const ccsig_credit_party *p = v[i];
            ccsig_buf_clear(&t);
            csv_str(f, p->party);
            ccsig_buf_putc(f, ',');
            ccsig_buf_printf(&t, "%s/", p->party);
            csv_str(f, ccsig_buf_cstr(&t));
            ccsig_buf_putc(f, ',');
            ccsig_buf_clear(&t);
            signals_list(&t, p->signals, " ", false);
            csv_str(f, ccsig_buf_cstr(&t));
            ccsig_buf_putc(f, ',');
            ccsig_buf_clear(&t);
            for (int k = 0; k < CCSIG_COND_COUNT; k++)
                if (p->conditions & (1u << k))
                    ccsig_buf_printf(&t, "%s%s", t.len ? " " : "", ccsig_condition_name(1u << k));
            csv_str(f, ccsig_buf_cstr(&t));
            ccsig_buf_putc(f, ',');
            ccsig_buf_clear(&t);
            for (int k = 0; k < CCSIG_SRC_COUNT; k++)
                if (p->kinds & (1u << k))
                    ccsig_buf_printf(&t, "%s%s", t.len ? " " : "",
                                     ccsig_source_kind_name((ccsig_source_kind)k));
            csv_str(f, ccsig_buf_cstr(&t));
            ccsig_buf_printf(f, ",%" PRIu64 ",%" PRIu64 ",", p->records, p->bytes);
            csv_str(f, p->first_date);
            ccsig_buf_putc(f, ',');
            csv_str(f, p->last_date);
            ccsig_buf_putc(f, ',');
            ccsig_buf_clear(&t);
            ccsig_credit_text(&t, p, prof);
            csv_str(f, ccsig_buf_cstr(&t));
            ccsig_buf_putc(f, '\n');
        }
    } else {
        char size[32];
        scan_human_bytes(size, sizeof size, bytes);
        ccsig_buf_printf(f, "# Credit\n\n");
        ccsig_buf_printf(f, "Content used");
        if ((unsigned)prof->p.use < CCSIG_CAT_COUNT)
            ccsig_buf_printf(f, " for %s", ccsig_category_title(prof->p.use));
        ccsig_buf_printf(f, " under CC signals: %zu declaring %s, %" PRIu64 " records, %s.\n\n", np,
                         np == 1 ? "party" : "parties", records, size);
        if (np) {
            ccsig_buf_printf(f,
                             "| Declaring party | CC signal | Obligations | Records | Bytes |\n");
            ccsig_buf_printf(f, "| --- | --- | --- | ---: | ---: |\n");
        }
        for (size_t i = 0; i < np; i++) {
            const ccsig_credit_party *p = v[i];
            ccsig_buf_clear(&t);
            signals_list(&t, p->signals, ", ", false);
            ccsig_buf_printf(f, "| [%s](%s/) | %s | ", host_of(p->party), p->party,
                             ccsig_buf_cstr(&t));
            ccsig_buf_clear(&t);
            ccsig_report_obligations_phrase(&t, p->conditions);
            md_cell(f, ccsig_buf_cstr(&t));
            ccsig_buf_printf(f, " | %" PRIu64 " | %" PRIu64 " |\n", p->records, p->bytes);
        }
        if (np)
            ccsig_buf_printf(f, "\n## Credit lines\n\n");
        for (size_t i = 0; i < np; i++) {
            ccsig_buf_clear(&t);
            ccsig_credit_text(&t, v[i], prof);
            ccsig_buf_puts(f, "- ");
            md_cell(f, ccsig_buf_cstr(&t));
            ccsig_buf_putc(f, '\n');
        }
        if (m->omitted_parties)
            ccsig_buf_printf(f,
                             "\n%" PRIu64 " more parties (%" PRIu64 " records) are not listed.\n",
                             m->omitted_parties, m->omitted_records);
    }
    if (ccsig_buf_failed(f) || ccsig_buf_failed(&t))
        st = CCSIG_ERR_NOMEM;
    ccsig_buf_free(&t);
    ccsig_free(v);
    return st;
}

bool scan_credit_from_json(json_t *j, ccsig_credit_map *m, ccsig_scan_profile *prof, char *msg,
                           size_t n) {
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
        if (!party || !scan_get_u64(v, "records", &records) || !scan_get_u64(v, "bytes", &bytes)) {
            snprintf(msg, n, "party %zu: \"party\", \"records\" or \"bytes\" missing", i + 1);
            return false;
        }
        ccsig_credit_party *p = party_get(m, party, strlen(party), records, bytes);
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
            if (s &&
                !keep_smallest(p->examples, &p->nexamples, CCSIG_CREDIT_EXAMPLES, s, strlen(s)))
                m->failed = true;
        }
        json_array_foreach(json_object_get(v, "sources"), k, e) {
            const char *s = json_string_value(e);
            if (s && !keep_smallest(p->sources, &p->nsources, CCSIG_CREDIT_SOURCES, s, strlen(s)))
                m->failed = true;
        }
    }
    json_t *om = json_object_get(j, "omitted");
    uint64_t x;
    if (scan_get_u64(om, "parties", &x))
        m->omitted_parties += x;
    if (scan_get_u64(om, "records", &x))
        m->omitted_records += x;
    if (scan_get_u64(om, "bytes", &x))
        m->omitted_bytes += x;
    return true;
}

ccsig_status scan_output_from_json(json_t *j, ccsig_summary *sum, ccsig_credit_map *credit,
                                   ccsig_scan_profile *prof, ccsig_scan_output_type *type,
                                   char *msg, size_t n) {
    *type = CCSIG_SCAN_OUTPUT_NONE;
    const char *t = json_string_value(json_object_get(j, "type"));
    ccsig_status st = CCSIG_OK;
    if (t && !strcmp(t, "ccsig-scan-summary")) {
        *type = CCSIG_SCAN_OUTPUT_SUMMARY;
        ccsig_summary s;
        if (!scan_summary_from_json(j, &s, prof, msg, n))
            st = CCSIG_ERR_RANGE;
        else
            ccsig_summary_merge(sum, &s);
        if (s.failed || sum->failed)
            st = st ? st : CCSIG_ERR_NOMEM;
        ccsig_summary_free(&s);
    } else if (t && !strcmp(t, "ccsig-credit")) {
        *type = CCSIG_SCAN_OUTPUT_CREDIT;
        if (!scan_credit_from_json(j, credit, prof, msg, n))
            st = CCSIG_ERR_RANGE;
        else if (credit->failed)
            st = CCSIG_ERR_NOMEM;
    } else {
        st = CCSIG_ERR_UNSUPPORTED;
        snprintf(msg, n,
                 "neither a scan summary nor a credit manifest (\"type\" is not "
                 "\"ccsig-scan-summary\" or \"ccsig-credit\")");
    }
    if (st == CCSIG_ERR_NOMEM)
        snprintf(msg, n, "out of memory");
    return st;
}

ccsig_status ccsig_scan_output_read(const char *p, size_t len, ccsig_summary *sum,
                                    ccsig_credit_map *credit, ccsig_scan_profile *prof,
                                    ccsig_scan_output_type *type, ccsig_error *err) {
    *type = CCSIG_SCAN_OUTPUT_NONE;
    json_t *j = scan_json_load(p, len, err);
    if (!j)
        return err->code;
    char msg[sizeof err->message];
    ccsig_status st = scan_output_from_json(j, sum, credit, prof, type, msg, sizeof msg);
    json_decref(j);
    if (st)
        ccsig_error_set(err, st, 0, "%s", msg);
    return st;
}
