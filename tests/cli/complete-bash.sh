#!/bin/bash
# complete-bash.sh CCSIG: load the bash completion script that CCSIG writes
# ('ccsig completion bash') and check what it offers for partial command
# lines, as bash would call it (COMP_WORDS, COMP_CWORD, then COMPREPLY).
set -u
ccsig=$1
script=$(mktemp)
dir=$(mktemp -d)
trap 'rm -rf "$script" "$dir"' EXIT
"$ccsig" completion bash >"$script" || exit 1
# shellcheck disable=SC1090
source "$script"
complete -p ccsig >/dev/null || { echo "FAIL: no 'complete' for ccsig"; exit 1; }
fail=0
check() { # check 'WANT' WORD... : completing the last WORD gives WANT
    local want=$1
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _ccsig 2>/dev/null
    local got="${COMPREPLY[*]}"
    if [[ $got != "$want" ]]; then
        echo "FAIL: '$*': got '$got', want '$want'"
        fail=1
    else
        echo "ok: '$*' -> '$got'"
    fi
}
check 'scan serve sf' ccsig s
check 'scan' ccsig sca
check '--help' ccsig --he
check 'lint' ccsig help li
check 'bash zsh' ccsig completion ''
check '--annotate' ccsig scan --ann
check '--credit --credit-format' ccsig merge --cre
check 'train-ai train-genai' ccsig scan --use train
check 'ecosystem-contribution' ccsig check --commit eco
check 'archiving' ccsig inspect --purpose arch
check 'train-ai train-genai' ccsig scan --use = train
check 'text json sarif' ccsig lint --format =
check 'text json sarif' ccsig lint --format ''
check 'cr cr-dc cr-ec cr-op' ccsig declare --signal cr
check 'allow' ccsig serve --signal al
check 'croissant' ccsig declare --format cro
check 'parse' ccsig sf pa
check '--type' ccsig sf parse --ty
check 'dictionary' ccsig sf parse --type dic
check '--version' ccsig explain --vers
check '' ccsig scan --ch
check '' ccsig check --agent ''
cd "$dir" && mkdir sub && touch a.warc.gz sub/b.warc
check 'a.warc.gz' ccsig scan a
check 'sub' ccsig scan --prefix s
check 'a.warc.gz' ccsig scan --annotate x --keep a
exit $fail
