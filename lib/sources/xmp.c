/*
 * sources/xmp.c — preferences in XMP metadata, for the collector: IPTC Photo
 * Metadata "Data Mining" (plus:DataMining, peer-signals.md §5), TDMRep in
 * XMP (§2, both namespace spellings), and the CC signals properties of
 * `ccsig declare --format xmp` (the ccsig namespace, docs/xmp-namespace.md).
 *
 * The packet is read by the library's one XMP reader (ccsig_xmp_read,
 * xmpns.c: expat, no DTDs) and plus:DataMining is mapped by its one table
 * (ccsig_xmp_dmi_find, xmpns.h); this file adds what a collector needs
 * (notes, TDMRep levels) and the exempi layer that takes a packet out of a
 * file of a format exempi handles.
 *
 * One packet, one declaration: when a packet holds ccsig:contentUsage, the
 * plus:DataMining and tdm:* values next to it are the lossy rendering ccsig
 * declare writes for tools that do not know the namespace (they cannot carry
 * the CC signal's "unless"), so they are noted, not read as second
 * statements that would turn the signal into a plain deny.
 *
 * exempi keeps global state (xmp_init), set up once with pthread_once; every
 * XmpFilePtr is per call. exempi writes its error messages to stderr, so it
 * is given only files of the formats it handles whose container structure
 * is whole; the rest (PDF, unknown formats, damaged files, WebP) are read by
 * packet scanning or by ccsig's own container walk.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <exempi/xmp.h>

#include "ccsig/xmpns.h"
#include "internal.h"

#define EMPTY ccsig_str_make("", 0)

static pthread_once_t xmp_once = PTHREAD_ONCE_INIT;
static bool xmp_ok;
/* exempi's objects are not documented as safe to use from several threads
 * at once (its namespace registry is global): live check's workers take
 * turns. Packets are small; the cost is nothing next to a fetch. */
static pthread_mutex_t xmp_mu = PTHREAD_MUTEX_INITIALIZER;

static void xmp_setup(void) {
    xmp_ok = xmp_init();
}

static bool xmp_ready(ccsig_error *err) {
    pthread_once(&xmp_once, xmp_setup);
    if (!xmp_ok)
        ccsig_error_set(err, CCSIG_ERR_UNSUPPORTED, 0, "exempi failed to initialise");
    return xmp_ok;
}

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

static void collect_props(ccsig_collect *c, const ccsig_xmp_props *x, ccsig_str origin) {
    ccsig_arena *a = c->arena;
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

ccsig_status ccsig_xmp_read_packet(ccsig_collect *c, const char *p, size_t len, ccsig_str origin,
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

ccsig_status ccsig_xmp_read_file(ccsig_collect *c, const char *path, ccsig_str origin,
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
            /* exempi only takes the packet out; ccsig's reader reads it */
            XmpStringPtr pk = xmp_string_new();
            if (pk && xmp_files_get_xmp_xmpstring(xf, pk, NULL)) {
                const char *s = xmp_string_cstr(pk);
                ccsig_error perr;
                if (s && *s && ccsig_xmp_read_packet(c, s, strlen(s), origin, &perr) != CCSIG_OK) {
                    ccsig_provenance src =
                        src_prov(CCSIG_SRC_XMP, 0, origin, ccsig_str_make("", 0));
                    ccsig_collect_note(c, &src, "XMP packet not read: %s", perr.message);
                }
            }
            xmp_string_free(pk);
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
