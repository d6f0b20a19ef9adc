/*
 * ccsig/xmpns.h — the ccsig XMP namespace for CC signals, and a small reader
 * of the properties ccsig writes into an XMP packet (docs/xmp-namespace.md).
 *
 * Namespace https://ccsig.org/ns/ccsignals/1.0/ (preferred prefix `ccsig`),
 * simple Text properties on the packet's rdf:Description:
 *   ccsig:contentUsage      the content usage expression (normative)
 *   ccsig:collection        what the collection is
 *   ccsig:declaringParty    who declares it (the name to credit)
 *   ccsig:declaringPartyURL its web address (the credit link)
 *   ccsig:copyrightStatus   holder | not-holder | mixed
 *   ccsig:declaration       URL of the human-readable declaration
 * ccsig declare also writes, for tools that do not know the namespace, IPTC
 * plus:DataMining and TDMRep tdm:reservation / tdm:policy (ccsig/declare.h
 * "peer vocabularies"): they carry only the deny part. A reader that finds
 * ccsig:contentUsage takes it as the statement for the asset; the peer values
 * of the same packet are a lossy rendering of it, not a second statement.
 *
 * The reader is namespace-aware (any prefix works) and accepts the forms XMP
 * writers use: a property as an element with text, as an attribute of
 * rdf:Description, as an element with rdf:resource, or (for Lang Alt values
 * such as plus:OtherConstraints) an rdf:Alt whose x-default (else first)
 * rdf:li is taken. It uses expat, keeps no global state, refuses DTDs and
 * entity declarations, and copies values into the caller's arena.
 */
#ifndef CCSIG_XMPNS_H
#define CCSIG_XMPNS_H

#include "ccsig/arena.h"
#include "ccsig/common.h"
#include "ccsig/pref.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CCSIG_XMP_NS "https://ccsig.org/ns/ccsignals/1.0/"
#define CCSIG_XMP_PREFIX "ccsig"
/* IPTC / PLUS Licensing Data Format (plus:DataMining, plus:OtherConstraints). */
#define CCSIG_XMP_PLUS_NS "http://ns.useplus.org/ldf/xmp/1.0/"
/* TDMRep in XMP (PDF); EPUB 3 writes the '#' form, both are read. */
#define CCSIG_XMP_TDM_NS "http://www.w3.org/ns/tdmrep/"
#define CCSIG_XMP_TDM_NS_HASH "http://www.w3.org/ns/tdmrep#"
#define CCSIG_XMP_RDF_NS "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

/* Property local names in CCSIG_XMP_NS. */
#define CCSIG_XMP_CONTENT_USAGE "contentUsage"
#define CCSIG_XMP_COLLECTION "collection"
#define CCSIG_XMP_PARTY "declaringParty"
#define CCSIG_XMP_PARTY_URL "declaringPartyURL"
#define CCSIG_XMP_COPYRIGHT "copyrightStatus"
#define CCSIG_XMP_DECLARATION "declaration"

/* A property value longer than this is an error: every property here is a
 * short text or URL (an expression, a name, a URL of at most 2 KiB). */
#define CCSIG_XMP_MAX_VALUE (64u * 1024u)

/* What a packet says. A field with p == NULL was absent; present values are
 * the decoded text, NUL-terminated, in the caller's arena. When a property
 * appears twice the first one counts (XMP allows one value per property). */
typedef struct ccsig_xmp_props {
    ccsig_str content_usage, collection, party, party_url, copyright, declaration;
    ccsig_str data_mining;       /* plus:DataMining as written (URI or bare code) */
    ccsig_str other_constraints; /* plus:OtherConstraints (x-default, else first) */
    ccsig_str tdm_reservation;   /* tdm:reservation as written */
    ccsig_str tdm_policy;        /* tdm:policy */
    const char *tdm_ns;          /* the TDMRep namespace they were read in
                                    (CCSIG_XMP_TDM_NS or _HASH), NULL when neither */
    /* Attribution (ccsig/attribution.h): Dublin Core dc:title (Lang Alt),
     * dc:creator (the first of its Seq), dc:rights (Lang Alt); xmpRights:
     * WebStatement; Creative Commons' XMP schema (http://creativecommons.org/
     * ns#) cc:license, cc:attributionName, cc:attributionURL. */
    ccsig_str title, creator, rights, web_statement;
    ccsig_str cc_license, attribution_name, attribution_url;
} ccsig_xmp_props;

#define CCSIG_XMP_DC_NS "http://purl.org/dc/elements/1.1/"
#define CCSIG_XMP_RIGHTS_NS "http://ns.adobe.com/xap/1.0/rights/"
#define CCSIG_XMP_CC_NS "http://creativecommons.org/ns#"

/* Read the properties above from an XMP packet (or any XML document holding
 * rdf:Description elements) p[0..len). Returns CCSIG_OK, CCSIG_ERR_SYNTAX
 * (not well-formed XML, or a DTD / entity declaration: err has the line,
 * column and offset), CCSIG_ERR_LIMIT (a value over CCSIG_XMP_MAX_VALUE) or
 * CCSIG_ERR_NOMEM. */
ccsig_status ccsig_xmp_read(ccsig_arena *a, const char *p, size_t len, ccsig_xmp_props *out,
                            ccsig_error *err);

/* The statement of ccsig:contentUsage (ccsig_pref_parse; kind CCSIG_SRC_XMP,
 * provenance text the expression). Returns CCSIG_OK, CCSIG_ERR_RANGE when the
 * packet has no ccsig:contentUsage, or the parse error of the expression. */
ccsig_status ccsig_xmp_statement(const ccsig_xmp_props *x, ccsig_arena *a, ccsig_statement *st,
                                 ccsig_warnings *w, ccsig_error *err);

/* ---- IPTC plus:DataMining: the one table of ccsig ----
 * Codes of the IPTC Photo Metadata standard (PLUS Data Mining vocabulary,
 * http://ns.useplus.org/ldf/vocab/) and of the 2023 PLUS draft (read by
 * analogy, marked draft), peer-signals.md §5:
 *   DMI-UNSPECIFIED                           nothing
 *   DMI-ALLOWED                               automated-processing allow
 *   DMI-PROHIBITED-AIMLTRAINING               train-ai deny
 *   DMI-PROHIBITED-GENAIMLTRAINING            train-genai deny
 *   DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING automated-processing deny, search allow
 *   DMI-PROHIBITED                            automated-processing deny
 *   DMI-PROHIBITED-SEE* (constraint, embedded or linked rights expression)
 *                                             automated-processing deny unless policy
 *                                             (judgement: the reuser commits to read
 *                                             and follow what the code points to)
 *   draft: DMI-ALLOWED-noaitraining (allow, train-ai deny), -nogenaitraining
 *   (allow, train-genai deny), DMI-ALLOWED-searchengineindexing and
 *   -onlysearchengineindexing (deny, search allow), DMI-NOT-ALLOWED (deny),
 *   DMI-SEE-* (deny unless policy). */
typedef struct ccsig_xmp_dmi {
    const char *code; /* as the vocabulary spells it */
    /* CCSIG_STATE_UNKNOWN: nothing said for the category */
    ccsig_state ap, train, genai, search;
    bool policy; /* the deny is lifted by the policy condition (SEE codes) */
    bool draft;  /* a 2023 PLUS draft code, not an IPTC standard one */
} ccsig_xmp_dmi;

/* The table entry of a plus:DataMining value: the full URI or the bare code,
 * surrounding whitespace ignored; the last path segment is compared with the
 * codes ignoring case. *code (may be NULL) receives that segment (pointing
 * into value); *foreign (may be NULL) is set when the value has a path that
 * is not the PLUS vocabulary's. NULL for an unknown code. Thread-safe. */
const ccsig_xmp_dmi *ccsig_xmp_dmi_find(ccsig_str value, ccsig_str *code, bool *foreign);

/* Set the categories entry d states in st (label: provenance label). */
void ccsig_xmp_dmi_apply(const ccsig_xmp_dmi *d, ccsig_statement *st, ccsig_str label);

/* The statement of the peer properties alone: plus:DataMining by the table
 * above, tdm:reservation 1: train-ai and ai-use deny (TDM rights reserved;
 * search is left to robots.txt as TDMRep says), 0: automated-processing
 * allow (other values: nothing). The two combine restrictively. Returns true
 * when either said something. (Readers of assets use the collector,
 * ccsig_xmp_read_packet in sources.h, which resolves TDMRep with the other
 * levels; this is the packet on its own, for declare's checks.) */
bool ccsig_xmp_peer_statement(const ccsig_xmp_props *x, ccsig_statement *st);

#ifdef __cplusplus
}
#endif
#endif
