/*
 * sources/xmp.c — the optional libccsig-xmp: preferences in the XMP of a
 * file, taken out of it by exempi and read as a packet by
 * ccsig_xmp_read_packet (sources/xmp_packet.c, core). Below, what the packet
 * reader does: IPTC Photo
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

ccsig_status ccsig_xmp_read_file(ccsig_collect *c, const char *path, ccsig_str origin,
                                 ccsig_error *err) {
    bool failed = c->arena->failed;
    return src_nomem(c, failed, xmp_read_file(c, path, origin, err), err);
}
