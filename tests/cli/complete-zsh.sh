#!/bin/bash
# complete-zsh.sh CCSIG: the zsh completion script that CCSIG writes
# ('ccsig completion zsh') parses (zsh -n), and for partial command lines
# it calls the completion functions with the specs of the table: zsh's
# _arguments, _describe, _values and compadd are replaced by functions
# that print their arguments.
set -u
ccsig=$1
script=$(mktemp)
trap 'rm -f "$script"' EXIT
"$ccsig" completion zsh >"$script" || exit 1
head -1 "$script" | grep -qx '#compdef ccsig' || { echo "FAIL: no #compdef line"; exit 1; }
command -v zsh >/dev/null || { echo "FAIL: zsh is not installed (scripts/bootstrap installs it, scripts/packages.d/cli)"; exit 1; }
zsh -n "$script" || { echo "FAIL: zsh -n"; exit 1; }
fail=0
check() { # check PATTERN WORD... : the calls for completing the last WORD match PATTERN
    local pattern=$1
    shift
    local got
    got=$(zsh -f -c '
        _arguments() { print -r -- "_arguments ${(j: | :)@}"; }
        _describe() { print -r -- "_describe $*"; }
        _values() { print -r -- "_values $*"; }
        compadd() { print -r -- "compadd $*"; }
        words=("${@:2}"); CURRENT=$#words
        source "$1"' zsh "$script" "$@" 2>&1)
    if grep -qE -- "$pattern" <<<"$got"; then
        echo "ok: '$*'"
    else
        echo "FAIL: '$*': no match for '$pattern' in:"
        echo "$got"
        fail=1
    fi
}
check '^_describe -t commands ccsig subcommand commands' ccsig s
check '^_values shell bash zsh' ccsig completion ''
check "--annotate=\[one JSON line per record \(.gz/.zst compress; '-' = stdout\)\]:FILE:_files \|" ccsig scan --ann
check '--use=\[[^]]*\]:CATEGORY:\(automated-processing train-ai train-genai ai-use search\)' ccsig check --use ''
check '\*--robots=\[' ccsig scan --rob
check '--hold=\[block bytes held per record \(default 4194304\)\]' ccsig scan --hold ''
check '1:action:\(parse serialize\)' ccsig sf ''
check '\(-j --json\)-j\[' ccsig explain -
check '\*:file:_files$' ccsig lint ''
if "$ccsig" completion zsh | grep -q -- '--chunk'; then
    echo "FAIL: the hidden --chunk is completed"
    fail=1
fi
exit $fail
