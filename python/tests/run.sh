#!/bin/sh
# python.pytest: run python/tests with Debian's pytest against the library
# installed into the scratch prefix of api.install (tests/api).
#
# usage: run.sh PREFIX CCSIG_CLI SOURCE_DIR SAMPLE_DIR SANITIZED(ON|OFF) WORK_DIR
#
# The package is first installed the way a user installs it, offline with
# Debian's pip and setuptools (pip install --no-build-isolation --no-index),
# from a copy of python/ into WORK_DIR/site, and the tests import that copy.
#
# The library in PREFIX is the build's: with CCSIG_SANITIZE=ON it is built
# with AddressSanitizer, whose runtime must be the first library of the
# process, so the interpreter (not sanitized) runs with the compiler's
# libasan preloaded and leak detection off (the interpreter's own
# allocations at exit are not ours to report). This reuses the one install
# of the build (no second, unsanitized build: faster, and the binding is
# exercised against the sanitized library, which catches a wrong structure
# layout as an ASan error rather than silent garbage).
# pytest's exit 5 (no tests collected) is a failure like any other non-zero.
set -eu
[ $# -eq 6 ] || { echo "usage: run.sh PREFIX CCSIG_CLI SOURCE_DIR SAMPLE_DIR SANITIZED WORK_DIR" >&2; exit 2; }
prefix=$1 cli=$2 src=$3 sample=$4 san=$5 work=$6
py=/usr/bin/python3
[ -x "$py" ] || { echo "python.pytest: $py missing (scripts/packages.d/python)" >&2; exit 1; }
"$py" -c 'import pytest' 2>/dev/null || { echo "python.pytest: python3-pytest missing (scripts/packages.d/python)" >&2; exit 1; }
[ -e "$prefix/lib/libccsig.so.0" ] || { echo "python.pytest: no $prefix/lib/libccsig.so.0 (api.install)" >&2; exit 1; }
CCSIG_LIBRARY=$prefix/lib CCSIG_CLI=$cli CCSIG_SOURCE=$src CCSIG_SAMPLE=$sample CCSIG_PREFIX=$prefix
export CCSIG_LIBRARY CCSIG_CLI CCSIG_SOURCE CCSIG_SAMPLE CCSIG_PREFIX
if [ "$san" = ON ]; then
    # gcc's runtime, or clang's (the library is built by CC)
    LD_PRELOAD=$(${CC:-gcc} -print-file-name=libasan.so)
    [ -e "$LD_PRELOAD" ] ||
        LD_PRELOAD=$(${CC:-gcc} -print-file-name=libclang_rt.asan-$(uname -m).so)
    [ -e "$LD_PRELOAD" ] || { echo "python.pytest: no ASan runtime from ${CC:-gcc}" >&2; exit 1; }
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
    export LD_PRELOAD ASAN_OPTIONS
fi
rm -rf "$work"
mkdir -p "$work"
cp -r "$src/python" "$work/src"
rm -rf "$work/src/tests" "$work/src/build" "$work/src"/*.egg-info
"$py" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    --no-build-isolation --no-index --target "$work/site" "$work/src" > "$work/pip.log" 2>&1 || {
    cat "$work/pip.log" >&2
    echo "python.pytest: pip install --no-build-isolation ./python failed" >&2
    exit 1
}
[ -f "$work/site/ccsig/__init__.py" ] || { echo "python.pytest: pip installed no ccsig/" >&2; exit 1; }
PYTHONPATH=$work/site CCSIG_PACKAGE_DIR=$work/site PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH CCSIG_PACKAGE_DIR PYTHONDONTWRITEBYTECODE
# from WORK_DIR, so that `python -m pytest` (which puts the working directory
# first on sys.path) cannot import the source tree's ccsig/
cd "$work"
rc=0
"$py" -m pytest -p no:cacheprovider -q -rA --color=no --rootdir "$src/python" "$src/python/tests" || rc=$?
if [ "$rc" -eq 5 ]; then
    echo "python.pytest: pytest collected no tests" >&2
fi
exit "$rc"
