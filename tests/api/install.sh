#!/bin/sh
# api.install: install the build into a scratch prefix the way a user does
# (cmake --install BUILD --prefix P) and check what a client finds there.
# usage: install.sh CMAKE BUILD_DIR PREFIX SOURCE_DIR VERSION
set -u
cmake=$1 build=$2 prefix=$3 src=$4 version=$5
fails=0
fail() {
    echo "api.install: $*" >&2
    fails=$((fails + 1))
}

rm -rf "$prefix"
"$cmake" --install "$build" --prefix "$prefix" >"$prefix.log" 2>&1 || {
    cat "$prefix.log" >&2
    echo "api.install: cmake --install failed" >&2
    exit 1
}

# The layout of README "Using libccsig from C".
[ -x "$prefix/bin/ccsig" ] || fail "no bin/ccsig"
[ -x "$prefix/libexec/ccsig/ccsig-all" ] || fail "no libexec/ccsig/ccsig-all"
for lib in ccsig ccsig-fetch ccsig-xmp; do
    for f in "lib$lib.a" "lib$lib.so" "lib$lib.so.0" "lib$lib.so.$version" "pkgconfig/$lib.pc"; do
        [ -e "$prefix/lib/$f" ] || fail "no lib/$f"
    done
    so="$prefix/lib/lib$lib.so.0"
    [ -e "$so" ] || continue
    soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [ "$soname" = "lib$lib.so.0" ] || fail "lib$lib.so.0 has soname '$soname'"
done
for h in "$src"/include/ccsig/*.h; do
    cmp -s "$h" "$prefix/include/ccsig/$(basename "$h")" ||
        fail "include/ccsig/$(basename "$h") not installed"
done
[ -e "$prefix/include/ccsig/ccsig.h" ] || fail "no include/ccsig/ccsig.h (the umbrella header)"
# The umbrella header includes every core header (fetch.h, check.h and keydir.h are
# the optional libccsig-fetch's).
for h in "$src"/include/ccsig/*.h; do
    b=$(basename "$h")
    case "$b" in ccsig.h | fetch.h | check.h | keydir.h) continue ;; esac
    grep -q "^#include \"ccsig/$b\"" "$src/include/ccsig/ccsig.h" ||
        fail "include/ccsig/ccsig.h does not include ccsig/$b"
done
for m in "$src"/docs/*.1; do
    [ -e "$prefix/share/man/man1/$(basename "$m")" ] ||
        fail "share/man/man1/$(basename "$m") not installed"
done
# The completion scripts ccsig writes from its option tables (ccsig(1)).
for c in bash-completion/completions/ccsig zsh/vendor-completions/_ccsig; do
    [ -s "$prefix/share/$c" ] || fail "share/$c not installed"
done

# The core library needs neither libcurl nor libexempi; the components do.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
core_needs=$(needed "$prefix/lib/libccsig.so.0")
echo "$core_needs" | grep -E '^lib(curl|exempi)' && fail "libccsig.so.0 needs libcurl or libexempi"
needed "$prefix/lib/libccsig-fetch.so.0" | grep -q '^libcurl' || fail "libccsig-fetch does not need libcurl"
needed "$prefix/lib/libccsig-xmp.so.0" | grep -q '^libexempi' || fail "libccsig-xmp does not need libexempi"

# pkg-config finds the modules in the prefix, with this version, and their
# paths point into the prefix.
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
for lib in ccsig ccsig-fetch ccsig-xmp; do
    v=$(pkg-config --modversion $lib) || fail "pkg-config cannot read $lib.pc"
    [ "$v" = "$version" ] || fail "$lib.pc says version '$v', the project $version"
done
libs=$(pkg-config --libs ccsig)
case "$libs" in
*"-L$prefix/lib "*"-lccsig"*) ;;
*"-L$prefix/lib/pkgconfig/../../lib "*"-lccsig"*) ;;
*) fail "pkg-config --libs ccsig gives '$libs'" ;;
esac
pkg-config --libs ccsig | grep -qE 'curl|exempi' && fail "pkg-config --libs ccsig brings curl or exempi"
pkg-config --static --libs ccsig-fetch | grep -q -- '-lcurl' || fail "ccsig-fetch.pc: a static link lacks -lcurl"
pkg-config --static --libs ccsig-xmp | grep -q -- '-lexempi' || fail "ccsig-xmp.pc: a static link lacks -lexempi"

# The installed command runs (it finds its libraries when linked shared).
out=$("$prefix/bin/ccsig" --version 2>&1)
[ "$out" = "ccsig $version" ] || fail "bin/ccsig --version printed '$out'"
# bin/ccsig leaves the network subcommands (and help) to libexec/ccsig/ccsig-all,
# and does not load their libraries itself.
out=$("$prefix/bin/ccsig" serve --help 2>&1)
case $out in "usage: ccsig serve "*) ;; *) fail "bin/ccsig serve --help printed '$out'" ;; esac
out=$("$prefix/bin/ccsig" help 2>&1)
case $out in *"verify-credit "*) ;; *) fail "bin/ccsig help lists no verify-credit: '$out'" ;; esac
readelf -d "$prefix/bin/ccsig" | grep -qE 'NEEDED.*(curl|microhttpd|libpq)' &&
    fail "bin/ccsig loads libcurl, libmicrohttpd or libpq"
mv "$prefix/libexec/ccsig/ccsig-all" "$prefix/libexec/ccsig/moved"
out=$("$prefix/bin/ccsig" check --help 2>&1) && fail "bin/ccsig check ran without ccsig-all"
rc=$("$prefix/bin/ccsig" check --help >/dev/null 2>&1; echo $?)
[ "$rc" = 3 ] || fail "bin/ccsig check without ccsig-all: exit $rc (expected 3)"
case $out in *"libexec/ccsig/ccsig-all, which is missing"*) ;;
*) fail "bin/ccsig check without ccsig-all printed '$out'" ;; esac
mv "$prefix/libexec/ccsig/moved" "$prefix/libexec/ccsig/ccsig-all"

if [ "$fails" -ne 0 ]; then
    echo "api.install: $fails problem(s) in $prefix" >&2
    exit 1
fi
echo "api.install: $prefix: bin, libexec, lib (3 libraries, shared and static), pkgconfig, include, man: ok"
