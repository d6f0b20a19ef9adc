/*
 * ccsig/declare.h — one declaration, every artifact a steward publishes.
 *
 * A declaration says how machines may use a collection: one or more
 * categories of use (train-ai, search, ...), each allowed or denied, a denial
 * optionally lifted by a CC signal (the reuser gives credit, contributes,
 * ...), where on the site it
 * applies (path prefixes, or the whole site), which crawlers the robots.txt
 * rules address, who declares it (party name and URL, used for credit) and
 * whether that party holds the copyright.
 *
 * From one declaration the generators write, correct by construction (every
 * artifact carries every entry, in order):
 *   expression  the content usage expression   train-ai=n;exceptions=cc-cr
 *               (several entries: train-ai=n;exceptions=cc-cr-ec, search=y)
 *   robots      robots.txt lines (a User-Agent group with Content-Usage rules)
 *   header      the Content-Usage response header line
 *   nginx, apache, caddy, lighttpd
 *               server configuration attaching that header to the paths
 *   xmp         an XMP packet: the ccsig namespace (ccsig/xmpns.h) plus the
 *               matching IPTC plus:DataMining and TDMRep tdm:* properties
 *   croissant, dataset-card, datapackage
 *               dataset metadata carrying the expression (ccsig_dataset_write in
 *               ccsig/sources.h: what ccsig inspect reads back)
 *   text, markdown, html
 *               the human-readable declaration (the signal's terms verbatim,
 *               the category in plain words, the copyright status, how to
 *               give credit, the machine-readable lines, CC BY attribution)
 * and the JSON form puts the declaration and all of them in one object
 * (ccsig_declare_write_json: `ccsig declare --format json`), which
 * ccsig_declare_read_json reads back (`ccsig declare --from FILE`).
 *
 * Every generator validates the declaration first (ccsig_declaration_validate)
 * and writes nothing on failure. The library never prints: output goes to a
 * caller-owned ccsig_buf, errors to a ccsig_error.
 */
#ifndef CCSIG_DECLARE_H
#define CCSIG_DECLARE_H

#include "ccsig/arena.h"
#include "ccsig/buf.h"
#include "ccsig/common.h"
#include "ccsig/pref.h"
#include "ccsig/vocab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits. Paths and names end up in server configuration, robots.txt and
 * metadata; these bounds keep every artifact readable and every config
 * parser happy, far above what a real collection needs. */
#define CCSIG_DECLARE_MAX_PATHS 32  /* --path prefixes in one declaration */
#define CCSIG_DECLARE_MAX_PATH 1024 /* bytes per path (URLs past 2 KiB break clients) */
#define CCSIG_DECLARE_MAX_NAME 200  /* party and collection names, bytes of UTF-8 */
#define CCSIG_DECLARE_MAX_URL 2048  /* party and policy URLs (common client limit) */
#define CCSIG_DECLARE_MAX_AGENT 128 /* robots.txt product token */

/* Whether the declaring party holds the copyright in the collection. The CC
 * signals proposal says the effect of a signal depends on it. */
typedef enum ccsig_copyright {
    CCSIG_COPYRIGHT_UNSTATED = 0, /* not said: the declaration explains both cases */
    CCSIG_COPYRIGHT_HOLDER,       /* holds it, or may act for those who do */
    CCSIG_COPYRIGHT_NOT_HOLDER,   /* stewards content whose rights others hold (or none) */
    CCSIG_COPYRIGHT_MIXED,        /* some of each */
    CCSIG_COPYRIGHT_COUNT
} ccsig_copyright;

/* "unstated", "holder", "not-holder", "mixed". */
const char *ccsig_copyright_name(ccsig_copyright c);
/* Parse "holder", "not-holder", "mixed" (and "unstated"). */
bool ccsig_copyright_parse(const char *p, size_t len, ccsig_copyright *out);

/* One category of use and what the declaration says about it. */
typedef struct ccsig_declare_use {
    ccsig_category use;  /* the category declared */
    ccsig_state state;   /* CCSIG_STATE_ALLOW or CCSIG_STATE_DENY */
    ccsig_signal signal; /* lifts the deny; CCSIG_SIGNAL_NONE for a plain deny or an allow */
} ccsig_declare_use;

/* At most this many categories in one declaration (one entry per category;
 * validation refuses a category twice and categories whose labels overlap,
 * so at most three are valid: train-ai or train-genai, ai-use, search). */
#define CCSIG_DECLARE_MAX_USES CCSIG_CAT_COUNT

/* One declaration: an ordered list of (category, allow | deny [unless a CC
 * signal]) entries, and what they share (paths, agent, party, ...). The
 * first entry is use/state/signal (so a single-category declaration is
 * written as before); further entries are more[0..nmore), in order.
 * Strings are borrowed (NUL-terminated, owned by the caller, must outlive
 * every call that takes the declaration). */
typedef struct ccsig_declaration {
    ccsig_category use;  /* the first category declared */
    ccsig_state state;   /* CCSIG_STATE_ALLOW or CCSIG_STATE_DENY */
    ccsig_signal signal; /* lifts the deny; CCSIG_SIGNAL_NONE for a plain deny or an allow */
    ccsig_declare_use more[CCSIG_DECLARE_MAX_USES - 1]; /* further categories, in order */
    size_t nmore;
    const char *paths[CCSIG_DECLARE_MAX_PATHS]; /* URL path prefixes; none = the whole site */
    size_t npaths;
    const char *agent;      /* robots.txt product token; NULL or "*" = every crawler */
    const char *collection; /* what the collection is, in a few words; may be NULL */
    const char *party_name; /* the declaring party (who to credit); may be NULL */
    const char *party_url;  /* its web address, the credit link; may be NULL */
    const char *policy_url; /* where the human-readable declaration is published
                               (written as tdm:policy and ccsig:declaration); may be NULL */
    ccsig_copyright copyright;
} ccsig_declaration;

/* A deny with no signal, no paths, every agent, nothing named, use NONE (so
 * validation fails until the caller sets a category). */
void ccsig_declaration_init(ccsig_declaration *d);

/* The declaration's entries in order (the first one, then more[]): returns
 * how many (1 + nmore, at most CCSIG_DECLARE_MAX_USES) were put in out. */
size_t ccsig_declare_uses(const ccsig_declaration *d,
                          ccsig_declare_use out[CCSIG_DECLARE_MAX_USES]);

/* Append an entry: the first one when d has no category yet, else one more.
 * Returns CCSIG_OK, or CCSIG_ERR_USAGE with err filled when the category is
 * already declared or the declaration is full. (Other checks are
 * validate's.) */
ccsig_status ccsig_declare_add_use(ccsig_declaration *d, ccsig_category use, ccsig_state state,
                                   ccsig_signal signal, ccsig_error *err);

/* Check every field. Returns CCSIG_OK, or CCSIG_ERR_USAGE with err->message
 * naming the field and what is expected, err->offset the byte offset inside
 * the offending value (err->line is the 1-based index of the offending path
 * for path errors, else 0). Rules:
 *   use          a category; state ALLOW or DENY; for each entry;
 *   signal       only with DENY (an exception on an allow means nothing);
 *   entries      at most CCSIG_DECLARE_MAX_USES; no category twice, and no two
 *                whose labels overlap (train-ai and train-genai are both
 *                written train-ai; automated-processing is written as
 *                train-ai, ai-use and search, so it stands alone);
 *   paths        each starts with '/', at most CCSIG_DECLARE_MAX_PATH bytes, of
 *                RFC 3986 path characters that need no percent-encoding
 *                (A-Z a-z 0-9 - . _ ~ ! & ' ( ) + , ; = : @ /): no '*' or '$'
 *                (robots wildcards servers cannot match as prefixes), no '%',
 *                '?', '#', spaces or non-ASCII; no duplicates, and none inside
 *                another (/a/ already covers /a/b/);
 *   agent        "*" or a product token: letters, digits, '-' and '_' (RFC 9309
 *                §2.2.1 has no digits; real tokens do, and the robots matcher keeps them);
 *   names        valid UTF-8 without control characters, not blank, at most
 *                CCSIG_DECLARE_MAX_NAME bytes;
 *   URLs         absolute http or https URLs with a host, RFC 3986 characters
 *                only, at most CCSIG_DECLARE_MAX_URL bytes;
 *   copyright    a ccsig_copyright value. */
ccsig_status ccsig_declaration_validate(const ccsig_declaration *d, ccsig_error *err);

/* The single-value checks used by validate (and by the interactive dialogue
 * to re-ask one answer). Same error conventions; what names the value in the
 * message ("--path", "the party URL", ...). */
ccsig_status ccsig_declare_check_path(const char *p, size_t len, const char *what,
                                      ccsig_error *err);
ccsig_status ccsig_declare_check_agent(const char *p, size_t len, const char *what,
                                       ccsig_error *err);
ccsig_status ccsig_declare_check_name(const char *p, size_t len, const char *what,
                                      ccsig_error *err);
ccsig_status ccsig_declare_check_url(const char *p, size_t len, const char *what, ccsig_error *err);

/* The artifacts the library writes. */
typedef enum ccsig_declare_format {
    CCSIG_DECLARE_EXPRESSION = 0,
    CCSIG_DECLARE_ROBOTS,
    CCSIG_DECLARE_HEADER,
    CCSIG_DECLARE_NGINX,
    CCSIG_DECLARE_APACHE,
    CCSIG_DECLARE_CADDY,
    CCSIG_DECLARE_LIGHTTPD,
    CCSIG_DECLARE_XMP,
    CCSIG_DECLARE_TEXT,
    CCSIG_DECLARE_MARKDOWN,
    CCSIG_DECLARE_HTML,
    CCSIG_DECLARE_CROISSANT,    /* Croissant JSON-LD with ccsig:contentUsage (sources.h) */
    CCSIG_DECLARE_DATASET_CARD, /* Hugging Face dataset card front matter, content_usage */
    CCSIG_DECLARE_DATAPACKAGE,  /* Frictionless datapackage.json, contentUsage */
    CCSIG_DECLARE_FORMAT_COUNT
} ccsig_declare_format;

/* "expression", "robots", "header", "nginx", "apache", "caddy", "lighttpd",
 * "xmp", "text", "markdown", "html", "croissant", "dataset-card", "datapackage". */
const char *ccsig_declare_format_name(ccsig_declare_format f);
bool ccsig_declare_format_parse(const char *p, size_t len, ccsig_declare_format *out);
/* A file name for the artifact when a steward writes them all to a directory
 * ("content-usage.txt", "robots-content-usage.txt", "nginx-content-usage.conf",
 * "declaration.xmp", "declaration.html", ...). */
const char *ccsig_declare_file_name(ccsig_declare_format f);

/* Append the artifact for d to out (nothing on error). Every output ends with
 * a newline, except CCSIG_DECLARE_EXPRESSION which is the bare expression.
 * Returns CCSIG_OK, CCSIG_ERR_USAGE (invalid declaration, see validate), or
 * CCSIG_ERR_NOMEM (out failed). */
ccsig_status ccsig_declare_write(const ccsig_declaration *d, ccsig_declare_format f, ccsig_buf *out,
                                 ccsig_error *err);

/* The content usage label the declaration writes for its (first) category: the
 * current (draft-ietf-aipref-vocab-08) label (ccsig_category_label: train-ai
 * for train-ai and train-genai), or "train-ai, ai-use, search" for
 * automated-processing, which no current label expresses and which is
 * written as those three. Declarations never write a legacy label. */
const char *ccsig_declare_label(const ccsig_declaration *d);

/* The statement the declaration makes (every entry's categories set;
 * provenance kind CCSIG_SRC_EXPRESSION). What every reader must yield back for a URL the
 * declaration covers: the round-trip tests compare against it. */
void ccsig_declare_statement(const ccsig_declaration *d, ccsig_statement *st);

/* ---- peer vocabularies (docs/xmp-namespace.md "Mapping") ----
 *
 * IPTC plus:DataMining and TDMRep carry only the deny part, without the CC
 * signal (they have no notion of "unless"): a reader that knows neither ccsig
 * nor CC signals sees a plain deny, the same safe degradation as aipref
 * ignoring parameters. Where a peer has no value that means exactly the
 * declared category, nothing is written for it rather than something
 * broader or narrower:
 *
 *   use                   deny                                allow
 *   automated-processing  DMI-PROHIBITED, tdm-reservation 1   DMI-ALLOWED, tdm-reservation 0
 *   train-ai              DMI-PROHIBITED-AIMLTRAINING         -
 *   train-genai           DMI-PROHIBITED-GENAIMLTRAINING      -
 *   ai-use, search        -                                   -
 *
 * tdm-policy is the declaration's policy_url, written only with a
 * reservation of 1 and a CC signal (TDMRep ignores a policy on 0). */
typedef struct ccsig_declare_peers {
    const char *iptc_code;  /* "DMI-PROHIBITED-AIMLTRAINING", ..., or NULL */
    int tdm_reservation;    /* 1, 0, or -1 when not written */
    const char *tdm_policy; /* the policy URL, or NULL */
} ccsig_declare_peers;

#define CCSIG_IPTC_VOCAB "http://ns.useplus.org/ldf/vocab/"

/* The peer values of d: of each entry, the first that has one (validation
 * leaves at most one entry with an IPTC code and at most one with TDMRep
 * values, so no entry's value is dropped). */
void ccsig_declare_peer_values(const ccsig_declaration *d, ccsig_declare_peers *out);

/* ---- the JSON form (declare_json.c) ----
 *
 * One object holds the declaration and every artifact. Field names are
 * stable and documented in docs/ccsig-declare.1:
 *
 *   {"declaration": {"use", "label", "preference", "signal", "conditions",
 *                    "paths", "agent", "collection", "party": {"name", "url"},
 *                    "policy_url", "copyright"},
 *    "expression", "robots", "header", "nginx", "apache", "caddy",
 *    "lighttpd", "xmp", "iptc": {"data_mining"} | null,
 *    "tdmrep": {"reservation", "policy"} | null,
 *    "text", "markdown", "html", "croissant", "dataset_card", "datapackage"}
 *
 * "preference" is "allow" or "deny"; "signal" the exception token ("cc-cr",
 * ...) or null (always null on an allow); "conditions" the names of the
 * signal's conditions (["credit"], ...; [] without a signal); "label" the
 * content usage label written (ccsig_declare_label); absent names are
 * null; "agent" is "*" when none is set; "copyright" is "holder",
 * "not-holder", "mixed" or "unstated". A declaration of several categories
 * has, instead of "use" ... "conditions", "uses": an array of one object
 * {"use", "label", "preference", "signal", "conditions"} per entry, in
 * order. "header" is the header line without its line end; "iptc" and
 * "tdmrep" are the peer values (ccsig_declare_peer_values: data_mining is
 * CCSIG_IPTC_VOCAB and the code; reservation 1 or 0), null when not
 * written; every other artifact is the text ccsig_declare_write writes. */

/* Append the JSON form of d to out: members one per line, indented by two
 * spaces per level, "name": value, [] for an empty array, and a final line
 * end (the layout jansson's JSON_INDENT(2) gives). Strings are written by
 * ccsig_buf_json_str. Nothing is appended on error. Returns CCSIG_OK,
 * CCSIG_ERR_USAGE (invalid declaration, see validate) or CCSIG_ERR_NOMEM.
 * Thread-safe. */
ccsig_status ccsig_declare_write_json(const ccsig_declaration *d, ccsig_buf *out, ccsig_error *err);

/* Read a declaration from the JSON form p[0..len): the "declaration" member
 * of the object, or the object itself when it has no such member (so a
 * bare {"use": ..., "preference": ...} is read too). Of each entry only
 * "use", "preference" and "signal" are read ("label" and "conditions"
 * follow from them); the artifacts are not read. Absent or null optional
 * fields stay unset; "paths" may be absent, null or []. A member name given
 * twice is an error.
 *
 * d is initialised here (ccsig_declaration_init) and filled; every string
 * it then points to is NUL-terminated and lives in the arena a until
 * ccsig_arena_reset or ccsig_arena_free (d must not be used after).
 *
 * Returns CCSIG_OK with d valid (ccsig_declaration_validate passes);
 * CCSIG_ERR_SYNTAX when p is not JSON (jansson's message, err->line and
 * err->column 1-based, the column in characters, a UTF-8 BOM counted as
 * one; err->offset the bytes read); CCSIG_ERR_LIMIT when it nests deeper
 * than the library's JSON reader takes (64 levels); CCSIG_ERR_RANGE when it
 * is JSON but not a declaration: err->message names the field and what it
 * must be, e.g.
 *   declaration: "preference" must be "allow" or "deny"
 *   declaration.uses[1]: "use" must be a category (automated-processing, ...)
 *   declaration.party: "url" must be a string or null
 * or is validate's message after "declaration: ", err->offset is where the
 * value (or the top-level member holding it) starts and err->line 0, and d
 * is left initialised; or CCSIG_ERR_NOMEM. */
ccsig_status ccsig_declare_read_json(ccsig_arena *a, const char *p, size_t len,
                                     ccsig_declaration *d, ccsig_error *err);

/* ---- merging into an existing robots.txt (declare_robots.c) ----
 *
 * The declaration's robots.txt lines are added to an existing file without
 * changing what any other rule means. RFC 9309 merges every group that names
 * an agent, so the lines go in a new group of their own (a comment, the
 * User-Agent line, the Content-Usage rules) and no Allow or Disallow is ever
 * added. The group goes right before the file's first group: a group with
 * rules ends at the next User-Agent line, while one appended at the end could
 * join a last group that has no rules yet; lines before the first group
 * (sitemaps, global Content-Signal) stay first, and so does a UTF-8 BOM. A
 * file without groups gets it at the end. Inserted lines use the line ends
 * of the file (CR, LF or CRLF, as the matcher reads them).
 * When the declaration addresses one crawler that has
 * no group of its own, a "User-agent: TOKEN" line is added to each `*` group
 * so that it keeps obeying exactly the access rules it obeyed before. When a
 * declared path would shadow a shorter Content-Usage rule that applies there
 * (the longest path wins), that rule's preference is repeated on the
 * declared path, so it keeps applying.
 *
 * Then the result is checked, not trusted: both files are compiled with the
 * robots matcher and queried for every agent the file names, an agent it
 * does not name and the declared one, at URLs made from every path in the
 * file and the declared paths. Every crawl answer must be the same (the same
 * rule deciding); where the declaration does not apply, the same rules must
 * apply; where it applies, every category it does not speak about must keep
 * its verdict, and an existing rule that says something else about a
 * category it does speak about is a conflict. Lint must report no error the
 * old file did not have, and the result must fit the 500 KiB crawlers read.
 * Anything else refuses the merge with the reason. */

/* One insertion per `*` group plus the new group; a file with more `*` groups
 * than this is refused. */
#define CCSIG_DECLARE_MAX_INSERTIONS 256
/* The check's cost is agents x URLs x two queries. These bounds keep a merge
 * around a second (sanitizer build) on the largest real files; past them the
 * first agents and paths in file order are checked, plus always the declared
 * agent, an unnamed one and the declared paths. */
#define CCSIG_DECLARE_MERGE_MAX_AGENTS 64
#define CCSIG_DECLARE_MERGE_MAX_URLS 1024
#define CCSIG_DECLARE_MERGE_MAX_NOTES 8 /* notes kept; more are dropped */

/* Lines inserted before old line `before` (0-based; the old line count for
 * the end of the file): inserted.data[off..off+len), whole lines. */
typedef struct ccsig_declare_insertion {
    unsigned before;
    unsigned lines;
    size_t off, len;
} ccsig_declare_insertion;

/* The result of a merge. Every pointer in it (ins, reason, notes, the
 * buffers) is owned by the result and lives until ccsig_declare_merge_free. */
typedef struct ccsig_declare_merge {
    ccsig_buf text;               /* the merged robots.txt */
    ccsig_buf inserted;           /* the text of the insertions */
    ccsig_declare_insertion *ins; /* nins insertions, in file order */
    size_t nins;
    bool newline_added;          /* the old file did not end with a line end; one was added */
    bool unchanged;              /* the file already has these rules: text is the input */
    unsigned group_first;        /* new line of the first Content-Usage rule added */
    unsigned group_rules;        /* Content-Usage lines added (with carried rules) */
    unsigned agents, urls;       /* what the check compared */
    unsigned carried;            /* shadowed rules repeated on a declared path */
    unsigned lint_old, lint_new; /* lint errors before and after */
    const char *reason;          /* why the merge was refused; "" when it was not */
    unsigned reason_line;        /* the old file's line concerned, 0 when none */
    /* Things the steward should know that do not stop the merge (a declared
     * path that robots.txt disallows, so the rule has no effect there). */
    const char **notes; /* nnotes NUL-terminated sentences */
    size_t nnotes;
    /* For the agent `*`: named agents whose groups the rules for `*` do not
     * reach and that do not have the declared rules (a note names them), and
     * the named groups the rules were added to (CCSIG_DECLARE_MERGE_ALL_GROUPS). */
    unsigned uncovered;
    unsigned groups_added;
    bool notes_lost; /* internal: a note could not be stored (the merge fails NOMEM) */
} ccsig_declare_merge;

/* Merge d's robots.txt lines into the robots.txt p[0..len) and check the
 * result (see above). m is initialised here; free it with
 * ccsig_declare_merge_free whatever the result. Returns CCSIG_OK (m->text is
 * the merged file, or the input with m->unchanged), CCSIG_ERR_RANGE (refused:
 * m->reason and m->reason_line say why; err says so too), CCSIG_ERR_USAGE
 * (invalid declaration) or CCSIG_ERR_NOMEM. */
ccsig_status ccsig_declare_robots_merge(const ccsig_declaration *d, const char *p, size_t len,
                                        ccsig_declare_merge *m, ccsig_error *err);

/* Options of ccsig_declare_robots_merge_opts. */
enum {
    /* For the agent `*`: also add the declared Content-Usage rules to every
     * group of the file that names agents (Googlebot, GPTBot, ...) the `*`
     * group does not reach, if they may crawl the root and do not have the
     * rules yet: once per group (as the matcher reads groups: a group's
     * agent list ends only at Allow or Disallow), right after the run of
     * user-agent lines that starts it; the group's other lines and comments
     * stay as they are. Merging again adds nothing. Checked like the rest:
     * where the rules now apply to those agents, nothing else may change. */
    CCSIG_DECLARE_MERGE_ALL_GROUPS = 1u << 0
};

/* ccsig_declare_robots_merge with options (CCSIG_DECLARE_MERGE_*). With
 * ALL_GROUPS and an agent other than `*`: CCSIG_ERR_USAGE. Without it,
 * m->uncovered counts the agents left out and a note names them. */
ccsig_status ccsig_declare_robots_merge_opts(const ccsig_declaration *d, const char *p, size_t len,
                                             unsigned flags, ccsig_declare_merge *m,
                                             ccsig_error *err);

/* A unified diff (3 lines of context) from the old file to m->text. */
void ccsig_declare_merge_diff(const ccsig_declare_merge *m, const char *old, size_t len,
                              const char *old_name, const char *new_name, ccsig_buf *out);

void ccsig_declare_merge_free(ccsig_declare_merge *m);

/* ---- reading a declaration back ---- */

/* Recover use, state and signal from a content usage expression that states
 * exactly one known category (what ccsig declare writes). Returns CCSIG_OK,
 * or CCSIG_ERR_SYNTAX (not a valid expression) / CCSIG_ERR_RANGE (no known
 * category, or more than one) with err filled. */
ccsig_status ccsig_declare_from_expression(const char *p, size_t len, ccsig_category *use,
                                           ccsig_state *state, ccsig_signal *signal,
                                           ccsig_error *err);

#ifdef __cplusplus
}
#endif
#endif
