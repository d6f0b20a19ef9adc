/*
 * declare_json.c — a declaration and every artifact as one JSON object
 * (ccsig_declare_write_json), and the declaration read back from it
 * (ccsig_declare_read_json). See ccsig/declare.h for the field names.
 *
 * The object is written directly into a ccsig_buf (strings through the
 * library's one JSON string writer, ccsig_buf_json_str) in the layout
 * `ccsig declare --format json` has always printed: members one per line,
 * two spaces of indentation per level, "key": value, empty arrays as [].
 * It is read with the library's one JSON reader (sources/json.h).
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>

#include "ccsig/declare.h"
#include "sources/json.h"

/* ---- writing ---- */

/* Nesting of the object written (declaration, uses, one entry, conditions). */
#define JW_MAX_DEPTH 8

/* An indented JSON writer: what has been opened and how many items each
 * open container holds so far. */
typedef struct jw {
    ccsig_buf *b;
    unsigned depth;
    unsigned items[JW_MAX_DEPTH];
} jw;

/* A line end and the indentation of the current depth. */
static void jw_newline(jw *w) {
    ccsig_buf_putc(w->b, '\n');
    for (unsigned i = 0; i < w->depth; i++)
        ccsig_buf_puts(w->b, "  ");
}

/* Before an item of the current container: ',' after the previous one, then
 * its own line. */
static void jw_item(jw *w) {
    if (w->items[w->depth]++)
        ccsig_buf_putc(w->b, ',');
    jw_newline(w);
}

/* A member name of the current object (an item), then ": ". */
static void jw_key(jw *w, const char *key) {
    jw_item(w);
    ccsig_buf_json_str(w->b, key, strlen(key));
    ccsig_buf_puts(w->b, ": ");
}

/* Open an object ('{') or array ('['): later items go one level deeper.
 * Precondition: fewer than JW_MAX_DEPTH - 1 containers open. */
static void jw_open(jw *w, char bracket) {
    assert(w->depth + 1 < JW_MAX_DEPTH);
    ccsig_buf_putc(w->b, bracket);
    w->items[++w->depth] = 0;
}

/* Close the current container: on a line of its own when it has items,
 * right after the bracket when empty ({} or []). */
static void jw_close(jw *w, char bracket) {
    bool any = w->items[w->depth--] > 0;
    if (any)
        jw_newline(w);
    ccsig_buf_putc(w->b, bracket);
}

/* A string, or null for NULL. */
static void jw_str(jw *w, const char *s) {
    if (s)
        ccsig_buf_json_str(w->b, s, strlen(s));
    else
        ccsig_buf_puts(w->b, "null");
}

/* The members of one entry: "use", "label", "preference", "signal",
 * "conditions" (the signal and its conditions only on a deny). */
static void put_use(jw *w, const ccsig_declaration *d, const ccsig_declare_use *u) {
    ccsig_declaration one = *d; /* the entry alone, for its label */
    one.use = u->use;
    one.state = u->state;
    one.signal = u->signal;
    one.nmore = 0;
    bool sig = u->state == CCSIG_STATE_DENY && u->signal != CCSIG_SIGNAL_NONE;
    jw_key(w, "use");
    jw_str(w, ccsig_category_name(u->use));
    jw_key(w, "label");
    jw_str(w, ccsig_declare_label(&one));
    jw_key(w, "preference");
    jw_str(w, ccsig_state_name(u->state));
    jw_key(w, "signal");
    jw_str(w, sig ? ccsig_signal_token(u->signal) : NULL);
    jw_key(w, "conditions");
    unsigned conditions = sig ? ccsig_signal_conditions(u->signal) : 0;
    jw_open(w, '[');
    for (int i = 0; i < CCSIG_COND_COUNT; i++)
        if (conditions & (1u << i)) {
            jw_item(w);
            jw_str(w, ccsig_condition_name(1u << i));
        }
    jw_close(w, ']');
}

/* The "declaration" member's object. */
static void put_declaration(jw *w, const ccsig_declaration *d) {
    ccsig_declare_use u[CCSIG_DECLARE_MAX_USES];
    size_t nu = ccsig_declare_uses(d, u);
    jw_open(w, '{');
    /* One category: its members at the top ("use", "label", ...), as ever;
     * several: "uses", an array of them in order. */
    if (nu == 1) {
        put_use(w, d, &u[0]);
    } else {
        jw_key(w, "uses");
        jw_open(w, '[');
        for (size_t i = 0; i < nu; i++) {
            jw_item(w);
            jw_open(w, '{');
            put_use(w, d, &u[i]);
            jw_close(w, '}');
        }
        jw_close(w, ']');
    }
    jw_key(w, "paths");
    jw_open(w, '[');
    for (size_t i = 0; i < d->npaths; i++) {
        jw_item(w);
        jw_str(w, d->paths[i]);
    }
    jw_close(w, ']');
    jw_key(w, "agent");
    jw_str(w, d->agent && *d->agent ? d->agent : "*");
    jw_key(w, "collection");
    jw_str(w, d->collection);
    jw_key(w, "party");
    jw_open(w, '{');
    jw_key(w, "name");
    jw_str(w, d->party_name);
    jw_key(w, "url");
    jw_str(w, d->party_url);
    jw_close(w, '}');
    jw_key(w, "policy_url");
    jw_str(w, d->policy_url);
    jw_key(w, "copyright");
    jw_str(w, ccsig_copyright_name(d->copyright));
    jw_close(w, '}');
}

/* One artifact as a string member; the header without its line end. */
static ccsig_status put_artifact(jw *w, const ccsig_declaration *d, const char *key,
                                 ccsig_declare_format f, ccsig_buf *tmp, ccsig_error *err) {
    ccsig_buf_clear(tmp);
    ccsig_status s = ccsig_declare_write(d, f, tmp, err);
    if (s)
        return s;
    size_t n = tmp->len;
    if (f == CCSIG_DECLARE_HEADER && n && tmp->data[n - 1] == '\n')
        n--; /* the header line, without its line end */
    jw_key(w, key);
    ccsig_buf_json_str(w->b, tmp->data ? tmp->data : "", n);
    return CCSIG_OK;
}

/* The whole object into b; the artifacts are written through tmp. */
static ccsig_status put_object(const ccsig_declaration *d, ccsig_buf *b, ccsig_buf *tmp,
                               ccsig_error *err) {
    static const struct {
        const char *key;
        ccsig_declare_format f;
    } arts[] =
        {
            {"expression", CCSIG_DECLARE_EXPRESSION}, {"robots", CCSIG_DECLARE_ROBOTS},
            {"header", CCSIG_DECLARE_HEADER},         {"nginx", CCSIG_DECLARE_NGINX},
            {"apache", CCSIG_DECLARE_APACHE},         {"caddy", CCSIG_DECLARE_CADDY},
            {"lighttpd", CCSIG_DECLARE_LIGHTTPD},     {"xmp", CCSIG_DECLARE_XMP},
        },
      docs[] = {
          {"text", CCSIG_DECLARE_TEXT},
          {"markdown", CCSIG_DECLARE_MARKDOWN},
          {"html", CCSIG_DECLARE_HTML},
          {"croissant", CCSIG_DECLARE_CROISSANT},
          {"dataset_card", CCSIG_DECLARE_DATASET_CARD},
          {"datapackage", CCSIG_DECLARE_DATAPACKAGE},
      };
    jw w = {.b = b};
    jw_open(&w, '{');
    jw_key(&w, "declaration");
    put_declaration(&w, d);
    ccsig_status s;
    for (size_t i = 0; i < sizeof arts / sizeof arts[0]; i++)
        if ((s = put_artifact(&w, d, arts[i].key, arts[i].f, tmp, err)))
            return s;
    ccsig_declare_peers peers;
    ccsig_declare_peer_values(d, &peers);
    jw_key(&w, "iptc");
    if (peers.iptc_code) {
        jw_open(&w, '{');
        jw_key(&w, "data_mining");
        ccsig_buf_clear(tmp);
        ccsig_buf_puts(tmp, CCSIG_IPTC_VOCAB);
        ccsig_buf_puts(tmp, peers.iptc_code);
        jw_str(&w, ccsig_buf_cstr(tmp));
        jw_close(&w, '}');
    } else {
        ccsig_buf_puts(b, "null");
    }
    jw_key(&w, "tdmrep");
    if (peers.tdm_reservation >= 0) {
        jw_open(&w, '{');
        jw_key(&w, "reservation");
        ccsig_buf_put_i64(b, peers.tdm_reservation);
        jw_key(&w, "policy");
        jw_str(&w, peers.tdm_policy);
        jw_close(&w, '}');
    } else {
        ccsig_buf_puts(b, "null");
    }
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        if ((s = put_artifact(&w, d, docs[i].key, docs[i].f, tmp, err)))
            return s;
    jw_close(&w, '}');
    ccsig_buf_putc(b, '\n');
    return CCSIG_OK;
}

/* See ccsig/declare.h. The object is built in a buffer of its own and
 * appended to out only when whole, so out gets nothing on error; both
 * scratch buffers are freed before returning. */
ccsig_status ccsig_declare_write_json(const ccsig_declaration *d, ccsig_buf *out,
                                      ccsig_error *err) {
    ccsig_status s = ccsig_declaration_validate(d, err);
    if (s)
        return s;
    ccsig_buf b = CCSIG_BUF_INIT, tmp = CCSIG_BUF_INIT;
    s = put_object(d, &b, &tmp, err);
    if (!s && (ccsig_buf_failed(&b) || ccsig_buf_failed(&tmp)))
        s = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    if (!s) {
        ccsig_buf_append(out, b.data, b.len);
        if (ccsig_buf_failed(out))
            s = ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    ccsig_buf_free(&b);
    ccsig_buf_free(&tmp);
    return s;
}

/* ---- reading ---- */

/* A field error: what the reader reports for valid JSON that is not a
 * declaration (offset: where the value, or the top-level member holding it,
 * starts). */
static ccsig_status bad(ccsig_error *err, const src_json *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static ccsig_status bad(ccsig_error *err, const src_json *v, const char *fmt, ...) {
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ccsig_error_set(err, CCSIG_ERR_RANGE, v ? v->start : 0, "%s", msg);
}

/* A string member of o that may be null or absent: *out NULL then, else
 * the string (NUL-terminated, in the arena of the parse). where prefixes
 * the message. */
static ccsig_status opt_string(const src_json *o, const char *key, const char **out,
                               const char *where, ccsig_error *err) {
    const src_json *v = src_json_get(o, key);
    *out = NULL;
    if (!v || v->type == SRC_JSON_NULL)
        return CCSIG_OK;
    if (v->type != SRC_JSON_STRING)
        return bad(err, v, "%s\"%s\" must be a string or null", where, key);
    if (memchr(v->str.p, '\0', v->str.len))
        return bad(err, v, "%s\"%s\" must not contain \\u0000", where, key);
    *out = v->str.p;
    return CCSIG_OK;
}

/* One entry {"use", "preference", "signal"} from o, appended to d ("label"
 * and "conditions" follow from these and are not read). */
static ccsig_status read_use(const src_json *o, ccsig_declaration *d, const char *w,
                             ccsig_error *err) {
    if (o->type != SRC_JSON_OBJECT)
        return bad(err, o, "%smust be an object", w);
    const char *use, *pref, *signal;
    ccsig_status s;
    if ((s = opt_string(o, "use", &use, w, err)) ||
        (s = opt_string(o, "preference", &pref, w, err)) ||
        (s = opt_string(o, "signal", &signal, w, err)))
        return s;
    ccsig_category cat;
    if (!use || !ccsig_category_parse(use, strlen(use), &cat))
        return bad(err, o,
                   "%s\"use\" must be a category (automated-processing, train-ai, "
                   "train-genai, ai-use or search)",
                   w);
    if (!pref || (strcmp(pref, "allow") && strcmp(pref, "deny")))
        return bad(err, o, "%s\"preference\" must be \"allow\" or \"deny\"", w);
    ccsig_signal sig = CCSIG_SIGNAL_NONE;
    if (signal && !ccsig_signal_from_short(signal, strlen(signal), &sig))
        return bad(err, o, "%s\"signal\" must be cc-cr, cc-cr-dc, cc-cr-ec, cc-cr-op or null", w);
    ccsig_error e;
    if (ccsig_declare_add_use(d, cat, !strcmp(pref, "allow") ? CCSIG_STATE_ALLOW : CCSIG_STATE_DENY,
                              sig, &e))
        return bad(err, o, "%s%s", w, e.message);
    return CCSIG_OK;
}

/* The declaration object decl into d (initialised). */
static ccsig_status read_declaration(const src_json *decl, ccsig_declaration *d, ccsig_error *err) {
    const char *w = "declaration: ";
    const char *copyright;
    ccsig_status s;
    if ((s = opt_string(decl, "copyright", &copyright, w, err)) ||
        (s = opt_string(decl, "agent", &d->agent, w, err)) ||
        (s = opt_string(decl, "collection", &d->collection, w, err)) ||
        (s = opt_string(decl, "policy_url", &d->policy_url, w, err)))
        return s;
    const src_json *uses = src_json_get(decl, "uses");
    if (uses) {
        if (uses->type != SRC_JSON_ARRAY || uses->n < 1 || uses->n > CCSIG_DECLARE_MAX_USES)
            return bad(err, uses, "%s\"uses\" must be an array of 1 to %u objects", w,
                       CCSIG_DECLARE_MAX_USES);
        size_t i = 0;
        for (const src_json *u = uses->child; u; u = u->next, i++) {
            char where[48];
            snprintf(where, sizeof where, "declaration.uses[%zu]: ", i);
            if ((s = read_use(u, d, where, err)))
                return s;
        }
    } else if ((s = read_use(decl, d, w, err))) {
        return s;
    }
    if (copyright && !ccsig_copyright_parse(copyright, strlen(copyright), &d->copyright))
        return bad(err, decl, "%s\"copyright\" must be holder, not-holder, mixed or unstated", w);
    const src_json *party = src_json_get(decl, "party");
    if (party && party->type != SRC_JSON_NULL) {
        if (party->type != SRC_JSON_OBJECT)
            return bad(err, party, "%s\"party\" must be an object {\"name\", \"url\"} or null", w);
        if ((s = opt_string(party, "name", &d->party_name, "declaration.party: ", err)) ||
            (s = opt_string(party, "url", &d->party_url, "declaration.party: ", err)))
            return s;
    }
    const src_json *paths = src_json_get(decl, "paths");
    if (paths && paths->type != SRC_JSON_NULL) {
        if (paths->type != SRC_JSON_ARRAY || paths->n > CCSIG_DECLARE_MAX_PATHS)
            return bad(err, paths, "%s\"paths\" must be an array of at most %u strings", w,
                       CCSIG_DECLARE_MAX_PATHS);
        size_t i = 0;
        for (const src_json *p = paths->child; p; p = p->next, i++) {
            if (p->type != SRC_JSON_STRING || memchr(p->str.p, '\0', p->str.len))
                return bad(err, p, "%s\"paths\"[%zu] must be a string", w, i);
            d->paths[d->npaths++] = p->str.p;
        }
    }
    ccsig_error e;
    if (ccsig_declaration_validate(d, &e))
        return bad(err, decl, "%s%s", w, e.message);
    return CCSIG_OK;
}

/* See ccsig/declare.h. The tree and every string d points to are in a;
 * src_json_parse_strict reports malformed JSON (line:column) and a name
 * given twice; d is initialised again on any field error. */
ccsig_status ccsig_declare_read_json(ccsig_arena *a, const char *p, size_t len,
                                     ccsig_declaration *d, ccsig_error *err) {
    ccsig_declaration_init(d);
    src_json *root;
    ccsig_status s = src_json_parse_strict(a, p, len, &root, err);
    if (s)
        return s;
    if (root->type != SRC_JSON_OBJECT)
        return bad(err, root, "expected a JSON object");
    const src_json *decl = src_json_get(root, "declaration");
    if (!decl)
        decl = root;
    if (decl->type != SRC_JSON_OBJECT)
        return bad(err, decl, "\"declaration\" must be an object");
    s = read_declaration(decl, d, err);
    if (s) {
        ccsig_declaration_init(d); /* no half-read declaration */
        return s;
    }
    return CCSIG_OK;
}
