#!/bin/bash
# Web Bot Auth on a real gateway (server/wba.h): requests signed by an
# independent signer (wba_agent.py: Python with Debian's python3-cryptography,
# none of ccsig's code) whose key directories it serves itself on 127.0.0.1,
# signed response and all. A reuser registers its signature agent with
# POST /register signature-agent=URL; from then on its signed requests are
# its own (tier, quota, ledger, usage export) with no bearer key. An agent
# nobody registered is an identified automated client. An expired signature,
# a replayed nonce, a key its directory does not hold, a signature over
# another authority, a signature that does not cover Signature-Agent: each is
# refused with 401 and the library's reason.
#
#   usage: wba.sh sqlite|postgresql      (CCSIG: the ccsig binary)
set -u
BACKEND=${1:?usage: wba.sh sqlite|postgresql}
. "$(dirname "$0")/lib.sh"

C=$DIR/coll
mkdir -p "$C/letters"
printf 'Letter from Ada, 1850\n\nThe harbour engine.\n' >"$C/letters/1850.txt"
cat >"$DIR/policy.yaml" <<EOP
collection:
  name: Signed Archive
preferences:
  - path: /
    train-ai: allow
    ai-use: allow
    search: allow
access:
  automated: {rate: 1000, burst: 1000}
  registrations: {rate: 1000, burst: 1000}
  logins: {rate: 1000, burst: 1000}
  bulk: {rate: 1000, burst: 1000, quota: 1000}
EOP

# Three agents: A (registered), B (not registered), and a key X no
# directory holds.
for k in a b x; do $AGENT keygen "$DIR/$k.key"; done
start_directory A "$DIR/a.key"
start_directory B "$DIR/b.key"
AG_A="http://127.0.0.1:$PORT_A" AG_B="http://127.0.0.1:$PORT_B"

start_db
printf 'wba steward passphrase\n' | "$CCSIG" serve --db "$DB" --set-password steward >/dev/null 2>&1 ||
    { echo "--set-password failed"; exit 1; }
start_gateway --collection "$C" --policy "$DIR/policy.yaml"
AUTHORITY=${U#http://}
header() { tr -d '\r' <"$DIR/h" | sed -n "s/^$1: //Ip" | head -1; }
TXT=$U/letters/1850.txt

# ---- registration ----
reg() { curl -s -o "$DIR/reg" -w '%{http_code}' -H 'Accept: application/json' "${BROWSER[@]}" \
    "$U/register" -d kind=bulk -d name=Acme -d contact=ai@acme.example -d use=ai-use -d accept=yes "$@"; }
expect "a signature agent that is not a URL" "$(reg -d signature-agent=ftp://x.example)" 400
expect "  says why" "$(grep -c 'signature-agent must be the http(s) URL' "$DIR/reg")" 1
expect "register agent A" "$(reg --data-urlencode "signature-agent=$AG_A")" 201
DIR_A="$AG_A/.well-known/http-message-signatures-directory"
expect "  its directory in the answer" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signature_agent"])' "$DIR/reg")" "$DIR_A"
ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reuser"])' "$DIR/reg")
expect "agent A again (its directory URL)" "$(reg --data-urlencode "signature-agent=$DIR_A")" 400
expect "  already registered" "$(grep -c 'registered already' "$DIR/reg")" 1

# ---- a registered agent: the reuser's tier, no bearer key ----
sign a "$AG_A"
expect "registered agent" "$(status_class "${BOT[@]}" "${SIG[@]}" "$TXT")" "200 bulk"
expect "  X-Signature-Agent" "$(header X-Signature-Agent)" "$AG_A"
expect "  quota counted" "$(header X-Quota-Remaining)" 999
sign a "$AG_A" --legacy
expect "registered agent, legacy String form" "$(status_class "${BOT[@]}" "${SIG[@]}" "$TXT")" "200 bulk"
sign a "$AG_A"
expect "registered agent: its receipt (an endpoint for keys)" \
    "$(curl -s -o /dev/null -w '%{http_code}' "${BOT[@]}" "${SIG[@]}" "$U/receipt")" 200

# A signature without a nonce may be presented again until it expires (the
# gateway keeps its verification, wba.h); one with a nonce may not.
sign a "$AG_A" --no-nonce
expect "no nonce, first use" "$(status_class "${BOT[@]}" "${SIG[@]}" "$TXT")" "200 bulk"
expect "no nonce, again (kept verification)" "$(status_class "${BOT[@]}" "${SIG[@]}" "$TXT")" "200 bulk"
SIG2=()
for h in "${SIG[@]}"; do case "$h" in Signature:*) SIG2+=("${h:0:20}A${h:21}") ;; *) SIG2+=("$h") ;; esac; done
[ "${SIG2[*]}" != "${SIG[*]}" ] || SIG2=("${SIG[@]/#Signature: sig1=:?/Signature: sig1=:B}")
refused_early() { expect "$1" "$(status_class "${BOT[@]}" "${@:2}" "$TXT")" "401 invalid-signature"; }
refused_early "the same, one byte of the signature changed" "${SIG2[@]}"
expect "  for another authority, the kept one does not apply" \
    "$(status_class "${BOT[@]}" "${SIG[@]}" -H "Host: localhost:${AUTHORITY##*:}" "$TXT")" "401 invalid-signature"

# ---- an unregistered agent: identified, automated ----
sign b "$AG_B"
expect "unregistered agent" "$(status_class "${BOT[@]}" "${SIG[@]}" "$TXT")" "200 automated"
expect "  named" "$(header X-Signature-Agent)" "$AG_B"
sign b "$AG_B"
expect "unregistered agent with a browser's User-Agent is still automated" \
    "$(status_class "${BROWSER[@]}" "${SIG[@]}" "$TXT")" "200 automated"

# ---- refusals ----
refused() { # WHAT WANT-RESULT CURL-ARGS...
    local what=$1 want=$2
    shift 2
    expect "$what" "$(status_class "${BOT[@]}" "$@" "$TXT")" "401 invalid-signature"
    expect "  $what: X-Signature-Result" "$(header X-Signature-Result)" "$want"
}
NOW=$(date +%s)
sign a "$AG_A" --created $((NOW - 900)) --expires $((NOW - 600))
refused "expired signature" expired "${SIG[@]}"
sign a "$AG_A" --created $((NOW + 900)) --expires $((NOW + 1200))
refused "signature from the future" not-yet-valid "${SIG[@]}"
sign a "$AG_A" --created $((NOW - 10)) --expires $((NOW + 3 * 86400))
refused "signature valid for three days" too-long "${SIG[@]}"
sign a "$AG_A" --nonce replay-test-nonce-0001
expect "first use of a nonce" "$(status_class "${BOT[@]}" "${SIG[@]}" "$TXT")" "200 bulk"
refused "the same signature again (replay)" replayed "${SIG[@]}"
sign x "$AG_A"
refused "a key agent A's directory does not hold" unknown-key "${SIG[@]}"
case "$(curl -s "${BOT[@]}" "${SIG[@]}" "$TXT")" in *"not in the directory"* | *"unknown"*) got=yes ;; *) got=no ;; esac
expect "  the reason is in the body" "$got" yes
mapfile -t SIG < <($AGENT sign "$DIR/a.key" "other.example" "$AG_A")
refused "a signature over another authority" bad-signature "${SIG[@]}"
sign a "$AG_A" --no-agent
refused "no Signature-Agent: no directory to find the key in" unknown-key "${SIG[@]}"
sign a "$AG_A" --no-agent
refused "Signature-Agent added but not covered" not-covered "${SIG[@]}" -H "Signature-Agent: agent1=\"$AG_A\""
sign a "$AG_A"
SIG2=()
for h in "${SIG[@]}"; do case "$h" in Signature-Agent:*) SIG2+=("Signature-Agent: agent1=\"$AG_B\"") ;; *) SIG2+=("$h") ;; esac; done
refused "agent B substituted: B's directory lacks A's key" unknown-key "${SIG2[@]}"
SIG2=()
for h in "${SIG[@]}"; do case "$h" in Signature:*) SIG2+=("Signature: sig1=:$(head -c 64 /dev/zero | base64 -w0):") ;; *) SIG2+=("$h") ;; esac; done
refused "a signature of zeros" bad-signature "${SIG2[@]}"
refused "a malformed Signature-Input" malformed -H 'Signature-Input: sig1=(' -H 'Signature: sig1=:AA==:'
expect "a bearer key wins over the signature" \
    "$(status_class -H 'Authorization: Bearer nonsense' -H 'Signature-Input: sig1=()' "$TXT")" "401 invalid-key"
expect "robots.txt is answered whatever the signature" \
    "$(status_class "${BOT[@]}" -H 'Signature-Input: x' "$U/robots.txt")" "200 automated"

# ---- the ledger: the registered agent's requests are its reuser's ----
steward_login steward 'wba steward passphrase'
# Agent A's six verified requests (the file, its legacy form, the receipt,
# twice without a nonce, the nonce's first use); the refused ones were never A's.
steward_get "/steward/usage.csv" >"$DIR/usage.csv"
USAGE=$(cat "$DIR/usage.csv" | tr -d '\r' | awk -F, -v id="$ID" '$2 == id {print $(NF-2), $(NF-1)}')
expect "usage export: agent A's requests under its reuser" "$USAGE" "6 6"
case "$(steward_get "/steward/")" in *">unregistered agents<"*) got=yes ;; *) got=no ;; esac
expect "the steward's chart counts the unregistered agents" "$got" yes
case "$(steward_get "/steward/reusers/$ID")" in *"id=\"signature-agent\">$DIR_A<"*) got=yes ;; *) got=no ;; esac
expect "the steward's page names the agent" "$got" yes
steward_act "$ID" revoke >/dev/null
sign a "$AG_A"
expect "a revoked reuser's agent" "$(status_class "${BOT[@]}" "${SIG[@]}" "$TXT")" "401 invalid-key"

stop_gateway
stop_directories
finish "wba ($BACKEND)"
