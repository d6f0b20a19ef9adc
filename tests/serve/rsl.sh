#!/bin/bash
# RSL 1.0 on a real gateway (127.0.0.1): the licence document generated
# from the policy, found through robots.txt (License:) and the Link header,
# read back live by `ccsig check` with the same verdict (also alone, served
# by a plain file server that names it in its robots.txt); the Crawler
# Authorization Protocol (Authorization: License, 401 WWW-Authenticate:
# License) and the Open Licensing Protocol (/token, /introspect, the JWKS)
# end to end with curl, for a bulk key and a public-interest key, before and
# after the steward approves and revokes.
#
#   usage: rsl.sh sqlite|postgresql      (CCSIG: the ccsig binary)
set -u
BACKEND=${1:?usage: rsl.sh sqlite|postgresql}
. "$(dirname "$0")/lib.sh"

C=$DIR/coll
mkdir -p "$C/letters" "$C/licensed"
printf 'Letter from Ada, 1850\n\nThe harbour engine.\n' >"$C/letters/1850.txt"
printf 'Minutes of the harbour board, 1851\n' >"$C/licensed/minutes.txt"
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
    print(c.get("url"), "server" if c.get("server") else "-", end=":")
    for l in c.findall(n + "license"):
        print(" [" + " ".join(e.tag[len(n):] + "=" + str(e.get("type")) + ":" + (e.text or "") for e in l) + "]", end="")
    print()' "$DIR/license.xml")" \
    "/licensed/ server: [prohibits=usage:ai-input,search] [permits=usage:ai-train prohibits=usage:ai-input,search payment=attribution:]
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
# Revocation reaches tokens already issued (they stand for the key).
expect "revoke" "$(steward_act "$RID" revoke)" 303
expect "CAP: a revoked reuser's token" "$(status_class -H "Authorization: License $TOK" "${BOT[@]}" "$U/licensed/minutes.txt")" "401 invalid-key"

kill $WPID 2>/dev/null
stop_gateway
finish "rsl.$BACKEND"
