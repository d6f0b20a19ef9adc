/*
 * ccsig/ccsig.h — the whole core API of libccsig in one include.
 *
 *   #include <ccsig/ccsig.h>      cc prog.c $(pkg-config --cflags --libs ccsig)
 *
 * Every public header of the core library (pkg-config module ccsig), and the
 * version macros (ccsig/version.h). The optional components have their own
 * header and library: live fetching, ccsig/fetch.h (pkg-config ccsig-fetch,
 * libcurl; ccsig/check.h, the live URL check built on it); XMP taken out
 * of files through exempi, ccsig_xmp_read_file declared in ccsig/sources.h
 * (pkg-config ccsig-xmp, exempi). A program may include only the headers it
 * uses instead: each header includes what it needs.
 */
#ifndef CCSIG_CCSIG_H
#define CCSIG_CCSIG_H

#include "ccsig/version.h"

#include "ccsig/alloc.h"
#include "ccsig/arena.h"
#include "ccsig/attribution.h"
#include "ccsig/audit.h"
#include "ccsig/buf.h"
#include "ccsig/common.h"
#include "ccsig/credit.h"
#include "ccsig/declare.h"
#include "ccsig/evaluate.h"
#include "ccsig/hashmap.h"
#include "ccsig/httpmsg.h"
#include "ccsig/httpsig.h"
#include "ccsig/index.h"
#include "ccsig/pref.h"
#include "ccsig/report.h"
#include "ccsig/robots.h"
#include "ccsig/robots_store.h"
#include "ccsig/rsl.h"
#include "ccsig/scan.h"
#include "ccsig/scan_session.h"
#include "ccsig/receipt.h"
#include "ccsig/sf.h"
#include "ccsig/shard.h"
#include "ccsig/sources.h"
#include "ccsig/summary.h"
#include "ccsig/text.h"
#include "ccsig/url.h"
#include "ccsig/vocab.h"
#include "ccsig/warc.h"
#include "ccsig/wat.h"
#include "ccsig/xmpns.h"

#endif
