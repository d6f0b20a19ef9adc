/*
 * sources/json.c — JSON through jansson into an arena tree (see json.h).
 *
 * The whole input is parsed once to check it (strictness and jansson's
 * line:column on errors); then, when the top-level value is an array or an
 * object, its members are parsed again one at a time for their positions.
 * The only bytes read here are the whitespace and ',' ':' between those
 * members, and the opening bracket (the input is known to be valid then).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"

/* Any value at the top (tdmrep.json says what it got instead of an array);
 * \u0000 in strings (consumers take ccsig_str). Duplicate member names are
 * allowed, the last wins (no JSON_REJECT_DUPLICATES). */
#define LOAD_FLAGS (JSON_DECODE_ANY | JSON_ALLOW_NUL)
/* One value and stop: err.position says how many bytes it took. */
#define MEMBER_FLAGS (LOAD_FLAGS | JSON_DISABLE_EOF_CHECK)

/* Where the values being converted come from (see json.h). */
typedef struct conv {
    ccsig_arena *a;
    ccsig_error *err;
    unsigned line;
    size_t start, end;
} conv;

/* jansson's error; base is where its input began in p, je->position the
 * bytes it had read when it stopped. */
static ccsig_status fail(ccsig_error *err, const json_error_t *je, size_t base, bool bom) {
    enum json_error_code code = json_error_code(je);
    ccsig_status st = code == json_error_out_of_memory    ? CCSIG_ERR_NOMEM
                      : code == json_error_stack_overflow ? CCSIG_ERR_LIMIT
                                                          : CCSIG_ERR_SYNTAX;
    size_t pos = je->position > 0 ? (size_t)je->position : 0;
    ccsig_error_set(err, st, base + pos, "%s", je->text);
    if (err) {
        err->line = je->line > 0 ? (unsigned)je->line : 1;
        err->column = je->column > 0 ? (unsigned)je->column : 1;
        if (bom && err->line == 1)
            err->column++; /* the BOM is the first character of line 1 */
    }
    return st;
}

static bool json_ws(char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* From i, past JSON whitespace and the character also. */
static size_t skip(const char *p, size_t len, size_t i, char also) {
    while (i < len && (json_ws(p[i]) || p[i] == also))
        i++;
    return i;
}

static bool put(ccsig_arena *a, const char *s, size_t n, ccsig_str *out) {
    char *d = ccsig_arena_dup(a, s, n);
    if (!d)
        return false;
    *out = ccsig_str_make(d, n);
    return true;
}

/* A number as jansson read it (json.h): a real always shows '.' or 'e'. */
static bool number_text(ccsig_arena *a, const json_t *j, ccsig_str *out) {
    char b[48];
    int n;
    if (json_is_integer(j)) {
        n = snprintf(b, sizeof b, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
    } else {
        double d = json_real_value(j);
        for (int prec = 1; prec <= 17; prec++) { /* the shortest that reads back */
            n = snprintf(b, sizeof b - 2, "%.*g", prec, d);
            if (strtod(b, NULL) == d)
                break;
        }
        if (n > 0 && strspn(b, "-0123456789") == (size_t)n) {
            b[n++] = '.';
            b[n++] = '0';
        }
    }
    return n > 0 && put(a, b, (size_t)n, out);
}

/* A value at cv's position, or NULL when out of memory (err set). */
static src_json *node(conv *cv) {
    src_json *v = ccsig_arena_alloc(cv->a, sizeof *v);
    if (!v) {
        ccsig_error_set(cv->err, CCSIG_ERR_NOMEM, cv->start, "out of memory");
        return NULL;
    }
    memset(v, 0, sizeof *v);
    v->line = cv->line;
    v->start = cv->start;
    v->end = cv->end;
    return v;
}

static ccsig_status build(conv *cv, const json_t *j, int depth, src_json **out) {
    if (depth > SRC_JSON_MAX_DEPTH) {
        ccsig_status st = ccsig_error_set(cv->err, CCSIG_ERR_LIMIT, cv->start,
                                          "JSON nested deeper than %d levels", SRC_JSON_MAX_DEPTH);
        if (cv->err) {
            cv->err->line = cv->line;
            cv->err->column = 1;
        }
        return st;
    }
    src_json *v = node(cv);
    if (!v)
        return CCSIG_ERR_NOMEM;
    bool ok = true;
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        v->type = SRC_JSON_OBJECT;
        src_json **tail = &v->child;
        const char *k;
        size_t klen;
        json_t *m;
        json_object_keylen_foreach((json_t *)j, k, klen, m) {
            src_json *item = NULL;
            ccsig_status st = build(cv, m, depth + 1, &item);
            if (st)
                return st;
            if (!put(cv->a, k, klen, &item->key))
                return ccsig_error_set(cv->err, CCSIG_ERR_NOMEM, cv->start, "out of memory");
            *tail = item;
            tail = &item->next;
            v->n++;
        }
        break;
    }
    case JSON_ARRAY: {
        v->type = SRC_JSON_ARRAY;
        src_json **tail = &v->child;
        size_t i;
        json_t *m;
        json_array_foreach((json_t *)j, i, m) {
            src_json *item = NULL;
            ccsig_status st = build(cv, m, depth + 1, &item);
            if (st)
                return st;
            *tail = item;
            tail = &item->next;
            v->n++;
        }
        break;
    }
    case JSON_STRING:
        v->type = SRC_JSON_STRING;
        ok = put(cv->a, json_string_value(j), json_string_length(j), &v->str);
        break;
    case JSON_INTEGER:
    case JSON_REAL:
        v->type = SRC_JSON_NUMBER;
        ok = number_text(cv->a, j, &v->str);
        break;
    case JSON_TRUE:
        v->type = SRC_JSON_TRUE;
        break;
    case JSON_FALSE:
        v->type = SRC_JSON_FALSE;
        break;
    case JSON_NULL:
        v->type = SRC_JSON_NULL;
        break;
    }
    if (!ok)
        return ccsig_error_set(cv->err, CCSIG_ERR_NOMEM, cv->start, "out of memory");
    *out = v;
    return CCSIG_OK;
}

/* The members of the valid top-level array or object p[start..end), each
 * parsed alone for its own position, appended to root. */
static ccsig_status members(conv *cv, const char *p, size_t start, size_t end, src_json *root) {
    bool obj = root->type == SRC_JSON_OBJECT;
    size_t stop = end - 1; /* the closing bracket */
    size_t i = start + 1, counted = start;
    unsigned line = root->line;
    src_json **tail = &root->child;
    json_error_t je;
    while ((i = skip(p, stop, i, ',')) < stop) {
        ccsig_str key = {NULL, 0};
        if (obj) {
            json_t *k = json_loadb(p + i, stop - i, MEMBER_FLAGS, &je);
            if (!k)
                return fail(cv->err, &je, i, false);
            bool name = json_is_string(k);
            bool ok = name && put(cv->a, json_string_value(k), json_string_length(k), &key);
            json_decref(k);
            if (!ok) /* not a name: cannot be, the object parsed whole */
                return ccsig_error_set(cv->err, name ? CCSIG_ERR_NOMEM : CCSIG_ERR_SYNTAX, i,
                                       name ? "out of memory" : "expected a member name");
            i = skip(p, stop, i + (size_t)je.position, ':');
        }
        json_t *m = json_loadb(p + i, stop - i, MEMBER_FLAGS, &je);
        if (!m)
            return fail(cv->err, &je, i, false);
        for (; counted < i; counted++)
            line += p[counted] == '\n';
        cv->line = line;
        cv->start = i;
        cv->end = i + (size_t)je.position;
        src_json *item = NULL;
        ccsig_status st = build(cv, m, 1, &item);
        json_decref(m);
        if (st)
            return st;
        item->key = key;
        *tail = item;
        tail = &item->next;
        root->n++;
        i = cv->end;
    }
    return CCSIG_OK;
}

/* src_json_parse, the check of the whole input with LOAD_FLAGS | extra. */
static ccsig_status parse(ccsig_arena *a, const char *p, size_t len, size_t extra, src_json **out,
                          ccsig_error *err) {
    /* A UTF-8 BOM is tolerated (RFC 8259 §8.1 lets parsers ignore it). */
    bool bom = len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3);
    size_t from = bom ? 3 : 0;
    json_error_t je;
    json_t *doc = json_loadb(p + from, len - from, LOAD_FLAGS | extra, &je);
    if (!doc)
        return fail(err, &je, from, bom);
    size_t start = skip(p, len, from, ' '), end = len;
    while (end > start && json_ws(p[end - 1]))
        end--;
    unsigned line = 1;
    for (size_t k = 0; k < start; k++)
        line += p[k] == '\n';
    conv cv = {a, err, line, start, end};
    ccsig_status st;
    if (json_is_array(doc) || json_is_object(doc)) {
        src_json_type t = json_is_array(doc) ? SRC_JSON_ARRAY : SRC_JSON_OBJECT;
        json_decref(doc); /* valid: read again member by member */
        if (!(*out = node(&cv)))
            return CCSIG_ERR_NOMEM;
        (*out)->type = t;
        st = members(&cv, p, start, end, *out);
    } else {
        st = build(&cv, doc, 0, out);
        json_decref(doc);
    }
    return st;
}

ccsig_status src_json_parse(ccsig_arena *a, const char *p, size_t len, src_json **out,
                            ccsig_error *err) {
    return parse(a, p, len, 0, out, err);
}

ccsig_status src_json_parse_strict(ccsig_arena *a, const char *p, size_t len, src_json **out,
                                   ccsig_error *err) {
    /* the whole input is checked at once: a name repeated at any depth */
    return parse(a, p, len, JSON_REJECT_DUPLICATES, out, err);
}

/* A string of a flat object at p[i] ('"'): printable ASCII without '\\' up
 * to the closing '"'; its end (past the '"') or 0 when it is anything else. */
static size_t flat_string(const char *p, size_t len, size_t i) {
    for (i++; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch == '"')
            return i + 1;
        if (ch < 0x20 || ch > 0x7e || ch == '\\')
            return 0;
    }
    return 0;
}

/* An integer of a flat object at p[i] (a digit): no leading zero, at most
 * 18 digits (inside json_int_t, so jansson reads it as written), not
 * followed by a fraction or an exponent; its end or 0. */
static size_t flat_integer(const char *p, size_t len, size_t i) {
    size_t s = i;
    while (i < len && p[i] >= '0' && p[i] <= '9')
        i++;
    if (i - s > 18 || (p[s] == '0' && i - s > 1))
        return 0;
    if (i < len && (p[i] == '.' || p[i] == 'e' || p[i] == 'E'))
        return 0;
    return i;
}

#define FLAT_MAX_MEMBERS 32

bool src_json_parse_flat(ccsig_arena *a, const char *p, size_t len, src_json **out) {
    conv cv = {a, NULL, 1, 0, len};
    size_t i = skip(p, len, 0, ' ');
    if (i == len || p[i] != '{')
        return false;
    src_json *root = node(&cv);
    if (!root)
        return false;
    root->type = SRC_JSON_OBJECT;
    src_json **tail = &root->child;
    i = skip(p, len, i + 1, ' ');
    if (i < len && p[i] == '}')
        goto end;
    for (;;) { /* a member, then ',' and the next or '}' */
        size_t e;
        if (i == len || p[i] != '"' || !(e = flat_string(p, len, i)) || root->n == FLAT_MAX_MEMBERS)
            return false;
        ccsig_str key = ccsig_str_make(p + i + 1, e - i - 2);
        for (const src_json *m = root->child; m; m = m->next)
            if (ccsig_str_eq_str(m->key, key))
                return false; /* jansson keeps one of them: its reading decides */
        i = skip(p, len, e, ' ');
        if (i == len || p[i] != ':')
            return false;
        i = skip(p, len, i + 1, ' ');
        src_json *v;
        if (i == len || !(v = node(&cv)) || !put(a, key.p, key.len, &v->key))
            return false;
        if (p[i] == '"' && (e = flat_string(p, len, i))) {
            v->type = SRC_JSON_STRING;
            if (!put(a, p + i + 1, e - i - 2, &v->str))
                return false;
        } else if (p[i] >= '0' && p[i] <= '9' && (e = flat_integer(p, len, i))) {
            v->type = SRC_JSON_NUMBER;
            if (!put(a, p + i, e - i, &v->str))
                return false;
        } else {
            return false;
        }
        *tail = v;
        tail = &v->next;
        root->n++;
        i = skip(p, len, e, ' ');
        if (i < len && p[i] == ',') {
            i = skip(p, len, i + 1, ' ');
            continue;
        }
        if (i < len && p[i] == '}')
            break;
        return false;
    }
end:
    if (skip(p, len, i + 1, ' ') != len)
        return false;
    *out = root;
    return true;
}

ccsig_status src_json_parse_whole(ccsig_arena *a, const char *p, size_t len, src_json **out,
                                  ccsig_error *err) {
    if (src_json_parse_flat(a, p, len, out))
        return CCSIG_OK;
    json_error_t je;
    json_t *doc = json_loadb(p, len, LOAD_FLAGS, &je);
    if (!doc)
        return fail(err, &je, 0, false);
    conv cv = {a, err, 1, 0, len};
    ccsig_status st = build(&cv, doc, 0, out);
    json_decref(doc);
    return st;
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
