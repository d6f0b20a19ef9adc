#!/bin/sh
# The sample crawl (build/sample, made by gen_crawl at build time) scanned
# with 1, 2 and 4 threads: identical annotation, summary and credit. Run in
# the ThreadSanitizer build (ctest -L tsan), where a data race fails it.
#   tsan_sample.sh CCSIG SAMPLE_DIR
set -eu
ccsig=$1 sample=$2
tmp=$(mktemp -d /tmp/ccsig-tsan-sample.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for t in 1 2 4; do
    "$ccsig" scan --quiet --robots "$sample/robots.warc.gz" --use train-ai --commit credit \
        --annotate "$tmp/a$t.jsonl" --credit "$tmp/c$t.json" --summary --json --threads $t \
        "$sample/crawl.warc.gz" > "$tmp/s$t.json" || [ $? -le 1 ] # 1: records not permitted
done
for t in 2 4; do
    for f in a$t.jsonl c$t.json s$t.json; do
        one=$(echo "$f" | sed "s/$t/1/")
        cmp -s "$tmp/$one" "$tmp/$f" || { echo "FAIL: --threads $t: $f differs from $one" >&2; exit 1; }
    done
done
echo "sample crawl: same results with 1, 2 and 4 threads ($(wc -l < "$tmp/a1.jsonl") records)"
