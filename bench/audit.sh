#!/bin/sh
# ccsig audit throughput against the rate ccsig scan reads the same robots.txt
# captures, on a generated multi-snapshot set (bench/gen_robots_snapshots.py).
#
#   bench/audit.sh [BUILD-DIR]
#
# Environment: AUDIT_BENCH_SITES (default 100000), AUDIT_BENCH_SNAPSHOTS
# (default 2), AUDIT_BENCH_ROUNDS (default 3), AUDIT_BENCH_DIR (default
# /tmp/ccsig-bench-audit, removed at the end unless AUDIT_BENCH_KEEP=1).
#
# scan reads the first snapshot's captures through --robots while it scans a
# crawl with one page per site, so that it compiles every site's robots.txt
# once (its rate: sites per second of wall time, --threads 1 and all cores).
# audit reads every snapshot, classifies each capture for the 153 agents of
# ../shared/data/ai-robots-txt/robots.json plus the search engines under both
# readers (two compilations per capture), and writes the JSON and HTML
# reports; its rate: captures (sites x snapshots) per second, one thread.
# The best of the rounds counts; peak RSS from /usr/bin/time when present.
set -eu
build=${1:-build}
ccsig=$build/programs/ccsig
here=$(cd "$(dirname "$0")" && pwd)
sites=${AUDIT_BENCH_SITES:-100000}
snaps=${AUDIT_BENCH_SNAPSHOTS:-2}
rounds=${AUDIT_BENCH_ROUNDS:-3}
dir=${AUDIT_BENCH_DIR:-/tmp/ccsig-bench-audit}
agents=$here/../../shared/data/ai-robots-txt/robots.json
[ -f "$agents" ] || agents=$here/../shared/data/ai-robots-txt/robots.json
mkdir -p "$dir"
[ -n "${AUDIT_BENCH_KEEP:-}" ] || trap 'rm -rf "$dir"' EXIT
if [ ! -f "$dir/crawl.warc.gz" ] || [ ! -f "$dir/.n-$sites-$snaps" ]; then
    echo "generating $snaps snapshots of $sites sites in $dir ..."
    python3 "$here/gen_robots_snapshots.py" "$dir" "$sites" "$snaps"
    touch "$dir/.n-$sites-$snaps"
fi
cat "$dir"/*.warc.gz > /dev/null
snapargs=""
i=0
while [ $i -lt "$snaps" ]; do
    snapargs="$snapargs --snapshot s$i=$dir/robots-$i.warc.gz"
    i=$((i + 1))
done
now() { date +%s.%N; }
best() { # best of the rounds of "$@", seconds
    b=""
    r=0
    while [ $r -lt "$rounds" ]; do
        t0=$(now)
        "$@" > /dev/null 2>&1 || true
        t=$(echo "$(now) - $t0" | bc)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
        r=$((r + 1))
    done
    echo "$b"
}
rss() {
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f %M "$@" 2>&1 > /dev/null | tail -1
    else
        echo "?"
    fi
}
t1=$(best "$ccsig" scan --quiet --threads 1 --robots "$dir/robots-0.warc.gz" "$dir/crawl.warc.gz")
tn=$(best "$ccsig" scan --quiet --robots "$dir/robots-0.warc.gz" "$dir/crawl.warc.gz")
# shellcheck disable=SC2086
ta=$(best "$ccsig" audit --agents "$agents" $snapargs --format json -o /dev/null --html /dev/null)
# shellcheck disable=SC2086
ra=$(rss "$ccsig" audit --agents "$agents" $snapargs --format json -o /dev/null)
captures=$((sites * snaps))
printf '%-44s %10s %14s\n' "run" "seconds" "captures/s"
printf '%-44s %10.2f %14.0f\n' "ccsig scan --robots (1 snapshot), 1 thread" "$t1" "$(echo "$sites / $t1" | bc -l)"
printf '%-44s %10.2f %14.0f\n' "ccsig scan --robots (1 snapshot), $(nproc) threads" "$tn" "$(echo "$sites / $tn" | bc -l)"
printf '%-44s %10.2f %14.0f\n' "ccsig audit ($snaps snapshots, both readers)" "$ta" "$(echo "$captures / $ta" | bc -l)"
echo "audit peak RSS: ${ra} KiB ($sites sites, $snaps snapshots)"
