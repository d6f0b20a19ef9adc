/*
 * ccsig/wat.h — Common Crawl WAT records: the metadata of a WARC record
 * (its WARC header, its HTTP header and the HTML <head>'s metas and links),
 * already extracted, as JSON in a WARC "metadata" record of the WAT file.
 *
 * A WAT record's JSON (ia-web-commons / webarchive-commons, as Common Crawl
 * writes it) is read from these members, whose names are matched exactly:
 *   Container.Offset                                 the WARC record's offset
 *   Envelope.WARC-Header-Metadata                    the WARC header fields
 *   Envelope.Payload-Metadata.HTTP-Response-Metadata
 *       .Response-Message {Version, Status, Reason}  the status line
 *       .Headers {name: value}                       the HTTP header fields
 *       .Entity-Length                               the payload's length
 *       .HTML-Metadata.Head.Metas [{attribute: value}]   the <meta> tags
 *       .HTML-Metadata.Head.Link  [{path, url, rel, type, ...}] the <link>s
 * Everything else is ignored.
 *
 * ccsig_wat_record turns one into the prefix of the WARC record it
 * describes: a WARC header, the HTTP header block, and a <head> holding
 * the metas and links (attribute values escaped), with a Content-Length that
 * makes the payload as long as Entity-Length says. The scan then reads that
 * prefix with the readers it reads WARC records with (ccsig_evaluate), so a
 * WAT scan and a full scan decide alike whenever the WAT carries what the
 * page says: the same headers (a header repeated in the response is one
 * member in the JSON object: Common Crawl's WAT keeps one value, the last
 * when jansson reads it) and the same <meta>/<link> tags. What differs in
 * the annotations: an HTML statement's line (the tag's line in the
 * reconstructed head) and its text when the page wrote the tag otherwise
 * (other attribute order or quoting), and the archive, which is the WAT's.
 */
#ifndef CCSIG_WAT_H
#define CCSIG_WAT_H

#include "ccsig/arena.h"
#include "ccsig/buf.h"
#include "ccsig/common.h"
#include "ccsig/warc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ccsig_wat_info {
    ccsig_warc_type type; /* the described record's WARC-Type */
    bool has_offset;      /* Container.Offset was a decimal number */
    uint64_t offset;      /* it: the record's offset in its WARC file */
    ccsig_str filename;   /* Container.Filename, the WARC file's name (in a;
                             empty when the WAT does not give it) */
} ccsig_wat_info;

/* Read the JSON payload p[0..len) of one WAT metadata record. For a
 * response or revisit, append to out the WARC record prefix described
 * above (out is appended to, not cleared); for a request or metadata
 * record, its WARC header alone (the fields as the WAT gives them,
 * Content-Length included: what a scan needs to keep it beside the
 * response it belongs to); for other types append nothing.
 * Returns CCSIG_OK with *info filled, CCSIG_ERR_SYNTAX (err: line, column,
 * what) when p is not JSON or has no Envelope.WARC-Header-Metadata object,
 * CCSIG_ERR_NOMEM. Allocates the JSON tree in a (reset it between records). */
ccsig_status ccsig_wat_record(ccsig_arena *a, const char *p, size_t len, ccsig_buf *out,
                              ccsig_wat_info *info, ccsig_error *err);

/* The WARC file a WAT file describes, by Common Crawl's naming:
 * NAME.warc.wat.gz describes NAME.warc.gz (also NAME.wat.gz -> NAME.warc.gz,
 * NAME.warc.wat and NAME.wat -> NAME.warc), in directory dir, or beside the
 * WAT when dir is NULL. *out is allocated (ccsig_free). CCSIG_ERR_USAGE
 * (err says why) when the name does not tell, CCSIG_ERR_NOMEM. */
ccsig_status ccsig_wat_warc_path(const char *wat, const char *dir, char **out, ccsig_error *err);

#ifdef __cplusplus
}
#endif
#endif
