#!/bin/sh
# debian.package: build the Debian packages from a copy of the tree
# (dpkg-buildpackage -us -uc -b), run lintian on the .changes (its output is
# printed; an error fails the test), unpack every .deb into a scratch root
# with dpkg-deb -x (nothing is installed on the machine), and run what was
# unpacked: ccsig --version, the Python import, the pkg-config files.
#
# usage: build.sh SOURCE_DIR WORK_DIR VERSION
#
# A full release build: about 1.5 minutes on this project's 2-core machine
# (95 s measured, 74 s of it dpkg-buildpackage), so it is part of
# `make test`; label `debian` (`ctest -L debian` runs it alone,
# `ctest -LE debian` leaves it out).
set -eu
[ $# -eq 3 ] || { echo "usage: build.sh SOURCE_DIR WORK_DIR VERSION" >&2; exit 2; }
src=$(cd "$1" && pwd) work=$2 version=$3
case $work in /*) ;; *) work=$(pwd)/$work ;; esac
fail() { echo "debian.package: FAIL: $*" >&2; exit 1; }
for t in dpkg-buildpackage dh dh_python3 dpkg-deb lintian; do
    command -v $t >/dev/null || fail "$t is missing (scripts/packages.d/debian)"
done
start=$(date +%s)
rm -rf "$work"
mkdir -p "$work/ccsig-$version"
# The tree without build directories, git data or caches.
(cd "$src" && tar --exclude=./.git --exclude='./build*' --exclude=__pycache__ \
    --exclude=.pytest_cache -cf - .) | tar -C "$work/ccsig-$version" -xf -
jobs=$(nproc 2>/dev/null || echo 2)
(cd "$work/ccsig-$version" &&
    DEB_BUILD_OPTIONS="parallel=$jobs${DEB_BUILD_OPTIONS:+ $DEB_BUILD_OPTIONS}" \
        dpkg-buildpackage -us -uc -b > "$work/build.log" 2>&1) || {
    tail -40 "$work/build.log" >&2
    fail "dpkg-buildpackage failed (log: $work/build.log)"
}
built=$(date +%s)
arch=$(dpkg --print-architecture)
changes=$work/ccsig_${version}_$arch.changes
[ -f "$changes" ] || fail "no $changes"
for p in libccsig0 libccsig-fetch0 libccsig-xmp0 libccsig-dev ccsig; do
    [ -f "$work/${p}_${version}_$arch.deb" ] || fail "no ${p}_${version}_$arch.deb"
done
[ -f "$work/python3-ccsig_${version}_all.deb" ] || fail "no python3-ccsig_${version}_all.deb"

echo "lintian $(basename "$changes"):"
lintian --display-info "$changes" > "$work/lintian.txt" 2>&1 || true
sed 's/^/  /' "$work/lintian.txt"
[ -s "$work/lintian.txt" ] || echo "  (no tags)"
grep -q '^E: ' "$work/lintian.txt" && fail "lintian reports errors"

root=$work/root
mkdir -p "$root"
for deb in "$work"/*.deb; do
    dpkg-deb -x "$deb" "$root"
done
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
libdir=$root/usr/lib/$ma
for so in libccsig.so.0 libccsig-fetch.so.0 libccsig-xmp.so.0; do
    [ -e "$libdir/$so" ] || fail "no usr/lib/$ma/$so"
done
[ -f "$root/usr/include/ccsig/ccsig.h" ] || fail "no usr/include/ccsig/ccsig.h"
[ -f "$libdir/libccsig.a" ] || fail "no usr/lib/$ma/libccsig.a"
[ -f "$root/usr/share/man/man1/ccsig.1.gz" ] || fail "no ccsig.1.gz"
for f in bash-completion/completions/ccsig zsh/vendor-completions/_ccsig; do
    [ -s "$root/usr/share/$f" ] || fail "no usr/share/$f"
done
readelf -d "$root/usr/bin/ccsig" | grep -q 'NEEDED.*libccsig\.so\.0' ||
    fail "ccsig does not use libccsig.so.0"
readelf -d "$root/usr/bin/ccsig" | grep -qE 'R(UN)?PATH' && fail "ccsig has an RPATH"

out=$(LD_LIBRARY_PATH=$libdir "$root/usr/bin/ccsig" --version)
[ "$out" = "ccsig $version" ] || fail "ccsig --version printed '$out'"
echo "ccsig --version: $out"
# The network subcommands run from usr/libexec/ccsig/ccsig-all.
all=$root/usr/libexec/ccsig/ccsig-all
readelf -d "$all" | grep -q 'NEEDED.*libccsig-fetch\.so\.0' ||
    fail "ccsig-all does not use libccsig-fetch.so.0"
readelf -d "$all" | grep -qE 'R(UN)?PATH' && fail "ccsig-all has an RPATH"
out=$(LD_LIBRARY_PATH=$libdir "$root/usr/bin/ccsig" verify-credit --help) ||
    fail "ccsig verify-credit --help failed"
case $out in "usage: ccsig verify-credit"*) ;; *) fail "ccsig verify-credit --help printed '$out'" ;; esac

v=$(PKG_CONFIG_PATH=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root pkg-config --modversion ccsig)
[ "$v" = "$version" ] || fail "pkg-config ccsig says '$v'"

# The module as python3-ccsig installs it, finding the libraries through the
# loader path (no CCSIG_LIBRARY).
out=$(cd / && env -u CCSIG_LIBRARY -u LD_PRELOAD LD_LIBRARY_PATH=$libdir \
    PYTHONPATH=$root/usr/lib/python3/dist-packages /usr/bin/python3 -c '
import sys, ccsig
root = sys.argv[1]
assert ccsig.__file__.startswith(root), ccsig.__file__
r = ccsig.explain("train-ai=n;exceptions=cc-cr", use="train-ai", commit="credit")
assert r["decision"]["result"] == "permitted-with-obligations", r
assert not ccsig.Robots("User-agent: *\nDisallow: /x\n").allowed("/x/1")
ccsig.Checker(delay=0).close()  # the fetch component loads
print("python3-ccsig:", ccsig.__file__[len(root):], "libccsig", ccsig.library_version())
' "$root") || fail "the Python module does not work from the unpacked packages"
echo "$out"
done_=$(date +%s)
echo "debian.package: 6 packages built in $((built - start)) s, checked in $((done_ - built)) s"
