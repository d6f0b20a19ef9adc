/*
 * sources/embedded.c — finding XMP packets and C2PA manifest stores in file
 * bytes, for assets fetched over HTTP (a prefix or a whole file) and for the
 * C2PA half of `ccsig inspect` (exempi reads a file's XMP there).
 *
 * Containers walked: JPEG markers up to SOS (APP1 XMP and extended XMP,
 * APP11 JPEG XT boxes: CI "JP", box instance En, sequence Z, continuation
 * segments repeating LBox/TBox), PNG chunks (iTXt XML:com.adobe.xmp, caBX),
 * RIFF chunks (`XMP `, `_PMX`, `C2PA`), top-level ISO BMFF boxes (XMP uuid
 * BE7ACFCB-97A9-42E8-9C71-999491E3AFAC, C2PA uuid D8FEC3D6-1B0E-483C-9297-
 * 5828877EC481 and the `c2pa` box). Other formats are packet-scanned (XMP
 * part 3). Every length is checked against the bytes present; a truncated
 * block is a note, never a read past the end.
 */
#include "internal.h"

#define EMPTY ccsig_str_make("", 0)

/* JPEG XT box instances reassembled per file (C2PA uses one). */
#define JPEG_MAX_INSTANCES 8

const char *ccsig_file_format_name(ccsig_file_format f) {
    static const char *const names[CCSIG_FMT_COUNT] = {
        "unknown", "jpeg", "png", "gif",  "tiff",  "webp", "riff", "heif",
        "bmff",    "pdf",  "svg", "html", "jumbf", "xmp",  "epub", "opf"};
    return (unsigned)f < CCSIG_FMT_COUNT ? names[f] : "unknown";
}

bool ccsig_file_format_is_image(ccsig_file_format f) {
    return f == CCSIG_FMT_JPEG || f == CCSIG_FMT_PNG || f == CCSIG_FMT_GIF || f == CCSIG_FMT_TIFF ||
           f == CCSIG_FMT_WEBP || f == CCSIG_FMT_HEIF || f == CCSIG_FMT_SVG;
}

static bool starts(const char *p, size_t len, const char *lit) {
    size_t n = strlen(lit);
    return len >= n && !memcmp(p, lit, n);
}

ccsig_file_format ccsig_file_format_sniff(const char *p, size_t len) {
    const unsigned char *u = (const unsigned char *)p;
    if (len >= 3 && u[0] == 0xFF && u[1] == 0xD8 && u[2] == 0xFF)
        return CCSIG_FMT_JPEG;
    if (starts(p, len, "\x89PNG\r\n\x1a\n"))
        return CCSIG_FMT_PNG;
    if (starts(p, len, "GIF87a") || starts(p, len, "GIF89a"))
        return CCSIG_FMT_GIF;
    if (starts(p, len, "II*\0") || starts(p, len, "MM\0*"))
        return CCSIG_FMT_TIFF;
    if (len >= 12 && starts(p, len, "RIFF"))
        return !memcmp(p + 8, "WEBP", 4) ? CCSIG_FMT_WEBP : CCSIG_FMT_RIFF;
    if (len >= 12 && !memcmp(p + 4, "ftyp", 4)) {
        static const char *const brands[] = {"avif", "avis", "heic", "heix",
                                             "heim", "heis", "mif1", "msf1"};
        for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
            if (!memcmp(p + 8, brands[i], 4))
                return CCSIG_FMT_HEIF;
        return CCSIG_FMT_BMFF;
    }
    if (starts(p, len, "%PDF-"))
        return CCSIG_FMT_PDF;
    if (len >= 8 && !memcmp(p + 4, "jumb", 4))
        return CCSIG_FMT_JUMBF;
    /* OCF: a ZIP whose first entry is "mimetype", stored, holding this */
    if (starts(p, len, "PK\3\4") && len >= 58 && !memcmp(p + 30, "mimetype", 8) &&
        !memcmp(p + 38, "application/epub+zip", 20))
        return CCSIG_FMT_EPUB;
    /* text formats: skip a BOM and leading whitespace */
    size_t i = 0;
    if (starts(p, len, "\xEF\xBB\xBF"))
        i = 3;
    while (i < len && src_is_space(p[i]))
        i++;
    ccsig_str t = ccsig_str_make(p + i, len - i);
    if (starts(t.p, t.len, "<?xpacket") || starts(t.p, t.len, "<x:xmpmeta") ||
        starts(t.p, t.len, "<x:xapmeta"))
        return CCSIG_FMT_XMP;
    size_t head = t.len < 1024 ? t.len : 1024;
    if ((src_istarts(t, "<?xml") || src_istarts(t, "<package")) &&
        src_ifind(t.p, head, "<package") < head &&
        src_ifind(t.p, head, "http://www.idpf.org/2007/opf") < head)
        return CCSIG_FMT_OPF;
    if (src_istarts(t, "<svg") || (src_istarts(t, "<?xml") && src_ifind(t.p, head, "<svg") < head))
        return CCSIG_FMT_SVG;
    if (src_istarts(t, "<!doctype html") || src_istarts(t, "<html") || src_istarts(t, "<head") ||
        src_istarts(t, "<meta") || (src_istarts(t, "<!--") && src_ifind(t.p, head, "<html") < head))
        return CCSIG_FMT_HTML;
    return CCSIG_FMT_UNKNOWN;
}

static unsigned be16(const unsigned char *p) {
    return (unsigned)p[0] << 8 | p[1];
}

uint32_t src_le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- how many bytes are needed ---- */

/* Walk JPEG markers; returns true when SOS or EOI was reached within len.
 * *need: the end of the segment being read when it was cut. */
static bool jpeg_walk_need(const unsigned char *p, size_t len, size_t *need) {
    size_t i = 2;
    for (;;) {
        if (i + 2 > len) {
            *need = i + 4;
            return false;
        }
        if (p[i] != 0xFF)
            return true; /* not a marker: nothing more to read as metadata */
        unsigned m = p[i + 1];
        if (m == 0xFF) {
            i++;
            continue;
        }
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
            i += 2;
            continue;
        }
        if (m == 0xDA || m == 0xD9) {
            *need = i;
            return true;
        }
        if (i + 4 > len) {
            *need = i + 4;
            return false;
        }
        size_t seg = be16(p + i + 2);
        if (seg < 2)
            return true;
        if (i + 2 + seg > len) {
            *need = i + 2 + seg + 4;
            return false;
        }
        i += 2 + seg;
    }
}

static bool png_walk_need(const unsigned char *p, size_t len, size_t *need) {
    size_t i = 8;
    for (;;) {
        if (i + 8 > len) {
            *need = i + 8;
            return false;
        }
        uint32_t n = src_be32(p + i);
        if (!memcmp(p + i + 4, "IDAT", 4) || !memcmp(p + i + 4, "IEND", 4)) {
            *need = i;
            return true;
        }
        if ((uint64_t)i + 12 + n > len) {
            *need = (size_t)((uint64_t)i + 12 + n + 8 < SIZE_MAX ? i + 12 + n + 8 : SIZE_MAX);
            return false;
        }
        i += 12 + n;
    }
}

bool ccsig_embedded_prefix_enough(const char *cp, size_t len, size_t *need) {
    const unsigned char *p = (const unsigned char *)cp;
    *need = 0;
    switch (ccsig_file_format_sniff(cp, len)) {
    case CCSIG_FMT_JPEG:
        return jpeg_walk_need(p, len, need);
    case CCSIG_FMT_PNG:
        return png_walk_need(p, len, need);
    case CCSIG_FMT_WEBP:
    case CCSIG_FMT_RIFF:
        if (len >= 8) {
            uint64_t total = (uint64_t)src_le32(p + 4) + 8;
            *need = total < SIZE_MAX ? (size_t)total : SIZE_MAX;
            return len >= total;
        }
        return false;
    default:
        return false; /* the whole file may be needed */
    }
}

/* ---- reading ---- */

typedef struct emb {
    ccsig_collect *c;
    ccsig_str origin;
    unsigned what;
    size_t blocks;
} emb;

static void xmp_block(emb *e, const char *p, size_t n, const char *where) {
    if (!(e->what & CCSIG_EMBED_XMP))
        return;
    ccsig_error err;
    ccsig_str origin = src_printf(e->c->arena, "%.*s (XMP in %s)", (int)e->origin.len,
                                  e->origin.p ? e->origin.p : "", where);
    if (ccsig_xmp_read_packet(e->c, p, n, origin, &err) == CCSIG_OK) {
        e->blocks++;
    } else {
        ccsig_provenance src = src_prov(CCSIG_SRC_XMP, 0, origin, EMPTY);
        ccsig_collect_note(e->c, &src, "XMP packet not read: %s", err.message);
    }
}

static void c2pa_block(emb *e, const char *p, size_t n, const char *where) {
    if (!(e->what & CCSIG_EMBED_C2PA))
        return;
    ccsig_error err;
    ccsig_str origin = src_printf(e->c->arena, "%.*s (C2PA in %s)", (int)e->origin.len,
                                  e->origin.p ? e->origin.p : "", where);
    if (ccsig_c2pa_read_store(e->c, p, n, origin, &err) == CCSIG_OK) {
        e->blocks++;
    } else {
        ccsig_provenance src = src_prov(CCSIG_SRC_C2PA, 0, origin, EMPTY);
        ccsig_collect_note(e->c, &src, "C2PA manifest store not read: %s", err.message);
    }
}

static void truncated(emb *e, const char *what) {
    ccsig_provenance src = src_prov(CCSIG_SRC_XMP, 0, e->origin, EMPTY);
    ccsig_collect_note(e->c, &src, "%s is cut short in the bytes read: not read", what);
}

/* Is the container's structure whole (every length inside the bytes)? */
bool src_container_ok(const char *cp, size_t len, ccsig_file_format f) {
    const unsigned char *p = (const unsigned char *)cp;
    size_t need;
    switch (f) {
    case CCSIG_FMT_JPEG:
        return jpeg_walk_need(p, len, &need) && need <= len;
    case CCSIG_FMT_PNG: {
        size_t i = 8;
        while (i + 12 <= len) {
            uint32_t n = src_be32(p + i);
            if ((uint64_t)i + 12 + n > len)
                return false;
            if (!memcmp(p + i + 4, "IEND", 4))
                return true;
            i += 12 + n;
        }
        return false;
    }
    case CCSIG_FMT_WEBP:
    case CCSIG_FMT_RIFF: {
        if (len < 12 || (uint64_t)src_le32(p + 4) + 8 > len)
            return false;
        size_t i = 12;
        while (i + 8 <= len) {
            uint64_t n = src_le32(p + i + 4);
            if (i + 8 + n > len)
                return false;
            i += 8 + (size_t)n + (n & 1);
        }
        return i >= len - (len & 1);
    }
    case CCSIG_FMT_HEIF:
    case CCSIG_FMT_BMFF: {
        box b;
        size_t off = 0;
        while (off < len && src_box_next(p, len, off, &b))
            off = b.end;
        return off == len;
    }
    default:
        return true;
    }
}

static void scan_packets(emb *e, const char *p, size_t len, const char *where) {
    ccsig_str pk;
    size_t from = 0;
    unsigned n = 0;
    while (ccsig_xmp_find_packet(p, len, from, &pk)) {
        xmp_block(e, pk.p, pk.len, where);
        from = (size_t)(pk.p - p) + pk.len;
        n++;
    }
    if (n > 1) {
        ccsig_provenance src = src_prov(CCSIG_SRC_XMP, 0, e->origin, EMPTY);
        ccsig_collect_note(e->c, &src,
                           "%u XMP packets found by packet scanning; all were read (one may "
                           "belong to an embedded object rather than the whole %s)",
                           n, where);
    }
}

#define XMP_SIG "http://ns.adobe.com/xap/1.0/"
#define XMP_EXT_SIG "http://ns.adobe.com/xmp/extension/"

typedef struct jxt {
    unsigned en;
    char *buf;
    size_t len, cap;
    uint32_t next_z;
    bool broken;
} jxt;

static void jpeg_read(emb *e, const unsigned char *p, size_t len) {
    jxt inst[JPEG_MAX_INSTANCES];
    size_t ninst = 0;
    char *ext = NULL; /* extended XMP, reassembled */
    size_t ext_len = 0;
    char ext_guid[32];
    size_t i = 2;
    bool cut = false;
    for (;;) {
        if (i + 2 > len) {
            cut = true;
            break;
        }
        if (p[i] != 0xFF)
            break;
        unsigned m = p[i + 1];
        if (m == 0xFF) {
            i++;
            continue;
        }
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
            i += 2;
            continue;
        }
        if (m == 0xDA || m == 0xD9)
            break;
        if (i + 4 > len) {
            cut = true;
            break;
        }
        size_t seg = be16(p + i + 2);
        if (seg < 2)
            break;
        if (i + 2 + seg > len) {
            cut = true;
            break;
        }
        const unsigned char *d = p + i + 4;
        size_t n = seg - 2;
        if (m == 0xE1 && n > sizeof XMP_SIG && !memcmp(d, XMP_SIG, sizeof XMP_SIG)) {
            xmp_block(e, (const char *)d + sizeof XMP_SIG, n - sizeof XMP_SIG, "JPEG APP1");
        } else if (m == 0xE1 && n > sizeof XMP_EXT_SIG + 40 &&
                   !memcmp(d, XMP_EXT_SIG, sizeof XMP_EXT_SIG)) {
            const unsigned char *h = d + sizeof XMP_EXT_SIG;
            uint32_t full = src_be32(h + 32), off = src_be32(h + 36);
            size_t cn = n - sizeof XMP_EXT_SIG - 40;
            if (!ext && full <= CCSIG_XMP_MAX_PACKET) {
                ext = ccsig_arena_alloc(e->c->arena, full + 1);
                if (ext) {
                    memset(ext, ' ', full);
                    ext_len = full;
                    memcpy(ext_guid, h, 32);
                }
            }
            if (ext && !memcmp(ext_guid, h, 32) && off <= ext_len && cn <= ext_len - off)
                memcpy(ext + off, h + 40, cn);
        } else if (m == 0xEB && n >= 16 && d[0] == 'J' && d[1] == 'P') {
            unsigned en = be16(d + 2);
            uint32_t z = src_be32(d + 4);
            jxt *x = NULL;
            for (size_t k = 0; k < ninst && !x; k++)
                if (inst[k].en == en)
                    x = &inst[k];
            if (!x && ninst < JPEG_MAX_INSTANCES) {
                x = &inst[ninst++];
                memset(x, 0, sizeof *x);
                x->en = en;
                x->next_z = 1;
            }
            if (x && !x->broken) {
                const unsigned char *body = d + 8;
                size_t bn = n - 8;
                if (z != x->next_z) {
                    x->broken = true;
                } else {
                    if (z > 1) { /* continuation: LBox/TBox (and XLBox) repeated */
                        size_t skip = src_be32(body) == 1 ? 16 : 8;
                        if (bn < skip)
                            x->broken = true;
                        body += skip < bn ? skip : bn;
                        bn -= skip < bn ? skip : bn;
                    } else if (bn >= 8) {
                        uint32_t lbox = src_be32(body);
                        size_t total = lbox == 1 && bn >= 16 ? (size_t)-1 : lbox;
                        x->cap = total > CCSIG_C2PA_MAX_STORE ? CCSIG_C2PA_MAX_STORE : total;
                        x->buf = x->cap ? ccsig_arena_alloc(e->c->arena, x->cap) : NULL;
                        if (!x->buf)
                            x->broken = true;
                    }
                    if (!x->broken && x->buf) {
                        size_t take = bn <= x->cap - x->len ? bn : x->cap - x->len;
                        memcpy(x->buf + x->len, body, take);
                        x->len += take;
                    }
                    x->next_z++;
                }
            }
        }
        i += 2 + seg;
    }
    if (cut)
        truncated(e, "a JPEG metadata segment");
    for (size_t k = 0; k < ninst; k++) {
        if (inst[k].broken || !inst[k].buf) {
            ccsig_provenance src = src_prov(CCSIG_SRC_C2PA, 0, e->origin, EMPTY);
            ccsig_collect_note(e->c, &src,
                               "JPEG APP11 box instance %u has missing or out-of-order segments: "
                               "not read",
                               inst[k].en);
            continue;
        }
        if (inst[k].len >= 8 && !memcmp(inst[k].buf + 4, "jumb", 4))
            c2pa_block(e, inst[k].buf, inst[k].len, "JPEG APP11");
    }
    if (ext)
        xmp_block(e, ext, ext_len, "JPEG extended XMP");
}

static void png_read(emb *e, const unsigned char *p, size_t len) {
    size_t i = 8;
    for (;;) {
        if (i + 8 > len) {
            if (i < len)
                truncated(e, "a PNG chunk");
            return;
        }
        uint32_t n = src_be32(p + i);
        const unsigned char *type = p + i + 4;
        if ((uint64_t)i + 12 + n > len) {
            if (!memcmp(type, "iTXt", 4) || !memcmp(type, "caBX", 4))
                truncated(e, !memcmp(type, "caBX", 4) ? "the PNG caBX chunk" : "a PNG iTXt chunk");
            return;
        }
        const unsigned char *d = p + i + 8;
        if (!memcmp(type, "iTXt", 4) && n > 18 && !memcmp(d, "XML:com.adobe.xmp\0", 18)) {
            /* keyword\0 compression-flag method language\0 translated\0 text */
            size_t k = 18;
            if (k + 2 <= n) {
                bool compressed = d[k] != 0;
                k += 2;
                const unsigned char *z = k < n ? memchr(d + k, 0, n - k) : NULL;
                k = z ? (size_t)(z - d) + 1 : n;
                z = k < n ? memchr(d + k, 0, n - k) : NULL;
                k = z ? (size_t)(z - d) + 1 : n;
                if (compressed) {
                    ccsig_provenance src = src_prov(CCSIG_SRC_XMP, 0, e->origin, EMPTY);
                    ccsig_collect_note(e->c, &src,
                                       "the PNG's XMP is zlib-compressed: not read from bytes "
                                       "(ccsig inspect reads it from the file)");
                } else if (k < n) {
                    xmp_block(e, (const char *)d + k, n - k, "PNG iTXt");
                }
            }
        } else if (!memcmp(type, "caBX", 4)) {
            c2pa_block(e, (const char *)d, n, "PNG caBX");
        } else if (!memcmp(type, "IEND", 4)) {
            return;
        }
        i += 12 + n;
    }
}

static void riff_read(emb *e, const unsigned char *p, size_t len) {
    size_t i = 12;
    while (i + 8 <= len) {
        uint32_t n = src_le32(p + i + 4);
        const unsigned char *id = p + i;
        if ((uint64_t)i + 8 + n > len) {
            if (!memcmp(id, "XMP ", 4) || !memcmp(id, "C2PA", 4))
                truncated(e, "a RIFF metadata chunk");
            return;
        }
        const char *d = (const char *)p + i + 8;
        if (!memcmp(id, "XMP ", 4) || !memcmp(id, "_PMX", 4))
            xmp_block(e, d, n, "RIFF XMP chunk");
        else if (!memcmp(id, "C2PA", 4))
            c2pa_block(e, d, n, "RIFF C2PA chunk");
        i += 8 + (size_t)n + (n & 1);
    }
}

static const unsigned char UUID_C2PA[16] = {0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C,
                                            0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81};
static const unsigned char UUID_XMP[16] = {0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8,
                                           0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC};

/* The JUMBF inside a C2PA BMFF box payload: version/flags, purpose string,
 * (for "manifest") an 8-byte merkle offset, then the store. */
static void bmff_c2pa(emb *e, const unsigned char *d, size_t n) {
    if (n < 5)
        return;
    const unsigned char *purpose = d + 4;
    const unsigned char *nul = memchr(purpose, 0, n - 4);
    if (!nul)
        return;
    size_t k = (size_t)(nul - d) + 1;
    if (!strcmp((const char *)purpose, "manifest"))
        k += 8;
    else
        return; /* "merkle" boxes hold hashes, not the store */
    if (k < n)
        c2pa_block(e, (const char *)d + k, n - k, "BMFF box");
}

static void bmff_read(emb *e, const unsigned char *p, size_t len) {
    box b;
    bool xmp = false;
    size_t off = 0;
    while (src_box_next(p, len, off, &b)) {
        const unsigned char *d = p + b.payload;
        size_t n = b.end - b.payload;
        if (!memcmp(b.type, "uuid", 4) && n >= 16) {
            if (!memcmp(d, UUID_C2PA, 16))
                bmff_c2pa(e, d + 16, n - 16);
            else if (!memcmp(d, UUID_XMP, 16)) {
                xmp_block(e, (const char *)d + 16, n - 16, "BMFF XMP box");
                xmp = true;
            }
        } else if (!memcmp(b.type, "c2pa", 4)) {
            bmff_c2pa(e, d, n);
        }
        off = b.end;
    }
    if (off < len && len - off >= 8) {
        uint64_t sz = src_be32(p + off);
        if (sz > len - off)
            truncated(e, "an ISO BMFF box");
    }
    if (!xmp)
        scan_packets(e, (const char *)p, len, "ISO BMFF file");
}

size_t ccsig_embedded_read(ccsig_collect *c, const char *cp, size_t len, ccsig_str origin,
                           unsigned what) {
    emb e = {c, origin, what, 0};
    const unsigned char *p = (const unsigned char *)cp;
    ccsig_file_format f = ccsig_file_format_sniff(cp, len);
    switch (f) {
    case CCSIG_FMT_JPEG:
        jpeg_read(&e, p, len);
        break;
    case CCSIG_FMT_PNG:
        png_read(&e, p, len);
        break;
    case CCSIG_FMT_WEBP:
    case CCSIG_FMT_RIFF:
        riff_read(&e, p, len);
        break;
    case CCSIG_FMT_HEIF:
    case CCSIG_FMT_BMFF:
        bmff_read(&e, p, len);
        break;
    case CCSIG_FMT_JUMBF:
        c2pa_block(&e, cp, len, "a .c2pa manifest store");
        break;
    case CCSIG_FMT_XMP:
        scan_packets(&e, cp, len, "an XMP sidecar");
        break;
    case CCSIG_FMT_HTML:
        break; /* the HTML scanner reads it */
    default:
        scan_packets(&e, cp, len, ccsig_file_format_name(f));
    }
    return e.blocks;
}
