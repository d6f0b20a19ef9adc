/*
 * declare_json.c — a declaration and all its artifacts as one JSON object,
 * and the declaration read back from it.
 */
#include <stdio.h>

#include "declare_json.h"
#include "ccsig/report.h"

static json_t *str_or_null(const char *s) {
    return s ? json_string(s) : json_null();
}

/* One entry: {"use", "label", "preference", "signal", "conditions"}. */
static json_t *use_json(const ccsig_declaration *d, const ccsig_declare_use *u) {
    ccsig_declaration one = *d; /* the entry alone, for its label */
    one.use = u->use;
    one.state = u->state;
    one.signal = u->signal;
    one.nmore = 0;
    bool sig = u->state == CCSIG_STATE_DENY && u->signal != CCSIG_SIGNAL_NONE;
    return json_pack("{s:s, s:s, s:s, s:o, s:o}", "use", ccsig_category_name(u->use), "label",
                     ccsig_declare_label(&one), "preference", ccsig_state_name(u->state), "signal",
                     sig ? json_string(ccsig_signal_token(u->signal)) : json_null(), "conditions",
                     ccsig_report_conditions_json(sig ? ccsig_signal_conditions(u->signal) : 0));
}

json_t *declare_json(const ccsig_declaration *d, ccsig_error *err) {
    if (ccsig_declaration_validate(d, err))
        return NULL;
    ccsig_declare_use u[CCSIG_DECLARE_MAX_USES];
    size_t nu = ccsig_declare_uses(d, u);
    json_t *paths = json_array();
    for (size_t i = 0; i < d->npaths; i++)
        json_array_append_new(paths, json_string(d->paths[i]));
    /* One category: its members at the top ("use", "label", ...), as ever;
     * several: "uses", an array of them in order. */
    json_t *decl;
    if (nu == 1) {
        decl = use_json(d, &u[0]);
    } else {
        json_t *arr = json_array();
        for (size_t i = 0; i < nu; i++)
            json_array_append_new(arr, use_json(d, &u[i]));
        decl = json_pack("{s:o}", "uses", arr);
    }
    json_t *rest = json_pack(
        "{s:o, s:s, s:o, s:{s:o, s:o}, s:o, s:s}", "paths", paths, "agent",
        d->agent && *d->agent ? d->agent : "*", "collection", str_or_null(d->collection), "party",
        "name", str_or_null(d->party_name), "url", str_or_null(d->party_url), "policy_url",
        str_or_null(d->policy_url), "copyright", ccsig_copyright_name(d->copyright));
    if (decl && rest && json_object_update(decl, rest)) {
        json_decref(decl);
        decl = NULL;
    }
    json_decref(rest);
    if (!decl) {
        ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
        return NULL;
    }
    json_t *o = json_object();
    json_object_set_new(o, "declaration", decl);
    static const struct {
        const char *key;
        ccsig_declare_format f;
    } arts[] = {
        {"expression", CCSIG_DECLARE_EXPRESSION}, {"robots", CCSIG_DECLARE_ROBOTS},
        {"header", CCSIG_DECLARE_HEADER},         {"nginx", CCSIG_DECLARE_NGINX},
        {"apache", CCSIG_DECLARE_APACHE},         {"caddy", CCSIG_DECLARE_CADDY},
        {"lighttpd", CCSIG_DECLARE_LIGHTTPD},     {"xmp", CCSIG_DECLARE_XMP},
    };
    ccsig_buf b = CCSIG_BUF_INIT;
    for (size_t i = 0; i < sizeof arts / sizeof arts[0]; i++) {
        ccsig_buf_clear(&b);
        if (ccsig_declare_write(d, arts[i].f, &b, err))
            goto fail;
        if (arts[i].f == CCSIG_DECLARE_HEADER && b.len && b.data[b.len - 1] == '\n')
            b.data[--b.len] = '\0'; /* the header line, without its line end */
        json_object_set_new(o, arts[i].key, json_stringn(b.data ? b.data : "", b.len));
    }
    ccsig_declare_peers peers;
    ccsig_declare_peer_values(d, &peers);
    if (peers.iptc_code) {
        ccsig_buf_clear(&b);
        ccsig_buf_printf(&b, "%s%s", CCSIG_IPTC_VOCAB, peers.iptc_code);
        json_object_set_new(o, "iptc", json_pack("{s:s}", "data_mining", ccsig_buf_cstr(&b)));
    } else {
        json_object_set_new(o, "iptc", json_null());
    }
    if (peers.tdm_reservation >= 0)
        json_object_set_new(o, "tdmrep",
                            json_pack("{s:i, s:o}", "reservation", peers.tdm_reservation, "policy",
                                      str_or_null(peers.tdm_policy)));
    else
        json_object_set_new(o, "tdmrep", json_null());
    static const struct {
        const char *key;
        ccsig_declare_format f;
    } docs[] = {
        {"text", CCSIG_DECLARE_TEXT},
        {"markdown", CCSIG_DECLARE_MARKDOWN},
        {"html", CCSIG_DECLARE_HTML},
        {"croissant", CCSIG_DECLARE_CROISSANT},
        {"dataset_card", CCSIG_DECLARE_DATASET_CARD},
        {"datapackage", CCSIG_DECLARE_DATAPACKAGE},
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        ccsig_buf_clear(&b);
        if (ccsig_declare_write(d, docs[i].f, &b, err))
            goto fail;
        json_object_set_new(o, docs[i].key, json_stringn(b.data ? b.data : "", b.len));
    }
    ccsig_buf_free(&b);
    return o;
fail:
    ccsig_buf_free(&b);
    json_decref(o);
    return NULL;
}

/* A string member that may be null or absent: *out NULL then. */
static bool opt_string(const json_t *o, const char *key, const char **out, char *msg, size_t n,
                       const char *where) {
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v)) {
        snprintf(msg, n, "%s\"%s\" must be a string or null", where, key);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

/* One entry {"use", "preference", "signal"} from o, appended to d. */
static bool read_use(const json_t *o, ccsig_declaration *d, char *msg, size_t n, const char *w) {
    if (!json_is_object(o)) {
        snprintf(msg, n, "%smust be an object", w);
        return false;
    }
    const char *use = NULL, *pref = NULL, *signal = NULL;
    if (!opt_string(o, "use", &use, msg, n, w) || !opt_string(o, "preference", &pref, msg, n, w) ||
        !opt_string(o, "signal", &signal, msg, n, w))
        return false;
    ccsig_category cat;
    if (!use || !ccsig_category_parse(use, strlen(use), &cat)) {
        snprintf(msg, n,
                 "%s\"use\" must be a category (automated-processing, train-ai, "
                 "train-genai, ai-use or search)",
                 w);
        return false;
    }
    if (!pref || (strcmp(pref, "allow") && strcmp(pref, "deny"))) {
        snprintf(msg, n, "%s\"preference\" must be \"allow\" or \"deny\"", w);
        return false;
    }
    ccsig_signal sig = CCSIG_SIGNAL_NONE;
    if (signal && (!ccsig_signal_from_short(signal, strlen(signal), &sig))) {
        snprintf(msg, n, "%s\"signal\" must be cc-cr, cc-cr-dc, cc-cr-ec, cc-cr-op or null", w);
        return false;
    }
    ccsig_error err;
    if (ccsig_declare_add_use(d, cat, !strcmp(pref, "allow") ? CCSIG_STATE_ALLOW : CCSIG_STATE_DENY,
                              sig, &err)) {
        snprintf(msg, n, "%s%s", w, err.message);
        return false;
    }
    return true;
}

bool declare_json_read(const json_t *o, ccsig_declaration *d, char *msg, size_t n) {
    ccsig_declaration_init(d);
    if (!json_is_object(o)) {
        snprintf(msg, n, "expected a JSON object");
        return false;
    }
    const json_t *decl = json_object_get(o, "declaration");
    if (!decl)
        decl = o;
    if (!json_is_object(decl)) {
        snprintf(msg, n, "\"declaration\" must be an object");
        return false;
    }
    const char *w = "declaration: ";
    const char *copyright = NULL;
    if (!opt_string(decl, "copyright", &copyright, msg, n, w) ||
        !opt_string(decl, "agent", &d->agent, msg, n, w) ||
        !opt_string(decl, "collection", &d->collection, msg, n, w) ||
        !opt_string(decl, "policy_url", &d->policy_url, msg, n, w))
        return false;
    const json_t *uses = json_object_get(decl, "uses");
    if (uses) {
        if (!json_is_array(uses) || json_array_size(uses) < 1 ||
            json_array_size(uses) > CCSIG_DECLARE_MAX_USES) {
            snprintf(msg, n, "%s\"uses\" must be an array of 1 to %u objects", w,
                     CCSIG_DECLARE_MAX_USES);
            return false;
        }
        for (size_t i = 0; i < json_array_size(uses); i++) {
            char where[48];
            snprintf(where, sizeof where, "declaration.uses[%zu]: ", i);
            if (!read_use(json_array_get(uses, i), d, msg, n, where))
                return false;
        }
    } else if (!read_use(decl, d, msg, n, w)) {
        return false;
    }
    if (copyright && !ccsig_copyright_parse(copyright, strlen(copyright), &d->copyright)) {
        snprintf(msg, n, "%s\"copyright\" must be holder, not-holder, mixed or unstated", w);
        return false;
    }
    const json_t *party = json_object_get(decl, "party");
    if (party && !json_is_null(party)) {
        if (!json_is_object(party)) {
            snprintf(msg, n, "%s\"party\" must be an object {\"name\", \"url\"} or null", w);
            return false;
        }
        if (!opt_string(party, "name", &d->party_name, msg, n, "declaration.party: ") ||
            !opt_string(party, "url", &d->party_url, msg, n, "declaration.party: "))
            return false;
    }
    const json_t *paths = json_object_get(decl, "paths");
    if (paths && !json_is_null(paths)) {
        if (!json_is_array(paths) || json_array_size(paths) > CCSIG_DECLARE_MAX_PATHS) {
            snprintf(msg, n, "%s\"paths\" must be an array of at most %u strings", w,
                     CCSIG_DECLARE_MAX_PATHS);
            return false;
        }
        for (size_t i = 0; i < json_array_size(paths); i++) {
            const json_t *p = json_array_get(paths, i);
            if (!json_is_string(p)) {
                snprintf(msg, n, "%s\"paths\"[%zu] must be a string", w, i);
                return false;
            }
            d->paths[d->npaths++] = json_string_value(p);
        }
    }
    ccsig_error err;
    if (ccsig_declaration_validate(d, &err)) {
        snprintf(msg, n, "%s%s", w, err.message);
        return false;
    }
    return true;
}
