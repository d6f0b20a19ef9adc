#!/usr/bin/python3
"""python_scan.py -- `for rec in ccsig.scan(...)` (the Python binding,
python/) against `ccsig scan --annotate FILE` on the sample crawl, same
threads, same profile, alternating runs.

    bench/python_scan.py [BUILD-DIR] [PREFIX]

BUILD-DIR (default build: a Release build, `make build`) holds the ccsig
command and the sample crawl (BUILD/sample); PREFIX (default
BUILD/python-bench-prefix) is where the build is installed for the binding
(cmake --install). The input is the sample crawl given REPEAT times
(PYSCAN_REPEAT, default 20: ~140 MB, 8000 records) so that a run takes
long enough to time; PYSCAN_ROUNDS (default 5) alternating rounds;
PYSCAN_THREADS (default: every core). Both sides scan with
--use train-ai --commit credit and the sample's robots.txt captures; the
command writes its annotation lines to a file, the binding makes each line
a dict equal to its json.loads (python/ccsig/_records.py), reads its
decision and counts them. Wall and CPU (user+system, of the
whole process) times are measured with os.wait4; medians are printed. The
package is copied into PYSCAN_DIR and byte-compiled there first, as an
installed one is.
"""

import os
import shutil
import statistics
import subprocess
import sys
import time

build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
prefix = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(build, "python-bench-prefix"))
repeat = int(os.environ.get("PYSCAN_REPEAT", "20"))
rounds = int(os.environ.get("PYSCAN_ROUNDS", "5"))
threads = int(os.environ.get("PYSCAN_THREADS", str(os.cpu_count() or 1)))
here = os.path.dirname(os.path.abspath(__file__))
src = os.path.dirname(here)
ccsig = os.path.join(build, "programs", "ccsig")
sample = os.path.join(build, "sample")
crawl = os.path.join(sample, "crawl.warc.gz")
robots = os.path.join(sample, "robots.warc.gz")
work = os.environ.get("PYSCAN_DIR", "/tmp/ccsig-bench-pyscan")
os.makedirs(work, exist_ok=True)

subprocess.run(["cmake", "--install", build, "--prefix", prefix], check=True, stdout=subprocess.DEVNULL)
archives = [crawl] * repeat
profile = ["--use", "train-ai", "--commit", "credit", "--robots", robots, "--threads", str(threads)]
cli = [ccsig, "scan", "--quiet", *profile, "--annotate", os.path.join(work, "a.jsonl"), *archives]
py = [
    "/usr/bin/python3",
    "-c",
    "import ccsig, sys\n"
    "n = used = 0\n"
    f"for rec in ccsig.scan({archives!r}, use='train-ai', commit='credit', robots={robots!r}, threads={threads}):\n"
    "    n += 1\n"
    "    used += rec['decision']['result'] != 'not-permitted'\n"
    "print(n)\n",
]
# An installed package (pip, python3-ccsig) carries its byte code beside
# its sources; the source tree does not, and PYTHONDONTWRITEBYTECODE may
# forbid caching it, which would charge every run ~20 ms of compiling. So
# the package is copied into the bench's directory and byte-compiled there,
# as an installation is. (PYTHONPYCACHEPREFIX would not do: it moves the
# cache of the standard library too, which then compiles on every run.)
site = os.path.join(work, "site")
shutil.rmtree(site, ignore_errors=True)
shutil.copytree(os.path.join(src, "python", "ccsig"), os.path.join(site, "ccsig"))
subprocess.run(["/usr/bin/python3", "-m", "compileall", "-q", os.path.join(site, "ccsig")], check=True)
env = dict(os.environ, CCSIG_LIBRARY=os.path.join(prefix, "lib"), PYTHONPATH=site)
env.pop("PYTHONPYCACHEPREFIX", None)


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} exited {p.returncode}")
    return wall, ru.ru_utime + ru.ru_stime, out


with open(crawl, "rb") as f:
    while f.read(1 << 20):
        pass
timed(cli)  # warm up
res = {"ccsig scan --annotate": [], "python ccsig.scan": []}
n_py = n_cli = 0
for r in range(rounds):
    for name, cmd in (("ccsig scan --annotate", cli), ("python ccsig.scan", py)):
        wall, cpu, out = timed(cmd)
        res[name].append((wall, cpu))
        if cmd is py:
            n_py = int(out)
        else:
            with open(os.path.join(work, "a.jsonl"), "rb") as f:
                n_cli = sum(1 for _ in f)
if n_py != n_cli:
    sys.exit(f"record counts differ: python {n_py}, ccsig {n_cli}")
mb = os.path.getsize(crawl) * repeat / 1e6
print(f"input: sample crawl x{repeat} ({mb:.0f} MB, {n_cli} records), {threads} threads, {rounds} rounds (median)")
base = None
for name, v in res.items():
    wall = statistics.median(x[0] for x in v)
    cpu = statistics.median(x[1] for x in v)
    if base is None:
        base = (wall, cpu)
        rel = ""
    else:
        rel = f"  ({100 * (wall / base[0] - 1):+.1f}% wall, {100 * (cpu / base[1] - 1):+.1f}% cpu)"
    print(f"{name:24s} wall {wall:6.2f} s  cpu {cpu:6.2f} s  {n_cli / wall:8.0f} rec/s{rel}")
