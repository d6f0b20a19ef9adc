/*
 * xmp_component.c — INTERIM: libccsig-xmp is empty while sources/xmp.c sits
 * in the core (see lib/CMakeLists.txt). Removed when XMP packet parsing
 * moves to the expat reader.
 */
#include "ccsig/common.h"

int ccsig_xmp_component_placeholder(void);
int ccsig_xmp_component_placeholder(void) {
    return 0;
}
