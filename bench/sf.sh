#!/bin/sh
# RFC 9651 parse speed on realistic Content-Usage values and the suite's
# large-generated cases. With SFPARSE_BENCH=/path/to/bench_sfparse (a driver
# built outside this repository around nghttp2's sfparse, see BENCHMARKS.md)
# both parsers run alternately on the same input file in the same run.
set -eu
build=${1:-build}
input=$(mktemp /tmp/ccsig-sf-input.XXXXXX)
"$build"/bench/bench_sf --dump "$input"
for round in 1 2 3; do
    echo "-- round $round"
    "$build"/bench/bench_sf --seconds "${SECONDS_PER_GROUP:-2}"
    if [ -n "${SFPARSE_BENCH:-}" ]; then
        "$SFPARSE_BENCH" "$input"
    fi
done
rm -f "$input"
