#!/bin/bash
# The enforcement matrix of ccsig serve: a real gateway on 127.0.0.1 over a
# fixture collection with four path rules, asked by every access class
# (browser, automated without a key, bulk keys for every use and pledge set,
# pending and approved public-interest keys, an invalid and a revoked key)
# in every way a machine can get content (GET, HEAD, a byte range, search
# hits, the bulk manifest, the bulk archive: its members, its manifest member
# and each member's pax records). The expected answers come from the table
# below, written from the CC signals' definitions, not from the gateway.
#
#   usage: matrix.sh sqlite|postgresql      (CCSIG: the ccsig binary)
#
# PostgreSQL: the test starts a cluster of its own on 127.0.0.1 (initdb and
# pg_ctl from Debian's postgresql) and stops it afterwards.
set -u
BACKEND=${1:?usage: matrix.sh sqlite|postgresql}
. "$(dirname "$0")/lib.sh"

# ---- the fixture collection and its policy ----
C=$DIR/coll
mkdir -p "$C/letters" "$C/oral-histories" "$C/open" "$C/models"
printf 'Letter from Ada, 1850\n\nThe harbour engine weaves algebraic patterns.\n' >"$C/letters/1850.txt"
printf '# The keeper\n\nThe harbour light, as the keeper told it to her family.\n' >"$C/oral-histories/keeper.md"
printf '# Open notes\n\nTides of the harbour, free for every use.\n' >"$C/open/notes.md"
printf 'Model cards\n\nWeights trained on the harbour records must be open.\n' >"$C/models/cards.txt"
FILES="letters/1850.txt oral-histories/keeper.md open/notes.md models/cards.txt"
cat >"$DIR/policy.yaml" <<'EOF'
collection:
  name: Matrix Archive
preferences:
  - path: /
    train-ai: cr-dc
    ai-use: cr
    search: allow
  - path: /oral-histories/
    automated-processing: deny
  - path: /open/
    train-ai: allow
    ai-use: allow
    search: allow
  - path: /models/
    train-ai: cr-op
    ai-use: deny
    search: allow
access:
  browsers: {rate: 10000, burst: 10000}
  automated: {rate: 10000, burst: 10000}
  registrations: {rate: 10000, burst: 10000}
  logins: {rate: 10000, burst: 10000}
  pending: {rate: 10000, burst: 10000}
  bulk: {rate: 10000, burst: 10000}
  public-interest: {rate: 10000, burst: 10000}
EOF

# The expected state of a file's rule for a use: "allow", "deny" (plain)
# or the conditions that lift the deny ("credit direct-contribution").
rule_of() { # FILE USE
    case "$1:$2" in
    letters/*:train-ai) echo "credit direct-contribution" ;;
    letters/*:ai-use) echo "credit" ;;
    letters/*:search) echo "allow" ;;
    oral-histories/*:*) echo "deny" ;;
    open/*:*) echo "allow" ;;
    models/*:train-ai) echo "credit open" ;;
    models/*:ai-use) echo "deny" ;;
    models/*:search) echo "allow" ;;
    esac
}
# Whether PLEDGES (a space-separated condition list) get FILE for USE.
permits() { # FILE USE PLEDGES
    local r
    r=$(rule_of "$1" "$2")
    case "$r" in
    allow) return 0 ;;
    deny) return 1 ;;
    esac
    for c in $r; do
        case " $3 " in *" $c "*) ;; *) return 1 ;; esac
    done
    return 0
}
expr_of() { # the Content-Usage expression the archive records for FILE
    case "$1" in
    letters/*) echo "train-ai=n;exceptions=cc-cr-dc, ai-use=n;exceptions=cc-cr, search=y" ;;
    oral-histories/*) # the label for "every use" is the generator's choice (gen.c)
        "$CCSIG" serve --policy "$DIR/policy.yaml" --print headers |
            awk '/^\//{r=$1} r=="/oral-histories/" && $1=="Content-Usage:"{sub(/^[ \t]*Content-Usage: */, ""); printf "%s%s", s, $0; s=", "} END{print ""}' ;;
    open/*) echo "train-ai=y, ai-use=y, search=y" ;;
    models/*) echo "train-ai=n;exceptions=cc-cr-op, ai-use=n, search=y" ;;
    esac
}

# ---- the database and the gateway ----
start_db
printf 'matrix steward passphrase\n' | "$CCSIG" serve --db "$DB" --set-password steward >/dev/null 2>&1 ||
    { echo "--set-password failed"; exit 1; }
start_gateway --collection "$C" --policy "$DIR/policy.yaml" --public-url https://matrix.example

# Every way to the content, for one client (curl arguments in "$@").
# NAME: the row's label; CLASS: the X-Access-Class expected; CAN FILE:
# whether the client may have FILE (a function); SUSE: the use search
# asks for; BULK: the bulk endpoints' status for this client.
ways() {
    local name=$1 class=$2 can=$3 suse=$4 bulk=$5
    shift 5
    local f want got
    for f in $FILES; do
        if $can "$f"; then want=200; else want=403; fi
        expect "$name GET /$f" "$(status_class "$@" "$U/$f")" "$want $class"
        expect "$name HEAD /$f" "$(status_class -I "$@" "$U/$f")" "$want $class"
        [ "$want" = 200 ] && want=206
        expect "$name Range /$f" "$(status_class -H 'Range: bytes=2-5' "$@" "$U/$f")" "$want $class"
        if [ "$want" = 206 ]; then
            expect "$name Range /$f bytes" "$(curl -s -H 'Range: bytes=2-5' "$@" "$U/$f")" "$(head -c 6 "$C/$f" | tail -c 4)"
        fi
    done
    # Search: JSON for machines (their use), HTML for browsers.
    local sj
    if [ "$class" = browsers ]; then
        sj=$(curl -s "$@" "$U/search?q=harbour&limit=50")
    else
        sj=$(curl -s -H 'Accept: application/json' "$@" "$U/search?q=harbour&limit=50&use=$suse")
    fi
    for f in $FILES; do
        if $can "$f" "$suse"; then want=hit; else want=withheld; fi
        case "$sj" in *"/$f\""*) got=hit ;; *) got=withheld ;; esac
        expect "$name search($suse) /$f" "$got" "$want"
    done
    # Bulk: the manifest and the archive hold exactly the permitted files.
    expect "$name manifest status" "$(status_class "$@" "$U/bulk/manifest.jsonl")" "$bulk $class"
    expect "$name archive status" "$(status_class "$@" "$U/bulk/collection.tar")" "$bulk $class"
    [ "$bulk" = 200 ] || return 0
    local man tarlist
    man=$(curl -s "$@" "$U/bulk/manifest.jsonl")
    curl -s "$@" "$U/bulk/collection.tar" >"$DIR/c.tar"
    tarlist=$(tar tf "$DIR/c.tar" 2>&1)
    expect "$name archive manifest member" "$(printf '%s\n' "$tarlist" | head -1)" ".ccsig/manifest.jsonl"
    for f in $FILES; do
        if $can "$f"; then want=yes; else want=no; fi
        case "$man" in *"\"path\":\"/$f\""*) got=yes ;; *) got=no ;; esac
        expect "$name manifest has /$f" "$got" "$want"
        if printf '%s\n' "$tarlist" | grep -qx "$f"; then got=yes; else got=no; fi
        expect "$name archive has $f" "$got" "$want"
        if [ "$want" = yes ]; then
            expect "$name archive $f terms" "$(python3 - "$DIR/c.tar" "$f" <<'PY'
import sys, tarfile
t = tarfile.open(sys.argv[1])
m = t.getmember(sys.argv[2])
print(m.pax_headers.get('SCHILY.xattr.user.ccsig.content-usage', ''))
PY
)" "$(expr_of "$f")"
            case "$(tar xOf "$DIR/c.tar" .ccsig/manifest.jsonl)" in
            *"\"path\":\"/$f\""*) got=yes ;; *) got=no ;; esac
            expect "$name archive manifest lists /$f" "$got" yes
            expect "$name archive $f bytes" "$(tar xOf "$DIR/c.tar" "$f" | cmp -s - "$C/$f" && echo same)" same
        fi
    done
}

# ---- people in browsers: everything, searchable ----
yes_all() { return 0; }
ways browser browsers yes_all search 401 "${BROWSER[@]}"

# ---- automated clients without a key ----
# Files: some use must be permitted without a pledge. Search: the use asked.
anon_file() { # FILE [USE]
    local u
    if [ $# -ge 2 ]; then permits "$1" "$2" ""; return; fi
    for u in train-ai ai-use search; do permits "$1" "$u" "" && return 0; done
    return 1
}
for suse in train-ai ai-use search; do
    ways "automated(search $suse)" automated anon_file "$suse" 401 "${BOT[@]}"
done

# ---- registration for every use and pledge set ----
PLEDGE_SETS=("" "credit" "credit direct-contribution" "credit direct-contribution ecosystem-contribution open")
register() { # KIND USE PLEDGES -> JSON answer in $DIR/reg, status echoed
    local args=(-d "kind=$1" -d "name=Matrix reuser" -d contact=matrix@reuser.example -d "use=$2")
    local c
    if [ "$1" = bulk ]; then
        args+=(-d accept=yes -d "credit=Cite the Matrix Archive with a link" -d "contribution=Yearly donation")
        for c in $3; do args+=(-d "commit-$c=yes"); done
    else
        args+=(-d purpose=research -d "claim=A university library studying harbour towns")
    fi
    curl -s -o "$DIR/reg" -w '%{http_code}' -H 'Accept: application/json' "${BROWSER[@]}" "${args[@]}" "$U/register"
}
key_of() { sed -n 's/.*"key":"\([^"]*\)".*/\1/p' "$DIR/reg"; }
id_of() { sed -n 's/.*"reuser":\([0-9]*\).*/\1/p' "$DIR/reg"; }

KEY_USE='' KEY_PLEDGES=''
key_file() { # FILE [USE]: the key's own use, always
    permits "$1" "$KEY_USE" "$KEY_PLEDGES"
}
REVOKE_ME=''
for use in train-ai ai-use search; do
    for pledges in "${PLEDGE_SETS[@]}"; do
        # What the use's signals ask for, over every rule.
        need=''
        for f in $FILES; do
            r=$(rule_of "$f" "$use")
            case "$r" in allow | deny) ;; *) need="$need $r" ;; esac
        done
        missing=''
        for c in $need; do
            case " $pledges " in *" $c "*) ;; *) case " $missing " in *" $c "*) ;; *) missing="$missing $c" ;; esac ;; esac
        done
        st=$(register bulk "$use" "$pledges")
        label="key($use; pledges: ${pledges:-none})"
        if [ -n "$missing" ]; then
            expect "$label registration" "$st" 400
            for c in $missing; do
                grep -q "for $use, for $c: pledge it (commit-$c=yes)" "$DIR/reg" ||
                    fail "$label registration does not name $c: $(cat "$DIR/reg")"
                CHECKS=$((CHECKS + 1))
            done
            continue
        fi
        expect "$label registration" "$st" 201
        KEY=$(key_of)
        KEY_USE=$use KEY_PLEDGES=$pledges
        ways "$label" bulk key_file "$use" 200 -H "Authorization: Bearer $KEY" "${BOT[@]}"
        # A key searches only for its own use.
        other=$([ "$use" = search ] && echo ai-use || echo search)
        expect "$label search for $other" \
            "$(status_class -H 'Accept: application/json' -H "Authorization: Bearer $KEY" "$U/search?q=harbour&use=$other")" "403 bulk"
        REVOKE_ME=$(id_of) REVOKED_KEY=$KEY
    done
done

# ---- public-interest keys: pending (no pledges), then approved ----
declare -A PUB_KEY PUB_ID
for use in train-ai ai-use search; do
    expect "public($use) registration" "$(register public-interest "$use" "")" 201
    PUB_KEY[$use]=$(key_of) PUB_ID[$use]=$(id_of)
    KEY_USE=$use KEY_PLEDGES=''
    ways "pending($use)" pending key_file "$use" 403 -H "Authorization: Bearer ${PUB_KEY[$use]}" "${BOT[@]}"
done

# The steward approves the claims and revokes one bulk key.
steward_login steward 'matrix steward passphrase'
act() { steward_act "$@"; }
for use in train-ai ai-use search; do
    expect "approve ${PUB_ID[$use]}" "$(act "${PUB_ID[$use]}" approve)" 303
    ways "public-interest($use)" public-interest yes_all "$use" 200 -H "Authorization: Bearer ${PUB_KEY[$use]}" "${BOT[@]}"
done

# ---- keys that are not (or no longer) valid: 401, class invalid-key ----
BAD="ccsig_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
expect "revoke $REVOKE_ME" "$(act "$REVOKE_ME" revoke)" 303
for k in "$BAD" "$REVOKED_KEY" "ccsig_short" "${REVOKED_KEY%?}x"; do
    for path in letters/1850.txt open/notes.md "search?q=harbour&format=json" bulk/manifest.jsonl bulk/collection.tar robots.txt; do
        for who in BROWSER BOT; do
            eval "hdrs=(\"\${$who[@]}\")"
            expect "key ${k:0:18}... $who /$path" "$(status_class -H "Authorization: Bearer $k" "${hdrs[@]}" "$U/$path")" "401 invalid-key"
        done
    done
done

finish "matrix $BACKEND"
