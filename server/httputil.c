/*
 * httputil.c — parsing and escaping of hostile network input (see
 * httputil.h). Nothing here trusts a length it did not compute.
 */
#include "httputil.h"

#include "ccsig/sf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- escaping ---- */

void hu_html_n(ccsig_buf *b, const char *s, size_t n) {
    /* Valid UTF-8 is copied; each byte of an invalid sequence becomes
     * U+FFFD (pages are UTF-8, whatever a name in the database holds). */
    size_t start = 0;
    for (size_t i = 0; i < n;) {
        const char *rep = NULL;
        size_t adv = 1;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            adv = ccsig_utf8_seq((const unsigned char *)s + i, n - i);
            if (adv) {
                i += adv;
                continue;
            }
            adv = 1;
            rep = "\xEF\xBF\xBD";
        }
        switch (c) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            break;
        }
        if (!rep) {
            i++;
            continue;
        }
        ccsig_buf_append(b, s + start, i - start);
        ccsig_buf_puts(b, rep);
        i += adv;
        start = i;
    }
    ccsig_buf_append(b, s + start, n - start);
}

void hu_html(ccsig_buf *b, const char *s) {
    hu_html_n(b, s ? s : "", s ? strlen(s) : 0);
}

static bool unreserved(unsigned char c) {
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

void hu_url_path(ccsig_buf *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c) || c == '/')
            ccsig_buf_putc(b, (char)c);
        else
            ccsig_buf_printf(b, "%%%02X", c);
    }
}

void hu_url_query(ccsig_buf *b, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (unreserved(c))
            ccsig_buf_putc(b, (char)c);
        else
            ccsig_buf_printf(b, "%%%02X", c);
    }
}

void hu_csv(ccsig_buf *b, const char *s) {
    if (!s)
        s = "";
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    bool formula =
        s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
    if (quote || formula)
        ccsig_buf_putc(b, '"');
    if (formula)
        ccsig_buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '"')
            ccsig_buf_putc(b, '"');
        ccsig_buf_putc(b, *s);
    }
    if (quote || formula)
        ccsig_buf_putc(b, '"');
}

size_t hu_unescape(char *s) {
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (r[0] == '%' && r[1] && r[2]) {
            int h = ccsig_hex_value((unsigned char)r[1]), l = ccsig_hex_value((unsigned char)r[2]);
            if (h >= 0 && l >= 0 && (h || l)) {
                *w++ = (char)(h * 16 + l);
                r += 2;
                continue;
            }
        }
        *w++ = *r;
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* ---- paths and routes ---- */

int hu_safe_path(const char *path, size_t len, char *out, size_t outlen, bool *dir) {
    if (len == 0 || path[0] != '/' || outlen == 0 || len > HU_MAX_PATH)
        return -1;
    size_t o = 0;
    size_t i = 0;
    *dir = path[len - 1] == '/';
    while (i < len) {
        while (i < len && path[i] == '/')
            i++;
        size_t s = i;
        while (i < len && path[i] != '/')
            i++;
        size_t n = i - s;
        if (n == 0)
            continue;
        if (path[s] == '.') /* ".", "..", and every dot file */
            return -1;
        for (size_t k = s; k < i; k++) {
            unsigned char c = (unsigned char)path[k];
            if (c < 0x20 || c == 0x7f || c == '\\')
                return -1;
        }
        /* Names are UTF-8 (the pages, the manifest and the archive show
         * them); a name that is not is never served, listed or archived. */
        if (!ccsig_utf8_valid(path + s, n))
            return -1;
        if (o + n + 2 > outlen)
            return -1;
        if (o)
            out[o++] = '/';
        memcpy(out + o, path + s, n);
        o += n;
    }
    out[o] = '\0';
    return 0;
}

static bool seg_eq(const char *p, size_t len, const char *lit) {
    size_t n = strlen(lit);
    return len == n && memcmp(p, lit, n) == 0;
}

route hu_route(const char *path, size_t len) {
    route r = {R_FILE, 0, ACT_NONE};
    if (seg_eq(path, len, "/"))
        r.id = R_HOME;
    else if (seg_eq(path, len, "/robots.txt"))
        r.id = R_ROBOTS;
    else if (seg_eq(path, len, "/.well-known/tdmrep.json"))
        r.id = R_TDMREP;
    else if (seg_eq(path, len, "/declaration"))
        r.id = R_DECLARATION;
    else if (seg_eq(path, len, "/search"))
        r.id = R_SEARCH;
    else if (seg_eq(path, len, "/register"))
        r.id = R_REGISTER;
    else if (seg_eq(path, len, "/_ccsig/style.css"))
        r.id = R_STYLE;
    else if (seg_eq(path, len, "/receipt"))
        r.id = R_RECEIPT;
    else if (seg_eq(path, len, "/.well-known/ccsig-receipt-key"))
        r.id = R_RECEIPT_KEY;
    else if (seg_eq(path, len, "/credit/reports"))
        r.id = R_REPORTS;
    else if (seg_eq(path, len, "/license.xml"))
        r.id = R_LICENSE;
    else if (seg_eq(path, len, "/token"))
        r.id = R_TOKEN;
    else if (seg_eq(path, len, "/introspect"))
        r.id = R_INTROSPECT;
    else if (seg_eq(path, len, "/.well-known/jwks.json"))
        r.id = R_JWKS;
    else if (seg_eq(path, len, "/key"))
        r.id = R_KEY;
    else if (seg_eq(path, len, "/terms/accept"))
        r.id = R_TERMS_ACCEPT;
    else if (seg_eq(path, len, "/terms") || seg_eq(path, len, "/terms.json") ||
             (len > 7 && memcmp(path, "/terms/", 7) == 0))
        r.id = R_TERMS;
    else if (len >= 6 && memcmp(path, "/bulk/", 6) == 0) {
        if (seg_eq(path, len, "/bulk/collection.tar"))
            r.id = R_BULK_TAR;
        else if (seg_eq(path, len, "/bulk/manifest.jsonl"))
            r.id = R_BULK_MANIFEST;
        else
            r.id = R_BULK_OTHER;
    } else if (seg_eq(path, len, "/bulk"))
        r.id = R_BULK_OTHER;
    else if (seg_eq(path, len, "/steward") || seg_eq(path, len, "/steward/"))
        r.id = R_ST_HOME;
    else if (len >= 9 && memcmp(path, "/steward/", 9) == 0) {
        const char *p = path + 9;
        size_t n = len - 9;
        r.id = R_ST_OTHER;
        if (seg_eq(p, n, "login"))
            r.id = R_ST_LOGIN;
        else if (seg_eq(p, n, "logout"))
            r.id = R_ST_LOGOUT;
        else if (seg_eq(p, n, "usage.csv"))
            r.id = R_ST_CSV;
        else if (seg_eq(p, n, "charges.csv") || seg_eq(p, n, "charges.json"))
            r.id = R_ST_CHARGES;
        else if (n > 8 && memcmp(p, "reusers/", 8) == 0) {
            size_t i = 8;
            int64_t id = 0;
            size_t digits = 0;
            while (i < n && p[i] >= '0' && p[i] <= '9' && digits < 15) {
                id = id * 10 + (p[i] - '0');
                i++;
                digits++;
            }
            if (digits == 0 || id <= 0)
                return r;
            if (i == n) {
                r.id = R_ST_REUSER;
                r.reuser = id;
            } else if (p[i] == '/') {
                const char *a = p + i + 1;
                size_t an = n - i - 1;
                st_action act = seg_eq(a, an, "approve")  ? ACT_APPROVE
                                : seg_eq(a, an, "reject") ? ACT_REJECT
                                : seg_eq(a, an, "revoke") ? ACT_REVOKE
                                                          : ACT_NONE;
                if (act != ACT_NONE) {
                    r.id = R_ST_ACTION;
                    r.reuser = id;
                    r.action = act;
                }
            }
        }
    } else if (len >= 8 && memcmp(path, "/steward", 8) == 0 && path[8] != '/')
        r.id = R_FILE; /* "/stewardship.txt" is a file */
    return r;
}

/* ---- forms ---- */

/* Decode one urlencoded component into dst; returns the length or -1. */
static long decode_component(const char *s, size_t n, char *dst) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '+') {
            dst[o++] = ' ';
        } else if (c == '%') {
            if (i + 2 >= n)
                return -1;
            int h = ccsig_hex_value((unsigned char)s[i + 1]),
                l = ccsig_hex_value((unsigned char)s[i + 2]);
            if (h < 0 || l < 0)
                return -1;
            int v = h * 16 + l;
            if (v == 0)
                return -1;
            dst[o++] = (char)v;
            i += 2;
        } else if (c == 0) {
            return -1;
        } else {
            dst[o++] = (char)c;
        }
    }
    dst[o] = '\0';
    return (long)o;
}

bool hu_form_ctype(const char *ctype) {
    static const char want[] = "application/x-www-form-urlencoded";
    size_t n = sizeof want - 1;
    if (!ctype || strncasecmp(ctype, want, n) != 0)
        return false;
    /* Only parameters may follow ("; charset=UTF-8"). */
    const char *p = ctype + n;
    while (*p == ' ' || *p == '\t')
        p++;
    return *p == '\0' || *p == ';';
}

int hu_form_parse(hu_form *f, const char *body, size_t len) {
    memset(f, 0, sizeof *f);
    /* Decoding never grows a component; each gets one NUL. */
    f->mem = malloc(len + 2 * HU_FORM_MAX_FIELDS + 2);
    if (!f->mem)
        return -1;
    char *w = f->mem;
    size_t i = 0;
    while (i < len) {
        size_t s = i;
        while (i < len && body[i] != '&')
            i++;
        size_t e = i;
        i++; /* skip '&' */
        if (e == s)
            continue;
        if (f->n >= HU_FORM_MAX_FIELDS) {
            hu_form_free(f);
            return -1;
        }
        size_t eq = s;
        while (eq < e && body[eq] != '=')
            eq++;
        long kn = decode_component(body + s, eq - s, w);
        if (kn < 0) {
            hu_form_free(f);
            return -1;
        }
        f->name[f->n] = w;
        w += kn + 1;
        long vn =
            eq < e ? decode_component(body + eq + 1, e - eq - 1, w) : decode_component("", 0, w);
        if (vn < 0) {
            hu_form_free(f);
            return -1;
        }
        f->value[f->n] = w;
        w += vn + 1;
        f->n++;
    }
    return 0;
}

const char *hu_form_get(const hu_form *f, const char *name) {
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->name[i], name))
            return f->value[i];
    return NULL;
}

bool hu_form_has(const hu_form *f, const char *name) {
    const char *v = hu_form_get(f, name);
    return v && *v;
}

void hu_form_free(hu_form *f) {
    free(f->mem);
    memset(f, 0, sizeof *f);
}

/* ---- headers ---- */

static const char *skip_ows(const char *p) {
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Parse up to 19 decimal digits. */
static bool parse_u64(const char **pp, uint64_t *out) {
    const char *p = *pp;
    uint64_t v = 0;
    int n = 0;
    while (*p >= '0' && *p <= '9') {
        if (n >= 19)
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
        p++;
        n++;
    }
    if (n == 0)
        return false;
    *pp = p;
    *out = v;
    return true;
}

hu_range_result hu_range(const char *h, uint64_t size, uint64_t *start, uint64_t *len) {
    if (!h)
        return HU_RANGE_NONE;
    const char *p = skip_ows(h);
    if (strncmp(p, "bytes=", 6) != 0)
        return HU_RANGE_NONE;
    p = skip_ows(p + 6);
    if (strchr(p, ','))
        return HU_RANGE_NONE; /* several ranges: send the whole thing */
    uint64_t a = 0, b = 0;
    if (*p == '-') {
        p++;
        if (!parse_u64(&p, &b))
            return HU_RANGE_NONE;
        p = skip_ows(p);
        if (*p)
            return HU_RANGE_NONE;
        if (b == 0 || size == 0)
            return HU_RANGE_UNSATISFIABLE;
        if (b > size)
            b = size;
        *start = size - b;
        *len = b;
        return HU_RANGE_OK;
    }
    if (!parse_u64(&p, &a) || *p != '-')
        return HU_RANGE_NONE;
    p++;
    bool open = true;
    if (*p >= '0' && *p <= '9') {
        if (!parse_u64(&p, &b))
            return HU_RANGE_NONE;
        open = false;
    }
    p = skip_ows(p);
    if (*p)
        return HU_RANGE_NONE;
    if (!open && b < a)
        return HU_RANGE_NONE; /* invalid: ignore */
    if (a >= size)
        return HU_RANGE_UNSATISFIABLE;
    if (open || b >= size)
        b = size - 1;
    *start = a;
    *len = b - a + 1;
    return HU_RANGE_OK;
}

bool hu_etag_match(const char *h, const char *etag) {
    if (!h || !etag)
        return false;
    /* Weak comparison: ignore W/ on both sides. */
    if (etag[0] == 'W' && etag[1] == '/')
        etag += 2;
    size_t en = strlen(etag);
    const char *p = h;
    while (*p) {
        p = skip_ows(p);
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (*p != '"')
            return false;
        const char *q = strchr(p + 1, '"');
        if (!q)
            return false;
        size_t n = (size_t)(q - p) + 1;
        if (n == en && memcmp(p, etag, n) == 0)
            return true;
        p = q + 1;
    }
    return false;
}

static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const wdays[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

static int month_index(const char *p) {
    for (int i = 0; i < 12; i++)
        if (strncmp(p, months[i], 3) == 0)
            return i;
    return -1;
}

/* Days from civil (Howard Hinnant's algorithm): no timegm, no locale. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *p, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

int64_t hu_http_date_parse(const char *s) {
    if (!s)
        return -1;
    size_t n = strlen(s);
    int d, y, hh, mm, ss, mon;
    /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (29 bytes). */
    if (n == 29 && s[3] == ',' && s[4] == ' ' && s[7] == ' ' && s[11] == ' ' && s[16] == ' ' &&
        s[19] == ':' && s[22] == ':' && strcmp(s + 25, " GMT") == 0) {
        mon = month_index(s + 8);
        if (mon < 0 || !digits(s + 5, 2, &d) || !digits(s + 12, 4, &y) || !digits(s + 17, 2, &hh) ||
            !digits(s + 20, 2, &mm) || !digits(s + 23, 2, &ss))
            return -1;
    } else if (n == 24 && s[3] == ' ' && s[7] == ' ' && s[10] == ' ' && s[13] == ':' &&
               s[16] == ':' && s[19] == ' ') {
        /* asctime: "Sun Nov  6 08:49:37 1994" */
        mon = month_index(s + 4);
        char dd[2] = {s[8] == ' ' ? '0' : s[8], s[9]};
        if (mon < 0 || !digits(dd, 2, &d) || !digits(s + 11, 2, &hh) || !digits(s + 14, 2, &mm) ||
            !digits(s + 17, 2, &ss) || !digits(s + 20, 4, &y))
            return -1;
    } else {
        /* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
        const char *c = strchr(s, ',');
        if (!c || strlen(c) != 24 || c[1] != ' ' || c[4] != '-' || c[8] != '-' || c[11] != ' ' ||
            c[14] != ':' || c[17] != ':' || strcmp(c + 20, " GMT") != 0)
            return -1;
        mon = month_index(c + 5);
        if (mon < 0 || !digits(c + 2, 2, &d) || !digits(c + 9, 2, &y) || !digits(c + 12, 2, &hh) ||
            !digits(c + 15, 2, &mm) || !digits(c + 18, 2, &ss))
            return -1;
        y += y < 70 ? 2000 : 1900;
    }
    if (d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60)
        return -1;
    return days_from_civil(y, (unsigned)mon + 1, (unsigned)d) * 86400 + hh * 3600 + mm * 60 + ss;
}

/* Days since 1970-01-01 to year, month (1-12) and day (1-31). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void put2(char *o, unsigned v) {
    o[0] = (char)('0' + v / 10 % 10);
    o[1] = (char)('0' + v % 10);
}

void hu_http_date(int64_t t, char out[30]) {
    /* Arithmetic, not gmtime_r (which takes glibc's time zone lock): this
     * runs for every file served. */
    if (t >= 0 && t < 253402300800) { /* years 1970-9999 */
        int64_t days = t / 86400, secs = t % 86400, y;
        unsigned m, d;
        civil_from_days(days, &y, &m, &d);
        const char *wd = wdays[(days + 4) % 7], *mo = months[m - 1];
        memcpy(out, wd, 3);
        memcpy(out + 3, ", ", 2);
        put2(out + 5, d);
        out[7] = ' ';
        memcpy(out + 8, mo, 3);
        out[11] = ' ';
        put2(out + 12, (unsigned)(y / 100));
        put2(out + 14, (unsigned)(y % 100));
        out[16] = ' ';
        put2(out + 17, (unsigned)(secs / 3600));
        out[19] = ':';
        put2(out + 20, (unsigned)(secs / 60 % 60));
        out[22] = ':';
        put2(out + 23, (unsigned)(secs % 60));
        memcpy(out + 25, " GMT", 5);
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(out, 30, "%s, %02d %s %04d %02d:%02d:%02d GMT", wdays[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], (tm.tm_year + 1900) % 10000, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int64_t hu_day_parse(const char *s) {
    int y, m, d;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
        !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return -1;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return -1;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return -1;
    return days_from_civil(y, (unsigned)m, (unsigned)d);
}

void hu_time_iso(int64_t ms, char out[21]) {
    hu_day_format(ms / 86400000, out);
    unsigned sec = (unsigned)((ms < 0 ? 0 : ms) / 1000 % 86400);
    snprintf(out + 10, 11, "T%02u:%02u:%02uZ", sec / 3600 % 100u, sec / 60 % 60, sec % 60);
}

void hu_day_format(int64_t day, char out[11]) {
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    unsigned y = (unsigned)(tm.tm_year + 1900) % 10000u, m = (unsigned)(tm.tm_mon + 1) % 100u,
             d = (unsigned)tm.tm_mday % 100u;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

bool hu_auth_token(const char *h, const char *scheme, const char **tok, size_t *len) {
    if (!h)
        return false;
    const char *p = skip_ows(h);
    size_t sl = strlen(scheme);
    if (strncasecmp(p, scheme, sl) != 0 || (p[sl] != ' ' && p[sl] != '\t'))
        return false;
    p = skip_ows(p + sl);
    const char *e = p;
    while (*e && *e != ' ' && *e != '\t')
        e++;
    if (*skip_ows(e))
        return false; /* token68 is one word */
    if (e == p)
        return false;
    *tok = p;
    *len = (size_t)(e - p);
    return true;
}

bool hu_bearer(const char *h, const char **tok, size_t *len) {
    return hu_auth_token(h, "bearer", tok, len);
}

bool hu_key_split(const char *tok, size_t len, char id[HU_KEY_ID_LEN + 1], const char **secret) {
    if (len != HU_KEY_LEN || memcmp(tok, "ccsig_", 6) != 0 || tok[6 + HU_KEY_ID_LEN] != '_')
        return false;
    for (size_t i = 0; i < HU_KEY_ID_LEN; i++) {
        char c = tok[6 + i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
        id[i] = c;
    }
    id[HU_KEY_ID_LEN] = '\0';
    const char *s = tok + 6 + HU_KEY_ID_LEN + 1;
    for (size_t i = 0; i < HU_KEY_SECRET_LEN; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalnum(c) || c == '-' || c == '_'))
            return false;
    }
    *secret = s;
    return true;
}

bool hu_cookie(const char *h, const char *name, char *out, size_t outlen) {
    if (!h || outlen == 0)
        return false;
    size_t nn = strlen(name);
    const char *p = h;
    while (*p) {
        p = skip_ows(p);
        const char *eq = p;
        while (*eq && *eq != '=' && *eq != ';')
            eq++;
        const char *end = eq;
        while (*end && *end != ';')
            end++;
        if (*eq == '=' && (size_t)(eq - p) == nn && memcmp(p, name, nn) == 0) {
            const char *v = eq + 1;
            size_t vn = (size_t)(end - v);
            while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
                vn--;
            if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
                v++;
                vn -= 2;
            }
            if (vn >= outlen)
                return false;
            memcpy(out, v, vn);
            out[vn] = '\0';
            return true;
        }
        p = *end ? end + 1 : end;
    }
    return false;
}

static bool contains_ci(const char *h, const char *needle) {
    size_t n = strlen(needle);
    for (const char *p = h; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return true;
    return false;
}

client_kind hu_classify(const char *ua, const char *accept_language) {
    /* Words that automation puts in its User-Agent (crawlers, HTTP
     * libraries, headless browsers, AI agents). */
    static const char *const bots[] = {
        "bot",       "crawl",  "spider",  "slurp",     "fetch",      "scrape",   "curl",
        "wget",      "python", "java/",   "go-http",   "okhttp",     "libwww",   "httpclient",
        "axios",     "node",   "undici",  "headless",  "phantom",    "selenium", "playwright",
        "puppeteer", "gpt",    "claude",  "anthropic", "perplexity", "ccbot",    "archiver",
        "httrack",   "scrapy", "aiohttp", "reqwest",   "ccsig",      NULL};
    if (!ua || strncmp(ua, "Mozilla/", 8) != 0 || !accept_language || !*accept_language)
        return CLIENT_AUTOMATED;
    for (int i = 0; bots[i]; i++)
        if (contains_ci(ua, bots[i]))
            return CLIENT_AUTOMATED;
    return CLIENT_BROWSER;
}

bool hu_wants_json(const char *accept, const char *format) {
    if (format)
        return strcmp(format, "json") == 0;
    if (!accept)
        return false;
    const char *j = strstr(accept, "application/json");
    if (!j)
        return false;
    const char *h = strstr(accept, "text/html");
    return !h || j < h;
}

bool hu_fts_query(const char *q, size_t len, ccsig_buf *out) {
    size_t terms = 0;
    size_t i = 0;
    while (i < len && terms < 16) {
        /* A term: a run of ASCII letters/digits or any non-ASCII bytes
         * (letters of other scripts); everything else separates terms, so
         * no FTS5 operator or quote can get through. */
        while (i < len && !isalnum((unsigned char)q[i]) && (unsigned char)q[i] < 0x80)
            i++;
        size_t s = i;
        while (i < len && (isalnum((unsigned char)q[i]) || (unsigned char)q[i] >= 0x80) &&
               i - s < 64)
            i++;
        if (i == s)
            continue;
        if (terms++)
            ccsig_buf_putc(out, ' ');
        ccsig_buf_putc(out, '"');
        ccsig_buf_append(out, q + s, i - s);
        ccsig_buf_putc(out, '"');
    }
    return terms > 0;
}

bool hu_forwarded_for(const char *h, char *out, size_t outlen) {
    if (!h)
        return false;
    const char *last = strrchr(h, ',');
    const char *p = skip_ows(last ? last + 1 : h);
    size_t n = 0;
    while (p[n] && p[n] != ' ' && p[n] != '\t')
        n++;
    if (n == 0 || n >= outlen || *skip_ows(p + n))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(isxdigit((unsigned char)p[i]) || p[i] == '.' || p[i] == ':'))
            return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

bool hu_request_id_ok(const char *s) {
    if (!s)
        return false;
    size_t n = 0;
    for (; s[n]; n++) {
        unsigned char c = (unsigned char)s[n];
        if (n >= 64 || !(isalnum(c) || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return n > 0;
}

void hu_hex(const uint8_t *p, size_t n, char *out) {
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hx[p[i] >> 4];
        out[2 * i + 1] = hx[p[i] & 15];
    }
    out[2 * n] = '\0';
}
