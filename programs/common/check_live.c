/*
 * check_live.c — live `ccsig check URL...`: each URL is checked by the
 * library (ccsig_fetch_evaluate_url, ccsig/check.h: robots.txt, the asset
 * read politely, tdmrep.json, RSL, then ccsig_evaluate); this file keeps the
 * input, the worker threads, the order of the output and the printing.
 *
 * Work: `jobs` threads take URLs in input order; the fetcher serialises
 * requests per host, so threads only overlap across hosts. Records are
 * printed in input order, each as soon as it and every earlier one are done.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "ccsig/check.h"
#include "check_live.h"
#include "cli.h"
#include "ccsig/report.h"
#include "sources_report.h"

/* ---- shared helpers for both modes ---- */

void check_write_extras(ccsig_buf *b, const ccsig_collect *c, const check_fetch_info *fi,
                        const char *error) {
    if (c) {
        sources_write_links_notes(b, c);
    } else {
        ccsig_buf_puts(b, ",\"links\":[],\"notes\":[]");
    }
    ccsig_buf_puts(b, ",\"robots\":");
    if (fi && fi->robots) {
        const ccsig_robots_fetch *r = fi->robots;
        ccsig_buf_puts(b, "{\"url\":");
        ccsig_buf_json_str(b, r->url, strlen(r->url));
        ccsig_buf_printf(b, ",\"state\":\"%s\",\"status\":", ccsig_robots_status_name(r->state));
        if (r->http_status)
            ccsig_buf_printf(b, "%ld", r->http_status);
        else
            ccsig_buf_puts(b, "null");
        ccsig_buf_printf(b, ",\"cached\":%s,\"stale\":%s,\"truncated\":%s,\"error\":",
                         r->from_cache ? "true" : "false", r->stale ? "true" : "false",
                         r->truncated ? "true" : "false");
        if (r->error[0])
            ccsig_buf_json_str(b, r->error, strlen(r->error));
        else
            ccsig_buf_puts(b, "null");
        ccsig_buf_putc(b, '}');
    } else {
        ccsig_buf_puts(b, "null");
    }
    ccsig_buf_puts(b, ",\"asset\":");
    if (fi && fi->asset_url) {
        ccsig_buf_puts(b, "{\"url\":");
        ccsig_buf_json_str(b, fi->asset_url, strlen(fi->asset_url));
        ccsig_buf_puts(b, ",\"status\":");
        if (fi->asset_status)
            ccsig_buf_printf(b, "%ld", fi->asset_status);
        else
            ccsig_buf_puts(b, "null");
        ccsig_buf_puts(b, ",\"content_type\":");
        if (fi->content_type && *fi->content_type)
            ccsig_buf_json_str(b, fi->content_type, strlen(fi->content_type));
        else
            ccsig_buf_puts(b, "null");
        ccsig_buf_printf(b, ",\"bytes_read\":%zu,\"ranges\":%s}", fi->asset_bytes,
                         fi->asset_partial ? "true" : "false");
    } else {
        ccsig_buf_puts(b, "null");
    }
    ccsig_buf_puts(b, ",\"error\":");
    if (error)
        ccsig_buf_json_str(b, error, strlen(error));
    else
        ccsig_buf_puts(b, "null");
    ccsig_buf_puts(b, "}\n");
}

/* ---- a run ---- */

typedef struct result {
    size_t seq;
    char *text; /* the record, ready to print */
    size_t len;
    struct result *next;
} result;

typedef struct run {
    const check_live_opts *o;
    ccsig_checker *k;
    pthread_mutex_t mu;
    /* input */
    int argc;
    char **argv;
    size_t next_in;
    bool eof;
    ccsig_buf line;
    /* output, in order */
    size_t next_out;
    result *ready;
    int status;
} run;

/* The next URL (malloc'd) and its sequence number; false at the end. */
static bool next_url(run *r, char **url, size_t *seq) {
    pthread_mutex_lock(&r->mu);
    bool ok = false;
    if (r->argc) {
        if ((int)r->next_in < r->argc) {
            *url = strdup(r->argv[r->next_in]);
            ok = true;
        }
    } else {
        while (!r->eof) {
            if (!cli_getline(stdin, &r->line)) {
                r->eof = true;
                break;
            }
            size_t b = 0, e = r->line.len;
            while (b < e && (r->line.data[b] == ' ' || r->line.data[b] == '\t'))
                b++;
            while (e > b && (r->line.data[e - 1] == ' ' || r->line.data[e - 1] == '\t'))
                e--;
            if (b == e)
                continue;
            *url = strndup(r->line.data + b, e - b);
            ok = true;
            break;
        }
    }
    if (ok)
        *seq = r->next_in++;
    pthread_mutex_unlock(&r->mu);
    return ok && *url;
}

/* Hand a finished record over; print every record that is next in order. */
static void finish(run *r, size_t seq, ccsig_buf *b, int status) {
    result *res = malloc(sizeof *res);
    char *text = malloc(b->len + 1);
    pthread_mutex_lock(&r->mu);
    r->status = cli_exit_worst(r->status, status);
    if (!res || !text) {
        free(res);
        free(text);
        r->status = EXIT_INTERNAL;
        r->next_out = seq + 1; /* do not block the others */
    } else {
        memcpy(text, b->data ? b->data : "", b->len);
        text[b->len] = '\0';
        res->seq = seq;
        res->text = text;
        res->len = b->len;
        result **p = &r->ready;
        while (*p && (*p)->seq < seq)
            p = &(*p)->next;
        res->next = *p;
        *p = res;
    }
    while (r->ready && r->ready->seq == r->next_out) {
        result *x = r->ready;
        r->ready = x->next;
        fwrite(x->text, 1, x->len, stdout);
        fflush(stdout);
        free(x->text);
        free(x);
        r->next_out++;
    }
    pthread_mutex_unlock(&r->mu);
}

typedef struct worker {
    run *r;
    ccsig_url_check *w;
    ccsig_buf out;
} worker;

static const char *crawl_word(const ccsig_url_result *res) {
    switch (res->known) {
    case CCSIG_ROBOTS_FOUND:
        return res->crawl == CCSIG_STATE_ALLOW ? "allowed" : "disallowed";
    case CCSIG_ROBOTS_UNAVAILABLE:
        return "allowed";
    case CCSIG_ROBOTS_UNREACHABLE:
        return "disallowed";
    case CCSIG_ROBOTS_NONE:
        break;
    }
    return "unknown";
}

/* One record, in the shape of `ccsig check --robots` (docs/ccsig-check.1). */
static void print_record(worker *wk, const char *url, const ccsig_url_result *res) {
    const check_live_opts *o = wk->r->o;
    ccsig_buf *b = &wk->out;
    ccsig_buf_clear(b);
    const ccsig_eval_result *ev = res->ev;
    const char *crawl = crawl_word(res);
    const ccsig_provenance *rule = res->rule;
    const char *error = res->status ? res->error : NULL;
    if (o->json) {
        ccsig_report_write_record_head(b, ccsig_str_c(url), ccsig_str_c(o->agent), crawl, rule,
                                       &ev->verdict, &ev->decision, ev->c.sts, ev->c.n);
        ccsig_buf_puts(b, ",\"licenses\":[");
        for (size_t i = 0; i < res->nlicenses; i++) {
            ccsig_buf_printf(b, "%s{\"line\":%u,\"url\":", i ? "," : "", res->licenses[i].line);
            ccsig_buf_json_str(b, res->licenses[i].url.p, res->licenses[i].url.len);
            ccsig_buf_putc(b, '}');
        }
        ccsig_buf_putc(b, ']');
        check_fetch_info fi;
        memset(&fi, 0, sizeof fi);
        fi.robots = res->robots_fetched ? &res->robots : NULL;
        fi.asset_url = res->asset_fetched ? res->asset_url : NULL;
        fi.asset_status = res->asset_status;
        fi.content_type = res->content_type;
        fi.asset_bytes = res->asset_bytes;
        fi.asset_partial = res->asset_partial;
        check_write_extras(b, &ev->c, &fi, error);
        return;
    }
    char *text = NULL;
    size_t tlen = 0;
    FILE *mem = open_memstream(&text, &tlen);
    if (!mem)
        return;
    fprintf(mem, "%s\n  crawl: %s", url, crawl);
    if (rule && rule->line)
        fprintf(mem, " by line %u \"%.*s\"", rule->line, (int)rule->text.len, rule->text.p);
    else if (rule)
        fprintf(mem, ": %.*s", (int)rule->text.len, rule->text.p);
    if (res->robots_fetched)
        fprintf(mem, " (%s%s%s)", res->robots.url, res->robots.from_cache ? ", cached" : "",
                res->robots.stale ? ", stale" : "");
    fputc('\n', mem);
    bool any = false;
    for (int k = 0; k < CCSIG_CAT_COUNT; k++)
        any |= ev->verdict.cat[k].state != CCSIG_STATE_UNKNOWN;
    if (any) {
        ccsig_buf t_ = CCSIG_BUF_INIT;
        ccsig_report_categories_text(&t_, &ev->verdict, "  ", sources_names(ev->c.n));
        cli_put_buf(mem, &t_);
    } else
        fprintf(mem, "  no preference stated: every use is unknown\n");
    {
        ccsig_buf t_ = CCSIG_BUF_INIT;
        ccsig_report_decision_text(&t_, &ev->decision, "  ");
        cli_put_buf(mem, &t_);
    }
    sources_print_text(mem, &ev->c, ev->c.sts, ev->c.n, "  ");
    if (error)
        fprintf(mem, "  error: %s\n", error);
    fclose(mem);
    ccsig_buf_append(b, text, tlen);
    free(text);
}

static void *work(void *arg) {
    worker *wk = arg;
    char *url;
    size_t seq;
    while (next_url(wk->r, &url, &seq)) {
        const ccsig_url_result *res;
        ccsig_status st = ccsig_fetch_evaluate_url(wk->r->k, wk->w, url, &res);
        print_record(wk, url, res);
        int rc = cli_exit_for_url(st);
        if (res->ev)
            rc = cli_exit_worst(rc, cli_exit_for_result(res->ev->decision.result));
        finish(wk->r, seq, &wk->out, rc);
        free(url);
    }
    return NULL;
}

int check_live_run(const check_live_opts *o, int argc, char **argv) {
    run r;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.argc = argc;
    r.argv = argv;
    ccsig_check_opts co = {o->agent, o->prof, o->fetch};
    ccsig_error err;
    if (ccsig_checker_new(&co, &r.k, &err)) {
        cli_error("check", "%s", err.message);
        return err.code == CCSIG_ERR_USAGE ? EXIT_USAGE : EXIT_INTERNAL;
    }
    pthread_mutex_init(&r.mu, NULL);
    int jobs = o->jobs > 0 ? o->jobs : 1;
    if (jobs > 64)
        jobs = 64;
    worker *ws = calloc((size_t)jobs, sizeof *ws);
    pthread_t *th = calloc((size_t)jobs, sizeof *th);
    int started = 0;
    for (int i = 0; ws && th && i < jobs; i++) {
        ws[i].r = &r;
        ws[i].w = ccsig_url_check_new();
        if (!ws[i].w || pthread_create(&th[i], NULL, work, &ws[i])) {
            ccsig_url_check_free(ws[i].w);
            break;
        }
        started++;
    }
    if (!started) {
        cli_error("check", "cannot start worker threads");
        r.status = EXIT_INTERNAL;
    }
    for (int i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        ccsig_url_check_free(ws[i].w);
        ccsig_buf_free(&ws[i].out);
    }
    free(ws);
    free(th);
    ccsig_buf_free(&r.line);
    ccsig_checker_free(r.k);
    pthread_mutex_destroy(&r.mu);
    return r.status;
}
