/*
 * sources/xmp_packet.c — preferences in an XMP packet, for the collector:
 * IPTC Photo Metadata "Data Mining" (plus:DataMining, peer-signals.md §5),
 * TDMRep in XMP (§2, both namespace spellings), and the CC signals
 * properties of `ccsig declare --format xmp` (the ccsig namespace,
 * docs/xmp-namespace.md); and packet scanning in any byte string.
 *
 * The packet is read by the library's one XMP reader (ccsig_xmp_read,
 * xmpns.c: expat, no DTDs) and plus:DataMining is mapped by its one table
 * (ccsig_xmp_dmi_find, xmpns.h); this file adds what a collector needs
 * (notes, TDMRep levels). Part of the core library: taking a packet out of
 * a file through exempi is the optional libccsig-xmp (sources/xmp.c).
 *
 * One packet, one declaration: when a packet holds ccsig:contentUsage, the
 * plus:DataMining and tdm:* values next to it are the lossy rendering ccsig
 * declare writes for tools that do not know the namespace (they cannot carry
 * the CC signal's "unless"), so they are noted, not read as second
 * statements that would turn the signal into a plain deny.
 */
#include <stddef.h>
#include <string.h>

#include "ccsig/xmpns.h"
#include "internal.h"

#define EMPTY ccsig_str_make("", 0)

/* ---- plus:DataMining ---- */

/* Map a DataMining value onto a statement (the table: ccsig_xmp_dmi_find). */
static void dmi_apply(ccsig_collect *c, const ccsig_provenance *src, ccsig_str value,
                      ccsig_str constraint) {
    ccsig_str code;
    bool foreign;
    const ccsig_xmp_dmi *m = ccsig_xmp_dmi_find(value, &code, &foreign);
    if (foreign)
        ccsig_collect_note(c, src,
                           "plus:DataMining is not in the PLUS vocabulary "
                           "(http://ns.useplus.org/ldf/vocab/); its last segment is read");
    if (!m) {
        ccsig_collect_note(c, src, "plus:DataMining code '%.*s' is not an IPTC code: ignored",
                           (int)code.len, code.p);
        return;
    }
    if (m->draft)
        ccsig_collect_note(c, src,
                           "plus:DataMining '%.*s' is a code of the 2023 PLUS draft, not of the "
                           "IPTC standard; read by analogy",
                           (int)code.len, code.p);
    if (!m->ap && !m->train && !m->genai && !m->search)
        return; /* DMI-UNSPECIFIED */
    if (m->policy) {
        if (constraint.len)
            ccsig_collect_note(c, src, "the constraint (plus:OtherConstraints): %.*s",
                               (int)constraint.len, constraint.p);
        else
            ccsig_collect_note(c, src,
                               "%.*s points to a constraint or rights expression ccsig does not "
                               "read: committing to 'policy' means you read and follow it",
                               (int)code.len, code.p);
    }
    ccsig_statement *st = ccsig_collect_add(c, CCSIG_SRC_XMP);
    if (!st)
        return;
    st->src = *src;
    ccsig_xmp_dmi_apply(m, st, code);
}

/* ---- one packet's properties ---- */

static ccsig_str or_empty(ccsig_str s) {
    return s.p ? s : EMPTY;
}

/* The attribution facts and licence of a packet (sources.h). */
static void collect_credit(ccsig_collect *c, const ccsig_xmp_props *x, ccsig_str origin) {
    static const struct {
        size_t off;
        const char *name;
        ccsig_fact_kind kind;
    } facts[] = {
        {offsetof(ccsig_xmp_props, title), "dc:title", CCSIG_FACT_TITLE},
        {offsetof(ccsig_xmp_props, attribution_name), "cc:attributionName", CCSIG_FACT_CREATOR},
        {offsetof(ccsig_xmp_props, creator), "dc:creator", CCSIG_FACT_CREATOR},
        {offsetof(ccsig_xmp_props, rights), "dc:rights", CCSIG_FACT_RIGHTS},
        {offsetof(ccsig_xmp_props, attribution_url), "cc:attributionURL", CCSIG_FACT_SOURCE},
        {offsetof(ccsig_xmp_props, collection), "ccsig:collection", CCSIG_FACT_PUBLISHER},
        {offsetof(ccsig_xmp_props, party), "ccsig:declaringParty", CCSIG_FACT_PUBLISHER},
        {offsetof(ccsig_xmp_props, party_url), "ccsig:declaringPartyURL", CCSIG_FACT_PUBLISHER_URL},
    };
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        ccsig_str v = *(const ccsig_str *)((const char *)x + facts[i].off);
        if (!v.p || !v.len)
            continue;
        ccsig_str text = src_printf(c->arena, "%s=%.*s", facts[i].name, (int)v.len, v.p);
        ccsig_provenance src = src_prov(CCSIG_SRC_XMP, 0, origin, text);
        ccsig_collect_fact(c, facts[i].kind, CCSIG_FACT_SPECIFIC, v, &src);
    }
    /* cc:license is the licence; xmpRights:WebStatement is a page about the
     * rights, the licence when nothing better is given */
    ccsig_str lic = x->cc_license.len ? x->cc_license : x->web_statement;
    if (lic.p && lic.len) {
        ccsig_str text = src_printf(c->arena, "%s=%.*s",
                                    x->cc_license.len ? "cc:license" : "xmpRights:WebStatement",
                                    (int)lic.len, lic.p);
        ccsig_provenance src = src_prov(CCSIG_SRC_XMP, 0, origin, text);
        ccsig_collect_link(c, CCSIG_LINK_LICENSE, src_trim(lic), EMPTY, &src);
    }
}

static void collect_props(ccsig_collect *c, const ccsig_xmp_props *x, ccsig_str origin) {
    ccsig_arena *a = c->arena;
    collect_credit(c, x, origin);
    ccsig_str usage = or_empty(x->content_usage), dmi = or_empty(x->data_mining),
              constraint = or_empty(x->other_constraints), res = or_empty(x->tdm_reservation),
              pol = or_empty(x->tdm_policy);
    if (usage.len) {
        ccsig_str text = src_printf(a, "ccsig:contentUsage=%.*s", (int)usage.len, usage.p);
        src_usage_statement(c, CCSIG_SRC_XMP, 0, origin, text, usage);
        if (dmi.len || res.len || pol.len) {
            ccsig_provenance src = src_prov(CCSIG_SRC_XMP, 0, origin, text);
            ccsig_collect_note(
                c, &src,
                "the packet's %s%s%s %s the rendering of ccsig:contentUsage for "
                "other tools, not a second statement",
                dmi.len ? "plus:DataMining" : "", dmi.len && (res.len || pol.len) ? " and " : "",
                res.len || pol.len ? "tdm:*" : "", dmi.len && (res.len || pol.len) ? "are" : "is");
        }
        return;
    }
    if (dmi.len) {
        ccsig_str text = src_printf(a, "plus:DataMining=%.*s", (int)dmi.len, dmi.p);
        ccsig_provenance src = src_prov(CCSIG_SRC_XMP, 0, origin, text);
        dmi_apply(c, &src, dmi, constraint);
    }
    if (res.len || pol.len) {
        ccsig_str text = src_printf(a, "tdm:reservation=%.*s%s%.*s (%s)", (int)res.len, res.p,
                                    pol.len ? " tdm:policy=" : "", (int)pol.len, pol.p,
                                    x->tdm_ns ? x->tdm_ns : CCSIG_XMP_TDM_NS);
        ccsig_provenance src = src_prov(CCSIG_SRC_XMP, 0, origin, text);
        ccsig_str r = src_trim(res);
        int v = -1;
        if (r.len == 1 && (r.p[0] == '0' || r.p[0] == '1'))
            v = r.p[0] - '0';
        else if (r.len)
            ccsig_collect_note(c, &src,
                               "tdm:reservation must be 0 or 1; '%.*s' is a TDMRep protocol "
                               "error, so the metadata states no reservation",
                               (int)r.len, r.p);
        ccsig_collect_tdm(c, CCSIG_TDM_EMBEDDED, v, src_trim(pol), &src);
    }
}

static ccsig_status xmp_read_packet(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                                    ccsig_error *err) {
    if (len > CCSIG_XMP_MAX_PACKET)
        return ccsig_error_set(err, CCSIG_ERR_LIMIT, CCSIG_XMP_MAX_PACKET,
                               "XMP packet larger than %u bytes", CCSIG_XMP_MAX_PACKET);
    ccsig_xmp_props x;
    ccsig_status st = ccsig_xmp_read(c->arena, p, len, &x, err);
    if (st)
        return st;
    collect_props(c, &x, origin);
    return CCSIG_OK;
}

ccsig_status ccsig_xmp_read_packet(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                                   ccsig_error *err) {
    bool failed = c->arena->failed;
    return src_nomem(c, failed, xmp_read_packet(c, p, len, origin, err), err);
}

/* ---- packet scanning ---- */

static size_t find(const char *p, size_t len, size_t from, const char *lit) {
    size_t n = strlen(lit);
    while (from + n <= len) {
        const char *h = memchr(p + from, lit[0], len - from - n + 1);
        if (!h)
            return len;
        if (!memcmp(h, lit, n))
            return (size_t)(h - p);
        from = (size_t)(h - p) + 1;
    }
    return len;
}

bool ccsig_xmp_find_packet(const char *p, size_t len, size_t from, ccsig_str *packet) {
    while (from < len) {
        size_t b = find(p, len, from, "<?xpacket begin=");
        size_t m = find(p, len, from, "<x:xmpmeta");
        size_t m2 = find(p, len, from, "<x:xapmeta");
        if (m2 < m)
            m = m2;
        if (b == len && m == len)
            return false;
        if (b < m) {
            size_t e = find(p, len, b, "<?xpacket end=");
            if (e < len) {
                size_t close = find(p, len, e, "?>");
                if (close < len) {
                    *packet = ccsig_str_make(p + b, close + 2 - b);
                    return true;
                }
            }
            from = b + 1;
            continue;
        }
        bool xap = m == m2;
        size_t e = find(p, len, m, xap ? "</x:xapmeta>" : "</x:xmpmeta>");
        if (e < len) {
            *packet = ccsig_str_make(p + m, e + 12 - m);
            return true;
        }
        from = m + 1;
    }
    return false;
}
