#!/bin/sh
# ccsig scan throughput on a generated ~1 GB .warc.gz, side by side in the
# same run with the decompression limit (`igzip -d -c FILE > /dev/null`,
# Debian isal) and with the Node.js warcio package reading the same file.
#
#   bench/scan.sh [BUILD-DIR]
#
# Environment: SCAN_BENCH_SIZE (default 1G), SCAN_BENCH_ROUNDS (default 3),
# SCAN_BENCH_DIR (default /tmp/ccsig-bench-scan: the crawl and warcio live
# there, outside the repository; removed at the end unless SCAN_BENCH_KEEP=1),
# SCAN_BENCH_MEMORY=5G to also measure peak RSS on a crawl of that size. Each tool reads the file from the page cache
# (it is read once before timing). MB/s are of the compressed input: bytes of
# the file divided by the wall time; "cpu" is the same over user+system time,
# which a busy shared machine distorts less. The best of the rounds counts.
#
# A second block ("the limit on any crawl", issue 16 part 4) compares
# `igzip -d` with a full one-thread scan on three crawls: (a) the crawl
# above (Common Crawl-shaped: page sizes log-normal around 20 KB, word salad
# that compresses ~2.4x), (b) small records (pages of 2-4 KB, one gzip member
# per record), (c) HTML-like pages that compress ~4x as real HTML does; for
# each, the MEDIAN user+system CPU seconds of SCAN_BENCH_LIMIT_ROUNDS runs
# (default 5, the two tools alternating), MB/s of the .warc.gz over that time
# and igzip's time / scan's time, the ratio of the medians; "paired" is the
# median over the rounds of the same ratio within a round (the two runs of a
# round see the same load: steadier on a noisy machine); "best" is igzip's
# fastest run / the scan's fastest (what the noise, which only ever adds
# time, leaves of each). (b) and (c) are SCAN_BENCH_LIMIT_SIZE (default
# 200M) each; SCAN_BENCH_LIMIT_KINDS (default "a b c") picks the crawls.
# SCAN_BENCH_LIMIT=0 skips the block; SCAN_BENCH_IR=1
# also counts instructions (valgrind callgrind, the same whatever the load)
# on 20 MB crawls of the three kinds.
set -eu
build=${1:-build}
ccsig=$build/programs/ccsig
gen=$build/bench/gen_crawl
size=${SCAN_BENCH_SIZE:-1G}
rounds=${SCAN_BENCH_ROUNDS:-3}
dir=${SCAN_BENCH_DIR:-/tmp/ccsig-bench-scan}
threads=$(nproc)
mkdir -p "$dir"
[ -n "${SCAN_BENCH_KEEP:-}" ] || trap 'rm -rf "$dir"' EXIT
crawl=$dir/crawl-$size.warc.gz
if [ ! -f "$crawl" ]; then
    echo "generating $crawl ..."
    "$gen" -o "$crawl" --size "$size" --seed 1 --sites 400
fi
bytes=$(stat -c %s "$crawl")
cat "$crawl" > /dev/null

# warcio from the npm registry, installed outside the repository
warcio=""
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    if [ ! -d "$dir/node/node_modules/warcio" ]; then
        mkdir -p "$dir/node"
        (cd "$dir/node" && npm install --silent --no-audit --no-fund warcio@2 >/dev/null 2>&1) || true
    fi
    if [ -d "$dir/node/node_modules/warcio" ]; then
        cat > "$dir/node/read.mjs" <<'JS'
// Read every record of a WARC with warcio and drain its payload, as a scanner must.
import fs from "node:fs";
import { WARCParser } from "warcio";
const parser = new WARCParser(fs.createReadStream(process.argv[2]));
let records = 0, bytes = 0;
for await (const rec of parser) {
  const http = rec.httpHeaders;
  const cu = http ? http.headers.get("content-usage") : null;
  for await (const chunk of rec) bytes += chunk.length;
  records++;
}
console.error(`warcio: ${records} records, ${bytes} payload bytes`);
JS
        warcio="node $dir/node/read.mjs"
    fi
fi
[ -n "$warcio" ] || echo "(node/npm or the warcio package unavailable: warcio is not measured)"

# Alternate the tools round by round (a busy machine then weighs on each
# alike) and keep each tool's best wall and best CPU time.
names="" cmds_file=$dir/cmds.txt
: > "$cmds_file"
add() { names="$names $1"; printf '%s\t%s\n' "$1" "$2" >> "$cmds_file"; }
add igzip "igzip -d -c '$crawl' > /dev/null"
add scan-1 "'$ccsig' scan --quiet --threads 1 --annotate /dev/null '$crawl'"
add scan-$threads "'$ccsig' scan --quiet --threads $threads --annotate /dev/null '$crawl'"
[ -z "$warcio" ] || add warcio "$warcio '$crawl'"

# ---- indexed scan (issue 16 §3, helper "index"): the same crawl read
# through its index, `ccsig index` CDXJ (JSON, as Common Crawl publishes)
# and CDX (11 columns); the index is written once, outside the timing, and
# its parsing is part of each timed scan. One thread. The annotations must
# equal the full scan's (checked below).
"$ccsig" index -o "$dir/crawl.cdxj" "$crawl"
"$ccsig" index --cdx -o "$dir/crawl.cdx" "$crawl"
add index-cdxj "'$ccsig' scan --quiet --threads 1 --index '$dir/crawl.cdxj' --annotate /dev/null '$crawl'"
add index-cdx "'$ccsig' scan --quiet --threads 1 --index '$dir/crawl.cdx' --annotate /dev/null '$crawl'"
# WAT input: the same crawl's WAT, written by gen_crawl with the crawl (the
# same options give the same bytes), annotated without the WARC file.
wat=$dir/crawl-$size.wat.gz
if [ ! -f "$wat" ]; then
    echo "generating $wat ..."
    "$gen" -o "$dir/wat-crawl.warc.gz" --size "$size" --seed 1 --sites 400 --wat "$wat"
    cmp -s "$dir/wat-crawl.warc.gz" "$crawl" || echo "(the WAT's crawl differs from $crawl)"
    rm -f "$dir/wat-crawl.warc.gz"
fi
add wat "'$ccsig' scan --quiet --threads 1 --wat --annotate /dev/null '$wat'"
# ---- end of the indexed scan block

echo "input: $crawl, $bytes bytes; $rounds rounds; $threads cores; $(uname -m); load $(cut -d' ' -f1-3 /proc/loadavg)"
results=$dir/results.txt
: > "$dir/runs.txt"
i=0
while [ $i -lt "$rounds" ]; do
    while IFS="$(printf '\t')" read -r name cmd; do
        /usr/bin/time -f '%e %U %S %M' -o "$dir/time.txt" sh -c "$cmd" < /dev/null > /dev/null 2> "$dir/err.txt" || true
        read -r wall user sys mem < "$dir/time.txt"
        echo "$name $wall $(echo "$user + $sys" | bc) $mem" >> "$dir/runs.txt"
    done < "$cmds_file"
    i=$((i + 1))
done
: > "$results"
for n in $names; do
    awk -v n="$n" '$1 == n { if (!w || $2 < w) w = $2; if (!c || $3 < c) c = $3; m = $4 }
        END { print n, w, c, m }' "$dir/runs.txt" >> "$results"
done

mbs() { echo "scale=1; $bytes / $1 / 1000000" | bc; }
printf '%-10s %10s %10s %10s %10s\n' tool wall_s MB/s cpu_MB/s peak_KiB
while read -r name wall cpu rss; do
    printf '%-10s %10s %10s %10s %10s\n' "$name" "$wall" "$(mbs "$wall")" "$(mbs "$cpu")" "$rss"
done < "$results"
get() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$results"; }
ig=$(get igzip 2) igc=$(get igzip 3) s1=$(get scan-1 2) s1c=$(get scan-1 3) sn=$(get "scan-$threads" 2)
echo "scan 1 thread / igzip:   $(echo "scale=2; $ig / $s1" | bc) (wall), $(echo "scale=2; $igc / $s1c" | bc) (cpu)"
echo "scan $threads threads / 1 thread: $(echo "scale=2; $s1 / $sn" | bc)x"
if [ -n "$warcio" ]; then
    w=$(get warcio 2)
    echo "scan 1 thread / warcio:  $(echo "scale=1; $w / $s1" | bc)x;  $threads threads / warcio: $(echo "scale=1; $w / $sn" | bc)x"
fi

# ---- indexed scan (helper "index"): ratios to igzip -d in CPU time, and
# the annotations of the indexed scans equal to the full scan's.
# median CPU seconds (user+sys) over the rounds
median() { awk -v n="$1" '$1 == n { print $3 }' "$dir/runs.txt" | sort -n |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
igm=$(median igzip)
for n in scan-1 index-cdxj index-cdx wat; do
    c=$(median "$n")
    echo "$n median cpu $c s, $(mbs "$c") MB/s of WARC per cpu second; / igzip -d ($igm s): $(echo "scale=3; $c / $igm" | bc)"
done
echo "(goal for index-*: <= 0.333 of igzip -d; wat: less than index-*; MB/s are of the WARC)"
"$ccsig" scan --quiet --threads 1 --annotate "$dir/full.jsonl" "$crawl"
for ix in crawl.cdxj crawl.cdx; do
    "$ccsig" scan --quiet --threads 1 --index "$dir/$ix" --annotate "$dir/ix.jsonl" "$crawl"
    if cmp -s "$dir/full.jsonl" "$dir/ix.jsonl"; then
        echo "--index $ix: annotations identical to the full scan's"
    else
        echo "--index $ix: ANNOTATIONS DIFFER from the full scan's"
    fi
done
rm -f "$dir/full.jsonl" "$dir/ix.jsonl"
# ---- end of the indexed scan block

if [ -n "${SCAN_BENCH_MEMORY:-}" ]; then
    big=$dir/crawl-$SCAN_BENCH_MEMORY.warc.gz
    [ -f "$big" ] || "$gen" -o "$big" --size "$SCAN_BENCH_MEMORY" --seed 2 --sites 400
    for t in 1 $threads; do
        /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$ccsig" scan --quiet --threads $t --annotate /dev/null "$big"
        echo "peak RSS on $(du -h "$big" | cut -f1) with $t thread(s): $(cut -d' ' -f2 "$dir/time.txt") KiB in $(cut -d' ' -f1 "$dir/time.txt") s"
    done
fi

# ---------------------------------------------------------------------------
# The full scan at the limit on any crawl (issue 16 part 4): igzip -d and
# `ccsig scan --threads 1` on (a) the crawl above, (b) small records,
# (c) 4x-compressible HTML; median CPU seconds (user+sys) of the rounds.
if [ "${SCAN_BENCH_LIMIT:-1}" != 0 ]; then
    lsize=${SCAN_BENCH_LIMIT_SIZE:-200M}
    lrounds=${SCAN_BENCH_LIMIT_ROUNDS:-5}
    small=$dir/small-$lsize.warc.gz html=$dir/html-$lsize.warc.gz
    [ -f "$small" ] || "$gen" -o "$small" --size "$lsize" --seed 1 --sites 400 --page-size 2K-4K
    [ -f "$html" ] || "$gen" -o "$html" --size "$lsize" --seed 1 --sites 400 --text html
    echo
    echo "== the full scan at the limit: igzip -d vs ccsig scan --threads 1, median of $lrounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
    : > "$dir/limit.txt"
    lkinds=${SCAN_BENCH_LIMIT_KINDS:-a b c}
    for kind in $lkinds; do
        case $kind in a) f=$crawl ;; b) f=$small ;; c) f=$html ;; *) echo "bench/scan.sh: SCAN_BENCH_LIMIT_KINDS: no crawl '$kind' (a, b or c)" >&2; exit 2 ;; esac
        cat "$f" > /dev/null
        i=0
        while [ $i -lt "$lrounds" ]; do
            for tool in igzip scan; do
                if [ $tool = igzip ]; then
                    set -- igzip -d -c "$f"
                else
                    set -- "$ccsig" scan --quiet --threads 1 --annotate /dev/null "$f"
                fi
                /usr/bin/time -f '%U %S' -o "$dir/time.txt" "$@" < /dev/null > /dev/null 2>&1 || true
                echo "$kind $tool $(awk '{ printf "%.2f", $1 + $2 }' "$dir/time.txt")" >> "$dir/limit.txt"
            done
            i=$((i + 1))
        done
    done
    med() { # kind tool -> median cpu seconds
        awk -v k="$1" -v t="$2" '$1 == k && $2 == t { print $3 }' "$dir/limit.txt" | sort -g |
            awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
    }
    paired() { # kind -> median over the rounds of igzip's time / scan's time in that round
        awk -v k="$1" '$1 == k && $2 == "igzip" { g[++ni] = $3 } $1 == k && $2 == "scan" { s[++ns] = $3 }
            END { for (i = 1; i <= ns && i <= ni; i++) print g[i] / s[i] }' "$dir/limit.txt" | sort -g |
            awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
    }
    best() { # kind tool -> fastest cpu seconds
        awk -v k="$1" -v t="$2" '$1 == k && $2 == t { print $3 }' "$dir/limit.txt" | sort -g | head -1
    }
    printf '%-34s %8s %8s %8s %8s %8s %8s %8s\n' crawl MB igzip_s scan_s scan_MB/s scan/igzip paired best
    for kind in $lkinds; do
        case $kind in
        a) f=$crawl label="(a) CC-shaped, ~20 KB, 2.4x" ;;
        b) f=$small label="(b) small records, 2-4 KB" ;;
        c) f=$html label="(c) HTML pages, 4x" ;;
        esac
        fb=$(stat -c %s "$f")
        ig=$(med $kind igzip) sc=$(med $kind scan)
        printf '%-34s %8s %8s %8s %8s %8s %8s %8s\n' "$label" "$(echo "scale=0; $fb / 1000000" | bc)" "$ig" "$sc" \
            "$(echo "scale=1; $fb / $sc / 1000000" | bc)" "$(echo "scale=3; $ig / $sc" | bc)" "$(paired $kind)" \
            "$(echo "scale=3; $(best $kind igzip) / $(best $kind scan)" | bc)"
    done
    if [ "${SCAN_BENCH_IR:-0}" = 1 ]; then
        echo "instructions (callgrind) on 20 MB crawls:"
        ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
            sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'; }
        for kind in a b c; do
            case $kind in a) o="" ;; b) o="--page-size 2K-4K" ;; c) o="--text html" ;; esac
            f=$dir/ir-$kind.warc.gz
            # shellcheck disable=SC2086
            [ -f "$f" ] || "$gen" -o "$f" --size 20M --seed 1 --sites 400 $o
            a=$(ir igzip -d -c "$f") b=$(ir "$ccsig" scan --quiet --threads 1 --annotate /dev/null "$f")
            printf '  (%s) igzip %s  scan %s  igzip/scan %s\n' $kind "$a" "$b" "$(echo "scale=3; $a / $b" | bc)"
        done
    fi
fi
