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
    # the bench crawls' page options: HTML pages in a CMS's markup (the
    # scan reads their heads) and 2-4 KB page sizes state nothing but what
    # the answers say
    "$gen" --sites 40 -o h.warc.gz --pages 400 --seed 13 --answers h.ans --text html --damage
    "$gen" --sites 40 -o s.warc.gz --pages 400 --seed 14 --answers s.ans --page-size 2K-4K
    for k in h s; do
        scan $k.warc.gz $k.out
        "$check" $k.ans $k.out.jsonl $k.out.sum.json || fail "answers of $k.warc.gz"
    done
    # revisits left unresolved (a table of one original) are written with
    # their own statements' verdict: every label is one of their sources'
    # (it once pointed into the reader's window, reused by then)
    for a in m.warc.gz p.warc; do
        scan $a u --revisits 1 --threads 2
        python3 - u.jsonl <<'PY' || fail "$a: labels of unresolved revisits"
import json, sys
n = 0
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d["type"] != "revisit" or d["revisit"]["resolved"]:
        continue
    said = " ".join((s["text"] or "") + " " + (s["origin"] or "") for s in d["sources"])
    for c, e in d["categories"].items():
        if e["label"] is not None:
            n += 1
            if e["label"] not in said:
                sys.exit("%s %s: label %r in none of its sources" % (d["record_id"], c, e["label"]))
if n < 20:
    sys.exit("only %d labels of unresolved revisits: the test lost its point" % n)
PY
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
    scan @list.gz all --keep all.kept.warc.gz
    for n in 2 3; do
        i=0
        while [ $i -lt $n ]; do
            scan @list.gz "shard$i" --shard $i/$n --threads 2 --keep "shard$i.kept.warc.gz"
            i=$((i + 1))
        done
        # the annotation and keep files are recognised by their content
        "$ccsig" merge --json --annotate merged.jsonl --keep merged.kept.warc.gz \
            shard*.kept.warc.gz shard*.jsonl shard*.sum.json > merged.sum.json
        "$ccsig" merge --credit merged.credit.json shard*.credit.json
        cmp merged.sum.json all.sum.json || fail "merged summary of $n shards"
        cmp merged.credit.json all.credit.json || fail "merged credit of $n shards"
        cmp merged.jsonl all.jsonl || fail "merged annotation of $n shards"
        cmp merged.kept.warc.gz all.kept.warc.gz || fail "merged keep file of $n shards"
        rm -f shard* merged*
    done
    # Shards with identity: a shard given twice is refused, a missing one
    # is named (and merged only with --allow-missing).
    scan @list.gz s0 --shard 0/3
    scan @list.gz s1 --shard 1/3
    scan @list.gz s2 --shard 2/3
    rc=0
    "$ccsig" merge --json s0.sum.json s1.sum.json s0.sum.json s2.sum.json > /dev/null 2> err || rc=$?
    [ $rc -eq 2 ] && grep -q "shard 0/3 given twice" err || fail "duplicate shard: exit $rc"
    rc=0
    "$ccsig" merge --credit m.json s0.credit.json s2.credit.json 2> err || rc=$?
    [ $rc -eq 2 ] && grep -q "missing shard 1/3" err || fail "missing shard: exit $rc"
    rc=0
    "$ccsig" merge --json --allow-missing s0.sum.json s2.sum.json > m.json 2> err || rc=$?
    [ $rc -eq 1 ] && grep -q "shard 1/3 missing" err || fail "--allow-missing: exit $rc"
    tr -d ' \n' < m.json | grep -q '"shards":{"count":3,"list":"fnv1a64:[0-9a-f]*","missing":\[1\]}' ||
        fail "--allow-missing: the summary does not name shard 1/3"
    # Revisits whose original is in another shard: archive rb holds revisits
    # of responses in ra (one crawl cut in two at a record), and a third
    # archive cannot be read. Merged = one run, byte for byte; the shard of
    # rb resolves fewer revisits alone than the merge does.
    "$gen" --sites 20 -o r.warc.gz --pages 300 --seed 3 --revisits 25
    "$ccsig" scan --quiet --annotate r.jsonl r.warc.gz > /dev/null
    off=$(sed -n 150p r.jsonl | sed 's/.*"offset":\([0-9]*\),"revisit".*/\1/')
    head -c "$off" r.warc.gz > ra.warc.gz
    tail -c +$((off + 1)) r.warc.gz > rb.warc.gz
    printf 'ra.warc.gz\nrb.warc.gz\nno-such.warc.gz\n' > rlist
    rc=0
    "$ccsig" scan --quiet $profile --summary --json --credit rall.credit.json @rlist > rall.sum.json 2> /dev/null || rc=$?
    [ $rc -eq 2 ] || fail "an unreadable archive: scan exit $rc"
    for i in 0 1 2; do
        rc=0
        "$ccsig" scan --quiet $profile --shard $i/3 --summary --json --credit "r$i.credit.json" @rlist > "r$i.sum.json" 2> /dev/null || rc=$?
        [ $rc -le 2 ] || fail "shard $i/3 of rlist: exit $rc"
    done
    grep -q '"refers_to"' r1.sum.json || fail "shard 1/3 leaves no revisit open"
    rc=0
    "$ccsig" merge --json r2.sum.json r1.sum.json r0.sum.json > rm.sum.json 2> err || rc=$?
    [ $rc -eq 1 ] && grep -q "archive no-such.warc.gz could not be read" err ||
        fail "unreadable archive: merge exit $rc"
    tr -d ' \n' < rm.sum.json | grep -q '"failed":\[{"archive":"no-such.warc.gz","what":"cannotread:Nosuchfile' ||
        fail "the merged summary does not name the unreadable archive"
    "$ccsig" merge --credit rm.credit.json r0.credit.json r1.credit.json r2.credit.json
    cmp rm.sum.json rall.sum.json || fail "cross-shard revisits: merged summary differs"
    cmp rm.credit.json rall.credit.json || fail "cross-shard revisits: merged credit differs"
    res() { tr -d ' \n' < "$1" | sed 's/.*"revisits":{"resolved":\([0-9]*\).*/\1/'; }
    [ "$(res r1.sum.json)" -lt "$(res rm.sum.json)" ] ||
        fail "no revisit of rb was resolved across shards"
    # The same with annotations (gzip) and keep files (zstd, the records
    # encoded again): merged = one run, byte for byte (decompressed for
    # the annotation, whose members differ), kept counts included.
    rk() { # outprefix extra-args...
        o=$1
        shift
        rc=0
        "$ccsig" scan --quiet $profile --summary --json --annotate "$o.jsonl.gz" \
            --keep "$o.kept.warc.zst" "$@" @rlist > "$o.sum.json" 2> /dev/null || rc=$?
        [ $rc -le 2 ] || fail "scan $o: exit $rc"
    }
    rk kall
    for i in 0 1 2; do
        rk "k$i" --shard $i/3
    done
    rc=0
    "$ccsig" merge --json --annotate km.jsonl.zst --keep km.kept.warc.zst k0.sum.json \
        k1.sum.json k2.sum.json k1.jsonl.gz k0.jsonl.gz k2.jsonl.gz k2.kept.warc.zst \
        k0.kept.warc.zst k1.kept.warc.zst > km.sum.json 2> err || rc=$?
    [ $rc -eq 1 ] || fail "merge of annotations and keep files: exit $rc: $(cat err)"
    cmp km.sum.json kall.sum.json || fail "merged summary with keep files differs"
    zstd -dc km.jsonl.zst > km.jsonl && gzip -dc kall.jsonl.gz > kall.jsonl
    cmp km.jsonl kall.jsonl || fail "merged annotation differs from one run's"
    cmp km.kept.warc.zst kall.kept.warc.zst || fail "merged keep file differs from one run's"
    # Inputs are told apart by content, in any order: a keep file first.
    rc=0
    "$ccsig" merge --json --annotate kn.jsonl.zst --keep kn.kept.warc.zst k0.kept.warc.zst \
        k2.jsonl.gz k1.sum.json k1.kept.warc.zst k0.jsonl.gz k2.sum.json k1.jsonl.gz k0.sum.json \
        k2.kept.warc.zst > kn.sum.json 2> err || rc=$?
    [ $rc -eq 1 ] || fail "merge with a keep file first: exit $rc: $(cat err)"
    cmp kn.sum.json km.sum.json || fail "merge with a keep file first: summary differs"
    cmp kn.kept.warc.zst km.kept.warc.zst || fail "merge with a keep file first: keep file differs"
    zstd -dc kn.jsonl.zst | cmp - km.jsonl || fail "merge with a keep file first: annotation differs"
    # and not vacuously: lines the merge wrote again with another decision
    # than their shard's, and records a shard kept that the merge drops
    for f in k0.jsonl.gz k1.jsonl.gz k2.jsonl.gz; do # k2's is empty: its archive is unreadable
        [ ! -s $f ] || gzip -dc $f
    done | sort > kshards.sorted
    sort km.jsonl | comm -13 kshards.sorted - | grep -c '"type":"revisit"' > changed || true
    [ "$(cat changed)" -gt 0 ] || fail "no revisit line differs from its shard's"
    shards_bytes=$(cat k0.kept.warc.zst k1.kept.warc.zst k2.kept.warc.zst | wc -c)
    [ "$shards_bytes" -gt "$(wc -c < km.kept.warc.zst)" ] ||
        fail "no provisional record was dropped"
    # Errors, exit 2, naming what is wrong; no output left behind.
    merr() { # expected-message merge-args...
        want=$1
        shift
        rc=0
        "$ccsig" merge --json "$@" > /dev/null 2> err || rc=$?
        [ $rc -eq 2 ] && grep -q "$want" err || fail "merge $*: exit $rc: $(cat err)"
    }
    merr "the annotation file of shard 1/3 (k1.sum.json: [0-9]* bytes, digest fnv1a64:[0-9a-f]*) was not given" \
        --annotate o.jsonl k0.sum.json k1.sum.json k2.sum.json k0.jsonl.gz k2.jsonl.gz
    [ ! -e o.jsonl ] || fail "a failed merge left its output"
    merr "the keep file of shard 2/3 (k2.sum.json: [0-9]* bytes" \
        --keep o.warc.zst k0.sum.json k1.sum.json k2.sum.json k0.kept.warc.zst k1.kept.warc.zst
    merr "kall.jsonl.gz: not the annotation or keep file of any shard given" \
        --annotate o.jsonl k0.sum.json k1.sum.json k2.sum.json kall.jsonl.gz
    cp k1.kept.warc.zst bad.kept.warc.zst
    printf 'x' >> bad.kept.warc.zst
    merr "bad.kept.warc.zst: not the annotation or keep file of any shard given ([0-9]* bytes" \
        --keep o.warc.zst k0.sum.json k1.sum.json k2.sum.json k0.kept.warc.zst \
        bad.kept.warc.zst k2.kept.warc.zst
    merr "k1.jsonl.gz: the annotation file of shard 1/3 given twice (also k1.jsonl.gz)" \
        --annotate o.jsonl k0.sum.json k1.sum.json k2.sum.json k1.jsonl.gz k1.jsonl.gz
    merr "shard 0/3 (r0.sum.json) wrote no annotation file: scan it with --annotate FILE" \
        --annotate o.jsonl r0.sum.json r1.sum.json r2.sum.json
    merr "the keep file of shard 0: give --keep FILE to merge it" \
        --annotate o.jsonl k0.sum.json k1.sum.json k2.sum.json k0.jsonl.gz k1.jsonl.gz \
        k2.jsonl.gz k0.kept.warc.zst
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
    # Plain WARC is the worst case for a job's output (4 MiB chunks) and
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
