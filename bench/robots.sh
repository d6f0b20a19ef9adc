#!/bin/sh
# robots.txt throughput, ccsig and Python's protego (Debian python3-protego)
# on identical inputs in the same run, with ratios:
#   (a) parse-and-match over the real corpus (../shared/corpus/robots-real):
#       every file parsed and checked against a list of 1 and of 10 URLs
#   (b) many URL checks against the largest robots.txt of the corpus
# Set GOOGLE_ROBOTS_BENCH to a driver built outside this repository around
# google/robotstxt (same arguments as bench_robots; see BENCHMARKS.md) to add
# Google's parser to every row. ROUNDS scales the work (default 3). REPEAT
# (default 5) alternates ccsig and Google that many times per row of (a) and
# keeps each one's best run, which steadies the ratio on a busy machine;
# protego, a hundred times slower, runs once, and so does (b).
set -eu
build=${1:-${CCSIG_BUILD:-build}}
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$root/../shared/corpus/robots-real"
py=/usr/bin/python3
rounds=${ROUNDS:-3}
repeat=${REPEAT:-5}
agent=ExampleBot
tmp=$(mktemp -d /tmp/ccsig-robots-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

ls "$corpus"/*.txt >"$tmp/files.txt"
big=$(ls -S "$corpus"/*.txt | head -1)

# URL lists (deterministic): a few typical paths, and for (b) paths built
# from the big file's own rules (so many of them match) plus unrelated ones.
"$py" - "$big" "$tmp" <<'PY'
import random, sys
big, tmp = sys.argv[1], sys.argv[2]
base = "https://www.example.com"
typical = ["/", "/index.html", "/search?q=robots", "/wp-admin/admin-ajax.php", "/images/a.gif",
           "/blog/2024/05/post-title/", "/api/v1/items?id=42", "/private/file.pdf",
           "/static/js/app.min.js", "/en/about-us"]
open(tmp + "/urls1.txt", "w").write(base + "/blog/2024/05/post-title/\n")
open(tmp + "/urls10.txt", "w").write("".join(base + u + "\n" for u in typical))
rnd = random.Random(9309)
pats = []
for line in open(big, encoding="utf-8", errors="replace"):
    line = line.split("#", 1)[0].strip()
    k, _, v = line.partition(":")
    if k.strip().lower() in ("allow", "disallow") and v.strip().startswith("/"):
        pats.append(v.strip().replace("*", "x").rstrip("$"))
words = ["a", "news", "item", "page", "2024", "data", "img", "x", "doc", "list"]
out = []
for i in range(20000):
    if pats and i % 2 == 0:
        p = rnd.choice(pats) + rnd.choice(["", "/", rnd.choice(words), "?p=%d" % i])
    else:
        p = "/" + "/".join(rnd.choice(words) for _ in range(rnd.randint(1, 5)))
        if i % 3 == 0:
            p += "?q=%d" % i
    out.append(base + p)
open(tmp + "/urls-big.txt", "w").write("\n".join(out) + "\n")
PY

cat >"$tmp/protego_bench.py" <<'PY'
import sys, time
from protego import Protego
mode, target, urllist = sys.argv[1], sys.argv[2], sys.argv[3]
agent, rounds = sys.argv[4], int(sys.argv[5])
urls = [l.rstrip("\r\n") for l in open(urllist, encoding="utf-8") if l.strip()]
def read(p):
    return open(p, encoding="utf-8", errors="replace").read()
allowed = 0
if mode == "parse":
    files = [l.strip() for l in open(target) if l.strip()]
    texts = [read(f) for f in files]
    nbytes = sum(len(open(f, "rb").read()) for f in files)
    t0 = time.perf_counter()
    for _ in range(rounds):
        for t in texts:
            rp = Protego.parse(t)
            for u in urls:
                allowed += rp.can_fetch(u, agent)
    s = time.perf_counter() - t0
    n = len(files) * rounds
    print("tool=protego mode=parse files=%d urls=%d rounds=%d seconds=%.4f files_per_s=%.0f "
          "MB_per_s=%.2f checks_per_s=%.0f allowed=%d" % (len(files), len(urls), rounds, s, n / s,
          nbytes * rounds / s / 1e6, n * len(urls) / s, allowed // rounds))
else:
    text = read(target)
    t0 = time.perf_counter()
    rp = Protego.parse(text)
    tc = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(rounds):
        for u in urls:
            allowed += rp.can_fetch(u, agent)
    s = time.perf_counter() - t0
    n = len(urls) * rounds
    print("tool=protego mode=match urls=%d rounds=%d compile_seconds=%.6f seconds=%.4f "
          "checks_per_s=%.0f ns_per_check=%.0f allowed=%d" % (len(urls), rounds, tc, s, n / s,
          s / n * 1e9, allowed // rounds))
PY

field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# best "$best" "$candidate" metric: the output line with the higher metric
best() {
    if [ -z "$1" ] || awk "BEGIN{exit !($(field "$2" "$3") > $(field "$1" "$3"))}"; then
        printf '%s\n' "$2"
    else
        printf '%s\n' "$1"
    fi
}

run() { # name mode target urllist rounds metric [repeat]
    name=$1 mode=$2 target=$3 urls=$4 r=$5 metric=$6 reps=${7:-$repeat}
    c="" g=""
    i=0
    while [ "$i" -lt "$reps" ]; do
        c=$(best "$c" "$("$build"/bench/bench_robots "$mode" "$target" "$urls" "$agent" "$r")" "$metric")
        if [ -n "${GOOGLE_ROBOTS_BENCH:-}" ]; then
            g=$(best "$g" "$("$GOOGLE_ROBOTS_BENCH" "$mode" "$target" "$urls" "$agent" "$r")" "$metric")
        fi
        i=$((i + 1))
    done
    p=$("$py" "$tmp/protego_bench.py" "$mode" "$target" "$urls" "$agent" "$r")
    echo "$c"
    echo "$p"
    cv=$(field "$c" "$metric")
    pv=$(field "$p" "$metric")
    line="$name: ccsig/protego $metric = $(awk "BEGIN{printf \"%.1f\", $cv/$pv}")x"
    if [ -n "$g" ]; then
        echo "$g"
        gv=$(field "$g" "$metric")
        line="$line, ccsig/google = $(awk "BEGIN{printf \"%.1f\", $cv/$gv}")x"
    fi
    echo "=> $line (best of $reps alternating runs of ccsig and Google)"
}

echo "machine: $(nproc) cores; corpus: $(wc -l <"$tmp/files.txt") files, $(cat "$corpus"/*.txt | wc -c) bytes; big file: $(basename "$big") ($(wc -c <"$big") bytes); agent $agent"
run "(a) parse + 1 URL per file" parse "$tmp/files.txt" "$tmp/urls1.txt" "$((rounds * 10))" files_per_s
run "(a) parse + 10 URLs per file" parse "$tmp/files.txt" "$tmp/urls10.txt" "$((rounds * 5))" files_per_s
# Google needs a minute per run here: once is enough for a ratio near 100.
run "(b) 20000 URLs against the big file" match "$big" "$tmp/urls-big.txt" "$rounds" checks_per_s 1
