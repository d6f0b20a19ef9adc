/*
 * sources_report.c — links, notes and sources as JSON and text.
 */
#include <pthread.h>

#include "sources_report.h"
#include "ccsig/report.h"

void sources_write_links_notes(ccsig_buf *b, const ccsig_collect *c) {
    ccsig_buf_puts(b, ",\"links\":[");
    for (size_t i = 0; i < c->nlinks; i++) {
        const ccsig_link *l = &c->links[i];
        if (i)
            ccsig_buf_putc(b, ',');
        ccsig_buf_printf(b, "{\"kind\":\"%s\",\"url\":", ccsig_link_kind_name(l->kind));
        ccsig_buf_json_str(b, l->url.p ? l->url.p : "", l->url.len);
        ccsig_buf_puts(b, ",\"type\":");
        if (l->type.len)
            ccsig_buf_json_str(b, l->type.p, l->type.len);
        else
            ccsig_buf_puts(b, "null");
        ccsig_buf_puts(b, ",\"source\":");
        ccsig_report_write_source(b, &l->src);
        ccsig_buf_putc(b, '}');
    }
    ccsig_buf_puts(b, "],\"notes\":[");
    for (size_t i = 0; i < c->nnotes; i++) {
        const ccsig_note *nt = &c->notes[i];
        if (i)
            ccsig_buf_putc(b, ',');
        ccsig_buf_puts(b, "{\"message\":");
        ccsig_buf_json_str(b, nt->message.p ? nt->message.p : "", nt->message.len);
        ccsig_buf_puts(b, ",\"source\":");
        ccsig_report_write_source(b, &nt->src);
        ccsig_buf_putc(b, '}');
    }
    ccsig_buf_putc(b, ']');
}

static void prov_text(FILE *f, const ccsig_provenance *p) {
    fprintf(f, "%s", ccsig_source_kind_name(p->kind));
    if (p->origin.len)
        fprintf(f, ", %.*s", (int)p->origin.len, p->origin.p);
    if (p->line)
        fprintf(f, ":%u", p->line);
    if (p->text.len) {
        /* one line: the first line of the text, marked when cut */
        const char *nl = memchr(p->text.p, '\n', p->text.len);
        size_t n = nl ? (size_t)(nl - p->text.p) : p->text.len;
        fprintf(f, ": %.*s%s", (int)n, p->text.p, nl ? " ..." : "");
    }
}

void sources_print_text(FILE *f, const ccsig_collect *c, const ccsig_statement *sts, size_t n,
                        const char *indent) {
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%ssource %zu: ", indent, i + 1);
        prov_text(f, &sts[i].src);
        fputc('\n', f);
    }
    if (!c)
        return;
    for (size_t i = 0; i < c->nlinks; i++) {
        const ccsig_link *l = &c->links[i];
        fprintf(f, "%s%s: %.*s (", indent,
                l->kind == CCSIG_LINK_RSL          ? "RSL licence"
                : l->kind == CCSIG_LINK_TDM_POLICY ? "TDM policy"
                                                   : "licence",
                (int)l->url.len, l->url.p);
        prov_text(f, &l->src);
        fputs(")\n", f);
    }
    for (size_t i = 0; i < c->nnotes; i++) {
        const ccsig_note *nt = &c->notes[i];
        fprintf(f, "%snote: %.*s (", indent, (int)nt->message.len, nt->message.p);
        prov_text(f, &nt->src);
        fputs(")\n", f);
    }
    if (c->notes_dropped)
        fprintf(f, "%snote: %zu more notes not shown\n", indent, c->notes_dropped);
}

static char names_buf[CCSIG_COLLECT_MAX_STATEMENTS + 16][32];
static const char *names_ptr[CCSIG_COLLECT_MAX_STATEMENTS + 16];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void names_init(void) {
    for (size_t i = 0; i < CCSIG_COLLECT_MAX_STATEMENTS + 16; i++) {
        snprintf(names_buf[i], sizeof names_buf[i], "source %zu", i + 1);
        names_ptr[i] = names_buf[i];
    }
}

const char *const *sources_names(size_t n) {
    (void)n; /* the table covers every statement a collector can hold */
    pthread_once(&names_once, names_init);
    return names_ptr;
}
