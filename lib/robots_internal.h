/*
 * robots_internal.h — what robots.c (parse, compile, match) shares with
 * robots_lint.c: the line lexer, the compiled layout, the access decision.
 * Not installed; nothing outside lib/ includes it.
 */
#ifndef CCSIG_ROBOTS_INTERNAL_H
#define CCSIG_ROBOTS_INTERNAL_H

#include "ccsig/arena.h"
#include "ccsig/robots.h"

/* Internal to the library: hidden in the shared library (lib/CMakeLists.txt). */
#pragma GCC visibility push(hidden)

/* Directive of a line, decided from its key (robots_classify_key). */
typedef enum robots_key {
    RK_NONE = 0, /* not a key/value line */
    RK_USER_AGENT,
    RK_ALLOW,
    RK_DISALLOW,
    RK_SITEMAP,
    RK_CONTENT_USAGE,
    RK_CONTENT_SIGNAL,
    RK_LICENSE,
    RK_OTHER
} robots_key;

enum {
    RKF_TYPO = 1u << 0,   /* a misspelling Google accepts (disalow, useragent, ...) */
    RKF_PREFIX = 1u << 1, /* the key only starts with the directive (User-agents) */
    RKF_PLURAL = 1u << 2  /* Content-Signals */
};

/* One line of the input, as the lexer splits it. Offsets are into the input. */
typedef struct robots_lexline {
    unsigned line;
    size_t start;          /* first byte of the line (after a BOM on line 1) */
    size_t end;            /* end of the bytes read (cut at CCSIG_ROBOTS_MAX_LINE) */
    size_t full_end;       /* end of the line before the cut */
    size_t comment;        /* offset of '#', or SIZE_MAX */
    size_t text, text_len; /* content without comment and surrounding whitespace */
    bool kv;               /* a key/value line */
    bool no_colon;         /* key and value separated by whitespace, not ':' */
    size_t key, key_len;
    size_t val, val_len;
    robots_key kind;
    unsigned flags; /* RKF_* */
} robots_lexline;

/* Masks of one 64-byte chunk of the input (bit k: byte 64 * w + k). */
typedef struct robots_lexmask {
    uint64_t eol;   /* CR, LF, and the end of the input */
    uint64_t hash;  /* '#' */
    uint64_t colon; /* ':' */
} robots_lexmask;

/* Chunks whose masks the lexer holds at a time (4 KiB of input). */
#define ROBOTS_LEX_RING 64

typedef struct robots_lexer {
    const char *p;
    const char *src; /* where words are read from: p, or the input p is a copy of */
    char *copy_to;   /* NULL, or p: the copy being filled */
    size_t copied;   /* bytes of p filled so far */
    size_t len;
    size_t pos;
    unsigned line;
    bool bom;
    size_t ring_w0; /* chunk of ring[0] */
    robots_lexmask ring[ROBOTS_LEX_RING];
} robots_lexer;

/* Zero bytes that follow the lexer's input: it reads it in 64-byte chunks,
 * and keys and patterns a word or a 16-byte block at a time. */
#define ROBOTS_PAD 64u

/* Readable bytes a compiled pattern has past its end (its head word is read
 * whole). */
#define ROBOTS_PATTERN_SLACK 8u

/* p[0..len) must be followed by ROBOTS_PAD zero bytes (p[len + ROBOTS_PAD]
 * readable): compile lexes its own padded copy, lint a padded copy too. */
void robots_lexer_init(robots_lexer *lx, const char *p, size_t len);
/* The next line; false at the end of the input. */
bool robots_lexer_next(robots_lexer *lx, robots_lexline *out);

/* Where reading stops for an input of len bytes: after the last line end
 * within CCSIG_ROBOTS_MAX_SIZE (len itself when len is within the limit). */
size_t robots_used_length(const char *p, size_t len);

/* A compiled rule: allow/disallow, Content-Usage or Content-Signal. */
typedef struct robots_rule {
    const char *pat;  /* normalised path pattern ("" for none) */
    uint32_t pat_len; /* the match priority */
    uint32_t lit_len; /* bytes before the first '*' or a final '$' */
    uint64_t head;    /* first min(lit_len, 8) bytes, for a quick reject */
    uint64_t mask;
    uint32_t line;
    uint32_t group; /* index in groups, UINT32_MAX for a line outside groups */
    uint32_t stmt;  /* Content-Usage / Content-Signal: index in stmts */
    ccsig_str text; /* the line */
    ccsig_str use;  /* Content-Signal use= value */
    uint8_t allow;  /* access rules: 1 allow, 0 disallow */
    uint8_t wild;   /* a '*' or a final '$' follows lit_len */
} robots_rule;

typedef struct robots_group {
    uint32_t line; /* first user-agent line */
    ccsig_str text;
    uint32_t acc_first, acc_n;
    uint32_t cu_first, cu_n;
    uint32_t cs_first, cs_n;
    double crawl_delay; /* first valid Crawl-delay line of the group, -1 when none */
    bool global;        /* names `*` */
} robots_group;

typedef struct robots_agent_entry {
    const char *tok; /* product token as first written in the file */
    uint32_t len;
    uint32_t hash;     /* of the lowercased token */
    uint32_t first, n; /* range in glist */
} robots_agent_entry;

/* Case-insensitive order of product tokens. */
int robots_tokcmp(const char *a, size_t al, const char *b, size_t bl);

struct ccsig_robots {
    char *text; /* copy of the bytes read, in the same block, then ROBOTS_PAD zeros */
    size_t len;
    ccsig_str origin;
    ccsig_robots_info info;
    robots_rule *access;
    size_t naccess;
    robots_rule *usage;
    size_t nusage;
    robots_rule *signal; /* global lines first: [0, nsignal_global) */
    size_t nsignal, nsignal_global;
    robots_group *groups;
    size_t ngroups;
    uint32_t *glist; /* group index lists of agents and of `*` (in the agents block) */
    size_t nglist;
    robots_agent_entry *agents; /* in order of first appearance */
    size_t nagents;
    uint32_t *agent_slots; /* hash table: index in agents + 1, 0 when empty */
    uint32_t agent_mask;   /* slots - 1 (a power of two minus one) */
    uint32_t global_first, global_n;
    ccsig_statement *stmts;
    size_t nstmts;
    ccsig_robots_license *licenses;
    size_t nlicenses;
    ccsig_arena arena;
};

/* The access decision of a set of groups for a normalised path. *rule gets
 * the deciding rule (NULL when none). Returns true when allowed. */
bool robots_decide(const ccsig_robots *r, const uint32_t *gl, size_t ngl, const char *path,
                   size_t n, const robots_rule **rule);

/* Whether a compiled rule's pattern matches a normalised path. */
bool robots_rule_matches(const robots_rule *rule, const char *path, size_t n);

/* Normalise a path pattern as compile does (RFC 9309 §2.2.2); out must hold
 * 3 * n bytes. Returns the length written. */
size_t robots_normalize_pattern(const char *s, size_t n, char *out);

/* Split a Content-Usage / Content-Signal value into path and expression
 * (attach draft "Processing Content-Usage Rules"). */
void robots_split_value(const char *v, size_t n, ccsig_str *path, ccsig_str *expr);

#pragma GCC visibility pop

#endif
