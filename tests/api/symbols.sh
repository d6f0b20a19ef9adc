#!/bin/sh
# api.symbols: the installed shared libraries export only ccsig_ symbols
# (lib/libccsig.map). Prints every other exported symbol.
# usage: symbols.sh PREFIX
set -u
prefix=$1
fails=0
for lib in ccsig ccsig-fetch ccsig-xmp; do
    so="$prefix/lib/lib$lib.so.0"
    if [ ! -e "$so" ]; then
        echo "api.symbols: no $so" >&2
        fails=$((fails + 1))
        continue
    fi
    all=$(nm -D --defined-only "$so" | awk '{print $NF}')
    n=$(echo "$all" | grep -c .)
    bad=$(echo "$all" | grep -v '^ccsig_')
    if [ -n "$bad" ] || [ "$n" -eq 0 ]; then
        echo "api.symbols: lib$lib.so.0 exports $n symbols, these without the ccsig_ prefix:" >&2
        echo "$bad" | sed 's/^/  /' >&2
        fails=$((fails + 1))
    else
        echo "api.symbols: lib$lib.so.0: $n symbols, all ccsig_"
    fi
done
[ "$fails" -eq 0 ]
