/*
 * fetch_internal.h — what the fetch component's files share (fetch.c,
 * keydir.c). Hidden in the shared library.
 */
#ifndef CCSIG_FETCH_INTERNAL_H
#define CCSIG_FETCH_INTERNAL_H

#include "ccsig/fetch.h"

#pragma GCC visibility push(hidden)

/* Seconds a response may be cached by its Cache-Control: max-age (capped at
 * CCSIG_FETCH_ROBOTS_MAX_AGE, 24 h), 0 for no-store / no-cache, 24 h when
 * nothing is said. */
long fetch_cache_lifetime(const ccsig_response *r);

#pragma GCC visibility pop

#endif
