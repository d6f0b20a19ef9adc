/*
 * sfjson.c — RFC 9651 values <-> the JSON mapping of the official test suite.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sfjson.h"

bool sfjson_kind_from_name(const char *name, sfjson_kind *kind) {
    if (!strcmp(name, "item"))
        *kind = SFJSON_ITEM;
    else if (!strcmp(name, "list"))
        *kind = SFJSON_LIST;
    else if (!strcmp(name, "dictionary"))
        *kind = SFJSON_DICT;
    else
        return false;
    return true;
}

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static char *base32_encode(const unsigned char *p, size_t n) {
    size_t out = (n + 4) / 5 * 8;
    char *s = malloc(out + 1);
    if (!s)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 5) {
        unsigned char blk[5] = {0};
        size_t k = n - i < 5 ? n - i : 5;
        memcpy(blk, p + i, k);
        uint64_t v = 0;
        for (int j = 0; j < 5; j++)
            v = v << 8 | blk[j];
        static const int chars_for[6] = {0, 2, 4, 5, 7, 8};
        for (int j = 0; j < 8; j++)
            s[o++] = j < chars_for[k] ? B32[(v >> (35 - 5 * j)) & 31] : '=';
    }
    s[o] = '\0';
    return s;
}

static bool base32_decode(ccsig_arena *a, const char *s, size_t n, ccsig_str *out) {
    while (n && s[n - 1] == '=')
        n--;
    unsigned char *buf = ccsig_arena_alloc(a, n * 5 / 8 + 1);
    if (!buf)
        return false;
    uint64_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *q = memchr(B32, s[i], 32);
        if (!q || !s[i])
            return false;
        acc = acc << 5 | (uint64_t)(q - B32);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            buf[o++] = (unsigned char)(acc >> bits);
        }
    }
    out->p = (const char *)buf;
    out->len = o;
    return true;
}

static json_t *typed(const char *type, json_t *value) {
    return json_pack("{s:s, s:o}", "__type", type, "value", value);
}

static json_t *bare_to_json(const ccsig_sf_bare *v) {
    switch (v->type) {
    case CCSIG_SF_INTEGER:
        return json_integer(v->v.integer);
    case CCSIG_SF_DECIMAL:
        return json_real((double)v->v.integer / 1000.0);
    case CCSIG_SF_STRING:
        return json_stringn(v->v.str.p, v->v.str.len);
    case CCSIG_SF_TOKEN:
        return typed("token", json_stringn(v->v.str.p, v->v.str.len));
    case CCSIG_SF_BINARY: {
        char *s = base32_encode((const unsigned char *)v->v.str.p, v->v.str.len);
        json_t *j = s ? typed("binary", json_string(s)) : NULL;
        free(s);
        return j;
    }
    case CCSIG_SF_BOOLEAN:
        return json_boolean(v->v.boolean);
    case CCSIG_SF_DATE:
        return typed("date", json_integer(v->v.integer));
    case CCSIG_SF_DISPLAY_STRING:
        return typed("displaystring", json_stringn(v->v.str.p, v->v.str.len));
    }
    return NULL;
}

static json_t *params_to_json(const ccsig_sf_params *ps) {
    json_t *arr = json_array();
    for (size_t i = 0; i < ps->n; i++)
        json_array_append_new(arr, json_pack("[s#, o]", ps->v[i].key.p, (int)ps->v[i].key.len,
                                             bare_to_json(&ps->v[i].value)));
    return arr;
}

json_t *sfjson_from_item(const ccsig_sf_item *it) {
    return json_pack("[o, o]", bare_to_json(&it->bare), params_to_json(&it->params));
}

static json_t *member_to_json(const ccsig_sf_member *m) {
    if (!m->inner)
        return json_pack("[o, o]", bare_to_json(&m->bare), params_to_json(&m->params));
    json_t *items = json_array();
    for (size_t i = 0; i < m->nitems; i++)
        json_array_append_new(items, sfjson_from_item(&m->items[i]));
    return json_pack("[o, o]", items, params_to_json(&m->params));
}

json_t *sfjson_from_list(const ccsig_sf_list *l) {
    json_t *arr = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(arr, member_to_json(&l->v[i]));
    return arr;
}

json_t *sfjson_from_dict(const ccsig_sf_dict *d) {
    json_t *arr = json_array();
    for (size_t i = 0; i < d->n; i++)
        json_array_append_new(arr, json_pack("[s#, o]", d->v[i].key.p, (int)d->v[i].key.len,
                                             member_to_json(&d->v[i])));
    return arr;
}

/* ---- JSON -> SF ---- */

#define WHY(...) (snprintf(why, n, __VA_ARGS__), false)

static bool str_of(ccsig_arena *a, json_t *j, ccsig_str *out) {
    size_t len = json_string_length(j);
    char *p = ccsig_arena_dup(a, json_string_value(j), len);
    if (!p)
        return false;
    out->p = p;
    out->len = len;
    return true;
}

/* A JSON real as an RFC 9651 decimal in thousandths, rounding half to even
 * on the decimal digits of the number (not on its binary approximation). */
static bool real_to_thousandths(double d, int64_t *out) {
    if (!isfinite(d) || fabs(d) >= 1e13)
        return false;
    char buf[64];
    snprintf(buf, sizeof buf, "%.9f", fabs(d));
    char *dot = strchr(buf, '.');
    int64_t ip = strtoll(buf, NULL, 10);
    int64_t frac = (dot[1] - '0') * 100 + (dot[2] - '0') * 10 + (dot[3] - '0');
    const char *rest = dot + 4;
    bool up = false;
    if (*rest > '5') {
        up = true;
    } else if (*rest == '5') {
        bool tail = false;
        for (const char *q = rest + 1; *q; q++)
            tail |= *q != '0';
        up = tail || (frac % 2 == 1);
    }
    int64_t v = ip * 1000 + frac + (up ? 1 : 0);
    if (v / 1000 > CCSIG_SF_DECIMAL_INT_MAX)
        return false;
    *out = d < 0 ? -v : v;
    return true;
}

static bool bare_from_json(ccsig_arena *a, json_t *j, ccsig_sf_bare *v, char *why, size_t n) {
    if (json_is_integer(j)) {
        v->type = CCSIG_SF_INTEGER;
        v->v.integer = json_integer_value(j);
        return true;
    }
    if (json_is_real(j)) {
        v->type = CCSIG_SF_DECIMAL;
        if (!real_to_thousandths(json_real_value(j), &v->v.integer))
            return WHY("decimal out of range");
        return true;
    }
    if (json_is_string(j)) {
        v->type = CCSIG_SF_STRING;
        return str_of(a, j, &v->v.str) || WHY("out of memory");
    }
    if (json_is_boolean(j)) {
        v->type = CCSIG_SF_BOOLEAN;
        v->v.boolean = json_is_true(j);
        return true;
    }
    if (json_is_object(j)) {
        const char *type = json_string_value(json_object_get(j, "__type"));
        json_t *val = json_object_get(j, "value");
        if (!type || !val)
            return WHY("object without __type and value");
        if (!strcmp(type, "token") && json_is_string(val)) {
            v->type = CCSIG_SF_TOKEN;
            return str_of(a, val, &v->v.str) || WHY("out of memory");
        }
        if (!strcmp(type, "displaystring") && json_is_string(val)) {
            v->type = CCSIG_SF_DISPLAY_STRING;
            return str_of(a, val, &v->v.str) || WHY("out of memory");
        }
        if (!strcmp(type, "date") && json_is_integer(val)) {
            v->type = CCSIG_SF_DATE;
            v->v.integer = json_integer_value(val);
            return true;
        }
        if (!strcmp(type, "binary") && json_is_string(val)) {
            v->type = CCSIG_SF_BINARY;
            return base32_decode(a, json_string_value(val), json_string_length(val), &v->v.str) ||
                   WHY("invalid base32");
        }
        return WHY("unknown __type '%s'", type);
    }
    return WHY("expected a bare item");
}

static bool params_from_json(ccsig_arena *a, json_t *j, ccsig_sf_params *ps, char *why, size_t n) {
    if (!json_is_array(j))
        return WHY("parameters must be an array");
    ps->n = json_array_size(j);
    ps->v = ccsig_arena_alloc(a, (ps->n ? ps->n : 1) * sizeof *ps->v);
    if (!ps->v)
        return WHY("out of memory");
    for (size_t i = 0; i < ps->n; i++) {
        json_t *pair = json_array_get(j, i);
        if (!json_is_array(pair) || json_array_size(pair) != 2 ||
            !json_is_string(json_array_get(pair, 0)))
            return WHY("a parameter must be [name, value]");
        if (!str_of(a, json_array_get(pair, 0), &ps->v[i].key) ||
            !bare_from_json(a, json_array_get(pair, 1), &ps->v[i].value, why, n))
            return false;
    }
    return true;
}

bool sfjson_to_item(ccsig_arena *a, json_t *j, ccsig_sf_item *out, char *why, size_t n) {
    if (!json_is_array(j) || json_array_size(j) != 2)
        return WHY("an item must be [bare, parameters]");
    return bare_from_json(a, json_array_get(j, 0), &out->bare, why, n) &&
           params_from_json(a, json_array_get(j, 1), &out->params, why, n);
}

static bool member_from_json(ccsig_arena *a, json_t *j, ccsig_sf_member *m, char *why, size_t n) {
    if (!json_is_array(j) || json_array_size(j) != 2)
        return WHY("a member must be [value, parameters]");
    json_t *v = json_array_get(j, 0);
    if (json_is_array(v)) {
        m->inner = true;
        m->nitems = json_array_size(v);
        m->items = ccsig_arena_alloc(a, (m->nitems ? m->nitems : 1) * sizeof *m->items);
        if (!m->items)
            return WHY("out of memory");
        for (size_t i = 0; i < m->nitems; i++)
            if (!sfjson_to_item(a, json_array_get(v, i), &m->items[i], why, n))
                return false;
    } else {
        m->inner = false;
        if (!bare_from_json(a, v, &m->bare, why, n))
            return false;
    }
    return params_from_json(a, json_array_get(j, 1), &m->params, why, n);
}

bool sfjson_to_list(ccsig_arena *a, json_t *j, ccsig_sf_list *out, char *why, size_t n) {
    if (!json_is_array(j))
        return WHY("a list must be an array");
    out->n = json_array_size(j);
    out->v = ccsig_arena_alloc(a, (out->n ? out->n : 1) * sizeof *out->v);
    if (!out->v)
        return WHY("out of memory");
    memset(out->v, 0, (out->n ? out->n : 1) * sizeof *out->v);
    for (size_t i = 0; i < out->n; i++)
        if (!member_from_json(a, json_array_get(j, i), &out->v[i], why, n))
            return false;
    return true;
}

bool sfjson_to_dict(ccsig_arena *a, json_t *j, ccsig_sf_dict *out, char *why, size_t n) {
    if (!json_is_array(j))
        return WHY("a dictionary must be an array of [name, value]");
    out->n = json_array_size(j);
    out->v = ccsig_arena_alloc(a, (out->n ? out->n : 1) * sizeof *out->v);
    if (!out->v)
        return WHY("out of memory");
    memset(out->v, 0, (out->n ? out->n : 1) * sizeof *out->v);
    for (size_t i = 0; i < out->n; i++) {
        json_t *pair = json_array_get(j, i);
        if (!json_is_array(pair) || json_array_size(pair) != 2 ||
            !json_is_string(json_array_get(pair, 0)))
            return WHY("a dictionary member must be [name, value]");
        if (!str_of(a, json_array_get(pair, 0), &out->v[i].key) ||
            !member_from_json(a, json_array_get(pair, 1), &out->v[i], why, n))
            return false;
    }
    return true;
}

json_t *sfjson_parse(ccsig_arena *a, sfjson_kind kind, const char *p, size_t len,
                     ccsig_error *err) {
    switch (kind) {
    case SFJSON_ITEM: {
        ccsig_sf_item it;
        return ccsig_sf_parse_item(a, p, len, &it, err) ? NULL : sfjson_from_item(&it);
    }
    case SFJSON_LIST: {
        ccsig_sf_list l;
        return ccsig_sf_parse_list(a, p, len, &l, err) ? NULL : sfjson_from_list(&l);
    }
    case SFJSON_DICT: {
        ccsig_sf_dict d;
        return ccsig_sf_parse_dict(a, p, len, &d, err) ? NULL : sfjson_from_dict(&d);
    }
    }
    return NULL;
}

ccsig_status sfjson_serialize(ccsig_arena *a, sfjson_kind kind, json_t *j, ccsig_buf *b,
                              ccsig_error *err) {
    char why[160];
    switch (kind) {
    case SFJSON_ITEM: {
        ccsig_sf_item it;
        if (!sfjson_to_item(a, j, &it, why, sizeof why))
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "%s", why);
        return ccsig_sf_serialize_item(b, &it, err);
    }
    case SFJSON_LIST: {
        ccsig_sf_list l;
        if (!sfjson_to_list(a, j, &l, why, sizeof why))
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "%s", why);
        return ccsig_sf_serialize_list(b, &l, err);
    }
    case SFJSON_DICT: {
        ccsig_sf_dict d;
        if (!sfjson_to_dict(a, j, &d, why, sizeof why))
            return ccsig_error_set(err, CCSIG_ERR_SYNTAX, 0, "%s", why);
        return ccsig_sf_serialize_dict(b, &d, err);
    }
    }
    return CCSIG_ERR_USAGE;
}
