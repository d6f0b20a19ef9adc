#!/bin/sh
# fix.sh — `ccsig lint --fix --in-place FILE...` changes real files safely,
# and the fixed file says to a current reader what the old one said.
#
# usage: fix.sh CCSIG FIXTURES-DIR
#
# In a temporary directory: --in-place writes what --fix prints, keeps the
# file's permissions, leaves no temporary file, does not touch a file with
# nothing to fix (same inode), rewrites several files in one run, and a
# second run changes nothing. Then `ccsig check` reads the fixed file under
# the current reading (-08 only) and the original under the default reading
# (legacy labels with their drafts' meanings): train-ai, ai-use and search
# answer the same for every path of the fixture.
set -eu

ccsig=$1
fixtures=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/ccsig-lint-fix.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

cp "$fixtures/legacy-site.txt" "$T/robots.txt"
cp "$fixtures/legacy-site.txt" "$T/other.txt"
cp "$fixtures/groups.txt" "$T/clean.txt"
chmod 640 "$T/robots.txt"

"$ccsig" lint --fix "$T/robots.txt" >"$T/stdout.txt" 2>/dev/null || fail "--fix to stdout"
cmp -s "$fixtures/legacy-site.txt" "$T/robots.txt" || fail "--fix without --in-place changed the file"

inode=$(stat -c %i "$T/clean.txt")
"$ccsig" lint --fix --in-place "$T/robots.txt" "$T/other.txt" "$T/clean.txt" 2>"$T/err" ||
    fail "--in-place: $(cat "$T/err")"
cmp -s "$T/stdout.txt" "$T/robots.txt" || fail "--in-place wrote something else than --fix prints"
cmp -s "$T/stdout.txt" "$T/other.txt" || fail "the second file was not rewritten"
cmp -s "$fixtures/groups.txt" "$T/clean.txt" || fail "a file with nothing to fix changed"
[ "$(stat -c %i "$T/clean.txt")" = "$inode" ] || fail "a file with nothing to fix was rewritten"
[ "$(stat -c %a "$T/robots.txt")" = 640 ] || fail "permissions changed to $(stat -c %a "$T/robots.txt")"
[ "$(ls "$T" | grep -c 'ccsig-')" -eq 0 ] || fail "a temporary file was left behind"
grep -q "robots.txt: 7 rules fixed (written in place)" "$T/err" || fail "summary: $(cat "$T/err")"

# Idempotent: a second run finds nothing and writes nothing.
inode=$(stat -c %i "$T/robots.txt")
"$ccsig" lint --fix --in-place "$T/robots.txt" 2>"$T/err2" || fail "second run"
grep -q "robots.txt: 0 rules fixed$" "$T/err2" || fail "second run: $(cat "$T/err2")"
[ "$(stat -c %i "$T/robots.txt")" = "$inode" ] || fail "the second run rewrote the file"
if "$ccsig" lint "$T/robots.txt" | grep -q legacy-label; then
    fail "lint still reports a legacy label after --fix"
fi

# What the old file said (default reading) is what the fixed one says to a
# current reader, path by path, agent by agent: the decision and its
# obligations (CC signal exceptions). The Content-Signal line is left out of
# both, so that only Content-Usage answers.
grep -v '^Content-Signal' "$fixtures/legacy-site.txt" >"$T/before.txt"
grep -v '^Content-Signal' "$T/robots.txt" >"$T/after.txt"
decision() {
    printf '%s' "$1" | sed -n 's/.*"decision":{"use":"[a-z-]*",\("result":"[a-z-]*","obligations":\[[^]]*\]\).*/\1/p'
}
n=0
for agent in ExampleBot GPTBot; do
    for path in / /about /blog/post /en/docs/x /changelog /terms /dashboard /e/1 /other; do
        url="https://tuist.example.org$path"
        for use in train-ai ai-use search; do
            a=$(decision "$("$ccsig" check --robots "$T/before.txt" --agent $agent --use $use \
                --reading default --json "$url" || true)")
            b=$(decision "$("$ccsig" check --robots "$T/after.txt" --agent $agent --use $use \
                --reading current --json "$url" || true)")
            [ -n "$a" ] || fail "no decision for $agent $url $use"
            [ "$a" = "$b" ] ||
                fail "$agent $url $use: before (default reading) $a, after (current reading) $b"
            n=$((n + 1))
        done
    done
done
[ $n -eq 54 ] || fail "compared $n decisions"
echo "ok"
