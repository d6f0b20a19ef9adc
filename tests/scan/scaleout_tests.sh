#!/bin/sh
# The README's scale-out recipes, run for real on a generated crawl and
# compared with one single-process scan, byte for byte:
#   parallel  scripts/parallel-scan.sh (GNU parallel on this machine)
#   slurm     scripts/slurm-scan.sbatch as a job array on a one-node Slurm
#             cluster this test starts on 127.0.0.1 (its own munge key and
#             socket, slurm.conf, state and spool in a temporary directory)
#             and stops, whatever happens
# Both: the README shows the script verbatim (checked here), the shards are
# merged with ccsig merge (summary, credit manifest, annotation, keep file:
# each equal to one run's, byte for byte, the annotation decompressed), and
# revisits whose original is in another shard's archive are resolved as one
# run resolves them: some with another decision than their shard alone
# gave (their lines written again, their kept records dropped or kept).
#
# usage: scaleout_tests.sh MODE CCSIG GEN_CRAWL SOURCE_DIR
set -eu
mode=$1 ccsig=$2 gen=$3 src=$4
tmp=$(mktemp -d /tmp/ccsig-scaleout.XXXXXX)
pids=""
cleanup() {
    for p in $pids; do # only the daemons this test started, by pid
        kill "$p" 2> /dev/null || true
    done
    wait 2> /dev/null || true # reap the daemons started in the background
    for p in $pids; do
        i=0
        while kill -0 "$p" 2> /dev/null && [ $i -lt 50 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        kill -9 "$p" 2> /dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
[ -z "${KEEP_TMP:-}" ] || trap - EXIT
trap 'exit 1' INT TERM HUP
fail() {
    echo "FAIL: $*" >&2
    for f in "$tmp"/*.log "$tmp"/out/job-*.txt; do
        [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }
    done
    exit 1
}

# The script must be what the README shows, byte for byte, in a ```sh block.
readme_has() { # script
    awk -v f="$1" 'BEGIN { while ((getline l < f) > 0) want = want l "\n" }
        /^```sh$/ { inb = 1; got = ""; next }
        /^```$/ && inb { inb = 0; if (got == want) found = 1; next }
        inb { got = got $0 "\n" }
        END { exit !found }' "$src/README.md"
}

# A crawl: five archives, the second cut from one archive whose other part
# is the first (so its revisits' originals are in archive 0), a robots.txt
# directory and a gzip path list with relative paths.
mkdir -p "$tmp/crawl/robotstxt" "$tmp/out"
cd "$tmp/crawl"
"$gen" --sites 20 -o whole.warc.gz --pages 240 --seed 3 --revisits 25 \
    --robots robotstxt/robots.warc.gz
"$ccsig" scan --quiet --annotate whole.jsonl whole.warc.gz > /dev/null
off=$(sed -n 120p whole.jsonl | sed 's/.*"offset":\([0-9]*\),"revisit".*/\1/')
mkdir -p seg
head -c "$off" whole.warc.gz > seg/a.warc.gz
tail -c +$((off + 1)) whole.warc.gz > seg/b.warc.gz
rm whole.warc.gz whole.jsonl
for s in 4 5 6; do
    "$gen" --sites 20 -o "seg/c$s.warc.gz" --pages 80 --seed "$s"
done
printf 'seg/a.warc.gz\nseg/b.warc.gz\nseg/c4.warc.gz\nseg/c5.warc.gz\nseg/c6.warc.gz\n' |
    gzip -c > warc.paths.gz
# the single-process answer, with the outputs the scripts' shards write
"$ccsig" scan --prefix "$tmp/crawl" --robots "$tmp/crawl/robotstxt" --use train-ai \
    --commit credit --quiet --annotate "$tmp/one.jsonl.zst" --keep "$tmp/one.kept.warc.gz" \
    --credit "$tmp/one.credit.json" --summary --json \
    @"$tmp/crawl/warc.paths.gz" > "$tmp/one.summary.json" || rc=$?
# exit 1: some records are not permitted for the use (ccsig(1)), an answer
[ "${rc:-0}" -le 1 ] || fail "single scan: exit $rc"
bindir=$(cd "$(dirname "$ccsig")" && pwd)
export PATH="$bindir:$PATH"

compare() { # outdir (summary.json credit.json annotated.jsonl.zst kept.warc.gz)
    cmp "$1/summary.json" "$tmp/one.summary.json" || fail "$mode: merged summary differs from one run"
    cmp "$1/credit.json" "$tmp/one.credit.json" || fail "$mode: merged credit differs from one run"
    zstd -qdc "$1/annotated.jsonl.zst" > "$tmp/merged.jsonl"
    zstd -qdc "$tmp/one.jsonl.zst" > "$tmp/one.jsonl"
    cmp "$tmp/merged.jsonl" "$tmp/one.jsonl" || fail "$mode: merged annotation differs from one run"
    cmp "$1/kept.warc.gz" "$tmp/one.kept.warc.gz" || fail "$mode: merged keep file differs from one run"
    tr -d ' \n' < "$1/summary.json" | grep -q '"revisits":{"resolved":[1-9]' || fail "$mode: no revisit resolved"
    tr -d ' \n' < "$1/summary.json" | grep -q '"kept":{"records":[1-9]' || fail "$mode: nothing kept"
    # Not vacuous: revisits whose merged decision differs from the one their
    # shard alone gave, and kept records of shards that one run does not keep.
    for t in 0 1 2; do
        zstd -qdc "$1/annotated-$t.jsonl.zst"
    done > "$tmp/shards.jsonl"
    changed=$(python3 -c '
import json, sys
def dec(path):
    d = {}
    for l in open(path):
        r = json.loads(l)
        if r["type"] == "revisit":
            d[(r["archive"], r["offset"])] = r["decision"]["result"]
    return d
a, b = dec(sys.argv[1]), dec(sys.argv[2])
assert a.keys() == b.keys()
print(sum(a[k] != b[k] for k in a))' "$tmp/shards.jsonl" "$tmp/merged.jsonl")
    [ "$changed" -gt 0 ] || fail "$mode: no revisit decided otherwise than by its shard alone"
    shards=$(cat "$1"/kept-*.warc.gz | wc -c)
    [ "$shards" -gt "$(wc -c < "$1/kept.warc.gz")" ] ||
        fail "$mode: the merge dropped no record a shard kept for an open revisit"
    echo "$mode: $changed revisits decided otherwise than by their shard; kept $shards bytes in shards, $(wc -c < "$1/kept.warc.gz") merged"
}

case $mode in
parallel)
    readme_has "$src/scripts/parallel-scan.sh" ||
        fail "README does not show scripts/parallel-scan.sh verbatim"
    CRAWL=$tmp/crawl timeout 600 sh "$src/scripts/parallel-scan.sh" "$tmp/crawl/warc.paths.gz" \
        "$tmp/out" 3 2 || fail "parallel-scan.sh: exit $?"
    compare "$tmp/out"
    ;;
slurm)
    readme_has "$src/scripts/slurm-scan.sbatch" ||
        fail "README does not show scripts/slurm-scan.sbatch verbatim"
    for b in munged slurmctld slurmd sbatch sinfo; do
        command -v "$b" > /dev/null || [ -x "/usr/sbin/$b" ] ||
            fail "$b not installed (scripts/bootstrap installs slurmctld, slurmd, munge, slurm-client)"
    done
    export PATH="$PATH:/usr/sbin"
    port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
    p1=$(port) p2=$(port)
    while [ "$p2" = "$p1" ]; do p2=$(port); done
    mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool"
    chmod 700 "$tmp/munge"
    head -c 1024 /dev/urandom > "$tmp/munge/munge.key"
    chmod 400 "$tmp/munge/munge.key"
    munged --force --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/munge.sock" \
        --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munged.log" \
        --seed-file="$tmp/munge/munge.seed" || fail "munged did not start"
    pids="$pids $(cat "$tmp/munge/munged.pid")"
    user=$(id -un)
    cat > "$tmp/slurm.conf" <<CONF
ClusterName=ccsigtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$p1
SlurmdPort=$p2
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmdTimeout=60
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 RealMemory=512 State=UNKNOWN
PartitionName=ccsig Nodes=localhost Default=YES MaxTime=30 State=UP
CONF
    export SLURM_CONF="$tmp/slurm.conf"
    slurmctld -D -i -f "$SLURM_CONF" > "$tmp/slurmctld.out.log" 2>&1 &
    pids="$pids $!"
    slurmd -D -N localhost -f "$SLURM_CONF" > "$tmp/slurmd.out.log" 2>&1 &
    pids="$pids $!"
    i=0
    until sinfo -h -N -o '%T' 2> /dev/null | grep -q idle; do
        i=$((i + 1))
        [ $i -lt 120 ] || fail "the Slurm node did not come up in 60 s"
        sleep 0.5
    done
    CRAWL=$tmp/crawl PATHS=$tmp/crawl/warc.paths.gz ROBOTS=$tmp/crawl/robotstxt OUT=$tmp/out \
        timeout 600 sbatch --wait --array=0-2 --cpus-per-task=1 --mem=100M \
        --output="$tmp/out/job-%a.txt" "$src/scripts/slurm-scan.sbatch" > "$tmp/sbatch.log" 2>&1 ||
        fail "sbatch --wait: exit $?"
    for t in 0 1 2; do
        [ -s "$tmp/out/summary-$t.json" ] || fail "task $t wrote no summary"
        [ -s "$tmp/out/kept-$t.warc.gz" ] || fail "task $t kept nothing"
    done
    # the README's merge commands
    out=$tmp/out
    ccsig merge --json --annotate "$out/annotated.jsonl.zst" --keep "$out/kept.warc.gz" \
        "$out"/summary-*.json "$out"/annotated-*.jsonl.zst "$out"/kept-*.warc.gz \
        > "$out/summary.json" || fail "merge: exit $?"
    ccsig merge --credit "$out/credit.json" "$out"/credit-*.json || fail "merge credit: exit $?"
    compare "$out"
    ;;
*)
    fail "unknown mode $mode"
    ;;
esac
echo "$mode: 3 shards merged = one run"
