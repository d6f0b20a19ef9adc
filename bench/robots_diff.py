#!/usr/bin/env python3
"""robots_diff.py — differential test of ccsig's robots.txt crawl answers
against Google's parser (github google/robotstxt).

usage: robots_diff.py --ccsig BUILD/bench/robots_answers --google GOOGLE_ANSWERS
                      [--corpus DIR] [--generated N] [--seed S] [--show K]

GOOGLE_ANSWERS is bench/google_answers.cc built outside this repository
around Google's robots.cc (BENCHMARKS.md, "robots.txt: agreement with
Google's parser", has the commands); without it there is nothing to compare
and the script exits 2. No network is used.

Cases: every robots.txt of the real corpus (../shared/corpus/robots-real)
and N generated files (deterministic for a seed; they mix Crawl-delay,
Sitemap, Content-Usage, Content-Signal and unknown lines between User-agent
lines, wildcards, '$', percent-encoding, key typos, missing colons), each
asked for the agents it names plus a few probes, at URLs made from its own
rules plus a fixed list. Both programs answer "may AGENT crawl URL?"; every
disagreement is put in the class of the deliberate difference that explains
it (README "How ccsig reads robots.txt"), or "unexplained". Exit status 1
when any disagreement is unexplained.
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile

HOST = "https://example.com"
PROBES = ["ExampleBot", "Googlebot", "GPTBot", "CCBot", "bingbot", "msnbot", "Google-Extended",
          "AI2Bot", "ia_archiver"]
FIXED = ["/", "/robots.txt", "/index.html", "/dir/", "/dir/index.html", "/search?q=1",
         "/%7Euser/", "/~user/", "/a%2Fb", "/a/b", "/p%20q", "/p q", "/file.php?x=1&y=2",
         "/wp-admin/", "/wp-admin/admin-ajax.php", "/private", "/private/x", "/img/a.gif",
         "/a*b", "/a$", "/caf%C3%A9", "/café", "/x%3cy", "/x<y"]
URI_EXCLUDED = set('"<>\\^`{|}')
DIGITS = "product tokens keep digits"


def tokens_named(text):
    """ASCII product tokens of the User-agent lines."""
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        m = re.match(r"\s*user[- ]?agent\s*:?\s*(\S+)", line, re.I)
        if m:
            tok = re.match(r"[A-Za-z0-9_-]+", m.group(1))
            if tok and tok.group(0) not in out:
                out.append(tok.group(0))
    return out


def paths_of_rules(text):
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.match(r"(?i)(dis)?allow\s*:\s*(\S+)", line)
        if not m:
            continue
        p = m.group(2)
        if not p.startswith("/") and not p.startswith("*"):
            continue
        base = p.replace("*", "x").rstrip("$")
        if not base.startswith("/"):
            base = "/" + base
        for v in (base, base + "x", base.rstrip("/"), p.replace("*", "").rstrip("$")):
            if v and v.startswith("/") and v not in out:
                out.append(v)
    return out


def generated(rnd, i):
    """One generated robots.txt."""
    agents = ["ExampleBot", "GPTBot", "msnbot", "Googlebot", "CCBot", "*", "bingbot", "AI2Bot"]
    others = ["Crawl-delay: 5", "Sitemap: https://example.com/s.xml", "Host: example.com",
              "Content-Usage: train-ai=n", "Content-Signal: ai-train=no", "Request-rate: 1/5",
              "Clean-param: ref /x", "X-Unknown: y"]
    pats = ["/", "", "/private", "/private/", "/*.gif$", "/dir/", "/dir/index.html", "/a%2Fb",
            "/%7Euser", "/~user", "/p q", "/search?", "/*?", "/wp-admin/", "/x<y", "/caf%C3%A9",
            "/café", "/a*b$", "/file.php", "*.php", "/img/*", "/$"]
    keys = {"allow": ["Allow", "allow", "ALLOW"],
            "disallow": ["Disallow", "disallow", "Disalow", "dissallow"],
            "ua": ["User-agent", "user-agent", "User-Agent", "useragent", "User agent"]}
    lines = []
    if rnd.random() < 0.3:
        lines.append(rnd.choice(others))
    for _ in range(rnd.randint(1, 5)):
        for _ in range(rnd.randint(1, 3)):
            lines.append("%s: %s" % (rnd.choice(keys["ua"]), rnd.choice(agents)))
            if rnd.random() < 0.35:
                lines.append(rnd.choice(others))
        for _ in range(rnd.randint(0, 4)):
            kind = rnd.choice(["allow", "disallow", "disallow"])
            sep = ": " if rnd.random() < 0.9 else " "
            lines.append(rnd.choice(keys[kind]) + sep + rnd.choice(pats))
            if rnd.random() < 0.15:
                lines.append(rnd.choice(others))
        if rnd.random() < 0.5:
            lines.append("")
        if rnd.random() < 0.1:
            lines.append("# comment")
    eol = rnd.choice(["\n", "\n", "\r\n"])
    return eol.join(lines) + eol


def classify(text, size, agent, url, rule_lines, allowed, digits=True):
    """The deliberate difference that explains a disagreement, or None."""
    path = url[len(HOST):] if url.startswith(HOST) else url
    if (path == "/robots.txt" or path.startswith("/robots.txt?")) and allowed:
        return "robots.txt always allowed (RFC 9309 2.2.2)"
    if digits and re.search(r"[0-9]", agent):
        return DIGITS
    if size > 512000:
        return "500 KiB limit (RFC 9309 2.5)"
    lines = text.splitlines()
    rules = [lines[n - 1] for n in rule_lines if 0 < n <= len(lines)]

    def special(s):
        return any(c in URI_EXCLUDED or c == "%" or ord(c) > 0x7e or c == " " for c in s)

    if special(path) or "*" in path or "$" in path or any(special(r.split(":", 1)[-1].strip())
                                                          for r in rules):
        return "percent-encoding (RFC 9309 2.2.2-2.2.3)"
    return None


def run(prog, cases):
    out = subprocess.run([prog, cases], stdout=subprocess.PIPE, check=True).stdout
    res = []
    for line in out.decode().splitlines():
        a, _, ln = line.partition("\t")
        res.append((a == "1", int(ln or 0)))
    return res


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ccsig", required=True)
    ap.add_argument("--google", default=os.environ.get("GOOGLE_ROBOTS_ANSWERS"))
    ap.add_argument("--corpus", default=os.path.join(here, "..", "..", "shared", "corpus",
                                                     "robots-real"))
    ap.add_argument("--generated", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=9309)
    ap.add_argument("--show", type=int, default=2)
    a = ap.parse_args()
    if not a.google or not os.access(a.google, os.X_OK):
        print("robots_diff: no Google reference: give --google or GOOGLE_ROBOTS_ANSWERS "
              "(see BENCHMARKS.md)", file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix="ccsig-robots-diff.")
    files = []
    for name in sorted(os.listdir(a.corpus)):
        if name.endswith(".txt"):
            files.append(("corpus", os.path.join(a.corpus, name)))
    rnd = random.Random(a.seed)
    for i in range(a.generated):
        p = os.path.join(tmp, "gen%05d.txt" % i)
        with open(p, "w", encoding="utf-8") as f:
            f.write(generated(rnd, i))
        files.append(("generated", p))
    cases, meta = [], []
    for kind, p in files:
        raw = open(p, "rb").read()
        text = raw.decode("utf-8", "replace")
        agents = (tokens_named(text) + [x for x in PROBES if x not in tokens_named(text)])[:40]
        urls = (FIXED + [u for u in paths_of_rules(text) if u not in FIXED])[:80]
        cases.append("F\t" + p)
        for ag in agents:
            for u in urls:
                if "\t" in u or "\n" in u or "\r" in u:
                    continue
                cases.append("Q\t%s\t%s%s" % (ag, HOST, u))
                meta.append((kind, p, len(raw), text, ag, HOST + u))
    cf = os.path.join(tmp, "cases.txt")
    with open(cf, "w", encoding="utf-8") as f:
        f.write("\n".join(cases) + "\n")
    c = run(a.ccsig, cf)
    g = run(a.google, cf)
    assert len(c) == len(g) == len(meta), (len(c), len(g), len(meta))
    totals = {"corpus": [0, 0], "generated": [0, 0]}
    classes = {}
    for (kind, p, size, text, ag, url), (ca, cl), (ga, gl) in zip(meta, c, g):
        totals[kind][0] += 1
        if ca == ga:
            totals[kind][1] += 1
            continue
        why = classify(text, size, ag, url, [cl, gl], ca and not ga) or "unexplained"
        classes.setdefault(why, []).append((kind, p, ag, url, ca, cl, ga, gl))
    # A digit in the agent explains a disagreement only when it goes away
    # with letters for the digits (in the agent and the User-agent lines).
    if DIGITS in classes:
        vc, keep = [], []
        for i, x in enumerate(classes[DIGITS]):
            kind, p, ag, url = x[:4]
            vp = os.path.join(tmp, "nodigits%06d.txt" % i)
            raw = open(p, "rb").read()
            out = []
            for line in raw.split(b"\n"):
                if re.match(rb"(?i)\s*user[- ]?agent", line):
                    line = re.sub(rb"[0-9]", b"x", line)
                out.append(line)
            open(vp, "wb").write(b"\n".join(out))
            vc += ["F\t" + vp, "Q\t%s\t%s" % (re.sub(r"[0-9]", "x", ag), url)]
        vf = os.path.join(tmp, "nodigits.txt")
        with open(vf, "w", encoding="utf-8") as f:
            f.write("\n".join(vc) + "\n")
        for x, (ca, _), (ga, _) in zip(classes[DIGITS], run(a.ccsig, vf), run(a.google, vf)):
            if ca == ga:
                keep.append(x)
                continue
            # the digits are not (the only) cause: the next explanation, if any
            raw = open(x[1], "rb").read()
            why = classify(raw.decode("utf-8", "replace"), len(raw), x[2], x[3], [x[5], x[7]],
                           x[4] and not x[6], digits=False) or "unexplained"
            classes.setdefault(why, []).append(x)
        classes[DIGITS] = keep
    nfiles = {k: sum(1 for f in files if f[0] == k) for k in totals}
    for k in ("corpus", "generated"):
        n, same = totals[k]
        print("%s: %d files, %d (agent, URL) pairs, %d agree (%.3f%%), %d differ" % (
            k, nfiles[k], n, same, 100.0 * same / max(n, 1), n - same))
    for why in sorted((w for w in classes if classes[w]), key=lambda w: (w == "unexplained", w)):
        v = classes[why]
        print("  %6d  %s (corpus %d, generated %d)" % (
            len(v), why, sum(1 for x in v if x[0] == "corpus"),
            sum(1 for x in v if x[0] == "generated")))
        for kind, p, ag, url, ca, cl, ga, gl in v[:a.show]:
            print("          e.g. %s %s %s: ccsig %s (line %d), Google %s (line %d)" % (
                os.path.basename(p), ag, url, "allowed" if ca else "disallowed", cl,
                "allowed" if ga else "disallowed", gl))
    return 1 if "unexplained" in classes else 0


if __name__ == "__main__":
    sys.exit(main())
