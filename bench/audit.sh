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
# once (its rate: sites per second, one worker thread).
# audit reads every snapshot, classifies each capture for the 153 agents of
# ../shared/data/ai-robots-txt/robots.json plus the search engines under both
# readers (two compilations per capture), and writes the JSON and HTML
# reports; its rate: captures (sites x snapshots) per second, one thread.
# The round with the least CPU time (user + system) counts: on a shared
# machine it moves least with the load; wall time and peak RSS of that round
# are printed too (/usr/bin/time, Debian package time).
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
# Best of the rounds of "$@" by CPU time: prints "wall cpu rss" (seconds,
# seconds of user + system time, peak RSS in KiB), from /usr/bin/time.
best() {
    b=""
    r=0
    while [ $r -lt "$rounds" ]; do
        m=$(/usr/bin/time -f '%e %U %S %M' "$@" 2>&1 > /dev/null | tail -1)
        w=$(echo "$m" | cut -d' ' -f1)
        c=$(echo "$m" | awk '{print $2 + $3}')
        k=$(echo "$m" | cut -d' ' -f4)
        if [ -z "$b" ] || [ "$(echo "$c < $(echo "$b" | cut -d' ' -f2)" | bc)" = 1 ]; then
            b="$w $c $k"
        fi
        r=$((r + 1))
    done
    echo "$b"
}
t1=$(best "$ccsig" scan --quiet --threads 1 --robots "$dir/robots-0.warc.gz" "$dir/crawl.warc.gz")
# shellcheck disable=SC2086
ta=$(best "$ccsig" audit --agents "$agents" $snapargs --format json -o /dev/null --html /dev/null)
captures=$((sites * snaps))
row() { # name captures "wall cpu rss"
    set -- "$1" "$2" $3
    printf '%-48s %8.2f %8.2f %12.0f %12.0f %8.0f\n' "$1" "$3" "$4" "$(echo "$2 / $3" | bc -l)" \
        "$(echo "$2 / $4" | bc -l)" "$(($5 / 1024))"
}
printf '%-48s %8s %8s %12s %12s %8s\n' run "wall s" "cpu s" "captures/s" "per cpu s" "RSS MiB"
row "ccsig scan --threads 1 --robots (1 snapshot)" "$sites" "$t1"
row "ccsig audit ($snaps snapshots, 2 readers)" "$captures" "$ta"
