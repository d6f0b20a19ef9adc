/*
 * report.c — plain words and JSON for verdicts and decisions (ccsig/report.h).
 */
#include <jansson.h>

#include <string.h>

#include "ccsig/hashmap.h"
#include "ccsig/report.h"
#include "scan_internal.h"

static const char *obligation_phrase(unsigned bit) {
    switch (bit) {
    case CCSIG_COND_CREDIT:
        return "give credit";
    case CCSIG_COND_DIRECT_CONTRIBUTION:
        return "contribute directly to the declaring party";
    case CCSIG_COND_ECOSYSTEM_CONTRIBUTION:
        return "contribute to the ecosystem";
    case CCSIG_COND_OPEN:
        return "keep the AI system open";
    case CCSIG_COND_PAYMENT:
        return "pay under the licence's payment terms";
    case CCSIG_COND_LICENSE:
        return "obtain a licence from the publisher";
    case CCSIG_COND_POLICY:
        return "follow the publisher's stated policy";
    }
    return "";
}

void ccsig_report_obligations_phrase(ccsig_buf *b, unsigned conditions) {
    unsigned bits[CCSIG_COND_COUNT];
    int n = 0;
    for (int i = 0; i < CCSIG_COND_COUNT; i++)
        if (conditions & (1u << i))
            bits[n++] = 1u << i;
    for (int i = 0; i < n; i++) {
        if (i)
            ccsig_buf_puts(b, i == n - 1 ? " and " : ", ");
        ccsig_buf_puts(b, obligation_phrase(bits[i]));
    }
}

static void signals_phrase(ccsig_buf *b, unsigned signals) {
    int n = 0;
    for (int s = 1; s < CCSIG_SIGNAL_COUNT; s++)
        if (signals & (1u << s)) {
            ccsig_buf_puts(b, n++ ? ", " : "");
            ccsig_buf_puts(b, ccsig_signal_token((ccsig_signal)s));
        }
}

void ccsig_report_state_phrase(ccsig_buf *b, const ccsig_verdict_entry *e) {
    switch (e->state) {
    case CCSIG_STATE_ALLOW:
        ccsig_buf_puts(b, "allowed");
        return;
    case CCSIG_STATE_UNKNOWN:
        ccsig_buf_puts(b, "unknown (no preference stated)");
        return;
    case CCSIG_STATE_DENY:
        break;
    }
    ccsig_buf_puts(b, "not allowed");
    if (!e->conditions)
        return;
    ccsig_buf_puts(b, ", unless you ");
    ccsig_report_obligations_phrase(b, e->conditions);
    if (e->signals) {
        int count = __builtin_popcount(e->signals);
        ccsig_buf_puts(b, count > 1 ? " (CC signals " : " (CC signal ");
        signals_phrase(b, e->signals);
        ccsig_buf_putc(b, ')');
    }
}

json_t *ccsig_report_conditions_json(unsigned conditions) {
    json_t *a = json_array();
    for (int i = 0; i < CCSIG_COND_COUNT; i++)
        if (conditions & (1u << i))
            json_array_append_new(a, json_string(ccsig_condition_name(1u << i)));
    return a;
}

json_t *ccsig_report_signals_json(unsigned signals) {
    json_t *a = json_array();
    for (int s = 1; s < CCSIG_SIGNAL_COUNT; s++)
        if (signals & (1u << s))
            json_array_append_new(a, json_string(ccsig_signal_token((ccsig_signal)s)));
    return a;
}

json_t *ccsig_report_categories_json(const ccsig_verdict *v) {
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_report_write_categories(&b, v);
    json_t *j = json_loadb(b.data, b.len, 0, NULL);
    ccsig_buf_free(&b);
    return j;
}

json_t *ccsig_report_decision_json(const ccsig_decision *d) {
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_report_write_decision(&b, d);
    json_t *j = json_loadb(b.data, b.len, JSON_DECODE_ANY, NULL);
    ccsig_buf_free(&b);
    return j;
}

/* The JSON writers below run for every record a scan annotates: they append
 * literals and names with ccsig_buf_puts and numbers with ccsig_buf_put_u64
 * instead of formatting with printf (vsnprintf took 6 % of the
 * instructions of a scan of small records). The names come from the vocabulary's tables and need
 * no escaping. */

/* Append "name" (quoted, no escaping: a table name). */
static void put_name(ccsig_buf *b, const char *name) {
    ccsig_buf_putc(b, '"');
    ccsig_buf_puts(b, name);
    ccsig_buf_putc(b, '"');
}

void ccsig_report_write_conditions(ccsig_buf *b, unsigned conditions) {
    ccsig_buf_putc(b, '[');
    int n = 0;
    for (int i = 0; i < CCSIG_COND_COUNT; i++)
        if (conditions & (1u << i)) {
            if (n++)
                ccsig_buf_putc(b, ',');
            put_name(b, ccsig_condition_name(1u << i));
        }
    ccsig_buf_putc(b, ']');
}

void ccsig_report_write_categories(ccsig_buf *b, const ccsig_verdict *v) {
    ccsig_buf_putc(b, '{');
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        const ccsig_verdict_entry *e = &v->cat[c];
        if (c)
            ccsig_buf_putc(b, ',');
        put_name(b, ccsig_category_name((ccsig_category)c));
        ccsig_buf_puts(b, ":{\"state\":");
        put_name(b, ccsig_state_name(e->state));
        ccsig_buf_puts(b, ",\"exceptions\":[");
        int n = 0;
        for (int s = 1; s < CCSIG_SIGNAL_COUNT; s++)
            if (e->signals & (1u << s)) {
                if (n++)
                    ccsig_buf_putc(b, ',');
                put_name(b, ccsig_signal_token((ccsig_signal)s));
            }
        ccsig_buf_puts(b, "],\"conditions\":");
        ccsig_report_write_conditions(b, e->conditions);
        ccsig_buf_puts(b, ",\"via\":");
        put_name(b, ccsig_category_name(e->via));
        ccsig_buf_puts(b, ",\"source\":");
        if (e->source >= 0)
            ccsig_buf_put_i64(b, e->source);
        else
            ccsig_buf_puts(b, "null");
        ccsig_buf_puts(b, ",\"label\":");
        if (e->source >= 0 && e->label.len)
            ccsig_buf_json_str(b, e->label.p, e->label.len);
        else
            ccsig_buf_puts(b, "null");
        const char *draft = ccsig_verdict_entry_draft(e);
        ccsig_buf_puts(b, ",\"draft\":");
        if (draft && e->source >= 0)
            put_name(b, draft);
        else
            ccsig_buf_puts(b, "null");
        ccsig_buf_puts(b, e->legacy ? ",\"legacy\":true," : ",\"legacy\":false,");
        ccsig_buf_puts(b, v->reading == CCSIG_READING_CURRENT ? "\"default_reading\":{\"state\":"
                                                              : "\"current_reading\":{\"state\":");
        put_name(b, ccsig_state_name((ccsig_state)e->other));
        ccsig_buf_puts(b, ",\"conditions\":");
        ccsig_report_write_conditions(b, e->other_conditions);
        ccsig_buf_puts(b, "}}");
    }
    ccsig_buf_putc(b, '}');
}

void ccsig_report_write_decision(ccsig_buf *b, const ccsig_decision *d) {
    if ((unsigned)d->use >= CCSIG_CAT_COUNT) {
        ccsig_buf_puts(b, "null");
        return;
    }
    ccsig_buf_puts(b, "{\"use\":");
    put_name(b, ccsig_category_name(d->use));
    ccsig_buf_puts(b, ",\"result\":");
    put_name(b, ccsig_result_name(d->result));
    ccsig_buf_puts(b, ",\"obligations\":");
    ccsig_report_write_conditions(b, d->obligations);
    ccsig_buf_puts(b, ",\"missing\":");
    ccsig_report_write_conditions(b, d->missing);
    if (d->exclusion) {
        ccsig_buf_puts(b, ",\"exclusion\":");
        put_name(b, ccsig_purpose_name(d->exclusion));
    } else {
        ccsig_buf_puts(b, ",\"exclusion\":null");
    }
    if (d->crawl_disallowed) {
        /* why: the agent may not crawl the URL, and the robots.txt line */
        ccsig_buf_puts(b, ",\"reason\":\"crawl-disallowed\",\"rule\":");
        if (d->crawl_rule.line) {
            ccsig_buf_puts(b, "{\"line\":");
            ccsig_buf_put_u64(b, d->crawl_rule.line);
            ccsig_buf_puts(b, ",\"text\":");
            ccsig_buf_json_str(b, d->crawl_rule.text.p ? d->crawl_rule.text.p : "",
                               d->crawl_rule.text.len);
            ccsig_buf_putc(b, '}');
        } else {
            ccsig_buf_puts(b, "null");
        }
    }
    ccsig_buf_puts(b, ",\"reading\":");
    put_name(b, ccsig_reading_name((ccsig_reading)d->reading));
    ccsig_buf_puts(b, d->legacy ? ",\"legacy\":true," : ",\"legacy\":false,");
    ccsig_buf_puts(b, d->reading == CCSIG_READING_CURRENT ? "\"default_reading\":"
                                                          : "\"current_reading\":");
    put_name(b, ccsig_result_name((ccsig_result)d->other));
    ccsig_buf_putc(b, '}');
}

void ccsig_report_write_source(ccsig_buf *b, const ccsig_provenance *p) {
    ccsig_buf_puts(b, "{\"kind\":");
    put_name(b, ccsig_source_kind_name(p->kind));
    ccsig_buf_puts(b, ",\"line\":");
    if (p->line)
        ccsig_buf_put_u64(b, p->line);
    else
        ccsig_buf_puts(b, "null");
    ccsig_buf_puts(b, ",\"text\":");
    ccsig_buf_json_str(b, p->text.p ? p->text.p : "", p->text.len);
    ccsig_buf_puts(b, ",\"origin\":");
    if (p->origin.len)
        ccsig_buf_json_str(b, p->origin.p, p->origin.len);
    else
        ccsig_buf_puts(b, "null");
    if (p->scope_line) {
        ccsig_buf_puts(b, ",\"scope\":{\"group_line\":");
        ccsig_buf_put_u64(b, p->scope_line);
        ccsig_buf_puts(b, ",\"agents\":");
        ccsig_buf_json_str(b, p->scope.p ? p->scope.p : "", p->scope.len);
        ccsig_buf_putc(b, '}');
    }
    ccsig_buf_putc(b, '}');
}

/* The memo's key for v: every field ccsig_report_write_categories reads
 * (the draft follows from vocab), the labels' bytes included. 0 when it
 * does not fit in SCAN_CAT_MEMO_KEY bytes. */
static size_t categories_key(const ccsig_verdict *v, unsigned char *k) {
    size_t n = 0;
    k[n++] = (unsigned char)v->reading;
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        const ccsig_verdict_entry *e = &v->cat[c];
        if (n + 24 + e->label.len > SCAN_CAT_MEMO_KEY)
            return 0;
        uint32_t f[4] = {(uint32_t)e->state, e->conditions, e->signals, (uint32_t)e->source};
        memcpy(k + n, f, sizeof f);
        n += sizeof f;
        k[n++] = (unsigned char)e->via;
        k[n++] = e->vocab;
        k[n++] = e->legacy;
        k[n++] = e->other;
        k[n++] = e->other_conditions;
        k[n++] = (unsigned char)(e->label.len & 0xff);
        k[n++] = (unsigned char)(e->label.len >> 8);
        if (e->label.len)
            memcpy(k + n, e->label.p, e->label.len);
        n += e->label.len;
    }
    return n;
}

void scan_write_categories(ccsig_buf *b, const ccsig_verdict *v, scan_categories_memo *m) {
    unsigned char key[SCAN_CAT_MEMO_KEY];
    size_t kl = m ? categories_key(v, key) : 0;
    if (!kl) {
        ccsig_report_write_categories(b, v);
        return;
    }
    uint64_t h = ccsig_fnv1a64(key, kl);
    scan_categories_slot *s = &m->slot[(h ^ (h >> 32)) % SCAN_CAT_MEMO_SLOTS];
    if (s->key_len == kl && !memcmp(s->key, key, kl)) {
        ccsig_buf_append(b, s->json, s->json_len);
        return;
    }
    size_t a = b->len;
    ccsig_report_write_categories(b, v);
    if (ccsig_buf_failed(b) || b->len - a > SCAN_CAT_MEMO_JSON)
        return;
    memcpy(s->json, b->data + a, b->len - a);
    s->json_len = b->len - a;
    memcpy(s->key, key, kl);
    s->key_len = kl;
}

void ccsig_report_write_record_head(ccsig_buf *b, ccsig_str url, ccsig_str agent, const char *crawl,
                                    const ccsig_provenance *crawl_rule, const ccsig_verdict *v,
                                    const ccsig_decision *d, const ccsig_statement *sts, size_t n) {
    scan_write_record_head(b, url, agent, crawl, crawl_rule, v, d, sts, n, NULL);
}

void scan_write_record_head(ccsig_buf *b, ccsig_str url, ccsig_str agent, const char *crawl,
                            const ccsig_provenance *crawl_rule, const ccsig_verdict *v,
                            const ccsig_decision *d, const ccsig_statement *sts, size_t n,
                            scan_categories_memo *m) {
    ccsig_buf_puts(b, "{\"url\":");
    ccsig_buf_json_str(b, url.p ? url.p : "", url.len);
    ccsig_buf_puts(b, ",\"agent\":");
    ccsig_buf_json_str(b, agent.p ? agent.p : "", agent.len);
    ccsig_buf_puts(b, ",\"crawl\":");
    put_name(b, crawl);
    ccsig_buf_puts(b, ",\"crawl_rule\":");
    if (crawl_rule) {
        ccsig_buf_puts(b, "{\"line\":");
        ccsig_buf_put_u64(b, crawl_rule->line);
        ccsig_buf_puts(b, ",\"text\":");
        ccsig_buf_json_str(b, crawl_rule->text.p ? crawl_rule->text.p : "", crawl_rule->text.len);
        ccsig_buf_putc(b, '}');
    } else {
        ccsig_buf_puts(b, "null");
    }
    ccsig_buf_puts(b, ",\"categories\":");
    scan_write_categories(b, v, m);
    ccsig_buf_puts(b, ",\"decision\":");
    ccsig_report_write_decision(b, d);
    ccsig_buf_puts(b, ",\"sources\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            ccsig_buf_putc(b, ',');
        ccsig_report_write_source(b, &sts[i].src);
    }
    ccsig_buf_putc(b, ']');
}

/* What the other reading says about e, after the answer's own words:
 * "; a current (-08) reader sees no preference". Nothing when they agree. */
static void other_reading_phrase(ccsig_buf *b, const ccsig_verdict *v,
                                 const ccsig_verdict_entry *e) {
    if (!ccsig_verdict_entry_disagrees(e))
        return;
    ccsig_verdict_entry o = {0};
    o.state = (ccsig_state)e->other;
    o.conditions = e->other_conditions;
    ccsig_buf_puts(b, v->reading == CCSIG_READING_CURRENT
                          ? "; the default reading, which applies legacy labels, sees: "
                          : "; a current (-08) reader sees: ");
    if (o.state == CCSIG_STATE_UNKNOWN)
        ccsig_buf_puts(b, "no preference");
    else
        ccsig_report_state_phrase(b, &o);
}

void ccsig_report_answer_phrase(ccsig_buf *b, const ccsig_verdict *v, ccsig_category c) {
    const ccsig_verdict_entry *e = &v->cat[c];
    const ccsig_label_info *li = ccsig_verdict_entry_vocab(e);
    if (e->state == CCSIG_STATE_UNKNOWN) {
        ccsig_buf_puts(b, " (");
        ccsig_buf_puts(b, v->reading == CCSIG_READING_CURRENT
                              ? "no current label answers it"
                              : "neither a current nor a legacy label answers it");
        other_reading_phrase(b, v, e);
        ccsig_buf_putc(b, ')');
        return;
    }
    ccsig_buf_puts(b, " (");
    if ((int)e->via != (int)c)
        ccsig_buf_printf(b, "inherited from %s: ", ccsig_category_title(e->via));
    if (li && e->legacy)
        ccsig_buf_printf(b, "legacy label %s, read as in %s", li->label, ccsig_label_draft(li));
    else if (li)
        ccsig_buf_printf(b, "label %s, %s", li->label, ccsig_label_draft(li));
    else
        ccsig_buf_printf(b, "'%.*s'", (int)e->label.len, e->label.p ? e->label.p : "");
    other_reading_phrase(b, v, e);
    ccsig_buf_putc(b, ')');
}

void ccsig_report_categories_text(ccsig_buf *b, const ccsig_verdict *v, const char *indent,
                                  const char *const *source_names) {
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        const ccsig_verdict_entry *e = &v->cat[c];
        if (e->state == CCSIG_STATE_UNKNOWN && !ccsig_verdict_entry_disagrees(e))
            continue;
        ccsig_buf_printf(b, "%s%s: ", indent, ccsig_category_title((ccsig_category)c));
        if (e->state == CCSIG_STATE_UNKNOWN)
            ccsig_buf_puts(b, "unknown");
        else
            ccsig_report_state_phrase(b, e);
        ccsig_report_answer_phrase(b, v, (ccsig_category)c);
        if (source_names && e->source >= 0 && source_names[e->source])
            ccsig_buf_printf(b, " [%s]", source_names[e->source]);
        ccsig_buf_putc(b, '\n');
    }
}

/* A result in words, for the other reading's answer. */
static const char *result_words(ccsig_result r) {
    switch (r) {
    case CCSIG_RESULT_PERMITTED:
        return "permitted";
    case CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS:
        return "permitted with obligations";
    case CCSIG_RESULT_NOT_PERMITTED:
        return "not permitted";
    case CCSIG_RESULT_UNKNOWN:
        break;
    }
    return "unknown";
}

void ccsig_report_decision_text(ccsig_buf *b, const ccsig_decision *d, const char *indent) {
    if ((unsigned)d->use >= CCSIG_CAT_COUNT)
        return;
    ccsig_buf_printf(b, "%sDecision for %s: ", indent, ccsig_category_title(d->use));
    switch (d->result) {
    case CCSIG_RESULT_PERMITTED:
        ccsig_buf_puts(b, "permitted");
        if (d->exclusion)
            ccsig_buf_printf(b, " under the public-interest exclusion for %s",
                             ccsig_purpose_name(d->exclusion));
        break;
    case CCSIG_RESULT_PERMITTED_WITH_OBLIGATIONS:
        ccsig_buf_puts(b, "permitted, if you ");
        ccsig_report_obligations_phrase(b, d->obligations);
        break;
    case CCSIG_RESULT_NOT_PERMITTED:
        ccsig_buf_puts(b, "not permitted");
        if (d->crawl_disallowed && d->crawl_rule.line)
            ccsig_buf_printf(b,
                             " (robots.txt disallows crawling it for this agent: line %u \"%.*s\")",
                             d->crawl_rule.line, (int)d->crawl_rule.text.len,
                             d->crawl_rule.text.p ? d->crawl_rule.text.p : "");
        else if (d->crawl_disallowed)
            ccsig_buf_puts(b, " (robots.txt disallows crawling it for this agent)");
        else if (d->missing) {
            ccsig_buf_puts(b, " (it would be if you committed to: ");
            ccsig_report_obligations_phrase(b, d->missing);
            ccsig_buf_putc(b, ')');
        }
        break;
    case CCSIG_RESULT_UNKNOWN:
        ccsig_buf_puts(b, "unknown (no preference stated; your own default applies)");
        break;
    }
    if (d->legacy)
        ccsig_buf_puts(b, ", by a legacy label's meaning");
    if (d->other != (uint8_t)d->result)
        ccsig_buf_printf(b, "; under the %s reading: %s",
                         d->reading == CCSIG_READING_CURRENT ? "default" : "current (-08)",
                         result_words((ccsig_result)d->other));
    ccsig_buf_putc(b, '\n');
}
