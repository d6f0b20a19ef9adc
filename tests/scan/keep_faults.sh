#!/bin/sh
# scan.keep_faults: ccsig scan's outputs on a full disk (issue 18, item 9).
#
# usage: keep_faults.sh CCSIG SAMPLE_DIR
#
# SAMPLE_DIR is the build's sample crawl (build/sample: crawl.warc.gz,
# robots.warc.gz). Every output (--keep, --annotate, --credit, --summary on
# standard output) is written to /dev/full, where every write fails with
# ENOSPC: the scan must exit 3 (docs/ccsig-scan.1 EXIT STATUS: an output
# could not be written), print an error that names the output and says "No
# space left on device", and write nothing to standard output that looks
# like success. Then the disk fills in the middle: `ulimit -f` caps the
# file size (SIGXFSZ ignored, so write() fails with EFBIG) below the size
# of the --keep and --annotate outputs an unlimited run writes, with 1 and
# 2 worker threads: the exit is 3 with "File too large" naming the output,
# and the bytes written are a prefix of the unlimited run's output.
set -eu
ccsig=$1 sample=$2
tmp=$(mktemp -d /tmp/ccsig-keep-faults.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
status=0
fail() {
    echo "FAIL $*"
    status=1
}
scan() {
    "$ccsig" scan --robots "$sample/robots.warc.gz" --use train-ai --commit credit "$@" \
        "$sample/crawl.warc.gz"
}

# The whole run, unlimited: the reference outputs.
# (exit 1: the sample has records that are not permitted for train-ai)
rc=0
scan --keep full.warc.gz --annotate full.jsonl --credit full.json > /dev/null || rc=$?
[ $rc -le 1 ] || fail "the unlimited run: exit $rc"
for f in full.warc.gz full.jsonl full.json; do
    [ -s "$f" ] || fail "the unlimited run wrote no $f"
done

# Expect: exit 3, an error line naming WHAT and saying WHY, nothing on
# standard output.
expect_failure() { # name rc what why
    name=$1 rc=$2 what=$3 why=$4
    if [ "$rc" -ne 3 ]; then
        fail "$name: exit $rc, expected 3"
    fi
    if ! grep -q "^ccsig scan: $what: cannot write: $why\$" "$name.err"; then
        fail "$name: no error '$what: cannot write: $why' in:"
        cat "$name.err"
    fi
    if [ -s "$name.out" ]; then
        fail "$name: wrote to standard output:"
        cat "$name.out"
    fi
}

# A full device.
full='No space left on device'
rc=0
scan --keep /dev/full > keep.out 2> keep.err || rc=$?
expect_failure keep $rc "--keep /dev/full" "$full"
rc=0
scan --annotate /dev/full > annotate.out 2> annotate.err || rc=$?
expect_failure annotate $rc "--annotate /dev/full" "$full"
rc=0
scan --credit /dev/full --credit-format json > credit.out 2> credit.err || rc=$?
expect_failure credit $rc "--credit /dev/full" "$full"
rc=0
scan --keep /dev/full --annotate /dev/full > both.out 2> both.err || rc=$?
expect_failure both $rc "--keep /dev/full" "$full"
expect_failure both $rc "--annotate /dev/full" "$full"
# Standard output full: the annotation (-) and the summary.
rc=0
scan --annotate - > /dev/full 2> stdout.err || rc=$?
: > stdout.out
expect_failure stdout $rc "--annotate (standard output)" "$full"
rc=0
scan --keep kept.warc.gz --summary > /dev/full 2> summary.err || rc=$?
: > summary.out
expect_failure summary $rc "--summary (standard output)" "$full"
# The kept file itself is complete there.
cmp -s kept.warc.gz full.warc.gz || fail "summary: --keep differs from the unlimited run's"

# The disk fills in the middle: 200 blocks of 512 bytes.
cap=200
limit=$((cap * 512))
for f in full.warc.gz full.jsonl; do
    [ "$(wc -c < "$f")" -gt "$limit" ] || fail "$f is not larger than the cap ($limit bytes)"
done
for threads in 1 2; do
    for out in keep annotate; do
        case $out in
        keep) file=cut$threads.warc.gz ref=full.warc.gz ;;
        annotate) file=cut$threads.jsonl ref=full.jsonl ;;
        esac
        name=cut-$out-$threads
        rc=0
        (
            trap '' XFSZ
            ulimit -f $cap
            scan --threads $threads --$out "$file"
        ) > "$name.out" 2> "$name.err" || rc=$?
        expect_failure "$name" $rc "--$out $file" 'File too large'
        size=$(wc -c < "$file")
        [ "$size" -gt 0 ] || fail "$name: nothing was written before the cap"
        [ "$size" -le "$limit" ] || fail "$name: $size bytes written past the cap"
        if ! head -c "$size" "$ref" | cmp -s - "$file"; then
            fail "$name: the $size bytes written are not a prefix of $ref"
        fi
    done
done
[ $status -eq 0 ] && echo "scan.keep_faults: all cases passed"
exit $status
