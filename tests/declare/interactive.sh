#!/bin/sh
# interactive.sh — `ccsig declare --interactive` on a real terminal.
#
# usage: interactive.sh CCSIG
#
# Runs the dialogue in a tmux pane (a pseudo-terminal, so stdin is a tty and
# the terminal echoes the answers), waits for each prompt and types the
# answers a steward would, including wrong ones that must be asked again;
# then checks the pane shows the declaration and the files written to the
# directory it was given read back to the declared preferences. A second run
# presses Ctrl-D at the first question: exit 2, nothing written. tmux runs
# its own server on a socket in a temporary directory.
set -eu

ccsig=$1
command -v tmux >/dev/null 2>&1 ||
    { echo "FAIL: tmux is not installed: run scripts/bootstrap (scripts/packages.d/declare)" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/ccsig-declare-tty.XXXXXX")
sock="$T/tmux.sock"
tm() { tmux -S "$sock" -f /dev/null "$@"; }
cleanup() {
    tm kill-server 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
    echo "FAIL: $*" >&2
    echo "--- the terminal:" >&2
    tm capture-pane -p -J -S - -t "$session" >&2 2>/dev/null || true
    exit 1
}

screen() { tm capture-pane -p -J -S - -t "$session"; }

# Wait (10 s at most) until the terminal shows $1.
wait_for() {
    i=0
    while [ $i -lt 100 ]; do
        if screen | grep -F -q -- "$1"; then
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    fail "the terminal never showed: $1"
}

# Type an answer and Enter.
answer() {
    if [ -n "$1" ]; then
        tm send-keys -t "$session" -l -- "$1"
    fi
    tm send-keys -t "$session" Enter
}

# Wait for a prompt text, then answer it.
step() {
    wait_for "$1"
    answer "$2"
}

start() { # session name
    session=$1
    tm new-session -d -s "$session" -x 100 -y 50 -c "$T" \
        "$ccsig declare --interactive; echo \"[exit \$?]\"; sleep 600"
}

# ---- a whole dialogue ----
start full
wait_for "1. What is the collection?"
answer "Digitised newspapers"
wait_for "path>"
answer "/newspapers/"
answer "/bad path/"
wait_for "Sorry: a space at column 5"
answer "/newspapers/1850/"
wait_for "is inside '/newspapers/'"
answer "/photographs/"
answer ""
step "3. Which use by machines is this about?" "9"
wait_for "answer with a number from 1 to 5"
answer "2"
step "4. May machines use the collection for AI training?" "2"
step "5. On which terms?" "1"
step "6. Do you hold the copyright in the content?" "1"
step "7. Who makes this declaration?" "Example Library"
step "8. Your web address" "library.example.org"
wait_for "not an absolute http:// or https:// URL"
answer "https://library.example.org/"
step "9. Which crawlers" ""
step "10. Where will you publish this declaration" "https://library.example.org/ai-policy"
wait_for "Here is your declaration."
wait_for "directory>"
answer "out"
wait_for "[exit 0]"

screen | grep -F -q "Content-Usage: /newspapers/ train-ai=n;exceptions=cc-cr" ||
    fail "the declaration on screen lacks the robots.txt rule"
screen | grep -F -q "Credit. You must give appropriate credit based on the method, means," ||
    fail "the declaration on screen lacks the Credit terms"

# The files read back to what was answered.
[ -f "$T/out/declaration.json" ] || fail "no declaration.json written"
for f in content-usage-expression.txt robots-content-usage.txt content-usage-header.txt \
    nginx-content-usage.conf apache-content-usage.conf Caddyfile-content-usage \
    lighttpd-content-usage.conf declaration.xmp declaration.txt declaration.md declaration.html \
    croissant.json dataset-card.md datapackage.json; do
    [ -s "$T/out/$f" ] || fail "$f not written"
done
expr=$("$ccsig" declare --from "$T/out/declaration.json" --format expression) ||
    fail "ccsig declare --from cannot read the written declaration.json"
[ "$expr" = "train-ai=n;exceptions=cc-cr" ] || fail "expression '$expr'"
robots=$("$ccsig" declare --from "$T/out/declaration.json" --format robots)
[ "$robots" = "$(cat "$T/out/robots-content-usage.txt")" ] || fail "robots lines differ on read-back"
grep -q '^Content-Usage: /photographs/ train-ai=n;exceptions=cc-cr$' "$T/out/robots-content-usage.txt" ||
    fail "robots-content-usage.txt lacks /photographs/"
grep -q '<ccsig:declaringParty>Example Library</ccsig:declaringParty>' "$T/out/declaration.xmp" ||
    fail "declaration.xmp lacks the party"
grep -q '<ccsig:copyrightStatus>holder</ccsig:copyrightStatus>' "$T/out/declaration.xmp" ||
    fail "declaration.xmp lacks the copyright status"
grep -q 'Digitised newspapers' "$T/out/declaration.html" || fail "declaration.html lacks the collection"
echo "ok: the whole dialogue, retries included, wrote 15 files that read back"

# ---- writing again into the same directory asks before overwriting ----
start again
step "1. What is the collection?" ""
step "path>" ""
step "3. Which use by machines" "5"
step "4. May machines use the collection for Search?" "3"
step "5. Do you hold the copyright" "4"
step "6. Who makes this declaration?" ""
step "7. Your web address" ""
step "8. Which crawlers" "GoodBot"
step "9. Where will you publish" ""
wait_for "directory>"
answer "out"
wait_for "15 of the files exist in out. Overwrite them? (yes/no)"
answer "no"
wait_for "directory>"
answer ""
wait_for "[exit 0]"
"$ccsig" declare --from "$T/out/declaration.json" --format expression | grep -q '^train-ai=n' ||
    fail "the files were overwritten after answering no"
echo "ok: answering no keeps the files"

# ---- Ctrl-D stops without writing ----
start eof
wait_for "1. What is the collection?"
tm send-keys -t "$session" C-d
wait_for "[exit 2]"
screen | grep -F -q "nothing written" || fail "no 'nothing written' after Ctrl-D"
echo "ok: Ctrl-D exits 2 and writes nothing"

# ---- the same files without the dialogue: --write, --force ----
"$ccsig" declare --use train-ai --signal cr --path /newspapers/ --write "$T/w" >/dev/null ||
    { echo "FAIL: --write" >&2; exit 1; }
[ "$(ls "$T/w" | wc -l)" -eq 15 ] || { echo "FAIL: --write wrote $(ls "$T/w" | wc -l) files" >&2; exit 1; }
if "$ccsig" declare --use search --allow --write "$T/w" >/dev/null 2>&1; then
    echo "FAIL: --write overwrote files without --force" >&2
    exit 1
fi
"$ccsig" declare --use search --allow --write "$T/w" --force >/dev/null ||
    { echo "FAIL: --write --force" >&2; exit 1; }
[ "$(cat "$T/w/content-usage-expression.txt")" = "search=y" ] ||
    { echo "FAIL: --force did not overwrite" >&2; exit 1; }
echo "ok: --write writes 15 files, refuses to overwrite without --force"
echo "PASS: interactive dialogue on a pseudo-terminal"
