#!/usr/bin/env python3
"""Check one ccsig scan run over a damaged archive (see damage_corpus.py).

usage: damage_check.py ARCHIVE EXPECT ANNOTATION STDERR RC

The scan must have exited 2 (unreadable input: damaged records skipped; for
the clean archive 1 when a record is not permitted, else 0), named the archive
and an offset on stderr for the damage, annotated every record EXPECT lists
as intact and none it lists as damaged, and nothing twice.
"""
import json
import re
import sys

archive, expect, annot, errf, rc = sys.argv[1:6]
rc = int(rc)
clean = archive.split("/")[-1].startswith(("clean.", "arc-clean."))
problems = []
want, bad = set(), set()
for line in open(expect):
    kind, rid = line.split(None, 1)
    (want if kind == "intact" else bad).add(rid.strip())
seen = []
not_permitted = False
for line in open(annot):
    j = json.loads(line)
    not_permitted |= (j.get("decision") or {}).get("result") == "not-permitted"
    if "record_id" in j and j["record_id"]:
        seen.append(j["record_id"])
    elif "url" in j:  # ARC records have no record ID
        seen.append("url:" + j["url"])
got = set(seen)
if len(got) != len(seen):
    problems.append("%d records annotated twice" % (len(seen) - len(got)))
missing = want - got
if missing:
    problems.append("%d of %d intact records not annotated (e.g. %s)" % (len(missing), len(want), sorted(missing)[0]))
wrong = got & bad
if wrong:
    problems.append("%d damaged records annotated (e.g. %s)" % (len(wrong), sorted(wrong)[0]))
extra = got - want - bad
if extra:
    problems.append("%d annotated records are not in the archive (e.g. %s)" % (len(extra), sorted(extra)[0]))
err = open(errf, errors="replace").read()
if clean:
    # the one exit rule (ccsig(1)): 1 when a decision is not-permitted
    if rc != (1 if not_permitted else 0):
        problems.append("exit %d on the clean archive (a record not permitted: %s)" % (rc, not_permitted))
else:
    if rc != 2:
        problems.append("exit %d, not 2" % rc)
    name = archive.split("/")[-1]
    if not re.search(re.escape(name) + r": offset [0-9]+", err):
        problems.append("stderr does not name the archive and an offset: %r" % err[:300])
if problems:
    print("FAIL %s: %s" % (archive, "; ".join(problems)))
    sys.exit(1)
print("ok   %s: %d intact annotated, %d damaged not" % (archive.split("/")[-1], len(want), len(bad)))
