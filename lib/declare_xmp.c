/*
 * declare_xmp.c — the XMP packet of a declaration (docs/xmp-namespace.md).
 *
 * One rdf:Description with the ccsig namespace properties (ccsig/xmpns.h),
 * then the peer values of ccsig_declare_peer_values: IPTC plus:DataMining as
 * the full PLUS vocabulary URI (the form IPTC and ExifTool write) and TDMRep
 * tdm:reservation / tdm:policy in the PDF XMP namespace. When a CC signal
 * lifts the deny, plus:OtherConstraints carries the terms in words, so photo
 * tools that show IPTC fields show the exception too. Properties are written
 * as elements (never attributes) so every value is escaped the same way.
 * The packet has no padding: it is meant as a sidecar or for a tool such as
 * exiftool to embed (which adds its own).
 */
#include "ccsig/xmpns.h"
#include "declare_internal.h"

void declare_put_xml_escaped(ccsig_buf *b, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&':
            ccsig_buf_puts(b, "&amp;");
            break;
        case '<':
            ccsig_buf_puts(b, "&lt;");
            break;
        case '>':
            ccsig_buf_puts(b, "&gt;");
            break;
        case '"':
            ccsig_buf_puts(b, "&quot;");
            break;
        case '\'':
            ccsig_buf_puts(b, "&#39;");
            break;
        default:
            ccsig_buf_putc(b, *s);
        }
    }
}

static void prop(ccsig_buf *b, const char *qname, const char *value) {
    if (!value)
        return;
    ccsig_buf_printf(b, "   <%s>", qname);
    declare_put_xml_escaped(b, value);
    ccsig_buf_printf(b, "</%s>\n", qname);
}

void declare_put_xmp(const ccsig_declaration *d, ccsig_buf *b) {
    ccsig_declare_peers peers;
    ccsig_declare_peer_values(d, &peers);
    bool sig = false; /* some entry has a CC signal */
    for (size_t k = 0; k < declare_count(d); k++) {
        ccsig_declaration v;
        declare_view(d, k, &v);
        sig = sig || (v.state == CCSIG_STATE_DENY && v.signal != CCSIG_SIGNAL_NONE);
    }
    bool plus = peers.iptc_code || sig;

    ccsig_buf_puts(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                      " <rdf:RDF xmlns:rdf=\"" CCSIG_XMP_RDF_NS "\">\n"
                      "  <rdf:Description rdf:about=\"\"\n"
                      "    xmlns:" CCSIG_XMP_PREFIX "=\"" CCSIG_XMP_NS "\"");
    if (plus)
        ccsig_buf_puts(b, "\n    xmlns:plus=\"" CCSIG_XMP_PLUS_NS "\"");
    if (peers.tdm_reservation >= 0)
        ccsig_buf_puts(b, "\n    xmlns:tdm=\"" CCSIG_XMP_TDM_NS "\"");
    ccsig_buf_puts(b, ">\n");

    ccsig_buf expr = CCSIG_BUF_INIT;
    declare_put_expression(d, &expr);
    prop(b, CCSIG_XMP_PREFIX ":" CCSIG_XMP_CONTENT_USAGE, ccsig_buf_cstr(&expr));
    if (ccsig_buf_failed(&expr))
        b->failed = true;
    ccsig_buf_free(&expr);
    prop(b, CCSIG_XMP_PREFIX ":" CCSIG_XMP_COLLECTION, d->collection);
    prop(b, CCSIG_XMP_PREFIX ":" CCSIG_XMP_PARTY, d->party_name);
    prop(b, CCSIG_XMP_PREFIX ":" CCSIG_XMP_PARTY_URL, d->party_url);
    if (d->copyright != CCSIG_COPYRIGHT_UNSTATED)
        prop(b, CCSIG_XMP_PREFIX ":" CCSIG_XMP_COPYRIGHT, ccsig_copyright_name(d->copyright));
    prop(b, CCSIG_XMP_PREFIX ":" CCSIG_XMP_DECLARATION, d->policy_url);

    if (peers.iptc_code)
        ccsig_buf_printf(b, "   <plus:DataMining>" CCSIG_IPTC_VOCAB "%s</plus:DataMining>\n",
                         peers.iptc_code);
    if (sig) {
        ccsig_buf c = CCSIG_BUF_INIT;
        /* One sentence with the terms for each entry with a signal. */
        for (size_t k = 0; k < declare_count(d); k++) {
            ccsig_declaration v;
            declare_view(d, k, &v);
            if (v.state != CCSIG_STATE_DENY || v.signal == CCSIG_SIGNAL_NONE)
                continue;
            ccsig_buf_printf(&c,
                             "%s%s is not allowed, unless the reuser meets the conditions of the "
                             "CC signal %s (%s):",
                             c.len ? " " : "", ccsig_category_title(v.use),
                             ccsig_signal_title(v.signal), ccsig_signal_token(v.signal));
            unsigned cond = ccsig_signal_conditions(v.signal);
            for (unsigned bit = 1; bit && bit <= cond; bit <<= 1)
                if (cond & bit)
                    ccsig_buf_printf(&c, " %s", ccsig_condition_terms(bit));
        }
        if (d->policy_url)
            ccsig_buf_printf(&c, " Declaration: %s", d->policy_url);
        ccsig_buf_puts(b, "   <plus:OtherConstraints>\n    <rdf:Alt>\n"
                          "     <rdf:li xml:lang=\"x-default\">");
        if (ccsig_buf_failed(&c))
            b->failed = true;
        declare_put_xml_escaped(b, ccsig_buf_cstr(&c));
        ccsig_buf_puts(b, "</rdf:li>\n    </rdf:Alt>\n   </plus:OtherConstraints>\n");
        ccsig_buf_free(&c);
    }
    if (peers.tdm_reservation >= 0)
        ccsig_buf_printf(b, "   <tdm:reservation>%d</tdm:reservation>\n", peers.tdm_reservation);
    prop(b, "tdm:policy", peers.tdm_policy);

    ccsig_buf_puts(b, "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n");
}
