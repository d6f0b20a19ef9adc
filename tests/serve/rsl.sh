#!/bin/bash
# RSL 1.0 on a real gateway (127.0.0.1): the licence document generated
# from the policy, found through robots.txt (License:) and the Link header,
# read back live by `ccsig check` with the same verdict (also alone, served
# by a plain file server that names it in its robots.txt); the Crawler
# Authorization Protocol (Authorization: License, 401 WWW-Authenticate:
# License) and the Open Licensing Protocol (/token, /introspect, the JWKS)
# end to end with curl, for a bulk key and a public-interest key, before and
# after the steward approves and revokes. Encrypted assets: a rule marked
# encrypted is written encrypted="true", its file is served AES-256-GCM
# encrypted (nonce || ciphertext || tag), the key endpoint (/key) gives its
# key to a licence holder only, and Python's cryptography (AESGCM), not
# ccsig, decrypts it back to the original; missing, expired (signed here by
# an independent Ed25519 signer with the store's key), changed, foreign and
# out-of-scope tokens get the documented refusals; the ledger names the file.
#
#   usage: rsl.sh sqlite|postgresql      (CCSIG: the ccsig binary)
set -u
BACKEND=${1:?usage: rsl.sh sqlite|postgresql}
. "$(dirname "$0")/lib.sh"

C=$DIR/coll
mkdir -p "$C/letters" "$C/licensed" "$C/sealed"
printf 'Letter from Ada, 1850\n\nThe harbour engine.\n' >"$C/letters/1850.txt"
printf 'Minutes of the harbour board, 1851\n' >"$C/licensed/minutes.txt"
# An encrypted asset: text with every byte value, and one a megabyte long.
python3 -c 'import sys; sys.stdout.buffer.write(b"Survey of the harbour, 1852\n" + bytes(range(256)) * 4)' >"$C/sealed/survey.txt"
head -c 1048576 /dev/urandom >"$C/sealed/plates.bin"
cat >"$DIR/policy.yaml" <<'EOP'
collection:
  name: Licensed Archive
preferences:
  - path: /
    train-ai: cr
    ai-use: cr-ec
    search: allow
  - path: /licensed/
    train-ai: cr
    ai-use: deny
    search: deny
  - path: /sealed/
    train-ai: cr
    ai-use: deny
    search: deny
    encrypted: yes
access:
  automated: {rate: 1000, burst: 1000}
  registrations: {rate: 1000, burst: 1000}
  logins: {rate: 1000, burst: 1000}
  pending: {rate: 1000, burst: 1000}
  bulk: {rate: 1000, burst: 1000}
  public-interest: {rate: 1000, burst: 1000}
EOP
start_db
printf 'rsl steward passphrase\n' | "$CCSIG" serve --db "$DB" --set-password steward >/dev/null 2>&1 ||
    { echo "--set-password failed"; exit 1; }
start_gateway --collection "$C" --policy "$DIR/policy.yaml"
header() { tr -d '\r' <"$DIR/h" | sed -n "s/^$1: //Ip" | head -1; }
json() { python3 -c "import json,sys; d=json.loads(sys.stdin.read()); print($1)"; }
LIC="$U/license.xml"

# ---- discovery ----
expect "robots.txt License line" "$(curl -s "$U/robots.txt" | grep '^License:')" "License: $LIC"
curl -s -D "$DIR/h" -o "$DIR/license.xml" "$LIC"
expect "license.xml type" "$(header Content-Type)" "application/rsl+xml"
expect "license.xml contents" "$(python3 -c '
import sys, xml.etree.ElementTree as E
n = "{https://rslstandard.org/rsl}"
for c in E.parse(sys.argv[1]).getroot().findall(n + "content"):
    print(c.get("url"), "server" if c.get("server") else "-", end="")
    print(" encrypted=" + c.get("encrypted") if c.get("encrypted") else "", end=":")
    for l in c.findall(n + "license"):
        print(" [" + " ".join(e.tag[len(n):] + "=" + str(e.get("type")) + ":" + (e.text or "") for e in l) + "]", end="")
    print()' "$DIR/license.xml")" \
    "/licensed/ server: [prohibits=usage:ai-input,search] [permits=usage:ai-train prohibits=usage:ai-input,search payment=attribution:]
/sealed/ server encrypted=true: [prohibits=usage:ai-input,search] [permits=usage:ai-train prohibits=usage:ai-input,search payment=attribution:]
/ -: [permits=usage:search] [permits=usage:ai-train payment=attribution:] [permits=usage:ai-input payment=attribution: payment=contribution:]"
curl -s -D "$DIR/h" -o /dev/null "${BOT[@]}" "$U/letters/1850.txt"
expect "Link rel=license on a file" "$(tr -d '\r' <"$DIR/h" | grep -i '^Link:.*rel="license"')" \
    "Link: <$LIC>; rel=\"license\"; type=\"application/rsl+xml\""

# ---- the round trip: ccsig check reads the licence back, live ----
verdict() { # the train-ai, ai-use and search verdicts of a `ccsig check --json` line
    json '" ".join(c + "=" + d["categories"][c]["state"] + "[" + ",".join(x for x in d["categories"][c]["conditions"] if x != "license") + "]" for c in ("train-ai","ai-use","search"))'
}
CHECK=$("$CCSIG" check --delay 0 --json "$U/letters/1850.txt")
expect "check reads the RSL" "$(printf '%s' "$CHECK" | json '",".join(s["origin"] for s in d["sources"] if s["kind"] == "rsl")')" "$LIC"
expect "check verdict /letters/" "$(printf '%s' "$CHECK" | verdict)" \
    "train-ai=deny[credit] ai-use=deny[credit,ecosystem-contribution] search=allow[]"
# The licence alone: a plain file server on 127.0.0.1 whose robots.txt only
# names the gateway's licence (its paths are the gateway's).
W=$DIR/www
mkdir -p "$W/letters" "$W/licensed"
printf 'License: %s\n\nUser-Agent: *\nAllow: /\n' "$LIC" >"$W/robots.txt"
cp "$C/letters/1850.txt" "$W/letters/"
cp "$C/licensed/minutes.txt" "$W/licensed/"
WPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$WPORT" --bind 127.0.0.1 --directory "$W" >/dev/null 2>&1 &
WPID=$!
trap 'kill $WPID 2>/dev/null; cleanup' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$WPORT/robots.txt" && break; sleep 0.1; done
for f in letters/1850.txt licensed/minutes.txt; do
    ALONE=$("$CCSIG" check --delay 0 --json "http://127.0.0.1:$WPORT/$f")
    expect "RSL alone is the only source for /$f" "$(printf '%s' "$ALONE" | json '",".join(s["kind"] for s in d["sources"])')" rsl
    expect "RSL alone, same verdict as the gateway, /$f" "$(printf '%s' "$ALONE" | verdict)" \
        "$("$CCSIG" check --delay 0 --json "$U/$f" | verdict)"
done
expect "licence server named for /licensed/" \
    "$(printf '%s' "$ALONE" | json '",".join(d["categories"]["train-ai"]["conditions"])')" "credit,license"
"$CCSIG" check --delay 0 --use train-ai --commit credit "http://127.0.0.1:$WPORT/letters/1850.txt" >/dev/null
expect "RSL alone: train-ai with credit" $? 0
"$CCSIG" check --delay 0 --use train-ai "http://127.0.0.1:$WPORT/letters/1850.txt" >/dev/null
expect "RSL alone: train-ai without credit" $? 1

# ---- CAP: where a licence is required ----
expect "no token, licence required" "$(status_class "${BOT[@]}" "$U/licensed/minutes.txt")" "401 automated"
expect "no token: challenge" "$(header WWW-Authenticate)" "License realm=\"$U\", license=\"$LIC\""
expect "no token, search is open elsewhere" "$(status_class "${BOT[@]}" "$U/letters/1850.txt")" "200 automated"
expect "browsers need no licence" "$(status_class "${BROWSER[@]}" "$U/licensed/minutes.txt")" "200 browsers"
expect "a bad token" "$(status_class -H 'Authorization: License abc.def.ghi' "${BOT[@]}" "$U/licensed/minutes.txt")" "401 invalid-key"
expect "a bad token: challenge" "$(header WWW-Authenticate)" "License realm=\"$U\", license=\"$LIC\", error=\"invalid_token\""

# ---- OLP: keys get licence tokens ----
register() { # KIND USE [FIELDS...]: the registration's JSON
    local kind=$1 use=$2
    shift 2
    curl -s -H 'Accept: application/json' "${BROWSER[@]}" "$U/register" -d "kind=$kind" -d name=Reuser \
        -d contact=ai@reuser.example -d "use=$use" -d accept=yes "$@"
}
REG=$(register bulk train-ai -d commit-credit=yes -d 'credit=Cite the archive')
KEY=$(printf '%s' "$REG" | json 'd["key"]')
KEY_ID=$(printf '%s' "$REG" | json 'd["key_id"]')
RID=$(printf '%s' "$REG" | json 'd["reuser"]')
SEARCHER=$(register bulk search | json 'd["key"]')
token() { # KEY [FIELDS...]: the /token response; status in $DIR/code
    local k=$1
    shift
    curl -s -w '\n%{http_code}' -H "Authorization: Bearer $k" "$U/token" "$@" >"$DIR/tok"
    tail -1 "$DIR/tok" >"$DIR/code"
    sed '$d' "$DIR/tok"
}
expect "token without a key" "$(curl -s -o /dev/null -w '%{http_code}' "${BOT[@]}" "$U/token" -d grant_type=client_credentials)" 401
expect "token: unknown grant" "$(token "$KEY" -d grant_type=password | json 'd["error"]') $(cat "$DIR/code")" "unsupported_grant_type 400"
expect "token: a resource elsewhere" "$(token "$KEY" -d grant_type=client_credentials -d resource=https://other.example/x | json 'd["error"]') $(cat "$DIR/code")" "invalid_target 400"
expect "token: a resource the key may not have" \
    "$(token "$SEARCHER" -d grant_type=client_credentials -d "resource=$U/licensed/minutes.txt" | json 'd["error"]') $(cat "$DIR/code")" "invalid_grant 400"
T=$(token "$KEY" -d grant_type=client_credentials -d "resource=$U/licensed/minutes.txt")
expect "token issued" "$(cat "$DIR/code") $(printf '%s' "$T" | json 'd["token_type"], d["expires_in"], d["license"]')" "200 License 300 $LIC"
TOK=$(printf '%s' "$T" | json 'd["access_token"]')
# OLP's client authentication: Basic client_id:client_secret, the key's halves.
BASIC=$(printf '%s:%s' "$KEY_ID" "${KEY:19}" | base64 -w0)
expect "token with Basic client credentials" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Basic $BASIC" "$U/token" -d grant_type=client_credentials)" 200
WRONG=$(printf '%s:%s' "$KEY_ID" "$(printf 'x%.0s' $(seq 43))" | base64 -w0)
expect "token with a wrong client secret" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Basic $WRONG" "$U/token" -d grant_type=client_credentials)" 401
expect "CAP: the licence opens the file" "$(status_class -H "Authorization: License $TOK" "${BOT[@]}" "$U/licensed/minutes.txt")" "200 bulk"
expect "CAP: the bytes" "$(curl -s -H "Authorization: License $TOK" "${BOT[@]}" "$U/licensed/minutes.txt")" "Minutes of the harbour board, 1851"
# A changed signature byte; the same signature with its unused last bits
# changed (base64url that is not the canonical encoding).
TAMPERED="${TOK%??????}$([ "${TOK: -6:1}" = A ] && echo B || echo A)${TOK: -5}"
case "${TOK: -1}" in A) ALIAS="${TOK%?}B" ;; *) ALIAS="${TOK%?}A" ;; esac
expect "CAP: a non-canonical signature" "$(status_class -H "Authorization: License $ALIAS" "${BOT[@]}" "$U/licensed/minutes.txt")" "401 invalid-key"
expect "CAP: a changed token" "$(status_class -H "Authorization: License $TAMPERED" "${BOT[@]}" "$U/licensed/minutes.txt")" "401 invalid-key"
# Introspection (RFC 7662).
INTRO=$(curl -s "$U/introspect" --data-urlencode "token=$TOK")
expect "introspect: active" "$(printf '%s' "$INTRO" | json 'd["active"], d["sub"], d["client_id"], d["aud"], d["scope"], d["commitments"], d["exp"] - d["iat"]')" \
    "True $RID $KEY_ID $LIC train-ai ['credit'] 300"
expect "introspect: a changed token" "$(curl -s "$U/introspect" --data-urlencode "token=$TAMPERED")" '{"active":false}'
expect "introspect: no token" "$(curl -s "$U/introspect" -d x=1)" '{"active":false}'
# The key endpoint: the JWKS whose key signed the token (its kid).
curl -s -D "$DIR/h" -o "$DIR/jwks.json" "$U/.well-known/jwks.json"
expect "jwks type" "$(header Content-Type)" "application/jwk-set+json"
expect "jwks kid is the token's and the key's thumbprint" "$(python3 -c '
import base64, hashlib, json, sys
k = json.load(open(sys.argv[1]))["keys"][0]
canon = json.dumps({"crv": k["crv"], "kty": k["kty"], "x": k["x"]}, separators=(",", ":"), sort_keys=True)
tp = base64.urlsafe_b64encode(hashlib.sha256(canon.encode()).digest()).decode().rstrip("=")
h = json.loads(base64.urlsafe_b64decode(sys.argv[2].split(".")[0] + "=="))
print(k["kid"] == tp == h["kid"], h["alg"], k["alg"])' "$DIR/jwks.json" "$TOK")" "True EdDSA EdDSA"

# ---- encrypted assets and the key endpoint ----
KEYURL="$U/key"
SURVEY="$U/sealed/survey.txt"
CHECK=$("$CCSIG" check --delay 0 --json "$SURVEY")
expect "check reports the encrypted content" \
    "$(printf '%s' "$CHECK" | json '[s["text"] for s in d["sources"] if s["kind"] == "rsl"][0].split(";")[0]')" \
    "content url=\"/sealed/\" server=\"$U\" encrypted=\"true\""
expect "encrypted: no token, licence required" "$(status_class "${BOT[@]}" "$SURVEY")" "401 automated"
curl -s -D "$DIR/h" -o "$DIR/survey.enc" -H "Authorization: License $TOK" "${BOT[@]}" "$SURVEY"
expect "encrypted: served as bytes" "$(header Content-Type)" "application/octet-stream"
expect "encrypted: the original type kept" "$(header Encrypted-Content-Type)" "text/plain; charset=utf-8"
expect "encrypted: cipher and key endpoint named" "$(header RSL-Encryption)" "alg=\"AES-256-GCM\", key=\"$KEYURL\""
expect "encrypted: no ranges, no validators" "$(header Accept-Ranges)$(header ETag)" ""
expect "encrypted: nonce || ciphertext || tag" "$(stat -c %s "$DIR/survey.enc")" "$(($(stat -c %s "$C/sealed/survey.txt") + 28))"
expect "encrypted: not the plaintext" "$(grep -c 'Survey of the harbour' "$DIR/survey.enc")" 0
curl -s -o "$DIR/survey2.enc" -H "Authorization: License $TOK" "${BOT[@]}" "$SURVEY"
expect "encrypted: a fresh nonce per response" "$(cmp -s "$DIR/survey.enc" "$DIR/survey2.enc"; echo $?)" 1
# decrypt FILE.enc KEYJSON: Python's cryptography opens it with the key.
decrypt() {
    python3 -c '
import base64, json, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
k = json.loads(open(sys.argv[2]).read())
assert k["algorithm"] == "AES-256-GCM" and k["key"]["kty"] == "oct" and k["key"]["alg"] == "A256GCM", k
key = base64.urlsafe_b64decode(k["key"]["k"] + "=" * (-len(k["key"]["k"]) % 4))
b = open(sys.argv[1], "rb").read()
n = k["nonce_bytes"]
sys.stdout.buffer.write(AESGCM(key).decrypt(b[:n], b[n:], None))' "$@"
}
# key_req [CURL ARGS...]: the key endpoint's body in $DIR/key.json, status in $DIR/code
key_req() { curl -s -D "$DIR/h" -o "$DIR/key.json" -w '%{http_code}' "${BOT[@]}" "$@" >"$DIR/code"; cat "$DIR/code"; }
expect "key: issued (GET)" "$(key_req -H "Authorization: License $TOK" -G "$KEYURL" --data-urlencode "resource=$SURVEY")" 200
expect "key: not cached" "$(header Cache-Control)" "no-store"
expect "key: the answer" "$(json 'd["resource"], d["license"], d["algorithm"], d["framing"], d["nonce_bytes"], d["tag_bytes"], len(d["key"]["k"])' <"$DIR/key.json")" \
    "$SURVEY $LIC AES-256-GCM nonce||ciphertext||tag 12 16 43"
decrypt "$DIR/survey.enc" "$DIR/key.json" >"$DIR/survey.out"
expect "key: Python's AESGCM decrypts the file" "$(cmp "$DIR/survey.out" "$C/sealed/survey.txt" && echo same)" same
decrypt "$DIR/survey2.enc" "$DIR/key.json" >"$DIR/survey2.out"
expect "key: and the second response" "$(cmp "$DIR/survey2.out" "$C/sealed/survey.txt" && echo same)" same
cp "$DIR/key.json" "$DIR/survey.key"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[40] ^= 1; open(sys.argv[1], "wb").write(b)' "$DIR/survey2.enc"
expect "key: a changed byte does not decrypt" "$(decrypt "$DIR/survey2.enc" "$DIR/survey.key" 2>&1 >/dev/null | grep -c InvalidTag)" 1
PLATES="$U/sealed/plates.bin"
curl -s -o "$DIR/plates.enc" -H "Authorization: License $TOK" "${BOT[@]}" "$PLATES"
expect "key: issued (POST)" "$(key_req -H "Authorization: License $TOK" "$KEYURL" --data-urlencode "resource=$PLATES")" 200
decrypt "$DIR/plates.enc" "$DIR/key.json" >"$DIR/plates.out"
expect "key: a megabyte decrypts" "$(cmp "$DIR/plates.out" "$C/sealed/plates.bin" && echo same)" same
expect "key: one key per file" "$(decrypt "$DIR/plates.enc" "$DIR/survey.key" 2>&1 >/dev/null | grep -c InvalidTag)" 1
# Refusals.
challenge() { header WWW-Authenticate; }
expect "key: no token" "$(key_req -G "$KEYURL" --data-urlencode "resource=$SURVEY") $(challenge)" \
    "401 License realm=\"$U\", license=\"$LIC\""
expect "key: a key is not a licence" "$(key_req -H "Authorization: Bearer $KEY" -G "$KEYURL" --data-urlencode "resource=$SURVEY") $(challenge)" \
    "401 License realm=\"$U\", license=\"$LIC\", error=\"invalid_token\""
expect "key: a changed token" "$(key_req -H "Authorization: License $TAMPERED" -G "$KEYURL" --data-urlencode "resource=$SURVEY") $(challenge)" \
    "401 License realm=\"$U\", license=\"$LIC\", error=\"invalid_token\""
# An expired token, well signed: an independent Ed25519 signer (Python's
# cryptography) with the store's signing key, the token's claims with iat
# and exp an hour ago.
if [ "$BACKEND" = postgresql ]; then
    SK=$("$PGBIN/psql" "$DB" -Atc 'SELECT secret_key FROM signing_key')
else
    SK=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT secret_key FROM signing_key").fetchone()[0])' "${DB#sqlite:}")
fi
OLD=$(python3 -c '
import base64, json, sys, time
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
def b64(b): return base64.urlsafe_b64encode(b).decode().rstrip("=")
def unb64(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
h, c, _ = sys.argv[2].split(".")
claims = json.loads(unb64(c))
now = int(time.time())
claims["iat"], claims["exp"] = now - 3600, now - 3300
signing = h + "." + b64(json.dumps(claims, separators=(",", ":")).encode())
key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(sys.argv[1])[:32])
print(signing + "." + b64(key.sign(signing.encode())))' "$SK" "$TOK")
expect "key: an expired token" "$(key_req -H "Authorization: License $OLD" -G "$KEYURL" --data-urlencode "resource=$SURVEY") $(challenge)" \
    "401 License realm=\"$U\", license=\"$LIC\", error=\"invalid_token\""
expect "key: the expiry is the reason" "$(grep -ci 'expired' "$DIR/key.json")" 1
expect "key: no resource" "$(key_req -H "Authorization: License $TOK" "$KEYURL" -d x=1) $(json 'd["error"]' <"$DIR/key.json")" "400 invalid_request"
expect "key: another site" "$(key_req -H "Authorization: License $TOK" -G "$KEYURL" --data-urlencode "resource=https://other.example/sealed/survey.txt") $(json 'd["error"]' <"$DIR/key.json")" "400 invalid_target"
expect "key: a file that is not encrypted" "$(key_req -H "Authorization: License $TOK" -G "$KEYURL" --data-urlencode "resource=$U/licensed/minutes.txt") $(json 'd["error"]' <"$DIR/key.json")" "400 invalid_target"
expect "key: no such file" "$(key_req -H "Authorization: License $TOK" -G "$KEYURL" --data-urlencode "resource=$U/sealed/none.txt") $(json 'd["error"]' <"$DIR/key.json")" "400 invalid_target"
expect "key: a dot segment" "$(key_req -H "Authorization: License $TOK" -G "$KEYURL" --data-urlencode "resource=$U/sealed/../sealed/survey.txt") $(json 'd["error"]' <"$DIR/key.json")" "400 invalid_target"
# A licence whose reuser's use the licence does not grant here (search).
STOK=$(token "$SEARCHER" -d grant_type=client_credentials | json 'd["access_token"]')
expect "key: a licence that does not cover the file" "$(key_req -H "Authorization: License $STOK" -G "$KEYURL" --data-urlencode "resource=$SURVEY") $(challenge)" \
    "403 License realm=\"$U\", license=\"$LIC\", error=\"insufficient_scope\""
# The clear text goes nowhere else: search withholds the hits (even from
# people), the bulk manifest and archive leave the files out.
expect "search: the encrypted file's hit withheld" \
    "$(curl -s "${BROWSER[@]}" "$U/search?q=Survey&format=json" | json 'len(d["hits"]), d["withheld"]')" "0 1"
expect "search: other hits shown" \
    "$(curl -s "${BROWSER[@]}" "$U/search?q=Minutes&format=json" | json '",".join(h["url"] for h in d["hits"])')" "$U/licensed/minutes.txt"
expect "bulk manifest: no encrypted file" \
    "$(curl -s -H "Authorization: Bearer $KEY" "${BOT[@]}" "$U/bulk/manifest.jsonl" | python3 -c 'import json,sys; print(",".join(sorted(json.loads(l)["path"] for l in sys.stdin)))')" \
    "/letters/1850.txt,/licensed/minutes.txt"
expect "bulk archive: no encrypted file" \
    "$(curl -s -H "Authorization: Bearer $KEY" "${BOT[@]}" "$U/bulk/collection.tar" | tar -t | grep -c sealed)" 0

# ---- public interest: free once approved ----
PUB=$(register public-interest ai-use -d purpose=archiving -d 'claim=A public web archive keeping copies')
PUB_KEY=$(printf '%s' "$PUB" | json 'd["key"]')
PUB_ID=$(printf '%s' "$PUB" | json 'd["reuser"]')
expect "pending: no licence yet" "$(token "$PUB_KEY" -d grant_type=client_credentials | json 'd["error"]') $(cat "$DIR/code")" "unauthorized_client 400"
steward_login steward 'rsl steward passphrase'
expect "approve" "$(steward_act "$PUB_ID" approve)" 303
PT=$(token "$PUB_KEY" -d grant_type=rsl -d "resource=$U/licensed/minutes.txt")
expect "public interest: licence issued" "$(cat "$DIR/code")" 200
PTOK=$(printf '%s' "$PT" | json 'd["access_token"]')
expect "public interest: the purpose in the licence" "$(curl -s "$U/introspect" --data-urlencode "token=$PTOK" | json 'd["purpose"]')" archiving
expect "public interest: ai-use of a denied file" "$(status_class -H "Authorization: License $PTOK" "${BOT[@]}" "$U/licensed/minutes.txt")" "200 public-interest"
expect "public interest: the key of an encrypted file" "$(key_req -H "Authorization: License $PTOK" -G "$KEYURL" --data-urlencode "resource=$SURVEY")" 200
decrypt "$DIR/survey.enc" "$DIR/key.json" >"$DIR/survey3.out"
expect "public interest: the same key" "$(cmp "$DIR/survey3.out" "$C/sealed/survey.txt" && echo same)" same
# Revocation reaches tokens already issued (they stand for the key).
expect "revoke" "$(steward_act "$RID" revoke)" 303
expect "CAP: a revoked reuser's token" "$(status_class -H "Authorization: License $TOK" "${BOT[@]}" "$U/licensed/minutes.txt")" "401 invalid-key"
expect "key: a revoked reuser's token" "$(key_req -H "Authorization: License $TOK" -G "$KEYURL" --data-urlencode "resource=$SURVEY")" 401

# ---- the ledger: every key handed out, with its file ----
stop_gateway
"$CCSIG" serve --db "$DB" --export-ledger >"$DIR/ledger.csv" || fail "--export-ledger"
expect "ledger: the keys handed out" "$(grep -o '/key?resource=[^,]*,200' "$DIR/ledger.csv" | sort | uniq -c | sed 's/^ *//')" \
    "1 /key?resource=/sealed/plates.bin,200
2 /key?resource=/sealed/survey.txt,200"
# keyed refusals: a key for a token, five 400s, the search licence's 403,
# the revoked reuser's token (tokens that do not verify have no reuser)
expect "ledger: refusals recorded at /key" "$(grep -o ',/key,40[0-9],' "$DIR/ledger.csv" | sort | tr -d ',' | tr '\n' ' ')" \
    "/key400 /key400 /key400 /key400 /key400 /key401 /key401 /key403 "

kill $WPID 2>/dev/null
finish "rsl.$BACKEND"
