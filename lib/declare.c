/*
 * declare.c — declarations: validation, the content usage expression, the
 * robots.txt rules, the Content-Usage header and the server configurations
 * that attach it (nginx, Apache, Caddy, lighttpd).
 *
 * Correct by construction: validation admits only paths every target can
 * express exactly. robots.txt Content-Usage paths are case-sensitive byte
 * prefixes of the encoded path, so the servers match with a regular
 * expression anchored at the start (nginx map on $uri, Apache LocationMatch,
 * Caddy path_regexp, lighttpd =~): Apache's <Location> stops at segment
 * boundaries and Caddy's path matcher ignores case, neither is a prefix
 * match. Paths are restricted to characters that need no percent-encoding,
 * so the decoded path servers compare and the encoded path robots.txt
 * compares are the same bytes; '.', '(', ')' and '+' are escaped in the
 * regular expressions. A path inside another is refused (the outer one
 * covers it), so no request can match twice and get the header twice.
 */
#include <stdio.h>

#include "ccsig/arena.h"
#include "ccsig/sources.h"
#include "declare_internal.h"

/* ---- names ---- */

static const char *const copyright_names[CCSIG_COPYRIGHT_COUNT] = {"unstated", "holder",
                                                                   "not-holder", "mixed"};

const char *ccsig_copyright_name(ccsig_copyright c) {
    return (unsigned)c < CCSIG_COPYRIGHT_COUNT ? copyright_names[c] : "unstated";
}

bool ccsig_copyright_parse(const char *p, size_t len, ccsig_copyright *out) {
    ccsig_str s = ccsig_str_make(p, len);
    for (int i = 0; i < CCSIG_COPYRIGHT_COUNT; i++)
        if (ccsig_str_eq(s, copyright_names[i])) {
            *out = (ccsig_copyright)i;
            return true;
        }
    return false;
}

static const struct {
    const char *name, *file;
} formats[CCSIG_DECLARE_FORMAT_COUNT] = {
    {"expression", "content-usage-expression.txt"},
    {"robots", "robots-content-usage.txt"},
    {"header", "content-usage-header.txt"},
    {"nginx", "nginx-content-usage.conf"},
    {"apache", "apache-content-usage.conf"},
    {"caddy", "Caddyfile-content-usage"},
    {"lighttpd", "lighttpd-content-usage.conf"},
    {"xmp", "declaration.xmp"},
    {"text", "declaration.txt"},
    {"markdown", "declaration.md"},
    {"html", "declaration.html"},
    {"croissant", "croissant.json"},
    {"dataset-card", "dataset-card.md"},
    {"datapackage", "datapackage.json"},
};

const char *ccsig_declare_format_name(ccsig_declare_format f) {
    return (unsigned)f < CCSIG_DECLARE_FORMAT_COUNT ? formats[f].name : "";
}

const char *ccsig_declare_file_name(ccsig_declare_format f) {
    return (unsigned)f < CCSIG_DECLARE_FORMAT_COUNT ? formats[f].file : "";
}

bool ccsig_declare_format_parse(const char *p, size_t len, ccsig_declare_format *out) {
    ccsig_str s = ccsig_str_make(p, len);
    for (int i = 0; i < CCSIG_DECLARE_FORMAT_COUNT; i++)
        if (ccsig_str_eq(s, formats[i].name)) {
            *out = (ccsig_declare_format)i;
            return true;
        }
    return false;
}

void ccsig_declaration_init(ccsig_declaration *d) {
    memset(d, 0, sizeof *d);
    d->use = CCSIG_CAT_NONE;
    d->state = CCSIG_STATE_DENY;
    d->signal = CCSIG_SIGNAL_NONE;
    d->copyright = CCSIG_COPYRIGHT_UNSTATED;
}

size_t ccsig_declare_uses(const ccsig_declaration *d,
                          ccsig_declare_use out[CCSIG_DECLARE_MAX_USES]) {
    size_t n = d->nmore < CCSIG_DECLARE_MAX_USES ? d->nmore : CCSIG_DECLARE_MAX_USES - 1;
    out[0] = (ccsig_declare_use){d->use, d->state, d->signal};
    memcpy(out + 1, d->more, n * sizeof *out);
    return n + 1;
}

ccsig_status ccsig_declare_add_use(ccsig_declaration *d, ccsig_category use, ccsig_state state,
                                   ccsig_signal signal, ccsig_error *err) {
    if ((unsigned)d->use >= CCSIG_CAT_COUNT) {
        d->use = use;
        d->state = state;
        d->signal = signal;
        d->nmore = 0;
        return CCSIG_OK;
    }
    ccsig_declare_use have[CCSIG_DECLARE_MAX_USES];
    size_t n = ccsig_declare_uses(d, have);
    for (size_t i = 0; i < n; i++)
        if (have[i].use == use)
            return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "use %zu: %s is already declared",
                                   n + 1, ccsig_category_name(use));
    if (n == CCSIG_DECLARE_MAX_USES)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "use %zu: more than %u categories", n + 1,
                               CCSIG_DECLARE_MAX_USES);
    d->more[d->nmore++] = (ccsig_declare_use){use, state, signal};
    return CCSIG_OK;
}

void declare_view(const ccsig_declaration *d, size_t i, ccsig_declaration *v) {
    *v = *d;
    if (i > 0 && i <= d->nmore) {
        v->use = d->more[i - 1].use;
        v->state = d->more[i - 1].state;
        v->signal = d->more[i - 1].signal;
    }
    v->nmore = 0;
}

size_t declare_count(const ccsig_declaration *d) {
    return 1 + (d->nmore < CCSIG_DECLARE_MAX_USES ? d->nmore : CCSIG_DECLARE_MAX_USES - 1);
}

/* ---- validation ---- */

static bool is_alpha(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_unreserved(unsigned char c) {
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static bool is_sub_delim(unsigned char c) {
    return c && strchr("!$&'()*+,;=", c) != NULL;
}

/* Path characters that need no percent-encoding, minus the robots.txt
 * wildcards '*' and '$'. */
static bool is_path_char(unsigned char c) {
    return is_unreserved(c) || (is_sub_delim(c) && c != '*' && c != '$') || c == ':' || c == '@' ||
           c == '/';
}

static ccsig_status bad(ccsig_error *err, size_t off, const char *what, const char *fmt,
                        const char *detail) {
    char msg[160];
    snprintf(msg, sizeof msg, fmt, detail);
    return ccsig_error_set(err, CCSIG_ERR_USAGE, off, "%s: %s", what, msg);
}

ccsig_status ccsig_declare_check_path(const char *p, size_t len, const char *what,
                                      ccsig_error *err) {
    if (len == 0 || p[0] != '/')
        return bad(err, 0, what, "%sa path prefix starts with '/' (e.g. /collection/)", "");
    if (len > CCSIG_DECLARE_MAX_PATH)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, CCSIG_DECLARE_MAX_PATH,
                               "%s: longer than %u bytes", what, CCSIG_DECLARE_MAX_PATH);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (is_path_char(c))
            continue;
        char col[64];
        if (c == '*' || c == '$') {
            snprintf(col, sizeof col, "'%c' at column %zu", c, i + 1);
            return bad(err, i, what,
                       "%s: wildcards are not supported, a path is a plain prefix "
                       "(it covers everything below it)",
                       col);
        }
        if (c == '%') {
            snprintf(col, sizeof col, "'%%' at column %zu", i + 1);
            return bad(err, i, what,
                       "%s: percent-encoded paths are not supported (servers compare "
                       "them decoded, robots.txt encoded)",
                       col);
        }
        if (c == '?' || c == '#') {
            snprintf(col, sizeof col, "'%c' at column %zu", c, i + 1);
            return bad(err, i, what, "%s: a path prefix has no query or fragment", col);
        }
        if (c == ' ' || c == '\t')
            snprintf(col, sizeof col, "a %s at column %zu", c == ' ' ? "space" : "tab", i + 1);
        else if (c < 0x20 || c >= 0x7f)
            snprintf(col, sizeof col, "byte 0x%02X at column %zu", c, i + 1);
        else
            snprintf(col, sizeof col, "'%c' at column %zu", c, i + 1);
        return bad(err, i, what,
                   "%s is not allowed in a path (use letters, digits and / - . _ ~ ! & ' ( ) + , "
                   "; = : @)",
                   col);
    }
    /* Servers normalise these away before matching, robots.txt does not. */
    for (size_t i = 0; i < len; i++) {
        if (p[i] != '/')
            continue;
        size_t j = i + 1;
        while (j < len && p[j] != '/')
            j++;
        size_t seg = j - i - 1;
        bool last = j >= len;
        if (seg == 0 && !last)
            return bad(err, i, what, "%san empty segment ('//') is merged by servers", "");
        if ((seg == 1 && p[i + 1] == '.') || (seg == 2 && p[i + 1] == '.' && p[i + 2] == '.'))
            return bad(err, i + 1, what, "%s'.' and '..' segments are removed by servers", "");
    }
    return CCSIG_OK;
}

ccsig_status ccsig_declare_check_agent(const char *p, size_t len, const char *what,
                                       ccsig_error *err) {
    if (len == 1 && p[0] == '*')
        return CCSIG_OK;
    if (len == 0)
        return bad(err, 0, what, "%sempty (use * for every crawler)", "");
    if (len > CCSIG_DECLARE_MAX_AGENT)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, CCSIG_DECLARE_MAX_AGENT,
                               "%s: longer than %u bytes", what, CCSIG_DECLARE_MAX_AGENT);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (is_alpha(c) || is_digit(c) || c == '-' || c == '_')
            continue;
        char col[64];
        if (c > 0x20 && c < 0x7f)
            snprintf(col, sizeof col, "'%c' at column %zu", c, i + 1);
        else
            snprintf(col, sizeof col, "byte 0x%02X at column %zu", c, i + 1);
        return bad(err, i, what,
                   "%s: a robots.txt product token has only letters, digits, '-' and '_' (e.g. "
                   "ExampleBot), or is *",
                   col);
    }
    return CCSIG_OK;
}

/* Length of the UTF-8 sequence at p (the library's decoder), or 0 when it
 * is invalid or a C1 control (U+0080..U+009F: invisible in a name). */
static size_t utf8_len(const unsigned char *p, size_t n) {
    uint32_t cp;
    size_t k = ccsig_utf8_decode(p, n, &cp);
    return k && (cp < 0x80 || cp > 0x9f) ? k : 0;
}

ccsig_status ccsig_declare_check_name(const char *p, size_t len, const char *what,
                                      ccsig_error *err) {
    if (len == 0)
        return bad(err, 0, what, "%sempty", "");
    if (len > CCSIG_DECLARE_MAX_NAME)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, CCSIG_DECLARE_MAX_NAME,
                               "%s: longer than %u bytes", what, CCSIG_DECLARE_MAX_NAME);
    if (p[0] == ' ' || p[len - 1] == ' ')
        return bad(err, p[0] == ' ' ? 0 : len - 1, what, "%sstarts or ends with a space", "");
    for (size_t i = 0; i < len;) {
        const unsigned char *u = (const unsigned char *)p + i;
        if (u[0] < 0x20 || u[0] == 0x7f) {
            char col[64];
            snprintf(col, sizeof col, "control character 0x%02X at column %zu", u[0], i + 1);
            return bad(err, i, what, "%s is not allowed", col);
        }
        size_t k = utf8_len(u, len - i);
        if (!k) {
            char col[64];
            snprintf(col, sizeof col, "column %zu", i + 1);
            return bad(err, i, what, "not valid UTF-8 at %s", col);
        }
        i += k;
    }
    return CCSIG_OK;
}

ccsig_status ccsig_declare_check_url(const char *p, size_t len, const char *what,
                                     ccsig_error *err) {
    size_t i = 0;
    if (len > CCSIG_DECLARE_MAX_URL)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, CCSIG_DECLARE_MAX_URL,
                               "%s: longer than %u bytes", what, CCSIG_DECLARE_MAX_URL);
    if (len >= 7 && CCSIG_STR_IEQ(ccsig_str_make(p, 7), "http://"))
        i = 7;
    else if (len >= 8 && CCSIG_STR_IEQ(ccsig_str_make(p, 8), "https://"))
        i = 8;
    else
        return bad(err, 0, what,
                   "%snot an absolute http:// or https:// URL (e.g. https://example.org/)", "");
    size_t host = i;
    if (i < len && p[i] == '[') {
        while (i < len && p[i] != ']') {
            unsigned char c = (unsigned char)p[i];
            if (i > host && !is_hex(c) && c != ':' && c != '.')
                return bad(err, i, what, "%sbad character in the IPv6 address", "");
            i++;
        }
        if (i >= len)
            return bad(err, host, what, "%sunterminated IPv6 address ('[' without ']')", "");
        i++;
    } else {
        while (i < len && p[i] != ':' && p[i] != '/' && p[i] != '?' && p[i] != '#') {
            unsigned char c = (unsigned char)p[i];
            if (c == '@')
                return bad(err, i, what, "%suser information ('user@') is not accepted", "");
            if (!is_unreserved(c) && !is_sub_delim(c)) {
                char col[64];
                snprintf(col, sizeof col, "column %zu", i + 1);
                return bad(err, i, what, "character not allowed in the host name at %s", col);
            }
            i++;
        }
    }
    if (i == host)
        return bad(err, host, what, "%sno host name", "");
    if (i < len && p[i] == ':') {
        size_t d = ++i;
        unsigned long port = 0;
        while (i < len && is_digit((unsigned char)p[i]) && i - d < 6)
            port = port * 10 + (unsigned long)(p[i++] - '0');
        if (i == d || port == 0 || port > 65535 ||
            (i < len && p[i] != '/' && p[i] != '?' && p[i] != '#'))
            return bad(err, d, what, "%sthe port is not a number from 1 to 65535", "");
    }
    for (; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '%') {
            if (i + 2 >= len || !is_hex((unsigned char)p[i + 1]) ||
                !is_hex((unsigned char)p[i + 2])) {
                char col[64];
                snprintf(col, sizeof col, "column %zu", i + 1);
                return bad(err, i, what, "'%%' not followed by two hex digits at %s", col);
            }
            continue;
        }
        if (is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@' || c == '/' || c == '?' ||
            c == '#')
            continue;
        char col[64];
        if (c == ' ')
            snprintf(col, sizeof col, "a space at column %zu", i + 1);
        else if (c > 0x20 && c < 0x7f)
            snprintf(col, sizeof col, "'%c' at column %zu", c, i + 1);
        else
            snprintf(col, sizeof col, "byte 0x%02X at column %zu", c, i + 1);
        return bad(err, i, what, "%s is not allowed in a URL (percent-encode it)", col);
    }
    return CCSIG_OK;
}

static size_t declare_labels(const ccsig_declaration *d, const char *out[3]);

/* Check one entry (1-based index i; the message names it only when the
 * declaration has several). */
static ccsig_status check_use(const ccsig_declare_use *u, size_t i, bool several,
                              ccsig_error *err) {
    char w[24] = "";
    if (several)
        snprintf(w, sizeof w, " %zu", i);
    if ((unsigned)u->use >= CCSIG_CAT_COUNT)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                               "use%s: no category (automated-processing, train-ai, train-genai, "
                               "ai-use or search)",
                               w);
    if (u->state != CCSIG_STATE_ALLOW && u->state != CCSIG_STATE_DENY)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "state%s: must be allow or deny", w);
    if ((unsigned)u->signal >= CCSIG_SIGNAL_COUNT)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "signal%s: unknown CC signal", w);
    if (u->state == CCSIG_STATE_ALLOW && u->signal != CCSIG_SIGNAL_NONE)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                               "signal%s: a CC signal lifts a deny; on an allow it means nothing "
                               "(drop the signal, or deny with it)",
                               w);
    return CCSIG_OK;
}

/* Entries i < j whose categories are the same or are written with a common
 * label: the expression would state that label twice and a reader would
 * keep only the last. */
static ccsig_status check_overlap(const ccsig_declaration *d, ccsig_error *err) {
    ccsig_declare_use u[CCSIG_DECLARE_MAX_USES];
    size_t n = ccsig_declare_uses(d, u);
    for (size_t j = 1; j < n; j++)
        for (size_t i = 0; i < j; i++) {
            const char *ci = ccsig_category_name(u[i].use), *cj = ccsig_category_name(u[j].use);
            if (u[i].use == u[j].use)
                return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                                       "use %zu: %s is declared twice (once per category)", j + 1,
                                       cj);
            ccsig_declaration vi, vj;
            declare_view(d, i, &vi);
            declare_view(d, j, &vj);
            const char *li[3], *lj[3];
            size_t ni = declare_labels(&vi, li), nj = declare_labels(&vj, lj);
            for (size_t a = 0; a < ni; a++)
                for (size_t b = 0; b < nj; b++) {
                    if (strcmp(li[a], lj[b]))
                        continue;
                    if (u[i].use == CCSIG_CAT_AUTOMATED_PROCESSING ||
                        u[j].use == CCSIG_CAT_AUTOMATED_PROCESSING)
                        return ccsig_error_set(
                            err, CCSIG_ERR_USAGE, 0,
                            "use %zu: automated-processing is written as train-ai, ai-use and "
                            "search, "
                            "so it cannot go with %s: declare those one by one",
                            j + 1, u[i].use == CCSIG_CAT_AUTOMATED_PROCESSING ? cj : ci);
                    return ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                                           "use %zu: %s and %s are both written %s; declare one "
                                           "of them",
                                           j + 1, ci, cj, li[a]);
                }
        }
    return CCSIG_OK;
}

ccsig_status ccsig_declaration_validate(const ccsig_declaration *d, ccsig_error *err) {
    ccsig_error_clear(err);
    if (d->nmore >= CCSIG_DECLARE_MAX_USES)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "use: more than %u categories",
                               CCSIG_DECLARE_MAX_USES);
    ccsig_declare_use u[CCSIG_DECLARE_MAX_USES];
    size_t nu = ccsig_declare_uses(d, u);
    ccsig_status s;
    for (size_t i = 0; i < nu; i++)
        if ((s = check_use(&u[i], i + 1, nu > 1, err)))
            return s;
    if ((s = check_overlap(d, err)))
        return s;
    if ((unsigned)d->copyright >= CCSIG_COPYRIGHT_COUNT)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "copyright: unknown status");
    if (d->npaths > CCSIG_DECLARE_MAX_PATHS)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "paths: more than %u",
                               CCSIG_DECLARE_MAX_PATHS);
    for (size_t i = 0; i < d->npaths; i++) {
        char what[64];
        snprintf(what, sizeof what, "path %zu", i + 1);
        if (!d->paths[i])
            return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "%s: missing", what);
        if ((s = ccsig_declare_check_path(d->paths[i], strlen(d->paths[i]), what, err))) {
            err->line = (unsigned)(i + 1);
            return s;
        }
    }
    for (size_t i = 0; i < d->npaths; i++)
        for (size_t j = 0; j < d->npaths; j++) {
            if (i == j)
                continue;
            size_t li = strlen(d->paths[i]), lj = strlen(d->paths[j]);
            if (li == lj && !memcmp(d->paths[i], d->paths[j], li) && j > i) {
                ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "path %zu: '%.*s' is given twice", j + 1,
                                (int)(lj > 60 ? 60 : lj), d->paths[j]);
                err->line = (unsigned)(j + 1);
                return CCSIG_ERR_USAGE;
            }
            if (li < lj && !memcmp(d->paths[i], d->paths[j], li)) {
                ccsig_error_set(err, CCSIG_ERR_USAGE, 0,
                                "path %zu: '%.*s' is inside '%.*s', which already covers it", j + 1,
                                (int)(lj > 50 ? 50 : lj), d->paths[j], (int)(li > 50 ? 50 : li),
                                d->paths[i]);
                err->line = (unsigned)(j + 1);
                return CCSIG_ERR_USAGE;
            }
        }
    if (d->agent && (s = ccsig_declare_check_agent(d->agent, strlen(d->agent), "agent", err)))
        return s;
    if (d->collection &&
        (s = ccsig_declare_check_name(d->collection, strlen(d->collection), "collection", err)))
        return s;
    if (d->party_name &&
        (s = ccsig_declare_check_name(d->party_name, strlen(d->party_name), "party", err)))
        return s;
    if (d->party_url &&
        (s = ccsig_declare_check_url(d->party_url, strlen(d->party_url), "party URL", err)))
        return s;
    if (d->policy_url &&
        (s = ccsig_declare_check_url(d->policy_url, strlen(d->policy_url), "policy URL", err)))
        return s;
    return CCSIG_OK;
}

/* ---- the statement and the machine-readable lines ---- */

const char *declare_agent(const ccsig_declaration *d) {
    return d->agent && *d->agent ? d->agent : "*";
}

/* The current (-08) labels that state d's category: its own label
 * (train-ai for train-ai and train-genai), or all three for
 * automated-processing, which no current label expresses. Returns how many
 * were put in out (0 for no category). */
static size_t declare_labels(const ccsig_declaration *d, const char *out[3]) {
    if ((unsigned)d->use >= CCSIG_CAT_COUNT)
        return 0;
    const char *one = ccsig_category_label(d->use);
    if (one) {
        out[0] = one;
        return 1;
    }
    out[0] = ccsig_category_label(CCSIG_CAT_TRAIN_AI);
    out[1] = ccsig_category_label(CCSIG_CAT_AI_USE);
    out[2] = ccsig_category_label(CCSIG_CAT_SEARCH);
    return 3;
}

const char *ccsig_declare_label(const ccsig_declaration *d) {
    const char *one = ccsig_category_label(d->use);
    if (one || (unsigned)d->use >= CCSIG_CAT_COUNT)
        return one ? one : "";
    return "train-ai, ai-use, search";
}

void ccsig_declare_statement(const ccsig_declaration *d, ccsig_statement *st) {
    ccsig_statement_init(st, CCSIG_SRC_EXPRESSION);
    for (size_t k = 0; k < declare_count(d); k++) {
        ccsig_declaration v;
        declare_view(d, k, &v);
        ccsig_signal sig = v.state == CCSIG_STATE_DENY ? v.signal : CCSIG_SIGNAL_NONE;
        const char *labels[3];
        size_t n = declare_labels(&v, labels);
        for (size_t i = 0; i < n; i++)
            ccsig_statement_set_label(st, ccsig_vocab_lookup(labels[i], strlen(labels[i])), v.state,
                                      sig);
    }
}

/* The members of one entry (d's first; declare_view for the others). */
static void put_entry_expression(const ccsig_declaration *d, ccsig_buf *b) {
    const char *labels[3];
    size_t n = declare_labels(d, labels);
    for (size_t i = 0; i < n; i++) {
        if (i)
            ccsig_buf_puts(b, ", ");
        ccsig_buf_puts(b, labels[i]);
        ccsig_buf_puts(b, d->state == CCSIG_STATE_ALLOW ? "=y" : "=n");
        if (d->state == CCSIG_STATE_DENY && d->signal != CCSIG_SIGNAL_NONE) {
            ccsig_buf_puts(b, ";exceptions=");
            ccsig_buf_puts(b, ccsig_signal_token(d->signal));
        }
    }
}

void declare_put_expression(const ccsig_declaration *d, ccsig_buf *b) {
    for (size_t k = 0; k < declare_count(d); k++) {
        ccsig_declaration v;
        declare_view(d, k, &v);
        if (k)
            ccsig_buf_puts(b, ", ");
        put_entry_expression(&v, b);
    }
}

/* ", CC signal Credit (cc-cr)" for the entry with a signal (" for train-ai"
 * after it when the declaration has several entries); with several signals
 * ", CC signals cc-cr-ec for train-ai, cc-cr for ai-use". */
static void put_signal_phrase(const ccsig_declaration *d, ccsig_buf *b) {
    size_t n = declare_count(d), nsig = 0, k;
    ccsig_declaration v[CCSIG_DECLARE_MAX_USES];
    for (k = 0; k < n; k++) {
        declare_view(d, k, &v[k]);
        nsig += v[k].state == CCSIG_STATE_DENY && v[k].signal != CCSIG_SIGNAL_NONE;
    }
    bool first = true;
    for (k = 0; k < n; k++) {
        if (v[k].state != CCSIG_STATE_DENY || v[k].signal == CCSIG_SIGNAL_NONE)
            continue;
        if (nsig == 1)
            ccsig_buf_printf(b, ", CC signal %s (%s)", ccsig_signal_title(v[k].signal),
                             ccsig_signal_token(v[k].signal));
        else
            ccsig_buf_printf(b, "%s %s", first ? ", CC signals" : ",",
                             ccsig_signal_token(v[k].signal));
        if (n > 1)
            ccsig_buf_printf(b, " for %s", ccsig_category_name(v[k].use));
        first = false;
    }
}

void declare_put_robots(const ccsig_declaration *d, ccsig_buf *b) {
    ccsig_buf_puts(b, "# AI usage preferences (IETF aipref Content-Usage)");
    put_signal_phrase(d, b);
    ccsig_buf_putc(b, '\n');
    if (d->policy_url)
        ccsig_buf_printf(b, "# Declaration: %s\n", d->policy_url);
    ccsig_buf_printf(b, "User-Agent: %s\n", declare_agent(d));
    /* An empty Disallow disallows nothing (priority 0, RFC 9309 §2.2.2) and
     * ends the run of user-agent lines as Google reads groups: a User-agent
     * line after this block starts a group of its own instead of joining it. */
    ccsig_buf_puts(b, "Disallow:\n");
    if (d->npaths == 0) {
        ccsig_buf_puts(b, "Content-Usage: ");
        declare_put_expression(d, b);
        ccsig_buf_putc(b, '\n');
    }
    for (size_t i = 0; i < d->npaths; i++) {
        ccsig_buf_printf(b, "Content-Usage: %s ", d->paths[i]);
        declare_put_expression(d, b);
        ccsig_buf_putc(b, '\n');
    }
}

void declare_put_header(const ccsig_declaration *d, ccsig_buf *b) {
    ccsig_buf_puts(b, "Content-Usage: ");
    declare_put_expression(d, b);
    ccsig_buf_putc(b, '\n');
}

/* ---- server configuration ---- */

/* ^/a/ or ^(?:/a/|/b/), regex metacharacters escaped. */
static void put_path_regex(const ccsig_declaration *d, ccsig_buf *b) {
    ccsig_buf_putc(b, '^');
    if (d->npaths > 1)
        ccsig_buf_puts(b, "(?:");
    for (size_t i = 0; i < d->npaths; i++) {
        if (i)
            ccsig_buf_putc(b, '|');
        for (const char *p = d->paths[i]; *p; p++) {
            if (strchr(".()+", *p))
                ccsig_buf_putc(b, '\\');
            ccsig_buf_putc(b, *p);
        }
    }
    if (d->npaths > 1)
        ccsig_buf_putc(b, ')');
}

static void put_config_head(const ccsig_declaration *d, ccsig_buf *b) {
    ccsig_buf_puts(b, "# Content-Usage header (ccsig declare): ");
    declare_put_expression(d, b);
    ccsig_buf_putc(b, '\n');
    if (d->npaths == 0) {
        ccsig_buf_puts(b, "# on every path of the site.\n");
        return;
    }
    ccsig_buf_puts(b, "# on paths starting with");
    for (size_t i = 0; i < d->npaths; i++)
        ccsig_buf_printf(b, "%s %s", i == 0 ? "" : (i + 1 == d->npaths ? " or" : ","), d->paths[i]);
    ccsig_buf_puts(b, ".\n");
}

/* ccsig_content_usage_train_ai: one name per category, so declarations for
 * several categories can sit side by side. */
static void put_var_name(const ccsig_declaration *d, ccsig_buf *b) {
    ccsig_buf_puts(b, "ccsig_content_usage");
    ccsig_declare_use u[CCSIG_DECLARE_MAX_USES];
    size_t n = ccsig_declare_uses(d, u);
    for (size_t k = 0; k < n; k++) {
        ccsig_buf_putc(b, '_');
        for (const char *p = ccsig_category_name(u[k].use); *p; p++)
            ccsig_buf_putc(b, *p == '-' ? '_' : *p);
    }
}

static void put_nginx(const ccsig_declaration *d, ccsig_buf *b) {
    put_config_head(d, b);
    if (d->npaths == 0) {
        ccsig_buf_puts(b, "# Put this line in the http { } or server { } block that serves the\n"
                          "# content. nginx does not inherit add_header into a block that has\n"
                          "# add_header lines of its own: repeat the line there.\n");
        ccsig_buf_puts(b, "add_header Content-Usage \"");
        declare_put_expression(d, b);
        ccsig_buf_puts(b, "\";\n");
        return;
    }
    ccsig_buf_puts(b, "# Put the map in the http { } block and the add_header line in the\n"
                      "# http { } or server { } block that serves the content. Other paths map\n"
                      "# to \"\", and nginx sends no header with an empty value. nginx does not\n"
                      "# inherit add_header into a block that has add_header lines of its own:\n"
                      "# repeat the line there.\n");
    ccsig_buf_puts(b, "map $uri $");
    put_var_name(d, b);
    ccsig_buf_puts(b, " {\n    default \"\";\n    \"~");
    put_path_regex(d, b);
    ccsig_buf_puts(b, "\" \"");
    declare_put_expression(d, b);
    ccsig_buf_puts(b, "\";\n}\nadd_header Content-Usage $");
    put_var_name(d, b);
    ccsig_buf_puts(b, ";\n");
}

static void put_apache(const ccsig_declaration *d, ccsig_buf *b) {
    put_config_head(d, b);
    ccsig_buf_puts(b, "# Put this in the server configuration or a <VirtualHost>. It needs\n"
                      "# mod_headers (Debian: a2enmod headers).\n");
    const char *indent = "";
    if (d->npaths) {
        ccsig_buf_puts(b, "<LocationMatch \"");
        put_path_regex(d, b);
        ccsig_buf_puts(b, "\">\n");
        indent = "    ";
    }
    ccsig_buf_printf(b, "%sHeader set Content-Usage \"", indent);
    declare_put_expression(d, b);
    ccsig_buf_puts(b, "\"\n");
    if (d->npaths)
        ccsig_buf_puts(b, "</LocationMatch>\n");
}

static void put_caddy(const ccsig_declaration *d, ccsig_buf *b) {
    put_config_head(d, b);
    ccsig_buf_puts(b, "# Put this in the site block that serves the content.\n");
    if (d->npaths == 0) {
        ccsig_buf_puts(b, "header Content-Usage \"");
    } else {
        ccsig_buf_putc(b, '@');
        put_var_name(d, b);
        ccsig_buf_puts(b, " path_regexp ");
        put_path_regex(d, b);
        ccsig_buf_puts(b, "\nheader @");
        put_var_name(d, b);
        ccsig_buf_puts(b, " Content-Usage \"");
    }
    declare_put_expression(d, b);
    ccsig_buf_puts(b, "\"\n");
}

static void put_lighttpd(const ccsig_declaration *d, ccsig_buf *b) {
    put_config_head(d, b);
    ccsig_buf_puts(b, "# Put this in lighttpd.conf, at the top level (server.modules cannot be\n"
                      "# set in a condition). It needs mod_setenv.\n");
    ccsig_buf_puts(b, "server.modules += ( \"mod_setenv\" )\n");
    const char *indent = "";
    if (d->npaths) {
        ccsig_buf_puts(b, "$HTTP[\"url\"] =~ \"");
        put_path_regex(d, b);
        ccsig_buf_puts(b, "\" {\n");
        indent = "    ";
    }
    ccsig_buf_printf(b, "%ssetenv.add-response-header += ( \"Content-Usage\" => \"", indent);
    declare_put_expression(d, b);
    ccsig_buf_puts(b, "\" )\n");
    if (d->npaths)
        ccsig_buf_puts(b, "}\n");
}

/* ---- peers ---- */

/* The peer values of one entry (d's first). */
static void entry_peer_values(const ccsig_declaration *d, ccsig_declare_peers *out) {
    out->iptc_code = NULL;
    out->tdm_reservation = -1;
    out->tdm_policy = NULL;
    bool deny = d->state == CCSIG_STATE_DENY;
    switch (d->use) {
    case CCSIG_CAT_AUTOMATED_PROCESSING:
        out->iptc_code = deny ? "DMI-PROHIBITED" : "DMI-ALLOWED";
        out->tdm_reservation = deny ? 1 : 0;
        if (deny && d->signal != CCSIG_SIGNAL_NONE)
            out->tdm_policy = d->policy_url;
        break;
    case CCSIG_CAT_TRAIN_AI:
        out->iptc_code = deny ? "DMI-PROHIBITED-AIMLTRAINING" : NULL;
        break;
    case CCSIG_CAT_TRAIN_GENAI:
        out->iptc_code = deny ? "DMI-PROHIBITED-GENAIMLTRAINING" : NULL;
        break;
    default:
        break;
    }
}

void ccsig_declare_peer_values(const ccsig_declaration *d, ccsig_declare_peers *out) {
    entry_peer_values(d, out);
    /* Validation leaves at most one entry with each value (only train-ai or
     * train-genai has an IPTC code with other entries; automated-processing,
     * the only one with TDMRep values, stands alone); the first one wins. */
    for (size_t k = 1; k < declare_count(d); k++) {
        ccsig_declaration v;
        ccsig_declare_peers p;
        declare_view(d, k, &v);
        entry_peer_values(&v, &p);
        if (!out->iptc_code)
            out->iptc_code = p.iptc_code;
        if (out->tdm_reservation < 0) {
            out->tdm_reservation = p.tdm_reservation;
            out->tdm_policy = p.tdm_policy;
        }
    }
}

/* ---- reading back ---- */

ccsig_status ccsig_declare_from_expression(const char *p, size_t len, ccsig_category *use,
                                           ccsig_state *state, ccsig_signal *signal,
                                           ccsig_error *err) {
    ccsig_arena a;
    ccsig_arena_init(&a, 0);
    ccsig_statement st;
    ccsig_statement_init(&st, CCSIG_SRC_EXPRESSION);
    ccsig_status s = ccsig_pref_parse(&a, p, len, &st, NULL, err);
    ccsig_arena_free(&a);
    if (s)
        return s;
    /* What a declaration writes (declare_labels): one label, or the three
     * current labels alike for automated-processing. train-ai states
     * train-ai and train-genai: the declaration is for train-ai. */
    unsigned stated = 0;
    int found = -1;
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        if (st.cat[c].state == CCSIG_STATE_UNKNOWN)
            continue;
        if (found >= 0 &&
            (st.cat[c].state != st.cat[found].state || st.cat[c].signal != st.cat[found].signal))
            return ccsig_error_set(err, CCSIG_ERR_RANGE, 0,
                                   "the expression states more than one category");
        stated |= 1u << c;
        if (found < 0)
            found = c;
    }
    if (found < 0)
        return ccsig_error_set(err, CCSIG_ERR_RANGE, 0,
                               "the expression states no known category as y or n");
    unsigned train = (1u << CCSIG_CAT_TRAIN_AI) | (1u << CCSIG_CAT_TRAIN_GENAI);
    unsigned three = train | (1u << CCSIG_CAT_AI_USE) | (1u << CCSIG_CAT_SEARCH);
    if ((stated & ~(1u << CCSIG_CAT_AUTOMATED_PROCESSING)) == three)
        found = CCSIG_CAT_AUTOMATED_PROCESSING;
    else if (stated == train)
        found = CCSIG_CAT_TRAIN_AI;
    else if (stated & (stated - 1))
        return ccsig_error_set(err, CCSIG_ERR_RANGE, 0,
                               "the expression states more than one category");
    int first = __builtin_ctz(stated);
    *use = (ccsig_category)found;
    *state = (ccsig_state)st.cat[first].state;
    *signal = (ccsig_signal)st.cat[first].signal;
    return CCSIG_OK;
}

/* ---- dataset metadata (the writers are the readers' twins, sources.h) ---- */

static ccsig_status put_dataset(const ccsig_declaration *d, ccsig_dataset_format f, ccsig_buf *out,
                                ccsig_error *err) {
    ccsig_buf e = CCSIG_BUF_INIT;
    declare_put_expression(d, &e);
    ccsig_dataset_decl dd = {ccsig_buf_cstr(&e), d->collection, d->party_name, d->party_url,
                             d->policy_url};
    ccsig_status s = ccsig_buf_failed(&e)
                         ? ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory")
                         : ccsig_dataset_write(f, &dd, out, err);
    ccsig_buf_free(&e);
    return s;
}

/* ---- dispatch ---- */

ccsig_status ccsig_declare_write(const ccsig_declaration *d, ccsig_declare_format f, ccsig_buf *out,
                                 ccsig_error *err) {
    ccsig_status s = ccsig_declaration_validate(d, err);
    if (s)
        return s;
    if ((unsigned)f >= CCSIG_DECLARE_FORMAT_COUNT)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "unknown format");
    ccsig_buf b = CCSIG_BUF_INIT;
    switch (f) {
    case CCSIG_DECLARE_EXPRESSION:
        declare_put_expression(d, &b);
        break;
    case CCSIG_DECLARE_ROBOTS:
        declare_put_robots(d, &b);
        break;
    case CCSIG_DECLARE_HEADER:
        declare_put_header(d, &b);
        break;
    case CCSIG_DECLARE_NGINX:
        put_nginx(d, &b);
        break;
    case CCSIG_DECLARE_APACHE:
        put_apache(d, &b);
        break;
    case CCSIG_DECLARE_CADDY:
        put_caddy(d, &b);
        break;
    case CCSIG_DECLARE_LIGHTTPD:
        put_lighttpd(d, &b);
        break;
    case CCSIG_DECLARE_XMP:
        declare_put_xmp(d, &b);
        break;
    case CCSIG_DECLARE_CROISSANT:
    case CCSIG_DECLARE_DATASET_CARD:
    case CCSIG_DECLARE_DATAPACKAGE: {
        ccsig_dataset_format df = f == CCSIG_DECLARE_CROISSANT      ? CCSIG_DATASET_CROISSANT
                                  : f == CCSIG_DECLARE_DATASET_CARD ? CCSIG_DATASET_CARD
                                                                    : CCSIG_DATASET_DATAPACKAGE;
        s = put_dataset(d, df, &b, err);
        if (s) {
            ccsig_buf_free(&b);
            return s;
        }
        break;
    }
    default:
        declare_put_doc(d, f, &b);
        break;
    }
    if (ccsig_buf_failed(&b)) {
        ccsig_buf_free(&b);
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    ccsig_buf_append(out, b.data, b.len);
    ccsig_buf_free(&b);
    if (ccsig_buf_failed(out))
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    return CCSIG_OK;
}
