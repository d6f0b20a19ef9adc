/*
 * robots.c — robots.txt: lexing, compiling into an immutable matcher, and
 * allocation-free queries.
 *
 * Design. Compiling is one pass over the lines: each group (a run of
 * user-agent lines and the rules after it, RFC 9309 §2.1) gets contiguous
 * ranges in three rule arrays (access, Content-Usage, Content-Signal);
 * every product token named in the file maps to the list of its groups
 * (RFC 9309 §2.2.1: several groups for one agent are combined; a hash table
 * finds the token), and `*` to the `*` groups.
 *
 * Compile cost is what parse-and-match of one URL per file pays, so the
 * lexer looks at each byte once: 64-byte chunks are scanned (16 bytes at a
 * time with SSE2) into bit masks of line ends, '#' and ':', while being
 * copied into the matcher; a line's structure then comes from one 64-bit
 * window of those masks. Keys are matched a lowercased word at a time, a
 * pattern is checked 16 bytes at a time for bytes that need normalising (few
 * do: the others point into the copy of the input), and nothing is allocated
 * per rule. The copy is followed by ROBOTS_PAD zero bytes, so these wide
 * reads need no bounds checks.
 *
 * A query picks the agent's group list and scans its rules: each rule keeps the
 * literal bytes before its first wildcard and their first 8 bytes as a
 * masked word, so most rules are rejected with one compare; wildcards are
 * matched greedily segment by segment, in O(path x pattern) time and no
 * memory. Content-Usage expressions and Content-Signal lines are processed
 * into statements at compile time; a query copies the applying ones into the
 * caller's answer.
 *
 * Where RFC 9309 leaves room, behaviour follows google/robotstxt (robots.cc):
 * see robots.h for the list and the README for the deliberate differences.
 */
#include <assert.h>
#include <stdlib.h>

#include "ccsig/alloc.h"
#include "ccsig/robots.h"
#include "robots_internal.h"

/* SSE2 (every x86-64) scans 16 bytes at a time; elsewhere, or with
 * -DCCSIG_NO_SIMD, the same scans run a byte at a time. */
#if defined(__SSE2__) && !defined(CCSIG_NO_SIMD)
#include <emmintrin.h>
#define ROBOTS_SSE2 1
#else
#define ROBOTS_SSE2 0
#endif

/* The lexer's per-line work is inlined into compile's loop. */
#if defined(__GNUC__) || defined(__clang__)
#define ROBOTS_INLINE inline __attribute__((always_inline))
#else
#define ROBOTS_INLINE inline
#endif

/* ---- bytes ---- */

static const unsigned char ws_byte[256] = {
    [' '] = 1, ['\t'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, ['\n'] = 1};

static inline bool is_ws(unsigned char c) {
    return ws_byte[c];
}

static inline unsigned char lower(unsigned char c) {
    return (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

static inline uint64_t load64(const char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* ones + 8 - n, read as a word: the first n bytes (in memory order) 0xff. */
static const unsigned char ones[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static inline uint64_t first_bytes_mask(size_t n) {
    return load64((const char *)ones + 8 - n);
}

/* ASCII A-Z to a-z in each byte of a word; other bytes unchanged. */
static inline uint64_t lower8(uint64_t w) {
    const uint64_t b = 0x0101010101010101u;
    uint64_t h = w & 0x7f * b;
    uint64_t up = (h + (0x80 - 'A') * b) & ~(h + (0x80 - 'Z' - 1) * b) & ~w & 0x80 * b;
    return w | up >> 2;
}

/* Whether the key k[0..n) starts with lit (lowercase, l <= 16 bytes, stored
 * in 16 readable bytes), case-insensitively. Reads 16 bytes at k: the lexer's
 * input is padded (ROBOTS_PAD). */
static inline bool key_starts(const char *k, size_t n, const char *lit, size_t l) {
    if (n < l)
        return false;
    uint64_t d = lower8(load64(k)) ^ load64(lit);
    if (l <= 8)
        return (d & first_bytes_mask(l)) == 0;
    return d == 0 && ((lower8(load64(k + 8)) ^ load64(lit + 8)) & first_bytes_mask(l - 8)) == 0;
}

/* Keys, lowercase, each padded to 16 bytes for key_starts. */
#define KEY(s)                                                                                     \
    { s, sizeof s - 1 }
typedef struct keyword {
    char s[16];
    size_t len;
} keyword;

/* ---- lexer ---- */

static robots_key classify_any(const char *k, size_t n, unsigned *flags) {
    static const keyword user_agent = KEY("user-agent"), useragent = KEY("useragent"),
                         user_agent_sp = KEY("user agent"), allow = KEY("allow"),
                         disallow = KEY("disallow"), sitemap = KEY("sitemap"),
                         site_map = KEY("site-map");
    static const keyword typos_disallow[] = {KEY("dissallow"), KEY("dissalow"), KEY("disalow"),
                                             KEY("diasllow"), KEY("disallaw")};
    const keyword *kw = NULL;
    robots_key kind = RK_OTHER;
    *flags = 0;
    /* Keys are told apart by their first letter, then compared a word at a
     * time (Google's keys match by prefix). */
    switch (n ? lower((unsigned char)k[0]) : 0) {
    case 'u':
        kind = RK_USER_AGENT;
        if (key_starts(k, n, user_agent.s, user_agent.len))
            kw = &user_agent;
        else if (key_starts(k, n, useragent.s, useragent.len))
            kw = &useragent;
        else if (key_starts(k, n, user_agent_sp.s, user_agent_sp.len))
            kw = &user_agent_sp;
        if (kw && kw != &user_agent)
            *flags |= RKF_TYPO;
        break;
    case 'a':
        kind = RK_ALLOW;
        if (key_starts(k, n, allow.s, allow.len))
            kw = &allow;
        break;
    case 'd':
        kind = RK_DISALLOW;
        if (key_starts(k, n, disallow.s, disallow.len)) {
            kw = &disallow;
            break;
        }
        for (size_t i = 0; i < sizeof typos_disallow / sizeof typos_disallow[0]; i++)
            if (key_starts(k, n, typos_disallow[i].s, typos_disallow[i].len)) {
                kw = &typos_disallow[i];
                *flags |= RKF_TYPO;
                break;
            }
        break;
    case 's':
        kind = RK_SITEMAP;
        if (key_starts(k, n, sitemap.s, sitemap.len))
            kw = &sitemap;
        else if (key_starts(k, n, site_map.s, site_map.len)) {
            kw = &site_map;
            *flags |= RKF_TYPO; /* Google's KeyIsSitemap: an accepted typo */
        }
        break;
    case 'c':
        if (CCSIG_STR_IEQ(ccsig_str_make(k, n), "content-usage"))
            return RK_CONTENT_USAGE;
        if (CCSIG_STR_IEQ(ccsig_str_make(k, n), "content-signal"))
            return RK_CONTENT_SIGNAL;
        if (CCSIG_STR_IEQ(ccsig_str_make(k, n), "content-signals")) {
            *flags |= RKF_PLURAL;
            return RK_CONTENT_SIGNAL;
        }
        return RK_OTHER;
    case 'l':
        return CCSIG_STR_IEQ(ccsig_str_make(k, n), "license") ? RK_LICENSE : RK_OTHER;
    default:
        return RK_OTHER;
    }
    if (!kw)
        return RK_OTHER;
    if (kw->len < n)
        *flags |= RKF_PREFIX;
    return kind;
}

/* The directive of a key. The common spellings are recognised from one
 * lowercased word of the key; anything else goes to classify_any. */
static ROBOTS_INLINE robots_key classify(const char *k, size_t n, unsigned *flags) {
    static const char disallow[16] = "disallow", allow[16] = "allow", user_agent[16] = "user-agent";
    uint64_t w = lower8(load64(k));
    if (n >= 8 && w == load64(disallow)) {
        *flags = n > 8 ? RKF_PREFIX : 0;
        return RK_DISALLOW;
    }
    if (n >= 5 && (w & first_bytes_mask(5)) == load64(allow)) {
        *flags = n > 5 ? RKF_PREFIX : 0;
        return RK_ALLOW;
    }
    if (n >= 10 && w == load64(user_agent) &&
        (lower8(load64(k + 8)) & first_bytes_mask(2)) == load64(user_agent + 8)) {
        *flags = n > 10 ? RKF_PREFIX : 0;
        return RK_USER_AGENT;
    }
    return classify_any(k, n, flags);
}

/* Key and value of the text [b, e) of a line without a ':', as Google's
 * GetKeyAndValueFrom: the line must have exactly two words. Returns false
 * when it is not a key/value line; else the key ends at *ke (trimmed) and
 * the value starts at *v. */
static bool split_no_colon(const char *p, size_t b, size_t e, size_t *ke, size_t *v) {
    size_t i = b;
    while (i < e && p[i] != ' ' && p[i] != '\t')
        i++;
    if (i == e)
        return false;
    size_t k = i, vstart = i;
    while (vstart < e && (p[vstart] == ' ' || p[vstart] == '\t'))
        vstart++;
    for (size_t j = vstart; j < e; j++)
        if (p[j] == ' ' || p[j] == '\t')
            return false;
    while (k > b && is_ws((unsigned char)p[k - 1]))
        k--;
    if (k == b)
        return false;
    while (vstart < e && is_ws((unsigned char)p[vstart]))
        vstart++;
    *ke = k;
    *v = vstart;
    return true;
}

static inline unsigned ctz64(uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned k = 0;
    while (!(x & 1)) {
        x >>= 1;
        k++;
    }
    return k;
#endif
}

/* Bit masks of the 64 bytes at q (bit k: byte q[k]): line ends (CR, LF),
 * '#' and ':'. With dst, the 64 bytes are also copied there. */
static ROBOTS_INLINE void chunk_masks(const char *q, char *dst, uint64_t *eol, uint64_t *hsh,
                                      uint64_t *col) {
    uint64_t e = 0, h = 0, c = 0;
#if ROBOTS_SSE2
    const __m128i nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'), hash = _mm_set1_epi8('#'),
                  colon = _mm_set1_epi8(':');
#define ROBOTS_BLOCK(k)                                                                            \
    do {                                                                                           \
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(q + (k)));                     \
        if (dst)                                                                                   \
            _mm_storeu_si128((__m128i *)(void *)(dst + (k)), v);                                   \
        e |= (uint64_t)(unsigned)_mm_movemask_epi8(                                                \
                 _mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, cr)))                       \
             << (k);                                                                               \
        h |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, hash)) << (k);                \
        c |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, colon)) << (k);               \
    } while (0)
    ROBOTS_BLOCK(0);
    ROBOTS_BLOCK(16);
    ROBOTS_BLOCK(32);
    ROBOTS_BLOCK(48);
#undef ROBOTS_BLOCK
#else
    if (dst)
        memcpy(dst, q, 64);
    for (unsigned k = 0; k < 64; k++) {
        char x = q[k];
        e |= (uint64_t)(x == '\n' || x == '\r') << k;
        h |= (uint64_t)(x == '#') << k;
        c |= (uint64_t)(x == ':') << k;
    }
#endif
    *eol = e;
    *hsh = h;
    *col = c;
}

/* Fill the ring with the masks of the words (64-byte chunks of the input)
 * from w on. The end of the input counts as a line end; words past it are
 * empty (and not read). When the lexer copies its input (compile), each
 * word is copied as it is scanned: the input is read once. */
static void lex_fill(robots_lexer *lx, size_t w) {
    size_t last = lx->len >> 6; /* the word holding the end of the input */
    lx->ring_w0 = w;
    for (size_t k = 0; k < ROBOTS_LEX_RING; k++) {
        robots_lexmask *m = &lx->ring[k];
        size_t at = 64 * (w + k);
        if (w + k > last) {
            m->eol = m->hash = m->colon = 0;
            continue;
        }
        if (!lx->copy_to) {
            chunk_masks(lx->p + at, NULL, &m->eol, &m->hash, &m->colon);
        } else if (w + k < last) {
            chunk_masks(lx->src + at, lx->copy_to + at, &m->eol, &m->hash, &m->colon);
        } else {
            /* The last, partial word: the source may end here, the copy is
             * padded. */
            if (lx->len > at)
                memcpy(lx->copy_to + at, lx->src + at, lx->len - at);
            chunk_masks(lx->p + at, NULL, &m->eol, &m->hash, &m->colon);
        }
        if (w + k == last)
            m->eol |= (uint64_t)1 << (lx->len & 63);
    }
    size_t end = 64 * (w + ROBOTS_LEX_RING);
    lx->copied = end < lx->len ? end : lx->len;
}

/* The 64 mask bits from bit o of a, continuing into b. */
static inline uint64_t window(uint64_t a, uint64_t b, unsigned o) {
    return a >> o | (b << 1) << (63 - o);
}

/* Lex p[0..len). With copy_to (compile), p is copy_to and is filled from
 * src as the lexer goes: only bytes below lx->copied may be read. */
static ROBOTS_INLINE void lexer_start(robots_lexer *lx, const char *p, size_t len, const char *src,
                                      char *copy_to) {
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    lx->p = p;
    lx->src = copy_to ? src : p;
    lx->copy_to = copy_to;
    lx->copied = 0;
    lx->len = len;
    lx->pos = 0;
    lx->line = 0;
    lx->bom = false;
    /* Google skips any prefix of a UTF-8 BOM at the start. */
    while (lx->pos < 3 && lx->pos < len && (unsigned char)lx->src[lx->pos] == bom[lx->pos])
        lx->pos++;
    lx->bom = lx->pos > 0;
    lex_fill(lx, 0);
}

void robots_lexer_init(robots_lexer *lx, const char *p, size_t len) {
    lexer_start(lx, p, len, NULL, NULL);
}

/* A line of 64 bytes or more from start: chunk by chunk to its end. Sets
 * *colon and *hash (SIZE_MAX for none) and returns the line end. */
static size_t lex_long_line(robots_lexer *lx, size_t start, size_t *colon, size_t *hash) {
    size_t w = start >> 6;
    unsigned off = (unsigned)(start & 63);
    *colon = *hash = SIZE_MAX;
    for (;; w++, off = 0) {
        /* Keep the next word filled too: the line's bytes are read a block
         * past its end (keys, patterns). */
        if (w + 1 >= lx->ring_w0 + ROBOTS_LEX_RING)
            lex_fill(lx, w);
        const robots_lexmask *m = &lx->ring[w - lx->ring_w0];
        uint64_t from = ~(uint64_t)0 << off;
        uint64_t e = m->eol & from;
        uint64_t before = ((e & (0 - e)) - 1) & from; /* all of from when e is 0 */
        if (*hash == SIZE_MAX) {
            uint64_t h = m->hash & before;
            if (h)
                before &= (h & (0 - h)) - 1; /* a ':' counts only before the '#' */
            if (*colon == SIZE_MAX && (m->colon & before))
                *colon = 64 * w + ctz64(m->colon & before);
            if (h)
                *hash = 64 * w + ctz64(h);
        }
        if (e)
            return 64 * w + ctz64(e);
    }
}

/* What the lexer finds on a line, in offsets into the input. */
typedef struct lex_span {
    size_t start, full_end, end; /* as in robots_lexline */
    size_t hash;                 /* the comment's '#', or SIZE_MAX */
    size_t b, e;                 /* content without comment and surrounding whitespace */
    size_t ke, v;                /* key/value lines: end of the key, start of the value */
    bool no_colon;
} lex_span;

/* The next line: returns its directive (RK_NONE when it is not a key/value
 * line), or -1 at the end of the input. The masks of the 64 bytes from the
 * line's start give its end, its first '#' and its first ':' before that. */
static ROBOTS_INLINE int lex_next(robots_lexer *lx, lex_span *s, unsigned *flags) {
    const char *p = lx->p;
    size_t n = lx->len, start = lx->pos;
    if (start >= n)
        return -1;
    size_t w = start >> 6;
    /* Words w and w + 1 hold the line's masks; w + 2 is filled too, as the
     * line's bytes are read a block past its end (keys, patterns). */
    if (w + 2 >= lx->ring_w0 + ROBOTS_LEX_RING)
        lex_fill(lx, w);
    const robots_lexmask *m = &lx->ring[w - lx->ring_w0];
    unsigned o = (unsigned)(start & 63);
    uint64_t eol = window(m[0].eol, m[1].eol, o);
    size_t colon, hash, full_end, end;
    if (eol) {
        /* The usual line, shorter than 64 bytes. */
        uint64_t before = (eol & (0 - eol)) - 1;
        uint64_t h = window(m[0].hash, m[1].hash, o) & before;
        uint64_t c = window(m[0].colon, m[1].colon, o) & before & ((h & (0 - h)) - 1);
        full_end = end = start + ctz64(eol);
        hash = h ? start + ctz64(h) : SIZE_MAX;
        colon = c ? start + ctz64(c) : SIZE_MAX;
    } else {
        full_end = end = lex_long_line(lx, start, &colon, &hash);
        if (full_end - start > CCSIG_ROBOTS_MAX_LINE) {
            /* Bytes past the cut are not read: neither a '#' nor a ':' there. */
            end = start + CCSIG_ROBOTS_MAX_LINE;
            if (hash != SIZE_MAX && hash >= end)
                hash = SIZE_MAX;
            if (colon != SIZE_MAX && colon >= end)
                colon = SIZE_MAX;
        }
    }
    size_t i = full_end;
    if (i < n)
        i += p[i] == '\r' && i + 1 < n && p[i + 1] == '\n' ? 2 : 1;
    lx->pos = i;
    lx->line++;
    s->start = start;
    s->full_end = full_end;
    s->end = end;
    s->hash = hash;
    size_t b = start, e = hash != SIZE_MAX ? hash : end;
    while (b < e && is_ws((unsigned char)p[b]))
        b++;
    while (e > b && is_ws((unsigned char)p[e - 1]))
        e--;
    s->b = b;
    s->e = e;
    s->no_colon = false;
    *flags = 0;
    size_t ke, v;
    if (colon != SIZE_MAX) {
        /* The colon lies in [b, e): it is neither whitespace nor past the
         * comment or the cut. */
        ke = colon;
        v = colon + 1;
        while (ke > b && is_ws((unsigned char)p[ke - 1]))
            ke--;
        if (ke == b)
            return RK_NONE;
        while (v < e && is_ws((unsigned char)p[v]))
            v++;
    } else if (b == e || !split_no_colon(p, b, e, &ke, &v)) {
        return RK_NONE;
    } else {
        s->no_colon = true;
    }
    s->ke = ke;
    s->v = v;
    return (int)classify(p + b, ke - b, flags);
}

static ROBOTS_INLINE bool lex_line(robots_lexer *lx, robots_lexline *o) {
    lex_span s;
    unsigned flags;
    int kind = lex_next(lx, &s, &flags);
    if (kind < 0)
        return false;
    o->line = lx->line;
    o->start = s.start;
    o->end = s.end;
    o->full_end = s.full_end;
    o->comment = s.hash;
    o->text = s.b;
    o->text_len = s.e - s.b;
    o->kv = kind != RK_NONE;
    o->no_colon = o->kv && s.no_colon;
    o->kind = (robots_key)kind;
    o->flags = o->kv ? flags : 0;
    if (o->kv) {
        o->key = s.b;
        o->key_len = s.ke - s.b;
        o->val = s.v;
        o->val_len = s.e - s.v;
    }
    return true;
}

bool robots_lexer_next(robots_lexer *lx, robots_lexline *o) {
    return lex_line(lx, o);
}

size_t robots_used_length(const char *p, size_t len) {
    if (len <= CCSIG_ROBOTS_MAX_SIZE)
        return len;
    size_t i = CCSIG_ROBOTS_MAX_SIZE;
    while (i > 0 && p[i - 1] != '\n' && p[i - 1] != '\r')
        i--;
    return i;
}

/* ---- percent-encoding (RFC 9309 §2.2.2, §2.2.3) ---- */

static const char hexdig[] = "0123456789ABCDEF";

static inline bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/* The printable ASCII bytes RFC 3986 leaves out of URIs altogether (RFC 2396
 * §2.4.3 "unwise" and "delims" minus '%' and '#'): a URI holds them only
 * percent-encoded, so a client sends `<` as %3C, and RFC 9309 §2.2.2 has both
 * sides encoded before comparing. */
static const unsigned char uri_excluded[128] = {
    ['"'] = 1, ['<'] = 1, ['>'] = 1, ['\\'] = 1, ['^'] = 1,
    ['`'] = 1, ['{'] = 1, ['|'] = 1, ['}'] = 1};

/* Bytes that a normalised path never holds literally: controls, space, DEL,
 * non-ASCII and the URI-excluded bytes above, on both sides. In a URL path
 * `*` and `$` are data, so they become %2A and %24 (RFC 9309 §2.2.3). */
static inline bool must_encode(unsigned char c, bool url) {
    return c <= 0x20 || c >= 0x7f || uri_excluded[c] || (url && (c == '*' || c == '$'));
}

/* Normalise s[0..n) into out (which holds cap bytes). Returns bytes written;
 * *trunc when input was left over. */
static size_t normalize(const char *s, size_t n, char *out, size_t cap, bool url, bool *trunc) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int hi, lo;
        if (c == '%' && i + 2 < n && (hi = ccsig_hex_value((unsigned char)s[i + 1])) >= 0 &&
            (lo = ccsig_hex_value((unsigned char)s[i + 2])) >= 0) {
            unsigned char d = (unsigned char)(hi * 16 + lo);
            if (unreserved(d)) {
                if (o + 1 > cap)
                    goto full;
                out[o++] = (char)d;
            } else {
                if (o + 3 > cap)
                    goto full;
                out[o++] = '%';
                out[o++] = hexdig[hi];
                out[o++] = hexdig[lo];
            }
            i += 2;
        } else if (must_encode(c, url) || (c == '$' && !url && i + 1 < n)) {
            /* A '$' inside a pattern is a literal byte, compared as %24 like
             * the '$' of a URL path. */
            if (o + 3 > cap)
                goto full;
            out[o++] = '%';
            out[o++] = hexdig[c >> 4];
            out[o++] = hexdig[c & 15];
        } else {
            if (o + 1 > cap)
                goto full;
            out[o++] = (char)c;
        }
    }
    assert(o <= cap);
    return o;
full:
    if (trunc)
        *trunc = true;
    return o;
}

size_t robots_normalize_pattern(const char *s, size_t n, char *out) {
    /* normalize with url false and room for 3 * n bytes, without the checks
     * for room: most bytes are copied as they are. */
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c != '%' && c != '$' && !must_encode(c, false)) {
            out[o++] = (char)c;
            continue;
        }
        int hi, lo;
        if (c == '%' && i + 2 < n && (hi = ccsig_hex_value((unsigned char)s[i + 1])) >= 0 &&
            (lo = ccsig_hex_value((unsigned char)s[i + 2])) >= 0) {
            unsigned char d = (unsigned char)(hi * 16 + lo);
            if (unreserved(d)) {
                out[o++] = (char)d;
            } else {
                out[o++] = '%';
                out[o++] = hexdig[hi];
                out[o++] = hexdig[lo];
            }
            i += 2;
        } else if (c == '%' || (c == '$' && i + 1 == n)) {
            out[o++] = (char)c;
        } else {
            /* A '$' inside a pattern is a literal byte, compared as %24 like
             * the '$' of a URL path. */
            out[o++] = '%';
            out[o++] = hexdig[c >> 4];
            out[o++] = hexdig[c & 15];
        }
    }
    assert(o <= 3 * n); /* the room the caller gives */
    return o;
}

static bool needs_normalizing(const char *s, size_t n, bool url) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' || must_encode(c, url) || (c == '$' && !url && i + 1 < n))
            return true;
    }
    return false;
}

static size_t find_first_of3(const char *s, size_t n, size_t from) {
    for (size_t i = from; i < n; i++)
        if (s[i] == '/' || s[i] == '?' || s[i] == ';')
            return i;
    return SIZE_MAX;
}

ccsig_str ccsig_robots_url_path(const char *url, size_t len, char *buf, size_t cap,
                                bool *truncated) {
    if (truncated)
        *truncated = false;
    /* Path, params and query of the URL, as Google's GetPathParamsQuery. */
    size_t search = (len >= 2 && url[0] == '/' && url[1] == '/') ? 2 : 0;
    size_t early = find_first_of3(url, len, search);
    size_t proto = SIZE_MAX;
    for (size_t i = search; i + 2 < len; i++)
        if (url[i] == ':' && url[i + 1] == '/' && url[i + 2] == '/') {
            proto = i;
            break;
        }
    if (early < proto)
        proto = SIZE_MAX;
    proto = proto == SIZE_MAX ? search : proto + 3;
    size_t ps = find_first_of3(url, len, proto);
    if (ps == SIZE_MAX)
        return CCSIG_STR_LIT("/");
    const char *hash = memchr(url + search, '#', len - search);
    size_t pe = hash ? (size_t)(hash - url) : len;
    if (pe < ps)
        return CCSIG_STR_LIT("/");
    bool slash = url[ps] != '/';
    if (!slash && !needs_normalizing(url + ps, pe - ps, true))
        return ccsig_str_make(url + ps, pe - ps);
    size_t o = 0;
    if (slash && cap > 0)
        buf[o++] = '/';
    o += normalize(url + ps, pe - ps, buf + o, cap - o, true, truncated);
    return ccsig_str_make(buf, o);
}

/* ---- patterns ---- */

/* Bytes before the first '*' or a final '$': what a path must start with. */
static size_t literal_length(const char *pat, size_t n) {
    const char *star = memchr(pat, '*', n);
    if (star)
        return (size_t)(star - pat);
    return n > 0 && pat[n - 1] == '$' ? n - 1 : n;
}

/* Set a rule's pattern. pat has ROBOTS_PATTERN_SLACK readable bytes past n
 * (it lies in the padded copy of the input or was allocated with them), so
 * the head word is one unaligned read. */
static inline void rule_set_pattern(robots_rule *r, const char *pat, size_t n, size_t lit) {
    r->pat = pat;
    r->pat_len = (uint32_t)n;
    r->lit_len = (uint32_t)lit;
    r->wild = lit < n;
    uint64_t m = first_bytes_mask(lit < 8 ? lit : 8);
    r->mask = m;
    r->head = load64(pat) & m;
}

/* Bit k set when byte s[k] of the 16 at s is one a pattern may not keep as
 * it is, or a wildcard: '%', '$', '*', controls, space, DEL, non-ASCII, and
 * the URI-excluded bytes (uri_excluded). */
static ROBOTS_INLINE unsigned pattern_specials16(const char *s) {
#if ROBOTS_SSE2
#define EQ(c) _mm_cmpeq_epi8(v, _mm_set1_epi8(c))
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    /* Signed compares: bytes 0x80-0xff are negative, below '!' like the
     * controls and the space; '{' '|' '}' '~' DEL are the bytes above 'z',
     * and '~' (unreserved) is taken out again. */
    __m128i m = _mm_or_si128(_mm_or_si128(EQ('%'), EQ('$')),
                             _mm_or_si128(EQ('*'), _mm_cmplt_epi8(v, _mm_set1_epi8('!'))));
    __m128i x = _mm_or_si128(_mm_or_si128(_mm_or_si128(EQ('"'), EQ('<')), EQ('>')),
                             _mm_or_si128(_mm_or_si128(EQ('\\'), EQ('^')), EQ('`')));
    __m128i hi = _mm_andnot_si128(EQ('~'), _mm_cmpgt_epi8(v, _mm_set1_epi8('z')));
    m = _mm_or_si128(m, _mm_or_si128(x, hi));
#undef EQ
    return (unsigned)_mm_movemask_epi8(m);
#else
    unsigned m = 0;
    for (unsigned k = 0; k < 16; k++) {
        unsigned char c = (unsigned char)s[k];
        m |= (unsigned)(c == '%' || c == '$' || c == '*' || must_encode(c, false)) << k;
    }
    return m;
#endif
}

/* Whether normalising the pattern s[0..n) leaves it unchanged: no '%', no
 * byte that must be percent-encoded, no '$' but a final one. If so, *lit gets
 * its literal length. Reads whole 16-byte blocks: s lies in the padded copy
 * of the input. */
static ROBOTS_INLINE bool plain_pattern(const char *s, size_t n, size_t *lit) {
    size_t star = n; /* where the literal prefix ends */
    for (size_t i = 0; i < n; i += 16) {
        unsigned m = pattern_specials16(s + i);
        if (n - i < 16)
            m &= (1u << (n - i)) - 1;
        while (m) {
            size_t k = i + (size_t)ctz64(m);
            m &= m - 1;
            if (s[k] == '*' || (s[k] == '$' && k == n - 1)) {
                if (star == n)
                    star = k;
            } else {
                return false;
            }
        }
    }
    *lit = star;
    return true;
}

/* First occurrence of needle (m > 0 bytes) in hay[0..n), or NULL. */
static const char *find(const char *hay, size_t n, const char *needle, size_t m) {
    const char *end = hay + n;
    while ((size_t)(end - hay) >= m) {
        const char *c = memchr(hay, needle[0], (size_t)(end - hay) - m + 1);
        if (!c)
            return NULL;
        if (memcmp(c + 1, needle + 1, m - 1) == 0)
            return c;
        hay = c + 1;
    }
    return NULL;
}

/* Match the rest of a pattern after its literal prefix: segments separated
 * by '*', an optional final '$' anchoring the end. Greedy leftmost placement
 * of each segment is optimal when only the last may be anchored. */
static bool wild_match(const char *p, size_t pn, const char *s, size_t sn) {
    bool anchored = pn > 0 && p[pn - 1] == '$';
    if (anchored)
        pn--;
    if (pn == 0)
        return !anchored || sn == 0;
    size_t i = 0, pos = 0;
    /* p starts with '*' here (lit_len stops at the first '*'). */
    for (;;) {
        while (i < pn && p[i] == '*')
            i++;
        if (i == pn)
            return true; /* trailing '*' swallows the rest, anchored or not */
        size_t j = i;
        while (j < pn && p[j] != '*')
            j++;
        size_t seg = j - i;
        if (j == pn && anchored)
            return sn - pos >= seg && memcmp(s + sn - seg, p + i, seg) == 0;
        if (sn - pos < seg)
            return false;
        const char *f = find(s + pos, sn - pos, p + i, seg);
        if (!f)
            return false;
        if (j == pn)
            return true;
        pos = (size_t)(f - s) + seg;
        i = j;
    }
}

static inline uint64_t path_head(const char *s, size_t n) {
    unsigned char b[8] = {0};
    memcpy(b, s, n < 8 ? n : 8);
    uint64_t h;
    memcpy(&h, b, 8);
    return h;
}

static inline bool match_fast(const robots_rule *r, const char *s, size_t n, uint64_t ph) {
    if (r->lit_len > n || (ph & r->mask) != r->head)
        return false;
    if (r->lit_len > 8 && memcmp(s + 8, r->pat + 8, r->lit_len - 8) != 0)
        return false;
    if (!r->wild)
        return true;
    return wild_match(r->pat + r->lit_len, r->pat_len - r->lit_len, s + r->lit_len, n - r->lit_len);
}

bool robots_rule_matches(const robots_rule *rule, const char *path, size_t n) {
    return match_fast(rule, path, n, path_head(path, n));
}

bool ccsig_robots_pattern_match(ccsig_str pattern, ccsig_str path) {
    char pat[3 * CCSIG_ROBOTS_PATTERN_MAX], norm[CCSIG_ROBOTS_PATTERN_MAX];
    size_t pn = robots_normalize_pattern(
        pattern.p ? pattern.p : "",
        pattern.len < CCSIG_ROBOTS_PATTERN_MAX ? pattern.len : CCSIG_ROBOTS_PATTERN_MAX, pat);
    size_t n = normalize(path.p ? path.p : "", path.len, norm, sizeof norm, true, NULL);
    size_t lit = literal_length(pat, pn);
    if (lit > n || memcmp(pat, norm, lit) != 0)
        return false;
    return lit == pn || wild_match(pat + lit, pn - lit, norm + lit, n - lit);
}

/* ---- Content-Usage / Content-Signal values ---- */

void robots_split_value(const char *v, size_t n, ccsig_str *path, ccsig_str *expr) {
    if (n > 0 && v[0] == '/') {
        size_t i = 0;
        while (i < n && v[i] != ' ' && v[i] != '\t')
            i++;
        *path = ccsig_str_make(v, i);
        while (i < n && (v[i] == ' ' || v[i] == '\t'))
            i++;
        *expr = ccsig_str_make(v + i, n - i);
    } else {
        *path = ccsig_str_make(v, 0);
        *expr = ccsig_str_make(v, n);
    }
}

ccsig_signal_use ccsig_content_signal_use_level(ccsig_str v) {
    if (CCSIG_STR_IEQ(v, "immediate"))
        return CCSIG_SIGNAL_USE_IMMEDIATE;
    if (CCSIG_STR_IEQ(v, "reference"))
        return CCSIG_SIGNAL_USE_REFERENCE;
    if (CCSIG_STR_IEQ(v, "full"))
        return CCSIG_SIGNAL_USE_FULL;
    return CCSIG_SIGNAL_USE_NONE;
}

const char *ccsig_content_signal_use_meaning(ccsig_signal_use u) {
    switch (u) {
    case CCSIG_SIGNAL_USE_IMMEDIATE:
        return "only to answer the request at hand; not kept afterwards";
    case CCSIG_SIGNAL_USE_REFERENCE:
        return "kept only to refer to the source (excerpts, citation, link)";
    case CCSIG_SIGNAL_USE_FULL:
        return "the whole content may be kept and used";
    case CCSIG_SIGNAL_USE_NONE:
        break;
    }
    return NULL;
}

void ccsig_content_signal_parse(const char *p, size_t n, ccsig_statement *st, ccsig_str *use,
                                ccsig_content_signal_issue_fn issue, void *ctx) {
    static const struct {
        const char *key;
        ccsig_category cat;
    } keys[] = {{"search", CCSIG_CAT_SEARCH},
                {"ai-input", CCSIG_CAT_AI_USE},
                {"ai-train", CCSIG_CAT_TRAIN_AI}};
    ccsig_state state[3] = {CCSIG_STATE_UNKNOWN, CCSIG_STATE_UNKNOWN, CCSIG_STATE_UNKNOWN};
    ccsig_str label[3] = {{NULL, 0}, {NULL, 0}, {NULL, 0}};
    if (use)
        *use = ccsig_str_make(p, 0);
    size_t i = 0;
    while (i < n) {
        size_t b = i;
        while (i < n && p[i] != ',')
            i++;
        size_t e = i;
        if (i < n)
            i++;
        while (b < e && (p[b] == ' ' || p[b] == '\t'))
            b++;
        while (e > b && (p[e - 1] == ' ' || p[e - 1] == '\t'))
            e--;
        if (b == e)
            continue;
        const char *eq = memchr(p + b, '=', e - b);
        if (!eq) {
            if (issue)
                issue(ctx, CCSIG_SIGNAL_ISSUE_SYNTAX, b, e - b);
            continue;
        }
        size_t ke = (size_t)(eq - p), vb = ke + 1;
        while (ke > b && (p[ke - 1] == ' ' || p[ke - 1] == '\t'))
            ke--;
        while (vb < e && (p[vb] == ' ' || p[vb] == '\t'))
            vb++;
        ccsig_str k = ccsig_str_make(p + b, ke - b), v = ccsig_str_make(p + vb, e - vb);
        if (CCSIG_STR_IEQ(k, "use")) {
            if (use)
                *use = v;
            if (issue && ccsig_content_signal_use_level(v) == CCSIG_SIGNAL_USE_NONE)
                issue(ctx, CCSIG_SIGNAL_ISSUE_USE_VALUE, vb, v.len);
            continue;
        }
        int idx = -1;
        for (int x = 0; x < 3; x++)
            if (ccsig_str_ieq(k, keys[x].key))
                idx = x;
        if (idx < 0) {
            if (issue)
                issue(ctx, CCSIG_SIGNAL_ISSUE_KEY, b, k.len);
            continue;
        }
        ccsig_state s = CCSIG_STATE_UNKNOWN;
        bool legacy = false;
        if (CCSIG_STR_IEQ(v, "yes")) {
            s = CCSIG_STATE_ALLOW;
        } else if (CCSIG_STR_IEQ(v, "no")) {
            s = CCSIG_STATE_DENY;
        } else if (CCSIG_STR_IEQ(v, "allow")) {
            s = CCSIG_STATE_ALLOW;
            legacy = true;
        } else if (CCSIG_STR_IEQ(v, "disallow")) {
            s = CCSIG_STATE_DENY;
            legacy = true;
        }
        if (issue) {
            if (legacy)
                issue(ctx, CCSIG_SIGNAL_ISSUE_LEGACY_VALUE, vb, v.len);
            else if (s == CCSIG_STATE_UNKNOWN)
                issue(ctx, CCSIG_SIGNAL_ISSUE_VALUE, vb, v.len);
            bool upper = false;
            for (size_t x = b; x < e; x++)
                upper |= p[x] >= 'A' && p[x] <= 'Z';
            if (upper)
                issue(ctx, CCSIG_SIGNAL_ISSUE_CASE, b, e - b);
        }
        /* A key given twice on one line: the last one counts, also when it
         * has a value that states nothing. */
        state[idx] = s;
        label[idx] = k;
    }
    for (int x = 0; x < 3; x++)
        if (state[x] != CCSIG_STATE_UNKNOWN)
            ccsig_statement_set(st, keys[x].cat, state[x], CCSIG_SIGNAL_NONE, 0, label[x]);
}

/* ---- compiling ---- */

typedef struct vec {
    void *v;
    size_t n, cap, size;
    void *local; /* caller's buffer v starts in (not freed), or NULL */
} vec;

static bool vec_reserve(vec *a, size_t cap) {
    void *nv;
    if (a->v && a->v == a->local) {
        nv = ccsig_malloc(cap * a->size);
        if (nv && a->n)
            memcpy(nv, a->v, a->n * a->size);
    } else {
        nv = ccsig_realloc(a->v, cap * a->size);
    }
    if (!nv)
        return false;
    a->v = nv;
    a->cap = cap;
    return true;
}

static void vec_free(vec *a) {
    if (a->v != a->local)
        ccsig_free(a->v);
    a->v = NULL;
}

/* A new element at the end, not cleared. */
static inline void *vec_push(vec *a) {
    if (a->n == a->cap && !vec_reserve(a, a->cap ? a->cap * 2 : 16))
        return NULL;
    return (char *)a->v + a->n++ * a->size;
}

typedef struct agent_pair {
    const char *tok;
    uint32_t len;
    uint32_t group;
    uint32_t hash;  /* tok_hash */
    uint32_t entry; /* index in the agent table */
} agent_pair;

/* Say in each grouped Content-Signal statement's provenance which group it
 * is scoped to (ccsig_provenance scope_line and scope): the group's first
 * User-agent line and its product tokens (pairs come in group order), "*"
 * first for a global group. Once every line is read, as later User-agent
 * lines may still join a group (Google's grouping). The token lists live in
 * r->arena, one per group that has Content-Signal lines. False when out of
 * memory. */
static bool scope_signals(ccsig_robots *r, ccsig_statement *stmts, const robots_rule *sig,
                          size_t nsig, const robots_group *gv, const agent_pair *pv,
                          size_t npairs) {
    uint32_t last = UINT32_MAX;
    ccsig_str scope = {NULL, 0};
    size_t pi = 0;
    for (size_t i = 0; i < nsig; i++) {
        uint32_t gi = sig[i].group;
        if (gi == UINT32_MAX)
            continue;
        if (gi != last) {
            /* the pairs of group gi (groups come in order in sig too) */
            while (pi < npairs && pv[pi].group < gi)
                pi++;
            size_t n = gv[gi].global ? 1 : 0, k = pi;
            for (; k < npairs && pv[k].group == gi; k++)
                n += (n ? 2 : 0) + pv[k].len;
            char *o = ccsig_arena_alloc(&r->arena, n + 1);
            if (!o)
                return false;
            size_t w = 0;
            if (gv[gi].global)
                o[w++] = '*';
            for (k = pi; k < npairs && pv[k].group == gi; k++) {
                if (w) {
                    o[w++] = ',';
                    o[w++] = ' ';
                }
                memcpy(o + w, pv[k].tok, pv[k].len);
                w += pv[k].len;
            }
            o[w] = '\0';
            scope = ccsig_str_make(o, w);
            last = gi;
        }
        ccsig_statement *st = &stmts[sig[i].stmt];
        st->src.scope_line = gv[gi].line;
        st->src.scope = scope;
    }
    return true;
}

static int tokcmp(const char *a, size_t al, const char *b, size_t bl) {
    size_t n = al < bl ? al : bl;
    for (size_t i = 0; i < n; i++) {
        int d = (int)lower((unsigned char)a[i]) - (int)lower((unsigned char)b[i]);
        if (d)
            return d;
    }
    return al < bl ? -1 : al > bl;
}

int robots_tokcmp(const char *a, size_t al, const char *b, size_t bl) {
    return tokcmp(a, al, b, bl);
}

/* Hash of the lowercased token, a word at a time: equal for tokens equal to
 * tokcmp. Reads only t[0..n). */
static inline uint32_t tok_hash(const char *t, size_t n) {
    const uint64_t k = 0x9E3779B97F4A7C15u;
    uint64_t h = n * k;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        h = (h ^ lower8(load64(t + i))) * k;
        h ^= h >> 29;
    }
    if (i < n) {
        char tail[8] = {0};
        memcpy(tail, t + i, n - i);
        h = (h ^ lower8(load64(tail))) * k;
    }
    return (uint32_t)(h >> 32);
}

/* The agent table slot of token t (hash h): the one naming the token's
 * entry, or the empty one where it goes. */
static inline uint32_t *agent_slot(const ccsig_robots *r, const char *t, size_t n, uint32_t h) {
    uint32_t *slot = r->agent_slots;
    for (uint32_t s = h & r->agent_mask;; s = (s + 1) & r->agent_mask) {
        if (!slot[s])
            return &slot[s];
        const robots_agent_entry *e = &r->agents[slot[s] - 1];
        if (e->hash == h && tokcmp(e->tok, e->len, t, n) == 0)
            return &slot[s];
    }
}

/* Bytes of a product token: A-Z a-z 0-9 - _ */
static const unsigned char tok_byte[256] = {
    ['-'] = 1, ['_'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1,
    ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
    ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1,
    ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
    ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1};

ccsig_str ccsig_robots_product_token(const char *ua, size_t len) {
    if (len >= 1 && ua[0] == '*' && (len == 1 || is_ws((unsigned char)ua[1])))
        return ccsig_str_make(ua, 1);
    size_t i = 0;
    /* Google (and RFC 9309's identifier) stop at a digit, which reads
     * "AI2Bot" and "AI2Bot-Dolma" both as "AI"; ccsig keeps digits. */
    while (i < len && tok_byte[(unsigned char)ua[i]])
        i++;
    return ccsig_str_make(ua, i);
}

ccsig_str ccsig_robots_agent_token(const char *agent, size_t len) {
    ccsig_str tok = ccsig_robots_product_token(agent, len);
    /* Cut inside a word with non-ASCII letters: the robots.txt side reads
     * "Jävla-Foobot" as "J", and "Jätte" must not become "J" too. */
    if (tok.len < len && (unsigned char)agent[tok.len] >= 0x80)
        return ccsig_str_make(agent, 0);
    return tok;
}

/* Make a rule's pattern: the bytes of the line when normalising leaves them
 * unchanged (nearly always), else normalised into the arena. */
static ROBOTS_INLINE bool rule_pattern(ccsig_robots *r, robots_rule *rule, const char *s,
                                       size_t n) {
    size_t lit;
    if (plain_pattern(s, n, &lit)) {
        rule_set_pattern(rule, s, n, lit);
        return true;
    }
    char *out = ccsig_arena_alloc(&r->arena, 3 * n + ROBOTS_PATTERN_SLACK);
    if (!out)
        return false;
    size_t m = robots_normalize_pattern(s, n, out);
    rule_set_pattern(rule, out, m, literal_length(out, m));
    return true;
}

/* A preference rule (Content-Usage, Content-Signal), cleared. */
static robots_rule *push_pref_rule(vec *v) {
    robots_rule *rule = vec_push(v);
    if (rule)
        memset(rule, 0, sizeof *rule);
    return rule;
}

static ccsig_statement *new_stmt(vec *stmts, ccsig_robots *r, unsigned line, size_t text,
                                 size_t text_len, uint32_t *idx) {
    ccsig_statement *st = vec_push(stmts);
    if (!st)
        return NULL;
    *idx = (uint32_t)(stmts->n - 1);
    ccsig_statement_init(st, CCSIG_SRC_ROBOTS);
    st->src.line = line;
    st->src.origin = r->origin;
    st->src.text = ccsig_str_make(r->text + text, text_len);
    return st;
}

/* Google: an allow of .../index.htm* also allows .../ exactly. Returns the
 * length of the pattern up to and including that '/', or 0. */
static size_t index_htm_dir(const robots_rule *rule) {
    if (rule->pat_len < 10)
        return 0;
    for (size_t i = rule->pat_len; i > 0; i--)
        if (rule->pat[i - 1] == '/') {
            const char *slash = rule->pat + i - 1;
            if (rule->pat_len - (i - 1) >= 10 && memcmp(slash, "/index.htm", 10) == 0)
                return i;
            return 0;
        }
    return 0;
}

/* Append an allow or disallow rule of group gi to access. Returns false
 * when out of memory. */
static bool add_access_rule(ccsig_robots *r, vec *access, uint32_t gi, bool allow, unsigned line,
                            ccsig_str text, const char *v, size_t n) {
    robots_rule *rule = vec_push(access);
    if (!rule || !rule_pattern(r, rule, v, n))
        return false;
    rule->allow = allow;
    rule->line = line;
    rule->group = gi;
    rule->stmt = 0;
    rule->text = text;
    rule->use = (ccsig_str){NULL, 0};
    size_t keep;
    if (allow && (keep = index_htm_dir(rule)) > 0) {
        char *np = ccsig_arena_alloc(&r->arena, keep + 1 + ROBOTS_PATTERN_SLACK);
        robots_rule copy = *rule;
        robots_rule *extra = vec_push(access);
        if (!np || !extra)
            return false;
        memcpy(np, copy.pat, keep);
        np[keep] = '$';
        *extra = copy;
        rule_set_pattern(extra, np, keep + 1, literal_length(np, keep + 1));
    }
    return true;
}

/* A Crawl-delay value: seconds as digits with an optional fraction
 * ("10", "0.5"); what follows the number is ignored ("5 # s" is 5). -1 for
 * anything else (empty, negative, "fast"), as a line that states no delay. */
static double crawl_delay_value(const char *v, size_t n) {
    size_t i = 0;
    double d = 0, scale = 1;
    while (i < n && v[i] >= '0' && v[i] <= '9' && d < 1e15)
        d = d * 10 + (v[i++] - '0');
    size_t ints = i;
    if (i < n && v[i] == '.') {
        i++;
        while (i < n && v[i] >= '0' && v[i] <= '9') {
            scale /= 10;
            d += (v[i++] - '0') * scale;
        }
    }
    if (ints == 0 && i <= 1)
        return -1;
    return d;
}

ccsig_status ccsig_robots_compile(const char *p, size_t len, const char *origin, ccsig_robots **out,
                                  ccsig_error *err) {
    return ccsig_robots_compile_opts(p, len, origin, NULL, out, err);
}

/* Does a line of this kind end a run of user-agent lines under these
 * groupings? key[0..klen) is the line's key. */
static bool ends_agents(unsigned groups, int kind, const char *key, size_t klen) {
    if (groups == CCSIG_ROBOTS_GROUPS_NAIVE)
        return kind == RK_ALLOW || kind == RK_DISALLOW || kind == RK_SITEMAP ||
               (klen == 11 && CCSIG_STR_IEQ(ccsig_str_make(key, klen), "crawl-delay"));
    return kind == RK_ALLOW || kind == RK_DISALLOW; /* Google's reading, the default */
}

ccsig_status ccsig_robots_compile_opts(const char *p, size_t len, const char *origin,
                                       const ccsig_robots_compile_options *opt, ccsig_robots **out,
                                       ccsig_error *err) {
    const unsigned grouping = opt ? opt->groups : CCSIG_ROBOTS_GROUPS_DEFAULT;
    if (!out || (!p && len))
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "no input");
    *out = NULL;
    size_t used = robots_used_length(p, len);
    /* The matcher and its copy of the input in one block; the copy is
     * followed by ROBOTS_PAD zero bytes for the lexer's word reads. */
    if (used > SIZE_MAX - sizeof(ccsig_robots) - ROBOTS_PAD)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    ccsig_robots *r = ccsig_malloc(sizeof *r + used + ROBOTS_PAD);
    if (!r)
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    memset(r, 0, sizeof *r);
    char *text = (char *)(r + 1);
    memset(text + used, 0, ROBOTS_PAD); /* the lexer copies the input into text */
    r->text = text;
    r->len = used;
    ccsig_arena_init(&r->arena, 0);
    r->info.size = len;
    r->info.used = used;
    r->info.truncated = used < len;
    vec access = {NULL, 0, 0, sizeof(robots_rule), NULL}, usage = access, signal = access,
        gsignal = access;
    /* Groups and agent pairs start on the stack: most files fit, and both
     * end up in the agent table's block. */
    robots_group group_buf[32];
    agent_pair pair_buf[64];
    vec groups = {group_buf, 0, 32, sizeof(robots_group), group_buf};
    vec pairs = {pair_buf, 0, 64, sizeof(agent_pair), pair_buf};
    vec stmts = {NULL, 0, 0, sizeof(ccsig_statement), NULL};
    vec lic = {NULL, 0, 0, sizeof(ccsig_robots_license), NULL};
    ccsig_arena tmp;
    ccsig_arena_init(&tmp, 0);
    /* Sized for typical files (a rule per 20 to 80 bytes) so that the
     * arrays seldom grow, and not shrunk at the end: shrinking a large block
     * (mremap) makes the allocator map and fault in fresh pages for the next
     * large file. */
    if (!vec_reserve(&access, used / 40 + 16))
        goto nomem;
    if (origin) {
        size_t ol = strlen(origin);
        char *o = ccsig_arena_dup(&r->arena, origin, ol);
        if (!o)
            goto nomem;
        r->origin = ccsig_str_make(o, ol);
    }

    robots_lexer lx;
    lexer_start(&lx, text, used, p, text);
    r->info.bom = lx.bom;
    const char *t = text;
    robots_group *g = NULL; /* current group */
    uint32_t gi = 0;        /* its index */
    bool in_agents = false; /* the last directive line was a user-agent line */
    lex_span s;
    unsigned kflags;
    int kind;
    while ((kind = lex_next(&lx, &s, &kflags)) >= 0) {
        if (kind == RK_NONE)
            continue;
        /* The line, its number, and its value. */
        const unsigned line = lx.line;
        const size_t val = s.v, val_len = s.e - s.v;
        if (kind == RK_USER_AGENT) {
            if (!in_agents) {
                g = vec_push(&groups);
                if (!g)
                    goto nomem;
                gi = (uint32_t)(groups.n - 1);
                *g = (robots_group){.line = line,
                                    .text = ccsig_str_make(t + s.b, s.e - s.b),
                                    .acc_first = (uint32_t)access.n,
                                    .cu_first = (uint32_t)usage.n,
                                    .cs_first = (uint32_t)signal.n,
                                    .crawl_delay = -1};
            }
            in_agents = true;
            ccsig_str tok = ccsig_robots_product_token(t + val, val_len);
            if (tok.len == 1 && tok.p[0] == '*') {
                g->global = true;
            } else if (tok.len > 0) {
                agent_pair *ap = vec_push(&pairs);
                if (!ap)
                    goto nomem;
                ap->tok = tok.p;
                ap->len = (uint32_t)tok.len;
                ap->group = gi;
                ap->hash = tok_hash(tok.p, tok.len);
            }
            continue;
        }
        if (ends_agents(grouping, kind, t + s.b, s.ke - s.b))
            in_agents = false; /* the record ends the run of user-agent lines */
        ccsig_str text_ = ccsig_str_make(t + s.b, s.e - s.b);
        switch (kind) {
        case RK_ALLOW:
        case RK_DISALLOW:
            if (!g)
                break; /* rules before any group are ignored (RFC 9309 §2.1) */
            if (!add_access_rule(r, &access, gi, kind == RK_ALLOW, line, text_, t + val, val_len))
                goto nomem;
            g->acc_n = (uint32_t)access.n - g->acc_first;
            break;
        case RK_CONTENT_USAGE: {
            if (!g)
                break; /* a group rule (attach draft): ignored outside groups */
            ccsig_str path, expr;
            robots_split_value(t + val, val_len, &path, &expr);
            robots_rule *rule = push_pref_rule(&usage);
            if (!rule || !rule_pattern(r, rule, path.p, path.len))
                goto nomem;
            rule->line = line;
            rule->group = gi;
            rule->text = text_;
            ccsig_statement *st = new_stmt(&stmts, r, line, s.b, s.e - s.b, &rule->stmt);
            if (!st)
                goto nomem;
            ccsig_arena_reset(&tmp);
            ccsig_error perr;
            if (ccsig_pref_parse(&tmp, expr.p, expr.len, st, NULL, &perr) == CCSIG_ERR_NOMEM)
                goto nomem;
            g->cu_n++;
            break;
        }
        case RK_CONTENT_SIGNAL: {
            ccsig_str path, expr;
            robots_split_value(t + val, val_len, &path, &expr);
            robots_rule *rule = push_pref_rule(g ? &signal : &gsignal);
            if (!rule || !rule_pattern(r, rule, path.p, path.len))
                goto nomem;
            rule->line = line;
            rule->group = g ? gi : UINT32_MAX;
            rule->text = text_;
            ccsig_statement *st = new_stmt(&stmts, r, line, s.b, s.e - s.b, &rule->stmt);
            if (!st)
                goto nomem;
            ccsig_content_signal_parse(expr.p, expr.len, st, &rule->use, NULL, NULL);
            if (g)
                g->cs_n++;
            break;
        }
        case RK_LICENSE: {
            ccsig_robots_license *li = vec_push(&lic);
            if (!li)
                goto nomem;
            li->line = line;
            li->url = ccsig_str_make(t + val, val_len);
            break;
        }
        case RK_OTHER:
            /* Crawl-delay is not in RFC 9309 and not a rule: it does not end
             * a run of user-agent lines (Google), and is kept per group for
             * the fetcher (ccsig_robots_crawl_delay). */
            if (g && g->crawl_delay < 0 && s.ke > s.b &&
                CCSIG_STR_IEQ(ccsig_str_make(t + s.b, s.ke - s.b), "crawl-delay"))
                g->crawl_delay = crawl_delay_value(t + val, val_len);
            break;
        default:
            break;
        }
    }
    if (lx.copied < used) /* not expected: lines cover the input */
        memcpy(text + lx.copied, p + lx.copied, used - lx.copied);
    r->info.lines = lx.line;
    r->info.first_ignored_line = r->info.truncated ? lx.line + 1 : 0;

    /* Global Content-Signal lines go first in the signal array. */
    if (gsignal.n) {
        robots_rule *all = ccsig_malloc((gsignal.n + signal.n) * sizeof *all);
        if (!all)
            goto nomem;
        memcpy(all, gsignal.v, gsignal.n * sizeof *all);
        if (signal.n)
            memcpy(all + gsignal.n, signal.v, signal.n * sizeof *all);
        robots_group *gs = groups.v;
        for (size_t i = 0; i < groups.n; i++)
            gs[i].cs_first += (uint32_t)gsignal.n;
        ccsig_free(signal.v);
        signal.v = all;
        signal.n += gsignal.n;
        signal.cap = signal.n;
    }
    ccsig_free(gsignal.v);
    gsignal.v = NULL;

    /* Agent table: each token (in order of first appearance) with the list
     * of its groups, found through an open-addressing hash table. One block:
     * the entries, the groups, the group lists, the slots. */
    agent_pair *pv = pairs.v;
    robots_group *gv = groups.v;
    size_t nglobal = 0, nslots = 8;
    for (size_t i = 0; i < groups.n; i++)
        nglobal += gv[i].global;
    while (nslots < 2 * pairs.n)
        nslots *= 2;
    r->agents =
        ccsig_malloc((pairs.n + 1) * sizeof *r->agents + groups.n * sizeof *r->groups +
                     (pairs.n + nglobal + 1) * sizeof *r->glist + nslots * sizeof(uint32_t));
    if (!r->agents)
        goto nomem;
    r->groups = (robots_group *)(void *)(r->agents + pairs.n + 1);
    if (groups.n)
        memcpy(r->groups, gv, groups.n * sizeof *gv);
    r->glist = (uint32_t *)(void *)(r->groups + groups.n);
    r->agent_slots = r->glist + pairs.n + nglobal + 1;
    r->agent_mask = (uint32_t)(nslots - 1);
    memset(r->agent_slots, 0, nslots * sizeof(uint32_t));
    size_t ng = 0, na = 0;
    /* Count each token's groups (pairs come in group order), ... */
    for (size_t i = 0; i < pairs.n; i++) {
        uint32_t *slot = agent_slot(r, pv[i].tok, pv[i].len, pv[i].hash);
        robots_agent_entry *e;
        if (!*slot) {
            *slot = (uint32_t)++na;
            e = &r->agents[na - 1];
            *e = (robots_agent_entry){pv[i].tok, pv[i].len, pv[i].hash, UINT32_MAX, 0};
        } else {
            e = &r->agents[*slot - 1];
        }
        if (e->first != pv[i].group) { /* first: the last group seen, for now */
            e->first = pv[i].group;
            e->n++;
        }
        pv[i].entry = *slot - 1;
    }
    /* ... place the lists, ... */
    for (size_t i = 0; i < na; i++) {
        r->agents[i].first = (uint32_t)ng;
        ng += r->agents[i].n;
        r->agents[i].n = 0;
    }
    /* ... and fill them. */
    for (size_t i = 0; i < pairs.n; i++) {
        robots_agent_entry *e = &r->agents[pv[i].entry];
        if (e->n == 0 || r->glist[e->first + e->n - 1] != pv[i].group)
            r->glist[e->first + e->n++] = pv[i].group;
    }
    r->global_first = (uint32_t)ng;
    for (size_t i = 0; i < groups.n; i++)
        if (gv[i].global)
            r->glist[ng++] = (uint32_t)i;
    r->global_n = (uint32_t)(ng - r->global_first);
    r->nglist = ng;
    r->nagents = na;
    if (!scope_signals(r, stmts.v, signal.v, signal.n, gv, pv, pairs.n))
        goto nomem;
    vec_free(&pairs);
    vec_free(&groups);

    if (access.n == 0) {
        ccsig_free(access.v);
        access.v = NULL;
    }

    r->access = access.v;
    r->naccess = access.n;
    r->usage = usage.v;
    r->nusage = usage.n;
    r->signal = signal.v;
    r->nsignal = signal.n;
    r->ngroups = groups.n;
    r->stmts = stmts.v;
    r->nstmts = stmts.n;
    r->licenses = lic.v;
    r->nlicenses = lic.n;
    /* Statement provenance and labels were taken while the vectors grew;
     * they point into r->text, which did not move. */
    r->info.groups = (unsigned)groups.n;
    r->info.access_rules = (unsigned)access.n;
    r->info.usage_rules = (unsigned)usage.n;
    r->info.signal_rules = (unsigned)signal.n;
    r->info.licenses = (unsigned)lic.n;
    {
        size_t gsn = 0;
        for (size_t i = 0; i < r->nsignal; i++)
            gsn += r->signal[i].group == UINT32_MAX;
        r->nsignal_global = gsn;
    }
    ccsig_arena_free(&tmp);
    *out = r;
    return CCSIG_OK;
nomem:
    ccsig_free(access.v);
    ccsig_free(usage.v);
    ccsig_free(signal.v);
    ccsig_free(gsignal.v);
    vec_free(&groups);
    vec_free(&pairs);
    ccsig_free(stmts.v);
    ccsig_free(lic.v);
    ccsig_arena_free(&tmp);
    r->access = NULL;
    r->usage = NULL;
    r->signal = NULL;
    r->stmts = NULL;
    r->licenses = NULL;
    ccsig_robots_free(r);
    return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
}

void ccsig_robots_free(ccsig_robots *r) {
    if (!r)
        return;
    ccsig_free(r->access);
    ccsig_free(r->usage);
    ccsig_free(r->signal);
    ccsig_free(r->agents); /* and the groups and group lists, in the same block */
    ccsig_free(r->stmts);
    ccsig_free(r->licenses);
    ccsig_arena_free(&r->arena);
    ccsig_free(r);
}

const ccsig_robots_info *ccsig_robots_get_info(const ccsig_robots *r) {
    return &r->info;
}

const ccsig_robots_license *ccsig_robots_licenses(const ccsig_robots *r, size_t *n) {
    *n = r->nlicenses;
    return r->licenses;
}

const char *ccsig_robots_reason_name(ccsig_robots_reason x) {
    switch (x) {
    case CCSIG_ROBOTS_BY_RULE:
        return "rule";
    case CCSIG_ROBOTS_NO_MATCH:
        return "no-match";
    case CCSIG_ROBOTS_NO_GROUP:
        return "no-group";
    case CCSIG_ROBOTS_ROBOTS_TXT:
        return "robots-txt";
    }
    return "unknown";
}

/* ---- queries ---- */

ccsig_robots_agent ccsig_robots_select(const ccsig_robots *r, const char *agent, size_t len) {
    ccsig_robots_agent a = {r->global_first, r->global_n, false};
    ccsig_str tok = ccsig_robots_agent_token(agent ? agent : "", agent ? len : 0);
    if (tok.len == 0 || (tok.len == 1 && tok.p[0] == '*'))
        return a;
    const uint32_t *slot = agent_slot(r, tok.p, tok.len, tok_hash(tok.p, tok.len));
    if (*slot) {
        const robots_agent_entry *e = &r->agents[*slot - 1];
        a.first = e->first;
        a.count = e->n;
        a.specific = true;
    }
    return a;
}

const char *ccsig_robots_status_name(ccsig_robots_status s) {
    switch (s) {
    case CCSIG_ROBOTS_FOUND:
        return "found";
    case CCSIG_ROBOTS_UNAVAILABLE:
        return "unavailable";
    case CCSIG_ROBOTS_UNREACHABLE:
        return "unreachable";
    case CCSIG_ROBOTS_NONE:
        break;
    }
    return "none";
}

ccsig_robots_status ccsig_robots_status_of_http(long status) {
    if (status >= 200 && status < 300)
        return CCSIG_ROBOTS_FOUND;
    if (status >= 300 && status < 500)
        return CCSIG_ROBOTS_UNAVAILABLE;
    return CCSIG_ROBOTS_UNREACHABLE;
}

double ccsig_robots_crawl_delay(const ccsig_robots *r, ccsig_robots_agent agent) {
    if (!r || agent.first + agent.count > r->nglist)
        return -1;
    for (uint32_t k = 0; k < agent.count; k++) {
        double d = r->groups[r->glist[agent.first + k]].crawl_delay;
        if (d >= 0)
            return d;
    }
    return -1;
}

bool robots_decide(const ccsig_robots *r, const uint32_t *gl, size_t ngl, const char *path,
                   size_t n, const robots_rule **rule) {
    const robots_rule *best_a = NULL, *best_d = NULL;
    long pa = -1, pd = -1;
    uint64_t ph = path_head(path, n);
    for (size_t k = 0; k < ngl; k++) {
        const robots_group *g = &r->groups[gl[k]];
        if (g->acc_n == 0)
            continue; /* r->access may be NULL */
        const robots_rule *ru = r->access + g->acc_first, *end = ru + g->acc_n;
        for (; ru < end; ru++) {
            long pr = (long)ru->pat_len;
            if (ru->allow ? pr <= pa : pr <= pd)
                continue;
            if (!match_fast(ru, path, n, ph))
                continue;
            if (ru->allow) {
                pa = pr;
                best_a = ru;
            } else {
                pd = pr;
                best_d = ru;
            }
        }
    }
    bool disallowed = pd > 0 && pd > pa;
    if (rule)
        *rule = disallowed ? best_d : best_a ? best_a : best_d;
    return !disallowed;
}

static bool is_robots_txt(ccsig_str path) {
    static const char rt[] = "/robots.txt";
    size_t l = sizeof rt - 1;
    return path.len >= l && memcmp(path.p, rt, l) == 0 && (path.len == l || path.p[l] == '?');
}

/* What an answer holds besides its fields (ccsig_robots_answer_new). */
struct ccsig_robots_answer_store {
    ccsig_statement st[CCSIG_ROBOTS_MAX_STATEMENTS];
    ccsig_robots_directive st_directive[CCSIG_ROBOTS_MAX_STATEMENTS];
    char pathbuf[CCSIG_ROBOTS_PATH_MAX];
};

typedef struct answer_block {
    ccsig_robots_answer a;
    struct ccsig_robots_answer_store s;
} answer_block;

ccsig_robots_answer *ccsig_robots_answer_new(void) {
    answer_block *b = ccsig_calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->a.store = &b->s;
    b->a.st = b->s.st;
    b->a.st_directive = b->s.st_directive;
    return &b->a;
}

void ccsig_robots_answer_free(ccsig_robots_answer *a) {
    if (a)
        ccsig_free((answer_block *)a); /* a is the block's first member */
}

static void add_statement(ccsig_robots_answer *out, const ccsig_statement *st,
                          ccsig_robots_directive d) {
    struct ccsig_robots_answer_store *s = out->store;
    if (out->nst < CCSIG_ROBOTS_MAX_STATEMENTS) {
        s->st[out->nst] = *st;
        s->st_directive[out->nst] = d;
        out->nst++;
        return;
    }
    ccsig_statement *last = &s->st[out->nst - 1];
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        ccsig_statement_set_pref(last, (ccsig_category)c, &st->cat[c]);
    }
    if (!st->valid)
        last->valid = false;
    out->folded++;
}

/* Longest-path preference rules of one kind among the agent's groups (and,
 * for Content-Signal, the lines outside groups). Adds them to out, or only
 * counts them when count_only. */
static unsigned match_prefs(const ccsig_robots *r, const uint32_t *gl, size_t ngl,
                            ccsig_robots_directive d, const char *path, size_t n,
                            ccsig_robots_answer *out, bool count_only) {
    const robots_rule *base = d == CCSIG_ROBOTS_CONTENT_USAGE ? r->usage : r->signal;
    size_t nglobal = d == CCSIG_ROBOTS_CONTENT_SIGNAL ? r->nsignal_global : 0;
    long best = -1;
    uint64_t ph = path_head(path, n);
    for (int pass = 0; pass < 2; pass++) {
        unsigned found = 0;
        for (size_t k = 0; k <= ngl; k++) {
            const robots_rule *ru, *end;
            if (k == 0) {
                ru = base;
                end = base + nglobal;
            } else {
                const robots_group *g = &r->groups[gl[k - 1]];
                if (d == CCSIG_ROBOTS_CONTENT_USAGE) {
                    ru = base + g->cu_first;
                    end = ru + g->cu_n;
                } else {
                    ru = base + g->cs_first;
                    end = ru + g->cs_n;
                }
            }
            for (; ru < end; ru++) {
                long pr = (long)ru->pat_len;
                if (pass == 0 ? pr <= best : pr != best)
                    continue;
                if (!match_fast(ru, path, n, ph))
                    continue;
                if (pass == 0) {
                    best = pr;
                    continue;
                }
                found++;
                if (count_only)
                    continue;
                add_statement(out, &r->stmts[ru->stmt], d);
                if (d == CCSIG_ROBOTS_CONTENT_SIGNAL && ru->use.len && !out->signal_use.len)
                    out->signal_use = ru->use;
            }
        }
        if (best < 0)
            return 0;
        if (pass == 1)
            return found;
    }
    return 0;
}

static void answer_reset(ccsig_robots_answer *out) {
    out->allowed = true;
    out->reason = CCSIG_ROBOTS_NO_MATCH;
    out->rule.line = 0;
    out->rule.text = ccsig_str_make("", 0);
    out->group = out->rule;
    out->specific = false;
    out->nst = 0;
    out->folded = 0;
    out->withheld = 0;
    out->signal_use = ccsig_str_make("", 0);
    out->licenses = NULL;
    out->nlicenses = 0;
    out->path_truncated = false;
}

ccsig_status ccsig_robots_query(const ccsig_robots *r, ccsig_robots_agent agent, const char *url,
                                size_t len, ccsig_robots_answer *out) {
    if (out && !out->store)
        out->allowed = false;
    if (!r || !out || (!url && len) || !out->store)
        return CCSIG_ERR_USAGE;
    answer_reset(out);
    out->st = out->store->st;
    out->st_directive = out->store->st_directive;
    out->path = ccsig_robots_url_path(url ? url : "", len, out->store->pathbuf,
                                      sizeof out->store->pathbuf, &out->path_truncated);
    out->licenses = r->licenses;
    out->nlicenses = r->nlicenses;
    out->specific = agent.specific;
    const uint32_t *gl = r->glist + agent.first;
    size_t ngl = agent.first + agent.count <= r->nglist ? agent.count : 0;
    if (ngl) {
        const robots_group *g0 = &r->groups[gl[0]];
        out->group.line = g0->line;
        out->group.text = g0->text;
    }
    const robots_rule *rule = NULL;
    out->allowed = robots_decide(r, gl, ngl, out->path.p, out->path.len, &rule);
    if (rule) {
        out->reason = CCSIG_ROBOTS_BY_RULE;
        out->rule.line = rule->line;
        out->rule.text = rule->text;
        out->group.line = r->groups[rule->group].line;
        out->group.text = r->groups[rule->group].text;
    } else if (!ngl) {
        out->reason = CCSIG_ROBOTS_NO_GROUP;
    }
    if (is_robots_txt(out->path) && !out->allowed) {
        out->allowed = true;
        out->reason = CCSIG_ROBOTS_ROBOTS_TXT;
        out->rule.line = 0;
        out->rule.text = ccsig_str_make("", 0);
    } else if (is_robots_txt(out->path) && out->reason != CCSIG_ROBOTS_BY_RULE) {
        out->reason = CCSIG_ROBOTS_ROBOTS_TXT;
    }
    bool count_only = !out->allowed;
    unsigned k = 0;
    if (r->nusage)
        k += match_prefs(r, gl, ngl, CCSIG_ROBOTS_CONTENT_USAGE, out->path.p, out->path.len, out,
                         count_only);
    if (r->nsignal)
        k += match_prefs(r, gl, ngl, CCSIG_ROBOTS_CONTENT_SIGNAL, out->path.p, out->path.len, out,
                         count_only);
    if (count_only)
        out->withheld = k;
    return CCSIG_OK;
}

ccsig_status ccsig_robots_check(const ccsig_robots *r, const char *agent, size_t agent_len,
                                const char *url, size_t len, ccsig_robots_answer *out) {
    if (!r)
        return CCSIG_ERR_USAGE;
    return ccsig_robots_query(r, ccsig_robots_select(r, agent, agent_len), url, len, out);
}

bool ccsig_robots_allowed(const ccsig_robots *r, ccsig_robots_agent agent, const char *url,
                          size_t len, ccsig_robots_line *rule) {
    char buf[CCSIG_ROBOTS_PATH_MAX];
    bool trunc;
    ccsig_str path = ccsig_robots_url_path(url ? url : "", url ? len : 0, buf, sizeof buf, &trunc);
    const uint32_t *gl = r->glist + agent.first;
    size_t ngl = agent.first + agent.count <= r->nglist ? agent.count : 0;
    const robots_rule *ru = NULL;
    bool ok = robots_decide(r, gl, ngl, path.p, path.len, &ru);
    if (is_robots_txt(path) && !ok) {
        ok = true;
        ru = NULL;
    }
    if (rule) {
        rule->line = ru ? ru->line : 0;
        rule->text = ru ? ru->text : ccsig_str_make("", 0);
    }
    return ok;
}
