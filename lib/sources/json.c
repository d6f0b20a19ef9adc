/*
 * sources/json.c — strict RFC 8259 JSON into an arena tree (see json.h).
 * Recursive descent with an explicit depth limit; never reads past len.
 */
#include <stdio.h>

#include "ccsig/sf.h"
#include "json.h"

typedef struct jp {
    ccsig_arena *a;
    const char *p;
    size_t len, i;
    unsigned line;
    size_t line_start;
    ccsig_error *err;
} jp;

static ccsig_status fail(jp *s, const char *what) {
    ccsig_status st = ccsig_error_set(s->err, CCSIG_ERR_SYNTAX, s->i, "%s", what);
    if (s->err) {
        s->err->line = s->line;
        s->err->column = (unsigned)(s->i - s->line_start) + 1;
    }
    return st;
}

static void ws(jp *s) {
    while (s->i < s->len) {
        char ch = s->p[s->i];
        if (ch == '\n') {
            s->line++;
            s->line_start = s->i + 1;
        } else if (ch != ' ' && ch != '\t' && ch != '\r') {
            return;
        }
        s->i++;
    }
}

static src_json *node(jp *s, src_json_type t) {
    src_json *v = ccsig_arena_alloc(s->a, sizeof *v);
    if (!v)
        return NULL;
    memset(v, 0, sizeof *v);
    v->type = t;
    v->line = s->line;
    v->start = s->i;
    return v;
}

static int hex4(const char *p) {
    int v = 0;
    for (int k = 0; k < 4; k++) {
        char ch = p[k];
        int d = ch >= '0' && ch <= '9'   ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                         : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t put_utf8(char *d, unsigned cp) {
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xC0 | (cp >> 6));
        d[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xE0 | (cp >> 12));
        d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        d[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    d[0] = (char)(0xF0 | (cp >> 18));
    d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    d[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string at s->i (the opening quote). */
static ccsig_status string(jp *s, ccsig_str *out) {
    size_t st = ++s->i;
    bool esc = false;
    for (;;) {
        if (s->i >= s->len)
            return fail(s, "unterminated string: expected '\"'");
        unsigned char ch = (unsigned char)s->p[s->i];
        if (ch == '"')
            break;
        if (ch < 0x20)
            return fail(s, "control character in a string: expected it escaped");
        if (ch == '\\') {
            esc = true;
            if (s->i + 1 >= s->len)
                return fail(s, "unterminated escape in a string");
            char e = s->p[s->i + 1];
            if (e == 'u') {
                if (s->i + 6 > s->len || hex4(s->p + s->i + 2) < 0)
                    return fail(s, "bad \\u escape: expected four hex digits");
                s->i += 6;
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || !e)
                return fail(s, "bad escape in a string: expected one of \\\" \\\\ \\/ \\b \\f "
                               "\\n \\r \\t \\u");
            s->i += 2;
            continue;
        }
        s->i++;
    }
    size_t n = s->i - st;
    s->i++; /* closing quote */
    if (!ccsig_utf8_valid(s->p + st, n)) {
        s->i = st;
        return fail(s, "string is not valid UTF-8");
    }
    if (!esc) {
        *out = ccsig_str_make(s->p + st, n);
        return CCSIG_OK;
    }
    char *d = ccsig_arena_alloc(s->a, n + 1);
    if (!d)
        return ccsig_error_set(s->err, CCSIG_ERR_NOMEM, st, "out of memory");
    size_t o = 0;
    for (size_t k = st; k < st + n;) {
        if (s->p[k] != '\\') {
            d[o++] = s->p[k++];
            continue;
        }
        char e = s->p[k + 1];
        k += 2;
        switch (e) {
        case 'b':
            d[o++] = '\b';
            break;
        case 'f':
            d[o++] = '\f';
            break;
        case 'n':
            d[o++] = '\n';
            break;
        case 'r':
            d[o++] = '\r';
            break;
        case 't':
            d[o++] = '\t';
            break;
        case 'u': {
            unsigned cp = (unsigned)hex4(s->p + k);
            k += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && k + 6 <= st + n && s->p[k] == '\\' &&
                s->p[k + 1] == 'u') {
                int lo = hex4(s->p + k + 2);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned)lo - 0xDC00);
                    k += 6;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xFFFD; /* a lone surrogate */
            o += put_utf8(d + o, cp);
            break;
        }
        default:
            d[o++] = e;
        }
    }
    d[o] = '\0';
    *out = ccsig_str_make(d, o);
    return CCSIG_OK;
}

static bool digit(char ch) {
    return ch >= '0' && ch <= '9';
}

static ccsig_status number(jp *s, src_json *v) {
    size_t st = s->i;
    if (s->i < s->len && s->p[s->i] == '-')
        s->i++;
    if (s->i >= s->len || !digit(s->p[s->i]))
        return fail(s, "bad number: expected a digit");
    if (s->p[s->i] == '0')
        s->i++;
    else
        while (s->i < s->len && digit(s->p[s->i]))
            s->i++;
    if (s->i < s->len && s->p[s->i] == '.') {
        s->i++;
        if (s->i >= s->len || !digit(s->p[s->i]))
            return fail(s, "bad number: expected a digit after '.'");
        while (s->i < s->len && digit(s->p[s->i]))
            s->i++;
    }
    if (s->i < s->len && (s->p[s->i] == 'e' || s->p[s->i] == 'E')) {
        s->i++;
        if (s->i < s->len && (s->p[s->i] == '+' || s->p[s->i] == '-'))
            s->i++;
        if (s->i >= s->len || !digit(s->p[s->i]))
            return fail(s, "bad number: expected a digit in the exponent");
        while (s->i < s->len && digit(s->p[s->i]))
            s->i++;
    }
    v->str = ccsig_str_make(s->p + st, s->i - st);
    return CCSIG_OK;
}

static bool lit(jp *s, const char *w) {
    size_t n = strlen(w);
    if (s->i + n > s->len || memcmp(s->p + s->i, w, n))
        return false;
    s->i += n;
    return true;
}

static ccsig_status value(jp *s, src_json **out, int depth);

static ccsig_status container(jp *s, src_json *v, int depth) {
    bool obj = v->type == SRC_JSON_OBJECT;
    char close = obj ? '}' : ']';
    s->i++;
    ws(s);
    if (s->i < s->len && s->p[s->i] == close) {
        s->i++;
        return CCSIG_OK;
    }
    src_json **tail = &v->child;
    for (;;) {
        ws(s);
        ccsig_str key = {NULL, 0};
        if (obj) {
            if (s->i >= s->len || s->p[s->i] != '"')
                return fail(s, "expected a member name (a string)");
            ccsig_status st = string(s, &key);
            if (st)
                return st;
            ws(s);
            if (s->i >= s->len || s->p[s->i] != ':')
                return fail(s, "expected ':' after a member name");
            s->i++;
            ws(s);
        }
        src_json *item;
        ccsig_status st = value(s, &item, depth + 1);
        if (st)
            return st;
        item->key = key;
        *tail = item;
        tail = &item->next;
        v->n++;
        ws(s);
        if (s->i >= s->len)
            return fail(s, obj ? "unterminated object: expected ',' or '}'"
                               : "unterminated array: expected ',' or ']'");
        if (s->p[s->i] == ',') {
            s->i++;
            continue;
        }
        if (s->p[s->i] == close) {
            s->i++;
            return CCSIG_OK;
        }
        return fail(s, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static ccsig_status value(jp *s, src_json **out, int depth) {
    if (depth > SRC_JSON_MAX_DEPTH)
        return ccsig_error_set(s->err, CCSIG_ERR_LIMIT, s->i, "JSON nested deeper than %d levels",
                               SRC_JSON_MAX_DEPTH);
    ws(s);
    if (s->i >= s->len)
        return fail(s, "expected a value");
    char ch = s->p[s->i];
    src_json *v;
    ccsig_status st = CCSIG_OK;
    switch (ch) {
    case '{':
    case '[':
        v = node(s, ch == '{' ? SRC_JSON_OBJECT : SRC_JSON_ARRAY);
        if (!v)
            return ccsig_error_set(s->err, CCSIG_ERR_NOMEM, s->i, "out of memory");
        st = container(s, v, depth);
        break;
    case '"':
        v = node(s, SRC_JSON_STRING);
        if (!v)
            return ccsig_error_set(s->err, CCSIG_ERR_NOMEM, s->i, "out of memory");
        st = string(s, &v->str);
        break;
    case 't':
    case 'f':
    case 'n':
        v = node(s, ch == 't' ? SRC_JSON_TRUE : ch == 'f' ? SRC_JSON_FALSE : SRC_JSON_NULL);
        if (!v)
            return ccsig_error_set(s->err, CCSIG_ERR_NOMEM, s->i, "out of memory");
        if (!lit(s, ch == 't' ? "true" : ch == 'f' ? "false" : "null"))
            return fail(s, "expected true, false or null");
        break;
    default:
        if (ch != '-' && !digit(ch))
            return fail(s, "expected a value (object, array, string, number, true, false or "
                           "null)");
        v = node(s, SRC_JSON_NUMBER);
        if (!v)
            return ccsig_error_set(s->err, CCSIG_ERR_NOMEM, s->i, "out of memory");
        st = number(s, v);
    }
    if (st)
        return st;
    v->end = s->i;
    *out = v;
    return CCSIG_OK;
}

ccsig_status src_json_parse(ccsig_arena *a, const char *p, size_t len, src_json **out,
                            ccsig_error *err) {
    jp s = {a, p, len, 0, 1, 0, err};
    /* A UTF-8 BOM is tolerated (RFC 8259 §8.1 lets parsers ignore it). */
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        s.i = 3;
    src_json *v;
    ccsig_status st = value(&s, &v, 0);
    if (st)
        return st;
    ws(&s);
    if (s.i != len)
        return fail(&s, "unexpected data after the JSON value");
    *out = v;
    return CCSIG_OK;
}

const src_json *src_json_get(const src_json *obj, const char *key) {
    if (!obj || obj->type != SRC_JSON_OBJECT)
        return NULL;
    const src_json *found = NULL;
    for (const src_json *m = obj->child; m; m = m->next)
        if (ccsig_str_eq(m->key, key))
            found = m;
    return found;
}

const char *src_json_type_name(src_json_type t) {
    switch (t) {
    case SRC_JSON_NULL:
        return "null";
    case SRC_JSON_FALSE:
    case SRC_JSON_TRUE:
        return "a boolean";
    case SRC_JSON_NUMBER:
        return "a number";
    case SRC_JSON_STRING:
        return "a string";
    case SRC_JSON_ARRAY:
        return "an array";
    case SRC_JSON_OBJECT:
        return "an object";
    }
    return "a value";
}
