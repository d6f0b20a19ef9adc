/*
 * sf.c — RFC 9651 Structured Field Values.
 *
 * The parser is the algorithm of RFC 9651 §4.2 written as a recursive-descent
 * reader over (pointer, length) with a cursor. Character classes come from
 * 256-entry tables so the common paths (keys, tokens, plain strings, small
 * integers) are a table lookup per byte. Results go into the caller's arena;
 * arrays grow in place while they are the arena's last allocation (the
 * normal case), so a parse usually copies nothing.
 *
 * Dictionaries and parameter lists with many members use a small
 * open-addressing index (built in the arena once they pass INDEX_MIN
 * entries) so duplicate detection stays linear.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>

#include "ccsig/sf.h"

#include "ccsig/hashmap.h"

/* Character class bits. */
enum {
    C_LCALPHA = 1 << 0, /* a-z */
    C_KEYCHAR = 1 << 1, /* lcalpha DIGIT _ - . * */
    C_TCHAR = 1 << 2,   /* RFC 9110 tchar plus ':' and '/' (token continuation) */
    C_ALPHA = 1 << 3,
    C_DIGIT = 1 << 4,
    C_B64 = 1 << 5,   /* A-Z a-z 0-9 + / = */
    C_STRCH = 1 << 6, /* printable ASCII 0x20..0x7e except '"' and '\\' */
    C_LCHEX = 1 << 7  /* 0-9 a-f */
};

static unsigned char cls[256];
static signed char b64val[256];
static signed char b64urlval[256]; /* the URL- and filename-safe alphabet */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void build_tables(void) {
    for (int c = 0; c < 256; c++) {
        unsigned char f = 0;
        bool lc = c >= 'a' && c <= 'z', uc = c >= 'A' && c <= 'Z', dg = c >= '0' && c <= '9';
        if (lc)
            f |= C_LCALPHA;
        if (lc || dg || c == '_' || c == '-' || c == '.' || c == '*')
            f |= C_KEYCHAR;
        if (lc || uc || dg || (c && strchr("!#$%&'*+-.^_`|~:/", c)))
            f |= C_TCHAR;
        if (lc || uc)
            f |= C_ALPHA;
        if (dg)
            f |= C_DIGIT;
        if (lc || uc || dg || c == '+' || c == '/' || c == '=')
            f |= C_B64;
        if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\')
            f |= C_STRCH;
        if (dg || (c >= 'a' && c <= 'f'))
            f |= C_LCHEX;
        cls[c] = f;
        b64val[c] = b64urlval[c] = -1;
    }
    const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; i++) {
        b64val[(unsigned char)alpha[i]] = (signed char)i;
        b64urlval[(unsigned char)(i == 62 ? '-' : i == 63 ? '_' : alpha[i])] = (signed char)i;
    }
}

static void init_tables(void) {
    pthread_once(&tables_once, build_tables);
}

#define IS(c, f) (cls[(unsigned char)(c)] & (f))

typedef struct parser {
    const char *p;   /* start of input */
    const char *cur; /* cursor */
    const char *end;
    ccsig_arena *a;
    ccsig_error *err;
} parser;

static ccsig_status fail(parser *ps, const char *what) {
    size_t off = (size_t)(ps->cur - ps->p);
    if (ps->cur >= ps->end)
        return ccsig_error_set(ps->err, CCSIG_ERR_SYNTAX, off, "%s, found end of input", what);
    unsigned char c = (unsigned char)*ps->cur;
    if (c >= 0x21 && c <= 0x7e)
        return ccsig_error_set(ps->err, CCSIG_ERR_SYNTAX, off, "%s, found '%c'", what, c);
    return ccsig_error_set(ps->err, CCSIG_ERR_SYNTAX, off, "%s, found byte 0x%02x", what, c);
}

static ccsig_status nomem(parser *ps) {
    return ccsig_error_set(ps->err, CCSIG_ERR_NOMEM, (size_t)(ps->cur - ps->p), "out of memory");
}

static inline void skip_sp(parser *ps) {
    while (ps->cur < ps->end && *ps->cur == ' ')
        ps->cur++;
}

static inline void skip_ows(parser *ps) {
    while (ps->cur < ps->end && (*ps->cur == ' ' || *ps->cur == '\t'))
        ps->cur++;
}

/* Grow an arena array of elem-sized entries from *cap to at least n+1. When
 * the array is the arena's last allocation it grows in place. */
static void *grow(ccsig_arena *a, void *arr, size_t n, size_t *cap, size_t elem) {
    if (n < *cap)
        return arr;
    size_t ncap = *cap ? *cap * 2 : 4;
    size_t oldb = (*cap * elem + 7u) & ~(size_t)7u, newb = (ncap * elem + 7u) & ~(size_t)7u;
    if (arr && (char *)arr + oldb == a->cur && (size_t)(a->end - (char *)arr) >= newb) {
        a->cur = (char *)arr + newb;
        *cap = ncap;
        return arr;
    }
    void *na = ccsig_arena_alloc(a, ncap * elem);
    if (!na)
        return NULL;
    if (n)
        memcpy(na, arr, n * elem);
    *cap = ncap;
    return na;
}

/* Give back the unused tail of an array when it is the arena's last block. */
static void shrink(ccsig_arena *a, void *arr, size_t n, size_t cap, size_t elem) {
    size_t oldb = (cap * elem + 7u) & ~(size_t)7u, newb = (n * elem + 7u) & ~(size_t)7u;
    if (arr && (char *)arr + oldb == a->cur)
        a->cur = (char *)arr + newb;
}

/* Duplicate-key index shared by dictionaries and parameters (both element
 * types start with their ccsig_str key). Below INDEX_MIN entries a linear
 * search is cheapest; past it an open-addressing table of (position, hash)
 * pairs, kept at most half full, makes lookups O(1) and compares bytes only
 * on a full hash match. Key hashes are computed while the key is scanned
 * (parse_key). Large fields size the table once from a comma count
 * (presize_count), so it is rarely rebuilt. */
#define INDEX_MIN 16

typedef struct index_slot {
    uint32_t pos1; /* entry position + 1; 0 = empty */
    uint32_t hash;
} index_slot;

typedef struct key_index {
    index_slot *slot;
    size_t mask;
} key_index;

static inline ccsig_str key_at(const void *base, size_t elem, size_t i) {
    return *(const ccsig_str *)(const void *)((const char *)base + i * elem);
}

/* The library's one hash (ccsig/hashmap.h), its low 32 bits kept. */
static inline uint32_t key_hash(ccsig_str k) {
    return (uint32_t)ccsig_fnv1a64(k.p, k.len);
}

static inline bool same_key(ccsig_str a, ccsig_str b) {
    return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

static inline void slot_put(key_index *ix, uint32_t h, size_t pos) {
    /* at most half full (index_find grows it first): the probe ends */
    assert((pos + 1) * 2 <= ix->mask + 1);
    size_t k = h & ix->mask;
    while (ix->slot[k].pos1)
        k = (k + 1) & ix->mask;
    ix->slot[k].pos1 = (uint32_t)(pos + 1);
    ix->slot[k].hash = h;
}

/* (Re)build the table with room for `size` slots (a power of two) holding
 * the first n entries at base. */
static bool index_build(ccsig_arena *a, key_index *ix, const void *base, size_t elem, size_t n,
                        size_t size) {
    key_index old = *ix;
    assert(size && (size & (size - 1)) == 0 && n * 2 <= size); /* a power of two, half free */
    index_slot *slot = ccsig_arena_alloc(a, size * sizeof *slot);
    if (!slot)
        return false;
    memset(slot, 0, size * sizeof *slot);
    ix->slot = slot;
    ix->mask = size - 1;
    if (old.slot) {
        for (size_t k = 0; k <= old.mask; k++)
            if (old.slot[k].pos1)
                slot_put(ix, old.slot[k].hash, old.slot[k].pos1 - 1);
    } else {
        for (size_t i = 0; i < n; i++)
            slot_put(ix, key_hash(key_at(base, elem, i)), i);
    }
    return true;
}

/* Find key (hash h) among the n entries at base: its position, or n when
 * absent. *oom is set when the table could not be allocated. */
static inline size_t index_find(ccsig_arena *a, key_index *ix, const void *base, size_t elem,
                                size_t n, ccsig_str key, uint32_t h, bool *oom) {
    if (!ix->slot) {
        if (n < INDEX_MIN) {
            for (size_t i = 0; i < n; i++)
                if (same_key(key_at(base, elem, i), key))
                    return i;
            return n;
        }
        if (!index_build(a, ix, base, elem, n, 4 * INDEX_MIN)) {
            *oom = true;
            return n;
        }
    } else if ((n + 1) * 2 > ix->mask + 1 &&
               !index_build(a, ix, base, elem, n, (ix->mask + 1) * 2)) {
        *oom = true;
        return n;
    }
    size_t k = h & ix->mask;
    while (ix->slot[k].pos1) {
        if (ix->slot[k].hash == h && same_key(key_at(base, elem, ix->slot[k].pos1 - 1), key))
            return ix->slot[k].pos1 - 1;
        k = (k + 1) & ix->mask;
    }
    return n;
}

/* Record that entry n (just appended) has key hash h. */
static inline void index_add(key_index *ix, uint32_t h, size_t n) {
    if (ix->slot)
        slot_put(ix, h, n);
}

/* Upper bound on the members of a large List or Dictionary: one more than
 * its commas, capped so a hostile value (commas inside strings) cannot make
 * us reserve more than PRESIZE_MAX entries up front; past that, arrays grow
 * by doubling. Small fields start small and grow in place. */
#define PRESIZE_MIN_BYTES 256
#define PRESIZE_MAX 4096

static size_t count_byte(const char *p, const char *end, char ch) {
    /* Count in blocks with a byte-wide counter so the compiler vectorises
     * the loop (a wide accumulator defeats it). */
    size_t n = 1;
    while (p < end && n < PRESIZE_MAX) {
        size_t blk = (size_t)(end - p) < 255 ? (size_t)(end - p) : 255;
        unsigned char c = 0;
        for (size_t i = 0; i < blk; i++)
            c = (unsigned char)(c + (p[i] == ch));
        n += c;
        p += blk;
    }
    return n < PRESIZE_MAX ? n : PRESIZE_MAX;
}

static size_t presize_count(const char *p, const char *end) {
    return end - p < PRESIZE_MIN_BYTES ? 0 : count_byte(p, end, ',');
}

static inline ccsig_status parse_key(parser *ps, ccsig_str *key, uint32_t *hash) {
    const char *s = ps->cur;
    if (s >= ps->end || !(IS(*s, C_LCALPHA) || *s == '*'))
        return fail(ps, "expected a key (lowercase letter or '*')");
    /* key_hash(*key), computed while the key is scanned */
    uint64_t h = ccsig_fnv1a64(s, 1);
    const char *q = s + 1;
    while (q < ps->end && IS(*q, C_KEYCHAR))
        h = ccsig_fnv1a64_more(h, q++, 1);
    key->p = s;
    key->len = (size_t)(q - s);
    *hash = (uint32_t)h;
    ps->cur = q;
    return CCSIG_OK;
}

static inline ccsig_status parse_number(parser *ps, ccsig_sf_bare *out) {
    int64_t sign = 1;
    out->type = CCSIG_SF_INTEGER;
    if (ps->cur < ps->end && *ps->cur == '-') {
        sign = -1;
        ps->cur++;
    }
    if (ps->cur >= ps->end || !IS(*ps->cur, C_DIGIT))
        return fail(ps, "expected a digit");
    const char *start = ps->cur;
    int64_t ipart = 0;
    size_t ndig = 0;
    while (ps->cur < ps->end && IS(*ps->cur, C_DIGIT)) {
        if (++ndig > 15)
            return fail(ps, "integer has more than 15 digits");
        ipart = ipart * 10 + (*ps->cur - '0');
        ps->cur++;
    }
    if (ps->cur < ps->end && *ps->cur == '.') {
        if (ndig > 12)
            return fail(ps, "decimal has more than 12 integer digits");
        ps->cur++;
        int64_t frac = 0;
        size_t nfrac = 0;
        while (ps->cur < ps->end && IS(*ps->cur, C_DIGIT)) {
            if (++nfrac > 3)
                return fail(ps, "decimal has more than 3 fractional digits");
            frac = frac * 10 + (*ps->cur - '0');
            ps->cur++;
        }
        if (nfrac == 0)
            return fail(ps, "expected a digit after the decimal point");
        for (size_t i = nfrac; i < 3; i++)
            frac *= 10;
        out->type = CCSIG_SF_DECIMAL;
        out->v.integer = sign * (ipart * 1000 + frac);
        return CCSIG_OK;
    }
    (void)start;
    out->type = CCSIG_SF_INTEGER;
    out->v.integer = sign * ipart;
    return CCSIG_OK;
}

static ccsig_status parse_string(parser *ps, ccsig_sf_bare *out) {
    ps->cur++; /* opening quote */
    const char *s = ps->cur;
    const char *q = s;
    while (q < ps->end && IS(*q, C_STRCH))
        q++;
    if (q < ps->end && *q == '"') { /* fast path: no escapes */
        out->type = CCSIG_SF_STRING;
        out->v.str.p = s;
        out->v.str.len = (size_t)(q - s);
        ps->cur = q + 1;
        return CCSIG_OK;
    }
    /* Slow path: unescape into the arena. The result is at most as long as
     * the rest of the input. */
    char *buf = ccsig_arena_alloc(ps->a, (size_t)(ps->end - s) + 1);
    if (!buf)
        return nomem(ps);
    size_t n = (size_t)(q - s);
    memcpy(buf, s, n);
    ps->cur = q;
    while (ps->cur < ps->end) {
        char c = *ps->cur;
        if (c == '\\') {
            ps->cur++;
            if (ps->cur >= ps->end || (*ps->cur != '"' && *ps->cur != '\\'))
                return fail(ps, "expected '\"' or '\\' after a backslash in a string");
            buf[n++] = *ps->cur++;
        } else if (c == '"') {
            ps->cur++;
            assert(n <= (size_t)(ps->end - s)); /* at most as long as the input */
            out->type = CCSIG_SF_STRING;
            out->v.str.p = buf;
            out->v.str.len = n;
            return CCSIG_OK;
        } else if (IS(c, C_STRCH)) {
            buf[n++] = c;
            ps->cur++;
        } else {
            return fail(ps, "expected a printable ASCII character in a string");
        }
    }
    return fail(ps, "expected '\"' to end the string");
}

static inline ccsig_status parse_token(parser *ps, ccsig_sf_bare *out) {
    const char *s = ps->cur;
    const char *q = s + 1;
    while (q < ps->end && IS(*q, C_TCHAR))
        q++;
    out->type = CCSIG_SF_TOKEN;
    out->v.str.p = s;
    out->v.str.len = (size_t)(q - s);
    ps->cur = q;
    return CCSIG_OK;
}

size_t ccsig_base64_encoded_len(size_t n) {
    return (n + 2) / 3 * 4;
}

/* Encode with the alphabet tbl; pad: '=' completes the last group.
 * Returns the characters written. */
static size_t b64_encode(const char *tbl, bool pad, const unsigned char *in, size_t n, char *out) {
    size_t i = 0, o = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = tbl[v >> 18];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = tbl[(v >> 6) & 63];
        out[o++] = tbl[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);
        out[o++] = tbl[v >> 18];
        out[o++] = tbl[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = tbl[(v >> 6) & 63];
        else if (pad)
            out[o++] = '=';
        if (pad)
            out[o++] = '=';
    }
    return o;
}

void ccsig_base64_encode(const unsigned char *in, size_t n, char *out) {
    b64_encode("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true, in, n,
               out);
}

size_t ccsig_base64url_encode(const unsigned char *in, size_t n, char *out) {
    size_t o = b64_encode("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false,
                          in, n, out);
    out[o] = '\0';
    return o;
}

/* Decode with the value table val (-1: not in the alphabet). */
static bool b64_decode(const signed char *val, const char *in, size_t n, unsigned char *out,
                       size_t *outlen) {
    /* Padding is optional (RFC 9651 §4.2.7 lets parsers accept missing
     * padding); once '=' appears only '=' may follow. */
    size_t end = n;
    while (end > 0 && in[end - 1] == '=')
        end--;
    if (n - end > 2 || (n != end && n % 4 != 0) || end % 4 == 1)
        return false; /* bad padding, or a lone sextet that encodes no byte */
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0, i = 0;
    /* Four characters -> three bytes; an invalid character makes the OR of
     * the table values negative. */
    for (; i + 4 <= end; i += 4) {
        int a = val[s[i]], b = val[s[i + 1]], c = val[s[i + 2]], d = val[s[i + 3]];
        if ((a | b | c | d) < 0)
            return false;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        out[o] = (unsigned char)(v >> 16);
        out[o + 1] = (unsigned char)(v >> 8);
        out[o + 2] = (unsigned char)v;
        o += 3;
    }
    if (i < end) { /* 2 or 3 trailing characters */
        int a = val[s[i]], b = val[s[i + 1]], c = end - i == 3 ? val[s[i + 2]] : 0;
        if ((a | b | c) < 0)
            return false;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6;
        out[o++] = (unsigned char)(v >> 16);
        if (end - i == 3)
            out[o++] = (unsigned char)(v >> 8);
    }
    *outlen = o;
    return true;
}

bool ccsig_base64_decode(const char *in, size_t n, unsigned char *out, size_t *outlen) {
    init_tables();
    return b64_decode(b64val, in, n, out, outlen);
}

bool ccsig_base64url_decode(const char *in, size_t n, unsigned char *out, size_t *outlen) {
    init_tables();
    return b64_decode(b64urlval, in, n, out, outlen);
}

static ccsig_status parse_binary(parser *ps, ccsig_sf_bare *out) {
    ps->cur++; /* ':' */
    const char *s = ps->cur;
    const char *q = memchr(s, ':', (size_t)(ps->end - s));
    if (!q) {
        while (ps->cur < ps->end && IS(*ps->cur, C_B64))
            ps->cur++;
        return fail(ps, "expected a base64 character or ':' to end the byte sequence");
    }
    size_t n = (size_t)(q - s);
    unsigned char *buf = ccsig_arena_alloc(ps->a, n / 4 * 3 + 3);
    if (!buf)
        return nomem(ps);
    size_t olen = 0;
    if (!ccsig_base64_decode(s, n, buf, &olen)) {
        /* Report the first byte outside the alphabet, else the byte where
         * the padding (or the last group) goes wrong. */
        while (ps->cur < q && IS(*ps->cur, C_B64))
            ps->cur++;
        if (ps->cur < q)
            return fail(ps, "expected a base64 character or ':' to end the byte sequence");
        const char *pad = memchr(s, '=', n);
        if (pad) {
            const char *e = pad;
            while (e < q && *e == '=')
                e++;
            if (e < q) {
                ps->cur = pad;
                return fail(ps, "expected a base64 character: '=' padding may only end the byte "
                                "sequence");
            }
            if (q - pad > 2) {
                ps->cur = pad + 2;
                return fail(ps, "expected ':' after at most two '=' of padding");
            }
            ps->cur = pad;
            return fail(ps, "expected '=' padding only to complete a group of four base64 "
                            "characters");
        }
        /* One character after the last group of four encodes no byte. */
        ps->cur = q;
        return fail(ps, "expected a second base64 character in the last group");
    }
    ps->cur = q + 1;
    out->type = CCSIG_SF_BINARY;
    out->v.str.p = (const char *)buf;
    out->v.str.len = olen;
    return CCSIG_OK;
}

static ccsig_status parse_display(parser *ps, ccsig_sf_bare *out) {
    const char *start = ps->cur;
    ps->cur++; /* '%' */
    if (ps->cur >= ps->end || *ps->cur != '"')
        return fail(ps, "expected '\"' after '%' in a display string");
    ps->cur++;
    char *buf = ccsig_arena_alloc(ps->a, (size_t)(ps->end - ps->cur) + 1);
    if (!buf)
        return nomem(ps);
    size_t n = 0;
    while (ps->cur < ps->end) {
        unsigned char c = (unsigned char)*ps->cur;
        if (c <= 0x1f || c >= 0x7f)
            return fail(ps, "expected a printable ASCII character in a display string");
        if (c == '%') {
            if (ps->end - ps->cur < 3 || !IS(ps->cur[1], C_LCHEX) || !IS(ps->cur[2], C_LCHEX)) {
                ps->cur++;
                return fail(ps, "expected two lowercase hex digits after '%'");
            }
            buf[n++] = (char)(ccsig_hex_value((unsigned char)ps->cur[1]) << 4 |
                              ccsig_hex_value((unsigned char)ps->cur[2]));
            ps->cur += 3;
        } else if (c == '"') {
            if (!ccsig_utf8_valid(buf, n)) {
                ps->cur = start;
                return fail(ps, "expected the display string to decode to valid UTF-8");
            }
            ps->cur++;
            out->type = CCSIG_SF_DISPLAY_STRING;
            out->v.str.p = buf;
            out->v.str.len = n;
            return CCSIG_OK;
        } else {
            buf[n++] = (char)c;
            ps->cur++;
        }
    }
    return fail(ps, "expected '\"' to end the display string");
}

/* Inlined into its callers: it is the dispatch on every value. */
static inline __attribute__((always_inline)) ccsig_status parse_bare(parser *ps,
                                                                     ccsig_sf_bare *out) {
    if (ps->cur >= ps->end)
        return fail(ps, "expected an item");
    char c = *ps->cur;
    if (c == '-' || IS(c, C_DIGIT))
        return parse_number(ps, out);
    if (c == '"')
        return parse_string(ps, out);
    if (c == '*' || IS(c, C_ALPHA))
        return parse_token(ps, out);
    if (c == ':')
        return parse_binary(ps, out);
    if (c == '?') {
        ps->cur++;
        if (ps->cur < ps->end && (*ps->cur == '0' || *ps->cur == '1')) {
            out->type = CCSIG_SF_BOOLEAN;
            out->v.boolean = *ps->cur == '1';
            ps->cur++;
            return CCSIG_OK;
        }
        return fail(ps, "expected '0' or '1' after '?'");
    }
    if (c == '@') {
        ps->cur++;
        const char *s = ps->cur;
        ccsig_status st = parse_number(ps, out);
        if (st)
            return st;
        if (out->type != CCSIG_SF_INTEGER) {
            ps->cur = s;
            return fail(ps, "expected an integer number of seconds after '@'");
        }
        out->type = CCSIG_SF_DATE;
        return CCSIG_OK;
    }
    if (c == '%')
        return parse_display(ps, out);
    return fail(ps, "expected an item (number, string, token, byte sequence, boolean, date or "
                    "display string)");
}

/* Parameters collect in a small local buffer and are copied once, at their
 * exact size, into the arena; only long parameter lists spill to a growing
 * arena array. */
#define PARAMS_LOCAL 8

static ccsig_status parse_params_slow(parser *ps, ccsig_sf_params *out) {
    ccsig_sf_param local[PARAMS_LOCAL];
    ccsig_sf_param *v = local;
    size_t n = 0, cap = PARAMS_LOCAL;
    key_index ix = {NULL, 0};
    while (ps->cur < ps->end && *ps->cur == ';') {
        ps->cur++;
        skip_sp(ps);
        ccsig_str key;
        uint32_t h = 0;
        ccsig_status st = parse_key(ps, &key, &h);
        if (st)
            return st;
        ccsig_sf_bare val;
        val.type = CCSIG_SF_BOOLEAN;
        val.v.boolean = true;
        if (ps->cur < ps->end && *ps->cur == '=') {
            ps->cur++;
            st = parse_bare(ps, &val);
            if (st)
                return st;
        }
        bool oom = false;
        size_t i = index_find(ps->a, &ix, v, sizeof *v, n, key, h, &oom);
        if (oom)
            return nomem(ps);
        if (i < n) {
            v[i].value = val;
            continue;
        }
        if (n == cap) {
            if (v == local) {
                /* A long parameter list: size the index and the array from
                 * the ';' still ahead (index first, so the array can still
                 * grow in place). */
                cap = n + count_byte(ps->cur, ps->end, ';');
                size_t size = 4 * INDEX_MIN;
                while (size < 2 * cap)
                    size *= 2;
                if (!index_build(ps->a, &ix, local, sizeof *local, n, size))
                    return nomem(ps);
                v = ccsig_arena_alloc(ps->a, cap * sizeof *v);
                if (!v)
                    return nomem(ps);
                memcpy(v, local, sizeof local);
            } else if (!(v = grow(ps->a, v, n, &cap, sizeof *v))) {
                return nomem(ps);
            }
        }
        v[n].key = key;
        v[n].value = val;
        index_add(&ix, h, n);
        n++;
    }
    if (v == local) {
        out->v = ccsig_arena_alloc(ps->a, n * sizeof *v);
        if (!out->v)
            return nomem(ps);
        memcpy(out->v, local, n * sizeof *v);
    } else {
        shrink(ps->a, v, n, cap, sizeof *v);
        out->v = v;
    }
    out->n = n;
    return CCSIG_OK;
}

/* Parameters are absent on most items: test for ';' before the call. */
static inline ccsig_status parse_params(parser *ps, ccsig_sf_params *out) {
    if (ps->cur < ps->end && *ps->cur == ';')
        return parse_params_slow(ps, out);
    out->v = NULL;
    out->n = 0;
    return CCSIG_OK;
}

static ccsig_status parse_inner_list(parser *ps, ccsig_sf_member *m) {
    ps->cur++; /* '(' */
    ccsig_sf_item *v = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        skip_sp(ps);
        if (ps->cur >= ps->end)
            return fail(ps, "expected ')' to end the inner list");
        if (*ps->cur == ')') {
            ps->cur++;
            shrink(ps->a, v, n, cap, sizeof *v);
            m->inner = true;
            m->items = v;
            m->nitems = n;
            return parse_params(ps, &m->params);
        }
        ccsig_sf_item it;
        ccsig_status st = parse_bare(ps, &it.bare);
        if (st)
            return st;
        st = parse_params(ps, &it.params);
        if (st)
            return st;
        v = grow(ps->a, v, n, &cap, sizeof *v);
        if (!v)
            return nomem(ps);
        v[n++] = it;
        if (ps->cur < ps->end && *ps->cur != ' ' && *ps->cur != ')')
            return fail(ps, "expected a space or ')' after an inner-list item");
    }
}

static inline ccsig_status parse_member_value(parser *ps, ccsig_sf_member *m) {
    if (ps->cur < ps->end && *ps->cur == '(')
        return parse_inner_list(ps, m);
    m->inner = false;
    m->items = NULL;
    m->nitems = 0;
    ccsig_status st = parse_bare(ps, &m->bare);
    if (st)
        return st;
    return parse_params(ps, &m->params);
}

static void init_parser(parser *ps, ccsig_arena *a, const char *p, size_t len, ccsig_error *err) {
    init_tables();
    ps->p = p;
    ps->cur = p;
    ps->end = p + len;
    ps->a = a;
    ps->err = err;
    ccsig_error_clear(err);
}

static ccsig_status finish(parser *ps) {
    skip_sp(ps);
    if (ps->cur != ps->end)
        return fail(ps, "expected end of field value");
    return CCSIG_OK;
}

ccsig_status ccsig_sf_parse_item(ccsig_arena *a, const char *p, size_t len, ccsig_sf_item *out,
                                 ccsig_error *err) {
    parser ps;
    init_parser(&ps, a, p, len, err);
    skip_sp(&ps);
    ccsig_status st = parse_bare(&ps, &out->bare);
    if (!st)
        st = parse_params(&ps, &out->params);
    if (!st)
        st = finish(&ps);
    return st;
}

/* After a member: OWS, then end of input or ',' OWS and another member. */
static inline ccsig_status after_member(parser *ps, bool *done) {
    /* Fast path: the canonical ", " separator. */
    if (ps->end - ps->cur >= 3 && ps->cur[0] == ',' && ps->cur[1] == ' ' && ps->cur[2] != ' ' &&
        ps->cur[2] != '\t') {
        ps->cur += 2;
        *done = false;
        return CCSIG_OK;
    }
    skip_ows(ps);
    if (ps->cur >= ps->end) {
        *done = true;
        return CCSIG_OK;
    }
    if (*ps->cur != ',')
        return fail(ps, "expected ',' between members");
    ps->cur++;
    skip_ows(ps);
    if (ps->cur >= ps->end)
        return fail(ps, "expected a member after ','");
    *done = false;
    return CCSIG_OK;
}

ccsig_status ccsig_sf_parse_list(ccsig_arena *a, const char *p, size_t len, ccsig_sf_list *out,
                                 ccsig_error *err) {
    parser ps;
    init_parser(&ps, a, p, len, err);
    skip_sp(&ps);
    ccsig_sf_member *v = NULL;
    size_t n = 0, cap = presize_count(ps.cur, ps.end);
    if (cap && !(v = ccsig_arena_alloc(a, cap * sizeof *v)))
        return nomem(&ps);
    bool done = ps.cur >= ps.end;
    while (!done) {
        /* Parse straight into the next slot. */
        if (n == cap && !(v = grow(a, v, n, &cap, sizeof *v)))
            return nomem(&ps);
        ccsig_sf_member *m = &v[n];
        m->key.p = NULL;
        m->key.len = 0;
        m->offset = (size_t)(ps.cur - ps.p);
        ccsig_status st = parse_member_value(&ps, m);
        if (st)
            return st;
        m->end = (size_t)(ps.cur - ps.p);
        n++;
        st = after_member(&ps, &done);
        if (st)
            return st;
    }
    shrink(a, v, n, cap, sizeof *v);
    out->v = v;
    out->n = n;
    return CCSIG_OK;
}

ccsig_status ccsig_sf_parse_dict(ccsig_arena *a, const char *p, size_t len, ccsig_sf_dict *out,
                                 ccsig_error *err) {
    return ccsig_sf_parse_dict_dups(a, p, len, out, err, NULL, NULL);
}

ccsig_status ccsig_sf_parse_dict_dups(ccsig_arena *a, const char *p, size_t len, ccsig_sf_dict *out,
                                      ccsig_error *err, ccsig_sf_dup_fn dup, void *ctx) {
    parser ps;
    init_parser(&ps, a, p, len, err);
    skip_sp(&ps);
    ccsig_sf_member *v = NULL;
    size_t n = 0, cap = presize_count(ps.cur, ps.end);
    key_index ix = {NULL, 0};
    if (cap) {
        /* The index first, then the array, so the array stays the arena's
         * last allocation and can grow in place if the estimate was low. */
        size_t size = 4 * INDEX_MIN;
        while (size < 2 * cap)
            size *= 2;
        if (cap >= INDEX_MIN && !index_build(a, &ix, NULL, 0, 0, size))
            return nomem(&ps);
        if (!(v = ccsig_arena_alloc(a, cap * sizeof *v)))
            return nomem(&ps);
    }
    bool done = ps.cur >= ps.end;
    while (!done) {
        /* Parse straight into the next slot; a duplicate is then moved onto
         * the earlier member (RFC 9651 §4.2.2: the last value wins and keeps
         * the first position). */
        if (n == cap && !(v = grow(a, v, n, &cap, sizeof *v)))
            return nomem(&ps);
        ccsig_sf_member *m = &v[n];
        m->offset = (size_t)(ps.cur - ps.p);
        uint32_t h = 0;
        ccsig_status st = parse_key(&ps, &m->key, &h);
        if (st)
            return st;
        if (ps.cur < ps.end && *ps.cur == '=') {
            ps.cur++;
            st = parse_member_value(&ps, m);
        } else {
            m->inner = false;
            m->items = NULL;
            m->nitems = 0;
            m->bare.type = CCSIG_SF_BOOLEAN;
            m->bare.v.boolean = true;
            st = parse_params(&ps, &m->params);
        }
        if (st)
            return st;
        m->end = (size_t)(ps.cur - ps.p);
        bool oom = false;
        size_t found = index_find(a, &ix, v, sizeof *v, n, m->key, h, &oom);
        if (oom)
            return nomem(&ps);
        if (found < n) {
            if (dup)
                dup(ctx, m->key, m->offset);
            size_t off = v[found].offset, end = v[found].end;
            v[found] = *m;
            v[found].offset = off;
            v[found].end = end;
        } else {
            index_add(&ix, h, n);
            n++;
        }
        st = after_member(&ps, &done);
        if (st)
            return st;
    }
    out->v = v;
    out->n = n;
    return CCSIG_OK;
}

ccsig_status ccsig_sf_join_lines(ccsig_arena *a, const ccsig_str *lines, size_t nlines,
                                 ccsig_str *out) {
    size_t total = 0;
    for (size_t i = 0; i < nlines; i++)
        total += lines[i].len + 2;
    char *buf = ccsig_arena_alloc(a, total + 1);
    if (!buf)
        return CCSIG_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < nlines; i++) {
        if (i) {
            buf[n++] = ',';
            buf[n++] = ' ';
        }
        if (lines[i].len)
            memcpy(buf + n, lines[i].p, lines[i].len);
        n += lines[i].len;
    }
    buf[n] = '\0';
    out->p = buf;
    out->len = n;
    return CCSIG_OK;
}

const ccsig_sf_member *ccsig_sf_dict_get(const ccsig_sf_dict *d, const char *key) {
    for (size_t i = 0; i < d->n; i++)
        if (ccsig_str_eq(d->v[i].key, key))
            return &d->v[i];
    return NULL;
}

const ccsig_sf_bare *ccsig_sf_params_get(const ccsig_sf_params *ps, const char *key) {
    for (size_t i = 0; i < ps->n; i++)
        if (ccsig_str_eq(ps->v[i].key, key))
            return &ps->v[i].value;
    return NULL;
}

bool ccsig_sf_is_valid_key(ccsig_str key) {
    init_tables();
    if (key.len == 0 || !(IS(key.p[0], C_LCALPHA) || key.p[0] == '*'))
        return false;
    for (size_t i = 1; i < key.len; i++)
        if (!IS(key.p[i], C_KEYCHAR))
            return false;
    return true;
}

bool ccsig_sf_is_valid_token(ccsig_str tok) {
    init_tables();
    if (tok.len == 0 || !(IS(tok.p[0], C_ALPHA) || tok.p[0] == '*'))
        return false;
    for (size_t i = 1; i < tok.len; i++)
        if (!IS(tok.p[i], C_TCHAR))
            return false;
    return true;
}

/* ---- serialisation (RFC 9651 §4.1) ---- */

static ccsig_status ser_key(ccsig_buf *b, ccsig_str key, ccsig_error *err) {
    if (!ccsig_sf_is_valid_key(key))
        return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "invalid key '%.*s'", (int)key.len, key.p);
    ccsig_buf_put_str(b, key);
    return CCSIG_OK;
}

ccsig_status ccsig_sf_serialize_bare(ccsig_buf *b, const ccsig_sf_bare *v, ccsig_error *err) {
    init_tables();
    switch (v->type) {
    case CCSIG_SF_INTEGER:
    case CCSIG_SF_DATE:
        if (v->v.integer > CCSIG_SF_INTEGER_MAX || v->v.integer < -CCSIG_SF_INTEGER_MAX)
            return ccsig_error_set(err, CCSIG_ERR_RANGE, 0, "integer out of range");
        if (v->type == CCSIG_SF_DATE)
            ccsig_buf_putc(b, '@');
        ccsig_buf_printf(b, "%lld", (long long)v->v.integer);
        return CCSIG_OK;
    case CCSIG_SF_DECIMAL: {
        int64_t x = v->v.integer;
        if (x > CCSIG_SF_DECIMAL_INT_MAX * 1000 + 999 ||
            x < -(CCSIG_SF_DECIMAL_INT_MAX * 1000 + 999))
            return ccsig_error_set(err, CCSIG_ERR_RANGE, 0, "decimal out of range");
        uint64_t ax = x < 0 ? (uint64_t)(-x) : (uint64_t)x;
        char frac[4];
        snprintf(frac, sizeof frac, "%03u", (unsigned)(ax % 1000));
        int fl = 3;
        while (fl > 1 && frac[fl - 1] == '0')
            fl--;
        ccsig_buf_printf(b, "%s%llu.%.*s", x < 0 ? "-" : "", (unsigned long long)(ax / 1000), fl,
                         frac);
        return CCSIG_OK;
    }
    case CCSIG_SF_STRING:
        ccsig_buf_putc(b, '"');
        for (size_t i = 0; i < v->v.str.len; i++) {
            char c = v->v.str.p[i];
            if (c == '"' || c == '\\') {
                ccsig_buf_putc(b, '\\');
            } else if (!IS(c, C_STRCH)) {
                return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0,
                                       "string contains a byte outside printable ASCII");
            }
            ccsig_buf_putc(b, c);
        }
        ccsig_buf_putc(b, '"');
        return CCSIG_OK;
    case CCSIG_SF_TOKEN:
        if (!ccsig_sf_is_valid_token(v->v.str))
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "invalid token");
        ccsig_buf_put_str(b, v->v.str);
        return CCSIG_OK;
    case CCSIG_SF_BINARY: {
        size_t n = ccsig_base64_encoded_len(v->v.str.len);
        if (!ccsig_buf_reserve(b, n + 2))
            return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        b->data[b->len++] = ':';
        ccsig_base64_encode((const unsigned char *)v->v.str.p, v->v.str.len, b->data + b->len);
        b->len += n;
        b->data[b->len++] = ':';
        b->data[b->len] = '\0';
        return CCSIG_OK;
    }
    case CCSIG_SF_BOOLEAN:
        ccsig_buf_puts(b, v->v.boolean ? "?1" : "?0");
        return CCSIG_OK;
    case CCSIG_SF_DISPLAY_STRING: {
        if (!ccsig_utf8_valid(v->v.str.p, v->v.str.len))
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "display string is not UTF-8");
        static const char hex[] = "0123456789abcdef";
        ccsig_buf_puts(b, "%\"");
        for (size_t i = 0; i < v->v.str.len; i++) {
            unsigned char c = (unsigned char)v->v.str.p[i];
            if (c == '%' || c == '"' || c < 0x20 || c > 0x7e) {
                char e[3] = {'%', hex[c >> 4], hex[c & 15]};
                ccsig_buf_append(b, e, 3);
            } else {
                ccsig_buf_putc(b, (char)c);
            }
        }
        ccsig_buf_putc(b, '"');
        return CCSIG_OK;
    }
    }
    return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "unknown bare item type");
}

static ccsig_status ser_params(ccsig_buf *b, const ccsig_sf_params *ps, ccsig_error *err) {
    for (size_t i = 0; i < ps->n; i++) {
        ccsig_buf_putc(b, ';');
        ccsig_status st = ser_key(b, ps->v[i].key, err);
        if (st)
            return st;
        const ccsig_sf_bare *v = &ps->v[i].value;
        if (v->type == CCSIG_SF_BOOLEAN && v->v.boolean)
            continue;
        ccsig_buf_putc(b, '=');
        st = ccsig_sf_serialize_bare(b, v, err);
        if (st)
            return st;
    }
    return CCSIG_OK;
}

ccsig_status ccsig_sf_serialize_item(ccsig_buf *b, const ccsig_sf_item *it, ccsig_error *err) {
    ccsig_status st = ccsig_sf_serialize_bare(b, &it->bare, err);
    if (st)
        return st;
    return ser_params(b, &it->params, err);
}

static ccsig_status ser_member_value(ccsig_buf *b, const ccsig_sf_member *m, ccsig_error *err) {
    ccsig_status st;
    if (m->inner) {
        ccsig_buf_putc(b, '(');
        for (size_t i = 0; i < m->nitems; i++) {
            if (i)
                ccsig_buf_putc(b, ' ');
            st = ccsig_sf_serialize_item(b, &m->items[i], err);
            if (st)
                return st;
        }
        ccsig_buf_putc(b, ')');
    } else {
        st = ccsig_sf_serialize_bare(b, &m->bare, err);
        if (st)
            return st;
    }
    return ser_params(b, &m->params, err);
}

ccsig_status ccsig_sf_serialize_list(ccsig_buf *b, const ccsig_sf_list *l, ccsig_error *err) {
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            ccsig_buf_puts(b, ", ");
        ccsig_status st = ser_member_value(b, &l->v[i], err);
        if (st)
            return st;
    }
    return ccsig_buf_failed(b) ? ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory")
                               : CCSIG_OK;
}

ccsig_status ccsig_sf_serialize_dict(ccsig_buf *b, const ccsig_sf_dict *d, ccsig_error *err) {
    for (size_t i = 0; i < d->n; i++) {
        const ccsig_sf_member *m = &d->v[i];
        if (i)
            ccsig_buf_puts(b, ", ");
        ccsig_status st = ser_key(b, m->key, err);
        if (st)
            return st;
        if (!m->inner && m->bare.type == CCSIG_SF_BOOLEAN && m->bare.v.boolean) {
            st = ser_params(b, &m->params, err);
        } else {
            ccsig_buf_putc(b, '=');
            st = ser_member_value(b, m, err);
        }
        if (st)
            return st;
    }
    return ccsig_buf_failed(b) ? ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory")
                               : CCSIG_OK;
}
