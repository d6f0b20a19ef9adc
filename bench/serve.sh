#!/bin/sh
# ccsig serve against nginx, same files, same headers, same run: wrk on
# 127.0.0.1, anonymous (the per-address limiter checked on every request)
# and keyed (key checked, per-key limiter, every request's ledger record
# handed to the kernel, or with LEDGER_SYNC=full committed to disk, before
# its response leaves; the ledger is counted afterwards). Requests/s and p99
# latency for each, interleaved over several rounds (the machine is shared:
# absolute numbers drift, ratios of neighbouring runs are what count), and
# the ratio ccsig/nginx of the medians; and the CPU time each server spends
# per request (from /proc, so independent of what else the machine runs).
# Both servers write an access log in the combined format (ACCESS_LOG=off
# turns both off) and send the credit (TASL) Link field: the gateway builds
# it from each page's <title> and the policy (its per-file record cache),
# nginx sends one of the same shape and length with add_header.
# Web Bot Auth (server/wba.h): "signed" sends one signature without a nonce
# (verified once, then its kept verification is reused: the protocol lets a
# crawler present it until it expires), "signed-nonce" a fresh signature
# with a nonce on every request (an Ed25519 verification and a replay check
# each: the honest cost), both as the bulk reuser that registered the agent
# (its key directory is served by tests/serve/wba_agent.py, Python with
# python3-cryptography, which also makes the signatures). nginx gets the same
# headers and ignores them.
#
# usage: bench/serve.sh [BUILD-DIR]
# environment: ROUNDS (3), SECONDS_PER_RUN (8), CONNECTIONS (64), THREADS (2),
#              SERVE_THREADS (2), NGINX_WORKERS (2), FILES (200), ACCESS_LOG (on),
#              LEDGER_SYNC (process, the default: survives kill -9 of the gateway;
#                           full: fsync per group commit, survives power loss),
#              MODES ("anonymous keyed signed signed-nonce")
set -eu
build=${1:-build}
ccsig=$(cd "$(dirname "$build/programs/ccsig")" && pwd)/ccsig
rounds=${ROUNDS:-3}
secs=${SECONDS_PER_RUN:-8}
conns=${CONNECTIONS:-64}
wthreads=${THREADS:-2}
sthreads=${SERVE_THREADS:-2}
workers=${NGINX_WORKERS:-2}
files=${FILES:-200}
sync=${LEDGER_SYNC:-process}
alog=${ACCESS_LOG:-on}
modes=${MODES:-anonymous keyed signed signed-nonce}
agent_py="$(cd "$(dirname "$0")/.." && pwd)/tests/serve/wba_agent.py"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
for t in wrk "$nginx" curl; do
    command -v "$t" >/dev/null 2>&1 || { echo "bench/serve.sh: $t not found (scripts/bootstrap installs it)" >&2; exit 2; }
done

dir=$(mktemp -d /tmp/ccsig-bench-serve.XXXXXX)
spid=""
npid=""
dpid=""
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null || true
    [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null || true
    [ -n "$npid" ] && kill "$npid" 2>/dev/null && wait "$npid" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# The collection: FILES HTML pages of about 1.6 KiB.
mkdir -p "$dir/coll/docs"
i=0
while [ $i -lt "$files" ]; do
    n=$(printf %03d $i)
    {
        echo "<!doctype html><html><head><title>Document $n</title></head><body><h1>Document $n</h1>"
        j=1
        while [ $j -le 12 ]; do
            echo "<p>Paragraph $j of document $n: the analytical engine weaves algebraic patterns just as the loom weaves flowers and leaves.</p>"
            j=$((j + 1))
        done
        echo "</body></html>"
    } >"$dir/coll/docs/doc$n.html"
    i=$((i + 1))
done
chmod -R a+rX "$dir"

# Tiers are enforced (every request passes its limiter), with limits the
# load cannot reach: what is measured is the cost of enforcing them.
cat >"$dir/policy.yaml" <<EOF
collection:
  name: Bench Library
  license: CC-BY-4.0
preferences:
  - path: /
    train-ai: cr
    search: allow
access:
  browsers: {rate: 1000000, burst: 1000000}
  automated: {rate: 1000000, burst: 1000000}
  bulk: {rate: 1000000, burst: 1000000, quota: 0}
server:
  threads: $sthreads
  max-connections-per-ip: 4096
  ledger-sync: $sync
  wba-allow-addresses: [127.0.0.1/32]
  wba-allow-http: true
EOF
cat >"$dir/paths.lua" <<EOF
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", string.format("/docs/doc%03d.html", n % $files))
end
EOF

set --
[ "$alog" = on ] && set -- --access-log "$dir/serve-access.log"
"$ccsig" serve --collection "$dir/coll" --policy "$dir/policy.yaml" --db "sqlite:$dir/ledger.db" \
    --listen 127.0.0.1:0 --public-url https://bench.example "$@" >"$dir/serve.out" 2>"$dir/serve.err" &
spid=$!
k=0
until grep -q '^listening on' "$dir/serve.out" 2>/dev/null; do
    k=$((k + 1))
    [ $k -gt 300 ] && { cat "$dir/serve.err" >&2; exit 3; }
    sleep 0.1
done
surl=$(sed -n 's#^listening on \(http://[^/]*\)/$#\1#p' "$dir/serve.out")
# The signature agent's key directory, on 127.0.0.1.
python3 "$agent_py" keygen "$dir/agent.key"
python3 "$agent_py" directory "$dir/agent.port" "$dir/agent.key" 2>"$dir/agent.log" &
dpid=$!
k=0
until [ -s "$dir/agent.port" ]; do
    k=$((k + 1))
    [ $k -gt 100 ] && { cat "$dir/agent.log" >&2; exit 3; }
    sleep 0.1
done
agent="http://127.0.0.1:$(cat "$dir/agent.port")"
authority=${surl#http://}
key=$(curl -s -H 'Accept: application/json' \
    -d 'kind=bulk&name=Bench&contact=bench%40example.org&use=train-ai&commit-credit=yes&credit=Cite+the+Bench+Library&accept=yes' \
    --data-urlencode "signature-agent=$agent" "$surl/register" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$key" ] || { echo "bench/serve.sh: registration failed" >&2; exit 3; }

# nginx: the same files, the same Content-Usage and nosniff headers (it adds
# ETag, Last-Modified and Accept-Ranges itself), sendfile, no access log.
nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18080)
# One add_header per Content-Usage field line the gateway sends.
cu=$(curl -s -D - -o /dev/null "$surl/docs/doc000.html" | sed -n 's/^Content-Usage: \(.*\)\r$/\1/p')
add_cu=$(printf '%s\n' "$cu" | sed 's/.*/    add_header Content-Usage "&" always;/')
# The gateway's Link fields for one page (the RSL licence's and the credit's);
# nginx sends the same with its own $uri in place of the page's path (the
# same shape and length).
link=$(curl -s -D - -o /dev/null "$surl/docs/doc000.html" | sed -n 's/^Link: \(.*\)\r$/\1/p')
case $link in *'rel="cite-as"; title="Document 000"'*'rel="license"'*) ;; *)
    echo "bench/serve.sh: the gateway sent no credit Link field: '$link'" >&2; exit 3 ;; esac
# one add_header per Link field line (the RSL licence's and the credit's)
add_link=$(printf '%s\n' "$link" | sed 's#https://bench.example/docs/doc000.html#https://bench.example$uri#; s/"/\\"/g; s/.*/    add_header Link "&" always;/')
if [ "$alog" = on ]; then
    access_line="access_log $dir/nginx/access.log combined;"
else
    access_line="access_log off;"
fi
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
mkdir -p "$dir/nginx"
cat >"$dir/nginx/nginx.conf" <<EOF
worker_processes $workers;
$user_line
daemon off;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 4096; }
http {
  $access_line
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { text/html html; }
  default_type application/octet-stream;
  charset utf-8;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  server {
    listen 127.0.0.1:$nport;
    root $dir/coll;
$add_cu
    add_header X-Content-Type-Options nosniff always;
$add_link
  }
}
EOF
"$nginx" -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf" 2>"$dir/nginx/stderr" &
npid=$!
k=0
until curl -s -o /dev/null "http://127.0.0.1:$nport/docs/doc000.html"; do
    k=$((k + 1))
    [ $k -gt 100 ] && { cat "$dir/nginx/stderr" "$dir/nginx/error.log" >&2; exit 3; }
    sleep 0.1
done
ncu=$(curl -s -D - -o /dev/null "http://127.0.0.1:$nport/docs/doc000.html" | sed -n 's/^Content-Usage: \(.*\)\r$/\1/p')
[ "$cu" = "$ncu" ] || { echo "bench/serve.sh: Content-Usage differs: '$cu' vs '$ncu'" >&2; exit 3; }
nl=$(curl -s -D - -o /dev/null "http://127.0.0.1:$nport/docs/doc000.html" | sed -n 's/^Link: \(.*\)\r$/\1/p')
[ "$link" = "$nl" ] || { echo "bench/serve.sh: Link differs: '$link' vs '$nl'" >&2; exit 3; }

# A signed request without a nonce, for every request of the signed runs.
python3 "$agent_py" sign "$dir/agent.key" "$authority" "$agent" --no-nonce >"$dir/signed.args"
# signed-nonce: every request takes the next line of its wrk thread's pool.
cat >"$dir/nonce.lua" <<EOF
local n, pool, i = 0, {}, 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  for line in io.lines("$dir/pool." .. id) do pool[#pool + 1] = line end
end
request = function()
  n = n + 1
  i = i % #pool + 1
  local input, sig = pool[i]:match("([^\t]*)\t(.*)")
  return wrk.format("GET", string.format("/docs/doc%03d.html", n % $files),
    {["Signature-Agent"] = 'agent1="$agent"', ["Signature-Input"] = input, ["Signature"] = sig})
end
EOF
# pool N: N signatures with nonces, split over the wrk threads.
pool() {
    t=1
    while [ $t -le "$wthreads" ]; do
        python3 "$agent_py" pool "$dir/agent.key" "$authority" "$agent" $(($1 / wthreads + 1)) "$dir/pool.$t"
        t=$((t + 1))
    done
}
# The first signed request fetches the key directory: before the runs.
set --
while IFS= read -r a; do set -- "$@" "$a"; done <"$dir/signed.args"
code=$(curl -s -o /dev/null -w '%{http_code}' "$@" "$surl/docs/doc000.html")
[ "$code" = 200 ] || { echo "bench/serve.sh: a signed request got $code" >&2; cat "$dir/serve.err" >&2; exit 3; }

# CPU time (clock ticks) of a set of processes, threads included.
ticks() {
    t=0
    for p in "$@"; do
        set -- $(cut -d' ' -f14,15 "/proc/$p/stat" 2>/dev/null || echo 0 0)
        t=$((t + $1 + $2))
    done
    echo $t
}
hz=$(getconf CLK_TCK)

# One wrk run against a server whose processes are $pids: prints
# "requests/s p99-ms cpu-us-per-request requests". CPU per request does not
# depend on what else the machine runs; requests/s does.
run() {
    before=$(ticks $pids)
    out=$(wrk -t"$wthreads" -c"$conns" -d"${secs}s" --latency -s "$script" "$@" 2>&1)
    after=$(ticks $pids)
    echo "$out" | awk -v cpu=$((after - before)) -v hz="$hz" '
        /requests in/ {n=$1} /Requests\/sec/ {r=$2}
        /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; p=v}
        /Non-2xx/ {bad=$4}
        END {if (bad) print "ERROR non-2xx", bad; else printf "%.0f %.2f %.1f %d\n", r, p, cpu * 1e6 / hz / n, n}'
}

echo "ccsig serve $surl (threads $sthreads, ledger-sync $sync, access log $alog, credit Link field) vs nginx $("$nginx" -v 2>&1 | sed 's/.*nginx\///') 127.0.0.1:$nport ($workers workers)"
echo "wrk -t$wthreads -c$conns -d${secs}s --latency, $files files of $(wc -c <"$dir/coll/docs/doc000.html") bytes, $rounds rounds"
: >"$dir/results"
nworkers=$(pgrep -P "$npid" | tr '\n' ' ')
r=1
while [ "$r" -le "$rounds" ]; do
    for mode in $modes; do
        script=$dir/paths.lua
        set --
        case $mode in
        keyed) set -- -H "Authorization: Bearer $key" ;;
        signed) while IFS= read -r a; do set -- "$@" "$a"; done <"$dir/signed.args" ;;
        signed-nonce)
            # Enough signatures for the run: the last run's requests and a half.
            last=$(awk 'END {print $5 + 0}' "$dir/results")
            pool $((last * 3 / 2 + 20000))
            script=$dir/nonce.lua
            ;;
        esac
        pids=$spid
        c=$(run "$@" "$surl")
        pids="$npid $nworkers"
        n=$(run "$@" "http://127.0.0.1:$nport")
        echo "round $r $mode: ccsig $c | nginx $n  (req/s, p99 ms, CPU us/request, requests)"
        echo "$mode $c $n" >>"$dir/results"
    done
    r=$((r + 1))
done
if grep -q ERROR "$dir/results"; then
    echo "bench/serve.sh: some runs had non-2xx responses" >&2
    exit 1
fi

kill "$spid"
wait "$spid" 2>/dev/null || true
spid=""
records=$("$ccsig" serve --db "sqlite:$dir/ledger.db" --export-ledger | tail -n +2 | wc -l)
grep 'ledger:' "$dir/serve.err" | sed 's/^ccsig serve: /  /'
# wrk counts the responses it completed; the ledger also has the requests
# still in flight when each run stopped (at most CONNECTIONS a run).
keyed=$(awk '$1 != "anonymous" {n += $5} END {print n + 0}' "$dir/results")
echo "  ledger rows after the run: $records; keyed and signed responses wrk completed: $keyed"
if [ "$alog" = on ]; then
    echo "  access log lines: ccsig $(wc -l <"$dir/serve-access.log"), nginx $(wc -l <"$dir/nginx/access.log")"
fi
lacking=0
if [ "$records" -lt "$keyed" ]; then
    echo "  THE LEDGER LACKS $((keyed - records)) KEYED REQUESTS"
    lacking=1
fi

echo
echo "Medians over $rounds rounds; throughput ratio = median of each round's ccsig/nginx; CPU ratio = nginx CPU per request / ccsig CPU per request."
echo
echo "| load | ccsig req/s | ccsig p99 | ccsig CPU/req | nginx req/s | nginx p99 | nginx CPU/req | throughput ccsig/nginx | CPU efficiency ccsig/nginx |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for mode in $modes; do
    grep "^$mode " "$dir/results" | awk -v m="$mode" '
        { cr[NR]=$2; cp[NR]=$3; cc[NR]=$4; nr[NR]=$6; np[NR]=$7; nc[NR]=$8; ratio[NR]=$2/$6; eff[NR]=$8/$4 }
        function median(a, n,   i, j, t) {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t=a[i]; a[i]=a[j]; a[j]=t }
            return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
        }
        END {
            n = NR
            printf "| %s (c=%s) | %.0f | %.2f ms | %.1f us | %.0f | %.2f ms | %.1f us | %.0f %% | %.0f %% |\n", m, '"$conns"', median(cr, n), median(cp, n), median(cc, n), median(nr, n), median(np, n), median(nc, n), 100 * median(ratio, n), 100 * median(eff, n)
        }'
done
if [ "$lacking" = 1 ]; then
    echo "bench/serve.sh: the ledger lacks keyed requests" >&2
    exit 1
fi
