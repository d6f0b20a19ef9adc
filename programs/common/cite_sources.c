/*
 * cite_sources.c — sources to credit records for `ccsig cite` and
 * `ccsig verify-credit` (cite_sources.h). Reading and deciding are the
 * library's: ccsig_credit_records_read for JSON, ccsig_fetch_evaluate_url
 * for URLs, ccsig_evaluate (with the dataset reader as its hook) for
 * files; this file only opens files, prints errors and keeps the records.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "ccsig/alloc.h"
#include "ccsig/check.h"
#include "ccsig/fetch.h"
#include "ccsig/robots.h"
#include "cite_sources.h"
#include "cli.h"

void cite_set_init(cite_set *s) {
    memset(s, 0, sizeof *s);
    ccsig_arena_init(&s->arena, 0);
}

void cite_set_free(cite_set *s) {
    for (size_t i = 0; i < s->n; i++)
        free(s->bodies[i]);
    free(s->bodies);
    free(s->body_lens);
    free(s->v);
    ccsig_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}

bool cite_set_add(cite_set *s, const ccsig_credit_record *r) {
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        ccsig_credit_record *v = realloc(s->v, cap * sizeof *v);
        if (v)
            s->v = v;
        char **bodies = v ? realloc(s->bodies, cap * sizeof *bodies) : NULL;
        if (bodies)
            s->bodies = bodies;
        size_t *lens = bodies ? realloc(s->body_lens, cap * sizeof *lens) : NULL;
        if (!lens)
            return false;
        s->body_lens = lens;
        s->cap = cap;
    }
    s->bodies[s->n] = NULL;
    s->body_lens[s->n] = 0;
    s->v[s->n++] = *r;
    return true;
}

/* Add the records of one JSON document p[0..len) that starts at line
 * `line` of path. */
static int read_doc(const cite_opts *o, cite_set *s, const char *path, const char *p, size_t len,
                    unsigned line, bool quiet) {
    ccsig_credit_record *v;
    size_t n;
    ccsig_error err;
    ccsig_error_clear(&err);
    ccsig_status st = ccsig_credit_records_read(&s->arena, p, len, &v, &n, &err);
    if (st == CCSIG_ERR_NOMEM) {
        cli_error(o->cmd, "out of memory");
        return EXIT_INTERNAL;
    }
    if (st) {
        if (quiet)
            return EXIT_USAGE;
        fprintf(stderr, "%s:%u:%u: error: %s\n", path, line + (err.line ? err.line - 1 : 0),
                err.column ? err.column : 1, err.message);
        return EXIT_USAGE;
    }
    /* annotation lines name the archive their record is in: TASL from it */
    char dir[4096];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 0, path);
    for (size_t i = 0; i < n; i++) {
        if (v[i].archive || (o->archive && v[i].archive_offset)) {
            st = ccsig_credit_record_from_archive(&v[i], o->archive, strcmp(path, "-") ? dir : NULL,
                                                  ccsig_url_resolve, &s->arena, &err);
            if (st == CCSIG_ERR_NOMEM) {
                cli_error(o->cmd, "out of memory");
                return EXIT_INTERNAL;
            }
            if (st)
                fprintf(stderr,
                        "ccsig %s: note: [%zu] %s: its archived record cannot be read (%s): "
                        "its credit has no title, author or licence\n",
                        o->cmd, s->n + 1, v[i].link ? v[i].link : "(no URL)", err.message);
        }
        if (!cite_set_add(s, &v[i])) {
            cli_error(o->cmd, "out of memory");
            return EXIT_INTERNAL;
        }
    }
    return EXIT_OK;
}

int cite_read_records(const cite_opts *o, cite_set *s, const char *path) {
    size_t len;
    char *text = cli_read_file(path, 0, &len);
    if (!text) {
        fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    /* One document (a record, an array, a gateway answer), else JSON
     * Lines: one document per non-blank line (errors are reported for the
     * line that fails). */
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n' && i + 1 < len;
    int rc = read_doc(o, s, path, text, len, 1, lines > 0);
    if (rc == EXIT_USAGE && lines) {
        rc = EXIT_OK;
        unsigned line = 1;
        for (size_t i = 0; i < len && rc == EXIT_OK; line++) {
            const char *nl = memchr(text + i, '\n', len - i);
            size_t e = nl ? (size_t)(nl - text) : len;
            size_t b = i;
            while (b < e && (text[b] == ' ' || text[b] == '\t' || text[b] == '\r'))
                b++;
            if (b < e)
                rc = read_doc(o, s, path, text + i, e - i, line, false);
            i = e + 1;
        }
    }
    free(text);
    return rc;
}

/* RFC 3339 UTC time now. */
static void now_rfc3339(char *buf, size_t n) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool is_url(const char *a) {
    return !strncmp(a, "http://", 7) || !strncmp(a, "https://", 8);
}

/* Offline: one local file. */
static int read_file(const cite_opts *o, cite_set *s, const ccsig_robots *robots,
                     ccsig_robots_answer *ans, const char *path) {
    size_t len;
    char *text = cli_read_file(path, 0, &len);
    if (!text) {
        fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    char url[4096];
    const char *link = NULL;
    if (o->base) {
        const char *rel = path;
        while (!strncmp(rel, "./", 2))
            rel += 2;
        size_t bl = strlen(o->base);
        snprintf(url, sizeof url, "%s%s%s", o->base, bl && o->base[bl - 1] == '/' ? "" : "/",
                 rel[0] == '/' ? rel + 1 : rel);
        link = url;
    }
    const char *agent = o->agent ? o->agent : "*";
    ccsig_eval_robots rb = {CCSIG_ROBOTS_NONE, CCSIG_STATE_UNKNOWN, NULL, NULL, 0};
    ccsig_provenance rule;
    if (robots && link) {
        ccsig_robots_agent sel = ccsig_robots_select(robots, agent, strlen(agent));
        ccsig_robots_query(robots, sel, link, strlen(link), ans);
        rb.known = CCSIG_ROBOTS_FOUND;
        rb.crawl = ans->allowed ? CCSIG_STATE_ALLOW : CCSIG_STATE_DENY;
        if (ans->rule.line) {
            rule = (ccsig_provenance){
                CCSIG_SRC_ROBOTS, ans->rule.line, ccsig_str_c(o->robots), ans->rule.text, 0,
                {NULL, 0}};
            rb.rule = &rule;
        }
        rb.sts = ans->st;
        rb.n = ans->nst;
    }
    ccsig_credit_record r;
    ccsig_error err;
    ccsig_error_clear(&err);
    ccsig_status st = ccsig_credit_record_from_local(path, text, len, link, agent, &o->prof,
                                                     robots && link ? &rb : NULL, o->read_at,
                                                     &s->arena, &r, &err);
    if (st && st != CCSIG_ERR_NOMEM) {
        fprintf(stderr, "%s:%u:%u: error: %s\n", path, err.line ? err.line : 1,
                err.column ? err.column : 1, err.message);
        free(text);
        return EXIT_USAGE;
    }
    if (st || !cite_set_add(s, &r)) {
        free(text);
        cli_error(o->cmd, "out of memory");
        return EXIT_INTERNAL;
    }
    if (o->keep_bodies) {
        s->bodies[s->n - 1] = text;
        s->body_lens[s->n - 1] = len;
    } else {
        free(text);
    }
    return EXIT_OK;
}

int cite_read_sources(const cite_opts *o, cite_set *s, int n, char **args) {
    int rc = EXIT_OK;
    ccsig_checker *k = NULL;
    ccsig_url_check *w = NULL;
    ccsig_robots *robots = NULL;
    ccsig_robots_answer *ans = NULL;
    if (o->robots) {
        size_t len;
        char *text = cli_read_file(o->robots, 0, &len);
        if (!text) {
            fprintf(stderr, "%s: error: cannot read: %s\n", o->robots, strerror(errno));
            return EXIT_USAGE;
        }
        ccsig_error err;
        ccsig_status st = ccsig_robots_compile(text, len, o->robots, &robots, &err);
        free(text);
        ans = ccsig_robots_answer_new();
        if (st || !ans) {
            cli_error(o->cmd, "out of memory");
            rc = EXIT_INTERNAL;
            goto done;
        }
    }
    for (int i = 0; i < n && rc == EXIT_OK; i++) {
        if (!is_url(args[i])) {
            rc = read_file(o, s, robots, ans, args[i]);
            continue;
        }
        if (!k) {
            ccsig_check_opts co;
            memset(&co, 0, sizeof co);
            co.agent = o->agent && strcmp(o->agent, "*") ? o->agent : "ccsig";
            co.profile = o->prof;
            ccsig_fetch_opts_default(&co.fetch);
            ccsig_error err;
            if (ccsig_checker_new(&co, &k, &err) || !(w = ccsig_url_check_new())) {
                cli_error(o->cmd, "cannot start fetching: %s", k ? "out of memory" : err.message);
                rc = EXIT_INTERNAL;
                break;
            }
        }
        const ccsig_url_result *res;
        ccsig_status st = ccsig_fetch_evaluate_url(k, w, args[i], &res);
        if (st && st != CCSIG_ERR_IO) {
            fprintf(stderr, "%s: error: %s\n", args[i], res->error);
            rc = st == CCSIG_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
            break;
        }
        if (st)
            fprintf(stderr, "ccsig %s: warning: %s: %s\n", o->cmd, args[i], res->error);
        char when[40];
        now_rfc3339(when, sizeof when);
        ccsig_credit_record r;
        if (ccsig_credit_record_from_eval(res->ev, res->asset_url ? res->asset_url : args[i], when,
                                          ccsig_url_resolve, &s->arena, &r) ||
            !cite_set_add(s, &r)) {
            cli_error(o->cmd, "out of memory");
            rc = EXIT_INTERNAL;
        }
    }
done:
    if (w)
        ccsig_url_check_free(w);
    if (k)
        ccsig_checker_free(k);
    if (ans)
        ccsig_robots_answer_free(ans);
    if (robots)
        ccsig_robots_free(robots);
    return rc;
}
