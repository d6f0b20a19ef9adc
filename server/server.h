/*
 * server.h — ccsig serve, the steward gateway: the server object shared by
 * the HTTP glue (server.c), the public pages (pages.c) and the steward pages
 * (steward.c).
 *
 * Handlers never touch libmicrohttpd: they read a request view (rq) and fill
 * a reply (a status, headers, and a body in memory, a file range or a tar
 * stream); server.c turns the reply into an MHD response, after recording it
 * in the ledger when the request carried a key.
 */
#ifndef CCSIG_SERVE_SERVER_H
#define CCSIG_SERVE_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "accesslog.h"
#include "ccsig/buf.h"
#include "ccsig/rsl.h"
#include "files.h"
#include "httputil.h"
#include "journal.h"
#include "keycache.h"
#include "ledger.h"
#include "paycrawl.h"
#include "policy.h"
#include "ratelimit.h"
#include "search.h"
#include "store.h"
#include "tasl.h"
#include "wba.h"

typedef struct serve_config {
    const char *collection;
    const char *db;           /* "sqlite:PATH" or "postgresql://..." */
    const char *search_index; /* FTS5 file (sqlite); default DB path + ".search" */
    const char *instance;     /* name recorded in the ledger; default host:pid */
    bool public_url_given;    /* policy->public_url was set explicitly */
    bool quiet;
    const char *access_log; /* combined-format access log file, or NULL (accesslog.h) */
} serve_config;

/*
 * Slow clients (slowloris): libmicrohttpd's connection timeout is an idle
 * timeout (every byte restarts it) and nothing bounds the time a client
 * takes to send its request headers, so a few hundred connections that
 * trickle a byte every few seconds hold every connection slot for as long
 * as they like. The gateway adds, as nginx's client_header_timeout does:
 *
 *   - a header deadline: a connection must finish a request's headers
 *     within header-timeout seconds of its opening (or of the end of its
 *     previous request, on a keep-alive connection);
 *   - a global budget: at most max-header-connections connections may be
 *     reading headers at once; a new connection over the budget evicts the
 *     one that has been reading headers the longest (a well-behaved client
 *     sends its headers in one segment and is never the oldest for long).
 *
 * Design (libmicrohttpd 0.9.75, Debian 12, which has no call to close a
 * connection from outside its thread): every connection is linked into one
 * list (hdr_watch, a mutex) by MHD_OPTION_NOTIFY_CONNECTION when it
 * starts, unlinked by the first call of the access handler (its headers
 * are complete) and linked again by MHD_OPTION_NOTIFY_COMPLETED (the next
 * request's headers). Deadlines are the link time plus one constant, so
 * the list is in deadline order: the reaper thread (a 100 ms tick) closes
 * from its head, and eviction takes the head. Closing is shutdown(2) of the
 * connection's socket (MHD_CONNECTION_INFO_CONNECTION_FD), under the list's
 * mutex: the connection's own thread sees the end of the stream and closes
 * it the usual way; the socket stays open until the CLOSED notification,
 * which unlinks the connection under the same mutex, so the reaper never
 * touches a closed (or reused) descriptor.
 */
typedef struct hdr_watch hdr_watch;

typedef struct server {
    policy *pol;
    const serve_config *cfg;
    coll *coll;
    store *st;
    ledger *led;
    journal *journal; /* ledger-sync: process with SQLite */
    search *search;
    tasl *tasl;      /* per-file credit records (tasl.c) */
    accesslog *alog; /* --access-log, or NULL */
    rl_table *rl;
    keycache *keys;
    struct MHD_Daemon *daemon;
    hdr_watch *hw; /* slow-client defences (above) */
    char instance[48];
    int64_t started_s;
    ccsig_buf robots, tdmrep, declaration; /* generated once from the policy */
    char gen_etag[40];                     /* validator of the generated files */
    ccsig_buf license_xml, license_url;    /* the RSL licence document and its URL (rsl.c) */
    ccsig_buf license_link;                /* its Link field value (rel="license") */
    ccsig_buf terms_doc;                   /* the current terms, JSON (terms.c) */
    terms_rec terms;                       /* its version, hash and date */
    unsigned char sign_sk[64];             /* receipt signing key (receipt.c) */
    unsigned char sign_pk[32];
    unsigned char content_master[32]; /* encrypted assets' master key (rsl.c) */
    ccsig_rsl_cipher content_cipher;  /* what they are encrypted with */
    bool secure_cookies;              /* public URL is https */
    wba *wba;                         /* Web Bot Auth (wba.h) */
} server;

/* The access class a request was given. */
typedef struct rq_class {
    tier_id tier;
    bool keyed;
    /* The request presented a key that was refused (malformed, unknown,
     * wrong secret, revoked, rejected) or could not be looked up yet: it is
     * answered 401 (or 429 for key lookups over their rate) and its
     * X-Access-Class is "invalid-key", never a class it did not earn. */
    bool key_refused;
    reuser_key key; /* when keyed */
    /* Web Bot Auth (wba.h): the request's signature was refused (401,
     * X-Access-Class "invalid-signature"), or verified: agent is its
     * Signature-Agent (keyed when a reuser registered it). */
    bool signature_refused;
    bool signed_agent;
    unsigned signed_covers; /* WBA_COVERS_*: price headers the signature covers */
    char agent[256];
} rq_class;

/* The request headers the hot path reads, found in one pass over the
 * header list (NULL when absent; the first of repeated fields). */
typedef struct rq_hdrs {
    const char *authorization, *if_none_match, *if_modified_since, *range, *if_range;
    const char *user_agent, *accept_language, *request_id, *forwarded_for;
    const char *signature_input; /* Web Bot Auth (wba.h) */
} rq_hdrs;

/* A request as the handlers see it. */
typedef struct rq {
    server *srv;
    void *con; /* struct MHD_Connection */
    const char *method;
    const char *path;   /* decoded, as libmicrohttpd gives it */
    const char *target; /* the request target as sent: path and query, not decoded
                           (RFC 9421 @path, @query: the signature check) */
    route rt;
    char addr[64];
    rq_class cls;
    rq_hdrs h;
    const char *body;
    size_t body_len;
    bool body_too_large;
    price charge; /* pay per crawl (paycrawl.h): what the request is charged */
    /* The ledger's path for this request when not the request's own (the
     * key endpoint names the file whose key it handed out); "" otherwise. */
    char ledger_path[LEDGER_PATH_MAX + 1];
} rq;

/* The current search index (NULL when search is off). A reindex (SIGHUP)
 * swaps it: load it once per use. */
static inline search *server_search(const server *s) {
    return __atomic_load_n(&s->search, __ATOMIC_ACQUIRE);
}

/* Header and query argument lookups (NULL when absent). */
const char *rq_header(const rq *r, const char *name);
const char *rq_arg(const rq *r, const char *name);

#define REPLY_MAX_HEADERS 24
/* Formatted header values live in the reply itself (no allocation for the
 * usual ones: ETag, Last-Modified, Retry-After...); a value that does not
 * fit is allocated. */
#define REPLY_HDR_ARENA 512

typedef enum reply_kind { REPLY_BUF = 0, REPLY_FILE, REPLY_TAR } reply_kind;

typedef struct reply {
    unsigned status;
    reply_kind kind;
    ccsig_buf body; /* REPLY_BUF */
    int fd;         /* REPLY_FILE: owned until handed to MHD */
    uint64_t off, len;
    tar_stream *tar; /* REPLY_TAR: owned until handed to MHD */
    size_t nhdr;
    const char *hname[REPLY_MAX_HEADERS]; /* always a string literal */
    const char *hvalue[REPLY_MAX_HEADERS];
    bool hown[REPLY_MAX_HEADERS]; /* hvalue was allocated for this reply */
    size_t arena_used;            /* must stay the last members (reply_init) */
    char arena[REPLY_HDR_ARENA];
} reply;

void reply_init(reply *rp);
void reply_free(reply *rp);
/* Set a header (name: a string literal); replaces an earlier value. */
void reply_header(reply *rp, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As reply_header, but a field line of its own beside earlier ones of the
 * same name (Link: the credit, the RSL licence and others each on its own). */
void reply_header_line(reply *rp, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Another field line of the same name (a list or dictionary field). value
 * is not copied: it must outlive the reply (a literal, the policy's text). */
void reply_header_add(reply *rp, const char *name, const char *value);
/* Set a header to a value that outlives the reply (not copied). */
void reply_header_static(reply *rp, const char *name, const char *value);
/* Bytes the body will carry (0 for HEAD is decided by the caller). */
uint64_t reply_size(const reply *rp);

/* ---- pages.c ---- */

/* The HTML page frame around a body; sets Content-Type and the security
 * headers of generated pages. */
void page_begin(const server *s, ccsig_buf *b, const char *title);
void page_end(ccsig_buf *b);
void page_headers(reply *rp);
/* A plain page with a heading and a message (message is HTML). */
void page_message(const server *s, reply *rp, unsigned status, const char *title, const char *html);
/* An error in the client's preferred form (JSON when asked). */
void reply_error(const rq *r, reply *rp, unsigned status, const char *title, const char *msg);

void page_home(rq *r, reply *rp);
void page_declaration(rq *r, reply *rp);
void page_search(rq *r, reply *rp);
void page_register(rq *r, reply *rp);
void page_style(rq *r, reply *rp);

/* Whether v is text of min to max bytes (the database's fields are counted
 * in bytes), valid UTF-8, without control characters (but line breaks and
 * tabs when multiline); NULL is text of 0 bytes. The one check of every
 * form's text fields. */
bool text_ok(const char *v, size_t min, size_t max, bool multiline);
/* The pledges (CCSIG_COND_*) a form's commit-* fields make. */
unsigned pledges_from_form(const hu_form *f);
/* Append to errs (HTML items) and plain (sentences) each condition that the
 * CC signals attached to use ask for, over all the policy's rules, and that
 * commitments lack (ccsig_decide per rule), naming the signal and the form
 * field; nothing when the use is allowed outright or the pledges suffice. */
void pledges_missing(const policy *p, ccsig_category use, unsigned commitments, ccsig_buf *errs,
                     ccsig_buf *plain);

/* ---- terms.c ---- */

/* The terms document of a policy (canonical JSON, one line). */
void terms_json(const policy *p, ccsig_buf *out);
/* SHA-256 of a document, hex. */
void terms_hash(const char *json, size_t len, char hex[STORE_HASH_HEX + 1]);
/* Generate the current terms and record them (a new version when they
 * differ from every earlier one); fills s->terms_doc and s->terms. */
int terms_publish(server *s, char *err, size_t errlen);
/* The stable URL of a version. */
void terms_url(const server *s, const char *hash, ccsig_buf *out);
/* {"version","hash","url"} of the current terms. */
void terms_ref_json(const server *s, ccsig_buf *b);
/* Record that reuser_id accepted the current terms now, from addr. */
int terms_record(server *s, int64_t reuser_id, int use, unsigned commitments, const char *addr);
/* False (and rp a 403 "New terms to accept") when a bulk key stands on an
 * older version of the terms and the route is not one it needs to accept. */
bool terms_gate(rq *r, reply *rp);
/* /terms, /terms.json, /terms/HASH[.json], POST /terms/accept. */
void page_terms(rq *r, reply *rp);
/* Steward pages: a reuser's acceptances; every version. */
void terms_acceptances_html(server *s, int64_t reuser_id, ccsig_buf *b);
void terms_versions_html(server *s, ccsig_buf *b);

/* ---- receipt.c ---- */

/* Read the gateway's receipt signing key from the store (made and stored
 * at the first start). */
int receipt_key_load(server *s, char *err, size_t errlen);
/* GET /.well-known/ccsig-receipt-key. */
void page_receipt_key(rq *r, reply *rp);
/* GET /receipt: the key's signed usage statement. */
void page_receipt(rq *r, reply *rp);

/* ---- reports.c: where a reuser's credit appears ---- */

/* /credit/reports with a key: POST url (http or https, at most
 * STORE_REPORT_URL_MAX bytes) and note (optional) records a report (201,
 * JSON); GET lists the key's own reports (JSON). */
void page_credit_reports(rq *r, reply *rp);
/* Steward pages: the reports of one reuser (reuser_id 0: everyone's, with
 * the reuser's name), as a table with id "reports". */
void reports_html(server *s, int64_t reuser_id, ccsig_buf *b);

/* ---- rsl.c: RSL 1.0 licence, CAP and OLP ---- */

/* Generate the RSL licence document of the policy, its URL and Link value
 * (s->license_xml, license_url, license_link). */
void rsl_generate(server *s);
/* Verify a CAP licence token (signature, expiry, licence URL): true with
 * the key id it was issued to and its reuser; false with rp a 401. */
bool rsl_token_admit(const rq *r, reply *rp, const char *tok, size_t len,
                     char id[HU_KEY_ID_LEN + 1], int64_t *reuser_id);
/* A key from OLP's Basic client credentials (base64 of client_id, ':',
 * client_secret: the key's id and secret): writes "ccsig_<id>_<secret>"
 * (HU_KEY_LEN + 1 bytes); false when they are not a key's halves. */
bool rsl_basic_key(const char *b64, size_t len, char key[HU_KEY_LEN + 1]);
/* 401 with WWW-Authenticate: License (error may be NULL: none presented). */
void rsl_unauthorized(const rq *r, reply *rp, const char *error, const char *msg);
/* Whether automated access to path needs a licence (ccsig_rsl_licence_required
 * on the path's rule). */
bool rsl_licence_required(const server *s, const char *path);
/* Add the Link: <licence>; rel="license" field line. */
void rsl_link_header(const server *s, reply *rp);
/* POST /token (OLP), POST /introspect (RFC 7662), GET /.well-known/jwks.json. */
void page_token(rq *r, reply *rp);
void page_introspect(rq *r, reply *rp);
void page_jwks(rq *r, reply *rp);
/* Derive the content master key from the signing key (after
 * receipt_key_load) and choose the cipher of encrypted files. */
void rsl_keys_init(server *s);
/* Whether the rule of path (a server path) says encrypted: true. */
bool rsl_encrypted(const server *s, const char *path);
/* Serve the collection file rel (fd open on it, st its status) encrypted
 * for the key endpoint's key; takes fd. */
void rsl_serve_sealed(rq *r, reply *rp, int fd, const struct stat *st, const char *rel);
/* GET /key?resource=URL or POST /key (resource=): OLP's key endpoint. */
void page_key(rq *r, reply *rp);

/* ---- steward.c ---- */

void steward_handle(rq *r, reply *rp);
/* Hash a password (argon2id) for --set-password. 0 on success. */
int steward_hash_password(const char *pw, char *out, size_t outlen);

/* ---- credit (tasl.c) ---- */

/* The credit for an item (path: "/dir/a.txt"): text from the policy's
 * template filled from the file's credit record (tasl.h), and the CC
 * signal to show with it (NULL when none applies). title is used only when
 * the file is gone (the record is then the policy's alone). */
void server_credit(const server *s, const char *path, const char *title, ccsig_category use,
                   ccsig_buf *text, const char **signal);
/* {"text","collection","url","signal", then the members of the file's
 * credit record (ccsig_credit_record_write_json: "type", "title", "link",
 * "source", "source_link", "author", "license", "signals", ...) with the
 * decision for use}: one object that Wikimedia-style attribution consumers
 * (title, link, source, license) and ccsig_credit_records_read both read. */
void server_credit_json(const server *s, const char *path, const char *title, ccsig_category use,
                        ccsig_buf *out);
/* The Link field of a file response (rel: "dir/a.txt", st: its stat):
 * rel="cite-as" with title, author and signal, rel="collection",
 * rel="license" (tasl.c). */
void server_credit_link(const server *s, const char *rel, const struct stat *st, reply *rp);

/* ---- enforcement (server.c) ---- */

/* The X-Access-Class of a request: its tier's name, or "invalid-key". */
const char *rq_class_name(const rq_class *c);

/* Whether the request's client may have the content at path (a file, a
 * range of it, a search hit, a bulk archive member or manifest entry), by
 * the library's decision (ccsig_decide) on the path's rule:
 *   - people in browsers: always (the preferences govern machines);
 *   - a key: for the use it registered (use is ignored), with the pledges
 *     it made and, once approved, its public-interest purpose;
 *   - automated clients without a key: for use with no pledge, or when use
 *     is CCSIG_CAT_NONE (a file fetch states no use) for at least one use.
 * d is filled with the decision that answered (result PERMITTED for
 * browsers; for a refusal, missing names the conditions not pledged).
 * Thread-safe; allocates nothing. */
bool access_decide(const rq *r, const char *path, ccsig_category use, ccsig_decision *d);

/* For endpoints that act for a key (terms acceptance, receipts): true when
 * the request carries a valid key; otherwise rp is a 401 saying what the
 * key is needed for (why: a sentence). */
bool require_key(const rq *r, reply *rp, const char *why);

/* Read a posted form (application/x-www-form-urlencoded) into f: false and
 * rp a 415 or 400 otherwise. On success free f with hu_form_free. */
bool form_read(const rq *r, reply *rp, hu_form *f);

/* The reuser's profile of a keyed request (use, pledges, approved purpose). */
void access_profile(const rq_class *c, ccsig_profile *out);

/* ---- keys (server.c) ---- */

/* A new key: writes the whole key (HU_KEY_LEN + 1), its id and the hex hash
 * of its secret. */
void key_generate(char *key, char id[HU_KEY_ID_LEN + 1], char hash[STORE_HASH_HEX + 1]);
/* Hash of a secret (hex). */
void key_hash(const char *secret, size_t len, char hash[STORE_HASH_HEX + 1]);
/* Constant-time comparison of a presented secret with a stored hash. */
bool key_verify(const char *secret, size_t len, const char *stored_hash_hex);

/* The tier of a reuser (by kind and status). */
tier_id tier_of(int kind, int status);

/* The journal file of a database URL ("sqlite:PATH" -> "PATH.journal");
 * empty for PostgreSQL. */
void journal_path_for(const char *db, char *out, size_t n);

/* Run the gateway until SIGINT or SIGTERM. Returns an exit code. */
int server_run(policy *pol, const serve_config *cfg);

#endif
