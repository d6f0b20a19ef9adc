#!/bin/sh
# The HTML head scanner against gumbo and libxml2 (bench/bench_html.c):
# corpus pages and a large generated page. BENCHMARKS.md "readers".
set -eu
build=${1:-build}
"$build/bench/bench_html" --seconds 2 --big 2
