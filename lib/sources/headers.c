/*
 * sources/headers.c — the preference signals carried in HTTP response
 * header fields (peer-signals.md §1, §2, §3, §4, §9).
 *
 * Each field line is read on its own and gives at most one statement (its
 * provenance is the field name and value), except Content-Usage, whose lines
 * are joined first as RFC 9651 requires, and TDMRep, whose values go to the
 * collector's header level and are resolved with the other TDMRep sources.
 */
#include "ccsig/sf.h"
#include "internal.h"

#define EMPTY ccsig_str_make("", 0)

/* Content-Usage lines joined per response; more lines than this are not a
 * real response (each would be a separate statement beyond it). */
#define MAX_USAGE_LINES 16

/* ---- Content-Usage ---- */

static void add_pref_warnings(ccsig_collect *c, const ccsig_provenance *src,
                              const ccsig_warnings *w) {
    char msg[512];
    for (size_t i = 0; i < w->n; i++) {
        ccsig_warning_message(&w->v[i], msg, sizeof msg);
        ccsig_collect_note(c, src, "%s", msg);
    }
}

/* Read one content usage expression into a new statement of kind k. */
static void usage_statement(ccsig_collect *c, ccsig_source_kind k, unsigned line, ccsig_str origin,
                            ccsig_str text, ccsig_str expr) {
    ccsig_statement *st = ccsig_collect_add(c, k);
    if (!st)
        return;
    st->src = src_prov(k, line, origin, text);
    ccsig_warnings w = {0};
    ccsig_error err;
    ccsig_pref_parse(c->arena, expr.p, expr.len, st, &w, &err);
    add_pref_warnings(c, &st->src, &w);
}

/* ---- X-Robots-Tag / Robots-Tag ---- */

typedef struct robots_hits {
    bool noai, noimageai;
} robots_hits;

static void directive(robots_hits *h, ccsig_str d) {
    if (CCSIG_STR_IEQ(d, "noai"))
        h->noai = true;
    else if (CCSIG_STR_IEQ(d, "noimageai"))
        h->noimageai = true;
}

/* Directives whose value follows a colon (Google's list): a prefix equal to
 * one of them is not a user-agent. */
static bool colon_directive(ccsig_str s) {
    static const char *const names[] = {"unavailable_after", "max-snippet", "max-image-preview",
                                        "max-video-preview", "indexifembedded"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (ccsig_str_ieq(s, names[i]))
            return true;
    return false;
}

static bool has_space(ccsig_str s) {
    for (size_t i = 0; i < s.len; i++)
        if (src_is_space(s.p[i]))
            return true;
    return false;
}

/* Turn hits into a statement (or notes). scope: the agent the line is
 * addressed to (empty: every agent). */
static void robots_statement(ccsig_collect *c, const ccsig_provenance *src, robots_hits h,
                             ccsig_str scope) {
    if (!h.noai && !h.noimageai)
        return;
    if (scope.len && !src_agent_is(c, scope)) {
        ccsig_collect_note(c, src, "%s%s%s addressed to '%.*s', not to %s%.*s%s: ignored",
                           h.noai ? "noai" : "", h.noai && h.noimageai ? " and " : "",
                           h.noimageai ? "noimageai" : "", (int)scope.len, scope.p,
                           c->ctx.agent.len ? "'" : "", (int)c->ctx.agent.len, c->ctx.agent.p,
                           c->ctx.agent.len ? "'" : "the agent asking (none given)");
        return;
    }
    bool image = h.noimageai && c->ctx.is_image;
    if (h.noimageai && !c->ctx.is_image)
        ccsig_collect_note(c, src,
                           "noimageai applies to images (the images of this page, or an image "
                           "response that carries it), not to this asset");
    if (!h.noai && !image)
        return;
    ccsig_statement *st = ccsig_collect_add(c, src->kind);
    if (!st)
        return;
    st->src = *src;
    ccsig_str label = h.noai ? CCSIG_STR_LIT("noai") : CCSIG_STR_LIT("noimageai");
    ccsig_statement_set(st, CCSIG_CAT_TRAIN_AI, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, 0, label);
}

/* draft-illyes-repext: a List of product tokens (or *) whose parameters are
 * the rules. Returns false when the value is not in that form. */
static bool robots_tag_list(ccsig_collect *c, const ccsig_provenance *src, ccsig_str v) {
    ccsig_sf_list l;
    ccsig_error err;
    if (ccsig_sf_parse_list(c->arena, v.p, v.len, &l, &err) != CCSIG_OK)
        return false;
    bool params = false;
    for (size_t i = 0; i < l.n; i++)
        if (!l.v[i].inner && l.v[i].bare.type == CCSIG_SF_TOKEN &&
            (l.v[i].params.n || ccsig_str_eq(l.v[i].bare.v.str, "*")))
            params = true;
    if (!params)
        return false;
    robots_hits all = {false, false};
    for (size_t i = 0; i < l.n; i++) {
        const ccsig_sf_member *m = &l.v[i];
        if (m->inner || m->bare.type != CCSIG_SF_TOKEN)
            continue;
        robots_hits h = {false, false};
        for (size_t k = 0; k < m->params.n; k++)
            directive(&h, m->params.v[k].key);
        ccsig_str tok = m->bare.v.str;
        if (ccsig_str_eq(tok, "*") || src_agent_is(c, tok)) {
            all.noai |= h.noai;
            all.noimageai |= h.noimageai;
        } else {
            robots_statement(c, src, h, tok);
        }
    }
    robots_statement(c, src, all, EMPTY);
    return true;
}

static void robots_tag(ccsig_collect *c, ccsig_str name, ccsig_str value) {
    ccsig_provenance src = src_prov(CCSIG_SRC_HEADER, 0, name, value);
    ccsig_str v = src_trim(value);
    if (robots_tag_list(c, &src, v))
        return;
    /* Legacy form: an optional "agent:" prefix before the first directive. */
    ccsig_str scope = EMPTY;
    const char *colon = memchr(v.p, ':', v.len), *comma = memchr(v.p, ',', v.len);
    if (colon && (!comma || colon < comma)) {
        ccsig_str prefix = src_trim(ccsig_str_make(v.p, (size_t)(colon - v.p)));
        if (prefix.len && !has_space(prefix) && !colon_directive(prefix)) {
            scope = prefix;
            v = ccsig_str_make(colon + 1, v.len - (size_t)(colon + 1 - v.p));
        }
    }
    robots_hits h = {false, false};
    ccsig_str item, rest = v;
    while (src_next_item(&rest, ',', &item))
        directive(&h, item);
    if (scope.len == 1 && scope.p[0] == '*')
        scope = EMPTY;
    robots_statement(c, &src, h, scope);
}

/* ---- TDMRep ---- */

static void tdm_header(ccsig_collect *c, ccsig_str name, ccsig_str value, bool policy) {
    ccsig_provenance src = src_prov(CCSIG_SRC_HEADER, 0, name, value);
    ccsig_str v = src_trim(value);
    if (policy) {
        if (v.len)
            ccsig_collect_tdm(c, CCSIG_TDM_HEADER, -1, v, &src);
        return;
    }
    if (v.len == 1 && (v.p[0] == '0' || v.p[0] == '1')) {
        ccsig_collect_tdm(c, CCSIG_TDM_HEADER, v.p[0] - '0', EMPTY, &src);
        return;
    }
    ccsig_collect_note(c, &src,
                       "tdm-reservation must be 0 or 1; '%.*s' is a TDMRep protocol error, so "
                       "the header states no reservation",
                       (int)v.len, v.p);
}

/* ---- Content-Signal ---- */

typedef struct signal_notes {
    ccsig_collect *c;
    const ccsig_statement *st;
    const char *p;
} signal_notes;

/* Notes for what ccsig_content_signal_parse (robots.h) reports. */
static void signal_issue(void *ctx, ccsig_content_signal_issue issue, size_t off, size_t len) {
    signal_notes *sn = ctx;
    const char *s = sn->p + off;
    int n = (int)len;
    switch (issue) {
    case CCSIG_SIGNAL_ISSUE_SYNTAX:
        ccsig_collect_note(sn->c, &sn->st->src, "Content-Signal member '%.*s' is not key=value", n,
                           s);
        break;
    case CCSIG_SIGNAL_ISSUE_KEY:
        ccsig_collect_note(sn->c, &sn->st->src,
                           "Content-Signal key '%.*s' is not one of search, ai-input, "
                           "ai-train: ignored",
                           n, s);
        break;
    case CCSIG_SIGNAL_ISSUE_LEGACY_VALUE:
        ccsig_collect_note(sn->c, &sn->st->src,
                           "Content-Signal value '%.*s' is not yes or no; read as '%s'", n, s,
                           (s[0] | 0x20) == 'a' ? "yes" : "no");
        break;
    case CCSIG_SIGNAL_ISSUE_VALUE:
        ccsig_collect_note(sn->c, &sn->st->src,
                           "Content-Signal value '%.*s' is not yes or no: no preference for it", n,
                           s);
        break;
    case CCSIG_SIGNAL_ISSUE_USE_VALUE:
        ccsig_collect_note(sn->c, &sn->st->src,
                           "Content-Signal use value '%.*s' is not immediate, reference or full: "
                           "ignored",
                           n, s);
        break;
    case CCSIG_SIGNAL_ISSUE_CASE:
        ccsig_collect_note(sn->c, &sn->st->src,
                           "Content-Signal member '%.*s' has uppercase letters (Cloudflare "
                           "writes lowercase)",
                           n, s);
        break;
    }
}

static void content_signal(ccsig_collect *c, ccsig_str name, ccsig_str value) {
    ccsig_statement *st = ccsig_collect_add(c, CCSIG_SRC_HEADER);
    if (!st)
        return;
    st->src = src_prov(CCSIG_SRC_HEADER, 0, name, value);
    if (CCSIG_STR_IEQ(name, "content-signals"))
        ccsig_collect_note(c, &st->src,
                           "the field is Content-Signal (singular); read anyway as Content-Signal");
    signal_notes sn = {c, st, value.p};
    ccsig_content_signal_parse(value.p, value.len, st, NULL, signal_issue, &sn);
}

/* ---- Link (RFC 8288) ---- */

static bool tchar(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool type_is_rsl(ccsig_str type) {
    ccsig_str t = src_trim(type);
    const char *semi = memchr(t.p, ';', t.len);
    if (semi)
        t = src_trim(ccsig_str_make(t.p, (size_t)(semi - t.p)));
    return CCSIG_STR_IEQ(t, "application/rsl+xml");
}

/* Record one link (an RSL document or a licence) found by a header or HTML. */
static void license_link(ccsig_collect *c, const ccsig_provenance *src, ccsig_str url,
                         ccsig_str type) {
    ccsig_collect_link(c, type_is_rsl(type) ? CCSIG_LINK_RSL : CCSIG_LINK_LICENSE, url, type, src);
}

static void link_header(ccsig_collect *c, ccsig_str name, ccsig_str value) {
    ccsig_provenance src = src_prov(CCSIG_SRC_HEADER, 0, name, value);
    const char *p = value.p;
    size_t n = value.len, i = 0;
    while (i < n) {
        while (i < n && (src_is_ows(p[i]) || p[i] == ','))
            i++;
        if (i >= n)
            break;
        if (p[i] != '<') {
            ccsig_collect_note(c, &src, "Link value does not start with '<' at byte %zu", i);
            return;
        }
        size_t us = ++i;
        while (i < n && p[i] != '>')
            i++;
        if (i >= n) {
            ccsig_collect_note(c, &src, "Link target is not closed by '>'");
            return;
        }
        ccsig_str url = ccsig_str_make(p + us, i - us);
        i++;
        ccsig_str rel = EMPTY, type = EMPTY;
        for (;;) {
            while (i < n && src_is_ows(p[i]))
                i++;
            if (i >= n || p[i] != ';')
                break;
            i++;
            while (i < n && src_is_ows(p[i]))
                i++;
            size_t ks = i;
            while (i < n && tchar(p[i]))
                i++;
            ccsig_str key = ccsig_str_make(p + ks, i - ks);
            while (i < n && src_is_ows(p[i]))
                i++;
            ccsig_str val = EMPTY;
            if (i < n && p[i] == '=') {
                i++;
                while (i < n && src_is_ows(p[i]))
                    i++;
                if (i < n && p[i] == '"') {
                    size_t vs = ++i;
                    bool esc = false;
                    while (i < n && p[i] != '"') {
                        if (p[i] == '\\' && i + 1 < n) {
                            esc = true;
                            i++;
                        }
                        i++;
                    }
                    val = ccsig_str_make(p + vs, (i < n ? i : n) - vs);
                    if (i < n)
                        i++;
                    if (esc) {
                        char *d = ccsig_arena_alloc(c->arena, val.len + 1);
                        size_t o = 0;
                        for (size_t k = 0; d && k < val.len; k++) {
                            if (val.p[k] == '\\' && k + 1 < val.len)
                                k++;
                            d[o++] = val.p[k];
                        }
                        val = d ? ccsig_str_make(d, o) : EMPTY;
                    }
                } else {
                    /* RFC 8288 wants a token; servers also write media types
                     * and URLs unquoted: take everything up to ';' or ','. */
                    size_t vs = i;
                    while (i < n && p[i] != ';' && p[i] != ',' && !src_is_ows(p[i]))
                        i++;
                    val = ccsig_str_make(p + vs, i - vs);
                }
            }
            if (CCSIG_STR_IEQ(key, "rel") && !rel.len)
                rel = val;
            else if (CCSIG_STR_IEQ(key, "type") && !type.len)
                type = val;
            if (!key.len) {
                /* Not a parameter: skip to the next link-value. */
                while (i < n && p[i] != ',')
                    i++;
                break;
            }
        }
        if (src_rel_has(rel, "license"))
            license_link(c, &src, url, type);
        while (i < n && p[i] != ',')
            i++;
    }
}

/* ---- dispatch ---- */

typedef enum hkind {
    H_NONE = 0,
    H_USAGE,
    H_ROBOTS,
    H_TDM_RES,
    H_TDM_POLICY,
    H_SIGNAL,
    H_LINK
} hkind;

static hkind classify(ccsig_str name) {
    switch (name.len) {
    case 4:
        return CCSIG_STR_IEQ(name, "link") ? H_LINK : H_NONE;
    case 10:
        if (CCSIG_STR_IEQ(name, "robots-tag"))
            return H_ROBOTS;
        return CCSIG_STR_IEQ(name, "tdm-policy") ? H_TDM_POLICY : H_NONE;
    case 12:
        return CCSIG_STR_IEQ(name, "x-robots-tag") ? H_ROBOTS : H_NONE;
    case 13:
        return CCSIG_STR_IEQ(name, "content-usage") ? H_USAGE : H_NONE;
    case 14:
        return CCSIG_STR_IEQ(name, "content-signal") ? H_SIGNAL : H_NONE;
    case 15:
        if (CCSIG_STR_IEQ(name, "tdm-reservation"))
            return H_TDM_RES;
        return CCSIG_STR_IEQ(name, "content-signals") ? H_SIGNAL : H_NONE;
    default:
        return H_NONE;
    }
}

bool ccsig_sources_from_header(ccsig_collect *c, ccsig_str name, ccsig_str value) {
    switch (classify(name)) {
    case H_USAGE:
        usage_statement(c, CCSIG_SRC_HEADER, 0, name, value, value);
        return true;
    case H_ROBOTS:
        robots_tag(c, name, value);
        return true;
    case H_TDM_RES:
        tdm_header(c, name, value, false);
        return true;
    case H_TDM_POLICY:
        tdm_header(c, name, value, true);
        return true;
    case H_SIGNAL:
        content_signal(c, name, value);
        return true;
    case H_LINK:
        link_header(c, name, value);
        return true;
    case H_NONE:
        break;
    }
    return false;
}

size_t ccsig_sources_from_headers(ccsig_collect *c, const ccsig_http_field *h, size_t n) {
    size_t used = 0, nusage = 0, first_usage = 0;
    ccsig_str usage[MAX_USAGE_LINES];
    for (size_t i = 0; i < n; i++) {
        if (classify(h[i].name) == H_USAGE) {
            if (nusage < MAX_USAGE_LINES) {
                if (!nusage)
                    first_usage = i;
                usage[nusage++] = h[i].value;
            } else {
                ccsig_sources_from_header(c, h[i].name, h[i].value);
            }
            used++;
            continue;
        }
        used += ccsig_sources_from_header(c, h[i].name, h[i].value);
    }
    if (nusage == 1) {
        ccsig_sources_from_header(c, h[first_usage].name, usage[0]);
    } else if (nusage > 1) {
        ccsig_str joined;
        if (ccsig_sf_join_lines(c->arena, usage, nusage, &joined) == CCSIG_OK)
            usage_statement(c, CCSIG_SRC_HEADER, 0, h[first_usage].name, joined, joined);
    }
    return used;
}

void src_license_link(ccsig_collect *c, const ccsig_provenance *src, ccsig_str url,
                      ccsig_str type) {
    license_link(c, src, url, type);
}

void src_usage_statement(ccsig_collect *c, ccsig_source_kind k, unsigned line, ccsig_str origin,
                         ccsig_str text, ccsig_str expr) {
    usage_statement(c, k, line, origin, text, expr);
}
