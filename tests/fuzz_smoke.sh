#!/bin/sh
# Build one libFuzzer target with clang (a build directory of its own) and
# run it for SECONDS from its committed seeds; fails when it finds a crash or
# a violated property.
# usage: fuzz_smoke.sh SOURCE_DIR BUILD_DIR TARGET SECONDS
set -eu
src=$1 build=$2 target=$3 seconds=$4
CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCCSIG_FUZZ=ON \
    -DCCSIG_SHARED_DIR="$src/../shared" > /dev/null
cmake --build "$build" -j2 --target "$target" > "$build/build.log" 2>&1 || {
    tail -30 "$build/build.log"
    exit 1
}
corpus=$(mktemp -d /tmp/ccsig-fuzz-smoke.XXXXXX)
trap 'cp "$corpus"/crash-* "$build"/ 2>/dev/null || true; rm -rf "$corpus"' EXIT
[ -d "$src/fuzz/seeds/$target" ] && cp "$src/fuzz/seeds/$target"/* "$corpus"/
export LSAN_OPTIONS="suppressions=$src/fuzz/lsan.supp"
if ! "$build/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$corpus/" "$corpus" > "$build/$target.log" 2>&1; then
    tail -40 "$build/$target.log"
    exit 1
fi
grep -E 'stat::number_of_executed_units|Done' "$build/$target.log" || true
