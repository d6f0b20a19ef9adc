#!/bin/bash
# Pay per crawl on a real gateway (server/paycrawl.h), end to end with curl:
# a price per request on the automated and bulk tiers; an unpaid request to
# a file gets 402 with crawler-price; a retry with crawler-exact-price or
# crawler-max-price, covered by a Web Bot Auth signature (wba_agent.py, an
# independent Python signer with python3-cryptography), gets 200 and
# crawler-charged; each of Cloudflare's crawler-error codes for its case;
# robots.txt, tdmrep.json, the declaration and the terms stay free, and so
# do public-interest reusers. Then the ledger (--export-ledger), the
# steward's export of charges (CSV and JSON) and the reuser's signed receipt.
#
#   usage: paycrawl.sh sqlite|postgresql      (CCSIG: the ccsig binary)
set -u
BACKEND=${1:?usage: paycrawl.sh sqlite|postgresql}
. "$(dirname "$0")/lib.sh"

C=$DIR/coll
mkdir -p "$C/letters"
printf 'Letter from Ada, 1850\n\nThe harbour engine.\n' >"$C/letters/1850.txt"
printf 'Letter from Ada, 1851\n' >"$C/letters/1851.txt"
policy() { # EXTRA-PUBLIC-INTEREST-LINE
    cat <<EOP
collection:
  name: Priced Archive
preferences:
  - path: /
    train-ai: allow
    ai-use: allow
    search: allow
access:
  automated: {rate: 1000, burst: 1000, price: USD 0.01}
  registrations: {rate: 1000, burst: 1000}
  logins: {rate: 1000, burst: 1000}
  bulk: {rate: 1000, burst: 1000, price: "USD 0.025"}
  public-interest: {rate: 1000, burst: 1000$1}
server:
  # the signature agents' key directories are on this machine (wba.sh)
  wba-allow-addresses: [127.0.0.1/32]
  wba-allow-http: true
EOP
}

# ---- the policy: a price where it cannot be ----
policy ', price: USD 1' >"$DIR/bad.yaml"
OUT=$("$CCSIG" serve --policy "$DIR/bad.yaml" --check 2>&1)
expect "no price for public-interest reusers" "$?$(printf '%s' "$OUT" | grep -c "bad.yaml:.*unknown key 'price' in access.public-interest")" 21
sed 's/price: USD 0.01/price: 0.01 dollars/' <(policy '') >"$DIR/bad2.yaml"
OUT=$("$CCSIG" serve --policy "$DIR/bad2.yaml" --check 2>&1)
expect "a price that is not CUR 0.01" "$?$(printf '%s' "$OUT" | grep -c "bad2.yaml:[0-9]*:[0-9]*: error: expected a price per request such as 'USD 0.01'")" 21
policy '' >"$DIR/policy.yaml"

for k in a b; do $AGENT keygen "$DIR/$k.key"; done
start_directory A "$DIR/a.key"
start_directory B "$DIR/b.key"
AG_A="http://127.0.0.1:$PORT_A" AG_B="http://127.0.0.1:$PORT_B"

start_db
printf 'pay steward passphrase\n' | "$CCSIG" serve --db "$DB" --set-password steward >/dev/null 2>&1 ||
    { echo "--set-password failed"; exit 1; }
start_gateway --collection "$C" --policy "$DIR/policy.yaml"
AUTHORITY=${U#http://}
TXT=$U/letters/1850.txt
# answer CURL-ARGS...: "STATUS crawler-error crawler-price crawler-charged" ('-' for none)
answer() {
    curl -s -o "$DIR/body" -D "$DIR/h" -w '%{http_code}' "$@" >"$DIR/code"
    local h v out
    out=$(cat "$DIR/code")
    for h in crawler-error crawler-price crawler-charged; do
        v=$(tr -d '\r' <"$DIR/h" | sed -n "s/^$h: //Ip" | head -1)
        out="$out ${v:--}"
    done
    printf '%s' "$out"
}

REG=$(curl -s -H 'Accept: application/json' "${BROWSER[@]}" "$U/register" -d kind=bulk -d name=Acme \
    -d contact=ai@acme.example -d use=ai-use -d accept=yes --data-urlencode "signature-agent=$AG_A")
ID_A=$(printf '%s' "$REG" | python3 -c 'import json,sys; print(json.load(sys.stdin)["reuser"])')
KEYID_A=$(printf '%s' "$REG" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key_id"])')
KEY_BULK=$(curl -s -H 'Accept: application/json' "${BROWSER[@]}" "$U/register" -d kind=bulk -d name=Plain \
    -d contact=p@plain.example -d use=ai-use -d accept=yes | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
REG=$(curl -s -H 'Accept: application/json' "${BROWSER[@]}" "$U/register" -d kind=public-interest \
    -d name=Archive -d contact=web@archive.example -d use=ai-use -d purpose=archiving \
    -d 'claim=A public web archive keeping copies')
KEY_PUB=$(printf '%s' "$REG" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
ID_PUB=$(printf '%s' "$REG" | python3 -c 'import json,sys; print(json.load(sys.stdin)["reuser"])')

# ---- always free ----
expect "robots.txt" "$(answer "${BOT[@]}" "$U/robots.txt")" "200 - - -"
expect "tdmrep.json" "$(answer "${BOT[@]}" "$U/.well-known/tdmrep.json")" "200 - - -"
expect "the declaration" "$(answer "${BOT[@]}" "$U/declaration")" "200 - - -"
expect "the terms" "$(answer "${BOT[@]}" "$U/terms.json")" "200 - - -"
expect "people in browsers" "$(answer "${BROWSER[@]}" "$TXT")" "200 - - -"

# ---- an automated client without a signature ----
expect "unpaid" "$(answer "${BOT[@]}" "$TXT")" "402 MissingCrawlerPrice USD 0.01 -"
expect "  says so" "$(grep -c 'price per request' "$DIR/body")" 1
expect "unpaid HEAD" "$(answer -I "${BOT[@]}" "$TXT")" "402 MissingCrawlerPrice USD 0.01 -"
expect "an offer without a signature" \
    "$(answer "${BOT[@]}" -H 'crawler-max-price: USD 1' "$TXT")" "400 StrongAuthRequired - -"

# ---- an unregistered agent (automated tier, USD 0.01) ----
sign b "$AG_B"
expect "signed, offer not covered" \
    "$(answer "${BOT[@]}" "${SIG[@]}" -H 'crawler-max-price: USD 1' "$TXT")" "400 StrongAuthRequired - -"
sign b "$AG_B" --cover "crawler-exact-price=USD 0.01"
expect "exact price, signed" "$(answer "${BOT[@]}" "${SIG[@]}" "$TXT")" "200 - - USD 0.01"
expect "  the content" "$(head -1 "$DIR/body")" "Letter from Ada, 1850"
sign b "$AG_B" --cover "crawler-max-price=USD 0.05"
expect "a maximum above the price" "$(answer "${BOT[@]}" "${SIG[@]}" "$U/letters/1851.txt")" "200 - - USD 0.01"
sign b "$AG_B" --cover "crawler-exact-price=USD 0.02"
expect "a wrong exact price" "$(answer "${BOT[@]}" "${SIG[@]}" "$TXT")" "402 InvalidCrawlerExactPrice USD 0.01 -"
sign b "$AG_B" --cover "crawler-max-price=USD 0.005"
expect "a maximum below the price" "$(answer "${BOT[@]}" "${SIG[@]}" "$TXT")" "402 InvalidCrawlerMaxPrice USD 0.01 -"
sign b "$AG_B" --cover "crawler-max-price=EUR 5"
expect "another currency" "$(answer "${BOT[@]}" "${SIG[@]}" "$TXT")" "402 InvalidCrawlerMaxPrice USD 0.01 -"
sign b "$AG_B" --cover "crawler-max-price=0.01 USD"
expect "not a price" "$(answer "${BOT[@]}" "${SIG[@]}" "$TXT")" "400 InvalidCrawlerPriceValue - -"
sign b "$AG_B" --cover "crawler-max-price=USD 1" --cover "crawler-exact-price=USD 0.01"
expect "both headers" "$(answer "${BOT[@]}" "${SIG[@]}" "$TXT")" "400 ConflictingPriceHeaders - -"
sign b "$AG_B" --cover "crawler-max-price=USD 1"
expect "paid, but nothing there: not charged" "$(answer "${BOT[@]}" "${SIG[@]}" "$U/letters/none.txt")" "404 - - -"
sign b "$AG_B" --cover "crawler-max-price=USD 1"
expect "paid robots.txt: free anyway" "$(answer "${BOT[@]}" "${SIG[@]}" "$U/robots.txt")" "200 - - -"

# ---- a registered agent (bulk tier, USD 0.025) ----
sign a "$AG_A"
expect "bulk, unpaid" "$(answer "${BOT[@]}" "${SIG[@]}" "$TXT")" "402 MissingCrawlerPrice USD 0.025 -"
sign a "$AG_A" --cover "crawler-max-price=USD 0.10"
expect "bulk, paid" "$(answer "${BOT[@]}" "${SIG[@]}" "$TXT")" "200 - - USD 0.025"
sign a "$AG_A" --cover "crawler-exact-price=USD 0.025"
expect "bulk manifest, paid" "$(answer "${BOT[@]}" "${SIG[@]}" "$U/bulk/manifest.jsonl")" "200 - - USD 0.025"
expect "a bulk key without a signature" \
    "$(answer -H "Authorization: Bearer $KEY_BULK" "$TXT")" "402 MissingCrawlerPrice USD 0.025 -"
expect "  cannot pay without one" \
    "$(answer -H "Authorization: Bearer $KEY_BULK" -H 'crawler-max-price: USD 1' "$TXT")" "400 StrongAuthRequired - -"

# ---- public-interest reusers are never charged ----
expect "pending public-interest key" "$(answer -H "Authorization: Bearer $KEY_PUB" "$TXT")" "200 - - -"
steward_login steward 'pay steward passphrase'
expect "approve" "$(steward_act "$ID_PUB" approve)" 303
expect "approved public-interest key" "$(answer -H "Authorization: Bearer $KEY_PUB" "$TXT")" "200 - - -"

# ---- the ledger, the export, the receipt ----
sleep 1 # the journal's importer moves the last records into the ledger
steward_get "/steward/charges.csv" | tr -d '\r' >"$DIR/charges.csv"
expect "charges.csv" "$(cat "$DIR/charges.csv")" "reuser_id,key_id,name,agent,currency,requests,amount
,,,$AG_B,USD,2,0.02
$ID_A,$KEYID_A,Acme,$AG_A,USD,2,0.05"
steward_get "/steward/charges.json?reuser=$ID_A" >"$DIR/charges.json"
expect "charges.json for one reuser" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["from"] < d["to"], [(c["reuser"], c["name"], c["currency"], c["requests"], c["amount"]) for c in d["charges"]])
' "$DIR/charges.json")" "True [($ID_A, 'Acme', 'USD', 2, '0.05')]"
expect "charges over a bad period" "$(curl -s -o /dev/null -w '%{http_code}' -b "$DIR/jar" "${BROWSER[@]}" "$U/steward/charges.csv?from=2026-12-09&to=2026-12-01")" 400
stop_gateway
"$CCSIG" serve --db "$DB" --export-ledger >"$DIR/ledger.csv" || fail "--export-ledger"
expect "ledger: the charged records" "$(python3 -c '
import csv, sys
names = {sys.argv[2]: "A", sys.argv[3]: "B"}
for r in csv.DictReader(open(sys.argv[1])):
    if r["charge"]:
        print(r["reuser_id"], names.get(r["agent"], "?"), r["path"], r["status"], r["currency"], r["charge"])
' "$DIR/ledger.csv" "$AG_A" "$AG_B")" "0 B /letters/1850.txt 200 USD 0.01
0 B /letters/1851.txt 200 USD 0.01
$ID_A A /letters/1850.txt 200 USD 0.025
$ID_A A /bulk/manifest.jsonl 200 USD 0.025"
expect "ledger: the 404 paid for is not charged" "$(grep -c '/letters/none.txt,404,.*,$' "$DIR/ledger.csv")" 1
start_gateway --collection "$C" --policy "$DIR/policy.yaml"
AUTHORITY=${U#http://}
curl -s "$U/.well-known/ccsig-receipt-key" >"$DIR/gateway.key"
sign a "$AG_A"
expect "the registered agent's receipt" "$(curl -s -o "$DIR/receipt.txt" -w '%{http_code}' "${BOT[@]}" "${SIG[@]}" "$U/receipt")" 200
expect "  states the charges" "$(sed -n 's/^charged: //p' "$DIR/receipt.txt")" "USD 0.05 requests 2"
expect "  verifies" "$("$CCSIG" receipt verify --key "$DIR/gateway.key" "$DIR/receipt.txt" >/dev/null 2>&1; echo $?)" 0
sed 's/^charged: USD 0.05/charged: USD 0.01/' "$DIR/receipt.txt" >"$DIR/tampered.txt"
expect "  a changed charge fails" "$("$CCSIG" receipt verify --key "$DIR/gateway.key" "$DIR/tampered.txt" >/dev/null 2>&1; echo $?)" 1

stop_gateway
stop_directories
finish "paycrawl ($BACKEND)"
