/*
 * credit_sources.c — credit records from where an asset is kept
 * (ccsig/attribution.h): a record of `ccsig scan --annotate` read again
 * from its WARC archive (ccsig_credit_record_from_archive) and a local
 * file read offline (ccsig_credit_record_from_local). Reading is the
 * library's one path: ccsig_warc_read_at finds the record, ccsig_evaluate
 * reads it (with the dataset reader as its hook for dataset metadata) and
 * ccsig_credit_record_from_eval makes the record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccsig/alloc.h"
#include "ccsig/attribution.h"
#include "ccsig/httpmsg.h"
#include "ccsig/robots.h"
#include "ccsig/warc.h"

/* The dataset metadata reader, run as ccsig_evaluate's hook for an asset
 * that is dataset metadata (a Croissant file, a dataset card, a data
 * package: ccsig_dataset_format_for_name of its name). */
typedef struct dataset_hook {
    ccsig_dataset_format f;
    const char *p;
    size_t len;
    ccsig_str origin;
    ccsig_error err;
    ccsig_status st;
} dataset_hook;

/* ccsig_eval_input.more: read the dataset metadata h points at. */
static void read_dataset(ccsig_collect *c, void *ctx) {
    dataset_hook *h = ctx;
    h->st = ccsig_dataset_read(c, h->f, h->p, h->len, h->origin, &h->err);
}

/* Set in up to read body[0..len), named name (a file or URL path), as
 * dataset metadata when its name says it is (a card only with its front
 * matter): true when the hook is set. */
static bool dataset_hook_set(dataset_hook *h, ccsig_eval_input *in, const char *name,
                             const char *body, size_t len) {
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    memset(h, 0, sizeof *h);
    if (!ccsig_dataset_format_for_name(base, &h->f) ||
        (h->f == CCSIG_DATASET_CARD && (len < 3 || memcmp(body, "---", 3))))
        return false;
    h->p = body;
    h->len = len;
    h->origin = in->origin.len ? in->origin : in->url;
    in->more = read_dataset;
    in->more_ctx = h;
    return true;
}

/* The path to open for archive: relative to dir when it is there, else as
 * given; into buf (cap bytes). */
static const char *archive_path(const char *archive, const char *dir, char *buf, size_t cap) {
    if (archive[0] == '/' || !dir || !dir[0])
        return archive;
    int n = snprintf(buf, cap, "%s/%s", dir, archive);
    if (n < 0 || (size_t)n >= cap || access(buf, R_OK))
        return archive;
    return buf;
}

ccsig_status ccsig_credit_record_from_archive(ccsig_credit_record *r, const char *archive,
                                              const char *dir, ccsig_url_resolver resolve,
                                              ccsig_arena *a, ccsig_error *err) {
    if (!r || !a || (!archive && !r->archive))
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "the record names no archive");
    char buf[4096];
    const char *path = archive ? archive : archive_path(r->archive, dir, buf, sizeof buf);
    ccsig_warc_reader *rd = ccsig_warc_reader_new(NULL);
    ccsig_http_msg *msg = ccsig_malloc(sizeof *msg);
    ccsig_eval_result *ev = ccsig_malloc(sizeof *ev);
    if (!rd || !msg || !ev) {
        ccsig_warc_reader_free(rd);
        ccsig_free(msg);
        ccsig_free(ev);
        return ccsig_error_set(err, CCSIG_ERR_NOMEM, 0, "out of memory");
    }
    ccsig_warc_record rec;
    unsigned types =
        1u << CCSIG_WARC_RESPONSE | 1u << CCSIG_WARC_RESOURCE | 1u << CCSIG_WARC_REVISIT;
    ccsig_status st = ccsig_warc_read_at(rd, path, r->archive_offset, types,
                                         ccsig_str_c(r->link ? r->link : ""), &rec, err);
    ccsig_arena ea; /* the evaluation's (the record's strings go into a) */
    ccsig_arena_init(&ea, 0);
    ccsig_eval_input in;
    memset(&in, 0, sizeof in);
    in.url = st == CCSIG_OK ? rec.h.target_uri : ccsig_str_c("");
    in.status = -1;
    dataset_hook dh;
    if (st == CCSIG_OK && rec.h.type == CCSIG_WARC_RESOURCE) {
        /* a resource's block is the content itself */
        in.response = true;
        in.body = rec.block;
        in.body_len = rec.block_len;
        in.has_type = rec.h.content_type.len > 0;
        in.content_type = rec.h.content_type;
        dataset_hook_set(&dh, &in, r->link ? r->link : "", rec.block, rec.block_len);
        st = ccsig_evaluate(&in, &ea, ev);
    } else if (st == CCSIG_OK) {
        st = ccsig_http_parse(&ea, rec.block, rec.block_len, msg, err);
        if (st == CCSIG_OK) {
            size_t hl = msg->kind == CCSIG_HTTP_NONE ? 0 : msg->header_len;
            in.response = msg->kind != CCSIG_HTTP_NONE;
            in.status = in.response ? msg->status : -1;
            in.fields = in.response ? (const ccsig_http_field *)msg->fields : NULL;
            in.nfields = in.response ? msg->nfields : 0;
            in.body = rec.block + hl;
            in.body_len = rec.block_len - hl;
            dataset_hook_set(&dh, &in, r->link ? r->link : "", in.body, in.body_len);
            st = ccsig_evaluate(&in, &ea, ev);
        } else {
            st = ccsig_error_set(err, CCSIG_ERR_RANGE, 0,
                                 "%s: the record at offset %llu is "
                                 "not an HTTP response",
                                 path, (unsigned long long)r->archive_offset);
        }
    }
    ccsig_credit_record x;
    if (st == CCSIG_OK)
        st = ccsig_credit_record_from_eval(ev, r->link, r->read_at, resolve, a, &x);
    if (st == CCSIG_OK) {
        /* TASL from the asset; the decision stays the line's */
        r->title = x.title;
        r->author = x.author;
        r->link = x.link;
        r->rights = x.rights;
        r->license = x.license;
        r->license_name = x.license_name;
        r->license_deed = x.license_deed;
        r->source = x.source;
        r->source_link = x.source_link;
        memcpy(r->from, x.from, sizeof r->from);
        r->license_from = x.license_from;
    } else if (st == CCSIG_ERR_NOMEM) {
        ccsig_error_set(err, st, 0, "out of memory");
    }
    ccsig_arena_free(&ea);
    ccsig_warc_reader_free(rd);
    ccsig_free(msg);
    ccsig_free(ev);
    return st;
}

/* Whether s ends with suffix. */
static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

ccsig_status ccsig_credit_record_from_local(const char *path, const char *p, size_t len,
                                            const char *link, const char *agent,
                                            const ccsig_profile *prof,
                                            const ccsig_eval_robots *robots, const char *read_at,
                                            ccsig_arena *a, ccsig_credit_record *out,
                                            ccsig_error *err) {
    if (!path || (!p && len) || !a || !out)
        return ccsig_error_set(err, CCSIG_ERR_USAGE, 0, "no file given");
    if (!agent)
        agent = "*";
    ccsig_eval_input in;
    memset(&in, 0, sizeof in);
    in.origin = ccsig_str_c(path);
    in.url = ccsig_str_c(link);
    in.agent = ccsig_robots_product_token(agent, strlen(agent));
    in.profile = prof;
    in.status = -1;
    in.robots = robots;
    ccsig_arena ea; /* the evaluation's (the record's strings go into a) */
    ccsig_arena_init(&ea, 0);
    ccsig_eval_result *ev = ccsig_malloc(sizeof *ev);
    ccsig_http_msg *msg = ccsig_malloc(sizeof *msg);
    ccsig_status st = ev && msg ? CCSIG_OK : CCSIG_ERR_NOMEM;
    dataset_hook dh;
    memset(&dh, 0, sizeof dh);
    if (st == CCSIG_OK && len >= 12 && !memcmp(p, "HTTP/", 5)) {
        st = ccsig_evaluate_response(p, len, &in, &ea, msg, ev, err);
    } else if (st == CCSIG_OK) {
        if (!dataset_hook_set(&dh, &in, path, p, len)) {
            const char *slash = strrchr(path, '/');
            const char *base = slash ? slash + 1 : path;
            in.response = true;
            in.body = p;
            in.body_len = len;
            if (ends_with(base, ".html") || ends_with(base, ".htm")) {
                in.has_type = true;
                in.content_type = CCSIG_STR_LIT("text/html");
            }
        }
        st = ccsig_evaluate(&in, &ea, ev);
    }
    if (st == CCSIG_OK && dh.st) {
        st = dh.st;
        if (err)
            *err = dh.err;
    } else if (st == CCSIG_OK) {
        st = ccsig_credit_record_from_eval(ev, link, read_at, NULL, a, out);
    }
    if (st == CCSIG_ERR_NOMEM)
        ccsig_error_set(err, st, 0, "out of memory");
    ccsig_arena_free(&ea);
    ccsig_free(ev);
    ccsig_free(msg);
    return st;
}
