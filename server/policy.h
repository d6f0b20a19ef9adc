/*
 * policy.h — what a steward decides for `ccsig serve`: the collection's
 * usage preferences per path, who gets which rate and quota, and the
 * server's limits.
 *
 * A policy comes from a YAML file (read with libyaml, which gives the line
 * and column of every node, so each error names file:line:col and what was
 * expected) or from the short command-line form (--use/--signal/--party),
 * which builds the same structure with the defaults below.
 *
 * Preferences follow robots.txt Content-Usage semantics: a request path takes
 * the rule with the longest matching path prefix; a rule does not inherit
 * categories from shorter paths. Each rule's Content-Usage expression is
 * generated once at load time and parsed back with ccsig_pref_parse, so the
 * header, robots.txt, tdmrep.json, the declaration page and the decisions
 * made for search all come from the same text.
 *
 * Memory: a policy owns every string it points to; policy_free releases it.
 */
#ifndef CCSIG_SERVE_POLICY_H
#define CCSIG_SERVE_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "ccsig/arena.h"
#include "ccsig/declare.h"
#include "ccsig/fetch.h"
#include "ccsig/pref.h"
#include "paycrawl.h"

/* Policy files are small; anything bigger is a mistake (or an attack on a
 * fuzzed parser). */
#define POLICY_MAX_BYTES (1u << 20)
#define POLICY_MAX_RULES 256
#define POLICY_MAX_PATH CCSIG_DECLARE_MAX_PATH /* the declare module's limit */
#define POLICY_MAX_PROXIES 16
#define POLICY_MAX_TEXT 2048 /* names, URLs, credit template */

/* Access classes (ARCHITECTURE: "Who gets what"). */
typedef enum tier_id {
    TIER_BROWSER = 0,   /* people in browsers, per client address */
    TIER_AUTOMATED,     /* unregistered automated clients, per client address */
    TIER_REGISTRATIONS, /* registrations (POST /register), per client address */
    TIER_LOGINS,        /* steward login attempts, per client address */
    TIER_PENDING,       /* a key whose public-interest claim awaits approval */
    TIER_BULK,          /* registered bulk reusers, per key */
    TIER_PUBLIC,        /* approved public-interest reusers, per key */
    TIER_COUNT
} tier_id;

#define TIER_LAST_PER_ADDRESS TIER_LOGINS

/* "browsers", "automated", "registrations", "logins", "pending", "bulk",
 * "public-interest". */
const char *tier_name(tier_id t);

typedef struct tier {
    double rate;    /* requests per second, sustained */
    double burst;   /* requests allowed at once above the rate (>= 1) */
    uint64_t quota; /* requests per UTC day; 0 = no quota */
    price price;    /* per request (pay per crawl, paycrawl.h); automated and bulk only */
} tier;

typedef enum copyright_status {
    COPYRIGHT_UNSTATED = 0,
    COPYRIGHT_HOLDER,     /* the declaring party holds the rights */
    COPYRIGHT_NOT_HOLDER, /* it does not (e.g. public domain, third-party works) */
    COPYRIGHT_MIXED       /* some items yes, some no */
} copyright_status;

const char *copyright_name(copyright_status c);

/* What a rule says about one category. */
typedef struct rule_pref {
    uint8_t set;    /* stated in this rule */
    uint8_t state;  /* ccsig_state: ALLOW or DENY */
    uint8_t signal; /* ccsig_signal lifting the deny, NONE for a plain deny */
} rule_pref;

typedef struct policy_rule {
    char *path;    /* "/..." prefix, percent-encoded as robots.txt wants */
    unsigned line; /* where the rule was first stated (0: command line) */
    rule_pref cat[CCSIG_CAT_COUNT];
    char *cat_expr[CCSIG_CAT_COUNT]; /* declare's expression per stated category */
    char *expression;                /* them joined: "train-ai=n;exceptions=cc-cr, search=y" */
    ccsig_statement stmt;            /* the expression parsed back (labels point into expression) */
    ccsig_verdict verdict;
    int reserve;    /* TDMRep tdm-reservation: 1, 0, or -1 for none (gen_tdm_reservation) */
    int tdm_policy; /* write tdm-policy (the declaration) with the reservation */
    int encrypted;  /* encrypted: true -- served encrypted, keys at /key (rsl.c) */
} policy_rule;

typedef struct policy {
    char *source; /* file name, or "the command line" */

    char *collection_name;
    char *public_url;   /* base URL for links, without a trailing '/' */
    int public_url_set; /* given by the steward (else derived from the listen address) */
    char *credit_template;
    char *license; /* the collection's licence (URL or SPDX id), NULL: none stated */
    char *party_name;
    char *party_url;
    copyright_status copyright;

    policy_rule *rules; /* sorted by path length, longest first */
    size_t nrules;

    tier tiers[TIER_COUNT];
    int registration_open; /* bulk reusers may register on /register */
    int bulk_endpoints;    /* serve /bulk/collection.tar and /bulk/manifest.jsonl */

    /* server */
    char *listen;     /* "127.0.0.1:8080" */
    unsigned threads; /* default: the cores online, at least 2 */
    unsigned timeout_s;
    unsigned header_timeout_s;       /* to finish a request's headers (server.h: slow clients) */
    unsigned max_header_connections; /* connections reading headers at once, in all */
    unsigned max_connections;
    unsigned max_connections_per_ip;
    size_t max_header_bytes;
    size_t max_body_bytes;
    char *trusted_proxies[POLICY_MAX_PROXIES];
    size_t ntrusted_proxies;
    /* Web Bot Auth key directories (wba.h): fetched only from public
     * addresses and over https, except from these networks
     * (wba-allow-addresses) and over http when wba-allow-http; a request
     * waits at most wba_wait_ms for a directory being fetched. */
    ccsig_addr_net wba_allow[POLICY_MAX_PROXIES];
    size_t nwba_allow;
    int wba_allow_http;
    unsigned wba_wait_ms;
    int ledger_sync_process; /* ledger-sync: process (default: no fsync per commit;
                                survives a crash of the gateway, not of the machine) */

    unsigned session_hours;

    /* search */
    int search_enabled;
    size_t search_max_file_bytes;
} policy;

/* Fill p with every default (no rules, no names). */
void policy_defaults(policy *p);

/* Read a YAML policy from memory. name is used in error messages. On
 * failure returns -1 and writes "name:line:col: what was expected, found
 * what" into err. The policy is complete (expressions generated) on
 * success; on failure it is freed. */
int policy_load_buffer(policy *p, const char *name, const char *data, size_t len, char *err,
                       size_t errlen);

/* Read a YAML policy file (at most POLICY_MAX_BYTES). */
int policy_load_file(policy *p, const char *path, char *err, size_t errlen);

/* The short form: one rule for "/" stating use=signal (or allow/deny when
 * signal is "allow"/"deny"/"none"), plus defaults. party_* may be NULL. */
int policy_from_short(policy *p, ccsig_category use, const char *signal, const char *party_name,
                      const char *party_url, char *err, size_t errlen);

/* Set the public URL (e.g. from --public-url or the listen address);
 * strips one trailing '/'. Returns -1 when url is not http(s)://... */
int policy_set_public_url(policy *p, const char *url);

/* Generate expressions, parse them back, sort the rules. Called by the
 * loaders; call again after changing rules by hand. */
int policy_finish(policy *p, char *err, size_t errlen);

/* The rule for a request path (longest matching prefix), or NULL. */
const policy_rule *policy_match(const policy *p, const char *path, size_t len);

void policy_free(policy *p);

#endif
