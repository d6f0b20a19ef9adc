#!/bin/sh
# scan.index: `ccsig scan --index` agrees with the full scan (issue 16 §3).
#
# usage: index_tests.sh CCSIG GEN_CRAWL
#
# On generated crawls (gzip, a member per record, with revisits; and plain
# WARC) the scan through an index must write, record by record, the
# annotation lines, kept records and credit manifest the full scan writes,
# with 1 and 2 threads, for each index: ccsig's own CDXJ and CDX
# (`ccsig index`) and the CDXJ gen_crawl writes itself in Common Crawl's
# form (responses and revisits only, sorted by urlkey as Common Crawl
# sorts). The summaries are equal apart from the documented fields: the
# "indexed" counts, bytes.decompressed (records not read are not inflated)
# and, for an index without request/metadata records, the record counts.
# Real indexes from pywb's sample archive (tests/data/index/pywb) agree too,
# and --wat annotates from the crawl's WAT as the full scan does, and keeps
# what it keeps (--wat --keep through the index).
# Then: a page whose head passes the 512 KiB bound is counted in
# indexed.bound_reached; a wrong offset is damage (exit 2, named); a broken
# index line is refused with FILE:LINE:COL (exit 2); an archive the index
# does not name is refused (exit 2); a zstd archive cannot be read by index.
set -eu
ccsig=$1 gen=$2 data=$(cd "$(dirname "$0")/../data/index" && pwd)
tmp=$(mktemp -d /tmp/ccsig-index.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
status=0
fail() {
    echo "FAIL $*"
    status=1
}
# The scans below decide for train-ai: exit 1 (some record not permitted,
# ccsig(1)) is an answer, read as success here.
scan() {
    src=0
    "$ccsig" scan --quiet --robots robots.warc.gz --use train-ai --commit credit "$@" || src=$?
    [ $src = 1 ] && return 0
    return $src
}
# summary JSON without the documented fields ($2 = 1: without record counts)
strip() {
    python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d.pop("indexed", None)
d["bytes"].pop("decompressed", None)
if sys.argv[2] == "1":
    d.pop("records", None)
print(json.dumps(d, indent=1, sort_keys=True))
PY
}

"$gen" -o crawl.warc.gz --pages 600 --seed 7 --revisits 6 --robots robots.warc.gz \
    --cdxj gen.cdxj --wat crawl.wat.gz > /dev/null
sort gen.cdxj > gen-sorted.cdxj
"$gen" -o plain.warc --pages 300 --seed 8 > /dev/null

for archive in crawl.warc.gz plain.warc; do
    "$ccsig" index -o own.cdxj "$archive" || fail "$archive: ccsig index exit $?"
    "$ccsig" index --cdx -o own.cdx "$archive" || fail "$archive: ccsig index --cdx exit $?"
    scan --annotate full.jsonl --keep full.warc.gz --credit full.json --summary --json \
        "$archive" > full.sum
    strip full.sum 0 > full.strip
    strip full.sum 1 > full.strip1
    [ -s full.jsonl ] || fail "$archive: the full scan annotated nothing"
    indexes="own.cdxj own.cdx"
    [ "$archive" = plain.warc ] || indexes="$indexes gen-sorted.cdxj"
    for ix in $indexes; do
        for t in 1 2; do
            what="$archive --index $ix --threads $t"
            rc=0
            scan --threads $t --index "$ix" --annotate ix.jsonl --keep ix.warc.gz \
                --credit ix.json --summary --json "$archive" > ix.sum || rc=$?
            [ $rc -le 1 ] || fail "$what: exit $rc" # 1: some record not permitted
            cmp -s full.jsonl ix.jsonl || fail "$what: annotations differ"
            cmp -s full.json ix.json || fail "$what: credit manifests differ"
            n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["indexed"]["records"])' ix.sum)
            [ "$n" -gt 0 ] || fail "$what: the summary counts no record read through the index"
            if [ "$ix" = gen-sorted.cdxj ]; then
                strip ix.sum 1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
d.pop("kept", None)
print(json.dumps(d, indent=1, sort_keys=True))' > a.strip
                python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d.pop("kept", None)
print(json.dumps(d, indent=1, sort_keys=True))' full.strip1 > b.strip
                cmp -s a.strip b.strip || fail "$what: summaries differ"
            else
                cmp -s full.warc.gz ix.warc.gz || fail "$what: kept records differ"
                strip ix.sum 0 | cmp -s - full.strip || fail "$what: summaries differ"
            fi
        done
    done
done

# Real indexes written by another tool (pywb's sample archive, CDXJ and CDX;
# tests/data/index/pywb/README.md): every record the index names is annotated
# as the full scan annotates it.
for pair in "example.warc.gz example.cdxj" "example-extra.warc example-extra.cdx"; do
    set -- $pair
    cp "$data/pywb/$1" "$data/pywb/$2" .
    "$ccsig" scan --quiet --annotate real-full.jsonl "$1" > /dev/null || true
    rc=0
    "$ccsig" scan --quiet --index "$2" --annotate real-ix.jsonl "$1" > /dev/null || rc=$?
    [ $rc = 0 ] || fail "pywb $1 --index $2: exit $rc"
    python3 - real-full.jsonl real-ix.jsonl "$2" <<'PY' || fail "pywb $1 --index $2: differs"
import json, sys
full = {d["offset"]: d for d in map(json.loads, open(sys.argv[1]))}
ix = [json.loads(l) for l in open(sys.argv[2])]
want = 3 if sys.argv[3].endswith(".cdxj") else 2
if len(ix) != want:
    sys.exit("%d records read through the index, expected %d" % (len(ix), want))
for d in ix:
    if full.get(d["offset"]) != d:
        sys.exit("offset %d: %s\n  vs %s" % (d["offset"], d, full.get(d["offset"])))
PY
done

# --wat: the WAT gen_crawl wrote for the same crawl (Common Crawl's format:
# metadata records with Envelope / Payload-Metadata / HTML-Metadata JSON).
# Record by record, the annotations equal the full scan's apart from the
# documented fields: the archive (the WAT's) and the line of an HTML
# statement (its line in the reconstructed head). The summaries are equal
# apart from "indexed" and the byte counts.
scan --annotate full.jsonl --credit full.json --summary --json crawl.warc.gz > full.sum
for t in 1 2; do
    rc=0
    scan --threads $t --wat --annotate wat.jsonl --credit wat.json --summary --json \
        crawl.wat.gz > wat.sum || rc=$?
    [ $rc -le 1 ] || fail "--wat --threads $t: exit $rc" # 1: some record not permitted
    cmp -s full.json wat.json || fail "--wat --threads $t: credit manifests differ"
    python3 - full.jsonl wat.jsonl full.sum wat.sum <<'PY' || fail "--wat --threads $t: differs"
import json, sys
def norm(line):
    d = json.loads(line)
    d.pop("archive")
    if d.get("revisit") and d["revisit"].get("original"):
        d["revisit"]["original"].pop("archive")
    for s in d["sources"]:
        if s["kind"] == "html":
            s.pop("line")
    return d
a = [norm(l) for l in open(sys.argv[1])]
b = [norm(l) for l in open(sys.argv[2])]
if len(a) != len(b) or not a:
    sys.exit("%d annotation lines from the WARC, %d from the WAT" % (len(a), len(b)))
for i, (x, y) in enumerate(zip(a, b)):
    if x != y:
        sys.exit("line %d: %s\n  vs %s" % (i + 1, json.dumps(x), json.dumps(y)))
s1, s2 = json.load(open(sys.argv[3])), json.load(open(sys.argv[4]))
if s2.pop("indexed")["records"] != s1["scanned"]:
    sys.exit("the summary does not count the records read from the WAT")
for s in (s1, s2):
    s.pop("bytes")
if s1 != s2:
    sys.exit("summaries differ")
PY
done
# --wat --keep: the kept records are copied from the WARC the WAT describes
# (crawl.wat.gz -> crawl.warc.gz) at the places the index gives; they equal
# the full scan's byte for byte (own CDXJ: requests and metadata kept beside
# their responses), and the --index scan's with Common Crawl's index of
# responses and revisits; gzip members copied, or a plain keep file encoded.
scan --keep full.warc.gz --summary --json crawl.warc.gz > fullk.sum
"$ccsig" index -o crawl.cdxj crawl.warc.gz
for t in 1 2; do
    rc=0
    scan --threads $t --wat --index crawl.cdxj --keep wk.warc.gz --summary --json \
        crawl.wat.gz > wk.sum || rc=$?
    [ $rc -le 1 ] || fail "--wat --keep --threads $t: exit $rc"
    cmp -s full.warc.gz wk.warc.gz || fail "--wat --keep --threads $t: kept records differ"
    python3 -c 'import json,sys; a,b=(json.load(open(f))["kept"] for f in sys.argv[1:]); sys.exit(a != b)' \
        fullk.sum wk.sum || fail "--wat --keep --threads $t: kept counts differ"
done
scan --index gen-sorted.cdxj --keep cc-ix.warc crawl.warc.gz > /dev/null
scan --wat --index gen-sorted.cdxj --keep cc-wk.warc crawl.wat.gz > /dev/null ||
    fail "--wat --keep with Common Crawl's index: exit $?"
cmp -s cc-ix.warc cc-wk.warc || fail "--wat --keep with Common Crawl's index: kept records differ"
# the WARCs in another directory: --warc-dir
mkdir -p warcs wats
cp crawl.warc.gz warcs/
cp crawl.wat.gz wats/crawl.warc.wat.gz
scan --wat --index crawl.cdxj --warc-dir warcs --keep wd.warc.gz wats/crawl.warc.wat.gz > /dev/null ||
    fail "--warc-dir: exit $?"
cmp -s full.warc.gz wd.warc.gz || fail "--warc-dir: kept records differ"
rc=0
"$ccsig" scan --wat --use train-ai --keep k.warc.gz crawl.wat.gz > /dev/null 2> wk.err || rc=$?
[ $rc = 2 ] || fail "--wat --keep without --index: exit $rc, expected 2"
grep -q "add --index FILE" wk.err || fail "--wat --keep without --index: $(cat wk.err)"
rc=0 # a WAT whose name does not say which WARC it describes
cp crawl.wat.gz crawl.json.gz
"$ccsig" scan --use train-ai --wat --index crawl.cdxj --keep k.warc.gz crawl.json.gz \
    > /dev/null 2> wk.err || rc=$?
[ $rc = 2 ] || fail "--wat --keep, unknown name: exit $rc, expected 2"
grep -q "crawl.json.gz: cannot tell from its name which WARC file" wk.err ||
    fail "--wat --keep, unknown name: $(cat wk.err)"
rc=0 # the WARC is not there: the WAT is unreadable for keeping, named
"$ccsig" scan --use train-ai --wat --index crawl.cdxj --keep k.warc.gz wats/crawl.warc.wat.gz \
    > /dev/null 2> wk.err || rc=$?
[ $rc = 2 ] || fail "--wat --keep, no WARC: exit $rc, expected 2"
grep -q "wats/crawl.warc.gz: No such file" wk.err || fail "--wat --keep, no WARC: $(cat wk.err)"
rc=0 # the WAT describes another WARC file (Container.Filename): not kept, named
cp crawl.wat.gz other.wat.gz
cp crawl.warc.gz other.warc.gz
"$ccsig" index -o other.cdxj other.warc.gz
"$ccsig" scan --use train-ai --wat --index other.cdxj --keep k.warc.gz other.wat.gz \
    > /dev/null 2> wk.err || rc=$?
[ $rc = 2 ] || fail "--wat --keep, another WARC: exit $rc, expected 2"
grep -q "cannot be kept: the WAT describes it in crawl.warc.gz, not in other.warc.gz" wk.err ||
    fail "--wat --keep, another WARC: $(head -3 wk.err)"

# A page whose <head> is longer than the bound: read up to the bound,
# counted; its annotation is still the full scan's (its signal is early).
python3 - <<'PY'
head = '<meta name="robots" content="noai">' + "<!-- x -->" * 60000
body = "<!doctype html><html><head>" + head + "</head><body>hi</body></html>"
http = ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
warc = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Date: 2024-05-18T00:00:00Z\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000001>\r\n"
        "WARC-Target-URI: https://big.example/\r\nContent-Type: application/http; msgtype=response\r\n"
        "Content-Length: %d\r\n\r\n" % len(http)) + http + "\r\n\r\n"
open("big.warc", "w").write(warc)
PY
"$ccsig" index -o big.cdxj big.warc
"$ccsig" scan --quiet --annotate big-full.jsonl big.warc
"$ccsig" scan --quiet --index big.cdxj --annotate big-ix.jsonl --summary --json big.warc > big.sum
cmp -s big-full.jsonl big-ix.jsonl || fail "bound: the annotations differ"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["indexed"]; sys.exit(d != {"records": 1, "bound_reached": 1})' big.sum ||
    fail "bound: indexed.bound_reached is not 1: $(grep -A3 indexed big.sum)"

# A wrong offset: damage, named, exit 2 (unreadable input, the exit-code rule
# of ccsig(1)); the other records are read.
sed '/text\/html/{s/"offset": "\([0-9]*\)"/"offset": "\11"/;:a;n;ba}' own.cdxj > bad.cdxj
rc=0
"$ccsig" scan --index bad.cdxj --annotate bad.jsonl plain.warc > /dev/null 2> bad.err || rc=$?
[ $rc = 2 ] || fail "wrong offset: exit $rc, expected 2"
grep -q "plain.warc: offset [0-9]*: record at offset [0-9]*: " bad.err || fail "wrong offset: $(cat bad.err)"

# A broken line: FILE:LINE:COL, exit 2.
printf 'a 1 {"url": "x", "offset": "0", "length": "10", "filename": "plain.warc"}\nb 2 {"offset": 5,\n' > broken.cdxj
rc=0
"$ccsig" scan --index broken.cdxj plain.warc > /dev/null 2> broken.err || rc=$?
[ $rc = 2 ] || fail "broken index: exit $rc, expected 2"
grep -q "broken.cdxj:2:" broken.err || fail "broken index: no FILE:LINE:COL: $(cat broken.err)"
printf ' CDX N b a m s k r M S V g\nk 1 u text/html 200 D - - ten 0 plain.warc\n' > broken.cdx
rc=0
"$ccsig" scan --index broken.cdx plain.warc > /dev/null 2> broken.err || rc=$?
[ $rc = 2 ] || fail "broken CDX: exit $rc, expected 2"
grep -q "broken.cdx:2:27: the length column (S)" broken.err || fail "broken CDX: $(cat broken.err)"

# An archive the index does not name (with two files named, none matches).
printf 'a 1 {"offset": "0", "length": "10", "filename": "x.warc.gz"}\na 1 {"offset": "0", "length": "10", "filename": "y.warc.gz"}\n' > other.cdxj
rc=0
"$ccsig" scan --index other.cdxj plain.warc > /dev/null 2> other.err || rc=$?
[ $rc = 2 ] || fail "unnamed archive: exit $rc, expected 2"
grep -q "names no record of it" other.err || fail "unnamed archive: $(cat other.err)"

# zstd: an indexed scan reads gzip or plain WARC only.
"$gen" -o z.warc.zst --pages 20 > /dev/null
printf 'a 1 {"offset": "0", "length": "10", "filename": "z.warc.zst"}\n' > z.cdxj
rc=0
"$ccsig" scan --index z.cdxj z.warc.zst > /dev/null 2> z.err || rc=$?
[ $rc = 2 ] || fail "zstd: exit $rc, expected 2"
grep -q "cannot read through an index" z.err || fail "zstd: $(cat z.err)"

[ $status = 0 ] && echo "scan.index: ok"
exit $status
