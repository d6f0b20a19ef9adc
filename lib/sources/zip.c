/*
 * sources/zip.c — reading named entries of a ZIP archive held in memory, for
 * the EPUB container (OCF: a ZIP file, APPNOTE.TXT 6.3): the end of central
 * directory record, the central directory, one local header, and the entry's
 * data stored or deflated.
 *
 * Why not libzip or minizip: an EPUB reader needs two small entries
 * (META-INF/container.xml and the package document) of a file that is
 * already in memory; the library links ISA-L for WARC already, whose inflate
 * takes raw deflate (ISAL_DEFLATE) and whose crc32_gzip_refl is the ZIP
 * CRC-32. What remains is walking fixed-size records with every length
 * checked against the bytes present, which is shorter than the glue for a
 * file-oriented library and adds no dependency to the readers.
 *
 * Not supported (an error, never a guess): split or spanned archives,
 * ZIP64 records, encrypted entries, methods other than stored (0) and
 * deflate (8). Entries are found by exact name, the first in central
 * directory order; the central directory, not the local header, gives the
 * sizes (a data descriptor leaves the local ones zero).
 */
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>

#include "internal.h"

#define SIG_EOCD 0x06054b50u
#define SIG_CDIR 0x02014b50u
#define SIG_LOCAL 0x04034b50u
#define EOCD_SIZE 22u
#define CDIR_SIZE 46u
#define LOCAL_SIZE 30u
/* The EOCD record ends the file but for its comment (at most 65535 bytes). */
#define EOCD_SEARCH (EOCD_SIZE + 65535u)

static unsigned le16(const unsigned char *p) {
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static ccsig_status bad(ccsig_error *err, size_t off, const char *what) {
    return ccsig_error_set(err, CCSIG_ERR_SYNTAX, off, "ZIP container: %s (byte %zu)", what, off);
}

ccsig_status src_zip_open(const char *cp, size_t len, src_zip *z, ccsig_error *err) {
    const unsigned char *p = (const unsigned char *)cp;
    memset(z, 0, sizeof *z);
    if (len < EOCD_SIZE)
        return bad(err, 0, "too short for an end of central directory record");
    size_t lo = len > EOCD_SEARCH ? len - EOCD_SEARCH : 0;
    size_t e = len - EOCD_SIZE + 1;
    bool found = false;
    while (e-- > lo) {
        /* the record's comment must reach exactly to the end of the file */
        if (src_le32(p + e) == SIG_EOCD && e + EOCD_SIZE + le16(p + e + 20) == len) {
            found = true;
            break;
        }
    }
    if (!found)
        return bad(err, len, "no end of central directory record (not a ZIP file, or cut short)");
    unsigned disk = le16(p + e + 4), cd_disk = le16(p + e + 6);
    unsigned n_here = le16(p + e + 8), n_total = le16(p + e + 10);
    uint32_t cd_size = src_le32(p + e + 12), cd_off = src_le32(p + e + 16);
    if (n_total == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu)
        return bad(err, e, "ZIP64 archives are not supported");
    if (disk != 0 || cd_disk != 0 || n_here != n_total)
        return bad(err, e, "split or spanned archives are not supported");
    if ((uint64_t)cd_off + cd_size > e)
        return bad(err, e, "the central directory lies outside the file");
    z->p = cp;
    z->len = len;
    z->cd = cd_off;
    z->cd_end = (size_t)cd_off + cd_size;
    z->entries = n_total;
    return CCSIG_OK;
}

/* The central directory record at *off: fills e, advances *off. */
static ccsig_status cdir_next(const src_zip *z, size_t *off, src_zip_entry *e, ccsig_error *err) {
    const unsigned char *p = (const unsigned char *)z->p;
    size_t o = *off;
    if (o + CDIR_SIZE > z->cd_end || src_le32(p + o) != SIG_CDIR)
        return bad(err, o, "expected a central directory file header");
    size_t nl = le16(p + o + 28), xl = le16(p + o + 30), cl = le16(p + o + 32);
    if (o + CDIR_SIZE + nl + xl + cl > z->cd_end)
        return bad(err, o, "a central directory file header runs past the directory");
    e->flags = le16(p + o + 8);
    e->method = le16(p + o + 10);
    e->crc = src_le32(p + o + 16);
    e->csize = src_le32(p + o + 20);
    e->usize = src_le32(p + o + 24);
    e->local = src_le32(p + o + 42);
    e->name = ccsig_str_make(z->p + o + CDIR_SIZE, nl);
    e->header = o;
    *off = o + CDIR_SIZE + nl + xl + cl;
    return CCSIG_OK;
}

ccsig_status src_zip_find(const src_zip *z, const char *name, src_zip_entry *out, bool *found,
                          ccsig_error *err) {
    *found = false;
    size_t off = z->cd;
    for (unsigned i = 0; i < z->entries; i++) {
        src_zip_entry e;
        ccsig_status st = cdir_next(z, &off, &e, err);
        if (st)
            return st;
        if (ccsig_str_eq(e.name, name)) {
            *out = e;
            *found = true;
            return CCSIG_OK;
        }
    }
    return CCSIG_OK;
}

ccsig_status src_zip_read(const src_zip *z, const src_zip_entry *e, ccsig_arena *a, size_t max,
                          ccsig_str *out, ccsig_error *err) {
    const unsigned char *p = (const unsigned char *)z->p;
    size_t o = e->local;
    if (e->flags & 1u)
        return bad(err, e->header, "the entry is encrypted");
    if (e->method != 0 && e->method != 8)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, e->header,
                               "ZIP container: compression method %u is not supported (only "
                               "stored and deflate; byte %zu)",
                               e->method, e->header);
    if (e->usize > max)
        return ccsig_error_set(err, CCSIG_ERR_LIMIT, e->header,
                               "ZIP container: entry '%.*s' is %u bytes, more than the %zu read",
                               (int)e->name.len, e->name.p, e->usize, max);
    /* deflate expands at most 1032:1: a larger claim is damage (or a bomb),
     * refused before anything is allocated for it */
    if (e->method == 8 && (uint64_t)e->usize > (uint64_t)e->csize * 1032u + 64u)
        return bad(err, e->header, "the entry's sizes are impossible for deflate data");
    if ((uint64_t)o + LOCAL_SIZE > z->len || src_le32(p + o) != SIG_LOCAL)
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, e->header,
                               "ZIP container: expected a local file header at byte %zu, where the "
                               "central directory record at byte %zu points",
                               o, e->header);
    size_t data = o + LOCAL_SIZE + le16(p + o + 26) + le16(p + o + 28);
    if ((uint64_t)data + e->csize > z->len)
        return bad(err, o, "the entry's data runs past the end of the file");
    char *buf = ccsig_arena_alloc(a, (size_t)e->usize + 1);
    if (!buf)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    if (e->method == 0) {
        if (e->csize != e->usize)
            return bad(err, e->header, "a stored entry's sizes differ");
        memcpy(buf, z->p + data, e->usize);
    } else {
        /* the inflate state holds its 32 KiB window: arena, not stack */
        struct inflate_state *st = ccsig_arena_alloc(a, sizeof *st);
        if (!st)
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        isal_inflate_init(st);
        st->crc_flag = ISAL_DEFLATE;
        st->next_in = (uint8_t *)(uintptr_t)(p + data);
        st->avail_in = e->csize;
        /* one byte of room past usize tells a longer stream from an exact one */
        st->next_out = (uint8_t *)buf;
        st->avail_out = e->usize + 1;
        int r = isal_inflate(st);
        size_t got = (size_t)e->usize + 1 - st->avail_out;
        if (r != ISAL_DECOMP_OK || st->block_state != ISAL_BLOCK_FINISH)
            return bad(err, data, "the entry's deflate data is damaged or cut short");
        if (got != e->usize)
            return bad(err, e->header, "the entry inflates to another size than recorded");
    }
    if (crc32_gzip_refl(0, (const unsigned char *)buf, e->usize) != e->crc)
        return bad(err, data, "the entry's CRC-32 does not match its data");
    buf[e->usize] = '\0';
    *out = ccsig_str_make(buf, e->usize);
    return CCSIG_OK;
}
