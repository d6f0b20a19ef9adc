"""ccsig.Checker against `ccsig check URL --json` (live mode), both asking
a small HTTP server on 127.0.0.1."""

from __future__ import annotations

import http.server
import threading

import pytest

import ccsig
from conftest import json_lines, run_cli

FILES = {
    "/robots.txt": (b"text/plain", b"User-agent: *\nDisallow: /private\nContent-Usage: /page train-ai=n;exceptions=cc-cr\n"),
    "/page": (b"text/html", b"<html><head><meta name=\"robots\" content=\"noimageai\"></head><body>x</body></html>"),
    "/private/x": (b"text/html", b"<html></html>"),
}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        f = FILES.get(self.path)
        if f is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", f[0].decode())
        self.send_header("Content-Length", str(len(f[1])))
        if self.path == "/page":
            self.send_header("Content-Usage", "search=y")
        self.end_headers()
        self.wfile.write(f[1])

    def log_message(self, *a):
        pass


@pytest.fixture(scope="module")
def server():
    s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=s.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{s.server_address[1]}"
    s.shutdown()


def test_checker_equals_the_command(cli, server):
    urls = [f"{server}/page", f"{server}/private/x", f"{server}/missing", "ftp://example.org/x"]
    ref = run_cli(cli, ["check", "--json", "--delay", "0", "--agent", "ExampleBot", "--use", "train-ai", "--commit", "credit", *urls])
    want = json_lines(ref.stdout)
    with ccsig.Checker("ExampleBot", use="train-ai", commit="credit", delay=0) as k:
        got = [k.check(u) for u in urls]
    # what may differ between two runs: whether robots.txt came from the cache
    for g in got + want:
        if g["robots"]:
            g["robots"]["cached"] = None
    assert got == want
    assert got[0]["decision"]["result"] == "permitted-with-obligations"
    assert got[1]["crawl"] == "disallowed"
    assert got[3]["error"]


def test_checker_from_threads(server):
    k = ccsig.Checker(delay=0)
    out = {}

    def work(i):
        out[i] = k.check(f"{server}/page")["sources"]

    ts = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert len(out) == 3 and out[0] == out[1] == out[2]
    k.close()
    with pytest.raises(ccsig.UsageError):
        k.check(f"{server}/page")
