/*
 * ccsig/audit.h — how AI preferences and restrictions spread across a
 * corpus of sites and over time, read the way crawlers read them
 * (`ccsig audit`, docs/ccsig-audit.1).
 *
 * An audit takes snapshots in date order, each a set of robots.txt captures
 * (WARC archives, HOST.txt directories: ccsig/robots_store.h reads them).
 * For every domain, snapshot, agent and reader it finds the restriction
 * class, as the Consent in Crisis audit (Longpre et al. 2024) defines them:
 *   all   the agent may fetch nothing: "/" is disallowed and no Allow rule
 *         of its groups opens a path (a 5xx robots.txt counts here too:
 *         RFC 9309 §2.3.1.4, the crawler assumes complete disallow);
 *   some  the agent's groups disallow at least one path, but not all;
 *   none  nothing is disallowed (no rule, an empty Disallow, or a 4xx
 *         robots.txt: RFC 9309 §2.3.1.3).
 * Two readers compile each file: exact (RFC 9309 as Google reads it:
 * CCSIG_ROBOTS_GROUPS_GOOGLE) and naive (groups also end at Sitemap and
 * Crawl-delay lines: CCSIG_ROBOTS_GROUPS_NAIVE), so a report shows how much
 * the parser moves each figure. It also records which mechanisms a domain
 * uses: aipref Content-Usage (current -08 labels or labels of older drafts),
 * CC signals in `exceptions`, Cloudflare Content-Signal, RSL License.
 *
 * Everything an audit counts is a sum (domains and weights per class,
 * transitions, adoption, agent names), so shards (`--shard i/n`: domains by
 * hash) merge into exactly the figures of one run. Memory: a few hundred
 * bytes per domain (its previous classes), independent of the captures.
 *
 * Thread-safety: one audit per thread; the functions that only read an
 * audit (writers) may run concurrently.
 */
#ifndef CCSIG_AUDIT_H
#define CCSIG_AUDIT_H

#include "ccsig/buf.h"
#include "ccsig/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Restriction classes; ABSENT: no capture of the domain in the snapshot. */
typedef enum ccsig_audit_class {
    CCSIG_AUDIT_ABSENT = 0,
    CCSIG_AUDIT_NONE,
    CCSIG_AUDIT_SOME,
    CCSIG_AUDIT_ALL
} ccsig_audit_class;
#define CCSIG_AUDIT_CLASSES 4

/* "absent", "none", "some", "all". */
const char *ccsig_audit_class_name(ccsig_audit_class c);

/* Agent categories. */
typedef enum ccsig_audit_category {
    CCSIG_AUDIT_AI_TRAINING = 0, /* AI data scrapers and training crawlers */
    CCSIG_AUDIT_AI_SEARCH,       /* AI search crawlers */
    CCSIG_AUDIT_AI_ASSISTANT,    /* AI assistants and agents acting for a user */
    CCSIG_AUDIT_AI_OTHER,        /* other AI agents of the list */
    CCSIG_AUDIT_SEARCH,          /* classic search engines */
    CCSIG_AUDIT_CATEGORIES
} ccsig_audit_category;

/* "ai-training", "ai-search", "ai-assistant", "ai-other", "search". */
const char *ccsig_audit_category_name(ccsig_audit_category c);

/* Readers. */
enum { CCSIG_AUDIT_EXACT = 0, CCSIG_AUDIT_NAIVE = 1, CCSIG_AUDIT_READERS = 2 };

/* Mechanisms a domain's robots.txt uses (bits). */
enum {
    CCSIG_AUDIT_M_CONTENT_USAGE = 1u << 0,  /* any Content-Usage rule */
    CCSIG_AUDIT_M_CU_CURRENT = 1u << 1,     /* ... with a label of the current draft */
    CCSIG_AUDIT_M_CU_LEGACY = 1u << 2,      /* ... with a label of an older draft only */
    CCSIG_AUDIT_M_CC_SIGNAL = 1u << 3,      /* a CC signal as an exception */
    CCSIG_AUDIT_M_CONTENT_SIGNAL = 1u << 4, /* Cloudflare Content-Signal */
    CCSIG_AUDIT_M_RSL_LICENSE = 1u << 5,    /* RSL License line */
    CCSIG_AUDIT_M_NAMES_AI = 1u << 6,       /* names an agent of the list (not search) */
    /* From scan annotations (ccsig_audit_snapshot_options.annotations): */
    CCSIG_AUDIT_M_HEADER_CU = 1u << 7, /* a page sent a Content-Usage header */
    CCSIG_AUDIT_M_TDMREP = 1u << 8,    /* TDMRep (tdm-reservation header, meta, tdmrep.json) */
    CCSIG_AUDIT_M_NOAI = 1u << 9       /* noai / noimageai (X-Robots-Tag, robots meta) */
};
#define CCSIG_AUDIT_MECHANISMS 10

/* "content-usage", "cu-current", "cu-legacy", "cc-signal", "content-signal",
 * "rsl-license", "names-ai-agent", "header-content-usage", "tdmrep", "noai"
 * for bit index i; NULL past the end. */
const char *ccsig_audit_mechanism_name(unsigned i);

/* Most agents an audit follows (the list plus the search engines). */
#define CCSIG_AUDIT_MAX_AGENTS 512

typedef struct ccsig_audit ccsig_audit;

/* A new empty audit: no agents, no domain list, no snapshots. shard_n 0 or
 * 1: every domain; otherwise only the domains whose hash is shard_i mod
 * shard_n. NULL when out of memory. Free with ccsig_audit_free. */
ccsig_audit *ccsig_audit_new(unsigned shard_i, unsigned shard_n);
void ccsig_audit_free(ccsig_audit *a);

/* Add one agent (a product token) of a category. A token already added
 * keeps its first category. CCSIG_ERR_USAGE for an empty token or one with
 * bytes a product token cannot hold, CCSIG_ERR_LIMIT past
 * CCSIG_AUDIT_MAX_AGENTS, CCSIG_ERR_NOMEM. Before the first snapshot only. */
ccsig_status ccsig_audit_add_agent(ccsig_audit *a, const char *token, size_t len,
                                   ccsig_audit_category cat, ccsig_error *err);

/* The agent list of ai-robots-txt (robots.json: an object of agent name ->
 * {"function": ...}), categorised from each "function" text: search ->
 * ai-search, assistant/agent/user -> ai-assistant, train/scrap/data/
 * learning/LLM -> ai-training, else ai-other. Then the classic search
 * engines (Googlebot, Bingbot, DuckDuckBot, YandexBot, Baiduspider) when not
 * in the list. CCSIG_ERR_SYNTAX with err->line/column for bad JSON or a
 * member that is not an object. Before the first snapshot only. */
ccsig_status ccsig_audit_agents_json(ccsig_audit *a, const char *p, size_t len, ccsig_error *err);

/* A short built-in list (for an audit without a list): GPTBot, CCBot,
 * ClaudeBot, anthropic-ai, Google-Extended, Applebot-Extended, Bytespider,
 * meta-externalagent (ai-training), OAI-SearchBot, PerplexityBot,
 * Claude-SearchBot (ai-search), ChatGPT-User, Claude-User, Perplexity-User
 * (ai-assistant), then the search engines. */
ccsig_status ccsig_audit_add_default_agents(ccsig_audit *a, ccsig_error *err);

/* Which readers the CSV and text writers show: bit 1 << CCSIG_AUDIT_EXACT,
 * 1 << CCSIG_AUDIT_NAIVE; 0 (the default) both. Counting always runs both;
 * the JSON and HTML outputs always hold both. */
void ccsig_audit_set_readers(ccsig_audit *a, unsigned mask);

/* Add the classic search engines only. */
ccsig_status ccsig_audit_add_search_engines(ccsig_audit *a, ccsig_error *err);

/* A domain list with weights, CSV (RFC 4180 quoting): with a header naming
 * a "Domain" column and optionally a weight column ("Total Tokens",
 * "tokens" or "weight"), as the Data Provenance Initiative's
 * top_2000_c4_token_and_urlcounts.csv; or without a header, "domain[,weight]"
 * per line. Domains are lowercased; a missing weight is 1. With a list the
 * audit counts only listed domains (an unlisted capture is skipped) and a
 * listed domain without a capture is ABSENT. CCSIG_ERR_SYNTAX with
 * err->line/column (an unterminated quote, a weight that is not a
 * non-negative integer, an empty domain). Before the first snapshot only. */
ccsig_status ccsig_audit_domains_csv(ccsig_audit *a, const char *p, size_t len, ccsig_error *err);

/* A problem found while reading a snapshot (a capture skipped, an archive
 * unreadable): as ccsig_robots_store_report_fn. */
typedef void (*ccsig_audit_report_fn)(void *ctx, const char *path, uint64_t offset,
                                      const char *what);

/* One row of the per-domain table: domain, snapshot, agent (NULL for the
 * domain's mechanisms row), its category, reader, class now and in the
 * previous snapshot (ABSENT for the first), and the domain's mechanisms. */
typedef struct ccsig_audit_row {
    const char *domain;
    const char *snapshot;
    const char *agent;
    ccsig_audit_category category;
    int reader;
    ccsig_audit_class cls, prev;
    unsigned mechanisms;
    uint64_t weight;
} ccsig_audit_row;
typedef void (*ccsig_audit_row_fn)(void *ctx, const ccsig_audit_row *row);

/* The per-domain rows as CSV (`ccsig audit --rows`): the header line, and
 * one row (domain, snapshot, reader, agent, category, class, previous
 * class, changed, weight, mechanisms separated by spaces), line end
 * included. Thread-safe. */
#define CCSIG_AUDIT_ROWS_CSV_HEADER                                                                \
    "domain,snapshot,reader,agent,category,class,previous,changed,weight,mechanisms\n"
void ccsig_audit_row_csv(ccsig_buf *b, const ccsig_audit_row *row);

typedef struct ccsig_audit_snapshot_options {
    ccsig_audit_report_fn report; /* may be NULL */
    void *report_ctx;
    ccsig_audit_row_fn row; /* may be NULL: per-domain rows, agents named in the file */
    void *row_ctx;
    /* `ccsig scan --annotate` JSON lines files (plain) of this snapshot: the
     * sources of each record ("kind", "origin", "text") add the header- and
     * page-level mechanisms of its domain. May be NULL. A line that is not an
     * annotation is CCSIG_ERR_SYNTAX with err->line. */
    const char *const *annotations;
    size_t nannotations;
} ccsig_audit_snapshot_options;

/* Audit one snapshot: label (a date such as "2024-04": [A-Za-z0-9._:-],
 * at most 63 bytes; later than the previous snapshot's label in byte order)
 * and the archives and directories holding its captures. Counts every
 * domain and compares it with the previous snapshot. CCSIG_ERR_USAGE for a
 * bad or out-of-order label, CCSIG_ERR_IO when a path cannot be read
 * (report says which; the snapshot is then not kept), CCSIG_ERR_NOMEM. */
ccsig_status ccsig_audit_add_snapshot(ccsig_audit *a, const char *label, const char *const *paths,
                                      size_t n, const ccsig_audit_snapshot_options *opt,
                                      ccsig_error *err);

/* Audit one robots.txt body as a capture of domain in the current snapshot
 * (for tests and for callers with their own store): status as in
 * ccsig_robots_store_site (200 for a file). Between ccsig_audit_begin and
 * ccsig_audit_end. */
ccsig_status ccsig_audit_begin(ccsig_audit *a, const char *label, ccsig_error *err);
ccsig_status ccsig_audit_capture(ccsig_audit *a, const char *domain, int status, const char *body,
                                 size_t len, const ccsig_audit_snapshot_options *opt,
                                 ccsig_error *err);
ccsig_status ccsig_audit_end(ccsig_audit *a, const ccsig_audit_snapshot_options *opt,
                             ccsig_error *err);

/* The audit as JSON ({"type": "ccsig-audit", ...}: every count, the input
 * of ccsig_audit_merge_json). Errors: the buffer's failed flag. */
void ccsig_audit_write_json(const ccsig_audit *a, ccsig_buf *out);

/* Add an audit JSON document (another shard) into a. Both must follow the
 * same agents and snapshots (CCSIG_ERR_USAGE otherwise; an audit with no
 * snapshots yet takes them from the document). CCSIG_ERR_SYNTAX with
 * err->line/column for a document that is not an audit. */
ccsig_status ccsig_audit_merge_json(ccsig_audit *a, const char *p, size_t len, ccsig_error *err);

/* Tables as CSV: "agents" (snapshot, reader, agent, category, domains and
 * weight per class), "categories" (the same per category), "transitions"
 * (snapshot, reader, category or agent, from, to, domains, weight),
 * "adoption" (snapshot, mechanism or CC signal, domains, weight), "named"
 * (snapshot, token, domains). CCSIG_ERR_USAGE for another name. */
ccsig_status ccsig_audit_write_csv(const ccsig_audit *a, const char *table, ccsig_buf *out,
                                   ccsig_error *err);

/* A text report (the tables a reader looks at first). top: agents named
 * most often to list. */
void ccsig_audit_write_text(const ccsig_audit *a, unsigned top, ccsig_buf *out);

/* A self-contained HTML report (inline CSS and SVG, no scripts, no
 * external resources): trends per agent category, transitions, adoption,
 * exact vs naive reading, agents named most often. title may be NULL. */
void ccsig_audit_write_html(const ccsig_audit *a, const char *title, ccsig_buf *out);

/* Counts for tests and programs. */
typedef struct ccsig_audit_counts {
    uint64_t domains;                   /* domains present (with a capture) */
    uint64_t weight;                    /* their weight */
    uint64_t cls[CCSIG_AUDIT_CLASSES];  /* domains per class */
    uint64_t wcls[CCSIG_AUDIT_CLASSES]; /* weight per class */
} ccsig_audit_counts;

size_t ccsig_audit_snapshots(const ccsig_audit *a);
size_t ccsig_audit_agents(const ccsig_audit *a);
/* Agent i's token (NULL past the end). */
const char *ccsig_audit_agent(const ccsig_audit *a, size_t i, ccsig_audit_category *cat);
/* Index of an agent token (case-insensitive), or -1. */
int ccsig_audit_agent_index(const ccsig_audit *a, const char *token);
/* Counts of snapshot s, reader r, for agent i (i >= 0) or category
 * -1 - c. */
ccsig_audit_counts ccsig_audit_get(const ccsig_audit *a, size_t s, int r, int i);
/* Domains of snapshot s that moved from class `from` to `to` since s - 1
 * (both present), for agent i or category -1 - c, reader r. */
uint64_t ccsig_audit_moved(const ccsig_audit *a, size_t s, int r, int i, ccsig_audit_class from,
                           ccsig_audit_class to);
/* Domains of snapshot s using mechanism bit index m (or, with m >=
 * CCSIG_AUDIT_MECHANISMS, CC signal m - CCSIG_AUDIT_MECHANISMS + 1). */
uint64_t ccsig_audit_adoption(const ccsig_audit *a, size_t s, unsigned m);

#ifdef __cplusplus
}
#endif
#endif
