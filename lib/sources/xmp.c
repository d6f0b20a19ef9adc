/*
 * sources/xmp.c — preferences in XMP metadata, read through exempi (Adobe's
 * XMP Toolkit): IPTC Photo Metadata "Data Mining" (plus:DataMining,
 * peer-signals.md §5), TDMRep in XMP (§2, both namespace spellings), and the
 * CC signals properties of `ccsig declare --format xmp` (the ccsig namespace,
 * docs/xmp-namespace.md).
 *
 * One packet, one declaration: when a packet holds ccsig:contentUsage, the
 * plus:DataMining and tdm:* values next to it are the lossy rendering ccsig
 * declare writes for tools that do not know the namespace (they cannot carry
 * the CC signal's "unless"), so they are noted, not read as second
 * statements that would turn the signal into a plain deny.
 *
 * plus:DataMining mapping (judgement on the SEE* codes: the deny is lifted
 * by the POLICY condition, i.e. a reuser who commits to follow the stated
 * constraint or rights expression; ccsig cannot read them for you):
 *   DMI-ALLOWED                              automated-processing allow
 *   DMI-PROHIBITED-AIMLTRAINING              train-ai deny
 *   DMI-PROHIBITED-GENAIMLTRAINING           train-genai deny
 *   DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING automated-processing deny, search allow
 *   DMI-PROHIBITED                           automated-processing deny
 *   DMI-PROHIBITED-SEE*                      automated-processing deny unless policy
 *   DMI-UNSPECIFIED                          nothing
 * The value may be the full URI or the bare code (the last path segment is
 * compared, case-insensitively). Codes of the 2023 PLUS draft (DMI-ALLOWED-
 * noaitraining, DMI-SEE-constraint, ...) are mapped by analogy, with a note.
 *
 * exempi keeps global state (xmp_init), set up once with pthread_once; every
 * XmpPtr is per call. exempi writes its error messages to stderr, so it is
 * given only well-formed packets (libxml2 checks them first) and files of
 * the formats it handles whose container structure is whole; the rest
 * (PDF, unknown formats, damaged files, WebP) are read by packet scanning or
 * by ccsig's own container walk.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <exempi/xmp.h>

#include "internal.h"

#define NS_PLUS "http://ns.useplus.org/ldf/xmp/1.0/"
#define NS_TDM "http://www.w3.org/ns/tdmrep/"
#define NS_TDM_HASH "http://www.w3.org/ns/tdmrep#"
#define NS_CCSIG "https://ccsig.org/ns/ccsignals/1.0/"
#define EMPTY ccsig_str_make("", 0)

static pthread_once_t xmp_once = PTHREAD_ONCE_INIT;
static bool xmp_ok;
/* exempi's objects are not documented as safe to use from several threads
 * at once (its namespace registry is global): live check's workers take
 * turns. Packets are small; the cost is nothing next to a fetch. */
static pthread_mutex_t xmp_mu = PTHREAD_MUTEX_INITIALIZER;

static void xmp_setup(void) {
    xmp_ok = xmp_init();
    if (!xmp_ok)
        return;
    XmpStringPtr pfx = xmp_string_new();
    xmp_register_namespace(NS_PLUS, "plus", pfx);
    xmp_register_namespace(NS_TDM, "tdm", pfx);
    xmp_register_namespace(NS_TDM_HASH, "tdmh", pfx);
    xmp_register_namespace(NS_CCSIG, "ccsig", pfx);
    xmp_string_free(pfx);
}

static bool xmp_ready(ccsig_error *err) {
    pthread_once(&xmp_once, xmp_setup);
    if (!xmp_ok)
        ccsig_error_set(err, CCSIG_ERR_UNSUPPORTED, 0, "exempi failed to initialise");
    return xmp_ok;
}

/* ---- plus:DataMining ---- */

typedef struct dmi_map {
    const char *code;
    int ap, train, genai, search; /* 0 nothing, 1 allow, 2 deny, 3 deny unless policy */
    bool draft;
} dmi_map;

static const dmi_map dmi_codes[] = {
    {"DMI-UNSPECIFIED", 0, 0, 0, 0, false},
    {"DMI-ALLOWED", 1, 0, 0, 0, false},
    {"DMI-PROHIBITED-AIMLTRAINING", 0, 2, 0, 0, false},
    {"DMI-PROHIBITED-GENAIMLTRAINING", 0, 0, 2, 0, false},
    {"DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING", 2, 0, 0, 1, false},
    {"DMI-PROHIBITED", 2, 0, 0, 0, false},
    {"DMI-PROHIBITED-SEECONSTRAINT", 3, 0, 0, 0, false},
    {"DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR", 3, 0, 0, 0, false},
    {"DMI-PROHIBITED-SEELINKEDRIGHTSEXPR", 3, 0, 0, 0, false},
    /* 2023 PLUS draft codes, by analogy */
    {"DMI-ALLOWED-noaitraining", 1, 2, 0, 0, true},
    {"DMI-ALLOWED-nogenaitraining", 1, 0, 2, 0, true},
    {"DMI-ALLOWED-searchengineindexing", 2, 0, 0, 1, true},
    {"DMI-ALLOWED-onlysearchengineindexing", 2, 0, 0, 1, true},
    {"DMI-NOT-ALLOWED", 2, 0, 0, 0, true},
    {"DMI-SEE-constraint", 3, 0, 0, 0, true},
    {"DMI-SEE-embeddedrightsexpr", 3, 0, 0, 0, true},
    {"DMI-SEE-linkedrightsexpr", 3, 0, 0, 0, true},
};

static void set_code(ccsig_statement *st, ccsig_category c, int v, ccsig_str label) {
    if (v == 1)
        ccsig_statement_set(st, c, CCSIG_STATE_ALLOW, CCSIG_SIGNAL_NONE, 0, label);
    else if (v == 2)
        ccsig_statement_set(st, c, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, 0, label);
    else if (v == 3)
        ccsig_statement_set(st, c, CCSIG_STATE_DENY, CCSIG_SIGNAL_NONE, CCSIG_COND_POLICY, label);
}

/* Map a DataMining value onto a statement. Returns false when the code is
 * not known (nothing set). */
static bool dmi_apply(ccsig_collect *c, const ccsig_provenance *src, ccsig_str value,
                      ccsig_str constraint, ccsig_statement **out) {
    ccsig_str v = src_trim(value);
    const char *slash = NULL;
    for (size_t i = v.len; i > 0; i--)
        if (v.p[i - 1] == '/') {
            slash = v.p + i - 1;
            break;
        }
    ccsig_str code = slash ? ccsig_str_make(slash + 1, v.len - (size_t)(slash + 1 - v.p)) : v;
    if (slash && !src_istarts(v, "http://ns.useplus.org/ldf/vocab/") &&
        !src_istarts(v, "https://ns.useplus.org/ldf/vocab/"))
        ccsig_collect_note(c, src,
                           "plus:DataMining is not in the PLUS vocabulary "
                           "(http://ns.useplus.org/ldf/vocab/); its last segment is read");
    const dmi_map *m = NULL;
    for (size_t i = 0; i < sizeof dmi_codes / sizeof dmi_codes[0] && !m; i++)
        if (ccsig_str_ieq(code, dmi_codes[i].code))
            m = &dmi_codes[i];
    if (!m) {
        ccsig_collect_note(c, src, "plus:DataMining code '%.*s' is not an IPTC code: ignored",
                           (int)code.len, code.p);
        return false;
    }
    if (m->draft)
        ccsig_collect_note(c, src,
                           "plus:DataMining '%.*s' is a code of the 2023 PLUS draft, not of the "
                           "IPTC standard; read by analogy",
                           (int)code.len, code.p);
    if (!m->ap && !m->train && !m->genai && !m->search)
        return true; /* DMI-UNSPECIFIED */
    if (m->ap == 3) {
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
        return true;
    st->src = *src;
    set_code(st, CCSIG_CAT_AUTOMATED_PROCESSING, m->ap, code);
    set_code(st, CCSIG_CAT_TRAIN_AI, m->train, code);
    set_code(st, CCSIG_CAT_TRAIN_GENAI, m->genai, code);
    set_code(st, CCSIG_CAT_SEARCH, m->search, code);
    if (out)
        *out = st;
    return true;
}

/* ---- one parsed XmpPtr ---- */

static ccsig_str get_prop(ccsig_arena *a, XmpPtr x, const char *ns, const char *name,
                          XmpStringPtr tmp) {
    if (!xmp_get_property(x, ns, name, tmp, NULL))
        return EMPTY;
    return src_dup(a, ccsig_str_c(xmp_string_cstr(tmp)));
}

static void read_xmp(ccsig_collect *c, XmpPtr x, ccsig_str origin) {
    ccsig_arena *a = c->arena;
    XmpStringPtr tmp = xmp_string_new();
    ccsig_str usage = get_prop(a, x, NS_CCSIG, "contentUsage", tmp);
    ccsig_str dmi = get_prop(a, x, NS_PLUS, "DataMining", tmp);
    ccsig_str constraint = EMPTY;
    XmpStringPtr lang = xmp_string_new();
    if (xmp_get_localized_text(x, NS_PLUS, "OtherConstraints", "", "x-default", lang, tmp, NULL))
        constraint = src_dup(a, ccsig_str_c(xmp_string_cstr(tmp)));
    xmp_string_free(lang);
    const char *tdm_ns = NS_TDM;
    ccsig_str res = get_prop(a, x, NS_TDM, "reservation", tmp);
    ccsig_str pol = get_prop(a, x, NS_TDM, "policy", tmp);
    if (!res.len && !pol.len) {
        res = get_prop(a, x, NS_TDM_HASH, "reservation", tmp);
        pol = get_prop(a, x, NS_TDM_HASH, "policy", tmp);
        tdm_ns = NS_TDM_HASH;
    }
    xmp_string_free(tmp);

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
        dmi_apply(c, &src, dmi, constraint, NULL);
    }
    if (res.len || pol.len) {
        ccsig_str text = src_printf(a, "tdm:reservation=%.*s%s%.*s (%s)", (int)res.len, res.p,
                                    pol.len ? " tdm:policy=" : "", (int)pol.len, pol.p, tdm_ns);
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
    if (!xmp_ready(err))
        return CCSIG_ERR_UNSUPPORTED;
    /* Well-formedness first, with libxml2: exempi writes its parse errors to
     * stderr, and a library must not print (hostile packets stop here). */
    ccsig_status st = src_xml_wellformed(p, len, err);
    if (st)
        return st;
    pthread_mutex_lock(&xmp_mu);
    XmpPtr x = xmp_new_empty();
    if (!x) {
        pthread_mutex_unlock(&xmp_mu);
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    if (!xmp_parse(x, p, len)) {
        int code = xmp_get_error();
        xmp_free(x);
        pthread_mutex_unlock(&xmp_mu);
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "not a valid XMP packet (exempi error %d)",
                               code);
    }
    read_xmp(c, x, origin);
    xmp_free(x);
    pthread_mutex_unlock(&xmp_mu);
    return CCSIG_OK;
}

ccsig_status ccsig_xmp_read_packet(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
                                   ccsig_error *err) {
    bool failed = c->arena->failed;
    return src_nomem(c, failed, xmp_read_packet(c, p, len, origin, err), err);
}

static ccsig_status xmp_read_file(ccsig_collect *c, const char *path, ccsig_str origin,
                                  ccsig_error *err) {
    if (!xmp_ready(err))
        return CCSIG_ERR_UNSUPPORTED;
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st)) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return ccsig_error_set(err, CCSIG_ERR_IO, 0, "cannot open %s: %s", path, strerror(e));
    }
    size_t len = (size_t)st.st_size;
    void *map = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    close(fd);
    if (map == MAP_FAILED)
        return ccsig_error_set(err, CCSIG_ERR_IO, 0, "cannot read %s: %s", path, strerror(errno));
    const char *p = map ? map : "";
    ccsig_file_format f = ccsig_file_format_sniff(p, len);
    /* exempi for the formats it has a handler for, when their structure is
     * whole; packet scanning (as exempi would do, without its messages on
     * stderr) for the rest: PDF, unknown formats, damaged files. */
    /* WebP: exempi 2.6's handler leaks on damaged files (found by
     * fuzz_xmp_file) and its writer drops image chunks; the RIFF walk of
     * embedded.c reads the XMP chunk instead. */
    pthread_mutex_lock(&xmp_mu);
    bool use_exempi = f != CCSIG_FMT_WEBP && xmp_files_check_file_format(path) != XMP_FT_UNKNOWN;
    pthread_mutex_unlock(&xmp_mu);
    if (use_exempi && !src_container_ok(p, len, f)) {
        use_exempi = false;
        ccsig_provenance src = src_prov(CCSIG_SRC_XMP, 0, origin, ccsig_str_make("", 0));
        ccsig_collect_note(c, &src,
                           "the %s structure is damaged or cut short: its XMP is looked for by "
                           "packet scanning",
                           ccsig_file_format_name(f));
    }
    ccsig_status rc = CCSIG_OK;
    bool damaged = !src_container_ok(p, len, f);
    if (use_exempi) {
        pthread_mutex_lock(&xmp_mu);
        XmpFilePtr xf = xmp_files_new();
        if (!xf) {
            rc = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        } else if (xmp_files_open(xf, path, XMP_OPEN_READ | XMP_OPEN_ONLYXMP)) {
            XmpPtr x = xmp_files_get_new_xmp(xf);
            if (x) {
                read_xmp(c, x, origin);
                xmp_free(x);
            }
            xmp_files_close(xf, XMP_CLOSE_NOOPTION);
        } else {
            use_exempi = false; /* no handler after all: scan */
        }
        if (xf)
            xmp_files_free(xf);
        pthread_mutex_unlock(&xmp_mu);
    }
    if (!use_exempi && rc == CCSIG_OK && !damaged) {
        ccsig_embedded_read(c, p, len, origin, CCSIG_EMBED_XMP);
    } else if (!use_exempi && rc == CCSIG_OK) {
        ccsig_str pk;
        size_t from = 0;
        while (ccsig_xmp_find_packet(p, len, from, &pk)) {
            ccsig_error perr;
            if (ccsig_xmp_read_packet(c, pk.p, pk.len, origin, &perr) != CCSIG_OK) {
                ccsig_provenance src = src_prov(CCSIG_SRC_XMP, 0, origin, ccsig_str_make("", 0));
                ccsig_collect_note(c, &src, "XMP packet not read: %s", perr.message);
            }
            from = (size_t)(pk.p - p) + pk.len;
        }
    }
    if (map)
        munmap(map, len);
    return rc;
}

ccsig_status ccsig_xmp_read_file(ccsig_collect *c, const char *path, ccsig_str origin,
                                 ccsig_error *err) {
    bool failed = c->arena->failed;
    return src_nomem(c, failed, xmp_read_file(c, path, origin, err), err);
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
