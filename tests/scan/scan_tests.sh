#!/bin/sh
# End-to-end tests of ccsig scan and ccsig merge on generated crawls
# (bench/gen_crawl writes the known answers) and on the shared corpus.
#
# usage: scan_tests.sh MODE CCSIG GEN_CRAWL CHECK_ANSWERS SHARED_DIR
#   answers   every codec and layout, with damage: each record's decision,
#             offset, robots and crawl as gen_crawl says; summary counts
#   threads   1 thread and 2-3 threads with tiny chunks: identical outputs
#             (annotation, summary, credit, keep)
#   keep      kept records are byte-exact members of the input
#   merge     shards merged = one run over all archives
#   stdin     '-' reads what the file gives
#   corpus    every real sample: no crash, same with threads, exit status
#   memory    a multi-GB input does not raise peak RSS above the bound
set -eu
mode=$1 ccsig=$2 gen=$3 check=$4 shared=$5
tmp=$(mktemp -d /tmp/ccsig-scan-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail() { echo "FAIL: $*" >&2; exit 1; }
profile="--use train-ai --commit credit"

gen_all() { # pages
    "$gen" --sites 40 --robots robots.warc.gz -o m.warc.gz --pages "$1" --seed 2 --answers m.warc.gz.ans --damage
    "$gen" --sites 40 -o p.warc --pages "$1" --seed 3 --answers p.warc.ans --damage
    "$gen" --sites 40 -o w.warc.gz --pages "$1" --seed 4 --answers w.warc.gz.ans --layout whole
    "$gen" --sites 40 -o x.warc.gz --pages "$1" --seed 5 --answers x.warc.gz.ans --layout misaligned
    "$gen" --sites 40 -o z.warc.zst --pages "$1" --seed 6 --answers z.warc.zst.ans --damage
    "$gen" --sites 40 -o d.warc.zst --pages "$1" --seed 7 --answers d.warc.zst.ans --dict raw
    "$gen" --sites 40 -o c.warc.zst --pages "$1" --seed 8 --answers c.warc.zst.ans --dict compressed --damage
    "$gen" --sites 40 -o y.warc.zst --pages "$1" --seed 9 --answers y.warc.zst.ans --layout whole
}
ARCHIVES="m.warc.gz p.warc w.warc.gz x.warc.gz z.warc.zst d.warc.zst c.warc.zst y.warc.zst"

scan() { # archive outprefix extra-args...
    a=$1 o=$2
    shift 2
    rc=0
    "$ccsig" scan --quiet $profile --robots robots.warc.gz --annotate "$o.jsonl" \
        --summary --json --credit "$o.credit.json" "$@" "$a" > "$o.sum.json" || rc=$?
    # 1 records not permitted, 2 damaged records skipped (--damage archives)
    [ $rc -le 2 ] || fail "scan $a $*: exit $rc"
}

case $mode in
answers)
    gen_all 500
    for a in $ARCHIVES; do
        scan "$a" "$a.out"
        "$check" "$a.ans" "$a.out.jsonl" "$a.out.sum.json" || fail "answers of $a"
    done
    # a robots.txt directory answers like the captures for the sites whose
    # robots.txt is a 200 (the directory has only those)
    "$gen" --sites 40 -o r.warc.gz --pages 300 --seed 12 --robots-dir rdir --answers r.ans
    rc=0 # 1: records not permitted for the profile's use
    "$ccsig" scan --quiet $profile --robots rdir --annotate r.jsonl r.warc.gz > /dev/null || rc=$?
    [ $rc -le 1 ] || fail "robots dir: exit $rc"
    n=$(grep -c '"robots":"found"' r.jsonl)
    [ "$n" -eq "$(grep -c '"robots":"found"' r.ans)" ] || fail "robots dir: $n found"
    # a directory holding the WARC captures answers as the WARC itself
    mkdir rwarc && cp robots.warc.gz rwarc/ && touch rwarc/other.warc
    "$ccsig" scan --quiet $profile --robots rwarc --annotate rw.jsonl m.warc.gz > /dev/null || true
    cmp -s rw.jsonl m.warc.gz.out.jsonl || fail "robots directory of WARC captures"
    ;;
threads)
    gen_all 300
    for a in $ARCHIVES; do
        scan "$a" one --threads 1 --keep one.keep.warc.gz
        for t in 2 3; do
            for chunk in 7000 100000; do
                scan "$a" many --threads $t --chunk $chunk --keep many.keep.warc.gz
                for f in jsonl sum.json credit.json keep.warc.gz; do
                    cmp -s one.$f many.$f || fail "$a: --threads $t --chunk $chunk: $f differs"
                done
            done
        done
    done
    ;;
keep)
    gen_all 400
    for a in m.warc.gz z.warc.zst p.warc; do
        ext=${a#*.}
        scan "$a" k --keep "k.$ext"
        [ "$a" = p.warc ] || "$check" --keep "k.$ext" "$a" || fail "keep of $a"
        "$ccsig" scan --quiet $profile --robots robots.warc.gz --summary --json "k.$ext" > kk.json
        used=$(sed -n '/"used"/,/}/s/.*"records": \([0-9]*\).*/\1/p' k.sum.json)
        resp=$(sed -n '/"records"/,/}/s/.*"response": \([0-9]*\).*/\1/p' kk.json | head -1)
        rev=$(sed -n '/"records"/,/}/s/.*"revisit": \([0-9]*\).*/\1/p' kk.json | head -1)
        [ $((resp + rev)) -eq "$used" ] || fail "keep of $a: $resp+$rev records, $used used"
        grep -q '"not-permitted": 0' kk.json || fail "keep of $a holds a record not permitted"
    done
    ;;
merge)
    for s in 1 2 3 4 5 6 7; do
        "$gen" --sites 30 -o "s$s.warc.gz" --pages 150 --seed "$s" --robots robots.warc.gz $([ $s = 4 ] && echo --damage)
        echo "s$s.warc.gz" >> list
    done
    gzip -c list > list.gz
    scan @list.gz all
    for n in 2 3; do
        i=0
        while [ $i -lt $n ]; do
            scan @list.gz "shard$i" --shard $i/$n --threads 2
            i=$((i + 1))
        done
        "$ccsig" merge --json shard*.sum.json > merged.sum.json
        "$ccsig" merge --credit merged.credit.json shard*.credit.json
        cmp merged.sum.json all.sum.json || fail "merged summary of $n shards"
        cmp merged.credit.json all.credit.json || fail "merged credit of $n shards"
        rm -f shard*
    done
    ;;
stdin)
    gen_all 200
    for a in $ARCHIVES; do
        "$ccsig" scan --quiet $profile --annotate f.jsonl "$a" > /dev/null || true
        "$ccsig" scan --quiet $profile --annotate s.jsonl - < "$a" > /dev/null || true
        sed "s|\"archive\":\"$a\"|\"archive\":\"-\"|g" f.jsonl | cmp -s - s.jsonl || fail "stdin $a"
    done
    ;;
corpus)
    for f in "$shared"/corpus/warc-real/*; do
        case $f in *.tsv) continue ;; esac
        rc1=0 rc2=0
        "$ccsig" scan --quiet --use train-ai --annotate a1.jsonl --summary --json --threads 1 "$f" > s1.json || rc1=$?
        "$ccsig" scan --quiet --use train-ai --annotate a2.jsonl --summary --json --threads 2 --chunk 600 "$f" > s2.json || rc2=$?
        [ $rc1 -le 2 ] || fail "$f: exit $rc1"
        [ $rc1 -eq $rc2 ] || fail "$f: exit $rc1 with 1 thread, $rc2 with 2"
        cmp -s a1.jsonl a2.jsonl || fail "$f: annotation differs with threads"
        cmp -s s1.json s2.json || fail "$f: summary differs with threads"
        case $(basename "$f") in
        clipped.warc.gz | example-bad-length.warc | corrupted-trailing-bytes.warc.gz.open)
            [ $rc1 -eq 2 ] || fail "$f: damaged, exit $rc1" ;;
        *) [ $rc1 -le 1 ] || fail "$f: clean, exit $rc1" ;; # 1: a record not permitted
        esac
    done
    ;;
memory)
    # Peak RSS must stay under the bound the man page states, and apart from
    # the revisit table (bounded by --revisits, filled by a long crawl) must
    # not grow with the input: a 100 MB and a multi-GB crawl peak alike.
    # Plain WARC is the worst case for a job's output (32 MiB chunks) and
    # quick to generate; a compressed crawl is checked against the bound too.
    big=${SCAN_MEMORY_BYTES:-3G}
    "$gen" --sites 200 -o small.warc --size 100M --seed 21
    "$gen" --sites 200 -o big.warc --size "$big" --seed 22
    "$gen" --sites 200 -o mid.warc.gz --size 200M --seed 23
    rss() {
        /usr/bin/time -f '%M' -o rss.txt "$ccsig" scan --quiet --threads 2 \
            --annotate /dev/null --summary "$@" > /dev/null
        cat rss.txt
    }
    large=$(rss big.warc)
    gz=$(rss mid.warc.gz)
    small0=$(rss --revisits 0 small.warc)
    large0=$(rss --revisits 0 big.warc)
    bound=$((64 * 1024 + 48 * 1024 * 2)) # KiB: 64 MiB + 48 MiB per thread
    echo "peak RSS with 2 threads: $large KiB for $(du -h big.warc | cut -f1) plain," \
        "$gz KiB for 200 MB gzip (bound $bound KiB); without the revisit table" \
        "$small0 KiB for 100 MB, $large0 KiB for $(du -h big.warc | cut -f1)"
    [ "$large" -le "$bound" ] || fail "peak RSS $large KiB over the bound $bound KiB"
    [ "$gz" -le "$bound" ] || fail "peak RSS $gz KiB over the bound $bound KiB"
    [ "$large0" -le $((small0 * 3 / 2 + 16384)) ] ||
        fail "peak RSS grows with the input: $small0 -> $large0 KiB"
    ;;
*)
    fail "unknown mode $mode"
    ;;
esac
echo "ok: $mode"
