/*
 * cmd_rag.c — `ccsig rag QUESTION (--dir DIR | --warc FILE | --gateway URL
 * --key KEY) [--llm URL]`: a retrieval-augmented answer that uses only what
 * the reuser's profile may use for the use (ai-use by default), credits
 * every source it quotes, and lists what it withheld and why.
 *
 * Deciding is the library's (ccsig_evaluate through cite_sources.c, or the
 * gateway's own decision), and so are ranking (ccsig_passages_rank),
 * composing (ccsig_rag_write, ccsig_rag_withheld) and checking the model's
 * reply (ccsig_credit_verify). Text is taken out of HTML and Markdown by the
 * library's extractor (ccsig_text_extract, ccsig/text.h), the one the
 * gateway's search uses too.
 * This file reads the collection, talks HTTP to the gateway and the model
 * (libcurl) and prints.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccsig/alloc.h"
#include "ccsig/attribution.h"
#include "ccsig/text.h"
#include "ccsig/warc.h"
#include "cite_sources.h"
#include "cli.h"
#include "commands.h"

const char cmd_rag_summary[] = "answer a question from a collection, crediting every source used";

/* Passages an answer quotes at most, and the collection read at most. */
#define RAG_MAX_TOP 50
#define RAG_MAX_DOCS 100000
/* Largest reply read from the gateway or the model. */
#define RAG_MAX_REPLY (8u * 1024u * 1024u)

static const cli_option options[] = {
    {"dir", 'd', 'd', CLI_VAL_DIR, "DIR", NULL, CLI_ONCE,
     "the collection: the text files (HTML, Markdown, text) under DIR", 0},
    {"warc", 'w', 'w', CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "the collection: the responses in a WARC file (a `ccsig scan\n"
     "--keep` archive)",
     0},
    {"gateway", 'g', 'g', CLI_VAL_URL, "URL", NULL, CLI_ONCE,
     "the collection: a `ccsig serve` gateway's search API", 0},
    {"key", 'k', 'k', CLI_VAL_TEXT, "KEY", NULL, CLI_ONCE, "the gateway key (ccsig_...)", 0},
    {"base", 0, 'b', CLI_VAL_URL, "URL", NULL, CLI_ONCE,
     "with --dir: the address DIR is published under", 0},
    {"robots", 0, 'R', CLI_VAL_FILE, "FILE", NULL, CLI_ONCE,
     "with --dir: the site's robots.txt (needs --base)", 0},
    {"format", 'f', 'f', CLI_VAL_WORDS, "F", "text markdown html", CLI_ONCE,
     "text (default), markdown or html", 0},
    {"top", 'n', 'n', CLI_VAL_TEXT, "N", NULL, CLI_ONCE,
     "quote at most N passages (default 5, at most 50)", 0},
    {"llm", 0, 'l', CLI_VAL_URL, "URL", NULL, CLI_ONCE,
     "an OpenAI-compatible chat completions endpoint\n"
     "(.../v1/chat/completions) that writes the answer",
     0},
    {"model", 0, 'm', CLI_VAL_TEXT, "NAME", NULL, CLI_ONCE, "the model to ask (with --llm)", 0},
    CITE_OPT_AGENT('a'),
    CLI_OPT_USE('u'),
    CLI_OPT_COMMIT('c'),
    CLI_OPT_PURPOSE('p'),
    {0},
};

const cli_spec cmd_rag_cli = {
    .name = "rag",
    .synopsis = "usage: ccsig rag (--dir DIR [--base URL [--robots FILE]] | --warc FILE |\n"
                "                  --gateway URL --key KEY) [--use CATEGORY] [--commit LIST]\n"
                "                  [--top N] [--llm URL [--model NAME]] QUESTION\n\n"
                "Answer QUESTION from a collection with only the sources the profile may use\n"
                "(default: ai-use, committing to credit): ranked quotations, each with the\n"
                "marker of its source, then the references in TASL form and the sources\n"
                "withheld with the reason. With --llm a model writes the answer from the same\n"
                "sources; its reply is checked (ccsig verify-credit) and missing credits are\n"
                "appended.\n\n",
    .options = options,
    .column = 20,
    .epilog = "\nExit status: 0 answered, every source used is credited; 1 the model's reply\n"
              "left credits out (they were appended); 2 bad usage or unreadable input,\n"
              "3 internal error (the model or the gateway did not answer).\n",
    .operand = CLI_VAL_TEXT,
    .permute = true,
};

/* One document of the collection: its text (malloc'd). */
typedef struct doc {
    char *text;
} doc;

typedef struct rag {
    cite_opts o;
    cite_set set; /* records; bodies for --dir */
    doc *docs;    /* per record */
    size_t ndocs;
    size_t gateway_withheld;
} rag;

/* The text of a file's bytes (the library's extractor, which also leaves a
 * dataset card's YAML front matter out), malloc'd as the set's bodies are. */
static char *extract(const char *name, const char *p, size_t len) {
    char title[256];
    char *body = NULL;
    if (ccsig_text_extract(name, p, len, title, sizeof title, &body) != CCSIG_OK)
        return NULL;
    char *copy = strdup(body);
    ccsig_free(body);
    return copy;
}

/* ---- the collection ---- */

static int name_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The text files under dir (path relative to the working directory, in
 * name order), recursively; hidden entries skipped. */
static int walk(rag *g, const char *dir, int depth) {
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: error: cannot read: %s\n", dir, strerror(errno));
        return EXIT_USAGE;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    int rc = EXIT_OK;
    for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st))
            continue;
        if (S_ISDIR(st.st_mode) && depth < 32) {
            rc = walk(g, path, depth + 1);
        } else if (S_ISREG(st.st_mode) && ccsig_text_is_doc(names[i]) &&
                   strcmp(names[i], "robots.txt") && g->set.n < RAG_MAX_DOCS) {
            /* the file is cited by its path under DIR; its bytes become
             * its text */
            char *arg = path;
            size_t before = g->set.n;
            rc = cite_read_sources(&g->o, &g->set, 1, &arg);
            if (rc == EXIT_OK && g->set.n > before) {
                char *raw = g->set.bodies[before];
                g->set.bodies[before] =
                    raw ? extract(names[i], raw, g->set.body_lens[before]) : NULL;
                free(raw);
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* Read a whole file for the WARC reader. */
static int read_warc(rag *g, const char *path) {
    size_t len;
    char *data = cli_read_file(path, 0, &len);
    if (!data) {
        fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    ccsig_warc_reader *r = ccsig_warc_reader_new(NULL);
    ccsig_arena ea;
    ccsig_arena_init(&ea, 0);
    if (!r) {
        free(data);
        cli_error("rag", "out of memory");
        return EXIT_INTERNAL;
    }
    ccsig_warc_reader_open_memory(r, data, len, 0, CCSIG_WARC_AUTO);
    ccsig_warc_record rec;
    ccsig_warc_damage dmg;
    ccsig_warc_next nx;
    int rc = EXIT_OK;
    const char *agent = g->o.agent;
    while (rc == EXIT_OK && (nx = ccsig_warc_reader_next(r, &rec, &dmg)) != CCSIG_WARC_END) {
        if (nx == CCSIG_WARC_FAILED) {
            fprintf(stderr, "%s: error: %s\n", path, dmg.what);
            rc = EXIT_USAGE;
            break;
        }
        if (nx == CCSIG_WARC_DAMAGE) {
            fprintf(stderr, "%s: warning: offset %llu: %s\n", path, (unsigned long long)dmg.offset,
                    dmg.what);
            continue;
        }
        if (rec.h.type != CCSIG_WARC_RESPONSE || !rec.h.target_uri.len)
            continue;
        ccsig_arena_reset(&ea);
        char *url = ccsig_arena_dup(&ea, rec.h.target_uri.p, rec.h.target_uri.len);
        char *date = ccsig_arena_dup(&ea, rec.h.date.p, rec.h.date.len);
        ccsig_eval_input in;
        memset(&in, 0, sizeof in);
        in.url = rec.h.target_uri;
        in.agent = ccsig_robots_product_token(agent, strlen(agent));
        in.profile = &g->o.prof;
        in.status = -1;
        ccsig_http_msg msg;
        ccsig_eval_result ev;
        ccsig_error err;
        ccsig_credit_record cr;
        if (!url || !date ||
            ccsig_evaluate_response(rec.block, rec.block_len, &in, &ea, &msg, &ev, &err) ||
            ccsig_credit_record_from_eval(&ev, url, date[0] ? date : NULL, NULL, &g->set.arena,
                                          &cr) ||
            !cite_set_add(&g->set, &cr)) {
            cli_error("rag", "out of memory");
            rc = EXIT_INTERNAL;
            break;
        }
        /* the payload, de-chunked and inflated, is the document */
        char *body = NULL;
        size_t blen = 0;
        size_t hl = msg.kind == CCSIG_HTTP_RESPONSE ? msg.header_len : rec.block_len;
        if (hl <= rec.block_len &&
            ccsig_http_body_decode(&msg, rec.block + hl, rec.block_len - hl, RAG_MAX_REPLY, &body,
                                   &blen) == CCSIG_OK) {
            const char *slash = strrchr(url, '/');
            char name[300];
            /* the extractor knows HTML by its name: say .html for an HTML response */
            snprintf(name, sizeof name, "%s%s", slash ? slash + 1 : url,
                     ev.kind == CCSIG_ASSET_HTML ? ".html" : ".txt");
            g->set.bodies[g->set.n - 1] = extract(name, body, blen);
            g->set.body_lens[g->set.n - 1] = 0;
        }
        ccsig_free(body);
    }
    ccsig_warc_reader_free(r);
    ccsig_arena_free(&ea);
    free(data);
    return rc;
}

/* libcurl write callback into a ccsig_buf, bounded. */
static size_t to_buf(char *p, size_t size, size_t n, void *ctx) {
    ccsig_buf *b = ctx;
    if (b->len + size * n > RAG_MAX_REPLY)
        return 0;
    ccsig_buf_append(b, p, size * n);
    return ccsig_buf_failed(b) ? 0 : size * n;
}

/* One HTTP request (GET when body is NULL, else POST of JSON); the reply's
 * body in out. Returns the HTTP status, or -1 (printed) when there is none. */
static long http(const char *url, const char *bearer, const char *body, ccsig_buf *out) {
    CURL *c = curl_easy_init();
    if (!c)
        return -1;
    struct curl_slist *h = NULL;
    char auth[600];
    if (bearer) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
        h = curl_slist_append(h, auth);
    }
    if (body) {
        h = curl_slist_append(h, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    }
    char ua[64];
    snprintf(ua, sizeof ua, "ccsig/%s", ccsig_version());
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_USERAGENT, ua);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, to_buf);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    long status = -1;
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    else
        fprintf(stderr, "ccsig rag: %s: %s\n", url, curl_easy_strerror(rc));
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

/* The gateway's search API: the hits are the records, their snippets the
 * documents. */
static int read_gateway(rag *g, const char *base, const char *key, const char *question) {
    CURL *c = curl_easy_init();
    char *q = c ? curl_easy_escape(c, question, 0) : NULL;
    if (c)
        curl_easy_cleanup(c);
    if (!q) {
        cli_error("rag", "out of memory");
        return EXIT_INTERNAL;
    }
    ccsig_buf url = CCSIG_BUF_INIT, reply = CCSIG_BUF_INIT;
    size_t bl = strlen(base);
    ccsig_buf_printf(&url, "%.*s/search?format=json&limit=50&use=%s&q=%s",
                     (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl), base,
                     ccsig_category_name(g->o.prof.use), q);
    curl_free(q);
    long st = http(ccsig_buf_cstr(&url), key, NULL, &reply);
    int rc = EXIT_OK;
    if (st != 200) {
        if (st > 0)
            fprintf(stderr, "ccsig rag: %s: HTTP %ld: %.300s\n", ccsig_buf_cstr(&url), st,
                    ccsig_buf_cstr(&reply));
        rc = st > 0 && st < 500 ? EXIT_USAGE : EXIT_INTERNAL;
    }
    size_t first = g->set.n;
    if (rc == EXIT_OK) {
        ccsig_credit_record *v;
        size_t n;
        ccsig_error err;
        if (ccsig_credit_records_read(&g->set.arena, reply.data, reply.len, &v, &n, &err)) {
            fprintf(stderr, "ccsig rag: the gateway's answer: %s\n", err.message);
            rc = EXIT_INTERNAL;
        }
        for (size_t i = 0; rc == EXIT_OK && i < n; i++)
            if (!cite_set_add(&g->set, &v[i]))
                rc = EXIT_INTERNAL;
    }
    json_t *root = rc == EXIT_OK ? json_loadb(reply.data, reply.len, 0, NULL) : NULL;
    json_t *hits = json_object_get(root, "hits");
    for (size_t i = 0; i < json_array_size(hits) && first + i < g->set.n; i++) {
        const char *snip = json_string_value(json_object_get(json_array_get(hits, i), "snippet"));
        g->set.bodies[first + i] = snip ? strdup(snip) : NULL;
    }
    json_t *w = json_object_get(root, "withheld");
    g->gateway_withheld = json_is_integer(w) ? (size_t)json_integer_value(w) : 0;
    json_decref(root);
    ccsig_buf_free(&url);
    ccsig_buf_free(&reply);
    return rc;
}

/* ---- the model ---- */

/* Ask the model; its reply's text (malloc'd) or NULL (printed). */
static char *ask_llm(const char *url, const char *model, const char *question,
                     const ccsig_passage *p, size_t np, const ccsig_credit_record *r, size_t n) {
    ccsig_buf src = CCSIG_BUF_INIT;
    ccsig_buf_printf(&src, "Question: %s\n\nSources:\n", question);
    for (size_t i = 0; i < n; i++) {
        ccsig_buf_printf(&src, "[%zu] ", i + 1);
        ccsig_cite_attribution(&src, CCSIG_CITE_TEXT, &r[i]);
        ccsig_buf_putc(&src, '\n');
        for (size_t k = 0; k < np; k++)
            if (p[k].source == i)
                ccsig_buf_printf(&src, "    \"%.*s\"\n", (int)p[k].text.len, p[k].text.p);
    }
    json_t *req = json_pack(
        "{s:s, s:[{s:s, s:s}, {s:s, s:s}], s:f}", "model", model ? model : "default", "messages",
        "role", "system", "content",
        "Answer the question using only the numbered sources given. After every sentence "
        "that uses a source, cite it by its marker, e.g. [1]. End with a list of the sources "
        "you used, each with its title, author, link and licence as given.",
        "role", "user", "content", ccsig_buf_cstr(&src), "temperature", 0.0);
    ccsig_buf_free(&src);
    char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    if (!body)
        return NULL;
    ccsig_buf reply = CCSIG_BUF_INIT;
    long st = http(url, NULL, body, &reply);
    free(body);
    char *text = NULL;
    if (st == 200) {
        json_error_t je;
        json_t *root = json_loadb(reply.data ? reply.data : "", reply.len, 0, &je);
        json_t *msg =
            json_object_get(json_array_get(json_object_get(root, "choices"), 0), "message");
        const char *content = json_string_value(json_object_get(msg, "content"));
        if (content)
            text = strdup(content);
        else
            fprintf(stderr, "ccsig rag: %s: the reply has no choices[0].message.content%s%s\n", url,
                    root ? "" : ": ", root ? "" : je.text);
        json_decref(root);
    } else if (st > 0) {
        fprintf(stderr, "ccsig rag: %s: HTTP %ld: %.300s\n", url, st, ccsig_buf_cstr(&reply));
    }
    ccsig_buf_free(&reply);
    return text;
}

int cmd_rag(int argc, char **argv) {
    rag g;
    memset(&g, 0, sizeof g);
    g.o.cmd = "rag";
    g.o.agent = "*";
    g.o.prof.use = CCSIG_CAT_AI_USE;
    /* the answer credits every source it uses: the profile commits to credit
     * unless --commit says otherwise */
    g.o.prof.commitments = CCSIG_COND_CREDIT;
    g.o.prof.purpose = CCSIG_PURPOSE_NONE;
    g.o.keep_bodies = true;
    const char *dir = NULL, *warc = NULL, *gateway = NULL, *key = NULL, *llm = NULL, *model = NULL;
    ccsig_cite_format fmt = CCSIG_CITE_TEXT;
    long top = 5;
    int c;
    cli_parser cp;
    cli_parser_init(&cp, &cmd_rag_cli, argc, argv, 1);
    while ((c = cli_next(&cp)) > 0) {
        char *end;
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 'w':
            warc = optarg;
            break;
        case 'g':
            gateway = optarg;
            break;
        case 'k':
            key = optarg;
            break;
        case 'b':
            g.o.base = optarg;
            break;
        case 'R':
            g.o.robots = optarg;
            break;
        case 'f':
            if (!ccsig_cite_format_parse(optarg, &fmt) || fmt == CCSIG_CITE_CARD ||
                fmt == CCSIG_CITE_JSON)
                return cli_usage_error("rag", "unknown format '%s' (text, markdown, html)", optarg);
            break;
        case 'n':
            top = strtol(optarg, &end, 10);
            if (*end || top < 1 || top > RAG_MAX_TOP)
                return cli_usage_error("rag", "--top must be a number from 1 to %d", RAG_MAX_TOP);
            break;
        case 'l':
            llm = optarg;
            break;
        case 'm':
            model = optarg;
            break;
        case 'a':
            g.o.agent = optarg;
            break;
        case 'u':
            if (!cli_parse_use("rag", optarg, &g.o.prof.use))
                return EXIT_USAGE;
            break;
        case 'c':
            if (!cli_parse_commit("rag", optarg, &g.o.prof.commitments))
                return EXIT_USAGE;
            break;
        case 'p':
            if (!cli_parse_purpose("rag", optarg, &g.o.prof.purpose))
                return EXIT_USAGE;
            break;
        }
    }
    if (c < 0)
        return cp.rc;
    if (optind + 1 != argc)
        return cli_usage_error("rag", optind >= argc ? "no question given"
                                                     : "one question, in one argument (quote it)");
    const char *question = argv[optind];
    if ((dir != NULL) + (warc != NULL) + (gateway != NULL) != 1)
        return cli_usage_error("rag", "give one collection: --dir, --warc or --gateway");
    if (gateway && !key)
        return cli_usage_error("rag", "--gateway needs --key");
    if ((g.o.base || g.o.robots) && !dir)
        return cli_usage_error("rag", "--base and --robots go with --dir");
    if (g.o.robots && !g.o.base)
        return cli_usage_error("rag", "--robots needs --base");
    if (model && !llm)
        return cli_usage_error("rag", "--model goes with --llm");

    cite_set_init(&g.set);
    int rc;
    if (dir) {
        /* files are cited by their path under DIR: run from DIR */
        char cwd[4096], robots[4096];
        /* --robots names a file from here, not from DIR */
        if (g.o.robots && !realpath(g.o.robots, robots)) {
            fprintf(stderr, "%s: error: cannot read: %s\n", g.o.robots, strerror(errno));
            cite_set_free(&g.set);
            return EXIT_USAGE;
        }
        if (g.o.robots)
            g.o.robots = robots;
        if (!getcwd(cwd, sizeof cwd) || chdir(dir)) {
            fprintf(stderr, "%s: error: cannot read: %s\n", dir, strerror(errno));
            cite_set_free(&g.set);
            return EXIT_USAGE;
        }
        rc = walk(&g, ".", 0);
        if (chdir(cwd))
            rc = rc == EXIT_OK ? EXIT_INTERNAL : rc;
    } else if (warc) {
        rc = read_warc(&g, warc);
    } else {
        rc = read_gateway(&g, gateway, key, question);
    }
    if (rc != EXIT_OK) {
        cite_set_free(&g.set);
        return rc;
    }

    /* permitted sources (and those with no preference) are used; the rest
     * are withheld */
    size_t n = g.set.n, nuse = 0, nheld = 0;
    ccsig_credit_record *use = calloc(n + 1, sizeof *use), *held = calloc(n + 1, sizeof *held);
    ccsig_str *texts = calloc(n + 1, sizeof *texts);
    ccsig_passage *pass = calloc((size_t)top, sizeof *pass);
    size_t *refno = calloc(n + 1, sizeof *refno);
    if (!use || !held || !texts || !pass || !refno) {
        cli_error("rag", "out of memory");
        rc = EXIT_INTERNAL;
        goto done;
    }
    size_t *map = refno; /* texts index -> record index, reused below */
    for (size_t i = 0; i < n; i++) {
        if (g.set.v[i].result == CCSIG_RESULT_NOT_PERMITTED) {
            held[nheld++] = g.set.v[i];
            continue;
        }
        texts[nuse] = ccsig_str_c(g.set.bodies[i] ? g.set.bodies[i] : "");
        use[nuse] = g.set.v[i];
        map[nuse++] = i;
    }
    size_t np = ccsig_passages_rank(question, strlen(question), texts, nuse, 2, pass, (size_t)top);
    /* number the sources quoted 1..k in order of first quotation */
    ccsig_credit_record *used = calloc(np + 1, sizeof *used);
    size_t nused = 0;
    for (size_t i = 0; used && i < np; i++) {
        size_t k = 0;
        while (k < i && pass[k].source != pass[i].source)
            k++;
        if (k == i) {
            used[nused] = use[pass[i].source];
            map[pass[i].source] = nused++;
        }
    }
    if (!used) {
        cli_error("rag", "out of memory");
        rc = EXIT_INTERNAL;
        goto done;
    }
    /* passage sources become reference numbers (first quotation order) */
    for (size_t i = 0; i < np; i++)
        pass[i].source = map[pass[i].source];

    ccsig_buf b = CCSIG_BUF_INIT;
    if (!llm) {
        ccsig_rag_write(&b, fmt, question, pass, np, used, nused);
    } else {
        char *reply = nused ? ask_llm(llm, model, question, pass, np, used, nused) : NULL;
        if (nused && !reply) {
            free(used);
            ccsig_buf_free(&b);
            rc = EXIT_INTERNAL;
            goto done;
        }
        /* the answer credits every source it uses, whether or not its
         * preference asks for it: check them all as sources that do */
        for (size_t i = 0; i < nused; i++)
            used[i].obligations |= CCSIG_COND_CREDIT;
        ccsig_credit_check *ck = calloc(nused + 1, sizeof *ck);
        size_t failing =
            ck && reply ? ccsig_credit_verify(reply, strlen(reply), used, nused, ck) : 0;
        ccsig_buf_printf(&b, "Question: %s\n\n", question);
        ccsig_buf_puts(&b, reply ? reply : "No permitted source answers the question.");
        if (b.len && b.data[b.len - 1] != '\n')
            ccsig_buf_putc(&b, '\n');
        if (failing) {
            /* repair: the credits the model left out, appended */
            ccsig_buf_printf(&b,
                             "\nCredit added by ccsig (the model's reply did not credit %zu "
                             "source%s fully):\n",
                             failing, failing == 1 ? "" : "s");
            for (size_t i = 0; i < nused; i++)
                if (!ck[i].ok) {
                    ccsig_buf_printf(&b, "[%zu] ", i + 1);
                    ccsig_cite_attribution(&b, CCSIG_CITE_TEXT, &used[i]);
                    ccsig_buf_putc(&b, '\n');
                }
            fprintf(stderr,
                    "ccsig rag: the model's reply left out the credit of %zu source%s: "
                    "appended\n",
                    failing, failing == 1 ? "" : "s");
            rc = EXIT_NOT_PERMITTED;
        }
        ccsig_buf_putc(&b, '\n');
        ccsig_cite_references(&b, CCSIG_CITE_TEXT, used, nused);
        free(ck);
        free(reply);
    }
    ccsig_rag_withheld(&b, fmt, held, nheld);
    if (g.gateway_withheld)
        ccsig_buf_printf(&b,
                         "\nThe gateway withheld %zu more result%s that the profile may not "
                         "use.\n",
                         g.gateway_withheld, g.gateway_withheld == 1 ? "" : "s");
    free(used);
    if (ccsig_buf_failed(&b) || !cli_put_buf(stdout, &b)) {
        cli_error("rag", "cannot write the answer");
        rc = EXIT_INTERNAL;
    }
done:
    for (size_t i = 0; i < g.set.n; i++) {
        free(g.set.bodies[i]);
        g.set.bodies[i] = NULL;
    }
    free(use);
    free(held);
    free(texts);
    free(pass);
    free(refno);
    cite_set_free(&g.set);
    return rc;
}
