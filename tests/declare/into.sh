#!/bin/sh
# into.sh — `ccsig declare --into FILE` changes a real file safely.
#
# usage: into.sh CCSIG FIXTURES-DIR
#
# In a temporary directory: the merge writes the file atomically, keeps the
# old one as FILE.bak (then FILE.bak.1: an older backup is never
# overwritten), keeps the file's permissions, writes nothing when the rules
# are already there or when the merge is refused (exit 1), and --dry-run
# writes nothing. The merged file is then read back with `ccsig check`.
set -eu

ccsig=$1
fixtures=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/ccsig-declare-into.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

cp "$fixtures/library-robots.txt" "$T/robots.txt"
chmod 640 "$T/robots.txt"

# --dry-run writes nothing.
"$ccsig" declare --use train-ai --signal cr --into "$T/robots.txt" --dry-run >"$T/dry.diff" 2>/dev/null ||
    fail "--dry-run"
cmp -s "$fixtures/library-robots.txt" "$T/robots.txt" || fail "--dry-run changed the file"
[ ! -e "$T/robots.txt.bak" ] || fail "--dry-run made a backup"

# The merge: the diff shown is what was done, the old file is the backup.
"$ccsig" declare --use train-ai --signal cr --into "$T/robots.txt" >"$T/real.diff" 2>"$T/err" ||
    fail "--into: $(cat "$T/err")"
cmp -s "$T/dry.diff" "$T/real.diff" || fail "the diff differs from the dry run's"
cmp -s "$fixtures/library-robots.txt" "$T/robots.txt.bak" || fail "the backup is not the old file"
[ "$(stat -c %a "$T/robots.txt")" = 640 ] || fail "permissions changed to $(stat -c %a "$T/robots.txt")"
grep -q '^Content-Usage: train-ai=n;exceptions=cc-cr$' "$T/robots.txt" || fail "rule not added"
[ "$(ls "$T" | grep -c 'ccsig-')" -eq 0 ] || fail "a temporary file was left behind"

# Read back: the declared preference applies, GPTBot keeps its Disallow.
out=$("$ccsig" check --robots "$T/robots.txt" --json https://library.example.org/books/1) ||
    fail "ccsig check"
echo "$out" | grep -q '"train-ai":{"state":"deny","exceptions":\["cc-cr"\]' ||
    fail "ccsig check does not read the declaration back: $out"
out=$("$ccsig" check --robots "$T/robots.txt" --agent GPTBot --json https://library.example.org/books/1 || true)
echo "$out" | grep -q '"crawl":"disallowed"' || fail "GPTBot is no longer disallowed: $out"

# Again: already there, nothing written, no second backup.
"$ccsig" declare --use train-ai --signal cr --into "$T/robots.txt" >"$T/again" 2>&1 ||
    fail "second run"
grep -q "already has these rules" "$T/again" || fail "second run: $(cat "$T/again")"
[ ! -e "$T/robots.txt.bak.1" ] || fail "second run made a backup"

# A conflict: exit 1, the file untouched.
cp "$T/robots.txt" "$T/before"
if "$ccsig" declare --use train-ai --allow --into "$T/robots.txt" >/dev/null 2>"$T/err"; then
    fail "a conflicting declaration was merged"
else
    [ $? -eq 1 ] || fail "a refusal exits 1: $(cat "$T/err")"
fi
grep -q "refused" "$T/err" || fail "no reason given"
cmp -s "$T/before" "$T/robots.txt" || fail "a refused merge changed the file"
[ ! -e "$T/robots.txt.bak.1" ] || fail "a refused merge made a backup"

# Another category: the first backup is kept, the new one is .bak.1.
"$ccsig" declare --use ai-use --signal cr-op --into "$T/robots.txt" >/dev/null 2>&1 || fail "second merge"
cmp -s "$fixtures/library-robots.txt" "$T/robots.txt.bak" || fail "the first backup was overwritten"
cmp -s "$T/before" "$T/robots.txt.bak.1" || fail "robots.txt.bak.1 is not the previous file"
# A symbolic link is followed: the file changes, the link stays a link.
mkdir "$T/site"
cp "$fixtures/library-robots.txt" "$T/site/robots.txt"
ln -s site/robots.txt "$T/link.txt"
"$ccsig" declare --use train-ai --signal cr --into "$T/link.txt" >/dev/null 2>&1 || fail "--into a link"
[ -L "$T/link.txt" ] || fail "the link was replaced by a file"
grep -q '^Content-Usage: train-ai=n;exceptions=cc-cr$' "$T/site/robots.txt" || fail "the linked file was not changed"
cmp -s "$fixtures/library-robots.txt" "$T/site/robots.txt.bak" || fail "no backup beside the linked file"

# Repeated merges keep each comment with its own group: a comment directly
# above a group stays directly above it, merge after merge.
cp "$fixtures/commented-groups.txt" "$T/c.txt"
"$ccsig" declare --use train-ai --signal cr --into "$T/c.txt" >/dev/null 2>&1 || fail "merge 1"
"$ccsig" declare --use search --allow --into "$T/c.txt" >/dev/null 2>&1 || fail "merge 2"
"$ccsig" declare --use ai-use --signal cr-op --path /docs/ --into "$T/c.txt" >/dev/null 2>&1 ||
    fail "merge 3"
above() { # the line right above the first line matching $1
    awk -v re="$1" '$0 ~ re { print prev; exit } { prev = $0 }' "$T/c.txt"
}
[ "$(above '^User-agent: Googlebot$')" = "# Google: keep search result pages out" ] ||
    fail "the Googlebot comment left its group: $(cat "$T/c.txt")"
[ "$(above '^User-agent: \\*$')" = "# everyone else" ] || fail "the * comment left its group"
[ "$(above '^User-agent: bingbot$')" = "# Bing" ] || fail "the bingbot comment left its group"
[ "$(head -1 "$T/c.txt")" = "# robots.txt of an example site" ] || fail "the header comment moved"
# each group ccsig added has its own comment right above it, none stacked
n=$(grep -c '^# AI usage preferences' "$T/c.txt")
[ "$n" -eq 3 ] || fail "$n ccsig comments, want 3"
if grep -A1 '^# AI usage preferences' "$T/c.txt" | grep -v '^--$' | grep -v '^# AI usage' |
    grep -qv '^User-Agent: \*$'; then
    fail "a ccsig comment is not directly above its group: $(cat "$T/c.txt")"
fi
"$ccsig" lint "$T/c.txt" >/dev/null || fail "the merged file has lint errors"
# Several categories, --all-groups: written, then read back with `ccsig check`
# for each category, for a crawler without a group and for the named ones.
cp "$fixtures/named-groups.txt" "$T/n.txt"
"$ccsig" declare --use train-ai --signal cr-ec --use search --allow --into "$T/n.txt" \
    --all-groups >/dev/null 2>"$T/err" || fail "--all-groups: $(cat "$T/err")"
grep -q "the rules are added to the groups of Googlebot" "$T/err" || fail "no note: $(cat "$T/err")"
for agent in SomeBot Googlebot bingbot msnbot; do
    for use in train-ai search; do
        code=0
        out=$("$ccsig" check --robots "$T/n.txt" --agent "$agent" --use "$use" \
            https://example.org/page) || code=$?
        case $use in
        train-ai) want=1 line="AI training: not allowed, unless you give credit and contribute" ;;
        search) want=0 line="Search: allowed" ;;
        esac
        [ "$code" -eq "$want" ] || fail "check $agent --use $use exits $code, want $want: $out"
        echo "$out" | grep -q "$line" || fail "check $agent --use $use: $out"
    done
done
# GPTBot (disallowed everywhere) got no rule, and keeps its Disallow.
[ "$(grep -c '^Content-Usage: train-ai=n;exceptions=cc-cr-ec, search=y$' "$T/n.txt")" -eq 3 ] ||
    fail "want the rule in the new group, Googlebot's and bingbot/msnbot's: $(cat "$T/n.txt")"
# Again, with or without --all-groups: nothing to do, no backup.
for opt in --all-groups --no-all-groups; do
    "$ccsig" declare --use train-ai --signal cr-ec --use search --allow --into "$T/n.txt" $opt \
        >"$T/again" 2>&1 || fail "again $opt"
    grep -q "already has these rules" "$T/again" || fail "again $opt: $(cat "$T/again")"
done
[ ! -e "$T/n.txt.bak.1" ] || fail "a merge with nothing to do made a backup"
# Non-interactive and neither option: only the note, the named groups unchanged.
cp "$fixtures/named-groups.txt" "$T/q.txt"
"$ccsig" declare --use train-ai --signal cr --into "$T/q.txt" </dev/null >/dev/null 2>"$T/err" ||
    fail "--into without a terminal"
grep -q "declare with --all-groups" "$T/err" || fail "no note naming the groups: $(cat "$T/err")"
[ "$(grep -c '^Content-Usage:' "$T/q.txt")" -eq 1 ] || fail "named groups changed without asking"

echo "PASS: --into writes atomically, keeps backups and permissions, refuses conflicts, follows links, keeps comments with their groups, adds the rules to named groups with --all-groups"
