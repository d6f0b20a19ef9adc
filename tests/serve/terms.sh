#!/bin/bash
# The collection's terms as a versioned document, on a real gateway: the
# JSON's SHA-256 is its version's identity (ETag, stable URL); registration
# records the version accepted, when, from which address, for which use,
# with which pledges; a change of the preferences publishes a new version
# and a bulk key is refused (403 "New terms to accept") until it accepts it;
# older versions stay at their URL; the steward pages show the history.
# Rates are not terms: changing them publishes no new version. Then a
# usage receipt: signed by the gateway, verified offline with
# `ccsig receipt verify`, failing when changed or checked against another key.
#
#   usage: terms.sh sqlite|postgresql      (CCSIG: the ccsig binary)
set -u
BACKEND=${1:?usage: terms.sh sqlite|postgresql}
. "$(dirname "$0")/lib.sh"

C=$DIR/coll
mkdir -p "$C/letters"
printf 'Letter from Ada, 1850\n\nThe harbour engine.\n' >"$C/letters/1850.txt"
policy() { # AI_USE_SIGNAL BULK_RATE
    cat >"$DIR/policy.yaml" <<EOP
collection:
  name: Terms Archive
preferences:
  - path: /
    train-ai: cr-dc
    ai-use: $1
    search: allow
access:
  automated: {rate: 1000, burst: 1000}
  registrations: {rate: 1000, burst: 1000}
  logins: {rate: 1000, burst: 1000}
  bulk: {rate: $2, burst: 1000}
EOP
}
start_db
printf 'terms steward passphrase\n' | "$CCSIG" serve --db "$DB" --set-password steward >/dev/null 2>&1 ||
    { echo "--set-password failed"; exit 1; }
serve() { start_gateway --collection "$C" --policy "$DIR/policy.yaml"; }
header() { tr -d '\r' <"$DIR/h" | sed -n "s/^$1: //Ip" | head -1; }

# ---- version 1 ----
policy cr 100
serve
curl -s -D "$DIR/h" "$U/terms.json" >"$DIR/t1.json"
H1=$(sha256sum <"$DIR/t1.json" | cut -c1-64)
expect "terms.json ETag is its SHA-256" "$(header ETag)" "\"$H1\""
expect "terms.json version" "$(header X-Terms-Version)" 1
expect "terms.json states ai-use" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); u=d["preferences"][0]["uses"]["ai-use"]; print(u["state"], u["signal"], ",".join(u["conditions"]))' "$DIR/t1.json")" "deny cc-cr credit"
expect "stable URL, same bytes" "$(curl -s "$U/terms/$H1.json" | sha256sum | cut -c1-64)" "$H1"
case "$(curl -s "$U/terms")" in *"id=\"terms-hash\">$H1<"*) got=yes ;; *) got=no ;; esac
expect "/terms names its hash" "$got" yes
expect "unknown version" "$(curl -s -o /dev/null -w '%{http_code}' "$U/terms/$(printf '0%.0s' $(seq 64))")" 404
expect "If-None-Match" "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: \"$H1\"" "$U/terms.json")" 304

REG=$(curl -s -H 'Accept: application/json' "${BROWSER[@]}" "$U/register" -d kind=bulk -d name=Acme \
    -d contact=ai@acme.example -d use=ai-use -d commit-credit=yes -d 'credit=Cite the archive' -d accept=yes)
KEY=$(printf '%s' "$REG" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
ID=$(printf '%s' "$REG" | sed -n 's/.*"reuser":\([0-9]*\).*/\1/p')
expect "registration names the terms" "$(printf '%s' "$REG" | python3 -c 'import json,sys; t=json.load(sys.stdin)["terms"]; print(t["version"], t["hash"])')" "1 $H1"
PUB=$(curl -s -H 'Accept: application/json' "${BROWSER[@]}" "$U/register" -d kind=public-interest -d name=Archive \
    -d contact=web@archive.example -d use=ai-use -d purpose=archiving -d 'claim=A public web archive keeping copies' |
    sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
AUTH=(-H "Authorization: Bearer $KEY")
expect "keyed request on version 1" "$(status_class "${AUTH[@]}" "$U/letters/1850.txt")" "200 bulk"
stop_gateway

# ---- the same policy again: no new version ----
serve
curl -s -D "$DIR/h" -o /dev/null "$U/terms.json"
expect "same terms, same version" "$(header X-Terms-Version)" 1
expect "keyed request after a restart" "$(status_class "${AUTH[@]}" "$U/letters/1850.txt")" "200 bulk"
stop_gateway

# ---- a rate is not a term ----
policy cr 50
serve
curl -s -D "$DIR/h" -o /dev/null "$U/terms.json"
expect "a new rate, same version" "$(header X-Terms-Version)" 1
stop_gateway

# ---- version 2: ai-use now asks for an ecosystem contribution ----
policy cr-ec 50
serve
curl -s -D "$DIR/h" "$U/terms.json" >"$DIR/t2.json"
H2=$(sha256sum <"$DIR/t2.json" | cut -c1-64)
expect "version 2" "$(header X-Terms-Version)" 2
expect "version 2 ETag" "$(header ETag)" "\"$H2\""
[ "$H1" != "$H2" ] || fail "the hash did not change"
expect "version 1 still at its URL" "$(curl -s "$U/terms/$H1.json" | sha256sum | cut -c1-64)" "$H1"
case "$(curl -s "$U/terms/$H1")" in *"These terms were replaced"*) got=yes ;; *) got=no ;; esac
expect "version 1 page says it was replaced" "$got" yes
expect "keyed request on old terms" "$(status_class "${AUTH[@]}" "$U/letters/1850.txt")" "403 bulk"
expect "Link to the new terms" "$(header Link)" "<$U/terms/$H2>; rel=\"terms-of-service\""
expect "JSON refusal" "$(curl -s -H 'Accept: application/json' "${AUTH[@]}" "$U/letters/1850.txt" |
    python3 -c 'import json,sys; e=json.load(sys.stdin)["error"]; print(e["status"], e["title"])')" "403 New terms to accept"
expect "the bulk archive waits too" "$(status_class "${AUTH[@]}" "$U/bulk/collection.tar")" "403 bulk"
expect "the terms stay readable" "$(status_class "${AUTH[@]}" "$U/terms")" "200 bulk"
expect "public-interest keys accept no terms" "$(status_class -H "Authorization: Bearer $PUB" "$U/letters/1850.txt")" "403 pending"
curl -s -H 'Accept: application/json' -H "Authorization: Bearer $PUB" "$U/letters/1850.txt" | grep -q 'New terms' &&
    fail "a public-interest key was asked to accept terms"
accept() { curl -s -o "$DIR/acc" -w '%{http_code}' -H 'Accept: application/json' "${AUTH[@]}" "$U/terms/accept" -d accept=yes "$@"; }
expect "accept without the new pledge" "$(accept -d "terms=$H2" -d commit-credit=yes)" 400
grep -q 'cc-cr-ec asks, for ai-use, for ecosystem-contribution: pledge it (commit-ecosystem-contribution=yes)' "$DIR/acc" ||
    fail "the refusal does not name the missing pledge: $(cat "$DIR/acc")"
expect "accept an older version" "$(accept -d "terms=$H1" -d commit-credit=yes -d commit-ecosystem-contribution=yes)" 409
expect "accept without a key" "$(curl -s -o /dev/null -w '%{http_code}' "$U/terms/accept" -d accept=yes)" 401
expect "accept" "$(accept -d "terms=$H2" -d commit-credit=yes -d commit-ecosystem-contribution=yes)" 200
expect "accepted version" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["terms"]["version"], ",".join(d["pledges"]))' "$DIR/acc")" "2 credit,ecosystem-contribution"
expect "keyed request after accepting" "$(status_class "${AUTH[@]}" "$U/letters/1850.txt")" "200 bulk"

# ---- the steward sees the history ----
steward_login steward 'terms steward passphrase'
page=$(steward_get "/steward/reusers/$ID")
rows=$(printf '%s' "$page" | sed -n '/id="acceptances"/,/<\/table>/p' | grep -o '<tr><td><a href="/terms/[0-9a-f]*">[0-9]*</a></td><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td></tr>' |
    sed 's#<tr><td><a href="/terms/\([0-9a-f]*\)">\([0-9]*\)</a></td><td>\([^<]*\)</td><td>\([^<]*\)</td><td>\([^<]*\)</td><td>\([^<]*\)</td></tr>#\2|\1|\4|\5|\6|\3#')
expect "acceptances" "$(printf '%s\n' "$rows" | cut -d'|' -f1-5)" "2|$H2|127.0.0.1|ai-use|credit, ecosystem-contribution
1|$H1|127.0.0.1|ai-use|credit"
printf '%s\n' "$rows" | cut -d'|' -f6 | grep -qvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' &&
    fail "acceptance times are not ISO 8601: $rows"
CHECKS=$((CHECKS + 1))
dash=$(steward_get /steward/)
for h in "$H1" "$H2"; do
    case "$dash" in *"href=\"/terms/$h\""*) got=yes ;; *) got=no ;; esac
    expect "dashboard lists terms ${h:0:8}" "$got" yes
done
# ---- a usage receipt, signed by the gateway, verified offline ----
curl -s "$U/.well-known/ccsig-receipt-key" >"$DIR/gateway.key"
grep -qE '^ccsig-receipt-key/1 ed25519 [A-Za-z0-9+/]{43}=$' "$DIR/gateway.key" ||
    fail "published key: $(cat "$DIR/gateway.key")"
CHECKS=$((CHECKS + 1))
sleep 1 # the journal's importer moves the last records into the ledger
today=$(date -u +%F)
expect "receipt" "$(curl -s -o "$DIR/receipt.txt" -w '%{http_code}' "${AUTH[@]}" "$U/receipt?from=$today&to=$today")" 200
expect "receipt without a key" "$(curl -s -o /dev/null -w '%{http_code}' "$U/receipt")" 401
expect "receipt with a bad period" "$(curl -s -o /dev/null -w '%{http_code}' "${AUTH[@]}" "$U/receipt?from=2026-12-09&to=2026-12-01")" 400
field() { sed -n "s/^$1: //p" "$DIR/receipt.txt"; }
expect "receipt reuser" "$(field reuser)" "$ID ${KEY:6:12} Acme"
expect "receipt use" "$(field use)" "ai-use"
expect "receipt period" "$(field from) $(field to)" "${today}T00:00:00Z $(date -u -d "$today + 1 day" +%F)T00:00:00Z"
expect "receipt terms" "$(field terms | cut -d' ' -f1,2,5,6)" "1 $H1 pledges credit
2 $H2 pledges credit,ecosystem-contribution"
expect "receipt fetched" "$(field fetched | awk '{print $1, $3}')" "3 /letters/1850.txt
1 /terms"
expect "receipt verifies" "$("$CCSIG" receipt verify --key "$DIR/gateway.key" "$DIR/receipt.txt" >/dev/null 2>&1; echo $?)" 0
sed 's/^fetched: 3 /fetched: 2 /' "$DIR/receipt.txt" >"$DIR/tampered.txt"
cmp -s "$DIR/receipt.txt" "$DIR/tampered.txt" && fail "the tampering changed nothing"
expect "a changed receipt fails" "$("$CCSIG" receipt verify --key "$DIR/gateway.key" "$DIR/tampered.txt" 2>&1; echo "exit $?")" \
    "$DIR/tampered.txt: error: the signature does not match: the receipt was changed
exit 1"
printf 'ccsig-receipt-key/1 ed25519 %s\n' "$(head -c 32 /dev/urandom | base64)" >"$DIR/other.key"
expect "another key fails" "$("$CCSIG" receipt verify --key "$DIR/other.key" "$DIR/receipt.txt" 2>&1; echo "exit $?")" \
    "$DIR/receipt.txt: error: signed by another key than the one given
exit 1"
# The key survives a restart (kept in the database): an old receipt still
# verifies against the key published after it.
stop_gateway
serve
expect "the key is kept" "$(curl -s "$U/.well-known/ccsig-receipt-key")" "$(cat "$DIR/gateway.key")"
finish "terms $BACKEND"
