/*
 * ccsig/version.h — the version of the libccsig headers.
 *
 * The macros give the version a program was compiled against;
 * ccsig_version() and ccsig_version_number() (ccsig/common.h) the version of
 * the library it runs with. The soname's number is CCSIG_VERSION_MAJOR
 * (libccsig.so.0): releases with the same major version are ABI-compatible.
 * Kept equal to project(VERSION) in CMakeLists.txt (the configure step
 * checks it).
 */
#ifndef CCSIG_VERSION_H
#define CCSIG_VERSION_H

#define CCSIG_VERSION_MAJOR 0
#define CCSIG_VERSION_MINOR 1
#define CCSIG_VERSION_PATCH 0

/* major * 10000 + minor * 100 + patch: 0.1.0 is 100, 1.2.3 is 10203. */
#define CCSIG_VERSION_NUMBER                                                                       \
    (CCSIG_VERSION_MAJOR * 10000 + CCSIG_VERSION_MINOR * 100 + CCSIG_VERSION_PATCH)

#define CCSIG_VERSION_STRING "0.1.0"

#endif
