#!/bin/sh
# scan.damage: ccsig scan over a damaged-archive corpus (issue 18).
#
# usage: damage_tests.sh CCSIG GEN_CRAWL SOURCE_DIR
#
# bench/gen_crawl writes a crawl in the Common Crawl layout (one gzip member
# per record) with its sites' robots.txt captures; tests/scan/damage_corpus.py
# reads its records with Python's zlib (not ccsig) and writes each kind of
# damage in plain, gzip-per-record, whole-file gzip and zstd forms, with the
# record IDs that are intact and damaged. For every archive the scan must end
# within the timeout, exit 2 (for the clean copy 0, or 1 when a record is not
# permitted), name the archive and an
# offset, annotate every intact response and revisit and none damaged
# (tests/scan/damage_check.py). Damaged robots.txt captures given to --robots
# must not hang the scan either.
set -eu
ccsig=$1 gen=$2 src=$3
tmp=$(mktemp -d /tmp/ccsig-damage-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
limit=${CCSIG_DAMAGE_TIMEOUT:-120}
"$gen" --sites 30 --robots robots.warc.gz -o crawl.warc.gz --pages 160 --seed 11 > /dev/null
python3 "$src/tests/scan/damage_corpus.py" crawl.warc.gz corpus
status=0
n=0
for a in $(cat corpus/LIST); do
    rc=0
    timeout "$limit" "$ccsig" scan --robots robots.warc.gz --use train-ai --annotate "corpus/$a.jsonl" \
        "corpus/$a" > /dev/null 2> "corpus/$a.err" || rc=$?
    if [ $rc -eq 124 ]; then
        echo "FAIL $a: the scan did not end within ${limit}s"
        status=1
        continue
    fi
    python3 "$src/tests/scan/damage_check.py" "corpus/$a" "corpus/$a.expect" "corpus/$a.jsonl" \
        "corpus/$a.err" $rc || status=1
    n=$((n + 1))
    case $a in
    cl-* | truncated.* | flip.* | arc-*)
        # read in small chunks by several threads: the same annotation
        rc=0
        timeout "$limit" "$ccsig" scan --threads 3 --chunk 100000 --robots robots.warc.gz \
            --use train-ai --annotate "corpus/$a.t3.jsonl" "corpus/$a" > /dev/null 2>&1 || rc=$?
        if [ $rc -gt 2 ] || ! cmp -s "corpus/$a.jsonl" "corpus/$a.t3.jsonl"; then
            echo "FAIL $a: --threads 3 --chunk 100000 annotates differently (exit $rc)"
            status=1
        fi
        ;;
    esac
done
# damaged archives given as robots.txt captures: the scan ends, every record
# of the clean copy is still annotated
for r in zero-tail.warc.gz lowercase.warc cl-huge.warc.zst huge-line.whole.gz; do
    rc=0
    timeout "$limit" "$ccsig" scan --robots "corpus/$r" --use train-ai --annotate rob.jsonl \
        corpus/clean.warc.gz > /dev/null 2> rob.err || rc=$?
    # 2: the damaged robots.txt captures were skipped (unreadable input)
    if [ $rc -eq 124 ] || [ $rc -ne 2 ]; then
        echo "FAIL --robots $r: exit $rc"
        status=1
    elif [ "$(grep -c record_id rob.jsonl)" -ne "$(grep -c '^intact' corpus/clean.warc.gz.expect)" ]; then
        echo "FAIL --robots $r: $(grep -c record_id rob.jsonl) records annotated"
        status=1
    else
        echo "ok   --robots $r: exit $rc, every record annotated"
    fi
done
echo "damage: $n archives checked"
exit $status
