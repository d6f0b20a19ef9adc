#!/bin/sh
# api.<name>: compile a client against the installed prefix with pkg-config
# only, check what it links, run it.
# usage: client.sh PREFIX SOURCE OUTPUT "PKG-CONFIG MODULES" [ARGS...]
# Environment: CC (the compiler of the build), CCSIG_API_CFLAGS (the
# sanitizer flags of a sanitized build: the client of a sanitized library is
# compiled with them too).
set -u
prefix=$1 src=$2 out=$3 pkgs=$4
shift 4
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs $pkgs) || {
    echo "api: pkg-config $pkgs failed (PKG_CONFIG_PATH=$PKG_CONFIG_PATH)" >&2
    exit 1
}
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -Wall -Wextra -Werror ${CCSIG_API_CFLAGS:-} -o "$out" "$src" $flags || {
    echo "api: $src does not compile with: ${CC:-cc} ... $flags" >&2
    exit 1
}
# Only the components the client asked for bring libcurl or libexempi.
needs=$(readelf -d "$out" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
case " $pkgs " in *" ccsig-fetch "*) ;; *)
    if echo "$needs" | grep -q '^libcurl'; then
        echo "api: $out needs libcurl:" $needs >&2
        exit 1
    fi ;;
esac
case " $pkgs " in *" ccsig-xmp "*) ;; *)
    if echo "$needs" | grep -q '^libexempi'; then
        echo "api: $out needs libexempi:" $needs >&2
        exit 1
    fi ;;
esac
echo "$needs" | grep -q '^libccsig\.so\.0$' || {
    echo "api: $out does not link libccsig.so.0:" $needs >&2
    exit 1
}
LD_LIBRARY_PATH="$prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$out" "$@"
