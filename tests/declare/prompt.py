#!/usr/bin/env python3
"""prompt.py — `ccsig declare --into` asks about named groups on a terminal.

usage: prompt.py CCSIG FIXTURES-DIR

With neither --all-groups nor --no-all-groups, when the file has named
groups the rules for * do not reach and both stdin and stderr are a terminal
(a pseudo-terminal here), declare names them and asks "Add the rules to
these groups? [y/N]": y or yes adds them, Enter, anything else or end of
input does not. It never asks when stderr is not a terminal, when stdin is
not, or when an option chose.
"""
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

CCSIG, FIXTURES = sys.argv[1], sys.argv[2]
PROMPT = b"Add the rules to these groups? [y/N] "
RULE = "Content-Usage: train-ai=n;exceptions=cc-cr-ec, search=y"
ARGS = ["declare", "--use", "train-ai", "--signal", "cr-ec", "--use", "search", "--allow"]


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def read_until(fd, want, limit=20.0):
    """Read from fd until want appears (or the other side closes)."""
    got = b""
    end = time.monotonic() + limit
    while want not in got and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if not r:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        got += chunk
    return got


def run(tmp, extra, answer, stdin_tty=True, stderr_tty=True):
    """Run declare --into a fresh copy of named-groups.txt; type answer
    (None: close the terminal, end of input) after the prompt if it comes.
    Returns (exit status, what the terminal showed, the file after)."""
    path = os.path.join(tmp, "robots.txt")
    shutil.copy(os.path.join(FIXTURES, "named-groups.txt"), path)
    for f in os.listdir(tmp):
        if f.startswith("robots.txt.bak"):
            os.unlink(os.path.join(tmp, f))
    master, slave = os.openpty()
    p = subprocess.Popen(
        [CCSIG] + ARGS + ["--into", path] + extra,
        stdin=slave if stdin_tty else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave if stderr_tty else subprocess.PIPE,
    )
    os.close(slave)
    shown = b""
    if stdin_tty and stderr_tty:
        shown = read_until(master, PROMPT, limit=5.0 if extra else 20.0)
        if PROMPT in shown:
            if answer is None:
                os.write(master, b"\x04")  # Ctrl-D: end of input
            else:
                os.write(master, answer.encode() + b"\n")
    out, err = p.communicate(timeout=60)
    if stdin_tty and stderr_tty:
        shown += read_until(master, b"\x00", limit=1.0)
    else:
        shown += err or b""
    os.close(master)
    with open(path) as f:
        text = f.read()
    return p.returncode, shown.decode("utf-8", "replace"), text


def main():
    tmp = tempfile.mkdtemp(prefix="ccsig-declare-prompt.")
    try:
        # y: asked once (after the note naming the agents), the groups get the rules.
        for yes in ("y", "yes", "Y"):
            rc, shown, text = run(tmp, [], yes)
            if rc != 0:
                fail("answer %s: exit %d: %s" % (yes, rc, shown))
            if shown.count(PROMPT.decode()) != 1:
                fail("answer %s: the question was not asked once: %r" % (yes, shown))
            if "Googlebot (line 2), bingbot (line 11), msnbot (line 12)" not in shown:
                fail("the agents were not named before the question: %r" % shown)
            if "the rules are added to the groups of Googlebot" not in shown:
                fail("answer %s: no note of what was added: %r" % (yes, shown))
            if text.count(RULE + "\n") != 3:
                fail("answer %s: want the rule in 3 groups:\n%s" % (yes, text))
        # Enter (the default), another word, end of input: no.
        for answer in ("", "n", "sure", None):
            rc, shown, text = run(tmp, [], answer)
            if rc != 0:
                fail("answer %r: exit %d: %s" % (answer, rc, shown))
            if PROMPT.decode() not in shown:
                fail("answer %r: not asked: %r" % (answer, shown))
            if text.count(RULE + "\n") != 1:
                fail("answer %r: the named groups changed:\n%s" % (answer, text))
            if "wrote " not in shown:
                fail("answer %r: the * rules were not written: %r" % (answer, shown))
        # An option chose: never asked.
        for opt, want in (("--all-groups", 3), ("--no-all-groups", 1)):
            rc, shown, text = run(tmp, [opt], "y")
            if rc != 0 or PROMPT.decode() in shown:
                fail("%s: exit %d, asked anyway: %r" % (opt, rc, shown))
            if text.count(RULE + "\n") != want:
                fail("%s: want the rule %d times:\n%s" % (opt, want, text))
        # stderr or stdin not a terminal: never asked, only the note.
        for stdin_tty, stderr_tty in ((True, False), (False, True)):
            rc, shown, text = run(tmp, [], "y", stdin_tty, stderr_tty)
            if rc != 0 or PROMPT.decode() in shown:
                fail("stdin tty %s, stderr tty %s: exit %d, asked: %r"
                     % (stdin_tty, stderr_tty, rc, shown))
            if text.count(RULE + "\n") != 1:
                fail("not a terminal: the named groups changed:\n%s" % text)
        print("PASS: declare --into asks on a terminal (y/yes adds the rules to the named "
              "groups; Enter, another answer or end of input does not), never otherwise")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
