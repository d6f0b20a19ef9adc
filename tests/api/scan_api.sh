#!/bin/sh
# scan_api.sh — build tests/api/scan_api.c (a program that uses only the
# public libccsig API) and check that its annotation lines and credit
# manifests are byte for byte what `ccsig scan` writes on the same input,
# with 1 and 2 threads, small chunks, and archives fed by path, fd and
# stream.
#
# usage: scan_api.sh PREFIX_OR_BUILD CCSIG SAMPLE_DIR WORK_DIR
#
#   PREFIX_OR_BUILD  a CMake build tree (has CMakeCache.txt): the program is
#                    compiled with only <source>/include on the include path
#                    and linked with <build>/lib/libccsig.a and the
#                    libraries libccsig needs (found with pkg-config); or an
#                    installed prefix: compiled with
#                        cc scan_api.c $(pkg-config --cflags --libs ccsig)
#                    where pkg-config looks in PREFIX/lib/pkgconfig,
#                    PREFIX/lib/*/pkgconfig and PREFIX/share/pkgconfig
#                    (e.g. after `cmake --install build --prefix /tmp/p`:
#                    tests/api/scan_api.sh /tmp/p build/programs/ccsig
#                    build/sample /tmp/w).
#   CCSIG            the ccsig command to compare with
#   SAMPLE_DIR       the sample crawl the build writes (crawl.warc.gz and
#                    robots.warc.gz, build/sample/)
#   WORK_DIR         scratch directory (created, emptied)
set -eu
[ $# -eq 4 ] || { echo "usage: scan_api.sh PREFIX_OR_BUILD CCSIG SAMPLE_DIR WORK_DIR" >&2; exit 2; }
where=$1 ccsig=$2 sample=$3 work=$4
abs() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
where=$(abs "$where") ccsig=$(abs "$ccsig") sample=$(abs "$sample")
case $work in /*) ;; *) work=$(pwd)/$work ;; esac
here=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-cc}
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
prog=$work/scan_api
flags="-std=c11 -Wall -Wextra -Werror -O1"

if [ -f "$where/CMakeCache.txt" ]; then
    src=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$where/CMakeCache.txt")
    [ -f "$src/include/ccsig/scan_session.h" ] || fail "no source tree for $where"
    lib=$where/lib/libccsig.a
    [ -f "$lib" ] || fail "$lib is missing (build libccsig first)"
    # What lib/CMakeLists.txt links libccsig with.
    deps=$(pkg-config --libs libisal libzstd expat exempi-2.0 libxml-2.0 libcbor yaml-0.1 \
        libcurl jansson libsodium)
    san=""
    if grep -q '^CCSIG_SANITIZE:BOOL=ON' "$where/CMakeCache.txt"; then
        san="-fsanitize=address,undefined"
    fi
    # shellcheck disable=SC2086
    $cc $flags $san -I"$src/include" "$here/scan_api.c" "$lib" $deps -lpthread -lm -o "$prog" ||
        fail "scan_api.c does not build against the build tree $where"
else
    PKG_CONFIG_PATH=$where/lib/pkgconfig:$(echo "$where"/lib/*/pkgconfig | tr ' ' ':'):$where/share/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
    export PKG_CONFIG_PATH
    # shellcheck disable=SC2046
    # CCSIG_API_CFLAGS: the sanitizers of a sanitized library (tests/api/CMakeLists.txt).
    # shellcheck disable=SC2046,SC2086
    $cc $flags ${CCSIG_API_CFLAGS:-} "$here/scan_api.c" $(pkg-config --cflags --libs ccsig) -o "$prog" ||
        fail "scan_api.c does not build with pkg-config ccsig under $where"
    # The program must run on the installed shared library, not a copy of the build's.
    if command -v readelf >/dev/null; then
        readelf -d "$prog" | grep -q 'NEEDED.*libccsig\.so\.0' ||
            fail "scan_api does not link the installed libccsig.so.0"
        readelf -d "$prog" | grep -E 'NEEDED.*(libcurl|libexempi)' &&
            fail "scan_api needs libcurl or libexempi"
    fi
    LD_LIBRARY_PATH=$where/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
fi

site=$here/../data/scan/site.warc
archives="$sample/crawl.warc.gz $site"
profile="--use train-ai --commit credit"
robots="--robots $sample/robots.warc.gz"
cd "$work"
n=0
compare() { # label ccsig-args -- scan_api-args
    n=$((n + 1))
    label=$1
    shift
    ref_args="" api_args="" side=ref
    for a in "$@"; do
        if [ "$a" = "--" ]; then side=api; continue; fi
        if [ $side = ref ]; then ref_args="$ref_args $a"; else api_args="$api_args $a"; fi
    done
    for fmt in json md; do
        rc_ref=0 rc_api=0
        # shellcheck disable=SC2086
        "$ccsig" scan --quiet $profile $robots $ref_args --annotate ref$n.jsonl \
            --credit ref$n.credit.$fmt $archives > /dev/null 2> ref$n.err || rc_ref=$?
        # shellcheck disable=SC2086
        "$prog" $profile $robots $api_args --annotate api$n.jsonl \
            --credit api$n.credit.$fmt $archives 2> api$n.err || rc_api=$?
        [ "$rc_ref" = "$rc_api" ] || fail "$label: exit $rc_api, ccsig scan $rc_ref"
        [ -s ref$n.jsonl ] || fail "$label: ccsig scan wrote no annotation"
        cmp ref$n.jsonl api$n.jsonl || fail "$label: annotation differs"
        cmp ref$n.credit.$fmt api$n.credit.$fmt || fail "$label: credit manifest ($fmt) differs"
    done
    echo "ok $n - $label: $(wc -l < ref$n.jsonl) annotation lines, credit manifest identical"
}

compare "1 thread" --threads 1 -- --threads 1
compare "2 threads" --threads 2 -- --threads 2
compare "2 threads, 64 KiB chunks" --threads 2 --chunk 65536 -- --threads 2 --chunk 65536
compare "by fd, 2 threads, 64 KiB chunks" --threads 2 --chunk 65536 -- --threads 2 --chunk 65536 --feed fd
compare "as streams, 2 threads" --threads 2 -- --threads 2 --feed stream
# the credit manifest is not empty: the sample owes credit
grep -q '"party"' "ref1.credit.json" || fail "the sample's credit manifest names no party"
echo "scan_api: $n comparisons passed"
