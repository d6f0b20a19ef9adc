/*
 * cmd_declare.c — `ccsig declare`: from one declaration (category, allow or
 * deny, CC signal, paths, agent, party, copyright status) write every
 * artifact a steward publishes: the content usage expression, robots.txt
 * rules (or merge them into an existing robots.txt with --into), the
 * Content-Usage header and the nginx / Apache / Caddy / lighttpd
 * configuration that attaches it, an XMP packet, the human-readable
 * declaration (text, Markdown, HTML) and all of them as one JSON object.
 * --write DIR writes every artifact to files; --interactive asks the
 * questions in plain words for people who do not know the vocabulary.
 */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccsig/arena.h"
#include "ccsig/declare.h"
#include "cli.h"
#include "commands.h"

const char cmd_declare_summary[] =
    "write robots.txt rules, headers, server config and XMP for a CC signal";

/* Output formats: the library's plus json. */
#define FORMAT_JSON CCSIG_DECLARE_FORMAT_COUNT
#define FORMAT_DEFAULT (CCSIG_DECLARE_FORMAT_COUNT + 1)

/* ---- output ---- */

static int print_format(const ccsig_declaration *d, int fmt) {
    ccsig_error err;
    ccsig_buf b = CCSIG_BUF_INIT;
    ccsig_status s;
    if (fmt == FORMAT_JSON) {
        s = ccsig_declare_write_json(d, &b, &err);
    } else if (fmt == FORMAT_DEFAULT) {
        s = ccsig_declare_write(d, CCSIG_DECLARE_EXPRESSION, &b, &err);
        if (!s) {
            ccsig_buf_puts(&b, "\n\n");
            s = ccsig_declare_write(d, CCSIG_DECLARE_ROBOTS, &b, &err);
        }
    } else {
        s = ccsig_declare_write(d, (ccsig_declare_format)fmt, &b, &err);
        if (!s && fmt == CCSIG_DECLARE_EXPRESSION)
            ccsig_buf_putc(&b, '\n');
    }
    if (s) {
        ccsig_buf_free(&b);
        cli_error("declare", "%s", err.message);
        return s == CCSIG_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
    }
    fwrite(b.data, 1, b.len, stdout);
    ccsig_buf_free(&b);
    return EXIT_OK;
}

static bool write_file(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    return ok;
}

#define NFILES (CCSIG_DECLARE_FORMAT_COUNT + 1)
#define JSON_FILE "declaration.json"
/* The most --from reads: a saved declaration with every artifact is a few
 * KiB; this bounds what a wrong file costs. */
#define FROM_LIMIT (4 << 20)

static const char *file_name(int i) {
    return i < CCSIG_DECLARE_FORMAT_COUNT ? ccsig_declare_file_name((ccsig_declare_format)i)
                                          : JSON_FILE;
}

/* How many of the files --write would write exist already in dir. */
static int existing_files(const char *dir) {
    int n = 0;
    char path[4096];
    for (int i = 0; i < NFILES; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, file_name(i));
        if (access(path, F_OK) == 0)
            n++;
    }
    return n;
}

/* Write every artifact into dir; report on out. */
static int write_all(const ccsig_declaration *d, const char *dir, bool force, FILE *out) {
    ccsig_error err;
    if (ccsig_declaration_validate(d, &err)) {
        cli_error("declare", "%s", err.message);
        return EXIT_USAGE;
    }
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (mkdir(dir, 0777) != 0) {
            cli_error("declare", "cannot create directory %s: %s", dir, strerror(errno));
            return EXIT_USAGE;
        }
    } else if (!S_ISDIR(st.st_mode)) {
        cli_error("declare", "%s is not a directory", dir);
        return EXIT_USAGE;
    }
    if (!force && existing_files(dir) > 0) {
        char path[4096];
        for (int i = 0; i < NFILES; i++) {
            snprintf(path, sizeof path, "%s/%s", dir, file_name(i));
            if (access(path, F_OK) == 0) {
                cli_error("declare", "%s exists; nothing written (use --force to overwrite)", path);
                return EXIT_USAGE;
            }
        }
    }
    ccsig_buf b = CCSIG_BUF_INIT;
    char path[4096];
    for (int i = 0; i < NFILES; i++) {
        ccsig_buf_clear(&b);
        if (i < CCSIG_DECLARE_FORMAT_COUNT) {
            if (ccsig_declare_write(d, (ccsig_declare_format)i, &b, &err)) {
                cli_error("declare", "%s", err.message);
                ccsig_buf_free(&b);
                return EXIT_INTERNAL;
            }
            if (i == CCSIG_DECLARE_EXPRESSION)
                ccsig_buf_putc(&b, '\n');
        } else if (ccsig_declare_write_json(d, &b, &err)) {
            cli_error("declare", "%s", err.message);
            ccsig_buf_free(&b);
            return EXIT_INTERNAL;
        }
        snprintf(path, sizeof path, "%s/%s", dir, file_name(i));
        if (!write_file(path, b.data, b.len)) {
            cli_error("declare", "cannot write %s: %s", path, strerror(errno));
            ccsig_buf_free(&b);
            return EXIT_USAGE;
        }
        fprintf(out, "  %s\n", path);
    }
    ccsig_buf_free(&b);
    return EXIT_OK;
}

/* ---- the guided dialogue ---- */

typedef struct dialogue {
    FILE *in, *out;
    bool tty;       /* stdin is a terminal: it echoes the answers itself */
    ccsig_arena *a; /* answers live here */
    ccsig_buf line;
} dialogue;

/* Print the prompt, read one line (trimmed). False at end of input. */
static bool ask(dialogue *g, const char *prompt) {
    fputs(prompt, g->out);
    fflush(g->out);
    if (!cli_getline(g->in, &g->line)) {
        fputc('\n', g->out);
        return false;
    }
    char *s = g->line.data ? g->line.data : (char *)"";
    size_t n = g->line.len;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i) {
        memmove(s, s + i, n - i + 1);
        g->line.len = n - i;
    } else {
        g->line.len = n;
    }
    if (!g->tty)
        fprintf(g->out, "%s\n", ccsig_buf_cstr(&g->line));
    return true;
}

static const char *answer(dialogue *g) {
    return ccsig_buf_cstr(&g->line);
}

static const char *keep(dialogue *g) {
    char *c = ccsig_arena_dup(g->a, answer(g), g->line.len);
    return c ? c : "";
}

static void wrap_out2(FILE *f, const char *first, const char *next, const char *s);

static void sorry(dialogue *g, const char *msg) {
    char line[320];
    snprintf(line, sizeof line, "Sorry: %s. Please try again.", msg);
    wrap_out2(g->out, "   ", "   ", line);
}

/* A numbered choice 1..n (or one of the names). -1 at end of input. */
static int choose(dialogue *g, int n, const char *const *names) {
    for (;;) {
        if (!ask(g, "> "))
            return -1;
        const char *s = answer(g);
        char *end;
        long v = strtol(s, &end, 10);
        if (*s && !*end && v >= 1 && v <= n)
            return (int)v - 1;
        for (int i = 0; names && i < n; i++)
            if (names[i] && !strcmp(s, names[i]))
                return i;
        char msg[64];
        snprintf(msg, sizeof msg, "answer with a number from 1 to %d", n);
        sorry(g, msg);
    }
}

typedef ccsig_status (*checker)(const char *, size_t, const char *, ccsig_error *);

/* A free answer checked by fn; empty allowed when optional. NULL for an
 * empty answer, "" never. *eof at end of input. */
static const char *ask_checked(dialogue *g, const char *prompt, checker fn, bool *eof) {
    for (;;) {
        if (!ask(g, prompt)) {
            *eof = true;
            return NULL;
        }
        if (g->line.len == 0)
            return NULL;
        ccsig_error err;
        if (!fn || fn(answer(g), g->line.len, "answer", &err) == CCSIG_OK)
            return keep(g);
        /* "answer: problem" -> "problem" */
        const char *m = err.message;
        if (!strncmp(m, "answer: ", 8))
            m += 8;
        sorry(g, m);
    }
}

static int dialogue_eof(void) {
    cli_error("declare", "end of input before the dialogue finished; nothing written");
    return EXIT_USAGE;
}

/* Print s wrapped at 76 columns: the first line prefixed with first, the
 * others with next. */
static void wrap_out2(FILE *f, const char *first, const char *next, const char *s) {
    const char *indent = first;
    size_t col = 0, il = strlen(indent);
    const char *p = s;
    bool start = true;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t wl = (size_t)(p - w);
        if (!wl)
            break;
        if (!start && col + 1 + wl > 76) {
            fputc('\n', f);
            indent = next;
            il = strlen(next);
            start = true;
        }
        if (start) {
            fputs(indent, f);
            col = il;
            start = false;
        } else {
            fputc(' ', f);
            col++;
        }
        fwrite(w, 1, wl, f);
        col += wl;
    }
    fputc('\n', f);
}

static void wrap_out(FILE *f, const char *indent, const char *s) {
    wrap_out2(f, indent, indent, s);
}

/* Print question number *q (then count it) with its text wrapped. */
static void question(FILE *o, int *q, const char *text) {
    char num[16];
    snprintf(num, sizeof num, "%d. ", (*q)++);
    char pad[16];
    snprintf(pad, sizeof pad, "%*s", (int)strlen(num), "");
    fputc('\n', o);
    wrap_out2(o, num, pad, text);
}

static int interactive(ccsig_declaration *d, ccsig_arena *a) {
    int q = 1;
    dialogue g = {stdin, stdout, cli_isatty(stdin), a, CCSIG_BUF_INIT};
    FILE *o = g.out;
    bool eof = false;
    int rc = EXIT_OK;
    fprintf(o, "ccsig declare: state how machines may use your collection.\n"
               "Answer each question and press Enter. Ctrl-D stops; nothing is written until "
               "the end.\n");

    question(o, &q,
             "What is the collection? A short name, for example \"Digitised newspapers, "
             "1850-1950\". Press Enter to skip.");
    d->collection = ask_checked(&g, "> ", ccsig_declare_check_name, &eof);
    if (eof)
        goto eof;

    question(o, &q,
             "Where is it on your website? Give the path where it starts, for example "
             "/newspapers/ for https://example.org/newspapers/. Press Enter alone for the whole "
             "website; after a path, give another one or press Enter to finish.");
    for (;;) {
        const char *p = ask_checked(&g, "path> ", ccsig_declare_check_path, &eof);
        if (eof)
            goto eof;
        if (!p)
            break;
        d->paths[d->npaths++] = p;
        ccsig_error err;
        ccsig_declaration t = *d;
        t.use = CCSIG_CAT_TRAIN_AI;
        t.state = CCSIG_STATE_DENY;
        t.signal = CCSIG_SIGNAL_NONE;
        if (ccsig_declaration_validate(&t, &err) != CCSIG_OK) {
            d->npaths--;
            const char *m = strchr(err.message, ':');
            sorry(&g, m ? m + 2 : err.message);
            continue;
        }
        if (d->npaths == CCSIG_DECLARE_MAX_PATHS)
            break;
    }

    question(o, &q, "Which use by machines is this about?");
    static const char *const cat_names[] = {"automated-processing", "train-ai", "train-genai",
                                            "ai-use", "search"};
    for (int c = 0; c < CCSIG_CAT_COUNT; c++) {
        char line[600];
        snprintf(line, sizeof line, "%s: %s.", ccsig_category_title((ccsig_category)c),
                 ccsig_category_description((ccsig_category)c));
        char num[16];
        snprintf(num, sizeof num, "   %d) ", c + 1);
        wrap_out2(o, num, "      ", line);
    }
    int c = choose(&g, CCSIG_CAT_COUNT, cat_names);
    if (c < 0)
        goto eof;
    d->use = (ccsig_category)c;
    const char *title = ccsig_category_title(d->use);

    char qt[200];
    snprintf(qt, sizeof qt, "May machines use the collection for %s?", title);
    question(o, &q, qt);
    fprintf(o, "   1) Yes, freely.\n"
               "   2) Yes, on terms: they must at least give credit (a CC signal).\n"
               "   3) No.\n");
    static const char *const yn[] = {"yes", "terms", "no"};
    int ans = choose(&g, 3, yn);
    if (ans < 0)
        goto eof;
    d->state = ans == 0 ? CCSIG_STATE_ALLOW : CCSIG_STATE_DENY;
    d->signal = CCSIG_SIGNAL_NONE;
    if (ans == 1) {
        question(o, &q, "On which terms? (the CC signals, version 0.1)");
        for (int s = 1; s < CCSIG_SIGNAL_COUNT; s++) {
            fprintf(o, "   %d) %s\n", s, ccsig_signal_title((ccsig_signal)s));
            unsigned cond = ccsig_signal_conditions((ccsig_signal)s);
            for (unsigned bit = 1; bit && bit <= cond; bit <<= 1)
                if (cond & bit)
                    wrap_out(o, "      ", ccsig_condition_terms(bit));
        }
        static const char *const sn[] = {"cr", "cr-dc", "cr-ec", "cr-op"};
        int s = choose(&g, 4, sn);
        if (s < 0)
            goto eof;
        d->signal = (ccsig_signal)(s + 1);
    }

    question(o, &q, "Do you hold the copyright in the content?");
    fprintf(o, "   1) Yes, or I am authorised to act for those who do.\n"
               "   2) No: others hold it, or no one does.\n"
               "   3) For some of it.\n"
               "   4) I do not know, or prefer not to say.\n");
    static const char *const cn[] = {"holder", "not-holder", "mixed", "unstated"};
    int cr = choose(&g, 4, cn);
    if (cr < 0)
        goto eof;
    static const ccsig_copyright cmap[] = {CCSIG_COPYRIGHT_HOLDER, CCSIG_COPYRIGHT_NOT_HOLDER,
                                           CCSIG_COPYRIGHT_MIXED, CCSIG_COPYRIGHT_UNSTATED};
    d->copyright = cmap[cr];
    question(o, &q,
             "Who makes this declaration? Your name or your organisation's, as reusers "
             "should credit it. Press Enter to skip.");
    d->party_name = ask_checked(&g, "> ", ccsig_declare_check_name, &eof);
    if (eof)
        goto eof;
    question(o, &q, "Your web address, for credit links (https://...). Press Enter to skip.");
    d->party_url = ask_checked(&g, "> ", ccsig_declare_check_url, &eof);
    if (eof)
        goto eof;
    question(o, &q,
             "Which crawlers should the robots.txt rules address? Press Enter for all of "
             "them, or give one crawler's name (its robots.txt product token, for example "
             "ExampleBot).");
    d->agent = ask_checked(&g, "> ", ccsig_declare_check_agent, &eof);
    if (eof)
        goto eof;
    question(o, &q,
             "Where will you publish this declaration (its web address)? Embedded metadata "
             "will point to it. Press Enter to skip.");
    d->policy_url = ask_checked(&g, "> ", ccsig_declare_check_url, &eof);
    if (eof)
        goto eof;

    ccsig_error err;
    if (ccsig_declaration_validate(d, &err)) {
        cli_error("declare", "%s", err.message);
        rc = EXIT_USAGE;
        goto done;
    }
    fprintf(o, "\nHere is your declaration.\n\n");
    fflush(o);
    rc = print_format(d, CCSIG_DECLARE_TEXT);
    if (rc)
        goto done;
    if (d->signal == CCSIG_SIGNAL_CR_DC && !d->party_url)
        fprintf(o, "\nNote: the terms ask reusers to support you directly, but you gave no web\n"
                   "address where they can reach you.\n");

    fprintf(o, "\nWrite the files (this declaration as text, Markdown, HTML and JSON, the\n"
               "robots.txt lines, the header, nginx, Apache, Caddy and lighttpd configuration,\n"
               "an XMP packet for embedding, and Croissant, dataset card and datapackage.json\n"
               "metadata) into a directory? Give the directory, or press Enter to finish\n"
               "without writing.\n");
    bool force = false;
    const char *dir;
    for (;;) {
        if (!ask(&g, "directory> "))
            goto eof;
        if (g.line.len == 0) {
            fprintf(o, "Nothing written.\n");
            goto done;
        }
        dir = keep(&g);
        int n = existing_files(dir);
        if (n == 0)
            break;
        fprintf(o, "   %d of the files exist in %s. Overwrite them? (yes/no)\n", n, dir);
        if (!ask(&g, "> "))
            goto eof;
        if (!strcmp(answer(&g), "yes") || !strcmp(answer(&g), "y")) {
            force = true;
            break;
        }
    }
    fprintf(o, "Writing:\n");
    rc = write_all(d, dir, force, o);
    if (rc == EXIT_OK)
        fprintf(o, "Done. Publish the robots.txt lines at the root of your website, add the\n"
                   "server configuration, and put the declaration where people can read it.\n");
    goto done;
eof:
    rc = dialogue_eof();
done:
    ccsig_buf_free(&g.line);
    return rc;
}

/* ---- --into: merge into an existing robots.txt ---- */

/* FILE.bak, or FILE.bak.1, .2, ... when it exists: an older backup is never
 * overwritten. */
static bool backup_name(const char *file, char *out, size_t n) {
    snprintf(out, n, "%s.bak", file);
    for (int i = 1; access(out, F_OK) == 0; i++) {
        if (i > 999)
            return false;
        snprintf(out, n, "%s.bak.%d", file, i);
    }
    return true;
}

/* What to do about named groups the rules for `*` do not reach. */
typedef enum groups_choice {
    GROUPS_ASK = 0, /* neither option: ask when a person is there */
    GROUPS_ALL,     /* --all-groups */
    GROUPS_NOTE     /* --no-all-groups: only the note */
} groups_choice;

/* Whether to ask "Add the rules to these groups?": only when neither option
 * chose, the merge left agents out, and both stdin (the answer) and stderr
 * (the question) are a terminal. */
static bool should_ask(groups_choice choice, unsigned uncovered, bool stdin_tty, bool stderr_tty) {
    return choice == GROUPS_ASK && uncovered > 0 && stdin_tty && stderr_tty;
}

/* Ask on stderr, read one line from stdin: true for y or yes (any case);
 * anything else, or end of input, is no. */
static bool ask_add_groups(void) {
    fputs("Add the rules to these groups? [y/N] ", stderr);
    fflush(stderr);
    ccsig_buf line = CCSIG_BUF_INIT;
    bool yes = false;
    if (cli_getline(stdin, &line)) {
        const char *a = ccsig_buf_cstr(&line);
        while (*a == ' ' || *a == '\t')
            a++;
        size_t n = strlen(a);
        while (n && (a[n - 1] == ' ' || a[n - 1] == '\t' || a[n - 1] == '\r'))
            n--;
        yes = (n == 1 && (a[0] == 'y' || a[0] == 'Y')) || (n == 3 && !strncasecmp(a, "yes", 3));
    } else {
        fputc('\n', stderr);
    }
    ccsig_buf_free(&line);
    return yes;
}

static int merge_into(const ccsig_declaration *d, const char *file, bool dry_run,
                      groups_choice groups) {
    if (!strcmp(file, "-"))
        return cli_usage_error("declare", "--into needs a file to change, not standard input");
    struct stat st;
    if (stat(file, &st) != 0) {
        cli_error("declare", "cannot read %s: %s", file, strerror(errno));
        return EXIT_USAGE;
    }
    if (!S_ISREG(st.st_mode)) {
        cli_error("declare", "%s is not a regular file", file);
        return EXIT_USAGE;
    }
    /* A symbolic link is followed: the file it names is changed (and backed
     * up beside it), the link stays a link. */
    char *real = realpath(file, NULL);
    if (!real) {
        cli_error("declare", "cannot resolve %s: %s", file, strerror(errno));
        return EXIT_USAGE;
    }
    const char *target = real;
    size_t len = 0;
    char *old = cli_read_file(target, 0, &len);
    if (!old) {
        cli_error("declare", "cannot read %s: %s", file, strerror(errno));
        free(real);
        return EXIT_USAGE;
    }
    ccsig_declare_merge *m = malloc(sizeof *m);
    if (!m) {
        free(old);
        free(real);
        cli_error("declare", "out of memory");
        return EXIT_INTERNAL;
    }
    ccsig_error err;
    int rc = EXIT_OK;
    unsigned flags = groups == GROUPS_ALL ? CCSIG_DECLARE_MERGE_ALL_GROUPS : 0;
    size_t shown = 0; /* notes printed */
    ccsig_status s = ccsig_declare_robots_merge_opts(d, old, len, flags, m, &err);
    if (s == CCSIG_OK && should_ask(groups, m->uncovered, cli_isatty(stdin), cli_isatty(stderr))) {
        for (size_t i = 0; i < m->nnotes; i++)
            fprintf(stderr, "ccsig declare: note: %s\n", m->notes[i]);
        if (!ask_add_groups()) {
            shown = m->nnotes; /* printed already */
        } else {
            ccsig_declare_merge_free(m);
            s = ccsig_declare_robots_merge_opts(d, old, len, CCSIG_DECLARE_MERGE_ALL_GROUPS, m,
                                                &err);
        }
    }
    for (size_t i = shown; i < m->nnotes; i++)
        fprintf(stderr, "ccsig declare: note: %s\n", m->notes[i]);
    if (s == CCSIG_ERR_RANGE) {
        if (m->reason_line)
            cli_error("declare", "%s:%u: refused: %s", file, m->reason_line, m->reason);
        else
            cli_error("declare", "%s: refused: %s", file, m->reason);
        fprintf(stderr, "ccsig declare: %s is unchanged\n", file);
        rc = EXIT_NOT_PERMITTED;
        goto out;
    }
    if (s) {
        cli_error("declare", "%s", err.message);
        rc = s == CCSIG_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
        goto out;
    }
    if (m->unchanged) {
        printf("%s already has these rules; nothing to do.\n", file);
        goto out;
    }
    ccsig_buf diff = CCSIG_BUF_INIT;
    char newname[4200];
    snprintf(newname, sizeof newname, "%s (with ccsig declare)", file);
    ccsig_declare_merge_diff(m, old, len, file, newname, &diff);
    fwrite(diff.data, 1, diff.len, stdout);
    ccsig_buf_free(&diff);
    fflush(stdout);
    fprintf(stderr,
            "ccsig declare: checked %u agents x %u URLs: every other rule answers as before%s\n",
            m->agents, m->urls,
            m->carried ? "; shorter rules the new paths would shadow are repeated on them" : "");
    if (dry_run) {
        fprintf(stderr, "ccsig declare: dry run: %s not written\n", file);
        goto out;
    }
    char bak[4200];
    if (!backup_name(target, bak, sizeof bak) ||
        !cli_write_atomic(bak, old, len, st.st_mode & 07777)) {
        cli_error("declare", "cannot write the backup %s: %s; %s is unchanged", bak,
                  strerror(errno), file);
        rc = EXIT_USAGE;
        goto out;
    }
    if (!cli_write_atomic(target, m->text.data, m->text.len, st.st_mode & 07777)) {
        cli_error("declare", "cannot write %s: %s (the backup is %s)", file, strerror(errno), bak);
        rc = EXIT_USAGE;
        goto out;
    }
    fprintf(stderr, "ccsig declare: wrote %s (the old file is %s)\n", target, bak);
out:
    ccsig_declare_merge_free(m);
    free(m);
    free(old);
    free(real);
    return rc;
}

/* ---- options ---- */

enum {
    OPT_USE = 256,
    OPT_SIGNAL,
    OPT_ALLOW,
    OPT_PATH,
    OPT_AGENT,
    OPT_COLLECTION,
    OPT_PARTY,
    OPT_PARTY_URL,
    OPT_POLICY_URL,
    OPT_COPYRIGHT,
    OPT_FORMAT,
    OPT_INTO,
    OPT_DRY_RUN,
    OPT_WRITE,
    OPT_FORCE,
    OPT_FROM,
    OPT_INTERACTIVE,
    OPT_ALL_GROUPS,
    OPT_NO_ALL_GROUPS,
};

/* Check one option value with a library checker; print a usage error. */
static bool check_opt(const char *opt, const char *v, checker fn) {
    char what[64];
    snprintf(what, sizeof what, "%s", opt);
    ccsig_error err;
    if (fn(v, strlen(v), what, &err) == CCSIG_OK)
        return true;
    const char *m = err.message + strlen(what);
    if (*m == ':')
        m += 2;
    cli_usage_error("declare", "%s '%s': %s", opt, v, m);
    return false;
}

static const cli_option options[] = {
    {"use", 0, OPT_USE, CLI_VAL_CATEGORY, "CATEGORY", NULL, CLI_REPEAT,
     "automated-processing, train-ai, train-genai, ai-use, search\n"
     "(repeatable: each --use takes the --signal or --allow\n"
     "that follow it)",
     0},
    {"signal", 0, OPT_SIGNAL, CLI_VAL_SIGNAL, "S", NULL, CLI_REPEAT,
     "deny unless the reuser meets a CC signal: cr (credit),\n"
     "cr-dc (+ direct contribution), cr-ec (+ ecosystem\n"
     "contribution), cr-op (+ open); none = plain deny",
     0},
    {"allow", 0, OPT_ALLOW, CLI_VAL_NONE, NULL, NULL, CLI_REPEAT,
     "allow the use instead (no signal)", 0},
    {"path", 0, OPT_PATH, CLI_VAL_TEXT, "PREFIX", NULL, CLI_REPEAT,
     "a URL path prefix the declaration covers (repeatable;\n"
     "default: the whole site)",
     0},
    {"agent", 0, OPT_AGENT, CLI_VAL_TEXT, "UA", NULL, 0,
     "robots.txt product token to address (default: *)", 0},
    {"collection", 0, OPT_COLLECTION, CLI_VAL_TEXT, "NAME", NULL, 0,
     "what the collection is, in a few words", 0},
    {"party", 0, OPT_PARTY, CLI_VAL_TEXT, "NAME", NULL, 0, "who declares (the name reusers credit)",
     0},
    {"party-url", 0, OPT_PARTY_URL, CLI_VAL_URL, "URL", NULL, 0,
     "the party's web address (the credit link)", 0},
    {"policy-url", 0, OPT_POLICY_URL, CLI_VAL_URL, "URL", NULL, 0,
     "where the human-readable declaration is published", 0},
    {"copyright", 0, OPT_COPYRIGHT, CLI_VAL_WORDS, "STATUS", "holder not-holder mixed", 0,
     "holder, not-holder or mixed", 0},
    {"format", 0, OPT_FORMAT, CLI_VAL_DECLARE_FORMAT, "FORMAT", NULL, CLI_ONCE,
     "expression, robots, header, nginx, apache, caddy,\n"
     "lighttpd, xmp, text, markdown, html, croissant,\n"
     "dataset-card, datapackage, json\n"
     "(default: the expression and the robots.txt rules)",
     0},
    {"into", 0, OPT_INTO, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "merge the robots.txt rules into FILE: show the diff, keep\n"
     "FILE.bak, refuse if any other rule would change",
     0},
    {"dry-run", 0, OPT_DRY_RUN, CLI_VAL_NONE, NULL, NULL, 0,
     "with --into: show the diff, write nothing", 0},
    {"all-groups", 0, OPT_ALL_GROUPS, CLI_VAL_NONE, NULL, NULL, 0,
     "with --into: also add the rules to the named groups\n"
     "(Googlebot, GPTBot, ...) the rules for * do not reach",
     0},
    {"no-all-groups", 0, OPT_NO_ALL_GROUPS, CLI_VAL_NONE, NULL, NULL, 0,
     "with --into: only name those groups (default when\n"
     "not asked on a terminal)",
     0},
    {"write", 0, OPT_WRITE, CLI_VAL_DIR, "DIR", NULL, CLI_ONCE,
     "write every format to files in DIR", 0},
    {"force", 0, OPT_FORCE, CLI_VAL_NONE, NULL, NULL, 0, "with --write: overwrite existing files",
     0},
    {"from", 0, OPT_FROM, CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "start from a declaration saved with --format json (- = stdin)", 0},
    {"interactive", 0, OPT_INTERACTIVE, CLI_VAL_NONE, NULL, NULL, 0,
     "answer questions instead of giving options", 0},
    {0},
};

const cli_spec cmd_declare_cli = {
    .name = "declare",
    .synopsis = "usage: ccsig declare --use CATEGORY --signal cr|cr-dc|cr-ec|cr-op|none [--allow]\n"
                "                     [--path PREFIX]... [--agent UA] [--collection NAME]\n"
                "                     [--party NAME] [--party-url URL] [--policy-url URL]\n"
                "                     [--copyright holder|not-holder|mixed] [--format FORMAT]\n"
                "                     [--into robots.txt [--dry-run] [--[no-]all-groups]]\n"
                "                     [--write DIR [--force]]\n"
                "       ccsig declare --use CATEGORY --signal S|--allow [--use CATEGORY\n"
                "                     --signal S|--allow]... [options]\n"
                "       ccsig declare --from declaration.json [options]\n"
                "       ccsig declare --interactive\n\n"
                "Write what a steward publishes to state how machines may use a collection.\n\n",
    .options = options,
    .column = 23,
    .epilog = "\nExit status: 0 written, 1 --into refused (the merge would change other rules),\n"
              "2 bad usage or unreadable input, 3 internal error.\n",
    .operand = CLI_VAL_NONE,
};

/* One --use and the --signal / --allow that follow it (those given before
 * the first --use belong to the first entry, as when the order did not
 * matter). */
typedef struct use_opt {
    ccsig_category use;
    bool have_signal, allow;
    ccsig_signal signal;
} use_opt;

/* The name of entry i in messages: "--use train-ai", or "the first --use"
 * while no --use was given yet. */
static const char *entry_name(const use_opt *u, size_t nuse, char *buf, size_t n) {
    if (!nuse)
        return "the first --use";
    snprintf(buf, n, "--use %s", ccsig_category_name(u->use));
    return buf;
}

/* Check the entries given on the command line and put them into d (after
 * any it has); exit status, EXIT_OK when they are complete. */
static int apply_uses(const use_opt *u, size_t n, ccsig_declaration *d) {
    for (size_t i = 0; i < n; i++) {
        char name[64];
        entry_name(&u[i], 1, name, sizeof name);
        if (u[i].allow && u[i].have_signal && u[i].signal != CCSIG_SIGNAL_NONE) {
            if (n == 1)
                return cli_usage_error("declare",
                                       "--allow with --signal %s: a CC signal lifts a deny, on an "
                                       "allow it means nothing (drop --allow to deny unless the "
                                       "signal's terms are met)",
                                       ccsig_signal_short(u[i].signal));
            return cli_usage_error("declare",
                                   "%s has --allow and --signal %s: a CC signal lifts a deny, on "
                                   "an allow it means nothing (give one of them after it)",
                                   name, ccsig_signal_short(u[i].signal));
        }
        if (!u[i].allow && !u[i].have_signal) {
            if (n == 1)
                return cli_usage_error("declare",
                                       "--signal is required when denying: cr, cr-dc, cr-ec or "
                                       "cr-op to deny unless the reuser meets a CC signal, none "
                                       "for a plain deny (or --allow to allow)");
            return cli_usage_error("declare",
                                   "%s has no --signal or --allow: give --signal cr, cr-dc, "
                                   "cr-ec, cr-op or none, or --allow, after it",
                                   name);
        }
        ccsig_error err;
        ccsig_state st = u[i].allow ? CCSIG_STATE_ALLOW : CCSIG_STATE_DENY;
        if (ccsig_declare_add_use(d, u[i].use, st, u[i].allow ? CCSIG_SIGNAL_NONE : u[i].signal,
                                  &err))
            return cli_usage_error("declare", "%s", err.message);
    }
    return EXIT_OK;
}

int cmd_declare(int argc, char **argv) {
    ccsig_declaration d;
    ccsig_declaration_init(&d);
    bool dry_run = false, force = false;
    groups_choice groups = GROUPS_ASK;
    bool interactive_mode = false, declared = false;
    int fmt = FORMAT_DEFAULT;
    const char *into = NULL, *write_dir = NULL, *from = NULL;
    const char *paths[CCSIG_DECLARE_MAX_PATHS];
    size_t npaths = 0;
    bool agent_set = false, coll_set = false, party_set = false, party_url_set = false,
         policy_set = false, copyright_set = false;
    const char *agent = NULL, *coll = NULL, *party = NULL, *party_url = NULL, *policy = NULL;
    ccsig_copyright copyright = CCSIG_COPYRIGHT_UNSTATED;
    use_opt uses[CCSIG_DECLARE_MAX_USES];
    memset(uses, 0, sizeof uses);
    size_t nuse = 0, cur = 0; /* entries given; the one options attach to */
    bool have_choice = false; /* some --signal or --allow */
    int c;
    cli_parser cp;
    cli_parser_init(&cp, &cmd_declare_cli, argc, argv, 1);
    while ((c = cli_next(&cp)) > 0) {
        if (c != 'h' && c != OPT_FORMAT && c != OPT_INTO && c != OPT_DRY_RUN && c != OPT_WRITE &&
            c != OPT_FORCE && c != OPT_FROM && c != OPT_INTERACTIVE && c != OPT_ALL_GROUPS &&
            c != OPT_NO_ALL_GROUPS)
            declared = true;
        switch (c) {
        case OPT_USE: {
            ccsig_category use;
            if (!cli_parse_use("declare", optarg, &use))
                return EXIT_USAGE;
            for (size_t i = 0; i < nuse; i++)
                if (uses[i].use == use)
                    return cli_usage_error("declare",
                                           "--use %s is given twice: declare each category once, "
                                           "with its own --signal or --allow after it",
                                           optarg);
            if (nuse == CCSIG_DECLARE_MAX_USES)
                return cli_usage_error("declare", "more than %u --use options",
                                       CCSIG_DECLARE_MAX_USES);
            cur = nuse++;
            uses[cur].use = use;
            break;
        }
        case OPT_SIGNAL: {
            ccsig_signal signal;
            if (!ccsig_signal_from_short(optarg, strlen(optarg), &signal))
                return cli_usage_error("declare",
                                       "unknown signal '%s' for --signal (expected cr, cr-dc, "
                                       "cr-ec, cr-op or none)",
                                       optarg);
            if (uses[cur].have_signal && uses[cur].signal != signal) {
                char name[64];
                return cli_usage_error("declare",
                                       "%s has two signals, --signal %s and --signal %s: give one",
                                       entry_name(&uses[cur], nuse, name, sizeof name),
                                       ccsig_signal_short(uses[cur].signal), optarg);
            }
            uses[cur].signal = signal;
            uses[cur].have_signal = true;
            have_choice = true;
            break;
        }
        case OPT_ALLOW:
            uses[cur].allow = true;
            have_choice = true;
            break;
        case OPT_PATH:
            if (npaths == CCSIG_DECLARE_MAX_PATHS)
                return cli_usage_error("declare", "more than %u --path options",
                                       CCSIG_DECLARE_MAX_PATHS);
            if (!check_opt("--path", optarg, ccsig_declare_check_path))
                return EXIT_USAGE;
            paths[npaths++] = optarg;
            break;
        case OPT_AGENT:
            if (!check_opt("--agent", optarg, ccsig_declare_check_agent))
                return EXIT_USAGE;
            agent = optarg;
            agent_set = true;
            break;
        case OPT_COLLECTION:
            if (!check_opt("--collection", optarg, ccsig_declare_check_name))
                return EXIT_USAGE;
            coll = optarg;
            coll_set = true;
            break;
        case OPT_PARTY:
            if (!check_opt("--party", optarg, ccsig_declare_check_name))
                return EXIT_USAGE;
            party = optarg;
            party_set = true;
            break;
        case OPT_PARTY_URL:
            if (!check_opt("--party-url", optarg, ccsig_declare_check_url))
                return EXIT_USAGE;
            party_url = optarg;
            party_url_set = true;
            break;
        case OPT_POLICY_URL:
            if (!check_opt("--policy-url", optarg, ccsig_declare_check_url))
                return EXIT_USAGE;
            policy = optarg;
            policy_set = true;
            break;
        case OPT_COPYRIGHT:
            if (!ccsig_copyright_parse(optarg, strlen(optarg), &copyright))
                return cli_usage_error("declare",
                                       "unknown copyright status '%s' for --copyright "
                                       "(expected holder, not-holder or mixed)",
                                       optarg);
            copyright_set = true;
            break;
        case OPT_FORMAT: {
            ccsig_declare_format f;
            if (!strcmp(optarg, "json"))
                fmt = FORMAT_JSON;
            else if (ccsig_declare_format_parse(optarg, strlen(optarg), &f))
                fmt = (int)f;
            else
                return cli_usage_error("declare",
                                       "unknown format '%s' for --format (expected expression, "
                                       "robots, header, nginx, apache, caddy, lighttpd, xmp, "
                                       "text, markdown, html, croissant, dataset-card, "
                                       "datapackage or json)",
                                       optarg);
            break;
        }
        case OPT_INTO:
            into = optarg;
            break;
        case OPT_DRY_RUN:
            dry_run = true;
            break;
        case OPT_ALL_GROUPS:
        case OPT_NO_ALL_GROUPS: {
            groups_choice ch = c == OPT_ALL_GROUPS ? GROUPS_ALL : GROUPS_NOTE;
            if (groups != GROUPS_ASK && groups != ch)
                return cli_usage_error("declare", "--all-groups and --no-all-groups: give one");
            groups = ch;
            break;
        }
        case OPT_WRITE:
            write_dir = optarg;
            break;
        case OPT_FORCE:
            force = true;
            break;
        case OPT_FROM:
            from = optarg;
            break;
        case OPT_INTERACTIVE:
            interactive_mode = true;
            break;
        }
    }
    if (c < 0)
        return cp.rc;
    if (optind < argc)
        return cli_usage_error("declare", "unexpected argument '%s'", argv[optind]);

    if (interactive_mode) {
        if (declared || from || into || write_dir || fmt != FORMAT_DEFAULT || groups != GROUPS_ASK)
            return cli_usage_error("declare", "--interactive asks for everything itself; give it "
                                              "no other option");
        ccsig_arena a;
        ccsig_arena_init(&a, 0);
        int rc = interactive(&d, &a);
        ccsig_arena_free(&a);
        return rc;
    }

    /* --from: the declaration's strings live in this arena until the end. */
    ccsig_arena saved;
    ccsig_arena_init(&saved, 0);
    if (from) {
        const char *name = strcmp(from, "-") ? from : "<stdin>";
        size_t len;
        char *text = cli_read_file(from, FROM_LIMIT, &len);
        if (!text) {
            if (errno == EFBIG)
                cli_error("declare", "cannot read '%s': larger than %d bytes", from, FROM_LIMIT);
            else
                cli_error("declare", "cannot read '%s': unable to open %s: %s", from, name,
                          strerror(errno));
            ccsig_arena_free(&saved);
            return EXIT_USAGE;
        }
        ccsig_error rerr;
        ccsig_status rs = ccsig_declare_read_json(&saved, text, len, &d, &rerr);
        free(text);
        if (rs) {
            if (rerr.line) /* not JSON: where jansson stopped */
                cli_error("declare", "%s:%u:%u: %s", name, rerr.line, rerr.column, rerr.message);
            else
                cli_error("declare", "%s: %s", from, rerr.message);
            ccsig_arena_free(&saved);
            return rs == CCSIG_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
        }
        /* One --use replaces the saved categories, keeping the saved choice
         * of the first unless --signal or --allow changes it; several --use
         * replace them with their own choices. */
        if (nuse == 1 || (nuse == 0 && have_choice)) {
            if (nuse == 0 && d.nmore > 0) {
                ccsig_arena_free(&saved);
                return cli_usage_error("declare",
                                       "%s declares %zu categories: give --use before --signal "
                                       "or --allow to say which",
                                       from, d.nmore + 1);
            }
            if (nuse)
                d.use = uses[0].use;
            d.nmore = 0;
            if (uses[0].allow) {
                d.state = CCSIG_STATE_ALLOW;
                d.signal = CCSIG_SIGNAL_NONE;
            }
            if (uses[0].have_signal) {
                d.signal = uses[0].signal;
                if (!uses[0].allow)
                    d.state = CCSIG_STATE_DENY;
            }
        } else if (nuse > 1) {
            d.use = CCSIG_CAT_NONE;
            d.nmore = 0;
            int urc = apply_uses(uses, nuse, &d);
            if (urc) {
                ccsig_arena_free(&saved);
                return urc;
            }
        }
    } else {
        if (!nuse) {
            return cli_usage_error("declare",
                                   "--use is required: the category of use to declare "
                                   "(automated-processing, train-ai, train-genai, ai-use or "
                                   "search), or --interactive");
        }
        int urc = apply_uses(uses, nuse, &d);
        if (urc)
            return urc;
    }
    if (npaths) {
        memcpy(d.paths, paths, npaths * sizeof paths[0]);
        d.npaths = npaths;
    }
    if (agent_set)
        d.agent = agent;
    if (coll_set)
        d.collection = coll;
    if (party_set)
        d.party_name = party;
    if (party_url_set)
        d.party_url = party_url;
    if (policy_set)
        d.policy_url = policy;
    if (copyright_set)
        d.copyright = copyright;

    int rc;
    ccsig_error err;
    if (ccsig_declaration_validate(&d, &err)) {
        rc = cli_usage_error("declare", "%s", err.message);
        goto out;
    }
    ccsig_declare_use du[CCSIG_DECLARE_MAX_USES];
    bool cr_dc = false;
    for (size_t i = 0, n = ccsig_declare_uses(&d, du); i < n; i++)
        cr_dc |= du[i].state == CCSIG_STATE_DENY && du[i].signal == CCSIG_SIGNAL_CR_DC;
    if (cr_dc && !d.party_url)
        fprintf(stderr, "ccsig declare: note: cr-dc asks reusers to support you directly; "
                        "give --party and --party-url so they can reach you\n");
    if (dry_run && !into) {
        rc = cli_usage_error("declare", "--dry-run goes with --into");
        goto out;
    }
    if (groups != GROUPS_ASK && !into) {
        rc = cli_usage_error("declare", "--%s goes with --into",
                             groups == GROUPS_ALL ? "all-groups" : "no-all-groups");
        goto out;
    }
    if (groups == GROUPS_ALL && d.agent && strcmp(d.agent, "*")) {
        rc = cli_usage_error("declare",
                             "--all-groups adds the rules for * to the named groups; with "
                             "--agent %s the rules go to that agent's group",
                             d.agent);
        goto out;
    }
    if (force && !write_dir) {
        rc = cli_usage_error("declare", "--force goes with --write");
        goto out;
    }
    if (into) {
        if (write_dir || (fmt != FORMAT_DEFAULT && fmt != CCSIG_DECLARE_ROBOTS)) {
            rc = cli_usage_error("declare", "--into merges the robots.txt rules; it takes no "
                                            "--format or --write");
            goto out;
        }
        rc = merge_into(&d, into, dry_run, groups);
        goto out;
    }
    if (write_dir) {
        if (fmt != FORMAT_DEFAULT) {
            rc = cli_usage_error("declare", "--write writes every format; it takes no --format");
            goto out;
        }
        printf("Wrote:\n");
        rc = write_all(&d, write_dir, force, stdout);
        goto out;
    }
    rc = print_format(&d, fmt);
out:
    ccsig_arena_free(&saved);
    return rc;
}
