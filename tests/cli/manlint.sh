#!/bin/sh
# manlint.sh DOCS-DIR: every man page in DOCS-DIR is lint-clean: no message
# at all from mandoc -Tlint -Wstyle (Debian package mandoc), or, without
# mandoc, from groff -ww -z -man.
set -u
dir=$1
if command -v mandoc >/dev/null; then
    out=$(mandoc -Tlint -Wstyle "$dir"/*.1 2>&1)
    tool="mandoc -Tlint -Wstyle"
elif command -v groff >/dev/null; then
    out=$(groff -ww -z -man "$dir"/*.1 2>&1)
    tool="groff -ww -z"
else
    echo "FAIL: neither mandoc nor groff is installed (scripts/packages.d/cli)"
    exit 1
fi
if [ -n "$out" ]; then
    echo "$tool:"
    echo "$out"
    exit 1
fi
echo "$tool: $(ls "$dir"/*.1 | wc -l) pages clean"
