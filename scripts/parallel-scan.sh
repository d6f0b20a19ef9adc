#!/bin/sh
# ccsig scan of a whole crawl with GNU parallel, on this machine or on the
# hosts of a --sshloginfile (NODES), then merged into one run's summary,
# credit manifest, annotation and keep file (README, "A whole crawl").
# usage: scripts/parallel-scan.sh PATHLIST OUTDIR [SHARDS [JOBS]]
# (CRAWL: the directory relative paths of the list start from; ROBOTS: the
# robots.txt captures; NODES: a GNU parallel --sshloginfile). Exit status:
# the failed scans' count (as parallel; a scan's exit 1, some records not
# permitted for the use, is an answer, not a failure), else that of ccsig merge.
set -eu
paths=$1 out=$2 n=${3:-64} jobs=${4:-8}
crawl=${CRAWL:-.} robots=${ROBOTS:-$crawl/robotstxt}
rc=0
seq 0 $((n - 1)) | parallel -j "$jobs" ${NODES:+--sshloginfile "$NODES"} \
    "ccsig scan --prefix '$crawl' --shard {}/$n --threads 2 --quiet --robots '$robots' \
        --use train-ai --commit credit --credit '$out/credit-{}.json' \
        --annotate '$out/annotated-{}.jsonl.zst' --keep '$out/kept-{}.warc.gz' \
        --summary --json @'$paths' > '$out/summary-{}.json' || [ \$? -eq 1 ]" || rc=$?
m1=0 m2=0
ccsig merge --credit "$out/credit.json" "$out"/credit-*.json || m1=$?
ccsig merge --json --annotate "$out/annotated.jsonl.zst" --keep "$out/kept.warc.gz" \
    "$out"/summary-*.json "$out"/annotated-*.jsonl.zst "$out"/kept-*.warc.gz \
    > "$out/summary.json" || m2=$?
[ $rc -ne 0 ] || rc=$((m1 > m2 ? m1 : m2))
exit $rc
